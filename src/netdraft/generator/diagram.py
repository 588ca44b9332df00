"""Draws a network view with the ``diagrams`` package (AWS icons) on Graphviz: DOT, SVG or PNG.

This is the only module that imports ``diagrams``. It turns a :class:`~netdraft.generator.view.View`
into a ``diagrams.Diagram`` whose every node and cluster has the view's stable id (``diagrams``
would otherwise name nodes with random uuids and clusters after their labels), renders it in
memory (Graphviz reads the DOT text on its standard input and writes the image on its standard
output, anonymous memory files where the system has them: no file or folder is created) and
never opens a viewer.

Choices that make the picture deterministic and portable:

- Icons are written into each node's HTML label (``<IMG>`` in a fixed-size cell), so Graphviz
  sizes every node to fit its text and the icon never stretches. Their paths are relative to
  the folder that holds ``diagrams``' ``resources`` folder (``resources/aws/compute/ec2.png``),
  so the DOT text holds no machine path; rendering points Graphviz's ``imagepath`` there.
- ``.dot`` output is the DOT source netdraft emits (before layout), the same text the golden
  tests compare. To render it yourself run Graphviz from the folder that holds ``resources``
  (the ``site-packages`` folder where ``diagrams`` is installed).
- ``.svg`` output is self-contained: each distinct icon is embedded once, as a base64 PNG in a
  ``<symbol>`` under ``<defs>``, and every use of it is a ``<use>``; no link to a file remains.
- Nodes, clusters and edges are ``diagrams`` objects, but they write their DOT statements
  themselves, in order: ``graphviz``'s general quoting and its copying of nested subgraphs
  cost more than netdraft's whole time budget on a 1,000-node network.
- Security groups are label lines (``sg: web, ssh``) on instances and interface endpoints,
  see :mod:`netdraft.generator.view`.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import functools
import html
import itertools
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import diagrams
from diagrams.aws import compute, database, general, integration, network, storage

from netdraft.diagnostics import printable
from netdraft.dsl.source import collector_paused
from netdraft.generator import svg
from netdraft.generator.colours import at_luminance, colour_lab, delta_e
from netdraft.generator.errors import GRAPHVIZ_MISSING, GraphvizMissing, RenderError
from netdraft.generator.view import (
    HIGHLIGHT_EDGES,
    TGW_TABLE_PREFIX,
    Cluster,
    ClusterKind,
    Edge,
    EdgeKind,
    Mark,
    Node,
    NodeKind,
    View,
    is_highlighted,
    view_of,
    without_highlight,
)
from netdraft.model.network import Network, Query
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.prices import PriceTable

#: Output formats, by file extension.
FORMATS = ("dot", "svg", "png", "pdf")

FONT = "Helvetica,Arial,sans-serif"
INK = "#232F3E"  # AWS squid ink, for titles
MUTED = "#5F6B7A"  # details under a title
HIGHLIGHT = "#1A73E8"
DROPPED = "#D93025"
LINK = "#8D99A6"
BACKGROUND = "#FFFFFF"
#: The colour of each mark: a highlighted path, and what a change did (`render --diff`).
MARK_COLOURS = {
    Mark.HIGHLIGHT: HIGHLIGHT,
    Mark.DROPPED: DROPPED,
    Mark.ADDED: "#1D8102",
    Mark.CHANGED: "#D86613",
    Mark.REMOVED: "#5F6B7A",
}
MUTED_FLOW = "#B8C0C8"
#: Flow colours, by flow order; none of them is the highlight's blue or the drop's red, and
#: each reads at 3:1 or more on the light page and on the dark one (:data:`DARK_BACKGROUND`).
#: Past these, :func:`flow_colours` makes more, so that no colour repeats in a diagram.
FLOW_COLOURS = (
    "#E8710A",
    "#188038",
    "#993EE7",
    "#906556",
    "#129EAF",
    "#D61B64",
    "#BE8300",
    "#5868C5",
    "#689F38",
    "#B82FB8",
    "#00796B",
    "#7A7A2A",
)
#: The dark page a diagram is shown on (``netdraft/mkdocs.css``'s ``--nd-bg``), whose
#: literal flow colours must read on it too.
DARK_BACKGROUND = "#1E2129"
#: The legend's node id (outside every box, under them).
LEGEND = "legend"
#: The DNS legend's node id: the private zones and resolver rules, and the VPCs they serve.
DNS_LEGEND = "dns-legend"

ICON_SIZE = 44  # points, the side of every icon
EXTERNAL_ICON_SIZE = 24  # points, the icon of a part outside the view (``render --vpc``)
ICON_PORT = "icon"  # the port of a component's icon cell, where lines from above end
#: A warning's badge: amber, as the AWS console's warnings.
WARNING = "#C77700"
WARNING_FILL = "#FFF4CE"
WARNING_INK = "#6B4100"
WARNING_SIGN = "⚠"
#: The key's sample of a subnet's route-table badge.
BADGE_SAMPLE = "table → target"
#: The key's sample of an attachment's transit gateway route table (``rt: prod``).
TGW_TABLE_SAMPLE = TGW_TABLE_PREFIX + "table"
CAPTION_HEIGHT = 18  # points, the row under the title that names a highlighted path
#: The node that holds the title (and caption) of a highlighted picture, where the layout
#: of the plain one put its label.
TITLE = "diagram-title"
WRAP = 4  # nodes per row inside one subnet before a new row starts
#: What a box's header node's id ends with (after the box's id).
HEADER_SUFFIX = svg.HEADER_SUFFIX

_ICONS: dict[NodeKind, type[diagrams.Node]] = {
    NodeKind.INSTANCE: compute.EC2,
    NodeKind.NAT_INSTANCE: compute.EC2,
    NodeKind.NAT_GATEWAY: network.NATGateway,
    NodeKind.APPLICATION_LOAD_BALANCER: network.ALB,
    NodeKind.NETWORK_LOAD_BALANCER: network.NLB,
    NodeKind.ACCELERATOR: network.GlobalAccelerator,
    NodeKind.FLOW_LOGS: network.VPCFlowLogs,
    NodeKind.TRAFFIC_MIRROR: network.VPCTrafficMirroring,
    NodeKind.GATEWAY_ENDPOINT: network.Endpoint,
    NodeKind.INTERFACE_ENDPOINT: network.Endpoint,
    NodeKind.INTERNET_GATEWAY: network.InternetGateway,
    NodeKind.EGRESS_ONLY_GATEWAY: network.VPCRouter,
    NodeKind.VPN_GATEWAY: network.VpnGateway,
    NodeKind.TGW_ATTACHMENT: network.TransitGatewayAttachment,
    NodeKind.TRANSIT_GATEWAY: network.TransitGateway,
    NodeKind.PEERING: network.VPCPeering,
    NodeKind.VPN: network.SiteToSiteVpn,
    NodeKind.CUSTOMER_GATEWAY: network.VPCCustomerGateway,
    NodeKind.HOST: general.TraditionalServer,
    NodeKind.ADDRESS: general.Client,
    NodeKind.INTERNET: general.InternetAlt1,
    NodeKind.SERVICE: general.General,
    NodeKind.DX_CONNECTION: network.DirectConnect,
    NodeKind.VIF: network.Endpoint,
    NodeKind.DX_GATEWAY: network.DirectConnect,
    NodeKind.SUMMARY: compute.EC2Instances,
}

_SERVICE_ICONS: dict[str, type[diagrams.Node]] = {
    "s3": storage.SimpleStorageServiceS3,
    "dynamodb": database.Dynamodb,
    "sns": integration.SimpleNotificationServiceSns,
    "sqs": integration.SimpleQueueServiceSqs,
    "lambda": compute.Lambda,
    "ec2": compute.EC2,
    "ecs": compute.ElasticContainerService,
    "rds": database.RDS,
}

# (border colour, fill, style) of each kind of box, after the AWS architecture icon guide.
_CLUSTER_STYLE: dict[ClusterKind, tuple[str, str, str]] = {
    ClusterKind.REGION: ("#00A4A6", BACKGROUND, "rounded,dashed"),
    ClusterKind.VPC: ("#8C4FFF", BACKGROUND, "rounded"),
    ClusterKind.AZ: ("#147EBA", BACKGROUND, "rounded,dashed"),
    ClusterKind.PUBLIC_SUBNET: ("#7AA116", "#F2F8E9", "rounded"),
    ClusterKind.PRIVATE_SUBNET: ("#00A4A6", "#E8F6F7", "rounded"),
    ClusterKind.SITE: ("#7D8998", "#F4F5F6", "rounded"),
    ClusterKind.DX_LOCATION: ("#8C4FFF", "#F3EEFF", "rounded,dashed"),
    ClusterKind.ECMP: ("#8C4FFF", BACKGROUND, "rounded,dashed"),
}

_CLUSTER_KIND_LABEL = {
    ClusterKind.REGION: "",
    ClusterKind.VPC: "",
    ClusterKind.AZ: "Availability Zone",
    ClusterKind.PUBLIC_SUBNET: "",
    ClusterKind.PRIVATE_SUBNET: "",
    ClusterKind.SITE: "",
    ClusterKind.DX_LOCATION: "",
    ClusterKind.ECMP: "equal-cost multi-path over the transit gateway",
}


#: The relative luminances (WCAG) a made flow colour is drawn at, in turn: between them a
#: line reads at 3:1 or more on white and on the dark page, and on the boxes' fills of both.
_FLOW_LUMINANCES = (0.19, 0.25, 0.22)
#: How far apart (CIE76 ΔE) two colours of one diagram are at first; lowered when the
#: colour wheel has no room left at that distance, so that any number of flows is drawn.
_FLOW_DISTANCE = 24.0


def flow_colours(count: int) -> tuple[str, ...]:
    """``count`` different colours for as many flows: :data:`FLOW_COLOURS`, then hues
    spread by the golden angle (deterministic), each at a luminance that reads on the light
    and the dark page, and each kept only if it is far enough from every colour already
    taken and from the highlight's, the drop's and the links'.

    The made colours do not depend on ``count`` (each is the first to fit after those
    before it): the first :data:`_MADE_FLOW_COLOURS` are written out, computed as
    :func:`made_flow_colours` computes them (a test checks it), since finding them costs
    about as much as Graphviz drawing a small diagram.
    """
    out = FLOW_COLOURS[:count]
    extra = count - len(out)
    if extra <= 0:
        return out
    if extra <= len(_MADE_FLOW_COLOURS):
        return out + _MADE_FLOW_COLOURS[:extra]
    return out + made_flow_colours(extra)


@functools.lru_cache(maxsize=8)
def made_flow_colours(count: int) -> tuple[str, ...]:
    """The first ``count`` colours :func:`flow_colours` makes past :data:`FLOW_COLOURS`."""
    out: list[str] = []
    near = [colour_lab(c) for c in (*FLOW_COLOURS, HIGHLIGHT, DROPPED, LINK, MUTED_FLOW)]
    distance, misses, step = _FLOW_DISTANCE, 0, 0
    while len(out) < count:
        step += 1
        hue = (step * 0.618033988749895) % 1.0
        saturation = (0.8, 0.55)[(step // 3) % 2]
        colour = at_luminance(hue, saturation, _FLOW_LUMINANCES[step % 3])
        lab = colour_lab(colour)
        fresh = colour not in FLOW_COLOURS and colour not in out
        if fresh and all(delta_e(lab, other) >= distance for other in near):
            out.append(colour)
            near.append(lab)
            misses = 0
            continue
        misses += 1
        if misses == 64:  # no room at this distance: come closer
            distance, misses = distance * 0.8, 0
    return tuple(out)


#: The first colours :func:`made_flow_colours` makes, written out (enough for 64 flows).
_MADE_FLOW_COLOURS: tuple[str, ...] = (
    "#189F12",
    "#327FAE",
    "#D160AC",
    "#D26B62",
    "#BF65D2",
    "#EA4253",
    "#816DEF",
    "#D52EE8",
    "#B07533",
    "#119C70",
    "#1B8EE6",
    "#E832A1",
    "#BE5EED",
    "#DB18B2",
    "#CF5B77",
    "#7C9310",
    "#978B11",
    "#BB6015",
    "#11998C",
    "#CB714D",
    "#358A0F",
    "#A772D6",
    "#5186EC",
    "#EA593F",
    "#9C7211",
    "#528CCD",
    "#12839E",
    "#668226",
    "#CA4982",
    "#119D49",
    "#E519D1",
    "#EB4E87",
    "#6D85D5",
    "#D95918",
    "#288589",
    "#9A5BD0",
    "#56860F",
    "#917AD9",
    "#AF4ECC",
    "#2A9172",
    "#CC50B5",
    "#2B9358",
    "#6D80EF",
    "#9257EC",
    "#CB504E",
    "#BA7015",
    "#8366D3",
    "#8E7629",
    "#EC526B",
    "#D14DEB",
    "#C15A38",
    "#D05B65",
)


#: netdraft's own icons, for what AWS's icon set (and so ``diagrams``) draws none of,
#: relative to the folder that holds the ``netdraft`` package: the egress-only internet
#: gateway is the internet gateway's arch with an arrow leaving it (drawn by
#: ``scripts/make-egress-icon.py``).
_OWN_ICONS: dict[NodeKind, str] = {
    NodeKind.EGRESS_ONLY_GATEWAY: "netdraft/generator/icons/egress-only-gateway.png",
}


@functools.lru_cache(maxsize=512)  # a few kinds and services, asked for every node
def icon_path(kind: NodeKind, service: str = "") -> str:
    """The icon of a node, relative to the folder that holds ``diagrams``' ``resources``
    (or, for netdraft's own icons, the folder that holds ``netdraft``)."""
    if kind in _OWN_ICONS:
        return _OWN_ICONS[kind]
    cls = _SERVICE_ICONS.get(service, general.General) if kind is NodeKind.SERVICE else _ICONS[kind]
    return f"{cls._icon_dir}/{cls._icon}"


def _resources_root() -> Path:
    """The folder that holds ``diagrams``' ``resources`` (as ``diagrams`` finds its icons)."""
    return Path(diagrams.__file__).resolve().parent.parent


def _own_root() -> Path:
    """The folder that holds the ``netdraft`` package, where its own icons' paths resolve."""
    return Path(__file__).resolve().parents[2]


@functools.lru_cache(maxsize=1)  # where the installed packages are: fixed for the process
def _icon_roots() -> tuple[Path, ...]:
    """Where icon paths resolve: ``diagrams``' folder, then netdraft's (one when the same)."""
    roots = (_resources_root(), _own_root())
    return roots[:1] if roots[0] == roots[1] else roots


# --- diagrams with stable ids -----------------------------------------------------------------


_PLAIN_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?)")
_KEYWORDS = frozenset({"node", "edge", "graph", "digraph", "subgraph", "strict"})


