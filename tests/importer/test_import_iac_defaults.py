"""Terraform's default VPC and default subnets (``aws_default_vpc``, ``aws_default_subnet``),
which it adopts rather than creates, and a partner's hosted Direct Connect connection
(``aws_dx_hosted_connection``), with and without the owner's confirmation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from netdraft import importer
from netdraft.cli import main

Json = dict[str, Any]
_PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]'


def _state(*resources: tuple[str, str, Json]) -> Json:
    return {
        "version": 4,
        "terraform_version": "1.9.0",
        "serial": 1,
        "lineage": "t",
        "outputs": {},
        "resources": [
            {
                "mode": "managed",
                "type": rtype,
                "name": name,
                "provider": _PROVIDER,
                "instances": [{"attributes": attributes}],
            }
            for rtype, name, attributes in resources
        ],
    }


def _plan(*resources: tuple[str, str, Json, Json]) -> Json:
    """A plan of root-module resources: (type, name, planned values, expressions)."""
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {
            "root_module": {
                "resources": [
                    {"address": f"{t}.{n}", "mode": "managed", "type": t, "name": n, "values": v}
                    for t, n, v, _e in resources
                ]
            }
        },
        "resource_changes": [],
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}
            },
            "root_module": {
                "resources": [
                    {
                        "address": f"{t}.{n}",
                        "mode": "managed",
                        "type": t,
                        "name": n,
                        "expressions": e,
                    }
                    for t, n, _v, e in resources
                ]
            },
        },
    }


def _import(tmp_path: Path, data: Json) -> importer.Imported:
    """A state's resources are in us-east-1; a plan's in its provider's region, eu-west-1."""
    source = tmp_path / "input.json"
    source.write_text(json.dumps(data), "utf-8")
    region = None if "planned_values" in data else "us-east-1"
    return importer.from_terraform(source, "imported.nd", region)


def _check(tmp_path: Path, result: importer.Imported, expects: str) -> int:
    (tmp_path / "imported.nd").write_text(result.text, "utf-8")
    (tmp_path / "checks.nd").write_text('include "imported.nd"\n' + expects, "utf-8")
    return main(["check", str(tmp_path / "checks.nd")])


DEFAULT_VPC: Json = {
    "id": "vpc-0def",
    "cidr_block": "172.31.0.0/16",
    "main_route_table_id": "rtb-0main",
    "default_route_table_id": "rtb-0main",
    "default_network_acl_id": "acl-0def",
    "default_security_group_id": "sg-0def",
    "enable_dns_support": True,
    "enable_dns_hostnames": True,
    "tags": {},
}
DEFAULT_SUBNET: Json = {
    "id": "subnet-0a",
    "vpc_id": "vpc-0def",
    "cidr_block": "172.31.0.0/20",
    "availability_zone": "us-east-1a",
    "map_public_ip_on_launch": True,
    "tags": {},
}
WEB: Json = {
    "id": "i-0web",
    "subnet_id": "subnet-0a",
    "private_ip": "172.31.0.10",
    "public_ip": "54.0.0.10",
    "vpc_security_group_ids": ["sg-0open"],
    "source_dest_check": True,
    "tags": {},
}
OPEN: Json = {
    "id": "sg-0open",
    "vpc_id": "vpc-0def",
    "name": "open",
    "ingress": [
        {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}
    ],
    "egress": [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}],
    "tags": {},
}


def test_a_states_default_vpc_and_subnet_are_imported_with_the_routes_it_holds(
    tmp_path: Path,
) -> None:
    result = _import(
        tmp_path,
        _state(
            ("aws_default_vpc", "default", DEFAULT_VPC),
            ("aws_default_subnet", "a", DEFAULT_SUBNET),
            ("aws_internet_gateway", "igw", {"id": "igw-0def", "vpc_id": "vpc-0def"}),
            (
                "aws_default_route_table",
                "main",
                {
                    "id": "rtb-0main",
                    "default_route_table_id": "rtb-0main",
                    "vpc_id": "vpc-0def",
                    "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-0def"}],
                },
            ),
            ("aws_security_group", "open", OPEN),
            ("aws_instance", "web", WEB),
        ),
    )
    text = " ".join(result.text.split())
    assert "vpc default 172.31.0.0/16 { # aws_default_vpc.default (vpc-0def)" in text
    assert "subnet a 172.31.0.0/20 az us-east-1a public-ip-on-launch" in text
    assert "route-table main main {" in text
    assert not any("aws_default" in w for w in result.warnings), result.warnings
    assert _check(tmp_path, result, "expect internet -> web tcp 443 allow via igw\n") == 0


