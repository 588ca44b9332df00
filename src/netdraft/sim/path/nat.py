"""NAT: NAT gateways and NAT instances translate the request's source address.

The reply must come back to the same device, which translates it back. Only requests
are translated: a reply routed to a NAT device that did not make the connection never
reaches the source.
"""

from __future__ import annotations

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.sim.index import Eni
from netdraft.sim.path import vpc as vpcs
from netdraft.sim.path.walk import Addr, Context, End, Packet, Translation, Via, Walk
from netdraft.sim.trace import ComponentKind, Dropped, Obstacle, Rewrite, TranslationStep


def untranslate(
    sim: Context, w: Walk, vpc: m.Vpc, eni: Eni, made: Translation, pkt: Packet, dst: End
) -> Packet:
    """The reply reaches the device that translated the request: back to the inside address."""
    subnet = vpc.subnets[eni.subnet]
    w.hop(made.kind, made.device, vpc.name, vpc.region, subnet.az)
    w.step(
        TranslationStep(made.kind, made.device, Rewrite.REPLY, str(made.inside), str(made.outside))
    )
    w.nats = [n for n in w.nats if n is not made]
    # The NAT chose its own source port towards the far side; past it, the client's ports.
    w.ports = w.client_ports
    out = Packet(pkt.src, made.inside, None)
    return vpcs.leave_subnet(sim, w, vpc, subnet, out, dst, Via.NONE)


def _enter_device(
    w: Walk,
    vpc: m.Vpc,
    from_subnet: m.Subnet,
    subnet: m.Subnet,
    kind: ComponentKind,
    name: str,
    pkt: Packet,
) -> None:
    """A packet routed to a NAT gateway or NAT instance: its subnet's ACL, then the device."""
    if from_subnet.name != subnet.name:
        w.hop(ComponentKind.SUBNET, subnet.name, vpc.name, vpc.region, subnet.az)
        vpcs.acl(w, vpc, subnet, outbound=False, pkt=pkt)
    w.hop(kind, name, vpc.name, vpc.region, subnet.az)
    if not w.forward:
        what = "NAT gateway" if kind is ComponentKind.NAT_GATEWAY else "instance"
        w.fail(
            Dropped(
                DropCode.NO_RETURN_ROUTE, Obstacle.NO_CONNECTION, kind, name, address=str(pkt.dst)
            ),
            DropCode.NO_RETURN_ROUTE,
            f"the reply is routed to {what} '{name}' instead of back the way the request came",
        )


def nat_gateway(
    sim: Context,
    w: Walk,
    vpc: m.Vpc,
    from_subnet: m.Subnet,
    target: m.RouteTarget,
    pkt: Packet,
    dst: End,
    via: Via,
) -> Packet:
    """A route to a NAT gateway: it translates the source and routes on from its subnet."""
    gw = vpc.nat_gateways[target.name]
    subnet = vpc.subnets[gw.subnet]
    _enter_device(w, vpc, from_subnet, subnet, ComponentKind.NAT_GATEWAY, gw.name, pkt)
    if via is Via.VPN:
        w.fail(
            Dropped(w.no_route, Obstacle.NAT_FROM_VPN, ComponentKind.NAT_GATEWAY, gw.name),
            w.no_route,
            f"NAT gateway '{gw.name}' does not serve traffic that came over a VPN",
        )
    # Public or private, a NAT gateway sends from its private address: towards the
    # internet the internet gateway maps it to the Elastic IP; towards a transit gateway
    # or a VPN it stays private (a public NAT gateway may route there too).
    outside: Addr = gw.ip
    w.step(
        TranslationStep(
            ComponentKind.NAT_GATEWAY, gw.name, Rewrite.SOURCE, str(pkt.src), str(outside)
        ),
        gw.span,
    )
    w.nats.append(Translation(gw.name, ComponentKind.NAT_GATEWAY, vpc.name, pkt.src, outside))
    out = Packet(outside, pkt.dst, pkt.service)
    return vpcs.leave_subnet(sim, w, vpc, subnet, out, dst, Via.NONE)


def nat_instance(
    sim: Context,
    w: Walk,
    vpc: m.Vpc,
    from_subnet: m.Subnet,
    target: m.RouteTarget,
    pkt: Packet,
    dst: End,
    via: Via,
) -> Packet:
    """A route to an instance: a NAT instance, if its source/destination check is off."""
    inst = vpc.instances[target.name]
    subnet = vpc.subnets[inst.subnet]
    _enter_device(w, vpc, from_subnet, subnet, ComponentKind.NAT_INSTANCE, inst.name, pkt)
    vpcs.sg_ingress(sim, w, vpc, inst.security_groups, pkt, f"instance '{inst.name}'")
    if inst.source_dest_check:
        w.fail(
            Dropped(
                DropCode.SOURCE_DEST_CHECK,
                Obstacle.SOURCE_DEST_CHECK,
                ComponentKind.NAT_INSTANCE,
                inst.name,
            ),
            DropCode.SOURCE_DEST_CHECK,
            f"instance '{inst.name}' drops traffic not addressed to it: turn 'source-dest-check off'",
            inst.span,
        )
    w.step(
        TranslationStep(
            ComponentKind.NAT_INSTANCE, inst.name, Rewrite.SOURCE, str(pkt.src), str(inst.ip)
        ),
        inst.span,
    )
    vpcs.sg_egress(sim, w, vpc, inst.security_groups, pkt)
    w.nats.append(Translation(inst.name, ComponentKind.NAT_INSTANCE, vpc.name, pkt.src, inst.ip))
    out = Packet(inst.ip, pkt.dst, pkt.service)
    return vpcs.leave_subnet(sim, w, vpc, subnet, out, dst, Via.NONE)
