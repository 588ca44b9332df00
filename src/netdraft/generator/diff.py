"""``netdraft diff``: what changes between two versions of a network (LANGUAGE.md §13–§14).

Three comparisons, each of the compiled models, never of the text, so a file that is only
reformatted (or whose statements are reordered) shows no change:

* **components** by kind and qualified name (``demo.app-sg``): added, removed, and
  changed with the attributes that changed — rules and routes as lines added and removed
  (their order does not matter to AWS, so it does not count), any other attribute as
  ``old → new``. Source positions are never compared;
* **reachability**: every verdict that changed, from :mod:`netdraft.sim.reach_diff`,
  and every ``expect`` present in both versions whose simulated verdict changed;
* **costs**: each flow's and each hourly item's monthly cost before and after, exact,
  rounded half up to the cent only when shown (§14 Money).

The report renders as the documented JSON (``docs/json.md``) and as Markdown for a
pull-request comment; :func:`failures` decides the ``--fail-on`` conditions.
"""

from __future__ import annotations

import dataclasses
import enum
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeGuard

from netdraft.generator.costs import money
from netdraft.generator.explain import _acl_rule, _sg_rule
from netdraft.generator.exposure import icmp_json
from netdraft.generator.markdown import code_span, escape_md
from netdraft.model import network as m
from netdraft.model.values import CONNECTION_PORTS, PortRange, Protocol, Volume, traffic_text
from netdraft.sim import icmp
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.classes import query
from netdraft.sim.cost import CostReport, cents
from netdraft.sim.ports import pieces, rule_cuts
from netdraft.sim.reach_diff import ReachChange, reachability_changes

#: Version of the JSON document ``netdraft diff --format json`` prints.
DIFF_JSON_VERSION = 1

