"""Benchmark of ``netdraft check`` on an organisation network: front end vs expectations.

The network comes from ``bench/generate.py``: 200 VPCs of 10 subnets (2,000 subnets), 5
instances per subnet (10,000 instances), a transit gateway per region, peerings, a VPN,
20 flows and 1,000 ``expect`` lines. The report gives the CPU time of ``api.check`` and
of its two halves, the front end (read, parse, compile, validate: ``api.load``) and the
expectations (prices, every ``expect`` and ``flow`` traced, costs estimated), then how
both halves grow with the number of instances and with the number of expects.

Usage::

    python bench/bench_check.py [--repeat 1] [--profile] [--seed 1]

CPU time, best of ``--repeat`` runs. Target: ``api.check`` of the full network < 10 s.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).parent))  # `generate` is a sibling script

from generate import generate
from netdraft import api
from netdraft.model.network import PathExpectation
from netdraft.sim.analysis import NetworkAnalysis

T = TypeVar("T")

VPCS = 200
SUBNETS_PER_VPC = 10
FULL_INSTANCES_PER_SUBNET = 5
FULL_EXPECTS = 1000
TARGET_SECONDS = 10.0
#: The growth series: instances per subnet (x 2,000 subnets), and expects.
INSTANCE_STEPS = (1, 2, 3, 5)
EXPECT_STEPS = (250, 500, 1000)


def best_of(repeat: int, run: Callable[[], T]) -> tuple[float, T]:
    """The least CPU time of ``repeat`` runs, and the last result.

    CPU time rather than wall time, so that other work on a shared machine does not count.
    """
    best = float("inf")
    result: T | None = None
    for _ in range(repeat):
        result = None
        gc.collect()
        start = time.process_time()
        result = run()
        best = min(best, time.process_time() - start)
    assert result is not None
    return best, result


class Halves:
    """The two halves of ``api.check``, timed apart on one written file."""

    def __init__(self, path: Path, repeat: int) -> None:
        self.load_s, compiled = best_of(repeat, lambda: api.load(path))
        network = compiled.network
        errors = [d for d in compiled.diagnostics if d.is_error]
        if network is None or errors:
            raise SystemExit(f"the generated network has errors: {errors[:1]}")

        def expectations() -> tuple[int, int]:
            table, _problems, _texts = api.load_prices(network)
            analysis = NetworkAnalysis(network, table)  # builds the simulator, as a check does
            found = api.outcome_diagnostics(analysis)
            return analysis.outcomes.ran, sum(1 for d in found if d.is_error)

        self.expect_s, (self.ran, self.failed) = best_of(repeat, expectations)
        paths = sum(1 for e in network.expectations if isinstance(e, PathExpectation))
        self.traces = paths + 2 * len(network.flows)  # a flow is traced for the check and its cost

    @property
    def total_s(self) -> float:
        return self.load_s + self.expect_s


def write(folder: Path, instances_per_subnet: int, expects: int, seed: int) -> tuple[Path, int]:
    text = generate(VPCS, SUBNETS_PER_VPC, instances_per_subnet, expects, seed)
    path = folder / f"org-{instances_per_subnet}-{expects}.nd"
    path.write_text(text, "utf-8")
    return path, text.count("\n")


def hotspots(path: Path, limit: int = 15) -> str:
    """cProfile of the expectations half: netdraft's functions with the most own time."""
    compiled = api.load(path)
    assert compiled.network is not None
    network = compiled.network
    table, _problems, _texts = api.load_prices(network)
    profile = cProfile.Profile()
    profile.enable()
    api.outcome_diagnostics(NetworkAnalysis(network, table))
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(r"netdraft[/\\]", limit)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="show the expectations' hotspots")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        full, lines = write(folder, FULL_INSTANCES_PER_SUBNET, FULL_EXPECTS, args.seed)
        instances = VPCS * SUBNETS_PER_VPC * FULL_INSTANCES_PER_SUBNET
        print(
            f"network: {VPCS} VPCs, {VPCS * SUBNETS_PER_VPC:,} subnets, {instances:,} instances,"
            f" {FULL_EXPECTS:,} expects, 20 flows; {lines:,} lines"
        )
        check_s, result = best_of(args.repeat, lambda: api.check(full))
        verdict = "ok" if check_s < TARGET_SECONDS else f"ABOVE the {TARGET_SECONDS:g} s target"
        checked = result.expectations_checked
        print(f"api.check: {check_s:.2f} s CPU ({verdict}); {checked:,} expectations")
        halves = Halves(full, args.repeat)
        print(f"  front end (api.load: read, parse, compile, validate): {halves.load_s:6.2f} s")
        print(
            f"  expectations (prices, traces, costs):                 {halves.expect_s:6.2f} s"
            f"  ({halves.traces:,} traces, {1000 * halves.expect_s / halves.traces:.2f} ms each;"
            f" {halves.failed} expects fail: the generator draws verdicts at random)"
        )

        def measured(per_subnet: int, expects: int) -> Halves:
            if (per_subnet, expects) == (FULL_INSTANCES_PER_SUBNET, FULL_EXPECTS):
                return halves
            return Halves(write(folder, per_subnet, expects, args.seed)[0], args.repeat)

        subnets = VPCS * SUBNETS_PER_VPC
        header = f"{'front end s':>12} {'expects s':>10} {'total s':>8}"
        print(f"\ngrowth with instances ({subnets:,} subnets, {FULL_EXPECTS:,} expects):")
        print(f"{'instances':>10} {header}")
        for k in INSTANCE_STEPS:
            h = measured(k, FULL_EXPECTS)
            print(f"{subnets * k:>10,} {h.load_s:>12.2f} {h.expect_s:>10.2f} {h.total_s:>8.2f}")
        print(f"\ngrowth with expects ({instances:,} instances):")
        print(f"{'expects':>10} {header}")
        for n in EXPECT_STEPS:
            h = measured(FULL_INSTANCES_PER_SUBNET, n)
            print(f"{n:>10,} {h.load_s:>12.2f} {h.expect_s:>10.2f} {h.total_s:>8.2f}")

        if args.profile:
            print("\n" + hotspots(full))
    return 0


if __name__ == "__main__":
    sys.exit(main())
