"""Load balancers (LANGUAGE.md §10, §14): each rule as an allowed path and its denied twin,
and the hand-computed monthly cost of a load-balanced flow."""

from __future__ import annotations

import ipaddress
from decimal import Decimal

import pytest

from netdraft import api
from netdraft.dsl.fmt import format_text

BASE = """
region us-east-1 {
  vpc web 10.0.0.0/16 {
    internet-gateway igw
    subnet public-a 10.0.0.0/24 az us-east-1a
    subnet public-b 10.0.1.0/24 az us-east-1b
    subnet private-a 10.0.2.0/24 az us-east-1a
    subnet private-b 10.0.3.0/24 az us-east-1b
    route-table public {
      route 0.0.0.0/0 via igw
      associate public-a public-b
    }
    security-group alb-sg {
      ingress tcp 443 from 0.0.0.0/0
      ingress tcp 8443 from 0.0.0.0/0
    }
    security-group app-sg {
      ingress tcp 8080 from %(app_peer)s
      ingress tcp 8443 from 10.0.0.0/16
    }
    security-group kept-sg {
      ingress tcp 9000 from %(kept_peer)s
    }
    load-balancer front application %(scheme)s in %(alb_subnets)s sg alb-sg {
      listener https 443 -> app-tg
    }
    load-balancer inner network internal in %(nlb_subnets)s %(cross)s {
      listener tcp 9000 -> kept-tg
      listener tcp 443 -> front-tg
    }
    target-group app-tg http 8080 targets app-1
    target-group kept-tg tcp 9000 targets kept-b
    target-group front-tg tcp 443 targets front
    instance app-1 in private-a sg app-sg %(app_state)s
    instance kept-b in private-b sg kept-sg
    instance client in private-a
  }
}
"""

DEFAULTS = {
    "app_peer": "alb-sg",
    "kept_peer": "10.0.0.0/16",
    "scheme": "internet-facing",
    "alb_subnets": "public-a public-b",
    "cross": "cross-zone",
    "app_state": "",
    "nlb_subnets": "private-a private-b",
}


def trace(query: str, **changes: str) -> tuple[str, str | None, tuple[str, ...]]:
    text = BASE % {**DEFAULTS, **changes}
    compiled = api.compile(text, "lb.nd")
    assert compiled.ok, compiled.diagnostics
    assert compiled.network is not None
    src, dst, proto, port = query.replace(" -> ", " ").split()
    t = api.path(compiled.network, src, dst, proto, port)
    names = tuple(h.name for h in (*t.forward, *t.reverse))
    return t.verdict.value, t.code.value if t.code else None, names


ROWS = [
    # ALB: the node's group filters the client (allowed / SG_INGRESS_MISMATCH)
    ("internet -> front tcp 443", {}, "allow", None),
    ("internet -> front tcp 80", {}, "deny", "SG_INGRESS_MISMATCH"),
    ("internet -> front tcp 443", {"scheme": "internal"}, "deny", "NO_PUBLIC_IP"),
    # a port without a listener
    ("internet -> front tcp 8443", {}, "deny", "NO_LISTENER"),
    # the target's group must admit the ALB (its group), else no healthy target
    ("internet -> front tcp 443", {"app_peer": "10.9.0.0/16"}, "deny", "NO_HEALTHY_TARGET"),
    ("internet -> front tcp 443", {"app_state": "stopped"}, "deny", "NO_HEALTHY_TARGET"),
    # an internet-facing node in a subnet without an internet gateway route
    (
        "internet -> front tcp 443",
        {"alb_subnets": "private-a private-b"},
        "deny",
        "NO_ROUTE_TO_DESTINATION",
    ),
    # NLB keeps the client's address for instance targets: the target's group must admit it
    ("client -> inner tcp 9000", {}, "allow", None),
    (
        "client -> inner tcp 9000",
        {"kept_peer": "10.0.2.254/31"},
        "deny",
        "SG_INGRESS_MISMATCH",
    ),  # 1a node only
    # NLB cross-zone off: the node in private-a reaches no target (kept-b is in 1b) ...
    ("client -> inner tcp 9000", {"cross": ""}, "allow", None),  # ... but the 1b node does
    # a node only in 1a: cross-zone reaches kept-b in 1b, without it there is no target
    ("client -> inner tcp 9000", {"nlb_subnets": "private-a"}, "allow", None),
    (
        "client -> inner tcp 9000",
        {"nlb_subnets": "private-a", "cross": ""},
        "deny",
        "NO_HEALTHY_TARGET",
    ),
    # NLB in front of an ALB
    ("client -> inner tcp 443", {}, "allow", None),
    ("client -> inner tcp 443", {"app_state": "stopped"}, "deny", "NO_HEALTHY_TARGET"),
]


