"""Each benchmark script runs on a small network (they are scripts, not tests: this only
shows that they still work)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[1] / "bench"
SMALL = ["--vpcs", "2", "--subnets", "3", "--instances", "1"]


def run(script: str, *args: str, codes: tuple[int, ...] = (0,)) -> str:
    """The script's output; ``codes`` are the exit codes it may end with."""
    src = str(Path(__file__).parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode in codes, done.stderr
    return done.stdout


def test_the_scaling_curve_prints_every_stage_and_the_exponent() -> None:
    out = run(
        "bench_scale.py", "--sizes", "20,60", "--expects", "40", "--api", "3", "--api-size", "20"
    )
    assert "parse" in out and "render" in out and "exponent: total" in out
    assert "expect-heavy" in out and "API loop" in out


def test_the_parse_benchmark_runs() -> None:
    assert "lines" in run("bench_parse.py", *SMALL, "--expects", "10", "--repeat", "1")


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")
def test_the_render_benchmark_runs() -> None:
    # 1: netdraft's share is above the target, which a busy machine can make it.
    out = run("bench_render.py", *SMALL, "--repeat", "1", codes=(0, 1))
    assert "dot -Tsvg" in out and "Graphviz runs per render: 1" in out
    assert "2x3x1: render / dot = " in out


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")
def test_the_render_benchmark_with_highlight_reports_the_plain_pictures_size(
    tmp_path: Path,
) -> None:
    """The highlighted render is timed too, but the SVG size printed is the plain one's."""
    out = run("bench_render.py", *SMALL, "--repeat", "1", "--highlight", codes=(0, 1))
    assert "highlighted render (dot, then neato -n2)" in out
    sys.path.insert(0, str(BENCH))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(BENCH))
    from netdraft import api
    from netdraft.generator import diagram

    compiled = api.compile(generate(2, 3, 1, expects=0, seed=1), "bench.nd")
    assert compiled.network is not None
    plain = tmp_path / "plain.svg"
    diagram.render(compiled.network, plain)
    assert f"SVG: {plain.stat().st_size / 1024:.0f} KiB;" in out


def test_the_import_benchmark_imports_a_written_dump() -> None:
    args = ["--instances", "30", "--vpcs", "2", "--subnets", "3", "--repeat", "1"]
    out = run("bench_import.py", *args)
    assert "2 VPCs, 6 subnets, 30 instances" in out and "whole process: median" in out
    assert "compile + check the tree" in out


def test_the_exposure_growth_prints_each_size_and_the_exponents() -> None:
    out = run("bench_exposure.py", "--sizes", "12,16")
    assert out.count("interfaces: compile both") == 2 and out.count("reused (") == 2
    fit = next(line for line in out.splitlines() if line.startswith("exponent of CPU time"))
    assert "exposure" in fit and "diff" in fit


def test_the_diff_command_is_timed_every_way_with_the_same_output() -> None:
    out = run("bench_exposure.py", "--cli", "12", "--repeat", "1")
    for way in ("empty cache", "--no-cache", "NETDRAFT_JOBS=2", "NETDRAFT_JOBS=1", "cached"):
        assert way in out
    assert "the same bytes every run" in out


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")
def test_the_layout_benchmark_counts_every_example_and_a_generated_network() -> None:
    out = run("bench_layout.py", "--generated", "2x3x2")
    lines = out.splitlines()
    assert lines[0].split()[1:] == ["nodes", "overlaps", "through", "crossings", "short", "off"]
    assert any(line.startswith("01-public-private-nat") for line in lines)
    assert any(line.startswith("heldout/tgw-inspection") for line in lines)
    assert any(line.startswith("generated 2x3x2") for line in lines)
    assert lines[-1].startswith("total")


def test_the_startup_benchmark_prints_every_command_and_what_help_imports() -> None:
    # 1: a goal missed, which a busy machine can make happen.
    out = run("bench_startup.py", "--repeat", "1", codes=(0, 1))
    assert "baseline" in out and "netdraft check example 01" in out
    assert "heavy modules imported by --help: none" in out
