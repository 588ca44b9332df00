"""What makes the whole-network analyses fast, and that it changes no answer (issue 17):

* a sweep cuts a path's ports only where a rule its trace read, or a hop it crossed (a
  service, an endpoint, a listener), could decide otherwise (:meth:`Cuts.next_cut`);
* the sweeps of a question's spans share a piece that reaches from one into the next
  (:class:`Held`);
* the two versions of a network are compared field by field (:func:`same`), as their
  shapes are;
* a VPC's subnets are found by prefix (:meth:`Index.subnet_at`).

The answers themselves are compared with per-port tracing in ``test_classes_oracle.py``.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Callable
from pathlib import Path

import pytest

from netdraft import api
from netdraft.model import network as m
from netdraft.model.values import PortRange, Protocol
from netdraft.sim.classes import Cuts, Held, query, sweep
from netdraft.sim.exposure import exposure
from netdraft.sim.path import Simulator
from netdraft.sim.reach_diff import same, shape
from netdraft.sim.trace import ComponentKind, Trace

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.nd"))

NET = """\
region us-east-1 {
  vpc shop 10.0.0.0/16 {
    ipv6 2001:db8:100::/56
    internet-gateway igw
    subnet pub  10.0.0.0/24 az us-east-1a ipv6 2001:db8:100::/64
    subnet priv 10.0.1.0/24 az us-east-1a
    route-table public {
      route 0.0.0.0/0 via igw
      route ::/0 via igw
      associate pub
    }
    security-group web-sg {
      ingress tcp 443 from 0.0.0.0/0
      ingress tcp 8000-8100 from 0.0.0.0/0
    }
    security-group app-sg {
      ingress tcp 8080 from web-sg
      egress tcp 5432 to 10.0.1.0/24
    }
    instance web in pub public-ip sg web-sg
    instance app in priv sg app-sg
  }
}
"""


def compiled(text: str) -> m.Network:
    result = api.compile(text, "net.nd")
    errors = [d.message for d in result.diagnostics if d.is_error]
    assert result.network is not None and not errors, errors
    return result.network


def counting(
    sim: Simulator, src: m.Place, dst: m.Place, protocol: Protocol
) -> tuple[list[int], Callable[[int | None], list[Trace]]]:
    """A sweep's trace function that records the ports it traces."""
    asked: list[int] = []

    def trace(port: int | None) -> list[Trace]:
        assert port is not None
        asked.append(port)
        return [sim.trace(query(src, dst, protocol, port))]

    return asked, trace


INTERNET = m.Place(m.PlaceKind.INTERNET, "1.0.0.1", address=ipaddress.ip_address("1.0.0.1"))


def test_a_path_that_meets_no_rule_is_one_piece() -> None:
    """The internet cannot reach ``app`` (no public address): every port is dropped before
    any rule, so one trace answers for 1-65535; ``web`` is cut at its group's rules."""
    net = compiled(NET)
    sim = Simulator(net)
    cuts = Cuts(net, sim.hop_cuts)
    app = m.Place(m.PlaceKind.INSTANCE, "app", "app", "shop")
    web = m.Place(m.PlaceKind.INSTANCE, "web", "web", "shop")
    asked, trace = counting(sim, INTERNET, app, Protocol.TCP)
    pieces = list(sweep(cuts, trace, Protocol.TCP, PortRange(1, 65535)))
    assert [p for p, _ in pieces] == [PortRange(1, 65535)] and asked == [1]
    asked, trace = counting(sim, INTERNET, web, Protocol.TCP)
    pieces = list(sweep(cuts, trace, Protocol.TCP, PortRange(1, 65535)))
    assert [str(p) for p, t in pieces if t[0].allowed] == ["443", "8000-8100"]
    # The network's other rules (app-sg's 8080 and 5432) do not cut web's path.
    assert {p.low for p, _ in pieces if p is not None} == {1, 443, 444, 8000, 8101}


