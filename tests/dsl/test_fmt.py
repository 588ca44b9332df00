"""The canonical printer: idempotent, comment-preserving, meaning-preserving, and readable."""

from __future__ import annotations

import dataclasses
import random
import re
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from test_properties import mutated_spec, shaped_network

from netdraft import api
from netdraft.dsl import syntax as st
from netdraft.dsl.fmt import format_source, format_text
from netdraft.dsl.parse import parse
from netdraft.model.values import Span

SPEC = Path(__file__).parents[1] / "spec"

SPEC_FILES = sorted((SPEC / "examples").glob("*.nd")) + sorted(
    p for p in (SPEC / "errors").glob("*.nd") if p.name != "syntax.nd"
)


def parsed(text: str, path: str = "<test>") -> st.SourceFile:
    source, diagnostics = parse(text, path)
    assert source is not None, [d.headline() for d in diagnostics]
    return source


def shape(value: object) -> object:
    """A syntax node as nested tuples without spans, to compare trees modulo layout.

    Options are compared sorted by keyword (a stable sort keeps repeated keywords in
    order): the printer puts them in a canonical order, which carries no meaning.
    """
    if isinstance(value, Span):
        raise AssertionError("spans are dropped by their parent")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields: list[tuple[str, object]] = []
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if isinstance(item, Span):
                continue
            if field.name == "options":
                item = tuple(sorted(item, key=lambda option: option.keyword))
            fields.append((field.name, shape(item)))
        return (type(value).__name__, *fields)
    if isinstance(value, tuple):
        return tuple(shape(item) for item in value)
    return value


def fmt(text: str) -> str:
    formatted, diagnostics = format_text(text, "<test>")
    assert formatted is not None, [d.headline() for d in diagnostics]
    return formatted


def check_invariants(text: str) -> str:
    """Format text and check what must hold for any input; return the formatted text."""
    original = parsed(text)
    formatted = format_source(original)
    again = parsed(formatted)
    assert format_source(again) == formatted, "formatting is not idempotent"
    assert [c.text for c in again.comments] == [c.text for c in original.comments]
    assert shape(again.statements) == shape(original.statements)
    assert formatted == "" or (formatted.endswith("\n") and not formatted.endswith("\n\n"))
    assert all(line == line.rstrip() for line in formatted.split("\n"))
    return formatted


# ---- every spec file ------------------------------------------------------------------------


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_spec_file_formats_idempotently_keeping_comments_and_meaning(path: Path) -> None:
    check_invariants(path.read_text("utf-8"))


EXAMPLES = Path(__file__).parents[2] / "examples"
CLEAN_FILES = sorted((SPEC / "examples").glob("*.nd")) + sorted(EXAMPLES.glob("*.nd"))