@functools.lru_cache(maxsize=4096)  # attribute values repeat: colours, sizes, styles
def _dot_id(value: str) -> str:
    """A DOT ID: as is when plain, an HTML label as is, else double-quoted."""
    if value.startswith("<") and value.endswith(">"):
        return value
    if _PLAIN_ID.fullmatch(value) and value.lower() not in _KEYWORDS:
        return value
    value = printable(value)  # the SVG is XML, which allows no control character
    if "\\" in value or '"' in value:
        value = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{value}"'


def _label_id(label: str) -> str:
    """A node's label as a DOT ID: an HTML label (most of the DOT text) is new each time,
    so it is not looked up in (nor stored in, pushing the repeated values out) the memo of
    :func:`_dot_id`."""
    return label if label.startswith("<") and label.endswith(">") else _dot_id(label)


def _attr_list(attrs: dict[str, str]) -> str:
    return " ".join([f"{key}={_dot_id(attrs[key])}" for key in sorted(attrs)])


def _indent(cluster: diagrams.Cluster | None) -> str:
    """The indentation of statements inside ``cluster`` (the top level when None)."""
    return "\t" * (cluster.depth + 2 if cluster is not None else 1)


class _Node(diagrams.Node):  # type: ignore[misc]
    """A node with a given id whose icon lives in its HTML label, not in an ``image`` attribute.

    It joins the current diagram and cluster as ``diagrams.Node`` does, but writes its DOT
    statement itself: graphviz's general-purpose quoting would cost more than the whole
    overhead budget of a 1,000-node diagram (see ``bench/bench_render.py``).
    """

    _icon = None  # diagrams.Node would add an absolute ``image`` path

    def __init__(self, node_id: str, label: str, **attrs: str) -> None:
        self._id = node_id
        self.label = label
        self._diagram = diagrams.getdiagram()
        if self._diagram is None:
            raise OSError("Global diagrams context not set up")
        self._attrs = attrs
        self._cluster = diagrams.getcluster()
        if attrs.keys() == {"id"}:  # most nodes: the sorted list is ``id``, ``label``
            listed = f"id={_dot_id(attrs['id'])} label={_label_id(label)}"
        else:
            listed = _attr_list({"label": label, **attrs})
        indent = _indent(self._cluster)
        self._diagram.dot.body.append(f"{indent}{_dot_id(node_id)} [{listed}]\n")

    def connect(self, node: diagrams.Node, edge: diagrams.Edge) -> diagrams.Node:
        """Draw ``edge`` to ``node`` (edges belong to the diagram, not to a cluster)."""
        head = f"{_dot_id(self.nodeid)} -> {_dot_id(node.nodeid)}"
        self._diagram.dot.body.append(f"\t{head} [{_attr_list(edge.attrs)}]\n")
        return node


def _invisible_edges(
    edges: Iterable[tuple[str, str]], attrs: dict[str, str], indent: str, rank_same: bool = False
) -> list[str]:
    """An anonymous subgraph of invisible layout edges, as DOT lines (none for no edges)."""
    edges = list(edges)
    if not edges:
        return []
    lines = [f"{indent}{{\n"]
    if rank_same:
        lines.append(f"{indent}\trank=same\n")
    lines.append(f"{indent}\tedge [{_attr_list(attrs)}]\n")
    lines += [f"{indent}\t{_dot_id(tail)} -> {_dot_id(head)}\n" for tail, head in edges]
    lines.append(f"{indent}}}\n")
    return lines


