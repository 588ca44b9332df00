"""The simulator against a brute-force oracle, on random networks (hypothesis).

The networks live in one region: 1-3 VPCs of 1-3 subnets, instances with security groups
(CIDR and group rules, with or without egress rules), custom network ACLs (allow and deny
rules with random numbers, protocols, ports and CIDRs), route tables (local routes, an
internet gateway, peerings, blackholes) and peerings. Half of them also have Direct
Connect (LANGUAGE.md §12): VPN gateways on some VPCs (route tables that propagate them,
static routes to them), one or two sites with hosts, connections at two locations (some
``down``), a DX gateway associated with some of the VPN gateways (with allowed prefixes
the same as, wider or narrower than the VPC's CIDR) and private VIFs to it or straight to
a VPN gateway. They are written as ``.nd`` text and compiled with
:func:`netdraft.api.compile`, so the compiler is exercised too.

The oracle below is written from LANGUAGE.md §4 alone and shares no code with
``netdraft.sim``: it walks the few shapes a path can take in such a network (same subnet,
local route, peering, out through the internet gateway and back in) with plain
``ipaddress`` values, and tries every source port, one per class of ports that the
network's ACL rules cannot tell apart. From and to a site host, it walks Direct Connect as
§12 says: a VPC route (a propagated one for each site a VIF that is up brings to the VPN
gateway, after a static one of the same prefix), the VPN gateway's VIF to the site, and
from the site the longest prefix AWS advertises over a VIF that is up (a VPC's CIDR, for
an association only when an allowed prefix holds it); a DX gateway carries nothing from a
VIF to another, or between two associations. Its verdict must equal the simulator's; so must the
drop code and the working source ports, whenever the oracle can name them without
choosing (for ``internet``, which stands for many addresses, only the verdict).

``NETDRAFT_ORACLE_EXAMPLES=5000`` runs more examples by hand.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from itertools import pairwise

from hypothesis import event, given, note, settings
from hypothesis import strategies as st

from netdraft import api
from netdraft.dsl.query import parse_query
from netdraft.model.network import Network
from netdraft.sim.path import trace

EXAMPLES = int(os.environ.get("NETDRAFT_ORACLE_EXAMPLES", "300"))
QUERIES_PER_NETWORK = 12

# ---- the network, as the oracle sees it -----------------------------------------------------

Ports = tuple[int, int] | None  # None: every port of the protocol


@dataclass(frozen=True)
class SgRule:
    protocol: str  # tcp | udp | icmp | all
    ports: Ports
    peer: str  # a CIDR, or "vpc.group" (written bare in the group's own VPC)


@dataclass(frozen=True)
class Group:
    name: str
    ingress: tuple[SgRule, ...]
    egress: tuple[SgRule, ...] | None  # None: no egress lines, so all egress is allowed


@dataclass(frozen=True)
class AclRule:
    number: int
    allow: bool
    protocol: str
    ports: Ports
    cidr: str


@dataclass(frozen=True)
class Acl:
    name: str
    inbound: tuple[AclRule, ...]
    outbound: tuple[AclRule, ...]
    subnets: tuple[str, ...]


@dataclass(frozen=True)
class Route:
    destination: str
    target: str  # "igw", "blackhole" or a peering's name


@dataclass(frozen=True)
class Table:
    name: str
    main: bool
    routes: tuple[Route, ...]
    subnets: tuple[str, ...]
    propagate: bool = False  # propagates the VPC's VPN gateway (§12: the sites' routes)


@dataclass(frozen=True)
class Subnet:
    name: str
    cidr: str
    az: str


@dataclass(frozen=True)
class Instance:
    name: str
    vpc: str
    subnet: str
    ip: str
    public: str | None  # its public IPv4 address, always written in the file
    groups: tuple[str, ...] | None  # None: the VPC's default group
    stopped: bool
    down: bool = False  # §9 State: out of every path, as a stopped one


@dataclass(frozen=True)
class Vpc:
    name: str
    cidr: str
    igw: bool
    subnets: tuple[Subnet, ...]
    tables: tuple[Table, ...]
    groups: tuple[Group, ...]
    acls: tuple[Acl, ...]
    instances: tuple[Instance, ...]
    vgw: bool = False  # a VPN gateway, vgw-NAME


@dataclass(frozen=True)
class SiteHost:
    name: str
    ip: str


@dataclass(frozen=True)
class Site:
    name: str
    cidr: str
    hosts: tuple[SiteHost, ...]


@dataclass(frozen=True)
class DxConnection:
    name: str
    location: str
    site: str
    down: bool


@dataclass(frozen=True)
class Association:
    """An association of the one DX gateway, ``dxgw``, with a VPC's VPN gateway."""

    vpc: str
    allowed: tuple[str, ...]  # empty: none written


@dataclass(frozen=True)
class Vif:
    name: str
    connection: str
    target: str  # "dxgw", or the VPC whose VPN gateway it leads to


@dataclass(frozen=True)
class Peering:
    name: str
    a: str
    b: str


@dataclass(frozen=True)
class Net:
    vpcs: tuple[Vpc, ...]
    peerings: tuple[Peering, ...]
    sites: tuple[Site, ...] = ()
    dx: tuple[DxConnection, ...] = ()
    associations: tuple[Association, ...] = ()
    vifs: tuple[Vif, ...] = ()

    def vpc(self, name: str) -> Vpc:
        return next(v for v in self.vpcs if v.name == name)

    def instance(self, name: str) -> Instance:
        return next(i for v in self.vpcs for i in v.instances if i.name == name)

    @property
    def instances(self) -> list[Instance]:
        return [i for v in self.vpcs for i in v.instances]

    @property
    def site_hosts(self) -> list[SiteHost]:
        return [h for s in self.sites for h in s.hosts]

    def site_of(self, address: IPv4Address) -> Site | None:
        return next((s for s in self.sites if address in NET(s.cidr)), None)

    def connection(self, name: str) -> DxConnection:
        return next(c for c in self.dx if c.name == name)


# ---- writing it as .nd text -----------------------------------------------------------------


def _proto(protocol: str, ports: Ports) -> str:
    if ports is None:
        return protocol
    low, high = ports
    return f"{protocol} {low}" if low == high else f"{protocol} {low}-{high}"


def _peer(rule: SgRule, vpc: Vpc) -> str:
    return rule.peer.removeprefix(f"{vpc.name}.")


