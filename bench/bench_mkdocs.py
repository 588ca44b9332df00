"""MkDocs benchmark: the project's own site built twice, cold cache then warm, with what was drawn.

A copy of ``mkdocs.yml``, ``docs/`` and ``examples/`` goes into a temporary folder, with
one more page holding a synthetic network (``bench/generate.py``). The site is then built
three times, each a fresh ``mkdocs build --strict`` process as a user runs it (so every
build pays Python's start-up and the imports alike):

1. cold: an empty cache, every diagram drawn;
2. warm: nothing changed, every diagram from the cache (the plugin draws nothing);
3. one page edited: only that page's diagram is drawn again;
4. the same site without the plugin (its blocks left as code): the baseline the warm
   build is measured against (goal: at most 1.2x).

Usage::

    python bench/bench_mkdocs.py [--vpcs 8 --subnets 4 --instances 4]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # `generate` is a sibling script

from generate import generate

ROOT = Path(__file__).resolve().parent.parent
# The plugin's summary line: "netdraft: 13 diagrams: 12 drawn, 1 from the cache (...)".
SUMMARY = re.compile(r"netdraft: \d+ diagrams?: (\d+) drawn, (\d+) from the cache")


def timed_build(site: Path, config: str = "mkdocs.yml") -> tuple[float, int, int]:
    """One ``mkdocs build --strict``: its wall time, and how many diagrams were drawn and
    reused (0 and 0 when the configuration has no netdraft plugin)."""
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            config,
            "--site-dir",
            str(site / "site"),
        ],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"mkdocs build failed:\n{done.stdout}{done.stderr}")
    found = SUMMARY.search(done.stderr)
    if found is None and config != "mkdocs.yml":
        return seconds, 0, 0
    if found is None:
        raise SystemExit(f"no netdraft summary in the build log:\n{done.stderr}")
    return seconds, int(found[1]), int(found[2])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vpcs", type=int, default=8)
    parser.add_argument("--subnets", type=int, default=4)
    parser.add_argument("--instances", type=int, default=4)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="netdraft-bench-mkdocs-") as tmp:
        site = Path(tmp)
        shutil.copy(ROOT / "mkdocs.yml", site / "mkdocs.yml")
        shutil.copytree(ROOT / "docs", site / "docs")
        shutil.copytree(ROOT / "examples", site / "examples")
        network = generate(args.vpcs, args.subnets, args.instances, expects=0, seed=1)
        lines = network.count("\n")
        (site / "docs" / "synthetic.md").write_text(
            f"# Synthetic\n\n```netdraft\n{network}```\n", "utf-8"
        )
        print(
            f"site: the project's docs + a synthetic network of {lines} lines "
            f"({args.vpcs} VPCs x {args.subnets} subnets x {args.instances} instances)"
        )
        print(f"{'build':<22}{'seconds':>9}{'drawn':>8}{'cached':>8}")
        runs: list[tuple[str, float, int, int]] = []
        for label in ("1 cold cache", "2 warm, unchanged"):
            runs.append((label, *timed_build(site)))
        page = site / "docs" / "index.md"
        page.write_text(page.read_text("utf-8").replace('"Public and private subnets"', '"Edited"'))
        runs.append(("3 one block edited", *timed_build(site)))
        plain = (site / "mkdocs.yml").read_text("utf-8")
        plain = re.sub(r"  - netdraft:\n(    .*\n)*", "", plain)
        (site / "plain.yml").write_text(plain, "utf-8")
        runs.append(("4 without the plugin", *timed_build(site, "plain.yml")))
        for label, seconds, drawn, cached in runs:
            print(f"{label:<22}{seconds:>9.2f}{drawn:>8}{cached:>8}")
        cold, warm = runs[0][1], runs[1][1]
        print(f"warm / cold: {warm / cold:.0%}; the warm build drew {runs[1][2]} diagrams")
        print(f"warm / without the plugin: {warm / runs[3][1]:.2f}x (goal: at most 1.20x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
