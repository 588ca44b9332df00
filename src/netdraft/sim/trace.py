"""What the simulator returns: a trace of hops, each with the steps that decided it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from netdraft.model.codes import DropCode
from netdraft.model.network import Query, Verdict
from netdraft.model.values import PortRange, Span


class HopKind(enum.Enum):
    """The kinds of component a packet crosses."""

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


class Leg(enum.Enum):
    FORWARD = "forward"
    RETURN = "return"


@dataclass(frozen=True, slots=True)
class Step:
    """One decision inside a hop: which component decided, by which rule, and how."""

    component: str  # e.g. "security group web", "network ACL strict", "route table public"
    action: str  # e.g. "allowed", "denied", "routed", "translated", "forwarded"
    detail: str  # the rule or route that matched, as written, or why none did
    span: Span | None = None  # where that rule or route is written
    ok: bool = True


@dataclass(frozen=True, slots=True)
class Hop:
    """A component the packet crosses, with where it is (for costs and diagrams)."""

    kind: HopKind
    name: str  # the component's name ("app-1", "nat-a", "a-b", "internet")
    vpc: str = ""
    region: str = ""
    az: str = ""
    site: str = ""
    steps: tuple[Step, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)


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

    @property
    def allowed(self) -> bool:
        return self.verdict is Verdict.ALLOW

    def crosses(self, name: str) -> bool:
        """Whether the path's hops (either leg) include a component of this name."""
        return any(h.name == name for h in (*self.forward, *self.reverse))

    @property
    def drop_hop(self) -> Hop | None:
        if self.leg is Leg.FORWARD and self.forward:
            return self.forward[-1]
        if self.leg is Leg.RETURN and self.reverse:
            return self.reverse[-1]
        return None
