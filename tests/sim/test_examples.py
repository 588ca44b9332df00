"""The spec examples: every one checks clean, and every `expect` in them can fail.

The mutation tests flip one expectation at a time (allow ↔ deny, a cost one cent off) and
require ``check`` to report ``expect-failed`` at exactly that line: proof that the checks
run and would catch a simulator that answered the other way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from netdraft import api
from netdraft.generator.outcomes import path_problem
from netdraft.model.network import PathExpectation
from netdraft.sim.expectations import PathOutcome, check_path, path_query
from netdraft.sim.path import trace

EXAMPLES = sorted((Path(__file__).parents[1] / "spec" / "examples").glob("*.nd"))

#: An `expect` path line: the verdict, then optional `via NAME` / `because CODE`, a comment.
PATH_EXPECT = re.compile(
    r"^(?P<head>\s*expect\s+(?!cost\b).*?\s)(?P<verdict>allow|deny)"
    r"(?P<tail>(?:\s+(?:via|because)\s+\S+)*)(?P<comment>\s*(?:#.*)?)$"
)
COST_EXPECT = re.compile(
    r"^(?P<head>\s*expect\s+cost\s+\S+\s*(?:<=|<|=)\s*)(?P<amount>\d+(?:\.\d+)?)"
)


def _lines(kind: re.Pattern[str]) -> list[tuple[Path, int]]:
    found = []
    for path in EXAMPLES:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if kind.match(line):
                found.append((path, number))
    return found


PATH_LINES = _lines(PATH_EXPECT)
COST_LINES = _lines(COST_EXPECT)


def _id(item: tuple[Path, int]) -> str:
    return f"{item[0].stem}:{item[1]}"


def test_examples_are_there() -> None:
    assert len(EXAMPLES) >= 8
    assert len(PATH_LINES) >= 30 and len(COST_LINES) >= 10


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_checks_clean(path: Path) -> None:
    result = api.check(path)
    assert result.ok, [d.message for d in result.diagnostics]
    assert not [d for d in result.diagnostics if d.is_error]
    written = sum(1 for p, _ in (*PATH_LINES, *COST_LINES) if p == path)
    assert result.expectations_checked == written


@pytest.mark.parametrize("item", PATH_LINES, ids=_id)
def test_expectation_holds(item: tuple[Path, int]) -> None:
    path, line = item
    network = api.load_network(path)
    [exp] = [e for e in network.expectations if e.span.line == line]
    assert isinstance(exp, PathExpectation)
    t = trace(network, path_query(exp))
    mismatch = check_path(t, exp)
    assert mismatch is None, path_problem(PathOutcome(exp, t, mismatch))
    assert t.verdict is exp.verdict
    if exp.because is not None:
        assert t.code is not None and t.code.value == exp.because


def flip_verdict(line: str) -> str:
    """``allow`` ↔ ``deny``, dropping ``via``/``because`` (``because`` only goes with deny)."""
    found = PATH_EXPECT.match(line)
    assert found is not None, line
    other = "deny" if found["verdict"] == "allow" else "allow"
    return f"{found['head']}{other}{found['comment']}"


def cent_off(line: str) -> str:
    found = COST_EXPECT.match(line)
    assert found is not None, line
    amount = Decimal(found["amount"]) + Decimal("0.01")
    return f"{found['head']}{amount:.2f}{line[found.end() :]}"


def _check_mutant(path: Path, line: int, mutate: Callable[[str], str], tmp_path: Path) -> None:
    lines = path.read_text("utf-8").splitlines(keepends=True)
    original = lines[line - 1].rstrip("\n")
    lines[line - 1] = mutate(original) + "\n"
    assert lines[line - 1].rstrip("\n") != original
    mutant = tmp_path / path.name
    mutant.write_text("".join(lines), "utf-8")
    result = api.check(mutant)
    errors = [d for d in result.diagnostics if d.is_error]
    assert not result.ok
    assert [(d.code, d.span.line) for d in errors] == [("expect-failed", line)], [
        (d.code, d.span.line, d.message) for d in errors
    ]


@pytest.mark.parametrize("item", PATH_LINES, ids=_id)
def test_flipped_verdict_fails(item: tuple[Path, int], tmp_path: Path) -> None:
    path, line = item
    _check_mutant(path, line, flip_verdict, tmp_path)


@pytest.mark.parametrize("item", COST_LINES, ids=_id)
def test_cost_a_cent_off_fails(item: tuple[Path, int], tmp_path: Path) -> None:
    path, line = item
    text = path.read_text("utf-8").splitlines()[line - 1]
    if "<" in text:
        pytest.skip("a bound, not an amount")  # no example uses one today
    _check_mutant(path, line, cent_off, tmp_path)


@pytest.mark.parametrize(
    ("line", "flipped"),
    [
        ("expect a -> b tcp 22 allow", "expect a -> b tcp 22 deny"),
        ("expect a -> b tcp 22 allow via igw  # why", "expect a -> b tcp 22 deny  # why"),
        ("expect a -> b icmp deny because NO_PUBLIC_IP", "expect a -> b icmp allow"),
        ("expect allow -> deny tcp 1 deny", "expect allow -> deny tcp 1 allow"),
    ],
)
def test_flip_verdict(line: str, flipped: str) -> None:
    assert flip_verdict(line) == flipped
