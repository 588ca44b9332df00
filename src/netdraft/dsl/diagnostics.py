"""Diagnostics: problems as data with stable codes, rendered like a compiler's."""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from netdraft.model.values import Span


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


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

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def headline(self) -> str:
        return f"{self.span}: {self.severity.value}[{self.code}]: {self.message}"


def error(
    code: str, message: str, span: Span, label: str = "", notes: Sequence[str] = ()
) -> Diagnostic:
    return Diagnostic(Severity.ERROR, code, message, span, label, tuple(notes))


def warning(
    code: str, message: str, span: Span, label: str = "", notes: Sequence[str] = ()
) -> Diagnostic:
    return Diagnostic(Severity.WARNING, code, message, span, label, tuple(notes))


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


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.span.file, d.span.line, d.span.column, d.code)


def render(diagnostic: Diagnostic, source: str | None) -> str:
    """A diagnostic as a headline, the source line with a caret under the span, and notes.

    ::

        net.nd:12:19: error[unknown-name]: no subnet named 'privte-a' in vpc 'main'
           12 |   route 0.0.0.0/0 via privte-a
              |                       ^^^^^^^^ did you mean 'private-a'?
    """
    lines = [diagnostic.headline()]
    span = diagnostic.span
    text_lines = source.splitlines() if source is not None else []
    if 1 <= span.line <= len(text_lines):
        line = text_lines[span.line - 1].replace("\t", " ")
        number = str(span.line)
        gutter = " " * len(number)
        width = (span.end_column - span.column) if span.end_line == span.line else len(line)
        width = max(1, min(width, max(1, len(line) - span.column + 1)))
        caret = " " * (span.column - 1) + "^" * width
        lines.append(f" {number} | {line}")
        lines.append(f" {gutter} | {caret}" + (f" {diagnostic.label}" if diagnostic.label else ""))
    elif diagnostic.label:
        lines.append(f"  = {diagnostic.label}")
    lines.extend(f"  = {note}" for note in diagnostic.notes)
    return "\n".join(lines)


def render_all(diagnostics: Iterable[Diagnostic], sources: dict[str, str]) -> str:
    return "\n".join(render(d, sources.get(d.span.file)) for d in sorted(diagnostics, key=sort_key))
