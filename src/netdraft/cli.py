"""The ``netdraft`` command: parse flags, call one library function, print its result.

Exit codes: 0 success, 1 the network has errors or a failed expectation, 2 misuse (or a
file or tool that cannot be used), 101 an internal error: a defect in netdraft itself, which
never passes for "errors found" (as ``ty`` and rustc reserve 101).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from netdraft import cache, config
from netdraft.diagnostics import NetdraftError, printable, write_diagnostics
from netdraft.files import write_atomic
from netdraft.generator.errors import GraphvizMissing, RenderError

if TYPE_CHECKING:
    from netdraft import api
    from netdraft.generator import ci
    from netdraft.model.network import Network, Query
    from netdraft.sim.analysis import NetworkAnalysis
else:  # loaded when a command first uses it: ``netdraft --help`` needs none of it
    import importlib.util

    def _lazy(name: str) -> object:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.loader is not None
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        parent, _, child = name.rpartition(".")
        setattr(sys.modules[parent], child, module)  # as an import does
        return module

    api = sys.modules.get("netdraft.api") or _lazy("netdraft.api")

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 101

#: Set (to anything) to print the traceback of an internal error.
TRACEBACK_VARIABLE = "NETDRAFT_TRACEBACK"


class UsageError(Exception):
    """The command was used wrongly (exit 2)."""


class ConfigProblem(Exception):
    """The configuration that applies to a file has mistakes (exit 2, with its diagnostics)."""

    def __init__(self, loaded: config.Loaded) -> None:
        super().__init__(loaded.problems[0].headline())
        self.loaded = loaded


def _config(path: Path) -> config.Config:
    """The configuration that applies to a file (:mod:`netdraft.config`), or ConfigProblem."""
    loaded = config.discover(path.parent)
    if loaded.problems:
        raise ConfigProblem(loaded)
    return loaded.config


def _existing(path: str) -> Path:
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"netdraft: no such file: {path}")
    return p


#: The formats of ``netdraft check --format`` (docs/ci.md).
CHECK_FORMATS = ("text", "json", "sarif", "junit", "github")

#: The file GitHub Actions reads a step's Markdown summary from.
STEP_SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY"


def cmd_check(args: argparse.Namespace) -> int:
    worst = EXIT_OK
    if args.prices:
        _existing(args.prices)
    if args.format != "text":
        return _check_report(args)
    for name in args.files:
        result = _checked(_existing(name), args.prices)
        if result.diagnostics:
            write_diagnostics(result.diagnostics, result.sources, sys.stderr)
        print(printable(result.summary()))
        if not result.ok:
            worst = EXIT_ERRORS
    return worst


def _checked(path: Path, prices: str | None) -> api.Analysis:
    """``api.check`` with the file's configuration, and its price file after the flag's and
    the environment's (:mod:`netdraft.config`)."""
    settings = _config(path)
    return api.check(path, config.chosen(prices, config.PRICES_VARIABLE, settings.prices), settings)


def _check_report(args: argparse.Namespace) -> int:
    """``check --format json|sarif|junit|github``: every file checked, then one report printed.

    Every file must exist before any is checked, so that a misspelt name gives exit 2 and no
    report at all, rather than a report of the files before it.
    """
    from netdraft.generator import ci, github, junit, sarif

    paths = [_existing(name) for name in args.files]
    files: list[ci.CheckedFile] = []
    broken: dict[str, ci.CheckedFile] = {}  # by configuration: one entry however many use it
    for path in paths:
        try:
            files.append(api.checked_file(_checked(path, args.prices)))
        except ConfigProblem as exc:
            write_diagnostics(exc.loaded.problems, exc.loaded.sources(), sys.stderr)
            found = _config_failure(exc.loaded)
            broken.setdefault(found.path, found)
    files += broken.values()
    if args.format == "json":
        sys.stdout.write(ci.check_json(files))
    elif args.format == "sarif":
        sys.stdout.write(sarif.sarif_text([d for f in files for d in f.diagnostics], api.version()))
    elif args.format == "junit":
        sys.stdout.write(junit.junit_xml(files))
    else:
        sys.stdout.write(github.workflow_log(files))
        summary = os.environ.get(STEP_SUMMARY_VARIABLE)
        if summary:
            _append(Path(summary), github.step_summary(files))
    if broken:
        return EXIT_USAGE  # as in text: a wrong configuration is the command used wrongly
    return EXIT_OK if all(f.ok for f in files) else EXIT_ERRORS


