"""What every IaC import fixture must satisfy (Terraform and CloudFormation alike): its
output equals the committed ``expected.nd`` (rewritten under ``NETDRAFT_UPDATE_GOLDEN=1``),
compiles, is in ``fmt``'s layout, and passes the hand-derived ``checks.nd`` beside it."""

from __future__ import annotations

import os
from pathlib import Path

from netdraft import api, importer
from netdraft.cli import main
from netdraft.dsl.fmt import format_text

UPDATE_GOLDEN = os.environ.get("NETDRAFT_UPDATE_GOLDEN") == "1"


def check_golden(result: importer.Imported, folder: Path) -> None:
    golden = folder / "expected.nd"
    if UPDATE_GOLDEN:
        golden.write_text(result.text, "utf-8")
    assert result.text == golden.read_text("utf-8")


def check_compiles_formatted_and_passes(result: importer.Imported, folder: Path) -> None:
    text = result.text
    assert api.compile(text, "expected.nd").ok
    assert format_text(text)[0] == text
    assert main(["check", str(folder / "checks.nd")]) == 0
