"""The syntax tree: what the file says, word for word, with a span on every piece.

The parser builds these nodes and nothing else; names are not resolved and
values are not checked here (that is the compiler's job), so every node keeps
the text as written for diagnostics and for the canonical printer.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdraft.model.values import Span


@dataclass(frozen=True, slots=True)
class Tok:
    """One word of the source."""

    text: str
    span: Span

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to a named thing: ``name`` or ``vpc.name``."""

    parts: tuple[Tok, ...]
    span: Span

    @property
    def name(self) -> str:
        return self.parts[-1].text

    @property
    def scope(self) -> str | None:
        return self.parts[0].text if len(self.parts) > 1 else None

    def __str__(self) -> str:
        return ".".join(p.text for p in self.parts)


@dataclass(frozen=True, slots=True)
class DnsPlace:
    """A DNS name written as an endpoint (``db.corp.internal``): resolved by the source."""

    name: Tok
    span: Span

    def __str__(self) -> str:
        return self.name.text


Place = Ref | Tok | DnsPlace  # a name, an IP address literal, or a DNS name


@dataclass(frozen=True, slots=True)
class ProtoSpec:
    protocol: Tok
    port: Tok | None  # a port, a range, or ``any``
    span: Span
    icmp_type: Tok | None = None  # ``type N`` of icmp and icmpv6
    icmp_code: Tok | None = None  # ``code M`` after the type


@dataclass(frozen=True, slots=True)
class Option:
    """A keyword option of a statement, e.g. ``ip 10.0.0.5``, ``sg a, b``, ``stopped``."""

    keyword: str
    values: tuple[Tok | Ref, ...]
    span: Span


# ---- statements ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Title:
    text: Tok
    span: Span


@dataclass(frozen=True, slots=True)
class Prices:
    path: Tok
    span: Span


@dataclass(frozen=True, slots=True)
class Include:
    """``include "FILE"``: the statements of another file, in this statement's place."""

    path: Tok
    span: Span


@dataclass(frozen=True, slots=True)
class VpcIpv6:
    cidr: Tok
    span: Span


@dataclass(frozen=True, slots=True)
class GatewayDecl:
    """``internet-gateway``, ``egress-only-gateway`` or ``vpn-gateway``."""

    keyword: str
    name: Tok
    span: Span


@dataclass(frozen=True, slots=True)
class DhcpOptions:
    domain: Tok
    span: Span
    #: ``servers amazon`` (one word ``amazon``) or ``servers ADDR…``; empty: not written.
    servers: tuple[Tok, ...] = ()


@dataclass(frozen=True, slots=True)
class DnsFlag:
    """``dns-support on|off`` or ``dns-hostnames on|off`` of a VPC."""

    keyword: str
    value: Tok
    span: Span


