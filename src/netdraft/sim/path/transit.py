"""Transit between VPCs: peering connections and transit gateways.

A packet that entered a VPC over a peering connection is only delivered to that VPC's
own addresses (peering is not transitive). One that a transit gateway delivers is
routed by the route table of the attachment's subnet; the attachment subnet's ACL is
evaluated on traffic into the transit gateway and out of it.
"""

from __future__ import annotations

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.sim.index import Index, Prefixes
from netdraft.sim.path import vpc as vpcs
from netdraft.sim.path.walk import Addr, Context, End, Packet, PublicAddr, Via, Walk
from netdraft.sim.trace import (
    Arrival,
    ComponentKind,
    Delivered,
    Dropped,
    Forwarded,
    Obstacle,
    Passage,
    RouteProblem,
    RouteStep,
)

C = ComponentKind


def peering(
    sim: Context,
    w: Walk,
    vpc: m.Vpc,
    subnet: m.Subnet,
    target: m.RouteTarget,
    pkt: Packet,
    dst: End,
    via: Via,
) -> Packet:
    """A route to a peering connection: into the other VPC, to its own addresses only."""
    link = sim.net.peerings[target.name]
    other = sim.net.vpcs[link.other(vpc.name)]
    w.hop(C.PEERING, link.name, vpc.name, vpc.region)
    if via is Via.TRANSIT_GATEWAY:
        w.fail(
            Dropped(DropCode.PEERING_NOT_TRANSITIVE, Obstacle.FROM_TRANSIT, C.PEERING, link.name),
            DropCode.PEERING_NOT_TRANSITIVE,
            f"peering '{link.name}' carries only traffic of vpc '{vpc.name}' itself",
        )
    address = pkt.dst
    if isinstance(address, PublicAddr) or not other.holds(address):
        w.fail(
            Dropped(
                DropCode.PEERING_NOT_TRANSITIVE,
                Obstacle.NOT_IN_VPC,
                C.PEERING,
                link.name,
                str(address),
                other.name,
            ),
            DropCode.PEERING_NOT_TRANSITIVE,
            f"{address} is not in vpc '{other.name}': peering '{link.name}' does not carry traffic onward (peering is not transitive)",
        )
    w.step(Forwarded(C.PEERING, link.name, Passage.ACROSS, other.name, source=vpc.name), link.span)
    into = vpcs.local_subnet(sim, other, address)
    if into is None:
        reason = f"{address} is in no subnet of vpc '{other.name}'"
        vpcs.not_in_subnet(w, other.name, address, reason, other)
    # Peering traffic is delivered by the local route only (§4): never onward.
    return vpcs.enter_subnet(sim, w, other, into, pkt, dst, from_subnet=None)


def transit_gateway(
    sim: Context,
    w: Walk,
    vpc: m.Vpc,
    subnet: m.Subnet,
    target: m.RouteTarget,
    pkt: Packet,
    dst: End,
    via: Via,
) -> Packet:
    """A route to a transit gateway: through the VPC's attachment in the subnet's AZ."""
    return tgw(sim, w, sim.net.transit_gateways[target.name], vpc.name, subnet.az, pkt, dst)


def tgw(
    sim: Context,
    w: Walk,
    gw: m.TransitGateway,
    attachment: str,
    az: str,
    pkt: Packet,
    dst: End,
) -> Packet:
    """A packet enters a transit gateway from ``attachment`` (a VPC or a VPN) in ``az``."""
    att = _enter(sim, w, gw, attachment, az, pkt)
    w.revisit(C.TRANSIT_GATEWAY, gw.name, attachment, az, pkt.src, pkt.dst, pkt.service)
    table = gw.route_table_of(attachment)
    if table is None:
        w.fail(
            Dropped(
                DropCode.TGW_NO_ROUTE,
                Obstacle.NO_TGW_ROUTE_TABLE,
                C.TRANSIT_GATEWAY,
                gw.name,
                place=attachment,
            ),
            DropCode.TGW_NO_ROUTE,
            f"attachment '{attachment}' is associated with no route table of '{gw.name}'",
            att.span,
        )
    route = tgw_lookup(table, pkt.dst, sim.ix)
    wanted = str(pkt.dst)
    if route is None:
        w.fail(
            RouteStep(table.name, wanted, transit=True, problem=RouteProblem.NO_ROUTE),
            DropCode.TGW_NO_ROUTE,
            f"route table '{table.name}' of transit gateway '{gw.name}' has no route to "
            f"{pkt.dst}{_static_only(gw)}",
            table.span,
        )
    if route.attachment is None:
        w.fail(
            RouteStep(table.name, wanted, route, transit=True, problem=RouteProblem.BLACKHOLE),
            DropCode.BLACKHOLE_ROUTE,
            f"route {route.destination} in '{table.name}' of '{gw.name}' is a blackhole",
            route.span,
        )
    down = _down_attachment(sim.net, gw.attachments[route.attachment])
    if down:
        w.fail(
            RouteStep(table.name, wanted, route, transit=True, problem=RouteProblem.DOWN),
            DropCode.BLACKHOLE_ROUTE,
            f"route {route.destination} in '{table.name}' of '{gw.name}' points to {down} "
            f"'{route.attachment}', which is down: a blackhole",
            route.span,
        )
    equal = ecmp_vpns(sim.net, table, route)
    w.step(RouteStep(table.name, wanted, route, transit=True, ecmp=equal), route.span)
    out = gw.attachments[route.attachment]
    return sim.attachments[out.kind](sim, w, out, az, pkt, dst)


