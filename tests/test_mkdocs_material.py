"""A real Material for MkDocs site: theme ``material`` with ``pymdownx.superfences`` and the
plugin's ``netdraft`` custom fence (docs/mkdocs.md), built with ``--strict``; the diagrams
of blocks at the left margin, in a list, an admonition and a content tab are in the HTML.

Skipped where mkdocs-material or pymdown-extensions is not installed (they are in the
``dev`` extra); CI sets ``NETDRAFT_REQUIRE_MATERIAL=1``, under which a missing package is
a failure, not a skip.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest

from netdraft.mkdocs_plugin import CSS_NAME, FULL_SIZE
from test_mkdocs_plugin import NETWORK, make_site, page_html, plugin_of, run_build

_MISSING = [name for name in ("material", "pymdownx") if importlib.util.find_spec(name) is None]
if _MISSING and os.environ.get("NETDRAFT_REQUIRE_MATERIAL") != "1":
    pytest.skip(
        f"needs mkdocs-material and pymdown-extensions (pip install -e '.[dev]'): "
        f"missing {', '.join(_MISSING)}",
        allow_module_level=True,
    )

CONFIG = """\
theme:
  name: material
  palette:
    - scheme: default
    - scheme: slate
markdown_extensions:
  - admonition
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.superfences:
      custom_fences:
        - name: netdraft
          class: netdraft
          format: !!python/name:netdraft.mkdocs_plugin.fence_format
          validator: !!python/name:netdraft.mkdocs_plugin.fence_validator
"""


def _indented(text: str) -> str:
    return "".join(f"    {line}\n" if line else "\n" for line in text.splitlines())


def _block(header: str = "netdraft", indent: bool = False) -> str:
    body = f"```{header}\n{NETWORK}```\n"
    return _indented(body) if indent else body


PAGE = (
    "# Network\n\nAt the left margin:\n\n"
    + _block()
    + "\n1. In a list:\n\n"
    + _block(indent=True)
    + '\n!!! note "In an admonition"\n\n'
    + _block('netdraft highlight="internet www tcp 22"', indent=True)
    + '\n=== "In a tab"\n\n'
    + _block('netdraft embed="file"', indent=True)
    + '\n=== "Another tab"\n\n    Text.\n'
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    root = make_site(tmp_path_factory.mktemp("material"), {"index.md": PAGE})
    config = root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + CONFIG, "utf-8")
    built = plugin_of(run_build(root, strict=True))
    return root, built.errors


def test_the_packages_are_installed() -> None:
    # Reached only when they are, or when CI requires them (NETDRAFT_REQUIRE_MATERIAL=1).
    assert not _MISSING, f"pip install -e '.[dev]': missing {', '.join(_MISSING)}"


def test_the_site_is_built_with_material(site: tuple[Path, int]) -> None:
    root, errors = site
    html = page_html(root)
    assert errors == 0
    # Material's own layout, not MkDocs' default theme.
    assert 'class="md-content"' in html and "assets/stylesheets/main" in html
    assert 'data-md-color-scheme="default"' in html
    # The plugin adds its stylesheet (dark mode for Material's slate scheme).
    assert CSS_NAME in html and (root / "site" / CSS_NAME).is_file()


def test_every_block_is_a_diagram_wherever_it_is(site: tuple[Path, int]) -> None:
    root, _ = site
    html = page_html(root)
    assert html.count('<div class="netdraft-diagram">') == 4
    assert "```netdraft" not in html and "language-netdraft" not in html
    # Three drawn inline, accessible, one linked as a file; each with its full-size link.
    assert len(re.findall(r'<svg\b[^>]*\bclass="netdraft"', html)) == 3
    assert html.count('role="img"') >= 3
    assert html.count(FULL_SIZE) == 4
    assert list((root / "site").rglob("*.svg"))
    # The admonition's and the tab's diagrams are inside them.
    note = html.split('class="admonition note"', 1)[1].split('class="tabbed-set', 1)[0]
    assert '<div class="netdraft-diagram">' in note and "SG_INGRESS_MISMATCH" in note
    tab = html.split('class="tabbed-set', 1)[1]
    assert '<div class="netdraft-diagram">' in tab


def test_without_the_custom_fence_nested_blocks_stay_code(tmp_path: Path) -> None:
    # The twin: Material and superfences, but no netdraft custom fence.
    root = make_site(tmp_path, {"index.md": PAGE})
    config = root / "mkdocs.yml"
    plain = CONFIG.split("      custom_fences:")[0]
    config.write_text(config.read_text("utf-8") + plain, "utf-8")
    built = plugin_of(run_build(root))
    html = page_html(root)
    # The block at the left margin is drawn by the plugin itself; the nested ones are not.
    assert html.count('<div class="netdraft-diagram">') == 1
    assert built.errors == 0
