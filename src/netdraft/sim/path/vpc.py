"""Inside a VPC: leaving and entering subnets, route tables, network ACLs, security groups.

* security groups are stateful: checked on the request only (source egress,
  destination ingress, and a NAT instance's own groups);
* network ACLs are stateless: checked where a packet leaves or enters a subnet, on
  the request and on the reply; the reply's destination port is the request's
  source port, so the reply leg narrows the set of source ports (1024-65535) that work;
* a route table picks the longest prefix; on equal prefixes local, then static,
  then propagated; a gateway endpoint's prefix list counts as more specific than
  any route but a /32.
"""

from __future__ import annotations

from typing import NoReturn

from netdraft.model import network as m
from netdraft.model.aws_ranges import snapshot
from netdraft.model.codes import DropCode
from netdraft.model.values import IcmpType, PortRange, Protocol
from netdraft.sim.path import linklocal
from netdraft.sim.path.walk import Addr, Context, End, Packet, PublicAddr, Via, Walk, within
from netdraft.sim.ports import PortSet
from netdraft.sim.trace import (
    AclStep,
    Arrival,
    ComponentKind,
    Delivered,
    Dropped,
    Forwarded,
    Obstacle,
    Passage,
    RouteProblem,
    RouteStep,
    SgStep,
)

K = m.TargetKind

#: The network interfaces that translate: a reply reaching one goes back through it.
TRANSLATING = (ComponentKind.NAT_GATEWAY, ComponentKind.INSTANCE)


def local_subnet(sim: Context, vpc: m.Vpc, address: Addr) -> m.Subnet | None:
    """The subnet of ``vpc`` that holds ``address`` (a public address is in none)."""
    if isinstance(address, PublicAddr):
        return None
    return sim.ix.subnet_at(vpc.name, address)


def not_in_subnet(
    w: Walk, vpc: str, address: Addr, reason: str, within: m.Vpc | None = None
) -> NoReturn:
    """Drop a packet for an address of a VPC that no subnet holds (``vpc`` may go unsaid).

    The local route carries a request there, but no network interface can hold an address
    outside every subnet: ``NO_INTERFACE`` (the VPC+2 resolver of ``within`` answers only
    its own instances). A reply with nowhere to go has no return route.
    """
    if w.forward and within is not None:
        linklocal.outside_vpc(w, within, address)
    code = DropCode.NO_INTERFACE if w.forward else w.no_route
    obstacle = Obstacle.NO_INTERFACE_NO_SUBNET if w.forward else Obstacle.NOT_IN_SUBNET
    if w.forward:
        reason = f"no network interface holds {address}: {reason}"
    w.fail(Dropped(code, obstacle, address=str(address), place=vpc), code, reason)


