"""Queries from the command line: ``SRC DST [PROTO [PORT | PORTS | type N [code M]]]``
resolved against a network, read exactly as an ``expect`` line reads them."""

from __future__ import annotations

from netdraft import codes
from netdraft.diagnostics import Diagnostic, clip, error
from netdraft.dsl.compile import PlaceResolver
from netdraft.dsl.parse import parse
from netdraft.dsl.passes import literals
from netdraft.dsl.passes.context import Context
from netdraft.dsl.syntax import ExpectPathDecl
from netdraft.model.network import Network, Query
from netdraft.model.values import Span


def parse_query(
    network: Network,
    source: str,
    destination: str,
    protocol: str | None = None,
    *rest: str | None,
) -> Query | list[Diagnostic]:
    """Read a query the way an ``expect`` line reads it.

    Args:
        network: the network whose names the endpoints use.
        source: an instance, host, address, ``internet`` or service.
        destination: likewise.
        protocol: tcp, udp, icmp, icmpv6 or all (default: icmp when no port is given).
        rest: what follows the protocol: a destination port (``443``), a set of them
            (``1-1024``, ``any``: allowed when every port is), or ``type N [code M]``
            for icmp and icmpv6 (``None`` words are skipped).

    Returns:
        The query, or the diagnostics explaining what is wrong with it.
    """
    words = [w for w in (protocol or "icmp", *rest) if w]
    text = f"expect {source} -> {destination} {' '.join(words)} allow\n"
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
    c = Context(tree)
    proto, port, ports = literals.port_set(c, decl.protocol)
    icmp = literals.icmp(c, decl.protocol)
    found += c.diagnostics
    if found:
        return found
    return Query(places[0], places[1], proto, port, icmp, ports)
