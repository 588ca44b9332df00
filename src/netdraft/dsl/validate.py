"""Validation rules: what AWS would refuse or warn about in a well-formed network (LANGUAGE.md §6)."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Sequence
from ipaddress import IPv4Network, IPv6Network

from netdraft import codes
from netdraft.diagnostics import Diagnostic, error, warning
from netdraft.model import network as m
from netdraft.model.values import Span, subnet_of

#: AWS's limits on VPC and subnet sizes (VPC user guide, "VPC CIDR blocks").
VPC_PREFIX_RANGE = (16, 28)
SUBNET_PREFIX_RANGE = (16, 28)
VPC_IPV6_PREFIX = 56
SUBNET_IPV6_PREFIX = 64
#: The default quota of IPv4 CIDR blocks per VPC (primary + secondary).
VPC_CIDR_QUOTA = 5
ACL_RULE_RANGE = (1, 32766)

Rule = Callable[[m.Network], Iterator[Diagnostic]]


def vpc_cidrs(net: m.Network) -> Iterator[Diagnostic]:
    low, high = VPC_PREFIX_RANGE
    for vpc in net.vpcs.values():
        for cidr in vpc.cidrs:
            if not low <= cidr.prefixlen <= high:
                yield error(
                    codes.VPC_CIDR_SIZE,
                    f"vpc '{vpc.name}' CIDR {cidr} is a /{cidr.prefixlen}: AWS allows /{low} to /{high}",
                    _cidr_span(vpc, str(cidr)),
                    f"a /{cidr.prefixlen} is {'too large' if cidr.prefixlen < low else 'too small'}",
                )
        if vpc.ipv6 is not None and vpc.ipv6.prefixlen != VPC_IPV6_PREFIX:
            yield error(
                codes.VPC_CIDR_SIZE,
                f"vpc '{vpc.name}' IPv6 CIDR {vpc.ipv6} is not a /{VPC_IPV6_PREFIX}",
                vpc.span,
                f"AWS gives a VPC a /{VPC_IPV6_PREFIX}",
            )
        if len(vpc.cidrs) > VPC_CIDR_QUOTA:
            yield warning(
                codes.VPC_CIDR_QUOTA,
                f"vpc '{vpc.name}' has {len(vpc.cidrs)} IPv4 CIDRs; the default quota is {VPC_CIDR_QUOTA}",
                vpc.span,
                "ask AWS for a quota increase before deploying",
            )
        # Each CIDR that overlaps an earlier one, named with the first of those (pairwise,
        # 3,000 copies of one CIDR were 4.5 million errors and 40 s).
        index = _Overlaps(vpc.cidrs)
        for position, b in enumerate(vpc.cidrs):
            first = index.first(b)
            if first is not None:
                yield error(
                    codes.VPC_CIDR_OVERLAP,
                    f"vpc '{vpc.name}' CIDRs {vpc.cidrs[first]} and {b} overlap",
                    _cidr_span(vpc, str(b)),
                )
            index.add(b, position)


def subnets(net: m.Network) -> Iterator[Diagnostic]:
    low, high = SUBNET_PREFIX_RANGE
    for vpc in net.vpcs.values():
        seen: list[m.Subnet] = []
        index4 = _Overlaps([s.cidr for s in vpc.subnets.values()])
        index6 = _Overlaps([s.ipv6 for s in vpc.subnets.values() if s.ipv6])
        for s in vpc.subnets.values():
            if not low <= s.cidr.prefixlen <= high:
                yield error(
                    codes.SUBNET_CIDR_SIZE,
                    f"subnet '{s.name}' CIDR {s.cidr} is a /{s.cidr.prefixlen}: AWS allows /{low} to /{high}",
                    _subnet_span(s),
                    f"use a /{high} or larger"
                    if s.cidr.prefixlen > high
                    else f"use a /{low} or smaller",
                )
            if vpc.cidrs and not any(s.cidr.subnet_of(c) for c in vpc.cidrs):
                yield error(
                    codes.SUBNET_OUTSIDE_VPC,
                    f"subnet '{s.name}' CIDR {s.cidr} is not inside vpc '{vpc.name}'",
                    _subnet_span(s),
                    "vpc CIDRs: " + ", ".join(map(str, vpc.cidrs)),
                )
            if s.ipv6 is not None:
                if s.ipv6.prefixlen != SUBNET_IPV6_PREFIX:
                    yield error(
                        codes.SUBNET_CIDR_SIZE,
                        f"subnet '{s.name}' IPv6 CIDR {s.ipv6} is not a /64",
                        s.span,
                        "AWS subnets take a /64",
                    )
                if vpc.ipv6 is None or not s.ipv6.subnet_of(vpc.ipv6):
                    where = (
                        f"vpc '{vpc.name}' IPv6 CIDR {vpc.ipv6}"
                        if vpc.ipv6
                        else f"vpc '{vpc.name}', which has no IPv6 CIDR"
                    )
                    yield error(
                        codes.SUBNET_OUTSIDE_VPC,
                        f"subnet '{s.name}' IPv6 CIDR {s.ipv6} is not inside {where}",
                        s.span,
                    )
            # The first earlier subnet (in file order) that overlaps, found without comparing
            # every pair: a VPC of 100,000 subnets is checked in linear-logarithmic time.
            clashes = [index4.first(s.cidr), index6.first(s.ipv6) if s.ipv6 else None]
            found = min((i for i in clashes if i is not None), default=None)
            if found is not None:
                other = seen[found]
                yield error(
                    codes.SUBNET_OVERLAP,
                    f"subnet '{s.name}' ({s.cidr}) overlaps subnet '{other.name}' ({other.cidr})",
                    _subnet_span(s),
                    f"'{other.name}' is on line {other.span.line}",
                )
            index4.add(s.cidr, len(seen))
            if s.ipv6:
                index6.add(s.ipv6, len(seen))
            seen.append(s)
            if not s.az.startswith(vpc.region):
                yield error(
                    codes.SUBNET_AZ,
                    f"availability zone '{s.az}' is not in region {vpc.region}",
                    s.span,
                    f"e.g. {vpc.region}a",
                )


class _Overlaps:
    """CIDRs added in order, and which is the first of them to overlap a given one.

    Two CIDRs overlap when one contains the other. The earlier ones that contain a CIDR
    are found by looking up each of its (at most 128) supernets; the first of those it
    contains is the smallest position among the CIDRs whose network address lies inside
    it, kept in a segment tree over every network address the caller will add (a range
    minimum in logarithmic time). So n CIDRs are checked in O(n log n), duplicates and
    nesting included. The CIDRs of one index are of one IP version; each is kept by its
    network address and prefix length as numbers, so that a supernet is a mask, not a
    network object (a VPC's thousand subnets ask for tens of thousands of them).
    """

    def __init__(self, cidrs: Sequence[IPv4Network | IPv6Network]) -> None:
        #: The first position of each CIDR added, by (network address, prefix length).
        self._first: dict[tuple[int, int], int] = {}
        self._starts = sorted({int(c.network_address) for c in cidrs})
        self._size = max(1, len(self._starts))
        self._tree = [_NONE] * (2 * self._size)

    def add(self, cidr: IPv4Network | IPv6Network, position: int) -> None:
        self._first.setdefault((int(cidr.network_address), cidr.prefixlen), position)
        at = bisect.bisect_left(self._starts, int(cidr.network_address)) + self._size
        self._tree[at] = min(self._tree[at], position)
        at //= 2
        while at:
            self._tree[at] = min(self._tree[2 * at], self._tree[2 * at + 1])
            at //= 2

    def first(self, cidr: IPv4Network | IPv6Network) -> int | None:
        start, width, first_of = int(cidr.network_address), cidr.max_prefixlen, self._first
        found = [
            first_of[key]
            for prefix in range(cidr.prefixlen + 1)  # each supernet's (network, length)
            if (key := (start >> (width - prefix) << (width - prefix), prefix)) in first_of
        ]
        low = bisect.bisect_left(self._starts, int(cidr.network_address)) + self._size
        high = bisect.bisect_right(self._starts, int(cidr.broadcast_address)) + self._size
        best = _NONE
        while low < high:  # the minimum over [low, high) of the tree's leaves
            if low & 1:
                best = min(best, self._tree[low])
                low += 1
            if high & 1:
                high -= 1
                best = min(best, self._tree[high])
            low //= 2
            high //= 2
        found.append(best)
        result = min(found)
        return None if result == _NONE else result


#: A position no CIDR has (the segment tree's empty leaves).
_NONE = 1 << 62


def subnet_too_small(subnet: m.Subnet, interfaces: int, attachments: int = 0) -> Diagnostic:
    """The ``subnet-too-small`` diagnostic: ``interfaces`` network interfaces (``attachments``
    of them for transit gateway attachments) in a subnet with fewer usable addresses."""
    usable = max(0, subnet.usable)
    message = f"subnet '{subnet.name}' ({subnet.cidr}) has {usable} usable addresses for {interfaces} network interfaces"
    if attachments:
        return error(
            codes.SUBNET_TOO_SMALL,
            f"{message}, {attachments} of them for transit gateway attachments",
            _subnet_span(subnet),
            "a transit gateway attachment takes one address in each of its subnets",
        )
    return error(
        codes.SUBNET_TOO_SMALL,
        message,
        _subnet_span(subnet),
        f"a /{subnet.cidr.prefixlen} holds {subnet.cidr.num_addresses} addresses, 5 of them reserved",
    )


def subnet_capacity(net: m.Network) -> Iterator[Diagnostic]:
    """``subnet-too-small``, the one place it is reported: every network interface that
    asked a subnet for an address (instances, NAT gateways, interface endpoints, counted
    by the address allocator, those it found no room for included) and the transit
    gateway attachments, which take one address in each of their subnets."""
    attached: dict[tuple[str, str], int] = {}
    for tgw in net.transit_gateways.values():
        for att in tgw.attachments.values():
            if att.kind is m.AttachmentKind.VPC:
                for name in att.subnets:
                    attached[(att.name, name)] = attached.get((att.name, name), 0) + 1
    for vpc in net.vpcs.values():
        for s in vpc.subnets.values():
            tgws = attached.get((vpc.name, s.name), 0)
            if s.interfaces + tgws > s.usable:
                yield subnet_too_small(s, s.interfaces + tgws, tgws)


def routes(net: m.Network) -> Iterator[Diagnostic]:
    for vpc in net.vpcs.values():
        own: list[IPv4Network | IPv6Network] = list(vpc.all_cidrs())
        for table in vpc.route_tables.values():
            for route in table.routes:
                if route.origin is not m.RouteOrigin.STATIC or isinstance(
                    route.destination, m.PrefixList
                ):
                    continue
                kind = route.target.kind
                if kind in (m.TargetKind.INSTANCE, m.TargetKind.ENDPOINT):
                    continue
                dest = route.destination
                inside = next((c for c in own if subnet_of(dest, c)), None)
                if inside is not None:
                    yield error(
                        codes.ROUTE_TOO_SPECIFIC,
                        f"route to {dest} is inside vpc '{vpc.name}' CIDR {inside}, which the local route serves",
                        route.span,
                        "only an instance or a network interface can take traffic for the VPC's own addresses",
                    )


def nat_gateways(net: m.Network) -> Iterator[Diagnostic]:
    for vpc in net.vpcs.values():
        for nat in vpc.nat_gateways.values():
            if nat.private:
                continue
            table = vpc.route_tables[vpc.subnets[nat.subnet].route_table]
            if not any(r.target.kind is m.TargetKind.INTERNET_GATEWAY for r in table.routes):
                yield warning(
                    codes.NAT_NO_INTERNET,
                    f"public NAT gateway '{nat.name}' is in subnet '{nat.subnet}', whose route table '{table.name}' has no route to an internet gateway",
                    nat.span,
                    "put it in a public subnet, or make it 'private'",
                )


def load_balancers(net: m.Network) -> Iterator[Diagnostic]:
    """An internet-facing load balancer's nodes must be in public subnets: the internet
    reaches a node only through the internet gateway its subnet routes to."""
    for vpc in net.vpcs.values():
        for lb in vpc.load_balancers.values():
            if not lb.internet_facing:
                continue
            for node in lb.nodes:
                subnet = vpc.subnets[node.subnet]
                if not vpc.is_public(subnet):
                    yield warning(
                        codes.LB_NO_INTERNET,
                        f"internet-facing load balancer '{lb.name}' has a node in subnet '{subnet.name}', whose route table '{subnet.route_table}' has no route to an internet gateway",
                        lb.span,
                        "put its nodes in public subnets, or make it 'internal'",
                    )


#: Sessions one source network interface can have ("Traffic Mirroring quotas": 3, not
#: adjustable).
MIRROR_SESSIONS_PER_SOURCE = 3


def traffic_mirrors(net: m.Network) -> Iterator[Diagnostic]:
    """Traffic mirror sessions across the file: an interface is a source or a target, not
    both ("Traffic Mirroring considerations"), and a source has at most three sessions."""
    sessions = [s for vpc in net.vpcs.values() for s in vpc.traffic_mirrors]
    sources = {(vpc.name, s.source) for vpc in net.vpcs.values() for s in vpc.traffic_mirrors}
    for s in sessions:
        if s.target_kind is m.MirrorTargetKind.INSTANCE and (s.target_vpc, s.target) in sources:
            yield error(
                codes.MIRROR_TARGET,
                f"instance '{s.target}' is a traffic mirror source and a target",
                s.span,
                "a network interface cannot be a mirror target and a mirror source at once",
            )
    for vpc in net.vpcs.values():
        seen: dict[str, int] = {}
        for s in vpc.traffic_mirrors:
            seen[s.source] = seen.get(s.source, 0) + 1
            if seen[s.source] == MIRROR_SESSIONS_PER_SOURCE + 1:
                yield error(
                    codes.MIRROR_SOURCE,
                    f"instance '{s.source}' has more than {MIRROR_SESSIONS_PER_SOURCE} traffic"
                    " mirror sessions",
                    s.span,
                    f"AWS allows {MIRROR_SESSIONS_PER_SOURCE} sessions per source network"
                    " interface",
                )


def peerings(net: m.Network) -> Iterator[Diagnostic]:
    for p in net.peerings.values():
        a, b = net.vpcs[p.a], net.vpcs[p.b]
        for x in a.all_cidrs():
            clash = next(
                (y for y in b.all_cidrs() if x.version == y.version and x.overlaps(y)), None
            )
            if clash is not None:
                yield error(
                    codes.PEERING_OVERLAP,
                    f"peering '{p.name}' joins vpc '{a.name}' ({x}) and vpc '{b.name}' ({clash}), whose CIDRs overlap",
                    p.span,
                    "AWS refuses to peer VPCs with overlapping CIDRs",
                )
                break


def group_references(net: m.Network) -> Iterator[Diagnostic]:
    """A rule may name another VPC's group only across a peering (or a transit gateway)
    in the same region, as AWS allows (VPC peering guide, "reference peer security groups")."""
    peered = {frozenset((p.a, p.b)) for p in net.peerings.values()}
    attached = [
        {a.name for a in t.attachments.values() if a.kind is m.AttachmentKind.VPC}
        for t in net.transit_gateways.values()
    ]
    for vpc in net.vpcs.values():
        for group in vpc.security_groups.values():
            for rule in (*group.ingress, *group.egress):
                peer = rule.peer
                if not isinstance(peer, m.GroupPeer) or peer.vpc == vpc.name:
                    continue
                other = net.vpcs[peer.vpc]
                if other.region != vpc.region:
                    yield error(
                        codes.SG_REFERENCE,
                        f"security group '{group.name}' of vpc '{vpc.name}' ({vpc.region}) names group '{peer.vpc}.{peer.group}' of a VPC in {other.region}",
                        rule.span,
                        f"AWS cannot reference a group in another region: use the CIDR of vpc '{peer.vpc}'",
                    )
                elif frozenset((vpc.name, peer.vpc)) not in peered and not any(
                    {vpc.name, peer.vpc} <= names for names in attached
                ):
                    yield error(
                        codes.SG_REFERENCE,
                        f"security group '{group.name}' of vpc '{vpc.name}' names group '{peer.vpc}.{peer.group}', but no peering or transit gateway joins the two VPCs",
                        rule.span,
                        f"peer vpc '{vpc.name}' with vpc '{peer.vpc}', or use a CIDR",
                    )


def acl_rules(net: m.Network) -> Iterator[Diagnostic]:
    low, high = ACL_RULE_RANGE
    for vpc in net.vpcs.values():
        for acl in vpc.network_acls.values():
            if acl.default:
                continue
            for direction, rules in (("inbound", acl.inbound), ("outbound", acl.outbound)):
                seen: dict[int, m.AclRule] = {}
                for rule in sorted(rules, key=lambda r: (r.span.line, r.span.column)):
                    if not low <= rule.number <= high:
                        yield error(
                            codes.ACL_RULE_NUMBER,
                            f"rule number {rule.number} is outside {low}..{high}",
                            rule.span,
                        )
                    elif rule.number in seen:
                        yield error(
                            codes.ACL_RULE_NUMBER,
                            f"{direction} rule {rule.number} of network ACL '{acl.name}' is repeated",
                            rule.span,
                            f"first on line {seen[rule.number].span.line}; rule numbers are unique per direction",
                        )
                    else:
                        seen[rule.number] = rule


def dx_gateways(net: m.Network) -> Iterator[Diagnostic]:
    """A VPN gateway has one DX gateway ("The virtual private gateway must be attached to a
    VPC and must not be associated with another Direct Connect gateway", the
    CreateDirectConnectGatewayAssociation API); an association's allowed prefixes only
    filter the VPC's CIDRs, the same or wider ("Allowed prefixes interactions")."""
    first: dict[str, str] = {}
    for dxgw in net.dx_gateways.values():
        for assoc in dxgw.associations:
            if assoc.kind is not m.TargetKind.VPN_GATEWAY:
                continue
            if assoc.gateway in first:
                yield error(
                    codes.DX_VGW_ASSOCIATED,
                    f"vpn gateway '{assoc.gateway}' is associated with DX gateway"
                    f" '{first[assoc.gateway]}' already, and with '{dxgw.name}'",
                    assoc.span,
                    "AWS associates a VPN gateway with one Direct Connect gateway",
                )
            first.setdefault(assoc.gateway, dxgw.name)
            vpc = net.vpc_of_gateway(assoc.gateway)
            if vpc is None or not assoc.allowed:
                continue
            left = [
                c
                for c in vpc.cidrs
                if isinstance(c, IPv4Network) and not any(c.subnet_of(a) for a in assoc.allowed)
            ]
            if left:
                allowed = ", ".join(map(str, assoc.allowed))
                yield warning(
                    codes.DX_ALLOWED_NARROW,
                    f"the allowed prefixes of '{assoc.gateway}' on DX gateway '{dxgw.name}'"
                    f" ({allowed}) hold no prefix the same as or wider than vpc '{vpc.name}'"
                    f" CIDR {', '.join(map(str, left))}: AWS advertises it to no site",
                    assoc.span,
                    "an allowed prefix filters the VPC's CIDRs: write the VPC's CIDR or a wider"
                    " prefix",
                )


RULES: tuple[Rule, ...] = (
    vpc_cidrs,
    subnets,
    subnet_capacity,
    routes,
    nat_gateways,
    peerings,
    group_references,
    acl_rules,
    load_balancers,
    traffic_mirrors,
    dx_gateways,
)


def validate(network: m.Network) -> list[Diagnostic]:
    """Run every rule over a compiled network.

    Returns:
        The diagnostics, in rule order.
    """
    return [d for rule in RULES for d in rule(network)]


def _cidr_span(vpc: m.Vpc, text: str) -> Span:
    """Where a VPC's CIDR is written (the VPC statement if it cannot be told)."""
    for cidr, span in zip(vpc.cidrs, vpc.cidr_spans, strict=False):
        if str(cidr) == text:
            return span
    return vpc.span


def _subnet_span(subnet: m.Subnet) -> Span:
    return subnet.cidr_span if subnet.cidr_span.line else subnet.span
