"""The MkDocs plugin: fenced ``netdraft`` blocks in pages become diagrams, each drawn once and cached."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import html
import importlib.metadata
import json
import os
import re
import shlex
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from netdraft import api, cache, codes
from netdraft.config import NO_CONFIG, PRICES_VARIABLE, Config, chosen, discover
from netdraft.diagnostics import Diagnostic, error, iter_rendered, moved, printable
from netdraft.files import MAX_SOURCE_BYTES, confine, is_regular, read_bytes, write_atomic
from netdraft.model.network import Query
from netdraft.model.values import Span
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.prices import shown

log = get_plugin_logger(__name__)

#: How a diagram goes into the page: inline ``<svg>``, or an ``<img>`` of a file in the site.
EMBEDS = ("inline", "file")

#: Where ``embed: file`` diagrams go in the built site.
SITE_FOLDER = "assets/netdraft"

#: The options a fence may set (``src`` and ``highlight`` only there, the others in mkdocs.yml too).
FENCE_OPTIONS = ("src", "embed", "docs", "source", "highlight")

# Visible with any theme; a site's CSS can restyle ``.netdraft-error`` further.
_ERROR_STYLE = "border-left:4px solid #d93025;padding-left:0.5em"

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


def find_fences(markdown: str) -> list[Fence]:
    """The top-level fenced ``netdraft`` blocks of a Markdown text, in order.

    A ``netdraft`` fence inside another fenced block (a longer fence showing the syntax,
    say) is code, not a diagram. An unclosed fence runs to the end of the text, as in
    CommonMark.

    Args:
        markdown: the page's Markdown.

    Returns:
        The blocks found.
    """
    lines = page_lines(markdown)
    fences: list[Fence] = []
    i = 0
    while i < len(lines):
        opening = _OPENING.match(lines[i])
        if opening is None or (opening["fence"][0] == "`" and "`" in opening["info"]):
            i += 1
            continue
        mark = opening["fence"]
        closing = re.compile(rf"^ {{0,3}}{re.escape(mark[0])}{{{len(mark)},}}[ \t]*$")
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            j += 1
        info = opening["info"].strip()
        language = _LANGUAGE.match(info)
        if language is not None:
            indent = len(opening["indent"])
            body = [_dedent(line, indent) + "\n" for line in lines[i + 1 : j]]
            fences.append(
                Fence(i, min(j + 1, len(lines)), info[language.end() :].strip(), "".join(body))
            )
        i = j + 1
    return fences


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
    text = _SVG_TAG.sub('<svg style="max-width:100%;height:auto"', text, count=1)
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

    Returns:
        A hex digest.
    """
    data = {
        "renderer": fingerprint,
        "text": text,
        "name": name,
        "highlight": list(options.highlight),
        "prices": [[file, content] for file, content in prices],
    }
    if included:  # absent otherwise, so that the keys of other blocks stay as they were
        data["included"] = [[file, content] for file, content in included]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


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
        """Replace each ``netdraft`` fence of the page with its diagram (or its diagnostics)."""
        fences = find_fences(markdown)
        if not fences:
            return None
        lines = page_lines(markdown)
        context = self._page_context(page, markdown)
        out: list[str] = []
        last = 0
        # An unchanged block's network is compiled once, across builds (api.compile_cache).
        with api.compile_cache(not os.environ.get(cache.NO_CACHE_VARIABLE)):
            for fence in fences:
                out.extend(lines[last : fence.start])
                out.extend(["", self._block(fence, context), ""])
                last = fence.end
        out.extend(lines[last:])
        return "\n".join(out) + "\n"

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Copy the ``embed: file`` diagrams from the cache into the site."""
        for name, data in sorted(self._site_files.items()):
            write_atomic(Path(config.site_dir) / name, data)
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
        return _PageContext(display, path, source, offset, page.url, tuple(page_lines(source)))

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

    def _block(self, fence: Fence, page: _PageContext) -> str:
        """The Markdown/HTML that replaces one fence."""
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
        key = block_key(
            self._fingerprint, text, Path(network.file).name, options, applied, included
        )
        try:
            svg = self._drawing(key, computed, highlight, where)
            docs = self._page(key, computed) if options.docs else ""
        except (OSError, RuntimeError, ValueError, subprocess.SubprocessError) as exc:
            # Graphviz's own errors can run to pages: the first line says enough.
            reason = printable((str(exc).splitlines() or [type(exc).__name__])[0])
            reason = reason if len(reason) <= 300 else reason[:300] + "…"
            raise PluginError(f"netdraft: cannot draw the block at {where}: {reason}") from exc
        title = network.title or (Path(options.src).stem if options.src else "network diagram")
        if options.docs:
            svg = _linked(svg, computed)
        if options.embed == "file":
            name = f"{SITE_FOLDER}/{key[:24]}.svg"
            self._site_files[name] = svg.encode("utf-8")
            src = html.escape(get_relative_url(name, page.url), quote=True)
            figure = f'<img src="{src}" alt="{html.escape(title, quote=True)}">'
        else:
            figure = inline_svg(svg, f"nd{key[:8]}-")
        drawing = f'<div class="netdraft-diagram">\n{figure}\n</div>'
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
        mac = entry.with_name(entry.name + ".mac")
        if entry.is_symlink() or mac.is_symlink() or not entry.is_file() or not mac.is_file():
            return None
        try:
            data = read_bytes(entry, MAX_SOURCE_BYTES)
            expected = read_bytes(mac, 256).decode("ascii").strip()
            if not hmac.compare_digest(self._mac(data), expected):
                return None
            return data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def _seal(self, entry: Path) -> str:
        """Write the MAC of a cache entry netdraft has just written; its text."""
        data = read_bytes(entry, MAX_SOURCE_BYTES)
        write_atomic(entry.with_name(entry.name + ".mac"), self._mac(data) + "\n")
        return data.decode("utf-8")

    def _drawing(
        self, key: str, analysis: NetworkAnalysis, highlight: Query | None, where: Span
    ) -> str:
        """The block's SVG, from the cache when an earlier build drew it, else drawn now."""
        entry = self._entry(key, ".svg")
        cached = self._cached(entry)
        if cached is not None:
            self.reused += 1
            log.debug(f"{where}: diagram {key[:12]} from the cache")
            return cached
        from netdraft.generator.diagram import render  # imports `diagrams`: only when drawing

        self._clear(entry)
        render(analysis.network, entry, highlight=highlight, analysis=analysis)
        self.renders += 1
        log.debug(f"{where}: diagram {key[:12]} drawn")
        return self._seal(entry)

    def _page(self, key: str, analysis: NetworkAnalysis) -> str:
        """The block's generated documentation (Markdown), from the cache when there."""
        from netdraft.generator.markdown import page_markdown

        entry = self._entry(key, ".md")
        cached = self._cached(entry)
        if cached is not None:
            return cached
        self._clear(entry)
        write_atomic(entry, page_markdown(analysis, heading_offset=1))
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
        for text in iter_rendered(others, sources):
            log.info(text)
        parts: list[str] = []
        if code:
            parts.append(code_fence(code))
        if errors:
            self.errors += 1
            shown = "\n".join(iter_rendered(errors, sources))
            parts.append(
                f'<div class="netdraft-error" style="{_ERROR_STYLE}">\n'
                f"<pre>{html.escape(shown, quote=False)}</pre>\n</div>"
            )
        if drawing is not None:
            parts.append(drawing)
        if docs:
            parts.append(docs.rstrip("\n"))
        return "\n\n".join(parts)
