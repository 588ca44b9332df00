"""Reading literals: CIDRs, addresses, protocols and ports, volumes and numbers.

Each reader returns the value, or ``None`` after reporting why the text is not one
(``bad-cidr``, ``bad-address``, ``bad-port``, ``bad-icmp``, ``bad-volume``), quoting the input and
the rule it breaks as :mod:`ipaddress` does.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from decimal import InvalidOperation
from ipaddress import IPv4Address, IPv4Network, IPv6Network
from typing import TYPE_CHECKING, TypeVar

from netdraft import codes
from netdraft.diagnostics import clip
from netdraft.dsl import syntax as st
from netdraft.model.values import (
    ALL_PORTS,
    CONNECTION_PORTS,
    EPHEMERAL,
    ICMP_MAX,
    LINUX_EPHEMERAL,
    WINDOWS_EPHEMERAL,
    IcmpType,
    IPAddress,
    IPNetwork,
    PortRange,
    Protocol,
    Volume,
    parse_volume,
)

if TYPE_CHECKING:
    from netdraft.dsl.passes.context import Context

#: The most digits a number is read with: the language's numbers (ports, ACL rule numbers)
#: have at most five, and ``int`` refuses more than 4,300 (CPython's digit limit).
MAX_DIGITS = 9

_Net = TypeVar("_Net", IPv4Network, IPv6Network)


def number_value(text: str) -> int | None:
    """A number as the grammar writes it (ASCII digits), or ``None`` when it has more than
    :data:`MAX_DIGITS` significant digits: too large for any value the language takes, and
    never converted, however long."""
    digits = text.lstrip("0") or "0"
    if len(digits) > MAX_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return int(digits)


def net(c: Context, tok: st.Tok) -> IPNetwork | None:
    """A CIDR of either family, without host bits; each text read once per compile (a
    large file writes its routes' and rules' few CIDRs thousands of times)."""
    text = tok.text
    found = c.cidrs.get(text)
    if found is not None:
        return found
    try:
        found = c.cidrs[text] = ipaddress.ip_network(text, strict=True)
        return found
    except ValueError:
        try:
            ipaddress.ip_network(tok.text, strict=False)
        except ValueError:
            c.err(
                codes.BAD_CIDR,
                f"'{clip(tok.text, 60)}' is not a valid CIDR: {cidr_problem(tok.text)}",
                tok.span,
            )
        else:
            fixed = ipaddress.ip_network(tok.text, strict=False)
            c.err(
                codes.BAD_CIDR,
                f"'{tok.text}' has host bits set",
                tok.span,
                f"did you mean '{fixed}'?",
            )
        return None


def cidr_problem(text: str) -> str:
    """Why a CIDR the grammar took is not one, in the words of the part that is wrong."""
    address, _, length = text.partition("/")
    v6 = ":" in address
    most = 128 if v6 else 32
    try:
        ipaddress.IPv6Address(address) if v6 else ipaddress.IPv4Address(address)
    except ValueError as exc:
        reason = clip(str(exc), 100)
        return reason[:1].lower() + reason[1:]
    value = number_value(length)
    if value is None or value > most:
        return (
            f"the prefix length is /0 to /{most} for IPv{6 if v6 else 4}, not /{clip(length, 10)}"
        )
    return "not an address and a prefix length"


def net4(c: Context, tok: st.Tok) -> IPv4Network | None:
    return _net_of(c, tok, IPv4Network)


def net6(c: Context, tok: st.Tok) -> IPv6Network | None:
    return _net_of(c, tok, IPv6Network)


def _net_of(c: Context, tok: st.Tok, family: type[_Net]) -> _Net | None:
    """A CIDR of one family (``bad-cidr`` for one of the other, naming both)."""
    found = net(c, tok)
    if found is not None and not isinstance(found, family):
        want, other = ("IPv4", "IPv6") if family is IPv4Network else ("IPv6", "IPv4")
        c.err(codes.BAD_CIDR, f"'{tok.text}' is an {other} CIDR where {want} is needed", tok.span)
        return None
    return found


def addr(c: Context, tok: st.Tok) -> IPAddress | None:
    try:
        return ipaddress.ip_address(tok.text)
    except ValueError:
        c.err(codes.BAD_ADDRESS, f"'{tok.text}' is not a valid IP address", tok.span)
        return None


def addr4(c: Context, tok: st.Tok) -> IPv4Address | None:
    address = addr(c, tok)
    if address is not None and not isinstance(address, IPv4Address):
        c.err(codes.BAD_ADDRESS, f"'{tok.text}' is not an IPv4 address", tok.span)
        return None
    return address


def is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def protocol(c: Context, spec: st.ProtoSpec) -> tuple[Protocol, PortRange | None]:
    """A protocol and its ports (``None``: every port, or a protocol without ports)."""
    proto = Protocol(spec.protocol.text)
    if spec.port is None:
        return proto, None
    if not proto.has_ports:
        c.err(
            codes.BAD_PORT,
            f"{proto.value} has no ports",
            spec.port.span,
            "write ports only with tcp or udp",
        )
        return proto, None
    if spec.port.text == "any":
        return proto, ALL_PORTS
    found = port_range(c, spec.port)
    return proto, found


def port_range(c: Context, tok: st.Tok) -> PortRange | None:
    """A port ``443`` or a range ``1024-65535`` in 0-65535."""
    low_text, _, high_text = tok.text.partition("-")
    low, high = number_value(low_text), number_value(high_text or low_text)
    if low is None or high is None or not (0 <= low <= high <= 65535):
        c.err(
            codes.BAD_PORT,
            f"'{clip(tok.text, 24)}' is not a port or range in 0-65535",
            tok.span,
        )
        return None
    return PortRange(low, high)


def ephemeral_range(c: Context, tok: st.Tok) -> PortRange | None:
    """An ``ephemeral`` range: a port range inside 1024-65535 (:data:`EPHEMERAL`), where
    every system picks its client ports ("Ephemeral ports", Amazon VPC user guide); ports
    below 1024 are the servers' (RFC 6335's system ports), never a client's."""
    found = port_range(c, tok)
    if found is not None and found.intersect(EPHEMERAL) != found:
        c.err(
            codes.BAD_EPHEMERAL,
            f"ephemeral range '{clip(tok.text, 24)}' is not inside"
            f" {EPHEMERAL.low}-{EPHEMERAL.high}: clients open connections from ports"
            f" {EPHEMERAL.low} and up",
            tok.span,
            f"e.g. '{LINUX_EPHEMERAL}' (Linux) or '{WINDOWS_EPHEMERAL}' (Windows)",
        )
        return None
    return found


