"""The MkDocs plugin: fenced ``netdraft`` blocks in pages become diagrams, each drawn once and cached."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import html
import importlib.metadata
import importlib.resources
import json
import os
import re
import secrets
import shlex
import subprocess
from collections.abc import Callable, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from netdraft import cache, codes
from netdraft.config import NO_CONFIG, PRICES_VARIABLE, Config, chosen, discover
from netdraft.diagnostics import Diagnostic, error, iter_rendered, moved, printable, shown
from netdraft.dsl.source import decode_source
from netdraft.files import MAX_SOURCE_BYTES, confine, is_regular, read_bytes, write_atomic
from netdraft.model.values import Span

if TYPE_CHECKING:
    from mkdocs.livereload import LiveReloadServer  # `mkdocs serve`'s: a build never loads it

    from netdraft.model.network import Query
    from netdraft.sim.analysis import NetworkAnalysis

# ``netdraft.api`` (and with it the compiler's model and the simulator) is imported where a
# block is computed: a build whose every block is unchanged takes them all from the cache
# (:meth:`NetdraftPlugin._block`) and never loads them.

log = get_plugin_logger(__name__)

#: How a diagram goes into the page: inline ``<svg>``, or an ``<img>`` of a file in the site.
EMBEDS = ("inline", "file")

#: Where ``embed: file`` diagrams, the full-size pictures and the stylesheet go in the built site.
SITE_FOLDER = "assets/netdraft"

#: The plugin's stylesheet in the site, added to ``extra_css`` (``css: false`` leaves it out).
CSS_NAME = f"{SITE_FOLDER}/netdraft.css"

#: The words of the link under each diagram to its picture at full size.
FULL_SIZE = "Open the diagram at full size"

#: The options a fence may set (``src`` and ``highlight`` only there, the others in mkdocs.yml too).
FENCE_OPTIONS = ("src", "embed", "docs", "source", "highlight")

# Visible with any theme; a site's CSS can restyle ``.netdraft-error`` further. A long
# diagnostic line scrolls inside the content column instead of running under a sidebar.
_ERROR_STYLE = "border-left:4px solid #d93025;padding-left:0.5em;max-width:100%;overflow-x:auto"
_ERROR_PRE_STYLE = "margin:0;overflow-x:auto;white-space:pre"

#: The folders that a block's ``src=`` and ``prices`` statements may name files in.
_TREE = "docs_dir and the folder of mkdocs.yml"

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


class NetdraftConfig(base.Config):  # type: ignore[no-untyped-call]  # mkdocs leaves __init_subclass__ untyped
    """The plugin's options in ``mkdocs.yml`` (each fence may override ``embed``, ``docs``, ``source``)."""

    embed = c.Choice(EMBEDS, default="inline")
    docs = c.Type(bool, default=False)
    source = c.Type(bool, default=False)
    cache_dir = c.Type(str, default=".cache/netdraft")
    prices = c.Optional(c.File(exists=True))
    css = c.Type(bool, default=True)


# --- fences -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Fence:
    """A fenced ``netdraft`` block of a page.

    ``start`` is the index of the opening line among the page's lines, ``end`` the index
    after the closing line; ``info`` is what follows ``netdraft`` on the opening line.
    """

    start: int
    end: int
    info: str
    body: str


_OPENING = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_LANGUAGE = re.compile(r"netdraft(?![\w-])")
# The attribute-list header ``{.netdraft src="net.nd"}`` (pymdownx.superfences' other form).
_BRACED = re.compile(r"\{\s*\.netdraft(?![\w-])(?P<options>[^}]*)\}\s*$")
# A line that may open a netdraft fence, top-level or nested: every line that
# :func:`find_fences` or :func:`nested_fences` takes for one matches. Possessive: the
# fence's run is never split to try again (a long line of backticks was quadratic).
_ANY_FENCE = re.compile(r"^[ \t>]*+(?:`{3,}+|~{3,}+)[^\n]*netdraft", re.MULTILINE)


def find_fences(markdown: str) -> list[Fence]:
    """The top-level fenced ``netdraft`` blocks of a Markdown text, in order.

    A ``netdraft`` fence inside another fenced block (a longer fence showing the syntax,
    say) is code, not a diagram. An unclosed fence runs to the end of the text, as in
    CommonMark. The header is ``netdraft`` and its options, or the attribute list
    ``{.netdraft OPTIONS}``.

    Args:
        markdown: the page's Markdown.

    Returns:
        The blocks found.
    """
    lines = page_lines(markdown)
    fences: list[Fence] = []
    for start, close, indent, info in _top_level_blocks(lines):
        options = _netdraft_options(info)
        if options is not None:
            body = [_dedent(line, indent) + "\n" for line in lines[start + 1 : close]]
            fences.append(Fence(start, min(close + 1, len(lines)), options, "".join(body)))
    return fences


def _netdraft_options(info: str) -> str | None:
    """What follows ``netdraft`` in a fence's header, or None for another language."""
    info = info.strip()
    language = _LANGUAGE.match(info)
    if language is not None:
        return info[language.end() :].strip()
    braced = _BRACED.match(info)
    return braced["options"].strip() if braced is not None else None


def _top_level_blocks(lines: Sequence[str]) -> list[tuple[int, int, int, str]]:
    """Every top-level fenced block: its opening line, its closing line (the number of
    lines when unclosed), the opening fence's indentation and its header (``info``)."""
    found: list[tuple[int, int, int, str]] = []
    i = 0
    while i < len(lines):
        opening = _OPENING.match(lines[i])
        if opening is None or (opening["fence"][0] == "`" and "`" in opening["info"]):
            i += 1
            continue
        closing = _closing(opening["fence"])
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            j += 1
        found.append((i, j, len(opening["indent"]), opening["info"]))
        i = j + 1
    return found


def _closing(mark: str) -> re.Pattern[str]:
    return re.compile(rf"^ {{0,3}}{re.escape(mark[0])}{{{len(mark)},}}[ \t]*$")


