"""Flow logs and traffic mirroring (LANGUAGE.md §10) in the simulator: they change no
verdict, and a mirror session's VXLAN copies (UDP 4789) are walked to its target, each
rule as a reachable session and its unreachable twin."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from netdraft import api
from netdraft.model import network as m
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.prices import bundled

BASE = """
region us-east-1 {
  vpc web 10.0.0.0/16 {
    subnet a 10.0.1.0/24 az us-east-1a
    subnet b 10.0.2.0/24 az us-east-1b
    route-table rt {
      route 10.1.0.0/16 via %(peer_route)s
      associate a b
    }
    network-acl b-acl {
      inbound %(acl_rule)s
      inbound 200 allow all from 0.0.0.0/0
      outbound 100 allow all to 0.0.0.0/0
      associate b
    }
    security-group closed {
      egress tcp 443 to 10.9.0.0/16
    }
    security-group ids-sg {
      ingress udp 4789 from %(ids_peer)s
    }
    instance app-1 in a sg closed
    instance ids in b sg ids-sg %(ids_state)s
    load-balancer ids-nlb network internal in a b %(cross)s {
      listener udp %(listener)s -> ids-tg
    }
    target-group ids-tg udp 4789 targets ids
%(observe)s
  }
  vpc sec 10.1.0.0/16 {
    subnet s 10.1.0.0/24 az us-east-1a
    route-table back {
      route 10.0.0.0/16 via wp
      associate s
    }
    security-group probe-sg {
      ingress udp 4789 from 10.0.0.0/16
    }
    instance probe in s sg probe-sg
  }
}
peering wp web <-> sec
"""

DEFAULTS = {
    "peer_route": "wp",
    "acl_rule": "100 allow all from 0.0.0.0/0",
    "ids_peer": "10.0.0.0/16",
    "ids_state": "",
    "cross": "cross-zone",
    "listener": "4789",
    "observe": "",
}


def network(**changes: str) -> m.Network:
    compiled = api.compile(BASE % {**DEFAULTS, **changes}, "obs.nd")
    assert compiled.ok, [d.headline() for d in compiled.diagnostics]
    assert compiled.network is not None
    return compiled.network


def mirrored(session: str, **changes: str) -> tuple[str, str | None] | None:
    """The verdict and code of a session's copies (None: not checked)."""
    net = network(observe=f"    traffic-mirror {session}", **changes)
    ((_, _, trace),) = NetworkAnalysis(net, bundled()).mirrors
    if trace is None:
        return None
    return trace.verdict.value, trace.code.value if trace.code else None


#: The groups of ids admit the NLB's nodes (10.0.1.254, from the top of subnet a, and subnet b),
#: not app-1 (10.0.1.4).
NODES_ONLY = "10.0.1.254/32\n      ingress udp 4789 from 10.0.2.0/24"

ROWS = [
    # the target's security group must admit VXLAN from the source
    ("app-1 to ids", {}, ("allow", None)),
    ("app-1 to ids", {"ids_peer": "10.0.9.0/24"}, ("deny", "SG_INGRESS_MISMATCH")),
    # the source's groups are not evaluated: 'closed' lets out tcp 443 only (the twin below
    # shows that an ordinary connection from app-1 is denied by it)
    ("app-1 to ids", {"ids_peer": "closed"}, ("allow", None)),
    # the target subnet's network ACL applies
    (
        "app-1 to ids",
        {"acl_rule": "100 deny udp 4789 from 10.0.1.0/24"},
        ("deny", "ACL_INBOUND_DENY"),
    ),
    ("app-1 to ids", {"acl_rule": "100 deny udp 53 from 10.0.1.0/24"}, ("allow", None)),
    # a stopped target receives nothing; a stopped source sends nothing and is not checked
    ("app-1 to ids", {"ids_state": "stopped"}, ("deny", "INSTANCE_STOPPED")),
    ("ids to app-1", {"ids_state": "stopped"}, None),
    # a network load balancer needs a UDP listener on 4789 ...
    ("app-1 to ids-nlb", {}, ("allow", None)),
    ("app-1 to ids-nlb", {"listener": "4790"}, ("deny", "NO_LISTENER")),
    # ... and a healthy target in reach of the node (cross-zone off: only the 1b node)
    ("app-1 to ids-nlb", {"cross": ""}, ("allow", None)),
    ("app-1 to ids-nlb", {"ids_state": "stopped"}, ("deny", "NO_HEALTHY_TARGET")),
    # the NLB keeps the source's address: the target's group must admit the source
    ("app-1 to ids-nlb", {"ids_peer": NODES_ONLY}, ("deny", "SG_INGRESS_MISMATCH")),
    (
        "app-1 to ids-nlb",
        {"ids_peer": NODES_ONLY + "\n      ingress udp 4789 from 10.0.1.4/32"},
        ("allow", None),
    ),
    # copies are routed: to a target in a peered VPC only with a route
    ("app-1 to sec.probe", {}, ("allow", None)),
]


