"""Graphviz failures: a second, looser layout, and a message instead of a traceback."""

from __future__ import annotations

from pathlib import Path

import graphviz
import pytest

from netdraft import cli
from netdraft.generator import diagram

EXAMPLE = Path(__file__).parents[1] / "spec" / "examples" / "01-public-private-nat.nd"


def _failure() -> graphviz.CalledProcessError:
    return graphviz.CalledProcessError(1, ["dot"], stderr=b"Error: trouble in init_rank\n\t%0 3\n")


def test_a_failed_layout_is_drawn_again_without_pinned_rows(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[bool] = []
    real = diagram._draw_once

    def flaky(view: diagram.View, fmt: str, rows: bool) -> bytes:
        calls.append(rows)
        if rows:
            raise _failure()
        return real(view, fmt, rows)

    monkeypatch.setattr(diagram, "_draw_once", flaky)
    assert cli.main(["render", str(EXAMPLE), "-o", str(tmp_path / "a.svg")]) == 0
    assert calls == [True, False]
    assert (tmp_path / "a.svg").read_text("utf-8").startswith("<?xml")


def test_a_layout_that_always_fails_is_a_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(view: diagram.View, fmt: str, rows: bool) -> bytes:
        raise _failure()

    monkeypatch.setattr(diagram, "_draw_once", broken)
    code = cli.main(["render", str(EXAMPLE), "-o", str(tmp_path / "a.svg")])
    err = capsys.readouterr().err
    assert code == 1
    assert "Graphviz could not lay out the diagram: Error: trouble in init_rank" in err
    assert "Traceback" not in err
    assert not (tmp_path / "a.svg").exists()
