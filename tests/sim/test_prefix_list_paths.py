"""Prefix lists in the simulator: security group rules and routes that name a list, the
AWS-managed ``s3`` list of the VPC's region, and addresses of AWS's S3 ranges.

Each denied row has an allowed row beside it that differs in one thing, so that a row
fails for the reason it names.
"""

from __future__ import annotations

from functools import cache
from ipaddress import ip_address, ip_network

import pytest

from netdraft import api
from netdraft.dsl.query import parse_query
from netdraft.model import network as m
from netdraft.model.values import NO_SPAN
from netdraft.sim.cost import estimate
from netdraft.sim.path import trace
from netdraft.sim.path.transit import tgw_lookup
from netdraft.sim.path.vpc import lookup
from netdraft.sim.path.walk import Packet
from netdraft.sim.prices import bundled
from netdraft.sim.trace import Trace

NETWORK = """
prefix-list corp { 198.51.100.0/24; 203.0.113.0/25 }
region us-east-1 {
  prefix-list partners { 192.0.2.0/24 }
  vpc v 10.1.0.0/16 {
    internet-gateway igw
    subnet pub  10.1.0.0/24 az us-east-1a
    subnet priv 10.1.1.0/24 az us-east-1a
    subnet ep   10.1.2.0/24 az us-east-1a
    subnet prio 10.1.3.0/24 az us-east-1a
    nat-gateway nat in pub
    route-table public  { route 0.0.0.0/0 via igw; associate pub }
    route-table private { route 0.0.0.0/0 via nat; route partners blackhole; associate priv }
    route-table with-ep { route 0.0.0.0/0 via nat; associate ep }
    route-table ranked {
      route 0.0.0.0/0 via nat
      route corp via nat
      route 198.51.100.0/24 blackhole
      route 203.0.113.0/24 blackhole
      associate prio
    }
    endpoint s3e gateway s3 route-tables with-ep
    endpoint ddb gateway dynamodb route-tables with-ep
    security-group to-s3     { egress tcp 443 to s3 }
    security-group to-ddb    { egress tcp 443 to dynamodb }
    security-group to-corp   { egress tcp 443 to corp }
    security-group from-corp { ingress tcp 443 from corp }
    security-group any-out   { ingress tcp 22 from 10.0.0.0/8 }
    instance a   in priv sg to-s3
    instance b   in ep   sg to-s3
    instance c   in priv sg to-corp
    instance d   in priv sg any-out
    instance e   in ep   sg any-out
    instance p   in prio sg any-out
    instance web in pub public-ip sg from-corp
    instance k   in ep   sg to-ddb
    instance k2  in priv sg to-ddb
  }
}
region eu-west-3 {                  # the region states its S3 list: it replaces the snapshot's
  prefix-list s3 { 198.18.0.0/24 }
  vpc w 10.3.0.0/16 {
    internet-gateway wgw
    subnet wpub 10.3.0.0/24 az eu-west-3a
    subnet wep  10.3.1.0/24 az eu-west-3a
    nat-gateway wnat in wpub
    route-table wpublic { route 0.0.0.0/0 via wgw; associate wpub }
    route-table wwith   { route 0.0.0.0/0 via wnat; associate wep }
    endpoint s3w gateway s3 route-tables wwith
    security-group wout { egress tcp 443 to s3 }
    instance h in wep sg wout
  }
}
region us-iso-east-1 {                 # unknown to the bundled ranges: its `s3` holds no address
  vpc n 10.2.0.0/16 {
    internet-gateway ngw
    subnet npub 10.2.0.0/24 az us-iso-east-1a
    subnet nep  10.2.1.0/24 az us-iso-east-1a
    subnet nonly 10.2.2.0/24 az us-iso-east-1a
    nat-gateway nnat in npub
    route-table npublic { route 0.0.0.0/0 via ngw; associate npub }
    route-table nwith   { route 0.0.0.0/0 via nnat; associate nep }
    route-table nalone  { associate nonly }
    endpoint s3n gateway s3 route-tables nwith nalone
    security-group nout { egress tcp 443 to 0.0.0.0/0 }
    instance f in nep sg nout
    instance g in nonly sg nout
  }
}
"""

