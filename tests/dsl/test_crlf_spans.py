"""A file with Windows line ends (CRLF) gets its syntax errors where the same file with
LF gets them: the ``\\r`` before a newline is a blank the lexer skips, never a column the
caret points past."""

from __future__ import annotations

import pytest

from netdraft.dsl import parse as parsing

EXAMPLES = sorted({e for examples in parsing.SYNTAX_CATALOGUE.values() for e in examples})


def _where(text: str) -> list[tuple[str, object, str]]:
    tree, problems = parsing.parse(text, "x.nd")
    assert tree is None and problems
    return [(d.message, d.span, d.label) for d in problems]


@pytest.mark.parametrize("text", EXAMPLES)
def test_a_crlf_file_has_its_syntax_errors_where_the_lf_file_has_them(text: str) -> None:
    assert _where(text.replace("\n", "\r\n")) == _where(text)


def test_the_caret_of_a_statement_cut_short_is_just_after_its_last_word() -> None:
    text = "region us-east-1 {\r\n  vpc v 10.0.0.0/16 {\r\n    subnet a 10.0.1.0/24 az\r\n"
    (problem,) = parsing.parse(text, "x.nd")[1]
    assert (problem.span.line, problem.span.column, problem.span.end_column) == (3, 28, 29)
