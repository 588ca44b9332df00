"""One VPC of the model: its subnets, route tables, network ACLs and security groups.

It reads the VPC's literals, resolves the references within it, adds AWS's implicit
objects (:mod:`.defaults`) and hands the subnets to the address allocator
(:mod:`.addresses`).
"""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network
from typing import TYPE_CHECKING

from netdraft import codes
from netdraft.diagnostics import clip
from netdraft.dsl import syntax as st
from netdraft.dsl.passes import addresses, defaults, dns, literals, observe, prefix_lists
from netdraft.dsl.passes.resolve import GATEWAY_KINDS, Kind, resolve, route_target, sg_peer
from netdraft.dsl.passes.symbols import VpcScope
from netdraft.dsl.validate import ACL_RULE_RANGE
from netdraft.model import network as m

if TYPE_CHECKING:
    from netdraft.dsl.passes.context import Context

SubnetLiterals = tuple[st.SubnetDecl, IPv4Network | None, IPv6Network | None, bool]


def build_vpc(c: Context, s: VpcScope) -> m.Vpc:
    """The model of one VPC, in the order of the pipeline: literals, route tables and
    ACLs (with their defaults), subnets, security groups, then addresses."""
    cidrs = tuple(n for t in s.decl.cidrs if (n := literals.net4(c, t)) is not None)
    cidr_spans = tuple(t.span for t in s.decl.cidrs)
    if s.name in c.ipam_cidrs:  # `ipam POOL /N`: the CIDR the pool gives (LANGUAGE.md §10)
        chosen, asked = c.ipam_cidrs[s.name]
        cidrs, cidr_spans = (*cidrs, chosen), (*cidr_spans, asked)
    ipv6 = literals.net6(c, s.ipv6.cidr) if s.ipv6 else None
    gateways = {
        kw: m.Gateway(g.name.text, GATEWAY_KINDS[kw], g.span) for kw, g in s.gateways.items()
    }
    subnets_pre = {n: _subnet_literals(c, d) for n, d in s.subnets.items()}
    route_tables, main_rt, subnet_rt = _route_tables(c, s, cidrs, ipv6)
    acls, default_acl, subnet_acl = _network_acls(c, s, ipv6)
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
    groups, default_sg = _security_groups(c, s)
    instances, nats, endpoints, balancers = addresses.allocate(c, s, subnets, groups, default_sg)
    target_groups = {
        n: _target_group(c, s, d, instances, balancers) for n, d in s.target_groups.items()
    }
    return m.Vpc(
        name=s.name,
        region=s.region,
        cidrs=cidrs,
        ipv6=ipv6,
        internet_gateway=gateways.get("internet-gateway"),
        egress_only_gateway=gateways.get("egress-only-gateway"),
        vpn_gateway=gateways.get("vpn-gateway"),
        dhcp_domain=dns.domain(c, s),
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
        cidr_spans=cidr_spans,
        load_balancers=balancers,
        target_groups=target_groups,
        dns_servers=dns.servers(c, s),
        dns_support=dns.flag(s, "dns-support"),
        dns_hostnames=dns.flag(s, "dns-hostnames"),
        ipam_pool=c.ipam_vpcs.get(s.name),
        flow_logs=observe.flow_logs(c, s),
        traffic_mirrors=observe.traffic_mirrors(c, s),
    )


#: The protocols a target group takes (ELB user guides): HTTP(S) for an ALB's, the
#: transport ones for an NLB's.
TARGET_GROUP_PROTOCOLS = ("http", "https", "tcp", "udp", "tls", "tcp_udp")


def _target_group(
    c: Context,
    s: VpcScope,
    decl: st.TargetGroupDecl,
    instances: dict[str, m.Instance],
    balancers: dict[str, m.LoadBalancer],
) -> m.TargetGroup:
    """A target group: its protocol and port, and its targets (instances of the VPC, IP
    addresses, or an application load balancer of the VPC behind a network one)."""
    name = decl.name.text
    protocol = decl.protocol.text
    if protocol not in TARGET_GROUP_PROTOCOLS:
        c.err(
            codes.BAD_OPTION,
            f"target group '{name}' takes {', '.join(TARGET_GROUP_PROTOCOLS)}, not '{protocol}'",
            decl.protocol.span,
        )
    port = literals.number_value(decl.port.text)
    if port is None or not 1 <= port <= 65535:
        c.err(codes.BAD_PORT, f"port {decl.port.text} is outside 1..65535", decl.port.span)
        port = 0
    targets: list[m.LbTarget] = []
    for t in decl.targets:
        if isinstance(t, st.Tok):
            ip = literals.addr4(c, t)
            if ip is not None:
                targets.append(m.LbTarget(m.LbTargetKind.IP, t.text, ip))
        elif t.name in instances and t.scope in (None, s.name):
            targets.append(m.LbTarget(m.LbTargetKind.INSTANCE, t.name))
        elif t.name in balancers and t.scope in (None, s.name):
            if balancers[t.name].kind is not m.LbKind.APPLICATION or protocol != "tcp":
                c.err(
                    codes.BAD_OPTION,
                    f"load balancer '{t.name}' cannot be a target of '{name}'",
                    t.span,
                    "only an application load balancer is a target, of a tcp target group of a network load balancer",
                )
                continue
            targets.append(m.LbTarget(m.LbTargetKind.LOAD_BALANCER, t.name))
        else:
            c.unknown("instance or load balancer", t, [*instances, *balancers], s.where)
    return m.TargetGroup(name, protocol, port, tuple(targets), decl.span)


