"""Benchmark of ``netdraft exposure`` and of the reachability diff on an organisation network.

The network comes from ``bench/generate.py``: VPCs of 10 subnets, 5 instances per subnet
(200 VPCs: 10,000 instances), a transit gateway per region, peerings, a VPN. For each size
the report gives the CPU time (``time.process_time``: other work on a shared machine does
not count) and the wall time of each stage: compiling both versions (which ``check``
measures, not counted in the target), :func:`netdraft.sim.exposure.exposure`, and
:func:`netdraft.sim.reach_diff.reach_diff` between the network and a version that differs
in one security group rule and one route; the number of classes against endpoints × ports;
the share of the diff's questions reused untraced. Then the exponent of each time against
the number of interfaces (a least-squares fit of log time on log size), and, on a
500-instance network, the time against per-port brute force (every interface traced on
every port; measured on a slice of the ports and scaled to all 65,535, which the report
says).

With ``--cli``, the whole ``netdraft diff OLD NEW`` command instead, as a pull request's
CI runs it (a new process, wall time, the Markdown to a file): with an empty cache folder
(what CI sees), with ``--no-cache``, with both versions in the cache, and with the two
versions compiled one after the other (``NETDRAFT_JOBS=1``) against side by side
(``NETDRAFT_JOBS=2``, whatever the machine's load), each run ``--repeat`` times in turn
(the median is reported: timings on a shared machine are noisy), with the CPU time of
the command and its compile process (what other work on the machine does not change).
Every run must print the same bytes. Target: < 10 s wall at 200 VPCs.

Usage::

    python bench/bench_exposure.py [--seed 1] [--sample 64] [--sizes 25,50,100,200]
    python bench/bench_exposure.py --sizes 12,16   # quick: the growth only
    python bench/bench_exposure.py --cli 200 [--repeat 3]   # the command, end to end

The sizes are numbers of VPCs (at least 12: the change edits v7 and v11). Without 200 in
them, the target and the brute force are not measured.

Target: exposure and the diff each < 10 s of CPU on the 200-VPC network.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).parent))  # `generate` is a sibling script

from generate import generate
from netdraft import api
from netdraft.model import network as m
from netdraft.model.values import Protocol
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.exposure import Exposure, exposure, interfaces
from netdraft.sim.reach_diff import ReachDiff, reach_diff

T = TypeVar("T")

VPCS = 200
SUBNETS_PER_VPC = 10
FULL_INSTANCES_PER_SUBNET = 5
SMALL_VPCS = 10  # 10 VPCs x 10 subnets x 5 instances = 500 instances
TARGET_SECONDS = 10.0
PORTS = 65_536


def timed(run: Callable[[], T]) -> tuple[float, T]:
    """CPU time of one run (not wall time: other work on a shared machine does not count)."""
    cpu, _, result = measured(run)
    return cpu, result


def measured(run: Callable[[], T]) -> tuple[float, float, T]:
    """CPU and wall time of one run."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    result = run()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def changed(text: str) -> str:
    """The network with one security group rule and one route changed: v7's ``app`` group
    admits 8443 instead of 443 from 10.0.0.0/8, and v11's first private route table no
    longer sends the data center's prefix to the transit gateway."""
    rule = "      ingress tcp 443 from 10.0.0.0/8\n"
    start = text.index("  vpc v7 ")
    at = text.index(rule, start)
    text = text[:at] + rule.replace("443", "8443") + text[at + len(rule) :]
    start = text.index("  vpc v11 ")
    table = text.index("route-table private-", start)
    route = text.index("      route 192.168.0.0/16 via", table)
    return text[:route] + text[text.index("\n", route) + 1 :]


def analysis(folder: Path, name: str, text: str) -> NetworkAnalysis:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return api.analyse(path).require_analysis()


def brute_exposure(net: NetworkAnalysis, sample: int) -> float:
    """Seconds to trace every interface from every internet address on ``sample`` tcp
    ports, one query per port (the class analysis does all ports and protocols)."""
    sim = net.simulator
    sources = [
        m.Place(m.PlaceKind.INTERNET, str(a), address=a)
        for v in (4, 6)
        for a in sim.ix.internet_candidates(v)
    ]
    enis = interfaces(net.network)

    def run() -> None:
        for eni in enis:
            for port in range(sample):
                for s in sources:
                    sim.trace(m.Query(s, eni.place, Protocol.TCP, port))

    seconds, _ = timed(run)
    return seconds


