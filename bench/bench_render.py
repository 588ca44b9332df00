"""Diagram benchmark: ``render`` of a ~1,000-node network against Graphviz's own ``dot`` on its DOT.

netdraft's render is: simulate and price the flows, build the view, build the ``diagrams``
graph, run Graphviz, embed the icons in the SVG, write the file. The baseline is
``dot -Tsvg`` alone on the DOT text netdraft emits (run where the icon paths resolve, as
netdraft runs it). Prints the best of N runs of each, a breakdown of netdraft's own stages,
and what netdraft adds over ``dot`` (target: at most 25 %).

Usage::

    python bench/bench_render.py [--vpcs 20 --subnets 6 --instances 7] [--repeat 7]
"""

from __future__ import annotations

import argparse
import gc
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
from netdraft import api
from netdraft.generator import diagram
from netdraft.generator.view import NodeKind, view_of

TARGET_OVERHEAD = 0.25


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--vpcs", type=int, default=20)
    parser.add_argument("--subnets", type=int, default=6, help="subnets per VPC")
    parser.add_argument("--instances", type=int, default=7, help="instances per subnet")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    text = generate(args.vpcs, args.subnets, args.instances, expects=0, seed=1)
    compiled = api.compile(text, "bench.nd")
    if not compiled.ok or compiled.network is None:
        print("the generated network does not compile", file=sys.stderr)
        return 1
    network = compiled.network
    view = view_of(network)
    nodes = sum(1 for n in view.all_nodes() if n.kind is not NodeKind.SPACER)
    clusters = sum(1 for _ in view.all_clusters())
    print(
        f"network: {args.vpcs} VPCs x {args.subnets} subnets x {args.instances} instances, "
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

        # Interleaved, so that a busy machine slows both sides alike; the best run of each.
        stages: dict[str, Callable[[], Any]] = {
            "render": lambda: diagram.render(network, out),
            "render_view": lambda: diagram.render_view(view, out),
            "view": lambda: view_of(network),
            "dot_text": lambda: diagram.dot_source(view),
            "graphviz": run_dot,
        }
        wall = {name: float("inf") for name in stages}
        cpu = dict(wall)
        for _ in range(args.repeat):
            for name, run in stages.items():
                w, c, _ = best_of(1, run)
                wall[name], cpu[name] = min(wall[name], w), min(cpu[name], c)
        svg_text = raw.read_text("utf-8")
        wall["embed"], cpu["embed"], _ = best_of(
            args.repeat, lambda: diagram.embed_icons(svg_text, root)
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
    print(f"best of {args.repeat} interleaved runs:{'wall':>21}{'CPU':>23}")
    for label, key in rows:
        cells = []
        for table in (wall, cpu):
            extra = f"{table[key] / table['graphviz'] - 1:+.0%}" if label.startswith("net") else ""
            cells.append(f"{table[key] * 1000:8.1f} ms {extra:>5}")
        print(f"  {label:<38} {cells[0]}   {cells[1]}")
    print(f"SVG: {size / 1024:.0f} KiB")
    own = sum(cpu[key] for key in ("view", "dot_text", "embed"))
    print(
        f"netdraft's own stages: {own * 1000:.1f} ms CPU = {own / cpu['graphviz']:+.1%} of dot's "
        "(measured in-process; the end-to-end figures add file and process overhead and noise)"
    )
    # CPU time is the figure that a busy machine disturbs least; wall time is shown beside it.
    overhead = cpu["render"] / cpu["graphviz"] - 1
    verdict = "ok" if overhead <= TARGET_OVERHEAD else "over target"
    print(
        f"netdraft adds {overhead:+.1%} CPU time to Graphviz's, end to end "
        f"(target <= {TARGET_OVERHEAD:.0%}): {verdict}"
    )
    return 0 if overhead <= TARGET_OVERHEAD else 1


if __name__ == "__main__":
    sys.exit(main())
