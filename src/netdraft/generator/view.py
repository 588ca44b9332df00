"""A drawable view of a network: nested clusters, nodes and edges with stable ids, as plain data.

The view says *what* is drawn — which boxes nest in which, what each one is called, which
paths cross which components — and nothing about *how*: icons, colours and Graphviz layout
belong to :mod:`netdraft.generator.diagram`, the only module that imports ``diagrams``.

Nesting follows the way engineers draw AWS networks: region ⊃ VPC ⊃ availability zone ⊃
subnet ⊃ instances, NAT gateways and interface endpoints. Internet, egress-only and VPN
gateways and gateway endpoints sit on their VPC; transit gateways and same-region peering
connections in their region; VPN connections, cross-region peerings, sites (on-premises),
the internet and AWS services at the top level.

Security groups have no icon: an instance (or interface endpoint) lists its groups in its
label, ``sg: web, ssh``. A group is a set of members that may span subnets and AZs, so
drawing it as a box would cut across the subnet boxes; a label line keeps the nesting clean.

Ids are derived from names, so they are stable from one run to the next:
``vpc_demo``, ``vpc_demo__az_us-east-1a``, ``vpc_demo__subnet_public-a``,
``vpc_demo__instance_app-1``, ``peering_a-b``, ``site_onprem__host_dns1``, ``internet``.
Every list in the view is sorted, so equal networks give equal views.
"""

from __future__ import annotations

import dataclasses
import enum
import ipaddress
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from netdraft.diagnostics import Diagnostic
from netdraft.generator.costs import money
from netdraft.model import network as m
from netdraft.model.network import Query
from netdraft.model.values import IPAddress, Span, traffic_text
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.path.linklocal import ON_HOST
from netdraft.sim.trace import TARGET_KINDS, ComponentId, ComponentKind, Hop, Leg, Trace

if TYPE_CHECKING:
    from netdraft.sim.prices import PriceTable

C = ComponentKind


class NodeKind(enum.Enum):
    """What a node stands for; the renderer picks its icon from this."""

    INSTANCE = "instance"
    NAT_INSTANCE = "nat-instance"  # an instance with source/destination check off
    NAT_GATEWAY = "nat-gateway"
    GATEWAY_ENDPOINT = "gateway-endpoint"
    INTERFACE_ENDPOINT = "interface-endpoint"  # one network interface per subnet
    INTERNET_GATEWAY = "internet-gateway"
    EGRESS_ONLY_GATEWAY = "egress-only-gateway"
    VPN_GATEWAY = "vpn-gateway"
    TGW_ATTACHMENT = "tgw-attachment"  # a transit gateway's network interface in a subnet
    TRANSIT_GATEWAY = "transit-gateway"
    PEERING = "peering"
    VPN = "vpn"
    CUSTOMER_GATEWAY = "customer-gateway"
    HOST = "host"
    ADDRESS = "address"  # an address a path names that nothing in the file holds
    INTERNET = "internet"
    SERVICE = "service"
    SPACER = "spacer"  # keeps an empty box visible; drawn invisible
    APPLICATION_LOAD_BALANCER = "application-load-balancer"  # one node per subnet
    NETWORK_LOAD_BALANCER = "network-load-balancer"
    DX_CONNECTION = "dx-connection"  # a Direct Connect connection, in its location's box
    VIF = "vif"  # a virtual interface, between its connection and its gateway
    DX_GATEWAY = "dx-gateway"
    ACCELERATOR = "accelerator"  # a Global Accelerator, outside every region
    FLOW_LOGS = "flow-logs"  # a VPC's flow logs, one node listing them
    TRAFFIC_MIRROR = "traffic-mirror"  # a mirror session, between its source and target
    SUMMARY = "summary"  # a VPC's subnets and instances, summed up (the docs' overview)


class ClusterKind(enum.Enum):
    REGION = "region"
    VPC = "vpc"
    AZ = "az"
    PUBLIC_SUBNET = "public-subnet"  # its route table sends something to an internet gateway
    PRIVATE_SUBNET = "private-subnet"
    SITE = "site"
    DX_LOCATION = "dx-location"  # a Direct Connect location and the connections there
    ECMP = "ecmp"  # the BGP VPNs a transit gateway spreads one site's traffic over


#: A Site-to-Site VPN tunnel carries up to 1.25 Gbps, and a VPN has two ("Site-to-Site VPN
#: quotas", AWS Site-to-Site VPN guide); over a transit gateway, ECMP spreads traffic over
#: the tunnels of every equal VPN, so their bandwidth adds up.
VPN_TUNNEL_GBPS = Decimal("1.25")
VPN_TUNNELS = 2


def ecmp_groups(network: m.Network) -> dict[tuple[str, str], tuple[str, ...]]:
    """The VPNs a transit gateway may send one site's traffic over alike, by (transit
    gateway, site): BGP VPNs that are up and that one route table of the gateway propagates
    together (AWS does ECMP over BGP VPN attachments only; a static one never shares)."""
    groups: dict[tuple[str, str], set[str]] = {}
    for tgw in network.transit_gateways.values():
        for table in tgw.route_tables.values():
            by_site: dict[str, list[str]] = {}
            for name in table.propagations:
                vpn = network.vpns.get(name)
                if (
                    vpn is not None
                    and vpn.gateway == tgw.name
                    and vpn.gateway_kind is m.TargetKind.TRANSIT_GATEWAY
                    and vpn.routing is m.VpnRouting.BGP
                    and not vpn.down
                ):
                    by_site.setdefault(vpn.site, []).append(name)
            for site, names in by_site.items():
                if len(names) > 1:
                    groups.setdefault((tgw.name, site), set()).update(names)
    return {key: tuple(sorted(names)) for key, names in sorted(groups.items())}


def ecmp_title(names: Sequence[str]) -> tuple[str, str]:
    """``ECMP ×2 (e1, e2)`` and ``up to 5 Gbps``: a bundle's title and bandwidth line."""
    gbps = VPN_TUNNEL_GBPS * VPN_TUNNELS * len(names)
    return f"ECMP ×{len(names)} ({', '.join(names)})", f"up to {gbps.normalize():f} Gbps"


class EdgeKind(enum.Enum):
    LINK = "link"  # a structural connection: gateway to internet, attachment, VPN, peering
    FLOW = "flow"  # a hop of a flow's path
    FLOW_DENIED = "flow-denied"  # a hop of a flow whose path is dropped
    HIGHLIGHT = "highlight"  # a hop of the highlighted path, request leg
    HIGHLIGHT_RETURN = "highlight-return"  # a hop of the highlighted path, reply leg
    DROPPED = "dropped"  # the hop into the component that drops the highlighted path


class Mark(enum.Enum):
    NONE = "none"
    HIGHLIGHT = "highlight"  # on the highlighted path
    DROPPED = "dropped"  # drops the highlighted path
    ADDED = "added"  # in the new version only (`render --diff`)
    REMOVED = "removed"  # in the old version only: put back and drawn dashed
    CHANGED = "changed"  # in both, changed


@dataclass(frozen=True, slots=True)
class Node:
    """One drawn component."""

    id: str
    kind: NodeKind
    title: str
    lines: tuple[str, ...] = ()  # details under the title: addresses, groups, state
    service: str = ""  # SERVICE and endpoint nodes: the AWS service name
    mark: Mark = Mark.NONE
    note: str = ""  # why the highlighted path is dropped here
    down: bool = False  # a part marked down: drawn greyed
    #: Outside the part of the network a view shows (``render --vpc``): drawn small.
    external: bool = False
    #: The codes of the warnings reported on this component (``nat-no-internet``).
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Cluster:
    """A box that holds nodes and smaller boxes."""

    id: str
    kind: ClusterKind
    title: str
    lines: tuple[str, ...] = ()
    nodes: tuple[Node, ...] = ()
    clusters: tuple[Cluster, ...] = ()
    mark: Mark = Mark.NONE
    note: str = ""
    #: The codes of the warnings reported on this box (a subnet's, a VPC's).
    warnings: tuple[str, ...] = ()
    #: A subnet's route table and where its default route goes: ``private-rt → nat-a``.
    badge: str = ""

    def details(self) -> tuple[str, ...]:
        """Its lines, then its badge in words (``route table private-rt → nat-a``): what a
        tooltip or an export writes under the title."""
        return (*self.lines, *((f"route table {self.badge}",) if self.badge else ()))

    def walk(self) -> Iterable[Cluster]:
        """This cluster and every cluster inside it, parents first (depth first, in order:
        from a stack, not nested generators, which cost a frame per level per box)."""
        stack = [self]
        while stack:
            cluster = stack.pop()
            yield cluster
            stack.extend(reversed(cluster.clusters))


@dataclass(frozen=True, slots=True)
class Edge:
    """A line between two nodes; ``tail_cluster``/``head_cluster`` clip it at a box's border."""

    id: str
    tail: str
    head: str
    kind: EdgeKind
    label: str = ""
    group: str = ""  # the flow an edge belongs to, for its colour
    tail_cluster: str = ""
    head_cluster: str = ""


@dataclass(frozen=True, slots=True)
class LegendRow:
    """A flow in the diagram's legend: its number (the marker on its first hop), name, path
    and monthly cost, or why it is denied."""

    number: int
    flow: str
    path: str  # ``app-1 → internet · tcp 443``
    cost: str  # ``$14.40/mo``, ``denied (NO_ROUTE_TO_DESTINATION)``, or "" when not priced
    denied: bool = False


