"""What reachability changed between two versions of a network (LANGUAGE.md §13-§14).

Between every two endpoints present in both versions (instances, site hosts, NAT
gateways, ``internet``), on every protocol and every piece of ports that some rule tells
apart, the verdict before and after; a change is reported on the maximal port range that
changed the same way, with the first drop after it.

Exact, not sampled, and only the changed part is traced again:

* endpoints are put in classes on the union of both versions' distinctions (an endpoint's
  key is its key in the old version *and* in the new), so every member of a class gets
  its representative's verdict in each version (:mod:`netdraft.sim.classes`);
* the components that changed are found by comparing the two models without their
  source positions (a pure reformat changes nothing); each change has an *impact*: the
  endpoints whose paths can read the component, the protocols and the ports its changed
  rules name, the addresses whose route it changes;
* a class pair and protocol that no impact touches keeps its verdict: a trace is a
  function of what it reads, and it reads nothing that changed. Those are reused, not
  traced; the rest is swept in pieces in both versions and compared.

docs/analysis.md has the argument.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.model.values import (
    ALL_PORTS,
    CONNECTION_PORTS,
    EPHEMERAL,
    IPAddress,
    PortRange,
    Protocol,
    subnet_of,
)
from netdraft.sim import icmp
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.classes import (
    PROTOCOLS,
    Cuts,
    Endpoint,
    Held,
    endpoints,
    partition,
    query,
    sweep,
)
from netdraft.sim.path.vpc import lookup
from netdraft.sim.path.walk import Packet
from netdraft.sim.ports import PortSet
from netdraft.sim.trace import (
    AclStep,
    ComponentKind,
    Dropped,
    Leg,
    Obstacle,
    RouteStep,
    SgStep,
    Trace,
)

log = logging.getLogger(__name__)
P = m.PlaceKind
C = ComponentKind


@dataclass(frozen=True, slots=True)
class ReachChange:
    """A reachability that changed: ``source`` opening ``protocol`` ``ports`` to
    ``destination`` was ``before`` and is ``after``."""

    source: str  # endpoint as a user writes it in an expect (§3): 'web', 'hub.nat', 'internet'
    destination: str
    protocol: str  # 'tcp' | 'udp' | 'icmp' | 'icmpv6'
    ports: str  # 'N' or 'N-M' (maximal range that changed the same way); '' without ports
    before: str  # 'allow' | 'deny'
    after: str  # 'allow' | 'deny'
    drop: DropCode | None  # the first drop AFTER the change (None when after == 'allow')
    before_drop: DropCode | None
    #: icmp and icmpv6: the messages (types, codes) that changed this way (``ports`` is '').
    icmp: icmp.Messages | None = None


@dataclass(frozen=True, slots=True)
class ReachDiff:
    """The changes, and how much of the work was reused: of ``questions`` (class pairs ×
    protocols), ``reused`` kept their verdict untraced; ``traces`` were run (both versions)."""

    changes: tuple[ReachChange, ...]
    endpoints: int
    classes: int
    questions: int
    reused: int
    traces: int


def reachability_changes(old: NetworkAnalysis, new: NetworkAnalysis) -> list[ReachChange]:
    """Sorted deterministically (source, destination, protocol, first port)."""
    return list(reach_diff(old, new).changes)


# ---- what changed ------------------------------------------------------------------------


def shape(value: object) -> object:
    """A model value without its source positions, comparable and hashable: two versions
    of a component are the same component when their shapes are equal."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            tuple(
                (f.name, shape(getattr(value, f.name)))
                for f in dataclasses.fields(value)
                if _kept(f.name)
            ),
        )
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), shape(v)) for k, v in value.items()))
    if isinstance(value, tuple | list):
        return tuple(shape(v) for v in value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


#: The fields :func:`shape` keeps of each dataclass (``None``: not a dataclass).
_KEPT: dict[type, tuple[str, ...] | None] = {}


def _kept_fields(kind: type) -> tuple[str, ...] | None:
    found = _KEPT.get(kind, ())
    if found == ():
        is_data = dataclasses.is_dataclass(kind)
        found = (
            tuple(f.name for f in dataclasses.fields(kind) if _kept(f.name)) if is_data else None
        )
        _KEPT[kind] = found
    return found


def same(a: object, b: object) -> bool:
    """``shape(a) == shape(b)``, without building either shape: compared field by field,
    it stops at the first difference (the two versions of a network share most parts)."""
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return shape(a) == shape(b)
    fields = _kept_fields(kind)
    if fields is not None:
        return all(same(getattr(a, f), getattr(b, f)) for f in fields)
    if kind is tuple or kind is list:
        assert isinstance(a, tuple | list) and isinstance(b, tuple | list)
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, Mapping):
        assert isinstance(b, Mapping)
        if len(a) != len(b):
            return False
        if a.keys() == b.keys() and all(type(k) is str for k in a):
            return all(same(v, b[k]) for k, v in a.items())
        return shape(a) == shape(b)
    if isinstance(a, enum.Enum):
        assert isinstance(b, enum.Enum)
        return bool(a.value == b.value)
    return bool(a == b)


