"""Importing saved ``aws ec2 describe-*`` output: golden files, reachability, and the mapping rules."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from netdraft import api, importer
from netdraft.cli import main
from netdraft.dsl.fmt import format_text
from netdraft.dsl.query import parse_query
from netdraft.importer.aws_json import Dump, DumpError, parse, read_dir
from netdraft.importer.build import build
from netdraft.model.network import Network
from netdraft.sim.path import trace

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
UPDATE_GOLDEN = os.environ.get("NETDRAFT_UPDATE_GOLDEN") == "1"


def imported(case: str) -> importer.Imported:
    return importer.from_json_dir(FIXTURES / case, f"{case}.nd")


def network_of(text: str) -> Network:
    result = api.compile(text, "imported.nd")
    assert result.ok, [d.headline() for d in result.diagnostics]
    assert result.network is not None
    return result.network


# ---- golden files -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_import_matches_golden_file(case: str) -> None:
    result = imported(case)
    golden = FIXTURES / case / "expected.nd"
    if UPDATE_GOLDEN:
        golden.write_text(result.text, "utf-8")
    assert result.text == golden.read_text("utf-8")


@pytest.mark.parametrize("case", CASES)
def test_import_compiles_and_is_formatted(case: str) -> None:
    text = imported(case).text
    network_of(text)
    assert format_text(text)[0] == text


@pytest.mark.parametrize("case", CASES)
def test_import_does_not_depend_on_the_order_of_the_input(case: str) -> None:
    """AWS lists resources in no fixed order: the file is the same whatever the order."""

    def reverse(value: Any) -> Any:
        if isinstance(value, list):
            return [reverse(v) for v in reversed(value)]
        if isinstance(value, dict):
            return {k: reverse(v) for k, v in reversed(list(value.items()))}
        return value

    root = FIXTURES / case
    dumps = []
    for folder in sorted({p.parent for p in root.rglob("*.json")}, reverse=True):
        parts = folder.relative_to(root).parts
        region = next((p for p in parts if "-" in p and p[-1].isdigit()), None)
        account = next((p for p in parts if p.isdigit()), None)
        responses = tuple(
            (f.relative_to(root).as_posix(), reverse(json.loads(f.read_text("utf-8"))))
            for f in sorted(folder.glob("*.json"), reverse=True)
        )
        dumps.append(Dump(region, account, responses))
    shuffled = build(parse(dumps), f"{case}.nd")
    # Only the order of the warnings may differ.
    body = [line for line in shuffled.text.splitlines() if not line.startswith("# warning")]
    assert body == [
        line for line in imported(case).text.splitlines() if not line.startswith("# warning")
    ]
    assert sorted(shuffled.warnings) == sorted(imported(case).warnings)


def _without_one_item() -> list[tuple[str, Path, str, int]]:
    """Every way of leaving one resource out of the account's dump, the Batfish snapshot and
    the two peered regions."""
    found = []
    for case in ("account", "batfish", "dns", "tgw-peering"):
        for file in sorted((FIXTURES / case).rglob("*.json")):
            for key, items in json.loads(file.read_text("utf-8")).items():
                if isinstance(items, list):
                    found += [
                        (f"{case}/{file.name}:{key}[{i}]", file, key, i) for i in range(len(items))
                    ]
    return found


@pytest.mark.parametrize(
    ("label", "file", "key", "index"),
    _without_one_item(),
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_partial_dumps_still_compile(label: str, file: Path, key: str, index: int) -> None:
    """A dump that misses any one resource (a call not saved, a resource of another account,
    a page lost) still imports to a file that compiles."""
    root = FIXTURES / label.split("/")[0]
    dumps = []
    for folder in sorted({p.parent for p in root.rglob("*.json")}):
        responses = []
        for path in sorted(folder.glob("*.json")):
            data = json.loads(path.read_text("utf-8"))
            if path == file:
                del data[key][index]
            responses.append((path.name, data))
        dumps.append(Dump(folder.name, folder.parent.name, tuple(responses)))
    network_of(build(parse(dumps), "partial.nd").text)


# ---- the imported networks behave as the accounts do --------------------------------------------

# (case, src, dst, proto, port, verdict, the drop code or a component the path crosses)
PATHS = [
    ("account", "198.51.100.7", "bastion", "tcp", "22", "allow", None),
    ("account", "203.0.113.50", "bastion", "tcp", "22", "deny", "SG_INGRESS_MISMATCH"),
    ("account", "bastion", "web-1", "tcp", "22", "allow", None),
    ("account", "bastion", "db-1", "tcp", "5432", "deny", "SG_INGRESS_MISMATCH"),
    ("account", "app-1", "db-1", "tcp", "5432", "allow", None),
    # The RDS interface (eni-0000000002e000013) answers behind its group, like db-1.
    ("account", "app-1", "10.0.49.20", "tcp", "5432", "allow", None),
    ("account", "bastion", "10.0.49.20", "tcp", "5432", "deny", "SG_INGRESS_MISMATCH"),
    ("account", "app-1", "internet", "tcp", "443", "allow", "nat-a"),
    ("account", "app-1", "internet", "tcp", "80", "deny", "SG_EGRESS_MISMATCH"),
    ("account", "db-1", "internet", "tcp", "443", "deny", "SG_EGRESS_MISMATCH"),
    ("account", "monitor", "app-1", "tcp", "8080", "allow", "prod-to-shared"),
    ("account", "dns-1", "app-1", "tcp", "8080", "deny", "SG_INGRESS_MISMATCH"),
    ("account", "bastion", "app-2", "tcp", "22", "deny", "INSTANCE_STOPPED"),
    ("account", "internet", "web-1", "tcp", "80", "deny", "NO_PUBLIC_IP"),
    ("account", "app-1", "192.168.1.5", "tcp", "443", "allow", "dc1-vpn"),
    # dc2-vpn has both tunnels down: imported down, the routes it propagates are gone.
    ("account", "app-1", "172.16.5.5", "tcp", "443", "deny", "TGW_NO_ROUTE"),
    ("account", "monitor", "10.99.0.5", "tcp", "443", "deny", "BLACKHOLE_ROUTE"),
    ("account", "monitor", "internet", "tcp", "443", "allow", "nat-a"),
    ("account", "app-1", "dr-db", "tcp", "5432", "allow", "prod-to-dr"),
    ("account", "app-1", "s3", "tcp", "443", "allow", "s3"),
    ("account", "app-1", "ssm", "tcp", "443", "allow", "ssm"),
    ("account", "2606:4700::1111", "bastion", "tcp", "22", "deny", "SG_INGRESS_MISMATCH"),
    ("account", "web-test", "2606:4700::1111", "tcp", "443", "allow", "prod-igw"),
    # app's rule for the account's prefix list corp-admin (192.168.1.0/24, 198.51.100.0/24).
    ("account", "192.168.1.5", "app-1", "tcp", "8443", "allow", "dc1-vpn"),
    ("account", "192.168.1.5", "app-1", "tcp", "8444", "deny", "SG_INGRESS_MISMATCH"),
    # private-a routes the list partners to the transit gateway; its hub table blackholes it.
    ("account", "app-1", "100.64.10.5", "tcp", "443", "deny", "BLACKHOLE_ROUTE"),
    ("account", "app-1", "100.64.11.5", "tcp", "443", "deny", "NO_ROUTE_TO_DESTINATION"),
    ("flat", "worker", "internet", "tcp", "443", "allow", "nat-box"),
    ("flat", "worker", "internet", "tcp", "22", "deny", "ACL_INBOUND_DENY"),
    ("flat", "203.0.113.5", "web", "tcp", "443", "deny", "ACL_RETURN_DENY"),
    ("flat", "web", "internet", "tcp", "443", "allow", None),
    ("flat", "198.51.100.1", "web", "tcp", "22", "deny", "ACL_INBOUND_DENY"),
    ("flat", "web", "worker", "tcp", "22", "deny", "ACL_OUTBOUND_DENY"),
    ("flat", "worker", "web", "tcp", "443", "allow", None),
    # A Batfish snapshot (aws_configs/accounts/ACCOUNT/REGION/Key.json).
    ("batfish", "203.0.113.9", "web-1", "tcp", "443", "allow", "hub-igw"),
    ("batfish", "203.0.113.9", "web-1", "tcp", "22", "deny", "ACL_INBOUND_DENY"),
    ("batfish", "198.51.100.7", "web-1", "tcp", "22", "allow", "hub-igw"),
    ("batfish", "203.0.113.9", "web-2", "tcp", "443", "allow", "hub-igw"),
    ("batfish", "internet", "app-1", "tcp", "8080", "deny", "NO_PUBLIC_IP"),
    ("batfish", "web-1", "app-1", "tcp", "8080", "allow", None),
    ("batfish", "spoke-1", "app-1", "tcp", "8080", "allow", "core-tgw"),
    ("batfish", "spoke-1", "web-1", "tcp", "8080", "deny", "SG_INGRESS_MISMATCH"),
    ("batfish", "app-1", "internet", "tcp", "443", "allow", "hub-nat"),
    ("batfish", "spoke-1", "internet", "tcp", "443", "allow", "hub-nat"),
    ("batfish", "app-1", "spoke-1", "tcp", "22", "allow", "core-tgw"),
    ("batfish", "spoke-1", "10.99.0.5", "tcp", "443", "deny", "BLACKHOLE_ROUTE"),
    ("batfish", "app-1", "192.168.10.5", "tcp", "443", "allow", "office-vpn"),
    ("batfish", "192.168.10.5", "app-1", "tcp", "8080", "allow", "office-vpn"),
    ("batfish", "192.168.10.5", "spoke-1", "tcp", "22", "deny", "SG_INGRESS_MISMATCH"),
    ("batfish", "app-1", "db-1", "tcp", "5432", "allow", "hub-to-shared"),
    ("batfish", "web-1", "db-1", "tcp", "5432", "deny", "NO_ROUTE_TO_DESTINATION"),
    ("batfish", "app-1", "s3", "tcp", "443", "allow", "hub-s3"),
    # Batfish's own test snapshot test-direct-connect-private-vif (see its README.md).
    ("batfish-private-vif", "internet", "priv-instance", "tcp", "22", "deny", "NO_PUBLIC_IP"),
    ("batfish-private-vif", "priv-instance", "10.50.0.2", "udp", "53", "allow", None),
    ("batfish-private-vif", "priv-instance", "10.50.1.99", "tcp", "22", "deny", "NO_INTERFACE"),
    # Batfish's test snapshot test-direct-connect-gateway (see its README.md).
    ("batfish-dx-gateway", "dx-test-instance", "10.200.0.5", "tcp", "443", "deny", "TGW_NO_ROUTE"),
    ("batfish-dx-gateway", "dx-test-instance", "internet", "tcp", "443", "deny", "TGW_NO_ROUTE"),
    ("batfish-dx-gateway", "internet", "dx-test-instance", "tcp", "22", "deny", "NO_PUBLIC_IP"),
    ("batfish-dx-gateway", "dx-test-instance", "10.100.0.2", "udp", "53", "allow", None),
    # Their Direct Connect, imported: to the site behind it (its placeholder prefix) and back.
    (
        "batfish-private-vif",
        "priv-instance",
        "198.18.0.5",
        "tcp",
        "22",
        "allow",
        "vgw-private-vif-high",
    ),
    ("batfish-private-vif", "198.18.0.5", "priv-instance", "tcp", "22", "allow", "dxcon-priv01"),
    (
        "batfish-private-vif",
        "198.18.0.5",
        "10.60.0.1",
        "tcp",
        "22",
        "deny",
        "NO_ROUTE_TO_DESTINATION",
    ),
    ("batfish-dx-gateway", "dx-test-instance", "198.18.0.5", "tcp", "22", "allow", "dx-test-vif"),
    ("batfish-dx-gateway", "198.18.0.5", "dx-test-instance", "tcp", "22", "allow", "dxgw-dx01"),
    # An internet-facing NLB (Elastic IPs) in front of an internal ALB, as imported.
    ("load-balancers", "internet", "shop-edge", "tcp", "443", "allow", "app-tg"),
    ("load-balancers", "internet", "198.51.100.21", "tcp", "443", "allow", "shop-alb"),
    ("load-balancers", "internet", "shop-edge", "tcp", "80", "deny", "NO_LISTENER"),
    ("load-balancers", "app-1", "shop-alb", "tcp", "443", "allow", "app-tg"),
    ("load-balancers", "internet", "shop-alb", "tcp", "443", "deny", "NO_PUBLIC_IP"),
    # A Global Accelerator in front of the NLB (weight 100; the ALB has weight 0).
    ("load-balancers", "internet", "shop-ga", "tcp", "443", "allow", "shop-edge"),
    ("load-balancers", "internet", "99.83.152.52", "tcp", "443", "allow", "app-tg"),
    ("load-balancers", "internet", "shop-ga", "tcp", "80", "deny", "NO_LISTENER"),
    # Two regions peered by their transit gateways, static routes on both sides.
    ("tgw-peering", "app", "db", "tcp", "5432", "allow", "east-west"),
    ("tgw-peering", "app", "db", "tcp", "22", "deny", "SG_INGRESS_MISMATCH"),
    ("tgw-peering", "db", "app", "tcp", "22", "allow", "east-west"),
    # The peering pending acceptance is imported down: its static route is a blackhole.
    ("tgw-peering", "app", "10.20.0.5", "tcp", "443", "deny", "BLACKHOLE_ROUTE"),
    ("tgw-peering", "app", "10.99.0.5", "tcp", "443", "deny", "BLACKHOLE_ROUTE"),
]


def test_ipam_pools_and_their_vpcs_are_imported(networks: dict[str, Network]) -> None:
    pool = networks["load-balancers"].ipam_pools["corp"]
    assert str(pool.cidr) == "10.8.0.0/14"
    assert [(str(a.cidr), a.resource, a.chosen) for a in pool.allocations] == [
        ("10.8.0.0/16", "shop", False)
    ]
    assert networks["load-balancers"].vpcs["shop"].ipam_pool == "corp"


@pytest.fixture(scope="module")
def networks() -> dict[str, Network]:
    return {case: network_of(imported(case).text) for case in CASES}


@pytest.mark.parametrize(("case", "src", "dst", "proto", "port", "expected", "detail"), PATHS)
def test_imported_paths(
    networks: dict[str, Network],
    case: str,
    src: str,
    dst: str,
    proto: str,
    port: str,
    expected: str,
    detail: str | None,
) -> None:
    network = networks[case]
    query = parse_query(network, src, dst, proto, port)
    assert not isinstance(query, list), [d.message for d in query]
    result = trace(network, query)
    assert result.verdict.value == expected, result.code
    if expected == "deny":
        assert result.code is not None and result.code.value == detail
    elif detail is not None:
        assert result.crosses(detail)


# ---- warnings: what is not represented is listed, never dropped -----------------------------------


def test_unrepresentable_resources_are_listed() -> None:
    warnings = "\n".join(imported("account").warnings)
    for expected in (
        "1 Gateway Load Balancer endpoint (ec2 describe-vpc-endpoints) is not imported yet: 'vpce-0e5000000000000a3' in vpc 'prod'",
        "via GatewayLoadBalancer endpoint 'vpce-0e5000000000000a3', which the language cannot route to",
        "via cagw-0123456789abcdef0",
        "a rule for prefix list 'pl-0aa0000000000bad', which is not in the dump (describe-managed-prefix-lists): not imported",
        "a rule for ESP",
        "is for DX gateway 'dxgw-0123456789abcdef', whose association with the transit gateway is not imported",
        "peering 'pcx-0ab1000000000004'",
    ):
        assert expected in warnings
    # The load balancer is imported, and its interfaces are its nodes, not counted apart.
    assert "'prod-alb'" not in warnings
    assert "load-balancer prod-alb application internet-facing" in imported("account").text


def test_unrepresentable_kinds_are_counted_once_each_in_name_order() -> None:
    balancers = [
        {
            "LoadBalancerName": name,
            "LoadBalancerArn": f"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/{name}/{i:016x}",
            "State": {"Code": "active"},
            "VpcId": "vpc-1",
            "AvailabilityZones": [{"SubnetId": "subnet-1", "ZoneName": "us-east-1a"}],
        }
        for i, name in enumerate(["web", "api", "admin"])
    ]
    gone = {"LoadBalancerName": "old", "LoadBalancerArn": "arn:x", "State": {"Code": "deleted"}}
    zones = {
        "HostedZones": [
            {"Id": "/hostedzone/Z1", "Name": "corp.example.", "Config": {"PrivateZone": False}}
        ]
    }
    interfaces = {
        "NetworkInterfaces": [
            # The interface of a balancer listed above: not counted again.
            {
                "NetworkInterfaceId": "eni-1",
                "VpcId": "vpc-1",
                "SubnetId": "subnet-1",
                "InterfaceType": "interface",
                "Description": "ELB app/web/0000000000000000",
            },
            # One only its interface shows: counted with the others.
            {
                "NetworkInterfaceId": "eni-2",
                "VpcId": "vpc-1",
                "SubnetId": "subnet-1",
                "InterfaceType": "interface",
                "Description": "ELB app/batch/00000000000000ff",
            },
        ]
    }
    base = {
        "Vpcs": [vpc("vpc-1", "10.0.0.0/16", "main")],
        "Subnets": [subnet("subnet-1", "vpc-1", "10.0.1.0/24", "app")],
    }
    dump = Dump(
        "us-east-1",
        None,
        (
            ("base.json", base),
            ("lb.json", {"LoadBalancers": [*balancers, gone]}),
            ("zones.json", zones),
            ("enis.json", interfaces),
        ),
    )
    result = build(parse([dump]), "test.nd")
    network_of(result.text)
    counted = [w for w in result.warnings if "not imported yet" in w]
    assert counted == [
        "1 load balancer (ec2 describe-network-interfaces) is not imported yet: 'batch' in vpc 'main'",
        "1 Route 53 public hosted zone (route53 list-hosted-zones) is not imported yet: 'corp.example'",
    ]
    # The same in the file's header, and the same whatever the order of the files.
    assert all(f"# warning: {w}" in result.text for w in counted)
    again = build(parse([Dump("us-east-1", None, tuple(reversed(dump.responses)))]), "test.nd")
    assert again.text == result.text


def test_gateway_load_balancer_endpoints_are_one_warning_with_their_count() -> None:
    """Endpoints the language cannot hold are counted in one warning, as other kinds are."""
    endpoints = [
        {
            "VpcEndpointId": f"vpce-glb{i}",
            "VpcId": "vpc-1",
            "VpcEndpointType": "GatewayLoadBalancer",
            "ServiceName": "com.amazonaws.vpce.us-east-1.vpce-svc-1",
            "State": "available",
        }
        for i in range(3)
    ]
    base = {
        "Vpcs": [vpc("vpc-1", "10.0.0.0/16", "main")],
        "Subnets": [subnet("subnet-1", "vpc-1", "10.0.1.0/24", "app")],
    }
    dump = Dump("us-east-1", None, (("base.json", base), ("eps.json", {"VpcEndpoints": endpoints})))
    result = build(parse([dump]), "test.nd")
    network_of(result.text)
    about = [w for w in result.warnings if "vpce-glb" in w]
    assert about == [
        "3 Gateway Load Balancer endpoints (ec2 describe-vpc-endpoints) are not imported yet:"
        " 'vpce-glb0' in vpc 'main', 'vpce-glb1' in vpc 'main', 'vpce-glb2' in vpc 'main'"
    ]


def test_cli_writes_the_file_and_lists_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "account.nd"
    assert main(["import", "aws-json", str(FIXTURES / "account"), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    text = out.read_text("utf-8")
    in_file = [
        line.removeprefix("# ") for line in text.splitlines() if line.startswith("# warning: ")
    ]
    on_stderr = [line for line in captured.err.splitlines() if line.startswith("warning: ")]
    assert in_file and in_file == on_stderr
    assert f"{out}: written ({len(in_file)} warnings)" in captured.out
    assert main(["check", str(out)]) == 0


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["import", "aws-json", str(tmp_path / "missing"), "-o", str(tmp_path / "x.nd")]) == 2
    )
    (tmp_path / "empty").mkdir()
    assert main(["import", "aws-json", str(tmp_path / "empty"), "-o", str(tmp_path / "x.nd")]) == 2
    # AWS would refuse this subnet; the import says so and exits 1, but keeps the file.
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "vpcs.json").write_text(json.dumps({"Vpcs": [vpc("vpc-1", "10.0.0.0/16")]}))
    (bad / "subnets.json").write_text(
        json.dumps({"Subnets": [subnet("subnet-1", "vpc-1", "10.9.0.0/24")]})
    )
    assert main(["import", "aws-json", str(bad), "-o", str(tmp_path / "bad.nd")]) == 1
    assert "subnet-outside-vpc" in capsys.readouterr().err
    assert (tmp_path / "bad.nd").exists()


def test_unreadable_dumps_raise(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(DumpError, match="not valid JSON"):
        read_dir(tmp_path)
    (tmp_path / "broken.json").write_text("[1, 2]")
    with pytest.raises(DumpError, match="expected a JSON object"):
        read_dir(tmp_path)


# ---- the mapping rules, one at a time -----------------------------------------------------------------


def vpc(vid: str, cidr: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    tags = [{"Key": "Name", "Value": name}] if name else []
    return {"VpcId": vid, "CidrBlock": cidr, "State": "available", "Tags": tags, **extra}


def subnet(
    sid: str, vid: str, cidr: str, name: str | None = None, az: str = "us-east-1a", **extra: Any
) -> dict[str, Any]:
    tags = [{"Key": "Name", "Value": name}] if name else []
    return {
        "SubnetId": sid,
        "VpcId": vid,
        "CidrBlock": cidr,
        "AvailabilityZone": az,
        "State": "available",
        "Tags": tags,
        **extra,
    }


def instance(
    iid: str, sid: str, ip: str, name: str, groups: list[str], **extra: Any
) -> dict[str, Any]:
    return {
        "InstanceId": iid,
        "SubnetId": sid,
        "VpcId": "vpc-1",
        "PrivateIpAddress": ip,
        "State": {"Name": "running"},
        "SecurityGroups": [{"GroupId": g} for g in groups],
        "Tags": [{"Key": "Name", "Value": name}],
        **extra,
    }


def group(
    gid: str, name: str, ingress: list[dict[str, Any]], egress: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    out = (
        [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}] if egress is None else egress
    )
    return {
        "GroupId": gid,
        "GroupName": name,
        "VpcId": "vpc-1",
        "IpPermissions": ingress,
        "IpPermissionsEgress": out,
    }


def run(**responses: Any) -> importer.Imported:
    """Import one region's responses, with a VPC vpc-1 (10.0.0.0/16) and its subnet-1 unless given."""
    responses.setdefault("Vpcs", [vpc("vpc-1", "10.0.0.0/16", "main")])
    responses.setdefault("Subnets", [subnet("subnet-1", "vpc-1", "10.0.1.0/24", "app")])
    result = build(parse([Dump("us-east-1", None, (("test.json", responses),))]), "test.nd")
    network_of(result.text)
    return result


