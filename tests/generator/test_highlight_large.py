"""A highlighted picture of a large network: its path's own lines are straight.

``neato -n2`` routes a line it is not given around every node of the picture, through a
visibility graph whose cost is cubic in the nodes (~0.5 s at 100 nodes; a highlighted
3,000-node network took more than ten minutes). Past ``ROUTED_AROUND_UP_TO`` nodes the
pinned DOT asks for straight lines; below it, the lines still curve around the nodes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from tests.generator.test_highlight_layout import _places

from netdraft import api
from netdraft.dsl.query import parse_query
from netdraft.generator import diagram
from netdraft.generator.view import view_of, without_highlight
from netdraft.model.network import Network, Query

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402  (a script of bench/, found through the path above)


def _network(text: str) -> Network:
    compiled = api.compile(text, "g.nd")
    assert compiled.ok and compiled.network is not None
    return compiled.network


def _pinned_source(net: Network, query: Query) -> tuple[str, int]:
    """The DOT that ``neato -n2`` draws a highlighted view from, and its node count."""
    view = view_of(net, query)
    pinned = diagram._Pinned.of(diagram.layout_json(without_highlight(view)))
    source = str(diagram._build(view, "diagram", "svg", pinned=pinned).dot.source)
    return source, len(pinned.nodes)


def _splines(source: str) -> str:
    found = re.search(r"\bsplines=(\w+)", source)
    assert found is not None
    return found.group(1)


def test_a_large_highlighted_picture_draws_its_path_straight() -> None:
    net = _network(generate(3, 4, 6, expects=0, seed=1))
    query = parse_query(net, "internet", "v0-public-a-0", "tcp", "22")
    assert isinstance(query, Query)
    source, nodes = _pinned_source(net, query)
    assert nodes > diagram.ROUTED_AROUND_UP_TO
    assert _splines(source) == "line"
    # …and the path is drawn, on the plain picture's layout: nothing moves.
    plain = json.loads(diagram.layout_json(view_of(net)))
    lit = json.loads(diagram.layout_json(view_of(net, query)))
    places, after = _places(plain), _places(lit)
    assert places and all(after[name] == place for name, place in places.items())
    assert any(str(e.get("id", "")).startswith("highlight_") for e in lit["edges"])


def test_a_small_highlighted_picture_routes_its_path_around_the_nodes() -> None:
    net = api.load_network(ROOT / "examples" / "01-public-private-nat.nd")
    query = parse_query(net, "internet", "app-1", "tcp", "22")
    assert isinstance(query, Query)
    source, nodes = _pinned_source(net, query)
    assert nodes <= diagram.ROUTED_AROUND_UP_TO
    assert _splines(source) == "spline"


def _neato(source: str) -> tuple[dict[str, Any], str]:
    """What ``neato -n2`` makes of a pinned DOT, as ``_draw_once`` runs it: its layout and
    its warnings."""
    roots = diagram._icon_roots()
    attrs = f'\tgraph [imagepath="{":".join(str(r) for r in roots)}"]\n'
    source = source.replace("{\n", "{\n" + attrs, 1)
    command = [diagram._dot_program(), "-Kneato", "-n2", "-Tjson"]
    code, out, err = diagram._run(command, source.encode("utf-8"), roots[0])
    assert code == 0, err
    return json.loads(out), err.decode("utf-8", "replace")


def _routed(layout: dict[str, Any]) -> list[int]:
    """The number of control points of each of the path's own lines (four: one straight
    piece; an arrowhead's end, ``e,x,y``, is not one)."""
    return [
        sum(1 for word in str(e["pos"]).split() if not word.startswith(("e,", "s,")))
        for e in layout["edges"]
        if str(e.get("id", "")).startswith("highlight_")
    ]


def test_a_small_highlighted_picture_is_routed_not_dropped_to_straight_lines() -> None:
    """Graphviz draws every line straight when two nodes' margins touch ("some nodes with
    margin (3.20,3.20) touch - falling back to straight line edges"): the title node sits
    4 points above the top row (dot pads the graph's label by 4), so with the default
    margin it touched the legend or the internet in every bundled example."""
    net = api.load_network(ROOT / "examples" / "04-transit-gateway.nd")
    query = parse_query(net, "dev-app", "internet", "tcp", "443")
    assert isinstance(query, Query)
    source, nodes = _pinned_source(net, query)
    assert nodes <= diagram.ROUTED_AROUND_UP_TO
    layout, warnings = _neato(source)
    assert "falling back to straight line" not in warnings
    # dev-app's path passes the public subnet's title on its way up to the gateway: the
    # line curves around it (more than one piece).
    assert any(points > 4 for points in _routed(layout))
