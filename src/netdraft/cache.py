"""A content-addressed store in the user's cache folder, for results that are slow to
compute and cheap to keep: the compiled network (:func:`netdraft.api.compile`) and the
MkDocs plugin's pictures.

- **Where**: ``compiled/`` in netdraft's cache folder (:func:`folder`:
  ``$NETDRAFT_CACHE_DIR``, else ``netdraft`` in ``$XDG_CACHE_HOME``, else in
  ``~/.cache``), never inside a repository; ``NETDRAFT_CACHE_DIR`` set empty keeps none.
- **Keys** are SHA-256 digests of everything a result depends on; the caller computes
  them. An entry's file name is an HMAC of its key under this machine's secret
  (:func:`secret`, mode 0600), and the entry carries an HMAC of its contents: nobody
  without the secret can place an entry that is read back, so an entry may hold a pickle.
- **Concurrent writers** each write a temporary file and rename it into place (atomic on
  POSIX and Windows): a reader sees a whole entry or none, and two writers of one key
  write the same bytes.
- **Pruned by size**: when the store grows past :data:`MAX_BYTES`, the entries least
  recently used (by modification time; a hit refreshes it) are removed until it is at
  three quarters of it.
- A store that cannot be used (no home folder, a read-only disk) is a store that never
  hits: a cache never makes a command fail.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import CodeType

from netdraft.files import read_bytes

#: Set to a folder to keep netdraft's caches there, or to an empty value to keep none.
FOLDER_VARIABLE = "NETDRAFT_CACHE_DIR"
#: Where the secret is kept, in the user's cache folder.
SECRET_NAME = "netdraft/cache-key"
#: Set (to anything) to compile every network anew (``--no-cache``; the MkDocs plugin too).
NO_CACHE_VARIABLE = "NETDRAFT_NO_CACHE"
#: The most bytes the store keeps before it prunes.
MAX_BYTES = 512 * 1024 * 1024
#: The largest entry read back.
MAX_ENTRY_BYTES = 256 * 1024 * 1024
_TAG = 32  # bytes of HMAC-SHA256 in front of each entry


def user_cache_folder() -> Path:
    """The user's cache folder: ``$XDG_CACHE_HOME``, else ``~/.cache``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def folder() -> Path | None:
    """netdraft's cache folder: ``$NETDRAFT_CACHE_DIR``, else ``netdraft`` in the user's
    cache folder; None when it cannot be made (or ``NETDRAFT_CACHE_DIR`` is set empty)."""
    chosen = os.environ.get(FOLDER_VARIABLE)
    if chosen is not None:
        found = Path(chosen) if chosen else None
    else:
        found = user_cache_folder() / "netdraft"
    if found is None or not found.is_absolute():
        return None
    try:
        found.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return found


def secret() -> bytes:
    """This machine's secret for naming and signing cache entries, made on first use.

    It lives in the user's cache folder, never in the repository. A secret that cannot be
    read or kept (no home folder, one another user could change) is replaced by one for
    this process only: results are then computed anew, never taken from a cache someone
    else could write.
    """
    path = user_cache_folder() / SECRET_NAME
    try:
        info = path.lstat()
        trusted = (
            stat.S_ISREG(info.st_mode)
            and info.st_uid == os.getuid()
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        )
        if trusted:
            data = read_bytes(path, 4096)
            if len(data) >= 32:
                return data
    except FileNotFoundError:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = secrets.token_bytes(32)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            return data
        except OSError:
            pass
    except OSError:
        pass
    return secrets.token_bytes(32)


@functools.cache
def code_fingerprint() -> str:
    """A digest of netdraft's own code, grammar and data files: part of every key, so
    that another netdraft computes every result anew (:func:`package_fingerprint`)."""
    folder = Path(__file__).parent
    if os.path.isdir(folder):
        return package_fingerprint(folder)
    return archived_package_fingerprint(str(folder))


