"""What the internet can reach: every network interface and port range that some internet
address can open a connection to, with the rule lines that admit it (LANGUAGE.md §13).

Exact, not sampled: the interfaces fall into classes (:mod:`netdraft.sim.classes`), one
representative of a class is traced from each representative internet address
(:meth:`Index.internet_candidates`, IPv4 and IPv6), and its ports in pieces that every
rule on the path treats alike. The answer is data (:class:`Exposure`); the text and JSON
are written by ``generator/exposure.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from netdraft.model import network as m
from netdraft.model.values import CONNECTION_PORTS, PortRange, Protocol, Span
from netdraft.sim import icmp
from netdraft.sim.classes import (
    PROTOCOLS,
    Cuts,
    endpoints,
    instance_names,
    partition,
    query,
    spellings,
    sweep,
)
from netdraft.sim.path import Simulator, accelerator
from netdraft.sim.trace import AclStep, Forwarded, Passage, RouteStep, SgStep, Trace

P = m.PlaceKind


@dataclass(frozen=True, slots=True)
class Interface:
    """A network interface that can accept a connection: an instance, a NAT gateway, an
    interface endpoint's interface in one subnet, a load balancer's nodes."""

    text: str  # how to name it: 'web', 'hub.nat-a', 'hub.ssm@10.0.1.10'
    kind: str  # 'instance' | 'nat-gateway' | 'endpoint' | 'load-balancer'
    vpc: str
    subnet: str
    place: m.Place


@dataclass(frozen=True, slots=True)
class Exposed:
    """A port range of one protocol that the internet can open on an interface, over one
    IP version, and the rule lines that admit it (security group, network ACL rules in
    both directions, the route back to the internet gateway)."""

    interface: str
    version: int  # 4 | 6
    protocol: str
    ports: str  # 'N' or 'N-M'; '' for a protocol without ports
    rules: tuple[Span, ...]
    #: icmp and icmpv6: the messages (types, codes) admitted by these rule lines.
    icmp: icmp.Messages | None = None
    #: The accelerator a connection opens it through ('': straight from the internet).
    accelerator: str = ""


@dataclass(frozen=True, slots=True)
class Exposure:
    """Every exposed port range, sorted by interface, version, protocol and first port,
    and what the analysis took: interfaces, their classes and the traces run."""

    exposed: tuple[Exposed, ...]
    interfaces: int
    classes: int
    traces: int


def interfaces(network: m.Network, spelled: dict[m.Place, str] | None = None) -> list[Interface]:
    """Every network interface of the network, in file order (``spelled``: the network's
    :func:`spellings`, when the caller has them)."""
    names = instance_names(network, spelled)
    out: list[Interface] = []
    for vpc in network.vpcs.values():
        for inst in vpc.instances.values():
            text = names[(vpc.name, inst.name)]
            place = m.Place(P.INSTANCE, text, inst.name, vpc.name)
            out.append(Interface(text, "instance", vpc.name, inst.subnet, place))
        for nat in vpc.nat_gateways.values():
            text = f"{vpc.name}.{nat.name}"
            place = m.Place(P.NAT_GATEWAY, text, nat.name, vpc.name)
            out.append(Interface(text, "nat-gateway", vpc.name, nat.subnet, place))
        for ep in vpc.endpoints.values():
            for subnet, address in zip(ep.subnets, ep.addresses, strict=True):
                text = f"{vpc.name}.{ep.name}@{address}"
                place = m.Place(P.VPC_ADDRESS, text, vpc=vpc.name, address=address)
                out.append(Interface(text, "endpoint", vpc.name, subnet, place))
        for lb in vpc.load_balancers.values():  # its nodes: some node works (§14)
            text = f"{vpc.name}.{lb.name}"
            place = m.Place(P.LOAD_BALANCER, text, lb.name, vpc.name)
            subnets = ", ".join(node.subnet for node in lb.nodes)
            out.append(Interface(text, "load-balancer", vpc.name, subnets, place))
    return out


#: The routes an exposure names: those that send the replies back to the internet.
_GATEWAYS = (m.TargetKind.INTERNET_GATEWAY, m.TargetKind.EGRESS_ONLY_GATEWAY)


def _admitting(trace: Trace) -> set[Span]:
    """The rule lines an allowed trace passed by: the security group rule, the network ACL
    rules (request and reply) and the routes (the reply's route to the gateway)."""
    spans: set[Span] = set()
    for hop in (*trace.forward, *trace.reverse):
        for step in hop.steps:
            d = step.detail
            if isinstance(d, SgStep | AclStep) and d.rule is not None:
                spans.add(d.rule.span)
            elif (
                isinstance(d, RouteStep)
                and isinstance(d.route, m.Route)
                and d.route.target.kind in _GATEWAYS
            ):
                spans.add(d.route.span)  # the route back to the gateway
            elif isinstance(d, Forwarded) and d.passage is Passage.TO_ENDPOINT and step.span:
                spans.add(step.span)  # an accelerator's listener, to the endpoint
    return spans


def exposure(network: m.Network, sim: Simulator | None = None) -> Exposure:
    """Every interface and maximal port range some internet address can open a connection
    to, per IP version and protocol."""
    sim = sim or Simulator(network)
    cuts = Cuts(network, sim.hop_cuts)
    spelled = spellings(network)  # how each endpoint is written: found once for both
    enis = interfaces(network, spelled)
    keys = endpoints(network, sim.ix, spelled)
    by_text = {e.text: e for e in enis}
    key_of = {e.text: keys[e.text].key if e.kind == "instance" else (e.kind, e.text) for e in enis}
    classes = partition(key_of)
    traces = 0
    found: list[Exposed] = []
    for members in classes:
        eni = by_text[members[0]]
        for version in (4, 6):
            for protocol in PROTOCOLS:
                if (protocol is Protocol.ICMP and version == 6) or (
                    protocol is Protocol.ICMPV6 and version == 4
                ):
                    continue
                runs, n = _exposed_runs(sim, cuts, eni.place, version, protocol)
                traces += n
                for ports, spans, messages in runs:
                    lines = tuple(sorted(spans, key=lambda s: (s.file, s.line, s.column)))
                    for text in members:
                        found.append(Exposed(text, version, protocol.value, ports, lines, messages))
    for ga in network.accelerators.values():
        more, n = _through_accelerator(sim, cuts, ga, enis)
        found += more
        traces += n
    found.sort(
        key=lambda e: (
            e.interface,
            e.version,
            e.protocol,
            _first_port(e.ports),
            e.icmp.first if e.icmp is not None else -1,
            e.accelerator,
        )
    )
    return Exposure(tuple(found), len(enis), len(classes), traces)


def _through_accelerator(
    sim: Simulator,
    cuts: Cuts,
    ga: m.Accelerator,
    enis: list[Interface],
) -> tuple[list[Exposed], int]:
    """What the internet opens through an accelerator: each endpoint with a weight above 0
    (Global Accelerator may send a client to any of them, by where the client is and by the
    weights) is traced alone behind the accelerator's listeners, from every representative
    internet address (IPv4: an accelerator has no IPv6 address), on tcp and udp (the
    protocols of listeners). With the client's address kept (instance and ALB endpoints)
    the endpoint's security groups must admit the client; the rule lines are those and the
    listener's line (the subnet's network ACL too, for an NLB or an Elastic IP endpoint)."""
    place = m.Place(P.ACCELERATOR, ga.name, ga.name)
    named = {(i.vpc, i.place.name): i.text for i in enis if i.kind in ("instance", "load-balancer")}
    # Each endpoint once, in the order first written (one written in two listeners is
    # traced behind both at once).
    found: list[Exposed] = []
    traces = 0
    for target in accelerator.weighted(ga):
        text = named.get(target)
        if text is None:  # not an interface of this network (cannot be: checked on compile)
            continue
        protocols = {
            lst.protocol
            for lst in ga.listeners
            if any((e.vpc, e.name) == target for e in lst.endpoints)
        }
        with accelerator.pinned(sim, ga.name, target):
            for protocol in sorted(protocols, key=PROTOCOLS.index):
                runs, n = _exposed_runs(sim, cuts, place, 4, protocol)
                traces += n
                for ports, spans, messages in runs:
                    lines = tuple(sorted(spans, key=lambda s: (s.file, s.line, s.column)))
                    found.append(Exposed(text, 4, protocol.value, ports, lines, messages, ga.name))
    return found, traces


def _first_port(ports: str) -> int:
    return int(ports.split("-")[0]) if ports else -1


Run = tuple[str, frozenset[Span], icmp.Messages | None]


def _exposed_runs(
    sim: Simulator, cuts: Cuts, dst: m.Place, version: int, protocol: Protocol
) -> tuple[list[Run], int]:
    """The maximal port ranges of ``protocol`` that some internet address of ``version``
    opens on ``dst``, each with the rule lines admitting it; and the traces run. For icmp
    and icmpv6, the messages admitted by the same rule lines are one set (a run each)."""
    sources = [m.Place(P.INTERNET, str(a), address=a) for a in sim.ix.internet_candidates(version)]
    if dst.kind is P.VPC_ADDRESS and dst.address is not None and dst.address.version != version:
        return [], 0
    count = 0

    def trace(port: int | None) -> list[Trace]:
        # Each source's trace, then the other attempts it made (a load balancer's other
        # nodes): the piece is cut at what every one of them read.
        nonlocal count
        count += len(sources)
        return [t for s in sources for t in sim.trace_tried(query(s, dst, protocol, port))]

    runs: list[tuple[PortRange | None, frozenset[Span]]] = []
    # A connection's ports are 1-65535; icmp's messages fill their own line (sim.icmp).
    span = CONNECTION_PORTS if protocol.has_ports else icmp.SPACE
    for piece, traces in sweep(cuts, trace, protocol, span):
        allowed = [t for t in traces if t.allowed]
        if not allowed:
            continue
        spans = frozenset(s for t in allowed for s in _admitting(t))
        last = runs[-1] if runs else None
        if (
            last is not None
            and piece is not None
            and last[0] is not None
            and last[0].high + 1 == piece.low
            and last[1] == spans
        ):
            runs[-1] = (PortRange(last[0].low, piece.high), spans)
        else:
            runs.append((piece, spans))
    if protocol in icmp.ICMP_PROTOCOLS:
        by_rules: dict[frozenset[Span], list[PortRange]] = {}
        for piece, spans in runs:
            assert piece is not None
            by_rules.setdefault(spans, []).append(piece)
        return [("", s, icmp.messages(protocol, r)) for s, r in by_rules.items()], count
    return [(str(p) if p is not None else "", s, None) for p, s in runs], count
