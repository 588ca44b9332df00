"""What every IaC import fixture must satisfy (Terraform and CloudFormation alike): its
output equals the committed ``expected.nd`` (rewritten under ``NETDRAFT_UPDATE_GOLDEN=1``),
compiles, is in ``fmt``'s layout, and passes the hand-derived ``checks.nd`` beside it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from hypothesis.strategies import SearchStrategy

from netdraft import api, importer
from netdraft.cli import main
from netdraft.dsl.fmt import format_text
from netdraft.importer.aws_json import DumpError

UPDATE_GOLDEN = os.environ.get("NETDRAFT_UPDATE_GOLDEN") == "1"


def check_golden(result: importer.Imported, folder: Path) -> None:
    golden = folder / "expected.nd"
    if UPDATE_GOLDEN:
        golden.write_text(result.text, "utf-8")
    assert result.text == golden.read_text("utf-8")


def check_compiles_formatted_and_passes(result: importer.Imported, folder: Path) -> None:
    text = result.text
    assert api.compile(text, "expected.nd").ok
    assert format_text(text)[0] == text
    assert main(["check", str(folder / "checks.nd")]) == 0


def broken_inputs(
    originals: Iterable[str], broken: SearchStrategy[Any], max_examples: int
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The IaC fuzzers' draws: ``which`` of the original inputs, and ``picks`` for
    ``break_json`` (a value by number, whether to drop it, what to plant there)."""

    def wrap(test: Callable[..., None]) -> Callable[..., None]:
        drawn = given(
            which=hs.sampled_from(sorted(originals)),
            picks=hs.lists(hs.tuples(hs.integers(0, 10**6), hs.booleans(), broken), max_size=6),
        )(test)
        return settings(
            max_examples=max_examples,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )(drawn)

    return wrap


def check_imports_or_refuses(read: Callable[[], importer.Imported]) -> None:
    """A broken input is refused (:class:`DumpError`), or gives a file in the canonical
    layout that the compiler reads without raising (it may not compile: warnings say why)."""
    try:
        result = read()
    except DumpError:
        return
    api.compile(result.text, "broken.nd")  # it may not compile; it must not raise
    assert format_text(result.text)[0] == result.text  # it parses, in the canonical layout
