"""Held-out inputs of issue 19's review: shapes users bring (the terraform-aws-modules VPC
module's plan, CloudFormation's quick-start, Terraformer states, CDK output), each imported
and checked against what AWS would do."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from netdraft import importer
from netdraft.cli import main

Json = dict[str, Any]


def vpc_module_plan(
    *, single_nat: bool = False, default_acl_ingress: list[Json] | None = None
) -> Json:
    """A plan of the terraform-aws-modules/vpc module's shape (``module.vpc.aws_vpc.this[0]``,
    three zones of public, private and database subnets, NAT gateways whose ids and the
    routes' targets are known only after apply, the default group, ACL and route table)."""
    azs = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    R = []
    C = []

    def res(typ, name, idx, values):
        a = f"module.vpc.{typ}.{name}" + (f"[{idx}]" if idx is not None else "")
        d = {
            "address": a,
            "mode": "managed",
            "type": typ,
            "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "schema_version": 0,
            "values": values,
            "sensitive_values": {},
        }
        if idx is not None:
            d["index"] = idx
        R.append(d)

    def cfg(typ, name, expr, count=True):
        C.append(
            {
                "address": f"{typ}.{name}",
                "mode": "managed",
                "type": typ,
                "name": name,
                "provider_config_key": "aws",
                "expressions": expr,
                "schema_version": 0,
                **({"count_expression": {"references": ["local.create_vpc"]}} if count else {}),
            }
        )

    def ref(*r):
        return {"references": list(r)}

    def tags(n):
        return {"Name": n}

    res(
        "aws_vpc",
        "this",
        0,
        {
            "cidr_block": "10.0.0.0/16",
            "enable_dns_hostnames": True,
            "enable_dns_support": True,
            "instance_tenancy": "default",
            "tags": tags("my-vpc"),
            "tags_all": tags("my-vpc"),
            "assign_generated_ipv6_cidr_block": False,
            "ipv4_ipam_pool_id": None,
        },
    )
    cfg(
        "aws_vpc",
        "this",
        {"cidr_block": ref("local.cidr"), "tags": ref("var.name", "var.tags", "var.vpc_tags")},
    )
    for kind, base, pub in (("public", 101, True), ("private", 1, False), ("database", 21, False)):
        for i, az in enumerate(azs):
            res(
                "aws_subnet",
                kind,
                i,
                {
                    "cidr_block": f"10.0.{base + i}.0/24",
                    "availability_zone": az,
                    "map_public_ip_on_launch": pub,
                    "tags": tags(f"my-vpc-{kind}-{az}"),
                    "assign_ipv6_address_on_creation": False,
                    "ipv6_cidr_block": None,
                },
            )
        cfg(
            "aws_subnet",
            kind,
            {
                "vpc_id": ref("local.vpc_id"),
                "cidr_block": ref(f"var.{kind}_subnets", "count.index"),
                "availability_zone": ref("var.azs", "count.index"),
            },
        )
    res("aws_internet_gateway", "this", 0, {"tags": tags("my-vpc")})
    cfg("aws_internet_gateway", "this", {"vpc_id": ref("local.vpc_id")})
    n = 1 if single_nat else 3
    for i in range(n):
        res("aws_eip", "nat", i, {"domain": "vpc", "tags": tags(f"my-vpc-{azs[i]}")})
        res(
            "aws_nat_gateway",
            "this",
            i,
            {"connectivity_type": "public", "tags": tags(f"my-vpc-{azs[i]}")},
        )
    cfg("aws_eip", "nat", {"domain": {"constant_value": "vpc"}})
    cfg(
        "aws_nat_gateway",
        "this",
        {
            "allocation_id": ref("local.nat_gateway_ips", "var.single_nat_gateway", "count.index"),
            "subnet_id": ref("aws_subnet.public", "var.single_nat_gateway", "count.index"),
        },
    )
    res("aws_route_table", "public", 0, {"tags": tags("my-vpc-public")})
    cfg("aws_route_table", "public", {"vpc_id": ref("local.vpc_id")})
    res(
        "aws_route",
        "public_internet_gateway",
        0,
        {"destination_cidr_block": "0.0.0.0/0", "timeouts": {"create": "5m"}},
    )
    cfg(
        "aws_route",
        "public_internet_gateway",
        {
            "route_table_id": ref(
                "aws_route_table.public[0].id",
                "aws_route_table.public[0]",
                "aws_route_table.public",
            ),
            "gateway_id": ref(
                "aws_internet_gateway.this[0].id",
                "aws_internet_gateway.this[0]",
                "aws_internet_gateway.this",
            ),
            "destination_cidr_block": {"constant_value": "0.0.0.0/0"},
        },
    )
    for i in range(n):
        res(
            "aws_route_table",
            "private",
            i,
            {"tags": tags("my-vpc-private" if single_nat else f"my-vpc-private-{azs[i]}")},
        )
        res(
            "aws_route",
            "private_nat_gateway",
            i,
            {"destination_cidr_block": "0.0.0.0/0", "timeouts": {"create": "5m"}},
        )
    cfg("aws_route_table", "private", {"vpc_id": ref("local.vpc_id")})
    cfg(
        "aws_route",
        "private_nat_gateway",
        {
            "route_table_id": ref("aws_route_table.private", "count.index"),
            "nat_gateway_id": ref("aws_nat_gateway.this", "count.index"),
            "destination_cidr_block": ref("var.nat_gateway_destination_cidr_block"),
        },
    )
    for kind in ("public", "private", "database"):
        for i in range(3):
            res("aws_route_table_association", kind, i, {})
    rt = {
        "public": ref(
            "aws_route_table.public[0].id", "aws_route_table.public[0]", "aws_route_table.public"
        ),
        "private": ref("aws_route_table.private", "var.single_nat_gateway", "count.index"),
        "database": ref(
            "var.create_database_subnet_route_table",
            "var.single_nat_gateway",
            "var.create_database_internet_gateway_route",
            "aws_route_table.database",
            "count.index",
            "aws_route_table.private",
        ),
    }
    for kind in ("public", "private", "database"):
        cfg(
            "aws_route_table_association",
            kind,
            {"subnet_id": ref(f"aws_subnet.{kind}", "count.index"), "route_table_id": rt[kind]},
        )
    res("aws_db_subnet_group", "database", 0, {"name": "my-vpc", "tags": tags("my-vpc")})
    cfg("aws_db_subnet_group", "database", {"subnet_ids": ref("aws_subnet.database")})
    res(
        "aws_default_security_group",
        "this",
        0,
        {
            "ingress": [],
            "egress": [],
            "tags": tags("my-vpc-default"),
            "revoke_rules_on_delete": False,
        },
    )
    cfg(
        "aws_default_security_group",
        "this",
        {"vpc_id": ref("aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this")},
    )

    def allow(no, ip6=False):
        return {
            "action": "allow",
            "cidr_block": "" if ip6 else "0.0.0.0/0",
            "ipv6_cidr_block": "::/0" if ip6 else "",
            "from_port": 0,
            "to_port": 0,
            "icmp_code": 0,
            "icmp_type": 0,
            "protocol": "-1",
            "rule_no": no,
        }

    res(
        "aws_default_network_acl",
        "this",
        0,
        {
            "ingress": default_acl_ingress
            if default_acl_ingress is not None
            else [allow(100), allow(101, True)],
            "egress": [allow(100), allow(101, True)],
            "tags": tags("my-vpc-default"),
        },
    )
    cfg(
        "aws_default_network_acl",
        "this",
        {
            "default_network_acl_id": ref(
                "aws_vpc.this[0].default_network_acl_id", "aws_vpc.this[0]", "aws_vpc.this"
            )
        },
    )
    res(
        "aws_default_route_table",
        "default",
        0,
        {"route": [], "tags": tags("my-vpc-default"), "timeouts": {"create": "5m", "update": "5m"}},
    )
    cfg(
        "aws_default_route_table",
        "default",
        {
            "default_route_table_id": ref(
                "aws_vpc.this[0].default_route_table_id", "aws_vpc.this[0]", "aws_vpc.this"
            )
        },
    )
    # root resources
    root = [
        {
            "address": "aws_security_group.app",
            "mode": "managed",
            "type": "aws_security_group",
            "name": "app",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "values": {
                "name": "app",
                "description": "app",
                "tags": None,
                "ingress": [
                    {
                        "cidr_blocks": ["10.0.0.0/16"],
                        "description": "",
                        "from_port": 8080,
                        "to_port": 8080,
                        "protocol": "tcp",
                        "ipv6_cidr_blocks": [],
                        "prefix_list_ids": [],
                        "security_groups": [],
                        "self": False,
                    }
                ],
                "egress": [
                    {
                        "cidr_blocks": ["0.0.0.0/0"],
                        "description": "",
                        "from_port": 0,
                        "to_port": 0,
                        "protocol": "-1",
                        "ipv6_cidr_blocks": [],
                        "prefix_list_ids": [],
                        "security_groups": [],
                        "self": False,
                    }
                ],
            },
        },
        {
            "address": "aws_security_group.bastion",
            "mode": "managed",
            "type": "aws_security_group",
            "name": "bastion",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "values": {
                "name": "bastion",
                "description": "bastion",
                "tags": None,
                "ingress": [
                    {
                        "cidr_blocks": ["0.0.0.0/0"],
                        "description": "",
                        "from_port": 22,
                        "to_port": 22,
                        "protocol": "tcp",
                        "ipv6_cidr_blocks": [],
                        "prefix_list_ids": [],
                        "security_groups": [],
                        "self": False,
                    }
                ],
            },
        },
        {
            "address": "aws_instance.app",
            "mode": "managed",
            "type": "aws_instance",
            "name": "app",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "values": {
                "ami": "ami-0abcdef1234567890",
                "instance_type": "t3.micro",
                "source_dest_check": True,
                "tags": {"Name": "app"},
            },
        },
        {
            "address": "aws_instance.bastion",
            "mode": "managed",
            "type": "aws_instance",
            "name": "bastion",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "values": {
                "ami": "ami-0abcdef1234567890",
                "instance_type": "t3.micro",
                "source_dest_check": True,
                "tags": {"Name": "bastion"},
            },
        },
    ]
    rootcfg = [
        {
            "address": "aws_security_group.app",
            "mode": "managed",
            "type": "aws_security_group",
            "name": "app",
            "expressions": {"vpc_id": ref("module.vpc.vpc_id", "module.vpc")},
        },
        {
            "address": "aws_security_group.bastion",
            "mode": "managed",
            "type": "aws_security_group",
            "name": "bastion",
            "expressions": {"vpc_id": ref("module.vpc.vpc_id", "module.vpc")},
        },
        {
            "address": "aws_instance.app",
            "mode": "managed",
            "type": "aws_instance",
            "name": "app",
            "expressions": {
                "subnet_id": ref(
                    "module.vpc.private_subnets[0]", "module.vpc.private_subnets", "module.vpc"
                ),
                "vpc_security_group_ids": ref(
                    "aws_security_group.app.id", "aws_security_group.app"
                ),
            },
        },
        {
            "address": "aws_instance.bastion",
            "mode": "managed",
            "type": "aws_instance",
            "name": "bastion",
            "expressions": {
                "subnet_id": ref(
                    "module.vpc.public_subnets[0]", "module.vpc.public_subnets", "module.vpc"
                ),
                "vpc_security_group_ids": ref(
                    "aws_security_group.bastion.id", "aws_security_group.bastion"
                ),
            },
        },
    ]
    outputs = {
        o: {"expression": ref(*r), "description": ""}
        for o, r in {
            "vpc_id": ["local.vpc_id"],
            "private_subnets": ["aws_subnet.private"],
            "public_subnets": ["aws_subnet.public"],
            "database_subnets": ["aws_subnet.database"],
            "natgw_ids": ["aws_nat_gateway.this"],
        }.items()
    }
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {
            "root_module": {
                "resources": root,
                "child_modules": [{"address": "module.vpc", "resources": R}],
            }
        },
        "resource_changes": [
            {
                "address": r["address"],
                "module_address": "module.vpc" if r["address"].startswith("module.") else None,
                "mode": "managed",
                "type": r["type"],
                "name": r["name"],
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": r["values"],
                    "after_unknown": {"id": True},
                },
            }
            for r in root + R
        ],
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "full_name": "registry.terraform.io/hashicorp/aws",
                    "expressions": {"region": {"constant_value": "eu-west-1"}},
                }
            },
            "root_module": {
                "resources": rootcfg,
                "module_calls": {
                    "vpc": {
                        "source": "terraform-aws-modules/vpc/aws",
                        "version_constraint": "5.16.0",
                        "expressions": {
                            "name": {"constant_value": "my-vpc"},
                            "cidr": {"constant_value": "10.0.0.0/16"},
                        },
                        "module": {"outputs": outputs, "resources": C, "variables": {}},
                    }
                },
            },
        },
        "timestamp": "2026-12-03T17:00:00Z",
        "applyable": True,
        "complete": True,
        "errored": False,
    }
    return plan


