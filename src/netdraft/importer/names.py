"""Names for imported resources: the ``Name`` tag where it is unique and valid, else the AWS id."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable

from netdraft.model.codes import AWS_SERVICES

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_INVALID = re.compile(r"[^A-Za-z0-9_-]+")


#: Words no imported name may be. The lexer reads a keyword as a keyword only where the
#: parser accepts one, so most keywords are fine as names (``private``, ``main``); these are
#: not: ``sg`` after an interface endpoint's subnets, ``vpn`` after ``attach``, and
#: ``internet``, which every path endpoint reads as the internet.
RESERVED = frozenset({"sg", "vpn", "internet"})

#: Names an instance or NAT gateway may not take either: a path endpoint reads them as
#: AWS services.
SERVICE_NAMES = AWS_SERVICES


def sanitize(text: str | None) -> str | None:
    """Turn a tag value into a valid name (LANGUAGE.md §1), or ``None`` when nothing is left.

    Each run of characters a name cannot hold becomes one ``-``; a name that would start
    with a digit or ``-`` gets a leading ``_``.

    Args:
        text: the tag's value.

    Returns:
        The name, or ``None`` for an empty or all-invalid value.
    """
    if text is None:
        return None
    name = _INVALID.sub("-", text.strip()).strip("-")
    if not name:
        return None
    if not (name[0].isalpha() or name[0] == "_"):
        name = "_" + name
    return name if _NAME.fullmatch(name) else None


def allocate(
    resources_: Iterable[tuple[str, str | None] | tuple[str, str | None, str | None]],
    taken: Collection[str] = (),
    reserved: Collection[str] = RESERVED,
) -> dict[str, str]:
    """Give every resource of one scope a distinct name.

    A resource takes its first preferred name (its sanitised ``Name`` tag) when no other
    resource of the scope prefers the same one, it is not a reserved word, and it is
    neither in ``taken`` nor another resource's id; failing that its second preference
    (a security group's ``GroupName``) by the same rule; failing that its id.

    Args:
        resources_: ``(id, preferred name[, second preference])`` for each resource, in a
            stable order; a preference may be ``None``.
        taken: names used by something else the references could confuse with these.
        reserved: words that are never names.

    Returns:
        The name of each resource id.
    """
    items = [(rid, [sanitize(p) for p in prefs]) for rid, *prefs in resources_]
    ids = {rid for rid, _prefs in items}
    used = set(taken)
    names: dict[str, str] = {}
    for level in range(max((len(p) for _rid, p in items), default=0)):
        open_ = [
            (rid, prefs[level]) for rid, prefs in items if rid not in names and level < len(prefs)
        ]
        counts = Counter(pref for _rid, pref in open_ if pref is not None)
        for rid, pref in open_:
            if (
                pref is not None
                and counts[pref] == 1
                and pref not in reserved
                and pref not in used
                and (pref not in ids or pref == rid)
            ):
                names[rid] = pref
                used.add(pref)
    for rid, _prefs in items:
        if rid in names:
            continue
        name = base = sanitize(rid) or "_"
        n = 2
        while name in used or name in reserved:
            name, n = f"{base}-{n}", n + 1
        used.add(name)
        names[rid] = name
    return {rid: names[rid] for rid, _prefs in items}