def _kept(field: str) -> bool:
    """Whether a model field is part of what a component does (not where it is written)."""
    return not (field == "span" or field.endswith(("_span", "_spans")))


@dataclass(frozen=True, slots=True)
class Impact:
    """The questions a change can answer otherwise: a pair with an endpoint in ``ends``
    (``None``: every pair), on a protocol of ``protocols`` (``None``: all), on ``ports``
    (``None``: all), and, when ``addresses`` is set, only if one of the pair's addresses
    is one of those whose route changed (``addresses`` is a test)."""

    ends: frozenset[str] | None
    protocols: frozenset[Protocol] | None = None
    side: str = "either"  # 'source' | 'destination': only that end of a pair reads it
    ports: PortSet | None = None
    addresses: Callable[[IPAddress], bool] | None = None
    #: Whether an old trace read the changed component (``None``: it may have, unseen).
    reads: Callable[[Trace], bool] | None = None


EVERYTHING = Impact(None)


def _rules_impact(
    ends: frozenset[str], old: Iterable[m.SgRule | m.AclRule], new: Iterable[m.SgRule | m.AclRule]
) -> Impact:
    """A change of a group's or an ACL's rules: the protocols and ports the rules that
    differ name (a rule that is in one version only, or in another place of the order)."""
    a, b = [shape(r) for r in old], [shape(r) for r in new]
    if a == b:
        return Impact(frozenset(), protocols=frozenset(), ports=PortSet(()))
    changed = [r for r in (*old, *new) if a.count(shape(r)) != b.count(shape(r))]
    if sorted(map(repr, a)) == sorted(map(repr, b)) or not changed:
        changed = [*old, *new]  # the order changed: any of them may decide otherwise
    protocols = frozenset(p for r in changed for p in PROTOCOLS if r.protocol.covers(p))
    # On the line each protocol is swept on: ports, or icmp messages (one set for all: a
    # range that one protocol's rule names is only swept in vain for another).
    ranges = [icmp.rule_range(r.protocol, r.ports, r.icmp) for r in changed]
    return Impact(ends, protocols=protocols, ports=PortSet.of(*ranges))


#: The parts of a network that no question of the diff reads: what is not the design
#: (its name, flows, expectations, price files, scenarios: the diff compares the versions
#: as written, every part up), the VPCs (compared part by part), and what only a name or
#: an accelerator reaches (no endpoint compared is written as a DNS name or is an
#: accelerator). Any other part that differs (transit gateways and their peerings, sites,
#: VPNs, prefix lists, Direct Connect …) may change every pair.
_UNREAD = frozenset(
    {
        "file",
        "title",
        "flows",
        "expectations",
        "price_files",
        "scenarios",
        "vpcs",
        "zones",
        "resolver_rules",
        "accelerators",
    }
)


