"""Telling a Terraform plan or state or a CloudFormation template from a ``.nd`` file by
its content (``netdraft diff`` takes either), without parsing a ``.nd`` file as YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdraft import importer
from netdraft.importer import cloudformation

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('{"format_version": "1.2", "planned_values": {}}', "terraform"),
        ('{"version": 4, "terraform_version": "1.9.0", "resources": []}', "terraform"),
        ('{"Resources": {"V": {"Type": "AWS::EC2::VPC"}}}', "cloudformation"),
        (
            "Resources:\n  V:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n",
            "cloudformation",
        ),
        (
            "AWSTemplateFormatVersion: '2010-09-09'\n'Resources':\n  V: {Type: 'AWS::EC2::VPC'}\n",
            "cloudformation",
        ),
        ('{"something": "else"}', None),
        ("region us-east-1 {\n}\n", None),
    ],
)
def test_kinds(tmp_path: Path, text: str, kind: str | None) -> None:
    file = tmp_path / "f"
    file.write_text(text, "utf-8")
    assert importer.iac_kind(file) == kind


def test_a_nd_file_is_not_read_as_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a .nd file was handed to the YAML reader")

    monkeypatch.setattr(cloudformation, "load", refuse)
    for example in sorted(EXAMPLES.glob("*.nd")):
        assert importer.iac_kind(example) is None