Case = tuple[str, str, int, str, str | None, str | None]

CASES: list[Case] = [
    # `to s3` and the gateway endpoint: the service name and an address of its ranges.
    ("b", "s3", 443, "allow", None, "s3e"),
    ("b", "52.216.237.77", 443, "allow", None, "s3e"),
    ("b", "54.231.0.5", 443, "allow", None, "s3e"),
    ("b", "198.51.100.7", 443, "deny", "SG_EGRESS_MISMATCH", None),  # not S3: `to s3` refuses
    # DynamoDB's ranges (52.94.0.0/22 in us-east-1), through its gateway endpoint.
    ("k", "dynamodb", 443, "allow", None, "ddb"),
    ("k", "52.94.0.10", 443, "allow", None, "ddb"),
    ("k", "52.216.237.77", 443, "deny", "SG_EGRESS_MISMATCH", None),  # S3: not `to dynamodb`
    ("k2", "52.94.0.10", 443, "allow", None, "nat"),  # no endpoint: the internet path
    ("k2", "198.51.100.7", 443, "deny", "SG_EGRESS_MISMATCH", None),  # not DynamoDB
    # Without an endpoint S3 is reached over the internet path (the NAT gateway).
    ("a", "s3", 443, "allow", None, "nat"),
    ("a", "52.216.237.77", 443, "allow", None, "nat"),
    # S3 of another region is in neither the region's list nor its endpoint's route.
    ("b", "52.218.0.5", 443, "deny", "SG_EGRESS_MISMATCH", None),
    ("e", "52.218.0.5", 443, "allow", None, "nat"),
    ("e", "52.216.0.5", 443, "allow", None, "s3e"),
    # A region the bundled ranges do not know: its endpoint serves S3 named, never an
    # address of another region's S3 (AWS: a gateway endpoint serves its own region).
    ("f", "s3", 443, "allow", None, "s3n"),
    ("f", "52.216.237.77", 443, "allow", None, "nnat"),
    ("g", "s3", 443, "allow", None, "s3n"),
    ("g", "52.216.237.77", 443, "deny", "NO_ROUTE_TO_DESTINATION", None),
    # A region's written `s3` list: its entries are S3 there, through the endpoint and in
    # `to s3`; the snapshot's entries for the region are not.
    ("h", "s3", 443, "allow", None, "s3w"),
    ("h", "198.18.0.9", 443, "allow", None, "s3w"),
    ("h", "198.18.1.9", 443, "deny", "SG_EGRESS_MISMATCH", None),
    ("h", "52.95.154.1", 443, "deny", "SG_EGRESS_MISMATCH", None),
    # A customer list in egress and ingress rules.
    ("c", "198.51.100.7", 443, "allow", None, "nat"),
    ("c", "203.0.113.200", 443, "deny", "SG_EGRESS_MISMATCH", None),  # outside the /25
    ("198.51.100.7", "web", 443, "allow", None, "igw"),
    ("192.0.2.9", "web", 443, "deny", "SG_INGRESS_MISMATCH", None),
    # A route to a region's list.
    ("d", "192.0.2.5", 443, "deny", "BLACKHOLE_ROUTE", None),
    ("d", "198.51.100.5", 443, "allow", None, "nat"),
    # Route priority: a static CIDR route beats a list route of equal prefix; a longer
    # list entry beats a shorter static route.
    ("p", "198.51.100.5", 443, "deny", "BLACKHOLE_ROUTE", None),
    ("p", "203.0.113.5", 443, "allow", None, "nat"),
    ("p", "203.0.113.200", 443, "deny", "BLACKHOLE_ROUTE", None),
]


