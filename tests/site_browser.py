"""A Material for MkDocs site of netdraft blocks, served on localhost and looked at in
headless Chromium: screenshots, and the layout measured in the browser.

Shared by ``scripts/screenshot-site.py`` (PNG screenshots for a person to look at) and
``tests/test_mkdocs_browser.py`` (the same measurements as assertions). Chromium is driven
through the DevTools protocol over a pipe (``--remote-debugging-pipe``): JSON messages
ended by a NUL byte on file descriptors 3 and 4, with nothing but the standard library, so
looking at the site needs no new Python package (docs/mkdocs.md, "How the site is checked
in a browser").
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import functools
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tiny_network import TINY

ROOT = Path(__file__).resolve().parent.parent

#: Where to look for Chromium: NETDRAFT_CHROMIUM, else these names on PATH.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: The widths (and heights) the site is looked at: a desktop and a narrow (phone) window.
VIEWPORTS = {"desktop": (1280, 900), "narrow": (400, 800)}

#: Material's two colour schemes, as the toggle in the header sets them.
SCHEMES = ("default", "slate")

#: For MkDocs' own theme, which has no scheme: the system's light or dark preference
#: (``prefers-color-scheme``), as the browser reports it to the page.
SYSTEM_SCHEMES = ("system-light", "system-dark")

#: The flags that let Chromium start headless on a machine without a network or a screen.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
)


def find_chromium() -> str | None:
    """Chromium's executable: ``NETDRAFT_CHROMIUM``, else the first of CHROMIUM_NAMES on PATH."""
    chosen = os.environ.get("NETDRAFT_CHROMIUM")
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


# --- the site ---------------------------------------------------------------------------------

#: The big network: the bundled transit-gateway example (wider than the content column at both widths).
BIG_EXAMPLE = "examples/04-transit-gateway.nd"
BIG_TITLE = "Hub and spoke with a transit gateway"


def _indented(text: str) -> str:
    return "".join(f"    {line}\n" if line else "\n" for line in text.splitlines())


def _block(header: str, body: str = TINY, indent: bool = False) -> str:
    text = f"```{header}\n{body}```\n"
    return _indented(text) if indent else text


# The long line of the broken block: its diagnostic is wider than any content column.
_LONG = "route-table rt { associate a " + "-".join(["the-subnet-that-was-renamed"] * 6) + " }"

#: The pages of the site: the generated documentation of a big network under its own title,
#: blocks in a list, an admonition and tabs, and a broken block (the build is not strict).
PAGES: dict[str, str] = {
    "index.md": (
        f"# {BIG_TITLE}\n\nThe bundled example, with its generated documentation:\n\n"
        f'```netdraft src="networks/hub.nd" docs=true\n```\n'
    ),
    "nested.md": (
        "# Blocks in lists, notes and tabs\n\n"
        "1. In a list:\n\n"
        + _block("netdraft", indent=True)
        + '\n!!! note "In an admonition"\n\n'
        + _block('netdraft highlight="internet www tcp 443"', indent=True)
        + '\n=== "In a tab"\n\n'
        + _block('netdraft embed="file"', indent=True)
        + '\n=== "The big one"\n\n'
        + _block('netdraft src="networks/hub.nd"', "", indent=True)
        + "\nAnd at the left margin, the big one inline:\n\n"
        + _block('netdraft {src="networks/hub.nd"}', "")
    ),
    "broken.md": (
        "# A broken block\n\nThe build is not strict, so the page shows the diagnostics:\n\n"
        + _block(
            "netdraft",
            "region us-east-1 {\n  vpc demo 10.0.0.0/16 {\n"
            "    subnet a 10.0.0.0/24 az us-east-1a\n"
            f"    {_LONG}\n  }}\n}}\n",
        )
        + "\nA diagram after it:\n\n"
        + _block("netdraft")
    ),
}

