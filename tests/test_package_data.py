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


def _zipped_package(tmp_path: Path, files: dict[str, str]) -> Path:
    """A package ``zipped_data`` in a zip archive, imported through ``zipimport``."""
    import zipfile

    archive = tmp_path / "packages.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("zipped_data/__init__.py", "")
        for name, text in files.items():
            zf.writestr(f"zipped_data/{name}", text)
    return archive


def test_a_data_file_is_read_from_a_zip_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = _zipped_package(tmp_path, {"data.txt": "é\n"})
    monkeypatch.syspath_prepend(str(archive))
    monkeypatch.delitem(sys.modules, "zipped_data", raising=False)
    assert package_text("zipped_data", "data.txt") == "é\n"


def test_a_data_file_missing_from_a_zip_is_named_as_one_missing_from_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """zipimport's loader reports a missing file as ``[Errno 0] : 'zipped_data/x'``: the
    command line printed ``netdraft: [Errno 0] : '…': …`` for a broken installation."""
    from netdraft.cli import _os_message

    archive = _zipped_package(tmp_path, {})
    monkeypatch.syspath_prepend(str(archive))
    monkeypatch.delitem(sys.modules, "zipped_data", raising=False)
    with pytest.raises(FileNotFoundError) as caught:
        package_text("zipped_data", "prices.toml")
    where = os.path.join(str(archive), "zipped_data", "prices.toml")
    assert _os_message(caught.value) == f"netdraft: No such file or directory: {where}"