@dataclass(frozen=True, slots=True)
class DnsLegendRow:
    """A row of the diagram's DNS legend: a private hosted zone, or a resolver rule, and the
    VPCs it serves (a zone: those associated with it; a rule: those it is associated with,
    and where it forwards)."""

    kind: str  # zone | rule
    name: str  # the zone's name, or the rule's domain
    vpcs: tuple[str, ...]
    detail: str = ""  # a rule: ``to 192.168.0.10 via out-ep``


@dataclass(frozen=True, slots=True)
class View:
    """Everything a diagram shows."""

    title: str
    clusters: tuple[Cluster, ...]
    nodes: tuple[Node, ...]  # outside every cluster
    edges: tuple[Edge, ...]
    flows: tuple[str, ...] = ()  # flow names in drawing order, for the legend and colours
    #: One row per flow, numbered in file order as the markers on the flows' first hops.
    legend: tuple[LegendRow, ...] = ()
    #: What the highlighted path is and, when dropped, why: ``internet → app-1 · tcp 22 ·
    #: deny · ✖ NO_PUBLIC_IP``, under the title ("" with no highlight).
    caption: str = ""
    #: Nodes only the highlighted path brings (an address nothing in the file holds).
    highlight_nodes: tuple[str, ...] = ()
    #: The part of the network drawn when it is not all of it: ``VPC a, region eu-west-1``.
    scope: str = ""
    #: The private zones, then the resolver rules, in file order, with the VPCs they serve:
    #: one legend for the picture, so that a VPC's label stays short (LANGUAGE.md §11).
    dns_legend: tuple[DnsLegendRow, ...] = ()

    def all_clusters(self) -> Iterable[Cluster]:
        for cluster in self.clusters:
            yield from cluster.walk()

    def all_nodes(self) -> Iterable[Node]:
        yield from self.nodes
        for cluster in self.all_clusters():
            yield from cluster.nodes


@dataclass(frozen=True, slots=True)
class FlowPath:
    """A flow with its simulated path and its monthly cost (USD; None when not priced)."""

    name: str
    trace: Trace
    cost: Decimal | None = None


# --- ids --------------------------------------------------------------------------------------


def vpc_id(vpc: str) -> str:
    return f"vpc_{vpc}"


def az_id(vpc: str, az: str) -> str:
    return f"vpc_{vpc}__az_{az}"


def subnet_id(vpc: str, subnet: str) -> str:
    return f"vpc_{vpc}__subnet_{subnet}"


def instance_id(vpc: str, name: str) -> str:
    return f"vpc_{vpc}__instance_{name}"


def nat_id(vpc: str, name: str) -> str:
    return f"vpc_{vpc}__nat_{name}"


#: A VPC's gateways by the route target kind that names them: the short word of their
#: node id, and the kind of node drawn.
_GATEWAYS: dict[m.TargetKind, tuple[str, NodeKind]] = {
    m.TargetKind.INTERNET_GATEWAY: ("igw", NodeKind.INTERNET_GATEWAY),
    m.TargetKind.EGRESS_ONLY_GATEWAY: ("eigw", NodeKind.EGRESS_ONLY_GATEWAY),
    m.TargetKind.VPN_GATEWAY: ("vgw", NodeKind.VPN_GATEWAY),
}


def gateway_id(vpc: str, kind: m.TargetKind, name: str) -> str:
    return f"vpc_{vpc}__{_GATEWAYS[kind][0]}_{name}"


def accelerator_id(name: str) -> str:
    return f"accelerator_{name}"


def lb_id(vpc: str, name: str, subnet: str) -> str:
    """A load balancer's node in one of its subnets (the load balancer spans them)."""
    return f"vpc_{vpc}__lb_{name}__{subnet}"


def endpoint_id(vpc: str, name: str, subnet: str = "") -> str:
    """A gateway endpoint, or (with ``subnet``) an interface endpoint's interface in it."""
    return f"vpc_{vpc}__endpoint_{name}" + (f"__{subnet}" if subnet else "")


def flow_logs_id(vpc: str) -> str:
    """The node listing a VPC's flow logs."""
    return f"vpc_{vpc}__flow-logs"


def mirror_id(vpc: str, session: m.TrafficMirror) -> str:
    """A traffic mirror session's node (a source has one session per target at most)."""
    return f"vpc_{vpc}__mirror_{session.source}__{session.target_vpc}__{session.target}"


def attachment_id(vpc: str, tgw: str, subnet: str) -> str:
    return f"vpc_{vpc}__tgw-attachment_{tgw}__{subnet}"


def region_id(region: str) -> str:
    return f"region_{region}"


def site_id(site: str) -> str:
    return f"site_{site}"


def dx_connection_id(name: str) -> str:
    return f"dx-connection_{name}"


#: The one node that stands for every internet host.
INTERNET = "internet"


# --- building ---------------------------------------------------------------------------------


def dns_legend(net: m.Network) -> tuple[DnsLegendRow, ...]:
    """The private hosted zones and the resolver rules, each with the VPCs it serves."""
    zones = [DnsLegendRow("zone", z.name, z.vpcs) for z in net.zones]
    rules = [
        DnsLegendRow(
            "rule",
            r.domain,
            r.vpcs,
            f"to {' '.join(map(str, r.targets))} via {r.endpoint}",
        )
        for r in net.resolver_rules
    ]
    return (*zones, *rules)


def build_view(
    network: m.Network,
    flows: Sequence[FlowPath] = (),
    highlight: Trace | None = None,
    warnings: Sequence[Diagnostic] = (),
) -> View:
    """Lay out a network as nested clusters, with flows and one highlighted path.

    Args:
        network: the compiled network.
        flows: the flows to draw along their paths, labelled with their cost.
        highlight: a path to draw in colour, red where it is dropped.
        warnings: the file's diagnostics; each warning marks the component it is reported
            on (errors are ignored: a file with errors is not drawn).

    Returns:
        The view, with every list sorted and every id derived from names.
    """
    builder = _Builder(network)
    builder.warned = warned_parts(network, warnings)
    return builder.build(flows, highlight)


def _owners(network: m.Network) -> list[tuple[Span, str]]:
    """Every drawn part with the span of its declaration: the node or box id it has."""
    out: list[tuple[Span, str]] = []
    for vpc in network.vpcs.values():
        out.append((vpc.span, vpc_id(vpc.name)))
        for subnet in vpc.subnets.values():
            out.append((subnet.span, subnet_id(vpc.name, subnet.name)))
        for inst in vpc.instances.values():
            out.append((inst.span, instance_id(vpc.name, inst.name)))
        for nat in vpc.nat_gateways.values():
            out.append((nat.span, nat_id(vpc.name, nat.name)))
        for gw in (vpc.internet_gateway, vpc.egress_only_gateway, vpc.vpn_gateway):
            if gw is not None:
                out.append((gw.span, gateway_id(vpc.name, gw.kind, gw.name)))
        for ep in vpc.endpoints.values():
            if ep.kind is m.EndpointKind.GATEWAY:
                out.append((ep.span, endpoint_id(vpc.name, ep.name)))
            elif ep.subnets:
                out.append((ep.span, endpoint_id(vpc.name, ep.name, sorted(ep.subnets)[0])))
        for lb in vpc.load_balancers.values():
            if lb.nodes:
                out.append((lb.span, lb_id(vpc.name, lb.name, lb.nodes[0].subnet)))
    for tgw in network.transit_gateways.values():
        out.append((tgw.span, f"tgw_{tgw.name}"))
    for peering in network.peerings.values():
        out.append((peering.span, f"peering_{peering.name}"))
    for vpn in network.vpns.values():
        out.append((vpn.span, f"vpn_{vpn.name}"))
    for site in network.sites.values():
        out.append((site.span, site_id(site.name)))
        for cgw in site.customer_gateways.values():
            out.append((cgw.span, f"{site_id(site.name)}__cgw_{cgw.name}"))
        for host in site.hosts.values():
            out.append((host.span, f"{site_id(site.name)}__host_{host.name}"))
    return out


def _holds(outer: Span, inner: Span) -> bool:
    return outer.file == inner.file and (outer.line, outer.column) <= (
        inner.line,
        inner.column,
    ) < (outer.end_line, outer.end_column + 1)


def warned_parts(network: m.Network, diagnostics: Sequence[Diagnostic]) -> dict[str, list[str]]:
    """The codes of the warnings reported on each drawn part, by node or box id: a warning
    belongs to the smallest declaration its place is in (a route's warning to its VPC)."""
    warnings = [d for d in diagnostics if not d.is_error]
    if not warnings:
        return {}  # most renders: nothing to place, so no list of every drawn part
    owners = _owners(network)
    out: dict[str, list[str]] = {}
    for d in warnings:
        holding = [(s, i) for s, i in owners if _holds(s, d.span)]
        if not holding:
            continue
        _, owner = min(holding, key=lambda h: (h[0].end_line - h[0].line, h[0].end_column, h[1]))
        if d.code not in out.setdefault(owner, []):
            out[owner].append(d.code)
    return out


