"""A network view as a draw.io (mxGraph) file: AWS groups and stencils where Graphviz put them.

Built from the :class:`~netdraft.generator.view.View` and Graphviz's layout of it (``dot
-Tjson``, :func:`netdraft.generator.diagram.layout_json`), so that the picture opens in
draw.io looking like the SVG and stays editable there:

- every box is a group cell (``container=1``) holding its nodes and smaller boxes, with the
  ``mxgraph.aws4.group`` shape and the icon of its kind (``group_region``, ``group_vpc2``,
  ``group_corporate_data_center``; subnets use ``group_security_group`` without its stroke,
  as draw.io's own AWS sidebar does; an availability zone is a dashed frame); moving a VPC
  in draw.io moves everything in it;
- every component is a cell with its ``mxgraph.aws4`` stencil (``internet_gateway``,
  ``nat_gateway``, ``transit_gateway``…), its title and detail lines as its label;
- every link and every hop of a flow is an edge between the cells, labelled as in the SVG.

Coordinates are Graphviz's (points, y turned to grow downwards), relative to the parent
group as mxGraph wants them. Cell ids are the view's ids, so they are fixed; no timestamp
or random id is written, so equal inputs give byte-identical files. Text goes through
:func:`netdraft.diagnostics.printable` and is HTML-escaped for draw.io's HTML labels, then
XML-escaped by the serializer.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

from netdraft.diagnostics import printable
from netdraft.generator.mermaid import CLUSTER_COLOURS
from netdraft.generator.view import Cluster, ClusterKind, Edge, EdgeKind, Mark, Node, NodeKind, View

#: The draw.io AWS stencil of each kind of node: (shape, fill colour of its category).
STENCILS: dict[NodeKind, tuple[str, str]] = {
    NodeKind.INSTANCE: ("mxgraph.aws4.instance2", "#ED7100"),
    NodeKind.NAT_INSTANCE: ("mxgraph.aws4.instance2", "#ED7100"),
    NodeKind.NAT_GATEWAY: ("mxgraph.aws4.nat_gateway", "#8C4FFF"),
    NodeKind.GATEWAY_ENDPOINT: ("mxgraph.aws4.endpoints", "#8C4FFF"),
    NodeKind.INTERFACE_ENDPOINT: ("mxgraph.aws4.endpoints", "#8C4FFF"),
    NodeKind.INTERNET_GATEWAY: ("mxgraph.aws4.internet_gateway", "#8C4FFF"),
    NodeKind.EGRESS_ONLY_GATEWAY: ("mxgraph.aws4.internet_gateway", "#8C4FFF"),
    NodeKind.VPN_GATEWAY: ("mxgraph.aws4.vpn_gateway", "#8C4FFF"),
    NodeKind.TGW_ATTACHMENT: ("mxgraph.aws4.transit_gateway_attachment", "#8C4FFF"),
    NodeKind.TRANSIT_GATEWAY: ("mxgraph.aws4.transit_gateway", "#8C4FFF"),
    NodeKind.PEERING: ("mxgraph.aws4.peering", "#8C4FFF"),
    NodeKind.VPN: ("mxgraph.aws4.vpn_connection", "#8C4FFF"),
    NodeKind.CUSTOMER_GATEWAY: ("mxgraph.aws4.customer_gateway", "#8C4FFF"),
    NodeKind.HOST: ("mxgraph.aws4.traditional_server", "#232F3E"),
    NodeKind.ADDRESS: ("mxgraph.aws4.client", "#232F3E"),
    NodeKind.INTERNET: ("mxgraph.aws4.internet_alt1", "#232F3E"),
    NodeKind.SERVICE: ("mxgraph.aws4.general", "#232F3E"),
    NodeKind.APPLICATION_LOAD_BALANCER: ("mxgraph.aws4.application_load_balancer", "#8C4FFF"),
    NodeKind.NETWORK_LOAD_BALANCER: ("mxgraph.aws4.network_load_balancer", "#8C4FFF"),
    NodeKind.FLOW_LOGS: ("mxgraph.aws4.flow_logs", "#8C4FFF"),
    NodeKind.TRAFFIC_MIRROR: ("mxgraph.aws4.elastic_network_interface", "#8C4FFF"),
    NodeKind.SUMMARY: ("mxgraph.aws4.instances", "#ED7100"),
}

#: Services with a stencil of their own (the rest take the general one).
SERVICE_STENCILS: dict[str, tuple[str, str]] = {
    "s3": ("mxgraph.aws4.s3", "#7AA116"),
    "dynamodb": ("mxgraph.aws4.dynamodb", "#C925D1"),
    "sns": ("mxgraph.aws4.sns", "#E7157B"),
    "sqs": ("mxgraph.aws4.sqs", "#E7157B"),
    "lambda": ("mxgraph.aws4.lambda", "#ED7100"),
    "ec2": ("mxgraph.aws4.ec2", "#ED7100"),
    "ecs": ("mxgraph.aws4.ecs", "#ED7100"),
    "rds": ("mxgraph.aws4.rds", "#C925D1"),
}

#: The group icon of each kind of box ("" for a plain frame).
GROUP_ICONS: dict[ClusterKind, str] = {
    ClusterKind.REGION: "mxgraph.aws4.group_region",
    ClusterKind.VPC: "mxgraph.aws4.group_vpc2",
    ClusterKind.AZ: "",
    ClusterKind.PUBLIC_SUBNET: "mxgraph.aws4.group_security_group",
    ClusterKind.PRIVATE_SUBNET: "mxgraph.aws4.group_security_group",
    ClusterKind.SITE: "mxgraph.aws4.group_corporate_data_center",
    ClusterKind.ECMP: "",
}

_DASHED = (ClusterKind.REGION, ClusterKind.AZ, ClusterKind.ECMP)
ICON = 48  # the side of a stencil, in points
POINTS_PER_INCH = 72


@dataclass(frozen=True, slots=True)
class _Box:
    """A rectangle in draw.io's coordinates (y grows downwards)."""

    x: float
    y: float
    width: float
    height: float


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _layout(layout: bytes) -> tuple[dict[str, _Box], dict[str, _Box]]:
    """Boxes of the clusters (by view id) and of the nodes, from Graphviz's ``-Tjson``."""
    data = json.loads(layout)
    top = float(data.get("bb", "0,0,0,0").split(",")[3])
    clusters: dict[str, _Box] = {}
    nodes: dict[str, _Box] = {}
    for obj in data.get("objects", ()):
        name = str(obj.get("name", ""))
        if "bb" in obj and name.startswith("cluster_"):
            x0, y0, x1, y1 = (float(v) for v in obj["bb"].split(","))
            clusters[name.removeprefix("cluster_")] = _Box(x0, top - y1, x1 - x0, y1 - y0)
        elif "pos" in obj:
            cx, cy = (float(v) for v in obj["pos"].split(","))
            width = float(obj.get("width", 0)) * POINTS_PER_INCH
            height = float(obj.get("height", 0)) * POINTS_PER_INCH
            nodes[name] = _Box(cx - width / 2, top - cy - height / 2, width, height)
    return clusters, nodes


