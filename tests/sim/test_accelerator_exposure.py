"""Exposure through a Global Accelerator: an instance (or a load balancer) that the internet
reaches only through an accelerator's listener is listed, "via accelerator NAME", with the
rule lines that admit it.

Global Accelerator may send a client to any healthy endpoint with a weight above 0 (by
where the client is, and the weights), so every such endpoint is asked alone. The oracle
is per-port tracing of ``internet -> ga`` on a copy of the file whose listeners each name
that one endpoint (with its weight, or weight 0 where the listener did not name it): an
endpoint is listed on a port exactly when that trace is allowed. With the client's
address kept (instance and ALB endpoints) the endpoint's groups must admit the client and
the subnet's network ACL is not evaluated; an NLB endpoint sees the accelerator's address
and its subnet's ACL applies (AWS, Global Accelerator guide, "Preserve client IP
addresses": NACL rules "are not evaluated for this traffic").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from test_classes_oracle import EXAMPLES, balancers, covers, ports, query
from test_oracle import Net, networks, render

from netdraft import api
from netdraft.cli import main
from netdraft.model import network as m
from netdraft.model.values import Protocol
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.exposure import exposure, interfaces
from netdraft.sim.prices import bundled

Listener = tuple[str, int, int, tuple[tuple[str, str, int], ...]]


def public(peer: str) -> bool:
    """Whether a rule's peer is a CIDR that may hold an internet address."""
    return "/" in peer and not peer.startswith(("10.", "172.16.", "192.168."))


@st.composite
def listeners(draw: st.DrawFn, net: Net, balancer: bool) -> list[Listener]:
    """An accelerator's listeners on drawn ports, each to some of the network's instances
    (and its first VPC's load balancer), with drawn weights (0 sends nothing)."""
    targets = [(v.name, i.name) for v in net.vpcs for i in v.instances]
    if balancer:
        targets.append((net.vpcs[0].name, "lb"))
    if not targets:
        return []
    # Some listeners on the ports of a rule that may admit the internet to one of the
    # instances (in a VPC with an internet gateway: the client's address is kept), sending
    # to it first, so that some connections get through (the others on
    # fixed ports, most of them denied).
    groups = {(v.name, g.name): g for v in net.vpcs for g in v.groups}
    admitted = sorted(
        {
            ("udp" if r.protocol == "udp" else "tcp", *(r.ports or (1, 65535)), (v.name, i.name))
            for v in net.vpcs
            for i in v.instances
            for g in i.groups or ()
            for r in groups[(v.name, g)].ingress
            if v.igw and r.protocol in ("tcp", "udp", "all") and public(r.peer)
        }
    )
    fixed = st.tuples(
        st.sampled_from(["tcp", "udp"]),
        st.sampled_from([22, 80, 443, 1000, 5432, 30000]),
        st.sampled_from([0, 0, 10, 8000]),
        st.just(()),
    )
    drawn = draw(st.lists(fixed, min_size=0 if admitted else 1, max_size=2))
    if admitted and (not drawn or draw(st.integers(0, 3)) > 0):
        protocol, low, high, target = draw(st.sampled_from(admitted))
        drawn.insert(0, (protocol, low, high - low, (target,)))
    out: list[Listener] = []
    for protocol, low, width, first in drawn:
        high = min(low + width, 65535)
        if any(p == protocol and not (high < a or b < low) for p, a, b, _ in out):
            continue  # listeners of one protocol do not overlap
        others = draw(st.lists(st.sampled_from(targets), max_size=2, unique=True))
        chosen = list(dict.fromkeys([*first, *others])) or [draw(st.sampled_from(targets))]
        weights = st.sampled_from([1, 128]) if first else st.sampled_from([0, 1, 128])
        ends = tuple(
            (v, n, draw(weights if k == 0 else st.sampled_from([0, 1, 128])))
            for k, (v, n) in enumerate(chosen)
        )
        out.append((protocol, low, high, ends))
    return out


