"""The class analysis against per-port, per-endpoint tracing, on random networks (hypothesis).

The networks are the oracle's (``test_oracle.py``), whose verdicts are checked against
an independent walker there; here the simulator answers each question port by port,
endpoint by endpoint, and the class-based answers must agree:

* exposure: an interface is listed on a port exactly when the internet opens it;
* the reachability diff between a network and a version with one part replaced (a
  group's rules, an ACL, the route tables, an instance stopped, peerings, a Direct Connect
  connection down, the DX gateway's associations and allowed prefixes): a question's
  verdict changed exactly when a listed change covers it, with the new first drop;
* both again with a network load balancer in the first VPC (nodes in some subnets, each
  node an attempt of its own, a listener and a target group on drawn ports): its
  exposure, and the changes of the connections to it.

The ports asked are every boundary of every rule of either version (and the port just
below it), the ends of the range and a few drawn ones: where a class analysis that cut
in the wrong place would err. ICMP is asked the same way, message by message (type and
code): the random networks' icmp rules are given types and codes (``type 8``, ``type 0
code 0``, ``type 3 code 4`` …), and every boundary of them on the line ``type × 256 +
code``, every type that asks for a reply and a few drawn messages are traced.
"""

from __future__ import annotations

import dataclasses
import os

from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from test_oracle import AclRule, Net, SgRule, networks, render

from netdraft import api
from netdraft.model import network as m
from netdraft.model.values import CONNECTION_PORTS, IcmpType, Protocol
from netdraft.sim import icmp
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.classes import endpoints
from netdraft.sim.exposure import exposure, interfaces
from netdraft.sim.ports import rule_cuts
from netdraft.sim.prices import bundled
from netdraft.sim.reach_diff import reach_diff

EXAMPLES = int(os.environ.get("NETDRAFT_ORACLE_EXAMPLES", "300")) // 3
PROTOCOLS = (Protocol.TCP, Protocol.UDP, Protocol.ICMP)


def compiled(net: Net) -> m.Network | None:
    result = api.compile(render(net), "<random>")
    if result.network is None or any(d.is_error for d in result.diagnostics):
        return None
    return result.network


#: What the random networks' icmp rules name instead of every message, now and then.
ICMP_RULES = [
    "icmp type 8", "icmp type 0", "icmp type 0 code 0", "icmp type 3", "icmp type 3 code 4",
    "icmp type 11", "icmp type 13", "icmp type 14", "icmp type 8 code 1",
]  # fmt: skip


@st.composite
def icmp_networks(draw: st.DrawFn) -> Net:
    """The oracle's networks, with types and codes on some icmp rules, and some tcp rules
    turned into icmp rules of a type (so that ICMP rules are frequent enough to matter)."""
    net = draw(networks())

    def typed(rule: SgRule | AclRule) -> SgRule | AclRule:
        turn = rule.protocol == "icmp" or (rule.protocol == "tcp" and draw(st.booleans()))
        if not turn or not draw(st.integers(0, 3)):
            return rule
        return dataclasses.replace(rule, protocol=draw(st.sampled_from(ICMP_RULES)), ports=None)

    vpcs = []
    for vpc in net.vpcs:
        groups = tuple(
            dataclasses.replace(
                g,
                ingress=tuple(map(typed, g.ingress)),
                egress=None if g.egress is None else tuple(map(typed, g.egress)),
            )
            for g in vpc.groups
        )
        acls = tuple(
            dataclasses.replace(
                a, inbound=tuple(map(typed, a.inbound)), outbound=tuple(map(typed, a.outbound))
            )
            for a in vpc.acls
        )
        vpcs.append(dataclasses.replace(vpc, groups=groups, acls=acls))
    return dataclasses.replace(net, vpcs=tuple(vpcs))


Point = int | IcmpType | None


def ports(nets: list[m.Network], protocol: Protocol, drawn: list[int]) -> list[Point]:
    """The ports (or ICMP messages) to trace one by one: every boundary of a rule of the
    networks and the point just below it, the ends, the drawn ones."""
    if protocol in icmp.ICMP_PROTOCOLS:
        return list(map(icmp.message, messages(nets, protocol, drawn)))
    if not protocol.has_ports:
        return [None]
    low, high = CONNECTION_PORTS.low, CONNECTION_PORTS.high  # port 0 is no connection's
    cuts = {low, high, *(d for d in drawn if d >= low)}
    for net in nets:
        for c in rule_cuts(net, protocol):
            cuts.update(x for x in (c - 1, c) if low <= x <= high)
    return sorted(cuts)


def messages(nets: list[m.Network], protocol: Protocol, drawn: list[int]) -> list[int]:
    """Brute force over ICMP: every message at a boundary of an icmp rule's type or code
    (and just below it), of a type that asks for a reply, the ends and the drawn ones."""
    cuts = {icmp.SPACE.low, icmp.SPACE.high, *drawn, *icmp.reply_cuts(protocol)}
    for net in nets:
        for vpc in net.vpcs.values():
            rules = [r for g in vpc.security_groups.values() for r in (*g.ingress, *g.egress)]
            rules += [r for a in vpc.network_acls.values() for r in (*a.inbound, *a.outbound)]
            for rule in rules:
                if rule.protocol is protocol:
                    cuts.update(icmp.rule_cuts(rule.icmp))
    return sorted({x for c in cuts for x in (c - 1, c) if icmp.SPACE.contains(x)})


