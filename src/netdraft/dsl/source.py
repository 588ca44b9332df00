"""What every command needs of the front end before it knows whether to parse: a file's
bytes as text, and the collector paused around the work that follows.

Kept apart from :mod:`netdraft.dsl.parse` and :mod:`netdraft.dsl.compose` so that a
command whose compiled network comes from the cache (:func:`netdraft.api.compile`) does
not import Lark, the syntax tree or the compiler.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from netdraft import codes
from netdraft.diagnostics import Diagnostic, error
from netdraft.model.values import Span


def decode_source(data: bytes, path: str) -> tuple[str | None, Diagnostic | None]:
    """A ``.nd`` file's bytes as text, or the ``encoding`` diagnostic when they are not UTF-8.

    A leading byte order mark (as some editors write UTF-8) is not part of the text.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        span = Span(path, line, 1, line, 2)
        return None, error(codes.ENCODING, f"the file is not UTF-8: {exc.reason}", span)
    return text.removeprefix("\ufeff"), None


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused, and restored as it was after.

    Parsing and compiling allocate a great many small objects and free few until the end:
    the collector's passes over them find nothing and are pure cost (about half of a parse
    of a 100,000-line file, four fifths of its compile), so the front end runs without it.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
