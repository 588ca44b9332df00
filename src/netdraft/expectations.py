"""Expectations: run `expect` lines and `flow`s against the simulator, as diagnostics."""

from __future__ import annotations

from decimal import Decimal

from netdraft.diagnostics import Diagnostic, error, warning
from netdraft.generator.explain import explain_lines
from netdraft.model import network as m
from netdraft.model.network import Query
from netdraft.sim.cost import Charge, CostReport, cents, estimate
from netdraft.sim.path import trace, trace_flow
from netdraft.sim.prices import PriceTable
from netdraft.sim.trace import Trace


def check_path(network: m.Network, exp: m.PathExpectation) -> tuple[bool, Trace, str]:
    """Whether a path expectation holds, its trace, and what differs when it does not."""
    t = trace(network, Query(exp.source, exp.destination, exp.protocol, exp.port))
    if t.verdict is not exp.verdict:
        why = f" ({t.code}: {t.reason})" if t.code else ""
        got = "allowed" if t.allowed else "denied"
        return False, t, f"the path is {got}{why}, expected {exp.verdict.value}"
    if exp.because is not None and (t.code is None or t.code.value != exp.because):
        return False, t, f"denied because {t.code}, expected because {exp.because} ({t.reason})"
    if exp.via is not None and not t.crosses(exp.via):
        return False, t, f"the path does not cross '{exp.via}'"
    return True, t, ""


def check_cost(report: CostReport, exp: m.CostExpectation) -> tuple[bool, Decimal]:
    """Whether a cost expectation holds, comparing the amount rounded to the cent."""
    actual = report.total if exp.subject is None else report.flows[exp.subject].total
    return exp.operator.holds(cents(actual), exp.amount), actual


def _cost_notes(report: CostReport, exp: m.CostExpectation) -> list[str]:
    def line(c: Charge, flow: str = "") -> str:
        return f"{flow}{c.what}: {c.quantity} {c.unit} × {c.unit_price} = {cents(c.amount)}"

    if exp.subject:
        lines = [line(c) for c in report.flows[exp.subject].charges]
    else:
        lines = [line(c, f"flow {name}, ") for name, f in report.flows.items() for c in f.charges]
        lines += [line(c) for c in report.hourly]
    return lines or ["no charges"]


def run_expectations(network: m.Network, prices: PriceTable) -> tuple[list[Diagnostic], int]:
    """Run every expectation (paths and costs) and every flow of a network.

    Returns:
        The diagnostics (failed expectations, denied flows) and how many expectations ran.
    """
    found: list[Diagnostic] = []
    ran = 0
    for exp in network.expectations:
        if not isinstance(exp, m.PathExpectation):
            continue
        ran += 1
        ok, t, problem = check_path(network, exp)
        if not ok:
            found.append(
                error(
                    "expect-failed",
                    f"expectation does not hold: {problem}",
                    exp.span,
                    problem,
                    explain_lines(t),
                )
            )
    report = estimate(network, prices)
    for exp in network.expectations:
        if not isinstance(exp, m.CostExpectation):
            continue
        ran += 1
        ok, actual = check_cost(report, exp)
        if not ok:
            what = f"flow '{exp.subject}'" if exp.subject else "the monthly total"
            problem = f"{what} costs {cents(actual)} USD a month, expected {exp.operator.value} {exp.amount}"
            found.append(
                error(
                    "expect-failed",
                    f"expectation does not hold: {problem}",
                    exp.span,
                    problem,
                    _cost_notes(report, exp),
                )
            )
    for flow in network.flows.values():
        t = trace_flow(network, flow)
        if not t.allowed:
            found.append(
                warning(
                    "flow-denied",
                    f"flow '{flow.name}' is denied: {t.code}: {t.reason}",
                    flow.span,
                    "a denied flow costs nothing",
                    explain_lines(t),
                )
            )
    return found, ran
