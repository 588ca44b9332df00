"""ICMP messages as a line of values, so that the classes of ports cover them too.

A rule for icmp or icmpv6 names every message, one type (every code of it) or one type
and code. Written as ``type × 256 + code`` the 65,536 messages are a line, and what a rule
names is one range of it: every type is 0-65535, type 8 is 2048-2303, type 3 code 4 is
772. The sweep of :mod:`netdraft.sim.classes` cuts this line at the rules' boundaries as
it cuts ports. The reply of a request is decided by its type alone (echo 8 → echo reply 0,
:data:`~netdraft.model.values.ICMP_REPLIES`), so each type that asks for a reply is cut
out on its own: every message of a piece then has the same reply.

:class:`Messages` is a set of messages as the outputs name it: ``type 8 (echo request)``,
``types 0-7``, ``type 3 code 4 (fragmentation needed)``, ``all types except type 8 (echo
request)``, ``all types``.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdraft.model.values import ICMP_MAX, ICMP_REPLIES, IcmpType, PortRange, Protocol

#: Every message: ``type × 256 + code`` for types and codes 0-255.
SPACE = PortRange(0, (ICMP_MAX + 1) ** 2 - 1)
_CODES = ICMP_MAX + 1

#: The protocols whose messages are swept as a line.
ICMP_PROTOCOLS = (Protocol.ICMP, Protocol.ICMPV6)

#: The names of the common types (IANA's ICMP and ICMPv6 parameters).
TYPE_NAMES: dict[Protocol, dict[int, str]] = {
    Protocol.ICMP: {
        0: "echo reply",
        3: "destination unreachable",
        4: "source quench",
        5: "redirect",
        8: "echo request",
        9: "router advertisement",
        10: "router solicitation",
        11: "time exceeded",
        12: "parameter problem",
        13: "timestamp",
        14: "timestamp reply",
        15: "information request",
        16: "information reply",
        17: "address mask request",
        18: "address mask reply",
    },
    Protocol.ICMPV6: {
        1: "destination unreachable",
        2: "packet too big",
        3: "time exceeded",
        4: "parameter problem",
        128: "echo request",
        129: "echo reply",
        133: "router solicitation",
        134: "router advertisement",
        135: "neighbor solicitation",
        136: "neighbor advertisement",
        137: "redirect",
    },
}

#: The names of a few codes that rules often name (path MTU discovery, unreachable ports).
CODE_NAMES: dict[Protocol, dict[tuple[int, int], str]] = {
    Protocol.ICMP: {
        (3, 0): "network unreachable",
        (3, 1): "host unreachable",
        (3, 3): "port unreachable",
        (3, 4): "fragmentation needed",
    },
    Protocol.ICMPV6: {(1, 4): "port unreachable"},
}


def point(icmp: IcmpType) -> int:
    """A message's place on the line (a code ``None`` is code 0, as a query sends it)."""
    return icmp.type * _CODES + (icmp.code or 0)


