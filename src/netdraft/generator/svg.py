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

import base64
import functools
import html
import re
import struct
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from netdraft.diagnostics import printable
from netdraft.generator.view import Cluster, ClusterKind, EdgeKind, Mark, Node, NodeKind, View

_SVG_OPEN = re.compile(rb"<svg\b")
#: What the id of a box's header node ends with (after the box's id): the diagram draws
#: each box's title, lines and badge as a node of its own, which gets the box's tooltip,
#: its kind's class and ``nd-header``, and its link.
HEADER_SUFFIX = "__header"
_GRAPH_TITLE = re.compile(rb'(<g id="graph0" class="graph"[^>]*>\n<title>)[^<]*(</title>)')


_SPECIAL = re.compile(r"[&<>\"']")


def _text(value: str) -> str:
    if value.isprintable() and not _SPECIAL.search(value):
        return value  # what printable() and html.escape() would give back: most lines
    return html.escape(printable(value), quote=True)


def _tooltip(lines: Iterable[str]) -> str:
    shown = [line for line in lines if line]
    joined = "".join(shown)
    if joined.isprintable() and not _SPECIAL.search(joined):
        return "\n".join(shown)  # nothing to escape in any line: one test for them all
    return "\n".join(_text(line) for line in shown)


#: Each kind's class (``nd-instance``), looked up rather than made for every component.
_KIND_CLASS = {
    kind: f"nd-{kind.value}" for kinds in (NodeKind, ClusterKind, EdgeKind) for kind in kinds
}
_MARK_CLASS = {mark: f"nd-mark-{mark.value}" for mark in Mark}


def _classes(view: View) -> dict[str, tuple[str, str]]:
    """Each drawn id: its extra classes and its tooltip (escaped)."""
    out: dict[str, tuple[str, str]] = {}
    subnets = (ClusterKind.PUBLIC_SUBNET, ClusterKind.PRIVATE_SUBNET)

    def add(node: Node, subnet: str) -> None:
        names = [_KIND_CLASS[node.kind]]
        if node.mark is not Mark.NONE:
            names.append(_MARK_CLASS[node.mark])
        tip = [node.title, *node.lines]
        if node.note:
            tip += node.note.splitlines()
        if node.down:
            names.append("nd-down")
            tip.append("down")
        if node.warnings:
            names.append("nd-warning")
            tip += [f"warning: {code}" for code in node.warnings]
        if node.external:
            names.append("nd-external")
        text = _tooltip(tip)
        if subnet and node.kind is not NodeKind.SPACER:
            text = f"{text}\n{subnet}" if text else subnet
        out[node.id] = (" ".join(names), text)

    for node in view.nodes:
        add(node, "")
    # The boxes depth first, in order, from a stack (a recursive closure would be a
    # reference cycle, which keeps all this alive until the collector's next pass).
    stack: list[tuple[Cluster, str]] = [(c, "") for c in reversed(view.clusters)]
    while stack:
        cluster, subnet = stack.pop()
        kind = _KIND_CLASS[cluster.kind]
        names = [kind]
        if cluster.mark is not Mark.NONE:
            names.append(_MARK_CLASS[cluster.mark])
        tip = [cluster.title, *cluster.details()]
        if cluster.note:
            tip += cluster.note.splitlines()
        if cluster.warnings:
            names.append("nd-warning")
            tip += [f"warning: {code}" for code in cluster.warnings]
        text = _tooltip(tip)
        out[cluster.id] = (" ".join(names), text)
        # Its header: the box's kind and tooltip (the marks are the box's own frame's).
        out[cluster.id + HEADER_SUFFIX] = (f"{kind} nd-header", text)
        if cluster.kind in subnets:
            # What every node in the subnet ends its tooltip with, escaped once.
            subnet = _tooltip([f"subnet {cluster.title}", *cluster.details()])
        for node in cluster.nodes:
            add(node, subnet)
        stack += [(child, subnet) for child in reversed(cluster.clusters)]
    numbers = {name: i for i, name in enumerate(view.flows, 1)}
    for edge in view.edges:
        names = [_KIND_CLASS[edge.kind]]
        if edge.kind in (EdgeKind.FLOW, EdgeKind.FLOW_DENIED) and edge.group in numbers:
            names.append(f"nd-flow-{numbers[edge.group]}")
        label = edge.label or (f"flow {edge.group}" if edge.group else "")
        out[edge.id] = (" ".join(names), _tooltip([label]))
    return out


