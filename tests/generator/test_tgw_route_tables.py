"""Transit gateway segmentation on the diagram: each attachment (a VPC's interface, a VPN)
names the route table it is associated with (``rt: prod``), only when its transit gateway
has more than one; checked on the DOT text and the SVG's tooltips, not on pixels."""

from __future__ import annotations

import re
from pathlib import Path

from netdraft.api import load_network
from netdraft.generator.diagram import dot_text, render
from netdraft.generator.view import NodeKind, view_of

HERE = Path(__file__).parent
SEGMENTS = HERE / "tgw" / "segments.nd"
ONE_TABLE = HERE / "tgw" / "hybrid.nd"
EXAMPLE = Path(__file__).parents[2] / "examples" / "04-transit-gateway.nd"


def _label(dot: str, node_id: str) -> str:
    found = re.search(rf'^\s*"?{re.escape(node_id)}"? \[id="?{re.escape(node_id)}"?.*$', dot, re.M)
    assert found, node_id
    return found.group(0)


def _tables(dot: str, node_id: str) -> list[str]:
    return re.findall(r">rt: ([^<]*)<", _label(dot, node_id))


def test_each_attachment_names_its_route_table() -> None:
    dot = dot_text(load_network(SEGMENTS))
    assert _tables(dot, "vpc_a__tgw-attachment_tgw__app") == ["prod"]
    assert _tables(dot, "vpc_b__tgw-attachment_tgw__app") == ["shared"]
    # Associated with no table: AWS routes nothing it sends.
    assert _tables(dot, "vpc_c__tgw-attachment_tgw__app") == ["none"]
    # A VPN attachment too.
    assert _tables(dot, "vpn_v") == ["prod"]
    # The key says what the line means, once.
    assert dot.count("the transit gateway route table it is associated with") == 1


def test_the_bundled_hub_and_spoke_shows_its_segments() -> None:
    dot = dot_text(load_network(EXAMPLE))
    assert _tables(dot, "vpc_dev__tgw-attachment_tgw__app") == ["spokes"]
    assert _tables(dot, "vpc_prod__tgw-attachment_tgw__app") == ["spokes"]
    assert _tables(dot, "vpc_shared__tgw-attachment_tgw__tgw-a") == ["hub"]


def test_one_route_table_is_not_repeated_on_every_attachment() -> None:
    # The twin: each transit gateway here has one table, which every attachment uses.
    net = load_network(ONE_TABLE)
    assert all(len(t.route_tables) == 1 for t in net.transit_gateways.values())
    dot = dot_text(net)
    assert "rt: " not in dot
    assert "route table it is associated with" not in dot
    kinds = {n.kind for n in view_of(net).all_nodes()}
    assert {NodeKind.TGW_ATTACHMENT, NodeKind.VPN} <= kinds


def test_the_tooltip_names_the_table(tmp_path: Path) -> None:
    out = tmp_path / "segments.svg"
    render(load_network(SEGMENTS), out)
    svg = out.read_text("utf-8")
    # Graphviz escapes the id's dash.
    tip = re.search(
        r'<g id="vpc_b__tgw&#45;attachment_tgw__app" class="node[^"]*">\n<title>([^<]*)</title>',
        svg,
    )
    assert tip and "rt: shared" in tip.group(1)
