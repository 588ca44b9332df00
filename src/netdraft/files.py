"""Files as netdraft reads and writes them: regular files only, bounded, confined, atomic.

netdraft runs in CI on files from pull requests and in documentation builds on pages
anyone can edit, so every file it opens because an input named it (a ``prices``
statement, an ``include``, a fence's ``src=``, an import folder's JSON) goes through
:func:`read_bytes`: it never blocks on a FIFO or a device, never reads more than a
bound, and :func:`confine` keeps a name inside the folder tree it was written for.
Every file netdraft writes goes through :func:`write_atomic`, or :func:`write_together`
for files that belong together (a page and its diagram).

Which names lead where (the decisions; :func:`read_named` applies them):

- ``prices "FILE"`` and ``include "FILE"`` in a ``.nd`` file are relative to the file
  that holds the statement (an included file's are relative to it) and must stay, once ``..`` and links are resolved, inside
  the folder of the top-level ``.nd`` file given to the command (that folder and
  below); in a MkDocs page, inside ``docs_dir`` or the folder of ``mkdocs.yml``. The real
  file's name must end in ``.toml`` (``.nd`` for includes), so that a link named like a
  price file cannot lead to, say, ``.git/config``. A name outside is refused before
  anything is opened.
- A fence's ``src="FILE"`` is looked up beside the page, in ``docs_dir``, then beside
  ``mkdocs.yml``, and must resolve inside ``docs_dir`` or the folder of ``mkdocs.yml``
  to a regular file whose name ends in ``.nd``.
- ``--prices FILE`` and the plugin's ``prices:`` option are the user's own choice (the
  command line, ``mkdocs.yml``): not confined, but still read through
  :func:`read_bytes`, so a regular file within :data:`MAX_PRICE_BYTES`.
- Bounds: :data:`MAX_SOURCE_BYTES` for ``.nd`` files, :data:`MAX_PRICE_BYTES` for
  price files, :data:`MAX_JSON_BYTES` for import folders, :data:`MAX_TEMPLATE_BYTES`
  for templates.
- A price file's text is never shown as a source line: diagnostics quote at most a
  key, a value or the characters before a TOML syntax error, escaped and short
  (:func:`netdraft.diagnostics.shown`).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: The largest ``.nd`` file read (a 100,000-line network is about 4 MB).
MAX_SOURCE_BYTES = 32 * 1024 * 1024
#: The largest price file read (the bundled one is about 2 KB).
MAX_PRICE_BYTES = 1024 * 1024
#: The largest JSON file of an import folder (a large account's describe output).
MAX_JSON_BYTES = 512 * 1024 * 1024
#: The largest template read by ``netdraft docs --templates``.
MAX_TEMPLATE_BYTES = 1024 * 1024


class FileProblem(OSError):
    """A file that netdraft refuses to read: not a regular file, too large, or outside its tree.

    It is an :class:`OSError` whose ``strerror`` says why and whose ``filename`` names the
    file, so that callers that report unreadable files report these the same way.
    """

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(errno.EPERM, reason, str(path))


def _size_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"


def read_bytes(path: str | Path, limit: int) -> bytes:
    """The content of a regular file of at most ``limit`` bytes.

    The file is opened without blocking, so a FIFO or a device named where a file is
    expected is refused at once instead of hanging (``/dev/stdin``) or filling memory
    (``/dev/zero``). A symbolic link to a regular file is followed.

    Args:
        path: the file.
        limit: the most bytes accepted.

    Returns:
        The bytes.

    Raises:
        FileProblem: not a regular file, or larger than ``limit``.
        OSError: the file cannot be opened or read (missing, permissions…).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(path, "not a regular file")
        if info.st_size > limit:
            raise FileProblem(path, f"larger than {_size_text(limit)}")
        chunks: list[bytes] = []
        total = 0
        while True:  # the size may change while reading: never read past the bound
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileProblem(path, f"larger than {_size_text(limit)}")
        return b"".join(chunks)
    finally:
        os.close(fd)


