"""``netdraft check --format json|sarif|junit|github``: each report read back by a real reader.

SARIF is validated against the official SARIF 2.1.0 JSON schema (``sarif-schema-2.1.0.json``
beside this file, see ``README.md``); JUnit is parsed with ``xml.etree`` and its counts
checked; GitHub's workflow commands are parsed back and their limits counted.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from netdraft.cli import main
from netdraft.codes import REGISTRY
from netdraft.generator.github import ANNOTATIONS_PER_STEP, escape_data, escape_property

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.nd"))
SCHEMA = json.loads((HERE / "sarif-schema-2.1.0.json").read_text("utf-8"))

CLEAN = (ROOT / "examples" / "01-public-private-nat.nd").read_text("utf-8")
# Two expectations that do not hold: a port the group does not open, and a wrong total.
FAILING = CLEAN.replace(
    "expect bastion -> app-1 tcp 22 allow", "expect bastion -> app-1 tcp 23 allow"
).replace("expect cost total = 91.05", "expect cost total = 91.00")
BROKEN = "region us-east-1 {\n  vpc a 10.0.0.0/33 {\n  }\n}\n"
HEAD = "region us-east-1 {\n  vpc a 10.0.0.0/16 {\n    subnet s 10.0.0.0/24 az us-east-1a\n    instance app in s\n"
#: Twelve errors (bad CIDRs) and twelve warnings (denied flows): past GitHub's ten of each.
MANY_ERRORS = (
    HEAD
    + "".join(f"    subnet b{i} 10.0.{i}.0/33 az us-east-1a\n" for i in range(1, 13))
    + "  }\n}\n"
)
MANY_WARNINGS = (
    HEAD
    + "  }\n}\n"
    + "".join(f"flow f{i}: app -> internet tcp 443 volume 1GB\n" for i in range(1, 13))
)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The test files in a temporary folder that is the current directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    texts = {
        "fail.nd": FAILING,
        "bad.nd": BROKEN,
        "many.nd": MANY_ERRORS,
        "warn.nd": MANY_WARNINGS,
        "clean.nd": CLEAN,
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, "utf-8")
    return texts


# ---- SARIF ------------------------------------------------------------------------------


def sarif(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code, out, err = run(["check", "--format", "sarif", *argv], capsys)
    assert err == ""
    log = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    return code, log


def test_sarif_of_every_kind_of_problem_is_valid(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, log = sarif(["fail.nd", "bad.nd", "many.nd", "warn.nd", "clean.nd"], capsys)
    assert code == 1
    (only,) = log["runs"]
    results = only["results"]
    rules = only["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(REGISTRY)
    assert only["tool"]["driver"]["name"] == "netdraft"
    by_rule: dict[str, int] = {}
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == REGISTRY[result["ruleId"]].severity.value
        by_rule[result["ruleId"]] = by_rule.get(result["ruleId"], 0) + 1
    assert by_rule == {"expect-failed": 2, "bad-cidr": 13, "flow-denied": 12}
    failed = [r for r in results if r["ruleId"] == "expect-failed"]
    where = [r["locations"][0]["physicalLocation"] for r in failed]
    assert [w["artifactLocation"]["uri"] for w in where] == ["fail.nd", "fail.nd"]
    # The failed expect lines, with the columns of the text as written.
    lines = FAILING.splitlines()
    for w in where:
        region = w["region"]
        text = lines[region["startLine"] - 1][region["startColumn"] - 1 : region["endColumn"] - 1]
        assert text in ("expect bastion -> app-1 tcp 23 allow", "expect cost total = 91.00")
    # A failed expectation carries its explanation: the hop that dropped the connection.
    assert "SG_INGRESS_MISMATCH" in failed[0]["message"]["text"]


def test_sarif_validation_can_fail(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The schema is really applied: a log with a level SARIF does not have is refused."""
    _, log = sarif(["fail.nd"], capsys)
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SCHEMA).validate(log)


