"""The GitHub Action (``action.yml``) and the pre-commit hooks (``.pre-commit-hooks.yaml``), run.

The action's scripts run in a subprocess as GitHub would run them (bash -e -o pipefail,
inputs in environment variables, a fake ``$GITHUB_STEP_SUMMARY``, ``$GITHUB_OUTPUT`` and
``$RUNNER_TEMP``) on the bundled examples, with ``netdraft`` on ``PATH`` running this
checkout's sources; the steps that install Graphviz and netdraft are skipped, and the
step that uses ``actions/upload-artifact`` is recorded (with its inputs) instead of run. Each hook's ``entry`` is run
with the file names pre-commit would pass; ``pre-commit try-repo`` runs them for real
when pre-commit is installed, this is a git checkout and ``NETDRAFT_TRY_REPO`` is set
(``.ci/run`` sets it).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from netdraft.cli import main

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.nd"))
ACTION = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
CLEAN = EXAMPLES[0].read_text("utf-8")
FAILING = CLEAN.replace("expect cost total = 91.05", "expect cost total = 91.00")
CONDITION = re.compile(
    r"\$\{\{\s*(inputs\.[\w-]+|steps\.[\w-]+\.outputs\.[\w-]+)\s*(==|!=)\s*'([^']*)'\s*\}\}"
)
INSTALLING = {"Install Graphviz", "Install netdraft"}
EXPRESSION = re.compile(r"\$\{\{\s*(inputs|steps)\.([\w-]+)(?:\.outputs\.([\w-]+))?\s*\}\}")
#: What the fake upload step answers (``actions/upload-artifact`` v4 gives the URL).
ARTIFACT_URL = "ARTIFACT-URL"


@pytest.fixture(scope="module")
def on_path(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose ``netdraft`` runs this checkout's sources."""
    bin_dir = tmp_path_factory.mktemp("bin")
    script = bin_dir / "netdraft"
    script.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m netdraft "$@"\n', "utf-8")
    script.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def run_action(
    workdir: Path,
    env: dict[str, str],
    inputs: dict[str, str],
    uploads: list[dict[str, str]] | None = None,
) -> tuple[int, str, dict[str, str]]:
    """Run the action's steps as GitHub would; the exit code, the log and the step outputs.
    The inputs of each artifact upload are added to ``uploads``."""
    given = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    given.update(inputs)
    outputs: dict[str, dict[str, str]] = {}
    log = []
    code = 0
    for step in ACTION["runs"]["steps"]:
        if step["name"] in INSTALLING:
            continue

        def value(match: re.Match[str]) -> str:
            kind, name, output = match.groups()
            if kind == "inputs":
                return given[name]
            return outputs.get(name, {}).get(output, "")

        condition = step.get("if")
        if condition is not None:
            found = CONDITION.fullmatch(condition)
            assert found, f"a condition this test cannot read: {condition}"
            operand, operator, literal = found.groups()
            actual = EXPRESSION.sub(value, "${{ " + operand + " }}")
            if (actual == literal) != (operator == "=="):
                continue
        if "uses" in step:  # only the artifact upload, at a pinned major version
            assert re.fullmatch(r"actions/upload-artifact@v\d+", step["uses"]), step["uses"]
            with_ = {k: EXPRESSION.sub(value, str(v)) for k, v in step["with"].items()}
            if uploads is not None:
                uploads.append(with_)
            outputs[step["id"]] = {"artifact-url": ARTIFACT_URL}
            continue
        assert step["shell"] == "bash"
        step_env = {
            **env,
            **{k: EXPRESSION.sub(value, str(v)) for k, v in step.get("env", {}).items()},
        }
        output_file = workdir.parent / f"output-{step.get('id', 'step')}"
        output_file.write_text("", "utf-8")
        step_env["GITHUB_OUTPUT"] = str(output_file)
        step_env["GITHUB_STEP_SUMMARY"] = str(workdir.parent / "summary.md")
        step_env["RUNNER_TEMP"] = str(workdir.parent / "runner")
        (workdir.parent / "runner").mkdir(exist_ok=True)
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workdir,
            env=step_env,
            capture_output=True,
            text=True,
            check=False,
        )
        log.append(done.stdout + done.stderr)
        if "id" in step:
            lines = output_file.read_text("utf-8").splitlines()
            outputs[step["id"]] = dict(line.split("=", 1) for line in lines)
        code = done.returncode
        if code != 0:
            break
    return code, "".join(log), outputs.get("check", {})