def accelerator(found: list[Listener]) -> str:
    lines = ["accelerator ga {"]
    for protocol, low, high, ends in found:
        ports = str(low) if low == high else f"{low}-{high}"
        named = " ".join(f"{v}.{n} weight {w}" for v, n, w in ends)
        lines.append(f"  listener {protocol} {ports} -> {named}")
    return "\n".join([*lines, "}", ""])


def only(found: list[Listener], target: tuple[str, str]) -> list[Listener]:
    """The listeners each sending to ``target`` alone: with its weight where it was named,
    weight 0 (nothing) where it was not; the listeners and their ports unchanged."""
    return [
        (p, low, high, (next(((v, n, w) for v, n, w in ends if (v, n) == target), (*target, 0)),))
        for p, low, high, ends in found
    ]


def network_of(net: Net, balancer: str, found: list[Listener]) -> m.Network | None:
    lines = render(net).split("\n")
    if balancer:
        start = lines.index(next(x for x in lines if x.startswith(f"  vpc {net.vpcs[0].name} ")))
        end = lines.index("  }", start)
        lines = [*lines[:end], balancer.rstrip("\n"), *lines[end:]]
    text = "\n".join(lines) + "\n" + accelerator(found)
    result = api.compile(text, "<random>")
    if result.network is None or any(d.is_error for d in result.diagnostics):
        return None
    return result.network


def _drawn_network(net: Net, data: st.DataObject) -> tuple[m.Network, str, list[Listener]]:
    """The random network with an accelerator's listeners (and, half the time, a load
    balancer) drawn on it, with what was drawn; examples where none can be built are skipped."""
    balancer = data.draw(balancers(net)) if data.draw(st.booleans()) else ""
    found = data.draw(listeners(net, bool(balancer)))
    assume(bool(found))
    network = network_of(net, balancer, found)
    assume(network is not None)
    assert network is not None
    return network, balancer, found


@settings(max_examples=EXAMPLES, deadline=None)
@given(net=networks(), data=st.data())
def test_accelerator_exposure_agrees_with_per_port_tracing(net: Net, data: st.DataObject) -> None:
    network, balancer, found = _drawn_network(net, data)
    listed = exposure(network, NetworkAnalysis(network, bundled()).simulator).exposed
    event(f"listed through the accelerator: {any(e.accelerator for e in listed)}")
    names = {(e.vpc, e.place.name): e.text for e in interfaces(network)}
    internet = m.Place(m.PlaceKind.INTERNET, "internet")
    ga = m.Place(m.PlaceKind.ACCELERATOR, "ga", "ga")
    drawn = [x for _, low, high, _ in found for x in (low - 1, low, high, high + 1)]
    for target in dict.fromkeys((v, n) for *_, ends in found for v, n, _ in ends):
        alone = network_of(net, balancer, only(found, target))
        assert alone is not None
        oracle = NetworkAnalysis(alone, bundled())
        for protocol in (Protocol.TCP, Protocol.UDP):
            for port in ports([network], protocol, drawn):
                t = oracle.trace(query(internet, ga, protocol, port))
                shown = any(
                    e.interface == names[target]
                    and e.accelerator == "ga"
                    and e.version == 4
                    and e.protocol == protocol.value
                    and covers(e.ports, port)
                    for e in listed
                )
                assert shown == t.allowed, (target, protocol, port, t.reason, accelerator(found))
    # nothing else is listed through it: only endpoints with a weight, on their listeners
    for e in listed:
        if e.accelerator:
            assert any(
                names[(v, n)] == e.interface and w > 0 and p == e.protocol
                for p, _, _, ends in found
                for v, n, w in ends
            )


# ---- a hand-derived example -------------------------------------------------------------------

