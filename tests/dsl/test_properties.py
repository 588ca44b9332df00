"""Property tests: no input, however mangled, makes the compiler raise or fail without a diagnostic.

Three sources of input: mutated spec files, random strings of the language's tokens, and
small networks built from statement templates with odd values (these reach the later passes).
``NETDRAFT_PROPERTY_SCALE=7`` multiplies the example counts (3,000 by default, then 21,000)
for a long run by hand.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from netdraft import api
from netdraft.diagnostics import render_all
from netdraft.dsl.parse import parser

SPEC = Path(__file__).parents[1] / "spec"
SPEC_TEXTS = [p.read_text("utf-8") for p in sorted(SPEC.glob("*/*.nd"))]

#: Sized so that this file runs in well under a minute on two CI cores.
SCALE = float(os.environ.get("NETDRAFT_PROPERTY_SCALE", "1"))


def examples(n: int) -> int:
    return max(1, round(n * SCALE))


# ---- the language's vocabulary --------------------------------------------------------------

#: Every keyword and punctuation mark the grammar spells out, read from the grammar itself.
GRAMMAR_WORDS = sorted(str(t.pattern.value) for t in parser().terminals if t.pattern.type == "str")
#: Words that the grammar matches with a pattern rather than a literal.
PATTERN_WORDS = [
    "tcp", "udp", "icmp", "icmpv6", "all", "allow", "deny", "on", "off", "<=", "<", "=",
    "total", "internet", "s3", "dynamodb", "sns", "BLACKHOLE_ROUTE", "SG_INGRESS_MISMATCH",
    "NO_SUCH_CODE",
]  # fmt: skip
#: Names from the spec files, so that mutated references often resolve (deeper passes run).
SPEC_NAMES = sorted(
    {w for text in SPEC_TEXTS for w in re.findall(r"[A-Za-z_][A-Za-z0-9_-]*", text)}
    - set(GRAMMAR_WORDS)
)
CIDRS = [
    "10.0.0.0/16", "10.0.1.0/24", "10.0.1.5/24", "10.0.0.0/8", "10.0.0.0/28", "10.0.0.0/29",
    "10.0.0.0/32", "0.0.0.0/0", "192.168.0.0/16", "10.0.0.0/33", "999.0.0.0/8", "1.2.3.4/0",
    "::/0", "2001:db8::/56", "2001:db8::/64", "2001:db8::/128", "fe80::/10", ":/5", "1::2::3/64",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", "ffff:ffff:ffff:ffff::/64",
]  # fmt: skip
ADDRESSES = [
    "10.0.0.5", "10.0.1.2", "10.0.1.255", "10.0.0.0", "0.0.0.0", "255.255.255.255",
    "999.1.1.1", "203.0.113.12", "2606:4700::1111", "::", ":", "1:2:3:4:5:6:7:8:9",
    "2001:db8::ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
]  # fmt: skip
NUMBERS = [
    "0", "1", "22", "100", "443", "32766", "32767", "65535", "65536", "1024-65535", "5-1",
    "0-0", "99999999999999999999", "100GB", "0.5TB", "500MB", "0GB", "4.50", "007",
]  # fmt: skip
PUNCTUATION = ["{", "}", ";", "->", "<->", ":", ",", ".", '"Corp"', '"', "#", "\n", "\n"]

VOCABULARY = sorted({*GRAMMAR_WORDS, *PATTERN_WORDS, *CIDRS, *ADDRESSES, *NUMBERS, *PUNCTUATION})
names = st.sampled_from(SPEC_NAMES) | st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,12}", fullmatch=True)
words = st.sampled_from(VOCABULARY) | names
#: A token replaced by one of its own kind keeps the file parsing, so later passes see odd values.
LIKE = [
    (re.compile(r"[0-9a-fA-F.:]*:[0-9a-fA-F.:]*/\d+|\d+(\.\d+){3}/\d+"), st.sampled_from(CIDRS)),
    (re.compile(r"[0-9a-fA-F.:]*:[0-9a-fA-F.:]*|\d+(\.\d+){3}"), st.sampled_from(ADDRESSES)),
    (re.compile(r"[\d.-]+[A-Z]*"), st.sampled_from(NUMBERS)),
    (re.compile(r"[A-Za-z_][A-Za-z0-9_-]*"), names),
]


# ---- the property ---------------------------------------------------------------------------


def assert_well_behaved(text: str) -> None:
    """Compiling never raises; a failure always comes with an error that points into the file."""
    compiled = api.compile(text, "fuzz.nd")
    event("parsed" if compiled.network is not None else "syntax error")
    errors = [d for d in compiled.diagnostics if d.is_error]
    if not compiled.ok:
        assert errors, "the file failed without an error diagnostic"
    if compiled.network is None:
        assert errors, "no network and no error"
    for d in compiled.diagnostics:
        assert d.code, d
        assert d.span.line >= 1, d.headline()
        assert d.span.column >= 1, d.headline()
        assert d.span.file == "fuzz.nd", d.headline()
    render_all(compiled.diagnostics, compiled.sources())  # rendering never raises either


# ---- mutations of the spec files ------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return text.split("\n")


@st.composite
def mutation(draw: st.DrawFn, text: str) -> str:
    """One random edit: lines deleted, duplicated or swapped; characters; tokens; truncation."""
    kind = draw(
        st.sampled_from(
            ["delete-line", "duplicate-line", "swap-lines", "delete-chars", "insert-chars",
             "replace-token", "replace-like", "truncate"]
        )
    )  # fmt: skip
    lines = _lines(text)
    line = st.integers(0, max(0, len(lines) - 1))
    at = draw(st.integers(0, len(text)))
    if kind == "delete-line":
        del lines[draw(line)]
    elif kind == "duplicate-line":
        i = draw(line)
        lines.insert(i, lines[i])
    elif kind == "swap-lines":
        i, j = draw(line), draw(line)
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "delete-chars":
        return text[:at] + text[at + draw(st.integers(1, 8)) :]
    elif kind == "insert-chars":
        alphabet = st.sampled_from('{};:,.-<>/#"\n\t 0123456789abcxyz:_é\x00\r') | st.characters()
        return text[:at] + draw(st.text(alphabet, min_size=1, max_size=6)) + text[at:]
    elif kind in ("replace-token", "replace-like"):
        tokens = list(re.finditer(r"[^\s{};,#]+", text))
        if not tokens:
            return text
        token = draw(st.sampled_from(tokens))
        like = next((s for pattern, s in LIKE if pattern.fullmatch(token[0])), words)
        new = draw(words if kind == "replace-token" else like)
        return text[: token.start()] + new + text[token.end() :]
    else:
        return text[:at]
    return "\n".join(lines)


@st.composite
def mutated_spec(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SPEC_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        text = draw(mutation(text))
    return text


@settings(max_examples=examples(1200), deadline=None)
@given(mutated_spec())
def test_mutated_spec_files_never_raise(text: str) -> None:
    assert_well_behaved(text)


# ---- random token strings -------------------------------------------------------------------


@settings(max_examples=examples(1000), deadline=None)
@given(st.lists(words, max_size=60))
@example(["region", "r", "{", "vpc", "v", "10.0.0.0/16", "{", "subnet", "s", "2001:db8::/64"])
def test_random_token_strings_never_raise(tokens: list[str]) -> None:
    assert_well_behaved(" ".join(tokens))


# ---- small networks of the right shape, with odd values -------------------------------------

CIDR4 = [c for c in CIDRS if ":" not in c]
CIDR6 = [c for c in CIDRS if ":" in c]
ADDR4 = [a for a in ADDRESSES if ":" not in a]
ADDR6 = [a for a in ADDRESSES if ":" in a]
#: Few names, so that references often resolve and declarations often clash.
POOL = ["a", "b", "main", "igw", "tgw", "default"]


@st.composite
def shaped_network(draw: st.DrawFn) -> str:
    """A file built from statement templates: it usually parses, so every later pass runs."""

    def pick(options: list[str]) -> str:
        return draw(st.sampled_from(options))

    def maybe(text: str) -> str:
        return text if draw(st.booleans()) else ""

    def proto() -> str:
        return (
            pick(["tcp", "udp"]) + " " + pick(NUMBERS[:11])
            if draw(st.booleans())
            else pick(["icmp", "icmpv6", "all"])
        )

    def name() -> str:
        return pick(POOL)

    def peer() -> str:
        return pick(CIDRS) if draw(st.booleans()) else name()

    def place() -> str:
        return pick(ADDRESSES) if draw(st.booleans()) else pick([*POOL, "internet", "s3"])

    vpc_items = [
        lambda: f"ipv6 {pick(CIDR6)}",
        lambda: f"{pick(['internet-gateway', 'egress-only-gateway', 'vpn-gateway'])} {name()}",
        lambda: (
            f"subnet {name()} {pick(CIDR4)} az us-east-1{pick(['a', 'b'])}"
            + maybe(f" ipv6 {pick(CIDR6)}")
            + maybe(" public-ip-on-launch")
        ),
        lambda: (
            f"route-table {name()}{maybe(' main')} {{ route {pick(CIDRS)} via {name()};"
            f" route {pick(CIDRS)} blackhole; propagate {name()}; associate {name()} {name()} }}"
        ),
        lambda: (
            f"nat-gateway {name()} in {name()}"
            + pick(["", " private", " eip", f" eip {pick(ADDR4)}"])
        ),
        lambda: (
            f"security-group {name()} {{ ingress {proto()} from {peer()};"
            f" egress {proto()} to {peer()} }}"
        ),
        lambda: (
            f"network-acl {name()} {{ inbound {pick(NUMBERS[:9])} allow {proto()} from"
            f" {pick(CIDRS)}; outbound {pick(NUMBERS[:9])} {pick(['allow', 'deny'])} {proto()} to"
            f" {pick(CIDRS)}; associate {name()} }}"
        ),
        lambda: (
            f"instance {name()} in {name()}"
            + maybe(f" ip {pick(ADDR4)}")
            + maybe(f" ipv6 {pick(ADDR6)}")
            + pick(["", " public-ip", f" public-ip {pick(ADDR4)}", " elastic-ip"])
            + maybe(f" sg {name()}, {name()}")
            + maybe(f" source-dest-check {pick(['on', 'off'])}")
            + maybe(" stopped")
        ),
        lambda: f"endpoint {name()} gateway {pick(['s3', 'sns'])} route-tables {name()}",
        lambda: f"endpoint {name()} interface sns in {name()} {name()}" + maybe(f" sg {name()}"),
    ]
    tgw_items = [
        lambda: f"attach {name()}" + maybe(f" subnets {name()} {name()}"),
        lambda: f"attach vpn {name()}",
        lambda: (
            f"route-table {name()} {{ associate {name()}; propagate {name()};"
            f" route {pick(CIDRS)} via {name()}; route {pick(CIDR4)} blackhole }}"
        ),
    ]
    top_items = [
        lambda: f"peering {name()} {name()} <-> {name()}",
        lambda: (
            f"site {name()} {pick(CIDR4)} {{ customer-gateway {name()} {pick(ADDR4)};"
            f" host {name()} {pick(ADDR4)} }}"
        ),
        lambda: f"vpn {name()} {name()} <-> {name()} " + pick([f"static {pick(CIDR4)}", "bgp"]),
        lambda: f"flow {name()}: {place()} -> {place()} {proto()} volume {pick(['1GB', '0.5TB'])}",
        lambda: (
            f"expect {place()} -> {place()} {proto()} {pick(['allow', 'deny'])}"
            + maybe(f" via {name()}")
            + maybe(f" because {pick(PATTERN_WORDS[-3:])}")
        ),
        lambda: f"expect cost {pick(['total', *POOL])} {pick(['=', '<', '<='])} 4.50",
    ]

    def some(templates: list[Callable[[], str]], most: int) -> list[str]:
        return [draw(st.sampled_from(templates))() for _ in range(draw(st.integers(0, most)))]

    out: list[str] = ["region us-east-1 {"]
    for _ in range(draw(st.integers(1, 2))):
        cidrs = " ".join(draw(st.lists(st.sampled_from(CIDR4), min_size=1, max_size=2)))
        out.append(f"  vpc {name()} {cidrs} {{")
        out += [f"    {item}" for item in some(vpc_items, 8)]
        out.append("  }")
    if draw(st.booleans()):
        out.append(f"  transit-gateway {name()} {{")
        out += [f"    {item}" for item in some(tgw_items, 4)]
        out.append("  }")
    out.append("}")
    out += some(top_items, 5)
    return "\n".join(out) + "\n"


#: Found by this test: an IPv6 block at the top of the address space overflowed the allocator.
IPV6_TOP = (
    "region us-east-1 {\n  vpc a 10.0.0.0/16 {\n"
    "    subnet a 10.0.0.0/16 az us-east-1a ipv6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128\n"
    "    instance a in a\n  }\n}\n"
)


@settings(max_examples=examples(800), deadline=None)
@given(shaped_network())
@example(IPV6_TOP)
def test_shaped_networks_never_raise(text: str) -> None:
    assert_well_behaved(text)
