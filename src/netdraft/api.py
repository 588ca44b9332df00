"""The public entry points, in pipeline order: load → check → path/cost → render/docs."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import pickle
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from netdraft import cache, codes
from netdraft.config import NO_CONFIG, NO_PRAGMAS, Config, Pragmas, find_pragmas
from netdraft.diagnostics import Diagnostic, NetdraftError, error, warning
from netdraft.dsl.source import collector_paused, decode_source
from netdraft.files import MAX_PRICE_BYTES, MAX_SOURCE_BYTES, OutsideTree, read_bytes, read_named
from netdraft.model.network import VXLAN_PORT, Network, Scenario
from netdraft.model.values import Span
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.prices import PriceTable, bundled, parse_prices, shown
from netdraft.sim.trace import Trace

if TYPE_CHECKING:
    import subprocess

    from netdraft.dsl.syntax import SourceFile
    from netdraft.generator.ci import CheckedFile
    from netdraft.generator.diff import DiffReport
    from netdraft.generator.view import View
    from netdraft.sim.cost import CostReport
    from netdraft.sim.exposure import Exposure
    from netdraft.sim.path.dns import Resolution


@dataclass(frozen=True)
class Compiled:
    """A compiled file: the network (None when the text does not parse) and every diagnostic."""

    path: str
    text: str
    network: Network | None
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    #: The files its ``include`` statements read (LANGUAGE.md §8), in the order first read:
    #: each one's name in diagnostics and its text.
    included: tuple[tuple[str, str], ...] = field(default=())
    #: The ``# netdraft: ignore[…]`` comments of its texts (already applied to ``diagnostics``).
    pragmas: Pragmas = field(default=NO_PRAGMAS)

    @property
    def ok(self) -> bool:
        return self.network is not None and not any(d.is_error for d in self.diagnostics)

    def sources(self) -> dict[str, str]:
        """Every text a diagnostic may point into, by the file name its spans give."""
        found = dict(self.included)
        found[self.path] = self.text
        return found


def compile(
    text: str,
    path: str = "<input>",
    *,
    roots: Sequence[str | Path] | None = None,
    tree: str | None = None,
) -> Compiled:
    """Parse, build and validate one file's text, with the files it includes.

    Args:
        text: the ``.nd`` source.
        path: the name used in diagnostics; ``include`` statements are relative to its
            folder.
        roots: the folders included files must be inside (default: the folder of
            ``path``, and below; see :mod:`netdraft.dsl.compose`).
        tree: how messages name ``roots``.

    Returns:
        The compiled file; problems are in ``diagnostics``, never raised.
    """
    store = _STORE.get()
    key = _compile_key(text, path, roots, tree) if store is not None else ""
    if store is not None:
        found = _cached(store, key)
        if found is not None:
            store.hits += 1
            return found
    return _compile_missed(store, key, text, path, roots, tree)


def _compile_missed(
    store: cache.Store | None,
    key: str,
    text: str,
    path: str,
    roots: Sequence[str | Path] | None,
    tree: str | None,
) -> Compiled:
    """Compile a text the cache does not hold, and keep it there when it may be kept."""
    if store is not None:
        store.misses += 1
    compiled, reads_clean = _compiled_uncached(text, path, roots, tree)
    if store is not None and reads_clean:
        _keep(store, key, compiled)
    return compiled


#: The store :func:`compile` reads and fills, when one is set (:func:`compile_cache`).
_STORE: ContextVar[cache.Store | None] = ContextVar("netdraft_compile_cache", default=None)


@contextlib.contextmanager
def compile_cache(enabled: bool = True, store: cache.Store | None = None) -> Iterator[None]:
    """Within the block, :func:`compile` (and so :func:`load`, :func:`check`, ...) takes an
    unchanged file's compiled network from a content-addressed cache instead of parsing it
    again (``netdraft`` commands do, unless ``--no-cache``).

    The key is the text of the file, its name, the folder it is read from, the ``roots``
    and netdraft's own code; a hit is used only when every included file still has the
    text it had (see :mod:`netdraft.cache` for where entries live and how they are kept).

    Args:
        enabled: False to compile without the cache within the block.
        store: the store to use (default: the user's cache folder).
    """
    token = _STORE.set((store or cache.Store()) if enabled else None)
    try:
        yield
    finally:
        _STORE.reset(token)


@functools.cache
def _code_fingerprint() -> str:
    return f"{sys.version}\0{cache.code_fingerprint()}"


def _compile_key(text: str, path: str, roots: Sequence[str | Path] | None, tree: str | None) -> str:
    digest = hashlib.sha256(_code_fingerprint().encode())
    for part in (os.getcwd(), path, repr([str(r) for r in roots or ()]), repr(tree), text):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _keep(store: cache.Store, key: str, compiled: Compiled) -> None:
    """Store a compiled file with where its included files are, to check them on a hit."""
    payload = _payload(compiled)
    if payload is not None:  # else not cached, never a failure
        store.put(key, payload)


def _cached(store: cache.Store, key: str) -> Compiled | None:
    """The cached compile of ``key``, if every file it included is unchanged."""
    payload = store.get(key)
    if payload is None:
        return None
    unpickled = _unpickled(payload)  # signed with this machine's secret
    if unpickled is None:  # an entry of another build that unpickles wrongly: computed anew
        return None
    reads, compiled = unpickled
    texts = dict(compiled.included)
    for name, real in reads:
        try:
            if os.path.realpath(name) != real:
                return None
            text, _ = decode_source(read_bytes(name, MAX_SOURCE_BYTES), name)
        except OSError:
            return None
        if text != texts.get(name):
            return None
    return compiled


#: Set to 1 to compile the versions ``netdraft diff`` compares one after the other, never
#: in a second process (or to a number: at most that many at once).
JOBS_VARIABLE = "NETDRAFT_JOBS"
#: The fewest characters a text must have to be compiled in a second process: below it,
#: starting the process (some 0.25 s) and sending the result back cost more than
#: compiling it beside the other (measured: docs/analysis.md, "netdraft diff end to end").
PARALLEL_MIN_CHARS = 400_000


def compile_many(
    jobs: Sequence[tuple[str, str]],
    *,
    roots: Sequence[str | Path] | None = None,
    tree: str | None = None,
    workers: int | None = None,
) -> list[Compiled]:
    """:func:`compile` of several texts (``(text, path)`` each), the same results in the
    same order, compiled side by side when it pays: the texts not in the compile cache,
    when there are two or more, an idle CPU (:func:`parallel_workers`) and a text of at
    least :data:`PARALLEL_MIN_CHARS`. The largest is compiled here and each other big one in a
    new Python process of its own, which sends back the pickled result, as
    the compile cache keeps it; the cache, when on, gets it too. A process that cannot be
    started or fails is not an error: its text is compiled here.

    Args:
        jobs: the texts and their names in diagnostics (``include`` is relative to it).
        roots, tree: as for :func:`compile`, for every text.
        workers: the most texts compiled at once (default: :func:`parallel_workers`);
            1 compiles one after the other.
    """
    store = _STORE.get()
    results: list[Compiled | None] = [None] * len(jobs)
    keys = [_compile_key(t, p, roots, tree) if store is not None else "" for t, p in jobs]
    missing: list[int] = []
    for n, key in enumerate(keys):
        found = _cached(store, key) if store is not None else None
        if found is None:
            missing.append(n)
        else:
            assert store is not None
            store.hits += 1
            results[n] = found
    # The largest here, the others (big enough to pay a process) each in a child.
    missing.sort(key=lambda n: -len(jobs[n][0]))
    width = max(1, min(workers or parallel_workers(), len(missing)))
    children = [n for n in missing[1:width] if len(jobs[n][0]) >= PARALLEL_MIN_CHARS]
    with ExitStack() as stack:
        started = {n: stack.enter_context(_child_compile(*jobs[n], roots, tree)) for n in children}
        for n in missing:
            if n not in started:
                results[n] = _compile_missed(store, keys[n], *jobs[n], roots, tree)
        for n, child in started.items():
            sent = child.result()
            unpickled = _unpickled(sent[0]) if sent is not None else None
            if sent is None or unpickled is None:  # no process, or it failed: compiled here
                results[n] = _compile_missed(store, keys[n], *jobs[n], roots, tree)
                continue
            results[n] = unpickled[1]
            if store is not None:
                store.misses += 1
                if sent[1]:  # as compile would keep it: the bytes it would have written
                    store.put(keys[n], sent[0])
    return [r for r in results if r is not None]


def parallel_workers() -> int:
    """How many texts :func:`compile_many` compiles at once by default: the number in
    :data:`JOBS_VARIABLE` when it is one; else one per CPU this process may run on that
    other work leaves idle (by the load average of the last minute), and at least one. A
    second process only pays on a CPU of its own: on a machine already busy it adds the
    cost of starting it and of sending the result back, and saves nothing."""
    chosen = os.environ.get(JOBS_VARIABLE, "").strip()
    if chosen.isdigit() and int(chosen) > 0:
        return int(chosen)
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cpus = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # not on Unix: no load to read
        busy = 0.0
    return max(1, min(cpus, 1 + int(cpus - busy)))


def _unpickled(payload: bytes) -> tuple[tuple[tuple[str, str], ...], Compiled] | None:
    """What :func:`_payload` made: where the included files were, and the compiled file;
    None when it does not unpickle to that."""
    try:
        with collector_paused():
            reads, compiled = pickle.loads(payload)  # our own child's, or signed by the store
    except Exception:
        return None
    return (reads, compiled) if isinstance(compiled, Compiled) else None


def _payload(compiled: Compiled) -> bytes | None:
    """A compiled file as the compile cache keeps it: with where its included files are."""
    reads = tuple((name, os.path.realpath(name)) for name, _ in compiled.included)
    try:
        return pickle.dumps((reads, compiled), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return None


#: What a child runs: it reads the parent's ``sys.path`` and the job, then compiles
#: (:func:`_serve_compile`). A program of its own, not ``multiprocessing``'s ``spawn``,
#: which would run the parent's main script again in the child. It is run with ``-P``
#: (:data:`_CHILD_FLAGS`): ``-c`` would put the working folder first on ``sys.path``, and
#: a ``pickle.py`` in a checked-out pull request would run as the child imports pickle.
_CHILD_PROGRAM = (
    "import pickle, sys\n"
    "sys.path[:] = pickle.load(sys.stdin.buffer)\n"
    "from netdraft.api import _serve_compile\n"
    "_serve_compile(sys.stdin.buffer, sys.stdout.buffer)\n"
)
#: The child's interpreter flags: ``-P``, no unsafe path (the working folder) on ``sys.path``
#: before the parent's is read; the parent's own flags are not needed (its ``sys.path`` is sent).
_CHILD_FLAGS = ("-P",)


class _Child:
    """A process compiling one text: :meth:`result` reads what it sends."""

    def __init__(self, process: subprocess.Popen[bytes] | None) -> None:
        self.process = process
        self.read = False

    def result(self) -> tuple[bytes, bool] | None:
        """The pickled compiled file and whether it may be cached; None on any failure."""
        process, self.read = self.process, True
        if process is None or process.stdout is None:
            return None
        try:
            sent = process.stdout.read()
        except OSError:
            return None
        if process.wait() != 0 or sent[:1] not in (b"0", b"1"):
            return None
        return sent[1:], sent[:1] == b"1"


@contextlib.contextmanager
def _child_compile(
    text: str, path: str, roots: Sequence[str | Path] | None, tree: str | None
) -> Iterator[_Child]:
    """A new Python process compiling ``text`` (in this working folder, with this
    ``sys.path`` and environment). On leaving it is waited for, and first ended if its
    result was not read (the block raised). A process that cannot be started gives a
    child whose result is None."""
    import subprocess

    process: subprocess.Popen[bytes] | None = None
    try:
        process = subprocess.Popen(
            [sys.executable, *_CHILD_FLAGS, "-c", _CHILD_PROGRAM],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # a failure is the parent's to report
        )
        assert process.stdin is not None
        job = (text, path, None if roots is None else [str(r) for r in roots], tree)
        with process.stdin:
            pickle.dump(list(sys.path), process.stdin)
            pickle.dump(job, process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
    except (
        OSError,
        ValueError,
        TypeError,
        subprocess.SubprocessError,
    ):  # TypeError: no sys.executable
        if process is not None:
            process.kill()
            process.wait()
        process = None
    child = _Child(process)
    try:
        yield child
    finally:
        if process is not None:
            if not child.read:  # the block raised: its result is not wanted
                process.kill()
            if process.stdout is not None:
                process.stdout.close()
            process.wait()


def _serve_compile(jobs: BinaryIO, out: BinaryIO) -> None:
    """In the child: compile the job read from ``jobs``, then write whether it may be
    cached (``1`` or ``0``) and the pickled result to ``out``. Any failure writes nothing
    and exits 1: the parent compiles the text itself (and reports what went wrong)."""
    try:
        text, path, roots, tree = pickle.load(jobs)  # from the parent, through a pipe
        compiled, reads_clean = _compiled_uncached(text, path, roots, tree)
        payload = _payload(compiled)
        if payload is None:
            raise SystemExit(1)
        out.write(b"1" if reads_clean else b"0")
        out.write(payload)
        out.flush()
    except Exception as exc:
        raise SystemExit(1) from exc


def _compiled_uncached(
    text: str, path: str, roots: Sequence[str | Path] | None, tree: str | None
) -> tuple[Compiled, bool]:
    """:func:`compile` without the cache: the compiled file and whether it may be kept
    (every file it includes was read without a problem)."""
    # The front end (Lark, the syntax tree, the compiler) is imported only here, not on a
    # cache hit: its modules cost more to import than a small file costs to check.
    from netdraft.dsl.parse import parse

    with collector_paused():  # the front end frees little until it is done
        syntax, diagnostics = parse(text, path)
        if syntax is None:
            return Compiled(path, text, None, tuple(diagnostics)), True
        built = _build(syntax, roots, tree)
        # Freed while the collector is still paused: its first pass after would otherwise
        # walk every node of the tree, about to be freed anyway (0.3 s of a large file).
        del syntax
        return built


def compile_syntax(syntax: SourceFile) -> Compiled:
    """Build and validate a syntax tree held in memory, without parsing its text again
    (the importer's, which it also prints): as :func:`compile` of the printed text.

    Its spans are the tree's own, which may be rougher than a parse's: to show
    diagnostics, compile the text.
    """
    with collector_paused():
        return _build(syntax, None, None)[0]


def _build(
    syntax: SourceFile, roots: Sequence[str | Path] | None, tree: str | None
) -> tuple[Compiled, bool]:
    """The compiled tree, and whether every file it includes was read without a problem
    (only then may it be cached: a missing file may appear)."""
    from netdraft.dsl.compile import compile_source
    from netdraft.dsl.compose import compose
    from netdraft.dsl.review import review
    from netdraft.dsl.validate import validate

    composed = compose(syntax, roots, tree)
    found = list(composed.diagnostics)
    reads_clean = not found
    if composed.source is None:
        compiled = Compiled(syntax.path, syntax.text, None, tuple(found), composed.files)
        return compiled, reads_clean
    network, problems = compile_source(composed.source)
    problems += validate(network)
    if not any(d.is_error for d in (*found, *problems)):  # a reviewer reads a sound network
        problems += review(network)
    pragmas = find_pragmas({**dict(composed.files), syntax.path: syntax.text})
    kept = (*pragmas.silence([*found, *problems]), *pragmas.problems)
    return Compiled(syntax.path, syntax.text, network, kept, composed.files, pragmas), reads_clean


def read_source(path: str | Path) -> tuple[str | None, Diagnostic | None]:
    """A ``.nd`` file's text, or the ``encoding`` diagnostic when it is not UTF-8.

    A leading byte order mark (as some editors write UTF-8) is not part of the text.
    """
    return decode_source(read_bytes(path, MAX_SOURCE_BYTES), str(path))


def load(
    path: str | Path,
    *,
    roots: Sequence[str | Path] | None = None,
    tree: str | None = None,
) -> Compiled:
    """Read and compile a file and the files it includes (decoding errors become a
    diagnostic, not an exception); ``roots`` and ``tree`` as for :func:`compile`."""
    text, problem = read_source(path)
    if text is None:
        assert problem is not None
        return Compiled(str(path), "", None, (problem,))
    return compile(text, str(path), roots=roots, tree=tree)


def load_network(path: str | Path) -> Network:
    """Load a file and return its network, raising :class:`NetdraftError` on any error."""
    compiled = load(path)
    if not compiled.ok or compiled.network is None:
        raise NetdraftError(compiled.diagnostics, compiled.sources())
    return compiled.network


class Analysis:
    """Everything netdraft knows about one file, each part computed once, when first asked for.

    The compiled file is read at once; the prices, the simulation, the costs and the
    expectations' outcomes only when a command needs them (``netdraft path`` never prices
    the network). Every command and the MkDocs plugin render an analysis.
    """

    def __init__(
        self,
        compiled: Compiled,
        prices_file: str | Path | None = None,
        roots: Sequence[str | Path] | None = None,
        tree: str | None = None,
        config: Config = NO_CONFIG,
    ) -> None:
        self.path = compiled.path
        self.compiled = compiled
        self.config = config
        self._prices_file = prices_file
        self._roots = roots
        self._tree = tree

    @property
    def network(self) -> Network | None:
        """The network, when the file compiles without errors."""
        return self.compiled.network if self.compiled.ok else None

    @cached_property
    def price_files(self) -> PriceFiles | None:
        """The prices (None while the file has errors)."""
        if self.network is None:
            return None
        return read_prices(self.network, self._prices_file, self._roots, self._tree)

    @cached_property
    def analysis(self) -> NetworkAnalysis | None:
        """The simulation, costs and outcomes (None while the file or a price file has errors)."""
        found = self.price_files
        if self.network is None or found is None or any(d.is_error for d in found.diagnostics):
            return None
        return NetworkAnalysis(self.network, found.table)

    @cached_property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every problem: the compiler's, the price files', failed expectations, denied flows;
        the file's ``# netdraft: ignore[…]`` comments and the configuration applied."""
        later: list[Diagnostic] = []
        if self.price_files is not None:
            later += self.price_files.diagnostics
        if self.analysis is not None:
            later += outcome_diagnostics(self.analysis)
            for scenario, analysis in self.analysis.scenarios:
                later += scenario_diagnostics(scenario, analysis)
        found = [*self.compiled.diagnostics, *self.compiled.pragmas.silence(later)]
        return self.config.apply(found)

    @property
    def ok(self) -> bool:
        return self.compiled.network is not None and not any(d.is_error for d in self.diagnostics)

    @property
    def sources(self) -> dict[str, str]:
        """The texts diagnostics quote (a price file's never is: see :func:`read_prices`)."""
        return self.compiled.sources()

    @property
    def expectations_checked(self) -> int:
        """The expectations checked: the file's, and every scenario's."""
        if self.analysis is None:
            return 0
        return self.analysis.outcomes.ran + sum(a.outcomes.ran for _, a in self.analysis.scenarios)

    def require_network(self) -> Network:
        """The network, or :class:`NetdraftError` with the file's diagnostics."""
        if self.network is None:
            raise NetdraftError(self.compiled.diagnostics, self.sources)
        return self.network

    def require_analysis(self) -> NetworkAnalysis:
        """The analysis, or :class:`NetdraftError` with the file's and the price files' problems."""
        self.require_network()
        if self.analysis is None:
            assert self.price_files is not None
            raise NetdraftError(self.price_files.diagnostics, self.sources)
        return self.analysis

    def summary(self) -> str:
        errors = sum(1 for d in self.diagnostics if d.is_error)
        warnings = len(self.diagnostics) - errors
        parts = [
            f"{errors} error{'s' * (errors != 1)}",
            f"{warnings} warning{'s' * (warnings != 1)}",
        ]
        if self.compiled.network is not None and errors == 0:
            n = self.expectations_checked
            parts.append(f"{n} expectation{'s hold' if n != 1 else ' holds'}")
        return f"{self.path}: {'ok' if self.ok else 'failed'} ({', '.join(parts)})"


#: What ``netdraft check`` returns: an analysis, read for its diagnostics and summary.
CheckResult = Analysis


def analyse(
    source: str | Path,
    prices: str | Path | None = None,
    *,
    text: str | None = None,
    roots: Sequence[str | Path] | None = None,
    tree: str | None = None,
    config: Config = NO_CONFIG,
) -> Analysis:
    """Read and compile a file once, ready for every output; nothing else is computed yet.

    Args:
        source: the ``.nd`` file (its name in diagnostics, and the folder its ``prices``
            statements are relative to).
        prices: a price file applied after the file's own (``--prices``).
        text: the file's text, when it is not read from ``source`` (a MkDocs block).
        roots: the folders ``prices`` and ``include`` statements may name files in
            (default: the file's folder, and below).
        tree: how messages name ``roots``.
        config: the configuration whose ``ignore`` and ``severity`` apply to the
            diagnostics (:mod:`netdraft.config`; its ``prices`` is the caller's to pass).

    Returns:
        The analysis; problems are in its ``diagnostics``, never raised.
    """
    compiled = (
        load(source, roots=roots, tree=tree)
        if text is None
        else compile(text, str(source), roots=roots, tree=tree)
    )
    return Analysis(compiled, prices, roots, tree, config)


def check(
    path: str | Path, prices_file: str | Path | None = None, config: Config = NO_CONFIG
) -> Analysis:
    """Compile a file and, when it compiles cleanly, run its flows and expectations.

    Args:
        path: the ``.nd`` file.
        prices_file: a price file overriding the bundled prices (after the file's own).
        config: the configuration whose ``ignore`` and ``severity`` apply.

    Returns:
        The analysis: every diagnostic (the compiler's, then the price files', failed
        expectations and denied flows), ``ok`` and ``summary()``.
    """
    return analyse(path, prices_file, config=config)


def version() -> str:
    """netdraft's version, from the installed package's metadata (``netdraft --version``)."""
    from netdraft import about

    return about.version()


def checked_file(analysis: Analysis) -> CheckedFile:
    """A checked file as the CI formats read it: its diagnostics and one case per ``expect``.

    Each case is the expectation's text as written (its span's text, on its first line)
    with its ``expect-failed`` diagnostic, if any; cases are in file order, the file's
    first, then each scenario's (named ``scenario 'NAME': expect …``).
    """
    from netdraft.generator.ci import Case, CheckedFile

    diagnostics = analysis.diagnostics
    failures = {d.span: d for d in diagnostics if d.code == codes.EXPECT_FAILED.name}
    cases: list[Case] = []
    if analysis.analysis is not None:
        lines = {name: text.splitlines() for name, text in analysis.sources.items()}
        network = analysis.analysis.network
        named = [("", e) for e in network.expectations]
        named += [(f"scenario '{s.name}': ", e) for s in network.scenarios for e in s.expectations]
        for where, exp in named:
            span = exp.span
            found = lines.get(span.file, [])
            line = found[span.line - 1] if 0 < span.line <= len(found) else ""
            end = span.end_column - 1 if span.end_line == span.line else len(line)
            text = line[span.column - 1 : end].strip() or line.strip()
            cases.append(Case(where + text, span, failures.get(span)))
    return CheckedFile(
        analysis.path, diagnostics, tuple(cases), analysis.analysis is not None, analysis.summary()
    )


def outcome_diagnostics(analysis: NetworkAnalysis) -> list[Diagnostic]:
    """Failed expectations (``expect-failed``) and denied flows (``flow-denied``) as diagnostics."""
    from netdraft.generator.explain import explain_lines, resolution_lines
    from netdraft.generator.outcomes import (
        cost_notes,
        cost_problem,
        partial_ephemeral,
        path_problem,
        resolve_problem,
    )
    from netdraft.sim.ports import PortSet, partial_client_ports

    def failed(problem: str, span: Span, notes: Sequence[str]) -> Diagnostic:
        return error(
            codes.EXPECT_FAILED, f"expectation does not hold: {problem}", span, problem, notes
        )

    outcomes = analysis.outcomes
    found = [
        failed(path_problem(o), o.expectation.span, explain_lines(o.trace, analysis.network.file))
        for o in outcomes.paths
        if not o.holds
    ]
    found += [
        failed(cost_problem(o), o.expectation.span, cost_notes(analysis.report, o))
        for o in outcomes.costs
        if not o.holds
    ]
    found += [
        failed(
            resolve_problem(o),
            o.expectation.span,
            resolution_lines(o.resolution, analysis.network.file),
        )
        for o in outcomes.resolves
        if not o.holds
    ]
    found += [failed(o.missing, o.expectation.span, ()) for o in outcomes.resiliency if not o.holds]
    network = analysis.network
    partial: list[tuple[Trace, Span]] = [
        (o.trace, o.expectation.span) for o in outcomes.paths if o.holds and o.trace.allowed
    ]
    partial += [(f.trace, f.flow.span) for f in outcomes.flows if f.allowed]
    for t, span in partial:
        if partial_client_ports(network, t.query, PortSet(t.source_ports)):
            found.append(
                warning(
                    codes.PARTIAL_EPHEMERAL,
                    partial_ephemeral(t),
                    span,
                    "declare the client's ports ('ephemeral 32768-60999') to check all of them",
                    explain_lines(t, network.file),
                )
            )
    for vpc, session, trace in analysis.mirrors:
        if trace is not None and not trace.allowed:
            found.append(
                warning(
                    codes.MIRROR_UNREACHABLE,
                    f"traffic mirror session of '{session.source}' in vpc '{vpc.name}' cannot"
                    f" reach '{trace.query.destination}' on udp {VXLAN_PORT}: {trace.code}:"
                    f" {trace.reason}",
                    session.span,
                    f"the copies are VXLAN, udp {VXLAN_PORT} from the source: routes, the target's"
                    " network ACL and security groups (an NLB: a udp listener on the port)"
                    " must let them in",
                    explain_lines(trace, network.file),
                )
            )
    for flow in outcomes.flows:
        if not flow.allowed:
            t = flow.trace
            found.append(
                warning(
                    codes.FLOW_DENIED,
                    f"flow '{flow.flow.name}' is denied: {t.code}: {t.reason}",
                    flow.flow.span,
                    "a denied flow costs nothing",
                    explain_lines(t, network.file),
                )
            )
    return found


def scenario_diagnostics(scenario: Scenario, analysis: NetworkAnalysis) -> list[Diagnostic]:
    """A scenario's failed expectations and denied flows, under its name (the file's own
    flows, denied with the scenario's parts down, are the scenario's verdicts, not problems)."""
    own = {f.span for f in scenario.flows.values()} | {e.span for e in scenario.expectations}
    return [
        dataclasses.replace(d, message=f"in scenario '{scenario.name}': {d.message}")
        for d in outcome_diagnostics(analysis)
        if d.span in own
    ]


@dataclass(frozen=True)
class PriceFiles:
    """The prices a network is costed with, the diagnostics about its price files, and the files.

    ``applied`` lists the files whose prices were applied, in the order they were applied
    (a later one overrides an earlier one): each file's real path and its text. It is
    what a cache of drawings keys on; it is never a source for rendering diagnostics.
    """

    table: PriceTable
    diagnostics: tuple[Diagnostic, ...] = ()
    applied: tuple[tuple[Path, str], ...] = ()


def read_prices(
    network: Network,
    extra: str | Path | None = None,
    roots: Sequence[str | Path] | None = None,
    tree: str | None = None,
) -> PriceFiles:
    """The bundled prices with the file's ``prices`` statements, then ``extra``, applied.

    A ``prices "NAME"`` statement names a file relative to the file that holds it (the
    network's file or one it includes); with its
    ``..`` and links resolved, that file must be inside ``roots`` (by default the folder of
    the network's file, and below) and its real name must end in ``.toml``, else it is an
    ``error[price-file]`` and the file is never opened. ``extra`` (``--prices``, the
    plugin's ``prices:`` option) is the user's own choice and is not confined. Every file
    is read through :func:`netdraft.files.read_bytes`: a regular file of at most
    :data:`~netdraft.files.MAX_PRICE_BYTES`, never a FIFO or a device.

    Args:
        network: the compiled network.
        extra: a price file applied after the network's own.
        roots: the folders that ``prices`` statements may name files in.
        tree: how messages name ``roots``.

    Returns:
        The table, the diagnostics and the files applied.
    """
    folder = Path(network.file).parent
    if roots is None:
        roots = (folder,)
        tree = tree or f"the folder tree of '{shown(Path(network.file).name, 400)}'"
    tree = tree or "the folder tree"
    table = bundled()
    problems: list[Diagnostic] = []
    applied: list[tuple[Path, str]] = []
    files: list[tuple[str, Span | None]] = [(name, span) for name, span in network.price_files]
    if extra is not None:
        files.append((str(extra), None))
    for name, span in files:
        # A statement's file is relative to the file that holds it (an included one, say).
        here = Path(span.file).parent if span is not None else folder
        shown_name = here / name if span is not None else Path(name)
        where = span or Span(str(shown_name), 1, 1, 1, 1)
        try:
            if span is None:
                real, data = Path(name).resolve(), read_bytes(name, MAX_PRICE_BYTES)
            else:
                real, data = read_named(
                    name, here, roots, MAX_PRICE_BYTES, suffix=".toml", tree=tree
                )
            text = data.decode("utf-8")
        except OutsideTree:
            problems.append(
                error(
                    codes.PRICE_FILE,
                    f"price file '{shown(name, 400)}' is outside {tree}",
                    where,
                    "a prices statement names only files inside it (the user's --prices may be anywhere)",
                )
            )
            continue
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            problems.append(
                error(
                    codes.PRICE_FILE,
                    f"cannot read price file '{shown(str(shown_name), 400)}': {reason}",
                    where,
                )
            )
            continue
        override, found = parse_prices(text, str(shown_name), known=table.base)
        problems.extend(found)
        if override is not None and not found:
            table = table.with_overrides(override)
            applied.append((real, text))
    return PriceFiles(table, tuple(problems), tuple(applied))


def load_prices(
    network: Network, extra: str | Path | None = None
) -> tuple[PriceTable, list[Diagnostic], dict[str, str]]:
    """The bundled prices with the file's ``prices`` statements, then ``extra``: :func:`read_prices`.

    Returns:
        The table, diagnostics about the price files, and the sources to render those
        with: always empty, since a price file's text is never shown as a source line
        (each diagnostic quotes what it needs, escaped and short).
    """
    found = read_prices(network, extra)
    return found.table, list(found.diagnostics), {}


def path(
    network: Network,
    source: str,
    destination: str,
    protocol: str | None = None,
    port: str | None = None,
) -> Trace:
    """Trace whether ``source`` can open a connection to ``destination`` (``netdraft path``).

    Calls on the same network object reuse its place resolver and simulator, so asking
    many queries of one network costs about a trace each.

    Raises:
        NetdraftError: an endpoint names nothing, or the protocol or port is wrong.
    """
    from netdraft.dsl.query import parse_query

    session = _session(network)
    query = parse_query(network, source, destination, protocol, port, place_resolver=session.places)
    if isinstance(query, list):
        raise NetdraftError(query)
    return session.simulator.trace(query)


class _Session:
    """What :func:`path` keeps of one network between calls: its place resolver and its
    simulator (with its look-up tables), each built once instead of once per call."""

    def __init__(self, network: Network) -> None:
        from netdraft.dsl.passes.resolve import PlaceResolver
        from netdraft.sim.path import Simulator

        self.network = network
        self.places = PlaceResolver(network)
        self.simulator = Simulator(network)


#: How many networks :func:`path` keeps a session for (the most recently used). They hold
#: their network: a bound, so that a program going through many networks keeps few alive.
SESSIONS = 2
_sessions: list[_Session] = []
_sessions_lock = threading.Lock()


def _session(network: Network) -> _Session:
    """The session of ``network`` (the object itself: a network is immutable), made
    when it is first asked for; the least recently used beyond :data:`SESSIONS` is dropped."""
    with _sessions_lock:
        found = next((s for s in _sessions if s.network is network), None)
        if found is None:
            found = _Session(network)
        else:
            _sessions.remove(found)
        _sessions.insert(0, found)
        del _sessions[SESSIONS:]
        return found


def resolve(network: Network, client: str, name: str, qtype: str = "A") -> Resolution:
    """What ``client``'s resolver answers for ``name``, with its query legs (``netdraft
    resolve``); ``qtype`` is the type asked, ``A`` or ``AAAA``.

    Raises:
        NetdraftError: the client names no instance or site host, or the name is not one.
    """
    import re

    from netdraft.dsl.passes import literals
    from netdraft.dsl.query import parse_query
    from netdraft.model.network import PlaceKind, RecordKind
    from netdraft.sim.path import Simulator

    where = Span("<query>", 1, 1, 1, 1)
    # An address is said to be one, not answered NXDOMAIN (docs/dns.md, `netdraft resolve`).
    problem = literals.name_problem(name, asked=True)
    if problem is None and not re.fullmatch(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?", name):
        problem = f"'{name[:60]}' is not a DNS name"
    if problem is not None:
        raise NetdraftError([error(codes.BAD_QUERY, problem, where)])
    query = parse_query(network, client, "internet", "udp", "53")
    if isinstance(query, list):
        raise NetdraftError(query)
    if query.source.kind not in (PlaceKind.INSTANCE, PlaceKind.HOST):
        message = f"'{client[:60]}' does not resolve names: a client is an instance or a site host"
        raise NetdraftError([error(codes.BAD_QUERY, message, where)])
    if qtype.upper() not in ("A", "AAAA"):
        message = f"'{qtype[:20]}' is not a query type: A (IPv4) or AAAA (IPv6)"
        raise NetdraftError([error(codes.BAD_QUERY, message, where)])
    return Simulator(network).resolve(query.source, name, RecordKind(qtype.upper()))


def cost(network: Network, prices_file: str | Path | None = None) -> CostReport:
    """Price every flow and hourly resource of a network (``netdraft cost``).

    Raises:
        NetdraftError: a price file cannot be read or has errors.
    """
    from netdraft.sim.cost import estimate

    table, problems, texts = load_prices(network, prices_file)
    if any(d.is_error for d in problems):
        raise NetdraftError(problems, texts)
    return estimate(network, table)


def exposure(analysis: Analysis) -> Exposure:
    """Every network interface and port range some internet address can open a connection
    to, with the rule lines that admit it (``netdraft exposure``).

    Raises:
        NetdraftError: the file has errors.
    """
    return analysis.require_analysis().exposure


def render(
    network: Network,
    out: str | Path,
    highlight: Trace | None = None,
    prices_file: str | Path | None = None,
    vpcs: Sequence[str] = (),
    regions: Sequence[str] = (),
) -> None:
    """Draw a network to ``.svg``, ``.png``, ``.pdf``, ``.dot``, ``.mmd`` or ``.drawio``.

    Args:
        network: the compiled network.
        out: the file to write, atomically; its extension chooses the format.
        highlight: a trace (from :func:`path`) whose connection is drawn in colour.
        prices_file: a price file for the flows' costs.
        vpcs: draw only these VPCs, and what they connect to (small), with ``regions``.
        regions: draw only these regions (with ``vpcs``).
    """
    from netdraft.generator.exports import render as draw

    table, problems, texts = load_prices(network, prices_file)
    if any(d.is_error for d in problems):
        raise NetdraftError(problems, texts)
    query = highlight.query if highlight else None
    draw(network, out, highlight=query, prices=table, vpcs=vpcs, regions=regions)


def docs(
    path: str | Path,
    out_dir: str | Path,
    templates: str | Path | None = None,
    prices_file: str | Path | None = None,
) -> list[Path]:
    """Write a network's Markdown page and the diagram it embeds: ``<stem>.md`` and ``<stem>.svg``.

    Everything is rendered in memory first; the files are then written together.

    Args:
        path: the ``.nd`` file.
        out_dir: the folder to write into (created when missing).
        templates: a folder whose templates replace the built-in ones of the same name.
        prices_file: a price file overriding the bundled prices (after the file's own).

    Returns:
        The files written: the diagram, then the page.

    Raises:
        NetdraftError: the file or a price file has errors.
        TemplateProblem: a template cannot be rendered (nothing is written).
        GraphvizMissing: Graphviz is not installed (nothing is written).
        RenderError: Graphviz could not lay the diagram out (nothing is written).
    """
    return write_docs(analyse(path, prices_file), out_dir, templates)


def write_docs(
    analysis: Analysis,
    out_dir: str | Path,
    templates: str | Path | None = None,
    per_vpc: bool | None = None,
) -> list[Path]:
    """Write the page and diagram of an analysis (``netdraft docs``), named after its file;
    the file's warnings are marked on the diagram.

    Args:
        analysis: the file's analysis.
        out_dir: the folder to write into.
        templates: a folder of templates overriding the built-in ones.
        per_vpc: an overview and one diagram per VPC instead of one diagram (None: when
            the network is large, see ``markdown.PER_VPC_NODES``).

    Raises:
        NetdraftError: the file or a price file has errors.
        TemplateProblem: a template cannot be rendered (nothing is written).
    """
    from netdraft.generator.markdown import write_docs as write

    return write(
        analysis.require_analysis(),
        out_dir,
        Path(analysis.path).stem,
        templates,
        analysis.compiled.text,
        analysis.diagnostics,
        per_vpc,
    )


@dataclass(frozen=True)
class DiffResult:
    """What ``netdraft diff`` computed: the report, and the view of the change when asked."""

    report: DiffReport
    view: View | None = None


def _relabelled(exc: NetdraftError, copy: Path, spec: str) -> NetdraftError:
    """A revision's diagnostics naming the file as ``REV:PATH``, not its temporary copy."""
    rev, _, name = spec.partition(":")
    folder = str(copy.parent)

    def label(file: str) -> str:
        if file == str(copy):
            return spec
        if file.startswith(folder + os.sep):
            return f"{rev}:{Path(name).parent / file[len(folder) + 1 :]}"
        return file

    found = [
        dataclasses.replace(d, span=dataclasses.replace(d.span, file=label(d.span.file)))
        for d in exc.diagnostics
    ]
    return NetdraftError(found, {label(k): v for k, v in exc.sources.items()})


@dataclass
class _Pending:
    """A version of ``diff`` read but not yet compiled: the file (a revision's copy), its
    text, or the compiled file when it could not be read."""

    spec: str  # as the user wrote it: a file, or REV:PATH
    source: str  # the file compiled: the user's, or the revision's copy
    text: str = ""
    unread: Compiled | None = None  # the encoding diagnostic, when it is not UTF-8
    copy: Path | None = None  # a revision's copy: its diagnostics name it REV:PATH


def _pending(spec: str, stack: ExitStack) -> _Pending:
    """One version of a network for ``diff``: a file, or ``REV:PATH`` read through git
    (copied into a temporary folder that ``stack`` removes); a Terraform plan or state or
    CloudFormation template is imported in memory (nothing is written; its diagnostics
    name the original file)."""
    from netdraft.revisions import RevisionProblem, checkout, is_revision

    where = Span(spec, 1, 1, 1, 1)
    copy = None
    if not is_revision(spec):
        if not Path(spec).is_file():
            message = f"no such file: '{spec}' (a git revision is written REV:PATH)"
            raise NetdraftError([error(codes.BAD_REVISION, message, where)], {})
    else:
        try:
            copy = stack.enter_context(checkout(spec))
        except RevisionProblem as exc:
            raise NetdraftError([error(codes.BAD_REVISION, str(exc), where)], {}) from exc
    if copy is None:
        return _read_version(spec, spec, None)
    try:
        return _read_version(spec, str(copy), copy)
    except NetdraftError as exc:
        raise _relabelled(exc, copy, spec) from exc


def _read_version(spec: str, source: str, copy: Path | None) -> _Pending:
    from netdraft import importer

    try:
        imported = importer.from_iac(source, source)
    except importer.DumpError as exc:
        where = Span(source, 1, 1, 1, 1)
        raise NetdraftError([error(codes.BAD_REVISION, str(exc), where)], {}) from exc
    if imported is not None:
        return _Pending(spec, source, imported.text, copy=copy)
    text, problem = read_source(source)
    if text is None:
        assert problem is not None
        return _Pending(spec, source, unread=Compiled(source, "", None, (problem,)), copy=copy)
    return _Pending(spec, source, text, copy=copy)


def _analysed(
    version: _Pending, compiled: Compiled, prices_file: str | Path | None
) -> NetworkAnalysis:
    """A compiled version's analysis (a revision's priced while its price files exist);
    its errors raised, naming a revision's file ``REV:PATH``."""
    try:
        found = Analysis(compiled, prices_file).require_analysis()
        if version.copy is not None:
            found.report  # noqa: B018 - priced while the revision's price files exist
    except NetdraftError as exc:
        if version.copy is None:
            raise
        raise _relabelled(exc, version.copy, version.spec) from exc
    return found


def _compiled_versions(versions: Sequence[_Pending]) -> list[Compiled]:
    """Each version compiled, those that could be read side by side (:func:`compile_many`)."""
    readable = [v for v in versions if v.unread is None]
    done = iter(compile_many([(v.text, v.source) for v in readable]))
    return [v.unread if v.unread is not None else next(done) for v in versions]


def diff(
    old: str, new: str, prices_file: str | Path | None = None, *, draw: bool = False
) -> DiffResult:
    """Compare two versions of a network (``netdraft diff``): components, reachability, costs.

    The two versions are compiled side by side when that pays (:func:`compile_many`);
    problems are reported in the order of one after the other: the old version's first.

    Args:
        old: the old version: a file, or ``REV:PATH`` (a file in a git revision); a
            Terraform plan or state or a CloudFormation template is imported first.
        new: the new version, likewise.
        prices_file: a price file applied to both versions (after their own).
        draw: also build the view of the change (the new layout, with what was added,
            removed and changed marked).

    Raises:
        NetdraftError: a version cannot be read (``bad-revision``) or has errors.
    """
    from netdraft.generator.diff import diff_report
    from netdraft.generator.diff_view import diff_view

    with ExitStack() as stack:
        first = _pending(old, stack)
        try:
            second: _Pending | None = _pending(new, stack)
            unreadable: NetdraftError | None = None
        except NetdraftError as exc:  # reported after the old version's own problems
            second, unreadable = None, exc
        compiled = _compiled_versions([first] if second is None else [first, second])
        before = _analysed(first, compiled[0], prices_file)
        if second is None:
            assert unreadable is not None
            raise unreadable
        after = _analysed(second, compiled[1], prices_file)
        report = diff_report(before, after, old, new)
        view = diff_view(before, after, report.components) if draw else None
    return DiffResult(report, view)


def write_diff(result: DiffResult, out_dir: str | Path, markdown: bool) -> list[Path]:
    """Write a diff's report (``diff.md`` or ``diff.json``) and, when it has a view, the
    diagram it links (``diff.svg``) into ``out_dir``, together.

    Raises:
        GraphvizMissing: Graphviz is not installed (nothing is written).
        RenderError: Graphviz could not lay the diagram out (nothing is written).
    """
    import json

    from netdraft.files import write_together
    from netdraft.generator.diagram import image_bytes
    from netdraft.generator.diff import diff_json, diff_markdown

    folder = Path(out_dir)
    files: list[tuple[str | Path, str | bytes]] = []
    if result.view is not None:
        files.append((folder / DIFF_IMAGE, image_bytes(result.view, "svg")))
    if markdown:
        image = DIFF_IMAGE if result.view is not None else None
        files.append((folder / "diff.md", diff_markdown(result.report, image)))
    else:
        text = json.dumps(diff_json(result.report), indent=2, ensure_ascii=False) + "\n"
        files.append((folder / "diff.json", text))
    return write_together(files)  # it creates the folder (netdraft.files.write_together)


#: The diagram of the change that ``netdraft diff -o DIR`` writes and its report links.
DIFF_IMAGE = "diff.svg"
