"""What the file means the network to do: flows, and expectations of paths and costs.

They name places of the built network (instances, hosts, addresses, services), so they
are resolved last, against the model, by :class:`~.resolve.PlaceResolver`.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from decimal import Decimal
from typing import TYPE_CHECKING

from netdraft import codes
from netdraft.diagnostics import Diagnostic, error
from netdraft.dsl import syntax as st
from netdraft.dsl.messages import drop_codes, unknown_code
from netdraft.dsl.passes import dns, literals
from netdraft.dsl.passes.resolve import Kind, PlaceResolver, component_names, not_crossed, resolve
from netdraft.model import network as m

if TYPE_CHECKING:
    from netdraft.dsl.passes.context import Context


def place(c: Context, written: st.Place, places: PlaceResolver) -> m.Place | None:
    result = places.resolve(written)
    if isinstance(result, Diagnostic):
        if not (result.code == codes.UNKNOWN_NAME.name and _not_built(c, written)):
            c.diagnostics.append(result)
        return None
    return result


def _not_built(c: Context, written: st.Place) -> bool:
    """Whether ``written`` names an instance or NAT gateway the file declares but the
    compiler could not build (an unknown subnet, a full one): its declaration has the
    error, so each flow or expectation naming it adds none."""
    if not isinstance(written, st.Ref):
        return False
    return any(
        written.name in (*vpc.instances, *vpc.nats)
        for vpc in c.scope.vpcs.values()
        if written.scope in (None, vpc.name)
    )


def build_flow(c: Context, decl: st.FlowDecl, places: PlaceResolver) -> m.Flow | None:
    src, dst = place(c, decl.source, places), place(c, decl.destination, places)
    proto, port = literals.single_port(c, decl.protocol)
    icmp = literals.icmp(c, decl.protocol)
    volume = literals.volume(c, decl.volume)
    ret = literals.volume(c, decl.return_volume) if decl.return_volume else None
    if src is None or dst is None or volume is None:
        return None
    return m.Flow(decl.name.text, src, dst, proto, port, volume, ret, decl.span, icmp)


def _because(c: Context, written: st.Tok | None) -> str | None:
    """The drop code a ``because`` names (``unknown-code`` for one that is none)."""
    if written is None:
        return None
    if written.text not in drop_codes():
        message, label, notes = unknown_code(written.text)
        c.diagnostics.append(error(codes.UNKNOWN_CODE, message, written.span, label, notes))
    return written.text


def build_resolves(
    c: Context, decl: st.ExpectResolvesDecl, places: PlaceResolver
) -> m.ResolveExpectation | None:
    """``expect CLIENT resolves NAME …``: the client is an instance or a site host."""
    src = place(c, decl.source, places)
    if src is not None and src.kind not in (m.PlaceKind.INSTANCE, m.PlaceKind.HOST):
        c.err(
            codes.BAD_EXPECT,
            f"'{src}' does not resolve names: a client is an instance or a site host",
            decl.source.span,
        )
        return None
    named = dns.check_name(c, decl.name, asked=True)
    addresses = tuple(a for t in decl.addresses if (a := literals.addr(c, t)) is not None)
    because = _because(c, decl.because)
    via = decl.via.name if decl.via is not None else None
    versions = {a.version for a in addresses}
    if len(versions) > 1:
        # An A query and an AAAA query are two questions, each with its own answer.
        c.err(
            codes.BAD_EXPECT,
            f"'{decl.name.text}' is expected to resolve to IPv4 and IPv6 addresses at once",
            decl.span,
            "an A query and an AAAA query are two: write one line for each",
        )
        return None
    if src is None or not named or len(addresses) != len(decl.addresses):
        return None
    qtype = m.RecordKind.AAAA if versions == {6} else m.RecordKind.A
    return m.ResolveExpectation(src, decl.name.text, addresses, via, because, decl.span, qtype)


def build_resiliency(c: Context, decl: st.ExpectResiliencyDecl) -> m.ResiliencyExpectation | None:
    """``expect resiliency SITE MODEL`` (LANGUAGE.md §12)."""
    site = resolve(c, Kind.SITE, decl.site)
    models = [model.value for model in m.ResiliencyModel]
    if decl.model.text not in models:
        c.err(
            codes.RESILIENCY_MODEL,
            f"'{decl.model.text}' is not a Direct Connect resiliency model",
            decl.model.span,
            f"AWS's models: {', '.join(models)}",
        )
        return None
    if site is None:
        return None
    return m.ResiliencyExpectation(site, m.ResiliencyModel(decl.model.text), decl.span)


def build_expectation(
    c: Context,
    decl: st.ExpectPathDecl | st.ExpectCostDecl | st.ExpectResolvesDecl | st.ExpectResiliencyDecl,
    places: PlaceResolver,
    network: m.Network,
    more_flows: Collection[str] = (),
) -> m.Expectation | None:
    """An expectation; ``more_flows`` are the flows a scenario adds to the file's."""
    if isinstance(decl, st.ExpectResolvesDecl):
        return build_resolves(c, decl, places)
    if isinstance(decl, st.ExpectResiliencyDecl):
        return build_resiliency(c, decl)
    if isinstance(decl, st.ExpectCostDecl):
        subject = decl.subject.text
        flows = [*c.scope.flows, *more_flows]
        if subject != "total" and subject not in flows:
            c.unknown("flow", decl.subject, itertools.chain(flows, ["total"]))
            return None
        return m.CostExpectation(
            None if subject == "total" else subject,
            m.CostOperator(decl.operator.text),
            Decimal(decl.amount.text),
            decl.span,
        )
    src, dst = place(c, decl.source, places), place(c, decl.destination, places)
    proto, port, ports = literals.port_set(c, decl.protocol)
    icmp = literals.icmp(c, decl.protocol)
    because = _because(c, decl.because)
    via = None
    if decl.via is not None:
        if c.components is None:
            c.components = component_names(network)
        names = c.components
        kind = not_crossed(network, decl.via.name)
        if decl.via.name not in names and kind:
            c.err(
                codes.UNKNOWN_NAME,
                f"'{decl.via.name}' is a {kind}: 'via' names something a packet passes through",
                decl.via.span,
                "a gateway, NAT, peering, transit gateway, VPN, endpoint, instance or subnet",
            )
        elif decl.via.name not in names:
            c.unknown("component", decl.via, names)
        via = decl.via.name
    verdict = m.Verdict(decl.verdict.text)
    if verdict is m.Verdict.ALLOW and because is not None:
        c.err(
            codes.BAD_EXPECT,
            "'because' names why a path is denied; this one expects allow",
            decl.because.span if decl.because else decl.span,
        )
    if src is None or dst is None:
        return None
    return m.PathExpectation(src, dst, proto, port, verdict, via, because, decl.span, icmp, ports)
