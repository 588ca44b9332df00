"""The edge of AWS: internet and egress-only gateways, the internet, services, endpoints.

An internet gateway maps an interface's private IPv4 address to its public one (an
instance's public or Elastic IP, a public NAT gateway's Elastic IP) and passes IPv6 as
it is; an egress-only gateway passes only IPv6 connections opened from inside. A gateway
endpoint takes a service's prefix list out of the route table; an interface endpoint is
a network interface in a subnet, reached through private DNS.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address
from typing import NoReturn

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.model.values import Span
from netdraft.sim.path import linklocal
from netdraft.sim.path import vpc as vpcs
from netdraft.sim.path.walk import Addr, Context, End, Packet, PublicAddr, Translation, Via, Walk
from netdraft.sim.trace import (
    Arrival,
    ComponentKind,
    Delivered,
    Dropped,
    Forwarded,
    Obstacle,
    Passage,
    Rewrite,
    TranslationStep,
)

C = ComponentKind


def internet_gateway(
    sim: Context,
    w: Walk,
    vpc: m.Vpc,
    subnet: m.Subnet,
    target: m.RouteTarget,
    pkt: Packet,
    dst: End,
    via: Via,
) -> Packet:
    """A route to the internet gateway: out to the internet, from a public address."""
    igw = vpc.internet_gateway
    assert igw is not None
    w.hop(C.INTERNET_GATEWAY, igw.name, vpc.name, vpc.region)
    src = pkt.src
    if isinstance(src, IPv4Address):
        eni = sim.ix.enis.get((vpc.name, src))
        inst = vpc.instances.get(eni.name) if eni is not None and eni.kind is C.INSTANCE else None
        # A public NAT gateway translates to its private address; the internet gateway
        # maps that to its Elastic IP, as it does an instance's.
        nat = (
            vpc.nat_gateways.get(eni.name)
            if eni is not None and eni.kind is C.NAT_GATEWAY
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
                Dropped(
                    DropCode.NO_PUBLIC_IP, Obstacle.NO_PUBLIC_IP, C.INTERNET_GATEWAY, igw.name, who
                ),
                DropCode.NO_PUBLIC_IP,
                f"{who} has no public IPv4 address, so internet gateway '{igw.name}' cannot carry its traffic",
                igw.span,
            )
        w.step(
            TranslationStep(C.INTERNET_GATEWAY, igw.name, Rewrite.SOURCE, str(src), str(public)),
            igw.span,
        )
        if w.forward:
            w.nats.append(Translation(igw.name, C.INTERNET_GATEWAY, vpc.name, src, public))
        src = public
    else:
        w.step(Forwarded(C.INTERNET_GATEWAY, igw.name, Passage.OUT, source=str(src)), igw.span)
    if (
        w.forward
        and not isinstance(pkt.dst, PublicAddr)
        and pkt.service is None
        and not sim.ix.is_internet(pkt.dst)
        and pkt.dst.version == 4
    ):
        _unreachable(w, C.INTERNET_GATEWAY, igw.name, pkt.dst)
    return internet(sim, w, Packet(src, pkt.dst, pkt.service), dst)


def egress_only_gateway(
    sim: Context,
    w: Walk,
    vpc: m.Vpc,
    subnet: m.Subnet,
    target: m.RouteTarget,
    pkt: Packet,
    dst: End,
    via: Via,
) -> Packet:
    """A route to the egress-only gateway: IPv6 out, and only replies back in."""
    eigw = vpc.egress_only_gateway
    assert eigw is not None
    w.hop(C.EGRESS_ONLY_GATEWAY, eigw.name, vpc.name, vpc.region)
    if not w.forward and not w.via_eigw:
        w.fail(
            Dropped(
                DropCode.EGRESS_ONLY, Obstacle.OPENED_FROM_OUTSIDE, C.EGRESS_ONLY_GATEWAY, eigw.name
            ),
            DropCode.EGRESS_ONLY,
            f"egress-only gateway '{eigw.name}' passes only connections opened from inside the VPC; the reply is dropped",
        )
    w.step(
        Forwarded(C.EGRESS_ONLY_GATEWAY, eigw.name, Passage.OUT, source=str(pkt.src), ipv6=True),
        eigw.span,
    )
    if w.forward:
        w.via_eigw = True
    return internet(sim, w, pkt, dst)


def endpoint(
    sim: Context,
    w: Walk,
    vpc: m.Vpc,
    subnet: m.Subnet,
    target: m.RouteTarget,
    pkt: Packet,
    dst: End,
    via: Via,
) -> Packet:
    """A route to a gateway endpoint (its prefix-list route): on to its service. No route
    targets an interface endpoint (the compiler refuses one, `route-target`)."""
    ep = vpc.endpoints[target.name]
    w.hop(C.ENDPOINT, ep.name, vpc.name, vpc.region)
    if via is not Via.NONE:
        # AWS: endpoint connections cannot be extended out of a VPC.
        w.fail(
            Dropped(
                w.no_route,
                Obstacle.ENDPOINT_FROM_OUTSIDE,
                C.ENDPOINT,
                ep.name,
                via=via.value,
            ),
            w.no_route,
            f"gateway endpoint '{ep.name}' serves only traffic from inside vpc '{vpc.name}', not traffic that came over a {via.value}",
            ep.span,
        )
    w.step(Forwarded(C.ENDPOINT, ep.name, Passage.TO_SERVICE, ep.service), ep.span)
    if w.forward:
        w.crossed_endpoint = ep.name
    return reach_service(w, pkt, dst)


def internet(sim: Context, w: Walk, pkt: Packet, dst: End) -> Packet:
    """The packet is on the internet: it reaches an internet host, a service, or a public address."""
    target = pkt.dst
    if pkt.service is not None:
        return reach_service(w, pkt, dst)
    if isinstance(target, PublicAddr):
        return into_vpc_from_internet(sim, w, pkt, dst)
    if target.version == 4 and target in sim.ix.public_owner:
        vpc_name, owner = sim.ix.public_owner[target]
        public = PublicAddr(vpc_name, owner, target)
        return into_vpc_from_internet(sim, w, Packet(pkt.src, public, None), dst)
    if sim.ix.is_internet(target):
        w.hop(C.INTERNET, str(dst.name if dst.kind is C.INTERNET else target))
        w.step(Delivered(Arrival.INTERNET, str(target)))
        return pkt
    if target.version == 6:
        for vpc in sim.net.vpcs.values():
            if vpc.holds(target):
                return into_vpc_from_internet(sim, w, pkt, dst)
    w.hop(C.INTERNET, "internet")
    _unreachable(w, C.INTERNET, "internet", target)


def _unreachable(w: Walk, by: ComponentKind, name: str, target: Addr) -> NoReturn:
    """A private or link-local address: the internet cannot reach it."""
    if linklocal.is_link_local(target):
        w.fail(
            Dropped(w.no_route, Obstacle.LINK_LOCAL, by, name, str(target)),
            w.no_route,
            f"{target} is a link-local address: only an instance reaches it, on its own host",
        )
    w.fail(
        Dropped(w.no_route, Obstacle.PRIVATE_ADDRESS, by, name, str(target)),
        w.no_route,
        f"{target} is a private address: the internet cannot reach it",
    )


def reach_service(w: Walk, pkt: Packet, dst: End) -> Packet:
    """The packet reaches an AWS service, which accepts it."""
    name = pkt.service or (dst.service or "")
    w.hop(C.SERVICE, name)
    w.step(Delivered(Arrival.SERVICE, place=name))
    return pkt


def into_vpc_from_internet(sim: Context, w: Walk, pkt: Packet, dst: End) -> Packet:
    """From the internet into a VPC, through its internet (or egress-only) gateway."""
    target = pkt.dst
    if isinstance(target, PublicAddr):
        vpc = sim.net.vpcs[target.vpc]
    else:
        vpc = next(v for v in sim.net.vpcs.values() if v.holds(target))
    private: Addr
    if (
        isinstance(target, IPv6Address)
        and not w.forward
        and w.via_eigw
        and vpc.egress_only_gateway is not None
    ):
        gw = vpc.egress_only_gateway
        w.hop(C.EGRESS_ONLY_GATEWAY, gw.name, vpc.name, vpc.region)
        w.step(Forwarded(C.EGRESS_ONLY_GATEWAY, gw.name, Passage.REPLY_IN), gw.span)
        private = target
    else:
        unaddressed = (
            isinstance(target, PublicAddr)
            and target.owner in vpc.instances
            and not vpc.instances[target.owner].has_public_ip
        )
        igw = vpc.internet_gateway
        if igw is None:
            w.hop(C.INTERNET, "internet")
            if unaddressed:
                assert isinstance(target, PublicAddr)
                _no_public_ip(w, C.INTERNET, "internet", target.owner, None)
            w.fail(
                Dropped(
                    w.no_route, Obstacle.NO_INTERNET_GATEWAY, C.INTERNET, "internet", place=vpc.name
                ),
                w.no_route,
                f"vpc '{vpc.name}' has no internet gateway: the internet cannot reach {target}",
            )
        w.hop(C.INTERNET_GATEWAY, igw.name, vpc.name, vpc.region)
        if unaddressed:
            assert isinstance(target, PublicAddr)
            _no_public_ip(w, C.INTERNET_GATEWAY, igw.name, target.owner, igw.span)
        if isinstance(target, PublicAddr):
            private = _private_of(vpc, target)
            w.step(
                TranslationStep(
                    C.INTERNET_GATEWAY, igw.name, Rewrite.DESTINATION, str(private), str(target)
                ),
                igw.span,
            )
        else:
            private = target
            w.step(
                Forwarded(C.INTERNET_GATEWAY, igw.name, Passage.IN, str(target), ipv6=True),
                igw.span,
            )
    into = vpcs.local_subnet(sim, vpc, private)
    if into is None:
        vpcs.not_in_subnet(w, "", private, f"{private} is in no subnet of vpc '{vpc.name}'")
    return vpcs.enter_subnet(sim, w, vpc, into, Packet(pkt.src, private, None), dst, None)


def _no_public_ip(w: Walk, by: ComponentKind, name: str, owner: str, span: Span | None) -> NoReturn:
    w.fail(
        Dropped(DropCode.NO_PUBLIC_IP, Obstacle.NO_PUBLIC_IP, by, name, f"instance '{owner}'"),
        DropCode.NO_PUBLIC_IP,
        f"instance '{owner}' has no public IPv4 address: the internet cannot reach it",
        span,
    )


def _private_of(vpc: m.Vpc, public: PublicAddr) -> Addr:
    if public.owner in vpc.instances:
        return vpc.instances[public.owner].ip
    return vpc.nat_gateways[public.owner].ip


def into_vpc_from_endpoint(sim: Context, w: Walk, pkt: Packet, dst: End) -> Packet:
    """A service's reply comes back through the gateway endpoint the request used."""
    vpc_name = next(v.name for v in sim.net.vpcs.values() if w.crossed_endpoint in v.endpoints)
    vpc = sim.net.vpcs[vpc_name]
    ep = vpc.endpoints[w.crossed_endpoint]
    w.hop(C.ENDPOINT, ep.name, vpc.name, vpc.region)
    w.step(Forwarded(C.ENDPOINT, ep.name, Passage.FROM_SERVICE, ep.service), ep.span)
    into = vpcs.local_subnet(sim, vpc, pkt.dst)
    assert into is not None
    return vpcs.enter_subnet(sim, w, vpc, into, pkt, dst, from_subnet=None)
