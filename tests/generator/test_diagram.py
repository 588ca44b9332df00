"""The diagram: golden DOT per example, deterministic self-contained SVG/PNG, flows and highlight.

Golden files live in ``golden/``; regenerate them with ``NETDRAFT_UPDATE_GOLDEN=1 pytest``.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from netdraft.api import load_network
from netdraft.cli import main
from netdraft.dsl.query import parse_query
from netdraft.generator import diagram
from netdraft.generator.diagram import dot_source, dot_text, flow_colours, render, render_view
from netdraft.generator.view import (
    ClusterKind,
    EdgeKind,
    FlowPath,
    LegendRow,
    Mark,
    NodeKind,
    View,
    build_view,
    view_of,
)
from netdraft.model.codes import DropCode
from netdraft.model.network import Network, Place, PlaceKind, Query, Verdict
from netdraft.model.values import Protocol
from netdraft.sim.trace import Hop, HopKind, Leg, Trace

EXAMPLES = sorted((Path(__file__).parents[1] / "spec" / "examples").glob("*.nd"))
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("NETDRAFT_UPDATE_GOLDEN") == "1"
XLINK = "{http://www.w3.org/1999/xlink}href"


def network(name: str) -> Network:
    return load_network(next(p for p in EXAMPLES if p.name.startswith(name)))


def query(net: Network, *words: str) -> Query:
    found = parse_query(net, *words)
    assert isinstance(found, Query), found
    return found


def instance(name: str, vpc: str) -> Place:
    return Place(PlaceKind.INSTANCE, name, name, vpc=vpc)


def node(view: View, node_id: str) -> tuple[Mark, str]:
    found = next(n for n in view.all_nodes() if n.id == node_id)
    return found.mark, found.note


# --- golden DOT ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_dot_matches_golden(path: Path) -> None:
    text = dot_text(load_network(path))
    golden = GOLDEN / f"{path.stem}.dot"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, "utf-8")
    assert golden.exists(), f"no golden file: run NETDRAFT_UPDATE_GOLDEN=1 pytest {__file__}"
    assert text == golden.read_text("utf-8")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_dot_has_no_machine_path(path: Path) -> None:
    text = dot_text(load_network(path))
    assert "site-packages" not in text and str(Path.home()) not in text
    assert re.findall(r'SRC="([^"]+)"', text), "icons are in the labels"
    # diagrams' icons, and netdraft's own (the egress-only gateway's), both relative.
    assert all(
        src.startswith(("resources/", "netdraft/generator/icons/"))
        for src in re.findall(r'SRC="([^"]+)"', text)
    )


# --- SVG and PNG -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_svg_is_self_contained_xml(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "net.svg"
    render(load_network(path), out)
    root = ET.parse(out).getroot()
    hrefs = [
        el.get(XLINK) or el.get("href") or ""
        for el in root.iter()
        if el.get(XLINK) or el.get("href")
    ]
    assert hrefs
    assert all(h.startswith(("#", "data:image/png;base64,")) for h in hrefs), hrefs
    images = [el for el in root.iter("{http://www.w3.org/2000/svg}image")]
    payloads = [el.get(XLINK) for el in images]
    assert len(payloads) == len(set(payloads)), "every icon is embedded once"
    symbols = {el.get("id") for el in root.iter("{http://www.w3.org/2000/svg}symbol")}
    uses = [el.get(XLINK, "")[1:] for el in root.iter("{http://www.w3.org/2000/svg}use")]
    assert set(uses) == symbols
    text = out.read_text("utf-8")
    assert "file:" not in text and str(tmp_path) not in text and "/tmp" not in text


@pytest.mark.parametrize("suffix", ["svg", "png", "dot"])
def test_renders_are_byte_identical(suffix: str, tmp_path: Path) -> None:
    net = network("05")
    first, second = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
    render(net, first, highlight=query(net, "vpn-server", "batch", "icmp"))
    render(net, second, highlight=query(net, "vpn-server", "batch", "icmp"))
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_png_renders(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "net.png"
    render(load_network(path), out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_icons_found_when_imagepath_cannot_name_them(
    suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Graphviz runs in the icons' folder, so it finds them without ``imagepath`` too."""
    net = network("06")
    render(net, tmp_path / f"a.{suffix}")
    monkeypatch.setattr(diagram, "_imagepath_can_hold", lambda folder: False)
    render(net, tmp_path / f"b.{suffix}")
    assert (tmp_path / f"a.{suffix}").read_bytes() == (tmp_path / f"b.{suffix}").read_bytes()


