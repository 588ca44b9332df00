"""Name resolution: one resolver per kind of reference, in a table (textX's scope providers).

A reference names a declaration of one kind, looked for in one scope:

========================  ==========================================  ======================
reference                 names                                       looked for in
========================  ==========================================  ======================
``peering a <-> b``,      a VPC                                       the file
``attach VPC``
``in SUBNET``,            a subnet                                    the reference's VPC
``associate``, ``subnets``
``endpoint ... via RT``   a route table                               the reference's VPC
``sg GROUP``              a security group (the default one too)      the reference's VPC
``attach vpn NAME``       a VPN                                       the file
``vpn ... to CGW``        a customer gateway                          every site
``propagate VGW``         the VPN gateway                             the reference's VPC
``route ... via NAME``    a route target: :func:`route_target`        the VPC and the file
``from/to VPC.GROUP``     a security group peer: :func:`sg_peer`      any VPC
``flow``, ``expect``      a place: :class:`PlaceResolver`             the built network
``via NAME``              a component: :func:`component_names`        the built network
========================  ==========================================  ======================

Each resolver returns the name it found, or ``None`` after reporting ``unknown-name``
with the closest candidate as the hint.
"""

from __future__ import annotations

import dataclasses
import enum
import ipaddress
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from netdraft import codes
from netdraft.diagnostics import Diagnostic, Hints, error
from netdraft.dsl import syntax as st
from netdraft.dsl.passes import defaults, literals, prefix_lists
from netdraft.dsl.passes.symbols import VpcScope
from netdraft.model import network as m
from netdraft.model.codes import AWS_SERVICES
from netdraft.model.values import IPAddress, Span

if TYPE_CHECKING:
    from netdraft.dsl.passes.context import Context


class Kind(enum.Enum):
    """A kind of name a reference may take; the value is how messages call it."""

    VPC = "vpc"
    SUBNET = "subnet"
    ROUTE_TABLE = "route table"
    SECURITY_GROUP = "security group"
    VPN = "vpn"
    CUSTOMER_GATEWAY = "customer gateway"
    VPN_GATEWAY = "vpn gateway"
    SITE = "site"


Resolver = Callable[["Context", st.Ref, "VpcScope | None"], "str | None"]


def resolve(c: Context, kind: Kind, ref: st.Ref, vpc: VpcScope | None = None) -> str | None:
    """The name ``ref`` takes as a ``kind``, looked for where that kind is declared
    (``vpc``: the VPC the reference is written in)."""
    return RESOLVERS[kind](c, ref, vpc)


def _in_file(names: Callable[[Context], Mapping[str, object]], kind: Kind) -> Resolver:
    def resolver(c: Context, ref: st.Ref, vpc: VpcScope | None) -> str | None:
        table = names(c)
        if ref.name in table:
            return ref.name
        c.unknown(kind.value, ref, table)
        return None

    return resolver


def _in_vpc(names: Callable[[Context, VpcScope], Mapping[str, object]], kind: Kind) -> Resolver:
    """A name declared in the VPC the reference is written in (``vpc.name`` or ``name``)."""

    def resolver(c: Context, ref: st.Ref, vpc: VpcScope | None) -> str | None:
        assert vpc is not None, f"a {kind.value} is looked for in a VPC"
        if ref.scope is not None and ref.scope != vpc.name:
            c.err(
                codes.UNKNOWN_NAME,
                f"'{ref}' is not in vpc '{vpc.name}': {kind.value}s are referenced within their own VPC",
                ref.span,
            )
            return None
        table = names(c, vpc)
        if ref.name in table:
            return ref.name
        c.unknown(kind.value, ref, table, vpc.where, where_else(c, ref.name, kind.value, vpc))
        return None

    return resolver


#: How messages call each gateway keyword's kind.
GATEWAY_WORDS = {
    "internet-gateway": "internet gateway",
    "egress-only-gateway": "egress-only internet gateway",
    "vpn-gateway": "VPN gateway",
}

