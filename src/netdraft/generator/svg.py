"""The SVG made accessible, interactive and restylable: a label, tooltips, links and classes.

Graphviz writes every node, box and edge as a ``<g>`` whose ``id`` is the view's id and
whose ``<title>`` is that id. This pass, run on every SVG netdraft draws, turns them into
what a reader and a stylesheet need:

- the root ``<svg>`` gets ``role="img"``, an ``aria-label`` (the network's title) and the
  class ``netdraft``; the graph's ``<title>`` is the title too, which screen readers read;
- every node's ``<title>`` becomes its tooltip: its name, addresses, security groups and
  state, then the subnet it is in with that subnet's CIDR and route table; a box's
  tooltip is its title and lines; an edge's its label, or the flow it belongs to;
- every ``<g>`` gets classes a stylesheet can restyle: ``nd-vpc``, ``nd-public-subnet``,
  ``nd-instance``, ``nd-flow``, ``nd-mark-dropped``, ``nd-down``… (see
  ``netdraft/mkdocs.css``, which the MkDocs plugin adds to every site, whose dark-mode
  rules use them). The literal colours stay on the shapes, so a standalone SVG with no stylesheet looks as before;
- :func:`add_links` (for the ``docs`` page) wraps each component in a link to its section
  of the page: ``#vpc-demo``, ``#transit-gateway-hub``.

The text written is XML-escaped (and printable); nothing else of Graphviz's SVG changes.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping

from netdraft.diagnostics import printable
from netdraft.generator.view import Cluster, ClusterKind, EdgeKind, Mark, Node, NodeKind, View

_GROUP = re.compile(
    r'<g id="(?P<id>[^"]*)" class="(?P<cls>node|cluster|edge)">\n<title>[^<]*</title>'
)
_SVG_OPEN = re.compile(r"<svg\b")
#: What the id of a box's header node ends with (after the box's id): the diagram draws
#: each box's title, lines and badge as a node of its own, which gets the box's tooltip,
#: its kind's class and ``nd-header``, and its link.
HEADER_SUFFIX = "__header"
_GRAPH_TITLE = re.compile(r'(<g id="graph0" class="graph"[^>]*>\n<title>)[^<]*(</title>)')


def _text(value: str) -> str:
    return html.escape(printable(value), quote=True)


def _tooltip(lines: Iterable[str]) -> str:
    return "\n".join(_text(line) for line in lines if line)


def _classes(view: View) -> dict[str, tuple[str, str]]:
    """Each drawn id: its extra classes and its tooltip (escaped)."""
    out: dict[str, tuple[str, str]] = {}

    def marks(mark: Mark, down: bool = False) -> list[str]:
        found = [] if mark is Mark.NONE else [f"nd-mark-{mark.value}"]
        return [*found, "nd-down"] if down else found

    def visit(cluster: Cluster, subnet: Cluster | None) -> None:
        inner = (
            cluster
            if cluster.kind in (ClusterKind.PUBLIC_SUBNET, ClusterKind.PRIVATE_SUBNET)
            else subnet
        )
        names = [f"nd-{cluster.kind.value}", *marks(cluster.mark)]
        names += ["nd-warning"] if cluster.warnings else []
        tip = [cluster.title, *cluster.details(), *cluster.note.splitlines()]
        tip += [f"warning: {code}" for code in cluster.warnings]
        out[cluster.id] = (" ".join(names), _tooltip(tip))
        # Its header: the box's kind and tooltip (the marks are the box's own frame's).
        out[cluster.id + HEADER_SUFFIX] = (f"nd-{cluster.kind.value} nd-header", _tooltip(tip))
        for node in cluster.nodes:
            add(node, inner)
        for child in cluster.clusters:
            visit(child, inner)

    def add(node: Node, subnet: Cluster | None) -> None:
        names = [f"nd-{node.kind.value}", *marks(node.mark, node.down)]
        names += ["nd-warning"] if node.warnings else []
        names += ["nd-external"] if node.external else []
        tip = [node.title, *node.lines, *node.note.splitlines()]
        if node.down:
            tip.append("down")
        tip += [f"warning: {code}" for code in node.warnings]
        if subnet is not None and node.kind is not NodeKind.SPACER:
            tip += [f"subnet {subnet.title}", *subnet.details()]
        out[node.id] = (" ".join(names), _tooltip(tip))

    for node in view.nodes:
        add(node, None)
    for cluster in view.clusters:
        visit(cluster, None)
    numbers = {name: i for i, name in enumerate(view.flows, 1)}
    for edge in view.edges:
        names = [f"nd-{edge.kind.value}"]
        if edge.kind in (EdgeKind.FLOW, EdgeKind.FLOW_DENIED) and edge.group in numbers:
            names.append(f"nd-flow-{numbers[edge.group]}")
        tip = edge.label or (f"flow {edge.group}" if edge.group else "")
        out[edge.id] = (" ".join(names), _tooltip([tip]))
    return out


def decorate(svg: str, view: View) -> str:
    """Graphviz's SVG of a view with its label, tooltips and classes (see the module).

    Args:
        svg: the SVG Graphviz wrote for the view's DOT text.
        view: the view it was drawn from.

    Returns:
        The SVG, otherwise unchanged.
    """
    info = _classes(view)

    def group(match: re.Match[str]) -> str:
        found = info.get(html.unescape(match["id"]))
        if found is None:  # an invisible layout edge
            return match[0]
        classes, tip = found
        return (
            f'<g id="{match["id"]}" class="{match["cls"]} {classes}">\n'
            f"<title>{tip or match['id']}</title>"
        )

    title = _text(view.title or "network diagram")
    body = _GROUP.sub(group, svg)
    body = _GRAPH_TITLE.sub(lambda m: f"{m[1]}{title}{m[2]}", body, count=1)
    opening = f'<svg role="img" aria-label="{title}" class="netdraft"'
    return _SVG_OPEN.sub(lambda _: opening, body, count=1)


def slug(heading: str) -> str:
    """The anchor MkDocs (Python-Markdown's ``toc``) gives a heading, as GitHub does for
    headings of words, digits, ``-`` and ``_``: ``VPC demo`` → ``vpc-demo``."""
    text = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


#: The section of the ``docs`` page each kind of component outside a VPC is listed in
#: (``connectivity.md.j2``); a transit gateway has its own.
_SECTIONS: dict[NodeKind, str] = {
    NodeKind.PEERING: "Peering connections",
    NodeKind.VPN: "Site-to-Site VPN connections",
    NodeKind.CUSTOMER_GATEWAY: "On-premises sites",
    NodeKind.HOST: "On-premises sites",
}


def doc_anchors(view: View) -> dict[str, str]:
    """Where each component is described on the ``docs`` page, by its id in the view.

    A VPC and everything in it link to the VPC's section (``## VPC demo``), a transit
    gateway to its own (``### Transit gateway hub``), peerings, VPNs and sites to theirs.
    The internet, AWS services and addresses have no section and no link.
    """
    out: dict[str, str] = {}

    def inside(cluster: Cluster, anchor: str) -> None:
        out[cluster.id] = out[cluster.id + HEADER_SUFFIX] = anchor
        for node in cluster.nodes:
            out[node.id] = anchor
        for child in cluster.clusters:
            inside(child, anchor)

    def visit(cluster: Cluster) -> None:
        if cluster.kind is ClusterKind.VPC:
            inside(cluster, slug(cluster.title))
            return
        if cluster.kind is ClusterKind.SITE:
            inside(cluster, slug("On-premises sites"))
            return
        for node in cluster.nodes:
            place(node)
        for child in cluster.clusters:
            visit(child)

    def place(node: Node) -> None:
        if node.kind is NodeKind.TRANSIT_GATEWAY:
            out[node.id] = slug(f"Transit gateway {node.title}")
        elif node.kind in _SECTIONS:
            out[node.id] = slug(_SECTIONS[node.kind])

    for node in view.nodes:
        place(node)
    for cluster in view.clusters:
        visit(cluster)
    return out


def add_links(svg: str, anchors: Mapping[str, str]) -> str:
    """Wrap every node and box with an anchor in a link to it (``href="#vpc-demo"``).

    The link holds the group's shapes, not its ``<title>``, so the tooltip stays the
    group's. Links work where the SVG is part of the page (inline, as the MkDocs plugin
    puts it); a browser follows no link in an ``<img>``.

    Args:
        svg: an SVG from :func:`decorate`.
        anchors: the anchor of each id (see :func:`doc_anchors`).

    Returns:
        The SVG with the links.
    """
    out: list[str] = []
    position = 0
    for match in re.finditer(r'<g id="([^"]*)" class="(?:node|cluster)[^"]*">\n<title>', svg):
        anchor = anchors.get(html.unescape(match[1]))
        if not anchor:
            continue
        title_end = svg.index("</title>", match.end()) + len("</title>")
        close = svg.index("</g>", title_end)
        href = _text(f"#{anchor}")
        out += [
            svg[position:title_end],
            f'\n<a href="{href}" xlink:href="{href}">',
            svg[title_end:close],
            "</a>\n",
        ]
        position = close
    out.append(svg[position:])
    return "".join(out)