def test_sarif_uris_are_relative_even_for_absolute_arguments(
    files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sub folder").mkdir()
    (tmp_path / "sub folder" / "bad.nd").write_text(BROKEN, "utf-8")
    _, log = sarif([str(tmp_path / "sub folder" / "bad.nd")], capsys)
    (result,) = log["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "sub%20folder/bad.nd", "uriBaseId": "%SRCROOT%"}
    assert str(tmp_path) not in json.dumps(log)


def test_sarif_of_clean_examples_has_no_results(capsys: pytest.CaptureFixture[str]) -> None:
    code, log = sarif([str(p) for p in EXAMPLES], capsys)
    assert code == 0
    assert log["runs"][0]["results"] == []


# ---- JUnit ------------------------------------------------------------------------------


def junit(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, ET.Element]:
    code, out, err = run(["check", "--format", "junit", *argv], capsys)
    assert err == ""
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return code, ET.fromstring(out)


def test_junit_has_a_case_per_expect_and_an_error_per_compile_error(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, root = junit(["fail.nd", "bad.nd", "warn.nd"], capsys)
    assert code == 1
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["fail.nd", "bad.nd", "warn.nd"]
    fail, bad, warn = suites
    expects = [line.strip() for line in FAILING.splitlines() if line.startswith("expect")]
    cases = fail.findall("testcase")
    assert [c.get("name") for c in cases] == expects
    assert {c.get("classname") for c in cases} == {"fail.nd"}
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == [
        "expect bastion -> app-1 tcp 23 allow",
        "expect cost total = 91.00",
    ]
    failure = failed[0].find("failure")
    assert failure is not None and failure.get("type") == "expect-failed"
    assert "instance app-1" in (failure.text or "")  # the explanation, hop by hop
    assert (fail.get("tests"), fail.get("failures"), fail.get("errors")) == (
        str(len(expects)),
        "2",
        "0",
    )
    (error_case,) = bad.findall("testcase")
    problem = error_case.find("error")
    assert problem is not None and problem.get("type") == "bad-cidr"
    assert (bad.get("tests"), bad.get("failures"), bad.get("errors")) == ("1", "0", "1")
    # Warnings fail nothing: they are listed in the suite's output.
    assert warn.get("tests") == "0"
    out = warn.find("system-out")
    assert out is not None and (out.text or "").count("warning[flow-denied]") == 12
    total = len(expects) + 1
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == (str(total), "2", "1")


def test_junit_of_examples_counts_their_expectations(capsys: pytest.CaptureFixture[str]) -> None:
    code, root = junit([str(p) for p in EXAMPLES], capsys)
    assert code == 0
    for path, suite in zip(EXAMPLES, root.findall("testsuite"), strict=True):
        written = sum(
            1
            for line in path.read_text("utf-8").splitlines()
            if line.lstrip().startswith("expect ")
        )
        assert suite.get("tests") == str(written) == str(len(suite.findall("testcase")))
        assert suite.get("failures") == suite.get("errors") == "0"


# ---- GitHub -----------------------------------------------------------------------------

COMMAND = re.compile(r"^::(error|warning) ([^:]*)::(.*)$")


def test_escaping_follows_the_workflow_commands() -> None:
    assert escape_data("50% a\r\nb, c: d") == "50%25 a%0D%0Ab, c: d"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"


def test_github_annotates_ten_of_each_kind_and_counts_the_rest(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["check", "--format", "github", "many.nd", "warn.nd"], capsys)
    assert code == 1 and err == ""
    lines = out.splitlines()
    commands = [m for m in map(COMMAND.match, lines) if m]
    kinds = [m.group(1) for m in commands]
    assert kinds.count("error") == kinds.count("warning") == ANNOTATIONS_PER_STEP
    plain = [line for line in lines if "]: " in line and not line.startswith("::")]
    assert len(plain) == 4  # two errors and two warnings past the limit, as plain lines
    assert lines[-1].startswith("netdraft: 2 errors and 2 warnings above are not annotations")
    first = dict(p.split("=", 1) for p in commands[0].group(2).split(","))
    assert first == {
        "file": "many.nd",
        "line": "5",
        "endLine": "5",
        "col": "15",
        "endColumn": "26",
        "title": "bad-cidr",
    }
    assert "many.nd: failed (12 errors, 0 warnings)" in lines


def test_github_messages_are_one_line_each(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["check", "--format", "github", "fail.nd"], capsys)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3  # two annotations and the summary
    assert all(COMMAND.match(line) for line in lines[:2])
    assert "%0A" in lines[0]  # the explanation's lines, escaped


def test_github_step_summary_is_appended(
    files: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("## an earlier step", "utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, _, _ = run(["check", "--format", "github", "clean.nd", "fail.nd", "bad.nd"], capsys)
    assert code == 1
    text = summary.read_text("utf-8")
    assert text.startswith("## an earlier step\n## netdraft check\n")
    assert "| clean.nd | ok | 0 | 0 | 11 of 11 hold |" in text
    assert "| fail.nd | **failed** | 2 | 0 | 9 of 11 hold |" in text
    assert "| bad.nd | **failed** | 1 | 0 | not run |" in text
    assert "- fail.nd:48:1 error\\[expect-failed\\]" in text


def test_no_step_summary_without_the_variable(
    files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["check", "--format", "github", "clean.nd"], capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files)


# ---- JSON, exit codes, determinism -------------------------------------------------------


def test_json_lists_diagnostics_and_expectations(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["check", "--format", "json", "fail.nd", "bad.nd"], capsys)
    assert code == 1 and err == ""
    document = json.loads(out)
    assert document["version"] == 1 and document["ok"] is False
    fail, bad = document["files"]
    assert (fail["file"], fail["errors"], fail["warnings"]) == ("fail.nd", 2, 0)
    assert [e["holds"] for e in fail["expectations"]].count(False) == 2
    assert [d["code"] for d in bad["diagnostics"]] == ["bad-cidr"]
    assert bad["expectations"] == []
    assert bad["diagnostics"][0]["line"] == 2


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github"])
def test_formats_keep_exit_codes_and_are_deterministic(
    fmt: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    first = run(["check", "--format", fmt, "clean.nd"], capsys)
    assert first[0] == 0
    assert run(["check", "--format", fmt, "clean.nd"], capsys) == first
    assert run(["check", "--format", fmt, "fail.nd"], capsys)[0] == 1
    code, out, err = run(["check", "--format", fmt, "clean.nd", "missing.nd"], capsys)
    assert (code, out) == (2, "")  # a misspelt file: no report of the others
    assert "no such file: missing.nd" in err


def test_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", "--format", "xml", str(EXAMPLES[0])], capsys)
    assert code == 2 and "invalid choice" in err


# ---- --version and python -m netdraft ---------------------------------------------------


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    code, out, _ = run(["--version"], capsys)
    assert (code, out) == (0, f"netdraft {version('netdraft')}\n")


def test_python_dash_m_netdraft_runs_the_command() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "netdraft", "check", "--format", "json", str(EXAMPLES[0])],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True


def test_hostile_file_names_stay_inside_their_fields(
    files: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A name from a pull request cannot end a property, a table cell or an XML attribute."""
    name = "a,b:c|<x>\x1b.nd"
    (tmp_path / name).write_text(BROKEN, "utf-8")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    _, out, _ = run(["check", "--format", "github", name], capsys)
    assert out.startswith("::error file=a%2Cb%3Ac|<x>\\x1b.nd,line=2,")
    assert "| a,b:c&#124;&lt;x&gt;\\\\x1b.nd | **failed** |" in summary.read_text("utf-8")
    _, root = junit([name], capsys)
    assert root.find("testsuite").get("name") == "a,b:c|<x>\\x1b.nd"  # type: ignore[union-attr]


def test_expectations_of_included_files_are_cases_of_their_file(
    files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body, expects = FAILING.split("\nexpect ", 1)
    (tmp_path / "expects.nd").write_text("expect " + expects, "utf-8")
    (tmp_path / "top.nd").write_text(body + '\ninclude "expects.nd"\n', "utf-8")
    code, root = junit(["top.nd"], capsys)
    assert code == 1
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "top.nd" and suite.get("failures") == "2"
    cases = suite.findall("testcase")
    assert {c.get("classname") for c in cases} == {"expects.nd"}
    assert cases[0].get("name") == "expect 203.0.113.10 -> bastion tcp 22 allow"


# ---- a wrong configuration --------------------------------------------------------------


def test_a_wrong_configuration_is_reported_in_every_format(
    files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2 as in text, and the configuration's problem as a result, a test case or an
    annotation at its relative path (once, however many files it applies to)."""
    (tmp_path / "netdraft.toml").write_text('pricess = "p.toml"\n', "utf-8")
    argv = ["check", "--format"]
    code, out, _ = run([*argv, "sarif", "clean.nd", "fail.nd"], capsys)
    log = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    assert code == 2 and [r["ruleId"] for r in results] == ["bad-config"]
    where = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert where == "netdraft.toml"
    code, out, _ = run([*argv, "junit", "clean.nd"], capsys)
    cases = ET.fromstring(out).findall(".//testcase")
    assert code == 2 and [c.get("classname") for c in cases] == ["netdraft.toml"]
    assert cases[0].find("error") is not None
    code, out, _ = run([*argv, "github", "clean.nd"], capsys)
    assert code == 2 and out.startswith("::error file=netdraft.toml,line=1,")
    assert "title=bad-config" in out


def test_exposure_sarif_has_a_result_per_exposed_range_at_its_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    example = EXAMPLES[0]
    code, out, _ = run(["exposure", str(example), "--format", "json"], capsys)
    exposed = json.loads(out)["exposed"]
    code, out, err = run(["exposure", str(example), "--format", "sarif"], capsys)
    assert (code, err) == (0, "")
    log = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    assert exposed and len(results) == len(exposed)
    for result, e in zip(results, exposed, strict=True):
        assert result["ruleId"] == "exposure" and result["level"] == "warning"
        assert result["message"]["text"].startswith(f"{e['interface']}: IPv{e['ip_version']} ")
        lines = [loc["physicalLocation"]["region"]["startLine"] for loc in result["locations"]]
        assert lines == [r["line"] for r in e["rules"]]
        uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for loc in result["locations"]}
        assert uris == {"examples/" + example.name}