EXAMPLE = """\
region us-east-1 {
  vpc web 10.0.0.0/16 {
    internet-gateway igw
    subnet a 10.0.0.0/24 az us-east-1a
    subnet b 10.0.1.0/24 az us-east-1b
    security-group app-sg {
      ingress tcp 443 from 0.0.0.0/0
      ingress tcp 22 from 10.0.0.0/8
    }
    security-group db-sg {
      ingress tcp 5432 from 10.0.0.0/16
    }
    network-acl closed {
      inbound 100 deny all from 0.0.0.0/0
      outbound 100 deny all to 0.0.0.0/0
      associate a b
    }
    instance app in a sg app-sg
    instance db in b sg db-sg
    instance spare in a sg app-sg
  }
}
accelerator ga {
  listener tcp 443 -> web.app weight 100 web.spare weight 0
  listener tcp 22 -> web.app
  listener tcp 5432 -> web.db
}
"""


def test_an_instance_behind_an_accelerator_only_is_listed_via_it(tmp_path: Path) -> None:
    network = api.compile(EXAMPLE, "ga.nd").network
    assert network is not None
    found = exposure(network)
    # app has no public address and its subnet's ACL denies everything: the internet
    # cannot reach it straight. Through the accelerator the client's address is kept, the
    # ACL is not evaluated, and app-sg admits tcp 443 from anywhere (line 7), behind the
    # listener of line 24. Its tcp 22 is admitted from 10.0.0.0/8 only: not the internet's
    # client. db's group admits no internet address; spare's weight is 0.
    shown = [
        (e.interface, e.protocol, e.ports, [s.line for s in e.rules], e.accelerator)
        for e in found.exposed
    ]
    assert shown == [("app", "tcp", "443", [7, 24], "ga")]
    assert not api.path(network, "internet", "app", "tcp", "443").allowed
    assert api.path(network, "internet", "ga", "tcp", "443").allowed