class _Changes:
    """The impacts of every difference between two networks."""

    def __init__(self, old: m.Network, new: m.Network, ends: Mapping[str, Endpoint]) -> None:
        self.old, self.new, self.ends = old, new, ends
        self.impacts: list[Impact] = []
        self.transit = _transit_vpcs(old) | _transit_vpcs(new)

    def find(self) -> list[Impact]:
        # Every part of the network outside its VPCs, but those no compared question reads
        # (a new field is compared until it is listed there): a change is every pair's.
        for f in dataclasses.fields(self.old):
            if f.name in _UNREAD or not _kept(f.name):
                continue
            if not same(getattr(self.old, f.name), getattr(self.new, f.name)):
                return [EVERYTHING]
        for name in sorted({*self.old.vpcs, *self.new.vpcs}):
            a, b = self.old.vpcs.get(name), self.new.vpcs.get(name)
            if a is None or b is None:
                return [EVERYTHING]
            if not self._vpc(a, b):
                return [EVERYTHING]
        return self.impacts

    def _scope(self, vpc: str) -> frozenset[str] | None:
        """The endpoints of a VPC and of its peers (``None``: every pair, when other VPCs'
        traffic crosses it)."""
        if vpc in self.transit:
            return None
        near = {vpc}
        for net in (self.old, self.new):
            near.update(p.other(vpc) for p in net.peerings_of(vpc))
        return frozenset(t for t, e in self.ends.items() if e.place.vpc in near)

    def _add_scope(self, vpc: str, impact: Impact | None = None) -> None:
        ends = self._scope(vpc)
        base = impact or Impact(frozenset())
        self.impacts.append(dataclasses.replace(base, ends=ends))

    def _members(self, vpc: str, group: str) -> frozenset[str]:
        out = set()
        for net in (self.old, self.new):
            v = net.vpcs[vpc]
            for inst in v.instances.values():
                if group in inst.security_groups:
                    out.add(inst.name)
        return frozenset(
            t
            for t, e in self.ends.items()
            if e.place.kind is P.INSTANCE and e.place.vpc == vpc and e.place.name in out
        )

    def _vpc(self, a: m.Vpc, b: m.Vpc) -> bool:
        """Record the impacts of a VPC's changes; False when the change reaches every pair."""
        plain = (
            "subnets",
            "instances",
            "nat_gateways",
            "endpoints",
            "load_balancers",
            "target_groups",
        )
        parts = ("security_groups", "network_acls", "route_tables", *plain)
        outer = [f.name for f in dataclasses.fields(a) if f.name not in parts and _kept(f.name)]
        if not same(tuple(getattr(a, f) for f in outer), tuple(getattr(b, f) for f in outer)):
            return False  # its CIDRs, gateways, defaults: what other VPCs and the internet see
        for attr in plain:
            if not same(getattr(a, attr), getattr(b, attr)):
                self._add_scope(a.name)
        for name in sorted({*a.security_groups, *b.security_groups}):
            self._group(a, b, name)
        for name in sorted({*a.network_acls, *b.network_acls}):
            self._acl(a, b, name)
        for name in sorted({*a.route_tables, *b.route_tables}):
            self._table(a, b, name)
        return True

    def _group(self, a: m.Vpc, b: m.Vpc, name: str) -> None:
        ga, gb = a.security_groups.get(name), b.security_groups.get(name)
        if same(ga, gb):
            return
        if ga is None or gb is None or _guards_others(a, name) or _guards_others(b, name):
            self._add_scope(a.name)  # a NAT instance's or an endpoint's group: VPC-wide
            return
        members = self._members(a.name, name)
        # A request meets a group's egress rules at its source, its ingress rules at its
        # destination; the replies meet no rule (security groups are stateful).
        for side, was, now in (
            ("destination", ga.ingress, gb.ingress),
            ("source", ga.egress, gb.egress),
        ):
            impact = _rules_impact(members, was, now)
            if impact.ends:
                reads = _reads(a.name, partial(_checks_group, name))
                self.impacts.append(dataclasses.replace(impact, side=side, reads=reads))
        if _targets_carry(self.old, a, name) or _targets_carry(self.new, b, name):
            self._balancers(None)  # a target's group: an IP target may be another VPC's

    def _acl(self, a: m.Vpc, b: m.Vpc, name: str) -> None:
        xa, xb = a.network_acls.get(name), b.network_acls.get(name)
        if same(xa, xb):
            return
        if xa is None or xb is None or not same(xa.subnets, xb.subnets):
            self._add_scope(a.name)
            return
        impact = _rules_impact(
            frozenset(), (*xa.inbound, *xa.outbound), (*xb.inbound, *xb.outbound)
        )
        assert impact.ports is not None
        # An ICMP reply (echo reply 0) is checked on the way back: its request (echo 8) too.
        changed = impact.ports.union(icmp.requests_answered_by(impact.ports.ranges))
        impact = dataclasses.replace(impact, ports=changed)
        if changed.intersect(EPHEMERAL) != PortSet(()):
            # The replies are checked on the client's port: any destination port may change.
            impact = dataclasses.replace(impact, ports=None)
        # Traffic of other subnets crosses it too (NAT gateways, transit gateway attachments).
        reads = _reads(a.name, lambda d: isinstance(d, AclStep) and d.acl == name)
        self._add_scope(a.name, dataclasses.replace(impact, reads=reads))
        self._balancers(a.name)

    def _balancers(self, vpc: str | None) -> None:
        """A load balancer opens its own connection to a target, on the target group's
        port (not the question's), and checks its targets' health apart from the path: a
        change on the way may change a connection to it on any port, whatever the trace
        read. The load balancers of ``vpc`` (``None``: of every VPC)."""
        balancers = frozenset(
            t
            for t, e in self.ends.items()
            if e.place.kind is P.LOAD_BALANCER and vpc in (None, e.place.vpc)
        )
        if balancers:
            self.impacts.append(Impact(balancers, side="destination"))

    def _table(self, a: m.Vpc, b: m.Vpc, name: str) -> None:
        ta, tb = a.route_tables.get(name), b.route_tables.get(name)
        if same(ta, tb):
            return
        if ta is None or tb is None or not same(_without_routes(ta), _without_routes(tb)):
            self._add_scope(a.name)
            return

        # The packets of the questions compared are addressed to addresses, never to a
        # service (no endpoint compared is one): a gateway endpoint's route never takes them.
        memo: dict[IPAddress, bool] = {}

        def rerouted(address: IPAddress) -> bool:
            found = memo.get(address)
            if found is None:
                pkt = Packet(address, address)
                found = memo[address] = not same(lookup(ta, pkt), lookup(tb, pkt))
            return found

        translators = [
            addr
            for net in (self.old, self.new)
            for v in net.vpcs.values()
            for nat in v.nat_gateways.values()
            for addr in (nat.ip, nat.eip)
            if addr is not None
        ]
        if any(rerouted(x) for x in translators):
            self._add_scope(a.name)  # a NAT gateway's replies are routed otherwise
            return
        # A route step of the table, or the test that a load balancer's node is in a public
        # subnet (the internet gateway reads the node's route table, with no route step).
        subnets = {s.name for v in (a, b) for s in v.subnets.values() if s.route_table == name}

        def reads_table(d: object) -> bool:
            if isinstance(d, Dropped):
                return d.obstacle is Obstacle.LB_NOT_PUBLIC and d.place in subnets
            return isinstance(d, RouteStep) and d.table == name

        reads = _reads(a.name, reads_table)
        self._add_scope(a.name, Impact(frozenset(), addresses=rerouted, reads=reads))
        self._balancers(a.name)  # a target's address is not the question's


