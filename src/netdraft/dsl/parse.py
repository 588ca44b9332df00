"""Parse ``.nd`` text into the syntax tree, with spans, or syntax diagnostics."""

from __future__ import annotations

import contextvars
import functools
import gc
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.parsers.lalr_analysis import Shift
from lark.tree import Meta

from netdraft import codes
from netdraft.diagnostics import Diagnostic, clip, end_position, error
from netdraft.dsl import syntax as st
from netdraft.model.values import Span

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
    "INT": "a rule number",
    "PROTOCOL": "a protocol (tcp, udp, icmp, icmpv6, all)",
    "ACTION": "allow or deny",
    "VERDICT": "allow or deny",
    "ONOFF": "on or off",
    "CODE": "an explanation code such as SG_INGRESS_MISMATCH",
    "COST_OP": "=, < or <=",
    "_EOS": "end of statement",
    "$END": "end of file",
}


def _span(path: str, meta: Meta | Token) -> Span:
    return Span(
        path,
        meta.line or 0,
        meta.column or 0,
        meta.end_line or meta.line or 0,
        meta.end_column or meta.column or 0,
    )


@functools.cache
def parser() -> Lark:
    """The LALR parser for the grammar file, built once per process."""
    grammar = resources.files("netdraft.grammar").joinpath("netdraft.lark").read_text("utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
        lexer_callbacks={"COMMENT": _on_comment},
    )


#: Where the lexer puts the comments it skips during the current parse (for ``fmt``).
_comment_sink: contextvars.ContextVar[list[Token] | None] = contextvars.ContextVar(
    "comment_sink", default=None
)


def _on_comment(token: Token) -> Token:
    sink = _comment_sink.get()
    if sink is not None:
        sink.append(token)
    return token


