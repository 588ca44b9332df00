"""MkDocs benchmark: the project's own site built twice, cold cache then warm, with what was drawn.

A copy of ``mkdocs.yml``, ``docs/`` and ``examples/`` goes into a temporary folder, with
one more page holding a synthetic network (``bench/generate.py``). The site is then built
three times, each a fresh ``mkdocs build --strict`` process as a user runs it (so every
build pays Python's start-up and the imports alike):

1. cold: an empty cache, every diagram drawn;
2. warm: nothing changed, every diagram from the cache (the plugin draws nothing);
3. one page edited: only that page's diagram is drawn again;
4. the same site without the plugin (its blocks left as code): the baseline the warm
   build is measured against (goal: at most 1.2x);
5. the same again, but each block that shows its file's text (``src=… source=true``)
   written as a code block holding that text, as a site without the plugin would show
   it: the same pages but for the pictures. The warm build's difference from this one is
   what the plugin itself costs; its difference from build 4 also holds highlighting and
   indexing the listings it adds (the examples page shows sixteen files).

Usage::

    python bench/bench_mkdocs.py [--vpcs 8 --subnets 4 --instances 4] [--repeat 3]

Builds 2, 4 and 5 run ``--repeat`` times each, interleaved; their medians are compared, in
wall time and in CPU time (the steadier figure on a busy machine).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
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


def timed_build(site: Path, config: str = "mkdocs.yml") -> tuple[float, float, int, int]:
    """One ``mkdocs build --strict``: its wall time and CPU time (user + system of the
    process), and how many diagrams were drawn and reused (0 and 0 when the configuration
    has no netdraft plugin)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
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
        # netdraft's own cache (compiled networks, the parser's tables) starts empty too.
        env={**os.environ, "NETDRAFT_CACHE_DIR": str(site / ".netdraft-cache")},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"mkdocs build failed:\n{done.stdout}{done.stderr}")
    found = SUMMARY.search(done.stderr)
    if found is None and config != "mkdocs.yml":
        return seconds, cpu, 0, 0
    if found is None:
        raise SystemExit(f"no netdraft summary in the build log:\n{done.stderr}")
    return seconds, cpu, int(found[1]), int(found[2])


#: A top-level fence that names its file and shows its text, empty in the page.
_LISTED = re.compile(r"^```netdraft \{([^}\n]*)\}\n```\n", re.MULTILINE)


def listings_inline(site: Path, docs: Path, out: Path) -> int:
    """A copy of ``docs`` in ``out`` where each empty fence with ``src="F"`` and
    ``source=true`` holds F's text instead (F as the plugin finds it: beside the page, else
    under the site's root); how many were written out."""
    count = 0

    def inline(match: re.Match[str], page: Path) -> str:
        nonlocal count
        options = match[1]
        named = re.search(r'src="([^"]+)"', options)
        if named is None or "source=true" not in options:
            return match[0]
        found = [f for f in (page.parent / named[1], site / named[1]) if f.is_file()]
        if not found:
            return match[0]
        count += 1
        return f"```netdraft\n{found[0].read_text('utf-8')}```\n"

    shutil.copytree(docs, out)
    for page in sorted(out.rglob("*.md")):
        text = page.read_text("utf-8")
        changed = _LISTED.sub(lambda m, page=page: inline(m, page), text)
        if changed != text:
            page.write_text(changed, "utf-8")
    return count


def _median(builds: list[tuple[float, float, int, int]]) -> tuple[float, float, int, int]:
    """The median wall and CPU time of some builds, with the counts of the last."""
    return (
        statistics.median(b[0] for b in builds),
        statistics.median(b[1] for b in builds),
        builds[-1][2],
        builds[-1][3],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vpcs", type=int, default=8)
    parser.add_argument("--subnets", type=int, default=4)
    parser.add_argument("--instances", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="warm and plain builds, each")
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
        print(f"{'build':<22}{'wall s':>9}{'CPU s':>8}{'drawn':>8}{'cached':>8}")
        runs: list[tuple[str, float, float, int, int]] = []
        runs.append(("1 cold cache", *timed_build(site)))
        plain = (site / "mkdocs.yml").read_text("utf-8")
        plain = re.sub(r"  - netdraft:\n(    .*\n)*", "", plain)
        (site / "plain.yml").write_text(plain, "utf-8")
        listed = listings_inline(site, site / "docs", site / "docs-listed")
        listed_config = re.sub(r"(?m)^docs_dir: .*$", "docs_dir: docs-listed", plain)
        (site / "listed.yml").write_text(listed_config, "utf-8")
        # The warm build and the build without the plugin, interleaved (a busy machine
        # slows both alike); the median of each.
        warm: list[tuple[float, float, int, int]] = []
        bare: list[tuple[float, float, int, int]] = []
        same: list[tuple[float, float, int, int]] = []
        for _ in range(args.repeat):
            warm.append(timed_build(site))
            bare.append(timed_build(site, "plain.yml"))
            same.append(timed_build(site, "listed.yml"))
        runs.append(("2 warm, unchanged", *_median(warm)))
        page = site / "docs" / "index.md"
        page.write_text(page.read_text("utf-8").replace('"Public and private subnets"', '"Edited"'))
        runs.append(("3 one block edited", *timed_build(site)))
        runs.append(("4 without the plugin", *_median(bare)))
        runs.append(("5 same, listings shown", *_median(same)))
        for label, seconds, cpu, drawn, cached in runs:
            print(f"{label:<22}{seconds:>9.2f}{cpu:>8.2f}{drawn:>8}{cached:>8}")
        cold, hot, without, listed_run = runs[0], runs[1], runs[3], runs[4]
        print(f"warm / cold: {hot[1] / cold[1]:.0%} wall; the warm build drew {hot[3]} diagrams")
        print(
            f"warm / without the plugin (medians of {args.repeat}): {hot[1] / without[1]:.2f}x"
            f" wall, {hot[2] / without[2]:.2f}x CPU (goal: at most 1.20x)"
        )
        print(
            f"warm / without the plugin, its {listed} listings shown: "
            f"{hot[1] / listed_run[1]:.2f}x wall, {hot[2] / listed_run[2]:.2f}x CPU"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
