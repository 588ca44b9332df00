"""Diagram benchmark: ``render`` of networks of ~100, ~500 and ~3,000 nodes against Graphviz's
own ``dot`` on their DOT.

netdraft's render is: simulate and price the flows, build the view, build the ``diagrams``
graph, run Graphviz, embed the icons in the SVG, write the file. The baseline is
``dot -Tsvg`` alone on the DOT text netdraft emits (run where the icon paths resolve, as
netdraft runs it). Prints the best of N runs of each, a breakdown of netdraft's own stages,
what netdraft adds over ``dot`` (target: at most 25 %; the best of each, and the median of
the rounds' own ratios, steadier on a machine whose speed drifts), and how many times one
render runs Graphviz (1: the DOT is laid out at the first try). Last, the ratio of each size.

With ``--highlight``, also a highlighted render (internet to the first public instance,
tcp 22: two Graphviz runs, ``dot`` then ``neato -n2`` on its layout) against the plain one.

Usage::

    python bench/bench_render.py [--shapes 3x4x6,10x6x7,41x8x8] [--repeat 5]
    python bench/bench_render.py --vpcs 20 --subnets 6 --instances 7
    python bench/bench_render.py --highlight
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))  # `generate` is a sibling script

from generate import generate
from netdraft import api
from netdraft.dsl.query import parse_query
from netdraft.generator import diagram
from netdraft.generator.view import NodeKind, view_of
from netdraft.model.network import Query

TARGET_OVERHEAD = 0.25
#: The networks measured by default: about 100, 500 and 3,000 nodes.
SHAPES = "3x4x6,10x6x7,41x8x8"


def cpu_seconds() -> float:
    """CPU time of this process and of the processes it waited for (Graphviz), user + system."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def best_of(repeat: int, run: Callable[[], Any]) -> tuple[float, float, Any]:
    """The shortest wall time and CPU time of ``repeat`` runs, and the last result."""
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), cpu_seconds()
        result = run()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, cpu_seconds() - start_cpu)
    return wall, cpu, result