class _Cluster(diagrams.Cluster):  # type: ignore[misc]
    """A cluster named after its id (``diagrams`` names it after its label, which may repeat).

    Its statements are written in place into the diagram's DOT body, as they come, rather
    than gathered in a subgraph and copied into the parent's at every level of nesting.
    """

    def __init__(self, cluster_id: str, attrs: dict[str, str]) -> None:
        # What diagrams.Cluster.__init__ does, less the subgraph object it would fill.
        self.label = cluster_id
        self.name = f"cluster_{cluster_id}"
        self.attrs = attrs
        self._diagram = diagrams.getdiagram()
        if self._diagram is None:
            raise OSError("Global diagrams context not set up")
        self._parent = diagrams.getcluster()
        self.depth = self._parent.depth + 1 if self._parent is not None else 0

    def __enter__(self) -> _Cluster:
        indent = _indent(self._parent)
        body = self._diagram.dot.body
        body.append(f"{indent}subgraph {_dot_id(self.name)} {{\n")
        body.append(f"{indent}\tgraph [{_attr_list(self.attrs)}]\n")
        diagrams.setcluster(self)
        return self

    def __exit__(self, *exc: object) -> None:
        self._diagram.dot.body.append(f"{_indent(self._parent)}}}\n")
        diagrams.setcluster(self._parent)


class _Edge(diagrams.Edge):  # type: ignore[misc]
    """An edge with only the attributes given (fonts are set once, on the graph)."""

    _default_edge_attrs: dict[str, str] = {}  # noqa: RUF012 - overrides diagrams' class attribute

    @property
    def attrs(self) -> dict[str, str]:
        return dict(self._attrs)  # no ``dir=none`` on every edge: each edge says its own


@contextlib.contextmanager
def _active(diagram: diagrams.Diagram) -> Iterator[diagrams.Diagram]:
    """Make ``diagram`` the one nodes are added to, without rendering on exit."""
    diagrams.setdiagram(diagram)
    try:
        yield diagram
    finally:
        diagrams.setdiagram(None)


_HTML_SPECIAL = re.compile(r"[&<>\"']")


@functools.lru_cache(maxsize=8192)  # label lines repeat: groups, kinds, states
def _text(value: str) -> str:
    """Text for an HTML label: control characters as escapes (XML allows none), then escaped."""
    value = printable(value)
    return html.escape(value, quote=True) if _HTML_SPECIAL.search(value) else value


def _warning_badge(code: str) -> str:
    """A warning's badge: ``⚠ nat-no-internet`` on amber (square: a polygon, which the dark
    stylesheet leaves amber, not a rounded path it would repaint as the box)."""
    return (
        f'<TABLE BORDER="1" COLOR="{WARNING}" BGCOLOR="{WARNING_FILL}"'
        ' CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR><TD>'
        f'<FONT POINT-SIZE="9" COLOR="{WARNING_INK}">{_text(WARNING_SIGN + " " + code)}</FONT>'
        "</TD></TR></TABLE>"
    )


def _warning_rows(codes: Sequence[str], align: str = "") -> list[str]:
    """One badge row per warning code."""
    where = f' ALIGN="{align}"' if align else ""
    return [f"<TR><TD{where}>{_warning_badge(code)}</TD></TR>" for code in codes]


def _node_label(node: Node, markers: Sequence[tuple[str, str]] = ()) -> str:
    """A component's label: icon, title, lines, warnings, then the markers (number,
    colour) of the flows that leave it, in a row: a line is routed around a node, so no
    line runs through a marker."""
    size = EXTERNAL_ICON_SIZE if node.external else ICON_SIZE
    rows = [
        f'<TR><TD PORT="{ICON_PORT}" FIXEDSIZE="TRUE" WIDTH="{size}" HEIGHT="{size}">'
        f'<IMG SRC="{icon_path(node.kind, node.service)}" SCALE="TRUE"/></TD></TR>',
        f'<TR><TD><FONT COLOR="{MUTED}"><B>{_text(node.title)}</B></FONT></TD></TR>'
        if node.down
        else f"<TR><TD><B>{_text(node.title)}</B></TD></TR>",
    ]
    rows += [
        f'<TR><TD><FONT POINT-SIZE="9" COLOR="{MUTED}">{_text(line)}</FONT></TD></TR>'
        for line in node.lines
    ]
    rows += _warning_rows(node.warnings)
    if markers:
        # Empty cells either side take the row's spare width, so that a marker keeps its size.
        cells = "".join(f"<TD>{_marker(number, colour)[1:-1]}</TD>" for number, colour in markers)
        table = 'BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="0"'
        row = f"<TABLE {table}><TR><TD></TD>{cells}<TD></TD></TR></TABLE>"
        rows.append(f"<TR><TD>{row}</TD></TR>")
    colour = MARK_COLOURS.get(node.mark, HIGHLIGHT)
    if node.mark is not Mark.NONE:
        style = "dashed" if node.mark is Mark.REMOVED else "rounded"
        frame = f'BORDER="2" STYLE="{style}" COLOR="{colour}" CELLSPACING="2"'
    elif node.down or node.external:
        # Down: out of every path, framed dashed and greyed; outside the view: dashed too.
        frame = f'BORDER="1" STYLE="dashed" COLOR="{MUTED_FLOW}" CELLSPACING="2"'
    else:
        frame = 'BORDER="0" CELLSPACING="0"'
    return f'<<TABLE {frame} CELLBORDER="0" CELLPADDING="1">{"".join(rows)}</TABLE>>'


def _badge(text: str, colour: str) -> str:
    """A subnet's route-table badge: its text framed in the box's colour."""
    return (
        f'<TABLE BORDER="1" COLOR="{colour}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
        f'<TR><TD><FONT POINT-SIZE="9" COLOR="{INK}">{_text(text)}</FONT></TD></TR></TABLE>'
    )


#: The white space left of a box's header, in points: a line past the box's top left corner
#: cuts the corner (Graphviz's splines do), where the header's text began.
HEADER_INSET = 8


def _cluster_label(cluster: Cluster) -> str:
    rows = [f'<TR><TD ALIGN="LEFT"><B>{_text(cluster.title)}</B></TD></TR>']
    lines = [_CLUSTER_KIND_LABEL[cluster.kind], *cluster.lines]
    rows += [
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{MUTED}">{_text(line)}</FONT></TD></TR>'
        for line in lines
        if line
    ]
    if cluster.badge:
        # The subnet's route table and its default route's target, framed like a tag in
        # the box's colour; unfilled and square, so that a dark stylesheet, which repaints
        # the box (its path) and the ink, draws it right too.
        colour = _CLUSTER_STYLE[cluster.kind][0]
        rows.append(f'<TR><TD ALIGN="LEFT">{_badge(cluster.badge, colour)}</TD></TR>')
    rows += _warning_rows(cluster.warnings, "LEFT")
    table = 'BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"'
    inner = f"<TABLE {table}>{''.join(rows)}</TABLE>"
    outer = 'BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"'
    return f'<<TABLE {outer}><TR><TD WIDTH="{HEADER_INSET}"></TD><TD>{inner}</TD></TR></TABLE>>'


def _key(view: View) -> list[tuple[str, str]]:
    """The legend's key: each look the picture uses beyond icons and boxes (a part down, a
    warning, a part outside the view), as (sample, meaning), in a fixed order."""
    tables = down = external = badge = False
    warned_codes: set[str] = set()
    for n in view.all_nodes():  # one walk over the nodes, one over the boxes, for all rows
        if n.kind is NodeKind.SPACER:
            continue
        if not tables and n.kind in (NodeKind.TGW_ATTACHMENT, NodeKind.VPN):
            tables = any(line.startswith(TGW_TABLE_PREFIX) for line in n.lines)
        down = down or n.down
        external = external or n.external
        warned_codes.update(n.warnings)
    for c in view.all_clusters():
        badge = badge or bool(c.badge)
        warned_codes.update(c.warnings)
    rows: list[tuple[str, str]] = []
    if badge:
        rows.append((BADGE_SAMPLE, "a subnet's route table → its default route's target"))
    if tables:
        rows.append((TGW_TABLE_SAMPLE, "the transit gateway route table it is associated with"))
    if down:
        rows.append(("down", "down: dashed and grey, out of every path"))
    warned = sorted(warned_codes)
    if warned:
        rows.append((WARNING_SIGN, "warning reported on it: " + ", ".join(warned)))
    if external:
        rows.append(("outside", f"outside this view ({view.scope})" if view.scope else "outside"))
    return rows


def _key_sample(sample: str) -> str:
    if sample == WARNING_SIGN:
        return _warning_badge("code")
    if sample == TGW_TABLE_SAMPLE:
        return f'<FONT POINT-SIZE="9" COLOR="{MUTED}">{_text(sample)}</FONT>'
    if sample == BADGE_SAMPLE:
        return _badge(sample, _CLUSTER_STYLE[ClusterKind.PRIVATE_SUBNET][0])
    frame = f'BORDER="1" STYLE="dashed" COLOR="{MUTED_FLOW}"'
    return (
        f'<TABLE {frame} CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR><TD>'
        f'<FONT POINT-SIZE="9" COLOR="{MUTED}">{_text(sample)}</FONT></TD></TR></TABLE>'
    )