# A fence inside a list, a block quote, an admonition or a tab: after a ``>`` or indented
# four columns or more (pymdownx.superfences draws these; Python-Markdown sees code).
_NESTED = re.compile(r"^(?P<prefix>[ \t>]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
# A line that opens a container whose content is indented: a list item, an admonition
# (``!!!``), a collapsible block (``???``) or a content tab (``===``).
_CONTAINER = re.compile(r"^[ \t>]*(?:[-*+]|\d{1,9}[.)]|!!!|\?\?\?\+?|===\+?)(?:[ \t]|$)")


def nested_fences(markdown: str) -> list[Fence]:
    """The ``netdraft`` fences of a Markdown text that sit inside a list item, a block
    quote, an admonition or a tab, in order; the body of each is dedented.

    These are left to pymdownx.superfences (:func:`fence_format`); the plugin finds them to
    know their lines, and to warn when nothing would draw them. A fence inside a top-level
    fenced block, or in an indented code block, is code.

    Args:
        markdown: the page's Markdown.

    Returns:
        The blocks found.
    """
    lines = page_lines(markdown)
    inside: set[int] = set()
    for start, close, _, _ in _top_level_blocks(lines):
        inside.update(range(start, close + 1))
    fences: list[Fence] = []
    i = 0
    while i < len(lines):
        found = None if i in inside else _NESTED.match(lines[i])
        options = _netdraft_options(found["info"]) if found is not None else None
        if found is None or options is None or not _is_nested(lines, i, found["prefix"]):
            i += 1
            continue
        prefix = found["prefix"]
        closing = re.compile(rf"^{re.escape(prefix)}{re.escape(found['fence'])}[ \t]*$")
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            j += 1
        body = [line[len(prefix) :] + "\n" for line in lines[i + 1 : j]]
        fences.append(Fence(i, min(j + 1, len(lines)), options, "".join(body)))
        i = j + 1
    return fences


def _is_nested(lines: Sequence[str], index: int, prefix: str) -> bool:
    """Whether a fence with this prefix is inside a container (not a top-level fence, nor
    an indented code block): after a ``>``, or indented under a list item, an admonition
    or a tab."""
    if ">" in prefix:
        return True
    width = len(prefix.expandtabs(4))
    if width <= 3:
        return False
    for line in reversed(lines[:index]):
        if not line.strip() or len(line) - len(line.lstrip(" \t")) >= width:
            continue
        return bool(_CONTAINER.match(line))
    return False


def same_body(a: str, b: str) -> bool:
    """Whether two fence bodies hold the same lines, whatever their indentation."""

    def words(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    return words(a) == words(b)


def page_lines(text: str) -> list[str]:
    """A page's lines as Python-Markdown and netdraft's diagnostics count them: split at ``\n``.

    MkDocs reads pages with universal newlines (``\r\n`` and ``\r`` are already ``\n``);
    ``str.splitlines`` would also break at U+2028, U+0085, ``\v`` or ``\f`` and shift every
    line number after them.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # a final newline ends the last line; it starts none
    return lines


def _dedent(line: str, width: int) -> str:
    """A fenced line less the opening fence's indentation (at most that many spaces)."""
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, width) :]


@dataclasses.dataclass(frozen=True)
class BlockOptions:
    """What one block asks for: the site's defaults with the fence's own options applied."""

    embed: str = "inline"
    docs: bool = False
    source: bool = False
    highlight: tuple[str, ...] = ()
    src: str = ""


def parse_options(info: str, defaults: BlockOptions) -> BlockOptions:
    """Read a fence's options: ``{src="net.nd" embed=file docs=true highlight="a b tcp 22"}``.

    The braces are optional; values are shell-quoted words; a bare name means ``true``.

    Args:
        info: what follows ``netdraft`` on the opening line.
        defaults: the options from ``mkdocs.yml``.

    Returns:
        The block's options.

    Raises:
        ValueError: an unknown option or a value it cannot take (the message says which).
    """
    text = info.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise ValueError(f"cannot read the fence options '{info}': {exc}") from exc
    options = defaults
    for word in words:
        name, equals, value = word.partition("=")
        if not equals:
            value = "true"
        if name not in FENCE_OPTIONS:
            known = ", ".join(FENCE_OPTIONS)
            raise ValueError(f"unknown fence option '{name}' (known: {known})")
        if name == "embed":
            if value not in EMBEDS:
                raise ValueError(f"embed={value!r}: use embed=inline or embed=file")
            options = dataclasses.replace(options, embed=value)
        elif name in ("docs", "source"):
            flag = value.lower()
            if flag not in _TRUE | _FALSE:
                raise ValueError(f"{name}={value!r}: use {name}=true or {name}=false")
            if name == "docs":
                options = dataclasses.replace(options, docs=flag in _TRUE)
            else:
                options = dataclasses.replace(options, source=flag in _TRUE)
        elif name == "highlight":
            query = tuple(value.split())
            if not 2 <= len(query) <= 7:
                raise ValueError(f'highlight="{value}": give SRC DST [PROTO [PORT]]')
            options = dataclasses.replace(options, highlight=query)
        else:
            options = dataclasses.replace(options, src=value)
    return options


# --- outputs ----------------------------------------------------------------------------------

_PROLOGUE = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.DOTALL)
_ID = re.compile(r'\bid="([^"]+)"')
_HREF = re.compile(r'((?:xlink:)?href)="#([^"]+)"')
_URL = re.compile(r"url\(#([^)]+)\)")
_SVG_TAG = re.compile(r"<svg\b")
#: What :func:`inline_svg` writes: one ``<svg>`` element (Graphviz draws no other inside).
_INLINE_OPENING = '<svg style="max-width:100%;height:auto"'
_PLACEHOLDER = re.compile(r'<svg data-netdraft-picture="[0-9a-f]+-[0-9]+"></svg>')

#: The attributes a picture's :func:`search_skeleton` keeps: all that the search plugins
#: (MkDocs's and Material's) look at on an element, ``id`` only on a heading.
_SEARCHED_ATTRIBUTES = ("class",)
_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))


_PICTURE_END = "<netdraft-picture-end>"  # fed after a picture (:func:`search_skeleton`)