MKDOCS_YML = """\
site_name: netdraft in Material
theme:
  name: material
  font: false  # no web fonts: the machine has no network (and a fetch would be a console error)
  features:
    - content.tabs.link
  palette:
    - scheme: default
      toggle:
        icon: material/brightness-7
        name: Switch to dark mode
    - scheme: slate
      toggle:
        icon: material/brightness-4
        name: Switch to light mode
nav:
  - index.md
  - nested.md
  - broken.md
plugins:
  - search
  - netdraft
markdown_extensions:
  - toc:
      permalink: true
  - admonition
  - attr_list
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.superfences:
      custom_fences:
        - name: netdraft
          class: netdraft
          format: !!python/name:netdraft.mkdocs_plugin.fence_format
          validator: !!python/name:netdraft.mkdocs_plugin.fence_validator
"""


#: MkDocs' own theme instead of Material's: light (its default ``color_mode``) whatever the
#: system prefers, or with ``color_mode: auto`` (``"mkdocs-auto"``) following the system.
MKDOCS_THEME = "theme:\n  name: mkdocs\n  highlightjs: false\n"
THEMES = ("material", "mkdocs", "mkdocs-auto")


def write_site(root: Path, css: bool = True, theme: str = "material") -> Path:
    """The site's sources under ``root`` (``css=False``: the plugin adds no stylesheet;
    ``theme``: one of THEMES)."""
    config = MKDOCS_YML
    if not css:
        config = config.replace("  - netdraft\n", "  - netdraft:\n      css: false\n")
    if theme not in THEMES:
        raise ValueError(f"theme {theme!r}: one of {', '.join(THEMES)}")
    if theme.startswith("mkdocs"):
        mode = "  color_mode: auto\n" if theme == "mkdocs-auto" else ""
        start, end = config.index("theme:"), config.index("nav:")
        config = config[:start] + MKDOCS_THEME + mode + config[end:]
    (root / "mkdocs.yml").write_text(config, "utf-8")
    docs = root / "docs"
    (docs / "networks").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / BIG_EXAMPLE, docs / "networks" / "hub.nd")
    for name, text in PAGES.items():
        (docs / name).write_text(text, "utf-8")
    return root


def build_site(root: Path, css: bool = True, theme: str = "material") -> Path:
    """Build the site with MkDocs (not strict: one page has a broken block); its folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    write_site(root, css, theme)
    build(load_config(str(root / "mkdocs.yml")))
    return root / "site"


def page_names(site: Path | None = None) -> list[str]:
    """The built pages' paths under the site (``""`` for the home page): those of PAGES,
    or every ``index.html`` of a built ``site`` (its search, assets and 404 left out)."""
    if site is None:
        return ["" if name == "index.md" else name.removesuffix(".md") + "/" for name in PAGES]
    found = []
    for index in sorted(site.rglob("index.html")):
        folder = index.parent.relative_to(site).as_posix()
        if not folder.startswith(("assets", "search")):
            found.append("" if folder == "." else folder + "/")
    return found


def build_own_site(out: Path) -> Path:
    """The project's own documentation (mkdocs.yml at the top of the repository), built
    into ``out`` with the plugin; its folder. MkDocs' own theme, light."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(out))
    build(config)
    return out


# --- a local server ---------------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """The folder served over HTTP on 127.0.0.1 (a free port) while the block runs; its URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


# --- Chromium over the DevTools protocol -----------------------------------------------------


class BrowserError(RuntimeError):
    """Chromium failed to start, answered with an error, or did not answer in time."""


