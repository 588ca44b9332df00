"""``api.compile_many`` (what ``netdraft diff`` compiles its two versions with): the same
results as one compile after the other, in a second process only when it pays (two texts
to compile, more than one CPU, a big text), and every fallback: one CPU, ``NETDRAFT_JOBS=1``,
a child that cannot start or fails, the block raising; no process is left behind."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from netdraft import api, cache
from netdraft.cli import main
from tiny_network import NEW, OLD

EXAMPLES = Path(__file__).parent / "spec" / "examples"

BROKEN = OLD.replace("subnet pub 10.0.0.0/24", "subnet pub 10.9.0.0/24")


def children() -> set[int]:
    """The processes this one started that are still there (Linux)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("PPid:") and int(line.split()[1]) == os.getpid():
                found.add(int(entry.name))
    return found


@pytest.fixture
def small_is_big(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Every text counts as big enough for a process; the list counts the processes."""
    monkeypatch.setattr(api, "PARALLEL_MIN_CHARS", 0)
    started: list[int] = []
    real = api._child_compile

    def counted(*args: object) -> object:
        started.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "_child_compile", counted)
    yield started
    if sys.platform.startswith("linux"):
        assert not children(), "a child process was left behind"


def jobs_of(*texts: str) -> list[tuple[str, str]]:
    return [(t, f"v{n}.nd") for n, t in enumerate(texts)]


def serial(jobs: list[tuple[str, str]]) -> list[api.Compiled]:
    return [api.compile(t, p) for t, p in jobs]


@pytest.mark.parametrize(
    "texts",
    [(OLD, NEW), (NEW, OLD), (OLD, BROKEN), ("vpc {", OLD), (OLD, NEW, BROKEN)],
    ids=["two", "reversed", "errors", "syntax error", "three"],
)
def test_side_by_side_gives_what_one_after_the_other_gives(
    small_is_big: list[int], texts: tuple[str, ...]
) -> None:
    jobs = jobs_of(*texts)
    found = api.compile_many(jobs, workers=len(jobs))
    assert small_is_big, "no second process was started"
    assert found == serial(jobs)


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.nd"))[:6], ids=lambda p: p.stem)
def test_examples_compile_alike_in_a_child(small_is_big: list[int], example: Path) -> None:
    text = example.read_text(encoding="utf-8")
    jobs = [(text, str(example)), (OLD, "small.nd")]  # the smaller goes to the child
    assert api.compile_many(jobs, workers=2) == serial(jobs)
    assert len(small_is_big) == 1


def test_includes_are_read_by_the_child_from_the_same_folder(
    small_is_big: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "part.nd").write_text(
        "region us-west-2 {\n  vpc p 10.5.0.0/16 {\n    subnet s 10.5.0.0/24 az us-west-2a\n  }\n}\n"
    )
    main_text = 'include "part.nd"\n' + OLD
    jobs = [(main_text, "main.nd"), (main_text + "\n", "other.nd")]
    found = api.compile_many(jobs, workers=2)
    assert small_is_big
    assert found == serial(jobs)
    assert found[1].ok, found[1].diagnostics
    assert found[1].included == (("part.nd", (tmp_path / "part.nd").read_text()),)


@pytest.mark.parametrize(
    ("cpus", "load", "workers"),
    [(1, 0.0, 1), (2, 0.0, 2), (2, 0.9, 2), (2, 1.2, 1), (2, 5.0, 1), (4, 1.5, 3), (4, 0.0, 4)],
)
def test_the_workers_are_the_idle_cpus(
    monkeypatch: pytest.MonkeyPatch, cpus: int, load: float, workers: int
) -> None:
    monkeypatch.delenv(api.JOBS_VARIABLE, raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: set(range(cpus)), raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load), raising=False)
    assert api.parallel_workers() == workers


def test_one_cpu_compiles_one_after_the_other(
    small_is_big: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0}, raising=False)
    monkeypatch.delenv(api.JOBS_VARIABLE, raising=False)
    assert api.parallel_workers() == 1
    jobs = jobs_of(OLD, NEW)
    assert api.compile_many(jobs) == serial(jobs)
    assert not small_is_big


def test_the_environment_chooses_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(api.JOBS_VARIABLE, "1")
    assert api.parallel_workers() == 1
    monkeypatch.setenv(api.JOBS_VARIABLE, "3")
    assert api.parallel_workers() == 3
    monkeypatch.setenv(api.JOBS_VARIABLE, "none")  # not a number: the idle CPUs
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.1, 0.1, 0.1), raising=False)
    assert api.parallel_workers() == 2


def test_small_texts_are_not_worth_a_process(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[int] = []
    monkeypatch.setattr(api, "_child_compile", lambda *a: called.append(1))
    jobs = jobs_of(OLD, NEW)
    assert len(OLD) < api.PARALLEL_MIN_CHARS
    assert api.compile_many(jobs, workers=2) == serial(jobs)
    assert not called


def test_a_child_that_fails_is_compiled_here(
    small_is_big: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "_CHILD_PROGRAM", "import sys; sys.stdin.read(); sys.exit(3)")
    jobs = jobs_of(OLD, NEW)
    assert api.compile_many(jobs, workers=2) == serial(jobs)
    assert small_is_big


def test_a_child_that_writes_nonsense_is_compiled_here(
    small_is_big: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    program = "import sys; sys.stdin.buffer.read(); sys.stdout.buffer.write(b'1garbage')"
    monkeypatch.setattr(api, "_CHILD_PROGRAM", program)
    jobs = jobs_of(OLD, NEW)
    assert api.compile_many(jobs, workers=2) == serial(jobs)


def test_a_child_that_cannot_start_is_compiled_here(
    small_is_big: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    jobs = jobs_of(OLD, NEW)
    assert api.compile_many(jobs, workers=2) == serial(jobs)
    assert small_is_big


def test_when_the_parent_fails_the_child_is_ended(
    small_is_big: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: object) -> api.Compiled:
        raise RuntimeError("the parent's own compile failed")

    monkeypatch.setattr(api, "_compile_missed", failing)
    with pytest.raises(RuntimeError):
        api.compile_many(jobs_of(OLD, NEW), workers=2)
    # the fixture checks that no process is left


def test_the_cache_keeps_what_the_child_compiled(small_is_big: list[int], tmp_path: Path) -> None:
    where = cache.Store(tmp_path / "store", b"k" * 32)
    jobs = jobs_of(OLD, NEW)
    with api.compile_cache(store=where):
        first = api.compile_many(jobs, workers=2)
        assert (where.hits, where.misses) == (0, 2)
        again = api.compile_many(jobs, workers=2)  # both from the cache: no process
        assert (where.hits, where.misses) == (2, 2)
        one = api.compile(*jobs[1])  # what the child compiled, as compile finds it
    assert len(small_is_big) == 1
    assert first == again == serial(jobs)
    assert one == first[1]


def test_diff_prints_the_same_side_by_side_and_one_after_the_other(
    small_is_big: list[int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "old.nd").write_text(OLD)
    (tmp_path / "new.nd").write_text(NEW)
    outputs = []
    for jobs in ("2", "1"):
        monkeypatch.setenv(api.JOBS_VARIABLE, jobs)
        for fmt in ("md", "json"):
            code = main(
                [
                    "diff",
                    str(tmp_path / "old.nd"),
                    str(tmp_path / "new.nd"),
                    "--no-cache",
                    "--format",
                    fmt,
                ]
            )
            outputs.append((code, capsys.readouterr().out))
    assert len(small_is_big) == 2  # twice in a child (md, json), never with NETDRAFT_JOBS=1
    assert outputs[:2] == outputs[2:]
    assert "8443" in outputs[0][1]


def test_diff_reports_the_old_versions_errors_first(
    small_is_big: list[int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "old.nd").write_text(BROKEN)
    (tmp_path / "new.nd").write_text(BROKEN.replace("tcp 443", "tcp 8443"))
    assert main(["diff", str(tmp_path / "old.nd"), str(tmp_path / "new.nd"), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert "old.nd" in err and "new.nd" not in err
    (tmp_path / "old.nd").write_text(OLD)
    assert main(["diff", str(tmp_path / "old.nd"), str(tmp_path / "missing.nd")]) == 2
    assert "no such file: " in capsys.readouterr().err


def test_the_child_imports_nothing_from_the_working_folder(
    small_is_big: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `netdraft diff` runs in a checked-out pull request: a pickle.py there must not run
    # (the console script's own sys.path holds no working folder; `python -c` would).
    marker = tmp_path / "ran"
    (tmp_path / "pickle.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    jobs = jobs_of(OLD, NEW)
    assert api.compile_many(jobs, workers=2) == serial(jobs)
    assert small_is_big
    assert not marker.exists(), "the child ran a module of the working folder"
