"""The simulator's look-up tables answer as a scan of every CIDR would."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from hypothesis import given
from hypothesis import strategies as st

from netdraft.sim.index import Cover, Prefixes

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
    edges = [
        int(x) + d
        for n in nets
        for x in (n.network_address, n.broadcast_address)
        for d in (-1, 0, 1)
    ]
    for address in [*probes, *(e for e in edges if 0 <= e < 2**32)]:
        assert cover.widest(address) == scan(nets, address)


def test_cover_of_nothing_holds_nothing() -> None:
    assert Cover([]).widest(0) is None


def longest_by_scan(routes: list[tuple[IPv4Network, float, int]], address: int) -> int | None:
    """The route a linear scan picks: longest prefix, then lowest rank, then first written."""
    best, key = None, (-1, 0.0)
    for net, rank, route in routes:
        if IPv4Address(address) in net and (net.prefixlen, -rank) > key:
            best, key = route, (net.prefixlen, -rank)
    return best


@given(
    st.lists(st.tuples(networks, st.sampled_from([0.0, 1.0, 1.5, 2.0])), max_size=30),
    st.lists(st.integers(0, 2**32 - 1), max_size=20),
)
def test_prefixes_pick_the_route_a_scan_of_every_route_picks(
    written: list[tuple[IPv4Network, float]], probes: list[int]
) -> None:
    routes = [(net, rank, i) for i, (net, rank) in enumerate(written)]
    table = Prefixes(routes)
    edges = [int(n.network_address) + d for n, _rank in written for d in (-1, 0, 1)]
    for address in [*probes, *(e for e in edges if 0 <= e < 2**32)]:
        assert table.lookup(IPv4Address(address)) == longest_by_scan(routes, address)
    assert table.default() == longest_by_scan([r for r in routes if r[0].prefixlen == 0], 0)
