"""Layout-quality benchmark: what a reviewer trips over in each diagram, from Graphviz's own coordinates.

Every diagram is laid out once, by netdraft's render path (``diagram.layout_json``: the same
DOT text and the same single Graphviz run as ``render``, written as ``-Tjson``), and counted:

- **overlaps**: text over text, pairs of text boxes of different owners (nodes, boxes,
  edge labels and ``xlabel``s) that intersect;
- **through**: lines through text, (edge, text owner) pairs where a drawn edge's spline
  passes through a text box other than its own label's;
- **crossings**: (edge, box) pairs where an edge enters a box that holds neither its
  tail nor its head;
- **short**: edge ends that stop more than a few points away from their node's (or, with
  ``lhead``/``ltail``, their box's) border;
- **off**: edge ends that stop more than a few points away from anything drawn of their
  node: its icon (the image box of Graphviz's xdot drawing, an ``I`` operation; ``-Tjson``
  leaves images out) and its text. A node is as wide as its widest line, so a line into
  its side at the icon's height could end at the node's border in white space, left or
  right of the icon, and ``short`` would not see it.

Text boxes are the ``T`` operations of Graphviz's xdot drawing (baseline, alignment,
width, font size), so the figures do not depend on fonts beyond the widths Graphviz used.
Reported per bundled example (``examples/*.nd``), per held-out network
(``tests/generator/heldout/*.nd``, written from the seed's labs and not tuned on) and per
generated network (see ``generate.py``), with totals.

Usage::

    python bench/bench_layout.py [--examples examples] [--generated 2x3x3,3x3x2,...]
        [--seeds 1,2] [FILE_OR_FOLDER ...] [-v]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))  # `generate` is a sibling script

from generate import generate
from netdraft import api
from netdraft.generator import diagram
from netdraft.generator.view import NodeKind, View, view_of

#: (VPCs, subnets per VPC, instances per subnet) of the generated networks: 20 to 60 nodes.
GENERATED = ((2, 3, 2), (2, 3, 4), (3, 3, 3), (3, 6, 2))
SHORT = 3.0  # points: an edge end farther than this from its border stops short
SAMPLES = 24  # points sampled on each Bézier segment
SHRINK = 0.5  # points: text boxes shrunk so that touching borders do not count
INK = 4.0  # points: an edge end farther than this from its node's icon and text is off
HELDOUT = Path(__file__).parents[1] / "tests" / "generator" / "heldout"

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
Point = tuple[float, float]


@dataclass
class Figures:
    nodes: int = 0
    overlaps: int = 0
    through: int = 0
    crossings: int = 0
    short: int = 0
    off: int = 0

    def add(self, other: Figures) -> None:
        self.nodes += other.nodes
        self.overlaps += other.overlaps
        self.through += other.through
        self.crossings += other.crossings
        self.short += other.short
        self.off += other.off


def _text_boxes(ops: Sequence[dict[str, Any]]) -> Iterator[Box]:
    size = 14.0
    for op in ops:
        if op.get("op") == "F":
            size = float(op["size"])
        elif op.get("op") == "T" and str(op.get("text", "")).strip():
            x, y = float(op["pt"][0]), float(op["pt"][1])
            width = float(op["width"])
            x0 = {"l": x, "c": x - width / 2, "r": x - width}[op.get("align", "c")]
            # Graphviz's y grows upwards; the baseline sits a fifth of the size above the bottom.
            yield (
                x0 + SHRINK,
                y - 0.2 * size + SHRINK,
                x0 + width - SHRINK,
                y + 0.8 * size - SHRINK,
            )


def _label_ops(obj: dict[str, Any]) -> list[dict[str, Any]]:
    ops: list[dict[str, Any]] = []
    for key in ("_ldraw_", "_hldraw_", "_tldraw_"):
        ops += [op for op in obj.get(key, ()) if op]
    return ops


def _bbox(text: str) -> Box:
    x0, y0, x1, y1 = (float(v) for v in text.split(","))
    return (x0, y0, x1, y1)


def _node_box(node: dict[str, Any]) -> Box:
    x, y = (float(v) for v in node["pos"].split(","))
    w, h = float(node["width"]) * 72 / 2, float(node["height"]) * 72 / 2
    return (x - w, y - h, x + w, y + h)


def _bezier(points: Sequence[Sequence[float]]) -> list[Point]:
    """Points along a piecewise cubic Bézier curve (xdot ``b`` operation)."""
    pts = [(float(p[0]), float(p[1])) for p in points]
    out = [pts[0]]
    for i in range(0, len(pts) - 3, 3):
        p0, p1, p2, p3 = pts[i : i + 4]
        for k in range(1, SAMPLES + 1):
            t = k / SAMPLES
            a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
            out.append(
                (
                    a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
                )
            )
    return out


def _inside(p: Point, box: Box) -> bool:
    return box[0] < p[0] < box[2] and box[1] < p[1] < box[3]


def _meet(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _distance(p: Point, box: Box) -> float:
    """How far a point lies from a box's border (0 on it)."""
    dx = max(box[0] - p[0], 0.0, p[0] - box[2])
    dy = max(box[1] - p[1], 0.0, p[1] - box[3])
    if dx or dy:
        return float((dx * dx + dy * dy) ** 0.5)
    return min(p[0] - box[0], box[2] - p[0], p[1] - box[1], box[3] - p[1])


