"""Hybrid paths (LANGUAGE.md §12): several VPNs to one site, the route a VPN gateway prefers
towards a site, VPN CloudHub between sites, ECMP over a transit gateway's VPNs.

Each row is ``(network, src, dst, proto, port, verdict, code, via)``, with an allowed path
beside each denied one (and each preferred VPN beside the one it is preferred over).
"""

from __future__ import annotations

import ipaddress
from decimal import Decimal
from functools import cache

import pytest
from paths_helpers import check_row, compile_named, trace_query

from netdraft import api
from netdraft.generator.explain import explain_lines
from netdraft.model.network import Network
from netdraft.sim.trace import Trace

NETWORKS: dict[str, str] = {}

_VPC = """
region us-east-1 {
  vpc hub 10.0.0.0/16 {
    vpn-gateway vgw
    subnet a 10.0.1.0/24 az us-east-1a
    route-table rt main { %s }
    security-group sg { ingress all from 192.168.0.0/16 }
    instance app in a sg sg
  }
  transit-gateway tgw {
    attach hub subnets a
    %s
  }
}
"""

# A VPN gateway's choice towards one site: the longest prefix, then static over BGP, then
# file order; a VPN down leaves the next.
NETWORKS["preference"] = (
    _VPC % ("propagate vgw", "")
    + """
site dc 192.168.0.0/16 {
  customer-gateway c1 198.51.100.1
  customer-gateway c2 198.51.100.2
  customer-gateway c3 198.51.100.3
  customer-gateway c4 198.51.100.4
  host wide 192.168.0.10
  host narrow 192.168.9.10
}
vpn bgp-1 vgw <-> c1 bgp
vpn static-1 vgw <-> c2 static 192.168.0.0/16
vpn narrow vgw <-> c3 bgp
vpn spare vgw <-> c4 static 192.168.0.0/16 down
"""
)
# `narrow` is BGP, so it carries the whole site: make it narrower with a second site file.
NETWORKS["longest"] = (
    _VPC % ("propagate vgw", "")
    + """
site dc 192.168.0.0/16 {
  customer-gateway c1 198.51.100.1
  customer-gateway c2 198.51.100.2
  host wide 192.168.0.10
  host narrow 192.168.9.10
}
vpn wide-vpn vgw <-> c1 static 192.168.0.0/16
vpn narrow-vpn vgw <-> c2 static 192.168.9.0/24
"""
)
NETWORKS["bgp-only"] = (
    _VPC % ("propagate vgw", "")
    + """
site dc 192.168.0.0/16 {
  customer-gateway c1 198.51.100.1
  customer-gateway c2 198.51.100.2
  host h 192.168.0.10
}
vpn first vgw <-> c1 bgp
vpn second vgw <-> c2 bgp
"""
)

# VPN CloudHub: two BGP sites on one VGW reach each other; a static site does not.
NETWORKS["cloudhub"] = (
    _VPC % ("propagate vgw", "")
    + """
site east 192.168.0.0/16 { customer-gateway ce 198.51.100.1; host h-east 192.168.0.10 }
site west 172.16.0.0/16 { customer-gateway cw 198.51.100.2; host h-west 172.16.0.10 }
site south 172.20.0.0/16 { customer-gateway cs 198.51.100.3; host h-south 172.20.0.10 }
site north 172.24.0.0/16 { customer-gateway cn 198.51.100.4; host h-north 172.24.0.10 }
vpn v-east vgw <-> ce bgp
vpn v-west vgw <-> cw bgp
vpn v-south vgw <-> cs static 172.20.0.0/16
vpn v-north vgw <-> cn bgp down
"""
)