def _static_only(gw: m.TransitGateway) -> str:
    """What a missing route means on a transit gateway with peerings: AWS propagates no
    route over a peering, so each prefix across one is a static route of this table."""
    names = sorted(a.name for a in gw.attachments.values() if a.kind is m.AttachmentKind.PEERING)
    if not names:
        return ""
    which = ", ".join(f"'{n}'" for n in names)
    return f" (a transit gateway peering, {which}, carries only the static routes written here)"


def _down_attachment(net: m.Network, att: m.TgwAttachment) -> str:
    """What a down attachment is ("vpn", "tgw peering"); '' when it is up (a VPC's always is)."""
    if att.kind is m.AttachmentKind.VPN and net.vpns[att.name].down:
        return "vpn"
    if att.kind is m.AttachmentKind.PEERING and net.tgw_peerings[att.name].down:
        return "tgw peering"
    return ""


def into_vpc(sim: Context, w: Walk, out: m.TgwAttachment, az: str, pkt: Packet, dst: End) -> Packet:
    """Out of a transit gateway into an attached VPC, at its attachment subnet in ``az``."""
    vpc = sim.net.vpcs[out.name]
    subnets = [vpc.subnets[s] for s in out.subnets]
    if not subnets:
        w.fail(
            Dropped(
                DropCode.TGW_AZ_RESTRICTION,
                Obstacle.NO_ATTACHMENT_SUBNET,
                C.TRANSIT_GATEWAY,
                out.name,
            ),
            DropCode.TGW_AZ_RESTRICTION,
            f"the attachment of vpc '{out.name}' has no subnet",
        )
    same_az = [s for s in subnets if s.az == az]
    entry = (same_az or subnets)[0]
    if isinstance(pkt.dst, PublicAddr):
        w.fail(
            Dropped(w.no_route, Obstacle.PUBLIC_ADDRESS, C.TRANSIT_GATEWAY, out.name, str(pkt.dst)),
            w.no_route,
            f"{pkt.dst} is not reachable through vpc '{out.name}'",
        )
    return _from_tgw_subnet(sim, w, vpc, entry, pkt, dst)


def _enter(
    sim: Context, w: Walk, gw: m.TransitGateway, attachment: str, az: str, pkt: Packet
) -> m.TgwAttachment:
    """Into the transit gateway: the attachment subnet's inbound ACL, the attachment's AZs."""
    att = gw.attachments.get(attachment)
    if att is not None and att.kind is m.AttachmentKind.VPC:
        # AWS evaluates the attachment subnet's inbound rules on traffic into the
        # transit gateway (its outbound rules on traffic out of it, below).
        vpc = sim.net.vpcs[att.name]
        entry = next((vpc.subnets[s] for s in att.subnets if vpc.subnets[s].az == az), None)
        if entry is not None:
            w.hop(C.SUBNET, entry.name, vpc.name, vpc.region, entry.az)
            vpcs.acl(w, vpc, entry, outbound=False, pkt=pkt)
    w.hop(C.TRANSIT_GATEWAY, gw.name, region=gw.region, az=az)
    if att is None:
        w.fail(
            Dropped(
                DropCode.TGW_NO_ROUTE, Obstacle.NOT_ATTACHED, C.TRANSIT_GATEWAY, gw.name, attachment
            ),
            DropCode.TGW_NO_ROUTE,
            f"'{attachment}' is not attached to transit gateway '{gw.name}'",
            gw.span,
        )
    if att.kind is m.AttachmentKind.VPC:
        vpc = sim.net.vpcs[att.name]
        if az not in {vpc.subnets[s].az for s in att.subnets}:
            w.fail(
                Dropped(
                    DropCode.TGW_AZ_RESTRICTION,
                    Obstacle.NO_ATTACHMENT_SUBNET_IN_AZ,
                    C.TRANSIT_GATEWAY,
                    att.name,
                    place=az,
                ),
                DropCode.TGW_AZ_RESTRICTION,
                f"the attachment of vpc '{att.name}' to '{gw.name}' has no subnet in {az}, so traffic from {az} cannot enter it",
                att.span,
            )
    return att


