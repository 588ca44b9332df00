"""Every command on a file that includes others (LANGUAGE.md §8), and the typical use:
``netdraft import aws-json DIR -o aws.nd`` and a hand-written ``net.nd`` that includes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netdraft.cli import main

FLAT = Path(__file__).parent / "importer" / "fixtures" / "flat"

#: What the hand-written file adds to the imported network: a site, flows and expects.
NET = """\
include "aws.nd"

site office 198.51.100.0/24 {
  host laptop 198.51.100.7
}

flow updates: worker -> internet tcp 443 volume 100GB
flow public: web -> internet tcp 443 volume 10GB

expect worker -> internet tcp 443 allow
expect internet -> web tcp 22 deny because ACL_INBOUND_DENY
expect internet -> web tcp 443 deny because ACL_RETURN_DENY
expect laptop -> web tcp 443 deny
"""


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A folder with ``aws.nd`` imported from the flat fixture dump and ``net.nd`` beside it."""
    code, _, err = run(["import", "aws-json", str(FLAT), "-o", str(tmp_path / "aws.nd")], capsys)
    assert code == 0, err
    (tmp_path / "net.nd").write_text(NET, "utf-8")
    return tmp_path


def one_file(project: Path) -> Path:
    """The same network as one file: net.nd with aws.nd's text in place of the include."""
    single = project / "single.nd"
    aws = (project / "aws.nd").read_text("utf-8")
    single.write_text(NET.replace('include "aws.nd"\n', aws), "utf-8")
    return single


def test_check_runs_the_expectations_of_the_composed_network(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["check", str(project / "net.nd")], capsys)
    assert code == 0, err
    # The dump's default group opens SSH to the world: a review warning says so.
    assert out == f"{project / 'net.nd'}: ok (0 errors, 1 warning, 4 expectations hold)\n"
    assert "warning[open-admin-port]" in err


@pytest.mark.parametrize(
    "query",
    [
        ["worker", "internet", "tcp", "443"],
        ["internet", "web", "tcp", "22"],
        ["internet", "web", "tcp", "443"],
        ["laptop", "web", "tcp", "443"],
    ],
)
def test_path_on_the_composed_file_is_the_path_on_one_file(
    project: Path, capsys: pytest.CaptureFixture[str], query: list[str]
) -> None:
    code, composed, err = run(["path", "--json", str(project / "net.nd"), *query], capsys)
    assert code == 0, err
    code, single, err = run(["path", "--json", str(one_file(project)), *query], capsys)
    assert code == 0, err
    assert json.loads(composed)["verdict"] == json.loads(single)["verdict"]


def test_cost_of_the_composed_file_is_the_cost_of_one_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, composed, err = run(["cost", "--json", str(project / "net.nd")], capsys)
    assert code == 0, err
    code, single, _ = run(["cost", "--json", str(one_file(project))], capsys)
    assert json.loads(composed) == json.loads(single)
    assert json.loads(composed)["flows"], composed


def test_render_and_docs_draw_the_composed_network(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dot = project / "net.dot"
    code, _, err = run(["render", str(project / "net.nd"), "-o", str(dot)], capsys)
    assert code == 0, err
    text = dot.read_text("utf-8")
    assert "Legacy-VPC-2019" in text and "office" in text
    code, _, err = run(["docs", str(project / "net.nd"), "-o", str(project / "out")], capsys)
    assert code == 0, err
    page = (project / "out" / "net.md").read_text("utf-8")
    assert "laptop" in page and "worker" in page


def test_a_missing_include_exits_1_pointing_at_the_include(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "net.nd").write_text('title "t"\ninclude "aws.nd"\n', "utf-8")
    code, out, err = run(["check", str(tmp_path / "net.nd")], capsys)
    assert code == 1
    assert err.startswith(f"{tmp_path / 'net.nd'}:2:9: error[include-missing]: ")
    assert ' 2 | include "aws.nd"\n' in err
    assert "failed (1 error, 0 warnings)" in out
    net = str(tmp_path / "net.nd")
    for command in (["path", net, "a", "b"], ["cost", net], ["render", net, "-o", f"{net}.dot"]):
        code, _, err = run(command, capsys)
        assert code == 1 and "error[include-missing]" in err and "Traceback" not in err


def test_an_error_in_the_included_file_is_shown_in_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aws = project / "aws.nd"
    lines = aws.read_text("utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if "instance worker" in line)
    lines[number] = lines[number].replace("in private", "in privte")
    aws.write_text("".join(lines), "utf-8")
    code, _, err = run(["check", str(project / "net.nd")], capsys)
    assert code == 1
    assert f"{aws}:{number + 1}:" in err and "error[unknown-name]" in err
    assert f" {number + 1} | {lines[number].rstrip()}" in err


def test_fmt_formats_one_file_and_keeps_its_includes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    net = tmp_path / "net.nd"
    net.write_text('include   "aws.nd"\nsite s 10.0.0.0/8 {   }\n', "utf-8")  # aws.nd is absent
    code, out, err = run(["fmt", str(net)], capsys)
    assert code == 0, err
    assert out == 'include "aws.nd"\n\nsite s 10.0.0.0/8 { }\n'