def test_the_commands_say_via_which_accelerator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "ga.nd"
    file.write_text(EXAMPLE)
    assert main(["exposure", str(file), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert f"app: IPv4 tcp 443 from the internet via accelerator ga  ({file}:7, {file}:24)\n" in out
    assert main(["exposure", str(file), "--no-cache", "--format", "json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["exposed"]
    assert entry["via"] == "accelerator ga" and entry["ports"] == "443"
    assert main(["exposure", str(file), "--no-cache", "--format", "sarif"]) == 0
    sarif = json.loads(capsys.readouterr().out)
    (result,) = sarif["runs"][0]["results"]
    assert result["message"]["text"] == "app: IPv4 tcp 443 from the internet via accelerator ga"


def test_a_direct_exposure_names_no_accelerator() -> None:
    text = EXAMPLE.replace("deny all from", "allow all from").replace("deny all to", "allow all to")
    text = text.replace(
        "instance app in a sg app-sg", "instance app in a sg app-sg public-ip 54.0.0.7"
    )
    text = text.replace(
        "    instance db",
        "    route-table rt { route 0.0.0.0/0 via igw; associate a }\n    instance db",
    )
    network = api.compile(text, "ga.nd").network
    assert network is not None
    found = [
        (e.interface, e.ports, e.accelerator)
        for e in exposure(network).exposed
        if e.protocol == "tcp"
    ]
    assert ("app", "443", "") in found and ("app", "443", "ga") in found


# ---- expectations from the internet agree with exposure (LANGUAGE.md §13) ---------------------


def outcomes(lines: str, text: str = EXAMPLE) -> list[tuple[bool, str, str]]:
    """Each expectation's outcome: whether it holds, the accelerator its trace opens the
    destination through ('' for none) and the drop code ('' when allowed)."""
    analysis = api.analyse("ga.nd", text=text + lines).require_analysis()
    return [
        (o.holds, o.trace.through, str(o.trace.code) if o.trace.code else "")
        for o in analysis.outcomes.paths
    ]


def test_an_expectation_of_no_exposure_agrees_with_exposure() -> None:
    text = EXAMPLE + "expect internet -> web.app tcp 443 deny\n"
    analysis = api.analyse("ga.nd", text=text).require_analysis()
    assert any(e.interface == "app" and e.ports == "443" for e in analysis.exposure.exposed)
    (outcome,) = analysis.outcomes.paths
    assert not outcome.holds, "app is open on tcp 443 through ga, yet the expectation holds"
    assert outcome.trace.allowed and outcome.trace.through == "ga"
    # the path shown is the accelerator's: its listener line, the endpoint, app-sg's rule
    spans = {s.span.line for h in outcome.trace.forward for s in h.steps if s.span}
    assert {24, 7} <= spans


def test_an_expectation_of_exposure_holds_through_an_accelerator() -> None:
    assert outcomes("expect internet -> web.app tcp 443 allow\n") == [(True, "ga", "")]
    # straight to app's own address it is still denied: the direct trace is unchanged
    network = api.compile(EXAMPLE, "ga.nd").network
    assert network is not None
    assert not api.path(network, "internet", "app", "tcp", "443").allowed


def test_the_groups_must_admit_the_client_through_an_accelerator() -> None:
    # ga's listener tcp 22 sends to app, whose group admits tcp 22 from 10.0.0.0/8 only:
    # the client's address is kept, so no internet address is admitted; the trace shown
    # is the direct one (app has no public address).
    found = outcomes(
        "expect internet -> web.app tcp 22 deny\nexpect internet -> web.app tcp 22 allow\n"
    )
    assert found == [(True, "", "NO_PUBLIC_IP"), (False, "", "NO_PUBLIC_IP")]
    found = outcomes("expect internet -> web.db tcp 5432 deny\n")
    assert found == [(True, "", "NO_PUBLIC_IP")]


def test_an_endpoint_of_weight_0_is_not_reached_through_it() -> None:
    found = outcomes(
        "expect internet -> web.spare tcp 443 deny\nexpect internet -> web.spare tcp any deny\n"
    )
    assert found == [(True, "", "NO_PUBLIC_IP"), (True, "", "NO_PUBLIC_IP")]
    # with a weight it is
    text = EXAMPLE.replace("web.spare weight 0", "web.spare weight 1")
    found = outcomes("expect internet -> web.spare tcp 443 deny\n", text)
    assert found == [(False, "ga", "")]


def test_a_stopped_endpoint_is_not_reached_through_it() -> None:
    text = EXAMPLE.replace("instance app in a sg app-sg", "instance app in a sg app-sg stopped")
    found = outcomes(
        "expect internet -> web.app tcp 443 deny\nexpect internet -> web.app tcp any deny\n", text
    )
    assert [holds for holds, _, _ in found] == [True, True]
    assert [through for _, through, _ in found] == ["", ""]


def test_a_port_outside_the_listeners_is_not_opened_through_it() -> None:
    found = outcomes(
        "expect internet -> web.app tcp 8443 deny\n"
        "expect internet -> web.app tcp 1-442 deny\n"
        "expect internet -> web.app tcp 444-65535 deny\n"
        "expect internet -> web.app udp 443 deny\n"
        "expect internet -> web.app tcp any deny\n"
        "expect internet -> web.app tcp 440-450 allow\n"
    )
    assert [holds for holds, _, _ in found] == [True, True, True, True, False, False]
    analysis = api.analyse(
        "ga.nd", text=EXAMPLE + "expect internet -> web.app tcp any deny\n"
    ).require_analysis()
    (outcome,) = analysis.outcomes.paths
    # the listener's ports split the sweep: only 443 is opened
    runs = [(str(r.ports), r.verdict.value) for r in outcome.trace.port_runs]
    assert runs == [("1-442", "deny"), ("443", "allow"), ("444-65535", "deny")]
    assert outcome.trace.query.port == 443 and outcome.trace.through == "ga"


def test_an_expectation_from_an_address_or_to_a_public_address_is_asked_of_it() -> None:
    # a source address written asks of that address: the accelerator is not considered
    found = outcomes("expect 198.51.100.7 -> web.app tcp 443 deny\n")
    assert found == [(True, "", "NO_PUBLIC_IP")]


def test_check_says_through_which_accelerator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "ga.nd"
    file.write_text(
        EXAMPLE
        + "expect internet -> web.app tcp 443 deny\nexpect internet -> web.app tcp any deny\n"
    )
    assert main(["check", str(file), "--no-cache"]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert (
        f"{file}:28:1: error[expect-failed]: expectation does not hold: the path is allowed "
        "through accelerator 'ga', expected deny\n"
    ) in text
    assert (
        f"{file}:29:1: error[expect-failed]: expectation does not hold: tcp 443 is allowed "
        "through accelerator 'ga', expected every tcp port denied\n"
    ) in text
    assert "  =   through accelerator ga: not on web.app's own address\n" in text
    assert (
        "  =   ports: 1-442 denied (NO_PUBLIC_IP), 443 allowed, 444-65535 denied (NO_PUBLIC_IP)\n"
        in text
    )
    assert "to endpoint web.app (weight 100, endpoint group us-east-1" in text


@settings(max_examples=max(EXAMPLES // 2, 10), deadline=None)
@given(net=networks(), data=st.data())
def test_an_expectation_from_the_internet_agrees_with_exposure(
    net: Net, data: st.DataObject
) -> None:
    """§13: ``expect internet -> X`` is allowed on a port exactly when exposure lists X open
    on it, straight or through an accelerator, by every endpoint of a listener and port."""
    network, _, found = _drawn_network(net, data)
    analysis = NetworkAnalysis(network, bundled())
    listed = analysis.exposure.exposed
    internet = m.Place(m.PlaceKind.INTERNET, "internet")
    drawn = [x for _, low, high, _ in found for x in (low - 1, low, high, high + 1)]
    fronted = {(v, n) for *_, ends in found for v, n, _ in ends}
    for eni in interfaces(network):
        if eni.kind not in ("instance", "load-balancer"):
            continue
        if (eni.vpc, eni.place.name) not in fronted:
            continue
        for protocol in (Protocol.TCP, Protocol.UDP):
            for port in ports([network], protocol, drawn):
                t = analysis.reach(query(internet, eni.place, protocol, port))
                shown = [
                    e
                    for e in listed
                    if e.interface == eni.text
                    and e.protocol == protocol.value
                    and covers(e.ports, port)
                ]
                event(f"through an accelerator: {bool(t.through)} ({eni.kind})")
                assert t.allowed == bool(shown), (eni.text, protocol, port, t.reason)
                if t.through:
                    assert any(e.accelerator == t.through for e in shown)


def test_an_internal_load_balancer_is_reached_through_an_accelerator() -> None:
    # The example's east ALB made internal: the internet opens it only through shop-ga
    # (weight 200); the west ALB's target is stopped (no healthy target behind tcp 8443).
    example = Path(__file__).parents[2] / "examples/components/global-accelerator.nd"
    text = example.read_text().replace(
        "application internet-facing in public-a public-b sg alb {\n      listener https 443 -> web-east",
        "application internal in public-a public-b sg alb {\n      listener https 443 -> web-east",
    )
    lines = (
        "expect internet -> east.shop-east tcp 443 deny\n"
        "expect internet -> east.shop-east tcp 443 allow\n"
        "expect internet -> west.shop-west tcp 8443 allow\n"
        "expect internet -> east.shop-east tcp any allow\n"
    )
    analysis = api.analyse("ga.nd", text=text + lines).require_analysis()
    assert any(
        e.interface == "east.shop-east" and e.accelerator == "shop-ga"
        for e in analysis.exposure.exposed
    )
    found = [
        (o.holds, o.trace.through, str(o.trace.code or "")) for o in analysis.outcomes.paths[-4:]
    ]
    assert found == [
        (False, "shop-ga", ""),
        (True, "shop-ga", ""),
        (False, "", "SG_INGRESS_MISMATCH"),
        (False, "", "NO_PUBLIC_IP"),
    ]
