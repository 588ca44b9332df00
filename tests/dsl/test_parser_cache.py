"""The parser's tables are kept in the user's cache folder, written whole, and read back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lark import Token

from netdraft.dsl import parse

SOURCE = "# a comment\nregion us-east-1 {\n  vpc a 10.0.0.0/16 {\n  }\n}\n"
#: Builds the parser in a fresh process and prints what it makes of SOURCE.
PROGRAM = (
    "from netdraft.dsl.parse import parse\n"
    f"tree, problems = parse({SOURCE!r}, 'x.nd')\n"
    "print(tree.statements, tree.comments, problems)\n"
)


def run(cache: str) -> str:
    env = {**os.environ, parse.CACHE_VARIABLE: cache}
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True, check=True
    )
    assert done.stderr == ""
    return done.stdout


def test_the_tables_are_written_once_and_parse_as_freshly_built_ones(tmp_path: Path) -> None:
    fresh = run("")  # no cache: the tables are built
    assert run(str(tmp_path)) == fresh
    (table,) = tmp_path.iterdir()  # one file, renamed into place: no temporary left
    assert table.name.startswith("lark-") and table.suffix == ".tables"
    stamp = table.stat().st_mtime_ns
    assert run(str(tmp_path)) == fresh  # read back, not written again
    assert table.stat().st_mtime_ns == stamp


def test_a_damaged_table_file_costs_a_rebuild_not_a_failure(tmp_path: Path) -> None:
    fresh = run("")
    run(str(tmp_path))
    (table,) = tmp_path.iterdir()
    table.write_bytes(b"not a table")
    assert run(str(tmp_path)) == fresh


@pytest.mark.parametrize("value", ["", "relative/folder"])
def test_no_cache_folder_when_it_is_turned_off_or_not_absolute(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(parse.CACHE_VARIABLE, value)
    assert parse.table_cache() is None


def test_the_default_folder_is_the_user_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(parse.CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert parse.table_cache() == tmp_path / "netdraft"


class _RunsCode:
    """A pickle that runs a program when it is read: what someone who can write the cache
    folder (a CI cache restored from another branch) could put in place of the tables."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (exec, (f"open({str(self.marker)!r}, 'w').write('ran')",))


def test_a_table_file_not_signed_here_is_never_unpickled(tmp_path: Path) -> None:
    import pickle

    folder = tmp_path / "cache"
    fresh = run("")
    run(str(folder))
    (table,) = folder.iterdir()
    marker = tmp_path / "ran"
    table.write_bytes(pickle.dumps(_RunsCode(marker)))
    assert run(str(folder)) == fresh  # the tables are built anew
    assert not marker.exists()
    # and kept signed: read back on the next run, not built again
    stamp = table.stat().st_mtime_ns
    assert run(str(folder)) == fresh
    assert table.stat().st_mtime_ns == stamp and not marker.exists()


def test_tables_read_back_use_the_lexer_callbacks_of_the_code_reading_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tables' file keeps the lexer's callbacks: a netdraft whose callbacks changed (one
    more, or another function) must lex with its own, not with those the file was saved
    with (and a callback that cannot be kept in the file costs the cache, not the run).

    ``parser.__wrapped__`` builds or reads a parser without touching the process's own
    (whose LALR state numbers the syntax catalogue is keyed by)."""
    monkeypatch.setenv(parse.CACHE_VARIABLE, str(tmp_path))
    parse.parser.__wrapped__()  # built, and kept in tmp_path
    names: list[str] = []

    def on_name(token: Token) -> Token:
        names.append(str(token))
        return token

    monkeypatch.setattr(
        parse, "_lexer_callbacks", lambda: {"COMMENT": parse._on_comment, "NAME": on_name}
    )
    loaded = parse.parser.__wrapped__()
    loaded.parse("region us-east-1 {\n  vpc app 10.0.0.0/16 { }\n}\n")
    assert names == ["us-east-1", "app"]


def test_the_tables_are_never_written_through_a_link_planted_in_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone who can write the cache folder can guess a temporary name made of the
    process's and thread's ids: a link planted there must not make netdraft write the
    tables over the file it points at."""
    import threading

    folder = tmp_path / "cache"
    monkeypatch.setenv(parse.CACHE_VARIABLE, str(folder))
    parse.parser.__wrapped__()
    (table,) = folder.iterdir()
    table.unlink()
    victim = tmp_path / "victim"
    victim.write_text("precious")
    planted = table.with_name(f"{table.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    planted.symlink_to(victim)
    parse.parser.__wrapped__().parse('title "t"\n')
    assert victim.read_text() == "precious"
    assert table.is_file() and not table.is_symlink()  # kept all the same


def test_a_table_file_is_signed_for_its_own_key() -> None:
    """A file signed here for other tables (another grammar, Lark or Python), renamed to
    these tables' name by someone who can write the folder, is not read as them."""
    secret = b"k" * 32
    sealed = parse._sealed(secret, "these", b"tables")
    assert parse._unsealed(secret, "these", sealed) == b"tables"
    assert parse._unsealed(secret, "other", sealed) is None
    assert parse._unsealed(b"x" * 32, "these", sealed) is None
    assert parse._unsealed(secret, "these", sealed[:-1]) is None
    assert parse._unsealed(secret, "these", b"") is None
