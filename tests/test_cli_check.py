"""``netdraft check``: exit 0 clean, 1 errors, 2 misuse; never a Python traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdraft import api
from netdraft.cli import main

SPEC = Path(__file__).parent / "spec"

CLEAN = """\
region us-east-1 {
  vpc main 10.0.0.0/16 {
    subnet a 10.0.0.0/24 az us-east-1a
    instance app in a
  }
}
"""


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's way of refusing a command line
        code = exc.code if isinstance(exc.code, int) else 2
    out = capsys.readouterr()
    return code, out.out + out.err


EXAMPLES = sorted((SPEC / "examples").glob("*.nd"))


@pytest.mark.parametrize(
    "name",
    [None, *(p.name for p in EXAMPLES)],
    ids=["no-expectations", *(p.stem for p in EXAMPLES)],
)
def test_clean_file_exits_0(
    name: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = SPEC / "examples" / name if name else tmp_path / "clean.nd"
    if name is None:
        path.write_text(CLEAN, "utf-8")
    code, output = run(["check", str(path)], capsys)
    assert code == 0, output
    assert "ok" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    "name", ["duplicate-name.nd", "syntax.nd", "unknown-name.nd", "subnet-overlap.nd"]
)
def test_error_file_exits_1(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = SPEC / "errors" / name
    code, output = run(["check", str(path)], capsys)
    assert code == 1, output
    assert f"{path}:" in output and "error[" in output
    assert "Traceback" not in output


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.nd"
    code, output = run(["check", str(missing)], capsys)
    assert code == 2
    assert "nowhere.nd" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    "argv",
    [["check", "--no-such-flag", "x.nd"], ["check"], ["no-such-command"], []],
    ids=["unknown-flag", "no-file", "unknown-command", "no-command"],
)
def test_misuse_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [["check"], ["fmt"], ["fmt", "--check"], ["cost"], ["path", "{}", "a", "b"]],
    ids=["check", "fmt", "fmt-check", "cost", "path"],
)
def test_not_utf8_is_a_diagnostic(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.nd"
    path.write_bytes(b'title "caf\xe9"\n')
    argv = [command[0], str(path), *command[1:]] if "{}" not in command else command
    argv = [str(path) if word == "{}" else word for word in argv]
    code, output = run(argv, capsys)
    assert code == (2 if command[0] == "fmt" else 1), output  # fmt: 1 is "would change"
    assert f"{path}:1:1: error[encoding]" in output
    assert "Traceback" not in output


@pytest.mark.parametrize("command", [["check"], ["fmt", "--check"]], ids=["check", "fmt"])
def test_a_utf8_byte_order_mark_is_not_text(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bom.nd"
    path.write_bytes(b"\xef\xbb\xbf" + CLEAN.encode("utf-8"))
    code, output = run([command[0], str(path), *command[1:]], capsys)
    assert code == 0, output
    assert "error[" not in output


def test_many_errors_print_a_bounded_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "many.nd"
    refs = " ".join(["x"] * 10_000)
    path.write_text(
        CLEAN.replace("    instance app in a\n", f"    route-table rt {{ associate {refs} }}\n")
    )
    code, output = run(["check", str(path)], capsys)
    assert code == 1
    assert len(output) < 60_000, len(output)
    assert f"and 9900 more errors in {path}\n" in output
    assert "(10000 errors, 0 warnings)" in output


def test_a_syntax_error_on_a_long_line_prints_a_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "long.nd"
    path.write_text("title " + "x" * 1_000_000 + "\n")
    code, output = run(["check", str(path)], capsys)
    assert code == 1
    assert len(output) < 3_000, len(output)
    assert "…" in output


def test_one_expectation_holds_in_the_summary() -> None:
    text = (
        "region us-east-1 {\n  vpc v 10.0.0.0/16 {\n    subnet s 10.0.1.0/24 az us-east-1a\n"
        "    security-group g { ingress tcp 22 from 10.0.0.0/16 }\n"
        "    instance a in s sg g\n    instance b in s sg g\n  }\n}\n"
        "expect a -> b tcp 22 allow\n"
    )
    summary = api.analyse("<t>", text=text).summary()
    assert summary.endswith("(0 errors, 0 warnings, 1 expectation holds)"), summary
