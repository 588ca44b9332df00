"""Addresses: the private IPv4 and IPv6 address of every network interface, and public ones.

Addresses are given out per subnet from the lowest free one after the four AWS reserves
at the bottom (docs/language.md, "Instances"): first the addresses the file writes, then
instances in the order of the file, then NAT gateways, then interface endpoints (one
interface in each of their subnets), so that adding a NAT gateway never moves an
instance. An instance in a subnet with an IPv6 CIDR gets the lowest free IPv6 address
too. A subnet that runs out is ``subnet-too-small`` (:func:`netdraft.dsl.validate.subnet_too_small`).
"""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import IPv4Address, IPv6Address, IPv6Network
from typing import TYPE_CHECKING

from netdraft import codes
from netdraft.dsl import syntax as st
from netdraft.dsl.passes import literals
from netdraft.dsl.passes.resolve import RESOLVERS, Kind
from netdraft.dsl.passes.symbols import VpcScope
from netdraft.dsl.validate import subnet_too_small
from netdraft.model import network as m
from netdraft.model.codes import GATEWAY_ENDPOINT_SERVICES

if TYPE_CHECKING:
    from netdraft.dsl.passes.context import Context

#: https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html ("The first four IP
#: addresses and the last IP address in each subnet CIDR block are not available").
SUBNET_SIZING_PAGE = "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html"
#: What each of the addresses at the bottom of a subnet is reserved for (by offset from the
#: network address); the last address, the broadcast address, is reserved too.
RESERVED_AT_BOTTOM: Mapping[int, str] = {
    0: "network address",
    1: "VPC router",
    2: "DNS server",
    3: "address AWS reserves for future use",
}
#: The first offset that may be given out (IPv4, and IPv6 by the same rule).
FIRST_FREE = len(RESERVED_AT_BOTTOM)


class Allocator:
    """Hands out the lowest free address of a subnet, after the four reserved at its bottom."""

    def __init__(self, subnets: Mapping[str, m.Subnet]) -> None:
        self.subnets = subnets
        self.used: dict[str, set[int]] = {n: set() for n in subnets}
        self.cursor: dict[str, int] = {
            n: int(s.cidr.network_address) + FIRST_FREE for n, s in subnets.items()
        }
        self.used6: dict[str, set[int]] = {n: set() for n in subnets}
        self.cursor6: dict[str, int] = {}
        self.wanted: dict[str, int] = {}

    def taken(self, subnet: str, ip: IPv4Address) -> bool:
        return int(ip) in self.used[subnet]

    def take(self, subnet: str, ip: IPv4Address) -> None:
        self.used[subnet].add(int(ip))

    def next(self, subnet: str) -> IPv4Address | None:
        self.wanted[subnet] = self.wanted.get(subnet, 0) + 1
        last = int(self.subnets[subnet].cidr.broadcast_address) - 1
        n = self.cursor[subnet]
        while n <= last and n in self.used[subnet]:
            n += 1
        if n > last:
            return None
        self.used[subnet].add(n)
        self.cursor[subnet] = n + 1
        return IPv4Address(n)

    def next6(self, subnet: str, net: IPv6Network) -> IPv6Address | None:
        used = self.used6[subnet]
        n = self.cursor6.get(subnet, int(net.network_address) + FIRST_FREE)
        while n in used:
            n += 1
        if n > int(net.broadcast_address):
            # Only a block smaller than AWS's /64 runs out; validation reports its size.
            return None
        used.add(n)
        self.cursor6[subnet] = n + 1
        return IPv6Address(n)


Pending = tuple[
    st.InstanceDecl, m.Subnet, dict[str, st.Option], IPv4Address | None, IPv6Address | None
]


