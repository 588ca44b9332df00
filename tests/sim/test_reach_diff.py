"""The reachability diff (LANGUAGE.md §14 Diff): one table row per kind of change.

Each row edits a small two-VPC network and lists every reachability that changed, on
the maximal port ranges that changed the same way, with the drops before and after. A
pure reformat changes nothing, and reuses every answer. The class analysis is compared
with per-port, per-endpoint tracing in ``test_classes_oracle.py``.
"""

from __future__ import annotations

import pytest

from netdraft import api
from netdraft.model.codes import DropCode
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.prices import bundled
from netdraft.sim.reach_diff import ReachChange, reach_diff, reachability_changes

D = DropCode

BASE = """\
region us-east-1 {
  vpc a 10.1.0.0/16 {
    internet-gateway igw
    subnet pub  10.1.0.0/24 az us-east-1a
    subnet priv 10.1.1.0/24 az us-east-1a
    subnet other 10.1.2.0/24 az us-east-1a
    route-table public { route 0.0.0.0/0 via igw; associate pub }
    security-group web-sg { ingress tcp 443 from 0.0.0.0/0 }
    security-group app-sg {
      ingress tcp 8080 from web-sg
      ingress tcp 5432 from 10.2.0.0/16
    }
    instance web in pub public-ip sg web-sg
    instance app in priv sg app-sg
  }
  vpc b 10.2.0.0/16 {
    subnet data 10.2.1.0/24 az us-east-1a
    security-group db-sg { ingress tcp 5432 from 10.1.0.0/16 }
    instance db in data sg db-sg
  }
}
"""

PEERED = (
    BASE.replace(
        "  vpc b 10.2.0.0/16 {",
        "  vpc b 10.2.0.0/16 {\n    route-table main-b { route 10.1.0.0/16 via ab; associate data }",
    ).replace(
        "    instance app in priv sg app-sg",
        "    instance app in priv sg app-sg\n"
        "    route-table inner { route 10.2.0.0/16 via ab; associate priv }",
    )
    + "peering ab a <-> b\n"
)


def analysis(text: str) -> NetworkAnalysis:
    result = api.compile(text, "net.nd")
    errors = [d.message for d in result.diagnostics if d.is_error]
    assert result.network is not None and not errors, errors
    return NetworkAnalysis(result.network, bundled())


def changes(old: str, new: str) -> list[tuple[str, str, str, str, str, str, object, object]]:
    return [
        (c.source, c.destination, c.protocol, c.ports, c.before, c.after, c.drop, c.before_drop)
        for c in reachability_changes(analysis(old), analysis(new))
    ]


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


#: (kind, old network, new network, every change)
CASES = [
    ("pure reformat", BASE, BASE.replace("  ", "    ").replace("{ ", "{\n "), []),
    (
        "security group opened",
        BASE,
        edit(BASE, "ingress tcp 443 from 0.0.0.0/0", "ingress tcp 443-444 from 0.0.0.0/0"),
        [
            ("app", "web", "tcp", "444", "deny", "allow", None, D.SG_INGRESS_MISMATCH),
            ("internet", "web", "tcp", "444", "deny", "allow", None, D.SG_INGRESS_MISMATCH),
        ],
    ),
    (
        "route removed",
        BASE,
        edit(BASE, "route 0.0.0.0/0 via igw; ", ""),
        [
            ("internet", "web", "tcp", "443", "allow", "deny", D.NO_RETURN_ROUTE, None),
            ("web", "internet", "icmp", "", "allow", "deny", D.NO_ROUTE_TO_DESTINATION, None),
            ("web", "internet", "tcp", "1-65535", "allow", "deny", D.NO_ROUTE_TO_DESTINATION, None),
            ("web", "internet", "udp", "1-65535", "allow", "deny", D.NO_ROUTE_TO_DESTINATION, None),
        ],
    ),
    (
        "network ACL rule added",
        BASE,
        edit(
            BASE,
            "    instance web",
            "    network-acl edge {\n      inbound 50 deny tcp 8080 from 10.1.0.0/16\n"
            "      inbound 100 allow all from 0.0.0.0/0\n"
            "      outbound 100 allow all to 0.0.0.0/0\n      associate priv\n    }\n"
            "    instance web",
        ),
        [("web", "app", "tcp", "8080", "allow", "deny", D.ACL_INBOUND_DENY, None)],
    ),
    (
        "peering added",
        BASE,
        PEERED,
        [
            ("app", "db", "tcp", "5432", "deny", "allow", None, D.NO_ROUTE_TO_DESTINATION),
            ("db", "app", "tcp", "5432", "deny", "allow", None, D.NO_ROUTE_TO_DESTINATION),
        ],
    ),
    (
        "subnet moved",
        BASE,
        edit(BASE, "instance app in priv sg app-sg", "instance app in pub sg app-sg"),
        # In the public subnet without a public address: still nothing from the internet.
        [],
    ),
    (
        "instance stopped",
        BASE,
        edit(
            BASE,
            "instance web in pub public-ip sg web-sg",
            "instance web in pub public-ip sg web-sg stopped",
        ),
        [
            ("app", "web", "tcp", "443", "allow", "deny", D.INSTANCE_STOPPED, None),
            ("internet", "web", "tcp", "443", "allow", "deny", D.INSTANCE_STOPPED, None),
            ("web", "app", "tcp", "8080", "allow", "deny", D.INSTANCE_STOPPED, None),
            ("web", "internet", "icmp", "", "allow", "deny", D.INSTANCE_STOPPED, None),
            ("web", "internet", "tcp", "1-65535", "allow", "deny", D.INSTANCE_STOPPED, None),
            ("web", "internet", "udp", "1-65535", "allow", "deny", D.INSTANCE_STOPPED, None),
        ],
    ),
]


