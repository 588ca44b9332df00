"""The Direct Connect example's page and diagram: connections at their locations, VIFs,
the DX gateway and its associations, each site's resiliency (golden files; regenerate with
``NETDRAFT_UPDATE_GOLDEN=1``)."""

from __future__ import annotations

import os
from pathlib import Path

from netdraft import api
from netdraft.generator.diagram import dot_text

UPDATE = os.environ.get("NETDRAFT_UPDATE_GOLDEN") == "1"
EXAMPLE = Path(__file__).parents[2] / "examples" / "components" / "direct-connect.nd"
GOLDEN = Path(__file__).parent / "golden"


def _golden(name: str, actual: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        golden.write_text(actual, "utf-8")
    assert golden.is_file(), f"missing {golden}: run with NETDRAFT_UPDATE_GOLDEN=1"
    assert actual == golden.read_text("utf-8")


def test_the_direct_connect_page(tmp_path: Path) -> None:
    files = api.docs(EXAMPLE, tmp_path)
    text = files[-1].read_text("utf-8")
    assert "| dx1 | EqDC2 | 1Gbps | dc | router-1 | up |" in text
    assert "| v1 | private | dx1 | DX gateway corp-dxgw |" in text
    assert "| corp-dxgw | app-vgw | — (the VPC's CIDRs) | 10.10.0.0/16 |" in text
    # The VPC's gateway says what reaches it: the VPN, and Direct Connect (not only the VPN).
    assert "virtual private gateway app-vgw (VPN backup; Direct Connect over DX gateway" in text
    assert "| dc | not met: needs two connections on separate devices at one location" in text
    _golden("direct-connect.md", text)


def test_the_page_says_what_is_advertised_not_the_allowed_prefix(tmp_path: Path) -> None:
    # AWS advertises the VPC's CIDR that an allowed prefix holds, never the prefix itself,
    # and nothing for a VPC whose CIDR no allowed prefix holds ("Allowed prefixes
    # interactions", Direct Connect User Guide).
    text = EXAMPLE.read_text("utf-8").replace(
        "associate app-vgw reports-vgw",
        "associate app-vgw allowed 10.0.0.0/8; associate reports-vgw allowed 10.20.1.0/24",
    )
    source = tmp_path / "allowed.nd"
    source.write_text(text, "utf-8")
    page = api.docs(source, tmp_path / "out")[-1].read_text("utf-8")
    assert "| corp-dxgw | app-vgw | 10.0.0.0/8 | 10.10.0.0/16 |" in page
    assert "|  | reports-vgw | 10.20.1.0/24 | nothing |" in page


def test_the_direct_connect_diagram() -> None:
    text = dot_text(api.load_network(EXAMPLE))
    for node in ("dx-connection_dx1", "vif_v1", "dxgw_corp-dxgw", "dx-location_0"):
        assert node in text
    # Each VIF between its connection and the DX gateway; the gateway to both VGWs.
    assert 'id="link__dx-connection_dx1__vif_v1"' in text
    assert 'id="link__vif_v1__dxgw_corp-dxgw"' in text
    assert 'id="link__dxgw_corp-dxgw__vpc_app__vgw_app-vgw"' in text
    # The flow crosses the DX gateway, the VIF and the connection it leaves by.
    assert '"dxgw_corp-dxgw" -> vif_v1' in text and 'vif_v1 -> "dx-connection_dx1"' in text
    _golden("direct-connect.dot", text)


def test_a_connection_down_is_drawn_down() -> None:
    text = EXAMPLE.read_text("utf-8").replace("site dc on router-1", "site dc on router-1 down")
    network = api.compile(text, "down.nd").network
    assert network is not None
    from netdraft.generator.view import view_of

    view = view_of(network)
    found = {n.id: n for n in view.all_nodes()}
    assert found["dx-connection_dx1"].down and found["vif_v1"].down
    assert not found["dx-connection_dx2"].down


def test_diff_names_a_changed_connection() -> None:
    from netdraft.generator.diff import components

    before = api.load_network(EXAMPLE)
    text = EXAMPLE.read_text("utf-8").replace(
        "1Gbps site dc on router-2", "10Gbps site dc on router-2"
    )
    after = api.compile(text, "after.nd").network
    assert after is not None
    found_before, found_after = components(before), components(after)
    for key in (("dx-connection", "dx2"), ("dx-gateway", "corp-dxgw"), ("vif", "v1")):
        assert key in found_before
    assert found_before["dx-connection", "dx2"] != found_after["dx-connection", "dx2"]