def imported(tmp_path: Path, plan: Json, name: str = "plan.json") -> importer.Imported:
    source = tmp_path / name
    source.write_text(json.dumps(plan), "utf-8")
    return importer.from_terraform(source, "imported.nd")


def check(tmp_path: Path, result: importer.Imported, expects: str) -> int:
    """``netdraft check``'s exit code for the imported file with ``expects`` beside it."""
    (tmp_path / "imported.nd").write_text(result.text, "utf-8")
    (tmp_path / "checks.nd").write_text('include "imported.nd"\n' + expects, "utf-8")
    return main(["check", str(tmp_path / "checks.nd")])


def test_the_vpc_modules_plan_routes_each_zone_through_its_own_nat(tmp_path: Path) -> None:
    result = imported(tmp_path, vpc_module_plan())
    assert "associate my-vpc-database-eu-west-1b my-vpc-private-eu-west-1b" in result.text
    expects = """
expect app -> internet tcp 443 allow
expect internet -> app tcp 8080 deny
expect internet -> bastion tcp 22 allow
expect internet -> bastion tcp 80 deny
"""
    assert check(tmp_path, result, expects) == 0


def test_a_single_nat_gateway_serves_every_zone(tmp_path: Path) -> None:
    result = imported(tmp_path, vpc_module_plan(single_nat=True))
    assert result.text.count("route 0.0.0.0/0 via my-vpc-eu-west-1a") == 1
    assert check(tmp_path, result, "expect app -> internet tcp 443 allow\n") == 0