@pytest.mark.parametrize(("kind", "old", "new", "expected"), CASES, ids=[c[0] for c in CASES])
def test_reachability_change_table(kind: str, old: str, new: str, expected: list[object]) -> None:
    assert changes(old, new) == expected


def test_reformat_reuses_everything() -> None:
    result = reach_diff(analysis(BASE), analysis(CASES[0][2]))
    assert result.changes == () and result.traces == 0
    assert result.reused == result.questions > 0


def test_a_rule_change_reuses_what_it_cannot_touch() -> None:
    new = edit(BASE, "ingress tcp 5432 from 10.1.0.0/16", "ingress tcp 5432-5433 from 10.1.0.0/16")
    result = reach_diff(analysis(BASE), analysis(new))
    assert result.changes == ()  # nothing routes from a to b
    assert 0 < result.reused < result.questions
    # only pairs into db, on tcp, from the 3 other endpoints' classes
    assert result.questions - result.reused == 3


def test_ranges_merge_when_they_change_the_same_way() -> None:
    new = edit(BASE, "ingress tcp 443 from 0.0.0.0/0", "ingress tcp 400-500 from 0.0.0.0/0")
    found = [
        c for c in reachability_changes(analysis(BASE), analysis(new)) if c.source == "internet"
    ]
    assert found == [
        ReachChange(
            "internet", "web", "tcp", "400-442", "deny", "allow", None, D.SG_INGRESS_MISMATCH
        ),
        ReachChange(
            "internet", "web", "tcp", "444-500", "deny", "allow", None, D.SG_INGRESS_MISMATCH
        ),
    ]


SHARED_NAME = """\
region us-east-1 {
  vpc corp 10.0.0.0/16 {
    subnet s 10.0.1.0/24 az us-east-1a
    security-group g { ingress tcp 22 from 10.0.0.0/16 }
    instance db in s sg g
    instance app in s sg g
    nat-gateway gw in s
  }
}
site corp 192.168.0.0/16 {
  host db 192.168.0.10
  host gw 192.168.0.11
}
"""


def test_a_vpc_and_a_site_of_one_name_keep_every_endpoint_apart() -> None:
    """`vpc corp` and `site corp` both hold a `db`: each endpoint compared is written so
    that it resolves to itself alone (§3), none is lost under another's name."""
    from netdraft.dsl.query import parse_query
    from netdraft.sim.classes import endpoints

    net = analysis(SHARED_NAME)
    ends = endpoints(net.network, net.simulator.ix)
    kinds = sorted(e.place.kind.value for e in ends.values())
    assert kinds == ["host", "host", "instance", "instance", "internet", "nat-gateway"]
    for text, end in ends.items():
        query = parse_query(net.network, text, "internet")
        assert not isinstance(query, list), (text, query)
        got = query.source
        assert (got.kind, got.name, got.vpc, got.site) == (
            end.place.kind,
            end.place.name,
            end.place.vpc,
            end.place.site,
        ), text


def test_an_ambiguous_name_lists_spellings_that_are_distinct() -> None:
    from netdraft.dsl.query import parse_query

    net = analysis(SHARED_NAME).network
    for word in ("db", "corp.db"):
        found = parse_query(net, word, "internet")
        assert isinstance(found, list)
        assert "write one of: 10.0.1.4, 192.168.0.10" in found[0].label, found


def test_a_range_that_changed_the_same_way_is_one_whatever_the_old_drops() -> None:
    """Ports 1000-1500 were dropped by an ACL and 1501-2000 by a group; both open now:
    one change, 1000-2000, deny → allow (the old drop is that of its first port)."""
    old = """\
region us-east-1 {
  vpc corp 10.0.0.0/16 {
    subnet s1 10.0.1.0/24 az us-east-1a
    subnet s2 10.0.2.0/24 az us-east-1a
    security-group g { ingress tcp 22 from 10.0.0.0/16 }
    network-acl n {
      inbound  100 deny  tcp 1000-1500 from 0.0.0.0/0
      inbound  200 allow all from 0.0.0.0/0
      outbound 100 allow all to 0.0.0.0/0
      associate s2
    }
    instance a in s1 sg g
    instance b in s2 sg g
  }
}
"""
    new = old.replace("tcp 22 from", "tcp 1000-2000 from").replace(
        "      inbound  100 deny  tcp 1000-1500 from 0.0.0.0/0\n", ""
    )
    found = [
        (c.ports, c.before, c.after, c.before_drop)
        for c in reachability_changes(analysis(old), analysis(new))
        if (c.source, c.destination, c.protocol) == ("a", "b", "tcp")
    ]
    assert found == [
        ("22", "allow", "deny", None),
        ("1000-2000", "deny", "allow", D.ACL_INBOUND_DENY),
    ]


