"""Global Accelerator (LANGUAGE.md §10): each rule as an allowed path and its denied twin,
the static addresses, the hand-computed cost, the diagram and the formatter."""

from __future__ import annotations

import ipaddress
from decimal import Decimal
from pathlib import Path

import pytest

from netdraft import api
from netdraft.dsl.fmt import format_text
from netdraft.generator.diagram import dot_text
from netdraft.sim.cost import flow_cost, hourly_charges
from netdraft.sim.prices import bundled

BASE = """
region us-east-1 {
  vpc web 10.0.0.0/16 {
    %(igw)s
    subnet a 10.0.0.0/24 az us-east-1a
    subnet b 10.0.1.0/24 az us-east-1b
    security-group alb-sg {
      ingress tcp 443 from %(alb_from)s
    }
    security-group app-sg {
      ingress tcp 8080 from alb-sg
      ingress tcp 22 from 0.0.0.0/0
    }
    network-acl acl {
      inbound 100 allow all from 0.0.0.0/0
      outbound 100 %(acl_out)s all to 0.0.0.0/0
      associate a b
    }
    instance app in a sg app-sg %(app_state)s
    load-balancer front application %(scheme)s in a b sg alb-sg {
      listener https 443 -> tg
    }
    target-group tg http 8080 targets app
  }
}
region eu-west-1 {
  vpc dr 10.1.0.0/16 {
    internet-gateway igw2
    subnet a 10.1.0.0/24 az eu-west-1a
    security-group web-sg {
      ingress tcp 443 from 0.0.0.0/0
    }
    instance standby in a sg web-sg %(standby_state)s
  }
}
accelerator ga %(ips)s {
  listener tcp 443 -> web.front weight %(front_weight)s dr.standby weight %(standby_weight)s
  listener tcp 22 -> app
  listener udp 5000-5010 -> dr.standby weight 0
}
"""

DEFAULTS = {
    "igw": "internet-gateway igw",
    "alb_from": "0.0.0.0/0",
    "acl_out": "allow",
    "app_state": "",
    "scheme": "internal",
    "standby_state": "",
    "ips": "",
    "front_weight": "100",
    "standby_weight": "0",
}


def compiled(**changes: str) -> api.Compiled:
    c = api.compile(BASE % {**DEFAULTS, **changes}, "ga.nd")
    assert c.ok, c.diagnostics
    return c


def trace(dst: str, proto: str, port: str, **changes: str) -> tuple[str, str | None, list[str]]:
    net = compiled(**changes).network
    assert net is not None
    t = api.path(net, "internet", dst, proto, port)
    names = [h.name for h in t.forward]
    return t.verdict.value, t.code.value if t.code else None, names


ROWS = [
    # the listener and the ALB endpoint (an internal ALB: GA reaches it inside the VPC)
    ("ga", "tcp", "443", {}, "allow", None),
    ("ga", "tcp", "8443", {}, "deny", "NO_LISTENER"),
    ("ga", "udp", "5005", {}, "deny", "NO_HEALTHY_TARGET"),  # its one endpoint has weight 0
    # weights: no endpoint above 0, and its twin with one
    ("ga", "tcp", "443", {"front_weight": "0"}, "deny", "NO_HEALTHY_TARGET"),
    ("ga", "tcp", "443", {"front_weight": "0", "standby_weight": "10"}, "allow", None),
    # health: the ALB's only target stopped, the standby takes it; both down, none does
    ("ga", "tcp", "443", {"app_state": "stopped", "standby_weight": "10"}, "allow", None),
    (
        "ga",
        "tcp",
        "443",
        {"app_state": "stopped", "standby_weight": "10", "standby_state": "stopped"},
        "deny",
        "NO_HEALTHY_TARGET",
    ),
    # client IP preservation: the ALB's group must admit the client, not the accelerator
    ("ga", "tcp", "443", {"alb_from": "1.0.0.0/8"}, "allow", None),
    ("ga", "tcp", "443", {"alb_from": "10.0.0.0/8"}, "deny", "SG_INGRESS_MISMATCH"),
    # ... and it needs an internet gateway in the endpoint's VPC
    ("ga", "tcp", "443", {"igw": ""}, "deny", "NO_ROUTE_TO_DESTINATION"),
    # the client's address kept: the endpoint subnet's ACL is not evaluated (AWS's guide);
    # its twin, an Elastic IP endpoint whose ACL applies, is test_acls_only_without_...
    ("ga", "tcp", "443", {"acl_out": "deny"}, "allow", None),
    # an instance endpoint, with its default weight
    ("ga", "tcp", "22", {}, "allow", None),
    ("ga", "tcp", "23", {}, "deny", "NO_LISTENER"),
    # reached at either static address
    ("99.83.128.1", "tcp", "443", {}, "allow", None),
    ("75.2.0.1", "tcp", "8443", {}, "deny", "NO_LISTENER"),
]


