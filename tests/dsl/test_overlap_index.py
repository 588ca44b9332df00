"""The overlap index finds the same first overlapping subnet as comparing every pair."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_network

from hypothesis import given, settings
from hypothesis import strategies as st

from netdraft.dsl.validate import _Overlaps

cidrs = st.builds(
    lambda address, prefix: ip_network(f"10.0.{address}.0/{prefix}", strict=False),
    st.integers(0, 255),
    st.integers(16, 28),
)


@settings(max_examples=300)
@given(st.lists(cidrs, max_size=30))
def test_first_overlap_is_the_pairwise_answer(networks: list[IPv4Network]) -> None:
    index = _Overlaps(networks)
    for position, cidr in enumerate(networks):
        expected = next(
            (i for i, old in enumerate(networks[:position]) if old.overlaps(cidr)), None
        )
        assert index.first(cidr) == expected
        index.add(cidr, position)


cidrs6 = st.builds(
    lambda block, prefix: ip_network(f"2001:db8:{block:x}::/{prefix}", strict=False),
    st.integers(0, 0xFFFF),
    st.integers(32, 64),
)


@settings(max_examples=200)
@given(st.lists(cidrs6, max_size=30))
def test_first_overlap_of_ipv6_cidrs_is_the_pairwise_answer(networks: list[IPv6Network]) -> None:
    index = _Overlaps(networks)
    for position, cidr in enumerate(networks):
        expected = next(
            (i for i, old in enumerate(networks[:position]) if old.overlaps(cidr)), None
        )
        assert index.first(cidr) == expected
        index.add(cidr, position)


def test_each_overlapping_vpc_cidr_is_reported_once_naming_the_first() -> None:
    from netdraft import api

    cidrs = " ".join(["10.0.0.0/16"] * 3 + ["10.0.1.0/24"])
    compiled = api.compile(f"region us-east-1 {{ vpc v {cidrs} {{\n}}}}\n", "v.nd")
    found = [d.message for d in compiled.diagnostics if d.code == "vpc-cidr-overlap"]
    assert found == ["vpc 'v' CIDRs 10.0.0.0/16 and 10.0.0.0/16 overlap"] * 2 + [
        "vpc 'v' CIDRs 10.0.0.0/16 and 10.0.1.0/24 overlap"
    ]
