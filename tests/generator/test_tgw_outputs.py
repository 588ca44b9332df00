"""Transit gateway peerings and ECMP VPNs on the page and the diagram (golden files in
``tgw/``): the peerings' table with their routes and cost, and the VPNs one transit gateway
shares a site's traffic over drawn as one bundle."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from netdraft import api
from netdraft.dsl.query import parse_query
from netdraft.generator.diagram import dot_text
from netdraft.generator.markdown import build_context
from netdraft.generator.view import ClusterKind, Edge, EdgeKind, View, build_view

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


# --- the diagram: ECMP VPNs drawn together ------------------------------------------------------


def _view(text: str) -> View:
    compiled = api.compile(text, "hybrid.nd")
    assert compiled.ok, [d.headline() for d in compiled.diagnostics]
    assert compiled.network is not None
    return build_view(compiled.network)


def _links(view: View, tail: str) -> list[Edge]:
    return [e for e in view.edges if e.kind is EdgeKind.LINK and e.tail == tail]


def _bundles(view: View) -> dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return {
        c.id: (c.title, c.lines, tuple(n.id for n in c.nodes))
        for c in view.all_clusters()
        if c.kind is ClusterKind.ECMP
    }


def test_dot_matches_golden() -> None:
    text = dot_text(api.load_network(NETWORK))
    _golden("hybrid.dot", text)
    assert 'subgraph "cluster_ecmp_tgw-east__dc"' in text
    assert 'lhead="cluster_ecmp_tgw-east__dc"' in text


def test_equal_bgp_vpns_to_one_site_are_one_bundle_with_one_line() -> None:
    view = _view(NETWORK.read_text("utf-8"))
    assert _bundles(view) == {
        "ecmp_tgw-east__dc": ("ECMP ×2 (e1, e2)", ("up to 5 Gbps",), ("vpn_e1", "vpn_e2")),
    }
    # One line from the transit gateway into the box, clipped at its border; the static
    # (and down) VPN beside it keeps a line of its own and stays outside the box.
    links = _links(view, "tgw_tgw-east")
    into = [e for e in links if e.head in ("vpn_e1", "vpn_e2")]
    assert [(e.head, e.head_cluster) for e in into] == [("vpn_e1", "ecmp_tgw-east__dc")]
    assert [e.head_cluster for e in links if e.head == "vpn_e3"] == [""]
    # Each VPN still ends at its own customer gateway.
    assert [e.head for e in _links(view, "vpn_e1")] == ["site_dc__cgw_cgw1"]
    assert [e.head for e in _links(view, "vpn_e2")] == ["site_dc__cgw_cgw2"]


@pytest.mark.parametrize(
    ("change", "bundle"),
    [
        # A third equal VPN: its tunnels add up too.
        (
            ("vpn e3 tgw-east <-> cgw3 static 172.30.0.0/16 down", "vpn e3 tgw-east <-> cgw3 bgp"),
            ("ECMP ×3 (e1, e2, e3)", ("up to 7.5 Gbps",), ("vpn_e1", "vpn_e2", "vpn_e3")),
        ),
        # A VPN down carries nothing: one left, no bundle.
        (("vpn e2 tgw-east <-> cgw2 bgp", "vpn e2 tgw-east <-> cgw2 bgp down"), None),
        # AWS does ECMP over BGP VPNs only.
        (("vpn e2 tgw-east <-> cgw2 bgp", "vpn e2 tgw-east <-> cgw2 static 172.30.0.0/16"), None),
        # Not propagated into a table together: the transit gateway has no equal routes.
        (("propagate east e1 e2", "propagate east e1"), None),
    ],
)
def test_only_equal_up_bgp_vpns_are_bundled(
    change: tuple[str, str], bundle: tuple[str, tuple[str, ...], tuple[str, ...]] | None
) -> None:
    text = NETWORK.read_text("utf-8")
    assert change[0] in text
    if change[0].startswith("vpn e3"):
        text = text.replace("propagate east e1 e2", "propagate east e1 e2 e3")
    view = _view(text.replace(change[0], change[1]))
    assert list(_bundles(view).values()) == ([bundle] if bundle else [])
    if bundle is None:
        heads = {e.head for e in _links(view, "tgw_tgw-east")}
        assert {"vpn_e1", "vpn_e2"} <= heads  # each VPN its own line again


def test_vpns_sharing_a_customer_gateway_meet_it_by_one_line() -> None:
    text = NETWORK.read_text("utf-8").replace(
        "vpn e2 tgw-east <-> cgw2 bgp", "vpn e2 tgw-east <-> cgw1 bgp"
    )
    view = _view(text)
    to_cgw = [e for e in view.edges if e.head == "site_dc__cgw_cgw1"]
    assert [(e.tail, e.tail_cluster) for e in to_cgw] == [("vpn_e1", "ecmp_tgw-east__dc")]


def test_a_path_over_an_ecmp_vpn_is_drawn_through_it() -> None:
    network = api.load_network(NETWORK)
    query = parse_query(network, "app", "h", "tcp", "22")
    assert not isinstance(query, list)
    highlighted = [
        line.split(" [")[0].strip()
        for line in dot_text(network, query).splitlines()
        if "id=highlight_forward__" in line
    ]
    # Into the bundle's first VPN (the path AWS may take over any of them), then its site.
    assert '"tgw_tgw-east" -> vpn_e1' in highlighted
    assert "vpn_e1 -> site_dc__cgw_cgw1" in highlighted
