"""Property: a network split across included files is the same network (LANGUAGE.md §8).

The top-level statements of a bundled or generated network are spread over 2-4 files in a
random tree of includes (nested, with empty files and a diamond now and then), always in
their order: the composed network must give the same diagnostic codes, verdicts and costs
as the one file. ``NETDRAFT_PROPERTY_SCALE`` multiplies the example count.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Union

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_properties import examples, shaped_network

from netdraft import api
from netdraft.diagnostics import SourceLines
from netdraft.dsl import syntax
from netdraft.dsl.parse import parse
from netdraft.generator.costs import cost_text
from netdraft.model.values import Span

ROOT = Path(__file__).parents[2]
BUNDLED = [
    p.read_text("utf-8")
    for p in sorted((ROOT / "tests" / "spec").glob("*/*.nd")) + sorted(ROOT.glob("examples/*.nd"))
]

#: A file of the split: its items, each a statement's text or an included file.
Item = Union[str, "File"]


class File:
    def __init__(self, items: list[Item]) -> None:
        self.items = items
        self.name = ""

    def __repr__(self) -> str:  # what hypothesis prints of a failing split
        return f"File({self.items!r})"


def statements(text: str) -> list[str]:
    """The text of each top-level statement, in order (the file must parse)."""
    tree, _ = parse(text, "one.nd")
    assert tree is not None
    lines = SourceLines(text)

    def offset(line: int, column: int) -> int:
        bounds = lines.bounds(line)
        assert bounds is not None
        return bounds[0] + column - 1

    return [
        text[offset(s.span.line, s.span.column) : offset(s.span.end_line, s.span.end_column)]
        for s in tree.statements
    ]


def region_blocks(text: str, cuts: st.DataObject) -> list[str]:
    """The top-level statements, with each region's items cut, now and then, into several
    blocks of the same region, in their order: one region, written in pieces."""
    tree, _ = parse(text, "one.nd")
    assert tree is not None
    lines = SourceLines(text)

    def cut(span: Span) -> str:
        start, end = lines.bounds(span.line), lines.bounds(span.end_line)
        assert start is not None and end is not None
        return text[start[0] + span.column - 1 : end[0] + span.end_column - 1]

    out: list[str] = []
    for stmt in tree.statements:
        if not isinstance(stmt, syntax.RegionDecl) or len(stmt.items) < 2:
            out.append(cut(stmt.span))
            continue
        items = [cut(i.span) for i in stmt.items]
        while items:
            take = cuts.draw(st.integers(1, len(items)))
            body, items = items[:take], items[take:]
            out.append(f"region {stmt.name.text} {{\n" + "\n".join(body) + "\n}")
    return out


@st.composite
def split(draw: st.DrawFn, stmts: list[str]) -> File:
    """A tree of files whose include-expanded statements are ``stmts``, in order."""
    budget = [draw(st.integers(2, 4))]

    def build(part: list[str]) -> list[Item]:
        items: list[Item] = []
        rest = list(part)
        while rest:
            take = draw(st.integers(1, len(rest)))
            piece, rest = rest[:take], rest[take:]
            if budget[0] > 0 and draw(st.booleans()):
                budget[0] -= 1
                items.append(File(build(piece)))
            else:
                items.extend(piece)
        return items

    top = File(build(stmts))
    while budget[0] > 0:  # the files not used yet are empty ones, somewhere
        budget[0] -= 1
        at = draw(st.integers(0, len(top.items)))
        top.items.insert(at, File([]))
    return top


def write(top: File, folder: Path, diamond: bool) -> Path:
    files: list[File] = []

    def name(f: File, depth: int) -> None:
        f.name = "net.nd" if not files else f"part{len(files)}.nd"
        if depth > 1:  # nested files live one folder down, named from the including file
            f.name = f"sub/{f.name}"
        files.append(f)
        for item in f.items:
            if isinstance(item, File):
                name(item, depth + 1)

    name(top, 0)
    for f in files:
        here = Path(f.name).parent
        lines = [
            item
            if isinstance(item, str)
            else f'include "{Path(item.name).relative_to(here)}"'
            if Path(item.name).is_relative_to(here)
            else f'include "../{item.name}"'
            for item in f.items
        ]
        if diamond and f is top and len(files) > 1:
            lines.append(f'include "{files[-1].name}"')  # read already: adds nothing
        path = folder / f.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(line + "\n" for line in lines), "utf-8")
    return folder / top.name


def outcome(path: Path) -> tuple[object, ...]:
    analysis = api.check(path)
    found = sorted(d.code for d in analysis.diagnostics)
    computed = analysis.analysis
    if computed is None:
        return (found,)
    o = computed.outcomes
    return (
        found,
        [(p.holds, p.trace.verdict, p.trace.code, p.trace.reason) for p in o.paths],
        [(c.holds, c.actual) for c in o.costs],
        [(f.flow.name, f.trace.verdict, f.trace.code, f.trace.reason) for f in o.flows],
        cost_text(computed.report),
    )


networks = st.sampled_from(BUNDLED) | shaped_network()


@settings(max_examples=examples(150), deadline=None)
@given(networks, st.data(), st.booleans())
def test_a_network_split_across_included_files_is_the_same_network(
    text: str, data: st.DataObject, diamond: bool
) -> None:
    tree, _ = parse(text, "one.nd")
    assume(tree is not None and tree.statements)
    stmts = statements(text)
    top = data.draw(split(stmts))
    with tempfile.TemporaryDirectory() as folder:
        single = Path(folder) / "single.nd"
        single.write_text("".join(s + "\n" for s in stmts), "utf-8")
        composed = write(top, Path(folder), diamond)
        expected, got = outcome(single), outcome(composed)
        assert got == expected
        assert "include-missing" not in got[0] and "include-cycle" not in got[0]


@settings(max_examples=examples(100), deadline=None)
@given(networks, st.data())
def test_a_region_written_in_blocks_across_files_is_one_region(
    text: str, data: st.DataObject
) -> None:
    """A region's VPCs, transit gateways and lists spread over several blocks of the same
    region, themselves spread over included files, make the same network (no
    ``duplicate-name`` for the region)."""
    tree, _ = parse(text, "one.nd")
    assume(tree is not None and tree.statements)
    stmts = region_blocks(text, data)
    top = data.draw(split(stmts))
    with tempfile.TemporaryDirectory() as folder:
        single = Path(folder) / "single.nd"
        single.write_text("".join(s + "\n" for s in statements(text)), "utf-8")
        composed = write(top, Path(folder), False)
        assert outcome(composed) == outcome(single)