ICMP_PROTOCOLS = (Protocol.ICMP, Protocol.ICMPV6)


def icmp(c: Context, spec: st.ProtoSpec) -> IcmpType | None:
    """The ``type N [code M]`` of an icmp or icmpv6 rule or query (``None``: every type)."""
    if spec.icmp_type is None:
        return None
    proto = Protocol(spec.protocol.text)
    if proto not in ICMP_PROTOCOLS:
        c.err(
            codes.BAD_ICMP,
            f"{proto.value} has no ICMP type",
            spec.icmp_type.span,
            "write 'type' only with icmp or icmpv6",
        )
        return None
    values: list[int | None] = []
    for word, tok in (("type", spec.icmp_type), ("code", spec.icmp_code)):
        if tok is None:
            values.append(None)
            continue
        value = number_value(tok.text)
        if value is None or value > ICMP_MAX:
            c.err(
                codes.BAD_ICMP,
                f"'{clip(tok.text, 24)}' is not an ICMP {word} in 0-{ICMP_MAX}",
                tok.span,
            )
            return None
        values.append(value)
    assert values[0] is not None
    return IcmpType(values[0], values[1])


def _connection_ports(c: Context, spec: st.ProtoSpec) -> tuple[Protocol, PortRange | None]:
    """The protocol and destination ports of a connection: ``any`` is 1-65535, and port 0,
    which no connection uses, is a ``bad-port``."""
    proto, ports = protocol(c, spec)
    if ports == ALL_PORTS and spec.port is not None and spec.port.text == "any":
        return proto, CONNECTION_PORTS
    if ports is not None and ports.low == 0:
        c.err(
            codes.BAD_PORT,
            "port 0 is not a port a connection can use: TCP and UDP ports are 1-65535",
            spec.port.span if spec.port else spec.span,
        )
        return proto, None
    return proto, ports


