"""Importing CloudFormation templates: golden files, hand-derived reachability, intrinsics."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
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
from netdraft.importer.cloudformation import _loader

FIXTURES = Path(__file__).parent / "cloudformation"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def imported(case: str) -> importer.Imported:
    args_file = FIXTURES / case / "args.json"
    args = json.loads(args_file.read_text("utf-8")) if args_file.exists() else {}
    return importer.from_cloudformation(
        FIXTURES / case / "template.yaml", args.get("parameters"), args.get("region"), "expected.nd"
    )


@pytest.mark.parametrize("case", CASES)
def test_import_matches_golden_file(case: str) -> None:
    check_golden(imported(case), FIXTURES / case)


@pytest.mark.parametrize("case", CASES)
def test_import_compiles_is_formatted_and_passes_its_checks(case: str) -> None:
    check_compiles_formatted_and_passes(imported(case), FIXTURES / case)


def write(tmp_path: Path, template: dict[str, Any]) -> Path:
    file = tmp_path / "t.json"
    file.write_text(json.dumps(template), "utf-8")
    return file


VPC = {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}}


def test_a_required_parameter_without_a_value_is_named(tmp_path: Path) -> None:
    file = write(tmp_path, {"Parameters": {"Cidr": {"Type": "String"}}, "Resources": {"V": VPC}})
    with pytest.raises(DumpError, match="parameter 'Cidr' has no value"):
        importer.from_cloudformation(file)
    assert main(["import", "cloudformation", str(file), "-o", str(tmp_path / "o.nd")]) == 2
    assert not (tmp_path / "o.nd").exists()


def test_an_unknown_parameter_or_a_bad_pair_is_a_usage_error(tmp_path: Path) -> None:
    file = write(tmp_path, {"Resources": {"V": VPC}})
    out = str(tmp_path / "o.nd")
    assert main(["import", "cloudformation", str(file), "--parameter", "X=1", "-o", out]) == 2
    assert main(["import", "cloudformation", str(file), "--parameter", "X", "-o", out]) == 2


def test_conditions_and_no_value_decide_what_is_created(tmp_path: Path) -> None:
    template = {
        "Parameters": {"Big": {"Type": "String", "Default": "no"}},
        "Conditions": {"IsBig": {"Fn::Equals": [{"Ref": "Big"}, "yes"]}},
        "Resources": {
            "V": VPC,
            "S": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {
                    "VpcId": {"Ref": "V"},
                    "CidrBlock": {"Fn::If": ["IsBig", "10.9.0.0/17", "10.9.0.0/24"]},
                    "AvailabilityZone": "us-east-1a",
                    "MapPublicIpOnLaunch": {"Ref": "AWS::NoValue"},
                },
            },
            "Extra": {
                "Type": "AWS::EC2::Subnet",
                "Condition": "IsBig",
                "Properties": {"VpcId": {"Ref": "V"}, "CidrBlock": "10.9.200.0/24"},
            },
        },
    }
    text = importer.from_cloudformation(write(tmp_path, template)).text
    assert "subnet S 10.9.0.0/24 az us-east-1a" in text and "Extra" not in text
    big = importer.from_cloudformation(write(tmp_path, template), {"Big": "yes"}).text
    assert "subnet S 10.9.0.0/17" in big and "subnet Extra 10.9.200.0/24" in big


def test_a_group_without_egress_rules_allows_all_egress_as_aws_does(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "V": VPC,
            "G": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"VpcId": {"Ref": "V"}}},
        }
    }
    text = importer.from_cloudformation(write(tmp_path, template)).text
    assert "security-group G" in text and "egress" not in text


def test_short_form_tags_read_as_long_forms() -> None:
    text = "A: !Ref X\nB: !GetAtt R.CidrBlock\nC: !Sub '${AWS::Region}-x'\nD: !Select [0, !GetAZs '']\n"
    data = yaml.load(text, Loader=_loader())
    assert data == {
        "A": {"Ref": "X"},
        "B": {"Fn::GetAtt": ["R", "CidrBlock"]},
        "C": {"Fn::Sub": "${AWS::Region}-x"},
        "D": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
    }


def test_not_a_template_is_a_dump_error(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("a: [", "utf-8")
    with pytest.raises(DumpError):
        importer.from_cloudformation(tmp_path / "x.yaml")
    (tmp_path / "y.yaml").write_text("- 1\n", "utf-8")
    with pytest.raises(DumpError):
        importer.from_cloudformation(tmp_path / "y.yaml")
    with pytest.raises(DumpError):
        importer.from_cloudformation(tmp_path / "missing.yaml")


#: Templates to break, with the parameters each needs.
_ORIGINALS: dict[str, tuple[Any, dict[str, str]]] = {
    case: (
        yaml.load((folder / "template.yaml").read_text("utf-8"), Loader=_loader()),
        params,
    )
    for case, folder, params in (
        ("web-tier", FIXTURES / "web-tier", {"Env": "dev"}),
        ("load-balancers", FIXTURES / "load-balancers", {}),
        ("dns", FIXTURES / "dns", {}),
        ("direct-connect", FIXTURES / "direct-connect", {}),
        ("peering", FIXTURES.parent / "iac-peering" / "cloudformation", {}),
        ("accelerator", FIXTURES / "ga-observe", {}),
    )
}
_BROKEN = hs.sampled_from([None, 0, -1, "", "x", "10.0.0.0/99", [], {}, True, {"Ref": "Nope"}])


@broken_inputs(_ORIGINALS, _BROKEN, max_examples=60)
def test_broken_templates_give_warnings_never_a_crash(
    tmp_path: Path, break_json: Any, which: str, picks: list[tuple[int, bool, Any]]
) -> None:
    original, params = _ORIGINALS[which]
    data = copy.deepcopy(original)
    break_json(data, picks)
    file = write(tmp_path, data)
    check_imports_or_refuses(lambda: importer.from_cloudformation(file, params))
