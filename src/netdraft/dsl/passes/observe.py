"""Traffic observation of one VPC (LANGUAGE.md §10): its flow logs and mirror sessions.

A flow log names the VPC itself, one of its subnets or one of its instances (the
instance's primary network interface): "VPC Flow Logs" attach to a VPC, a subnet or a
network interface. A name of the VPC's subnets and instances is looked up before the
VPC's own name.

A traffic mirror session's source is an instance of the VPC (AWS mirrors the network
interface of an instance); its target is an instance or a network load balancer of this
VPC, or of another VPC of the same region written ``vpc.name`` (sessions cross
intra-region peering and transit gateways, "How Traffic Mirroring works"). An application
load balancer, a NAT gateway or an endpoint is no target (``mirror-target``); Gateway Load
Balancer endpoints are not modelled. Checks across sessions (an interface both source and
target, more than three sessions on a source) are validation rules
(:func:`netdraft.dsl.validate.traffic_mirrors`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netdraft import codes
from netdraft.dsl import syntax as st
from netdraft.dsl.passes import literals
from netdraft.dsl.passes.symbols import VpcScope
from netdraft.model import network as m

if TYPE_CHECKING:
    from netdraft.dsl.passes.context import Context

#: What a name of a VPC is, when it is not what a session may name (for the message).
_OTHER_KINDS = (
    ("nats", "NAT gateway"),
    ("endpoints", "endpoint"),
    ("subnets", "subnet"),
    ("target_groups", "target group"),
    ("groups", "security group"),
)


def flow_logs(c: Context, s: VpcScope) -> tuple[m.FlowLog, ...]:
    """The VPC's ``flow-log`` lines, in file order (one with an unknown resource is left out)."""
    found: list[m.FlowLog] = []
    for decl in (i for i in s.decl.items if isinstance(i, st.FlowLogDecl)):
        ref = decl.resource
        kind: m.FlowLogResource | None = None
        if ref.scope in (None, s.name):
            if ref.name in s.subnets:
                kind = m.FlowLogResource.SUBNET
            elif ref.name in s.instances:
                kind = m.FlowLogResource.INSTANCE
            elif ref.name == s.name and ref.scope is None:
                kind = m.FlowLogResource.VPC
        volume = literals.volume(c, decl.volume) if decl.volume is not None else None
        if kind is None:
            c.unknown(
                "subnet or instance (or the VPC itself)",
                ref,
                [s.name, *s.subnets, *s.instances],
                s.where,
            )
            continue
        destination = m.FlowLogDestination(decl.destination.text)
        found.append(m.FlowLog(kind, ref.name, destination, volume, decl.span))
    return tuple(found)


def traffic_mirrors(c: Context, s: VpcScope) -> tuple[m.TrafficMirror, ...]:
    """The VPC's ``traffic-mirror`` lines, in file order (a wrong one is left out)."""
    found: list[m.TrafficMirror] = []
    for decl in (i for i in s.decl.items if isinstance(i, st.TrafficMirrorDecl)):
        source = _source(c, s, decl.source)
        target = _target(c, s, decl.target)
        if source is None or target is None:
            continue
        kind, vpc = target
        if (vpc, decl.target.name) == (s.name, source):
            c.err(
                codes.MIRROR_TARGET,
                f"instance '{source}' cannot mirror its traffic to itself",
                decl.target.span,
                "a network interface is either a mirror source or a mirror target",
            )
            continue
        found.append(m.TrafficMirror(source, kind, decl.target.name, vpc, decl.span))
    return tuple(found)


def _what(s: VpcScope, name: str) -> str | None:
    """What else ``name`` is in the VPC, for a message (``None``: nothing)."""
    if name in s.load_balancers:
        return f"{s.load_balancers[name].kind.text} load balancer"
    for table, what in _OTHER_KINDS:
        if name in getattr(s, table):
            return what
    return None


def _source(c: Context, s: VpcScope, ref: st.Ref) -> str | None:
    if ref.scope in (None, s.name) and ref.name in s.instances:
        return ref.name
    other = _what(s, ref.name) if ref.scope in (None, s.name) else None
    if other is not None:
        c.err(
            codes.MIRROR_SOURCE,
            f"{other} '{ref.name}' cannot be a traffic mirror source",
            ref.span,
            "AWS mirrors the network interface of an instance; write the session in the"
            " instance's VPC",
        )
        return None
    c.unknown("instance", ref, s.instances, s.where)
    return None


def _target(c: Context, s: VpcScope, ref: st.Ref) -> tuple[m.MirrorTargetKind, str] | None:
    vpc_name = ref.scope or s.name
    there = c.scope.vpcs.get(vpc_name)
    if there is None:
        c.unknown("vpc", st.Tok(vpc_name, ref.parts[0].span), c.scope.vpcs)
        return None
    where = there.where
    if ref.name in there.instances:
        kind = m.MirrorTargetKind.INSTANCE
    elif ref.name in there.load_balancers and (
        there.load_balancers[ref.name].kind.text == m.LbKind.NETWORK.value
    ):
        kind = m.MirrorTargetKind.LOAD_BALANCER
    else:
        other = _what(there, ref.name)
        if other is None:
            c.unknown(
                "instance or network load balancer",
                ref,
                [*there.instances, *there.load_balancers],
                where,
            )
            return None
        c.err(
            codes.MIRROR_TARGET,
            f"{other} '{ref.name}' cannot be a traffic mirror target",
            ref.span,
            "a target is an instance's network interface, a network load balancer or a"
            " Gateway Load Balancer endpoint",
        )
        return None
    if there.region != s.region:
        c.err(
            codes.MIRROR_TARGET,
            f"the target '{ref.name}' is in region {there.region}, the source in {s.region}",
            ref.span,
            "a session's target is in the source's region (reached over peering or a transit"
            " gateway)",
        )
        return None
    return kind, vpc_name