@cache
def network() -> m.Network:
    compiled = api.compile(NETWORK, "<prefix-lists>")
    errors = [d for d in compiled.diagnostics if d.is_error]
    assert compiled.network is not None and not errors, errors
    return compiled.network


def run(src: str, dst: str, port: int) -> Trace:
    query = parse_query(network(), src, dst, "tcp", str(port))
    assert not isinstance(query, list), [d.message for d in query]
    return trace(network(), query)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}->{c[1]}:{c[4] or c[3]}")
def test_path(case: Case) -> None:
    src, dst, port, verdict, code, via = case
    t = run(src, dst, port)
    assert (t.verdict.value, t.code.value if t.code else None) == (verdict, code), t.reason
    if via is not None:
        assert t.crosses(via), [h.name for h in (*t.forward, *t.reverse)]


def test_the_s3_endpoint_is_not_crossed_without_its_route() -> None:
    assert not run("a", "s3", 443).crosses("s3e")
    assert run("b", "s3", 443).crosses("s3e")


def _route(dest: m.RouteDestination, name: str, origin: m.RouteOrigin) -> m.Route:
    return m.Route(dest, m.RouteTarget(m.TargetKind.NAT_GATEWAY, name), origin, NO_SPAN)


@pytest.mark.parametrize(
    ("address", "winner"),
    [
        ("10.9.1.1", "list"),  # the list's /24 entry ties the propagated /24: the list wins
        ("10.9.2.1", "static"),  # the list's /24 entry ties the static /24: static wins
        ("10.9.3.1", "list"),  # the list's /25 entry is longer than the static /24
        ("10.9.3.200", "static"),  # outside the /25: only the static /24 holds it
        ("10.9.4.1", "default"),  # in no entry
    ],
)
def test_route_priority_of_a_prefix_list(address: str, winner: str) -> None:
    listed = m.PrefixList(
        name="pl",
        cidrs=(ip_network("10.9.1.0/24"), ip_network("10.9.2.0/24"), ip_network("10.9.3.0/25")),
    )
    table = m.RouteTable(
        "rt",
        (
            _route(ip_network("0.0.0.0/0"), "default", m.RouteOrigin.STATIC),
            _route(ip_network("10.9.1.0/24"), "propagated", m.RouteOrigin.PROPAGATED),
            _route(ip_network("10.9.2.0/24"), "static", m.RouteOrigin.STATIC),
            _route(ip_network("10.9.3.0/24"), "static", m.RouteOrigin.STATIC),
            _route(listed, "list", m.RouteOrigin.STATIC),
        ),
        (),
        (),
        False,
        False,
        NO_SPAN,
    )
    found = lookup(table, Packet(ip_address("10.1.0.5"), ip_address(address)))
    assert found is not None and found.target.name == winner


@pytest.mark.parametrize(
    ("address", "winner"),
    [
        ("10.9.1.1", "list"),  # the list's entry ties a propagated route: the list wins
        ("10.9.2.1", "static"),  # the list's entry ties a static route: static wins
        ("10.9.3.1", "list"),  # only the list's entry holds it
    ],
)
def test_transit_gateway_priority_of_a_prefix_list_reference(address: str, winner: str) -> None:
    def route(cidr: str, to: str, origin: m.RouteOrigin, listed: str = "") -> m.TgwRoute:
        return m.TgwRoute(ip_network(cidr), to, origin, NO_SPAN, listed)

    table = m.TgwRouteTable(
        "rt",
        (),
        (),
        (
            route("10.9.1.0/24", "propagated", m.RouteOrigin.PROPAGATED),
            route("10.9.1.0/24", "list", m.RouteOrigin.STATIC, "pl"),
            route("10.9.2.0/24", "list", m.RouteOrigin.STATIC, "pl"),
            route("10.9.2.0/24", "static", m.RouteOrigin.STATIC),
            route("10.9.3.0/24", "list", m.RouteOrigin.STATIC, "pl"),
        ),
        NO_SPAN,
    )
    found = tgw_lookup(table, ip_address(address))
    assert found is not None and found.attachment == winner