def view_of(
    network: m.Network,
    highlight: Query | None = None,
    prices: PriceTable | None = None,
    analysis: NetworkAnalysis | None = None,
    warnings: Sequence[Diagnostic] = (),
) -> View:
    """Simulate and price the network's flows, trace the highlighted query, and build the view.

    Args:
        network: the compiled network.
        highlight: a query whose path is drawn in colour.
        prices: the price table for flow costs (the bundled one when not given).
        analysis: the network's analysis, when the caller has one: its costs and traces
            are used (each computed once for every output), and ``prices`` is ignored.
        warnings: the file's diagnostics, whose warnings mark their components.

    Returns:
        The view of :func:`build_view`.
    """
    if not network.flows and highlight is None:
        return build_view(network, warnings=warnings)
    if analysis is None:
        from netdraft.sim.prices import bundled

        analysis = NetworkAnalysis(network, prices if prices is not None else bundled())
    flows: list[FlowPath] = []
    if network.flows:
        costs = analysis.flow_costs  # not the hourly charges: the picture shows none
        # In file order: a flow's number in the legend is its place in the file.
        names = [n for n in network.flows if n in costs]
        names += sorted(set(costs) - set(names))
        for name in names:
            priced = costs[name]
            flows.append(FlowPath(name, priced.trace, priced.total))
    trace = analysis.trace(highlight) if highlight is not None else None
    return build_view(network, flows, trace, warnings)


def _subnet_key(subnet: m.Subnet, public: bool) -> tuple[int, int, int, str]:
    return (
        0 if public else 1,
        int(subnet.cidr.network_address),
        subnet.cidr.prefixlen,
        subnet.name,
    )


def _money(amount: Decimal) -> str:
    # Rounded as every other figure (half up), so the diagram agrees with `netdraft cost`.
    return f"${money(amount)}/mo"


def _query_text(query: Query) -> str:
    return traffic_text(query.protocol, query.ports or query.port, query.icmp)


@dataclass
class _Draft:
    """A cluster being built (mutable until frozen into a :class:`Cluster`)."""

    id: str
    kind: ClusterKind
    title: str
    lines: tuple[str, ...] = ()
    nodes: list[Node] = field(default_factory=list)
    clusters: list[_Draft] = field(default_factory=list)
    warnings: tuple[str, ...] = ()
    badge: str = ""