def _legend_label(view: View, colours: dict[str, str], muted: bool) -> str:
    """The legend: the flows (marker, name, path and monthly cost, one row each), then the
    key to the badges and to the looks of parts down, warned or outside the view. Each is a
    table of its own, left-aligned in the frame, so that one's columns never widen the
    other's (a key sample is wider than a flow's marker)."""
    cell = 'ALIGN="LEFT" BALIGN="LEFT"'
    inner = 'BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2"'
    parts = []
    if view.legend:
        rows = ['<TR><TD COLSPAN="4" ALIGN="LEFT"><B>Flows</B></TD></TR>']
        for row in view.legend:
            colour = MUTED_FLOW if muted else colours.get(row.flow, FLOW_COLOURS[0])
            cost = (
                f'<FONT COLOR="{DROPPED}">{_text(row.cost)}</FONT>'
                if row.denied
                else _text(row.cost)
            )
            marker = _marker(str(row.number), colour)[1:-1]
            rows.append(
                f"<TR><TD>{marker}</TD><TD {cell}><B>{_text(row.flow)}</B></TD>"
                f'<TD {cell}><FONT POINT-SIZE="9" COLOR="{MUTED}">{_text(row.path)}</FONT></TD>'
                f'<TD ALIGN="RIGHT">{cost}</TD></TR>'
            )
        parts.append(f"<TABLE {inner}>{''.join(rows)}</TABLE>")
    key = _key(view)
    if key:
        rows = ['<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Key</B></TD></TR>']
        rows += [
            f"<TR><TD {cell}>{_key_sample(sample)}</TD>"
            f'<TD {cell}><FONT POINT-SIZE="9" COLOR="{MUTED}">{_text(meaning)}</FONT></TD></TR>'
            for sample, meaning in key
        ]
        parts.append(f"<TABLE {inner}>{''.join(rows)}</TABLE>")
    frame = f'BORDER="1" STYLE="rounded" COLOR="{LINK}" CELLBORDER="0" CELLSPACING="0"'
    body = "".join(f'<TR><TD ALIGN="LEFT">{part}</TD></TR>' for part in parts)
    return f'<<TABLE {frame} CELLPADDING="2">{body}</TABLE>>'


def _dns_legend_label(view: View) -> str:
    """The DNS legend: each private zone and resolver rule, and the VPCs it serves."""
    cell = 'ALIGN="LEFT" BALIGN="LEFT"'
    rows = ['<TR><TD COLSPAN="3" ALIGN="LEFT"><B>Private DNS</B></TD></TR>']
    for row in view.dns_legend:
        plural = "s" if len(row.vpcs) > 1 else ""
        serves = f"VPC{plural} {', '.join(row.vpcs)}" if row.vpcs else "no VPC"
        if row.detail:
            serves += f" · {row.detail}"
        rows.append(
            f'<TR><TD {cell}><FONT POINT-SIZE="9" COLOR="{MUTED}">{row.kind}</FONT></TD>'
            f"<TD {cell}><B>{_text(row.name)}</B></TD>"
            f'<TD {cell}><FONT POINT-SIZE="9" COLOR="{MUTED}">{_text(serves)}</FONT></TD></TR>'
        )
    frame = f'BORDER="1" STYLE="rounded" COLOR="{LINK}" CELLBORDER="0" CELLSPACING="2"'
    return f'<<TABLE {frame} CELLPADDING="2">{"".join(rows)}</TABLE>>'


def _cluster_attrs(cluster: Cluster) -> dict[str, str]:
    """A box's attributes; its font and label place come from the graph.

    Style, colours and pen width are written on every box: a box inherits them from the
    box around it, not from the graph.
    """
    colour, fill, style = _CLUSTER_STYLE[cluster.kind]
    wide = cluster.kind in (ClusterKind.VPC, ClusterKind.SITE)
    attrs = {
        "id": cluster.id,
        # The header is a node on top of the box (see _header_edges): lines are routed
        # around nodes, not around a box's label.
        "label": "",
        "pencolor": colour,
        "bgcolor": fill,
        "style": style,
        "penwidth": "1.5" if wide else "1",
    }
    if cluster.mark is Mark.DROPPED:
        attrs.update(pencolor=DROPPED, penwidth="3")
    elif cluster.mark in (Mark.ADDED, Mark.CHANGED, Mark.REMOVED):
        attrs.update(pencolor=MARK_COLOURS[cluster.mark], penwidth="3")
        if cluster.mark is Mark.REMOVED:
            attrs["style"] = "rounded,dashed"
    return attrs


def _node_attrs(node: Node) -> dict[str, str]:
    if node.kind is NodeKind.SPACER:
        return {"id": node.id, "shape": "box", "style": "invis", "width": "1", "height": "0.5"}
    return {"id": node.id}


def _marker(number: str, colour: str) -> str:
    """A flow's marker: its number in a small rounded frame of its colour."""
    frame = f'BORDER="1" STYLE="rounded" COLOR="{colour}" BGCOLOR="{BACKGROUND}"'
    return (
        f'<<TABLE {frame} CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR><TD>'
        f'<FONT POINT-SIZE="9" COLOR="{colour}"><B>{_text(number)}</B></FONT>'
        "</TD></TR></TABLE>>"
    )


def _edge_attrs(
    edge: Edge, colours: dict[str, str], muted: bool, down: bool = False, labelled: bool = True
) -> dict[str, str]:
    """An edge's attributes; ``down``: a structural line to a part that is down, dashed;
    not ``labelled``: its label left off (a flow's, whose marker is on its tail)."""
    attrs = {"id": edge.id}
    if edge.label and labelled:
        attrs["label"] = edge.label
    if edge.tail_cluster:
        attrs["ltail"] = f"cluster_{edge.tail_cluster}"
    if edge.head_cluster:
        attrs["lhead"] = f"cluster_{edge.head_cluster}"
    if edge.kind is EdgeKind.LINK:
        attrs.update(color=LINK, penwidth="1.2", arrowhead="none", dir="none")
        if down:
            attrs.update(color=MUTED_FLOW, style="dashed")
        return attrs
    # Paths must not move the boxes: only structure decides the layout. Their labels are
    # ``xlabel``s, placed once the layout is done: a ``label`` would be a node in the
    # ranking, and Graphviz's ranking of such a node on an unconstrained edge between
    # clusters fails ("trouble in init_rank") on many networks.
    if "label" in attrs:
        attrs["xlabel"] = attrs.pop("label")
    if edge.kind in HIGHLIGHT_EDGES:
        # The highlighted path says what it is in the caption, under the title: a label
        # here would have to be placed, and could grow the picture.
        attrs.pop("xlabel", None)
    attrs.update(constraint="false", penwidth="2", arrowsize="0.8", dir="forward")
    if edge.kind in (EdgeKind.FLOW, EdgeKind.FLOW_DENIED):
        colour = MUTED_FLOW if muted else colours.get(edge.group, FLOW_COLOURS[0])
        attrs.update(color=colour, fontcolor=colour)
        if "xlabel" in attrs:
            attrs["xlabel"] = _marker(attrs["xlabel"], colour)
        if edge.kind is EdgeKind.FLOW_DENIED:
            attrs["style"] = "dashed"
    elif edge.kind is EdgeKind.DROPPED:
        attrs.update(color=DROPPED, fontcolor=DROPPED, penwidth="3")
    else:
        attrs.update(color=HIGHLIGHT, fontcolor=HIGHLIGHT, penwidth="3")
        if edge.kind is EdgeKind.HIGHLIGHT_RETURN:
            attrs["style"] = "dashed"
    return attrs


def _chunks(ids: Sequence[str]) -> list[list[str]]:
    return [list(ids[i : i + WRAP]) for i in range(0, len(ids), WRAP)]


def _rows(cluster: Cluster) -> list[list[str]]:
    """The rows a cluster's own nodes are drawn in, top to bottom (a region's: see
    :func:`_region_row`)."""
    if cluster.kind is ClusterKind.REGION:
        return [[n.id for n in cluster.nodes]] if cluster.nodes else []
    if cluster.kind is ClusterKind.SITE:
        gateways = [n.id for n in cluster.nodes if n.kind is NodeKind.CUSTOMER_GATEWAY]
        others = [n.id for n in cluster.nodes if n.kind is not NodeKind.CUSTOMER_GATEWAY]
        return _chunks(gateways) + _chunks(others)
    return _chunks([n.id for n in cluster.nodes])


def _region_row(view: View) -> View:
    """The view with each region's own nodes (its transit gateways and peerings) in the
    order of the VPCs they join: a node's place is the mean of the places of its VPCs
    among the region's VPCs, so that, in the one row they are drawn in, each sits under
    (between) the VPCs it joins rather than in the order of its name."""
    if not any(c.kind is ClusterKind.REGION and len(c.nodes) > 1 for c in view.clusters):
        return view
    vpc_of: dict[str, str] = {}
    for cluster in view.all_clusters():
        if cluster.kind is ClusterKind.VPC:
            for inner in cluster.walk():
                vpc_of.update((n.id, cluster.id) for n in inner.nodes)
    joined: dict[str, set[str]] = {}
    for edge in view.edges:
        if edge.kind is EdgeKind.LINK:
            for one, other, clip in (
                (edge.tail, edge.head, edge.head_cluster),
                (edge.head, edge.tail, edge.tail_cluster),
            ):
                vpc = vpc_of.get(other) or (clip if clip in vpc_of.values() else "")
                if vpc:
                    joined.setdefault(one, set()).add(vpc)
    clusters = []
    for cluster in view.clusters:
        if cluster.kind is ClusterKind.REGION and len(cluster.nodes) > 1:
            place = {c.id: i for i, c in enumerate(cluster.clusters)}

            def key(item: tuple[int, Node], place: dict[str, int] = place) -> tuple[float, int]:
                index, node = item
                spots = [place[v] for v in joined.get(node.id, ()) if v in place]
                return (sum(spots) / len(spots) if spots else float(len(place)), index)

            nodes = tuple(n for _, n in sorted(enumerate(cluster.nodes), key=key))
            cluster = dataclasses.replace(cluster, nodes=nodes)
        clusters.append(cluster)
    return dataclasses.replace(view, clusters=tuple(clusters))


