"""A page and its diagram are prepared whole and flushed, then renamed back to back."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from netdraft import api
from netdraft import files as write
from netdraft.files import write_together

EXAMPLE = Path(__file__).parents[1] / "spec" / "examples" / "01-public-private-nat.nd"


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_every_file_is_flushed_before_the_first_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            log.append("fsync")
        real_fsync(fd)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        log.append(f"rename {Path(dst).name}")
        real_replace(src, dst)

    monkeypatch.setattr(write.os, "fsync", fsync)
    monkeypatch.setattr(write.os, "replace", replace)
    written = api.docs(EXAMPLE, tmp_path / "site")
    stem = EXAMPLE.stem
    assert [p.name for p in written] == [f"{stem}.svg", f"{stem}.md"]
    assert log == ["fsync", "fsync", f"rename {stem}.svg", f"rename {stem}.md"]
    assert names(tmp_path / "site") == [f"{stem}.md", f"{stem}.svg"]


def test_killed_before_the_renames_leaves_the_old_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    old = {f"{EXAMPLE.stem}.svg": b"old picture", f"{EXAMPLE.stem}.md": b"old page"}
    for name, data in old.items():
        (site / name).write_bytes(data)

    def killed(*args: object) -> None:
        raise KeyboardInterrupt  # as good as SIGKILL here: nothing after it runs

    monkeypatch.setattr(write.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        api.docs(EXAMPLE, site)
    assert {p.name: p.read_bytes() for p in site.iterdir()} == old


def test_killed_between_the_renames_leaves_a_new_picture_beside_the_old_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    image, page = site / f"{EXAMPLE.stem}.svg", site / f"{EXAMPLE.stem}.md"
    image.write_bytes(b"old picture")
    page.write_bytes(b"old page")
    real_replace = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst).suffix == ".md":
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(write.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        api.docs(EXAMPLE, site)
    assert image.read_bytes().startswith(b"<?xml")
    assert page.read_bytes() == b"old page"
    assert names(site) == [page.name, image.name]  # no temporary file left


def test_a_file_that_cannot_be_prepared_leaves_every_target_as_it_was(tmp_path: Path) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.md"
    first.write_text("old")
    second.mkdir()  # a folder in the way
    with pytest.raises(IsADirectoryError) as info:
        write_together([(first, "new"), (second, "new")])
    assert info.value.filename == str(second)
    assert first.read_text() == "old"
    assert names(tmp_path) == ["a.svg", "b.md"]


def test_a_failed_rename_names_the_target_and_removes_the_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst).name == "b.md":
            raise PermissionError(13, "Permission denied", str(src))
        real_replace(src, dst)

    monkeypatch.setattr(write.os, "replace", replace)
    with pytest.raises(PermissionError) as info:
        write_together([(tmp_path / "a.svg", "new a"), (tmp_path / "b.md", "new b")])
    assert info.value.filename == str(tmp_path / "b.md")
    assert names(tmp_path) == ["a.svg"]
    assert (tmp_path / "a.svg").read_text() == "new a"


def test_modes_links_and_hard_links_are_kept(tmp_path: Path) -> None:
    kept = tmp_path / "kept.md"
    kept.write_text("old")
    kept.chmod(0o640)
    real = tmp_path / "real.svg"
    real.write_text("old")
    link = tmp_path / "link.svg"
    link.symlink_to(real.name)
    shared = tmp_path / "shared.md"
    shared.write_text("old old")
    other = tmp_path / "other-name.md"
    os.link(shared, other)
    old_umask = os.umask(0o022)
    try:
        written = write_together(
            [(kept, "k"), (link, "l"), (shared, "s"), (tmp_path / "new" / "fresh.md", b"f")]
        )
    finally:
        os.umask(old_umask)
    assert written[1] == link
    assert (kept.read_text(), stat.S_IMODE(kept.stat().st_mode)) == ("k", 0o640)
    assert link.is_symlink() and real.read_text() == "l"
    assert other.read_text() == "s" and other.stat().st_ino == shared.stat().st_ino
    fresh = tmp_path / "new" / "fresh.md"
    assert (fresh.read_bytes(), stat.S_IMODE(fresh.stat().st_mode)) == (b"f", 0o644)
    assert not [p for p in tmp_path.rglob("*.tmp")]