def is_regular(path: str | Path) -> bool:
    """Whether ``path`` is (or links to) a regular file, without opening it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def confine(path: str | Path, roots: Iterable[str | Path]) -> Path | None:
    """``path`` with its links resolved, when that lies inside one of ``roots``; else None.

    ``../`` and symbolic links are resolved before the comparison, so neither leads out
    of the tree: ``prices "../../etc/shadow"`` and a link to ``/proc/self/environ`` are
    both outside.
    """
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError):
        return None
    for root in roots:
        try:
            base = Path(os.path.realpath(root))
        except (OSError, ValueError):
            continue
        if real == base or base in real.parents:
            return real
    return None


def nd_files(folder: str | Path) -> list[Path]:
    """The ``.nd`` files under a folder, at any depth, sorted by their path in it.

    Links are not followed out of the folder: a linked folder is not entered, and a linked
    file counts only when it is a regular file inside the folder's tree; files whose
    names end in ``.nd`` but that are not regular files (a FIFO, a device) are left out.
    """
    root = Path(folder)
    found: list[Path] = []
    for here, folders, names in os.walk(root, followlinks=False):
        folders.sort()
        for name in names:
            path = Path(here) / name
            if name.endswith(".nd") and is_regular(path) and confine(path, [root]) is not None:
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(root).parts)


class OutsideTree(FileProblem):
    """A file an input names that lies outside the folder tree the input may name files in."""

    def __init__(self, path: str | Path, tree: str) -> None:
        super().__init__(path, f"outside {tree}")
        self.tree = tree


def read_named(
    name: str | Path,
    folder: str | Path,
    roots: Sequence[str | Path],
    limit: int,
    *,
    suffix: str = "",
    tree: str = "the folder tree",
) -> tuple[Path, bytes]:
    """Read a file that an input names (``prices "…"``, ``include "…"``, a fence's ``src=``).

    ``name`` is relative to ``folder`` (the folder of the file that holds the statement);
    once ``..`` and links are resolved it must lie inside one of ``roots``, else nothing is
    opened. The real path is what is read, through :func:`read_bytes`.

    Args:
        name: the name as the input wrote it.
        folder: the folder a relative name starts from.
        roots: the folders the named file must be inside.
        limit: the most bytes accepted.
        suffix: when given (``".toml"``), the real file's name must end with it, so that
            a link named ``prices.toml`` cannot lead to, say, a repository's ``.git/config``.
        tree: how messages name ``roots`` ("docs_dir and the folder of mkdocs.yml").

    Returns:
        The real path and the bytes.

    Raises:
        OutsideTree: the file is outside every root (it is never opened).
        FileProblem: the real file's name lacks ``suffix``; not a regular file; too large.
        OSError: the file cannot be opened or read.
    """
    real = confine(Path(folder) / name, roots)
    if real is None:
        raise OutsideTree(name, tree)
    if suffix and not real.name.lower().endswith(suffix.lower()):
        raise FileProblem(name, f"not a {suffix} file")
    return real, read_bytes(real, limit)


def write_atomic(path: str | Path, data: str | bytes, *, durable: bool = True) -> None:
    """Write a file so that readers see the old or the new content, never half of it.

    The content goes to a temporary file beside the real one, is flushed to disk, and
    replaces it by a rename. A symbolic link is written through: the file it points at
    gets the new content and the link stays. A file with several hard links is
    rewritten in place instead (a rename would cut it off from its other names).
    The new file has the mode a plain write would give it: the old file's permission
    bits (never set-user-id, set-group-id or sticky), else 0666 less the umask.

    ``durable=False`` leaves out the flushes to disk (``fsync``), for files that are
    rebuilt whole anyway, as a built site is: readers still never see half a file, but
    after a power cut the new content may be lost (the file may even be empty).

    Raises:
        OSError: the file cannot be written; its ``filename`` is ``path``, never the
            temporary file.
    """
    write_together([(path, data)], durable=durable)


@dataclass
class _Pending:
    shown: str  # the name the caller gave, for error messages
    target: Path  # the file written, links resolved
    data: bytes
    temporary: Path | None = None  # the prepared content, beside the target
    in_place: bool = False  # a file with several hard links, rewritten where it is
    durable: bool = True  # flushed to disk before it replaces the old file


def write_together(
    files: Sequence[tuple[str | Path, str | bytes]], *, durable: bool = True
) -> list[Path]:
    """Write several files so that they change together, as nearly as a file system allows.

    A file system cannot rename two files at once, so the work is split in two phases and
    everything slow happens in the first:

    1. **Prepare.** Each content goes to a temporary file in its target's folder (so that
       the rename is atomic), with the mode the target will have, and is flushed to disk
       (``fsync``). No target changes. When anything fails, every temporary file is
       removed and every target is as it was.
    2. **Commit.** The temporary files are renamed over their targets back to back, in the
       order given, with nothing in between; then the folders are flushed, so that the
       renames survive a crash.

    A process killed during the first phase leaves the old files (and at most one
    ``.<name>.*.tmp`` file per target beside it); killed during the second, the files
    before the rename in progress are new and the others old, for the time of one
    ``rename``. Order the files so that this state is the least harmful: ``netdraft docs``
    puts the diagram first and the page last, so a page is never newer than its picture
    and never links to an image that is not there yet.

    As with :func:`write_atomic`, a symbolic link is written through, the
    new file keeps the old one's permission bits (else 0666 less the umask), and a file
    with several hard links is rewritten in place, in its turn in the second phase.

    Args:
        files: (path, content) pairs, in the order to commit them; ``str`` content is
            written in UTF-8.
        durable: False leaves out every ``fsync`` (see :func:`write_atomic`).

    Returns:
        The paths, as given.

    Raises:
        OSError: a file cannot be written; its ``filename`` is the path as given, never a
            temporary file.
    """
    pending = [_pending(path, data, durable) for path, data in files]
    try:
        for item in pending:
            _guarded(item, _prepare)
        for item in pending:
            _guarded(item, _commit)
    finally:
        for item in pending:
            if item.temporary is not None:
                item.temporary.unlink(missing_ok=True)
    for folder in sorted({item.target.parent for item in pending} if durable else ()):
        _sync_folder(folder)
    return [Path(path) for path, _ in files]


def _pending(path: str | Path, data: str | bytes, durable: bool = True) -> _Pending:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return _Pending(str(path), Path(os.path.realpath(path)), raw, durable=durable)


def _guarded(item: _Pending, step: Callable[[_Pending], None]) -> None:
    """Run one phase's step for a file; an error names the file as the caller gave it."""
    try:
        step(item)
    except OSError as exc:
        if exc.filename == item.shown:
            raise
        raise OSError(exc.errno, exc.strerror or str(exc), item.shown) from exc