def render(net: Net) -> str:
    out = ["region us-east-1 {"]
    for vpc in net.vpcs:
        out.append(f"  vpc {vpc.name} {vpc.cidr} {{")
        if vpc.igw:
            out.append(f"    internet-gateway igw-{vpc.name}")
        if vpc.vgw:
            out.append(f"    vpn-gateway vgw-{vpc.name}")
        for s in vpc.subnets:
            out.append(f"    subnet {s.name} {s.cidr} az {s.az}")
        for t in vpc.tables:
            out.append(f"    route-table {t.name}{' main' if t.main else ''} {{")
            if t.propagate:
                out.append(f"      propagate vgw-{vpc.name}")
            for route in t.routes:
                via = {"igw": f"igw-{vpc.name}", "vgw": f"vgw-{vpc.name}"}.get(
                    route.target, route.target
                )
                target = "blackhole" if route.target == "blackhole" else f"via {via}"
                out.append(f"      route {route.destination} {target}")
            if t.subnets:
                out.append(f"      associate {' '.join(t.subnets)}")
            out.append("    }")
        for g in vpc.groups:
            out.append(f"    security-group {g.name} {{")
            out += [
                f"      ingress {_proto(r.protocol, r.ports)} from {_peer(r, vpc)}"
                for r in g.ingress
            ]
            out += [
                f"      egress {_proto(r.protocol, r.ports)} to {_peer(r, vpc)}"
                for r in g.egress or ()
            ]
            out.append("    }")
        for a in vpc.acls:
            out.append(f"    network-acl {a.name} {{")
            for word, rules in (("inbound", a.inbound), ("outbound", a.outbound)):
                for rule in rules:
                    action = "allow" if rule.allow else "deny"
                    where = "from" if word == "inbound" else "to"
                    proto = _proto(rule.protocol, rule.ports)
                    out.append(f"      {word} {rule.number} {action} {proto} {where} {rule.cidr}")
            if a.subnets:
                out.append(f"      associate {' '.join(a.subnets)}")
            out.append("    }")
        for i in vpc.instances:
            words = [f"    instance {i.name} in {i.subnet} ip {i.ip}"]
            if i.public:
                words.append(f"public-ip {i.public}")
            if i.groups is not None:
                words.append("sg " + ", ".join(i.groups))
            if i.stopped:
                words.append("stopped")
            if i.down:
                words.append("down")
            out.append(" ".join(words))
        out.append("  }")
    out.append("}")
    out += [f"peering {p.name} {p.a} <-> {p.b}" for p in net.peerings]
    for site in net.sites:
        out.append(f"site {site.name} {site.cidr} {{")
        out += [f"  host {h.name} {h.ip}" for h in site.hosts]
        out.append("}")
    for c in net.dx:
        out.append(
            f'dx-connection {c.name} at "{c.location}" 1Gbps site {c.site}' + " down" * c.down
        )
    if net.dx:
        out.append("dx-gateway dxgw {")
        for a in net.associations:
            allowed = f" allowed {' '.join(a.allowed)}" if a.allowed else ""
            out.append(f"  associate vgw-{a.vpc}{allowed}")
        out.append("}")
    for vif in net.vifs:
        to = "dxgw" if vif.target == "dxgw" else f"vgw-{vif.target}"
        out.append(f"vif {vif.name} private {vif.connection} -> {to}")
    return "\n".join(out) + "\n"


# ---- random networks ------------------------------------------------------------------------

PORT_CHOICES: list[Ports] = [
    None, (22, 22), (80, 80), (443, 443), (5432, 5432), (80, 443), (0, 1023), (1024, 65535),
    (32768, 65535), (1024, 40000), (40001, 65535), (49152, 65535), (1024, 2047),
]  # fmt: skip
QUERY_PORTS = [22, 80, 443, 5432]
PUBLIC_CIDRS = ["198.51.100.0/24", "203.0.113.0/24", "203.0.113.128/25", "54.0.0.0/8"]
#: One internet host in each cell that the public CIDRs above cut the internet into.
INTERNET_HOSTS = ["8.8.8.8", "198.51.100.7", "203.0.113.9", "203.0.113.200", "54.9.9.9"]
PROTOCOLS = ["tcp", "tcp", "tcp", "all", "udp", "icmp"]