@pytest.mark.parametrize(("dst", "proto", "port", "changes", "verdict", "code"), ROWS)
def test_paths(
    dst: str, proto: str, port: str, changes: dict[str, str], verdict: str, code: str | None
) -> None:
    got, got_code, _ = trace(dst, proto, port, **changes)
    assert (got, got_code) == (verdict, code)


def test_the_path_names_the_endpoint_it_goes_to() -> None:
    net = compiled(front_weight="0", standby_weight="10").network
    assert net is not None
    t = api.path(net, "internet", "ga", "tcp", "443")
    names = [h.name for h in t.forward]
    assert names[:2] == ["internet", "ga"] and "standby" in names and "front" not in names
    reply = [h.name for h in t.reverse]
    assert reply[-2:] == ["ga", "internet"]


def test_the_stopped_twin_goes_to_the_first_endpoint() -> None:
    _, _, names = trace("ga", "tcp", "443", standby_weight="10")
    assert "front" in names and "standby" not in names


def test_static_addresses_are_allocated_in_file_order_or_written() -> None:
    net = compiled().network
    assert net is not None
    assert net.accelerators["ga"].ips == (
        ipaddress.IPv4Address("75.2.0.1"),
        ipaddress.IPv4Address("99.83.128.1"),
    )
    two = BASE % DEFAULTS + "accelerator second {\n}\n"
    c = api.compile(two, "ga.nd")
    assert c.network is not None
    assert [str(ip) for ip in c.network.accelerators["second"].ips] == ["75.2.0.2", "99.83.128.2"]
    written = compiled(ips="ips 198.51.100.10 198.51.100.11").network
    assert written is not None
    assert [str(ip) for ip in written.accelerators["ga"].ips] == ["198.51.100.10", "198.51.100.11"]
    got, _, _ = trace("198.51.100.11", "tcp", "443", ips="ips 198.51.100.10 198.51.100.11")
    assert got == "allow"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (("dr.standby weight %(standby_weight)s", "dr.nothing"), "unknown-name"),
        (("weight %(front_weight)s", "weight 256"), "bad-option"),
        (("listener tcp 22", "listener icmp 22"), "bad-option"),
        (("accelerator ga %(ips)s", "accelerator ga ips 10.0.0.1 10.0.0.2"), "bad-address"),
    ],
)
def test_mistakes(change: tuple[str, str], code: str) -> None:
    text = BASE.replace(*change) % DEFAULTS
    c = api.compile(text, "ga.nd")
    assert code in [d.code for d in c.diagnostics]


def test_cost_hand_computed() -> None:
    text = BASE % DEFAULTS + "flow users: internet -> ga tcp 443 volume 100GB return 1000GB\n"
    c = api.compile(text, "ga.nd")
    assert c.network is not None
    prices = bundled()
    fc = flow_cost(c.network, c.network.flows["users"], prices)
    got = {ch.what: ch.amount for ch in fc.charges}
    # ALB processing both ways (1 LCU-hour per GB), data out to the internet on the reply,
    # and the premium on the dominant direction (the 1000 GB reply) only.
    assert got == {
        "request: load balancer front processed data (LCU)": Decimal("0.800"),
        "reply: load balancer front processed data (LCU)": Decimal("8.000"),
        "reply: data out to the internet via accelerator ga": Decimal("90.00"),
        "reply: accelerator ga data-transfer premium (dominant direction)": Decimal("15.000"),
    }
    hourly = {ch.what: ch.amount for ch in hourly_charges(c.network, prices)}
    assert hourly["accelerator ga"] == Decimal("18.250")  # 730 h × 0.025