def _prepare(item: _Pending) -> None:
    """Write the content to a temporary file beside the target and flush it to disk."""
    target = item.target
    if target.is_dir():  # else the error would name the temporary file
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), item.shown)
    _make_folder(Path(item.shown).parent, target.parent, item.shown)
    try:
        info: os.stat_result | None = target.stat()
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
        item.in_place = True  # a rename would cut it off from its other names
        return
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    item.temporary = Path(name)
    with os.fdopen(fd, "wb") as fh:
        fh.write(item.data)
        fh.flush()
        if item.durable:
            os.fsync(fh.fileno())
    os.chmod(name, _mode(info))  # mkstemp makes the file private (0600)


def _make_folder(written: Path, folder: Path, shown: str) -> None:
    """Create the folder a file is written in, with its missing parents, as ``mkdir -p``
    does (``-o out/deep/x.svg`` makes ``out/deep``): every command that writes does so.
    ``written`` is that folder as the caller named it, ``folder`` with links resolved. A
    part of the path that is a file, not a folder, is an error naming that part."""
    for part in (written, *written.parents):
        if part.is_dir():
            break
        if part.exists() or part.is_symlink():
            reason = f"'{part}' is a file, not a folder, so nothing can be written under it"
            raise NotADirectoryError(errno.ENOTDIR, reason, shown)
    folder.mkdir(parents=True, exist_ok=True)


def _commit(item: _Pending) -> None:
    """Put the prepared content in place: a rename, or a rewrite for a hard-linked file."""
    if item.in_place:
        with open(item.target, "r+b") as fh:
            # Like a new file, never set-user-id, set-group-id or sticky (a write by root
            # does not clear them by itself).
            os.fchmod(fh.fileno(), stat.S_IMODE(os.fstat(fh.fileno()).st_mode) & 0o777)
            fh.write(item.data)
            fh.truncate()
            fh.flush()
            if item.durable:
                os.fsync(fh.fileno())
        return
    assert item.temporary is not None
    os.replace(item.temporary, item.target)
    item.temporary = None


def _mode(info: os.stat_result | None) -> int:
    """The permission bits of the new file: the old file's, else what a plain write gives."""
    if info is not None:
        return info.st_mode & 0o777  # never set-user-id, set-group-id or sticky
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries, so that a rename survives a crash (where the OS allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
