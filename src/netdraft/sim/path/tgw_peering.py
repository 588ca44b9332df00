"""Transit gateway peering (LANGUAGE.md §12): from one transit gateway to its peer.

A peering attachment carries what a static route of the sending side's route table sends
to it; on the other side the packet is routed by the route table associated with that
side's peering attachment, which needs static routes too (AWS propagates no route over a
peering, "Transit gateway peering attachments", Transit Gateway guide). The reply is
walked the same way from the other end, so a side without the static route back drops it
there, on the reply. Beyond the peer the packet goes where that table says, and nowhere
else: another peering, a VPC, a VPN, each as its own route decides.
"""

from __future__ import annotations

from netdraft.model import network as m
from netdraft.sim.path import transit
from netdraft.sim.path.walk import Context, End, Packet, Walk
from netdraft.sim.trace import ComponentKind, Forwarded, Passage

C = ComponentKind


def across(sim: Context, w: Walk, out: m.TgwAttachment, az: str, pkt: Packet, dst: End) -> Packet:
    """A transit gateway's route to a peering attachment: over the peering into its peer,
    whose route table for the peering attachment routes the packet on."""
    assert w.current is not None and w.current.kind is C.TRANSIT_GATEWAY
    here = sim.net.transit_gateways[w.current.name]
    link = sim.net.tgw_peerings[out.name]
    peer = sim.net.transit_gateways[link.other(here.name)]
    w.hop(C.TGW_PEERING, link.name, region=here.region)
    w.step(
        Forwarded(C.TGW_PEERING, link.name, Passage.TO_PEER, peer.name, source=here.name), link.span
    )
    # Availability zones are a region's own: in another region the packet has none yet.
    zone = az if peer.region == here.region else ""
    return transit.tgw(sim, w, peer, link.name, zone, pkt, dst)
