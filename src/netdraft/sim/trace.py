"""What the simulator returns: a trace of hops, each with the steps that decided it, as data.

The model follows pybatfish's ``Trace``/``Hop``/``Step``: a step's detail is a typed
record of the decision (the route, the rule, the translation), never a sentence. The
sentences are the renderer's (:mod:`netdraft.generator.explain`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.model.network import Query, Verdict
from netdraft.model.values import IcmpType, PortRange, Protocol, Span
from netdraft.sim.ports import PortSet


class ComponentKind(enum.Enum):
    """The kinds of component a packet crosses: the one vocabulary of traces, costs and views."""

    INSTANCE = "instance"
    HOST = "host"  # a site host (or an address in a site)
    INTERNET = "internet"  # a host on the internet
    SERVICE = "service"  # an AWS service (s3, sns, …) at its public endpoint
    VPC_ADDRESS = "vpc-address"  # an address in a VPC that nothing in the file holds
    SUBNET = "subnet"  # leaving or entering a subnet: ACL and route table
    INTERNET_GATEWAY = "internet-gateway"
    EGRESS_ONLY_GATEWAY = "egress-only-gateway"
    NAT_GATEWAY = "nat-gateway"
    NAT_INSTANCE = "nat-instance"
    PEERING = "peering"
    TRANSIT_GATEWAY = "transit-gateway"
    VPN_GATEWAY = "vpn-gateway"
    VPN = "vpn"
    CUSTOMER_GATEWAY = "customer-gateway"
    ENDPOINT = "endpoint"
    LOAD_BALANCER = "load-balancer"  # a node of an application or network load balancer
    TARGET_GROUP = "target-group"  # a load balancer's target group, choosing a target
    TGW_PEERING = "tgw-peering"  # a transit gateway peering, between two transit gateways
    DX_CONNECTION = "dx-connection"  # a Direct Connect connection, between a site and AWS
    VIF = "vif"  # a Direct Connect virtual interface of a connection
    DX_GATEWAY = "dx-gateway"  # a Direct Connect gateway
    ACCELERATOR = "accelerator"  # a Global Accelerator, at its static anycast addresses


#: The name hops used for the kinds before they were every reader's vocabulary.
HopKind = ComponentKind

#: The component an endpoint of a query is (``Place.kind`` says what was written).
PLACE_KINDS: dict[m.PlaceKind, ComponentKind] = {
    m.PlaceKind.INSTANCE: ComponentKind.INSTANCE,
    m.PlaceKind.HOST: ComponentKind.HOST,
    m.PlaceKind.NAT_GATEWAY: ComponentKind.NAT_GATEWAY,
    m.PlaceKind.VPC_ADDRESS: ComponentKind.VPC_ADDRESS,
    m.PlaceKind.INTERNET: ComponentKind.INTERNET,
    m.PlaceKind.SERVICE: ComponentKind.SERVICE,
    m.PlaceKind.LOAD_BALANCER: ComponentKind.LOAD_BALANCER,
    m.PlaceKind.DNS_NAME: ComponentKind.VPC_ADDRESS,  # never a hop: its source drops
    m.PlaceKind.ACCELERATOR: ComponentKind.ACCELERATOR,
}

#: The component a route target names (``local`` and ``blackhole`` name none). An
#: instance target is a NAT instance: a route only sends traffic through one.
TARGET_KINDS: dict[m.TargetKind, ComponentKind] = {
    m.TargetKind.INTERNET_GATEWAY: ComponentKind.INTERNET_GATEWAY,
    m.TargetKind.EGRESS_ONLY_GATEWAY: ComponentKind.EGRESS_ONLY_GATEWAY,
    m.TargetKind.NAT_GATEWAY: ComponentKind.NAT_GATEWAY,
    m.TargetKind.INSTANCE: ComponentKind.NAT_INSTANCE,
    m.TargetKind.PEERING: ComponentKind.PEERING,
    m.TargetKind.TRANSIT_GATEWAY: ComponentKind.TRANSIT_GATEWAY,
    m.TargetKind.VPN_GATEWAY: ComponentKind.VPN_GATEWAY,
    m.TargetKind.ENDPOINT: ComponentKind.ENDPOINT,
}


class Leg(enum.Enum):
    FORWARD = "forward"
    RETURN = "return"


@dataclass(frozen=True, slots=True)
class ComponentId:
    """Which component a hop is: the identity the diagram's node ids are derived from."""

    kind: ComponentKind
    name: str  # the component's name ("app-1", "nat-a", "a-b", "internet")
    vpc: str = ""
    az: str = ""
    site: str = ""