@pytest.mark.parametrize(("session", "changes", "expected"), ROWS)
def test_mirror_copies(
    session: str, changes: dict[str, str], expected: tuple[str, str | None] | None
) -> None:
    assert mirrored(session, **changes) == expected


def test_no_route_to_a_peered_target_is_unreachable() -> None:
    net = network(observe="    traffic-mirror app-1 to sec.probe")
    text = BASE % {**DEFAULTS, "observe": "    traffic-mirror app-1 to sec.probe"}
    text = text.replace("route 10.1.0.0/16 via wp", "route 10.2.0.0/16 via wp")
    broken = api.compile(text, "obs.nd").network
    assert broken is not None
    ((_, _, ok),) = NetworkAnalysis(net, bundled()).mirrors
    ((_, _, dropped),) = NetworkAnalysis(broken, bundled()).mirrors
    assert ok is not None and ok.allowed
    assert dropped is not None and dropped.code is not None
    assert dropped.code.value == "NO_ROUTE_TO_DESTINATION"


def test_an_ordinary_connection_is_filtered_by_the_source_group() -> None:
    t = api.path(network(), "app-1", "ids", "udp", "4789")
    assert (t.verdict.value, t.code.value if t.code else None) == ("deny", "SG_EGRESS_MISMATCH")


OBSERVE = """
    flow-log web to s3 volume 40GB
    flow-log a to cloudwatch volume 5GB
    flow-log ids to cloudwatch
    traffic-mirror app-1 to ids-nlb
    traffic-mirror app-1 to sec.probe
"""


def verdicts(net: m.Network) -> list[tuple[str, str, str, str | None]]:
    places = ["app-1", "ids", "ids-nlb", "sec.probe", "internet", "10.0.2.4"]
    found = []
    for src, dst in itertools.permutations(places, 2):
        if src in ("ids-nlb", "10.0.2.4"):
            continue
        for proto, port in (("udp", "4789"), ("tcp", "22"), ("tcp", "any")):
            t = api.path(net, src, dst, proto, port)
            found.append((src, dst, t.verdict.value, t.code.value if t.code else None))
    return found


@pytest.mark.parametrize("changes", [{}, {"ids_peer": "closed", "cross": ""}])
def test_flow_logs_and_sessions_change_no_verdict(changes: dict[str, str]) -> None:
    without = verdicts(network(**changes))
    with_them = verdicts(network(observe=OBSERVE, **changes))
    assert with_them == without
    assert {v for _, _, v, _ in without} == {"allow", "deny"}  # both kinds are compared


def test_the_warning_names_the_session_and_the_drop_and_its_twin_has_none() -> None:
    def warned(**changes: str) -> list[str]:
        text = BASE % {**DEFAULTS, "observe": OBSERVE, **changes}
        found = api.analyse("obs.nd", text=text).diagnostics
        return [d.message for d in found if str(d.code) == "mirror-unreachable"]

    assert warned() == []
    (message,) = warned(listener="4790")
    assert "session of 'app-1' in vpc 'web' cannot reach 'ids-nlb' on udp 4789" in message
    assert "NO_LISTENER" in message


def test_hand_computed_cost() -> None:
    # flow logs: 40 GB to S3 × $0.25 = $10.00; 5 GB to CloudWatch Logs × $0.50 = $2.50; the
    # one without a volume costs nothing. Traffic mirroring: one source interface (app-1,
    # two sessions) × 730 h × $0.015 = $10.95. The NLB: 730 h × $0.0225 = $16.425.
    bill = api.cost(network(observe=OBSERVE))
    lines = {c.what: c.amount for c in bill.hourly}
    monthly = {c.what: (c.amount, c.unit) for c in bill.monthly}
    # flow logs are billed by the data a month, not by the hour
    assert not any(w.startswith("flow log") for w in lines)
    assert monthly["flow log of vpc web to s3"] == (Decimal("10.00"), "GB")
    assert monthly["flow log of subnet a to cloudwatch"] == (Decimal("2.50"), "GB")
    assert lines["traffic mirroring of instance app-1 (2 session(s))"] == Decimal("10.950")
    assert not any("ids to" in w for w in lines)
    assert bill.total == Decimal("10") + Decimal("2.5") + Decimal("10.95") + Decimal("16.425")
    # the same network without them costs the NLB alone
    assert api.cost(network()).total == Decimal("16.425")


def test_each_source_interface_is_billed_once_a_stopped_one_too() -> None:
    two = "    traffic-mirror app-1 to ids-nlb\n    traffic-mirror ids to sec.probe\n"
    bill = api.cost(network(observe=two, ids_state="stopped"))
    mirroring = [c for c in bill.hourly if c.price_key == "traffic_mirror_per_eni_hour"]
    assert [(c.what, c.quantity) for c in mirroring] == [
        ("traffic mirroring of instance app-1 (1 session(s))", Decimal(730)),
        ("traffic mirroring of instance ids (1 session(s))", Decimal(730)),
    ]