def test_the_hops_that_read_a_port_outside_the_rules() -> None:
    net = compiled(NET)
    sim = Simulator(net)
    assert sim.hop_cuts(Protocol.TCP, ComponentKind.INSTANCE) == set()
    assert sim.hop_cuts(Protocol.TCP, ComponentKind.SUBNET) == set()
    # The services on the host answer DNS on 53 and metadata on tcp 80; time on udp 123.
    assert {53, 54, 80, 81} <= sim.hop_cuts(Protocol.TCP, ComponentKind.SERVICE)
    assert {53, 54, 123, 124} <= sim.hop_cuts(Protocol.UDP, ComponentKind.ENDPOINT)
    assert sim.service_cuts(Protocol.TCP) <= sim.port_cuts(Protocol.TCP)
    assert {443, 444, 8000, 8101, 8080, 8081, 5432, 5433} <= sim.port_cuts(Protocol.TCP)


@pytest.mark.parametrize("share", [False, True])
def test_spans_of_one_question_share_a_piece(share: bool) -> None:
    """Spans 443 and 8443 of a question whose path meets no rule between them: with
    ``held``, the piece traced at 443 answers for 8443 too; the verdicts are the same."""
    net = compiled(NET)
    sim = Simulator(net)
    cuts = Cuts(net, sim.hop_cuts)
    app = m.Place(m.PlaceKind.INSTANCE, "app", "app", "shop")
    asked, trace = counting(sim, INTERNET, app, Protocol.TCP)
    held = Held() if share else None
    verdicts = [
        (str(piece), traces[0].verdict, traces[0].code)
        for span in (PortRange(443, 443), PortRange(8443, 8443))
        for piece, traces in sweep(cuts, trace, Protocol.TCP, span, held)
    ]
    assert [v[0] for v in verdicts] == ["443", "8443"]
    assert verdicts[0][1:] == verdicts[1][1:] and verdicts[0][1] is m.Verdict.DENY
    assert asked == ([443] if share else [443, 8443])


def test_a_held_piece_answers_only_for_its_own_ports() -> None:
    """``web`` is cut at 444: the piece traced at 443 does not answer for 8443."""
    net = compiled(NET)
    sim = Simulator(net)
    cuts = Cuts(net, sim.hop_cuts)
    web = m.Place(m.PlaceKind.INSTANCE, "web", "web", "shop")
    asked, trace = counting(sim, INTERNET, web, Protocol.TCP)
    held = Held()
    found = [
        traces[0].allowed
        for span in (PortRange(443, 443), PortRange(8050, 8050), PortRange(9000, 9000))
        for _, traces in sweep(cuts, trace, Protocol.TCP, span, held)
    ]
    assert found == [True, True, False] and asked == [443, 8050, 9000]


def test_exposure_traces_a_private_interface_once_per_address_and_protocol() -> None:
    net = compiled(NET)
    sim = Simulator(net)
    found = exposure(net, sim)
    v4, v6 = (len(sim.ix.internet_candidates(v)) for v in (4, 6))
    # Per class: tcp, udp, icmp from each IPv4 address; tcp, udp, icmpv6 from each IPv6
    # one. app's class needs one trace each; web's tcp is cut at its rules.
    assert found.classes == 2
    assert found.traces < 3 * (v4 + v6) + 5 * 3 * (v4 + v6)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_same_is_shape_equality(path: Path) -> None:
    """On every part of every example against every part of the next example and of a
    copy of itself moved down by a line (other spans, the same shapes)."""
    text = path.read_text(encoding="utf-8")
    a = api.compile(text, str(path)).network
    moved = api.compile("\n" + text, str(path)).network
    other = api.compile(EXAMPLES[(EXAMPLES.index(path) + 1) % len(EXAMPLES)].read_text(), "o.nd")
    assert a is not None and moved is not None and other.network is not None
    parts = [f.name for f in dataclasses.fields(a)]
    for b in (moved, other.network):
        for name in parts:
            x, y = getattr(a, name), getattr(b, name)
            assert same(x, y) == (shape(x) == shape(y)), name
        for vpc in a.vpcs:
            if vpc in b.vpcs:
                for f in dataclasses.fields(a.vpcs[vpc]):
                    x, y = getattr(a.vpcs[vpc], f.name), getattr(b.vpcs[vpc], f.name)
                    assert same(x, y) == (shape(x) == shape(y)), (vpc, f.name)
    assert same(a, moved) and shape(a) == shape(moved)


