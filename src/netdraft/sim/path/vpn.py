"""VPN: virtual private gateways, Site-to-Site VPN connections, customer gateways, sites.

A VPN carries the prefixes written on it; a site sends everything outside its own CIDRs
into its VPN connections, or over Direct Connect what AWS advertises to it there
(:mod:`netdraft.sim.path.dx`). A packet that entered a VPC over a VPN is only delivered to
that VPC's own addresses.
"""

from __future__ import annotations

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.sim.path import dx, linklocal, sites, transit
from netdraft.sim.path import vpc as vpcs
from netdraft.sim.path.walk import Addr, Context, End, Packet, PublicAddr, Via, Walk, within
from netdraft.sim.trace import (
    Arrival,
    ComponentKind,
    Delivered,
    Dropped,
    Forwarded,
    Obstacle,
    Passage,
    Sent,
)

C = ComponentKind
K = m.TargetKind


def vpn_gateway(
    sim: Context,
    w: Walk,
    vpc: m.Vpc,
    subnet: m.Subnet,
    target: m.RouteTarget,
    pkt: Packet,
    dst: End,
    via: Via,
) -> Packet:
    """A route to the VPC's VPN gateway: into the VPN that carries the destination."""
    vgw = target.name
    gw = vpc.vpn_gateway
    w.hop(C.VPN_GATEWAY, vgw, vpc.name, vpc.region)
    if via is Via.TRANSIT_GATEWAY:
        w.fail(
            Dropped(w.no_route, Obstacle.FROM_TRANSIT, C.VPN_GATEWAY, vgw),
            w.no_route,
            f"vpn gateway '{vgw}' carries only traffic of vpc '{vpc.name}' itself",
        )
    vpns = sim.ix.vpns_by_gateway.get(vgw, [])
    w.step(Forwarded(C.VPN_GATEWAY, vgw, Passage.OUT, str(pkt.dst)), gw.span if gw else None)
    carrying = [v for v in vpns if any(within(p, pkt.dst) for p in v.prefixes)]
    vpn = preferred([v for v in carrying if not v.down], pkt.dst)
    # Direct Connect: the longest prefix first, then DX BGP routes before VPN routes.
    over_dx = dx.gateway_route(sim.net, vgw, pkt.dst)
    if over_dx is not None and (vpn is None or over_dx.prefix.prefixlen >= _longest(vpn, pkt.dst)):
        return dx.out_to_site(sim, w, over_dx, pkt)
    if vpn is None:
        dx.no_gateway_route(sim, w, vgw, pkt.dst)
    if vpn is None and carrying:
        # Its only VPNs for the prefix are down: the gateway itself has no route for it
        # (LANGUAGE.md §14 "Down"); the VPC's route to the gateway is no blackhole.
        names = ", ".join(f"'{v.name}'" for v in carrying)
        w.fail(
            Dropped(DropCode.GATEWAY_NO_ROUTE, Obstacle.DOWN, C.VPN, carrying[0].name),
            DropCode.GATEWAY_NO_ROUTE,
            f"vpn {names} of '{vgw}' carrying {pkt.dst} is down: '{vgw}' has no route for it",
            carrying[0].span,
        )
    if vpn is None and all(v.down for v in vpns):
        # No VPN connection of the gateway is up (or it has none): nothing to route over.
        w.fail(
            Dropped(
                DropCode.GATEWAY_NO_ROUTE,
                Obstacle.NO_VPN_CARRIES,
                C.VPN_GATEWAY,
                vgw,
                str(pkt.dst),
                text=_carried(vpns),
            ),
            DropCode.GATEWAY_NO_ROUTE,
            f"vpn gateway '{vgw}' has no VPN connection up: no route for {pkt.dst}",
        )
    if vpn is None:
        w.fail(
            Dropped(
                DropCode.VPN_PREFIX_NOT_CARRIED,
                Obstacle.NO_VPN_CARRIES,
                C.VPN_GATEWAY,
                vgw,
                str(pkt.dst),
                text=_carried(vpns),
            ),
            DropCode.VPN_PREFIX_NOT_CARRIED,
            f"no VPN connection of '{vgw}' carries a prefix holding {pkt.dst}",
        )
    return vpn_out(sim, w, vpn, pkt, dst)


