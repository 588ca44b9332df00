"""Services that need no route: the Amazon DNS resolver, instance metadata, Amazon Time Sync.

An instance reaches them on its own host (the Nitro system answers them): no route
table, security group or network ACL is consulted on the way, in either direction (AWS,
"Network ACL basics" and "Control traffic to your AWS resources using security groups"
in the VPC user guide: neither filters traffic to or from Amazon DNS, the instance
metadata service or the Amazon Time Sync Service). The addresses are AWS's:

* the Amazon DNS resolver at 169.254.169.253 and at the base of the VPC's primary IPv4
  CIDR plus two (AWS, "Amazon DNS server" and "Subnet CIDR blocks"), UDP and TCP 53;
* the instance metadata service at 169.254.169.254, TCP 80 (AWS, "Access instance
  metadata for an EC2 instance");
* Amazon Time Sync at 169.254.169.123, UDP 123 (AWS, "Set the time for your EC2
  instance").

Each has an IPv6 twin that AWS offers to Nitro-based instances with an IPv6 address
(AWS, the same pages and the "IPv6 on AWS" whitepaper, "Supporting Amazon VPC
services"): the resolver at fd00:ec2::253, metadata at fd00:ec2::254 and Time Sync at
fd00:ec2::123. They behave as their IPv4 twins do: answered on the host, no route, group
or ACL, never reached from outside an instance. netdraft has no instance types: every
instance is taken as Nitro-based, and the metadata service's IPv6 endpoint (an
instance option, ``HttpProtocolIpv6``) as enabled. An instance without an IPv6 address
sends no IPv6 at all. IPv6 link-local addresses (fe80::/10) are, like 169.254.0.0/16,
never routed and answered by nothing else.

With ``dns-support off`` the resolver does not answer (``DNS_DISABLED``). Any other port
of them, and any other link-local address, has nothing listening:
``NO_INTERFACE``. Link-local addresses are never routed, so nothing outside the instance
reaches them; the VPC+2 resolver is an address of the VPC, routed like one, and answers
only instances of its own VPC (``RESOLVER_OUTSIDE_VPC`` for a peered VPC, a transit
gateway, a VPN or a site; AWS offers Route 53 Resolver inbound endpoints for those).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.model.values import Protocol
from netdraft.sim.path.walk import Addr, Context, End, Packet, Walk
from netdraft.sim.trace import Arrival, ComponentKind, Delivered, Dropped, Obstacle, Sent

C = ComponentKind

#: IPv4 link-local addresses (RFC 3927): never routed, answered on the instance's host.
LINK_LOCAL = IPv4Network("169.254.0.0/16")
#: IPv6 link-local addresses (RFC 4291): never routed either.
LINK_LOCAL_V6 = IPv6Network("fe80::/10")


@dataclass(frozen=True, slots=True)
class LocalService:
    """A service an instance reaches without a route: its name, what it is, what it answers."""

    name: str  # the hop's name ("amazon-dns")
    title: str  # in sentences ("the Amazon DNS resolver")
    ports: tuple[tuple[Protocol, int], ...]  # the protocol and port it answers on

    def answers(self, protocol: Protocol, port: int | None) -> bool:
        return (protocol, port) in self.ports

    @property
    def ports_text(self) -> str:
        by_port: dict[int, list[str]] = {}
        for protocol, port in self.ports:
            by_port.setdefault(port, []).append(protocol.value)
        return ", ".join(f"{'/'.join(sorted(p))} {port}" for port, p in sorted(by_port.items()))


AMAZON_DNS = LocalService(
    "amazon-dns", "the Amazon DNS resolver", ((Protocol.UDP, 53), (Protocol.TCP, 53))
)
METADATA = LocalService("instance-metadata", "the instance metadata service", ((Protocol.TCP, 80),))
TIME_SYNC = LocalService("time-sync", "Amazon Time Sync", ((Protocol.UDP, 123),))

#: The names of the services on the host, as hops and diagram nodes name them.
ON_HOST = frozenset(s.name for s in (AMAZON_DNS, METADATA, TIME_SYNC))

#: The addresses AWS answers on every instance's host: link-local IPv4, and their IPv6
#: twins (unique local addresses, answered on Nitro-based instances).
LINK_LOCAL_SERVICES: dict[Addr, LocalService] = {
    IPv4Address("169.254.169.253"): AMAZON_DNS,
    IPv4Address("169.254.169.254"): METADATA,
    IPv4Address("169.254.169.123"): TIME_SYNC,
    IPv6Address("fd00:ec2::253"): AMAZON_DNS,
    IPv6Address("fd00:ec2::254"): METADATA,
    IPv6Address("fd00:ec2::123"): TIME_SYNC,
}


def resolver_address(vpc: m.Vpc) -> IPv4Address | None:
    """The VPC+2 resolver: the base of the VPC's primary IPv4 CIDR plus two."""
    if not vpc.cidrs:
        return None
    return vpc.cidrs[0].network_address + 2


def is_resolver(vpc: m.Vpc, address: Addr) -> bool:
    return isinstance(address, IPv4Address) and address == resolver_address(vpc)


