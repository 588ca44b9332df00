"""The Material site looked at in headless Chromium (tests/site_browser.py): at a desktop and
a narrow width, in Material's light and dark (slate) scheme, every diagram and error block
lies within the content column, each diagram has a working full-size link, the page title
is said once, the dark scheme changes the diagrams' colours, and nothing is logged as an
error in the console.

Skipped where Chromium is not installed; CI installs it (.ci/run) and sets
``NETDRAFT_REQUIRE_CHROMIUM=1``, under which a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import importlib.util
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from netdraft.mkdocs_plugin import FULL_SIZE

_REQUIRED = os.environ.get("NETDRAFT_REQUIRE_CHROMIUM") == "1"
_MISSING = [name for name in ("material", "pymdownx") if importlib.util.find_spec(name) is None]

import site_browser as sb  # noqa: E402 - after the checks that decide to skip

_CHROMIUM = sb.find_chromium()
if not _REQUIRED and (_CHROMIUM is None or _MISSING):
    reason = (
        "needs Chromium (apt-get install chromium, or NETDRAFT_CHROMIUM=PATH)"
        if _CHROMIUM is None
        else f"needs mkdocs-material and pymdown-extensions: missing {', '.join(_MISSING)}"
    )
    pytest.skip(reason, allow_module_level=True)


def test_chromium_and_material_are_installed() -> None:
    # Reached only when they are, or when CI requires them (NETDRAFT_REQUIRE_CHROMIUM=1).
    assert _CHROMIUM is not None, "apt-get install chromium (or set NETDRAFT_CHROMIUM)"
    assert not _MISSING, f"pip install -e '.[dev]': missing {', '.join(_MISSING)}"


def _look(root: Path, css: bool = True) -> list[sb.Look]:
    assert _CHROMIUM is not None
    site = sb.build_site(root, css=css)
    return sb.look_at_site(site, _CHROMIUM)


@pytest.fixture(scope="module")
def looks(tmp_path_factory: pytest.TempPathFactory) -> list[sb.Look]:
    return _look(tmp_path_factory.mktemp("browser-site"))


def _find(looks: list[sb.Look], page: str, viewport: str, scheme: str) -> sb.Look:
    return next(
        look
        for look in looks
        if (look.page, look.viewport, look.scheme) == (page, viewport, scheme)
    )


def test_every_page_was_looked_at_every_width_and_scheme(looks: list[sb.Look]) -> None:
    seen = {(look.page, look.viewport, look.scheme) for look in looks}
    assert len(seen) == len(sb.PAGES) * len(sb.VIEWPORTS) * len(sb.SCHEMES)
    assert {look.measured["scheme"] for look in looks} == set(sb.SCHEMES)
    # Material at the desktop width shows its table of contents beside the column.
    desktop = _find(looks, "index", "desktop", "default").measured
    assert desktop["toc"] is not None and desktop["toc"]["left"] >= desktop["column"]["right"]
    assert _find(looks, "index", "narrow", "default").measured["column"]["right"] <= 400


def test_diagrams_and_errors_stay_in_the_content_column(looks: list[sb.Look]) -> None:
    problems = [p for look in looks for p in sb.layout_problems(look)]
    assert problems == []
    # There was something to measure: diagrams displayed on every page, the broken block's
    # diagnostics wider than the column (they scroll inside it).
    for look in looks:
        assert any(d["shown"] for d in look.measured["diagrams"]), look.page
    for look in (look for look in looks if look.page == "broken/"):
        (error,) = look.measured["errors"]
        assert error["shown"] and error["scrolls"] and error["overflowX"] in ("auto", "scroll")


def test_a_large_diagram_is_scaled_and_links_to_its_full_size(looks: list[sb.Look]) -> None:
    for look in looks:
        for d in look.measured["diagrams"]:
            assert d["link"] is not None and d["link"]["text"] == FULL_SIZE
            assert d["link"]["status"] == 200 and "svg" in d["link"]["type"]
    for viewport in sb.VIEWPORTS:
        (big,) = _find(looks, "index", viewport, "default").measured["diagrams"]
        shown, natural = big["figure"]["box"]["width"], big["figure"]["natural"]
        column = _find(looks, "index", viewport, "default").measured["column"]
        width = column["right"] - column["left"]
        assert natural > width  # wider than the column…
        assert shown <= width + 1 and shown < natural * 0.9  # …so scaled down to it…
        assert big["link"]["width"] == pytest.approx(natural)  # …the link is the full picture


def test_the_page_title_is_said_once(looks: list[sb.Look]) -> None:
    for look in looks:
        assert len(look.measured["h1"]) == 1, (look.page, look.measured["h1"])
    for look in (look for look in looks if look.page == "index"):
        m = look.measured
        assert m["h1"] == [sb.BIG_TITLE]
        (big,) = m["diagrams"]
        said = m["headings"].count(sb.BIG_TITLE) + big["titleTexts"].count(sb.BIG_TITLE)
        assert said == 1


def test_the_dark_scheme_changes_the_diagrams_colours(looks: list[sb.Look]) -> None:
    # Material's slate page is dark, its default page light, whatever the system prefers.
    assert all(sb.is_dark(look) == (look.scheme == "slate") for look in looks)
    assert [p for look in looks for p in sb.colour_problems(look)] == []
    for page in ("index", "nested/", "broken/"):
        light = _find(looks, page, "desktop", "default").measured["diagrams"]
        dark = _find(looks, page, "desktop", "slate").measured["diagrams"]
        inline = [i for i, d in enumerate(light) if d["shown"] and d["figure"]["tag"] == "svg"]
        assert inline, page
        for i in inline:
            assert light[i]["fills"] != dark[i]["fills"]
            assert light[i]["fills"]["vpc"] is not None and dark[i]["fills"]["vpc"] is not None


def test_no_console_errors(looks: list[sb.Look]) -> None:
    assert [p for look in looks for p in look.problems] == []


def test_without_the_stylesheet_the_dark_scheme_is_unreadable(tmp_path: Path) -> None:
    # The twin of the colour test: `css: false` leaves the diagrams as drawn, light boxes and
    # dark text on Material's dark page, and the same measurement finds it.
    looks = _look(tmp_path, css=False)
    dark = [p for look in looks if look.scheme == "slate" for p in sb.colour_problems(look)]
    assert any("has a box filled" in p for p in dark) and any("has text in" in p for p in dark)
    light = [p for look in looks if look.scheme == "default" for p in sb.colour_problems(look)]
    assert light == []


@pytest.mark.parametrize(
    ("theme", "dark_when_the_system_is"), [("mkdocs", False), ("mkdocs-auto", True)]
)
def test_mkdocs_own_theme_the_diagrams_follow_the_page(
    tmp_path: Path, theme: str, dark_when_the_system_is: bool
) -> None:
    # MkDocs' own theme: light by default whatever the system prefers (the diagrams stay
    # light: a dark picture on a white page is wrong), or with `color_mode: auto` dark when
    # the system is (Bootstrap's data-bs-theme="dark"), and the diagrams with it.
    assert _CHROMIUM is not None
    site = sb.build_site(tmp_path, theme=theme)
    looks = sb.look_at_site(
        site, _CHROMIUM, viewports={"desktop": (1280, 900)}, schemes=sb.SYSTEM_SCHEMES
    )
    assert {look.measured["scheme"] for look in looks} == {None}  # no Material scheme
    for look in looks:
        assert sb.is_dark(look) == (dark_when_the_system_is and look.scheme == "system-dark")
    problems = [p for look in looks for p in sb.layout_problems(look) + sb.colour_problems(look)]
    # MkDocs' own darkmode.js (1.6) fails with `highlightjs: false`: it disables the
    # highlight.js stylesheets that the theme then leaves out, after setting the mode.
    theirs = "Cannot set properties of null (setting 'disabled')"
    assert [p for p in problems if not (theirs in p and "/js/darkmode.js" in p)] == []
    light = _find(looks, "nested/", "desktop", "system-light").measured["diagrams"]
    dark = _find(looks, "nested/", "desktop", "system-dark").measured["diagrams"]
    assert (light[0]["fills"] != dark[0]["fills"]) == dark_when_the_system_is


def test_the_screenshot_script_writes_pngs_of_the_width_asked(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parent.parent / "scripts" / "screenshot-site.py"
    out = tmp_path / "shots"
    done = subprocess.run(
        [sys.executable, str(script), str(out), "--viewport", "narrow"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "index    narrow   slate" in done.stdout and "problem" not in done.stdout
    pages = sorted(out.glob("*-narrow-*[a-z].png"))
    assert len(pages) == len(sb.PAGES) * len(sb.SCHEMES) * 2  # whole page and first window
    for png in pages:
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
        assert width == 400 and height >= 800
    assert list(out.glob("broken-narrow-slate-block*.png"))
    assert not list(out.glob("*-desktop-*"))


def test_the_projects_own_site(tmp_path: Path) -> None:
    # The repository's documentation (MkDocs' own theme, light), every page at the desktop
    # width with the system light and dark: netdraft's blocks in their column, their links,
    # light diagrams on its light pages, and no console error on any page. (Its own wide
    # tables are the pages' business, not the plugin's: whole_page=False.)
    assert _CHROMIUM is not None
    site = sb.build_own_site(tmp_path / "site")
    pages = sb.page_names(site)
    assert "examples/" in pages and "mkdocs/" in pages
    looks = sb.look_at_site(
        site, _CHROMIUM, viewports={"desktop": (1280, 900)}, schemes=sb.SYSTEM_SCHEMES, pages=pages
    )
    problems = [p for look in looks for p in sb.layout_problems(look, whole_page=False)]
    problems += [p for look in looks for p in sb.colour_problems(look)]
    assert problems == []
    assert not any(sb.is_dark(look) for look in looks)
    examples = _find(looks, "examples/", "desktop", "system-dark").measured["diagrams"]
    assert len(examples) >= 8 and all(d["shown"] and d["link"] for d in examples)
