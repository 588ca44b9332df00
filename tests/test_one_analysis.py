"""One analysis per command: ``netdraft docs`` compiles once and traces each query once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from netdraft import cli
from netdraft.model.network import Query
from netdraft.sim.path import Simulator

EXAMPLE = Path(__file__).parent / "spec" / "examples" / "01-public-private-nat.nd"


def test_docs_compiles_once_and_traces_each_query_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import netdraft.dsl.compile as compile_module  # api imports it when it compiles

    compiled: list[str] = []
    traced: Counter[Query] = Counter()
    compile_source = compile_module.compile_source
    trace = Simulator.trace

    def counting_compile(tree, *args, **kwargs):  # type: ignore[no-untyped-def]
        compiled.append("x")
        return compile_source(tree, *args, **kwargs)

    def counting_trace(self: Simulator, query: Query):  # type: ignore[no-untyped-def]
        traced[query] += 1
        return trace(self, query)

    monkeypatch.setattr(compile_module, "compile_source", counting_compile)
    monkeypatch.setattr(Simulator, "trace", counting_trace)
    assert cli.main(["docs", str(EXAMPLE), "-o", str(tmp_path)]) == 0
    capsys.readouterr()
    assert compiled == ["x"]
    assert traced and max(traced.values()) == 1, traced.most_common(3)
