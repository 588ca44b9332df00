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
