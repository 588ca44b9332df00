"""Costs (LANGUAGE.md §5): each flow priced along its simulated path, plus hourly resources.

Money is exact (``Decimal``); it is rounded to the cent only for display and for
``expect cost``, which compares what a person would read.

Per-GB charges of one leg (the request carries the flow's volume, the reply its
``return`` volume), from the hops the simulator walked:

* NAT gateway: every NAT gateway hop (translating out, or back) processes the data;
* transit gateway: data sent into it, once per transit gateway hop, but not data a
  transit gateway peering brings in ("Data processing charges do not apply for data sent
  from a peering attachment to a Transit Gateway", AWS Transit Gateway pricing);
* internet: data leaving AWS for an internet host (not for AWS services, not in);
* Site-to-Site VPN: data leaving AWS over a VPN towards a site;
* Direct Connect: data leaving AWS over a connection towards a site, priced in the region
  it leaves (AWS prices it by region and DX location; the bundled table has one price);
* interface endpoint: data it processes; gateway endpoints are free;
* between regions: data sent from one region to another, by the sending region;
* across availability zones in one region: charged on each side, sent and received;
  not across a transit gateway, whose processing charge covers it;
* between public IPv4 addresses in one region (out of one internet gateway and into
  another): charged on each side.

Three charges that §5 prices at 0 (same AZ, data in from the internet, gateway
endpoints) appear only when a price file gives them a price, so that every key of
the table means something.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from netdraft.model import network as m
from netdraft.model.values import HOURS_PER_MONTH
from netdraft.sim.path import Simulator
from netdraft.sim.prices import PriceTable
from netdraft.sim.trace import Arrival, ComponentKind, Delivered, Hop, Trace

CENT = Decimal("0.01")


def cents(amount: Decimal) -> Decimal:
    """An amount rounded to the cent, half up, as invoices round (however large it is)."""
    with localcontext() as context:
        context.prec = max(context.prec, amount.adjusted() + 3)
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Charge:
    """One line of a bill: quantity × unit price = amount."""

    what: str
    quantity: Decimal
    unit: str  # GB or h
    price_key: str
    unit_price: Decimal
    price_origin: str
    region: str
    vpc: str = ""  # the VPC of an hourly resource of a VPC (two VPCs may name theirs alike)

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class FlowCost:
    flow: m.Flow
    trace: Trace
    charges: tuple[Charge, ...]

    @property
    def total(self) -> Decimal:
        return sum((c.amount for c in self.charges), Decimal(0))


@dataclass(frozen=True)
class CostReport:
    flows: dict[str, FlowCost]
    hourly: tuple[Charge, ...]
    prices: PriceTable = field(repr=False)
    #: Resources billed by the month, not the hour (Route 53 hosted zones).
    monthly: tuple[Charge, ...] = ()

    @property
    def flows_total(self) -> Decimal:
        return sum((f.total for f in self.flows.values()), Decimal(0))

    @property
    def hourly_total(self) -> Decimal:
        return sum((c.amount for c in self.hourly), Decimal(0))

    @property
    def monthly_total(self) -> Decimal:
        return sum((c.amount for c in self.monthly), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.flows_total + self.hourly_total + self.monthly_total

    @property
    def resources(self) -> tuple[Charge, ...]:
        """Every charge that is not a flow's: the hourly ones, then the monthly ones."""
        return (*self.hourly, *self.monthly)


def _charge(
    prices: PriceTable, what: str, quantity: Decimal, unit: str, key: str, region: str
) -> Charge:
    price = prices.price(key, region)
    return Charge(what, quantity, unit, key, price.value, price.origin, region)