@dataclass
class Browser:
    """Headless Chromium driven through ``--remote-debugging-pipe``: one page (tab)."""

    executable: str
    timeout: float = 60.0
    _process: subprocess.Popen[bytes] | None = None
    _to_chrome: int = -1
    _from_chrome: int = -1
    _buffer: bytes = b""
    _next_id: int = 0
    _session: str = ""
    _profile: str = ""
    _log: Any = None
    events: list[dict[str, Any]] = field(default_factory=list)

    def __enter__(self) -> Browser:
        self._profile = tempfile.mkdtemp(prefix="netdraft-chromium-")
        # Chromium reads commands on fd 3 and writes answers on fd 4. Its ends are moved
        # above fd 9 first, so that placing one on 3 or 4 in the child never clobbers the other.
        their_in, our_out = os.pipe()
        our_in, their_out = os.pipe()
        high_in = fcntl.fcntl(their_in, fcntl.F_DUPFD_CLOEXEC, 10)
        high_out = fcntl.fcntl(their_out, fcntl.F_DUPFD_CLOEXEC, 10)
        for fd in (their_in, their_out):
            os.close(fd)

        def fds() -> None:  # in the child, before exec: dup2 leaves 3 and 4 inheritable
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        args = [self.executable, *CHROMIUM_FLAGS, f"--user-data-dir={self._profile}"]
        self._log = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [*args, "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            close_fds=False,  # else fds 3 and 4 are closed after preexec_fn; ours are CLOEXEC
            preexec_fn=fds,  # only dup2 (no locks, no threads)
        )
        os.close(high_in)
        os.close(high_out)
        self._to_chrome, self._from_chrome = our_out, our_in
        try:
            target = self.call("Target.createTarget", url="about:blank")["targetId"]
            attached = self.call("Target.attachToTarget", targetId=target, flatten=True)
            self._session = attached["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                self.call(f"{domain}.enable")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            with contextlib.suppress(BrowserError, OSError):
                self._send("Browser.close", {}, session=False)
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(10)
            self._process = None
        for fd in (self._to_chrome, self._from_chrome):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._to_chrome = self._from_chrome = -1
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)

    def _said(self) -> str:
        """The last lines Chromium wrote on stderr (D-Bus complaints left out)."""
        if self._log is None:
            return "(nothing)"
        self._log.seek(0)
        lines = self._log.read().decode("utf-8", "replace").splitlines()
        kept = [line for line in lines if "dbus" not in line and line.strip()]
        return " | ".join(kept[-5:]) or "(nothing)"

    # -- the protocol --

    def _send(self, method: str, params: dict[str, Any], session: bool = True) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session and self._session:
            message["sessionId"] = self._session
        os.write(self._to_chrome, json.dumps(message).encode("utf-8") + b"\0")
        return self._next_id

    def _receive(self, deadline: float) -> dict[str, Any]:
        import select

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise BrowserError(f"Chromium closed the DevTools pipe: {self._said()}")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer; events that come first are kept."""
        sent = self._send(method, params, session=not method.startswith(("Target.", "Browser.")))
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._receive(deadline)
            if message.get("id") == sent:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self.events.append(message)

    def wait_for(self, method: str, since: int = 0) -> dict[str, Any]:
        """The first event ``method`` at or after index ``since`` of :attr:`events`."""
        deadline = time.monotonic() + self.timeout
        while True:
            for event in self.events[since:]:
                if event["method"] == method:
                    return event
            message = self._receive(deadline)
            if "method" in message:
                self.events.append(message)

    # -- what the scripts and tests use --

    def evaluate(self, expression: str) -> Any:
        """A JavaScript expression's value in the page (awaited when it is a promise)."""
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            thrown = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"the page's script failed: {thrown}")
        return result["result"].get("value")

    def open(self, url: str, width: int, height: int, dark_system: bool = False) -> None:
        """Load ``url`` in a window of that size, and wait until it has loaded."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        scheme = "dark" if dark_system else "light"
        self.call(
            "Emulation.setEmulatedMedia",
            features=[{"name": "prefers-color-scheme", "value": scheme}],
        )
        since = len(self.events)
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired", since)
        # Material's own script runs after load (the palette, the tabs): let it settle.
        self.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 200)))")

    def screenshot(self, path: Path, clip: Mapping[str, float] | None = None) -> None:
        """A PNG of the whole page (not only the window), or of the part ``clip`` names
        (``x``, ``y``, ``width``, ``height`` in CSS px from the page's top left corner)."""
        if clip is None:
            size = self.call("Page.getLayoutMetrics")["cssContentSize"]
            width, height = self.evaluate("[window.innerWidth, window.innerHeight]")
            clip = {
                "x": 0,
                "y": 0,
                "width": max(width, size["width"]),
                "height": max(height, size["height"]),
            }
        shot = self.call(
            "Page.captureScreenshot",
            format="png",
            clip={**clip, "scale": 1},
            captureBeyondViewport=True,
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def problems(self) -> list[str]:
        """The console errors, uncaught exceptions and failed loads seen so far."""
        found: list[str] = []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.consoleAPICalled" and params.get("type") in (
                "error",
                "assert",
            ):
                words = [str(a.get("value", a.get("description", ""))) for a in params["args"]]
                found.append("console.error: " + " ".join(words))
            elif event["method"] == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                thrown = details.get("exception", {}).get("description") or details.get("text")
                found.append(f"uncaught: {thrown}")
            elif event["method"] == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                found.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}")
        return found


