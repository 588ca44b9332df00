"""Parse ``.nd`` text into the syntax tree, with spans, or syntax diagnostics."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import hmac
import io
import os
import re
import secrets
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lark
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.grammar import Terminal
from lark.parsers.lalr_analysis import Shift

from netdraft import cache, codes
from netdraft.diagnostics import Diagnostic, clip, did_you_mean, end_position, error
from netdraft.dsl import messages
from netdraft.dsl import syntax as st
from netdraft.dsl.passes import literals
from netdraft.dsl.source import collector_paused as collector_paused  # its home before
from netdraft.files import read_bytes
from netdraft.model.package_data import package_text
from netdraft.model.values import Span

#: The largest table file read back, and the bytes of the HMAC in front of its pickle.
_MAX_TABLE_BYTES = 16 * 1024 * 1024
_TAG = 32

#: How the parser's terminal names read to a person, for "expected …" messages.
TERMINAL_WORDS: dict[str, str] = {
    "NAME": "a name",
    "DOMAIN": "a domain name",
    "STRING": 'a "string"',
    "CIDR4": "an IPv4 CIDR such as 10.0.0.0/16",
    "CIDR6": "an IPv6 CIDR such as 2001:db8::/56",
    "IPV4": "an IPv4 address",
    "IPV6": "an IPv6 address",
    "VOLUME": "a volume such as 100GB",
    "AMOUNT": "an amount in USD",
    "PORT": "a port or range such as 443 or 1024-65535",
    "INT": "a number (a rule number, an ICMP type or code)",
    "ANY": "any (every port)",
    "PROTOCOL": "a protocol (tcp, udp, icmp, icmpv6, all)",
    "ACTION": "allow or deny",
    "VERDICT": "allow or deny",
    "ONOFF": "on or off",
    "CODE": "an explanation code such as SG_INGRESS_MISMATCH",
    "COST_OP": "=, < or <=",
    "FLOW_LOG_DESTINATION": "s3 or cloudwatch (where a flow log publishes)",
    "_EOS": "end of statement",
    "$END": "end of file",
}


def _span(path: str, token: Token) -> Span:
    return Span(
        path,
        token.line or 0,
        token.column or 0,
        token.end_line or token.line or 0,
        token.end_column or token.column or 0,
    )


@functools.cache
def parser() -> Lark:
    """The LALR parser for the grammar file, built once per process.

    Building its tables takes longer than most files take to parse, so they are kept in
    a file of the user's cache folder (:func:`table_cache`), named by the grammar, the options
    (the lexer's callbacks by their names), Lark's version and Python's: a changed grammar
    gets new tables, never stale ones; signed like every cache entry. Each
    process writes its own file and renames it into place, so that a reader never sees
    half a file; a cache that cannot be written costs only the time to build the tables.
    """
    grammar = package_text("netdraft.grammar", "netdraft.lark")
    options: dict[str, Any] = {
        "parser": "lalr",
        "lexer": "contextual",
        "propagate_positions": False,  # spans come from the tokens: see _callbacks
        "maybe_placeholders": False,
        "lexer_callbacks": _lexer_callbacks(),
    }
    folder = table_cache()
    if folder is None:
        return Lark(grammar, **options)
    settings = sorted((k, v) for k, v in options.items() if k != "lexer_callbacks")
    # The file keeps the lexer's callbacks by their names: other callbacks, other tables.
    settings.append(
        (
            "lexer_callbacks",
            sorted(
                (t, f"{f.__module__}.{f.__qualname__}")
                for t, f in options["lexer_callbacks"].items()
            ),
        )
    )
    key = hashlib.sha256(f"{grammar}{settings}{lark.__version__}{sys.version}".encode()).hexdigest()
    path = folder / f"lark-{key[:32]}.tables"
    # Lark keeps its tables as a pickle, and reading a pickle can run any code: the file
    # is read only when it carries an HMAC under the user's secret (as every cache entry,
    # :class:`cache.Store`), so a cache folder others can write (a CI cache restored
    # from another branch) cannot make netdraft run their code.
    signer = cache.secret()
    try:
        data = read_bytes(path, _MAX_TABLE_BYTES)
        payload = _unsealed(signer, key, data)
        if payload is not None:
            return Lark.load(io.BytesIO(payload))
    except Exception:  # none yet, or damaged: build the tables (and keep them)
        pass
    built = Lark(grammar, **options)
    # A name nobody can guess, made anew (O_EXCL): never a file or a link planted there.
    written = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp")
    try:
        kept = io.BytesIO()
        built.save(kept)  # the lexer's callbacks are kept by their names (in the key too)
        fd = os.open(written, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(_sealed(signer, key, kept.getvalue()))
        os.replace(written, path)
    except Exception:  # OSError, or a callback pickle cannot name: kept nowhere
        with contextlib.suppress(OSError):
            written.unlink(missing_ok=True)
    return built


def _sealed(signer: bytes, key: str, payload: bytes) -> bytes:
    """The tables' file: an HMAC of its key and its pickle, then the pickle."""
    return hmac.new(signer, key.encode() + b"\0" + payload, hashlib.sha256).digest() + payload


def _unsealed(signer: bytes, key: str, data: bytes) -> bytes | None:
    """The pickle of a tables' file signed here for this key (None: another key's file,
    moved here, or one not signed here)."""
    payload = data[_TAG:]
    return payload if hmac.compare_digest(_sealed(signer, key, payload), data) else None


#: Set to a folder to keep the parser's tables there, or to an empty value to keep none.
CACHE_VARIABLE = cache.FOLDER_VARIABLE


def table_cache() -> Path | None:
    """The folder for the parser's tables: netdraft's cache folder (:func:`cache.folder`)."""
    return cache.folder()


#: Where the lexer puts the comments it skips during the current parse (for ``fmt``).
_comment_sink: contextvars.ContextVar[list[Token] | None] = contextvars.ContextVar(
    "comment_sink", default=None
)


def _lexer_callbacks() -> dict[str, Callable[[Token], Token]]:
    """What the lexer calls on tokens of a terminal: the comment sink (for ``fmt``)."""
    return {"COMMENT": _on_comment}


def _on_comment(token: Token) -> Token:
    sink = _comment_sink.get()
    if sink is not None:
        sink.append(token)
    return token


def _slot_maker(cls: type, *fields: str) -> Any:
    """A faster ``cls(*values)`` for a frozen dataclass with slots, for the parser's million
    spans and words: each slot is set by its descriptor, as the class's own ``__init__``
    does through ``object.__setattr__``, at half the cost. The object is the same (equal,
    same hash, frozen after)."""
    new = object.__new__
    setters = tuple(cls.__dict__[name].__set__ for name in fields)
    if len(fields) == 2:
        set_a, set_b = setters

        def make2(a: Any, b: Any) -> Any:
            made: Any = new(cls)
            set_a(made, a)
            set_b(made, b)
            return made

        return make2
    if len(fields) == 3:
        set_x, set_y, set_z = setters

        def make3(a: Any, b: Any, c: Any) -> Any:
            made: Any = new(cls)
            set_x(made, a)
            set_y(made, b)
            set_z(made, c)
            return made

        return make3
    set_1, set_2, set_3, set_4, set_5 = setters

    def make5(a: Any, b: Any, c: Any, d: Any, e: Any) -> Any:
        made: Any = new(cls)
        set_1(made, a)
        set_2(made, b)
        set_3(made, c)
        set_4(made, d)
        set_5(made, e)
        return made

    return make5


#: ``Span(...)``, ``st.Tok(...)`` and ``st.Ref(...)``, made faster (the fields in their classes' order).
_new_span: Callable[..., Span] = _slot_maker(
    Span, "file", "line", "column", "end_line", "end_column"
)
_new_tok: Callable[[str, Span], st.Tok] = _slot_maker(st.Tok, "text", "span")
_new_ref: Callable[[tuple[st.Tok, ...], Span], st.Ref] = _slot_maker(st.Ref, "parts", "span")
_new_option: Callable[[str, tuple[Any, ...], Span], st.Option] = _slot_maker(
    st.Option, "keyword", "values", "span"
)
_new_instance: Callable[..., st.InstanceDecl] = _slot_maker(
    st.InstanceDecl, "name", "subnet", "options", "span", "dns"
)


class _Piece:
    """A value on the parser's stack with the first and last token of the text it covers.

    ``rule`` names an inlined rule (``_vpc_item``, ``__vpc_plus_3``), whose ``value`` is
    the list of its kept children for the rule that takes it in; it is ``None`` for a
    rule the transformer makes a node of. ``first`` is ``None`` for an empty rule.
    """

    __slots__ = ("first", "last", "rule", "value")

    def __init__(self, value: Any, first: Token | None, last: Token | None, rule: str | None):
        self.value = value
        self.first = first
        self.last = last
        self.rule = rule


@dataclass(frozen=True, slots=True)
class _Plan:
    """How one grammar rule's children are kept, and what is made of them.

    ``keep`` holds ``(index, kind)`` for each child Lark's tree would hold: ``"token"``,
    ``"node"`` (a rule's node) or ``"inline"`` (an inlined rule, whose kept children take
    its place). ``ends`` says whether the first and the last child are tokens. ``method``
    is the transformer's method for the rule (``None``: the rule is inlined).
    """

    method: str | None
    rule: str
    keep: tuple[tuple[int, str], ...]
    size: int
    ends: tuple[bool, bool]


#: Node-making methods that do not use their rule's span: none is made for them.
_SPANLESS = frozenset(
    [
        "start",
        "cidr",
        "address",
        "list_name",
        "icmp_type",
        "accel_ips",
        "attach_subnets",
        "dhcp_addresses",
        "dx_allowed",
        "expect_via",
        "expect_because",
        "flow_return",
        "resolves_to",
        "resolves_via",
        "resolves_because",
        "vpn_static",
        "vpn_bgp",
    ]
)


@functools.cache
def _plans() -> dict[Any, _Plan]:
    """Each rule of the grammar and how its children are kept: Lark's tree builder's rules
    (anonymous keywords and ``_`` terminals dropped, ``_`` rules inlined), decided once."""
    plans: dict[Any, _Plan] = {}
    for rule in parser().rules:
        if rule.options.expand1 and not rule.alias:  # pragma: no cover - the grammar has no ?rule
            raise NotImplementedError(f"'?{rule.origin.name}' is not supported")
        expansion = rule.expansion
        keep = tuple(
            (i, "token" if sym.is_term else "inline" if sym.name.startswith("_") else "node")
            for i, sym in enumerate(expansion)
            if rule.options.keep_all_tokens or not (isinstance(sym, Terminal) and sym.filter_out)
        )
        name = str(rule.alias or rule.options.template_source or rule.origin.name)
        method = None if name.startswith("_") else name
        if method is not None and not hasattr(_ToSyntax, method):  # pragma: no cover
            raise NotImplementedError(f"no syntax node for the rule '{name}'")
        ends = (bool(expansion) and expansion[0].is_term, bool(expansion) and expansion[-1].is_term)
        plans[rule] = _Plan(method, name, keep, len(expansion), ends)
    return plans


def _callbacks(path: str) -> dict[Any, Any]:
    """The parser's reduce callbacks for one file: syntax nodes built as the parser reduces
    each rule, with no parse tree in between.

    A node's span runs from the first token of the text its rule covers to the last,
    keywords included (the tree would drop those): the same as Lark's
    ``propagate_positions``, at a fraction of its cost.
    """
    return _Callbacks(_ToSyntax(path))


class _Callbacks(dict[Any, Any]):
    """The reduce callback of each rule, made when the parser first reduces the rule: a
    small file uses a fifth of the grammar's rules, and needs no callback for the others."""

    def __init__(self, builder: _ToSyntax) -> None:
        super().__init__()
        self.builder = builder

    def __bool__(self) -> bool:
        return True  # Lark's parser calls no callback at all when they look like none

    def __missing__(self, rule: Any) -> Any:
        made = self[rule] = _reducer(_plans()[rule])(self.builder)
        return made


def _ends(children: list[Any]) -> tuple[Token | None, Token | None]:
    """The first and the last token of the text that ``children`` cover (none: empty)."""
    first = last = None
    for child in children:
        first = child.first if type(child) is _Piece else child
        if first is not None:
            break
    for child in reversed(children):
        last = child.last if type(child) is _Piece else child
        if last is not None:
            break
    return first, last


@functools.cache
def _reducer(plan: _Plan) -> Any:
    """The function that makes a rule's reduce callback for a transformer.

    Each callback is written out for its rule's shape (which children are tokens, which
    are kept, which are inlined), so that the parser's million reductions of a large file
    run no interpreted loop over it: Lark's child filter's work, in less than half its time.
    """
    lines = ["def make(builder):"]
    if plan.method is not None:
        lines.append(f"    method = builder.{plan.method}")
    lines += ["    path = builder.path", "    def reduce(children):"]
    body: list[str] = []
    if plan.size == 0:
        body.append("first = last = None")
    else:
        first_term, last_term = plan.ends
        body.append("first = children[0]" + ("" if first_term else ".first"))
        body.append("last = children[-1]" + ("" if last_term else ".last"))
        if not (first_term and last_term):
            body.append("if first is None or last is None:")
            body.append("    first, last = _ends(children)")
    values = {
        "token": "children[{i}]",
        "node": "children[{i}].value",
    }
    run: list[str] = []
    started = False
    for i, kind in plan.keep:
        if kind == "inline":
            if run:
                body.append(("kept += [" if started else "kept = [") + ", ".join(run) + "]")
                started, run = True, []
            body.append(f"kept {'+=' if started else '='} children[{i}].value")
            started = True
        else:
            run.append(values[kind].format(i=i))
    if run or not started:
        body.append(("kept += [" if started else "kept = [") + ", ".join(run) + "]")
    # The piece is made without a call to its ``__init__``: its four slots set here.
    if plan.method is None:
        body.append(f"value, rule = kept, {plan.rule!r}")
    elif plan.method in _SPANLESS:
        body.append("value, rule = method(None, kept), None")
    else:
        body.append("if first is None:")
        body.append("    value = method(None, kept)")
        body.append("else:")
        body.append(
            "    value = method(Span(path, first.line, first.column, last.end_line,"
            " last.end_column), kept)"
        )
        body.append("rule = None")
    body += [
        "piece = new(_Piece)",
        "piece.value = value",
        "piece.first = first",
        "piece.last = last",
        "piece.rule = rule",
        "return piece",
    ]
    lines += [f"        {line}" for line in body]
    lines.append("    return reduce")
    scope: dict[str, Any] = {
        "_Piece": _Piece,
        "_ends": _ends,
        "Span": _new_span,
        "new": object.__new__,
    }
    exec(compile("\n".join(lines), f"<reduce {plan.rule}>", "exec"), scope)
    return scope["make"]


class _ToSyntax:
    """Makes :mod:`netdraft.dsl.syntax` nodes of each rule's kept children; checks nothing.

    Each method takes the span of the text its rule covers and the children Lark's tree
    would give the rule: tokens and the nodes of the rules inside it.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        #: Each word's text once: a large file names its subnets, groups, protocols and
        #: CIDRs over and over (a third of its words' memory is repeats).
        self.words: dict[str, str] = {}

    def _t(self, token: Token) -> st.Tok:
        text = str(token)
        # A lexed token has every position (``_span`` allows for a made one's missing ones).
        return _new_tok(
            self.words.setdefault(text, text),
            _new_span(self.path, token.line, token.column, token.end_line, token.end_column)
            if token.end_column is not None
            else _span(self.path, token),
        )

    def _opt(self, keyword: str, span: Span, values: list[Any]) -> st.Option:
        word = self._t
        return _new_option(
            keyword, tuple([word(v) if isinstance(v, Token) else v for v in values]), span
        )

    # -- leaves -------------------------------------------------------------------------------
    def ref(self, span: Span, c: list[Token]) -> st.Ref:
        if len(c) == 1 and c[0].end_column is not None:
            # One lexed name: its word's span is the reference's (equal values, and frozen),
            # so one Span serves both (a large file has a reference on most lines).
            text = str(c[0])
            return _new_ref((_new_tok(self.words.setdefault(text, text), span),), span)
        word = self._t
        return _new_ref(tuple([word(t) for t in c]), span)

    def cidr(self, span: Span, c: list[Token]) -> st.Tok:
        return self._t(c[0])

    def address(self, span: Span, c: list[Token]) -> st.Tok:
        return self._t(c[0])

    def list_name(self, span: Span, c: list[Token]) -> st.Tok:
        return self._t(c[0])

    def prefix_list(self, span: Span, c: list[Any]) -> st.PrefixListDecl:
        return st.PrefixListDecl(self._t(c[0]), tuple(c[1:]), span)

    def protocol(self, span: Span, c: list[Any]) -> st.ProtoSpec:
        port = self._t(c[1]) if len(c) > 1 and isinstance(c[1], Token) else None
        icmp: list[st.Tok] = c[-1] if isinstance(c[-1], list) else []
        return st.ProtoSpec(
            self._t(c[0]),
            port,
            span,
            icmp[0] if icmp else None,
            icmp[1] if len(icmp) > 1 else None,
        )

    def icmp_type(self, span: Span, c: list[Token]) -> list[st.Tok]:
        return [self._t(t) for t in c]

    # -- top level ----------------------------------------------------------------------------
    def start(self, span: Span | None, c: list[Any]) -> list[Any]:
        return c

    def title(self, span: Span, c: list[Token]) -> st.Title:
        return st.Title(self._t(c[0]), span)

    def prices(self, span: Span, c: list[Token]) -> st.Prices:
        return st.Prices(self._t(c[0]), span)

    def include(self, span: Span, c: list[Token]) -> st.Include:
        return st.Include(self._t(c[0]), span)

    def region(self, span: Span, c: list[Any]) -> st.RegionDecl:
        return st.RegionDecl(self._t(c[0]), tuple(c[1:]), span)

    def vpc(self, span: Span, c: list[Any]) -> st.VpcDecl:
        cidrs = tuple(self._t(x) for x in c[1:] if isinstance(x, Token))
        ipam = next((x for x in c[1:] if isinstance(x, st.VpcIpam)), None)
        items = tuple(x for x in c[1:] if not isinstance(x, Token | st.VpcIpam))
        return st.VpcDecl(self._t(c[0]), cidrs, items, span, ipam)

    def vpc_ipam(self, span: Span, c: list[Token]) -> st.VpcIpam:
        length = self._t(c[1]) if len(c) > 1 else None
        return st.VpcIpam(self._t(c[0]), length, span)

    def accelerator(self, span: Span, c: list[Any]) -> st.AcceleratorDecl:
        ips: tuple[st.Tok, ...] = next((x for x in c[1:] if isinstance(x, tuple)), ())
        listeners = tuple(x for x in c[1:] if isinstance(x, st.AcceleratorListenerDecl))
        return st.AcceleratorDecl(self._t(c[0]), ips, listeners, span)

    def accel_ips(self, span: Span, c: list[Token]) -> tuple[st.Tok, ...]:
        return tuple(self._t(t) for t in c)

    def accel_listener(self, span: Span, c: list[Any]) -> st.AcceleratorListenerDecl:
        return st.AcceleratorListenerDecl(self._t(c[0]), self._t(c[1]), tuple(c[2:]), span)

    def accel_endpoint(self, span: Span, c: list[Any]) -> st.AcceleratorEndpointDecl:
        target = c[0] if isinstance(c[0], st.Ref) else self._t(c[0])
        weight = self._t(c[1]) if len(c) > 1 else None
        return st.AcceleratorEndpointDecl(target, weight, span)

    def ipam_pool(self, span: Span, c: list[Token]) -> st.IpamPoolDecl:
        return st.IpamPoolDecl(self._t(c[0]), self._t(c[1]), span)

    # -- inside a VPC -------------------------------------------------------------------------
    def vpc_ipv6(self, span: Span, c: list[Token]) -> st.VpcIpv6:
        return st.VpcIpv6(self._t(c[0]), span)

    def internet_gateway(self, span: Span, c: list[Token]) -> st.GatewayDecl:
        return st.GatewayDecl("internet-gateway", self._t(c[0]), span)

    def egress_only_gateway(self, span: Span, c: list[Token]) -> st.GatewayDecl:
        return st.GatewayDecl("egress-only-gateway", self._t(c[0]), span)

    def vpn_gateway(self, span: Span, c: list[Token]) -> st.GatewayDecl:
        return st.GatewayDecl("vpn-gateway", self._t(c[0]), span)

    def dhcp_options(self, span: Span, c: list[Any]) -> st.DhcpOptions:
        servers: tuple[st.Tok, ...] = c[1] if len(c) > 1 else ()
        return st.DhcpOptions(self._t(c[0]), span, servers)

    def dhcp_amazon(self, span: Span, c: list[Token]) -> tuple[st.Tok, ...]:
        return (st.Tok("amazon", span),)

    def dhcp_addresses(self, span: Span, c: list[Token]) -> tuple[st.Tok, ...]:
        return tuple(self._t(t) for t in c)

    def dns_support(self, span: Span, c: list[Token]) -> st.DnsFlag:
        return st.DnsFlag("dns-support", self._t(c[0]), span)

    def dns_hostnames(self, span: Span, c: list[Token]) -> st.DnsFlag:
        return st.DnsFlag("dns-hostnames", self._t(c[0]), span)

    # -- DNS ----------------------------------------------------------------------------------
    def zone(self, span: Span, c: list[Any]) -> st.ZoneDecl:
        refs = tuple(x for x in c[1:] if isinstance(x, st.Ref))
        records = tuple(x for x in c[1:] if isinstance(x, st.RecordDecl))
        return st.ZoneDecl(self._t(c[0]), refs, records, span)

    def _record(self, kind: str, span: Span, c: list[Any]) -> st.RecordDecl:
        values = tuple(self._t(v) if isinstance(v, Token) else v for v in c[1:])
        return st.RecordDecl(self._t(c[0]), kind, values, span)

    def record_a(self, span: Span, c: list[Any]) -> st.RecordDecl:
        return self._record("A", span, c)

    def record_aaaa(self, span: Span, c: list[Any]) -> st.RecordDecl:
        return self._record("AAAA", span, c)

    def record_cname(self, span: Span, c: list[Any]) -> st.RecordDecl:
        return self._record("CNAME", span, c)

    def record_alias(self, span: Span, c: list[Any]) -> st.RecordDecl:
        return self._record("ALIAS", span, c)

    def resolver_endpoint(self, span: Span, c: list[Any]) -> st.EndpointDecl:
        subnets = tuple(x for x in c[2:] if isinstance(x, st.Ref))
        ips = next((x for x in c[2:] if isinstance(x, st.Option) and x.keyword == "ips"), None)
        sg = next((x for x in c[2:] if isinstance(x, st.Option) and x.keyword == "sg"), None)
        groups = tuple(v for v in sg.values if isinstance(v, st.Ref)) if sg else ()
        return st.EndpointDecl(
            self._t(c[0]),
            "interface",
            st.Tok("route53resolver", span),
            subnets,
            groups,
            span,
            ips,
            str(c[1]),
        )

    def resolver_rule(self, span: Span, c: list[Any]) -> st.ResolverRuleDecl:
        targets = tuple(self._t(t) for t in c[2:] if isinstance(t, Token))
        refs = [x for x in c[2:] if isinstance(x, st.Ref)]
        return st.ResolverRuleDecl(
            self._t(c[0]), self._t(c[1]), targets, refs[0], tuple(refs[1:]), span
        )

    def dns_block(self, span: Span, c: list[st.DnsItem]) -> st.DnsBlock:
        return st.DnsBlock(tuple(c), span)

    def dns_zone(self, span: Span, c: list[Token]) -> st.DnsItem:
        return st.DnsItem("zone", self._t(c[0]), (), span)

    def dns_forward(self, span: Span, c: list[Any]) -> st.DnsItem:
        targets = tuple(self._t(t) if isinstance(t, Token) else t for t in c[1:])
        domain = c[0] if isinstance(c[0], st.Tok) else self._t(c[0])
        return st.DnsItem("forward", domain, targets, span)

    def forward_root(self, span: Span, c: list[Token]) -> st.Tok:
        return st.Tok(".", span)

    def dns_place(self, span: Span, c: list[Token]) -> st.DnsPlace:
        return st.DnsPlace(self._t(c[0]), span)

    def expect_resolves(self, span: Span, c: list[Any]) -> st.ExpectResolvesDecl:
        kind, values = c[2]
        addresses = tuple(values) if kind == "=" else ()
        via = values[0] if kind == "via" else None
        because = values[0] if kind == "because" else None
        return st.ExpectResolvesDecl(c[0], self._t(c[1]), addresses, via, because, span)

    def resolves_to(self, span: Span, c: list[Token]) -> tuple[str, list[st.Tok]]:
        return "=", [self._t(t) for t in c]

    def resolves_via(self, span: Span, c: list[st.Ref]) -> tuple[str, list[st.Ref]]:
        return "via", list(c)

    def resolves_because(self, span: Span, c: list[Token]) -> tuple[str, list[st.Tok]]:
        return "because", [self._t(c[0])]

    def subnet(self, span: Span, c: list[Any]) -> st.SubnetDecl:
        return st.SubnetDecl(self._t(c[0]), self._t(c[1]), self._t(c[2]), tuple(c[3:]), span)

    def subnet_ipv6(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("ipv6", span, c)

    def public_ip_on_launch(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("public-ip-on-launch", span, c)

    def route_table(self, span: Span, c: list[Any]) -> st.RouteTableDecl:
        main = c[1] if len(c) > 1 and isinstance(c[1], st.Tok) else None
        items = tuple(x for x in c[1:] if not isinstance(x, st.Tok))
        return st.RouteTableDecl(self._t(c[0]), main, items, span)

    def main_flag(self, span: Span, c: list[Token]) -> st.Tok:
        return st.Tok("main", span)

    def route_via(self, span: Span, c: list[Any]) -> st.RouteDecl:
        return st.RouteDecl(c[0], c[1], span)

    def route_blackhole(self, span: Span, c: list[Any]) -> st.RouteDecl:
        return st.RouteDecl(c[0], None, span)

    def propagate(self, span: Span, c: list[st.Ref]) -> st.Propagate:
        return st.Propagate(tuple(c), span)

    def associate(self, span: Span, c: list[st.Ref]) -> st.Associate:
        return st.Associate(tuple(c), span)

    def nat_gateway(self, span: Span, c: list[Any]) -> st.NatGatewayDecl:
        return st.NatGatewayDecl(self._t(c[0]), c[1], tuple(c[2:]), span)

    def nat_private(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("private", span, c)

    def nat_ip(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("ip", span, c)

    def nat_eip(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("eip", span, c)

    def security_group(self, span: Span, c: list[Any]) -> st.SecurityGroupDecl:
        return st.SecurityGroupDecl(self._t(c[0]), tuple(c[1:]), span)

    def ingress(self, span: Span, c: list[Any]) -> st.SgRuleDecl:
        return st.SgRuleDecl("ingress", c[0], c[1], span)

    def egress(self, span: Span, c: list[Any]) -> st.SgRuleDecl:
        return st.SgRuleDecl("egress", c[0], c[1], span)

    def network_acl(self, span: Span, c: list[Any]) -> st.NetworkAclDecl:
        return st.NetworkAclDecl(self._t(c[0]), tuple(c[1:]), span)

    def inbound(self, span: Span, c: list[Any]) -> st.AclRuleDecl:
        return st.AclRuleDecl("inbound", self._t(c[0]), self._t(c[1]), c[2], c[3], span)

    def outbound(self, span: Span, c: list[Any]) -> st.AclRuleDecl:
        return st.AclRuleDecl("outbound", self._t(c[0]), self._t(c[1]), c[2], c[3], span)

    def instance(self, span: Span, c: list[Any]) -> st.InstanceDecl:
        options = tuple(c[2:])
        dns = None
        for x in options:  # most instances have no DNS block: one look, no second tuple
            if isinstance(x, st.DnsBlock):
                dns = x
                options = tuple([x for x in options if not isinstance(x, st.DnsBlock)])
                break
        return _new_instance(self._t(c[0]), c[1], options, span, dns)

    def instance_ip(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("ip", span, c)

    def instance_ipv6(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("ipv6", span, c)

    def public_ip(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("public-ip", span, c)

    def elastic_ip(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("elastic-ip", span, c)

    def groups(self, span: Span, c: list[st.Ref]) -> st.Option:
        return self._opt("sg", span, list(c))

    def source_dest_check(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("source-dest-check", span, c)

    def stopped(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("stopped", span, c)

    def ephemeral(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("ephemeral", span, c)

    def down(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("down", span, c)

    def gateway_endpoint(self, span: Span, c: list[Any]) -> st.EndpointDecl:
        return st.EndpointDecl(self._t(c[0]), "gateway", self._t(c[1]), tuple(c[2:]), (), span)

    def interface_endpoint(self, span: Span, c: list[Any]) -> st.EndpointDecl:
        subnets = tuple(x for x in c[2:] if isinstance(x, st.Ref))
        options = [x for x in c[2:] if isinstance(x, st.Option)]
        groups = next((x.values for x in options if x.keyword == "sg"), ())
        ips = next((x for x in options if x.keyword == "ips"), None)
        ports = next((x for x in options if x.keyword == "ports"), None)
        return st.EndpointDecl(
            self._t(c[0]),
            "interface",
            self._t(c[1]),
            subnets,
            tuple(g for g in groups if isinstance(g, st.Ref)),
            span,
            ips,
            ports=ports,
        )

    def endpoint_ips(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("ips", span, c)

    def endpoint_ports(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("ports", span, c)

    def load_balancer(self, span: Span, c: list[Any]) -> st.LoadBalancerDecl:
        subnets = tuple(x for x in c[3:] if isinstance(x, st.Ref))
        options = tuple(x for x in c[3:] if isinstance(x, st.Option))
        listeners = tuple(x for x in c[3:] if isinstance(x, st.ListenerDecl))
        return st.LoadBalancerDecl(
            self._t(c[0]), self._t(c[1]), self._t(c[2]), subnets, options, listeners, span
        )

    def lb_eips(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("eips", span, c)

    def cross_zone(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("cross-zone", span, c)

    def lb_ipam(self, span: Span, c: list[Any]) -> st.Option:
        return self._opt("ipam-pool", span, c)

    def listener(self, span: Span, c: list[Any]) -> st.ListenerDecl:
        return st.ListenerDecl(self._t(c[0]), self._t(c[1]), c[2], span)

    def target_group(self, span: Span, c: list[Any]) -> st.TargetGroupDecl:
        return st.TargetGroupDecl(self._t(c[0]), self._t(c[1]), self._t(c[2]), tuple(c[3:]), span)

    def flow_log(self, span: Span, c: list[Any]) -> st.FlowLogDecl:
        volume = self._t(c[2]) if len(c) > 2 else None
        return st.FlowLogDecl(c[0], self._t(c[1]), volume, span)

    def traffic_mirror(self, span: Span, c: list[Any]) -> st.TrafficMirrorDecl:
        return st.TrafficMirrorDecl(c[0], c[1], span)

    # -- transit gateways ---------------------------------------------------------------------
    def transit_gateway(self, span: Span, c: list[Any]) -> st.TransitGatewayDecl:
        return st.TransitGatewayDecl(self._t(c[0]), tuple(c[1:]), span)

    def attach_vpc(self, span: Span, c: list[Any]) -> st.AttachDecl:
        subnets: tuple[st.Ref, ...] = c[1] if len(c) > 1 else ()
        return st.AttachDecl("vpc", c[0], subnets, span)

    def attach_subnets(self, span: Span, c: list[st.Ref]) -> tuple[st.Ref, ...]:
        return tuple(c)

    def attach_vpn(self, span: Span, c: list[st.Ref]) -> st.AttachDecl:
        return st.AttachDecl("vpn", c[0], (), span)

    def tgw_route_table(self, span: Span, c: list[Any]) -> st.TgwRouteTableDecl:
        return st.TgwRouteTableDecl(self._t(c[0]), tuple(c[1:]), span)

    def tgw_route_via(self, span: Span, c: list[Any]) -> st.TgwRouteDecl:
        return st.TgwRouteDecl(c[0], c[1], span)

    def tgw_route_blackhole(self, span: Span, c: list[Any]) -> st.TgwRouteDecl:
        return st.TgwRouteDecl(c[0], None, span)

    # -- connections, sites, flows ------------------------------------------------------------
    def peering(self, span: Span, c: list[Any]) -> st.PeeringDecl:
        return st.PeeringDecl(self._t(c[0]), c[1], c[2], span)

    def tgw_peering(self, span: Span, c: list[Any]) -> st.TgwPeeringDecl:
        options = tuple(x for x in c[3:] if isinstance(x, st.Option))
        return st.TgwPeeringDecl(self._t(c[0]), c[1], c[2], span, options)

    def dx_connection(self, span: Span, c: list[Any]) -> st.DxConnectionDecl:
        options = tuple(x for x in c[3:] if isinstance(x, st.Option))
        site = next(x for x in c[3:] if isinstance(x, st.Ref))
        return st.DxConnectionDecl(self._t(c[0]), self._t(c[1]), self._t(c[2]), site, span, options)

    def dx_hosted(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("hosted", span, c)

    def dx_device(self, span: Span, c: list[Token]) -> st.Option:
        return self._opt("on", span, c)

    def dx_gateway(self, span: Span, c: list[Any]) -> st.DxGatewayDecl:
        return st.DxGatewayDecl(self._t(c[0]), tuple(c[1:]), span)

    def dx_associate(self, span: Span, c: list[Any]) -> st.DxAssociateDecl:
        refs = tuple(x for x in c if isinstance(x, st.Ref))
        allowed = next((x for x in c if isinstance(x, tuple)), ())
        return st.DxAssociateDecl(refs, allowed, span)

    def dx_allowed(self, span: Span, c: list[st.Tok]) -> tuple[st.Tok, ...]:
        return tuple(c)

    def vif(self, span: Span, c: list[Any]) -> st.VifDecl:
        return st.VifDecl(self._t(c[0]), self._t(c[1]), c[2], c[3], span)

    def expect_resiliency(self, span: Span, c: list[Any]) -> st.ExpectResiliencyDecl:
        return st.ExpectResiliencyDecl(c[0], self._t(c[1]), span)

    def site(self, span: Span, c: list[Any]) -> st.SiteDecl:
        cidrs = tuple(self._t(x) for x in c[1:] if isinstance(x, Token))
        items = tuple(x for x in c[1:] if not isinstance(x, Token))
        return st.SiteDecl(self._t(c[0]), cidrs, items, span)

    def customer_gateway(self, span: Span, c: list[Token]) -> st.CustomerGatewayDecl:
        return st.CustomerGatewayDecl(self._t(c[0]), self._t(c[1]), span)

    def host(self, span: Span, c: list[Any]) -> st.HostDecl:
        dns = c[2] if len(c) > 2 else None
        return st.HostDecl(self._t(c[0]), self._t(c[1]), span, dns)

    def site_ephemeral(self, span: Span, c: list[Token]) -> st.SiteEphemeral:
        return st.SiteEphemeral(self._t(c[0]), span)

    def vpn_static(self, span: Span, c: list[st.Tok]) -> tuple[str, tuple[st.Tok, ...]]:
        return ("static", tuple(c))

    def vpn_bgp(self, span: Span, c: list[Any]) -> tuple[str, tuple[st.Tok, ...]]:
        return ("bgp", ())

    def vpn(self, span: Span, c: list[Any]) -> st.VpnDecl:
        routing, prefixes = c[3]
        options = tuple(x for x in c[4:] if isinstance(x, st.Option))
        return st.VpnDecl(self._t(c[0]), c[1], c[2], routing, prefixes, span, options)

    def flow(self, span: Span, c: list[Any]) -> st.FlowDecl:
        ret = c[5] if len(c) > 5 else None
        return st.FlowDecl(self._t(c[0]), c[1], c[2], c[3], self._t(c[4]), ret, span)

    def flow_return(self, span: Span, c: list[Token]) -> st.Tok:
        return self._t(c[0])

    def expect_path(self, span: Span, c: list[Any]) -> st.ExpectPathDecl:
        via = next((x for x in c[4:] if isinstance(x, st.Ref)), None)
        because = next((x for x in c[4:] if isinstance(x, st.Tok)), None)
        return st.ExpectPathDecl(c[0], c[1], c[2], self._t(c[3]), via, because, span)

    def expect_via(self, span: Span, c: list[st.Ref]) -> st.Ref:
        return c[0]

    def expect_because(self, span: Span, c: list[Token]) -> st.Tok:
        return self._t(c[0])

    def expect_cost(self, span: Span, c: list[Token]) -> st.ExpectCostDecl:
        return st.ExpectCostDecl(self._t(c[0]), self._t(c[1]), self._t(c[2]), span)

    def scenario(self, span: Span, c: list[Any]) -> st.ScenarioDecl:
        return st.ScenarioDecl(self._t(c[0]), tuple(c[1:]), span)

    def scenario_down(self, span: Span, c: list[st.Ref]) -> st.DownDecl:
        return st.DownDecl(tuple(c), span)


def _expected_words(expected: set[str]) -> str:
    words = sorted({TERMINAL_WORDS.get(t, _literal(t)) for t in expected})
    if len(words) > 8:
        words = [*words[:8], "…"]
    return ", ".join(words)


def _literal(terminal: str) -> str:
    """Lark names anonymous keyword terminals after their text (``VPC``, ``LBRACE``…)."""
    pattern = parser().get_terminal(terminal).pattern if _has_terminal(terminal) else None
    if pattern is not None and pattern.type == "str":
        return f"'{pattern.value}'"
    return terminal.lower()


def _has_terminal(name: str) -> bool:
    try:
        parser().get_terminal(name)
    except KeyError:
        return False
    return True


def _token_words(token: Token) -> str:
    if token.type == "_EOS":
        return "the end of the line" if token.value != ";" else "';'"
    if token.type == "$END":
        return "end of file"
    return f"'{clip(str(token.value), 40)}'"


_V = "region us-east-1 {\n  vpc v 10.0.0.0/16 {\n    "

#: Known mistakes and what to say about them, matched by the parser state they fail in
#: (Lark's ``match_examples``). Each example is a whole file that fails at its end.
SYNTAX_CATALOGUE: dict[str, list[str]] = {
    "a subnet needs its availability zone, e.g. 'az us-east-1a'": [
        _V + "subnet a 10.0.1.0/24 az\n",
        _V + "subnet a 10.0.1.0/24\n",
    ],
    "write the target after 'via', e.g. 'route 0.0.0.0/0 via igw'": [
        _V + "route-table rt {\n      route 0.0.0.0/0 igw\n",
        _V + "route-table rt {\n      route 0.0.0.0/0\n",
        _V + "route-table rt { route 0.0.0.0/0 igw }\n",
    ],
    "a rule names its peer after 'from' (ingress) or 'to' (egress), e.g. 'ingress tcp 22 from 10.0.0.0/8'": [
        _V + "security-group g {\n      ingress tcp 22 10.0.0.0/8\n",
        _V + "security-group g {\n      egress tcp 443 0.0.0.0/0\n",
    ],
    "an ACL rule reads: NUMBER allow|deny PROTOCOL [PORTS] from|to CIDR, e.g. 'inbound 100 allow tcp 443 from 0.0.0.0/0'": [
        _V + "network-acl a {\n      inbound allow tcp 443 from 0.0.0.0/0\n",
        _V + "network-acl a {\n      inbound 100 tcp 443 from 0.0.0.0/0\n",
    ],
    "an expectation ends with allow or deny, e.g. 'expect app -> db tcp 5432 allow'": [
        "expect a -> b tcp 443\n",
        "expect a -> b icmp\n",
    ],
    "a flow ends with its monthly volume, e.g. 'flow f: app -> db tcp 5432 volume 100GB'": [
        "flow f: a -> b tcp 443\n",
        "flow f: a -> b tcp 443 volume\n",
        "flow f: a -> b tcp 443 100GB\n",
        "flow f: a -> b icmp 100GB\n",
    ],
    "a protocol and its port follow the endpoints, e.g. 'tcp 22', 'udp 53', 'icmp' or 'all'": [
        "expect a -> b ssh allow\n",
        "expect a -> b allow\n",
        "expect a -> b\n",
        "flow f: a -> b https volume 1GB\n",
        "flow f: a -> b volume 1GB\n",
    ],
    "a rule's protocol is tcp, udp, icmp, icmpv6 or all, then its port, e.g. 'ingress tcp 443 from 0.0.0.0/0'": [
        _V + "security-group g {\n      ingress https 443 from 0.0.0.0/0\n",
        _V + "security-group g {\n      ingress from 0.0.0.0/0\n",
        _V + "security-group g {\n      egress to 0.0.0.0/0\n",
    ],
    "an instance names its subnet after 'in', then its options, e.g. 'instance web in public-a sg web-sg'": [
        _V + "instance web public-a\n",
        _V + "instance web sg web-sg in public-a\n",
        _V + "instance web ip 10.0.1.10 in public-a\n",
        _V + "instance web\n",
    ],
    "a NAT gateway names its subnet after 'in', e.g. 'nat-gateway nat-a in public-a'": [
        _V + "nat-gateway nat-a public-a\n",
        _V + "nat-gateway nat-a\n",
    ],
    "write '->' between the two endpoints": [
        "expect a b tcp 443 allow\n",
        "flow f: a b tcp 443 volume 1GB\n",
    ],
    "a volume has a unit: MB, GB or TB, e.g. '100GB'": [
        "flow f: a -> b tcp 443 volume 100\n",
    ],
    "a VPC needs its IPv4 CIDR, e.g. 'vpc main 10.0.0.0/16 {'": [
        "region us-east-1 {\n  vpc main {\n",
    ],
    "a VPC's contents go in a block after its CIDRs, e.g. 'vpc main 10.0.0.0/16 { … }' ('{ }' when empty)": [
        "region us-east-1 {\n  vpc main 10.0.0.0/16\n",
    ],
    "a block's contents go between '{' and '}', e.g. 'security-group web { … }'": [
        _V + "security-group web\n",
        _V + "route-table rt\n",
        _V + "route-table rt main\n",
        _V + "network-acl acl\n",
    ],
    "the two sides are joined with '<->', e.g. 'peering a-b a <-> b'": [
        "peering p a b\n",
        "vpn v vgw cgw static 192.168.0.0/16\n",
    ],
}


@functools.cache
def _catalogue() -> dict[tuple[int, str], str]:
    """The catalogue keyed by (LALR state, unexpected token type) where each example fails.

    Lark's own ``match_examples`` also compares the parser stack's depth, which differs
    with a statement's position in its block; the state alone is what names the mistake.
    """
    index: dict[tuple[int, str], str] = {}
    for label, examples in SYNTAX_CATALOGUE.items():
        for example in examples:
            try:
                parser().parse(example)
            except UnexpectedToken as exc:
                if exc.state is not None:
                    position = _error_state(exc.state.parse_conf.states, exc.state.state_stack)
                    index.setdefault((position, exc.token.type), label)
                    index.setdefault((position, ""), label)
    return index


def _error_state(states: Mapping[Any, Mapping[str, tuple[Any, Any]]], stack: list[Any]) -> Any:
    """The state that names a mistake: the error's state after the reductions it would make
    whatever comes next.

    LALR shares the state after a word among every rule that ends with it (``tcp 443`` in
    a flow, an expectation and a security group rule): reducing while the state reduces by
    one rule only reaches the state of the statement the word is in.
    """
    stack = list(stack)
    while True:
        rules = {rule for kind, rule in states[stack[-1]].values() if kind is not Shift}
        if len(rules) != 1:
            return stack[-1]
        (rule,) = rules
        size = len(rule.expansion)
        if size >= len(stack):
            return stack[-1]
        if size:
            del stack[-size:]
        goto = states[stack[-1]].get(rule.origin.name)
        if goto is None:
            return stack[-1]
        stack.append(goto[1])


def _friendly(exc: UnexpectedInput) -> str | None:
    if not isinstance(exc, UnexpectedToken) or exc.state is None:
        return None
    index = _catalogue()
    position = _error_state(exc.state.parse_conf.states, exc.state.state_stack)
    return index.get((position, exc.token.type)) or index.get((position, ""))


def _glued_label(value: str, accepted: set[str]) -> str | None:
    """A hint for a keyword glued to the word after it (``azus-east-1a``, ``sgweb``)."""
    glued = [
        word[1:-1]
        for word in map(_literal, accepted)
        if word.startswith("'") and value.startswith(word[1:-1])
        if _NAME.fullmatch(word[1:-1]) and _GLUED.match(value, len(word) - 2)
    ]
    if not glued or not _GLUED_WORD.fullmatch(value):
        return None
    keyword = max(glued, key=len)
    return f"a space goes after the keyword: '{keyword} {value[len(keyword) :]}'"


def _better_label(token: Token, accepted: set[str]) -> str | None:
    """A hint for a misspelt keyword (``secuirty-group``) or an address written where a
    CIDR goes."""
    value = str(token.value)
    if token.type in ("IPV4", "IPV6") and accepted & {"CIDR4", "CIDR6"}:
        whole = "0" if value in ("0.0.0.0", "::") else "32" if token.type == "IPV4" else "128"
        which = "every address" if whole == "0" else "this one address"
        return f"a CIDR has a prefix length: '{value}/{whole}' is {which}"
    if not _NAME.fullmatch(value):
        return None
    keywords = [
        word[1:-1]
        for word in (_literal(t) for t in accepted)
        if word.startswith("'") and _NAME.fullmatch(word[1:-1])
    ]
    if "PROTOCOL" in accepted:
        keywords += ["tcp", "udp", "icmp", "icmpv6", "all"]
    hint = did_you_mean(value, keywords)
    return f"did you mean '{hint}'?" if hint and hint != value else None


def _unclosed_before(exc: UnexpectedToken) -> list[OpenBlock]:
    """The innermost blocks that a ``}`` missing before the unexpected token leaves open."""
    if exc.state is None:
        return []
    blocks = open_blocks(exc.state.value_stack)
    states = exc.state.parse_conf.states
    count = _closes_before(states, list(exc.state.state_stack), exc.token, len(blocks))
    return blocks[len(blocks) - count :] if count else []


def syntax_diagnostic(
    path: str, text: str, exc: UnexpectedInput, misaligned: str | None = None
) -> Diagnostic:
    """Turn Lark's exception into a diagnostic at the first unexpected token.

    ``misaligned`` says which ``}`` read so far is indented unlike the block it closes:
    a note when the file ends inside a block.
    """
    notes: list[str] = []
    code = codes.SYNTAX
    line, column = exc.line, exc.column
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        width = 0
        friendly = _friendly(exc)
        # ``accepts`` (what the parser really accepts here) is sharper than ``expected``,
        # which LALR state merging can widen.
        accepted = set(getattr(exc, "accepts", None) or exc.expected)
        expected = _expected_words(accepted - {"RBRACE"} if token.type == "$END" else accepted)
        if token.type == "_EOS" and token.value != ";":
            # A statement cut short at the end of its line: point just after its last word.
            label = friendly or f"expected {expected}"
            message = f"the statement ends too early: expected {expected}"
            start = token.start_pos or 0
            if token.value == "\n" and start > 0 and text[start - 1] == "\r":
                column -= 1  # a CRLF line end the lexer took as a skipped '\r' and a '\n'
            if "CODE" in accepted:
                notes.extend(messages.unknown_code("")[2])
        elif token.type == "$END" and "RBRACE" in accepted:
            # Most often a block left open: say which, whatever else would also fit here.
            blocks = open_blocks(exc.state.value_stack) if exc.state is not None else []
            if blocks:
                inner = blocks[-1]
                outer = "".join(
                    f" (inside '{b.header}', line {b.brace.line})" for b in blocks[-2::-1]
                )
                message = f"the file ends inside {inner}{outer}; {_missing_braces(blocks)}"
                label = f"add '}}' to close '{inner.header}' (line {inner.brace.line})"
                notes.extend([misaligned] if misaligned else [])
            else:
                message = "the file ends inside a block: expected '}'"
                label = friendly or f"expected '}}' or {expected}"
        elif str(token.value) == "include" and "RBRACE" in accepted:
            # LANGUAGE.md §8: a file is included at the top level, never inside a block.
            label = "include is a top-level statement: write it outside every block"
            message = "unexpected 'include' inside a block"
        elif closing := _unclosed_before(exc):
            names = " and ".join(
                f"'{b.header}' (opened at line {b.brace.line})" for b in closing[::-1]
            )
            message = (
                f"{_token_words(token)} cannot be written inside {names}; "
                f"{_missing_braces(closing)} before it"
            )
            label = f"close '{closing[-1].header}' with '}}' before this line"
        elif "CODE" in accepted and (word := _NAME.match(text, token.start_pos or 0)):
            # ``because no_route``: the lexer reads no code in it; say what the codes are.
            message, label, more = messages.unknown_code(word.group())
            notes.extend(more)
            code = codes.UNKNOWN_CODE
            width = len(word.group())
        elif (
            token.type == "RBRACE"
            and exc.state is not None
            and not open_blocks(exc.state.value_stack)
        ):
            message = "unexpected '}': every block above is already closed"
            label = "remove this '}', or add the '{' it was meant to close"
        elif dotted := _empty_label(text, token.start_pos):
            message, label, width, back = dotted
            code = codes.DNS_NAME
            column -= back
        elif (
            (word := _GLUED_WORD.match(text, token.start_pos or 0))
            and token.type not in ("_EOS", "$END")
            and (glued := _glued_label(word.group(), accepted))
        ):
            message, label, width = f"unexpected '{word.group()}'", glued, len(word.group())
        else:
            label = friendly or _better_label(token, accepted) or f"expected {expected}"
            message = f"unexpected {_token_words(token)}"
            if "…" not in expected and not label.startswith("expected"):
                message += f": expected {expected}"
        if token.type == "$END":
            line, column = _end_position(text)
        if width == 0:
            width = max(1, len(str(token.value))) if token.type not in ("_EOS", "$END") else 1
    elif isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream
        char = text[pos] if pos is not None and pos < len(text) else ""
        message = f"unexpected character {char!r}"
        allowed = getattr(exc, "allowed", None) or set()
        label = (
            f"expected {_expected_words(set(allowed))}" if allowed else "not part of the language"
        )
        width = 1
        if dotted := _empty_label(text, pos):
            message, label, width, back = dotted
            code = codes.DNS_NAME
            column -= back
    elif isinstance(exc, UnexpectedEOF):
        line, column = _end_position(text)
        message = "unexpected end of file"
        label = f"expected {_expected_words(set(exc.expected))}"
        width = 1
    else:  # pragma: no cover - Lark raises only the three kinds above
        message, label, width = str(exc), "", 1
    if line is None or line < 1:
        line, column = _end_position(text)
    span = Span(path, line, column, line, column + width)
    return error(code, message, span, label, notes)


def _end_position(text: str) -> tuple[int, int]:
    return end_position(text)


def parse(text: str, path: str = "<input>") -> tuple[st.SourceFile | None, list[Diagnostic]]:
    """Parse text into a syntax tree.

    Args:
        text: the file's contents.
        path: the name diagnostics give the file.

    Returns:
        The syntax tree (``None`` when the text does not parse) and the syntax diagnostics.
    """
    with collector_paused():
        comments: list[st.Comment] = []
        tree, problems = _parse_collecting(text, comments, path)
        if problems:
            return None, problems
        statements = tuple(tree.value)  # the piece of the whole file: its statements
        return st.SourceFile(path, text, statements, tuple(comments)), []


#: How many syntax errors one run reports at most.
MAX_SYNTAX_ERRORS = 20

#: What recovery reads when it skips text: strings and comments (whose braces do not
#: count), braces and newlines.
_SKIP = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"?|#[^\n]*|[{}\n]')
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
#: Terminals other than NAME that can match a word a name could also be.
_WORD_PATTERNS = ("PROTOCOL", "ACTION", "VERDICT", "ONOFF", "CODE", "DOMAIN")


@functools.cache
def _keywords() -> frozenset[str]:
    """The keyword terminals (``az``, ``in``, ``sg``…): literal words, which Lark's lexer
    matches without a word boundary (``azus-east-1a`` would read as ``az us-east-1a``)."""
    return frozenset(
        t.name
        for t in parser().terminals
        if t.pattern.type == "str" and _NAME.fullmatch(t.pattern.value)
    )


#: What continues a word: a name character, or ``-`` before one (``->`` ends a word).
_GLUED = re.compile(r"[A-Za-z0-9_]|-[A-Za-z0-9_]")
#: A keyword and what is glued to it, as the message quotes it: a name, ``vpc.name``, an
#: address or a CIDR (``ip10.0.1.9``).
_DOTTED = re.compile(r"[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)+")


def _empty_label(text: str, pos: int | None) -> tuple[str, str, int, int] | None:
    """The message, label, width and start (characters before ``pos``) of a DNS name with
    an empty label (``db..corp``, ``.corp.internal``) when the unexpected dot at ``pos`` is
    in one; the lexer cuts such a name at its empty label, so the parser sees a stray dot."""
    if pos is None or not text.startswith(".", pos):
        return None
    start = pos
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-."):
        start -= 1
    word = _DOTTED.match(text, start)
    if word is None:
        return None
    name = word.group()
    if ".." not in name and not (name.startswith(".") and len(name) > 1):
        return None
    if not any(ch.isalpha() or ch in "_-" for ch in name):
        return None  # digits and dots: an address or a CIDR mistyped, not a DNS name
    problem = literals.name_problem(name)
    if problem is None:  # pragma: no cover - the match has an empty label
        return None
    return problem, "write one dot between labels, none before the first", len(name), pos - start


_GLUED_WORD = re.compile(r"[A-Za-z_](?:[A-Za-z0-9_.:/]|-(?!>))*")


def _glued(text: str, token: Token, state: Any, interactive: Any) -> None:
    """Refuse a keyword the next word is glued to (``azus-east-1a``): the whole word is the
    unexpected token, so the message says what was meant."""
    end = token.end_pos or 0
    if not _GLUED.match(text, end):
        return
    word = _GLUED_WORD.match(text, token.start_pos or 0)
    assert word is not None  # a keyword is a word's first characters
    whole = Token("NAME", word.group(), token.start_pos, token.line, token.column)
    whole.end_line, whole.end_pos = token.line, word.end()
    whole.end_column = (token.column or 1) + len(word.group())
    expected = set(state.parse_conf.states[state.state_stack[-1]])
    raise UnexpectedToken(  # type: ignore[no-untyped-call]
        whole, expected, state=state, interactive_parser=interactive
    )


@functools.cache
def _word_terminals() -> frozenset[str]:
    """Keywords (``associate``, ``private``…) and word-like terminals (``tcp``, ``on``…)."""
    return _keywords() | frozenset(_WORD_PATTERNS)


def _shifts(
    states: Mapping[Any, Mapping[str, tuple[Any, Any]]], stack: list[Any], terminal: str
) -> bool:
    """Whether the LALR tables, from this stack, shift ``terminal`` after any reductions.

    Works on a copy of the state stack and builds no tree. An LALR parser never shifts a
    token that cannot continue a valid file, so a shift means the word fits here.
    """
    action = states[stack[-1]].get(terminal)
    if action is None or action[0] is Shift:  # most words: taken as they are, or not at all
        return action is not None
    # The stack as the reductions leave it, uncopied: ``stack[:depth]`` then ``pushed``.
    depth = len(stack)
    pushed: list[Any] = []
    while True:
        kind, rule = action
        if kind is Shift:
            return True
        size = len(rule.expansion)
        if size >= len(pushed):
            depth -= size - len(pushed)
            pushed.clear()
        elif size:
            del pushed[-size:]
        state = states[pushed[-1] if pushed else stack[depth - 1]][rule.origin.name][1]
        pushed.append(state)
        action = states[state].get(terminal)
        if action is None:
            return False


#: The deepest state stack whose answers :func:`_shifts_remembered` keeps.
_REMEMBERED_DEPTH = 64


def _shifts_remembered(
    states: Mapping[Any, Mapping[str, tuple[Any, Any]]],
) -> Callable[[list[Any], str], bool]:
    """:func:`_shifts` for one parse, each answer kept by the whole stack and terminal: a
    large file asks it the same few hundred questions tens of thousands of times. Stacks
    deeper than :data:`_REMEMBERED_DEPTH` are not kept (a deeply nested hostile file would
    otherwise keep a long key per word)."""
    known: dict[tuple[tuple[Any, ...], str], bool] = {}

    def fits(stack: list[Any], terminal: str) -> bool:
        if len(stack) > _REMEMBERED_DEPTH:
            return _shifts(states, stack, terminal)
        key = (tuple(stack), terminal)
        answer = known.get(key)
        if answer is None:
            answer = known[key] = _shifts(states, stack, terminal)
        return answer

    return fits


def _advance(
    states: Mapping[Any, Mapping[str, tuple[Any, Any]]], stack: list[Any], terminal: str
) -> list[Any] | None:
    """The state stack after the LALR tables shift ``terminal`` from ``stack`` (after any
    reductions), or ``None`` when they do not take it. Builds no tree."""
    stack = list(stack)
    while True:
        action = states[stack[-1]].get(terminal)
        if action is None:
            return None
        kind, rule = action
        if kind is Shift:
            stack.append(rule)
            return stack
        size = len(rule.expansion)
        if size:
            del stack[-size:]
        stack.append(states[stack[-1]][rule.origin.name][1])


@dataclass(frozen=True, slots=True)
class OpenBlock:
    """A block the parser is inside: its header's first words and its ``{``."""

    header: str
    brace: Token

    def __str__(self) -> str:
        return f"'{self.header}' opened at line {self.brace.line}"


