"""Numbers and strings as the grammar reads them: ASCII digits, bounded work and memory."""

from __future__ import annotations

import tracemalloc

import pytest
from pygments.token import Number

from netdraft import api
from netdraft.dsl import review
from netdraft.dsl.parse import parse
from netdraft.dsl.query import parse_query
from netdraft.lexer import NetdraftLexer

VPC = """\
region us-east-1 {{
  vpc main 10.0.0.0/16 {{
    subnet a 10.0.1.0/24 az us-east-1a
    instance app in a
{body}
  }}
}}
"""


def codes(text: str) -> list[str]:
    found = api.compile(text, "x.nd").diagnostics
    return [d.code for d in found if d.code not in review.CODES]  # snippets: groups unused


# ---- digits are ASCII ----------------------------------------------------------------------

UNICODE_DIGITS = [
    (
        "port",
        VPC.format(body="    security-group g {\n      ingress tcp ٤٤٣ from 0.0.0.0/0\n    }"),
    ),
    (
        "acl-rule",
        VPC.format(
            body="    network-acl n {\n      inbound ١٠٠ allow tcp 443 from 0.0.0.0/0\n    }"
        ),
    ),
    ("volume", VPC.format(body="") + "flow f: app -> internet tcp 443 volume ١٠٠GB\n"),
    ("flow-port", VPC.format(body="") + "flow f: app -> internet tcp ٤٤٣ volume 1GB\n"),
    ("cidr", VPC.format(body="    subnet b ١٠.0.2.0/24 az us-east-1a")),
    ("amount", VPC.format(body="") + "expect cost total < ١٠\n"),
]


@pytest.mark.parametrize(("case", "text"), UNICODE_DIGITS, ids=[c for c, _ in UNICODE_DIGITS])
def test_unicode_digits_are_not_numbers(case: str, text: str) -> None:
    assert codes(text) == ["syntax"]


def test_ascii_digits_still_are() -> None:
    text = VPC.format(body="    security-group g {\n      ingress tcp 443 from 0.0.0.0/0\n    }")
    assert codes(text) == []


def test_highlighter_takes_only_ascii_digits() -> None:
    tokens = list(NetdraftLexer().get_tokens("ingress tcp ٤٤٣ from 0.0.0.0/0\ningress tcp 443\n"))
    numbers = [value for kind, value in tokens if kind in Number]
    assert "443" in numbers
    assert not any("٤" in value for value in numbers)


# ---- strings -------------------------------------------------------------------------------


def test_a_long_string_takes_memory_in_proportion_to_its_length() -> None:
    # The pattern "([^"\\\n]|\\.)*" kept one regex frame per character (~150 bytes each).
    size = 200_000
    text = 'title "' + "a" * size + '"\n'
    tracemalloc.start()
    try:
        source, problems = parse(text, "x.nd")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert source is not None and not problems
    assert peak < 20 * size, peak


def test_escapes_in_strings_still_read() -> None:
    source, problems = parse('title "a \\"quoted\\" \\\\ word"\n', "x.nd")
    assert source is not None and not problems


# ---- over-long numbers ---------------------------------------------------------------------

HUGE = "9" * 5000  # more digits than int() converts (4,300)


def test_huge_port_is_a_diagnostic() -> None:
    text = VPC.format(
        body=f"    security-group g {{\n      ingress tcp {HUGE} from 0.0.0.0/0\n    }}"
    )
    (problem,) = api.compile(text, "x.nd").diagnostics
    assert problem.code == "bad-port"
    assert len(problem.message) < 100, problem.message
    assert "…" in problem.message


def test_huge_port_range_end_is_a_diagnostic() -> None:
    text = VPC.format(
        body=f"    security-group g {{\n      ingress tcp 1-{HUGE} from 0.0.0.0/0\n    }}"
    )
    assert codes(text) == ["bad-port"]


def test_huge_acl_rule_number_is_a_diagnostic() -> None:
    body = f"    network-acl n {{\n      inbound {HUGE} allow tcp 443 from 0.0.0.0/0\n    }}"
    (problem,) = api.compile(VPC.format(body=body), "x.nd").diagnostics
    assert problem.code == "acl-rule-number"
    assert len(problem.message) < 100, problem.message


def test_leading_zeros_do_not_count_as_digits() -> None:
    text = VPC.format(
        body=f"    security-group g {{\n      ingress tcp {'0' * 5000}443 from 0.0.0.0/0\n    }}"
    )
    assert codes(text) == []


def test_huge_port_in_a_query_is_a_diagnostic() -> None:
    compiled = api.compile(VPC.format(body=""), "x.nd")
    assert compiled.network is not None
    found = parse_query(compiled.network, "app", "internet", "tcp", HUGE)
    assert isinstance(found, list)
    assert [d.code for d in found] == ["bad-port"]
    assert len(found[0].message) < 100


# ---- unknown names: hints within a budget ---------------------------------------------------

VPC_HEAD = "region us-east-1 {\n  vpc main 10.0.0.0/16 {\n    subnet a 10.0.1.0/24 az us-east-1a\n"
VPC_TAIL = "  }\n}\n"


def test_many_unknown_names_among_many_declared_ones_get_bounded_hints() -> None:
    count = 2_000
    subnets = "".join(
        f"    subnet d{i} 10.0.{i // 16 + 2}.{i % 16 * 16}/28 az us-east-1a\n" for i in range(count)
    )
    refs = "".join(f"      associate d{i}x\n" for i in range(count))
    text = VPC_HEAD + subnets + "    route-table rt {\n" + refs + "    }\n" + VPC_TAIL
    found = [d for d in api.compile(text, "x.nd").diagnostics if d.code == "unknown-name"]
    assert len(found) == count
    # The first ones get a hint; once the budget is spent the label says no more.
    assert found[0].label.startswith("did you mean")
    assert found[-1].label == "no subnet has this name"