def test_a_planned_default_acl_guards_the_subnets_no_other_acl_has(tmp_path: Path) -> None:
    # The module's default ACL with its own rules; its subnet_ids are known only after
    # apply: AWS associates every subnet that no other ACL has with it.
    only_ssh = [
        {
            "action": "allow",
            "cidr_block": "0.0.0.0/0",
            "ipv6_cidr_block": "",
            "from_port": 22,
            "to_port": 22,
            "icmp_code": 0,
            "icmp_type": 0,
            "protocol": "tcp",
            "rule_no": 100,
        },
        {
            "action": "allow",
            "cidr_block": "10.0.0.0/16",
            "ipv6_cidr_block": "",
            "from_port": 0,
            "to_port": 0,
            "icmp_code": 0,
            "icmp_type": 0,
            "protocol": "-1",
            "rule_no": 110,
        },
    ]
    result = imported(tmp_path, vpc_module_plan(default_acl_ingress=only_ssh))
    expects = """
expect internet -> bastion tcp 22 allow
expect internet -> bastion tcp 80 deny
expect bastion -> app tcp 8080 deny
expect app -> internet tcp 443 deny
"""
    assert check(tmp_path, result, expects) == 0


def _rule(port: int, cidr: str, protocol: str = "tcp") -> Json:
    return {
        "cidr_blocks": [cidr],
        "from_port": port,
        "to_port": port,
        "protocol": protocol,
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "security_groups": [],
        "self": False,
        "description": "",
    }