def open_blocks(values: list[Any]) -> list[OpenBlock]:
    """The blocks a parser's value stack is inside, outermost first.

    A block's ``{`` stays on the stack until its ``}`` is read; the words before it, back
    to the end of the previous statement, are its header (``vpc app``).
    """
    found: list[OpenBlock] = []
    for i, value in enumerate(values):
        if not (isinstance(value, Token) and value.type == "LBRACE"):
            continue
        start = i
        while start > 0 and _in_header(values[start - 1]):
            start -= 1
        words = [str(v) for v in values[start:i] if isinstance(v, Token)][:2]
        found.append(OpenBlock(" ".join(words) or "a block", value))
    return found


def _in_header(value: Any) -> bool:
    if isinstance(value, Token):
        return value.type not in ("LBRACE", "RBRACE", "_EOS")
    if isinstance(value, _Piece):  # netdraft's parse: an anonymous rule (``CIDR4+``)
        return value.rule is not None and value.rule.startswith("__")
    return isinstance(value, Tree) and str(value.data).startswith("__")


def _braces(values: list[Any]) -> list[Token]:
    return [v for v in values if isinstance(v, Token) and v.type == "LBRACE"]


def _indent(text: str, position: int) -> tuple[int, bool]:
    """The indentation of the line holding ``position``, and whether only blanks precede it."""
    start = text.rfind("\n", 0, position) + 1
    end = start
    while end < len(text) and text[end] in " \t":
        end += 1
    return end - start, end >= position


