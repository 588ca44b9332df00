"""Endpoints and ports partitioned into the classes that every rule treats alike.

A reachability question over a whole network (what can the internet open? what changed
between two versions?) has too many instances of it to trace one by one: endpoints ×
endpoints × protocols × 65,536 ports. Rules only tell apart what they name, so:

* **endpoints** fall into classes by what the simulator reads of them (:func:`endpoints`):
  an instance by its VPC and subnet, its security groups, the roles of its addresses
  (public or Elastic IP, IPv6, written in a rule or not: the CIDRs the file names that
  hold them), ``source-dest-check``, stopped or down, its declared client ports; a site
  host by its site and the named CIDRs holding its address. An instance a route names,
  a NAT gateway and the internet are classes of their own;
* **ports** of one protocol fall into pieces (:func:`sweep`): the trace of one port
  reads the security groups and network ACLs it crosses; every port up to the next
  boundary of a rule of those is decided the same way by each of them, so it takes the
  same path and gets the same verdict. One trace answers for the whole piece. The
  messages of icmp and icmpv6 are swept the same way, as a line of ``type × 256 + code``
  (:mod:`netdraft.sim.icmp`).

docs/analysis.md has the algorithm and the argument why every member of a class gets
its representative's verdict.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field

from netdraft.model import network as m
from netdraft.model.values import ALL_PORTS, IPAddress, IPNetwork, PortRange, Protocol
from netdraft.sim import icmp
from netdraft.sim.index import Index
from netdraft.sim.trace import AclStep, ComponentKind, Leg, SgStep, Trace

P = m.PlaceKind

#: The protocols a whole-network analysis asks about (``all`` rules count for each).
PROTOCOLS = (Protocol.TCP, Protocol.UDP, Protocol.ICMP, Protocol.ICMPV6)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One endpoint of a network: how a user writes it, the place it resolves to, and
    the key of its class (endpoints with equal keys are treated alike by every rule)."""

    text: str
    place: m.Place
    key: Hashable


class Roles:
    """The CIDRs the file names that hold an address (what a rule can tell of it), found
    by one look-up per prefix length rather than a scan of every CIDR."""

    def __init__(self, ix: Index) -> None:
        self.nets: dict[tuple[int, int, int], IPNetwork] = {
            (n.version, n.prefixlen, int(n.network_address)): n for n in ix.mentioned
        }
        self.lengths = sorted({(n.version, n.prefixlen) for n in ix.mentioned})

    def of(self, *addresses: IPAddress | None) -> tuple[frozenset[IPNetwork] | None, ...]:
        """For each address, the named CIDRs holding it (``None``: no address)."""
        return tuple(None if a is None else self._holding(a) for a in addresses)

    def _holding(self, address: IPAddress) -> frozenset[IPNetwork]:
        bits = 32 if address.version == 4 else 128
        value = int(address)
        found = set()
        for version, length in self.lengths:
            if version == address.version:
                start = value >> (bits - length) << (bits - length) if length else 0
                net = self.nets.get((version, length, start))
                if net is not None:
                    found.add(net)
        return frozenset(found)


def _route_targets(network: m.Network) -> set[tuple[str, str]]:
    """The instances (vpc, name) that a route sends traffic to."""
    return {
        (vpc.name, r.target.name)
        for vpc in vpc_list(network)
        for table in vpc.route_tables.values()
        for r in table.routes
        if r.target.kind is m.TargetKind.INSTANCE
    }


def vpc_list(network: m.Network) -> list[m.Vpc]:
    return list(network.vpcs.values())


def _places(network: m.Network) -> list[m.Place]:
    """Every named endpoint (instances, NAT gateways, site hosts) with its first address."""
    out = [
        m.Place(kind, name, name, vpc.name, address=address)
        for vpc in vpc_list(network)
        for kind, name, address in (
            *((P.INSTANCE, i.name, i.ip) for i in vpc.instances.values()),
            *((P.NAT_GATEWAY, n.name, n.ip) for n in vpc.nat_gateways.values()),
        )
    ]
    out += [
        m.Place(P.HOST, h.name, h.name, site=site.name, address=h.ip)
        for site in network.sites.values()
        for h in site.hosts.values()
    ]
    return out


def instance_names(
    network: m.Network, spelled: dict[m.Place, str] | None = None
) -> dict[tuple[str, str], str]:
    """How a user writes each instance (vpc, name): its name, or ``vpc.name`` when
    something else has that name (its address when that is shared too: §3). ``spelled``:
    the network's :func:`spellings`, when the caller has them."""
    found = spellings(network) if spelled is None else spelled
    return {(p.vpc, p.name): t for p, t in found.items() if p.kind is P.INSTANCE}