def _checks_group(group: str, detail: object) -> bool:
    return isinstance(detail, SgStep) and group in detail.groups


def _reads(vpc: str, step: Callable[[object], bool]) -> Callable[[Trace], bool]:
    """A test of whether a trace has a step of ``vpc`` that ``step`` recognises."""

    def test(trace: Trace) -> bool:
        return any(
            hop.vpc == vpc and step(s.detail)
            for hop in (*trace.forward, *trace.reverse)
            for s in hop.steps
        )

    return test


def _without_routes(table: m.RouteTable) -> m.RouteTable:
    return dataclasses.replace(table, routes=())


def _targets_carry(network: m.Network, vpc: m.Vpc, group: str) -> bool:
    """Whether an instance of ``vpc`` that carries a group is a target of a load
    balancer's target group: by name in its VPC, by address in any VPC."""
    carriers = [i for i in vpc.instances.values() if group in i.security_groups]
    names = {i.name for i in carriers}
    addresses = {a for i in carriers for a in (i.ip, i.ipv6) if a is not None}
    return any(
        (t.kind is m.LbTargetKind.INSTANCE and other is vpc and t.name in names)
        or t.ip in addresses
        for other in network.vpcs.values()
        for tg in other.target_groups.values()
        for t in tg.targets
    )


