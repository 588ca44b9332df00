"""Direct Connect (LANGUAGE.md §12): private VIFs to a VPN gateway or a DX gateway of VPN
gateways, transit VIFs to a DX gateway of transit gateways, route preference against VPNs,
allowed prefixes, a connection down, a DX gateway between two of its associations.

Each row is ``(network, src, dst, proto, port, verdict, code, leg, via, not_via)``, with
an allowed path beside each denied one, so that a row fails for the reason it names;
``via`` is crossed by either leg, ``not_via`` by no hop of the request.
"""

from __future__ import annotations

import pytest
from pathtable import tracer

from netdraft import api
from netdraft.generator.explain import explain_lines
from netdraft.sim.trace import Leg

#: One VPC with a VPN gateway in us-east-1 (and one in us-west-2), a site with a host.
#: ``%(dx)s`` are the Direct Connect lines, ``%(vpn)s`` a VPN to the site, ``%(routes)s``
#: more routes of corp's table.
_BASE = """
region us-east-1 {
  vpc corp 10.0.0.0/16 {
    vpn-gateway corp-vgw
    subnet a 10.0.1.0/24 az us-east-1a
    subnet b 10.0.2.0/24 az us-east-1a
    route-table rt main {
      propagate corp-vgw
      %(routes)s
    }
    security-group sg { ingress all from 0.0.0.0/0 }
    instance app in a sg sg ip 10.0.1.10
    instance app2 in b sg sg ip 10.0.2.10
  }
}
region us-west-2 {
  vpc west 10.1.0.0/16 {
    vpn-gateway west-vgw
    subnet w 10.1.1.0/24 az us-west-2a
    route-table rt main { propagate west-vgw }
    security-group sg { ingress all from 0.0.0.0/0 }
    instance far in w sg sg ip 10.1.1.10
  }
}
site dc 192.168.0.0/16 {
  customer-gateway cgw 203.0.113.10
  host bind 192.168.0.10
}
%(vpn)s
%(dx)s
"""


def _net(dx: str, vpn: str = "", routes: str = "") -> str:
    return _BASE % {"dx": dx, "vpn": vpn, "routes": routes}


_DX1 = 'dx-connection dx1 at "EqDC2" 1Gbps site dc\n'
_DX1_DOWN = 'dx-connection dx1 at "EqDC2" 1Gbps site dc down\n'

#: A transit gateway in us-east-1 with corp attached; a transit VIF over dx2 to its DX
#: gateway. ``%(allowed)s``: the association's allowed prefixes; ``%(down)s``: dx2 down.
_TRANSIT = """
region us-east-1 {
  vpc corp 10.0.0.0/16 {
    subnet a 10.0.1.0/24 az us-east-1a
    route-table rt main { route 192.168.0.0/16 via tgw; route 10.1.0.0/16 via tgw }
    security-group sg { ingress all from 0.0.0.0/0 }
    instance app in a sg sg ip 10.0.1.10
  }
  transit-gateway tgw {
    attach corp
    route-table main {
      associate corp dxgw
      propagate corp dxgw
      %(tgw_routes)s
    }
  }
}
site dc 192.168.0.0/16 {
  customer-gateway cgw 203.0.113.10
  host bind 192.168.0.10
}
dx-connection dx2 at "CoreSite" 10Gbps site dc %(down)s
dx-gateway dxgw { associate tgw allowed %(allowed)s }
vif v2 transit dx2 -> dxgw
%(vpn)s
"""


def _transit(
    allowed: str = "10.0.0.0/8", down: str = "", vpn: str = "", tgw_routes: str = ""
) -> str:
    return _TRANSIT % {"allowed": allowed, "down": down, "vpn": vpn, "tgw_routes": tgw_routes}


