"""The simulator: one attempt is the request walked forward, then the reply walked back.

A route's target kind picks the mechanism that carries the packet on, from one table
(:data:`ROUTE_TARGETS`); each mechanism is a module of this package.

The reply of an ICMP request is the message it asks for (echo 8 → echo reply 0, ICMPv6
128 → 129, :data:`~netdraft.model.values.ICMP_REPLIES`); an ICMP message that asks for
no reply (destination unreachable, time exceeded, …) is delivered when the request is.
A client that declares its ``ephemeral`` ports needs every one of them to work: the
attempt is denied at the lowest port whose reply is dropped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.model.network import Query
from netdraft.model.values import (
    EPHEMERAL,
    ICMP_ECHO,
    ICMP_REPLIES,
    IcmpType,
    PortRange,
    Protocol,
)
from netdraft.sim.index import Index
from netdraft.sim.path import (
    accelerator,
    dns,
    dx,
    edge,
    ends,
    lb,
    linklocal,
    nat,
    tgw_peering,
    transit,
    vpc,
    vpn,
)
from netdraft.sim.path.walk import (
    AttachmentHandler,
    Context,
    Drop,
    End,
    Packet,
    PublicAddr,
    TargetHandler,
    Via,
    Walk,
)
from netdraft.sim.ports import (
    EPHEMERAL_PORTS,
    PortSet,
    declared_client_ports,
    listener_cuts,
    pieces,
    rule_cuts,
)
from netdraft.sim.trace import (
    PLACE_KINDS,
    ComponentKind,
    Dropped,
    Leg,
    Obstacle,
    PortRun,
    Sent,
    SgStep,
    Step,
    Trace,
)

C = ComponentKind
K = m.TargetKind


#: The mechanism behind each kind of route target (``blackhole`` drops in the route table).
ROUTE_TARGETS: dict[m.TargetKind, TargetHandler] = {
    K.LOCAL: vpc.to_local,
    K.INTERNET_GATEWAY: edge.internet_gateway,
    K.EGRESS_ONLY_GATEWAY: edge.egress_only_gateway,
    K.ENDPOINT: edge.endpoint,
    K.NAT_GATEWAY: nat.nat_gateway,
    K.INSTANCE: nat.nat_instance,
    K.PEERING: transit.peering,
    K.TRANSIT_GATEWAY: transit.transit_gateway,
    K.VPN_GATEWAY: vpn.vpn_gateway,
}


#: The hops that read the destination port outside any rule, by the cuts they read
#: (:meth:`Simulator.hop_cuts`): a service on the host or an endpoint answers on its own
#: ports, a load balancer's node on its listeners', an accelerator on its listeners'.
_HOP_CUTS: dict[C, str] = {
    C.SERVICE: "service",
    C.ENDPOINT: "service",
    C.LOAD_BALANCER: "listener",
    C.ACCELERATOR: "accelerator",
}


#: Where a transit gateway sends a packet, by the kind of the attachment its route names.
TGW_ATTACHMENTS: dict[m.AttachmentKind, AttachmentHandler] = {
    m.AttachmentKind.VPC: transit.into_vpc,
    m.AttachmentKind.VPN: vpn.from_tgw,
    m.AttachmentKind.PEERING: tgw_peering.across,
    m.AttachmentKind.DX_GATEWAY: dx.from_tgw,
}


class Simulator(Context):
    """Answers reachability queries about one network (its look-up tables built once)."""

    def __init__(self, network: m.Network) -> None:
        super().__init__(
            network, Index.build(network), ROUTE_TARGETS, TGW_ATTACHMENTS, nat.untranslate
        )
        self._cuts: dict[Protocol, set[int]] = {}
        self._service_cuts: dict[tuple[Protocol, str], set[int]] = {}
        self._resolutions: dict[tuple[m.Place, str, m.RecordKind], dns.Resolution] = {}

    def resolve(
        self, client: m.Place, name: str, qtype: m.RecordKind = m.RecordKind.A
    ) -> dns.Resolution:
        """What ``client``'s resolver answers for ``name`` (an ``A`` or an ``AAAA`` query),
        each query leg traced (once)."""
        key = (client, name, qtype)
        found = self._resolutions.get(key)
        if found is None:
            found = dns.resolve(self.net, self.trace, client, name, qtype)
            self._resolutions[key] = found
        return found

    def names(self, source: m.Place, name: m.Place) -> tuple[m.Place, ...]:
        res = self.resolve(source, name.name)
        if not res.ok:
            assert res.code is not None
            raise Drop(res.code, f"'{name}' does not resolve: {res.reason}", source)
        if not res.answers:
            # A name as a destination is reached over IPv4, by its A records (docs/dns.md).
            reason = f"'{name}' resolves to an address the file does not know"
            if res.reason:
                reason = f"'{name}' has no IPv4 address to connect to: {res.reason}"
            raise Drop(DropCode.NO_INTERFACE, reason, source)
        return tuple(dns.place_at(self.net, a, name.text, source.vpc) for a in res.answers)

    def trace(self, query: Query) -> Trace:
        """Trace a connection; when an endpoint stands for many addresses, the first that works.

        A query for a set of ports is allowed when every port of it is; its trace is the
        lowest denied port's (or the lowest port's), with the verdict of every run of ports.
        """
        if query.ports is not None:
            return self._trace_set(query)
        return self.trace_tried(query)[0]

    def trace_tried(self, query: Query) -> list[Trace]:
        """The trace of a connection to one port (:meth:`trace`) first, then those of the
        other attempts it made on the way to that answer (a load balancer's other nodes):
        a sweep of ports must cut at what each of them read, since another port may take
        another attempt (:meth:`netdraft.sim.classes.Cuts.next_cut`)."""
        tried: list[Trace] = []
        first: Trace | None = None
        unreached: Trace | None = None  # an endpoint of another VPC the source cannot route to
        for src, dst in ends.attempts(self, query):
            result = self._attempt(query, src, dst)
            if result.allowed:
                return [result, *tried]
            tried.append(result)
            if isinstance(dst, End) and dst.remote and not _reaches(result, dst.vpc):
                unreached = unreached or result
                continue
            first = first or result
        found = first or unreached
        assert found is not None
        return [found, *(t for t in tried if t is not found)]

    def port_cuts(self, protocol: Protocol) -> set[int]:
        """Where a decision on the destination port of ``protocol`` can change anywhere in
        the network: the rules' and listeners' ranges (:func:`rule_cuts`), and the ports of
        the services that answer without a rule (those on every instance's host, and
        every interface endpoint's, which answers on its ports only)."""
        cuts = self._cuts.get(protocol)
        if cuts is None:
            cuts = self._cuts[protocol] = rule_cuts(self.net, protocol) | self.service_cuts(
                protocol
            )
        return cuts

    def service_cuts(self, protocol: Protocol) -> set[int]:
        """Where a decision on the destination port of ``protocol`` can change that no
        security group or network ACL rule takes: the ports of the services that answer
        without a rule (those on every instance's host, every interface endpoint's, which
        answers on its ports only), the load balancers' listeners and the accelerators'."""
        return (
            self.hop_cuts(protocol, C.SERVICE)
            | self.hop_cuts(protocol, C.LOAD_BALANCER)
            | self.hop_cuts(protocol, C.ACCELERATOR)
        )

    def hop_cuts(self, protocol: Protocol, kind: C) -> set[int]:
        """Where a hop of ``kind`` may decide otherwise on the destination port of
        ``protocol``, rules aside (empty for most kinds): a service on an instance's host
        or an endpoint answers on its own ports, a load balancer or an accelerator on its
        listeners'. A sweep along one path cuts at these for the hops its trace crossed,
        and at the rules it read (:class:`netdraft.sim.classes.Cuts`)."""
        key = (protocol, _HOP_CUTS.get(kind, ""))
        cuts = self._service_cuts.get(key)
        if cuts is None:
            cuts = set()
            if key[1] == "service":
                for service in linklocal.LINK_LOCAL_SERVICES.values():
                    for proto, port in service.ports:
                        if proto is protocol:
                            cuts.update((port, port + 1))
                if protocol is Protocol.TCP:
                    for v in self.net.vpcs.values():
                        for ep in v.endpoints.values():
                            if ep.kind is m.EndpointKind.INTERFACE:
                                cuts.update(c for r in ep.listening for c in (r.low, r.high + 1))
            elif key[1] == "listener":
                cuts = listener_cuts(self.net, protocol)
            elif key[1] == "accelerator":
                cuts = {
                    c
                    for ga in self.net.accelerators.values()
                    for lst in ga.listeners
                    if lst.protocol is protocol
                    for c in (lst.ports.low, lst.ports.high + 1)
                }
            self._service_cuts[key] = cuts
        return cuts

    def sweep(
        self, query: Query, trace: Callable[[Query], Trace] | None = None
    ) -> tuple[tuple[PortRange, Trace], ...]:
        """Each piece of a query's set of ports that the rules treat alike, and its trace
        (of its lowest port, by ``trace``, else :meth:`trace`): a handful of traces, never
        one per port."""
        assert query.ports is not None
        cuts = self.port_cuts(query.protocol)
        trace = trace or self.trace
        return tuple(
            (piece, trace(dataclasses.replace(query, port=piece.low, ports=None)))
            for piece in pieces(cuts, query.ports)
        )

    def reach(self, query: Query) -> Trace:
        """The trace of a path expectation: "can some internet address open a connection
        to X", by any path, as exposure lists it (LANGUAGE.md §13).

        From ``internet`` to an instance or a load balancer that is an endpoint of an
        accelerator (with a weight above 0), a connection the internet cannot open on X's
        own address may open through the accelerator: Global Accelerator may send a
        client to any of its healthy endpoints, so the endpoint is asked alone
        (:func:`accelerator.pinned`, as exposure does). The first accelerator, in file
        order, through which it is allowed gives the trace (``through`` names it); else,
        and for every other query, it is :meth:`trace`'s. A set of ports is swept as
        :meth:`trace` sweeps it; the accelerators' listeners are among the cuts.
        """
        fronting = self._fronting(query)
        if not fronting:
            return self.trace(query)
        if query.ports is not None:
            return self._trace_set(query, self.reach)
        direct = self.trace(query)
        if direct.allowed:
            return direct
        for ga, target in fronting:
            at = m.Place(m.PlaceKind.ACCELERATOR, ga.name, ga.name)
            ask = dataclasses.replace(query, destination=at)
            with accelerator.pinned(self, ga.name, target):
                found = self.trace_tried(ask)[0]
            if found.allowed:
                return dataclasses.replace(found, query=query, through=ga.name)
        return direct

    def _fronting(self, query: Query) -> list[tuple[m.Accelerator, tuple[str, str]]]:
        """The accelerators that may send a connection of ``query`` from ``internet`` to its
        destination (an endpoint with a weight above 0 of a listener of its protocol)."""
        src, dst = query.source, query.destination
        if src.kind is not m.PlaceKind.INTERNET or src.address is not None:
            return []  # an address written asks of that address
        if dst.via_public_ip:
            return []  # X's public address written: that address is asked
        if dst.kind not in (m.PlaceKind.INSTANCE, m.PlaceKind.LOAD_BALANCER):
            return []
        target = (dst.vpc, dst.name)
        return [
            (ga, target)
            for ga in self.net.accelerators.values()
            if target in accelerator.weighted(ga)
            and any(lst.protocol is query.protocol for lst in ga.listeners)
        ]

    def _trace_set(self, query: Query, trace: Callable[[Query], Trace] | None = None) -> Trace:
        swept = self.sweep(query, trace)
        runs: list[PortRun] = []
        for piece, t in swept:
            last = runs[-1] if runs else None
            if last is not None and (last.verdict, last.code) == (t.verdict, t.code):
                runs[-1] = PortRun(PortRange(last.ports.low, piece.high), t.verdict, t.code)
            else:
                runs.append(PortRun(piece, t.verdict, t.code))
        deciding = next((t for _, t in swept if not t.allowed), swept[0][1])
        return dataclasses.replace(deciding, port_runs=tuple(runs))

    def trace_flow(self, flow: m.Flow) -> Trace:
        """The trace of a flow's connection."""
        return self.trace(Query(flow.source, flow.destination, flow.protocol, flow.port, flow.icmp))

    def _attempt(self, q: Query, src: End | Drop, dst: End | Drop) -> Trace:
        declared = declared_client_ports(self.net, q.source) if q.protocol.has_ports else None
        client = PortSet.of(declared or EPHEMERAL)
        result = self._walk(q, src, dst, client)
        if declared is None or not result.allowed:
            return result
        missing = client
        for r in result.source_ports:
            missing = missing.subtract(r)
        if missing.empty:
            return result
        # A client may pick any of its ports: the first one whose reply is dropped denies it.
        first = missing.ranges[0].low
        failed = self._walk(q, src, dst, PortSet.of(PortRange(first, first)))
        if failed.allowed:  # the port works alone: nothing narrows it (cannot happen)
            return result
        why = f"{failed.reason}; the client opens connections from any port of {declared}"
        return dataclasses.replace(failed, reason=why)

    def _walk(self, q: Query, src: End | Drop, dst: End | Drop, client: PortSet) -> Trace:
        fwd = Walk(Leg.FORWARD, q.protocol, q.port)
        rev = Walk(Leg.RETURN, q.protocol, q.port)
        fwd.ports = fwd.client_ports = rev.client_ports = client
        reply_type: int | None = None
        if q.protocol in ICMP_ECHO:
            sent = q.icmp or ICMP_ECHO[q.protocol]
            fwd.icmp = IcmpType(sent.type, sent.code or 0)
            reply_type = ICMP_REPLIES[q.protocol].get(sent.type)
            rev.icmp = IcmpType(reply_type, 0) if reply_type is not None else None
            if q.icmp is not None:  # sentences name the type only when the query does
                fwd.icmp_shown = q.icmp
                rev.icmp_shown = IcmpType(reply_type) if reply_type is not None else None
        src_address = src.address if isinstance(src, End) else None
        dst_address = dst.address if isinstance(dst, End) else None

        def done(verdict: m.Verdict, drop: Drop | None = None, leg: Leg | None = None) -> Trace:
            fwd.close()
            rev.close()
            return Trace(
                query=q,
                verdict=verdict,
                forward=tuple(fwd.hops),
                reverse=tuple(rev.hops),
                code=drop.code if drop else None,
                leg=leg,
                reason=drop.reason if drop else "",
                source_ports=fwd.ports.ranges if q.protocol.has_ports else (),
                source_address=str(src_address) if src_address is not None else "",
                destination_address=str(dst_address) if dst_address is not None else "",
            )

        for end, place in ((src, q.source), (dst, q.destination)):
            if isinstance(end, Drop):
                # The endpoint itself is the first hop, and the one that drops.
                at = end.place or place
                net = self.net.vpcs.get(at.vpc)
                inst = (
                    net.instances.get(at.name) if net and at.kind is m.PlaceKind.INSTANCE else None
                )
                fwd.hop(
                    PLACE_KINDS[at.kind],
                    at.name or at.text,
                    at.vpc,
                    net.region if net else "",
                    net.subnets[inst.subnet].az if net and inst else "",
                    at.site,
                )
                fwd.steps.append(Step(Dropped(end.code, Obstacle.ENDPOINT, text=end.reason)))
                return done(m.Verdict.DENY, end, Leg.FORWARD)
        assert isinstance(src, End) and isinstance(dst, End)
        try:
            # An interface endpoint is reached at its address, whether it is named by its
            # service or by that address: the packet is the same both ways.
            service = None if dst.kind is C.ENDPOINT else dst.service
            if dst.kind is C.ACCELERATOR:  # both legs are the accelerator's (LANGUAGE.md §10)
                accelerator.through(self, fwd, rev, src, dst)
                return done(m.Verdict.ALLOW)
            seen_dst = self.send(fwd, src, dst, Packet(src.address, dst.address, service))
            if dst.kind is C.LOAD_BALANCER:
                lb.proxy(self, fwd, rev, dst, seen_dst)
        except lb.ReplyDrop as drop:
            return done(m.Verdict.DENY, drop, Leg.RETURN)
        except Drop as drop:
            return done(m.Verdict.DENY, drop, Leg.FORWARD)
        if q.protocol in ICMP_ECHO and reply_type is None:
            return done(m.Verdict.ALLOW)  # an ICMP message that asks for no reply
        rev.nats = fwd.nats
        rev.crossed_endpoint = fwd.crossed_endpoint
        rev.via_eigw = fwd.via_eigw
        # Beyond a NAT the reply goes to the port the NAT chose (NAT gateways use 1024-65535),
        # and back to the client's own port once it is translated back.
        nat_ports = any(n.kind in (C.NAT_GATEWAY, C.NAT_INSTANCE) for n in fwd.nats)
        rev.ports = EPHEMERAL_PORTS if nat_ports else fwd.ports
        try:
            self.send(rev, dst, src, Packet(seen_dst.dst, seen_dst.src, None))
        except Drop as drop:
            fwd.ports = rev.ports
            return done(m.Verdict.DENY, drop, Leg.RETURN)
        fwd.ports = rev.ports
        return done(m.Verdict.ALLOW)

    def send(self, w: Walk, src: End, dst: End, pkt: Packet) -> Packet:
        """Walk a packet from ``src`` to ``dst``; returns the packet as it arrives."""
        if not w.forward and dst.kind is C.INSTANCE and dst.vpc:
            home = self.net.vpcs[dst.vpc]
            if linklocal.takes_no_route(home, pkt.src):
                return linklocal.reply_from_host(self, w, home, src, dst, pkt)
        if src.kind is C.INSTANCE:
            inst = src.instance
            assert inst is not None
            net = self.net.vpcs[src.vpc]
            vpc.instance_hop(w, net, inst)
            if w.forward and linklocal.takes_no_route(net, pkt.dst):
                # DNS, metadata, time sync: answered on the host, no route, group or ACL.
                return linklocal.on_host(self, w, net, pkt)
            if w.forward:
                vpc.sg_egress(self, w, net, inst.security_groups, pkt)
            else:
                w.step(SgStep(inst.security_groups, m.Direction.EGRESS, stateful_reply=True))
            if isinstance(pkt.src, PublicAddr):
                pkt = Packet(inst.ip if pkt.dst.version == 4 else pkt.src, pkt.dst, pkt.service)
            return vpc.leave_subnet(self, w, net, net.subnets[inst.subnet], pkt, dst, Via.NONE)
        if src.kind in (C.VPC_ADDRESS, C.NAT_GATEWAY, C.ENDPOINT, C.LOAD_BALANCER):
            net = self.net.vpcs[src.vpc]
            subnet = net.subnets.get(src.subnet)
            w.hop(src.kind, src.name, net.name, net.region, subnet.az if subnet else "")
            if subnet is None:
                vpc.not_in_subnet(w, net.name, src.address, f"{src.address} is in no subnet")
            # A load balancer's node answers from its private address (the gateway maps it).
            sent = pkt.src if src.kind is C.LOAD_BALANCER else src.address
            w.step(Sent(str(sent), subnet.name))
            if src.kind is C.LOAD_BALANCER:
                vpc.lb_egress(self, w, net, src.name, pkt)
            elif src.kind is C.ENDPOINT and w.forward:
                # Only an outbound resolver endpoint sends (ends.py): its rules' queries.
                vpc.endpoint_egress(self, w, net, src.name, pkt)
            return vpc.leave_subnet(self, w, net, subnet, pkt, dst, Via.NONE)
        if src.kind is C.HOST:
            return vpn.from_site(self, w, self.net.sites[src.site], src, pkt, dst)
        # the internet or a service
        w.hop(src.kind, src.name)
        w.step(Sent(str(src.address)))
        if not w.forward and w.crossed_endpoint:
            return edge.into_vpc_from_endpoint(self, w, pkt, dst)
        return edge.internet(self, w, pkt, dst)


def _reaches(trace: Trace, vpc: str) -> bool:
    """Whether the request got into ``vpc`` (the source can route to it)."""
    return any(hop.vpc == vpc for hop in trace.forward)
