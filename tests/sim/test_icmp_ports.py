"""ICMP types and codes, sets of destination ports, and declared client (ephemeral) ports.

Each denied row is paired with an allowed one that differs in one thing, so a row fails
for the reason it names (LANGUAGE.md §9 and §14 "Client ports").
"""

from __future__ import annotations

from functools import cache

import pytest

from netdraft import api
from netdraft.dsl import review
from netdraft.dsl.query import parse_query
from netdraft.model.network import Network, Verdict
from netdraft.model.values import CONNECTION_PORTS, IcmpType, PortRange
from netdraft.sim.analysis import MemoSimulator
from netdraft.sim.path import trace
from netdraft.sim.trace import AclStep, Trace

NETWORKS: dict[str, str] = {}

# Security groups and network ACLs that name ICMP types: `pinger` may ping `sg-only`
# (type 8 only) and `acl-echo` (an ACL that lets echo in and echo reply out), not
# `acl-no-reply` (its ACL lets type 8 in but not type 0 back out).
NETWORKS["icmp"] = """
region us-east-1 {
  vpc v 10.0.0.0/16 {
    ipv6 2001:db8::/56
    subnet a  10.0.1.0/24 az us-east-1a ipv6 2001:db8::/64
    subnet b  10.0.2.0/24 az us-east-1a ipv6 2001:db8:0:1::/64
    subnet c  10.0.3.0/24 az us-east-1a
    subnet d  10.0.4.0/24 az us-east-1a
    security-group open { ingress all from 0.0.0.0/0 }
    security-group echo {
      ingress icmp type 8 from 10.0.0.0/16
      ingress icmp type 3 code 4 from 10.0.0.0/16
      ingress icmpv6 type 128 from 2001:db8::/56
    }
    network-acl with-reply {
      inbound  100 allow icmp type 8 from 10.0.0.0/16
      inbound  110 allow icmp type 3 from 10.0.0.0/16
      outbound 100 allow icmp type 0 code 0 to 10.0.0.0/16
      associate c
    }
    network-acl no-reply {
      inbound  100 allow icmp type 8 from 10.0.0.0/16
      outbound 100 allow icmp type 3 to 10.0.0.0/16
      associate d
    }
    instance pinger       in a sg open
    instance sg-only      in b sg echo
    instance acl-echo     in c sg open
    instance acl-no-reply in d sg open
  }
}
"""

# A server behind an ACL whose replies go out only on 1024-2000 (`narrow`), on
# 32768-65535 (`wide`), or everywhere but 40001-65535 (`cut`), and clients that declare
# the Linux or the Windows range, or nothing.
NETWORKS["ephemeral"] = """
region us-east-1 {
  vpc v 10.0.0.0/16 {
    subnet clients 10.0.1.0/24 az us-east-1a
    subnet s-narrow 10.0.2.0/24 az us-east-1a
    subnet s-wide 10.0.3.0/24 az us-east-1a
    subnet s-cut 10.0.4.0/24 az us-east-1a
    security-group srv {
      ingress tcp 22 from 10.0.0.0/16
      ingress tcp 80-90 from 10.0.0.0/16
      ingress tcp 443 from 10.0.0.0/16
    }
    security-group cli { }
    network-acl narrow {
      inbound 100 allow tcp 1-1024 from 10.0.0.0/16
      outbound 100 allow tcp 1024-2000 to 10.0.0.0/16
      associate s-narrow
    }
    network-acl wide {
      inbound 100 deny tcp 23 from 10.0.0.0/16
      inbound 110 allow tcp 0-65535 from 10.0.0.0/16
      outbound 100 allow tcp 32768-65535 to 10.0.0.0/16
      associate s-wide
    }
    network-acl cut {
      inbound 100 allow all from 10.0.0.0/16
      outbound 100 allow tcp 1024-40000 to 10.0.0.0/16
      associate s-cut
    }
    instance any-os  in clients sg cli
    instance linux   in clients sg cli ephemeral 32768-60999
    instance windows in clients sg cli ephemeral 49152-65535
    instance narrow  in s-narrow sg srv
    instance wide    in s-wide sg srv
    instance cut     in s-cut sg srv
  }
}
"""