def query(src: m.Place, dst: m.Place, protocol: Protocol, at: Point) -> m.Query:
    if isinstance(at, IcmpType):
        return m.Query(src, dst, protocol, None, at)
    return m.Query(src, dst, protocol, at)


def covers(text: str, port: Point, found: icmp.Messages | None = None) -> bool:
    if isinstance(port, IcmpType):
        return found is not None and found.contains(port)
    if port is None:
        return text == ""
    low, _, high = text.partition("-")
    return int(low) <= port <= int(high or low)


@settings(max_examples=EXAMPLES, deadline=None)
@given(net=icmp_networks(), drawn=st.lists(st.integers(0, 65535), max_size=3))
def test_exposure_agrees_with_per_port_tracing(net: Net, drawn: list[int]) -> None:
    network = compiled(net)
    assume(network is not None)
    assert network is not None
    analysis = NetworkAnalysis(network, bundled())
    found = exposure(network, analysis.simulator)
    internet = m.Place(m.PlaceKind.INTERNET, "internet")
    for eni in interfaces(network):
        for protocol in PROTOCOLS:
            for port in ports([network], protocol, drawn):
                t = analysis.trace(query(internet, eni.place, protocol, port))
                listed = any(
                    e.interface == eni.text
                    and e.protocol == protocol.value
                    and covers(e.ports, port, e.icmp)
                    for e in found.exposed
                )
                assert listed == t.allowed, (eni.text, protocol, port, t.reason, render(net))


def mutations(base: Net, other: Net) -> list[Net]:
    """Versions of ``base`` with one part taken from ``other`` (names kept)."""
    out: list[Net] = []
    a, b = base.vpcs[0], other.vpcs[0]
    for field in ("groups", "acls", "tables"):
        out.append(
            dataclasses.replace(
                base, vpcs=(dataclasses.replace(a, **{field: getattr(b, field)}), *base.vpcs[1:])
            )
        )
    if a.instances:
        first = a.instances[0]
        flipped = dataclasses.replace(first, stopped=not first.stopped)
        out.append(
            dataclasses.replace(
                base,
                vpcs=(
                    dataclasses.replace(a, instances=(flipped, *a.instances[1:])),
                    *base.vpcs[1:],
                ),
            )
        )
    out.append(dataclasses.replace(base, peerings=other.peerings))
    if base.dx:
        # §12: a Direct Connect connection goes down (or comes back), as in a scenario.
        first = base.dx[0]
        flipped_dx = (dataclasses.replace(first, down=not first.down), *base.dx[1:])
        out.append(dataclasses.replace(base, dx=flipped_dx))
        # The DX gateway's associations and allowed prefixes of the other network (those of
        # VPCs with a VPN gateway in this one).
        vgws = {v.name for v in base.vpcs if v.vgw}
        kept = tuple(a for a in other.associations if a.vpc in vgws)
        out.append(dataclasses.replace(base, associations=kept))
    return out


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    base=icmp_networks(),
    other=icmp_networks(),
    pick=st.integers(0, 9),
    drawn=st.lists(st.integers(0, 65535), max_size=2),
    data=st.data(),
)
def test_reach_diff_agrees_with_per_port_tracing(
    base: Net, other: Net, pick: int, drawn: list[int], data: st.DataObject
) -> None:
    versions = mutations(base, other)
    # Half of the networks with Direct Connect change it (the last two versions).
    dx_changed = bool(base.dx) and pick >= 5
    changed = versions[-2 + pick % 2] if dx_changed else versions[pick % len(versions)]
    old_net, new_net = compiled(base), compiled(changed)
    assume(old_net is not None and new_net is not None)
    assert old_net is not None and new_net is not None
    old, new = NetworkAnalysis(old_net, bundled()), NetworkAnalysis(new_net, bundled())
    result = reach_diff(old, new)
    event(f"changes found: {bool(result.changes)}")
    if dx_changed:
        event(f"Direct Connect changed, changes found: {bool(result.changes)}")
    event(f"answers reused: {result.reused > 0}")
    before = endpoints(old_net, old.simulator.ix)
    after = endpoints(new_net, new.simulator.ix)
    common = sorted(set(before) & set(after))
    pairs = [(s, d) for s in common for d in common if s != d]
    assume(pairs)
    chosen = data.draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=12, unique=True))
    for src, dst in chosen:
        for protocol in PROTOCOLS:
            for port in ports([old_net, new_net], protocol, drawn):
                was = old.trace(query(before[src].place, before[dst].place, protocol, port))
                now = new.trace(query(after[src].place, after[dst].place, protocol, port))
                listed = [
                    c
                    for c in result.changes
                    if (c.source, c.destination, c.protocol) == (src, dst, protocol.value)
                    and covers(c.ports, port, c.icmp)
                ]
                why = (
                    src,
                    dst,
                    protocol,
                    port,
                    was.reason,
                    now.reason,
                    render(base),
                    render(changed),
                )
                if was.verdict is now.verdict:
                    assert not listed, why
                    continue
                assert len(listed) == 1, why
                assert (listed[0].before, listed[0].after) == (
                    was.verdict.value,
                    now.verdict.value,
                ), why
                if not now.allowed and src != "internet" and dst != "internet":
                    assert listed[0].drop is now.code, why