def test_action_declares_its_inputs_and_runs_check_with_github_format() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert {"files", "diff-base", "format"} <= set(ACTION["inputs"])
    names = [step["name"] for step in ACTION["runs"]["steps"]]
    assert names[:2] == ["Install Graphviz", "Install netdraft"]
    scripts = "\n".join(step.get("run", "") for step in ACTION["runs"]["steps"])
    assert "apt-get install -y -q graphviz" in scripts
    assert 'pip install -q "$GITHUB_ACTION_PATH"' in scripts
    assert "netdraft diff" in scripts and "netdraft render --diff" in scripts
    assert {"diagram", "artifact-name"} <= set(ACTION["inputs"])
    used = [step["uses"] for step in ACTION["runs"]["steps"] if "uses" in step]
    assert used == ["actions/upload-artifact@v4"]  # pinned to a major version
    # Inputs reach scripts through the environment only: no expression inside a script.
    assert "${{" not in scripts


def test_action_checks_the_bundled_examples(tmp_path: Path, on_path: dict[str, str]) -> None:
    work = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", work / "examples")
    code, log, outputs = run_action(work, on_path, {"files": "examples/**/*.nd"})
    assert code == 0, log
    assert outputs == {"status": "0"}
    assert "::error" not in log
    every = sorted((ROOT / "examples").rglob("*.nd"))  # the spec's and the components'
    assert len(every) > len(EXAMPLES)
    assert log.count(": ok (") == len(every)
    summary = (tmp_path / "summary.md").read_text("utf-8")
    assert summary.startswith("## netdraft check\n")
    assert summary.count("| ok |") == len(every)


def test_action_fails_on_a_failed_expectation(tmp_path: Path, on_path: dict[str, str]) -> None:
    work = tmp_path / "repo"
    work.mkdir()
    (work / "good.nd").write_text(CLEAN, "utf-8")
    (work / "net.nd").write_text(FAILING, "utf-8")
    code, log, outputs = run_action(work, on_path, {"files": "*.nd"})
    assert code == 1
    assert outputs == {"status": "1"}
    assert "::error file=net.nd,line=59," in log


def test_action_writes_a_sarif_report(tmp_path: Path, on_path: dict[str, str]) -> None:
    work = tmp_path / "repo"
    work.mkdir()
    (work / "net.nd").write_text(FAILING, "utf-8")
    code, _, outputs = run_action(
        work, on_path, {"files": "net.nd", "format": "sarif", "report": "out.sarif"}
    )
    assert code == 1
    assert outputs == {"report": "out.sarif", "status": "1"}
    assert '"ruleId": "expect-failed"' in (work / "out.sarif").read_text("utf-8")


def test_action_without_files_says_so(tmp_path: Path, on_path: dict[str, str]) -> None:
    work = tmp_path / "repo"
    work.mkdir()
    code, log, outputs = run_action(work, on_path, {"files": "*.nd"})
    assert (code, outputs) == (2, {"status": "2"})
    assert "::error title=netdraft::no .nd file matches: *.nd" in log