@v_args(meta=True)
class _ToSyntax(Transformer[Token, Any]):
    """Reshapes Lark's parse tree into :mod:`netdraft.dsl.syntax` nodes; checks nothing."""

    def __init__(self, path: str) -> None:
        super().__init__(visit_tokens=False)
        self.path = path

    def _s(self, meta: Meta) -> Span:
        return _span(self.path, meta)

    def _t(self, token: Token) -> st.Tok:
        return st.Tok(str(token), _span(self.path, token))

    def _opt(self, keyword: str, meta: Meta, values: list[Any]) -> st.Option:
        toks = tuple(self._t(v) if isinstance(v, Token) else v for v in values)
        return st.Option(keyword, toks, self._s(meta))

    # -- leaves -------------------------------------------------------------------------------
    def ref(self, meta: Meta, c: list[Token]) -> st.Ref:
        return st.Ref(tuple(self._t(t) for t in c), self._s(meta))

    def cidr(self, meta: Meta, c: list[Token]) -> st.Tok:
        return self._t(c[0])

    def address(self, meta: Meta, c: list[Token]) -> st.Tok:
        return self._t(c[0])

    def protocol(self, meta: Meta, c: list[Token]) -> st.ProtoSpec:
        return st.ProtoSpec(self._t(c[0]), self._t(c[1]) if len(c) > 1 else None, self._s(meta))

    # -- top level ----------------------------------------------------------------------------
    def start(self, meta: Meta, c: list[Any]) -> list[Any]:
        return c

    def title(self, meta: Meta, c: list[Token]) -> st.Title:
        return st.Title(self._t(c[0]), self._s(meta))

    def prices(self, meta: Meta, c: list[Token]) -> st.Prices:
        return st.Prices(self._t(c[0]), self._s(meta))

    def region(self, meta: Meta, c: list[Any]) -> st.RegionDecl:
        return st.RegionDecl(self._t(c[0]), tuple(c[1:]), self._s(meta))

    def vpc(self, meta: Meta, c: list[Any]) -> st.VpcDecl:
        cidrs = tuple(self._t(x) for x in c[1:] if isinstance(x, Token))
        items = tuple(x for x in c[1:] if not isinstance(x, Token))
        return st.VpcDecl(self._t(c[0]), cidrs, items, self._s(meta))

    # -- inside a VPC -------------------------------------------------------------------------
    def vpc_ipv6(self, meta: Meta, c: list[Token]) -> st.VpcIpv6:
        return st.VpcIpv6(self._t(c[0]), self._s(meta))

    def internet_gateway(self, meta: Meta, c: list[Token]) -> st.GatewayDecl:
        return st.GatewayDecl("internet-gateway", self._t(c[0]), self._s(meta))

    def egress_only_gateway(self, meta: Meta, c: list[Token]) -> st.GatewayDecl:
        return st.GatewayDecl("egress-only-gateway", self._t(c[0]), self._s(meta))

    def vpn_gateway(self, meta: Meta, c: list[Token]) -> st.GatewayDecl:
        return st.GatewayDecl("vpn-gateway", self._t(c[0]), self._s(meta))

    def dhcp_options(self, meta: Meta, c: list[Token]) -> st.DhcpOptions:
        return st.DhcpOptions(self._t(c[0]), self._s(meta))

    def subnet(self, meta: Meta, c: list[Any]) -> st.SubnetDecl:
        return st.SubnetDecl(
            self._t(c[0]), self._t(c[1]), self._t(c[2]), tuple(c[3:]), self._s(meta)
        )

    def subnet_ipv6(self, meta: Meta, c: list[Token]) -> st.Option:
        return self._opt("ipv6", meta, c)

    def public_ip_on_launch(self, meta: Meta, c: list[Token]) -> st.Option:
        return self._opt("public-ip-on-launch", meta, c)

    def route_table(self, meta: Meta, c: list[Any]) -> st.RouteTableDecl:
        main = c[1] if len(c) > 1 and isinstance(c[1], st.Tok) else None
        items = tuple(x for x in c[1:] if not isinstance(x, st.Tok))
        return st.RouteTableDecl(self._t(c[0]), main, items, self._s(meta))

    def main_flag(self, meta: Meta, c: list[Token]) -> st.Tok:
        return st.Tok("main", self._s(meta))

    def route_via(self, meta: Meta, c: list[Any]) -> st.RouteDecl:
        return st.RouteDecl(c[0], c[1], self._s(meta))

    def route_blackhole(self, meta: Meta, c: list[Any]) -> st.RouteDecl:
        return st.RouteDecl(c[0], None, self._s(meta))

    def propagate(self, meta: Meta, c: list[st.Ref]) -> st.Propagate:
        return st.Propagate(tuple(c), self._s(meta))

    def associate(self, meta: Meta, c: list[st.Ref]) -> st.Associate:
        return st.Associate(tuple(c), self._s(meta))

    def nat_gateway(self, meta: Meta, c: list[Any]) -> st.NatGatewayDecl:
        return st.NatGatewayDecl(self._t(c[0]), c[1], tuple(c[2:]), self._s(meta))

    def nat_private(self, meta: Meta, c: list[Token]) -> st.Option:
        return self._opt("private", meta, c)

    def nat_eip(self, meta: Meta, c: list[Token]) -> st.Option:
        return self._opt("eip", meta, c)

    def security_group(self, meta: Meta, c: list[Any]) -> st.SecurityGroupDecl:
        return st.SecurityGroupDecl(self._t(c[0]), tuple(c[1:]), self._s(meta))

    def ingress(self, meta: Meta, c: list[Any]) -> st.SgRuleDecl:
        return st.SgRuleDecl("ingress", c[0], c[1], self._s(meta))

    def egress(self, meta: Meta, c: list[Any]) -> st.SgRuleDecl:
        return st.SgRuleDecl("egress", c[0], c[1], self._s(meta))

    def network_acl(self, meta: Meta, c: list[Any]) -> st.NetworkAclDecl:
        return st.NetworkAclDecl(self._t(c[0]), tuple(c[1:]), self._s(meta))

    def inbound(self, meta: Meta, c: list[Any]) -> st.AclRuleDecl:
        return st.AclRuleDecl("inbound", self._t(c[0]), self._t(c[1]), c[2], c[3], self._s(meta))

    def outbound(self, meta: Meta, c: list[Any]) -> st.AclRuleDecl:
        return st.AclRuleDecl("outbound", self._t(c[0]), self._t(c[1]), c[2], c[3], self._s(meta))

    def instance(self, meta: Meta, c: list[Any]) -> st.InstanceDecl:
        return st.InstanceDecl(self._t(c[0]), c[1], tuple(c[2:]), self._s(meta))

    def instance_ip(self, meta: Meta, c: list[Token]) -> st.Option:
        return self._opt("ip", meta, c)

    def instance_ipv6(self, meta: Meta, c: list[Token]) -> st.Option:
        return self._opt("ipv6", meta, c)

    def public_ip(self, meta: Meta, c: list[Token]) -> st.Option:
        return self._opt("public-ip", meta, c)

    def elastic_ip(self, meta: Meta, c: list[Token]) -> st.Option:
        return self._opt("elastic-ip", meta, c)

    def groups(self, meta: Meta, c: list[st.Ref]) -> st.Option:
        return self._opt("sg", meta, list(c))

    def source_dest_check(self, meta: Meta, c: list[Token]) -> st.Option:
        return self._opt("source-dest-check", meta, c)

    def stopped(self, meta: Meta, c: list[Token]) -> st.Option:
        return self._opt("stopped", meta, c)

    def down(self, meta: Meta, c: list[Token]) -> st.Option:
        return self._opt("down", meta, c)

    def gateway_endpoint(self, meta: Meta, c: list[Any]) -> st.EndpointDecl:
        return st.EndpointDecl(
            self._t(c[0]), "gateway", self._t(c[1]), tuple(c[2:]), (), self._s(meta)
        )

    def interface_endpoint(self, meta: Meta, c: list[Any]) -> st.EndpointDecl:
        subnets = tuple(x for x in c[2:] if isinstance(x, st.Ref))
        groups = next((x.values for x in c[2:] if isinstance(x, st.Option)), ())
        return st.EndpointDecl(
            self._t(c[0]),
            "interface",
            self._t(c[1]),
            subnets,
            tuple(g for g in groups if isinstance(g, st.Ref)),
            self._s(meta),
        )

    # -- transit gateways ---------------------------------------------------------------------
    def transit_gateway(self, meta: Meta, c: list[Any]) -> st.TransitGatewayDecl:
        return st.TransitGatewayDecl(self._t(c[0]), tuple(c[1:]), self._s(meta))

    def attach_vpc(self, meta: Meta, c: list[Any]) -> st.AttachDecl:
        subnets: tuple[st.Ref, ...] = c[1] if len(c) > 1 else ()
        return st.AttachDecl("vpc", c[0], subnets, self._s(meta))

    def attach_subnets(self, meta: Meta, c: list[st.Ref]) -> tuple[st.Ref, ...]:
        return tuple(c)

    def attach_vpn(self, meta: Meta, c: list[st.Ref]) -> st.AttachDecl:
        return st.AttachDecl("vpn", c[0], (), self._s(meta))

    def tgw_route_table(self, meta: Meta, c: list[Any]) -> st.TgwRouteTableDecl:
        return st.TgwRouteTableDecl(self._t(c[0]), tuple(c[1:]), self._s(meta))

    def tgw_route_via(self, meta: Meta, c: list[Any]) -> st.TgwRouteDecl:
        return st.TgwRouteDecl(c[0], c[1], self._s(meta))

    def tgw_route_blackhole(self, meta: Meta, c: list[Any]) -> st.TgwRouteDecl:
        return st.TgwRouteDecl(c[0], None, self._s(meta))

    # -- connections, sites, flows ------------------------------------------------------------
    def peering(self, meta: Meta, c: list[Any]) -> st.PeeringDecl:
        return st.PeeringDecl(self._t(c[0]), c[1], c[2], self._s(meta))

    def site(self, meta: Meta, c: list[Any]) -> st.SiteDecl:
        cidrs = tuple(self._t(x) for x in c[1:] if isinstance(x, Token))
        items = tuple(x for x in c[1:] if not isinstance(x, Token))
        return st.SiteDecl(self._t(c[0]), cidrs, items, self._s(meta))

    def customer_gateway(self, meta: Meta, c: list[Token]) -> st.CustomerGatewayDecl:
        return st.CustomerGatewayDecl(self._t(c[0]), self._t(c[1]), self._s(meta))

    def host(self, meta: Meta, c: list[Token]) -> st.HostDecl:
        return st.HostDecl(self._t(c[0]), self._t(c[1]), self._s(meta))

    def vpn_static(self, meta: Meta, c: list[st.Tok]) -> tuple[str, tuple[st.Tok, ...]]:
        return ("static", tuple(c))

    def vpn_bgp(self, meta: Meta, c: list[Any]) -> tuple[str, tuple[st.Tok, ...]]:
        return ("bgp", ())

    def vpn(self, meta: Meta, c: list[Any]) -> st.VpnDecl:
        routing, prefixes = c[3]
        options = tuple(x for x in c[4:] if isinstance(x, st.Option))
        return st.VpnDecl(self._t(c[0]), c[1], c[2], routing, prefixes, self._s(meta), options)

    def flow(self, meta: Meta, c: list[Any]) -> st.FlowDecl:
        ret = c[5] if len(c) > 5 else None
        return st.FlowDecl(self._t(c[0]), c[1], c[2], c[3], self._t(c[4]), ret, self._s(meta))

    def flow_return(self, meta: Meta, c: list[Token]) -> st.Tok:
        return self._t(c[0])

    def expect_path(self, meta: Meta, c: list[Any]) -> st.ExpectPathDecl:
        via = next((x for x in c[4:] if isinstance(x, st.Ref)), None)
        because = next((x for x in c[4:] if isinstance(x, st.Tok)), None)
        return st.ExpectPathDecl(c[0], c[1], c[2], self._t(c[3]), via, because, self._s(meta))

    def expect_via(self, meta: Meta, c: list[st.Ref]) -> st.Ref:
        return c[0]

    def expect_because(self, meta: Meta, c: list[Token]) -> st.Tok:
        return self._t(c[0])

    def expect_cost(self, meta: Meta, c: list[Token]) -> st.ExpectCostDecl:
        return st.ExpectCostDecl(self._t(c[0]), self._t(c[1]), self._t(c[2]), self._s(meta))


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
    "an expectation ends with allow or deny ('expect app -> db tcp 5432 allow'); a flow with its monthly volume ('volume 100GB')": [
        "expect a -> b tcp 443\n",
        "expect a -> b icmp\n",
        "flow f: a -> b tcp 443\n",
        "flow f: a -> b tcp 443 volume\n",
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
                    index.setdefault((exc.state.position, exc.token.type), label)
                    index.setdefault((exc.state.position, ""), label)
    return index


def _friendly(exc: UnexpectedInput) -> str | None:
    if not isinstance(exc, UnexpectedToken) or exc.state is None:
        return None
    index = _catalogue()
    position = exc.state.position
    return index.get((position, exc.token.type)) or index.get((position, ""))


def syntax_diagnostic(path: str, text: str, exc: UnexpectedInput) -> Diagnostic:
    """Turn Lark's exception into a diagnostic at the first unexpected token."""
    line, column = exc.line, exc.column
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        friendly = _friendly(exc)
        # ``accepts`` (what the parser really accepts here) is sharper than ``expected``,
        # which LALR state merging can widen.
        accepted = set(getattr(exc, "accepts", None) or exc.expected)
        expected = _expected_words(accepted - {"RBRACE"} if token.type == "$END" else accepted)
        if token.type == "_EOS" and token.value != ";":
            # A statement cut short at the end of its line: point just after its last word.
            label = friendly or f"expected {expected}"
            message = f"the statement ends too early: expected {expected}"
        elif token.type == "$END" and "RBRACE" in accepted:
            # Most often a block left open: say so, whatever else would also fit here.
            label = friendly or f"expected '}}' or {expected}"
            message = "the file ends inside a block: expected '}'"
        else:
            label = friendly or f"expected {expected}"
            message = f"unexpected {_token_words(token)}"
        if token.type == "$END":
            line, column = _end_position(text)
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
    return error(codes.SYNTAX, message, span, label)


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
    # Parsing allocates a great many small objects and frees none until the end: the
    # cyclic garbage collector's passes over them are pure cost (about half the time on a
    # 100,000-line file), so it is paused here and restored after.
    collecting = gc.isenabled()
    gc.disable()
    try:
        comments: list[st.Comment] = []
        tree, problems = _parse_collecting(text, comments, path)
        if problems:
            return None, problems
        statements = tuple(_ToSyntax(path).transform(tree))
        return st.SourceFile(path, text, statements, tuple(comments)), []
    finally:
        if collecting:
            gc.enable()


#: How many syntax errors one run reports at most.
MAX_SYNTAX_ERRORS = 20

#: What recovery reads when it skips text: strings and comments (whose braces do not
#: count), braces and newlines.
_SKIP = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"?|#[^\n]*|[{}\n]')
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
#: Terminals other than NAME that can match a word a name could also be.
_WORD_PATTERNS = ("PROTOCOL", "ACTION", "VERDICT", "ONOFF", "CODE", "DOMAIN")


@functools.cache
def _word_terminals() -> frozenset[str]:
    """Keywords (``associate``, ``private``…) and word-like terminals (``tcp``, ``on``…)."""
    words = {
        t.name
        for t in parser().terminals
        if t.pattern.type == "str" and _NAME.fullmatch(t.pattern.value)
    }
    return frozenset(words | set(_WORD_PATTERNS))


def _shifts(
    states: Mapping[Any, Mapping[str, tuple[Any, Any]]], stack: list[Any], terminal: str
) -> bool:
    """Whether the LALR tables, from this stack, shift ``terminal`` after any reductions.

    Works on a copy of the state stack and builds no tree. An LALR parser never shifts a
    token that cannot continue a valid file, so a shift means the word fits here.
    """
    stack = list(stack)
    while True:
        action = states[stack[-1]].get(terminal)
        if action is None:
            return False
        kind, rule = action
        if kind is Shift:
            return True
        size = len(rule.expansion)
        if size:
            del stack[-size:]
        stack.append(states[stack[-1]][rule.origin.name][1])


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
    states = state.parse_conf.states
    lexer_state = interactive.lexer_thread.state
    assert lexer_state is not None  # a thread made from a text has its state
    line_counter = lexer_state.line_ctr
    words = _word_terminals()
    saved: tuple[list[Any], list[Any], int] = (list(state.state_stack), [], 0)
    found: list[Diagnostic] = []
    last: Token | None = None
    while True:
        try:
            # ``iter_parse`` yields each token just before feeding it to the parser.
            for token in interactive.iter_parse():
                if last is not None and last.type == "_EOS":
                    saved = (list(state.state_stack), list(state.value_stack), last.end_pos or 0)
                if (
                    token.type in words
                    and not _shifts(states, state.state_stack, token.type)
                    and _NAME.fullmatch(token.value)
                    and _shifts(states, state.state_stack, "NAME")
                ):
                    token.type = "NAME"
                last = token
            tree = interactive.feed_eof(last)  # type: ignore[no-untyped-call]
        except UnexpectedInput as exc:
            if isinstance(exc, UnexpectedToken) and exc.interactive_parser is None:
                exc.interactive_parser = interactive  # what ``accepts`` reads, before restoring
            diagnostic = syntax_diagnostic(path, text, exc)
            if found and diagnostic.span.line <= found[-1].span.line:
                return None, found
            found.append(diagnostic)
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
            last = None
            continue
        return (tree, []) if not found else (None, found)


def _error_position(exc: UnexpectedInput) -> int | None:
    """Where in the text an error is (``None`` at the end of the file: nothing to resume)."""
    if isinstance(exc, UnexpectedToken):
        token: Token = exc.token
        return None if token.type == "$END" else token.start_pos
    position: int | None = exc.pos_in_stream
    return position
