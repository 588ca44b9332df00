"""A highlighted picture is drawn on the plain picture's layout: no node, box or line moves.

For every bundled example, the first allowed and the first denied path of its ``expect``
lines are highlighted, and Graphviz's own coordinates (``-Tjson``) of the plain and the
highlighted pictures are compared.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netdraft.api import load_network
from netdraft.dsl.query import parse_query
from netdraft.generator import diagram
from netdraft.generator.view import EdgeKind, Mark, is_highlighted, view_of, without_highlight
from netdraft.model.network import Network, PathExpectation, Query, Verdict

ROOT = Path(__file__).parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.nd")) + sorted(
    (ROOT / "examples" / "components").glob("*.nd")
)


def _paths() -> list[tuple[Path, Verdict]]:
    out = []
    for path in EXAMPLES:
        verdicts = {
            e.verdict for e in load_network(path).expectations if isinstance(e, PathExpectation)
        }
        out += [(path, v) for v in (Verdict.ALLOW, Verdict.DENY) if v in verdicts]
    return out


def _query(net: Network, verdict: Verdict) -> Query:
    e = next(e for e in net.expectations if isinstance(e, PathExpectation) and e.verdict is verdict)
    return Query(e.source, e.destination, e.protocol, e.port, e.icmp, e.ports)


def _layout(net: Network, query: Query | None) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(diagram.layout_json(view_of(net, query)))
    return data


def _places(layout: dict[str, Any]) -> dict[str, str]:
    """Every node's position and every box's bounding box, by name."""
    return {
        str(o["name"]): str(o.get("pos") or o.get("bb"))
        for o in layout["objects"]
        if "pos" in o or "bb" in o
    }


PATHS = _paths()


def test_every_example_with_paths_is_covered() -> None:
    assert {p for p, _ in PATHS} >= {p for p in EXAMPLES if p.stem.startswith(("01", "04"))}
    assert {v for _, v in PATHS} == {Verdict.ALLOW, Verdict.DENY}


@pytest.mark.parametrize(("path", "verdict"), PATHS, ids=lambda x: getattr(x, "stem", str(x)))
def test_highlight_moves_nothing(path: Path, verdict: Verdict) -> None:
    net = load_network(path)
    plain = _layout(net, None)
    highlighted = _layout(net, _query(net, verdict))
    before, after = _places(plain), _places(highlighted)
    moved = {k: (v, after.get(k)) for k, v in before.items() if after.get(k) != v}
    assert not moved
    # The lines of the plain picture are where they were too.
    lines = {e["id"]: e["pos"] for e in plain["edges"] if "id" in e and "pos" in e}
    assert all(e["pos"] == lines[e["id"]] for e in highlighted["edges"] if e.get("id") in lines)
    # …and the picture does show the path (a twin check that the highlight is there).
    ids = {e.get("id", "") for e in highlighted["edges"]}
    assert any(i.startswith("highlight_") for i in ids) or any(
        "#1A73E8" in json.dumps(o) or "#D93025" in json.dumps(o) for o in highlighted["objects"]
    )


def test_the_plain_layout_of_a_highlighted_view_is_the_plain_view() -> None:
    net = load_network(EXAMPLES[0])
    plain = view_of(net)
    denied = view_of(net, _query(net, Verdict.DENY))
    assert is_highlighted(denied) and not is_highlighted(plain)
    stripped = without_highlight(denied)
    assert not is_highlighted(stripped)
    assert stripped.clusters == plain.clusters and stripped.nodes == plain.nodes
    assert stripped.edges == plain.edges
    assert any(e.kind is EdgeKind.DROPPED for e in denied.edges)
    assert any(n.mark is Mark.DROPPED for n in denied.all_nodes())


def test_without_pinning_a_highlight_would_move_nodes() -> None:
    """The check above can fail: laid out on its own, the highlighted DOT moves nodes."""
    net = load_network(EXAMPLES[0])
    view = view_of(net, _query(net, Verdict.ALLOW))
    source = diagram._build(view, "diagram", "dot").dot.source
    assert "highlight_" in source
    pinned = diagram._build(
        view,
        "diagram",
        "dot",
        pinned=diagram._Pinned.of(diagram.layout_json(without_highlight(view))),
    ).dot.source
    assert 'pos="' in pinned and 'pos="' not in source


def test_caption_names_the_path_and_why_it_is_dropped() -> None:
    net = load_network(EXAMPLES[0])
    denied = view_of(net, Query(*_query_args(net, "internet", "app-1")))
    assert denied.caption == "internet → app-1 · tcp 22 · deny · ✖ NO_PUBLIC_IP"
    allowed = view_of(net, Query(*_query_args(net, "bastion", "app-1")))
    assert allowed.caption == "bastion → app-1 · tcp 22 · allow"
    assert view_of(net).caption == ""
    dot = diagram.dot_source(denied)
    assert "internet → app-1 · tcp 22 · deny · ✖ NO_PUBLIC_IP" in dot
    assert dot.count("NO_PUBLIC_IP") == 1, "said once, in the caption"


def _query_args(net: Network, source: str, destination: str) -> tuple[Any, ...]:
    e = next(
        e
        for e in net.expectations
        if isinstance(e, PathExpectation)
        and e.source.text == source
        and e.destination.text == destination
    )
    return (e.source, e.destination, e.protocol, e.port, e.icmp, e.ports)


@pytest.mark.parametrize("words", [("192.168.5.5", "app", "icmp"), ("app", "batch", "icmp")])
def test_a_node_only_the_path_brings_goes_under_the_picture(words: tuple[str, ...]) -> None:
    """An address nothing holds is a node of the highlighted picture only: it is drawn
    under the picture and nothing else moves (its twin, a path between held components,
    brings no node)."""
    net = load_network(ROOT / "examples" / "05-site-to-site-vpn.nd")
    found = parse_query(net, *words)
    assert isinstance(found, Query)
    view = view_of(net, found)
    brought = words[0] == "192.168.5.5"
    assert view.highlight_nodes == (("site_onprem__address_192.168.5.5",) if brought else ())
    assert without_highlight(view).clusters == view_of(net).clusters
    before = _places(_layout(net, None))
    after = _places(json.loads(diagram.layout_json(view)))
    assert all(after[k] == v for k, v in before.items())
    if brought:
        _x, y = (float(v) for v in after["site_onprem__address_192.168.5.5"].split(","))
        assert y < 0, "under the plain picture"
