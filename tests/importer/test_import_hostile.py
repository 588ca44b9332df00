"""Hostile dumps: values that would break the file, shapes the AWS CLI never prints, files that are not files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from test_import_json import group, instance, subnet, vpc

from netdraft import api
from netdraft.dsl import syntax as st
from netdraft.dsl.parse import parse as parse_nd
from netdraft.importer import Imported, from_aws, from_json_dir
from netdraft.importer.aws_json import Dump, DumpError, parse, read_dir
from netdraft.importer.build import build

INJECTION = 'sg-0bad\nprices "/proc/self/environ"\n#'


def run(**responses: Any) -> Imported:
    """Import one region's responses (a VPC vpc-1 and its subnet-1 unless given); the text parses."""
    responses.setdefault("Vpcs", [vpc("vpc-1", "10.0.0.0/16", "main")])
    responses.setdefault("Subnets", [subnet("subnet-1", "vpc-1", "10.0.1.0/24", "app")])
    result = build(parse([Dump("us-east-1", None, (("test.json", responses),))]), "test.nd")
    assert_safe(result)
    return result


def assert_safe(result: Imported) -> None:
    """The text parses into the statements the importer built, and every message is one line."""
    tree, diagnostics = parse_nd(result.text, "test.nd")
    assert tree is not None, [d.headline() for d in diagnostics]
    assert not any(isinstance(s, st.Prices) for s in tree.statements)
    assert len(tree.statements) == len(result.source.statements)
    assert [c.text for c in tree.comments] == [c.text for c in result.source.comments]
    for message in result.warnings:
        assert message.isprintable() and len(message) <= 500, message


def warnings_of(result: Imported) -> str:
    return "\n".join(result.warnings)


# ---- defect 1: no dump value is printed unchecked ---------------------------------------------


def test_an_id_holding_a_statement_is_refused() -> None:
    sg = group(INJECTION, "web", [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}])
    result = run(SecurityGroups=[sg])
    assert "prices" not in result.text.replace("\\n", "").split("#", 1)[0]
    assert "'GroupId' 'sg-0bad\\nprices \"/proc/self/environ\"\\n#' is not an AWS id" in (
        warnings_of(result)
    )
    assert "security-group web" not in result.text


def test_a_message_holding_a_statement_stays_one_comment() -> None:
    # A file name, a description and a warning of the live importer all end up in comments.
    result = run(
        NetworkInterfaces=[
            {
                "NetworkInterfaceId": "eni-1",
                "VpcId": "vpc-1",
                "SubnetId": "subnet-1",
                "Description": 'x\nprices "/etc/passwd"\r\n\u2028\u202e#',
            }
        ],
        NetdraftWarnings=['boom\nprices "/etc/passwd"', "x" * 5000, "no-break\u00a0space"],
    )
    text = warnings_of(result)
    assert '\\nprices "/etc/passwd"\\r\\n\\u2028\\u202e#' in text
    assert 'boom\\nprices "/etc/passwd"' in text
    assert any(w.endswith("…") for w in result.warnings)
    assert "no-break\\xa0space" in result.warnings


def test_comments_end_without_blanks() -> None:
    # The printer drops a comment's trailing blanks: the tree the importer built says the same.
    endpoint = {
        "VpcEndpointId": "vpce-1",
        "VpcId": "vpc-1",
        "VpcEndpointType": "Interface",
        "ServiceName": "com.amazonaws.us-east-1.s3\u00a0 ",
        "SubnetIds": ["subnet-1"],
        "State": "available",
    }
    result = run(VpcEndpoints=[endpoint], NetdraftWarnings=["trailing \t"])
    assert "trailing \\t" in result.warnings
    assert result.source.comments[-1].text == "# com.amazonaws.us-east-1.s3\\xa0"


