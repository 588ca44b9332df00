"""The MkDocs plugin and ``include`` (LANGUAGE.md §8): blocks of several files, their
diagnostics, their confinement and their cache key."""

from __future__ import annotations

import html as html_module
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from netdraft.mkdocs_plugin import BlockOptions, NetdraftPlugin, block_key
from test_mkdocs_plugin import NETWORK

EXPECT = "expect internet -> www tcp 22 deny because SG_INGRESS_MISMATCH\n"
#: The plugin tests' one-VPC network without its expectation: the file a page includes.
AWS = NETWORK.removesuffix(EXPECT)
assert AWS != NETWORK


def make_site(root: Path, pages: dict[str, str]) -> Path:
    (root / "mkdocs.yml").write_text("site_name: test\nplugins:\n  - netdraft\n", "utf-8")
    for name, text in pages.items():
        page = root / "docs" / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(text, "utf-8")
    return root


def run_build(root: Path, strict: bool = False) -> NetdraftPlugin:
    config: MkDocsConfig = load_config(str(root / "mkdocs.yml"), strict=strict)
    build(config)
    plugin = config.plugins["netdraft"]
    assert isinstance(plugin, NetdraftPlugin)
    return plugin


def page_html(root: Path, name: str = "index") -> str:
    path = root / "site" / ("index.html" if name == "index" else f"{name}/index.html")
    return html_module.unescape(path.read_text("utf-8"))


def test_an_inline_block_includes_files_relative_to_its_page(tmp_path: Path) -> None:
    pages = {
        "guide/net.md": f'# Net\n\n```netdraft\ninclude "nets/aws.nd"\n{EXPECT}```\n',
        "guide/nets/aws.nd": AWS,
    }
    site = make_site(tmp_path, pages)
    plugin = run_build(site, strict=True)
    assert plugin.renders == 1 and plugin.errors == 0
    assert "<svg" in page_html(site, "guide/net")


def test_an_inline_include_that_is_missing_is_an_error_on_the_page_line(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.md": '# Home\n\n```netdraft\ninclude "aws.nd"\n```\n'})
    with pytest.raises(Abort):
        run_build(site, strict=True)
    run_build(site)
    assert "docs/index.md:4:9: error[include-missing]" in page_html(site)
    (site / "docs" / "aws.nd").write_text(AWS, "utf-8")
    assert run_build(site, strict=True).errors == 0


def test_an_inline_include_outside_the_site_is_refused_unread(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "secret.nd").write_text('title "NETDRAFT-SECRET"\n', "utf-8")
    site = make_site(
        tmp_path / "site", {"index.md": '```netdraft\ninclude "../../secret.nd"\n```\n'}
    )
    run_build(site)
    text = page_html(site)
    assert "docs/index.md:2:9: error[include-missing]" in text
    assert "outside docs_dir and the folder of mkdocs.yml" in text
    assert "NETDRAFT-SECRET" not in text


def test_an_error_in_a_file_a_src_file_includes_shows_that_file_s_line(tmp_path: Path) -> None:
    broken = AWS.replace("associate web", "associate wbe")
    pages = {
        "index.md": '```netdraft {src="net.nd"}\n```\n',
        "net.nd": f'include "parts/aws.nd"\n{EXPECT}',
        "parts/aws.nd": broken,
    }
    site = make_site(tmp_path, pages)
    run_build(site)
    text = page_html(site)
    assert "docs/parts/aws.nd:6:61: error[unknown-name]" in text, text
    assert " 6 |     route-table public { route 0.0.0.0/0 via igw; associate wbe }" in text


def test_a_changed_included_file_is_drawn_again(tmp_path: Path) -> None:
    pages = {"index.md": '```netdraft {src="net.nd"}\n```\n', "net.nd": 'include "aws.nd"\n'}
    pages["aws.nd"] = AWS
    site = make_site(tmp_path, pages)
    assert run_build(site, strict=True).renders == 1
    again = run_build(site, strict=True)
    assert (again.renders, again.reused) == (0, 1)
    included = site / "docs" / "aws.nd"
    included.write_text(AWS.replace('"Tiny"', '"Small"'), "utf-8")
    changed = run_build(site, strict=True)
    assert (changed.renders, changed.reused) == (1, 0)
    assert "Small" in page_html(site)


def test_the_block_key_covers_the_included_files() -> None:
    options = BlockOptions()
    alone = block_key("r", "t", "n.nd", options, [])
    one = block_key("r", "t", "n.nd", options, [], [("a.nd", "x")])
    other = block_key("r", "t", "n.nd", options, [], [("a.nd", "y")])
    assert len({alone, one, other}) == 3
    assert block_key("r", "t", "n.nd", options, [], ()) == alone


def test_a_clash_with_an_included_file_names_both_places_as_the_reader_sees_them(
    tmp_path: Path,
) -> None:
    # An inline block (its line 2 is the page's line 4) includes a file of the site: the
    # first declaration is named by its file as the site shows it, not the machine's path.
    pages = {
        "index.md": '# Net\n\n```netdraft\ninclude "aws.nd"\ntitle "Again"\n```\n',
        "aws.nd": AWS,
    }
    site = make_site(tmp_path, pages)
    run_build(site)
    text = page_html(site)
    assert "docs/index.md:5:1: error[duplicate-name]: a title is already set at docs/aws.nd:1" in (
        text
    ), text
    assert str(tmp_path) not in text
    # Both declarations in the block: the first one's line is the page's line too.
    pages["index.md"] = (
        "# Net\n\n```netdraft\nsite dc 10.9.0.0/16 { }\nsite dc 10.8.0.0/16 { }\n```\n"
    )
    site = make_site(tmp_path, pages)
    run_build(site)
    text = page_html(site)
    assert "docs/index.md:5:6: error[duplicate-name]" in text, text
    assert "first declared on line 4" in text