def archived_package_fingerprint(package: str) -> str:
    """:func:`package_fingerprint` of a package folder inside a zip archive (netdraft
    imported by ``zipimport``): the same digest of the same files. Its folder is no folder,
    and walking it found nothing: every netdraft in a zip had the digest of no file, and
    one with other code or another AWS ranges snapshot read the results cached by the one
    before. A package in no archive that can be read gets a digest of its own for this
    process: its results are computed anew, never another netdraft's."""
    import zipfile

    archive, inside = package, ""
    while not os.path.isfile(archive):
        parent, name = os.path.split(archive)
        if not name or parent == archive:
            return secrets.token_hex(32)
        archive, inside = parent, f"{name}/{inside}"
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [
                (tuple(info.filename[len(inside) :].split("/")), info)
                for info in zf.infolist()
                if info.filename.startswith(inside) and not info.is_dir()
            ]
            kept = [
                (parts, functools.partial(zf.read, info))
                for parts, info in members
                if "__pycache__" not in parts and not _byte_code(parts[-1])
            ]
            return _files_digest(kept)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError):
        return secrets.token_hex(32)


def _byte_code(name: str) -> bool:
    # As pathlib's suffix reads it: a file named ".pyc" has none.
    return name.endswith((".pyc", ".pyo")) and len(name) > len(".pyc")


def package_fingerprint(package: Path) -> str:
    """A digest of the files of a package folder. Every file counts, whatever its name
    ends with: a drawing embeds netdraft's own icons (``.png``), so a changed icon is
    another renderer too; only Python's byte code is left out."""
    # os.walk and plain strings: pathlib's objects cost more than reading the files did
    # (every MkDocs build and every cached check computes this once).
    files: list[tuple[tuple[str, ...], str]] = []
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        relative = os.path.relpath(folder, package)
        parts = () if relative == "." else tuple(relative.split(os.sep))
        for name in names:
            path = os.path.join(folder, name)
            # A file named __pycache__ is left out as the folder is.
            if not _byte_code(name) and name != "__pycache__" and os.path.isfile(path):
                files.append(((*parts, name), path))
    return _files_digest([(parts, functools.partial(_read, path)) for parts, path in files])


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _files_digest(files: Sequence[tuple[tuple[str, ...], Callable[[], bytes]]]) -> str:
    """The digest of a package's files, each named by its path's parts and read by its
    reader: in the order of those paths, part by part, so that a folder and an archive of
    the same files give the same digest."""
    digest = hashlib.sha256()
    for parts, read in sorted(files, key=lambda file: file[0]):
        digest.update("/".join(parts).encode() + b"\0")
        digest.update(read())
    return digest.hexdigest()


