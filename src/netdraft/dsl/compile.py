"""Compile the syntax tree into the model: read literals, resolve names, apply AWS defaults.

Problems found here (unknown names, clashing declarations, malformed literals)
become diagnostics; the rules about the network's shape live in
:mod:`netdraft.dsl.validate` and run on the model this module builds.
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from typing import TypeVar

from netdraft.diagnostics import Diagnostic, Hints, clip, did_you_mean, error
from netdraft.dsl import syntax as st
from netdraft.dsl.validate import ACL_RULE_RANGE
from netdraft.model import network as m
from netdraft.model.codes import AWS_SERVICES, GATEWAY_ENDPOINT_SERVICES, DropCode
from netdraft.model.values import (
    IPAddress,
    IPNetwork,
    PortRange,
    Protocol,
    Span,
    Volume,
    parse_volume,
)

T = TypeVar("T")

ALL4 = IPv4Network("0.0.0.0/0")
ALL6 = IPv6Network("::/0")


@dataclass
class _VpcScope:
    """The declarations of one VPC, by kind, before they are built."""

    decl: st.VpcDecl
    region: str
    subnets: dict[str, st.SubnetDecl] = field(default_factory=dict)
    route_tables: dict[str, st.RouteTableDecl] = field(default_factory=dict)
    groups: dict[str, st.SecurityGroupDecl] = field(default_factory=dict)
    acls: dict[str, st.NetworkAclDecl] = field(default_factory=dict)
    instances: dict[str, st.InstanceDecl] = field(default_factory=dict)
    nats: dict[str, st.NatGatewayDecl] = field(default_factory=dict)
    endpoints: dict[str, st.EndpointDecl] = field(default_factory=dict)
    gateways: dict[str, st.GatewayDecl] = field(default_factory=dict)  # by keyword
    ipv6: st.VpcIpv6 | None = None
    dhcp: st.DhcpOptions | None = None

    @property
    def name(self) -> str:
        return self.decl.name.text


class Compiler:
    """One compilation of one file; collects every diagnostic instead of stopping."""

    def __init__(self, source: st.SourceFile) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []
        self.vpcs: dict[str, _VpcScope] = {}
        self.regions: dict[str, st.RegionDecl] = {}
        self.tgws: dict[str, tuple[st.TransitGatewayDecl, str]] = {}  # with its region
        self.tgw_decls: dict[str, st.TransitGatewayDecl] = {}
        self.peerings: dict[str, st.PeeringDecl] = {}
        self.sites: dict[str, st.SiteDecl] = {}
        self.vpns: dict[str, st.VpnDecl] = {}
        self.flows: dict[str, st.FlowDecl] = {}
        self.file_gateways: dict[str, str] = {}  # gateway name -> vpc (igw, eigw, vgw)
        self.customer_gateways: dict[str, str] = {}  # cgw name -> site
        self.hosts: dict[str, list[str]] = {}  # host name -> sites
        self.built_vpcs: dict[str, m.Vpc] = {}
        self.built_sites: dict[str, m.Site] = {}
        self.built_vpns: dict[str, m.Vpn] = {}
        self.hints = Hints()
        self.components: set[str] | None = None  # what 'via' may name, found once

    # ---- reporting -----------------------------------------------------------------------

    def err(self, code: str, message: str, span: Span, label: str = "") -> None:
        self.diagnostics.append(error(code, message, span, label))

    def unknown(
        self, kind: str, ref: st.Ref | st.Tok, candidates: Iterable[str], where: str = ""
    ) -> None:
        name = ref.name if isinstance(ref, st.Ref) else ref.text
        hint = self.hints(name, candidates)
        label = f"did you mean '{hint}'?" if hint else f"no {kind} has this name"
        self.err("unknown-name", f"no {kind} named '{name}'{where}", ref.span, label)

    def declare(
        self, table: dict[str, T], name: st.Tok, decl: T, kind: str, where: str = ""
    ) -> bool:
        """Record a declaration; a second one with the same name is a clash at the later one."""
        if name.text in table:
            first = _span_of(table[name.text])
            self.err(
                "duplicate-name",
                f"{kind} '{name.text}' is declared twice{where}",
                name.span,
                f"first declared on line {first.line}",
            )
            return False
        table[name.text] = decl
        return True

    # ---- literals ------------------------------------------------------------------------

    def net4(self, tok: st.Tok) -> IPv4Network | None:
        net = self.net(tok)
        if net is not None and not isinstance(net, IPv4Network):
            self.err("bad-cidr", f"'{tok.text}' is an IPv6 CIDR where IPv4 is needed", tok.span)
            return None
        return net

    def net6(self, tok: st.Tok) -> IPv6Network | None:
        net = self.net(tok)
        if net is not None and not isinstance(net, IPv6Network):
            self.err("bad-cidr", f"'{tok.text}' is an IPv4 CIDR where IPv6 is needed", tok.span)
            return None
        return net

    def net(self, tok: st.Tok) -> IPNetwork | None:
        try:
            return ipaddress.ip_network(tok.text, strict=True)
        except ValueError as exc:
            try:
                ipaddress.ip_network(tok.text, strict=False)
            except ValueError:
                self.err("bad-cidr", f"'{tok.text}' is not a valid CIDR: {exc}", tok.span)
            else:
                fixed = ipaddress.ip_network(tok.text, strict=False)
                self.err(
                    "bad-cidr",
                    f"'{tok.text}' has host bits set",
                    tok.span,
                    f"did you mean '{fixed}'?",
                )
            return None

    def addr(self, tok: st.Tok) -> IPAddress | None:
        try:
            return ipaddress.ip_address(tok.text)
        except ValueError:
            self.err("bad-address", f"'{tok.text}' is not a valid IP address", tok.span)
            return None

    def addr4(self, tok: st.Tok) -> IPv4Address | None:
        address = self.addr(tok)
        if address is not None and not isinstance(address, IPv4Address):
            self.err("bad-address", f"'{tok.text}' is not an IPv4 address", tok.span)
            return None
        return address

    def protocol(self, spec: st.ProtoSpec) -> tuple[Protocol, PortRange | None]:
        proto = Protocol(spec.protocol.text)
        if spec.port is None:
            return proto, None
        if not proto.has_ports:
            self.err(
                "bad-port",
                f"{proto.value} has no ports",
                spec.port.span,
                "write ports only with tcp or udp",
            )
            return proto, None
        low_text, _, high_text = spec.port.text.partition("-")
        low, high = number_value(low_text), number_value(high_text or low_text)
        if low is None or high is None or not (0 <= low <= high <= 65535):
            self.err(
                "bad-port",
                f"'{clip(spec.port.text, 24)}' is not a port or range in 0-65535",
                spec.port.span,
            )
            return proto, None
        return proto, PortRange(low, high)

    def single_port(self, spec: st.ProtoSpec) -> tuple[Protocol, int | None]:
        proto, ports = self.protocol(spec)
        if proto.has_ports and spec.port is None:
            self.err(
                "bad-port",
                f"a {proto.value} connection needs a destination port",
                spec.span,
                f"e.g. '{proto.value} 443'",
            )
        if ports is not None and ports.low != ports.high:
            self.err(
                "bad-port",
                "a connection has one destination port, not a range",
                spec.port.span if spec.port else spec.span,
            )
        return proto, ports.low if ports else None

    # ---- pass 1: declarations ------------------------------------------------------------

    def collect(self) -> None:
        for stmt in self.source.statements:
            if isinstance(stmt, st.RegionDecl):
                self.declare(self.regions, stmt.name, stmt, "region")
                for item in stmt.items:
                    if isinstance(item, st.VpcDecl):
                        if self.declare(
                            self.vpcs, item.name, _VpcScope(item, stmt.name.text), "vpc"
                        ):
                            self.collect_vpc(self.vpcs[item.name.text])
                    elif self.declare(self.tgw_decls, item.name, item, "transit gateway"):
                        self.tgws[item.name.text] = (item, stmt.name.text)
            elif isinstance(stmt, st.PeeringDecl):
                self.declare(self.peerings, stmt.name, stmt, "peering connection")
            elif isinstance(stmt, st.SiteDecl):
                if self.declare(self.sites, stmt.name, stmt, "site"):
                    self.collect_site(stmt)
            elif isinstance(stmt, st.VpnDecl):
                self.declare(self.vpns, stmt.name, stmt, "vpn")
            elif isinstance(stmt, st.FlowDecl):
                self.declare(self.flows, stmt.name, stmt, "flow")
        # Gateways share one file-wide name space: a name may be a gateway of one VPC only.
        gateway_decls: dict[str, object] = {}
        for scope in self.vpcs.values():
            for gw in scope.gateways.values():
                if self.declare(gateway_decls, gw.name, gw, "gateway"):
                    self.file_gateways[gw.name.text] = scope.name
        for name, (tgw, _region) in self.tgws.items():
            if name in gateway_decls:
                self.declare(gateway_decls, tgw.name, tgw, "gateway")

    def collect_vpc(self, scope: _VpcScope) -> None:
        where = f" in vpc '{scope.name}'"
        for item in scope.decl.items:
            if isinstance(item, st.SubnetDecl):
                self.declare(scope.subnets, item.name, item, "subnet", where)
            elif isinstance(item, st.RouteTableDecl):
                self.declare(scope.route_tables, item.name, item, "route table", where)
            elif isinstance(item, st.SecurityGroupDecl):
                self.declare(scope.groups, item.name, item, "security group", where)
            elif isinstance(item, st.NetworkAclDecl):
                self.declare(scope.acls, item.name, item, "network ACL", where)
            elif isinstance(item, st.InstanceDecl):
                self.declare(scope.instances, item.name, item, "instance", where)
            elif isinstance(item, st.NatGatewayDecl):
                self.declare(scope.nats, item.name, item, "NAT gateway", where)
            elif isinstance(item, st.EndpointDecl):
                self.declare(scope.endpoints, item.name, item, "endpoint", where)
            elif isinstance(item, st.GatewayDecl):
                if item.keyword in scope.gateways:
                    first = scope.gateways[item.keyword]
                    code = "second-igw" if item.keyword == "internet-gateway" else "second-gateway"
                    self.err(
                        code,
                        f"vpc '{scope.name}' already has an {item.keyword} ('{first.name.text}'):"
                        " a VPC has at most one",
                        item.span,
                        f"the first is on line {first.span.line}",
                    )
                else:
                    scope.gateways[item.keyword] = item
            elif isinstance(item, st.VpcIpv6):
                if scope.ipv6 is not None:
                    self.err("duplicate-name", f"vpc '{scope.name}' has two ipv6 blocks", item.span)
                scope.ipv6 = item
            elif isinstance(item, st.DhcpOptions):
                scope.dhcp = item

    def collect_site(self, site: st.SiteDecl) -> None:
        hosts: dict[str, st.HostDecl] = {}
        for item in site.items:
            if isinstance(item, st.CustomerGatewayDecl):
                if item.name.text in self.customer_gateways:
                    self.err(
                        "duplicate-name",
                        f"customer gateway '{item.name.text}' is declared twice",
                        item.name.span,
                    )
                else:
                    self.customer_gateways[item.name.text] = site.name.text
            elif self.declare(hosts, item.name, item, "host", f" in site '{site.name.text}'"):
                self.hosts.setdefault(item.name.text, []).append(site.name.text)

    # ---- pass 2: build -------------------------------------------------------------------

    def build(self) -> m.Network:
        self.collect()
        for name, site in self.sites.items():
            self.built_sites[name] = self.build_site(site)
        for name, vpn in self.vpns.items():
            built = self.build_vpn(vpn)
            if built is not None:
                self.built_vpns[name] = built
        for name, scope in self.vpcs.items():
            self.built_vpcs[name] = VpcBuilder(self, scope).build()
        peerings = {n: p for n, d in self.peerings.items() if (p := self.build_peering(d))}
        tgws = {n: self.build_tgw(d, r) for n, (d, r) in self.tgws.items()}
        network = m.Network(
            file=self.source.path,
            title=self.title(),
            regions=tuple(self.regions),
            vpcs=self.built_vpcs,
            peerings=peerings,
            transit_gateways=tgws,
            sites=self.built_sites,
            vpns=self.built_vpns,
            flows={},
            expectations=(),
            price_files=tuple(
                (s.path.text[1:-1], s.span)
                for s in self.source.statements
                if isinstance(s, st.Prices)
            ),
        )
        places = PlaceResolver(network)
        flows = {n: f for n, d in self.flows.items() if (f := self.build_flow(d, places))}
        expectations = tuple(
            e
            for s in self.source.statements
            if isinstance(s, st.ExpectPathDecl | st.ExpectCostDecl)
            if (e := self.build_expectation(s, places, network)) is not None
        )
        return _replace_network(network, flows, expectations)

    def title(self) -> str | None:
        titles = [s for s in self.source.statements if isinstance(s, st.Title)]
        for extra in titles[1:]:
            self.err("duplicate-name", "the file has two titles", extra.span)
        return _unquote(titles[0].text.text) if titles else None

    def build_site(self, decl: st.SiteDecl) -> m.Site:
        cidrs = tuple(c for t in decl.cidrs if (c := self.net4(t)) is not None)
        cgws: dict[str, m.CustomerGateway] = {}
        hosts: dict[str, m.Host] = {}
        for item in decl.items:
            ip = self.addr4(item.ip)
            if ip is None:
                continue
            if isinstance(item, st.CustomerGatewayDecl):
                cgws.setdefault(item.name.text, m.CustomerGateway(item.name.text, ip, item.span))
            elif item.name.text not in hosts:
                if cidrs and not any(ip in c for c in cidrs):
                    self.err(
                        "ip-outside-subnet",
                        f"host '{item.name.text}' address {ip} is not inside site '{decl.name.text}'",
                        item.ip.span,
                        "site CIDRs: " + ", ".join(map(str, cidrs)),
                    )
                hosts[item.name.text] = m.Host(item.name.text, ip, item.span)
        return m.Site(decl.name.text, cidrs, cgws, hosts, decl.span)

    def build_vpn(self, decl: st.VpnDecl) -> m.Vpn | None:
        ok = True
        gw = decl.gateway.name
        vgws = {
            s.gateways["vpn-gateway"].name.text
            for s in self.vpcs.values()
            if "vpn-gateway" in s.gateways
        }
        if gw in self.tgws:
            kind = m.TargetKind.TRANSIT_GATEWAY
        elif gw in vgws:
            kind = m.TargetKind.VPN_GATEWAY
        else:
            self.unknown(
                "vpn gateway or transit gateway", decl.gateway, itertools.chain(self.tgws, vgws)
            )
            kind, ok = m.TargetKind.VPN_GATEWAY, False
        cgw = decl.customer_gateway.name
        site = self.customer_gateways.get(cgw)
        if site is None:
            self.unknown("customer gateway", decl.customer_gateway, self.customer_gateways)
            return None
        prefixes = tuple(p for t in decl.prefixes if (p := self.net4(t)) is not None)
        built_site = self.built_sites.get(site)
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
        )

    def build_peering(self, decl: st.PeeringDecl) -> m.Peering | None:
        a, b = self.vpc_ref(decl.a), self.vpc_ref(decl.b)
        if a is None or b is None:
            return None
        if a == b:
            self.err(
                "peering-self",
                f"peering '{decl.name.text}' connects vpc '{a}' to itself",
                decl.span,
            )
            return None
        return m.Peering(decl.name.text, a, b, decl.span)

    def vpc_ref(self, ref: st.Ref) -> str | None:
        if ref.scope is None and ref.name in self.vpcs:
            return ref.name
        self.unknown("vpc", ref, self.vpcs)
        return None

    def build_tgw(self, decl: st.TransitGatewayDecl, region: str) -> m.TransitGateway:
        attachments: dict[str, m.TgwAttachment] = {}
        tables: dict[str, m.TgwRouteTable] = {}
        for item in decl.items:
            if isinstance(item, st.AttachDecl):
                att = self.build_attachment(item, region)
                if att is None:
                    continue
                if att.name in attachments:
                    self.err(
                        "duplicate-name",
                        f"'{att.name}' is attached twice to '{decl.name.text}'",
                        item.span,
                    )
                    continue
                attachments[att.name] = att
        associated: dict[str, str] = {}
        for item in decl.items:
            if isinstance(item, st.TgwRouteTableDecl):
                if item.name.text in tables:
                    self.err(
                        "duplicate-name",
                        f"route table '{item.name.text}' is declared twice in '{decl.name.text}'",
                        item.name.span,
                    )
                    continue
                tables[item.name.text] = self.build_tgw_table(item, attachments, associated)
        return m.TransitGateway(decl.name.text, region, attachments, tables, decl.span)

    def build_attachment(self, item: st.AttachDecl, region: str) -> m.TgwAttachment | None:
        if item.kind == "vpn":
            if item.target.name not in self.vpns:
                self.unknown("vpn", item.target, self.vpns)
                return None
            return m.TgwAttachment(item.target.name, m.AttachmentKind.VPN, (), item.span)
        vpc = self.vpc_ref(item.target)
        if vpc is None:
            return None
        scope = self.vpcs[vpc]
        if scope.region != region:
            self.err(
                "tgw-region",
                f"vpc '{vpc}' is in {scope.region}, not in the transit gateway's region {region}",
                item.target.span,
            )
        subnets: list[str] = []
        azs: dict[str, str] = {}
        for ref in item.subnets:
            subnet = scope.subnets.get(ref.name)
            if subnet is None:
                self.unknown("subnet", ref, scope.subnets, f" in vpc '{vpc}'")
                continue
            az = subnet.az.text
            if az in azs:
                self.err(
                    "tgw-attachment-az",
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
        built = self.built_vpcs[vpc].subnets if vpc in self.built_vpcs else {}
        subnets = [name for name in subnets if name in built]
        return m.TgwAttachment(vpc, m.AttachmentKind.VPC, tuple(subnets), item.span)

    def build_tgw_table(
        self,
        decl: st.TgwRouteTableDecl,
        attachments: Mapping[str, m.TgwAttachment],
        associated: dict[str, str],
    ) -> m.TgwRouteTable:
        assoc: list[str] = []
        props: list[str] = []
        routes: list[m.TgwRoute] = []
        seen: dict[IPNetwork, st.TgwRouteDecl] = {}
        for item in decl.items:
            if isinstance(item, st.Associate | st.Propagate):
                for ref in item.refs:
                    if ref.name not in attachments:
                        self.unknown("attachment", ref, attachments)
                        continue
                    if isinstance(item, st.Associate):
                        if ref.name in associated:
                            self.err(
                                "duplicate-association",
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
                dest = self.net(item.destination)
                if dest is None:
                    continue
                if dest in seen:
                    self.err(
                        "route-duplicate",
                        f"route table '{decl.name.text}' already has a route to {dest}",
                        item.destination.span,
                        f"first on line {seen[dest].span.line}",
                    )
                    continue
                seen[dest] = item
                target = None
                if item.target is not None:
                    if item.target.name not in attachments:
                        self.unknown("attachment", item.target, attachments)
                        continue
                    target = item.target.name
                routes.append(m.TgwRoute(dest, target, m.RouteOrigin.STATIC, item.span))
        for name in props:
            att = attachments[name]
            for prefix in self.attachment_prefixes(att):
                routes.append(m.TgwRoute(prefix, name, m.RouteOrigin.PROPAGATED, att.span))
        return m.TgwRouteTable(decl.name.text, tuple(assoc), tuple(props), tuple(routes), decl.span)

    def attachment_prefixes(self, att: m.TgwAttachment) -> tuple[IPNetwork, ...]:
        if att.kind is m.AttachmentKind.VPN:
            vpn = self.built_vpns.get(att.name)
            return vpn.prefixes if vpn else ()
        vpc = self.built_vpcs.get(att.name)
        return vpc.all_cidrs() if vpc else ()

    # ---- flows and expectations ----------------------------------------------------------

    def place(self, place: st.Place, places: PlaceResolver) -> m.Place | None:
        result = places.resolve(place)
        if isinstance(result, m.Place):
            return result
        self.diagnostics.append(result)
        return None

    def build_flow(self, decl: st.FlowDecl, places: PlaceResolver) -> m.Flow | None:
        src, dst = self.place(decl.source, places), self.place(decl.destination, places)
        proto, port = self.single_port(decl.protocol)
        volume = self.volume(decl.volume)
        ret = self.volume(decl.return_volume) if decl.return_volume else None
        if src is None or dst is None or volume is None:
            return None
        return m.Flow(decl.name.text, src, dst, proto, port, volume, ret, decl.span)

    def volume(self, tok: st.Tok) -> Volume | None:
        try:
            return parse_volume(tok.text)
        except (
            InvalidOperation,
            KeyError,
        ):  # pragma: no cover - the grammar admits only valid ones
            self.err("bad-volume", f"'{tok.text}' is not a volume", tok.span)
            return None

    def build_expectation(
        self, decl: st.ExpectPathDecl | st.ExpectCostDecl, places: PlaceResolver, network: m.Network
    ) -> m.Expectation | None:
        if isinstance(decl, st.ExpectCostDecl):
            subject = decl.subject.text
            if subject != "total" and subject not in self.flows:
                self.unknown("flow", decl.subject, itertools.chain(self.flows, ["total"]))
                return None
            return m.CostExpectation(
                None if subject == "total" else subject,
                m.CostOperator(decl.operator.text),
                Decimal(decl.amount.text),
                decl.span,
            )
        src, dst = self.place(decl.source, places), self.place(decl.destination, places)
        proto, port = self.single_port(decl.protocol)
        because = None
        if decl.because is not None:
            codes = [c.value for c in DropCode]
            if decl.because.text not in codes:
                hint = did_you_mean(decl.because.text, codes)
                self.err(
                    "unknown-code",
                    f"'{decl.because.text}' is not an explanation code",
                    decl.because.span,
                    f"did you mean '{hint}'?" if hint else "see LANGUAGE.md §4 for the codes",
                )
            because = decl.because.text
        via = None
        if decl.via is not None:
            if self.components is None:
                self.components = component_names(network)
            names = self.components
            kind = _not_crossed(network, decl.via.name)
            if decl.via.name not in names and kind:
                self.err(
                    "unknown-name",
                    f"'{decl.via.name}' is a {kind}: 'via' names something a packet passes through",
                    decl.via.span,
                    "a gateway, NAT, peering, transit gateway, VPN, endpoint, instance or subnet",
                )
            elif decl.via.name not in names:
                self.unknown("component", decl.via, names)
            via = decl.via.name
        verdict = m.Verdict(decl.verdict.text)
        if verdict is m.Verdict.ALLOW and because is not None:
            self.err(
                "bad-expect",
                "'because' names why a path is denied; this one expects allow",
                decl.because.span if decl.because else decl.span,
            )
        if src is None or dst is None:
            return None
        return m.PathExpectation(src, dst, proto, port, verdict, via, because, decl.span)


class VpcBuilder:
    """Builds one VPC: literals, references within the VPC, and AWS's defaults."""

    def __init__(self, c: Compiler, scope: _VpcScope) -> None:
        self.c = c
        self.scope = scope
        self.where = f" in vpc '{scope.name}'"

    def ref(self, ref: st.Ref, table: Mapping[str, T], kind: str) -> str | None:
        if ref.scope is not None and ref.scope != self.scope.name:
            self.c.err(
                "unknown-name",
                f"'{ref}' is not in vpc '{self.scope.name}': {kind}s are referenced within their own VPC",
                ref.span,
            )
            return None
        if ref.name in table:
            return ref.name
        self.c.unknown(kind, ref, table, self.where)
        return None

    def build(self) -> m.Vpc:
        s = self.scope
        cidrs = tuple(n for t in s.decl.cidrs if (n := self.c.net4(t)) is not None)
        ipv6 = self.c.net6(s.ipv6.cidr) if s.ipv6 else None
        gateways = {
            kw: m.Gateway(g.name.text, _GATEWAY_KINDS[kw], g.span) for kw, g in s.gateways.items()
        }
        subnets_pre = {n: self.subnet_literals(d) for n, d in s.subnets.items()}
        route_tables, main_rt, subnet_rt = self.route_tables(cidrs, ipv6, gateways)
        acls, default_acl, subnet_acl = self.acls(ipv6)
        subnets = {
            n: m.Subnet(
                n,
                cidr,
                d.az.text,
                v6,
                pol,
                subnet_rt.get(n, main_rt),
                subnet_acl.get(n, default_acl),
                d.span,
                d.cidr.span,
            )
            for n, (d, cidr, v6, pol) in subnets_pre.items()
            if cidr is not None
        }
        groups, default_sg = self.groups()
        instances, nats, endpoints = self.addressed(subnets, groups, default_sg)
        return m.Vpc(
            name=s.name,
            region=s.region,
            cidrs=cidrs,
            ipv6=ipv6,
            internet_gateway=gateways.get("internet-gateway"),
            egress_only_gateway=gateways.get("egress-only-gateway"),
            vpn_gateway=gateways.get("vpn-gateway"),
            dhcp_domain=s.dhcp.domain.text if s.dhcp else None,
            subnets=subnets,
            route_tables=route_tables,
            security_groups=groups,
            network_acls=acls,
            instances=instances,
            nat_gateways=nats,
            endpoints=endpoints,
            main_route_table=main_rt,
            default_network_acl=default_acl,
            default_security_group=default_sg,
            span=s.decl.span,
            cidr_spans=tuple(t.span for t in s.decl.cidrs),
        )

    def subnet_literals(
        self, d: st.SubnetDecl
    ) -> tuple[st.SubnetDecl, IPv4Network | None, IPv6Network | None, bool]:
        cidr = self.c.net4(d.cidr)
        v6 = None
        pol = False
        for opt in _unique_options(self.c, d.options):
            if opt.keyword == "ipv6":
                v6 = self.c.net6(_tok(opt.values[0]))
            elif opt.keyword == "public-ip-on-launch":
                pol = True
        return d, cidr, v6, pol

    # -- route tables --------------------------------------------------------------------

    def route_tables(
        self,
        cidrs: tuple[IPv4Network, ...],
        ipv6: IPv6Network | None,
        gateways: Mapping[str, m.Gateway],
    ) -> tuple[dict[str, m.RouteTable], str, dict[str, str]]:
        s = self.scope
        local = tuple(
            m.Route(c, m.RouteTarget(m.TargetKind.LOCAL), m.RouteOrigin.LOCAL, s.decl.span)
            for c in (*cidrs, *((ipv6,) if ipv6 else ()))
        )
        gateway_routes: dict[str, list[m.Route]] = {}
        for ep in s.endpoints.values():
            if ep.kind != "gateway":
                continue
            for ref in ep.targets:
                rt = self.ref(ref, s.route_tables, "route table")
                if rt is not None:
                    target = m.RouteTarget(m.TargetKind.ENDPOINT, ep.name.text)
                    gateway_routes.setdefault(rt, []).append(
                        m.Route(
                            m.PrefixList(ep.service.text), target, m.RouteOrigin.STATIC, ep.span
                        )
                    )
        tables: dict[str, m.RouteTable] = {}
        main: str | None = None
        associated: dict[str, str] = {}
        for name, decl in s.route_tables.items():
            if decl.main is not None:
                if main is not None:
                    self.c.err(
                        "duplicate-main",
                        f"vpc '{s.name}' already has main route table '{main}'",
                        decl.main.span,
                    )
                else:
                    main = name
            tables[name] = self.route_table(decl, local, gateway_routes.get(name, []), associated)
        if main is None:
            main = "main" if "main" not in tables else f"{s.name}-main"
            tables[main] = m.RouteTable(main, local, (), (), True, True, s.decl.span)
        return tables, main, associated

    def route_table(
        self,
        decl: st.RouteTableDecl,
        local: tuple[m.Route, ...],
        endpoint_routes: list[m.Route],
        associated: dict[str, str],
    ) -> m.RouteTable:
        static: list[m.Route] = []
        subnets: list[str] = []
        props: list[str] = []
        seen: dict[IPNetwork, st.RouteDecl] = {}
        for item in decl.items:
            if isinstance(item, st.RouteDecl):
                dest = self.c.net(item.destination)
                target = (
                    self.route_target(item.target)
                    if item.target
                    else m.RouteTarget(m.TargetKind.BLACKHOLE)
                )
                if dest is None or target is None:
                    continue
                if target.kind is m.TargetKind.EGRESS_ONLY_GATEWAY and dest.version == 4:
                    self.c.err(
                        "route-target",
                        f"egress-only gateway '{target.name}' carries IPv6 only, not {dest}",
                        item.span,
                        "route IPv4 to an internet gateway or a NAT gateway",
                    )
                    continue
                if target.kind is m.TargetKind.NAT_GATEWAY and dest.version == 6:
                    # AWS NAT gateways translate IPv6 only as NAT64 (64:ff9b::/96), which the
                    # simulator does not model: refuse rather than simulate it wrongly.
                    self.c.err(
                        "route-target",
                        f"NAT gateway '{target.name}' translates IPv4; the route to {dest} cannot use it",
                        item.span,
                        "route IPv6 to an egress-only gateway (private) or an internet gateway",
                    )
                    continue
                if dest in seen:
                    self.c.err(
                        "route-duplicate",
                        f"route table '{decl.name.text}' already has a route to {dest}",
                        item.destination.span,
                        f"first on line {seen[dest].span.line}",
                    )
                    continue
                seen[dest] = item
                static.append(m.Route(dest, target, m.RouteOrigin.STATIC, item.span))
            elif isinstance(item, st.Associate):
                for ref in item.refs:
                    subnet = self.ref(ref, self.scope.subnets, "subnet")
                    if subnet is None:
                        continue
                    if subnet in associated:
                        self.c.err(
                            "duplicate-association",
                            f"subnet '{subnet}' is already associated with route table '{associated[subnet]}'",
                            ref.span,
                            "a subnet has one route table",
                        )
                        continue
                    associated[subnet] = decl.name.text
                    subnets.append(subnet)
            else:
                for ref in item.refs:
                    vgw = self.scope.gateways.get("vpn-gateway")
                    if vgw is None or ref.name != vgw.name.text:
                        self.c.unknown(
                            "vpn gateway", ref, [vgw.name.text] if vgw else [], self.where
                        )
                        continue
                    props.append(ref.name)
        propagated = [
            m.Route(
                prefix,
                m.RouteTarget(m.TargetKind.VPN_GATEWAY, gw),
                m.RouteOrigin.PROPAGATED,
                vpn.span,
            )
            for gw in props
            for vpn in self.c.built_vpns.values()
            if vpn.gateway == gw
            for prefix in vpn.prefixes
        ]
        routes = (*local, *static, *endpoint_routes, *propagated)
        return m.RouteTable(
            decl.name.text,
            routes,
            tuple(subnets),
            tuple(props),
            decl.main is not None,
            False,
            decl.span,
        )

    def route_target(self, ref: st.Ref) -> m.RouteTarget | None:
        s = self.scope
        name = ref.name
        K = m.TargetKind
        found: list[m.RouteTarget] = []
        for kw, gw in s.gateways.items():
            if gw.name.text == name:
                found.append(m.RouteTarget(_GATEWAY_KINDS[kw], name))
        if name in s.nats:
            found.append(m.RouteTarget(K.NAT_GATEWAY, name))
        if name in s.instances:
            found.append(m.RouteTarget(K.INSTANCE, name))
        if name in s.endpoints and s.endpoints[name].kind == "interface":
            found.append(m.RouteTarget(K.ENDPOINT, name))
        if name in self.c.peerings:
            p = self.c.peerings[name]
            if s.name not in (p.a.name, p.b.name):
                self.c.err(
                    "route-target",
                    f"peering '{name}' does not connect vpc '{s.name}'",
                    ref.span,
                    f"it connects '{p.a}' and '{p.b}'",
                )
                return None
            found.append(m.RouteTarget(K.PEERING, name))
        if name in self.c.tgws:
            tgw, _region = self.c.tgws[name]
            attached = any(
                isinstance(i, st.AttachDecl) and i.kind == "vpc" and i.target.name == s.name
                for i in tgw.items
            )
            if not attached:
                self.c.err(
                    "route-target",
                    f"transit gateway '{name}' has no attachment for vpc '{s.name}'",
                    ref.span,
                    f"add 'attach {s.name}' to '{name}'",
                )
                return None
            found.append(m.RouteTarget(K.TRANSIT_GATEWAY, name))
        if not found:
            if name in self.c.file_gateways:
                self.c.err(
                    "route-target",
                    f"gateway '{name}' belongs to vpc '{self.c.file_gateways[name]}', not '{s.name}'",
                    ref.span,
                )
                return None
            candidates = itertools.chain(
                (g.name.text for g in s.gateways.values()),
                s.nats,
                s.instances,
                s.endpoints,
                self.c.peerings,
                self.c.tgws,
            )
            self.c.unknown("route target", ref, candidates, self.where)
            return None
        return found[0]

    # -- network ACLs --------------------------------------------------------------------

    def acls(self, ipv6: IPv6Network | None) -> tuple[dict[str, m.NetworkAcl], str, dict[str, str]]:
        s = self.scope
        acls: dict[str, m.NetworkAcl] = {}
        associated: dict[str, str] = {}
        for name, decl in s.acls.items():
            rules: dict[str, list[m.AclRule]] = {"inbound": [], "outbound": []}
            subnets: list[str] = []
            for item in decl.items:
                if isinstance(item, st.Associate):
                    for ref in item.refs:
                        subnet = self.ref(ref, s.subnets, "subnet")
                        if subnet is None:
                            continue
                        if subnet in associated:
                            self.c.err(
                                "duplicate-association",
                                f"subnet '{subnet}' is already associated with network ACL '{associated[subnet]}'",
                                ref.span,
                                "a subnet has one network ACL",
                            )
                            continue
                        associated[subnet] = name
                        subnets.append(subnet)
                    continue
                proto, ports = self.c.protocol(item.protocol)
                cidr = self.c.net(item.cidr)
                if cidr is None:
                    continue
                number = number_value(item.number.text)
                if number is None:
                    low, high = ACL_RULE_RANGE
                    self.c.err(
                        "acl-rule-number",
                        f"rule number {clip(item.number.text, 24)} is outside {low}..{high}",
                        item.span,
                    )
                    continue
                rule = m.AclRule(number, m.Action(item.action.text), proto, ports, cidr, item.span)
                rules[item.direction].append(rule)
            acls[name] = m.NetworkAcl(
                name,
                tuple(sorted(rules["inbound"], key=lambda r: r.number)),
                tuple(sorted(rules["outbound"], key=lambda r: r.number)),
                tuple(subnets),
                False,
                decl.span,
            )
        default = "default" if "default" not in acls else f"{s.name}-default"
        allow = [m.AclRule(100, m.Action.ALLOW, Protocol.ALL, None, ALL4, s.decl.span)]
        if ipv6 is not None:
            allow.append(m.AclRule(101, m.Action.ALLOW, Protocol.ALL, None, ALL6, s.decl.span))
        acls[default] = m.NetworkAcl(default, tuple(allow), tuple(allow), (), True, s.decl.span)
        return acls, default, associated

    # -- security groups -----------------------------------------------------------------

    def groups(self) -> tuple[dict[str, m.SecurityGroup], str]:
        s = self.scope
        groups: dict[str, m.SecurityGroup] = {}
        for name, decl in s.groups.items():
            ingress: list[m.SgRule] = []
            egress: list[m.SgRule] = []
            for rule in decl.rules:
                proto, ports = self.c.protocol(rule.protocol)
                peer = self.sg_peer(rule.peer)
                if peer is None:
                    continue
                if rule.direction == "ingress":
                    ingress.append(m.SgRule(m.Direction.INGRESS, proto, ports, peer, rule.span))
                else:
                    egress.append(m.SgRule(m.Direction.EGRESS, proto, ports, peer, rule.span))
            if not any(r.direction == "egress" for r in decl.rules):
                # AWS gives a new group one rule allowing all outbound traffic.
                egress = [
                    m.SgRule(m.Direction.EGRESS, Protocol.ALL, None, net, decl.span)
                    for net in (ALL4, ALL6)
                ]
            groups[name] = m.SecurityGroup(name, tuple(ingress), tuple(egress), False, decl.span)
        default = "default" if "default" not in groups else f"{s.name}-default"
        groups[default] = m.SecurityGroup(
            default,
            (
                m.SgRule(
                    m.Direction.INGRESS,
                    Protocol.ALL,
                    None,
                    m.GroupPeer(s.name, default),
                    s.decl.span,
                ),
            ),
            tuple(
                m.SgRule(m.Direction.EGRESS, Protocol.ALL, None, net, s.decl.span)
                for net in (ALL4, ALL6)
            ),
            True,
            s.decl.span,
        )
        return groups, default

    def sg_peer(self, peer: st.Tok | st.Ref) -> m.SgPeer | None:
        if isinstance(peer, st.Tok):
            return self.c.net(peer)
        vpc = peer.scope or self.scope.name
        scope = self.c.vpcs.get(vpc)
        if scope is None:
            self.c.unknown("vpc", peer.parts[0], self.c.vpcs)
            return None
        if peer.name not in scope.groups:
            self.c.unknown("security group", peer, scope.groups, f" in vpc '{vpc}'")
            return None
        return m.GroupPeer(vpc, peer.name)

    # -- things with addresses -----------------------------------------------------------

    def addressed(
        self,
        subnets: Mapping[str, m.Subnet],
        groups: Mapping[str, m.SecurityGroup],
        default_sg: str,
    ) -> tuple[dict[str, m.Instance], dict[str, m.NatGateway], dict[str, m.VpcEndpoint]]:
        s = self.scope
        alloc = _Allocator(subnets)
        instances: dict[str, m.Instance] = {}
        # Written addresses are taken first, so that automatic ones never collide with them.
        pending: list[
            tuple[
                st.InstanceDecl,
                m.Subnet,
                dict[str, st.Option],
                IPv4Address | None,
                IPv6Address | None,
            ]
        ] = []
        for decl in s.instances.values():
            subnet_name = self.ref(decl.subnet, s.subnets, "subnet")
            opts = {o.keyword: o for o in _unique_options(self.c, decl.options)}
            if subnet_name is None or subnet_name not in subnets:
                continue
            subnet = subnets[subnet_name]
            written4: IPv4Address | None = None
            written6: IPv6Address | None = None
            if "ip" in opts:
                tok = _tok(opts["ip"].values[0])
                written4 = self.c.addr4(tok)
                if written4 is not None and self.check_address(written4, subnet, tok, alloc):
                    alloc.take(subnet.name, written4)
            if "ipv6" in opts:
                written6 = self.written_ipv6(_tok(opts["ipv6"].values[0]), subnet, alloc)
            pending.append((decl, subnet, opts, written4, written6))
        for decl, subnet, opts, written4, written6 in pending:
            ip4 = written4 if "ip" in opts else alloc.next(subnet.name)
            if ip4 is None:
                continue
            ip6: IPv6Address | None = None
            if subnet.ipv6 is not None:
                ip6 = written6 if "ipv6" in opts else alloc.next6(subnet.name, subnet.ipv6)
            public, public_ip = m.PublicIp.NONE, None
            for kw, kind in (("public-ip", m.PublicIp.AUTO), ("elastic-ip", m.PublicIp.ELASTIC)):
                if kw in opts:
                    if public is not m.PublicIp.NONE:
                        self.c.err(
                            "bad-option",
                            "an instance has a public IP or an Elastic IP, not both",
                            opts[kw].span,
                        )
                    public = kind
                    if opts[kw].values:
                        public_ip = self.c.addr4(_tok(opts[kw].values[0]))
            if public is m.PublicIp.NONE and subnet.public_ip_on_launch:
                public = m.PublicIp.AUTO
            sgs: list[str] = []
            if "sg" in opts:
                for ref in opts["sg"].values:
                    if isinstance(ref, st.Ref):
                        g = self.ref(ref, groups, "security group")
                        if g is not None:
                            sgs.append(g)
            else:
                sgs = [default_sg]
            sdc = True
            if "source-dest-check" in opts:
                sdc = _tok(opts["source-dest-check"].values[0]).text == "on"
            name = decl.name.text
            instances[name] = m.Instance(
                name,
                subnet.name,
                ip4,
                ip6,
                public,
                public_ip,
                tuple(sgs),
                sdc,
                "stopped" in opts,
                decl.span,
            )
        nats: dict[str, m.NatGateway] = {}
        for name, ndecl in s.nats.items():
            subnet_name = self.ref(ndecl.subnet, s.subnets, "subnet")
            if subnet_name is None or subnet_name not in subnets:
                continue
            nopts = {o.keyword: o for o in _unique_options(self.c, ndecl.options)}
            eip = None
            if "eip" in nopts and nopts["eip"].values:
                eip = self.c.addr4(_tok(nopts["eip"].values[0]))
            ip = alloc.next(subnet_name)
            if ip is None:
                continue
            nats[name] = m.NatGateway(name, subnet_name, "private" in nopts, ip, eip, ndecl.span)
        endpoints: dict[str, m.VpcEndpoint] = {}
        for name, edecl in s.endpoints.items():
            endpoints[name] = self.endpoint(edecl, subnets, groups, alloc)
        self.check_capacity(subnets, alloc)
        return instances, nats, endpoints

    def written_ipv6(self, tok: st.Tok, subnet: m.Subnet, alloc: _Allocator) -> IPv6Address | None:
        """An instance's written IPv6 address, checked against its subnet and taken."""
        if subnet.ipv6 is None:
            self.c.err("ip-outside-subnet", f"subnet '{subnet.name}' has no IPv6 CIDR", tok.span)
            return None
        v6 = self.c.addr(tok)
        if not isinstance(v6, IPv6Address):
            if v6 is not None:
                self.c.err("bad-address", f"'{tok.text}' is not an IPv6 address", tok.span)
            return None
        if v6 not in subnet.ipv6:
            self.c.err(
                "ip-outside-subnet",
                f"{v6} is not inside subnet '{subnet.name}' ({subnet.ipv6})",
                tok.span,
            )
            return None
        if int(v6) in alloc.used6[subnet.name]:
            self.c.err(
                "duplicate-address", f"{v6} is already used in subnet '{subnet.name}'", tok.span
            )
            return None
        alloc.used6[subnet.name].add(int(v6))
        return v6

    def check_address(
        self, ip: IPv4Address, subnet: m.Subnet, tok: st.Tok, alloc: _Allocator
    ) -> bool:
        net = subnet.cidr
        if ip not in net:
            self.c.err(
                "ip-outside-subnet", f"{ip} is not inside subnet '{subnet.name}' ({net})", tok.span
            )
            return False
        offset = int(ip) - int(net.network_address)
        if offset <= 3 or ip == net.broadcast_address:
            what = {
                0: "network address",
                1: "VPC router",
                2: "DNS server",
                3: "address AWS reserves for future use",
            }.get(offset, "broadcast address")
            self.c.err(
                "reserved-address",
                f"{ip} is reserved in subnet '{subnet.name}' ({net}): the {what}",
                tok.span,
                f"AWS reserves the first four addresses and the last; the first free one is {net.network_address + 4}",
            )
            return False
        if alloc.taken(subnet.name, ip):
            self.c.err(
                "duplicate-address", f"{ip} is already used in subnet '{subnet.name}'", tok.span
            )
            return False
        return True

    def check_capacity(self, subnets: Mapping[str, m.Subnet], alloc: _Allocator) -> None:
        for name, subnet in subnets.items():
            wanted = alloc.wanted.get(name, 0)
            if wanted > subnet.usable:
                self.c.err(
                    "subnet-too-small",
                    f"subnet '{name}' ({subnet.cidr}) has {max(0, subnet.usable)} usable addresses for {wanted} network interfaces",
                    self.scope.subnets[name].cidr.span,
                    f"a /{subnet.cidr.prefixlen} holds {subnet.cidr.num_addresses} addresses, 5 of them reserved",
                )

    def endpoint(
        self,
        decl: st.EndpointDecl,
        subnets: Mapping[str, m.Subnet],
        groups: Mapping[str, m.SecurityGroup],
        alloc: _Allocator,
    ) -> m.VpcEndpoint:
        service = decl.service.text
        kind = m.EndpointKind(decl.kind)
        if kind is m.EndpointKind.GATEWAY:
            if service not in GATEWAY_ENDPOINT_SERVICES:
                self.c.err(
                    "endpoint-service",
                    f"'{service}' has no gateway endpoint",
                    decl.service.span,
                    "gateway endpoints exist for s3 and dynamodb; use an interface endpoint",
                )
            tables = tuple(r.name for r in decl.targets if r.name in self.scope.route_tables)
            return m.VpcEndpoint(decl.name.text, kind, service, tables, (), (), (), decl.span)
        names: list[str] = []
        addresses: list[IPv4Address] = []
        azs: dict[str, str] = {}
        for ref in decl.targets:
            sn = self.ref(ref, self.scope.subnets, "subnet")
            if sn is None or sn not in subnets:
                continue
            az = subnets[sn].az
            if az in azs:
                self.c.err(
                    "endpoint-az",
                    f"endpoint '{decl.name.text}' already has subnet '{azs[az]}' in {az}: one subnet per availability zone",
                    ref.span,
                )
                continue
            azs[az] = sn
            ip = alloc.next(sn)
            if ip is not None:
                names.append(sn)
                addresses.append(ip)
        sgs = [g for ref in decl.groups if (g := self.ref(ref, groups, "security group"))]
        if not decl.groups:
            sgs = [self.scope_default_sg(groups)]
        return m.VpcEndpoint(
            decl.name.text, kind, service, (), tuple(names), tuple(addresses), tuple(sgs), decl.span
        )

    @staticmethod
    def scope_default_sg(groups: Mapping[str, m.SecurityGroup]) -> str:
        return next(n for n, g in groups.items() if g.default)