def _subnet_literals(c: Context, d: st.SubnetDecl) -> SubnetLiterals:
    cidr = literals.net4(c, d.cidr)
    v6 = None
    pol = False
    for opt in literals.unique_options(c, d.options):
        if opt.keyword == "ipv6":
            v6 = literals.net6(c, literals.tok(opt.values[0]))
        elif opt.keyword == "public-ip-on-launch":
            pol = True
    return d, cidr, v6, pol


# ---- route tables ----------------------------------------------------------------------------


def _route_tables(
    c: Context, s: VpcScope, cidrs: tuple[IPv4Network, ...], ipv6: IPv6Network | None
) -> tuple[dict[str, m.RouteTable], str, dict[str, str]]:
    """The route tables, the main one's name, and each associated subnet's table."""
    local = defaults.local_routes((*cidrs, *((ipv6,) if ipv6 else ())), s.decl.span)
    gateway_routes: dict[str, list[m.Route]] = {}
    for ep in s.endpoints.values():
        if ep.kind != "gateway":
            continue
        for ref in ep.targets:
            rt = resolve(c, Kind.ROUTE_TABLE, ref, s)
            if rt is not None:
                target = m.RouteTarget(m.TargetKind.ENDPOINT, ep.name.text)
                listed = prefix_lists.managed(c, ep.service.text, s.region)
                prefix_lists.used(c, listed, ep.service.span)
                gateway_routes.setdefault(rt, []).append(
                    m.Route(listed, target, m.RouteOrigin.STATIC, ep.span)
                )
    tables: dict[str, m.RouteTable] = {}
    main: str | None = None
    associated: dict[str, str] = {}
    for name, decl in s.route_tables.items():
        if decl.main is not None:
            if main is not None:
                c.err(
                    codes.DUPLICATE_MAIN,
                    f"vpc '{s.name}' already has main route table '{main}'",
                    decl.main.span,
                )
            else:
                main = name
        tables[name] = _route_table(c, s, decl, local, gateway_routes.get(name, []), associated)
    if main is None:
        main = defaults.implicit_name(defaults.MAIN_ROUTE_TABLE, s.name, tables)
        tables[main] = defaults.main_route_table(main, local, s.decl.span)
    return tables, main, associated


def _route_table(
    c: Context,
    s: VpcScope,
    decl: st.RouteTableDecl,
    local: tuple[m.Route, ...],
    endpoint_routes: list[m.Route],
    associated: dict[str, str],
) -> m.RouteTable:
    static: list[m.Route] = []
    subnets: list[str] = []
    props: list[str] = []
    seen: dict[m.RouteDestination, st.RouteDecl] = {}
    for item in decl.items:
        if isinstance(item, st.RouteDecl):
            dest = prefix_lists.route_destination(c, s.region, item.destination)
            target = (
                route_target(c, s, item.target)
                if item.target
                else m.RouteTarget(m.TargetKind.BLACKHOLE)
            )
            if dest is None or target is None:
                continue
            if target.kind is m.TargetKind.EGRESS_ONLY_GATEWAY and dest.version == 4:
                c.err(
                    codes.ROUTE_TARGET,
                    f"egress-only gateway '{target.name}' carries IPv6 only, not {dest}",
                    item.span,
                    "route IPv4 to an internet gateway or a NAT gateway",
                )
                continue
            if target.kind is m.TargetKind.NAT_GATEWAY and dest.version == 6:
                # AWS NAT gateways translate IPv6 only as NAT64 (64:ff9b::/96), which the
                # simulator does not model: refuse rather than simulate it wrongly.
                c.err(
                    codes.ROUTE_TARGET,
                    f"NAT gateway '{target.name}' translates IPv4; the route to {dest} cannot use it",
                    item.span,
                    "route IPv6 to an egress-only gateway (private) or an internet gateway",
                )
                continue
            if not prefix_lists.first_route(c, seen, dest, item, decl.name.text):
                continue
            static.append(m.Route(dest, target, m.RouteOrigin.STATIC, item.span))
        elif isinstance(item, st.Associate):
            subnets += _associate(c, s, item, associated, "route table", decl.name.text)
        else:
            for ref in item.refs:
                vgw = resolve(c, Kind.VPN_GATEWAY, ref, s)
                if vgw is not None:
                    props.append(vgw)
    propagated = m.propagated_routes(tuple(props), c.built_vpns.values())
    propagated += m.propagated_dx_routes(
        tuple(props), c.built_vifs.values(), c.built_dx_connections, c.built_dx_gateways
    )
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


