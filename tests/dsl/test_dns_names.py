"""DNS names against RFC 1035's limits (``dns-name``), each refused name beside one that
is just inside the limit, and an address where a name is to be resolved."""

from __future__ import annotations

import pytest

from netdraft import api
from netdraft.dsl.passes.literals import MAX_LABEL, MAX_NAME, name_problem

HEAD = """region us-east-1 {
  vpc corp 10.10.0.0/16 {
    dhcp-options domain corp.internal
    subnet a 10.10.1.0/24 az us-east-1a
    instance app in a ip 10.10.1.4
  }
}
"""

LABEL63 = "a" * MAX_LABEL
LABEL64 = "a" * (MAX_LABEL + 1)
# 253 characters: four labels of 61 and "corp.internal" (13) with the dots between.
NAME253 = ".".join(["b" * 59] * 4) + ".corp.internal"
NAME254 = "b" + NAME253


def test_the_limits_are_rfc_1035s() -> None:
    assert len(NAME253) == MAX_NAME == 253
    assert name_problem(NAME253) is None and name_problem(NAME253 + ".") is None
    assert name_problem(f"{LABEL63}.corp.internal") is None
    assert "254 characters long" in (name_problem(NAME254) or "")
    assert "64 characters long" in (name_problem(f"{LABEL64}.corp") or "")
    assert "empty label" in (name_problem("db..corp") or "")
    assert name_problem("10.0.0.1") is None  # a zone may be named so; only asking is wrong
    assert "IP address" in (name_problem("10.0.0.1", asked=True) or "")
    assert "IP address" in (name_problem("2001:db8::1", asked=True) or "")


def codes_of(text: str, tmp_path: object) -> list[tuple[str, int, str]]:
    from pathlib import Path

    path = Path(str(tmp_path)) / "net.nd"
    path.write_text(HEAD + text)
    return [(str(d.code), d.span.line, d.message) for d in api.check(path).diagnostics]


@pytest.mark.parametrize(
    ("bad", "good", "message"),
    [
        (
            f"zone corp.internal private vpcs corp {{ record {LABEL64} A 10.10.1.5 }}",
            f"zone corp.internal private vpcs corp {{ record {LABEL63} A 10.10.1.5 }}",
            "a DNS label has at most 63",
        ),
        (
            f"zone corp.internal private vpcs corp {{ record {NAME254[:-14]} A 10.10.1.5 }}",
            f"zone corp.internal private vpcs corp {{ record {NAME253[:-14]} A 10.10.1.5 }}",
            "a DNS name has at most 253",
        ),
        (
            f"zone {LABEL64}.internal private vpcs corp {{ record db A 10.10.1.5 }}",
            f"zone {LABEL63}.internal private vpcs corp {{ record db A 10.10.1.5 }}",
            "a DNS label has at most 63",
        ),
        (
            "zone corp.internal private vpcs corp { record db CNAME x..corp.internal }",
            "zone corp.internal private vpcs corp { record db CNAME x.corp.internal }",
            "empty label",
        ),
        (
            "zone corp.internal private vpcs corp { record db..x A 10.10.1.5 }",
            "zone corp.internal private vpcs corp { record db.x A 10.10.1.5 }",
            "empty label",
        ),
        (
            "expect app resolves 10.10.1.4 because NXDOMAIN",
            "expect app resolves db10.corp.internal because NXDOMAIN",
            "'10.10.1.4' is an IP address, not a DNS name",
        ),
        (
            f"expect app -> x.{LABEL64}.corp tcp 80 deny",
            f"expect app -> x.{LABEL63}.corp tcp 80 deny because NXDOMAIN",
            "a DNS label has at most 63",
        ),
        (
            f"expect app resolves x.{LABEL64}.corp because NXDOMAIN",
            f"expect app resolves x.{LABEL63}.corp because NXDOMAIN",
            "a DNS label has at most 63",
        ),
    ],
)
def test_a_bad_name_is_refused_and_its_twin_is_not(
    bad: str, good: str, message: str, tmp_path: object
) -> None:
    found = codes_of(bad + "\n", tmp_path)
    assert [(code, line) for code, line, _ in found] == [("dns-name", 8)], found
    assert message in found[0][2]
    assert codes_of(good + "\n", tmp_path) == []


def test_an_empty_label_is_said_of_names_not_of_mistyped_addresses(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "net.nd"
    path.write_text("region us-east-1 {\n  vpc v 10.0..0/16 {\n  }\n}\n")
    assert [str(d.code) for d in api.check(path).diagnostics] == ["syntax"]
    path.write_text(HEAD + "zone corp..internal private vpcs corp { record db A 10.10.1.5 }\n")
    found = api.check(path).diagnostics
    assert [(str(d.code), d.span.line, d.span.column) for d in found] == [("dns-name", 8, 6)]
