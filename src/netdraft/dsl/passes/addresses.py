"""Addresses: the private IPv4 and IPv6 address of every network interface, and public ones.

Addresses are given out per subnet (docs/language.md, "Addresses"): first the addresses the
file writes (instances' ``ip``, NAT gateways' ``ip``, interface endpoints' and load
balancers' ``ips``), in the order of the file; then instances, in the order of the file,
each at the lowest free address after the four AWS reserves at the bottom; then the
infrastructure (NAT gateways, interface and resolver endpoints, load balancer nodes), in
the order of the file whatever its kind, each at the highest free address below the
broadcast address AWS reserves at the top. So adding an instance never moves an
infrastructure address, nor adding a NAT gateway an instance's, and a diff of two versions
shows only what changed. An address written twice is ``duplicate-address`` at the later
one, naming the first; :func:`check_held` finds the clashes that cross subnets (public
addresses, site hosts). An instance in a subnet with an IPv6 CIDR gets the lowest free
IPv6 address too. A subnet that runs out, counting its written and its automatic addresses, is
``subnet-too-small``, reported by :func:`netdraft.dsl.validate.subnet_capacity` from the
count each subnet keeps (:attr:`~netdraft.model.network.Subnet.interfaces`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from ipaddress import IPv4Address, IPv6Address, IPv6Network
from typing import TYPE_CHECKING

from netdraft import codes
from netdraft.diagnostics import warning
from netdraft.dsl import syntax as st
from netdraft.dsl.passes import dns, literals
from netdraft.dsl.passes.context import Held, Holder
from netdraft.dsl.passes.resolve import RESOLVERS, Kind, security_groups
from netdraft.dsl.passes.symbols import VpcScope
from netdraft.model import network as m
from netdraft.model.codes import GATEWAY_ENDPOINT_SERVICES
from netdraft.model.make import new_ipv4, slot_maker
from netdraft.model.values import NOT_PUBLIC_V4, IPAddress

if TYPE_CHECKING:
    from netdraft.dsl.passes.context import Context

#: ``m.Instance(...)``, ``Holder(...)`` and ``Held(...)`` at half the cost (a large network
#: has a hundred thousand of each).
new_instance = slot_maker(m.Instance)
new_holder = slot_maker(Holder)
new_held = slot_maker(Held)

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
    """Hands out the free addresses of a subnet: instances' from the bottom (the lowest free
    one after the four reserved there), infrastructure's from the top (the highest free one
    below the reserved last address), so that neither end moves the other.

    Every interface that asks for an address is counted in :attr:`wanted` (written and
    automatic alike), so that a subnet that runs out is reported with all it must hold.

    Instances' automatic addresses are taken by :func:`allocate` itself, at the lowest free
    one from :attr:`cursor` up, after every written one: each address below a subnet's
    cursor is taken, so only the written ones and infrastructure's are kept in
    :attr:`used` (with who holds them, which only a written address's clash names).
    """

    def __init__(self, subnets: Mapping[str, m.Subnet]) -> None:
        self.subnets = subnets
        self.used: dict[str, dict[int, Holder]] = {n: {} for n in subnets}
        self.cursor: dict[str, int] = {
            n: int(s.cidr.network_address) + FIRST_FREE for n, s in subnets.items()
        }
        self.used6: dict[str, dict[int, Holder]] = {n: {} for n in subnets}
        self.cursor6: dict[str, int] = {}
        self.wanted: dict[str, int] = {}
        #: The highest address infrastructure may still be given, per subnet.
        self.top: dict[str, int] = {
            n: int(s.cidr.broadcast_address) - 1 for n, s in subnets.items()
        }
        #: The highest address any interface may be given, per subnet (below the reserved
        #: broadcast address): read once, not per address (a subnet may hold thousands).
        self.last: dict[str, int] = dict(self.top)

    def holder(self, subnet: str, ip: IPv4Address) -> Holder | None:
        return self.used[subnet].get(int(ip))

    def take(self, subnet: str, ip: IPv4Address, holder: Holder) -> None:
        self.wanted[subnet] = self.wanted.get(subnet, 0) + 1
        self.used[subnet][int(ip)] = holder

    def next_from_top(self, subnet: str, holder: Holder) -> IPv4Address | None:
        """An infrastructure interface's address (a NAT gateway's, an endpoint's, a load
        balancer node's): the highest free one below the reserved broadcast address."""
        self.wanted[subnet] = self.wanted.get(subnet, 0) + 1
        first = int(self.subnets[subnet].cidr.network_address) + FIRST_FREE
        n = self.top[subnet]
        while n >= first and n in self.used[subnet]:
            n -= 1
        if n < first or n < self.cursor[subnet]:  # below the cursor, instances hold all
            return None
        self.used[subnet][n] = holder
        self.top[subnet] = n - 1
        return IPv4Address(n)

    def next6(self, subnet: str, net: IPv6Network, holder: Holder) -> IPv6Address | None:
        used = self.used6[subnet]
        n = self.cursor6.get(subnet, int(net.network_address) + FIRST_FREE)
        while n in used:
            n += 1
        if n > int(net.broadcast_address):
            # Only a block smaller than AWS's /64 runs out; validation reports its size.
            return None
        used[n] = holder
        self.cursor6[subnet] = n + 1
        return IPv6Address(n)


#: A written IPv4 address waiting to be taken: the word, its subnet, the address, who
#: writes it, and the key its owner finds it by.
Claim = tuple[st.Tok, m.Subnet, IPv4Address, Holder, tuple[str, str, int]]

Pending = tuple[st.InstanceDecl, m.Subnet, dict[str, st.Option], IPv6Address | None, Holder | None]


def allocate(
    c: Context,
    vpc: VpcScope,
    subnets: dict[str, m.Subnet],
    groups: Mapping[str, m.SecurityGroup],
    default_sg: str,
) -> tuple[
    dict[str, m.Instance],
    dict[str, m.NatGateway],
    dict[str, m.VpcEndpoint],
    dict[str, m.LoadBalancer],
]:
    """The VPC's instances, NAT gateways, endpoints and load balancers, with their addresses;
    each of ``subnets`` is given the count of interfaces that asked it for one."""
    s = vpc
    vpc_name = s.decl.name.text
    # The resolvers, found once: a VPC may hold a hundred thousand instances.
    subnet_of, group_of = RESOLVERS[Kind.SUBNET], RESOLVERS[Kind.SECURITY_GROUP]
    # The names a plain (unscoped) reference finds at once; any other goes through its
    # resolver, which reports what it does not find.
    subnet_names, group_names = vpc.subnets, security_groups(c, vpc)
    options = literals.options_by_keyword
    alloc = Allocator(subnets)
    claims: list[Claim] = []
    instances: dict[str, m.Instance] = {}
    pending: list[Pending] = []
    for decl in s.instances.values():
        parts = decl.subnet.parts
        if len(parts) == 1 and parts[0].text in subnet_names:
            subnet_name: str | None = parts[0].text
        else:
            subnet_name = subnet_of(c, decl.subnet, vpc)
        opts = options(c, decl.options)
        if subnet_name is None or subnet_name not in subnets:
            continue
        subnet = subnets[subnet_name]
        who: Holder | None = None  # made when it is needed (most instances never are)
        written6: IPv6Address | None = None
        if "ip" in opts or "ipv6" in opts:  # most instances write neither: one look
            who = new_holder(f"instance '{decl.name.text}'", decl.span)
            if "ip" in opts:
                _claim(c, claims, opts["ip"], subnet, who, ("instance", decl.name.text, 0))
            if "ipv6" in opts:
                tok6 = literals.tok(opts["ipv6"].values[0])
                written6 = _written_ipv6(c, tok6, subnet, alloc, Holder(who.who, tok6.span))
        pending.append((decl, subnet, opts, written6, who))
    nat_pending: list[tuple[st.NatGatewayDecl, str, dict[str, st.Option]]] = []
    for ndecl in s.nats.values():
        subnet_name = subnet_of(c, ndecl.subnet, vpc)
        if subnet_name is None or subnet_name not in subnets:
            continue
        nopts = {o.keyword: o for o in literals.unique_options(c, ndecl.options)}
        who = Holder(f"NAT gateway '{ndecl.name.text}'", ndecl.span)
        if "ip" in nopts:
            _claim(c, claims, nopts["ip"], subnets[subnet_name], who, ("nat", ndecl.name.text, 0))
        nat_pending.append((ndecl, subnet_name, nopts))
    resolved: dict[str, list[str | None]] = {}
    for ename, edecl in s.endpoints.items():
        if edecl.kind == "interface":
            resolved[ename] = [subnet_of(c, ref, vpc) for ref in edecl.targets]
            label = f"endpoint '{ename}'"
            _claim_nodes(c, label, edecl.ips, edecl.targets, resolved[ename], subnets, claims)
    lb_subnets: dict[str, list[str | None]] = {}
    for lname, ldecl in s.load_balancers.items():
        lb_subnets[lname] = [subnet_of(c, ref, vpc) for ref in ldecl.subnets]
        lopts = {o.keyword: o for o in literals.unique_options(c, ldecl.options)}
        label = f"load balancer '{lname}'"
        _claim_nodes(c, label, lopts.get("ips"), ldecl.subnets, lb_subnets[lname], subnets, claims)
    # Written addresses are taken first, in the order of the file, so that automatic ones
    # never collide with them and a clash is reported at the later of the two.
    granted: dict[tuple[str, str, int], IPv4Address] = {}
    for tok, subnet, written, holder, key in sorted(
        claims, key=lambda cl: (cl[0].span.line, cl[0].span.column)
    ):
        first = alloc.holder(subnet.name, written)
        if first is not None:
            c.err(
                codes.DUPLICATE_ADDRESS,
                f"{written} is already held by {first}",
                tok.span,
                _where(first),
            )
            continue
        alloc.take(subnet.name, written, holder)
        granted[key] = written
        c.held.append(Held(written, f"vpc:{vpc_name}", holder))
    held, in_vpc = c.held, f"vpc:{vpc_name}"
    # Read once per VPC, not per instance; the options most instances write none of, and
    # each subnet's allocation state, looked up directly (a VPC may hold 100,000 instances).
    rare = RARE_INSTANCE_OPTIONS
    wanted, used_of, cursor, last_of = alloc.wanted, alloc.used, alloc.cursor, alloc.last
    default_sgs = (default_sg,)
    at_sites = _site_numbers(c)
    plain_groups: dict[str, tuple[str, ...]] = {}  # `sg NAME` of a plainly named group
    for decl, subnet, opts, written6, who in pending:
        name = decl.name.text
        subnet_name = subnet.name
        ip4: IPv4Address | None
        if "ip" in opts:
            # A written address that clashes keeps the instance (the clash is reported).
            ip4 = granted.get(("instance", name, 0)) or _written(opts["ip"])
        else:
            # The lowest free address of the subnet (see `Allocator`: above the cursor,
            # only written addresses are taken).
            wanted[subnet_name] = wanted.get(subnet_name, 0) + 1
            last, used = last_of[subnet_name], used_of[subnet_name]
            n = cursor[subnet_name]
            while n <= last and n in used:
                n += 1
            if n > last:
                continue
            cursor[subnet_name] = n + 1
            ip4 = new_ipv4(n)
            if n in at_sites:  # see `check_held`: the only holders it may clash with
                if who is None:
                    who = new_holder(f"instance '{name}'", decl.span)
                held.append(new_held(ip4, in_vpc, who))
        if ip4 is None:
            continue
        some_rare = not rare.isdisjoint(opts)
        if who is None and (some_rare or subnet.ipv6 is not None):
            who = new_holder(f"instance '{name}'", decl.span)
        ip6: IPv6Address | None = None
        if subnet.ipv6 is not None:
            assert who is not None
            ip6 = written6 if "ipv6" in opts else alloc.next6(subnet_name, subnet.ipv6, who)
        public, public_ip = m.PublicIp.NONE, None
        sdc, ephemeral = True, None
        if some_rare:
            assert who is not None
            public, public_ip = _instance_public(c, opts, who)
        if public is m.PublicIp.NONE and subnet.public_ip_on_launch:
            public = m.PublicIp.AUTO
        sgs: tuple[str, ...]
        if "sg" in opts:
            values = opts["sg"].values
            only = values[0] if len(values) == 1 else None
            if (
                isinstance(only, st.Ref)
                and len(only.parts) == 1
                and (gname := only.parts[0].text) in group_names
            ):
                # One plainly named group (most instances): one tuple per group name.
                found = plain_groups.get(gname)
                if found is None:
                    found = plain_groups[gname] = (gname,)
                sgs = found
            else:
                listed: list[str] = []
                for ref in values:
                    if isinstance(ref, st.Ref):
                        parts = ref.parts
                        if len(parts) == 1 and parts[0].text in group_names:
                            listed.append(parts[0].text)
                            continue
                        g = group_of(c, ref, vpc)
                        if g is not None:
                            listed.append(g)
                sgs = tuple(listed)
        else:
            sgs = default_sgs
        if some_rare:
            if "source-dest-check" in opts:
                sdc = literals.tok(opts["source-dest-check"].values[0]).text == "on"
            if "ephemeral" in opts:
                ephemeral = literals.ephemeral_range(c, literals.tok(opts["ephemeral"].values[0]))
        instances[name] = new_instance(
            name,
            subnet_name,
            ip4,
            ip6,
            public,
            public_ip,
            sgs,
            sdc,
            "stopped" in opts,
            decl.span,
            ephemeral,
            "down" in opts,
            None if decl.dns is None else dns.config(c, decl.dns),
        )
    # Infrastructure takes its addresses from the top of each subnet, in the order of the
    # file whatever its kind, so that adding an instance never moves it, nor it an instance.
    nat_of = {d.name.text: (d, sn, o) for d, sn, o in nat_pending}
    order = sorted(
        [(d.span, "nat", n) for n, (d, _, _) in nat_of.items()]
        + [(d.span, "endpoint", n) for n, d in s.endpoints.items()]
        + [(d.span, "lb", n) for n, d in s.load_balancers.items()],
        key=lambda item: (item[0].line, item[0].column),
    )
    built_nats: dict[str, m.NatGateway] = {}
    built_endpoints: dict[str, m.VpcEndpoint] = {}
    built_balancers: dict[str, m.LoadBalancer] = {}
    for _, what, name in order:
        if what == "nat":
            ndecl, subnet_name, nopts = nat_of[name]
            nat = _nat_gateway(c, vpc_name, ndecl, subnet_name, nopts, alloc, granted)
            if nat is not None:
                built_nats[name] = nat
        elif what == "endpoint":
            built_endpoints[name] = _endpoint(
                c, vpc, s.endpoints[name], resolved.get(name, []), subnets, groups, alloc, granted
            )
        else:
            built_balancers[name] = load_balancer(
                c, vpc, s.load_balancers[name], lb_subnets[name], subnets, groups, alloc, granted
            )
    # Returned in the order of their declarations, kind by kind, as before.
    nats = {n: built_nats[n] for n in s.nats if n in built_nats}
    endpoints = {n: built_endpoints[n] for n in s.endpoints}
    balancers = {n: built_balancers[n] for n in s.load_balancers}
    for name, subnet in subnets.items():
        # Counted for the one rule that reports a full subnet (`subnet-too-small`).
        subnets[name] = dataclasses.replace(subnet, interfaces=alloc.wanted.get(name, 0))
    return instances, nats, endpoints, balancers


#: The options of an instance that :func:`allocate` reads through :func:`_instance_public`
#: and the like: most instances write none of them.
RARE_INSTANCE_OPTIONS = frozenset({"public-ip", "elastic-ip", "source-dest-check", "ephemeral"})


def _instance_public(
    c: Context, opts: Mapping[str, st.Option], who: Holder
) -> tuple[m.PublicIp, IPv4Address | None]:
    """An instance's written public IP or Elastic IP (not both), with its address when
    written; the address is held file-wide (``public``)."""
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
                ptok = literals.tok(opts[kw].values[0])
                what = "Elastic IP" if kind is m.PublicIp.ELASTIC else "public IP"
                public_ip = _public_address(c, literals.addr4(c, ptok), ptok, what)
                if public_ip is not None:
                    c.held.append(
                        Held(public_ip, "public", Holder(f"the {what} of {who.who}", ptok.span))
                    )
    return public, public_ip


def _nat_gateway(
    c: Context,
    vpc_name: str,
    ndecl: st.NatGatewayDecl,
    subnet_name: str,
    nopts: Mapping[str, st.Option],
    alloc: Allocator,
    granted: Mapping[tuple[str, str, int], IPv4Address],
) -> m.NatGateway | None:
    """A NAT gateway: its Elastic IP, and its private address (written, or the highest free
    one of its subnet); ``None`` when its subnet has no room left (reported as full)."""
    name = ndecl.name.text
    who = Holder(f"NAT gateway '{name}'", ndecl.span)
    private = "private" in nopts
    eip = None
    if "eip" in nopts and private:
        c.err(
            codes.BAD_OPTION,
            f"NAT gateway '{name}' is private: a private NAT gateway has no Elastic IP",
            nopts["eip"].span,
            "remove `eip`, or `private` for a public NAT gateway",
        )
    elif "eip" in nopts and nopts["eip"].values:
        etok = literals.tok(nopts["eip"].values[0])
        eip = _public_address(c, literals.addr4(c, etok), etok, "Elastic IP")
        if eip is not None:
            c.held.append(Held(eip, "public", Holder(f"the Elastic IP of {who.who}", etok.span)))
    nat_ip: IPv4Address | None
    if "ip" in nopts:
        nat_ip = granted.get(("nat", name, 0)) or _written(nopts["ip"])
    else:
        nat_ip = alloc.next_from_top(subnet_name, who)
        if nat_ip is not None:
            c.held.append(Held(nat_ip, f"vpc:{vpc_name}", who))
    if nat_ip is None:
        return None
    return m.NatGateway(name, subnet_name, private, nat_ip, eip, ndecl.span, down="down" in nopts)


def _written(option: st.Option) -> IPv4Address | None:
    """A written address that was not taken (reported already): read again, quietly."""
    text = literals.tok(option.values[0]).text
    try:
        return IPv4Address(text)
    except ValueError:
        return None


def _claim(
    c: Context,
    claims: list[Claim],
    option: st.Option,
    subnet: m.Subnet,
    who: Holder,
    key: tuple[str, str, int],
) -> None:
    """A written ``ip ADDR``: checked against its subnet, then queued to be taken."""
    tok = literals.tok(option.values[0])
    ip = literals.addr4(c, tok)
    if ip is not None and _check_address(c, ip, subnet, tok):
        claims.append((tok, subnet, ip, Holder(who.who, tok.span), key))


def _claim_nodes(
    c: Context,
    who: str,
    ips: st.Option | None,
    refs: tuple[st.Ref, ...],
    resolved: list[str | None],
    subnets: Mapping[str, m.Subnet],
    claims: list[Claim],
) -> None:
    """``ips`` of an interface endpoint or a load balancer (``who``): one address per
    subnet, in the order of the subnets."""
    if ips is None:
        return
    toks = [literals.tok(v) for v in ips.values]
    if len(toks) != len(refs):
        c.err(
            codes.BAD_OPTION,
            f"{who} has {len(refs)} subnet(s) and {len(toks)} address(es)",
            ips.span,
            "write one address per subnet, in the order of the subnets",
        )
    for index, (sn, tok) in enumerate(zip(resolved, toks, strict=False)):
        ip = literals.addr4(c, tok)
        if sn is None or sn not in subnets or ip is None:
            continue
        if _check_address(c, ip, subnets[sn], tok):
            claims.append((tok, subnets[sn], ip, Holder(who, tok.span), (who, "", index)))


def _written_ipv6(
    c: Context, tok: st.Tok, subnet: m.Subnet, alloc: Allocator, holder: Holder
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
    first = alloc.used6[subnet.name].get(int(v6))
    if first is not None:
        c.err(codes.DUPLICATE_ADDRESS, f"{v6} is already held by {first}", tok.span, _where(first))
        return None
    alloc.used6[subnet.name][int(v6)] = holder
    return v6


def _check_address(c: Context, ip: IPv4Address, subnet: m.Subnet, tok: st.Tok) -> bool:
    """Whether a written IPv4 address may be taken: inside its subnet and not reserved."""
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
    return True


def _interfaces(
    c: Context,
    vpc: VpcScope,
    who: Holder,
    refs: Sequence[st.Ref],
    resolved: list[str | None],
    subnets: Mapping[str, m.Subnet],
    alloc: Allocator,
    granted: Mapping[tuple[str, str, int], IPv4Address],
    written: bool,
    several_per_az: bool,
) -> list[tuple[int, str, str, IPv4Address]]:
    """The network interfaces of an endpoint or a load balancer, one in each of its subnets:
    ``(the subnet's index in the list, the subnet, its AZ, the address)``, the address the
    ``ips`` option grants (``written``) or the highest free; a second subnet of one AZ is an
    ``endpoint-az`` error unless ``several_per_az`` (a resolver endpoint)."""
    placed: list[tuple[int, str, str, IPv4Address]] = []
    azs: dict[str, str] = {}
    for index, (ref, sn) in enumerate(zip(refs, resolved, strict=True)):
        if sn is None or sn not in subnets:
            continue
        az = subnets[sn].az
        if az in azs and not several_per_az:
            c.err(
                codes.ENDPOINT_AZ,
                f"{who.who} already has subnet '{azs[az]}' in {az}: one subnet per availability zone",
                ref.span,
            )
            continue
        azs[az] = sn
        ip: IPv4Address | None
        if written:
            ip = granted.get((who.who, "", index))
        else:
            ip = alloc.next_from_top(sn, who)
            if ip is not None:
                c.held.append(Held(ip, f"vpc:{vpc.decl.name.text}", who))
        if ip is not None:
            placed.append((index, sn, az, ip))
    return placed


def _endpoint(
    c: Context,
    vpc: VpcScope,
    decl: st.EndpointDecl,
    resolved: list[str | None],
    subnets: Mapping[str, m.Subnet],
    groups: Mapping[str, m.SecurityGroup],
    alloc: Allocator,
    granted: Mapping[tuple[str, str, int], IPv4Address],
) -> m.VpcEndpoint:
    """An endpoint: a gateway one names route tables; an interface one takes an address in
    each of its subnets, one per availability zone (written with ``ips``, or the highest free)."""
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
    name = decl.name.text
    who = Holder(f"endpoint '{name}'", decl.span)
    written = decl.ips is not None
    # A resolver endpoint may hold two addresses of one AZ (AWS advises two AZs).
    placed = _interfaces(
        c, vpc, who, decl.targets, resolved, subnets, alloc, granted, written, bool(decl.resolver)
    )
    names = [sn for _index, sn, _az, _ip in placed]
    addresses = [ip for _index, _sn, _az, ip in placed]
    if decl.resolver and len(decl.targets) < 2:
        c.diagnostics.append(
            warning(
                codes.RESOLVER_ENDPOINT_SIZE,
                f"resolver endpoint '{name}' has one network interface: Route 53 requires at"
                " least two (CreateResolverEndpoint)",
                decl.name.span,
                "list two subnets (two in different availability zones, or one twice)",
            )
        )
    sgs = [g for ref in decl.groups if (g := RESOLVERS[Kind.SECURITY_GROUP](c, ref, vpc))]
    if not decl.groups:
        sgs = [next(n for n, g in groups.items() if g.default)]
    written_ports = decl.ports.values if decl.ports is not None else ()
    ports = [r for v in written_ports if (r := literals.port_range(c, literals.tok(v)))]
    return m.VpcEndpoint(
        name,
        kind,
        service,
        (),
        tuple(names),
        tuple(addresses),
        tuple(sgs),
        decl.span,
        decl.resolver,
        tuple(sorted(set(ports))),
    )


def load_balancer(
    c: Context,
    vpc: VpcScope,
    decl: st.LoadBalancerDecl,
    resolved: list[str | None],
    subnets: Mapping[str, m.Subnet],
    groups: Mapping[str, m.SecurityGroup],
    alloc: Allocator,
    granted: Mapping[tuple[str, str, int], IPv4Address],
) -> m.LoadBalancer:
    """A load balancer: a node (a network interface) in each of its subnets, one per AZ,
    at the address ``ips`` writes or the highest free one (:class:`Allocator`);
    an NLB's ``eips`` are its nodes' public addresses, in the order of the subnets."""
    name = decl.name.text
    who = Holder(f"load balancer '{name}'", decl.span)
    opts = {o.keyword: o for o in literals.unique_options(c, decl.options)}
    kind = m.LbKind(decl.kind.text)
    public = decl.scheme.text == "internet-facing"
    eips: list[IPv4Address | None] = []
    if "eips" in opts:
        if kind is m.LbKind.APPLICATION or not public:
            c.err(
                codes.BAD_OPTION,
                f"load balancer '{name}' cannot take Elastic IPs: only an internet-facing network load balancer does",
                opts["eips"].span,
                "remove `eips`; AWS gives an ALB's nodes their public addresses",
            )
        else:
            for v in opts["eips"].values:
                etok = literals.tok(v)
                eip = _public_address(c, literals.addr4(c, etok), etok, "Elastic IP")
                eips.append(eip)
                if eip is not None:
                    c.held.append(
                        Held(eip, "public", Holder(f"an Elastic IP of {who.who}", etok.span))
                    )
            if len(eips) != len(decl.subnets):
                c.err(
                    codes.BAD_OPTION,
                    f"load balancer '{name}' has {len(decl.subnets)} subnet(s) and {len(eips)} Elastic IP(s)",
                    opts["eips"].span,
                    "write one Elastic IP per subnet, in the order of the subnets",
                )
    if "cross-zone" in opts and kind is m.LbKind.APPLICATION:
        c.err(
            codes.BAD_OPTION,
            f"application load balancer '{name}' is always cross-zone",
            opts["cross-zone"].span,
            "remove `cross-zone`; it is for network load balancers",
        )
    pool, pooled = c.ipam_addresses.get((vpc.decl.name.text, name), (None, []))
    for address in pooled:  # an ALB's public addresses from IPAM
        eips.append(address)
        if address is not None:
            c.held.append(
                Held(address, "public", Holder(f"an IPAM address of {who.who}", decl.span))
            )
    nodes = [
        m.LbNode(sn, az, ip, eips[index] if index < len(eips) else None)
        for index, sn, az, ip in _interfaces(
            c, vpc, who, decl.subnets, resolved, subnets, alloc, granted, "ips" in opts, False
        )
    ]
    sgs: list[str] = []
    if "sg" in opts:
        sgs = [
            g
            for ref in opts["sg"].values
            if isinstance(ref, st.Ref) and (g := RESOLVERS[Kind.SECURITY_GROUP](c, ref, vpc))
        ]
    elif kind is m.LbKind.APPLICATION:
        # An ALB created without groups gets the VPC's default one (ELB user guide).
        sgs = [next(n for n, g in groups.items() if g.default)]
    listeners: list[m.Listener] = []
    for lst in decl.listeners:
        port = literals.number_value(lst.port.text)
        allowed = LB_PROTOCOLS[kind]
        if lst.protocol.text not in allowed:
            c.err(
                codes.BAD_OPTION,
                f"a listener of {kind.value} load balancer '{name}' takes {', '.join(allowed)}, not '{lst.protocol.text}'",
                lst.protocol.span,
            )
            continue
        if port is None or not 1 <= port <= 65535:
            c.err(codes.BAD_PORT, f"port {lst.port.text} is outside 1..65535", lst.port.span)
            continue
        tg = lst.target_group.name
        if tg not in vpc.target_groups:
            c.unknown("target group", lst.target_group, vpc.target_groups, vpc.where)
            continue
        listeners.append(m.Listener(lst.protocol.text, port, tg, lst.span))
    cross = kind is m.LbKind.APPLICATION or "cross-zone" in opts
    return m.LoadBalancer(
        name, kind, public, tuple(nodes), tuple(sgs), cross, tuple(listeners), decl.span, pool
    )


#: The listener protocols of each kind of load balancer (ELB user guides).
LB_PROTOCOLS: Mapping[m.LbKind, tuple[str, ...]] = {
    m.LbKind.APPLICATION: ("http", "https"),
    m.LbKind.NETWORK: ("tcp", "udp", "tls", "tcp_udp"),
}


def check_held(c: Context) -> None:
    """``duplicate-address`` across the file, at the later of two holders, naming the first.

    One subnet's clashes are found as its addresses are taken; this finds the others: a
    public IPv4 address written twice (instances' public and Elastic IPs, NAT gateways'
    Elastic IPs), two site hosts at one address, and a site host at an address that an
    interface of a VPC holds. Two VPCs may hold one private address (they are not
    connected, or their overlap is reported as such).
    """
    # A VPC's private address clashes only with a site host's (two VPCs' holders never
    # clash, see `_clash`): it is grouped only when some site host has that address, so
    # that the tens of thousands of instances of a large network are not hashed for
    # nothing. The groups that remain, and their order, are the same.
    sites = {h.address for h in c.held if h.scope.startswith("site:")}
    groups: dict[tuple[bool, IPAddress], list[Held]] = {}
    for held in c.held:
        if held.scope.startswith("vpc:") and (not sites or held.address not in sites):
            continue
        groups.setdefault((held.scope == "public", held.address), []).append(held)
    for entries in groups.values():
        if len(entries) < 2:
            continue
        entries.sort(key=lambda h: (h.holder.span.line, h.holder.span.column))
        for index, later in enumerate(entries):
            first = next((e for e in entries[:index] if _clash(e, later)), None)
            if first is not None:
                c.err(
                    codes.DUPLICATE_ADDRESS,
                    f"{later.address} is already held by {first.holder}",
                    later.holder.span,
                    first.holder.where,
                )


def _site_numbers(c: Context) -> frozenset[int]:
    """The IPv4 addresses site hosts hold, as numbers, found once (the sites are built
    before the VPCs). An instance's automatic address is held file-wide only when a site
    host holds it too: :func:`check_held` would pass over any other (two VPCs' holders
    never clash), and a large network has a hundred thousand."""
    if c.site_numbers is None:
        c.site_numbers = frozenset(
            int(h.address)
            for h in c.held
            if h.scope.startswith("site:") and isinstance(h.address, IPv4Address)
        )
    return c.site_numbers


def _clash(a: Held, b: Held) -> bool:
    """Whether two holders of one address clash (the private ones of VPCs are checked per
    subnet as they are taken)."""
    return not (a.scope.startswith("vpc:") and b.scope.startswith("vpc:"))


def _where(first: object) -> str:
    """The label of a ``duplicate-address``: where the first holder is written."""
    return first.where if isinstance(first, Holder) else ""


#: The IPv4 ranges no public IP or Elastic IP is taken from.
NOT_PUBLIC = NOT_PUBLIC_V4


def _public_address(
    c: Context, ip: IPv4Address | None, tok: st.Tok, what: str
) -> IPv4Address | None:
    """A written public IP or Elastic IP, refused when it is no public address: AWS gives
    them from its public IPv4 space (or a customer's own public range), never from the
    private, shared, link-local or reserved ranges."""
    if ip is None or not any(ip in net for net in NOT_PUBLIC):
        return ip
    c.err(
        codes.BAD_ADDRESS,
        f"{ip} is not a public IPv4 address, as {_article(what)} {what} must be",
        tok.span,
        "write the public address AWS gave it, or leave the address out",
    )
    return None


def _article(word: str) -> str:
    return "an" if word[0] in "AEIOU" else "a"