def _outside(p: Point, box: Box) -> float:
    """How far a point lies outside a box (0 inside)."""
    dx = max(box[0] - p[0], 0.0, p[0] - box[2])
    dy = max(box[1] - p[1], 0.0, p[1] - box[3])
    return float((dx * dx + dy * dy) ** 0.5)


def _ends(pos: str) -> tuple[Point, Point]:
    """The points where an edge's line (or arrow tip) touches its tail and its head."""
    start: Point | None = None
    end: Point | None = None
    points: list[Point] = []
    for word in pos.replace(";", " ").split():  # several splines: ``a;b``
        if word.startswith(("e,", "s,")):
            x, y = (float(v) for v in word[2:].split(","))
            if word[0] == "e":
                end = (x, y)
            else:
                start = (x, y)
        else:
            x, y = (float(v) for v in word.split(","))
            points.append((x, y))
    return start or points[0], end or points[-1]


def measure(
    layout: dict[str, Any],
    verbose: bool = False,
    name: str = "",
    icons: dict[str, Box] | None = None,
) -> Figures:
    """The counts of one Graphviz ``-Tjson`` layout; ``off`` only with the nodes' ``icons``
    (:func:`icon_boxes`)."""
    objects: list[dict[str, Any]] = layout.get("objects", [])
    clusters = [o for o in objects if str(o.get("name", "")).startswith("cluster")]
    nodes = {o["_gvid"]: o for o in objects if "pos" in o}
    edges = [e for e in layout.get("edges", []) if e.get("style") != "invis" and "_draw_" in e]
    texts: list[tuple[str, Box]] = []  # (owner, box)
    ink: dict[str, list[Box]] = {}  # node name: its icon and its text boxes
    for cluster in clusters:
        texts += [(cluster["name"], b) for b in _text_boxes(_label_ops(cluster))]
    for node in nodes.values():
        own = list(_text_boxes(_label_ops(node)))
        texts += [(node["name"], b) for b in own]
        if icons and node["name"] in icons:
            ink[node["name"]] = [icons[node["name"]], *own]
    for edge in edges:
        texts += [(f"edge {edge['_gvid']}", b) for b in _text_boxes(_label_ops(edge))]
    if "_ldraw_" in layout:
        texts += [("graph", b) for b in _text_boxes(layout["_ldraw_"])]

    def say(what: str) -> None:
        if verbose:
            print(f"    {name}: {what}")

    figures = Figures(nodes=sum(1 for n in nodes.values() if n.get("style") != "invis"))
    for (owner_a, a), (owner_b, b) in _pairs(texts):
        if owner_a != owner_b and _meet(a, b):
            figures.overlaps += 1
            say(f"text of {owner_a} over text of {owner_b}")
    members = {c["name"]: set(c.get("nodes", ())) for c in clusters}
    boxes = {c["name"]: _bbox(c["bb"]) for c in clusters}
    for edge in edges:
        own = f"edge {edge['_gvid']}"
        line: list[Point] = []
        for op in edge["_draw_"]:
            if op.get("op") in ("b", "B"):
                line += _bezier(op["points"])
        crossed = sorted({o for o, b in texts if o != own and any(_inside(p, b) for p in line)})
        figures.through += len(crossed)
        for owner in crossed:
            say(f"{edge.get('id', own)} runs through the text of {owner}")
        ends = {edge["tail"], edge["head"]}
        for cluster, held in members.items():
            if not held & ends and any(_inside(p, boxes[cluster]) for p in line):
                figures.crossings += 1
                say(f"{edge.get('id', own)} crosses {cluster}")
        start, end = _ends(edge["pos"])
        for point, gvid, clip in (
            (start, edge["tail"], edge.get("ltail")),
            (end, edge["head"], edge.get("lhead")),
        ):
            box = boxes[clip] if clip in boxes else _node_box(nodes[gvid])
            gap = _distance(point, box)
            icon = (icons or {}).get(nodes[gvid]["name"]) if clip not in boxes else None
            if icon:  # a line may end at the node's icon (its port), inside its box
                gap = min(gap, _outside(point, icon))
            if gap > SHORT:
                figures.short += 1
                say(
                    f"{edge.get('id', own)} stops {gap:.0f} pt short of {clip or nodes[gvid]['name']}"
                )
            drawn = ink.get(nodes[gvid]["name"]) if clip not in boxes else None
            if drawn:
                gap = min(_outside(point, b) for b in drawn)
                if gap > INK:
                    figures.off += 1
                    say(
                        f"{edge.get('id', own)} stops {gap:.0f} pt off the icon and text of "
                        f"{nodes[gvid]['name']}"
                    )
    return figures


