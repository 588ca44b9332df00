"""Direct Connect (LANGUAGE.md §12): a site's connections, their virtual interfaces, DX gateways.

Over a virtual interface, BGP carries routes both ways ("Virtual interfaces", "Direct
Connect gateways", Direct Connect User Guide):

* the site advertises its CIDRs; AWS learns them on the VPN gateway of a private VIF (or
  every VPN gateway associated with the VIF's DX gateway) and on the transit gateways
  associated with a transit VIF's DX gateway;
* AWS advertises to the site the CIDRs of the VPC behind a VPN gateway, or a DX gateway
  association's allowed prefixes (for a transit gateway, only them);
* a connection that is ``down`` carries nothing and advertises nothing;
* a DX gateway never carries traffic between two of its associations (nor from a VIF to
  another): what it forwards is between a VIF and an association.

Towards a site a VPN gateway takes the longest prefix, then Direct Connect before VPN
(:func:`netdraft.sim.path.vpn.vpn_gateway` asks :func:`gateway_route`); a site does the
same (:func:`netdraft.sim.path.vpn.from_site` asks :func:`site_route`).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Network
from typing import NoReturn

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.sim.path import sites, transit
from netdraft.sim.path import vpc as vpcs
from netdraft.sim.path.walk import Addr, Context, End, Packet, PublicAddr, Walk, within
from netdraft.sim.trace import ComponentKind, Dropped, Forwarded, Obstacle, Passage

C = ComponentKind
K = m.TargetKind


@dataclass(frozen=True, slots=True)
class DxRoute:
    """A route over Direct Connect: the VIF, the prefix that holds the address, and (from
    a site) the VPN gateway or transit gateway it leads to."""

    vif: m.Vif
    prefix: IPv4Network
    gateway: str = ""
    kind: K = K.VPN_GATEWAY


def _up(net: m.Network, vif: m.Vif) -> bool:
    return not net.dx_connections[vif.connection].down


def _vpc_cidrs(net: m.Network, vgw: str) -> tuple[IPv4Network, ...]:
    vpc = net.vpc_of_gateway(vgw)
    return tuple(c for c in vpc.cidrs if isinstance(c, IPv4Network)) if vpc else ()


def advertised(net: m.Network, vif: m.Vif) -> list[DxRoute]:
    """What AWS advertises to the site over ``vif`` (whatever the connection's state)."""
    if not vif.to_dx_gateway:
        return [DxRoute(vif, p, vif.target) for p in _vpc_cidrs(net, vif.target)]
    found: list[DxRoute] = []
    for assoc in net.dx_gateways[vif.target].associations:
        prefixes = vgw_advertised(net, assoc) if assoc.kind is K.VPN_GATEWAY else assoc.allowed
        found += [DxRoute(vif, p, assoc.gateway, assoc.kind) for p in prefixes]
    return found


def vgw_advertised(net: m.Network, assoc: m.DxAssociation) -> tuple[IPv4Network, ...]:
    """What a DX gateway advertises to the sites for its association with a VPN gateway: the
    VPC's CIDRs that an allowed prefix holds (the same CIDR or a wider one), all of them when
    none is written. The allowed prefixes only filter: AWS advertises the VPC's CIDR, never
    the allowed prefix itself, and nothing for a VPC CIDR wider than every allowed prefix
    ("Allowed prefixes interactions", Direct Connect User Guide)."""
    cidrs = _vpc_cidrs(net, assoc.gateway)
    if not assoc.allowed:
        return cidrs
    return tuple(c for c in cidrs if any(c.subnet_of(a) for a in assoc.allowed))


def _site_vifs(net: m.Network, site: str) -> list[m.Vif]:
    return sorted(
        (v for v in net.vifs.values() if net.dx_connections[v.connection].site == site),
        key=lambda v: v.name,
    )


def site_has_vifs(net: m.Network, site: str) -> bool:
    """Whether ``site`` has a virtual interface (up or down)."""
    return bool(_site_vifs(net, site)) if net.vifs else False


def over_text(vif: m.Vif) -> str:
    """What a site sends over, in words: ``dx connection 'dx1' (vif 'v1')``."""
    return f"dx connection '{vif.connection}' (vif '{vif.name}')"


def _longest(routes: list[DxRoute], address: Addr) -> DxRoute | None:
    """The route with the longest prefix holding ``address``; on equal ones, by VIF name."""
    holding = [r for r in routes if within(r.prefix, address)]
    return min(holding, key=lambda r: (-r.prefix.prefixlen, r.vif.name), default=None)


def site_route(net: m.Network, site: str, address: Addr, *, up: bool = True) -> DxRoute | None:
    """The route a site sends ``address`` over Direct Connect, if AWS advertises one to it
    over a VIF whose connection is up (``up=False``: over any, to explain a down one)."""
    routes = [r for v in _site_vifs(net, site) if not up or _up(net, v) for r in advertised(net, v)]
    return _longest(routes, address)


def gateway_route(net: m.Network, gateway: str, address: Addr) -> DxRoute | None:
    """The Direct Connect route a VPN gateway has for ``address``: the site's CIDRs over
    its private VIFs, or those of its DX gateways, on connections that are up."""
    vifs = m.dx_routes(gateway, net.vifs.values(), net.dx_connections, net.dx_gateways)
    return _longest([DxRoute(v, p) for v in vifs for p in v.prefixes], address)


def from_site(sim: Context, w: Walk, site: m.Site, route: DxRoute, pkt: Packet, dst: End) -> Packet:
    """From a site over a connection and its VIF, into a VPC or a transit gateway."""
    net = sim.net
    vif = route.vif
    conn = net.dx_connections[vif.connection]
    w.hop(C.DX_CONNECTION, conn.name, site=site.name)
    w.step(Forwarded(C.DX_CONNECTION, conn.name, Passage.IN, vif.name), conn.span)
    w.hop(C.VIF, vif.name)
    w.step(Forwarded(C.VIF, vif.name, Passage.IN, vif.target), vif.span)
    if vif.to_dx_gateway:
        dxgw = net.dx_gateways[vif.target]
        w.hop(C.DX_GATEWAY, dxgw.name)
        assoc = dxgw.association(route.gateway)
        w.step(
            Forwarded(C.DX_GATEWAY, dxgw.name, Passage.IN, route.gateway),
            assoc.span if assoc else dxgw.span,
        )
        if route.kind is K.TRANSIT_GATEWAY:
            return transit.tgw(sim, w, net.transit_gateways[route.gateway], dxgw.name, "", pkt, dst)
    vpc = net.vpc_of_gateway(route.gateway)
    assert vpc is not None
    w.hop(C.VPN_GATEWAY, route.gateway, vpc.name, vpc.region)
    into = vpcs.local_subnet(sim, vpc, pkt.dst)
    if into is None:
        w.fail(
            Dropped(
                w.no_route,
                Obstacle.NOT_IN_VPC,
                C.VPN_GATEWAY,
                route.gateway,
                str(pkt.dst),
                vpc.name,
            ),
            w.no_route,
            f"vpn gateway '{route.gateway}' delivers only to vpc '{vpc.name}'",
        )
    w.step(Forwarded(C.VPN_GATEWAY, route.gateway, Passage.IN, vpc.name))
    return vpcs.enter_subnet(sim, w, vpc, into, pkt, dst, from_subnet=None)


def out_to_site(sim: Context, w: Walk, route: DxRoute, pkt: Packet) -> Packet:
    """From a VPN gateway (or a DX gateway already hopped) over a VIF into its site."""
    net = sim.net
    vif = route.vif
    if vif.to_dx_gateway and (w.current is None or w.current.kind is not C.DX_GATEWAY):
        w.hop(C.DX_GATEWAY, vif.target)
    if vif.to_dx_gateway:
        w.step(Forwarded(C.DX_GATEWAY, vif.target, Passage.OUT, vif.name))
    conn = net.dx_connections[vif.connection]
    w.hop(C.VIF, vif.name)
    w.step(Forwarded(C.VIF, vif.name, Passage.OUT, conn.name), vif.span)
    w.hop(C.DX_CONNECTION, conn.name, site=conn.site)
    w.step(Forwarded(C.DX_CONNECTION, conn.name, Passage.INTO_SITE, conn.site), conn.span)
    return sites.deliver(w, net.sites[conn.site], pkt)


def from_tgw(sim: Context, w: Walk, out: m.TgwAttachment, az: str, pkt: Packet, dst: End) -> Packet:
    """Out of a transit gateway into an associated DX gateway, over its transit VIF."""
    net = sim.net
    dxgw = net.dx_gateways[out.name]
    came = w.current.name if w.current is not None else ""  # the transit gateway
    w.hop(C.DX_GATEWAY, dxgw.name)
    vifs = [v for v in net.vifs.values() if v.to_dx_gateway and v.target == dxgw.name]
    route = _longest([DxRoute(v, p) for v in vifs if _up(net, v) for p in v.prefixes], pkt.dst)
    if route is None:
        _no_vif(sim, w, _without(dxgw, came), vifs, pkt.dst)
    return out_to_site(sim, w, route, pkt)


def _no_vif(sim: Context, w: Walk, dxgw: m.DxGateway, vifs: list[m.Vif], address: Addr) -> NoReturn:
    """A DX gateway with no VIF to ``address``: a down connection, another association, none."""
    net = sim.net
    lost = _longest([DxRoute(v, p) for v in vifs for p in v.prefixes], address)
    if lost is not None:
        conn = lost.vif.connection
        w.fail(
            Dropped(DropCode.GATEWAY_NO_ROUTE, Obstacle.DOWN, C.DX_CONNECTION, conn),
            DropCode.GATEWAY_NO_ROUTE,
            f"dx connection '{conn}', the way of DX gateway '{dxgw.name}' to {address}, is down",
            net.dx_connections[conn].span,
        )
    between_associations(w, net, dxgw, address, C.DX_GATEWAY, dxgw.name)
    carried = "; ".join(f"{v.name}: {', '.join(map(str, v.prefixes))}" for v in vifs)
    w.fail(
        Dropped(
            DropCode.GATEWAY_NO_ROUTE,
            Obstacle.NO_VIF_CARRIES,
            C.DX_GATEWAY,
            dxgw.name,
            str(address),
            text=carried or "no virtual interface",
        ),
        DropCode.GATEWAY_NO_ROUTE,
        f"no virtual interface of DX gateway '{dxgw.name}' leads to {address}",
        dxgw.span,
    )


def between_associations(
    w: Walk, net: m.Network, dxgw: m.DxGateway, address: Addr, by: ComponentKind, name: str
) -> None:
    """Drop a packet for an address behind another association of ``dxgw``: a DX gateway
    never carries traffic between two of its associations."""
    if isinstance(address, PublicAddr):
        return
    for assoc in dxgw.associations:
        vpc = net.vpc_of_gateway(assoc.gateway) if assoc.kind is K.VPN_GATEWAY else None
        held = vpc.holds(address) if vpc is not None else False
        if held or any(within(p, address) for p in assoc.allowed):
            w.fail(
                Dropped(
                    DropCode.GATEWAY_NO_ROUTE,
                    Obstacle.DX_BETWEEN_ASSOCIATIONS,
                    by,
                    name,
                    str(address),
                    dxgw.name,
                ),
                DropCode.GATEWAY_NO_ROUTE,
                f"{address} is behind '{assoc.gateway}', another association of DX gateway"
                f" '{dxgw.name}': a DX gateway never carries traffic between two of its"
                " associations",
                assoc.span,
            )


def no_gateway_route(sim: Context, w: Walk, gateway: str, address: Addr) -> None:
    """Explain a VPN gateway with no route to ``address`` over Direct Connect, when Direct
    Connect is why: the connection of its route is down, or the address is behind another
    association of one of its DX gateways. Returns when neither is the case."""
    net = sim.net
    for vif in sorted(net.vifs.values(), key=lambda v: v.name):
        reaches = vif.target == gateway if not vif.to_dx_gateway else False
        dxgw = net.dx_gateways.get(vif.target) if vif.to_dx_gateway else None
        reaches = reaches or (dxgw is not None and dxgw.association(gateway) is not None)
        if not reaches or _up(net, vif) or not any(within(p, address) for p in vif.prefixes):
            continue
        conn = net.dx_connections[vif.connection]
        w.fail(
            Dropped(DropCode.GATEWAY_NO_ROUTE, Obstacle.DOWN, C.DX_CONNECTION, conn.name),
            DropCode.GATEWAY_NO_ROUTE,
            f"dx connection '{conn.name}', the way of '{gateway}' to {address}, is down:"
            f" '{gateway}' has no route for it",
            conn.span,
        )
    for dxgw in sorted(net.dx_gateways.values(), key=lambda g: g.name):
        if dxgw.association(gateway) is not None:
            between_associations(w, net, _without(dxgw, gateway), address, C.VPN_GATEWAY, gateway)


def _without(dxgw: m.DxGateway, gateway: str) -> m.DxGateway:
    """The DX gateway's other associations than ``gateway``'s (the one traffic came from)."""
    kept = tuple(a for a in dxgw.associations if a.gateway != gateway)
    return m.DxGateway(dxgw.name, kept, dxgw.span)


def site_unreachable(sim: Context, w: Walk, site: m.Site, address: Addr) -> None:
    """Explain why a site has no Direct Connect route to ``address``, when it has VIFs that
    would lead there: their connection is down, or the DX gateway's allowed prefixes leave
    the address out (``DX_PREFIX_NOT_ALLOWED``). Returns when neither is the case."""
    net = sim.net
    lost = site_route(net, site.name, address, up=False)
    if lost is not None:
        conn = net.dx_connections[lost.vif.connection]
        w.hop(C.DX_CONNECTION, conn.name, site=site.name)
        w.fail(
            Dropped(w.no_route, Obstacle.DOWN, C.DX_CONNECTION, conn.name),
            w.no_route,
            f"dx connection '{conn.name}', the way from site '{site.name}' to {address}, is down",
            conn.span,
        )
    if isinstance(address, PublicAddr):
        return
    for vif in _site_vifs(net, site.name):
        if not vif.to_dx_gateway:
            continue
        dxgw = net.dx_gateways[vif.target]
        _between_vifs(w, net, site, vif, address)
        for assoc in dxgw.associations:
            vpc = net.vpc_of_gateway(assoc.gateway) if assoc.kind is K.VPN_GATEWAY else None
            behind = vpc is not None and vpc.holds(address)
            if assoc.kind is K.TRANSIT_GATEWAY:
                behind = _behind_tgw(net, assoc.gateway, address)
            if not behind:
                continue
            allowed = ", ".join(map(str, assoc.allowed)) or "none"
            said = (
                f"DX gateway '{dxgw.name}' advertises to site '{site.name}' only the allowed"
                f" prefixes of '{assoc.gateway}' ({allowed}), none of which holds {address}"
            )
            if assoc.kind is K.VPN_GATEWAY:
                said = (
                    f"DX gateway '{dxgw.name}' advertises to site '{site.name}' only the CIDRs"
                    f" of vpc '{vpc.name if vpc else assoc.gateway}' that the allowed prefixes"
                    f" of '{assoc.gateway}' ({allowed}) hold, the same or wider: not the one"
                    f" holding {address}"
                )
            w.fail(
                Dropped(
                    DropCode.DX_PREFIX_NOT_ALLOWED,
                    Obstacle.DX_NOT_ALLOWED,
                    None,
                    site.name,
                    str(address),
                    site.name,
                    f"the allowed prefixes of '{assoc.gateway}' on DX gateway '{dxgw.name}'"
                    f" are {allowed}",
                ),
                DropCode.DX_PREFIX_NOT_ALLOWED,
                said,
                assoc.span,
            )


def _between_vifs(w: Walk, net: m.Network, site: m.Site, vif: m.Vif, address: Addr) -> None:
    """Drop a packet for another site behind a VIF of the same DX gateway: a DX gateway
    carries traffic between a VIF and an association only, never from a VIF to another
    ("Direct Connect gateways", Direct Connect User Guide)."""
    for other in sorted(net.vifs.values(), key=lambda v: v.name):
        if other.name == vif.name or not other.to_dx_gateway or other.target != vif.target:
            continue
        if not any(within(p, address) for p in other.prefixes):
            continue
        owner = net.dx_connections[other.connection].site
        if owner == site.name:
            continue
        w.fail(
            Dropped(
                w.no_route,
                Obstacle.DX_BETWEEN_VIFS,
                None,
                site.name,
                str(address),
                vif.target,
                owner,
            ),
            w.no_route,
            f"{address} is in site '{owner}', behind virtual interface '{other.name}' of DX"
            f" gateway '{vif.target}': a DX gateway never carries traffic between two of its"
            f" virtual interfaces, so site '{site.name}' learns no route to it there",
            other.span,
        )


def _behind_tgw(net: m.Network, tgw: str, address: Addr) -> bool:
    """Whether ``address`` is in a VPC attached to transit gateway ``tgw``."""
    gw = net.transit_gateways.get(tgw)
    if gw is None or isinstance(address, PublicAddr):
        return False
    return any(
        a.kind is m.AttachmentKind.VPC and net.vpcs[a.name].holds(address)
        for a in gw.attachments.values()
    )
