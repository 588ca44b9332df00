"""A network view as a Mermaid ``flowchart``: nested subgraphs, labelled nodes, links and flows.

Built from the :class:`~netdraft.generator.view.View` (what is drawn), not from the DOT text:
region → VPC → availability zone → subnet are nested ``subgraph`` blocks, every component a
node, every link and every hop of a flow an edge (a flow's first hop carries its label).

Mermaid is strict about what an id and a label may hold, so neither is written as the file
gives it:

- an id is ``nd_`` and the view's id with every character other than a letter, a digit or
  ``_`` made ``_`` (the prefix keeps Mermaid's words, ``end`` or ``graph``, and the edge
  markers ``o`` and ``x`` from ever starting an id); a clash takes a ``_2``, ``_3`` suffix
  in drawing order;
- a label is always double-quoted, and every character Mermaid could read as syntax
  (``"``, ``#``, ``<``, ``>``, ``&``, ``|``, brackets, braces, ``;``, a backtick, a
  backslash) is written as its numeric entity code, ``#35;`` for ``#``; lines are joined
  by ``<br/>``.

Everything is emitted in the view's order, so equal views give byte-identical text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from netdraft.diagnostics import printable
from netdraft.generator.view import Cluster, ClusterKind, Edge, EdgeKind, Mark, Node, NodeKind, View

#: Border and fill of each kind of box (after the AWS architecture icon guide, as the SVG).
CLUSTER_COLOURS: dict[ClusterKind, tuple[str, str]] = {
    ClusterKind.REGION: ("#00A4A6", "#FFFFFF"),
    ClusterKind.VPC: ("#8C4FFF", "#FFFFFF"),
    ClusterKind.AZ: ("#147EBA", "#FFFFFF"),
    ClusterKind.PUBLIC_SUBNET: ("#7AA116", "#F2F8E9"),
    ClusterKind.PRIVATE_SUBNET: ("#00A4A6", "#E8F6F7"),
    ClusterKind.SITE: ("#7D8998", "#F4F5F6"),
    ClusterKind.ECMP: ("#8C4FFF", "#FFFFFF"),
}

#: The node shapes, as Mermaid's opening and closing brackets.
_SHAPES: dict[NodeKind, tuple[str, str]] = {
    NodeKind.INTERNET: ("((", "))"),
    NodeKind.SERVICE: ("[(", ")]"),
    NodeKind.INTERNET_GATEWAY: ("([", "])"),
    NodeKind.EGRESS_ONLY_GATEWAY: ("([", "])"),
    NodeKind.VPN_GATEWAY: ("([", "])"),
    NodeKind.TRANSIT_GATEWAY: ("{{", "}}"),
    NodeKind.PEERING: ("{{", "}}"),
}

#: Mermaid's edge markers by kind of edge.
_ARROWS: dict[EdgeKind, str] = {
    EdgeKind.LINK: "---",
    EdgeKind.FLOW: "-->",
    EdgeKind.FLOW_DENIED: "-.->",
    EdgeKind.HIGHLIGHT: "==>",
    EdgeKind.HIGHLIGHT_RETURN: "-.->",
    EdgeKind.DROPPED: "==>",
}

_SPECIAL = re.compile(r'["#<>&|\[\]{}();`\\]')
_NOT_ID = re.compile(r"[^A-Za-z0-9_]")


def label(lines: Iterable[str]) -> str:
    """A quoted Mermaid label of one or more lines, every special character as an entity."""
    parts = [_SPECIAL.sub(lambda m: f"#{ord(m[0])};", printable(line)) for line in lines]
    return '"' + "<br/>".join(p for p in parts if p) + '"'


class _Ids:
    """Mermaid ids for the view's ids: readable, safe, and distinct."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.taken: set[str] = set()

    def __call__(self, view_id: str) -> str:
        found = self.ids.get(view_id)
        if found is not None:
            return found
        base = "nd_" + _NOT_ID.sub("_", view_id)
        chosen, n = base, 1
        while chosen in self.taken:
            n += 1
            chosen = f"{base}_{n}"
        self.ids[view_id] = chosen
        self.taken.add(chosen)
        return chosen


def _node(node: Node, ids: _Ids, indent: str) -> str:
    opening, closing = _SHAPES.get(node.kind, ("[", "]"))
    lines = [node.title, *node.lines, *node.note.splitlines()]
    if node.down:
        lines.append("down")
    lines += [f"⚠ {code}" for code in node.warnings]
    return f"{indent}{ids(node.id)}{opening}{label(lines)}{closing}"