def header_id(cluster_id: str) -> str:
    """The id of the node that holds a box's header (its title, lines and badge)."""
    return f"{cluster_id}{HEADER_SUFFIX}"


def _top(cluster: Cluster) -> str:
    """The topmost thing of a box, that the rows above it stack on: its header."""
    return header_id(cluster.id)


#: Each box's rows (:func:`_rows`), by the box object's identity: what several passes of
#: one drawing ask for, made once (a frozen box hashes all it holds, so not by value).
_RowsOf = dict[int, list[list[str]]]


def _rows_of(view: View) -> _RowsOf:
    """Every box's rows, made once for a drawing's passes."""
    return {id(cluster): _rows(cluster) for cluster in view.all_clusters()}


def _stack_edges(view: View, rows_of: _RowsOf | None = None) -> list[tuple[str, str]]:
    """Invisible edges that stack rows of nodes the way engineers draw them.

    Every box's header is a node of its own on top of the box (see :func:`_header_edges`).
    In a VPC: gateways on top, then public subnets, then private ones, each availability
    zone a column; in a subnet, rows of at most :data:`WRAP` nodes; in a site, customer
    gateways above hosts. Every row is one rank (see :func:`_build`), so one edge between
    the first nodes of two rows stacks them.
    """
    rows_of = _rows_of(view) if rows_of is None else rows_of
    out: list[tuple[str, str]] = []
    for cluster in view.all_clusters():
        rows = rows_of[id(cluster)]
        out.extend((upper[0], lower[0]) for upper, lower in itertools.pairwise(rows))
        if cluster.kind is not ClusterKind.VPC:
            continue
        leaders: list[str] = []  # the header of every zone
        for az in cluster.clusters:
            leaders.append(_top(az))
            upper: list[list[str]] = []  # the last rows of the tier above
            for kind in (ClusterKind.PUBLIC_SUBNET, ClusterKind.PRIVATE_SUBNET):
                subnets = [s for s in az.clusters if s.kind is kind]
                tier = [(s, rows_of[id(s)]) for s in subnets]
                if not tier:
                    continue
                out.extend((last[0], _top(s)) for last in upper for s, _ in tier)
                upper = [r[-1] for _, r in tier if r] or upper
        if rows:
            # Every node of the VPC's last row (its gateways) above every zone, not only
            # the first: the crossing reduction then counts a line that leaves a zone for
            # a gateway around the other zones as crossing these edges, and keeps it at
            # its own zone's side (a flow to the VPN gateway went round the other zone).
            out.extend((node, leader) for node in rows[-1] for leader in leaders)
    return out