def _misaligned(text: str, opened: Token, brace: Token) -> bool:
    """Whether a ``}`` alone at the start of its line is indented less than the line of the
    ``{`` it closes: the ``}`` missing in the file is then most likely that block's."""
    depth, alone = _indent(text, brace.start_pos or 0)
    return alone and depth < _indent(text, opened.start_pos or 0)[0]


def _misaligned_note(values: list[Any], opened: Token, brace: Token) -> str:
    header = next((b.header for b in open_blocks(values) if b.brace is opened), "a block")
    return (
        f"the '}}' on line {brace.line} closes '{header}' (line {opened.line}) but is"
        f" indented like an outer block: the '}}' of '{header}' may be the one missing"
    )


def _closes_before(
    states: Mapping[Any, Mapping[str, tuple[Any, Any]]], stack: list[Any], token: Token, most: int
) -> int:
    """How many ``}`` written before ``token`` would let the parser take it (0: none do).

    A statement the parser refuses inside a block but takes after it (``vpc`` inside a
    ``vpc``, ``instance`` inside a ``security-group``) most often means a ``}`` is missing.
    """
    if token.type in ("RBRACE", "_EOS", "$END", "NAME"):
        return 0
    for count in range(1, most + 1):
        closed = _advance(states, stack, "RBRACE")
        if closed is None:
            return 0
        stack = closed
        after = _advance(states, stack, "_EOS")
        if after is not None and _shifts(states, after, token.type):
            return count
    return 0


