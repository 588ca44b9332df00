"""A scenario's network: the file's network with the scenario's parts down (LANGUAGE.md §12).

The network is copied on write: only the VPCs, route tables and transit gateways that a
part going down changes are new objects; everything else is shared with the base
network, which is never changed. A part down means what ``down`` written on it means
(LANGUAGE.md §14 Down): an instance or a NAT gateway is out of every path and a route to
it is a blackhole; a VPN carries nothing and withdraws the routes it propagates, into
the route tables of its VPN gateway's VPC and of its transit gateway; static routes
that point at it become blackholes (the simulator reads the ``down`` flag for those).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TypeVar

from netdraft.model import network as m

_Part = TypeVar("_Part", m.Instance, m.NatGateway)


def scenario_network(network: m.Network, scenario: m.Scenario) -> m.Network:
    """The network a scenario checks: its parts down, the file's flows and the scenario's,
    and only the scenario's expectations."""
    down = take_down(network, scenario.down)
    return dataclasses.replace(
        down,
        flows={**network.flows, **scenario.flows},
        expectations=scenario.expectations,
        scenarios=(),
    )


def take_down(network: m.Network, parts: Iterable[m.DownPart]) -> m.Network:
    """The network with ``parts`` down; the network given is unchanged."""
    vpcs = dict(network.vpcs)
    vpns = dict(network.vpns)
    tgw_peerings = dict(network.tgw_peerings)
    dx_connections = dict(network.dx_connections)
    for part in parts:
        if part.kind is m.PartKind.DX_CONNECTION:
            dx_connections[part.name] = dataclasses.replace(dx_connections[part.name], down=True)
            continue
        if part.kind is m.PartKind.VPN:
            vpns[part.name] = dataclasses.replace(vpns[part.name], down=True)
            continue
        if part.kind is m.PartKind.TGW_PEERING:
            # Static routes only: none is withdrawn; the simulator reads the flag.
            tgw_peerings[part.name] = dataclasses.replace(tgw_peerings[part.name], down=True)
            continue
        vpc = vpcs[part.vpc]
        if part.kind is m.PartKind.INSTANCE:
            instances = {**vpc.instances, part.name: _down(vpc.instances[part.name])}
            vpcs[part.vpc] = dataclasses.replace(vpc, instances=instances)
        else:
            nats = {**vpc.nat_gateways, part.name: _down(vpc.nat_gateways[part.name])}
            vpcs[part.vpc] = dataclasses.replace(vpc, nat_gateways=nats)
    withdrawn = {name for name, vpn in vpns.items() if vpn.down and not network.vpns[name].down}
    if tgw_peerings != network.tgw_peerings:
        network = dataclasses.replace(network, tgw_peerings=tgw_peerings)
    if dx_connections != network.dx_connections:
        network = _without_dx(dataclasses.replace(network, dx_connections=dx_connections), vpcs)
        vpcs = dict(network.vpcs)
    if not withdrawn:
        return dataclasses.replace(network, vpcs=vpcs)
    gateways = {vpns[name].gateway for name in withdrawn}
    for name, vpc in vpcs.items():
        if vpc.vpn_gateway is not None and vpc.vpn_gateway.name in gateways:
            tables = {
                n: _repropagate(t, vpns.values(), network) for n, t in vpc.route_tables.items()
            }
            vpcs[name] = dataclasses.replace(vpc, route_tables=tables)
    tgws = network.transit_gateways
    if gateways & tgws.keys():
        tgws = {n: _withdraw(t, withdrawn) if n in gateways else t for n, t in tgws.items()}
    return dataclasses.replace(network, vpcs=vpcs, vpns=vpns, transit_gateways=tgws)


def _without_dx(network: m.Network, vpcs: dict[str, m.Vpc]) -> m.Network:
    """The network with the routes learnt over its down Direct Connect connections
    withdrawn: from the route tables that propagate from a VPN gateway, and from the
    transit gateway route tables that propagate a DX gateway attachment."""
    changed = dict(vpcs)
    for name, vpc in vpcs.items():
        if vpc.vpn_gateway is None:
            continue
        tables = {
            n: _repropagate(t, network.vpns.values(), network) for n, t in vpc.route_tables.items()
        }
        changed[name] = dataclasses.replace(vpc, route_tables=tables)
    tgws = {n: _relearn_dx(t, network) for n, t in network.transit_gateways.items()}
    return dataclasses.replace(network, vpcs=changed, transit_gateways=tgws)


def _relearn_dx(tgw: m.TransitGateway, network: m.Network) -> m.TransitGateway:
    """A transit gateway whose DX gateway attachments propagate only the CIDRs of the
    sites whose transit VIFs are still up."""
    dx = {a for a, att in tgw.attachments.items() if att.kind is m.AttachmentKind.DX_GATEWAY}
    if not dx:
        return tgw
    tables = {}
    for name, table in tgw.route_tables.items():
        kept = tuple(
            r
            for r in table.routes
            if r.origin is not m.RouteOrigin.PROPAGATED or r.attachment not in dx
        )
        learnt = tuple(
            m.TgwRoute(p, vif.target, m.RouteOrigin.PROPAGATED, tgw.attachments[vif.target].span)
            for vif in network.vifs.values()
            if vif.to_dx_gateway and vif.target in dx and vif.target in table.propagations
            if not network.dx_connections[vif.connection].down
            for p in vif.prefixes
        )
        tables[name] = dataclasses.replace(table, routes=(*kept, *learnt))
    return dataclasses.replace(tgw, route_tables=tables)


def _down(part: _Part) -> _Part:
    return dataclasses.replace(part, down=True)


def _repropagate(
    table: m.RouteTable, vpns: Iterable[m.Vpn], network: m.Network | None = None
) -> m.RouteTable:
    """A VPC route table's propagated routes learnt again from the VPNs (and the Direct
    Connect virtual interfaces) still up."""
    if not table.propagations:
        return table
    kept = tuple(r for r in table.routes if r.origin is not m.RouteOrigin.PROPAGATED)
    learnt = m.propagated_routes(table.propagations, vpns)
    if network is not None:
        learnt += m.propagated_dx_routes(
            table.propagations, network.vifs.values(), network.dx_connections, network.dx_gateways
        )
    return dataclasses.replace(table, routes=(*kept, *learnt))


def _withdraw(tgw: m.TransitGateway, vpns: set[str]) -> m.TransitGateway:
    """A transit gateway without the routes the VPN attachments ``vpns`` propagated."""

    def kept(route: m.TgwRoute) -> bool:
        return route.origin is not m.RouteOrigin.PROPAGATED or route.attachment not in vpns

    tables = {
        name: dataclasses.replace(table, routes=tuple(r for r in table.routes if kept(r)))
        for name, table in tgw.route_tables.items()
    }
    return dataclasses.replace(tgw, route_tables=tables)
