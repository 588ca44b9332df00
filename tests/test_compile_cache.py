"""The cache of compiled networks (netdraft.cache, api.compile_cache): a hit gives what a
compile gives, and only while every file read is unchanged; entries nobody signed here
are never read; the store is pruned by size; the CLI uses it unless told not to."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from netdraft import api, cache, cli
from netdraft.model.network import Instance

NET = """\
region us-east-1 {
  vpc main 10.0.0.0/16 {
    subnet app 10.0.1.0/24 az us-east-1a
    instance web in app
  }
}
expect web -> 10.0.1.5 tcp 80 deny
"""


def store(tmp_path: Path, key: bytes = b"k" * 32) -> cache.Store:
    return cache.Store(tmp_path / "store", key)


def compiled(path: Path, where: cache.Store) -> api.Compiled:
    with api.compile_cache(store=where):
        return api.load(path)


def instances_of(result: api.Compiled) -> list[Instance]:
    assert result.network is not None
    return [i for v in result.network.vpcs.values() for i in v.instances.values()]


def facts(result: api.Compiled) -> tuple[object, ...]:
    """What a command reads of a compile: the diagnostics and the network's instances."""
    assert result.network is not None
    instances = [(i.name, str(i.ip)) for i in instances_of(result)]
    return (tuple(d.headline() for d in result.diagnostics), instances, result.included)


def test_an_unchanged_file_is_taken_from_the_cache(tmp_path: Path) -> None:
    file = tmp_path / "net.nd"
    file.write_text(NET)
    where = store(tmp_path)
    first = compiled(file, where)
    second = compiled(file, where)
    assert (where.misses, where.hits) == (1, 1)
    assert facts(second) == facts(first)


def test_a_changed_file_is_compiled_again(tmp_path: Path) -> None:
    file = tmp_path / "net.nd"
    file.write_text(NET)
    where = store(tmp_path)
    compiled(file, where)
    file.write_text(
        NET.replace("instance web in app", "instance web in app\n    instance db in app")
    )
    again = compiled(file, where)
    assert where.hits == 0 and again.network is not None
    assert "db" in [i.name for i in instances_of(again)]


def test_a_changed_included_file_is_compiled_again(tmp_path: Path) -> None:
    (tmp_path / "aws.nd").write_text(NET.replace("expect web -> 10.0.1.5 tcp 80 deny\n", ""))
    top = tmp_path / "net.nd"
    top.write_text('include "aws.nd"\nexpect web -> 10.0.1.5 tcp 80 deny\n')
    where = store(tmp_path)
    compiled(top, where)
    assert compiled(top, where).ok and where.hits == 1
    (tmp_path / "aws.nd").write_text(NET.replace("instance web in app", "instance www in app"))
    changed = compiled(top, where)
    assert where.hits == 1  # not taken from the cache
    assert not changed.ok and any("web" in d.headline() for d in changed.diagnostics)


def test_a_missing_included_file_is_never_cached(tmp_path: Path) -> None:
    top = tmp_path / "net.nd"
    top.write_text('include "aws.nd"\nexpect web -> 10.0.1.5 tcp 80 deny\n')
    where = store(tmp_path)
    assert not compiled(top, where).ok
    (tmp_path / "aws.nd").write_text(NET.replace("expect web -> 10.0.1.5 tcp 80 deny\n", ""))
    assert compiled(top, where).ok and where.hits == 0


def test_the_same_text_read_from_another_folder_is_another_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An include is relative to the file's folder: the key holds the folder it is read from.
    for folder, name in (("a", "web"), ("b", "www")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "aws.nd").write_text(NET.replace("instance web", f"instance {name}"))
        (tmp_path / folder / "net.nd").write_text('include "aws.nd"\n')
    where = store(tmp_path)
    found = []
    for folder in ("a", "b"):
        monkeypatch.chdir(tmp_path / folder)
        result = compiled(Path("net.nd"), where)
        assert result.network is not None
        found.append([i.name for i in instances_of(result)])
    assert found == [["web"], ["www"]] and where.hits == 0


def test_an_entry_not_signed_with_this_machines_secret_is_not_read(tmp_path: Path) -> None:
    file = tmp_path / "net.nd"
    file.write_text(NET)
    where = store(tmp_path)
    compiled(file, where)
    (entry,) = [p for p in (tmp_path / "store").rglob("*") if p.is_file()]
    data = bytearray(entry.read_bytes())
    data[-1] ^= 1  # tampered
    entry.write_bytes(bytes(data))
    assert compiled(file, where).ok and where.hits == 0
    other = store(tmp_path, b"o" * 32)  # the same folder, another secret: other names
    compiled(file, other)
    assert other.hits == 0


def test_the_store_is_pruned_least_recently_used_first(tmp_path: Path) -> None:
    import os

    where = store(tmp_path)
    for n in range(4):
        where.put(f"key {n}", bytes(1000))
        path = where._file(f"key {n}")
        os.utime(path, (n * 100, n * 100))  # key 0 the oldest
    assert where.get("key 0") is not None  # used now: the newest
    assert where.prune(limit=2800) == 2  # 4 entries of 1,032 bytes, down to 2,100
    assert where.get("key 0") is not None and where.get("key 3") is not None
    assert where.get("key 1") is None and where.get("key 2") is None


