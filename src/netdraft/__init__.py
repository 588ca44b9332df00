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