def is_link_local(address: Addr) -> bool:
    """Whether only an instance's own host answers ``address`` (it is never routed)."""
    if isinstance(address, IPv4Address):
        return address in LINK_LOCAL
    if isinstance(address, IPv6Address):
        return address in LINK_LOCAL_V6 or address in LINK_LOCAL_SERVICES
    return False


def local_service(vpc: m.Vpc, address: Addr) -> LocalService | None:
    """The service an instance of ``vpc`` reaches at ``address`` without a route, if any."""
    if not isinstance(address, IPv4Address | IPv6Address):
        return None
    if is_resolver(vpc, address):
        return AMAZON_DNS
    return LINK_LOCAL_SERVICES.get(address)


def takes_no_route(vpc: m.Vpc, address: Addr) -> bool:
    """Whether an instance of ``vpc`` sending to ``address`` stays on its own host."""
    return is_link_local(address) or is_resolver(vpc, address)


def on_host(sim: Context, w: Walk, vpc: m.Vpc, pkt: Packet) -> Packet:
    """The request reaches a service on the instance's host, or nothing answers it."""
    address = pkt.dst
    service = local_service(vpc, address)
    if service is None:
        w.hop(C.SERVICE, str(address), vpc.name, vpc.region)
        w.fail(
            Dropped(DropCode.NO_INTERFACE, Obstacle.LINK_LOCAL_NOTHING, C.SERVICE, str(address)),
            DropCode.NO_INTERFACE,
            f"no network interface holds {address}: nothing answers at this link-local address",
        )
    w.hop(C.SERVICE, service.name, vpc.name, vpc.region)
    if not service.answers(w.protocol, w.port):
        port = f" {w.port}" if w.port is not None else ""
        w.fail(
            Dropped(
                DropCode.NO_INTERFACE,
                Obstacle.SERVICE_PORT_CLOSED,
                C.SERVICE,
                service.name,
                str(address),
                text=service.ports_text,
            ),
            DropCode.NO_INTERFACE,
            f"{service.title} at {address} answers only {service.ports_text}, "
            f"not {w.protocol.value}{port}",
        )
    if service is AMAZON_DNS and not vpc.dns_support:
        # enableDnsSupport off: the Amazon resolver does not answer (AWS, "DNS attributes
        # for your VPC"), at 169.254.169.253 as at the VPC+2 address.
        w.fail(
            Dropped(
                DropCode.DNS_DISABLED,
                Obstacle.DNS_DISABLED,
                C.SERVICE,
                service.name,
                str(address),
                vpc.name,
            ),
            DropCode.DNS_DISABLED,
            f"vpc '{vpc.name}' has dns-support off: {service.title} at {address} does not answer",
        )
    w.step(Delivered(Arrival.ON_HOST, str(address), service.title))
    return pkt


def reply_from_host(sim: Context, w: Walk, vpc: m.Vpc, src: End, dst: End, pkt: Packet) -> Packet:
    """The service's reply, straight back to the instance that asked."""
    service = local_service(vpc, pkt.src)
    assert service is not None and dst.instance is not None
    w.hop(C.SERVICE, service.name, vpc.name, vpc.region)
    w.step(Sent(str(pkt.src), host=True))
    inst = dst.instance
    w.hop(C.INSTANCE, inst.name, vpc.name, vpc.region, vpc.subnets[inst.subnet].az)
    w.step(Delivered(Arrival.FROM_HOST, str(pkt.dst), service.title))
    return pkt


#: How a sentence names the sources of a VPC that are not instances.
_NOT_INSTANCES = {
    C.NAT_GATEWAY: "NAT gateway",
    C.LOAD_BALANCER: "load balancer",
    C.ENDPOINT: "endpoint",
    C.VPC_ADDRESS: "address",
}


def _why_not_answered(w: Walk, vpc: m.Vpc) -> str:
    """Why the VPC+2 resolver refuses this query: its source is outside the VPC (an inbound
    resolver endpoint is AWS's way in), or in the VPC but no instance."""
    first = w.hops[0] if w.hops else w.current
    if first is not None and first.vpc == vpc.name and first.kind is not C.INSTANCE:
        what = _NOT_INSTANCES.get(first.kind, first.kind.value.replace("-", " "))
        return f"{what} '{first.name}' is in that VPC, but is no instance: it sends no DNS queries of its own"
    return "from elsewhere, use a Route 53 Resolver inbound endpoint"


def outside_vpc(w: Walk, vpc: m.Vpc, address: Addr) -> None:
    """The VPC+2 resolver reached from outside the VPC (or not by an instance): it does not answer."""
    if not w.forward or not is_resolver(vpc, address):
        return
    w.fail(
        Dropped(
            DropCode.RESOLVER_OUTSIDE_VPC,
            Obstacle.RESOLVER_OUTSIDE_VPC,
            C.SERVICE,
            AMAZON_DNS.name,
            str(address),
            vpc.name,
        ),
        DropCode.RESOLVER_OUTSIDE_VPC,
        f"{AMAZON_DNS.title} at {address} answers only instances of vpc '{vpc.name}' "
        f"({_why_not_answered(w, vpc)})",
    )
