"""Diagnostics: problems as data with stable codes, rendered like a compiler's."""

from __future__ import annotations

import difflib
import functools
import heapq
import itertools
import unicodedata
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TextIO

from netdraft.codes import Code as Code  # re-exported: error() and warning() take it
from netdraft.codes import Severity as Severity  # re-exported: it was defined here
from netdraft.codes import lookup
from netdraft.model.values import Span


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in one place.

    ``label`` is printed under the caret; ``notes`` are extra lines after it
    (an expectation's path, for example).
    """

    severity: Severity
    code: str
    message: str
    span: Span
    label: str = ""
    notes: tuple[str, ...] = field(default=())
    #: Another place the message or the label names by :func:`where_first` (a first
    #: declaration), so that moving the diagnostic (MkDocs) moves that text too.
    first: Span | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def headline(self) -> str:
        where = printable(str(self.span))  # a file name may hold anything (ESC, BEL, …)
        return f"{where}: {self.severity.value}[{self.code}]: {clip(printable(self.message))}"


def _checked(code: Code | str, severity: Severity) -> str:
    """The name of a registered code of this severity; anything else is a bug, raised loudly.

    A string is accepted while call sites move to the constants of :mod:`netdraft.codes`.
    """
    found = lookup(code) if isinstance(code, str) else code
    if found.severity is not severity:
        raise ValueError(f"diagnostic code {found.name!r} is a {found.severity.value}")
    return found.name


def error(
    code: Code,
    message: str,
    span: Span,
    label: str = "",
    notes: Sequence[str] = (),
    first: Span | None = None,
) -> Diagnostic:
    """An error with a registered code (:mod:`netdraft.codes`).

    Raises:
        UnregisteredCode: ``code`` is a string that names no registered code.
        ValueError: ``code`` is a warning's.
    """
    return Diagnostic(
        Severity.ERROR, _checked(code, Severity.ERROR), message, span, label, tuple(notes), first
    )


def where_first(first: Span, later: Span) -> str:
    """Where the first of two clashing statements is, as the later one's message says it:
    its line, and its file when another file holds it (an included one, LANGUAGE.md §8)."""
    if first.file == later.file:
        return f"on line {first.line}"
    return f"at {printable(first.file)}:{first.line}"


def moved(d: Diagnostic, span: Span, first: Span | None) -> Diagnostic:
    """``d`` at ``span``, the place it names by :func:`where_first` moved to ``first``."""
    if d.first is None or first is None:
        return replace(d, span=span)
    old, new = where_first(d.first, d.span), where_first(first, span)
    return replace(
        d,
        span=span,
        first=first,
        message=d.message.replace(old, new),
        label=d.label.replace(old, new),
    )


def warning(
    code: Code, message: str, span: Span, label: str = "", notes: Sequence[str] = ()
) -> Diagnostic:
    """A warning with a registered code (:mod:`netdraft.codes`); raises as :func:`error`."""
    return Diagnostic(
        Severity.WARNING, _checked(code, Severity.WARNING), message, span, label, tuple(notes)
    )


class NetdraftError(Exception):
    """Raised by the library when a file has errors; carries every diagnostic found."""

    def __init__(self, diagnostics: Sequence[Diagnostic], sources: dict[str, str] | None = None):
        self.diagnostics = tuple(diagnostics)
        self.sources = sources or {}
        first = next((d for d in self.diagnostics if d.is_error), None)
        super().__init__(first.headline() if first else "netdraft error")

    def render(self) -> str:
        return render_all(self.diagnostics, self.sources)


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt name, if any is close enough."""
    matches = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return matches[0] if matches else None


#: How many candidate names "did you mean" hints may compare in one compilation, in all.
HINT_BUDGET = 200_000
#: The longest word a hint is looked for, or offered.
HINT_LENGTH = 128


class Hints:
    """``did you mean`` hints within a bounded amount of work for a whole compilation.

    Each hint compares the misspelt word with every candidate; a file with 100,000 unknown
    names among 100,000 declared ones would make that quadratic. Once ``budget``
    candidates have been compared, no more hints are given (deterministically: the same
    file gets the same hints). Candidates may be a lazy iterable: it is read only as far
    as the budget allows.
    """

    def __init__(self, budget: int = HINT_BUDGET) -> None:
        self.budget = budget

    def __call__(self, word: str, candidates: Iterable[str]) -> str | None:
        # Comparing two words takes up to the product of their lengths: none is longer
        # than HINT_LENGTH (names in practice are far shorter).
        if self.budget <= 0 or len(word) > HINT_LENGTH:
            return None
        pool = list(itertools.islice(candidates, self.budget + 1))
        self.budget -= len(pool)
        if self.budget < 0:
            return None
        return did_you_mean(word, (c for c in pool if len(c) <= HINT_LENGTH))


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.span.file, d.span.line, d.span.column, d.code)


