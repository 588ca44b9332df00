"""Queries from the command line: ``SRC DST [PROTO [PORT | PORTS | type N [code M]]]``
resolved against a network, read exactly as an ``expect`` line reads them."""

from __future__ import annotations

import dataclasses
import functools
import re

from netdraft import codes
from netdraft.diagnostics import Diagnostic, Hints, clip, error
from netdraft.dsl.compile import PlaceResolver
from netdraft.dsl.parse import parse
from netdraft.dsl.passes import literals
from netdraft.dsl.passes.context import Context
from netdraft.dsl.syntax import ExpectPathDecl, Ref, SourceFile
from netdraft.model.network import Network, Query
from netdraft.model.package_data import package_text
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

#: The characters an endpoint is written with: names, ``vpc.name``, IPv4 and IPv6 addresses.
_ENDPOINT_WORD = re.compile(r"[A-Za-z0-9_.:-]+")


def parse_query(
    network: Network,
    source: str,
    destination: str,
    protocol: str | None = None,
    *rest: str | None,
    place_resolver: PlaceResolver | None = None,
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
        place_resolver: the network's place resolver, when the caller keeps one for many
            queries (building it reads every instance of the network).

    Returns:
        The query, or the diagnostics explaining what is wrong with it.
    """
    proto = protocol or "icmp"
    where = Span("<query>", 1, 1, 1, 1)
    for side, word in (("source", source), ("destination", destination)):
        if not _ENDPOINT_WORD.fullmatch(word):
            # '#' or ';' would end the line the query is read as, and blame what follows.
            message = f"the {side} '{clip(word, 60)}' is not an endpoint: {ENDPOINTS}"
            return [error(codes.BAD_QUERY, message, where)]
    if proto not in PROTOCOLS:
        return [error(codes.BAD_QUERY, f"'{clip(proto, 40)}' is not a protocol: {EXPECTED}", where)]
    words = " ".join(w for w in rest if w)
    head = f"expect {source} -> {destination} "
    tree, problems = read_query(source, destination, f"{proto}{' ' + words if words else ''}")
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
                written = f"{proto} {words}" if words else proto
                message = f"'{clip(written, 60)}' is not a protocol and port: {EXPECTED}"
            else:
                word = source if column <= ends[0] else destination
                message = f"'{clip(word, 60)}' is not an endpoint: {ENDPOINTS}"
            if all(d.message != message for d in reasons):
                reasons.append(error(codes.BAD_QUERY, message, where))
        return reasons
    decl = tree.statements[0]
    resolver = place_resolver or PlaceResolver(network)
    resolver.hints = Hints()  # each query has its own budget of hints, as when built anew
    found: list[Diagnostic] = []
    places = []
    for place in (decl.source, decl.destination):
        resolved = resolver.resolve(place)
        if isinstance(resolved, Diagnostic):
            found.append(resolved)
        else:
            places.append(resolved)
    c = Context(tree)
    protocol_, port, ports = literals.port_set(c, decl.protocol)
    icmp = literals.icmp(c, decl.protocol)
    found += c.diagnostics
    if found:
        return found
    return Query(places[0], places[1], protocol_, port, icmp, ports)


def read_query(
    source: str, destination: str, tail: str
) -> tuple[SourceFile | None, list[Diagnostic]]:
    """The syntax of ``expect SOURCE -> DESTINATION TAIL allow``, as :func:`parse` reads it.

    A query names a new endpoint each time (``netdraft.path`` from the internet to each
    of 10,000 instances), and parsing its line costs more than tracing it. When both
    endpoints are plain names (``web``, ``vpc.web``), the line is parsed once per shape
    (the lengths of the names' parts, and the protocol words) with placeholder names of
    the same lengths, and the names are put in the placeholders' places: the words lex
    alike, so the tree, spans included, is the one a parse gives. Anything else (an
    address, a DNS name, a word a keyword may start) is parsed.
    """
    text = f"expect {source} -> {destination} {tail} allow\n"
    shape = _shape(source, _after_expect()), _shape(destination, ())
    if shape[0] is not None and shape[1] is not None:
        template = _template(shape[0], shape[1], tail)
        if template is not None:
            decl = template.statements[0]
            assert isinstance(decl, ExpectPathDecl) and isinstance(decl.source, Ref)
            assert isinstance(decl.destination, Ref)
            named = dataclasses.replace(
                decl,
                source=_named(decl.source, source),
                destination=_named(decl.destination, destination),
            )
            return dataclasses.replace(template, text=text, statements=(named,)), []
    return parse(text, "<query>")


#: A plain name or ``vpc.name``: the words a query's shortcut reads (:func:`read_query`).
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)?")


@functools.cache
def _after_expect() -> tuple[str, ...]:
    """The keywords that may follow ``expect`` (``cost``, ``resiliency``): the lexer reads
    one at the start of a word (``costly`` as ``cost ly``), so such words are parsed."""
    grammar = package_text("netdraft.grammar", "netdraft.lark")
    return tuple(sorted(set(re.findall(r'"expect"\s+"([^"]+)"', grammar))))


def _shape(word: str, keywords: tuple[str, ...]) -> tuple[int, ...] | None:
    """The lengths of a plain name's parts, or None when the word is not one, or starts
    with one of ``keywords``."""
    if not _PLAIN.fullmatch(word) or word.startswith(keywords):
        return None
    return tuple(len(part) for part in word.split("."))


@functools.lru_cache(maxsize=256)
def _template(
    source: tuple[int, ...], destination: tuple[int, ...], tail: str
) -> SourceFile | None:
    """The parse of a query whose names are placeholders of these shapes (None when the
    line does not parse to one ``expect`` of two names: such a query is parsed itself)."""
    words = [".".join("x" * n for n in shape) for shape in (source, destination)]
    tree, problems = parse(f"expect {words[0]} -> {words[1]} {tail} allow\n", "<query>")
    if tree is None or problems or len(tree.statements) != 1:
        return None
    decl = tree.statements[0]
    if not isinstance(decl, ExpectPathDecl):
        return None
    for place, shape in ((decl.source, source), (decl.destination, destination)):
        if not isinstance(place, Ref) or len(place.parts) != len(shape):
            return None
    return tree


def _named(template: Ref, word: str) -> Ref:
    """The placeholder reference with the query's own name parts."""
    parts = tuple(
        dataclasses.replace(tok, text=text)
        for tok, text in zip(template.parts, word.split("."), strict=True)
    )
    return dataclasses.replace(template, parts=parts)
