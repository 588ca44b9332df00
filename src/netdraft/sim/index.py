"""Look-up tables over a network, built once and shared by every trace of it."""

from __future__ import annotations

import bisect
import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Network
from typing import Generic, TypeVar

from netdraft.model import network as m
from netdraft.model.values import NOT_PUBLIC_V4, IPAddress, IPNetwork
from netdraft.sim.trace import ComponentKind

#: Addresses that are never "an internet host" (the documentation ranges are).
NOT_INTERNET_V4 = NOT_PUBLIC_V4
NOT_INTERNET_V6 = tuple(IPv6Network(n) for n in ("::/8", "fc00::/7", "fe80::/10", "ff00::/8"))


@dataclass(frozen=True, slots=True)
class Eni:
    """A network interface: an instance, a NAT gateway, or an interface endpoint's."""

    kind: ComponentKind  # INSTANCE, NAT_GATEWAY, ENDPOINT or LOAD_BALANCER
    name: str
    vpc: str
    subnet: str
    groups: tuple[str, ...]


def node_owner(lb: m.LoadBalancer, node: m.LbNode) -> str:
    """How a load balancer's node owns its public address: ``LB/SUBNET``."""
    return f"{lb.name}/{node.subnet}"


def lb_node(vpc: m.Vpc, owner: str) -> tuple[m.LoadBalancer, m.LbNode] | None:
    """The load balancer node that owns a public address (None: another owner)."""
    name, _, subnet = owner.partition("/")
    lb = vpc.load_balancers.get(name)
    node = next((n for n in lb.nodes if n.subnet == subnet), None) if lb and subnet else None
    return (lb, node) if lb is not None and node is not None else None


def _customer_entries(items: object) -> set[IPNetwork]:
    """The CIDRs of the customer-managed prefix lists among ``items`` (an AWS-managed
    list's are the service's, never an internet host's)."""
    assert isinstance(items, Iterable)
    return {c for x in items if isinstance(x, m.PrefixList) and not x.managed for c in x.cidrs}


