"""The network as frozen dataclasses: what a compiled ``.nd`` file means.

Objects refer to each other by name. Names are resolved and checked by the
compiler, so a name held here always exists: VPC-scoped objects by their
name within the VPC, file-scoped objects (VPCs, gateways, sites, VPNs,
peerings, transit gateways) by their file-wide name.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from netdraft.model.aws_ranges import snapshot
from netdraft.model.values import (
    NO_SPAN,
    IcmpType,
    IPAddress,
    IPNetwork,
    PortRange,
    Protocol,
    Span,
    Volume,
)


class RouteOrigin(enum.Enum):
    """Where a route came from; on equal prefixes the first of these wins."""

    LOCAL = "local"
    STATIC = "static"
    PROPAGATED = "propagated"

    @property
    def rank(self) -> int:
        return _ORIGIN_RANK[self]


_ORIGIN_RANK = {RouteOrigin.LOCAL: 0, RouteOrigin.STATIC: 1, RouteOrigin.PROPAGATED: 2}


class TargetKind(enum.Enum):
    """What a VPC route sends traffic to."""

    LOCAL = "local"
    INTERNET_GATEWAY = "internet-gateway"
    EGRESS_ONLY_GATEWAY = "egress-only-gateway"
    NAT_GATEWAY = "nat-gateway"
    INSTANCE = "instance"
    PEERING = "peering"
    TRANSIT_GATEWAY = "transit-gateway"
    VPN_GATEWAY = "vpn-gateway"
    ENDPOINT = "endpoint"
    BLACKHOLE = "blackhole"


@dataclass(frozen=True, slots=True)
class RouteTarget:
    kind: TargetKind
    name: str = ""  # empty for local and blackhole

    def __str__(self) -> str:
        return self.name or self.kind.value


@dataclass(frozen=True, slots=True)
class PrefixList:
    """A named set of CIDRs of one address family, used where a CIDR is (routes and
    security group rules; never network ACLs).

    An AWS-managed list has a ``service`` (``s3``, ``dynamodb``) and the region's CIDRs
    from the bundled snapshot of AWS's IP ranges; it is a gateway endpoint's route and
    the peer of ``egress … to s3``. A customer-managed list (``prefix-list NAME { … }``)
    has a name and the CIDRs written; ``region`` is empty for a top-level one.
    """

    service: str = ""  # the AWS service of a managed list; empty for a customer list
    name: str = ""
    cidrs: tuple[IPNetwork, ...] = ()
    region: str = ""
    span: Span = field(default=NO_SPAN, compare=False)

    def __str__(self) -> str:
        return self.name or self.service  # AWS's lists by the name the file writes

    @property
    def managed(self) -> bool:
        return bool(self.service)

    @property
    def version(self) -> int:
        return self.cidrs[0].version if self.cidrs else 4

    def holds(self, address: IPAddress) -> bool:
        return any(address.version == c.version and address in c for c in self.cidrs)

    def longest(self, address: IPAddress) -> int | None:
        """The prefix length of the most specific entry holding ``address`` (None: none)."""
        lengths = [c.prefixlen for c in self.cidrs if address.version == c.version and address in c]
        return max(lengths) if lengths else None


RouteDestination = IPv4Network | IPv6Network | PrefixList


@dataclass(frozen=True, slots=True)
class Route:
    destination: RouteDestination
    target: RouteTarget
    origin: RouteOrigin
    span: Span


@dataclass(frozen=True, slots=True)
class RouteTable:
    name: str
    routes: tuple[Route, ...]
    subnets: tuple[str, ...]  # explicit associations
    propagations: tuple[str, ...]  # VPN gateway names
    main: bool
    implicit: bool  # the VPC's default main table, not written in the file
    span: Span


class Direction(enum.Enum):
    INGRESS = "ingress"
    EGRESS = "egress"


@dataclass(frozen=True, slots=True)
class GroupPeer:
    """A security group rule whose peer is another group (its members' addresses)."""

    vpc: str
    group: str

    def __str__(self) -> str:
        return self.group


SgPeer = IPv4Network | IPv6Network | GroupPeer | PrefixList


@dataclass(frozen=True, slots=True)
class SgRule:
    direction: Direction
    protocol: Protocol
    ports: PortRange | None  # None: every port of the protocol
    peer: SgPeer
    span: Span
    icmp: IcmpType | None = None  # icmp/icmpv6 only; None: every type


@dataclass(frozen=True, slots=True)
class SecurityGroup:
    name: str
    ingress: tuple[SgRule, ...]
    egress: tuple[SgRule, ...]
    default: bool  # the VPC's implicit default group
    span: Span


class Action(enum.Enum):
    ALLOW = "allow"
    DENY = "deny"


@dataclass(frozen=True, slots=True)
class AclRule:
    number: int
    action: Action
    protocol: Protocol
    ports: PortRange | None
    cidr: IPNetwork
    span: Span
    icmp: IcmpType | None = None  # icmp/icmpv6 only; None: every type


@dataclass(frozen=True, slots=True)
class NetworkAcl:
    name: str
    inbound: tuple[AclRule, ...]  # sorted by number
    outbound: tuple[AclRule, ...]
    subnets: tuple[str, ...]
    default: bool  # the VPC's implicit allow-all ACL
    span: Span


@dataclass(frozen=True, slots=True)
class Subnet:
    name: str
    cidr: IPv4Network
    az: str
    ipv6: IPv6Network | None
    public_ip_on_launch: bool
    route_table: str  # effective: explicit association or the main table
    network_acl: str  # effective: custom ACL or the default one
    span: Span
    cidr_span: Span = NO_SPAN  # where the IPv4 CIDR is written
    #: The network interfaces that asked the subnet for an address (instances, NAT
    #: gateways, interface endpoints), those it had no room for included.
    interfaces: int = 0

    @property
    def usable(self) -> int:
        """Addresses left for resources after AWS's five reserved ones."""
        return int(self.cidr.num_addresses) - 5


class PublicIp(enum.Enum):
    NONE = "none"
    AUTO = "public-ip"  # an auto-assigned public IPv4 address
    ELASTIC = "elastic-ip"


@dataclass(frozen=True, slots=True)
class DnsForward:
    """``forward DOMAIN to …`` of a DNS server: where it sends the names under DOMAIN
    ('' for ``.``, every name): its VPC's Amazon resolver, addresses, or a resolver
    endpoint (its VPC and name, looked up when a query goes there)."""

    domain: str
    addresses: tuple[IPv4Address, ...] = ()
    amazon: bool = False
    endpoint: str = ""
    span: Span = field(default=NO_SPAN, compare=False)

    def holds(self, name: str) -> bool:
        return not self.domain or name == self.domain or name.endswith("." + self.domain)


@dataclass(frozen=True, slots=True)
class DnsConfig:
    """A ``dns { … }`` block: the zones a DNS server answers for, and its forwarders."""

    zones: tuple[str, ...]
    forwards: tuple[DnsForward, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ResolverRule:
    """A Route 53 Resolver forwarding rule: names under ``domain``, asked of the Amazon
    resolver of an associated VPC, go to ``targets`` from the outbound ``endpoint``."""

    name: str
    domain: str
    targets: tuple[IPv4Address, ...]
    endpoint_vpc: str
    endpoint: str
    vpcs: tuple[str, ...]
    span: Span = field(default=NO_SPAN, compare=False)

    def holds(self, name: str) -> bool:
        return name == self.domain or name.endswith("." + self.domain)


@dataclass(frozen=True, slots=True)
class Instance:
    name: str
    subnet: str
    ip: IPv4Address
    ipv6: IPv6Address | None
    public: PublicIp
    public_ip: IPv4Address | None  # the address when the file writes it
    security_groups: tuple[str, ...]
    source_dest_check: bool
    stopped: bool
    span: Span
    ephemeral: PortRange | None = None  # the client ports it opens from, when declared
    down: bool = False  # taken out of every path (LANGUAGE.md §9 State)
    dns: DnsConfig | None = None  # a DNS server (LANGUAGE.md §11)

    @property
    def out_of_service(self) -> bool:
        """Stopped or down: no traffic reaches it or leaves it."""
        return self.stopped or self.down

    @property
    def has_public_ip(self) -> bool:
        return self.public is not PublicIp.NONE


@dataclass(frozen=True, slots=True)
class NatGateway:
    name: str
    subnet: str
    private: bool
    ip: IPv4Address  # its network interface in the subnet
    eip: IPv4Address | None  # the Elastic IP when the file writes it
    span: Span
    down: bool = False  # taken out of every path; it still bills its hours


class EndpointKind(enum.Enum):
    GATEWAY = "gateway"
    INTERFACE = "interface"


#: The TCP ports an interface endpoint answers on, by service, where they are not its
#: service's HTTPS and HTTP (:data:`ENDPOINT_PORTS`): Amazon SES's SMTP interface
#: ("Connecting to an Amazon SES SMTP endpoint": STARTTLS on 25, 587 and 2587, TLS Wrapper
#: on 465 and 2465), CodeCommit's Git endpoint (SSH 22 and HTTPS 443, "Using AWS CodeCommit
#: with interface VPC endpoints"), Amazon Keyspaces (CQL over TLS on 9142).
SERVICE_PORTS: Mapping[str, tuple[int, ...]] = {
    "email-smtp": (25, 465, 587, 2465, 2587),
    "git-codecommit": (22, 443),
    "cassandra": (9142,),
}
#: The ports of any other service's interface endpoint (AWS PrivateLink carries TCP only;
#: AWS's service APIs listen on 443, some on 80 too).
ENDPOINT_PORTS = (80, 443)


@dataclass(frozen=True, slots=True)
class VpcEndpoint:
    name: str
    kind: EndpointKind
    service: str
    route_tables: tuple[str, ...]  # gateway endpoints
    subnets: tuple[str, ...]  # interface endpoints
    addresses: tuple[IPv4Address, ...]  # one network interface per subnet
    security_groups: tuple[str, ...]
    span: Span
    #: A Route 53 Resolver endpoint (``inbound`` or ``outbound``): network interfaces like an
    #: interface endpoint's, for DNS (LANGUAGE.md §11); '' for a VPC endpoint.
    resolver: str = ""
    ports: tuple[PortRange, ...] = ()  # written ``ports P…``: the TCP ports it answers on

    @property
    def listening(self) -> tuple[PortRange, ...]:
        """The TCP ports an interface endpoint answers on: as written, else its service's."""
        if self.ports:
            return self.ports
        return tuple(PortRange(p, p) for p in SERVICE_PORTS.get(self.service, ENDPOINT_PORTS))


class LbKind(enum.Enum):
    APPLICATION = "application"
    NETWORK = "network"


@dataclass(frozen=True, slots=True)
class LbNode:
    """A load balancer's network interface in one of its subnets (one per AZ)."""

    subnet: str
    az: str
    ip: IPv4Address
    public_ip: IPv4Address | None = None  # an NLB's written Elastic IP (``eips``)


@dataclass(frozen=True, slots=True)
class Listener:
    protocol: str  # http, https (ALB); tcp, udp, tls, tcp_udp (NLB)
    port: int
    target_group: str
    span: Span


@dataclass(frozen=True, slots=True)
class LoadBalancer:
    """An application or network load balancer (LANGUAGE.md §10)."""

    name: str
    kind: LbKind
    internet_facing: bool
    nodes: tuple[LbNode, ...]
    security_groups: tuple[str, ...]  # an NLB has none unless written
    cross_zone: bool  # always on for an ALB
    listeners: tuple[Listener, ...]
    span: Span
    #: The public IPAM pool its nodes' public addresses come from (an ALB's `ipam-pool`).
    ipam_pool: str | None = None

    @property
    def owner(self) -> str:
        return f"load balancer '{self.name}'"

    def listener(self, protocol: Protocol, port: int | None) -> Listener | None:
        """The listener that takes a connection of ``protocol`` on ``port``."""
        for lst in self.listeners:
            carried = LISTENER_PROTOCOLS.get(lst.protocol, ())
            if lst.port == port and protocol in carried:
                return lst
        return None


#: The transport each listener or target group protocol runs on.
LISTENER_PROTOCOLS: Mapping[str, tuple[Protocol, ...]] = {
    "http": (Protocol.TCP,),
    "https": (Protocol.TCP,),
    "tcp": (Protocol.TCP,),
    "tls": (Protocol.TCP,),
    "udp": (Protocol.UDP,),
    "tcp_udp": (Protocol.TCP, Protocol.UDP),
}


class LbTargetKind(enum.Enum):
    INSTANCE = "instance"
    IP = "ip"
    LOAD_BALANCER = "alb"  # an application load balancer behind a network one


@dataclass(frozen=True, slots=True)
class LbTarget:
    kind: LbTargetKind
    name: str  # the instance, the address as written, or the load balancer
    ip: IPv4Address | None = None  # IP targets


@dataclass(frozen=True, slots=True)
class TargetGroup:
    name: str
    protocol: str
    port: int
    targets: tuple[LbTarget, ...]
    span: Span


class FlowLogResource(enum.Enum):
    """What a flow log captures the traffic of ("VPC Flow Logs": a VPC, a subnet or a
    network interface; an instance stands for its primary interface)."""

    VPC = "vpc"
    SUBNET = "subnet"
    INSTANCE = "instance"


class FlowLogDestination(enum.Enum):
    """Where a flow log publishes its records (LANGUAGE.md §10)."""

    S3 = "s3"
    CLOUDWATCH = "cloudwatch"


@dataclass(frozen=True, slots=True)
class FlowLog:
    """``flow-log RESOURCE to s3|cloudwatch [volume N]``: drawn, documented and priced
    (``volume`` is the log data it delivers a month); it changes no verdict."""

    kind: FlowLogResource
    resource: str  # the VPC's, the subnet's or the instance's name
    destination: FlowLogDestination
    volume: Volume | None
    span: Span = field(default=NO_SPAN, compare=False)


class MirrorTargetKind(enum.Enum):
    """What a traffic mirror session sends its copies to ("Traffic mirror targets": a
    network interface, a Network Load Balancer; Gateway Load Balancer endpoints are not
    modelled)."""

    INSTANCE = "instance"
    LOAD_BALANCER = "load-balancer"


#: Mirrored packets are VXLAN-encapsulated and sent to UDP port 4789 of the target
#: ("Traffic mirror packet format", Traffic Mirroring guide).
VXLAN_PORT = 4789


@dataclass(frozen=True, slots=True)
class TrafficMirror:
    """``traffic-mirror SOURCE to TARGET``: a session copying the traffic of an instance's
    interface to an instance or a network load balancer, in this VPC or (``vpc.name``)
    another of the region. It changes no verdict; its copies must reach the target on UDP
    :data:`VXLAN_PORT` (``warning[mirror-unreachable]``)."""

    source: str  # an instance of the VPC that holds the session
    target_kind: MirrorTargetKind
    target: str
    target_vpc: str  # the target's VPC (the session's own when it is there)
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Gateway:
    """An internet, egress-only or VPN gateway of a VPC."""

    name: str
    kind: TargetKind
    span: Span


@dataclass(frozen=True, slots=True)
class Vpc:
    name: str
    region: str
    cidrs: tuple[IPv4Network, ...]
    ipv6: IPv6Network | None
    internet_gateway: Gateway | None
    egress_only_gateway: Gateway | None
    vpn_gateway: Gateway | None
    dhcp_domain: str | None
    subnets: Mapping[str, Subnet]
    route_tables: Mapping[str, RouteTable]
    security_groups: Mapping[str, SecurityGroup]
    network_acls: Mapping[str, NetworkAcl]
    instances: Mapping[str, Instance]
    nat_gateways: Mapping[str, NatGateway]
    endpoints: Mapping[str, VpcEndpoint]
    main_route_table: str
    default_network_acl: str
    default_security_group: str
    span: Span
    cidr_spans: tuple[Span, ...] = ()  # where each IPv4 CIDR is written, in order
    load_balancers: Mapping[str, LoadBalancer] = field(default_factory=dict)
    target_groups: Mapping[str, TargetGroup] = field(default_factory=dict)
    #: The DHCP option set's name servers (LANGUAGE.md §11); empty: the Amazon resolver.
    dns_servers: tuple[IPv4Address, ...] = ()
    dns_support: bool = True  # enableDnsSupport: the Amazon resolver answers
    dns_hostnames: bool = True  # enableDnsHostnames: needed for private hosted zones
    #: The IPAM pool its IPv4 CIDRs come from (LANGUAGE.md §10), if it names one.
    ipam_pool: str | None = None
    #: Traffic observation (LANGUAGE.md §10), in file order: no verdict depends on them.
    flow_logs: tuple[FlowLog, ...] = ()
    traffic_mirrors: tuple[TrafficMirror, ...] = ()

    def all_cidrs(self) -> tuple[IPNetwork, ...]:
        return (*self.cidrs, *((self.ipv6,) if self.ipv6 else ()))

    def holds(self, address: IPAddress) -> bool:
        return any(address.version == c.version and address in c for c in self.all_cidrs())

    def prefix_lists_used(self) -> tuple[PrefixList, ...]:
        """The prefix lists the VPC's security group rules and written routes name, in
        order of first use (a gateway endpoint's own route is not counted)."""
        found: dict[PrefixList, None] = {}
        for group in self.security_groups.values():
            for rule in (*group.ingress, *group.egress):
                if isinstance(rule.peer, PrefixList):
                    found.setdefault(rule.peer, None)
        for table in self.route_tables.values():
            for route in table.routes:
                dest = route.destination
                if isinstance(dest, PrefixList) and route.target.kind is not TargetKind.ENDPOINT:
                    found.setdefault(dest, None)
        return tuple(found)

    def is_public(self, subnet: Subnet) -> bool:
        """Whether a subnet is public: its route table routes to an internet gateway (AWS's
        definition, "Subnet types" in the VPC user guide)."""
        table = self.route_tables.get(subnet.route_table)
        return table is not None and any(
            r.target.kind is TargetKind.INTERNET_GATEWAY for r in table.routes
        )


class AttachmentKind(enum.Enum):
    VPC = "vpc"
    VPN = "vpn"
    PEERING = "peering"  # a transit gateway peering attachment (``tgw-peering``)
    DX_GATEWAY = "dx-gateway"  # a DX gateway associated with the transit gateway


@dataclass(frozen=True, slots=True)
class TgwAttachment:
    name: str  # the VPC's or the VPN's name
    kind: AttachmentKind
    subnets: tuple[str, ...]  # VPC attachments: one subnet per AZ it serves
    span: Span


@dataclass(frozen=True, slots=True)
class TgwRoute:
    destination: IPNetwork
    attachment: str | None  # None: blackhole
    origin: RouteOrigin
    span: Span
    prefix_list: str = ""  # the prefix list this route is an entry of (a reference)


@dataclass(frozen=True, slots=True)
class TgwRouteTable:
    name: str
    associations: tuple[str, ...]
    propagations: tuple[str, ...]
    routes: tuple[TgwRoute, ...]  # static and propagated
    span: Span


@dataclass(frozen=True, slots=True)
class TransitGateway:
    name: str
    region: str
    attachments: Mapping[str, TgwAttachment]
    route_tables: Mapping[str, TgwRouteTable]
    span: Span

    def route_table_of(self, attachment: str) -> TgwRouteTable | None:
        for table in self.route_tables.values():
            if attachment in table.associations:
                return table
        return None


@dataclass(frozen=True, slots=True)
class Peering:
    name: str
    a: str
    b: str
    span: Span

    def other(self, vpc: str) -> str:
        return self.b if vpc == self.a else self.a


@dataclass(frozen=True, slots=True)
class TgwPeering:
    """``tgw-peering NAME A <-> B``: a peering attachment named NAME on each of two transit
    gateways, in one region or two ("Transit gateway peering attachments", Transit Gateway
    guide). It carries only what static routes in each side's route tables send to it."""

    name: str
    a: str  # transit gateway names
    b: str
    span: Span
    down: bool = False  # out of service: a static route to it is a blackhole

    def other(self, tgw: str) -> str:
        return self.b if tgw == self.a else self.a


#: The port speeds AWS sells for a dedicated Direct Connect connection, and for a hosted one
#: ("Dedicated connections" and "Hosted connections", Direct Connect User Guide).
DX_DEDICATED_SPEEDS = ("1Gbps", "10Gbps", "100Gbps", "400Gbps")
DX_HOSTED_SPEEDS = (
    "50Mbps",
    "100Mbps",
    "200Mbps",
    "300Mbps",
    "400Mbps",
    "500Mbps",
    "1Gbps",
    "2Gbps",
    "5Gbps",
    "10Gbps",
    "25Gbps",
)


@dataclass(frozen=True, slots=True)
class DxConnection:
    """``dx-connection NAME at "LOCATION" SPEED site SITE``: a Direct Connect connection, a
    port at a Direct Connect location linked to a router (``device``) of a site."""

    name: str
    location: str
    speed: str  # as AWS writes it: 1Gbps, 500Mbps
    site: str
    span: Span
    device: str = ""  # the site's router ('on DEVICE'); '' when not written
    hosted: bool = False  # a hosted connection (a partner's); speeds below 1 Gbps always are
    down: bool = False  # out of service: its VIFs carry nothing and advertise no route


@dataclass(frozen=True, slots=True)
class DxAssociation:
    """One association of a DX gateway: a VPN gateway or a transit gateway, and the
    prefixes AWS advertises to the sites over it (its allowed prefixes)."""

    gateway: str
    kind: TargetKind  # VPN_GATEWAY or TRANSIT_GATEWAY
    allowed: tuple[IPv4Network, ...]  # empty for a VGW: its VPC's CIDRs are advertised
    span: Span


@dataclass(frozen=True, slots=True)
class DxGateway:
    """``dx-gateway NAME { associate … }``: joins virtual interfaces to the VPN gateways
    (any region) or the transit gateways associated with it; it never carries traffic
    between two of its associations."""

    name: str
    associations: tuple[DxAssociation, ...]
    span: Span

    def association(self, gateway: str) -> DxAssociation | None:
        return next((a for a in self.associations if a.gateway == gateway), None)


class VifKind(enum.Enum):
    PRIVATE = "private"  # to a VGW, or to a DX gateway of VGWs
    TRANSIT = "transit"  # to a DX gateway of transit gateways


@dataclass(frozen=True, slots=True)
class Vif:
    """``vif NAME private|transit CONNECTION -> VGW|DXGW``: a virtual interface of a
    connection. Over BGP the site advertises its CIDRs (``prefixes``) to AWS."""

    name: str
    kind: VifKind
    connection: str
    target: str  # a VPN gateway, or a DX gateway when ``to_dx_gateway``
    to_dx_gateway: bool
    prefixes: tuple[IPv4Network, ...]  # the site's CIDRs, learnt by AWS over BGP
    span: Span


@dataclass(frozen=True, slots=True)
class CustomerGateway:
    name: str
    ip: IPv4Address
    span: Span


@dataclass(frozen=True, slots=True)
class Host:
    name: str
    ip: IPv4Address
    span: Span
    dns: DnsConfig | None = None  # a DNS server (LANGUAGE.md §11)


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    cidrs: tuple[IPv4Network, ...]
    customer_gateways: Mapping[str, CustomerGateway]
    hosts: Mapping[str, Host]
    span: Span
    ephemeral: PortRange | None = None  # the client ports its hosts open from, when declared

    def holds(self, address: IPAddress) -> bool:
        return any(address.version == c.version and address in c for c in self.cidrs)


class VpnRouting(enum.Enum):
    STATIC = "static"
    BGP = "bgp"


@dataclass(frozen=True, slots=True)
class Vpn:
    name: str
    gateway: str  # a VPN gateway (vgw) or a transit gateway
    gateway_kind: TargetKind  # VPN_GATEWAY or TRANSIT_GATEWAY
    customer_gateway: str
    site: str
    routing: VpnRouting
    prefixes: tuple[IPv4Network, ...]  # what it carries: the static list, or the site with BGP
    span: Span
    down: bool = False  # its tunnels are down: it carries nothing and propagates no route


def propagated_routes(gateways: tuple[str, ...], vpns: Iterable[Vpn]) -> tuple[Route, ...]:
    """The routes a route table propagating from ``gateways`` learns from the VPNs on them:
    each prefix of each VPN that is not down (a down VPN withdraws its routes, §14 Down)."""
    found = tuple(vpns)
    return tuple(
        Route(prefix, RouteTarget(TargetKind.VPN_GATEWAY, gw), RouteOrigin.PROPAGATED, vpn.span)
        for gw in gateways
        for vpn in found
        if vpn.gateway == gw and not vpn.down
        for prefix in vpn.prefixes
    )


def dx_routes(
    gateway: str,
    vifs: Iterable[Vif],
    connections: Mapping[str, DxConnection],
    dx_gateways: Mapping[str, DxGateway],
) -> tuple[Vif, ...]:
    """The virtual interfaces whose site's routes reach ``gateway`` (a VPN gateway or a
    transit gateway) over BGP: the private VIFs to it, and the VIFs of a DX gateway
    associated with it, on a connection that is not down (a down one advertises nothing)."""
    found: list[Vif] = []
    for vif in vifs:
        conn = connections.get(vif.connection)
        if conn is None or conn.down:
            continue
        if vif.to_dx_gateway:
            dxgw = dx_gateways.get(vif.target)
            if dxgw is not None and dxgw.association(gateway) is not None:
                found.append(vif)
        elif vif.target == gateway:
            found.append(vif)
    return tuple(found)


def propagated_dx_routes(
    gateways: tuple[str, ...],
    vifs: Iterable[Vif],
    connections: Mapping[str, DxConnection],
    dx_gateways: Mapping[str, DxGateway],
) -> tuple[Route, ...]:
    """The routes a VPC route table propagating from ``gateways`` learns over Direct Connect:
    each CIDR of each site whose private VIF reaches one of the gateways."""
    found = tuple(vifs)
    return tuple(
        Route(prefix, RouteTarget(TargetKind.VPN_GATEWAY, gw), RouteOrigin.PROPAGATED, vif.span)
        for gw in gateways
        for vif in dx_routes(gw, found, connections, dx_gateways)
        for prefix in vif.prefixes
    )


# --- endpoints of flows, expectations and queries ------------------------------------------


class RecordKind(enum.Enum):
    """A record's type; ``A`` and ``AAAA`` are also the two types a query asks for."""

    A = "A"
    CNAME = "CNAME"
    ALIAS = "ALIAS"
    AAAA = "AAAA"


@dataclass(frozen=True, slots=True)
class DnsRecord:
    """A record of a private hosted zone, its name fully qualified (lower case, no final dot).

    ``A``: the addresses (an instance named is its private address). ``AAAA``: the IPv6
    addresses, in ``addresses6`` (an instance named is its IPv6 address). ``CNAME``: the name
    it points to. ``ALIAS``: an interface endpoint (``vpc``, ``target``), answered with the
    addresses of its network interfaces, as Route 53 does for an alias to a VPC endpoint.
    """

    name: str
    kind: RecordKind
    addresses: tuple[IPv4Address, ...] = ()
    target: str = ""  # CNAME: a DNS name; ALIAS: an endpoint's name
    vpc: str = ""  # ALIAS: the endpoint's VPC
    span: Span = field(default=NO_SPAN, compare=False)
    addresses6: tuple[IPv6Address, ...] = ()  # AAAA


@dataclass(frozen=True, slots=True)
class Zone:
    """A Route 53 private hosted zone and the VPCs it is associated with."""

    name: str  # lower case, no final dot
    vpcs: tuple[str, ...]
    records: tuple[DnsRecord, ...]
    span: Span = field(default=NO_SPAN, compare=False)

    def holds(self, name: str) -> bool:
        """Whether ``name`` is the zone's name or below it."""
        return name == self.name or name.endswith("." + self.name)


class PlaceKind(enum.Enum):
    INSTANCE = "instance"
    HOST = "host"  # a site host, or any address inside a site
    NAT_GATEWAY = "nat-gateway"
    VPC_ADDRESS = "vpc-address"  # an address in a VPC that nothing in the file holds
    INTERNET = "internet"
    SERVICE = "service"
    LOAD_BALANCER = "load-balancer"
    DNS_NAME = "dns-name"  # a name the source resolves first (``name`` is the name)
    ACCELERATOR = "accelerator"  # a Global Accelerator, by name or static address


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved endpoint: who sends or receives, and from which address."""

    kind: PlaceKind
    text: str  # as written
    name: str = ""  # instance, host, NAT gateway or service name
    vpc: str = ""
    site: str = ""
    address: IPAddress | None = None
    via_public_ip: bool = False  # addressed by its public IP (reached from the internet)

    def __str__(self) -> str:
        return self.text


class Spellings:
    """How a user writes each named endpoint (instance, NAT gateway, site host) so that it
    names that one only (LANGUAGE.md §3): its name when nothing else has it; else
    ``vpc.name`` or ``site.name`` when nothing else of that VPC or site has it (a VPC and a
    site may share a name); else its address, which resolves to it."""

    def __init__(self, places: Iterable[Place]) -> None:
        found = list(places)
        self.names = Counter(p.name for p in found)
        self.scoped = Counter(self._scoped(p) for p in found)

    @staticmethod
    def _scoped(place: Place) -> str:
        return f"{place.vpc or place.site}.{place.name}"

    def of(self, place: Place, bare: bool = True) -> str:
        """The spelling of ``place`` (``bare``: its name alone when that is unambiguous)."""
        if bare and self.names[place.name] == 1:
            return place.name
        scoped = self._scoped(place)
        if self.scoped[scoped] == 1 or place.address is None:
            return scoped
        return str(place.address)


@dataclass(frozen=True, slots=True)
class Query:
    """A question to the simulator: can ``source`` open a connection to ``destination``?"""

    source: Place
    destination: Place
    protocol: Protocol
    port: int | None
    icmp: IcmpType | None = None  # icmp/icmpv6: the type sent; None: an echo request
    #: A set of destination ports (``tcp 1-1024``, ``tcp any``): allowed when every port of
    #: it is; ``port`` is then its lowest port.
    ports: PortRange | None = None


@dataclass(frozen=True, slots=True)
class Flow:
    name: str
    source: Place
    destination: Place
    protocol: Protocol
    port: int | None
    volume: Volume
    return_volume: Volume | None
    span: Span
    icmp: IcmpType | None = None


class Verdict(enum.Enum):
    ALLOW = "allow"
    DENY = "deny"


@dataclass(frozen=True, slots=True)
class PathExpectation:
    source: Place
    destination: Place
    protocol: Protocol
    port: int | None
    verdict: Verdict
    via: str | None
    because: str | None
    span: Span
    icmp: IcmpType | None = None
    ports: PortRange | None = None  # a set of destination ports (``tcp 1-1024``, ``tcp any``)


class CostOperator(enum.Enum):
    EQ = "="
    LT = "<"
    LE = "<="

    def holds(self, actual: Decimal, bound: Decimal) -> bool:
        if self is CostOperator.EQ:
            return actual == bound
        if self is CostOperator.LT:
            return actual < bound
        return actual <= bound


@dataclass(frozen=True, slots=True)
class CostExpectation:
    subject: str | None  # a flow name, None for the total
    operator: CostOperator
    amount: Decimal
    span: Span


@dataclass(frozen=True, slots=True)
class ResolveExpectation:
    """``expect CLIENT resolves NAME = ADDR…`` (the answer), ``via ENDPOINT`` (a leg crosses
    it) or ``because CODE`` (the resolution fails so)."""

    source: Place
    name: str  # as written
    addresses: tuple[IPv4Address | IPv6Address, ...]
    via: str | None
    because: str | None
    span: Span
    #: The type the client asks for: ``AAAA`` when the answer written is IPv6 addresses.
    qtype: RecordKind = RecordKind.A


class ResiliencyModel(enum.Enum):
    """AWS's Direct Connect resiliency models ("AWS Direct Connect Resiliency Toolkit")."""

    DEVELOPMENT = "development"  # development and test: two connections, two devices, one location
    HIGH = "high"  # one connection at each of two locations
    MAXIMUM = "maximum"  # two connections on separate devices at each of two locations


@dataclass(frozen=True, slots=True)
class ResiliencyExpectation:
    """``expect resiliency SITE MODEL``: the site's connections meet the model."""

    site: str
    model: ResiliencyModel
    span: Span


Expectation = PathExpectation | CostExpectation | ResolveExpectation | ResiliencyExpectation


class PartKind(enum.Enum):
    """What a scenario can take down (LANGUAGE.md §12): the parts that have a ``down`` state."""

    INSTANCE = "instance"
    NAT_GATEWAY = "nat-gateway"
    VPN = "vpn"
    TGW_PEERING = "tgw-peering"
    DX_CONNECTION = "dx-connection"


@dataclass(frozen=True, slots=True)
class DownPart:
    """A part a scenario takes down: its kind, its name and, inside a VPC, the VPC's name."""

    kind: PartKind
    name: str
    vpc: str = ""
    span: Span = field(default=NO_SPAN, compare=False)

    def __str__(self) -> str:
        return f"{self.vpc}.{self.name}" if self.vpc else self.name


@dataclass(frozen=True, slots=True)
class Scenario:
    """``scenario "NAME" { … }``: the network re-checked with some parts down.

    ``flows`` are the scenario's own, priced with the network's; ``expectations`` are the
    scenario's only (the file's are not re-checked in it).
    """

    name: str
    down: tuple[DownPart, ...]
    flows: Mapping[str, Flow]
    expectations: tuple[Expectation, ...]
    span: Span


class AcceleratorEndpointKind(enum.Enum):
    LOAD_BALANCER = "load-balancer"
    INSTANCE = "instance"
    ELASTIC_IP = "elastic-ip"  # an instance's Elastic IP, written by its address


@dataclass(frozen=True, slots=True)
class AcceleratorEndpoint:
    """An endpoint of an accelerator's listener, in the endpoint group of its region."""

    kind: AcceleratorEndpointKind
    vpc: str
    name: str  # the load balancer or instance
    region: str
    weight: int  # 0-255; AWS's default is 128; 0 sends it nothing
    span: Span
    address: IPv4Address | None = None  # the Elastic IP an ``elastic-ip`` endpoint is

    def __str__(self) -> str:
        return f"{self.vpc}.{self.name}" if self.address is None else str(self.address)


@dataclass(frozen=True, slots=True)
class AcceleratorListener:
    protocol: Protocol  # tcp or udp
    ports: PortRange
    endpoints: tuple[AcceleratorEndpoint, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Accelerator:
    """``accelerator NAME``: two static anycast IPv4 addresses in front of endpoints in any
    region (LANGUAGE.md §10); outside every region."""

    name: str
    ips: tuple[IPv4Address, ...]  # two
    listeners: tuple[AcceleratorListener, ...]
    span: Span

    def listener(self, protocol: Protocol, port: int | None) -> AcceleratorListener | None:
        for lst in self.listeners:
            if lst.protocol is protocol and port is not None and lst.ports.contains(port):
                return lst
        return None

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions of its endpoint groups, in order of first use."""
        found: dict[str, None] = {}
        for lst in self.listeners:
            for e in lst.endpoints:
                found.setdefault(e.region, None)
        return tuple(found)


#: The IPv4 space that is never a public address: RFC 1918's and RFC 6598's shared space.
PRIVATE_IPV4 = tuple(
    IPv4Network(c) for c in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)


@dataclass(frozen=True, slots=True)
class IpamAllocation:
    """A CIDR of an IPAM pool that a resource holds (LANGUAGE.md §10)."""

    cidr: IPv4Network
    kind: str  # "vpc" | "load-balancer"
    resource: str  # the VPC's name, or VPC.LOAD-BALANCER
    chosen: bool  # netdraft chose it (`ipam POOL /N`, an ALB's node); else written
    span: Span


@dataclass(frozen=True, slots=True)
class IpamPool:
    """``ipam-pool NAME CIDR``: the addresses VPCs and ALBs take from, and who holds what."""

    name: str
    cidr: IPv4Network
    span: Span
    allocations: tuple[IpamAllocation, ...] = ()  # in file order

    @property
    def public(self) -> bool:
        """A pool of public IPv4 addresses (BYOIP or Amazon-provided): not in RFC 1918's
        private space nor the shared 100.64.0.0/10 (documentation ranges count as public)."""
        return not any(self.cidr.overlaps(p) for p in PRIVATE_IPV4)

    @property
    def free_addresses(self) -> int:
        """The addresses of the pool no allocation holds (allocations never overlap)."""
        return self.cidr.num_addresses - sum(a.cidr.num_addresses for a in self.allocations)


@dataclass(frozen=True, slots=True)
class Network:
    """A whole compiled ``.nd`` file."""

    file: str
    title: str | None
    regions: tuple[str, ...]
    vpcs: Mapping[str, Vpc]
    peerings: Mapping[str, Peering]
    transit_gateways: Mapping[str, TransitGateway]
    sites: Mapping[str, Site]
    vpns: Mapping[str, Vpn]
    flows: Mapping[str, Flow]
    expectations: tuple[Expectation, ...]
    price_files: tuple[tuple[str, Span], ...] = field(default=())
    prefix_lists: tuple[PrefixList, ...] = field(default=())  # the customer-managed lists
    zones: tuple[Zone, ...] = field(default=())  # private hosted zones (LANGUAGE.md §11)
    resolver_rules: tuple[ResolverRule, ...] = field(default=())
    scenarios: tuple[Scenario, ...] = field(default=())  # in file order
    #: Transit gateway peerings (LANGUAGE.md §12), by name.
    tgw_peerings: Mapping[str, TgwPeering] = field(default_factory=dict)
    #: Direct Connect (LANGUAGE.md §12): connections, DX gateways, virtual interfaces.
    dx_connections: Mapping[str, DxConnection] = field(default_factory=dict)
    dx_gateways: Mapping[str, DxGateway] = field(default_factory=dict)
    vifs: Mapping[str, Vif] = field(default_factory=dict)
    #: IPAM pools (LANGUAGE.md §10), by name, in file order.
    ipam_pools: Mapping[str, IpamPool] = field(default_factory=dict)
    #: Global Accelerators (LANGUAGE.md §10), by name, in file order.
    accelerators: Mapping[str, Accelerator] = field(default_factory=dict)

    # -- look-ups used by every later stage ---------------------------------------------------

    def vpc_of_gateway(self, name: str) -> Vpc | None:
        for vpc in self.vpcs.values():
            for gw in (vpc.internet_gateway, vpc.egress_only_gateway, vpc.vpn_gateway):
                if gw is not None and gw.name == name:
                    return vpc
        return None

    def managed_cidrs(self, service: str, region: str) -> tuple[IPNetwork, ...]:
        """The entries of AWS's list of ``service`` in ``region``: as the file writes them
        (``prefix-list s3 { … }`` in the region), else the bundled snapshot's."""
        for pl in self.prefix_lists:
            if pl.service == service and pl.region == region:
                return pl.cidrs
        return snapshot().cidrs(service, region)

    def service_at(self, address: IPAddress) -> str | None:
        """The managed service an address is of: in a list the file writes for a region,
        else in the bundled snapshot's ranges."""
        for pl in self.prefix_lists:
            if pl.managed and pl.holds(address):
                return pl.service
        found = snapshot().service_at(address)
        return found[0] if found is not None else None

    def site_of_customer_gateway(self, name: str) -> Site | None:
        for site in self.sites.values():
            if name in site.customer_gateways:
                return site
        return None

    def peerings_of(self, vpc: str) -> tuple[Peering, ...]:
        return tuple(p for p in self.peerings.values() if vpc in (p.a, p.b))
