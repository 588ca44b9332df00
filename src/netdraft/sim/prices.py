"""Price tables: the bundled one, and users' overrides, read from TOML with line-accurate errors.

A price file may be anything its name leads to, so its text is never shown whole: the
diagnostics quote at most a key, a value or the few characters before a TOML syntax
error, each through :func:`shown` (control characters escaped, length bounded), and a
file holding control characters is refused before it is parsed (TOML never allows them;
``/proc/self/environ`` and binary files are full of them). Callers render these
diagnostics without the file's text as a source line.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from netdraft import codes
from netdraft.diagnostics import SNIPPET_CHARS as SNIPPET_CHARS  # re-exported
from netdraft.diagnostics import Diagnostic, did_you_mean, error
from netdraft.diagnostics import shown as shown  # re-exported: it was defined here
from netdraft.model.package_data import package_text
from netdraft.model.values import Span


@dataclass(frozen=True, slots=True)
class Price:
    key: str
    value: Decimal
    origin: str  # "bundled" or the file that set it

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.origin})"


@dataclass(frozen=True)
class PriceTable:
    """Prices for every region: a base table plus per-region overrides."""

    base: Mapping[str, Price]
    regions: Mapping[str, Mapping[str, Price]] = field(default_factory=dict)
    source: str = ""
    read_on: str = ""

    def price(self, key: str, region: str = "") -> Price:
        return self.regions.get(region, {}).get(key) or self.base[key]

    def with_overrides(self, other: PriceTable) -> PriceTable:
        base = {**self.base, **other.base}
        regions = {
            r: {**self.regions.get(r, {}), **p}
            for r, p in {**self.regions, **other.regions}.items()
        }
        return PriceTable(base, regions, self.source, self.read_on)


BUNDLED_NAME = "bundled"


@functools.cache
def bundled() -> PriceTable:
    """The price table shipped with netdraft (``sim/prices.toml``), read once per process
    (every render and check asks for it; reading the file costs more than pricing a small
    network). The table is shared: nothing changes one (:meth:`PriceTable.with_overrides`
    makes a new one)."""
    text = package_text("netdraft.sim", "prices.toml")
    table, problems = parse_prices(text, BUNDLED_NAME, bundled=True)
    assert table is not None and not problems, problems  # the shipped file is tested
    return table


def _line_of(text: str, key: str, section: str | None) -> tuple[int, int]:
    """Where ``key = …`` is written (inside ``[section]`` when given), or the ``[key]`` table.

    The file is indexed once (:func:`_positions`), so that a file of many keys is not
    scanned once per key.
    """
    return _positions(text).find(key, section)


_HEADER = re.compile(r"\[\s*([^\]]+?)\s*\]")
_KEY = re.compile(r'\s*"?([^=]*?)"?\s*=')


class _Positions:
    """The first line of each key (overall and per section) and of each table header."""

    def __init__(self, text: str) -> None:
        self.keys: dict[str, tuple[int, str]] = {}  # key -> first (line number, line)
        self.in_section: dict[tuple[str | None, str], tuple[int, str]] = {}
        self.tables: dict[str, tuple[int, str]] = {}  # a table or a prefix of one -> header
        current: str | None = None
        for number, line in enumerate(text.split("\n"), 1):  # as TOML counts lines
            header = _HEADER.match(line.strip())
            if header:
                current = re.sub(r"\s*\.\s*", ".", header.group(1).replace('"', ""))
                parts = current.split(".")
                for n in range(1, len(parts) + 1):
                    self.tables.setdefault(".".join(parts[:n]), (number, line))
                continue
            found = _KEY.match(line)
            if found:
                key = found.group(1)
                self.keys.setdefault(key, (number, line))
                self.in_section.setdefault((current, key), (number, line))

    def find(self, key: str, section: str | None) -> tuple[int, int]:
        table = key if section is None else f"{section}.{key}"
        written = self.keys.get(key) if section is None else self.in_section.get((section, key))
        header = self.tables.get(table)
        if header is not None and (written is None or header[0] < written[0]):
            number, line = header
            return number, line.index(key) + 1 if key in line else 1
        if written is not None:
            number, line = written
            return number, line.index(key.split(".")[-1]) + 1
        return 1, 1


@functools.lru_cache(maxsize=4)
def _positions(text: str) -> _Positions:
    return _Positions(text)


# What a diagnostic quotes of a price file: at most SNIPPET_CHARS characters, escaped.

# Characters TOML allows nowhere, not even in comments or strings (tab, LF and CR aside).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _syntax_problem(text: str, origin: str, exc: tomllib.TOMLDecodeError) -> Diagnostic:
    """A TOML syntax error, quoting only the characters just before it on its line."""
    found = re.search(r"line (\d+), column (\d+)", str(exc))
    line, col = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
    message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
    lines = text.split("\n")  # as TOML counts lines
    label = ""
    if 1 <= line <= len(lines):
        # Up to and with the character the reader stopped at: what is wrong, and no more.
        before = lines[line - 1][:col]
        if before.strip():
            label = f'at the end of "{shown(before, SNIPPET_CHARS, tail=True)}"'
    return error(
        codes.PRICE_FILE,
        f"not a valid TOML price file: {shown(message, 120)}",
        Span(origin, line, col, line, col + 1),
        label,
    )


def _control_problem(text: str, origin: str) -> Diagnostic | None:
    """The first character TOML never allows, as a diagnostic that quotes nothing of the file."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    col = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    return error(
        codes.PRICE_FILE,
        f"not a valid TOML price file: it holds the control character U+{ord(found[0]):04X}"
        " (a TOML file is text and never does)",
        Span(origin, line, col, line, col + 1),
    )


