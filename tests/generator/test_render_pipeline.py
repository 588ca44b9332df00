"""The render pipeline's fast paths give what the plain ones gave.

- The SVG is made self-contained and decorated in one pass over Graphviz's bytes: the
  result is compared with the passes it replaced (written out here as the oracle: embed
  the icons, then the groups' classes and tooltips, the graph's title, the root's label).
- Graphviz runs on anonymous memory files where the system has them, on pipes elsewhere:
  the same picture, and the same error when it fails.
- Drawing leaves no reference cycle of its own behind (freed at once, not by the collector).
"""

from __future__ import annotations

import base64
import gc
import html
import os
import re
import shutil
import struct
from pathlib import Path

import pytest

from netdraft.api import load_network
from netdraft.generator import diagram, svg
from netdraft.generator.view import view_of

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")

ROOT = Path(__file__).parents[2]
NETWORKS = [
    *sorted((ROOT / "examples").glob("*.nd")),
    ROOT / "examples" / "components" / "failover-scenarios.nd",
]


# --- the passes the one-pass rewrite replaced, as they were -------------------------------

_IMAGE = re.compile(
    r'<image xlink:href="(?P<href>[^"]+)" width="(?P<w>[\d.]+)px" height="(?P<h>[\d.]+)px"'
    r' preserveAspectRatio="(?P<par>[^"]+)" x="(?P<x>[-\d.]+)" y="(?P<y>[-\d.]+)"/>'
)
_GROUP = re.compile(
    r'<g id="(?P<id>[^"]*)" class="(?P<cls>node|cluster|edge)">\n<title>[^<]*</title>'
)
_GRAPH_TITLE = re.compile(r'(<g id="graph0" class="graph"[^>]*>\n<title>)[^<]*(</title>)')


def _old_embed(text: str, *roots: Path) -> str:
    hrefs: dict[str, str] = {}

    def use(match: re.Match[str]) -> str:
        href = match["href"]
        stem = href.removeprefix("resources/").removesuffix(".png")
        hrefs[href] = "icon-" + re.sub(r"[^A-Za-z0-9_-]+", "-", stem)
        return (
            f'<use xlink:href="#{hrefs[href]}" x="{match["x"]}" y="{match["y"]}"'
            f' width="{match["w"]}" height="{match["h"]}"/>'
        )

    body = _IMAGE.sub(use, text)
    symbols = []
    for href in sorted(hrefs):
        data = next(f / href for f in roots if (f / href).is_file()).read_bytes()
        width, height = struct.unpack(">II", data[16:24])
        encoded = base64.b64encode(data).decode("ascii")
        symbols.append(
            f'<symbol id="{hrefs[href]}" viewBox="0 0 {width} {height}"'
            ' preserveAspectRatio="xMidYMid meet">'
            f'<image width="{width}" height="{height}"'
            f' xlink:href="data:image/png;base64,{encoded}"/></symbol>'
        )
    if not symbols:
        return body
    opening = re.search(r"<svg\b[^>]*>", body)
    assert opening is not None
    defs = "\n<defs>\n" + "\n".join(symbols) + "\n</defs>"
    return body[: opening.end()] + defs + body[opening.end() :]


def _old_decorate(text: str, info: dict[str, tuple[str, str]], title: str) -> str:
    def group(match: re.Match[str]) -> str:
        found = info.get(html.unescape(match["id"]))
        if found is None:
            return match[0]
        classes, tip = found
        return (
            f'<g id="{match["id"]}" class="{match["cls"]} {classes}">\n'
            f"<title>{tip or match['id']}</title>"
        )

    body = _GROUP.sub(group, text)
    body = _GRAPH_TITLE.sub(lambda m: f"{m[1]}{title}{m[2]}", body, count=1)
    opening = f'<svg role="img" aria-label="{title}" class="netdraft"'
    return re.sub(r"<svg\b", lambda _: opening, body, count=1)


def _graphviz_svg(view: object) -> bytes:
    roots = diagram._icon_roots()
    built = diagram._build(view, "diagram", "svg")  # type: ignore[arg-type]
    built.dot.graph_attr["imagepath"] = os.pathsep.join(str(f) for f in roots)
    source = str(built.dot.source).encode("utf-8")
    code, out, err = diagram._run([diagram._dot_program(), "-Kdot", "-Tsvg"], source, roots[0])
    assert code == 0, err
    return out


