"""The walk and its packet: addresses, the packet, one leg's hops so far, and the drop."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address
from typing import NoReturn

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.model.values import IcmpType, IPNetwork, Protocol, Span, traffic_text
from netdraft.sim.index import Eni, Index
from netdraft.sim.ports import EPHEMERAL_PORTS, PortSet
from netdraft.sim.trace import (
    ComponentKind,
    Dropped,
    Hop,
    Leg,
    Obstacle,
    RouteStep,
    Step,
    StepDetail,
)


@dataclass(frozen=True, slots=True)
class PublicAddr:
    """The public IPv4 address of a network interface, known by owner when not written."""

    vpc: str
    owner: str  # instance or NAT gateway name
    ip: IPv4Address | None

    @property
    def version(self) -> int:
        return 4

    def __str__(self) -> str:
        return str(self.ip) if self.ip is not None else f"public IP of {self.owner}"


Addr = IPv4Address | IPv6Address | PublicAddr


def within(net: IPNetwork, address: Addr) -> bool:
    """Whether ``address`` is in ``net``; a public address not written matches only /0."""
    if isinstance(address, PublicAddr):
        if address.ip is None:
            # An address we do not know matches only a rule that matches every address.
            return net.version == 4 and net.prefixlen == 0
        address = address.ip
    return net.version == address.version and address in net


class Via(enum.Enum):
    """What a packet entered the VPC it is in over: it limits where it may go next."""

    NONE = ""  # from an interface of the VPC itself
    PEERING = "peering"
    VPN = "vpn"
    TRANSIT_GATEWAY = "transit gateway"


@dataclass(slots=True)
class Packet:
    src: Addr
    dst: Addr
    service: str | None = None  # the destination is this AWS service


@dataclass(slots=True)
class Translation:
    """A translation made on the request: the reply to ``outside`` goes back to ``inside``."""

    device: str
    kind: ComponentKind
    vpc: str
    inside: Addr
    outside: Addr


class Drop(Exception):
    """The packet is dropped: the code, the sentence, and the endpoint at fault if known."""

    def __init__(self, code: DropCode, reason: str, place: m.Place | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.place = place  # an endpoint that cannot take part, when known


@dataclass(frozen=True, slots=True)
class End:
    """A concrete endpoint of one attempt."""

    kind: ComponentKind
    name: str
    address: Addr
    vpc: str = ""
    subnet: str = ""
    site: str = ""
    service: str | None = None
    instance: m.Instance | None = None
    #: An interface endpoint of another VPC, tried before the internet: a failure that never
    #: reaches its VPC is not the one reported (the source cannot route to it).
    remote: bool = False
    #: ``internet`` or a service tried at a representative address (no address written, none
    #: published for it): the address stands for the end, and sentences name the end.
    representative: bool = False


@dataclass(slots=True)
class _Open:
    kind: ComponentKind
    name: str
    vpc: str
    region: str
    az: str
    site: str


@dataclass
class Walk:
    """One leg being walked: its hops so far and what it learnt on the way."""

    leg: Leg
    protocol: Protocol
    port: int | None  # the request's destination port
    hops: list[Hop] = field(default_factory=list)
    current: _Open | None = None
    steps: list[Step] = field(default_factory=list)
    ports: PortSet = EPHEMERAL_PORTS  # source ports of the request that still work
    client_ports: PortSet = EPHEMERAL_PORTS  # the ports the client opens connections from
    nats: list[Translation] = field(default_factory=list)
    crossed_endpoint: str = ""  # the gateway endpoint the request used
    via_eigw: bool = False
    icmp: IcmpType | None = None  # icmp/icmpv6: the message of this leg (request or reply)
    icmp_shown: IcmpType | None = None  # how sentences name it: only when the query names one
    seen: dict[tuple[object, ...], int] = field(default_factory=dict)  # state → its hop

    @property
    def forward(self) -> bool:
        return self.leg is Leg.FORWARD

    @property
    def traffic(self) -> str:
        """The request as the language writes it: ``tcp 443``, ``icmp type 8``."""
        return traffic_text(self.protocol, self.port, self.icmp_shown)

    @property
    def no_route(self) -> DropCode:
        """The code of a packet with nowhere to go: on the request, or on the reply."""
        return DropCode.NO_ROUTE_TO_DESTINATION if self.forward else DropCode.NO_RETURN_ROUTE

    def hop(
        self,
        kind: ComponentKind,
        name: str,
        vpc: str = "",
        region: str = "",
        az: str = "",
        site: str = "",
    ) -> None:
        """Close the hop being walked and open the next one."""
        self.close()
        self.current = _Open(kind, name, vpc, region, az, site)

    def revisit(self, *state: object) -> None:
        """Note the state a routing decision is taken in; coming back to it is a loop.

        The walk is deterministic, so a packet that reaches the same decision again (the
        same hop, the same addresses, the same way in) would go round for ever: it is
        dropped at once, ``ROUTING_LOOP``, naming the hops of the loop. A leg is walked
        alone, so the reply crossing the request's gateways is no loop.
        """
        first = self.seen.get(state)
        if first is None:
            self.seen[state] = len(self.hops)
            return
        assert self.current is not None
        c = self.current
        loop_hops = [(h.kind, h.name, h.vpc, h.steps) for h in self.hops[first:]]
        loop_hops.append((c.kind, c.name, c.vpc, tuple(self.steps)))
        # Within one VPC its hops' names say enough; a loop through a transit gateway or
        # across VPCs names the VPC of each hop and the attachment each gateway routes to.
        wide = len({vpc for _, _, vpc, _ in loop_hops}) > 1
        names: list[str] = []
        for kind, name, vpc, steps in loop_hops:
            text = _loop_hop(kind, name, vpc if wide else "", steps)
            if not names or names[-1] != text:
                names.append(text)
        loop = " → ".join(names)
        self.fail(
            Dropped(
                DropCode.ROUTING_LOOP,
                Obstacle.LOOP,
                self.current.kind,
                self.current.name,
                text=loop,
            ),
            DropCode.ROUTING_LOOP,
            f"the path loops: {loop}; routes send the packet back to a hop it already crossed",
        )

    def step(self, detail: StepDetail, span: Span | None = None) -> None:
        self.steps.append(Step(detail, span))

    def fail(
        self, detail: StepDetail, code: DropCode, reason: str, span: Span | None = None
    ) -> NoReturn:
        """Record the step that drops the packet, close the hop, and end the leg."""
        self.steps.append(Step(detail, span))
        self.close()
        raise Drop(code, reason)

    def translation(self, vpc: str, device: str) -> Translation | None:
        """The last translation ``device`` made on the request."""
        for made in reversed(self.nats):
            if made.vpc == vpc and made.device == device:
                return made
        return None

    def close(self) -> None:
        c = self.current
        if c is not None:
            self.hops.append(Hop(c.kind, c.name, c.vpc, c.region, c.az, c.site, tuple(self.steps)))
        self.current = None
        self.steps = []


def _loop_hop(kind: ComponentKind, name: str, vpc: str, steps: tuple[Step, ...]) -> str:
    """A hop as a loop's message names it: with its VPC, and for a transit gateway the
    attachment its route sends the packet to (a loop of one gateway and two VPCs)."""
    text = f"{kind.value} '{name}'" + (f" of vpc '{vpc}'" if vpc else "")
    routed = [
        s.detail.route.attachment
        for s in steps
        if isinstance(s.detail, RouteStep) and isinstance(s.detail.route, m.TgwRoute)
    ]
    if routed and routed[-1] is not None:
        text += f" (to attachment '{routed[-1]}')"
    return text


#: Carries a packet that a route of a subnet's table sends to a target:
#: ``(sim, walk, vpc, subnet, target, packet, destination, via) -> the packet as it arrives``.
TargetHandler = Callable[
    ["Context", Walk, m.Vpc, m.Subnet, m.RouteTarget, Packet, End, Via], Packet
]

#: Carries a packet a transit gateway routes to an attachment: ``(sim, walk, attachment,
#: az, packet, destination)``, ``az`` the one the packet entered the transit gateway in.
AttachmentHandler = Callable[["Context", Walk, m.TgwAttachment, str, Packet, End], Packet]

#: Carries a reply that reaches the NAT device that translated its request.
ReplyHandler = Callable[["Context", Walk, m.Vpc, Eni, Translation, Packet, End], Packet]


@dataclass
class Context:
    """What every mechanism reads: the network, its look-up tables, and where to go next.

    The mechanisms are modules that call each other only downwards (nat, edge, transit
    and vpn use vpc); a call the other way goes through one of these tables, which
    :class:`~netdraft.sim.path.simulator.Simulator` fills.
    """

    net: m.Network
    ix: Index
    targets: Mapping[m.TargetKind, TargetHandler]  # by the kind of a route's target
    attachments: Mapping[m.AttachmentKind, AttachmentHandler]  # by a tgw attachment's kind
    untranslate: ReplyHandler  # a reply reaching a NAT device that translated the request
    #: An accelerator's listeners send only to this endpoint, ``(vpc, name)``, by the
    #: accelerator's name: what exposure asks of each endpoint, since Global Accelerator may
    #: send a client to any healthy endpoint with a weight above 0
    #: (:func:`netdraft.sim.exposure.exposure`).
    pinned: dict[str, tuple[str, str]] = field(default_factory=dict)

    # Methods, not fields holding the simulator's bound methods: an object that holds its
    # own bound methods is a reference cycle, which only the cyclic collector frees, so a
    # simulator and its tables (a render's or a check's) outlived their use.

    def send(self, w: Walk, src: End, dst: End, pkt: Packet) -> Packet:
        """Walk a packet from one end to another (``Simulator``'s): a load balancer's
        second connection, and its reply, start at either end."""
        raise NotImplementedError

    def names(self, source: m.Place, name: m.Place) -> tuple[m.Place, ...]:
        """A destination written as a DNS name: the places the source resolves it to
        (``Simulator``'s; raises :class:`Drop` when it does not resolve)."""
        raise NotImplementedError
