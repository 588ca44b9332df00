"""Errors of the output stage that reach users as messages, not tracebacks."""

from __future__ import annotations


class RenderError(Exception):
    """Graphviz could not draw the diagram (its own message is kept)."""