def leave_subnet(
    sim: Context, w: Walk, vpc: m.Vpc, subnet: m.Subnet, pkt: Packet, dst: End, via: Via
) -> Packet:
    """A packet leaves an interface in ``subnet``: route table, ACL, then the target."""
    w.hop(ComponentKind.SUBNET, subnet.name, vpc.name, vpc.region, subnet.az)
    local_dst = local_subnet(sim, vpc, pkt.dst)
    if local_dst is not None and local_dst.name == subnet.name and pkt.service is None:
        w.step(Delivered(Arrival.SAME_SUBNET, str(pkt.dst)))
        return arrive(sim, w, vpc, subnet, pkt, dst, from_subnet=subnet)
    w.revisit(ComponentKind.SUBNET, vpc.name, subnet.name, pkt.src, pkt.dst, pkt.service, via)
    acl(w, vpc, subnet, outbound=True, pkt=pkt)
    table = vpc.route_tables[subnet.route_table]
    wanted = str(pkt.service or pkt.dst)
    route = lookup(table, pkt)
    if route is None:
        w.fail(
            RouteStep(table.name, wanted, problem=RouteProblem.NO_ROUTE),
            w.no_route,
            f"route table '{table.name}' of subnet '{subnet.name}' has no route to {wanted}",
            table.span,
        )
    target = route.target
    down = _down_target(vpc, target)
    if down:
        w.fail(
            RouteStep(table.name, wanted, route, problem=RouteProblem.DOWN),
            DropCode.BLACKHOLE_ROUTE,
            f"route {route.destination} points to {down}, which is down: a blackhole",
            route.span,
        )
    if target.kind is K.INSTANCE and vpc.instances[target.name].stopped:
        w.fail(
            RouteStep(table.name, wanted, route, problem=RouteProblem.STOPPED_INSTANCE),
            DropCode.BLACKHOLE_ROUTE,
            f"route {route.destination} points to stopped instance '{target.name}': a blackhole",
            route.span,
        )
    if target.kind is K.BLACKHOLE:
        w.fail(
            RouteStep(table.name, wanted, route, problem=RouteProblem.BLACKHOLE),
            DropCode.BLACKHOLE_ROUTE,
            f"route {route.destination} in '{table.name}' is a blackhole",
            route.span,
        )
    w.step(RouteStep(table.name, wanted, route), route.span)
    if via in (Via.PEERING, Via.VPN) and target.kind is not K.LOCAL:
        w.fail(
            RouteStep(
                table.name,
                wanted,
                route,
                problem=RouteProblem.NOT_TRANSITIVE,
                via=via.value,
                vpc=vpc.name,
            ),
            DropCode.PEERING_NOT_TRANSITIVE,
            f"traffic that entered vpc '{vpc.name}' over a {via.value} is delivered only to its own addresses",
        )
    return sim.targets[target.kind](sim, w, vpc, subnet, target, pkt, dst, via)


#: On equal prefixes a route to a customer-managed prefix list ranks after the static
#: routes and before the propagated ones ("How route priority works", VPC user guide).
PREFIX_LIST_RANK = 1.5


def _down_target(vpc: m.Vpc, target: m.RouteTarget) -> str:
    """The route's target when it is down (a route to it is a blackhole), else ''."""
    if target.kind is K.NAT_GATEWAY and vpc.nat_gateways[target.name].down:
        return f"NAT gateway '{target.name}'"
    if target.kind is K.INSTANCE and vpc.instances[target.name].down:
        return f"instance '{target.name}'"
    return ""


def lookup(table: m.RouteTable, pkt: Packet) -> m.Route | None:
    """The route a packet takes: the longest prefix, then the origin's rank (local, static,
    prefix list, propagated). A prefix list route's prefix is its longest entry that holds
    the destination."""
    best: m.Route | None = None
    best_key: tuple[float, float] = (-1.0, 0.0)
    for route in table.routes:
        dest = route.destination
        rank: float = route.origin.rank
        if isinstance(dest, m.PrefixList) and dest.managed:
            # A gateway endpoint's route: the service's traffic in the list's region.
            if pkt.service != dest.service or not _in_managed(dest, pkt.dst):
                continue
            length = 31.5
        elif isinstance(dest, m.PrefixList):
            address = pkt.dst.ip if isinstance(pkt.dst, PublicAddr) else pkt.dst
            entry = dest.longest(address) if address is not None else None
            if entry is None:
                continue
            length, rank = float(entry), PREFIX_LIST_RANK
        else:
            if not within(dest, pkt.dst):
                continue
            length = float(dest.prefixlen)
        key = (length, -rank)
        if key > best_key:
            best, best_key = route, key
    return best


def _in_managed(listed: m.PrefixList, address: Addr) -> bool:
    """Whether a service's address is in a managed list of its region.

    A list without entries (the bundled snapshot does not know the region, or has no
    ranges of the service there) holds the service only where it is named (``-> s3``,
    at a representative address): an address of the service's published ranges is in
    another region, which a gateway endpoint does not serve (AWS: "the same Region")."""
    if isinstance(address, PublicAddr):
        return False
    if not listed.cidrs:
        return snapshot().service_at(address) is None
    return listed.holds(address)


