"""Direct Connect resiliency (LANGUAGE.md §12): a site's connections against AWS's models.

AWS's Direct Connect Resiliency Toolkit names three models ("AWS Direct Connect
Resiliency Toolkit", "Resiliency models", Direct Connect User Guide):

* development and test: two connections at one location, on separate devices;
* high resiliency: one connection at each of two locations;
* maximum resiliency: two connections on separate devices at each of two locations.

The model is the design: a connection that is ``down`` still counts. A connection's
device is what ``on DEVICE`` names (the AWS device it ends on, as ``describe-connections``
reports it); connections whose device is not written are taken as on separate devices,
as the toolkit places the connections it orders.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from netdraft.model import network as m


@dataclass(frozen=True, slots=True)
class Location:
    """A Direct Connect location a site connects at: its connections and their devices."""

    name: str
    connections: tuple[str, ...]
    devices: int  # how many separate devices the connections end on

    @property
    def redundant(self) -> bool:
        """Two connections or more on separate devices."""
        return len(self.connections) >= 2 and self.devices >= 2

    def text(self) -> str:
        n = len(self.connections)
        if n == 1:
            return f"'{self.name}' has 1 connection ({self.connections[0]})"
        where = "separate devices" if self.devices >= 2 else "one device"
        names = ", ".join(self.connections)
        return f"'{self.name}' has {n} connections ({names}) on {where}"


def locations(network: m.Network, site: str) -> tuple[Location, ...]:
    """The locations ``site`` connects at, by name, with their connections."""
    by_location: dict[str, list[m.DxConnection]] = defaultdict(list)
    for conn in network.dx_connections.values():
        if conn.site == site:
            by_location[conn.location].append(conn)
    found: list[Location] = []
    for name in sorted(by_location):
        conns = sorted(by_location[name], key=lambda c: c.name)
        # A connection without a written device is a device of its own.
        devices = {c.device or f"\0{c.name}" for c in conns}
        found.append(Location(name, tuple(c.name for c in conns), len(devices)))
    return tuple(found)


def missing(network: m.Network, site: str, model: m.ResiliencyModel) -> str:
    """What ``site`` lacks to meet ``model``, in words ('' when it meets it)."""
    found = locations(network, site)
    have = "; ".join(loc.text() for loc in found) or "no Direct Connect connection"
    redundant = [loc for loc in found if loc.redundant]
    if model is m.ResiliencyModel.DEVELOPMENT:
        if redundant:
            return ""
        need = "two connections on separate devices at one location"
    elif model is m.ResiliencyModel.HIGH:
        if len(found) >= 2:
            return ""
        need = (
            "a connection at a second location"
            if found
            else "one connection at each of two locations"
        )
    else:
        if len(redundant) >= 2:
            return ""
        short = [f"'{loc.name}'" for loc in found if not loc.redundant]
        wanted = 2 - len(redundant)  # locations still to make redundant
        second = "a second connection on a separate device at"
        if len(short) >= wanted:
            need = f"{second} {' or '.join(short)}" if wanted == 1 else f"{second} {short[0]}"
            if wanted == 2:
                need += " and at " + (
                    short[1] if len(short) == 2 else f"one of {', '.join(short[1:])}"
                )
        else:
            parts = [f"{second} {n}" for n in short]
            parts.append(
                "two connections on separate devices at a second location"
                if len(found) == 1
                else "two connections on separate devices at each of two locations"
            )
            need = " and ".join(parts)
    return f"site '{site}' meets no {model.value} resiliency: it needs {need} ({have})"