def _header_edges(
    view: View, rows_of: _RowsOf | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Invisible edges that put each box's header on top of the box: (to the header of the
    box's first box, else to its first node, whose left side it lines up with), (to its
    other boxes and rows, which it only sits above)."""
    rows_of = _rows_of(view) if rows_of is None else rows_of
    near: list[tuple[str, str]] = []
    above: list[tuple[str, str]] = []
    for cluster in view.all_clusters():
        top = _top(cluster)
        rows = rows_of[id(cluster)]
        below = [_top(child) for child in cluster.clusters] + [row[0] for row in rows]
        first = _top(cluster.clusters[0]) if cluster.clusters else below[0] if below else ""
        if first:
            near.append((top, first))
        above.extend((top, other) for other in below if other != first)
    return near, above


def _side_by_side(view: View) -> list[list[str]]:
    """The headers of the boxes that sit side by side, in the view's order: the VPCs of a
    region (in the order that puts each next to the one it is most joined to) and the
    availability zones of a VPC. Each list is one rank (the headers on one line), with flat
    edges in the order, which Graphviz's crossing reduction starts from (it may still
    swap boxes: flat edges between nodes of different boxes do not bind it)."""
    out = []
    for cluster in view.all_clusters():
        if cluster.kind in (ClusterKind.REGION, ClusterKind.VPC):
            side = [
                _top(c) for c in cluster.clusters if c.kind in (ClusterKind.VPC, ClusterKind.AZ)
            ]
            if len(side) > 1:
                out.append(side)
    return out


_LOAD_BALANCERS = frozenset({NodeKind.APPLICATION_LOAD_BALANCER, NodeKind.NETWORK_LOAD_BALANCER})


def _end_ports(
    view: View,
    constrained: Iterable[tuple[str, str]],
    edges: Sequence[Edge],
    rows_of: _RowsOf | None = None,
) -> dict[str, tuple[str, str]]:
    """For each edge, the ports of its tail and its head ("" for none): where its line
    meets a component, rather than the border of its label, which is as wide as its widest
    line (so that a line into its side at the icon's height stopped in white space, beside
    the icon).

    An end goes to the icon (:data:`ICON_PORT`) only where the line is known to come from
    above or from the side, so that it cannot cross the component's own text under the
    icon on its way: the other end is in the same row (one rank; links only, see below),
    or above it for certain, a path of ranking edges (``constrained``: each puts its tail
    on a higher rank than its head) leading from it to this one. A line into a box
    (``lhead``, ``ltail``) keeps its end, and so does a labelled link (a load balancer's
    to its targets)."""
    rows_of = _rows_of(view) if rows_of is None else rows_of
    row_of: dict[str, tuple[str, int]] = {}
    for cluster in view.all_clusters():
        for number, row in enumerate(rows_of[id(cluster)]):
            row_of.update((node, (cluster.id, number)) for node in row)
    index: dict[str, int] = {}
    children: dict[int, list[int]] = {}
    for tail, head in constrained:
        if tail in row_of and row_of.get(tail) == row_of.get(head):
            continue  # a link in a row: a flat edge, which ranks nothing
        t = index.setdefault(tail, len(index))
        h = index.setdefault(head, len(index))
        children.setdefault(t, []).append(h)
    # Graphviz turns an edge of a cycle around: no edge of a cycle says what is above.
    cyclic = _cycle_edges(children)
    # Each node's ranking children, less the edges of cycles: filtered once, not at every
    # step of every walk (a VPC's gateways have an edge to each zone's header).
    ranked = {node: [k for k in kids if (node, k) not in cyclic] for node, kids in children.items()}
    below: dict[int, int] = {}  # node: the set of nodes under it, as bits

    def under(start: int) -> int:
        if start in below:  # known: most ends are asked about more than once
            return below[start]
        stack = [(start, 0)]
        while stack:
            node, step = stack.pop()
            kids = ranked.get(node, [])
            if step < len(kids):
                stack.append((node, step + 1))
                if kids[step] not in below:
                    stack.append((kids[step], 0))
                continue
            bits = 0
            for kid in kids:
                bits |= (1 << kid) | below[kid]
            below[node] = bits
        return below[start]

    def over(upper: str, lower: str) -> bool:
        if upper not in index or lower not in index:
            return False
        return bool(under(index[upper]) >> index[lower] & 1)

    pairs = collections.Counter(frozenset((e.tail, e.head)) for e in edges)

    def port(this: str, other: str, side_by_side: bool) -> str:
        if over(other, this):
            return ICON_PORT
        # Lines between the same two components are drawn side by side, each moved aside
        # from the first: one going down, with a port at its lower end only, left the upper
        # component's box from the side, through its text. From the middle of the bottom,
        # under the last line, they all go down.
        return "s" if side_by_side and over(this, other) else ""

    balancers = {n.id for n in view.all_nodes() if n.kind in _LOAD_BALANCERS}
    ends: dict[str, tuple[str, str]] = {}
    for edge in edges:
        if edge.kind is EdgeKind.LINK and edge.label:
            # A labelled link's label is a node of the ranking, placed by its line (above
            # it, in a row): moved with the line's ends, it landed on other lines.
            continue
        if edge.kind is EdgeKind.LINK and edge.tail in balancers:
            # A load balancer's lines to its targets fan out to other zones, drawn above it
            # as often as below: a port at the icon drew them through the target's text. In
            # a row, a port on the link took the arrowhead off the flow beside it.
            continue
        # In a row: a link only. Graphviz (2.43) draws a line between two neighbours of a
        # rank that has a port without its arrowhead, and a flow must keep its arrow.
        if edge.tail in row_of and row_of.get(edge.tail) == row_of.get(edge.head):
            tail = head = ICON_PORT if edge.kind is EdgeKind.LINK else ""
        else:
            many = pairs[frozenset((edge.tail, edge.head))] > 1
            tail = "" if edge.tail_cluster else port(edge.tail, edge.head, many)
            head = "" if edge.head_cluster else port(edge.head, edge.tail, many)
        if tail or head:
            ends[edge.id] = (tail, head)
    return ends


def _cycle_edges(children: dict[int, list[int]]) -> set[tuple[int, int]]:
    """The edges that lie on a cycle of a graph (both ends in one strongly connected
    component: Tarjan's algorithm, without recursion)."""
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    component: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    for root in list(children):
        if root in order:
            continue
        work = [(root, 0)]
        while work:
            node, step = work.pop()
            if step == 0:
                order[node] = low[node] = len(order)
                stack.append(node)
                on_stack.add(node)
            kids = children.get(node, [])
            if step < len(kids):
                work.append((node, step + 1))
                kid = kids[step]
                if kid not in order:
                    work.append((kid, 0))
                elif kid in on_stack:
                    low[node] = min(low[node], order[kid])
                continue
            for kid in kids:
                if kid in on_stack and kid != node:
                    low[node] = min(low[node], low[kid])
            if low[node] == order[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = node
                    if member == node:
                        break
    return {
        (node, kid)
        for node, kids in children.items()
        for kid in kids
        if component[node] == component[kid]
    }


def _legend_edges(view: View, legend: str) -> list[tuple[str, str]]:
    """Invisible edges that put a legend on a rank of its own, on top, under the title:
    above every node outside the boxes and every outermost box's header. (``newrank``
    does not keep a ``rank=sink`` node under everything: it drew the legend beside the
    internet, where the lines to the internet ran through it.)"""
    return [(legend, n.id) for n in view.nodes if n.id not in (LEGEND, DNS_LEGEND)] + [
        (legend, _top(c)) for c in view.clusters
    ]


def _overhead_services(view: View) -> set[str]:
    """The AWS services drawn on top, with the internet: those only gateway endpoints are
    linked to. A gateway endpoint sits in its VPC's top row, so its line goes up past the
    headers rather than across the other VPCs and regions to a service beside them. (A
    service an interface endpoint in a subnet is linked to stays under its endpoints.)"""
    kinds = {n.id: n.kind for n in view.all_nodes()}
    linked: dict[str, set[NodeKind]] = {}
    for edge in view.edges:
        if edge.kind is EdgeKind.LINK:
            for one, other in ((edge.tail, edge.head), (edge.head, edge.tail)):
                if kinds.get(one) is NodeKind.SERVICE and other in kinds:
                    linked.setdefault(one, set()).add(kinds[other])
    top = {n.id for n in view.nodes}
    return {
        service
        for service, others in linked.items()
        if service in top and others == {NodeKind.GATEWAY_ENDPOINT}
    }


def _overhead_edges(view: View, services: set[str] | None = None) -> list[tuple[str, str]]:
    """Invisible edges that keep the internet (and the services of
    :func:`_overhead_services`) above the headers of the boxes it is linked into (its
    lines go down to their gateways, not across a header beside it)."""
    top_of: dict[str, str] = {}
    for cluster in view.clusters:
        for inner in cluster.walk():
            top_of.update((n.id, cluster.id) for n in inner.nodes)
    services = _overhead_services(view) if services is None else services
    over = {n.id for n in view.nodes if n.kind is NodeKind.INTERNET} | services
    out: dict[tuple[str, str], None] = {}
    for edge in view.edges:
        if edge.kind is not EdgeKind.LINK:
            continue
        for one, other in ((edge.tail, edge.head), (edge.head, edge.tail)):
            if one in over and other in top_of:
                out[(one, _top_by_id(top_of[other]))] = None
    return list(out)


def _top_by_id(cluster_id: str) -> str:
    return header_id(cluster_id)


# --- building the diagram ---------------------------------------------------------------------


def _graph_attrs(view: View) -> dict[str, str]:
    attrs = {
        "rankdir": "TB",
        "splines": "spline",
        "compound": "true",  # lets edges stop at a box's border (peering)
        "newrank": "true",
        "nodesep": "0.35",
        "ranksep": "0.4",
        "pad": "0.3",
        # Inherited by every cluster, so that each box only writes what is its own.
        "fontname": FONT,
        "fontsize": "12",
        "fontcolor": INK,
        "labelloc": "t",
        "labeljust": "l",
        "bgcolor": BACKGROUND,
    }
    attrs["label"] = _title_label(view)
    return attrs


def _title_label(view: View, width: float = 0) -> str:
    """The title, and the caption of a highlighted path under it.

    The caption's row is there, empty, in every picture, so that a highlighted picture is
    the same size as the plain one (see :func:`_draw_once`).
    """
    rows = []
    if view.title:
        rows.append(
            f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="18">{_text(view.title)}</FONT></TD></TR>'
        )
    caption = ""
    if view.caption:  # only a caption has a colour: no walk over the view without one
        dropped = (
            any(e.kind is EdgeKind.DROPPED for e in view.edges)
            or any(n.mark is Mark.DROPPED for n in view.all_nodes())
            or any(c.mark is Mark.DROPPED for c in view.all_clusters())
        )
        colour = DROPPED if dropped else HIGHLIGHT
        caption = f'<FONT COLOR="{colour}"><B>{_text(view.caption)}</B></FONT>'
    rows.append(f'<TR><TD ALIGN="LEFT" HEIGHT="{CAPTION_HEIGHT}">{caption}</TD></TR>')
    table = 'BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"'
    if width:
        table += f' WIDTH="{round(width)}"'
    return f"<<TABLE {table}>{''.join(rows)}</TABLE>>"


_ROW = {"style": "invis", "weight": "1"}
_STACK = {"style": "invis", "weight": "10"}
#: A header and its box's first part, left sides lined up (dot places ports, not centres).
_HEADER = {"style": "invis", "weight": "10", "tailport": "w", "headport": "w"}
_ABOVE = {"style": "invis", "weight": "0"}
#: The internet two ranks above the headers when there are several regions: a band free
#: of nodes for the lines that run along the top from one region to the internet over
#: another (with one region, it only made lines detour through that band).
_OVERHEAD = {"style": "invis", "weight": "0", "minlen": "2"}


#: The most nodes a highlighted picture routes its path's own lines around (``neato``'s
#: spline router, whose cost is cubic in the nodes: ~0.2 s at 50, ~0.5 s at 80); in a
#: larger picture those lines are straight (see docs/diagrams.md).
ROUTED_AROUND_UP_TO = 50
#: The margin ``neato`` keeps around every node when it routes a line (``esep``: points
#: added on each side; Graphviz's default is 3.2). Where two nodes' margins touch it draws
#: every line straight instead, and dot leaves only 4 points between the graph's label and
#: the top row under it: with the default, the title node touched the legend or the
#: internet in every picture.
ROUTING_MARGIN = "+1.5"


@dataclass(frozen=True, slots=True)
class _Pinned:
    """Where Graphviz put everything of a layout, by id: what a highlighted picture is drawn
    on (``neato -n2`` draws nodes, boxes and lines where they are given)."""

    bb: str
    lp: str  # where the title is
    lwidth: float  # its width, inches
    nodes: dict[str, str] = field(default_factory=dict)  # node id -> pos
    clusters: dict[str, str] = field(default_factory=dict)  # cluster name -> bb
    edges: dict[str, dict[str, str]] = field(default_factory=dict)  # edge id -> pos, xlp
    extra: list[str] = field(default_factory=list)  # the nodes placed under the picture

    @classmethod
    def of(cls, layout: bytes) -> _Pinned:
        """The positions in Graphviz's ``-Tjson`` output."""
        data = json.loads(layout)
        pinned = cls(str(data["bb"]), str(data.get("lp", "")), float(data.get("lwidth", 0)))
        for obj in data.get("objects", ()):
            name = str(obj.get("name", ""))
            if "pos" in obj:
                pinned.nodes[name] = str(obj["pos"])
            elif "bb" in obj and name.startswith("cluster_"):
                pinned.clusters[name] = str(obj["bb"])
        for edge in data.get("edges", ()):
            if "id" in edge and "pos" in edge:
                keep = ("pos", "xlp", "head_lp", "tail_lp")
                pinned.edges[str(edge["id"])] = {k: str(edge[k]) for k in keep if k in edge}
        return pinned

    def title(self, view: View) -> tuple[str, str]:
        """The title node's label and place: its left edge where the layout put the
        label's, as wide as the picture allows, so that a caption grows it to the right."""
        x, y = (float(v) for v in self.lp.split(","))
        left = x - self.lwidth * 72 / 2
        width = max(float(self.bb.split(",")[2]) - left - 8, self.lwidth * 72)
        return _title_label(view, width), f"{left + width / 2:.2f},{y:.2f}"

    def below(self, cluster: str) -> str:
        """A place under the picture, below a box (or its middle), one row per call."""
        x0, _, x1, _ = (float(v) for v in self.clusters.get(cluster, self.bb).split(","))
        self.extra.append(cluster)
        return f"{(x0 + x1) / 2:.2f},{-60.0 * len(self.extra):.2f}"

    def corners(self) -> list[str]:
        """Two invisible points at the layout's corners, so that the picture keeps its size
        and its origin (``neato -n2`` would otherwise fit it to what it holds)."""
        x0, y0, x1, y1 = self.bb.split(",")
        point = 'fixedsize=true height=0 label="" shape=point style=invis width=0'
        return [
            f'\t"layout-corner-{i}" [{point} pos="{x},{y}"]\n'
            for i, (x, y) in enumerate(((x0, y0), (x1, y1)))
        ]


def _build(
    view: View, filename: str, outformat: str, rows: bool = True, pinned: _Pinned | None = None
) -> diagrams.Diagram:
    """The diagram of a view; with ``pinned``, every node, box and line the layout has is
    where it put them, and only what the view adds (a highlighted path) is left to place."""
    view = _region_row(view)
    diagram = diagrams.Diagram(
        name="netdraft", filename=filename, direction="TB", outformat=outformat, show=False
    )
    # Replace diagrams' defaults outright: every attribute in the DOT text is chosen here.
    diagram.dot.graph_attr.clear()
    diagram.dot.graph_attr.update(_graph_attrs(view))
    if pinned is not None:
        diagram.dot.graph_attr.update(bb=pinned.bb, notranslate="true")
        # ``neato -n2`` would make room for the graph's label above the layout: the title
        # is a node instead, where the layout put the label.
        del diagram.dot.graph_attr["label"]
        if len(pinned.nodes) > ROUTED_AROUND_UP_TO:
            # Routing the path's own lines around every node builds a visibility graph of
            # all of them, cubic in their number: 0.5 s at 80 nodes, hours at 3,000.
            # Past this size they are straight.
            diagram.dot.graph_attr["splines"] = "line"
        else:
            diagram.dot.graph_attr["esep"] = ROUTING_MARGIN
    diagram.dot.node_attr.clear()
    diagram.dot.node_attr.update(shape="plain", fontname=FONT, fontsize="11")
    diagram.dot.edge_attr.clear()
    diagram.dot.edge_attr.update(fontname=FONT, fontsize="10", color=LINK)
    nodes: dict[str, _Node] = {}
    body: list[str] = diagram.dot.body
    muted = any(e.kind in (EdgeKind.HIGHLIGHT, EdgeKind.DROPPED) for e in view.edges)
    colours = dict(zip(view.flows, flow_colours(len(view.flows)), strict=True))
    down: set[str] = set()
    spacers: set[str] = set()
    for n in view.all_nodes():  # one walk for both
        if n.down:
            down.add(n.id)
        if n.kind is NodeKind.SPACER:
            spacers.add(n.id)
    markers: dict[str, list[tuple[str, str]]] = {}
    for edge in view.edges:
        if edge.kind in (EdgeKind.FLOW, EdgeKind.FLOW_DENIED) and edge.label:
            colour = MUTED_FLOW if muted else colours.get(edge.group, FLOW_COLOURS[0])
            markers.setdefault(edge.tail, []).append((edge.label, colour))

    def add(node: Node, cluster: str = "") -> None:
        label = "" if node.kind is NodeKind.SPACER else _node_label(node, markers.get(node.id, ()))
        attrs = _node_attrs(node)
        if pinned is not None:
            # A node only the path brings (an address nothing holds) has no place in the
            # layout: it goes under the picture, below its box, so nothing else moves.
            attrs["pos"] = pinned.nodes.get(node.id) or pinned.below(cluster)
        nodes[node.id] = _Node(node.id, label, **attrs)

    def add_cluster(cluster: Cluster) -> None:
        attrs = _cluster_attrs(cluster)
        if pinned is not None and f"cluster_{cluster.id}" in pinned.clusters:
            attrs["bb"] = pinned.clusters[f"cluster_{cluster.id}"]
        with _Cluster(cluster.id, attrs):
            header = {"id": header_id(cluster.id)}
            if pinned is not None:
                header["pos"] = pinned.nodes.get(header_id(cluster.id), "0,0")
            _Node(header_id(cluster.id), _cluster_label(cluster), **header)
            for node in cluster.nodes:
                add(node, f"cluster_{cluster.id}")
            for row in rows_of[id(cluster)] if pinned is None else ():
                if len(row) > 1:
                    # One rank per row whatever the edges, left to right in the view's order
                    # (flat edges order a rank; weight 0 would be ignored).
                    pairs = itertools.pairwise(row)
                    indent = _indent(diagrams.getcluster())
                    body.extend(_invisible_edges(pairs, _ROW, indent, rank_same=rows))
            for child in cluster.clusters:
                add_cluster(child)  # noqa: F821 - deleted once the boxes are built

    # The layout's scaffolding, made once: drawn as invisible edges (not on a pinned
    # layout), and what the ends' ports are chosen from.
    rows_of = _rows_of(view)
    stack = _stack_edges(view, rows_of)
    overhead = _overhead_services(view)
    overhead_edges = _overhead_edges(view, overhead)
    near, above = _header_edges(view, rows_of)
    with _active(diagram):
        for node in view.nodes:
            add(node)
        for cluster in view.clusters:
            add_cluster(cluster)
        if pinned is None:  # the layout's own scaffolding: nothing to draw
            # Into a header: a row above a box, which only has to be above it (weight 1,
            # so that it does not pull the header away from its box's left side).
            into = [e for e in stack if e[1].endswith(HEADER_SUFFIX)]
            rest = [e for e in stack if not e[1].endswith(HEADER_SUFFIX)]
            body.extend(_invisible_edges(rest, _STACK, "\t"))
            body.extend(_invisible_edges(into, _ROW, "\t"))
            regions = sum(1 for c in view.clusters if c.kind is ClusterKind.REGION)
            band = _OVERHEAD if regions > 1 else _ABOVE
            body.extend(_invisible_edges(overhead_edges, band, "\t"))
            for side in _side_by_side(view):
                body.extend(_invisible_edges(itertools.pairwise(side), _ROW, "\t", rows))
            body.extend(_invisible_edges(near, _HEADER, "\t"))
            body.extend(_invisible_edges(above, _ABOVE, "\t"))
        drawn: list[Edge] = []
        for edge in view.edges:
            if edge.kind is EdgeKind.LINK and edge.head in overhead:
                # Drawn from the service down (a link has no arrow), as the internet's are,
                # so that the line agrees with the service's place above the boxes.
                edge = dataclasses.replace(
                    edge,
                    tail=edge.head,
                    head=edge.tail,
                    tail_cluster=edge.head_cluster,
                    head_cluster=edge.tail_cluster,
                )
            if edge.tail in nodes and edge.head in nodes:
                drawn.append(edge)
        ranking = [
            *stack,
            *overhead_edges,
            *near,
            *above,
            *((e.tail, e.head) for e in drawn if e.kind is EdgeKind.LINK),
        ]
        ports = _end_ports(view, ranking, drawn, rows_of)
        for edge in drawn:
            flow = edge.kind in (EdgeKind.FLOW, EdgeKind.FLOW_DENIED)  # marked on its tail
            ends_down = bool({edge.tail, edge.head} & down)
            attrs = _edge_attrs(edge, colours, muted, ends_down, labelled=not flow)
            tail_port, head_port = ports.get(edge.id, ("", ""))
            if tail_port and edge.tail not in spacers:
                attrs["tailport"] = tail_port
            if head_port and edge.head not in spacers:
                attrs["headport"] = head_port
            if pinned is not None:
                attrs.update(pinned.edges.get(edge.id, {}))
            nodes[edge.tail].connect(nodes[edge.head], _Edge(**attrs))
        if view.legend or _key(view):
            extra = {"pos": pinned.nodes[LEGEND]} if pinned and LEGEND in pinned.nodes else {}
            _Node(LEGEND, _legend_label(view, colours, muted), id=LEGEND, **extra)
            if pinned is None:
                body.extend(_invisible_edges(_legend_edges(view, LEGEND), _ABOVE, "\t"))
        if view.dns_legend:
            place = pinned.nodes.get(DNS_LEGEND) if pinned is not None else None
            extra = {"pos": place} if place else {}
            _Node(DNS_LEGEND, _dns_legend_label(view), id=DNS_LEGEND, **extra)
            if pinned is None:
                body.extend(_invisible_edges(_legend_edges(view, DNS_LEGEND), _ABOVE, "\t"))
        if pinned is not None:
            body.extend(pinned.corners())
            if pinned.lp:
                label, place = pinned.title(view)
                _Node(TITLE, label, id=TITLE, pos=place)
    del add_cluster  # a recursive closure is a reference cycle: free it now, not in a GC pass
    return diagram


def dot_source(view: View) -> str:
    """The DOT text of a view: stable ids, sorted, no machine paths.

    Args:
        view: what to draw.

    Returns:
        The Graphviz source, as written to a ``.dot`` output.
    """
    return str(_build(view, "diagram", "dot").dot.source)


def dot_text(
    network: Network, highlight: Query | None = None, prices: PriceTable | None = None
) -> str:
    """The DOT text of a network's diagram, with its flows and an optional highlighted path.

    Args:
        network: the compiled network.
        highlight: a query whose path is drawn in colour.
        prices: the price table for flow costs (the bundled one when not given).

    Returns:
        The Graphviz source.
    """
    return dot_source(view_of(network, highlight, prices))


def render(
    network: Network,
    out_path: str | Path,
    highlight: Query | None = None,
    prices: PriceTable | None = None,
    analysis: NetworkAnalysis | None = None,
    fmt: str = "",
) -> None:
    """Draw a network into a ``.svg``, ``.png``, ``.pdf`` or ``.dot`` file.

    Flows are drawn along their simulated paths, labelled with their monthly cost; a
    highlighted query's path is drawn in blue, red from where it is dropped.

    Args:
        network: the compiled network.
        out_path: the file to write; its extension chooses the format.
        highlight: a query whose path is drawn in colour.
        prices: the price table for flow costs (the bundled one when not given).
        analysis: the network's analysis, whose costs and traces are used when given.
        fmt: one of :data:`FORMATS`, whatever the extension (empty: the extension's).

    Raises:
        ValueError: the extension is not one of :data:`FORMATS`.
        GraphvizMissing: Graphviz's ``dot`` is not installed (all but DOT).
        RenderError: Graphviz could not lay the diagram out.
        OSError: the file cannot be written.
    """
    # One pause for the whole render (see image_bytes): the view is freed before the
    # collector resumes, so it resumes with nothing new to look at, where a pause around
    # each stage handed it the view (thousands of young objects) to traverse in between.
    with collector_paused():
        render_view(view_of(network, highlight, prices, analysis), out_path, fmt)


def render_view(view: View, out_path: str | Path, fmt: str = "") -> None:
    """Draw a view into a file of one of :data:`FORMATS`, replacing it atomically.

    Args:
        view: what to draw.
        out_path: the file to write; its extension chooses the format.
        fmt: one of :data:`FORMATS`, whatever the extension (empty: the extension's).

    Raises:
        ValueError: the extension is not one of :data:`FORMATS`.
        GraphvizMissing: Graphviz's ``dot`` is not installed (all but DOT).
        RenderError: Graphviz could not lay the diagram out.
        OSError: the file cannot be written.
    """
    from netdraft.files import write_atomic

    out = Path(out_path)
    fmt = fmt or out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"'{out.name}' has no known image extension: use .svg, .png, .pdf or .dot")
    write_atomic(out, image_bytes(view, fmt))


def image_bytes(view: View, fmt: str) -> bytes:
    """A view drawn in memory, as the content of a ``.svg``, ``.png`` or ``.dot`` file.

    Nothing is written to disk: the DOT text goes to Graphviz on its standard input and the
    image comes back on its standard output, so a process killed while drawing leaves no
    temporary file or folder behind.

    Args:
        view: what to draw.
        fmt: one of :data:`FORMATS`.

    Returns:
        The file's bytes (the DOT text in UTF-8 for ``dot``).

    Raises:
        ValueError: ``fmt`` is not one of :data:`FORMATS`.
        GraphvizMissing: Graphviz's ``dot`` is not installed (SVG and PNG only).
        RenderError: Graphviz could not lay the diagram out.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format '{fmt}': use {', '.join(FORMATS)}")
    # Drawing builds many small objects (the DOT statements, the SVG's pieces) and frees
    # them at the end: the cyclic collector's passes over them, and over the network the
    # caller holds, would free nothing (a tenth of a render), as in the front end.
    with collector_paused():
        if fmt == "dot":
            return dot_source(view).encode("utf-8")
        return _draw(view, fmt)


def layout_json(view: View) -> bytes:
    """The view laid out by Graphviz, as its ``-Tjson`` output (coordinates of every node,
    box, edge and label), from the same DOT text and the same single run as an image.

    Raises:
        GraphvizMissing: Graphviz's ``dot`` is not installed.
        RenderError: Graphviz could not lay the diagram out.
    """
    with collector_paused():  # see image_bytes
        return _draw(view, "json")


def layout_xdot(view: View) -> bytes:
    """The view laid out as :func:`layout_json`, as Graphviz's ``-Txdot`` output, which,
    unlike ``-Tjson``, holds the images' places (an ``I`` operation in a node's
    ``_ldraw_``): what ``bench/bench_layout.py`` measures an edge's end against."""
    with collector_paused():  # see image_bytes
        return _draw(view, "xdot")