# ---- load balancers: each node is an attempt of its own -------------------------------------


@st.composite
def balancers(draw: st.DrawFn, net: Net) -> str:
    """A network load balancer in the first VPC: nodes in some of its subnets (in a drawn
    order), a listener and a target group on drawn ports, some of its instances as
    targets; its text, to go inside the VPC's block ("" when the VPC has no instance)."""
    vpc = net.vpcs[0]
    if not vpc.instances:
        return ""
    order = draw(st.permutations(list(vpc.subnets)))
    by_az = {s.az: s.name for s in reversed(order)}  # a node per AZ: the first subnet of it
    subnets = [s.name for s in order if by_az[s.az] == s.name]
    nodes = subnets[: draw(st.integers(1, len(subnets)))]
    facing = "internet-facing" if vpc.igw and draw(st.booleans()) else "internal"
    listen = draw(st.sampled_from([22, 80, 443, 5432]))
    port = draw(st.sampled_from([22, 80, 443, 5432, 8080]))
    names = [i.name for i in vpc.instances]
    targets = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
    return (
        f"    load-balancer lb network {facing} in {' '.join(nodes)} {{\n"
        f"      listener tcp {listen} -> tg\n    }}\n"
        f"    target-group tg tcp {port} targets {' '.join(targets)}\n"
    )


def with_balancer(net: Net, text: str) -> m.Network | None:
    """The network with ``text`` inside its first VPC's block."""
    lines = render(net).split("\n")
    start = lines.index(next(x for x in lines if x.startswith(f"  vpc {net.vpcs[0].name} ")))
    end = lines.index("  }", start)
    result = api.compile("\n".join([*lines[:end], text.rstrip("\n"), *lines[end:]]), "<random>")
    if result.network is None or any(d.is_error for d in result.diagnostics):
        return None
    return result.network


@settings(max_examples=EXAMPLES, deadline=None)
@given(net=networks(), data=st.data())
def test_load_balancer_exposure_agrees_with_per_port_tracing(net: Net, data: st.DataObject) -> None:
    lb = data.draw(balancers(net))
    network = with_balancer(net, lb) if lb else None
    assume(network is not None)
    assert network is not None
    event(f"nodes: {len(network.vpcs[net.vpcs[0].name].load_balancers['lb'].nodes)}")
    analysis = NetworkAnalysis(network, bundled())
    found = exposure(network, analysis.simulator)
    internet = m.Place(m.PlaceKind.INTERNET, "internet")
    for eni in interfaces(network):
        if eni.kind != "load-balancer":
            continue
        for port in ports([network], Protocol.TCP, []):
            t = analysis.trace(query(internet, eni.place, Protocol.TCP, port))
            listed = any(
                e.interface == eni.text and e.protocol == "tcp" and covers(e.ports, port)
                for e in found.exposed
            )
            assert listed == t.allowed, (eni.text, port, t.reason, render(net), lb)


@settings(max_examples=EXAMPLES, deadline=None)
@given(base=networks(), other=networks(), pick=st.integers(0, 9), data=st.data())
def test_load_balancer_diff_agrees_with_per_port_tracing(
    base: Net, other: Net, pick: int, data: st.DataObject
) -> None:
    lb = data.draw(balancers(base))
    assume(bool(lb))
    versions = mutations(base, other)
    changed = versions[pick % len(versions)]
    old_net, new_net = with_balancer(base, lb), with_balancer(changed, lb)
    assume(old_net is not None and new_net is not None)
    assert old_net is not None and new_net is not None
    old, new = NetworkAnalysis(old_net, bundled()), NetworkAnalysis(new_net, bundled())
    result = reach_diff(old, new)
    event(f"changes found: {bool(result.changes)}")
    before = endpoints(old_net, old.simulator.ix)
    after = endpoints(new_net, new.simulator.ix)
    lb_text = f"{base.vpcs[0].name}.lb"
    sources = sorted(set(before) & set(after) - {lb_text})
    for src in sources:
        for port in ports([old_net, new_net], Protocol.TCP, []):
            was = old.trace(query(before[src].place, before[lb_text].place, Protocol.TCP, port))
            now = new.trace(query(after[src].place, after[lb_text].place, Protocol.TCP, port))
            listed = [
                c
                for c in result.changes
                if (c.source, c.destination, c.protocol) == (src, lb_text, "tcp")
                and covers(c.ports, port)
            ]
            why = (src, port, was.reason, now.reason, render(base), render(changed), lb)
            if was.verdict is now.verdict:
                assert not listed, why
            else:
                assert len(listed) == 1, why
                assert (listed[0].before, listed[0].after) == (
                    was.verdict.value,
                    now.verdict.value,
                ), why
