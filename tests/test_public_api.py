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


def test_path_reuses_one_simulator_per_network_and_answers_as_a_fresh_one() -> None:
    from netdraft import api
    from netdraft.dsl.query import parse_query
    from netdraft.sim.path import trace

    network = netdraft.load_network(EXAMPLE)
    first = netdraft.path(network, "app-1", "internet", "tcp", "443")
    session = api._session(network)
    assert netdraft.path(network, "app-1", "internet", "tcp", "443") == first
    assert api._session(network) is session  # built once, kept between calls
    query = parse_query(network, "app-1", "internet", "tcp", "443")
    assert not isinstance(query, list) and trace(network, query) == first
    # A misspelt name gets its hint on every call: the hints' budget is per query.
    for _ in range(3):
        with pytest.raises(netdraft.NetdraftError) as info:
            netdraft.path(network, "app-1", "app-2x", "tcp", "443")
        assert "did you mean 'app-2'?" in info.value.render()


def test_path_keeps_sessions_for_the_most_recent_networks_only() -> None:
    from netdraft import api

    networks = [netdraft.load_network(EXAMPLE) for _ in range(api.SESSIONS + 1)]
    for network in networks:
        netdraft.path(network, "app-1", "internet", "tcp", "443")
    kept = [s.network for s in api._sessions]
    assert len(kept) == api.SESSIONS and not any(k is networks[0] for k in kept)
    assert all(any(n is k for k in kept) for n in networks[1:])
