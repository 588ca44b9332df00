"""Benchmark of ``netdraft exposure`` and of the reachability diff on an organisation network.

The network comes from ``bench/generate.py``: 200 VPCs of 10 subnets, 5 instances per
subnet (10,000 instances), a transit gateway per region, peerings, a VPN. The report gives
the CPU time of :func:`netdraft.sim.exposure.exposure` on it and of
:func:`netdraft.sim.reach_diff.reach_diff` between it and a version that differs in one
security group rule and one route (compiling the files is not counted: ``check`` measures
that), the number of classes against endpoints × ports, and, on a 500-instance network,
the time against per-port brute force (every interface traced on every port; measured on
a slice of the ports and scaled to all 65,536, which the report says).

Usage::

    python bench/bench_exposure.py [--seed 1] [--sample 256]
    python bench/bench_exposure.py --sizes 20,50,100   # growth: VPCs of 50 instances each

With ``--sizes``, exposure and the diff are timed on a network of each number of VPCs
(at least 12: the change edits v7 and v11), and the exponent of each time against the
number of interfaces is printed (a least-squares fit of log time on log size).

Target: each < 10 s on the full network.
"""

from __future__ import annotations

import argparse
import gc
import math
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).parent))  # `generate` is a sibling script

from generate import generate
from netdraft import api
from netdraft.model import network as m
from netdraft.model.values import Protocol
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.exposure import exposure, interfaces
from netdraft.sim.reach_diff import reach_diff

T = TypeVar("T")

VPCS = 200
SUBNETS_PER_VPC = 10
FULL_INSTANCES_PER_SUBNET = 5
SMALL_VPCS = 10  # 10 VPCs x 10 subnets x 5 instances = 500 instances
TARGET_SECONDS = 10.0
PORTS = 65_536


def timed(run: Callable[[], T]) -> tuple[float, T]:
    """CPU time of one run (not wall time: other work on a shared machine does not count)."""
    gc.collect()
    start = time.process_time()
    result = run()
    return time.process_time() - start, result


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


def growth(vpc_counts: list[int], seed: int) -> None:
    """Exposure and diff times at each size, and their exponents against the interfaces."""
    sizes: list[int] = []
    times: dict[str, list[float]] = {"exposure": [], "diff": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for vpcs in vpc_counts:
            text = generate(vpcs, SUBNETS_PER_VPC, FULL_INSTANCES_PER_SUBNET, 0, seed)
            old = analysis(folder, "old.nd", text)
            new = analysis(folder, "new.nd", changed(text))
            seconds, found = timed(partial(exposure, old.network, old.simulator))
            times["exposure"].append(seconds)
            diff_seconds, _ = timed(partial(reach_diff, old, new))
            times["diff"].append(diff_seconds)
            sizes.append(found.interfaces)
            print(
                f"{vpcs} VPCs, {found.interfaces:,} interfaces: exposure {seconds:.2f} s, "
                f"diff {diff_seconds:.2f} s"
            )
    if len(sizes) > 1:
        print(
            f"exponent: exposure {exponent(sizes, times['exposure']):.2f}, "
            f"diff {exponent(sizes, times['diff']):.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=64, help="ports the brute force traces")
    parser.add_argument("--sizes", help="numbers of VPCs, comma-separated: print the growth")
    args = parser.parse_args(argv)
    if args.sizes:
        growth([int(n) for n in args.sizes.split(",")], args.seed)
        return 0
    slow = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text = generate(VPCS, SUBNETS_PER_VPC, FULL_INSTANCES_PER_SUBNET, 0, args.seed)
        old = analysis(folder, "old.nd", text)
        new = analysis(folder, "new.nd", changed(text))
        seconds, found = timed(lambda: exposure(old.network, old.simulator))
        slow |= seconds > TARGET_SECONDS
        print(f"exposure, {found.interfaces:,} interfaces: {seconds:.2f} s")
        print(
            f"  {found.classes:,} classes traced instead of {found.interfaces:,} interfaces "
            f"x {PORTS:,} ports x 4 protocols; {found.traces:,} traces; "
            f"{len(found.exposed):,} exposed ranges"
        )
        seconds, diff = timed(lambda: reach_diff(old, new))
        slow |= seconds > TARGET_SECONDS
        print(f"reachability diff, one SG rule and one route: {seconds:.2f} s")
        print(
            f"  {diff.endpoints:,} endpoints in {diff.classes:,} classes; "
            f"{diff.reused:,} of {diff.questions:,} class pairs x protocols reused; "
            f"{diff.traces:,} traces; {len(diff.changes):,} changes"
        )
        small_text = generate(SMALL_VPCS, SUBNETS_PER_VPC, FULL_INSTANCES_PER_SUBNET, 0, args.seed)
        small = analysis(folder, "small.nd", small_text)
        seconds, found = timed(lambda: exposure(small.network, small.simulator))
        fresh = analysis(folder, "small.nd", small_text)  # no memo of the run above
        brute = brute_exposure(fresh, args.sample) * PORTS / args.sample
        print(
            f"500 instances: exposure {seconds:.2f} s, per-port brute force ~{brute:,.0f} s "
            f"(tcp only, {args.sample} ports measured, scaled to {PORTS:,}): "
            f"x{brute / max(seconds, 1e-9):,.0f}"
        )
    if slow:
        print(f"slower than the {TARGET_SECONDS:.0f} s target", file=sys.stderr)
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