# ---- step details ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RouteStep:
    """A route table's decision: the route that matched, or none (``route`` is None)."""

    table: str
    destination: str  # what was looked up: an address, or a service for its prefix list
    route: m.Route | m.TgwRoute | None = None
    transit: bool = False  # a transit gateway's route table
    problem: RouteProblem | None = None  # why the matched route (or none) drops the packet
    via: str = ""  # PEERING_NOT_TRANSITIVE: what the packet came over
    vpc: str = ""
    #: A transit gateway's equal routes over VPNs (ECMP): the other attachments the packet
    #: may take as well as the route's own, in the table's order.
    ecmp: tuple[str, ...] = ()


class RouteProblem(enum.Enum):
    NO_ROUTE = "no-route"
    BLACKHOLE = "blackhole"
    STOPPED_INSTANCE = "stopped-instance"  # the target is a stopped instance
    NOT_TRANSITIVE = "not-transitive"  # a packet from a peering or VPN may not leave again
    LOOP = "loop"
    DOWN = "down"  # the target (a NAT gateway, an instance, a VPN) is down


@dataclass(frozen=True, slots=True)
class AclStep:
    """A network ACL's decision on a packet leaving (outbound) or entering a subnet."""

    acl: str
    outbound: bool
    rule: m.AclRule | None  # the rule that decided, or none (the implicit deny)
    allowed: bool
    reply: bool = False  # evaluated on the reply, whose destination ports are the source ports
    ports: PortSet | None = None  # on the reply: the source ports still working after it
    icmp: IcmpType | None = None  # the ICMP message decided on, when the query names a type


@dataclass(frozen=True, slots=True)
class SgStep:
    """Security groups' decision: the first rule that allows the request, or none."""

    groups: tuple[str, ...]
    direction: m.Direction
    rule: m.SgRule | None = None
    stateful_reply: bool = False  # a reply to an allowed connection: no rule is checked
    protocol: Protocol | None = None  # what no rule allows, when none does
    port: int | None = None
    peer: str = ""
    icmp: IcmpType | None = None  # the ICMP type no rule allows, when the query names one


class Rewrite(enum.Enum):
    SOURCE = "source"  # the request's source address becomes the device's
    DESTINATION = "destination"  # a public destination becomes the private address
    REPLY = "reply"  # the reply goes back to the address the request came from


@dataclass(frozen=True, slots=True)
class TranslationStep:
    """A device rewrites an address: NAT gateway, NAT instance, internet gateway."""

    device: ComponentKind
    name: str
    rewrite: Rewrite
    inside: str  # before translation (SOURCE, DESTINATION) or the address restored (REPLY)
    outside: str


class Passage(enum.Enum):
    """How a component passes a packet on (each has its sentence in the renderer)."""

    TO_SERVICE = "to-service"  # an endpoint, to its service
    FROM_SERVICE = "from-service"  # a gateway endpoint, the service's reply
    OUT = "out"  # a gateway, a packet from inside out
    IN = "in"  # a gateway, a packet from outside in
    REPLY_IN = "reply-in"  # an egress-only gateway, the reply to a connection from inside
    ACROSS = "across"  # a peering, from one VPC to the other
    INTO_SITE = "into-site"  # a customer gateway, into its site
    INTO_VPN = "into-vpn"  # a customer gateway, into a VPN
    CLOUDHUB = "cloudhub"  # a VPN gateway, from one site's VPN into another's (VPN CloudHub)
    TO_TARGET_GROUP = "to-target-group"  # a load balancer's listener, to its target group
    TO_TARGET = "to-target"  # a target group, a new (ALB) or passed-on (NLB) connection
    TO_PEER = "to-peer"  # a transit gateway peering, from one transit gateway to the other
    TO_ENDPOINT = "to-endpoint"  # an accelerator's listener, to an endpoint of a region's group


@dataclass(frozen=True, slots=True)
class Forwarded:
    """A component passes the packet on without a decision of its own."""

    by: ComponentKind
    name: str
    passage: Passage
    to: str = ""  # where to: a service, an address, a VPC, a site, a VPN, a gateway
    source: str = ""  # the packet's source, where the sentence names it
    interface: bool = False  # an endpoint: an interface (not a gateway) endpoint
    ipv6: bool = False
    routing: str = ""  # a VPN: how it learns the prefix (static, bgp)


class Arrival(enum.Enum):
    """Where and why a packet is delivered (each has its sentence in the renderer)."""

    SAME_SUBNET = "same-subnet"  # no route table or ACL between two interfaces of a subnet
    NAT_GATEWAY = "nat-gateway"  # the reply reaches the NAT gateway that is the source
    INTERNET = "internet"
    SERVICE = "service"
    ATTACHMENT = "attachment"  # a transit gateway delivers into a VPC by its local route
    SITE_HOST = "site-host"  # over a VPN into a site: site hosts do no filtering
    IN_SITE = "in-site"  # the destination is in the source's own site
    HOST = "host"
    ON_HOST = "on-host"  # a service on the instance's host (DNS, metadata, time sync)
    FROM_HOST = "from-host"  # its reply, straight back to the instance
    LOAD_BALANCER = "load-balancer"  # a load balancer's node takes the connection


