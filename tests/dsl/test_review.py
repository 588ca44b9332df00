"""Review warnings (LANGUAGE.md §13): each fires on its case and not on its near miss, and the
shadowing of ACL rules is exact (compared with a brute-force oracle on random rules)."""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdraft import api

VPC = """region us-east-1 {{
  vpc main 10.0.0.0/16 {{
    ipv6 2001:db8:1200::/56
    internet-gateway igw
    subnet public-a 10.0.0.0/24 az us-east-1a ipv6 2001:db8:1200::/64
    subnet private-a 10.0.1.0/24 az us-east-1a
    subnet private-b 10.0.2.0/24 az us-east-1b
{body}
  }}
}}
"""


def found(body: str, code: str) -> list[tuple[int, str]]:
    """The (line in ``body``, message) of each ``code`` diagnostic of a VPC holding ``body``."""
    compiled = api.compile(VPC.format(body=body), "review.nd")
    assert compiled.ok, [d.headline() for d in compiled.diagnostics if d.is_error]
    return [(d.span.line - 7, d.message) for d in compiled.diagnostics if d.code == code]


def acl(*rules: str) -> str:
    lines = "\n".join(f"      {r}" for r in rules)
    return f"    network-acl a {{\n{lines}\n      associate private-a\n    }}"


def shadowed(*rules: str) -> list[int]:
    return [line - 1 for line, _ in found(acl(*rules), "acl-rule-shadowed")]


# ---- acl-rule-shadowed -----------------------------------------------------------------------


def test_two_rules_together_shadow_a_third_that_neither_covers_alone() -> None:
    rules = [
        "inbound 100 allow tcp 22-25 from 10.0.0.0/24",
        "inbound 110 allow tcp 26-30 from 10.0.0.0/23",
        "inbound 120 deny tcp 24-28 from 10.0.0.0/25",
    ]
    assert shadowed(*rules) == [3]
    [(_, message)] = found(acl(*rules), "acl-rule-shadowed")
    assert "rules 100 (allow) and 110 (allow) come first" in message


def test_a_gap_of_one_port_leaves_the_rule_alive() -> None:
    assert (
        shadowed(
            "inbound 100 allow tcp 22-25 from 10.0.0.0/24",
            "inbound 110 allow tcp 27-30 from 10.0.0.0/24",
            "inbound 120 deny tcp 24-28 from 10.0.0.0/24",
        )
        == []
    )


def test_port_edges_count_exactly() -> None:
    assert shadowed(
        "inbound 100 allow tcp 1024-65535 from 0.0.0.0/0",
        "inbound 110 deny tcp 1024 from 10.0.0.0/8",
        "inbound 120 deny tcp 1023-1024 from 10.0.0.0/8",
        "inbound 130 deny tcp 65535 from 10.0.0.0/8",
    ) == [2, 4]


def test_addresses_joined_from_two_halves_shadow_the_whole() -> None:
    assert shadowed(
        "inbound 100 allow udp 53 from 10.0.0.0/25",
        "inbound 110 allow udp 53 from 10.0.0.128/25",
        "inbound 120 allow udp 53 from 10.0.0.0/24",
        "inbound 130 allow udp 53 from 10.0.0.0/23",
    ) == [3]


def test_ipv6_rules_are_compared_with_ipv6_rules_only() -> None:
    assert shadowed(
        "inbound 100 allow all from 0.0.0.0/0",
        "inbound 110 allow tcp 443 from ::/0",
        "inbound 120 allow tcp 443 from 2001:db8::/32",
    ) == [3]


def test_all_protocols_are_more_than_tcp_udp_and_icmp() -> None:
    assert shadowed(
        "inbound 100 allow tcp from 0.0.0.0/0",
        "inbound 110 allow udp from 0.0.0.0/0",
        "inbound 120 allow icmp from 0.0.0.0/0",
        "inbound 130 allow all from 0.0.0.0/0",
        "inbound 140 allow tcp 80 from 10.0.0.0/8",
    ) == [5]


def test_icmp_types_and_codes() -> None:
    assert shadowed(
        "inbound 100 allow icmp type 3 from 0.0.0.0/0",
        "inbound 110 allow icmp type 3 code 4 from 10.0.0.0/8",
        "inbound 120 allow icmp type 8 code 0 from 10.0.0.0/8",
        "inbound 130 allow icmp from 10.0.0.0/8",
    ) == [2]


def test_directions_are_apart_and_a_later_number_written_first_still_comes_after() -> None:
    assert shadowed(
        "outbound 200 deny tcp 22 to 10.0.0.0/8",
        "inbound 200 deny tcp 22 from 10.0.0.0/8",
        "outbound 100 allow all to 0.0.0.0/0",
    ) == [1]