@dataclass
class Index:
    network: m.Network
    enis: dict[tuple[str, IPAddress], Eni] = field(default_factory=dict)  # (vpc, address)
    members: dict[tuple[str, str], set[IPAddress]] = field(default_factory=dict)  # (vpc, group)
    subnets: dict[str, list[tuple[IPNetwork, m.Subnet]]] = field(default_factory=dict)
    public_owner: dict[IPv4Address, tuple[str, str]] = field(default_factory=dict)  # (vpc, eni)
    mentioned: list[IPNetwork] = field(default_factory=list)  # every CIDR the file names
    vpns_by_gateway: dict[str, list[m.Vpn]] = field(default_factory=dict)
    vpns_by_site: dict[str, list[m.Vpn]] = field(default_factory=dict)
    candidates: dict[int, list[IPAddress]] = field(default_factory=dict)  # by IP version
    held: dict[int, Cover] = field(default_factory=dict)  # by IP version: never internet
    tgw_tables: dict[int, tuple[m.TgwRouteTable, Prefixes[m.TgwRoute]]] = field(
        default_factory=dict
    )  # by id(table)
    #: By VPC: its subnets by prefix, one look-up per prefix length (built on first use).
    subnet_table: dict[str, Prefixes[m.Subnet]] = field(default_factory=dict)

    @classmethod
    def build(cls, network: m.Network) -> Index:
        ix = cls(network)
        mentioned: set[IPNetwork] = set()
        for vpc in network.vpcs.values():
            mentioned.update(vpc.all_cidrs())
            ix.subnets[vpc.name] = sorted(
                (
                    (net, s)
                    for s in vpc.subnets.values()
                    for net in (s.cidr, s.ipv6)
                    if net is not None
                ),
                key=lambda item: (item[0].version, item[0].prefixlen),
                reverse=True,
            )
            for inst in vpc.instances.values():
                eni = Eni(
                    ComponentKind.INSTANCE, inst.name, vpc.name, inst.subnet, inst.security_groups
                )
                for address in (inst.ip, inst.ipv6):
                    if address is not None:
                        ix.enis[(vpc.name, address)] = eni
                        for g in inst.security_groups:
                            ix.members.setdefault((vpc.name, g), set()).add(address)
                if inst.public_ip is not None:
                    ix.public_owner[inst.public_ip] = (vpc.name, inst.name)
            for nat in vpc.nat_gateways.values():
                ix.enis[(vpc.name, nat.ip)] = Eni(
                    ComponentKind.NAT_GATEWAY, nat.name, vpc.name, nat.subnet, ()
                )
                if nat.eip is not None:
                    ix.public_owner[nat.eip] = (vpc.name, nat.name)
            for ep in vpc.endpoints.values():
                for subnet, address in zip(ep.subnets, ep.addresses, strict=True):
                    ix.enis[(vpc.name, address)] = Eni(
                        ComponentKind.ENDPOINT, ep.name, vpc.name, subnet, ep.security_groups
                    )
                    for g in ep.security_groups:
                        ix.members.setdefault((vpc.name, g), set()).add(address)
            for lb in vpc.load_balancers.values():
                for node in lb.nodes:
                    ix.enis[(vpc.name, node.ip)] = Eni(
                        ComponentKind.LOAD_BALANCER,
                        lb.name,
                        vpc.name,
                        node.subnet,
                        lb.security_groups,
                    )
                    for g in lb.security_groups:
                        ix.members.setdefault((vpc.name, g), set()).add(node.ip)
                    if node.public_ip is not None:
                        ix.public_owner[node.public_ip] = (vpc.name, node_owner(lb, node))
            for table in vpc.route_tables.values():
                mentioned.update(
                    r.destination
                    for r in table.routes
                    if not isinstance(r.destination, m.PrefixList)
                )
                mentioned.update(_customer_entries(r.destination for r in table.routes))
            for group in vpc.security_groups.values():
                mentioned.update(
                    r.peer
                    for r in (*group.ingress, *group.egress)
                    if not isinstance(r.peer, m.GroupPeer | m.PrefixList)
                )
                mentioned.update(_customer_entries(r.peer for r in (*group.ingress, *group.egress)))
            for acl in vpc.network_acls.values():
                mentioned.update(r.cidr for r in (*acl.inbound, *acl.outbound))
        for site in network.sites.values():
            mentioned.update(site.cidrs)
        for vpn in network.vpns.values():
            ix.vpns_by_gateway.setdefault(vpn.gateway, []).append(vpn)
            ix.vpns_by_site.setdefault(vpn.site, []).append(vpn)
        ix.mentioned = sorted(mentioned, key=lambda n: (n.version, n.network_address, n.prefixlen))
        return ix

    def tgw_routes(
        self, table: m.TgwRouteTable, rank: Callable[[m.TgwRoute], float]
    ) -> Prefixes[m.TgwRoute]:
        """A transit gateway route table's routes by prefix (built on first use; the
        network's tables live as long as it does, so their ``id`` names them)."""
        found = self.tgw_tables.get(id(table))
        if found is None or found[0] is not table:
            routes = ((r.destination, rank(r), r) for r in table.routes)
            found = self.tgw_tables[id(table)] = (table, Prefixes(routes))
        return found[1]

    def subnet_at(self, vpc: str, address: IPAddress) -> m.Subnet | None:
        """The subnet of ``vpc`` holding ``address`` (the longest prefix, then the first
        written: subnets do not overlap in a valid file)."""
        table = self.subnet_table.get(vpc)
        if table is None:
            found = self.subnets.get(vpc, ())
            table = self.subnet_table[vpc] = Prefixes((net, 0.0, s) for net, s in found)
        return table.lookup(address)

    def is_internet(self, address: IPAddress) -> bool:
        return self._held(address.version).widest(int(address)) is None

    def _held(self, version: int) -> Cover:
        """The addresses that are never an internet host's: the reserved ranges, every VPC's
        CIDRs and every site's, as one table per IP version (built once)."""
        found = self.held.get(version)
        if found is None:
            nets: list[IPNetwork] = [*NOT_INTERNET_V4, *NOT_INTERNET_V6]
            nets += [c for v in self.network.vpcs.values() for c in v.all_cidrs()]
            nets += [c for s in self.network.sites.values() for c in s.cidrs]
            found = self.held[version] = Cover(n for n in nets if n.version == version)
        return found

    def internet_candidates(self, version: int) -> list[IPAddress]:
        """Representative internet addresses: one outside every CIDR the file names, then
        one inside each named public CIDR. Rules only tell apart what they name, so these
        cover every decision the network can make about an internet host."""
        # They depend on the network only: computed once, not once per trace.
        if version not in self.candidates:
            self.candidates[version] = self._candidates(version)
        return self.candidates[version]

    def _candidates(self, version: int) -> list[IPAddress]:
        # ``mentioned`` is sorted by address, then prefix length: the CIDRs inside one
        # follow it, up to the first that starts after its end (CIDRs nest or are apart).
        nets = [n for n in self.mentioned if n.version == version and n.prefixlen > 0]
        starts = [int(n.network_address) for n in nets]
        candidates: list[IPAddress] = []
        generic = self._outside(version, Cover(nets))
        if generic is not None:
            candidates.append(generic)
        seen = set(candidates)
        for i, net in enumerate(nets):
            end = bisect.bisect_right(starts, int(net.broadcast_address), i + 1)
            address = self._inside(net, Cover(nets[i + 1 : end]))
            if address is not None and address not in seen:
                candidates.append(address)
                seen.add(address)
        return candidates

    def _outside(self, version: int, named: Cover) -> IPAddress | None:
        start = int(ipaddress.ip_address("1.0.0.1" if version == 4 else "2001:4860::1"))
        limit = 2**32 if version == 4 else 2**128
        reserved = Cover(NOT_INTERNET_V4 if version == 4 else NOT_INTERNET_V6)
        n = start
        for _ in range(10_000):
            if n >= limit:
                return None
            address = ipaddress.ip_address(n)
            hit = named.widest(n) or reserved.widest(n)
            if hit is None and address in self.public_owner:
                n += (
                    1  # a public address written in the file is its owner's, not an internet host's
                )
                continue
            if hit is None:
                return address
            n = int(hit.broadcast_address) + 2
        return None

    def _inside(self, net: IPNetwork, inner: Cover) -> IPAddress | None:
        """An internet address in ``net`` outside the more specific named CIDRs within it."""
        n = int(net.network_address) + (1 if net.num_addresses > 2 else 0)
        last = int(net.broadcast_address)
        held = self._held(net.version)
        for _ in range(1_000):
            if n > last:
                return None
            address = ipaddress.ip_address(n)
            hit = inner.widest(n)
            if hit is not None:
                n = int(hit.broadcast_address) + 1
                continue
            if address in self.public_owner:
                n += (
                    1  # a public address written in the file is its owner's, not an internet host's
                )
                continue
            skip = held.widest(n)
            if skip is None:
                return address
            n = int(skip.broadcast_address) + 1
        return None


