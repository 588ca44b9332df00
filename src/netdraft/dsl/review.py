"""Review warnings: what a reviewer wants pointed out in a network AWS would accept (LANGUAGE.md §13).

Each rule is a small pure function of the model, as in :mod:`netdraft.dsl.validate`, and
each warning can be silenced (``# netdraft: ignore[code]`` on its line, or in the
configuration: :mod:`netdraft.config`).

Shadowed ACL rules and covered security-group rules are found exactly, by interval
arithmetic: a rule matches a set of packets that is a union of boxes, one per protocol,
of (address interval × second interval), where the second interval is the port range
for tcp and udp, ``type × 256 + code`` for icmp and icmpv6, and a single point for the
other IP protocols (which only ``all`` names). A rule is covered when every box of it
lies inside the union of the other rules' boxes of the same protocol and address
family: its address interval is cut at every boundary of those boxes, and on each
piece their second intervals must join up to cover its own. That is exact for any
number of rules (``22-25`` and ``26-30`` together cover ``24-28``), not pairwise.

A security-group rule that names a group or a prefix list covers, and is covered by,
only rules naming the same group or list: who is in a group, and what a list holds,
change without the rule changing, so their addresses are never compared with CIDRs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network

from netdraft import codes
from netdraft.diagnostics import Diagnostic, warning
from netdraft.model import network as m
from netdraft.model.values import ICMP_MAX, IcmpType, PortRange, Protocol

#: The ports a reviewer does not want open to the whole internet: SSH and RDP.
ADMIN_PORTS = {22: "SSH", 3389: "RDP"}

#: The protocols a rule's boxes are kept apart by; ``other`` is every IP protocol that only
#: ``all`` names (GRE, ESP, …), so that tcp+udp+icmp+icmpv6 rules never cover an ``all`` one.
_PROTOCOLS = (Protocol.TCP, Protocol.UDP, Protocol.ICMP, Protocol.ICMPV6, "other")
_SECOND_MAX = 65535  # the highest port, and the highest type × 256 + code


@dataclass(frozen=True, slots=True)
class Box:
    """Packets of one protocol and family (``key``): addresses ``low..high`` (inclusive) whose
    port, or ICMP type and code, lies in ``first..last``."""

    key: tuple[object, ...]
    low: int
    high: int
    first: int
    last: int

    def clip(self, other: Box) -> Box | None:
        """The part of ``other`` inside this box, if any."""
        if other.key != self.key:
            return None
        low, high = max(self.low, other.low), min(self.high, other.high)
        first, last = max(self.first, other.first), min(self.last, other.last)
        if low > high or first > last:
            return None
        return Box(self.key, low, high, first, last)


def _second(protocol: object, ports: PortRange | None, icmp: IcmpType | None) -> tuple[int, int]:
    if protocol in (Protocol.TCP, Protocol.UDP):
        return (ports.low, ports.high) if ports is not None else (0, _SECOND_MAX)
    if protocol in (Protocol.ICMP, Protocol.ICMPV6) and icmp is not None:
        if icmp.code is None:
            return icmp.type * 256, icmp.type * 256 + ICMP_MAX
        return icmp.type * 256 + icmp.code, icmp.type * 256 + icmp.code
    if protocol == "other":
        return 0, 0
    return 0, _SECOND_MAX


def boxes(
    protocol: Protocol,
    ports: PortRange | None,
    icmp: IcmpType | None,
    peer: m.SgPeer,
) -> tuple[Box, ...]:
    """The boxes of packets a rule matches (see the module's docstring)."""
    if isinstance(peer, IPv4Network | IPv6Network):
        where: object = peer.version
        low, high = int(peer.network_address), int(peer.broadcast_address)
    else:
        where, low, high = peer, 0, 0  # a group or a list: only the same reference compares
    names = _PROTOCOLS if protocol is Protocol.ALL else (protocol,)
    found = []
    for name in names:
        first, last = _second(name, ports, icmp)
        found.append(Box((where, name), low, high, first, last))
    return tuple(found)


def _covered(box: Box, others: Iterable[Box]) -> bool:
    """Whether the union of ``others`` holds every packet of ``box``."""
    parts = [p for o in others if (p := box.clip(o)) is not None]
    if not parts:
        return False
    cuts = sorted({box.low, box.high + 1, *(p.low for p in parts), *(p.high + 1 for p in parts)})
    for low in cuts[:-1]:  # the piece low..(next cut - 1): each part holds all of it or none
        reach = box.first
        for first, last in sorted((p.first, p.last) for p in parts if p.low <= low < p.high + 1):
            if first > reach:
                break
            reach = max(reach, last + 1)
        if reach <= box.last:
            return False
    return True


def covered_by(target: Sequence[Box], others: Sequence[Sequence[Box]]) -> list[int] | None:
    """The positions of an irreducible subset of ``others`` whose union holds ``target``
    (None when all of them together do not).

    Only the rules that share a packet with the target are candidates; each is dropped in
    turn, from the last, when the rest still cover it.
    """
    chosen = [i for i, o in enumerate(others) if any(t.clip(b) for t in target for b in o)]

    def holds(positions: list[int]) -> bool:
        pool = [b for i in positions for b in others[i]]
        return all(_covered(t, pool) for t in target)

    if not holds(chosen):
        return None
    for i in reversed(list(chosen)):
        rest = [j for j in chosen if j != i]
        if rest and holds(rest):
            chosen = rest
    return chosen


def _numbers(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# ---- network ACLs ----------------------------------------------------------------------------


def shadowed_acl_rules(net: m.Network) -> Iterator[Diagnostic]:
    """``acl-rule-shadowed``: a rule that lower-numbered rules of its direction leave nothing to."""
    for vpc in net.vpcs.values():
        for acl in vpc.network_acls.values():
            if acl.default:
                continue
            for direction, rules in (("inbound", acl.inbound), ("outbound", acl.outbound)):
                ordered = sorted(rules, key=lambda r: r.number)
                shapes = [boxes(r.protocol, r.ports, r.icmp, r.cidr) for r in ordered]
                for n, rule in enumerate(ordered):
                    earlier = [i for i in range(n) if ordered[i].number < rule.number]
                    found = covered_by(shapes[n], [shapes[i] for i in earlier])
                    if found is None:
                        continue
                    before = [ordered[earlier[i]] for i in found]
                    words = [f"{r.number} ({r.action.value})" for r in before]
                    one = len(before) == 1
                    rules_text = "rule" if one else "rules"
                    come = "comes first and covers" if one else "come first and together cover"
                    same = all(r.action is rule.action for r in before)
                    yield warning(
                        codes.ACL_RULE_SHADOWED,
                        f"{direction} rule {rule.number} ({rule.action.value}) of network ACL"
                        f" '{acl.name}' never matches: {rules_text} {_numbers(words)} {come} all"
                        " its traffic",
                        rule.span,
                        "it is redundant: remove it"
                        if same
                        else f"its {rule.action.value} never applies: give it a number below"
                        f" {before[0].number}, or remove it",
                    )


# ---- security groups -------------------------------------------------------------------------


def _written(group: m.SecurityGroup, rules: Sequence[m.SgRule]) -> list[m.SgRule]:
    """The rules the file writes (a group without egress lines gets AWS's at its own span)."""
    return [r for r in rules if r.span != group.span]


def covered_group_rules(net: m.Network) -> Iterator[Diagnostic]:
    """``sg-rule-covered``: a rule whose traffic the group's other rules already allow.

    Rules are taken from the last: one covered by the rules still kept is reported and
    dropped, so that removing every rule reported leaves the group allowing the same
    traffic (of two identical rules, the later one is reported).
    """
    for vpc in net.vpcs.values():
        for group in vpc.security_groups.values():
            if group.default:
                continue
            for rules in (group.ingress, group.egress):
                kept = _written(group, rules)
                shapes = {id(r): boxes(r.protocol, r.ports, r.icmp, r.peer) for r in kept}
                for rule in reversed(list(kept)):
                    others = [r for r in kept if r is not rule]
                    found = covered_by(shapes[id(rule)], [shapes[id(r)] for r in others])
                    if found is None:
                        continue
                    kept.remove(rule)
                    by = sorted((others[i] for i in found), key=lambda r: r.span)
                    words = "the rule on " if len(by) == 1 else "the rules on "
                    verb = " already allows" if len(by) == 1 else " already allow"
                    yield warning(
                        codes.SG_RULE_COVERED,
                        f"{rule.direction.value} rule of security group '{group.name}' allows"
                        f" nothing new: {words}{_numbers([f'line {r.span.line}' for r in by])}{verb}"
                        " all its traffic",
                        rule.span,
                        "it is redundant: remove it",
                    )


def open_admin_ports(net: m.Network) -> Iterator[Diagnostic]:
    """``open-admin-port``: SSH or RDP admitted from every IPv4 or every IPv6 address."""
    for vpc in net.vpcs.values():
        for group in vpc.security_groups.values():
            for rule in group.ingress:
                peer = rule.peer
                if not isinstance(peer, IPv4Network | IPv6Network) or peer.prefixlen != 0:
                    continue
                if rule.protocol not in (Protocol.TCP, Protocol.ALL):
                    continue
                open_ = [
                    f"{name} (tcp {port})"
                    for port, name in ADMIN_PORTS.items()
                    if rule.ports is None or rule.ports.contains(port)
                ]
                if open_:
                    yield warning(
                        codes.OPEN_ADMIN_PORT,
                        f"security group '{group.name}' admits {_numbers(open_)} from {peer}:"
                        " anyone on the internet can try to log in",
                        rule.span,
                        "admit a bastion's group, a VPN's or an office's CIDR instead",
                    )


# ---- what nothing uses -----------------------------------------------------------------------


def group_members(vpc: m.Vpc) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Each network interface of a VPC that security groups apply to, and its groups
    (none written: the VPC's default group)."""
    default = (vpc.default_security_group,)
    for inst in vpc.instances.values():
        yield f"instance '{inst.name}'", inst.security_groups or default
    for ep in vpc.endpoints.values():
        if ep.kind is m.EndpointKind.INTERFACE:
            yield f"endpoint '{ep.name}'", ep.security_groups or default


def unused(net: m.Network) -> Iterator[Diagnostic]:
    """``unused-security-group``, ``unused-route-table`` and ``unused-network-acl``."""
    for vpc in net.vpcs.values():
        members = {g for _, groups in group_members(vpc) for g in groups}
        for group in vpc.security_groups.values():
            if not group.default and group.name not in members:
                yield warning(
                    codes.UNUSED_SECURITY_GROUP,
                    f"security group '{group.name}' of vpc '{vpc.name}' has no member:"
                    " no instance or endpoint is in it",
                    group.span,
                    "a rule naming it matches nobody; remove it, or put something in it",
                )
        tables = {s.route_table for s in vpc.subnets.values()}
        for table in vpc.route_tables.values():
            if not table.main and table.name not in tables:
                yield warning(
                    codes.UNUSED_ROUTE_TABLE,
                    f"route table '{table.name}' of vpc '{vpc.name}' serves no subnet:"
                    " none is associated with it and it is not the main table",
                    table.span,
                    "associate a subnet with it, mark it 'main', or remove it",
                )
        acls = {s.network_acl for s in vpc.subnets.values()}
        for acl in vpc.network_acls.values():
            if not acl.default and acl.name not in acls:
                yield warning(
                    codes.UNUSED_NETWORK_ACL,
                    f"network ACL '{acl.name}' of vpc '{vpc.name}' guards no subnet:"
                    " none is associated with it",
                    acl.span,
                    "associate a subnet with it, or remove it",
                )


# ---- NAT gateways ----------------------------------------------------------------------------


def nat_across_zones(net: m.Network) -> Iterator[Diagnostic]:
    """``nat-cross-az``: a route table sends subnets of one zone to a NAT gateway in another.

    Every route to a NAT gateway counts (the default route, and a private NAT gateway's
    narrower ones): the traffic pays inter-AZ transfer both ways, and the subnets lose
    their way out when the other zone fails.
    """
    for vpc in net.vpcs.values():
        for table in vpc.route_tables.values():
            served = [s for s in vpc.subnets.values() if s.route_table == table.name]
            for route in table.routes:
                if route.target.kind is not m.TargetKind.NAT_GATEWAY:
                    continue
                nat = vpc.nat_gateways.get(route.target.name)
                if nat is None:
                    continue
                zone = vpc.subnets[nat.subnet].az
                away = [s for s in served if s.az != zone]
                if away:
                    names = _numbers([f"'{s.name}' ({s.az})" for s in away])
                    yield warning(
                        codes.NAT_CROSS_AZ,
                        f"route table '{table.name}' sends {route.destination} from subnet"
                        f"{'s' * (len(away) != 1)} {names} to NAT gateway '{nat.name}' in"
                        f" {zone}",
                        route.span,
                        "cross-AZ traffic is billed both ways and fails with that zone:"
                        " give each zone its own NAT gateway and route table",
                    )


RULES = (
    shadowed_acl_rules,
    covered_group_rules,
    open_admin_ports,
    unused,
    nat_across_zones,
)
