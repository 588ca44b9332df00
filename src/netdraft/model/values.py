"""Value types shared by the syntax tree and the model: spans, protocols, ports, addresses."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

#: Ephemeral source ports a client opens connections from (LANGUAGE.md §4).
EPHEMERAL_LOW = 1024
EPHEMERAL_HIGH = 65535

#: Addresses AWS reserves in every subnet: network, +1 router, +2 DNS, +3 future, broadcast.
RESERVED_PER_SUBNET = 5

#: Hours in a billing month (AWS pricing pages use 730).
HOURS_PER_MONTH = 730


#: IPv4 addresses that are never public ("an internet host", a public IP or an Elastic IP):
#: private, shared, loopback, link-local, multicast and reserved ranges (RFC 1918, 6598,
#: 3927, 5771, 1112). The documentation ranges of RFC 5737 are *not* here: they are what
#: people write for internet hosts and public addresses in examples.
NOT_PUBLIC_V4 = tuple(
    IPv4Network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/3",
    )
)


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Where a piece of source text is: 1-based line and column, end exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


NO_SPAN = Span("<generated>", 0, 0, 0, 0)


class Protocol(enum.Enum):
    """IP protocols a rule or a query can name."""

    TCP = "tcp"
    UDP = "udp"
    ICMP = "icmp"
    ICMPV6 = "icmpv6"
    ALL = "all"

    @property
    def has_ports(self) -> bool:
        return self in (Protocol.TCP, Protocol.UDP)

    def covers(self, other: Protocol) -> bool:
        """Whether a rule for this protocol matches a packet of ``other``."""
        return self is Protocol.ALL or self is other


@dataclass(frozen=True, slots=True, order=True)
class PortRange:
    """An inclusive range of ports, ``low == high`` for a single port."""

    low: int
    high: int

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"

    def contains(self, port: int) -> bool:
        return self.low <= port <= self.high

    def intersect(self, other: PortRange) -> PortRange | None:
        low, high = max(self.low, other.low), min(self.high, other.high)
        return PortRange(low, high) if low <= high else None


ALL_PORTS = PortRange(0, 65535)
EPHEMERAL = PortRange(EPHEMERAL_LOW, EPHEMERAL_HIGH)
#: The ports a TCP or UDP connection can use: ``tcp any`` in an expectation or a query, and
#: what the whole-network sweeps cover. Port 0 is reserved (RFC 6335 §6: not assigned, no
#: socket connects to it); a rule's ``any`` (AWS's 0-65535) still covers all of these.
CONNECTION_PORTS = PortRange(1, 65535)

#: The client port ranges of the common systems ("Ephemeral ports", Amazon VPC user guide;
#: Linux's own default is 32768-60999, ``net.ipv4.ip_local_port_range``).
LINUX_EPHEMERAL = PortRange(32768, 60999)
WINDOWS_EPHEMERAL = PortRange(49152, 65535)

#: ICMP types and codes are one byte each (RFC 792, RFC 4443).
ICMP_MAX = 255


@dataclass(frozen=True, slots=True, order=True)
class IcmpType:
    """An ICMP or ICMPv6 type, and optionally one code of it.

    In a rule, ``code`` ``None`` matches every code of the type (a rule with no
    :class:`IcmpType` at all matches every type, AWS's ``-1``); in a query, the packet
    sent carries code ``code or 0``.
    """

    type: int
    code: int | None = None

    def __str__(self) -> str:
        return f"type {self.type}" + (f" code {self.code}" if self.code is not None else "")

    def matches(self, packet: IcmpType) -> bool:
        """Whether a rule for this type (and code) matches the packet ``packet``."""
        return self.type == packet.type and (self.code is None or self.code == (packet.code or 0))


#: The ICMP messages a request opens and the reply it is answered with: what a
#: security group tracks as one connection, and what a network ACL must let back.
ICMP_REPLIES: dict[Protocol, dict[int, int]] = {
    # echo 8 → echo reply 0, timestamp 13 → 14, information 15 → 16, address mask 17 → 18
    Protocol.ICMP: {8: 0, 13: 14, 15: 16, 17: 18},
    # echo request 128 → echo reply 129
    Protocol.ICMPV6: {128: 129},
}

#: What a query for ``icmp`` or ``icmpv6`` without a type sends: an echo request (ping).
ICMP_ECHO: dict[Protocol, IcmpType] = {
    Protocol.ICMP: IcmpType(8, 0),
    Protocol.ICMPV6: IcmpType(128, 0),
}


def traffic_text(protocol: Protocol, port: object = None, icmp: IcmpType | None = None) -> str:
    """What a rule or a query names, as the language writes it: ``tcp 443``, ``icmp type 8``,
    ``tcp 1-1024``, ``tcp any`` (every port)."""
    rest = icmp if icmp is not None else port
    if rest in (ALL_PORTS, CONNECTION_PORTS):
        rest = "any"
    return protocol.value + (f" {rest}" if rest is not None and str(rest) != "" else "")


@dataclass(frozen=True, slots=True)
class Volume:
    """A monthly data volume, kept exactly in gigabytes."""

    gigabytes: Decimal
    text: str

    def __str__(self) -> str:
        return self.text


VOLUME_UNITS: dict[str, Decimal] = {
    # Decimal units, as AWS bills them (1 GB = 10^9 bytes, 1 TB = 1000 GB).
    "MB": Decimal("0.001"),
    "GB": Decimal(1),
    "TB": Decimal(1000),
}


def parse_volume(text: str) -> Volume:
    """Read ``100GB``, ``1.5TB`` or ``500MB`` into a :class:`Volume`."""
    number, unit = text[:-2], text[-2:].upper()
    return Volume(Decimal(number) * VOLUME_UNITS[unit], text)


def network_of(address: IPAddress) -> IPNetwork:
    """The host route (/32 or /128) of an address."""
    if isinstance(address, IPv4Address):
        return IPv4Network(address)
    return IPv6Network(address)


def overlaps(a: IPNetwork, b: IPNetwork) -> bool:
    """Whether two networks of any family share an address."""
    return a.version == b.version and a.overlaps(b)


def contains(net: IPNetwork, address: IPAddress) -> bool:
    """Whether ``address`` lies in ``net`` (false across families)."""
    return net.version == address.version and address in net


def subnet_of(inner: IPNetwork, outer: IPNetwork) -> bool:
    """Whether ``inner`` lies wholly inside ``outer`` (false across families)."""
    if isinstance(inner, IPv4Network) and isinstance(outer, IPv4Network):
        return inner.subnet_of(outer)
    if isinstance(inner, IPv6Network) and isinstance(outer, IPv6Network):
        return inner.subnet_of(outer)
    return False
