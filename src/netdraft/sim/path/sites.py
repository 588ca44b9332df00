"""Into a site: the last hop of a packet that leaves AWS, over a VPN or Direct Connect."""

from __future__ import annotations

from netdraft.model import network as m
from netdraft.sim.path.walk import Packet, PublicAddr, Walk
from netdraft.sim.trace import Arrival, ComponentKind, Delivered, Dropped, Obstacle

C = ComponentKind


def deliver(w: Walk, site: m.Site, pkt: Packet) -> Packet:
    """The packet, in the site, to the host holding its destination (or its address)."""
    address = pkt.dst
    if isinstance(address, PublicAddr) or not site.holds(address):
        w.fail(
            Dropped(w.no_route, Obstacle.NOT_IN_SITE, None, site.name, str(address), site.name),
            w.no_route,
            f"{address} is not in site '{site.name}'",
        )
    host = next((h for h in site.hosts.values() if h.ip == address), None)
    w.hop(C.HOST, host.name if host else str(address), site=site.name)
    w.step(Delivered(Arrival.SITE_HOST, str(address)))
    return pkt
