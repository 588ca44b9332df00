"""Compile the syntax tree into the model: the passes of :mod:`netdraft.dsl.passes`, in order.

Problems found here (unknown names, clashing declarations, malformed literals, addresses
that do not fit) become diagnostics; the rules about the network's shape live in
:mod:`netdraft.dsl.validate` and run on the model this module builds.

The pipeline (sqlglot's ``optimizer.RULES``): each step reads and fills the one
:class:`~netdraft.dsl.passes.context.Context` of the compilation.

1. ``scope.collect``: the symbol tables, every declaration by kind and scope; then
   ``ipam.allocate``, the CIDRs and addresses IPAM pools give out (:mod:`~.passes.ipam`);
2. sites and VPNs, which route tables propagate from;
3. each VPC: its literals, its references (:mod:`~.passes.resolve`), AWS's implicit
   objects (:mod:`~.passes.defaults`) and its addresses (:mod:`~.passes.addresses`);
   then the addresses held twice across the file (``duplicate-address``);
4. peerings and transit gateways, which join the VPCs: the network;
5. flows and expectations, which name places of that network, and the scenarios that
   re-check it with some parts down (:mod:`~.passes.scenarios`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from netdraft import codes
from netdraft.diagnostics import Diagnostic, where_first
from netdraft.dsl import syntax as st
from netdraft.dsl.passes import (
    accelerators,
    addresses,
    connections,
    direct_connect,
    dns,
    intent,
    ipam,
    literals,
    prefix_lists,
    scenarios,
    scope,
    vpcs,
)
from netdraft.dsl.passes.context import Context
from netdraft.dsl.passes.literals import MAX_DIGITS, number_value
from netdraft.dsl.passes.resolve import PlaceResolver, component_names
from netdraft.model import network as m

__all__ = [
    "MAX_DIGITS",
    "STEPS",
    "PlaceResolver",
    "compile_source",
    "component_names",
    "number_value",
]


def build_sites_and_vpns(c: Context) -> None:
    for name, site in c.scope.sites.items():
        c.built_sites[name] = connections.build_site(c, site)
    for name, decl in c.scope.vpns.items():
        vpn = connections.build_vpn(c, decl)
        if vpn is not None:
            c.built_vpns[name] = vpn
    direct_connect.build(c)


def build_vpcs(c: Context) -> None:
    for name, vpc in c.scope.vpcs.items():
        c.built_vpcs[name] = vpcs.build_vpc(c, vpc)


def check_addresses(c: Context) -> None:
    addresses.check_held(c)


def build_network(c: Context) -> None:
    peerings = {n: p for n, d in c.scope.peerings.items() if (p := connections.build_peering(c, d))}
    tgw_peerings = connections.build_tgw_peerings(c)
    tgws = {n: connections.build_tgw(c, d, r, tgw_peerings) for n, (d, r) in c.scope.tgws.items()}
    c.network = m.Network(
        file=c.source.path,
        title=_title(c),
        regions=tuple(c.scope.regions),
        vpcs=c.built_vpcs,
        peerings=peerings,
        transit_gateways=tgws,
        sites=c.built_sites,
        vpns=c.built_vpns,
        flows={},
        expectations=(),
        price_files=tuple(
            (literals.unquote(s.path.text), s.span)
            for s in c.source.statements
            if isinstance(s, st.Prices)
        ),
        prefix_lists=tuple(c.prefix_lists.values()),
        zones=dns.build_zones(c),
        resolver_rules=dns.build_rules(c),
        tgw_peerings=tgw_peerings,
        dx_connections=c.built_dx_connections,
        dx_gateways=c.built_dx_gateways,
        vifs=c.built_vifs,
        ipam_pools=c.ipam_pools,
        accelerators=accelerators.build(c, c.built_vpcs),
    )


def build_intent(c: Context) -> None:
    built = c.network
    assert built is not None, "the network is built before what names its places"
    places = PlaceResolver(built)
    flows = {n: f for n, d in c.scope.flows.items() if (f := intent.build_flow(c, d, places))}
    expectations = tuple(
        e
        for s in c.source.statements
        if isinstance(
            s,
            st.ExpectPathDecl | st.ExpectCostDecl | st.ExpectResolvesDecl | st.ExpectResiliencyDecl,
        )
        if (e := intent.build_expectation(c, s, places, built)) is not None
    )
    c.network = dataclasses.replace(
        built,
        flows=flows,
        expectations=expectations,
        scenarios=scenarios.build(c, built, places),
    )


#: The compiler, in order.
STEPS: tuple[Callable[[Context], None], ...] = (
    scope.collect,
    ipam.allocate,
    prefix_lists.build,
    build_sites_and_vpns,
    build_vpcs,
    check_addresses,
    build_network,
    build_intent,
)


def compile_source(source: st.SourceFile) -> tuple[m.Network, list[Diagnostic]]:
    """Build the model of a parsed file.

    Returns:
        The network (complete as far as the file makes sense) and the diagnostics found.
    """
    c = Context(source)
    for step in STEPS:
        step(c)
    assert c.network is not None
    return c.network, c.diagnostics


def _title(c: Context) -> str | None:
    titles = [s for s in c.source.statements if isinstance(s, st.Title)]
    for extra in titles[1:]:
        first = titles[0].span
        c.err(
            codes.DUPLICATE_NAME,
            f"a title is already set {where_first(first, extra.span)}",
            extra.span,
            "a network has one title: remove this one",
            first,
        )
    return literals.unquote(titles[0].text.text) if titles else None