def interface_plan() -> Json:
    """An instance attached to its own ``aws_network_interface`` (``network_interface {
    device_index = 0 }``: no subnet_id of its own), a peer beside it, and an instance in a
    subnet read by a data source (not in the plan)."""

    def res(address: str, values: Json) -> Json:
        rtype, name = address.split(".")
        return {
            "address": address,
            "mode": "managed",
            "type": rtype,
            "name": name,
            "values": values,
        }

    def cfg(address: str, expressions: Json) -> Json:
        rtype, name = address.split(".")
        return {
            "address": address,
            "mode": "managed",
            "type": rtype,
            "name": name,
            "expressions": expressions,
        }

    def ref(*refs: str) -> Json:
        return {"references": list(refs)}

    vpc = {"vpc_id": ref("aws_vpc.v.id", "aws_vpc.v")}
    return {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    res("aws_vpc.v", {"cidr_block": "10.5.0.0/16", "tags": {"Name": "v"}}),
                    res(
                        "aws_subnet.a",
                        {"cidr_block": "10.5.1.0/24", "availability_zone": "eu-west-1a"},
                    ),
                    res(
                        "aws_security_group.ssh",
                        {
                            "name": "ssh",
                            "ingress": [_rule(22, "10.5.0.0/16")],
                            "egress": [_rule(0, "0.0.0.0/0", "-1")],
                        },
                    ),
                    res(
                        "aws_network_interface.eni",
                        {"private_ips": ["10.5.1.50"], "source_dest_check": True},
                    ),
                    res(
                        "aws_instance.app",
                        {
                            "ami": "ami-1",
                            "network_interface": [
                                {"device_index": 0, "delete_on_termination": False}
                            ],
                            "tags": {"Name": "app"},
                        },
                    ),
                    res("aws_instance.peer", {"ami": "ami-1", "tags": {"Name": "peer"}}),
                    res("aws_instance.jump", {"ami": "ami-1", "tags": {"Name": "jump"}}),
                ]
            }
        },
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}
            },
            "root_module": {
                "resources": [
                    cfg("aws_subnet.a", vpc),
                    cfg("aws_security_group.ssh", vpc),
                    cfg(
                        "aws_network_interface.eni",
                        {
                            "subnet_id": ref("aws_subnet.a.id", "aws_subnet.a"),
                            "security_groups": ref(
                                "aws_security_group.ssh.id", "aws_security_group.ssh"
                            ),
                        },
                    ),
                    cfg(
                        "aws_instance.app",
                        {
                            "network_interface": [
                                {
                                    "network_interface_id": ref(
                                        "aws_network_interface.eni.id", "aws_network_interface.eni"
                                    ),
                                    "device_index": {"constant_value": 0},
                                }
                            ]
                        },
                    ),
                    cfg("aws_instance.peer", {"subnet_id": ref("aws_subnet.a.id", "aws_subnet.a")}),
                    cfg(
                        "aws_instance.jump",
                        {"subnet_id": ref("data.aws_subnet.shared.id", "data.aws_subnet.shared")},
                    ),
                ]
            },
        },
    }