def test_no_cache_folder_means_a_store_that_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETDRAFT_CACHE_DIR", "")
    where = cache.Store(key=b"k" * 32)
    file = tmp_path / "net.nd"
    file.write_text(NET)
    assert where.folder is None and compiled(file, where).ok and compiled(file, where).ok
    assert where.hits == 0 and where.size() == 0


def test_a_store_that_cannot_be_written_never_fails_a_compile(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    where = cache.Store(blocked / "store", b"k" * 32)
    file = tmp_path / "net.nd"
    file.write_text(NET)
    assert compiled(file, where).ok and compiled(file, where).ok and where.hits == 0


def test_commands_use_the_cache_unless_told_not_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("NETDRAFT_NO_CACHE", raising=False)
    monkeypatch.setenv("NETDRAFT_CACHE_DIR", str(tmp_path / "entries"))
    file = tmp_path / "net.nd"
    file.write_text(NET)

    def entries() -> int:
        return sum(1 for p in (tmp_path / "entries" / "compiled").rglob("*") if p.is_file())

    assert cli.main(["check", "--no-cache", str(file)]) == 0
    monkeypatch.setenv("NETDRAFT_NO_CACHE", "1")
    assert cli.main(["check", str(file)]) == 0
    assert not (tmp_path / "entries" / "compiled").exists()
    monkeypatch.delenv("NETDRAFT_NO_CACHE")
    capsys.readouterr()
    assert cli.main(["check", str(file)]) == 0 and entries() == 1
    first = capsys.readouterr().out
    assert cli.main(["check", str(file)]) == 0 and entries() == 1
    assert capsys.readouterr().out == first


@pytest.mark.parametrize(("no_cache", "front_end_loaded"), [(False, False), (True, True)])
def test_a_cache_hit_does_not_import_the_front_end(
    tmp_path: Path, no_cache: bool, front_end_loaded: bool
) -> None:
    """The start-up cost of ``check`` (issue 20): Lark, the syntax tree and the compiler
    are imported only when a file is parsed, so a hit does without them."""
    import os
    import subprocess
    import sys

    path = tmp_path / "net.nd"
    path.write_text(NET)
    probe = (
        "import sys\n"
        "from netdraft import cli\n"
        "code = cli.main(sys.argv[1:])\n"
        "heavy = ('lark', 'netdraft.dsl.syntax', 'netdraft.dsl.compile', 'netdraft.dsl.parse')\n"
        "print(code, all(m in sys.modules for m in heavy), any(m in sys.modules for m in heavy))\n"
    )
    src = str(Path(api.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src, "NETDRAFT_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("NETDRAFT_NO_CACHE", None)  # the suite runs without the cache
    flags = ["--no-cache"] if no_cache else []
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe, "check", *flags, str(path)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-3:]
        for _ in range(2)
    ]
    assert runs[0] == ["0", "True", "True"]  # the first run parses
    assert runs[1] == ["0", str(front_end_loaded), str(front_end_loaded)]


def _point_class() -> type:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Point:
        x: int
        y: str = "a"
        z: tuple[int, ...] = dataclasses.field(default=(), compare=False)

    return Point


def _behaviour(cls: type) -> tuple[object, ...]:
    """What a program sees of a dataclass: construction, equality, hash, repr, frozenness,
    and the generated ``__init__``'s signature and annotations."""
    import inspect

    one, two = cls(1), cls(1, "a", (3,))
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.x = 2  # type: ignore[attr-defined]
    return (
        one == two,
        hash(one) == hash(two),
        repr(two).removeprefix(cls.__qualname__),
        str(inspect.signature(cls)),
        cls.__init__.__annotations__,  # type: ignore[misc]
        cls.__match_args__,  # type: ignore[attr-defined]
    )


def test_dataclass_methods_are_compiled_once_per_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cache.dataclass_code (issue 20): the classes are those dataclasses makes, and a
    second process compiles none of their methods again."""
    import builtins

    where = store(tmp_path)
    compiled_texts: list[str] = []

    def counting(source: str, *args: object, **kwargs: object) -> object:
        compiled_texts.append(source)
        return builtins.compile(source, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(cache, "compile", counting, raising=False)
    plain = _behaviour(_point_class())
    with cache.dataclass_code(store=where):
        first = _behaviour(_point_class())
    made = len(compiled_texts)
    assert made >= 4  # __init__, __repr__, __eq__, __hash__, __setattr__, ...
    assert "exec" not in vars(dataclasses)  # dataclasses left as it was
    with cache.dataclass_code(store=where):
        second = _behaviour(_point_class())
    assert len(compiled_texts) == made  # all taken from the store
    with cache.dataclass_code(store=store(tmp_path, b"o" * 32)):  # not signed by this key
        _point_class()
    assert len(compiled_texts) == 2 * made
    with cache.dataclass_code(enabled=False, store=where):
        _point_class()
    assert len(compiled_texts) == 2 * made
    assert plain == first == second