@st.composite
def networks(draw: st.DrawFn) -> Net:
    n_vpcs = draw(st.integers(1, 3))
    shapes = []
    for v in range(1, n_vpcs + 1):
        n_subnets = draw(st.integers(1, 3))
        subnets = tuple(
            Subnet(
                f"v{v}-s{s}",
                f"10.{v}.{s}.0/24",
                draw(st.sampled_from(["us-east-1a", "us-east-1b"])),
            )
            for s in range(1, n_subnets + 1)
        )
        groups = [f"v{v}-g{g}" for g in range(1, draw(st.integers(1, 3)) + 1)]
        shapes.append((f"v{v}", f"10.{v}.0.0/16", draw(st.booleans()), subnets, groups))
    # §12: half of the networks have sites over Direct Connect, and VPN gateways for them.
    hybrid = draw(st.booleans())
    vgws = {vpc: hybrid and draw(st.integers(0, 3)) > 0 for vpc, *_ in shapes}
    sites = draw(site_lists()) if hybrid else ()
    pairs = [(a, b) for a in range(n_vpcs) for b in range(a + 1, n_vpcs)]
    peered = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    peerings = tuple(Peering(f"p{a + 1}{b + 1}", shapes[a][0], shapes[b][0]) for a, b in peered)

    # Instances first: their addresses are CIDRs that rules may name.
    instances: dict[str, list[Instance]] = {}
    n = 0
    for vpc, _cidr, _igw, subnets, groups in shapes:
        instances[vpc] = []
        for s in subnets:
            for k in range(draw(st.integers(0, 3))):
                n += 1
                public = f"54.0.{n}.{k + 10}" if draw(st.integers(0, 4)) < 3 else None
                sgs = draw(
                    st.none()
                    | st.lists(st.sampled_from(groups), min_size=1, max_size=2, unique=True)
                )
                ip = s.cidr.replace(".0/24", f".{10 + k}")
                stopped = draw(st.integers(0, 19)) == 0
                down = draw(st.integers(0, 19)) == 0
                instances[vpc].append(
                    Instance(
                        f"i{n}", vpc, s.name, ip, public, tuple(sgs) if sgs else None, stopped, down
                    )
                )
    every = [i for group in instances.values() for i in group]
    cidrs = ["0.0.0.0/0", "10.0.0.0/8", *PUBLIC_CIDRS]
    cidrs += [c for _v, c, _i, subnets, _g in shapes for c in (c, *(s.cidr for s in subnets))]
    cidrs += [f"{i.ip}/32" for i in every] + [f"{i.public}/32" for i in every if i.public]
    cidrs += [c for site in sites for c in (site.cidr, *(f"{h.ip}/32" for h in site.hosts))]
    if sites:
        cidrs.append("192.168.1.0/24")  # a route more specific than dc's propagated one
    # A rule may name a group of its own VPC or of a peered one (AWS refuses any other).
    joined = {frozenset((p.a, p.b)) for p in peerings}
    group_refs = {
        vpc: [
            f"{other}.{g}"
            for other, _c, _i, _s, groups in shapes
            if other == vpc or frozenset((vpc, other)) in joined
            for g in groups
        ]
        for vpc, _c, _i, _s, _g in shapes
    }

    # Half of the draws are broad, so that paths get far enough to meet the next check.
    some_cidr = st.sampled_from(["0.0.0.0/0", "10.0.0.0/8"]) | st.sampled_from(cidrs)
    some_ports = st.sampled_from([None, (1024, 65535)]) | st.sampled_from(PORT_CHOICES)

    def ports_for(protocol: str) -> Ports:
        return draw(some_ports) if protocol in ("tcp", "udp") else None

    def sg_rule(own: list[str], vpc: str) -> SgRule:
        protocol = draw(st.sampled_from(PROTOCOLS))
        peer = draw(some_cidr | st.sampled_from(own) | st.sampled_from(group_refs[vpc]))
        if peer in own:
            peer = f"{peer[: peer.index('-')]}.{peer}"
        return SgRule(protocol, ports_for(protocol), peer)

    def acl_rules() -> tuple[AclRule, ...]:
        numbers = draw(st.lists(st.integers(1, 300), max_size=4, unique=True))
        rules = []
        for number in numbers:
            protocol = draw(st.sampled_from(PROTOCOLS))
            allow = draw(st.integers(0, 3)) > 0
            rules.append(AclRule(number, allow, protocol, ports_for(protocol), draw(some_cidr)))
        if draw(st.booleans()):  # often a last broad allow, as real ACLs have: denies carve holes
            rules.append(AclRule(32000, True, "all", None, "0.0.0.0/0"))
        return tuple(rules)

    vpcs = []
    for vpc, cidr, igw, subnets, groups in shapes:
        names = [s.name for s in subnets]
        security_groups = tuple(
            Group(
                g,
                tuple(sg_rule(groups, vpc) for _ in range(draw(st.integers(0, 3)))),
                None
                if draw(st.booleans())
                else tuple(sg_rule(groups, vpc) for _ in range(draw(st.integers(1, 2)))),
            )
            for g in groups
        )
        if sites and draw(st.booleans()):
            # Often the sites are let in, so that paths to and from them get far enough.
            opened = SgRule("all", None, draw(st.sampled_from(["192.168.0.0/16", "10.0.0.0/8"])))
            first = security_groups[0]
            wide = SgRule("all", None, "0.0.0.0/0")
            security_groups = (
                Group(
                    first.name,
                    (*first.ingress, opened, SgRule("all", None, "172.16.0.0/16")),
                    first.egress and (*first.egress, wide),
                ),
                *security_groups[1:],
            )
        acl_of = draw(
            st.lists(st.sampled_from([None, 1, 2]), min_size=len(names), max_size=len(names))
        )
        acls = tuple(
            Acl(
                f"{vpc}-acl{a}",
                acl_rules(),
                acl_rules(),
                tuple(s for s, x in zip(names, acl_of, strict=True) if x == a),
            )
            for a in (1, 2)
            if draw(st.booleans()) or a in acl_of
        )
        # Route destinations: anything but this VPC's own CIDRs (route-too-specific).
        own = {cidr, *(s.cidr for s in subnets)}
        mine = [p for p in peerings if vpc in (p.a, p.b)]
        targets = ["blackhole", *(["igw"] * igw), *(["vgw"] * vgws[vpc]), *(p.name for p in mine)]
        dests = [
            c for c in cidrs if c not in own and not c.startswith(cidr.rsplit(".", 2)[0] + ".")
        ]
        n_tables = draw(st.integers(1, 3))
        table_of = draw(
            st.lists(st.integers(0, n_tables), min_size=len(names), max_size=len(names))
        )
        main = draw(st.integers(0, n_tables))  # n_tables: the implicit main table
        tables = []
        for t in range(n_tables):
            routes: list[Route] = []
            if igw and draw(st.booleans()):
                routes.append(Route("0.0.0.0/0", "igw"))
            for p in mine:
                other = p.b if p.a == vpc else p.a
                if draw(st.integers(0, 3)) > 0:
                    routes.append(
                        Route(
                            draw(st.sampled_from([f"10.{other[1:]}.0.0/16", "10.0.0.0/8"])), p.name
                        )
                    )
            for _ in range(draw(st.integers(0, 2))):
                routes.append(Route(draw(st.sampled_from(dests)), draw(st.sampled_from(targets))))
            unique = tuple({r.destination: r for r in routes}.values())
            associated = tuple(s for s, x in zip(names, table_of, strict=True) if x == t)
            propagate = vgws[vpc] and draw(st.integers(0, 3)) > 0
            tables.append(Table(f"{vpc}-rt{t}", t == main, unique, associated, propagate))
        vpcs.append(
            Vpc(
                vpc,
                cidr,
                igw,
                subnets,
                tuple(tables),
                security_groups,
                acls,
                tuple(instances[vpc]),
                vgws[vpc],
            )
        )
    if not hybrid:
        return Net(tuple(vpcs), peerings)
    return Net(tuple(vpcs), peerings, sites, *draw(direct_connect(sites, vpcs)))


SITES = (
    Site("dc", "192.168.0.0/16", (SiteHost("h1", "192.168.0.10"), SiteHost("h2", "192.168.1.20"))),
    Site("branch", "172.16.0.0/16", (SiteHost("h3", "172.16.0.10"),)),
)
LOCATIONS = ["EqDC2", "CoreSite NY1"]


