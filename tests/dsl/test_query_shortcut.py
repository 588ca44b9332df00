"""A query of plain names is read from a parse of its shape: the same tree a parse gives."""

from __future__ import annotations

import itertools
import re
from importlib import resources
from pathlib import Path

import pytest

from netdraft import api
from netdraft.dsl import query as q
from netdraft.dsl.parse import parse

EXAMPLE = Path(__file__).parent.parent / "spec" / "examples" / "01-public-private-nat.nd"

GRAMMAR = resources.files("netdraft.grammar").joinpath("netdraft.lark").read_text("utf-8")
#: Every literal word of the grammar: as a name, and as the start and end of one.
KEYWORDS = sorted(set(re.findall(r'"([A-Za-z][A-Za-z0-9-]*)"', GRAMMAR)))

WORDS = [
    "web",
    "internet",
    "a",
    "_",
    "a-",
    "A_B-9",
    "DB",
    "x",
    "v1.web",
    "v1.a-",
    "fe80",
    "abc",
    "deadbeef",
    "tcp",
    "allow",
    "any",
    "on",
    "inbound",
    *KEYWORDS,
    *(k + "x" for k in KEYWORDS),
    *(k + "-1" for k in KEYWORDS),
    *(f"v.{k}" for k in KEYWORDS),
    *(f"{k}.web" for k in KEYWORDS),
    "10.0.0.1",
    "2001:db8::1",
    "db.corp.internal",
    "a.b.",
    "a..b",
]
TAILS = [
    "tcp 22",
    "udp 53",
    "icmp",
    "icmp type 8 code 0",
    "icmpv6 type 128",
    "tcp any",
    "tcp 1-1024",
    "all",
    "tcp 99999",
    "tcp 22 # a comment",
    "tcp",
    "tcp 22 allow",
    "tcp 22 allow via x",
    "tcp x",
]


def test_the_shortcut_reads_every_query_as_the_parser_does() -> None:
    used = 0
    for source, destination in itertools.product(WORDS[:30] + WORDS[-5:], ["web", "v1.db"]):
        for tail in TAILS:
            text = f"expect {source} -> {destination} {tail} allow\n"
            assert q.read_query(source, destination, tail) == parse(text, "<query>"), text
            used += q._shape(source, q._after_expect()) is not None
    for word in WORDS:  # every keyword, on either side
        for source, destination in ((word, "web"), ("web", word)):
            text = f"expect {source} -> {destination} tcp 22 allow\n"
            assert q.read_query(source, destination, "tcp 22") == parse(text, "<query>"), text
    assert used > 100  # most of those took the shortcut


def test_names_a_keyword_may_start_are_parsed_not_shortcut() -> None:
    assert q._after_expect() == ("cost", "resiliency")
    assert q._shape("costly", q._after_expect()) is None
    assert q._shape("costly", ()) == (6,)
    assert q._shape("v1.web", ()) == (2, 3)
    for word in ("10.0.0.1", "db.corp.internal", "a.b.", "2001:db8::1", "a..b"):
        assert q._shape(word, ()) is None


@pytest.mark.parametrize(
    "words",
    [
        ("internet", "web-1", "tcp", "80"),
        ("app-1", "internet", "tcp", "443"),
        ("app-1", "nowhere", "tcp", "443"),
        ("app-1", "internet", "tcp", "99999"),
        ("app-1", "internet", "tcp", "x"),
        ("app-1", "internet", "icmp", "type", "8"),
        ("costly", "internet", "tcp", "443"),
    ],
)
def test_path_answers_and_errors_as_before(
    words: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The query (or the same diagnostics) with and without the shortcut."""
    network = api.load_network(EXAMPLE)
    found = q.parse_query(network, *words)
    monkeypatch.setattr(
        q, "read_query", lambda s, d, t: parse(f"expect {s} -> {d} {t} allow\n", "<query>")
    )
    assert found == q.parse_query(network, *words)