def _guards_others(vpc: m.Vpc, group: str) -> bool:
    """Whether a group is checked on traffic that is not its members' own: a NAT
    instance's (an instance a route names), an interface endpoint's or a load balancer's
    (its nodes take the connections to the load balancer and open those to its targets)."""
    targets = {
        r.target.name
        for t in vpc.route_tables.values()
        for r in t.routes
        if r.target.kind is m.TargetKind.INSTANCE
    }
    instances = (vpc.instances[n] for n in targets if n in vpc.instances)
    return (
        any(group in i.security_groups for i in instances)
        or any(group in ep.security_groups for ep in vpc.endpoints.values())
        or any(group in lb.security_groups for lb in vpc.load_balancers.values())
    )


def _transit_vpcs(network: m.Network) -> set[str]:
    """The VPCs that carry other networks' traffic: a transit gateway route sends them a
    destination outside their own CIDRs (central egress, inspection)."""
    out: set[str] = set()
    for tgw in network.transit_gateways.values():
        for table in tgw.route_tables.values():
            for route in table.routes:
                vpc = network.vpcs.get(route.attachment or "")
                if vpc is None:
                    continue
                dest = route.destination
                if not any(
                    c.version == dest.version and subnet_of(dest, c) for c in vpc.all_cidrs()
                ):
                    out.add(vpc.name)
    return out


# ---- the comparison -------------------------------------------------------------------------


def _addresses(network: m.Network, analysis: NetworkAnalysis, place: m.Place) -> list[IPAddress]:
    """The addresses an endpoint may send from or be reached at."""
    if place.kind is P.INSTANCE:
        inst = network.vpcs[place.vpc].instances[place.name]
        return [a for a in (inst.ip, inst.ipv6, inst.public_ip) if a is not None]
    if place.kind is P.NAT_GATEWAY:
        nat = network.vpcs[place.vpc].nat_gateways[place.name]
        return [a for a in (nat.ip, nat.eip) if a is not None]
    if place.kind is P.HOST:
        return [place.address] if place.address is not None else []
    if place.kind is P.LOAD_BALANCER:
        lb = network.vpcs[place.vpc].load_balancers[place.name]
        return [a for n in lb.nodes for a in (n.ip, n.public_ip) if a is not None]
    ix = analysis.simulator.ix
    return [*ix.internet_candidates(4), *ix.internet_candidates(6)]


Verdict = tuple[bool, DropCode | None]


