"""The ``netdraft`` command: parse flags, call one library function, print its result.

Exit codes: 0 success, 1 the network has errors or a failed expectation, 2 misuse.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from netdraft import api
from netdraft.dsl.diagnostics import NetdraftError, render_all

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The command was used wrongly (exit 2)."""


def _existing(path: str) -> Path:
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"netdraft: no such file: {path}")
    return p


def cmd_check(args: argparse.Namespace) -> int:
    worst = EXIT_OK
    for name in args.files:
        result = api.check(_existing(name))
        if result.diagnostics:
            print(render_all(result.diagnostics, result.sources), file=sys.stderr)
        print(result.summary())
        if not result.ok:
            worst = EXIT_ERRORS
    return worst


def cmd_fmt(args: argparse.Namespace) -> int:
    from netdraft.dsl.fmt import format_text

    path = _existing(args.file)
    text = path.read_text("utf-8")
    formatted, diagnostics = format_text(text, str(path))
    if formatted is None:
        print(render_all(diagnostics, {str(path): text}), file=sys.stderr)
        return EXIT_ERRORS
    if args.check:
        if formatted != text:
            print(f"{path}: not formatted (run 'netdraft fmt --write {path}')", file=sys.stderr)
            return EXIT_ERRORS
        return EXIT_OK
    if args.write:
        if formatted != text:
            api.write_atomic(path, formatted)
        return EXIT_OK
    sys.stdout.write(formatted)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netdraft",
        description="AWS network designs as text: checked, simulated, priced and drawn.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="parse, validate and run every expect; exit 0/1")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.set_defaults(run=cmd_check)

    fmt = sub.add_parser("fmt", help="print the file in canonical form")
    fmt.add_argument("file", metavar="FILE")
    mode = fmt.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if the file is not formatted")
    mode.add_argument("--write", action="store_true", help="rewrite the file in place")
    fmt.set_defaults(run=cmd_fmt)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except NetdraftError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_ERRORS
    except OSError as exc:
        print(f"netdraft: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