def allocate(
    c: Context,
    vpc: VpcScope,
    subnets: Mapping[str, m.Subnet],
    groups: Mapping[str, m.SecurityGroup],
    default_sg: str,
) -> tuple[dict[str, m.Instance], dict[str, m.NatGateway], dict[str, m.VpcEndpoint]]:
    """The VPC's instances, NAT gateways and endpoints, with their addresses."""
    s = vpc
    # The resolvers, found once: a VPC may hold a hundred thousand instances.
    subnet_of, group_of = RESOLVERS[Kind.SUBNET], RESOLVERS[Kind.SECURITY_GROUP]
    alloc = Allocator(subnets)
    instances: dict[str, m.Instance] = {}
    # Written addresses are taken first, so that automatic ones never collide with them.
    pending: list[Pending] = []
    for decl in s.instances.values():
        subnet_name = subnet_of(c, decl.subnet, vpc)
        opts = {o.keyword: o for o in literals.unique_options(c, decl.options)}
        if subnet_name is None or subnet_name not in subnets:
            continue
        subnet = subnets[subnet_name]
        written4: IPv4Address | None = None
        written6: IPv6Address | None = None
        if "ip" in opts:
            tok = literals.tok(opts["ip"].values[0])
            written4 = literals.addr4(c, tok)
            if written4 is not None and _check_address(c, written4, subnet, tok, alloc):
                alloc.take(subnet.name, written4)
        if "ipv6" in opts:
            written6 = _written_ipv6(c, literals.tok(opts["ipv6"].values[0]), subnet, alloc)
        pending.append((decl, subnet, opts, written4, written6))
    for decl, subnet, opts, written4, written6 in pending:
        ip4 = written4 if "ip" in opts else alloc.next(subnet.name)
        if ip4 is None:
            continue
        ip6: IPv6Address | None = None
        if subnet.ipv6 is not None:
            ip6 = written6 if "ipv6" in opts else alloc.next6(subnet.name, subnet.ipv6)
        public, public_ip = m.PublicIp.NONE, None
        for kw, kind in (("public-ip", m.PublicIp.AUTO), ("elastic-ip", m.PublicIp.ELASTIC)):
            if kw in opts:
                if public is not m.PublicIp.NONE:
                    c.err(
                        codes.BAD_OPTION,
                        "an instance has a public IP or an Elastic IP, not both",
                        opts[kw].span,
                    )
                public = kind
                if opts[kw].values:
                    public_ip = literals.addr4(c, literals.tok(opts[kw].values[0]))
        if public is m.PublicIp.NONE and subnet.public_ip_on_launch:
            public = m.PublicIp.AUTO
        sgs: list[str] = []
        if "sg" in opts:
            for ref in opts["sg"].values:
                if isinstance(ref, st.Ref):
                    g = group_of(c, ref, vpc)
                    if g is not None:
                        sgs.append(g)
        else:
            sgs = [default_sg]
        sdc = True
        if "source-dest-check" in opts:
            sdc = literals.tok(opts["source-dest-check"].values[0]).text == "on"
        name = decl.name.text
        instances[name] = m.Instance(
            name,
            subnet.name,
            ip4,
            ip6,
            public,
            public_ip,
            tuple(sgs),
            sdc,
            "stopped" in opts,
            decl.span,
            down="down" in opts,
        )
    nats: dict[str, m.NatGateway] = {}
    for name, ndecl in s.nats.items():
        subnet_name = subnet_of(c, ndecl.subnet, vpc)
        if subnet_name is None or subnet_name not in subnets:
            continue
        nopts = {o.keyword: o for o in literals.unique_options(c, ndecl.options)}
        eip = None
        if "eip" in nopts and nopts["eip"].values:
            eip = literals.addr4(c, literals.tok(nopts["eip"].values[0]))
        ip = alloc.next(subnet_name)
        if ip is None:
            continue
        nats[name] = m.NatGateway(
            name, subnet_name, "private" in nopts, ip, eip, ndecl.span, down="down" in nopts
        )
    endpoints: dict[str, m.VpcEndpoint] = {}
    for name, edecl in s.endpoints.items():
        endpoints[name] = _endpoint(c, vpc, edecl, subnets, groups, alloc)
    for name, subnet in subnets.items():
        wanted = alloc.wanted.get(name, 0)
        if wanted > subnet.usable:
            c.diagnostics.append(subnet_too_small(subnet, wanted))
    return instances, nats, endpoints


