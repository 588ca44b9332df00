"""Expectation outcomes in words: what differs, and the charges behind a cost."""

from __future__ import annotations

from netdraft.sim.cost import Charge, CostReport, cents
from netdraft.sim.expectations import CostOutcome, Mismatch, PathOutcome


def path_problem(outcome: PathOutcome) -> str:
    """What a failed path expectation got instead (empty when it holds)."""
    t, exp = outcome.trace, outcome.expectation
    if outcome.mismatch is Mismatch.VERDICT:
        why = f" ({t.code}: {t.reason})" if t.code else ""
        got = "allowed" if t.allowed else "denied"
        return f"the path is {got}{why}, expected {exp.verdict.value}"
    if outcome.mismatch is Mismatch.BECAUSE:
        return f"denied because {t.code}, expected because {exp.because} ({t.reason})"
    if outcome.mismatch is Mismatch.VIA:
        return f"the path does not cross '{exp.via}'"
    return ""


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
        lines += [line(c) for c in report.hourly]
    return lines or ["no charges"]