def test_dot_output_is_the_source(tmp_path: Path) -> None:
    net = network("01")
    render(net, tmp_path / "net.dot")
    assert (tmp_path / "net.dot").read_text("utf-8") == dot_text(net)


def test_nothing_is_written_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work, out = tmp_path / "work", tmp_path / "out"
    work.mkdir()
    monkeypatch.chdir(work)
    render(network("01"), out / "net.svg")
    assert list(work.iterdir()) == []
    assert [p.name for p in out.iterdir()] == ["net.svg"]


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf or \.dot"):
        render(network("01"), tmp_path / "net.gif")


# --- structure -------------------------------------------------------------------------------


def test_nesting_and_stable_ids() -> None:
    view = build_view(network("01"))
    (region,) = view.clusters
    assert region.id == "region_us-east-1"
    (vpc,) = region.clusters
    assert (vpc.id, vpc.lines) == ("vpc_demo", ("10.0.0.0/16",))
    assert [n.id for n in vpc.nodes] == ["vpc_demo__igw_igw"]
    assert [az.id for az in vpc.clusters] == ["vpc_demo__az_us-east-1a", "vpc_demo__az_us-east-1b"]
    subnets = vpc.clusters[0].clusters
    assert [(s.id, s.kind) for s in subnets] == [
        ("vpc_demo__subnet_public-a", ClusterKind.PUBLIC_SUBNET),
        ("vpc_demo__subnet_private-a", ClusterKind.PRIVATE_SUBNET),
    ]
    assert [n.id for n in subnets[0].nodes] == ["vpc_demo__nat_nat-a", "vpc_demo__instance_bastion"]
    assert [n.id for n in view.nodes] == ["internet"]


def test_security_groups_are_label_lines() -> None:
    view = build_view(network("05"))
    app = next(n for n in view.all_nodes() if n.id == "vpc_cloud__instance_app")
    assert "sg: app-sg" in app.lines
    endpoint = next(
        n for n in build_view(network("06")).all_nodes() if n.kind is NodeKind.INTERFACE_ENDPOINT
    )
    assert "sg: endpoint-sg" in endpoint.lines


def test_structure_links() -> None:
    links = {(e.tail, e.head) for e in build_view(network("05")).edges if e.kind is EdgeKind.LINK}
    assert ("vpc_cloud__vgw_cloud-vgw", "vpn_onprem-vpn") in links
    assert ("vpn_onprem-vpn", "site_onprem__cgw_onprem-cgw") in links
    assert ("internet", "vpc_cloud__igw_igw") in links
    peerings = [e for e in build_view(network("03")).edges if e.head == "peering_b-c"]
    assert sorted(e.tail_cluster for e in peerings) == ["vpc_b", "vpc_c"]
    tgw = {(e.tail, e.head) for e in build_view(network("04")).edges}
    assert ("vpc_shared__tgw-attachment_tgw__tgw-a", "tgw_tgw") in tgw


def test_empty_subnet_stays_visible() -> None:
    dot = dot_source(build_view(network("05")))
    assert '"vpc_cloud__subnet_public__empty"' in dot or "vpc_cloud__subnet_public__empty" in dot


# --- flows and highlight, with hand-built traces ----------------------------------------------


def flow_trace() -> Trace:
    hops = (
        Hop(HopKind.INSTANCE, "app-1", vpc="demo", az="us-east-1a"),
        Hop(HopKind.SUBNET, "private-a", vpc="demo", az="us-east-1a"),
        Hop(HopKind.SUBNET, "public-a", vpc="demo", az="us-east-1a"),
        Hop(HopKind.NAT_GATEWAY, "nat-a", vpc="demo", az="us-east-1a"),
        Hop(HopKind.INTERNET_GATEWAY, "igw", vpc="demo"),
        Hop(HopKind.INTERNET, "internet"),
    )
    q = Query(instance("app-1", "demo"), Place(PlaceKind.INTERNET, "internet"), Protocol.TCP, 443)
    return Trace(q, Verdict.ALLOW, hops, tuple(reversed(hops)))