def single_port(c: Context, spec: st.ProtoSpec) -> tuple[Protocol, int | None]:
    """A connection's protocol and its one destination port."""
    proto, ports = _connection_ports(c, spec)
    if proto.has_ports and spec.port is None:
        c.err(
            codes.BAD_PORT,
            f"a {proto.value} connection needs a destination port",
            spec.span,
            f"e.g. '{proto.value} 443'",
        )
    if ports is not None and ports.low != ports.high:
        c.err(
            codes.BAD_PORT,
            "a connection has one destination port, not a range",
            spec.port.span if spec.port else spec.span,
        )
    return proto, ports.low if ports else None


def port_set(c: Context, spec: st.ProtoSpec) -> tuple[Protocol, int | None, PortRange | None]:
    """An expectation's protocol, its destination port, and the set of ports it claims for.

    One port gives ``(proto, port, None)``; a range or ``any`` gives the set, with its lowest
    port as the port (``any``: 1-65535).
    """
    proto, ports = _connection_ports(c, spec)
    if proto.has_ports and spec.port is None:
        c.err(
            codes.BAD_PORT,
            f"a {proto.value} connection needs a destination port",
            spec.span,
            f"e.g. '{proto.value} 443', '{proto.value} 1-1024' or '{proto.value} any'",
        )
    if ports is None:
        return proto, None, None
    if ports.low == ports.high and spec.port is not None and spec.port.text != "any":
        return proto, ports.low, None
    return proto, ports.low, ports


def volume(c: Context, tok: st.Tok) -> Volume | None:
    try:
        return parse_volume(tok.text)
    except (
        InvalidOperation,
        KeyError,
    ):  # the grammar admits only valid ones (tests/dsl/test_codes.py reads one directly)
        c.err(codes.BAD_VOLUME, f"'{tok.text}' is not a volume", tok.span)
        return None


def unique_options(c: Context, options: Iterable[st.Option]) -> list[st.Option]:
    """The options of a statement, each once: a repeated one is a ``bad-option``."""
    seen: dict[str, st.Option] = {}
    for opt in options:
        if opt.keyword in seen:
            c.err(
                codes.BAD_OPTION,
                f"'{opt.keyword}' is given twice",
                opt.span,
                f"first on column {seen[opt.keyword].span.column}",
            )
            continue
        seen[opt.keyword] = opt
    return list(seen.values())


def options_by_keyword(c: Context, options: Iterable[st.Option]) -> dict[str, st.Option]:
    """:func:`unique_options` by keyword (the same diagnostics, one dictionary less)."""
    seen: dict[str, st.Option] = {}
    for opt in options:
        keyword = opt.keyword
        if keyword in seen:
            c.err(
                codes.BAD_OPTION,
                f"'{keyword}' is given twice",
                opt.span,
                f"first on column {seen[keyword].span.column}",
            )
            continue
        seen[keyword] = opt
    return seen


def tok(value: st.Tok | st.Ref) -> st.Tok:
    """An option's value as one word."""
    return value if isinstance(value, st.Tok) else value.parts[-1]


def unquote(text: str) -> str:
    return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")


#: RFC 1035 §2.3.4: a label is 63 octets at most, a name 255 on the wire, which is 253
#: characters written without the final dot (one length octet per label, and the root's).
MAX_LABEL = 63
MAX_NAME = 253


def name_problem(text: str, asked: bool = False) -> str | None:
    """Why ``text`` is not a DNS name (RFC 1035's limits), or None.

    Args:
        text: the name as written (a final dot is allowed).
        asked: the name is to be resolved, where an IP address is no name to ask for.

    Returns:
        The message of the diagnostic, quoting the name, or None for a good name.
    """
    name = text[:-1] if text.endswith(".") else text
    shown = text if len(text) <= 60 else text[:57] + "…"
    if asked and is_address(name):
        return f"'{shown}' is an IP address, not a DNS name: there is nothing to resolve"
    labels = name.split(".")
    if "" in labels:
        return f"'{shown}' has an empty label: the labels of a DNS name are one dot apart"
    long = next((label for label in labels if len(label) > MAX_LABEL), None)
    if long is not None:
        head = long if len(long) <= 20 else long[:20] + "…"
        return (
            f"the label '{head}' of '{shown}' is {len(long)} characters long:"
            f" a DNS label has at most {MAX_LABEL}"
        )
    if len(name) > MAX_NAME:
        return f"'{shown}' is {len(name)} characters long: a DNS name has at most {MAX_NAME}"
    return None
