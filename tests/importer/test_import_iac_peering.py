"""Transit gateway peerings from Terraform and CloudFormation. The converter describes each
peering as ``describe-transit-gateway-peering-attachments`` would; the builder writes it
once the AWS-output importer reads that call (issue 16). Until then the golden tests are
skipped and the peering is one "not imported yet" warning."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from iac_fixtures import check_compiles_formatted_and_passes, check_golden

from netdraft import importer
from netdraft.cli import main
from netdraft.importer import aws_json as aws

FIXTURES = Path(__file__).parent / "iac-peering"
PEERING = "tgw_peerings" in {f.name for f in dataclasses.fields(aws.Inventory)}
needs_peering = pytest.mark.skipif(
    not PEERING, reason="transit gateway peerings are not read from AWS output yet"
)


def imported(case: str, source: Path | None = None) -> importer.Imported:
    folder = FIXTURES / case
    if case == "cloudformation":
        return importer.from_cloudformation(
            source or folder / "template.yaml", None, None, "expected.nd"
        )
    name = "terraform.tfstate" if case == "terraform-state" else "plan.json"
    return importer.from_terraform(source or folder / name, "expected.nd")


CASES = ["cloudformation", "terraform-plan", "terraform-state"]


@needs_peering
@pytest.mark.parametrize("case", CASES)
def test_import_matches_golden_file(case: str) -> None:
    check_golden(imported(case), FIXTURES / case)


@needs_peering
@pytest.mark.parametrize("case", CASES)
def test_import_compiles_is_formatted_and_passes_its_checks(case: str) -> None:
    check_compiles_formatted_and_passes(imported(case), FIXTURES / case)


@pytest.mark.parametrize("case", ["terraform-plan", "terraform-state"])
def test_the_peer_side_is_in_its_providers_region(case: str) -> None:
    # A plan names the aliased provider's region; a state only its alias, whose resources
    # take the peering's peer_region.
    text = imported(case).text
    west = text.split("region us-west-2 {")[1]
    assert (
        "vpc west-vpc 10.2.0.0/16" in west
        and "subnet west_a-subnet 10.2.1.0/24 az us-west-2a" in west
    )
    assert "transit-gateway west-tgw" in west
    assert "vpc west-vpc" not in text.split("region us-west-2 {")[0]


@pytest.mark.skipif(PEERING, reason="the AWS-output importer reads peerings")
def test_without_the_aws_output_reader_a_peering_is_one_warning() -> None:
    for case in CASES:
        warnings = imported(case).warnings
        assert [w for w in warnings if "peering attachment" in w and "not imported yet" in w], case


def _state_without_accepter(tmp_path: Path) -> Path:
    data: dict[str, Any] = json.loads(
        (FIXTURES / "terraform-state" / "terraform.tfstate").read_text("utf-8")
    )
    data["resources"] = [
        r for r in data["resources"] if not r["type"].endswith("peering_attachment_accepter")
    ]
    file = tmp_path / "terraform.tfstate"
    file.write_text(json.dumps(data), "utf-8")
    return file


@needs_peering
def test_a_peering_is_up_once_accepted(tmp_path: Path) -> None:
    text = imported("terraform-state").text
    assert "tgw-peering east-west east-tgw <-> west-tgw #" in text
    pending = imported("terraform-state", _state_without_accepter(tmp_path))
    assert "tgw-peering east-west east-tgw <-> west-tgw down #" in pending.text
    assert any("is pendingAcceptance: imported down" in w for w in pending.warnings)
    expects = "expect east_app -> west_app tcp 22 allow via east-west\n"
    for body, code in ((text, 0), (pending.text, 1)):
        file = tmp_path / "checked.nd"
        file.write_text(body + "\n" + expects, "utf-8")
        assert main(["check", str(file)]) == code


@needs_peering
def test_routes_and_associations_on_both_sides_name_the_one_peering() -> None:
    text = imported("terraform-plan").text
    # The accepter side's association and route name the accepter resource: the same peering.
    east, west = text.split("region us-west-2 {")
    assert "associate east-vpc east-west" in east and "route 10.2.0.0/16 via east-west" in east
    assert "associate east-west west-vpc" in west and "route 10.1.0.0/16 via east-west" in west


@needs_peering
def test_a_templates_peering_waits_for_the_peers_owner() -> None:
    result = imported("cloudformation")
    assert "tgw-peering east-west Tgw <-> tgw-0b0b0b0b0b0b0b0b0 down #" in result.text
    assert any("is pendingAcceptance: imported down" in w for w in result.warnings)