class _Builder:
    def __init__(self, network: m.Network) -> None:
        self.network = network
        self.drafts: dict[str, _Draft] = {}
        self.top_nodes: list[Node] = []
        self.node_ids: set[str] = set()
        self.node_cluster: dict[str, str] = {}  # node id -> the innermost cluster holding it
        self.edges: list[Edge] = []
        self.node_marks: dict[str, tuple[Mark, str]] = {}
        self.cluster_marks: dict[str, tuple[Mark, str]] = {}
        self.top_clusters: list[_Draft] = []
        self.caption = ""
        #: VPNs of an ECMP bundle that share their customer gateway: one line joins them.
        self.shared_cgw: set[str] = set()
        #: The codes of the warnings on each part, by node or box id (:func:`warned_parts`).
        self.warned: dict[str, list[str]] = {}
        #: Each VPC's targets' target groups (:func:`_groups_of`), made when first asked for.
        self.target_groups: dict[str, _Groups] = {}

    # -- structure ------------------------------------------------------------------------

    def add_node(self, node: Node, cluster: _Draft | None) -> None:
        if node.id in self.node_ids:
            return
        self.node_ids.add(node.id)
        if cluster is None:
            self.top_nodes.append(node)
        else:
            cluster.nodes.append(node)
            self.node_cluster[node.id] = cluster.id

    def new_cluster(self, draft: _Draft, parent: _Draft | None) -> _Draft:
        self.drafts[draft.id] = draft
        (parent.clusters if parent is not None else self.top_clusters).append(draft)
        return draft

    def link(self, tail: str, head: str, *, tail_cluster: str = "", head_cluster: str = "") -> None:
        self.edges.append(
            Edge(
                f"link__{tail}__{head}",
                tail,
                head,
                EdgeKind.LINK,
                tail_cluster=tail_cluster,
                head_cluster=head_cluster,
            )
        )

    def build(self, flows: Sequence[FlowPath], highlight: Trace | None) -> View:
        net = self.network
        vpc_weights, region_weights = _ties(net)
        region_names = sorted(set(net.regions) | {v.region for v in net.vpcs.values()})
        regions = {
            r: self.new_cluster(_Draft(region_id(r), ClusterKind.REGION, r, ("AWS region",)), None)
            for r in side_by_side(region_names, region_weights)
        }
        for region in regions:
            here = sorted(v.name for v in net.vpcs.values() if v.region == region)
            for name in side_by_side(here, vpc_weights):
                self.add_vpc(net.vpcs[name], regions[region])
        for name in sorted(net.transit_gateways):
            self.add_tgw(net.transit_gateways[name], regions.get(net.transit_gateways[name].region))
        for name in sorted(net.peerings):
            self.add_peering(net.peerings[name], regions)
        for name in sorted(net.tgw_peerings):
            self.add_tgw_peering(net.tgw_peerings[name], regions)
        for name in sorted(net.sites):
            self.add_site(net.sites[name])
        bundles: dict[str, _Draft] = {}
        for (tgw, site), names in ecmp_groups(net).items():
            bundles.update(dict.fromkeys(names, self.add_ecmp(tgw, site, names)))
        for name in sorted(net.vpns):
            self.add_vpn(net.vpns[name], bundles.get(name))
        self.add_direct_connect()
        if any(v.internet_gateway or v.egress_only_gateway for v in net.vpcs.values()):
            self.internet()
        for name in sorted(net.vpcs):
            vpc = net.vpcs[name]
            for gw in (vpc.internet_gateway, vpc.egress_only_gateway):
                if gw is not None:
                    self.link(self.internet(), gateway_id(vpc.name, gw.kind, gw.name))
            for ep_name in sorted(vpc.endpoints):
                ep = vpc.endpoints[ep_name]
                if ep.resolver:
                    continue  # a resolver endpoint serves DNS, not an AWS service's API
                service = self.service(ep.service)
                if ep.kind is m.EndpointKind.GATEWAY:
                    self.link(endpoint_id(vpc.name, ep.name), service)
                else:
                    for subnet in sorted(ep.subnets):
                        self.link(endpoint_id(vpc.name, ep.name, subnet), service)
            for lb_name in sorted(vpc.load_balancers):
                self.add_lb_links(vpc, vpc.load_balancers[lb_name])
            self.add_mirror_links(vpc)
        for name in sorted(net.accelerators):
            self.add_accelerator(net.accelerators[name])
        legend = [self.add_flow(flow, number) for number, flow in enumerate(flows, 1)]
        before = set(self.node_ids)
        if highlight is not None:
            self.add_highlight(highlight)
        return View(
            title=net.title or "",
            clusters=tuple(self.freeze(d) for d in self.top_clusters),
            nodes=tuple(self.mark_node(n) for n in sorted(self.top_nodes, key=lambda n: n.id)),
            edges=tuple(self.edges),
            flows=tuple(flow.name for flow in flows),
            legend=tuple(legend),
            caption=self.caption,
            highlight_nodes=tuple(sorted(self.node_ids - before)),
            dns_legend=dns_legend(net),
        )

    def add_vpc(self, vpc: m.Vpc, region: _Draft) -> None:
        lines = tuple(str(c) for c in vpc.cidrs) + ((str(vpc.ipv6),) if vpc.ipv6 else ())
        if vpc.dhcp_domain:
            lines += (f"domain {vpc.dhcp_domain}",)
        used = vpc.prefix_lists_used()
        if used:
            lines += ("prefix lists " + ", ".join(str(p) for p in used),)
        box = self.new_cluster(
            _Draft(vpc_id(vpc.name), ClusterKind.VPC, f"VPC {vpc.name}", (" · ".join(lines),)),
            region,
        )
        for gw, title in (
            (vpc.internet_gateway, "internet gateway"),
            (vpc.egress_only_gateway, "egress-only gateway"),
            (vpc.vpn_gateway, "VPN gateway"),
        ):
            if gw is not None:
                kind = _GATEWAYS[gw.kind][1]
                self.add_node(
                    Node(gateway_id(vpc.name, gw.kind, gw.name), kind, gw.name, (title,)), box
                )
        for name in sorted(vpc.endpoints):
            ep = vpc.endpoints[name]
            if ep.kind is m.EndpointKind.GATEWAY:
                tables = ", ".join(ep.route_tables)
                lines = (f"gateway endpoint · {ep.service}",) + (
                    (f"route tables: {tables}",) if tables else ()
                )
                self.add_node(
                    Node(
                        endpoint_id(vpc.name, ep.name),
                        NodeKind.GATEWAY_ENDPOINT,
                        ep.name,
                        lines,
                        service=ep.service,
                    ),
                    box,
                )
        self.add_observation(vpc, box)
        publics = {s.name: vpc.is_public(s) for s in vpc.subnets.values()}
        residents: dict[str, list[m.Instance | m.NatGateway]] = {}
        for inst in vpc.instances.values():
            residents.setdefault(inst.subnet, []).append(inst)
        for nat in vpc.nat_gateways.values():
            residents.setdefault(nat.subnet, []).append(nat)
        for az in sorted({s.az for s in vpc.subnets.values()}):
            az_box = self.new_cluster(_Draft(az_id(vpc.name, az), ClusterKind.AZ, az), box)
            subnets = sorted(
                (s for s in vpc.subnets.values() if s.az == az),
                key=lambda s: _subnet_key(s, publics[s.name]),
            )
            for subnet in subnets:
                self.add_subnet(vpc, subnet, publics[subnet.name], az_box, residents)
        if not vpc.subnets and not box.nodes:
            self.add_node(Node(f"{box.id}__empty", NodeKind.SPACER, ""), box)

    def add_subnet(
        self,
        vpc: m.Vpc,
        subnet: m.Subnet,
        public: bool,
        az_box: _Draft,
        residents: Mapping[str, Sequence[m.Instance | m.NatGateway]],
    ) -> None:
        details = [f"{subnet.cidr} · {'public' if public else 'private'}"]
        if subnet.ipv6 is not None:
            details.append(str(subnet.ipv6))
        acl = vpc.network_acls.get(subnet.network_acl)
        if acl is not None and not acl.default:
            details.append(f"ACL {acl.name}")
        kind = ClusterKind.PUBLIC_SUBNET if public else ClusterKind.PRIVATE_SUBNET
        draft = _Draft(subnet_id(vpc.name, subnet.name), kind, subnet.name, tuple(details))
        draft.badge = route_badge(vpc, subnet)
        box = self.new_cluster(draft, az_box)
        # NAT gateways first, then instances by address, endpoints, transit gateway interfaces.
        members: list[tuple[tuple[int, int, str], Node]] = []
        for resident in residents.get(subnet.name, ()):
            if isinstance(resident, m.Instance):
                inst = resident
                members.append(((1, int(inst.ip), inst.name), self.instance_node(vpc, inst)))
            else:
                nat = resident
                lines = ["private NAT gateway" if nat.private else "NAT gateway", str(nat.ip)]
                if nat.eip is not None:
                    lines.append(f"Elastic IP {nat.eip}")
                elif not nat.private:
                    lines.append("Elastic IP")
                if nat.down:
                    lines.append("down")
                members.append(
                    (
                        (0, int(nat.ip), nat.name),
                        Node(
                            nat_id(vpc.name, nat.name),
                            NodeKind.NAT_GATEWAY,
                            nat.name,
                            tuple(lines),
                            down=nat.down,
                        ),
                    )
                )
        for ep in vpc.endpoints.values():
            if ep.kind is m.EndpointKind.INTERFACE and subnet.name in ep.subnets:
                index = ep.subnets.index(subnet.name)
                lines = [f"interface endpoint · {ep.service}"]
                if ep.resolver:
                    lines = [f"resolver endpoint · {ep.resolver}"]
                if index < len(ep.addresses):
                    lines.append(str(ep.addresses[index]))
                if ep.security_groups:
                    lines.append("sg: " + ", ".join(ep.security_groups))
                node = Node(
                    endpoint_id(vpc.name, ep.name, subnet.name),
                    NodeKind.INTERFACE_ENDPOINT,
                    ep.name,
                    tuple(lines),
                    service=ep.service,
                )
                members.append(((2, 0, ep.name), node))
        for lb in vpc.load_balancers.values():
            for node_ in lb.nodes:
                if node_.subnet == subnet.name:
                    node = _lb_node(vpc, lb, node_, self.groups(vpc))
                    members.append(((2, int(node_.ip), lb.name), node))
        for tgw in self.network.transit_gateways.values():
            att = tgw.attachments.get(vpc.name)
            if att is not None and att.kind is m.AttachmentKind.VPC and subnet.name in att.subnets:
                node = Node(
                    attachment_id(vpc.name, tgw.name, subnet.name),
                    NodeKind.TGW_ATTACHMENT,
                    f"{tgw.name} attachment",
                    ("transit gateway ENI", *_tgw_table_line(tgw, vpc.name)),
                )
                members.append(((3, 0, tgw.name), node))
        for _, node in sorted(members, key=lambda m: m[0]):
            self.add_node(node, box)
        if not box.nodes:
            self.add_node(Node(f"{box.id}__empty", NodeKind.SPACER, ""), box)

    def groups(self, vpc: m.Vpc) -> _Groups:
        """The VPC's targets' target groups, made once per view."""
        found = self.target_groups.get(vpc.name)
        if found is None:
            found = self.target_groups[vpc.name] = _groups_of(vpc)
        return found

    def instance_node(self, vpc: m.Vpc, inst: m.Instance) -> Node:
        lines = [str(inst.ip)]
        if inst.ipv6 is not None:
            lines.append(str(inst.ipv6))
        if inst.public is m.PublicIp.ELASTIC:
            lines.append(f"Elastic IP {inst.public_ip}" if inst.public_ip else "Elastic IP")
        elif inst.public is m.PublicIp.AUTO:
            lines.append(f"public IP {inst.public_ip}" if inst.public_ip else "public IP")
        else:
            subnet = vpc.subnets.get(inst.subnet)
            if subnet is not None and subnet.public_ip_on_launch:
                lines.append("public IP (on launch)")
        lines.append("sg: " + ", ".join(inst.security_groups or (vpc.default_security_group,)))
        lines += _target_line(vpc, m.LbTargetKind.INSTANCE, inst.name, self.groups(vpc))
        nat = not inst.source_dest_check
        if nat:
            lines.append("NAT · src/dst check off")
        if inst.stopped:
            lines.append("stopped")
        if inst.down:
            lines.append("down")
        return Node(
            instance_id(vpc.name, inst.name),
            NodeKind.NAT_INSTANCE if nat else NodeKind.INSTANCE,
            inst.name,
            tuple(lines),
            down=inst.down,
        )

    def add_tgw(self, tgw: m.TransitGateway, region: _Draft | None) -> None:
        tables = ", ".join(sorted(tgw.route_tables))
        lines = ("transit gateway",) + ((f"route tables: {tables}",) if tables else ())
        node_id = f"tgw_{tgw.name}"
        self.add_node(Node(node_id, NodeKind.TRANSIT_GATEWAY, tgw.name, lines), region)
        for name in sorted(tgw.attachments):
            att = tgw.attachments[name]
            if att.kind is m.AttachmentKind.VPC:
                for subnet in sorted(att.subnets):
                    self.link(attachment_id(att.name, tgw.name, subnet), node_id)

    def add_peering(self, peering: m.Peering, regions: dict[str, _Draft]) -> None:
        a, b = self.network.vpcs[peering.a], self.network.vpcs[peering.b]
        same = a.region == b.region
        lines = ("VPC peering", f"{a.name} <-> {b.name}") + (
            () if same else (f"{a.region} <-> {b.region}",)
        )
        node_id = f"peering_{peering.name}"
        self.add_node(
            Node(node_id, NodeKind.PEERING, peering.name, lines),
            regions[a.region] if same else None,
        )
        for vpc in sorted((a.name, b.name)):
            self.link(self.anchor(vpc_id(vpc), bottom=True), node_id, tail_cluster=vpc_id(vpc))

    def add_tgw_peering(self, peering: m.TgwPeering, regions: dict[str, _Draft]) -> None:
        """A transit gateway peering: in its region when both sides are in one, else
        between the regions, linked to both transit gateways."""
        a = self.network.transit_gateways[peering.a]
        b = self.network.transit_gateways[peering.b]
        same = a.region == b.region
        lines = ("transit gateway peering", f"{a.name} <-> {b.name}", "static routes") + (
            () if same else (f"{a.region} <-> {b.region}",)
        )
        node_id = f"tgw-peering_{peering.name}"
        self.add_node(
            Node(node_id, NodeKind.PEERING, peering.name, lines, down=peering.down),
            regions.get(a.region) if same else None,
        )
        for tgw in sorted((a.name, b.name)):
            self.link(f"tgw_{tgw}", node_id)

    def add_site(self, site: m.Site) -> None:
        cidrs = " · ".join(str(c) for c in site.cidrs)
        box = self.new_cluster(
            _Draft(site_id(site.name), ClusterKind.SITE, site.name, ("on-premises", cidrs)), None
        )
        for name in sorted(site.customer_gateways):
            cgw = site.customer_gateways[name]
            self.add_node(
                Node(
                    f"{box.id}__cgw_{cgw.name}",
                    NodeKind.CUSTOMER_GATEWAY,
                    cgw.name,
                    ("customer gateway", str(cgw.ip)),
                ),
                box,
            )
        for host in sorted(site.hosts.values(), key=lambda h: (int(h.ip), h.name)):
            self.add_node(
                Node(f"{box.id}__host_{host.name}", NodeKind.HOST, host.name, (str(host.ip),)), box
            )
        if not box.nodes:
            self.add_node(Node(f"{box.id}__empty", NodeKind.SPACER, ""), box)

    def add_ecmp(self, tgw: str, site: str, names: Sequence[str]) -> _Draft:
        """A box holding the VPNs a transit gateway spreads a site's traffic over, joined
        to the gateway by one line (and to a customer gateway they share by one line)."""
        title, bandwidth = ecmp_title(names)
        box = self.new_cluster(
            _Draft(f"ecmp_{tgw}__{site}", ClusterKind.ECMP, title, (bandwidth,)), None
        )
        first = f"vpn_{names[0]}"
        self.link(f"tgw_{tgw}", first, head_cluster=box.id)
        shared: dict[str, list[str]] = {}
        for name in names:
            shared.setdefault(self.network.vpns[name].customer_gateway, []).append(name)
        for cgw, vpns in sorted(shared.items()):
            if len(vpns) > 1:
                self.link(f"vpn_{vpns[0]}", f"{site_id(site)}__cgw_{cgw}", tail_cluster=box.id)
                self.shared_cgw.update(vpns)
        return box

    def add_vpn(self, vpn: m.Vpn, bundle: _Draft | None = None) -> None:
        carried = (
            "BGP"
            if vpn.routing is m.VpnRouting.BGP
            else "static " + ", ".join(str(p) for p in vpn.prefixes)
        )
        node_id = f"vpn_{vpn.name}"
        tgw = (
            self.network.transit_gateways.get(vpn.gateway)
            if vpn.gateway_kind is m.TargetKind.TRANSIT_GATEWAY
            else None
        )
        table = _tgw_table_line(tgw, vpn.name) if tgw is not None else ()
        lines = ("Site-to-Site VPN", carried, *table, *(("down",) if vpn.down else ()))
        self.add_node(Node(node_id, NodeKind.VPN, vpn.name, lines, down=vpn.down), bundle)
        cgw = f"{site_id(vpn.site)}__cgw_{vpn.customer_gateway}"
        if bundle is not None:
            # The bundle's one line joins the transit gateway; a customer gateway that
            # several of its VPNs end at is joined once too (add_ecmp).
            if vpn.name not in self.shared_cgw:
                self.link(node_id, cgw)
            return
        gateway = self.gateway_node(vpn.gateway, vpn.gateway_kind)
        if gateway is not None:
            self.link(gateway, node_id)
        self.link(node_id, cgw)

    def add_direct_connect(self) -> None:
        """Direct Connect: each location a box of its connections, linked to their site;
        each VIF a node from its connection to its VPN gateway or DX gateway; each DX
        gateway a node linked to the gateways associated with it."""
        net = self.network
        locations = sorted({c.location for c in net.dx_connections.values()})
        boxes: dict[str, _Draft] = {}
        for index, location in enumerate(locations):
            draft = _Draft(
                f"dx-location_{index}",
                ClusterKind.DX_LOCATION,
                location,
                ("Direct Connect location",),
            )
            boxes[location] = self.new_cluster(draft, None)
        for name in sorted(net.dx_connections):
            conn = net.dx_connections[name]
            lines = (
                f"{'hosted ' if conn.hosted else ''}Direct Connect {conn.speed}",
                *((f"device {conn.device}",) if conn.device else ()),
                *(("down",) if conn.down else ()),
            )
            node_id = dx_connection_id(name)
            node = Node(node_id, NodeKind.DX_CONNECTION, name, lines, down=conn.down)
            self.add_node(node, boxes[conn.location])
            if conn.site in net.sites:
                site = site_id(conn.site)
                self.link(self.anchor(site), node_id, tail_cluster=site)
        for name in sorted(net.dx_gateways):
            dxgw = net.dx_gateways[name]
            allowed = sorted({str(p) for a in dxgw.associations for p in a.allowed})
            lines = (
                "Direct Connect gateway",
                *((f"allowed {', '.join(allowed)}",) if allowed else ()),
            )
            self.add_node(Node(f"dxgw_{name}", NodeKind.DX_GATEWAY, name, lines), None)
            for assoc in dxgw.associations:
                gateway = self.gateway_node(assoc.gateway, assoc.kind)
                if gateway is not None:
                    self.link(f"dxgw_{name}", gateway)
        for name in sorted(net.vifs):
            vif = net.vifs[name]
            node_id = f"vif_{name}"
            down = net.dx_connections[vif.connection].down
            lines = (f"{vif.kind.value} VIF", f"{vif.connection} → {vif.target}")
            self.add_node(Node(node_id, NodeKind.VIF, name, lines, down=down), None)
            self.link(dx_connection_id(vif.connection), node_id)
            target = (
                f"dxgw_{vif.target}"
                if vif.to_dx_gateway
                else self.gateway_node(vif.target, m.TargetKind.VPN_GATEWAY)
            )
            if target is not None:
                self.link(node_id, target)

    def gateway_node(self, name: str, kind: m.TargetKind) -> str | None:
        if kind is m.TargetKind.TRANSIT_GATEWAY:
            return f"tgw_{name}" if name in self.network.transit_gateways else None
        vpc = self.network.vpc_of_gateway(name)
        return gateway_id(vpc.name, kind, name) if vpc is not None else None

    def add_accelerator(self, ga: m.Accelerator) -> None:
        """An accelerator, outside the regions: its static addresses and listeners, the
        internet in front of it and a line to each endpoint (with its weight)."""
        lines = (
            "Global Accelerator",
            " · ".join(str(ip) for ip in ga.ips),
            *(
                f"{x.protocol.value} {x.ports} → "
                + ", ".join(f"{e} ({e.weight})" for e in x.endpoints)
                for x in ga.listeners
            ),
        )
        node_id = accelerator_id(ga.name)
        self.add_node(Node(node_id, NodeKind.ACCELERATOR, ga.name, lines), None)
        self.link(self.internet(), node_id)
        linked: set[str] = set()
        for x in ga.listeners:
            for e in x.endpoints:
                head = self.accelerator_endpoint(e)
                if head is not None and head not in linked:
                    linked.add(head)
                    self.link(node_id, head)

    def accelerator_endpoint(self, e: m.AcceleratorEndpoint) -> str | None:
        vpc = self.network.vpcs.get(e.vpc)
        if vpc is None:
            return None
        if e.kind is m.AcceleratorEndpointKind.LOAD_BALANCER:
            lb = vpc.load_balancers[e.name]
            return lb_id(vpc.name, lb.name, lb.nodes[0].subnet) if lb.nodes else None
        return instance_id(vpc.name, e.name)

    def internet(self) -> str:
        self.add_node(Node(INTERNET, NodeKind.INTERNET, "Internet"), None)
        return INTERNET

    def service(self, name: str) -> str:
        node_id = f"service_{name}"
        what = "on the instance's host" if name in ON_HOST else "AWS service"
        self.add_node(Node(node_id, NodeKind.SERVICE, name, (what,), service=name), None)
        return node_id

    def anchor(self, cluster_id: str, bottom: bool = False) -> str:
        """A node inside a cluster for an edge to start from (clipped at the cluster's border).

        With ``bottom``, the last node drawn in it, so that the edge leaves by the bottom.
        """
        draft = self.drafts[cluster_id]
        pick = -1 if bottom else 0
        while not draft.nodes and draft.clusters:
            draft = draft.clusters[pick]
        if bottom and draft.clusters:
            return self.anchor(draft.clusters[-1].id, bottom)
        if draft.nodes:
            return draft.nodes[pick].id
        spacer = Node(f"{draft.id}__empty", NodeKind.SPACER, "")
        self.add_node(spacer, draft)
        return spacer.id

    # -- paths ----------------------------------------------------------------------------

    def hop_target(self, hop: Hop) -> tuple[str | None, str | None]:
        """The node a hop is drawn at, or else the cluster (a subnet) it happens in."""
        c = hop.component
        if c.kind is C.SUBNET:
            vpc = self.network.vpcs.get(c.vpc)
            return None, (subnet_id(c.vpc, c.name) if vpc and c.name in vpc.subnets else None)
        return _NODES[c.kind](self, c), None

    def held(self, c: ComponentId, what: Callable[[m.Vpc], Mapping[str, object]]) -> bool:
        vpc = self.network.vpcs.get(c.vpc)
        return vpc is not None and c.name in what(vpc)

    def add_lb_links(self, vpc: m.Vpc, lb: m.LoadBalancer) -> None:
        """A line from each node of a load balancer to each target of its listeners' groups
        (an instance, or each node of an ALB behind an NLB). The line has no label: the
        load balancer's node names the group of each listener, the target's node the groups
        it is in (a label on the line was crossed by the lines of the other targets)."""
        heads: set[str] = set()
        for tg_name in sorted({x.target_group for x in lb.listeners}):
            for kind, name in _group_targets(vpc, vpc.target_groups[tg_name]):
                if kind is m.LbTargetKind.LOAD_BALANCER:
                    alb = vpc.load_balancers[name]
                    heads.update(lb_id(vpc.name, alb.name, n.subnet) for n in alb.nodes)
                else:
                    heads.add(instance_id(vpc.name, name))
        for node in lb.nodes:
            tail = lb_id(vpc.name, lb.name, node.subnet)
            for head in sorted(heads):
                self.edges.append(Edge(f"link__{tail}__{head}", tail, head, EdgeKind.LINK))

    def add_observation(self, vpc: m.Vpc, box: _Draft) -> None:
        """A VPC's flow logs, one node listing each (what it captures, where it publishes,
        its monthly volume), and a node for each traffic mirror session."""
        if vpc.flow_logs:
            lines = tuple(
                f"{f.kind.value} {f.resource} → {f.destination.value}"
                + (f" · {f.volume}" if f.volume is not None else "")
                for f in vpc.flow_logs
            )
            self.add_node(Node(flow_logs_id(vpc.name), NodeKind.FLOW_LOGS, "flow logs", lines), box)
        for session in vpc.traffic_mirrors:
            target = (
                session.target
                if session.target_vpc == vpc.name
                else f"{session.target_vpc}.{session.target}"
            )
            lines = (f"{session.source} → {target}", f"VXLAN udp {m.VXLAN_PORT}")
            node = Node(mirror_id(vpc.name, session), NodeKind.TRAFFIC_MIRROR, "mirror", lines)
            self.add_node(node, box)

    def add_mirror_links(self, vpc: m.Vpc) -> None:
        """Each mirror session's node linked from its source and to its target (an
        instance, or each node of a network load balancer)."""
        seen: set[str] = set()
        for session in vpc.traffic_mirrors:
            node = mirror_id(vpc.name, session)
            if node in seen:
                continue
            seen.add(node)
            self.link(instance_id(vpc.name, session.source), node)
            there = self.network.vpcs[session.target_vpc]
            if session.target_kind is m.MirrorTargetKind.INSTANCE:
                heads = [instance_id(there.name, session.target)]
            else:
                nlb = there.load_balancers[session.target]
                heads = [lb_id(there.name, nlb.name, n.subnet) for n in nlb.nodes]
            for head in heads:
                self.link(node, head)

    def lb_node(self, c: ComponentId) -> str | None:
        """A load balancer's node in the hop's AZ; a target group's, of the load balancer
        whose listener names it."""
        vpc = self.network.vpcs.get(c.vpc)
        if vpc is None:
            return None
        for lb in vpc.load_balancers.values():
            names = (
                {lb.name} if c.kind is C.LOAD_BALANCER else {x.target_group for x in lb.listeners}
            )
            if c.name in names:
                chosen = [n for n in lb.nodes if n.az == c.az] or list(lb.nodes)
                return lb_id(vpc.name, lb.name, chosen[0].subnet) if chosen else None
        return None

    def endpoint_node(self, c: ComponentId) -> str | None:
        vpc = self.network.vpcs.get(c.vpc)
        if vpc is None or c.name not in vpc.endpoints:
            return None
        ep = vpc.endpoints[c.name]
        if ep.kind is m.EndpointKind.GATEWAY:
            return endpoint_id(vpc.name, ep.name)
        in_az = [s for s in ep.subnets if s in vpc.subnets and vpc.subnets[s].az == c.az]
        chosen = (in_az or list(ep.subnets) or [""])[0]
        return endpoint_id(vpc.name, ep.name, chosen) if chosen else None

    def host_node(self, c: ComponentId) -> str | None:
        net = self.network
        sites = [c.site] if c.site in net.sites else sorted(net.sites)
        for name in sites:
            if c.name in net.sites[name].hosts:
                return f"{site_id(name)}__host_{c.name}"
        if c.site in net.sites:
            node_id = f"{site_id(c.site)}__address_{c.name}"
            self.add_node(
                Node(node_id, NodeKind.ADDRESS, c.name, ("address",)),
                self.drafts[site_id(c.site)],
            )
            return node_id
        return None

    def customer_gateway_node(self, c: ComponentId) -> str | None:
        net = self.network
        site = net.sites.get(c.site) or net.site_of_customer_gateway(c.name)
        return f"{site_id(site.name)}__cgw_{c.name}" if site else None

    def address_node(self, c: ComponentId) -> str | None:
        vpc = self.network.vpcs.get(c.vpc)
        if vpc is None:
            return None
        parent = self.drafts[vpc_id(vpc.name)]
        address = _address(c.name)
        if address is not None:
            for subnet in vpc.subnets.values():
                if address.version == 4 and address in subnet.cidr:
                    parent = self.drafts[subnet_id(vpc.name, subnet.name)]
        node_id = f"{vpc_id(vpc.name)}__address_{c.name}"
        self.add_node(Node(node_id, NodeKind.ADDRESS, c.name, ("address",)), parent)
        return node_id

    def path(self, hops: Sequence[Hop]) -> list[tuple[str | None, str | None]]:
        """Where each hop is drawn, with hops that stay on one node merged.

        A transit gateway is entered and left through its attachment's network interface in
        a subnet of the VPC, in the availability zone the traffic is in: the path crosses it.
        """
        out: list[tuple[str | None, str | None]] = []

        def put(target: tuple[str | None, str | None]) -> None:
            if target != (None, None) and (not out or out[-1] != target):
                out.append(target)

        for i, hop in enumerate(hops):
            if hop.kind is C.TRANSIT_GATEWAY:
                before = next((h for h in reversed(hops[:i]) if h.vpc), None)
                after = next((h for h in hops[i + 1 :] if h.vpc), None)
                if before is not None:
                    put((self.attachment_node(hop.name, before.vpc, hop.az or before.az, ""), None))
                put(self.hop_target(hop))
                if after is not None:
                    subnet = after.name if after.kind is C.SUBNET else ""
                    put(
                        (
                            self.attachment_node(hop.name, after.vpc, after.az or hop.az, subnet),
                            None,
                        )
                    )
                continue
            put(self.hop_target(hop))
        return out

    def attachment_node(self, tgw_name: str, vpc: str, az: str, subnet: str) -> str | None:
        """A transit gateway attachment's interface in a VPC: in ``subnet``, else in ``az``."""
        tgw = self.network.transit_gateways.get(tgw_name)
        att = tgw.attachments.get(vpc) if tgw is not None else None
        if att is None or att.kind is not m.AttachmentKind.VPC or not att.subnets:
            return None
        subnets = self.network.vpcs[vpc].subnets
        in_az = [s for s in att.subnets if s in subnets and subnets[s].az == az]
        chosen = subnet if subnet in att.subnets else (in_az or list(att.subnets))[0]
        return attachment_id(vpc, tgw_name, chosen)

    def add_flow(self, flow: FlowPath, number: int) -> LegendRow:
        """A flow's edges along its path, the first carrying its number (a marker; the
        legend row returned names it, its path and its cost)."""
        trace = flow.trace
        denied = not trace.allowed
        if denied:
            cost = "denied" + (f" ({trace.code})" if trace.code else "")
        else:
            cost = _money(flow.cost) if flow.cost is not None else ""
        query = trace.query
        row = LegendRow(
            number,
            flow.name,
            f"{query.source} → {query.destination} · {_query_text(query)}",
            cost,
            denied,
        )
        nodes = [n for n, _ in self.path(trace.forward) if n is not None]
        nodes = [n for i, n in enumerate(nodes) if i == 0 or n != nodes[i - 1]]
        kind = EdgeKind.FLOW_DENIED if denied else EdgeKind.FLOW
        for i, (tail, head) in enumerate(itertools.pairwise(nodes)):
            self.edges.append(
                Edge(
                    f"flow_{flow.name}__{i}",
                    tail,
                    head,
                    kind,
                    str(number) if i == 0 else "",
                    group=flow.name,
                )
            )
        return row

    def add_highlight(self, trace: Trace) -> None:
        query = trace.query
        text = (
            f"{query.source} → {query.destination} · {_query_text(query)} · {trace.verdict.value}"
        )
        drop = trace.drop_hop
        note = f"✖ {trace.code}" if trace.code else "✖ dropped"
        if trace.leg is Leg.RETURN:
            note += " (reply)"
        self.caption = text if drop is None else f"{text} · {note}"
        labelled = False
        for leg, hops, kind in (
            (Leg.FORWARD, trace.forward, EdgeKind.HIGHLIGHT),
            (Leg.RETURN, trace.reverse, EdgeKind.HIGHLIGHT_RETURN),
        ):
            if leg is Leg.RETURN and trace.leg is not Leg.RETURN:
                break  # an allowed reply retraces the request; draw it only when it is dropped
            steps = self.path(hops)
            dropped_here = drop is not None and trace.leg is leg
            previous: str | None = None
            for i, (node, cluster) in enumerate(steps):
                last = dropped_here and i == len(steps) - 1
                if node is not None:
                    if previous is not None:
                        edge_kind = EdgeKind.DROPPED if last else kind
                        self.edges.append(
                            Edge(
                                f"highlight_{leg.value}__{len(self.edges)}",
                                previous,
                                node,
                                edge_kind,
                                "" if labelled else text,
                            )
                        )
                        labelled = True
                    self.node_marks[node] = (Mark.DROPPED, note) if last else (Mark.HIGHLIGHT, "")
                    previous = node
                elif cluster is not None and last:
                    self.cluster_marks[cluster] = (Mark.DROPPED, note)
                    if previous is not None and self.inside(previous) != cluster:
                        self.edges.append(
                            Edge(
                                f"highlight_{leg.value}__{len(self.edges)}",
                                previous,
                                self.anchor(cluster),
                                EdgeKind.DROPPED,
                                "" if labelled else text,
                                head_cluster=cluster,
                            )
                        )
                        labelled = True
        if not labelled:
            # No edge to carry the query (dropped before it left its source): the source does.
            first = next((n for n, _ in self.path(trace.forward) if n is not None), None)
            if first is not None:
                mark, existing = self.node_marks.get(first, (Mark.HIGHLIGHT, ""))
                self.node_marks[first] = (mark, "\n".join(t for t in (text, existing) if t))

    def inside(self, node: str) -> str:
        return self.node_cluster.get(node, "")

    # -- freezing -------------------------------------------------------------------------

    def mark_node(self, node: Node) -> Node:
        mark, note = self.node_marks.get(node.id, (Mark.NONE, ""))
        warnings = tuple(self.warned.get(node.id, ()))
        if mark is Mark.NONE and not warnings:
            return node
        return dataclasses.replace(node, mark=mark, note=note, warnings=warnings)

    def freeze(self, draft: _Draft) -> Cluster:
        mark, note = self.cluster_marks.get(draft.id, (Mark.NONE, ""))
        draft.warnings = tuple(self.warned.get(draft.id, ()))
        return Cluster(
            draft.id,
            draft.kind,
            draft.title,
            draft.lines,
            tuple(self.mark_node(n) for n in draft.nodes),
            tuple(self.freeze(c) for c in draft.clusters),
            mark,
            note,
            draft.warnings,
            draft.badge,
        )


