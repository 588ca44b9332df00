"""Queries from the command line: ``SRC DST [PROTO PORT]`` resolved against a network."""

from __future__ import annotations

from netdraft import codes
from netdraft.diagnostics import Diagnostic, clip, error
from netdraft.dsl.compile import PlaceResolver, number_value
from netdraft.dsl.parse import parse
from netdraft.dsl.syntax import ExpectPathDecl
from netdraft.model.network import Network, Query
from netdraft.model.values import Protocol, Span

#: The protocols a query may name (``tcp``, ``udp``, ``icmp``…).
PROTOCOLS = frozenset(p.value for p in Protocol)
#: What a query's PROTO PORT must look like.
EXPECTED = "expected a protocol and a port, e.g. 'tcp 22', 'udp 53', 'icmp', 'all'"
#: What a query's SRC and DST may be.
ENDPOINTS = (
    "expected an instance, a host, a NAT gateway, an IP address, 'internet' or a service,"
    " written 'name' or 'vpc.name'"
)


def parse_query(
    network: Network,
    source: str,
    destination: str,
    protocol: str | None = None,
    port: str | None = None,
) -> Query | list[Diagnostic]:
    """Read a query the way an ``expect`` line reads it.

    Args:
        network: the network whose names the endpoints use.
        source: an instance, host, address, ``internet`` or service.
        destination: likewise.
        protocol: tcp, udp, icmp, icmpv6 or all (default: icmp when no port is given).
        port: the destination port (tcp and udp).

    Returns:
        The query, or the diagnostics explaining what is wrong with it.
    """
    proto = protocol or "icmp"
    where = Span("<query>", 1, 1, 1, 1)
    if proto not in PROTOCOLS:
        return [error(codes.BAD_QUERY, f"'{clip(proto, 40)}' is not a protocol: {EXPECTED}", where)]
    head = f"expect {source} -> {destination} "
    text = f"{head}{proto}{' ' + port if port else ''} allow\n"
    tree, problems = parse(text, "<query>")
    if (
        tree is None
        or len(tree.statements) != 1
        or not isinstance(tree.statements[0], ExpectPathDecl)
    ):
        # The words were read as an ``expect`` line: say what is wrong in the query's terms.
        ends = len("expect ") + len(source), len(head) - 1
        reasons: list[Diagnostic] = []
        for problem in problems or [error(codes.BAD_QUERY, "", where)]:
            column = problem.span.column - 1
            if column >= ends[1] or not problems:
                written = f"{proto} {port}" if port else proto
                message = f"'{clip(written, 60)}' is not a protocol and port: {EXPECTED}"
            else:
                word = source if column <= ends[0] else destination
                message = f"'{clip(word, 60)}' is not an endpoint: {ENDPOINTS}"
            if all(d.message != message for d in reasons):
                reasons.append(error(codes.BAD_QUERY, message, where))
        return reasons
    decl = tree.statements[0]
    resolver = PlaceResolver(network)
    found: list[Diagnostic] = []
    places = []
    for place in (decl.source, decl.destination):
        resolved = resolver.resolve(place)
        if isinstance(resolved, Diagnostic):
            found.append(resolved)
        else:
            places.append(resolved)
    protocol_value = Protocol(decl.protocol.protocol.text)
    port_value: int | None = None
    if decl.protocol.port is not None:
        low, _, high = decl.protocol.port.text.partition("-")
        # An over-long number is never converted (``int`` refuses more than 4,300 digits).
        value = number_value(low)
        if high or not protocol_value.has_ports or value is None or not 0 <= value <= 65535:
            found.append(
                error(
                    codes.BAD_PORT,
                    f"'{clip(decl.protocol.port.text, 24)}' is not one destination port for {protocol_value.value}",
                    decl.protocol.port.span,
                )
            )
        else:
            port_value = value
    elif protocol_value.has_ports:
        found.append(
            error(
                codes.BAD_PORT,
                f"a {protocol_value.value} query needs a destination port",
                decl.protocol.span,
            )
        )
    if found:
        return found
    return Query(places[0], places[1], protocol_value, port_value)
