"""Traces for people and programs: the hop-by-hop text of `netdraft path` and its JSON form.

Every sentence about a trace is written here: the simulator returns step details as
data (:mod:`netdraft.sim.trace`) and :func:`step_text` says each in words.
"""

from __future__ import annotations

from typing import Any

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.model.values import traffic_text
from netdraft.sim.path.dns import Resolution
from netdraft.sim.trace import (
    AclStep,
    Arrival,
    ComponentId,
    ComponentKind,
    Delivered,
    Dropped,
    Forwarded,
    Hop,
    Leg,
    Obstacle,
    Passage,
    PortRun,
    Rewrite,
    RouteProblem,
    RouteStep,
    Sent,
    SgStep,
    Step,
    StepDetail,
    Trace,
    TranslationStep,
)

#: Version of the JSON document `netdraft path --json` prints; bumped on incompatible change.
PATH_JSON_VERSION = 2

C = ComponentKind

#: How a step names a component of each kind ("nat gateway nat-a", "vpn vpn-1").
_WORDS = {
    C.INTERNET_GATEWAY: "internet gateway",
    C.EGRESS_ONLY_GATEWAY: "egress-only gateway",
    C.NAT_GATEWAY: "nat gateway",
    C.NAT_INSTANCE: "instance",
    C.INSTANCE: "instance",
    C.PEERING: "peering",
    C.TRANSIT_GATEWAY: "transit gateway",
    C.VPN_GATEWAY: "vpn gateway",
    C.VPN: "vpn",
    C.CUSTOMER_GATEWAY: "customer gateway",
    C.ENDPOINT: "endpoint",
    C.INTERNET: "internet",
    C.SUBNET: "subnet",
    C.SERVICE: "service",
    C.LOAD_BALANCER: "load balancer",
    C.TARGET_GROUP: "target group",
    C.TGW_PEERING: "tgw peering",
    C.DX_CONNECTION: "dx connection",
    C.VIF: "vif",
    C.DX_GATEWAY: "dx gateway",
    C.ACCELERATOR: "accelerator",
}

