"""The MkDocs plugin: real builds of small sites, strict failures, the cache, and fence parsing."""

from __future__ import annotations

import logging
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from netdraft.mkdocs_plugin import (
    BlockOptions,
    NetdraftPlugin,
    block_key,
    find_fences,
    inline_svg,
    parse_options,
)
from tiny_network import TINY

NETWORK = TINY + "expect internet -> www tcp 22 deny because SG_INGRESS_MISMATCH\n"

# Line 10 of the page (after 3 lines of front matter) misspells the subnet.
BROKEN_PAGE = """\
---
title: Broken
---
# Broken

```netdraft
region us-east-1 {
  vpc demo 10.0.0.0/16 {
    subnet a 10.0.0.0/24 az us-east-1a
    route-table rt { associate privte-a }
  }
}
```
"""


def make_site(root: Path, pages: dict[str, str], plugin: str = "  - netdraft\n") -> Path:
    """A site with ``mkdocs.yml`` and the given pages under ``docs/``."""
    (root / "mkdocs.yml").write_text(f"site_name: test\nplugins:\n{plugin}", "utf-8")
    for name, text in pages.items():
        page = root / "docs" / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(text, "utf-8")
    return root


def run_build(root: Path, strict: bool = False) -> MkDocsConfig:
    """Build the site in-process and return its config (its plugin holds the counters)."""
    config = load_config(str(root / "mkdocs.yml"), strict=strict)
    build(config)
    return config


def plugin_of(config: MkDocsConfig) -> NetdraftPlugin:
    plugin = config.plugins["netdraft"]
    assert isinstance(plugin, NetdraftPlugin)
    return plugin


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def page_html(root: Path, name: str = "index") -> str:
    path = root / "site" / ("index.html" if name == "index" else f"{name}/index.html")
    return path.read_text("utf-8")


# --- real builds ----------------------------------------------------------------------------


