"""The path simulator: follow a connection hop by hop, forward then back (LANGUAGE.md §4).

Pure functions of the model. A connection is tried with concrete addresses: when
an endpoint stands for many (``internet``, a service), every representative
address is tried and the first that works decides (see :meth:`Index.internet_candidates`).

How each mechanism is modelled:

* security groups are stateful: checked on the request only (source egress,
  destination ingress, and a NAT instance's own groups);
* network ACLs are stateless: checked where a packet leaves or enters a subnet, on
  the request and on the reply; the reply's destination port is the request's
  source port, so the reply leg narrows the set of source ports (1024-65535) that work;
* a route table picks the longest prefix; on equal prefixes local, then static,
  then propagated; a gateway endpoint's prefix list counts as more specific than
  any route but a /32;
* a packet that entered a VPC over a peering connection or a VPN is only
  delivered to that VPC's own addresses; one that entered from a transit gateway
  is routed by the route table of the attachment's subnet;
* NAT gateways and NAT instances translate the source address; the reply must
  come back to the same device, which translates it back;
* the reply is a packet of its own, routed from the destination's subnet; it must
  find its way back to the source through the same translations.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.model.network import Query
from netdraft.model.values import IPAddress, IPNetwork, PortRange, Protocol, Span
from netdraft.sim.index import Eni, Index
from netdraft.sim.ports import EPHEMERAL_PORTS, PortSet
from netdraft.sim.trace import Hop, HopKind, Leg, Step, Trace

K = m.TargetKind
_ICMP_FAMILY = {Protocol.ICMP: 4, Protocol.ICMPV6: 6}
MAX_HOPS = 64  # a routing loop is cut off here


@dataclass(frozen=True, slots=True)
class PublicAddr:
    """The public IPv4 address of a network interface, known by owner when not written."""

    vpc: str
    owner: str  # instance or NAT gateway name
    ip: IPv4Address | None

    @property
    def version(self) -> int:
        return 4

    def __str__(self) -> str:
        return str(self.ip) if self.ip is not None else f"public IP of {self.owner}"


Addr = IPv4Address | IPv6Address | PublicAddr


def _in(net: IPNetwork, address: Addr) -> bool:
    if isinstance(address, PublicAddr):
        if address.ip is None:
            # An address we do not know matches only a rule that matches every address.
            return net.version == 4 and net.prefixlen == 0
        address = address.ip
    return net.version == address.version and address in net


@dataclass(slots=True)
class Packet:
    src: Addr
    dst: Addr
    service: str | None = None  # the destination is this AWS service


@dataclass(slots=True)
class _Nat:
    """A translation made on the request: the reply to ``outside`` goes back to ``inside``."""

    device: str
    kind: HopKind
    vpc: str
    inside: Addr
    outside: Addr


class _Drop(Exception):
    def __init__(self, code: DropCode, reason: str, place: m.Place | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.place = place  # an endpoint that cannot take part, when known


#: The hop an endpoint of a query is, when it drops the connection before any other.
_PLACE_HOPS = {
    m.PlaceKind.INSTANCE: HopKind.INSTANCE,
    m.PlaceKind.HOST: HopKind.HOST,
    m.PlaceKind.NAT_GATEWAY: HopKind.NAT_GATEWAY,
    m.PlaceKind.VPC_ADDRESS: HopKind.VPC_ADDRESS,
    m.PlaceKind.INTERNET: HopKind.INTERNET,
    m.PlaceKind.SERVICE: HopKind.SERVICE,
}


@dataclass
class _Walk:
    """One leg being walked: its hops so far and what it learnt on the way."""

    leg: Leg
    protocol: Protocol
    port: int | None  # the request's destination port
    hops: list[Hop] = field(default_factory=list)
    current: dict[str, object] | None = None
    steps: list[Step] = field(default_factory=list)
    ports: PortSet = EPHEMERAL_PORTS  # source ports of the request that still work
    nats: list[_Nat] = field(default_factory=list)
    crossed_endpoint: str = ""  # the gateway endpoint the request used
    via_eigw: bool = False

    @property
    def forward(self) -> bool:
        return self.leg is Leg.FORWARD

    def hop(
        self,
        kind: HopKind,
        name: str,
        vpc: str = "",
        region: str = "",
        az: str = "",
        site: str = "",
    ) -> None:
        self.close()
        if len(self.hops) >= MAX_HOPS:
            self.current = {
                "kind": kind,
                "name": name,
                "vpc": vpc,
                "region": region,
                "az": az,
                "site": site,
            }
            self.fail(
                "route table",
                "the path loops",
                DropCode.NO_ROUTE_TO_DESTINATION if self.forward else DropCode.NO_RETURN_ROUTE,
                "the path loops: routes send the packet round in a circle",
            )
        self.current = {
            "kind": kind,
            "name": name,
            "vpc": vpc,
            "region": region,
            "az": az,
            "site": site,
        }

    def step(self, component: str, action: str, detail: str, span: Span | None = None) -> None:
        self.steps.append(Step(component, action, detail, span, True))

    def fail(
        self, component: str, detail: str, code: DropCode, reason: str, span: Span | None = None
    ) -> None:
        self.steps.append(Step(component, "dropped", detail, span, False))
        self.close()
        raise _Drop(code, reason)

    def close(self) -> None:
        if self.current is not None:
            c = self.current
            self.hops.append(
                Hop(
                    kind=c["kind"],  # type: ignore[arg-type]
                    name=str(c["name"]),
                    vpc=str(c["vpc"]),
                    region=str(c["region"]),
                    az=str(c["az"]),
                    site=str(c["site"]),
                    steps=tuple(self.steps),
                )
            )
        self.current = None
        self.steps = []


@dataclass(frozen=True, slots=True)
class _End:
    """A concrete endpoint of one attempt."""

    kind: HopKind
    name: str
    address: Addr
    vpc: str = ""
    subnet: str = ""
    site: str = ""
    service: str | None = None
    instance: m.Instance | None = None


def _rule_text(rule: m.SgRule) -> str:
    proto = rule.protocol.value + (f" {rule.ports}" if rule.ports else "")
    word = "from" if rule.direction is m.Direction.INGRESS else "to"
    return f"{rule.direction.value} {proto} {word} {rule.peer}"


class Simulator:
    """Answers reachability queries about one network."""

    def __init__(self, network: m.Network) -> None:
        self.net = network
        self.ix = Index.build(network)

    # ---- public -----------------------------------------------------------------------

    def trace(self, query: Query) -> Trace:
        """Trace a connection; when an endpoint stands for many addresses, the first that works."""
        first: Trace | None = None
        for src, dst in self._attempts(query):
            result = self._attempt(query, src, dst)
            if result.allowed:
                return result
            first = first or result
        assert first is not None
        return first

    # ---- endpoints --------------------------------------------------------------------

    def _attempts(self, q: Query) -> Iterator[tuple[_End | _Drop, _End | _Drop]]:
        # ICMP is IPv4's and ICMPv6 IPv6's: the protocol chooses the address family.
        family = _ICMP_FAMILY.get(q.protocol)
        if family is not None:
            for place in (q.source, q.destination):
                written = parse_address(place.text)
                if written is not None and written.version != family:
                    other = "icmpv6" if family == 4 else "icmp"
                    drop = _Drop(
                        DropCode.NO_ROUTE_TO_DESTINATION,
                        f"{q.protocol.value} is an IPv{family} protocol and {written} an IPv{written.version} address: use {other}",
                        place,
                    )
                    yield drop, drop
                    return
        versions = [family] if family is not None else self._versions(q)
        for version in versions:
            for src in self._ends(q.source, version, q.destination, False):
                for dst in self._ends(q.destination, version, q.source, True):
                    yield src, self._via_interface_endpoint(src, dst)

    def _versions(self, q: Query) -> list[int]:
        for place in (q.destination, q.source):
            if place.address is not None and place.kind in (
                m.PlaceKind.INTERNET,
                m.PlaceKind.HOST,
                m.PlaceKind.VPC_ADDRESS,
            ):
                return [place.address.version]
            if place.address is not None and place.address.version == 6:
                return [6]
        versions = [4]
        # 'internet' or a service with an IPv6-capable instance on the other side: try IPv6 too.
        if any(
            p.kind in (m.PlaceKind.INTERNET, m.PlaceKind.SERVICE) and p.address is None
            for p in (q.source, q.destination)
        ):
            others = [p for p in (q.source, q.destination) if p.kind is m.PlaceKind.INSTANCE]
            if others and all(self._instance(p).ipv6 is not None for p in others):
                versions.append(6)
        return versions

    def _instance(self, place: m.Place) -> m.Instance:
        return self.net.vpcs[place.vpc].instances[place.name]

    def _via_interface_endpoint(self, src: _End | _Drop, dst: _End | _Drop) -> _End | _Drop:
        """From inside a VPC, a service with an interface endpoint there resolves to it (private DNS)."""
        if (
            not isinstance(src, _End)
            or not isinstance(dst, _End)
            or dst.kind is not HopKind.SERVICE
            or not src.vpc
        ):
            return dst
        vpc = self.net.vpcs[src.vpc]
        for ep in vpc.endpoints.values():
            if ep.kind is m.EndpointKind.INTERFACE and ep.service == dst.service and ep.addresses:
                az = vpc.subnets[src.subnet].az if src.subnet in vpc.subnets else ""
                pick = next((i for i, s in enumerate(ep.subnets) if vpc.subnets[s].az == az), 0)
                address = ep.addresses[pick] if dst.address.version == 4 else None
                if address is None:
                    continue
                return _End(
                    HopKind.ENDPOINT,
                    ep.name,
                    address,
                    vpc.name,
                    ep.subnets[pick],
                    service=ep.service,
                )
        return dst

    def _ends(
        self, place: m.Place, version: int, other: m.Place, is_dst: bool
    ) -> list[_End | _Drop]:
        kind = place.kind
        if kind is m.PlaceKind.INSTANCE:
            inst = self._instance(place)
            vpc = self.net.vpcs[place.vpc]
            address: Addr | None
            if (
                is_dst
                and version == 4
                and (place.via_public_ip or other.kind is m.PlaceKind.INTERNET)
            ):
                # Reached from the internet: by its public address (NO_PUBLIC_IP at the gateway if none).
                address = PublicAddr(vpc.name, inst.name, inst.public_ip)
            elif version == 6:
                address = inst.ipv6
            else:
                address = inst.ip
            if address is None:
                return [
                    _Drop(
                        DropCode.NO_ROUTE_TO_DESTINATION,
                        f"instance '{inst.name}' has no IPv6 address",
                    )
                ]
            return [
                _End(HopKind.INSTANCE, inst.name, address, vpc.name, inst.subnet, instance=inst)
            ]
        if kind is m.PlaceKind.NAT_GATEWAY:
            nat = self.net.vpcs[place.vpc].nat_gateways[place.name]
            nat_address: Addr = nat.ip
            reached_from_internet = place.via_public_ip or other.kind is m.PlaceKind.INTERNET
            if is_dst and version == 4 and reached_from_internet and not nat.private:
                nat_address = PublicAddr(place.vpc, nat.name, nat.eip)  # its Elastic IP
            return [_End(HopKind.NAT_GATEWAY, nat.name, nat_address, place.vpc, nat.subnet)]
        if kind is m.PlaceKind.HOST:
            assert place.address is not None
            if place.address.version != version:
                return [
                    _Drop(
                        DropCode.NO_ROUTE_TO_DESTINATION, f"'{place}' has no IPv{version} address"
                    )
                ]
            return [
                _End(HopKind.HOST, place.name or str(place.address), place.address, site=place.site)
            ]
        if kind is m.PlaceKind.VPC_ADDRESS:
            assert place.address is not None
            subnet = self.ix.subnet_at(place.vpc, place.address)
            return [
                _End(
                    HopKind.VPC_ADDRESS,
                    str(place.address),
                    place.address,
                    place.vpc,
                    subnet.name if subnet else "",
                )
            ]
        if kind is m.PlaceKind.SERVICE:
            return [
                _End(HopKind.SERVICE, place.name, a, service=place.name)
                for a in self.ix.internet_candidates(version)[:1]
            ]
        if place.address is not None:
            return [_End(HopKind.INTERNET, str(place.address), place.address)]
        return [_End(HopKind.INTERNET, "internet", a) for a in self.ix.internet_candidates(version)]

    # ---- one attempt ------------------------------------------------------------------

    def _attempt(self, q: Query, src: _End | _Drop, dst: _End | _Drop) -> Trace:
        fwd = _Walk(Leg.FORWARD, q.protocol, q.port)
        rev = _Walk(Leg.RETURN, q.protocol, q.port)
        src_address = src.address if isinstance(src, _End) else None
        dst_address = dst.address if isinstance(dst, _End) else None

        def done(
            verdict: m.Verdict,
            code: DropCode | None = None,
            leg: Leg | None = None,
            reason: str = "",
        ) -> Trace:
            fwd.close()
            rev.close()
            return Trace(
                query=q,
                verdict=verdict,
                forward=tuple(fwd.hops),
                reverse=tuple(rev.hops),
                code=code,
                leg=leg,
                reason=reason,
                source_ports=fwd.ports.ranges if q.protocol.has_ports else (),
                source_address=str(src_address) if src_address is not None else "",
                destination_address=str(dst_address) if dst_address is not None else "",
            )

        for end, place in ((src, q.source), (dst, q.destination)):
            if isinstance(end, _Drop):
                # The endpoint itself is the first hop, and the one that drops.
                at = end.place or place
                vpc = self.net.vpcs.get(at.vpc)
                inst = (
                    vpc.instances.get(at.name) if vpc and at.kind is m.PlaceKind.INSTANCE else None
                )
                fwd.hop(
                    _PLACE_HOPS[at.kind],
                    at.name or at.text,
                    at.vpc,
                    vpc.region if vpc else "",
                    vpc.subnets[inst.subnet].az if vpc and inst else "",
                    at.site,
                )
                fwd.steps.append(Step("endpoint", "dropped", end.reason, None, False))
                return done(m.Verdict.DENY, end.code, Leg.FORWARD, end.reason)
        assert isinstance(src, _End) and isinstance(dst, _End)
        try:
            seen_dst = self._send(fwd, src, dst, Packet(src.address, dst.address, dst.service))
        except _Drop as drop:
            return done(m.Verdict.DENY, drop.code, Leg.FORWARD, drop.reason)
        rev.nats = fwd.nats
        rev.crossed_endpoint = fwd.crossed_endpoint
        rev.via_eigw = fwd.via_eigw
        rev.ports = fwd.ports
        try:
            self._send(rev, dst, src, Packet(seen_dst.dst, seen_dst.src, None))
        except _Drop as drop:
            fwd.ports = rev.ports
            return done(m.Verdict.DENY, drop.code, Leg.RETURN, drop.reason)
        fwd.ports = rev.ports
        return done(m.Verdict.ALLOW)

    def _send(self, w: _Walk, src: _End, dst: _End, pkt: Packet) -> Packet:
        """Walk a packet from ``src`` to ``dst``; returns the packet as it arrives."""
        if src.kind is HopKind.INSTANCE:
            inst = src.instance
            assert inst is not None
            vpc = self.net.vpcs[src.vpc]
            self._instance_hop(w, vpc, inst)
            if w.forward:
                self._sg_egress(w, vpc, inst.security_groups, pkt)
            else:
                w.step("security groups", "allowed", "reply to an allowed connection (stateful)")
            if isinstance(pkt.src, PublicAddr):
                pkt = Packet(inst.ip if pkt.dst.version == 4 else pkt.src, pkt.dst, pkt.service)
            return self._leave_subnet(w, vpc, vpc.subnets[inst.subnet], pkt, dst, via="")
        if src.kind in (HopKind.VPC_ADDRESS, HopKind.NAT_GATEWAY, HopKind.ENDPOINT):
            vpc = self.net.vpcs[src.vpc]
            subnet = vpc.subnets.get(src.subnet)
            w.hop(src.kind, src.name, vpc.name, vpc.region, subnet.az if subnet else "")
            if subnet is None:
                w.fail(
                    "vpc",
                    f"{src.address} is in no subnet of vpc '{vpc.name}'",
                    self._no_route(w),
                    f"{src.address} is in no subnet",
                )
            assert subnet is not None
            w.step("address", "sent", f"{src.address} in subnet '{subnet.name}'")
            return self._leave_subnet(w, vpc, subnet, pkt, dst, via="")
        if src.kind is HopKind.HOST:
            return self._from_site(w, self.net.sites[src.site], src, pkt, dst)
        # the internet or a service
        w.hop(src.kind, src.name)
        w.step("internet", "sent", f"from {src.address}")
        if not w.forward and w.crossed_endpoint:
            return self._into_vpc_from_endpoint(w, pkt, dst)
        return self._from_internet(w, pkt, dst)

    # ---- subnets and route tables -----------------------------------------------------

    def _leave_subnet(
        self, w: _Walk, vpc: m.Vpc, subnet: m.Subnet, pkt: Packet, dst: _End, via: str
    ) -> Packet:
        """A packet leaves an interface in ``subnet``: route table, ACL, then the target."""
        w.hop(HopKind.SUBNET, subnet.name, vpc.name, vpc.region, subnet.az)
        local_dst = self._local_subnet(vpc, pkt.dst)
        if local_dst is not None and local_dst.name == subnet.name and pkt.service is None:
            w.step(
                "subnet",
                "delivered",
                f"{pkt.dst} is in the same subnet: no route table or ACL between them",
            )
            return self._arrive(w, vpc, subnet, pkt, dst, from_subnet=subnet)
        self._acl(w, vpc, subnet, outbound=True, pkt=pkt)
        table = vpc.route_tables[subnet.route_table]
        route = self._lookup(table, pkt)
        if route is None:
            w.fail(
                f"route table {table.name}",
                f"no route to {pkt.service or pkt.dst}",
                self._no_route(w),
                f"route table '{table.name}' of subnet '{subnet.name}' has no route to {pkt.service or pkt.dst}",
                table.span,
            )
        assert route is not None
        target = route.target
        if target.kind is K.INSTANCE and vpc.instances[target.name].stopped:
            w.fail(
                f"route table {table.name}",
                f"route {route.destination} via {target}: instance '{target.name}' is stopped",
                DropCode.BLACKHOLE_ROUTE,
                f"route {route.destination} points to stopped instance '{target.name}': a blackhole",
                route.span,
            )
        if target.kind is K.BLACKHOLE:
            w.fail(
                f"route table {table.name}",
                f"route {route.destination} blackhole",
                DropCode.BLACKHOLE_ROUTE,
                f"route {route.destination} in '{table.name}' is a blackhole",
                route.span,
            )
        w.step(
            f"route table {table.name}",
            "routed",
            f"{route.destination} via {target} ({route.origin.value})",
            route.span,
        )
        if via in ("peering", "vpn") and target.kind is not K.LOCAL:
            w.fail(
                f"route table {table.name}",
                f"traffic from a {via} cannot leave vpc '{vpc.name}' again",
                DropCode.PEERING_NOT_TRANSITIVE,
                f"traffic that entered vpc '{vpc.name}' over a {via} is delivered only to its own addresses",
            )
        return self._to_target(w, vpc, subnet, target, pkt, dst, via)

    def _lookup(self, table: m.RouteTable, pkt: Packet) -> m.Route | None:
        best: m.Route | None = None
        best_key: tuple[float, int] = (-1.0, 0)
        for route in table.routes:
            dest = route.destination
            if isinstance(dest, m.PrefixList):
                if pkt.service != dest.service:
                    continue
                length = 31.5
            else:
                if not _in(dest, pkt.dst):
                    continue
                length = float(dest.prefixlen)
            key = (length, -route.origin.rank)
            if key > best_key:
                best, best_key = route, key
        return best

    def _no_route(self, w: _Walk) -> DropCode:
        return DropCode.NO_ROUTE_TO_DESTINATION if w.forward else DropCode.NO_RETURN_ROUTE

    def _local_subnet(self, vpc: m.Vpc, address: Addr) -> m.Subnet | None:
        if isinstance(address, PublicAddr):
            return None
        return self.ix.subnet_at(vpc.name, address)

    def _to_target(
        self,
        w: _Walk,
        vpc: m.Vpc,
        subnet: m.Subnet,
        target: m.RouteTarget,
        pkt: Packet,
        dst: _End,
        via: str,
    ) -> Packet:
        kind = target.kind
        if kind is K.LOCAL:
            into = self._local_subnet(vpc, pkt.dst)
            if into is None:
                w.fail(
                    "vpc",
                    f"{pkt.dst} is in no subnet of vpc '{vpc.name}'",
                    self._no_route(w),
                    f"{pkt.dst} is inside vpc '{vpc.name}' but in none of its subnets",
                )
            assert into is not None
            return self._enter_subnet(w, vpc, into, pkt, dst, from_subnet=subnet)
        if kind is K.INTERNET_GATEWAY:
            return self._igw_out(w, vpc, pkt, dst)
        if kind is K.EGRESS_ONLY_GATEWAY:
            return self._eigw_out(w, vpc, pkt, dst)
        if kind is K.NAT_GATEWAY:
            return self._nat_gateway(w, vpc, subnet, vpc.nat_gateways[target.name], pkt, dst, via)
        if kind is K.INSTANCE:
            return self._nat_instance(w, vpc, subnet, vpc.instances[target.name], pkt, dst, via)
        if kind is K.PEERING:
            return self._peering(w, vpc, self.net.peerings[target.name], pkt, dst, via)
        if kind is K.TRANSIT_GATEWAY:
            return self._tgw(
                w, self.net.transit_gateways[target.name], vpc.name, subnet.az, pkt, dst
            )
        if kind is K.VPN_GATEWAY:
            return self._vgw_out(w, vpc, target.name, pkt, dst, via)
        if kind is K.ENDPOINT:
            ep = vpc.endpoints[target.name]
            if ep.kind is m.EndpointKind.GATEWAY:
                w.hop(HopKind.ENDPOINT, ep.name, vpc.name, vpc.region)
                if via:
                    # AWS: endpoint connections cannot be extended out of a VPC.
                    w.fail(
                        f"gateway endpoint {ep.name}",
                        f"traffic from a {'transit gateway' if via == 'tgw' else via} cannot use it",
                        self._no_route(w),
                        f"gateway endpoint '{ep.name}' serves only traffic from inside vpc '{vpc.name}', not traffic that came over a {'transit gateway' if via == 'tgw' else via}",
                        ep.span,
                    )
                w.step(f"gateway endpoint {ep.name}", "forwarded", f"to {ep.service}", ep.span)
                if w.forward:
                    w.crossed_endpoint = ep.name
                return self._reach_service(w, pkt, dst)
            into = self._local_subnet(vpc, ep.addresses[0]) if ep.addresses else None
            if into is None:
                w.fail(
                    f"endpoint {ep.name}",
                    "the endpoint has no network interface",
                    self._no_route(w),
                    f"endpoint '{ep.name}' has no subnet",
                )
            assert into is not None
            return self._enter_subnet(
                w, vpc, into, Packet(pkt.src, ep.addresses[0], pkt.service), dst, from_subnet=subnet
            )
        raise AssertionError(kind)  # pragma: no cover - every kind is handled above

    def _acl(self, w: _Walk, vpc: m.Vpc, subnet: m.Subnet, outbound: bool, pkt: Packet) -> None:
        acl = vpc.network_acls[subnet.network_acl]
        rules = acl.outbound if outbound else acl.inbound
        peer = pkt.dst if outbound else pkt.src
        name = f"network ACL {acl.name}"
        word = "outbound" if outbound else "inbound"
        proto = w.protocol
        # On the request the destination port is fixed; on the reply it is the set of source ports.
        if w.forward:
            ports = PortSet.of(PortRange(w.port, w.port)) if w.port is not None else None
        else:
            ports = w.ports if proto.has_ports else None
        allowed, decided = _acl_decide(rules, proto, peer, ports)
        if w.forward:
            if not allowed:
                rule = decided[0] if decided else None
                detail = (
                    f"{word} rule {_acl_rule_text(rule)}"
                    if rule
                    else f"{word}: no rule matches (the implicit deny)"
                )
                code = DropCode.ACL_OUTBOUND_DENY if outbound else DropCode.ACL_INBOUND_DENY
                w.fail(
                    name,
                    detail,
                    code,
                    f"network ACL '{acl.name}' of subnet '{subnet.name}' denies {word} {proto.value}{_port_text(w.port)} {'to' if outbound else 'from'} {peer}",
                    rule.span if rule else acl.span,
                )
            rule = decided[-1] if decided else None
            w.step(
                name,
                "allowed",
                f"{word} rule {_acl_rule_text(rule)}" if rule else word,
                rule.span if rule else acl.span,
            )
            return
        if not allowed:
            rule = decided[0] if decided else None
            detail = (
                f"{word} rule {_acl_rule_text(rule)}"
                if rule
                else f"{word}: no rule matches the reply (the implicit deny)"
            )
            ports_text = f" to ports {w.ports}" if proto.has_ports else ""
            w.fail(
                name,
                detail,
                DropCode.ACL_RETURN_DENY,
                f"network ACL '{acl.name}' of subnet '{subnet.name}' denies the reply {word}{ports_text} ({'to' if outbound else 'from'} {peer}): ACLs are stateless",
                rule.span if rule else acl.span,
            )
        if isinstance(allowed, PortSet):
            w.ports = allowed
        rule = decided[-1] if decided else None
        w.step(
            name,
            "allowed",
            f"{word} rule {_acl_rule_text(rule)} (reply)" if rule else word,
            rule.span if rule else acl.span,
        )

    def _enter_subnet(
        self,
        w: _Walk,
        vpc: m.Vpc,
        subnet: m.Subnet,
        pkt: Packet,
        dst: _End,
        from_subnet: m.Subnet | None,
    ) -> Packet:
        w.hop(HopKind.SUBNET, subnet.name, vpc.name, vpc.region, subnet.az)
        if from_subnet is None or from_subnet.name != subnet.name:
            self._acl(w, vpc, subnet, outbound=False, pkt=pkt)
        return self._arrive(w, vpc, subnet, pkt, dst, from_subnet)

    def _arrive(
        self,
        w: _Walk,
        vpc: m.Vpc,
        subnet: m.Subnet,
        pkt: Packet,
        dst: _End,
        from_subnet: m.Subnet | None,
    ) -> Packet:
        """The packet reaches the interface holding its destination address."""
        address = pkt.dst
        assert not isinstance(address, PublicAddr)
        eni = self.ix.enis.get((vpc.name, address))
        # The reply reaching a NAT device goes back through the translation it made.
        if not w.forward and eni is not None and eni.kind in ("nat-gateway", "instance"):
            nat = self._translation(w, vpc.name, eni.name, address)
            if nat is not None:
                return self._untranslate(w, vpc, eni, nat, pkt, dst)
        if eni is None:
            if dst.kind is HopKind.VPC_ADDRESS and dst.address == address:
                w.hop(HopKind.VPC_ADDRESS, str(address), vpc.name, vpc.region, subnet.az)
                w.step(
                    "address",
                    "delivered",
                    f"{address}: nothing in the file holds it, so nothing filters it",
                )
                return pkt
            w.fail(
                "subnet",
                f"nothing holds {address}",
                self._no_route(w),
                f"nothing in subnet '{subnet.name}' holds {address}",
            )
        assert eni is not None
        if eni.kind == "endpoint":
            ep = vpc.endpoints[eni.name]
            w.hop(HopKind.ENDPOINT, ep.name, vpc.name, vpc.region, subnet.az)
            if w.forward:
                self._sg_ingress(w, vpc, ep.security_groups, pkt, f"endpoint '{ep.name}'")
            w.step(f"interface endpoint {ep.name}", "forwarded", f"to {ep.service}", ep.span)
            return pkt
        if eni.kind == "nat-gateway":
            w.hop(HopKind.NAT_GATEWAY, eni.name, vpc.name, vpc.region, subnet.az)
            if w.forward:
                # A NAT gateway only translates traffic routed through it; it answers nothing.
                w.fail(
                    f"nat gateway {eni.name}",
                    "a NAT gateway accepts no connections",
                    DropCode.NO_ROUTE_TO_DESTINATION,
                    f"NAT gateway '{eni.name}' accepts no connections: it only translates "
                    "traffic that routes send through it",
                )
            w.step("nat gateway", "delivered", f"{address}")
            return pkt
        inst = vpc.instances[eni.name]
        self._instance_hop(w, vpc, inst)
        if w.forward:
            self._sg_ingress(w, vpc, inst.security_groups, pkt, f"instance '{inst.name}'")
            if dst.kind is HopKind.INSTANCE and dst.name == inst.name and dst.vpc == vpc.name:
                return pkt
            w.fail(
                "instance",
                f"{address} is '{inst.name}', not the destination",
                DropCode.NO_ROUTE_TO_DESTINATION,
                f"the packet reached '{inst.name}' instead of {dst.name}",
            )
        w.step("security groups", "allowed", "reply to an allowed connection (stateful)")
        return pkt

    # ---- security groups --------------------------------------------------------------

    def _instance_hop(self, w: _Walk, vpc: m.Vpc, inst: m.Instance) -> None:
        """The hop of an instance at either end of the connection: a stopped one drops it."""
        w.hop(HopKind.INSTANCE, inst.name, vpc.name, vpc.region, vpc.subnets[inst.subnet].az)
        if inst.stopped:
            reason = f"instance '{inst.name}' is stopped"
            w.fail("instance", reason, DropCode.INSTANCE_STOPPED, reason, inst.span)

    def _sg_match(
        self, vpc: m.Vpc, rules: tuple[m.SgRule, ...], proto: Protocol, port: int | None, peer: Addr
    ) -> m.SgRule | None:
        for rule in rules:
            if not rule.protocol.covers(proto):
                continue
            if rule.ports is not None and (port is None or not rule.ports.contains(port)):
                continue
            if isinstance(rule.peer, m.GroupPeer):
                members = self.ix.members.get((rule.peer.vpc, rule.peer.group), set())
                if isinstance(peer, PublicAddr) or peer not in members:
                    continue
            elif not _in(rule.peer, peer):
                continue
            return rule
        return None

    def _sg_egress(self, w: _Walk, vpc: m.Vpc, groups: tuple[str, ...], pkt: Packet) -> None:
        self._sg_check(w, vpc, groups, m.Direction.EGRESS, pkt.dst, "")

    def _sg_ingress(
        self, w: _Walk, vpc: m.Vpc, groups: tuple[str, ...], pkt: Packet, who: str
    ) -> None:
        self._sg_check(w, vpc, groups, m.Direction.INGRESS, pkt.src, f" of {who}")

    def _sg_check(
        self,
        w: _Walk,
        vpc: m.Vpc,
        groups: tuple[str, ...],
        direction: m.Direction,
        peer: Addr,
        who: str,
    ) -> None:
        """The first rule of the interface's groups that lets the request through, or the drop."""
        ingress = direction is m.Direction.INGRESS
        for g in groups:
            group = vpc.security_groups[g]
            rule = self._sg_match(
                vpc, group.ingress if ingress else group.egress, w.protocol, w.port, peer
            )
            if rule is not None:
                w.step(f"security group {g}", "allowed", _rule_text(rule), rule.span)
                return
        names = ", ".join(groups)
        wanted = f"{w.protocol.value}{_port_text(w.port)} {'from' if ingress else 'to'} {peer}"
        code = DropCode.SG_INGRESS_MISMATCH if ingress else DropCode.SG_EGRESS_MISMATCH
        span = vpc.security_groups[groups[0]].span if groups else None
        w.fail(
            f"security groups {names}",
            f"no {direction.value} rule allows {wanted}",
            code,
            f"no {direction.value} rule of security group {names}{who} allows {wanted}",
            span,
        )

    # ---- NAT --------------------------------------------------------------------------

    def _translation(self, w: _Walk, vpc: str, device: str, address: Addr) -> _Nat | None:
        for nat in reversed(w.nats):
            if nat.vpc == vpc and nat.device == device:
                return nat
        return None

    def _untranslate(
        self, w: _Walk, vpc: m.Vpc, eni: Eni, nat: _Nat, pkt: Packet, dst: _End
    ) -> Packet:
        subnet = vpc.subnets[eni.subnet]
        w.hop(nat.kind, nat.device, vpc.name, vpc.region, subnet.az)
        w.step(
            f"{nat.kind.value} {nat.device}",
            "translated",
            f"reply to {nat.outside} goes back to {nat.inside}",
        )
        w.nats = [n for n in w.nats if n is not nat]
        w.ports = EPHEMERAL_PORTS  # the NAT chose its own source port towards the far side
        return self._leave_subnet(w, vpc, subnet, Packet(pkt.src, nat.inside, None), dst, via="")

    def _enter_nat_device(
        self,
        w: _Walk,
        vpc: m.Vpc,
        from_subnet: m.Subnet,
        subnet: m.Subnet,
        kind: HopKind,
        name: str,
        pkt: Packet,
    ) -> None:
        """A packet routed to a NAT gateway or NAT instance: its subnet's ACL, then the device.

        Only requests are translated there: a reply routed to a NAT device that did not
        make the connection never reaches the source.
        """
        if from_subnet.name != subnet.name:
            w.hop(HopKind.SUBNET, subnet.name, vpc.name, vpc.region, subnet.az)
            self._acl(w, vpc, subnet, outbound=False, pkt=pkt)
        w.hop(kind, name, vpc.name, vpc.region, subnet.az)
        if not w.forward:
            what = "NAT gateway" if kind is HopKind.NAT_GATEWAY else "instance"
            w.fail(
                f"{what.lower()} {name}",
                f"the reply to {pkt.dst} is routed to '{name}', which has no connection for it",
                DropCode.NO_RETURN_ROUTE,
                f"the reply is routed to {what} '{name}' instead of back the way the request came",
            )

    def _nat_gateway(
        self,
        w: _Walk,
        vpc: m.Vpc,
        from_subnet: m.Subnet,
        nat: m.NatGateway,
        pkt: Packet,
        dst: _End,
        via: str,
    ) -> Packet:
        subnet = vpc.subnets[nat.subnet]
        self._enter_nat_device(w, vpc, from_subnet, subnet, HopKind.NAT_GATEWAY, nat.name, pkt)
        if via == "vpn":
            w.fail(
                f"nat gateway {nat.name}",
                "a NAT gateway does not serve traffic from a VPN",
                self._no_route(w),
                f"NAT gateway '{nat.name}' does not serve traffic that came over a VPN",
            )
        # Public or private, a NAT gateway sends from its private address: towards the
        # internet the internet gateway maps it to the Elastic IP; towards a transit gateway
        # or a VPN it stays private (a public NAT gateway may route there too).
        outside: Addr = nat.ip
        w.step(f"nat gateway {nat.name}", "translated", f"source {pkt.src} → {outside}", nat.span)
        w.nats.append(_Nat(nat.name, HopKind.NAT_GATEWAY, vpc.name, pkt.src, outside))
        out = Packet(outside, pkt.dst, pkt.service)
        return self._leave_subnet(w, vpc, subnet, out, dst, via="")

    def _nat_instance(
        self,
        w: _Walk,
        vpc: m.Vpc,
        from_subnet: m.Subnet,
        inst: m.Instance,
        pkt: Packet,
        dst: _End,
        via: str,
    ) -> Packet:
        subnet = vpc.subnets[inst.subnet]
        self._enter_nat_device(w, vpc, from_subnet, subnet, HopKind.NAT_INSTANCE, inst.name, pkt)
        self._sg_ingress(w, vpc, inst.security_groups, pkt, f"instance '{inst.name}'")
        if inst.source_dest_check:
            w.fail(
                f"instance {inst.name}",
                "source/destination check is on",
                DropCode.SOURCE_DEST_CHECK,
                f"instance '{inst.name}' drops traffic not addressed to it: turn 'source-dest-check off'",
                inst.span,
            )
        w.step(
            f"instance {inst.name}",
            "translated",
            f"source {pkt.src} → {inst.ip} (source/destination check off)",
            inst.span,
        )
        self._sg_egress(w, vpc, inst.security_groups, pkt)
        w.nats.append(_Nat(inst.name, HopKind.NAT_INSTANCE, vpc.name, pkt.src, inst.ip))
        return self._leave_subnet(
            w, vpc, subnet, Packet(inst.ip, pkt.dst, pkt.service), dst, via=""
        )

    # ---- gateways to the internet -----------------------------------------------------

    def _igw_out(self, w: _Walk, vpc: m.Vpc, pkt: Packet, dst: _End) -> Packet:
        igw = vpc.internet_gateway
        assert igw is not None
        w.hop(HopKind.INTERNET_GATEWAY, igw.name, vpc.name, vpc.region)
        src = pkt.src
        if isinstance(src, IPv4Address):
            eni = self.ix.enis.get((vpc.name, src))
            inst = (
                vpc.instances.get(eni.name) if eni is not None and eni.kind == "instance" else None
            )
            # A public NAT gateway translates to its private address; the internet gateway
            # maps that to its Elastic IP, as it does an instance's.
            nat = (
                vpc.nat_gateways.get(eni.name)
                if eni is not None and eni.kind == "nat-gateway"
                else None
            )
            public: PublicAddr | None = None
            if inst is not None and inst.has_public_ip:
                public = PublicAddr(vpc.name, inst.name, inst.public_ip)
            elif nat is not None and not nat.private:
                public = PublicAddr(vpc.name, nat.name, nat.eip)
            if public is None:
                who = (
                    f"instance '{inst.name}'"
                    if inst
                    else f"private NAT gateway '{nat.name}'"
                    if nat
                    else str(src)
                )
                w.fail(
                    f"internet gateway {igw.name}",
                    f"{who} has no public IPv4 address",
                    DropCode.NO_PUBLIC_IP,
                    f"{who} has no public IPv4 address, so internet gateway '{igw.name}' cannot carry its traffic",
                    igw.span,
                )
            assert public is not None
            w.step(
                f"internet gateway {igw.name}", "translated", f"source {src} → {public}", igw.span
            )
            if w.forward:
                w.nats.append(_Nat(igw.name, HopKind.INTERNET_GATEWAY, vpc.name, src, public))
            src = public
        else:
            w.step(f"internet gateway {igw.name}", "forwarded", f"from {src}", igw.span)
        if (
            w.forward
            and not isinstance(pkt.dst, PublicAddr)
            and pkt.service is None
            and not self.ix.is_internet(pkt.dst)
            and pkt.dst.version == 4
        ):
            w.fail(
                f"internet gateway {igw.name}",
                f"{pkt.dst} is a private address",
                self._no_route(w),
                f"{pkt.dst} is a private address: the internet cannot reach it",
            )
        return self._internet(w, Packet(src, pkt.dst, pkt.service), dst)

    def _eigw_out(self, w: _Walk, vpc: m.Vpc, pkt: Packet, dst: _End) -> Packet:
        eigw = vpc.egress_only_gateway
        assert eigw is not None
        w.hop(HopKind.EGRESS_ONLY_GATEWAY, eigw.name, vpc.name, vpc.region)
        if not w.forward and not w.via_eigw:
            w.fail(
                f"egress-only gateway {eigw.name}",
                "the connection was opened from outside",
                DropCode.EGRESS_ONLY,
                f"egress-only gateway '{eigw.name}' passes only connections opened from inside the VPC; the reply is dropped",
            )
        w.step(f"egress-only gateway {eigw.name}", "forwarded", f"IPv6 from {pkt.src}", eigw.span)
        if w.forward:
            w.via_eigw = True
        return self._internet(w, pkt, dst)

    def _internet(self, w: _Walk, pkt: Packet, dst: _End) -> Packet:
        """The packet is on the internet: it reaches an internet host, a service, or a public address."""
        target = pkt.dst
        if pkt.service is not None:
            return self._reach_service(w, pkt, dst)
        if isinstance(target, PublicAddr):
            return self._into_vpc_from_internet(w, pkt, dst)
        if target.version == 4 and target in self.ix.public_owner:
            vpc_name, owner = self.ix.public_owner[target]
            return self._into_vpc_from_internet(
                w, Packet(pkt.src, PublicAddr(vpc_name, owner, target), None), dst
            )
        if self.ix.is_internet(target):
            w.hop(HopKind.INTERNET, str(dst.name if dst.kind is HopKind.INTERNET else target))
            w.step("internet", "delivered", f"to {target}")
            return pkt
        if target.version == 6:
            for vpc in self.net.vpcs.values():
                if vpc.holds(target):
                    return self._into_vpc_from_internet(w, pkt, dst)
        w.hop(HopKind.INTERNET, "internet")
        w.fail(
            "internet",
            f"{target} is a private address",
            self._no_route(w),
            f"{target} is a private address: the internet cannot reach it",
        )
        raise AssertionError  # pragma: no cover

    def _reach_service(self, w: _Walk, pkt: Packet, dst: _End) -> Packet:
        name = pkt.service or (dst.service or "")
        w.hop(HopKind.SERVICE, name)
        w.step("service", "delivered", f"{name} accepts the connection")
        return pkt

    def _from_internet(self, w: _Walk, pkt: Packet, dst: _End) -> Packet:
        return self._internet(w, pkt, dst)

    def _into_vpc_from_internet(self, w: _Walk, pkt: Packet, dst: _End) -> Packet:
        target = pkt.dst
        if isinstance(target, PublicAddr):
            vpc = self.net.vpcs[target.vpc]
        else:
            vpc = next(v for v in self.net.vpcs.values() if v.holds(target))
        if (
            isinstance(target, IPv6Address)
            and not w.forward
            and w.via_eigw
            and vpc.egress_only_gateway is not None
        ):
            gw = vpc.egress_only_gateway
            w.hop(HopKind.EGRESS_ONLY_GATEWAY, gw.name, vpc.name, vpc.region)
            w.step(
                f"egress-only gateway {gw.name}",
                "forwarded",
                "reply to a connection opened from inside",
                gw.span,
            )
            private: Addr = target
        else:
            igw = vpc.internet_gateway
            if igw is None:
                w.hop(HopKind.INTERNET, "internet")
                if (
                    isinstance(target, PublicAddr)
                    and target.owner in vpc.instances
                    and not vpc.instances[target.owner].has_public_ip
                ):
                    w.fail(
                        "internet",
                        f"instance '{target.owner}' has no public IPv4 address",
                        DropCode.NO_PUBLIC_IP,
                        f"instance '{target.owner}' has no public IPv4 address: the internet cannot reach it",
                    )
                w.fail(
                    "internet",
                    f"vpc '{vpc.name}' has no internet gateway",
                    self._no_route(w),
                    f"vpc '{vpc.name}' has no internet gateway: the internet cannot reach {target}",
                )
            assert igw is not None
            w.hop(HopKind.INTERNET_GATEWAY, igw.name, vpc.name, vpc.region)
            if (
                isinstance(target, PublicAddr)
                and target.owner in vpc.instances
                and not vpc.instances[target.owner].has_public_ip
            ):
                w.fail(
                    f"internet gateway {igw.name}",
                    f"instance '{target.owner}' has no public IPv4 address",
                    DropCode.NO_PUBLIC_IP,
                    f"instance '{target.owner}' has no public IPv4 address: the internet cannot reach it",
                    igw.span,
                )
            if isinstance(target, PublicAddr):
                private = self._private_of(vpc, target)
                w.step(
                    f"internet gateway {igw.name}",
                    "translated",
                    f"destination {target} → {private}",
                    igw.span,
                )
            else:
                private = target
                w.step(f"internet gateway {igw.name}", "forwarded", f"IPv6 to {target}", igw.span)
        into = self._local_subnet(vpc, private)
        if into is None:
            w.fail(
                "vpc",
                f"{private} is in no subnet",
                self._no_route(w),
                f"{private} is in no subnet of vpc '{vpc.name}'",
            )
        assert into is not None
        return self._enter_subnet(
            w, vpc, into, Packet(pkt.src, private, None), dst, from_subnet=None
        )

    def _private_of(self, vpc: m.Vpc, public: PublicAddr) -> Addr:
        if public.owner in vpc.instances:
            return vpc.instances[public.owner].ip
        return vpc.nat_gateways[public.owner].ip

    def _into_vpc_from_endpoint(self, w: _Walk, pkt: Packet, dst: _End) -> Packet:
        vpc_name = next(v.name for v in self.net.vpcs.values() if w.crossed_endpoint in v.endpoints)
        vpc = self.net.vpcs[vpc_name]
        ep = vpc.endpoints[w.crossed_endpoint]
        w.hop(HopKind.ENDPOINT, ep.name, vpc.name, vpc.region)
        w.step(f"gateway endpoint {ep.name}", "forwarded", f"reply from {ep.service}", ep.span)
        into = self._local_subnet(vpc, pkt.dst)
        assert into is not None
        return self._enter_subnet(w, vpc, into, pkt, dst, from_subnet=None)

    # ---- peering ----------------------------------------------------------------------

    def _peering(
        self, w: _Walk, vpc: m.Vpc, peering: m.Peering, pkt: Packet, dst: _End, via: str
    ) -> Packet:
        other = self.net.vpcs[peering.other(vpc.name)]
        w.hop(HopKind.PEERING, peering.name, vpc.name, vpc.region)
        if via in ("tgw",):
            w.fail(
                f"peering {peering.name}",
                "traffic from a transit gateway cannot continue over a peering",
                DropCode.PEERING_NOT_TRANSITIVE,
                f"peering '{peering.name}' carries only traffic of vpc '{vpc.name}' itself",
            )
        address = pkt.dst
        if isinstance(address, PublicAddr) or not other.holds(address):
            w.fail(
                f"peering {peering.name}",
                f"{address} is not in vpc '{other.name}'",
                DropCode.PEERING_NOT_TRANSITIVE,
                f"{address} is not in vpc '{other.name}': peering '{peering.name}' does not carry traffic onward (peering is not transitive)",
            )
        w.step(
            f"peering {peering.name}",
            "forwarded",
            f"vpc '{vpc.name}' → vpc '{other.name}'",
            peering.span,
        )
        into = self._local_subnet(other, address)
        if into is None:
            w.fail(
                "vpc",
                f"{address} is in no subnet of vpc '{other.name}'",
                self._no_route(w),
                f"{address} is in no subnet of vpc '{other.name}'",
            )
        assert into is not None
        # Peering traffic is delivered by the local route only (§4): never onward.
        return self._enter_subnet(w, other, into, pkt, dst, from_subnet=None)

    # ---- transit gateways -------------------------------------------------------------

    def _tgw(
        self, w: _Walk, tgw: m.TransitGateway, attachment: str, az: str, pkt: Packet, dst: _End
    ) -> Packet:
        att = tgw.attachments.get(attachment)
        if att is not None and att.kind is m.AttachmentKind.VPC:
            # AWS evaluates the attachment subnet's inbound rules on traffic into the
            # transit gateway (its outbound rules on traffic out of it, below).
            vpc = self.net.vpcs[att.name]
            entry = next((vpc.subnets[s] for s in att.subnets if vpc.subnets[s].az == az), None)
            if entry is not None:
                w.hop(HopKind.SUBNET, entry.name, vpc.name, vpc.region, entry.az)
                self._acl(w, vpc, entry, outbound=False, pkt=pkt)
        w.hop(HopKind.TRANSIT_GATEWAY, tgw.name, region=tgw.region, az=az)
        if att is None:
            w.fail(
                f"transit gateway {tgw.name}",
                f"'{attachment}' is not attached",
                DropCode.TGW_NO_ROUTE,
                f"'{attachment}' is not attached to transit gateway '{tgw.name}'",
                tgw.span,
            )
        assert att is not None
        if att.kind is m.AttachmentKind.VPC:
            vpc = self.net.vpcs[att.name]
            azs = {vpc.subnets[s].az for s in att.subnets}
            if az not in azs:
                w.fail(
                    f"attachment {att.name}",
                    f"no attachment subnet in {az}",
                    DropCode.TGW_AZ_RESTRICTION,
                    f"the attachment of vpc '{att.name}' to '{tgw.name}' has no subnet in {az}, so traffic from {az} cannot enter it",
                    att.span,
                )
        table = tgw.route_table_of(attachment)
        if table is None:
            w.fail(
                f"transit gateway {tgw.name}",
                f"attachment '{attachment}' has no route table",
                DropCode.TGW_NO_ROUTE,
                f"attachment '{attachment}' is associated with no route table of '{tgw.name}'",
                att.span,
            )
        assert table is not None
        route = self._tgw_lookup(table, pkt.dst)
        if route is None:
            w.fail(
                f"tgw route table {table.name}",
                f"no route to {pkt.dst}",
                DropCode.TGW_NO_ROUTE,
                f"route table '{table.name}' of transit gateway '{tgw.name}' has no route to {pkt.dst}",
                table.span,
            )
        assert route is not None
        if route.attachment is None:
            w.fail(
                f"tgw route table {table.name}",
                f"route {route.destination} blackhole",
                DropCode.BLACKHOLE_ROUTE,
                f"route {route.destination} in '{table.name}' of '{tgw.name}' is a blackhole",
                route.span,
            )
        assert route.attachment is not None
        w.step(
            f"tgw route table {table.name}",
            "routed",
            f"{route.destination} via {route.attachment} ({route.origin.value})",
            route.span,
        )
        out = tgw.attachments[route.attachment]
        if out.kind is m.AttachmentKind.VPN:
            return self._vpn_out(w, self.net.vpns[out.name], pkt, dst)
        vpc = self.net.vpcs[out.name]
        subnets = [vpc.subnets[s] for s in out.subnets]
        if not subnets:
            w.fail(
                f"attachment {out.name}",
                "the attachment has no subnet",
                DropCode.TGW_AZ_RESTRICTION,
                f"the attachment of vpc '{out.name}' has no subnet",
            )
        same_az = [s for s in subnets if s.az == az]
        entry = (same_az or subnets)[0]
        if isinstance(pkt.dst, PublicAddr):
            w.fail(
                f"attachment {out.name}",
                f"{pkt.dst} is a public address",
                self._no_route(w),
                f"{pkt.dst} is not reachable through vpc '{out.name}'",
            )
        return self._from_tgw_subnet(w, vpc, entry, pkt, dst)

    def _from_tgw_subnet(
        self, w: _Walk, vpc: m.Vpc, subnet: m.Subnet, pkt: Packet, dst: _End
    ) -> Packet:
        """Traffic a transit gateway delivers into a VPC is routed by the attachment subnet's table."""
        into = self._local_subnet(vpc, pkt.dst)
        if into is not None:
            w.step(
                "attachment",
                "delivered",
                f"into vpc '{vpc.name}' at subnet '{subnet.name}' (local route)",
            )
            if into.name == subnet.name:
                # Same subnet as the attachment: AWS evaluates neither of its ACL's rule sets.
                return self._enter_subnet(w, vpc, into, pkt, dst, from_subnet=subnet)
            w.hop(HopKind.SUBNET, subnet.name, vpc.name, vpc.region, subnet.az)
            self._acl(w, vpc, subnet, outbound=True, pkt=pkt)
            return self._enter_subnet(w, vpc, into, pkt, dst, from_subnet=None)
        return self._leave_subnet(w, vpc, subnet, pkt, dst, via="tgw")

    def _tgw_lookup(self, table: m.TgwRouteTable, address: Addr) -> m.TgwRoute | None:
        best: m.TgwRoute | None = None
        key: tuple[int, int] = (-1, 0)
        for route in table.routes:
            if _in(route.destination, address):
                k = (route.destination.prefixlen, -route.origin.rank)
                if k > key:
                    best, key = route, k
        return best

    # ---- VPNs and sites ---------------------------------------------------------------

    def _vgw_out(self, w: _Walk, vpc: m.Vpc, vgw: str, pkt: Packet, dst: _End, via: str) -> Packet:
        gw = vpc.vpn_gateway
        w.hop(HopKind.VPN_GATEWAY, vgw, vpc.name, vpc.region)
        if via == "tgw":
            w.fail(
                f"vpn gateway {vgw}",
                "traffic from a transit gateway cannot continue over a VPN gateway",
                self._no_route(w),
                f"vpn gateway '{vgw}' carries only traffic of vpc '{vpc.name}' itself",
            )
        vpns = self.ix.vpns_by_gateway.get(vgw, [])
        w.step(f"vpn gateway {vgw}", "forwarded", f"to {pkt.dst}", gw.span if gw else None)
        vpn = next((v for v in vpns if any(_in(p, pkt.dst) for p in v.prefixes)), None)
        if vpn is None:
            carried = (
                "; ".join(f"{v.name}: {', '.join(map(str, v.prefixes)) or 'nothing'}" for v in vpns)
                or "no VPN connection"
            )
            w.fail(
                f"vpn gateway {vgw}",
                f"no VPN carries {pkt.dst} ({carried})",
                DropCode.VPN_PREFIX_NOT_CARRIED,
                f"no VPN connection of '{vgw}' carries a prefix holding {pkt.dst}",
            )
        assert vpn is not None
        return self._vpn_out(w, vpn, pkt, dst)

    def _vpn_out(self, w: _Walk, vpn: m.Vpn, pkt: Packet, dst: _End) -> Packet:
        w.hop(HopKind.VPN, vpn.name)
        prefix = next((p for p in vpn.prefixes if _in(p, pkt.dst)), None)
        if prefix is None:
            w.fail(
                f"vpn {vpn.name}",
                f"{pkt.dst} is not in the prefixes it carries ({', '.join(map(str, vpn.prefixes)) or 'none'})",
                DropCode.VPN_PREFIX_NOT_CARRIED,
                f"vpn '{vpn.name}' does not carry a prefix holding {pkt.dst}",
                vpn.span,
            )
        w.step(f"vpn {vpn.name}", "forwarded", f"{prefix} ({vpn.routing.value})", vpn.span)
        site = self.net.sites[vpn.site]
        cgw = site.customer_gateways[vpn.customer_gateway]
        w.hop(HopKind.CUSTOMER_GATEWAY, cgw.name, site=site.name)
        w.step(f"customer gateway {cgw.name}", "forwarded", f"into site '{site.name}'", cgw.span)
        address = pkt.dst
        if isinstance(address, PublicAddr) or not site.holds(address):
            w.fail(
                f"site {site.name}",
                f"{address} is not in site '{site.name}'",
                self._no_route(w),
                f"{address} is not in site '{site.name}'",
            )
        host = next((h for h in site.hosts.values() if h.ip == address), None)
        w.hop(HopKind.HOST, host.name if host else str(address), site=site.name)
        w.step("host", "delivered", f"{address} (site hosts do no filtering)")
        return pkt

    def _from_site(self, w: _Walk, site: m.Site, src: _End, pkt: Packet, dst: _End) -> Packet:
        w.hop(HopKind.HOST, src.name, site=site.name)
        address = pkt.dst
        if not isinstance(address, PublicAddr) and site.holds(address):
            w.step("site", "delivered", f"{address} is inside site '{site.name}'")
            host = next((h for h in site.hosts.values() if h.ip == address), None)
            w.hop(HopKind.HOST, host.name if host else str(address), site=site.name)
            w.step("host", "delivered", f"{address}")
            return pkt
        w.step(f"site {site.name}", "sent", f"to {address} through its VPN connections")
        vpns = self.ix.vpns_by_site.get(site.name, [])
        chosen = self._site_vpn(vpns, address)
        if chosen is None:
            w.fail(
                f"site {site.name}",
                f"no VPN of site '{site.name}' leads to {address}",
                self._no_route(w),
                f"site '{site.name}' has no VPN connection that leads to {address}",
            )
        assert chosen is not None
        vpn, target_vpc = chosen
        cgw = site.customer_gateways[vpn.customer_gateway]
        w.hop(HopKind.CUSTOMER_GATEWAY, cgw.name, site=site.name)
        w.step(f"customer gateway {cgw.name}", "forwarded", f"into vpn '{vpn.name}'", cgw.span)
        w.hop(HopKind.VPN, vpn.name)
        w.step(f"vpn {vpn.name}", "forwarded", f"to {vpn.gateway}", vpn.span)
        if vpn.gateway_kind is K.TRANSIT_GATEWAY:
            return self._tgw(w, self.net.transit_gateways[vpn.gateway], vpn.name, "", pkt, dst)
        assert target_vpc is not None
        vpc = target_vpc
        w.hop(HopKind.VPN_GATEWAY, vpn.gateway, vpc.name, vpc.region)
        assert not isinstance(address, PublicAddr)
        into = self._local_subnet(vpc, address)
        if into is None:
            w.fail(
                f"vpn gateway {vpn.gateway}",
                f"{address} is not in vpc '{vpc.name}'",
                self._no_route(w),
                f"vpn gateway '{vpn.gateway}' delivers only to vpc '{vpc.name}'",
            )
        assert into is not None
        w.step(f"vpn gateway {vpn.gateway}", "forwarded", f"into vpc '{vpc.name}'")
        return self._enter_subnet(w, vpc, into, pkt, dst, from_subnet=None)

    def _site_vpn(self, vpns: list[m.Vpn], address: Addr) -> tuple[m.Vpn, m.Vpc | None] | None:
        for vpn in sorted(vpns, key=lambda v: v.name):
            if vpn.gateway_kind is K.VPN_GATEWAY:
                vpc = self.net.vpc_of_gateway(vpn.gateway)
                if vpc is not None and not isinstance(address, PublicAddr) and vpc.holds(address):
                    return vpn, vpc
        for vpn in sorted(vpns, key=lambda v: v.name):
            if vpn.gateway_kind is K.TRANSIT_GATEWAY:
                tgw = self.net.transit_gateways[vpn.gateway]
                table = tgw.route_table_of(vpn.name)
                if table is not None and self._tgw_lookup(table, address) is not None:
                    return vpn, None
        # A site sends everything outside its CIDR into its VPNs (§2): with no route for it
        # there, the transit gateway drops it (TGW_NO_ROUTE), not the site.
        to_tgw = sorted(
            (v for v in vpns if v.gateway_kind is K.TRANSIT_GATEWAY), key=lambda v: v.name
        )
        return (to_tgw[0], None) if to_tgw else None