def _config_failure(loaded: config.Loaded) -> ci.CheckedFile:
    """A configuration's problems as a checked file of the CI formats, named by its path
    relative to the current folder (as CI annotations and SARIF locations want it)."""
    import dataclasses

    from netdraft.generator import ci

    problems = tuple(
        dataclasses.replace(d, span=dataclasses.replace(d.span, file=_relative(d.span.file)))
        for d in loaded.problems
    )
    name = problems[0].span.file
    return ci.CheckedFile(name, problems, (), False, f"{name}: the configuration has errors")


def _relative(name: str) -> str:
    """A path relative to the current folder when it is under it, else as it is."""
    try:
        return Path(name).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return name


def _append(path: Path, text: str) -> None:
    """Add ``text`` to the end of a file, atomically: readers see all of it or none of it.

    GitHub gives each step its own summary file; the steps of an action may each add to it.
    """
    before = path.read_text("utf-8", errors="replace") if path.is_file() else ""
    if before and not before.endswith("\n"):
        before += "\n"
    write_atomic(path, before + text)


def _fmt_files(names: Sequence[str]) -> list[Path]:
    """The files ``fmt`` works on: each FILE, and the ``.nd`` files of each DIR, once each."""
    from netdraft.files import nd_files

    found: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            inside = nd_files(path)
            if not inside:
                raise UsageError(f"netdraft fmt: no .nd files in the folder {printable(name)}")
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"netdraft fmt: no such file or folder: {printable(name)}")
    seen: set[str] = set()
    unique = []
    for path in found:
        real = os.path.realpath(path)  # a file named twice, or through a link, is done once
        if real not in seen:
            seen.add(real)
            unique.append(path)
    return unique


def _unified_diff(path: Path, before: str, after: str) -> str:
    """The change ``fmt`` makes to a file, as a unified diff (``patch -p0`` applies it)."""
    import difflib

    shown = printable(str(path))
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), shown, shown
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def cmd_fmt(args: argparse.Namespace) -> int:
    """Format files; with several, the worst outcome decides: 2 unreadable, 1 would change."""
    from netdraft.dsl.fmt import format_text

    files = _fmt_files(args.paths)
    printing = not (args.check or args.write or args.diff)
    if printing and (len(args.paths) != 1 or len(files) != 1 or Path(args.paths[0]).is_dir()):
        raise UsageError(
            "netdraft fmt: printing takes one FILE; use --check, --write or --diff for several"
        )
    worst = EXIT_OK
    for path in files:
        text, problem = api.read_source(path)
        if text is None:
            assert problem is not None
            write_diagnostics([problem], {str(path): ""}, sys.stderr)
            worst = EXIT_USAGE
            continue
        formatted, diagnostics = format_text(text, str(path))
        if formatted is None:
            write_diagnostics(diagnostics, {str(path): text}, sys.stderr)
            worst = EXIT_USAGE
            continue
        if printing:
            sys.stdout.write(formatted)
        elif formatted == text:
            continue
        elif args.write:
            write_atomic(path, formatted)
        else:
            if args.check:
                shown = printable(str(path))
                print(f"{shown}: not formatted (run 'netdraft fmt --write {shown}')")
            else:
                sys.stdout.write(_unified_diff(path, text, formatted))
            worst = max(worst, EXIT_ERRORS)
    return worst


def _analysis(path: str, prices: str | None = None) -> api.Analysis:
    """The analysis of a file that must exist, with a ``--prices`` file that must exist too."""
    if prices:
        _existing(prices)
    file = _existing(path)
    settings = _config(file)
    chosen = config.chosen(prices, config.PRICES_VARIABLE, settings.prices)
    return api.analyse(file, chosen, config=settings)


def _query(network: Network, words: Sequence[str], command: str) -> Query:
    """``SRC DST [PROTO [PORT]]`` as a query; a wrong one is a usage error naming why."""
    from netdraft.dsl.query import parse_query

    query = parse_query(network, *words)
    if isinstance(query, list):
        reasons = [
            f"{d.severity.value}[{d.code}]: {d.message}" + (f" ({d.label})" if d.label else "")
            for d in query
        ]
        raise UsageError("\n".join(f"netdraft {command}: {reason}" for reason in reasons))
    return query