def to_local(
    sim: Context,
    w: Walk,
    vpc: m.Vpc,
    subnet: m.Subnet,
    target: m.RouteTarget,
    pkt: Packet,
    dst: End,
    via: Via,
) -> Packet:
    """The local route: into the subnet of the VPC that holds the destination."""
    into = local_subnet(sim, vpc, pkt.dst)
    if into is None:
        not_in_subnet(
            w,
            vpc.name,
            pkt.dst,
            f"{pkt.dst} is inside vpc '{vpc.name}' but in none of its subnets",
            vpc,
        )
    return enter_subnet(sim, w, vpc, into, pkt, dst, from_subnet=subnet)


def acl(w: Walk, vpc: m.Vpc, subnet: m.Subnet, outbound: bool, pkt: Packet) -> None:
    """A subnet's network ACL on a packet leaving (``outbound``) or entering it."""
    nacl = vpc.network_acls[subnet.network_acl]
    rules = nacl.outbound if outbound else nacl.inbound
    peer = pkt.dst if outbound else pkt.src
    word = "outbound" if outbound else "inbound"
    proto = w.protocol
    # On the request the destination port is fixed; on the reply it is the set of source ports.
    if w.forward:
        ports = PortSet.of(PortRange(w.port, w.port)) if w.port is not None else None
    else:
        ports = w.ports if proto.has_ports else None
    allowed, decided = acl_decide(rules, proto, peer, ports, w.icmp)
    reply = not w.forward
    if not allowed:
        rule = decided[0] if decided else None
        span = rule.span if rule else nacl.span
        step = AclStep(nacl.name, outbound, rule, False, reply, icmp=w.icmp_shown)
        to = "to" if outbound else "from"
        if w.forward:
            code = DropCode.ACL_OUTBOUND_DENY if outbound else DropCode.ACL_INBOUND_DENY
            w.fail(
                step,
                code,
                f"network ACL '{nacl.name}' of subnet '{subnet.name}' denies {word} {w.traffic} {to} {peer}",
                span,
            )
        one = len(w.ports.ranges) == 1 and w.ports.ranges[0].low == w.ports.ranges[0].high
        ports_text = f" to port{'' if one else 's'} {w.ports}" if proto.has_ports else ""
        if w.icmp_shown is not None:
            ports_text = f" {proto.value} {w.icmp_shown}"
        w.fail(
            step,
            DropCode.ACL_RETURN_DENY,
            f"network ACL '{nacl.name}' of subnet '{subnet.name}' denies the reply {word}{ports_text} ({to} {peer}): ACLs are stateless",
            span,
        )
    if reply and isinstance(allowed, PortSet):
        w.ports = allowed
    rule = decided[-1] if decided else None
    w.step(
        AclStep(nacl.name, outbound, rule, True, reply, w.ports if reply else None, w.icmp_shown),
        rule.span if rule else nacl.span,
    )


def icmp_matches(rule: IcmpType | None, packet: IcmpType | None) -> bool:
    """Whether a rule's ICMP type (``None``: every type) matches a packet's message."""
    return rule is None or (packet is not None and rule.matches(packet))


def acl_decide(
    rules: tuple[m.AclRule, ...],
    proto: Protocol,
    peer: Addr,
    ports: PortSet | None,
    icmp: IcmpType | None = None,
) -> tuple[PortSet | bool, list[m.AclRule]]:
    """Evaluate ACL rules lowest number first; the first match decides.

    With ``ports`` (tcp/udp), returns the ports allowed and the rules that decided; else
    whether the packet (of ICMP message ``icmp``, for icmp and icmpv6) is allowed and the
    rule that decided.
    """
    decided: list[m.AclRule] = []
    if ports is None:
        for rule in rules:
            if (
                rule.protocol.covers(proto)
                and icmp_matches(rule.icmp, icmp)
                and within(rule.cidr, peer)
            ):
                return rule.action is m.Action.ALLOW, [rule]
        return False, []
    remaining = ports
    allowed = PortSet(())
    for rule in rules:
        if remaining.empty:
            break
        if not rule.protocol.covers(proto) or not within(rule.cidr, peer):
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