def test_same_tells_a_changed_rule_apart() -> None:
    a, b = compiled(NET), compiled(NET.replace("tcp 443", "tcp 8443"))
    assert not same(a, b) and same(a.vpcs["shop"].subnets, b.vpcs["shop"].subnets)
    assert not same(a.vpcs["shop"].security_groups, b.vpcs["shop"].security_groups)
    assert same(None, None) and not same(a.vpcs["shop"], None)


def test_subnets_are_found_by_prefix() -> None:
    sim = Simulator(compiled(NET))
    at = sim.ix.subnet_at
    assert at("shop", ipaddress.ip_address("10.0.0.9")).name == "pub"  # type: ignore[union-attr]
    assert at("shop", ipaddress.ip_address("10.0.1.200")).name == "priv"  # type: ignore[union-attr]
    assert at("shop", ipaddress.ip_address("2001:db8:100::5")).name == "pub"  # type: ignore[union-attr]
    assert at("shop", ipaddress.ip_address("10.0.2.1")) is None
    assert at("shop", ipaddress.ip_address("2001:db8:100:1::5")) is None
    assert at("elsewhere", ipaddress.ip_address("10.0.0.9")) is None


TWO = """\
region us-east-1 {
  vpc a 10.1.0.0/16 {
    subnet s 10.1.0.0/24 az us-east-1a
    security-group out {
      egress tcp 443 to 0.0.0.0/0
      egress tcp 8443 to 0.0.0.0/0
    }
    instance x in s sg out
    instance x2 in s sg out
  }
  vpc b 10.2.0.0/16 {
    subnet s 10.2.0.0/24 az us-east-1a
    security-group svc { ingress tcp 443 from 10.0.0.0/8 }
    instance y in s sg svc
    instance y2 in s sg svc
  }
}
"""


def test_a_trace_dropped_at_a_route_is_a_dead_end() -> None:
    """x cannot route to vpc b: every port stops there (a dead end); within vpc b, y2's
    request to y is dropped by y's group (a rule reads the port: not a dead end)."""
    from netdraft.sim.reach_diff import _dead_end

    sim = Simulator(compiled(TWO))
    x, y = (m.Place(m.PlaceKind.INSTANCE, n, n, v) for n, v in (("x", "a"), ("y", "b")))
    y2 = m.Place(m.PlaceKind.INSTANCE, "y2", "y2", "b")
    routed = sim.trace(m.Query(x, y, Protocol.TCP, 443))
    assert not routed.allowed and _dead_end(routed)
    refused = sim.trace(m.Query(y2, y, Protocol.TCP, 22))
    assert not refused.allowed and not _dead_end(refused)
    assert not _dead_end(sim.trace(m.Query(y2, y, Protocol.TCP, 443)))  # allowed
    assert not _dead_end(sim.trace(m.Query(INTERNET, y, Protocol.TCP, 443)))  # addresses


def test_a_dead_end_spares_the_other_spans_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from netdraft.sim import reach_diff as rd
    from netdraft.sim.analysis import NetworkAnalysis
    from netdraft.sim.prices import bundled

    def run() -> rd.ReachDiff:
        old = NetworkAnalysis(compiled(TWO), bundled())
        new = NetworkAnalysis(compiled(TWO.replace("tcp 443 from", "tcp 8443 from")), bundled())
        return rd.reach_diff(old, new)

    fast = run()
    monkeypatch.setattr(rd, "_dead_end", lambda trace: False)
    slow = run()
    assert fast.changes == slow.changes and fast.changes  # y2 -> y: 443 closed, 8443 opened
    assert {(c.source, c.ports, c.after) for c in fast.changes} >= {
        ("y2", "443", "deny"),
        ("y2", "8443", "allow"),
    }
    assert fast.traces < slow.traces
