"""Graphviz failures: a second, looser layout, a message instead of a traceback, no Graphviz at all."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import graphviz
import pytest

import netdraft
from netdraft import api, cli
from netdraft.generator import diagram
from netdraft.generator.errors import GraphvizMissing, RenderError

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


# --- no Graphviz on PATH --------------------------------------------------------------------


@pytest.fixture
def no_graphviz(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A PATH that holds no program at all, so no ``dot``."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_render_without_graphviz_says_to_install_it(
    suffix: str, no_graphviz: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"a.{suffix}"
    with pytest.raises(GraphvizMissing, match="'dot' program was not found on PATH: install"):
        api.render(api.load_network(EXAMPLE), out)
    code = cli.main(["render", str(EXAMPLE), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2  # a missing tool, not an error in the network
    assert "install Graphviz" in err and "Traceback" not in err
    assert not out.exists()


def test_dot_output_needs_no_graphviz(no_graphviz: None, tmp_path: Path) -> None:
    out = tmp_path / "a.dot"
    assert cli.main(["render", str(EXAMPLE), "-o", str(out)]) == 0
    assert out.read_text("utf-8").startswith("digraph netdraft {")


def test_docs_without_graphviz_says_to_install_it_and_writes_nothing(
    no_graphviz: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    with pytest.raises(GraphvizMissing):
        api.docs(EXAMPLE, out)
    code = cli.main(["docs", str(EXAMPLE), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "install Graphviz" in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


def test_a_dot_that_cannot_be_run_is_missing_graphviz(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "bin" / "dot"
    fake.parent.mkdir()
    fake.write_text("not a program")
    fake.chmod(0o755)  # `which` finds it; running it fails (no interpreter line)
    monkeypatch.setenv("PATH", str(fake.parent))
    with pytest.raises(GraphvizMissing, match="Exec format error") as info:
        api.render(api.load_network(EXAMPLE), tmp_path / "a.svg")
    assert isinstance(info.value, RenderError)  # the CLI reports every RenderError


# --- nothing on disk while drawing ----------------------------------------------------------


def test_drawing_creates_no_temporary_file_or_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A process killed while Graphviz runs must leave nothing behind: nothing is created."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("drawing made a temporary folder")

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    monkeypatch.setattr(tempfile, "TemporaryDirectory", refused)
    net = api.load_network(EXAMPLE)
    for fmt in diagram.FORMATS:
        data = diagram.image_bytes(diagram.view_of(net), fmt)
        assert data
    assert diagram.image_bytes(diagram.view_of(net), "png")[:8] == b"\x89PNG\r\n\x1a\n"
    api.docs(EXAMPLE, tmp_path / "site")
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == [
        f"{EXAMPLE.stem}.md",
        f"{EXAMPLE.stem}.svg",
    ]


def test_image_bytes_refuses_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown image format 'gif': use dot, svg, png"):
        diagram.image_bytes(diagram.view_of(api.load_network(EXAMPLE)), "gif")


def test_the_mkdocs_plugin_without_graphviz_says_to_install_it(
    no_graphviz: None, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - netdraft\n", "utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(
        f"```netdraft\n{EXAMPLE.read_text('utf-8')}```\n", "utf-8"
    )
    with pytest.raises(Abort):  # MkDocs reports the plugin's PluginError and aborts
        build(load_config(str(tmp_path / "mkdocs.yml")))
    assert "cannot draw the block" in caplog.text and "install Graphviz" in caplog.text


def test_a_render_in_another_process_leaves_its_temporary_folder_empty(tmp_path: Path) -> None:
    """Graphviz included: nothing goes to ``TMPDIR``, so a ``kill -9`` can leave nothing there."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    src = str(Path(netdraft.__file__).parents[1])
    env = {**os.environ, "TMPDIR": str(scratch), "PYTHONPATH": src}
    out = tmp_path / "out"
    for argv in (
        ["render", str(EXAMPLE), "-o", str(out / "a.svg")],
        ["render", str(EXAMPLE), "-o", str(out / "a.png")],
        ["docs", str(EXAMPLE), "-o", str(out / "site")],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "netdraft.cli", *argv], env=env, capture_output=True, check=False
        )
        assert done.returncode == 0, done.stderr
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == ["a.png", "a.svg", "site"]