@pytest.mark.parametrize(
    ("responses", "warning"),
    [
        (
            {"Subnets": [subnet("subnet-1", "vpc-1", "10.0.1.0/24", az="::/0")]},
            "availability zone '::/0' is not a zone name: not imported",
        ),
        (
            {"Subnets": [subnet("subnet-1", "vpc-1", "10.0.1.0/24", az="us-east-1a\n}")]},
            "availability zone 'us-east-1a\\n}' is not a zone name",
        ),
        (
            {"Subnets": [subnet("subnet-1", "vpc-1", "10.0.1.0/24", az="")]},
            "availability zone '' is not a zone name",
        ),
        (
            {
                "Reservations": [
                    {"Instances": [instance("i-1", "subnet-1", "10.0.1.300", "app", [])]}
                ]
            },
            "instance 'i-1' private address '10.0.1.300' is not an IPv4 address: not imported",
        ),
        (
            {
                "Reservations": [
                    {
                        "Instances": [
                            instance(
                                "i-1", "subnet-1", "10.0.1.5", "a", [], PublicIpAddress="1.2.3.4 #"
                            )
                        ]
                    }
                ]
            },
            "instance 'i-1' public address '1.2.3.4 #' is not an IPv4 address: left out",
        ),
        (
            {
                "NatGateways": [
                    {
                        "NatGatewayId": "nat-1",
                        "VpcId": "vpc-1",
                        "SubnetId": "subnet-1",
                        "State": "available",
                        "NatGatewayAddresses": [{"PublicIp": "::/0", "IsPrimary": True}],
                    }
                ]
            },
            "NAT gateway 'nat-1' public address '::/0' is not an IPv4 address: left out",
        ),
        (
            {
                "NetworkAcls": [
                    {
                        "NetworkAclId": "acl-1",
                        "VpcId": "vpc-1",
                        "Entries": [
                            {
                                "RuleNumber": -1,
                                "Protocol": "-1",
                                "RuleAction": "allow",
                                "Egress": False,
                                "CidrBlock": "0.0.0.0/0",
                            }
                        ],
                    }
                ]
            },
            "inbound rule -1: the rule number is outside 1..32766: not imported",
        ),
        (
            {
                "NetworkAcls": [
                    {
                        "NetworkAclId": "acl-1",
                        "VpcId": "vpc-1",
                        "Entries": [
                            {
                                "RuleNumber": 100,
                                "Protocol": "6",
                                "RuleAction": "allow",
                                "Egress": False,
                                "CidrBlock": "0.0.0.0/0",
                                "PortRange": {"From": 22, "To": 99999},
                            }
                        ],
                    }
                ]
            },
            "is for tcp ports 22-99999, not a port range: not imported",
        ),
        (
            {"SecurityGroups": [group("sg-1", "web", [{"IpProtocol": "tcp", "FromPort": 22}])]},
            "a rule for tcp ports 22-None is not imported: not a port range",
        ),
        (
            {
                "SecurityGroups": [
                    group(
                        "sg-1",
                        "web",
                        [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "fe80::%eth0/64"}]}],
                    )
                ]
            },
            None,  # a scoped IPv6 prefix is no prefix: the rule has no peer
        ),
        (
            {
                "VpcEndpoints": [
                    {
                        "VpcEndpointId": "vpce-1",
                        "VpcId": "vpc-1",
                        "VpcEndpointType": "Interface",
                        "ServiceName": "com.amazonaws.us-east-1.3",
                        "SubnetIds": ["subnet-1"],
                        "State": "available",
                    }
                ]
            },
            "is for 'com.amazonaws.us-east-1.3', which is not a service name: not imported",
        ),
        (
            {"Vpcs": [vpc("vpc-1", "10.0.0.0/16", "main", OwnerId='1" prices "x')]},
            "'OwnerId' '1\" prices \"x' is not an account id: ignored",
        ),
    ],
)
def test_values_are_checked_before_they_are_printed(
    responses: dict[str, Any], warning: str | None
) -> None:
    result = run(**responses)
    if warning is not None:
        assert warning in warnings_of(result)


def test_a_name_tag_with_a_newline_becomes_a_name() -> None:
    result = run(Subnets=[subnet("subnet-1", "vpc-1", "10.0.1.0/24", 'app\nprices "x"')])
    assert "subnet app-prices-x 10.0.1.0/24 az us-east-1a" in result.text


def test_the_title_is_a_string() -> None:
    dump = Dump("us-east-1", "111122223333", (("x.json", {"Vpcs": [vpc("vpc-1", "10.0.0.0/16")]}),))
    result = build(parse([dump]))
    assert 'title "AWS account 111122223333 (us-east-1)"' in result.text
    with pytest.raises(DumpError, match="not an AWS region name"):
        parse([Dump('us-east-1"\nprices "x', None, ())])
    with pytest.raises(DumpError, match="not an AWS region name"):
        parse([], default_region="::/0")