def leg_charges(
    network: m.Network, hops: tuple[Hop, ...], gb: Decimal, prices: PriceTable, leg: str
) -> list[Charge]:
    """The per-GB charges of ``gb`` gigabytes crossing ``hops``."""
    if gb == 0:
        return []
    out: list[Charge] = []

    def add(what: str, key: str, region: str) -> None:
        out.append(_charge(prices, f"{leg}: {what}", gb, "GB", key, region))

    def add_if_priced(what: str, key: str, region: str) -> None:
        # Charges that §5 prices at 0: listed only when a price file makes them cost something.
        if prices.price(key, region).value != 0:
            add(what, key, region)

    region, az = "", ""  # where the data is, while it is inside AWS
    past_tgw = False  # between a transit gateway and the next network interface
    eni_az = ""  # the AZ of the last network interface the data left (same-AZ transfer)
    for i, hop in enumerate(hops):
        prev = hops[i - 1] if i else None
        nxt = hops[i + 1] if i + 1 < len(hops) else None
        kind = hop.kind
        # What the hop itself charges for.
        if kind is ComponentKind.NAT_GATEWAY and hop.translates:
            add(f"NAT gateway {hop.name} processing", "nat_gateway_per_gb", hop.region)
        elif kind is ComponentKind.TRANSIT_GATEWAY and not (
            prev is not None and prev.kind is ComponentKind.TGW_PEERING
        ):
            # AWS: no data processing for data sent from a peering attachment to a TGW.
            add(f"transit gateway {hop.name} data processing", "tgw_per_gb", hop.region)
        elif kind is ComponentKind.ENDPOINT and _is_interface(network, hop):
            add(
                f"interface endpoint {hop.name} processing", "interface_endpoint_per_gb", hop.region
            )
        elif kind is ComponentKind.LOAD_BALANCER and _takes(hop):
            lb = network.vpcs[hop.vpc].load_balancers[hop.name]
            word = "LCU" if lb.kind is m.LbKind.APPLICATION else "NLCU"
            add(f"load balancer {hop.name} processed data ({word})", _LCU_KEYS[lb.kind], hop.region)
        elif kind is ComponentKind.ENDPOINT:
            add_if_priced(f"gateway endpoint {hop.name}", "gateway_endpoint_per_gb", hop.region)
        elif (
            kind is ComponentKind.ACCELERATOR
            and nxt is not None
            and nxt.kind is ComponentKind.INTERNET
            and region
        ):
            # The reply leaves the endpoint's region for the client: standard data out.
            add(
                f"data out to the internet via accelerator {hop.name}",
                "internet_out_per_gb",
                region,
            )
        elif (
            kind is ComponentKind.VPN
            and nxt is not None
            and nxt.kind is ComponentKind.CUSTOMER_GATEWAY
            and region
        ):
            add(f"data out over VPN {hop.name}", "vpn_out_per_gb", region)
        elif (
            kind is ComponentKind.DX_CONNECTION
            and prev is not None
            and prev.kind is ComponentKind.VIF
            and region
        ):
            add(f"data out over Direct Connect {hop.name}", "dx_out_per_gb", region)
        elif (
            kind in (ComponentKind.INTERNET_GATEWAY, ComponentKind.EGRESS_ONLY_GATEWAY)
            and nxt is not None
        ):
            if nxt.kind is ComponentKind.INTERNET and region:
                add(f"data out to the internet via {hop.name}", "internet_out_per_gb", hop.region)
            elif nxt.kind is ComponentKind.INTERNET_GATEWAY and nxt.region == hop.region:
                add(
                    f"public IPv4 traffic sent via {hop.name}",
                    "public_ip_per_gb_each_side",
                    hop.region,
                )
                add(
                    f"public IPv4 traffic received via {nxt.name}",
                    "public_ip_per_gb_each_side",
                    nxt.region,
                )
            elif prev is not None and prev.kind is ComponentKind.INTERNET:
                add_if_priced(
                    f"data in from the internet via {hop.name}", "internet_in_per_gb", hop.region
                )
        # Moving between places inside AWS.
        if kind in (
            ComponentKind.HOST,
            ComponentKind.CUSTOMER_GATEWAY,
            ComponentKind.INTERNET,
            ComponentKind.SERVICE,
            ComponentKind.VPN,
            ComponentKind.DX_CONNECTION,
        ):
            region, az, eni_az = "", "", ""
            continue
        if hop.region and region and hop.region != region:
            add(f"{region} → {hop.region}", "inter_region_per_gb", region)
            az, eni_az = "", ""
        elif hop.az and az and hop.az != az and not _alb_side(network, hops, i):
            add(f"{az} → {hop.az} sent", "cross_az_per_gb_each_side", hop.region)
            add(f"{az} → {hop.az} received", "cross_az_per_gb_each_side", hop.region)
        if kind in _INTERFACES and hop.az:
            if eni_az == hop.az:
                add_if_priced(
                    f"same-AZ transfer in {hop.az} to {hop.name}", "same_az_per_gb", hop.region
                )
            eni_az = hop.az
        if hop.region:
            region = hop.region
        if kind in (
            ComponentKind.TRANSIT_GATEWAY,
            ComponentKind.INTERNET_GATEWAY,
            ComponentKind.EGRESS_ONLY_GATEWAY,
        ):
            az, eni_az = "", ""  # no AZ-to-AZ charge through these; their own charges cover them
            past_tgw = kind is ComponentKind.TRANSIT_GATEWAY
        elif past_tgw and kind is ComponentKind.SUBNET:
            pass  # the transit gateway's own interfaces, up to the next network interface
        elif hop.az:
            az = hop.az
            past_tgw = False
    return out


