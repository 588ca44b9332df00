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
