"""``expect resiliency SITE MODEL`` (LANGUAGE.md §12): AWS's Direct Connect resiliency models
(development and test, high, maximum) against a site's connections, and what a failure
says is missing. Each row is ``(connections, model, missing)``: ``missing`` is '' when the
model is met, else words the failure must hold; each failing row has a passing twin."""

from __future__ import annotations

import pytest

from netdraft import api
from netdraft.model import network as m
from netdraft.sim import resiliency

A, B, C = '"EqDC2"', '"CoreSite"', '"Equinix DC6"'


def _file(connections: list[str], model: str) -> str:
    lines = []
    for i, c in enumerate(connections, start=1):
        location, rest = c.rsplit('" ', 1)
        speed, _, options = rest.partition(" ")
        lines.append(f'dx-connection dx{i} at {location}" {speed} site dc {options}'.rstrip())
    return "\n".join(["site dc 192.168.0.0/16 { }", *lines, f"expect resiliency dc {model}", ""])


ROWS: list[tuple[list[str], str, str]] = [
    # Development and test: two connections on separate devices at one location.
    ([f"{A} 1Gbps on d1", f"{A} 1Gbps on d2"], "development", ""),
    ([f"{A} 1Gbps on d1", f"{A} 1Gbps on d1"], "development", "on one device"),
    ([f"{A} 1Gbps"], "development", "two connections on separate devices at one location"),
    ([f"{A} 1Gbps", f"{A} 1Gbps"], "development", ""),  # no device written: separate
    ([f"{A} 1Gbps on d1", f"{A} 1Gbps on d2 down"], "development", ""),  # down still counts
    # High: one connection at each of two locations.
    ([f"{A} 1Gbps", f"{B} 1Gbps"], "high", ""),
    ([f"{A} 1Gbps on d1", f"{A} 1Gbps on d2"], "high", "a connection at a second location"),
    ([f"{A} 1Gbps", f"{B} 10Gbps down"], "high", ""),
    ([], "high", "one connection at each of two locations"),
    # Maximum: two connections on separate devices at each of two locations.
    (
        [f"{A} 1Gbps on d1", f"{A} 1Gbps on d2", f"{B} 1Gbps on d3", f"{B} 1Gbps on d4"],
        "maximum",
        "",
    ),
    (
        [f"{A} 1Gbps on d1", f"{A} 1Gbps on d2", f"{B} 1Gbps on d3"],
        "maximum",
        "a second connection on a separate device at 'CoreSite'",
    ),
    (
        [f"{A} 1Gbps on d1", f"{A} 1Gbps on d1", f"{B} 1Gbps on d3", f"{B} 1Gbps on d4"],
        "maximum",
        "a second connection on a separate device at 'EqDC2'",
    ),
    (
        [f"{A} 1Gbps on d1", f"{A} 1Gbps on d2"],
        "maximum",
        "two connections on separate devices at a second location",
    ),
    ([f"{A} 1Gbps", f"{B} 1Gbps"], "maximum", "at 'CoreSite' and at 'EqDC2'"),
    (
        [f"{A} 1Gbps on d1", f"{A} 1Gbps on d2", f"{B} 1Gbps", f"{C} 1Gbps"],
        "maximum",
        "at 'CoreSite' or 'Equinix DC6'",
    ),
]


@pytest.mark.parametrize(("connections", "model", "missing"), ROWS)
def test_a_model_against_the_site(connections: list[str], model: str, missing: str) -> None:
    analysis = api.Analysis(api.compile(_file(connections, model), "res.nd"))
    outcomes = analysis.require_analysis().outcomes
    (outcome,) = outcomes.resiliency
    assert outcomes.ran == 1
    assert outcome.holds is (missing == ""), outcome.missing
    assert missing in outcome.missing
    if missing:
        assert f"meets no {model} resiliency" in outcome.missing
        failed = [d for d in analysis.diagnostics if d.code == "expect-failed"]
        assert [d.span.line for d in failed] == [len(connections) + 2]


def test_the_locations_of_a_site_are_named_with_their_connections() -> None:
    network = api.compile(_file([f"{A} 1Gbps on d1", f"{B} 1Gbps"], "high"), "r.nd").network
    assert network is not None
    found = resiliency.locations(network, "dc")
    assert [(loc.name, loc.connections, loc.devices) for loc in found] == [
        ("CoreSite", ("dx2",), 1),
        ("EqDC2", ("dx1",), 1),
    ]
    assert resiliency.missing(network, "dc", m.ResiliencyModel.HIGH) == ""


def test_check_counts_resiliency_as_expectations() -> None:
    text = _file([f"{A} 1Gbps", f"{B} 1Gbps"], "high") + "expect resiliency dc maximum\n"
    analysis = api.Analysis(api.compile(text, "r.nd"))
    assert analysis.expectations_checked == 2
    assert analysis.require_analysis().outcomes.ran == 2
    assert [o.holds for o in analysis.require_analysis().outcomes.failed] == [False]