#: Hops that are network interfaces: data moving between two of them in one AZ is same-AZ transfer.
_INTERFACES = (
    ComponentKind.INSTANCE,
    ComponentKind.NAT_GATEWAY,
    ComponentKind.NAT_INSTANCE,
    ComponentKind.ENDPOINT,
    ComponentKind.VPC_ADDRESS,
    ComponentKind.LOAD_BALANCER,
)


#: LANGUAGE.md §10: processed data counted as 1 LCU-hour (NLB: NLCU-hour) per GB.
_LCU_KEYS = {m.LbKind.APPLICATION: "alb_lcu_per_gb", m.LbKind.NETWORK: "nlb_lcu_per_gb"}


def _alb_side(network: m.Network, hops: tuple[Hop, ...], i: int) -> bool:
    """Whether hop ``i`` is between an application load balancer's node and a target:
    AWS charges no data transfer between AZs there ("Elastic Load Balancing pricing")."""
    before = next((h for h in reversed(hops[:i]) if h.kind in _INTERFACES), None)
    after = next((h for h in hops[i:] if h.kind in _INTERFACES), None)
    return any(
        h is not None
        and h.kind is ComponentKind.LOAD_BALANCER
        and network.vpcs[h.vpc].load_balancers[h.name].kind is m.LbKind.APPLICATION
        for h in (before, after)
    )


def _takes(hop: Hop) -> bool:
    """Whether a load balancer's hop is a node taking the data in (once a leg per load
    balancer, on the request and on the reply: processed bytes count both ways)."""
    return any(
        isinstance(s.detail, Delivered) and s.detail.arrival is Arrival.LOAD_BALANCER
        for s in hop.steps
    )


def _is_interface(network: m.Network, hop: Hop) -> bool:
    vpc = network.vpcs.get(hop.vpc)
    ep = vpc.endpoints.get(hop.name) if vpc else None
    # A resolver endpoint bills by the hour and by the query, never by the GB.
    return ep is not None and ep.kind is m.EndpointKind.INTERFACE and not ep.resolver


def flow_cost(
    network: m.Network, flow: m.Flow, prices: PriceTable, sim: Simulator | None = None
) -> FlowCost:
    """A flow's monthly cost along its simulated path; a denied flow costs nothing.

    Args:
        network: the compiled network.
        flow: one of its flows.
        prices: the price table.
        sim: the network's simulator, when the caller has one (else one is built).
    """
    t = (sim or Simulator(network)).trace_flow(flow)
    if not t.allowed:
        return FlowCost(flow, t, ())
    charges = leg_charges(network, t.forward, flow.volume.gigabytes, prices, "request")
    if flow.return_volume is not None:
        charges += leg_charges(network, t.reverse, flow.return_volume.gigabytes, prices, "reply")
    charges += accelerator_premium(t, flow, prices)
    return FlowCost(flow, t, tuple(charges))


def flow_costs(network: m.Network, prices: PriceTable, sim: Simulator) -> dict[str, FlowCost]:
    """Every flow's monthly cost, in the file's order (what a diagram draws of the costs)."""
    return {name: flow_cost(network, f, prices, sim) for name, f in network.flows.items()}


def accelerator_premium(t: Trace, flow: m.Flow, prices: PriceTable) -> list[Charge]:
    """Global Accelerator's data-transfer premium: per GB of the dominant direction (the
    larger of the request and the reply), priced by the endpoint's region."""
    hops = t.forward
    at = next((i for i, h in enumerate(hops) if h.kind is ComponentKind.ACCELERATOR), None)
    if at is None:
        return []
    region = next((h.region for h in hops[at + 1 :] if h.region), "")
    back = flow.return_volume.gigabytes if flow.return_volume is not None else Decimal(0)
    gb = max(flow.volume.gigabytes, back)
    if gb == 0:
        return []
    leg = "request" if flow.volume.gigabytes >= back else "reply"
    what = f"{leg}: accelerator {hops[at].name} data-transfer premium (dominant direction)"
    return [_charge(prices, what, gb, "GB", "accelerator_premium_per_gb", region)]