def parse_prices(
    text: str, origin: str, bundled: bool = False, known: Mapping[str, Price] | None = None
) -> tuple[PriceTable | None, list[Diagnostic]]:
    """Read a price table from TOML text.

    A user's file may set any bundled key at the top level (every region) or under
    ``[regions.NAME]`` (one region). Unknown keys and values that are not
    non-negative numbers are diagnostics at their line.

    Args:
        text: the file's contents.
        origin: the file's name, for diagnostics and for "which price was used".
        bundled: reading the bundled table (a ``[prices]`` table and ``[meta]``).
        known: the keys a user's file may set (the bundled ones).

    Returns:
        The table, or None when the text is not TOML, and the diagnostics.
    """
    control = _control_problem(text, origin)
    if control is not None:
        return None, [control]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [_syntax_problem(text, origin, exc)]
    problems: list[Diagnostic] = []
    if bundled:
        meta = data.get("meta", {})
        values = _values(text, origin, data.get("prices", {}), "prices", None, problems)
        return PriceTable(
            values, {}, str(meta.get("source", "")), str(meta.get("read_on", ""))
        ), problems
    known = known if known is not None else bundled_keys()
    # A copy of the bundled file is a valid user file: its [prices] are prices for every
    # region and its [meta] is not a price.
    base_raw = {k: v for k, v in data.items() if k not in ("regions", "meta", "prices")}
    if isinstance(data.get("prices"), dict):
        base_raw = {**data["prices"], **base_raw}
    elif "prices" in data:
        base_raw["prices"] = data["prices"]
    base = _values(text, origin, base_raw, None, known, problems)
    regions: dict[str, dict[str, Price]] = {}
    raw_regions = data.get("regions", {})
    if not isinstance(raw_regions, dict):
        line, col = _line_of(text, "regions", None)
        problems.append(
            error(
                codes.PRICE_FILE,
                "'regions' must be a table of [regions.NAME] sections",
                Span(origin, line, col, line, col + 7),
            )
        )
        raw_regions = {}
    for region, values in raw_regions.items():
        if not isinstance(values, dict):
            line, col = _line_of(text, region, "regions")
            problems.append(
                error(
                    codes.PRICE_FILE,
                    f"'regions.{shown(region, 40)}' must be a table of prices,"
                    f" [regions.{shown(region, 40)}]",
                    Span(origin, line, col, line, col + len(region)),
                )
            )
            continue
        regions[region] = _values(text, origin, values, f"regions.{region}", known, problems)
    return PriceTable(base, regions), problems


def _values(
    text: str,
    origin: str,
    raw: Mapping[str, Any],
    section: str | None,
    known: Mapping[str, Price] | None,
    problems: list[Diagnostic],
) -> dict[str, Price]:
    out: dict[str, Price] = {}
    # A report names the file and, for a one-region price, its section.
    price_origin = (
        origin if section is None or section == "prices" else f"{origin} [{shown(section, 80)}]"
    )

    def span(key: str) -> Span:
        # Only a problem needs a key's place: a file without one is not indexed at all.
        line, col = _line_of(text, key, section)
        return Span(origin, line, col, line, col + len(key))

    for key, value in raw.items():
        if known is not None and key not in known:
            hint = did_you_mean(key, known)
            problems.append(
                error(
                    codes.PRICE_FILE,
                    f"unknown price '{shown(key, 40)}'",
                    span(key),
                    f"did you mean '{hint}'?" if hint else "see the bundled table for the keys",
                )
            )
            continue
        amount = _decimal(value)
        if amount is None:
            problems.append(
                error(
                    codes.PRICE_FILE,
                    f"price '{key}' must be a non-negative number, not {_toml(value)}",
                    span(key),
                )
            )
            continue
        out[key] = Price(key, amount, price_origin)
    return out


def _toml(value: Any) -> str:
    """A value as the file wrote it (``true``, ``"abc"``), for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{shown(value, 20)}"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return str(value)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return None
        return amount if amount.is_finite() and amount >= 0 else None
    return None


def bundled_keys() -> Mapping[str, Price]:
    return bundled().base