#: Every kind of name a VPC holds, as messages call it, with the VPC's names of that kind.
VPC_KINDS: tuple[tuple[str, Callable[[VpcScope], Iterable[str]]], ...] = (
    (Kind.SUBNET.value, lambda s: s.subnets),
    (Kind.ROUTE_TABLE.value, lambda s: s.route_tables),
    (Kind.SECURITY_GROUP.value, lambda s: s.groups),
    ("network ACL", lambda s: s.acls),
    ("instance", lambda s: s.instances),
    ("NAT gateway", lambda s: s.nats),
    ("endpoint", lambda s: s.endpoints),
    *(
        (word, lambda s, kw=kw: [g.name.text for k, g in s.gateways.items() if k == kw])
        for kw, word in GATEWAY_WORDS.items()
    ),
)

#: Why a name of another VPC cannot be used where a kind is looked for in a VPC
#: (``{name}``: the name, ``{vpc}``: the VPC that has it).
CROSS_VPC_RULES = {
    Kind.SUBNET.value: "an instance, NAT gateway, endpoint or association takes a subnet"
    " of its own VPC",
    Kind.ROUTE_TABLE.value: "an endpoint takes the route tables of its own VPC",
    GATEWAY_WORDS["vpn-gateway"]: "a route table propagates from the VPN gateway of its own VPC",
    Kind.SECURITY_GROUP.value: "an instance or endpoint takes security groups of its own VPC"
    " (a rule may name a peered VPC's group as '{vpc}.{name}')",
    "route target": "a route targets only what its own VPC holds, or a peering or transit"
    " gateway that joins it",
}

#: Why a route cannot target a kind of another VPC's (``{vpc}``: the VPC that has it), by
#: the kind's word: the hint fits what the name is.
ROUTE_TARGET_RULES = {
    "NAT gateway": "a route cannot target another VPC's NAT gateway; vpc '{vpc}' can share"
    " it through a transit gateway (a peering carries no traffic on through it)",
    "instance": "a route cannot target another VPC's instance; route to a peering or transit"
    " gateway that joins vpc '{vpc}' to reach the instance itself",
    "endpoint": "no route targets an endpoint, of any VPC",
    **{
        word: f"a route cannot target another VPC's {word}, and a peering carries no traffic"
        f" on through it: give this VPC its own {word}"
        for word in GATEWAY_WORDS.values()
    },
}


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def where_else(c: Context, name: str, kind: str, vpc: VpcScope) -> tuple[str, str] | None:
    """What ``name`` is when it is no ``kind`` of ``vpc``: another kind of this VPC, or a
    name of another VPC. The fact for the message and the rule for the hint."""
    here = [word for word, names in VPC_KINDS if word != kind and name in names(vpc)]
    if here:
        return f"'{name}' is {_article(here[0])} {here[0]}, not {_article(kind)} {kind}", ""
    if c.vpc_names is None:
        c.vpc_names = _vpc_names(c)
    others = [(word, v) for word, v in c.vpc_names.get(name, ()) if v != vpc.name]
    if not others:
        return None
    same = [v for word, v in others if word == kind]
    word, where = (
        (kind, same) if same else (others[0][0], [v for w, v in others if w == others[0][0]])
    )
    vpcs = " and ".join(f"'{v}'" for v in where[:NAMED_VPCS])
    fact = f"'{name}' is {_article(word)} {word} of vpc{'s' if len(where) > 1 else ''} {vpcs}"
    rule = CROSS_VPC_RULES.get(kind, "{kind}s are referenced within their own VPC")
    if kind == "route target":
        rule = ROUTE_TARGET_RULES.get(word, rule)
    return fact, rule.format(name=name, vpc=where[0], kind=kind)


#: How many VPCs a message names as holding one name of one kind (and the index keeps).
NAMED_VPCS = 3


