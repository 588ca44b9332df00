"""The SVG for readers and stylesheets: role and label, tooltips, classes, links to the
``docs`` page's sections, and the dark-mode rules of the project's CSS."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest

from netdraft.api import analyse, load_network
from netdraft.generator.diagram import image_bytes
from netdraft.generator.markdown import build_docs
from netdraft.generator.svg import add_links, decorate, doc_anchors, slug
from netdraft.generator.view import (
    Cluster,
    ClusterKind,
    Node,
    NodeKind,
    View,
    view_of,
)
from netdraft.mkdocs_plugin import inline_svg

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")

ROOT = Path(__file__).parents[2]
EXAMPLES = sorted((ROOT / "tests" / "spec" / "examples").glob("*.nd"))
SVG = "{http://www.w3.org/2000/svg}"
CSS = ROOT / "src" / "netdraft" / "mkdocs.css"  # the MkDocs plugin adds it to every site


def example(prefix: str) -> Path:
    return next(p for p in EXAMPLES if p.name.startswith(prefix))


def svg_of(prefix: str) -> ET.Element:
    return ET.fromstring(image_bytes(view_of(load_network(example(prefix))), "svg"))


def groups(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("id", ""): g for g in root.iter(f"{SVG}g")}


def test_root_is_an_image_labelled_with_the_title() -> None:
    root = svg_of("01")
    title = "Public and private subnets with a bastion and NAT gateways"
    assert (root.get("role"), root.get("aria-label")) == ("img", title)
    assert "netdraft" in root.get("class", "").split()
    graph = groups(root)["graph0"]
    assert graph.findtext(f"{SVG}title") == title


def test_a_hostile_title_is_escaped() -> None:
    hostile = 'a "b" <c> & \x1b d'
    node = Node("n", NodeKind.INSTANCE, "<x>", ("10.0.0.1", 'sg: "s"'))
    view = View(hostile, (Cluster("s", ClusterKind.PUBLIC_SUBNET, "s", (), (node,)),), (), ())
    root = ET.fromstring(image_bytes(view, "svg"))  # well-formed
    assert root.get("aria-label") == 'a "b" <c> & \\x1b d'
    assert groups(root)["n"].findtext(f"{SVG}title") == '<x>\n10.0.0.1\nsg: "s"\nsubnet s'


def test_nodes_have_tooltips_with_addresses_groups_and_route_table() -> None:
    found = groups(svg_of("01"))
    tip = found["vpc_demo__instance_app-1"].findtext(f"{SVG}title") or ""
    assert tip.splitlines() == [
        "app-1",
        "10.0.16.4",
        "sg: app-sg",
        "subnet private-a",
        "10.0.16.0/20 · private",
        "route table private-a-rt",
    ]
    igw = found["vpc_demo__igw_igw"].findtext(f"{SVG}title") or ""
    assert igw.splitlines() == ["igw", "internet gateway"], "no subnet for a VPC's gateway"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_component_has_its_kind_as_a_class(path: Path) -> None:
    view = view_of(load_network(path))
    found = groups(ET.fromstring(image_bytes(view, "svg")))
    for node in view.all_nodes():
        if node.kind is NodeKind.SPACER:
            continue  # drawn invisible: Graphviz writes no group
        classes = found[node.id].get("class", "").split()
        assert classes[:2] == ["node", f"nd-{node.kind.value}"]
    for cluster in view.all_clusters():
        assert found[cluster.id].get("class", "").split()[:2] == [
            "cluster",
            f"nd-{cluster.kind.value}",
        ]
    for edge in view.edges:
        if edge.id in found:
            assert f"nd-{edge.kind.value}" in found[edge.id].get("class", "").split()


def test_flows_are_numbered_and_marks_and_down_parts_are_classes() -> None:
    net = load_network(example("05"))
    from netdraft.dsl.query import parse_query

    query = parse_query(net, "vpn-server", "batch", "icmp")
    view = view_of(net, query)  # type: ignore[arg-type]
    found = groups(ET.fromstring(image_bytes(view, "svg")))
    assert "nd-flow-1" in found["flow_sync__0"].get("class", "").split()
    dropped = [g for g in found.values() if "nd-mark-dropped" in g.get("class", "").split()]
    assert [g.get("id") for g in dropped] == ["vpc_cloud__subnet_isolated"]


def test_the_standalone_svg_keeps_its_literal_colours() -> None:
    text = image_bytes(view_of(load_network(example("01"))), "svg").decode("utf-8")
    assert 'fill="#f2f8e9"' in text and 'fill="#e8f6f7"' in text
    assert "<style" not in text, "no stylesheet inside: the page's CSS restyles it"


# --- links to the docs page ----------------------------------------------------------------


def heading_ids(page: str) -> set[str]:
    """The ids Python-Markdown's toc (as MkDocs runs it) gives the page's headings."""
    rendered = markdown.markdown(page, extensions=["toc", "tables"])
    return set(re.findall(r'<h\d id="([^"]+)"', rendered))


@pytest.mark.parametrize("prefix", ["01", "03", "04", "05"])
def test_docs_svg_links_each_component_to_a_heading_of_its_page(prefix: str) -> None:
    files = build_docs(analyse(example(prefix)).require_analysis(), "net")
    svg, page = files["net.svg"].decode("utf-8"), files["net.md"].decode("utf-8")
    root = ET.fromstring(svg)
    links = [a.get("href", "") for a in root.iter(f"{SVG}a")]
    assert links
    ids = heading_ids(page)
    assert {link.removeprefix("#") for link in links} <= ids
    view = view_of(load_network(example(prefix)))
    vpc = next(c for c in view.all_clusters() if c.kind is ClusterKind.VPC)
    assert slug(vpc.title) in ids


def test_links_wrap_the_shapes_and_keep_the_tooltip() -> None:
    view = view_of(load_network(example("04")))
    svg = image_bytes(view, "svg").decode("utf-8")
    anchors = doc_anchors(view)
    assert anchors["tgw_tgw"] == "transit-gateway-tgw"
    assert anchors["vpc_dev__instance_dev-app"] == "vpc-dev"
    assert "internet" not in anchors
    linked = ET.fromstring(add_links(svg, anchors))
    group = groups(linked)["tgw_tgw"]
    (title, link) = list(group)[:2]
    assert title.tag == f"{SVG}title" and link.tag == f"{SVG}a"
    assert link.get("href") == "#transit-gateway-tgw"
    assert list(link), "the link holds the shapes"
    plain = ET.fromstring(svg)
    assert not list(plain.iter(f"{SVG}a")), "render writes no link"


def test_inline_svg_keeps_links_to_the_page_and_prefixes_its_own_ids() -> None:
    view = view_of(load_network(example("01")))
    svg = add_links(image_bytes(view, "svg").decode("utf-8"), doc_anchors(view))
    inline = inline_svg(svg, "ndX-")
    assert 'href="#vpc-demo"' in inline
    assert 'xlink:href="#ndX-icon-' in inline
    assert 'href="#icon-' not in inline


def test_slug_follows_python_markdown() -> None:
    for heading in ("VPC demo", "Transit gateway hub_1", "Site-to-Site VPN connections", "VPC a.b"):
        assert heading_ids(f"## {heading}\n") == {slug(heading)}


# --- dark mode -------------------------------------------------------------------------------


def test_css_has_dark_rules_for_material_and_the_system_preference() -> None:
    css = CSS.read_text("utf-8")
    assert '[data-md-color-scheme="slate"] svg.netdraft' in css
    assert "@media (prefers-color-scheme: dark)" in css


def test_css_fallbacks_are_the_colours_the_svg_is_drawn_with() -> None:
    """Without a dark scheme the rules change nothing: each fallback is the literal colour."""
    css = CSS.read_text("utf-8")
    text = image_bytes(view_of(load_network(example("05"))), "svg").decode("utf-8")
    rules = re.findall(r"([^{}]+)\{\s*fill: var\(--nd-[a-z]+, (#[0-9a-f]{6})\);\s*\}", css)
    assert len(rules) >= 5
    root = ET.fromstring(text)
    for selectors, colour in rules:
        for selector in selectors.split(","):
            selector = selector.strip()
            kind = re.search(r"\.(nd-[a-z-]+) > path", selector)
            if kind is not None:
                shapes = [
                    p
                    for g in root.iter(f"{SVG}g")
                    if kind[1] in g.get("class", "").split()
                    for p in g.findall(f"{SVG}path")
                ]
                assert all(p.get("fill") == colour for p in shapes), selector
            literal = re.search(r'text\[fill="(#[0-9a-f]{6})"\]', selector)
            if literal is not None:
                assert literal[1] == colour and f'fill="{colour}"' in text
    used = set(re.findall(r"\.(nd-[a-z-]+)", css))
    drawn = set(re.findall(r'class="[^"]*"', text))
    assert all(
        any(name in c.split('"')[1].split() for c in drawn)
        for name in used - {"nd-ecmp", "nd-site"}
    )


def test_decorate_leaves_graphviz_layout_edges_alone() -> None:
    svg = '<svg>\n<g id="graph0" class="graph">\n<title>x</title>\n<g id="edge9" class="edge">\n<title>a&#45;&gt;b</title>\n</g>\n</svg>'
    out = decorate(svg, View("t", (), (), ()))
    assert '<g id="edge9" class="edge">\n<title>a&#45;&gt;b</title>' in out
    assert out.startswith('<svg role="img" aria-label="t" class="netdraft">')


def test_plugin_docs_block_links_to_the_page_it_embeds() -> None:
    """`docs=true`: the inline SVG's links land on headings of the page the plugin adds."""
    from netdraft.generator.markdown import page_markdown
    from netdraft.mkdocs_plugin import _linked

    analysis = analyse(example("03")).require_analysis()
    svg = image_bytes(view_of(analysis.network, analysis=analysis), "svg").decode("utf-8")
    inline = inline_svg(_linked(svg, analysis), "nd1-")
    links = set(re.findall(r'<a href="#([^"]+)"', inline))
    assert links and links <= heading_ids(page_markdown(analysis, heading_offset=1))