COSTS = """
region us-east-1 {
  vpc v 10.1.0.0/16 {
    internet-gateway igw
    subnet pub  10.1.0.0/24 az us-east-1a
    subnet priv 10.1.1.0/24 az us-east-1a
    subnet ep   10.1.2.0/24 az us-east-1a
    nat-gateway nat in pub
    route-table public  { route 0.0.0.0/0 via igw; associate pub }
    route-table private { route 0.0.0.0/0 via nat; associate priv }
    route-table with-ep { route 0.0.0.0/0 via nat; associate ep }
    endpoint s3e gateway s3 route-tables with-ep
    instance a in priv
    instance b in ep
  }
}
flow name-nat:    a -> s3 tcp 443 volume 100GB
flow address-nat: a -> 52.216.237.77 tcp 443 volume 100GB
flow name-ep:     b -> s3 tcp 443 volume 100GB
flow address-ep:  b -> 52.216.237.77 tcp 443 volume 100GB
"""


def test_an_s3_address_is_priced_as_s3() -> None:
    compiled = api.compile(COSTS, "<costs>")
    assert compiled.network is not None and not [d for d in compiled.diagnostics if d.is_error]
    flows = estimate(compiled.network, bundled()).flows
    assert flows["address-nat"].total == flows["name-nat"].total > 0  # NAT processing
    assert flows["address-ep"].total == flows["name-ep"].total == 0  # the gateway endpoint


INTERFACE_ONLY = """
region us-east-1 {
  vpc v 10.20.0.0/16 {
    internet-gateway igw
    vpn-gateway vgw
    subnet pub 10.20.0.0/24 az us-east-1a
    subnet private-a 10.20.1.0/24 az us-east-1a
    subnet private-b 10.20.2.0/24 az us-east-1b
    nat-gateway nat in pub
    route-table public { route 0.0.0.0/0 via igw; associate pub }
    route-table rt-a { route 0.0.0.0/0 via nat; propagate vgw; associate private-a }
    route-table rt-b { propagate vgw; associate private-b }
    security-group open { ingress tcp 443 from 10.0.0.0/8; ingress tcp 443 from 192.168.0.0/16 }
    instance wa in private-a sg open
    instance wb in private-b sg open
    endpoint s3-if interface s3 in private-a private-b sg open
  }
}
site dc 192.168.0.0/16 {
  customer-gateway cgw 198.51.100.1
  host h 192.168.0.10
}
vpn dc-vpn vgw <-> cgw static 192.168.0.0/16
"""


@pytest.mark.parametrize(
    ("src", "dst", "verdict", "code", "via"),
    [
        # Named, the service is the VPC's interface endpoint (private DNS) ...
        ("wb", "s3", "allow", None, "s3-if"),
        ("h", "s3", "allow", None, "s3-if"),
        # ... but an address of S3's ranges is that address: no route leads there from
        # private-b, and one through the NAT gateway from private-a.
        ("wb", "52.216.237.77", "deny", "NO_ROUTE_TO_DESTINATION", None),
        ("wa", "52.216.237.77", "allow", None, "nat"),
        # From the site, the address is sent into the VPN; the VPC does not route it on.
        ("h", "52.216.237.77", "deny", None, None),
    ],
)
def test_an_s3_address_is_not_an_interface_endpoint(
    src: str, dst: str, verdict: str, code: str | None, via: str | None
) -> None:
    compiled = api.compile(INTERFACE_ONLY, "<interface-only>")
    assert compiled.network is not None, [d.message for d in compiled.diagnostics]
    query = parse_query(compiled.network, src, dst, "tcp", "443")
    assert not isinstance(query, list), [d.message for d in query]
    t = trace(compiled.network, query)
    assert t.verdict.value == verdict, t.reason
    if code is not None:
        assert t.code is not None and t.code.value == code, t.reason
    if via is not None:
        assert t.crosses(via)
    assert not (verdict == "deny" and t.crosses("s3-if"))
