"""Over-long numbers on the command line and in files: a diagnostic, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdraft.cli import main

NETWORK = """\
region us-east-1 {
  vpc main 10.0.0.0/16 {
    subnet a 10.0.1.0/24 az us-east-1a
    instance app in a
  }
}
"""
HUGE = "9" * 5_000  # more digits than int() converts


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize(
    "argv",
    [
        ["path", "{file}", "app", "internet", "tcp", HUGE],
        ["render", "{file}", "-o", "{out}", "--highlight", "app", "internet", "tcp", HUGE],
    ],
    ids=["path", "render-highlight"],
)
def test_huge_query_port_is_a_usage_error(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "n.nd"
    file.write_text(NETWORK, "utf-8")
    words = [a.format(file=file, out=tmp_path / "n.dot") for a in argv]
    code, output = run(words, capsys)
    assert code == 2, output
    assert "bad-port" in output and "Traceback" not in output
    assert len(output) < 300


@pytest.mark.parametrize(
    "rule",
    [f"ingress tcp {HUGE} from 0.0.0.0/0", f"ingress tcp 1-{HUGE} from 0.0.0.0/0"],
    ids=["port", "range"],
)
def test_huge_port_in_a_file_is_reported(
    rule: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "n.nd"
    body = f"    security-group g {{\n      {rule}\n    }}\n"
    file.write_text(NETWORK.replace("    instance app in a\n", body), "utf-8")
    code, output = run(["check", str(file)], capsys)
    assert code == 1
    assert "error[bad-port]" in output and len(output) < 1_000


def test_huge_acl_rule_number_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "n.nd"
    body = f"    network-acl n {{\n      inbound {HUGE} allow tcp 443 from 0.0.0.0/0\n    }}\n"
    file.write_text(NETWORK.replace("    instance app in a\n", body), "utf-8")
    code, output = run(["check", str(file)], capsys)
    assert code == 1
    assert "error[acl-rule-number]" in output and len(output) < 1_000