#: A drop no route, rule or group decided: (the component, what is wrong), as templates
#: over the fields of :class:`Dropped` and ``word``, the kind's word.
_OBSTACLES: dict[Obstacle, tuple[str, str]] = {
    Obstacle.ENDPOINT: ("endpoint", "{text}"),
    Obstacle.UNHELD_ADDRESS: ("subnet", "nothing holds {address}"),
    Obstacle.ENDPOINT_FROM_OUTSIDE: (
        "gateway endpoint {name}",
        "traffic from a {via} cannot use it",
    ),
    Obstacle.ENDPOINT_NO_LISTENER: (
        "endpoint {name}",
        "an interface endpoint answers only its service's TCP ports (443 and 80 for most)",
    ),
    Obstacle.NAT_ACCEPTS_NOTHING: ("nat gateway {name}", "a NAT gateway accepts no connections"),
    Obstacle.WRONG_INSTANCE: ("instance", "{address} is '{name}', not the destination"),
    Obstacle.STOPPED: ("instance", "instance '{name}' is stopped"),
    Obstacle.NO_CONNECTION: (
        "{word} {name}",
        "the reply to {address} is routed to '{name}', which has no connection for it",
    ),
    Obstacle.NAT_FROM_VPN: (
        "nat gateway {name}",
        "a NAT gateway does not serve traffic from a VPN",
    ),
    Obstacle.SOURCE_DEST_CHECK: ("instance {name}", "source/destination check is on"),
    Obstacle.NO_PUBLIC_IP: ("{component}", "{address} has no public IPv4 address"),
    Obstacle.PRIVATE_ADDRESS: ("{component}", "{address} is a private address"),
    Obstacle.OPENED_FROM_OUTSIDE: (
        "egress-only gateway {name}",
        "the connection was opened from outside",
    ),
    Obstacle.NO_INTERNET_GATEWAY: ("internet", "vpc '{place}' has no internet gateway"),
    Obstacle.FROM_TRANSIT: (
        "{word} {name}",
        "traffic from a transit gateway cannot continue over a {over}",
    ),
    Obstacle.NOT_IN_VPC: ("{word} {name}", "{address} is not in vpc '{place}'"),
    Obstacle.NOT_ATTACHED: ("transit gateway {name}", "'{address}' is not attached"),
    Obstacle.NO_ATTACHMENT_SUBNET_IN_AZ: ("attachment {name}", "no attachment subnet in {place}"),
    Obstacle.NO_TGW_ROUTE_TABLE: (
        "transit gateway {name}",
        "attachment '{place}' has no route table",
    ),
    Obstacle.NO_ATTACHMENT_SUBNET: ("attachment {name}", "the attachment has no subnet"),
    Obstacle.PUBLIC_ADDRESS: ("attachment {name}", "{address} is a public address"),
    Obstacle.NO_VPN_CARRIES: ("vpn gateway {name}", "no VPN carries {address} ({text})"),
    Obstacle.NOT_CARRIED: ("vpn {name}", "{address} is not in the prefixes it carries ({text})"),
    Obstacle.NOT_IN_SITE: ("site {name}", "{address} is not in site '{place}'"),
    Obstacle.NO_SITE_VPN: ("site {name}", "no VPN of site '{place}' leads to {address}"),
    Obstacle.NO_SITE_ROUTE: (
        "site {name}",
        "no VPN or Direct Connect route of site '{place}' leads to {address}",
    ),
    Obstacle.DX_BETWEEN_VIFS: (
        "site {name}",
        "{address} is in site '{text}', behind another virtual interface of DX gateway"
        " '{place}': a DX gateway never carries traffic between two of its virtual interfaces",
    ),
    Obstacle.NO_INTERFACE: ("subnet {place}", "no network interface holds {address}"),
    Obstacle.LINK_LOCAL_NOTHING: ("instance host", "nothing answers at {name}"),
    Obstacle.SERVICE_PORT_CLOSED: ("{name}", "{address} answers only {text}"),
    Obstacle.DNS_DISABLED: ("{name} {address}", "vpc '{place}' has dns-support off"),
    Obstacle.RESOLVER_OUTSIDE_VPC: (
        "{name} {address}",
        "it answers only instances of vpc '{place}'",
    ),
    Obstacle.LINK_LOCAL: ("{component}", "{address} is a link-local address"),
    Obstacle.LOOP: ("{word} {name}", "the packet comes back: {text}"),
    Obstacle.DOWN: ("{word} {name}", "'{name}' is down"),
    Obstacle.STATIC_CLOUDHUB: (
        "site {name}",
        "vpn '{text}' is static: VPN CloudHub joins sites over BGP VPNs only, so no route to"
        " {address} is advertised to site '{place}'",
    ),
    Obstacle.NO_LISTENER: ("load balancer {name}", "no listener for {text}"),
    Obstacle.NO_HEALTHY_TARGET: ("target group {name}", "no healthy target: {text}"),
    Obstacle.DX_NOT_ALLOWED: (
        "site {name}",
        "AWS advertises no route to {address} to site '{place}' over Direct Connect: {text}",
    ),
    Obstacle.DX_BETWEEN_ASSOCIATIONS: (
        "{word} {name}",
        "{address} is behind another association of DX gateway '{place}', and a DX gateway"
        " never carries traffic between two of its associations",
    ),
    Obstacle.NO_VIF_CARRIES: ("{word} {name}", "no virtual interface leads to {address} ({text})"),
    Obstacle.LB_NOT_PUBLIC: (
        "internet gateway {name}",
        "the node at {address} is in subnet '{place}', which has no route to it",
    ),
}