def _from_tgw_subnet(
    sim: Context, w: Walk, vpc: m.Vpc, subnet: m.Subnet, pkt: Packet, dst: End
) -> Packet:
    """Traffic a transit gateway delivers into a VPC is routed by the attachment subnet's table."""
    into = vpcs.local_subnet(sim, vpc, pkt.dst)
    if into is not None:
        w.step(Delivered(Arrival.ATTACHMENT, place=vpc.name, subnet=subnet.name))
        if into.name == subnet.name:
            # Same subnet as the attachment: AWS evaluates neither of its ACL's rule sets.
            return vpcs.enter_subnet(sim, w, vpc, into, pkt, dst, from_subnet=subnet)
        w.hop(C.SUBNET, subnet.name, vpc.name, vpc.region, subnet.az)
        vpcs.acl(w, vpc, subnet, outbound=True, pkt=pkt)
        return vpcs.enter_subnet(sim, w, vpc, into, pkt, dst, from_subnet=None)
    return vpcs.leave_subnet(sim, w, vpc, subnet, pkt, dst, Via.TRANSIT_GATEWAY)


def ecmp_vpns(net: m.Network, table: m.TgwRouteTable, route: m.TgwRoute) -> tuple[str, ...]:
    """The other VPNs a transit gateway spreads traffic over with ``route`` (ECMP): routes
    propagated from BGP VPN attachments for the same prefix ("Transit gateway routing",
    VPN ECMP support). Static routes and routes of VPC attachments are never shared."""

    def bgp(attachment: str | None) -> bool:
        vpn = net.vpns.get(attachment or "")
        return vpn is not None and vpn.routing is m.VpnRouting.BGP and not vpn.down

    if route.origin is not m.RouteOrigin.PROPAGATED or not bgp(route.attachment):
        return ()
    return tuple(
        r.attachment
        for r in table.routes
        if r is not route and r.attachment is not None and r.attachment != route.attachment
        if r.origin is m.RouteOrigin.PROPAGATED and r.destination == route.destination
        if bgp(r.attachment)
    )


#: On equal prefixes, a route a BGP VPN propagates ranks after one a VPC attachment
#: propagates ("Route evaluation order", Transit Gateway guide).
VPN_PROPAGATED_RANK = 2.5
#: A route a DX gateway propagates ranks after a VPC's and before a BGP VPN's (same page).
DX_PROPAGATED_RANK = 2.25


def tgw_lookup(table: m.TgwRouteTable, address: Addr, ix: Index | None = None) -> m.TgwRoute | None:
    """The transit gateway route for ``address``: the longest prefix, then the origin:
    static (a static VPN's prefixes among them), then a prefix list reference's entry, then
    propagated by a VPC, then by a BGP VPN ("Route evaluation order", Transit Gateway
    guide). ``ix`` keeps the table's routes by prefix; without it, every propagated route
    ranks alike."""
    net = ix.network if ix is not None else None

    def rank(route: m.TgwRoute) -> float:
        return _rank(route, net)

    routes = (
        ix.tgw_routes(table, rank)
        if ix is not None
        else Prefixes((r.destination, rank(r), r) for r in table.routes)
    )
    if isinstance(address, PublicAddr):
        if address.ip is None:
            return routes.default()  # an address we do not know matches only 0.0.0.0/0
        address = address.ip
    return routes.lookup(address)


def _rank(route: m.TgwRoute, net: m.Network | None = None) -> float:
    if route.prefix_list:
        return vpcs.PREFIX_LIST_RANK
    vpn = net.vpns.get(route.attachment or "") if net is not None else None
    if vpn is not None and route.origin is m.RouteOrigin.PROPAGATED:
        static = vpn.routing is m.VpnRouting.STATIC
        return m.RouteOrigin.STATIC.rank if static else VPN_PROPAGATED_RANK
    dx = net is not None and (route.attachment or "") in net.dx_gateways
    if dx and route.origin is m.RouteOrigin.PROPAGATED:
        return DX_PROPAGATED_RANK
    return route.origin.rank