NETWORKS: dict[str, str] = {
    # A private VIF straight to corp's VPN gateway.
    "vgw": _net(_DX1 + "vif v1 private dx1 -> corp-vgw"),
    # Its connection down, and no VPN: nothing carries the site's traffic.
    "vgw-down": _net(_DX1_DOWN + "vif v1 private dx1 -> corp-vgw"),
    # A BGP VPN beside the VIF: DX first (both carry 192.168.0.0/16).
    "vgw-vpn": _net(_DX1 + "vif v1 private dx1 -> corp-vgw", "vpn backup corp-vgw <-> cgw bgp"),
    # The connection down: the VPN carries the traffic.
    "vgw-vpn-down": _net(
        _DX1_DOWN + "vif v1 private dx1 -> corp-vgw", "vpn backup corp-vgw <-> cgw bgp"
    ),
    # A static VPN with a longer prefix than the site's DX route: the longest prefix wins.
    "vgw-vpn-longer": _net(
        _DX1 + "vif v1 private dx1 -> corp-vgw",
        "vpn backup corp-vgw <-> cgw static 192.168.0.0/24",
    ),
    # The same static VPN with the site's whole CIDR: equal prefixes, DX first.
    "vgw-vpn-equal": _net(
        _DX1 + "vif v1 private dx1 -> corp-vgw",
        "vpn backup corp-vgw <-> cgw static 192.168.0.0/16",
    ),
    # A DX gateway of two VPN gateways in two regions; corp routes west's CIDR to its VGW.
    "dxgw": _net(
        _DX1 + "dx-gateway dxgw-v { associate corp-vgw west-vgw }\nvif v1 private dx1 -> dxgw-v",
        routes="route 10.1.0.0/16 via corp-vgw",
    ),
    # corp's allowed prefix is narrower than its VPC's CIDR: AWS advertises nothing of corp
    # (the allowed prefixes filter the VPC's CIDRs, "Allowed prefixes interactions").
    "dxgw-allowed": _net(
        _DX1
        + "dx-gateway dxgw-v { associate corp-vgw allowed 10.0.1.0/24; associate west-vgw }\n"
        + "vif v1 private dx1 -> dxgw-v"
    ),
    # An allowed prefix wider than corp's CIDR: AWS advertises the VPC's CIDR, 10.0.0.0/16,
    # not 10.0.0.0/8, so the site's DX route is as long as its VPN's and comes first.
    "dxgw-allowed-wider": _net(
        _DX1
        + "dx-gateway dxgw-v { associate corp-vgw allowed 10.0.0.0/8; associate west-vgw }\n"
        + "vif v1 private dx1 -> dxgw-v",
        "vpn backup corp-vgw <-> cgw bgp",
    ),
    # The narrow one, with a VPN: what DX does not advertise goes over the VPN.
    "dxgw-allowed-vpn": _net(
        _DX1
        + "dx-gateway dxgw-v { associate corp-vgw allowed 10.0.1.0/24; associate west-vgw }\n"
        + "vif v1 private dx1 -> dxgw-v",
        "vpn backup corp-vgw <-> cgw bgp",
    ),
    # A transit VIF to a DX gateway of a transit gateway.
    "transit": _transit(),
    "transit-down": _transit(down="down"),
    # The association advertises another prefix: the site learns no route to corp.
    "transit-allowed": _transit(allowed="10.9.0.0/16"),
    # A route to 10.1.0.0/16 via the DX gateway: nothing of the site is there.
    "transit-no-vif": _transit(tgw_routes="route 10.1.0.0/16 via dxgw"),
    # The connection down, a BGP VPN on the transit gateway: the VPN carries the traffic.
    "transit-down-vpn": _transit(down="down", vpn="vpn backup tgw <-> cgw bgp")
    .replace("attach corp", "attach corp\n    attach vpn backup")
    .replace("associate corp dxgw", "associate corp dxgw backup")
    .replace("propagate corp dxgw", "propagate corp dxgw backup"),
    # A second site, branch, on the same DX gateway as dc: a DX gateway never carries traffic
    # from one VIF to another, so dc and branch do not reach each other over it; a BGP VPN
    # of each on corp's VPN gateway joins them (VPN CloudHub).
    "two-sites": _net(
        _DX1
        + 'dx-connection dx9 at "EqDC2" 1Gbps site branch\n'
        + "dx-gateway dxgw-v { associate corp-vgw }\n"
        + "vif v1 private dx1 -> dxgw-v\nvif v9 private dx9 -> dxgw-v\n"
        + "site branch 172.16.0.0/16 {\n  customer-gateway bcgw 198.51.100.10\n"
        + "  host pc 172.16.0.10\n}\n"
    ),
}
NETWORKS["two-sites-vpn"] = NETWORKS["two-sites"] + (
    "vpn v-dc corp-vgw <-> cgw bgp\nvpn v-branch corp-vgw <-> bcgw bgp\n"
)

network, run = tracer(NETWORKS)

Case = tuple[str, str, str, str, int | None, str, str | None, Leg | None, str | None, str | None]

F, R = Leg.FORWARD, Leg.RETURN
NR, NRR, GNR = "NO_ROUTE_TO_DESTINATION", "NO_RETURN_ROUTE", "GATEWAY_NO_ROUTE"
NA = "DX_PREFIX_NOT_ALLOWED"