def message(value: int) -> IcmpType:
    """The message at a place on the line."""
    return IcmpType(value // _CODES, value % _CODES)


def named(icmp: IcmpType | None) -> PortRange:
    """The messages a rule names: every one (``None``), a type's, or one type and code."""
    if icmp is None:
        return SPACE
    if icmp.code is None:
        return PortRange(icmp.type * _CODES, icmp.type * _CODES + ICMP_MAX)
    return PortRange(point(icmp), point(icmp))


def rule_range(protocol: Protocol, ports: PortRange | None, icmp: IcmpType | None) -> PortRange:
    """What a rule names on the line its protocol is swept on: its ports for tcp and udp,
    its messages for icmp and icmpv6, everything for ``all`` (and a rule without ports)."""
    if protocol in ICMP_PROTOCOLS:
        return named(icmp)
    return ports if ports is not None else SPACE


def rule_cuts(icmp: IcmpType | None) -> tuple[int, ...]:
    """Where the messages a rule names start and end (+1): none for every message."""
    r = named(icmp)
    return () if r == SPACE else (r.low, r.high + 1)


def reply_cuts(protocol: Protocol) -> set[int]:
    """The boundaries of each type that asks for a reply: a piece holds one such type, or
    none, so that every message of it is answered alike."""
    return {c for t in ICMP_REPLIES.get(protocol, {}) for c in (t * _CODES, (t + 1) * _CODES)}


def requests_answered_by(ranges: tuple[PortRange, ...]) -> tuple[PortRange, ...]:
    """The request types whose reply (code 0 of the reply type) lies in ``ranges``, of
    either family: a network ACL rule on the reply decides the request."""
    out = []
    for replies in ICMP_REPLIES.values():
        for request, reply in replies.items():
            if any(r.contains(reply * _CODES) for r in ranges):
                out.append(named(IcmpType(request)))
    return tuple(out)


def _type_text(protocol: Protocol, low: int, high: int) -> str:
    if low == high:
        name = TYPE_NAMES.get(protocol, {}).get(low)
        return f"type {low}" + (f" ({name})" if name else "")
    return f"types {low}-{high}"


def _part_text(protocol: Protocol, types: PortRange, codes: PortRange) -> str:
    if codes == PortRange(0, ICMP_MAX):
        return _type_text(protocol, types.low, types.high)
    t = types.low
    if codes.low == codes.high:
        name = CODE_NAMES.get(protocol, {}).get((t, codes.low))
        return f"type {t} code {codes.low}" + (f" ({name})" if name else "")
    return f"type {t} codes {codes}"


@dataclass(frozen=True, slots=True)
class Messages:
    """A set of ICMP (or ICMPv6) messages: sorted, disjoint ranges of the line."""

    protocol: Protocol
    ranges: tuple[PortRange, ...]

    def contains(self, icmp: IcmpType) -> bool:
        value = point(icmp)
        return any(r.contains(value) for r in self.ranges)

    @property
    def first(self) -> int:
        return self.ranges[0].low if self.ranges else -1

    def parts(self) -> list[tuple[PortRange, PortRange]]:
        """The set as (types, codes): whole types in a range, or codes of one type."""
        return _parts(self.ranges)

    def complement(self) -> tuple[PortRange, ...]:
        out: list[PortRange] = []
        start = SPACE.low
        for r in self.ranges:
            if r.low > start:
                out.append(PortRange(start, r.low - 1))
            start = r.high + 1
        if start <= SPACE.high:
            out.append(PortRange(start, SPACE.high))
        return tuple(out)

    def __str__(self) -> str:
        if self.ranges == (SPACE,):
            return "all types"
        if not self.ranges:
            return "no type"
        parts = self.parts()
        rest = _parts(self.complement())
        if len(rest) < len(parts):
            shown = ", ".join(_part_text(self.protocol, t, c) for t, c in rest)
            return f"all types except {shown}"
        return ", ".join(_part_text(self.protocol, t, c) for t, c in parts)


def _parts(ranges: tuple[PortRange, ...]) -> list[tuple[PortRange, PortRange]]:
    out: list[tuple[PortRange, PortRange]] = []
    for r in ranges:
        low, high = r.low, r.high
        while low <= high:
            t, code = divmod(low, _CODES)
            if code == 0 and high >= low + ICMP_MAX:  # whole types from here
                last = (high + 1) // _CODES - 1
                out.append((PortRange(t, last), PortRange(0, ICMP_MAX)))
                low = (last + 1) * _CODES
            else:  # codes of one type
                end = min(high, t * _CODES + ICMP_MAX)
                out.append((PortRange(t, t), PortRange(code, end % _CODES)))
                low = end + 1
    return out


def messages(protocol: Protocol, ranges: list[PortRange] | tuple[PortRange, ...]) -> Messages:
    """The set of the given ranges (merged, sorted)."""
    merged: list[PortRange] = []
    for r in sorted(ranges):
        if merged and r.low <= merged[-1].high + 1:
            merged[-1] = PortRange(merged[-1].low, max(merged[-1].high, r.high))
        else:
            merged.append(r)
    return Messages(protocol, tuple(merged))
