"""What joins VPCs to each other and to sites: sites, VPNs, peerings and transit gateways."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import TYPE_CHECKING

from netdraft import codes
from netdraft.dsl import syntax as st
from netdraft.dsl.passes import dns, literals, prefix_lists
from netdraft.dsl.passes.context import Held, Holder
from netdraft.dsl.passes.resolve import Kind, resolve, where_else
from netdraft.model import network as m
from netdraft.model.values import IPNetwork, PortRange

if TYPE_CHECKING:
    from netdraft.dsl.passes.context import Context


def build_site(c: Context, decl: st.SiteDecl) -> m.Site:
    cidrs = tuple(n for t in decl.cidrs if (n := literals.net4(c, t)) is not None)
    cgws: dict[str, m.CustomerGateway] = {}
    hosts: dict[str, m.Host] = {}
    ephemeral: PortRange | None = None
    for item in decl.items:
        if isinstance(item, st.SiteEphemeral):
            if ephemeral is not None:
                c.err(
                    codes.BAD_OPTION,
                    f"site '{decl.name.text}' declares 'ephemeral' twice",
                    item.span,
                )
            else:
                ephemeral = literals.ephemeral_range(c, item.ports)
            continue
        ip = literals.addr4(c, item.ip)
        if ip is None:
            continue
        if isinstance(item, st.CustomerGatewayDecl):
            cgws.setdefault(item.name.text, m.CustomerGateway(item.name.text, ip, item.span))
        elif item.name.text not in hosts:
            if cidrs and not any(ip in n for n in cidrs):
                c.err(
                    codes.IP_OUTSIDE_SUBNET,
                    f"host '{item.name.text}' address {ip} is not inside site '{decl.name.text}'",
                    item.ip.span,
                    "site CIDRs: " + ", ".join(map(str, cidrs)),
                )
            hosts[item.name.text] = m.Host(item.name.text, ip, item.span, dns.config(c, item.dns))
            who = f"host '{item.name.text}' of site '{decl.name.text}'"
            c.held.append(Held(ip, f"site:{decl.name.text}", Holder(who, item.ip.span)))
    return m.Site(decl.name.text, cidrs, cgws, hosts, decl.span, ephemeral)


def build_vpn(c: Context, decl: st.VpnDecl) -> m.Vpn | None:
    table = c.scope
    ok = True
    gw = decl.gateway.name
    vgws = {
        s.gateways["vpn-gateway"].name.text
        for s in table.vpcs.values()
        if "vpn-gateway" in s.gateways
    }
    if gw in table.tgws:
        kind = m.TargetKind.TRANSIT_GATEWAY
    elif gw in vgws:
        kind = m.TargetKind.VPN_GATEWAY
    else:
        c.unknown("vpn gateway or transit gateway", decl.gateway, itertools.chain(table.tgws, vgws))
        kind, ok = m.TargetKind.VPN_GATEWAY, False
    cgw = resolve(c, Kind.CUSTOMER_GATEWAY, decl.customer_gateway)
    if cgw is None:
        return None
    site = table.customer_gateways[cgw]
    prefixes = tuple(p for t in decl.prefixes if (p := literals.net4(c, t)) is not None)
    built_site = c.built_sites.get(site)
    if decl.routing == "bgp" and built_site is not None:
        prefixes = built_site.cidrs
    if not ok:
        return None
    return m.Vpn(
        decl.name.text,
        gw,
        kind,
        cgw,
        site,
        m.VpnRouting(decl.routing),
        prefixes,
        decl.span,
        down=any(o.keyword == "down" for o in decl.options),
    )


def build_peering(c: Context, decl: st.PeeringDecl) -> m.Peering | None:
    a, b = resolve(c, Kind.VPC, decl.a), resolve(c, Kind.VPC, decl.b)
    if a is None or b is None:
        return None
    if a == b:
        c.err(
            codes.PEERING_SELF,
            f"peering '{decl.name.text}' connects vpc '{a}' to itself",
            decl.span,
        )
        return None
    return m.Peering(decl.name.text, a, b, decl.span)


def build_tgw_peerings(c: Context) -> dict[str, m.TgwPeering]:
    """The transit gateway peerings: two transit gateways each, in one region or two
    (intra-Region peering exists since 2021), and one peering attachment between the same
    two (AWS's quota "Peering attachments between two transit gateways" is 1)."""
    tgws = c.scope.tgws
    found: dict[str, m.TgwPeering] = {}
    pairs: dict[frozenset[str], st.TgwPeeringDecl] = {}
    for name, decl in c.scope.tgw_peerings.items():
        ends: list[str] = []
        for ref in (decl.a, decl.b):
            if ref.scope is None and ref.name in tgws:
                ends.append(ref.name)
            else:
                c.unknown("transit gateway", ref, tgws)
        if len(ends) < 2:
            continue
        a, b = ends
        if a == b:
            c.err(
                codes.TGW_PEERING_SELF,
                f"transit gateway peering '{name}' joins transit gateway '{a}' to itself",
                decl.span,
                "a peering attachment joins two transit gateways",
            )
            continue
        pair = frozenset((a, b))
        if pair in pairs:
            first = pairs[pair]
            c.err(
                codes.TGW_PEERING_DUPLICATE,
                f"transit gateways '{a}' and '{b}' are already peered by '{first.name.text}'",
                decl.span,
                "AWS allows one peering attachment between two transit gateways",
                first.span,
            )
            continue
        pairs[pair] = decl
        down = any(o.keyword == "down" for o in decl.options)
        found[name] = m.TgwPeering(name, a, b, decl.span, down)
    return found


def build_tgw(
    c: Context,
    decl: st.TransitGatewayDecl,
    region: str,
    peerings: Mapping[str, m.TgwPeering] | None = None,
) -> m.TransitGateway:
    attachments: dict[str, m.TgwAttachment] = {}
    tables: dict[str, m.TgwRouteTable] = {}
    for item in decl.items:
        if isinstance(item, st.AttachDecl):
            att = _attachment(c, item, region)
            if att is None:
                continue
            if att.name in attachments:
                c.err(
                    codes.DUPLICATE_NAME,
                    f"'{att.name}' is attached twice to '{decl.name.text}'",
                    item.span,
                )
                continue
            attachments[att.name] = att
    for peering in (peerings or {}).values():
        # A peering is an attachment of each of its two transit gateways, named as the peering.
        if decl.name.text not in (peering.a, peering.b):
            continue
        if peering.name in attachments:
            c.err(
                codes.DUPLICATE_NAME,
                f"'{peering.name}' names both an attachment of '{decl.name.text}' and a"
                " transit gateway peering",
                peering.span,
                "give the peering a name of its own",
            )
            continue
        attachments[peering.name] = m.TgwAttachment(
            peering.name, m.AttachmentKind.PEERING, (), peering.span
        )
    for dxgw in c.built_dx_gateways.values():
        # A DX gateway associated with the transit gateway is an attachment named as it
        # (LANGUAGE.md §14: named in route tables like any attachment).
        assoc = dxgw.association(decl.name.text)
        if assoc is None:
            continue
        if dxgw.name in attachments:
            c.err(
                codes.DUPLICATE_NAME,
                f"'{dxgw.name}' names both an attachment of '{decl.name.text}' and a"
                " Direct Connect gateway associated with it",
                assoc.span,
                "give the DX gateway a name of its own",
            )
            continue
        attachments[dxgw.name] = m.TgwAttachment(
            dxgw.name, m.AttachmentKind.DX_GATEWAY, (), assoc.span
        )
    associated: dict[str, str] = {}
    for item in decl.items:
        if isinstance(item, st.TgwRouteTableDecl):
            if item.name.text in tables:
                c.err(
                    codes.DUPLICATE_NAME,
                    f"route table '{item.name.text}' is declared twice in '{decl.name.text}'",
                    item.name.span,
                )
                continue
            tables[item.name.text] = _tgw_table(c, item, attachments, associated, region)
    return m.TransitGateway(decl.name.text, region, attachments, tables, decl.span)


def _attachment(c: Context, item: st.AttachDecl, region: str) -> m.TgwAttachment | None:
    if item.kind == "vpn":
        if resolve(c, Kind.VPN, item.target) is None:
            return None
        return m.TgwAttachment(item.target.name, m.AttachmentKind.VPN, (), item.span)
    vpc = resolve(c, Kind.VPC, item.target)
    if vpc is None:
        return None
    scope = c.scope.vpcs[vpc]
    if scope.region != region:
        c.err(
            codes.TGW_REGION,
            f"vpc '{vpc}' is in {scope.region}, not in the transit gateway's region {region}",
            item.target.span,
        )
    subnets: list[str] = []
    azs: dict[str, str] = {}
    for ref in item.subnets:
        subnet = scope.subnets.get(ref.name)
        if subnet is None:
            elsewhere = where_else(c, ref.name, Kind.SUBNET.value, scope)
            c.unknown("subnet", ref, scope.subnets, scope.where, elsewhere)
            continue
        az = subnet.az.text
        if az in azs:
            c.err(
                codes.TGW_ATTACHMENT_AZ,
                f"the attachment already has subnet '{azs[az]}' in {az}: one subnet per availability zone",
                ref.span,
            )
            continue
        azs[az] = ref.name
        subnets.append(ref.name)
    if not item.subnets:
        # No subnets written: one per AZ, the first subnet of each AZ in declaration order.
        for name, subnet in scope.subnets.items():
            azs.setdefault(subnet.az.text, name)
        subnets = list(azs.values())
    # A subnet whose CIDR did not compile is not in the model (its error is reported).
    built = c.built_vpcs[vpc].subnets if vpc in c.built_vpcs else {}
    subnets = [name for name in subnets if name in built]
    return m.TgwAttachment(vpc, m.AttachmentKind.VPC, tuple(subnets), item.span)


def _tgw_table(
    c: Context,
    decl: st.TgwRouteTableDecl,
    attachments: Mapping[str, m.TgwAttachment],
    associated: dict[str, str],
    region: str = "",
) -> m.TgwRouteTable:
    assoc: list[str] = []
    props: list[str] = []
    routes: list[m.TgwRoute] = []
    seen: dict[m.RouteDestination, st.TgwRouteDecl] = {}
    for item in decl.items:
        if isinstance(item, st.Associate | st.Propagate):
            for ref in item.refs:
                if ref.name not in attachments:
                    c.unknown("attachment", ref, attachments)
                    continue
                if isinstance(item, st.Propagate) and (
                    attachments[ref.name].kind is m.AttachmentKind.PEERING
                ):
                    c.err(
                        codes.TGW_PEERING_PROPAGATE,
                        f"route table '{decl.name.text}' cannot propagate peering attachment"
                        f" '{ref.name}': a transit gateway peering takes static routes only",
                        ref.span,
                        f"write 'route CIDR via {ref.name}' for each prefix of the other side",
                    )
                    continue
                if isinstance(item, st.Associate):
                    if ref.name in associated:
                        c.err(
                            codes.DUPLICATE_ASSOCIATION,
                            f"attachment '{ref.name}' is already associated with route table '{associated[ref.name]}'",
                            ref.span,
                            "an attachment has one route table",
                        )
                        continue
                    associated[ref.name] = decl.name.text
                    assoc.append(ref.name)
                else:
                    props.append(ref.name)
        else:
            dest = prefix_lists.route_destination(c, region, item.destination)
            if dest is None:
                continue
            if not prefix_lists.first_route(c, seen, dest, item, decl.name.text):
                continue
            target = None
            if item.target is not None:
                if item.target.name not in attachments:
                    c.unknown("attachment", item.target, attachments)
                    continue
                target = item.target.name
            if isinstance(dest, m.PrefixList):
                # A prefix list reference: one route per entry, as AWS lists them.
                routes.extend(
                    m.TgwRoute(cidr, target, m.RouteOrigin.STATIC, item.span, dest.name)
                    for cidr in dest.cidrs
                )
            else:
                routes.append(m.TgwRoute(dest, target, m.RouteOrigin.STATIC, item.span))
    for name in props:
        att = attachments[name]
        for prefix in _attachment_prefixes(c, att):
            routes.append(m.TgwRoute(prefix, name, m.RouteOrigin.PROPAGATED, att.span))
    return m.TgwRouteTable(decl.name.text, tuple(assoc), tuple(props), tuple(routes), decl.span)


def _attachment_prefixes(c: Context, att: m.TgwAttachment) -> tuple[IPNetwork, ...]:
    if att.kind is m.AttachmentKind.VPN:
        vpn = c.built_vpns.get(att.name)
        # A down VPN withdraws the routes it propagates (LANGUAGE.md §14 Down).
        return vpn.prefixes if vpn and not vpn.down else ()
    if att.kind is m.AttachmentKind.DX_GATEWAY:
        # The sites' CIDRs, learnt over the DX gateway's transit VIFs that are up.
        return tuple(
            p
            for vif in c.built_vifs.values()
            if vif.to_dx_gateway and vif.target == att.name
            if not c.built_dx_connections[vif.connection].down
            for p in vif.prefixes
        )
    vpc = c.built_vpcs.get(att.name)
    return vpc.all_cidrs() if vpc else ()