def git(work: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=work,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_action_diffs_the_changed_files(tmp_path: Path, on_path: dict[str, str]) -> None:
    work = tmp_path / "repo"
    work.mkdir()
    (work / "net.nd").write_text(CLEAN, "utf-8")
    git(work, "init", "-q")
    git(work, "add", ".")
    git(work, "commit", "-qm", "base")
    (work / "net.nd").write_text(CLEAN.replace("tcp 443 allow via nat-a", "tcp 443 allow"), "utf-8")
    uploads: list[dict[str, str]] = []
    code, log, _ = run_action(work, on_path, {"files": "net.nd", "diff-base": "HEAD"}, uploads)
    assert code == 0, log
    has_diff = (
        subprocess.run(
            ["netdraft", "diff", "--help"], env=on_path, capture_output=True, check=False
        ).returncode
        == 0
    )
    if has_diff:  # the change summary follows the check's
        summary = (tmp_path / "summary.md").read_text("utf-8")
        assert summary.index("## netdraft check") == 0 and len(summary.splitlines()) > 6
        # The diagram of the change is drawn, uploaded as an artifact and linked.
        diagrams = tmp_path / "runner" / "netdraft-diagrams"
        svg = (diagrams / "net.svg").read_text("utf-8")
        assert "<svg" in svg and "</svg>" in svg
        assert uploads == [
            {"name": "netdraft-diff", "path": str(diagrams), "if-no-files-found": "ignore"}
        ]
        assert "Diagram of the change: `net.svg` in the artifact `netdraft-diff`" in summary
        assert f"[download the artifact `netdraft-diff`]({ARTIFACT_URL})" in summary
    else:
        assert "no 'diff' command" in log


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_action_draws_no_diagram_when_asked_not_to(tmp_path: Path, on_path: dict[str, str]) -> None:
    """The twin: with ``diagram: false`` the change is summarised, nothing is uploaded."""
    work = tmp_path / "repo"
    work.mkdir()
    (work / "net.nd").write_text(CLEAN, "utf-8")
    git(work, "init", "-q")
    git(work, "add", ".")
    git(work, "commit", "-qm", "base")
    (work / "net.nd").write_text(CLEAN.replace("tcp 443 allow via nat-a", "tcp 443 allow"), "utf-8")
    uploads: list[dict[str, str]] = []
    given = {"files": "net.nd", "diff-base": "HEAD", "diagram": "false"}
    code, log, _ = run_action(work, on_path, given, uploads)
    assert code == 0, log
    summary = (tmp_path / "summary.md").read_text("utf-8")
    assert "### netdraft diff" in summary and "Diagram" not in summary
    assert uploads == [] and not (tmp_path / "runner" / "netdraft-diagrams").exists()


# ---- pre-commit ---------------------------------------------------------------------------


def hook(name: str) -> dict[str, Any]:
    (found,) = [h for h in HOOKS if h["id"] == name]
    return found


def test_hooks_are_python_hooks_on_nd_files() -> None:
    assert [h["id"] for h in HOOKS] == ["netdraft-check", "netdraft-fmt", "netdraft-fmt-check"]
    for h in HOOKS:
        assert h["language"] == "python"
        assert re.search(h["files"], "a/b/net.nd") and not re.search(h["files"], "net.nd.bak")


def run_entry(name: str, files: list[Path]) -> int:
    """A hook's entry run as pre-commit runs it: its words, then the file names."""
    words = shlex.split(hook(name)["entry"])
    assert words[0] == "netdraft"
    try:
        return main([*words[1:], *map(str, files)])
    except SystemExit as exc:  # pragma: no cover - argparse refusing the entry
        return int(exc.code or 0)


def test_check_hook_passes_the_examples_and_fails_a_broken_file(tmp_path: Path) -> None:
    assert run_entry("netdraft-check", EXAMPLES) == 0
    broken = tmp_path / "net.nd"
    broken.write_text(FAILING, "utf-8")
    assert run_entry("netdraft-check", [EXAMPLES[0], broken]) == 1


def test_fmt_hooks_fix_or_report(tmp_path: Path) -> None:
    messy = tmp_path / "net.nd"
    messy.write_text(CLEAN.replace("expect cost total", "expect   cost total"), "utf-8")
    assert run_entry("netdraft-fmt-check", [messy]) == 1
    assert run_entry("netdraft-fmt", [messy]) == 0  # pre-commit fails the commit: a file changed
    assert messy.read_text("utf-8") == CLEAN
    assert run_entry("netdraft-fmt-check", [messy, *EXAMPLES]) == 0


def pre_commit() -> str | None:
    found = Path(sys.executable).parent / "pre-commit"
    return str(found) if found.exists() else shutil.which("pre-commit")


#: Set to run ``pre-commit try-repo`` (minutes: it installs netdraft into a new environment);
#: ``.ci/run`` sets it.
TRY_REPO_VARIABLE = "NETDRAFT_TRY_REPO"


@pytest.mark.skipif(not os.environ.get(TRY_REPO_VARIABLE), reason=f"set {TRY_REPO_VARIABLE}=1")
@pytest.mark.skipif(pre_commit() is None, reason="pre-commit is not installed")
@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="try-repo needs a git checkout")
def test_pre_commit_try_repo_runs_the_hooks(tmp_path: Path) -> None:
    """pre-commit installs this repository into its own environment and runs each hook."""
    work = tmp_path / "repo"
    work.mkdir()
    shutil.copy(EXAMPLES[0], work / "good.nd")
    (work / "bad.nd").write_text(FAILING, "utf-8")
    git(work, "init", "-q")
    git(work, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "home")}
    env.pop("PYTHONPATH", None)

    def try_repo(name: str, *files: str) -> subprocess.CompletedProcess[str]:
        command = [pre_commit() or "", "try-repo", str(ROOT), name, "--files", *files]
        return subprocess.run(
            command, cwd=work, env=env, capture_output=True, text=True, check=False
        )

    passed = try_repo("netdraft-check", "good.nd")
    if "CalledProcessError" in passed.stdout and "install" in passed.stdout:
        pytest.skip(f"pre-commit could not install the hooks' environment: {passed.stdout[-300:]}")
    assert passed.returncode == 0, passed.stdout
    failed = try_repo("netdraft-check", "good.nd", "bad.nd")
    assert failed.returncode == 1 and "Failed" in failed.stdout
    assert "expect-failed" in failed.stdout
    fmt = try_repo("netdraft-fmt", "good.nd")
    assert fmt.returncode == 0 and "Passed" in fmt.stdout