def test_the_shadowing_rules_named_are_needed() -> None:
    rules = [
        "inbound 100 allow tcp 0-100 from 10.0.0.0/8",
        "inbound 110 allow tcp 0-65535 from 10.0.0.0/8",
        "inbound 120 deny tcp 50 from 10.0.0.0/16",
    ]
    [(_, message)] = found(acl(*rules), "acl-rule-shadowed")
    assert "rule 100 (allow) comes first" in message  # one suffices: 110 is not named


PROTOCOLS = ("tcp", "udp", "icmp", "all")
ADDRESSES = [
    IPv4Network(f"10.0.0.{low}/{length}")
    for length in (28, 29, 30)
    for low in range(0, 16, 2 ** (32 - length))
]


@st.composite
def rules(draw: st.DrawFn) -> list[tuple[str, IPv4Network, tuple[int, int] | None]]:
    found = []
    for _ in range(draw(st.integers(1, 7))):
        protocol = draw(st.sampled_from(PROTOCOLS))
        cidr = draw(st.sampled_from(ADDRESSES))
        ports = None
        if protocol in ("tcp", "udp") and draw(st.booleans()):
            low = draw(st.integers(20, 30))
            ports = (low, draw(st.integers(low, 31)))
        found.append((protocol, cidr, ports))
    return found


def oracle(written: list[tuple[str, IPv4Network, tuple[int, int] | None]]) -> list[int]:
    """Which rules are shadowed, by testing one packet of every class the rules distinguish."""
    ports = sorted({0, 65535, *(p for _, _, r in written if r for p in (r[0], r[1] + 1))})
    addresses = sorted(
        {a for _, c, _ in written for a in (int(c.network_address), int(c.broadcast_address) + 1)}
    )

    def matches(
        rule: tuple[str, IPv4Network, tuple[int, int] | None], packet: tuple[str, int, int]
    ) -> bool:
        protocol, cidr, span = rule
        proto, address, port = packet
        if protocol not in ("all", proto):
            return False
        inside = int(cidr.network_address) <= address <= int(cidr.broadcast_address)
        return inside and (
            span is None or proto not in ("tcp", "udp") or span[0] <= port <= span[1]
        )

    packets = [
        (p, a, q)
        for p in ("tcp", "udp", "icmp", "gre")
        for a in addresses
        for q in ports
        if q <= 65535
    ]
    shadows = []
    for n, rule in enumerate(written):
        own = [p for p in packets if matches(rule, p)]
        if own and all(any(matches(e, p) for e in written[:n]) for p in own):
            shadows.append(n + 1)
    return shadows


@settings(max_examples=150, deadline=None)
@given(rules())
def test_shadowing_agrees_with_a_brute_force_oracle(
    written: list[tuple[str, IPv4Network, tuple[int, int] | None]],
) -> None:
    lines = [
        f"inbound {100 + 10 * n} allow {p}{f' {r[0]}-{r[1]}' if r else ''} from {c}"
        for n, (p, c, r) in enumerate(written)
    ]
    assert shadowed(*lines) == oracle(written)


# ---- sg-rule-covered -------------------------------------------------------------------------


def group(*rules: str, name: str = "app") -> str:
    lines = "\n".join(f"      {r}" for r in rules)
    return f"    security-group {name} {{\n{lines}\n    }}\n    instance i-{name} in private-a sg {name}"


def covered(*rules: str) -> list[int]:
    return [line - 1 for line, _ in found(group(*rules), "sg-rule-covered")]


def test_a_rule_covered_by_the_union_of_two() -> None:
    assert covered(
        "ingress tcp 1-1000 from 10.0.0.0/16",
        "ingress tcp 1001-9000 from 10.0.0.0/16",
        "ingress tcp 443-8443 from 10.0.4.0/22",
    ) == [3]


def test_a_rule_that_reaches_one_port_further_is_not_covered() -> None:
    assert (
        covered(
            "ingress tcp 1-1000 from 10.0.0.0/16",
            "ingress tcp 1001-9000 from 10.0.0.0/16",
            "ingress tcp 443-9001 from 10.0.4.0/22",
        )
        == []
    )


def test_of_two_identical_rules_the_later_is_reported_and_order_does_not_matter() -> None:
    assert covered("ingress tcp 443 from 10.0.0.0/8", "ingress tcp 443 from 10.0.0.0/8") == [2]
    # Unordered: the wider rule written last still covers the narrower one.
    assert covered("ingress tcp 443 from 10.1.0.0/16", "ingress tcp 0-65535 from 10.0.0.0/8") == [1]


