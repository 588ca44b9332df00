"""``netdraft`` and ``python -m netdraft`` end the process at once after the command
(``cli.run``): every byte of the output is still written, the exit code is the command's,
and a reader that goes away early is no error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from netdraft import api
from netdraft.generator.diff import diff_json
from tiny_network import NEW, OLD

SRC = str(Path(__file__).parents[1] / "src")


def netdraft(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": SRC, "NETDRAFT_NO_CACHE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "netdraft", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        check=False,
    )


def test_the_output_is_whole_and_the_exit_code_the_commands(tmp_path: Path) -> None:
    (tmp_path / "old.nd").write_text(OLD)
    (tmp_path / "new.nd").write_text(NEW)
    done = netdraft("diff", "old.nd", "new.nd", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == b""
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        expected = diff_json(api.diff("old.nd", "new.nd").report)
    finally:
        os.chdir(cwd)
    assert json.loads(done.stdout) == expected
    failed = netdraft("diff", "old.nd", "new.nd", "--fail-on", "verdict", cwd=tmp_path)
    assert failed.returncode == 1 and b"failing on verdict" in failed.stderr
    assert failed.stdout.startswith(b"### netdraft diff")
    assert netdraft("diff", "old.nd", "missing.nd", cwd=tmp_path).returncode == 2


def test_a_reader_that_leaves_early_is_no_error(tmp_path: Path) -> None:
    (tmp_path / "old.nd").write_text(OLD)
    big = NEW + "".join(f"# a comment line {n}\n" for n in range(5000))
    (tmp_path / "new.nd").write_text(big)
    env = {**os.environ, "PYTHONPATH": SRC, "NETDRAFT_NO_CACHE": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "netdraft", "fmt", "new.nd"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()  # the reader goes away
    err = process.stderr.read()
    assert process.wait() == 0
    assert b"Traceback" not in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_output_that_cannot_be_written_is_an_error(tmp_path: Path) -> None:
    # The output is buffered to the end; a full disk found by the last flush is reported
    # and the exit code says so (the interpreter's own exit said 120), never 0.
    (tmp_path / "old.nd").write_text(OLD)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env.update(PYTHONPATH=SRC, NETDRAFT_NO_CACHE="1")
    for command in (["check", "old.nd"], ["exposure", "old.nd"]):
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [sys.executable, "-m", "netdraft", *command],
                cwd=tmp_path,
                env=env,
                stdout=full,
                stderr=subprocess.PIPE,
                check=False,
            )
        assert done.returncode == 2, command
        assert done.stderr == b"netdraft: No space left on device\n", command
