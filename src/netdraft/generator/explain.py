"""Traces for people and programs: the hop-by-hop text of `netdraft path` and its JSON form."""

from __future__ import annotations

from typing import Any

from netdraft.sim.trace import Hop, HopKind, Leg, Trace

#: Version of the JSON document `netdraft path --json` prints; bumped on incompatible change.
PATH_JSON_VERSION = 1


def _where(hop: Hop) -> str:
    parts = [
        p for p in (hop.vpc and f"vpc {hop.vpc}", hop.site and f"site {hop.site}", hop.az) if p
    ]
    return f" ({', '.join(parts)})" if parts else ""


def summary(trace: Trace) -> str:
    """One line: the components the request crosses, e.g. ``app-1 → private-a → nat-a → igw → internet``."""
    names: list[str] = []
    hops = [h for h in trace.forward if h.kind is not HopKind.SUBNET or not h.ok]
    for hop in hops:
        if not names or names[-1] != hop.name:
            names.append(hop.name)
    text = " → ".join(names)
    if not trace.allowed:
        text += f"  ✗ {trace.code}"
    return text


def explain_lines(trace: Trace) -> list[str]:
    """The trace as lines a reviewer reads: each hop, its decisions, and the verdict."""
    q = trace.query
    port = f" {q.port}" if q.port is not None else ""
    lines = [
        f"{q.source} -> {q.destination} {q.protocol.value}{port}: {trace.verdict.value.upper()}"
    ]
    if trace.source_address is not None or trace.destination_address is not None:
        lines.append(
            f"  addresses: {trace.source_address or '?'} -> {trace.destination_address or '?'}"
        )
    for leg, hops in ((Leg.FORWARD, trace.forward), (Leg.RETURN, trace.reverse)):
        if not hops:
            continue
        lines.append(f"  {'request' if leg is Leg.FORWARD else 'reply'}:")
        for i, hop in enumerate(hops, 1):
            lines.append(f"    {i}. {hop.kind.value} {hop.name}{_where(hop)}")
            for step in hop.steps:
                mark = "✓" if step.ok else "✗"
                at = (
                    f"  [line {step.span.line}]" if step.span is not None and step.span.line else ""
                )
                lines.append(f"       {mark} {step.component}: {step.action} — {step.detail}{at}")
    if trace.allowed:
        if trace.source_ports:
            ports = ", ".join(map(str, trace.source_ports))
            lines.append(f"  allowed: the connection works from source ports {ports}")
        else:
            lines.append("  allowed: the connection is established")
    else:
        where = "request" if trace.leg is Leg.FORWARD else "reply"
        lines.append(f"  denied on the {where}: {trace.code} — {trace.reason}")
    return lines


def explain(trace: Trace) -> str:
    return "\n".join(explain_lines(trace)) + "\n"


def _hop_json(hop: Hop) -> dict[str, Any]:
    return {
        "kind": hop.kind.value,
        "name": hop.name,
        "vpc": hop.vpc or None,
        "region": hop.region or None,
        "az": hop.az or None,
        "site": hop.site or None,
        "steps": [
            {
                "component": s.component,
                "action": s.action,
                "detail": s.detail,
                "ok": s.ok,
                "line": s.span.line if s.span is not None and s.span.line else None,
            }
            for s in hop.steps
        ],
    }


def trace_json(trace: Trace) -> dict[str, Any]:
    """The documented JSON form of a trace (see docs/json.md)."""
    q = trace.query
    return {
        "version": PATH_JSON_VERSION,
        "query": {
            "source": q.source.text,
            "destination": q.destination.text,
            "protocol": q.protocol.value,
            "port": q.port,
        },
        "verdict": trace.verdict.value,
        "code": trace.code.value if trace.code else None,
        "leg": trace.leg.value if trace.leg else None,
        "reason": trace.reason or None,
        "source_address": str(trace.source_address) if trace.source_address else None,
        "destination_address": str(trace.destination_address)
        if trace.destination_address
        else None,
        "source_ports": [str(r) for r in trace.source_ports],
        "forward": [_hop_json(h) for h in trace.forward],
        "return": [_hop_json(h) for h in trace.reverse],
    }
