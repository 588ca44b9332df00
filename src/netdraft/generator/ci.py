"""What the CI formats of ``netdraft check`` report, as data: each file's diagnostics and cases.

A *case* is one ``expect`` line: its text as written, where it is, and the
``expect-failed`` diagnostic when it does not hold. The JUnit, SARIF, GitHub and JSON
writers read these, never an analysis, so that each is a small function of plain data.

File names in CI reports are relative to a base folder (the current directory, which
in CI is the checkout): a report never holds a machine's absolute paths, and GitHub and
code-scanning tools resolve relative names against the repository.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from netdraft.diagnostics import Diagnostic, printable
from netdraft.model.values import Span

#: The version of the ``netdraft check --format json`` document (docs/json.md).
CHECK_JSON_VERSION = 1


@dataclass(frozen=True, slots=True)
class Case:
    """One ``expect`` line: its text as written, its place, and why it fails (None: it holds)."""

    text: str
    span: Span
    diagnostic: Diagnostic | None

    @property
    def holds(self) -> bool:
        return self.diagnostic is None


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """A checked file: every diagnostic, in the order ``check`` prints them, and its cases.

    ``compiled`` is False when the file or a price file has errors, so that no
    expectation ran (its cases are then empty).
    """

    path: str
    diagnostics: tuple[Diagnostic, ...]
    cases: tuple[Case, ...]
    compiled: bool
    summary: str

    @property
    def ok(self) -> bool:
        return self.compiled and not any(d.is_error for d in self.diagnostics)

    @property
    def problems(self) -> tuple[Diagnostic, ...]:
        """The diagnostics that are not the failure of one of the cases."""
        failures = {id(c.diagnostic) for c in self.cases if c.diagnostic is not None}
        return tuple(d for d in self.diagnostics if id(d) not in failures)


def relative(file: str, base: str | Path | None = None) -> str:
    """``file`` relative to ``base`` (default: the current directory), with ``/`` separators.

    A name that is not a path (``<input>``) is kept as it is.
    """
    if file.startswith("<"):
        return file
    start = os.path.abspath(base if base is not None else os.curdir)
    try:
        found = os.path.relpath(os.path.abspath(file), start)
    except ValueError:  # another drive (Windows): keep only the name, never an absolute path
        found = PurePath(file).name
    return PurePath(found).as_posix()


def place(span: Span, base: str | Path | None = None) -> str:
    """``FILE:LINE:COLUMN`` of a span, the file relative to ``base``, escaped for display."""
    return f"{printable(relative(span.file, base))}:{span.line}:{span.column}"


def full_message(diagnostic: Diagnostic) -> str:
    """A diagnostic's message with its label and notes, one per line, escaped for display."""
    lines = [diagnostic.message]
    if diagnostic.label and diagnostic.label not in diagnostic.message:
        lines.append(diagnostic.label)
    lines += diagnostic.notes
    return "\n".join(printable(line) for line in lines)


def counts(diagnostics: Iterable[Diagnostic]) -> tuple[int, int]:
    """How many errors and how many warnings."""
    found = list(diagnostics)
    errors = sum(1 for d in found if d.is_error)
    return errors, len(found) - errors


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    span = d.span
    return {
        "severity": d.severity.value,
        "code": d.code,
        "message": d.message,
        "file": span.file,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "label": d.label,
        "notes": list(d.notes),
    }


def check_json(files: Sequence[CheckedFile]) -> str:
    """The ``netdraft check --format json`` document (docs/json.md), with a final newline."""
    document = {
        "version": CHECK_JSON_VERSION,
        "ok": all(f.ok for f in files),
        "files": [
            {
                "file": f.path,
                "ok": f.ok,
                "errors": counts(f.diagnostics)[0],
                "warnings": counts(f.diagnostics)[1],
                "diagnostics": [diagnostic_json(d) for d in f.diagnostics],
                "expectations": [
                    {
                        "text": c.text,
                        "file": c.span.file,
                        "line": c.span.line,
                        "column": c.span.column,
                        "holds": c.holds,
                    }
                    for c in f.cases
                ],
            }
            for f in files
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
