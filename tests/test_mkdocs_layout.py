"""The MkDocs plugin in a page's layout: blocks in lists and admonitions (superfences), the
full-size link, its own stylesheet, errors in the content column, the title said once."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from netdraft.mkdocs_plugin import (
    CSS_NAME,
    FULL_SIZE,
    fence_format,
    fence_validator,
    find_fences,
    nested_fences,
)
from test_mkdocs_plugin import NETWORK, make_site, page_html, plugin_of, run_build

# The stand-in for pymdownx.superfences (tests/superfences_stub.py), set up as a site would
# set up the real one: a custom fence named netdraft with the plugin's format and validator.
STUB = """\
markdown_extensions:
  - superfences_stub:
      custom_fences:
        - name: netdraft
          class: netdraft
          format: !!python/name:netdraft.mkdocs_plugin.fence_format
          validator: !!python/name:netdraft.mkdocs_plugin.fence_validator
"""

# A block in a list item, indented under it; its body is the tiny network.
LISTED = (
    "# Steps\n\n1. Draw the network:\n\n    ```netdraft\n"
    + "".join(f"    {line}\n" if line else "\n" for line in NETWORK.splitlines())
    + "    ```\n\n2. Then read it.\n"
)


def stubbed_site(root: Path, pages: dict[str, str]) -> Path:
    site = make_site(root, pages)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + STUB, "utf-8")
    return site


def _drawn_titles(html: str, title: str) -> int:
    """How often the picture(s) write the title as text."""
    return len(re.findall(rf"<text[^>]*>{re.escape(title)}</text>", html))


# --- fences in lists, block quotes, admonitions, tabs -----------------------------------------


def test_nested_fences_are_found_with_their_lines_and_dedented_bodies() -> None:
    page = (
        "# Home\n\n- item\n\n    ```netdraft {.netdraft}\n    region a { }\n    ```\n\n"
        '> ```netdraft src="x.nd"\n> ```\n\n'
        '!!! note\n    ```{.netdraft embed=file}\n    title "t"\n    ```\n'
    )
    found = nested_fences(page)
    assert [(f.start, f.info, f.body) for f in found] == [
        (4, "{.netdraft}", "region a { }\n"),
        (8, 'src="x.nd"', ""),
        (12, "embed=file", 'title "t"\n'),
    ]
    assert find_fences(page) == []  # none of them is a top-level block


def test_indented_code_and_fences_shown_in_fences_are_not_nested_blocks() -> None:
    # The twin of the test above: the same fences, as code.
    page = (
        "# Home\n\nSome text.\n\n    ```netdraft\n    region a { }\n    ```\n\n"
        "````markdown\n- item\n\n    ```netdraft\n    region a { }\n    ```\n````\n"
    )
    assert nested_fences(page) == []


def test_the_attribute_list_header_is_a_top_level_block_too() -> None:
    [fence] = find_fences('```{.netdraft src="net.nd" embed=file}\n```\n')
    assert fence.info == 'src="net.nd" embed=file'
    assert find_fences("```{.python}\nx = 1\n```\n") == []


def test_a_block_in_a_list_is_drawn_through_the_custom_fence(tmp_path: Path) -> None:
    site = stubbed_site(tmp_path, {"index.md": LISTED})
    config = run_build(site, strict=True)
    html = page_html(site)
    item = re.search(r"<li>\s*<p>Draw the network:</p>(.*?)</li>", html, re.DOTALL)
    assert item is not None, html
    assert '<div class="netdraft-diagram">' in item.group(1) and "<svg" in item.group(1)
    assert "<p>Then read it.</p>" in html and "```netdraft" not in html
    assert plugin_of(config).renders == 1


def test_a_block_in_a_list_without_the_custom_fence_is_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = make_site(tmp_path, {"index.md": LISTED})
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        run_build(site)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("docs/index.md:5: this netdraft block is inside a list" in w for w in warnings)
    assert "<svg" not in page_html(site)
    with pytest.raises(Abort):
        run_build(site, strict=True)


def test_options_and_errors_of_a_nested_block_are_the_pages(tmp_path: Path) -> None:
    broken = NETWORK.replace("associate web", "associate wbe")
    page = (
        "# Home\n\n- one\n\n"
        + '    ```netdraft embed="file" source\n'
        + "".join(f"    {line}\n" for line in NETWORK.splitlines())
        + "    ```\n\n- two\n\n    ```netdraft\n"
        + "".join(f"    {line}\n" for line in broken.splitlines())
        + "    ```\n"
    )
    site = stubbed_site(tmp_path, {"index.md": page})
    with pytest.raises(Abort):
        run_build(site, strict=True)
    run_build(site)
    html = page_html(site)
    assert re.search(r'<img src="[^"]+\.svg" alt="Tiny">', html)
    assert html.index("internet-gateway igw") < html.index("<img")  # source=true
    # Line 26 of the page holds the second block's `route-table` line, column 61 its typo.
    assert "docs/index.md:26:61: error[unknown-name]" in html
    assert '<div class="netdraft-error"' in html


def test_the_formatter_says_when_the_plugin_is_missing() -> None:
    options: dict[str, str] = {}
    assert fence_validator("netdraft", {"src": "a.nd"}, options, {}, None)
    assert options == {"src": "a.nd"}
    from netdraft import mkdocs_plugin

    saved = list(mkdocs_plugin._ACTIVE)
    mkdocs_plugin._ACTIVE.clear()
    try:
        shown = fence_format("region a { }", "netdraft", "netdraft", {}, None)
    finally:
        mkdocs_plugin._ACTIVE[:] = saved
    assert 'class="netdraft-error"' in shown and "needs the netdraft plugin" in shown


def test_real_superfences_in_lists_admonitions_and_tabs(tmp_path: Path) -> None:
    """The same with pymdown-extensions itself, where it is installed."""
    pytest.importorskip("pymdownx.superfences")
    tabbed = (
        '\n=== "Diagram"\n\n    ```netdraft\n'
        + "".join(f"    {line}\n" for line in NETWORK.splitlines())
        + '    ```\n\n!!! note\n\n    ```netdraft highlight="internet www tcp 22"\n'
        + "".join(f"    {line}\n" for line in NETWORK.splitlines())
        + "    ```\n"
    )
    site = make_site(tmp_path, {"index.md": LISTED + tabbed})
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8")
        + STUB.replace("superfences_stub", "pymdownx.superfences")
        + "  - admonition\n  - pymdownx.tabbed\n",
        "utf-8",
    )
    built = plugin_of(run_build(site, strict=True))
    html = page_html(site)
    assert html.count('<div class="netdraft-diagram">') == 3 and built.errors == 0
    assert "SG_INGRESS_MISMATCH" in html


# --- the full-size picture, the stylesheet ------------------------------------------------------


@pytest.mark.parametrize("embed", ["inline", "file"])
def test_each_diagram_links_its_picture_at_full_size(tmp_path: Path, embed: str) -> None:
    site = make_site(
        tmp_path, {"guide/net.md": f"# Net\n\n```netdraft {{embed={embed}}}\n{NETWORK}```\n"}
    )
    run_build(site, strict=True)
    html = page_html(site, "guide/net")
    link = re.search(rf'<p class="netdraft-full-size"><a href="([^"]+)">{FULL_SIZE}</a></p>', html)
    assert link is not None, html
    picture = (site / "site" / "guide" / "net" / link.group(1)).resolve()
    svg = picture.read_text("utf-8")
    assert svg.lstrip().startswith("<?xml") and 'aria-label="Tiny"' in svg
    # The same drawing as the page's: the same boxes, in the same places.
    if embed == "inline":
        assert re.search(r'viewBox="[^"]+"', svg)[0] in html  # type: ignore[index]
    else:
        assert f'<img src="{link.group(1)}"' in html


def test_the_plugin_adds_its_stylesheet(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.md": f"# Home\n\n```netdraft\n{NETWORK}```\n"})
    run_build(site, strict=True)
    assert f'<link href="{CSS_NAME}" rel="stylesheet">' in page_html(site)
    css = (site / "site" / CSS_NAME).read_text("utf-8")
    assert ".netdraft-error" in css and ".netdraft-full-size" in css
    assert '[data-md-color-scheme="slate"] svg.netdraft' in css


def test_css_false_leaves_the_stylesheet_out(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {"index.md": f"# Home\n\n```netdraft\n{NETWORK}```\n"},
        plugin="  - netdraft:\n      css: false\n",
    )
    run_build(site, strict=True)
    assert "netdraft.css" not in page_html(site)
    assert not (site / "site" / CSS_NAME).exists()


def test_a_listed_stylesheet_is_not_added_twice(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.md": "# Home\n"})
    config = site / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + f"extra_css:\n  - {CSS_NAME}\n", "utf-8")
    run_build(site, strict=True)
    assert page_html(site).count("netdraft.css") == 1


# --- errors in the content column -------------------------------------------------------------


def test_errors_stay_in_the_content_column_and_are_warnings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    long_name = "x" * 300  # a line far wider than any column
    broken = NETWORK.replace("associate web", f"associate {long_name}")
    site = make_site(tmp_path, {"index.md": f"# Home\n\n```netdraft\n{broken}```\n"})
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        run_build(site)
    assert any("error[unknown-name]" in r.getMessage() for r in caplog.records)
    html = page_html(site)
    main = html[html.index('role="main"') :]
    block = re.search(r'<div class="netdraft-error" style="([^"]*)">\s*<pre style="([^"]*)">', main)
    assert block is not None, html
    # Without any stylesheet, the block is as wide as the column and scrolls inside it.
    assert "max-width:100%" in block.group(1) and "overflow-x:auto" in block.group(1)
    assert "overflow-x:auto" in block.group(2)
    assert long_name in main[block.end() :]


# --- the title, once ----------------------------------------------------------------------------


def test_with_docs_the_pages_own_title_is_the_only_one(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.md": f"# Tiny\n\n```netdraft {{docs=true}}\n{NETWORK}```\n"})
    run_build(site, strict=True)
    html = page_html(site)
    main = html[html.index('role="main"') :]
    assert len(re.findall(r"<h[1-6][^>]*>Tiny<", main)) == 1
    assert re.search(r"<h2[^>]*>VPC demo<", main)  # the sections sit under the page's title
    assert _drawn_titles(main, "Tiny") == 0
    assert 'aria-label="Tiny"' in main  # still named for screen readers
    # The picture comes after the summary, where `netdraft docs` puts it.
    assert main.index("Generated by netdraft") < main.index("<svg") < main.index("VPC demo<")


def test_with_docs_under_another_title_the_network_has_its_heading(tmp_path: Path) -> None:
    site = make_site(
        tmp_path, {"index.md": f"# Guide\n\n```netdraft {{docs=true}}\n{NETWORK}```\n"}
    )
    run_build(site, strict=True)
    main = page_html(site)[page_html(site).index('role="main"') :]
    assert len(re.findall(r"<h[1-6][^>]*>Tiny<", main)) == 1
    assert re.search(r"<h2[^>]*>Tiny<", main) and re.search(r"<h3[^>]*>VPC demo<", main)
    assert _drawn_titles(main, "Tiny") == 0


def test_without_docs_the_picture_keeps_its_title(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.md": f"# Guide\n\n```netdraft\n{NETWORK}```\n"})
    run_build(site, strict=True)
    assert _drawn_titles(page_html(site), "Tiny") == 1


def test_the_stylesheet_is_package_data() -> None:
    """The plugin reads it from the installed package: a wheel must carry it."""
    import tomllib
    from fnmatch import fnmatch

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["netdraft"]
    assert any(fnmatch("mkdocs.css", p) for p in patterns), patterns


# --- the generated page: introduction and warnings ------------------------------------------------

WARNED_BLOCK = """\
# Two subnets; the NAT gateway has no way out.
region us-east-1 {
  vpc main 10.0.0.0/16 {
    subnet private-a 10.0.1.0/24 az us-east-1a
    nat-gateway nat in private-a
  }
}
"""


def test_a_docs_block_is_introduced_by_its_comment_and_lists_its_warnings(
    tmp_path: Path,
) -> None:
    # The block's line 5 (the NAT gateway) is line 8 of the page.
    site = make_site(
        tmp_path, {"index.md": f"# Home\n\n```netdraft {{docs=true}}\n{WARNED_BLOCK}```\n"}
    )
    run_build(site, strict=True)  # a warning never fails the build
    main = page_html(site)[page_html(site).index('role="main"') :]
    assert "<p>Two subnets; the NAT gateway has no way out.</p>" in main
    assert re.search(r"<h3[^>]*>Warnings<", main)
    assert re.search(r"<td>docs/index.md:8</td>\s*<td><code>nat-no-internet</code></td>", main)


def test_a_docs_block_without_warnings_has_no_warnings_section(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.md": f"# Home\n\n```netdraft {{docs=true}}\n{NETWORK}```\n"})
    run_build(site, strict=True)
    assert ">Warnings<" not in page_html(site)


def test_a_block_only_superfences_finds_is_drawn_with_the_pages_context(tmp_path: Path) -> None:
    # Indented under a paragraph, not a list: the plugin's scan takes it for code, the
    # custom fence (here the stand-in, which finds fences anywhere) draws it.
    body = "".join(f"    {line}\n" for line in NETWORK.splitlines())
    page = f"# Home\n\nText.\n    ```netdraft\n{body}    ```\n"
    assert nested_fences(page) == [] and find_fences(page) == []
    site = stubbed_site(tmp_path, {"index.md": page})
    run_build(site, strict=True)
    assert "<svg" in page_html(site) and "needs the netdraft plugin" not in page_html(site)