def test_a_default_vpc_without_a_gateway_of_the_input_says_aws_gateway_is_not_imported(
    tmp_path: Path,
) -> None:
    subnet = {k: v for k, v in DEFAULT_SUBNET.items() if k != "map_public_ip_on_launch"}
    result = _import(
        tmp_path,
        _state(("aws_default_vpc", "default", DEFAULT_VPC), ("aws_default_subnet", "a", subnet)),
    )
    assert (
        "aws_default_vpc.default: AWS gives a default VPC an internet gateway and a route"
        " 0.0.0.0/0 to it in the main route table, which are no resources of the input:"
        " neither is imported (write an aws_internet_gateway, or the routes of an"
        " aws_default_route_table, if the VPC still has them)"
    ) in result.warnings
    # A default subnet maps public addresses unless the input says it does not (AWS's).
    assert "public-ip-on-launch" in result.text
    assert "internet-gateway" not in result.text


def test_a_plan_made_before_adoption_says_the_default_cidrs_are_missing(tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        _plan(
            ("aws_default_vpc", "default", {"enable_dns_support": True}, {}),
            (
                "aws_default_subnet",
                "a",
                {"availability_zone": "eu-west-1a"},
                {"availability_zone": {"constant_value": "eu-west-1a"}},
            ),
            ("aws_vpc", "app", {"cidr_block": "10.0.0.0/16"}, {}),
        ),
    )
    assert (
        "aws_default_vpc.default: a default VPC's CIDR is AWS's, not the configuration's; only a"
        " state, or a plan made after Terraform adopted the VPC (terraform apply), holds it:"
        " not imported"
    ) in result.warnings
    assert (
        "aws_default_subnet.a: a default subnet's CIDR is AWS's (a /20 of the default VPC), not"
        " the configuration's; only a state, or a plan made after Terraform adopted the subnet"
        " (terraform apply), holds it: not imported"
    ) in result.warnings
    # The plan's own VPC is not taken for the default subnet's.
    assert "vpc app 10.0.0.0/16 { }" in result.text and "\n    subnet" not in result.text


def test_an_adopted_plans_default_subnet_is_in_the_regions_default_vpc(tmp_path: Path) -> None:
    values = {k: v for k, v in DEFAULT_VPC.items() if k != "id"}
    subnet = {k: v for k, v in DEFAULT_SUBNET.items() if k not in ("id", "vpc_id")}
    subnet["availability_zone"] = "eu-west-1a"
    subnet["map_public_ip_on_launch"] = False
    result = _import(
        tmp_path,
        _plan(
            ("aws_default_vpc", "default", values, {}),
            ("aws_default_subnet", "a", subnet, {}),
            ("aws_vpc", "app", {"cidr_block": "10.0.0.0/16"}, {}),
        ),
    )
    text = " ".join(result.text.split())
    assert (
        "vpc default 172.31.0.0/16 { # aws_default_vpc.default"
        " subnet a 172.31.0.0/20 az eu-west-1a # aws_default_subnet.a }"
    ) in text
    assert "public-ip-on-launch" not in text
    assert "region eu-west-1 {" in text and "us-east-1" not in text


def test_a_default_subnet_without_its_default_vpc_says_so(tmp_path: Path) -> None:
    subnet = {k: v for k, v in DEFAULT_SUBNET.items() if k not in ("id", "vpc_id")}
    result = _import(tmp_path, _plan(("aws_default_subnet", "a", subnet, {})))
    assert (
        "aws_default_subnet.a: a default subnet is in its region's default VPC, which is not in"
        " the input (aws_default_vpc): not imported"
    ) in result.warnings