class _Skeleton(HTMLParser):
    """Writes back what an HTML parser reads of a picture, less the attributes no search
    plugin reads (:func:`search_skeleton`)."""

    def __init__(self, mark: str) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.mark = mark  # written in the first element, then ""
        self.after_data = False  # the last thing written is text

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], end: str) -> None:
        # An attribute without a value stays without one (a parser reads None, not "").
        kept = "".join(
            f" {name}" if value is None else f' {name}="{html.escape(value, quote=True)}"'
            for name, value in attrs
            if name in _SEARCHED_ATTRIBUTES
            or name.startswith("data-search")
            or (name == "id" and tag in _HEADINGS)
        )
        if self.mark:  # after the tag's name (which may hold any character but a space)
            kept, self.mark = f" {self.mark}{kept}", ""
        self._write(f"<{tag}{kept}{end}>")

    def _write(self, markup: str) -> None:
        self.out.append(markup)
        self.after_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, "/")

    def handle_endtag(self, tag: str) -> None:
        self._write(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        # Inside <style> or <script> the parser reads text as it is, elsewhere unescaped
        # (also inside <title> or <textarea>, for a parser that reads those apart: its
        # ``_escapable`` mode still unescapes them, and reads no comment there).
        special = getattr(self, "cdata_elem", None) is not None
        if special and not getattr(self, "_escapable", False):
            self.out.append(data)  # the same text, cut in the same pieces
        elif special:
            self.out.append(html.escape(data, quote=False))
        else:
            # The parser hands text in pieces (at a "<" that opens no tag, around a "</>"),
            # and both search parsers keep each piece apart: an empty comment between two
            # parts them again once they are written as one escaped text.
            if self.after_data:
                self.out.append("<!---->")
            self.out.append(html.escape(data, quote=False))
        self.after_data = not special

    # What is no element nor text still parts the text around it, as it did.
    def handle_comment(self, data: str) -> None:
        self._write("<!---->")

    def handle_decl(self, decl: str) -> None:
        self._write("<!---->")

    def handle_pi(self, data: str) -> None:
        self._write("<!---->")

    def unknown_decl(self, data: str) -> None:
        self._write("<!---->")


def search_skeleton(picture: str, mark: str) -> str:
    """What a site's search index reads of an inline picture, in a few per cent of its
    size: the same elements, in the same order, with the same text, and only the
    attributes a search plugin looks at (:data:`_SEARCHED_ATTRIBUTES`, ``data-search-*``);
    paths, coordinates and embedded icons go. The outermost element gets ``mark`` (an
    attribute) so that the skeleton can be found in the page and swapped back.

    MkDocs's search plugin and Material's read every page's HTML through Python's HTML
    parser; a diagram of hundreds of kilobytes made that most of what a warm build of a
    site spent beyond the build without the plugin. The search plugins read this instead
    (:meth:`NetdraftPlugin.on_page_context`), and index exactly the same words.
    ``""`` when a picture cannot have one: no element, or unfinished at its end.
    """
    parser = _Skeleton(mark)
    parser.feed(picture)
    # A picture that ends inside a comment, a tag or a <style> is read on, in the page,
    # with what follows it; a skeleton read alone would differ: it has none (""). A tag
    # fed after the picture tells: it is read as the last tag only after a finished one
    # (and it carries the mark only when the picture has no element to carry it).
    parser.feed(_PICTURE_END)
    parser.close()
    if not parser.out or parser.out[-1] != _PICTURE_END:
        return ""
    return "".join(parser.out[:-1])


def _swapped(
    text: str, pairs: Sequence[tuple[str, str]], done: list[int] | None = None
) -> tuple[str, int]:
    """``text`` with the first ``old`` of each pair after the previous one replaced by its
    ``new``, and how many were not found (those are left out); the index of each pair
    replaced is added to ``done``.

    In one pass, as the pictures are in the page's order: each replacement with
    ``str.replace`` copied the whole page, and its search for a needle of hundreds of
    kilobytes in a page that is not all ASCII took a millisecond; here each is found by
    its first characters, then compared whole.
    """
    pieces: list[str] = []
    last = missing = 0
    for number, (old, new) in enumerate(pairs):
        head = old[:200]
        at = text.find(head, last)
        while at >= 0 and not text.startswith(old, at):
            at = text.find(head, at + 1)
        if at < 0:
            missing += 1
            continue
        pieces += (text[last:at], new)
        last = at + len(old)
        if done is not None:
            done.append(number)
    pieces.append(text[last:])
    return "".join(pieces), missing


#: Where :meth:`NetdraftPlugin._stash` writes a skeleton's unique mark.
_SKELETON_MARK = "data-netdraft-index"


def inline_svg(svg: str, prefix: str) -> str:
    """An SVG document made fit to sit in an HTML page beside others.

    The XML prologue and comments go; every ``id`` (and every reference to one; a link to
    a section of the page is left as it is) gets ``prefix``, so that two diagrams on one page never share an id; blank lines go (they
    would end an HTML block in Markdown); the picture shrinks to the page's width.

    Args:
        svg: the SVG document.
        prefix: a prefix unique to this diagram.

    Returns:
        The ``<svg>`` element's text.
    """
    text = _PROLOGUE.sub("", svg)
    ids = set(_ID.findall(text))
    text = _ID.sub(lambda m: f'id="{prefix}{m[1]}"', text)
    # A link to the page's own sections (``#vpc-demo``) is no id of the SVG: it stays.
    text = _HREF.sub(
        lambda m: f'{m[1]}="#{prefix}{m[2]}"' if m[2] in ids else m[0],
        text,
    )
    text = _URL.sub(lambda m: f"url(#{prefix}{m[1]})", text)
    text = _SVG_TAG.sub(_INLINE_OPENING, text, count=1)
    return "\n".join(line for line in text.splitlines() if line.strip())


def _linked(svg: str, analysis: NetworkAnalysis) -> str:
    """A block's SVG with each component linked to its section of the generated page
    that follows it (``docs=true``); the view is built again, as the page is."""
    from netdraft.generator.svg import add_links, doc_anchors
    from netdraft.generator.view import view_of

    return add_links(svg, doc_anchors(view_of(analysis.network, analysis=analysis)))


def code_fence(text: str, language: str = "nd") -> str:
    """A Markdown fenced code block holding ``text`` whatever backticks it contains."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    mark = "`" * max(3, longest + 1)
    return f"{mark}{language}\n{text.rstrip()}\n{mark}"


def renderer_fingerprint() -> str:
    """A digest of everything that draws: netdraft's own files, ``diagrams`` and Graphviz.

    Part of every cache key, so that a new netdraft, a changed template or another
    Graphviz draws every diagram anew.
    """
    digest = hashlib.sha256()
    for name in ("netdraft", "diagrams", "graphviz"):
        try:
            digest.update(f"{name} {importlib.metadata.version(name)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name} -\n".encode())
    digest.update(cache.code_fingerprint().encode())
    try:
        dot = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=False, timeout=30)
        digest.update((dot.stderr + dot.stdout).encode())
    except (OSError, subprocess.SubprocessError):
        digest.update(b"no dot")
    return digest.hexdigest()


#: Where the cache secret is kept: the user's cache folder, outside any repository.
SECRET_NAME = cache.SECRET_NAME
#: This machine's secret for naming cache entries (shared with the compiled-network cache).
cache_secret = cache.secret


def block_key(
    fingerprint: str,
    text: str,
    name: str,
    options: BlockOptions,
    prices: Sequence[tuple[str, str]],
    included: Sequence[tuple[str, str]] = (),
    untitled: bool = False,
    warnings: Sequence[str] = (),
) -> str:
    """The cache key of a block: a SHA-256 of all that its drawing and its page depend on.

    Args:
        fingerprint: :func:`renderer_fingerprint`.
        text: the network's source.
        name: the source's file name (the generated page names it).
        options: the block's options (only ``highlight`` changes the drawing).
        prices: the price files applied, in the order applied (a later one overrides an
            earlier one): each file's path (relative to ``mkdocs.yml`` when inside its
            folder, else resolved) and its text.
        included: the files the network includes, in the order first read: each one's
            path (as for ``prices``) and its text.
        untitled: the picture is drawn without its title (``docs=true``: a heading names it).
        warnings: the warnings a ``docs=true`` page lists (the configuration decides them).

    Returns:
        A hex digest.
    """
    data: dict[str, object] = {
        "renderer": fingerprint,
        "text": text,
        "name": name,
        "highlight": list(options.highlight),
        "prices": [[file, content] for file, content in prices],
    }
    if included:  # absent otherwise, so that the keys of other blocks stay as they were
        data["included"] = [[file, content] for file, content in included]
    if untitled:  # likewise
        data["untitled"] = True
    if warnings:  # likewise
        data["warnings"] = list(warnings)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


# --- pymdownx.superfences ----------------------------------------------------------------------

#: The plugin of the build under way: the custom fence's formatter draws through it.
_ACTIVE: list[NetdraftPlugin] = []


def fence_validator(
    language: str, inputs: dict[str, str], options: dict[str, str], attrs: dict[str, str], md: Any
) -> bool:
    """pymdownx.superfences' validator of a ``netdraft`` custom fence: takes every option.

    The options are checked when the block is drawn, where a mistake becomes a diagnostic
    (``error[fence-option]``) rather than a code block.
    """
    options.update(inputs)
    return True


def fence_format(
    source: str, language: str, class_name: str, options: dict[str, str], md: Any, **kwargs: Any
) -> str:
    """pymdownx.superfences' formatter of a ``netdraft`` custom fence: the block's HTML.

    Set it as the ``format`` of a custom fence named ``netdraft`` (docs/mkdocs.md), so that
    blocks inside lists, admonitions and content tabs are drawn as top-level ones are.
    """
    if not _ACTIVE or _ACTIVE[-1]._current is None:
        message = (
            "netdraft: a netdraft fence needs the netdraft plugin in the plugins of mkdocs.yml"
        )
        log.warning(message)
        return _error_html(message)
    info = " ".join(
        name if value == name else f"{name}={shlex.quote(str(value))}"
        for name, value in options.items()
    )
    return _ACTIVE[-1].nested_block(source, info)


def _error_html(shown: str) -> str:
    """Diagnostics as the page shows them: in the content column, scrolled when wide."""
    return (
        f'<div class="netdraft-error" style="{_ERROR_STYLE}">\n'
        f'<pre style="{_ERROR_PRE_STYLE}">{html.escape(shown, quote=False)}</pre>\n</div>'
    )


def _superfenced(config: MkDocsConfig) -> bool:
    """Whether an extension (pymdownx.superfences) hands ``netdraft`` fences to
    :func:`fence_format`: a ``custom_fences`` entry named ``netdraft`` with that format."""
    for settings in (config.mdx_configs or {}).values():
        fences = settings.get("custom_fences") if isinstance(settings, dict) else None
        for fence in fences if isinstance(fences, list) else ():
            named = isinstance(fence, dict) and fence.get("name") == "netdraft"
            if named and fence.get("format") is fence_format:
                return True
    return False


def _atx_title(markdown: str) -> str:
    """The text of the page's first ``# heading`` outside fenced blocks ("" when none)."""
    lines = page_lines(markdown)
    inside: set[int] = set()
    for start, close, _, _ in _top_level_blocks(lines):
        inside.update(range(start, close + 1))
    for i, line in enumerate(lines):
        found = None if i in inside else _H1.match(line)
        if found is not None:
            return _ATTRS.sub("", found["text"]).strip().rstrip("#").strip()
    return ""


