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

    def refused(path: str | Path, data: str | bytes) -> None:
        if str(path).startswith(str(site / ".cache")):
            raise PermissionError(13, "Permission denied", str(path))
        real(path, data)

    monkeypatch.setattr(mkdocs_plugin, "write_atomic", refused)
    config = run_build(site, strict=True)
    assert plugin_of(config).reused == 1 and "<svg" in page_html(site)