# --- what is measured in the page -------------------------------------------------------------

#: Switch Material's palette as its toggle in the header does; the scheme it then has.
SET_SCHEME = """
(scheme => {
  const input = document.querySelector(`input[data-md-color-scheme="${scheme}"]`);
  if (!input) return 'no toggle for ' + scheme;
  if (document.body.getAttribute('data-md-color-scheme') !== scheme) input.click();
  return document.body.getAttribute('data-md-color-scheme');
})(%s)
"""

#: The layout, measured: every diagram and error block against the content column and the
#: table of contents; the full-size links; the titles; the colours the diagrams are filled
#: with. Only what is displayed is measured (an inactive tab's content has no box).
MEASURE = r"""
(async () => {
  const box = el => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,
            height: r.height}; };
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const column = document.querySelector('.md-content__inner') || document.querySelector('[role="main"]') || document.body;
  const toc = document.querySelector('.md-sidebar--secondary');
  const tocShown = toc && shown(toc) && getComputedStyle(toc).display !== 'none';
  // The page's own background: the nearest one that is not transparent, from the column up.
  let paper = null;
  for (let n = column; n && !paper; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor;
    if (c && c !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(c)) paper = c;
  }
  const out = {
    paper: paper || 'rgb(255, 255, 255)',
    scheme: document.body.getAttribute('data-md-color-scheme'),
    window: {width: window.innerWidth, height: window.innerHeight},
    page: {scrollWidth: document.documentElement.scrollWidth},
    column: box(column),
    toc: tocShown ? box(toc) : null,
    title: document.title,
    h1: [...document.querySelectorAll('article h1, .md-content h1, [role="main"] h1')].map(h => h.textContent.replace('¶', '').trim()),
    headings: [...column.querySelectorAll('h1, h2, h3')].map(h => h.textContent.replace('¶', '').trim()),
    diagrams: [], errors: [],
  };
  for (const d of document.querySelectorAll('.netdraft-diagram')) {
    const figure = d.querySelector(':scope > svg, :scope > img');
    const link = d.querySelector('.netdraft-full-size a');
    const entry = {shown: shown(d), box: box(d), figure: null, link: null, fills: null};
    if (figure) {
      let natural = null;
      if (figure.tagName === 'img') {
        natural = figure.naturalWidth;
      } else {
        const w = figure.getAttribute('width') || '';
        const v = parseFloat(w); natural = w.endsWith('pt') ? v * 4 / 3 : v;
      }
      entry.figure = {tag: figure.tagName.toLowerCase(), box: box(figure), natural: natural,
                      overflowsBlock: d.scrollWidth > d.clientWidth + 1};
      if (figure.tagName.toLowerCase() === 'svg') {
        // The first shape of each box is its outline (inside a link with docs=true).
        const fill = sel => { const e = figure.querySelector(sel); return e ? getComputedStyle(e).fill : null; };
        entry.fills = {background: fill('g.graph > polygon'), vpc: fill('.nd-vpc path'),
                       public: fill('.nd-public-subnet path'), private: fill('.nd-private-subnet path')};
        // Text in the diagram's own inks (not an accent colour such as a flow's).
        const inks = [...figure.querySelectorAll('text')].filter(t => {
          const f = t.getAttribute('fill'); return !f || f === '#232f3e' || f === '#5f6b7a' || f === '#000000'; });
        entry.inks = [...new Set(inks.map(t => getComputedStyle(t).fill))];
        entry.boxes = [...new Set([...figure.querySelectorAll(
          'g.graph > polygon, :is(.nd-region, .nd-vpc, .nd-az, .nd-public-subnet, .nd-private-subnet, .nd-site) path:first-of-type')]
          .map(e => getComputedStyle(e).fill))];
        entry.titleTexts = [...figure.querySelectorAll('text')].map(t => t.textContent.trim());
      }
    }
    if (link) {
      let status = 0, type = '', width = null;
      try {
        const r = await fetch(link.href);
        status = r.status; type = r.headers.get('content-type') || '';
        const body = await r.text();
        const m = body.match(/<svg\b[^>]*\bwidth="([\d.]+)(pt|px)?"/);
        if (m) width = parseFloat(m[1]) * (m[2] === 'pt' ? 4 / 3 : 1);
      } catch (e) { status = -1; }
      entry.link = {text: link.textContent.trim(), href: link.getAttribute('href'), status, type, width,
                    box: box(link)};
    }
    out.diagrams.push(entry);
  }
  for (const e of document.querySelectorAll('.netdraft-error')) {
    const pre = e.querySelector('pre');
    // The colour the text is drawn on: the nearest background that is not transparent.
    let back = null;
    for (let n = pre || e; n && !back; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (c && c !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(c)) back = c;
    }
    out.errors.push({shown: shown(e), box: box(e), pre: pre ? box(pre) : null,
                     ink: getComputedStyle(pre || e).color, paper: back || 'rgb(255, 255, 255)',
                     bars: [e, pre].filter(n => n && parseFloat(getComputedStyle(n).borderLeftWidth) > 0).length,
                     scrolls: pre ? pre.scrollWidth > pre.clientWidth + 1 : false,
                     overflowX: pre ? getComputedStyle(pre).overflowX : null});
  }
  return out;
})()
"""


