"""The path simulator: follow a connection hop by hop, forward then back (LANGUAGE.md §4).

Pure functions of the model, one module per mechanism:

* :mod:`~netdraft.sim.path.walk` — the packet, its addresses, one leg's walk, the drop;
* :mod:`~netdraft.sim.path.ends` — the concrete addresses each end of a query is tried with;
* :mod:`~netdraft.sim.path.vpc` — subnets, route tables, network ACLs, security groups;
* :mod:`~netdraft.sim.path.nat` — NAT gateways and NAT instances;
* :mod:`~netdraft.sim.path.edge` — internet and egress-only gateways, the internet,
  services, endpoints;
* :mod:`~netdraft.sim.path.transit` — peering connections and transit gateways;
* :mod:`~netdraft.sim.path.vpn` — VPN gateways, VPN connections, sites;
* :mod:`~netdraft.sim.path.linklocal` — the services an instance reaches without a route
  (Amazon DNS, instance metadata, Amazon Time Sync);
* :mod:`~netdraft.sim.path.dns` — name resolution, each DNS query a path of its own;
* :mod:`~netdraft.sim.path.mirror` — whether a traffic mirror session's copies reach its
  target (one leg, UDP 4789; no verdict depends on it);
* :mod:`~netdraft.sim.path.simulator` — the attempt (request, then reply) and the table
  from route-target kind to the module that carries the packet on.

The reply is a packet of its own, routed from the destination's subnet; it must find its
way back to the source through the same translations. A packet that comes back to a
routing decision it already took is dropped at once (``ROUTING_LOOP``).

Build one :class:`Simulator` per network and ask it every query: it indexes the network
once. :func:`trace` is the one-off convenience.
"""

from __future__ import annotations

from netdraft.model import network as m
from netdraft.model.network import Query
from netdraft.sim.path.ends import parse_address
from netdraft.sim.path.simulator import ROUTE_TARGETS, Simulator
from netdraft.sim.trace import Trace

__all__ = ["ROUTE_TARGETS", "Simulator", "parse_address", "simulator", "trace", "trace_flow"]


def simulator(network: m.Network) -> Simulator:
    """A simulator of ``network``: build one and reuse it for every query of that network."""
    return Simulator(network)


def trace(network: m.Network, query: Query) -> Trace:
    """Can ``query.source`` open a connection to ``query.destination``?

    Builds a :class:`Simulator` for this one query; to ask many, build one and call its
    :meth:`Simulator.trace`.

    Args:
        network: the compiled network.
        query: the endpoints, protocol and destination port.

    Returns:
        The trace: verdict, forward and return hops, and the first drop when denied.
    """
    return Simulator(network).trace(query)


def trace_flow(network: m.Network, flow: m.Flow) -> Trace:
    """The trace of a flow's connection (a one-off, as :func:`trace`)."""
    return Simulator(network).trace_flow(flow)
