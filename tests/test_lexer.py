"""The Pygments lexer: found by name and file name, no Error token on any example, tokens by kind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, String, _TokenType

from netdraft.lexer import CONSTANTS, KEYWORDS, PROTOCOLS, NetdraftLexer

ROOT = Path(__file__).parent.parent
GRAMMAR = ROOT / "src" / "netdraft" / "grammar" / "netdraft.lark"
EXAMPLES = sorted((ROOT / "tests" / "spec" / "examples").glob("*.nd")) + sorted(
    (ROOT / "examples").glob("*.nd")
)


def tokens(text: str) -> list[tuple[_TokenType, str]]:
    return [(t, v) for t, v in NetdraftLexer().get_tokens(text) if v.strip()]


@pytest.mark.parametrize("alias", ["netdraft", "nd"])
def test_registered_by_name(alias: str) -> None:
    assert isinstance(get_lexer_by_name(alias), NetdraftLexer)


def test_registered_for_nd_files() -> None:
    assert isinstance(get_lexer_for_filename("corp.nd"), NetdraftLexer)


def test_every_grammar_keyword_is_known() -> None:
    words = set(re.findall(r'"([a-z][a-z0-9-]*)"', GRAMMAR.read_text("utf-8")))
    assert words <= set(KEYWORDS) | set(PROTOCOLS) | set(CONSTANTS)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_examples_have_no_error_token(path: Path) -> None:
    text = path.read_text("utf-8")
    found = list(NetdraftLexer().get_tokens(text))
    assert [v for t, v in found if t in Error] == []
    expected = text if text.endswith("\n") else text + "\n"  # Pygments ends the text with one
    assert "".join(v for _, v in found) == expected


@pytest.mark.parametrize(
    ("text", "word", "kind"),
    [
        ("vpc corp 10.0.0.0/16 {", "vpc", Keyword),
        ("vpc corp 10.0.0.0/16 {", "corp", Name),
        ("vpc corp 10.0.0.0/16 {", "10.0.0.0/16", Number),
        ("subnet private 10.0.1.0/24 az us-east-1a", "private", Name),  # a name, not the keyword
        ("subnet private 10.0.1.0/24 az us-east-1a", "us-east-1a", Name),
        ("route-table public main {", "route-table", Keyword),
        ("route-table public main {", "main", Keyword),
        ("route ::/0 via eigw", "::/0", Number),
        ("ipv6 2001:db8:1200::/56", "2001:db8:1200::/56", Number),
        ("host dns1 192.168.0.10", "192.168.0.10", Number),
        ("endpoint e interface sns in a b ips 10.0.1.5 10.0.2.5", "ips", Keyword),
        ("endpoint e interface sns in a b ips 10.0.1.5 10.0.2.5", "10.0.2.5", Number),
        ("nat-gateway n in a private ip 10.0.1.9", "ip", Keyword),
        ("instance app in public-a ip 10.0.0.10 sg web, ssh", "public-a", Name),
        ("inbound 110 allow tcp 1024-65535 from 0.0.0.0/0", "1024-65535", Number),
        ("inbound 110 allow tcp 1024-65535 from 0.0.0.0/0", "110", Number),
        ("inbound 110 allow tcp 1024-65535 from 0.0.0.0/0", "allow", Keyword.Constant),
        ("inbound 110 allow tcp 1024-65535 from 0.0.0.0/0", "tcp", Keyword.Type),
        ("flow backup: db -> s3 tcp 443 volume 500GB return 5GB", "500GB", Number),
        ("flow backup: db -> s3 tcp 443 volume 500GB return 5GB", "->", Operator),
        ("flow backup: db -> s3 tcp 443 volume 500GB return 5GB", "backup", Name),
        ("peering a-b a <-> b", "<->", Operator),
        ("expect x -> internet tcp 22 deny because NO_PUBLIC_IP", "NO_PUBLIC_IP", Name.Exception),
        ("expect x -> internet tcp 22 deny because NO_PUBLIC_IP", "internet", Name.Builtin),
        ("expect cost total <= 250.50", "<=", Operator),
        ("expect cost total <= 250.50", "250.50", Number),
        ('title "Corp network"  # shown on top', '"Corp network"', String),
        ('title "Corp network"  # shown on top', "# shown on top", Comment),
        ("instance natbox in a source-dest-check off", "off", Keyword.Constant),
        ('include "aws.nd"', "include", Keyword),
        ('scenario "vpn1 fails" { down vpn1 }', "scenario", Keyword),
        ('scenario "vpn1 fails" { down vpn1 }', '"vpn1 fails"', String),
        ('scenario "vpn1 fails" { down vpn1 }', "down", Keyword),
        ('scenario "vpn1 fails" { down vpn1 }', "vpn1", Name),
        ('include "aws.nd"', '"aws.nd"', String),
        ("prefix-list pl-78a54011 { 10.0.0.0/8 }", "prefix-list", Keyword),
        ("prefix-list pl-78a54011 { 10.0.0.0/8 }", "pl-78a54011", Name),
        ("prefix-list private { 10.0.0.0/8 }", "private", Name),  # declared: a name
        ("egress tcp 443 to s3", "s3", Name),
        ("ingress icmp type 8 code 0 from 0.0.0.0/0", "type", Keyword),
        ("ingress icmp type 8 code 0 from 0.0.0.0/0", "code", Keyword),
        ("ingress icmp type 8 code 0 from 0.0.0.0/0", "8", Number),
        ("expect a -> b tcp any allow", "any", Keyword.Constant),
        ("expect a -> b tcp 1-1024 deny", "1-1024", Number),
        ("instance app in a ephemeral 32768-60999", "ephemeral", Keyword),
        ("instance app in a ephemeral 32768-60999", "32768-60999", Number),
        ("vpn tun vgw <-> cgw static 192.168.0.0/16 down", "down", Keyword),
        ("nat-gateway nat-a in public-a down", "down", Keyword),
        ("expect a -> 10.0.1.99 tcp 81 deny because NO_INTERFACE", "NO_INTERFACE", Name.Exception),
        ("expect a -> b tcp 80 deny because ROUTING_LOOP", "ROUTING_LOOP", Name.Exception),
        ("dhcp-options domain corp.internal servers amazon", "servers", Keyword),
        ("dhcp-options domain corp.internal servers amazon", "amazon", Keyword),
        ("dns-support off", "dns-support", Keyword),
        ("dns-hostnames on", "dns-hostnames", Keyword),
        ("zone corp.internal private vpcs corp {", "zone", Keyword),
        ("zone corp.internal private vpcs corp {", "vpcs", Keyword),
        ("record db A 10.0.1.5", "A", Keyword.Type),
        ("record www CNAME app.corp.internal", "CNAME", Keyword.Type),
        ("record api ALIAS sns-if", "ALIAS", Keyword.Type),
        ("record v6 AAAA 2001:db8::5", "AAAA", Keyword.Type),
        ("expect app resolves v6 = 2001:db8::5", "2001:db8::5", Number),
        ("expect app resolves db = 10.0.1.5", "resolves", Keyword),
        ("resolver-endpoint in-ep inbound in a b sg dns", "resolver-endpoint", Keyword),
        ("resolver-endpoint in-ep inbound in a b sg dns", "in-ep", Name),
        ("resolver-endpoint in-ep inbound in a b sg dns", "inbound", Keyword),
        ("resolver-rule to-dc forward dc.example.com to 192.168.0.10 via out", "forward", Keyword),
        ("resolver-rule to-dc forward dc.example.com to 192.168.0.10 via out", "to-dc", Name),
        ("host bind 192.168.0.10 dns { forward . to in-ep }", "dns", Keyword),
        ("expect app resolves nope because NXDOMAIN", "NXDOMAIN", Name.Exception),
        (
            "route-table spare { }  # netdraft: ignore[unused-route-table]",
            "# netdraft: ignore[unused-route-table]",
            Comment.Special,
        ),
        ("route-table spare { }  # netdraft: see below", "# netdraft: see below", Comment.Single),
    ],
)
def test_token_kinds(text: str, word: str, kind: _TokenType) -> None:
    found = [t for t, v in tokens(text) if v == word]
    assert found, f"no token {word!r} in {tokens(text)}"
    assert found[0] in kind
