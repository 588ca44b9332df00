"""Terraform and CloudFormation import of flow logs, traffic mirroring, IPAM pools and
Global Accelerator: what each source's resources become, what is known only after apply,
and the verdicts and costs of the result (every denied case beside its allowed twin)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as hs

from netdraft import api, importer
from netdraft.cli import main
from netdraft.dsl.fmt import format_text
from netdraft.importer.aws_json import DumpError

HERE = Path(__file__).parent
STATE = HERE / "terraform" / "state-ga-observe" / "terraform.tfstate"
PLAN = HERE / "terraform" / "plan-ga-observe" / "plan.json"
TEMPLATE = HERE / "cloudformation" / "ga-observe" / "template.yaml"

SOURCES = {
    "state": lambda: importer.from_terraform(STATE, "expected.nd"),
    "plan": lambda: importer.from_terraform(PLAN, "expected.nd"),
    "template": lambda: importer.from_cloudformation(TEMPLATE, None, None, "expected.nd"),
}


def statements(text: str, keyword: str) -> list[str]:
    lines = (line.split("#")[0].strip() for line in text.splitlines())
    return [line for line in lines if line.startswith(f"{keyword} ")]


def check(tmp_path: Path, text: str, expects: str) -> int:
    file = tmp_path / "checked.nd"
    file.write_text(text + "\n" + expects, "utf-8")
    return main(["check", str(file)])


def codes(tmp_path: Path, text: str) -> list[str]:
    """The codes ``netdraft check`` reports on a text (its check-stage warnings too)."""
    file = tmp_path / "checked.nd"
    file.write_text(text, "utf-8")
    return [d.code for d in api.check(file).diagnostics]


def test_each_source_gives_the_logs_the_session_the_pool_and_the_accelerator() -> None:
    for source, read in SOURCES.items():
        text = read().text
        assert statements(text, "flow-log") == [
            "flow-log shop to s3",
            "flow-log web-1 to cloudwatch",
        ]
        assert statements(text, "traffic-mirror") == ["traffic-mirror web-1 to sensor"], source
        assert statements(text, "ipam-pool") == ["ipam-pool corp 10.60.0.0/14"], source
        assert "vpc shop 10.60.0.0/16 ipam corp {" in statements(text, "vpc"), source
        endpoint = "shop.Alb" if source == "template" else "shop.web-lb"
        ips = " ips 75.2.44.10 99.83.160.10" if source == "state" else ""
        assert statements(text, "accelerator") == [
            f"accelerator shop-ga{ips} {{ listener tcp 443 -> {endpoint} weight 100 }}"
        ], source


def test_what_is_known_only_after_apply() -> None:
    state, plan, template = (read() for read in SOURCES.values())
    # The VPC's CIDR from the pool: AWS's in a state, a /16 asked of the pool otherwise.
    assert "vpc lab 10.61.0.0/16 ipam corp {" in statements(state.text, "vpc")
    for result in (plan, template):
        assert "vpc lab ipam corp /16 {" in statements(result.text, "vpc")
        assert "its CIDR, a /16 of the pool, is given at apply" in result.text
        # The accelerator's static addresses: the language's stand-ins, said so.
        assert "its static addresses are given at apply: netdraft writes stand-ins" in result.text
        compiled = api.compile(result.text, "x.nd")
        assert compiled.network is not None
        assert str(compiled.network.vpcs["lab"].cidrs[0]) == "10.61.0.0/16"  # the lowest free
        assert [str(ip) for ip in compiled.network.accelerators["shop-ga"].ips] == [
            "75.2.0.1",
            "99.83.128.1",
        ]


def test_what_the_language_cannot_hold_is_one_warning_each() -> None:
    for source, read in SOURCES.items():
        warnings = read().warnings
        assert len([w for w in warnings if "captures REJECT traffic only" in w]) == 1, source
        assert len([w for w in warnings if "traffic mirror filter" in w]) == 1, source
        assert not [w for w in warnings if "not read" in w], (source, warnings)


def test_the_accelerator_reaches_the_alb_only_on_its_listener(tmp_path: Path) -> None:
    for source, read in SOURCES.items():
        text = read().text
        group = "WebGroup" if source == "template" else "web-tg"
        assert check(tmp_path, text, f"expect internet -> shop-ga tcp 443 allow via {group}\n") == 0
        assert (
            check(tmp_path, text, "expect internet -> shop-ga tcp 80 deny because NO_LISTENER\n")
            == 0
        )
        # Its endpoint at weight 0 takes nothing: no healthy endpoint is left.
        off = text.replace(" weight 100 }", " weight 0 }")
        assert off != text
        assert check(tmp_path, off, "expect internet -> shop-ga tcp 443 allow\n") == 1
        assert (
            check(
                tmp_path, off, "expect internet -> shop-ga tcp 443 deny because NO_HEALTHY_TARGET\n"
            )
            == 0
        )


def test_the_mirror_copies_reach_the_sensor_only_through_its_group(tmp_path: Path) -> None:
    for source, read in SOURCES.items():
        text = read().text
        assert "mirror-unreachable" not in codes(tmp_path, text), source
        closed = text.replace(
            "ingress udp 4789 from 10.60.0.0/16", "ingress udp 4790 from 10.60.0.0/16"
        )
        assert closed != text
        assert "mirror-unreachable" in codes(tmp_path, closed), source


def test_the_imported_network_is_priced() -> None:
    for source, read in SOURCES.items():
        net = api.compile(read().text, "x.nd").network
        assert net is not None
        # The ALB, its two nodes' public IPv4s, the accelerator and web-1's mirrored
        # interface (the flow logs have no volume): 16.425 + 7.30 + 18.25 + 10.95.
        assert api.cost(net).hourly_total == Decimal("52.925"), source


def _resources(data: Any) -> list[dict[str, Any]]:
    return data["planned_values"]["root_module"]["resources"]


def _plan(tmp_path: Path, change: Any) -> importer.Imported:
    data = json.loads(PLAN.read_text("utf-8"))
    change(data)
    file = tmp_path / "plan.json"
    file.write_text(json.dumps(data), "utf-8")
    return importer.from_terraform(file)


def _values(data: Any, address: str) -> dict[str, Any]:
    return next(r for r in _resources(data) if r["address"] == address)["values"]


def test_a_traffic_dial_of_zero_sends_the_group_nothing(tmp_path: Path) -> None:
    group = "aws_globalaccelerator_endpoint_group.east"
    result = _plan(tmp_path, lambda d: _values(d, group).update(traffic_dial_percentage=0))
    assert "listener tcp 443 -> shop.web-lb weight 0 }" in result.text
    half = _plan(tmp_path, lambda d: _values(d, group).update(traffic_dial_percentage=50))
    assert "listener tcp 443 -> shop.web-lb weight 100 }" in half.text
    assert any("traffic dial of 50% is not written" in w for w in half.warnings)


def test_an_endpoint_without_client_ip_preservation_is_a_warning(tmp_path: Path) -> None:
    group = "aws_globalaccelerator_endpoint_group.east"

    def change(d: Any) -> None:
        _values(d, group)["endpoint_configuration"][0]["client_ip_preservation_enabled"] = False

    assert any(
        "does not preserve the client's address" in w for w in _plan(tmp_path, change).warnings
    )
    assert not any("preserve" in w for w in SOURCES["plan"]().warnings)


def test_a_pool_cidr_known_only_after_apply_leaves_the_asking_vpc_out(tmp_path: Path) -> None:
    def change(d: Any) -> None:
        values = _values(d, "aws_vpc_ipam_pool_cidr.corp")
        del values["cidr"]
        values["netmask_length"] = 14

    result = _plan(tmp_path, change)
    assert (
        "aws_vpc_ipam_pool_cidr.corp: its CIDR is not known before apply: not imported"
        in result.warnings
    )
    assert any("asks IPAM pool 'corp-pool' for a /16" in w for w in result.warnings)
    assert statements(result.text, "ipam-pool") == []
    assert [v for v in statements(result.text, "vpc") if v.startswith("vpc lab")] == []
    assert api.compile(result.text, "x.nd").ok


def test_a_flow_log_of_a_subnet_and_a_session_to_an_nlb(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "V": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}},
            "A": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {
                    "VpcId": {"Ref": "V"},
                    "CidrBlock": "10.9.0.0/24",
                    "AvailabilityZone": "us-east-1a",
                },
            },
            "I": {"Type": "AWS::EC2::Instance", "Properties": {"SubnetId": {"Ref": "A"}}},
            "N": {
                "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "Properties": {"Type": "network", "Scheme": "internal", "Subnets": [{"Ref": "A"}]},
            },
            "L": {
                "Type": "AWS::EC2::FlowLog",
                "Properties": {
                    "ResourceId": {"Ref": "A"},
                    "ResourceType": "Subnet",
                    "LogDestinationType": "s3",
                },
            },
            "T": {
                "Type": "AWS::EC2::TrafficMirrorTarget",
                "Properties": {"NetworkLoadBalancerArn": {"Ref": "N"}},
            },
            "S": {
                "Type": "AWS::EC2::TrafficMirrorSession",
                "Properties": {
                    "NetworkInterfaceId": {"Fn::GetAtt": ["I", "PrimaryNetworkInterfaceId"]},
                    "TrafficMirrorTargetId": {"Ref": "T"},
                    "SessionNumber": 2,
                },
            },
            "G": {
                "Type": "AWS::EC2::FlowLog",
                "Properties": {"ResourceId": "tgw-0abc", "ResourceType": "TransitGateway"},
            },
        }
    }
    file = tmp_path / "t.json"
    file.write_text(json.dumps(template), "utf-8")
    result = importer.from_cloudformation(file)
    assert statements(result.text, "flow-log") == ["flow-log A to s3"]
    assert statements(result.text, "traffic-mirror") == ["traffic-mirror I to N"]
    assert any("'tgw-0abc'" in w and "not imported" in w for w in result.warnings)


#: Values planted in the new resources' attributes.
_BROKEN = hs.sampled_from(
    [None, 0, -1, "", "x", "10.0.0.0/99", [], {}, True, [None], [{}], {"Ref": "Nope"}]
)
_NEW = (
    "flow_log",
    "traffic_mirror",
    "ipam",
    "globalaccelerator",
    "FlowLog",
    "TrafficMirror",
    "IPAM",
    "GlobalAccelerator",
)


def _targets(data: Any) -> list[dict[str, Any]]:
    """The attribute maps of the new resources in a plan, a state or a template."""
    if "planned_values" in data:
        return [r["values"] for r in _resources(data) if any(n in r["type"] for n in _NEW)]
    if "resources" in data:
        return [
            i["attributes"]
            for r in data["resources"]
            if any(n in r["type"] for n in _NEW)
            for i in r["instances"]
        ]
    return [
        r.setdefault("Properties", {})
        for r in data["Resources"].values()
        if any(n in r["Type"] for n in _NEW)
    ]


def _load(which: str) -> Any:
    if which == "template":
        from netdraft.importer.cloudformation import load

        return load(TEMPLATE)
    return json.loads((STATE if which == "state" else PLAN).read_text("utf-8"))


_ORIGINALS = {which: _load(which) for which in SOURCES}


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    which=hs.sampled_from(sorted(_ORIGINALS)),
    picks=hs.lists(
        hs.tuples(hs.integers(0, 10**4), hs.integers(0, 10**4), _BROKEN), min_size=1, max_size=4
    ),
)
@example(which="plan", picks=[(1, 0, "x")])  # a VPC asking a pool that is not imported
def test_broken_values_of_the_new_resources_are_warnings_never_a_crash(
    tmp_path: Path, which: str, picks: list[tuple[int, int, Any]]
) -> None:
    data = copy.deepcopy(_ORIGINALS[which])
    targets = _targets(data)
    for n, k, value in picks:
        attrs = targets[n % len(targets)]
        keys = sorted(attrs) or ["x"]
        attrs[keys[k % len(keys)]] = copy.deepcopy(value)
    file = tmp_path / ("t.json" if which != "state" else "t.tfstate")
    file.write_text(json.dumps(data), "utf-8")
    try:
        result = (
            importer.from_cloudformation(file)
            if which == "template"
            else importer.from_terraform(file, "broken.nd")
        )
    except DumpError:
        return
    api.compile(result.text, "broken.nd")  # it may not compile; it must not raise
    assert format_text(result.text)[0] == result.text


def test_a_listener_with_no_endpoint_of_the_input_is_left_out(tmp_path: Path) -> None:
    def change(d: Any) -> None:
        _values(d, "aws_globalaccelerator_endpoint_group.east")["endpoint_configuration"] = []

    result = _plan(tmp_path, change)
    assert "listener tcp of accelerator 'shop-ga' has no imported endpoint" in " ".join(
        result.warnings
    )
    assert statements(result.text, "accelerator") == ["accelerator shop-ga { }"]
    assert format_text(result.text)[0] == result.text
    assert (
        check(
            tmp_path, result.text, "expect internet -> shop-ga tcp 443 deny because NO_LISTENER\n"
        )
        == 0
    )