#: How an attachment's line names its transit gateway route table: ``rt: prod``.
TGW_TABLE_PREFIX = "rt: "


def _tgw_table_line(tgw: m.TransitGateway, attachment: str) -> tuple[str, ...]:
    """The route table an attachment is associated with, short (``rt: prod``), when the
    transit gateway has more than one (with one, every attachment uses it: noise); an
    attachment associated with none reads ``rt: none`` (AWS drops what it sends)."""
    if len(tgw.route_tables) < 2:
        return ()
    table = tgw.route_table_of(attachment)
    return (TGW_TABLE_PREFIX + (table.name if table is not None else "none"),)


def _ties(network: m.Network) -> tuple[dict[frozenset[str], int], dict[frozenset[str], int]]:
    """How strongly pairs of VPCs, and pairs of regions, are joined: a peering counts 2, a
    transit gateway both attach to 1; regions by the peerings (VPC and transit gateway)
    between them."""
    vpcs: dict[frozenset[str], int] = {}
    regions: dict[frozenset[str], int] = {}

    def tie(table: dict[frozenset[str], int], a: str, b: str, weight: int) -> None:
        if a != b:
            key = frozenset((a, b))
            table[key] = table.get(key, 0) + weight

    for peering in network.peerings.values():
        tie(vpcs, peering.a, peering.b, 2)
        a, b = network.vpcs.get(peering.a), network.vpcs.get(peering.b)
        if a is not None and b is not None:
            tie(regions, a.region, b.region, 1)
    for tgw in network.transit_gateways.values():
        attached = sorted(
            att.name for att in tgw.attachments.values() if att.kind is m.AttachmentKind.VPC
        )
        for first, second in itertools.combinations(attached, 2):
            tie(vpcs, first, second, 1)
    for tgw_peering in network.tgw_peerings.values():
        ta = network.transit_gateways.get(tgw_peering.a)
        tb = network.transit_gateways.get(tgw_peering.b)
        if ta is not None and tb is not None:
            tie(regions, ta.region, tb.region, 1)
    return vpcs, regions