def port_text(port: int | None) -> str:
    return f" {port}" if port is not None else ""


def enter_subnet(
    sim: Context,
    w: Walk,
    vpc: m.Vpc,
    subnet: m.Subnet,
    pkt: Packet,
    dst: End,
    from_subnet: m.Subnet | None,
) -> Packet:
    """A packet enters ``subnet`` (its ACL, unless it comes from the subnet itself)."""
    w.hop(ComponentKind.SUBNET, subnet.name, vpc.name, vpc.region, subnet.az)
    if from_subnet is None or from_subnet.name != subnet.name:
        acl(w, vpc, subnet, outbound=False, pkt=pkt)
    return arrive(sim, w, vpc, subnet, pkt, dst, from_subnet)


def arrive(
    sim: Context,
    w: Walk,
    vpc: m.Vpc,
    subnet: m.Subnet,
    pkt: Packet,
    dst: End,
    from_subnet: m.Subnet | None,
) -> Packet:
    """The packet reaches the interface holding its destination address."""
    address = pkt.dst
    assert not isinstance(address, PublicAddr)
    eni = sim.ix.enis.get((vpc.name, address))
    # The reply reaching a NAT device goes back through the translation it made.
    if not w.forward and eni is not None and eni.kind in TRANSLATING:
        made = w.translation(vpc.name, eni.name)
        if made is not None:
            return sim.untranslate(sim, w, vpc, eni, made, pkt, dst)
    if eni is None:
        if w.forward:
            # Nothing answers at an address no network interface holds (LANGUAGE.md §9).
            linklocal.outside_vpc(w, vpc, address)
            w.fail(
                Dropped(
                    DropCode.NO_INTERFACE,
                    Obstacle.NO_INTERFACE,
                    address=str(address),
                    place=subnet.name,
                ),
                DropCode.NO_INTERFACE,
                f"no network interface holds {address} (subnet '{subnet.name}')",
            )
        w.fail(
            Dropped(w.no_route, Obstacle.UNHELD_ADDRESS, address=str(address)),
            w.no_route,
            f"nothing in subnet '{subnet.name}' holds {address}",
        )
    if eni.kind is ComponentKind.ENDPOINT:
        ep = vpc.endpoints[eni.name]
        w.hop(ComponentKind.ENDPOINT, ep.name, vpc.name, vpc.region, subnet.az)
        if w.forward:
            sg_ingress(sim, w, vpc, ep.security_groups, pkt, f"endpoint '{ep.name}'")
            if not endpoint_listens(ep, w.protocol, w.port):
                w.fail(
                    Dropped(
                        DropCode.NO_INTERFACE,
                        Obstacle.ENDPOINT_NO_LISTENER,
                        ComponentKind.ENDPOINT,
                        ep.name,
                    ),
                    DropCode.NO_INTERFACE,
                    _not_listening(ep, w.traffic),
                )
        w.step(
            Forwarded(
                ComponentKind.ENDPOINT, ep.name, Passage.TO_SERVICE, ep.service, interface=True
            ),
            ep.span,
        )
        return pkt
    if eni.kind is ComponentKind.LOAD_BALANCER:
        # A node of a load balancer: its groups (if any) filter the connection; what
        # happens next is the load balancer's (sim/path/lb.py).
        w.hop(ComponentKind.LOAD_BALANCER, eni.name, vpc.name, vpc.region, subnet.az)
        if w.forward and eni.groups:
            sg_ingress(sim, w, vpc, eni.groups, pkt, f"load balancer '{eni.name}'")
        elif eni.groups:
            w.step(SgStep(eni.groups, m.Direction.INGRESS, stateful_reply=True))
        w.step(Delivered(Arrival.LOAD_BALANCER, str(address), subnet=subnet.name))
        return pkt
    if eni.kind is ComponentKind.NAT_GATEWAY:
        w.hop(ComponentKind.NAT_GATEWAY, eni.name, vpc.name, vpc.region, subnet.az)
        if w.forward:
            # A NAT gateway only translates traffic routed through it; its network
            # interface answers nothing addressed to it (LANGUAGE.md §9: NO_INTERFACE).
            w.fail(
                Dropped(
                    DropCode.NO_INTERFACE,
                    Obstacle.NAT_ACCEPTS_NOTHING,
                    ComponentKind.NAT_GATEWAY,
                    eni.name,
                ),
                DropCode.NO_INTERFACE,
                f"NAT gateway '{eni.name}' accepts no connections: it only translates "
                "traffic that routes send through it",
            )
        w.step(Delivered(Arrival.NAT_GATEWAY, str(address)))
        return pkt
    inst = vpc.instances[eni.name]
    instance_hop(w, vpc, inst)
    if w.forward:
        sg_ingress(sim, w, vpc, inst.security_groups, pkt, f"instance '{inst.name}'")
        if dst.kind is ComponentKind.INSTANCE and dst.name == inst.name and dst.vpc == vpc.name:
            return pkt
        w.fail(
            Dropped(
                DropCode.NO_ROUTE_TO_DESTINATION,
                Obstacle.WRONG_INSTANCE,
                ComponentKind.INSTANCE,
                inst.name,
                str(address),
            ),
            DropCode.NO_ROUTE_TO_DESTINATION,
            f"the packet reached '{inst.name}' instead of {dst.name}",
        )
    w.step(SgStep(inst.security_groups, m.Direction.INGRESS, stateful_reply=True))
    return pkt


