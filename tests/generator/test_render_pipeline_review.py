"""Review of the render pipeline's trimmed stages (issue 20): cases where the one-pass SVG
rewrite or the direct DOT statements could part from what the passes they replaced gave.

- An ``<image`` anywhere in the text is refused when icons are embedded, as the search of
  the whole rewritten text did, even inside what the pass matches as a group's opening
  (``[^"]*`` in its id): not Graphviz's writing, but the SVG must not keep a link to a file.
- A DOT ID netdraft writes for a name is what ``graphviz``'s own quoting writes.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
from pathlib import Path

import pytest
from graphviz import quoting

from netdraft.api import load_network
from netdraft.generator import diagram, svg
from netdraft.generator.view import view_of

EXAMPLE = Path(__file__).parents[2] / "examples" / "01-public-private-nat.nd"
_GROUP_ID = re.compile(rb'<g id="([^"]*)" class="(?:node|cluster|edge)">\n<title>')


def _graphviz_svg(view: object) -> bytes:
    roots = diagram._icon_roots()
    built = diagram._build(view, "diagram", "svg")  # type: ignore[arg-type]
    built.dot.graph_attr["imagepath"] = os.pathsep.join(str(f) for f in roots)
    source = str(built.dot.source).encode("utf-8")
    code, out, err = diagram._run([diagram._dot_program(), "-Kdot", "-Tsvg"], source, roots[0])
    assert code == 0, err
    return out


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_an_image_inside_a_groups_id_is_refused_when_embedding(where: str) -> None:
    view = view_of(load_network(EXAMPLE))
    raw = _graphviz_svg(view)
    roots = diagram._icon_roots()
    group = _GROUP_ID.search(raw)
    assert group is not None
    gid = group[1]
    cut = {"start": 0, "middle": len(gid) // 2, "end": len(gid)}[where]
    doctored = raw[: group.start(1)] + gid[:cut] + b"<image" + gid[cut:] + raw[group.end(1) :]
    with pytest.raises(ValueError, match="an image netdraft cannot embed"):
        svg.self_contained(doctored, view, roots)
    with pytest.raises(ValueError, match="an image netdraft cannot embed"):
        svg.embed_icons(doctored.decode("utf-8"), *roots)
    # Not embedding: nothing to refuse, the text is decorated as before.
    assert svg.decorate(doctored.decode("utf-8"), view).count("<image") == raw.count(b"<image") + 1


_PARTS = ["a", "Z", "_", "_1", "a-b", "a--b", "node", "Node", "EDGE", "graph", "subgraph"]
_PARTS += ["strict", "digraph", "x__y", "vpc_a__web-1", "1", "1a", "-1", ".5", "1.", "é", "a b"]


@pytest.mark.parametrize(
    "value", ["", *_PARTS, *("__".join(p) for p in itertools.pairwise(_PARTS))]
)
def test_a_dot_id_of_a_name_is_graphviz_quoting(value: str) -> None:
    """Names (``[A-Za-z_][A-Za-z0-9_-]*``), the ids made of them, keywords in any case,
    numerals: netdraft's memoised quoting and the fast path's label both agree with the
    ``graphviz`` package (which differs, on purpose, only for backslashes: see below)."""
    assert diagram._dot_id(value) == quoting.quote(value)
    assert diagram._label_id(value) == quoting.quote(value)


@pytest.mark.parametrize("label", ["<>", "<<B>x</B>>", "<a & b>", '<"q">'])
def test_an_html_label_is_written_as_is_by_both(label: str) -> None:
    assert diagram._label_id(label) == diagram._dot_id(label) == quoting.quote(label)
