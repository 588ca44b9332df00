"""Syntax errors: every one found in a single parse, resuming at the next statement."""

from __future__ import annotations

from typing import Any

import pytest

from netdraft import api
from netdraft.dsl import parse as parse_module
from netdraft.dsl.parse import MAX_SYNTAX_ERRORS, parse, parser


def lines_of(text: str) -> list[int]:
    found = api.compile(text, "x.nd").diagnostics
    assert all(d.code == "syntax" for d in found), [d.headline() for d in found]
    return [d.span.line for d in found]


CASES = [
    (
        "a block whose header is wrong is skipped whole",
        """\
region us-east-1 {
  vpc main {
    subnet a 10.0.1.0/24 az us-east-1a
  }
  vpc other 10.1.0.0/16 {
    subnet b 10.1.1.0/24 az
  }
}
expect a -> b tcp 443
""",
        [2, 6, 9],
    ),
    (
        "a one-line block with an error",
        """\
region us-east-1 {
  vpc main 10.0.0.0/16 {
    route-table rt { route 0.0.0.0/0 igw }
    subnet a 10.0.1.0/24
  }
}
""",
        [3, 4],
    ),
    (
        "a line that closes its block",
        """\
region us-east-1 {
  vpc main 10.0.0.0/16 {
    route-table rt {
      route 0.0.0.0/0 igw }
    subnet a 10.0.1.0/24 az
  }
}
""",
        [4, 5],
    ),
    (
        "a character outside the language",
        """\
title "t"
region us-east-1 {
  vpc main 10.0.0.0/16 {
    subnet a 10.0.1.0/24 az us-east-1a @
    subnet b 10.0.2.0/24 az us-east-1a
    subnet c 10.0.3.0/24 az
  }
}
""",
        [4, 6],
    ),
    (
        "an extra closing brace",
        """\
title "t"
}
flow f: a -> b tcp 443
""",
        [2, 3],
    ),
    (
        "braces in strings and comments do not count",
        """\
title "{" x  # {
region us-east-1 {
  vpc main 10.0.0.0/16 { # }
    subnet a 10.0.1.0/24
  }
}
""",
        [1, 4],
    ),
    (
        "statements after a semicolon",
        """\
region us-east-1 {
  vpc main 10.0.0.0/16 {
    subnet a 10.0.1.0/24 az us-east-1a; subnet b 10.0.2.0/24 az
    subnet c 10.0.3.0/24
  }
}
""",
        [3, 4],
    ),
    (
        "a block left open",
        """\
region us-east-1 {
  vpc main 10.0.0.0/16 {
    subnet a 10.0.1.0/24
""",
        [3],
    ),
]


@pytest.mark.parametrize(("case", "text", "lines"), CASES, ids=[c[0] for c in CASES])
def test_every_syntax_error_is_reported(case: str, text: str, lines: list[int]) -> None:
    assert lines_of(text) == lines


def test_the_file_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    lark = parser()
    calls: list[int] = []
    interactive = lark.parse_interactive

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return interactive(*args, **kwargs)

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("parsed again")

    monkeypatch.setattr(lark, "parse_interactive", counting)
    monkeypatch.setattr(lark, "parse", refused)
    body = "".join(f"    subnet s{i} 10.0.{i}.0/24 az\n" for i in range(50))
    text = "region us-east-1 {\n  vpc main 10.0.0.0/16 {\n" + body + "  }\n}\n"
    _, found = parse(text, "x.nd")
    assert len(found) == MAX_SYNTAX_ERRORS
    assert [d.span.line for d in found] == list(range(3, 3 + MAX_SYNTAX_ERRORS))
    assert calls == [1]


def test_errors_after_a_brace_line_are_found() -> None:
    # Recovery used to stop at a line holding '{' or '}'.
    text = "region us-east-1 {\n  vpc {\n  }\n}\n" + "flow f: a -> b tcp 443\n" * 3
    assert lines_of(text) == [2, 5, 6, 7]


def test_first_error_and_its_label_are_unchanged() -> None:
    text = "region us-east-1 {\n  vpc v 10.0.0.0/16 {\n    subnet a 10.0.1.0/24\n  }\n}\n"
    (first,) = api.compile(text, "x.nd").diagnostics
    assert first.span.line == 3
    assert "availability zone" in first.label


#: Characters ``str.splitlines`` breaks at but the parser (Lark counts ``\n``) does not.
NOT_NEWLINES = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\r", "\x1c", "\x1e"]


@pytest.mark.parametrize("char", NOT_NEWLINES, ids=[f"U+{ord(c):04X}" for c in NOT_NEWLINES])
def test_syntax_error_at_the_end_counts_lines_as_the_parser(char: str) -> None:
    text = f"# a{char}b\nregion us-east-1 {{\n"
    (problem,) = api.compile(text, "x.nd").diagnostics
    assert (problem.span.line, problem.span.column) == (2, len("region us-east-1 {") + 1)


def test_recovery_reads_no_statement_twice() -> None:
    # The work is one pass: resuming never goes back before the error.
    assert parse_module._resume_point("a b\nc\n", 0, 2) == (3, 0)
    assert parse_module._resume_point("a { b\nc }\nd\n", 0, 2) == (9, 0)
    assert parse_module._resume_point("a }\nb\n", 0, 2) == (3, 1)
    assert parse_module._resume_point("a {\nb\n", 0, 2) is None
