"""Load balancers: the node that takes a connection, its listener, and the target it picks.

An application load balancer ends the client's connection at its node (its security
groups filter it, in :func:`~netdraft.sim.path.vpc.arrive`) and opens a new one from the
node's address to a target on the target group's port. A network load balancer passes
the connection on, keeping the client's address for instance targets (the target's
groups must admit the client), and the node's address for IP targets and an ALB behind
it. Cross-zone is always on for an ALB; a node of an NLB without ``cross-zone`` sends
only to targets in its own AZ (LANGUAGE.md §10).

A target is healthy when it is running and a connection from the node to it on the
target group's port works both ways (health checks come from the nodes, §14); with none,
``NO_HEALTHY_TARGET``. The reply of the second connection goes back to the node, which
answers the client: the trace holds both legs, the client's then the target's.
"""

from __future__ import annotations

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.model.values import Protocol
from netdraft.sim.path.walk import Addr, Context, Drop, End, Packet, Walk
from netdraft.sim.ports import EPHEMERAL_PORTS
from netdraft.sim.trace import ComponentKind, Dropped, Forwarded, Hop, Leg, Obstacle, Passage

C = ComponentKind


class ReplyDrop(Drop):
    """The reply of the second connection is dropped: the trace's reply leg."""


def proxy(sim: Context, fwd: Walk, rev: Walk, node: End, pkt: Packet) -> None:
    """The connection has reached a node (``fwd``'s open hop): its listener, then a target.

    The second connection's request hops are added to ``fwd`` and its reply hops are put
    first in ``rev``; a drop on the way raises :class:`Drop` (request) or
    :class:`ReplyDrop` (reply).
    """
    vpc = sim.net.vpcs[node.vpc]
    lb = vpc.load_balancers[node.name]
    listener = lb.listener(fwd.protocol, fwd.port)
    if listener is None:
        fwd.fail(
            Dropped(
                DropCode.NO_LISTENER,
                Obstacle.NO_LISTENER,
                C.LOAD_BALANCER,
                lb.name,
                text=fwd.traffic,
            ),
            DropCode.NO_LISTENER,
            f"load balancer '{lb.name}' has no listener for {fwd.traffic}",
            lb.span,
        )
    fwd.step(
        Forwarded(C.LOAD_BALANCER, lb.name, Passage.TO_TARGET_GROUP, listener.target_group),
        listener.span,
    )
    tg = vpc.target_groups[listener.target_group]
    az = vpc.subnets[node.subnet].az
    fwd.hop(C.TARGET_GROUP, tg.name, vpc.name, vpc.region, az)
    node_ip = pkt.dst  # the node's private address (an internet gateway translated it)
    candidates = [
        (target, end)
        for target in tg.targets
        for end in _target_ends(sim, vpc, target)
        if lb.cross_zone or _az_of(sim, end) in ("", az)
    ]
    healthy = [
        (target, end)
        for target, end in candidates
        if _connect(sim, fwd, tg, node, node_ip, end, node_ip, None)[2] is None
    ]
    if not healthy:
        why = _unhealthy(tg, bool(candidates), az)
        fwd.fail(
            Dropped(
                DropCode.NO_HEALTHY_TARGET,
                Obstacle.NO_HEALTHY_TARGET,
                C.TARGET_GROUP,
                tg.name,
                text=why,
            ),
            DropCode.NO_HEALTHY_TARGET,
            f"target group '{tg.name}' of load balancer '{lb.name}' has no healthy target: {why}",
            tg.span,
        )
    first: tuple[End, Addr, list[Hop], list[Hop], Drop | None] | None = None
    for target, end in healthy:
        keep = lb.kind is m.LbKind.NETWORK and target.kind is m.LbTargetKind.INSTANCE
        source = pkt.src if keep else node_ip
        there, back, drop = _connect(
            sim, fwd, tg, node, node_ip, end, source, fwd if keep else None
        )
        if drop is None or first is None:
            first = (end, source, there, back, drop)
        if drop is None:
            break
    assert first is not None
    end, source, there, back, failed = first
    fwd.step(
        Forwarded(C.TARGET_GROUP, tg.name, Passage.TO_TARGET, str(end.address), str(source)),
        tg.span,
    )
    fwd.close()
    fwd.hops.extend(there)
    rev.hops.extend(back)
    if failed is not None and back:
        raise ReplyDrop(failed.code, failed.reason)
    if failed is not None:
        raise failed


