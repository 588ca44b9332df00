"""Prefix lists and interface endpoints from Terraform and CloudFormation: a list's entries
(inline or as resources) are written, rules and routes that name it refer to it; an
endpoint's addresses, which AWS picks at apply, are allocated and marked; a DHCP option
set's domain reaches its VPC."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from netdraft import api, importer


def res(rtype: str, name: str, values: dict[str, Any]) -> dict[str, Any]:
    return {"address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
            "values": values}  # fmt: skip


def conf(rtype: str, name: str, refs: dict[str, str]) -> dict[str, Any]:
    expressions = {k: {"references": [f"{v}.id", v]} for k, v in refs.items()}
    return {"address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
            "expressions": expressions}  # fmt: skip


def plan(tmp_path: Path, resources: list[dict[str, Any]], refs: list[dict[str, Any]]) -> str:
    data = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": resources}},
        "configuration": {"root_module": {"resources": refs}},
    }
    (tmp_path / "plan.json").write_text(json.dumps(data), "utf-8")
    result = importer.from_terraform(tmp_path / "plan.json")
    assert api.compile(result.text, "aws.nd").ok, result.text
    return result.text


NET = [
    res("aws_vpc", "v", {"cidr_block": "10.8.0.0/16"}),
    res("aws_subnet", "s", {"cidr_block": "10.8.1.0/24", "availability_zone": "us-east-1a"}),
]
NET_REFS = [conf("aws_subnet", "s", {"vpc_id": "aws_vpc.v"})]


def test_a_planned_list_keeps_its_entries_and_rules_and_routes_refer_to_it(
    tmp_path: Path,
) -> None:
    text = plan(
        tmp_path,
        [
            *NET,
            res(
                "aws_ec2_managed_prefix_list",
                "corp",
                {
                    "name": "corp",
                    "max_entries": 5,
                    "entry": [{"cidr": "198.51.100.0/24", "description": "hq"}],
                },
            ),
            res("aws_ec2_managed_prefix_list_entry", "branch", {"cidr": "192.0.2.0/25"}),
            res("aws_security_group", "web", {"name": "web", "ingress": [], "egress": []}),
            res(
                "aws_vpc_security_group_ingress_rule",
                "https",
                {"ip_protocol": "tcp", "from_port": 443, "to_port": 443},
            ),
            res("aws_internet_gateway", "igw", {}),
            res("aws_route_table", "rt", {}),
            res("aws_route", "to_corp", {}),
        ],
        [
            *NET_REFS,
            conf(
                "aws_ec2_managed_prefix_list_entry",
                "branch",
                {"prefix_list_id": "aws_ec2_managed_prefix_list.corp"},
            ),
            conf("aws_security_group", "web", {"vpc_id": "aws_vpc.v"}),
            conf(
                "aws_vpc_security_group_ingress_rule",
                "https",
                {
                    "security_group_id": "aws_security_group.web",
                    "prefix_list_id": "aws_ec2_managed_prefix_list.corp",
                },
            ),
            conf("aws_internet_gateway", "igw", {"vpc_id": "aws_vpc.v"}),
            conf("aws_route_table", "rt", {"vpc_id": "aws_vpc.v"}),
            conf(
                "aws_route",
                "to_corp",
                {
                    "route_table_id": "aws_route_table.rt",
                    "destination_prefix_list_id": "aws_ec2_managed_prefix_list.corp",
                    "gateway_id": "aws_internet_gateway.igw",
                },
            ),
        ],
    )
    assert "prefix-list corp { 192.0.2.0/25; 198.51.100.0/24 }" in text
    assert "ingress tcp 443 from corp" in text
    assert "route corp via igw" in text


def test_a_state_names_a_list_by_its_id(tmp_path: Path) -> None:
    def state(rtype: str, name: str, values: dict[str, Any]) -> dict[str, Any]:
        return {
            "mode": "managed",
            "type": rtype,
            "name": name,
            "instances": [{"attributes": values}],
        }

    rule = {
        "protocol": "tcp",
        "from_port": 22,
        "to_port": 22,
        "prefix_list_ids": ["pl-0c0"],
        "cidr_blocks": [],
        "security_groups": [],
        "self": False,
    }
    data = {
        "version": 4,
        "resources": [
            state("aws_vpc", "v", {"id": "vpc-1", "cidr_block": "10.8.0.0/16"}),
            state(
                "aws_ec2_managed_prefix_list",
                "admins",
                {
                    "id": "pl-0c0",
                    "name": "admins",
                    "entry": [{"cidr": "203.0.113.0/28", "description": ""}],
                },
            ),
            state(
                "aws_security_group",
                "ssh",
                {"id": "sg-1", "vpc_id": "vpc-1", "name": "ssh", "ingress": [rule], "egress": []},
            ),
        ],
    }
    (tmp_path / "terraform.tfstate").write_text(json.dumps(data), "utf-8")
    text = importer.from_terraform(tmp_path / "terraform.tfstate").text
    assert (
        "prefix-list admins { 203.0.113.0/28 } # aws_ec2_managed_prefix_list.admins (pl-0c0)"
        in text
    )
    assert "ingress tcp 22 from admins" in text


def test_a_templates_list_and_the_rules_that_name_it(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "V": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}},
            "Offices": {
                "Type": "AWS::EC2::PrefixList",
                "Properties": {
                    "PrefixListName": "offices",
                    "AddressFamily": "IPv4",
                    "MaxEntries": 3,
                    "Entries": [{"Cidr": "198.51.100.0/24", "Description": "hq"}],
                },
            },
            "G": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {
                    "VpcId": {"Ref": "V"},
                    "GroupDescription": "g",
                    "SecurityGroupIngress": [
                        {
                            "IpProtocol": "tcp",
                            "FromPort": 443,
                            "ToPort": 443,
                            "SourcePrefixListId": {"Ref": "Offices"},
                        },
                    ],
                    "SecurityGroupEgress": [
                        {
                            "IpProtocol": "tcp",
                            "FromPort": 443,
                            "ToPort": 443,
                            "DestinationPrefixListId": {"Fn::GetAtt": ["Offices", "PrefixListId"]},
                        },
                    ],
                },
            },
        }
    }
    (tmp_path / "t.json").write_text(json.dumps(template), "utf-8")
    result = importer.from_cloudformation(tmp_path / "t.json")
    assert "prefix-list Offices { 198.51.100.0/24 }" in result.text
    assert "ingress tcp 443 from Offices" in result.text
    assert "egress tcp 443 to Offices" in result.text
    assert api.compile(result.text, "aws.nd").ok


def test_an_interface_endpoints_addresses_are_allocated_and_marked(tmp_path: Path) -> None:
    text = plan(
        tmp_path,
        [
            *NET,
            res("aws_instance", "a", {}),
            res(
                "aws_vpc_endpoint",
                "sqs",
                {"vpc_endpoint_type": "Interface", "service_name": "com.amazonaws.us-east-1.sqs"},
            ),
        ],
        [
            *NET_REFS,
            conf("aws_instance", "a", {"subnet_id": "aws_subnet.s"}),
            conf("aws_vpc_endpoint", "sqs", {"vpc_id": "aws_vpc.v", "subnet_ids": "aws_subnet.s"}),
        ],
    )
    assert "instance a in s ip 10.8.1.4" in text
    # From the top of the subnet, as the language gives an endpoint's (the instance's stays)
    assert "endpoint sqs interface sqs in s ips 10.8.1.254 #" in text
    assert "addresses 10.8.1.254 given by netdraft: AWS picks them" in text
    assert "is not in the dump" not in text


def test_a_dhcp_option_sets_domain_reaches_its_vpc(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "V": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}},
            "Opts": {
                "Type": "AWS::EC2::DHCPOptions",
                "Properties": {
                    "DomainName": "corp.example",
                    "DomainNameServers": ["AmazonProvidedDNS"],
                },
            },
            "Assoc": {
                "Type": "AWS::EC2::VPCDHCPOptionsAssociation",
                "Properties": {"VpcId": {"Ref": "V"}, "DhcpOptionsId": {"Ref": "Opts"}},
            },
        }
    }
    (tmp_path / "t.json").write_text(json.dumps(template), "utf-8")
    result = importer.from_cloudformation(tmp_path / "t.json")
    assert "dhcp-options domain corp.example # Opts" in result.text
    assert not result.warnings
    text = plan(
        tmp_path,
        [
            res("aws_vpc", "v", {"cidr_block": "10.8.0.0/16"}),
            res("aws_vpc_dhcp_options", "o", {"domain_name": "ec2.internal"}),
            res("aws_vpc_dhcp_options_association", "a", {}),
        ],
        [
            conf(
                "aws_vpc_dhcp_options_association",
                "a",
                {"vpc_id": "aws_vpc.v", "dhcp_options_id": "aws_vpc_dhcp_options.o"},
            )
        ],
    )
    assert "dhcp-options" not in text and "not read" not in text  # AWS's default domain