def _associate(
    c: Context,
    s: VpcScope,
    item: st.Associate,
    associated: dict[str, str],
    kind: str,
    name: str,
) -> list[str]:
    """The subnets ``associate`` gives the route table or network ACL ``name`` (``kind``),
    recorded in ``associated``; a subnet another one of the kind has is a
    ``duplicate-association``."""
    subnets: list[str] = []
    for ref in item.refs:
        subnet = resolve(c, Kind.SUBNET, ref, s)
        if subnet is None:
            continue
        if subnet in associated:
            c.err(
                codes.DUPLICATE_ASSOCIATION,
                f"subnet '{subnet}' is already associated with {kind} '{associated[subnet]}'",
                ref.span,
                f"a subnet has one {kind}",
            )
            continue
        associated[subnet] = name
        subnets.append(subnet)
    return subnets


# ---- network ACLs ----------------------------------------------------------------------------


def _acl_names_a_list(c: Context, s: VpcScope, item: st.AclRuleDecl) -> None:
    """An ACL rule written with a name: ACLs take no prefix lists (AWS), nor anything else."""
    name = item.cidr.text
    listed = prefix_lists.find(c, s.region, name)
    what = f"prefix list '{name}'" if listed is not None else f"'{name}', which is not a CIDR"
    example = f": {', '.join(map(str, listed.cidrs[:3]))}" if listed and listed.cidrs else ""
    c.err(
        codes.ACL_PREFIX_LIST,
        f"a network ACL rule takes a CIDR, not {what}",
        item.cidr.span,
        f"write one rule per CIDR of the list{example}, or filter with a security group rule",
    )


def _network_acls(
    c: Context, s: VpcScope, ipv6: IPv6Network | None
) -> tuple[dict[str, m.NetworkAcl], str, dict[str, str]]:
    """The network ACLs, the default one's name, and each associated subnet's ACL."""
    acls: dict[str, m.NetworkAcl] = {}
    associated: dict[str, str] = {}
    for name, decl in s.acls.items():
        rules: dict[str, list[m.AclRule]] = {"inbound": [], "outbound": []}
        subnets: list[str] = []
        for item in decl.items:
            if isinstance(item, st.Associate):
                subnets += _associate(c, s, item, associated, "network ACL", name)
                continue
            proto, ports = literals.protocol(c, item.protocol)
            if prefix_lists.is_name(item.cidr):
                _acl_names_a_list(c, s, item)
                continue
            icmp = literals.icmp(c, item.protocol)
            cidr = literals.net(c, item.cidr)
            if cidr is None:
                continue
            number = literals.number_value(item.number.text)
            if number is None:
                low, high = ACL_RULE_RANGE
                c.err(
                    codes.ACL_RULE_NUMBER,
                    f"rule number {clip(item.number.text, 24)} is outside {low}..{high}",
                    item.span,
                )
                continue
            action = m.Action(item.action.text)
            rule = m.AclRule(number, action, proto, ports, cidr, item.span, icmp)
            rules[item.direction].append(rule)
        acls[name] = m.NetworkAcl(
            name,
            tuple(sorted(rules["inbound"], key=lambda r: r.number)),
            tuple(sorted(rules["outbound"], key=lambda r: r.number)),
            tuple(subnets),
            False,
            decl.span,
        )
    default = defaults.implicit_name(defaults.DEFAULT, s.name, acls)
    acls[default] = defaults.default_network_acl(default, ipv6 is not None, s.decl.span)
    return acls, default, associated


# ---- security groups -------------------------------------------------------------------------


def _security_groups(c: Context, s: VpcScope) -> tuple[dict[str, m.SecurityGroup], str]:
    """The security groups and the default one's name."""
    groups: dict[str, m.SecurityGroup] = {}
    for name, decl in s.groups.items():
        ingress: list[m.SgRule] = []
        egress: list[m.SgRule] = []
        for rule in decl.rules:
            proto, ports = literals.protocol(c, rule.protocol)
            icmp = literals.icmp(c, rule.protocol)
            peer = sg_peer(c, s, rule.peer)
            if peer is None:
                continue
            if rule.direction == "ingress":
                ingress.append(m.SgRule(m.Direction.INGRESS, proto, ports, peer, rule.span, icmp))
            else:
                egress.append(m.SgRule(m.Direction.EGRESS, proto, ports, peer, rule.span, icmp))
        if not any(r.direction == "egress" for r in decl.rules):
            egress = list(defaults.allow_all_out(decl.span))
        groups[name] = m.SecurityGroup(name, tuple(ingress), tuple(egress), False, decl.span)
    default = defaults.implicit_name(defaults.DEFAULT, s.name, groups)
    groups[default] = defaults.default_security_group(s.name, default, s.decl.span)
    return groups, default
