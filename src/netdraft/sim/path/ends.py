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
from netdraft.sim.index import node_owner
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
                if q.destination.address is not None:
                    # A service's address written: the packet goes to that address (an
                    # interface endpoint is reached by its DNS names, never by the
                    # service's public addresses).
                    yield src, dst
                    continue
                for end in _service_ends(sim, src, dst):
                    yield src, end


def _versions(sim: Context, q: Query) -> list[int]:
    for place in (q.destination, q.source):
        if place.address is not None and place.kind in (
            P.INTERNET,
            P.HOST,
            P.VPC_ADDRESS,
            P.SERVICE,
        ):
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


def _service_ends(sim: Context, src: End | Drop, dst: End | Drop) -> list[End | Drop]:
    """Where a connection to a service goes, in the order it is tried (LANGUAGE.md §9).

    From a subnet whose route table has the service's gateway endpoint (its prefix-list
    route), the service itself, through that endpoint. Else, from a VPC with an interface
    endpoint for it, that endpoint (private DNS resolves the service's name to it inside
    the VPC). Else, from a VPC or a site, the interface endpoints of the other VPCs
    (their endpoint-specific DNS names), then the service as on the internet.
    """
    if not isinstance(src, End) or not isinstance(dst, End) or dst.kind is not C.SERVICE:
        return [dst]
    if dst.address.version != 4:
        return [dst]
    if src.vpc:
        vpc = sim.net.vpcs[src.vpc]
        subnet = vpc.subnets.get(src.subnet)
        if subnet is not None and _has_gateway_endpoint(vpc, subnet, dst.service):
            return [dst]
        own = _interface_ends(sim, vpc, dst.service, subnet.az if subnet else "", False)
        if own:
            return own[:1]
    elif src.kind is not C.HOST:
        return [dst]
    az = sim.net.vpcs[src.vpc].subnets[src.subnet].az if src.vpc and src.subnet else ""
    remote: list[End | Drop] = []
    for vpc in sim.net.vpcs.values():
        if vpc.name != src.vpc:
            remote += _interface_ends(sim, vpc, dst.service, az, True)
    return [*remote, dst]


def _has_gateway_endpoint(vpc: m.Vpc, subnet: m.Subnet, service: str | None) -> bool:
    """Whether the subnet's route table routes the service's prefix list to a gateway endpoint."""
    table = vpc.route_tables.get(subnet.route_table)
    return table is not None and any(
        isinstance(r.destination, m.PrefixList)
        and r.destination.service == service
        and r.target.kind is m.TargetKind.ENDPOINT
        for r in table.routes
    )


def _interface_ends(
    sim: Context, vpc: m.Vpc, service: str | None, az: str, remote: bool
) -> list[End | Drop]:
    """The network interfaces of the VPC's interface endpoints for ``service``: the one in
    ``az`` first, then the others in the order of their subnets."""
    found: list[End | Drop] = []
    for ep in vpc.endpoints.values():
        if ep.kind is not m.EndpointKind.INTERFACE or ep.service != service:
            continue
        pairs = list(zip(ep.subnets, ep.addresses, strict=True))
        pairs.sort(key=lambda p: vpc.subnets[p[0]].az != az)
        if not remote:
            pairs = pairs[:1]  # private DNS answers with the interface of the source's AZ
        for subnet, address in pairs:
            found.append(
                End(
                    C.ENDPOINT,
                    ep.name,
                    address,
                    vpc.name,
                    subnet,
                    service=ep.service,
                    remote=remote,
                )
            )
    return found


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
    eni = sim.ix.enis.get((place.vpc, place.address))
    if eni is not None and eni.kind is C.ENDPOINT:
        # An interface endpoint's address: the endpoint itself, as when named by its service.
        ep = sim.net.vpcs[place.vpc].endpoints[eni.name]
        if not is_dst and ep.resolver != "outbound":
            # It answers connections to its service; it opens none (AWS PrivateLink). An
            # outbound resolver endpoint is the one that sends: its rules' queries.
            reason = f"interface endpoint '{ep.name}' opens no connections: it only answers those made to {ep.service}"
            return [Drop(DropCode.NO_INTERFACE, reason)]
        return [End(C.ENDPOINT, ep.name, place.address, place.vpc, eni.subnet, service=ep.service)]
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
    """A service at the address written, else at the first address of its published
    ranges in the other end's region (the bundled snapshot), else at a representative
    internet address."""
    if place.address is not None:
        if place.address.version != version:
            return [
                Drop(DropCode.NO_ROUTE_TO_DESTINATION, f"'{place}' has no IPv{version} address")
            ]
        return [End(C.SERVICE, place.name, place.address, service=place.name)]
    region = (
        sim.net.vpcs[other.vpc].region if other.vpc in sim.net.vpcs else _site_region(sim, other)
    )
    # The first of the version: the list is the service's whole range (thousands of CIDRs).
    cidrs = sim.net.managed_cidrs(place.name, region)
    first = next((n for n in cidrs if n.version == version), None)
    if first is not None:
        address = first[1] if first.num_addresses > 1 else first.network_address
        return [End(C.SERVICE, place.name, address, service=place.name)]
    return [
        End(C.SERVICE, place.name, a, service=place.name, representative=True)
        for a in sim.ix.internet_candidates(version)[:1]
    ]


