"""Scenarios (LANGUAGE.md §12): the network re-checked with parts down, one scenario per kind
of part that can go down, each expectation beside its twin in the whole network."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from netdraft import api
from netdraft.model import network as m
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.expectations import check_path, expectation_trace
from netdraft.sim.prices import bundled
from netdraft.sim.scenario import scenario_network, take_down

FAILOVER = Path(__file__).parent / "networks" / "scenarios" / "failover.nd"


@pytest.fixture(scope="module")
def failover() -> api.Analysis:
    return api.analyse(FAILOVER)


def _scenario(analysis: api.Analysis, name: str) -> tuple[m.Scenario, NetworkAnalysis]:
    found = analysis.require_analysis().scenarios
    return next((s, a) for s, a in found if s.name == name)


def test_every_expectation_of_every_scenario_holds(failover: api.Analysis) -> None:
    assert [d for d in failover.diagnostics if d.is_error] == []
    assert failover.expectations_checked == 15
    assert "15 expectations hold" in failover.summary()


#: (scenario, line of an ``expect`` in it): that expectation holds in the scenario and fails
#: in the whole network: the part down is what makes it true.
TWINS = [
    ("vpn1 fails", "allow via vpn2"),
    ("the VGW's VPNs fail", "allow via vpn-tgw"),
    ("every VPN fails", "deny because TGW_NO_ROUTE"),
    ("nat-a fails", "deny because BLACKHOLE_ROUTE"),
    ("nat-box fails", "deny because BLACKHOLE_ROUTE"),
    ("app fails", "icmp deny"),
    ("app fails", "tcp 22 deny"),
]


@pytest.mark.parametrize(("scenario", "ending"), TWINS)
def test_a_scenario_expectation_fails_in_the_whole_network(
    failover: api.Analysis, scenario: str, ending: str
) -> None:
    base = failover.require_analysis()
    _, within = _scenario(failover, scenario)
    lines = FAILOVER.read_text("utf-8").splitlines()
    exps = [
        o
        for o in within.outcomes.paths
        if lines[o.expectation.span.line - 1].rstrip().endswith(ending)
    ]
    assert exps, f"no expectation ending {ending!r} in {scenario!r}"
    for outcome in exps:
        assert outcome.holds
        assert check_path(expectation_trace(base.trace, outcome.expectation), outcome.expectation)


@pytest.mark.parametrize(
    ("scenario", "holding"),
    [("nat-a fails", "allow via nat-box"), ("nat-box fails", "allow via nat-a")],
)
def test_what_a_part_down_does_not_touch_still_works(
    failover: api.Analysis, scenario: str, holding: str
) -> None:
    _, within = _scenario(failover, scenario)
    lines = FAILOVER.read_text("utf-8").splitlines()
    [outcome] = [
        o
        for o in within.outcomes.paths
        if lines[o.expectation.span.line - 1].rstrip().endswith(holding)
    ]
    assert outcome.holds and outcome.trace.allowed


def test_a_scenario_prices_its_flows_with_its_parts_down(failover: api.Analysis) -> None:
    base = failover.require_analysis()
    _, vgw_down = _scenario(failover, "the VGW's VPNs fail")
    assert base.report.flows["dns"].total == 9  # 100 GB out over a VPN at 0.09
    assert vgw_down.report.flows["dns"].total == 11  # + the transit gateway's 0.02 a GB
    _, none_left = _scenario(failover, "every VPN fails")
    assert none_left.report.flows["dns"].total == 0  # denied: a denied flow costs nothing
    assert set(none_left.report.flows) == {"dns", "probe"}


def test_the_whole_network_is_not_changed_by_its_scenarios(failover: api.Analysis) -> None:
    base = failover.require_analysis()
    network = base.network
    for _, within in base.scenarios:
        within.outcomes  # noqa: B018 (simulate every scenario)
    assert not any(v.down for v in network.vpns.values())
    main = network.vpcs["main"]
    assert not main.nat_gateways["nat-a"].down and not main.instances["app"].down
    assert base.outcomes.failed == ()


def test_taking_a_vpn_down_withdraws_its_routes_and_copies_only_what_changes() -> None:
    network = api.load_network(FAILOVER)
    down = take_down(network, [m.DownPart(m.PartKind.VPN, "vpn-tgw")])
    assert down.vpns["vpn-tgw"].down and not network.vpns["vpn-tgw"].down
    tgw_routes = down.transit_gateways["tgw"].route_tables["rt"].routes
    assert [r.attachment for r in tgw_routes] == ["main"]
    assert down.vpcs is not network.vpcs
    assert down.vpcs["main"] is network.vpcs["main"]  # its VGW's VPNs are all up

    vgw = take_down(network, [m.DownPart(m.PartKind.VPN, "vpn1")])
    learnt = [
        r
        for r in vgw.vpcs["main"].route_tables["private"].routes
        if r.origin is m.RouteOrigin.PROPAGATED
    ]
    assert len(learnt) == 1 and learnt[0].span == network.vpns["vpn2"].span
    assert vgw.transit_gateways is network.transit_gateways


def test_a_scenario_network_has_the_scenario_expectations_only() -> None:
    network = api.load_network(FAILOVER)
    scenario = network.scenarios[2]
    within = scenario_network(network, scenario)
    assert within.expectations == scenario.expectations
    assert within.scenarios == ()
    assert list(within.flows) == ["dns", "probe"]
    assert NetworkAnalysis(within, bundled()).outcomes.failed == ()


# --- failures and mistakes --------------------------------------------------------------------

HEAD = """\
region us-east-1 {
  vpc a 10.0.0.0/16 {
    vpn-gateway vgw
    subnet s 10.0.1.0/24 az us-east-1a
    route-table rt main { propagate vgw }
    security-group sg { ingress all from 192.168.0.0/16 }
    instance app in s sg sg
  }
  vpc b 10.1.0.0/16 {
    subnet s 10.1.1.0/24 az us-east-1a
    instance app in s
  }
}
site dc 192.168.0.0/16 { customer-gateway cgw 198.51.100.1; host bind 192.168.0.53 }
vpn vpn1 vgw <-> cgw bgp
flow dns: a.app -> bind udp 53 volume 1GB
"""


def _check(text: str) -> api.Analysis:
    return api.Analysis(api.compile(HEAD + text, "s.nd"))


def test_a_failure_is_reported_under_its_scenario() -> None:
    analysis = _check('scenario "vpn1 fails" { down vpn1; expect a.app -> bind udp 53 allow }\n')
    [failure] = [d for d in analysis.diagnostics if d.is_error]
    assert failure.code == "expect-failed"
    assert failure.message.startswith("in scenario 'vpn1 fails': expectation does not hold")
    assert failure.span.line == 17
    case = api.checked_file(analysis).cases[0]
    assert case.text == "scenario 'vpn1 fails': expect a.app -> bind udp 53 allow"
    assert case.diagnostic is failure


def test_the_same_expectation_holds_without_the_part_down() -> None:
    analysis = _check('scenario "nothing" { expect a.app -> bind udp 53 allow via vpn1 }\n')
    assert analysis.ok and analysis.expectations_checked == 1


def test_a_file_flow_denied_in_a_scenario_is_a_verdict_not_a_warning() -> None:
    analysis = _check('scenario "vpn1 fails" { down vpn1 }\n')
    assert analysis.diagnostics == ()


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        (
            'scenario "x" { down vpn9 }',
            "unknown-name",
            "no VPN, transit gateway peering, Direct Connect connection, instance or NAT gateway named 'vpn9'",
        ),
        ('scenario "x" { down c.app }', "unknown-name", "named 'app' in vpc 'c'"),
        ('scenario "x" { down app }', "ambiguous-name", "'app' names more than one part"),
        (
            'scenario "x" { down s }',
            "unknown-name",
            "no VPN, transit gateway peering, Direct Connect connection, instance or NAT gateway named 's'",
        ),
        ('scenario "x" { }\nscenario "x" { }', "duplicate-name", "scenario 'x' is declared twice"),
        (
            'scenario "x" { flow dns: a.app -> bind udp 53 volume 1GB }',
            "duplicate-name",
            "flow 'dns' is declared twice (in the file and in scenario 'x')",
        ),
        (
            'scenario "x" { flow f: a.app -> bind udp 53 volume 1GB }\n'
            'scenario "y" { expect cost f = 0 }',
            "unknown-name",
            "no flow named 'f'",
        ),
        ('scenario "x" { expect a.app -> nobody udp 53 allow }', "unknown-name", "'nobody'"),
    ],
)
def test_a_mistake_in_a_scenario_is_a_diagnostic(text: str, code: str, message: str) -> None:
    compiled = api.compile(HEAD + text + "\n", "s.nd")
    [problem] = [d for d in compiled.diagnostics if d.is_error]
    assert problem.code == code
    assert message in problem.message
    assert problem.span.line >= 17


@pytest.mark.parametrize("part", ["b.app", "a.app", "vpn1"])
def test_a_qualified_or_unique_name_resolves(part: str) -> None:
    compiled = api.compile(HEAD + f'scenario "x" {{ down {part} }}\n', "s.nd")
    assert compiled.ok
    assert compiled.network is not None
    [down] = compiled.network.scenarios[0].down
    assert str(down) == part


def test_a_scenario_own_flow_is_priced_in_it_only() -> None:
    analysis = _check(
        'scenario "x" { flow big: a.app -> bind tcp 443 volume 10GB; expect cost big = 0.90 }\n'
    )
    assert analysis.ok
    full = analysis.require_analysis()
    assert "big" not in full.report.flows
    assert full.scenarios[0][1].report.flows["big"].total == Decimal("0.9")
