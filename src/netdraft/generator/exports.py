"""Every output format of ``netdraft render``, by extension: Graphviz's and the exports.

:mod:`netdraft.generator.diagram` draws SVG, PNG and PDF with Graphviz (and writes its DOT
text); :mod:`netdraft.generator.mermaid` and :mod:`netdraft.generator.drawio` export the
same view to Mermaid and draw.io. This module picks one by name and writes the file
atomically, as every output is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from netdraft.diagnostics import Diagnostic
from netdraft.generator import diagram
from netdraft.generator.view import View, scoped, view_of
from netdraft.model.network import Network, Query
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.prices import PriceTable

#: Output formats, by file extension: Graphviz's, then the exports.
FORMATS = (*diagram.FORMATS, "mmd", "drawio")

#: ``render --format`` names, with the extension each stands for.
FORMAT_NAMES = {
    "svg": "svg",
    "png": "png",
    "pdf": "pdf",
    "dot": "dot",
    "mermaid": "mmd",
    "mmd": "mmd",
    "drawio": "drawio",
}

#: The extensions a usage error lists.
EXTENSIONS_TEXT = ".svg, .png, .pdf, .dot, .mmd (Mermaid) or .drawio (draw.io)"


def export_bytes(view: View, fmt: str) -> bytes:
    """A view in one of :data:`FORMATS`, in memory (nothing is written).

    Raises:
        ValueError: ``fmt`` is not one of :data:`FORMATS`.
        GraphvizMissing: Graphviz's ``dot`` is not installed (all but DOT and Mermaid).
        RenderError: Graphviz could not lay the diagram out.
    """
    if fmt == "mmd":
        from netdraft.generator.mermaid import mermaid_text

        return mermaid_text(view).encode("utf-8")
    if fmt == "drawio":
        from netdraft.generator.drawio import drawio_xml

        return drawio_xml(view, diagram.layout_json(view)).encode("utf-8")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}': use {', '.join(FORMATS)}")
    return diagram.image_bytes(view, fmt)


def format_of(out_path: str | Path, fmt: str = "") -> str:
    """The format a file is written in: ``fmt`` when given, else its extension's.

    Raises:
        ValueError: neither names one of :data:`FORMATS`.
    """
    out = Path(out_path)
    chosen = fmt or out.suffix.lower().lstrip(".")
    if chosen not in FORMATS:
        raise ValueError(f"'{out.name}' has no known extension: use {EXTENSIONS_TEXT}")
    return chosen


def render_view(view: View, out_path: str | Path, fmt: str = "") -> None:
    """Write a view to a file in one of :data:`FORMATS`, replacing it atomically.

    Args:
        view: what to draw.
        out_path: the file to write.
        fmt: one of :data:`FORMATS`, whatever the extension (empty: the extension's).

    Raises:
        ValueError: no known format.
        GraphvizMissing: Graphviz's ``dot`` is not installed (all but DOT and Mermaid).
        RenderError: Graphviz could not lay the diagram out.
        OSError: the file cannot be written.
    """
    from netdraft.files import write_atomic

    chosen = format_of(out_path, fmt)
    write_atomic(Path(out_path), export_bytes(view, chosen))


def render(
    network: Network,
    out_path: str | Path,
    highlight: Query | None = None,
    prices: PriceTable | None = None,
    analysis: NetworkAnalysis | None = None,
    fmt: str = "",
    warnings: Sequence[Diagnostic] = (),
    vpcs: Sequence[str] = (),
    regions: Sequence[str] = (),
) -> None:
    """Draw a network, its flows and a highlighted path into a file of :data:`FORMATS`.

    Args:
        network: the compiled network.
        out_path: the file to write; its extension chooses the format unless ``fmt`` does.
        highlight: a query whose path is drawn in colour.
        prices: the price table for flow costs (the bundled one when not given).
        analysis: the network's analysis, whose costs and traces are used when given.
        fmt: one of :data:`FORMATS` (empty: the extension's).
        warnings: the file's diagnostics; each warning is marked on its component.
        vpcs: draw only these VPCs (and what they connect to, small), with ``regions``.
        regions: draw only these regions (with ``vpcs``).

    Raises:
        ValueError: no known format.
        GraphvizMissing: Graphviz's ``dot`` is not installed (all but DOT and Mermaid).
        RenderError: Graphviz could not lay the diagram out.
        OSError: the file cannot be written.
    """
    format_of(out_path, fmt)  # refused before anything is simulated
    view = view_of(network, highlight, prices, analysis, warnings)
    render_view(scoped(view, vpcs, regions), out_path, fmt)