def _site_region(sim: Context, place: m.Place) -> str:
    """The region a site's host reaches AWS in: that of the first of its VPNs (by name) that
    ends at a VPN gateway of a VPC or at a transit gateway ("" for none)."""
    for vpn in sorted(sim.ix.vpns_by_site.get(place.site, []), key=lambda v: v.name):
        if vpn.gateway_kind is m.TargetKind.TRANSIT_GATEWAY:
            return sim.net.transit_gateways[vpn.gateway].region
        vpc = sim.net.vpc_of_gateway(vpn.gateway)
        if vpc is not None:
            return vpc.region
    return ""


def _internet_end(
    sim: Context, place: m.Place, version: int, other: m.Place, is_dst: bool
) -> list[End | Drop]:
    if place.address is not None:
        return [End(C.INTERNET, str(place.address), place.address)]
    return [
        End(C.INTERNET, "internet", a, representative=True)
        for a in sim.ix.internet_candidates(version)
    ]


def _load_balancer_end(
    sim: Context, place: m.Place, version: int, other: m.Place, is_dst: bool
) -> list[End | Drop]:
    """A load balancer is each of its nodes, in the order of its subnets (LANGUAGE.md §14:
    ``allow`` when some node works); from the internet, at the node's public address."""
    lb = sim.net.vpcs[place.vpc].load_balancers[place.name]
    if not is_dst:
        reason = f"load balancer '{lb.name}' opens no connections of its own: it answers them"
        return [Drop(DropCode.NO_ROUTE_TO_DESTINATION, reason)]
    if version != 4:
        return [Drop(DropCode.NO_ROUTE_TO_DESTINATION, f"'{place}' has no IPv6 address")]
    if not lb.nodes:
        return [Drop(DropCode.NO_INTERFACE, f"load balancer '{lb.name}' has no node")]
    from_internet = place.via_public_ip or other.kind is P.INTERNET
    if from_internet and not lb.internet_facing:
        reason = f"load balancer '{lb.name}' is internal: it has no public address"
        return [Drop(DropCode.NO_PUBLIC_IP, reason)]
    # Written by one node's address: that node; by name: every node, in order.
    nodes = [n for n in lb.nodes if place.address in (n.ip, n.public_ip)] or list(lb.nodes)
    found: list[End | Drop] = []
    for node in nodes:
        address: Addr = node.ip
        if from_internet:
            address = PublicAddr(place.vpc, node_owner(lb, node), node.public_ip)
        found.append(End(C.LOAD_BALANCER, lb.name, address, place.vpc, node.subnet))
    return found


def _dns_end(
    sim: Context, place: m.Place, version: int, other: m.Place, is_dst: bool
) -> list[End | Drop]:
    """A DNS name: the ends of the addresses the other end's resolver answers with."""
    if not is_dst:
        reason = f"'{place}' is a DNS name: a connection goes to a name, never from one"
        return [Drop(DropCode.NO_INTERFACE, reason)]
    try:
        found = sim.names(other, place)
    except Drop as drop:
        return [drop]
    return [end for p in found for end in _ends(sim, p, version, other, is_dst)]


def _accelerator_end(
    sim: Context, place: m.Place, version: int, other: m.Place, is_dst: bool
) -> list[End | Drop]:
    """An accelerator, at its first static address (or the one written); a destination
    reached from the internet only (LANGUAGE.md §10)."""
    ga = sim.net.accelerators[place.name]
    if not is_dst:
        reason = f"accelerator '{ga.name}' opens no connections of its own: it answers them"
        return [Drop(DropCode.NO_ROUTE_TO_DESTINATION, reason)]
    if version != 4:
        return [Drop(DropCode.NO_ROUTE_TO_DESTINATION, f"'{place}' has no IPv6 address")]
    if other.kind is not P.INTERNET:
        reason = (
            f"accelerator '{ga.name}' is traced from the internet: write `internet -> {ga.name}`"
        )
        return [Drop(DropCode.NO_ROUTE_TO_DESTINATION, reason)]
    address = place.address if place.address in ga.ips else ga.ips[0]
    return [End(C.ACCELERATOR, ga.name, address)]


#: The ends an endpoint of each kind is tried as.
_ENDS: dict[m.PlaceKind, Callable[[Context, m.Place, int, m.Place, bool], list[End | Drop]]] = {
    P.INSTANCE: _instance_end,
    P.NAT_GATEWAY: _nat_gateway_end,
    P.HOST: _host_end,
    P.VPC_ADDRESS: _vpc_address_end,
    P.SERVICE: _service_end,
    P.INTERNET: _internet_end,
    P.LOAD_BALANCER: _load_balancer_end,
    P.DNS_NAME: _dns_end,
    P.ACCELERATOR: _accelerator_end,
}