_GATEWAY_KINDS = {
    "internet-gateway": m.TargetKind.INTERNET_GATEWAY,
    "egress-only-gateway": m.TargetKind.EGRESS_ONLY_GATEWAY,
    "vpn-gateway": m.TargetKind.VPN_GATEWAY,
}


class _Allocator:
    """Hands out the lowest free address of a subnet, after the four reserved at its bottom."""

    def __init__(self, subnets: Mapping[str, m.Subnet]) -> None:
        self.subnets = subnets
        self.used: dict[str, set[int]] = {n: set() for n in subnets}
        self.cursor: dict[str, int] = {
            n: int(s.cidr.network_address) + 4 for n, s in subnets.items()
        }
        self.used6: dict[str, set[int]] = {n: set() for n in subnets}
        self.cursor6: dict[str, int] = {}
        self.wanted: dict[str, int] = {}

    def taken(self, subnet: str, ip: IPv4Address) -> bool:
        return int(ip) in self.used[subnet]

    def take(self, subnet: str, ip: IPv4Address) -> None:
        self.used[subnet].add(int(ip))

    def next(self, subnet: str) -> IPv4Address | None:
        self.wanted[subnet] = self.wanted.get(subnet, 0) + 1
        last = int(self.subnets[subnet].cidr.broadcast_address) - 1
        n = self.cursor[subnet]
        while n <= last and n in self.used[subnet]:
            n += 1
        if n > last:
            return None
        self.used[subnet].add(n)
        self.cursor[subnet] = n + 1
        return IPv4Address(n)

    def next6(self, subnet: str, net: IPv6Network) -> IPv6Address | None:
        used = self.used6[subnet]
        n = self.cursor6.get(subnet, int(net.network_address) + 4)
        while n in used:
            n += 1
        if n > int(net.broadcast_address):
            # Only a block smaller than AWS's /64 runs out; validation reports its size.
            return None
        used.add(n)
        self.cursor6[subnet] = n + 1
        return IPv6Address(n)


