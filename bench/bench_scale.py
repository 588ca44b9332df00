"""The scaling curve of ``netdraft check``: wall time and peak memory per stage, by size.

Each size runs in a fresh Python process (so that peak RSS is that size's alone) on a
network from ``bench/generate.py`` (200 VPCs of 10 subnets, instances spread evenly over
the subnets, 500 ``expect`` lines). The stages are those of ``api.check``:

- parse: the text into the syntax tree (``dsl.parse.parse``);
- compile: includes composed, the passes run (``compose`` + ``compile_source``);
- validate: the rules on the model (``dsl.validate.validate``);
- index: the simulator's look-up tables and the internet's candidate addresses;
- expects: every ``expect`` and ``flow`` traced, costs, outcomes as diagnostics;
- render: every diagnostic rendered as ``check`` prints it.

The exponent is the slope of log(time) over log(instances) between the smallest and the
largest size: 1.0 is linear. Two more cases:

- ``--expects N``: the 1,000-instance network with N ``expect`` lines (about half fail,
  since the generator draws verdicts at random), timed as above, then as a whole
  ``netdraft check`` process (wall and CPU: the goal is 50,000 failing expects reported
  in under 30 s);
- ``--api N``: ``netdraft.path(network, "internet", each instance, "tcp", "22")`` for the
  first N instances of the 10,000-instance network, against the bare simulator's trace.

Usage::

    python bench/bench_scale.py [--sizes 1000,10000,50000] [--big] [--expects 20000] [--api 200]

``--big`` adds 100,000 instances. Wall time (``perf_counter``) and the process's peak RSS
after each stage (``ru_maxrss``); on a shared machine, run it twice and compare medians.

Figures at 100,000 instances (117,207 lines): with Lark's parse tree and
``propagate_positions``, parse 8.40 s and 476 MiB after it, 496 MiB at the end; since the
parser's callbacks make the syntax nodes (spans from the tokens), parse 6.18 s and
180 MiB after it, 269 MiB at the end (``docs/architecture.md``, Performance).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))  # `generate` is a sibling script

from generate import generate

VPCS = 200
SUBNETS = 10
EXPECTS = 500
STAGES = ("parse", "compile", "validate", "index", "expects", "render")


def shape(instances: int) -> tuple[int, int, int]:
    """VPCs, subnets per VPC and instances per subnet for about ``instances`` instances."""
    per_subnet = max(1, round(instances / (VPCS * SUBNETS)))
    vpcs = min(VPCS, max(1, round(instances / (SUBNETS * per_subnet))))
    return vpcs, SUBNETS, per_subnet


def peak_mib() -> float:
    """The process's peak resident memory so far (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_stages(path: Path) -> dict[str, Any]:
    """Every stage of a check of ``path``, timed in this process: seconds and peak MiB."""
    from netdraft import api
    from netdraft.diagnostics import render_all
    from netdraft.dsl import parse as parsing
    from netdraft.dsl.compile import compile_source
    from netdraft.dsl.compose import compose
    from netdraft.dsl.parse import parse, parser
    from netdraft.dsl.validate import validate
    from netdraft.sim.analysis import NetworkAnalysis

    parser()  # the grammar's tables: a per-process cost, not the network's
    text = path.read_text("utf-8")
    out: dict[str, Any] = {"lines": text.count("\n"), "base_mib": peak_mib()}
    state: dict[str, Any] = {}

    def stage(name: str, run: Callable[[], Any]) -> None:
        start = time.perf_counter()
        state[name] = run()
        out[name] = (time.perf_counter() - start, peak_mib())

    # As ``netdraft check`` runs them: with the collector paused for the whole command
    # (``cli._without_collector``; ``api.compile`` pauses it for the front end too).
    with getattr(parsing, "collector_paused", contextlib.nullcontext)():
        stage("parse", lambda: parse(text, str(path))[0])
        stage("compile", lambda: compile_source(compose(state["parse"]).source))
        network, problems = state["compile"]
        stage("validate", lambda: [*problems, *validate(network)])
        table, _problems, _texts = api.load_prices(network)
        analysis = NetworkAnalysis(network, table)

        def index() -> None:
            analysis.simulator.ix.internet_candidates(4)
            analysis.simulator.ix.internet_candidates(6)

        stage("index", index)
        stage("expects", lambda: [*state["validate"], *api.outcome_diagnostics(analysis)])
        stage("render", lambda: render_all(state["expects"], {str(path): text}))
    out["diagnostics"] = len(state["expects"])
    out["instances"] = sum(len(v.instances) for v in network.vpcs.values())
    return out


