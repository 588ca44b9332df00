"""The canonical layout of Direct Connect statements (LANGUAGE.md §12), and their model."""

from __future__ import annotations

from netdraft import api
from netdraft.dsl.fmt import format_text

CANONICAL = """\
region us-east-1 {
  vpc corp 10.0.0.0/16 {
    vpn-gateway corp-vgw
  }
  transit-gateway tgw { }
}

site dc 192.168.0.0/16 { }

dx-connection dx1 at "EqDC2" 1Gbps hosted site dc on dev-1 down
dx-connection dx2 at "CoreSite" 500Mbps site dc

dx-gateway dxgw-v { associate corp-vgw }

dx-gateway dxgw {
  associate tgw allowed 10.0.0.0/8 172.16.0.0/12
}

vif v1 private dx1 -> dxgw-v
vif v2 transit dx2 -> dxgw
vif v3 private dx2 -> corp-vgw

expect resiliency dc high
"""


def test_direct_connect_statements_format_to_themselves() -> None:
    text, diagnostics = format_text(CANONICAL)
    assert diagnostics == [] and text == CANONICAL


def test_options_are_written_in_canonical_order() -> None:
    messy = 'site dc 10.9.0.0/16 { }\ndx-connection  dx1 at "A"   10Gbps hosted site dc  down\n'
    text, _ = format_text(messy)
    assert text is not None
    assert 'dx-connection dx1 at "A" 10Gbps hosted site dc down' in text


def test_the_model_holds_what_is_written() -> None:
    network = api.compile(CANONICAL, "dx.nd").network
    assert network is not None
    dx1, dx2 = network.dx_connections["dx1"], network.dx_connections["dx2"]
    assert (dx1.location, dx1.speed, dx1.hosted, dx1.device, dx1.down) == (
        "EqDC2",
        "1Gbps",
        True,
        "dev-1",
        True,
    )
    assert (dx2.hosted, dx2.device, dx2.down) == (True, "", False)  # 500 Mbps is hosted only
    (assoc,) = network.dx_gateways["dxgw"].associations
    assert [str(p) for p in assoc.allowed] == ["10.0.0.0/8", "172.16.0.0/12"]
    assert network.vifs["v1"].to_dx_gateway and not network.vifs["v3"].to_dx_gateway
    assert "dxgw" in network.transit_gateways["tgw"].attachments
