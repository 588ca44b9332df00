"""Resolution cases (LANGUAGE.md §11): what a client's resolver answers, and why not.

Each row of ``CASES`` is ``(network, client, name, answers or code, via)``: every step of
a resolution (the client's server, dns-support and dns-hostnames, the most specific
private zone answering alone, CNAME chains and loops, ALIAS to an interface endpoint,
a DNS server on an instance reached over UDP 53 through its groups and ACLs) has an
allowed row next to a denied one, so that a row fails for the reason it names.
"""

from __future__ import annotations

from functools import cache
from ipaddress import IPv4Address
from pathlib import Path

import pytest

from netdraft import api
from netdraft.dsl.query import parse_query
from netdraft.model.network import Network
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.path import Simulator
from netdraft.sim.prices import bundled

NETWORKS: dict[str, str] = {}

# The Amazon resolver: one zone and a more specific one, VPCs associated with them or
# not, with dns-support or dns-hostnames off; CNAMEs, a loop, an alias to an endpoint.
NETWORKS["amazon"] = """
region us-east-1 {
  vpc corp 10.10.0.0/16 {
    dhcp-options domain corp.internal
    subnet a 10.10.1.0/24 az us-east-1a
    subnet b 10.10.2.0/24 az us-east-1b
    instance app in a
    instance db in a ip 10.10.1.173
    endpoint sqs-if interface sqs in a b ips 10.10.1.200 10.10.2.200
  }
  vpc other 10.20.0.0/16 {
    subnet a 10.20.1.0/24 az us-east-1a
    instance o in a
  }
  vpc nohost 10.30.0.0/16 {
    dns-hostnames off
    subnet a 10.30.1.0/24 az us-east-1a
    instance h in a
  }
  vpc off 10.40.0.0/16 {
    dns-support off
    subnet a 10.40.1.0/24 az us-east-1a
    instance f in a
  }
}
zone corp.internal private vpcs corp nohost off {
  record db A db
  record pair A 10.10.1.10 10.10.1.11
  record www CNAME web.corp.internal
  record web CNAME db.corp.internal
  record loop1 CNAME loop2.corp.internal
  record loop2 CNAME loop1.corp.internal
  record queue ALIAS sqs-if
  record old CNAME gone.example.com
  record ci.dev A 10.10.1.50
}
zone dev.corp.internal private vpcs corp {
  record build A 10.10.1.60
}
"""

# A DNS server on an instance (the DHCP option set's servers), reached over UDP 53.
NETWORKS["custom"] = (Path(__file__).parent / "networks" / "dns-servers.nd").read_text("utf-8")


@cache
def network(name: str) -> Network:
    compiled = api.compile(NETWORKS[name], f"<{name}>")
    errors = [d for d in compiled.diagnostics if d.is_error]
    assert compiled.network is not None and not errors, errors
    return compiled.network


def resolve(net: str, client: str, name: str) -> tuple[tuple[str, ...] | str, Simulator]:
    built = network(net)
    query = parse_query(built, client, "internet", "udp", "53")
    assert not isinstance(query, list), query
    sim = Simulator(built)
    res = sim.resolve(query.source, name)
    got: tuple[str, ...] | str = tuple(map(str, res.answers)) if res.ok else str(res.code)
    return got, sim


A = tuple[str, ...]
CASES: list[tuple[str, str, str, A | str, str | None]] = [
    # the Amazon resolver and the DHCP domain
    ("amazon", "app", "db.corp.internal", ("10.10.1.173",), None),
    ("amazon", "app", "db", ("10.10.1.173",), None),  # the DHCP domain completes it
    ("amazon", "app", "DB.Corp.Internal.", ("10.10.1.173",), None),
    ("amazon", "app", "pair.corp.internal", ("10.10.1.10", "10.10.1.11"), None),
    # a matching zone answers alone: a missing record is NXDOMAIN
    ("amazon", "app", "nope.corp.internal", "NXDOMAIN", None),
    # only VPCs associated with the zone see it
    ("amazon", "o", "db.corp.internal", "NXDOMAIN", None),
    # dns-hostnames off: the private zones are not used; dns-support off: no answer at all
    ("amazon", "h", "db.corp.internal", "NXDOMAIN", None),
    ("amazon", "f", "db.corp.internal", "DNS_DISABLED", None),
    # the most specific zone wins, and answers alone
    ("amazon", "app", "build.dev.corp.internal", ("10.10.1.60",), None),
    ("amazon", "app", "ci.dev.corp.internal", "NXDOMAIN", None),
    # CNAME chains, a loop, a CNAME out of the private zones
    ("amazon", "app", "www.corp.internal", ("10.10.1.173",), None),
    ("amazon", "app", "loop1.corp.internal", "DNS_LOOP", None),
    ("amazon", "app", "old.corp.internal", "NXDOMAIN", None),
    # an alias to an interface endpoint: the addresses of its network interfaces
    ("amazon", "app", "queue.corp.internal", ("10.10.1.200", "10.10.2.200"), None),
    # the EC2 private host name of an instance of the VPC, and of none
    ("amazon", "app", "ip-10-10-1-173.ec2.internal", ("10.10.1.173",), None),
    ("amazon", "app", "ip-10-10-1-99.ec2.internal", "NXDOMAIN", None),
    ("amazon", "o", "ip-10-10-1-173.ec2.internal", "NXDOMAIN", None),
    # a DNS server on an instance: its group lets UDP 53 in, or not
    ("custom", "open.c", "db", ("10.9.9.9",), "dns1"),
    ("custom", "closed.c", "db", "DNS_UNREACHABLE", None),
    # its subnet's network ACL denies UDP 53
    ("custom", "acl.c", "db", "DNS_UNREACHABLE", None),
    # the first server answers nothing: the client asks the next
    ("custom", "failover.c", "db", ("10.9.9.9",), "dns1"),
    ("custom", "nothing.c", "db", "DNS_UNREACHABLE", None),
]


