"""Networks written from AWS's documentation, with what AWS says must hold.

Each file states its verdicts as ``expect`` lines (checked by the simulator, never stored
answers); the test also pins how many there are and the warnings, so that an expectation
dropped by mistake fails here. ``hybrid/net.nd`` includes ``hybrid/aws.nd``: the
imported-account-plus-hand-written-file pattern.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netdraft import api
from netdraft.model.network import Verdict

NETWORKS = Path(__file__).parent / "networks" / "aws-docs"

CASES = [
    # file, expectations, warning codes
    ("private-subnets-nat.nd", 15, []),
    ("hybrid/net.nd", 9, ["partial-ephemeral"]),
]


@pytest.mark.parametrize(("name", "count", "warnings"), CASES)
def test_every_expectation_of_the_aws_docs_networks_holds(
    name: str, count: int, warnings: list[str]
) -> None:
    result = api.check(NETWORKS / name)
    assert [d.code for d in result.diagnostics if d.is_error] == []
    assert sorted(d.code for d in result.diagnostics if not d.is_error) == warnings
    network = result.require_network()
    assert len(network.expectations) == count
    assert result.ok


def test_an_address_in_s3s_published_ranges_takes_the_gateway_endpoint() -> None:
    analysis = api.check(NETWORKS / "private-subnets-nat.nd")
    trace = api.path(analysis.require_network(), "server-a", "52.216.237.77", "tcp", "443")
    assert trace.allowed
    assert "s3-gw" in [c.name for c in trace.components()]


@pytest.mark.parametrize(
    ("destination", "protocol", "allowed"),
    [("10.0.0.2", "udp", 53), ("169.254.169.123", "udp", 123), ("169.254.169.254", "tcp", 80)],
)
def test_a_port_set_to_a_service_on_the_host_finds_its_port(
    destination: str, protocol: str, allowed: int
) -> None:
    # No rule names these ports: the set is cut at the services' own ports too.
    network = api.check(NETWORKS / "private-subnets-nat.nd").require_network()
    trace = api.path(network, "server-b", destination, protocol, "any")
    assert not trace.allowed  # not every port answers
    runs = [(r.ports.low, r.ports.high, r.verdict is Verdict.ALLOW) for r in trace.port_runs]
    assert (allowed, allowed, True) in runs
    assert all(not ok for low, high, ok in runs if (low, high) != (allowed, allowed))


def test_a_trace_names_the_file_of_a_decision_written_in_an_included_file() -> None:
    from netdraft.generator.explain import explain

    top = NETWORKS / "hybrid" / "net.nd"
    network = api.check(top).require_network()
    text = explain(api.path(network, "laptop", "app", "tcp", "22"), network.file)
    # The VPN is written in net.nd (its line alone); the ACL rule in aws.nd (file and line).
    assert "vpn office-vpn: forwarded — to vgw  [line " in text
    assert "inbound rule 100 allow tcp 22 192.168.0.0/16  [" in text
    assert f"{NETWORKS / 'hybrid' / 'aws.nd'}:15]" in text