@pytest.mark.parametrize(("query", "changes", "verdict", "code"), ROWS)
def test_load_balancer_paths(
    query: str, changes: dict[str, str], verdict: str, code: str | None
) -> None:
    got, got_code, _ = trace(query, **changes)
    assert (got, got_code) == (verdict, code)


def test_both_legs_are_in_the_trace_and_via_names_the_target_group() -> None:
    _, _, names = trace("client -> inner tcp 443")
    assert names.count("front") >= 2 and "front-tg" in names and "app-tg" in names
    assert names.index("inner") < names.index("front") < names.index("app-1")


def test_cross_zone_off_keeps_a_node_to_its_own_az() -> None:
    text = BASE % {**DEFAULTS, "cross": ""}
    compiled = api.compile(text, "lb.nd")
    assert compiled.network is not None
    lb = compiled.network.vpcs["web"].load_balancers["inner"]
    assert not lb.cross_zone
    assert [n.az for n in lb.nodes] == ["us-east-1a", "us-east-1b"]


def test_hand_computed_cost() -> None:
    # 2 load balancers × 730 h × 0.0225 = 32.85; 2 ALB node addresses × 730 h × 0.005 = 7.30;
    # the flow: ALB LCU (100 + 400 GB) × 0.008 = 4.00; data out to the internet 400 × 0.09 = 36.
    text = BASE % DEFAULTS + "flow web: internet -> front tcp 443 volume 100GB return 400GB\n"
    compiled = api.compile(text, "lb.nd")
    assert compiled.network is not None
    bill = api.cost(compiled.network)
    assert bill.total == Decimal("80.15")


def test_no_cross_az_charge_between_an_alb_and_its_targets_but_an_nlb_pays_it() -> None:
    # app-1 is in us-east-1a: the ALB's node in 1b sends to it free of transfer charges;
    # the NLB's node in 1a (cross-zone) pays 1a → 1b to reach kept-b.
    text = BASE % DEFAULTS + (
        "flow via-alb: internet -> 10.0.1.254 tcp 443 volume 10GB\n"
        "flow via-nlb: client -> 10.0.2.254 tcp 9000 volume 10GB\n"
    )
    compiled = api.compile(text, "lb.nd")
    assert compiled.network is not None
    web = compiled.network.vpcs["web"]
    assert web.load_balancers["front"].nodes[1].ip == ipaddress.ip_address("10.0.1.254")
    assert web.load_balancers["inner"].nodes[0].ip == ipaddress.ip_address("10.0.2.254")
    bill = api.cost(compiled.network)
    alb = [c.what for c in bill.flows["via-alb"].charges]
    nlb = [c.what for c in bill.flows["via-nlb"].charges]
    assert not any("→" in w and "us-east-1" in w for w in alb), alb
    assert any("us-east-1a → us-east-1b" in w for w in nlb), nlb


