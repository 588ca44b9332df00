"""The renderer's fingerprint covers every file of the package a result depends on."""

from __future__ import annotations

import shutil
from pathlib import Path

from netdraft import cache


def _package_copy(tmp_path: Path) -> Path:
    package = Path(cache.__file__).parent
    copy = tmp_path / "netdraft"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_a_changed_icon_is_another_renderer(tmp_path: Path) -> None:
    """A drawing embeds netdraft's own icons: one changed, every diagram is drawn anew."""
    copy = _package_copy(tmp_path)
    icons = sorted((copy / "generator" / "icons").glob("*.png"))
    assert icons  # the bundled egress-only gateway's
    before = cache.package_fingerprint(copy)
    icons[0].write_bytes(icons[0].read_bytes() + b"\0")
    assert cache.package_fingerprint(copy) != before


def test_byte_code_is_no_part_of_it(tmp_path: Path) -> None:
    copy = _package_copy(tmp_path)
    before = cache.package_fingerprint(copy)
    (copy / "__pycache__").mkdir()
    (copy / "__pycache__" / "cache.cpython-311.pyc").write_bytes(b"compiled")
    assert cache.package_fingerprint(copy) == before
    assert cache.code_fingerprint() == cache.package_fingerprint(Path(cache.__file__).parent)


def test_a_file_moved_or_added_is_another_renderer(tmp_path: Path) -> None:
    copy = _package_copy(tmp_path)
    before = cache.package_fingerprint(copy)
    template = next((copy / "generator" / "templates").iterdir())
    moved = copy / "generator" / template.name
    template.rename(moved)  # the same bytes under another path
    after_move = cache.package_fingerprint(copy)
    assert after_move != before
    (copy / "generator" / "new.txt").write_text("")  # even an empty file counts
    assert cache.package_fingerprint(copy) not in (before, after_move)


def _zipped_netdraft(folder: Path, archive: Path) -> None:
    """netdraft's package folder as a zip archive (a zipapp, a frozen program's library)."""
    import zipfile

    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, f"netdraft/{path.relative_to(folder).as_posix()}")


def _zip_fingerprint(archive: Path) -> str:
    import os
    import subprocess
    import sys

    probe = "import netdraft.cache as c; print(c.__file__); print(c.code_fingerprint())"
    env = {**os.environ, "PYTHONPATH": str(archive)}
    out = subprocess.run(
        [sys.executable, "-P", "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    where, fingerprint = out.stdout.split()
    assert where.startswith(str(archive)), where  # imported from the archive
    return fingerprint


def test_netdraft_imported_from_a_zip_has_its_files_fingerprint(tmp_path: Path) -> None:
    """Imported from a zip archive, the package folder is no folder: its walk found no
    file, and every netdraft in a zip had the digest of nothing. A zip with another AWS
    ranges snapshot (or other code) was then served the compiled networks, checks and
    pictures cached by the one before."""
    copy = _package_copy(tmp_path)
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    _zipped_netdraft(copy, first)
    ranges = copy / "model" / "aws-ranges.json"
    text = ranges.read_text("utf-8")
    assert '"1.178.4.0/24",' in text
    ranges.write_text(text.replace('"1.178.4.0/24",', "", 1), "utf-8")
    _zipped_netdraft(copy, second)
    assert _zip_fingerprint(first) != _zip_fingerprint(second)
    assert _zip_fingerprint(second) == cache.package_fingerprint(copy)  # as from a folder
