"""The package's public API reads as the pipeline and works end to end."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import netdraft

EXAMPLE = Path(__file__).parent / "spec" / "examples" / "01-public-private-nat.nd"


def test_pipeline(tmp_path: Path) -> None:
    compiled = netdraft.load(EXAMPLE)
    assert compiled.ok and compiled.network is not None
    assert netdraft.check(EXAMPLE).ok
    network = compiled.network
    trace = netdraft.path(network, "app-1", "internet", "tcp", "443")
    assert trace.allowed and trace.crosses("nat-a")
    assert netdraft.cost(network).total == Decimal("91.05")
    netdraft.render(network, tmp_path / "n.dot", highlight=trace)
    assert "digraph" in (tmp_path / "n.dot").read_text("utf-8")


def test_path_with_an_unknown_endpoint_raises_a_diagnostic() -> None:
    network = netdraft.load_network(EXAMPLE)
    with pytest.raises(netdraft.NetdraftError) as info:
        netdraft.path(network, "app-1", "nowhere", "tcp", "443")
    assert info.value.diagnostics[0].code == "unknown-name"


def test_diff_of_a_file_with_itself_is_empty() -> None:
    report = netdraft.diff(str(EXAMPLE), str(EXAMPLE)).report
    assert report.components.empty and not report.reachability and report.cost_delta == 0