def _written_ipv6(
    c: Context, tok: st.Tok, subnet: m.Subnet, alloc: Allocator
) -> IPv6Address | None:
    """An instance's written IPv6 address, checked against its subnet and taken."""
    if subnet.ipv6 is None:
        c.err(codes.IP_OUTSIDE_SUBNET, f"subnet '{subnet.name}' has no IPv6 CIDR", tok.span)
        return None
    v6 = literals.addr(c, tok)
    if not isinstance(v6, IPv6Address):
        if v6 is not None:
            c.err(codes.BAD_ADDRESS, f"'{tok.text}' is not an IPv6 address", tok.span)
        return None
    if v6 not in subnet.ipv6:
        c.err(
            codes.IP_OUTSIDE_SUBNET,
            f"{v6} is not inside subnet '{subnet.name}' ({subnet.ipv6})",
            tok.span,
        )
        return None
    if int(v6) in alloc.used6[subnet.name]:
        c.err(codes.DUPLICATE_ADDRESS, f"{v6} is already used in subnet '{subnet.name}'", tok.span)
        return None
    alloc.used6[subnet.name].add(int(v6))
    return v6


def _check_address(
    c: Context, ip: IPv4Address, subnet: m.Subnet, tok: st.Tok, alloc: Allocator
) -> bool:
    """Whether a written IPv4 address may be taken: inside its subnet, not reserved, free."""
    net = subnet.cidr
    if ip not in net:
        c.err(
            codes.IP_OUTSIDE_SUBNET,
            f"{ip} is not inside subnet '{subnet.name}' ({net})",
            tok.span,
        )
        return False
    offset = int(ip) - int(net.network_address)
    if offset < FIRST_FREE or ip == net.broadcast_address:
        what = RESERVED_AT_BOTTOM.get(offset, "broadcast address")
        c.err(
            codes.RESERVED_ADDRESS,
            f"{ip} is reserved in subnet '{subnet.name}' ({net}): the {what}",
            tok.span,
            f"AWS reserves the first four addresses and the last; the first free one is {net.network_address + FIRST_FREE}",
        )
        return False
    if alloc.taken(subnet.name, ip):
        c.err(codes.DUPLICATE_ADDRESS, f"{ip} is already used in subnet '{subnet.name}'", tok.span)
        return False
    return True


def _endpoint(
    c: Context,
    vpc: VpcScope,
    decl: st.EndpointDecl,
    subnets: Mapping[str, m.Subnet],
    groups: Mapping[str, m.SecurityGroup],
    alloc: Allocator,
) -> m.VpcEndpoint:
    """An endpoint: a gateway one names route tables; an interface one takes an address in
    each of its subnets, one per availability zone."""
    service = decl.service.text
    kind = m.EndpointKind(decl.kind)
    if kind is m.EndpointKind.GATEWAY:
        if service not in GATEWAY_ENDPOINT_SERVICES:
            c.err(
                codes.ENDPOINT_SERVICE,
                f"'{service}' has no gateway endpoint",
                decl.service.span,
                "gateway endpoints exist for s3 and dynamodb; use an interface endpoint",
            )
        tables = tuple(r.name for r in decl.targets if r.name in vpc.route_tables)
        return m.VpcEndpoint(decl.name.text, kind, service, tables, (), (), (), decl.span)
    names: list[str] = []
    addresses: list[IPv4Address] = []
    azs: dict[str, str] = {}
    for ref in decl.targets:
        sn = RESOLVERS[Kind.SUBNET](c, ref, vpc)
        if sn is None or sn not in subnets:
            continue
        az = subnets[sn].az
        if az in azs:
            c.err(
                codes.ENDPOINT_AZ,
                f"endpoint '{decl.name.text}' already has subnet '{azs[az]}' in {az}: one subnet per availability zone",
                ref.span,
            )
            continue
        azs[az] = sn
        ip = alloc.next(sn)
        if ip is not None:
            names.append(sn)
            addresses.append(ip)
    sgs = [g for ref in decl.groups if (g := RESOLVERS[Kind.SECURITY_GROUP](c, ref, vpc))]
    if not decl.groups:
        sgs = [next(n for n, g in groups.items() if g.default)]
    return m.VpcEndpoint(
        decl.name.text, kind, service, (), tuple(names), tuple(addresses), tuple(sgs), decl.span
    )