# --- components -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComponentChange:
    """A component added, removed or changed; ``changes`` says what changed in it."""

    kind: str  # vpc, subnet, route-table, security-group, …
    name: str  # qualified: vpc.subnet, site.host, tgw.table
    changes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ComponentDiff:
    added: tuple[ComponentChange, ...]
    removed: tuple[ComponentChange, ...]
    changed: tuple[ComponentChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


#: A VPC's parts by the field that holds them, with the kind each one is reported as.
_VPC_PARTS = {
    "subnets": "subnet",
    "route_tables": "route-table",
    "security_groups": "security-group",
    "network_acls": "network-acl",
    "instances": "instance",
    "nat_gateways": "nat-gateway",
    "endpoints": "endpoint",
    "load_balancers": "load-balancer",
    "target_groups": "target-group",
}
_GATEWAYS = {
    "internet_gateway": "internet-gateway",
    "egress_only_gateway": "egress-only-gateway",
    "vpn_gateway": "vpn-gateway",
}


def components(network: m.Network) -> dict[tuple[str, str], object]:
    """Every component of a network by (kind, qualified name)."""
    found: dict[tuple[str, str], object] = {}
    for vpc in network.vpcs.values():
        found["vpc", vpc.name] = vpc
        for attr, kind in _GATEWAYS.items():
            gw = getattr(vpc, attr)
            if gw is not None:
                found[kind, f"{vpc.name}.{gw.name}"] = gw
        for attr, kind in _VPC_PARTS.items():
            parts: Mapping[str, object] = getattr(vpc, attr)
            for name, part in parts.items():
                found[kind, f"{vpc.name}.{name}"] = part
    for tgw in network.transit_gateways.values():
        found["transit-gateway", tgw.name] = tgw
        for name, att in tgw.attachments.items():
            found["tgw-attachment", f"{tgw.name}.{name}"] = att
        for name, table in tgw.route_tables.items():
            found["tgw-route-table", f"{tgw.name}.{name}"] = table
    for site in network.sites.values():
        found["site", site.name] = site
        for name, host in site.hosts.items():
            found["host", f"{site.name}.{name}"] = host
        for name, cgw in site.customer_gateways.items():
            found["customer-gateway", f"{site.name}.{name}"] = cgw
    groups: tuple[tuple[str, Mapping[str, object]], ...] = (
        ("peering", network.peerings),
        ("vpn", network.vpns),
        ("dx-connection", network.dx_connections),
        ("dx-gateway", network.dx_gateways),
        ("vif", network.vifs),
        ("tgw-peering", network.tgw_peerings),
        ("accelerator", network.accelerators),
    )
    for kind, items in groups:
        for name, item in items.items():
            found[kind, name] = item
    for pl in network.prefix_lists:
        found["prefix-list", f"{pl.region}.{pl.name}" if pl.region else pl.name] = pl
    for name, flow in network.flows.items():
        found["flow", name] = flow
    return found


def _text(value: object) -> str:
    """A model value as a reviewer reads it, without source positions."""
    if isinstance(value, m.SgRule):
        return _sg_rule(value)
    if isinstance(value, m.AclRule):
        return _acl_rule(value)
    if isinstance(value, m.Route):
        origin = "" if value.origin is m.RouteOrigin.STATIC else f" ({value.origin.value})"
        return f"{value.destination} via {value.target}{origin}"
    if isinstance(value, m.TgwRoute):
        origin = "" if value.origin is m.RouteOrigin.STATIC else f" ({value.origin.value})"
        return f"{value.destination} via {value.attachment or 'blackhole'}{origin}"
    if isinstance(value, m.Place):
        return value.text
    if isinstance(value, Volume):
        return str(value)
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "none"
    if isinstance(value, tuple):
        return ", ".join(_text(v) for v in value) or "none"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return " ".join(_text(v) for _, v in _fields(value))
    return str(value)


def _fields(obj: object) -> Iterator[tuple[str, object]]:
    """The attributes compared: not positions, not the parts reported on their own."""
    for name in _field_names(type(obj)):
        yield name, getattr(obj, name)


#: The declared types of fields that are not compared: positions, and parts (a VPC's
#: subnets, its gateways, a site's hosts…) that are components of their own.
_NOT_COMPARED = ("Span", "Mapping", "Gateway")
#: Fields that are counts derived from other components, not choices of the design: a
#: subnet's count of network interfaces changes with every instance added to it, which is
#: reported as that instance.
_DERIVED: Mapping[type, tuple[str, ...]] = {m.Subnet: ("interfaces",)}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    found = _FIELD_NAMES.get(cls)
    if found is None:
        assert dataclasses.is_dataclass(cls)
        found = _FIELD_NAMES[cls] = tuple(
            f.name
            for f in dataclasses.fields(cls)
            if not any(word in str(f.type) for word in _NOT_COMPARED)
            and f.name not in _DERIVED.get(cls, ())
        )
    return found


def _is_list(value: object) -> bool:
    """A tuple of rules, routes or other parts: compared as lines added and removed."""
    return isinstance(value, tuple) and any(dataclasses.is_dataclass(v) for v in value)


def _is_names(value: object) -> TypeGuard[tuple[str, ...]]:
    """A tuple of names (an instance's groups, an ACL's subnets, an endpoint's route
    tables): a set, whose order AWS does not keep."""
    return isinstance(value, tuple) and all(isinstance(v, str) for v in value)


def _attribute_changes(old: object, new: object) -> tuple[str, ...]:
    out: list[str] = []
    after = dict(_fields(new))
    for name, before in _fields(old):
        now = after.get(name)
        if before == now:  # the quick answer; unequal may still be only positions
            continue
        word = name.replace("_", "-")
        if _is_list(before) or _is_list(now):
            was = Counter(_text(v) for v in before or ())  # type: ignore[attr-defined]
            isnow = Counter(_text(v) for v in now or ())  # type: ignore[attr-defined]
            for sign, items in (("+", isnow - was), ("-", was - isnow)):
                # An SG rule's text starts with its direction: no need to say it twice.
                out += [
                    f"{sign} {t}" if t.startswith(word) else f"{word} {sign} {t}"
                    for t in sorted(items.elements())
                ]
        elif _is_names(before) and _is_names(now) and sorted(before) == sorted(now):
            continue  # a list of names is a set (groups, associations): order is no change
        elif _text(before) != _text(now):
            out.append(f"{word}: {_text(before)} → {_text(now)}")
    return tuple(out)


def component_diff(old: m.Network, new: m.Network) -> ComponentDiff:
    """Components added, removed and changed between two networks, sorted by kind and name."""
    was, now = components(old), components(new)
    added = [ComponentChange(*key) for key in sorted(now.keys() - was.keys())]
    removed = [ComponentChange(*key) for key in sorted(was.keys() - now.keys())]
    changed = []
    for key in sorted(was.keys() & now.keys()):
        found = _attribute_changes(was[key], now[key])
        if found:
            changed.append(ComponentChange(*key, found))
    return ComponentDiff(tuple(added), tuple(removed), tuple(changed))


# --- expectations ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExpectChange:
    """An ``expect`` line of both versions whose simulated verdict changed."""

    text: str  # src -> dst traffic, as written
    expected: str
    before: str
    after: str
    line: int  # in the new version


def _expect_key(e: m.PathExpectation) -> tuple[str, str, str]:
    return e.source.text, e.destination.text, traffic_text(e.protocol, e.ports or e.port, e.icmp)


def expect_changes(old: NetworkAnalysis, new: NetworkAnalysis) -> list[ExpectChange]:
    before = {_expect_key(o.expectation): o.trace for o in old.outcomes.paths}
    out = []
    for o in new.outcomes.paths:
        key = _expect_key(o.expectation)
        was = before.get(key)
        if was is not None and was.verdict is not o.trace.verdict:
            out.append(
                ExpectChange(
                    f"{key[0]} -> {key[1]} {key[2]}",
                    o.expectation.verdict.value,
                    was.verdict.value,
                    o.trace.verdict.value,
                    o.expectation.span.line,
                )
            )
    return out


# --- costs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CostLine:
    """One flow or hourly item's monthly cost in each version (None: not in that version)."""

    kind: str  # flow | hourly | monthly
    name: str
    before: Decimal | None
    after: Decimal | None

    @property
    def delta(self) -> Decimal:
        return (self.after or Decimal(0)) - (self.before or Decimal(0))


def _items(report: CostReport) -> dict[tuple[str, str], Decimal]:
    found = {("flow", name): fc.total for name, fc in report.flows.items()}
    for kind, charges in (("hourly", report.hourly), ("monthly", report.monthly)):
        for c in charges:
            key = (kind, f"{c.what} in vpc {c.vpc}" if c.vpc else c.what)
            found[key] = found.get(key, Decimal(0)) + c.amount
    return found


def cost_lines(old: CostReport, new: CostReport) -> list[CostLine]:
    """Every flow, then every hourly item, of either version: the old one's order, then the
    new items in the new one's order."""
    was, now = _items(old), _items(new)
    keys = sorted({*was, *now}, key=lambda k: (k[0] != "flow", k[1]))
    return [CostLine(k[0], k[1], was.get(k), now.get(k)) for k in keys]


# --- the report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffReport:
    """Everything ``netdraft diff`` says about two versions of a network."""

    old: str  # how each version was named on the command line
    new: str
    components: ComponentDiff
    reachability: tuple[ReachChange, ...]
    expectations: tuple[ExpectChange, ...]
    costs: tuple[CostLine, ...]
    cost_before: Decimal
    cost_after: Decimal
    #: What the internet can open on instances that only the new version has.
    new_exposed: tuple[ReachChange, ...] = ()

    @property
    def cost_delta(self) -> Decimal:
        return self.cost_after - self.cost_before

    @property
    def exposures(self) -> tuple[ReachChange, ...]:
        """Reachability that the internet gains: on endpoints of both versions, then on
        the new version's new instances."""
        return (
            *(
                r
                for r in self.reachability
                if r.source == "internet" and r.before == "deny" and r.after == "allow"
            ),
            *self.new_exposed,
        )


def new_exposures(old: NetworkAnalysis, new: NetworkAnalysis) -> list[ReachChange]:
    """The ports (maximal ranges, per protocol) that some internet address can open on an
    instance that the old version does not have: a new instance is compared with nothing,
    so it is no reachability change, but it is newly exposed."""
    internet = m.Place(m.PlaceKind.INTERNET, "internet")
    ranges: dict[Protocol, tuple[PortRange, ...]] = {
        p: pieces(rule_cuts(new.network, p), CONNECTION_PORTS) for p in (Protocol.TCP, Protocol.UDP)
    }
    ranges[Protocol.ICMP] = pieces(_icmp_cuts(new.network), icmp.SPACE)
    names = Counter(i for vpc in new.network.vpcs.values() for i in vpc.instances)
    out: list[ReachChange] = []
    for vpc in new.network.vpcs.values():
        was = old.network.vpcs.get(vpc.name)
        for inst in vpc.instances.values():
            if was is not None and inst.name in was.instances:
                continue
            place = m.Place(
                m.PlaceKind.INSTANCE, inst.name, inst.name, vpc=vpc.name, address=inst.ip
            )
            for protocol, cut in ranges.items():
                open_: list[PortRange] = []
                for piece in cut:
                    if not new.trace(query(internet, place, protocol, piece.low)).allowed:
                        continue
                    last = open_[-1] if open_ else None
                    if last is not None and last.high + 1 == piece.low:
                        open_[-1] = PortRange(last.low, piece.high)
                    else:
                        open_.append(piece)
                name = inst.name if names[inst.name] == 1 else f"{vpc.name}.{inst.name}"
                if protocol in icmp.ICMP_PROTOCOLS:  # the messages it opens, as one set
                    if open_:
                        messages = icmp.messages(protocol, open_)
                        out.append(
                            ReachChange(
                                "internet",
                                name,
                                protocol.value,
                                "",
                                "deny",
                                "allow",
                                None,
                                None,
                                messages,
                            )
                        )
                    continue
                out += [
                    ReachChange(
                        "internet",
                        name,
                        protocol.value,
                        str(piece),
                        "deny",
                        "allow",
                        None,
                        None,
                    )
                    for piece in open_
                ]
    return out


def _icmp_cuts(network: m.Network) -> set[int]:
    """Where an icmp rule's messages start or end anywhere, and each type that asks for a
    reply (:mod:`netdraft.sim.icmp`): every message of a piece is decided alike."""
    cuts = icmp.reply_cuts(Protocol.ICMP)
    for vpc in network.vpcs.values():
        rules: list[m.SgRule | m.AclRule] = []
        for group in vpc.security_groups.values():
            rules += (*group.ingress, *group.egress)
        for acl in vpc.network_acls.values():
            rules += (*acl.inbound, *acl.outbound)
        cuts.update(c for r in rules if r.protocol is Protocol.ICMP for c in icmp.rule_cuts(r.icmp))
    return cuts


def traffic(r: ReachChange) -> str:
    """What changed, as a reader names it: ``tcp 443``, ``icmp type 8 (echo request)``."""
    if r.icmp is not None:
        return f"{r.protocol} {r.icmp}"
    return f"{r.protocol} {r.ports}".strip()


def diff_report(
    old: NetworkAnalysis, new: NetworkAnalysis, old_name: str, new_name: str
) -> DiffReport:
    """Compare two analysed versions of a network."""
    return DiffReport(
        old_name,
        new_name,
        component_diff(old.network, new.network),
        tuple(reachability_changes(old, new)),
        tuple(expect_changes(old, new)),
        tuple(cost_lines(old.report, new.report)),
        old.report.total,
        new.report.total,
        tuple(new_exposures(old, new)),
    )


def failures(report: DiffReport, conditions: Sequence[str]) -> list[str]:
    """The ``--fail-on`` conditions that hold, each as a sentence (``exposure``,
    ``verdict``, ``cost>N`` with N in USD a month); conditions are checked by the CLI."""
    out = []
    for condition in conditions:
        if condition == "exposure" and report.exposures:
            out.append(f"exposure: {len(report.exposures)} newly reachable from the internet")
        elif condition == "verdict" and (report.reachability or report.expectations):
            n = len(report.reachability) + len(report.expectations)
            out.append(f"verdict: {n} verdict change{'s' * (n != 1)}")
        elif condition.startswith("cost>"):
            bound = Decimal(condition.removeprefix("cost>"))
            if cents(report.cost_delta) > bound:  # the delta as shown: rounded to the cent
                out.append(
                    f"{condition}: the monthly cost grows by {_signed(report.cost_delta)} USD"
                )
    return out


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(cents(value))


def _signed(value: Decimal) -> str:
    shown = cents(value)
    return f"+{shown}" if shown > 0 else str(shown)


def diff_json(report: DiffReport) -> dict[str, Any]:
    """The documented JSON form of a diff (docs/json.md); money as decimal strings."""

    def part(c: ComponentChange) -> dict[str, Any]:
        return {"kind": c.kind, "name": c.name}

    return {
        "version": DIFF_JSON_VERSION,
        "old": report.old,
        "new": report.new,
        "components": {
            "added": [part(c) for c in report.components.added],
            "removed": [part(c) for c in report.components.removed],
            "changed": [{**part(c), "changes": list(c.changes)} for c in report.components.changed],
        },
        "reachability": [
            {
                "from": r.source,
                "to": r.destination,
                "protocol": r.protocol,
                "ports": r.ports,
                "before": r.before,
                "after": r.after,
                "drop": r.drop.value if r.drop else None,
                "before_drop": r.before_drop.value if r.before_drop else None,
                # added in version 1: icmp and icmpv6 messages (null for tcp and udp)
                "icmp": str(r.icmp) if r.icmp is not None else None,
                "icmp_messages": icmp_json(r.icmp),
            }
            for r in report.reachability
        ],
        "new_exposed": [
            {
                "to": r.destination,
                "protocol": r.protocol,
                "ports": r.ports,
                "icmp": str(r.icmp) if r.icmp is not None else None,
                "icmp_messages": icmp_json(r.icmp),
            }
            for r in report.new_exposed
        ],
        "expectations": [
            {
                "expect": e.text,
                "expected": e.expected,
                "before": e.before,
                "after": e.after,
                "line": e.line,
            }
            for e in report.expectations
        ],
        "cost": {
            "currency": "USD",
            "before": str(cents(report.cost_before)),
            "after": str(cents(report.cost_after)),
            "delta": str(cents(report.cost_delta)),
            "items": [
                {
                    "kind": c.kind,
                    "name": c.name,
                    "before": _amount(c.before),
                    "after": _amount(c.after),
                    "delta": str(cents(c.delta)),
                }
                for c in report.costs
            ],
        },
    }


# --- Markdown -------------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _cell(value: object) -> str:
    return escape_md(value).replace("|", "\\|")


def _usd(value: Decimal | None) -> str:
    return "—" if value is None else f"${money(value)}"


def _delta(value: Decimal) -> str:
    shown = cents(value)
    sign = "+" if shown > 0 else "−" if shown < 0 else "±"
    return f"{sign}${money(abs(value))}"


def _reach_row(r: ReachChange) -> str:
    drop = code_span(r.drop.value) if r.drop else ""
    return (
        f"| {_cell(r.source)} | {_cell(r.destination)} | {_cell(traffic(r))} "
        f"| {r.before} | **{r.after}** | {drop} |"
    )


def _details(summary: str, lines: list[str]) -> list[str]:
    return ["<details>", f"<summary>{summary}</summary>", "", *lines, "", "</details>", ""]


#: How many verdict changes the summary lists before the details.
SUMMARY_CHANGES = 10


def diff_markdown(report: DiffReport, image: str | None = None) -> str:
    """The diff as a pull-request comment: the summary first, every detail folded away.

    Args:
        report: the diff.
        image: the file name of the diagram of the change, linked when given.
    """
    comps = report.components
    exposed = report.exposures
    lines = [
        f"### netdraft diff: {code_span(report.old)} → {code_span(report.new)}",
        "",
        f"- **components**: {len(comps.added)} added, {len(comps.removed)} removed, "
        f"{len(comps.changed)} changed",
        f"- **reachability**: {_plural(len(report.reachability), 'change')}"
        + (f", **{len(exposed)} newly reachable from the internet**" if exposed else ""),
        f"- **expectations**: {_plural(len(report.expectations), 'verdict change')}",
        f"- **monthly cost**: {_usd(report.cost_before)} → {_usd(report.cost_after)} "
        f"({_delta(report.cost_delta)})",
        "",
    ]
    if exposed:
        lines += ["Newly reachable from the internet:", ""]
        lines += [
            f"- {_cell(r.destination)} {_cell(traffic(r))}"
            + (" (a new instance)" if r in report.new_exposed else "")
            for r in exposed
        ]
        lines.append("")
    if report.expectations:
        lines += ["Expectations whose verdict changed:", ""]
        lines += [
            f"- line {e.line}: {code_span(e.text)} {e.before} → **{e.after}**"
            f" (expected {e.expected})"
            for e in report.expectations
        ]
        lines.append("")
    if report.reachability:
        shown = report.reachability[:SUMMARY_CHANGES]
        lines += ["Verdict changes:", ""]
        lines += [
            f"- {_cell(r.source)} → {_cell(r.destination)} "
            f"{_cell(traffic(r))}: {r.before} → **{r.after}**"
            + (f" ({code_span(r.drop.value)})" if r.drop else "")
            for r in shown
        ]
        more = len(report.reachability) - len(shown)
        lines += [f"- … and {more} more (below)"] if more else []
        lines.append("")
    if image:
        lines += [
            f"[Diagram of the change]({image}) (added: green, changed: orange, removed: dashed)",
            "",
        ]
    if not comps.empty:
        rows = ["| change | kind | name | what changed |", "| --- | --- | --- | --- |"]
        for word, items in (("added", comps.added), ("removed", comps.removed)):
            rows += [f"| {word} | {c.kind} | {_cell(c.name)} | |" for c in items]
        rows += [
            f"| changed | {c.kind} | {_cell(c.name)} | {'<br>'.join(_cell(x) for x in c.changes)} |"
            for c in comps.changed
        ]
        count = len(comps.added) + len(comps.removed) + len(comps.changed)
        lines += _details(f"Components ({count})", rows)
    if report.reachability:
        rows = [
            "| from | to | traffic | before | after | first drop |",
            "| --- | --- | --- | --- | --- | --- |",
            *(_reach_row(r) for r in report.reachability),
        ]
        lines += _details(f"Reachability ({len(report.reachability)})", rows)
    if report.expectations:
        rows = ["| line | expect | expected | before | after |", "| --- | --- | --- | --- | --- |"]
        rows += [
            f"| {e.line} | {_cell(e.text)} | {e.expected} | {e.before} | **{e.after}** |"
            for e in report.expectations
        ]
        lines += _details(f"Expectations ({len(report.expectations)})", rows)
    rows = ["| item | before | after | change |", "| --- | ---: | ---: | ---: |"]
    rows += [
        f"| {c.kind} {_cell(c.name)} | {_usd(c.before)} | {_usd(c.after)} | {_delta(c.delta)} |"
        for c in report.costs
    ]
    rows.append(
        f"| **total** | {_usd(report.cost_before)} | {_usd(report.cost_after)} "
        f"| {_delta(report.cost_delta)} |"
    )
    lines += _details("Monthly cost (USD)", rows)
    return "\n".join(lines).rstrip("\n") + "\n"
