"""Transit gateway peering (LANGUAGE.md §12): static routes on each side, the reply's route
back, blackholes, a peering down, two peerings in a row, a VPN beyond the peer.

Each row is ``(network, src, dst, proto, port, verdict, code, leg, via)``, with an allowed
path beside each denied one, so that a row fails for the reason it names.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import pytest
from paths_helpers import EAST_VPC, check_row, compile_named, trace_query

from netdraft import api
from netdraft.generator.explain import explain_lines
from netdraft.model.network import Network
from netdraft.sim.trace import Leg, Trace

#: Two regions, a VPC and a transit gateway each; ``%(east)s`` and ``%(west)s`` are the
#: items of each side's route table, ``%(extra)s`` what follows the peering.
_TWO = (
    """
region us-east-1 {
"""
    + EAST_VPC
    + """  transit-gateway tgw-east {
    attach east
    route-table main {
      associate east ew
      propagate east
      %(east)s
    }
  }
}
region %(west_region)s {
  vpc west 10.1.0.0/16 {
    subnet b 10.1.1.0/24 az %(west_region)sa
    subnet c 10.1.2.0/24 az %(west_region)sa
    route-table rt main { route 10.0.0.0/8 via tgw-west }
    security-group sg { ingress all from 10.0.0.0/8 }
    instance db in b sg sg
    instance cache in c sg sg
  }
  transit-gateway tgw-west {
    attach west
    route-table main {
      associate west %(assoc)s
      propagate west
      %(west)s
    }
  }
}
tgw-peering ew tgw-east <-> tgw-west %(down)s
%(extra)s
"""
)


def _two(
    east: str = "route 10.1.0.0/16 via ew",
    west: str = "route 10.0.0.0/16 via ew",
    *,
    assoc: str = "ew",
    down: str = "",
    west_region: str = "us-west-2",
    extra: str = "",
) -> str:
    fields = {"east": east, "west": west, "assoc": assoc, "down": down, "extra": extra}
    text = _TWO % {**fields, "west_region": west_region}
    # One region: both transit gateways in one block (a region is declared once).
    if west_region != "us-east-1":
        return text
    return text.replace("\n}\nregion us-east-1 {\n", "\n", 1)


NETWORKS: dict[str, str] = {
    # Static routes on both sides: both ways, across regions.
    "peered": _two(),
    # Two transit gateways of one region (intra-Region peering).
    "same-region": _two(west_region="us-east-1"),
    # tgw-west has no route back: the request arrives, the reply is dropped.
    "one-way": _two(west=""),
    # tgw-west's peering attachment is associated with no route table.
    "unassociated": _two(assoc=""),
    # A more specific blackhole in tgw-east for one subnet of west.
    "blackhole": _two(east="route 10.1.0.0/16 via ew; route 10.1.2.0/24 blackhole"),
    # The peering down: its static routes are blackholes.
    "down": _two(down="down"),
    # A route back to the peering itself on tgw-west: the packet would go round.
    "loop": _two(
        west="route 10.0.0.0/16 via ew; route 10.9.0.0/16 via ew",
        east="route 10.1.0.0/16 via ew; route 10.9.0.0/16 via ew",
    ),
}

#: Three transit gateways in a row, east – west – eu: east reaches eu only when the table of
#: tgw-west's attachment for ``ew`` has a static route on to ``we``.
_CHAIN = (
    """
