"""The MkDocs plugin keeps each block's whole result (its HTML, its messages, its picture):
an unchanged block is neither compiled nor checked again, and gives what it gave."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.test_mkdocs_plugin import NETWORK, make_site, page_html, plugin_of, run_build

# SSH open to the internet: a review warning, which the plugin logs (at info level).
OPEN_SSH = NETWORK.replace(
    "    instance www in web\n",
    "    security-group ssh { ingress tcp 22 from 0.0.0.0/0 }\n    instance www in web sg ssh\n",
).replace("tcp 22 deny because SG_INGRESS_MISMATCH", "tcp 22 allow")


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite runs with ``NETDRAFT_NO_CACHE`` (tests/conftest.py), which turns this off."""
    monkeypatch.delenv("NETDRAFT_NO_CACHE", raising=False)


def test_no_cache_computes_every_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETDRAFT_NO_CACHE", "1")
    site = make_site(tmp_path, _pages())
    run_build(site, strict=True)
    assert not list((site / ".cache" / "netdraft").glob("*.block.json"))


def _html(site: Path, name: str) -> str:
    """A built page, less the build's date that MkDocs writes at its end."""
    return re.sub(r"Build Date UTC : [^\n]*", "", page_html(site, name))


def _pages() -> dict[str, str]:
    return {
        "index.md": f"# Home\n\n```netdraft\n{OPEN_SSH}```\n\nAfter.\n",
        "other.md": (
            '# Other\n\n```netdraft {src="net.nd" highlight="internet www tcp 22" docs=true}\n```\n'
        ),
        "net.nd": 'include "part.nd"\n',
        "part.nd": NETWORK,
    }


def test_a_warm_build_gives_each_block_as_the_cold_build_did(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = make_site(tmp_path, _pages())
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.netdraft"):
        cold = plugin_of(run_build(site, strict=True))
        cold_log = [r.getMessage() for r in caplog.records if "ssh" in r.getMessage().lower()]
        html = {name: _html(site, name) for name in ("index", "other")}
        caplog.clear()
        warm = plugin_of(run_build(site, strict=True))
        warm_log = [r.getMessage() for r in caplog.records if "ssh" in r.getMessage().lower()]
    assert (cold.renders, warm.renders, warm.reused) == (2, 0, 2)
    assert {name: _html(site, name) for name in ("index", "other")} == html
    assert "<svg" in html["index"] and "<svg" in html["other"]
    # Each picture is back where Python-Markdown saw only its placeholder.
    assert not any("data-netdraft-picture" in page for page in html.values())
    assert cold_log and warm_log == cold_log  # the warning is logged again, word for word
    entries = list((site / ".cache" / "netdraft").glob("*.block.json"))
    assert len(entries) == 2


def test_a_changed_included_file_is_checked_again(tmp_path: Path) -> None:
    site = make_site(tmp_path, _pages())
    run_build(site, strict=True)
    assert "www" in page_html(site, "other")
    part = site / "docs" / "part.nd"
    part.write_text(part.read_text("utf-8").replace("www", "wwx"), "utf-8")
    page = site / "docs" / "other.md"
    page.write_text(page.read_text("utf-8").replace("internet www", "internet wwx"), "utf-8")
    run_build(site, strict=True)
    other = page_html(site, "other")
    assert "wwx" in other and ">www<" not in other
    # The block's own text is the same as before: only its included file changed.
    page.write_text(page.read_text("utf-8"), "utf-8")
    part.write_text(part.read_text("utf-8").replace('"Tiny"', '"Renamed"'), "utf-8")
    run_build(site, strict=True)
    assert "Renamed" in page_html(site, "other")


def test_a_block_with_errors_is_checked_on_every_build(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = NETWORK.replace("in web", "in nowhere")
    site = make_site(tmp_path, {"index.md": f"```netdraft\n{broken}```\n"})
    for _ in range(2):
        caplog.clear()
        run_build(site)
        assert "nowhere" in caplog.text
    assert not list((site / ".cache" / "netdraft").glob("*.block.json"))


def test_a_warm_build_loads_neither_the_compiler_nor_the_simulator(tmp_path: Path) -> None:
    site = make_site(tmp_path, _pages())
    script = (
        "import sys\n"
        "from mkdocs.commands.build import build\n"
        "from mkdocs.config import load_config\n"
        "build(load_config('mkdocs.yml', strict=True))\n"
        "print(sorted(m for m in ('netdraft.api', 'netdraft.sim.analysis', 'lark')"
        " if m in sys.modules))\n"
    )
    src = str(Path(__file__).parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    env.pop("NETDRAFT_NO_CACHE", None)
    env["NETDRAFT_CACHE_DIR"] = str(tmp_path / "user-cache")
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=site,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for _ in range(2)
    ]
    assert runs[0] != "[]"  # the cold build checks the blocks
    assert runs[1] == "[]"