def hourly_charges(network: m.Network, prices: PriceTable) -> list[Charge]:
    """Resources billed by the hour whether traffic flows or not, 730 hours a month."""
    hours = Decimal(HOURS_PER_MONTH)
    out: list[Charge] = []
    for vpc in network.vpcs.values():
        r = vpc.region
        start = len(out)
        for nat in vpc.nat_gateways.values():
            out.append(
                _charge(prices, f"NAT gateway {nat.name}", hours, "h", "nat_gateway_per_hour", r)
            )
            if not nat.private:
                out.append(
                    _charge(
                        prices,
                        f"Elastic IP of NAT gateway {nat.name}",
                        hours,
                        "h",
                        "public_ipv4_per_hour",
                        r,
                    )
                )
        for inst in vpc.instances.values():
            # An Elastic IP is billed while allocated; an auto-assigned one is released when stopped.
            if inst.public is m.PublicIp.ELASTIC or (
                inst.public is m.PublicIp.AUTO and not inst.stopped
            ):
                kind = "Elastic IP" if inst.public is m.PublicIp.ELASTIC else "public IPv4"
                out.append(
                    _charge(
                        prices,
                        f"{kind} of instance {inst.name}",
                        hours,
                        "h",
                        "public_ipv4_per_hour",
                        r,
                    )
                )
        for lb in vpc.load_balancers.values():
            what = f"{lb.kind.value} load balancer {lb.name}"
            out.append(_charge(prices, what, hours, "h", "load_balancer_per_hour", r))
            if lb.internet_facing and lb.nodes:
                # §14: every public IPv4 address AWS bills, a node's included.
                out.append(
                    _charge(
                        prices,
                        f"public IPv4 of load balancer {lb.name} × {len(lb.nodes)} node(s)",
                        hours * len(lb.nodes),
                        "h",
                        "public_ipv4_per_hour",
                        r,
                    )
                )
        for ep in vpc.endpoints.values():
            if ep.resolver and ep.addresses:
                out.append(
                    _charge(
                        prices,
                        f"resolver endpoint {ep.name} × {len(ep.addresses)} network interface(s)",
                        hours * len(ep.addresses),
                        "h",
                        "resolver_endpoint_per_eni_hour",
                        r,
                    )
                )
            elif ep.kind is m.EndpointKind.INTERFACE and ep.subnets:
                out.append(
                    _charge(
                        prices,
                        f"interface endpoint {ep.name} × {len(ep.subnets)} subnet(s)",
                        hours * len(ep.subnets),
                        "h",
                        "interface_endpoint_per_subnet_hour",
                        r,
                    )
                )
        out.extend(observation_charges(vpc, prices, hours))
        out[start:] = [dataclasses.replace(c, vpc=vpc.name) for c in out[start:]]
    for ga in network.accelerators.values():
        # Global Accelerator is global: its hour is priced at the table's base price.
        out.append(
            _charge(prices, f"accelerator {ga.name}", hours, "h", "accelerator_per_hour", "")
        )
    for tgw in network.transit_gateways.values():
        for att in tgw.attachments.values():
            out.append(
                _charge(
                    prices,
                    f"transit gateway {tgw.name} attachment {att.name}",
                    hours,
                    "h",
                    "tgw_attachment_per_hour",
                    tgw.region,
                )
            )
    for conn in network.dx_connections.values():
        # A port is billed by the hour whatever its state (down: the design is the bill).
        kind = "hosted Direct Connect" if conn.hosted else "Direct Connect"
        out.append(
            _charge(
                prices,
                f"{kind} {conn.speed} port {conn.name} at {conn.location}",
                hours,
                "h",
                DX_PORT_KEYS[conn.speed, conn.hosted],
                _dx_region(network, conn),
            )
        )
    for vpn in network.vpns.values():
        region = _vpn_region(network, vpn)
        out.append(
            _charge(
                prices, f"VPN connection {vpn.name}", hours, "h", "vpn_connection_per_hour", region
            )
        )
    return out


def monthly_charges(network: m.Network, prices: PriceTable) -> list[Charge]:
    """Resources billed by the month, not by the hour: Route 53 hosted zones (one month
    each, whatever the hours; AWS bills a zone for the month it exists in), and flow logs
    (the data they deliver in a month)."""
    out: list[Charge] = []
    for zone in network.zones:
        # Route 53 is global: a zone is priced in the region of the first VPC it serves.
        region = network.vpcs[zone.vpcs[0]].region if zone.vpcs else ""
        out.append(
            _charge(
                prices,
                f"private hosted zone {zone.name}",
                Decimal(1),
                "month",
                "hosted_zone_per_month",
                region,
            )
        )
    for vpc in network.vpcs.values():
        out.extend(dataclasses.replace(c, vpc=vpc.name) for c in flow_log_charges(vpc, prices))
    return out


