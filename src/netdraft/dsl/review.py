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

from collections.abc import Container, Iterable, Iterator, Sequence
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
#: The longest run of covering rules made irreducible (each try is a full check).
MINIMISE_LIMIT = 16


#: Packets of one protocol and family (``key``): addresses ``low..high`` (inclusive) whose
#: port, or ICMP type and code, lies in ``first..last`` — ``(key, low, high, first, last)``.
#: Plain tuples: a hostile file's thousands of rules are compared millions of times.
Box = tuple[tuple[object, object], int, int, int, int]


def _clip(box: Box, other: Box) -> Box | None:
    """The part of ``other`` inside ``box``, if any."""
    key, low, high, first, last = other
    if key != box[0] or low > box[2] or high < box[1] or first > box[4] or last < box[3]:
        return None
    return key, max(low, box[1]), min(high, box[2]), max(first, box[3]), min(last, box[4])


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
        found.append(((where, name), low, high, first, last))
    return tuple(found)


def _covered(box: Box, others: Iterable[Box]) -> bool:
    """Whether the union of ``others`` holds every packet of ``box``."""
    parts = [p for o in others if (p := _clip(box, o)) is not None]
    if not parts:
        return False
    _, low, high, first, last = box
    cuts = sorted({low, high + 1, *(p[1] for p in parts), *(p[2] + 1 for p in parts)})
    for at in cuts[:-1]:  # the piece at..(next cut - 1): each part holds all of it or none
        reach = first
        for start, end in sorted((p[3], p[4]) for p in parts if p[1] <= at <= p[2]):
            if start > reach:
                break
            reach = max(reach, end + 1)
        if reach <= last:
            return False
    return True


def covered_by(target: Sequence[Box], others: Sequence[Sequence[Box]]) -> list[int] | None:
    """The positions of an irreducible subset of ``others`` whose union holds ``target``
    (None when all of them together do not).

    The candidates are the rules that share packets with the target, largest share first;
    the shortest run of them that covers it is found by doubling and bisection (covering
    only grows as rules are added), then each of that run is dropped in turn, from the last, when the
    rest still cover (for runs of up to :data:`MINIMISE_LIMIT` rules; a longer run is named
    whole). Positions are returned in order.
    """
    share: list[tuple[int, int]] = []
    for i, boxes_ in enumerate(others):
        size = 0
        for key, low, high, first, last in boxes_:  # inlined: the hot loop of large files
            for t in target:
                if key == t[0] and low <= t[2] and high >= t[1] and first <= t[4] and last >= t[3]:
                    size += (min(high, t[2]) - max(low, t[1]) + 1) * (
                        min(last, t[4]) - max(first, t[3]) + 1
                    )
        if size:
            share.append((-size, i))
    chosen = [i for _, i in sorted(share)]

    def holds(positions: Sequence[int]) -> bool:
        pool = [b for i in positions for b in others[i]]
        return all(_covered(t, pool) for t in target)

    # The shortest covering run, found by doubling then bisecting: a rule that one other
    # covers costs one check, however many rules it overlaps.
    high = 1
    while high < len(chosen) and not holds(chosen[:high]):
        high *= 2
    if not chosen or not holds(chosen[:high]):
        return None
    low, high = high // 2 + 1, min(high, len(chosen))  # chosen[:high] covers, [:low-1] not
    while low < high:
        middle = (low + high) // 2
        if holds(chosen[:middle]):
            high = middle
        else:
            low = middle + 1
    chosen = chosen[:high]
    if len(chosen) <= MINIMISE_LIMIT:
        for i in reversed(list(chosen)):
            rest = [j for j in chosen if j != i]
            if rest and holds(rest):
                chosen = rest
    return sorted(chosen)


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
    for lb in vpc.load_balancers.values():
        if lb.security_groups:  # a network load balancer has none unless written
            yield f"load balancer '{lb.name}'", lb.security_groups


#: What ``unused`` reports when nothing uses it.
_Unusable = m.SecurityGroup | m.RouteTable | m.NetworkAcl


def unused(net: m.Network) -> Iterator[Diagnostic]:
    """``unused-security-group``, ``unused-route-table`` and ``unused-network-acl``."""
    for vpc in net.vpcs.values():
        members = {g for _, groups in group_members(vpc) for g in groups}
        tables = {s.route_table for s in vpc.subnets.values()}
        acls = {s.network_acl for s in vpc.subnets.values()}
        # (code, the things, the names in use, what it is, why unused, the hint)
        kinds: list[
            tuple[codes.Code, Iterable[_Unusable], Container[str | None], str, str, str]
        ] = [
            (
                codes.UNUSED_SECURITY_GROUP,
                [g for g in vpc.security_groups.values() if not g.default],
                members,
                "security group",
                "has no member: no instance or endpoint is in it",
                "a rule naming it matches nobody; remove it, or put something in it",
            ),
            (
                codes.UNUSED_ROUTE_TABLE,
                [t for t in vpc.route_tables.values() if not t.main],
                tables,
                "route table",
                "serves no subnet: none is associated with it and it is not the main table",
                "associate a subnet with it, mark it 'main', or remove it",
            ),
            (
                codes.UNUSED_NETWORK_ACL,
                [a for a in vpc.network_acls.values() if not a.default],
                acls,
                "network ACL",
                "guards no subnet: none is associated with it",
                "associate a subnet with it, or remove it",
            ),
        ]
        for code, things, used, what, why, hint in kinds:
            for thing in things:
                if thing.name not in used:
                    message = f"{what} '{thing.name}' of vpc '{vpc.name}' {why}"
                    yield warning(code, message, thing.span, hint)


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


#: The codes of the review warnings.
CODES = frozenset(
    {
        codes.ACL_RULE_SHADOWED.name,
        codes.SG_RULE_COVERED.name,
        codes.UNUSED_SECURITY_GROUP.name,
        codes.UNUSED_ROUTE_TABLE.name,
        codes.UNUSED_NETWORK_ACL.name,
        codes.OPEN_ADMIN_PORT.name,
        codes.NAT_CROSS_AZ.name,
    }
)


def review(network: m.Network) -> list[Diagnostic]:
    """Run every review rule over a network that compiled and validated without errors.

    Returns:
        The warnings, in rule order.
    """
    return [d for rule in RULES for d in rule(network)]