# ---- defect 2: no shape of JSON is a traceback -------------------------------------------------


@pytest.mark.parametrize(
    ("responses", "warning"),
    [
        ({"Subnets": 5}, "test.json: 'Subnets' is a number, not a list: ignored"),
        ({"Subnets": [[1, 2]]}, "test.json Subnets[0] is a list, not an object: ignored"),
        (
            {"Subnets": [subnet("subnet-1", "vpc-1", "10.0.1.0/24", Tags={"Key": "Name"})]},
            "test.json Subnets[0]: 'Tags' is an object, not a list: ignored",
        ),
        (
            {"Subnets": [subnet("subnet-1", "vpc-1", "10.0.1.0/24", MapPublicIpOnLaunch="yes")]},
            "'MapPublicIpOnLaunch' is a string, not true or false: ignored",
        ),
        (
            {"Subnets": [subnet(7, "vpc-1", "10.0.1.0/24")]},
            "test.json Subnets[0]: 'SubnetId' is a number, not a string: not imported",
        ),
        (
            {"Subnets": [{**subnet("subnet-1", "vpc-1", "x"), "CidrBlock": None}]},
            "subnet 'subnet-1' has no IPv4 CIDR",
        ),
        ({"Subnets": [{"VpcId": "vpc-1"}]}, "test.json Subnets[0]: no 'SubnetId': not imported"),
        (
            {
                "SecurityGroups": [
                    group("sg-1", "web", [{"IpProtocol": None, "FromPort": "22", "ToPort": [22]}])
                ]
            },
            "IpPermissions[0]: 'ToPort' is a list, not a whole number: ignored",
        ),
        (
            {
                "SecurityGroups": [
                    group("sg-1", "web", [{"IpProtocol": {"x": 1}, "IpRanges": "0.0.0.0/0"}])
                ]
            },
            "IpPermissions[0]: 'IpRanges' is a string, not a list: ignored",
        ),
        (
            {
                "VpcEndpoints": [
                    {
                        "VpcEndpointId": "vpce-1",
                        "VpcId": "vpc-1",
                        "VpcEndpointType": "Gateway",
                        "ServiceName": "com.amazonaws.us-east-1.s3",
                        "RouteTableIds": [["rtb-1"], {"a": 1}, 3],
                        "SubnetIds": 5,
                        "State": "available",
                    }
                ]
            },
            "VpcEndpoints[0].RouteTableIds[0] is a list, not a string: ignored",
        ),
        (
            {"Reservations": [{"Instances": [{**instance("i-1", "subnet-1", "1", "a", [])}]}]},
            "private address '1' is not an IPv4 address",
        ),
        (
            {
                "Reservations": [
                    {
                        "Instances": [
                            instance(
                                "i-1",
                                "subnet-1",
                                "10.0.1.5",
                                "a",
                                [],
                                State=[1],
                                NetworkInterfaces={"x": 1},
                                SourceDestCheck="false",
                            )
                        ]
                    }
                ]
            },
            "'NetworkInterfaces' is an object, not a list: ignored",
        ),
        (
            {"TransitGatewayRouteTables": [{"TransitGatewayRouteTableId": None}]},
            "no 'TransitGatewayRouteTableId': not imported",
        ),
        (
            {"LoadBalancers": [{"LoadBalancerName": {"a": [1]}}, 3]},
            "'LoadBalancerName' is an object, not a string: ignored",
        ),
    ],
)
def test_wrong_shapes_are_warnings(responses: dict[str, Any], warning: str) -> None:
    assert warning in warnings_of(run(**responses))


def test_shape_warnings_are_bounded() -> None:
    result = run(Subnets=list(range(500)))
    assert len(result.warnings) < 110
    assert "and 400 more values of the wrong shape in the dump: ignored" in result.warnings


