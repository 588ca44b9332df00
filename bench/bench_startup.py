"""Start-up benchmark: the commands a person or a hook runs many times a day, whole process.

Each command runs in a fresh interpreter, ``--repeat`` times after one run not counted (it
fills the caches, as the first command of a day does); printed are the median and the best
wall time, the median CPU time (user + system of the child: what a busy shared machine does
not inflate), beside bare ``python -c pass`` run the same way (the baseline, in the same run)
and the goal from the performance issue (issue 20), which the best wall time is held to.
``check --no-cache`` shows a check that parses and compiles. Also printed: the modules
``--help`` imports, so that a heavy import that creeps back in is named.

Run it with bytecode caching on (not under ``PYTHONDONTWRITEBYTECODE``): a user's
interpreter keeps ``.pyc`` files.

Usage::

    python bench/bench_startup.py [--repeat 7]

Exit status 1 when a goal is missed (a loaded machine can make it so: read the ratios).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "01-public-private-nat.nd"

#: (label, arguments after ``python``, goal in seconds or None)
CASES: tuple[tuple[str, tuple[str, ...], float | None], ...] = (
    ("python -c pass (baseline)", ("-c", "pass"), None),
    ("netdraft --help", ("-m", "netdraft", "--help"), 0.1),
    ("netdraft --version", ("-m", "netdraft", "--version"), None),
    ("netdraft fmt --check example 01", ("-m", "netdraft", "fmt", "--check", str(EXAMPLE)), None),
    ("netdraft check example 01", ("-m", "netdraft", "check", str(EXAMPLE)), 0.3),
    (
        "netdraft check --no-cache example 01",
        ("-m", "netdraft", "check", "--no-cache", str(EXAMPLE)),
        None,
    ),
)

#: Modules ``netdraft --help`` must not import: the compiler, the simulator, Lark, Jinja2.
HEAVY = ("lark", "jinja2", "netdraft.dsl.compile", "netdraft.sim.analysis")


def environment() -> dict[str, str]:
    src = str(ROOT / "src")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}


@dataclass(frozen=True)
class Timing:
    """One command's runs: wall and CPU seconds of each."""

    wall: tuple[float, ...]
    cpu: tuple[float, ...]

    @property
    def best(self) -> float:
        return min(self.wall)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(args: tuple[str, ...], repeat: int) -> Timing:
    """``repeat`` runs of ``python ARGS`` after one not counted."""
    walls: list[float] = []
    cpus: list[float] = []
    for attempt in range(repeat + 1):
        cpu, start = _children_cpu(), time.perf_counter()
        subprocess.run(
            [sys.executable, *args],
            env=environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        if attempt:
            walls.append(time.perf_counter() - start)
            cpus.append(_children_cpu() - cpu)
    return Timing(tuple(walls), tuple(cpus))


def heavy_imports_of_help() -> list[str]:
    """The modules of ``HEAVY`` that ``netdraft --help`` loads."""
    probe = (
        "import sys, contextlib, io\n"
        "from netdraft.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.split()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=7, help="runs of each command, counted")
    args = parser.parse_args(argv)

    baseline: Timing | None = None
    missed = 0
    print(f"{'command':<38} {'median':>8} {'best':>8} {'CPU':>8} {'× python':>9} {'goal':>7}")
    for label, command, goal in CASES:
        timing = timed(command, args.repeat)
        baseline = baseline or timing
        verdict = ""
        if goal is not None:
            verdict = "ok" if timing.best <= goal else "MISSED"
            missed += timing.best > goal
        shown_goal = f"{goal:.2f}s" if goal is not None else ""
        ratio = timing.best / baseline.best
        print(
            f"{label:<38} {timing.median:>7.3f}s {timing.best:>7.3f}s {timing.median_cpu:>7.3f}s"
            f" {ratio:>8.1f}× {shown_goal:>7} {verdict}"
        )
    heavy = heavy_imports_of_help()
    print(f"heavy modules imported by --help: {', '.join(heavy) if heavy else 'none'}")
    return 1 if missed or heavy else 0


if __name__ == "__main__":
    sys.exit(main())