def test_action_diffs_renamed_added_and_including_files(
    tmp_path: Path, on_path: dict[str, str]
) -> None:
    """A renamed file is compared with its old name, a new one gets its exposure, and a
    changed part is compared through the file that includes it."""
    work = tmp_path / "repo"
    work.mkdir()
    (work / "net.nd").write_text(CLEAN, "utf-8")
    (work / "part.nd").write_text("site dc 192.168.0.0/16 {\n  host h 192.168.0.10\n}\n", "utf-8")
    (work / "top.nd").write_text(CLEAN + 'include "part.nd"\n', "utf-8")
    git(work, "init", "-q")
    git(work, "add", ".")
    git(work, "commit", "-qm", "base")
    git(work, "mv", "net.nd", "moved.nd")
    (work / "moved.nd").write_text(
        CLEAN.replace("tcp 443 allow via nat-a", "tcp 443 allow"), "utf-8"
    )
    (work / "new.nd").write_text("region us-east-1 {\n  vpc a 10.9.0.0/16 {\n  }\n}\n", "utf-8")
    (work / "part.nd").write_text("site dc 192.168.0.0/16 {\n  host h 192.168.0.11\n}\n", "utf-8")
    git(work, "add", "-A")
    given = {"files": "moved.nd new.nd top.nd", "diff-base": "HEAD"}
    code, log, _ = run_action(work, on_path, given)
    assert code == 0, log
    summary = (tmp_path / "summary.md").read_text("utf-8")
    assert "`HEAD:net.nd` → `moved.nd`" in summary, summary
    assert "`new.nd` is new" in summary and "nothing is reachable from the internet" in summary
    assert "`HEAD:top.nd` → `top.nd`" in summary and "dc.h" in summary