def side_by_side(names: Sequence[str], weights: Mapping[frozenset[str], int]) -> list[str]:
    """``names`` in the order boxes are drawn left to right, so that joined ones sit side by
    side: from the first name, each next the one most joined to the last placed, then to
    any placed, then by name (unjoined names keep their sorted order)."""
    if len(names) < 3 or not weights:
        return list(names)
    left = list(names)
    order = [left.pop(0)]
    while left:

        def pull(name: str) -> tuple[int, int]:
            last = weights.get(frozenset((order[-1], name)), 0)
            placed = sum(weights.get(frozenset((p, name)), 0) for p in order)
            return (-last, -placed)

        chosen = min(left, key=lambda n: (*pull(n), left.index(n)))
        left.remove(chosen)
        order.append(chosen)
    return order


def route_badge(vpc: m.Vpc, subnet: m.Subnet) -> str:
    """A subnet's route table and where its default route goes, as its badge:
    ``private-rt → nat-a`` (IPv4's ``0.0.0.0/0``, else IPv6's ``::/0``), ``isolated ·
    local only`` when the table has nothing but local routes, the table alone otherwise.
    Short, since lines cross it: the legend's key and the tooltip say it in words."""
    table = vpc.route_tables.get(subnet.route_table)
    text = subnet.route_table
    if table is None:
        return text
    for default in (_DEFAULT_V4, _DEFAULT_V6):
        route = next((r for r in table.routes if r.destination == default), None)
        if route is not None:
            return f"{text} → {route.target}"
    if all(r.target.kind is m.TargetKind.LOCAL for r in table.routes):
        return f"{text} · local only"
    return text


