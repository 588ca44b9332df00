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


#: How close a spelling must be to be offered, as :func:`netdraft.diagnostics.did_you_mean`
#: offers a name (difflib's ratio); a nearer one (:data:`NEAR`) is offered alone.
CLOSE = 0.6
NEAR = 0.85
#: A group of codes the word fits is offered only when it is this small: a word that fits
#: more (``NO_FOO``: six ``NO_`` codes) says too little to guess.
MOST_OFFERED = 3


def closest_codes(word: str) -> list[str]:
    """The explanation codes a misspelt one most likely meant (at most three), best first.

    Case is ignored. A near spelling (``SG_INGRES_MISMATCH``) wins alone; then, when at
    most three codes fit, the codes the word starts (``NO_ROUTE``, ``BLACKHOLE``), those
    holding its words in order (``LOOP``: ``DNS_LOOP``, ``ROUTING_LOOP``), those of the
    small family that shares its first word (``SG_DENY``: the two ``SG_`` codes); last, a
    spelling as close as a misspelt name must be to be offered. A word that fits more
    codes than that, or none closely, gets no suggestion: the note lists the valid codes.
    """
    upper = word.upper()
    known = drop_codes()
    if upper in known:
        return [upper]

    def ratio(code: str) -> float:
        return difflib.SequenceMatcher(None, upper, code).ratio()

    near = difflib.get_close_matches(upper, known, n=1, cutoff=NEAR)
    if near:
        return near
    words = [w for w in upper.split("_") if w]
    if not words:
        return []

    def holds_in_order(code: str) -> bool:
        rest = iter(code.split("_"))
        return all(w in rest for w in words)

    head = words[0]
    family = [c for c in known if c.split("_", 1)[0] == head]
    for group in (
        [c for c in known if c.startswith(upper)],
        [c for c in known if holds_in_order(c)],
        family if len(family) <= MOST_OFFERED and len(words) > 1 else [],
    ):
        if len(group) > MOST_OFFERED:
            return []  # it fits too many to guess (``NO``: six ``NO_…`` codes)
        if group:
            return sorted(group, key=lambda c: (-ratio(c), c))
    return difflib.get_close_matches(upper, known, n=1, cutoff=CLOSE)


def _either(words: list[str]) -> str:
    """``A``, ``A or B``, ``A, B or C``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def unknown_code(word: str) -> tuple[str, str, list[str]]:
    """The message, caret label and notes for ``because WORD`` naming no code."""
    shown = word if len(word) <= 60 else word[:59] + "…"
    close = closest_codes(word)
    if close == [word.upper()]:
        label = f"codes are written in capitals: did you mean {close[0]}?"
    elif close:
        label = f"did you mean {_either(close)}?"
    else:
        label = "not an explanation code"
    return f"unknown code '{shown}'", label, [f"valid codes: {', '.join(drop_codes())}", CODES_DOCS]