def measure(vpcs: int, subnets: int, instances: int, repeat: int, highlight: bool = False) -> float:
    """One network's figures, printed; netdraft's end-to-end CPU time over ``dot``'s."""
    text = generate(vpcs, subnets, instances, expects=0, seed=1)
    compiled = api.compile(text, "bench.nd")
    if not compiled.ok or compiled.network is None:
        raise SystemExit("the generated network does not compile")
    network = compiled.network
    view = view_of(network)
    nodes = sum(1 for n in view.all_nodes() if n.kind is not NodeKind.SPACER)
    clusters = sum(1 for _ in view.all_clusters())
    print(
        f"network: {vpcs} VPCs x {subnets} subnets x {instances} instances, "
        f"{len(network.flows)} flows -> {nodes} nodes, {clusters} clusters, {len(view.edges)} edges"
    )

    with tempfile.TemporaryDirectory(prefix="netdraft-bench-") as tmp:
        folder = Path(tmp)
        out = folder / "net.svg"
        dot_file = folder / "net.dot"
        dot_file.write_text(diagram.dot_source(view), "utf-8")
        raw = folder / "raw.svg"
        command = ["dot", "-Tsvg", str(dot_file), "-o", str(raw)]
        root = diagram._resources_root()  # where the DOT's relative icon paths resolve

        def run_dot() -> None:
            subprocess.run(command, cwd=root, check=True, capture_output=True)

        runs = graphviz_runs(lambda: diagram.render(network, out))
        # Interleaved, so that a busy machine slows both sides alike; the best run of each.
        stages: dict[str, Callable[[], Any]] = {
            "render": lambda: diagram.render(network, out),
            "render_view": lambda: diagram.render_view(view, out),
            "view": lambda: view_of(network),
            "dot_text": lambda: diagram.dot_source(view),
            "graphviz": run_dot,
        }
        if highlight:
            query = parse_query(network, "internet", "v0-public-a-0", "tcp", "22")
            if not isinstance(query, Query):
                raise SystemExit("the generated network has no v0-public-a-0")
            # Into a file of its own: ``out`` is the plain picture, whose size is printed.
            lit = folder / "highlighted.svg"
            stages["highlight"] = lambda: diagram.render(network, lit, highlight=query)
        wall = {name: float("inf") for name in stages}
        cpu = dict(wall)
        paired: list[float] = []  # each round's render CPU over the same round's dot's
        for _ in range(repeat):
            this_round: dict[str, float] = {}
            for name, run in stages.items():
                w, c, _ = best_of(1, run)
                wall[name], cpu[name] = min(wall[name], w), min(cpu[name], c)
                this_round[name] = c
            paired.append(this_round["render"] / this_round["graphviz"])
        svg_text = raw.read_text("utf-8")
        wall["embed"], cpu["embed"], _ = best_of(
            repeat, lambda: diagram.embed_icons(svg_text, root)
        )
        size = out.stat().st_size

    rows = [
        ("netdraft render -> SVG, end to end", "render"),
        ("  simulate + price flows, build view", "view"),
        ("  build diagrams graph, DOT text", "dot_text"),
        ("  embed icons in the SVG", "embed"),
        ("netdraft render of the built view", "render_view"),
        ("dot -Tsvg on the emitted DOT", "graphviz"),
    ]
    print(f"best of {repeat} interleaved runs:{'wall':>21}{'CPU':>23}")
    for label, key in rows:
        cells = []
        for table in (wall, cpu):
            extra = f"{table[key] / table['graphviz'] - 1:+.0%}" if label.startswith("net") else ""
            cells.append(f"{table[key] * 1000:8.1f} ms {extra:>5}")
        print(f"  {label:<38} {cells[0]}   {cells[1]}")
    print(f"SVG: {size / 1024:.0f} KiB; Graphviz runs per render: {runs}")
    if highlight:
        print(
            f"highlighted render (dot, then neato -n2): {wall['highlight'] * 1000:.1f} ms wall, "
            f"{cpu['highlight'] / cpu['render']:.2f}x the plain render's CPU"
        )
    print(
        f"render / dot, CPU, round by round: median {statistics.median(paired):.2f}x "
        f"(from {min(paired):.2f}x to {max(paired):.2f}x over {len(paired)} rounds)"
    )
    own = sum(cpu[key] for key in ("view", "dot_text", "embed"))
    print(
        f"netdraft's own stages: {own * 1000:.1f} ms CPU = {own / cpu['graphviz']:+.1%} of dot's "
        "(measured in-process; the end-to-end figures add file and process overhead and noise)"
    )
    # CPU time is the figure that a busy machine disturbs least; wall time is shown beside it.
    return float(cpu["render"] / cpu["graphviz"])


def graphviz_runs(render: Callable[[], Any]) -> int:
    """How many times one render runs Graphviz (1, unless its first DOT is refused)."""
    calls = 0
    real = subprocess.run

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    subprocess.run = counting  # type: ignore[assignment]
    try:
        render()
    finally:
        subprocess.run = real  # type: ignore[assignment]
    return calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--shapes", default=SHAPES, help="VPCSxSUBNETSxINSTANCES per subnet, comma-separated"
    )
    parser.add_argument("--vpcs", type=int, help="one network of this shape instead")
    parser.add_argument("--subnets", type=int, default=6, help="subnets per VPC (with --vpcs)")
    parser.add_argument("--instances", type=int, default=7, help="instances per subnet (--vpcs)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--highlight", action="store_true", help="also time a highlighted render of each"
    )
    args = parser.parse_args(argv)
    shapes = (
        [(args.vpcs, args.subnets, args.instances)]
        if args.vpcs
        else [tuple(int(n) for n in shape.split("x")) for shape in args.shapes.split(",")]
    )
    ratios = []
    for shape in shapes:
        vpcs, subnets, instances = shape
        ratios.append((shape, measure(vpcs, subnets, instances, args.repeat, args.highlight)))
        print()
    ok = True
    for (vpcs, subnets, instances), ratio in ratios:
        verdict = "ok" if ratio <= 1 + TARGET_OVERHEAD else "over target"
        ok = ok and ratio <= 1 + TARGET_OVERHEAD
        print(
            f"{vpcs}x{subnets}x{instances}: render / dot = {ratio:.2f}x CPU "
            f"(target <= {1 + TARGET_OVERHEAD:.2f}x): {verdict}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