def _vpc_names(c: Context) -> dict[str, list[tuple[str, str]]]:
    """Every name declared in a VPC: its kinds and VPCs, at most :data:`NAMED_VPCS` + 1 VPCs
    per kind (built once, on the first unknown name, in the time of one pass)."""
    index: dict[str, list[tuple[str, str]]] = {}
    count: dict[tuple[str, str], int] = {}
    for scope in c.scope.vpcs.values():
        for word, names in VPC_KINDS:
            for name in names(scope):
                seen = count.get((name, word), 0)
                if seen <= NAMED_VPCS:
                    count[(name, word)] = seen + 1
                    index.setdefault(name, []).append((word, scope.name))
    return index


def _vpc(c: Context, ref: st.Ref, vpc: VpcScope | None) -> str | None:
    if ref.scope is None and ref.name in c.scope.vpcs:
        return ref.name
    c.unknown(Kind.VPC.value, ref, c.scope.vpcs)
    return None


def security_groups(c: Context, vpc: VpcScope) -> Mapping[str, object]:
    """A VPC's security groups as references see them: the written ones and the default."""
    found = c.group_names.get(vpc.name)
    if found is None:
        implicit = defaults.implicit_name(defaults.DEFAULT, vpc.name, vpc.groups)
        found = c.group_names[vpc.name] = {**vpc.groups, implicit: None}
    return found


def _vpn_gateway(c: Context, ref: st.Ref, vpc: VpcScope | None) -> str | None:
    assert vpc is not None, "a VPN gateway is looked for in a VPC"
    vgw = vpc.gateways.get("vpn-gateway")
    if vgw is None or ref.name != vgw.name.text:
        elsewhere = where_else(c, ref.name, GATEWAY_WORDS["vpn-gateway"], vpc)
        c.unknown(Kind.VPN_GATEWAY.value, ref, [vgw.name.text] if vgw else [], vpc.where, elsewhere)
        return None
    return ref.name


#: How each kind of name is resolved (textX's ``register_scope_providers``).
RESOLVERS: Mapping[Kind, Resolver] = {
    Kind.VPC: _vpc,
    Kind.SUBNET: _in_vpc(lambda c, vpc: vpc.subnets, Kind.SUBNET),
    Kind.ROUTE_TABLE: _in_vpc(lambda c, vpc: vpc.route_tables, Kind.ROUTE_TABLE),
    Kind.SECURITY_GROUP: _in_vpc(security_groups, Kind.SECURITY_GROUP),
    Kind.VPN: _in_file(lambda c: c.scope.vpns, Kind.VPN),
    Kind.CUSTOMER_GATEWAY: _in_file(lambda c: c.scope.customer_gateways, Kind.CUSTOMER_GATEWAY),
    Kind.VPN_GATEWAY: _vpn_gateway,
    Kind.SITE: _in_file(lambda c: c.scope.sites, Kind.SITE),
}

#: The kind of route target each gateway keyword makes.
GATEWAY_KINDS = {
    "internet-gateway": m.TargetKind.INTERNET_GATEWAY,
    "egress-only-gateway": m.TargetKind.EGRESS_ONLY_GATEWAY,
    "vpn-gateway": m.TargetKind.VPN_GATEWAY,
}