def test_flow_is_drawn_along_its_path_with_its_cost() -> None:
    view = build_view(network("01"), [FlowPath("updates", flow_trace(), Decimal("14.4"))])
    edges = [e for e in view.edges if e.kind is EdgeKind.FLOW]
    assert [(e.tail, e.head) for e in edges] == [
        ("vpc_demo__instance_app-1", "vpc_demo__nat_nat-a"),
        ("vpc_demo__nat_nat-a", "vpc_demo__igw_igw"),
        ("vpc_demo__igw_igw", "internet"),
    ]
    # The first hop carries the flow's number; the legend names it, its path and its cost.
    assert [e.label for e in edges] == ["1", "", ""]
    assert view.flows == ("updates",)
    assert view.legend == (
        LegendRow(1, "updates", "app-1 → internet · tcp 443", "$14.40/mo", denied=False),
    )
    dot = dot_source(view)
    assert '"vpc_demo__instance_app-1" -> "vpc_demo__nat_nat-a"' in dot
    assert "updates · $14.40/mo" not in dot, "no long label on the edge"
    legend = next(line for line in dot.splitlines() if line.strip().startswith("legend "))
    assert "<B>updates</B>" in legend and "app-1 → internet · tcp 443" in legend
    assert "$14.40/mo" in legend
    # On a rank of its own on top, above the internet and every outermost box.
    assert "legend -> internet" in dot and 'legend -> "region_us-east-1__header"' in dot


def test_no_flow_no_flows_in_the_legend() -> None:
    """With no flow, the legend is the key alone (the subnets' badges); with no subnet
    either, there is no legend."""
    dot = dot_source(build_view(network("01")))
    assert "<B>Key</B>" in dot and "<B>Flows</B>" not in dot
    flows = dot_source(build_view(network("01"), [FlowPath("updates", flow_trace())]))
    assert "<B>Flows</B>" in flows
    empty = View("t", (), (), ())
    assert "legend" not in dot_source(empty)


def test_flows_are_numbered_in_file_order() -> None:
    view = view_of(network("06"))
    assert [(r.number, r.flow) for r in view.legend] == [(1, "uploads"), (2, "alerts")]
    assert view.flows == ("uploads", "alerts")
    firsts = {e.group: e.label for e in view.edges if e.id.endswith("__0")}
    assert firsts == {"uploads": "1", "alerts": "2"}


@pytest.mark.parametrize("count", [1, 6, 12, 13, 40, 200])
def test_flow_palette_never_repeats(count: int) -> None:
    colours = flow_colours(count)
    assert len(colours) == count
    assert len(set(colours)) == count
    assert not {diagram.HIGHLIGHT, diagram.DROPPED, diagram.LINK} & set(colours)
    assert colours[: min(count, 12)] == diagram.FLOW_COLOURS[: min(count, 12)]
    assert flow_colours(count) == colours


@pytest.mark.parametrize(
    ("cost", "label"),
    [("0.225", "$0.23/mo"), ("9E+30", "$" + "9" + ",000" * 10 + ".00/mo")],
    ids=["half-up-as-netdraft-cost", "huge"],
)
def test_flow_cost_label_is_rounded_like_the_cost_report(cost: str, label: str) -> None:
    view = build_view(network("01"), [FlowPath("updates", flow_trace(), Decimal(cost))])
    assert view.legend[0].cost == label


