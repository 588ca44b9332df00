"""Every public command maps every failure to a message and an exit code, never a traceback.

0 success, 1 the network has errors, 2 misuse or an unusable file, 101 a defect in netdraft.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netdraft import cli

NETWORK = """\
region us-east-1 {
  vpc main 10.0.0.0/16 {
    subnet a 10.0.0.0/24 az us-east-1a
    instance app in a
    instance db in a
  }
}
"""


def commands(file: Path, out: Path) -> dict[str, list[str]]:
    """Every command of ``netdraft`` on ``file``, writing under ``out``."""
    return {
        "check": ["check", str(file)],
        "fmt": ["fmt", str(file)],
        "fmt-check": ["fmt", "--check", str(file)],
        "path": ["path", str(file), "app", "db", "tcp", "22"],
        "cost": ["cost", str(file)],
        "render-dot": ["render", str(file), "-o", str(out / "n.dot")],
        "render-svg": ["render", str(file), "-o", str(out / "n.svg")],
        "docs": ["docs", str(file), "-o", str(out / "site")],
    }


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    captured = capsys.readouterr()
    return code, captured.out + captured.err


NAMES = list(commands(Path("x"), Path("y")))


@pytest.fixture
def network(tmp_path: Path) -> Path:
    file = tmp_path / "net.nd"
    file.write_text(NETWORK)
    return file


@pytest.mark.parametrize("name", NAMES)
def test_an_internal_defect_is_exit_101_with_one_line(
    name: str,
    network: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise ZeroDivisionError("division by zero")

    # Every command reads its file through read_bytes: a defect there reaches every command.
    monkeypatch.setattr("netdraft.api.read_bytes", broken)
    monkeypatch.delenv(cli.TRACEBACK_VARIABLE, raising=False)
    code, output = run(commands(network, tmp_path)[name], capsys)
    assert code == cli.EXIT_INTERNAL
    assert "internal error: ZeroDivisionError: division by zero" in output
    assert "Traceback" not in output


def test_the_traceback_is_printed_on_request(
    network: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("netdraft.api.read_bytes", broken)
    monkeypatch.setenv(cli.TRACEBACK_VARIABLE, "1")
    code, output = run(["check", str(network)], capsys)
    assert code == cli.EXIT_INTERNAL
    assert "Traceback" in output


def test_an_internal_error_message_is_one_escaped_line(
    network: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise ValueError('line one\nprices "x"\x1b[31m' + "y" * 10_000)

    monkeypatch.setattr("netdraft.api.read_bytes", broken)
    monkeypatch.delenv(cli.TRACEBACK_VARIABLE, raising=False)
    code, output = run(["check", str(network)], capsys)
    assert code == cli.EXIT_INTERNAL
    first = output.splitlines()[0]
    assert "\\n" in first and "\x1b" not in output
    assert len(first) < 400


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", ["missing", "folder", "fifo", "device-link"])
def test_an_unusable_input_file_is_exit_2(
    name: str, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "in.nd"
    if kind == "folder":
        file.mkdir()
    elif kind == "fifo":
        os.mkfifo(file)
    elif kind == "device-link":
        file.symlink_to("/dev/zero")
    code, output = run(commands(file, tmp_path)[name], capsys)
    assert code == cli.EXIT_USAGE, output
    assert "Traceback" not in output
    assert str(file) in output


@pytest.mark.parametrize("name", NAMES)
def test_a_file_that_is_not_utf8_is_exit_1(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "in.nd"
    file.write_bytes(NETWORK.encode() + b"# \xff\xfe\n")
    code, output = run(commands(file, tmp_path)[name], capsys)
    # fmt keeps exit 1 for "would change": a file it cannot read is exit 2 (as ruff format)
    assert code == (cli.EXIT_USAGE if name.startswith("fmt") else cli.EXIT_ERRORS), output
    assert "error[encoding]" in output


@pytest.mark.parametrize("name", NAMES)
def test_a_file_with_errors_is_exit_1(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "in.nd"
    file.write_text(NETWORK.replace("instance db in a", "instance db in nowhere"))
    code, output = run(commands(file, tmp_path)[name], capsys)
    if name.startswith("fmt"):  # fmt reads syntax only: the file is well formed
        assert code == cli.EXIT_OK, output
    else:
        assert code == cli.EXIT_ERRORS, output
        assert "error[unknown-name]" in output


def test_a_closed_stdout_is_not_an_error(
    network: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def closed(*_: object, **__: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "cmd_fmt", closed)
    monkeypatch.setattr(cli, "_silence_stdout", lambda: None)
    parser = cli.build_parser()
    args = parser.parse_args(["fmt", str(network)])
    args.run = closed
    monkeypatch.setattr(cli, "build_parser", lambda: _Fixed(args))
    assert cli.main(["fmt", str(network)]) == cli.EXIT_OK


class _Fixed:
    def __init__(self, args: object) -> None:
        self.args = args

    def parse_args(self, _argv: object) -> object:
        return self.args


def test_python_dash_m_runs_the_command(network: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "netdraft", "check", str(network)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stdout


def test_control_characters_in_file_names_are_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "x\x1b]0;pwned\x07y"
    folder.mkdir()
    (folder / "p\x1b[31m.toml").write_text("foo = 1\n")
    file = folder / "n\x1b[2J.nd"
    file.write_text('prices "p\x1b[31m.toml"\n' + NETWORK)
    for argv in (["check", str(file)], ["fmt", "--check", str(file)], ["check", str(file) + "x"]):
        _code, output = run(argv, capsys)
        assert "\x1b" not in output and "\x07" not in output, output
        assert "\\x1b" in output


def test_a_control_character_in_a_title_is_drawn_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "t.nd"
    file.write_text('title "a\x01b\x1bc"\n' + NETWORK)
    assert run(["render", str(file), "-o", str(tmp_path / "t.svg")], capsys)[0] == cli.EXIT_OK
    svg = (tmp_path / "t.svg").read_text("utf-8")
    assert "\x01" not in svg and "a\\x01b\\x1bc" in svg
    assert run(["docs", str(file), "-o", str(tmp_path / "d")], capsys)[0] == cli.EXIT_OK
    assert "\x01" not in (tmp_path / "d" / "t.md").read_text("utf-8")


def test_cost_text_escapes_price_file_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p\x1b[31m.toml").write_text("nat_gateway_per_hour = 0.05\n")
    file = tmp_path / "c.nd"
    file.write_text(
        'prices "p\x1b[31m.toml"\n'
        + NETWORK.replace("instance db in a", "instance db in a\n    nat-gateway n in a")
    )
    code, output = run(["cost", str(file)], capsys)
    assert code == cli.EXIT_OK, output
    assert "\x1b" not in output and "p\\x1b[31m.toml" in output