def _missing_braces(blocks: list[OpenBlock]) -> str:
    return "a '}' is missing" if len(blocks) == 1 else f"{len(blocks)} '}}' are missing"


def _resume_point(text: str, start: int, error: int) -> tuple[int, int] | None:
    """Where parsing resumes after an error, skipping the statement it is in.

    The text from ``start`` (where the statement began) to the end of the error's line is
    dropped; a block opened there is dropped up to its ``}``. Returns the position of the
    newline to resume at and how many blocks the dropped text closed, or ``None`` when the
    file ends first.
    """
    line_end = text.find("\n", error)
    if line_end < 0:
        line_end = len(text)
    depth = closes = 0
    for match in _SKIP.finditer(text, start):
        word = match.group()
        if word == "{":
            depth += 1
        elif word == "}":
            if depth:
                depth -= 1
            else:
                closes += 1
        elif word == "\n" and depth == 0 and match.start() >= line_end:
            return match.start(), closes
    return (len(text), closes) if depth == 0 else None


def _parse_collecting(
    text: str, comments: list[st.Comment], path: str
) -> tuple[Any, list[Diagnostic]]:
    """Parse, gathering the comments the lexer skips; the tree, or the syntax errors."""
    tokens: list[Token] = []
    reset = _comment_sink.set(tokens)
    try:
        return _parse_recovering(text, path)
    finally:
        _comment_sink.reset(reset)
        comments.extend(st.Comment(str(t).rstrip(), _span(path, t)) for t in tokens)


