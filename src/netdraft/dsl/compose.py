"""Composition (LANGUAGE.md §8): each ``include "FILE"`` replaced by the statements of FILE.

One network of several files is one list of statements: an included file's statements
take the place of the ``include`` statement that names it (include-expanded order), so
that the compiler sees one file whose spans point into the file that holds each text.

The decisions:

- A name is relative to the folder of the file that holds the ``include``; with ``..``
  and links resolved it must lie inside ``roots`` (by default the folder of the top-level
  file, and below), and both the name as written and the real file's name must end in
  ``.nd``. Anything else, and a file that does not exist or cannot be read, is
  ``include-missing`` at the ``include``; nothing outside the tree is ever opened.
- A file is read once per composition: a second ``include`` of a file already read (two
  files that include a common one, a diamond) adds nothing, since its statements are
  already in place where it was first included. An ``include`` of a file that is still
  being read (itself, or a file that includes it) is ``include-cycle``, naming the chain.
- The composition is bounded: at most :data:`MAX_INCLUDED_FILES` files, nested at most
  :data:`MAX_INCLUDE_DEPTH` deep, :data:`MAX_COMPOSED_BYTES` bytes in all
  (``include-limit``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from netdraft import codes
from netdraft.diagnostics import Diagnostic, clip, error, printable
from netdraft.dsl import syntax as st
from netdraft.dsl.parse import parse
from netdraft.dsl.passes.literals import unquote
from netdraft.dsl.source import decode_source as decode_source  # its home before
from netdraft.files import MAX_SOURCE_BYTES, FileProblem, OutsideTree, read_named

#: The most files one composition reads, the top-level file not counted.
MAX_INCLUDED_FILES = 1000
#: How deep includes may nest (the top-level file's own includes are at depth 1).
MAX_INCLUDE_DEPTH = 64
#: The most bytes of source one composition reads, all its files together.
MAX_COMPOSED_BYTES = MAX_SOURCE_BYTES

SUFFIX = ".nd"


@dataclass(frozen=True)
class Composed:
    """A composed syntax tree, the problems found reading and parsing it, and the files read.

    ``source`` is ``None`` when any file of the composition does not parse. ``files``
    holds each included file, in the order first read: the name diagnostics give it
    (relative as the including file's name is) and its text.
    """

    source: st.SourceFile | None
    diagnostics: tuple[Diagnostic, ...] = ()
    files: tuple[tuple[str, str], ...] = ()


def _shown(name: str) -> str:
    return clip(printable(name), 400)


@dataclass
class _Reader:
    roots: Sequence[str | Path]
    tree: str
    problems: list[Diagnostic] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)
    read: set[str] = field(default_factory=set)  # real paths already read
    chain: list[tuple[str, str]] = field(default_factory=list)  # (real path, name) being read
    size: int = 0
    parsed: bool = True

    def expand(self, source: st.SourceFile) -> list[st.Statement]:
        statements: list[st.Statement] = []
        for stmt in source.statements:
            if isinstance(stmt, st.Include):
                statements += self.include(stmt, source.path)
            else:
                statements.append(stmt)
        return statements

    def problem(self, code: codes.Code, message: str, stmt: st.Include, label: str = "") -> None:
        self.problems.append(error(code, message, stmt.path.span, label))

    def include(self, stmt: st.Include, including: str) -> list[st.Statement]:
        name = unquote(stmt.path.text)  # escapes read as in every other string
        written = _shown(name)
        if "\\" in name:
            # A backslash is no folder separator on every system: refused, never guessed.
            self.problem(
                codes.INCLUDE_MISSING,
                f"cannot include '{written}': a file name has no backslash",
                stmt,
                f"write '/' between folders: '{_shown(name.replace(chr(92), '/'))}'",
            )
            return []
        if not name.lower().endswith(SUFFIX):
            self.problem(
                codes.INCLUDE_MISSING,
                f"cannot include '{written}': not a {SUFFIX} file",
                stmt,
                f"an included file's name ends in {SUFFIX}",
            )
            return []
        folder = Path(including).parent
        shown_path = str(folder / name)
        try:
            real, data = read_named(
                name, folder, self.roots, MAX_SOURCE_BYTES, suffix=SUFFIX, tree=self.tree
            )
        except OutsideTree:
            self.problem(
                codes.INCLUDE_MISSING,
                f"cannot include '{written}': it is outside {self.tree}",
                stmt,
                "an include names only files inside it",
            )
            return []
        except FileNotFoundError:
            self.problem(
                codes.INCLUDE_MISSING,
                f"cannot include '{written}': no such file",
                stmt,
                f"looked for {_shown(shown_path)}",
            )
            return []
        except (FileProblem, OSError) as exc:
            reason = exc.strerror or str(exc)
            self.problem(codes.INCLUDE_MISSING, f"cannot include '{written}': {reason}", stmt)
            return []
        key = str(real)
        on_chain = [i for i, (path, _) in enumerate(self.chain) if path == key]
        if on_chain:
            names = [shown for _, shown in self.chain[on_chain[0] :]]
            cycle = " -> ".join(_shown(n) for n in (*names, names[0]))
            what = "a file includes itself" if len(names) == 1 else "the includes make a cycle"
            self.problem(codes.INCLUDE_CYCLE, f"{what}: {cycle}", stmt, "this include closes it")
            return []
        if key in self.read:  # a diamond: already in place where it was first included
            return []
        if len(self.chain) > MAX_INCLUDE_DEPTH:
            self.problem(
                codes.INCLUDE_LIMIT,
                f"cannot include '{written}': includes nest deeper than {MAX_INCLUDE_DEPTH}",
                stmt,
            )
            return []
        if len(self.read) > MAX_INCLUDED_FILES:  # the top-level file is in it
            self.problem(
                codes.INCLUDE_LIMIT,
                f"cannot include '{written}': a network includes at most"
                f" {MAX_INCLUDED_FILES} files",
                stmt,
            )
            return []
        self.size += len(data)
        if self.size > MAX_COMPOSED_BYTES:
            self.problem(
                codes.INCLUDE_LIMIT,
                f"cannot include '{written}': the files together are larger than"
                f" {MAX_COMPOSED_BYTES // (1024 * 1024)} MiB",
                stmt,
            )
            return []
        self.read.add(key)
        text, undecodable = decode_source(data, shown_path)
        if text is None:
            assert undecodable is not None
            self.problems.append(undecodable)
            self.parsed = False
            return []
        self.files.append((shown_path, text))
        tree, found = parse(text, shown_path)
        if tree is None:
            self.problems += found
            self.parsed = False
            return []
        self.chain.append((key, shown_path))
        try:
            return self.expand(tree)
        finally:
            self.chain.pop()


def compose(
    source: st.SourceFile,
    roots: Sequence[str | Path] | None = None,
    tree: str | None = None,
) -> Composed:
    """Replace every ``include`` of a parsed file by the statements of the file it names.

    Args:
        source: the top-level file, parsed; includes are relative to the folder of its
            ``path``.
        roots: the folders included files must be inside (default: the folder of
            ``source.path``, and below).
        tree: how messages name ``roots``.

    Returns:
        The composed tree (``None`` when an included file does not parse or is not
        UTF-8), the problems, and the included files' names and texts.
    """
    if not any(isinstance(s, st.Include) for s in source.statements):
        return Composed(source)
    top = Path(source.path)
    if roots is None:
        roots = (top.parent,)
        tree = tree or f"the folder tree of '{_shown(top.name)}'"
    reader = _Reader(roots, tree or "the folder tree")
    reader.size = len(source.text.encode("utf-8"))  # the top-level file counts too
    real_top = os.path.realpath(top)
    reader.read.add(real_top)
    reader.chain.append((real_top, source.path))
    statements = reader.expand(source)
    composed = (
        st.SourceFile(source.path, source.text, tuple(statements), source.comments)
        if reader.parsed
        else None
    )
    return Composed(composed, tuple(reader.problems), tuple(reader.files))
