"""Transit gateway peerings and ECMP VPNs on the page and the diagram (golden files in
``tgw/``): the peerings' table with their routes and cost, and the VPNs one transit gateway
shares a site's traffic over drawn as one bundle."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from netdraft import api
from netdraft.generator.markdown import build_context

HERE = Path(__file__).parent / "tgw"
NETWORK = HERE / "hybrid.nd"
UPDATE_GOLDEN = os.environ.get("NETDRAFT_UPDATE_GOLDEN") == "1"


def _golden(name: str, actual: str) -> None:
    golden = HERE / name
    if UPDATE_GOLDEN:
        golden.write_text(actual, "utf-8")
    assert actual == golden.read_text("utf-8")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    files = api.docs(NETWORK, tmp_path_factory.mktemp("docs"))
    return files[-1].read_text("utf-8")


def test_golden_page(page: str) -> None:
    _golden("hybrid.md", page)


def test_the_peerings_table_shows_sides_state_routes_and_cost(page: str) -> None:
    section = page.split("### Transit gateway peerings", 1)[1].split("###", 1)[0]
    rows = [r for r in section.splitlines() if r.startswith("| ew |") or r.startswith("| spare |")]
    assert rows == [
        # 2 × 730 h × $0.05 of attachments, and the flow's 110 GB us-east-1 ↔ eu-west-1 at $0.02.
        "| ew | tgw-east ↔ tgw-west | us-east-1 ↔ eu-west-1 | up "
        "| 10.1.0.0/16 (tgw-east), 10.0.0.0/16 (tgw-west) | 75.20 |",
        # Down still pays its hours; one region: no transfer, one region shown.
        "| spare | tgw-east ↔ tgw-spare | us-east-1 | **down** "
        "| 10.2.0.0/16 (tgw-east), 10.0.0.0/16 (tgw-spare) | 73.00 |",
    ]


def test_the_peering_cost_is_its_attachments_and_the_transfer_of_flows_across_it() -> None:
    analysis = api.analyse(NETWORK).require_analysis()
    [ew, spare] = build_context(analysis, "x.svg")["tgw_peerings"]
    assert (ew["attachment_cost"], ew["transfer_cost"]) == ("73.00", "2.20")
    assert (spare["attachment_cost"], spare["transfer_cost"]) == ("73.00", "0.00")
    # The same amounts as the cost report's lines.
    report = analysis.report
    hours = [c.amount for c in report.hourly if c.what.endswith(" attachment ew")]
    assert sum(hours) == Decimal("73.00")
    transfer = [c.amount for c in report.flows["sync"].charges if "→" in c.what]
    assert sum(transfer) == Decimal("2.20")


def test_a_network_without_peerings_has_no_peerings_table(tmp_path: Path) -> None:
    example = Path(__file__).parents[1] / "spec" / "examples" / "04-transit-gateway.nd"
    page = api.docs(example, tmp_path)[-1].read_text("utf-8")
    assert "### Transit gateway peerings" not in page
    assert "### Transit gateway " in page
