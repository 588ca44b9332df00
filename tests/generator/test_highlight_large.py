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


def _places(layout: dict[str, Any]) -> dict[str, str]:
    """Every node's position and every box's bounding box, by name."""
    return {
        str(o["name"]): str(o.get("pos") or o.get("bb"))
        for o in layout["objects"]
        if "pos" in o or "bb" in o
    }


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
