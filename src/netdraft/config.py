"""Configuration and silencing: ``[tool.netdraft]``, ``netdraft.toml`` and ``# netdraft: ignore[…]``.

Which file (the decision, documented in ``docs/config.md``): from the folder of the file
checked (or of ``mkdocs.yml``) upwards, the first folder that holds a ``netdraft.toml``, or
a ``pyproject.toml`` with a ``[tool.netdraft]`` table, gives the configuration (in one
folder ``netdraft.toml`` wins); the search stops after the repository's root (the folder
holding ``.git``), or at the file system's root. Files are not merged: the nearest wins.

Keys: ``prices`` (a ``.toml`` file) and ``templates`` (a folder), relative to the
configuration's folder and confined to its folder tree, as ``prices`` statements are
(``docs/security.md``); ``ignore`` (a list of warning codes) and ``severity`` (a table
of code to ``"error"``, ``"warning"`` or ``"off"``). Errors are never silenced or lowered:
they are what AWS refuses, or an ``expect`` that does not hold. Precedence: a command
line flag, then the environment (:data:`PRICES_VARIABLE`, :data:`TEMPLATES_VARIABLE`),
then the file.

A ``# netdraft: ignore[code, …]`` comment silences those warnings reported on its line;
one naming an unknown code or an error is itself a warning (``bad-pragma``).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from netdraft import codes
from netdraft.diagnostics import (
    Diagnostic,
    Severity,
    did_you_mean,
    end_position,
    error,
    warning,
)
from netdraft.files import confine, is_regular, read_bytes
from netdraft.model.values import Span

#: The configuration files looked for in each folder, the first found winning.
NAMES = ("netdraft.toml", "pyproject.toml")
#: The largest configuration file read.
MAX_CONFIG_BYTES = 1024 * 1024
#: The environment variables that come between the flags and the file.
PRICES_VARIABLE = "NETDRAFT_PRICES"
TEMPLATES_VARIABLE = "NETDRAFT_TEMPLATES"
#: What ``severity`` may set a code to.
LEVELS = ("error", "warning", "off")

_PRAGMA = re.compile(r"netdraft:\s*ignore\[([^\]\n]*)\]")
_TOML_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)")


# ---- the configuration -----------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    """What a configuration file says (nothing: :data:`NO_CONFIG`)."""

    path: Path | None = None
    prices: Path | None = None
    templates: Path | None = None
    ignore: frozenset[str] = frozenset()
    severity: Mapping[str, str] = field(default_factory=dict)

    def apply(self, diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
        """The diagnostics with ``ignore`` and ``severity`` applied (errors stay as they are)."""
        kept = []
        for d in diagnostics:
            level = "off" if d.code in self.ignore else self.severity.get(d.code, "")
            if d.is_error or not level or level == "warning":
                kept.append(d)
            elif level == "error":
                kept.append(dataclasses.replace(d, severity=Severity.ERROR))
        return tuple(kept)


NO_CONFIG = Config()


@dataclass(frozen=True)
class Loaded:
    """A configuration read, the problems found in it, and its text (to show them with)."""

    config: Config
    problems: tuple[Diagnostic, ...] = ()
    text: str = ""

    def sources(self) -> dict[str, str]:
        return {str(self.config.path): self.text} if self.config.path else {}


def find(folder: str | Path) -> Path | None:
    """The configuration file that applies to files of ``folder`` (see the module docstring)."""
    here = Path(os.path.abspath(folder))
    while True:
        for name in NAMES:
            candidate = here / name
            if is_regular(candidate) and (name != "pyproject.toml" or _has_table(candidate)):
                return candidate
        if (here / ".git").exists() or here.parent == here:
            return None
        here = here.parent


def _has_table(path: Path) -> bool:
    try:
        text = read_bytes(path, MAX_CONFIG_BYTES).decode("utf-8", "replace")
    except OSError:
        return False
    return re.search(r"^\s*\[\s*tool\s*\.\s*netdraft\s*[\].]", text, re.MULTILINE) is not None


def discover(folder: str | Path) -> Loaded:
    """The configuration for files of ``folder``: :func:`find`, then :func:`load`."""
    path = find(folder)
    return load(path) if path is not None else Loaded(NO_CONFIG)


def load(path: str | Path) -> Loaded:
    """Read a configuration file; every mistake in it is an ``error[bad-config]``."""
    path = Path(path)
    shown = str(path)
    try:
        text = read_bytes(path, MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8"
        return Loaded(Config(path), (_problem(shown, 1, f"cannot read '{shown}': {reason}"),))
    import tomllib  # here, not at the top: ``netdraft --help`` reads no configuration

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        place = _TOML_PLACE.search(str(exc))
        line, column = (int(place[1]), int(place[2])) if place else end_position(text)
        message = _TOML_PLACE.sub("", str(exc)).strip()
        return Loaded(Config(path), (_problem(shown, line, message, column),), text)
    pyproject = path.name == "pyproject.toml"
    reader = _Reader(path, text, "tool.netdraft." if pyproject else "")
    table: object = data
    if pyproject:
        tool = data.get("tool")
        table = tool.get("netdraft", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        reader.problems.append(_problem(shown, reader._start + 1, "tool.netdraft: must be a table"))
        table = {}
    config = reader.read(table)
    return Loaded(config, tuple(reader.problems), text)


class _Reader:
    """Checks a configuration table key by key, collecting ``bad-config`` diagnostics."""

    def __init__(self, path: Path, text: str, prefix: str) -> None:
        self.path, self.text, self.prefix = path, text, prefix
        self.folder = Path(os.path.realpath(path.parent))
        self.problems: list[Diagnostic] = []
        self._lines = text.split("\n")
        header = self.prefix.rstrip(".")
        self._start = next(
            (
                n
                for n, line in enumerate(self._lines)
                if header and re.match(rf"\s*\[\s*{re.escape(header)}\s*[\].]", line)
            ),
            0,
        )

    def place(self, key: str, after: int | None = None) -> tuple[int, int, int]:
        """Where ``key`` is written (0-based line, 1-based column, width), at or after the
        table's header (or line ``after``); tomllib keeps no positions, so it is looked for.
        Not found: the start of the line searched from."""
        start = self._start if after is None else after
        pattern = re.compile(rf"""["']?{re.escape(key)}["']?(?=\s*(=|\]|,|$))""")
        for n in range(start, len(self._lines)):
            found = pattern.search(self._lines[n])
            if found:
                return n, found.start() + 1, len(found[0])
        return start, 1, 1

    def fail(self, keys: Sequence[str], message: str, named: int = 0) -> None:
        """A problem with the value at ``keys``, named by its first ``named`` keys (all: 0)."""
        line, column, width = self.place(keys[0])
        for key in keys[1:]:
            line, column, width = self.place(key, line)
        name = self.prefix + ".".join(keys[: named or len(keys)])
        self.problems.append(
            _problem(str(self.path), line + 1, f"{name}: {message}", column, width)
        )

    def read(self, table: dict[str, object]) -> Config:
        known = {"prices", "templates", "ignore", "severity"}
        for key in table:
            if key not in known:
                hint = did_you_mean(key, known)
                self.fail([key], "unknown key" + (f" (did you mean '{hint}'?)" if hint else ""))
        prices = self.path_key(table, "prices", file=True)
        templates = self.path_key(table, "templates", file=False)
        ignore = self.ignore(table.get("ignore", []))
        severity = self.severity(table.get("severity", {}))
        return Config(self.path, prices, templates, frozenset(ignore), severity)

    def path_key(self, table: dict[str, object], key: str, *, file: bool) -> Path | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail([key], f"must be a string, not {type(value).__name__}")
            return None
        kind = "file" if file else "folder"
        real = confine(self.folder / value, [self.folder])
        if real is None:
            self.fail([key], f"the {kind} '{value}' is outside the folder of {self.path.name}")
            return None
        if file and not (is_regular(real) and real.name.lower().endswith(".toml")):
            self.fail([key], f"'{value}' is not a .toml file")
            return None
        if not file and not real.is_dir():
            self.fail([key], f"'{value}' is not a folder")
            return None
        return real

    def code(self, keys: Sequence[str], name: object, level: str = "off") -> str | None:
        """``name`` when it is a code ``level`` may apply to (an error's only ``"error"``)."""
        named = 1 if keys[0] == "ignore" else 0
        if not isinstance(name, str):
            self.fail(keys, f"a code must be a string, not {type(name).__name__}", named)
            return None
        found = codes.REGISTRY.get(name)
        if found is None:
            hint = did_you_mean(name, codes.REGISTRY)
            said = f"no code '{name}'" + (f" (did you mean '{hint}'?)" if hint else "")
            self.fail(keys, said, named)
            return None
        if found.severity is codes.Severity.ERROR and level != "error":
            said = f"'{name}' is an error: errors cannot be silenced or lowered"
            self.fail(keys, said, named)
            return None
        return name

    def ignore(self, value: object) -> list[str]:
        if not isinstance(value, list):
            self.fail(["ignore"], f"must be a list of codes, not {type(value).__name__}")
            return []
        return [c for item in value if (c := self.code(["ignore", str(item)], item))]

    def severity(self, value: object) -> dict[str, str]:
        if not isinstance(value, dict):
            self.fail(["severity"], f"must be a table of codes, not {type(value).__name__}")
            return {}
        found: dict[str, str] = {}
        for name, level in value.items():
            if level not in LEVELS:
                self.fail(["severity", name], f"must be one of {', '.join(map(repr, LEVELS))}")
            elif self.code(["severity", name], name, level):
                found[name] = level
        return found


def _problem(file: str, line: int, message: str, column: int = 1, width: int = 1) -> Diagnostic:
    return error(
        codes.BAD_CONFIG,
        message,
        Span(file, line, column, line, column + width),
        "see the configuration page (config.md) for the keys and their values",
    )


def chosen(flag: str | Path | None, variable: str, configured: Path | None) -> str | Path | None:
    """A setting by precedence: the flag, then the environment variable, then the file."""
    return flag or os.environ.get(variable) or configured


# ---- pragmas ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pragmas:
    """The ``# netdraft: ignore[…]`` comments of some texts: the codes silenced on each line
    (by file and line) and the warnings about the comments themselves."""

    lines: Mapping[tuple[str, int], frozenset[str]] = field(default_factory=dict)
    problems: tuple[Diagnostic, ...] = ()

    def silence(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """The diagnostics that no comment on their line silences (errors are all kept)."""
        if not self.lines:
            return list(diagnostics)
        return [
            d
            for d in diagnostics
            if d.is_error or d.code not in self.lines.get((d.span.file, d.span.line), ())
        ]


NO_PRAGMAS = Pragmas()


def find_pragmas(sources: Mapping[str, str]) -> Pragmas:
    """Every ``# netdraft: ignore[…]`` comment of the texts (by the file names spans use)."""
    lines: dict[tuple[str, int], frozenset[str]] = {}
    problems: list[Diagnostic] = []
    for file, text in sources.items():
        if "netdraft:" not in text:
            continue
        for number, line in enumerate(text.split("\n"), 1):
            hash_at = _comment_start(line) if "netdraft:" in line else -1
            if hash_at < 0:
                continue
            for match in _PRAGMA.finditer(line, hash_at):
                if line[hash_at + 1 : match.start()].strip():
                    continue  # `# see netdraft: ignore[x]` is prose, not a pragma
                names = set()
                offset = match.start(1)
                for word in match[1].split(","):
                    name = word.strip()
                    column = offset + len(word) - len(word.lstrip()) + 1
                    offset += len(word) + 1
                    problem = _pragma_problem(
                        name, Span(file, number, column, number, column + max(1, len(name)))
                    )
                    if problem is None:
                        names.add(name)
                    else:
                        problems.append(problem)
                lines[(file, number)] = lines.get((file, number), frozenset()) | names
                break
    return Pragmas(lines, tuple(problems))


def _pragma_problem(name: str, span: Span) -> Diagnostic | None:
    found = codes.REGISTRY.get(name)
    if found is None:
        hint = did_you_mean(name, codes.REGISTRY)
        return warning(
            codes.BAD_PRAGMA,
            f"'# netdraft: ignore' names no code '{name}'",
            span,
            f"did you mean '{hint}'?" if hint else "the codes are listed in language.md",
        )
    if found.severity is Severity.ERROR:
        return warning(
            codes.BAD_PRAGMA,
            f"'{name}' is an error: errors cannot be silenced",
            span,
            "fix the problem instead",
        )
    return None


def _comment_start(line: str) -> int:
    """Where the line's comment starts (its ``#`` outside a string), or -1."""
    quoted = escaped = False
    for at, ch in enumerate(line):
        if quoted:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == "#":
            return at
    return -1
