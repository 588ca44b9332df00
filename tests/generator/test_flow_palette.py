"""The flows' palette: one colour per flow however many flows a diagram has, distinct
enough to be told apart, and legible on the light page and on the dark one (the literal
colours stay in the SVG in dark mode). Checked on the palette and on the DOT text."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

import pytest

import netdraft
from netdraft.api import load_network
from netdraft.generator import colours, diagram
from netdraft.generator.colours import colour_lab, contrast, delta_e, luminance
from netdraft.generator.diagram import DARK_BACKGROUND, FLOW_COLOURS, dot_text, flow_colours

LIGHT = (diagram.BACKGROUND, "#F2F8E9", "#E8F6F7", "#F4F5F6")  # page, subnets, sites
DARK = (DARK_BACKGROUND, "#1D2A15", "#0F2A2C", "#2A2E35")  # mkdocs.css's dark fills
RESERVED = (diagram.HIGHLIGHT, diagram.DROPPED, diagram.LINK, diagram.MUTED_FLOW)
FLOWS = 30


def _network(tmp_path: Path, flows: int) -> Path:
    lines = [
        'title "many flows"',
        "region us-east-1 {",
        "  vpc v 10.0.0.0/16 {",
        "    internet-gateway igw",
        "    subnet pub 10.0.0.0/24 az us-east-1a",
        "    route-table rt { route 0.0.0.0/0 via igw; associate pub }",
        "    security-group sg { egress all to 0.0.0.0/0 }",
        "    instance app in pub sg sg public-ip",
        "  }",
        "}",
        *(f"flow f{i:02}: app -> internet tcp {1000 + i} volume 1GB" for i in range(flows)),
    ]
    path = tmp_path / "many.nd"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_thirty_flows_draw_thirty_colours(tmp_path: Path) -> None:
    dot = dot_text(load_network(_network(tmp_path, FLOWS)))
    drawn: dict[str, set[str]] = {}
    for line in dot.splitlines():
        edge = re.search(r"\bid=\"?flow_(f\d\d)__\d+\b", line)
        if edge:
            colour = re.search(r' color="(#[0-9A-F]{6})"', line)
            assert colour, line
            drawn.setdefault(edge.group(1), set()).add(colour.group(1))
    assert sorted(drawn) == [f"f{i:02}" for i in range(FLOWS)]
    # One colour per flow, all its hops alike, no two flows alike: the palette's, in order.
    assert all(len(c) == 1 for c in drawn.values())
    colours = [next(iter(drawn[f"f{i:02}"])) for i in range(FLOWS)]
    assert colours == list(flow_colours(FLOWS))
    assert len(set(colours)) == FLOWS
    # The legend's markers use them too.
    legend = next(line for line in dot.splitlines() if line.lstrip().startswith("legend "))
    assert all(f'COLOR="{c}"' in legend for c in colours)


def test_one_flow_keeps_the_first_colour(tmp_path: Path) -> None:
    # The twin: a few flows take the fixed palette, unchanged by how many more there could be.
    dot = dot_text(load_network(_network(tmp_path, 1)))
    assert f'color="{FLOW_COLOURS[0]}"' in dot
    assert flow_colours(1) == (FLOW_COLOURS[0],)


def test_thirty_colours_are_told_apart() -> None:
    colours = flow_colours(FLOWS)
    labs = [colour_lab(c) for c in (*colours, *RESERVED)]
    closest = min(delta_e(a, b) for a, b in combinations(labs, 2))
    assert closest >= 12, closest  # CIE76: 2.3 is just noticeable


@pytest.mark.parametrize("count", [FLOWS, 200])
def test_every_colour_reads_on_the_light_and_the_dark_page(count: int) -> None:
    colours = flow_colours(count)
    assert len(set(colours)) == count
    for colour in colours:
        # WCAG's 3:1 for graphics, on both pages.
        assert contrast(colour, diagram.BACKGROUND) >= 3, colour
        assert contrast(colour, DARK_BACKGROUND) >= 3, colour
    # The made ones on every box's fill of both schemes as well.
    for colour in colours[len(FLOW_COLOURS) :]:
        assert min(contrast(colour, fill) for fill in (*LIGHT, *DARK)) >= 3, colour


def test_the_dark_page_is_the_stylesheets() -> None:
    css = (Path(netdraft.__file__).parent / "mkdocs.css").read_text("utf-8")
    assert f"--nd-bg: {DARK_BACKGROUND.lower()};" in css
    for fill in DARK[1:]:
        assert fill.lower() in css


def test_the_contrast_arithmetic() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast("#777777", "#777777") == 1
    assert luminance("#FFFFFF") == pytest.approx(1)
    assert delta_e(colour_lab("#FFFFFF"), (100.0, 0.0, 0.0)) < 0.5
    # A colour that fails one page is caught (the palette's yellow before this rule).
    assert contrast("#F9AB00", diagram.BACKGROUND) < 3


def _at_luminance_by_32_halvings(hue: float, saturation: float, target: float) -> str:
    """:func:`colours.at_luminance` as first written: every halving, through ``#RRGGBB``."""
    import colorsys

    low, high = 0.0, 1.0
    for _ in range(32):
        middle = (low + high) / 2
        rgb = colorsys.hls_to_rgb(hue, middle, saturation)
        if colours.luminance(colours._hex(*rgb)) < target:
            low = middle
        else:
            high = middle
    return colours._hex(*colorsys.hls_to_rgb(hue, (low + high) / 2, saturation))


def test_the_shortened_bisection_finds_the_colours_every_halving_finds() -> None:
    hues = [(step * 0.618033988749895) % 1.0 for step in range(1, 700)] + [0.0, 1 / 6, 0.5, 2 / 3]
    for hue in hues:
        for saturation in (0.8, 0.55, 0.0, 1.0, 0.3):
            for target in (0.19, 0.25, 0.22, 0.0, 0.01, 0.5, 0.99, 1.0):
                expected = _at_luminance_by_32_halvings(hue, saturation, target)
                assert colours.at_luminance(hue, saturation, target) == expected


def test_the_written_out_palette_is_the_one_computed() -> None:
    made = diagram._MADE_FLOW_COLOURS
    diagram.made_flow_colours.cache_clear()
    assert diagram.made_flow_colours(len(made)) == made
    twelve = len(FLOW_COLOURS)
    for count in (0, 1, twelve, twelve + 1, twelve + len(made), twelve + len(made) + 3):
        computed = FLOW_COLOURS[:count] + diagram.made_flow_colours(max(0, count - twelve))
        assert flow_colours(count) == computed