class Cover:
    """The widest of some CIDRs of one IP version holding an address, by bisection.

    CIDRs either nest or are apart, so the widest ones are apart: sorted by first address,
    the one that may hold an address is the last starting at or before it. A look-up is
    logarithmic where scanning every CIDR made the internet's candidates quadratic in the
    number of CIDRs a file names.
    """

    __slots__ = ("_nets", "_starts")

    def __init__(self, nets: Iterable[IPNetwork]) -> None:
        self._nets: list[IPNetwork] = []
        for net in sorted(nets, key=lambda n: (int(n.network_address), n.prefixlen)):
            if self._nets and int(net.network_address) <= int(self._nets[-1].broadcast_address):
                continue  # inside the one before, which is wider
            self._nets.append(net)
        self._starts = [int(n.network_address) for n in self._nets]

    def widest(self, address: int) -> IPNetwork | None:
        """The widest CIDR holding the address (given as a number), if any."""
        i = bisect.bisect_right(self._starts, address) - 1
        if i >= 0 and address <= int(self._nets[i].broadcast_address):
            return self._nets[i]
        return None


R = TypeVar("R")


class Prefixes(Generic[R]):
    """Routes by destination prefix: the longest prefix holding an address, then the lowest
    rank, then the first written, with one dictionary look-up per prefix length in use
    instead of reading every route."""

    __slots__ = ("_lengths", "_routes")

    def __init__(self, routes: Iterable[tuple[IPNetwork, float, R]]) -> None:
        self._routes: dict[tuple[int, int, int], tuple[float, R]] = {}
        lengths: dict[int, set[int]] = {4: set(), 6: set()}
        for net, rank, route in routes:
            key = (net.version, net.prefixlen, int(net.network_address))
            held = self._routes.get(key)
            if held is None or rank < held[0]:
                self._routes[key] = (rank, route)
            lengths[net.version].add(net.prefixlen)
        self._lengths = {v: sorted(found, reverse=True) for v, found in lengths.items()}

    def lookup(self, address: IPAddress) -> R | None:
        """The route for ``address``, if any holds it."""
        version, n, bits = address.version, int(address), address.max_prefixlen
        for length in self._lengths[version]:
            found = self._routes.get((version, length, n >> (bits - length) << (bits - length)))
            if found is not None:
                return found[1]
        return None

    def default(self) -> R | None:
        """The IPv4 route of ``0.0.0.0/0``, if any (the only one an unknown address takes)."""
        found = self._routes.get((4, 0, 0))
        return None if found is None else found[1]