def test_denied_flow_is_dashed_and_says_why() -> None:
    hops = (
        Hop(HopKind.INSTANCE, "app-1", vpc="demo"),
        Hop(HopKind.NAT_GATEWAY, "nat-a", vpc="demo"),
    )
    trace = Trace(flow_trace().query, Verdict.DENY, hops, (), DropCode.NO_PUBLIC_IP, Leg.FORWARD)
    view = build_view(network("01"), [FlowPath("updates", trace, Decimal(0))])
    (edge,) = [e for e in view.edges if e.group == "updates"]
    assert edge.kind is EdgeKind.FLOW_DENIED
    assert edge.label == "1"
    assert view.legend[0].cost == "denied (NO_PUBLIC_IP)" and view.legend[0].denied
    assert "style=dashed" in dot_source(view)
    allowed = build_view(network("01"), [FlowPath("updates", flow_trace(), Decimal(0))])
    assert not allowed.legend[0].denied and "style=dashed" not in dot_source(allowed)


def test_transit_gateway_path_crosses_the_attachments() -> None:
    hops = (
        Hop(HopKind.INSTANCE, "dev-app", vpc="dev", az="us-east-1a"),
        Hop(HopKind.SUBNET, "app", vpc="dev", az="us-east-1a"),
        Hop(HopKind.TRANSIT_GATEWAY, "tgw", az="us-east-1a"),
        Hop(HopKind.SUBNET, "tgw-a", vpc="shared", az="us-east-1a"),
        Hop(HopKind.NAT_GATEWAY, "nat", vpc="shared", az="us-east-1a"),
    )
    q = Query(instance("dev-app", "dev"), Place(PlaceKind.INTERNET, "internet"), Protocol.TCP, 443)
    view = build_view(network("04"), [FlowPath("egress", Trace(q, Verdict.ALLOW, hops, ()))])
    path = [e.tail for e in view.edges if e.kind is EdgeKind.FLOW] + [view.edges[-1].head]
    assert path == [
        "vpc_dev__instance_dev-app",
        "vpc_dev__tgw-attachment_tgw__app",
        "tgw_tgw",
        "vpc_shared__tgw-attachment_tgw__tgw-a",
        "vpc_shared__nat_nat",
    ]


def test_highlight_dropped_at_a_node() -> None:
    hops = (
        Hop(HopKind.INSTANCE, "bastion", vpc="demo"),
        Hop(HopKind.SUBNET, "public-a", vpc="demo"),
        Hop(HopKind.SUBNET, "private-a", vpc="demo"),
        Hop(HopKind.INSTANCE, "app-2", vpc="demo"),
    )
    q = Query(instance("bastion", "demo"), instance("app-2", "demo"), Protocol.TCP, 80)
    trace = Trace(q, Verdict.DENY, hops, (), DropCode.SG_INGRESS_MISMATCH, Leg.FORWARD)
    view = build_view(network("01"), highlight=trace)
    (edge,) = [e for e in view.edges if e.kind is EdgeKind.DROPPED]
    assert (edge.tail, edge.head) == ("vpc_demo__instance_bastion", "vpc_demo__instance_app-2")
    assert edge.label == "bastion → app-2 · tcp 80 · deny"
    assert node(view, "vpc_demo__instance_app-2") == (Mark.DROPPED, "✖ SG_INGRESS_MISMATCH")
    assert node(view, "vpc_demo__instance_bastion") == (Mark.HIGHLIGHT, "")


def test_highlight_dropped_leaving_its_subnet() -> None:
    hops = (
        Hop(HopKind.INSTANCE, "app-1", vpc="demo"),
        Hop(HopKind.SUBNET, "private-a", vpc="demo"),
    )
    q = Query(instance("app-1", "demo"), Place(PlaceKind.INTERNET, "1.1.1.1"), Protocol.TCP, 443)
    trace = Trace(q, Verdict.DENY, hops, (), DropCode.NO_ROUTE_TO_DESTINATION, Leg.FORWARD)
    view = build_view(network("01"), highlight=trace)
    subnet = next(c for c in view.all_clusters() if c.id == "vpc_demo__subnet_private-a")
    assert (subnet.mark, subnet.note) == (Mark.DROPPED, "✖ NO_ROUTE_TO_DESTINATION")
    assert node(view, "vpc_demo__instance_app-1") == (
        Mark.HIGHLIGHT,
        "app-1 → 1.1.1.1 · tcp 443 · deny",
    )
    assert not [e for e in view.edges if e.kind is not EdgeKind.LINK]


