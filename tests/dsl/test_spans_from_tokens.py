"""The syntax tree built as the parser reduces, with spans from the tokens, is the one the
parse tree and Lark's ``propagate_positions`` gave: every node, every span.

The reference is the way netdraft parsed before: Lark builds its tree with positions, and a
transformer hands each rule's position and children to the same node-making methods.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from lark import Lark, Transformer
from lark.tree import Meta

from netdraft.dsl import parse as parsing
from netdraft.model.values import Span

ROOT = Path(__file__).parents[2]
FILES = sorted(
    p
    for p in [
        *ROOT.glob("examples/**/*.nd"),
        *ROOT.glob("tests/**/*.nd"),
        *ROOT.glob("docs/**/*.nd"),
    ]
    if p.name != "encoding.nd"  # not UTF-8: never parsed
)


@functools.cache
def reference_parser() -> Lark:
    grammar = resources.files("netdraft.grammar").joinpath("netdraft.lark").read_text("utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
    )


class Reference(Transformer[Any, Any]):
    """Lark's tree to syntax nodes, each node's span from the positions Lark propagated."""

    def __init__(self, path: str) -> None:
        super().__init__(visit_tokens=False)
        self.builder = parsing._ToSyntax(path)
        self.path = path

    def __default__(self, data: Any, children: list[Any], meta: Meta) -> Any:
        span = (
            None
            if meta.empty
            else Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)
        )
        return getattr(self.builder, str(data))(span, children)


def reference(text: str, path: str) -> tuple[Any, ...]:
    """The statements as the parse tree gave them: netdraft's reading of the file (keywords
    read as names where only a name fits) driving Lark's own tree builder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parsing, "parser", reference_parser)
        patch.setattr(parsing, "_callbacks", lambda path: reference_parser()._callbacks)
        tree, problems = parsing._parse_recovering(text, path)
    assert tree is not None, problems
    return tuple(Reference(path).transform(tree))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_node_and_span_is_as_propagate_positions_gave(path: Path) -> None:
    text = path.read_text("utf-8")
    tree, problems = parsing.parse(text, path.name)
    if tree is None:  # a syntax error case: its diagnostics are the goldens' business
        assert problems
        return
    assert tree.statements == reference(text, path.name)


def test_the_files_are_many_and_most_parse() -> None:
    parsed = [p for p in FILES if parsing.parse(p.read_text("utf-8"), p.name)[0] is not None]
    assert len(FILES) > 100
    assert len(parsed) > 0.6 * len(FILES)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "# only a comment\n",
        'title "t"',
        "region us-east-1 {\n  vpc v 10.0.0.0/16 {\n    route-table rt main {\n"
        "      route 0.0.0.0/0 blackhole\n    }\n    subnet a 10.0.1.0/24 az us-east-1a"
        " public-ip-on-launch\n    nat-gateway n in a private down\n"
        "    instance i in a public-ip stopped\n  }\n}\n",
        "expect a -> b icmp type 3 code 4 allow\nexpect a -> b tcp any deny\n",
    ],
)
def test_keyword_only_rules_and_edges_have_their_spans(text: str) -> None:
    tree, problems = parsing.parse(text, "x.nd")
    assert tree is not None, problems
    assert tree.statements == reference(text, "x.nd")
