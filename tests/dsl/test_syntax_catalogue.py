"""The catalogue of known syntax mistakes: every example fails and gets its own label."""

from __future__ import annotations

import pytest
from lark.exceptions import UnexpectedInput

from netdraft import api
from netdraft.dsl.parse import SYNTAX_CATALOGUE, _friendly, parser

CASES = [(label, example) for label, examples in SYNTAX_CATALOGUE.items() for example in examples]
# A mistake is named the same wherever the statement stands in the file.
PREFIXES = ["", "# a comment\n", 'title "t"\n\n']


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(("label", "example"), CASES)
def test_example_fails_with_its_label(label: str, example: str, prefix: str) -> None:
    with pytest.raises(UnexpectedInput) as info:
        parser().parse(prefix + example)
    assert _friendly(info.value) == label


def test_label_reaches_the_diagnostic() -> None:
    compiled = api.compile("expect a b tcp 443 allow\n", "x.nd")
    (diagnostic,) = compiled.diagnostics
    assert diagnostic.code == "syntax"
    assert "'->'" in diagnostic.label


def test_several_syntax_errors_in_one_run() -> None:
    text = (
        "region us-east-1 {\n"
        "  vpc main 10.0.0.0/16 {\n"
        "    subnet app 10.0.1.0/24 az\n"
        "    instance x in app ip\n"
        "  }\n"
        "}\n"
        "expect a -> b tcp 443\n"
    )
    lines = [d.span.line for d in api.compile(text, "x.nd").diagnostics]
    assert lines == [3, 4, 7]
