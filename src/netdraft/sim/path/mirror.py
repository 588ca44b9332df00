"""Traffic mirroring: whether a session's copies reach its target (LANGUAGE.md §10).

A session changes no verdict: the traffic it copies goes where it went. Its copies are
VXLAN packets from the source's primary address to UDP port 4789 of the target (the
instance's address, or a node of the network load balancer), routed by the VPC route
tables like any packet ("Traffic Mirroring considerations": "Encapsulated mirror traffic
is routed by using the VPC route table"). So netdraft walks one leg, request only (VXLAN
asks for no reply), from the source to the target:

* the source's security groups are not evaluated ("Mirrored outbound traffic from a
  source instance is not subject to security group evaluation"); its subnet's network
  ACL is, as for every packet leaving a subnet;
* routes, the target's subnet's network ACL and the target's security groups apply (AWS:
  the target's group must allow VXLAN, UDP 4789, from the source);
* a network load balancer needs a UDP listener on 4789 and a healthy target; the NLB
  keeps the source's address for instance targets, whose groups must admit it.

A leg that is dropped is ``warning[mirror-unreachable]``; a stopped or down source sends
nothing and is not checked.
"""

from __future__ import annotations

from netdraft.model import network as m
from netdraft.model.values import Protocol
from netdraft.sim.path import ends, lb
from netdraft.sim.path import vpc as vpcs
from netdraft.sim.path.walk import Context, Drop, End, Packet, Via, Walk
from netdraft.sim.trace import ComponentKind, Dropped, Leg, Obstacle, Sent, Step, Trace

C = ComponentKind


def query(net: m.Network, vpc: m.Vpc, session: m.TrafficMirror) -> m.Query:
    """The mirror leg as a query: the source instance to the target, UDP 4789."""
    inst = vpc.instances[session.source]
    src = m.Place(m.PlaceKind.INSTANCE, inst.name, inst.name, vpc=vpc.name, address=inst.ip)
    there = net.vpcs[session.target_vpc]
    text = session.target if session.target_vpc == vpc.name else f"{there.name}.{session.target}"
    if session.target_kind is m.MirrorTargetKind.INSTANCE:
        target = there.instances[session.target]
        dst = m.Place(m.PlaceKind.INSTANCE, text, target.name, vpc=there.name, address=target.ip)
    else:
        dst = m.Place(m.PlaceKind.LOAD_BALANCER, text, session.target, vpc=there.name)
    return m.Query(src, dst, Protocol.UDP, m.VXLAN_PORT)


def mirror(sim: Context, vpc: m.Vpc, session: m.TrafficMirror) -> Trace:
    """The trace of a session's VXLAN copies from its source to its target (one leg)."""
    q = query(sim.net, vpc, session)
    first: Trace | None = None
    for src, dst in ends.attempts(sim, q):
        found = _attempt(sim, q, src, dst)
        if found.allowed:
            return found
        first = first or found
    assert first is not None
    return first


def _attempt(sim: Context, q: m.Query, src: End | Drop, dst: End | Drop) -> Trace:
    w = Walk(Leg.FORWARD, q.protocol, q.port)

    def done(drop: Drop | None) -> Trace:
        w.close()
        return Trace(
            query=q,
            verdict=m.Verdict.DENY if drop else m.Verdict.ALLOW,
            forward=tuple(w.hops),
            reverse=(),
            code=drop.code if drop else None,
            leg=Leg.FORWARD if drop else None,
            reason=drop.reason if drop else "",
            source_address=str(src.address) if isinstance(src, End) else "",
            destination_address=str(dst.address) if isinstance(dst, End) else "",
        )

    if isinstance(dst, Drop):  # e.g. a load balancer without a node
        w.hop(C.LOAD_BALANCER, q.destination.name, q.destination.vpc)
        w.steps.append(Step(Dropped(dst.code, Obstacle.ENDPOINT, text=dst.reason)))
        return done(dst)
    assert isinstance(src, End) and src.instance is not None
    inst = src.instance
    net = sim.net.vpcs[src.vpc]
    subnet = net.subnets[inst.subnet]
    vpcs.instance_hop(w, net, inst)
    # The copy leaves the source's interface unfiltered by its groups (AWS's rule above).
    w.step(Sent(str(inst.ip), subnet.name), inst.span)
    pkt = Packet(inst.ip, dst.address)
    try:
        arrived = vpcs.leave_subnet(sim, w, net, subnet, pkt, dst, Via.NONE)
        if dst.kind is C.LOAD_BALANCER:
            lb.proxy(sim, w, Walk(Leg.RETURN, q.protocol, q.port), dst, arrived)
    except lb.ReplyDrop:
        pass  # a target's reply: VXLAN asks for none
    except Drop as drop:
        return done(drop)
    return done(None)


def sessions(
    sim: Context,
) -> tuple[tuple[m.Vpc, m.TrafficMirror, Trace | None], ...]:
    """Every session of the network with the trace of its copies (``None``: its source is
    stopped or down and sends nothing), in file order of VPCs and sessions."""
    return tuple(
        (v, s, None if v.instances[s.source].out_of_service else mirror(sim, v, s))
        for v in sim.net.vpcs.values()
        for s in v.traffic_mirrors
    )