@pytest.mark.parametrize("path", CLEAN_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_examples_are_fmt_clean(path: Path) -> None:
    """The contract's examples are laid out as engineers write them: fmt keeps them as they are."""
    text = path.read_text("utf-8")
    assert fmt(text) == text


ROOT = Path(__file__).parents[2]
FENCE = re.compile(r"^```nd\n(.*?)^```", re.S | re.M)
#: The whole files shown in the README and the docs (fragments that do not parse alone,
#: like the statements of one VPC, are left out).
DOC_BLOCKS = [
    (f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}", m.group(1))
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for text in [path.read_text("utf-8")]
    for m in FENCE.finditer(text)
    if parse(m.group(1), "<doc>")[0] is not None
]


def test_the_docs_show_whole_files() -> None:
    assert len(DOC_BLOCKS) >= 3


@pytest.mark.parametrize(("where", "text"), DOC_BLOCKS, ids=[w for w, _ in DOC_BLOCKS])
def test_doc_examples_are_fmt_clean(where: str, text: str) -> None:
    assert fmt(text) == text, where


def test_syntax_error_gives_the_parser_diagnostics() -> None:
    path = SPEC / "errors" / "syntax.nd"
    formatted, diagnostics = format_text(path.read_text("utf-8"), str(path))
    assert formatted is None
    assert [(d.code, d.span.line) for d in diagnostics] == [("syntax", 4)]


# ---- focused cases: input -> expected output ------------------------------------------------

VPC = "region r {\n  vpc v 10.0.0.0/16 {\n%s  }\n}\n"


def in_vpc(body: str) -> str:
    """Wrap statements (written without indentation) in a region and a VPC."""
    return VPC % "".join(f"    {line}\n" if line else "\n" for line in dedent(body).splitlines())


CASES: list[tuple[str, str, str]] = [
    (
        "a one-line block of simple statements stays on one line; one holding a block does not",
        "region r { vpc v 10.0.0.0/16 { route-table public { route 0.0.0.0/0  via igw ;"
        " associate public } } }",
        in_vpc("route-table public { route 0.0.0.0/0 via igw; associate public }"),
    ),
    (
        "a one-line block wider than 100 columns is expanded",
        in_vpc(
            "route-table public { route 0.0.0.0/0 via igw; associate aaaaaaaaaaaaaaa"
            " bbbbbbbbbbbbbbbbbbbb cccccccccccccc }"
        ),
        in_vpc(
            """\
            route-table public {
              route 0.0.0.0/0 via igw
              associate aaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbb cccccccccccccc
            }"""
        ),
    ),
    (
        "a block written over several lines stays over several lines",
        in_vpc("route-table public {\n  associate public }"),
        in_vpc("route-table public {\n  associate public\n}"),
    ),
    (
        "empty block stays on one line",
        in_vpc("security-group a {\n}\nsecurity-group b {     }\nsecurity-group c { }"),
        in_vpc("security-group a { }\nsecurity-group b { }\nsecurity-group c { }"),
    ),
    (
        "columns the author padded are aligned over the run; other spaces are single",
        in_vpc(
            """\
            subnet public-a  10.0.0.0/24  az us-east-1a
            network-acl acl {
                inbound  90  deny  all from 198.51.100.0/24
              outbound 100 allow tcp   1024-65535 to 0.0.0.0/0   ;associate   public-a
            }
            instance app in public-a sg web ,  ssh"""
        ),
        in_vpc(
            """\
            subnet public-a 10.0.0.0/24 az us-east-1a
            network-acl acl {
              inbound  90  deny  all from 198.51.100.0/24
              outbound 100 allow tcp 1024-65535 to 0.0.0.0/0
              associate public-a
            }
            instance app in public-a sg web, ssh"""
        ),
    ),
    (
        "an edit realigns a padded column: a longer name widens it; the unpadded CIDRs stay",
        in_vpc(
            """\
            subnet a    10.0.0.0/24 az x
            subnet bb   10.0.1.0/24 az x
            subnet longer-name 10.0.100.0/24 az x public-ip-on-launch"""
        ),
        in_vpc(
            """\
            subnet a           10.0.0.0/24 az x
            subnet bb          10.0.1.0/24 az x
            subnet longer-name 10.0.100.0/24 az x public-ip-on-launch"""
        ),
    ),
    (
        "a run is never aligned when the author padded none of it",
        in_vpc("instance bastion in public-a sg b\ninstance app-1 in private-a sg a"),
        in_vpc("instance bastion in public-a sg b\ninstance app-1 in private-a sg a"),
    ),
    (
        "a blank line, an own-line comment or another kind of statement ends a run",
        in_vpc(
            """\
            subnet a  10.0.0.0/24 az x
            subnet bbbb 10.0.1.0/24 az x

            subnet cccccc 10.0.2.0/24 az x
            # d
            subnet dd 10.0.3.0/24 az x
            internet-gateway igw
            subnet eeeeeeee 10.0.4.0/24 az x"""
        ),
        in_vpc(
            """\
            subnet a    10.0.0.0/24 az x
            subnet bbbb 10.0.1.0/24 az x

            subnet cccccc 10.0.2.0/24 az x
            # d
            subnet dd 10.0.3.0/24 az x
            internet-gateway igw
            subnet eeeeeeee 10.0.4.0/24 az x"""
        ),
    ),
    (
        "inbound and outbound rules are one run; a column is aligned over the lines that go on",
        in_vpc(
            """\
            network-acl n {
              inbound  90  deny  all
              outbound 100 allow tcp 1024-65535 to 0.0.0.0/0
              inbound 110 allow all from 10.0.0.0/8
            }"""
        ).replace("deny  all", "deny  all from 1.2.3.0/24"),
        in_vpc(
            """\
            network-acl n {
              inbound  90  deny  all from 1.2.3.0/24
              outbound 100 allow tcp 1024-65535 to 0.0.0.0/0
              inbound  110 allow all from 10.0.0.0/8
            }"""
        ),
    ),
    (
        "one-line blocks of a run align their statements where the author padded them",
        in_vpc(
            """\
            route-table public { route 0.0.0.0/0 via igw;  associate public }
            route-table via-nat   { route 0.0.0.0/0 via nat-box; associate private }
            security-group s { }"""
        ),
        in_vpc(
            """\
            route-table public  { route 0.0.0.0/0 via igw;     associate public }
            route-table via-nat { route 0.0.0.0/0 via nat-box; associate private }
            security-group s { }"""
        ),
    ),
    (
        "a lone trailing comment keeps its column, or follows its line after one space",
        in_vpc(
            """\
            internet-gateway igw          # kept
            subnet a 10.0.0.0/24 az x    # pushed
            egress-only-gateway e # one space"""
        )
        .replace("az x    # pushed", "az x  # pushed")
        .replace("subnet a", "subnet aaaaaa")
        .replace("igw          # kept", "igw          # kept\n"),
        in_vpc(
            """\
            internet-gateway igw          # kept

            subnet aaaaaa 10.0.0.0/24 az x  # pushed
            egress-only-gateway e           # one space"""
        ),
    ),
    (
        "instance and subnet options in canonical order",
        in_vpc(
            """\
            subnet a 10.0.0.0/24 az x public-ip-on-launch ipv6 2001:db8::/64
            instance n in a stopped source-dest-check off sg b,c elastic-ip 1.2.3.4 ip 10.0.0.9
            instance m in a sg s public-ip ipv6 2001:db8::10
            instance k in a stopped ip 10.0.0.10"""
        ),
        in_vpc(
            """\
            subnet a 10.0.0.0/24 az x ipv6 2001:db8::/64 public-ip-on-launch
            instance n in a elastic-ip 1.2.3.4 sg b, c ip 10.0.0.9 source-dest-check off stopped
            instance m in a public-ip sg s ipv6 2001:db8::10
            instance k in a ip 10.0.0.10 stopped"""
        ),
    ),
    (
        "trailing comments keep their column (at least one space after the line); consecutive"
        " ones share the rightmost; one moved to another line asks for no column",
        in_vpc(
            """\
            internet-gateway igw      # the only way out
            security-group web {   # public
              ingress tcp 443 from 0.0.0.0/0;  ingress tcp 80 from 0.0.0.0/0   # both
            }    # end of web
            security-group empty { }  # nothing yet
            route-table isolated { associate a }        # propagation forgotten"""
        ),
        in_vpc(
            """\
            internet-gateway igw      # the only way out
            security-group web {      # public
              ingress tcp 443 from 0.0.0.0/0
              ingress tcp 80 from 0.0.0.0/0             # both
            }                                           # end of web
            security-group empty { }                    # nothing yet
            route-table isolated { associate a }        # propagation forgotten"""
        ),
    ),
    (
        "a comment after the '}' of a longer block stays after it",
        "region r {\n  vpc v 10.0.0.0/16 {\n    security-group a {\n"
        "      ingress all from 10.0.0.0/8 }  # a\n  } }  # b\n",
        "region r {\n  vpc v 10.0.0.0/16 {\n    security-group a {\n"
        "      ingress all from 10.0.0.0/8\n    } # a\n  }\n} # b\n",
    ),
    (
        "own-line comments keep their place and take the indentation of what follows",
        dedent(
            """\
            # header
            region r {
                      # about the vpc
              vpc v 10.0.0.0/16 {
            # about igw
                internet-gateway igw
                    # left at the end of the vpc
              }
            }
              # at the end of the file
            """
        ),
        dedent(
            """\
            # header
            region r {
              # about the vpc
              vpc v 10.0.0.0/16 {
                # about igw
                internet-gateway igw
                # left at the end of the vpc
              }
            }
            # at the end of the file
            """
        ),
    ),
    (
        "a comment in an otherwise empty block keeps the block open",
        in_vpc("security-group a {\n  # to do\n}\nsecurity-group b { # why\n} # when"),
        in_vpc(
            "security-group a {\n  # to do\n}\nsecurity-group b { # why\n}                  # when"
        ),
    ),
    (
        "runs of blank lines collapse; none after '{', before '}' or at the start",
        "\n\n\nregion r {\n\n\n  vpc v 10.0.0.0/16 {\n\n    subnet a 10.0.0.0/24 az x\n\n\n\n"
        "    # b\n\n    subnet b 10.0.1.0/24 az x\n\n  }\n\n}\n\n\n",
        "region r {\n  vpc v 10.0.0.0/16 {\n    subnet a 10.0.0.0/24 az x\n\n    # b\n\n"
        "    subnet b 10.0.1.0/24 az x\n  }\n}\n",
    ),
    (
        "top level: a blank line between kinds and around blocks, before leading comments",
        dedent(
            """\
            title "t"
            site s 192.168.0.0/16 { host h 192.168.0.10 }
            # two peerings
            peering a-b a <-> b; peering b-c b <-> c
            flow f: h -> a tcp 443 volume 1GB return 2GB
            expect h -> a tcp 443 allow via a-b
            expect h -> b tcp 443 deny because NO_ROUTE_TO_DESTINATION

            expect h -> 2606:4700::1 icmpv6 deny
            # the total
            expect cost total <= 12.50
            """
        ),
        dedent(
            """\
            title "t"

            site s 192.168.0.0/16 { host h 192.168.0.10 }

            # two peerings
            peering a-b a <-> b
            peering b-c b <-> c

            flow f: h -> a tcp 443 volume 1GB return 2GB

            expect h -> a tcp 443 allow via a-b
            expect h -> b tcp 443 deny because NO_ROUTE_TO_DESTINATION

            expect h -> 2606:4700::1 icmpv6 deny

            # the total
            expect cost total <= 12.50
            """
        ),
    ),
    (
        "include statements are kept, not inlined, one per line",
        dedent(
            """\
            include "aws.nd" # the imported network
            include "sub/sites.nd"; title "corp"
            """
        ),
        dedent(
            """\
            include "aws.nd" # the imported network
            include "sub/sites.nd"

            title "corp"
            """
        ),
    ),
    (
        "every statement kind prints in canonical form",
        dedent(
            """\
            prices   "prices.json"
            region r { vpc v 10.0.0.0/16 10.1.0.0/16 {
              ipv6 2001:db8:1200::/56; egress-only-gateway eigw; vpn-gateway vgw
              dhcp-options   domain corp.internal
              route-table rt   main { route ::/0 via eigw; route 10.9.0.0/16 blackhole
                propagate vgw; route 10.8.0.0/16 via v.pcx }
              nat-gateway n1 in a eip 3.3.3.3; nat-gateway n2 in a private; nat-gateway n3 in a
              endpoint s3 gateway s3 route-tables rt v.rt2
              endpoint sns interface sns in a b sg x,y
              endpoint sqs interface sqs in a
            }
            transit-gateway tgw { attach v subnets a b; attach vpn vpn1; attach w
              route-table main { associate v; propagate v w; route 10.0.0.0/8 via v
                route 10.99.0.0/16 blackhole } } }
            site dc 192.168.0.0/16 172.16.0.0/12 { customer-gateway cgw 203.0.113.12 }
            vpn vpn1 vgw <-> cgw static 192.168.0.0/16 172.16.0.0/12; vpn vpn2 tgw <-> cgw bgp
            """
        ),
        dedent(
            """\
            prices "prices.json"

            region r {
              vpc v 10.0.0.0/16 10.1.0.0/16 {
                ipv6 2001:db8:1200::/56
                egress-only-gateway eigw
                vpn-gateway vgw
                dhcp-options domain corp.internal
                route-table rt main {
                  route ::/0 via eigw
                  route 10.9.0.0/16 blackhole
                  propagate vgw
                  route 10.8.0.0/16 via v.pcx
                }
                nat-gateway n1 in a eip 3.3.3.3
                nat-gateway n2 in a private
                nat-gateway n3 in a
                endpoint s3 gateway s3 route-tables rt v.rt2
                endpoint sns interface sns in a b sg x, y
                endpoint sqs interface sqs in a
              }
              transit-gateway tgw {
                attach v subnets a b
                attach vpn vpn1
                attach w
                route-table main {
                  associate v
                  propagate v w
                  route 10.0.0.0/8 via v
                  route 10.99.0.0/16 blackhole
                }
              }
            }

            site dc 192.168.0.0/16 172.16.0.0/12 { customer-gateway cgw 203.0.113.12 }

            vpn vpn1 vgw <-> cgw static 192.168.0.0/16 172.16.0.0/12
            vpn vpn2 tgw <-> cgw bgp
            """
        ),
    ),
    (
        "written addresses: NAT options in the order private, ip, eip; ips after the subnets",
        dedent(
            """\
            region r { vpc v 10.0.0.0/16 {
              nat-gateway n1 in a eip 3.3.3.3 ip 10.0.1.9; nat-gateway n2 in a ip 10.0.1.8 private
              endpoint sns interface sns in a b ips 10.0.1.20 10.0.2.20 sg x,y
              endpoint sqs interface sqs in a ips 10.0.1.21
              endpoint ssm interface ssm in ips b ips 10.0.1.22 10.0.2.22
            } }
            """
        ),
        dedent(
            """\
            region r {
              vpc v 10.0.0.0/16 {
                nat-gateway n1 in a ip 10.0.1.9 eip 3.3.3.3
                nat-gateway n2 in a private ip 10.0.1.8
                endpoint sns interface sns in a b ips 10.0.1.20 10.0.2.20 sg x, y
                endpoint sqs interface sqs in a ips 10.0.1.21
                endpoint ssm interface ssm in ips b ips 10.0.1.22 10.0.2.22
              }
            }
            """
        ),
    ),
    (
        "an interface endpoint's ports after its ips, before its groups",
        "region r { vpc v 10.0.0.0/16 {\n"
        "  endpoint smtp interface email-smtp in a  ips 10.0.1.5  ports 587 465   sg x\n} }\n",
        "region r {\n  vpc v 10.0.0.0/16 {\n"
        "    endpoint smtp interface email-smtp in a ips 10.0.1.5 ports 587 465 sg x\n  }\n}\n",
    ),
    (
        "windows line endings and a missing final newline",
        'title "t"\r\n\r\n\r\nexpect a -> b all allow',
        'title "t"\n\nexpect a -> b all allow\n',
    ),
    (
        "prefix lists: one entry a line, comments kept, names where CIDRs are",
        (
            "prefix-list corp { 10.0.0.0/8; 192.168.0.0/16 } # offices\n"
            "region us-east-1 { prefix-list none { }\n"
            " vpc v 10.1.0.0/16 { route-table rt { route corp via tgw }; security-group g { egress tcp 443 to s3 } } }"
        ),
        dedent(
            """\
            prefix-list corp { 10.0.0.0/8; 192.168.0.0/16 } # offices

            region us-east-1 {
              prefix-list none { }
              vpc v 10.1.0.0/16 {
                route-table rt { route corp via tgw }
                security-group g { egress tcp 443 to s3 }
              }
            }
            """
        ),
    ),
    (
        "down goes last on an instance, a NAT gateway and a VPN",
        (
            "region r {\n"
            "  vpc v 10.0.0.0/16 {\n"
            "    nat-gateway n1 in a down\n"
            "    nat-gateway n2 in a private  down\n"
            "    instance i in a down sg x stopped ip 10.0.0.9\n"
            "  }\n"
            "}\n"
            "vpn vpn1 vgw <-> cgw static 192.168.0.0/16   down\n"
            "vpn vpn2 tgw <-> cgw bgp down\n"
        ),
        dedent(
            """\
            region r {
              vpc v 10.0.0.0/16 {
                nat-gateway n1 in a down
                nat-gateway n2 in a private down
                instance i in a sg x ip 10.0.0.9 stopped down
              }
            }

            vpn vpn1 vgw <-> cgw static 192.168.0.0/16 down
            vpn vpn2 tgw <-> cgw bgp down
            """
        ),
    ),
    (
        "icmp types and codes, port sets and client ports",
        (
            "region r {\n"
            "  vpc v 10.0.0.0/16 {\n"
            "    security-group g {\n"
            "      ingress icmp type 8 code 0 from 0.0.0.0/0; ingress icmpv6 type 128 from ::/0; ingress tcp any from 10.0.0.0/8 }\n"
            "    network-acl n { outbound 100 allow icmp type 0 to 10.0.0.0/16 }\n"
            "    instance a in s ephemeral 32768-60999 sg g\n"
            "    instance b in s stopped ephemeral 49152-65535\n"
            "  }\n"
            "}\n"
            "site dc 192.168.0.0/16 { ephemeral 49152-65535; host h 192.168.0.5 }\n"
            "expect a ->  b icmp type 3   code 4 allow\n"
            "expect a -> b tcp 1-1024 deny\n"
            "expect a -> b udp any deny\n"
            "flow f: a -> b icmp type 8 volume 1GB\n"
        ),
        dedent(
            """\
            region r {
              vpc v 10.0.0.0/16 {
                security-group g {
                  ingress icmp type 8 code 0 from 0.0.0.0/0
                  ingress icmpv6 type 128 from ::/0
                  ingress tcp any from 10.0.0.0/8
                }
                network-acl n { outbound 100 allow icmp type 0 to 10.0.0.0/16 }
                instance a in s sg g ephemeral 32768-60999
                instance b in s stopped ephemeral 49152-65535
              }
            }

            site dc 192.168.0.0/16 { ephemeral 49152-65535; host h 192.168.0.5 }

            expect a -> b icmp type 3 code 4 allow
            expect a -> b tcp 1-1024 deny
            expect a -> b udp any deny

            flow f: a -> b icmp type 8 volume 1GB
            """
        ),
    ),
    (
        "scenarios: a short one stays on one line, a longer one opens, down keeps its parts",
        (
            'scenario   "vpn1 fails" {down vpn1 ;expect app -> bind udp 53 allow via vpn2}\n'
            'scenario "both"  {\n'
            "  down  vpn1   main.nat-a  # both\n"
            "flow f2: app -> bind tcp 443 volume 10GB\n"
            "    expect cost f2 = 0\n"
            "}\n"
        ),
        dedent(
            """\
            scenario "vpn1 fails" { down vpn1; expect app -> bind udp 53 allow via vpn2 }

            scenario "both" {
              down vpn1 main.nat-a     # both
              flow f2: app -> bind tcp 443 volume 10GB
              expect cost f2 = 0
            }
            """
        ),
    ),
    ("an empty file stays empty", "\n\n  \n", ""),
    ("a file of comments only", "\n# one\n\n\n# two", "# one\n\n# two\n"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_formats(text: str, expected: str) -> None:
    assert check_invariants(text) == expected


# ---- any layout of the spec files -------------------------------------------------------------

#: What to do to one line: keep it, add a trailing comment, put a comment or a blank line
#: before it, or join it to the line before with ';'.
KEEP, TRAILING, COMMENT_BEFORE, BLANK_BEFORE, JOIN = range(5)


def relayout(text: str, edits: list[int]) -> str:
    out: list[str] = []
    for number, (line, edit) in enumerate(zip(text.split("\n"), edits, strict=False)):
        if edit == COMMENT_BEFORE:
            out.append(f"{' ' * (number % 7)}# before {number}")
        elif edit == BLANK_BEFORE:
            out.append(" " * (number % 3))
        elif edit == TRAILING and "#" not in line:
            line = f"{line}{' ' * (number % 4)}# after {number}"
        elif edit == JOIN and out and line.strip() and "#" not in out[-1] + line:
            out[-1] = f"{out[-1]}; {line.strip()}"
            continue
        out.append(line)
    return "\n".join(out)


@settings(max_examples=150, deadline=None)
@given(data=hs.data())
def test_any_layout_keeps_comments_and_meaning(data: hs.DataObject) -> None:
    path = data.draw(hs.sampled_from(SPEC_FILES), label="file")
    text = path.read_text("utf-8")
    edits = data.draw(hs.lists(hs.integers(KEEP, JOIN), min_size=text.count("\n") + 1))
    check_invariants(relayout(text, edits))


# ---- canonical: the same layout choices give the same text, whatever the other whitespace ------


def respace(text: str, rnd: random.Random) -> str:
    """The same text with other whitespace where ``fmt`` keeps no layout choice.

    Lines are indented anew (spaces or tabs), blank lines are repeated and may hold
    blanks, a line without a comment or a string may end in blanks, and blank lines come
    before the first line. Runs of blanks inside a line (the author's alignment) and the
    distance from a line's indentation to its trailing comment are left as they are.
    """
    out = [" " * rnd.randint(0, 3) for _ in range(rnd.randint(0, 2))]
    for line in text.split("\n"):
        body = line.lstrip(" \t")
        if not body:
            out += [rnd.choice(["", " ", "\t", "   "]) for _ in range(rnd.randint(1, 3))]
            continue
        indent = "".join(rnd.choice([" ", "\t"]) for _ in range(rnd.randint(0, 8)))
        if "#" not in body and '"' not in body and rnd.random() < 0.3:
            body += rnd.choice([" ", "\t", "   "])
        out.append(indent + body)
    return "\n".join(out)


def meaning(value: object) -> object:
    """A compiled network (or any model value) as nested tuples, without spans."""
    if isinstance(value, Span):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__name__, *((f.name, meaning(getattr(value, f.name))) for f in fields))
    if isinstance(value, dict):
        return tuple((meaning(k), meaning(v)) for k, v in value.items())
    if isinstance(value, tuple | list):
        return tuple(meaning(item) for item in value)
    if isinstance(value, set | frozenset):
        return tuple(sorted(repr(meaning(item)) for item in value))
    return value


def compiled(text: str) -> tuple[object, list[tuple[str, str]]]:
    result = api.compile(text, "x.nd")
    return meaning(result.network), sorted((d.code, d.message) for d in result.diagnostics)


def assert_canonical(text: str, rnd: random.Random) -> None:
    """fmt is idempotent, keeps the meaning, and ignores whitespace it keeps no choice of."""
    formatted, _ = format_text(text, "<test>")
    if formatted is None:
        return
    assert fmt(formatted) == formatted, "formatting is not idempotent"
    assert shape(parsed(formatted).statements) == shape(parsed(text).statements)
    assert compiled(formatted) == compiled(text), "the formatted file compiles differently"
    assert fmt(respace(text, rnd)) == formatted, "the output depends on ignored whitespace"
    assert fmt(respace(formatted, rnd)) == formatted


@settings(max_examples=150, deadline=None)
@given(data=hs.data(), rnd=hs.randoms(use_true_random=False))
def test_any_layout_formats_the_same_under_any_indentation(
    data: hs.DataObject, rnd: random.Random
) -> None:
    path = data.draw(hs.sampled_from(SPEC_FILES), label="file")
    text = path.read_text("utf-8")
    edits = data.draw(hs.lists(hs.integers(KEEP, JOIN), min_size=text.count("\n") + 1))
    assert_canonical(relayout(text, edits), rnd)


@settings(max_examples=300, deadline=None)
@given(text=shaped_network(), rnd=hs.randoms(use_true_random=False))
def test_generated_networks_format_canonically(text: str, rnd: random.Random) -> None:
    assert_canonical(text, rnd)


@settings(max_examples=300, deadline=None)
@given(text=mutated_spec(), rnd=hs.randoms(use_true_random=False))
def test_mutated_spec_files_format_canonically(text: str, rnd: random.Random) -> None:
    assert_canonical(text, rnd)