def test_fmt_round_trip_keeps_load_balancers() -> None:
    text = BASE % {**DEFAULTS, "cross": "cross-zone ips 10.0.2.100 10.0.3.100"}
    once, problems = format_text(text)
    assert once is not None and not problems
    assert format_text(once)[0] == once
    before, after = api.compile(text, "a.nd").network, api.compile(once, "a.nd").network
    assert before is not None and after is not None
    assert (
        before.vpcs["web"].load_balancers["inner"].nodes
        == after.vpcs["web"].load_balancers["inner"].nodes
    )
    assert (
        "load-balancer inner network internal in private-a private-b ips 10.0.2.100 10.0.3.100 cross-zone {"
        in once
    )


def codes_of(text: str) -> list[str]:
    return [str(d.code) for d in api.compile(text, "n.nd").diagnostics]


SMALL = """
region us-east-1 {
  vpc v 10.0.0.0/16 {
    subnet s 10.0.0.0/28 az us-east-1a
%s
    load-balancer lb network internal in s %s {
      listener tcp 80 -> tg
    }
    target-group tg tcp 80 targets i0
  }
}
"""


def test_nodes_count_in_subnet_too_small_and_written_ones_in_duplicate_address() -> None:
    # A /28 holds 11 interfaces: 10 instances and the node fit, 11 and the node do not.
    ten = "\n".join(f"    instance i{n} in s" for n in range(10))
    eleven = ten + "\n    instance i10 in s"
    assert "subnet-too-small" not in codes_of(SMALL % (ten, ""))
    assert "subnet-too-small" in codes_of(SMALL % (eleven, ""))
    assert "duplicate-address" in codes_of(
        SMALL % ("    instance i0 in s ip 10.0.0.9", "ips 10.0.0.9")
    )
    assert "duplicate-address" not in codes_of(
        SMALL % ("    instance i0 in s ip 10.0.0.9", "ips 10.0.0.10")
    )


def test_a_port_set_is_split_at_the_listeners_ports() -> None:
    text = BASE % DEFAULTS
    compiled = api.compile(text, "lb.nd")
    assert compiled.network is not None
    t = api.path(compiled.network, "internet", "front", "tcp", "440-450")
    runs = [(str(r.ports), r.verdict.value, r.code.value if r.code else None) for r in t.port_runs]
    assert runs == [
        ("440-442", "deny", "SG_INGRESS_MISMATCH"),
        ("443", "allow", None),
        ("444-450", "deny", "SG_INGRESS_MISMATCH"),
    ]
    # A group that admits a whole range: only the listener's port tells the pieces apart.
    wide = text.replace("ingress tcp 8443 from 0.0.0.0/0", "ingress tcp 8000-9000 from 0.0.0.0/0")
    wide = wide.replace(
        "listener https 443 -> app-tg",
        "listener https 443 -> app-tg\n      listener https 8500 -> app-tg",
    )
    net = api.compile(wide, "lb.nd").network
    assert net is not None
    t = api.path(net, "internet", "front", "tcp", "8000-9000")
    runs = [(str(r.ports), r.verdict.value, r.code.value if r.code else None) for r in t.port_runs]
    assert runs == [
        ("8000-8499", "deny", "NO_LISTENER"),
        ("8500", "allow", None),
        ("8501-9000", "deny", "NO_LISTENER"),
    ]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (("sg alb-sg {", "sg alb-sg eips 198.51.100.1 198.51.100.2 {"), "bad-option"),
        (("sg alb-sg {", "sg alb-sg cross-zone {"), "bad-option"),
        (("listener https 443 -> app-tg", "listener tcp 443 -> app-tg"), "bad-option"),
        (("listener https 443 -> app-tg", "listener https 443 -> nowhere"), "unknown-name"),
        (("targets app-1", "targets app-9"), "unknown-name"),
        (("targets front", "targets inner"), "bad-option"),  # an NLB is no target
        (("in public-a public-b sg", "in public-a public-a sg"), "endpoint-az"),
    ],
)
def test_mistakes_are_diagnostics(change: tuple[str, str], code: str) -> None:
    text = BASE % DEFAULTS
    assert change[0] in text
    assert code in codes_of(text.replace(*change, 1))
    assert code not in codes_of(text)