#: Where each displayed diagram and error block is on the page (for its own screenshot).
PARTS = """
[...document.querySelectorAll('.netdraft-diagram, .netdraft-error')].map(e => {
  const r = e.getBoundingClientRect();
  return {x: Math.max(0, r.left + scrollX - 8), y: Math.max(0, r.top + scrollY - 8),
          width: r.width + 16, height: r.height + 16};
}).filter(b => b.width > 16 && b.height > 16)
"""


@dataclass(frozen=True)
class Look:
    """One page as the browser showed it at one width, in one scheme."""

    page: str
    viewport: str
    scheme: str
    measured: dict[str, Any]
    problems: tuple[str, ...]
    screenshot: Path | None = None


def look_at_site(
    site: Path,
    executable: str,
    shots: Path | None = None,
    viewports: dict[str, tuple[int, int]] = VIEWPORTS,
    schemes: tuple[str, ...] = SCHEMES,
    pages: list[str] | None = None,
) -> list[Look]:
    """Every page of the built site (``pages``, else those of PAGES) at every width, in
    every scheme: measured, and photographed into ``shots`` (``PAGE-VIEWPORT-SCHEME.png``)
    when given."""
    looks: list[Look] = []
    with serve(site) as base, Browser(executable) as browser:
        for page in page_names() if pages is None else pages:
            for viewport, (width, height) in viewports.items():
                for scheme in schemes:
                    since = len(browser.events)
                    if scheme in SYSTEM_SCHEMES:  # a theme with no scheme of its own
                        browser.open(base + page, width, height, scheme == "system-dark")
                    else:
                        browser.open(base + page, width, height)
                        now = browser.evaluate(SET_SCHEME % json.dumps(scheme))
                        if now != scheme:
                            raise BrowserError(f"{page or 'index'}: cannot set {scheme}: {now}")
                    browser.evaluate("new Promise(r => setTimeout(r, 100))")
                    measured = browser.evaluate(MEASURE)
                    shot = None
                    if shots is not None:
                        name = page.rstrip("/").replace("/", "-") or "index"
                        stem = f"{name}-{viewport}-{scheme}"
                        shot = shots / f"{stem}.png"
                        browser.screenshot(shot)
                        # The first window, as a reader first sees the page, and each block.
                        top = {"x": 0, "y": 0, "width": width, "height": height}
                        browser.screenshot(shots / f"{stem}-window.png", top)
                        for i, part in enumerate(browser.evaluate(PARTS)):
                            browser.screenshot(shots / f"{stem}-block{i + 1}.png", part)
                    problems = tuple(_new_problems(browser, since))
                    looks.append(Look(page or "index", viewport, scheme, measured, problems, shot))
    return looks


def _new_problems(browser: Browser, since: int) -> list[str]:
    kept = browser.events
    browser.events = kept[since:]
    try:
        return browser.problems()
    finally:
        browser.events = kept


# --- the layout rules, shared by the test and the script -------------------------------------