class Store:
    """Entries by key in one folder (see the module's notes)."""

    def __init__(self, where: Path | None = None, key: bytes | None = None) -> None:
        """Args:
        where: the store's folder (default: ``compiled`` in :func:`folder`; when there is
            none, a store that keeps nothing).
        key: the secret (default: :func:`secret`).
        """
        if where is None:
            base = folder()
            where = base / "compiled" if base is not None else None
        self.folder = where
        self._key = key if key is not None else secret()
        self.hits = 0  # counted by the reader, who alone knows whether an entry was usable
        self.misses = 0

    def _file(self, key: str) -> Path | None:
        if self.folder is None:
            return None
        name = hmac.new(self._key, key.encode(), hashlib.sha256).hexdigest()
        return self.folder / name[:2] / name

    def get(self, key: str) -> bytes | None:
        """The entry stored under ``key``, or None (absent, unreadable or not signed here)."""
        path = self._file(key)
        if path is None:
            return None
        try:
            data = read_bytes(path, MAX_ENTRY_BYTES)
        except OSError:
            return None
        tag, payload = data[:_TAG], data[_TAG:]
        if not hmac.compare_digest(tag, hmac.new(self._key, payload, hashlib.sha256).digest()):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: pruned last
        return payload

    def put(self, key: str, payload: bytes) -> None:
        """Keep ``payload`` under ``key`` (silently nothing when the folder cannot be written)."""
        path = self._file(key)
        if path is None:
            return
        tag = hmac.new(self._key, payload, hashlib.sha256).digest()
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(tag + payload)
            os.replace(temporary, path)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink()
            return
        self.prune()

    def size(self) -> int:
        """The bytes the store's entries take."""
        return sum(size for _, _, size in self._entries())

    def _entries(self) -> list[tuple[float, Path, int]]:
        found: list[tuple[float, Path, int]] = []
        if self.folder is None:
            return found
        for path in self.folder.glob("*/*"):
            with contextlib.suppress(OSError):
                info = path.stat()
                found.append((info.st_mtime, path, info.st_size))
        return found

    def prune(self, limit: int = MAX_BYTES) -> int:
        """Remove the least recently used entries while the store is above ``limit``, down
        to three quarters of it; the number removed."""
        entries = self._entries()
        total = sum(size for _, _, size in entries)
        if total <= limit:
            return 0
        removed = 0
        for _, path, size in sorted(entries):
            if total <= limit * 3 // 4:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
                removed += 1
        return removed


@contextlib.contextmanager
def dataclass_code(enabled: bool = True, store: Store | None = None) -> Iterator[None]:
    """Within the block, the methods that :mod:`dataclasses` writes for each class
    (``__init__``, ``__eq__``, ``__hash__``, ...) are compiled once per machine, not once
    per process: the compiled code is kept in the store, keyed by Python's and netdraft's
    versions, and each text that was compiled before is not compiled again.

    The model and the traces are some 180 dataclasses, and compiling the text of their
    thousand methods was most of the time ``netdraft check`` of a small file took (issue
    20). The code is the one :mod:`dataclasses` would have compiled from the same text
    (same file name, no inherited ``__future__`` flags), so the classes are the same; an
    entry is signed like every other (:class:`Store`), and a damaged or foreign one is
    ignored. Process-wide while it lasts: the command line uses it, the library does not.

    Args:
        enabled: False to leave :mod:`dataclasses` alone (``--no-cache``).
        store: the store to use (default: the user's cache folder).
    """
    import dataclasses
    import marshal
    import sys

    if not enabled or "exec" in vars(dataclasses):  # off, or already within a block
        yield
        return
    where = store or Store()
    key = hashlib.sha256(f"dataclass code\0{sys.version}\0{code_fingerprint()}".encode())
    name = key.hexdigest()
    memo: dict[str, CodeType] = {}
    payload = where.get(name)
    if payload is not None:
        try:
            loaded = marshal.loads(payload)  # signed with this machine's secret
        except (EOFError, ValueError, TypeError):
            loaded = None
        if isinstance(loaded, dict) and all(
            isinstance(k, str) and isinstance(v, CodeType) for k, v in loaded.items()
        ):
            memo = loaded
    known = len(memo)

    def compiled_exec(
        source: str | CodeType,
        globals_: dict[str, object] | None = None,
        locals_: dict[str, object] | None = None,
    ) -> None:
        if isinstance(source, str):
            code = memo.get(source)
            if code is None:
                # dont_inherit: this module's ``from __future__ import annotations`` must not
                # turn the methods' annotations into strings (dataclasses.py has no such import)
                code = memo[source] = compile(source, "<string>", "exec", dont_inherit=True)
            source = code
        # as the call in dataclasses would: its own module's globals when given none
        exec(source, vars(dataclasses) if globals_ is None else globals_, locals_)

    vars(dataclasses)["exec"] = compiled_exec  # its calls find it before the builtin
    try:
        yield
    finally:
        del vars(dataclasses)["exec"]
        if len(memo) > known:
            with contextlib.suppress(ValueError):
                where.put(name, marshal.dumps(memo))