region us-east-1 {
"""
    + EAST_VPC
    + """  transit-gateway tgw-east {
    attach east
    route-table main { associate east ew; propagate east; route 10.0.0.0/8 via ew }
  }
}
region us-west-2 {
  transit-gateway tgw-west {
    route-table main {
      associate ew we
      route 10.0.0.0/16 via ew
      %s
    }
  }
}
region eu-west-1 {
  vpc eu 10.2.0.0/16 {
    subnet e 10.2.1.0/24 az eu-west-1a
    route-table rt main { route 10.0.0.0/8 via tgw-eu }
    security-group sg { ingress all from 10.0.0.0/8 }
    instance far in e sg sg
  }
  transit-gateway tgw-eu {
    attach eu
    route-table main { associate eu we; propagate eu; route 10.0.0.0/8 via we }
  }
}
tgw-peering ew tgw-east <-> tgw-west
tgw-peering we tgw-west <-> tgw-eu
"""
)
NETWORKS["chain"] = _CHAIN % "route 10.2.0.0/16 via we"
NETWORKS["chain-missing"] = _CHAIN % ""

# AWS's "Example: Peered transit gateways": VPCs on one, a VPN on the other; the default
# route of the first goes over the peering, the second's VPN propagates into its table.
NETWORKS["to-vpn"] = (
    _two(
        east="route 0.0.0.0/0 via ew",
        west="route 10.0.0.0/16 via ew",
        extra="""
