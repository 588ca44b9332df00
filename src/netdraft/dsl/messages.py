"""Messages the parser and the passes share: what a misspelt explanation code is told."""

from __future__ import annotations

import difflib

from netdraft.model.codes import DropCode

#: Where the explanation codes are documented, as a reader finds it.
CODES_DOCS = (
    "the codes are listed in the language docs, 'What a verdict means' → 'Explanation codes'"
)


def drop_codes() -> list[str]:
    """Every explanation code ``because`` takes, in the order they are documented."""
    return [code.value for code in DropCode]


def closest_codes(word: str) -> list[str]:
    """The explanation codes a misspelt one most likely meant (at most two), best first.

    Case is ignored. A near spelling (``SG_INGRES_MISMATCH``) wins; then the codes that
    start with the word (``NO_ROUTE``), then those that share its first part (``SG_DENY``:
    the two ``SG_`` codes), then a looser spelling.
    """
    upper = word.upper()
    known = drop_codes()
    if upper in known:
        return [upper]
    head = upper.split("_", 1)[0]

    def ratio(code: str) -> float:
        return difflib.SequenceMatcher(None, upper, code).ratio()

    near = difflib.get_close_matches(upper, known, n=1, cutoff=0.85)
    if near:
        return near
    for group in (
        [c for c in known if c.startswith(upper) and upper],
        [c for c in known if head and c.split("_", 1)[0] == head],
    ):
        if group:
            return sorted(group, key=lambda c: (-ratio(c), c))[:2]
    return difflib.get_close_matches(upper, known, n=1, cutoff=0.5)


def unknown_code(word: str) -> tuple[str, str, list[str]]:
    """The message, caret label and notes for ``because WORD`` naming no code."""
    shown = word if len(word) <= 60 else word[:59] + "…"
    close = closest_codes(word)
    if close == [word.upper()]:
        label = f"codes are written in capitals: did you mean {close[0]}?"
    elif close:
        label = f"did you mean {' or '.join(close)}?"
    else:
        label = "not an explanation code"
    return f"unknown code '{shown}'", label, [f"valid codes: {', '.join(drop_codes())}", CODES_DOCS]