class PlaceResolver:
    """Turns what a flow, an expectation or a query names into a :class:`~netdraft.model.network.Place`."""

    def __init__(self, network: m.Network) -> None:
        self.network = network
        self.hints = Hints()
        self.by_address: dict[IPAddress, m.Place] = {}
        self.instances: dict[str, list[m.Place]] = {}
        self.nats: dict[str, list[m.Place]] = {}
        self.services = set(AWS_SERVICES)
        for vpc in network.vpcs.values():
            for inst in vpc.instances.values():
                place = m.Place(
                    m.PlaceKind.INSTANCE, inst.name, inst.name, vpc=vpc.name, address=inst.ip
                )
                self.instances.setdefault(inst.name, []).append(place)
                self.by_address.setdefault(inst.ip, place)
                if inst.ipv6 is not None:
                    self.by_address.setdefault(inst.ipv6, _replace(place, address=inst.ipv6))
                if inst.public_ip is not None:
                    self.by_address.setdefault(
                        inst.public_ip, _replace(place, address=inst.public_ip, via_public_ip=True)
                    )
            for nat in vpc.nat_gateways.values():
                place = m.Place(
                    m.PlaceKind.NAT_GATEWAY, nat.name, nat.name, vpc=vpc.name, address=nat.ip
                )
                self.nats.setdefault(nat.name, []).append(place)
                self.by_address.setdefault(nat.ip, place)
                if nat.eip is not None:
                    self.by_address.setdefault(
                        nat.eip, _replace(place, address=nat.eip, via_public_ip=True)
                    )
            for ep in vpc.endpoints.values():
                self.services.add(ep.service)
        self.hosts: dict[str, list[m.Place]] = {}
        for site in network.sites.values():
            for host in site.hosts.values():
                place = m.Place(
                    m.PlaceKind.HOST, host.name, host.name, site=site.name, address=host.ip
                )
                self.hosts.setdefault(host.name, []).append(place)
                self.by_address.setdefault(host.ip, place)

    def resolve(self, place: st.Place) -> m.Place | Diagnostic:
        """Resolve a written endpoint, or explain why it names nothing."""
        if isinstance(place, st.Tok):
            address = ipaddress.ip_address(place.text) if _is_address(place.text) else None
            if address is None:
                return error("bad-address", f"'{place.text}' is not a valid IP address", place.span)
            return self.at_address(address, place.text)
        text = str(place)
        if place.scope is not None:
            candidates = [
                *self.instances.get(place.name, []),
                *self.nats.get(place.name, []),
                *self.hosts.get(place.name, []),
            ]
            found = [p for p in candidates if place.scope in (p.vpc, p.site)]
            if found:
                return _replace(found[0], text=text)
            names = (
                f"{p.vpc or p.site}.{p.name}"
                for ps in itertools.chain(self.instances.values(), self.hosts.values())
                for p in ps
            )
            hint = self.hints(text, names)
            return error(
                "unknown-name",
                f"nothing named '{text}'",
                place.span,
                f"did you mean '{hint}'?" if hint else "",
            )
        name = place.name
        if name == "internet":
            return m.Place(m.PlaceKind.INTERNET, text)
        found = [*self.instances.get(name, []), *self.nats.get(name, []), *self.hosts.get(name, [])]
        if len(found) > 1:
            where = ", ".join(sorted(f"{p.vpc or p.site}.{name}" for p in found))
            return error(
                "ambiguous-name",
                f"'{name}' names more than one thing",
                place.span,
                f"write one of: {where}",
            )
        if found:
            return found[0]
        if name in self.services:
            return m.Place(m.PlaceKind.SERVICE, text, name)
        known = itertools.chain(self.instances, self.nats, self.hosts, self.services, ["internet"])
        hint = self.hints(name, known)
        return error(
            "unknown-name",
            f"no instance, host, NAT gateway or service named '{name}'",
            place.span,
            f"did you mean '{hint}'?"
            if hint
            else "an endpoint is an instance, a site host, an IP address, 'internet' or a service",
        )

    def at_address(self, address: IPAddress, text: str) -> m.Place:
        owner = self.by_address.get(address)
        if owner is not None:
            return _replace(owner, text=text)
        for vpc in self.network.vpcs.values():
            if vpc.holds(address):
                return m.Place(m.PlaceKind.VPC_ADDRESS, text, vpc=vpc.name, address=address)
        for site in self.network.sites.values():
            if site.holds(address):
                return m.Place(m.PlaceKind.HOST, text, site=site.name, address=address)
        return m.Place(m.PlaceKind.INTERNET, text, address=address)