class _Side:
    """One version: its endpoints, its cuts and how a question is traced in it."""

    def __init__(self, analysis: NetworkAnalysis) -> None:
        self.analysis = analysis
        self.ends = endpoints(analysis.network, analysis.simulator.ix)
        self.cuts = Cuts(analysis.network, analysis.simulator.hop_cuts)
        self.traces = 0

    def places(self, place: m.Place) -> list[m.Place]:
        """``internet`` as each of its representative addresses (allowed if one is)."""
        if place.kind is not P.INTERNET:
            return [place]
        ix = self.analysis.simulator.ix
        found = [*ix.internet_candidates(4), *ix.internet_candidates(6)]
        return [m.Place(P.INTERNET, str(a), address=a) for a in found]

    def pieces(
        self,
        src: str,
        dst: str,
        protocol: Protocol,
        span: PortRange,
        seen: list[Trace] | None = None,
        held: Held | None = None,
    ) -> list[tuple[PortRange | None, Verdict]]:
        """The pieces of ``span`` and their verdicts (the traces run are added to ``seen``;
        ``held``: the last piece of the question's spans before, see :func:`sweep`)."""
        sources = self.places(self.ends[src].place)
        destinations = self.places(self.ends[dst].place)
        sim = self.analysis.simulator

        def trace(port: int | None) -> list[Trace]:
            # Each question's trace, then the other attempts it made (a load balancer's
            # other nodes): a piece is cut at what each read, and each is read for reuse.
            out = [
                sim.trace_tried(query(s, d, protocol, port)) for s in sources for d in destinations
            ]
            self.traces += len(out)
            firsts = [t[0] for t in out]
            return [*firsts, *(t for tried in out for t in tried[1:])]

        result: list[tuple[PortRange | None, Verdict]] = []
        for piece, traces in sweep(self.cuts, trace, protocol, span, held):
            if seen is not None:
                seen += traces
            allowed = any(t.allowed for t in traces)
            result.append((piece, (allowed, None if allowed else traces[0].code)))
        return result


#: The hops that may read a destination port outside a security group's or an ACL's
#: rule, or send two ports two ways (a listener per port).
_PORT_HOPS = frozenset({C.LOAD_BALANCER, C.TARGET_GROUP, C.ACCELERATOR, C.SERVICE, C.ENDPOINT})
#: The endpoints whose queries are one attempt (one address each way, IPv4).
_ONE_ATTEMPT = frozenset({P.INSTANCE, P.NAT_GATEWAY})


def _dead_end(trace: Trace) -> bool:
    """Whether every port (or ICMP message) of the trace's question is dropped where this
    trace is, or before, having read nothing this trace did not: one attempt, dropped on
    the request's way at a step that reads no port (a route, a gateway, an interface: not
    a security group or an ACL), with no hop that reads ports on its own. On the way
    there, every step that reads the port (a group or an ACL) let this one through; for
    another port each lets it through too (the next steps are the same: rules do not
    route) or drops it there (docs/analysis.md)."""
    if trace.allowed or trace.leg is not Leg.FORWARD or trace.reverse or not trace.forward:
        return False
    if not {trace.query.source.kind, trace.query.destination.kind} <= _ONE_ATTEMPT:
        return False
    if trace.query.source.address is not None or trace.query.destination.address is not None:
        return False
    if any(hop.kind in _PORT_HOPS for hop in trace.forward):
        return False
    steps = trace.forward[-1].steps
    return bool(steps) and not isinstance(steps[-1].detail, SgStep | AclStep)


def _classes_named(classes: list[tuple[str, ...]], impact: Impact) -> frozenset[int] | None:
    """The classes with a member among an impact's endpoints (``None``: every class)."""
    if impact.ends is None:
        return None
    ends = impact.ends
    return frozenset(k for k, members in enumerate(classes) if any(x in ends for x in members))


