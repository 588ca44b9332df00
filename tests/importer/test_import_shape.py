"""The typed reads of untrusted JSON, and the checks of what may be printed, one value at a time."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from netdraft.importer.aws_json import Dump, DumpError, parse
from netdraft.importer.shape import Obj
from netdraft.importer.terminals import UnsafeValue, address, checked, network, one_line, zone

# The module, not the function of the same name that the package exports.
build_module = importlib.import_module("netdraft.importer.build")


def read(data: dict[str, Any], method: str, key: str = "k") -> tuple[Any, list[str]]:
    reported: list[str] = []
    value = getattr(Obj(data, "f.json X[0]", reported.append), method)(key)
    return value, reported


@pytest.mark.parametrize(
    ("method", "value", "expected", "complaint"),
    [
        ("string", "x", "x", None),
        ("string", "", None, None),
        ("string", None, None, None),
        ("string", 5, None, "'k' is a number, not a string: ignored"),
        ("text", 6, "6", None),
        ("text", True, None, "'k' is a boolean, not a string"),
        ("integer", 22, 22, None),
        ("integer", "-1", -1, None),
        ("integer", "٣", None, "not a whole number"),
        ("integer", "9" * 40, None, "not a whole number"),
        ("integer", 1.5, None, "'k' is a number, not a whole number"),
        ("integer", False, None, "'k' is a boolean, not a whole number"),
        ("flag", "true", None, "'k' is a string, not true or false"),
        ("ident", "vpc-0a1", "vpc-0a1", None),
        ("ident", "vpc-1\n#", None, "'k' 'vpc-1\\n#' is not an AWS id: ignored"),
        ("need_ident", None, None, "f.json X[0]: no 'k': not imported"),
        ("need_ident", [1], None, "'k' is a list, not a string: not imported"),
        ("strings", ["a", 1, "", ["b"]], ("a",), "f.json X[0].k[1] is a number, not a string"),
        ("strings", "abc", (), "'k' is a string, not a list: ignored"),
        ("state", {"Name": "running"}, "running", None),
        ("state", ["running"], "", "'k' is a list, not a string"),
    ],
)
def test_each_read_returns_its_type_or_nothing(
    method: str, value: Any, expected: Any, complaint: str | None
) -> None:
    found, reported = read({"k": value}, method)
    assert found == expected
    if complaint is None:
        assert reported == []
    else:
        assert reported and complaint in reported[0]


def test_objects_and_lists_of_objects() -> None:
    objs, reported = read({"k": [{"a": 1}, 2, [3]]}, "objs")
    assert [o.where for o in objs] == ["f.json X[0].k[0]"]
    assert reported == [
        "f.json X[0].k[1] is a number, not an object: ignored",
        "f.json X[0].k[2] is a list, not an object: ignored",
    ]
    obj, reported = read({"k": "x"}, "obj")
    assert obj.string("a") is None and reported == [
        "f.json X[0]: 'k' is a string, not an object: ignored"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("a\nb", "a\\nb"),
        ("\r\t\x00\x1b", "\\r\\t\\x00\\x1b"),
        ("\u2028\u202e\ud800\xa0", "\\u2028\\u202e\\ud800\\xa0"),
        ("é ü 名", "é ü 名"),
        ("x" * 600, "x" * 499 + "…"),
    ],
)
def test_one_line_escapes_what_is_not_printable(text: str, expected: str) -> None:
    assert one_line(text) == expected


@pytest.mark.parametrize(
    ("check", "text", "ok"),
    [
        (zone, "us-east-1a", True),
        (zone, "us-west-2-lax-1a", True),
        (zone, "us-east-1-wl1-bos-wlz-1", True),
        (zone, "::/0", False),
        (zone, "us-east-1", False),
        (zone, "us-east-1a b", False),
        (network, "10.0.0.0/16", True),
        (network, "10.0.0.5/16", True),  # host bits are dropped, as AWS does
        (network, "10.0.0.0", False),
        (network, "10.0.0.0/255.0.0.0", False),
        (network, "fe80::%eth0/64", False),
        (network, "10.0.0.0/٣", False),
        (address, "10.0.0.5", True),
        (address, "2001:db8::1", True),
        (address, "fe80::1%eth0", False),
        (address, "10.0.0.0/32", False),
    ],
)
def test_values_are_parsed_or_refused(check: Any, text: str, ok: bool) -> None:
    assert (check(text) is not None) is ok


def test_a_word_that_is_not_its_terminal_is_refused() -> None:
    assert checked("web-1", "NAME") == "web-1"
    assert checked("2001:db8::/56", "CIDR") == "2001:db8::/56"
    for text, kind in (("a b", "NAME"), ("::/0", "CIDR4"), ("-1", "INT"), ('"a\n"', "STRING")):
        with pytest.raises(UnsafeValue):
            checked(text, kind)


def test_an_unchecked_value_is_an_internal_error_not_a_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Should a rule forget a check, the last guard stops the import with a clear message.
    monkeypatch.setattr(build_module, "zone", lambda text: text)
    subnets = [
        {
            "SubnetId": "subnet-1",
            "VpcId": "vpc-1",
            "CidrBlock": "10.0.0.0/24",
            "AvailabilityZone": "a b",
        }
    ]
    vpcs = [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]
    inventory = parse([Dump("us-east-1", None, (("x.json", {"Vpcs": vpcs, "Subnets": subnets}),))])
    with pytest.raises(DumpError, match=r"internal error: .*'a b' is not a NAME"):
        build_module.build(inventory)