def _pairs(items: Sequence[tuple[str, Box]]) -> Iterator[tuple[tuple[str, Box], tuple[str, Box]]]:
    ordered = sorted(items, key=lambda item: item[1][0])
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second[1][0] >= first[1][2]:
                break
            yield first, second


def layout_of(view: View) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(diagram.layout_json(view))
    return data


_XDOT_NODE = re.compile(
    r'^\t+"?([^"\s\[]+)"?\s+\[(?:_draw_="(?:[^"\\]|\\.)*",\s*)?_ldraw_="((?:[^"\\]|\\.)*)"',
    re.M | re.S,
)
_XDOT_IMAGE = re.compile(r"(?:^|\s)I (\S+) (\S+) (\S+) (\S+) ")


def icon_boxes(view: View) -> dict[str, Box]:
    """Each node's icon, from the image operation of Graphviz's xdot drawing (a second run
    of the same DOT text: ``-Tjson`` writes images as empty operations)."""
    text = diagram.layout_xdot(view).decode("utf-8")
    icons: dict[str, Box] = {}
    for match in _XDOT_NODE.finditer(text):
        image = _XDOT_IMAGE.search(match.group(2))
        if image:
            x, y, w, h = (float(v) for v in image.groups())
            # The icon's cell: the image and the cell's padding of one point around it.
            icons[match.group(1)] = (x - 1, y - 1, x + w + 1, y + h + 1)
    return icons


def _view(text: str, source: str) -> View:
    compiled = api.compile(text, source)
    if not compiled.ok or compiled.network is None:
        raise SystemExit(f"{source} does not compile")
    return view_of(compiled.network)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--examples", default=str(Path(__file__).parents[1] / "examples"))
    parser.add_argument(
        "--generated",
        default=",".join("x".join(map(str, g)) for g in GENERATED),
        help="VPCSxSUBNETSxINSTANCES of each generated network, comma-separated ('' for none)",
    )
    parser.add_argument(
        "--seeds", default="1", help="seeds of the generated networks, comma-separated"
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[HELDOUT],
        help="more .nd files, or folders of them (default: the held-out networks)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="name every problem")
    args = parser.parse_args(argv)

    cases: list[tuple[str, View]] = []
    for path in sorted(Path(args.examples).glob("*.nd")):
        cases.append((path.stem, _view(path.read_text("utf-8"), path.name)))
    for given in args.paths:
        if not given.exists():
            parser.error(f"{given}: no such file or folder")
        for path in sorted(given.glob("*.nd")) if given.is_dir() else [given]:
            cases.append(
                (f"{path.parent.name}/{path.stem}", _view(path.read_text("utf-8"), path.name))
            )
    seeds = [int(v) for v in args.seeds.split(",") if v]
    for spec in filter(None, args.generated.split(",")):
        vpcs, subnets, instances = (int(v) for v in spec.split("x"))
        for seed in seeds:
            text = generate(vpcs, subnets, instances, expects=0, seed=seed)
            suffix = f" s{seed}" if seeds != [1] else ""
            cases.append((f"generated {spec}{suffix}", _view(text, "generated.nd")))

    header = (
        f"{'diagram':<38}{'nodes':>6}{'overlaps':>10}{'through':>9}{'crossings':>11}{'short':>7}"
        f"{'off':>5}"
    )
    print(header)
    total = Figures()
    for name, view in cases:
        figures = measure(layout_of(view), args.verbose, name, icon_boxes(view))
        nodes = sum(1 for n in view.all_nodes() if n.kind is not NodeKind.SPACER)
        figures.nodes = nodes
        total.add(figures)
        print(
            f"{name:<38}{nodes:>6}{figures.overlaps:>10}{figures.through:>9}"
            f"{figures.crossings:>11}{figures.short:>7}{figures.off:>5}"
        )
    print(
        f"{'total':<38}{total.nodes:>6}{total.overlaps:>10}{total.through:>9}"
        f"{total.crossings:>11}{total.short:>7}{total.off:>5}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