def spellings(network: m.Network) -> dict[m.Place, str]:
    """Every named endpoint and how a user writes it alone (:class:`m.Spellings`): an
    instance by its name if it can be; a NAT gateway as ``vpc.name``, a site host as
    ``site.name``, unless a VPC and a site share that name."""
    places = _places(network)
    spell = m.Spellings(places)
    return {p: spell.of(p, bare=p.kind is P.INSTANCE) for p in places}


def endpoints(
    network: m.Network, ix: Index, spelled: dict[m.Place, str] | None = None
) -> dict[str, Endpoint]:
    """Every endpoint §14 compares (instances, site hosts, NAT gateways, load balancers,
    ``internet``), by the text a user writes for it, with its class key (``spelled``: the
    network's :func:`spellings`, when the caller has them)."""
    found = spellings(network) if spelled is None else spelled
    texts = {(p.kind, p.vpc or p.site, p.name): t for p, t in found.items()}
    targets = _route_targets(network)
    roles = Roles(ix)
    out: dict[str, Endpoint] = {}
    for vpc in vpc_list(network):
        for inst in vpc.instances.values():
            text = texts[(P.INSTANCE, vpc.name, inst.name)]
            alone = (vpc.name, inst.name) in targets  # its own class: a route names it
            key: Hashable = (
                P.INSTANCE.value,
                vpc.name,
                inst.subnet,
                tuple(sorted(inst.security_groups)),
                inst.public.value,
                roles.of(inst.ip, inst.ipv6, inst.public_ip),
                inst.source_dest_check,
                inst.stopped,
                inst.down,
                inst.ephemeral,
                inst.name if alone else "",
            )
            out[text] = Endpoint(text, m.Place(P.INSTANCE, text, inst.name, vpc.name), key)
        for nat in vpc.nat_gateways.values():
            text = texts[(P.NAT_GATEWAY, vpc.name, nat.name)]
            place = m.Place(P.NAT_GATEWAY, text, nat.name, vpc.name)
            out[text] = Endpoint(text, place, (P.NAT_GATEWAY.value, vpc.name, nat.name))
        for lb in vpc.load_balancers.values():  # §14: a destination of diff, its own class
            text = f"{vpc.name}.{lb.name}"
            place = m.Place(P.LOAD_BALANCER, text, lb.name, vpc.name)
            out[text] = Endpoint(text, place, (P.LOAD_BALANCER.value, vpc.name, lb.name))
    for site in network.sites.values():
        for host in site.hosts.values():
            text = texts[(P.HOST, site.name, host.name)]
            place = m.Place(P.HOST, text, host.name, site=site.name, address=host.ip)
            key = (P.HOST.value, site.name, site.ephemeral, roles.of(host.ip))
            out[text] = Endpoint(text, place, key)
    out["internet"] = Endpoint("internet", m.Place(P.INTERNET, "internet"), (P.INTERNET.value,))
    return out


def partition(keys: dict[str, Hashable]) -> list[tuple[str, ...]]:
    """The endpoints grouped by key, each class sorted, the classes in order of their first
    member (deterministic: no dependence on hashing)."""
    groups: dict[Hashable, list[str]] = {}
    for text in sorted(keys):
        groups.setdefault(keys[text], []).append(text)
    return sorted(tuple(g) for g in groups.values())


