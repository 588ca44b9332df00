"""One analysis of a compiled network: one simulator, each path traced once, costs, outcomes.

Every output (``check``, ``cost``, ``render``, ``docs``, a MkDocs block) reads the same
:class:`NetworkAnalysis`, so one command computes each thing once: the simulator's
indexes, the trace of each query (memoised by query), the cost estimate and the
expectations' outcomes. Nothing is computed before it is asked for: ``netdraft path``
traces one query and never prices the network.
"""

from __future__ import annotations

from functools import cached_property

from netdraft.model import network as m
from netdraft.model.network import Query
from netdraft.sim.cost import CostReport, FlowCost, estimate, flow_costs
from netdraft.sim.expectations import Outcomes, evaluate
from netdraft.sim.exposure import Exposure, exposure
from netdraft.sim.path import Simulator, mirror
from netdraft.sim.prices import PriceTable
from netdraft.sim.scenario import scenario_network
from netdraft.sim.trace import Trace


class MemoSimulator(Simulator):
    """A simulator that traces each query once and answers it again from memory."""

    def __init__(self, network: m.Network) -> None:
        super().__init__(network)
        self._traces: dict[Query, Trace] = {}

    def trace(self, query: Query) -> Trace:
        found = self._traces.get(query)
        if found is None:
            found = self._traces[query] = super().trace(query)
        return found


class NetworkAnalysis:
    """A network with its prices, and what netdraft computes of them, each computed once."""

    def __init__(self, network: m.Network, prices: PriceTable) -> None:
        self.network = network
        self.prices = prices

    @cached_property
    def simulator(self) -> MemoSimulator:
        """The network's simulator: its indexes built once, each query traced once."""
        return MemoSimulator(self.network)

    def trace(self, query: Query) -> Trace:
        """The trace of a query, simulated the first time it is asked for."""
        return self.simulator.trace(query)

    def reach(self, query: Query) -> Trace:
        """The trace that decides a path expectation: :meth:`trace`'s, or from ``internet``
        the one through an accelerator that opens the destination (:meth:`Simulator.reach`)."""
        return self.simulator.reach(query)

    @cached_property
    def report(self) -> CostReport:
        """The cost of every flow and hourly resource."""
        return estimate(self.network, self.prices, self.simulator, self.__dict__.get("flow_costs"))

    @cached_property
    def flow_costs(self) -> dict[str, FlowCost]:
        """Each flow's cost: the report's, or, before there is one, the flows priced alone
        (a diagram draws these and not the hourly charges)."""
        if "report" in self.__dict__:
            return self.report.flows
        return flow_costs(self.network, self.prices, self.simulator)

    @cached_property
    def outcomes(self) -> Outcomes:
        """Every expectation and flow, checked."""
        return evaluate(self.network, self.reach, self.report, self.simulator.resolve)

    @cached_property
    def exposure(self) -> Exposure:
        """Every network interface and port range the internet can open (``exposure``)."""
        return exposure(self.network, self.simulator)

    @cached_property
    def mirrors(self) -> tuple[tuple[m.Vpc, m.TrafficMirror, Trace | None], ...]:
        """Every traffic mirror session with the trace of its VXLAN copies to its target."""
        return mirror.sessions(self.simulator)

    @cached_property
    def scenarios(self) -> tuple[tuple[m.Scenario, NetworkAnalysis], ...]:
        """Each scenario with the analysis of its network (its parts down, a simulator of
        its own), in file order."""
        return tuple(
            (s, NetworkAnalysis(scenario_network(self.network, s), self.prices))
            for s in self.network.scenarios
        )