def test_an_instance_on_its_own_interface_is_where_the_interface_is(tmp_path: Path) -> None:
    result = imported(tmp_path, interface_plan())
    # The instance takes its interface's subnet, address and groups (AWS: they are its
    # primary ENI's); the interface is not a second machine.
    assert "instance app in a sg ssh ip 10.5.1.50" in result.text
    assert "instance eni" not in result.text
    expects = "expect peer -> app tcp 22 allow\nexpect peer -> app tcp 23 deny\n"
    assert check(tmp_path, result, expects) == 0


def test_a_standalone_interface_keeps_its_groups(tmp_path: Path) -> None:
    plan = interface_plan()
    for r in plan["planned_values"]["root_module"]["resources"]:
        if r["address"] == "aws_instance.app":
            r["values"] = {"ami": "ami-1"}  # no longer attached: the ENI stands alone
    result = imported(tmp_path, plan)
    assert "has no security group" not in "\n".join(result.warnings)


def test_an_instance_in_a_subnet_the_input_lacks_says_so(tmp_path: Path) -> None:
    result = imported(tmp_path, interface_plan())
    assert any(
        w.startswith("aws_instance.jump: its subnet is not in the input") for w in result.warnings
    ), result.warnings
    assert "EC2-Classic" not in "\n".join(result.warnings)