def lines(result: importer.Imported) -> list[str]:
    """The output's lines with single spaces (fmt aligns columns and trailing comments)."""
    return [" ".join(line.split()) for line in result.text.splitlines()]


def test_default_group_with_aws_rules_is_implicit() -> None:
    default = group(
        "sg-d", "default", [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-d"}]}]
    )
    result = run(
        SecurityGroups=[default],
        Reservations=[{"Instances": [instance("i-1", "subnet-1", "10.0.1.10", "app", ["sg-d"])]}],
    )
    assert "security-group default" not in result.text
    assert "instance app in app ip 10.0.1.10 # i-1" in lines(result)


def test_changed_default_group_is_written() -> None:
    default = group(
        "sg-d",
        "default",
        [
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    result = run(
        SecurityGroups=[default],
        Reservations=[{"Instances": [instance("i-1", "subnet-1", "10.0.1.10", "app", ["sg-d"])]}],
    )
    assert "security-group default { # sg-d" in lines(result)
    assert "ingress tcp 22 from 0.0.0.0/0" in lines(result)
    assert "instance app in app sg default ip 10.0.1.10 # i-1" in lines(result)


def test_default_group_referenced_by_another_group_is_written() -> None:
    default = group(
        "sg-d", "default", [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-d"}]}]
    )
    web = group(
        "sg-w",
        "web",
        [
            {
                "IpProtocol": "tcp",
                "FromPort": 80,
                "ToPort": 80,
                "UserIdGroupPairs": [{"GroupId": "sg-d"}],
            }
        ],
    )
    result = run(SecurityGroups=[default, web])
    assert "ingress all from default" in lines(result)
    assert "ingress tcp 80 from default" in lines(result)


def test_group_without_egress_rules_allows_no_egress() -> None:
    result = run(
        SecurityGroups=[group("sg-x", "closed", [], [])],
        Reservations=[{"Instances": [instance("i-1", "subnet-1", "10.0.1.10", "box", ["sg-x"])]}],
    )
    assert (
        "egress tcp 0 to 0.0.0.0/32 # AWS allows no outbound traffic: this rule matches nothing"
        in lines(result)
    )
    network = network_of(result.text)
    query = parse_query(network, "box", "internet", "tcp", "443")
    assert not isinstance(query, list)
    assert trace(network, query).code is not None


def test_protocols_and_ports_of_group_rules() -> None:
    ingress = [
        {
            "IpProtocol": "tcp",
            "FromPort": 1024,
            "ToPort": 65535,
            "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
        },
        {"IpProtocol": "17", "FromPort": 53, "ToPort": 53, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {
            "IpProtocol": "icmp",
            "FromPort": -1,
            "ToPort": -1,
            "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
        },
        {"IpProtocol": "58", "FromPort": -1, "ToPort": -1, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {"IpProtocol": "47", "IpRanges": [{"CidrIp": "192.0.2.1/32"}]},
    ]
    result = run(SecurityGroups=[group("sg-x", "mixed", ingress)])
    body = lines(result)
    for line in (
        "ingress tcp 1024-65535 from 10.0.0.0/8",
        "ingress udp 53 from ::/0",
        "ingress icmp from 10.0.0.0/8",
        "ingress icmpv6 from ::/0",
    ):
        assert line in body
    assert any("a rule for GRE is not imported" in w for w in result.warnings)


def test_default_acl_is_implicit_and_a_changed_one_is_written() -> None:
    entries = [
        {
            "RuleNumber": 100,
            "Egress": e,
            "Protocol": "-1",
            "RuleAction": "allow",
            "CidrBlock": "0.0.0.0/0",
        }
        for e in (False, True)
    ] + [
        {
            "RuleNumber": 32767,
            "Egress": e,
            "Protocol": "-1",
            "RuleAction": "deny",
            "CidrBlock": "0.0.0.0/0",
        }
        for e in (False, True)
    ]
    acl = {
        "NetworkAclId": "acl-1",
        "VpcId": "vpc-1",
        "IsDefault": True,
        "Entries": entries,
        "Associations": [{"SubnetId": "subnet-1"}],
    }
    assert "network-acl" not in run(NetworkAcls=[acl]).text
    changed = dict(
        acl,
        Entries=[
            *entries,
            {
                "RuleNumber": 90,
                "Egress": False,
                "Protocol": "6",
                "RuleAction": "deny",
                "CidrBlock": "198.51.100.0/24",
                "PortRange": {"From": 22, "To": 22},
            },
        ],
    )
    body = lines(run(NetworkAcls=[changed]))
    assert "network-acl acl-1 {" in body
    assert "inbound 90 deny tcp 22 from 198.51.100.0/24" in body
    assert "associate app" in body
    assert not any("32767" in line for line in body)


def test_route_targets() -> None:
    routes = [
        {
            "DestinationCidrBlock": "10.0.0.0/16",
            "GatewayId": "local",
            "Origin": "CreateRouteTable",
            "State": "active",
        },
        {
            "DestinationCidrBlock": "0.0.0.0/0",
            "GatewayId": "igw-1",
            "Origin": "CreateRoute",
            "State": "active",
        },
        {
            "DestinationCidrBlock": "10.8.0.0/16",
            "NetworkInterfaceId": "eni-1",
            "Origin": "CreateRoute",
            "State": "active",
        },
        {
            "DestinationCidrBlock": "10.9.0.0/16",
            "InstanceId": "i-gone",
            "Origin": "CreateRoute",
            "State": "blackhole",
        },
        {
            "DestinationCidrBlock": "10.0.1.64/26",
            "NetworkInterfaceId": "eni-other",
            "Origin": "CreateRoute",
            "State": "active",
        },
        {
            "DestinationCidrBlock": "192.168.0.0/16",
            "GatewayId": "vgw-1",
            "Origin": "EnableVgwRoutePropagation",
            "State": "active",
        },
    ]
    table = {
        "RouteTableId": "rtb-1",
        "VpcId": "vpc-1",
        "Routes": routes,
        "Associations": [{"Main": True}, {"SubnetId": "subnet-1", "Main": False}],
        "PropagatingVgws": [{"GatewayId": "vgw-1"}],
        "Tags": [{"Key": "Name", "Value": "main-rt"}],
    }
    box = instance(
        "i-1",
        "subnet-1",
        "10.0.1.5",
        "router",
        [],
        SourceDestCheck=False,
        NetworkInterfaces=[{"NetworkInterfaceId": "eni-1", "Attachment": {"DeviceIndex": 0}}],
    )
    result = run(
        RouteTables=[table],
        InternetGateways=[
            {
                "InternetGatewayId": "igw-1",
                "Attachments": [{"VpcId": "vpc-1", "State": "available"}],
            }
        ],
        VpnGateways=[
            {
                "VpnGatewayId": "vgw-1",
                "State": "available",
                "VpcAttachments": [{"VpcId": "vpc-1", "State": "attached"}],
            }
        ],
        Reservations=[{"Instances": [box]}],
    )
    body = lines(result)
    assert "route-table main-rt main { # rtb-1" in body
    for line in (
        "route 0.0.0.0/0 via igw-1",
        "route 10.8.0.0/16 via router",
        "route 10.9.0.0/16 blackhole",
        "propagate vgw-1",
        "associate app",
    ):
        assert line in body
    assert "instance router in app ip 10.0.1.5 source-dest-check off # i-1" in body
    assert not any("192.168.0.0/16" in line for line in body)
    assert any("route 10.0.1.64/26 via network interface 'eni-other'" in w for w in result.warnings)


def test_instance_addresses_and_state() -> None:
    address = {"PublicIp": "3.3.3.3", "AllocationId": "eipalloc-1", "InstanceId": "i-2"}
    v6 = {
        "Ipv6CidrBlockAssociationSet": [
            {"Ipv6CidrBlock": "2001:db8:1:1::/64", "Ipv6CidrBlockState": {"State": "associated"}}
        ]
    }
    vpc6 = vpc(
        "vpc-1",
        "10.0.0.0/16",
        "main",
        Ipv6CidrBlockAssociationSet=[
            {"Ipv6CidrBlock": "2001:db8:1::/56", "Ipv6CidrBlockState": {"State": "associated"}}
        ],
    )
    result = run(
        Vpcs=[vpc6],
        Subnets=[subnet("subnet-1", "vpc-1", "10.0.1.0/24", "app", MapPublicIpOnLaunch=True, **v6)],
        Addresses=[address],
        Reservations=[
            {
                "Instances": [
                    instance(
                        "i-1",
                        "subnet-1",
                        "10.0.1.10",
                        "auto",
                        [],
                        PublicIpAddress="54.1.1.1",
                        Ipv6Address="2001:db8:1:1::10",
                    ),
                    instance(
                        "i-2",
                        "subnet-1",
                        "10.0.1.11",
                        "fixed",
                        [],
                        PublicIpAddress="3.3.3.3",
                        Ipv6Address="2001:db8:1:1::11",
                    ),
                    dict(
                        instance("i-3", "subnet-1", "10.0.1.12", "off", []),
                        State={"Name": "stopped"},
                    ),
                    dict(
                        instance("i-4", "subnet-1", "10.0.1.13", "gone", []),
                        State={"Name": "terminated"},
                    ),
                ]
            }
        ],
    )
    body = lines(result)
    assert (
        "subnet app 10.0.1.0/24 az us-east-1a ipv6 2001:db8:1:1::/64 public-ip-on-launch # subnet-1"
        in body
    )
    assert (
        "instance auto in app public-ip 54.1.1.1 ip 10.0.1.10 ipv6 2001:db8:1:1::10 # i-1" in body
    )
    assert (
        "instance fixed in app elastic-ip 3.3.3.3 ip 10.0.1.11 ipv6 2001:db8:1:1::11 # i-2" in body
    )
    assert "instance off in app ip 10.0.1.12 stopped # i-3" in body
    assert "gone" not in result.text


def test_private_nat_and_bgp_vpn_learn_their_prefixes() -> None:
    routes = [
        {
            "DestinationCidrBlock": "172.16.0.0/16",
            "GatewayId": "vgw-1",
            "Origin": "EnableVgwRoutePropagation",
            "State": "active",
        }
    ]
    result = run(
        NatGateways=[
            {
                "NatGatewayId": "nat-1",
                "VpcId": "vpc-1",
                "SubnetId": "subnet-1",
                "State": "available",
                "ConnectivityType": "private",
            }
        ],
        RouteTables=[
            {
                "RouteTableId": "rtb-1",
                "VpcId": "vpc-1",
                "Routes": routes,
                "Associations": [{"Main": True}],
                "PropagatingVgws": [{"GatewayId": "vgw-1"}],
            }
        ],
        VpnGateways=[
            {
                "VpnGatewayId": "vgw-1",
                "State": "available",
                "VpcAttachments": [{"VpcId": "vpc-1", "State": "attached"}],
            }
        ],
        CustomerGateways=[
            {
                "CustomerGatewayId": "cgw-1",
                "IpAddress": "203.0.113.1",
                "State": "available",
                "Tags": [{"Key": "Name", "Value": "hq"}],
            }
        ],
        VpnConnections=[
            {
                "VpnConnectionId": "vpn-1",
                "CustomerGatewayId": "cgw-1",
                "VpnGatewayId": "vgw-1",
                "State": "available",
                "Options": {"StaticRoutesOnly": False},
            }
        ],
    )
    body = lines(result)
    assert "nat-gateway nat-1 in app private" in body
    assert "site hq-site 172.16.0.0/16 { # the network behind cgw-1" in body
    assert "vpn vpn-1 vgw-1 <-> hq bgp" in body


def test_a_file_is_known_by_its_keys_not_its_name(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "flat", tmp_path / "flat")
    (tmp_path / "flat" / "x1.json").rename(tmp_path / "flat" / "Vpcs.json")  # a misleading name
    assert importer.from_json_dir(tmp_path / "flat", "flat.nd").text == imported("flat").text


def test_tgw_table_outputs_need_the_table_id_in_their_name() -> None:
    inventory = parse(
        [
            Dump(
                "us-east-1",
                None,
                (("routes.json", {"Routes": [], "AdditionalRoutesAvailable": False}),),
            )
        ]
    )
    assert any("does not hold the table's 'tgw-rtb-…' id" in w for w in inventory.warnings)
    named = parse(
        [
            Dump(
                "us-east-1",
                None,
                (
                    (
                        "tgw-rtb-0abc.json",
                        {
                            "Routes": [
                                {
                                    "DestinationCidrBlock": "10.0.0.0/8",
                                    "Type": "static",
                                    "State": "blackhole",
                                }
                            ]
                        },
                    ),
                ),
            )
        ]
    )
    assert [r.destination for r in named.tgw_routes["tgw-rtb-0abc"]] == ["10.0.0.0/8"]


def test_region_comes_from_the_folder_then_the_content() -> None:
    found = read_dir(FIXTURES / "account")
    assert sorted(found.regions) == ["eu-west-1", "us-east-1"] and found.accounts == [
        "111122223333"
    ]
    assert read_dir(FIXTURES / "flat").regions == ["eu-central-1"]
    unknown = parse(
        [Dump(None, None, (("v.json", {"Vpcs": [vpc("vpc-1", "10.0.0.0/16")]}),))],
        default_region="ap-south-1",
    )
    assert unknown.regions == ["ap-south-1"]


def test_a_vpc_goes_to_the_region_of_its_subnets() -> None:
    result = run(Subnets=[subnet("subnet-1", "vpc-1", "10.0.1.0/24", "app", az="eu-west-1b")])
    assert "region eu-west-1 {" in lines(result)
    assert any("its subnets are in eu-west-1" in w for w in result.warnings)


ABSENT_TARGETS = [
    ("GatewayId", "igw-absent", "gateway"),
    ("GatewayId", "vgw-absent", "gateway"),
    ("EgressOnlyInternetGatewayId", "eigw-absent", "gateway"),
    ("NatGatewayId", "nat-absent", "NAT gateway"),
    ("NetworkInterfaceId", "eni-absent", "network interface"),
    ("TransitGatewayId", "tgw-absent", "transit gateway"),
    ("GatewayId", "vpce-absent", "endpoint"),
    ("VpcEndpointId", "vpce-absent", "endpoint"),
    ("VpcPeeringConnectionId", "pcx-absent", "peering"),
    ("InstanceId", "i-absent", "instance"),
]


def _routed(target: dict[str, str], **responses: Any) -> importer.Imported:
    table = {
        "RouteTableId": "rtb-1",
        "VpcId": "vpc-1",
        "Routes": [{"DestinationCidrBlock": "192.0.2.0/24", "State": "active", **target}],
        "Associations": [{"SubnetId": "subnet-1", "Main": False}],
    }
    return run(
        Vpcs=[vpc("vpc-1", "10.0.0.0/16", "main"), vpc("vpc-2", "10.1.0.0/16", "other")],
        Subnets=[
            subnet("subnet-1", "vpc-1", "10.0.1.0/24", "app"),
            subnet("subnet-2", "vpc-2", "10.1.1.0/24", "far"),
        ],
        RouteTables=[table],
        **responses,
    )


@pytest.mark.parametrize(("key", "ident", "kind"), ABSENT_TARGETS)
def test_a_route_to_a_target_absent_from_the_dump_says_so(key: str, ident: str, kind: str) -> None:
    result = _routed({key: ident})
    message = f"route 192.0.2.0/24 via {kind} '{ident}', which is not in the dump"
    assert any(message in w for w in result.warnings), result.warnings
    assert not any(line.startswith("route 192.0.2.0/24") for line in lines(result))


def _far_instance() -> dict[str, Any]:
    return {**instance("i-far", "subnet-2", "10.1.1.10", "far-box", []), "VpcId": "vpc-2"}


PRESENT_ELSEWHERE = [
    (
        {"NatGatewayId": "nat-far"},
        {
            "NatGateways": [
                {
                    "NatGatewayId": "nat-far",
                    "VpcId": "vpc-2",
                    "SubnetId": "subnet-2",
                    "State": "available",
                }
            ]
        },
        "NAT gateway 'nat-far', which is in vpc 'vpc-2', not in this one",
    ),
    (
        {"InstanceId": "i-far"},
        {"Reservations": [{"Instances": [_far_instance()]}]},
        "instance 'i-far', which is in vpc 'vpc-2', not in this one",
    ),
    (
        {"NetworkInterfaceId": "eni-lambda"},
        {
            "NetworkInterfaces": [
                {"NetworkInterfaceId": "eni-lambda", "VpcId": "vpc-1", "InterfaceType": "lambda"}
            ]
        },
        "network interface 'eni-lambda', which belongs to no instance (lambda)",
    ),
    (
        {"VpcPeeringConnectionId": "pcx-gone"},
        {
            "VpcPeeringConnections": [
                {
                    "VpcPeeringConnectionId": "pcx-gone",
                    "RequesterVpcInfo": {"VpcId": "vpc-1"},
                    "AccepterVpcInfo": {"VpcId": "vpc-2"},
                    "Status": {"Code": "rejected"},
                }
            ]
        },
        "peering 'pcx-gone', which is rejected",
    ),
    (
        {"TransitGatewayId": "tgw-1"},
        {"TransitGateways": [{"TransitGatewayId": "tgw-1", "State": "available"}]},
        "transit gateway 'tgw-1', which has no imported attachment for this VPC",
    ),
    (
        {"GatewayId": "igw-far"},
        {
            "InternetGateways": [
                {"InternetGatewayId": "igw-far", "Attachments": [{"VpcId": "vpc-2"}]}
            ]
        },
        "gateway 'igw-far', which is not attached to this VPC",
    ),
    (
        {"GatewayId": "vpce-glb"},
        {
            "VpcEndpoints": [
                {
                    "VpcEndpointId": "vpce-glb",
                    "VpcId": "vpc-1",
                    "VpcEndpointType": "GatewayLoadBalancer",
                    "ServiceName": "com.amazonaws.vpce.us-east-1.vpce-svc-1",
                    "State": "available",
                }
            ]
        },
        "GatewayLoadBalancer endpoint 'vpce-glb', which the language cannot route to",
    ),
]


@pytest.mark.parametrize(("target", "responses", "message"), PRESENT_ELSEWHERE)
def test_a_route_to_a_target_of_the_dump_that_is_not_this_vpcs_says_why(
    target: dict[str, str], responses: dict[str, Any], message: str
) -> None:
    warnings = _routed(target, **responses).warnings
    assert any(f"route 192.0.2.0/24 via {message}: not imported" in w for w in warnings), warnings
    assert not any("not in the dump" in w and "192.0.2.0/24" in w for w in warnings)


def test_a_route_to_a_gateway_says_why_it_is_left_out() -> None:
    """Absent from the dump, attached elsewhere, or attached here: three different messages."""
    routes = [
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-absent", "State": "active"},
        {"DestinationCidrBlock": "192.0.2.0/24", "GatewayId": "igw-other", "State": "active"},
        {"DestinationCidrBlock": "198.51.100.0/24", "GatewayId": "igw-1", "State": "active"},
    ]
    table = {
        "RouteTableId": "rtb-1",
        "VpcId": "vpc-1",
        "Routes": routes,
        "Associations": [{"SubnetId": "subnet-1", "Main": False}],
    }
    result = run(
        Vpcs=[vpc("vpc-1", "10.0.0.0/16", "main"), vpc("vpc-2", "10.1.0.0/16", "other")],
        RouteTables=[table],
        InternetGateways=[
            {"InternetGatewayId": "igw-1", "Attachments": [{"VpcId": "vpc-1"}]},
            {"InternetGatewayId": "igw-other", "Attachments": [{"VpcId": "vpc-2"}]},
        ],
    )
    warnings = "\n".join(result.warnings)
    assert "via gateway 'igw-absent', which is not in the dump: not imported" in warnings
    assert "via gateway 'igw-other', which is not attached to this VPC: not imported" in warnings
    assert "igw-absent', which is not attached" not in warnings
    # The attached gateway's route is kept (the allowed case beside the two denied ones).
    assert "route 198.51.100.0/24 via igw-1" in lines(result)


@pytest.mark.parametrize(
    ("file", "table"),
    [
        ("tgw-rtb-dx01-routes.json", "tgw-rtb-dx01"),
        ("routes-tgw-rtb-0a5000000000000f.json", "tgw-rtb-0a5000000000000f"),
        ("search-transit-gateway-routes-tgw-rtb-Iso01.json", "tgw-rtb-Iso01"),
    ],
)
def test_a_tgw_route_table_id_in_a_file_name_is_matched_whole(file: str, table: str) -> None:
    routes = {"Routes": [{"DestinationCidrBlock": "10.0.0.0/8", "State": "blackhole"}]}
    inventory = parse([Dump("us-east-1", None, ((file, routes),))])
    assert list(inventory.tgw_routes) == [table]


def test_a_batfish_snapshot_is_read_whole() -> None:
    """Batfish's own keys (TransitGatewayPropagations, TransitGatewayStaticRoutes, PrefixLists,
    the load balancer and Direct Connect files…) are read; its account folders name the title."""
    result = imported("batfish")
    body = lines(result)
    # Propagations and static routes come from the tables' entries, not from file names.
    for line in (
        "propagate corp-dx hub office-vpn spoke",
        "route 0.0.0.0/0 via hub",
        "route 10.99.0.0/16 blackhole",
        "route 192.168.10.0/24 via office-vpn",
        "route-table core-rt { # tgw-rtb-core01",
    ):
        assert line in body
    # Public addresses are kept: an Elastic IP, a plain public IP, the NAT gateway's EIP.
    assert any(
        line.startswith("instance web-2 ") and "elastic-ip 34.210.0.11" in line for line in body
    )
    assert any(
        line.startswith("instance web-1 ") and "public-ip 54.200.1.10" in line for line in body
    )
    assert any(line.startswith("instance app-1 ") and "public-ip" not in line for line in body)
    assert (
        "nat-gateway hub-nat in hub-public-a ip 10.10.0.100 eip 52.10.0.10 # nat-0e10000000000d001"
        in body
    )
    assert 'title "AWS account 123456789012 (us-west-2)"' in body
    warnings = result.warnings
    assert not any("not a response the importer knows" in w for w in warnings)
    counted = [w.split(" (")[0] for w in warnings if "not imported yet" in w]
    assert counted == [
        "1 OpenSearch domain",
        "1 RDS database",
    ]
    # Load balancers, their listeners and target groups (with health) are imported.
    text = result.text
    assert "load-balancer hub-web-alb application internet-facing in hub-public-a" in text
    assert "listener https 443 -> web-targets" in text
    assert "target-group web-targets http 80 targets web-1" in text
    assert (
        "route table 'spoke-main' of vpc 'spoke': route 198.51.100.0/24 via gateway 'igw-0d1000000000dead1', which is not in the dump: not imported"
        in warnings
    )


def test_cli_outputs_of_one_transit_gateway_route_table() -> None:
    """The CLI's per-table outputs name no table: the file name does, matched whole."""
    att = "tgw-attach-0a1"
    propagations = {
        "TransitGatewayRouteTablePropagations": [
            {"TransitGatewayAttachmentId": att, "ResourceType": "vpc", "State": "enabled"},
            {"TransitGatewayAttachmentId": "tgw-attach-off", "State": "disabled"},
        ]
    }
    routes = {
        "Routes": [{"DestinationCidrBlock": "10.9.0.0/16", "State": "blackhole", "Type": "static"}],
        "AdditionalRoutesAvailable": True,
    }
    inventory = parse(
        [
            Dump(
                "us-east-1",
                None,
                (
                    (
                        "get-transit-gateway-route-table-propagations-tgw-rtb-dx01.json",
                        propagations,
                    ),
                    ("search-transit-gateway-routes-tgw-rtb-dx01.json", routes),
                ),
            )
        ]
    )
    assert inventory.tgw_propagations == {"tgw-rtb-dx01": [att]}
    assert [r.destination for r in inventory.tgw_routes["tgw-rtb-dx01"]] == ["10.9.0.0/16"]
    assert any(
        "'tgw-rtb-dx01' has more routes than its dump holds" in w for w in inventory.warnings
    )


@pytest.mark.parametrize(
    ("key", "item", "expected"),
    [
        (
            "lags",
            {"lagId": "dxlag-1", "lagName": "lag-a", "lagState": "available"},
            "1 Direct Connect LAG (directconnect describe-lags) is not imported yet: 'lag-a'",
        ),
        (
            "TrafficMirrorFilters",
            {"TrafficMirrorFilterId": "tmf-0a1"},
            "1 traffic mirror filter (ec2 describe-traffic-mirror-filters) is not imported yet: 'tmf-0a1'",
        ),
    ],
)
def test_each_unrepresentable_kind_is_counted_and_gone_ones_are_not(
    key: str, item: dict[str, Any], expected: str
) -> None:
    assert expected in run(**{key: [item]}).warnings
    state = next((k for k in item if k.endswith("State")), "State")
    gone = run(**{key: [{**item, state: "deleted"}]}).warnings
    assert not any("not imported yet" in w for w in gone)


# ---- transit gateway propagations that a Batfish snapshot leaves out ---------------------------

BATFISH_REGION = Path("aws_configs/accounts/123456789012/us-west-2")


def _batfish_copy(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "batfish", tmp_path / "bf")
    (tmp_path / "bf" / "expected.nd").unlink()
    return tmp_path / "bf" / BATFISH_REGION


def test_propagations_left_out_are_a_warning_not_silently_none(tmp_path: Path) -> None:
    # Batfish's TransitGatewayStaticRoutes holds static routes only: it cannot tell what
    # propagates, so without TransitGatewayPropagations the import says so.
    region = _batfish_copy(tmp_path)
    whole = importer.from_json_dir(tmp_path / "bf", "bf.nd")
    assert "propagate corp-dx hub office-vpn spoke" in whole.text
    assert not any("propagations are not in the dump" in w for w in whole.warnings)
    (region / "TransitGatewayPropagations.json").unlink()
    result = importer.from_json_dir(tmp_path / "bf", "bf.nd")
    assert "propagate hub" not in result.text
    assert any("its propagations are not in the dump" in w for w in result.warnings)


def test_entries_of_a_table_not_in_the_dump_are_a_warning(tmp_path: Path) -> None:
    region = _batfish_copy(tmp_path)
    path = region / "TransitGatewayPropagations.json"
    data = json.loads(path.read_text("utf-8"))
    data["TransitGatewayPropagations"][0]["TransitGatewayRouteTableId"] = "tgw-rtb-ghost"
    path.write_text(json.dumps(data), "utf-8")
    result = importer.from_json_dir(tmp_path / "bf", "bf.nd")
    assert any(
        "transit gateway route table 'tgw-rtb-ghost' are in the dump, but the table is not" in w
        for w in result.warnings
    )


# ---- phase 2: what the language gained ------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "address", "nat"),
    [("batfish", "10.10.0.100", "hub-nat"), ("account", "10.0.0.200", "nat-a")],
)
def test_a_nat_gateway_keeps_its_private_address(
    networks: dict[str, Network], case: str, address: str, nat: str
) -> None:
    network = networks[case]
    query = parse_query(network, network_instances(network)[0], address, "tcp", "443")
    assert not isinstance(query, list), [d.message for d in query]
    assert query.destination.kind.value == "nat-gateway"
    assert query.destination.name == nat


def test_a_nat_address_outside_its_subnet_is_left_out() -> None:
    dumps = [
        Dump(
            "us-east-1",
            "1",
            (
                ("vpcs.json", {"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}),
                (
                    "subnets.json",
                    {
                        "Subnets": [
                            {
                                "SubnetId": "subnet-1",
                                "VpcId": "vpc-1",
                                "CidrBlock": "10.0.0.0/24",
                                "AvailabilityZone": "us-east-1a",
                            }
                        ]
                    },
                ),
                (
                    "nat.json",
                    {
                        "NatGateways": [
                            {
                                "NatGatewayId": "nat-1",
                                "VpcId": "vpc-1",
                                "SubnetId": "subnet-1",
                                "State": "available",
                                "ConnectivityType": "private",
                                "NatGatewayAddresses": [{"PrivateIp": "10.0.9.9"}],
                            }
                        ]
                    },
                ),
            ),
        )
    ]
    result = build(parse(dumps), "nat.nd")
    network_of(result.text)
    assert any("private address '10.0.9.9' is not a usable address" in w for w in result.warnings)
    assert " ip 10.0.9.9" not in result.text


def network_instances(network: Network) -> list[str]:
    return sorted(i for v in network.vpcs.values() for i in v.instances)


def test_an_interface_endpoint_keeps_its_addresses(networks: dict[str, Network]) -> None:
    network = networks["account"]
    endpoint = network.vpcs["prod"].endpoints["ssm"]
    assert [str(a) for a in endpoint.addresses] == ["10.0.16.100", "10.0.32.100"]
    query = parse_query(network, "web-test", "10.0.32.100", "tcp", "443")
    assert not isinstance(query, list), [d.message for d in query]
    result = trace(network, query)
    assert result.verdict.value == "allow"
    assert result.crosses("ssm")


def test_an_endpoint_whose_interface_is_missing_has_no_addresses(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "account", tmp_path / "account")
    file = tmp_path / "account/111122223333/us-east-1/describe-network-interfaces.json"
    data = json.loads(file.read_text("utf-8"))
    data["NetworkInterfaces"] = [
        e for e in data["NetworkInterfaces"] if e["NetworkInterfaceId"] != "eni-0000000002e000015"
    ]
    file.write_text(json.dumps(data), "utf-8")
    result = importer.from_json_dir(tmp_path / "account", "account.nd")
    network_of(result.text)
    line = next(x for x in result.text.splitlines() if "endpoint ssm interface" in x)
    assert " ips " not in line
    assert any(
        "interface endpoint 'ssm' of vpc 'prod': its network interface in subnet 'app-b' is not in the dump"
        in w
        for w in result.warnings
    )


@pytest.mark.parametrize(
    ("src", "dst", "words", "expected", "code"),
    [
        # The bastion's group lets pings (type 8) in from the office, nothing else of icmp.
        ("198.51.100.7", "bastion", ("type", "8"), "allow", None),
        ("198.51.100.7", "bastion", ("type", "13"), "deny", "SG_INGRESS_MISMATCH"),
        # db-nacl denies timestamp requests (type 13 code 0) and address-mask requests (17).
        ("bastion", "db-1", ("type", "13", "code", "0"), "deny", "ACL_INBOUND_DENY"),
        ("bastion", "db-1", ("type", "13", "code", "1"), "deny", "SG_INGRESS_MISMATCH"),
        ("bastion", "db-1", ("type", "17", "code", "3"), "deny", "ACL_INBOUND_DENY"),
        ("bastion", "db-1", ("type", "8"), "deny", "SG_INGRESS_MISMATCH"),
    ],
)
def test_icmp_types_are_imported(
    networks: dict[str, Network],
    src: str,
    dst: str,
    words: tuple[str, ...],
    expected: str,
    code: str | None,
) -> None:
    network = networks["account"]
    query = parse_query(network, src, dst, "icmp", *words)
    assert not isinstance(query, list), [d.message for d in query]
    result = trace(network, query)
    assert result.verdict.value == expected
    assert (result.code.value if result.code is not None else None) == code


def test_an_icmp_type_out_of_range_is_not_imported() -> None:
    group = {
        "GroupId": "sg-1",
        "GroupName": "g",
        "VpcId": "vpc-1",
        "IpPermissions": [
            {
                "IpProtocol": "icmp",
                "FromPort": 300,
                "ToPort": -1,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
            },
            {
                "IpProtocol": "icmpv6",
                "FromPort": 128,
                "ToPort": -1,
                "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
            },
        ],
        "IpPermissionsEgress": [],
    }
    dumps = [
        Dump(
            "us-east-1",
            "1",
            (
                ("vpcs.json", {"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}),
                ("sg.json", {"SecurityGroups": [group]}),
            ),
        )
    ]
    result = build(parse(dumps), "icmp.nd")
    network_of(result.text)
    assert "ingress icmpv6 type 128 from ::/0" in result.text
    assert any("icmp type 300 code -1 is not imported" in w for w in result.warnings)


def test_a_vpn_with_both_tunnels_down_is_imported_down(networks: dict[str, Network]) -> None:
    result = imported("account")
    assert any(
        line.startswith("vpn dc2-vpn core-tgw <-> dc2-router bgp down ")
        for line in result.text.splitlines()
    )
    assert "vpn 'vpn-0b70000000000002': both tunnels are down: imported down" in result.warnings
    # One tunnel up of two is up.
    assert "down" not in next(
        x for x in imported("batfish").text.splitlines() if x.startswith("vpn office-vpn ")
    )
    assert networks["account"].vpns["dc2-vpn"].down


def test_a_real_batfish_snapshot_says_what_its_files_leave_out() -> None:
    """Batfish's test-direct-connect-gateway names a subnet, an attachment's association and a
    VPN attachment that none of its files describes: each is a warning, and it compiles."""
    warnings = imported("batfish-dx-gateway").warnings
    for expected in (
        "transit gateway attachment 'tgw-attach-iso01' (vpc 'isolated-vpc') is in subnet 'subnet-iso01', which is not in the dump",
        "transit gateway attachment 'tgw-attach-iso01': which route table it is associated with is not in the dump",
        "its propagation from transit gateway attachment 'tgw-attach-vpn-dx-test', which is not in the dump, is not imported",
    ):
        assert any(expected in w for w in warnings), warnings
    # The VPC attachment that describe-transit-gateway-attachments lists is not warned about.
    assert not any("'tgw-attach-vpc01'" in w for w in warnings)


@pytest.mark.parametrize(
    ("state", "subnet_id", "why"),
    [
        ("deleted", "subnet-1", "is deleted"),
        ("available", "subnet-9", "is in a subnet that is not in the dump"),
    ],
)
def test_a_route_to_a_nat_gateway_of_this_vpc_that_is_not_imported_says_why(
    state: str, subnet_id: str, why: str
) -> None:
    nat = {"NatGatewayId": "nat-1", "VpcId": "vpc-1", "SubnetId": subnet_id, "State": state}
    warnings = _routed({"NatGatewayId": "nat-1"}, NatGateways=[nat]).warnings
    assert any(f"via NAT gateway 'nat-1', which {why}: not imported" in w for w in warnings), (
        warnings
    )


@pytest.mark.parametrize("case", CASES)
def test_the_tree_the_importer_holds_compiles_as_its_printed_text(case: str) -> None:
    """``netdraft import`` checks the tree it printed instead of parsing the file again."""
    from netdraft.generator.diagram import dot_source
    from netdraft.generator.view import view_of

    result = imported(case)
    held = api.compile_syntax(result.source)
    assert held.ok and held.network is not None
    printed = network_of(result.text)
    assert dot_source(view_of(held.network)) == dot_source(view_of(printed))


# ---- interfaces of services the language has no statement for (RDS, Lambda, EFS) ------------


def _service_interface(eni: str, ip: str, groups: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "NetworkInterfaceId": eni,
        "VpcId": "vpc-1",
        "SubnetId": "subnet-1",
        "InterfaceType": "interface",
        "Status": "in-use",
        "PrivateIpAddress": ip,
        "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": ip}],
        "Groups": [{"GroupId": g, "GroupName": g} for g in groups],
        **extra,
    }


def _service_network(*interfaces: dict[str, Any]) -> importer.Imported:
    db = group(
        "sg-db",
        "db",
        [
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": "sg-app"}],
            }
        ],
    )
    app = group("sg-app", "app", [])
    efs = group(
        "sg-efs",
        "efs",
        [
            {
                "IpProtocol": "tcp",
                "FromPort": 2049,
                "ToPort": 2049,
                "IpRanges": [{"CidrIp": "10.0.1.0/24"}],
            }
        ],
    )
    return run(
        SecurityGroups=[db, app, efs],
        Reservations=[
            {"Instances": [instance("i-1", "subnet-1", "10.0.1.10", "app-1", ["sg-app"])]}
        ],
        NetworkInterfaces=list(interfaces),
    )


RDS_ENI = _service_interface(
    "eni-0rds",
    "10.0.1.50",
    ["sg-db"],
    Description="RDSNetworkInterface",
    RequesterId="amazon-rds",
    RequesterManaged=True,
)
LAMBDA_ENI = _service_interface(
    "eni-0fn",
    "10.0.1.60",
    ["sg-app"],
    InterfaceType="lambda",
    Description="AWS Lambda VPC ENI-billing",
    RequesterId="AROAEXAMPLE:billing",
    RequesterManaged=True,
)
EFS_ENI = _service_interface(
    "eni-0efs",
    "10.0.1.70",
    ["sg-efs"],
    InterfaceType="efs",
    Description="EFS mount target for fs-0abc (fsmt-0def)",
    RequesterManaged=True,
)


@pytest.mark.parametrize(
    ("src", "dst", "port", "expected", "code"),
    [
        # The database answers, filtered by its own group: from the app group only, on 5432.
        ("app-1", "10.0.1.50", "5432", "allow", None),
        ("app-1", "10.0.1.50", "3306", "deny", "SG_INGRESS_MISMATCH"),
        ("billing", "10.0.1.50", "5432", "allow", None),  # the function is in the app group
        ("app-1", "10.0.1.70", "2049", "allow", None),
        ("app-1", "10.0.1.70", "22", "deny", "SG_INGRESS_MISMATCH"),
        # An address no interface holds still has nothing to answer.
        ("app-1", "10.0.1.99", "5432", "deny", "NO_INTERFACE"),
    ],
)
def test_service_interfaces_hold_their_addresses_behind_their_groups(
    src: str, dst: str, port: str, expected: str, code: str | None
) -> None:
    result = _service_network(RDS_ENI, LAMBDA_ENI, EFS_ENI)
    network = network_of(result.text)
    query = parse_query(network, src, dst, "tcp", port)
    assert not isinstance(query, list), [d.message for d in query]
    verdict = trace(network, query)
    assert verdict.verdict.value == expected, verdict.code
    if code is not None:
        assert verdict.code is not None and verdict.code.value == code
    assert not any("not imported yet" in w for w in result.warnings), result.warnings


def test_a_service_interface_is_an_instance_that_names_its_owner() -> None:
    result = _service_network(RDS_ENI, LAMBDA_ENI, EFS_ENI)
    body = lines(result)
    assert (
        "instance eni-0rds in app sg db ip 10.0.1.50 # eni-0rds: RDS database interface ('RDSNetworkInterface', managed by amazon-rds)"
        in body
    )
    assert any(
        line.startswith(
            "instance billing in app sg app ip 10.0.1.60 # eni-0fn: Lambda function interface"
        )
        for line in body
    ), body
    assert any(
        line.startswith("instance fs-0abc in app sg efs ip 10.0.1.70 # eni-0efs: EFS")
        for line in body
    ), body


def test_detached_and_group_less_interfaces() -> None:
    # A detached interface of no service answers nothing: it stays a counted warning.
    spare = _service_interface(
        "eni-0spare", "10.0.1.80", ["sg-app"], Status="available", Description="spare"
    )
    # A service interface the dump lists without groups: the VPC's default group, said.
    bare = {**RDS_ENI, "Groups": []}
    result = _service_network(spare, bare)
    text = "\n".join(result.warnings)
    assert (
        "1 network interface (ec2 describe-network-interfaces) is not imported yet: 'eni-0spare (spare)'"
        in text
    )
    assert (
        "network interface 'eni-0rds' (RDS database interface) has no security group in the dump: imported in the default group of vpc 'main'"
        in text
    )
    network = network_of(result.text)
    query = parse_query(network, "app-1", "10.0.1.80", "tcp", "22")
    assert not isinstance(query, list)
    assert trace(network, query).code is not None
    assert trace(network, query).code.value == "NO_INTERFACE"  # type: ignore[union-attr]


# ---- transit gateway peering ------------------------------------------------------------------


def test_tgw_peerings_are_imported_with_their_state_and_far_side() -> None:
    result = imported("tgw-peering")
    network = network_of(result.text)
    up, pending = network.tgw_peerings["east-west"], network.tgw_peerings["to-partner"]
    assert (up.a, up.b, up.down) == ("tgw-east", "tgw-west", False)
    assert (pending.b, pending.down) == ("tgw-0a00000000000031", True)
    # The far side of the pending one is in another account's region: an empty placeholder.
    far = network.transit_gateways["tgw-0a00000000000031"]
    assert far.region == "ap-southeast-2" and not far.route_tables
    warnings = "\n".join(result.warnings)
    assert (
        "joins transit gateway 'tgw-0a00000000000031' (ap-southeast-2, account 444455556666), which is not in the dump: it is written empty"
        in warnings
    )
    assert (
        "transit gateway peering 'tgw-attach-0ee0000000000002' is pendingAcceptance: imported down"
        in warnings
    )
    assert (
        "transit gateway peering 'tgw-attach-0ee0000000000003' is deleted: not imported" in warnings
    )
    # The requester's Name tag names it (the accepter's region lists it untagged).
    assert "old-east-west" not in result.text
    # Each side associates its table with the peering and routes to it statically.
    east = network.transit_gateways["tgw-east"].route_tables["east-main"]
    west = network.transit_gateways["tgw-west"].route_tables["west-main"]
    assert "east-west" in east.associations and "east-west" in west.associations
    assert "east-west" not in east.propagations and "east-west" not in west.propagations
    # Peerings are no longer counted among the kinds the language cannot hold.
    assert not any("peering attachment" in w for w in result.warnings)


def _peering_dump(**changes: Any) -> list[Dump]:
    """One region with two transit gateways peered (an intra-Region peering) and a VPC on
    the first; ``changes`` replace fields of the peering attachment."""
    peering = {
        "TransitGatewayAttachmentId": "tgw-attach-0p1",
        "RequesterTgwInfo": {"TransitGatewayId": "tgw-0a1", "Region": "us-east-1"},
        "AccepterTgwInfo": {"TransitGatewayId": "tgw-0b1", "Region": "us-east-1"},
        "State": "available",
        "Tags": [{"Key": "Name", "Value": "ab"}],
        **changes,
    }
    tgws = [
        {"TransitGatewayId": t, "State": "available", "Tags": [{"Key": "Name", "Value": n}]}
        for t, n in (("tgw-0a1", "tgw-a"), ("tgw-0b1", "tgw-b"))
    ]
    tables = [
        {
            "TransitGatewayRouteTableId": f"tgw-rtb-0{x}1",
            "TransitGatewayId": f"tgw-0{x}1",
            "State": "available",
            "Tags": [{"Key": "Name", "Value": f"rt-{x}"}],
            "Routes": [
                {
                    "DestinationCidrBlock": cidr,
                    "Type": "static",
                    "State": "active",
                    "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": att}],
                }
            ],
            "Propagations": [{"TransitGatewayAttachmentId": att, "State": "enabled"}],
            "Associations": [{"TransitGatewayAttachmentId": att, "State": "associated"}],
        }
        for x, cidr, att in (
            ("a", "10.2.0.0/16", "tgw-attach-0p1"),
            (
                "b",
                "10.1.0.0/16",
                peering.get("AccepterTransitGatewayAttachmentId", "tgw-attach-0p1"),
            ),
        )
    ]
    data = {
        "TransitGateways": tgws,
        "TransitGatewayRouteTables": tables,
        "TransitGatewayPeeringAttachments": [peering],
    }
    return [Dump("us-east-1", None, (("dump.json", data),))]


@pytest.mark.parametrize(
    ("changes", "line", "warning"),
    [
        ({}, "tgw-peering ab tgw-a <-> tgw-b ", None),
        ({"State": "pending"}, "tgw-peering ab tgw-a <-> tgw-b down", "is pending: imported down"),
        ({"State": "rejected"}, None, "is rejected: not imported"),
        ({"State": "failed"}, None, "is failed: not imported"),
        (
            {"AccepterTgwInfo": {"TransitGatewayId": "tgw-0a1"}},
            None,
            "to itself: not imported",
        ),
        # The accepter's own attachment id: its table's routes and association name it.
        (
            {"AccepterTransitGatewayAttachmentId": "tgw-attach-0p2"},
            "tgw-peering ab tgw-a <-> tgw-b ",
            None,
        ),
    ],
)
def test_a_tgw_peerings_state_decides_how_it_is_imported(
    changes: dict[str, Any], line: str | None, warning: str | None
) -> None:
    result = build(parse(_peering_dump(**changes)), "p.nd")
    network_of(result.text)
    peering_lines = [x for x in result.text.splitlines() if x.startswith("tgw-peering")]
    if line is None:
        assert not peering_lines
    else:
        assert len(peering_lines) == 1 and peering_lines[0].startswith(line)
        # Both sides: associated, a static route over it, and no propagation (AWS has none).
        assert result.text.count("associate ab") == 2
        assert "route 10.2.0.0/16 via ab" in result.text
        assert "route 10.1.0.0/16 via ab" in result.text
        assert "propagate ab" not in result.text
        assert any("propagation from transit gateway peering 'ab'" in w for w in result.warnings)
    if warning is not None:
        assert any(warning in w for w in result.warnings), result.warnings


def test_a_peering_attachment_without_its_peering_description_says_so() -> None:
    dump = _peering_dump()
    data = dict(dump[0].responses[0][1])
    del data["TransitGatewayPeeringAttachments"]
    data["TransitGatewayAttachments"] = [
        {
            "TransitGatewayAttachmentId": "tgw-attach-0p1",
            "TransitGatewayId": "tgw-0a1",
            "ResourceType": "peering",
            "ResourceId": "tgw-0b1",
            "State": "available",
        }
    ]
    result = build(parse([Dump("us-east-1", None, (("dump.json", data),))]), "p.nd")
    network_of(result.text)
    assert "tgw-peering" not in result.text
    assert any(
        "'tgw-attach-0p1' is not in the dump's describe-transit-gateway-peering-attachments" in w
        for w in result.warnings
    ), result.warnings


def _vpn_with(statuses: list[str]) -> importer.Imported:
    """Import one VPN to vpc-1's gateway whose telemetry lists tunnels of ``statuses``."""
    telemetry = [
        {"OutsideIpAddress": f"52.0.0.{i}", "Status": status}
        for i, status in enumerate(statuses, start=1)
    ]
    return run(
        VpnGateways=[
            {
                "VpnGatewayId": "vgw-1",
                "State": "available",
                "VpcAttachments": [{"VpcId": "vpc-1", "State": "attached"}],
            }
        ],
        CustomerGateways=[
            {"CustomerGatewayId": "cgw-1", "IpAddress": "198.51.100.1", "State": "available"}
        ],
        VpnConnections=[
            {
                "VpnConnectionId": "vpn-1",
                "CustomerGatewayId": "cgw-1",
                "VpnGatewayId": "vgw-1",
                "State": "available",
                "Options": {"StaticRoutesOnly": True},
                "Routes": [{"DestinationCidrBlock": "192.168.0.0/24", "State": "available"}],
                "VgwTelemetry": telemetry,
            }
        ],
    )


@pytest.mark.parametrize(
    ("statuses", "down", "warning"),
    [
        (["DOWN", "DOWN"], True, "vpn 'vpn-1': both tunnels are down: imported down"),
        (
            ["DOWN"],
            True,
            "vpn 'vpn-1': its only tunnel in the dump (52.0.0.1) is down: imported down",
        ),
        (
            ["UP", "DOWN"],
            False,
            "vpn 'vpn-1': tunnel 52.0.0.2 is down, 1 of 2 up: imported up (its traffic takes"
            " the tunnel still up, with no redundancy left)",
        ),
        (["UP", "UP"], False, None),
    ],
)
def test_a_vpn_is_down_only_when_every_tunnel_is_and_the_warning_counts_them(
    statuses: list[str], down: bool, warning: str | None
) -> None:
    result = _vpn_with(statuses)
    line = next(x for x in lines(result) if x.startswith("vpn "))
    assert ("down" in line.split()) is down, line
    assert [w for w in result.warnings if "vpn 'vpn-1'" in w] == ([warning] if warning else [])


# ---- flow logs and traffic mirroring (LANGUAGE.md §10) -----------------------------------------


def test_flow_logs_and_mirror_sessions_are_imported_and_the_rest_is_warned_of() -> None:
    result = imported("observation")
    net = network_of(result.text)
    shop = net.vpcs["shop"]
    assert [(f.kind.value, f.resource, f.destination.value) for f in shop.flow_logs] == [
        ("vpc", "shop", "s3"),
        ("subnet", "app-a", "cloudwatch"),
        ("instance", "app-1", "cloudwatch"),
    ]
    assert [(s.source, s.target_kind.value, s.target) for s in shop.traffic_mirrors] == [
        ("app-1", "load-balancer", "shop-edge"),
        ("app-1", "instance", "app-2"),
    ]
    warned = "\n".join(result.warnings)
    for part in (
        "flow log 'fl-0c00000000000a002' captures REJECT traffic only",
        "'fl-0c00000000000a004' of 'vpc-0c0000000000000a1' publishes to kinesis-data-firehose",
        "captures 'tgw-0c00000000000f001', which is no imported VPC",
        "3 flow log(s) imported without a volume",
        "session 'tms-0c00000000000a004' mirrors 'eni-0c00000000000dead'",
        "'tms-0c00000000000a002' of 'app-1': its target is a gateway-load-balancer-endpoint",
        "1 traffic mirror filter (ec2 describe-traffic-mirror-filters) is not imported yet",
    ):
        assert part in warned, part


def test_a_session_is_imported_only_with_its_target_in_the_dump() -> None:
    eni = {"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Attachment": {}}]}
    app = instance("i-1", "subnet-1", "10.0.1.10", "app", ["sg-d"], **eni)
    ids = instance("i-2", "subnet-1", "10.0.1.11", "ids", ["sg-d"])
    ids["NetworkInterfaces"] = [{"NetworkInterfaceId": "eni-2"}]
    session = {
        "TrafficMirrorSessionId": "tms-1",
        "TrafficMirrorTargetId": "tmt-1",
        "NetworkInterfaceId": "eni-1",
        "SessionNumber": 1,
    }
    target = {"TrafficMirrorTargetId": "tmt-1", "Type": "network-interface"}
    given = {"Reservations": [{"Instances": [app, ids]}], "TrafficMirrorSessions": [session]}
    missing = run(**given)
    assert "traffic-mirror app to ids # tms-1" not in lines(missing)
    assert any(
        "'tms-1' of 'app': its target 'tmt-1' is not in the dump" in w for w in missing.warnings
    )
    found = run(**given, TrafficMirrorTargets=[{**target, "NetworkInterfaceId": "eni-2"}])
    assert "traffic-mirror app to ids # tms-1" in lines(found)
    assert not any("tms-1" in w for w in found.warnings)