#: Where a packet is delivered: (the component, the sentence), over :class:`Delivered`.
_ARRIVALS: dict[Arrival, tuple[str, str]] = {
    Arrival.SAME_SUBNET: (
        "subnet",
        "{address} is in the same subnet: no route table or ACL between them",
    ),
    Arrival.NAT_GATEWAY: ("nat gateway", "{address}"),
    Arrival.INTERNET: ("internet", "to {address}"),
    Arrival.SERVICE: ("service", "{place} accepts the connection"),
    Arrival.ATTACHMENT: ("attachment", "into vpc '{place}' at subnet '{subnet}' (local route)"),
    Arrival.SITE_HOST: ("host", "{address} (site hosts do no filtering)"),
    Arrival.IN_SITE: ("site", "{address} is inside site '{place}'"),
    Arrival.HOST: ("host", "{address}"),
    Arrival.ON_HOST: (
        "instance host",
        "{place} at {address} answers: no route, security group or network ACL applies",
    ),
    Arrival.FROM_HOST: ("instance", "the reply of {place} to {address}"),
    Arrival.LOAD_BALANCER: ("load balancer", "its node {address} in subnet '{subnet}'"),
}


def _acl_rule(rule: m.AclRule) -> str:
    what = traffic_text(rule.protocol, rule.ports, rule.icmp)
    return f"{rule.number} {rule.action.value} {what} {rule.cidr}"


def _sg_rule(rule: m.SgRule) -> str:
    word = "from" if rule.direction is m.Direction.INGRESS else "to"
    what = traffic_text(rule.protocol, rule.ports, rule.icmp)
    return f"{rule.direction.value} {what} {word} {rule.peer}"


def _route(d: RouteStep) -> tuple[str, str, str]:
    component = f"tgw route table {d.table}" if d.transit else f"route table {d.table}"
    route = d.route
    if d.problem is RouteProblem.LOOP:
        return "route table", "dropped", "the path loops"
    if d.problem is RouteProblem.NO_ROUTE or route is None:
        return component, "dropped", f"no route to {d.destination}"
    target = route.attachment if isinstance(route, m.TgwRoute) else route.target
    if d.problem is RouteProblem.BLACKHOLE:
        return component, "dropped", f"route {route.destination} blackhole"
    if d.problem is RouteProblem.STOPPED_INSTANCE:
        assert isinstance(route, m.Route)
        why = f"instance '{route.target.name}' is stopped"
        return component, "dropped", f"route {route.destination} via {target}: {why}"
    if d.problem is RouteProblem.DOWN:
        return component, "dropped", f"route {route.destination} via {target}: '{target}' is down"
    if d.problem is RouteProblem.NOT_TRANSITIVE:
        return component, "dropped", f"traffic from a {d.via} cannot leave vpc '{d.vpc}' again"
    if d.ecmp:
        equal = ", ".join(d.ecmp)
        how = f"{route.origin.value}; ECMP: any of {target}, {equal}"
        return component, "routed", f"{route.destination} via {target} ({how})"
    return component, "routed", f"{route.destination} via {target} ({route.origin.value})"


def _acl(d: AclStep) -> tuple[str, str, str]:
    word = "outbound" if d.outbound else "inbound"
    rule = f"{word} rule {_acl_rule(d.rule)}" if d.rule is not None else ""
    if d.allowed:
        text = (rule + (" (reply)" if d.reply else "")) if rule else word
        return f"network ACL {d.acl}", "allowed", text
    none = "no rule matches the reply" if d.reply else "no rule matches"
    return f"network ACL {d.acl}", "dropped", rule or f"{word}: {none} (the implicit deny)"


def _sg(d: SgStep) -> tuple[str, str, str]:
    if d.stateful_reply:
        return "security groups", "allowed", "reply to an allowed connection (stateful)"
    if d.rule is not None:
        return f"security group {', '.join(d.groups)}", "allowed", _sg_rule(d.rule)
    assert d.protocol is not None
    word = "from" if d.direction is m.Direction.INGRESS else "to"
    wanted = f"{traffic_text(d.protocol, d.port, d.icmp)} {word} {d.peer}"
    return (
        f"security groups {', '.join(d.groups)}",
        "dropped",
        f"no {d.direction.value} rule allows {wanted}",
    )


