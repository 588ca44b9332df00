"""``netdraft docs`` of a network with scenarios: each scenario's verdicts beside the whole network's."""

from __future__ import annotations

import os
from pathlib import Path

from netdraft import api

FAILOVER = Path(__file__).parents[1] / "sim" / "networks" / "scenarios" / "failover.nd"
GOLDEN = Path(__file__).parent / "golden" / "scenarios.md"
UPDATE_GOLDEN = os.environ.get("NETDRAFT_UPDATE_GOLDEN") == "1"


def _page(tmp_path: Path) -> str:
    files = api.docs(FAILOVER, tmp_path)
    return files[-1].read_text("utf-8")


def test_golden_page_with_scenarios(tmp_path: Path) -> None:
    actual = _page(tmp_path)
    if UPDATE_GOLDEN:
        GOLDEN.write_text(actual, "utf-8")
    assert actual == GOLDEN.read_text("utf-8")


def test_a_scenario_row_shows_the_whole_network_beside_it(tmp_path: Path) -> None:
    page = _page(tmp_path)
    assert "- **Scenarios:** 6; their expectations: 12 of 12 hold" in page
    section = page.split("### vpn1 fails", 1)[1].split("###", 1)[0]
    assert "Down: vpn vpn1." in section
    [row] = [r for r in section.splitlines() if r.startswith("| 56 |")]
    assert "app → vgw → vpn2 → cgw2 → bind" in row  # in the scenario
    assert row.endswith("| allow: app → vgw → vpn1 → cgw1 → bind |")  # in the whole network
    [flow] = [r for r in section.splitlines() if r.startswith("| dns |")]
    assert flow == (
        "| dns | allow: app → vgw → vpn2 → cgw2 → bind | 9.00 "
        "| allow: app → vgw → vpn1 → cgw1 → bind | 9.00 |"
    )


def test_a_failing_scenario_expectation_is_shown_failing(tmp_path: Path) -> None:
    text = FAILOVER.read_text("utf-8").replace("expect cost dns = 11.00", "expect cost dns = 9.00")
    copy = tmp_path / "failover.nd"
    copy.write_text(text, "utf-8")
    analysis = api.analyse(copy)
    assert not analysis.ok
    page = api.docs(copy, tmp_path / "out")[-1].read_text("utf-8")
    assert "their expectations: 11 of 12 hold — **1 fails**" in page