@dataclass(frozen=True, slots=True)
class Delivered:
    """The packet reaches its destination (or the next network it is delivered into)."""

    arrival: Arrival
    address: str = ""
    place: str = ""  # the service, site, or VPC it is delivered in
    subnet: str = ""


@dataclass(frozen=True, slots=True)
class Sent:
    """The first step of a leg: an address sends the packet (a site, into its VPNs)."""

    source: str = ""  # from a VPC or the internet: the address sending
    subnet: str = ""  # from inside a VPC: the subnet holding it; none from the internet
    site: str = ""  # from a site: the site, sending ``to`` over ``over``
    to: str = ""
    host: bool = False  # a service on the instance's host, answering it
    over: str = ""  # from a site: what it sends over ("vpn 'b'", "dx connection 'dx1' …")


class Obstacle(enum.Enum):
    """Why a component drops a packet when no route, rule or group decided it."""

    ENDPOINT = "endpoint"  # an endpoint of the query cannot take part (with ``text``)
    NOT_IN_SUBNET = "not-in-subnet"  # an address in a VPC but in none of its subnets
    UNHELD_ADDRESS = "unheld-address"  # a reply for an address nothing in the subnet holds
    ENDPOINT_FROM_OUTSIDE = "endpoint-from-outside"  # a gateway endpoint, traffic from outside
    ENDPOINT_NO_LISTENER = "endpoint-no-listener"  # an interface endpoint, another port
    NAT_ACCEPTS_NOTHING = "nat-accepts-nothing"
    WRONG_INSTANCE = "wrong-instance"  # the packet reached another instance
    STOPPED = "stopped"
    NO_CONNECTION = "no-connection"  # a reply routed to a NAT device that made no connection
    NAT_FROM_VPN = "nat-from-vpn"
    SOURCE_DEST_CHECK = "source-dest-check"
    NO_PUBLIC_IP = "no-public-ip"
    PRIVATE_ADDRESS = "private-address"
    OPENED_FROM_OUTSIDE = "opened-from-outside"  # an egress-only gateway
    NO_INTERNET_GATEWAY = "no-internet-gateway"
    FROM_TRANSIT = "from-transit"  # a peering or VPN gateway, traffic from a transit gateway
    NOT_IN_VPC = "not-in-vpc"
    NOT_ATTACHED = "not-attached"
    NO_ATTACHMENT_SUBNET_IN_AZ = "no-attachment-subnet-in-az"
    NO_TGW_ROUTE_TABLE = "no-tgw-route-table"
    NO_ATTACHMENT_SUBNET = "no-attachment-subnet"
    PUBLIC_ADDRESS = "public-address"
    NO_VPN_CARRIES = "no-vpn-carries"
    NOT_CARRIED = "not-carried"  # a VPN does not carry the prefix
    NOT_IN_SITE = "not-in-site"
    NO_SITE_VPN = "no-site-vpn"
    NO_SITE_ROUTE = "no-site-route"  # a site with Direct Connect: no VPN nor VIF leads there
    DX_BETWEEN_VIFS = "dx-between-vifs"  # to another site over one DX gateway's two VIFs
    NO_INTERFACE = "no-interface"  # nothing holds the address in its subnet
    NO_INTERFACE_NO_SUBNET = "no-interface-no-subnet"  # in the VPC, in none of its subnets
    LINK_LOCAL_NOTHING = "link-local-nothing"  # nothing answers at a link-local address
    SERVICE_PORT_CLOSED = "service-port-closed"  # a service on the host, another port
    RESOLVER_OUTSIDE_VPC = "resolver-outside-vpc"  # the VPC+2 resolver, from outside its VPC
    LINK_LOCAL = "link-local"  # a link-local address, reached from outside an instance
    LOOP = "loop"  # the packet comes back to a hop it already crossed (``text``: the loop)
    DOWN = "down"  # a part that is down (``by``, ``name``)
    STATIC_CLOUDHUB = "static-cloudhub"  # VPN CloudHub between sites needs BGP (``text``: the VPN)
    NO_LISTENER = "no-listener"  # a load balancer has no listener for the port (``text``)
    NO_HEALTHY_TARGET = "no-healthy-target"  # a target group has no healthy target (``text``)
    LB_NOT_PUBLIC = "lb-not-public"  # an internet-facing node in a subnet with no IGW route
    DNS_DISABLED = "dns-disabled"  # the Amazon resolver of a VPC with dns-support off
    DX_NOT_ALLOWED = "dx-not-allowed"  # a DX gateway's allowed prefixes leave the address out
    DX_BETWEEN_ASSOCIATIONS = "dx-between-associations"  # (``place``: the DX gateway)
    NO_VIF_CARRIES = "no-vif-carries"  # no virtual interface leads to the address (``text``)