def test_a_template_instance_on_its_own_interface_is_where_the_interface_is(
    tmp_path: Path,
) -> None:
    template = tmp_path / "eni.yaml"
    template.write_text(
        """
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.6.0.0/16}}
  Sub:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.6.1.0/24, AvailabilityZone: eu-west-1a}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.6.0.0/16}]
  Eni:
    Type: AWS::EC2::NetworkInterface
    Properties: {SubnetId: !Ref Sub, GroupSet: [!Ref Sg], PrivateIpAddress: 10.6.1.50}
  App:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      NetworkInterfaces: [{NetworkInterfaceId: !Ref Eni, DeviceIndex: "0"}]
  Peer: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-1, SubnetId: !Ref Sub}}
""",
        "utf-8",
    )
    result = importer.from_cloudformation(template, region="eu-west-1", output="imported.nd")
    assert "instance App in Sub sg Sg ip 10.6.1.50" in result.text
    expects = "expect Peer -> App tcp 22 allow\nexpect Peer -> App tcp 23 deny\n"
    assert check(tmp_path, result, expects) == 0


def test_a_list_attribute_naming_counted_resources_takes_them_all(tmp_path: Path) -> None:
    # The module's dedicated public ACL: aws_network_acl.public[0] with subnet_ids =
    # aws_subnet.public[*].id (no count.index): all three public subnets, not the one of
    # the ACL's own index.
    plan = vpc_module_plan()
    module = plan["planned_values"]["root_module"]["child_modules"][0]["resources"]
    config = plan["configuration"]["root_module"]["module_calls"]["vpc"]["module"]["resources"]
    acl = "module.vpc.aws_network_acl.public[0]"
    module.append(
        {
            "address": acl,
            "mode": "managed",
            "type": "aws_network_acl",
            "name": "public",
            "index": 0,
            "values": {"tags": {"Name": "my-vpc-public"}},
        }
    )
    config.append(
        {
            "address": "aws_network_acl.public",
            "mode": "managed",
            "type": "aws_network_acl",
            "name": "public",
            "expressions": {
                "vpc_id": {"references": ["local.vpc_id"]},
                "subnet_ids": {"references": ["aws_subnet.public"]},
            },
        }
    )
    rules = [
        ("public_inbound", 0, 100, False, 443, 443),
        ("public_inbound", 1, 110, False, 1024, 65535),
        ("public_outbound", 0, 100, True, 0, 65535),
    ]
    for name, index, number, egress, low, high in rules:
        module.append(
            {
                "address": f"module.vpc.aws_network_acl_rule.{name}[{index}]",
                "mode": "managed",
                "type": "aws_network_acl_rule",
                "name": name,
                "index": index,
                "values": {
                    "cidr_block": "0.0.0.0/0",
                    "egress": egress,
                    "from_port": low,
                    "to_port": high,
                    "protocol": "tcp",
                    "rule_action": "allow",
                    "rule_number": number,
                },
            }
        )
    for name in ("public_inbound", "public_outbound"):
        config.append(
            {
                "address": f"aws_network_acl_rule.{name}",
                "mode": "managed",
                "type": "aws_network_acl_rule",
                "name": name,
                "expressions": {
                    "network_acl_id": {
                        "references": [
                            "aws_network_acl.public[0].id",
                            "aws_network_acl.public[0]",
                            "aws_network_acl.public",
                        ]
                    }
                },
            }
        )
    result = imported(tmp_path, plan)
    block = result.text.split("network-acl my-vpc-public {")[1].split("}")[0]
    assert (
        "associate my-vpc-public-eu-west-1a my-vpc-public-eu-west-1b my-vpc-public-eu-west-1c"
        in block
    )
    expects = """
expect internet -> bastion tcp 22 deny because ACL_INBOUND_DENY
expect app -> internet tcp 443 allow
"""
    assert check(tmp_path, result, expects) == 0


def two_module_instances() -> Json:
    """The VPC module called with ``for_each`` (``module.vpc["prod"]``, ``module.vpc["dev"]``):
    the same resource addresses in two instances, the root's instances in one each."""
    plan = vpc_module_plan()
    child = plan["planned_values"]["root_module"]["child_modules"][0]
    instances = []
    for key in ("prod", "dev"):
        module = copy.deepcopy(child)
        module["address"] = f'module.vpc["{key}"]'
        for r in module["resources"]:
            r["address"] = r["address"].replace("module.vpc.", f'module.vpc["{key}"].')
            cidr = r["values"].get("cidr_block")
            if key == "dev" and isinstance(cidr, str):
                r["values"]["cidr_block"] = cidr.replace("10.0.", "10.1.")
        instances.append(module)
    plan["planned_values"]["root_module"]["child_modules"] = instances
    for r in plan["configuration"]["root_module"]["resources"]:
        key = "prod" if r["name"] == "app" else "dev"
        for expression in r["expressions"].values():
            expression["references"] = [
                x.replace("module.vpc.", f'module.vpc["{key}"].') for x in expression["references"]
            ]
    plan["configuration"]["root_module"]["module_calls"]["vpc"]["for_each_expression"] = {
        "references": ["local.envs"]
    }
    return plan


