"""Scenarios (LANGUAGE.md §12): the parts each takes down, its flows and its expectations.

A scenario is resolved last, against the built network, like the file's flows and
expectations. ``down`` names a part that has a ``down`` state: a VPN, a transit gateway
peering or a Direct Connect connection by its name, an
instance or a NAT gateway by its name or as ``vpc.name`` (a name two VPCs hold is
ambiguous). A scenario's flows are added to the file's, so a flow name is unique across
the file and the scenario; ``expect cost`` in a scenario may name either.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from netdraft import codes
from netdraft.dsl import syntax as st
from netdraft.dsl.passes import intent, literals, scope
from netdraft.dsl.passes.resolve import PlaceResolver
from netdraft.model import network as m

if TYPE_CHECKING:
    from netdraft.dsl.passes.context import Context


def _instances(vpc: m.Vpc) -> Mapping[str, object]:
    return vpc.instances


def _nat_gateways(vpc: m.Vpc) -> Mapping[str, object]:
    return vpc.nat_gateways


#: The parts inside a VPC that can go down, and where each VPC holds them.
_IN_VPC: tuple[tuple[m.PartKind, Callable[[m.Vpc], Mapping[str, object]]], ...] = (
    (m.PartKind.INSTANCE, _instances),
    (m.PartKind.NAT_GATEWAY, _nat_gateways),
)


def build(c: Context, network: m.Network, places: PlaceResolver) -> tuple[m.Scenario, ...]:
    """Every scenario of the file, in file order (one with a problem is left out)."""
    seen: dict[str, st.ScenarioDecl] = {}
    found: list[m.Scenario] = []
    for decl in c.source.statements:
        if not isinstance(decl, st.ScenarioDecl):
            continue
        name = st.Tok(literals.unquote(decl.name.text), decl.name.span)
        if not scope.declare(c, seen, name, decl, "scenario"):
            continue
        built = _scenario(c, decl, name.text, network, places)
        if built is not None:
            found.append(built)
    return tuple(found)


def _scenario(
    c: Context, decl: st.ScenarioDecl, name: str, network: m.Network, places: PlaceResolver
) -> m.Scenario | None:
    before = len(c.diagnostics)
    down: dict[m.DownPart, None] = {}
    flows: dict[str, m.Flow] = {}
    flow_decls: dict[str, object] = dict(c.scope.flows)
    for item in decl.items:
        if isinstance(item, st.DownDecl):
            for ref in item.refs:
                part = _part(c, ref, network)
                if part is not None:
                    down.setdefault(part, None)
        elif isinstance(item, st.FlowDecl):
            where = f" (in the file and in scenario '{name}')"
            if scope.declare(c, flow_decls, item.name, item, "flow", where):
                flow = intent.build_flow(c, item, places)
                if flow is not None:
                    flows[flow.name] = flow
    own_flows = [i.name.text for i in decl.items if isinstance(i, st.FlowDecl)]
    expectations = tuple(
        e
        for i in decl.items
        if isinstance(i, st.ExpectPathDecl | st.ExpectCostDecl)
        if (e := intent.build_expectation(c, i, places, network, own_flows)) is not None
    )
    if len(c.diagnostics) > before:
        return None
    return m.Scenario(name, tuple(down), flows, expectations, decl.span)


def _part(c: Context, ref: st.Ref, network: m.Network) -> m.DownPart | None:
    """The part ``down`` names, or None after a diagnostic."""
    found = [
        m.DownPart(kind, ref.name, vpc.name, ref.span)
        for vpc in network.vpcs.values()
        if ref.scope in (None, vpc.name)
        for kind, held in _IN_VPC
        if ref.name in held(vpc)
    ]
    if ref.scope is None and ref.name in network.vpns:
        found.insert(0, m.DownPart(m.PartKind.VPN, ref.name, span=ref.span))
    if ref.scope is None and ref.name in network.tgw_peerings:
        found.insert(0, m.DownPart(m.PartKind.TGW_PEERING, ref.name, span=ref.span))
    if ref.scope is None and ref.name in network.dx_connections:
        found.insert(0, m.DownPart(m.PartKind.DX_CONNECTION, ref.name, span=ref.span))
    if len(found) > 1:
        where = ", ".join(sorted(f"{p.kind.value} {p}" for p in found))
        c.err(
            codes.AMBIGUOUS_NAME,
            f"'{ref}' names more than one part",
            ref.span,
            f"write one of: {where}",
        )
        return None
    if found:
        return found[0]
    held_names = (n for vpc in network.vpcs.values() for _, held in _IN_VPC for n in held(vpc))
    where = f" in vpc '{ref.scope}'" if ref.scope else ""
    c.unknown(
        "VPN, transit gateway peering, Direct Connect connection, instance or NAT gateway",
        ref,
        itertools.chain(network.vpns, network.tgw_peerings, network.dx_connections, held_names),
        where,
    )
    return None