CASES: list[Case] = [
    # A private VIF to one VPN gateway: both ways; down, the site has no way.
    ("vgw", "app", "bind", "tcp", 53, "allow", None, None, "v1", None),
    ("vgw", "bind", "app", "tcp", 22, "allow", None, None, "dx1", None),
    ("vgw-down", "app", "bind", "tcp", 53, "deny", NR, F, None, None),
    ("vgw-down", "bind", "app", "tcp", 22, "deny", NR, F, None, None),
    # Only the VPC's CIDR is advertised over a VIF to a VPN gateway.
    ("vgw", "bind", "far", "tcp", 22, "deny", NR, F, None, None),
    # DX over VPN BGP; the connection down, the VPN.
    ("vgw-vpn", "app", "bind", "tcp", 53, "allow", None, None, "dx1", "backup"),
    ("vgw-vpn", "bind", "app", "tcp", 22, "allow", None, None, "dx1", "backup"),
    ("vgw-vpn-down", "app", "bind", "tcp", 53, "allow", None, None, "backup", "dx1"),
    ("vgw-vpn-down", "bind", "app", "tcp", 22, "allow", None, None, "backup", "dx1"),
    # The longest prefix first: a static /24 beats DX's /16; on equal prefixes, DX.
    ("vgw-vpn-longer", "app", "bind", "tcp", 53, "allow", None, None, "backup", "v1"),
    ("vgw-vpn-equal", "app", "bind", "tcp", 53, "allow", None, None, "v1", "backup"),
    # A DX gateway reaches the VPN gateways of two regions, and never between them.
    ("dxgw", "bind", "app", "tcp", 22, "allow", None, None, "dxgw-v", None),
    ("dxgw", "bind", "far", "tcp", 22, "allow", None, None, "dxgw-v", None),
    ("dxgw", "far", "bind", "tcp", 53, "allow", None, None, "v1", None),
    ("dxgw", "app", "far", "tcp", 22, "deny", GNR, F, None, None),
    # Allowed prefixes: what the site learns; beyond them, no way (or the VPN).
    # An allowed prefix narrower than the VPC's CIDR advertises nothing of it (not even the
    # /24 it names); west, with none written, is advertised.
    ("dxgw-allowed", "bind", "app", "tcp", 22, "deny", NA, F, None, None),
    ("dxgw-allowed", "bind", "app2", "tcp", 22, "deny", NA, F, None, None),
    ("dxgw-allowed", "app2", "bind", "tcp", 53, "deny", NA, R, None, None),
    ("dxgw-allowed", "app", "bind", "tcp", 53, "deny", NA, R, None, None),
    ("dxgw-allowed", "bind", "far", "tcp", 22, "allow", None, None, "v1", None),
    ("dxgw-allowed-vpn", "bind", "app2", "tcp", 22, "allow", None, None, "backup", "v1"),
    ("dxgw-allowed-vpn", "bind", "app", "tcp", 22, "allow", None, None, "backup", "v1"),
    # A wider allowed prefix advertises the VPC's own /16: as long as the VPN's, DX first.
    ("dxgw-allowed-wider", "bind", "app", "tcp", 22, "allow", None, None, "v1", "backup"),
    ("dxgw-allowed-wider", "bind", "far", "tcp", 22, "allow", None, None, "v1", "backup"),
    # Two sites on one DX gateway: each reaches the VPC, never the other over it.
    ("two-sites", "pc", "app", "tcp", 22, "allow", None, None, "v9", None),
    ("two-sites", "pc", "bind", "tcp", 22, "deny", NR, F, None, None),
    ("two-sites", "bind", "pc", "tcp", 22, "deny", NR, F, None, None),
    ("two-sites-vpn", "pc", "bind", "tcp", 22, "allow", None, None, "v-branch", "v9"),
    # A transit VIF: the DX gateway's attachment on the transit gateway, both ways.
    ("transit", "bind", "app", "tcp", 22, "allow", None, None, "dxgw", None),
    ("transit", "app", "bind", "tcp", 53, "allow", None, None, "v2", None),
    ("transit-down", "app", "bind", "tcp", 53, "deny", "TGW_NO_ROUTE", F, None, None),
    ("transit-down", "bind", "app", "tcp", 22, "deny", NR, F, None, None),
    ("transit-down-vpn", "app", "bind", "tcp", 53, "allow", None, None, "backup", "dx2"),
    ("transit-allowed", "bind", "app", "tcp", 22, "deny", NA, F, None, None),
    ("transit-allowed", "app", "bind", "tcp", 53, "deny", NA, R, None, None),
    # A transit gateway route to the DX gateway for what no VIF carries.
    ("transit-no-vif", "app", "10.1.0.5", "tcp", 22, "deny", GNR, F, None, None),
    ("transit-no-vif", "app", "bind", "tcp", 22, "allow", None, None, "dxgw", None),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}:{c[1]}->{c[2]}:{c[6] or c[8]}")
