"""Diagnostics: every spec error case reports its code on its line, rendered like a compiler's."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent

import pytest

from netdraft import api
from netdraft.diagnostics import Diagnostic, Severity, render

SPEC = Path(__file__).parents[1] / "spec"
EXAMPLES = sorted((SPEC / "examples").glob("*.nd"))
ERRORS = sorted((SPEC / "errors").glob("*.nd"))

#: The first line of every file in ``spec/errors/`` (LANGUAGE.md §6).
EXPECT_LINE = re.compile(
    r"^# expect-diagnostic: (?P<kind>error|warning)\[(?P<code>[a-z0-9-]+)\]"
    r" line (?P<line>\d+)(?: hint (?P<hint>\S+))?\s*$"
)
HEADLINE = re.compile(
    r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+):"
    r" (?P<kind>error|warning)\[(?P<code>[a-z0-9-]+)\]: \S.*$"
)
#: Cases whose code comes from running expectations, which needs the simulator.
NEEDS_SIMULATOR = {"expect-failed.nd"}


@dataclass(frozen=True)
class Expected:
    severity: Severity
    code: str
    line: int
    hint: str | None


def expected_of(path: Path) -> Expected:
    first = path.read_text("utf-8").splitlines()[0]
    match = EXPECT_LINE.match(first)
    assert match, f"{path.name}: first line is not '# expect-diagnostic: …': {first!r}"
    return Expected(Severity(match["kind"]), match["code"], int(match["line"]), match["hint"])


def diagnostics_of(path: Path) -> tuple[tuple[Diagnostic, ...], str]:
    """What ``netdraft check`` would report: compiler diagnostics, plus expectations if needed."""
    if path.name in NEEDS_SIMULATOR:
        result = api.check(path)
        return result.diagnostics, result.compiled.text
    compiled = api.compile(path.read_text("utf-8"), str(path))
    return compiled.diagnostics, compiled.text


def at(found: Iterable[Diagnostic], severity: Severity, code: str, line: int) -> list[Diagnostic]:
    return [d for d in found if (d.severity, d.code, d.span.line) == (severity, code, line)]


def assert_rendered(diagnostic: Diagnostic, source: str) -> None:
    """Headline ``file:line:col: kind[code]: message``, then `` N | source``, then the caret."""
    lines = render(diagnostic, source).splitlines()
    assert len(lines) >= 3, lines
    head = HEADLINE.match(lines[0])
    assert head, lines[0]
    span = diagnostic.span
    assert (int(head["line"]), int(head["col"])) == (span.line, span.column)
    assert (head["kind"], head["code"]) == (diagnostic.severity.value, diagnostic.code)
    number = str(span.line)
    prefix = f" {number} | "
    assert lines[1] == prefix + source.splitlines()[span.line - 1], lines[1]
    gutter = " " * len(number)
    caret = re.fullmatch(rf" {gutter} \| (?P<pad> *)(?P<carets>\^+)(?: (?P<label>.*))?", lines[2])
    assert caret, lines[2]
    assert len(caret["pad"]) == span.column - 1
    assert (caret["label"] or "") == diagnostic.label


# ---- the spec's error cases -----------------------------------------------------------------


@pytest.mark.parametrize("path", ERRORS, ids=[p.stem for p in ERRORS])
def test_spec_error_is_reported_on_its_line(path: Path) -> None:
    want = expected_of(path)
    found, _ = diagnostics_of(path)
    hits = at(found, want.severity, want.code, want.line)
    summary = [d.headline() for d in found]
    assert hits, f"no {want.severity.value}[{want.code}] on line {want.line}; got {summary}"
    if want.hint is not None:
        assert any(want.hint in d.label for d in hits), [d.label for d in hits]


@pytest.mark.parametrize("path", ERRORS, ids=[p.stem for p in ERRORS])
def test_spec_error_renders_with_source_and_caret(path: Path) -> None:
    want = expected_of(path)
    found, source = diagnostics_of(path)
    hit = next(d for d in found if (d.code, d.span.line) == (want.code, want.line))
    assert_rendered(hit, source)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_spec_example_compiles_without_errors(path: Path) -> None:
    compiled = api.compile(path.read_text("utf-8"), str(path))
    assert compiled.ok, [d.headline() for d in compiled.diagnostics if d.is_error]
    assert compiled.network is not None


# ---- small inline cases ---------------------------------------------------------------------

ERROR, WARNING = Severity.ERROR, Severity.WARNING


def nd(text: str) -> str:
    return dedent(text).lstrip("\n")


#: (case id, source, severity, code, line, text the label or message must contain)
INLINE_CASES = [
    (
        "unknown-route-target",
        nd("""
            region us-east-1 {
              vpc main 10.0.0.0/16 {
                internet-gateway igw
                subnet a 10.0.0.0/24 az us-east-1a
                route-table rt {
                  route 0.0.0.0/0 via igww
                  associate a
                }
              }
            }
        """),
        ERROR,
        "unknown-name",
        6,
        "did you mean 'igw'?",
    ),
    (
        "unknown-security-group",
        nd("""
            region us-east-1 {
              vpc main 10.0.0.0/16 {
                subnet a 10.0.0.0/24 az us-east-1a
                security-group web { ingress tcp 443 from 0.0.0.0/0 }
                instance app in a sg wbe
              }
            }
        """),
        ERROR,
        "unknown-name",
        5,
        "did you mean 'web'?",
    ),
    (
        "unknown-instance-subnet",
        nd("""
            region us-east-1 {
              vpc main 10.0.0.0/16 {
                subnet private-a 10.0.0.0/24 az us-east-1a
                instance app in privat-a
              }
            }
        """),
        ERROR,
        "unknown-name",
        4,
        "did you mean 'private-a'?",
    ),
    (
        "duplicate-vpc",
        nd("""
            region us-east-1 {
              vpc main 10.0.0.0/16 { }
            }
            region eu-west-1 {
              vpc main 10.1.0.0/16 { }
            }
        """),
        ERROR,
        "duplicate-name",
        5,
        "first declared on line 2",
    ),
    (
        "duplicate-instance",
        nd("""
            region us-east-1 {
              vpc main 10.0.0.0/16 {
                subnet a 10.0.0.0/24 az us-east-1a
                instance app in a
                instance app in a
              }
            }
        """),
        ERROR,
        "duplicate-name",
        5,
        "first declared on line 4",
    ),
    (
        "bad-cidr-host-bits",
        nd("""
            region us-east-1 {
              vpc main 10.0.0.0/16 {
                subnet a 10.0.1.5/24 az us-east-1a
              }
            }
        """),
        ERROR,
        "bad-cidr",
        3,
        "'10.0.1.5/24' has host bits set",
    ),
    (
        "ip-outside-subnet",
        nd("""
            region us-east-1 {
              vpc main 10.0.0.0/16 {
                subnet a 10.0.1.0/24 az us-east-1a
                instance app in a ip 10.0.2.10
              }
            }
        """),
        ERROR,
        "ip-outside-subnet",
        4,
        "10.0.2.10",
    ),
    (
        "route-duplicate",
        nd("""
            region us-east-1 {
              vpc main 10.0.0.0/16 {
                internet-gateway igw
                subnet a 10.0.0.0/24 az us-east-1a
                route-table rt {
                  route 0.0.0.0/0 via igw
                  route 0.0.0.0/0 blackhole
                  associate a
                }
              }
            }
        """),
        ERROR,
        "route-duplicate",
        7,
        "first on line 6",
    ),
    (
        "vpc-cidr-quota",
        nd("""
            region us-east-1 {
              vpc big 10.0.0.0/16 10.1.0.0/16 10.2.0.0/16 10.3.0.0/16 10.4.0.0/16 10.5.0.0/16 {
              }
            }
        """),
        WARNING,
        "vpc-cidr-quota",
        2,
        "6 IPv4 CIDRs",
    ),
    (
        "nat-no-internet",
        nd("""
            region us-east-1 {
              vpc main 10.0.0.0/16 {
                subnet private-a 10.0.1.0/24 az us-east-1a
                nat-gateway nat in private-a
              }
            }
        """),
        WARNING,
        "nat-no-internet",
        4,
        "private-a",
    ),
    (
        "duplicate-ipv6",
        nd("""
            region us-east-1 {
              vpc v 10.0.0.0/16 {
                ipv6 2001:db8::/56
                subnet s 10.0.0.0/24 az us-east-1a ipv6 2001:db8::/64
                instance a in s ipv6 2001:db8::4
                instance b in s
                instance c in s ipv6 2001:db8::4
              }
            }
        """),
        ERROR,
        "duplicate-address",
        7,
        "2001:db8::4",
    ),
    (
        "sg-reference-other-region",
        nd("""
            region us-east-1 {
              vpc a 10.1.0.0/16 {
                security-group app { ingress tcp 443 from b.web }
              }
            }
            region us-west-2 {
              vpc b 10.2.0.0/16 { security-group web { } }
            }
            peering ab a <-> b
        """),
        ERROR,
        "sg-reference",
        3,
        "in another region",
    ),
    (
        "sg-reference-not-joined",
        nd("""
            region us-east-1 {
              vpc a 10.1.0.0/16 {
                security-group app { egress tcp 443 to b.web }
              }
              vpc b 10.2.0.0/16 { security-group web { } }
            }
        """),
        ERROR,
        "sg-reference",
        3,
        "no peering or transit gateway joins",
    ),
    (
        "ipv4-route-to-egress-only-gateway",
        nd("""
            region us-east-1 {
              vpc v 10.0.0.0/16 {
                ipv6 2001:db8::/56
                egress-only-gateway eigw
                subnet s 10.0.0.0/24 az us-east-1a ipv6 2001:db8::/64
                route-table rt { route ::/0 via eigw; route 0.0.0.0/0 via eigw; associate s }
              }
            }
        """),
        ERROR,
        "route-target",
        6,
        "carries IPv6 only, not 0.0.0.0/0",
    ),
    (
        "subnet-too-small-with-tgw-attachment",
        nd("""
            region us-east-1 {
              vpc v 10.0.0.0/16 {
                subnet s 10.0.0.0/29 az us-east-1a
                instance a in s
                instance b in s
                instance c in s
              }
              transit-gateway tgw { attach v subnets s }
            }
        """),
        ERROR,
        "subnet-too-small",
        3,
        "3 usable addresses for 4 network interfaces",
    ),
    (
        "reserved-address-future-use",
        nd("""
            region us-east-1 {
              vpc main 10.0.0.0/16 {
                subnet a 10.0.1.0/24 az us-east-1a
                instance app in a ip 10.0.1.3
              }
            }
        """),
        ERROR,
        "reserved-address",
        4,
        "10.0.1.3 is reserved in subnet 'a' (10.0.1.0/24): the address AWS reserves for future use",
    ),
    (
        "unclosed-block",  # the block left open is named, with its line
        nd("""
            region us-east-1 {
              vpc v 10.0.0.0/16 {
                subnet a 10.0.0.0/24 az us-east-1a
        """),
        ERROR,
        "syntax",
        3,
        "the file ends inside 'vpc v' opened at line 2 (inside 'region us-east-1', line 1);"
        " 2 '}' are missing",
    ),
]


def test_ipv6_route_to_a_nat_gateway_is_refused() -> None:
    text = nd("""
        region us-east-1 {
          vpc v 10.0.0.0/16 {
            ipv6 2001:db8::/56
            subnet p 10.0.0.0/24 az us-east-1a
            subnet s 10.0.1.0/24 az us-east-1a
            nat-gateway nat in p private
            route-table rt { route ::/0 via nat; associate s }
          }
        }
    """)
    (d,) = [d for d in api.compile(text, "n64.nd").diagnostics if d.is_error]
    assert (d.code, d.span.line) == ("route-target", 7)


def test_via_a_rule_set_says_what_via_takes() -> None:
    text = nd("""
        region us-east-1 {
          vpc v 10.0.0.0/16 {
            subnet s 10.0.1.0/24 az us-east-1a
            network-acl app-acl { associate s }
            instance a in s
            instance b in s
          }
        }
        expect a -> b icmp allow via app-acl
    """)
    (d,) = [d for d in api.compile(text, "via.nd").diagnostics if d.is_error]
    assert (d.code, d.span.line) == ("unknown-name", 9)
    assert "'app-acl' is a network ACL" in d.message


def test_automatic_ipv6_addresses_skip_written_ones() -> None:
    text = nd("""
        region us-east-1 {
          vpc v 10.0.0.0/16 {
            ipv6 2001:db8::/56
            subnet s 10.0.0.0/24 az us-east-1a ipv6 2001:db8::/64
            instance a in s ipv6 2001:db8::4
            instance b in s
          }
        }
    """)
    network = api.compile(text, "v6.nd").network
    assert network is not None
    instances = network.vpcs["v"].instances
    assert (str(instances["a"].ipv6), str(instances["b"].ipv6)) == ("2001:db8::4", "2001:db8::5")


@pytest.mark.parametrize(
    ("text", "severity", "code", "line", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in INLINE_CASES],
)
def test_inline_case(text: str, severity: Severity, code: str, line: int, words: str) -> None:
    compiled = api.compile(text, "case.nd")
    hits = at(compiled.diagnostics, severity, code, line)
    assert hits, [d.headline() for d in compiled.diagnostics]
    assert any(words in d.message or words in d.label for d in hits), [
        (d.message, d.label) for d in hits
    ]
    # Warnings never make a file fail; these cases have no other problem.
    assert compiled.ok is (severity is WARNING)
    assert_rendered(hits[0], text)


THREE_PROBLEMS = nd("""
    region us-east-1 {
      vpc main 10.0.0.0/16 {
        subnet a 10.0.0.0/24 az us-east-1a
        subnet a 10.0.9.0/24 az us-east-1b
        subnet far 10.9.0.0/24 az us-east-1a
        instance app in nowhere
      }
    }
""")


def test_every_problem_of_a_file_is_reported_in_one_run() -> None:
    compiled = api.compile(THREE_PROBLEMS, "three.nd")
    found = sorted((d.span.line, d.code) for d in compiled.diagnostics if d.is_error)
    assert found == [(4, "duplicate-name"), (5, "subnet-outside-vpc"), (6, "unknown-name")]
    assert not compiled.ok


def test_attachment_of_a_subnet_whose_cidr_is_wrong_does_not_crash() -> None:
    # Found by the property test: the default attachment subnet had no model to point to.
    text = nd("""
        region us-east-1 {
          vpc b 10.0.0.0/16 {
            subnet a 10.0.0.0/33 az us-east-1a
          }
          transit-gateway t {
            attach b
          }
        }
    """)
    compiled = api.compile(text, "tgw.nd")
    assert not compiled.ok
    assert [d.code for d in compiled.diagnostics if d.is_error] == ["bad-cidr"]


@pytest.mark.parametrize(
    ("before", "cells"),
    [
        ('"世界"', 6),  # CJK: two cells each
        ('"😀"', 4),  # an astral-plane emoji: one character, two cells
        ('"e\u0301e\u0301"', 4),  # combining acute accents take no cell
        ('"tab"', 5),
    ],
)
def test_the_caret_is_under_its_column_as_a_terminal_shows_the_line(
    before: str, cells: int
) -> None:
    from netdraft.dsl.parse import parse

    text = f"title {before} oops\n"
    (problem,) = parse(text, "x.nd")[1]
    assert problem.span.column == len("title ") + len(before) + 2
    shown = render(problem, text).splitlines()
    caret = shown[2].split("| ", 1)[1]
    assert caret.index("^") == len("title ") + cells + 1  # under the 'o' of 'oops'
    assert caret.lstrip().startswith("^^^^ ")  # as wide as the word
