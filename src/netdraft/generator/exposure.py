"""What the internet can reach, for people and programs: ``netdraft exposure`` as a table
and as JSON (the analysis itself is :mod:`netdraft.sim.exposure`)."""

from __future__ import annotations

from typing import Any

from netdraft.diagnostics import printable
from netdraft.model.values import Span
from netdraft.sim.exposure import Exposed, Exposure
from netdraft.sim.icmp import Messages

#: Version of the JSON document `netdraft exposure --format json` prints.
EXPOSURE_JSON_VERSION = 1


def rule_line(span: Span) -> str:
    """Where a rule is written, as ``file:line``."""
    return f"{span.file}:{span.line}"


def _what(e: Exposed) -> str:
    traffic = f"{e.protocol} {e.ports}" if e.ports else e.protocol
    if e.icmp is not None:
        traffic = f"{e.protocol} {e.icmp}"
    return f"IPv{e.version} {traffic}"


def via(e: Exposed) -> str:
    """The path, when it is not straight from the internet: ``via accelerator NAME``."""
    return f"via accelerator {e.accelerator}" if e.accelerator else ""


def _from(e: Exposed) -> str:
    return " ".join(filter(None, (_what(e), "from the internet", via(e))))


def icmp_json(messages: Messages | None) -> list[dict[str, str]] | None:
    """The messages of an icmp set as JSON: ``{"types": "0-7", "codes": "0-255"}`` each."""
    if messages is None:
        return None
    return [{"types": str(t), "codes": str(c)} for t, c in messages.parts()]


def exposure_text(found: Exposure) -> str:
    """One line per exposed port range, with the rule lines that admit it, then a summary."""
    lines: list[str] = []
    for e in found.exposed:
        rules = ", ".join(rule_line(s) for s in e.rules)
        lines.append(f"{printable(e.interface)}: {printable(_from(e))}  ({rules})")
    names = len({e.interface for e in found.exposed})
    if not found.exposed:
        lines.append("nothing is reachable from the internet")
    ranges, classes = len(found.exposed), found.classes
    lines.append(
        f"{names} of {found.interfaces} network interfaces reachable from the internet "
        f"({ranges} port range{'s' * (ranges != 1)}; {classes} class{'es' * (classes != 1)} traced)"
    )
    return "\n".join(lines) + "\n"


def exposure_json(found: Exposure) -> dict[str, Any]:
    """The exposure as a JSON-ready dictionary (``version`` says its layout)."""
    return {
        "version": EXPOSURE_JSON_VERSION,
        "exposed": [
            {
                "interface": e.interface,
                "ip_version": e.version,
                "protocol": e.protocol,
                "ports": e.ports,
                "rules": [{"file": s.file, "line": s.line, "column": s.column} for s in e.rules],
                # added in version 1: icmp and icmpv6 messages (null for tcp and udp)
                "icmp": str(e.icmp) if e.icmp is not None else None,
                "icmp_messages": icmp_json(e.icmp),
                # added in version 1: "accelerator NAME" when opened through one, else null
                "via": f"accelerator {e.accelerator}" if e.accelerator else None,
            }
            for e in found.exposed
        ],
        "interfaces": found.interfaces,
        "classes": found.classes,
    }


def exposure_sarif(found: Exposure, file: str, version: str) -> str:
    """The exposure as a SARIF log (``netdraft exposure --format sarif``): a result of rule
    ``exposure`` per exposed interface and port range, its locations the rules that admit
    it (the file itself when no rule does: a NAT gateway's or an open endpoint's)."""
    import json

    from netdraft import codes
    from netdraft.diagnostics import warning
    from netdraft.generator.sarif import location, sarif_log

    nowhere = Span(file, 0, 0, 0, 0)
    found_rules = [e.rules or (nowhere,) for e in found.exposed]
    log = sarif_log(
        (
            warning(codes.EXPOSURE, f"{e.interface}: {_from(e)}", rules[0])
            for e, rules in zip(found.exposed, found_rules, strict=True)
        ),
        version,
    )
    for result, rules in zip(log["runs"][0]["results"], found_rules, strict=True):
        result["locations"] += [location(span) for span in rules[1:]]
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
