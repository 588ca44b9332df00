"""Exports built from the view: Mermaid (golden text, escaping), draw.io (parsed, against the
view and Graphviz's layout, golden structure) and PDF; and the render command's formats.

Golden files live in ``golden/``; regenerate them with ``NETDRAFT_UPDATE_GOLDEN=1 pytest``.
The draw.io goldens hold the structure without coordinates (Graphviz measures text in the
machine's fonts), and a test checks the coordinates against the layout instead.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from goldens import matches_golden

from netdraft.api import load_network
from netdraft.cli import main
from netdraft.dsl.query import parse_query
from netdraft.generator.diagram import layout_json
from netdraft.generator.drawio import drawio_xml
from netdraft.generator.exports import export_bytes as image_bytes
from netdraft.generator.exports import render
from netdraft.generator.mermaid import mermaid_text
from netdraft.generator.view import (
    Cluster,
    ClusterKind,
    Edge,
    EdgeKind,
    Node,
    NodeKind,
    View,
    view_of,
)
from netdraft.model.network import Query

EXAMPLES = sorted((Path(__file__).parents[1] / "spec" / "examples").glob("*.nd"))
GOLDEN = Path(__file__).parent / "golden"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")


def example(prefix: str) -> Path:
    return next(p for p in EXAMPLES if p.name.startswith(prefix))


def golden(name: str, text: str) -> None:
    matches_golden(GOLDEN / name, text)


def highlighted(prefix: str, *words: str) -> View:
    net = load_network(example(prefix))
    found = parse_query(net, *words)
    assert isinstance(found, Query), found
    return view_of(net, found)


#: Names and a title that hold every character Mermaid, XML or HTML could read as syntax.
HOSTILE = 'a "b" [c] {d} (e) #f <g> &h; |i| `j` \\k end'


def hostile_view() -> View:
    inner = Node("vpc_x.y__instance_a-b", NodeKind.INSTANCE, HOSTILE, (HOSTILE, "sg: <web>"))
    twin = Node("vpc_x.y__instance_a.b", NodeKind.INSTANCE, "end", ("o--x",))
    subnet = Cluster(
        "vpc_x.y__subnet_s", ClusterKind.PRIVATE_SUBNET, HOSTILE, (HOSTILE,), (inner, twin)
    )
    vpc = Cluster("vpc_x.y", ClusterKind.VPC, f"VPC {HOSTILE}", clusters=(subnet,))
    outside = Node("internet", NodeKind.INTERNET, "Internet")
    edges = (
        Edge("flow_f__0", inner.id, twin.id, EdgeKind.FLOW, HOSTILE, group="f"),
        Edge("link__a", twin.id, outside.id, EdgeKind.LINK),
        Edge("link__gone", twin.id, "nowhere", EdgeKind.LINK),
    )
    return View(HOSTILE + "\nline two", (vpc,), (outside,), edges, ("f",))


# --- Mermaid ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_mermaid_matches_golden(path: Path) -> None:
    golden(f"{path.stem}.mmd", mermaid_text(view_of(load_network(path))))


def test_mermaid_of_a_highlighted_path_matches_golden() -> None:
    text = mermaid_text(highlighted("05", "vpn-server", "batch", "icmp"))
    assert "==>" in text
    golden("05-highlight.mmd", text)


def test_mermaid_nests_region_vpc_az_subnet() -> None:
    lines = mermaid_text(view_of(load_network(example("01")))).splitlines()
    opened = [
        (len(line) - len(line.lstrip()), line.split()[1])
        for line in lines
        if line.lstrip().startswith("subgraph ")
    ]
    assert opened[:4] == [
        (4, "nd_region_us_east_1"),
        (8, "nd_vpc_demo"),
        (12, "nd_vpc_demo__az_us_east_1a"),
        (16, "nd_vpc_demo__subnet_public_a"),
    ]
    assert sum(line.strip() == "end" for line in lines) == len(opened)


_LABEL = re.compile(r'"([^"]*)"')


def test_mermaid_escapes_hostile_ids_and_labels() -> None:
    text = mermaid_text(hostile_view())
    body = text.split("flowchart TB\n", 1)[1]
    # The title is one JSON string (a YAML double-quoted scalar) in the front matter.
    front = text.split("\n")[1]
    assert json.loads(front.removeprefix("title: ")) == HOSTILE + "\\nline two"
    labels = _LABEL.findall(body)
    assert labels, body
    for label in labels:
        without_breaks = label.replace("<br/>", "")
        assert not re.search(r'[<>"|\[\]{}()`\\;]', re.sub(r"#\d+;", "", without_breaks)), label
        assert "#" not in re.sub(r"#\d+;", "", without_breaks), label
    assert "#34;b#34;" in body and "#60;g#62;" in body and "#35;f" in body
    # Every id is a plain word that no Mermaid keyword or edge marker can be mistaken for.
    ids = re.findall(r'^\s*(?:subgraph )?(\S+?) ?[\[({]+"', body, re.MULTILINE)
    assert ids and all(re.fullmatch(r"nd_[A-Za-z0-9_]+", i) for i in ids), ids
    assert len(set(ids)) == len(ids), "a.b and a-b get distinct ids"
    edges = [line.split() for line in body.splitlines() if "-->" in line or "---" in line]
    assert len(edges) == 2, "the edge to a node that is not drawn is left out"


def test_mermaid_is_deterministic() -> None:
    view = highlighted("05", "vpn-server", "batch", "icmp")
    assert mermaid_text(view) == mermaid_text(view)


# --- draw.io ---------------------------------------------------------------------------------

_GEOMETRY = re.compile(r'<mxGeometry x="[^"]*" y="[^"]*" width="[^"]*" height="[^"]*"')


def structure(text: str) -> str:
    """A draw.io file without its coordinates."""
    return _GEOMETRY.sub("<mxGeometry", text)


def cells(text: str) -> dict[str, ET.Element]:
    root = ET.fromstring(text)
    assert root.tag == "mxfile"
    return {c.get("id", ""): c for c in root.iter("mxCell")}


@needs_dot
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_drawio_has_every_node_box_and_edge_of_the_view(path: Path) -> None:
    view = view_of(load_network(path))
    text = image_bytes(view, "drawio").decode("utf-8")
    found = cells(text)
    nodes = [n for n in view.all_nodes() if n.kind is not NodeKind.SPACER]
    for node in nodes:
        cell = found[node.id]
        assert cell.get("vertex") == "1"
        assert "shape=mxgraph.aws4." in cell.get("style", "")
        assert node.title in cell.get("value", "")
    for cluster in view.all_clusters():
        cell = found[cluster.id]
        assert "container=1" in cell.get("style", "")
        for child in cluster.clusters:
            assert found[child.id].get("parent") == cluster.id
        for node in cluster.nodes:
            if node.kind is not NodeKind.SPACER:
                assert found[node.id].get("parent") == cluster.id
    drawn = {n.id for n in nodes}
    edges = [(c.get("source"), c.get("target")) for c in found.values() if c.get("edge") == "1"]
    expected = [(e.tail, e.head) for e in view.edges if e.tail in drawn and e.head in drawn]
    assert edges == expected
    golden(f"{path.stem}.drawio", structure(text))


@needs_dot
def test_drawio_coordinates_are_graphvizs() -> None:
    view = highlighted("04", "dev-app", "prod-app", "tcp", "443")
    layout = layout_json(view)
    found = cells(drawio_xml(view, layout))
    data = json.loads(layout)
    top = float(data["bb"].split(",")[3])

    def absolute(cell_id: str) -> tuple[float, float]:
        x = y = 0.0
        while cell_id not in ("1", ""):
            geometry = found[cell_id].find("mxGeometry")
            assert geometry is not None
            x += float(geometry.get("x", 0))
            y += float(geometry.get("y", 0))
            cell_id = found[cell_id].get("parent", "")
        return x, y

    checked = 0
    for obj in data["objects"]:
        if obj.get("name", "").startswith("cluster_") and "bb" in obj:
            x0, _, _, y1 = (float(v) for v in obj["bb"].split(","))
            x, y = absolute(obj["name"].removeprefix("cluster_"))
            assert (x, y) == pytest.approx((x0, top - y1), abs=0.05)
            checked += 1
        elif "pos" in obj and obj["name"] in found:
            cx, cy = (float(v) for v in obj["pos"].split(","))
            x, y = absolute(obj["name"])
            height = float(obj["height"]) * 72
            assert (x + 24, y) == pytest.approx((cx, top - cy - height / 2), abs=0.05)
            checked += 1
    assert checked > 10


@needs_dot
def test_drawio_escapes_hostile_text_and_is_deterministic() -> None:
    view = hostile_view()
    text = image_bytes(view, "drawio").decode("utf-8")
    assert text == image_bytes(view, "drawio").decode("utf-8")
    found = cells(text)  # parses: the XML is well formed
    value = found["vpc_x.y__instance_a-b"].get("value", "")
    # The HTML label holds the text escaped once for HTML (XML's escaping is undone by parsing).
    assert "&lt;g&gt;" in value and "&amp;h;" in value and '"b"' in value
    assert "<g>" not in value
    assert "\n" not in found["title"].get("value", "")
    assert "nowhere" not in text


# --- PDF ---------------------------------------------------------------------------------------


@needs_dot
def test_pdf_renders_and_is_byte_identical(tmp_path: Path) -> None:
    net = load_network(example("03"))
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    render(net, first)
    render(net, second)
    data = first.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert data == second.read_bytes()
    assert b"/CreationDate (D:1970" in data


def test_pdf_dates_keep_their_length() -> None:
    from netdraft.generator.diagram import fixed_pdf_dates

    pdf = b"<< /CreationDate (D:20261203150339+01'00') /ModDate (D:20261203150339Z) >>"
    fixed = fixed_pdf_dates(pdf)
    assert fixed == b"<< /CreationDate (D:19700101000000+00'00') /ModDate (D:19700101000000Z) >>"
    assert len(fixed) == len(pdf)


# --- the command -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "start"),
    [("mmd", b"---\ntitle:"), ("drawio", b"<mxfile "), ("pdf", b"%PDF-")],
)
def test_render_writes_each_format(
    suffix: str, start: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if suffix != "mmd" and shutil.which("dot") is None:
        pytest.skip("needs Graphviz")
    out = tmp_path / f"net.{suffix}"
    assert main(["render", str(example("01")), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(start)
    assert [p.name for p in tmp_path.iterdir()] == [out.name], "no temporary file is left"


def test_render_format_option_overrides_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "net.txt"
    assert main(["render", str(example("01")), "-o", str(out), "--format", "mermaid"]) == 0
    assert out.read_text("utf-8").splitlines()[3] == "flowchart TB"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "net.gif"], "unknown format of 'net.gif': use .svg, .png, .pdf, .dot, .mmd"),
        (["-o", "net.mmd", "--format", "visio"], "unknown --format 'visio': use dot, drawio"),
    ],
)
def test_bad_output_format_is_a_usage_error(
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["render", str(example("01")), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_mermaid_needs_no_graphviz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    out = tmp_path / "net.mmd"
    assert main(["render", str(example("06")), "-o", str(out)]) == 0
    assert "flowchart TB" in out.read_text("utf-8")


@needs_dot
@pytest.mark.parametrize("prefix", ["01", "04", "05", "06"])
def test_drawio_children_lie_inside_their_group(prefix: str) -> None:
    found = cells(image_bytes(view_of(load_network(example(prefix))), "drawio").decode("utf-8"))
    checked = 0
    for cell in found.values():
        parent = found.get(cell.get("parent", ""))
        geometry, outer = (
            cell.find("mxGeometry"),
            None if parent is None else parent.find("mxGeometry"),
        )
        if geometry is None or outer is None or cell.get("edge") == "1" or "x" not in outer.attrib:
            continue
        x, y = float(geometry.get("x", 0)), float(geometry.get("y", 0))
        width, height = float(geometry.get("width", 0)), float(geometry.get("height", 0))
        assert x >= 0 and x + width <= float(outer.get("width", 0)) + 0.05, cell.get("id")
        assert y >= 0 and y + height <= float(outer.get("height", 0)) + 0.05, cell.get("id")
        checked += 1
    assert checked > 5