def write(folder: Path, name: str, data: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_files_that_are_not_json_are_dump_errors(tmp_path: Path) -> None:
    good = json.dumps({"Vpcs": [vpc("vpc-1", "10.0.0.0/16")]})
    cases: list[tuple[str, bytes, str]] = [
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("latin.json", '{"Vpcs": ["é"]}'.encode("latin-1"), "not UTF-8 text"),
        ("number.json", b'{"Vpcs": ' + b"9" * 5000 + b"}", "not valid JSON: Exceeds the limit"),
        ("list.json", b"[1]", "expected a JSON object"),
    ]
    for name, data, message in cases:
        folder = tmp_path / name
        write(folder, "vpcs.json", good)
        write(folder, name, data)
        with pytest.raises(DumpError, match=message):
            read_dir(folder)
    # A byte order mark is accepted (PowerShell writes one).
    folder = tmp_path / "bom"
    write(folder, "vpcs.json", b"\xef\xbb\xbf" + good.encode())
    assert "vpc vpc-1" in from_json_dir(folder).text


def test_a_fifo_or_a_device_is_refused_without_waiting(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", json.dumps({"Vpcs": [vpc("vpc-1", "10.0.0.0/16")]}))
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "x.json")  # opened blocking, this would wait for a writer forever
        with pytest.raises(DumpError, match=r"x\.json'?: cannot be read: not a regular file"):
            read_dir(tmp_path)
        (tmp_path / "x.json").unlink()
    if Path("/dev/zero").exists():
        (tmp_path / "zero.json").symlink_to("/dev/zero")
        with pytest.raises(DumpError, match="a link to a file outside"):
            read_dir(tmp_path)
        (tmp_path / "zero.json").unlink()
    # Nor is a link to a file outside the folder read, JSON or not.
    outside = write(tmp_path.parent / "outside", "secret.json", json.dumps({"Secret": []}))
    (tmp_path / "secret.json").symlink_to(outside)
    with pytest.raises(DumpError, match="a link to a file outside"):
        read_dir(tmp_path)
    (tmp_path / "secret.json").unlink()
    # A link inside the folder is followed.
    (tmp_path / "again.json").symlink_to(tmp_path / "vpcs.json")
    assert "vpc vpc-1" in from_json_dir(tmp_path).text
    (tmp_path / "again.json").unlink()
    # A device inside the folder is refused as not a file, at once.
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe")
        (tmp_path / "pipe.json").symlink_to(tmp_path / "pipe")
        with pytest.raises(DumpError, match="not a regular file"):
            read_dir(tmp_path)
        (tmp_path / "pipe.json").unlink()
    # A folder whose name ends in .json is a folder, not a file.
    write(tmp_path / "more.json", "subnets.json", json.dumps({"Subnets": []}))
    assert "vpc vpc-1" in from_json_dir(tmp_path).text


def test_a_file_name_with_a_newline_stays_in_its_warning(tmp_path: Path) -> None:
    write(tmp_path, "vpcs.json", json.dumps({"Vpcs": [vpc("vpc-1", "10.0.0.0/16")]}))
    write(tmp_path, 'x\nprices "y"\n.json', json.dumps({"Unknown": []}))
    result = from_json_dir(tmp_path)
    assert_safe(result)
    assert 'x\\nprices "y"\\n.json: not a response the importer knows' in warnings_of(result)


def test_a_live_import_refuses_a_region_that_is_no_name() -> None:
    # Refused before any call: nothing listens on that port.
    with pytest.raises(DumpError, match="not an AWS region name"):
        from_aws(['us-east-1\nprices "x"'], endpoint_url="http://127.0.0.1:9")


def test_a_subnet_named_for_a_keyword_can_follow_another_in_a_list() -> None:
    table = {
        "RouteTableId": "rtb-1",
        "VpcId": "vpc-1",
        "Associations": [{"SubnetId": "subnet-1"}, {"SubnetId": "subnet-2"}],
    }
    result = run(
        Subnets=[
            subnet("subnet-1", "vpc-1", "10.0.1.0/24", "a"),
            subnet("subnet-2", "vpc-1", "10.0.2.0/24", "private"),
        ],
        RouteTables=[table],
    )
    compiled = api.compile(result.text, "test.nd")
    assert compiled.ok, [d.headline() for d in compiled.diagnostics]
    assert "associate a private" in result.text


def test_only_rules_32767_and_32768_are_the_implicit_denies() -> None:
    entry = {"Protocol": "-1", "RuleAction": "allow", "Egress": False, "CidrBlock": "0.0.0.0/0"}
    acl = {
        "NetworkAclId": "acl-1",
        "VpcId": "vpc-1",
        "Entries": [{**entry, "RuleNumber": n} for n in (32767, 32768, 40000)],
    }
    text = warnings_of(run(NetworkAcls=[acl]))
    assert "inbound rule 40000: the rule number is outside 1..32766: not imported" in text
    assert "rule 32767" not in text and "rule 32768" not in text