def _overlay(
    a: list[tuple[PortRange | None, Verdict]], b: list[tuple[PortRange | None, Verdict]]
) -> Iterator[tuple[PortRange | None, Verdict, Verdict]]:
    """Both versions' pieces cut at each other's boundaries."""
    if a and a[0][0] is None:
        yield None, a[0][1], b[0][1]
        return
    i = j = 0
    while i < len(a) and j < len(b):
        ra, rb = a[i][0], b[j][0]
        assert ra is not None and rb is not None
        low, high = max(ra.low, rb.low), min(ra.high, rb.high)
        yield PortRange(low, high), a[i][1], b[j][1]
        if ra.high == high:
            i += 1
        if rb.high == high:
            j += 1


def _word(verdict: Verdict) -> str:
    return "allow" if verdict[0] else "deny"


def reach_diff(old: NetworkAnalysis, new: NetworkAnalysis) -> ReachDiff:
    """Every reachability that changed between ``old`` and ``new``, and the work reused."""
    before, after = _Side(old), _Side(new)
    common = sorted(set(before.ends) & set(after.ends))
    ends = {t: after.ends[t] for t in common}
    classes = partition({t: (before.ends[t].key, after.ends[t].key) for t in common})
    impacts = _Changes(old.network, new.network, ends).find()
    has_v6 = any(v.ipv6 for n in (old.network, new.network) for v in n.vpcs.values())
    protocols = [p for p in PROTOCOLS if p is not Protocol.ICMPV6 or has_v6]
    addresses = {
        t: {
            *_addresses(old.network, old, before.ends[t].place),
            *_addresses(new.network, new, after.ends[t].place),
        }
        for t in common
    }

    # Each impact's classes (``None``: every class), found once rather than per pair.
    reached = [_classes_named(classes, i) for i in impacts]

    def meets(k: int, d: int, n: int) -> bool:
        """Whether a pair of classes has an end impact ``n`` names, on the side it names."""
        named, side = reached[n], impacts[n].side
        return (side != "destination" and (named is None or k in named)) or (
            side != "source" and (named is None or d in named)
        )

    # Whether an endpoint has an address whose route an impact changes, per impact.
    rerouted: list[dict[str, bool]] = [{} for _ in impacts]

    def rerouted_at(n: int, end: str) -> bool:
        test = impacts[n].addresses
        assert test is not None
        found = rerouted[n].get(end)
        if found is None:
            found = rerouted[n][end] = any(map(test, addresses[end]))
        return found

    # Only the class pairs some impact touches: those of the classes it names, both ways.
    pairs: set[tuple[int, int]] = set()
    everything = any(named is None for named in reached)
    named_any = set().union(*(named for named in reached if named is not None))
    for k in range(len(classes)):
        if everything or k in named_any:
            pairs.update((k, other) for other in range(len(classes)))
            pairs.update((other, k) for other in range(len(classes)))
    changes: list[ReachChange] = []
    swept = 0
    for k, d in sorted(pairs):
        src_class, dst_class = classes[k], classes[d]
        if k == d and len(src_class) < 2:
            continue
        src, dst = src_class[0], (dst_class[1] if k == d else dst_class[0])
        # The impacts on this pair, whatever the protocol (a pair's addresses are its
        # representatives': every member's are in the same named CIDRs).
        near = [
            impacts[n]
            for n in range(len(impacts))
            if meets(k, d, n)
            and (impacts[n].addresses is None or rerouted_at(n, src) or rerouted_at(n, dst))
        ]
        if not near:
            continue
        for protocol in protocols:
            matching = [i for i in near if i.protocols is None or protocol in i.protocols]
            if not matching:
                continue
            swept += 1
            ports = PortSet.of(
                *(r for i in matching for r in (i.ports or PortSet.of(ALL_PORTS)).ranges)
            )
            swept_ranges = protocol.has_ports or protocol in icmp.ICMP_PROTOCOLS
            runs: list[tuple[PortRange | None, Verdict, Verdict]] = []
            spans = (
                [s for r in ports.ranges if (s := r.intersect(CONNECTION_PORTS)) is not None]
                if protocol.has_ports
                else list(ports.ranges)
                if swept_ranges
                else [ALL_PORTS]
            )
            # A piece of one span that reaches into the next answers for it too.
            held_before, held_after = Held(), Held()
            readable = all(i.reads is not None for i in matching)
            dead_end = False  # every port of the question stops where an old trace stopped
            for span in spans:  # a connection's ports are 1-65535 (CONNECTION_PORTS)
                if dead_end:
                    continue  # no port reads more than that trace did: nothing that changed
                seen: list[Trace] = []
                was = before.pieces(src, dst, protocol, span, seen, held_before)
                if readable and not any(
                    i.reads(t) for i in matching if i.reads is not None for t in seen
                ):
                    dead_end = any(map(_dead_end, seen))
                    continue  # the old traces read nothing that changed: the new are the same
                runs += _overlay(was, after.pieces(src, dst, protocol, span, None, held_after))
            changes += _changed(src_class, dst_class, protocol, runs)
    singletons = sum(1 for c in classes if len(c) == 1)
    questions = (len(classes) ** 2 - singletons) * len(protocols)
    changes.sort(
        key=lambda c: (
            c.source,
            c.destination,
            c.protocol,
            _first_port(c.ports),
            c.icmp.first if c.icmp is not None else -1,
        )
    )
    result = ReachDiff(
        tuple(changes),
        len(common),
        len(classes),
        questions,
        questions - swept,
        before.traces + after.traces,
    )
    log.info(
        "reachability diff: %d endpoints in %d classes, %d of %d questions reused, %d traces",
        result.endpoints,
        result.classes,
        result.reused,
        result.questions,
        result.traces,
    )
    return result