#: The price key of a Direct Connect connection's port-hour, by (speed, hosted).
DX_PORT_KEYS: dict[tuple[str, bool], str] = {
    ("1Gbps", False): "dx_port_1gbps_per_hour",
    ("10Gbps", False): "dx_port_10gbps_per_hour",
    ("100Gbps", False): "dx_port_100gbps_per_hour",
    ("400Gbps", False): "dx_port_400gbps_per_hour",
    ("50Mbps", True): "dx_hosted_port_50mbps_per_hour",
    ("100Mbps", True): "dx_hosted_port_100mbps_per_hour",
    ("200Mbps", True): "dx_hosted_port_200mbps_per_hour",
    ("300Mbps", True): "dx_hosted_port_300mbps_per_hour",
    ("400Mbps", True): "dx_hosted_port_400mbps_per_hour",
    ("500Mbps", True): "dx_hosted_port_500mbps_per_hour",
    ("1Gbps", True): "dx_hosted_port_1gbps_per_hour",
    ("2Gbps", True): "dx_hosted_port_2gbps_per_hour",
    ("5Gbps", True): "dx_hosted_port_5gbps_per_hour",
    ("10Gbps", True): "dx_hosted_port_10gbps_per_hour",
    ("25Gbps", True): "dx_hosted_port_25gbps_per_hour",
}


def _dx_region(network: m.Network, conn: m.DxConnection) -> str:
    """The region a connection is priced in: that of the first gateway its VIFs reach
    (a VPN gateway's VPC, a transit gateway, or a DX gateway's first association)."""
    for vif in sorted(network.vifs.values(), key=lambda v: v.name):
        if vif.connection != conn.name:
            continue
        gateways = (
            [a.gateway for a in network.dx_gateways[vif.target].associations]
            if vif.to_dx_gateway
            else [vif.target]
        )
        for gw in gateways:
            vpc = network.vpc_of_gateway(gw)
            tgw = network.transit_gateways.get(gw)
            if vpc is not None or tgw is not None:
                return vpc.region if vpc is not None else tgw.region if tgw else ""
    return ""


#: The price key of a flow log's delivered data, by destination (LANGUAGE.md §10).
FLOW_LOG_PRICES = {
    m.FlowLogDestination.CLOUDWATCH: "flow_log_cloudwatch_per_gb",
    m.FlowLogDestination.S3: "flow_log_s3_per_gb",
}


def flow_log_charges(vpc: m.Vpc, prices: PriceTable) -> list[Charge]:
    """A VPC's flow logs: their written monthly ``volume``, per GB delivered (one without a
    volume costs nothing here). A monthly charge: AWS bills the data, not the hours."""
    out: list[Charge] = []
    for log in vpc.flow_logs:
        if log.volume is None:
            continue
        where = log.destination.value
        out.append(
            _charge(
                prices,
                f"flow log of {log.kind.value} {log.resource} to {where}",
                log.volume.gigabytes,
                "GB",
                FLOW_LOG_PRICES[log.destination],
                vpc.region,
            )
        )
    return out


def observation_charges(vpc: m.Vpc, prices: PriceTable, hours: Decimal) -> list[Charge]:
    """A VPC's traffic mirror sessions: AWS bills each hour of each source network
    interface that has a session enabled, so an interface with two sessions is billed
    once, and a stopped source still is (its sessions stay enabled). Flow logs are billed
    by the data a month (:func:`flow_log_charges`)."""
    out: list[Charge] = []
    for source in dict.fromkeys(s.source for s in vpc.traffic_mirrors):
        sessions = sum(1 for s in vpc.traffic_mirrors if s.source == source)
        out.append(
            _charge(
                prices,
                f"traffic mirroring of instance {source} ({sessions} session(s))",
                hours,
                "h",
                "traffic_mirror_per_eni_hour",
                vpc.region,
            )
        )
    return out


def _vpn_region(network: m.Network, vpn: m.Vpn) -> str:
    if vpn.gateway_kind is m.TargetKind.TRANSIT_GATEWAY:
        return network.transit_gateways[vpn.gateway].region
    vpc = network.vpc_of_gateway(vpn.gateway)
    return vpc.region if vpc else ""


def estimate(
    network: m.Network,
    prices: PriceTable,
    sim: Simulator | None = None,
    flows: dict[str, FlowCost] | None = None,
) -> CostReport:
    """Price every flow and every hourly resource of a network.

    Args:
        network: the compiled network.
        prices: the price table (bundled, with the user's overrides applied).
        sim: the network's simulator, when the caller has one (else one is built).
        flows: the flows' costs (:func:`flow_costs`), when the caller has priced them.

    Returns:
        The report: per-flow charges, hourly charges, monthly charges, totals.
    """
    if flows is None:
        flows = flow_costs(network, prices, sim or Simulator(network))
    hourly = tuple(hourly_charges(network, prices))
    return CostReport(flows, hourly, prices, tuple(monthly_charges(network, prices)))
