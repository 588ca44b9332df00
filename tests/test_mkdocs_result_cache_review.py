"""Review of the MkDocs plugin's block results: what a hit must still notice, and what the
placeholders of inline pictures must not touch."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.test_mkdocs_plugin import NETWORK, make_site, page_html, plugin_of, run_build

from netdraft import mkdocs_plugin


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite runs with ``NETDRAFT_NO_CACHE`` (tests/conftest.py), which turns this off."""
    monkeypatch.delenv("NETDRAFT_NO_CACHE", raising=False)


def test_an_included_link_pointed_elsewhere_is_checked_again(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            "index.md": '# Home\n\n```netdraft {src="net.nd"}\n```\n',
            "net.nd": 'include "part.nd"\n',
            "a.nd": NETWORK,
            "b.nd": NETWORK.replace('"Tiny"', '"Renamed"'),
        },
    )
    link = site / "docs" / "part.nd"
    link.symlink_to("a.nd")
    run_build(site, strict=True)
    assert "Tiny" in page_html(site)
    link.unlink()
    link.symlink_to("b.nd")  # the same name, another file: the block includes other text
    config = run_build(site, strict=True)
    assert "Renamed" in page_html(site) and plugin_of(config).renders == 1


def test_a_price_link_pointed_elsewhere_is_checked_again(tmp_path: Path) -> None:
    network = 'prices "prices.toml"\n' + NETWORK.replace(
        "instance www in web", "instance www in web\n    nat-gateway nat in web"
    )
    site = make_site(
        tmp_path,
        {
            "index.md": '# Home\n\n```netdraft {src="net.nd" docs=true}\n```\n',
            "net.nd": network,
            "cheap.toml": "nat_gateway_per_hour = 0.0123\n",
            "dear.toml": "nat_gateway_per_hour = 0.0456\n",
        },
    )
    link = site / "docs" / "prices.toml"
    link.symlink_to("cheap.toml")
    run_build(site, strict=True)
    assert "0.0123 (prices.toml)" in page_html(site)
    link.unlink()
    link.symlink_to("dear.toml")
    run_build(site, strict=True)
    assert "0.0456 (prices.toml)" in page_html(site)


def test_a_result_that_cannot_be_kept_is_not_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache the build may read but not write (a read-only folder restored in CI): the
    drawing is found, the block's new result cannot be kept, and the page is built."""
    site = make_site(tmp_path, {"index.md": f"# Home\n\n```netdraft\n{NETWORK}```\n"})
    run_build(site, strict=True)
    page = site / "docs" / "index.md"
    page.write_text("# Home\n\nA line more.\n\n" + page.read_text("utf-8")[len("# Home\n\n") :])
    real = mkdocs_plugin.write_atomic

    def refused(path: str | Path, data: str | bytes, *, durable: bool = True) -> None:
        if str(path).startswith(str(site / ".cache")):
            raise PermissionError(13, "Permission denied", str(path))
        real(path, data, durable=durable)

    monkeypatch.setattr(mkdocs_plugin, "write_atomic", refused)
    config = run_build(site, strict=True)
    assert plugin_of(config).reused == 1 and "<svg" in page_html(site)


def test_the_source_shown_may_hold_what_an_inline_picture_starts_with(tmp_path: Path) -> None:
    opening = '<svg style="max-width:100%;height:auto"'
    network = f"# drawn as {opening} ... </svg>\n{NETWORK}"
    site = make_site(
        tmp_path, {"index.md": f"# Home\n\n```netdraft {{source=true}}\n{network}```\n"}
    )
    run_build(site, strict=True)
    html = page_html(site)
    assert "data-netdraft-picture" not in html
    assert 'max-width:100%;height:auto"' in html and "Tiny" in html
    assert "# drawn as &lt;svg" in html


def test_a_blog_excerpt_shows_the_picture(tmp_path: Path) -> None:
    """Material's blog plugin converts a post's Markdown again for its index and archive
    pages: the placeholders in it are put back there too."""
    pytest.importorskip("material")
    post = f"---\ndate: 2026-12-01\n---\n\n# A post\n\n```netdraft\n{NETWORK}```\n\n<!-- more -->\n"
    pages = {"index.md": "# Home\n", "blog/index.md": "# Blog\n", "blog/posts/one.md": post}
    site = make_site(tmp_path, pages, plugin="  - blog\n  - netdraft\n")
    config = site / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "theme:\n  name: material\n", "utf-8")
    run_build(site)
    built = sorted((site / "site" / "blog").rglob("index.html"))
    assert len(built) == 3  # the post, the blog's index and its archive
    for page in built:
        html = page.read_text("utf-8")
        assert "data-netdraft-picture" not in html, page
        assert html.count('<svg style="max-width:100%;height:auto"') == 1, page