#: How many diagnostics of one file are shown; the others are counted in one last line.
MAX_SHOWN = 100
#: How many columns of a source line are shown; a longer line is cut around the caret.
WINDOW = 120
#: How many characters of a message, label or note are shown.
MAX_MESSAGE = 1000

#: Characters that end a line or move the cursor on a terminal: shown as a space (whitespace)
#: or as U+FFFD, so that the caret stays under its column and the source cannot drive the
#: terminal.
_DISPLAY = str.maketrans(
    {
        **{c: "\ufffd" for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]},
        **{ord(c): " " for c in "\t\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"},
    }
)


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes: two for a wide character (East Asian Wide or
    Fullwidth: CJK, most emoji), none for a combining or zero-width one, one otherwise."""
    if text.isascii():
        return len(text)
    count = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        count += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return count


class SourceLines:
    """A text's lines as the parser numbers them: split at ``\n`` only.

    Lark counts lines by ``\n`` alone, whereas ``str.splitlines`` also breaks at ``\r``,
    ``\v``, ``\f``, U+0085, U+2028 and others, which would put the caret on the wrong
    line. Line starts are found once, lazily and only as far as asked, and kept.
    """

    __slots__ = ("_scanned", "_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = array("q", [0])
        self._scanned = False  # every line start is known

    def _reach(self, number: int) -> bool:
        """Find line starts up to line ``number``; whether that line exists."""
        starts, text = self._starts, self.text
        while len(starts) < number and not self._scanned:
            found = text.find("\n", starts[-1])
            if found < 0:
                self._scanned = True
            else:
                starts.append(found + 1)
        if len(starts) < number:
            return False
        # A final newline ends the last line; it does not start one (as ``splitlines``).
        return bool(text) and not (number > 1 and starts[number - 1] == len(text))

    def bounds(self, number: int) -> tuple[int, int] | None:
        """Where line ``number`` (1-based) starts and ends, without its ``\r\n`` or ``\n``."""
        if number < 1 or not self._reach(number):
            return None
        start = self._starts[number - 1]
        end = self.text.find("\n", start)
        if end < 0:
            end = len(self.text)
        elif end > start and self.text[end - 1] == "\r":
            end -= 1
        return start, end

    def line(self, number: int) -> str | None:
        where = self.bounds(number)
        return None if where is None else self.text[where[0] : where[1]]


def end_position(text: str) -> tuple[int, int]:
    """The line and column just after the last character of the last line (as the parser counts)."""
    body = text[:-1] if text.endswith("\n") else text
    start = body.rfind("\n") + 1
    length = len(body) - start
    if text.endswith("\n") and body.endswith("\r") and length > 0:
        length -= 1
    return body.count("\n") + 1, length + 1


@functools.lru_cache(maxsize=8)
def _lines_of(text: str) -> SourceLines:
    # ``render`` called once per diagnostic with the same text finds its lines once.
    return SourceLines(text)


def printable(text: str) -> str:
    """``text`` with every character that is not printable written as a Python escape.

    Controls, line breaks and format characters (``\\x1b``, ``\\n``, ``\\u202e``) are what
    lets a quoted name move a terminal's cursor, recolour it or hide what follows; every
    message, label, note and file name goes through here before it is shown.
    """
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


#: The most characters of a file that one diagnostic quotes (price files, names).
SNIPPET_CHARS = 60


def shown(text: str, limit: int = SNIPPET_CHARS, *, tail: bool = False) -> str:
    """Text read from a file as a message may quote it: escaped and at most ``limit`` long.

    Characters that are not printable (controls, line breaks, format characters) are
    written as Python escapes (``\\x1b``, ``\\n``, ``\\u200b``), so that quoted text cannot
    move the cursor of a terminal or hide what follows. A longer text is cut, with ``…``
    where it was cut: at its end, or at its start when ``tail`` (to keep the end).
    """
    escaped = printable(text)
    if len(escaped) <= limit:
        return escaped
    return "…" + escaped[-(limit - 1) :] if tail else escaped[: limit - 1] + "…"


def clip(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text``, or its start and end around a ``…`` when it is longer than ``limit``."""
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    return f"{text[:head]}…{text[len(text) - (limit - head - 1) :]}"