def _style(parts: dict[str, str]) -> str:
    return "".join(f"{key}={value};" for key, value in parts.items())


def _html(lines: Iterable[str], bold_first: bool = True) -> str:
    """A draw.io HTML label: each line escaped, the first in bold."""
    out = [html.escape(printable(line), quote=False) for line in lines if line]
    if out and bold_first:
        out[0] = f"<b>{out[0]}</b>"
    return "<br>".join(out)


def _cluster_style(cluster: Cluster) -> str:
    from netdraft.generator.diagram import DROPPED, MARK_COLOURS

    stroke, fill = CLUSTER_COLOURS[cluster.kind]
    icon = GROUP_ICONS[cluster.kind]
    parts = {"html": "1", "whiteSpace": "wrap", "container": "1", "collapsible": "0"}
    if icon:
        parts |= {"shape": "mxgraph.aws4.group", "grIcon": icon, "spacingLeft": "30"}
        if cluster.kind in (ClusterKind.PUBLIC_SUBNET, ClusterKind.PRIVATE_SUBNET):
            parts["grStroke"] = "0"
    else:
        parts["rounded"] = "1"
    parts |= {
        "strokeColor": stroke,
        "fillColor": fill if fill != "#FFFFFF" else "none",
        "fontColor": "#232F3E",
        "verticalAlign": "top",
        "align": "left",
        "fontSize": "12",
        "dashed": "1" if cluster.kind in _DASHED else "0",
    }
    if cluster.mark is Mark.DROPPED:
        parts |= {"strokeColor": DROPPED, "strokeWidth": "3"}
    elif cluster.mark is not Mark.NONE:
        parts |= {"strokeColor": MARK_COLOURS[cluster.mark], "strokeWidth": "3"}
    return _style(parts)


def _node_style(node: Node) -> str:
    from netdraft.generator.diagram import MARK_COLOURS

    shape, fill = (
        SERVICE_STENCILS.get(node.service, STENCILS[NodeKind.SERVICE])
        if node.kind is NodeKind.SERVICE
        else STENCILS[node.kind]
    )
    parts = {
        "shape": shape,
        "fillColor": fill,
        "strokeColor": "none",
        "html": "1",
        "aspect": "fixed",
        "verticalLabelPosition": "bottom",
        "verticalAlign": "top",
        "align": "center",
        "fontSize": "11",
        "fontColor": "#232F3E",
        "outlineConnect": "0",
    }
    if node.mark is not Mark.NONE:
        parts |= {"labelBorderColor": MARK_COLOURS[node.mark]}
    if node.down:
        parts["opacity"] = "50"
    return _style(parts)


