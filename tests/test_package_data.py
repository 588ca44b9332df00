"""The data files netdraft ships are read through their packages' loaders (issue 20)."""

from __future__ import annotations

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