def render(diagnostic: Diagnostic, source: str | SourceLines | None) -> str:
    """A diagnostic as a headline, the source line with a caret under the span, and notes.

    ::

        net.nd:12:19: error[unknown-name]: no subnet named 'privte-a' in vpc 'main'
           12 |   route 0.0.0.0/0 via privte-a
              |                       ^^^^^^^^ did you mean 'private-a'?

    A line longer than :data:`WINDOW` columns is shown around the caret, cut with ``…``.
    """
    span = diagnostic.span
    lines = [diagnostic.headline()]
    label = clip(printable(diagnostic.label))
    table = _lines_of(source) if isinstance(source, str) else source
    where = table.bounds(span.line) if table is not None else None
    if table is not None and where is not None:
        start, end = where
        length = end - start
        width = (span.end_column - span.column) if span.end_line == span.line else length
        width = max(1, min(width, max(1, length - span.column + 1)))
        offset = max(0, span.column - 1)
        first, last = 0, length
        if length > WINDOW:
            first = max(0, min(offset - WINDOW // 3, length - WINDOW))
            last = first + WINDOW
            width = max(1, min(width, last - offset))
        shown = table.text[start + first : start + last].translate(_DISPLAY)
        before = "…" if first > 0 else ""
        after = "…" if last < length else ""
        # The caret goes under its column as a terminal shows the line: a wide character
        # (CJK, most emoji) takes two cells, a combining mark or a zero-width one none.
        lead = max(0, offset - first)
        pad = cells(shown[:lead]) + max(0, lead - len(shown))
        caret = " " * (len(before) + pad) + "^" * max(1, cells(shown[lead : lead + width]) or width)
        number = str(span.line)
        gutter = " " * len(number)
        lines.append(f" {number} | {before}{shown}{after}")
        lines.append(f" {gutter} | {caret}" + (f" {label}" if label else ""))
    elif label:
        lines.append(f"  = {label}")
    lines.extend(f"  = {clip(printable(note))}" for note in diagnostic.notes)
    return "\n".join(lines)


def iter_rendered(
    diagnostics: Iterable[Diagnostic], sources: Mapping[str, str], limit: int = MAX_SHOWN
) -> Iterator[str]:
    """Each diagnostic rendered, file by file in source order, at most ``limit`` per file.

    After a file's first ``limit`` diagnostics comes one line counting the others
    (``and 9900 more errors in net.nd``). Each file's lines are found once, and only
    the diagnostics shown are rendered, so the work is bounded by what is printed.
    """
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_file.setdefault(d.span.file, []).append(d)
    for file in sorted(by_file):
        found = by_file[file]
        if len(found) > limit:
            shown = heapq.nsmallest(limit, found, key=sort_key)
        else:
            shown = sorted(found, key=sort_key)
        text = sources.get(file)
        table = _lines_of(text) if text is not None else None  # one table per text
        for d in shown:
            yield render(d, table)
        if len(found) > len(shown):
            errors = sum(d.is_error for d in found) - sum(d.is_error for d in shown)
            warnings = len(found) - len(shown) - errors
            counts = [
                f"{n} more {word}{'s' * (n != 1)}"
                for n, word in ((errors, "error"), (warnings, "warning"))
                if n
            ]
            yield f"and {' and '.join(counts)} in {file}"


def write_diagnostics(
    diagnostics: Iterable[Diagnostic],
    sources: Mapping[str, str],
    stream: TextIO,
    limit: int = MAX_SHOWN,
) -> None:
    """Write the diagnostics as :func:`iter_rendered` gives them, one line each, to a stream."""
    for text in iter_rendered(diagnostics, sources, limit):
        stream.write(text + "\n")


def render_all(
    diagnostics: Iterable[Diagnostic], sources: Mapping[str, str], limit: int = MAX_SHOWN
) -> str:
    """The diagnostics as one text (:func:`iter_rendered`, joined); prefer :func:`write_diagnostics`."""
    return "\n".join(iter_rendered(diagnostics, sources, limit))
