"""Output files are written whole and with ordinary permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from netdraft.files import write_atomic


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


def test_a_symbolic_link_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.nd"
    real.write_text("old")
    link = tmp_path / "link.nd"
    link.symlink_to(real.name)
    write_atomic(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_hard_links_keep_sharing_the_content(tmp_path: Path) -> None:
    first = tmp_path / "a.nd"
    first.write_text("old old old")
    second = tmp_path / "b.nd"
    os.link(first, second)
    write_atomic(first, "new")
    assert second.read_text() == "new"
    assert first.stat().st_ino == second.stat().st_ino


def test_special_permission_bits_are_not_copied(tmp_path: Path) -> None:
    target = tmp_path / "x.svg"
    target.write_text("old")
    target.chmod(0o4755)
    write_atomic(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o755


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_named_not_the_temporary(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(PermissionError) as info:
            write_atomic(folder / "out.md", "x")
    finally:
        folder.chmod(0o755)
    assert info.value.filename == str(folder / "out.md")


def test_any_write_error_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    target = tmp_path / "out.md"
    with pytest.raises(OSError) as info:
        write_atomic(target, "x")
    assert info.value.filename == str(target)
    assert info.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []


def test_a_hard_linked_file_loses_special_permission_bits_too(tmp_path: Path) -> None:
    first = tmp_path / "a.nd"
    first.write_text("old")
    os.link(first, tmp_path / "b.nd")
    first.chmod(0o4755)
    write_atomic(first, "new")
    assert stat.S_IMODE(first.stat().st_mode) == 0o755
    assert (tmp_path / "b.nd").read_text() == "new"


def test_missing_folders_are_created_and_a_file_in_the_way_is_named(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a" / "b" / "c.md", "x")
    assert (tmp_path / "a" / "b" / "c.md").read_text() == "x"
    (tmp_path / "f").write_text("keep")
    with pytest.raises(NotADirectoryError) as caught:
        write_atomic(tmp_path / "f" / "g" / "h.md", "x")
    assert caught.value.filename == str(tmp_path / "f" / "g" / "h.md")
    assert f"'{tmp_path / 'f'}' is a file, not a folder" in str(caught.value.strerror)
    assert (tmp_path / "f").read_text() == "keep"


def test_a_file_not_durable_is_still_replaced_whole_but_not_flushed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A built site's files (the MkDocs plugin's pictures): no fsync, still temp + rename.
    flushed: list[int] = []
    renamed: list[tuple[str, str]] = []
    real_replace = os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: flushed.append(fd))

    def replace(source: str, target: str) -> None:
        renamed.append((os.path.basename(str(source)), os.path.basename(str(target))))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    target = tmp_path / "site" / "picture.svg"
    target.parent.mkdir()
    target.write_text("old")
    write_atomic(target, "<svg/>", durable=False)
    assert target.read_text() == "<svg/>" and not flushed
    assert len(renamed) == 1 and renamed[0][1] == "picture.svg" and renamed[0][0].endswith(".tmp")
    assert sorted(p.name for p in target.parent.iterdir()) == ["picture.svg"]
    write_atomic(target, "<svg></svg>")  # the default: the file and its folder flushed
    assert len(flushed) == 2 and target.read_text() == "<svg></svg>"