site dc 192.168.0.0/16 { customer-gateway cgw 198.51.100.1; host h 192.168.0.10 }
vpn dcvpn tgw-west <-> cgw bgp
""",
    )
    .replace("attach west", "attach west\n    attach vpn dcvpn")
    .replace("associate west ew", "associate west ew dcvpn")
    .replace("propagate west", "propagate west dcvpn")
    .replace("ingress all from 10.0.0.0/8", "ingress all from 0.0.0.0/0")
    .replace("route 10.0.0.0/8 via tgw-east", "route 0.0.0.0/0 via tgw-east")
)

Case = tuple[str, str, str, str, int | None, str, str | None, Leg | None, str | None]

NTR = "TGW_NO_ROUTE"
F, R = Leg.FORWARD, Leg.RETURN

CASES: list[Case] = [
    # Both sides' static routes: both ways.
    ("peered", "app", "db", "tcp", 5432, "allow", None, None, "ew"),
    ("peered", "db", "app", "tcp", 22, "allow", None, None, "ew"),
    ("same-region", "app", "db", "tcp", 5432, "allow", None, None, "ew"),
    # One side without the route back: the reply (or the other way's request) is dropped.
    ("one-way", "app", "db", "tcp", 5432, "deny", NTR, R, None),
    ("one-way", "db", "app", "tcp", 22, "deny", NTR, F, None),
    # Traffic arriving over a peering attachment no table is associated with.
    ("unassociated", "app", "db", "tcp", 5432, "deny", NTR, F, None),
    ("unassociated", "db", "app", "tcp", 22, "deny", NTR, R, None),
    # A blackhole for one subnet; its neighbour is reached.
    ("blackhole", "app", "cache", "tcp", 6379, "deny", "BLACKHOLE_ROUTE", F, None),
    ("blackhole", "app", "db", "tcp", 5432, "allow", None, None, "ew"),
    # The peering down.
    ("down", "app", "db", "tcp", 5432, "deny", "BLACKHOLE_ROUTE", F, None),
    ("down", "db", "app", "tcp", 22, "deny", "BLACKHOLE_ROUTE", F, None),
    # Routes that send the packet back over the peering it came by.
    ("loop", "app", "10.9.0.1", "tcp", 22, "deny", "ROUTING_LOOP", F, None),
    ("loop", "app", "db", "tcp", 22, "allow", None, None, "ew"),
    # Two peerings in a row: only as far as the route tables say.
    ("chain", "app", "far", "tcp", 443, "allow", None, None, "we"),
    ("chain", "far", "app", "tcp", 443, "allow", None, None, "ew"),
    ("chain-missing", "app", "far", "tcp", 443, "deny", NTR, F, None),
    ("chain-missing", "far", "app", "tcp", 443, "deny", NTR, R, None),
    # Beyond the peer, over its VPN, and back.
    ("to-vpn", "app", "h", "tcp", 22, "allow", None, None, "dcvpn"),
    ("to-vpn", "h", "app", "tcp", 22, "allow", None, None, "ew"),
]


@cache
def network(name: str) -> Network:
    return compile_named(NETWORKS, name)


def run(net: str, src: str, dst: str, proto: str = "tcp", port: int | None = 22) -> Trace:
    return trace_query(network(net), src, dst, proto, port)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}:{c[1]}->{c[2]}:{c[8] or c[6]}")
def test_path(case: Case) -> None:
    net, src, dst, proto, port, verdict, code, leg, via = case
    check_row(run(net, src, dst, proto, port), verdict, code, via, leg=leg, check_leg=True)


def test_the_reply_drop_names_the_side_without_the_static_route() -> None:
    t = run("one-way", "app", "db", "tcp", 5432)
    assert "route table 'main' of transit gateway 'tgw-west' has no route to 10.0.1.4" in t.reason
    assert "static" in t.reason  # peerings carry static routes only: the reason says so


def test_the_hop_across_names_both_transit_gateways() -> None:
    text = "\n".join(explain_lines(run("peered", "app", "db", "tcp", 5432), "peered.nd"))
    assert "tgw peering ew: forwarded — transit gateway 'tgw-east' → transit gateway" in text
    assert "'tgw-west' (static routes)" in text


def test_a_down_peering_is_a_blackhole_in_the_sentence() -> None:
    t = run("down", "app", "db", "tcp", 5432)
    assert "points to tgw peering 'ew', which is down: a blackhole" in t.reason


def _costs(text: str) -> list[tuple[str, Decimal]]:
    analysis = api.Analysis(api.compile(text, "cost.nd")).require_analysis()
    return [(c.what, c.amount) for c in analysis.report.flows["f"].charges]


FLOW = "flow f: app -> db tcp 5432 volume 100GB return 10GB\n"


def test_inter_region_peering_charges_one_tgw_processing_and_the_transfer() -> None:
    # 100 GB: tgw-east processes it ($0.02/GB); the peering's side does not (AWS: no data
    # processing for data sent from a peering attachment to a transit gateway); the data
    # goes us-east-1 → us-west-2 ($0.02/GB). The 10 GB reply alike, the other way.
    assert _costs(NETWORKS["peered"] + FLOW) == [
        ("request: transit gateway tgw-east data processing", Decimal("2.00")),
        ("request: us-east-1 → us-west-2", Decimal("2.00")),
        ("reply: transit gateway tgw-west data processing", Decimal("0.20")),
        ("reply: us-west-2 → us-east-1", Decimal("0.20")),
    ]


def test_intra_region_peering_has_no_transfer_charge() -> None:
    assert _costs(NETWORKS["same-region"] + FLOW) == [
        ("request: transit gateway tgw-east data processing", Decimal("2.00")),
        ("reply: transit gateway tgw-west data processing", Decimal("0.20")),
    ]


def test_each_side_pays_its_peering_attachment_hours() -> None:
    analysis = api.Analysis(api.compile(NETWORKS["peered"], "p.nd")).require_analysis()
    hourly = {c.what: c.amount for c in analysis.report.hourly}
    # 730 h × $0.05 on each transit gateway, as every attachment.
    assert hourly["transit gateway tgw-east attachment ew"] == Decimal("36.50")
    assert hourly["transit gateway tgw-west attachment ew"] == Decimal("36.50")


def test_an_expectation_may_name_the_peering_it_crosses() -> None:
    text = NETWORKS["peered"] + (
        "expect app -> db tcp 5432 allow via ew\nexpect app -> cache tcp 22 allow via ew\n"
    )
    analysis = api.Analysis(api.compile(text, "via.nd")).require_analysis()
    assert all(o.holds for o in analysis.outcomes.paths), analysis.outcomes
    # Its twin: a path that does not cross it fails the same expectation.
    same = NETWORKS["same-region"].replace("route 10.1.0.0/16 via ew", "")
    failing = api.Analysis(api.compile(same + "expect app -> db tcp 5432 allow via ew\n", "v.nd"))
    assert not failing.require_analysis().outcomes.paths[0].holds