#: How a VPN gateway ranks its routes to a site on equal prefixes: Direct Connect BGP
#: routes, then VPN static routes, then VPN BGP routes ("Route priority" in the
#: Site-to-Site VPN guide, LANGUAGE.md §12).
ROUTING_RANK = {m.VpnRouting.STATIC: 1, m.VpnRouting.BGP: 2}


def preferred(vpns: list[m.Vpn], address: Addr) -> m.Vpn | None:
    """The VPN a VPN gateway sends ``address`` over: the longest prefix holding it, then
    static over BGP, then the first in file order (netdraft has no AS paths to compare)."""

    def key(vpn: m.Vpn) -> tuple[int, int]:
        longest = max(p.prefixlen for p in vpn.prefixes if within(p, address))
        return (-longest, ROUTING_RANK[vpn.routing])

    return min(vpns, key=key, default=None)


def _longest(vpn: m.Vpn, address: Addr) -> int:
    """The length of the longest prefix of ``vpn`` that holds ``address``."""
    return max((p.prefixlen for p in vpn.prefixes if within(p, address)), default=-1)


def _carried(vpns: list[m.Vpn]) -> str:
    """What each VPN connection of a gateway carries, for the explanation."""
    return (
        "; ".join(
            f"{v.name}{' (down)' if v.down else ''}: {', '.join(map(str, v.prefixes)) or 'nothing'}"
            for v in vpns
        )
        or "no VPN connection"
    )


def from_tgw(sim: Context, w: Walk, out: m.TgwAttachment, az: str, pkt: Packet, dst: End) -> Packet:
    """Out of a transit gateway into an attached VPN connection."""
    return vpn_out(sim, w, sim.net.vpns[out.name], pkt, dst)


def vpn_out(sim: Context, w: Walk, vpn: m.Vpn, pkt: Packet, dst: End) -> Packet:
    """Over a VPN connection into its site, to the host holding the destination."""
    w.hop(C.VPN, vpn.name)
    prefix = next((p for p in vpn.prefixes if within(p, pkt.dst)), None)
    if prefix is None:
        w.fail(
            Dropped(
                DropCode.VPN_PREFIX_NOT_CARRIED,
                Obstacle.NOT_CARRIED,
                C.VPN,
                vpn.name,
                str(pkt.dst),
                text=", ".join(map(str, vpn.prefixes)) or "none",
            ),
            DropCode.VPN_PREFIX_NOT_CARRIED,
            f"vpn '{vpn.name}' does not carry a prefix holding {pkt.dst}",
            vpn.span,
        )
    w.step(
        Forwarded(C.VPN, vpn.name, Passage.OUT, str(prefix), routing=vpn.routing.value), vpn.span
    )
    site = sim.net.sites[vpn.site]
    cgw = site.customer_gateways[vpn.customer_gateway]
    w.hop(C.CUSTOMER_GATEWAY, cgw.name, site=site.name)
    w.step(Forwarded(C.CUSTOMER_GATEWAY, cgw.name, Passage.INTO_SITE, site.name), cgw.span)
    return sites.deliver(w, site, pkt)


