"""GitHub Actions annotations and step summary (``netdraft check --format github``).

Each diagnostic becomes a workflow command, ``::error file=F,line=L,endLine=E,col=C,
endColumn=K,title=CODE::message``, which GitHub shows on the line of the pull request.
Escaping follows GitHub's workflow-commands toolkit: in the message ``%``, CR and LF
become ``%25``, ``%0D`` and ``%0A``; in a property ``:`` and ``,`` also become ``%3A`` and
``%2C``.

GitHub shows at most :data:`ANNOTATIONS_PER_STEP` error annotations and as many
warning annotations of a step (and 50 of a job); the rest would vanish silently. So
the first ten of each kind are annotations and the others plain log lines, followed by
a line that counts them. The step summary (Markdown, for ``$GITHUB_STEP_SUMMARY``)
lists every file and every problem, kept under GitHub's 1 MiB limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from netdraft.diagnostics import Diagnostic, printable
from netdraft.generator.ci import CheckedFile, counts, full_message, place, relative
from netdraft.generator.markdown import escape_md

#: Annotations of one kind (error, warning) GitHub shows for a step.
ANNOTATIONS_PER_STEP = 10
#: The most bytes of step summary written (GitHub refuses more than 1 MiB a step).
SUMMARY_LIMIT = 1000 * 1000


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic, base: str | Path | None = None) -> str:
    """One diagnostic as a GitHub workflow command (``::error …::message``)."""
    span = d.span
    properties = [("file", printable(relative(span.file, base)))]
    if span.line >= 1:
        properties.append(("line", str(span.line)))
        if span.end_line >= span.line:
            properties.append(("endLine", str(span.end_line)))
        if span.column >= 1:
            properties.append(("col", str(span.column)))
            if span.end_line == span.line and span.end_column > span.column:
                properties.append(("endColumn", str(span.end_column)))
    properties.append(("title", d.code))
    shown = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{d.severity.value} {shown}::{escape_data(full_message(d))}"


def plain(d: Diagnostic, base: str | Path | None = None) -> str:
    """A diagnostic as one log line that GitHub does not turn into an annotation."""
    return f"{place(d.span, base)}: {d.severity.value}[{d.code}]: {printable(d.message)}"


def workflow_log(files: Sequence[CheckedFile], base: str | Path | None = None) -> str:
    """The log of a step: annotations within GitHub's limits, plain lines past them, summaries.

    Each file's problems come first, then its summary line (as ``check`` prints it).
    """
    lines: list[str] = []
    shown = {True: 0, False: 0}
    hidden = {True: 0, False: 0}
    for checked in files:
        for d in checked.diagnostics:
            if shown[d.is_error] < ANNOTATIONS_PER_STEP:
                shown[d.is_error] += 1
                lines.append(annotation(d, base))
            else:
                hidden[d.is_error] += 1
                lines.append(plain(d, base))
        lines.append(printable(checked.summary))
    if hidden[True] or hidden[False]:
        lines.append(
            f"netdraft: {hidden[True]} error{'s' * (hidden[True] != 1)} and {hidden[False]}"
            f" warning{'s' * (hidden[False] != 1)} above are not annotations: GitHub shows"
            f" {ANNOTATIONS_PER_STEP} of each kind a step"
        )
    return "".join(line + "\n" for line in lines)


def markdown_text(text: str) -> str:
    """Text that Markdown shows as written (:func:`~netdraft.generator.markdown.escape_md`)."""
    return escape_md(printable(text))


def step_summary(files: Sequence[CheckedFile], base: str | Path | None = None) -> str:
    """The Markdown step summary: one row per file, then each file's problems."""
    lines = [
        "## netdraft check",
        "",
        "| file | result | errors | warnings | expectations |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for f in files:
        errors, warnings = counts(f.diagnostics)
        held = sum(1 for c in f.cases if c.holds)
        expectations = f"{held} of {len(f.cases)} hold" if f.compiled else "not run"
        result = "ok" if f.ok else "**failed**"
        name = markdown_text(relative(f.path, base))
        lines.append(f"| {name} | {result} | {errors} | {warnings} | {expectations} |")
    size = sum(len(line.encode("utf-8")) + 1 for line in lines)
    left = 0
    for f in files:
        if not f.diagnostics:
            continue
        section = ["", f"### {markdown_text(relative(f.path, base))}", ""]
        for d in f.diagnostics:
            where = place(d.span, base)
            section.append(
                f"- {markdown_text(where)} {d.severity.value}\\[{markdown_text(d.code)}\\]:"
                f" {markdown_text(d.message)}"
            )
        grown = sum(len(line.encode("utf-8")) + 1 for line in section)
        if size + grown > SUMMARY_LIMIT:
            left += len(f.diagnostics)
            continue
        size += grown
        lines += section
    if left:
        lines += ["", f"{left} more problems are in the log (the summary is limited to 1 MB)."]
    return "\n".join(lines) + "\n"