def test_path(case: Case) -> None:
    net, src, dst, proto, port, verdict, code, leg, via, not_via = case
    t = run(net, src, dst, proto, port)
    assert (t.verdict.value, t.code.value if t.code else None) == (verdict, code), t.reason
    if leg is not None:
        assert t.leg is leg, t.reason
    if via is not None:
        assert t.crosses(via), [h.name for h in (*t.forward, *t.reverse)]
    if not_via is not None:  # the request's way (the reply chooses its own)
        assert all(h.name != not_via for h in t.forward), [h.name for h in t.forward]


def test_a_connection_down_says_so() -> None:
    t = run("vgw-down", "bind", "app", "tcp", 22)
    assert "dx connection 'dx1'" in t.reason and "is down" in t.reason


def test_allowed_prefixes_are_named_in_the_explanation() -> None:
    t = run("dxgw-allowed", "bind", "app2", "tcp", 22)
    assert (
        "only the CIDRs of vpc 'corp' that the allowed prefixes of 'corp-vgw' (10.0.1.0/24)"
        in t.reason
    )
    text = "\n".join(explain_lines(t, "dxgw-allowed.nd"))
    assert "10.0.1.0/24" in text


def test_between_two_associations_is_explained() -> None:
    t = run("dxgw", "app", "far", "tcp", 22)
    assert "never carries traffic between two of its associations" in t.reason


def test_two_vifs_of_one_dx_gateway_are_explained() -> None:
    t = run("two-sites", "pc", "bind", "tcp", 22)
    assert "behind virtual interface 'v1' of DX gateway 'dxgw-v'" in t.reason
    assert "never carries traffic between two of its virtual interfaces" in t.reason


@pytest.mark.parametrize(
    ("net", "src", "dst", "said"),
    [
        ("vgw-vpn", "bind", "app", "sent — to 10.0.1.10 over dx connection 'dx1' (vif 'v1')"),
        ("vgw-vpn-down", "bind", "app", "sent — to 10.0.1.10 over vpn 'backup'"),
        ("transit", "bind", "app", "sent — to 10.0.1.10 over dx connection 'dx2' (vif 'v2')"),
    ],
)
def test_a_site_says_what_it_sends_over(net: str, src: str, dst: str, said: str) -> None:
    """The site's first step names the connection and VIF, or the VPN, that the packet takes
    (not "its VPN connections" when it goes over Direct Connect)."""
    t = run(net, src, dst, "tcp", 22)
    text = "\n".join(explain_lines(t, f"{net}.nd"))
    assert said in text
    assert "VPN connections" not in text


def test_a_site_with_direct_connect_and_no_route_says_both() -> None:
    t = run("vgw", "bind", "far", "tcp", 22)  # west is not behind v1's VPN gateway
    assert "has no VPN connection or Direct Connect route that leads to 10.1.1.10" in t.reason
    assert run("vgw", "bind", "app", "tcp", 22).allowed  # its allowed twin


#: A scenario per way Direct Connect goes down: each expectation holds in its scenario and
#: its twin, the same line, fails in the whole network.
SCENARIOS = [
    ("vgw-vpn", "down dx1", "app -> bind tcp 53 allow via backup"),
    ("vgw-vpn", "down dx1 backup", "app -> bind tcp 53 deny because NO_ROUTE_TO_DESTINATION"),
    ("vgw-vpn", "down dx1", "bind -> app tcp 22 allow via backup"),
    ("transit-down-vpn", "down backup", "app -> bind tcp 53 deny because TGW_NO_ROUTE"),
    ("transit", "down dx2", "app -> bind tcp 53 deny because TGW_NO_ROUTE"),
    ("dxgw", "down dx1", "bind -> far tcp 22 deny because NO_ROUTE_TO_DESTINATION"),
]


@pytest.mark.parametrize(("name", "down", "expect"), SCENARIOS)
def test_a_scenario_takes_direct_connect_down(name: str, down: str, expect: str) -> None:
    text = NETWORKS[name] + f'scenario "s" {{ {down}; expect {expect} }}\nexpect {expect}\n'
    analysis = api.Analysis(api.compile(text, f"{name}.nd")).require_analysis()
    ((_, within),) = analysis.scenarios
    assert [o.holds for o in within.outcomes.paths] == [True]
    assert [o.holds for o in analysis.outcomes.paths] == [False]
