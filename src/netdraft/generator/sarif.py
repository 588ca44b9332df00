"""SARIF 2.1.0 logs: diagnostics as code-scanning results (``netdraft check --format sarif``).

A reusable writer: any list of diagnostics becomes one run of the ``netdraft`` tool, each
result with its code as ``ruleId``, its level, its message (label and notes on further
lines) and its place: the file relative to a base folder (``uriBaseId`` ``%SRCROOT%``,
the folder ``check`` ran in, which in CI is the checkout; never an absolute path) and
the region of its span. Columns count Unicode code points, as netdraft's spans do
(``columnKind``). ``tool.driver.rules`` lists every registered code with its description,
in the registry's order, so that a code's ``ruleIndex`` does not depend on the input.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from netdraft.codes import REGISTRY
from netdraft.diagnostics import Diagnostic
from netdraft.generator.ci import full_message, relative
from netdraft.model.values import Span

SARIF_VERSION = "2.1.0"
#: The base the artifact URIs are relative to (the SARIF specification's usual name).
SOURCE_ROOT = "%SRCROOT%"


def _location(d: Diagnostic, base: str | Path | None) -> dict[str, Any]:
    return location(d.span, base)


def location(span: Span, base: str | Path | None = None) -> dict[str, Any]:
    """A SARIF location of a span: its file relative to ``base``, and its region."""
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": quote(relative(span.file, base)), "uriBaseId": SOURCE_ROOT}
    }
    if span.line >= 1:  # a span of no place (line 0) has no region
        region: dict[str, int] = {"startLine": span.line}
        if span.column >= 1:
            region["startColumn"] = span.column
            if span.end_line >= span.line:
                region["endLine"] = span.end_line
                if span.end_column > (span.column if span.end_line == span.line else 0):
                    region["endColumn"] = span.end_column
        physical["region"] = region
    return {"physicalLocation": physical}


def sarif_log(
    diagnostics: Iterable[Diagnostic], version: str, base: str | Path | None = None
) -> dict[str, Any]:
    """A SARIF log with one run holding every diagnostic as a result, in the given order.

    Args:
        diagnostics: the results.
        version: netdraft's version (``tool.driver.version``).
        base: the folder artifact URIs are relative to (default: the current directory).
    """
    codes = list(REGISTRY.values())
    index = {code.name: i for i, code in enumerate(codes)}
    rules = [
        {
            "id": code.name,
            "shortDescription": {"text": code.description},
            "defaultConfiguration": {"level": code.severity.value},
            "properties": {"stage": code.stage.value},
        }
        for code in codes
    ]
    results = []
    for d in diagnostics:
        result: dict[str, Any] = {"ruleId": d.code}
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        result["level"] = d.severity.value
        result["message"] = {"text": full_message(d)}
        result["locations"] = [_location(d, base)]
        results.append(result)
    return {
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "netdraft",
                        "version": version,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def sarif_text(
    diagnostics: Iterable[Diagnostic], version: str, base: str | Path | None = None
) -> str:
    """:func:`sarif_log` as JSON text, indented by two spaces, with a final newline."""
    return json.dumps(sarif_log(diagnostics, version, base), indent=2, ensure_ascii=False) + "\n"