@dataclass(frozen=True, slots=True)
class SubnetDecl:
    name: Tok
    cidr: Tok
    az: Tok
    options: tuple[Option, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class RouteDecl:
    destination: Tok  # a CIDR, or a prefix list's name
    target: Ref | None  # None: blackhole
    span: Span


@dataclass(frozen=True, slots=True)
class Propagate:
    refs: tuple[Ref, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Associate:
    refs: tuple[Ref, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class RouteTableDecl:
    name: Tok
    main: Tok | None
    items: tuple[RouteDecl | Propagate | Associate, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class NatGatewayDecl:
    name: Tok
    subnet: Ref
    options: tuple[Option, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class SgRuleDecl:
    direction: str  # ingress | egress
    protocol: ProtoSpec
    peer: Tok | Ref  # a CIDR literal, a group or a prefix list
    span: Span


@dataclass(frozen=True, slots=True)
class SecurityGroupDecl:
    name: Tok
    rules: tuple[SgRuleDecl, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class AclRuleDecl:
    direction: str  # inbound | outbound
    number: Tok
    action: Tok
    protocol: ProtoSpec
    cidr: Tok  # a CIDR (a name here is refused: ACLs take no prefix lists)
    span: Span


@dataclass(frozen=True, slots=True)
class NetworkAclDecl:
    name: Tok
    items: tuple[AclRuleDecl | Associate, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class DnsItem:
    """``zone NAME`` (a zone the server answers for) or ``forward NAME|. to TARGET…``."""

    keyword: str  # zone | forward
    domain: Tok  # ``.``: every name
    targets: tuple[Tok | Ref, ...]  # addresses, ``amazon``, or a resolver endpoint
    span: Span


@dataclass(frozen=True, slots=True)
class DnsBlock:
    """``dns { … }`` on an instance or a site host: it is a DNS server."""

    items: tuple[DnsItem, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class InstanceDecl:
    name: Tok
    subnet: Ref
    options: tuple[Option, ...]
    span: Span
    dns: DnsBlock | None = None


@dataclass(frozen=True, slots=True)
class EndpointDecl:
    name: Tok
    kind: str  # gateway | interface
    service: Tok
    targets: tuple[Ref, ...]  # route tables (gateway) or subnets (interface)
    groups: tuple[Ref, ...]
    span: Span
    ips: Option | None = None  # interface endpoints: ``ips ADDR…``, one per subnet in order
    resolver: str = ""  # ``resolver-endpoint``: inbound | outbound (kind is interface)
    ports: Option | None = None  # interface endpoints: ``ports P…``, the TCP ports it answers


@dataclass(frozen=True, slots=True)
class ListenerDecl:
    """``listener PROTO PORT -> TARGET-GROUP`` inside a load balancer's block."""

    protocol: Tok
    port: Tok
    target_group: Ref
    span: Span


@dataclass(frozen=True, slots=True)
class LoadBalancerDecl:
    """``load-balancer NAME application|network internet-facing|internal in SUBNETS …``."""

    name: Tok
    kind: Tok  # application | network
    scheme: Tok  # internet-facing | internal
    subnets: tuple[Ref, ...]
    options: tuple[Option, ...]  # ips, sg, eips, cross-zone
    listeners: tuple[ListenerDecl, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class TargetGroupDecl:
    """``target-group NAME PROTO PORT targets …``: instances, IP addresses or a load balancer."""

    name: Tok
    protocol: Tok
    port: Tok
    targets: tuple[Ref | Tok, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class FlowLogDecl:
    """``flow-log RESOURCE to s3|cloudwatch [volume N]``: the VPC, a subnet or an instance."""

    resource: Ref
    destination: Tok  # s3 | cloudwatch
    volume: Tok | None
    span: Span


@dataclass(frozen=True, slots=True)
class TrafficMirrorDecl:
    """``traffic-mirror SOURCE to TARGET``: an instance's interface to an instance or an NLB."""

    source: Ref
    target: Ref
    span: Span


VpcItem = (
    DnsFlag
    | VpcIpv6
    | GatewayDecl
    | DhcpOptions
    | SubnetDecl
    | RouteTableDecl
    | NatGatewayDecl
    | SecurityGroupDecl
    | NetworkAclDecl
    | InstanceDecl
    | EndpointDecl
    | LoadBalancerDecl
    | TargetGroupDecl
    | FlowLogDecl
    | TrafficMirrorDecl
)


@dataclass(frozen=True, slots=True)
class VpcIpam:
    """``ipam POOL [/N]`` after a VPC's name and CIDRs (LANGUAGE.md §10)."""

    pool: Tok
    length: Tok | None  # ``/N``: one CIDR allocated from the pool
    span: Span


@dataclass(frozen=True, slots=True)
class VpcDecl:
    name: Tok
    cidrs: tuple[Tok, ...]
    items: tuple[VpcItem, ...]
    span: Span
    ipam: VpcIpam | None = None


@dataclass(frozen=True, slots=True)
class AcceleratorEndpointDecl:
    """``ENDPOINT [weight N]`` of an accelerator's listener: a load balancer, an instance
    (``vpc.name`` or its name) or an Elastic IP address."""

    target: Ref | Tok
    weight: Tok | None
    span: Span


@dataclass(frozen=True, slots=True)
class AcceleratorListenerDecl:
    """``listener PROTO PORT[-PORT] -> ENDPOINT [weight N] …`` inside an accelerator."""

    protocol: Tok
    ports: Tok
    endpoints: tuple[AcceleratorEndpointDecl, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class AcceleratorDecl:
    """``accelerator NAME [ips ADDR ADDR] { listener … }``, at the top level."""

    name: Tok
    ips: tuple[Tok, ...]
    listeners: tuple[AcceleratorListenerDecl, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class IpamPoolDecl:
    """``ipam-pool NAME CIDR``, at the top level (LANGUAGE.md §10)."""

    name: Tok
    cidr: Tok
    span: Span


@dataclass(frozen=True, slots=True)
class AttachDecl:
    kind: str  # vpc | vpn
    target: Ref
    subnets: tuple[Ref, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class TgwRouteDecl:
    destination: Tok  # a CIDR, or a prefix list's name
    target: Ref | None  # None: blackhole
    span: Span


@dataclass(frozen=True, slots=True)
class TgwRouteTableDecl:
    name: Tok
    items: tuple[TgwRouteDecl | Associate | Propagate, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class TransitGatewayDecl:
    name: Tok
    items: tuple[AttachDecl | TgwRouteTableDecl, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class PrefixListDecl:
    """``prefix-list NAME { CIDR; … }``, at the top level or in a region."""

    name: Tok
    cidrs: tuple[Tok, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class RegionDecl:
    name: Tok
    items: tuple[VpcDecl | TransitGatewayDecl | PrefixListDecl, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class PeeringDecl:
    name: Tok
    a: Ref
    b: Ref
    span: Span


@dataclass(frozen=True, slots=True)
class TgwPeeringDecl:
    """``tgw-peering NAME TGW <-> TGW [down]`` (LANGUAGE.md §12)."""

    name: Tok
    a: Ref
    b: Ref
    span: Span
    options: tuple[Option, ...] = ()  # ``down``


@dataclass(frozen=True, slots=True)
class DxConnectionDecl:
    """``dx-connection NAME at "LOCATION" SPEED [hosted] site SITE [on DEVICE] [down]``
    (LANGUAGE.md §12)."""

    name: Tok
    location: Tok  # the string as written, quotes included
    speed: Tok
    site: Ref
    span: Span
    options: tuple[Option, ...] = ()  # ``hosted``, ``on DEVICE``, ``down``


@dataclass(frozen=True, slots=True)
class DxAssociateDecl:
    """``associate GATEWAY… [allowed CIDR…]`` in a ``dx-gateway`` block."""

    refs: tuple[Ref, ...]
    allowed: tuple[Tok, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class DxGatewayDecl:
    """``dx-gateway NAME { associate … }`` (LANGUAGE.md §12)."""

    name: Tok
    items: tuple[DxAssociateDecl, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class VifDecl:
    """``vif NAME private|transit CONNECTION -> VGW|DXGW`` (LANGUAGE.md §12)."""

    name: Tok
    kind: Tok  # private | transit
    connection: Ref
    target: Ref
    span: Span


@dataclass(frozen=True, slots=True)
class ExpectResiliencyDecl:
    """``expect resiliency SITE development|high|maximum`` (LANGUAGE.md §12)."""

    site: Ref
    model: Tok
    span: Span


@dataclass(frozen=True, slots=True)
class CustomerGatewayDecl:
    name: Tok
    ip: Tok
    span: Span


@dataclass(frozen=True, slots=True)
class HostDecl:
    name: Tok
    ip: Tok
    span: Span
    dns: DnsBlock | None = None


@dataclass(frozen=True, slots=True)
class SiteEphemeral:
    """``ephemeral LOW-HIGH`` in a site: the client ports its hosts and addresses open from."""

    ports: Tok
    span: Span


@dataclass(frozen=True, slots=True)
class SiteDecl:
    name: Tok
    cidrs: tuple[Tok, ...]
    items: tuple[CustomerGatewayDecl | HostDecl | SiteEphemeral, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class VpnDecl:
    name: Tok
    gateway: Ref
    customer_gateway: Ref
    routing: str  # static | bgp
    prefixes: tuple[Tok, ...]
    span: Span
    options: tuple[Option, ...] = ()  # ``down``


@dataclass(frozen=True, slots=True)
class FlowDecl:
    name: Tok
    source: Place
    destination: Place
    protocol: ProtoSpec
    volume: Tok
    return_volume: Tok | None
    span: Span


@dataclass(frozen=True, slots=True)
class ExpectPathDecl:
    source: Place
    destination: Place
    protocol: ProtoSpec
    verdict: Tok
    via: Ref | None
    because: Tok | None
    span: Span


@dataclass(frozen=True, slots=True)
class ExpectCostDecl:
    subject: Tok
    operator: Tok
    amount: Tok
    span: Span


@dataclass(frozen=True, slots=True)
class RecordDecl:
    """``record NAME A ADDR…|INSTANCE…``, ``record NAME AAAA ADDR6…|INSTANCE…``, ``record NAME
    CNAME DNSNAME``, ``record NAME ALIAS ENDPOINT``."""

    name: Tok  # relative to the zone
    kind: str  # A | AAAA | CNAME | ALIAS
    values: tuple[Tok | Ref, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class ZoneDecl:
    """``zone NAME private vpcs VPC… { record … }``: a Route 53 private hosted zone."""

    name: Tok
    vpcs: tuple[Ref, ...]
    records: tuple[RecordDecl, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class ExpectResolvesDecl:
    """``expect CLIENT resolves NAME = ADDR…|via ENDPOINT|because CODE``."""

    source: Place
    name: Tok
    addresses: tuple[Tok, ...]
    via: Ref | None
    because: Tok | None
    span: Span


@dataclass(frozen=True, slots=True)
class ResolverRuleDecl:
    """``resolver-rule NAME forward DOMAIN to ADDR… via OUTBOUND vpcs VPC…``."""

    name: Tok
    domain: Tok
    targets: tuple[Tok, ...]
    endpoint: Ref
    vpcs: tuple[Ref, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class DownDecl:
    """``down PART…`` in a scenario: the parts taken out of the network."""

    refs: tuple[Ref, ...]
    span: Span


ScenarioItem = DownDecl | FlowDecl | ExpectPathDecl | ExpectCostDecl


@dataclass(frozen=True, slots=True)
class ScenarioDecl:
    """``scenario "NAME" { down …; expect …; flow … }`` (LANGUAGE.md §12)."""

    name: Tok  # the string as written, quotes included
    items: tuple[ScenarioItem, ...]
    span: Span


Statement = (
    ZoneDecl
    | ResolverRuleDecl
    | ExpectResolvesDecl
    | Title
    | Prices
    | RegionDecl
    | PeeringDecl
    | SiteDecl
    | VpnDecl
    | FlowDecl
    | ExpectPathDecl
    | ExpectCostDecl
    | Include
    | PrefixListDecl
    | ScenarioDecl
    | TgwPeeringDecl
    | DxConnectionDecl
    | DxGatewayDecl
    | VifDecl
    | ExpectResiliencyDecl
    | IpamPoolDecl
    | AcceleratorDecl
)


@dataclass(frozen=True, slots=True)
class Comment:
    text: str  # with its leading '#'
    span: Span


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str
    text: str
    statements: tuple[Statement, ...]
    comments: tuple[Comment, ...]