def test_a_group_reference_is_covered_only_by_the_same_reference() -> None:
    assert covered("ingress tcp 22 from 0.0.0.0/0", "ingress tcp 22 from app") == []
    assert covered("ingress all from app", "ingress tcp 22 from app") == [2]


def test_ipv6_and_egress() -> None:
    assert covered(
        "egress tcp 443 to ::/0",
        "egress tcp 443 to 2001:db8::/32",
        "egress tcp 443 to 10.0.0.0/8",
    ) == [2]


def test_a_group_without_egress_lines_gets_no_warning_for_awss_rules() -> None:
    assert covered("ingress tcp 443 from 10.0.0.0/8") == []


# ---- open-admin-port -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "fires"),
    [
        ("ingress tcp 22 from 0.0.0.0/0", True),
        ("ingress tcp 3389 from ::/0", True),
        ("ingress tcp 20-30 from 0.0.0.0/0", True),
        ("ingress all from 0.0.0.0/0", True),
        ("ingress tcp 23-3388 from 0.0.0.0/0", False),
        ("ingress tcp 22 from 0.0.0.0/1", False),
        ("ingress udp 22 from 0.0.0.0/0", False),
        ("egress tcp 22 to 0.0.0.0/0", False),
    ],
)
def test_open_admin_port(rule: str, fires: bool) -> None:
    assert bool(found(group(rule), "open-admin-port")) is fires


def test_both_admin_ports_are_named() -> None:
    [(_, message)] = found(group("ingress tcp any from 0.0.0.0/0"), "open-admin-port")
    assert "SSH (tcp 22) and RDP (tcp 3389)" in message


# ---- what nothing uses -----------------------------------------------------------------------


def test_unused_things_and_their_near_misses() -> None:
    body = "\n".join(
        [
            "    security-group used { ingress tcp 443 from 10.0.0.0/8 }",
            "    security-group lonely { ingress tcp 443 from used }",
            "    security-group for-endpoint { ingress tcp 443 from 10.0.0.0/8 }",
            "    instance app in private-a sg used",
            "    endpoint sns interface sns in private-a sg for-endpoint",
            "    route-table private { route 0.0.0.0/0 via igw; associate private-a }",
            "    route-table spare { route 0.0.0.0/0 via igw }",
            "    route-table primary main { route 0.0.0.0/0 via igw }",
            "    network-acl guarded { inbound 100 allow all from 0.0.0.0/0; associate private-b }",
            "    network-acl spare-acl { inbound 100 allow all from 0.0.0.0/0 }",
        ]
    )
    assert [line for line, _ in found(body, "unused-security-group")] == [2]
    assert [line for line, _ in found(body, "unused-route-table")] == [7]
    assert [line for line, _ in found(body, "unused-network-acl")] == [10]


def test_a_load_balancers_group_is_in_use_and_a_network_load_balancer_has_none() -> None:
    body = "\n".join(
        [
            "    security-group front { ingress tcp 443 from 10.0.0.0/8 }",
            "    security-group spare { ingress tcp 443 from 10.0.0.0/8 }",
            "    instance app in private-a",
            "    load-balancer alb application internal in private-a private-b sg front {",
            "      listener http 80 -> tg",
            "    }",
            "    load-balancer nlb network internal in private-a private-b {",
            "      listener tcp 81 -> tg",
            "    }",
            "    target-group tg http 80 targets app",
        ]
    )
    assert [line for line, _ in found(body, "unused-security-group")] == [2]


def test_the_default_objects_are_never_unused() -> None:
    assert found("", "unused-security-group") == []
    assert found("", "unused-route-table") == []
    assert found("", "unused-network-acl") == []


# ---- nat-cross-az ----------------------------------------------------------------------------


def test_a_table_of_two_zones_on_one_nat_gateway() -> None:
    base = [
        "    nat-gateway nat-a in public-a",
        "    route-table public { route 0.0.0.0/0 via igw; associate public-a }",
    ]
    one_zone = "    route-table p { route 0.0.0.0/0 via nat-a; associate private-a }"
    two_zones = "    route-table p { route 0.0.0.0/0 via nat-a; associate private-a private-b }"
    assert found("\n".join([*base, one_zone]), "nat-cross-az") == []
    [(line, message)] = found("\n".join([*base, two_zones]), "nat-cross-az")
    assert line == 3 and "'private-b' (us-east-1b)" in message and "private-a" not in message
