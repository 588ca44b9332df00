"""netdraft: AWS network designs as text, checked, simulated, priced and drawn.

The public API reads as the pipeline::

    compiled = netdraft.load("net.nd")          # parse → build → validate (never raises)
    result = netdraft.check("net.nd")           # + every expect and flow
    trace = netdraft.path(network, "app", "db", "tcp", "5432")
    report = netdraft.cost(network)
    netdraft.render(network, "net.svg", highlight=trace)
    netdraft.docs("net.nd", "site/")
    change = netdraft.diff("main:net.nd", "net.nd").report   # what a change does
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netdraft.api import (
        CheckResult,
        Compiled,
        check,
        compile,
        cost,
        diff,
        docs,
        load,
        load_network,
        path,
        render,
    )
    from netdraft.diagnostics import Diagnostic, NetdraftError

#: Where each public name is defined. They are imported when first used, not with the
#: package: ``netdraft --help`` and ``fmt`` do not load the compiler and the simulator.
_HOMES = {
    **dict.fromkeys(("Diagnostic", "NetdraftError"), "netdraft.diagnostics"),
    **dict.fromkeys(
        (
            "CheckResult",
            "Compiled",
            "check",
            "compile",
            "cost",
            "diff",
            "docs",
            "load",
            "load_network",
            "path",
            "render",
        ),
        "netdraft.api",
    ),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'netdraft' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # found once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "CheckResult",
    "Compiled",
    "Diagnostic",
    "NetdraftError",
    "check",
    "compile",
    "cost",
    "diff",
    "docs",
    "load",
    "load_network",
    "path",
    "render",
]
