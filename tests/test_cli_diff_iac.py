"""``netdraft diff`` of Terraform plans and states and CloudFormation templates: each is
imported in memory (told by its content, whatever its name), so two plans, or a plan and
the ``.nd`` file, compare; nothing is written, and a file that cannot be imported is a
diagnostic that names it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from netdraft import api
from netdraft.cli import main

IMPORTS = Path(__file__).parent / "importer"
TEMPLATE = (IMPORTS / "cloudformation" / "web-tier" / "template.yaml").read_text("utf-8")
REQUIRED_ENV = "    AllowedValues: [prod, dev]\n"


def template(tmp_path: Path, name: str, env: str | None) -> Path:
    """The web-tier template, its ``Env`` parameter defaulting to ``env`` (None: required)."""
    assert REQUIRED_ENV in TEMPLATE
    text = TEMPLATE.replace(
        REQUIRED_ENV, REQUIRED_ENV + f"    Default: {env}\n" if env else REQUIRED_ENV
    )
    (tmp_path / name).write_text(text, "utf-8")
    return tmp_path / name


def test_two_templates_compare_and_a_changed_verdict_fails_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = template(tmp_path, "dev.yaml", "dev")
    after = tmp_path / "open.json.template"  # YAML, whatever the name says
    after.write_text(
        before.read_text("utf-8").replace("Default: 203.0.113.0/24", "Default: 0.0.0.0/0"), "utf-8"
    )
    report = api.diff(str(before), str(after)).report
    assert (report.old, report.new) == (str(before), str(after))
    assert main(["diff", str(before), str(after), "--fail-on", "verdict"]) == 1
    out = capsys.readouterr().out
    assert "0 added, 0 removed, 1 changed" in out
    assert "web tcp 22: deny → **allow**" in out  # the admin rule now lets anyone in
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dev.yaml", "open.json.template"]


def test_a_new_instance_reachable_from_the_internet_is_an_exposure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prod, dev = template(tmp_path, "prod.yaml", "prod"), template(tmp_path, "dev.yaml", "dev")
    assert main(["diff", str(prod), str(dev), "--fail-on", "exposure"]) == 1
    assert "- web tcp 22 (a new instance)" in capsys.readouterr().out  # names take Env


def test_an_import_against_its_own_nd_file_has_no_change(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = IMPORTS / "terraform" / "state-v4"
    assert main(["diff", str(case / "expected.nd"), str(case / "terraform.tfstate")]) == 0
    out = capsys.readouterr().out
    assert "0 added, 0 removed, 0 changed" in out and "0 changes" in out


def test_a_plan_against_a_state(capsys: pytest.CaptureFixture[str]) -> None:
    plan = IMPORTS / "terraform" / "plan-module" / "plan.json"
    state = IMPORTS / "terraform" / "state-v4" / "terraform.tfstate"
    assert main(["diff", str(state), str(plan), "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["old"] == str(state) and found["new"] == str(plan)
    added = {c["name"] for c in found["components"]["added"]}
    removed = {c["name"] for c in found["components"]["removed"]}
    assert "demo.web-1" in added and "app.web" in removed


def test_a_template_that_cannot_be_imported_is_a_diagnostic_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    needs_env = template(tmp_path, "t.yaml", None)
    case = IMPORTS / "terraform" / "state-v4" / "expected.nd"
    assert main(["diff", str(case), str(needs_env)]) == 2
    err = capsys.readouterr().err
    assert f"{needs_env}:1:1" in err and "bad-revision" in err and "'Env'" in err
    broken = tmp_path / "plan.json"
    broken.write_text('{"format_version": "1.2", "planned_values": {"root_module": 7}', "utf-8")
    assert main(["diff", str(broken), str(case)]) == 2  # not JSON: read as a .nd file
    assert str(broken) in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_template_in_a_git_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    net = template(tmp_path, "stack.yaml", "dev")
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "one")
    net.write_text(
        net.read_text("utf-8").replace("Default: 203.0.113.0/24", "Default: 0.0.0.0/0"), "utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "HEAD:stack.yaml", "stack.yaml", "--fail-on", "verdict"]) == 1
    assert "web tcp 22: deny → **allow**" in capsys.readouterr().out
    net.write_text(TEMPLATE, "utf-8")  # Env has no default: the diagnostic names the file
    git("commit", "-qam", "two")
    assert main(["diff", "HEAD:stack.yaml", "HEAD~1:stack.yaml"]) == 2
    assert "HEAD:stack.yaml:1:1: error[bad-revision]" in capsys.readouterr().err