@dataclass(frozen=True, slots=True)
class Dropped:
    """A component drops the packet for a reason no route, rule or group states."""

    code: DropCode
    obstacle: Obstacle
    by: ComponentKind | None = None  # the component that drops it (None: the VPC or site)
    name: str = ""
    address: str = ""  # the address concerned
    place: str = ""  # the VPC, site, AZ or attachment concerned
    text: str = ""  # ENDPOINT: why the endpoint cannot take part; NO_VPN_CARRIES: what is carried
    via: str = ""  # ENDPOINT_FROM_OUTSIDE: what the traffic came over


StepDetail = RouteStep | AclStep | SgStep | TranslationStep | Forwarded | Delivered | Sent | Dropped


@dataclass(frozen=True, slots=True)
class Step:
    """One decision inside a hop: its detail as data, and where its rule or route is written."""

    detail: StepDetail
    span: Span | None = None

    @property
    def ok(self) -> bool:
        d = self.detail
        if isinstance(d, Dropped):
            return False
        if isinstance(d, RouteStep):
            return d.problem is None
        if isinstance(d, AclStep):
            return d.allowed
        if isinstance(d, SgStep):
            return d.stateful_reply or d.rule is not None
        return True


@dataclass(frozen=True, slots=True)
class Hop:
    """A component the packet crosses, with where it is (for costs and diagrams)."""

    kind: ComponentKind
    name: str  # the component's name ("app-1", "nat-a", "a-b", "internet")
    vpc: str = ""
    region: str = ""
    az: str = ""
    site: str = ""
    steps: tuple[Step, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)

    @property
    def component(self) -> ComponentId:
        return ComponentId(self.kind, self.name, self.vpc, self.az, self.site)

    @property
    def translates(self) -> bool:
        """Whether the hop's device translated an address (a NAT gateway charges for that)."""
        return any(isinstance(s.detail, TranslationStep) for s in self.steps)


@dataclass(frozen=True, slots=True)
class PortRun:
    """A run of destination ports of a port set that share a verdict and a drop code."""

    ports: PortRange
    verdict: Verdict
    code: DropCode | None = None


@dataclass(frozen=True, slots=True)
class Trace:
    """The answer to "can ``source`` open a connection to ``destination``?".

    ``forward`` holds the hops of the request, ``reverse`` those of the reply (empty when
    the request is dropped). When denied, ``code`` and ``leg`` say where the first drop is:
    the last hop of that leg.
    """

    query: Query
    verdict: Verdict
    forward: tuple[Hop, ...]
    reverse: tuple[Hop, ...]
    code: DropCode | None = None
    leg: Leg | None = None
    reason: str = ""  # one sentence: why it is dropped
    source_ports: tuple[PortRange, ...] = ()  # the source ports that work (tcp/udp)
    source_address: str = ""  # the addresses the attempt used, as text ("public IP of web")
    destination_address: str = ""
    #: For a set of destination ports: each run of ports and its verdict, in port order
    #: (this trace is then the one of the lowest denied port, or of the lowest port).
    port_runs: tuple[PortRun, ...] = ()
    #: The accelerator the connection opens the destination through, when the internet
    #: reaches it only that way (an expectation from ``internet``, LANGUAGE.md §13; '': none).
    through: str = ""

    @property
    def allowed(self) -> bool:
        return self.verdict is Verdict.ALLOW

    def crosses(self, name: str) -> bool:
        """Whether the path's hops (either leg) include a component of this name, or an
        equal-cost VPN a transit gateway may send it over instead of the one it took."""
        hops = (*self.forward, *self.reverse)
        return any(h.name == name for h in hops) or any(
            isinstance(s.detail, RouteStep) and name in s.detail.ecmp for h in hops for s in h.steps
        )

    @property
    def drop_hop(self) -> Hop | None:
        if self.leg is Leg.FORWARD and self.forward:
            return self.forward[-1]
        if self.leg is Leg.RETURN and self.reverse:
            return self.reverse[-1]
        return None

    def components(self) -> list[ComponentId]:
        """The components the request crosses, in order, without repeats in a row.

        Subnets appear only where they drop the packet: a path reads as the devices it
        crosses (``app-1 → nat-a → igw → internet``).
        """
        out: list[ComponentId] = []
        for hop in self.forward:
            if hop.kind is ComponentKind.SUBNET and hop.ok:
                continue
            if not out or out[-1].name != hop.name:
                out.append(hop.component)
        return out
