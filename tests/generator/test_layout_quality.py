"""No text over text and no line through text, counted by the layout benchmark.

Every bundled example (``examples/*.nd`` and ``examples/components/*.nd``) is laid out by
Graphviz as ``render`` lays it out, and ``bench/bench_layout.py``'s own counting
(:func:`measure`, from Graphviz's ``-Tjson`` coordinates) must find no overlap and no line
through a text: a box's header, a node's label or a flow's marker. So are the generated
networks the benchmark reports (29 to 65 components, ``bench_layout.GENERATED``) and the
six peered VPCs of ``tests/generator/views/chain6.nd``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from netdraft import api
from netdraft.generator import diagram
from netdraft.generator.view import view_of

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import bench_layout  # noqa: E402  (a script of bench/, found through the path above)
from generate import generate  # noqa: E402

EXAMPLES = [
    *sorted((ROOT / "examples").glob("*.nd")),
    *sorted((ROOT / "examples" / "components").glob("*.nd")),
    ROOT / "tests" / "generator" / "views" / "chain6.nd",
]

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")


def _layout(text: str, source: str) -> dict[str, Any]:
    compiled = api.compile(text, source)
    assert compiled.ok and compiled.network is not None
    return bench_layout.layout_of(view_of(compiled.network))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_a_bundled_example_has_no_text_over_text_nor_lines_through_text(path: Path) -> None:
    figures = bench_layout.measure(_layout(path.read_text("utf-8"), path.name))
    assert (figures.overlaps, figures.through, figures.short) == (0, 0, 0)


@pytest.mark.parametrize("size", bench_layout.GENERATED, ids=lambda s: "x".join(map(str, s)))
def test_a_generated_network_has_none_either(size: tuple[int, int, int]) -> None:
    figures = bench_layout.measure(_layout(generate(*size, expects=0, seed=1), "g.nd"))
    assert (figures.overlaps, figures.through, figures.short) == (0, 0, 0)


def test_the_count_sees_a_line_through_a_header() -> None:
    # The benchmark must be able to fail: a box's header drawn as the box's own label (as
    # it was), with the flows crossing it, is counted.
    path = ROOT / "examples" / "01-public-private-nat.nd"
    compiled = api.compile(path.read_text("utf-8"), path.name)
    assert compiled.network is not None
    view = view_of(compiled.network)
    layout = bench_layout.layout_of(view)
    flow = next(e for e in layout["edges"] if str(e.get("id", "")).startswith("flow_"))
    header = next(
        o for o in layout["objects"] if str(o.get("name", "")).endswith(diagram.HEADER_SUFFIX)
    )
    # Put the header's text right on the flow's line.
    points = [p for op in flow["_draw_"] if op.get("op") == "b" for p in op["points"]]
    x, y = points[len(points) // 2]
    header["_ldraw_"] = [
        {"op": "F", "size": 12.0, "face": "Helvetica"},
        {"op": "T", "pt": [x, y - 3], "align": "c", "width": 40.0, "text": "header"},
    ]
    assert bench_layout.measure(layout).through >= 1