def test_premium_by_region_pair_from_a_price_file() -> None:
    from netdraft.sim.prices import parse_prices

    text = BASE % DEFAULTS + "flow users: internet -> ga tcp 443 volume 200GB\n"
    c = api.compile(text, "ga.nd")
    assert c.network is not None
    own, problems = parse_prices(
        "[regions.us-east-1]\naccelerator_premium_per_gb = 0.035\n", "mine.toml"
    )
    assert own is not None and not problems
    prices = bundled().with_overrides(own)
    fc = flow_cost(c.network, c.network.flows["users"], prices)
    premium = [ch for ch in fc.charges if "premium" in ch.what]
    assert [(ch.amount, ch.region) for ch in premium] == [(Decimal("7.000"), "us-east-1")]


def test_diagram_draws_the_accelerator_outside_regions_linked_to_endpoints() -> None:
    net = compiled().network
    assert net is not None
    dot = dot_text(net)
    assert "accelerator_ga [" in dot
    assert "link__internet__accelerator_ga" in dot
    assert "link__accelerator_ga__vpc_web__lb_front__a" in dot
    assert "link__accelerator_ga__vpc_dr__instance_standby" in dot
    assert "75.2.0.1 · 99.83.128.1" in dot


def test_fmt_round_trip() -> None:
    text = "accelerator ga   ips 198.51.100.1 198.51.100.2 {\n  listener tcp 443 ->  x weight 5   y\n}\n"
    formatted, _ = format_text(text)
    assert formatted == (
        "accelerator ga ips 198.51.100.1 198.51.100.2 {\n  listener tcp 443 -> x weight 5 y\n}\n"
    )
    assert format_text(formatted)[0] == formatted


def test_the_page_lists_accelerators(tmp_path: Path) -> None:
    source = tmp_path / "ga.nd"
    source.write_text(BASE % DEFAULTS, "utf-8")
    page = api.docs(source, tmp_path / "out")[-1].read_text("utf-8")
    assert "## Global Accelerators" in page
    assert (
        "| ga | 75.2.0.1, 99.83.128.1 | tcp 443 | web.front (100, us-east-1),"
        " dr.standby (0, eu-west-1) | 18.25 |"
    ) in page
    assert "|  |  | tcp 22 | web.app (128, us-east-1) |  |" in page


@pytest.mark.parametrize(
    ("ports", "holds"),
    [
        # udp 5000-5010 is a listener whose only endpoint has weight 0: a range over it
        # is not "no listener" (the accelerators' listeners cut every sweep of ports)
        ("udp 4990-5020 deny because NO_LISTENER", False),
        ("udp 4990-4999 deny because NO_LISTENER", True),
        ("udp 5000-5010 deny because NO_HEALTHY_TARGET", True),
        ("tcp 23-442 deny because NO_LISTENER", True),
        ("tcp 22-442 deny because NO_LISTENER", False),
    ],
)
def test_a_port_range_is_cut_at_the_listeners(ports: str, holds: bool) -> None:
    analysis = api.analyse("ga.nd", text=BASE % DEFAULTS + f"expect internet -> ga {ports}\n")
    failed = [d for d in analysis.diagnostics if d.code == "expect-failed"]
    assert (not failed) is holds, failed


EXAMPLE = Path(__file__).parents[2] / "examples" / "components" / "global-accelerator.nd"
#: Each VPC's public subnets answer only inside the VPC: every reply to the internet is
#: denied by the ACL, where the ACL is evaluated.
STRICT = """    network-acl inside {
      inbound 100 allow all from 0.0.0.0/0
      outbound 90 allow all to %s
      outbound 100 deny all to 0.0.0.0/0
      associate public-a public-b
    }
"""


@pytest.mark.parametrize(
    ("query", "verdict", "code"),
    [
        # an ALB endpoint keeps the client's address: the ACL is not evaluated
        (("tcp", "443"), "allow", None),
        # an Elastic IP endpoint sees the accelerator's address: the ACL applies
        (("udp", "7005"), "deny", "ACL_RETURN_DENY"),
    ],
)
def test_acls_only_without_client_address_preservation(
    query: tuple[str, str], verdict: str, code: str | None
) -> None:
    text = EXAMPLE.read_text("utf-8")
    text = text.replace(
        "    internet-gateway igw-east\n",
        "    internet-gateway igw-east\n" + STRICT % "10.20.0.0/16",
    )
    text = text.replace(
        "    internet-gateway igw-west\n",
        "    internet-gateway igw-west\n" + STRICT % "10.30.0.0/16",
    )
    c = api.compile(text, "ga.nd")
    assert c.network is not None and c.ok, c.diagnostics
    t = api.path(c.network, "internet", "shop-ga", *query)
    assert (t.verdict.value, t.code.value if t.code else None) == (verdict, code)
