"""AAAA records (LANGUAGE.md §11, docs/dns.md): an AAAA query is a type of its own.

A name answers an ``A`` query from its A records (and an ALIAS, an alias A) and an
``AAAA`` query from its AAAA records; a name that exists without a record of the type
asked resolves with no answer and no error (NODATA). Every row that does not hold has a
twin that does.
"""

from __future__ import annotations

from functools import cache

import pytest

from netdraft import api
from netdraft.dsl.query import parse_query
from netdraft.model.network import Network, RecordKind
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.path import Simulator
from netdraft.sim.prices import bundled

NET = """
region us-east-1 {
  vpc corp 10.10.0.0/16 {
    ipv6 2001:db8:1200::/56
    dhcp-options domain corp.internal
    subnet a 10.10.1.0/24 az us-east-1a ipv6 2001:db8:1200:1::/64
    security-group web { ingress tcp 443 from 10.10.0.0/16 }
    instance app in a ip 10.10.1.4
    instance web in a ip 10.10.1.5 ipv6 2001:db8:1200:1::5 sg web
    instance dns1 in a ip 10.10.1.53 dns { zone lab.internal }
    subnet b 10.10.2.0/24 az us-east-1b
    instance old in b ip 10.10.2.4
  }
}
zone corp.internal private vpcs corp {
  record both A 10.10.1.5
  record both AAAA 2001:db8:1200:1::5
  record v6 AAAA 2001:db8::5 2001:db8::6
  record web6 AAAA web
  record v4 A 10.10.1.9
  record to-v6 CNAME v6.corp.internal
}
"""


@cache
def network() -> Network:
    compiled = api.compile(NET, "<aaaa>")
    assert compiled.network is not None, compiled.diagnostics
    assert not [d for d in compiled.diagnostics if d.is_error], compiled.diagnostics
    return compiled.network


def answers(name: str, qtype: RecordKind) -> tuple[str, ...] | str:
    net = network()
    query = parse_query(net, "app", "internet", "udp", "53")
    assert not isinstance(query, list)
    res = Simulator(net).resolve(query.source, name, qtype)
    return tuple(sorted(map(str, res.answers))) if res.ok else str(res.code)


A, AAAA = RecordKind.A, RecordKind.AAAA


@pytest.mark.parametrize(
    ("name", "qtype", "expected"),
    [
        ("v6.corp.internal", AAAA, ("2001:db8::5", "2001:db8::6")),
        ("v6.corp.internal", A, ()),  # NODATA: the name exists, without an A record
        ("v4.corp.internal", A, ("10.10.1.9",)),
        ("v4.corp.internal", AAAA, ()),
        ("both.corp.internal", A, ("10.10.1.5",)),
        ("both.corp.internal", AAAA, ("2001:db8:1200:1::5",)),
        ("web6", AAAA, ("2001:db8:1200:1::5",)),  # an instance: its IPv6 address
        ("to-v6", AAAA, ("2001:db8::5", "2001:db8::6")),  # a CNAME answers every type
        ("to-v6", A, ()),
        ("nope.corp.internal", AAAA, "NXDOMAIN"),  # a name that does not exist is NXDOMAIN
        ("ip-10-10-1-5.ec2.internal", AAAA, ()),  # an EC2 host name is IPv4
        ("ip-10-10-1-5.ec2.internal", A, ("10.10.1.5",)),
    ],
)
def test_each_query_type_is_answered_from_its_own_records(
    name: str, qtype: RecordKind, expected: tuple[str, ...] | str
) -> None:
    assert answers(name, qtype) == expected


def test_nodata_says_why() -> None:
    net = network()
    query = parse_query(net, "app", "internet", "udp", "53")
    assert not isinstance(query, list)
    res = Simulator(net).resolve(query.source, "v6", A)
    assert res.ok and res.answers == () and res.qtype is A
    assert res.reason == (
        "'v6.corp.internal' has no A record in private zone 'corp.internal' (NOERROR, no data)"
    )


@pytest.mark.parametrize(
    ("line", "holds"),
    [
        ("expect app resolves v6.corp.internal = 2001:db8::5 2001:db8::6", True),
        ("expect app resolves v6.corp.internal = 2001:db8::5", False),
        ("expect app resolves v4 = 10.10.1.9", True),
        ("expect app resolves v4 = 2001:db8::9", False),  # an AAAA query: no AAAA record
        ("expect app resolves both = 2001:db8:1200:1::5", True),
        ("expect app resolves both = 10.10.1.5", True),
        ("expect app resolves v6 = 10.10.1.5", False),  # an A query: no A record
        ("expect app resolves web6 = 2001:db8:1200:1::5", True),
        ("expect app resolves nope.corp.internal because NXDOMAIN", True),
        # a name as a destination is reached over IPv4: its A records
        ("expect app -> both.corp.internal tcp 443 allow", True),
        ("expect app -> v6.corp.internal tcp 443 deny because NO_INTERFACE", True),
        ("expect app -> v6.corp.internal tcp 443 allow", False),
    ],
)
def test_aaaa_in_expectations(line: str, holds: bool) -> None:
    compiled = api.compile(NET + line + "\n", "<aaaa>")
    assert compiled.network is not None
    assert not [d for d in compiled.diagnostics if d.is_error], compiled.diagnostics
    outcomes = NetworkAnalysis(compiled.network, bundled()).outcomes
    assert outcomes.ran == 1
    assert (not outcomes.failed) is holds


def test_a_failed_aaaa_expectation_names_the_missing_type() -> None:
    from netdraft.generator.outcomes import resolve_problem

    compiled = api.compile(NET + "expect app resolves v4 = 2001:db8::9\n", "<aaaa>")
    assert compiled.network is not None
    (outcome,) = NetworkAnalysis(compiled.network, bundled()).outcomes.resolves
    assert resolve_problem(outcome) == (
        "no AAAA answer, expected 2001:db8::9: 'v4.corp.internal' has no AAAA record in"
        " private zone 'corp.internal' (NOERROR, no data)"
    )


def _errors(text: str) -> list[tuple[str, str]]:
    compiled = api.compile(NET.replace("  record to-v6 CNAME v6.corp.internal\n", text), "<x>")
    return [(str(d.code), d.message) for d in compiled.diagnostics if d.is_error]


@pytest.mark.parametrize(
    ("record", "code", "message"),
    [
        ("  record x AAAA 10.10.1.5\n", "bad-address", "'10.10.1.5' is not an IPv6 address"),
        ("  record x AAAA old\n", "dns-record", "instance 'old' has no IPv6 address"),
        ("  record x A 2001:db8::5\n", "bad-address", "'2001:db8::5' is not an IPv4 address"),
        ("  record v6 CNAME v4.corp.internal\n", "dns-record", "has a CNAME record and another"),
        ("  record v6 AAAA 2001:db8::7\n", "duplicate-name", "declared twice"),
    ],
)
def test_bad_aaaa_records(record: str, code: str, message: str) -> None:
    found = _errors(record)
    assert len(found) == 1 and found[0][0] == code and message in found[0][1], found


def test_good_twins_of_the_bad_records() -> None:
    assert (
        _errors("  record x AAAA 2001:db8::7\n  record y AAAA web\n  record x A 10.1.1.1\n") == []
    )


def test_an_expectation_asks_one_type() -> None:
    compiled = api.compile(NET + "expect app resolves both = 10.10.1.5 2001:db8:1200:1::5\n", "<x>")
    (problem,) = [d for d in compiled.diagnostics if d.is_error]
    assert str(problem.code) == "bad-expect"
    assert "IPv4 and IPv6 addresses at once" in problem.message
