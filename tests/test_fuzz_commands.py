"""Hostile files against every command: an exit code of 0, 1 or 2, a bounded message, no traceback.

The inputs are the spec's files with hostile pieces spliced in: line separators the parser
does not count, control characters, very long lines and numbers, Unicode digits, keywords
where names go, statements that name files outside the tree. Each command runs in-process
through :func:`netdraft.cli.main`, as a user would run it.

The example count is small by default (the ``ci`` profile replays the same examples on every
run); ``NETDRAFT_PROPERTY_SCALE=20`` runs twenty times as many, for a long run by hand.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from netdraft import cli

SPEC = Path(__file__).parent / "spec"
SPEC_TEXTS = [p.read_text("utf-8") for p in sorted(SPEC.glob("*/*.nd"))]
SCALE = float(os.environ.get("NETDRAFT_PROPERTY_SCALE", "1"))

#: Pieces that broke an earlier netdraft, or that are meant to.
HOSTILE = [
    "\u2028", "\u0085", "\x0b", "\x0c", "\r", "\x00", "\x1b[31m", "\ufeff", "\t",
    "٤٤٣", "١٠٠", "9" * 5000, "1" + "0" * 4400, "-1", "65536",
    'prices "/proc/self/environ"', 'prices "/dev/zero"', 'prices "../../../../etc/passwd"',
    'title "' + "x" * 20_000 + '"', 'title "a\\"b<script>"', "associate " + "x " * 300,
    "associate public private", "sg sg", "in in", "{", "}", "{{", ";", "->", "#", '"',
    "private", "public", "eip", "stopped", "main", "static", "bgp",
    "a" * 3000, "é", "\U0001f600",
]  # fmt: skip


HOSTILE_NUMBERS = ["9" * 5000, "1" + "0" * 4400, "٤٤٣", "١٠٠", "65536", "0", "-1", "1-٢"]
NUMBER = re.compile(r"(?<![\w.:/-])[0-9]+(?![\w.:/])")
INSTANCE = re.compile(r"^\s*instance ([A-Za-z_][A-Za-z0-9_-]*)", re.MULTILINE)


@st.composite
def hostile_files(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SPEC_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):  # a hostile piece anywhere
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(HOSTILE)) + text[at:]
        else:  # a number (port, rule number, volume) replaced by a hostile one
            numbers = list(NUMBER.finditer(text))
            if numbers:
                m = draw(st.sampled_from(numbers))
                text = text[: m.start()] + draw(st.sampled_from(HOSTILE_NUMBERS)) + text[m.end() :]
    return text


#: The commands, each with the arguments after the file; outputs go to a fresh folder.
#: ``{src}`` and ``{dst}`` are instances of the file (or ``internet``), ``{port}`` a port.
COMMANDS: list[tuple[str, ...]] = [
    ("check",),
    ("fmt",),
    ("cost",),
    ("path", "{src}", "{dst}", "tcp", "{port}"),
    ("render", "-o", "{out}/n.dot"),
    ("render", "-o", "{out}/n.dot", "--highlight", "{src}", "{dst}", "tcp", "{port}"),
]
PORTS = ["443", "22", "9" * 5000, "٤٤٣", "1-65535", "65536", "x"]


def run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse refusing a command line
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue() + err.getvalue()


EXAMPLE_01 = (SPEC / "examples" / "01-public-private-nat.nd").read_text("utf-8")


@settings(max_examples=max(1, round(60 * SCALE)))
@given(
    text=hostile_files(),
    command=st.sampled_from(COMMANDS),
    ends=st.tuples(st.integers(0, 99), st.integers(0, 99)),
    port=st.sampled_from(PORTS),
)
@example(EXAMPLE_01.replace("tcp 22", "tcp " + "9" * 5000, 1), ("check",), (0, 0), "22")
@example(EXAMPLE_01, ("path", "{src}", "{dst}", "tcp", "{port}"), (2, 0), "9" * 5000)
@example(EXAMPLE_01, COMMANDS[-1], (2, 0), "9" * 5000)
@example(EXAMPLE_01.replace("tcp 22", "tcp ٢٢", 1), ("check",), (0, 0), "22")
@example(EXAMPLE_01.replace("vpc", "\u2028vpc", 1), ("check",), (0, 0), "22")
@example(EXAMPLE_01.replace("private-a", "private-a private", 1), ("check",), (0, 0), "22")
def test_every_command_survives_a_hostile_file(
    text: str, command: tuple[str, ...], ends: tuple[int, int], port: str
) -> None:
    names = [*INSTANCE.findall(text), "internet"]
    values = {"{src}": names[ends[0] % len(names)], "{dst}": names[ends[1] % len(names)]}
    values["{port}"] = port
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "net.nd"
        file.write_text(text, "utf-8")
        values["{out}"] = str(Path(folder) / "out")
        args = [command[0], str(file), *(_fill(a, values) for a in command[1:])]
        code, output = run(args)
        assert code in (0, 1, 2), output[-2000:]
        assert "Traceback" not in output
        # Messages are bounded: capped per file and cut around the caret on long lines.
        assert len(output) < 200_000 + 4 * len(text), len(output)
        # No temporary file is left beside the outputs.
        left = [p.name for p in Path(folder).rglob("*") if p.name.endswith(".tmp")]
        assert left == []


def _fill(word: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        word = word.replace(key, value)
    return word