def _edge_style(edge: Edge, view: View) -> str:
    from netdraft.generator.mermaid import edge_colour

    muted = any(e.kind in (EdgeKind.HIGHLIGHT, EdgeKind.DROPPED) for e in view.edges)
    parts = {
        "html": "1",
        "rounded": "1",
        "strokeColor": edge_colour(edge, view, muted),
        "fontColor": edge_colour(edge, view, muted),
        "fontSize": "10",
        "strokeWidth": "3" if edge.kind in (EdgeKind.HIGHLIGHT, EdgeKind.DROPPED) else "2",
        "endArrow": "none" if edge.kind is EdgeKind.LINK else "classic",
    }
    if edge.kind in (EdgeKind.FLOW_DENIED, EdgeKind.HIGHLIGHT_RETURN):
        parts["dashed"] = "1"
    return _style(parts)


def _geometry(cell: ET.Element, box: _Box, parent: _Box | None) -> None:
    dx, dy = (parent.x, parent.y) if parent is not None else (0.0, 0.0)
    ET.SubElement(
        cell,
        "mxGeometry",
        {
            "x": _number(box.x - dx),
            "y": _number(box.y - dy),
            "width": _number(box.width),
            "height": _number(box.height),
            "as": "geometry",
        },
    )


def drawio_xml(view: View, layout: bytes) -> str:
    """The draw.io file of a view laid out by Graphviz.

    Args:
        view: what to draw.
        layout: Graphviz's ``-Tjson`` output for the view's DOT text.

    Returns:
        The ``.drawio`` file's text: an uncompressed ``mxfile``.
    """
    clusters, nodes = _layout(layout)
    mxfile = ET.Element("mxfile", {"host": "netdraft", "type": "device"})
    diagram = ET.SubElement(
        mxfile, "diagram", {"id": "netdraft", "name": printable(view.title) or "network"}
    )
    model = ET.SubElement(
        diagram,
        "mxGraphModel",
        {"grid": "1", "gridSize": "10", "page": "0", "math": "0", "shadow": "0"},
    )
    root = ET.SubElement(model, "root")
    ET.SubElement(root, "mxCell", {"id": "0"})
    ET.SubElement(root, "mxCell", {"id": "1", "parent": "0"})
    if view.title:
        title = ET.SubElement(
            root,
            "mxCell",
            {
                "id": "title",
                "value": _html([view.title]),
                "style": "text;html=1;fontSize=18;fontColor=#232F3E;align=left;",
                "vertex": "1",
                "parent": "1",
            },
        )
        _geometry(title, _Box(0, -40, 600, 30), None)
    drawn: set[str] = set()

    def add_node(node: Node, parent_id: str, parent: _Box | None) -> None:
        if node.kind is NodeKind.SPACER:
            return
        box = nodes.get(node.id, _Box(0, 0, ICON, ICON))
        # The stencil on top of where Graphviz put the node, its label under it.
        icon = _Box(box.x + (box.width - ICON) / 2, box.y, ICON, ICON)
        lines = [node.title, *node.lines, *node.note.splitlines()] + (["down"] if node.down else [])
        lines += [f"⚠ {code}" for code in node.warnings]
        cell = ET.SubElement(
            root,
            "mxCell",
            {
                "id": node.id,
                "value": _html(lines),
                "style": _node_style(node),
                "vertex": "1",
                "parent": parent_id,
            },
        )
        _geometry(cell, icon, parent)
        drawn.add(node.id)

    def add_cluster(cluster: Cluster, parent_id: str, parent: _Box | None) -> None:
        box = clusters.get(cluster.id, _Box(0, 0, 0, 0))
        cell = ET.SubElement(
            root,
            "mxCell",
            {
                "id": cluster.id,
                "value": _html(
                    [
                        cluster.title,
                        *cluster.details(),
                        *cluster.note.splitlines(),
                        *(f"⚠ {code}" for code in cluster.warnings),
                    ]
                ),
                "style": _cluster_style(cluster),
                "vertex": "1",
                "parent": parent_id,
            },
        )
        _geometry(cell, box, parent)
        for node in cluster.nodes:
            add_node(node, cluster.id, box)
        for child in cluster.clusters:
            add_cluster(child, cluster.id, box)

    for node in view.nodes:
        add_node(node, "1", None)
    for cluster in view.clusters:
        add_cluster(cluster, "1", None)
    taken = drawn | {c.id for c in view.all_clusters()} | {"0", "1", "title"}
    for edge in view.edges:
        if edge.tail not in drawn or edge.head not in drawn:
            continue
        edge_id, n = edge.id, 1
        while edge_id in taken:
            n += 1
            edge_id = f"{edge.id}_{n}"
        taken.add(edge_id)
        cell = ET.SubElement(
            root,
            "mxCell",
            {
                "id": edge_id,
                "value": _html([edge.label], bold_first=False),
                "style": _edge_style(edge, view),
                "edge": "1",
                "parent": "1",
                "source": edge.tail,
                "target": edge.head,
            },
        )
        ET.SubElement(cell, "mxGeometry", {"relative": "1", "as": "geometry"})
    ET.indent(mxfile, "  ")
    return ET.tostring(mxfile, encoding="unicode") + "\n"