def _imagepath_can_hold(folder: Path) -> bool:
    """Whether Graphviz's ``imagepath`` (a list separated by ``os.pathsep``) can name a folder."""
    return os.pathsep not in str(folder)


def _draw(view: View, fmt: str) -> bytes:
    """Run Graphviz; the image, or :class:`RenderError`.

    Graphviz's ranking failed ("trouble in init_rank") on many networks while path
    labels were ``label``s (see :func:`_edge_attrs`); should it fail still, the diagram
    is drawn again with the rows only suggested (same edges, no ``rank=same``), which may
    let a long row wrap.
    """
    try:
        return _draw_once(view, fmt, rows=True)
    except subprocess.CalledProcessError as first:
        try:
            return _draw_once(view, fmt, rows=False)
        except subprocess.CalledProcessError:
            stderr = (
                first.stderr.decode("utf-8", "replace")
                if isinstance(first.stderr, bytes)
                else str(first.stderr or "")
            )
            reason = next((line for line in stderr.splitlines() if line.strip()), "Graphviz failed")
            raise RenderError(f"Graphviz could not lay out the diagram: {reason}") from None


def _dot_program() -> str:
    """The path of Graphviz's ``dot``, or :class:`GraphvizMissing`."""
    program = shutil.which("dot")
    if program is None:
        raise GraphvizMissing(GRAPHVIZ_MISSING)
    return program