def from_site(sim: Context, w: Walk, site: m.Site, src: End, pkt: Packet, dst: End) -> Packet:
    """A site host sends: inside the site, or through the VPN that leads to the destination."""
    w.hop(C.HOST, src.name, site=site.name)
    address = pkt.dst
    if not isinstance(address, PublicAddr) and site.holds(address):
        w.step(Delivered(Arrival.IN_SITE, str(address), site.name))
        host = next((h for h in site.hosts.values() if h.ip == address), None)
        w.hop(C.HOST, host.name if host else str(address), site=site.name)
        w.step(Delivered(Arrival.HOST, str(address)))
        return pkt
    target = _target(dst, address)
    vpns = sim.ix.vpns_by_site.get(site.name, [])
    chosen = _site_vpn(sim, [v for v in vpns if not v.down], address)
    over_dx = dx.site_route(sim.net, site.name, address) if sim.net.vifs else None
    if over_dx is not None and (
        chosen is None or over_dx.prefix.prefixlen >= _advertised_length(sim, chosen, address)
    ):
        vif = over_dx.vif
        w.step(Sent(site=site.name, to=target, over=dx.over_text(vif)))
        return dx.from_site(sim, w, site, over_dx, pkt, dst)
    # What the site sends over, in words: the VPN it takes, or nothing when none leads there.
    w.step(Sent(site=site.name, to=target, over=f"vpn '{chosen[0].name}'" if chosen else ""))
    if chosen is None and sim.net.vifs:
        dx.site_unreachable(sim, w, site, address)
    if chosen is None and linklocal.is_link_local(address):
        w.fail(
            Dropped(w.no_route, Obstacle.LINK_LOCAL, None, site.name, str(address), site.name),
            w.no_route,
            f"{address} is a link-local address: only an instance reaches it, on its own host",
        )
    if chosen is None:
        lost = _site_vpn(sim, vpns, address)
        if lost is not None:
            vpn = lost[0]
            w.hop(C.VPN, vpn.name)
            w.fail(
                Dropped(w.no_route, Obstacle.DOWN, C.VPN, vpn.name),
                w.no_route,
                f"vpn '{vpn.name}', the way from site '{site.name}' to {address}, is down",
                vpn.span,
            )
        why = ""
        if dst.kind is C.SERVICE:
            why = (
                f": a site reaches {dst.service} over its VPNs through an interface endpoint"
                " of a VPC they lead to, or a transit gateway that routes it"
            )
        if dx.site_has_vifs(sim.net, site.name):
            # A site with Direct Connect: neither its VPNs nor its VIFs lead there.
            w.fail(
                Dropped(w.no_route, Obstacle.NO_SITE_ROUTE, None, site.name, target, site.name),
                w.no_route,
                f"site '{site.name}' has no VPN connection or Direct Connect route that leads"
                f" to {target}{why}",
            )
        w.fail(
            Dropped(w.no_route, Obstacle.NO_SITE_VPN, None, site.name, target, site.name),
            w.no_route,
            f"site '{site.name}' has no VPN connection that leads to {target}{why}",
        )
    vpn, target_vpc = chosen
    if target_vpc is None and vpn.gateway_kind is K.VPN_GATEWAY:
        _static_cloudhub(sim, w, site, vpn, address)
    cgw = site.customer_gateways[vpn.customer_gateway]
    w.hop(C.CUSTOMER_GATEWAY, cgw.name, site=site.name)
    w.step(Forwarded(C.CUSTOMER_GATEWAY, cgw.name, Passage.INTO_VPN, vpn.name), cgw.span)
    w.hop(C.VPN, vpn.name)
    w.step(Forwarded(C.VPN, vpn.name, Passage.IN, vpn.gateway), vpn.span)
    if vpn.gateway_kind is K.TRANSIT_GATEWAY:
        gw = sim.net.transit_gateways[vpn.gateway]
        return transit.tgw(sim, w, gw, vpn.name, "", pkt, dst)
    vpc = target_vpc or sim.net.vpc_of_gateway(vpn.gateway)
    assert vpc is not None
    w.hop(C.VPN_GATEWAY, vpn.gateway, vpc.name, vpc.region)
    assert not isinstance(address, PublicAddr)
    onward = _cloudhub_vpn(sim, vpn, address)
    if target_vpc is None and onward is not None:
        # VPN CloudHub: the gateway re-advertises each BGP site's routes to the others.
        w.step(Forwarded(C.VPN_GATEWAY, vpn.gateway, Passage.CLOUDHUB, onward.name, vpn.name))
        return vpn_out(sim, w, onward, pkt, dst)
    into = vpcs.local_subnet(sim, vpc, address)
    if into is None:
        linklocal.outside_vpc(w, vpc, address)
        w.fail(
            Dropped(
                w.no_route, Obstacle.NOT_IN_VPC, C.VPN_GATEWAY, vpn.gateway, str(address), vpc.name
            ),
            w.no_route,
            f"vpn gateway '{vpn.gateway}' delivers only to vpc '{vpc.name}'",
        )
    w.step(Forwarded(C.VPN_GATEWAY, vpn.gateway, Passage.IN, vpc.name))
    return vpcs.enter_subnet(sim, w, vpc, into, pkt, dst, from_subnet=None)