def _connect(
    sim: Context,
    fwd: Walk,
    tg: m.TargetGroup,
    node: End,
    node_ip: Addr,
    target: End,
    source: Addr,
    client: Walk | None,
) -> tuple[list[Hop], list[Hop], Drop | None]:
    """A connection from the node (from ``source``) to ``target`` on the target group's
    port, both ways: the request's hops, the reply's, and the drop if any. With
    ``client``, the client's address and ports are kept (an NLB's instance target); the
    reply still goes back to the node (AWS tracks the connection it passed on)."""
    there = Walk(Leg.FORWARD, fwd.protocol, tg.port)
    back = Walk(Leg.RETURN, fwd.protocol, tg.port)
    ports = client.ports if client is not None else EPHEMERAL_PORTS
    there.ports = there.client_ports = back.client_ports = ports
    start = End(C.LOAD_BALANCER, node.name, source, node.vpc, node.subnet)
    try:
        arrived = sim.send(there, start, target, Packet(source, target.address))
        if target.kind is C.LOAD_BALANCER:  # an ALB behind an NLB: its own listener
            proxy(sim, there, back, target, arrived)
        back.ports = there.ports
        reply_to = End(C.LOAD_BALANCER, node.name, node_ip, node.vpc, node.subnet)
        sim.send(back, target, reply_to, Packet(arrived.dst, node_ip))
    except ReplyDrop as drop:
        there.close()
        return there.hops, back.hops, drop
    except Drop as drop:
        if back.hops or back.current is not None:
            back.close()
            return there.hops, back.hops, ReplyDrop(drop.code, drop.reason)
        there.close()
        return there.hops, [], drop
    there.close()
    back.close()
    if client is not None:
        client.ports = back.ports
    return there.hops, back.hops, None


def healthy_targets(sim: Context, vpc: m.Vpc, lb: m.LoadBalancer, tg: m.TargetGroup) -> set[str]:
    """The targets of ``tg`` that some node of ``lb`` finds healthy (a connection from the
    node on the group's port works both ways; without cross-zone, from a node of its AZ),
    as the documentation page shows them."""
    found: set[str] = set()
    for node in lb.nodes:
        start = End(C.LOAD_BALANCER, lb.name, node.ip, vpc.name, node.subnet)
        probe = Walk(Leg.FORWARD, _transport(tg), tg.port)
        for target in tg.targets:
            for end in _target_ends(sim, vpc, target):
                if target.name in found or not (lb.cross_zone or _az_of(sim, end) in ("", node.az)):
                    continue
                if _connect(sim, probe, tg, start, node.ip, end, node.ip, None)[2] is None:
                    found.add(target.name)
    return found


def _transport(tg: m.TargetGroup) -> Protocol:
    return m.LISTENER_PROTOCOLS.get(tg.protocol, (Protocol.TCP,))[0]


def _target_ends(sim: Context, vpc: m.Vpc, target: m.LbTarget) -> list[End]:
    """Where a target is reached: an instance, an address (an instance's, a site's, or
    one nothing holds), or each node of an application load balancer."""
    if target.kind is m.LbTargetKind.INSTANCE:
        inst = vpc.instances[target.name]
        return [End(C.INSTANCE, inst.name, inst.ip, vpc.name, inst.subnet, instance=inst)]
    if target.kind is m.LbTargetKind.LOAD_BALANCER:
        alb = vpc.load_balancers[target.name]
        return [End(C.LOAD_BALANCER, alb.name, n.ip, vpc.name, n.subnet) for n in alb.nodes]
    assert target.ip is not None
    eni = sim.ix.enis.get((vpc.name, target.ip))
    if eni is not None and eni.kind is C.INSTANCE:
        inst = vpc.instances[eni.name]
        return [End(C.INSTANCE, inst.name, target.ip, vpc.name, inst.subnet, instance=inst)]
    for site in sim.net.sites.values():
        if site.holds(target.ip):
            return [End(C.HOST, target.name, target.ip, site=site.name)]
    subnet = sim.ix.subnet_at(vpc.name, target.ip)
    return [End(C.VPC_ADDRESS, target.name, target.ip, vpc.name, subnet.name if subnet else "")]


def _az_of(sim: Context, end: End) -> str:
    """A target's AZ ('' for an address outside the VPC: every node reaches it)."""
    if not end.vpc or not end.subnet:
        return ""
    return sim.net.vpcs[end.vpc].subnets[end.subnet].az


def _unhealthy(tg: m.TargetGroup, any_target: bool, az: str) -> str:
    if not tg.targets:
        return "it has no targets"
    if not any_target:
        return f"none is in {az}, and cross-zone load balancing is off"
    return f"no target is running and reachable from the node on {tg.protocol} {tg.port}"