def _acl_decide(
    rules: tuple[m.AclRule, ...], proto: Protocol, peer: Addr, ports: PortSet | None
) -> tuple[PortSet | bool, list[m.AclRule]]:
    """Evaluate ACL rules lowest number first; the first match decides.

    With ``ports`` (tcp/udp), returns the ports allowed and the rules that decided; else
    whether the packet is allowed and the rule that decided.
    """
    decided: list[m.AclRule] = []
    if ports is None:
        for rule in rules:
            if rule.protocol.covers(proto) and _in(rule.cidr, peer):
                return rule.action is m.Action.ALLOW, [rule]
        return False, []
    remaining = ports
    allowed = PortSet(())
    for rule in rules:
        if remaining.empty:
            break
        if not rule.protocol.covers(proto) or not _in(rule.cidr, peer):
            continue
        span = rule.ports or PortRange(0, 65535)
        hit = remaining.intersect(span)
        if hit.empty:
            continue
        decided.append(rule)
        if rule.action is m.Action.ALLOW:
            allowed = allowed.union(list(hit.ranges))
        remaining = remaining.subtract(span)
    if allowed.empty:
        denying = [r for r in decided if r.action is m.Action.DENY]
        return False, denying
    return allowed, [r for r in decided if r.action is m.Action.ALLOW]


def _acl_rule_text(rule: m.AclRule | None) -> str:
    if rule is None:
        return "*"
    proto = rule.protocol.value + (f" {rule.ports}" if rule.ports else "")
    return f"{rule.number} {rule.action.value} {proto} {rule.cidr}"


def _port_text(port: int | None) -> str:
    return f" {port}" if port is not None else ""


_last: list[tuple[m.Network, Simulator]] = []


def simulator(network: m.Network) -> Simulator:
    """The simulator of a network, built once per network object (its indexes are reused)."""
    if _last and _last[0][0] is network:
        return _last[0][1]
    sim = Simulator(network)
    _last[:] = [(network, sim)]
    return sim


def trace(network: m.Network, query: Query) -> Trace:
    """Can ``query.source`` open a connection to ``query.destination``?

    Args:
        network: the compiled network.
        query: the endpoints, protocol and destination port.

    Returns:
        The trace: verdict, forward and return hops, and the first drop when denied.
    """
    return simulator(network).trace(query)


def trace_flow(network: m.Network, flow: m.Flow) -> Trace:
    """The trace of a flow's connection."""
    return trace(network, Query(flow.source, flow.destination, flow.protocol, flow.port))


def parse_address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
