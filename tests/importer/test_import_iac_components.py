"""Terraform and CloudFormation import of load balancers, Route 53 zones and Resolver, and
transit gateway peerings: what each source's resources become, checked against the
verdicts AWS would give (every denied case beside its allowed twin)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from netdraft import importer
from netdraft.cli import main

HERE = Path(__file__).parent
TERRAFORM = HERE / "terraform"
CLOUDFORMATION = HERE / "cloudformation"


def terraform(case: str, file: str) -> importer.Imported:
    return importer.from_terraform(TERRAFORM / case / file, "expected.nd")


def cloudformation(case: str) -> importer.Imported:
    return importer.from_cloudformation(
        CLOUDFORMATION / case / "template.yaml", None, None, "expected.nd"
    )


def check(tmp_path: Path, text: str, expects: str) -> int:
    """``netdraft check``'s exit code for an imported file with ``expects`` after it."""
    file = tmp_path / "checked.nd"
    file.write_text(text + "\n" + expects, "utf-8")
    return main(["check", str(file)])


def statements(text: str, keyword: str) -> list[str]:
    lines = (line.split("#")[0].strip() for line in text.splitlines())
    return [line for line in lines if line.startswith(f"{keyword} ")]


# ---- load balancers ---------------------------------------------------------------------------


def sources(case: str, template: str) -> dict[str, Callable[[], importer.Imported]]:
    """The imports of one network from a Terraform state, a plan and a template."""
    return {
        "state": lambda: terraform(f"state-{case}", "terraform.tfstate"),
        "plan": lambda: terraform(f"plan-{case}", "plan.json"),
        "template": lambda: cloudformation(template),
    }


LB_SOURCES = sources("lb", "load-balancers")


def test_load_balancers_their_listeners_and_target_groups_are_read_from_each_source() -> None:
    for source, read in LB_SOURCES.items():
        text = read().text
        app = "App1 App2" if source == "template" else "app-1 app-2"
        public = "PublicA PublicB" if source == "template" else "public_a-subnet public_b-subnet"
        alb = [s for s in statements(text, "load-balancer") if s.startswith("load-balancer web")]
        group = "AlbGroup" if source == "template" else "alb"
        assert alb == [f"load-balancer web application internet-facing in {public} sg {group} {{"]
        assert "listener https 443 -> app" in statements(text, "listener")
        assert "listener tcp 443 -> front" in statements(text, "listener")
        assert statements(text, "target-group") == [
            f"target-group app http 8080 targets {app}",
            "target-group front tcp 443 targets web",  # the ALB behind the NLB
        ]
        nlb = [s for s in statements(text, "load-balancer") if s.startswith("load-balancer edge")]
        eips = " eips 203.0.113.10 203.0.113.11" if source == "state" else ""
        assert nlb == [
            f"load-balancer edge network internet-facing in {public}{eips} cross-zone {{"
        ]


def test_what_a_load_balancer_import_cannot_hold_is_one_warning_each() -> None:
    for source, read in LB_SOURCES.items():
        warnings = read().warnings
        redirect = [w for w in warnings if "listener http 80 of load balancer 'web'" in w]
        assert len(redirect) == 1, source  # a redirect is no forward: left out, said once
        unknown_eips = [w for w in warnings if "Elastic IPs are known only after apply" in w]
        assert len(unknown_eips) == (0 if source == "state" else 1), source
    assert any(
        "ListenerRule resource not read: WebRule" in w for w in LB_SOURCES["template"]().warnings
    )


def test_a_port_is_answered_only_by_its_listener(tmp_path: Path) -> None:
    for read in LB_SOURCES.values():
        text = read().text
        expects = "expect internet -> web tcp 443 allow via app\n"
        assert check(tmp_path, text, expects) == 0
        # The same path without the ALB's listener: nothing answers on 443.
        broken = text.replace("      listener https 443 -> app\n", "")
        assert broken != text
        assert check(tmp_path, broken, expects) == 1
        assert (
            check(tmp_path, broken, "expect internet -> web tcp 443 deny because NO_LISTENER\n")
            == 0
        )


def test_a_target_attachment_makes_the_target(tmp_path: Path) -> None:
    data = json.loads((TERRAFORM / "state-lb" / "terraform.tfstate").read_text("utf-8"))
    data["resources"] = [
        r
        for r in data["resources"]
        if not (r["type"] == "aws_lb_target_group_attachment" and r["name"].startswith("app_"))
    ]
    (tmp_path / "t.tfstate").write_text(json.dumps(data), "utf-8")
    text = importer.from_terraform(tmp_path / "t.tfstate").text
    assert "target-group app http 8080" in statements(text, "target-group")  # no target left
    assert (
        check(tmp_path, text, "expect internet -> web tcp 443 deny because NO_HEALTHY_TARGET\n")
        == 0
    )
    assert check(tmp_path, text, "expect internet -> web tcp 443 allow\n") == 1