def _translation(d: TranslationStep) -> tuple[str, str, str]:
    if d.rewrite is Rewrite.REPLY:
        text = f"reply to {d.outside} goes back to {d.inside}"
        return f"{d.device.value} {d.name}", "translated", text
    if d.rewrite is Rewrite.DESTINATION:
        text = f"destination {d.outside} → {d.inside}"
    else:
        text = f"source {d.inside} → {d.outside}"
        if d.device is C.NAT_INSTANCE:
            text += " (source/destination check off)"
    return f"{_WORDS[d.device]} {d.name}", "translated", text


def _forwarded(d: Forwarded) -> tuple[str, str, str]:
    word = _WORDS[d.by]
    if d.by is C.ENDPOINT:
        word = "interface endpoint" if d.interface else "gateway endpoint"
    p = d.passage
    ipv6 = "IPv6 " if d.ipv6 else ""
    if p is Passage.TO_SERVICE:
        text = f"to {d.to}"
    elif p is Passage.FROM_SERVICE:
        text = f"reply from {d.to}"
    elif p is Passage.REPLY_IN:
        text = "reply to a connection opened from inside"
    elif p is Passage.ACROSS:
        text = f"vpc '{d.source}' → vpc '{d.to}'"
    elif p is Passage.TO_PEER:
        text = f"transit gateway '{d.source}' → transit gateway '{d.to}' (static routes)"
    elif p is Passage.INTO_SITE:
        text = f"into site '{d.to}'"
    elif p is Passage.INTO_VPN:
        text = f"into vpn '{d.to}'"
    elif p is Passage.CLOUDHUB:
        text = f"vpn '{d.source}' → vpn '{d.to}' (VPN CloudHub)"
    elif p is Passage.OUT and d.by is C.VPN:
        text = f"{d.to} ({d.routing})"
    elif p is Passage.OUT and d.source:
        text = f"{ipv6}from {d.source}"
    elif p is Passage.IN and d.by is C.VPN_GATEWAY:
        text = f"into vpc '{d.to}'"
    elif p is Passage.TO_TARGET_GROUP:
        text = f"listener to target group '{d.to}'"
    elif p is Passage.TO_TARGET:
        text = f"to target {d.to} from {d.source}"
    elif p is Passage.TO_ENDPOINT:
        text = f"to endpoint {d.to} ({d.source})"
    else:
        text = f"{ipv6}to {d.to}"
    return f"{word} {d.name}", "forwarded", text


def _dropped(d: Dropped) -> tuple[str, str, str]:
    if d.obstacle in (Obstacle.NOT_IN_SUBNET, Obstacle.NO_INTERFACE_NO_SUBNET):
        where = f" of vpc '{d.place}'" if d.place else ""
        unheld = "" if d.obstacle is Obstacle.NOT_IN_SUBNET else "no network interface holds it: "
        return "vpc", "dropped", f"{unheld}{d.address} is in no subnet{where}"
    component, text = _OBSTACLES[d.obstacle]
    word = _WORDS.get(d.by, "") if d.by is not None else ""
    fields = {
        "name": d.name,
        "address": d.address,
        "place": d.place,
        "text": d.text,
        "via": d.via,
        "word": word,
        "over": "VPN gateway" if d.by is C.VPN_GATEWAY else word,
        "component": "internet"
        if d.by is C.INTERNET
        else (f"{word} {d.name}" if word else f"site {d.name}"),
    }
    return component.format(**fields), "dropped", text.format(**fields)