def _draw_once(view: View, fmt: str, rows: bool) -> bytes:
    """Pipe the DOT text through Graphviz's ``dot`` and return the image it writes out.

    Graphviz runs in the folder that holds ``diagrams``' ``resources``, where the relative
    icon paths of the labels resolve, and ``imagepath`` names that folder too when it can.
    Nothing is written anywhere: the source is Graphviz's standard input, the image its
    standard output.

    Raises:
        GraphvizMissing: ``dot`` is not on ``PATH`` (or cannot be run).
        subprocess.CalledProcessError: Graphviz failed; its ``stderr`` says why.
    """
    pinned = None
    if is_highlighted(view):
        # Drawn on the layout of the picture without the path, so that flipping between
        # the two moves nothing: only colours, pen widths and the path's own lines differ.
        pinned = _Pinned.of(_draw_once(without_highlight(view), "json", rows))
    roots = _icon_roots()
    root = roots[0]
    # ``diagrams`` knows no ``json``: the DOT text is the same whatever Graphviz writes.
    diagram = _build(view, "diagram", fmt if fmt in FORMATS else "dot", rows, pinned)
    if all(_imagepath_can_hold(folder) for folder in roots):
        # Graphviz looks the relative icon paths up there and writes them as they are.
        diagram.dot.graph_attr["imagepath"] = os.pathsep.join(str(folder) for folder in roots)
    source = str(diagram.dot.source).encode("utf-8")
    program = _dot_program()
    engine = ["-Kdot"] if pinned is None else ["-Kneato", "-n2"]
    command = [program, *engine, f"-T{fmt}"]
    try:
        returncode, data, stderr = _run(command, source, root)
    except OSError as exc:  # removed since, not executable, not a program…
        raise GraphvizMissing(f"{GRAPHVIZ_MISSING} ({program}: {exc.strerror})") from None
    if returncode != 0:
        raise subprocess.CalledProcessError(returncode, command, data, stderr)
    if fmt == "svg":
        data = svg.self_contained(data, view, roots)
    elif fmt == "pdf":
        data = fixed_pdf_dates(data)
    return data


def _run(command: list[str], source: bytes, cwd: Path) -> tuple[int, bytes, bytes]:
    """Run Graphviz on ``source``: its exit status, standard output and standard error.

    Where the system has anonymous memory files (Linux's ``memfd_create``), the three
    streams are such files: Graphviz reads and writes them at its own pace and this
    process only waits, instead of feeding and draining pipes through a poll loop in
    4 KiB and 32 KiB pieces (half of what running Graphviz cost this process, a
    millisecond for 500 nodes). They are memory, not files on a disk: nothing is left
    anywhere, whatever happens to either process. Elsewhere, pipes.
    """
    memfd = getattr(os, "memfd_create", None)
    if memfd is None:
        done = subprocess.run(command, input=source, capture_output=True, cwd=cwd, check=False)
        return done.returncode, done.stdout, done.stderr
    streams = [memfd(name, os.MFD_CLOEXEC) for name in ("netdraft-dot", "graphviz", "errors")]
    try:
        stdin, stdout, stderr = streams
        view = memoryview(source)
        while view:  # one write, but for the 2 GiB Linux writes at most at once
            view = view[os.write(stdin, view) :]
        os.lseek(stdin, 0, os.SEEK_SET)
        done = subprocess.run(command, stdin=stdin, stdout=stdout, stderr=stderr, cwd=cwd)
        return done.returncode, _read_all(stdout), _read_all(stderr)
    finally:
        for fd in streams:
            os.close(fd)


def _read_all(fd: int) -> bytes:
    """Everything written to a memory file (in one read but for the 2 GiB limit)."""
    size = os.lseek(fd, 0, os.SEEK_END)
    chunks: list[bytes] = []
    offset = 0
    while offset < size:
        chunk = os.pread(fd, size - offset, offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{1,14})([^)]*)\)")


def fixed_pdf_dates(pdf: bytes) -> bytes:
    """A PDF with the date Graphviz's cairo stamps in it (the time of the run) made fixed.

    The date becomes 1 January 1970 written with as many characters, so that every byte
    offset of the file's cross-reference table still holds: the same view gives the same
    bytes, run after run (cairo 1.16 ignores ``SOURCE_DATE_EPOCH``).
    """

    def fixed(match: re.Match[bytes]) -> bytes:
        digits = b"19700101000000"[: len(match[2])]
        zone = re.sub(rb"\d", b"0", match[3]).replace(b"-", b"+")
        return b"/" + match[1] + b" (D:" + digits + zone + b")"

    return _PDF_DATE.sub(fixed, pdf)


# --- self-contained SVG -----------------------------------------------------------------------


def embed_icons(svg_text: str, folder: Path, *more: Path) -> str:
    """Embed every icon an SVG links to once, in ``<defs>``, and refer to it with ``<use>``
    (:func:`netdraft.generator.svg.embed_icons`; a render does it in the same pass as the
    decoration, :func:`netdraft.generator.svg.self_contained`).

    Raises:
        ValueError: an image is not in the form Graphviz writes, or not a PNG.
    """
    return svg.embed_icons(svg_text, folder, *more)
