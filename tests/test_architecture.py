"""The import graph: no module reaches itself through imports, lazy imports included.

import-linter (``lint-imports`` in CI, ``[tool.importlinter]`` in pyproject.toml) keeps the
layers; this test keeps every cycle out, between any two modules.
"""

from __future__ import annotations

import pytest

grimp = pytest.importorskip("grimp")


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("netdraft")
    cycles = [
        (module, imported)
        for module in sorted(graph.modules)
        for imported in sorted(graph.find_modules_directly_imported_by(module))
        if graph.chain_exists(importer=imported, imported=module)
    ]
    assert cycles == []


def test_the_simulator_and_the_front_end_do_not_import_renderers() -> None:
    graph = grimp.build_graph("netdraft")
    for low in ("netdraft.sim", "netdraft.dsl", "netdraft.model", "netdraft.diagnostics"):
        for high in ("netdraft.generator", "netdraft.api", "netdraft.cli"):
            assert not graph.chain_exists(importer=low, imported=high, as_packages=True), (
                low,
                high,
            )
