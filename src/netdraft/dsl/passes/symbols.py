"""The symbol tables the passes share: a file's and each VPC's declarations, by kind.

Filled by the scope pass (:mod:`netdraft.dsl.passes.scope`), read by the later passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netdraft.dsl import syntax as st


@dataclass
class VpcScope:
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
    load_balancers: dict[str, st.LoadBalancerDecl] = field(default_factory=dict)
    target_groups: dict[str, st.TargetGroupDecl] = field(default_factory=dict)
    ipv6: st.VpcIpv6 | None = None
    dhcp: st.DhcpOptions | None = None
    dns_flags: dict[str, st.DnsFlag] = field(default_factory=dict)  # by keyword

    @property
    def name(self) -> str:
        return self.decl.name.text

    @property
    def where(self) -> str:
        """How a message says that a name is looked for in this VPC."""
        return f" in vpc '{self.name}'"


@dataclass
class FileScope:
    """The file's declarations, by kind."""

    vpcs: dict[str, VpcScope] = field(default_factory=dict)
    regions: dict[str, st.RegionDecl] = field(default_factory=dict)
    tgws: dict[str, tuple[st.TransitGatewayDecl, str]] = field(default_factory=dict)  # + region
    tgw_decls: dict[str, st.TransitGatewayDecl] = field(default_factory=dict)
    peerings: dict[str, st.PeeringDecl] = field(default_factory=dict)
    sites: dict[str, st.SiteDecl] = field(default_factory=dict)
    vpns: dict[str, st.VpnDecl] = field(default_factory=dict)
    flows: dict[str, st.FlowDecl] = field(default_factory=dict)
    file_gateways: dict[str, str] = field(default_factory=dict)  # gateway -> vpc (igw, eigw, vgw)
    customer_gateways: dict[str, str] = field(default_factory=dict)  # cgw name -> site
    hosts: dict[str, list[str]] = field(default_factory=dict)  # host name -> sites
    #: Prefix lists by region ('' for the top level's), then by name.
    prefix_lists: dict[str, dict[str, st.PrefixListDecl]] = field(default_factory=dict)
    zones: dict[str, st.ZoneDecl] = field(default_factory=dict)  # private hosted zones
    resolver_rules: dict[str, st.ResolverRuleDecl] = field(default_factory=dict)
    tgw_peerings: dict[str, st.TgwPeeringDecl] = field(default_factory=dict)
    dx_connections: dict[str, st.DxConnectionDecl] = field(default_factory=dict)
    dx_gateways: dict[str, st.DxGatewayDecl] = field(default_factory=dict)
    vifs: dict[str, st.VifDecl] = field(default_factory=dict)
