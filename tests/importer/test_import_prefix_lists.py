"""Prefix lists in imports: the account's become ``prefix-list`` statements, AWS's S3 and
DynamoDB lists the names ``s3`` and ``dynamodb``; rules and routes refer to them. Also: the
same resource in two files of a dump."""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path
from typing import Any

import pytest
from test_import_json import group, lines, network_of, run, subnet, vpc

from netdraft.cli import main
from netdraft.importer.aws_json import Dump, parse
from netdraft.importer.build import build

OFFICES = {
    "PrefixListId": "pl-0a1",
    "PrefixListName": "offices",
    "OwnerId": "111122223333",
    "State": "create-complete",
}
S3 = {
    "PrefixListId": "pl-63a5400a",
    "PrefixListName": "com.amazonaws.us-east-1.s3",
    "OwnerId": "AWS",
}


def rule_for(*lists: str, port: int = 443) -> dict[str, Any]:
    return {
        "IpProtocol": "tcp",
        "FromPort": port,
        "ToPort": port,
        "PrefixListIds": [{"PrefixListId": p} for p in lists],
    }


def web(*lists: str, egress: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return group("sg-1", "web", [rule_for(*lists)] if lists else [], egress)


def test_the_accounts_list_is_written_in_its_region_and_a_rule_names_it() -> None:
    listed = {**OFFICES, "Entries": [{"Cidr": "198.51.100.0/24"}, {"Cidr": "192.0.2.0/25"}]}
    result = run(PrefixLists=[listed], SecurityGroups=[web("pl-0a1")])
    body = lines(result)
    assert "prefix-list pl-0a1 { 192.0.2.0/25; 198.51.100.0/24 } # offices" in body
    assert "ingress tcp 443 from pl-0a1" in body
    assert body.index("region us-east-1 {") < body.index(
        "prefix-list pl-0a1 { 192.0.2.0/25; 198.51.100.0/24 } # offices"
    )
    assert not any("prefix list" in w for w in result.warnings)


def test_the_entries_of_get_managed_prefix_list_entries_are_read_by_file_name() -> None:
    entries = {"Entries": [{"Cidr": "203.0.113.0/24", "Description": "partner"}]}
    base = {"Vpcs": [vpc("vpc-1", "10.0.0.0/16", "main")], "PrefixLists": [OFFICES]}
    dumps = [Dump("us-east-1", None, (("lists.json", base), ("entries-pl-0a1.json", entries)))]
    result = build(parse(dumps), "t.nd")
    assert "prefix-list pl-0a1 { 203.0.113.0/24 } # offices" in lines(result)
    # Without the list's id in its name, the file cannot say which list it describes.
    dumps = [Dump("us-east-1", None, (("lists.json", base), ("entries.json", entries)))]
    warnings = build(parse(dumps), "t.nd").warnings
    assert any("file name does not hold the list's 'pl-…' id" in w for w in warnings)


def test_aws_lists_of_s3_and_dynamodb_are_the_service_names() -> None:
    """Batfish's PrefixLists (describe-prefix-lists) have no owner, but AWS's names."""
    dynamodb = {
        "PrefixListId": "pl-02cd2c6b",
        "PrefixListName": "com.amazonaws.us-east-1.dynamodb",
        "Cidrs": ["52.94.0.0/22"],
    }
    ipv6 = {**S3, "PrefixListId": "pl-0b6", "PrefixListName": "com.amazonaws.us-east-1.ipv6.s3"}
    egress = [rule_for("pl-63a5400a", "pl-02cd2c6b", "pl-0b6")]
    result = run(PrefixLists=[S3, dynamodb, ipv6], SecurityGroups=[web(egress=egress)])
    body = lines(result)
    assert "egress tcp 443 to dynamodb" in body and "egress tcp 443 to s3" in body
    # The dump's entries of AWS's IPv4 list are the region's list; S3's are not in the dump.
    written = [line for line in body if line.startswith("prefix-list")]
    assert written == ["prefix-list dynamodb { 52.94.0.0/22 } # com.amazonaws.us-east-1.dynamodb"]


def test_the_entries_of_aws_s3_list_are_the_regions_s3_list_and_count() -> None:
    listed = {**S3, "Entries": [{"Cidr": "54.231.0.0/16"}, {"Cidr": "52.216.0.0/15"}]}
    result = run(PrefixLists=[listed], SecurityGroups=[web(egress=[rule_for("pl-63a5400a")])])
    body = lines(result)
    assert "prefix-list s3 { 52.216.0.0/15; 54.231.0.0/16 } # com.amazonaws.us-east-1.s3" in body
    assert "egress tcp 443 to s3" in body
    network = network_of(result.text)
    assert network.managed_cidrs("s3", "us-east-1") == (
        ip_network("52.216.0.0/15"),
        ip_network("54.231.0.0/16"),
    )


@pytest.mark.parametrize(
    ("lists", "named", "why"),
    [
        ([], "pl-0a1", "which is not in the dump (describe-managed-prefix-lists): not imported"),
        (
            [OFFICES],
            "pl-0a1",
            "which has no entries in the dump (get-managed-prefix-list-entries): not imported",
        ),
        (
            [{**S3, "PrefixListId": "pl-0ew", "PrefixListName": "com.amazonaws.eu-west-1.s3"}],
            "pl-0ew",
            "which is AWS's 'com.amazonaws.eu-west-1.s3'",
        ),
        (
            [
                {
                    "PrefixListId": "pl-cf",
                    "PrefixListName": "com.amazonaws.global.cloudfront.origin-facing",
                    "OwnerId": "AWS",
                }
            ],
            "pl-cf",
            "the language has AWS's s3 and dynamodb lists of the VPC's region only",
        ),
        (
            [{**OFFICES, "Entries": [{"Cidr": "192.0.2.0/24"}, {"Cidr": "2001:db8::/32"}]}],
            "pl-0a1",
            "which is left out (see the warning about the list): not imported",
        ),
    ],
)
def test_a_rule_naming_a_list_the_file_cannot_hold_is_left_out_with_a_warning(
    lists: list[dict[str, Any]], named: str, why: str
) -> None:
    result = run(PrefixLists=lists, SecurityGroups=[web(named)])
    message = f"security group 'web' of vpc 'main': a rule for prefix list '{named}', which "
    assert any(w.startswith(message) and why in w for w in result.warnings), result.warnings
    assert not any(named in line for line in lines(result) if line.startswith("ingress"))


def test_a_list_mixing_families_is_not_imported() -> None:
    mixed = {**OFFICES, "Entries": [{"Cidr": "192.0.2.0/24"}, {"Cidr": "2001:db8::/32"}]}
    result = run(PrefixLists=[mixed])
    assert any("mixes IPv4 and IPv6" in w for w in result.warnings)
    assert "prefix-list" not in result.text.split("title", 1)[1]


def test_a_group_named_like_an_aws_list_keeps_its_rules_apart() -> None:
    s3_group = {**group("sg-2", "s3", []), "Tags": [{"Key": "Name", "Value": "s3"}]}
    result = run(PrefixLists=[S3], SecurityGroups=[web("pl-63a5400a"), s3_group])
    assert any("has the name 's3' of a security group of vpc 'main'" in w for w in result.warnings)


def test_vpc_routes_to_the_accounts_list_and_to_aws_lists() -> None:
    listed = {**OFFICES, "Entries": [{"Cidr": "198.51.100.0/24"}]}
    routes = [
        {"DestinationPrefixListId": "pl-0a1", "GatewayId": "igw-1", "State": "active"},
        {"DestinationPrefixListId": "pl-63a5400a", "GatewayId": "igw-1", "State": "active"},
        {"DestinationPrefixListId": "pl-0zz", "GatewayId": "igw-1", "State": "active"},
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"},
    ]
    table = {
        "RouteTableId": "rtb-1",
        "VpcId": "vpc-1",
        "Routes": routes,
        "Associations": [{"SubnetId": "subnet-1"}],
    }
    result = run(
        PrefixLists=[listed, S3],
        RouteTables=[table],
        InternetGateways=[{"InternetGatewayId": "igw-1", "Attachments": [{"VpcId": "vpc-1"}]}],
    )
    body = lines(result)
    assert body.index("route 0.0.0.0/0 via igw-1") + 1 == body.index("route pl-0a1 via igw-1")
    warnings = "\n".join(result.warnings)
    assert (
        "route via igw-1 to prefix list 'pl-63a5400a', which is AWS's list of s3 (the language routes it through gateway endpoints only): not imported"
        in warnings
    )
    assert (
        "route via igw-1 to prefix list 'pl-0zz', which is not in the dump (describe-managed-prefix-lists): not imported"
        in warnings
    )


def test_transit_gateway_prefix_list_references_are_routes() -> None:
    refs = {
        "TransitGatewayPrefixListReferences": [
            {
                "TransitGatewayRouteTableId": "tgw-rtb-1",
                "PrefixListId": "pl-0a1",
                "State": "available",
                "Blackhole": True,
            },
            {
                "TransitGatewayRouteTableId": "tgw-rtb-1",
                "PrefixListId": "pl-0b2",
                "State": "available",
                "Blackhole": False,
                "TransitGatewayAttachment": {"TransitGatewayAttachmentId": "tgw-attach-1"},
            },
            {
                "TransitGatewayRouteTableId": "tgw-rtb-1",
                "PrefixListId": "pl-0c3",
                "State": "deleting",
            },
        ]
    }
    inventory = parse([Dump("us-east-1", None, (("refs.json", refs),))])
    found = {(r.prefix_list, r.state, r.attachments) for r in inventory.tgw_routes["tgw-rtb-1"]}
    assert found == {("pl-0a1", "blackhole", ()), ("pl-0b2", "active", ("tgw-attach-1",))}


# ---- the same resource in two files ---------------------------------------------------------------


def test_a_resource_in_two_files_with_other_content_is_a_warning_naming_both() -> None:
    one = {"Vpcs": [vpc("vpc-1", "10.0.0.0/16", "main")]}
    other = {"Vpcs": [vpc("vpc-1", "10.9.0.0/16", "main")]}
    subnets = {"Subnets": [subnet("subnet-1", "vpc-1", "10.0.1.0/24", "app")]}
    inventory = parse(
        [Dump("us-east-1", None, (("a.json", one), ("b.json", other), ("s.json", subnets)))]
    )
    assert inventory.vpcs["vpc-1"].cidrs == ("10.0.0.0/16",)  # the first file read
    assert (
        "vpc 'vpc-1' is in 'a.json' and in 'b.json' with different content: the first is imported"
        in inventory.warnings
    )
    network_of(build(inventory, "t.nd").text)
    # The same call saved twice is read once, silently.
    same = parse([Dump("us-east-1", None, (("a.json", one), ("copy.json", one)))])
    assert not any("different content" in w for w in same.warnings)


def test_counts_of_what_is_not_imported_count_distinct_resources() -> None:
    balancers = {"LoadBalancerDescriptions": [{"LoadBalancerName": "web"}]}
    inventory = parse([Dump("us-east-1", None, (("a.json", balancers), ("b.json", balancers)))])
    result = build(inventory, "t.nd")
    assert any(w.startswith("1 classic load balancer (") for w in result.warnings), result.warnings


def test_cli_prints_the_prefix_list_and_duplicate_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    dump = tmp_path / "dump" / "us-east-1"
    dump.mkdir(parents=True)
    files = {
        "vpcs.json": {"Vpcs": [vpc("vpc-1", "10.0.0.0/16", "main")]},
        "vpcs-again.json": {"Vpcs": [vpc("vpc-1", "10.0.0.0/16", "renamed")]},
        "subnets.json": {"Subnets": [subnet("subnet-1", "vpc-1", "10.0.1.0/24", "app")]},
        "groups.json": {"SecurityGroups": [web("pl-0a1", "pl-0zz")]},
        "lists.json": {"PrefixLists": [OFFICES]},
        "entries-pl-0a1.json": {"Entries": [{"Cidr": "192.0.2.0/24"}]},
        "entries.json": {"Entries": [{"Cidr": "192.0.2.0/24"}]},
    }
    for name, data in files.items():
        (dump / name).write_text(json.dumps(data), "utf-8")
    out = tmp_path / "net.nd"
    assert main(["import", "aws-json", str(tmp_path / "dump"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    for expected in (
        "warning: vpc 'vpc-1' is in 'us-east-1/vpcs-again.json' and in 'us-east-1/vpcs.json' with different content",
        "warning: security group 'web' of vpc 'renamed': a rule for prefix list 'pl-0zz', which is not in the dump",
        "file name does not hold the list's 'pl-…' id",
    ):
        assert expected in err, err
    text = out.read_text("utf-8")
    assert "ingress tcp 443 from pl-0a1" in text
