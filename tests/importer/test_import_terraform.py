"""Importing Terraform plans and state files: golden files, hand-derived reachability, no crash."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as hs
from iac_fixtures import (
    broken_inputs,
    check_compiles_formatted_and_passes,
    check_golden,
    check_imports_or_refuses,
)

from netdraft import importer
from netdraft.cli import main
from netdraft.importer.aws_json import DumpError
from netdraft.importer.terraform import unflatten

FIXTURES = Path(__file__).parent / "terraform"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def source(case: str) -> Path:
    folder = FIXTURES / case
    inputs = [p for p in folder.iterdir() if p.suffix in (".json", ".tfstate")]
    return inputs[0] if len(inputs) == 1 else folder


def imported(case: str) -> importer.Imported:
    return importer.from_terraform(source(case), "expected.nd")


@pytest.mark.parametrize("case", CASES)
def test_import_matches_golden_file(case: str) -> None:
    check_golden(imported(case), FIXTURES / case)


@pytest.mark.parametrize("case", CASES)
def test_import_compiles_is_formatted_and_passes_its_checks(case: str) -> None:
    check_compiles_formatted_and_passes(imported(case), FIXTURES / case)


def test_the_output_does_not_depend_on_the_order_of_the_resources(tmp_path: Path) -> None:
    data = json.loads((FIXTURES / "state-v4" / "terraform.tfstate").read_text("utf-8"))
    data["resources"].reverse()
    (tmp_path / "terraform.tfstate").write_text(json.dumps(data), "utf-8")
    shuffled = importer.from_terraform(tmp_path / "terraform.tfstate", "expected.nd").text
    assert shuffled == imported("state-v4").text


def test_a_plan_links_unknown_ids_through_references_and_modules() -> None:
    text = imported("plan-module").text
    assert "route 0.0.0.0/0 via demo-igw" in text  # aws_route's gateway_id reference
    assert "instance web-1 in demo-public-eu-west-1a public-ip sg web" in text  # module output
    assert "ip 10.0.1.4 " in text and "given by netdraft" in text  # allocated, marked


def test_an_inline_route_without_a_known_target_is_a_blackhole_with_a_warning() -> None:
    result = imported("plan-module")
    assert "route 0.0.0.0/0 blackhole" in result.text
    assert any("route[0] 0.0.0.0/0: its target is not known" in w for w in result.warnings)


def test_a_route_on_the_main_table_of_a_vpc_makes_that_table() -> None:
    text = imported("state-v4").text
    assert "route-table shared-vpc-main main {" in text
    assert "route 15.0.0.0/16 via app_shared" in text


def test_gateway_id_naming_a_nat_gateway_is_a_nat_route() -> None:
    assert "route 0.0.0.0/0 via nat-nat" in imported("state-v4").text


def test_public_space_as_a_vpc_cidr_is_a_vpc() -> None:
    assert "vpc app 15.0.0.0/16 {" in imported("state-v4").text


def test_unflatten_reads_terraform_0_11_attributes() -> None:
    flat = {
        "tags.%": "1",
        "tags.Name": "x",
        "route.#": "1",
        "route.17.cidr_block": "0.0.0.0/0",
        "ids.#": "2",
        "ids.0": "a",
        "ids.1": "b",
        "on": "true",
    }
    assert unflatten(flat) == {
        "tags": {"Name": "x"},
        "route": [{"cidr_block": "0.0.0.0/0"}],
        "ids": ["a", "b"],
        "on": True,
    }


def test_unreadable_input_is_a_dump_error(tmp_path: Path) -> None:
    with pytest.raises(DumpError):
        importer.from_terraform(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{", "utf-8")
    with pytest.raises(DumpError):
        importer.from_terraform(tmp_path / "bad.json")
    (tmp_path / "list.json").write_text("[]", "utf-8")
    with pytest.raises(DumpError):
        importer.from_terraform(tmp_path / "list.json")


def test_the_command_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "aws.nd"
    assert main(["import", "terraform", str(source("state-v4")), "-o", str(out)]) == 0
    assert "vpc app 15.0.0.0/16" in out.read_text("utf-8")
    assert main(["import", "terraform", str(tmp_path / "none.json"), "-o", str(out)]) == 2


_ORIGINALS = {
    name: json.loads(p.read_text("utf-8"))
    for name, p in (
        ("plan", FIXTURES / "plan-module" / "plan.json"),
        ("real plan", FIXTURES / "plan-precloud" / "plan.json"),
        ("real state", FIXTURES / "state-driftctl-route" / "terraform.tfstate"),
        ("state", FIXTURES / "state-v4" / "terraform.tfstate"),
        ("v3", FIXTURES / "state-v3" / "vpc" / "terraform.tfstate"),
        ("load balancers plan", FIXTURES / "plan-lb" / "plan.json"),
        ("load balancers state", FIXTURES / "state-lb" / "terraform.tfstate"),
        ("dns plan", FIXTURES / "plan-dns" / "plan.json"),
        ("dns state", FIXTURES / "state-dns" / "terraform.tfstate"),
        ("direct connect plan", FIXTURES / "plan-dx" / "plan.json"),
        ("direct connect state", FIXTURES / "state-dx" / "terraform.tfstate"),
        ("peering plan", FIXTURES.parent / "iac-peering" / "terraform-plan" / "plan.json"),
        (
            "peering state",
            FIXTURES.parent / "iac-peering" / "terraform-state" / "terraform.tfstate",
        ),
        ("accelerator plan", FIXTURES / "plan-ga-observe" / "plan.json"),
        ("accelerator state", FIXTURES / "state-ga-observe" / "terraform.tfstate"),
    )
}
_BROKEN = hs.sampled_from([None, 0, -1, "", "x", "10.0.0.0/99", [], {}, True, "vpc-1", [None]])


@broken_inputs(_ORIGINALS, _BROKEN, max_examples=60)
def test_broken_real_files_give_warnings_never_a_crash(
    tmp_path: Path, break_json: Any, which: str, picks: list[tuple[int, bool, Any]]
) -> None:
    data = copy.deepcopy(_ORIGINALS[which])
    break_json(data, picks)
    file = tmp_path / "broken.json"
    file.write_text(json.dumps(data), "utf-8")
    check_imports_or_refuses(lambda: importer.from_terraform(file, "broken.nd"))


def test_an_elastic_ip_known_only_after_apply_makes_the_instance_elastic(tmp_path: Path) -> None:
    def res(rtype: str, name: str, values: dict[str, Any]) -> dict[str, Any]:
        return {"address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
                "values": values}  # fmt: skip

    def conf(rtype: str, name: str, refs: dict[str, str]) -> dict[str, Any]:
        expressions = {k: {"references": [f"{v}.id", v]} for k, v in refs.items()}
        return {"address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
                "expressions": expressions}  # fmt: skip

    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    res("aws_vpc", "v", {"cidr_block": "10.8.0.0/16"}),
                    res(
                        "aws_subnet",
                        "s",
                        {"cidr_block": "10.8.1.0/24", "availability_zone": "us-east-1a"},
                    ),
                    res("aws_instance", "i", {"private_ip": "10.8.1.9"}),
                    res("aws_eip", "e", {"domain": "vpc"}),
                ]
            }
        },
        "configuration": {
            "root_module": {
                "resources": [
                    conf("aws_subnet", "s", {"vpc_id": "aws_vpc.v"}),
                    conf("aws_instance", "i", {"subnet_id": "aws_subnet.s"}),
                    conf("aws_eip", "e", {"instance": "aws_instance.i"}),
                ]
            }
        },
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan), "utf-8")
    text = importer.from_terraform(tmp_path / "plan.json").text
    assert "instance i in s elastic-ip ip 10.8.1.9" in text


def test_a_generated_plans_single_unknown_inline_item_takes_the_blocks_references() -> None:
    text = imported("plan-generated").text
    assert "route 192.168.0.0/16 via nat-nat" in text  # route { nat_gateway_id = … }
    assert "ingress tcp 8080 from web" in text  # ingress { security_groups = [ … ] }
    assert "route offices via nat-nat" in text and "ingress tcp 22 from offices" in text


def test_two_unknown_inline_routes_cannot_share_the_blocks_references(tmp_path: Path) -> None:
    data = json.loads((FIXTURES / "plan-generated" / "plan.json").read_text("utf-8"))
    for res in data["planned_values"]["root_module"]["resources"]:
        if res["address"] == "aws_route_table.isolated":
            second = {**res["values"]["route"][0], "cidr_block": "172.16.0.0/12"}
            res["values"]["route"].append(second)
    (tmp_path / "plan.json").write_text(json.dumps(data), "utf-8")
    result = importer.from_terraform(tmp_path / "plan.json")
    assert "route 192.168.0.0/16 blackhole" in result.text
    assert "route 172.16.0.0/12 blackhole" in result.text
    assert sum("its target is not known" in w for w in result.warnings) == 2


def test_a_real_plan_from_a_public_repository_keeps_its_network() -> None:
    # tinystacks/precloud's VPC plan (see plan-precloud/NOTICE), counted by hand from the JSON.
    result = imported("plan-precloud")
    text = result.text

    def statements(keyword: str) -> list[str]:
        lines = (line.split("#")[0].strip() for line in text.splitlines())
        return [line for line in lines if line.startswith(f"{keyword} ")]

    assert statements("vpc") == ["vpc ts_aws_vpc 10.0.0.0/16 {"]
    assert [line.split()[1:3] for line in statements("subnet")] == [
        ["ts_aws_subnet_public_igw", "10.0.16.0/20"],
        ["ts_aws_subnet_private_ngw", "10.0.32.0/20"],
        ["ts_aws_subnet_private_isolated", "10.0.48.0/20"],
    ]
    assert "10.0.16.0/20 az us-east-1a public-ip-on-launch" in text
    assert statements("route-table") == [
        f"route-table ts_aws_route_table_{t} {{"
        for t in ("private_isolated", "private_ngw", "public_igw")
    ]
    assert statements("associate") == [
        f"associate ts_aws_subnet_{t}" for t in ("private_isolated", "private_ngw", "public_igw")
    ]
    # The two aws_route resources, their targets rebuilt from the configuration's references.
    assert statements("route") == [
        "route 0.0.0.0/0 via ts_aws_nat_gateway",
        "route 0.0.0.0/0 via ts_aws_internet_gateway",
    ]
    assert statements("nat-gateway") == [
        "nat-gateway ts_aws_nat_gateway in ts_aws_subnet_public_igw"
    ]
    assert statements("internet-gateway") == ["internet-gateway ts_aws_internet_gateway"]
    # No group, ACL or instance in the plan; the NAT gateway's Elastic IP is known only at apply.
    for absent in ("security-group", "network-acl", "instance", "endpoint", "peering"):
        assert statements(absent) == []
    assert "eip" not in text.replace("aws_eip", "")
    # What the plan leaves unknown is said, once each: the region and the three subnets' zones.
    assert list(result.warnings) == [
        "plan.json: the region is unknown (no --region, no resource region, no provider region"
        " in the configuration, no subnet zone or ARN): assumed us-east-1",
        *(
            f"aws_subnet.ts_aws_subnet_{s}: its availability zone is not known before apply:"
            " us-east-1a assumed"
            for s in ("private_isolated", "private_ngw", "public_igw")
        ),
    ]


#: A group that lets everything through, for the instances the tests add to a fixture's
#: network where the source has none: their verdicts then show what the routes give.
PROBE_GROUP = """
    security-group probe {
      ingress all from 0.0.0.0/0
      egress all to 0.0.0.0/0
    }
