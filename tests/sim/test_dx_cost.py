"""Direct Connect costs (LANGUAGE.md §12): port-hours by speed, dedicated or hosted; data out
over Direct Connect ($0.02/GB), data in free; a transit VIF's data processed by the transit
gateway; a down connection still billed by the hour."""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_dx_paths import NETWORKS

from netdraft import api


def _report(text: str) -> api.Analysis:
    return api.Analysis(api.compile(text, "dx-cost.nd"))


FLOWS = [
    # Out over DX to the site: $0.02/GB; the reply in is free.
    ("vgw", "app -> bind tcp 53 volume 100GB return 10GB", [("request", "dx_out_per_gb")], "2.00"),
    # From the site: the request in is free, the reply out is charged.
    ("vgw", "bind -> app tcp 22 volume 100GB return 10GB", [("reply", "dx_out_per_gb")], "0.20"),
    # Over the VPN instead when DX is down: the VPN's data-out price.
    (
        "vgw-vpn-down",
        "app -> bind tcp 53 volume 100GB return 10GB",
        [("request", "vpn_out_per_gb")],
        "9.00",
    ),
    # A transit VIF: the transit gateway processes both ways, DX charges data out.
    (
        "transit",
        "app -> bind tcp 53 volume 100GB return 10GB",
        [("request", "tgw_per_gb"), ("request", "dx_out_per_gb"), ("reply", "tgw_per_gb")],
        "4.20",
    ),
    # Through a DX gateway to a VPC of another region: priced where the data leaves.
    ("dxgw", "far -> bind tcp 53 volume 100GB", [("request", "dx_out_per_gb")], "2.00"),
]


@pytest.mark.parametrize(("net", "flow", "keys", "total"), FLOWS)
def test_flow_over_direct_connect(
    net: str, flow: str, keys: list[tuple[str, str]], total: str
) -> None:
    analysis = _report(NETWORKS[net] + f"flow f: {flow}\n").require_analysis()
    cost = analysis.report.flows["f"]
    assert cost.trace.allowed, cost.trace.reason
    assert [(c.what.split(":")[0], c.price_key) for c in cost.charges] == keys
    assert f"{cost.total:.2f}" == total


def test_data_out_is_priced_in_the_region_it_leaves() -> None:
    analysis = _report(NETWORKS["dxgw"] + "flow f: far -> bind tcp 53 volume 1GB\n")
    (charge,) = analysis.require_analysis().report.flows["f"].charges
    assert charge.region == "us-west-2" and "Direct Connect dx1" in charge.what


@pytest.mark.parametrize(
    ("line", "key", "monthly"),
    [
        ('dx-connection c at "EqDC2" 1Gbps site dc', "dx_port_1gbps_per_hour", "219.00"),
        ('dx-connection c at "EqDC2" 10Gbps site dc', "dx_port_10gbps_per_hour", "1642.50"),
        ('dx-connection c at "EqDC2" 100Gbps site dc', "dx_port_100gbps_per_hour", "16425.00"),
        (
            'dx-connection c at "EqDC2" 1Gbps hosted site dc',
            "dx_hosted_port_1gbps_per_hour",
            "240.90",
        ),
        ('dx-connection c at "EqDC2" 500Mbps site dc', "dx_hosted_port_500mbps_per_hour", "146.00"),
        ('dx-connection c at "EqDC2" 1Gbps site dc down', "dx_port_1gbps_per_hour", "219.00"),
    ],
)
def test_port_hours_by_speed(line: str, key: str, monthly: str) -> None:
    text = "site dc 192.168.0.0/16 { }\n" + line + "\n"
    report = _report(text).require_analysis().report
    (charge,) = report.hourly
    assert charge.price_key == key and charge.quantity == Decimal(730)
    assert f"{charge.amount:.2f}" == monthly