def _advertised_length(sim: Context, chosen: tuple[m.Vpn, m.Vpc | None], address: Addr) -> int:
    """The length of the prefix a site's VPN route to ``address`` has: the VPC's CIDR behind a
    VPN gateway, the transit gateway's route, another site's prefix (VPN CloudHub)."""
    vpn, vpc = chosen
    if vpc is not None:
        return max((c.prefixlen for c in vpc.cidrs if within(c, address)), default=-1)
    if vpn.gateway_kind is K.TRANSIT_GATEWAY:
        table = sim.net.transit_gateways[vpn.gateway].route_table_of(vpn.name)
        route = transit.tgw_lookup(table, address, sim.ix) if table is not None else None
        return route.destination.prefixlen if route is not None else -1
    onward = _cloudhub_vpn(sim, vpn, address)
    return _longest(onward, address) if onward is not None else -1


def _target(dst: End, address: Addr) -> str:
    """What a site sends to, in words: ``the internet`` or a service when the address only
    stands for it (a representative address), the service and its address, or the address."""
    if dst.kind is C.SERVICE:
        return str(dst.service) if dst.representative else f"{dst.service} at {address}"
    if dst.kind is C.INTERNET and dst.representative:
        return "the internet"
    return str(address)


def _site_vpn(sim: Context, vpns: list[m.Vpn], address: Addr) -> tuple[m.Vpn, m.Vpc | None] | None:
    """The VPN a site sends ``address`` into: one to a VPC holding it, else one whose VPN
    gateway leads to another site (VPN CloudHub), else one to a transit gateway. Among
    several, a site prefers them as AWS does towards it: static, then BGP (§14 Sites over
    DX), then by name."""
    vpns = sorted(vpns, key=lambda v: (ROUTING_RANK[v.routing], v.name))
    for vpn in vpns:
        if vpn.gateway_kind is K.VPN_GATEWAY:
            vpc = sim.net.vpc_of_gateway(vpn.gateway)
            if vpc is not None and not isinstance(address, PublicAddr) and vpc.holds(address):
                return vpn, vpc
    # A BGP VPN first: over a static one, CloudHub is refused (_static_cloudhub).
    for vpn in sorted(vpns, key=lambda v: (v.routing is not m.VpnRouting.BGP, v.name)):
        if vpn.gateway_kind is K.VPN_GATEWAY and _cloudhub_vpn(sim, vpn, address) is not None:
            return vpn, None
    for vpn in vpns:
        if vpn.gateway_kind is K.TRANSIT_GATEWAY:
            gw = sim.net.transit_gateways[vpn.gateway]
            table = gw.route_table_of(vpn.name)
            if table is not None and transit.tgw_lookup(table, address, sim.ix) is not None:
                return vpn, None
    # A site sends everything outside its CIDR into its VPNs (§2): with no route for it
    # there, the transit gateway drops it (TGW_NO_ROUTE), not the site.
    to_tgw = [v for v in vpns if v.gateway_kind is K.TRANSIT_GATEWAY]
    return (to_tgw[0], None) if to_tgw else None


def _cloudhub_vpn(sim: Context, vpn: m.Vpn, address: Addr) -> m.Vpn | None:
    """VPN CloudHub: the BGP VPN of another site on ``vpn``'s VPN gateway that carries
    ``address`` ("Providing secure communication between sites using VPN CloudHub",
    Site-to-Site VPN guide); ``vpn`` itself must be BGP too (:func:`_static_cloudhub`)."""
    if isinstance(address, PublicAddr):
        return None
    others = [
        v
        for v in sim.ix.vpns_by_gateway.get(vpn.gateway, [])
        if v.site != vpn.site and v.routing is m.VpnRouting.BGP and not v.down
        if any(within(p, address) for p in v.prefixes)
    ]
    return preferred(others, address)


def _static_cloudhub(sim: Context, w: Walk, site: m.Site, vpn: m.Vpn, address: Addr) -> None:
    """A site whose VPN gateway holds another site's route, over a static VPN: no CloudHub."""
    if vpn.routing is m.VpnRouting.BGP:
        return
    w.fail(
        Dropped(
            w.no_route, Obstacle.STATIC_CLOUDHUB, None, site.name, str(address), site.name, vpn.name
        ),
        w.no_route,
        f"vpn '{vpn.name}' of site '{site.name}' is static: VPN CloudHub joins sites over BGP"
        f" VPNs only, so site '{site.name}' learns no route to {address}",
        vpn.span,
    )
