"""Where every command that writes puts its output: missing folders of ``-o`` are created
(as ``mkdir -p`` would), and a part of the path that is a file is a clear message, exit 2,
with nothing written (docs/commands.md, "Output files")."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdraft import cli

ROOT = Path(__file__).parents[1]
EXAMPLE = str(ROOT / "examples" / "01-public-private-nat.nd")
CHANGED = str(ROOT / "examples" / "02-nat-instance.nd")
IMPORTS = ROOT / "tests" / "importer"
CF = str(IMPORTS / "cloudformation" / "web-tier" / "template.yaml")

#: Every command that writes, with OUT where its ``-o`` goes, and what it writes there.
WRITERS: dict[str, tuple[list[str], list[str]]] = {
    "render-dot": (["render", EXAMPLE, "-o", "OUT/n.dot"], ["n.dot"]),
    "render-diff": (["render", "--diff", EXAMPLE, CHANGED, "-o", "OUT/d.dot"], ["d.dot"]),
    "docs": (
        ["docs", EXAMPLE, "-o", "OUT"],
        ["01-public-private-nat.md", "01-public-private-nat.svg"],
    ),
    "diff": (
        ["diff", EXAMPLE, CHANGED, "--format", "json", "-o", "OUT"],
        ["diff.json", "diff.svg"],
    ),
    "import-aws-json": (
        ["import", "aws-json", str(IMPORTS / "fixtures" / "flat"), "-o", "OUT/aws.nd"],
        ["aws.nd"],
    ),
    "import-terraform": (
        ["import", "terraform", str(IMPORTS / "terraform" / "state-v3"), "-o", "OUT/tf.nd"],
        ["tf.nd"],
    ),
    "import-cloudformation": (
        ["import", "cloudformation", CF, "--parameter", "Env=dev", "-o", "OUT/cf.nd"],
        ["cf.nd"],
    ),
}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def argv_for(name: str, out: Path) -> list[str]:
    return [a.replace("OUT", str(out)) for a in WRITERS[name][0]]


@pytest.mark.parametrize("name", WRITERS)
def test_missing_output_folders_are_created(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "deep"
    code, output = run(argv_for(name, out), capsys)
    assert code in (cli.EXIT_OK, cli.EXIT_ERRORS), output  # diff may find changes: not 2
    assert sorted(p.name for p in out.iterdir()) == sorted(WRITERS[name][1]), output


@pytest.mark.parametrize("name", WRITERS)
def test_a_file_in_the_way_of_a_folder_is_a_clear_message_and_nothing_is_written(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "notes"
    blocker.write_text("a file, not a folder")
    code, output = run(argv_for(name, blocker / "deep"), capsys)
    assert code == cli.EXIT_USAGE, output
    assert f"'{blocker}' is a file, not a folder" in output, output
    assert "Traceback" not in output
    assert blocker.read_text() == "a file, not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]  # no temporary left