def test_an_internal_load_balancer_has_no_public_address(tmp_path: Path) -> None:
    data: dict[str, Any] = json.loads(
        (TERRAFORM / "state-lb" / "terraform.tfstate").read_text("utf-8")
    )
    for r in data["resources"]:
        if r["type"] == "aws_lb" and r["name"] == "web":
            r["instances"][0]["attributes"]["internal"] = True
    (tmp_path / "t.tfstate").write_text(json.dumps(data), "utf-8")
    text = importer.from_terraform(tmp_path / "t.tfstate").text
    assert "load-balancer web application internal in" in text
    assert check(tmp_path, text, "expect internet -> web tcp 443 deny because NO_PUBLIC_IP\n") == 0
    # From inside the VPC it answers: its group admits 443 from anywhere.
    assert check(tmp_path, text, "expect app-1 -> web tcp 443 allow via app\n") == 0


# ---- Route 53 and Route 53 Resolver -------------------------------------------------------------

DNS_SOURCES = sources("dns", "dns")


def test_zones_records_and_resolver_rules_are_read_from_each_source() -> None:
    for source, read in DNS_SOURCES.items():
        text = read().text
        corp, lab = ("Corp", "Lab") if source == "template" else ("corp-vpc", "lab-vpc")
        # The zone's own vpc block and the separate association both count.
        assert f"zone corp.internal private vpcs {corp} {lab} {{" in text, source
        api = "Api" if source == "template" else "api-endpoint"
        assert statements(text, "record") == [
            f"record api ALIAS {api}",  # an alias naming the interface endpoint
            "record db A 10.40.2.20",  # a relative name completed with the zone's
            "record v6 AAAA 2001:db8::5 2001:db8::6",  # an AAAA record set, in order
            "record www CNAME db.corp.internal",
        ], source
        outbound = "CorpA CorpB" if source == "template" else "corp_a corp_b"
        assert any(
            s.startswith(f"resolver-endpoint outbound outbound in {outbound} ips ")
            for s in statements(text, "resolver-endpoint")
        ), source
        assert statements(text, "resolver-rule") == [
            f"resolver-rule onprem forward onprem.example to 192.168.10.53 via outbound vpcs {corp}"
        ], source
        # Terraform's and CloudFormation's default: DNS hostnames off, written out.
        assert text.split(f"vpc {lab} ")[1].split("\n")[1].strip() == "dns-hostnames off"


def test_resolver_addresses_unknown_before_apply_are_allocated_and_marked() -> None:
    state, plan = DNS_SOURCES["state"]().text, DNS_SOURCES["plan"]().text
    assert "ips 10.40.1.53 10.40.2.53 sg dns" in state
    # The highest free address of each subnet, as the language gives infrastructure.
    assert "ips 10.40.1.254 10.40.2.254 sg dns" in plan
    assert "addresses 10.40.1.254 10.40.2.254 given by netdraft: AWS picks them" in plan


def test_a_record_the_language_cannot_hold_is_one_warning() -> None:
    for source in ("state", "plan"):
        warnings = DNS_SOURCES[source]().warnings
        assert [w for w in warnings if "TXT" in w] == [
            "1 record of type TXT (the language has A, AAAA, CNAME and alias records) is not"
            " imported: 'corp.internal'"
        ]


def test_a_zone_answers_only_the_vpcs_that_use_it(tmp_path: Path) -> None:
    for source, read in DNS_SOURCES.items():
        text = read().text
        app, lab = ("App", "LabApp") if source == "template" else ("app", "lab_app")
        denied = f"expect {lab} resolves db.corp.internal because NXDOMAIN\n"
        allowed = f"expect {lab} resolves db.corp.internal = 10.40.2.20\n"
        assert check(tmp_path, text, denied) == 0
        assert check(tmp_path, text, allowed) == 1
        # With DNS hostnames on, the associated VPC uses the zone.
        on = text.replace("    dns-hostnames off\n", "")
        assert on != text
        assert check(tmp_path, on, allowed) == 0
        assert check(tmp_path, on, f"expect {app} resolves db.corp.internal = 10.40.2.20\n") == 0


def _zone_template(tmp_path: Path, **resources: Any) -> importer.Imported:
    """A template of VPC ``V`` with private zone ``Z`` (x.internal) and ``resources``."""
    file = tmp_path / "t.json"
    template = {
        "Resources": {
            "V": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}},
            "Z": {
                "Type": "AWS::Route53::HostedZone",
                "Properties": {"Name": "x.internal", "VPCs": [{"VPCId": {"Ref": "V"}}]},
            },
            **resources,
        }
    }
    file.write_text(json.dumps(template), "utf-8")
    return importer.from_cloudformation(file)


