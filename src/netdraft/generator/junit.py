"""JUnit XML: each ``expect`` line a test case (``netdraft check --format junit``).

One ``<testsuite>`` per checked file, named by the file relative to the base folder;
one ``<testcase>`` per ``expect`` line, named by the line as written, with the file as
``classname``. A failed expectation is a ``<failure>`` whose text is the explanation
(the path hop by hop). An error that is not an expectation's (the file does not parse,
a name is unknown, a price file is wrong) is a test case of its own with an
``<error>``: CI shows that the file could not be checked, not that it passed.
Warnings are listed in the suite's ``<system-out>``. There are no times or timestamps:
the same input gives the same bytes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from netdraft.diagnostics import Diagnostic, printable
from netdraft.generator.ci import CheckedFile, full_message, place, relative


def _counted(element: ET.Element, tests: int, failures: int, errors: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", str(errors))


def _suite(checked: CheckedFile, base: str | Path | None) -> tuple[ET.Element, int, int, int]:
    name = printable(relative(checked.path, base))
    suite = ET.Element("testsuite", name=name)
    failures = errors = 0
    for case in checked.cases:
        test = ET.SubElement(
            suite,
            "testcase",
            name=printable(case.text),
            classname=printable(relative(case.span.file, base)),
        )
        test.set("line", str(case.span.line))
        if case.diagnostic is not None:
            failures += 1
            failure = ET.SubElement(
                test,
                "failure",
                message=printable(case.diagnostic.message),
                type=case.diagnostic.code,
            )
            failure.text = full_message(case.diagnostic)
    warnings: list[Diagnostic] = []
    for d in checked.problems:
        if not d.is_error:
            warnings.append(d)
            continue
        errors += 1
        test = ET.SubElement(
            suite,
            "testcase",
            name=f"{d.severity.value}[{d.code}] at {place(d.span, base)}",
            classname=printable(relative(d.span.file, base)),
        )
        problem = ET.SubElement(test, "error", message=printable(d.message), type=d.code)
        problem.text = full_message(d)
    tests = len(checked.cases) + errors
    _counted(suite, tests, failures, errors)
    suite.set("skipped", "0")
    if warnings:
        out = ET.SubElement(suite, "system-out")
        out.text = "\n".join(
            f"{place(d.span, base)}: warning[{d.code}]: {full_message(d)}" for d in warnings
        )
    return suite, tests, failures, errors


def junit_xml(files: Sequence[CheckedFile], base: str | Path | None = None) -> str:
    """The JUnit XML report of the checked files, with an XML declaration and a final newline.

    Args:
        files: the checked files, in the order given on the command line.
        base: the folder file names are relative to (default: the current directory).
    """
    root = ET.Element("testsuites", name="netdraft check")
    totals = [0, 0, 0]
    for checked in files:
        suite, *numbers = _suite(checked, base)
        root.append(suite)
        totals = [a + b for a, b in zip(totals, numbers, strict=True)]
    _counted(root, *totals)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