def test_highlight_dropped_entering_a_subnet_ends_at_its_border() -> None:
    hops = (
        Hop(HopKind.INTERNET, "internet"),
        Hop(HopKind.INTERNET_GATEWAY, "igw", vpc="demo"),
        Hop(HopKind.SUBNET, "private-a", vpc="demo"),
    )
    q = Query(Place(PlaceKind.INTERNET, "internet"), instance("app-1", "demo"), Protocol.TCP, 22)
    trace = Trace(q, Verdict.DENY, hops, (), DropCode.ACL_INBOUND_DENY, Leg.FORWARD)
    view = build_view(network("01"), highlight=trace)
    dropped = [e for e in view.edges if e.kind is EdgeKind.DROPPED]
    assert [(e.tail, e.head_cluster) for e in dropped] == [
        ("vpc_demo__igw_igw", "vpc_demo__subnet_private-a")
    ]
    assert 'lhead="cluster_vpc_demo__subnet_private-a"' in dot_source(view)


def test_highlight_dropped_on_the_reply_draws_the_reply() -> None:
    forward = (
        Hop(HopKind.INTERNET, "internet"),
        Hop(HopKind.INTERNET_GATEWAY, "igw", vpc="demo"),
        Hop(HopKind.SUBNET, "public-a", vpc="demo"),
        Hop(HopKind.INSTANCE, "bastion", vpc="demo"),
    )
    reverse = (
        Hop(HopKind.INSTANCE, "bastion", vpc="demo"),
        Hop(HopKind.NAT_GATEWAY, "nat-a", vpc="demo"),
    )
    q = Query(Place(PlaceKind.INTERNET, "internet"), instance("bastion", "demo"), Protocol.TCP, 22)
    trace = Trace(q, Verdict.DENY, forward, reverse, DropCode.NO_RETURN_ROUTE, Leg.RETURN)
    view = build_view(network("01"), highlight=trace)
    kinds = [(e.kind, e.tail, e.head) for e in view.edges if e.kind is not EdgeKind.LINK]
    assert kinds == [
        (EdgeKind.HIGHLIGHT, "internet", "vpc_demo__igw_igw"),
        (EdgeKind.HIGHLIGHT, "vpc_demo__igw_igw", "vpc_demo__instance_bastion"),
        (EdgeKind.DROPPED, "vpc_demo__instance_bastion", "vpc_demo__nat_nat-a"),
    ]
    assert node(view, "vpc_demo__nat_nat-a") == (Mark.DROPPED, "✖ NO_RETURN_ROUTE (reply)")


def test_highlight_changes_the_picture() -> None:
    net = network("01")
    plain = dot_text(net)
    allowed = dot_text(net, query(net, "bastion", "app-1", "tcp", "22"))
    denied = dot_text(net, query(net, "internet", "app-1", "tcp", "22"))
    assert len({plain, allowed, denied}) == 3
    assert "#1A73E8" in allowed and "#D93025" not in allowed
    assert "#D93025" in denied and "NO_PUBLIC_IP" in denied


def test_flows_are_muted_under_a_highlight(tmp_path: Path) -> None:
    net = network("01")
    muted = dot_text(net, query(net, "bastion", "app-1", "tcp", "22"))
    assert "#B8C0C8" in muted and "#E8710A" not in muted
    render_view(build_view(net), tmp_path / "plain.dot")
    assert "#E8710A" not in (tmp_path / "plain.dot").read_text("utf-8")


# --- command line ------------------------------------------------------------------------------


def test_cli_render(tmp_path: Path) -> None:
    example = str(EXAMPLES[0])
    out = tmp_path / "net.svg"
    assert (
        main(["render", example, "-o", str(out), "--highlight", "bastion", "app-1", "tcp", "22"])
        == 0
    )
    assert out.read_text("utf-8").startswith("<?xml")
    assert main(["render", example, "-o", str(tmp_path / "net.gif")]) == 2
    assert main(["render", example, "-o", str(out), "--highlight", "bastion"]) == 2
    assert main(["render", example, "-o", str(out), "--highlight", "bastion", "nobody"]) == 2