class Cuts:
    """Where the rules of each security group and network ACL start or end, per protocol:
    the only ports at which their decision on a destination port can change."""

    def __init__(
        self,
        network: m.Network,
        at_hop: Callable[[Protocol, ComponentKind], set[int]] | None = None,
    ) -> None:
        self.network = network
        self._memo: dict[tuple[str, str, str, Protocol], list[int]] = {}
        #: The cuts a hop of a kind reads, rules aside: listeners, services answering on
        #: their own ports (:meth:`Simulator.hop_cuts`).
        self._at_hop = at_hop
        self._hops: dict[tuple[Protocol, ComponentKind], list[int]] = {}
        self._fixed: dict[Protocol, list[int]] = {}

    def of(self, kind: str, vpc: str, name: str, protocol: Protocol) -> list[int]:
        memo_key = (kind, vpc, name, protocol)
        found = self._memo.get(memo_key)
        if found is None:
            net = self.network.vpcs.get(vpc)
            rules: tuple[m.SgRule | m.AclRule, ...] = ()
            if net is not None and kind == "sg" and name in net.security_groups:
                group = net.security_groups[name]
                rules = (*group.ingress, *group.egress)
            elif net is not None and kind == "acl" and name in net.network_acls:
                acl = net.network_acls[name]
                rules = (*acl.inbound, *acl.outbound)
            cuts = {
                c
                for r in rules
                if r.ports is not None and r.protocol.covers(protocol)
                for c in (r.ports.low, r.ports.high + 1)
            }
            if protocol in icmp.ICMP_PROTOCOLS:  # the messages a rule for it names
                cuts = {c for r in rules if r.protocol is protocol for c in icmp.rule_cuts(r.icmp)}
            found = self._memo[memo_key] = sorted(cuts)
        return found

    def _hop_cuts(self, protocol: Protocol, kind: ComponentKind) -> list[int]:
        key = (protocol, kind)
        found = self._hops.get(key)
        if found is None:
            cuts = self._at_hop(protocol, kind) if self._at_hop is not None else set()
            found = self._hops[key] = sorted(cuts)
        return found

    def next_cut(self, trace: Trace, protocol: Protocol, port: int) -> int:
        """The first port above ``port`` at which a rule the trace read, or a hop it
        crossed, could decide otherwise (65536: none)."""
        best = ALL_PORTS.high + 1
        # An ICMP message's reply is read only once the request is delivered: a request
        # dropped on its way is dropped alike for every message its rules treat alike.
        if protocol in icmp.ICMP_PROTOCOLS and not (trace.leg is Leg.FORWARD and not trace.reverse):
            fixed = self._fixed.get(protocol)
            if fixed is None:  # each type that asks for a reply, alone
                fixed = self._fixed[protocol] = sorted(icmp.reply_cuts(protocol))
            i = bisect_right(fixed, port)
            if i < len(fixed):
                best = fixed[i]
        for hop in (*trace.forward, *trace.reverse):
            if protocol.has_ports:  # a service or a listener answers on its own ports
                cuts = self._hop_cuts(protocol, hop.kind)
                i = bisect_right(cuts, port)
                if i < len(cuts):
                    best = min(best, cuts[i])
            for step in hop.steps:
                detail = step.detail
                named: list[tuple[str, str]] = []
                if isinstance(detail, AclStep):
                    named = [("acl", detail.acl)]
                elif isinstance(detail, SgStep) and not detail.stateful_reply:
                    named = [("sg", g) for g in detail.groups]
                for kind, name in named:
                    cuts = self.of(kind, hop.vpc, name, protocol)
                    i = bisect_right(cuts, port)
                    if i < len(cuts):
                        best = min(best, cuts[i])
        return best


@dataclass(slots=True)
class Held:
    """The last piece a sweep traced, kept for the next span of the same question (its
    ports ``low``-``high`` all take the path of ``traces``)."""

    low: int = 0
    high: int = -1
    traces: list[Trace] = field(default_factory=list)


def sweep(
    cuts: Cuts,
    trace: Callable[[int | None], list[Trace]],
    protocol: Protocol,
    span: PortRange,
    held: Held | None = None,
) -> Iterator[tuple[PortRange | None, list[Trace]]]:
    """``span``'s ports of ``protocol`` in pieces that every rule on their paths treats
    alike, with the traces of each piece's lowest port (``trace`` returns one per address
    it tries). For icmp and icmpv6 the "ports" are the messages (``type × 256 + code``,
    :mod:`netdraft.sim.icmp`); another protocol without ports is one piece (``None``).

    With ``held``, the sweeps of several spans of one question share their pieces: a
    piece traced for one span that reaches into the next answers for its ports there,
    untraced (every port of a piece takes the same path)."""
    if not protocol.has_ports and protocol not in icmp.ICMP_PROTOCOLS:
        yield None, trace(None)
        return
    port = span.low
    while port <= span.high:
        if held is not None and held.low <= port <= held.high:
            traces, end = held.traces, held.high
        else:
            traces = trace(port)
            end = min(cuts.next_cut(t, protocol, port) for t in traces) - 1
            if held is not None:
                held.low, held.high, held.traces = port, end, traces
        piece = PortRange(port, min(end, span.high))
        yield piece, traces
        port = piece.high + 1


def query(source: m.Place, destination: m.Place, protocol: Protocol, at: int | None) -> m.Query:
    """The question a sweep asks at one point: a destination port, or for icmp and icmpv6
    the message at that point of the line (:func:`icmp.message`)."""
    if protocol in icmp.ICMP_PROTOCOLS and at is not None:
        return m.Query(source, destination, protocol, None, icmp.message(at))
    return m.Query(source, destination, protocol, at)