def cmd_path(args: argparse.Namespace) -> int:
    from netdraft.dsl.query import EXPECTED as EXPECTED_PROTO_PORT
    from netdraft.generator.explain import explain, trace_json
    from netdraft.sim.path import Simulator

    if args.destination is None:
        missing = "SRC and DST are" if args.source is None else "DST is"
        args.parser.error(
            f"{missing} missing: path takes a source and a destination, e.g. 'app db tcp 5432'"
        )
    network = _analysis(args.file).require_network()
    rest = list(args.proto_port)
    if len(rest) > 5:
        raise UsageError(
            f"netdraft path: too many words after SRC DST ('{' '.join(rest)[:80]}'):"
            f" {EXPECTED_PROTO_PORT}"
        )
    query = _query(network, [args.source, args.destination, *rest], "path")
    result = Simulator(network).trace(query)
    if args.json:
        print(json.dumps(trace_json(result), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(explain(result, network.file))
    return EXIT_OK


def cmd_resolve(args: argparse.Namespace) -> int:
    """``netdraft resolve FILE CLIENT NAME [--type A|AAAA] [--json]``: a resolution and its
    query legs."""
    from netdraft.diagnostics import NetdraftError
    from netdraft.generator.explain import resolution_json, resolution_text

    network = _analysis(args.file).require_network()
    try:
        res = api.resolve(network, args.client, args.name, args.type)
    except NetdraftError as problem:
        reasons = [f"{d.severity.value}[{d.code}]: {d.message}" for d in problem.diagnostics]
        raise UsageError("\n".join(f"netdraft resolve: {r}" for r in reasons)) from None
    if args.json:
        print(json.dumps(resolution_json(res), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(resolution_text(res, network.file))
    return EXIT_OK


def cmd_cost(args: argparse.Namespace) -> int:
    from netdraft.generator.costs import cost_json, cost_text

    report = _analysis(args.file, args.prices).require_analysis().report
    if args.json:
        print(json.dumps(cost_json(report), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(cost_text(report))
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    """``netdraft render FILE -o OUT.svg|.png|.pdf|.dot|.mmd|.drawio [--highlight SRC DST …]``."""
    from netdraft.generator.exports import EXTENSIONS_TEXT, FORMAT_NAMES, FORMATS, render

    out = Path(args.output)
    if args.format is not None:
        if args.format not in FORMAT_NAMES:
            names = ", ".join(sorted(FORMAT_NAMES))
            raise UsageError(f"netdraft render: unknown --format '{args.format}': use {names}")
        args.fmt = FORMAT_NAMES[args.format]
    elif out.suffix.lower().lstrip(".") not in FORMATS:
        raise UsageError(f"netdraft render: unknown format of '{out}': use {EXTENSIONS_TEXT}")
    else:
        args.fmt = out.suffix.lower().lstrip(".")
    if args.diff is not None:
        return _render_diff(args, out)
    if args.file is None:
        raise UsageError("netdraft render: FILE is missing (or draw a change: --diff OLD NEW)")
    analysis = _analysis(args.file, args.prices)
    network = analysis.require_network()
    highlight: Query | None = None
    if args.highlight is not None:
        if not 2 <= len(args.highlight) <= 7:
            raise UsageError(
                "netdraft render: --highlight takes SRC DST [PROTO [PORT | type N [code M]]]"
            )
        highlight = _query(network, args.highlight, "render")
    computed = analysis.require_analysis()
    warnings = analysis.diagnostics
    if args.scenario is not None:
        computed = _scenario(computed, args.scenario)
        warnings = ()  # the file's warnings are drawn on the file's picture
        title = f"scenario {args.scenario}"
        network = dataclasses.replace(
            computed.network,
            title=f"{computed.network.title} · {title}" if computed.network.title else title,
        )
        if highlight is not None:
            highlight = _query(network, args.highlight, "render")
    vpcs, regions = _view_names(network, args.vpc or [], args.region or [])
    render(
        network,
        out,
        highlight=highlight,
        prices=computed.prices,
        analysis=computed,
        fmt=args.fmt,
        warnings=warnings,
        vpcs=vpcs,
        regions=regions,
    )
    return EXIT_OK


def _scenario(analysis: NetworkAnalysis, name: str) -> NetworkAnalysis:
    """The analysis of the network with a scenario's parts down (``render --scenario``)."""
    from netdraft.diagnostics import did_you_mean

    for scenario, within in analysis.scenarios:
        if scenario.name == name:
            return within
    names = [s.name for s, _ in analysis.scenarios]
    hint = did_you_mean(name, names)
    said = f" (did you mean '{hint}'?)" if hint else ""
    known = f"; scenarios: {', '.join(names)}" if names else "; the file has no scenario"
    raise UsageError(f"netdraft render: no scenario named '{name}'{said}{known}")


def _view_names(
    network: Network, vpcs: Sequence[str], regions: Sequence[str]
) -> tuple[list[str], list[str]]:
    """``--vpc`` and ``--region`` names, each once in the order given; an unknown one is a
    usage error naming the closest and every known name."""
    from netdraft.diagnostics import did_you_mean

    known = {
        "VPC": sorted(network.vpcs),
        "region": sorted(set(network.regions) | {v.region for v in network.vpcs.values()}),
    }
    chosen: dict[str, list[str]] = {"VPC": [], "region": []}
    for what, names in (("VPC", vpcs), ("region", regions)):
        for name in names:
            if name not in known[what]:
                hint = did_you_mean(name, known[what])
                said = f" (did you mean '{hint}'?)" if hint else ""
                listed = ", ".join(known[what]) or "none"
                raise UsageError(
                    f"netdraft render: no {what} named '{name}'{said}; {what}s: {listed}"
                )
            if name not in chosen[what]:
                chosen[what].append(name)
    return chosen["VPC"], chosen["region"]


def _render_diff(args: argparse.Namespace, out: Path) -> int:
    """``netdraft render --diff OLD NEW -o OUT``: the new layout with the change marked."""
    from netdraft.generator.exports import render_view

    if args.file is not None or args.highlight is not None:
        raise UsageError("netdraft render: --diff OLD NEW takes no FILE and no --highlight")
    if args.vpc or args.region or args.scenario is not None:
        raise UsageError("netdraft render: --diff OLD NEW takes no --vpc, --region or --scenario")
    args.old, args.new = args.diff
    result = _diff(args, draw=True)
    if result is None:
        return EXIT_USAGE
    assert result.view is not None
    render_view(result.view, out, fmt=args.fmt)
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    """``netdraft docs FILE -o DIR [--templates DIR] [--prices FILE]``: Markdown + diagram."""
    from netdraft.generator.markdown import TemplateProblem

    if args.templates is not None and not Path(args.templates).is_dir():
        _existing(args.file)
        raise UsageError(f"netdraft docs: no such templates folder: {args.templates}")
    analysis = _analysis(args.file, args.prices)
    templates = config.chosen(args.templates, config.TEMPLATES_VARIABLE, analysis.config.templates)
    if templates is not None and not Path(templates).is_dir():
        raise UsageError(f"netdraft docs: no such templates folder: {templates}")
    try:
        written = api.write_docs(analysis, args.output, templates, args.per_vpc)
    except TemplateProblem as exc:
        raise UsageError(f"netdraft docs: {exc}") from exc
    for file in written:
        print(printable(str(file)))
    # The page shows failed expectations; the exit code says so too, as `check` does.
    problems = [d for d in analysis.diagnostics if d.is_error]
    if problems:
        write_diagnostics(problems, analysis.sources, sys.stderr)
        return EXIT_ERRORS
    return EXIT_OK


# ---- netdraft diff -----------------------------------------------------------------------


def _fail_on(text: str) -> str:
    """A ``--fail-on`` condition: ``exposure``, ``verdict`` or ``cost>N`` (N USD a month)."""
    from decimal import Decimal, InvalidOperation

    if text in ("exposure", "verdict"):
        return text
    if text.startswith("cost>"):
        try:
            bound = Decimal(text.removeprefix("cost>"))
        except InvalidOperation:
            bound = Decimal("NaN")
        if bound.is_finite() and bound >= 0:
            return text
    raise argparse.ArgumentTypeError(
        f"'{_printable(text, 60)}' is not a condition: use exposure, verdict or cost>N (USD)"
    )


def _diff(args: argparse.Namespace, draw: bool) -> api.DiffResult | None:
    """The diff of ``args.old`` and ``args.new``; None when a version cannot be read or has
    errors (reported: the input is wrong, exit 2, whatever ``--fail-on`` says)."""
    if args.prices:
        _existing(args.prices)
    # The prices by the same precedence as ``cost``: the flag, NETDRAFT_PRICES, then the
    # configuration of the new version's folder (the working folder for a revision).
    new = Path(args.new)
    settings = _config(new if new.is_file() else Path.cwd() / "_")
    prices = config.chosen(args.prices, config.PRICES_VARIABLE, settings.prices)
    try:
        return api.diff(args.old, args.new, prices, draw=draw)
    except NetdraftError as exc:
        write_diagnostics(exc.diagnostics, exc.sources, sys.stderr)
        return None


def cmd_diff(args: argparse.Namespace) -> int:
    """``netdraft diff OLD NEW [--format md|json] [-o DIR] [--fail-on …]``."""
    from netdraft.generator.diff import diff_json, diff_markdown, failures

    result = _diff(args, draw=args.output is not None)
    if result is None:
        return EXIT_USAGE
    markdown = args.format == "md"
    if args.output is not None:
        for file in api.write_diff(result, args.output, markdown):
            print(printable(str(file)))
    elif markdown:
        sys.stdout.write(diff_markdown(result.report))
    else:
        print(json.dumps(diff_json(result.report), indent=2, ensure_ascii=False))
    failed = failures(result.report, args.fail_on or [])
    for reason in failed:
        print(f"netdraft diff: failing on {printable(reason)}", file=sys.stderr)
    return EXIT_ERRORS if failed else EXIT_OK


def _add_diff_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    diff = sub.add_parser(
        "diff", help="what changes between two versions: components, reachability, costs"
    )
    diff.add_argument("old", metavar="OLD", help="a file, or REV:PATH in git (main:net.nd)")
    diff.add_argument("new", metavar="NEW", help="a file, or REV:PATH in git")
    diff.add_argument("--format", choices=("md", "json"), default="md", help="default: md")
    diff.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        help="write diff.md (or diff.json) and the diagram of the change, diff.svg, here",
    )
    diff.add_argument(
        "--fail-on",
        action="append",
        type=_fail_on,
        metavar="COND",
        help="exit 1 when: exposure (newly reachable from the internet), verdict (any verdict"
        " changed), cost>N (the monthly total grows by more than N USD); repeatable",
    )
    diff.add_argument("--prices", metavar="FILE", help="a TOML price file for both versions")
    diff.set_defaults(run=cmd_diff)


def cmd_exposure(args: argparse.Namespace) -> int:
    """``netdraft exposure FILE [--format text|json|sarif]``: what the internet can reach; exit 0."""
    from netdraft.generator.exposure import exposure_json, exposure_sarif, exposure_text

    found = api.exposure(_analysis(args.file))
    if args.format == "json":
        print(json.dumps(exposure_json(found), indent=2, ensure_ascii=False))
    elif args.format == "sarif":
        sys.stdout.write(exposure_sarif(found, args.file, api.version()))
    else:
        sys.stdout.write(exposure_text(found))
    return EXIT_OK


# ---- netdraft import ---------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    """``netdraft import aws-json DIR -o FILE.nd`` and ``netdraft import aws --region R -o FILE.nd``."""
    from netdraft import importer

    out = Path(args.output)
    try:
        if args.source == "aws-json":
            result = importer.from_json_dir(args.directory, str(out), args.region)
        elif args.source == "terraform":
            result = importer.from_terraform(args.path, str(out), args.region)
        elif args.source == "cloudformation":
            params = dict(_parameter(p) for p in args.parameter)
            result = importer.from_cloudformation(args.template, params, args.region, str(out))
        else:
            result = importer.from_aws(args.region, args.profile, args.endpoint_url, str(out))
    except importer.DumpError as exc:
        raise UsageError(f"netdraft import: {exc}") from exc
    write_atomic(out, result.text)
    for message in result.warnings:
        print(f"warning: {message}", file=sys.stderr)
    compiled = api.compile_syntax(result.source)  # the tree it printed: no second parse
    if not compiled.ok:
        compiled = api.compile(result.text, str(out))  # the text's spans, for the messages
    if not compiled.ok:
        write_diagnostics(compiled.diagnostics, compiled.sources(), sys.stderr)
        print(f"{printable(str(out))}: written, but it does not compile", file=sys.stderr)
        return EXIT_ERRORS
    print(
        f"{printable(str(out))}: written ({len(result.warnings)} warning{'s' * (len(result.warnings) != 1)})"
    )
    return EXIT_OK


def _parameter(text: str) -> tuple[str, str]:
    """``K=V`` of ``--parameter``."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise UsageError(f"netdraft import: --parameter {text!r} is not KEY=VALUE")
    return key, value


def _add_import_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    imp = sub.add_parser("import", help="write an .nd file from a real AWS network")
    sources = imp.add_subparsers(dest="source", required=True, metavar="SOURCE")
    from_json = sources.add_parser("aws-json", help="from saved 'aws ec2 describe-*' JSON output")
    from_json.add_argument(
        "directory", metavar="DIR", help="the JSON files, flat or in [account/]region/ folders"
    )
    from_json.add_argument("-o", "--output", required=True, metavar="FILE.nd")
    from_json.add_argument(
        "--region", help="the region of files whose folder and content name none"
    )
    from_json.set_defaults(run=cmd_import)
    terraform = sources.add_parser(
        "terraform", help="from a Terraform plan ('terraform show -json') or state file"
    )
    terraform.add_argument("path", metavar="FILE|DIR", help="a plan or state file, or a folder")
    terraform.add_argument("-o", "--output", required=True, metavar="FILE.nd")
    terraform.add_argument("--region", help="the region when the provider and zones name none")
    terraform.set_defaults(run=cmd_import)
    cfn = sources.add_parser("cloudformation", help="from a CloudFormation (or CDK) template")
    cfn.add_argument("template", metavar="TEMPLATE", help="the template, JSON or YAML")
    cfn.add_argument(
        "--parameter", action="append", default=[], metavar="K=V", help="a parameter's value"
    )
    cfn.add_argument("--region", help="the stack's region (default us-east-1)")
    cfn.add_argument("-o", "--output", required=True, metavar="FILE.nd")
    cfn.set_defaults(run=cmd_import)
    live = sources.add_parser("aws", help="from an AWS account, live, through boto3")
    live.add_argument(
        "--region", required=True, action="append", help="a region to read (repeatable)"
    )
    live.add_argument("--profile", help="the AWS profile (default: the environment's credentials)")
    live.add_argument("--endpoint-url", help=argparse.SUPPRESS)
    live.add_argument("-o", "--output", required=True, metavar="FILE.nd")
    live.set_defaults(run=cmd_import)


class _Version(argparse.Action):
    """``--version``: reads the installed package's metadata only when asked (``--help`` stays fast)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from netdraft import about  # not api: the model and simulator are not needed here

        sys.stdout.write(f"netdraft {about.version()}\n")  # on stdout, as argparse's own does
        parser.exit()


class _Parser(argparse.ArgumentParser):
    """argparse, saying what to do when a value that starts with '-' (a DNS name such as
    ``-x.corp``) was read as an option: write it after ``--``."""

    _dashed: tuple[str, ...] = ()

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        words = list(args) if args is not None else sys.argv[1:]
        before = words[: words.index("--")] if "--" in words else words
        known = self._option_string_actions
        self._dashed = tuple(
            w
            for w in before
            if w.startswith("-") and not w.startswith("--") and w != "-" and w not in known
        )
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        # A word the message names, or one the parser took for an option where a value was due.
        words = [w for w in self._dashed if w in message.split()]
        if not words and "required" in message and " " in self.prog:  # a command's parser
            words = list(self._dashed)
        if words:
            word = words[0]
            message += (
                f"\n  '{printable(word[:60])}' starts with '-', so it is read as an option; a value"
                f" that starts with '-' goes after '--': {self.prog} … -- {printable(word[:60])}"
            )
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="netdraft",
        description="AWS network designs as text: checked, simulated, priced and drawn.",
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="show netdraft's version and exit"
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    check = sub.add_parser("check", help="parse, validate and run every expect; exit 0/1")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument(
        "--prices", metavar="FILE", help="a TOML price file overriding the bundled prices"
    )
    check.add_argument(
        "--format",
        choices=CHECK_FORMATS,
        default="text",
        help="text (default), json, sarif (code scanning), junit (test reports), github"
        " (annotations and $GITHUB_STEP_SUMMARY)",
    )
    check.set_defaults(run=cmd_check)

    fmt = sub.add_parser(
        "fmt",
        help="print a file in canonical form, or check, rewrite or diff files and folders",
    )
    fmt.add_argument(
        "paths", nargs="+", metavar="FILE|DIR", help="files, and folders of .nd files (recursive)"
    )
    mode = fmt.add_mutually_exclusive_group()
    mode.add_argument(
        "--check", action="store_true", help="list the files fmt would change; exit 1 if any"
    )
    mode.add_argument("--write", action="store_true", help="rewrite the files that change")
    mode.add_argument(
        "--diff", action="store_true", help="print what fmt would change; exit 1 if anything"
    )
    fmt.set_defaults(run=cmd_fmt)

    path = sub.add_parser(
        "path",
        help="explain, hop by hop, whether SRC can connect to DST",
        usage="netdraft path [-h] [--json] FILE SRC DST [PROTO [PORT]]",
    )
    path.add_argument("file", metavar="FILE")
    # Optional for argparse, so that a missing one is named alone (cmd_path says which).
    path.add_argument("source", metavar="SRC", nargs="?")
    path.add_argument("destination", metavar="DST", nargs="?")
    path.add_argument(
        "proto_port",
        nargs="*",
        metavar="PROTO PORT",
        help="e.g. tcp 443, tcp 1-1024 (every port), icmp type 8 (default icmp)",
    )
    path.add_argument("--json", action="store_true", help="print the documented JSON form")
    path.set_defaults(run=cmd_path, parser=path)

    names = sub.add_parser(
        "resolve", help="explain what CLIENT's resolver answers for NAME, query by query"
    )
    names.add_argument("file", metavar="FILE")
    names.add_argument("client", metavar="CLIENT", help="an instance or a site host")
    names.add_argument(
        "name", metavar="NAME", help="a DNS name (a bare name takes the DHCP domain)"
    )
    names.add_argument(
        "--type",
        default="A",
        choices=("A", "AAAA"),
        type=str.upper,
        help="the record type asked: A (IPv4, the default) or AAAA (IPv6)",
    )
    names.add_argument("--json", action="store_true", help="print the documented JSON form")
    names.set_defaults(run=cmd_resolve)

    cost = sub.add_parser("cost", help="monthly cost per flow, hourly resources and total")
    cost.add_argument("file", metavar="FILE")
    cost.add_argument(
        "--prices", metavar="FILE", help="a TOML price file overriding the bundled prices"
    )
    cost.add_argument("--json", action="store_true", help="print the documented JSON form")
    cost.set_defaults(run=cmd_cost)

    draw = sub.add_parser(
        "render", help="draw the network and its flows as SVG, PNG, PDF, DOT, Mermaid or draw.io"
    )
    draw.add_argument("file", metavar="FILE", nargs="?")
    draw.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="OUT.svg|.png|.pdf|.dot|.mmd|.drawio"
    )
    draw.add_argument(
        "--format",
        metavar="FORMAT",
        help="svg, png, pdf, dot, mermaid or drawio, whatever OUT's extension",
    )
    draw.add_argument(
        "--diff",
        nargs=2,
        metavar=("OLD", "NEW"),
        help="draw the change between two versions (files or REV:PATH) instead of FILE",
    )
    draw.add_argument(
        "--highlight", nargs="+", metavar="ARG", help="SRC DST [PROTO PORT]: a path drawn in colour"
    )
    draw.add_argument("--prices", metavar="FILE", help="a TOML price file for the flow costs")
    draw.add_argument(
        "--vpc",
        action="append",
        metavar="NAME",
        help="draw only this VPC and, small, what it connects to (repeatable)",
    )
    draw.add_argument(
        "--region",
        action="append",
        metavar="NAME",
        help="draw only this region and, small, what it connects to (repeatable)",
    )
    draw.add_argument(
        "--scenario", metavar="NAME", help="draw the network with this scenario's parts down"
    )
    draw.set_defaults(run=cmd_render)

    docs = sub.add_parser("docs", help="write a Markdown page of the network and its diagram")
    docs.add_argument("file", metavar="FILE")
    docs.add_argument(
        "-o", "--output", required=True, metavar="DIR", help="the folder to write into"
    )
    docs.add_argument("--templates", metavar="DIR", help="templates replacing the built-in ones")
    docs.add_argument("--prices", metavar="FILE", help="a TOML price file overriding the bundled")
    docs.add_argument(
        "--per-vpc",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="an overview and one diagram per VPC (default: when the network is large)",
    )
    docs.set_defaults(run=cmd_docs)

    _add_import_parser(sub)
    _add_diff_parser(sub)

    exposed = sub.add_parser(
        "exposure", help="every interface and port range the internet can open; exit 0"
    )
    exposed.add_argument("file", metavar="FILE")
    exposed.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    exposed.set_defaults(run=cmd_exposure)
    for compiling in (check, path, names, cost, draw, docs, exposed, sub.choices["diff"]):
        compiling.add_argument(
            "--no-cache",
            action="store_true",
            help=f"parse every file anew (also: {cache.NO_CACHE_VARIABLE}=1); see docs/commands.md",
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    cached = not getattr(args, "no_cache", False) and not os.environ.get(cache.NO_CACHE_VARIABLE)
    try:
        with cache.dataclass_code(cached), api.compile_cache(cached):
            return _without_collector(run, args)
    except UsageError as exc:
        # One line per line of the message, each escaped: file names come from pull requests.
        print("\n".join(printable(line) for line in str(exc).split("\n")), file=sys.stderr)
        return EXIT_USAGE
    except NetdraftError as exc:
        write_diagnostics(exc.diagnostics, exc.sources, sys.stderr)
        return EXIT_ERRORS
    except ConfigProblem as exc:
        write_diagnostics(exc.loaded.problems, exc.loaded.sources(), sys.stderr)
        return EXIT_USAGE
    except GraphvizMissing as exc:  # the machine lacks a tool: nothing wrong with the network
        print(f"netdraft: {_printable(str(exc), 2000)}", file=sys.stderr)
        return EXIT_USAGE
    except RenderError as exc:
        print(f"netdraft: {_printable(str(exc), 2000)}", file=sys.stderr)
        return EXIT_ERRORS
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):  # `netdraft … | head`: the reader has gone
            _silence_stdout()
            return EXIT_OK
        print(_os_message(exc), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return 130
    except Exception as exc:  # a defect in netdraft (RecursionError and MemoryError included)
        return _internal_error(exc)


def run() -> NoReturn:
    """The ``netdraft`` program (and ``python -m netdraft``): :func:`main`, then the process
    ends at once, its output flushed: the interpreter does not free the network and its
    analysis object by object first (half a second for a 10,000-instance network), as
    mypy and other compilers do. :func:`main` itself returns, for callers in Python."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # `netdraft … | head`: the reader has gone, as in main
            if stream is sys.stdout:
                _silence_stdout()
        except OSError as exc:  # a full disk, an I/O error: the output is not whole
            if stream is sys.stdout:
                _silence_stdout()
                with contextlib.suppress(OSError, ValueError):
                    print(_os_message(exc), file=sys.stderr, flush=True)
                code = code or EXIT_USAGE  # as main reports a failed write
        except ValueError:  # a closed stream: nothing more to write
            pass
    logging.shutdown()  # what the interpreter would do at exit: handlers flushed
    os._exit(code)


def _without_collector(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command with the cyclic garbage collector paused (and restored after).

    A command builds one network and its analysis and keeps them to the end; the
    collector's passes over them free nothing (a fifth of a large check's CPU time).
    Memory is freed as ever by reference counting.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return run(args)
    finally:
        if collecting:
            gc.enable()


def _os_message(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"netdraft: {_printable(reason)}: {_printable(str(exc.filename or ''))}".rstrip(": ")


def _printable(text: str, limit: int = 300) -> str:
    """``text`` on one line with control characters escaped, cut to ``limit`` characters."""
    shown = printable(text[: limit + 1])
    return shown if len(shown) <= limit else shown[:limit] + "…"


def _internal_error(exc: BaseException) -> int:
    """Report a defect in netdraft as such: one line, exit 101, the traceback on request."""
    import os

    if os.environ.get(TRACEBACK_VARIABLE):
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    print(
        f"netdraft: internal error: {type(exc).__name__}: {_printable(str(exc))}\n"
        f"  this is a defect in netdraft, not in your files; set {TRACEBACK_VARIABLE}=1 "
        "for the traceback and please report it with the input that caused it",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def _silence_stdout() -> None:
    """Point stdout at nothing, so that flushing it at exit raises no second BrokenPipeError."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