@st.composite
def site_lists(draw: st.DrawFn) -> tuple[Site, ...]:
    return SITES if draw(st.booleans()) else SITES[:1]


@st.composite
def direct_connect(
    draw: st.DrawFn, sites: tuple[Site, ...], vpcs: list[Vpc]
) -> tuple[tuple[DxConnection, ...], tuple[Association, ...], tuple[Vif, ...]]:
    """Connections (a quarter of them down), the DX gateway's associations and the VIFs."""
    conns = tuple(
        DxConnection(
            f"dx{k}",
            draw(st.sampled_from(LOCATIONS)),
            draw(st.sampled_from([s.name for s in sites])),
            draw(st.integers(0, 3)) == 0,
        )
        for k in range(1, draw(st.integers(1, 3)) + 1)
    )
    with_vgw = [v for v in vpcs if v.vgw]
    associations = []
    for vpc in with_vgw:
        if draw(st.integers(0, 3)) == 0:
            continue
        narrow = vpc.cidr.replace(".0.0/16", ".1.0/24")
        allowed = draw(
            st.sampled_from(
                [(), (), ("10.0.0.0/8",), (vpc.cidr,), (narrow,), ("10.0.0.0/8", narrow)]
            )
        )
        associations.append(Association(vpc.name, allowed))
    targets = ["dxgw", *(v.name for v in with_vgw)]
    vifs = []
    for conn in conns:
        for _ in range(draw(st.integers(0, 2))):
            vifs.append(Vif(f"v{len(vifs) + 1}", conn.name, draw(st.sampled_from(targets))))
    return conns, tuple(associations), tuple(vifs)


# ---- the oracle -----------------------------------------------------------------------------

NET = IPv4Network  # every address of these networks is IPv4
ADDR = IPv4Address
PRIVATE = NET("10.0.0.0/8")  # every VPC here; the documentation ranges are internet hosts


def _covers(rule_protocol: str) -> bool:
    return rule_protocol in ("tcp", "all")  # every query is tcp


def _port_in(ports: Ports, port: int) -> bool:
    return ports is None or ports[0] <= port <= ports[1]


def _members(net: Net, ref: str) -> set[IPv4Address]:
    vpc, group = ref.split(".", 1)
    found = set()
    for i in net.vpc(vpc).instances:
        groups = i.groups if i.groups is not None else ("default",)
        if group in groups:
            found.add(ADDR(i.ip))
    return found


def _peer_has(net: Net, peer: str, address: IPv4Address) -> bool:
    if "/" in peer:
        return address in NET(peer)
    return address in _members(net, peer)


def _groups(net: Net, inst: Instance) -> list[Group]:
    vpc = net.vpc(inst.vpc)
    if inst.groups is None:
        own = SgRule("all", None, f"{vpc.name}.default")
        return [Group("default", (own,), None)]
    return [g for g in vpc.groups if g.name in inst.groups]


def sg_egress(net: Net, inst: Instance, port: int, to: IPv4Address) -> bool:
    for g in _groups(net, inst):
        rules = g.egress if g.egress is not None else (SgRule("all", None, "0.0.0.0/0"),)
        if any(
            _covers(r.protocol) and _port_in(r.ports, port) and _peer_has(net, r.peer, to)
            for r in rules
        ):
            return True
    return False


def sg_ingress(net: Net, inst: Instance, port: int, source: IPv4Address) -> bool:
    return any(
        _covers(r.protocol) and _port_in(r.ports, port) and _peer_has(net, r.peer, source)
        for g in _groups(net, inst)
        for r in g.ingress
    )


def acl_allows(
    net: Net, vpc: str, subnet: str, inbound: bool, port: int, peer: IPv4Address
) -> bool:
    acl = next((a for a in net.vpc(vpc).acls if subnet in a.subnets), None)
    if acl is None:
        return True  # the default ACL
    for rule in sorted(acl.inbound if inbound else acl.outbound, key=lambda r: r.number):
        if _covers(rule.protocol) and _port_in(rule.ports, port) and peer in NET(rule.cidr):
            return rule.allow
    return False


# ---- Direct Connect (§12), as the oracle sees it --------------------------------------------


def vif_up(net: Net, vif: Vif) -> bool:
    return not net.connection(vif.connection).down


def vif_site(net: Net, vif: Vif) -> str:
    return net.connection(vif.connection).site


def reaches(net: Net, vif: Vif, vpc: str) -> bool:
    """Whether ``vif`` leads to ``vpc``'s VPN gateway: straight, or by the DX gateway."""
    if vif.target == "dxgw":
        return any(a.vpc == vpc for a in net.associations)
    return vif.target == vpc


def learnt_sites(net: Net, vpc: str) -> list[Site]:
    """The sites whose routes ``vpc``'s VPN gateway learns: over a VIF that is up."""
    return [
        s
        for s in net.sites
        if any(
            vif_site(net, v) == s.name and vif_up(net, v) and reaches(net, v, vpc) for v in net.vifs
        )
    ]


def advertised(net: Net, vif: Vif) -> list[tuple[IPv4Network, str]]:
    """What AWS advertises to the site over ``vif``, with the VPC each prefix leads into:
    the VPC's CIDR; through the DX gateway only when an allowed prefix holds it (or none is
    written)."""
    if vif.target != "dxgw":
        return [(NET(net.vpc(vif.target).cidr), vif.target)]
    found = []
    for a in net.associations:
        cidr = NET(net.vpc(a.vpc).cidr)
        if not a.allowed or any(cidr.subnet_of(NET(x)) for x in a.allowed):
            found.append((cidr, a.vpc))
    return found


def site_route(net: Net, site: Site, to: IPv4Address, reply: bool) -> str:
    """Where a site sends ``to`` over Direct Connect: "vpc:NAME"; or the drop."""
    no_route = "NO_RETURN_ROUTE" if reply else "NO_ROUTE_TO_DESTINATION"
    mine = sorted((v for v in net.vifs if vif_site(net, v) == site.name), key=lambda v: v.name)
    best: tuple[int, str] | None = None
    for vif in mine:
        for prefix, vpc in advertised(net, vif) if vif_up(net, vif) else ():
            if to in prefix and (best is None or prefix.prefixlen > best[0]):
                best = (prefix.prefixlen, vpc)
    if best is not None:
        return f"vpc:{best[1]}"
    if any(to in prefix for v in mine for prefix, _ in advertised(net, v)):
        raise Drop(no_route, 0)  # its connection is down
    behind = holder(net, to)
    through_dxgw = any(v.target == "dxgw" for v in mine)
    if behind is not None and through_dxgw and any(a.vpc == behind.name for a in net.associations):
        raise Drop("DX_PREFIX_NOT_ALLOWED", 0)  # an allowed prefix leaves it out
    raise Drop(no_route, 0)


