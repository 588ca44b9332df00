"""``netdraft fmt FILE|DIR… [--check | --write | --diff]``: files and folders, exit 0/1/2."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netdraft.cli import main

CLEAN = """\
region us-east-1 {
  vpc main 10.0.0.0/16 {
    subnet a  10.0.0.0/24 az us-east-1a
    subnet bb 10.0.1.0/24 az us-east-1a
    route-table rt { associate a bb }
    instance app in a
  }
}
"""
#: The same network laid out carelessly: fmt turns it into CLEAN.
MESSY = CLEAN.replace("    instance app in a", "       instance   app in a").replace(
    "  }\n}\n", "  }\n\n\n}"
)
BROKEN = "region us-east-1 {\n  vpc main 10.0.0.0/16 {\n    subnet a 10.0.0.0/24 az\n  }\n}\n"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's way of refusing a command line
        code = exc.code if isinstance(exc.code, int) else 2
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A folder of files: clean and messy ones, nested, and a file that is not ``.nd``."""
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / "clean.nd").write_text(CLEAN)
    (tmp_path / "b" / "messy.nd").write_text(MESSY)
    (tmp_path / "b" / "deep" / "also-messy.nd").write_text(MESSY)
    (tmp_path / "notes.txt").write_text("not a network {")
    return tmp_path


def test_clean_and_messy_differ() -> None:
    assert MESSY != CLEAN


def test_one_file_is_printed_formatted(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["fmt", str(tree / "b" / "messy.nd")], capsys)
    assert (code, out, err) == (0, CLEAN, "")
    assert (tree / "b" / "messy.nd").read_text() == MESSY  # left alone


def test_printing_several_files_or_a_folder_is_misuse(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["fmt", str(tree / "clean.nd"), str(tree / "b" / "messy.nd")], ["fmt", str(tree)]):
        code, out, err = run(argv, capsys)
        assert (code, out) == (2, "")
        assert "use --check, --write or --diff" in err


def test_check_lists_the_files_that_would_change_in_a_folder(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["fmt", "--check", str(tree)], capsys)
    assert code == 1, err
    listed = [line.split(":")[0] for line in out.splitlines()]
    assert listed == [str(tree / "b" / "deep" / "also-messy.nd"), str(tree / "b" / "messy.nd")]
    assert err == ""
    assert (tree / "b" / "messy.nd").read_text() == MESSY  # --check writes nothing


def test_check_passes_on_clean_files(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["fmt", "--check", str(tree / "clean.nd")], capsys) == (0, "", "")


def test_write_rewrites_only_the_files_that_change(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = tree / "clean.nd"
    os.utime(clean, (1_000_000, 1_000_000))
    code, out, err = run(["fmt", "--write", str(tree), str(tree / "b" / "messy.nd")], capsys)
    assert (code, out, err) == (0, "", "")
    assert (tree / "b" / "messy.nd").read_text() == CLEAN
    assert (tree / "b" / "deep" / "also-messy.nd").read_text() == CLEAN
    assert clean.stat().st_mtime == 1_000_000  # not rewritten
    assert (tree / "notes.txt").read_text() == "not a network {"
    assert run(["fmt", "--check", str(tree)], capsys)[0] == 0


def test_diff_is_a_unified_diff_that_patches_the_file(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    messy = tree / "b" / "messy.nd"
    code, out, err = run(["fmt", "--diff", str(messy), str(tree / "clean.nd")], capsys)
    assert code == 1, err
    assert out.startswith(f"--- {messy}\n+++ {messy}\n@@ ")
    assert "-       instance   app in a\n+    instance app in a\n" in out
    assert out.endswith("-}\n\\ No newline at end of file\n+}\n")
    assert str(tree / "clean.nd") not in out
    assert run(["fmt", "--diff", str(tree / "clean.nd")], capsys) == (0, "", "")


def test_a_file_that_does_not_parse_is_exit_2_and_the_others_are_still_done(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "a-broken.nd").write_text(BROKEN)
    code, out, err = run(["fmt", "--write", str(tree)], capsys)
    assert code == 2
    assert f"{tree / 'a-broken.nd'}:3:" in err and "error[syntax]" in err
    assert "Traceback" not in err
    assert (tree / "a-broken.nd").read_text() == BROKEN
    assert (tree / "b" / "messy.nd").read_text() == CLEAN  # after the broken one, still done
    code, out, err = run(["fmt", "--check", str(tree)], capsys)
    assert (code, out) == (2, "")


def test_an_unknown_name_is_misuse(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["fmt", "--check", str(tree / "clean.nd"), str(tree / "nope")], capsys)
    assert (code, out) == (2, "")
    assert "no such file or folder" in err


def test_a_folder_does_not_follow_links_out_of_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inside, outside = tmp_path / "inside", tmp_path / "outside"
    inside.mkdir()
    outside.mkdir()
    (outside / "far.nd").write_text(MESSY)
    (inside / "near.nd").write_text(MESSY)
    (inside / "linked-folder").symlink_to(outside, target_is_directory=True)
    (inside / "linked-file.nd").symlink_to(outside / "far.nd")
    (inside / "local-link.nd").symlink_to(inside / "near.nd")
    code, out, _ = run(["fmt", "--check", str(inside)], capsys)
    assert code == 1
    # the link inside the folder and its file are one file, done once (by its first name)
    assert [line.split(":")[0] for line in out.splitlines()] == [str(inside / "local-link.nd")]
    assert run(["fmt", "--write", str(inside)], capsys)[0] == 0
    assert (inside / "local-link.nd").is_symlink()  # written through
    assert (inside / "near.nd").read_text() == CLEAN
    assert (outside / "far.nd").read_text() == MESSY


def test_a_file_named_twice_is_done_once(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messy = tree / "b" / "messy.nd"
    code, out, _ = run(
        ["fmt", "--check", str(messy), str(tree / "b"), str(tree / "b/../b/messy.nd")], capsys
    )
    assert code == 1
    assert out.splitlines() == [
        f"{messy}: not formatted (run 'netdraft fmt --write {messy}')",
        f"{tree / 'b' / 'deep' / 'also-messy.nd'}: not formatted"
        f" (run 'netdraft fmt --write {tree / 'b' / 'deep' / 'also-messy.nd'}')",
    ]


def test_the_bundled_examples_are_fmt_clean(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).parents[1]
    code, out, err = run(
        ["fmt", "--check", str(root / "examples"), str(root / "tests/spec/examples")], capsys
    )
    assert (code, out, err) == (0, "", "")


def test_a_folder_without_nd_files_is_misuse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("x")
    code, out, err = run(["fmt", "--check", str(tmp_path)], capsys)
    assert (code, out) == (2, "")
    assert f"no .nd files in the folder {tmp_path}" in err
