"""Start-up benchmark: the commands a person or a hook runs many times a day, whole process.

Each command runs in a fresh interpreter, ``--repeat`` times; the best wall time is printed
beside bare ``python -c pass`` run the same way (the baseline, in the same run, so that a
busy machine shows in both) and the goal from the performance issue. Also printed: the
modules ``--help`` imports, so that a heavy import that creeps back in is named.

Usage::

    python bench/bench_startup.py [--repeat 7]

Exit status 1 when a goal is missed (a loaded machine can make it so: read the ratios).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
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
)

#: Modules ``netdraft --help`` must not import: the compiler, the simulator, Lark, Jinja2.
HEAVY = ("lark", "jinja2", "netdraft.dsl.compile", "netdraft.sim.analysis")


def environment() -> dict[str, str]:
    src = str(ROOT / "src")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}


def best_wall(args: tuple[str, ...], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, *args],
            env=environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        best = min(best, time.perf_counter() - start)
    return best


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
    parser.add_argument("--repeat", type=int, default=7, help="best of this many runs")
    args = parser.parse_args(argv)

    baseline = 0.0
    missed = 0
    print(f"{'command':<36} {'best':>8} {'× python':>9} {'goal':>7}")
    for label, command, goal in CASES:
        seconds = best_wall(command, args.repeat)
        baseline = baseline or seconds
        verdict = ""
        if goal is not None:
            verdict = "ok" if seconds <= goal else "MISSED"
            missed += seconds > goal
        shown_goal = f"{goal:.2f}s" if goal is not None else ""
        ratio = seconds / baseline
        print(f"{label:<36} {seconds:>7.3f}s {ratio:>8.1f}× {shown_goal:>7} {verdict}")
    heavy = heavy_imports_of_help()
    print(f"heavy modules imported by --help: {', '.join(heavy) if heavy else 'none'}")
    return 1 if missed or heavy else 0


if __name__ == "__main__":
    sys.exit(main())