@pytest.mark.parametrize(
    ("net", "client", "name", "expected", "via"),
    CASES,
    ids=[f"{c[0]}:{c[1]}:{c[2]}" for c in CASES],
)
def test_resolution(net: str, client: str, name: str, expected: A | str, via: str | None) -> None:
    got, sim = resolve(net, client, name)
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and sorted(got) == sorted(expected)
    else:
        assert got == expected
    if via is not None:
        built = network(net)
        query = parse_query(built, client, "internet", "udp", "53")
        assert not isinstance(query, list)
        assert sim.resolve(query.source, name).crosses(via)


def test_denied_leg_is_the_last_and_named() -> None:
    built = network("custom")
    query = parse_query(built, "closed.c", "internet", "udp", "53")
    assert not isinstance(query, list)
    res = Simulator(built).resolve(query.source, "db")
    assert not res.legs[-1].ok
    assert res.legs[-1].trace.code is not None
    assert str(res.legs[-1].trace.code) == "SG_INGRESS_MISMATCH"
    assert "10.2.1.53" in res.reason and "SG_INGRESS_MISMATCH" in res.reason


def test_amazon_resolver_is_a_leg_on_the_host() -> None:
    built = network("amazon")
    query = parse_query(built, "app", "internet", "udp", "53")
    assert not isinstance(query, list)
    res = Simulator(built).resolve(query.source, "db")
    assert [leg.ok for leg in res.legs] == [True]
    assert res.legs[0].trace.destination_address == "10.10.0.2"
    assert res.answers == (IPv4Address("10.10.1.173"),)


# A DNS name as the destination of a connection: resolved by the source first.
NAMES = NETWORKS["amazon"].replace(
    "    instance db in a ip 10.10.1.173\n",
    "    security-group pg { ingress tcp 5432 from 10.10.1.0/24 }\n"
    "    instance db in a ip 10.10.1.173 sg pg\n",
)


@pytest.mark.parametrize(
    ("line", "holds"),
    [
        ("expect app -> db.corp.internal tcp 5432 allow", True),
        ("expect app -> db.corp.internal tcp 22 deny because SG_INGRESS_MISMATCH", True),
        ("expect app -> www.corp.internal tcp 5432 allow", True),
        ("expect app -> nope.corp.internal tcp 5432 deny because NXDOMAIN", True),
        ("expect f -> db.corp.internal tcp 5432 deny because DNS_DISABLED", True),
        ("expect app -> nope.corp.internal tcp 5432 allow", False),
        ("expect app resolves db = 10.10.1.173", True),
        ("expect app resolves db = 10.10.1.174", False),
        ("expect app resolves nope because NXDOMAIN", True),
        ("expect app resolves db because NXDOMAIN", False),
        ("expect app resolves loop1 because NXDOMAIN", False),
    ],
)
def test_names_in_expectations(line: str, holds: bool) -> None:
    compiled = api.compile(NAMES + line + "\n", "<names>")
    assert compiled.network is not None
    assert not [d for d in compiled.diagnostics if d.is_error]
    outcomes = NetworkAnalysis(compiled.network, bundled()).outcomes
    assert outcomes.ran == 1
    assert (not outcomes.failed) is holds


# Route 53 Resolver endpoints and rules between the VPC and a data centre (LANGUAGE.md §11).
NETWORKS["hybrid"] = (Path(__file__).parent / "networks" / "dns-hybrid.nd").read_text("utf-8")

