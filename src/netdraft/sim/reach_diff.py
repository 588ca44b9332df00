"""Reachability that changed between two versions of a network (LANGUAGE.md §14 Diff).

The endpoints compared are every instance, site host and NAT gateway present in both
versions (by qualified name), and ``internet``; each ordered pair is traced on tcp, udp
and icmp. Destination ports are cut at the boundaries of every port range a rule of
either version names for the protocol (a rule for ``all`` counts for each): since rules
only distinguish what they name, one port of a piece answers for all of it in both
versions. Adjacent pieces that changed the same way are reported as one range.

This is the simple reference version: each piece is traced once in each version.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.model.values import ALL_PORTS, PortRange, Protocol
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.ports import pieces, rule_cuts

#: The protocols compared (a rule for ``all`` counts for each of them).
PROTOCOLS = (Protocol.TCP, Protocol.UDP, Protocol.ICMP)


@dataclass(frozen=True, slots=True)
class ReachChange:
    """One reachability whose verdict differs between the old and the new version."""

    source: str
    destination: str
    protocol: str
    ports: str  # 'N' | 'N-M' | '' (icmp)
    before: str  # 'allow' | 'deny'
    after: str
    drop: DropCode | None  # the new version's first drop (None: allowed now)
    before_drop: DropCode | None  # the old version's


def _places(network: m.Network) -> dict[str, m.Place]:
    """The endpoints of a network by qualified name (``vpc.instance``, ``site.host``)."""
    found: dict[str, m.Place] = {}
    for vpc in network.vpcs.values():
        for inst in vpc.instances.values():
            found[f"{vpc.name}.{inst.name}"] = m.Place(
                m.PlaceKind.INSTANCE, inst.name, inst.name, vpc=vpc.name, address=inst.ip
            )
        for nat in vpc.nat_gateways.values():
            found[f"{vpc.name}.{nat.name}"] = m.Place(
                m.PlaceKind.NAT_GATEWAY, nat.name, nat.name, vpc=vpc.name, address=nat.ip
            )
        for lb in vpc.load_balancers.values():  # LANGUAGE.md §14: a destination of diff
            found[f"{vpc.name}.{lb.name}"] = m.Place(
                m.PlaceKind.LOAD_BALANCER, lb.name, lb.name, vpc=vpc.name
            )
    for site in network.sites.values():
        for host in site.hosts.values():
            found[f"{site.name}.{host.name}"] = m.Place(
                m.PlaceKind.HOST, host.name, host.name, site=site.name, address=host.ip
            )
    found["internet"] = m.Place(m.PlaceKind.INTERNET, "internet")
    return found


def _shown_names(keys: list[str]) -> dict[str, str]:
    """How each endpoint is written: its own name, or ``scope.name`` when two share it."""
    short = [k.rsplit(".", 1)[-1] for k in keys]
    return {k: s if short.count(s) == 1 else k for k, s in zip(keys, short, strict=True)}


def _ranges(old: m.Network, new: m.Network, protocol: Protocol) -> tuple[PortRange | None, ...]:
    if not protocol.has_ports:
        return (None,)
    return pieces(rule_cuts(old, protocol) | rule_cuts(new, protocol), ALL_PORTS)


def _verdict(
    analysis: NetworkAnalysis, src: m.Place, dst: m.Place, protocol: Protocol, port: int | None
) -> tuple[str, DropCode | None]:
    t = analysis.trace(m.Query(src, dst, protocol, port))
    return t.verdict.value, (None if t.allowed else t.code)


#: What changed on a piece of ports: before, after, the new drop, the old drop.
_Change = tuple[str, str, DropCode | None, DropCode | None]


def _changes(
    versions: tuple[tuple[NetworkAnalysis, dict[str, m.Place]], ...],
    src: str,
    dst: str,
    protocol: Protocol,
    ranges: tuple[PortRange | None, ...],
) -> list[tuple[PortRange | None, _Change]]:
    """The pieces of ports whose verdict changed, adjacent ones that changed alike merged."""
    (old, was), (new, now) = versions
    found: list[tuple[PortRange | None, _Change]] = []
    for piece in ranges:
        port = piece.low if piece is not None else None
        before, before_drop = _verdict(old, was[src], was[dst], protocol, port)
        after, drop = _verdict(new, now[src], now[dst], protocol, port)
        if before == after:
            continue
        change = (before, after, drop, before_drop)
        last = found[-1][0] if found else None
        adjacent = last is not None and piece is not None and last.high + 1 == piece.low
        if adjacent and found[-1][1] == change:
            assert last is not None and piece is not None
            found[-1] = (PortRange(last.low, piece.high), change)
            continue
        found.append((piece, change))
    return found


def reachability_changes(old: NetworkAnalysis, new: NetworkAnalysis) -> list[ReachChange]:
    """Every (source, destination, protocol, port range) whose verdict changed, in order of
    source, destination, protocol and port, each range maximal."""
    was, now = _places(old.network), _places(new.network)
    keys = [k for k in was if k in now]
    shown = _shown_names(keys)
    versions = ((old, was), (new, now))
    ranges = {p: _ranges(old.network, new.network, p) for p in PROTOCOLS}
    return [
        ReachChange(
            shown[src], shown[dst], protocol.value, str(piece or ""), before, after, drop, old_drop
        )
        for src in keys
        for dst in keys
        if src != dst
        for protocol in PROTOCOLS
        for piece, (before, after, drop, old_drop) in _changes(
            versions, src, dst, protocol, ranges[protocol]
        )
    ]