def step_text(detail: StepDetail) -> tuple[str, str, str]:
    """A step in words: the component that decided, what it did, and by which rule or why."""
    if isinstance(detail, RouteStep):
        return _route(detail)
    if isinstance(detail, AclStep):
        return _acl(detail)
    if isinstance(detail, SgStep):
        return _sg(detail)
    if isinstance(detail, TranslationStep):
        return _translation(detail)
    if isinstance(detail, Forwarded):
        return _forwarded(detail)
    if isinstance(detail, Delivered):
        component, text = _ARRIVALS[detail.arrival]
        fields = {"address": detail.address, "place": detail.place, "subnet": detail.subnet}
        return component, "delivered", text.format(**fields)
    if isinstance(detail, Sent):
        if detail.site:
            over = f" over {detail.over}" if detail.over else ""
            return f"site {detail.site}", "sent", f"to {detail.to}{over}"
        if detail.host:
            return "instance host", "sent", f"the reply from {detail.source}"
        if detail.subnet:
            return "address", "sent", f"{detail.source} in subnet '{detail.subnet}'"
        return "internet", "sent", f"from {detail.source}"
    return _dropped(detail)


def _where(hop: Hop) -> str:
    parts = [
        p for p in (hop.vpc and f"vpc {hop.vpc}", hop.site and f"site {hop.site}", hop.az) if p
    ]
    return f" ({', '.join(parts)})" if parts else ""


def path_text(components: list[ComponentId]) -> str:
    """Components as a path: ``app-1 → nat-a → igw → internet``."""
    return " → ".join(c.name for c in components)


def summary(trace: Trace) -> str:
    """One line: the components the request crosses, e.g. ``app-1 → private-a → nat-a → igw → internet``."""
    text = path_text(trace.components())
    if not trace.allowed:
        text += f"  ✗ {trace.code}"
    return text


def _line(step: Step, main: str | None = None) -> str:
    component, action, detail = step_text(step.detail)
    mark = "✓" if step.ok else "✗"
    at = ""
    if step.span is not None and step.span.line:
        # A network of several files (``include``): a line of another file names it.
        other = main is not None and step.span.file != main
        at = f"  [{step.span.file}:{step.span.line}]" if other else f"  [line {step.span.line}]"
    return f"       {mark} {component}: {action} — {detail}{at}"


def explain_lines(trace: Trace, main: str | None = None) -> list[str]:
    """The trace as lines a reviewer reads: each hop, its decisions, and the verdict.

    ``main`` is the file the network was read from: a decision written in another (an
    included file) is marked with its file, not only its line."""
    q = trace.query
    what = traffic_text(q.protocol, q.port, q.icmp)
    lines = [f"{q.source} -> {q.destination} {what}: {trace.verdict.value.upper()}"]
    if trace.port_runs:
        lines.append("  ports: " + ", ".join(map(_port_run, trace.port_runs)))
    if trace.through:  # an expectation from the internet, opened only through an accelerator
        lines.append(f"  through accelerator {trace.through}: not on {q.destination}'s own address")
    if trace.source_address is not None or trace.destination_address is not None:
        lines.append(
            f"  addresses: {trace.source_address or '?'} -> {trace.destination_address or '?'}"
        )
    for leg, hops in ((Leg.FORWARD, trace.forward), (Leg.RETURN, trace.reverse)):
        if not hops:
            continue
        lines.append(f"  {'request' if leg is Leg.FORWARD else 'reply'}:")
        for i, hop in enumerate(hops, 1):
            lines.append(f"    {i}. {hop.kind.value} {hop.name}{_where(hop)}")
            lines.extend(_line(step, main) for step in hop.steps)
    if trace.allowed:
        if trace.source_ports:
            ports = ", ".join(map(str, trace.source_ports))
            lines.append(f"  allowed: the connection works from source ports {ports}")
        else:
            lines.append("  allowed: the connection is established")
    else:
        where = "request" if trace.leg is Leg.FORWARD else "reply"
        lines.append(f"  denied on the {where}: {trace.code} — {trace.reason}")
    return lines


def _port_run(run: PortRun) -> str:
    code = f" ({run.code})" if run.code is not None else ""
    return f"{run.ports} {'allowed' if run.verdict is m.Verdict.ALLOW else 'denied'}{code}"


def explain(trace: Trace, main: str | None = None) -> str:
    return "\n".join(explain_lines(trace, main)) + "\n"