def _unescape(value: str) -> str:
    """An id as Graphviz escaped it in the SVG, as the view has it: Graphviz writes every
    ``-`` as ``&#45;``, which a plain replacement undoes at a fraction of the cost of
    :func:`html.unescape` (used when some other reference is left)."""
    plain = value.replace("&#45;", "-")
    return html.unescape(value) if "&" in plain else plain


#: In one pass over Graphviz's SVG: a node's, box's or edge's opening and its ``<title>``,
#: or an ``<image>`` of an icon (in the form Graphviz writes it), or any other ``<image``
#: (which cannot be embedded: found in the same pass, not by a search of the whole text
#: after it; one inside a group's id, which the first form takes in, is looked for there).
#: On the UTF-8 bytes: the text is never decoded and encoded again, and none of
#: it is Unicode-specific.
_PIECE = re.compile(
    rb'<g id="([^"]*)" class="(node|cluster|edge)">\n<title>[^<]*</title>'
    rb'|<image xlink:href="([^"]+)" width="([0-9.]+)px" height="([0-9.]+)px"'
    rb' preserveAspectRatio="[^"]+" x="([-0-9.]+)" y="([-0-9.]+)"/>'
    rb"|<image"
)
_SVG_TAG = re.compile(rb"<svg\b[^>]*>")


