"""``netdraft exposure``: what the internet can open, on small networks (LANGUAGE.md §13).

Each row changes one thing of a small network (a group opened to 0.0.0.0/0 or ::/0, a
network ACL deny, no route to the internet gateway, no public address …) and says what
the internet then reaches; the rule lines are checked on one row. The class analysis is
compared with per-port tracing in ``test_classes_oracle.py``.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from netdraft import api
from netdraft.cli import main
from netdraft.dsl.query import parse_query
from netdraft.generator.exposure import exposure_json, exposure_text
from netdraft.model.network import Network
from netdraft.sim.exposure import exposure
from netdraft.sim.path import Simulator

BASE = """\
region us-east-1 {
  vpc shop 10.0.0.0/16 {
    ipv6 2001:db8:100::/56
    internet-gateway igw
    subnet pub  10.0.0.0/24 az us-east-1a ipv6 2001:db8:100::/64
    subnet priv 10.0.1.0/24 az us-east-1a
    nat-gateway nat in pub
    route-table public {
      route 0.0.0.0/0 via igw
      route ::/0 via igw
      associate pub
    }
    route-table private { route 0.0.0.0/0 via nat; associate priv }
    security-group web-sg {
      ingress tcp 443 from 0.0.0.0/0
      ingress tcp 8000-8100 from 0.0.0.0/0
      ingress tcp 22 from 203.0.113.0/24
    }
    security-group app-sg { ingress tcp 8080 from web-sg }
    instance web in pub public-ip sg web-sg
    instance app in priv sg app-sg
  }
}
"""


def compiled(text: str) -> Network:
    result = api.compile(text, "net.nd")
    errors = [d.message for d in result.diagnostics if d.is_error]
    assert result.network is not None and not errors, errors
    return result.network


def table(text: str) -> set[tuple[str, int, str, str]]:
    return {(e.interface, e.version, e.protocol, e.ports) for e in exposure(compiled(text)).exposed}


WEB = {("web", 4, "tcp", "22"), ("web", 4, "tcp", "443"), ("web", 4, "tcp", "8000-8100")}

#: (what changes, the text replaced, its replacement, what the internet reaches)
CASES = [
    ("as written", "", "", WEB),
    (
        "group opened to ::/0",
        "ingress tcp 22 from 203.0.113.0/24",
        "ingress tcp 22 from 203.0.113.0/24\n      ingress tcp 443 from ::/0",
        WEB | {("web", 6, "tcp", "443")},  # web has an address of its subnet's IPv6 CIDR
    ),
    (
        "group opened to ::/0, with an IPv6 address",
        "instance web in pub public-ip sg web-sg",
        "instance web in pub public-ip ipv6 2001:db8:100::10 sg web-sg\n"
        "    security-group v6 { ingress tcp 443 from ::/0 }",
        WEB,  # its group has no IPv6 rule
    ),
    (
        "IPv6 rules",
        "ingress tcp 22 from 203.0.113.0/24",
        "ingress tcp 22 from 203.0.113.0/24\n      ingress tcp 443 from ::/0\n"
        "      ingress icmpv6 from ::/0",
        WEB | {("web", 6, "tcp", "443"), ("web", 6, "icmpv6", "")},
    ),
    (
        "no public address",
        "instance web in pub public-ip sg web-sg",
        "instance web in pub sg web-sg",
        set(),
    ),
    ("no route to the internet gateway", "route 0.0.0.0/0 via igw", "", set()),
    (
        "a network ACL denies one port of a range",
        "    instance web",
        "    network-acl edge {\n      inbound 90 deny tcp 8050 from 0.0.0.0/0\n"
        "      inbound 100 allow all from 0.0.0.0/0\n      outbound 100 allow all to 0.0.0.0/0\n"
        "      associate pub\n    }\n    instance web",
        {
            ("web", 4, "tcp", "22"),
            ("web", 4, "tcp", "443"),
            ("web", 4, "tcp", "8000-8049"),
            ("web", 4, "tcp", "8051-8100"),
        },
    ),
    (
        "the ACL lets no reply out",
        "    instance web",
        "    network-acl edge {\n      inbound 100 allow all from 0.0.0.0/0\n"
        "      outbound 100 allow tcp 443 to 0.0.0.0/0\n      associate pub\n    }\n"
        "    instance web",
        set(),
    ),
    (
        "the private instance opened to 0.0.0.0/0",
        "security-group app-sg { ingress tcp 8080 from web-sg }",
        "security-group app-sg { ingress tcp 8080 from 0.0.0.0/0 }",
        WEB,  # no public address, and its subnet routes to a NAT gateway
    ),
    (
        "all traffic from 0.0.0.0/0",
        "ingress tcp 443 from 0.0.0.0/0",
        "ingress all from 0.0.0.0/0",
        {
            ("web", 4, "tcp", "1-65535"),
            ("web", 4, "udp", "1-65535"),
            ("web", 4, "icmp", ""),
        },
    ),
    (
        "stopped",
        "instance web in pub public-ip sg web-sg",
        "instance web in pub public-ip sg web-sg stopped",
        set(),
    ),
]


@pytest.mark.parametrize(("what", "old", "new", "expected"), CASES, ids=[c[0] for c in CASES])
def test_exposure_table(what: str, old: str, new: str, expected: set[object]) -> None:
    assert old in BASE
    assert table(BASE.replace(old, new, 1) if old else BASE) == expected


def test_ipv6_exposure() -> None:
    text = BASE.replace(
        "instance web in pub public-ip sg web-sg",
        "instance web in pub public-ip ipv6 2001:db8:100::10 sg web-sg",
    ).replace("ingress tcp 22 from 203.0.113.0/24", "ingress tcp 22 from ::/0")
    assert table(text) == {
        ("web", 4, "tcp", "443"),
        ("web", 4, "tcp", "8000-8100"),
        ("web", 6, "tcp", "22"),
    }


def test_rule_lines_name_the_group_acl_and_route() -> None:
    found = exposure(compiled(BASE))
    lines = {e.ports: [s.line for s in e.rules] for e in found.exposed}
    # the group's rule, the default ACL (written nowhere: the VPC's line), the route to igw
    assert lines["443"] == [2, 9, 15]
    assert lines["22"] == [2, 9, 17]
    assert found.interfaces == 3 and found.classes == 3


def test_the_summary_agrees_in_number() -> None:
    found = exposure(compiled(BASE))
    one = dataclasses.replace(found, exposed=found.exposed[:1], classes=1)
    assert exposure_text(one).endswith("(1 port range; 1 class traced)\n")


def test_text_and_json() -> None:
    found = exposure(compiled(BASE))
    text = exposure_text(found)
    assert "web: IPv4 tcp 443 from the internet  (net.nd:2, net.nd:9, net.nd:15)" in text
    assert text.endswith(
        "1 of 3 network interfaces reachable from the internet (3 port ranges; 3 classes traced)\n"
    )
    doc = exposure_json(found)
    assert doc["exposed"][0] == {
        "interface": "web",
        "ip_version": 4,
        "protocol": "tcp",
        "ports": "22",
        "rules": [
            {"file": "net.nd", "line": 2, "column": 3},
            {"file": "net.nd", "line": 9, "column": 7},
            {"file": "net.nd", "line": 17, "column": 7},
        ],
        "icmp": None,  # tcp and udp name no ICMP messages
        "icmp_messages": None,
        "via": None,  # straight from the internet, not through an accelerator
    }


def test_command(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "net.nd"
    path.write_text(BASE, encoding="utf-8")
    assert main(["exposure", str(path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [e["ports"] for e in doc["exposed"]] == ["22", "443", "8000-8100"]
    assert main(["exposure", str(path)]) == 0
    assert "web: IPv4 tcp 8000-8100" in capsys.readouterr().out
    path.write_text("vpc {\n", encoding="utf-8")
    assert main(["exposure", str(path)]) == 1
    assert "error[" in capsys.readouterr().err


LB_NET = """\
region us-east-1 {
  vpc v 10.0.0.0/16 {
    internet-gateway igw
    subnet a 10.0.1.0/24 az us-east-1a
    subnet b 10.0.2.0/24 az us-east-1b
    route-table r { route 0.0.0.0/0 via igw; associate a b }
    security-group open { ingress tcp 0-65535 from 0.0.0.0/0 }
    instance web in a sg open
    load-balancer front network internet-facing in a b {
      listener tcp 8443 -> tg
    }
    target-group tg tcp 8443 targets web
  }
}
"""


def test_a_load_balancer_is_exposed_on_its_listener_ports_only() -> None:
    """An NLB with no group answers only on its listeners: its exposure is their ports,
    though no rule names 8443 on the way (the cut comes from the listener)."""
    rows = {(e.interface, e.protocol, e.ports) for e in exposure(compiled(LB_NET)).exposed}
    assert ("v.front", "tcp", "8443") in rows
    assert not any(i == "v.front" and p != "8443" for i, _, p in rows)


def test_an_interface_endpoint_answers_on_its_service_ports_in_a_port_set() -> None:
    """A rule for every port must not hide that an interface endpoint answers on 443 and
    80 only: the simulator cuts its sweep there too."""
    network = compiled(
        LB_NET.replace(
            "    instance web in a sg open\n",
            "    instance web in a sg open\n    endpoint sqs interface sqs in a sg open\n",
        )
    )
    query = parse_query(network, "web", "sqs", "tcp", "any")
    assert not isinstance(query, list)
    allowed = [str(piece) for piece, t in Simulator(network).sweep(query) if t.allowed]
    assert allowed == ["80", "443"]


def test_a_sweep_is_cut_at_each_endpoints_own_ports() -> None:
    """SES's SMTP endpoint answers on its five ports, one written with ``ports`` on those."""
    network = compiled(
        LB_NET.replace(
            "    instance web in a sg open\n",
            "    instance web in a sg open\n"
            "    endpoint smtp interface email-smtp in a sg open\n"
            "    endpoint own interface vpce-svc-1 in a ports 8443 9000-9001 sg open\n",
        )
    )
    for dst, expected in (
        ("email-smtp", ["25", "465", "587", "2465", "2587"]),
        ("vpce-svc-1", ["8443", "9000-9001"]),
    ):
        query = parse_query(network, "web", dst, "tcp", "any")
        assert not isinstance(query, list)
        allowed = [str(piece) for piece, t in Simulator(network).sweep(query) if t.allowed]
        assert allowed == expected