def exponent(sizes: list[int], seconds: list[float]) -> float:
    """The slope of log(seconds) against log(size), least squares."""
    xs = [math.log(n) for n in sizes]
    ys = [math.log(max(t, 1e-6)) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / spread


@dataclass
class Size:
    """What one size of network measured: (CPU, wall) seconds per stage and the counts."""

    vpcs: int
    interfaces: int = 0
    stages: dict[str, tuple[float, float]] = field(default_factory=dict)
    exposure: Exposure | None = None
    diff: ReachDiff | None = None


def measure(vpcs: int, seed: int, folder: Path) -> Size:
    """Compile both versions, then time the exposure and the diff, at one size."""
    size = Size(vpcs)
    text = generate(vpcs, SUBNETS_PER_VPC, FULL_INSTANCES_PER_SUBNET, 0, seed)
    cpu, wall, (old, new) = measured(
        lambda: (analysis(folder, "old.nd", text), analysis(folder, "new.nd", changed(text)))
    )
    size.stages["compile both"] = (cpu, wall)
    cpu, wall, size.exposure = measured(partial(exposure, old.network, old.simulator))
    size.stages["exposure"] = (cpu, wall)
    cpu, wall, size.diff = measured(partial(reach_diff, old, new))
    size.stages["diff"] = (cpu, wall)
    size.interfaces = size.exposure.interfaces
    return size


def report(size: Size) -> None:
    """One size: its stages' times and what the analyses took."""
    found, diff = size.exposure, size.diff
    assert found is not None and diff is not None
    times = ", ".join(f"{k} {c:.2f} s ({w:.2f} s wall)" for k, (c, w) in size.stages.items())
    print(f"{size.vpcs} VPCs, {found.interfaces:,} interfaces: {times}")
    space = found.interfaces * PORTS * 4
    print(
        f"  exposure: {found.classes:,} classes traced instead of {found.interfaces:,} "
        f"interfaces x {PORTS:,} ports x 4 protocols = {space:,}; {found.traces:,} traces; "
        f"{len(found.exposed):,} exposed ranges"
    )
    share = diff.reused / max(diff.questions, 1)
    print(
        f"  diff: {diff.endpoints:,} endpoints in {diff.classes:,} classes; "
        f"{diff.reused:,} of {diff.questions:,} class pairs x protocols reused "
        f"({share:.4%}), {diff.questions - diff.reused:,} swept; {diff.traces:,} traces; "
        f"{len(diff.changes):,} changes"
    )


def growth(sizes: list[Size]) -> None:
    """The exponent of each stage's CPU time against the number of interfaces."""
    if len(sizes) < 2:
        return
    n = [s.interfaces for s in sizes]
    fits = ", ".join(
        f"{stage} {exponent(n, [s.stages[stage][0] for s in sizes]):.2f}"
        for stage in ("exposure", "diff", "compile both")
    )
    print(f"exponent of CPU time against interfaces ({n[0]:,}-{n[-1]:,}): {fits}")


def brute_force(folder: Path, seed: int, sample: int) -> None:
    """Exposure on the 500-instance network against per-port tracing."""
    small_text = generate(SMALL_VPCS, SUBNETS_PER_VPC, FULL_INSTANCES_PER_SUBNET, 0, seed)
    small = analysis(folder, "small.nd", small_text)
    seconds, _ = timed(lambda: exposure(small.network, small.simulator))
    fresh = analysis(folder, "small.nd", small_text)  # no memo of the run above
    brute = brute_exposure(fresh, sample) * PORTS / sample
    print(
        f"500 instances: exposure {seconds:.2f} s, per-port brute force ~{brute:,.0f} s "
        f"(tcp only, {sample} ports measured, scaled to {PORTS:,}): "
        f"x{brute / max(seconds, 1e-9):,.0f}"
    )


#: The ways ``--cli`` runs ``netdraft diff``: (name, extra arguments, environment, whether
#: the cache folder is emptied first).
CLI_RUNS: list[tuple[str, list[str], dict[str, str], bool]] = [
    ("empty cache", [], {}, True),
    ("--no-cache", ["--no-cache"], {}, False),
    ("--no-cache, side by side (NETDRAFT_JOBS=2)", ["--no-cache"], {"NETDRAFT_JOBS": "2"}, False),
    (
        "--no-cache, one after the other (NETDRAFT_JOBS=1)",
        ["--no-cache"],
        {"NETDRAFT_JOBS": "1"},
        False,
    ),
    ("both versions cached", [], {}, False),
]


def _children_cpu() -> float:
    """The CPU seconds (user and system) of the child processes waited for so far: the
    command's and the compile process it starts, whatever else the machine runs."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def cli(vpcs: int, seed: int, repeat: int, folder: Path) -> bool:
    """``netdraft diff`` end to end, each way of :data:`CLI_RUNS` in turn, ``repeat``
    times; the medians. False when a run printed other bytes or the target is missed."""
    text = generate(vpcs, SUBNETS_PER_VPC, FULL_INSTANCES_PER_SUBNET, 0, seed)
    (folder / "old.nd").write_text(text, encoding="utf-8")
    (folder / "new.nd").write_text(changed(text), encoding="utf-8")
    store = folder / "cache"
    src = str(Path(__file__).parents[1] / "src")
    base = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    base.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: modules compiled once
    base.pop("NETDRAFT_JOBS", None)
    base.pop("NETDRAFT_NO_CACHE", None)
    walls: dict[str, list[float]] = {name: [] for name, *_ in CLI_RUNS}
    cpus: dict[str, list[float]] = {name: [] for name, *_ in CLI_RUNS}
    outputs: set[str] = set()
    command = [sys.executable, "-m", "netdraft", "diff", "old.nd", "new.nd"]
    for _ in range(repeat):
        for name, extra, env, empty in CLI_RUNS:
            if empty:
                subprocess.run(["rm", "-rf", str(store)], check=True)
            start, used = time.perf_counter(), _children_cpu()
            done = subprocess.run(
                [*command, *extra],
                cwd=folder,
                env={**base, "NETDRAFT_CACHE_DIR": str(store), **env},
                capture_output=True,
                check=False,
            )
            walls[name].append(time.perf_counter() - start)
            cpus[name].append(_children_cpu() - used)
            if done.returncode != 0:
                print(done.stderr.decode(errors="replace"), file=sys.stderr)
                return False
            outputs.add(hashlib.sha256(done.stdout).hexdigest())
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"netdraft diff, {vpcs} VPCs ({len(text):,} characters a version), wall seconds, "
        f"median of {repeat} (load average {load}):"
    )
    for name, times in walls.items():
        shown = ", ".join(f"{t:.2f}" for t in times)
        cpu = statistics.median(cpus[name])
        print(f"  {name}: {statistics.median(times):.2f} s  ({shown}); CPU {cpu:.2f} s")
    print(f"  output: {'the same bytes every run' if len(outputs) == 1 else 'DIFFERS'}")
    slow = statistics.median(walls["empty cache"]) > TARGET_SECONDS and vpcs >= VPCS
    if slow:
        print(f"diff slower than the {TARGET_SECONDS:.0f} s target", file=sys.stderr)
    return len(outputs) == 1 and not slow


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=64, help="ports the brute force traces")
    parser.add_argument("--sizes", default="25,50,100,200", help="numbers of VPCs, comma-separated")
    parser.add_argument(
        "--cli", type=int, metavar="VPCS", help="time the netdraft diff command at this size"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each way (--cli)")
    args = parser.parse_args(argv)
    if args.cli is not None:
        with tempfile.TemporaryDirectory() as tmp:
            return 0 if cli(args.cli, args.seed, args.repeat, Path(tmp)) else 1
    vpc_counts = [int(n) for n in args.sizes.split(",")]
    slow = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sizes: list[Size] = []
        for vpcs in vpc_counts:
            sizes.append(measure(vpcs, args.seed, folder))
            report(sizes[-1])
        growth(sizes)
        full = next((s for s in sizes if s.vpcs == VPCS), None)
        if full is not None:
            brute_force(folder, args.seed, args.sample)
            for stage in ("exposure", "diff"):
                if full.stages[stage][0] > TARGET_SECONDS:
                    slow = True
                    print(f"{stage} slower than the {TARGET_SECONDS:.0f} s target", file=sys.stderr)
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