def run_api(path: Path, count: int) -> dict[str, Any]:
    """``netdraft.path`` from the internet to the first ``count`` instances, and the bare
    simulator's trace of the same queries: seconds per call."""
    import netdraft
    from netdraft.dsl.passes.resolve import PlaceResolver
    from netdraft.dsl.query import parse_query
    from netdraft.sim.path import Simulator

    network = netdraft.load_network(path)
    names = [n for v in network.vpcs.values() for n in v.instances][:count]
    netdraft.path(network, "internet", names[0], "tcp", "22")  # first-call costs apart
    start = time.perf_counter()
    for name in names:
        netdraft.path(network, "internet", name, "tcp", "22")
    api_s = (time.perf_counter() - start) / len(names)
    places = PlaceResolver(network)  # built once: it reads every instance of the network
    queries = [
        parse_query(network, "internet", n, "tcp", "22", place_resolver=places) for n in names
    ]
    simulator = Simulator(network)
    simulator.trace(queries[0])  # type: ignore[arg-type]
    start = time.perf_counter()
    for query in queries:
        simulator.trace(query)  # type: ignore[arg-type]
    bare_s = (time.perf_counter() - start) / len(names)
    return {"calls": len(names), "api_s": api_s, "bare_s": bare_s}


def child(args: list[str]) -> dict[str, Any]:
    """Run this script on one case in a fresh process; its JSON result."""
    done = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def whole_check(path: Path) -> tuple[float, float]:
    """``netdraft check --no-cache FILE`` in a fresh process, as a user runs it (its
    diagnostics printed to a pipe): wall and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "netdraft", "check", "--no-cache", str(path)],
        capture_output=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def write(folder: Path, instances: int, expects: int) -> Path:
    vpcs, subnets, per_subnet = shape(instances)
    path = folder / f"scale-{instances}-{expects}.nd"
    path.write_text(generate(vpcs, subnets, per_subnet, expects, 1), "utf-8")
    return path


def table(rows: list[dict[str, Any]]) -> None:
    head = "".join(f"{s:>16}" for s in STAGES)
    print(f"{'instances':>10}{'lines':>9}{head}{'total s':>9}{'peak MiB':>10}{'KB/inst':>9}")
    for r in rows:
        cells = "".join(f"{r[s][0]:>8.2f}s{r[s][1]:>6.0f}M " for s in STAGES)
        total = sum(r[s][0] for s in STAGES)
        peak = r[STAGES[-1]][1]
        per = (peak - r["base_mib"]) * 1024 / max(1, r["instances"])
        print(f"{r['instances']:>10,}{r['lines']:>9,}{cells}{total:>9.2f}{peak:>10.0f}{per:>9.1f}")


def exponent(rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], float]) -> float:
    a, b = rows[0], rows[-1]
    return math.log(key(b) / key(a)) / math.log(b["instances"] / a["instances"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000,50000", help="instances, comma-separated")
    parser.add_argument("--big", action="store_true", help="add 100,000 instances")
    parser.add_argument(
        "--expects", type=int, default=20_000, help="the expect-heavy case (0: skip)"
    )
    parser.add_argument("--api", type=int, default=200, help="calls of the API loop (0: skip)")
    parser.add_argument("--api-size", type=int, default=10_000, help="instances of the API loop")
    parser.add_argument("--stages", help=argparse.SUPPRESS)  # the child process: one file
    parser.add_argument("--api-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stages:
        print(json.dumps(run_stages(Path(args.stages))))
        return 0
    if args.api_file:
        print(json.dumps(run_api(Path(args.api_file), args.api)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",")] + ([100_000] if args.big else [])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"scaling curve ({EXPECTS} expects; each cell: wall seconds, peak RSS after it)")
        rows = [child(["--stages", str(write(folder, n, EXPECTS))]) for n in sizes]
        table(rows)
        if len(rows) > 1:
            total = exponent(rows, lambda r: sum(r[s][0] for s in STAGES))
            by_stage = ", ".join(
                f"{s} {exponent(rows, lambda r, s=s: max(r[s][0], 1e-4)):.2f}" for s in STAGES
            )
            print(f"exponent: total {total:.2f} ({by_stage})")
        if args.expects:
            print(f"\nexpect-heavy: 1,000 instances, {args.expects:,} expects")
            heavy_file = write(folder, 1000, args.expects)
            heavy = child(["--stages", str(heavy_file)])
            table([heavy])
            wall, cpu = whole_check(heavy_file)
            print(
                f"{heavy['diagnostics']:,} diagnostics; the whole `netdraft check --no-cache`"
                f" process: {wall:.1f} s wall, {cpu:.1f} s CPU"
            )
        if args.api:
            print(
                f"\nAPI loop: netdraft.path internet -> instance tcp 22, {args.api_size:,} instances"
            )
            path = write(folder, args.api_size, 0)
            found = child(["--api-file", str(path), "--api", str(args.api)])
            ratio = found["api_s"] / found["bare_s"]
            print(
                f"{found['calls']} calls: path {1000 * found['api_s']:.2f} ms each,"
                f" bare trace {1000 * found['bare_s']:.2f} ms ({ratio:.1f}x)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