def icmp_rows(text: str) -> list[tuple[str, str, list[int]]]:
    return [
        (e.interface, str(e.icmp), [s.line for s in e.rules])
        for e in exposure(compiled(text)).exposed
        if e.protocol == "icmp"
    ]


def test_icmp_types_are_classes_with_their_rule_lines() -> None:
    """Each ICMP type a rule names is listed alone, with the rule that admits it; a type no
    rule admits (echo reply, timestamp) is not listed."""
    rules = "      ingress icmp type 8 from 0.0.0.0/0\n      ingress icmp type 3 code 4 from 0.0.0.0/0\n"
    text = BASE.replace("      ingress tcp 22 from", rules + "      ingress tcp 22 from")
    assert icmp_rows(text) == [
        ("web", "type 3 code 4 (fragmentation needed)", [2, 18]),  # no reply: no route
        ("web", "type 8 (echo request)", [2, 9, 17]),
    ]
    doc = exposure_json(exposure(compiled(text)))
    first = next(e for e in doc["exposed"] if e["protocol"] == "icmp")
    assert first["ports"] == "" and first["icmp_messages"] == [{"types": "3", "codes": "4"}]
    assert "web: IPv4 icmp type 8 (echo request) from the internet" in exposure_text(
        exposure(compiled(text))
    )
    # The denied twin: without the rules, no ICMP message reaches web.
    assert icmp_rows(BASE) == []