def vpn_gateway(net: Net, vpc: str, to: IPv4Address) -> str:
    """A VPN gateway (no VPN here) sends ``to`` over a VIF that is up into its site."""
    site = net.site_of(to)
    if site is not None and site in learnt_sites(net, vpc):
        return f"site:{site.name}"
    raise Drop("GATEWAY_NO_ROUTE", 1)


def route(net: Net, vpc: str, subnet: str, to: IPv4Address) -> str | None:
    """The target of the longest matching route: "local", "igw", "vgw", "blackhole" or a
    peering; on equal prefixes the local route, then a static one, then a propagated one."""
    v = net.vpc(vpc)
    table = next((t for t in v.tables if subnet in t.subnets), None)
    table = table or next((t for t in v.tables if t.main), None)
    best: tuple[int, int, str] | None = None
    candidates = [(v.cidr, "local", 1)] + [
        (r.destination, r.target, 0) for r in (table.routes if table else ())
    ]
    if table is not None and table.propagate:
        candidates += [(s.cidr, "vgw", -1) for s in learnt_sites(net, vpc)]
    for cidr, target, local in candidates:
        if to in NET(cidr):
            key = (NET(cidr).prefixlen, local, target)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def holder(net: Net, address: IPv4Address) -> Vpc | None:
    return next((v for v in net.vpcs if address in NET(v.cidr)), None)


# §9: services an instance reaches on its own host, without a route, a group or an ACL.
LINK_LOCAL = NET("169.254.0.0/16")
DNS, METADATA = ADDR("169.254.169.253"), ADDR("169.254.169.254")


def resolver(vpc: Vpc) -> IPv4Address:
    """The Amazon DNS resolver of a VPC: the base of its CIDR plus two."""
    return NET(vpc.cidr).network_address + 2


def on_host(net: Net, inst: Instance, address: IPv4Address) -> bool:
    return address in LINK_LOCAL or address == resolver(net.vpc(inst.vpc))


def host_answers(net: Net, inst: Instance, address: IPv4Address, port: int) -> bool:
    """Whether a service answers there on tcp ``port`` (DNS 53, metadata 80; time sync is udp)."""
    if address in (DNS, resolver(net.vpc(inst.vpc))):
        return port == 53
    return address == METADATA and port == 80


def unheld(net: Net, vpc: Vpc, address: IPv4Address, source: IPv4Address, port: int) -> Drop:
    """A request routed into ``vpc`` for an address no instance holds (§9: NO_INTERFACE)."""
    subnet = next((s for s in vpc.subnets if address in NET(s.cidr)), None)
    if subnet is not None and not acl_allows(net, vpc.name, subnet.name, True, port, source):
        return Drop("ACL_INBOUND_DENY", 2)
    return Drop("RESOLVER_OUTSIDE_VPC" if address == resolver(vpc) else "NO_INTERFACE", 2)