_DEFAULT_V4 = ipaddress.ip_network("0.0.0.0/0")
_DEFAULT_V6 = ipaddress.ip_network("::/0")


def _address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


#: A gateway's kind as a route target names it (gateway ids are made from that).
_TARGET_OF = {component: target for target, component in TARGET_KINDS.items()}


def _gateway(b: _Builder, c: ComponentId) -> str | None:
    return b.gateway_node(c.name, _TARGET_OF[c.kind])


#: Where each kind of component is drawn: its node id (None when the file has no such one).
#: A subnet is a cluster, not a node (see :meth:`_Builder.hop_target`).
_NODES: dict[ComponentKind, Callable[[_Builder, ComponentId], str | None]] = {
    C.INSTANCE: lambda b, c: (
        instance_id(c.vpc, c.name) if b.held(c, lambda v: v.instances) else None
    ),
    C.NAT_INSTANCE: lambda b, c: (
        instance_id(c.vpc, c.name) if b.held(c, lambda v: v.instances) else None
    ),
    C.NAT_GATEWAY: lambda b, c: (
        nat_id(c.vpc, c.name) if b.held(c, lambda v: v.nat_gateways) else None
    ),
    C.INTERNET_GATEWAY: _gateway,
    C.EGRESS_ONLY_GATEWAY: _gateway,
    C.VPN_GATEWAY: _gateway,
    C.ENDPOINT: _Builder.endpoint_node,
    C.PEERING: lambda b, c: f"peering_{c.name}" if c.name in b.network.peerings else None,
    C.TRANSIT_GATEWAY: lambda b, c: (
        f"tgw_{c.name}" if c.name in b.network.transit_gateways else None
    ),
    C.VPN: lambda b, c: f"vpn_{c.name}" if c.name in b.network.vpns else None,
    C.TGW_PEERING: lambda b, c: (
        f"tgw-peering_{c.name}" if c.name in b.network.tgw_peerings else None
    ),
    C.DX_CONNECTION: lambda b, c: (
        dx_connection_id(c.name) if c.name in b.network.dx_connections else None
    ),
    C.VIF: lambda b, c: f"vif_{c.name}" if c.name in b.network.vifs else None,
    C.DX_GATEWAY: lambda b, c: f"dxgw_{c.name}" if c.name in b.network.dx_gateways else None,
    C.CUSTOMER_GATEWAY: _Builder.customer_gateway_node,
    C.HOST: _Builder.host_node,
    C.INTERNET: lambda b, c: b.internet(),
    C.SERVICE: lambda b, c: b.service(c.name),
    C.VPC_ADDRESS: _Builder.address_node,
    C.LOAD_BALANCER: _Builder.lb_node,
    C.TARGET_GROUP: _Builder.lb_node,
    C.ACCELERATOR: lambda b, c: (
        accelerator_id(c.name) if c.name in b.network.accelerators else None
    ),
}


def _group_targets(vpc: m.Vpc, tg: m.TargetGroup) -> list[tuple[m.LbTargetKind, str]]:
    """What a target group's lines reach: an instance (named, or by its address; an
    address of no instance is drawn nowhere), or a load balancer (behind an NLB)."""
    out: list[tuple[m.LbTargetKind, str]] = []
    for t in tg.targets:
        inst = t.name if t.kind is m.LbTargetKind.INSTANCE else ""
        if t.kind is m.LbTargetKind.IP and t.ip is not None:
            inst = next((i.name for i in vpc.instances.values() if i.ip == t.ip), "")
        if inst:
            out.append((m.LbTargetKind.INSTANCE, inst))
        elif t.kind is m.LbTargetKind.LOAD_BALANCER:
            out.append((m.LbTargetKind.LOAD_BALANCER, t.name))
    return out


#: Each target's target groups in one VPC, by (kind, name) (:func:`_groups_of`).
_Groups = dict[tuple[m.LbTargetKind, str], list[str]]


def _groups_of(vpc: m.Vpc) -> _Groups:
    """The target groups a load balancer's listener forwards to, by each instance (or load
    balancer) they have as a target, in the order of their names: the VPC's groups read
    once, not once per instance drawn."""
    used = {x.target_group for lb in vpc.load_balancers.values() for x in lb.listeners}
    out: _Groups = {}
    for tg in sorted(used):
        if tg in vpc.target_groups:
            for target in dict.fromkeys(_group_targets(vpc, vpc.target_groups[tg])):
                out.setdefault(target, []).append(tg)
    return out


def _groups_in(
    vpc: m.Vpc, kind: m.LbTargetKind, name: str, groups: _Groups | None = None
) -> list[str]:
    """The target groups a load balancer's listener forwards to that have this instance
    (or load balancer) as a target, in the order of their names (``groups``: the VPC's
    :func:`_groups_of`, when made)."""
    return (_groups_of(vpc) if groups is None else groups).get((kind, name), [])


def _target_line(
    vpc: m.Vpc, kind: m.LbTargetKind, name: str, groups: _Groups | None = None
) -> list[str]:
    """The line naming the target groups a node is in (none when it is in none)."""
    found = _groups_in(vpc, kind, name, groups)
    return [f"target of {', '.join(found)}"] if found else []


def _lb_node(vpc: m.Vpc, lb: m.LoadBalancer, node: m.LbNode, groups: _Groups | None = None) -> Node:
    """A load balancer's node: its kind, scheme, address and listeners, and the target
    groups it is in (an ALB behind an NLB)."""
    scheme = "internet-facing" if lb.internet_facing else "internal"
    lines = [f"{lb.kind.value} load balancer · {scheme}", str(node.ip)]
    if node.public_ip is not None:
        lines.append(f"Elastic IP {node.public_ip}")
    lines += [f"{x.protocol} {x.port} → {x.target_group}" for x in lb.listeners]
    lines += _target_line(vpc, m.LbTargetKind.LOAD_BALANCER, lb.name, groups)
    kind = (
        NodeKind.APPLICATION_LOAD_BALANCER
        if lb.kind is m.LbKind.APPLICATION
        else NodeKind.NETWORK_LOAD_BALANCER
    )
    return Node(lb_id(vpc.name, lb.name, node.subnet), kind, lb.name, tuple(lines))