Row = tuple[str, str, str, tuple[str, ...], str, str | None]

ROWS: list[Row] = [
    # security groups: the type (and code) a rule names
    ("icmp", "pinger", "sg-only", ("icmp", "type", "8"), "allow", None),
    ("icmp", "pinger", "sg-only", ("icmp", "type", "13"), "deny", "SG_INGRESS_MISMATCH"),
    ("icmp", "pinger", "sg-only", ("icmp",), "allow", None),  # a plain ping is type 8
    ("icmp", "pinger", "sg-only", ("icmp", "type", "3", "code", "4"), "allow", None),
    ("icmp", "pinger", "sg-only", ("icmp", "type", "3", "code", "1"), "deny", "SG_INGRESS_MISMATCH"),
    ("icmp", "pinger", "sg-only", ("icmpv6", "type", "128"), "allow", None),
    ("icmp", "pinger", "sg-only", ("icmpv6", "type", "135"), "deny", "SG_INGRESS_MISMATCH"),
    # a rule without a type matches every type
    ("icmp", "sg-only", "pinger", ("icmp", "type", "13"), "allow", None),
    ("icmp", "sg-only", "pinger", ("icmp", "type", "42"), "allow", None),
    # network ACLs: the request's type in, and the reply's type (0 for 8) back out
    ("icmp", "pinger", "acl-echo", ("icmp", "type", "8"), "allow", None),
    ("icmp", "pinger", "acl-no-reply", ("icmp", "type", "8"), "deny", "ACL_RETURN_DENY"),
    ("icmp", "pinger", "acl-echo", ("icmp",), "allow", None),
    ("icmp", "pinger", "acl-no-reply", ("icmp",), "deny", "ACL_RETURN_DENY"),
    ("icmp", "pinger", "acl-echo", ("icmp", "type", "13"), "deny", "ACL_INBOUND_DENY"),
    # a message that asks for no reply is delivered when the request is
    ("icmp", "pinger", "acl-echo", ("icmp", "type", "3", "code", "9"), "allow", None),
    # port sets: allowed when every port is
    ("ephemeral", "any-os", "wide", ("tcp", "80-90"), "allow", None),
    ("ephemeral", "any-os", "wide", ("tcp", "80-91"), "deny", "SG_INGRESS_MISMATCH"),
    # declared client ports: every one must work
    ("ephemeral", "linux", "wide", ("tcp", "443"), "allow", None),
    ("ephemeral", "linux", "cut", ("tcp", "443"), "deny", "ACL_RETURN_DENY"),
    ("ephemeral", "windows", "wide", ("tcp", "443"), "allow", None),
    ("ephemeral", "windows", "cut", ("tcp", "443"), "deny", "ACL_RETURN_DENY"),
    ("ephemeral", "any-os", "cut", ("tcp", "443"), "allow", None),  # some port works
    ("ephemeral", "any-os", "narrow", ("tcp", "443"), "allow", None),
    ("ephemeral", "linux", "narrow", ("tcp", "443"), "deny", "ACL_RETURN_DENY"),
]  # fmt: skip


@cache
def network(name: str) -> Network:
    compiled = api.compile(NETWORKS[name], f"<{name}>")
    errors = [d for d in compiled.diagnostics if d.is_error]
    assert compiled.network is not None and not errors, errors
    return compiled.network


def run(net: str, src: str, dst: str, words: tuple[str, ...]) -> Trace:
    query = parse_query(network(net), src, dst, *words)
    assert not isinstance(query, list), [d.message for d in query]
    return trace(network(net), query)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r[0]}:{r[1]}->{r[2]}:{' '.join(r[3])}")
def test_path(row: Row) -> None:
    net, src, dst, words, verdict, code = row
    t = run(net, src, dst, words)
    assert t.verdict.value == verdict, t.reason
    assert (t.code.value if t.code else None) == code


def test_echo_reply_is_checked_as_type_0_on_the_way_back() -> None:
    t = run("icmp", "pinger", "acl-no-reply", ("icmp", "type", "8"))
    assert "denies the reply outbound icmp type 0" in t.reason
    allowed = run("icmp", "pinger", "acl-echo", ("icmp", "type", "8"))
    rules = [
        s.detail.rule
        for h in allowed.reverse
        for s in h.steps
        if isinstance(s.detail, AclStep) and s.detail.rule is not None
    ]
    assert [r.number for r in rules if r.icmp == IcmpType(0, 0)] == [100]