def test_an_acl_that_refuses_the_echo_reply_hides_only_echo() -> None:
    """All of ICMP admitted, the subnet's ACL refusing echo replies out: every message but
    the echo request is exposed; with the reply allowed, all are."""
    acl = (
        "    network-acl edge {\n      inbound 100 allow all from 0.0.0.0/0\n"
        "      outbound 100 deny icmp type 0 to 0.0.0.0/0\n"
        "      outbound 200 allow all to 0.0.0.0/0\n      associate pub\n    }\n"
    )
    text = BASE.replace(
        "      ingress tcp 22 from", "      ingress icmp from 0.0.0.0/0\n      ingress tcp 22 from"
    ).replace("    instance web", acl + "    instance web", 1)
    # Messages that ask for no reply pass the request's lines only; the other requests
    # (timestamp, information, address mask) also pass their reply's ACL rule and route.
    asking = "type 13 (timestamp), type 15 (information request), type 17 (address mask request)"
    silent = ("web", f"all types except type 8 (echo request), {asking}", [17, 22])
    assert icmp_rows(text) == [silent, ("web", asking, [9, 17, 22, 24])]
    # The allowed twin: with the echo reply allowed out (line 23), echo is exposed too.
    allowed = text.replace("outbound 100 deny icmp type 0", "outbound 100 allow icmp type 0")
    assert icmp_rows(allowed) == [
        silent,
        ("web", "type 8 (echo request)", [9, 17, 22, 23]),
        ("web", asking, [9, 17, 22, 24]),
    ]
