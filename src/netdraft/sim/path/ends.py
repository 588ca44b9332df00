"""The ends of a connection: the concrete addresses each endpoint of a query is tried with.

When an endpoint stands for many addresses (``internet``, a service), every
representative address is tried and the first that works decides (see
:meth:`Index.internet_candidates`). ICMP is IPv4's and ICMPv6 IPv6's: the protocol
chooses the address family; otherwise IPv6 is tried too where both ends have it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.model.network import Query
from netdraft.model.values import IPAddress, Protocol
from netdraft.sim.path.walk import Addr, Context, Drop, End, PublicAddr
from netdraft.sim.trace import ComponentKind

P = m.PlaceKind
C = ComponentKind
_ICMP_FAMILY = {Protocol.ICMP: 4, Protocol.ICMPV6: 6}


def parse_address(text: str) -> IPAddress | None:
    """The address ``text`` writes, or None when it is a name."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def attempts(sim: Context, q: Query) -> Iterator[tuple[End | Drop, End | Drop]]:
    """Every pair of concrete ends to try, in order (an end that cannot take part is a drop)."""
    family = _ICMP_FAMILY.get(q.protocol)
    if family is not None:
        for place in (q.source, q.destination):
            written = parse_address(place.text)
            if written is not None and written.version != family:
                other = "icmpv6" if family == 4 else "icmp"
                drop = Drop(
                    DropCode.NO_ROUTE_TO_DESTINATION,
                    f"{q.protocol.value} is an IPv{family} protocol and {written} an IPv{written.version} address: use {other}",
                    place,
                )
                yield drop, drop
                return
    versions = [family] if family is not None else _versions(sim, q)
    for version in versions:
        for src in _ends(sim, q.source, version, q.destination, False):
            for dst in _ends(sim, q.destination, version, q.source, True):
                yield src, _via_interface_endpoint(sim, src, dst)


def _versions(sim: Context, q: Query) -> list[int]:
    for place in (q.destination, q.source):
        if place.address is not None and place.kind in (P.INTERNET, P.HOST, P.VPC_ADDRESS):
            return [place.address.version]
        if place.address is not None and place.address.version == 6:
            return [6]
    versions = [4]
    # 'internet' or a service with an IPv6-capable instance on the other side: try IPv6 too.
    if any(
        p.kind in (P.INTERNET, P.SERVICE) and p.address is None for p in (q.source, q.destination)
    ):
        others = [p for p in (q.source, q.destination) if p.kind is P.INSTANCE]
        if others and all(_instance(sim, p).ipv6 is not None for p in others):
            versions.append(6)
    return versions


def _instance(sim: Context, place: m.Place) -> m.Instance:
    return sim.net.vpcs[place.vpc].instances[place.name]


def _via_interface_endpoint(sim: Context, src: End | Drop, dst: End | Drop) -> End | Drop:
    """From inside a VPC, a service with an interface endpoint there resolves to it (private DNS)."""
    if (
        not isinstance(src, End)
        or not isinstance(dst, End)
        or dst.kind is not C.SERVICE
        or not src.vpc
    ):
        return dst
    vpc = sim.net.vpcs[src.vpc]
    for ep in vpc.endpoints.values():
        if ep.kind is m.EndpointKind.INTERFACE and ep.service == dst.service and ep.addresses:
            az = vpc.subnets[src.subnet].az if src.subnet in vpc.subnets else ""
            pick = next((i for i, s in enumerate(ep.subnets) if vpc.subnets[s].az == az), 0)
            address = ep.addresses[pick] if dst.address.version == 4 else None
            if address is None:
                continue
            return End(C.ENDPOINT, ep.name, address, vpc.name, ep.subnets[pick], service=ep.service)
    return dst


def _ends(
    sim: Context, place: m.Place, version: int, other: m.Place, is_dst: bool
) -> list[End | Drop]:
    """The concrete ends ``place`` is tried as, in IP ``version``, facing ``other``."""
    return _ENDS[place.kind](sim, place, version, other, is_dst)


def _instance_end(
    sim: Context, place: m.Place, version: int, other: m.Place, is_dst: bool
) -> list[End | Drop]:
    inst = _instance(sim, place)
    address: Addr | None
    if is_dst and version == 4 and (place.via_public_ip or other.kind is P.INTERNET):
        # Reached from the internet: by its public address (NO_PUBLIC_IP at the gateway if none).
        address = PublicAddr(place.vpc, inst.name, inst.public_ip)
    elif version == 6:
        address = inst.ipv6
    else:
        address = inst.ip
    if address is None:
        reason = f"instance '{inst.name}' has no IPv6 address"
        return [Drop(DropCode.NO_ROUTE_TO_DESTINATION, reason)]
    return [End(C.INSTANCE, inst.name, address, place.vpc, inst.subnet, instance=inst)]


def _nat_gateway_end(
    sim: Context, place: m.Place, version: int, other: m.Place, is_dst: bool
) -> list[End | Drop]:
    nat = sim.net.vpcs[place.vpc].nat_gateways[place.name]
    if nat.down:
        reason = f"NAT gateway '{nat.name}' is down: no network interface answers for it"
        return [Drop(DropCode.NO_INTERFACE, reason)]
    address: Addr = nat.ip
    reached_from_internet = place.via_public_ip or other.kind is P.INTERNET
    if is_dst and version == 4 and reached_from_internet and not nat.private:
        address = PublicAddr(place.vpc, nat.name, nat.eip)  # its Elastic IP
    return [End(C.NAT_GATEWAY, nat.name, address, place.vpc, nat.subnet)]


def _host_end(
    sim: Context, place: m.Place, version: int, other: m.Place, is_dst: bool
) -> list[End | Drop]:
    assert place.address is not None
    if place.address.version != version:
        reason = f"'{place}' has no IPv{version} address"
        return [Drop(DropCode.NO_ROUTE_TO_DESTINATION, reason)]
    return [End(C.HOST, place.name or str(place.address), place.address, site=place.site)]


def _vpc_address_end(
    sim: Context, place: m.Place, version: int, other: m.Place, is_dst: bool
) -> list[End | Drop]:
    assert place.address is not None
    if not is_dst:
        # Nothing holds the address, so nothing sends from it (LANGUAGE.md §9).
        reason = f"no network interface holds {place.address}: nothing sends from it"
        return [Drop(DropCode.NO_INTERFACE, reason)]
    subnet = sim.ix.subnet_at(place.vpc, place.address)
    name = subnet.name if subnet else ""
    return [End(C.VPC_ADDRESS, str(place.address), place.address, place.vpc, name)]


def _service_end(
    sim: Context, place: m.Place, version: int, other: m.Place, is_dst: bool
) -> list[End | Drop]:
    return [
        End(C.SERVICE, place.name, a, service=place.name)
        for a in sim.ix.internet_candidates(version)[:1]
    ]


def _internet_end(
    sim: Context, place: m.Place, version: int, other: m.Place, is_dst: bool
) -> list[End | Drop]:
    if place.address is not None:
        return [End(C.INTERNET, str(place.address), place.address)]
    return [End(C.INTERNET, "internet", a) for a in sim.ix.internet_candidates(version)]


#: The ends an endpoint of each kind is tried as.
_ENDS: dict[m.PlaceKind, Callable[[Context, m.Place, int, m.Place, bool], list[End | Drop]]] = {
    P.INSTANCE: _instance_end,
    P.NAT_GATEWAY: _nat_gateway_end,
    P.HOST: _host_end,
    P.VPC_ADDRESS: _vpc_address_end,
    P.SERVICE: _service_end,
    P.INTERNET: _internet_end,
}