@pytest.mark.parametrize("path", NETWORKS, ids=lambda p: p.name)
def test_one_pass_gives_the_bytes_of_the_passes_it_replaced(path: Path) -> None:
    view = view_of(load_network(path))
    raw = _graphviz_svg(view)
    roots = diagram._icon_roots()
    title = html.escape(view.title or "network diagram", quote=True)
    expected = _old_decorate(_old_embed(raw.decode("utf-8"), *roots), svg._classes(view), title)
    assert svg.self_contained(raw, view, roots) == expected.encode("utf-8")
    # Each half alone, as the str functions other callers use.
    assert svg.embed_icons(raw.decode("utf-8"), *roots) == _old_embed(raw.decode(), *roots)
    decorated = _old_decorate(raw.decode("utf-8"), svg._classes(view), title)
    assert svg.decorate(raw.decode("utf-8"), view) == decorated


def test_a_document_whose_root_or_title_comes_after_a_group_is_rewritten_the_same() -> None:
    """The root's tag and the title are looked for before the first group or icon, where
    the pass changes nothing; a text that has them later (not Graphviz's order) is
    rewritten first and searched after, as before."""
    view = view_of(load_network(NETWORKS[0]))
    raw = _graphviz_svg(view)
    roots = diagram._icon_roots()
    title = html.escape(view.title or "network diagram", quote=True)
    group = _GROUP.search(raw.decode("utf-8"))
    icon = _IMAGE.search(raw.decode("utf-8"))
    assert group is not None and icon is not None
    for early in (group[0], icon[0], group[0] + "<svg"):
        doc = early + "\n" + raw.decode("utf-8")
        expected = _old_decorate(_old_embed(doc, *roots), svg._classes(view), title)
        assert svg.self_contained(doc.encode("utf-8"), view, roots) == expected.encode("utf-8")
    with pytest.raises(ValueError, match="not an SVG document"):
        svg.embed_icons(icon[0] + "\n<g>no root</g>\n", *roots)


def test_an_id_graphviz_escapes_otherwise_is_still_found() -> None:
    """``&#45;`` is undone by a replacement; any other reference by ``html.unescape``."""
    assert svg._unescape("vpc&#45;a__web&#45;1") == "vpc-a__web-1"
    assert svg._unescape("a&amp;b&#45;c") == "a&b-c"
    assert svg._unescape("a&#160;b") == "a\xa0b"


@pytest.mark.parametrize(
    "image",
    [b'<image xlink:href="x.png"/>', b"<imagefoo", b'<image width="1px" xlink:href="a.png"/>'],
)
def test_an_image_not_in_graphviz_form_is_refused_and_left_alone_when_not_embedding(
    image: bytes,
) -> None:
    """Found in the one pass (as the third form it matches), after a well-formed icon."""
    icon = (
        b'<image xlink:href="resources/aws/compute/ec2.png" width="44px" height="44px"'
        b' preserveAspectRatio="xMinYMin meet" x="1" y="2"/>'
    )
    doc = b"<svg>\n" + icon + b"\n" + image + b"\n</svg>\n"
    with pytest.raises(ValueError, match="an image netdraft cannot embed"):
        svg.embed_icons(doc.decode(), *diagram._icon_roots())
    assert svg._rewrite(doc, None, None) == doc
    assert svg.embed_icons((b"<svg>\n" + icon + b"\n</svg>\n").decode(), *diagram._icon_roots())


def test_graphviz_on_pipes_draws_the_same_and_fails_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view = view_of(load_network(NETWORKS[0]))
    on_memory = diagram.image_bytes(view, "svg")
    broken = b"digraph { a -> }"
    command = [diagram._dot_program(), "-Tsvg"]
    code, _, err = diagram._run(command, broken, Path.cwd())
    monkeypatch.delattr(os, "memfd_create", raising=False)
    assert diagram.image_bytes(view, "svg") == on_memory
    assert diagram._run(command, broken, Path.cwd()) == (code, b"", err)
    assert code != 0 and b"syntax error" in err


def _garbage_of_a_render(folder: Path) -> list[object]:
    """What a second render of a network leaves to the collector (the first warms caches)."""
    network = load_network(NETWORKS[3])
    diagram.render(network, folder / "warm.svg")
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    try:
        diagram.render(network, folder / "net.svg")
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        return list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if collecting:
            gc.enable()


def test_a_render_leaves_no_cycle_of_its_own_to_the_collector(tmp_path: Path) -> None:
    garbage = _garbage_of_a_render(tmp_path)
    kinds = {type(o).__qualname__ for o in garbage}
    functions = {o.__qualname__ for o in garbage if callable(o)}
    assert not {"_Node", "_Cluster"} & kinds
    assert not any(f.startswith(("_build.", "_classes.")) for f in functions)


def test_a_render_leaves_nothing_to_the_collector(tmp_path: Path) -> None:
    # The simulator once kept its own bound methods, a cycle that held it, its tables and
    # its traces until the collector's next pass.
    kinds = sorted({type(o).__qualname__ for o in _garbage_of_a_render(tmp_path)})
    assert kinds == []
