"""The simulator's look-up tables answer as a scan of every CIDR would."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from hypothesis import given
from hypothesis import strategies as st

from netdraft.sim.index import Cover

networks = st.builds(
    lambda address, length: IPv4Network((address, length), strict=False),
    st.integers(0, 2**32 - 1),
    st.integers(0, 32),
)


def scan(nets: list[IPv4Network], address: int) -> IPv4Network | None:
    """The widest CIDR holding the address, by looking at every one."""
    holding = [n for n in nets if IPv4Address(address) in n]
    return min(holding, key=lambda n: n.prefixlen) if holding else None


@given(st.lists(networks, max_size=30), st.lists(st.integers(0, 2**32 - 1), max_size=20))
def test_cover_finds_the_widest_cidr_holding_an_address(
    nets: list[IPv4Network], probes: list[int]
) -> None:
    cover = Cover(nets)
    edges = [int(x) + d for n in nets for x in (n.network_address, n.broadcast_address) for d in (-1, 0, 1)]
    for address in [*probes, *(e for e in edges if 0 <= e < 2**32)]:
        assert cover.widest(address) == scan(nets, address)


def test_cover_of_nothing_holds_nothing() -> None:
    assert Cover([]).widest(0) is None
