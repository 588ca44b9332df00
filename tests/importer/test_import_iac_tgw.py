"""Transit gateway resources issue 19 lists (``aws_ec2_transit_gateway*``) beyond the
attachments, tables, routes, associations and propagations of the fixtures: prefix list
references, the accepter of another account's VPC attachment, and the resources that move
a transit gateway's default association and propagation tables. Each is checked by the
route a path takes, with a denied twin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from netdraft import api, importer
from netdraft.dsl.query import parse_query
from netdraft.sim.path import trace

R = "us-east-1"


def _state(resources: list[tuple[str, str, dict[str, Any]]]) -> dict[str, Any]:
    return {
        "version": 4,
        "terraform_version": "1.9.8",
        "resources": [
            {"mode": "managed", "type": t, "name": n, "instances": [{"attributes": a}]}
            for t, n, a in resources
        ],
    }


def _hub(tgw: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Two VPCs, each routing 10.0.0.0/8 to one transit gateway."""
    found: list[tuple[str, str, dict[str, Any]]] = [
        ("aws_ec2_transit_gateway", "hub", {"id": "tgw-1", **tgw}),
        ("aws_ec2_transit_gateway_route_table", "rt", {"id": "tgw-rtb-1", "transit_gateway_id": "tgw-1"}),
    ]  # fmt: skip
    for n, i in (("a", 1), ("b", 2)):
        found += [
            ("aws_vpc", n, {"id": f"vpc-{n}", "cidr_block": f"10.{i}.0.0/16"}),
            ("aws_subnet", n, {"id": f"subnet-{n}", "vpc_id": f"vpc-{n}", "cidr_block": f"10.{i}.1.0/24",
                               "availability_zone": "us-east-1a"}),
            ("aws_default_route_table", n, {"id": f"rtb-{n}", "default_route_table_id": f"rtb-{n}",
                                            "vpc_id": f"vpc-{n}", "route": [{"cidr_block": "10.0.0.0/8",
                                            "transit_gateway_id": "tgw-1"}]}),
            ("aws_security_group", n, {"id": f"sg-{n}", "name": "open", "vpc_id": f"vpc-{n}",
                "ingress": [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["10.0.0.0/8"]}],
                "egress": [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}]}),
            ("aws_instance", n, {"id": f"i-{n}", "subnet_id": f"subnet-{n}", "private_ip": f"10.{i}.1.10",
                                 "vpc_security_group_ids": [f"sg-{n}"]}),
            ("aws_ec2_transit_gateway_vpc_attachment", n, {"id": f"tgw-attach-{n}", "transit_gateway_id": "tgw-1",
                "vpc_id": f"vpc-{n}", "subnet_ids": [f"subnet-{n}"]}),
        ]  # fmt: skip
    return found


def _verdict(tmp_path: Path, resources: list[tuple[str, str, dict[str, Any]]]) -> tuple[str, str]:
    (tmp_path / "terraform.tfstate").write_text(json.dumps(_state(resources)), "utf-8")
    result = importer.from_terraform(tmp_path / "terraform.tfstate", "aws.nd")
    compiled = api.compile(result.text, "aws.nd")
    assert compiled.ok and compiled.network is not None, result.text
    query = parse_query(compiled.network, "a-instance", "b-instance", "tcp", "443")
    assert not isinstance(query, list), query
    t = trace(compiled.network, query)
    return t.verdict.name, result.text


_NO_DEFAULTS = {"default_route_table_association": "disable", "default_route_table_propagation": "disable"}  # fmt: skip
_IN_RT = [
    (f"aws_ec2_transit_gateway_route_table_{k}", n, {"transit_gateway_route_table_id": "tgw-rtb-1",
                                                    "transit_gateway_attachment_id": f"tgw-attach-{n}"})
    for k in ("association",) for n in ("a", "b")
]  # fmt: skip


def test_a_prefix_list_reference_routes_the_lists_cidrs(tmp_path: Path) -> None:
    plist = ("aws_ec2_managed_prefix_list", "b", {"id": "pl-1", "name": "b", "entry": [{"cidr": "10.2.0.0/16"}]})  # fmt: skip
    ref = {"transit_gateway_route_table_id": "tgw-rtb-1", "prefix_list_id": "pl-1",
           "transit_gateway_attachment_id": "tgw-attach-b", "blackhole": False}  # fmt: skip
    back = ("aws_ec2_transit_gateway_route_table_propagation", "a",
            {"transit_gateway_route_table_id": "tgw-rtb-1", "transit_gateway_attachment_id": "tgw-attach-a"})  # fmt: skip
    routed = [*_hub(_NO_DEFAULTS), *_IN_RT, back, plist,
              ("aws_ec2_transit_gateway_prefix_list_reference", "b", ref)]  # fmt: skip
    verdict, text = _verdict(tmp_path, routed)
    assert "route b-pl via b-vpc" in text and verdict == "ALLOW"
    blackholed = [*routed[:-1], ("aws_ec2_transit_gateway_prefix_list_reference", "b",
                                 {**ref, "blackhole": True, "transit_gateway_attachment_id": ""})]  # fmt: skip
    verdict, text = _verdict(tmp_path, blackholed)
    assert "route b-pl blackhole" in text and verdict == "DENY"


def test_the_default_propagation_table_can_be_another_table(tmp_path: Path) -> None:
    tgw = {
        "default_route_table_association": "disable",
        "default_route_table_propagation": "enable",
    }
    moved = ("aws_ec2_transit_gateway_default_route_table_propagation", "rt",
             {"transit_gateway_id": "tgw-1", "transit_gateway_route_table_id": "tgw-rtb-1"})  # fmt: skip
    verdict, text = _verdict(tmp_path, [*_hub(tgw), *_IN_RT, moved])
    assert "propagate a-vpc b-vpc" in text and verdict == "ALLOW"
    verdict, _ = _verdict(tmp_path, [*_hub(tgw), *_IN_RT])  # propagations go to the default table
    assert verdict == "DENY"


def test_an_accepter_says_whether_another_accounts_attachment_propagates(tmp_path: Path) -> None:
    tgw = {"default_route_table_association": "enable", "default_route_table_propagation": "enable"}
    accept = [
        ("aws_ec2_transit_gateway_vpc_attachment_accepter", n,
         {"id": f"tgw-attach-{n}", "transit_gateway_attachment_id": f"tgw-attach-{n}",
          "transit_gateway_default_route_table_propagation": True})
        for n in ("a", "b")
    ]  # fmt: skip
    verdict, text = _verdict(tmp_path, [*_hub(tgw), *accept])
    assert verdict == "ALLOW", text
    refused = [(t, n, {**a, "transit_gateway_default_route_table_propagation": False}) for t, n, a in accept]  # fmt: skip
    verdict, text = _verdict(tmp_path, [*_hub(tgw), *refused])
    assert verdict == "DENY" and "propagate" not in text.split("route-table default")[1]