#: How far (CSS px) a box may stick out before it counts: sub-pixel rounding.
SLACK = 1.0


def layout_problems(look: Look, whole_page: bool = True) -> list[str]:
    """What is wrong with one page's layout, in words (empty when all is well); with
    ``whole_page=False``, only what netdraft's blocks do (not a wide table of the page's own)."""
    m = look.measured
    where = f"{look.page} at {look.viewport} ({look.scheme})"
    found = [f"{where}: {p}" for p in look.problems]
    column, toc = m["column"], m["toc"]
    if whole_page and m["page"]["scrollWidth"] > m["window"]["width"] + SLACK:
        found.append(f"{where}: the page scrolls sideways ({m['page']['scrollWidth']} px wide)")

    def inside(name: str, b: dict[str, float]) -> None:
        if b["left"] < column["left"] - SLACK or b["right"] > column["right"] + SLACK:
            found.append(
                f"{where}: {name} [{b['left']:.0f}, {b['right']:.0f}] is outside the content "
                f"column [{column['left']:.0f}, {column['right']:.0f}]"
            )
        if toc is not None and b["right"] > toc["left"] + SLACK and b["left"] < toc["right"]:
            found.append(f"{where}: {name} runs under the table of contents")

    for i, d in enumerate(m["diagrams"]):
        if not d["shown"]:
            continue
        inside(f"diagram {i + 1}", d["box"])
        if d["figure"] is not None:
            inside(f"diagram {i + 1}'s picture", d["figure"]["box"])
        if d["link"] is None:
            found.append(f"{where}: diagram {i + 1} has no full-size link")
        elif d["link"]["status"] != 200 or "svg" not in d["link"]["type"]:
            found.append(f"{where}: diagram {i + 1}'s full-size link answers {d['link']['status']}")
    for i, e in enumerate(m["errors"]):
        if e["shown"]:
            inside(f"error block {i + 1}", e["box"])
            if e["pre"] is not None:
                inside(f"error block {i + 1}'s text", e["pre"])
            # Text wider than its box that does not scroll runs out of it (under the
            # table of contents, say), whether or not the page widens.
            if e["scrolls"] and e["overflowX"] == "visible":
                found.append(f"{where}: error block {i + 1}'s lines run out of it")
    return found


def _luminance(colour: str | None) -> float:
    """The relative luminance (0 black … 1 white) of a computed ``rgb(r, g, b)`` colour."""
    if not colour or not colour.startswith("rgb"):
        raise ValueError(f"not a computed colour: {colour!r}")
    values = [float(v) for v in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3]]

    def linear(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in values)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def is_dark(look: Look) -> bool:
    """Whether the page (its background behind the content column) is dark."""
    return _luminance(look.measured["paper"]) < 0.2


def colour_problems(look: Look) -> list[str]:
    """What is wrong with the colours: on a dark page every box of an inline diagram must
    be dark and every text in the diagram's inks light, on a light page the reverse (the
    diagram follows the page, not the system); an error block's text must contrast with
    its background (WCAG's 4.5:1), with one red bar on its left."""
    where = f"{look.page} at {look.viewport} ({look.scheme})"
    found: list[str] = []
    dark = is_dark(look)
    for i, d in enumerate(look.measured["diagrams"]):
        if not d["shown"] or d["figure"] is None or d["figure"]["tag"] != "svg":
            continue
        for colour in d["boxes"]:
            level = _luminance(colour)
            if (level > 0.2) if dark else (level < 0.7):
                found.append(f"{where}: diagram {i + 1} has a box filled {colour}")
        for colour in d["inks"]:
            level = _luminance(colour)
            if (level < 0.35) if dark else (level > 0.3):
                found.append(f"{where}: diagram {i + 1} has text in {colour}")
    for i, e in enumerate(look.measured["errors"]):
        if not e["shown"]:
            continue
        ratio = contrast(e["ink"], e["paper"])
        if ratio < 4.5:
            found.append(
                f"{where}: error block {i + 1}: text {e['ink']} on {e['paper']} "
                f"(contrast {ratio:.1f}, under 4.5)"
            )
        if e["bars"] != 1:
            found.append(f"{where}: error block {i + 1} has {e['bars']} bars on its left")
    return found


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two computed colours (1 … 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
