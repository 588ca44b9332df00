"""Helpers of the path tables: a network compiled once by name, a query traced in it.

A table module keeps its networks in a ``NETWORKS`` dict and makes its ``run`` with
:func:`tracer`; rows are ``(network, src, dst, proto, port, verdict, code, …)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

from netdraft import api
from netdraft.dsl.query import parse_query
from netdraft.model.network import Network
from netdraft.sim.path import trace
from netdraft.sim.trace import Trace

Run = Callable[[str, str, str, str, int | None], Trace]


def compiled(text: str, name: str) -> Network:
    """The network of ``text``, which must compile without an error."""
    result = api.compile(text, f"{name}.nd")
    assert result.ok, [d.headline() for d in result.diagnostics]
    assert result.network is not None
    return result.network


def tracer(networks: Mapping[str, str]) -> tuple[Callable[[str], Network], Run]:
    """``network(name)``, compiled once, and ``run(name, src, dst, proto, port)``."""

    @cache
    def network(name: str) -> Network:
        return compiled(networks[name], name)

    def run(net: str, src: str, dst: str, proto: str, port: int | None) -> Trace:
        query = parse_query(network(net), src, dst, proto, None if port is None else str(port))
        assert not isinstance(query, list), [d.message for d in query]
        return trace(network(net), query)

    return network, run