def test_a_message_without_a_reply_has_no_return_leg() -> None:
    t = run("icmp", "pinger", "acl-echo", ("icmp", "type", "3", "code", "9"))
    assert t.allowed and t.forward and t.reverse == ()


def test_declared_range_names_the_first_port_that_fails() -> None:
    t = run("ephemeral", "linux", "cut", ("tcp", "443"))
    assert "to port 40001 " in t.reason and "32768-60999" in t.reason
    t = run("ephemeral", "windows", "cut", ("tcp", "443"))
    assert "to ports 49152-65535 " in t.reason  # none of Windows' ports works


def test_some_port_is_enough_without_a_declaration() -> None:
    t = run("ephemeral", "any-os", "cut", ("tcp", "443"))
    assert t.source_ports == (PortRange(1024, 40000),)


def test_port_set_trace_is_the_first_denied_port() -> None:
    t = run("ephemeral", "any-os", "wide", ("tcp", "1-1024"))
    assert t.query.port == 1 and not t.allowed
    runs = [(str(r.ports), r.verdict, r.code.value if r.code else None) for r in t.port_runs]
    assert runs == [
        ("1-21", Verdict.DENY, "SG_INGRESS_MISMATCH"),
        ("22", Verdict.ALLOW, None),
        ("23", Verdict.DENY, "ACL_INBOUND_DENY"),
        ("24-79", Verdict.DENY, "SG_INGRESS_MISMATCH"),
        ("80-90", Verdict.ALLOW, None),
        ("91-442", Verdict.DENY, "SG_INGRESS_MISMATCH"),
        ("443", Verdict.ALLOW, None),
        ("444-1024", Verdict.DENY, "SG_INGRESS_MISMATCH"),
    ]


def test_a_port_set_is_traced_once_per_piece_not_per_port() -> None:
    sim = MemoSimulator(network("ephemeral"))
    query = parse_query(network("ephemeral"), "any-os", "wide", "tcp", "any")
    assert not isinstance(query, list) and query.ports == CONNECTION_PORTS  # 1-65535
    t = sim.trace(query)
    assert not t.allowed
    assert len(sim._traces) < 30  # the pieces between rule boundaries, and the set itself


# ---- expectations: first failing port, deny sets, partial-ephemeral ---------------------------


def check(text: str) -> list[str]:
    analysis = api.analyse("<t>", text=text)
    return [
        f"{d.severity.value}[{d.code}]:{d.span.line}: {d.message}" for d in analysis.diagnostics
    ]


EXPECT_BASE = NETWORKS["ephemeral"]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("expect any-os -> wide tcp 80-90 allow", None),
        ("expect any-os -> wide tcp 80-91 allow", "tcp 91 is denied (SG_INGRESS_MISMATCH"),
        ("expect any-os -> wide tcp 23 deny because ACL_INBOUND_DENY", None),
        ("expect any-os -> wide tcp 20-30 allow", "tcp 20 is denied"),
        ("expect any-os -> wide tcp 1000-2000 deny", None),
        ("expect any-os -> wide tcp 1-1024 deny", "tcp 22 is allowed, expected every port"),
        ("expect any-os -> wide tcp any deny", "tcp 22 is allowed, expected every tcp port denied"),
        ("expect any-os -> wide tcp 23-30 deny because SG_INGRESS_MISMATCH",
         "tcp 23 is denied because ACL_INBOUND_DENY, expected because SG_INGRESS_MISMATCH"),
        ("expect any-os -> wide tcp 24-30 deny because SG_INGRESS_MISMATCH", None),
        ("expect any-os -> wide udp any deny", None),
    ],
)  # fmt: skip
def test_port_set_expectations(line: str, problem: str | None) -> None:
    found = [d for d in check(EXPECT_BASE + line + "\n") if "expect-failed" in d]
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0], found