_H1 = re.compile(r"^ {0,3}#[ \t]+(?P<text>.+?)[ \t]*$")
_ATTRS = re.compile(r"\s*\{[^}]*\}\s*$")  # attr_list's ``{#id .class}`` after a heading


# --- the plugin -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _PageContext:
    """A page as the blocks of it need it: its name in messages, folder, text and URL."""

    display: str
    path: Path
    source: str
    line_offset: int  # lines of front matter above the Markdown the plugin is given
    url: str
    lines: tuple[str, ...] = ()  # the source's lines, found once for all its blocks
    title: str = ""  # the page's own title (front matter, else its first `# heading`)


def _body_offset(source: str, markdown: str) -> int:
    """How many lines of the page file come before the Markdown body (YAML front matter)."""
    if markdown and source.endswith(markdown):
        return source[: len(source) - len(markdown)].count("\n")
    return 0


class NetdraftPlugin(BasePlugin[NetdraftConfig]):  # type: ignore[no-untyped-call]
    """Turns fenced ``netdraft`` blocks into diagrams (and generated documentation).

    Diagnostics are logged as MkDocs warnings, so ``mkdocs build --strict`` fails on them;
    without ``--strict`` the page shows them where the diagram would be.
    """

    def __init__(self) -> None:
        super().__init__()
        self.renders = 0  # diagrams drawn in this build
        self.reused = 0  # diagrams taken from the cache
        self.errors = 0  # blocks with errors
        self._root = Path.cwd()
        self._docs_dir = Path.cwd()
        self._cache = Path.cwd()
        self._fingerprint = ""
        self._site_files: dict[str, bytes] = {}
        self._secret = b""
        self._watch: set[str] = set()
        self._settings: Config = NO_CONFIG  # `[tool.netdraft]` or netdraft.toml
        self._prices: str | Path | None = None
        self._current: _PageContext | None = None  # the page being converted
        self._pending: list[Fence] = []  # its nested fences not drawn yet (superfences)
        self._superfences = False  # pymdownx.superfences hands nested fences to the plugin
        self._markdown: tuple[list[Any], dict[str, Any]] = ([], {})  # the site's extensions
        # The block being computed: what it logged, its drawing's key, site file and the
        # files it read (None until drawn), and whether it has errors (:meth:`_block`).
        self._logged: list[tuple[str, str]] = []
        # The build's inline pictures, by their placeholders (:meth:`_stash`), and what the
        # search index reads of each (:func:`search_skeleton`).
        self._stashed: dict[str, str] = {}
        self._skeletons: dict[str, str] = {}
        # The placeholders on each page, by its file (:meth:`on_page_content`).
        self._on_page: dict[str, list[str]] = {}
        self._nonce = secrets.token_hex(8)
        self._made: tuple[str, str, list[tuple[Path, str]], list[tuple[str, str]]] | None = None
        self._picture = ""  # the block's inline picture, as written in its HTML
        self._failed = False

    # -- events --

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Resolve the cache folder (next to ``mkdocs.yml``, never inside ``docs_dir``)."""
        self._root = (
            Path(config.config_file_path).resolve().parent
            if config.config_file_path
            else Path.cwd()
        )
        self._docs_dir = Path(config.docs_dir).resolve()
        self._cache = (self._root / self.config.cache_dir).resolve()
        if self._cache == self._docs_dir or self._docs_dir in self._cache.parents:
            raise PluginError(
                f"netdraft: cache_dir '{self.config.cache_dir}' is inside docs_dir: choose a folder outside it"
            )
        self._fingerprint = renderer_fingerprint()
        self._secret = cache_secret()
        self.renders = self.reused = self.errors = 0
        self._site_files.clear()
        self._stashed.clear()
        self._skeletons.clear()
        self._on_page.clear()
        _ACTIVE[:] = [self]
        self._superfences = _superfenced(config)
        self._markdown = (list(config.markdown_extensions), dict(config.mdx_configs or {}))
        if self.config.css and CSS_NAME not in config.extra_css:
            config.extra_css.append(CSS_NAME)
        # The configuration beside mkdocs.yml (or above it, up to the repository's root);
        # the plugin's `prices:` option comes first, then NETDRAFT_PRICES, then the file's.
        loaded = discover(self._root)
        if loaded.problems:
            shown_problems = "\n".join(iter_rendered(loaded.problems, loaded.sources()))
            raise PluginError(f"netdraft: the configuration has mistakes:\n{shown_problems}")
        self._settings = loaded.config
        self._prices = chosen(self.config.prices, PRICES_VARIABLE, loaded.config.prices)
        if loaded.config.path is not None:
            self._watch.add(str(loaded.config.path))
        if self._prices:
            self._watch.add(str(self._prices))
        return config

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Replace each ``netdraft`` fence of the page with its diagram (or its diagnostics).

        Fences inside lists, block quotes, admonitions and tabs are left to
        pymdownx.superfences (:func:`fence_format`), or warned about when it is not set up.
        """
        # Most pages have no line that could open a netdraft fence: they need no scan.
        candidate = _ANY_FENCE.search(markdown) is not None
        fences = find_fences(markdown) if candidate else []
        nested = nested_fences(markdown) if candidate else []
        self._current = None
        self._pending = []
        # With the custom fence set up, superfences may find a block this scan did not: it
        # is drawn with the page's context all the same.
        if not fences and not nested and not self._superfences:
            return None
        lines = page_lines(markdown)
        context = self._page_context(page, markdown)
        self._current, self._pending = context, nested
        if not self._superfences:
            for fence in nested:
                line = fence.start + context.line_offset + 1
                log.warning(
                    f"{context.display}:{line}: this netdraft block is inside a list, a block "
                    "quote, an admonition or a tab: it is drawn only with pymdownx.superfences "
                    "and netdraft's custom fence (docs/mkdocs.md), else it stays code"
                )
        if not fences:
            return None
        out: list[str] = []
        last = 0
        for fence in fences:
            out.extend(lines[last : fence.start])
            out.extend(["", self._stash(*self._block(fence, context)), ""])
            last = fence.end
        out.extend(lines[last:])
        return "\n".join(out) + "\n"

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Put each inline picture back where :meth:`_stash` left its placeholder: the
        plugins after this one see the page's HTML as it will be."""
        found: list[str] = []
        self._on_page[page.file.src_uri] = found
        return self._unstashed(html, found)

    @event_priority(100)  # before the search plugins (MkDocs's and Material's) read the page
    def _before_search(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        """Let the search index read each inline picture's skeleton, not the picture."""
        tokens = self._searched(page)
        swapped: list[int] = []
        if tokens and page.content is not None:
            # A picture another plugin changed since on_page_content is not found: it stays
            # (and is indexed whole), and is not looked for after the search plugins.
            page.content, _ = _swapped(
                page.content, [(self._stashed[t], self._skeletons[t]) for t in tokens], swapped
            )
        self._on_page[page.file.src_uri] = [tokens[i] for i in swapped]
        return None

    @event_priority(-100)  # after them: the page is written with its pictures
    def _after_search(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        """Put back the pictures :meth:`_before_search` took out of the page."""
        pairs = [(self._skeletons[t], self._stashed[t]) for t in self._searched(page)]
        self._on_page.pop(page.file.src_uri, None)
        if pairs and page.content is not None:
            page.content, missing = _swapped(page.content, pairs)
            if missing:
                log.warning(
                    f"{page.file.src_uri}: a plugin changed this page's HTML while the search "
                    "index read it: a diagram on it may be missing (its outline shows instead)"
                )
        return None

    def _searched(self, page: Page) -> list[str]:
        """The placeholders of a page's pictures that the search index reads a skeleton of."""
        return [
            token
            for token in self._on_page.get(page.file.src_uri, ())
            if token in self._skeletons and token in self._stashed
        ]

    on_page_context = CombinedEvent(_before_search, _after_search)

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Put back the placeholders left in a page's final HTML: those of Markdown that
        was converted again after the page's own conversion (the excerpts of Material's
        blog plugin are a post's Markdown, converted for its index and archive pages)."""
        return self._unstashed(output)

    def _unstashed(self, html: str, found: list[str] | None = None) -> str | None:
        """``html`` with its placeholders replaced by their pictures (None: it has none);
        each placeholder replaced is added to ``found``."""
        if not self._stashed or "data-netdraft-picture" not in html:
            return None

        def picture(match: re.Match[str]) -> str:
            token = match[0]
            if found is not None and token in self._stashed:
                found.append(token)
            return self._stashed.get(token, token)

        return _PLACEHOLDER.sub(picture, html)

    def _stash(self, text: str, picture: tuple[int, int] | None, skeleton: str = "") -> str:
        """A block's Markdown/HTML with its inline picture (``text[start:end]``) replaced by
        a short placeholder (an empty ``<svg>`` element), which :meth:`on_page_content`
        replaces back in the page's HTML (and :meth:`on_post_page` in HTML made from the
        page's Markdown again: each placeholder stands for its picture for the whole
        build). Python-Markdown copies a block of HTML as it is,
        but reads it through its HTML parser first: for a diagram of hundreds of kilobytes,
        that cost more than the rest of the page's conversion. Only the picture the plugin
        drew is replaced, by its place: the network's text shown beside it (``source=true``)
        may hold anything, ``<svg`` included. ``skeleton`` is what the search index
        reads instead of the picture (:func:`search_skeleton`; its mark is made unique
        here)."""
        if picture is None:
            return text
        start, end = picture
        number = f"{self._nonce}-{len(self._stashed)}"
        token = f'<svg data-netdraft-picture="{number}"></svg>'
        self._stashed[token] = text[start:end]
        if skeleton:
            self._skeletons[token] = skeleton.replace(
                _SKELETON_MARK, f'data-netdraft-index="{number}"', 1
            )
        return text[:start] + token + text[end:]

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Copy the diagrams' files from the cache into the site, and the stylesheet.

        Each file is written whole or not at all, but not flushed to disk: the site is
        rebuilt whole by every build, and MkDocs writes its own pages the same way."""
        site = Path(config.site_dir)
        if self.config.css:
            css = importlib.resources.files("netdraft").joinpath("mkdocs.css").read_bytes()
            write_atomic(site / CSS_NAME, css, durable=False)
        for name, data in sorted(self._site_files.items()):
            write_atomic(site / name, data, durable=False)
        total = self.renders + self.reused
        if total or self.errors:
            log.info(
                f"{total} diagram{'s' * (total != 1)}: {self.renders} drawn, "
                f"{self.reused} from the cache ({self._display(str(self._cache))})"
                + (
                    f"; {self.errors} block{'s' * (self.errors != 1)} with errors"
                    if self.errors
                    else ""
                )
            )

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer | None:
        """Watch the ``.nd`` and price files that pages include from outside ``docs_dir``."""
        for path in sorted(self._watch):
            server.watch(path)
        return server

    # -- one block --

    def _page_context(self, page: Page, markdown: str) -> _PageContext:
        if page.file.abs_src_path:
            path = Path(page.file.abs_src_path).resolve()
            try:
                source = page.file.content_string.replace("\r\n", "\n")
            except (OSError, UnicodeDecodeError):
                source = markdown
        else:
            path = self._docs_dir / page.file.src_uri
            source = markdown
        display = self._display(str(path))
        offset = _body_offset(source, markdown)
        meta = page.meta.get("title") if isinstance(page.meta, dict) else None
        title = meta.strip() if isinstance(meta, str) else _atx_title(markdown)
        return _PageContext(
            display, path, source, offset, page.url, tuple(page_lines(source)), title
        )

    def nested_block(self, source: str, info: str) -> str:
        """The HTML of a fence that pymdownx.superfences found inside another block.

        Its line is the one :func:`nested_fences` found with the same body (the page's
        first line when none matches); the block's Markdown is converted with the site's
        extensions, as the page's own text is.
        """
        import markdown as python_markdown  # type: ignore[import-untyped]  # MkDocs's, no stubs

        page = self._current
        assert page is not None
        found = next((f for f in self._pending if same_body(f.body, source)), None)
        if found is not None:
            self._pending.remove(found)
        start = found.start if found is not None else 0
        fence = Fence(start, start + 1, info, source if source.endswith("\n") else source + "\n")
        text = self._stash(*self._block(fence, page))
        extensions, configs = self._markdown
        converter = python_markdown.Markdown(extensions=extensions, extension_configs=configs)
        return str(converter.convert(text))

    def _display(self, file: str) -> str:
        """A file's name in messages: relative to the folder of ``mkdocs.yml`` when inside it."""
        if file.startswith("<"):
            return file
        try:
            return Path(file).resolve().relative_to(self._root).as_posix()
        except ValueError:
            return file

    def _defaults(self) -> BlockOptions:
        return BlockOptions(
            embed=self.config.embed, docs=self.config.docs, source=self.config.source
        )

    def _block(self, fence: Fence, page: _PageContext) -> tuple[str, tuple[int, int] | None, str]:
        """The Markdown/HTML that replaces one fence, where its inline picture is in it
        (None: it has none) and the picture's :func:`search_skeleton` (``""``: none): an
        earlier build's, when nothing it depends on changed (:meth:`_result_key`), else
        computed (:meth:`_checked_block`)."""
        key = self._result_key(fence, page)
        if key is not None:
            found = self._replayed(key)
            if found is not None:
                return found
        from netdraft import api

        self._logged, self._made, self._failed, self._picture = [], None, False, ""
        # An unchanged block's network is compiled once, across builds (api.compile_cache).
        with api.compile_cache(not os.environ.get(cache.NO_CACHE_VARIABLE)):
            out = self._checked_block(fence, page)
        # The drawing is the block's last part, or in its generated page: after anything
        # of the network's text shown, which a search from the end never takes for it.
        at = out.rfind(self._picture) if self._picture else -1
        picture = (at, at + len(self._picture)) if at >= 0 else None
        # A picture whose elements carry data-search-* attributes is left to the search
        # index whole (Material's plugin rewrites those, so its skeleton would not be found).
        searched = picture is not None and "data-search" not in self._picture
        skeleton = search_skeleton(self._picture, _SKELETON_MARK) if searched else ""
        if "data-search" in skeleton:
            # Nor one whose skeleton has them: from an attribute in capitals, or from text
            # written with entities (Graphviz writes "-" in a title as "&#45;").
            skeleton = ""
        if key is not None and self._made is not None and not self._failed:
            self._keep_result(key, out, picture, skeleton)
        return out, picture, skeleton

    def _result_key(self, fence: Fence, page: _PageContext) -> str | None:
        """The key of a block's whole result (its HTML, what it logs, its picture): a digest
        of what the result depends on that is known before compiling the network: the
        renderer, the fence, the network's text and file, the page and where the block sits
        on it, the site's folders, configuration and price file. What only compiling tells
        (the files the network includes, its ``prices`` statements' files) is kept in the
        entry and checked on a hit (:meth:`_replayed`). None: not kept (no text to key on)."""
        if os.environ.get(cache.NO_CACHE_VARIABLE):
            return None
        try:
            options = parse_options(fence.info, self._defaults())
        except ValueError:
            return None  # a diagnostic: computed each time
        path, text = page.path, fence.body
        if options.src:
            located = self._find(options.src, page.path.parent, Span(page.display, 1, 1, 1, 1))
            if fence.body.strip() or isinstance(located, Diagnostic):
                return None
            try:
                read, problem = _read_nd(located)
            except OSError:
                return None
            if read is None or problem is not None:
                return None
            path, text = located, read
            if self._docs_dir not in path.parents:
                self._watch.add(str(path))
        prices = ""
        if self._prices:
            try:
                prices = Path(self._prices).read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                return None
        line = fence.start + page.line_offset + 1
        settings = self._settings
        data = {
            "result": 3,
            "renderer": self._fingerprint,
            "info": fence.info,
            "defaults": dataclasses.astuple(self._defaults()),
            "text": text,
            "path": str(path),
            "page": [page.display, str(page.path), line, page.url, page.title],
            "opening": page.lines[line - 1] if 0 < line <= len(page.lines) else "",
            "site": [str(self._root), str(self._docs_dir)],
            "settings": [
                str(settings.path),
                str(settings.prices),
                str(settings.templates),
                sorted(settings.ignore),
                sorted(settings.severity.items()),
            ],
            "prices": [str(self._prices or ""), prices],
        }
        digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _replayed(self, key: str) -> tuple[str, tuple[int, int] | None, str] | None:
        """A block's result from an earlier build, when every file it read still has the
        text it had and its picture is still in the cache: its messages logged again, its
        picture put in the site, as when it was computed; else None."""
        cached = self._cached(self._entry(key, ".block.json"))
        if cached is None:
            return None
        try:
            entry = json.loads(cached)
            for file, digest in entry["reads"]:
                if _digest_of(Path(file)) != digest:
                    return None
            # Each name the network gave a file still leads to the file it led to.
            for named, real in entry["links"]:
                if os.path.realpath(named) != real:
                    return None
            svg = self._cached_bytes(self._entry(entry["drawing"], ".svg"))
            if svg is None:
                return None
            html_text, site_name, logged = entry["html"], entry["site_file"], entry["logged"]
            picture, skeleton = entry["picture"], entry["skeleton"]
            if not isinstance(html_text, str) or not isinstance(skeleton, str):
                return None
            if picture is not None:
                start, end = (int(n) for n in picture)
                if not 0 <= start <= end <= len(html_text):
                    return None
                picture = (start, end)
        except (ValueError, KeyError, TypeError, OSError, UnicodeDecodeError):
            return None
        self._site_files[site_name] = svg
        self.reused += 1
        for file, _ in entry["reads"]:
            if self._docs_dir not in Path(file).parents:
                self._watch.add(file)
        for level, message in logged:
            (log.warning if level == "warning" else log.info)(message)
        return html_text, picture, skeleton

    def _keep_result(
        self, key: str, out: str, picture: tuple[int, int] | None, skeleton: str
    ) -> None:
        """Keep a block's result for the next build (see :meth:`_replayed`)."""
        assert self._made is not None
        drawing, site_name, reads, links = self._made
        entry = self._entry(key, ".block.json")
        data = {
            "html": out,
            "logged": self._logged,
            "drawing": drawing,
            "site_file": site_name,
            "reads": [
                [str(file), hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()]
                for file, text in reads
            ],
            "links": links,
            "picture": picture,
            "skeleton": skeleton,
        }
        # A result not kept is computed again next time, never a failure: a cache the build
        # may read but not write (restored read-only in CI) still gives its drawings.
        try:
            self._clear(entry)
            write_atomic(entry, json.dumps(data, ensure_ascii=False))
            self._seal(entry)
        except OSError as exc:
            log.debug(f"netdraft: the block's result is not kept: {exc}")

    def _checked_block(self, fence: Fence, page: _PageContext) -> str:
        """The Markdown/HTML that replaces one fence, computed: the network checked, its
        diagram drawn (or taken from the cache of drawings)."""
        from netdraft import api

        line = fence.start + page.line_offset + 1
        source_lines = page.lines
        width = len(source_lines[line - 1]) if 0 < line <= len(source_lines) else 1
        where = Span(page.display, line, 1, line, width + 1)
        sources = {page.display: page.source}
        try:
            options = parse_options(fence.info, self._defaults())
        except ValueError as exc:
            return self._report([error(codes.FENCE_OPTION, str(exc), where)], sources, "", None)

        # The network's text, and how its positions map onto what the reader edits. Price
        # files named in blocks are confined to the site (docs_dir and mkdocs.yml's folder).
        roots = (self._docs_dir, self._root)
        if options.src:
            if fence.body.strip():
                problem = error(
                    codes.FENCE_OPTION,
                    f'a block with src="{shown(options.src, 400)}" must be empty',
                    where,
                )
                return self._report([problem], sources, fence.body, None)
            located = self._find(options.src, page.path.parent, where)
            if isinstance(located, Diagnostic):
                return self._report([located], sources, "", None)
            path = located
            if self._docs_dir not in path.parents:
                self._watch.add(str(path))
            try:
                analysis = api.analyse(
                    path, self._prices, roots=roots, tree=_TREE, config=self._settings
                )
            except OSError as exc:
                message = f"cannot read '{shown(options.src, 400)}': {exc.strerror or exc}"
                return self._report(
                    [error(codes.FILE_NOT_FOUND, message, where)], sources, "", None
                )
            text = analysis.compiled.text
            shifts = {str(path): (self._display(str(path)), 0)}
            note = f"in the netdraft block at {page.display}:{line}"
        else:
            text = fence.body
            analysis = api.analyse(
                page.path,
                self._prices,
                text=text,
                roots=roots,
                tree=_TREE,
                config=self._settings,
            )
            shifts = {str(page.path): (page.display, line)}
            note = ""
        sources.update({display: text for display, _ in shifts.values() if display != page.display})
        # Included files (LANGUAGE.md §8): their diagnostics point into them, and a change
        # to one is a change to the block (its cache key, and `mkdocs serve` watches it).
        included = [(self._display(f), t) for f, t in analysis.compiled.included]
        sources.update(included)
        for file, _ in analysis.compiled.included:
            real = Path(file).resolve()
            if self._docs_dir not in real.parents:
                self._watch.add(str(real))

        def relocate(found: list[Diagnostic] | tuple[Diagnostic, ...]) -> list[Diagnostic]:
            return [self._relocate(d, shifts, note) for d in found]

        # Compiler, price files, failed expectations and denied flows: each computed once. A
        # price file's text is never a source to render: its diagnostics quote enough.
        diagnostics = relocate(analysis.diagnostics)
        network, computed = analysis.network, analysis.analysis
        if network is None or computed is None or analysis.price_files is None:
            return self._report(diagnostics, sources, text if options.source else "", None)

        highlight: Query | None = None
        if options.highlight:
            from netdraft.dsl.query import parse_query

            query = parse_query(network, *options.highlight)
            if isinstance(query, list):
                written = " ".join(options.highlight)
                for d in query:
                    diagnostics.append(
                        dataclasses.replace(
                            d, span=where, notes=(*d.notes, f'in highlight="{written}"')
                        )
                    )
                return self._report(diagnostics, sources, text if options.source else "", None)
            highlight = query

        applied = [
            (self._display(str(file)), content) for file, content in analysis.price_files.applied
        ]
        # With docs=true a heading names the network: the picture leaves its title out.
        untitled = options.docs
        listed = [d for d in diagnostics if not d.is_error] if options.docs else []
        key = block_key(
            self._fingerprint,
            text,
            Path(network.file).name,
            options,
            applied,
            included,
            untitled,
            [d.headline() for d in listed],
        )
        try:
            svg = self._drawing(key, computed, highlight, where, untitled)
            docs = self._page(key, computed, text, listed) if options.docs else ""
        except (OSError, RuntimeError, ValueError, subprocess.SubprocessError) as exc:
            # Graphviz's own errors can run to pages: the first line says enough.
            reason = printable((str(exc).splitlines() or [type(exc).__name__])[0])
            reason = reason if len(reason) <= 300 else reason[:300] + "…"
            raise PluginError(f"netdraft: cannot draw the block at {where}: {reason}") from exc
        title = network.title or (Path(options.src).stem if options.src else "network diagram")
        # Every diagram is also a file of the site, linked under it: the picture at full
        # size, however narrow the content column (and the `<img>` of embed=file).
        name = f"{SITE_FOLDER}/{key[:24]}.svg"
        self._site_files[name] = svg.encode("utf-8")
        # What the result read besides its own text: kept with it, checked on a hit.
        reads = [(Path(f).resolve(), t) for f, t in analysis.compiled.included]
        reads += list(analysis.price_files.applied)
        # And the names they were read by (an include's, a prices statement's): a link
        # pointed at another file changes the result as a changed file does.
        named = [f for f, _ in analysis.compiled.included]
        named += [str(Path(span.file).parent / file) for file, span in network.price_files]
        links = [(f, os.path.realpath(f)) for f in named]
        self._made = (key, name, reads, links)
        href = html.escape(get_relative_url(name, page.url), quote=True)
        if options.embed == "file":
            figure = f'<img src="{href}" alt="{html.escape(title, quote=True)}">'
        else:
            figure = inline_svg(_linked(svg, computed) if options.docs else svg, f"nd{key[:8]}-")
            self._picture = figure
        drawing = (
            f'<div class="netdraft-diagram">\n{figure}\n'
            f'<p class="netdraft-full-size"><a href="{href}">{FULL_SIZE}</a></p>\n</div>'
        )
        if docs:
            docs = _placed(docs, drawing, network.title or "", page.title)
            return self._report(diagnostics, sources, text if options.source else "", None, docs)
        return self._report(diagnostics, sources, text if options.source else "", drawing, docs)

    def _find(self, src: str, page_dir: Path, where: Span) -> Path | Diagnostic:
        """A ``src=`` file: beside the page, else in ``docs_dir``, else beside ``mkdocs.yml``.

        Only a regular ``.nd`` file inside ``docs_dir`` or the folder of ``mkdocs.yml``
        (with ``..`` and links resolved) is taken; anything else is a diagnostic that
        quotes nothing of the file.
        """
        written = shown(src, 400)
        if not src.lower().endswith(".nd"):
            return error(codes.FENCE_OPTION, f'src="{written}" must name a .nd file', where)
        roots = (self._docs_dir, self._root)
        inside = False
        leads_out = False  # a name that is there, but leads out of the site (a link, say)
        for folder in (page_dir, self._docs_dir, self._root):
            real = confine(folder / src, roots)
            if real is None:
                leads_out = leads_out or os.path.lexists(folder / src)
                continue
            inside = True
            if not real.name.lower().endswith(".nd"):
                return error(
                    codes.FENCE_OPTION,
                    f'src="{written}" leads to a file that is not a .nd file',
                    where,
                )
            if is_regular(real):
                return real
            if real.exists():
                return error(codes.FILE_NOT_FOUND, f"'{written}' is not a regular file", where)
        if leads_out or not inside:
            return error(
                codes.FENCE_OPTION,
                f'src="{written}" is outside {_TREE}',
                where,
                "a block names only files inside them",
            )
        message = f"no file '{written}' beside the page, in docs_dir or beside mkdocs.yml"
        return error(codes.FILE_NOT_FOUND, message, where)

    def _relocate(self, d: Diagnostic, shifts: dict[str, tuple[str, int]], note: str) -> Diagnostic:
        """A diagnostic placed where the reader finds it: the page's line, or the included file's."""

        def place(s: Span) -> Span:
            display, shift = shifts.get(s.file, (self._display(s.file), 0))
            return Span(display, s.line + shift, s.column, s.end_line + shift, s.end_column)

        # The place the message names (a first declaration) moves the same way.
        d = moved(d, place(d.span), place(d.first) if d.first else None)
        return dataclasses.replace(d, notes=(*d.notes, note) if note else d.notes)

    def _entry(self, key: str, suffix: str) -> Path:
        """Where a block's render is cached: a name only this machine's secret can compute.

        The cache folder usually sits in the repository, so a pull request can put files in
        it; the block key is a digest of public things. Entries are named by an HMAC of the
        key, and their content is checked against an HMAC kept beside them, both with a
        secret kept outside the repository (:func:`cache_secret`): no one else can place or
        change a file that netdraft will take from the cache.
        """
        name = hmac.new(self._secret, key.encode("ascii"), hashlib.sha256).hexdigest()
        return self._cache / f"{name}{suffix}"

    def _mac(self, data: bytes) -> str:
        return hmac.new(self._secret, data, hashlib.sha256).hexdigest()

    def _cached(self, entry: Path) -> str | None:
        """A cache entry's text, when netdraft wrote it: a regular file (never a link) whose
        content matches the MAC kept beside it (``NAME.mac``); else None."""
        data = self._cached_bytes(entry)
        try:
            return None if data is None else data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def _cached_bytes(self, entry: Path) -> bytes | None:
        """:meth:`_cached`, as the file's bytes (a picture copied into the site as it is)."""
        mac = entry.with_name(entry.name + ".mac")
        if entry.is_symlink() or mac.is_symlink() or not entry.is_file() or not mac.is_file():
            return None
        try:
            data = read_bytes(entry, MAX_SOURCE_BYTES)
            expected = read_bytes(mac, 256).decode("ascii").strip()
            if not hmac.compare_digest(self._mac(data), expected):
                return None
            return data
        except (OSError, UnicodeDecodeError):
            return None

    def _seal(self, entry: Path) -> str:
        """Write the MAC of a cache entry netdraft has just written; its text."""
        data = read_bytes(entry, MAX_SOURCE_BYTES)
        write_atomic(entry.with_name(entry.name + ".mac"), self._mac(data) + "\n")
        return data.decode("utf-8")

    def _drawing(
        self,
        key: str,
        analysis: NetworkAnalysis,
        highlight: Query | None,
        where: Span,
        untitled: bool = False,
    ) -> str:
        """The block's SVG, from the cache when an earlier build drew it, else drawn now
        (``untitled``: without the title over the picture; its ``aria-label`` keeps it)."""
        entry = self._entry(key, ".svg")
        cached = self._cached(entry)
        if cached is not None:
            self.reused += 1
            log.debug(f"{where}: diagram {key[:12]} from the cache")
            return cached
        # Imports `diagrams`: only when drawing.
        from netdraft.generator.diagram import image_bytes
        from netdraft.generator.view import view_of

        self._clear(entry)
        view = view_of(analysis.network, highlight, analysis=analysis)
        if untitled and view.title:
            svg = image_bytes(dataclasses.replace(view, title=""), "svg").decode("utf-8")
            svg = _labelled(svg, view.title)
        else:
            svg = image_bytes(view, "svg").decode("utf-8")
        write_atomic(entry, svg)
        self.renders += 1
        log.debug(f"{where}: diagram {key[:12]} drawn")
        return self._seal(entry)

    def _page(
        self, key: str, analysis: NetworkAnalysis, text: str, warnings: Sequence[Diagnostic]
    ) -> str:
        """The block's generated documentation (Markdown), from the cache when there; its
        picture is the line that links :data:`_DIAGRAM_HERE` (see :func:`_placed`). The
        text's opening comment introduces it; it lists the block's warnings, placed where
        the reader finds them (the page's lines)."""
        from netdraft.generator.markdown import page_markdown

        entry = self._entry(key, ".md")
        cached = self._cached(entry)
        if cached is not None:
            return cached
        self._clear(entry)
        page = page_markdown(analysis, image=_DIAGRAM_HERE, source_text=text, diagnostics=warnings)
        write_atomic(entry, page)
        return self._seal(entry)

    @staticmethod
    def _clear(entry: Path) -> None:
        """Remove links where a cache entry goes: writing would go through them (anywhere)."""
        for path in (entry, entry.with_name(entry.name + ".mac")):
            if path.is_symlink():
                path.unlink()

    def _report(
        self,
        diagnostics: list[Diagnostic],
        sources: dict[str, str],
        code: str,
        drawing: str | None,
        docs: str = "",
    ) -> str:
        """Log the diagnostics and assemble the block's replacement.

        Errors are MkDocs warnings (``--strict`` fails the build on them) and are shown on
        the page above the diagram, or instead of it when there is none; netdraft's own
        warnings are logged at info level, as they never fail a ``netdraft check``.
        """
        errors = [d for d in diagnostics if d.is_error]
        others = [d for d in diagnostics if not d.is_error]
        # At most MAX_SHOWN of each per file, then a line counting the rest (as the CLI).
        for text in iter_rendered(errors, sources):
            log.warning(text)
            self._logged.append(("warning", text))
        for text in iter_rendered(others, sources):
            log.info(text)
            self._logged.append(("info", text))
        self._failed = self._failed or bool(errors)
        parts: list[str] = []
        if code:
            parts.append(code_fence(code))
        if errors:
            self.errors += 1
            parts.append(_error_html("\n".join(iter_rendered(errors, sources))))
        if drawing is not None:
            parts.append(drawing)
        if docs:
            parts.append(docs.rstrip("\n"))
        return "\n\n".join(parts)


def _read_nd(path: Path) -> tuple[str | None, Diagnostic | None]:
    """A ``.nd`` file's text as :func:`netdraft.api.read_source` reads it."""
    return decode_source(read_bytes(path, MAX_SOURCE_BYTES), str(path))


def _digest_of(path: Path) -> str:
    """The SHA-256 of a file's text as netdraft reads it (a ``.nd`` file decoded as
    :func:`api.read_source` decodes it; a price file as UTF-8)."""
    if path.suffix.lower() == ".nd":
        text, problem = _read_nd(path)
        if text is None or problem is not None:
            raise UnicodeDecodeError("utf-8", b"", 0, 1, "not a readable .nd file")
    else:
        text = read_bytes(path, MAX_SOURCE_BYTES).decode("utf-8")
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


#: The image the generated page of a ``docs=true`` block links, where its diagram goes.
_DIAGRAM_HERE = "netdraft-diagram-of-this-block.svg"


def _placed(docs: str, drawing: str, network_title: str, page_title: str) -> str:
    """A block's generated page with its diagram where ``netdraft docs`` puts the picture
    (after the summary), its headings one level down; the network's title heading is
    left out when the page that holds the block already has that title.
    """
    from netdraft.generator.markdown import escape_md, shift_headings

    lines = docs.split("\n")
    if (
        network_title
        and page_title
        and page_title.strip() in (network_title, escape_md(network_title))
    ):
        if lines and lines[0].startswith("# "):
            lines = lines[1:]  # the page's own `# title` says it: its sections stay `##`
        text = "\n".join(lines)
    else:
        text = shift_headings("\n".join(lines), 1)
    marker = f"]({_DIAGRAM_HERE})"
    out = [drawing if marker in line else line for line in text.split("\n")]
    if drawing not in out:  # a template that shows no picture: the diagram goes first
        out = [drawing, "", *out]
    return "\n".join(out).strip("\n") + "\n"


_ARIA = re.compile(r'(<svg role="img" aria-label=")[^"]*(")')
_GRAPH_TITLE = re.compile(r'(<g id="graph0" class="graph"[^>]*>\n<title>)[^<]*(</title>)')


def _labelled(svg: str, title: str) -> str:
    """A picture drawn without its title, still named by it for screen readers."""
    text = html.escape(title, quote=True)
    svg = _ARIA.sub(lambda m: f"{m[1]}{text}{m[2]}", svg, count=1)
    return _GRAPH_TITLE.sub(lambda m: f"{m[1]}{text}{m[2]}", svg, count=1)