HOSTED: Json = {
    "id": "dxcon-h1",
    "connection_id": "dxlag-partner",
    "lag_id": "dxlag-partner",
    "bandwidth": "100Mbps",
    "name": "hosted-a",
    "location": "EqDC2",
    "aws_device": "EqDC2-abc",
    "owner_account_id": "111122223333",
    "state": "ordering",
    "vlan": 101,
}
HOSTED_NETWORK = (
    ("aws_vpc", "app", {"id": "vpc-1", "cidr_block": "10.0.0.0/16"}),
    ("aws_vpn_gateway", "vgw", {"id": "vgw-1", "vpc_id": "vpc-1", "amazon_side_asn": "64512"}),
    ("aws_dx_hosted_connection", "hosted", HOSTED),
    (
        "aws_dx_private_virtual_interface",
        "vif",
        {
            "id": "dxvif-1",
            "connection_id": "dxcon-h1",
            "vpn_gateway_id": "vgw-1",
            "name": "vif-a",
            "vlan": 101,
            "address_family": "ipv4",
            "bgp_asn": 65000,
        },
    ),
)
UNCONFIRMED = (
    "aws_dx_hosted_connection.hosted is a hosted connection for account 111122223333: no"
    " aws_dx_connection_confirmation of the input confirms it, and AWS keeps it ordering until"
    " its owner does: it is written as a connection that is up"
)


def test_a_hosted_connection_is_a_dx_connection_of_its_own_speed(tmp_path: Path) -> None:
    result = _import(tmp_path, _state(*HOSTED_NETWORK))
    assert (
        'dx-connection hosted-a at "EqDC2" 100Mbps site dx-site on EqDC2-abc'
        " # aws_dx_hosted_connection.hosted (dxcon-h1)"
    ) in result.text
    assert "vif vif-a private hosted-a -> vgw" in result.text
    assert UNCONFIRMED in result.warnings
    # Its lag_id is the partner's interconnect LAG: no LAG of the input.
    assert not any("LAG" in w for w in result.warnings), result.warnings
    assert _check(tmp_path, result, "") == 0


def test_a_confirmed_or_available_hosted_connection_is_no_warning(tmp_path: Path) -> None:
    confirmation = (
        "aws_dx_connection_confirmation",
        "ok",
        {"id": "dxcon-h1", "connection_id": "dxcon-h1"},
    )
    confirmed = _import(tmp_path, _state(*HOSTED_NETWORK, confirmation))
    assert UNCONFIRMED not in confirmed.warnings
    assert "aws_dx_hosted_connection.hosted (dxcon-h1)" in confirmed.text
    assert not any("not read" in w for w in confirmed.warnings), confirmed.warnings
    up = [
        (t, n, {**a, "state": "available"} if t == "aws_dx_hosted_connection" else a)
        for t, n, a in HOSTED_NETWORK
    ]
    assert UNCONFIRMED not in _import(tmp_path, _state(*up)).warnings


def _refs(*addresses: str) -> Json:
    return {"references": [r for a in addresses for r in (f"{a}.id", a)]}


def test_a_plans_default_table_and_group_name_the_default_vpc_by_reference(
    tmp_path: Path,
) -> None:
    vpc = {k: v for k, v in DEFAULT_VPC.items() if not k.endswith("id")}
    subnet = {k: v for k, v in DEFAULT_SUBNET.items() if k not in ("id", "vpc_id")}
    subnet["availability_zone"] = "eu-west-1a"
    route = {"cidr_block": "0.0.0.0/0", "gateway_id": None}
    table_refs = {
        "default_route_table_id": {
            "references": [
                "aws_default_vpc.default.default_route_table_id",
                "aws_default_vpc.default",
            ]
        },
        "route": _refs("aws_internet_gateway.igw"),
    }
    result = _import(
        tmp_path,
        _plan(
            ("aws_default_vpc", "default", vpc, {}),
            ("aws_default_subnet", "a", subnet, {}),
            ("aws_internet_gateway", "igw", {}, {"vpc_id": _refs("aws_default_vpc.default")}),
            ("aws_default_route_table", "main", {"route": [route]}, table_refs),
            (
                "aws_default_security_group",
                "default",
                {"ingress": [], "egress": []},
                {"vpc_id": _refs("aws_default_vpc.default")},
            ),
        ),
    )
    text = " ".join(result.text.split())
    assert "internet-gateway igw" in text
    assert (
        "route-table main main { # aws_default_route_table.main route 0.0.0.0/0 via igw }" in text
    )
    assert not any("aws_default" in w for w in result.warnings), result.warnings