class Drop(Exception):
    def __init__(self, code: str, at: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.at = at  # how far the packet got (for the reply: which port survives longest)


@dataclass(frozen=True)
class End:
    """One end of a connection: an instance (by private or public address) or an internet host."""

    instance: Instance | None
    address: IPv4Address  # the address the other end sends to
    public: bool = False  # an instance addressed by its public IP
    site: Site | None = None  # a site host


def leave(
    net: Net, inst: Instance, to: IPv4Address, port: int, peer_inside: Instance | None, reply: bool
) -> str:
    """A packet leaves ``inst``'s subnet towards ``to``: ACL out, route, target.

    Returns where it arrives: "same-subnet", "vpc:NAME" (delivered into that VPC's
    subnets by a local route or a peering) or "internet" (through the internet gateway,
    its source now the instance's public address).
    """
    if (
        peer_inside is not None
        and peer_inside.subnet == inst.subnet
        and peer_inside.vpc == inst.vpc
    ):
        return "same-subnet"
    no_route = "NO_RETURN_ROUTE" if reply else "NO_ROUTE_TO_DESTINATION"
    if not acl_allows(net, inst.vpc, inst.subnet, False, port, to):
        raise Drop("ACL_RETURN_DENY" if reply else "ACL_OUTBOUND_DENY", 0)
    target = route(net, inst.vpc, inst.subnet, to)
    if target is None:
        raise Drop(no_route, 1)
    if target == "blackhole":
        raise Drop("BLACKHOLE_ROUTE", 1)
    if target == "local":
        return f"vpc:{inst.vpc}"
    if target == "vgw":
        return vpn_gateway(net, inst.vpc, to)
    if target == "igw" and net.site_of(to) is not None:
        raise Drop("?", 1)  # a site's address to the internet: denied, the code not compared
    if target == "igw":
        if inst.public is None:
            raise Drop("NO_PUBLIC_IP", 1)
        if to in PRIVATE:
            raise Drop(no_route, 1)  # the internet does not route private addresses
        return "internet"
    peering = next(p for p in net.peerings if p.name == target)
    other = peering.b if peering.a == inst.vpc else peering.a
    if to not in NET(net.vpc(other).cidr):
        raise Drop("PEERING_NOT_TRANSITIVE", 1)
    return f"vpc:{other}"


def enter(net: Net, inst: Instance, source: IPv4Address, port: int, how: str, reply: bool) -> None:
    """A packet for ``inst`` arrives by ``how``: ACL in (unless from its own subnet)."""
    if how == "same-subnet":
        return
    if how.startswith("vpc:") and how[4:] != inst.vpc:
        raise Drop("NO_RETURN_ROUTE" if reply else "NO_ROUTE_TO_DESTINATION", 1)
    if how == "internet" and not net.vpc(inst.vpc).igw:
        raise Drop("NO_RETURN_ROUTE" if reply else "NO_ROUTE_TO_DESTINATION", 1)
    if not acl_allows(net, inst.vpc, inst.subnet, True, port, source):
        raise Drop("ACL_RETURN_DENY" if reply else "ACL_INBOUND_DENY", 2)


def request(net: Net, src: End, dst: End, port: int) -> tuple[IPv4Address, IPv4Address]:
    """The forward leg; returns the source and destination addresses the destination sees."""
    a, b = src.instance, dst.instance
    source = src.address
    if a is not None:
        if a.stopped or a.down:
            raise Drop("INSTANCE_STOPPED")
        if not sg_egress(net, a, port, dst.address):
            raise Drop("SG_EGRESS_MISMATCH")
        own = next(s for s in net.vpc(a.vpc).subnets if s.name == a.subnet)
        if b is None and dst.address in NET(own.cidr):
            raise Drop("NO_INTERFACE")  # in its own subnet: no ACL, no route, nobody
        inside = b if b is not None and not dst.public else None
        how = leave(net, a, dst.address, port, inside, reply=False)
        if how == "internet":
            source = ADDR(a.public)
        elif dst.public:
            raise Drop(
                "NO_ROUTE_TO_DESTINATION"
            )  # a public address is reached only through the internet
    elif src.site is not None:
        if dst.site == src.site:
            return source, dst.address  # inside the site: no filtering
        if dst.site is not None:
            raise Drop("NO_ROUTE_TO_DESTINATION")  # no VPN; never from a VIF to another
        how = site_route(net, src.site, dst.address, reply=False)
    else:
        how = "internet"
    if dst.site is not None:
        if how != f"site:{dst.site.name}":
            raise Drop("NO_ROUTE_TO_DESTINATION", 1)
        return source, dst.address
    if b is None:
        if how.startswith("vpc:"):
            raise unheld(net, net.vpc(how[4:]), dst.address, source, port)
        if how != "internet" or dst.address in PRIVATE or dst.address in LINK_LOCAL:
            raise Drop("NO_ROUTE_TO_DESTINATION")
        return source, dst.address
    if how == "internet":
        if b.public is None:
            raise Drop("NO_PUBLIC_IP")
        if not dst.public:
            raise Drop("NO_ROUTE_TO_DESTINATION")
    enter(net, b, source, port, how, reply=False)
    if b.stopped or b.down:
        raise Drop("INSTANCE_STOPPED")
    if not sg_ingress(net, b, port, source):
        raise Drop("SG_INGRESS_MISMATCH")
    return source, ADDR(b.ip)


def reply(net: Net, src: End, dst: End, seen_source: IPv4Address, port: int) -> None:
    """The reply to source port ``port``: from the destination back to the source."""
    a, b = src.instance, dst.instance
    if dst.site is not None and dst.site == src.site:
        return  # inside the site
    if dst.site is not None:
        how = site_route(net, dst.site, seen_source, reply=True)
        replier = dst.address
    elif b is None:
        how = "internet"  # an internet host answers through the internet
        replier = dst.address
    else:
        inside = a if a is not None and seen_source == ADDR(a.ip) else None
        how = leave(net, b, seen_source, port, inside, reply=True)
        replier = ADDR(b.public) if how == "internet" else ADDR(b.ip)
    if src.site is not None:
        if how != f"site:{src.site.name}":
            raise Drop("NO_RETURN_ROUTE", 1)
        return
    if a is None:
        if how != "internet":
            raise Drop("NO_RETURN_ROUTE", 1)
        return
    enter(net, a, replier, port, how, reply=True)


@dataclass(frozen=True)
class Outcome:
    allowed: bool
    code: str | None  # None when allowed, or when the oracle would have to choose
    ports: tuple[tuple[int, int], ...]  # the source ports that work


def port_classes(net: Net) -> list[tuple[int, int]]:
    """1024-65535 cut where some ACL rule's port range starts or ends."""
    cuts = {1024, 65536}
    for vpc in net.vpcs:
        for acl in vpc.acls:
            for r in (*acl.inbound, *acl.outbound):
                if r.ports is not None:
                    cuts.update(c for c in (r.ports[0], r.ports[1] + 1) if 1024 < c < 65536)
    edges = sorted(cuts)
    return [(low, high - 1) for low, high in pairwise(edges)]


def decide(net: Net, src: End, dst: End, port: int, classes: list[tuple[int, int]]) -> Outcome:
    a = src.instance
    if a is None and holder(net, src.address) is not None:
        return Outcome(False, "NO_INTERFACE", ())  # nothing holds it, so nothing sends
    if a is not None and not (a.stopped or a.down) and on_host(net, a, dst.address):
        if host_answers(net, a, dst.address, port):
            return Outcome(True, None, ((1024, 65535),))  # no ACL narrows the reply
        return Outcome(False, "NO_INTERFACE", ())
    try:
        seen_source, _ = request(net, src, dst, port)
    except Drop as drop:
        return Outcome(False, None if drop.code == "?" else drop.code, ())
    working: list[tuple[int, int]] = []
    furthest: Drop | None = None
    for low, high in classes:
        try:
            reply(net, src, dst, seen_source, low)
        except Drop as drop:
            if furthest is None or drop.at > furthest.at:
                furthest = drop
            continue
        if working and working[-1][1] + 1 == low:
            working[-1] = (working[-1][0], high)
        else:
            working.append((low, high))
    if working:
        return Outcome(True, None, tuple(working))
    assert furthest is not None
    return Outcome(False, None if furthest.code == "?" else furthest.code, ())


# ---- the queries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    source: str  # as written on the command line
    destination: str
    port: int


def queries(net: Net) -> list[Query]:
    names = [i.name for i in net.instances]
    ends = [*names, *INTERNET_HOSTS[:2], "internet"]
    found = [
        Query(s, d, p)
        for s in ends
        for d in ends
        if s != d and (s in names or d in names)
        for p in QUERY_PORTS
    ]
    found += [
        Query(s, i.public, p)
        for s in names
        for i in net.instances
        if i.public and i.name != s
        for p in (22, 443)
    ]
    # §9: addresses nothing holds (in a subnet, in none, the VPC+2 resolver) and the
    # link-local services, from instances, to instances and from the internet.
    unused = [a for v in net.vpcs for a in (_at(v, "1.200"), _at(v, "9.9"), _at(v, "0.2"))]
    services = ["169.254.169.254", "169.254.169.253", "169.254.169.123", "169.254.7.7"]
    found += [Query(s, d, p) for s in names for d in (*unused, *services) for p in (53, 80, 443)]
    found += [Query(a, d, 443) for a in unused for d in names[:2]]
    found += [Query(INTERNET_HOSTS[0], d, p) for d in (*unused, *services) for p in (53, 80)]
    return found


def site_queries(net: Net) -> list[Query]:
    """§12: from and to the site hosts, and between two sites."""
    hosts = [h.name for h in net.site_hosts]
    names = [i.name for i in net.instances]
    found = [Query(h, i, p) for h in hosts for i in names for p in QUERY_PORTS]
    found += [Query(i, h, p) for h in hosts for i in names for p in QUERY_PORTS]
    found += [Query(a, b, 22) for a in hosts for b in hosts if a != b]
    return found


def _at(vpc: Vpc, tail: str) -> str:
    """An address of ``vpc`` from its last two bytes ("1.200")."""
    return vpc.cidr.rsplit(".", 2)[0] + "." + tail


def ends(net: Net, text: str, other: str, is_destination: bool) -> Iterator[End]:
    """The concrete ends a written endpoint stands for: one, or every internet host."""
    if text == "internet":
        yield from (End(None, ADDR(h)) for h in INTERNET_HOSTS)
        return
    by_public = next((i for i in net.instances if i.public == text), None)
    if by_public is not None:
        yield End(by_public, ADDR(text), public=True)
        return
    if text[0].isdigit():
        yield End(None, ADDR(text))
        return
    host = next((h for h in net.site_hosts if h.name == text), None)
    if host is not None:
        yield End(None, ADDR(host.ip), site=net.site_of(ADDR(host.ip)))
        return
    inst = net.instance(text)
    from_internet = is_destination and (other == "internet" or other[0].isdigit())
    if from_internet:
        yield End(inst, ADDR(inst.public) if inst.public else ADDR("0.0.0.0"), public=True)
    else:
        yield End(inst, ADDR(inst.ip))


def oracle(net: Net, q: Query) -> Outcome:
    """Allowed if some concrete pair of ends works; the code only when every pair agrees."""
    classes = port_classes(net)
    outcomes = [
        decide(net, s, d, q.port, classes)
        for s in ends(net, q.source, q.destination, False)
        for d in ends(net, q.destination, q.source, True)
    ]
    if len(outcomes) == 1:
        return outcomes[0]
    allowed = any(o.allowed for o in outcomes)
    codes = {o.code for o in outcomes}
    code = codes.pop() if not allowed and len(codes) == 1 else None
    return Outcome(allowed, code, ())  # which host the simulator names is its choice


# ---- the property ---------------------------------------------------------------------------


def compiled(text: str) -> Network:
    result = api.compile(text, "<random>")
    errors = [
        f"{d.code}: {d.message} (line {d.span.line})" for d in result.diagnostics if d.is_error
    ]
    assert result.network is not None and not errors, (errors, text)
    return result.network


@settings(max_examples=EXAMPLES, deadline=None)
@given(net=networks(), data=st.data())
def test_simulator_agrees_with_oracle(net: Net, data: st.DataObject) -> None:
    text = render(net)
    note(text)
    network = compiled(text)
    candidates = queries(net)
    if not candidates:
        return
    picked = data.draw(
        st.lists(st.sampled_from(candidates), min_size=1, max_size=QUERIES_PER_NETWORK, unique=True)
    )
    hybrid = site_queries(net)
    if hybrid:
        picked += data.draw(st.lists(st.sampled_from(hybrid), max_size=8, unique=True))
    for q in picked:
        expected = oracle(net, q)
        query = parse_query(network, q.source, q.destination, "tcp", str(q.port))
        assert not isinstance(query, list), [d.message for d in query]
        t = trace(network, query)
        got_code = t.code.value if t.code else None
        where = f"{q.source} -> {q.destination} tcp {q.port}"
        said = "allow" if expected.allowed else expected.code or "deny, code not compared"
        event(f"oracle: {said}")
        if q in hybrid:
            event(f"oracle, a site: {said}")
        assert t.allowed == expected.allowed, (where, expected, got_code, t.reason)
        if expected.code is not None:
            assert got_code == expected.code, (where, expected, got_code, t.reason)
        if expected.allowed and expected.ports:
            got = tuple((r.low, r.high) for r in t.source_ports)
            assert got == expected.ports, (where, expected.ports, got)


# ---- the oracle's own checks (it must be right for the comparison to mean anything) ---------

TWO_VPCS = Net(
    (
        Vpc(
            "v1", "10.1.0.0/16", True,
            (Subnet("v1-s1", "10.1.1.0/24", "us-east-1a"), Subnet("v1-s2", "10.1.2.0/24", "us-east-1a")),
            (Table("v1-rt0", False, (Route("0.0.0.0/0", "igw"), Route("10.2.0.0/16", "p12")), ("v1-s1",)),),
            (Group("v1-g1", (SgRule("tcp", (443, 443), "0.0.0.0/0"), SgRule("tcp", (32768, 32768), "54.0.2.10/32")), None),),
            (
                Acl(
                    "v1-acl1",
                    (AclRule(10, True, "tcp", (443, 443), "0.0.0.0/0"),
                     AclRule(20, True, "tcp", (32768, 65535), "0.0.0.0/0")),
                    (AclRule(5, False, "tcp", (1024, 65535), "198.51.100.0/24"),
                     AclRule(10, False, "tcp", (1024, 2047), "10.2.0.0/16"),
                     AclRule(20, True, "all", None, "0.0.0.0/0")),
                    ("v1-s1",),
                ),
            ),
            (Instance("i1", "v1", "v1-s1", "10.1.1.10", "54.0.1.10", ("v1-g1",), False),
             Instance("i2", "v1", "v1-s2", "10.1.2.10", None, ("v1-g1",), False)),
        ),
        Vpc(
            "v2", "10.2.0.0/16", True,
            (Subnet("v2-s1", "10.2.1.0/24", "us-east-1a"),),
            (Table("v2-rt0", True, (Route("10.1.1.0/24", "p12"),), ()),),
            (Group("v2-g1", (SgRule("tcp", None, "v1.v1-g1"),), None),),
            (
                Acl(
                    "v2-acl1",
                    (AclRule(10, True, "all", None, "0.0.0.0/0"),),
                    (AclRule(10, True, "tcp", (0, 1023), "0.0.0.0/0"),
                     AclRule(20, True, "tcp", (1024, 65535), "10.1.1.0/24")),
                    ("v2-s1",),
                ),
            ),
            (Instance("i3", "v2", "v2-s1", "10.2.1.10", "54.0.2.10", ("v2-g1",), False),),
        ),
    ),
    (Peering("p12", "v1", "v2"),),
)  # fmt: skip

ORACLE_CASES = [
    (Query("i1", "internet", 443), Outcome(True, None, ())),
    (Query("i1", "8.8.8.8", 443), Outcome(True, None, ((32768, 65535),))),
    (Query("i1", "198.51.100.7", 443), Outcome(True, None, ((32768, 65535),))),
    (Query("198.51.100.7", "i1", 443), Outcome(False, "ACL_RETURN_DENY", ())),  # outbound 5
    (Query("internet", "i1", 443), Outcome(True, None, ())),
    (Query("internet", "i2", 443), Outcome(False, "NO_PUBLIC_IP", ())),
    (Query("i2", "internet", 443), Outcome(False, "NO_ROUTE_TO_DESTINATION", ())),  # main: local
    (Query("i1", "i3", 22), Outcome(True, None, ((32768, 65535),))),  # a group over the peering
    (Query("i3", "i1", 443), Outcome(True, None, ((2048, 65535),))),  # outbound 10 on the reply
    (Query("i3", "i1", 22), Outcome(False, "ACL_INBOUND_DENY", ())),
    (Query("i2", "i3", 22), Outcome(False, "NO_ROUTE_TO_DESTINATION", ())),
    (Query("i3", "i2", 443), Outcome(False, "NO_ROUTE_TO_DESTINATION", ())),  # only 10.1.1.0/24
    (Query("i1", "i2", 443), Outcome(True, None, ((32768, 65535),))),
    (Query("i1", "i2", 22), Outcome(False, "SG_INGRESS_MISMATCH", ())),
    (Query("i2", "i1", 443), Outcome(True, None, ((1024, 65535),))),
    (Query("i2", "54.0.1.10", 443), Outcome(False, "NO_ROUTE_TO_DESTINATION", ())),
    # i3's public address is i3's, not an internet host's: 'internet' cannot borrow it.
    (Query("internet", "i1", 32768), Outcome(False, "SG_INGRESS_MISMATCH", ())),
    # §9: nothing answers at an unused address; services on the host need no route.
    (Query("i1", "10.1.1.200", 443), Outcome(False, "NO_INTERFACE", ())),  # its own subnet
    (Query("i1", "10.1.2.200", 443), Outcome(False, "NO_INTERFACE", ())),  # by the local route
    (Query("i1", "10.1.9.9", 443), Outcome(False, "NO_INTERFACE", ())),  # in no subnet
    (Query("10.1.1.200", "i1", 443), Outcome(False, "NO_INTERFACE", ())),
    (Query("i1", "169.254.169.254", 80), Outcome(True, None, ((1024, 65535),))),
    (Query("i1", "169.254.169.254", 443), Outcome(False, "NO_INTERFACE", ())),
    (Query("i1", "10.1.0.2", 53), Outcome(True, None, ((1024, 65535),))),
    (Query("i1", "10.2.0.2", 53), Outcome(False, "RESOLVER_OUTSIDE_VPC", ())),  # over p12
    (Query("8.8.8.8", "169.254.169.254", 80), Outcome(False, "NO_ROUTE_TO_DESTINATION", ())),
]


def agree_on_cases(net: Net, cases: Sequence[tuple[Query, Outcome]]) -> None:
    """The oracle and the simulator both give each hand-derived outcome."""
    network = compiled(render(net))
    for q, want in cases:
        got = oracle(net, q)
        assert (got.allowed, got.code) == (want.allowed, want.code), (q, got)
        if want.ports:
            assert got.ports == want.ports, (q, got)
        query = parse_query(network, q.source, q.destination, "tcp", str(q.port))
        assert not isinstance(query, list)
        t = trace(network, query)
        assert (t.allowed, t.code.value if t.code else None) == (want.allowed, want.code), (
            q,
            t.reason,
        )
        if want.ports:
            assert tuple((r.low, r.high) for r in t.source_ports) == want.ports, q


def test_oracle_knows_its_own_cases() -> None:
    agree_on_cases(TWO_VPCS, ORACLE_CASES)


@given(networks())
@settings(max_examples=max(20, EXAMPLES // 5), deadline=None)
def test_random_networks_compile(net: Net) -> None:
    compiled(render(net))


#: §12: TWO_VPCS with Direct Connect. v1 and v2 have VPN gateways (v1-s1's table and v2's
#: main table propagate them); site dc reaches the DX gateway over dx1 (up) and dx2 (down);
#: v1's association allows 10.0.0.0/8 (wider than its CIDR: advertised), v2's 10.2.1.0/25
#: (narrower: nothing of v2 is advertised).
HYBRID = Net(
    (
        dataclasses.replace(
            TWO_VPCS.vpcs[0],
            vgw=True,
            tables=(dataclasses.replace(TWO_VPCS.vpcs[0].tables[0], propagate=True),),
        ),
        dataclasses.replace(
            TWO_VPCS.vpcs[1],
            vgw=True,
            tables=(dataclasses.replace(TWO_VPCS.vpcs[1].tables[0], propagate=True),),
        ),
    ),
    TWO_VPCS.peerings,
    SITES[:1],
    (DxConnection("dx1", "EqDC2", "dc", False), DxConnection("dx2", "CoreSite NY1", "dc", True)),
    (Association("v1", ("10.0.0.0/8",)), Association("v2", ("10.2.1.0/25",))),
    (Vif("v1", "dx1", "dxgw"), Vif("v2", "dx2", "dxgw")),
)

HYBRID_CASES = [
    (Query("h1", "i1", 443), Outcome(True, None, ((1024, 65535),))),
    (Query("i1", "h1", 22), Outcome(True, None, ((32768, 65535),))),
    (Query("h1", "i3", 22), Outcome(False, "DX_PREFIX_NOT_ALLOWED", ())),
    (Query("i3", "h1", 22), Outcome(False, "DX_PREFIX_NOT_ALLOWED", ())),  # on the reply
    (Query("i2", "h1", 22), Outcome(False, "NO_ROUTE_TO_DESTINATION", ())),  # main: local only
    (Query("h1", "h2", 22), Outcome(True, None, ())),  # inside the site
]


def test_oracle_knows_its_own_direct_connect_cases() -> None:
    agree_on_cases(HYBRID, HYBRID_CASES)
