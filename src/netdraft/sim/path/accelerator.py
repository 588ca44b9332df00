"""Global Accelerator: the listener that takes a connection, and the endpoint it goes to.

A client on the internet reaches one of the accelerator's two static anycast addresses;
a listener of the accelerator takes the connection (else ``NO_LISTENER``) and sends it to
an endpoint of one of its regions' endpoint groups with a weight above 0 (with none, or
none healthy, ``NO_HEALTHY_TARGET``). A path may go to any such endpoint; the first, in
the order written, whose connection works decides, as a load balancer's targets do.

The connection enters the endpoint's subnet from the accelerator, and the endpoint's
security groups filter it. Global Accelerator keeps the client's address for ALB and
instance endpoints, so their groups must admit the client; it then needs an internet
gateway in the VPC, and the subnet's network ACL is not evaluated, either way (AWS's
guide: with client IP address preservation, NACL rules "are not evaluated for this
traffic"). An NLB or an Elastic IP endpoint sees the accelerator's own address, and the
subnet's network ACL applies both ways. An ALB endpoint then opens its connection to a
target (:mod:`~netdraft.sim.path.lb`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.sim.path import lb as lbs
from netdraft.sim.path import vpc as vpcs
from netdraft.sim.path.walk import Addr, Context, Drop, End, Packet, Walk
from netdraft.sim.trace import (
    Arrival,
    ComponentKind,
    Delivered,
    Dropped,
    Forwarded,
    Hop,
    Leg,
    Obstacle,
    Passage,
    Sent,
    SgStep,
)

C = ComponentKind
K = m.AcceleratorEndpointKind


def through(sim: Context, fwd: Walk, rev: Walk, client: End, at: End) -> None:
    """The whole attempt from ``client`` (on the internet) to accelerator ``at``: the
    request's hops in ``fwd``, the reply's in ``rev``; a drop raises :class:`Drop`
    (request) or :class:`~netdraft.sim.path.lb.ReplyDrop` (reply)."""
    ga = sim.net.accelerators[at.name]
    fwd.hop(C.INTERNET, client.name)
    fwd.step(Sent(str(client.address)))
    fwd.hop(C.ACCELERATOR, ga.name)
    listener = ga.listener(fwd.protocol, fwd.port)
    if listener is None:
        fwd.fail(
            Dropped(
                DropCode.NO_LISTENER, Obstacle.NO_LISTENER, C.ACCELERATOR, ga.name, text=fwd.traffic
            ),
            DropCode.NO_LISTENER,
            f"accelerator '{ga.name}' has no listener for {fwd.traffic}",
            ga.span,
        )
    pinned = sim.pinned.get(ga.name)  # exposure asks of one endpoint at a time
    endpoints = [e for e in listener.endpoints if pinned in (None, (e.vpc, e.name))]
    weighted = [e for e in endpoints if e.weight > 0]
    healthy = [e for e in weighted if _healthy(sim, e)]
    if not healthy:
        why = "every endpoint has weight 0" if not weighted else "no endpoint is healthy"
        if not endpoints:
            why = "the listener has no endpoint"
        fwd.fail(
            Dropped(
                DropCode.NO_HEALTHY_TARGET,
                Obstacle.NO_HEALTHY_TARGET,
                C.ACCELERATOR,
                ga.name,
                text=why,
            ),
            DropCode.NO_HEALTHY_TARGET,
            f"accelerator '{ga.name}' has no endpoint to send {fwd.traffic} to: {why}",
            listener.span,
        )
    first: tuple[m.AcceleratorEndpoint, list[Hop], list[Hop], Drop | None] | None = None
    for e in healthy:
        there, back, drop = _connect(sim, fwd, ga, e, client.address)
        if drop is None or first is None:
            first = (e, there, back, drop)
        if drop is None:
            break
    assert first is not None
    e, there, back, failed = first
    fwd.step(
        Forwarded(
            C.ACCELERATOR,
            ga.name,
            Passage.TO_ENDPOINT,
            str(e),
            f"weight {e.weight}, endpoint group {e.region}"
            + (
                ", client address kept: network ACLs not evaluated"
                if preserves_client(sim, e)
                else ""
            ),
        ),
        e.span,
    )
    fwd.close()
    fwd.hops.extend(there)
    rev.hops.extend(back)
    if failed is not None and back:
        raise lbs.ReplyDrop(failed.code, failed.reason)
    if failed is not None:
        raise failed
    rev.hop(C.ACCELERATOR, ga.name)
    rev.step(Forwarded(C.ACCELERATOR, ga.name, Passage.OUT, source=str(at.address)))
    rev.hop(C.INTERNET, client.name)
    rev.step(Delivered(Arrival.INTERNET, str(client.address)))


def weighted(ga: m.Accelerator) -> tuple[tuple[str, str], ...]:
    """The endpoints, ``(vpc, name)``, that some listener of ``ga`` names with a weight above
    0, each once, in the order first written: those Global Accelerator may send a client to
    (by where the client is, and the weights)."""
    return tuple(
        dict.fromkeys((e.vpc, e.name) for lst in ga.listeners for e in lst.endpoints if e.weight)
    )


@contextmanager
def pinned(sim: Context, ga: str, target: tuple[str, str]) -> Iterator[None]:
    """While in the block, accelerator ``ga``'s listeners send only to ``target``: what
    exposure, and an expectation from the internet, ask of each endpoint alone."""
    sim.pinned[ga] = target
    try:
        yield
    finally:
        del sim.pinned[ga]


def preserves_client(sim: Context, e: m.AcceleratorEndpoint) -> bool:
    """Client IP address preservation: on for ALB and instance endpoints."""
    if e.kind is K.INSTANCE:
        return True
    if e.kind is K.LOAD_BALANCER:
        return sim.net.vpcs[e.vpc].load_balancers[e.name].kind is m.LbKind.APPLICATION
    return False


def _healthy(sim: Context, e: m.AcceleratorEndpoint) -> bool:
    """A running instance; a load balancer with a node and a healthy target behind a
    listener (Global Accelerator takes an ELB endpoint's health from the load balancer)."""
    vpc = sim.net.vpcs[e.vpc]
    if e.kind is K.LOAD_BALANCER:
        lb = vpc.load_balancers[e.name]
        return bool(lb.nodes) and any(
            lbs.healthy_targets(sim, vpc, lb, vpc.target_groups[x.target_group])
            for x in lb.listeners
            if x.target_group in vpc.target_groups
        )
    return not vpc.instances[e.name].out_of_service


def _endpoint_end(sim: Context, e: m.AcceleratorEndpoint) -> End:
    vpc = sim.net.vpcs[e.vpc]
    if e.kind is K.LOAD_BALANCER:
        node = vpc.load_balancers[e.name].nodes[0]
        return End(C.LOAD_BALANCER, e.name, node.ip, vpc.name, node.subnet)
    inst = vpc.instances[e.name]
    return End(C.INSTANCE, inst.name, inst.ip, vpc.name, inst.subnet, instance=inst)


def _connect(
    sim: Context, fwd: Walk, ga: m.Accelerator, e: m.AcceleratorEndpoint, client: Addr
) -> tuple[list[Hop], list[Hop], Drop | None]:
    """The connection from the accelerator into endpoint ``e``, both ways."""
    vpc = sim.net.vpcs[e.vpc]
    target = _endpoint_end(sim, e)
    subnet = vpc.subnets[target.subnet]
    keep = preserves_client(sim, e)
    source: Addr = client if keep else ga.ips[0]
    there = Walk(Leg.FORWARD, fwd.protocol, fwd.port)
    back = Walk(Leg.RETURN, fwd.protocol, fwd.port)
    there.ports = there.client_ports = back.client_ports = fwd.ports
    try:
        if keep and vpc.internet_gateway is None:
            there.hop(C.ACCELERATOR, ga.name, vpc.name, vpc.region, subnet.az)
            there.fail(
                Dropped(
                    DropCode.NO_ROUTE_TO_DESTINATION,
                    Obstacle.NO_INTERNET_GATEWAY,
                    C.ACCELERATOR,
                    ga.name,
                    place=vpc.name,
                ),
                DropCode.NO_ROUTE_TO_DESTINATION,
                f"vpc '{vpc.name}' has no internet gateway: accelerator '{ga.name}' keeps the client's address only into a VPC with one",
                ga.span,
            )
        if keep:
            # With the client's address kept, the subnet's network ACL is not evaluated,
            # either way (Global Accelerator guide, "Guidelines and restrictions for client
            # IP address preservation": NACL rules "are not evaluated for this traffic").
            there.hop(C.SUBNET, subnet.name, vpc.name, vpc.region, subnet.az)
            arrived = vpcs.arrive(
                sim, there, vpc, subnet, Packet(source, target.address), target, None
            )
        else:
            arrived = vpcs.enter_subnet(
                sim, there, vpc, subnet, Packet(source, target.address), target, None
            )
        if target.kind is C.LOAD_BALANCER:
            lbs.proxy(sim, there, back, target, arrived)
        back.ports = there.ports
        groups = (
            vpc.load_balancers[e.name].security_groups
            if target.kind is C.LOAD_BALANCER
            else vpc.instances[e.name].security_groups
        )
        back.hop(target.kind, target.name, vpc.name, vpc.region, subnet.az)
        if groups:
            back.step(SgStep(groups, m.Direction.EGRESS, stateful_reply=True))
        back.hop(C.SUBNET, subnet.name, vpc.name, vpc.region, subnet.az)
        if not keep:
            vpcs.acl(back, vpc, subnet, outbound=True, pkt=Packet(target.address, source))
    except lbs.ReplyDrop as drop:
        there.close()
        return there.hops, back.hops, drop
    except Drop as drop:
        if back.hops or back.current is not None:
            back.close()
            return there.hops, back.hops, lbs.ReplyDrop(drop.code, drop.reason)
        there.close()
        return there.hops, [], drop
    there.close()
    back.close()
    fwd.ports = back.ports
    return there.hops, back.hops, None