# ECMP: two BGP VPNs of one site on a transit gateway share its traffic; a static VPN's
# prefix ranks as a static route and wins over both; a VPN down leaves the others.
_ECMP_TGW = """
    attach vpn e1
    attach vpn e2
    attach vpn e3
    route-table rt { associate hub e1 e2 e3; propagate hub e1 e2 e3 }
"""
NETWORKS["ecmp"] = (
    _VPC % ("route 172.16.0.0/12 via tgw", _ECMP_TGW)
    + """
site far 172.30.0.0/16 {
  customer-gateway f1 198.51.100.1
  customer-gateway f2 198.51.100.2
  host h-far 172.30.0.10
}
site near 172.16.0.0/16 { customer-gateway n3 198.51.100.3; host h-near 172.16.0.10 }
vpn e1 tgw <-> f1 bgp
vpn e2 tgw <-> f2 bgp
vpn e3 tgw <-> n3 bgp
"""
)
NETWORKS["ecmp-static"] = (
    _VPC % ("route 172.16.0.0/12 via tgw", _ECMP_TGW)
    + """
site far 172.30.0.0/16 {
  customer-gateway f1 198.51.100.1
  customer-gateway f2 198.51.100.2
  customer-gateway f3 198.51.100.3
  host h-far 172.30.0.10
}
vpn e1 tgw <-> f1 bgp
vpn e2 tgw <-> f2 bgp
vpn e3 tgw <-> f3 static 172.30.0.0/16
"""
)
NETWORKS["ecmp-down"] = (
    _VPC % ("route 172.16.0.0/12 via tgw", _ECMP_TGW)
    + """
site far 172.30.0.0/16 {
  customer-gateway f1 198.51.100.1
  customer-gateway f2 198.51.100.2
  customer-gateway f3 198.51.100.3
  host h-far 172.30.0.10
}
vpn e1 tgw <-> f1 bgp down
vpn e2 tgw <-> f2 bgp
vpn e3 tgw <-> f3 bgp
"""
)

# A site reaches an AWS service over its VPN through an interface endpoint of the VPC.
NETWORKS["site-services"] = """
region us-east-1 {
  vpc hub 10.0.0.0/16 {
    vpn-gateway vgw
    subnet a 10.0.1.0/24 az us-east-1a
    route-table rt main { propagate vgw }
    security-group eps { ingress tcp 443 from 192.168.0.0/16 }
    endpoint s3-if interface s3 in a sg eps
  }
}
site dc 192.168.0.0/16 {
  customer-gateway c1 198.51.100.1
  host h 192.168.0.10
}
vpn v1 vgw <-> c1 static 192.168.0.0/16
"""

Case = tuple[str, str, str, str, int | None, str, str | None, str | None]

NRD = "NO_ROUTE_TO_DESTINATION"

CASES: list[Case] = [
    # Static over BGP on equal prefixes; a down VPN is passed over.
    ("preference", "app", "wide", "tcp", 22, "allow", None, "static-1"),
    ("preference", "wide", "app", "tcp", 22, "allow", None, "static-1"),  # the site's, alike
    ("bgp-only", "app", "h", "tcp", 22, "allow", None, "first"),  # file order: no AS paths
    # The longest prefix first, whatever the order.
    ("longest", "app", "narrow", "tcp", 22, "allow", None, "narrow-vpn"),
    ("longest", "app", "wide", "tcp", 22, "allow", None, "wide-vpn"),
    # CloudHub: BGP sites through the VGW, both ways; a static or a down VPN breaks it.
    ("cloudhub", "h-east", "h-west", "tcp", 22, "allow", None, "vgw"),
    ("cloudhub", "h-west", "h-east", "tcp", 22, "allow", None, "v-east"),
    ("cloudhub", "h-south", "h-east", "tcp", 22, "deny", NRD, None),
    ("cloudhub", "h-east", "h-south", "tcp", 22, "deny", NRD, None),
    ("cloudhub", "h-east", "h-north", "tcp", 22, "deny", NRD, None),
    ("cloudhub", "h-east", "app", "tcp", 22, "allow", None, "v-east"),
    # ECMP: either equal VPN; another site's VPN is no equal; static beats BGP; down leaves.
    ("ecmp", "app", "h-far", "tcp", 22, "allow", None, "e1"),
    ("ecmp", "app", "h-far", "tcp", 22, "allow", None, "e2"),
    ("ecmp", "app", "h-near", "tcp", 22, "allow", None, "e3"),
    ("ecmp-static", "app", "h-far", "tcp", 22, "allow", None, "e3"),
    ("ecmp-down", "app", "h-far", "tcp", 22, "allow", None, "e2"),
    ("ecmp-down", "app", "h-far", "tcp", 22, "allow", None, "e3"),
    # A service from a site: through an interface endpoint of the VPC its VPN leads to.
    ("site-services", "h", "s3", "tcp", 443, "allow", None, "s3-if"),
    ("site-services", "h", "sqs", "tcp", 443, "deny", NRD, None),
    ("site-services", "h", "internet", "tcp", 443, "deny", NRD, None),
]

