"""Expectation outcomes in words: what differs, and the charges behind a cost."""

from __future__ import annotations

from netdraft.model.values import (
    ALL_PORTS,
    CONNECTION_PORTS,
    LINUX_EPHEMERAL,
    WINDOWS_EPHEMERAL,
    PortRange,
    traffic_text,
)
from netdraft.sim.cost import Charge, CostReport, cents
from netdraft.sim.expectations import CostOutcome, Mismatch, PathOutcome, ResolveOutcome
from netdraft.sim.ports import PortSet
from netdraft.sim.trace import Trace


def path_problem(outcome: PathOutcome) -> str:
    """What a failed path expectation got instead (empty when it holds)."""
    t, exp = outcome.trace, outcome.expectation
    if exp.ports is not None:
        return _port_set_problem(outcome)
    if outcome.mismatch is Mismatch.VERDICT:
        why = f" ({t.code}: {t.reason})" if t.code else ""
        got = "allowed" if t.allowed else "denied"
        if t.through:
            got += f" through accelerator '{t.through}'"
        return f"the path is {got}{why}, expected {exp.verdict.value}"
    if outcome.mismatch is Mismatch.BECAUSE:
        return f"denied because {t.code}, expected because {exp.because} ({t.reason})"
    if outcome.mismatch is Mismatch.VIA:
        return f"the path does not cross '{exp.via}'"
    return ""


def resolve_problem(outcome: ResolveOutcome) -> str:
    """What a failed ``resolves`` expectation got instead (empty when it holds)."""
    res, exp = outcome.resolution, outcome.expectation
    answers = ", ".join(map(str, res.answers))
    if outcome.mismatch is Mismatch.VERDICT and res.ok:
        return f"'{res.name}' resolves to {answers}, expected {exp.because}"
    if outcome.mismatch is Mismatch.VERDICT:
        return f"'{res.name}' does not resolve ({res.code}: {res.reason})"
    if outcome.mismatch is Mismatch.BECAUSE:
        return f"fails because {res.code}, expected because {exp.because} ({res.reason})"
    if outcome.mismatch is Mismatch.ANSWER:
        wanted = ", ".join(map(str, exp.addresses))
        if not res.answers and res.reason:  # NODATA: the name has no record of that type
            return f"no {res.qtype.value} answer, expected {wanted}: {res.reason}"
        return f"'{res.name}' resolves to {answers}, expected {wanted}"
    if outcome.mismatch is Mismatch.VIA:
        return f"no query of the resolution crosses '{exp.via}'"
    return ""


def _port_set_problem(outcome: PathOutcome) -> str:
    """A claim about every port of a set, and the first port that breaks it."""
    t, exp = outcome.trace, outcome.expectation
    claimed = (
        f"every {exp.protocol.value} port"
        if exp.ports in (ALL_PORTS, CONNECTION_PORTS)
        else f"every port of {traffic_text(exp.protocol, exp.ports)}"
    )
    port = traffic_text(t.query.protocol, t.query.port)
    if outcome.mismatch is Mismatch.VERDICT and t.allowed:
        through = f" through accelerator '{t.through}'" if t.through else ""
        return f"{port} is allowed{through}, expected {claimed} denied"
    if outcome.mismatch is Mismatch.VERDICT:
        return f"{port} is denied ({t.code}: {t.reason}), expected {claimed} allowed"
    if outcome.mismatch is Mismatch.BECAUSE:
        return f"{port} is denied because {t.code}, expected because {exp.because} ({t.reason})"
    if outcome.mismatch is Mismatch.VIA:
        return f"the path does not cross '{exp.via}'"
    return ""


def partial_ephemeral(trace: Trace) -> str:
    """Why a connection from a client of unknown system may fail: replies reach it on only
    some of 1024-65535 (``warning[partial-ephemeral]``)."""
    working = PortSet(trace.source_ports)
    ranges = ", ".join(map(str, working.ranges))
    systems = (("Linux", LINUX_EPHEMERAL), ("Windows", WINDOWS_EPHEMERAL))

    def served(r: PortRange) -> str:
        hit = working.intersect(r)
        return "all" if hit.ranges == (r,) else "some" if not hit.empty else "none"

    found = {name: (r, served(r)) for name, r in systems}
    head = f"replies reach the client only on ports {ranges}"
    if all(how == "none" for _, how in found.values()):
        both = ", ".join(f"{name} {r}" for name, (r, _) in found.items())
        return f"{head}; no Linux or Windows client picks those ({both})"
    what = {"all": "all", "some": "only some", "none": "none"}
    parts = [f"{name} clients ({r}) on {what[how]} of theirs" for name, (r, how) in found.items()]
    return f"{head}; " + ", ".join(parts)


def cost_problem(outcome: CostOutcome) -> str:
    """What a failed cost expectation found instead (empty when it holds)."""
    if outcome.holds:
        return ""
    exp = outcome.expectation
    what = f"flow '{exp.subject}'" if exp.subject else "the monthly total"
    return (
        f"{what} costs {cents(outcome.actual)} USD a month, "
        f"expected {exp.operator.value} {exp.amount}"
    )


def cost_notes(report: CostReport, outcome: CostOutcome) -> list[str]:
    """The charges that make up the amount a cost expectation compares, one line each."""

    def line(c: Charge, flow: str = "") -> str:
        return f"{flow}{c.what}: {c.quantity} {c.unit} × {c.unit_price} = {cents(c.amount)}"

    subject = outcome.expectation.subject
    if subject:
        lines = [line(c) for c in report.flows[subject].charges]
    else:
        lines = [line(c, f"flow {name}, ") for name, f in report.flows.items() for c in f.charges]
        lines += [line(c) for c in report.resources]
    return lines or ["no charges"]