def test_icmpv6_is_compared() -> None:
    """A group that starts admitting icmpv6 from the internet changes an IPv6 verdict."""
    from pathlib import Path

    text = (Path(__file__).parents[2] / "examples" / "07-ipv6-egress-only.nd").read_text("utf-8")
    rule = "      ingress tcp 443 from ::/0\n"
    opened = text.replace(rule, rule + "      ingress icmpv6 from ::/0\n")
    found = {
        (c.source, c.destination, c.protocol, c.before, c.after)
        for c in reachability_changes(analysis(text), analysis(opened))
    }
    assert ("internet", "web", "icmpv6", "deny", "allow") in found


# ---- ICMP types and codes: each a class of its own where a rule names it ------------------


def icmp_changes(old: str, new: str) -> list[tuple[str, str, str, str, str, object]]:
    return [
        (c.source, c.destination, str(c.icmp), c.before, c.after, c.drop)
        for c in reachability_changes(analysis(old), analysis(new))
        if c.protocol == "icmp" and c.source == "internet"
    ]


def test_opening_one_icmp_type_shows_that_type() -> None:
    """A group that starts admitting `icmp type 13` (timestamp) from the internet: that type
    changed, and nothing else (echo, type 8, is still refused)."""
    rule = "ingress tcp 443 from 0.0.0.0/0"
    opened = edit(BASE, rule, rule + "; ingress icmp type 13 from 0.0.0.0/0")
    found = icmp_changes(BASE, opened)
    assert found == [("internet", "web", "type 13 (timestamp)", "deny", "allow", None)]
    # Its twin: the same group admitting type 13 code 1 only opens that code.
    coded = opened.replace("icmp type 13 from", "icmp type 13 code 1 from")
    assert icmp_changes(BASE, coded) == [
        ("internet", "web", "type 13 code 1", "deny", "allow", None)
    ]


def test_every_icmp_type_but_the_one_whose_reply_is_refused() -> None:
    """All of ICMP opened behind an ACL that lets every reply out but the echo reply: every
    message reaches `web` except echo requests (their reply, type 0, is dropped)."""
    acl = (
        "    network-acl edge {\n"
        "      inbound 100 allow all from 0.0.0.0/0\n"
        "      outbound 100 deny icmp type 0 to 0.0.0.0/0\n"
        "      outbound 200 allow all to 0.0.0.0/0\n"
        "      associate pub\n    }\n"
    )
    old = edit(BASE, "    instance web in", acl + "    instance web in")
    new = edit(old, "ingress tcp 443 from 0.0.0.0/0", "ingress all from 0.0.0.0/0")
    found = icmp_changes(old, new)
    assert found == [
        ("internet", "web", "all types except type 8 (echo request)", "deny", "allow", None)
    ]
    # The allowed twin: without the deny, every type, echo included, changed.
    open_acl = new.replace("      outbound 100 deny icmp type 0 to 0.0.0.0/0\n", "")
    old_open = old.replace("      outbound 100 deny icmp type 0 to 0.0.0.0/0\n", "")
    assert icmp_changes(old_open, open_acl) == [
        ("internet", "web", "all types", "deny", "allow", None)
    ]


def test_an_acl_rule_on_the_echo_reply_changes_the_echo_request() -> None:
    """Only the reply's type (0) is named by the changed ACL rule, yet the request (8) is
    what changes: the diff sweeps the requests whose reply a changed ACL rule decides."""
    acl = (
        "    network-acl edge {\n"
        "      inbound 100 allow all from 0.0.0.0/0\n"
        "      outbound 100 allow icmp type 0 to 0.0.0.0/0\n"
        "      outbound 200 allow tcp 1024-65535 to 0.0.0.0/0\n"
        "      associate pub\n    }\n"
    )
    rule = "ingress tcp 443 from 0.0.0.0/0"
    ping = edit(BASE, rule, rule + "; ingress icmp from 0.0.0.0/0")
    old = edit(ping, "    instance web in", acl + "    instance web in")
    new = old.replace("outbound 100 allow icmp type 0", "outbound 100 deny icmp type 0")
    found = icmp_changes(old, new)
    assert found == [
        ("internet", "web", "type 8 (echo request)", "allow", "deny", D.ACL_RETURN_DENY)
    ]
    assert icmp_changes(old, old) == []  # its twin: nothing changed, nothing listed