def test_partial_ephemeral_warning_names_the_working_range() -> None:
    found = check(EXPECT_BASE + "expect any-os -> narrow tcp 443 allow\n")
    assert found == [
        "warning[partial-ephemeral]:38: replies reach the client only on ports 1024-2000; "
        "no Linux or Windows client picks those (Linux 32768-60999, Windows 49152-65535)"
    ]


def test_partial_ephemeral_says_which_systems_are_served() -> None:
    found = check(EXPECT_BASE + "expect any-os -> cut tcp 443 allow\n")
    assert found == [
        "warning[partial-ephemeral]:38: replies reach the client only on ports 1024-40000; "
        "Linux clients (32768-60999) on only some of theirs, Windows clients (49152-65535) "
        "on none of theirs"
    ]


def test_no_partial_warning_when_every_port_works_or_the_client_declares() -> None:
    text = EXPECT_BASE + (
        "expect any-os -> cut tcp 22 allow\n"  # partial: warned
        + "expect linux -> wide tcp 443 allow\n"  # declared: checked, not warned
        + "expect any-os -> wide tcp 443 allow\n"  # 32768-65535: Linux and Windows served
        + "flow f: linux -> wide tcp 443 volume 1GB\n"
    )
    found = check(text)
    assert [d.split(":")[0] for d in found] == ["warning[partial-ephemeral]"]


def test_partial_ephemeral_on_a_flow() -> None:
    found = check(EXPECT_BASE + "flow f: any-os -> narrow tcp 443 volume 1GB\n")
    assert [d.split(": ")[0] for d in found] == ["warning[partial-ephemeral]:38"]


def test_a_declared_range_that_fails_denies_the_expectation() -> None:
    found = check(EXPECT_BASE + "expect linux -> cut tcp 443 allow\n")
    assert len(found) == 1 and "expect-failed" in found[0]
    assert "to port 40001" in found[0]
    found = check(EXPECT_BASE + "expect linux -> cut tcp 443 deny because ACL_RETURN_DENY\n")
    assert found == []


# ---- sites ---------------------------------------------------------------------------------

SITE = """
region us-east-1 {
  vpc cloud 10.0.0.0/16 {
    vpn-gateway vgw
    subnet private 10.0.1.0/24 az us-east-1a
    route-table rt { propagate vgw; associate private }
    security-group app { ingress tcp 22 from 192.168.0.0/16 }
    network-acl acl {
      inbound 100 allow tcp 22 from 192.168.0.0/16
      outbound 100 allow tcp 49152-65535 to 192.168.0.0/16
      associate private
    }
    instance app in private sg app
  }
}
site office 192.168.0.0/16 {
  customer-gateway cgw 203.0.113.12
  host laptop 192.168.0.20
  ephemeral EPHEMERAL
}
vpn office-vpn vgw <-> cgw static 192.168.0.0/16
"""


@pytest.mark.parametrize(
    ("ephemeral", "verdict"),
    [("49152-65535", Verdict.ALLOW), ("32768-60999", Verdict.DENY)],
)
def test_site_ephemeral_applies_to_its_hosts_and_addresses(
    ephemeral: str, verdict: Verdict
) -> None:
    compiled = api.compile(SITE.replace("EPHEMERAL", ephemeral), "<site>")
    assert compiled.network is not None, [d.message for d in compiled.diagnostics]
    assert compiled.network.sites["office"].ephemeral == PortRange(*map(int, ephemeral.split("-")))
    for src in ("laptop", "192.168.7.7"):
        query = parse_query(compiled.network, src, "app", "tcp", "22")
        assert not isinstance(query, list)
        t = trace(compiled.network, query)
        assert t.verdict is verdict, t.reason
        if verdict is Verdict.DENY:
            assert t.code is not None and t.code.value == "ACL_RETURN_DENY"


# ---- the language: diagnostics and queries --------------------------------------------------

