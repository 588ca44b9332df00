"""A network as it is in a git revision: ``main:net.nd``, ``HEAD~1:infra/net.nd``.

``REV:PATH`` names the file ``PATH`` (relative to the current folder, as a file argument
is) in the commit ``REV`` of the git repository that holds that folder. Its includes and
price files resolve in the same revision, so they are read through git as well: every
``.nd`` and ``.toml`` file of the revision in the file's folder and below (the only
folders an ``include`` or a ``prices`` statement may name, see :mod:`netdraft.dsl.compose`)
is copied, with the file itself whatever its name (a Terraform plan, a template), into a
temporary folder, which is removed afterwards. Files larger than
:data:`~netdraft.files.MAX_SOURCE_BYTES`, links and submodules are left out, so an
include of one is reported missing. Git runs with the revision after
``--end-of-options``, so a revision is never read as an option.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from netdraft.files import MAX_SOURCE_BYTES

#: The names of the files copied out of a revision.
SUFFIXES = (".nd", ".toml")


class RevisionProblem(Exception):
    """A revision or a file in it cannot be read (the message says which and why)."""


def is_revision(spec: str) -> bool:
    """Whether a command-line argument names a file in a revision: ``REV:PATH``, and no
    file of that name exists."""
    rev, sep, path = spec.partition(":")
    return bool(sep and rev and path) and not os.path.lexists(spec)


def _git(folder: Path, *args: str, data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            input=data,
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except OSError as exc:
        raise RevisionProblem(f"cannot run git: {exc.strerror or exc}") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionProblem(reason[-1] if reason else f"git {args[0]} failed")
    return done.stdout


def _existing_folder(path: Path) -> Path:
    """The nearest folder of ``path`` (or above it) that exists in the working tree."""
    for folder in (path, *path.parents):
        if folder.is_dir():
            return folder
    return Path("/")


def _blobs(listing: bytes, wanted: str = "") -> Iterator[tuple[str, str]]:
    """(object id, path) of each regular ``.nd`` or ``.toml`` file of an ``ls-tree -l -z``,
    and of the ``wanted`` file whatever its name (a Terraform plan, a template)."""
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, oid, size = meta.split()
        path = name.decode("utf-8", "surrogateescape")
        if (
            kind == b"blob"
            and mode in (b"100644", b"100755")
            and int(size) <= MAX_SOURCE_BYTES
            and (path.lower().endswith(SUFFIXES) or path == wanted)
        ):
            yield oid.decode("ascii"), path


def _contents(folder: Path, oids: list[str]) -> list[bytes]:
    """The contents of blobs, read with one ``git cat-file --batch``."""
    out = _git(folder, "cat-file", "--batch", data="".join(f"{o}\n" for o in oids).encode())
    found: list[bytes] = []
    at = 0
    for _ in oids:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        found.append(out[header_end + 1 : header_end + 1 + size])
        at = header_end + 1 + size + 1
    return found


@contextmanager
def checkout(spec: str) -> Iterator[Path]:
    """The file ``spec`` (``REV:PATH``) names, copied with the files it may include.

    Yields:
        The path of the copy, in a temporary folder that is removed afterwards.

    Raises:
        RevisionProblem: not in a git repository, no such revision, no such file in it.
    """
    rev, _, name = spec.partition(":")
    if Path(name).is_absolute():
        raise RevisionProblem(f"'{name}': the path in REV:PATH is relative to the current folder")
    wanted = Path.cwd() / name
    here = _existing_folder(wanted.parent)
    folder = os.path.relpath(wanted.parent, here)
    target = os.path.relpath(wanted, here)
    shown = str(Path(name).parent)
    try:
        _git(here, "rev-parse", "--show-toplevel")
    except RevisionProblem as exc:
        raise RevisionProblem(f"'{shown}' is not in a git repository") from exc
    try:
        commit = _git(
            here, "rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}"
        )
    except RevisionProblem as exc:
        raise RevisionProblem(f"no revision '{rev}' in the git repository of '{shown}'") from exc
    listing = _git(here, "ls-tree", "-r", "-l", "-z", commit.decode().strip(), "--", folder)
    files = {path: oid for oid, path in _blobs(listing, os.path.normpath(target))}
    if os.path.normpath(target) not in files:
        raise RevisionProblem(f"no file '{name}' in revision '{rev}'")
    paths = sorted(files)
    with tempfile.TemporaryDirectory(prefix="netdraft-rev-") as tmp:
        for path, data in zip(paths, _contents(here, [files[p] for p in paths]), strict=True):
            copy = Path(tmp) / path
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(data)
        yield Path(tmp) / os.path.normpath(target)
