"""Pass 1, the symbol tables: every declaration of the file, by kind and by scope.

A file has one name space per kind (regions, VPCs, transit gateways, peerings, sites,
VPNs, flows); a VPC has one per kind of what it holds; gateways share one file-wide
name space. A second declaration of a name is a ``duplicate-name`` (or, for a VPC's
second gateway of one kind, ``second-igw`` and ``second-gateway``) at the later one.
A region is no declaration: two blocks of one region (an imported file's and a
hand-written one's) are one region, whose VPCs, transit gateways and lists are each
declared once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

from netdraft import codes
from netdraft.diagnostics import where_first
from netdraft.dsl import syntax as st
from netdraft.dsl.passes.context import Context
from netdraft.dsl.passes.symbols import VpcScope
from netdraft.model.aws_ranges import MANAGED_SERVICES
from netdraft.model.values import Span

T = TypeVar("T")


def collect(c: Context) -> None:
    """Fill ``c.scope`` with every declaration of the file."""
    scope = c.scope
    prefix_lists: list[tuple[str, st.PrefixListDecl]] = []
    for stmt in c.source.statements:
        if isinstance(stmt, st.RegionDecl):
            # A region is a place, not a resource: its blocks, in one file or in an
            # including and an included one, add up; what they hold is declared once.
            scope.regions.setdefault(stmt.name.text, stmt)
            for item in stmt.items:
                if isinstance(item, st.VpcDecl):
                    if declare(c, scope.vpcs, item.name, VpcScope(item, stmt.name.text), "vpc"):
                        _collect_vpc(c, scope.vpcs[item.name.text])
                elif isinstance(item, st.PrefixListDecl):
                    prefix_lists.append((stmt.name.text, item))
                elif declare(c, scope.tgw_decls, item.name, item, "transit gateway"):
                    scope.tgws[item.name.text] = (item, stmt.name.text)
        elif isinstance(stmt, st.PeeringDecl):
            if stmt.name.text in scope.tgw_peerings:  # one name space for both peerings
                declare(c, dict[str, object](scope.tgw_peerings), stmt.name, stmt, "peering")
            else:
                declare(c, scope.peerings, stmt.name, stmt, "peering connection")
        elif isinstance(stmt, st.TgwPeeringDecl):
            if stmt.name.text in scope.peerings:
                declare(c, dict[str, object](scope.peerings), stmt.name, stmt, "peering")
            else:
                declare(c, scope.tgw_peerings, stmt.name, stmt, "transit gateway peering")
        elif isinstance(stmt, st.SiteDecl):
            if declare(c, scope.sites, stmt.name, stmt, "site"):
                _collect_site(c, stmt)
        elif isinstance(stmt, st.VpnDecl):
            declare(c, scope.vpns, stmt.name, stmt, "vpn")
        elif isinstance(stmt, st.FlowDecl):
            declare(c, scope.flows, stmt.name, stmt, "flow")
        elif isinstance(stmt, st.PrefixListDecl):
            prefix_lists.append(("", stmt))
        elif isinstance(stmt, st.ZoneDecl):
            zone = st.Tok(stmt.name.text.lower().rstrip("."), stmt.name.span)
            declare(c, scope.zones, zone, stmt, "zone")
        elif isinstance(stmt, st.ResolverRuleDecl):
            declare(c, scope.resolver_rules, stmt.name, stmt, "resolver rule")
        elif isinstance(stmt, st.DxConnectionDecl):
            declare(c, scope.dx_connections, stmt.name, stmt, "Direct Connect connection")
        elif isinstance(stmt, st.DxGatewayDecl):
            declare(c, scope.dx_gateways, stmt.name, stmt, "Direct Connect gateway")
        elif isinstance(stmt, st.VifDecl):
            declare(c, scope.vifs, stmt.name, stmt, "virtual interface")
    _collect_prefix_lists(c, prefix_lists)
    # Gateways share one file-wide name space: a name may be a gateway of one VPC only.
    gateway_decls: dict[str, object] = {}
    for vpc in scope.vpcs.values():
        for gw in vpc.gateways.values():
            if declare(c, gateway_decls, gw.name, gw, "gateway"):
                scope.file_gateways[gw.name.text] = vpc.name
    for name, (tgw, _region) in scope.tgws.items():
        if name in gateway_decls:
            declare(c, gateway_decls, tgw.name, tgw, "gateway")


def declare(
    c: Context, table: dict[str, T], name: st.Tok, decl: T, kind: str, where: str = ""
) -> bool:
    """Record a declaration; a second one with the same name is a clash at the later one."""
    if name.text in table:
        first = _span_of(table[name.text])
        c.err(
            codes.DUPLICATE_NAME,
            f"{kind} '{name.text}' is declared twice{where}",
            name.span,
            first_declared(first, name.span),
            first,
        )
        return False
    table[name.text] = decl
    return True


def first_declared(first: Span, later: Span) -> str:
    """Where the first of two clashing declarations is: its line, and its file when another
    file holds it (an included one, LANGUAGE.md §8)."""
    return f"first declared {where_first(first, later)}"


#: The named declarations of a VPC: the table of its scope each kind goes in, and the word
#: a clash names it by.
_VPC_TABLES: dict[type, tuple[Callable[[VpcScope], dict[str, Any]], str]] = {
    st.SubnetDecl: (lambda s: s.subnets, "subnet"),
    st.RouteTableDecl: (lambda s: s.route_tables, "route table"),
    st.SecurityGroupDecl: (lambda s: s.groups, "security group"),
    st.NetworkAclDecl: (lambda s: s.acls, "network ACL"),
    st.InstanceDecl: (lambda s: s.instances, "instance"),
    st.NatGatewayDecl: (lambda s: s.nats, "NAT gateway"),
    st.EndpointDecl: (lambda s: s.endpoints, "endpoint"),
    st.LoadBalancerDecl: (lambda s: s.load_balancers, "load balancer"),
    st.TargetGroupDecl: (lambda s: s.target_groups, "target group"),
}


class _Named(Protocol):
    @property
    def name(self) -> st.Tok: ...


def _collect_vpc(c: Context, scope: VpcScope) -> None:
    where = scope.where
    # Each kind's table of this scope, found once (a VPC may declare 100,000 instances).
    tables = {cls: (table(scope), kind) for cls, (table, kind) in _VPC_TABLES.items()}
    for item in scope.decl.items:
        named = tables.get(type(item))
        if named is not None:
            found, kind = named
            name = cast(_Named, item).name
            if name.text in found:  # a clash: `declare` reports it
                declare(c, found, name, item, kind, where)
            else:
                found[name.text] = item
        elif isinstance(item, st.GatewayDecl):
            if item.keyword in scope.gateways:
                first = scope.gateways[item.keyword]
                code = (
                    codes.SECOND_IGW if item.keyword == "internet-gateway" else codes.SECOND_GATEWAY
                )
                c.err(
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
                c.err(codes.DUPLICATE_NAME, f"vpc '{scope.name}' has two ipv6 blocks", item.span)
            scope.ipv6 = item
        elif isinstance(item, st.DhcpOptions):
            scope.dhcp = item
        elif isinstance(item, st.DnsFlag):
            declare(c, scope.dns_flags, st.Tok(item.keyword, item.span), item, "setting", where)


def _collect_prefix_lists(c: Context, found: list[tuple[str, st.PrefixListDecl]]) -> None:
    """Prefix lists: top-level ones first (they are seen from every region), then each
    region's. A name is one list where it is seen; ``s3`` and ``dynamodb`` only in a region,
    where they state the entries of AWS's list there."""
    tables = c.scope.prefix_lists
    top = tables.setdefault("", {})
    for region, decl in sorted(found, key=lambda f: f[0] != ""):
        name = decl.name
        if name.text in MANAGED_SERVICES and not region:
            c.err(
                codes.DUPLICATE_NAME,
                f"'{name.text}' is the AWS-managed prefix list of the service",
                name.span,
                "give your list another name, or write it in a region to state its entries there",
            )
            continue
        if region and name.text in top:
            declare(c, top, name, decl, "prefix list", " (at the top level and in a region)")
            continue
        declare(c, tables.setdefault(region, {}), name, decl, "prefix list")


def _collect_site(c: Context, site: st.SiteDecl) -> None:
    hosts: dict[str, st.HostDecl] = {}
    table = c.scope
    for item in site.items:
        if isinstance(item, st.CustomerGatewayDecl):
            if item.name.text in table.customer_gateways:
                c.err(
                    codes.DUPLICATE_NAME,
                    f"customer gateway '{item.name.text}' is declared twice",
                    item.name.span,
                )
            else:
                table.customer_gateways[item.name.text] = site.name.text
        elif isinstance(item, st.HostDecl) and declare(
            c, hosts, item.name, item, "host", f" in site '{site.name.text}'"
        ):
            table.hosts.setdefault(item.name.text, []).append(site.name.text)


def _span_of(decl: object) -> Span:
    span = getattr(decl, "span", None)
    if isinstance(span, Span):
        return span
    inner = getattr(decl, "decl", None)
    return _span_of(inner) if inner is not None else Span("", 0, 0, 0, 0)