VPC = """
region us-east-1 {
  vpc v 10.0.0.0/16 {
    subnet a 10.0.1.0/24 az us-east-1a
    security-group g { BODY }
    instance x in a sg g
    instance y in a sg g
  }
}
"""


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("ingress icmp type 255 code 255 from 0.0.0.0/0", None),
        ("ingress icmp type 256 from 0.0.0.0/0", "bad-icmp"),
        ("ingress icmp type 3 code 256 from 0.0.0.0/0", "bad-icmp"),
        ("ingress icmpv6 type 128 from ::/0", None),
        ("ingress tcp 22 type 8 from 0.0.0.0/0", "bad-icmp"),
        ("ingress all type 8 from 0.0.0.0/0", "bad-icmp"),
        ("ingress tcp any from 0.0.0.0/0", None),
        ("ingress icmp any from 0.0.0.0/0", "bad-port"),
    ],
)
def test_rule_diagnostics(body: str, code: str | None) -> None:
    compiled = api.compile(VPC.replace("BODY", body), "<r>")
    found = [d.code for d in compiled.diagnostics if d.code not in review.CODES]
    assert found == ([code] if code else [])


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("expect x -> y tcp 1-1024 allow", None),
        ("expect x -> y tcp any deny", None),
        ("expect x -> y tcp 1-70000 allow", "bad-port"),
        ("expect x -> y icmp type 8 code 0 allow", None),
        ("expect x -> y icmp type 300 allow", "bad-icmp"),
        ("flow f: x -> y tcp 1-1024 volume 1GB", "bad-port"),  # a flow keeps one port
        ("flow f: x -> y tcp any volume 1GB", "bad-port"),
        # port 0 is no connection's (TCP and UDP ports are 1-65535)
        ("expect x -> y tcp 0 deny", "bad-port"),
        ("expect x -> y tcp 0-1024 deny", "bad-port"),
        ("expect x -> y udp 1 deny", None),
        ("flow f: x -> y tcp 0 volume 1GB", "bad-port"),
        ("flow f: x -> y tcp 1 volume 1GB", None),
        ("flow f: x -> y icmp type 8 volume 1GB", None),
    ],
)
def test_intent_diagnostics(line: str, code: str | None) -> None:
    compiled = api.compile(VPC.replace("BODY", "") + line + "\n", "<i>")
    assert [d.code for d in compiled.diagnostics] == ([code] if code else [])


@pytest.mark.parametrize(
    ("option", "code"),
    [("ephemeral 32768-60999", None), ("ephemeral 1-70000", "bad-port")],
)
def test_instance_ephemeral(option: str, code: str | None) -> None:
    text = VPC.replace("BODY", "").replace("instance x in a sg g", f"instance x in a sg g {option}")
    compiled = api.compile(text, "<e>")
    assert [d.code for d in compiled.diagnostics] == ([code] if code else [])
    if code is None:
        assert compiled.network is not None
        assert compiled.network.vpcs["v"].instances["x"].ephemeral == PortRange(32768, 60999)
        assert compiled.network.vpcs["v"].instances["y"].ephemeral is None


def test_site_ephemeral_twice_is_a_bad_option() -> None:
    text = SITE.replace("ephemeral EPHEMERAL", "ephemeral 49152-65535\n  ephemeral 1024-65535")
    compiled = api.compile(text, "<s>")
    assert [d.code for d in compiled.diagnostics] == ["bad-option"]


@pytest.mark.parametrize(
    ("words", "icmp", "port", "ports"),
    [
        (("icmp",), None, None, None),
        (("icmp", "type", "8"), IcmpType(8), None, None),
        (("icmp", "type", "3", "code", "4"), IcmpType(3, 4), None, None),
        (("tcp", "443"), None, 443, None),
        (("tcp", "1-1024"), None, 1, PortRange(1, 1024)),
        (("udp", "any"), None, 1, CONNECTION_PORTS),  # port 0 is no connection's
    ],
)
def test_query_parsing(
    words: tuple[str, ...], icmp: IcmpType | None, port: int | None, ports: PortRange | None
) -> None:
    net = network("ephemeral")
    query = parse_query(net, "any-os", "wide", *words)
    assert not isinstance(query, list)
    assert (query.icmp, query.port, query.ports) == (icmp, port, ports)


@pytest.mark.parametrize(
    ("words", "code"),
    [
        (("icmp", "type", "256"), "bad-icmp"),
        (("tcp", "443", "type", "8"), "bad-icmp"),
        (("tcp", "1-99999"), "bad-port"),
        (("tcp", "0"), "bad-port"),
        (("tcp",), "bad-port"),
    ],
)
def test_bad_queries(words: tuple[str, ...], code: str) -> None:
    found = parse_query(network("ephemeral"), "any-os", "wide", *words)
    assert isinstance(found, list) and [d.code for d in found] == [code]


