"""Typed reads of untrusted JSON: each asks for one type and gets it or nothing, never an exception.

A saved dump may have any shape: a number where a list belongs, a list where an object
does, ``null``, a string for a boolean. :class:`Obj` wraps one JSON object; its readers
return the asked type or ``None`` (empty for lists), and report a value of another type
through a callback, as a warning that names where it is (``subnets.json Subnets[2]``) and
what was done (``ignored``; ``not imported`` for the id a resource cannot go without).
An absent key or ``null`` is no value, and is not reported, except by :meth:`Obj.need_ident`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from netdraft.importer.terminals import RESOURCE_ID, quoted

Report = Callable[[str], None]


def kind_of(value: object) -> str:
    """The JSON type of a value, as a message names it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class Obj:
    """One JSON object of a response, and where it is (for the warnings)."""

    __slots__ = ("_data", "_report", "where")

    def __init__(self, data: Mapping[str, Any], where: str, report: Report) -> None:
        self._data = data
        self.where = where
        self._report = report

    def _wrong(self, key: str, value: object, expected: str, outcome: str = "ignored") -> None:
        self._report(f"{self.where}: '{key}' is {kind_of(value)}, not {expected}: {outcome}")

    def has(self, key: str) -> bool:
        """Whether the key is there with a value other than ``null``."""
        return self._data.get(key) is not None

    def keys(self) -> list[str]:
        """The object's keys."""
        return [str(k) for k in self._data]

    def string(self, key: str) -> str | None:
        """A non-empty string, else ``None``."""
        value = self._data.get(key)
        if value is None or isinstance(value, str):
            return value or None
        self._wrong(key, value, "a string")
        return None

    def text(self, key: str) -> str | None:
        """A string or a whole number as text (protocols are either: ``"6"``, ``6``, ``"tcp"``)."""
        value = self._data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return self.string(key)

    def integer(self, key: str) -> int | None:
        """A whole number, or a string of one (``"-1"``), else ``None``."""
        value = self._data.get(key)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            digits = value.removeprefix("-")
            if digits.isdigit() and digits.isascii() and len(digits) <= 18:
                return int(value)
        self._wrong(key, value, "a whole number")
        return None

    def flag(self, key: str) -> bool | None:
        """``true`` or ``false``, else ``None``."""
        value = self._data.get(key)
        if value is None or isinstance(value, bool):
            return value
        self._wrong(key, value, "true or false")
        return None

    def ident(self, key: str) -> str | None:
        """The id of a resource (``subnet-0a1b…``), else ``None``; anything else is reported."""
        value = self.string(key)
        if value is None or RESOURCE_ID.fullmatch(value):
            return value
        self._report(f"{self.where}: '{key}' {quoted(value)} is not an AWS id: ignored")
        return None

    def need_ident(self, key: str) -> str | None:
        """The id a resource is known by; its absence is reported too (the resource is skipped)."""
        value = self._data.get(key)
        if value is None:
            self._report(f"{self.where}: no '{key}': not imported")
            return None
        if not isinstance(value, str):
            self._wrong(key, value, "a string", "not imported")
            return None
        if not RESOURCE_ID.fullmatch(value):
            self._report(f"{self.where}: '{key}' {quoted(value)} is not an AWS id: not imported")
            return None
        return value

    def obj(self, key: str) -> Obj:
        """A nested object (an empty one when absent or of another type)."""
        value = self._data.get(key)
        if isinstance(value, dict):
            return Obj(value, f"{self.where}.{key}", self._report)
        if value is not None:
            self._wrong(key, value, "an object")
        return Obj({}, f"{self.where}.{key}", self._report)

    def objs(self, key: str) -> list[Obj]:
        """The objects of a list (none when absent or of another type; other items skipped)."""
        value = self._data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self._wrong(key, value, "a list")
            return []
        found = []
        for i, item in enumerate(value):
            where = f"{self.where}.{key}[{i}]"
            if isinstance(item, dict):
                found.append(Obj(item, where, self._report))
            else:
                self._report(f"{where} is {kind_of(item)}, not an object: ignored")
        return found

    def strings(self, key: str) -> tuple[str, ...]:
        """The non-empty strings of a list of strings (other items skipped)."""
        value = self._data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self._wrong(key, value, "a list")
            return ()
        found = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                if item:
                    found.append(item)
            else:
                self._report(f"{self.where}.{key}[{i}] is {kind_of(item)}, not a string: ignored")
        return tuple(found)

    def state(self, key: str = "State") -> str:
        """A state, written as a string or as ``{"Name": …}`` (``""`` when there is none)."""
        value = self._data.get(key)
        if isinstance(value, dict):
            inner = Obj(value, f"{self.where}.{key}", self._report)
            return inner.string("Name") or inner.string("Code") or inner.string("State") or ""
        return self.string(key) or ""


def each_string(items: list[Obj], key: str) -> tuple[str, ...]:
    """The string ``key`` of each object that has one."""
    return tuple(v for item in items if (v := item.string(key)))


def each_ident(items: list[Obj], key: str) -> tuple[str, ...]:
    """The resource id ``key`` of each object that has a valid one."""
    return tuple(v for item in items if (v := item.ident(key)))