HYBRID: list[tuple[str, str, A | str, str | None]] = [
    # on-premises: the BIND server forwards to the inbound endpoint over the VPN
    ("bind", "db.corp.internal", ("10.10.1.173",), "in-ep"),
    ("bind", "db.aws.corp.internal", "DNS_UNREACHABLE", None),  # in-closed refuses the site
    # a site host without a dns block asks the site's DNS server; a site with none
    ("laptop", "db.corp.internal", ("10.10.1.173",), "in-ep"),
    ("pc", "db.corp.internal", "DNS_UNREACHABLE", None),
    # a site has no Amazon resolver to forward to
    ("bind2", "db.corp.internal", "DNS_UNREACHABLE", None),
    # the VPC: a rule sends the data centre's names out of the outbound endpoint
    ("app", "bind.dc.example.com", ("192.168.0.10",), "out-ep"),
    ("app", "a.nowhere.example.com", "DNS_UNREACHABLE", None),  # no route to the target
    # the outbound endpoint's groups must let the query out (egress UDP 53 to the target)
    ("app", "bind.closed.dc.example.com", "DNS_UNREACHABLE", None),
    # rule against zone: the more specific wins; on equal domains the rule
    ("app", "printer.lab.dc.example.com", ("10.10.1.99",), None),
    ("app", "x.eq.example.com", (), "out-ep"),  # bind serves it; no address is written
    # servers that forward to each other
    ("app", "a.loop.example.com", "DNS_LOOP", None),
]


@pytest.mark.parametrize(("client", "name", "expected", "via"), HYBRID, ids=lambda v: str(v))
def test_hybrid_resolution(client: str, name: str, expected: A | str, via: str | None) -> None:
    test_resolution("hybrid", client, name, expected, via)


def test_an_outbound_endpoint_sends_through_its_groups_egress_rules() -> None:
    """The query of a rule leaves the outbound endpoint only if one of its groups' egress
    rules allows UDP 53 to the target; its twin through a group that allows all egress
    gets through (the step is in its trace)."""
    built = network("hybrid")
    query = parse_query(built, "app", "internet", "udp", "53")
    assert not isinstance(query, list)
    denied = Simulator(built).resolve(query.source, "bind.closed.dc.example.com")
    assert str(denied.legs[-1].trace.code) == "SG_EGRESS_MISMATCH"
    assert "out-closed" in denied.reason or "10.10.1.21" in denied.reason
    allowed = Simulator(built).resolve(query.source, "bind.dc.example.com")
    assert allowed.ok and allowed.legs[-1].ok
    steps = [type(s.detail).__name__ for hop in allowed.legs[-1].trace.forward for s in hop.steps]
    assert "SgStep" in steps[:3], steps


def test_resolver_endpoints_hold_addresses_of_their_subnets() -> None:
    corp = network("hybrid").vpcs["corp"]
    eps = corp.endpoints
    assert [str(a) for a in eps["in-ep"].addresses] == ["10.10.1.254", "10.10.2.254"]
    assert [str(a) for a in eps["out-ep"].addresses] == ["10.10.1.20", "10.10.2.20"]
    assert {e.resolver for e in eps.values()} == {"inbound", "outbound"}


def test_a_served_zone_without_the_address_is_no_destination() -> None:
    compiled = api.compile(
        NETWORKS["hybrid"] + "expect app -> x.eq.example.com tcp 443 deny because NO_INTERFACE\n",
        "<hybrid>",
    )
    assert compiled.network is not None
    assert not NetworkAnalysis(compiled.network, bundled()).outcomes.failed


def test_the_contract_example_holds() -> None:
    """LANGUAGE.md §11's example, made a whole network: every expectation holds."""
    checked = api.check(Path(__file__).parent / "networks" / "dns-spec.nd")
    assert checked.ok, [d.headline() for d in checked.diagnostics]
    assert checked.analysis is not None and checked.analysis.outcomes.ran == 5


@pytest.mark.parametrize(
    ("client", "name", "expected"),
    [
        # the service's regional name: inside the endpoint's VPC (private DNS) only
        ("app", "sqs.us-east-1.amazonaws.com", ("10.10.1.200", "10.10.2.200")),
        ("o", "sqs.us-east-1.amazonaws.com", "NXDOMAIN"),
        # the endpoint's own names, regional and per AZ, from any VPC
        ("o", "sqs-if.sqs.us-east-1.vpce.amazonaws.com", ("10.10.1.200", "10.10.2.200")),
        ("o", "us-east-1b.sqs-if.sqs.us-east-1.vpce.amazonaws.com", ("10.10.2.200",)),
        ("o", "us-east-1c.sqs-if.sqs.us-east-1.vpce.amazonaws.com", "NXDOMAIN"),
    ],
)
def test_interface_endpoints_publish_their_names(client: str, name: str, expected: A | str) -> None:
    test_resolution("amazon", client, name, expected, None)