def _parse_recovering(text: str, path: str) -> tuple[Any, list[Diagnostic]]:
    """One pass of Lark's interactive parser that reads keywords as names where only a
    name fits, and after a syntax error resumes at the next statement.

    Words such as ``private`` are keywords in one place and names in another. The
    contextual lexer offers the terminals of the parser's state, but LALR merges states,
    so after ``associate public`` it may still offer ``private`` (a NAT gateway option):
    a keyword the parser cannot take where it can take a name is read as the name. A
    file that parsed before reads the same, since no keyword it contains was refused.

    Recovery: at each statement boundary (a newline or ``;`` taken) the parser's stacks
    are saved; at an error they are restored, the text up to the end of the error's line
    (and any block opened there) is skipped, braces closed in it are fed again, and
    lexing goes on from that newline. The work is one parse of the file, whatever the
    number of errors (at most :data:`MAX_SYNTAX_ERRORS` are reported).
    """
    interactive = parser().parse_interactive(text)
    state = interactive.parser_state
    state.parse_conf.callbacks = _callbacks(path)  # this parse's own: nodes, not a tree
    states = state.parse_conf.states
    lexer_state = interactive.lexer_thread.state
    assert lexer_state is not None  # a thread made from a text has its state
    line_counter = lexer_state.line_ctr
    words = _word_terminals()
    keywords = _keywords()
    saved: tuple[list[Any], list[Any], int] = (list(state.state_stack), [], 0)
    found: list[Diagnostic] = []
    last: Token | None = None
    misaligned: str | None = None
    braces: list[Token] = []  # the '{' of the blocks open, as the parser has them
    lexer = interactive.lexer_thread
    stack = state.state_stack  # the parser changes this list in place, never replaces it
    values = state.value_stack  # likewise
    callbacks = state.parse_conf.callbacks
    # Each rule reduced: its size, the name it goes to, its callback; by the rule's id, as
    # a rule's hash is a Python call (the rules live as long as the tables).
    reductions: dict[int, tuple[int, str, Any]] = {}
    fits = _shifts_remembered(states)
    glued = _GLUED.match
    while True:
        try:
            # What ``interactive.iter_parse()`` does, without its layers: each token is
            # looked at, then fed to the parser.
            for token in lexer.lex(state):  # type: ignore[no-untyped-call]
                kind = token.type
                if last is not None and last.type == "_EOS":
                    saved = (list(stack), list(state.value_stack), last.end_pos or 0)
                if kind in words:
                    table = states[stack[-1]]
                    action = table.get(kind)
                    if (
                        (action is None or action[0] is not Shift)
                        # No name fits where the state has no action for one (the tables
                        # cannot shift it after any reduction): the word stays a keyword,
                        # asked no further (most words a state reduces on are).
                        and "NAME" in table
                        and not fits(stack, kind)
                        and _NAME.fullmatch(token.value)
                        and fits(stack, "NAME")
                    ):
                        token.type = kind = "NAME"
                    if kind in keywords and glued(text, token.end_pos or 0):
                        _glued(text, token, state, interactive)
                elif kind == "LBRACE":
                    braces.append(token)
                elif kind == "RBRACE" and braces:
                    opened = braces.pop()
                    if misaligned is None and _misaligned(text, opened, token):
                        misaligned = _misaligned_note(state.value_stack, opened, token)
                # What ``state.feed_token(token)`` does, inlined: one Python call less per
                # token, and each rule's size, target and callback looked up once.
                while True:
                    action = states[stack[-1]].get(kind)
                    if action is None:
                        expected = {s for s in states[stack[-1]] if s.isupper()}
                        raise UnexpectedToken(  # type: ignore[no-untyped-call]
                            token, expected, state=state, interactive_parser=None
                        )
                    how, arg = action
                    if how is Shift:
                        stack.append(arg)
                        values.append(token)
                        break
                    reduction = reductions.get(id(arg))
                    if reduction is None:
                        reduction = reductions[id(arg)] = (
                            len(arg.expansion),
                            arg.origin.name,
                            callbacks[arg],
                        )
                    size, target, reduce = reduction
                    if size:
                        children = values[-size:]
                        del stack[-size:]
                        del values[-size:]
                    else:
                        children = []
                    values.append(reduce(children))
                    stack.append(states[stack[-1]][target][1])
                last = token
            tree = interactive.feed_eof(last)  # type: ignore[no-untyped-call]
        except UnexpectedInput as exc:
            if isinstance(exc, UnexpectedToken) and exc.interactive_parser is None:
                exc.interactive_parser = interactive  # what ``accepts`` reads, before restoring
            diagnostic = syntax_diagnostic(path, text, exc, misaligned)
            if found and diagnostic.span.line <= found[-1].span.line:
                return None, found
            found.append(diagnostic)
            closing = (
                _unclosed_before(exc)
                if isinstance(exc, UnexpectedToken) and str(exc.token.value) != "include"
                else []
            )
            if closing and isinstance(exc, UnexpectedToken) and len(found) < MAX_SYNTAX_ERRORS:
                # A '}' missing before a statement: read the file as if it were there.
                token = exc.token
                for _ in closing:
                    state.feed_token(_virtual("RBRACE", "}", token))
                state.feed_token(_virtual("_EOS", "\n", token))
                saved = (list(state.state_stack), list(state.value_stack), token.start_pos or 0)
                line_counter.char_pos = token.start_pos or 0
                line_counter.line = token.line or 1
                line_counter.column = token.column or 1
                line_counter.line_start_pos = (token.start_pos or 0) - (token.column or 1) + 1
                braces = _braces(state.value_stack)
                last = None
                continue
            at = _error_position(exc)
            resume = None if at is None else _resume_point(text, saved[2], at)
            if len(found) >= MAX_SYNTAX_ERRORS or resume is None:
                return None, found
            position, closes = resume
            state.state_stack[:] = saved[0]
            state.value_stack[:] = saved[1]
            line = text.count("\n", 0, position) + 1
            line_start = text.rfind("\n", 0, position) + 1
            for _ in range(closes):
                if not _shifts(states, state.state_stack, "RBRACE"):
                    break
                brace = Token("RBRACE", "}", position, line, position - line_start + 1)
                brace.end_line, brace.end_column, brace.end_pos = line, brace.column, position
                state.feed_token(brace)
            line_counter.char_pos = position
            line_counter.line = line
            line_counter.line_start_pos = line_start
            line_counter.column = position - line_start + 1
            braces = _braces(state.value_stack)
            last = None
            continue
        return (tree, []) if not found else (None, found)