def test_an_alias_whose_target_is_known_only_after_apply_is_a_warning(tmp_path: Path) -> None:
    result = _zone_template(
        tmp_path,
        R={
            "Type": "AWS::Route53::RecordSet",
            "Properties": {
                "HostedZoneId": {"Ref": "Z"},
                "Name": "web.x.internal",
                "Type": "A",
                "AliasTarget": {"DNSName": {"Fn::GetAtt": ["Lb", "DNSName"]}},
            },
        },
    )
    assert "R: its alias target is not known before apply: not imported" in result.warnings
    assert "zone x.internal private vpcs V" in result.text and "record" not in result.text


def test_odd_values_of_the_new_resources_are_warnings_never_a_crash(tmp_path: Path) -> None:
    # Found by replacing each property in turn: a number as a record set's ResourceRecords.
    result = _zone_template(
        tmp_path,
        R={
            "Type": "AWS::Route53::RecordSet",
            "Properties": {
                "HostedZoneId": {"Ref": "Z"},
                "Name": "a",
                "Type": "A",
                "ResourceRecords": 5,
            },
        },
        L={
            "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "Properties": {"Subnets": 7},
        },
    )
    assert "zone x.internal private vpcs V" in result.text
    assert any("L: its subnets are not in the input: not imported" in w for w in result.warnings)


def test_a_record_set_group_puts_each_record_in_its_zone(tmp_path: Path) -> None:
    records = [
        {"Name": "db.x.internal.", "Type": "A", "ResourceRecords": ["10.9.0.20"]},
        {"Name": "www.x.internal.", "Type": "CNAME", "ResourceRecords": ["db.x.internal"]},
    ]
    text = _zone_template(
        tmp_path,
        G={
            "Type": "AWS::Route53::RecordSetGroup",
            "Properties": {"HostedZoneId": {"Ref": "Z"}, "RecordSets": records},
        },
    ).text
    assert statements(text, "record") == ["record db A 10.9.0.20", "record www CNAME db.x.internal"]


def test_ip_targets_are_addresses(tmp_path: Path) -> None:
    data: dict[str, Any] = json.loads(
        (TERRAFORM / "state-lb" / "terraform.tfstate").read_text("utf-8")
    )
    ips = {"app_1": "10.20.10.10", "app_2": "10.20.11.10"}
    for r in data["resources"]:
        attributes = r["instances"][0]["attributes"]
        if r["type"] == "aws_lb_target_group" and r["name"] == "app":
            attributes["target_type"] = "ip"
        if r["type"] == "aws_lb_target_group_attachment" and r["name"] in ips:
            attributes["target_id"] = ips[r["name"]]
    (tmp_path / "t.tfstate").write_text(json.dumps(data), "utf-8")
    text = importer.from_terraform(tmp_path / "t.tfstate").text
    assert "target-group app http 8080 targets 10.20.10.10 10.20.11.10" in statements(
        text, "target-group"
    )
    assert check(tmp_path, text, "expect internet -> web tcp 443 allow via app\n") == 0
    # An address no instance holds answers nothing: no healthy target.
    moved = text.replace("targets 10.20.10.10 10.20.11.10", "targets 10.20.10.99")
    assert check(tmp_path, moved, "expect internet -> web tcp 443 allow via app\n") == 1


def test_ip_targets_of_saved_aws_output_are_addresses_too(tmp_path: Path) -> None:
    # The builder is shared: an IP target group of describe-target-health was left out.
    import shutil

    dump = tmp_path / "dump"
    shutil.copytree(HERE / "fixtures" / "load-balancers", dump)
    region = dump / "us-east-1"
    groups = region / "elbv2-describe-target-groups.json"
    groups.write_text(
        groups.read_text("utf-8").replace('"TargetType": "instance"', '"TargetType": "ip"'),
        "utf-8",
    )
    health = region / "elbv2-describe-target-health-app-tg.json"
    health.write_text(
        health.read_text("utf-8")
        .replace("i-0c0000000000000a1", "10.8.10.10")
        .replace("i-0c0000000000000a2", "10.8.11.10"),
        "utf-8",
    )
    result = importer.from_json_dir(dump, "expected.nd")
    assert "target-group app-tg http 8080 targets 10.8.10.10 10.8.11.10" in statements(
        result.text, "target-group"
    )
    assert not any("of target group 'app-tg' is not in the import" in w for w in result.warnings)
