"""Review of the search skeleton (issue 20): HTML the skeleton once read differently from
the picture, a picture changed by another plugin before the search plugins read the page,
cache entries from before the skeleton, and the package fingerprint against the pathlib
implementation it replaced."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from netdraft import cache
from netdraft.mkdocs_plugin import NetdraftPlugin, search_skeleton
from test_mkdocs_plugin import page_html, plugin_of, run_build
from test_mkdocs_search_skeleton import (
    HAS_MATERIAL,
    _built,
    _material_reading,
    _mkdocs_reading,
    _pictures,
    _site,
)

AROUND = ('<h2 id="top">Top</h2><p>Before.</p>', '<p>After.</p><h2 id="end">End</h2>')

# Each was read differently from its skeleton by both search parsers (or by Material's).
READ_APART = {
    # The parser hands "<" that opens no tag as a text of its own; both parsers keep the
    # pieces apart (MkDocs's joins them with spaces): one escaped text was another reading.
    "a lone <": "<svg><text>a < b</text></svg>",
    "< before a digit": "<svg><text>1 <3 2</text></svg>",
    "< at the end": "<svg><text>x</text>< </svg>",
    "an empty end tag": "<svg><text>a </> c</text></svg>",
    # A heading's bare id is None to both parsers, not "".
    "a bare heading id": "<svg><foreignObject><h2 id>Head</h2><p>x</p></foreignObject></svg>",
    # The mark went inside the tag's name ("<svg MARK:svg>").
    "a tag name with a colon": "<svg:svg><svg:text>x</svg:text></svg:svg>",
    # Text before the first element: the skeleton was an empty <svg>.
    "text before the first element": "\n<svg><text>x</text></svg>",
}


def _reads_alike(picture: str, skeleton: str) -> None:
    full, skeletal = (AROUND[0] + html + AROUND[1] for html in (picture, skeleton))
    assert _mkdocs_reading(skeletal) == _mkdocs_reading(full)
    if HAS_MATERIAL:
        assert _material_reading(skeletal) == _material_reading(full)


@pytest.mark.parametrize("picture", READ_APART.values(), ids=READ_APART.keys())
def test_the_skeleton_is_read_as_the_picture(picture: str) -> None:
    skeleton = search_skeleton(picture, "data-netdraft-index")
    assert "data-netdraft-index" in skeleton
    _reads_alike(picture, skeleton)


@pytest.mark.parametrize(
    "picture",
    [
        "<svg><text>x</text><!-- never closed",  # the page's text after it is a comment
        "<svg><style>.a { fill: red }",  # ... or a style sheet
        '<svg><text>x</text><g class="a',  # ... or a tag
        "just text, no element",
    ],
)
def test_a_picture_unfinished_at_its_end_has_no_skeleton(picture: str) -> None:
    assert search_skeleton(picture, "data-netdraft-index") == ""


def test_real_pictures_still_get_a_skeleton() -> None:
    for picture in _pictures():
        skeleton = search_skeleton(picture, "data-netdraft-index")
        assert skeleton.startswith("<svg data-netdraft-index")
        _reads_alike(picture, skeleton)


def _page(plugin: NetdraftPlugin, picture: str, content: str) -> dict[str, Any]:
    token = '<svg data-netdraft-picture="ab-0"></svg>'
    plugin._stashed[token] = picture
    plugin._skeletons[token] = search_skeleton(picture, 'data-netdraft-index="ab-0"')
    plugin._on_page["index.md"] = [token]
    page = SimpleNamespace(content=content, file=SimpleNamespace(src_uri="index.md"))
    return {"page": page, "config": None, "nav": None}


def test_a_picture_changed_before_the_search_plugins_is_no_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A plugin after netdraft's on_page_content rewrites the picture (lazy loading, a
    # minifier, a lightbox): the picture is not swapped, so nothing is missing after the
    # search plugins, and a --strict build must not fail on a warning about it.
    plugin = NetdraftPlugin()
    picture = _pictures()[0]
    changed = picture.replace("<svg ", '<svg loading="lazy" ', 1)
    hook = _page(plugin, picture, f"<p>x</p>{changed}<p>y</p>")
    with caplog.at_level(logging.WARNING):
        plugin._before_search({}, **hook)
        assert hook["page"].content == f"<p>x</p>{changed}<p>y</p>"
        plugin._after_search({}, **hook)
    assert hook["page"].content == f"<p>x</p>{changed}<p>y</p>"
    assert "may be missing" not in caplog.text


def test_a_cache_entry_without_a_skeleton_is_computed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    monkeypatch.delenv("NETDRAFT_NO_CACHE", raising=False)  # the suite turns it off
    site = _site(tmp_path)
    config = run_build(site, strict=True)
    first = page_html(site)
    plugin = plugin_of(config)
    entries = sorted((site / ".cache").rglob("*.block.json"))
    assert len(entries) == 2
    for entry in entries:  # as a build before the skeleton wrote them, sealed again
        data = json.loads(entry.read_text("utf-8"))
        del data["skeleton"]
        entry.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        plugin._seal(entry)
    replayed: list[object] = []
    real = NetdraftPlugin._replayed

    def spied(self: NetdraftPlugin, key: str) -> object:
        replayed.append(real(self, key))
        return replayed[-1]

    monkeypatch.setattr(NetdraftPlugin, "_replayed", spied)
    again = plugin_of(run_build(site, strict=True))
    assert replayed == [None, None] and len(again._skeletons) == 2  # computed, no crash
    assert page_html(site) == first
    replayed.clear()
    run_build(site, strict=True)  # kept again, with their skeletons
    assert len(replayed) == 2 and all(found is not None for found in replayed)
    assert page_html(site) == first


def _pathlib_fingerprint(package: Path) -> str:
    """The implementation package_fingerprint had before os.walk (the reference)."""
    digest = hashlib.sha256()
    for file in sorted(package.rglob("*")):
        if (
            file.is_file()
            and "__pycache__" not in file.relative_to(package).parts
            and file.suffix not in (".pyc", ".pyo")
        ):
            digest.update(file.relative_to(package).as_posix().encode() + b"\0")
            digest.update(file.read_bytes())
    return digest.hexdigest()


def test_the_fingerprint_is_the_pathlib_one(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    files = {
        "a.py": "a",
        ".hidden": "h",
        ".pyc": "a file named like byte code's suffix only",
        "__pycache__": "a file named like the byte code folder",
        "x.pyc": "byte code",
        "b/__init__.py": "b",
        "b/c/d.txt": "d",
        "b/__pycache__/e.pyc": "gone",
        "b-c": "sorts between b and b/...",
        "b.d/f": "a folder named like a file",
        "ü/é.png": "non-ASCII",
    }
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, "utf-8")
    os.symlink(package / "a.py", package / "link.py")  # a link to a file: read
    os.symlink(package / "b", package / "linked-folder")  # to a folder: not walked
    os.symlink(package / "missing", package / "broken")
    assert cache.package_fingerprint(package) == _pathlib_fingerprint(package)
    real = Path(cache.__file__).parent
    assert cache.package_fingerprint(real) == _pathlib_fingerprint(real)


def test_the_warm_build_takes_its_skeletons_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # test_the_site_and_its_search_index_are_as_without_the_swap ran with the suite's
    # NETDRAFT_NO_CACHE: its "warm" build computed every block again. Here, with the cache.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    monkeypatch.delenv("NETDRAFT_NO_CACHE", raising=False)
    site = _site(tmp_path)
    cold = _built(site)
    config = run_build(site, strict=True)
    assert (plugin_of(config).reused, plugin_of(config).renders) == (2, 0)
    assert len(plugin_of(config)._skeletons) == 2
    assert _built(site) == cold
    with monkeypatch.context() as patch:
        patch.setattr(NetdraftPlugin, "_searched", lambda self, page: [])
        assert _built(site) == cold


NESTED_SITE = """site_name: test
theme:
  name: material
