"""What the importer may print: dump values checked against the grammar's terminals, free text escaped.

A dump is untrusted input (a pull request may carry one), so no value read from it is
printed as it stands. Names come from :func:`netdraft.importer.names.sanitize`; addresses
and prefixes are parsed by :mod:`ipaddress` and printed from the parsed value; zones,
regions and ids are matched against the patterns below; comments, warnings and strings are
escaped so that they hold no newline or other control character (a ``# warning:`` line
that a newline ended early would make the rest of the message a statement). Last, every
word of the syntax tree is matched against its terminal in the grammar file
(:func:`checked`), so that a value some rule forgot to check is refused, not printed.
"""

from __future__ import annotations

import ipaddress
import re
from functools import cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

#: A name (LANGUAGE.md §1), as the grammar's ``NAME`` terminal reads it.
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
#: A region name such as ``us-east-1``, ``eu-central-2`` or ``us-gov-west-1``.
REGION = re.compile(r"[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+")
#: An availability zone: its region and a letter (``us-east-1a``), or a Local or
#: Wavelength Zone (``us-west-2-lax-1a``, ``us-east-1-wl1-bos-wlz-1``).
ZONE = re.compile(REGION.pattern + r"(?:[a-z]|(?:-[a-z0-9]+)+)")
#: An AWS account id.
ACCOUNT = re.compile(r"\d{12}")
#: The id of a resource (``vpc-0a1b…``, ``i-…``, ``tgw-attach-…``): it is written in the
#: resource's comment and becomes its name when it has no usable ``Name`` tag.
RESOURCE_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,127}")

#: The longest comment or warning written; longer ones end with ``…``.
MAX_COMMENT = 500
#: The longest dump value quoted in a warning.
MAX_QUOTED = 120


class UnsafeValue(ValueError):
    """A word the importer was about to print does not match its terminal (a bug)."""


def _escape_char(char: str) -> str:
    if char in "\t\n\r":
        return {"\t": "\\t", "\n": "\\n", "\r": "\\r"}[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _unprintable(char: str) -> bool:
    # What str.isprintable refuses: control, format (bidirectional overrides), surrogate,
    # private-use and unassigned characters, and every separator but the space (among
    # them the line and paragraph separators that str.splitlines breaks at).
    return not char.isprintable()


def one_line(text: str, limit: int = MAX_COMMENT) -> str:
    """Text for a comment or a message: what is not printable escaped, at most ``limit`` long.

    Args:
        text: any text, from the dump or not.
        limit: the most characters returned.

    Returns:
        The text with each character that ``str.isprintable`` refuses written as
        ``repr`` writes it (``\\n``, ``\\xa0``, ``\\u2028``…), cut at ``limit`` with a final
        ``…``.
    """
    if text.isprintable() and len(text) <= limit:
        return text
    out = "".join(_escape_char(c) if _unprintable(c) else c for c in text[: limit * 2])
    return out if len(out) <= limit else out[: limit - 1] + "…"


def quoted(value: object, limit: int = MAX_QUOTED) -> str:
    """A dump value for a warning, between quotes, escaped and bounded."""
    return "'" + one_line(str(value), limit) + "'"


def string(text: str) -> str:
    """``text`` as the grammar's ``STRING`` terminal: quoted, ``"`` and ``\\`` escaped, one line."""
    body = one_line(text).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{body}"'


def zone(text: str | None) -> str | None:
    """An availability zone name, or ``None`` for anything else."""
    return text if text is not None and ZONE.fullmatch(text) else None


def network(text: str | None) -> IPv4Network | IPv6Network | None:
    """A prefix written ``10.0.0.0/16`` or ``2001:db8::/56`` (host bits dropped), else ``None``.

    A bare address, a netmask (``10.0.0.0/255.0.0.0``) and an IPv6 zone (``fe80::%eth0/64``)
    are not prefixes as AWS prints them, and are refused.
    """
    if text is None or "/" not in text or "%" in text:
        return None
    _address, _, length = text.partition("/")
    if not length.isdigit() or not length.isascii():
        return None
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def address(text: str | None) -> IPv4Address | IPv6Address | None:
    """An IPv4 or IPv6 address (no prefix length, no zone), else ``None``."""
    if text is None or "%" in text or "/" in text:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def address4(text: str | None) -> IPv4Address | None:
    """An IPv4 address, else ``None``."""
    found = address(text)
    return found if isinstance(found, IPv4Address) else None


@cache
def _terminal(kind: str) -> re.Pattern[str]:
    from netdraft.dsl.parse import parser

    return re.compile(parser().get_terminal(kind).pattern.to_regexp())


def checked(text: str, kind: str) -> str:
    """``text``, when it is one word of the grammar's terminal ``kind``.

    Args:
        text: the word about to be printed.
        kind: a terminal of ``netdraft.lark`` (``NAME``, ``CIDR4``, ``IPV4``…); ``CIDR``
            and ``IP`` accept either family.

    Returns:
        ``text``.

    Raises:
        UnsafeValue: it is not; the importer failed to check a dump value.
    """
    kinds = {"CIDR": ("CIDR4", "CIDR6"), "IP": ("IPV4", "IPV6")}.get(kind, (kind,))
    if any(_terminal(k).fullmatch(text) for k in kinds):
        return text
    raise UnsafeValue(f"{quoted(text)} is not a {kind}")
