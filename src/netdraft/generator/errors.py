"""Errors of the output stage that reach users as messages, not tracebacks."""

from __future__ import annotations

#: What to tell a user whose machine has no Graphviz.
GRAPHVIZ_MISSING = (
    "Graphviz's 'dot' program was not found on PATH: install Graphviz"
    " (https://graphviz.org/download/, e.g. 'apt install graphviz' or 'brew install graphviz')"
    " to draw SVG or PNG diagrams; '.dot' output needs no Graphviz"
)


class RenderError(RuntimeError):
    """Graphviz could not draw the diagram (its own message is kept).

    A :class:`RuntimeError`, as ``graphviz``'s own errors are, so that callers that
    report those (the MkDocs plugin) report these too.
    """


class GraphvizMissing(RenderError):
    """Graphviz's ``dot`` program is not installed (or not on ``PATH``): nothing can be drawn."""


class TemplateProblem(Exception):
    """A template cannot be read or rendered (a user's template, usually).

    The message names the template and, where Jinja knows it, the line
    (``costs.md.j2:3: division by zero``).
    """


class TemplateUnsafe(TemplateProblem):
    """The sandbox refused what a template asked for (a private attribute, a huge value…)."""


class TemplateTooLarge(TemplateProblem):
    """A template file, or the page the templates write, is larger than netdraft accepts."""