"""


def check_with_probes(tmp_path: Path, text: str, lines: str, expects: str) -> int:
    """``netdraft check``'s exit code for an imported file with ``lines`` (and the probe
    group) added at the end of its only VPC and ``expects`` after it."""
    end = text.rindex("  }\n}")
    file = tmp_path / "probed.nd"
    file.write_text(text[:end] + PROBE_GROUP + lines + text[end:] + expects, "utf-8")
    return main(["check", str(file)])


def test_the_real_plans_three_route_tables_route_as_aws_would(tmp_path: Path) -> None:
    # The plan has no instance: one in each subnet shows what each subnet's table gives it.
    text = imported("plan-precloud").text
    probes = """
    instance pub in ts_aws_subnet_public_igw public-ip sg probe ip 10.0.16.10
    instance ngw in ts_aws_subnet_private_ngw sg probe ip 10.0.32.10
    instance iso in ts_aws_subnet_private_isolated sg probe ip 10.0.48.10
"""
    expects = """
expect pub -> internet tcp 443 allow via ts_aws_internet_gateway
expect internet -> pub tcp 443 allow
expect ngw -> internet tcp 443 allow via ts_aws_nat_gateway
expect internet -> ngw tcp 443 deny
expect iso -> internet tcp 443 deny because NO_ROUTE_TO_DESTINATION
expect iso -> ngw tcp 443 allow
expect pub -> iso tcp 22 allow
"""
    assert check_with_probes(tmp_path, text, probes, expects) == 0
    # The same probes, with the private table's route removed, must fail: the checks can fail.
    broken = text.replace("      route 0.0.0.0/0 via ts_aws_nat_gateway\n", "")
    assert broken != text
    assert check_with_probes(tmp_path, broken, probes, expects) == 1


def test_a_real_state_from_a_public_repository_keeps_its_routes() -> None:
    # snyk/driftctl's route test state (see state-driftctl-route/NOTICE), read by hand.
    result = imported("state-driftctl-route")
    text = result.text
    assert "region us-east-1 {" in text  # from the ARNs: the state names no zone
    assert result.warnings == ()
    assert "vpc vpc 10.0.0.0/16 {   # aws_vpc.vpc (vpc-0a5666c0cfc366714)" in text
    assert "internet-gateway main # aws_internet_gateway.main (igw-0125fbf19e83d008b)" in text

    # Table r's two inline routes; rr's come from the two aws_route resources, which name
    # the table and the gateway by id only.
    def routes(table: str) -> list[str]:
        body = text.split(f"route-table {table} {{")[1].split("}")[0]
        return [line.strip() for line in body.splitlines()[1:] if line.strip()]

    assert routes("r") == [
        "route 0.0.0.0/0 via main",
        "route ::/0 via main",
    ]
    assert routes("rr") == [
        "route 1.1.1.1/32 via main",
        "route ::/0 via main",
    ]
    # No subnet: no association, and the main table (not in the state) is not written.
    for absent in ("subnet ", "associate", " main {", "instance "):
        assert absent not in text


def test_the_real_states_route_tables_route_as_aws_would(tmp_path: Path) -> None:
    # A subnet added to each table in turn, with an instance holding a public address.
    text = imported("state-driftctl-route").text
    probes = """
    subnet probe 10.0.1.0/24 az us-east-1a
    instance web in probe public-ip sg probe ip 10.0.1.10
