"""Queries from the command line: ``SRC DST [PROTO PORT]`` resolved against a network."""

from __future__ import annotations

from netdraft import codes
from netdraft.diagnostics import Diagnostic, clip, error
from netdraft.dsl.compile import PlaceResolver, number_value
from netdraft.dsl.parse import parse
from netdraft.dsl.syntax import ExpectPathDecl
from netdraft.model.network import Network, Query
from netdraft.model.values import Protocol, Span


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
    text = f"expect {source} -> {destination} {proto}{' ' + port if port else ''} allow\n"
    tree, problems = parse(text, "<query>")
    if (
        tree is None
        or len(tree.statements) != 1
        or not isinstance(tree.statements[0], ExpectPathDecl)
    ):
        where = Span("<query>", 1, 1, 1, 1)
        return problems or [
            error(codes.BAD_QUERY, f"cannot read the query '{clip(text.strip(), 200)}'", where)
        ]
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
