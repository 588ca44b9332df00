"""The benchmark's network generator: its output compiles cleanly and is the same for a seed."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from netdraft import api

GENERATE = Path(__file__).parents[1] / "bench" / "generate.py"


def load_generator() -> ModuleType:
    """``bench/`` is a folder of scripts, not a package: load the file itself."""
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


gen = load_generator()


@pytest.mark.parametrize(
    ("vpcs", "subnets", "instances", "expects", "seed"),
    [(1, 1, 0, 0, 1), (1, 2, 1, 3, 2), (3, 4, 2, 10, 3), (5, 10, 3, 40, 4), (12, 20, 2, 30, 5)],
)
def test_generated_network_compiles_without_errors(
    vpcs: int, subnets: int, instances: int, expects: int, seed: int
) -> None:
    text = gen.generate(vpcs, subnets, instances, expects, seed)
    compiled = api.compile(text, "generated.nd")
    assert compiled.ok, [d.headline() for d in compiled.diagnostics if d.is_error]
    network = compiled.network
    assert network is not None
    assert len(network.vpcs) == vpcs
    assert all(len(v.subnets) == subnets for v in network.vpcs.values())
    assert sum(len(v.instances) for v in network.vpcs.values()) == vpcs * subnets * instances
    assert all(
        set(t.attachments) >= {v.name for v in network.vpcs.values() if v.region == t.region}
        for t in network.transit_gateways.values()
    )
    assert text.count("\nexpect ") == expects + 1  # and one cost expectation


def test_same_seed_same_text_other_seed_other_text() -> None:
    assert gen.generate(4, 6, 3, 20, 7) == gen.generate(4, 6, 3, 20, 7)
    assert gen.generate(4, 6, 3, 20, 7) != gen.generate(4, 6, 3, 20, 8)


@pytest.mark.parametrize(
    ("vpcs", "subnets", "instances"), [(0, 1, 1), (256, 1, 1), (1, 0, 1), (1, 1, 241)]
)
def test_sizes_the_address_plan_cannot_hold(vpcs: int, subnets: int, instances: int) -> None:
    with pytest.raises(ValueError):
        gen.generate(vpcs, subnets, instances, 0, 1)


def test_command_line_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "net.nd"
    argv = ["--vpcs", "2", "--subnets", "3", "--instances", "2", "--expects", "5", "-o", str(out)]
    assert gen.main(argv) == 0
    assert out.read_text("utf-8") == gen.generate(2, 3, 2, 5, 1)


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")
@pytest.mark.parametrize(("vpcs", "subnets", "instances"), [(3, 4, 5), (10, 6, 7)])
def test_graphviz_lays_generated_networks_out_in_one_run(
    vpcs: int, subnets: int, instances: int
) -> None:
    """The networks whose first DOT Graphviz refused ("trouble in init_rank"): labels on
    path edges made it, and they are ``xlabel``s now, so the first run draws them."""
    from netdraft.generator import diagram
    from netdraft.generator.view import view_of

    compiled = api.compile(gen.generate(vpcs, subnets, instances, 0, 1), "bench.nd")
    assert compiled.network is not None
    svg = diagram._draw_once(view_of(compiled.network), "svg", rows=True)
    assert b"<svg" in svg