plugins:
  - search
  - netdraft
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.superfences:
      custom_fences:
        - name: netdraft
          class: netdraft
          format: !!python/name:netdraft.mkdocs_plugin.fence_format
          validator: !!python/name:netdraft.mkdocs_plugin.fence_validator
"""


@pytest.mark.skipif(not HAS_MATERIAL, reason="needs mkdocs-material")
def test_identical_and_nested_diagrams_index_as_without_the_swap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_mkdocs_plugin import NETWORK

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    monkeypatch.delenv("NETDRAFT_NO_CACHE", raising=False)
    body = "".join(f"    {line}\n" for line in NETWORK.splitlines())
    fence = f"```netdraft\n{NETWORK}```\n"
    page = (
        f"# Home\n\n{fence}\nBetween.\n\n{fence}\n"  # the same diagram twice
        f'!!! note "A note"\n\n    ```netdraft\n{body}    ```\n\n'
        f'=== "Tab one"\n\n    ```netdraft\n{body}    ```\n\n'
        f'=== "Tab two"\n\n    Words.\n\n'
        f"- item\n\n    ```netdraft\n{body}    ```\n\n"
        f"## Last\n\n{fence}"
    )
    (tmp_path / "mkdocs.yml").write_text(NESTED_SITE, "utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(page, "utf-8")
    cold = _built(tmp_path)
    config = run_build(tmp_path, strict=True)
    assert len(plugin_of(config)._skeletons) == 6
    assert _built(tmp_path) == cold
    with monkeypatch.context() as patch:
        patch.setattr(NetdraftPlugin, "_searched", lambda self, page: [])
        assert _built(tmp_path) == cold
    assert page_html(tmp_path).count('<svg style="max-width:100%') == 6


def test_the_prefilter_is_linear_on_a_long_run_of_backticks() -> None:
    # `{3,} then [^\n]* both took the run: every split of it was tried (quadratic). The
    # scans behind it are linear; 200 000 backticks took seconds.
    import time

    from netdraft import mkdocs_plugin

    line = "`" * 200_000 + "\n" + "~" * 200_000 + "\n"
    started = time.perf_counter()
    assert mkdocs_plugin._ANY_FENCE.search(line) is None
    assert time.perf_counter() - started < 0.5
    assert mkdocs_plugin._ANY_FENCE.search("x\n> > ~~~~{ .netdraft }\n") is not None


@pytest.mark.skipif(not HAS_MATERIAL, reason="needs mkdocs-material")
@pytest.mark.parametrize(
    "added",
    [
        # Graphviz writes "-" in a title as &#45; and a quote as &quot;: the picture has no
        # "data-search", its skeleton's text had, and Material's plugin took it out of the
        # page (re.sub of data-search-*="..."): the skeleton was not found again.
        "<text>data&#45;search&#45;note=&quot;yes&quot;</text>",
        # An attribute the parser reads in lower case: data-search-* in the skeleton only.
        '<g DATA-SEARCH-BOOST="2"><text>boosted</text></g>',
    ],
    ids=["entities", "upper-case"],
)
def test_a_skeleton_material_would_rewrite_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, added: str
) -> None:
    from netdraft import mkdocs_plugin

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    real = mkdocs_plugin.inline_svg

    def with_text(svg: str, prefix: str) -> str:
        picture = real(svg, prefix)
        return picture[: picture.rindex("</svg>")] + added + "</svg>"

    monkeypatch.setattr(mkdocs_plugin, "inline_svg", with_text)
    site = _site(tmp_path, "theme:\n  name: material\n")
    with caplog.at_level(logging.WARNING):
        swapped = _built(site)
    assert "may be missing" not in caplog.text
    with monkeypatch.context() as patch:
        patch.setattr(NetdraftPlugin, "_searched", lambda self, page: [])
        assert _built(site) == swapped
    assert page_html(site).count(added) == 2


@pytest.mark.skipif(not HAS_MATERIAL, reason="needs mkdocs-material")
def test_a_blog_and_its_excerpts_are_as_without_the_swap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_mkdocs_plugin import NETWORK

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    monkeypatch.delenv("NETDRAFT_NO_CACHE", raising=False)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: test\ntheme:\n  name: material\nplugins:\n  - search\n  - blog\n  - netdraft\n",
        "utf-8",
    )
    posts = tmp_path / "docs" / "blog" / "posts"
    posts.mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text("# Home\n", "utf-8")
    (tmp_path / "docs" / "blog" / "index.md").write_text("# Blog\n", "utf-8")
    for number in (1, 2):
        (posts / f"post{number}.md").write_text(
            f"---\ndate: 2024-01-0{number}\n---\n\n# Post {number}\n\n"
            f"```netdraft\n{NETWORK}```\n\n<!-- more -->\n\nRest.\n\n"
            f"```netdraft\n{NETWORK}```\n",
            "utf-8",
        )
    cold = _built(tmp_path)
    assert _built(tmp_path) == cold
    with monkeypatch.context() as patch:
        patch.setattr(NetdraftPlugin, "_searched", lambda self, page: [])
        assert _built(tmp_path) == cold
    view = (tmp_path / "site" / "blog" / "index.html").read_text("utf-8")
    assert view.count('<svg style="max-width:100%') == 2  # one in each post's excerpt
    assert "data-netdraft" not in view