def _virtual(kind: str, value: str, at: Token) -> Token:
    """A token recovery supplies where the text lacks it, placed at ``at``."""
    token = Token(kind, value, at.start_pos, at.line, at.column)
    token.end_line, token.end_column, token.end_pos = at.line, at.column, at.start_pos
    return token


def _error_position(exc: UnexpectedInput) -> int | None:
    """Where in the text an error is (``None`` at the end of the file: nothing to resume)."""
    if isinstance(exc, UnexpectedToken):
        token: Token = exc.token
        return None if token.type == "$END" else token.start_pos
    position: int | None = exc.pos_in_stream
    return position


def opening_comment(text: str) -> tuple[str, ...]:
    """The paragraphs of the comment that opens a file: what it says it is about.

    The comment lines before the first statement (blank lines above them are skipped, a
    blank or other line ends them), less their ``#`` and one space; a line holding only
    ``#`` separates paragraphs, whose lines are joined with spaces. Directives to tools
    (``# netdraft: ignore[…]``, a ``#!`` line) are no part of it.

    Args:
        text: the file's text.

    Returns:
        The paragraphs, in order; none when the file opens with a statement.
    """
    paragraphs: list[list[str]] = [[]]
    started = False
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped and not started:
            continue
        if not stripped.startswith("#"):
            break
        started = True
        if stripped.startswith(("#!", "# netdraft:", "#netdraft:")):
            continue
        words = stripped[1:].strip()
        if words:
            paragraphs[-1].append(words)
        elif paragraphs[-1]:
            paragraphs.append([])
    return tuple(" ".join(lines) for lines in paragraphs if lines)
