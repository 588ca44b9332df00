"""Rendering diagnostics: lines as the parser counts them, long lines cut, output bounded."""

from __future__ import annotations

import io

import pytest

from netdraft import api
from netdraft import diagnostics as dg
from netdraft.diagnostics import (
    MAX_SHOWN,
    WINDOW,
    Diagnostic,
    Hints,
    SourceLines,
    end_position,
    error,
    iter_rendered,
    render,
    render_all,
    warning,
    write_diagnostics,
)
from netdraft.model.values import Span

VPC_HEAD = "region us-east-1 {\n  vpc main 10.0.0.0/16 {\n    subnet a 10.0.1.0/24 az us-east-1a\n"
VPC_TAIL = "  }\n}\n"


def unknown_subnets(count: int, per_line: int = 1) -> str:
    names = [f"s{i}" for i in range(count)]
    lines = [
        "      associate " + " ".join(names[i : i + per_line]) + "\n"
        for i in range(0, count, per_line)
    ]
    return VPC_HEAD + "    route-table rt {\n" + "".join(lines) + "    }\n" + VPC_TAIL


# ---- which line a caret is on --------------------------------------------------------------

#: Characters ``str.splitlines`` breaks at but the parser (Lark counts ``\n``) does not.
NOT_NEWLINES = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\r", "\x1c", "\x1e"]


@pytest.mark.parametrize("char", NOT_NEWLINES, ids=[f"U+{ord(c):04X}" for c in NOT_NEWLINES])
def test_caret_is_under_the_parser_line(char: str) -> None:
    text = (
        f"# a comment{char}with a break\n"
        + VPC_HEAD
        + "    route-table rt {\n      associate nope\n    }\n"
        + VPC_TAIL
    )
    compiled = api.compile(text, "x.nd")
    (problem,) = compiled.diagnostics
    assert problem.code == "unknown-name"
    wanted = text.split("\n")[problem.span.line - 1]
    lines = render(problem, text).split("\n")
    assert lines[1] == f" {problem.span.line} | {wanted}"
    assert lines[2].index("^") - len(f" {problem.span.line} | ") == problem.span.column - 1


def test_a_character_that_moves_the_cursor_is_shown_as_one_column() -> None:
    text = "# \x1b[2J\x07 comment\nregion us-east-1 {\n  vpc main 10.0.0.0/16 { associate }\n}\n"
    span = Span("x.nd", 1, 3, 1, 4)
    shown = render(error("syntax", "m", span), text).split("\n")[1]
    assert "\x1b" not in shown and "\x07" not in shown
    assert len(shown) == len(" 1 | ") + len(text.split("\n")[0])


@pytest.mark.parametrize(
    "text",
    ["", "a", "a\n", "a\n\n", "a\r\nb\r\n", "\n\nx", "a\nb", "a\n\n\nb\n"],
    ids=repr,
)
def test_lines_of_ordinary_text_are_those_of_splitlines(text: str) -> None:
    table = SourceLines(text)
    assert [table.line(n) for n in range(1, len(text.splitlines()) + 1)] == text.splitlines()
    assert table.line(len(text.splitlines()) + 1) is None
    assert table.line(0) is None
    lines = text.splitlines() or [""]
    assert end_position(text) == (len(lines), len(lines[-1]) + 1)


# ---- long lines ----------------------------------------------------------------------------


@pytest.mark.parametrize("column", [1, 50, 5_000, 999_990, 1_000_001])
def test_a_long_line_is_shown_around_the_caret(column: int) -> None:
    line = "".join(chr(ord("a") + i % 26) for i in range(1_000_000))
    text = "title x\n" + line + "\n"
    span = Span("x.nd", 2, column, 2, column + 10_000_000)
    out = render(error("syntax", "unexpected", span, "a label"), text).split("\n")
    assert len(out) == 3
    assert all(len(part) < WINDOW + 40 for part in out), [len(p) for p in out]
    source, caret = out[1], out[2]
    start = caret.index("^")
    carets = caret[start:].split(" ")[0]
    assert 1 <= len(carets) <= WINDOW
    if column <= len(line):
        assert source[start] == line[column - 1]
    assert ("…" in source) and caret.endswith(" a label")


def test_a_syntax_error_on_a_10_mb_line_prints_little() -> None:
    text = "title " + "x" * 10_000_000 + "\n"
    compiled = api.compile(text, "x.nd")
    rendered = render_all(compiled.diagnostics, compiled.sources())
    assert len(rendered) < 2_000, len(rendered)


