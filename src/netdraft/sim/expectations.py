"""Expectations as an analysis: each ``expect`` line and ``flow`` checked, as data.

An ``expect`` path line holds when the simulated verdict is the expected one, the drop
code is the one named by ``because`` and the path crosses what ``via`` names; an
``expect cost`` line holds when the amount, rounded to the cent, compares as written; a
``flow`` should be allowed (a denied flow costs nothing). The outcomes say which part
differed; turning them into sentences and diagnostics is the renderers' and the API's
business.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from netdraft.model import network as m
from netdraft.model.network import Query
from netdraft.sim import resiliency
from netdraft.sim.cost import CostReport, cents
from netdraft.sim.path.dns import Resolution
from netdraft.sim.trace import Trace

#: How the analysis asks for a trace (a simulator's ``trace``, or a memo of it).
Tracer = Callable[[Query], Trace]
#: How the analysis asks what a client resolves a name to (a simulator's ``resolve``).
Resolver = Callable[[m.Place, str, m.RecordKind], Resolution]


class Mismatch(enum.Enum):
    """What part of an expectation the network contradicts."""

    VERDICT = "verdict"  # allowed where deny was expected, or the reverse
    BECAUSE = "because"  # denied, but with another drop code
    VIA = "via"  # the path does not cross the component named
    AMOUNT = "amount"  # the cost does not compare as written
    ANSWER = "answer"  # the name resolves, to other addresses than written
    MODEL = "model"  # a site's Direct Connect connections do not meet a resiliency model


@dataclass(frozen=True, slots=True)
class PathOutcome:
    """An ``expect SRC -> DST …`` line, its trace and what differs (None when it holds)."""

    expectation: m.PathExpectation
    trace: Trace
    mismatch: Mismatch | None

    @property
    def holds(self) -> bool:
        return self.mismatch is None


@dataclass(frozen=True, slots=True)
class CostOutcome:
    """An ``expect cost …`` line and the exact amount it was compared with."""

    expectation: m.CostExpectation
    actual: Decimal
    mismatch: Mismatch | None

    @property
    def holds(self) -> bool:
        return self.mismatch is None


@dataclass(frozen=True, slots=True)
class ResolveOutcome:
    """An ``expect CLIENT resolves NAME …`` line, its resolution and what differs."""

    expectation: m.ResolveExpectation
    resolution: Resolution
    mismatch: Mismatch | None

    @property
    def holds(self) -> bool:
        return self.mismatch is None


@dataclass(frozen=True, slots=True)
class ResiliencyOutcome:
    """An ``expect resiliency SITE MODEL`` line and what the site lacks ('' when it holds)."""

    expectation: m.ResiliencyExpectation
    missing: str
    mismatch: Mismatch | None

    @property
    def holds(self) -> bool:
        return self.mismatch is None


@dataclass(frozen=True, slots=True)
class FlowOutcome:
    """A ``flow`` and the trace of its connection."""

    flow: m.Flow
    trace: Trace

    @property
    def allowed(self) -> bool:
        return self.trace.allowed


@dataclass(frozen=True, slots=True)
class Outcomes:
    """Every expectation and flow of a network, in file order."""

    paths: tuple[PathOutcome, ...]
    costs: tuple[CostOutcome, ...]
    flows: tuple[FlowOutcome, ...]
    resolves: tuple[ResolveOutcome, ...] = ()
    resiliency: tuple[ResiliencyOutcome, ...] = ()

    @property
    def ran(self) -> int:
        """How many expectations were checked (paths, costs, resolutions and resiliency;
        flows are not expectations)."""
        return len(self.paths) + len(self.costs) + len(self.resolves) + len(self.resiliency)

    @property
    def failed(
        self,
    ) -> tuple[PathOutcome | CostOutcome | ResolveOutcome | ResiliencyOutcome, ...]:
        found: list[PathOutcome | CostOutcome | ResolveOutcome | ResiliencyOutcome] = [
            o for o in self.paths if not o.holds
        ]
        found += [o for o in self.costs if not o.holds]
        found += [o for o in self.resolves if not o.holds]
        found += [o for o in self.resiliency if not o.holds]
        return tuple(found)


def check_path(trace: Trace, exp: m.PathExpectation) -> Mismatch | None:
    """What part of a path expectation its trace contradicts, if any."""
    if trace.verdict is not exp.verdict:
        return Mismatch.VERDICT
    if exp.because is not None and (trace.code is None or trace.code.value != exp.because):
        return Mismatch.BECAUSE
    if exp.via is not None and not trace.crosses(exp.via):
        return Mismatch.VIA
    return None


def check_resolve(res: Resolution, exp: m.ResolveExpectation) -> Mismatch | None:
    """What part of a resolution expectation the resolution contradicts, if any: ``= ADDR…``
    holds on the same set of answers, ``via`` when a query leg crosses it, ``because`` when
    the resolution fails with that code."""
    if exp.because is not None:
        if res.ok:
            return Mismatch.VERDICT
        return None if res.code is not None and res.code.value == exp.because else Mismatch.BECAUSE
    if not res.ok:
        return Mismatch.VERDICT
    if exp.addresses and set(exp.addresses) != set(res.answers):
        return Mismatch.ANSWER
    if exp.via is not None and not res.crosses(exp.via):
        return Mismatch.VIA
    return None


def check_cost(report: CostReport, exp: m.CostExpectation) -> tuple[Mismatch | None, Decimal]:
    """Whether a cost expectation holds (the amount rounded to the cent), and the amount."""
    actual = report.total if exp.subject is None else report.flows[exp.subject].total
    holds = exp.operator.holds(cents(actual), exp.amount)
    return (None if holds else Mismatch.AMOUNT), actual


def port_set_trace(trace: Tracer, exp: m.PathExpectation) -> Trace:
    """The trace that decides an expectation about a set of ports.

    ``allow`` holds when every port is allowed: the trace of a set is the lowest denied
    port's. ``deny`` holds when none is: the lowest allowed port's trace contradicts it, and
    else the lowest port denied with another code than ``because`` names.
    """
    query = path_query(exp)
    whole = trace(query)
    if exp.verdict is m.Verdict.ALLOW:
        return whole
    against = next((r for r in whole.port_runs if r.verdict is m.Verdict.ALLOW), None)
    if against is None and exp.because is not None:
        against = next(
            (r for r in whole.port_runs if r.code is None or r.code.value != exp.because), None
        )
    if against is None:
        return whole
    single = trace(dataclasses.replace(query, port=against.ports.low, ports=None))
    return dataclasses.replace(single, port_runs=whole.port_runs)


def expectation_trace(trace: Tracer, exp: m.PathExpectation) -> Trace:
    """The trace that decides a path expectation (of its lowest deciding port for a set)."""
    return port_set_trace(trace, exp) if exp.ports is not None else trace(path_query(exp))


def path_query(exp: m.PathExpectation) -> Query:
    return Query(exp.source, exp.destination, exp.protocol, exp.port, exp.icmp, exp.ports)


def flow_query(flow: m.Flow) -> Query:
    return Query(flow.source, flow.destination, flow.protocol, flow.port, flow.icmp)


def evaluate(
    network: m.Network, trace: Tracer, report: CostReport, resolve: Resolver | None = None
) -> Outcomes:
    """Check every expectation and flow of a network.

    Args:
        network: the compiled network.
        trace: how to trace a query (one simulator for the whole analysis).
        report: the network's cost estimate, for ``expect cost`` lines.
        resolve: how to resolve a name (the same simulator's), for ``resolves`` lines.

    Returns:
        The outcomes, in file order.
    """
    paths: list[PathOutcome] = []
    costs: list[CostOutcome] = []
    resolves: list[ResolveOutcome] = []
    models: list[ResiliencyOutcome] = []
    for exp in network.expectations:
        if isinstance(exp, m.ResolveExpectation):
            assert resolve is not None, "a network with resolves lines needs a resolver"
            res = resolve(exp.source, exp.name, exp.qtype)
            resolves.append(ResolveOutcome(exp, res, check_resolve(res, exp)))
        elif isinstance(exp, m.ResiliencyExpectation):
            lack = resiliency.missing(network, exp.site, exp.model)
            models.append(ResiliencyOutcome(exp, lack, Mismatch.MODEL if lack else None))
        elif isinstance(exp, m.PathExpectation):
            t = expectation_trace(trace, exp)
            paths.append(PathOutcome(exp, t, check_path(t, exp)))
        else:
            mismatch, actual = check_cost(report, exp)
            costs.append(CostOutcome(exp, actual, mismatch))
    flows = tuple(FlowOutcome(f, trace(flow_query(f))) for f in network.flows.values())
    return Outcomes(tuple(paths), tuple(costs), flows, tuple(resolves), tuple(models))