#: The edges only a highlighted path adds.
HIGHLIGHT_EDGES = frozenset({EdgeKind.HIGHLIGHT, EdgeKind.HIGHLIGHT_RETURN, EdgeKind.DROPPED})
_HIGHLIGHT_MARKS = frozenset({Mark.HIGHLIGHT, Mark.DROPPED})


def is_highlighted(view: View) -> bool:
    """Whether a view draws a highlighted path (its edges, or a mark it leaves)."""
    return (
        bool(view.highlight_nodes)
        or any(e.kind in HIGHLIGHT_EDGES for e in view.edges)
        or any(n.mark in _HIGHLIGHT_MARKS for n in view.all_nodes())
    )


def without_highlight(view: View) -> View:
    """The view as drawn with no highlighted path: what a highlighted picture is laid out
    from, so that highlighting a path moves nothing."""

    def node(n: Node) -> Node:
        if n.mark not in _HIGHLIGHT_MARKS:
            return n
        return dataclasses.replace(n, mark=Mark.NONE, note="")

    extra = set(view.highlight_nodes)

    def cluster(c: Cluster) -> Cluster:
        mark, note = (Mark.NONE, "") if c.mark in _HIGHLIGHT_MARKS else (c.mark, c.note)
        nodes = tuple(node(n) for n in c.nodes if n.id not in extra)
        clusters = tuple(cluster(x) for x in c.clusters)
        return dataclasses.replace(c, nodes=nodes, clusters=clusters, mark=mark, note=note)

    return dataclasses.replace(
        view,
        clusters=tuple(cluster(c) for c in view.clusters),
        nodes=tuple(node(n) for n in view.nodes if n.id not in extra),
        edges=tuple(
            e for e in view.edges if e.kind not in HIGHLIGHT_EDGES and not {e.tail, e.head} & extra
        ),
        caption="",
        highlight_nodes=(),
    )


# --- views of a part of the network -----------------------------------------------------------


def _ancestry(view: View) -> dict[str, tuple[Cluster, ...]]:
    """Every node's boxes, outermost first (a node outside every box has none)."""
    out: dict[str, tuple[Cluster, ...]] = {n.id: () for n in view.nodes}

    def visit(cluster: Cluster, above: tuple[Cluster, ...]) -> None:
        here = (*above, cluster)
        for n in cluster.nodes:
            out[n.id] = here
        for child in cluster.clusters:
            visit(child, here)

    for cluster in view.clusters:
        visit(cluster, ())
    return out


def _numbered(
    edges: Iterable[Edge], legend: Sequence[LegendRow]
) -> tuple[list[Edge], list[LegendRow]]:
    """Edges with each flow's number on its first edge left, and the legend's rows of the
    flows that kept an edge."""
    numbers = {row.flow: row.number for row in legend}
    seen: set[str] = set()
    out: list[Edge] = []
    for edge in edges:
        if edge.kind in (EdgeKind.FLOW, EdgeKind.FLOW_DENIED) and edge.group in numbers:
            first = edge.group not in seen
            seen.add(edge.group)
            edge = dataclasses.replace(edge, label=str(numbers[edge.group]) if first else "")
        out.append(edge)
    return out, [row for row in legend if row.flow in seen]


def scope_names(vpcs: Sequence[str], regions: Sequence[str]) -> str:
    """``VPC a, VPC b, region eu-west-1``: the part a scoped view draws."""
    return ", ".join([*(f"VPC {v}" for v in vpcs), *(f"region {r}" for r in regions)])


def scoped(view: View, vpcs: Sequence[str] = (), regions: Sequence[str] = ()) -> View:
    """The part of a view in the named VPCs and regions (``render --vpc``, ``--region``).

    Everything inside the named boxes is drawn as in the whole picture; the region box
    around a named VPC stays, holding only it. What the part is linked to, or what a flow
    or the highlighted path takes it to, is drawn outside every box, small, as an
    *external* node that says where it is (``VPC b``, ``site onprem``); lines between two
    external nodes are left out. Flows keep their colours and numbers; a flow's number
    moves to its first line left in the view, and the legend lists the flows drawn.

    Args:
        view: the whole network's view.
        vpcs: the VPCs to draw (names).
        regions: the regions to draw (names).

    Returns:
        The view of that part (the whole view when no name is given).
    """
    wanted = {vpc_id(v) for v in vpcs} | {region_id(r) for r in regions}
    if not wanted:
        return view
    ancestry = _ancestry(view)
    kept = {n for n, above in ancestry.items() if any(c.id in wanted for c in above)}
    nodes = {n.id: n for n in view.all_nodes()}
    outside: set[str] = set()
    for edge in view.edges:
        if edge.tail in kept and edge.head not in kept:
            outside.add(edge.head)
        elif edge.head in kept and edge.tail not in kept:
            outside.add(edge.tail)
    outside &= set(nodes)

    def prune(cluster: Cluster) -> Cluster | None:
        if cluster.id in wanted:
            return cluster
        children = tuple(c for c in (prune(x) for x in cluster.clusters) if c is not None)
        return dataclasses.replace(cluster, nodes=(), clusters=children) if children else None

    clusters = tuple(c for c in (prune(x) for x in view.clusters) if c is not None)
    present = {c.id for top in clusters for c in top.walk()}

    def where(node: Node) -> str:
        above = [c for c in ancestry.get(node.id, ()) if c.kind is not ClusterKind.REGION]
        if above:
            first = above[0]
            # ``VPC b``, ``ECMP ×2 (e1, e2)``: titles that say what they are; else the kind.
            if first.kind in (ClusterKind.VPC, ClusterKind.ECMP):
                return first.title
            return f"{first.kind.value} {first.title}"
        return node.lines[0] if node.lines else ""  # what it is: ``transit gateway``

    external = [
        dataclasses.replace(
            nodes[i], external=True, lines=tuple(filter(None, [where(nodes[i])])), warnings=()
        )
        for i in sorted(outside)
    ]
    drawn = kept | outside
    edges = []
    for edge in view.edges:
        if {edge.tail, edge.head} <= drawn and not {edge.tail, edge.head} <= outside:
            tail_cluster = (
                edge.tail_cluster if edge.tail in kept and edge.tail_cluster in present else ""
            )
            head_cluster = (
                edge.head_cluster if edge.head in kept and edge.head_cluster in present else ""
            )
            edges.append(
                dataclasses.replace(edge, tail_cluster=tail_cluster, head_cluster=head_cluster)
            )
    numbered, legend = _numbered(edges, view.legend)
    top = [n for n in view.nodes if n.id in kept]
    scope = scope_names(vpcs, regions)
    return dataclasses.replace(
        view,
        title=f"{view.title} · {scope}" if view.title else scope,
        clusters=clusters,
        nodes=tuple(sorted((*top, *external), key=lambda n: n.id)),
        edges=tuple(numbered),
        legend=tuple(legend),
        highlight_nodes=tuple(n for n in view.highlight_nodes if n in drawn),
        scope=scope,
    )


def overview(view: View) -> View:
    """The network with each VPC drawn small: its own gateways and endpoints, and one node
    that sums up its subnets and instances, which every line to a part inside the VPC's
    availability zones then ends at (``netdraft docs`` for a large network, beside one
    picture per VPC). Lines that the summing makes the same are drawn once; flows keep
    their colours and numbers."""
    into: dict[str, str] = {}

    def collapse(cluster: Cluster) -> Cluster:
        if cluster.kind is not ClusterKind.VPC:
            children = tuple(collapse(c) for c in cluster.clusters)
            return dataclasses.replace(cluster, clusters=children)
        summary_id = f"{cluster.id}__summary"
        subnets = instances = 0
        azs = []
        for az in cluster.clusters:
            azs.append(az.title)
            for inner in az.walk():
                if inner.kind in (ClusterKind.PUBLIC_SUBNET, ClusterKind.PRIVATE_SUBNET):
                    subnets += 1
                for n in inner.nodes:
                    into[n.id] = summary_id
                    instances += n.kind in (NodeKind.INSTANCE, NodeKind.NAT_INSTANCE)
        lines = (
            f"{subnets} subnet{'s' if subnets != 1 else ''} · "
            f"{instances} instance{'s' if instances != 1 else ''}",
            *((", ".join(azs),) if azs else ()),
        )
        summary = Node(summary_id, NodeKind.SUMMARY, "subnets", lines)
        return dataclasses.replace(cluster, nodes=(*cluster.nodes, summary), clusters=())

    clusters = tuple(collapse(c) for c in view.clusters)
    edges: list[Edge] = []
    links: set[tuple[str, str]] = set()
    for edge in view.edges:
        tail, head = into.get(edge.tail, edge.tail), into.get(edge.head, edge.head)
        if tail == head:
            continue
        if edge.kind is EdgeKind.LINK:
            if (tail, head) in links:
                continue
            links.add((tail, head))
        edges.append(dataclasses.replace(edge, tail=tail, head=head))
    numbered, legend = _numbered(edges, view.legend)
    return dataclasses.replace(
        view,
        title=f"{view.title} · overview" if view.title else "overview",
        clusters=clusters,
        edges=tuple(numbered),
        legend=tuple(legend),
        highlight_nodes=(),
        scope="overview",
    )