#: (network, src, dst, a VPN the path may NOT cross): each preference's twin.
NOT_CROSSED = [
    ("preference", "app", "wide", "bgp-1"),
    ("preference", "app", "wide", "spare"),
    ("preference", "wide", "app", "bgp-1"),
    ("bgp-only", "app", "h", "second"),
    ("longest", "app", "narrow", "wide-vpn"),
    ("cloudhub", "h-east", "h-west", "v-south"),
    ("ecmp", "app", "h-near", "e1"),
    ("ecmp", "app", "h-far", "e3"),
    ("ecmp-static", "app", "h-far", "e1"),
    ("ecmp-down", "app", "h-far", "e1"),
]


@cache
def network(name: str) -> Network:
    return compile_named(NETWORKS, name)


def run(net: str, src: str, dst: str, proto: str, port: int | None) -> Trace:
    return trace_query(network(net), src, dst, proto, port)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}:{c[1]}->{c[2]}:{c[7] or c[6]}")
def test_path(case: Case) -> None:
    net, src, dst, proto, port, verdict, code, via = case
    check_row(run(net, src, dst, proto, port), verdict, code, via)


@pytest.mark.parametrize(("net", "src", "dst", "vpn"), NOT_CROSSED)
def test_the_vpn_passed_over_is_not_crossed(net: str, src: str, dst: str, vpn: str) -> None:
    t = run(net, src, dst, "tcp", 22)
    assert t.allowed and not t.crosses(vpn)


def test_ecmp_names_every_equal_vpn() -> None:
    text = "\n".join(explain_lines(run("ecmp", "app", "h-far", "tcp", 22), "ecmp.nd"))
    assert "172.30.0.0/16 via e1 (propagated; ECMP: any of e1, e2)" in text
    assert "ECMP" not in "\n".join(explain_lines(run("ecmp-static", "app", "h-far", "tcp", 22)))


def test_cloudhub_says_why_a_static_site_is_left_out() -> None:
    t = run("cloudhub", "h-south", "h-east", "tcp", 22)
    assert "VPN CloudHub joins sites over BGP VPNs only" in t.reason
    hop_text = "\n".join(explain_lines(run("cloudhub", "h-east", "h-west", "tcp", 22)))
    assert "vpn 'v-east' → vpn 'v-west' (VPN CloudHub)" in hop_text


def test_cloudhub_traffic_pays_data_out_over_the_vpn_it_leaves_by() -> None:
    text = NETWORKS["cloudhub"] + "flow f: h-east -> h-west tcp 22 volume 100GB return 10GB\n"
    analysis = api.Analysis(api.compile(text, "hub.nd")).require_analysis()
    charges = [(c.what, c.amount) for c in analysis.report.flows["f"].charges]
    assert charges == [
        ("request: data out over VPN v-west", Decimal("9.00")),
        ("reply: data out over VPN v-east", Decimal("0.90")),
    ]


@pytest.mark.parametrize(
    ("dst", "said"),
    [
        ("sqs", "leads to sqs: a site reaches sqs over its VPNs through an interface endpoint"),
        ("internet", "leads to the internet"),
        ("203.0.113.9", "leads to 203.0.113.9"),
    ],
)
def test_a_site_says_what_it_sends_to_not_a_stand_in_address(dst: str, said: str) -> None:
    """``internet`` and a service with no published range are tried at a representative
    address; the sentences name what the query names instead (the address only when it was
    written)."""
    t = run("site-services", "h", dst, "tcp", 443)
    text = "\n".join(explain_lines(t, "site.nd")[2:])  # the steps and the verdict
    assert said in t.reason
    assert "1.0.0.1" not in text and "1.0.0.1" not in t.reason
    assert run("site-services", "h", "s3", "tcp", 443).allowed  # its allowed twin


def test_a_site_tries_s3_at_the_published_ranges_of_the_region_its_vpns_lead_to() -> None:
    t = run("preference", "wide", "s3", "tcp", 443)  # us-east-1, no endpoint for s3
    address = ipaddress.ip_address(t.destination_address)
    assert any(address in n for n in network("preference").managed_cidrs("s3", "us-east-1"))
    assert f"leads to s3 at {address}: a site reaches s3 over its VPNs" in t.reason