def endpoint_listens(ep: m.VpcEndpoint, protocol: Protocol, port: int | None) -> bool:
    """Whether an interface endpoint's network interface answers a connection: TCP to one
    of its ports (:attr:`netdraft.model.network.VpcEndpoint.listening`); ``all``: its TCP
    part does. An inbound resolver endpoint answers DNS (UDP and TCP 53); an outbound one
    answers nothing: it only sends queries (LANGUAGE.md §11)."""
    if ep.resolver == "outbound":
        return False
    if ep.resolver:
        return protocol in (Protocol.ALL, Protocol.UDP, Protocol.TCP) and port in (53, None)
    if protocol is Protocol.ALL:
        return True
    ports = ep.listening
    return protocol is Protocol.TCP and port is not None and any(r.contains(port) for r in ports)


def _ports_text(ep: m.VpcEndpoint) -> str:
    """An endpoint's ports for a message: ``80 and 443``, lowest first."""
    shown = [str(r) for r in sorted(ep.listening)]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _not_listening(ep: m.VpcEndpoint, traffic: str) -> str:
    if ep.resolver == "outbound":
        return f"outbound resolver endpoint '{ep.name}' answers nothing: it only sends queries"
    if ep.resolver:
        return f"inbound resolver endpoint '{ep.name}' answers only DNS (udp and tcp 53), not {traffic}"
    return (
        f"interface endpoint '{ep.name}' answers only TCP {_ports_text(ep)}"
        f" (the ports of {ep.service}), not {traffic}"
    )


# ---- security groups --------------------------------------------------------------------


def instance_hop(w: Walk, vpc: m.Vpc, inst: m.Instance) -> None:
    """The hop of an instance at either end of the connection: a stopped one drops it."""
    w.hop(ComponentKind.INSTANCE, inst.name, vpc.name, vpc.region, vpc.subnets[inst.subnet].az)
    if inst.out_of_service:
        state = "stopped" if inst.stopped else "down"
        reason = f"instance '{inst.name}' is {state}"
        obstacle = Obstacle.STOPPED if inst.stopped else Obstacle.DOWN
        w.fail(
            Dropped(DropCode.INSTANCE_STOPPED, obstacle, ComponentKind.INSTANCE, inst.name),
            DropCode.INSTANCE_STOPPED,
            reason,
            inst.span,
        )


