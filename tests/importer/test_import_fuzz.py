"""A property of the importer on mutated real dumps: it warns or refuses, and what it writes parses.

Each example takes a fixture dump and changes a few of its values: another JSON type, a
string with a newline, a quote, ``#``, ``{``, ``;`` or a keyword put in, a key dropped, a
value nested in a list or an object. Whatever the change, the importer either raises
:class:`DumpError` or writes a file that parses into exactly the statements and comments
it built (none smuggled in by a value, no ``prices`` or ``include``), with one-line warnings.

Runs a few seconds' worth of examples; for a long local run::

    HYPOTHESIS_PROFILE=fuzz pytest tests/importer/test_import_fuzz.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as hs

from netdraft.dsl import syntax as st
from netdraft.dsl.parse import parse as parse_nd
from netdraft.dsl.parse import parser
from netdraft.importer.aws_json import Dump, DumpError, parse
from netdraft.importer.build import build

FIXTURES = Path(__file__).parent / "fixtures"

#: Examples per run: a few seconds on CI; the ``fuzz`` profile's count for a long local run.
EXAMPLES = settings().max_examples if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else 40

#: Every keyword the grammar spells out, read from the grammar itself.
KEYWORDS = sorted(
    {str(t.pattern.value) for t in parser().terminals if t.pattern.type == "str"}
    | {"private", "public", "main", "default", "internet", "all", "allow", "deny", "tcp", "off"}
)
FRAGMENTS = [
    "\n", "\r\n", "\r", "\x00", "\x1b[2J", "\u2028", "\u0085", "\u202e", "\ud800",
    "\t", "\u00a0", '"', "\\", "'", "#", "{", "}", ";", " ", ".", ":", "/", ",", "->", "<->", "::/0", "-1",
    'prices "/proc/self/environ"', 'include "/etc/passwd"', '\nprices "/etc/shadow"\n#',
    "\n}\nregion us-east-1 {\n", "0.0.0.0/0", "10.0.0.300", "us-east-1a",
]  # fmt: skip


def _load(case: str) -> list[tuple[str | None, str | None, list[tuple[str, str]]]]:
    """A fixture's files as text, grouped by folder: (region, account, [(name, text)])."""
    root = FIXTURES / case
    dumps = []
    for folder in sorted({p.parent for p in root.rglob("*.json")}):
        parts = folder.relative_to(root).parts
        region = next((p for p in parts if re.fullmatch(r"[a-z]{2}-[a-z]+-\d", p)), None)
        account = next((p for p in parts if re.fullmatch(r"\d{12}", p)), None)
        files = [(f.name, f.read_text("utf-8")) for f in sorted(folder.glob("*.json"))]
        dumps.append((region, account, files))
    return dumps


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value in a JSON document (the root excluded)."""
    found = []
    stack = [(prefix, value)]
    while stack:
        path, node = stack.pop()
        children = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node)
            if isinstance(node, list)
            else ()
        )
        for key, child in children:
            found.append((*path, key))
            stack.append(((*path, key), child))
    return sorted(found, key=repr)


CASES = {case: _load(case) for case in ("account", "flat")}
#: (case, dump index, file index, path) for every value of each fixture's files.
TARGETS_OF = {
    case: [
        (case, d, f, path)
        for d, (_region, _account, files) in enumerate(dumps)
        for f, (_name, text) in enumerate(files)
        for path in _paths(json.loads(text))
    ]
    for case, dumps in CASES.items()
}


def _nested(value: Any, depth: int) -> Any:
    for i in range(depth):
        value = [value] if i % 2 else {"Value": value}
    return value


def _mutation(draw: hs.DrawFn, value: Any) -> tuple[str, Any]:
    """What to do with a value: ``("drop", None)`` or ``("set", new value)``."""
    kind = draw(hs.sampled_from(["type", "nest", "drop", "text"]))
    if kind == "drop":
        return "drop", None
    if kind == "nest":
        return "set", _nested(value, draw(hs.integers(1, 40)))
    if kind == "text" and isinstance(value, str):
        piece = draw(hs.sampled_from(FRAGMENTS + KEYWORDS) | hs.text(max_size=8))
        if draw(hs.booleans()):
            return "set", piece
        at = draw(hs.integers(0, len(value)))
        return "set", value[:at] + piece + value[at:]
    new = draw(
        hs.one_of(
            hs.none(),
            hs.booleans(),
            hs.integers(-(2**70), 2**70),
            hs.floats(),
            hs.sampled_from(FRAGMENTS + KEYWORDS),
            hs.just([]),
            hs.just({}),
            hs.just([value, value]),
            hs.just({"Value": value}),
        )
    )
    return "set", new


#: One change: (dump index, file index, path of the value, "drop" or "set", the new value).
Change = tuple[int, int, tuple[Any, ...], str, Any]


@hs.composite
def mutations(draw: hs.DrawFn) -> tuple[str, list[Change]]:
    """A fixture and one to four changes of its values (printed small when an example fails)."""
    case = draw(hs.sampled_from(sorted(CASES)))
    documents = _documents(case)
    changes: list[Change] = []
    for _ in range(draw(hs.integers(1, 4))):
        _case, d, f, path = draw(hs.sampled_from(TARGETS_OF[case]))
        value = _at(documents[d][f], path)
        if value is _GONE:
            continue  # an earlier change removed or replaced it
        action, new = _mutation(draw, value)
        changes.append((d, f, path, action, new))
        _apply(documents, changes[-1])
    return case, changes


_GONE = object()


def _documents(case: str) -> list[list[Any]]:
    return [[json.loads(text) for _name, text in files] for _r, _a, files in CASES[case]]


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    try:
        for key in path:
            document = document[key]
    except (KeyError, IndexError, TypeError):
        return _GONE
    return document


def _apply(documents: list[list[Any]], change: Change) -> None:
    d, f, path, action, new = change
    parent = _at(documents[d][f], path[:-1])
    if action == "drop":
        del parent[path[-1]]
    else:
        parent[path[-1]] = new


def _dumps(case: str, changes: list[Change]) -> list[Dump]:
    documents = _documents(case)
    for change in changes:
        if _at(documents[change[0]][change[1]], change[2]) is not _GONE:
            _apply(documents, change)
    return [
        Dump(
            region, account, tuple((name, doc) for (name, _t), doc in zip(files, docs, strict=True))
        )
        for (region, account, files), docs in zip(CASES[case], documents, strict=True)
    ]


def _outline(nodes: tuple[Any, ...]) -> list[tuple[str, Any]]:
    """Each statement's kind and the outline of its block: what the file holds, spans aside."""
    out = []
    for node in nodes:
        inner = getattr(node, "items", None) or getattr(node, "rules", None) or ()
        out.append((type(node).__name__, _outline(tuple(inner))))
    return out


@settings(max_examples=EXAMPLES, deadline=None)
@given(mutations())
def test_mutated_dumps_import_to_files_that_parse(example: tuple[str, list[Change]]) -> None:
    case, changes = example
    try:
        result = build(parse(_dumps(case, changes)), f"{case}.nd")
    except DumpError as exc:
        assert not str(exc).startswith("internal error"), str(exc)
        event("DumpError")
        return
    for message in result.warnings:
        assert message.isprintable(), message
    tree, diagnostics = parse_nd(result.text, f"{case}.nd")
    assert tree is not None, [d.headline() for d in diagnostics]
    assert not any(isinstance(s, st.Prices) for s in tree.statements)
    assert _outline(tree.statements) == _outline(result.source.statements)
    assert [c.text for c in tree.comments] == [c.text for c in result.source.comments]
    event(f"{len(result.warnings) // 10 * 10}+ warnings")