"""

    def associated(route: str) -> str:
        line = f"      route {route} via main\n"
        assert line in text
        return text.replace(line, f"{line}      associate probe\n", 1)

    only_one_host = """
expect web -> 1.1.1.1 tcp 443 allow via main
expect web -> 8.8.8.8 tcp 443 deny because NO_ROUTE_TO_DESTINATION
expect 1.1.1.1 -> web tcp 443 allow
expect 8.8.8.8 -> web tcp 443 deny because NO_RETURN_ROUTE
"""
    assert check_with_probes(tmp_path, associated("1.1.1.1/32"), probes, only_one_host) == 0
    everywhere = """
expect web -> 8.8.8.8 tcp 443 allow via main
expect 8.8.8.8 -> web tcp 443 allow
"""
    assert check_with_probes(tmp_path, associated("0.0.0.0/0"), probes, everywhere) == 0
    assert check_with_probes(tmp_path, associated("1.1.1.1/32"), probes, everywhere) == 1


def test_a_plan_naming_no_region_says_so_unless_one_is_given() -> None:
    plan = source("plan-precloud")
    assumed = importer.from_terraform(plan, "x.nd")
    assert "region us-east-1 {" in assumed.text
    assert any("the region is unknown" in w for w in assumed.warnings)
    given = importer.from_terraform(plan, "x.nd", "eu-west-1")
    assert "region eu-west-1 {" in given.text and "az eu-west-1a" in given.text
    assert not any("the region is unknown" in w for w in given.warnings)
    # A plan whose provider names its region needs no warning either.
    assert not any("the region is unknown" in w for w in imported("plan-module").warnings)


def test_a_change_whose_address_is_not_a_string_is_skipped(tmp_path: Path) -> None:
    # Found by breaking the real plan: a dict or list as an address could not be a key.
    data = json.loads(source("plan-precloud").read_text("utf-8"))
    data["resource_changes"][0]["address"] = {"x": 1}
    data["resource_changes"][1]["address"] = ["y"]
    data["resource_changes"][2]["change"]["actions"] = ["delete"]  # the NAT gateway
    (tmp_path / "plan.json").write_text(json.dumps(data), "utf-8")
    text = importer.from_terraform(tmp_path / "plan.json").text
    assert "vpc ts_aws_vpc 10.0.0.0/16" in text
    assert "nat-gateway" not in text  # a deletion is still told by its address


def test_a_state_without_zones_takes_its_region_from_the_arns(tmp_path: Path) -> None:
    data = json.loads(source("state-driftctl-route").read_text("utf-8"))
    (tmp_path / "moved.tfstate").write_text(
        json.dumps(data).replace("arn:aws:ec2:us-east-1:", "arn:aws:ec2:eu-west-3:"), "utf-8"
    )
    moved = importer.from_terraform(tmp_path / "moved.tfstate")
    assert "region eu-west-3 {" in moved.text and moved.warnings == ()
    for res in data["resources"]:
        for inst in res["instances"]:
            inst["attributes"].pop("arn", None)
    (tmp_path / "none.tfstate").write_text(json.dumps(data), "utf-8")
    unknown = importer.from_terraform(tmp_path / "none.tfstate")
    assert "region us-east-1 {" in unknown.text
    assert [w for w in unknown.warnings if "the region is unknown" in w] == [
        "none.tfstate: the region is unknown (no --region, no resource region, no provider"
        " region in the configuration, no subnet zone or ARN): assumed us-east-1"
    ]