def route_target(c: Context, vpc: VpcScope, ref: st.Ref) -> m.RouteTarget | None:
    """What ``route ... via NAME`` sends to: a gateway, NAT gateway or instance of the VPC,
    or a peering or transit gateway that joins it (an endpoint is never one)."""
    s, table = vpc, c.scope
    name = ref.name
    K = m.TargetKind
    found: list[m.RouteTarget] = []
    for kw, gw in s.gateways.items():
        if gw.name.text == name:
            found.append(m.RouteTarget(GATEWAY_KINDS[kw], name))
    if name in s.nats:
        found.append(m.RouteTarget(K.NAT_GATEWAY, name))
    if name in s.instances:
        found.append(m.RouteTarget(K.INSTANCE, name))
    if name in s.endpoints:
        # AWS routes to a gateway endpoint only by its own prefix-list route, and to no
        # interface endpoint at all (only Gateway Load Balancer endpoints, not modelled).
        gateway = s.endpoints[name].kind == "gateway"
        c.err(
            codes.ROUTE_TARGET,
            f"{'gateway' if gateway else 'interface'} endpoint '{name}' cannot be a route target",
            ref.span,
            f"a gateway endpoint adds its own route: list this table in '{name}' route-tables"
            if gateway
            else "an interface endpoint is reached at its addresses or by its service's name,"
            " with no route; AWS routes only to gateway and Gateway Load Balancer endpoints",
        )
        return None
    if name in table.peerings:
        p = table.peerings[name]
        if s.name not in (p.a.name, p.b.name):
            c.err(
                codes.ROUTE_TARGET,
                f"peering '{name}' does not connect vpc '{s.name}'",
                ref.span,
                f"it connects '{p.a}' and '{p.b}'",
            )
            return None
        found.append(m.RouteTarget(K.PEERING, name))
    if name in table.tgws:
        attached = c.tgw_vpcs.get(name)
        if attached is None:
            tgw, _region = table.tgws[name]
            attached = c.tgw_vpcs[name] = frozenset(
                i.target.name for i in tgw.items if isinstance(i, st.AttachDecl) and i.kind == "vpc"
            )
        if s.name not in attached:
            c.err(
                codes.ROUTE_TARGET,
                f"transit gateway '{name}' has no attachment for vpc '{s.name}'",
                ref.span,
                f"add 'attach {s.name}' to '{name}'",
            )
            return None
        found.append(m.RouteTarget(K.TRANSIT_GATEWAY, name))
    if not found:
        if name in table.file_gateways:
            owner = table.file_gateways[name]
            word = next(
                GATEWAY_WORDS[kw]
                for kw, gw in table.vpcs[owner].gateways.items()
                if gw.name.text == name
            )
            c.err(
                codes.ROUTE_TARGET,
                f"gateway '{name}' belongs to vpc '{owner}', not '{s.name}'",
                ref.span,
                ROUTE_TARGET_RULES[word].format(vpc=owner),
            )
            return None
        candidates = itertools.chain(
            (g.name.text for g in s.gateways.values()),
            s.nats,
            s.instances,
            table.peerings,
            table.tgws,
        )
        c.unknown(
            "route target", ref, candidates, vpc.where, where_else(c, name, "route target", vpc)
        )
        return None
    return found[0]


def sg_peer(c: Context, vpc: VpcScope, peer: st.Tok | st.Ref) -> m.SgPeer | None:
    """A security group rule's peer: a CIDR, a group of this VPC or (``vpc.group``) another,
    or a prefix list the VPC's region sees (``s3`` and ``dynamodb`` are AWS's).

    A bare name that is both a group of the VPC and a prefix list of the file is
    ``ambiguous-name`` (``vpc.group`` always names the group); a group named ``s3`` or
    ``dynamodb`` wins over AWS's list, so that files written before prefix lists keep
    their meaning."""
    if isinstance(peer, st.Tok):
        return literals.net(c, peer)
    if peer.scope is None:
        listed = prefix_lists.find(c, vpc.region, peer.name)
        if listed is not None and listed.managed and peer.name in vpc.groups:
            listed = None  # a group named `s3` keeps its meaning (files of Part I)
        if listed is not None:
            prefix_lists.used(c, listed, peer.span)
            if peer.name in vpc.groups:
                c.err(
                    codes.AMBIGUOUS_NAME,
                    f"'{peer.name}' is both a security group of vpc '{vpc.name}' and a prefix list",
                    peer.span,
                    f"write '{vpc.name}.{peer.name}' for the group, or rename the list",
                )
                return None
            return listed
    name = peer.scope or vpc.name
    other = c.scope.vpcs.get(name)
    if other is None:
        c.unknown("vpc", peer.parts[0], c.scope.vpcs)
        return None
    if peer.name not in other.groups:
        elsewhere = where_else(c, peer.name, Kind.SECURITY_GROUP.value, other)
        if elsewhere is not None and peer.scope is None:
            holders = [v.name for v in c.scope.vpcs.values() if peer.name in v.groups]
            if holders:
                elsewhere = (
                    elsewhere[0],
                    f"write '{holders[0]}.{peer.name}' for a group of a peered VPC",
                )
        if peer.scope is None:
            known = [*other.groups, *prefix_lists.names(c, vpc.region)]
            c.unknown("security group or prefix list", peer, known, f" in vpc '{name}'", elsewhere)
        else:
            c.unknown("security group", peer, other.groups, f" in vpc '{name}'", elsewhere)
        return None
    return m.GroupPeer(name, peer.name)