# ---- behind a NAT gateway: the far side sees the NAT's ports, the client's side its own ------

NAT = """
region us-east-1 {
  vpc v 10.0.0.0/16 {
    internet-gateway igw
    subnet public 10.0.0.0/24 az us-east-1a
    subnet private 10.0.1.0/24 az us-east-1a
    route-table pub { route 0.0.0.0/0 via igw; associate public }
    route-table priv { route 0.0.0.0/0 via nat; associate private }
    nat-gateway nat in public
    network-acl public-acl {
      inbound 100 allow tcp 1024-2000 from 0.0.0.0/0
      inbound 110 allow all from 10.0.0.0/16
      outbound 100 allow all to 0.0.0.0/0
      associate public
    }
    network-acl private-acl {
      inbound 100 allow tcp PRIVATE from 0.0.0.0/0
      outbound 100 allow all to 0.0.0.0/0
      associate private
    }
    instance box in private ephemeral 32768-60999
  }
}
"""


@pytest.mark.parametrize(
    ("private", "verdict", "first"),
    [("32768-65535", Verdict.ALLOW, None), ("1024-40000", Verdict.DENY, "port 40001")],
)
def test_client_ports_behind_a_nat(private: str, verdict: Verdict, first: str | None) -> None:
    compiled = api.compile(NAT.replace("PRIVATE", private), "<nat>")
    assert compiled.network is not None, [d.message for d in compiled.diagnostics]
    query = parse_query(compiled.network, "box", "internet", "tcp", "443")
    assert not isinstance(query, list)
    t = trace(compiled.network, query)
    assert t.verdict is verdict, t.reason
    if first is not None:
        assert t.code is not None and t.code.value == "ACL_RETURN_DENY" and first in t.reason


ALL_BUT_ZERO = VPC.replace("BODY", "ingress tcp 1-65535 from 10.0.0.0/16")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        # 'any' is 1-65535: a group that opens 1-65535 opens every port of it
        (ALL_BUT_ZERO + "expect x -> y tcp any allow\n", None),
        (ALL_BUT_ZERO + "expect x -> y tcp 1-65535 allow\n", None),
        (
            ALL_BUT_ZERO.replace("tcp 1-65535", "tcp 2-65535") + "expect x -> y tcp any allow\n",
            "tcp 1 is denied (SG_INGRESS_MISMATCH",
        ),
        (ALL_BUT_ZERO + "expect x -> y udp any deny because SG_INGRESS_MISMATCH\n", None),
    ],
)
def test_any_is_every_port_a_connection_can_use(text: str, problem: str | None) -> None:
    found = [d for d in check(text) if d.startswith("error")]
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0], found


def test_any_in_an_expectation_is_1_to_65535_and_traced_from_port_1() -> None:
    compiled = api.compile(VPC.replace("BODY", "") + "expect x -> y tcp any deny\n", "<a>")
    assert compiled.network is not None
    [exp] = compiled.network.expectations
    assert (exp.port, exp.ports) == (1, PortRange(1, 65535))


@pytest.mark.parametrize(
    ("ports", "code"),
    [
        ("1024-65535", None),  # NAT gateways, load balancers, Lambda
        ("32768-60999", None),
        ("1024-5000", None),  # older Windows
        ("80-100", "bad-ephemeral"),  # server ports, no client's
        ("1023-65535", "bad-ephemeral"),
        ("0-65535", "bad-ephemeral"),
        ("1-70000", "bad-port"),
    ],
)
def test_an_ephemeral_range_lies_within_1024_65535(ports: str, code: str | None) -> None:
    """Instances and sites alike: a client picks its ports from 1024 up."""
    instance = VPC.replace("BODY", "").replace(
        "instance x in a sg g", f"instance x in a sg g ephemeral {ports}"
    )
    site = SITE.replace("ephemeral EPHEMERAL", f"ephemeral {ports}")
    for text in (instance, site):
        compiled = api.compile(text, "<e>")
        assert [d.code for d in compiled.diagnostics] == ([code] if code else []), text