def test_a_short_line_is_shown_whole() -> None:
    text = "x" * WINDOW + "\n"
    out = render(error("syntax", "m", Span("x.nd", 1, 5, 1, 8)), text).split("\n")
    assert out[1] == " 1 | " + "x" * WINDOW
    assert out[2] == "   |     ^^^"


def test_a_huge_message_is_clipped() -> None:
    message = "no subnet named '" + "n" * 100_000 + "'"
    out = render(error("unknown-name", message, Span("x.nd", 1, 1, 1, 2), "n" * 10_000), "x\n")
    assert len(out) < 3_000
    assert "…" in out


# ---- how many are shown --------------------------------------------------------------------


def test_diagnostics_of_a_file_are_capped_and_the_rest_counted() -> None:
    compiled = api.compile(unknown_subnets(MAX_SHOWN + 50), "x.nd")
    assert len(compiled.diagnostics) == MAX_SHOWN + 50
    out = list(iter_rendered(compiled.diagnostics, compiled.sources()))
    assert len(out) == MAX_SHOWN + 1
    assert out[-1] == "and 50 more errors in x.nd"
    # The ones shown are the first in the file.
    assert out[0].startswith("x.nd:5:")


def test_warnings_are_counted_too() -> None:
    span = Span("x.nd", 1, 1, 1, 2)
    found = [error("syntax", "m", span)] * 3 + [warning("vpc-cidr-quota", "m", span)] * 2
    out = list(iter_rendered(found, {}, limit=1))
    assert out[-1] == "and 2 more errors and 2 more warnings in x.nd"
    one = list(iter_rendered([warning("vpc-cidr-quota", "m", span)] * 2, {}, limit=1))
    assert one[-1] == "and 1 more warning in x.nd"


def test_each_file_has_its_own_cap() -> None:
    found = [error("syntax", "m", Span(f, 1, 1, 1, 2)) for f in ("b.nd", "a.nd") for _ in range(3)]
    out = list(iter_rendered(found, {}, limit=2))
    heads = [line.split(":")[0] for line in out]
    assert heads == [
        "a.nd",
        "a.nd",
        "and 1 more error in a.nd",
        "b.nd",
        "b.nd",
        "and 1 more error in b.nd",
    ]


def test_writing_streams_what_render_all_joins() -> None:
    compiled = api.compile(unknown_subnets(7), "x.nd")
    stream = io.StringIO()
    write_diagnostics(compiled.diagnostics, compiled.sources(), stream)
    assert stream.getvalue() == render_all(compiled.diagnostics, compiled.sources()) + "\n"


def test_lines_are_found_once_per_file(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []

    class Counting(SourceLines):
        def __init__(self, text: str) -> None:
            made.append(len(text))
            super().__init__(text)

    monkeypatch.setattr(dg, "SourceLines", Counting)
    compiled = api.compile(unknown_subnets(2_000), "x.nd")
    list(iter_rendered(compiled.diagnostics, compiled.sources()))
    assert len(made) == 1


def test_10000_errors_print_a_bounded_text() -> None:
    text = (
        VPC_HEAD
        + "    route-table rt {\n      associate "
        + " ".join(["x"] * 10_000)
        + "\n    }\n"
        + VPC_TAIL
    )
    compiled = api.compile(text, "x.nd")
    assert len(compiled.diagnostics) == 10_000
    rendered = render_all(compiled.diagnostics, compiled.sources())
    assert len(rendered) < 100 * (WINDOW + 300), len(rendered)
    assert rendered.endswith("and 9900 more errors in x.nd")


# ---- hints within a budget -----------------------------------------------------------------


def test_hints_stop_when_their_budget_is_spent() -> None:
    hints = Hints(budget=10)
    assert hints("privte", ["private", "public", "dmz"]) == "private"
    assert hints("privte", ["private", "public", "dmz"]) == "private"
    assert hints("privte", ["private", "public", "dmz", "x", "y"]) is None  # over budget
    assert hints("privte", ["private"]) is None


def test_no_hint_is_looked_for_a_huge_word() -> None:
    word = "privat" + "e" * 10_000
    assert Hints()(word, ["private", word[:-1]]) is None
    assert Hints()("privte", ["private" + "x" * 10_000, "private"]) == "private"


def test_hint_candidates_are_read_only_as_far_as_the_budget() -> None:
    read: list[int] = []

    def names() -> object:
        for i in range(1_000_000):
            read.append(i)
            yield f"name{i}"

    assert Hints(budget=100)("name5", names()) is None  # type: ignore[arg-type]
    assert len(read) <= 101


def test_a_diagnostic_is_data() -> None:
    d = Diagnostic(dg.Severity.ERROR, "c", "m", Span("x.nd", 1, 1, 1, 2))
    assert render(d, None) == "x.nd:1:1: error[c]: m"
