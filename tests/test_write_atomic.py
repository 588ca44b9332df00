"""Output files are written whole and with ordinary permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from netdraft.api import write_atomic


def test_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.md", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.md").stat().st_mode) == 0o644


def test_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "b.md"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_failure_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "c.md"
    target.write_text("old")

    def boom(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["c.md"]


def test_a_folder_in_the_way_is_named_not_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.svg"
    target.mkdir()
    with pytest.raises(IsADirectoryError) as info:
        write_atomic(target, "x")
    assert info.value.filename == str(target)
    assert [p.name for p in tmp_path.iterdir()] == ["out.svg"]
