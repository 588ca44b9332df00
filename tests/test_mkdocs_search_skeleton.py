"""The search index reads a skeleton of each inline picture (issue 20: a warm MkDocs build).

MkDocs's search plugin and Material's read every page's HTML through Python's HTML parser;
for pages with diagrams of hundreds of kilobytes that was most of what the plugin added to a
warm build. The plugin lets them read :func:`search_skeleton` instead (the same elements and
text, without paths, coordinates and icons) and puts the picture back after them. These
tests hold it to what matters: both parsers read the skeleton exactly as the picture, and a
site's pages and search index are byte for byte what they are without the swap.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.contrib.search.search_index import ContentParser

from netdraft import mkdocs_plugin
from netdraft.mkdocs_plugin import (
    NetdraftPlugin,
    _swapped,
    find_fences,
    inline_svg,
    nested_fences,
    search_skeleton,
)
from test_mkdocs_plugin import NETWORK, make_site, page_html, plugin_of, run_build

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HAS_MATERIAL = importlib.util.find_spec("material") is not None

# An SVG with what Graphviz never writes but a parser treats apart: a style sheet (read as
# it is, entities and all), comments and a processing instruction between words, entities,
# a heading (only its id is read), an element the index must leave out, Material's line
# numbers, self-closing elements, upper-case tag names and attributes without values.
TRICKY = (
    '<svg style="max-width:100%" viewBox="0 0 10 10"><style>.a { content: "a &amp; b < c" }'
    '</style><g id="n1" class="node"><title>web&#45;1 &lt;tcp&gt;</title>'
    '<text x="1">left<!-- gone -->right</text><path d="M0 0L1 1"/>'
    '<?pi here?>after the instruction<image xlink:href="data:image/png;base64,AAAA"/>'
    '<foreignObject><h3 id="deep" class="x">A heading</h3><p>kept</p></foreignObject>'
    '<g data-search-exclude="">hidden words</g><div class="linenodiv">12</div>'
    "<LinearGradient Disabled>&amp;&#x41;&nbsp;z</LinearGradient></g>\n  \n</svg>"
)


def _mkdocs_reading(html: str) -> tuple[Any, str]:
    parser = ContentParser()
    parser.feed(html)
    parser.close()
    return [(s.id, s.title, s.text) for s in parser.data], parser.stripped_html


def _material_reading(html: str) -> list[tuple[Any, ...]]:
    from material.plugins.search.plugin import Parser  # type: ignore[import-untyped]

    parser = Parser()
    parser.feed(html)
    parser.close()
    return [(s.el.tag, s.id, s.title, s.text, s.depth) for s in parser.data]


def _pictures() -> list[str]:
    pictures = [
        inline_svg(path.read_text("utf-8"), "ndtest-") for path in sorted(EXAMPLES.glob("*.svg"))
    ]
    assert len(pictures) >= 8
    return [*pictures, TRICKY]


@pytest.mark.parametrize("picture", _pictures(), ids=lambda p: f"{len(p)}-chars")
def test_both_search_parsers_read_the_skeleton_as_the_picture(picture: str) -> None:
    skeleton = search_skeleton(picture, "data-netdraft-index")
    assert len(skeleton) < len(picture)
    around = ('<h2 id="top">Top</h2><p>Before.</p>', '<p>After.</p><h2 id="end">End</h2>')
    full, skeletal = (around[0] + html + around[1] for html in (picture, skeleton))
    assert _mkdocs_reading(skeletal) == _mkdocs_reading(full)
    if HAS_MATERIAL:
        assert _material_reading(skeletal) == _material_reading(full)


def test_the_skeleton_drops_what_no_search_reads() -> None:
    picture = _pictures()[0]
    skeleton = search_skeleton(picture, "data-netdraft-index")
    assert "base64" in picture and "base64" not in skeleton
    assert " d=" not in skeleton and "viewBox" not in skeleton
    assert skeleton.startswith("<svg data-netdraft-index")
    # What the index reads: every title and label of the picture is still there.
    assert skeleton.count("<title>") == picture.count("<title>")
    # Twenty-odd times smaller for a diagram with its icons.
    assert len(skeleton) * 5 < len(picture)


def test_swapped_replaces_in_order_in_one_pass() -> None:
    big = "<svg>" + "x" * 500 + "</svg>"
    other = "<svg>" + "x" * 499 + "y</svg>"  # same first 200 characters: compared whole
    text = f"a{other}b{big}c{big}d"
    assert _swapped(text, [(big, "1"), (big, "2")]) == (f"a{other}b1c2d", 0)
    assert _swapped(text, [(other, "O"), (big, "B")]) == ("aObBc" + big + "d", 0)
    assert _swapped("nothing here", [(big, "1")]) == ("nothing here", 1)


def _site(root: Path, theme: str = "") -> Path:
    pages = {
        "index.md": f"# Home\n\nWords.\n\n```netdraft\n{NETWORK}```\n\n## Two\n\n"
        f'```netdraft highlight="internet www tcp 22"\n{NETWORK}```\n\nAfter.\n',
        "other.md": "# Other\n\nNo diagram.\n",
    }
    site = make_site(root, pages, plugin="  - search\n  - netdraft\n")
    if theme:
        config = site / "mkdocs.yml"
        config.write_text(config.read_text("utf-8") + theme, "utf-8")
    return site


def _built(site: Path) -> dict[str, bytes]:
    run_build(site, strict=True)
    return {
        str(p.relative_to(site / "site")): p.read_bytes()
        for p in sorted((site / "site").rglob("*"))
        if p.is_file() and p.suffix in (".html", ".json")
    }


@pytest.mark.parametrize(
    "theme",
    [
        "",
        pytest.param(
            "theme:\n  name: material\n",
            id="material",
            marks=pytest.mark.skipif(not HAS_MATERIAL, reason="needs mkdocs-material"),
        ),
    ],
)
def test_the_site_and_its_search_index_are_as_without_the_swap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, theme: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # the build date MkDocs writes in each page
    site = _site(tmp_path, theme)
    cold = _built(site)
    warm = _built(site)  # every block from the cache: the skeletons too
    with monkeypatch.context() as patch:
        patch.setattr(NetdraftPlugin, "_searched", lambda self, page: [])
        unswapped = _built(site)
    assert cold == warm == unswapped
    index = next(name for name in warm if name.endswith("search_index.json"))
    # The index has the diagram's words (a title of the picture), not its paths.
    assert b"internet" in warm[index] and b"base64" not in warm[index]
    assert page_html(site).count("<svg") >= 2 and "data-netdraft-index" not in page_html(site)


def test_a_picture_changed_while_indexed_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    plugin = NetdraftPlugin()
    picture = _pictures()[0]
    token = '<svg data-netdraft-picture="ab-0"></svg>'
    plugin._stashed[token] = picture
    plugin._skeletons[token] = search_skeleton(picture, 'data-netdraft-index="ab-0"')
    plugin._on_page["index.md"] = [token]
    page = SimpleNamespace(
        content=f"<p>x</p>{picture}<p>y</p>", file=SimpleNamespace(src_uri="index.md")
    )
    hook: dict[str, Any] = {"page": page, "config": None, "nav": None}
    plugin._before_search({}, **hook)
    assert picture not in page.content and "data-netdraft-index" in page.content
    plugin._after_search({}, **hook)
    assert page.content == f"<p>x</p>{picture}<p>y</p>"
    # Another plugin rewrites the skeleton between the two: the page keeps what it has, and
    # the build says so.
    plugin._on_page["index.md"] = [token]
    plugin._before_search({}, **hook)
    page.content = page.content.replace("<title>", "<title>changed ")
    with caplog.at_level(logging.WARNING):
        plugin._after_search({}, **hook)
    assert "a diagram on it may be missing" in caplog.text


def test_a_picture_with_search_attributes_is_indexed_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Material's plugin rewrites data-search-* attributes: such a skeleton would not be
    # found again, so the plugin never makes one (the picture is indexed as it is).
    real = mkdocs_plugin.inline_svg

    def marked(svg: str, prefix: str) -> str:
        return real(svg, prefix).replace("<g ", '<g data-search-exclude="" ', 1)

    monkeypatch.setattr(mkdocs_plugin, "inline_svg", marked)
    site = _site(tmp_path)
    config = run_build(site, strict=True)
    assert plugin_of(config).renders == 2 and not plugin_of(config)._skeletons
    assert page_html(site).count("data-search-exclude") == 2


_LINES = st.lists(
    st.sampled_from(
        [
            "```netdraft",
            "~~~~ netdraft {embed=file}",
            '```{.netdraft src="a.nd"}',
            "```python",
            "````",
            "```",
            "~~~",
            "> ```netdraft",
            "    ```netdraft",
            "\t```netdraft",
            "- item",
            "1. item",
            '!!! note "n"',
            '=== "tab"',
            "",
            "text netdraft",
            'title "x"',
            ">",
        ]
    ),
    max_size=14,
)


@settings(max_examples=300, deadline=None)
@given(_LINES)
def test_a_page_without_a_candidate_line_has_no_fence(lines: list[str]) -> None:
    markdown = "\n".join(lines) + "\n"
    if find_fences(markdown) or nested_fences(markdown):
        assert mkdocs_plugin._ANY_FENCE.search(markdown) is not None