def _first_port(ports: str) -> int:
    return int(ports.split("-")[0]) if ports else -1


def _changed(
    sources: tuple[str, ...],
    destinations: tuple[str, ...],
    protocol: Protocol,
    runs: Iterable[tuple[PortRange | None, Verdict, Verdict]],
) -> list[ReachChange]:
    """The pieces whose verdict changed, merged into maximal ranges that changed the same
    way (the same verdicts and the same new first drop: what is reported; the old drop is
    the range's first port's), for every member pair of the two classes."""
    merged: list[tuple[PortRange | None, Verdict, Verdict]] = []
    for piece, was, now in runs:
        if was[0] == now[0]:
            continue
        last = merged[-1] if merged else None
        if (
            last is not None
            and piece is not None
            and last[0] is not None
            and last[0].high + 1 == piece.low
            and (last[1][0], last[2]) == (was[0], now)  # the old drop may differ: §14
        ):
            merged[-1] = (PortRange(last[0].low, piece.high), last[1], now)
        else:
            merged.append((piece, was, now))
    if protocol in icmp.ICMP_PROTOCOLS:
        return _changed_messages(sources, destinations, protocol, merged)
    return [
        ReachChange(
            s,
            d,
            protocol.value,
            str(piece) if piece is not None else "",
            _word(was),
            _word(now),
            now[1],
            was[1],
        )
        for piece, was, now in merged
        for s in sources
        for d in destinations
        if s != d
    ]


def _changed_messages(
    sources: tuple[str, ...],
    destinations: tuple[str, ...],
    protocol: Protocol,
    merged: list[tuple[PortRange | None, Verdict, Verdict]],
) -> list[ReachChange]:
    """ICMP messages that changed the same way, as one set each (they need not be next to
    each other on the line: ``all types except type 8``), in the order of their first."""
    groups: dict[tuple[bool, Verdict], list[tuple[PortRange, Verdict]]] = {}
    for piece, was, now in merged:
        assert piece is not None
        groups.setdefault((was[0], now), []).append((piece, was))
    return [
        ReachChange(
            s,
            d,
            protocol.value,
            "",
            _word(runs[0][1]),
            _word(now),
            now[1],
            runs[0][1][1],
            icmp.messages(protocol, [r for r, _ in runs]),
        )
        for (_, now), runs in groups.items()
        for s in sources
        for d in destinations
        if s != d
    ]