def _cluster(cluster: Cluster, ids: _Ids, depth: int, out: list[str]) -> None:
    indent = "    " * depth
    title = [cluster.title, *cluster.details(), *cluster.note.splitlines()]
    title += [f"⚠ {code}" for code in cluster.warnings]
    out.append(f"{indent}subgraph {ids(cluster.id)} [{label(title)}]")
    for node in cluster.nodes:
        if node.kind is not NodeKind.SPACER:
            out.append(_node(node, ids, indent + "    "))
    for child in cluster.clusters:
        _cluster(child, ids, depth + 1, out)
    out.append(f"{indent}end")


def edge_colour(edge: Edge, view: View, muted: bool) -> str:
    """The colour an edge is drawn in, as in the SVG (flows grey while a path is highlighted)."""
    from netdraft.generator.diagram import (
        DROPPED,
        FLOW_COLOURS,
        HIGHLIGHT,
        LINK,
        MUTED_FLOW,
    )

    if edge.kind is EdgeKind.LINK:
        return LINK
    if edge.kind in (EdgeKind.FLOW, EdgeKind.FLOW_DENIED):
        if muted:
            return MUTED_FLOW
        index = view.flows.index(edge.group) if edge.group in view.flows else 0
        return FLOW_COLOURS[index % len(FLOW_COLOURS)]
    return DROPPED if edge.kind is EdgeKind.DROPPED else HIGHLIGHT


def mermaid_text(view: View) -> str:
    """The Mermaid ``flowchart`` of a view, as written to a ``.mmd`` file.

    Args:
        view: what to draw.

    Returns:
        The Mermaid text: a title (front matter), the nested subgraphs and nodes, the edges,
        and their styles; deterministic.
    """
    from netdraft.generator.diagram import MARK_COLOURS

    ids = _Ids()
    out: list[str] = []
    if view.title:
        # A JSON string is a YAML double-quoted scalar: any title is safe there.
        out += ["---", f"title: {json.dumps(printable(view.title), ensure_ascii=False)}", "---"]
    out.append("flowchart TB")
    for node in view.nodes:
        if node.kind is not NodeKind.SPACER:
            out.append(_node(node, ids, "    "))
    for cluster in view.clusters:
        _cluster(cluster, ids, 1, out)
    drawn = {n.id for n in view.all_nodes() if n.kind is not NodeKind.SPACER}
    muted = any(e.kind in (EdgeKind.HIGHLIGHT, EdgeKind.DROPPED) for e in view.edges)
    styles: list[str] = []
    index = 0
    # A flow's first hop carries its legend number; Mermaid draws no legend, so the number
    # is followed by what the legend row says (name and monthly cost).
    rows = {str(r.number): r for r in view.legend}
    for edge in view.edges:
        if edge.tail not in drawn or edge.head not in drawn:
            continue
        arrow = _ARROWS[edge.kind]
        words = edge.label
        row = rows.get(words) if edge.kind in (EdgeKind.FLOW, EdgeKind.FLOW_DENIED) else None
        if row is not None:
            words = " · ".join(w for w in (words, row.flow, row.cost) if w)
        text = f"|{label([words])}|" if words else ""
        out.append(f"    {ids(edge.tail)} {arrow}{text} {ids(edge.head)}")
        width = "3px" if edge.kind in (EdgeKind.HIGHLIGHT, EdgeKind.DROPPED) else "2px"
        styles.append(
            f"    linkStyle {index} stroke:{edge_colour(edge, view, muted)},stroke-width:{width}"
        )
        index += 1
    out += styles
    for kind, (stroke, fill) in CLUSTER_COLOURS.items():
        name = kind.value.replace("-", "_")
        out.append(f"    classDef {name} fill:{fill},stroke:{stroke}")
    for mark, colour in MARK_COLOURS.items():
        out.append(f"    classDef mark_{mark.value} stroke:{colour},stroke-width:3px")
    out.append("    classDef down opacity:0.5")
    for cluster in view.all_clusters():
        out.append(f"    class {ids(cluster.id)} {cluster.kind.value.replace('-', '_')}")
        if cluster.mark is not Mark.NONE:
            out.append(f"    class {ids(cluster.id)} mark_{cluster.mark.value}")
    for node in view.all_nodes():
        if node.id not in drawn:
            continue
        if node.mark is not Mark.NONE:
            out.append(f"    class {ids(node.id)} mark_{node.mark.value}")
        if node.down:
            out.append(f"    class {ids(node.id)} down")
    return "\n".join(out) + "\n"
