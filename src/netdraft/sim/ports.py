"""Sets of ports as sorted, disjoint ranges: what source ports still work after each ACL;
and a set of destination ports cut into the pieces that every rule treats alike."""

from __future__ import annotations

from dataclasses import dataclass

from netdraft.model import network as m
from netdraft.model.values import (
    EPHEMERAL,
    LINUX_EPHEMERAL,
    WINDOWS_EPHEMERAL,
    PortRange,
    Protocol,
)


@dataclass(frozen=True, slots=True)
class PortSet:
    ranges: tuple[PortRange, ...]

    @staticmethod
    def of(*ranges: PortRange) -> PortSet:
        return PortSet(()).union(ranges)

    @property
    def empty(self) -> bool:
        return not self.ranges

    def intersect(self, r: PortRange) -> PortSet:
        low, high = r.low, r.high
        out: list[PortRange] = []
        for a in self.ranges:
            if a.high < low or a.low > high:
                continue
            inside = low <= a.low and a.high <= high
            out.append(a if inside else PortRange(max(a.low, low), min(a.high, high)))
        return PortSet(tuple(out))

    def subtract(self, r: PortRange) -> PortSet:
        out: list[PortRange] = []
        for a in self.ranges:
            if a.high < r.low or a.low > r.high:
                out.append(a)
                continue
            if a.low < r.low:
                out.append(PortRange(a.low, r.low - 1))
            if a.high > r.high:
                out.append(PortRange(r.high + 1, a.high))
        return PortSet(tuple(out))

    def union(self, more: tuple[PortRange, ...] | list[PortRange]) -> PortSet:
        if not self.ranges and len(more) == 1:
            return PortSet((more[0],))
        merged: list[PortRange] = []
        for r in sorted((*self.ranges, *more)):
            if merged and r.low <= merged[-1].high + 1:
                last = merged[-1]
                merged[-1] = PortRange(last.low, max(last.high, r.high))
            else:
                merged.append(r)
        return PortSet(tuple(merged))

    def __str__(self) -> str:
        return ", ".join(map(str, self.ranges)) or "none"


EPHEMERAL_PORTS = PortSet((EPHEMERAL,))


def declared_client_ports(network: m.Network, place: m.Place) -> PortRange | None:
    """The ``ephemeral`` ports a client declares: an instance's, or its site's for a site
    host or address (``None``: not declared, any of 1024-65535 may do)."""
    if place.kind is m.PlaceKind.INSTANCE:
        vpc = network.vpcs.get(place.vpc)
        inst = vpc.instances.get(place.name) if vpc is not None else None
        return inst.ephemeral if inst is not None else None
    if place.kind is m.PlaceKind.HOST and place.site in network.sites:
        return network.sites[place.site].ephemeral
    return None


def partial_client_ports(network: m.Network, query: m.Query, working: PortSet) -> bool:
    """Whether an allowed connection from a client that declares no ``ephemeral`` range works
    from only part of 1024-65535 and misses some of a common system's range
    (``warning[partial-ephemeral]``): replies to 32768-65535 serve Linux and Windows fully."""
    if not query.protocol.has_ports or declared_client_ports(network, query.source):
        return False
    common = (LINUX_EPHEMERAL, WINDOWS_EPHEMERAL)
    return not working.empty and any(working.intersect(r) != PortSet((r,)) for r in common)


def rule_cuts(network: m.Network, protocol: Protocol) -> set[int]:
    """Where a port range that a rule for ``protocol`` names starts or ends (+1): the only
    ports at which a security group's, a network ACL's or a listener's decision on the
    destination port can change."""
    cuts: set[int] = set()
    for vpc in network.vpcs.values():
        rules: list[m.SgRule | m.AclRule] = []
        for group in vpc.security_groups.values():
            rules += (*group.ingress, *group.egress)
        for acl in vpc.network_acls.values():
            rules += (*acl.inbound, *acl.outbound)
        for rule in rules:
            if rule.ports is not None and rule.protocol.covers(protocol):
                cuts.update((rule.ports.low, rule.ports.high + 1))
    return cuts | listener_cuts(network, protocol)


def listener_cuts(network: m.Network, protocol: Protocol) -> set[int]:
    """Where a load balancer's decision on the destination port of ``protocol`` can change:
    it answers on its listeners' ports only (NO_LISTENER elsewhere), whatever the rules."""
    return {
        c
        for vpc in network.vpcs.values()
        for lb in vpc.load_balancers.values()
        for lst in lb.listeners
        if protocol in m.LISTENER_PROTOCOLS.get(lst.protocol, ())
        for c in (lst.port, lst.port + 1)
    }


def pieces(cuts: set[int], ports: PortRange) -> tuple[PortRange, ...]:
    """``ports`` split at ``cuts``: every port of a piece meets the same rules, so one
    representative (its lowest port) answers for all of it."""
    starts = sorted({ports.low, *(c for c in cuts if ports.low < c <= ports.high)})
    ends = [s - 1 for s in starts[1:]] + [ports.high]
    return tuple(PortRange(a, b) for a, b in zip(starts, ends, strict=True))
