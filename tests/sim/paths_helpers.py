"""What the path tables of the simulator's tests share: a VPC template, compiling a
network of a table, tracing a row and checking its verdict, code and crossed component."""

from __future__ import annotations

from collections.abc import Mapping

from netdraft import api
from netdraft.dsl.query import parse_query
from netdraft.model.network import Network
from netdraft.sim.path import trace
from netdraft.sim.trace import Leg, Trace

#: A VPC ``east`` (10.0.0.0/16) of us-east-1 whose one subnet routes 10.0.0.0/8 to the
#: transit gateway ``tgw-east``, with an instance ``app`` that admits all of 10.0.0.0/8.
EAST_VPC = """  vpc east 10.0.0.0/16 {
    subnet a 10.0.1.0/24 az us-east-1a
    route-table rt main { route 10.0.0.0/8 via tgw-east }
    security-group sg { ingress all from 10.0.0.0/8 }
    instance app in a sg sg
  }
"""


def compile_named(networks: Mapping[str, str], name: str) -> Network:
    """The network ``name`` of a test's table, compiled (its diagnostics fail the test)."""
    compiled = api.compile(networks[name], f"{name}.nd")
    assert compiled.ok, [d.headline() for d in compiled.diagnostics]
    assert compiled.network is not None
    return compiled.network


def trace_query(network: Network, src: str, dst: str, proto: str, port: int | None) -> Trace:
    """The trace of ``SRC DST PROTO PORT`` in ``network``, as ``netdraft path`` reads it."""
    query = parse_query(network, src, dst, proto, None if port is None else str(port))
    assert not isinstance(query, list), [d.message for d in query]
    return trace(network, query)


def check_row(
    t: Trace,
    verdict: str,
    code: str | None,
    via: str | None,
    *,
    leg: Leg | None = None,
    check_leg: bool = False,
) -> None:
    """A path row holds: its verdict and drop code, the leg it drops on (when the table
    says), and, when it names one, a component the path crosses."""
    assert (t.verdict.value, t.code.value if t.code else None) == (verdict, code), t.reason
    if check_leg:
        assert t.leg is leg, t.reason
    if via is not None:
        assert t.crosses(via), [h.name for h in (*t.forward, *t.reverse)]