def component_names(network: m.Network) -> set[str]:
    """Every name an expectation's ``via`` may cross."""
    names: set[str] = set()
    names.update(network.peerings, network.transit_gateways, network.vpns, network.sites)
    for vpc in network.vpcs.values():
        names.add(vpc.name)
        for gw in (vpc.internet_gateway, vpc.egress_only_gateway, vpc.vpn_gateway):
            if gw is not None:
                names.add(gw.name)
        names.update(vpc.nat_gateways, vpc.instances, vpc.endpoints, vpc.subnets)
    for site in network.sites.values():
        names.update(site.customer_gateways, site.hosts)
    return names


def _not_crossed(network: m.Network, name: str) -> str:
    """What a name is when it is a rule set rather than a place on a path ('' if neither)."""
    for vpc in network.vpcs.values():
        if name in vpc.network_acls:
            return "network ACL"
        if name in vpc.route_tables:
            return "route table"
        if name in vpc.security_groups:
            return "security group"
    return ""


#: The most digits a number is read with: the language's numbers (ports, ACL rule numbers)
#: have at most five, and ``int`` refuses more than 4,300 (CPython's digit limit).
MAX_DIGITS = 9


def number_value(text: str) -> int | None:
    """A number as the grammar writes it (ASCII digits), or ``None`` when it has more than
    :data:`MAX_DIGITS` significant digits: too large for any value the language takes, and
    never converted, however long."""
    digits = text.lstrip("0") or "0"
    if len(digits) > MAX_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return int(digits)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _replace(place: m.Place, **changes: object) -> m.Place:
    import dataclasses

    return dataclasses.replace(place, **changes)  # type: ignore[arg-type]