class PlaceResolver:
    """Turns what a flow, an expectation or a query names into a :class:`~netdraft.model.network.Place`."""

    def __init__(self, network: m.Network) -> None:
        self.network = network
        self.hints = Hints()
        self.services = set(AWS_SERVICES)
        # What a name names, found in one pass: the model's objects, not places. A place is
        # made when a name is first looked up (most of a large network's instances are
        # never named by a flow or an expectation), and the address index on the first
        # look-up by address (:meth:`at_address`).
        # An instance's name to its VPC (a VPC's instances are keyed by name), in the
        # order of the file; the names several VPCs give an instance, to all of them.
        owner: dict[str, str] = {}
        count = 0
        for vpc in network.vpcs.values():
            owner.update(dict.fromkeys(vpc.instances, vpc.name))
            count += len(vpc.instances)
            for ep in vpc.endpoints.values():
                self.services.add(ep.service)
        shared: dict[str, list[str]] = {}
        if count != len(owner):
            for vpc in network.vpcs.values():
                for inst_name in vpc.instances:
                    shared.setdefault(inst_name, []).append(vpc.name)
            shared = {n: held for n, held in shared.items() if len(held) > 1}
        self._owner = owner
        self._shared = shared
        self._instance_places: dict[str, list[m.Place]] = {}
        self.nats: dict[str, list[m.Place]] = {}
        for vpc in network.vpcs.values():
            for nat in vpc.nat_gateways.values():
                place = m.Place(
                    m.PlaceKind.NAT_GATEWAY, nat.name, nat.name, vpc=vpc.name, address=nat.ip
                )
                self.nats.setdefault(nat.name, []).append(place)
            for lb in vpc.load_balancers.values():
                # Named like a NAT gateway: a place of one VPC, reached at its addresses.
                place = m.Place(m.PlaceKind.LOAD_BALANCER, lb.name, lb.name, vpc=vpc.name)
                self.nats.setdefault(lb.name, []).append(place)
        for ga in network.accelerators.values():
            # Named like a NAT gateway; reached at either static address.
            place = m.Place(m.PlaceKind.ACCELERATOR, ga.name, ga.name)
            self.nats.setdefault(ga.name, []).append(place)
        self.hosts: dict[str, list[m.Place]] = {}
        for site in network.sites.values():
            for host in site.hosts.values():
                place = m.Place(
                    m.PlaceKind.HOST, host.name, host.name, site=site.name, address=host.ip
                )
                self.hosts.setdefault(host.name, []).append(place)
        self._by_address: dict[IPAddress, m.Place] | None = None

    def _vpcs_holding(self, name: str) -> Sequence[str]:
        """The VPCs with an instance called ``name``, in the order of the file."""
        held = self._shared.get(name)
        if held is not None:
            return held
        vpc = self._owner.get(name)
        return () if vpc is None else (vpc,)

    def instances_named(self, name: str) -> list[m.Place]:
        """The places of the instances called ``name`` (one per VPC that has one)."""
        places = self._instance_places.get(name)
        if places is None:
            vpcs = self.network.vpcs
            places = [
                m.Place(
                    m.PlaceKind.INSTANCE, name, name, vpc=vpc, address=vpcs[vpc].instances[name].ip
                )
                for vpc in self._vpcs_holding(name)
            ]
            self._instance_places[name] = places
        return places

    @property
    def instances(self) -> dict[str, list[m.Place]]:
        """Every instance's place, by name (made on the first use)."""
        return {name: self.instances_named(name) for name in self._owner}

    @property
    def by_address(self) -> dict[IPAddress, m.Place]:
        """The place at each address an interface holds (the first holder in the file's
        order), made on the first look-up by address."""
        if self._by_address is None:
            self._by_address = self._address_index()
        return self._by_address

    def _address_index(self) -> dict[IPAddress, m.Place]:
        network = self.network
        by_address: dict[IPAddress, m.Place] = {}
        for vpc in network.vpcs.values():
            for inst in vpc.instances.values():
                place = m.Place(
                    m.PlaceKind.INSTANCE, inst.name, inst.name, vpc=vpc.name, address=inst.ip
                )
                by_address.setdefault(inst.ip, place)
                if inst.ipv6 is not None:
                    by_address.setdefault(inst.ipv6, _replace(place, address=inst.ipv6))
                if inst.public_ip is not None:
                    by_address.setdefault(
                        inst.public_ip, _replace(place, address=inst.public_ip, via_public_ip=True)
                    )
            for nat in vpc.nat_gateways.values():
                place = m.Place(
                    m.PlaceKind.NAT_GATEWAY, nat.name, nat.name, vpc=vpc.name, address=nat.ip
                )
                by_address.setdefault(nat.ip, place)
                if nat.eip is not None:
                    by_address.setdefault(
                        nat.eip, _replace(place, address=nat.eip, via_public_ip=True)
                    )
            for lb in vpc.load_balancers.values():
                place = m.Place(m.PlaceKind.LOAD_BALANCER, lb.name, lb.name, vpc=vpc.name)
                for node in lb.nodes:
                    by_address.setdefault(node.ip, _replace(place, address=node.ip))
                    if node.public_ip is not None:
                        by_address.setdefault(
                            node.public_ip,
                            _replace(place, address=node.public_ip, via_public_ip=True),
                        )
        for ga in network.accelerators.values():
            place = m.Place(m.PlaceKind.ACCELERATOR, ga.name, ga.name)
            for ip in ga.ips:
                by_address.setdefault(ip, _replace(place, address=ip, via_public_ip=True))
        for site in network.sites.values():
            for host in site.hosts.values():
                place = m.Place(
                    m.PlaceKind.HOST, host.name, host.name, site=site.name, address=host.ip
                )
                by_address.setdefault(host.ip, place)
        return by_address

    def resolve(self, place: st.Place) -> m.Place | Diagnostic:
        """Resolve a written endpoint, or explain why it names nothing."""
        if isinstance(place, st.DnsPlace):
            problem = literals.name_problem(place.name.text)
            if problem is not None:
                return error(codes.DNS_NAME, problem, place.name.span)
            name = place.name.text.lower().rstrip(".")
            return m.Place(m.PlaceKind.DNS_NAME, place.name.text, name)
        if isinstance(place, st.Tok):
            address = ipaddress.ip_address(place.text) if literals.is_address(place.text) else None
            if address is None:
                return error(
                    codes.BAD_ADDRESS, f"'{place.text}' is not a valid IP address", place.span
                )
            return self.at_address(address, place.text)
        text = str(place)
        if place.scope is not None:
            candidates = [
                *self.instances_named(place.name),
                *self.nats.get(place.name, []),
                *self.hosts.get(place.name, []),
            ]
            found = [p for p in candidates if place.scope in (p.vpc, p.site)]
            if len(found) > 1:  # a VPC and a site of one name, each with a `name`
                return self.ambiguous(text, found, place.span)
            if found:
                return _replace(found[0], text=text)
            names = itertools.chain(
                (f"{vpc}.{name}" for name in self._owner for vpc in self._vpcs_holding(name)),
                (f"{p.vpc or p.site}.{p.name}" for ps in self.hosts.values() for p in ps),
            )
            hint = self.hints(text, names)
            return error(
                codes.UNKNOWN_NAME,
                f"nothing named '{text}'",
                place.span,
                f"did you mean '{hint}'?" if hint else "",
            )
        name = place.name
        if name == "internet":
            return m.Place(m.PlaceKind.INTERNET, text)
        found = [*self.instances_named(name), *self.nats.get(name, []), *self.hosts.get(name, [])]
        if len(found) > 1:
            return self.ambiguous(name, found, place.span)
        if found:
            return found[0]
        if name in self.services:
            return m.Place(m.PlaceKind.SERVICE, text, name)
        endpoint = self.endpoint(name, place.span)
        if endpoint is not None:
            return endpoint
        known = itertools.chain(self._owner, self.nats, self.hosts, self.services, ["internet"])
        hint = self.hints(name, known)
        return error(
            codes.UNKNOWN_NAME,
            f"no instance, host, NAT gateway or service named '{name}'",
            place.span,
            f"did you mean '{hint}'?"
            if hint
            else "an endpoint is an instance, a site host, an IP address, 'internet' or a service",
        )

    def ambiguous(self, text: str, found: list[m.Place], span: Span) -> Diagnostic:
        """``text`` names several endpoints: the error lists a spelling of each that names
        it alone (its address when its scoped name is shared too)."""
        spell = m.Spellings(
            p for ps in (self.instances, self.nats, self.hosts) for q in ps.values() for p in q
        )
        where = ", ".join(sorted({spell.of(p, bare=False) for p in found}))
        return error(
            codes.AMBIGUOUS_NAME,
            f"'{text}' names more than one thing",
            span,
            f"write one of: {where}",
        )

    def endpoint(self, name: str, span: Span) -> Diagnostic | None:
        """Why a VPC endpoint's name is no place: a path names its service (or, for an
        interface endpoint, one of its addresses), as a client does."""
        for vpc in self.network.vpcs.values():
            ep = vpc.endpoints.get(name)
            if ep is None:
                continue
            by = f"its service '{ep.service}'"
            if ep.addresses:
                by += f" or one of its addresses ({', '.join(map(str, ep.addresses))})"
            return error(
                codes.UNKNOWN_NAME,
                f"'{name}' is {_article(ep.kind.value)} {ep.kind.value} endpoint of vpc '{vpc.name}', not an instance,"
                " host, NAT gateway or service",
                span,
                f"name {by}",
            )
        return None

    def at_address(self, address: IPAddress, text: str) -> m.Place:
        owner = self.by_address.get(address)
        if owner is not None:
            return _replace(owner, text=text)
        for vpc in self.network.vpcs.values():
            if vpc.holds(address):
                return m.Place(m.PlaceKind.VPC_ADDRESS, text, vpc=vpc.name, address=address)
        for site in self.network.sites.values():
            if site.holds(address):
                return m.Place(m.PlaceKind.HOST, text, site=site.name, address=address)
        # Inside a range of S3 or DynamoDB (a region's written list, or the snapshot): the service.
        service = self.network.service_at(address)
        if service is not None:
            return m.Place(m.PlaceKind.SERVICE, text, service, address=address)
        return m.Place(m.PlaceKind.INTERNET, text, address=address)