def _step_json(step: Step) -> dict[str, Any]:
    component, action, detail = step_text(step.detail)
    return {
        "component": component,
        "action": action,
        "detail": detail,
        "ok": step.ok,
        "line": step.span.line if step.span is not None and step.span.line else None,
    }


def _hop_json(hop: Hop) -> dict[str, Any]:
    return {
        "kind": hop.kind.value,
        "name": hop.name,
        "vpc": hop.vpc or None,
        "region": hop.region or None,
        "az": hop.az or None,
        "site": hop.site or None,
        "steps": [_step_json(s) for s in hop.steps],
    }


def trace_json(trace: Trace) -> dict[str, Any]:
    """The documented JSON form of a trace (see docs/json.md)."""
    q = trace.query
    code: DropCode | None = trace.code
    return {
        "version": PATH_JSON_VERSION,
        "query": {
            "source": q.source.text,
            "destination": q.destination.text,
            "protocol": q.protocol.value,
            "port": q.port,
            "icmp": {"type": q.icmp.type, "code": q.icmp.code} if q.icmp is not None else None,
        },
        "verdict": trace.verdict.value,
        "code": code.value if code else None,
        "leg": trace.leg.value if trace.leg else None,
        "reason": trace.reason or None,
        "source_address": str(trace.source_address) if trace.source_address else None,
        "destination_address": str(trace.destination_address)
        if trace.destination_address
        else None,
        "source_ports": [str(r) for r in trace.source_ports],
        "port_runs": [
            {
                "ports": str(r.ports),
                "verdict": r.verdict.value,
                "code": r.code.value if r.code else None,
            }
            for r in trace.port_runs
        ],
        "forward": [_hop_json(h) for h in trace.forward],
        "return": [_hop_json(h) for h in trace.reverse],
    }


def resolution_lines(res: Resolution, main: str | None = None) -> list[str]:
    """A resolution as lines: the names asked, where it was answered, each query leg in
    full, and the answer or why there is none."""
    answer = ", ".join(map(str, res.answers)) if res.ok else "FAILS"
    if res.ok and not res.answers:
        answer = "resolves, to an address the file does not know"
        if res.reason:  # NODATA
            answer = f"no {res.qtype.value} record — {res.reason}"
    asked = "" if res.qtype is m.RecordKind.A else f" {res.qtype.value}"
    lines = [f"{res.client} resolves {res.name}{asked}: {answer}"]
    if res.resolver:
        lines.append(f"  resolver: the Amazon resolver of vpc '{res.resolver}'")
    if len(res.chain) > 1:
        lines.append("  names: " + " -> ".join(res.chain) + " (CNAME)")
    if res.zone:
        served = f"served by '{res.zone_server}'" if res.zone_server else "private"
        lines.append(f"  zone: {res.zone} ({served})")
    for i, leg in enumerate(res.legs, 1):
        verdict = "allowed" if leg.ok else "DENIED"
        lines.append(f"  query {i}: {leg.asker} -> {leg.server} udp 53: {verdict}")
        if not leg.ok:
            lines.extend("  " + line for line in explain_lines(leg.trace, main)[1:])
    if not res.ok:
        lines.append(f"  fails: {res.code} — {res.reason}")
    return lines


def resolution_text(res: Resolution, main: str | None = None) -> str:
    return "\n".join(resolution_lines(res, main)) + "\n"


def resolution_json(res: Resolution) -> dict[str, Any]:
    """The JSON form of a resolution (``netdraft resolve --json``; see docs/json.md)."""
    return {
        "version": PATH_JSON_VERSION,
        "client": res.client.text,
        "name": res.name,
        "type": res.qtype.value,
        "answers": [str(a) for a in res.answers],
        "code": res.code.value if res.code else None,
        "reason": res.reason or None,
        "names": list(res.chain),
        "zone": res.zone or None,
        "zone_server": res.zone_server or None,
        "resolver": res.resolver or None,
        "queries": [
            {"asker": leg.asker, "server": leg.server, "trace": trace_json(leg.trace)}
            for leg in res.legs
        ],
    }
