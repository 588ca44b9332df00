"""Cost reports for people and programs: the table of `netdraft cost` and its JSON form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from netdraft.diagnostics import printable
from netdraft.generator.explain import summary
from netdraft.model.values import traffic_text
from netdraft.sim.cost import Charge, CostReport, cents
from netdraft.sim.prices import BUNDLED_NAME

#: Version of the JSON document `netdraft cost --json` prints; bumped on incompatible change.
COST_JSON_VERSION = 2


def money(amount: Decimal) -> str:
    """An amount in USD as every output prints it: rounded half up to the cent, thousands
    separated (``1,234.50``)."""
    return f"{cents(amount):,.2f}"


def _charge_line(c: Charge) -> str:
    # A longer unit (``month``) takes its room from the quantity's, so "×" stays in line.
    width = 11 - max(len(c.unit), 2)
    line = (
        f"    {c.what:<58} {c.quantity:>{width}} {c.unit:<2} × {c.unit_price:<7}"
        f" = {money(c.amount):>10}"
    )
    # A price that is not the bundled one says, on its line, which key and file it comes from.
    return (
        line if c.price_origin == BUNDLED_NAME else f"{line}  ({c.price_key} from {c.price_origin})"
    )


def _origins(report: CostReport) -> list[str]:
    """The price files the report's figures come from (``bundled`` for the shipped table)."""
    return sorted(
        {c.price_origin for f in report.flows.values() for c in f.charges}
        | {c.price_origin for c in report.resources}
    )


def cost_text(report: CostReport) -> str:
    """The report as a table: per flow (path, charges), hourly resources, resources billed by
    the month, the monthly total."""
    lines: list[str] = []
    for name in report.flows:
        fc = report.flows[name]
        flow = fc.flow
        volume = f"{flow.volume}" + (f" + {flow.return_volume} back" if flow.return_volume else "")
        lines.append(
            f"flow {name}: {flow.source} -> {flow.destination} "
            f"{traffic_text(flow.protocol, flow.port, flow.icmp)}, {volume} a month"
        )
        lines.append(f"  path: {summary(fc.trace)}")
        if not fc.trace.allowed:
            lines.append("  denied: costs nothing")
        for c in fc.charges:
            lines.append(_charge_line(c))
        if fc.trace.allowed and not fc.charges:
            lines.append("    no per-GB charges on this path")
        lines.append(f"  {'flow total':<89} {money(fc.total):>10}")
        lines.append("")
    lines.append("hourly resources (730 h a month):")
    for c in report.hourly:
        lines.append(_charge_line(c))
    if not report.hourly:
        lines.append("    none")
    lines.append(f"  {'hourly total':<89} {money(report.hourly_total):>10}")
    lines.append("")
    if report.monthly:
        lines.append("monthly resources (billed by the month):")
        lines.extend(_charge_line(c) for c in report.monthly)
        lines.append(f"  {'monthly resources total':<89} {money(report.monthly_total):>10}")
        lines.append("")
    lines.append(f"{'monthly total (USD)':<91} {money(report.total):>10}")
    origins = _origins(report)
    source = report.prices.source
    lines.append(f"prices used: {', '.join(origins) or 'bundled'}")
    if source:
        lines.append(f"bundled prices: {source}; read {report.prices.read_on}")
    # Price files' names come from the network file: never a control character raw.
    return "\n".join(printable(line) for line in lines) + "\n"


def _charge_json(c: Charge) -> dict[str, Any]:
    return {
        "what": c.what,
        "quantity": str(c.quantity),
        "unit": c.unit,
        "price": {
            "key": c.price_key,
            "usd": str(c.unit_price),
            "from": c.price_origin,
            "region": c.region or None,
        },
        "amount": str(cents(c.amount)),
        "amount_exact": str(c.amount),
    }


def cost_json(report: CostReport) -> dict[str, Any]:
    """The documented JSON form of a cost report (see docs/json.md). Money is a decimal string."""
    return {
        "version": COST_JSON_VERSION,
        "currency": "USD",
        "flows": [
            {
                "name": name,
                "source": fc.flow.source.text,
                "destination": fc.flow.destination.text,
                "protocol": fc.flow.protocol.value,
                "port": fc.flow.port,
                "verdict": fc.trace.verdict.value,
                "code": fc.trace.code.value if fc.trace.code else None,
                "path": summary(fc.trace),
                "volume_gb": str(fc.flow.volume.gigabytes),
                "return_gb": str(fc.flow.return_volume.gigabytes) if fc.flow.return_volume else "0",
                "charges": [_charge_json(c) for c in fc.charges],
                "total": str(cents(fc.total)),
            }
            for name, fc in report.flows.items()
        ],
        "hourly": [_charge_json(c) for c in report.hourly],
        "hourly_total": str(cents(report.hourly_total)),
        "monthly": [_charge_json(c) for c in report.monthly],
        "monthly_total": str(cents(report.monthly_total)),
        "total": str(cents(report.total)),
        "prices": {
            "source": report.prices.source,
            "read_on": report.prices.read_on,
            "used": _origins(report),
        },
    }
