"""The data files netdraft ships are read through their packages' loaders (issue 20)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from netdraft.model.package_data import package_text

SRC = Path(__file__).parents[1] / "src"
EXAMPLES = Path(__file__).parents[1] / "examples"

DATA_FILES = [
    ("netdraft.grammar", "netdraft.lark"),
    ("netdraft.sim", "prices.toml"),
    ("netdraft.model", "aws-ranges.json"),
]


@pytest.mark.parametrize(("package", "name"), DATA_FILES)
def test_the_loader_reads_what_importlib_resources_reads(package: str, name: str) -> None:
    assert package_text(package, name) == resources.files(package).joinpath(name).read_text("utf-8")


def test_a_missing_data_file_is_an_error_not_empty_text() -> None:
    with pytest.raises(OSError):
        package_text("netdraft.sim", "no-such-file.toml")


def test_a_render_does_not_import_the_resource_readers(tmp_path: Path) -> None:
    """A render that parses the file, prices its flows and reads the AWS ranges (a flow to
    S3) imports neither ``importlib.readers`` nor ``zipfile``: about a millisecond a run."""
    source = EXAMPLES / "06-endpoints.nd"  # flows to S3 and SNS
    probe = (
        "import sys\n"
        "from netdraft.cli import main\n"
        f"code = main(['render', {str(source)!r}, '-o', {str(tmp_path / 'out.dot')!r}])\n"
        "print(code, 'importlib.readers' in sys.modules, 'zipfile' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.split() == ["0", "False", "False"], out.stderr


def test_the_aws_ranges_are_parsed_by_region_as_asked_and_equal_the_file() -> None:
    """A network asks for a region or two: only those of the snapshot's 1,200 CIDRs are
    parsed (about 5 ms for them all), and every region reads as the file writes it."""
    import ipaddress
    import json

    from netdraft.model.aws_ranges import snapshot

    raw = json.loads(package_text("netdraft.model", "aws-ranges.json"))["regions"]
    fresh = dataclasses.replace(snapshot(), ranges=type(snapshot().ranges)(raw))
    assert fresh.cidrs("s3", "eu-west-1") == tuple(
        ipaddress.ip_network(c) for c in raw["eu-west-1"]["S3"]
    )
    assert list(fresh.ranges._parsed) == ["eu-west-1"]  # type: ignore[attr-defined]
    assert fresh.cidrs("s3", "nowhere-1") == ()
    assert len(fresh.ranges) == len(raw) and list(fresh.ranges) == list(raw)
    expected = {
        region: {s: tuple(ipaddress.ip_network(c) for c in cidrs) for s, cidrs in services.items()}
        for region, services in raw.items()
    }
    assert dict(fresh.ranges) == expected
    assert fresh == snapshot()
