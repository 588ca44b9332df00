"""Reachability fidelity (LANGUAGE.md §9): what the sentences, JSON, diagram and costs say.

The verdicts themselves are rows of ``test_paths.py`` (networks ``addresses``, ``local``,
``loops`` and ``down``) and the oracle's; here, what each output says about those paths.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from test_paths import NETWORKS, network, run

from netdraft import api
from netdraft.generator.diagram import MUTED, dot_source
from netdraft.generator.explain import explain, trace_json
from netdraft.generator.view import build_view
from netdraft.sim.cost import hourly_charges
from netdraft.sim.prices import bundled
from netdraft.sim.trace import ComponentKind

#: (network, src, dst, proto, port, words the reason says)
SENTENCES = [
    ("addresses", "plain", "10.70.1.200", "tcp", 443, ["no network interface holds 10.70.1.200"]),
    ("addresses", "10.70.1.200", "plain", "tcp", 443, ["nothing sends from it"]),
    ("addresses", "plain", "10.70.9.9", "tcp", 443, ["no network interface holds 10.70.9.9"]),
    ("local", "locked", "169.254.169.254", "tcp", 443, ["metadata", "answers only tcp 80"]),
    ("local", "locked", "10.90.0.2", "tcp", 80, ["Amazon DNS resolver", "tcp/udp 53"]),
    ("local", "locked", "169.254.1.1", "tcp", 80, ["no network interface holds 169.254.1.1"]),
    ("local", "peer", "10.90.0.2", "udp", 53, ["answers only instances of vpc 'a'"]),
    ("local", "h", "169.254.169.254", "tcp", 80, ["link-local"]),
    ("local", "internet", "169.254.169.254", "tcp", 80, ["link-local"]),
    ("loops", "app", "internet", "tcp", 443, ["subnet 'pub' → nat-instance 'natx' → subnet 'pub'"]),
    ("loops", "na", "internet", "tcp", 443, ["nat-instance 'nb'", "nat-instance 'na'"]),
    (
        "tgw-loop",
        "x",
        "10.9.0.1",
        "tcp",
        22,
        [
            "subnet 's' of vpc 'b' → transit-gateway 'tgw' (to attachment 'b') → subnet 's' of"
            " vpc 'b'"
        ],
    ),
    ("down", "a", "internet", "tcp", 443, ["NAT gateway 'nat', which is down"]),
    ("down", "b", "h", "tcp", 22, ["vpn 'tun'", "is down", "'vgw' has no route for it"]),
    ("vpn", "alone", "carried", "tcp", 22, ["vpn gateway 'vgw2' has no VPN connection up"]),
    (
        "endpoint-ports",
        "c",
        "10.60.1.50",
        "tcp",
        22,
        ["answers only TCP 80 and 443 (the ports of sqs)", "not tcp 22"],
    ),
    (
        "endpoint-ports",
        "c",
        "sqs",
        "udp",
        53,
        ["answers only TCP 80 and 443 (the ports of sqs)", "not udp 53"],
    ),
    ("endpoint-ports", "10.60.1.50", "c", "tcp", 22, ["'sqs-if' opens no connections"]),
    ("down", "h", "b", "tcp", 22, ["vpn 'tun'", "is down"]),
    ("down", "b", "c", "tcp", 22, ["instance 'c' is down"]),
    ("down", "b", "10.99.0.1", "tcp", 22, ["instance 'c', which is down"]),
    ("down", "t", "h4", "tcp", 22, ["vpn 'tv2', which is down"]),
    ("down", "nat", "internet", "tcp", 443, ["NAT gateway 'nat' is down"]),
]


@pytest.mark.parametrize(("net", "src", "dst", "proto", "port", "words"), SENTENCES)
def test_the_reason_names_what_drops(
    net: str, src: str, dst: str, proto: str, port: int, words: list[str]
) -> None:
    t = run(net, src, dst, proto, port)
    assert not t.allowed
    for word in words:
        assert word in t.reason, t.reason
    text = explain(t)  # every step has its sentence
    assert f"denied on the request: {t.code}" in text


def test_a_loop_is_cut_at_the_first_hop_crossed_again() -> None:
    t = run("loops", "app", "internet", "tcp", 443)
    # app, its subnet, pub, natx, pub: the packet is back at pub's route table.
    assert [h.name for h in t.forward] == ["app", "priv", "pub", "natx", "pub", "natx", "pub"]
    assert len(explain(t).splitlines()) < 30
    assert not t.forward[-1].ok


def test_a_reply_through_the_gateways_of_the_request_is_no_loop() -> None:
    t = run("down", "b", "internet", "tcp", 443)  # out and back through nat2 and igw
    assert t.allowed
    assert [h.name for h in t.reverse].count("pub") == 2


def test_services_on_the_host_cross_no_group_acl_or_route() -> None:
    t = run("local", "locked", "169.254.169.254", "tcp", 80)
    assert t.allowed
    assert [(h.kind, h.name) for h in t.forward] == [
        (ComponentKind.INSTANCE, "locked"),
        (ComponentKind.SERVICE, "instance-metadata"),
    ]
    assert [(h.kind, h.name) for h in t.reverse] == [
        (ComponentKind.SERVICE, "instance-metadata"),
        (ComponentKind.INSTANCE, "locked"),
    ]
    text = explain(t)
    assert "no route, security group or network ACL applies" in text
    assert "security group" not in text.replace("no route, security group or network ACL", "")


def test_json_of_a_service_and_of_an_unused_address() -> None:
    ok = trace_json(run("local", "locked", "10.90.0.2", "udp", 53))
    assert ok["verdict"] == "allow" and ok["code"] is None
    assert [h["name"] for h in ok["forward"]] == ["locked", "amazon-dns"]
    assert ok["destination_address"] == "10.90.0.2"
    denied = trace_json(run("addresses", "plain", "10.70.1.200", "tcp", 443))
    assert denied["code"] == "NO_INTERFACE" and denied["leg"] == "forward"
    assert denied["forward"][-1]["steps"][-1]["ok"] is False
    json.dumps(denied)  # plain data


@pytest.mark.parametrize(
    ("net", "src", "dst", "proto", "port"),
    [
        ("local", "locked", "169.254.169.254", "tcp", 80),
        ("local", "peer", "10.90.0.2", "udp", 53),
        ("addresses", "plain", "10.70.1.200", "tcp", 443),
        ("loops", "app", "internet", "tcp", 443),
        ("down", "a", "internet", "tcp", 443),
    ],
)
def test_the_diagram_draws_these_paths(net: str, src: str, dst: str, proto: str, port: int) -> None:
    t = run(net, src, dst, proto, port)
    dot = dot_source(build_view(network(net), highlight=t))
    assert dot.startswith("digraph") or "digraph" in dot


def test_a_down_part_is_labelled_and_greyed_on_the_diagram() -> None:
    dot = dot_source(build_view(network("down")))
    drawn = "\n".join(line for line in dot.splitlines() if not line.startswith("\tlegend "))
    assert drawn.count(">down<") == 5  # the NAT gateway, the instance and three VPNs
    assert ">down<" in dot.split("\tlegend ")[1]  # and the legend's key explains it
    for name in ("nat", "c", "tun", "tv", "tv2"):
        assert f'<FONT COLOR="{MUTED}"><B>{name}</B></FONT>' in dot, name
    for name in ("nat2", "b", "tun2", "tv3"):
        assert f"<TD><B>{name}</B></TD>" in dot, name


def test_a_service_on_the_host_is_drawn_as_one() -> None:
    t = run("local", "locked", "169.254.169.254", "tcp", 80)
    dot = dot_source(build_view(network("local"), highlight=t))
    assert "service_instance-metadata" in dot and "on the instance&#x27;s host" in dot


def test_down_parts_still_bill_their_hours() -> None:
    """A down NAT gateway exists, so AWS bills its hours; a VPN connection is billed while
    provisioned, whatever its tunnels do (§14: down removes a part from paths, not bills)."""
    prices = bundled()
    net = network("down")
    what = [c.what for c in hourly_charges(net, prices)]
    assert "NAT gateway nat" in what and "NAT gateway nat2" in what
    assert any("tun" in w and "VPN" in w for w in what), what
    up = api.compile(NETWORKS["down"].replace(" down\n", "\n"), "<up>").network
    assert up is not None
    total = sum((c.amount for c in hourly_charges(net, prices)), Decimal(0))
    assert total == sum((c.amount for c in hourly_charges(up, prices)), Decimal(0))


def test_expect_names_the_new_codes(tmp_path: Path) -> None:
    text = (
        NETWORKS["local"]
        + "expect open -> 10.90.2.99 tcp 22 deny because NO_INTERFACE\n"
        + "expect open -> 10.90.0.2 udp 53 allow\n"
        + "expect peer -> 10.90.0.2 udp 53 deny because RESOLVER_OUTSIDE_VPC\n"
    )
    path = tmp_path / "local.nd"
    path.write_text(text, "utf-8")
    analysis = api.check(path)
    assert analysis.ok, [d.message for d in analysis.diagnostics]
    assert analysis.expectations_checked == 3
    docs = api.write_docs(analysis, tmp_path / "out")
    assert docs and all(p.exists() for p in docs)


def test_down_compiles_into_the_model_and_withdraws_propagated_routes() -> None:
    net = network("down")
    v = net.vpcs["v"]
    assert v.nat_gateways["nat"].down and not v.nat_gateways["nat2"].down
    assert v.instances["c"].down and not v.instances["c"].stopped
    assert net.vpns["tun"].down and not net.vpns["tun2"].down
    propagated = [r for r in v.route_tables["p"].routes if r.origin.value == "propagated"]
    assert [str(r.destination) for r in propagated] == ["172.20.0.0/16"]  # tun2's; tun is down
    tgw = net.transit_gateways["tgw"].route_tables["main"]
    by_attachment = {(str(r.destination), r.attachment, r.origin.value) for r in tgw.routes}
    assert ("172.29.0.0/16", "tv3", "propagated") in by_attachment
    assert not any(a == "tv" for _d, a, _o in by_attachment)  # withdrawn
    assert ("172.31.0.0/16", "tv2", "static") in by_attachment  # kept: a blackhole when used