def sg_match(
    sim: Context,
    rules: tuple[m.SgRule, ...],
    proto: Protocol,
    port: int | None,
    peer: Addr,
    service: str | None = None,
    icmp: IcmpType | None = None,
) -> m.SgRule | None:
    """The first rule that lets ``peer`` (an address of ``service``, if any) through on
    ``proto`` and ``port`` (or ICMP ``icmp``)."""
    for rule in rules:
        if not rule.protocol.covers(proto) or not icmp_matches(rule.icmp, icmp):
            continue
        if rule.ports is not None and (port is None or not rule.ports.contains(port)):
            continue
        if isinstance(rule.peer, m.GroupPeer):
            members = sim.ix.members.get((rule.peer.vpc, rule.peer.group), set())
            if isinstance(peer, PublicAddr) or peer not in members:
                continue
        elif isinstance(rule.peer, m.PrefixList):
            if not _in_list(rule.peer, peer, service):
                continue
        elif not within(rule.peer, peer):
            continue
        return rule
    return None


def _in_list(listed: m.PrefixList, peer: Addr, service: str | None) -> bool:
    """Whether a security group rule's prefix list holds ``peer``: an entry holds it, or,
    for an AWS-managed list, the peer is its service in the list's region."""
    if listed.managed and service == listed.service:
        return _in_managed(listed, peer)
    address = peer.ip if isinstance(peer, PublicAddr) else peer
    return address is not None and listed.holds(address)


def lb_egress(sim: Context, w: Walk, vpc: m.Vpc, name: str, pkt: Packet) -> None:
    """A load balancer node's groups on what it sends: its new connection to a target
    (egress rules), or its reply (stateful); an NLB without groups has none."""
    groups = vpc.load_balancers[name].security_groups
    if groups and w.forward:
        sg_egress(sim, w, vpc, groups, pkt)
    elif groups:
        w.step(SgStep(groups, m.Direction.EGRESS, stateful_reply=True))


def endpoint_egress(sim: Context, w: Walk, vpc: m.Vpc, name: str, pkt: Packet) -> None:
    """An outbound resolver endpoint's groups on a query it forwards: their egress rules
    must allow it to the rule's target (AWS, CreateResolverEndpoint: an outbound
    endpoint's groups need outbound rules for the DNS port of the network it forwards to).
    The answer comes back as the reply of that connection (stateful)."""
    sg_egress(sim, w, vpc, vpc.endpoints[name].security_groups, pkt)


def sg_egress(sim: Context, w: Walk, vpc: m.Vpc, groups: tuple[str, ...], pkt: Packet) -> None:
    sg_check(sim, w, vpc, groups, m.Direction.EGRESS, pkt.dst, "", pkt.service)


def sg_ingress(
    sim: Context, w: Walk, vpc: m.Vpc, groups: tuple[str, ...], pkt: Packet, who: str
) -> None:
    sg_check(sim, w, vpc, groups, m.Direction.INGRESS, pkt.src, f" of {who}")


def sg_check(
    sim: Context,
    w: Walk,
    vpc: m.Vpc,
    groups: tuple[str, ...],
    direction: m.Direction,
    peer: Addr,
    who: str,
    service: str | None = None,
) -> None:
    """The first rule of the interface's groups that lets the request through, or the drop."""
    ingress = direction is m.Direction.INGRESS
    for g in groups:
        group = vpc.security_groups[g]
        rules = group.ingress if ingress else group.egress
        rule = sg_match(sim, rules, w.protocol, w.port, peer, service, w.icmp)
        if rule is not None:
            w.step(SgStep((g,), direction, rule), rule.span)
            return
    names = ", ".join(groups)
    wanted = f"{w.traffic} {'from' if ingress else 'to'} {peer}"
    code = DropCode.SG_INGRESS_MISMATCH if ingress else DropCode.SG_EGRESS_MISMATCH
    span = vpc.security_groups[groups[0]].span if groups else None
    w.fail(
        SgStep(
            groups,
            direction,
            protocol=w.protocol,
            port=w.port,
            peer=str(peer),
            icmp=w.icmp_shown,
        ),
        code,
        f"no {direction.value} rule of security group {names}{who} allows {wanted}",
        span,
    )