def test_each_instance_of_a_for_each_module_keeps_its_own_resources(tmp_path: Path) -> None:
    result = imported(tmp_path, two_module_instances())
    assert not [w for w in result.warnings if "VpcId" in w or "not in the dump" in w], (
        result.warnings
    )
    text = result.text
    dev, prod = text.split("vpc vpc-dev-")[1].split("vpc vpc-prod-")
    assert "instance bastion in my-vpc-public-eu-west-1a public-ip sg bastion ip 10.1.101.4" in dev
    assert "instance app in my-vpc-private-eu-west-1a sg app ip 10.0.1.4" in prod
    assert dev.count("nat-gateway ") == 3 and prod.count("nat-gateway ") == 3
    expects = """
expect app -> internet tcp 443 allow
expect internet -> bastion tcp 22 allow
expect internet -> bastion tcp 80 deny
expect bastion -> 10.0.1.4 tcp 8080 deny
"""
    assert check(tmp_path, result, expects) == 0


def test_resources_of_a_vpc_the_input_lacks_say_so_by_address(tmp_path: Path) -> None:
    # The VPC is a data source (data.aws_vpc.shared): not in the plan.
    plan = interface_plan()
    plan["planned_values"]["root_module"]["resources"] = [
        r for r in plan["planned_values"]["root_module"]["resources"] if r["address"] != "aws_vpc.v"
    ]
    for r in plan["configuration"]["root_module"]["resources"]:
        if "vpc_id" in r["expressions"]:
            r["expressions"]["vpc_id"] = {
                "references": ["data.aws_vpc.shared.id", "data.aws_vpc.shared"]
            }
    result = imported(tmp_path, plan)
    said = "\n".join(result.warnings)
    assert "aws_subnet.a: its VPC is not in the input" in said
    assert "aws_security_group.ssh: its VPC is not in the input" in said
    assert "EC2-Classic" not in said and "'VpcId'" not in said


SEPARATE_EGRESS = """
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.6.0.0/16}}
  Igw: {Type: AWS::EC2::InternetGateway}
  Att: {Type: AWS::EC2::VPCGatewayAttachment, Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}}
  Rt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
  R0: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref Rt, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}}
  Sub:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.6.1.0/24, AvailabilityZone: eu-west-1a, MapPublicIpOnLaunch: true}
  A: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {RouteTableId: !Ref Rt, SubnetId: !Ref Sub}}
  Sg: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: x, VpcId: !Ref Vpc}}
  Out:
    Type: AWS::EC2::SecurityGroupEgress
    Properties: {GroupId: !Ref Sg, IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 10.6.0.0/16}
  Open: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: y, VpcId: !Ref Vpc}}
  Web: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-1, SubnetId: !Ref Sub, SecurityGroupIds: [!Ref Sg]}}
  Db: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-1, SubnetId: !Ref Sub, SecurityGroupIds: [!Ref Open]}}
"""


def test_a_separate_egress_rule_of_a_template_replaces_the_default_allow_all(
    tmp_path: Path,
) -> None:
    # CloudFormation revokes the allow-all egress rule AWS gives a new group when an
    # AWS::EC2::SecurityGroupEgress is added to it; a group without one keeps it.
    template = tmp_path / "egress.yaml"
    template.write_text(SEPARATE_EGRESS, "utf-8")
    result = importer.from_cloudformation(template, region="eu-west-1", output="imported.nd")
    expects = """
expect Web -> internet tcp 443 deny because SG_EGRESS_MISMATCH
expect Db -> internet tcp 443 allow
"""
    assert check(tmp_path, result, expects) == 0
