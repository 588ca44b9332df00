"""Prefix lists: the file's customer-managed lists, and AWS's managed ``s3`` and ``dynamodb``.

A list declared at the top level is seen from every region; one declared in a region,
from that region's VPCs only (AWS's prefix lists are regional; a top-level list stands
for the same list created in each region that uses it). The names ``s3`` and
``dynamodb`` are the AWS-managed lists of the service in the VPC's region, with the
CIDRs of the bundled snapshot of AWS's IP ranges (:mod:`netdraft.model.aws_ranges`), or
the entries a region writes for them (``prefix-list s3 { … }`` in the region: an imported
dump's ``get-managed-prefix-list-entries``), which replace the snapshot's there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from netdraft import codes
from netdraft.diagnostics import warning
from netdraft.dsl import syntax as st
from netdraft.dsl.passes import literals
from netdraft.model import network as m
from netdraft.model.aws_ranges import MANAGED_SERVICES, snapshot
from netdraft.model.values import NO_SPAN, IPNetwork, Span

if TYPE_CHECKING:
    from netdraft.dsl.passes.context import Context

#: "Maximum number of entries per prefix list": 1,000 (Amazon VPC quotas, prefix lists).
MAX_ENTRIES = 1000


def build(c: Context) -> None:
    """Every customer-managed list of the file, checked: one family, at most 1,000
    distinct entries; an empty list is a warning."""
    for region, lists in c.scope.prefix_lists.items():
        for name, decl in lists.items():
            c.prefix_lists[(region, name)] = _build(c, region, decl)


def _build(c: Context, region: str, decl: st.PrefixListDecl) -> m.PrefixList:
    cidrs: list[IPNetwork] = []
    seen: dict[IPNetwork, st.Tok] = {}
    for tok in decl.cidrs:
        net = literals.net(c, tok)
        if net is None:
            continue
        if net in seen:
            c.err(
                codes.PREFIX_LIST_SIZE,
                f"prefix list '{decl.name.text}' has {net} twice",
                tok.span,
                f"first on line {seen[net].span.line}",
            )
            continue
        if cidrs and net.version != cidrs[0].version:
            c.err(
                codes.PREFIX_LIST_FAMILY,
                f"prefix list '{decl.name.text}' holds IPv{cidrs[0].version} CIDRs; {net} is IPv{net.version}",
                tok.span,
                "a prefix list has one address family: make a second list for the others",
            )
            continue
        seen[net] = tok
        cidrs.append(net)
    if len(cidrs) > MAX_ENTRIES:
        c.err(
            codes.PREFIX_LIST_SIZE,
            f"prefix list '{decl.name.text}' has {len(cidrs)} entries; AWS allows at most {MAX_ENTRIES}",
            decl.name.span,
            "split it into several lists",
        )
    if not decl.cidrs:
        c.diagnostics.append(
            warning(
                codes.PREFIX_LIST_EMPTY,
                f"prefix list '{decl.name.text}' has no entries",
                decl.name.span,
                "a rule or route naming it matches nothing",
            )
        )
    if decl.name.text in MANAGED_SERVICES:  # AWS's list of the region, its entries written
        return m.PrefixList(decl.name.text, cidrs=tuple(cidrs), region=region, span=decl.span)
    return m.PrefixList(name=decl.name.text, cidrs=tuple(cidrs), region=region, span=decl.span)


def is_name(tok: st.Tok) -> bool:
    """Whether a destination is written as a name (a prefix list) rather than a CIDR."""
    return "/" not in tok.text and ":" not in tok.text and not tok.text[:1].isdigit()


def managed(c: Context, service: str, region: str) -> m.PrefixList:
    """The AWS-managed list of ``service`` in ``region``: as the region states it
    (``prefix-list s3 { … }`` in the region), else from the bundled snapshot."""
    written = c.prefix_lists.get((region, service))
    if written is not None:
        return written
    return m.PrefixList(service, cidrs=snapshot().cidrs(service, region), region=region)


def used(c: Context, listed: m.PrefixList, span: Span) -> None:
    """Warn, once per region, that the bundled AWS ranges do not know the region of a
    managed list used: it matches the service only where it is named, never an address."""
    region = listed.region
    if not listed.managed or listed.span != NO_SPAN or region in snapshot().regions:
        return
    if region in c.unknown_regions:
        return
    c.unknown_regions.add(region)
    c.diagnostics.append(
        warning(
            codes.AWS_RANGES_UNKNOWN_REGION,
            f"the bundled AWS ranges do not know region '{region}': '{listed.service}' holds no address there",
            span,
            "run scripts/update-aws-ranges.py on a current ip-ranges.json, or state the"
            f" region's entries: prefix-list {listed.service} {{ CIDR … }} in region {region}",
        )
    )


def find(c: Context, region: str, name: str) -> m.PrefixList | None:
    """The list ``name`` as a VPC of ``region`` sees it: the region's, the top level's, or
    an AWS-managed one."""
    found = c.prefix_lists.get((region, name)) or c.prefix_lists.get(("", name))
    if found is not None:
        return found
    if name in MANAGED_SERVICES:
        return managed(c, name, region)
    return None


def names(c: Context, region: str) -> list[str]:
    """The prefix list names a VPC of ``region`` may use (for hints)."""
    return [n for (r, n) in c.prefix_lists if r in ("", region)] + list(MANAGED_SERVICES)


#: A route of a VPC's or of a transit gateway's route table.
_Route = TypeVar("_Route", st.RouteDecl, st.TgwRouteDecl)


def first_route(
    c: Context,
    seen: dict[m.RouteDestination, _Route],
    dest: m.RouteDestination,
    item: _Route,
    table: str,
) -> bool:
    """Whether ``item`` is the first route of route table ``table`` to ``dest`` (recorded in
    ``seen``); a second one is a ``route-duplicate`` at its destination."""
    if dest in seen:
        c.err(
            codes.ROUTE_DUPLICATE,
            f"route table '{table}' already has a route to {dest}",
            item.destination.span,
            f"first on line {seen[dest].span.line}",
        )
        return False
    seen[dest] = item
    return True


def route_destination(c: Context, region: str, tok: st.Tok) -> m.RouteDestination | None:
    """A route's destination: a CIDR, or a customer-managed prefix list of the region.

    A route to an AWS-managed list (``s3``, ``dynamodb``) is refused: the gateway endpoint
    of the service adds that route to the tables it is given."""
    if not is_name(tok):
        return literals.net(c, tok)
    listed = find(c, region, tok.text)
    if listed is None:
        c.unknown("prefix list", tok, names(c, region), f" in {region}")
        return None
    if listed.managed:
        c.err(
            codes.PREFIX_LIST_ROUTE,
            f"no route is written to '{tok.text}', the AWS-managed prefix list of the service",
            tok.span,
            f"add 'endpoint NAME gateway {tok.text} route-tables TABLE': AWS adds the route itself",
        )
        return None
    return listed
