"""The check stage: run `expect` lines and `flow`s against the simulator, as diagnostics."""

from __future__ import annotations

from netdraft.dsl.diagnostics import Diagnostic, error, warning
from netdraft.model import network as m
from netdraft.generator.explain import explain_lines
from netdraft.sim.path import trace, trace_flow
from netdraft.sim.trace import Query, Trace


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


def run_expectations(network: m.Network) -> tuple[list[Diagnostic], int]:
    """Run every path expectation and every flow of a network.

    Cost expectations are checked by :mod:`netdraft.sim.cost` (they need the price table).

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