def _icon_id(href: str) -> str:
    stem = href.removeprefix("resources/").removesuffix(".png")
    return "icon-" + re.sub(r"[^A-Za-z0-9_-]+", "-", stem)


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("an icon is not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


@functools.lru_cache(maxsize=512)
def _symbol(href: str, roots: tuple[Path, ...]) -> bytes:
    """An icon as a ``<symbol>`` holding its PNG in base64, read from the first of ``roots``
    that has it. Icons are files of the installed packages (``diagrams``', netdraft's own),
    which do not change while a process runs: each is read and encoded once per process
    (a documentation build draws many pictures with the same icons)."""
    found = [f / href for f in roots if (f / href).is_file()]
    data = (found[0] if found else roots[0] / href).read_bytes()
    width, height = _png_size(data)
    return (
        (
            f'<symbol id="{_icon_id(href)}" viewBox="0 0 {width} {height}"'
            ' preserveAspectRatio="xMidYMid meet">'
            f'<image width="{width}" height="{height}" xlink:href="data:image/png;base64,'
        ).encode()
        + base64.b64encode(data)
        + b'"/></symbol>'
    )


def _rewrite(svg: bytes, view: View | None, roots: Sequence[Path] | None) -> bytes:
    """Graphviz's SVG with its icons embedded (``roots``: where their paths resolve) and
    decorated for ``view`` (see :func:`decorate`), each when asked for, in one pass over
    the text: a regular expression finds every group's title and every icon, and the
    document is put together in one join."""
    info = _classes(view) if view is not None else {}
    icons: dict[bytes, bytes] = {}

    def piece(match: re.Match[bytes]) -> bytes:
        gid, cls, href, width, height, x, y = match.groups()
        if gid is None and href is None:  # an image not in the form Graphviz writes
            if roots is not None:
                raise ValueError("the SVG holds an image netdraft cannot embed")
            return match[0]
        if href is not None:
            if roots is None:
                return match[0]
            ident = icons.get(href)
            if ident is None:
                ident = icons[href] = _icon_id(href.decode()).encode()
            return b'<use xlink:href="#%s" x="%s" y="%s" width="%s" height="%s"/>' % (
                ident,
                x,
                y,
                width,
                height,
            )
        if roots is not None and b"<image" in gid:  # matched with the group: look inside
            raise ValueError("the SVG holds an image netdraft cannot embed")
        found = info.get(_unescape(gid.decode()))
        if found is None:  # an invisible layout edge, or no view
            return match[0]
        classes, tip = found
        return b'<g id="%s" class="%s %s">\n<title>%s</title>' % (
            gid,
            cls,
            classes.encode(),
            tip.encode() if tip else gid,
        )

    # The pieces between the matches are slices of Graphviz's text, not copies: the one
    # join at the end copies each byte once (a substitution made the whole text again,
    # which the edits below then copied a second time).
    whole = memoryview(svg)
    pieces: list[bytes | memoryview] = []
    position = 0
    for match in _PIECE.finditer(svg):
        start, end = match.span()
        pieces += [whole[position:start], piece(match)]
        position = end
    pieces.append(whole[position:])
    # The edits (see _edits) are found in the text before the first piece, which the pass
    # leaves as it is: found there, they are what they would be in the rewritten text.
    head = len(pieces[0])
    edits = _edits(svg, view, roots, icons, head)
    if edits is None:  # not all of them there (not Graphviz's SVG): in the rewritten text
        body = b"".join(pieces)
        edits = _edits(body, view, roots, icons, len(body))
        assert edits is not None
        pieces, head = [memoryview(body)], len(body)
    first = pieces[0]
    parts: list[bytes | memoryview] = []
    position = 0
    for start, end, text in sorted(edits, key=lambda edit: edit[:2]):
        parts += [first[position:start], text]
        position = end
    parts.append(first[position:])
    return b"".join(parts + pieces[1:])


def _edits(
    text: bytes,
    view: View | None,
    roots: Sequence[Path] | None,
    icons: Mapping[bytes, bytes],
    head: int,
) -> list[tuple[int, int, bytes]] | None:
    """What goes where once the groups and images are done, as (start, end, text) edits of
    ``text``: the icons after the root's opening tag, the graph's title, the root's
    attributes. Each is looked for in ``text[:head]`` only (the rest may be rewritten yet):
    None when one is not found whole there and ``head`` is not the whole text.

    Raises:
        ValueError: icons to embed, and the whole ``text`` has no root ``<svg>`` tag.
    """
    whole = head >= len(text)

    def found(match: re.Match[bytes] | None, end: int = 0) -> bool | None:
        """Whether the match is there (None: not known from the head alone)."""
        if whole:
            return match is not None
        if match is None or max(match.end(), end) > head:
            return None
        return True

    edits: list[tuple[int, int, bytes]] = []
    if icons:
        opening = _SVG_TAG.search(text)
        there = found(opening)
        if there is None:
            return None
        if opening is None:
            raise ValueError("not an SVG document")
        where = tuple(roots or ())
        symbols = b"\n".join(_symbol(href, where) for href in sorted(i.decode() for i in icons))
        edits.append((opening.end(), opening.end(), b"\n<defs>\n" + symbols + b"\n</defs>"))
    if view is not None:
        title = _text(view.title or "network diagram")
        named = _GRAPH_TITLE.search(text)
        there = found(named)
        if there is None:
            return None
        if named is not None:
            edits.append((named.end(1), named.start(2), title.encode()))
        root = _SVG_OPEN.search(text)
        # ``\b`` looks at the character after the match: it must be in the head too.
        there = found(root, root.end() + 1 if root is not None else 0)
        if there is None:
            return None
        if root is not None:
            opening_text = f'<svg role="img" aria-label="{title}" class="netdraft"'
            edits.append((root.start(), root.end(), opening_text.encode()))
    return edits


def decorate(svg: str, view: View) -> str:
    """Graphviz's SVG of a view with its label, tooltips and classes (see the module).

    Args:
        svg: the SVG Graphviz wrote for the view's DOT text.
        view: the view it was drawn from.

    Returns:
        The SVG, otherwise unchanged.
    """
    return _rewrite(svg.encode("utf-8"), view, None).decode("utf-8")


def embed_icons(svg: str, folder: Path, *more: Path) -> str:
    """Embed every icon an SVG links to once, in ``<defs>``, and refer to it with ``<use>``.

    Args:
        svg: Graphviz's SVG output, whose ``<image>`` elements link to icon files.
        folder: where the relative icon paths resolve; ``more``: where else, in order.

    Returns:
        The SVG with no link to a file.

    Raises:
        ValueError: an image is not in the form Graphviz writes, or not a PNG.
    """
    return _rewrite(svg.encode("utf-8"), None, (folder, *more)).decode("utf-8")


def self_contained(svg: bytes, view: View, roots: Sequence[Path]) -> bytes:
    """``decorate(embed_icons(svg, *roots), view)`` on Graphviz's output as it comes (UTF-8),
    in one pass over it: what every SVG netdraft draws goes through.

    Raises:
        ValueError: an image is not in the form Graphviz writes, or not a PNG.
    """
    return _rewrite(svg, view, roots)


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