def component_names(network: m.Network) -> set[str]:
    """Every name an expectation's ``via`` may cross."""
    names: set[str] = set()
    names.update(network.peerings, network.transit_gateways, network.vpns, network.sites)
    names.update(network.tgw_peerings, network.dx_connections, network.dx_gateways, network.vifs)
    for vpc in network.vpcs.values():
        names.add(vpc.name)
        for gw in (vpc.internet_gateway, vpc.egress_only_gateway, vpc.vpn_gateway):
            if gw is not None:
                names.add(gw.name)
        names.update(vpc.nat_gateways, vpc.instances, vpc.endpoints, vpc.subnets)
        names.update(vpc.load_balancers, vpc.target_groups)
    for site in network.sites.values():
        names.update(site.customer_gateways, site.hosts)
    return names


def not_crossed(network: m.Network, name: str) -> str:
    """What a name is when it is a rule set rather than a place on a path ('' if neither)."""
    for vpc in network.vpcs.values():
        if name in vpc.network_acls:
            return "network ACL"
        if name in vpc.route_tables:
            return "route table"
        if name in vpc.security_groups:
            return "security group"
    return ""


def _replace(place: m.Place, **changes: object) -> m.Place:
    return dataclasses.replace(place, **changes)  # type: ignore[arg-type]