def test_inline_block_becomes_an_svg(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.md": f"# Home\n\n```netdraft\n{NETWORK}```\n\nAfter.\n"})
    config = run_build(site, strict=True)
    html = page_html(site)
    assert '<div class="netdraft-diagram">' in html
    assert re.search(r"<svg[^>]*max-width:100%", html)
    assert "```netdraft" not in html and "<p>After.</p>" in html
    assert 'id="nd' in html  # ids are prefixed per diagram
    assert plugin_of(config).renders == 1


def test_file_embed_links_an_image_copied_into_the_site(tmp_path: Path) -> None:
    site = make_site(
        tmp_path, {"guide/net.md": f"# Net\n\n```netdraft {{embed=file}}\n{NETWORK}```\n"}
    )
    run_build(site, strict=True)
    html = page_html(site, "guide/net")
    src = re.search(r'<img src="([^"]+)" alt="Tiny">', html)
    assert src is not None, html
    image = (site / "site" / "guide" / "net" / src.group(1)).resolve()
    assert image.is_file() and image.read_text("utf-8").lstrip().startswith("<?xml")
    assert image.parent == (site / "site" / "assets" / "netdraft").resolve()


def test_src_block_includes_a_file_and_docs_adds_the_generated_page(tmp_path: Path) -> None:
    pages = {
        "guide/index.md": '# Guide\n\n```netdraft {src="nets/tiny.nd" docs=true}\n```\n',
        "guide/nets/tiny.nd": NETWORK,
    }
    site = make_site(tmp_path, pages)
    run_build(site, strict=True)
    html = page_html(site, "guide")
    assert "<svg" in html
    # The generated page follows, its headings one level down; no second picture link.
    assert re.search(r"<h2[^>]*>Tiny</h2>", html)
    assert re.search(r"<h3[^>]*>VPC demo</h3>", html)
    assert "<img" not in html


def test_source_option_shows_the_text_above_the_diagram(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.md": f"```netdraft {{source=true}}\n{NETWORK}```\n"})
    run_build(site)
    html = page_html(site)
    assert html.index("internet-gateway igw") < html.index("<svg")


def test_highlight_draws_the_path(tmp_path: Path) -> None:
    fence = '```netdraft {highlight="internet www tcp 22"}'
    site = make_site(tmp_path, {"index.md": f"{fence}\n{NETWORK}```\n"})
    run_build(site, strict=True)
    assert "SG_INGRESS_MISMATCH" in page_html(site)


def test_broken_block_fails_strict_naming_page_line_and_code(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.md": "# Home\n", "broken.md": BROKEN_PAGE})
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=site,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "docs/broken.md:10:32: error[unknown-name]: no subnet named 'privte-a'" in done.stderr
    assert " 10 |     route-table rt { associate privte-a }" in done.stderr
    assert "Aborted with 1 warnings in strict mode!" in done.stdout + done.stderr


def test_broken_block_without_strict_is_a_warning_and_the_page_shows_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = make_site(tmp_path, {"index.md": "# Home\n", "broken.md": BROKEN_PAGE})
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        config = run_build(site)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("docs/broken.md:10:32: error[unknown-name]" in w for w in warnings)
    html = page_html(site, "broken")
    assert '<div class="netdraft-error"' in html
    assert "docs/broken.md:10:32: error[unknown-name]: no subnet named 'privte-a'" in html
    assert "<svg" not in html
    assert plugin_of(config).errors == 1


def test_strict_in_process_aborts(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.md": BROKEN_PAGE})
    with pytest.raises(Abort, match="strict mode"):
        run_build(site, strict=True)


def test_failed_expectation_is_an_error_but_the_diagram_is_drawn(tmp_path: Path) -> None:
    network = NETWORK.replace("deny because SG_INGRESS_MISMATCH", "allow")
    site = make_site(tmp_path, {"index.md": f"```netdraft\n{network}```\n"})
    with pytest.raises(Abort):
        run_build(site, strict=True)
    run_build(site)
    html = page_html(site)
    assert "error[expect-failed]" in html and "<svg" in html
    assert "docs/index.md:11:1: error[expect-failed]" in html  # the expect line of the page


@pytest.mark.parametrize(
    ("fence", "code"),
    [
        ("```netdraft {colour=red}", "fence-option"),
        ("```netdraft {embed=popup}", "fence-option"),
        ('```netdraft {highlight="www"}', "fence-option"),
        ('```netdraft {highlight="nobody www tcp 22"}', "unknown-name"),
        ('```netdraft {src="missing.nd"}', "file-not-found"),
    ],
)
def test_fence_mistakes_are_diagnostics(tmp_path: Path, fence: str, code: str) -> None:
    body = "" if "src=" in fence else NETWORK
    site = make_site(tmp_path, {"index.md": f"# Home\n\n{fence}\n{body}```\n"})
    run_build(site)
    html = page_html(site)
    assert f"docs/index.md:3:1: error[{code}]" in html, html


def test_second_build_draws_nothing_and_docs_dir_is_untouched(tmp_path: Path) -> None:
    pages = {
        "index.md": f"```netdraft\n{NETWORK}```\n\n```netdraft {{embed=file}}\n{NETWORK}```\n",
        "other.md": '```netdraft {src="net.nd" highlight="internet www tcp 22" docs=true}\n```\n',
        "net.nd": NETWORK,
    }
    site = make_site(tmp_path, pages)
    docs_before = listing(site / "docs")
    first = plugin_of(run_build(site, strict=True))
    assert (first.renders, first.reused) == (2, 1)  # the first two blocks share one drawing
    cache = site / ".cache" / "netdraft"
    cached = listing(cache)
    assert len([name for name in cached if name.endswith(".svg")]) == 2
    second = plugin_of(run_build(site, strict=True))
    assert (second.renders, second.reused) == (0, 3)
    assert listing(cache) == cached
    assert listing(site / "docs") == docs_before
    assert (site / "site" / "assets" / "netdraft").is_dir()


def test_a_changed_block_is_drawn_again(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.md": f"```netdraft\n{NETWORK}```\n"})
    run_build(site)
    page = site / "docs" / "index.md"
    page.write_text(page.read_text("utf-8").replace('"Tiny"', '"Small"'), "utf-8")
    assert plugin_of(run_build(site)).renders == 1


def test_cache_dir_inside_docs_dir_is_refused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = make_site(
        tmp_path,
        {"index.md": "# Home\n"},
        plugin="  - netdraft:\n      cache_dir: docs/.cache\n",
    )
    with pytest.raises(Abort):  # MkDocs reports the plugin's PluginError and aborts
        run_build(site)
    assert "cache_dir 'docs/.cache' is inside docs_dir" in caplog.text
    assert not (site / "docs" / ".cache").exists()


def test_prices_option_reprices_flows(tmp_path: Path) -> None:
    network = NETWORK + "flow web: www -> internet tcp 443 volume 100GB\n"
    prices = tmp_path / "prices.toml"
    prices.write_text("internet_out_per_gb = 0.5\n", "utf-8")
    site = make_site(
        tmp_path,
        {"index.md": f"```netdraft\n{network}```\n"},
        plugin="  - netdraft:\n      prices: prices.toml\n",
    )
    run_build(site, strict=True)
    assert "$50.00/mo" in page_html(site)


def test_price_files_that_swap_contents_are_drawn_again(tmp_path: Path) -> None:
    """Two files of one name: the later one wins, so swapping their texts changes the price."""
    prices = 'prices "one/p.toml"\nprices "two/p.toml"\n'
    network = prices + NETWORK + "flow web: www -> internet tcp 443 volume 100GB\n"
    site = make_site(tmp_path, {"index.md": f"```netdraft\n{network}```\n"})
    one, two = site / "docs" / "one" / "p.toml", site / "docs" / "two" / "p.toml"
    one.parent.mkdir()
    two.parent.mkdir()
    one.write_text("internet_out_per_gb = 0.5\n", "utf-8")
    two.write_text("internet_out_per_gb = 0.25\n", "utf-8")
    run_build(site, strict=True)
    assert "$25.00/mo" in page_html(site)
    one.write_text("internet_out_per_gb = 0.25\n", "utf-8")
    two.write_text("internet_out_per_gb = 0.5\n", "utf-8")
    assert plugin_of(run_build(site, strict=True)).renders == 1
    assert "$50.00/mo" in page_html(site)


def test_block_key_follows_the_order_the_price_files_apply() -> None:
    options = BlockOptions()
    first = block_key("r", "t", "n.nd", options, [("a/p.toml", "x = 1"), ("b/p.toml", "x = 2")])
    swapped = block_key("r", "t", "n.nd", options, [("a/p.toml", "x = 2"), ("b/p.toml", "x = 1")])
    reordered = block_key("r", "t", "n.nd", options, [("b/p.toml", "x = 2"), ("a/p.toml", "x = 1")])
    assert len({first, swapped, reordered}) == 3


SECRET = "NETDRAFT-SECRET-7f3a"


@pytest.mark.parametrize(
    ("fence", "code"),
    [
        ('```netdraft {src="/etc/passwd"}', "fence-option"),
        ('```netdraft {src="../../../../etc/hostname"}', "fence-option"),
        ('```netdraft {src="../../secret.nd"}', "fence-option"),
        ('```netdraft {src="/proc/self/environ"}', "fence-option"),
        ('```netdraft {src="link.nd"}', "fence-option"),
        ('```netdraft {src="config.nd"}', "fence-option"),
    ],
)
def test_src_names_only_nd_files_inside_the_site(tmp_path: Path, fence: str, code: str) -> None:
    (tmp_path / "site").mkdir()
    site = make_site(tmp_path / "site", {"index.md": f"# Home\n\n{fence}\n```\n"})
    (tmp_path / "secret.nd").write_text(f"{SECRET}\n", "utf-8")
    (site / "docs" / "link.nd").symlink_to(tmp_path / "secret.nd")
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text(f"token = {SECRET}\n", "utf-8")
    (site / "docs" / "config.nd").symlink_to(site / ".git" / "config")
    with pytest.raises(Abort):
        run_build(site, strict=True)
    run_build(site)
    html = page_html(site)
    assert f"docs/index.md:3:1: error[{code}]" in html, html
    assert SECRET not in html and "root:" not in html


@pytest.mark.parametrize("name", ["/etc/passwd", "../../secret.toml", "link.toml"])
def test_prices_in_a_block_name_only_files_inside_the_site(tmp_path: Path, name: str) -> None:
    page = f'```netdraft\nprices "{name}"\n{NETWORK}```\n'
    (tmp_path / "site").mkdir()
    site = make_site(tmp_path / "site", {"index.md": page})
    (tmp_path / "secret.toml").write_text(f"{SECRET} = 1\n", "utf-8")
    (site / "docs" / "link.toml").symlink_to(tmp_path / "secret.toml")
    run_build(site)
    html = page_html(site)
    assert "docs/index.md:2:1: error[price-file]" in html, html
    assert "is outside docs_dir and the folder of mkdocs.yml" in html
    assert SECRET not in html and "root:" not in html


def test_a_bad_price_file_in_the_site_is_quoted_only_in_a_snippet(tmp_path: Path) -> None:
    page = f'```netdraft\nprices "p.toml"\n{NETWORK}```\n'
    site = make_site(tmp_path, {"index.md": page})
    (site / "docs" / "p.toml").write_text(f"a = = {SECRET}\nb = {SECRET}\n", "utf-8")
    run_build(site)
    html = page_html(site)
    assert "docs/p.toml:1:5: error[price-file]: not a valid TOML price file" in html, html
    assert "at the end of &quot;a = =&quot;" in html or 'at the end of "a = ="' in html
    assert SECRET not in html


def test_a_broken_src_file_in_the_site_gets_its_usual_diagnostics(tmp_path: Path) -> None:
    """The author's own .nd files are quoted as sources; only files outside are refused."""
    pages = {
        "index.md": '```netdraft {src="bad.nd"}\n```\n\n```netdraft {src="latin.nd"}\n```\n',
        "bad.nd": "region us-east-1 {\n  vpc demo 10.0.0.0/16 {\n    subnet\n",
    }
    site = make_site(tmp_path, pages)
    (site / "docs" / "latin.nd").write_bytes("# réseau\n".encode("latin-1"))
    run_build(site)
    html = page_html(site)
    assert "docs/bad.nd:" in html and " 3 |     subnet" in html, html
    assert "docs/latin.nd:1:1: error[encoding]" in html


# --- fences and options ---------------------------------------------------------------------


def test_find_fences_skips_fences_shown_inside_longer_fences() -> None:
    text = (
        "intro\n"
        "````markdown\n```netdraft\nshown, not drawn\n```\n````\n"
        "~~~netdraft {docs}\nregion r { }\n~~~\n"
        "```netdraft-like\nnot ours\n```\n"
        '  ```netdraft\n  title "x"\n  ```\n'
    )
    fences = find_fences(text)
    assert [(f.start, f.end, f.info, f.body) for f in fences] == [
        (6, 9, "{docs}", "region r { }\n"),
        (12, 15, "", 'title "x"\n'),
    ]


def test_an_unclosed_fence_runs_to_the_end() -> None:
    [fence] = find_fences('# t\n```netdraft\ntitle "x"\n')
    assert (fence.start, fence.end, fence.body) == (1, 3, 'title "x"\n')


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        ("", BlockOptions()),
        ("{}", BlockOptions()),
        ("{embed=file}", BlockOptions(embed="file")),
        ("embed=file docs", BlockOptions(embed="file", docs=True)),
        ("{docs=false source=yes}", BlockOptions(source=True)),
        ('{src="nets/a b.nd"}', BlockOptions(src="nets/a b.nd")),
        (
            '{highlight="app-1 internet tcp 443"}',
            BlockOptions(highlight=("app-1", "internet", "tcp", "443")),
        ),
    ],
)
def test_parse_options(info: str, expected: BlockOptions) -> None:
    assert parse_options(info, BlockOptions()) == expected


@pytest.mark.parametrize(
    ("info", "message"),
    [
        ("{size=big}", "unknown fence option 'size'"),
        ("{embed=png}", "use embed=inline or embed=file"),
        ("{docs=maybe}", "use docs=true or docs=false"),
        ('{highlight="a"}', "give SRC DST [PROTO [PORT]]"),
        ('{src="open}', "cannot read the fence options"),
    ],
)
def test_parse_options_rejects(info: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_options(info, BlockOptions())


def test_inline_svg_prefixes_ids_and_drops_the_prologue() -> None:
    svg = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<!-- Generated -->\n'
        '<svg width="10pt" viewBox="0 0 10 10">\n\n<defs><symbol id="icon-a"/></defs>\n'
        '<g id="node1"><use xlink:href="#icon-a"/><path fill="url(#grad)"/></g>\n</svg>\n'
    )
    out = inline_svg(svg, "p-")
    assert out.startswith('<svg style="max-width:100%;height:auto" width="10pt"')
    assert 'id="p-icon-a"' in out and 'id="p-node1"' in out
    assert 'xlink:href="#p-icon-a"' in out and "url(#p-grad)" in out
    assert "<?xml" not in out and "<!--" not in out and "\n\n" not in out


# --- the cache cannot be planted -------------------------------------------------------------


def _planted_site(tmp_path: Path) -> tuple[Path, Path]:
    site = make_site(
        tmp_path,
        {"index.md": f"```netdraft\n{NETWORK}```\n\n```netdraft {{embed=file}}\n{NETWORK}```\n"},
    )
    run_build(site)
    return site, site / ".cache" / "netdraft"


def _built_text(site: Path) -> str:
    return "\n".join(
        p.read_text("utf-8", errors="replace") for p in (site / "site").rglob("*") if p.is_file()
    )


def test_a_link_in_the_cache_is_not_followed(tmp_path: Path) -> None:
    site, cache = _planted_site(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET_TOKEN=hunter2\n")
    for entry in cache.glob("*.svg"):
        entry.unlink()
        entry.symlink_to(secret)
    plugin = plugin_of(run_build(site))
    assert plugin.renders == 1 and plugin.reused == 1  # drawn anew, then shared by both blocks
    assert "hunter2" not in _built_text(site)
    assert secret.read_text() == "SECRET_TOKEN=hunter2\n"  # nothing written through the link


def test_a_changed_cache_entry_is_not_used(tmp_path: Path) -> None:
    # Someone who can write the repository (and so a committed cache) cannot forge the MAC.
    site, cache = _planted_site(tmp_path)
    for entry in cache.glob("*.svg"):
        entry.write_text('<svg><script>alert("planted")</script></svg>')
    (cache / "0123.svg").write_text('<svg><script>alert("planted")</script></svg>')
    assert plugin_of(run_build(site)).renders == 1
    assert "planted" not in _built_text(site)


def test_the_cache_secret_is_private_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netdraft.mkdocs_plugin import SECRET_NAME, cache_secret

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = cache_secret()
    assert len(first) == 32 and cache_secret() == first
    path = tmp_path / SECRET_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o666)  # another user could have written it: not trusted, not used
    assert cache_secret() != first


def test_a_page_of_many_broken_blocks_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each block used to split the page and find its lines anew: quadratic in the page.
    from netdraft import diagnostics

    made: list[int] = []
    original = diagnostics.SourceLines.__init__

    def counting(self: diagnostics.SourceLines, text: str) -> None:
        made.append(len(text))
        original(self, text)

    monkeypatch.setattr(diagnostics.SourceLines, "__init__", counting)
    site = make_site(tmp_path, {"index.md": "# t\n\n" + "```netdraft {bad}\n```\n\n" * 200})
    run_build(site)
    html = page_html(site)
    assert html.count("error[fence-option]") == 200
    assert "docs/index.md:600:1: error[fence-option]" in html  # the 200th block's line
    assert len(made) <= 2


# --- the configuration beside mkdocs.yml (docs/config.md) ------------------------------------

OPEN_SSH = NETWORK.replace(
    "    instance www in web\n",
    "    security-group ssh { ingress tcp 22 from 0.0.0.0/0 }\n    instance www in web sg ssh\n",
).replace("deny because SG_INGRESS_MISMATCH", "allow")


def test_the_configuration_makes_a_warning_an_error_of_the_build(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    site = make_site(tmp_path, {"index.md": f"```netdraft\n{OPEN_SSH}```\n"})
    run_build(site, strict=True)  # a warning: logged, never failing
    (tmp_path / "netdraft.toml").write_text('severity = { open-admin-port = "error" }\n', "utf-8")
    with pytest.raises(Abort):
        run_build(site, strict=True)


def test_the_configurations_prices_reprice_flows(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    network = NETWORK + "flow web: www -> internet tcp 443 volume 100GB\n"
    (tmp_path / "p.toml").write_text("internet_out_per_gb = 0.5\n", "utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.netdraft]\nprices = "p.toml"\n', "utf-8")
    site = make_site(tmp_path, {"index.md": f"```netdraft\n{network}```\n"})
    run_build(site, strict=True)
    assert "$50.00/mo" in page_html(site)


def test_a_mistake_in_the_configuration_stops_the_build(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "netdraft.toml").write_text('ignore = ["no-such-code"]\n', "utf-8")
    site = make_site(tmp_path, {"index.md": "# Home\n"})
    with pytest.raises(Abort):
        run_build(site)
    assert "error[bad-config]" in caplog.text and "no code 'no-such-code'" in caplog.text