def _replace_network(
    network: m.Network, flows: dict[str, m.Flow], expectations: tuple[m.Expectation, ...]
) -> m.Network:
    import dataclasses

    return dataclasses.replace(network, flows=flows, expectations=expectations)


def _unique_options(c: Compiler, options: Iterable[st.Option]) -> list[st.Option]:
    seen: dict[str, st.Option] = {}
    for opt in options:
        if opt.keyword in seen:
            c.err(
                "bad-option",
                f"'{opt.keyword}' is given twice",
                opt.span,
                f"first on column {seen[opt.keyword].span.column}",
            )
            continue
        seen[opt.keyword] = opt
    return list(seen.values())


def _tok(value: st.Tok | st.Ref) -> st.Tok:
    return value if isinstance(value, st.Tok) else value.parts[-1]


def _unquote(text: str) -> str:
    return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def _span_of(decl: object) -> Span:
    span = getattr(decl, "span", None)
    if isinstance(span, Span):
        return span
    inner = getattr(decl, "decl", None)
    return _span_of(inner) if inner is not None else Span("", 0, 0, 0, 0)


def compile_source(source: st.SourceFile) -> tuple[m.Network, list[Diagnostic]]:
    """Build the model of a parsed file.

    Returns:
        The network (complete as far as the file makes sense) and the diagnostics found.
    """
    compiler = Compiler(source)
    network = compiler.build()
    return network, compiler.diagnostics
