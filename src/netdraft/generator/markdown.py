"""Markdown documentation of a network: a plain context rendered through Jinja2 template files."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from netdraft.diagnostics import Diagnostic
from netdraft.dsl.parse import opening_comment
from netdraft.files import MAX_TEMPLATE_BYTES, confine, read_bytes
from netdraft.generator.costs import money
from netdraft.generator.errors import TemplateProblem as TemplateProblem  # its home before errors
from netdraft.generator.errors import TemplateTooLarge, TemplateUnsafe
from netdraft.generator.explain import path_text
from netdraft.generator.exposure import via
from netdraft.generator.outcomes import path_problem, resolve_problem
from netdraft.generator.view import NodeKind, View
from netdraft.model import network as m
from netdraft.model.aws_ranges import snapshot
from netdraft.model.values import HOURS_PER_MONTH, IcmpType, PortRange, Protocol, traffic_text
from netdraft.sim import resiliency
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.cost import FLOW_LOG_PRICES, Charge, CostReport
from netdraft.sim.expectations import expectation_trace
from netdraft.sim.path import dx
from netdraft.sim.path.lb import healthy_targets
from netdraft.sim.prices import BUNDLED_NAME
from netdraft.sim.trace import ComponentKind, Trace

#: The page template; the others are included from it (see docs/docs-command.md).
PAGE_TEMPLATE = "network.md.j2"

#: The built-in templates, in ``netdraft/generator/templates/``.
TEMPLATE_NAMES = (
    PAGE_TEMPLATE,
    "vpc.md.j2",
    "security.md.j2",
    "connectivity.md.j2",
    "prefix-lists.md.j2",
    "ipam.md.j2",
    "accelerators.md.j2",
    "flows.md.j2",
    "expectations.md.j2",
    "scenarios.md.j2",
    "costs.md.j2",
    "dns.md.j2",
    "exposure.md.j2",
    "warnings.md.j2",
)

#: The extension of the diagram written beside the page.
IMAGE_FORMAT = "svg"

Context = dict[str, Any]


# --- escaping ------------------------------------------------------------------------------------

# Characters that start emphasis, code, links or headings wherever they are. Each is one
# that Python-Markdown (MkDocs) unescapes (its ``Markdown.ESCAPED_CHARS``) as CommonMark
# (GitHub) does, so the backslash disappears in both.
_BACKSLASHED = "\\`*_[]#"
# ``&``, ``<``, ``|`` and ``~``, which Python-Markdown does not unescape (a backslash would
# stay on the page: ``\<``), and ``>`` with them, become character references instead:
# both read them, and neither takes them for HTML, a table cell separator or strikethrough.
# ``{`` and ``}`` too: with Python-Markdown's ``attr_list``, a title ending in
# ``{: onmouseover=…}`` would set attributes of its heading.
_REFERENCES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "~": "&#126;",
    "{": "&#123;", "}": "&#125;",
}  # fmt: skip
# Control characters (a title may hold them) are shown as escapes, never written raw.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPECIAL = re.compile("[" + re.escape(_BACKSLASHED + "".join(_REFERENCES)) + "]")
# A list marker, when the text starts a line: ``1. `` or ``1) ``, ``- `` or ``+ ``.
_LIST_MARKER = re.compile(r"^(?:\d{1,9}(?=[.)](?:\s|$))|(?=[+\-](?:\s|$)))")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _REFERENCES.get(char) or "\\" + char


def escape_md(value: object) -> str:
    """Escape text so that Markdown shows it as written, in a paragraph, heading or table cell.

    The page must read the same in MkDocs (Python-Markdown) and on GitHub (CommonMark), and
    no HTML written in a ``.nd`` file may reach it. So the characters that start emphasis,
    code spans, links and headings (``\\ ` * _ [ ] #``), which both unescape, get a
    backslash; ``&``, ``<``, ``>``, the table cell separator ``|`` and ``~``
    (strikethrough), which Python-Markdown would show with their backslash, and ``{ }``
    (``attr_list``), become character references (``&amp;``, ``&lt;``, ``&gt;``,
    ``&#124;``, ``&#126;``, ``&#123;``, ``&#125;``); a control character is shown as
    ``\\xNN``. A leading
    list marker (``- ``, ``+ ``, ``1. ``) is escaped too, and line breaks become spaces.

    Args:
        value: the text (converted with ``str``).

    Returns:
        The escaped text.
    """
    text = " ".join(str(value).splitlines())
    text = _SPECIAL.sub(_escape_char, text)
    text = _CONTROL.sub(lambda m: f"\\\\x{ord(m.group()):02x}", text)
    marker = _LIST_MARKER.match(text)
    if marker is not None:
        text = f"{text[: marker.end()]}\\{text[marker.end() :]}"
    return text


def code_span(value: object) -> str:
    """Text as a Markdown code span that survives any backticks in it and table cells."""
    text = " ".join(str(value).splitlines())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`"):
        text = f" {text} "
    text = text.replace("|", "\\|")  # GitHub splits table cells before it reads code spans
    return f"{fence}{text}{fence}"


# --- the context -----------------------------------------------------------------------------------


def _ports(protocol: Protocol, ports: PortRange | None, icmp: IcmpType | None = None) -> str:
    if protocol is Protocol.ALL:
        return "all"
    if icmp is not None:
        return str(icmp)  # the column of an ICMP rule names its type: "type 8"
    if not protocol.has_ports:
        return "—"
    return "all" if ports is None or (ports.low, ports.high) == (0, 65535) else str(ports)


def _traffic(protocol: Protocol, port: object, icmp: IcmpType | None = None) -> str:
    return traffic_text(protocol, port, icmp)


def _plural(count: int, word: str) -> str:
    return f"{count or 'no'} {word if count == 1 else word + 's'}"


def _path_and_code(trace: Trace) -> tuple[str, str]:
    """The components the request crosses, as a path, and the drop code when denied."""
    code = trace.code.value if trace.code is not None and not trace.allowed else ""
    return path_text(trace.components()), code


def addresses_used(network: m.Network, vpc: m.Vpc, subnet: m.Subnet) -> int:
    """Addresses taken in a subnet: instances, NAT gateways, endpoint and TGW attachment interfaces."""
    used = sum(1 for inst in vpc.instances.values() if inst.subnet == subnet.name)
    used += sum(1 for nat in vpc.nat_gateways.values() if nat.subnet == subnet.name)
    used += sum(
        ep.subnets.count(subnet.name)  # a resolver endpoint may hold two addresses of one
        for ep in vpc.endpoints.values()
        if ep.kind is m.EndpointKind.INTERFACE
    )
    used += sum(1 for b in vpc.load_balancers.values() for n in b.nodes if n.subnet == subnet.name)
    for tgw in network.transit_gateways.values():
        att = tgw.attachments.get(vpc.name)
        if att is not None and att.kind is m.AttachmentKind.VPC and subnet.name in att.subnets:
            used += 1  # the attachment's network interface
    return used


def _subnets(network: m.Network, vpc: m.Vpc) -> list[Context]:
    rows = []
    for s in vpc.subnets.values():
        used = addresses_used(network, vpc, s)
        rows.append(
            {
                "name": s.name,
                "az": s.az,
                "cidr": str(s.cidr),
                "ipv6": str(s.ipv6) if s.ipv6 else "",
                "public": vpc.is_public(s),
                "access": "public" if vpc.is_public(s) else "private",
                "public_ip_on_launch": s.public_ip_on_launch,
                "route_table": s.route_table,
                "network_acl": s.network_acl,
                "size": int(s.cidr.num_addresses),
                "usable": s.usable,
                "used": used,
                "free": s.usable - used,
            }
        )
    return rows


def _public_address(inst: m.Instance, subnet: m.Subnet) -> str:
    if inst.public is m.PublicIp.ELASTIC:
        return f"Elastic IP {inst.public_ip}" if inst.public_ip else "Elastic IP"
    if inst.public is m.PublicIp.AUTO:
        if inst.public_ip:
            return f"public IP {inst.public_ip}"
        return "auto-assigned on launch" if subnet.public_ip_on_launch else "auto-assigned"
    return ""


def _instances(vpc: m.Vpc) -> list[Context]:
    rows = []
    for inst in vpc.instances.values():
        notes = []
        if not inst.source_dest_check:
            notes.append("source/destination check off")
        if inst.stopped:
            notes.append("stopped")
        if inst.down:
            notes.append("down")
        rows.append(
            {
                "name": inst.name,
                "subnet": inst.subnet,
                "ip": str(inst.ip),
                "ipv6": str(inst.ipv6) if inst.ipv6 else "",
                "public": _public_address(inst, vpc.subnets[inst.subnet]),
                "security_groups": list(inst.security_groups or (vpc.default_security_group,)),
                "notes": notes,
            }
        )
    return rows


_GATEWAY_KINDS = {
    m.TargetKind.INTERNET_GATEWAY: "internet gateway",
    m.TargetKind.EGRESS_ONLY_GATEWAY: "egress-only internet gateway",
    m.TargetKind.VPN_GATEWAY: "virtual private gateway",
}


def _gateways(network: m.Network, vpc: m.Vpc) -> list[Context]:
    rows = []
    for gw in (vpc.internet_gateway, vpc.egress_only_gateway, vpc.vpn_gateway):
        if gw is None:
            continue
        vpns = [v.name for v in network.vpns.values() if v.gateway == gw.name]
        # §12: what reaches a VPN gateway over Direct Connect: its VIFs, its DX gateway.
        dx = [f"vif {v.name}" for v in network.vifs.values() if v.target == gw.name]
        dx += [
            f"DX gateway {g.name}"
            for g in network.dx_gateways.values()
            if g.association(gw.name) is not None
        ]
        rows.append(
            {"name": gw.name, "kind": _GATEWAY_KINDS[gw.kind], "vpns": vpns, "dx": sorted(dx)}
        )
    return rows


def _nat_gateways(vpc: m.Vpc) -> list[Context]:
    return [
        {
            "name": nat.name,
            "subnet": nat.subnet,
            "type": "private" if nat.private else "public",
            "ip": str(nat.ip),
            "public": "" if nat.private else (f"Elastic IP {nat.eip}" if nat.eip else "Elastic IP"),
        }
        for nat in vpc.nat_gateways.values()
    ]


def _endpoints(vpc: m.Vpc) -> list[Context]:
    rows = []
    for ep in vpc.endpoints.values():
        interface = ep.kind is m.EndpointKind.INTERFACE
        rows.append(
            {
                "name": ep.name,
                "type": f"resolver {ep.resolver}" if ep.resolver else ep.kind.value,
                "service": ep.service,
                "route_tables": list(ep.route_tables),
                "subnets": list(ep.subnets),
                "addresses": [str(a) for a in ep.addresses],
                "security_groups": list(
                    ep.security_groups or ((vpc.default_security_group,) if interface else ())
                ),
            }
        )
    return rows


def _route_tables(vpc: m.Vpc) -> list[Context]:
    rows = []
    for table in vpc.route_tables.values():
        subnets = [s.name for s in vpc.subnets.values() if s.route_table == table.name]
        if table.implicit and not subnets:
            continue  # AWS's default main table, which no subnet uses: nothing to review
        rows.append(
            {
                "name": table.name,
                "main": table.main,
                "implicit": table.implicit,
                "subnets": subnets,
                "propagations": list(table.propagations),
                "routes": [
                    {
                        "destination": str(r.destination),
                        "target": str(r.target),
                        "target_kind": r.target.kind.value,
                        "origin": r.origin.value,
                    }
                    for r in table.routes
                ],
            }
        )
    return rows


def _sg_peer(peer: m.SgPeer) -> str:
    if isinstance(peer, m.GroupPeer):
        return f"group {peer.group}"
    if isinstance(peer, m.PrefixList):
        return f"prefix list {peer}"
    return str(peer)


def _accelerators(analysis: NetworkAnalysis) -> list[Context]:
    """A row per accelerator: its static addresses, listeners, endpoints and hourly cost."""
    rows = []
    for ga in analysis.network.accelerators.values():
        cost = sum(
            (c.amount for c in analysis.report.hourly if c.what == f"accelerator {ga.name}"),
            start=Decimal(0),
        )
        rows.append(
            {
                "name": ga.name,
                "ips": [str(ip) for ip in ga.ips],
                "listeners": [
                    {
                        "listener": f"{x.protocol.value} {x.ports}",
                        "endpoints": [f"{e} ({e.weight}, {e.region})" for e in x.endpoints],
                    }
                    for x in ga.listeners
                ],
                "monthly": money(cost),
            }
        )
    return rows


def _ipam_pools(network: m.Network) -> list[Context]:
    """A row per IPAM pool: its CIDR, what it gave out (chosen or written) and what is left."""
    return [
        {
            "name": pool.name,
            "cidr": str(pool.cidr),
            "public": pool.public,
            "allocations": [
                f"{a.cidr} → {'' if a.kind == 'vpc' else 'load balancer '}{a.resource}"
                + ("" if a.chosen else " (written)")
                for a in pool.allocations
            ],
            "free": f"{pool.free_addresses:,}",
        }
        for pool in network.ipam_pools.values()
    ]


def _prefix_lists(network: m.Network) -> list[Context]:
    """The customer-managed lists, then the AWS-managed ones the rules name, with their
    entries and where they are used."""
    uses: dict[m.PrefixList, list[str]] = {p: [] for p in network.prefix_lists}
    for vpc in network.vpcs.values():
        for group in vpc.security_groups.values():
            for rule in (*group.ingress, *group.egress):
                if isinstance(rule.peer, m.PrefixList):
                    where = f"security group {vpc.name}.{group.name}"
                    found = uses.setdefault(rule.peer, [])
                    if where not in found:
                        found.append(where)
        for table in vpc.route_tables.values():
            for route in table.routes:
                dest = route.destination
                if (
                    isinstance(dest, m.PrefixList)
                    and route.target.kind is not m.TargetKind.ENDPOINT
                ):
                    uses.setdefault(dest, []).append(f"route table {vpc.name}.{table.name}")
    for tgw in network.transit_gateways.values():
        for t in tgw.route_tables.values():
            named = {r.prefix_list for r in t.routes if r.prefix_list}
            for listed in uses:
                if (
                    not listed.managed
                    and listed.name in named
                    and listed.region in ("", tgw.region)
                ):
                    uses[listed].append(f"transit gateway route table {tgw.name}.{t.name}")
    rows = []
    for listed, used in uses.items():
        families = sorted({f"IPv{c.version}" for c in listed.cidrs})
        rows.append(
            {
                "name": str(listed),
                "managed": listed.managed,
                "region": listed.region or "every region",
                "family": " and ".join(families) or "—",
                "entries": [str(c) for c in listed.cidrs],
                "used_by": used,
            }
        )
    return rows


def _security_groups(vpc: m.Vpc) -> list[Context]:
    users: dict[str, list[str]] = {name: [] for name in vpc.security_groups}
    for inst in vpc.instances.values():
        for group in inst.security_groups or (vpc.default_security_group,):
            users[group].append(f"instance {inst.name}")
    for ep in vpc.endpoints.values():
        if ep.kind is m.EndpointKind.INTERFACE:
            for group in ep.security_groups or (vpc.default_security_group,):
                users[group].append(f"endpoint {ep.name}")
    rows = []
    for sg in vpc.security_groups.values():
        if sg.default and not users[sg.name]:
            continue  # the implicit default group, which nothing uses
        rows.append(
            {
                "name": sg.name,
                "default": sg.default,
                "used_by": users[sg.name],
                "rules": [
                    {
                        "direction": rule.direction.value,
                        "protocol": rule.protocol.value,
                        "ports": _ports(rule.protocol, rule.ports, rule.icmp),
                        "peer": _sg_peer(rule.peer),
                    }
                    for rule in (*sg.ingress, *sg.egress)
                ],
            }
        )
    return rows


def _network_acls(vpc: m.Vpc) -> tuple[list[Context], Context | None]:
    """The custom ACLs with their rules, and the default one when a subnet uses it."""
    rows = []
    default: Context | None = None
    for acl in vpc.network_acls.values():
        subnets = [s.name for s in vpc.subnets.values() if s.network_acl == acl.name]
        if acl.default:
            # Allow-all both ways: a sentence says it better than a table.
            default = {"name": acl.name, "subnets": subnets} if subnets else None
            continue
        rules = []
        for direction, listed in (("inbound", acl.inbound), ("outbound", acl.outbound)):
            rules += [
                {
                    "direction": direction,
                    "number": str(r.number),
                    "action": r.action.value,
                    "protocol": r.protocol.value,
                    "ports": _ports(r.protocol, r.ports, r.icmp),
                    "cidr": str(r.cidr),
                }
                for r in listed
            ]
            # AWS's final rule: what no numbered rule allows is denied.
            rules.append(
                {
                    "direction": direction,
                    "number": "*",
                    "action": "deny",
                    "protocol": "all",
                    "ports": "all",
                    "cidr": "any",
                }
            )
        rows.append({"name": acl.name, "subnets": subnets, "rules": rules})
    return rows, default


def _load_balancers(analysis: NetworkAnalysis, vpc: m.Vpc) -> list[Context]:
    """A row per load balancer: its nodes, groups, listeners and monthly cost (hours and
    node addresses; processed data is in the flows' costs)."""
    rows = []
    for name, lb in sorted(vpc.load_balancers.items()):
        mine = (f"{lb.kind.value} load balancer {name}", f"public IPv4 of load balancer {name} ×")
        cost = sum(
            (c.amount for c in analysis.report.hourly if c.what.startswith(mine)),
            start=Decimal(0),
        )
        rows.append(
            {
                "name": name,
                "type": lb.kind.value,
                "scheme": "internet-facing" if lb.internet_facing else "internal",
                "nodes": [f"{n.subnet} {n.ip}" + _node_public(lb, n.public_ip) for n in lb.nodes],
                "security_groups": list(lb.security_groups),
                "cross_zone": lb.cross_zone,
                "listeners": [f"{x.protocol} {x.port} → {x.target_group}" for x in lb.listeners],
                "monthly": money(cost),
            }
        )
    return rows


def _node_public(lb: m.LoadBalancer, address: object) -> str:
    if address is None:
        return ""
    if lb.ipam_pool is not None:
        return f" (public IP {address} from IPAM pool {lb.ipam_pool})"
    return f" (Elastic IP {address})"


def _target_groups(analysis: NetworkAnalysis, vpc: m.Vpc) -> list[Context]:
    """A row per target group: its port, its targets and their health as simulated from
    the nodes of the load balancers that use it."""
    rows = []
    for name, tg in sorted(vpc.target_groups.items()):
        users = [
            b
            for b in vpc.load_balancers.values()
            if any(x.target_group == name for x in b.listeners)
        ]
        healthy: set[str] = set()
        for lb in users:
            healthy |= healthy_targets(analysis.simulator, vpc, lb, tg)
        rows.append(
            {
                "name": name,
                "protocol": tg.protocol,
                "port": tg.port,
                "load_balancers": [b.name for b in users],
                "targets": [
                    {"name": t.name, "kind": t.kind.value, "healthy": t.name in healthy}
                    for t in tg.targets
                ],
            }
        )
    return rows


def _flow_logs(analysis: NetworkAnalysis, vpc: m.Vpc) -> list[Context]:
    """A row per flow log: what it captures, where it publishes, its written monthly volume
    and what delivering that volume costs."""
    rows = []
    for log in vpc.flow_logs:
        price = analysis.report.prices.price(FLOW_LOG_PRICES[log.destination], vpc.region)
        cost = log.volume.gigabytes * price.value if log.volume is not None else None
        rows.append(
            {
                "resource": f"{log.kind.value} {log.resource}",
                "destination": "S3"
                if log.destination is m.FlowLogDestination.S3
                else "CloudWatch Logs",
                "volume": str(log.volume) if log.volume is not None else "",
                "monthly": money(cost) if cost is not None else "",
            }
        )
    return rows


def _traffic_mirrors(analysis: NetworkAnalysis, vpc: m.Vpc) -> list[Context]:
    """A row per traffic mirror session: its source and target, whether its VXLAN copies
    reach the target, and the monthly cost of its source interface (on the source's first
    session: AWS bills the interface, whatever its number of sessions)."""
    traces = {id(s): t for v, s, t in analysis.mirrors if v.name == vpc.name}
    hourly = analysis.report.prices.price("traffic_mirror_per_eni_hour", vpc.region).value
    billed = HOURS_PER_MONTH * hourly
    rows = []
    seen: set[str] = set()
    for session in vpc.traffic_mirrors:
        trace = traces.get(id(session))
        if trace is None:
            reached = "not checked: the source is stopped or down"
        elif trace.allowed:
            reached = "yes"
        else:
            reached = f"no: {trace.code}: {trace.reason}"
        first = session.source not in seen
        seen.add(session.source)
        target = (
            session.target
            if session.target_vpc == vpc.name
            else f"{session.target_vpc}.{session.target}"
        )
        rows.append(
            {
                "source": session.source,
                "target": target,
                "target_kind": session.target_kind.value,
                "reached": reached,
                "monthly": money(billed) if first else "",
            }
        )
    return rows


def _vpc_dns(vpc: m.Vpc) -> Context:
    """A VPC's DHCP option set (its domain, its name servers) and DNS attributes."""
    from netdraft.sim.path.linklocal import resolver_address

    amazon = resolver_address(vpc)
    servers = (
        ", ".join(map(str, vpc.dns_servers))
        if vpc.dns_servers
        else f"the Amazon resolver ({amazon})"
        if amazon is not None
        else "the Amazon resolver"
    )
    return {
        "domain": vpc.dhcp_domain or "",
        "servers": servers,
        "support": "on" if vpc.dns_support else "off",
        "hostnames": "on" if vpc.dns_hostnames else "off",
    }


def _vpc(network: m.Network, vpc: m.Vpc, first: bool) -> Context:
    subnets = _subnets(network, vpc)
    acls, default_acl = _network_acls(vpc)
    public = sum(1 for s in subnets if s["public"])
    return {
        "first": first,
        "name": vpc.name,
        "region": vpc.region,
        "cidrs": [str(c) for c in vpc.cidrs],
        "ipv6": str(vpc.ipv6) if vpc.ipv6 else "",
        "dhcp_domain": vpc.dhcp_domain or "",
        "dns": _vpc_dns(vpc),
        "gateways": _gateways(network, vpc),
        "subnets": subnets,
        "has_ipv6_subnets": any(s["ipv6"] for s in subnets),
        "azs": sorted({s.az for s in vpc.subnets.values()}),
        "public_subnets": public,
        "private_subnets": len(subnets) - public,
        "usable": sum(s["usable"] for s in subnets),
        "used": sum(s["used"] for s in subnets),
        "instances": _instances(vpc),
        "has_ipv6_instances": any(i.ipv6 for i in vpc.instances.values()),
        "nat_gateways": _nat_gateways(vpc),
        "endpoints": _endpoints(vpc),
        "load_balancers": [],
        "target_groups": [],
        "flow_logs": [],
        "traffic_mirrors": [],
        "route_tables": _route_tables(vpc),
        "security_groups": _security_groups(vpc),
        "network_acls": acls,
        "default_network_acl": default_acl,
        "peerings": [p.name for p in network.peerings_of(vpc.name)],
    }


def _peerings(network: m.Network) -> list[Context]:
    rows = []
    for p in network.peerings.values():
        ra, rb = network.vpcs[p.a].region, network.vpcs[p.b].region
        rows.append(
            {
                "name": p.name,
                "a": p.a,
                "b": p.b,
                "region_a": ra,
                "region_b": rb,
                "inter_region": ra != rb,
            }
        )
    return rows


def _ranges() -> Context:
    """Where the AWS-managed lists' entries come from: the bundled snapshot's header."""
    data = snapshot()
    return {
        "source": data.source,
        "create_date": data.create_date,
        "sync_token": data.sync_token,
        "snapshot_date": data.snapshot_date,
        "via": data.via,
    }


def _transit_gateways(network: m.Network) -> list[Context]:
    rows = []
    for tgw in network.transit_gateways.values():
        attachments = []
        for att in tgw.attachments.values():
            table = tgw.route_table_of(att.name)
            azs: list[str] = []
            if att.kind is m.AttachmentKind.VPC:
                subnets = network.vpcs[att.name].subnets
                azs = sorted({subnets[s].az for s in att.subnets if s in subnets})
            attachments.append(
                {
                    "name": att.name,
                    "type": att.kind.value,
                    "subnets": list(att.subnets),
                    "azs": azs,
                    "route_table": table.name if table else "",
                }
            )
        tables = [
            {
                "name": t.name,
                "associations": list(t.associations),
                "propagations": list(t.propagations),
                "routes": [
                    {
                        "destination": f"{r.destination} ({r.prefix_list})"
                        if r.prefix_list
                        else str(r.destination),
                        "target": r.attachment or "blackhole",
                        "blackhole": r.attachment is None,
                        "origin": r.origin.value,
                    }
                    for r in t.routes
                ],
            }
            for t in tgw.route_tables.values()
        ]
        rows.append(
            {
                "name": tgw.name,
                "region": tgw.region,
                "attachments": attachments,
                "route_tables": tables,
            }
        )
    return rows


def _tgw_peerings(network: m.Network, report: CostReport) -> list[Context]:
    """Each transit gateway peering: its two sides, its state, the static routes each side
    sends over it, and what it costs a month: the peering attachment's hours on both sides,
    and the inter-Region transfer of the flows that cross it (AWS Transit Gateway pricing)."""
    hourly = {c.what: c.amount for c in report.hourly}
    rows = []
    for p in network.tgw_peerings.values():
        ends = [network.transit_gateways[p.a], network.transit_gateways[p.b]]
        routes = [
            {
                "gateway": tgw.name,
                "table": t.name,
                "destination": f"{r.destination} ({r.prefix_list})"
                if r.prefix_list
                else str(r.destination),
            }
            for tgw in ends
            for t in tgw.route_tables.values()
            for r in t.routes
            if r.attachment == p.name
        ]
        hours = sum(
            (
                hourly.get(f"transit gateway {tgw.name} attachment {p.name}", Decimal(0))
                for tgw in ends
            ),
            Decimal(0),
        )
        between = {f"{ends[0].region} → {ends[1].region}", f"{ends[1].region} → {ends[0].region}"}
        transfer = sum(
            (
                c.amount
                for fc in report.flows.values()
                if any(
                    h.name == p.name and h.kind is ComponentKind.TGW_PEERING
                    for h in (*fc.trace.forward, *fc.trace.reverse)
                )
                for c in fc.charges
                if c.price_key == "inter_region_per_gb" and c.what.split(": ", 1)[-1] in between
            ),
            Decimal(0),
        )
        rows.append(
            {
                "name": p.name,
                "a": p.a,
                "b": p.b,
                "region_a": ends[0].region,
                "region_b": ends[1].region,
                "inter_region": ends[0].region != ends[1].region,
                "state": "down" if p.down else "up",
                "down": p.down,
                "routes": routes,
                "attachment_cost": money(hours),
                "transfer_cost": money(transfer),
                "cost": money(hours + transfer),
            }
        )
    return rows


def _vpns(network: m.Network) -> list[Context]:
    rows = []
    for vpn in network.vpns.values():
        if vpn.gateway_kind is m.TargetKind.TRANSIT_GATEWAY:
            gateway = f"transit gateway {vpn.gateway}"
        else:
            vpc = network.vpc_of_gateway(vpn.gateway)
            gateway = f"virtual private gateway {vpn.gateway}" + (
                f" (VPC {vpc.name})" if vpc else ""
            )
        rows.append(
            {
                "name": vpn.name,
                "gateway": gateway,
                "customer_gateway": vpn.customer_gateway,
                "site": vpn.site,
                "routing": vpn.routing.value,
                "prefixes": [str(p) for p in vpn.prefixes],
            }
        )
    return rows


def _direct_connect(network: m.Network) -> Context:
    """Direct Connect: connections, VIFs, DX gateways, and each site's resiliency."""
    connections = [
        {
            "name": c.name,
            "location": c.location,
            "speed": c.speed,
            "hosted": c.hosted,
            "site": c.site,
            "device": c.device,
            "down": c.down,
        }
        for c in sorted(network.dx_connections.values(), key=lambda c: c.name)
    ]
    vifs = [
        {
            "name": v.name,
            "kind": v.kind.value,
            "connection": v.connection,
            "target": f"{'DX gateway' if v.to_dx_gateway else 'virtual private gateway'} {v.target}",
        }
        for v in sorted(network.vifs.values(), key=lambda v: v.name)
    ]
    gateways = [
        {
            "name": g.name,
            "associations": [
                {
                    "gateway": (
                        "transit gateway " if a.kind is m.TargetKind.TRANSIT_GATEWAY else ""
                    )
                    + a.gateway,
                    "allowed": [str(p) for p in a.allowed],
                    # What AWS advertises to the sites: for a VPN gateway, the VPC's CIDRs
                    # its allowed prefixes hold; for a transit gateway, the allowed prefixes.
                    "advertised": [
                        str(p)
                        for p in (
                            dx.vgw_advertised(network, a)
                            if a.kind is m.TargetKind.VPN_GATEWAY
                            else a.allowed
                        )
                    ],
                }
                for a in g.associations
            ],
        }
        for g in sorted(network.dx_gateways.values(), key=lambda g: g.name)
    ]
    sites = sorted({c.site for c in network.dx_connections.values()})

    def verdict(site: str, model: m.ResiliencyModel) -> str:
        lack = resiliency.missing(network, site, model)
        return "met" if not lack else "not met: needs" + lack.split(": it needs", 1)[-1]

    models = [
        {"site": site, **{model.value: verdict(site, model) for model in m.ResiliencyModel}}
        for site in sites
    ]
    return {"connections": connections, "vifs": vifs, "gateways": gateways, "resiliency": models}


def _sites(network: m.Network) -> list[Context]:
    return [
        {
            "name": site.name,
            "cidrs": [str(c) for c in site.cidrs],
            "customer_gateways": [
                {"name": c.name, "ip": str(c.ip)} for c in site.customer_gateways.values()
            ],
            "hosts": [{"name": h.name, "ip": str(h.ip)} for h in site.hosts.values()],
        }
        for site in network.sites.values()
    ]


def _origin_name(origin: str) -> str:
    # A price file by its name only: the page must not depend on where it was built.
    return origin if origin == BUNDLED_NAME else Path(origin).name


def _charge(c: Charge, flow: str = "") -> Context:
    return {
        "flow": flow,
        "what": c.what,
        "quantity": f"{c.quantity} {c.unit}",
        "unit": c.unit,
        "unit_price": str(c.unit_price),
        "price_key": c.price_key,
        "price_origin": _origin_name(c.price_origin),
        "overridden": c.price_origin != BUNDLED_NAME,
        "amount": money(c.amount),
    }


def _flows(report: CostReport) -> list[Context]:
    rows = []
    for name, fc in report.flows.items():
        flow = fc.flow
        path, code = _path_and_code(fc.trace)
        rows.append(
            {
                "name": name,
                "source": flow.source.text,
                "destination": flow.destination.text,
                "traffic": _traffic(flow.protocol, flow.port, flow.icmp),
                "volume": str(flow.volume),
                "return_volume": str(flow.return_volume) if flow.return_volume else "",
                "verdict": fc.trace.verdict.value,
                "allowed": fc.trace.allowed,
                "code": code,
                "reason": fc.trace.reason,
                "path": path,
                "cost": money(fc.total),
            }
        )
    return rows


def _costs(report: CostReport) -> Context:
    origins = sorted(
        {c.price_origin for f in report.flows.values() for c in f.charges}
        | {c.price_origin for c in report.resources}
    )
    prices = report.prices
    return {
        "flow_charges": [_charge(c, name) for name, fc in report.flows.items() for c in fc.charges],
        "hourly": [_charge(c) for c in report.hourly],
        "hours": HOURS_PER_MONTH,
        "flows_total": money(report.flows_total),
        "hourly_total": money(report.hourly_total),
        "monthly": [_charge(c) for c in report.monthly],
        "monthly_total": money(report.monthly_total),
        "total": money(report.total),
        "currency": "USD",
        "price_files": [_origin_name(o) for o in origins if o != BUNDLED_NAME],
        "bundled_source": prices.source,
        "bundled_read_on": prices.read_on,
    }


def _expectations(analysis: NetworkAnalysis) -> tuple[list[Context], list[Context]]:
    """The expectations' rows, from the analysis's outcomes (each path traced once)."""
    paths: list[Context] = []
    for outcome in analysis.outcomes.paths:
        exp, trace = outcome.expectation, outcome.trace
        path, code = _path_and_code(trace)
        paths.append(
            {
                "line": exp.span.line,
                "source": exp.source.text,
                "destination": exp.destination.text,
                "traffic": _traffic(exp.protocol, exp.ports or exp.port, exp.icmp),
                "verdict": exp.verdict.value,
                "via": exp.via or "",
                "because": exp.because or "",
                "holds": outcome.holds,
                "result": "holds" if outcome.holds else "fails",
                "problem": path_problem(outcome),
                "actual": trace.verdict.value,
                "code": code,
                "path": path,
            }
        )
    costs: list[Context] = []
    for cost in analysis.outcomes.costs:
        spent = cost.expectation
        costs.append(
            {
                "line": spent.span.line,
                "flow": spent.subject or "",
                "subject": f"flow {spent.subject}" if spent.subject else "monthly total",
                "operator": spent.operator.value,
                "amount": f"{spent.amount:,.2f}",
                "actual": money(cost.actual),
                "holds": cost.holds,
                "result": "holds" if cost.holds else "fails",
            }
        )
    return paths, costs


def _dns(analysis: NetworkAnalysis) -> Context:
    """Private zones and their records, resolver rules, and each ``resolves`` line with
    the queries of its resolution."""
    network = analysis.network
    zones = [
        {
            "name": z.name,
            "vpcs": list(z.vpcs),
            "records": [
                {
                    "name": r.name,
                    "type": r.kind.value,
                    "value": ", ".join(map(str, (*r.addresses, *r.addresses6))) or r.target,
                }
                for r in z.records
            ],
        }
        for z in network.zones
    ]
    rules = [
        {
            "name": r.name,
            "domain": r.domain,
            "targets": [str(a) for a in r.targets],
            "endpoint": r.endpoint,
            "vpcs": list(r.vpcs),
        }
        for r in network.resolver_rules
    ]
    resolves = []
    for outcome in analysis.outcomes.resolves:
        exp, res = outcome.expectation, outcome.resolution
        expected = (
            f"= {', '.join(map(str, exp.addresses))}"
            if exp.addresses
            else f"via {exp.via}"
            if exp.via
            else f"because {exp.because}"
        )
        resolves.append(
            {
                "line": exp.span.line,
                "client": exp.source.text,
                "name": res.name,
                "expected": expected,
                "holds": outcome.holds,
                "problem": resolve_problem(outcome),
                "answers": [str(a) for a in res.answers],
                "code": str(res.code) if res.code else "",
                "legs": [
                    {"asker": leg.asker, "server": leg.server, "allowed": leg.ok}
                    for leg in res.legs
                ],
            }
        )
    return {"zones": zones, "rules": rules, "resolves": resolves}


def _scenarios(analysis: NetworkAnalysis) -> list[Context]:
    """Each scenario: its parts down, its expectations beside the same paths in the whole
    network, and the file's flows with and without its parts."""
    rows: list[Context] = []
    base_flows = analysis.report.flows
    for scenario, within in analysis.scenarios:
        paths, costs = _expectations(within)
        for row, outcome in zip(paths, within.outcomes.paths, strict=True):
            base = expectation_trace(analysis.reach, outcome.expectation)
            row["base_verdict"] = base.verdict.value
            row["base_path"], row["base_code"] = _path_and_code(base)
        flows = []
        for name, fc in within.report.flows.items():
            path, code = _path_and_code(fc.trace)
            flow: Context = {"name": name, "verdict": fc.trace.verdict.value, "path": path}
            flow |= {"code": code, "cost": money(fc.total), "own": name in scenario.flows}
            if name in base_flows:
                base_path, base_code = _path_and_code(base_flows[name].trace)
                flow |= {"base_verdict": base_flows[name].trace.verdict.value}
                flow |= {"base_path": base_path, "base_code": base_code}
                flow["base_cost"] = money(base_flows[name].total)
            flows.append(flow)
        results = [e["holds"] for e in (*paths, *costs)]
        rows.append(
            {
                "name": scenario.name,
                "line": scenario.span.line,
                "down": [f"{p.kind.value} {p}" for p in scenario.down],
                "path_expectations": paths,
                "cost_expectations": costs,
                "flows": flows,
                "total": money(within.report.total),
                "holding": sum(results),
                "failing": len(results) - sum(results),
            }
        )
    return rows


def build_context(
    analysis: NetworkAnalysis,
    image: str,
    source_text: str = "",
    diagnostics: Sequence[Diagnostic] = (),
) -> Context:
    """Everything a template shows, computed here: strings, numbers, booleans, lists and dicts.

    Names and other text from the file are raw; templates escape them with the ``md``
    filter. The keys are documented in ``docs/docs-command.md``.

    Args:
        analysis: the network's analysis (its costs and expectations' outcomes).
        image: the diagram's file name, relative to the page.
        source_text: the file's text, whose opening comment introduces the page.
        diagnostics: the file's diagnostics (``netdraft check``'s); the page lists its
            warnings.

    Returns:
        The template context.
    """
    network, report = analysis.network, analysis.report
    source = Path(network.file).name
    title = network.title or Path(network.file).stem
    path_exps, cost_exps = _expectations(analysis)
    dns = _dns(analysis)
    scenarios = _scenarios(analysis)
    results = [e["holds"] for e in (*path_exps, *cost_exps, *dns["resolves"])]
    vpcs = [_vpc(network, vpc, i == 0) for i, vpc in enumerate(network.vpcs.values())]
    for row, vpc in zip(vpcs, network.vpcs.values(), strict=True):
        row["image"] = row["image_url"] = ""  # the VPC's own diagram (build_docs, per VPC)
        row["load_balancers"] = _load_balancers(analysis, vpc)
        row["target_groups"] = _target_groups(analysis, vpc)
        row["flow_logs"] = _flow_logs(analysis, vpc)
        row["traffic_mirrors"] = _traffic_mirrors(analysis, vpc)
    instances = sum(len(v.instances) for v in network.vpcs.values())
    subnets = sum(len(v.subnets) for v in network.vpcs.values())
    return {
        "title": title,
        "source": source,
        "intro": list(opening_comment(source_text)),
        "warnings": _warnings(diagnostics, network.file),
        "image": image,
        "image_url": quote(image),
        "overview": False,  # the image is an overview, each VPC with its own (build_docs)
        "regions": list(network.regions),
        "vpcs": vpcs,
        "peerings": _peerings(network),
        "transit_gateways": _transit_gateways(network),
        "tgw_peerings": _tgw_peerings(network, report),
        "prefix_lists": _prefix_lists(network),
        "ipam_pools": _ipam_pools(network),
        "accelerators": _accelerators(analysis),
        "ranges": _ranges(),
        "vpns": _vpns(network),
        "sites": _sites(network),
        "direct_connect": _direct_connect(network),
        "flows": _flows(report),
        "path_expectations": path_exps,
        "cost_expectations": cost_exps,
        "scenarios": scenarios,
        "expectations": {
            "total": len(results),
            "holding": sum(results),
            "failing": len(results) - sum(results),
        },
        "costs": _costs(report),
        "dns": dns,
        "exposure": _exposure(analysis),
        "counts": {
            "regions": _plural(len(network.regions), "region"),
            "vpcs": _plural(len(network.vpcs), "VPC"),
            "subnets": _plural(subnets, "subnet"),
            "instances": _plural(instances, "instance"),
            "flows": _plural(len(network.flows), "flow"),
        },
    }


def _warnings(diagnostics: Sequence[Diagnostic], main_file: str) -> list[Context]:
    """The warnings, for the "Warnings" section: in file and line order, each with its
    place (``line 12``; ``nets/aws.nd:4`` in an included file, named from the file's
    folder, never by a machine's path)."""
    folder = Path(main_file).parent
    rows: list[tuple[tuple[bool, str, int, int], Context]] = []
    for d in diagnostics:
        if d.is_error:
            continue
        file = d.span.file
        other = file != main_file
        shown = file
        if other and Path(file).is_absolute():
            try:
                shown = Path(file).relative_to(folder).as_posix()
            except ValueError:
                shown = Path(file).name
        row = {
            "code": d.code,
            "file": shown if other else "",
            "line": d.span.line,
            "where": f"{shown}:{d.span.line}" if other else f"line {d.span.line}",
            "message": d.message,
            "notes": list(d.notes),
        }
        rows.append(((other, shown, d.span.line, d.span.column), row))
    return [row for _, row in sorted(rows, key=lambda pair: pair[0])]


def _exposure(analysis: NetworkAnalysis) -> Context:
    """What the internet can open (``netdraft exposure``), for the "Exposure" section."""
    found = analysis.exposure
    return {
        "exposed": [
            {
                "interface": e.interface,
                "version": e.version,
                "protocol": e.protocol,
                "ports": e.ports,
                "traffic": " ".join(
                    filter(
                        None, (e.protocol, str(e.icmp) if e.icmp is not None else e.ports, via(e))
                    )
                ),
                "lines": ", ".join(str(s.line) for s in e.rules),
                "via": via(e),  # 'via accelerator NAME', or
            }
            for e in found.exposed
        ],
        "interfaces": found.interfaces,
        "reachable": len({e.interface for e in found.exposed}),
    }


# --- rendering -------------------------------------------------------------------------------------


#: The folder of the built-in templates.
BUILT_IN_TEMPLATES = Path(__file__).parent / "templates"

#: The longest page the templates may write, in characters (a 1,000-instance network's
#: page is well under 1 Mi characters); rendering stops past it.
MAX_PAGE_CHARS = 16 * 1024 * 1024

#: The largest power a template may compute, in bits (``2 ** 10 ** 9`` would take minutes).
MAX_POWER_BITS = 64 * 1024


class TemplateLoader(jinja2.BaseLoader):
    """Templates from folders, first found first, read the way netdraft reads any input.

    Each file goes through :func:`netdraft.files.read_bytes`: a FIFO, a device or a file
    larger than :data:`~netdraft.files.MAX_TEMPLATE_BYTES` is refused instead of blocking or
    filling memory, and a template must be UTF-8. A name may not climb out of its folder
    (``../``) and a symbolic link must stay inside it, so an ``{% include %}`` cannot copy a
    file from elsewhere on the machine (``/proc/self/environ``) into the page.
    """

    def __init__(self, folders: Sequence[str | Path]) -> None:
        self.folders = [Path(folder) for folder in folders]
        #: The file names of the templates read so far, to find them in a traceback.
        self.loaded: set[str] = set()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """The text of a template, its file name, and an always-true "up to date" check.

        Raises:
            jinja2.TemplateNotFound: no folder has it.
            TemplateProblem: it exists but cannot be used (see the class).
        """
        pieces = split_template_path(template)  # refuses ".." with TemplateNotFound
        for folder in self.folders:
            candidate = folder.joinpath(*pieces)
            if not os.path.lexists(candidate):
                continue
            if confine(candidate, [folder]) is None:
                raise TemplateProblem(f"{candidate}: the template links outside {folder}")
            try:
                data = read_bytes(candidate, MAX_TEMPLATE_BYTES)
            except OSError as exc:
                if isinstance(exc.strerror, str) and exc.strerror.startswith("larger than"):
                    raise TemplateTooLarge(f"{candidate}: the template is {exc.strerror}") from None
                raise TemplateProblem(
                    f"{candidate}: cannot read the template: {exc.strerror or exc}"
                ) from None
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
                raise TemplateProblem(
                    f"{candidate}:{line}: the template is not UTF-8: {exc.reason}"
                ) from None
            filename = str(candidate)
            self.loaded.add(filename)
            # The environment lives for one page: what was read stays valid for it.
            return text.removeprefix("\ufeff"), filename, lambda: True
        raise jinja2.TemplateNotFound(template)


#: The widest a template may pad, wrap or format a value (a page line is far shorter).
MAX_WIDTH = 100_000

#: How long the templates may run, in seconds (the built-in ones take milliseconds).
MAX_SECONDS = 60

#: The methods and filters whose numbers are widths or counts of what they build.
_WIDTH_CALLS = frozenset(
    {"center", "ljust", "rjust", "zfill", "expandtabs", "indent", "wordwrap", "truncate", "batch"}
)

#: ``%`` and ``format`` specifications: a width or precision of many digits.
_FORMAT_WIDTH = re.compile(r"[0-9]{6,}")


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, which also refuses to build huge values.

    The sandbox lets a template read the context and call the filters and tests, but not
    reach Python's internals (``__class__``, ``__globals__``…), call methods that change a
    list or a dict, or make a ``range`` of more than 100,000 numbers. Past that, this one
    refuses what would stall the build before any output could be bounded: repeating a
    string or a list past :data:`MAX_PAGE_CHARS` items, a power or a product of more than
    :data:`MAX_POWER_BITS` bits, and a width of more than :data:`MAX_WIDTH` given to a
    method (``center``, ``ljust``, ``zfill``…), a filter (``center``, ``wordwrap``,
    ``indent``…) or a format (``%``, ``format``). What is left (slow work within these
    bounds) is stopped after :data:`MAX_SECONDS` seconds.
    """

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        """``left operator right``, once it is known to stay small."""
        problem = _too_large(operator, left, right)
        if problem:
            raise SecurityError(problem)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``s.format`` and ``s.format_map``, refused when ``s`` asks for a huge width."""
        owner = getattr(value, "__self__", None)
        name = getattr(value, "__name__", "")
        wide = isinstance(owner, str) and _FORMAT_WIDTH.search(owner) is not None
        if name in ("format", "format_map") and wide:
            problem = f"a format of {shown_format(str(owner))}: widths and precisions stop at"
            raise SecurityError(f"{problem} {MAX_WIDTH:,}")
        return super().wrap_str_format(value)

    def call(
        __self,
        __context: jinja2.runtime.Context,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        """A call from a template, once its widths and format specifications are small."""
        problem = _too_wide(getattr(__obj, "__name__", "the call"), args, kwargs)
        if problem:
            raise SecurityError(problem)
        return super().call(__context, __obj, *args, **kwargs)


def _too_wide(name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
    """Why a call would build a huge value (a width, or a format's width), or ``""``."""
    if name not in _WIDTH_CALLS:
        return ""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_WIDTH:
            return f"{name}() with a number over {MAX_WIDTH:,} (widths and counts stop there)"
    return ""


def shown_format(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses widths past :data:`MAX_WIDTH` (``center``, ``wordwrap``…)."""

    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        # A filter's first argument is the value filtered (or the context/environment).
        problem = _too_wide(name, args[1:], kwargs)
        if not problem and name == "format" and len(args) > 0:
            value = next((a for a in args if isinstance(a, str)), "")
            if _FORMAT_WIDTH.search(value):
                problem = f"a format of {shown_format(value)}: widths stop at {MAX_WIDTH:,}"
        if problem:
            raise SecurityError(problem)
        return function(*args, **kwargs)

    return bounded


def _too_large(operator: str, left: Any, right: Any) -> str:
    """Why ``left operator right`` would be too large to compute, or ``""``."""
    if operator == "*":
        for sequence, times in ((left, right), (right, left)):
            if (
                isinstance(sequence, str | bytes | list | tuple)
                and isinstance(times, int)
                and len(sequence) * times > MAX_PAGE_CHARS
            ):
                return (
                    f"repeating a value of {len(sequence)} items {times} times would make more than"
                    f" {MAX_PAGE_CHARS:,} items"
                )
        if (
            isinstance(left, int)
            and isinstance(right, int)
            and abs(left).bit_length() + abs(right).bit_length() > MAX_POWER_BITS
        ):
            return f"a product of more than {MAX_POWER_BITS:,} bits"
    elif (
        operator == "**"
        and isinstance(left, int)
        and isinstance(right, int)
        and abs(left) > 1
        and (abs(left).bit_length() - 1) * right > MAX_POWER_BITS
    ):
        return f"{left} ** {right} would have more than {MAX_POWER_BITS:,} bits"
    elif operator == "%" and isinstance(left, str) and _FORMAT_WIDTH.search(left):
        return f"a format of {shown_format(left)}: widths and precisions stop at {MAX_WIDTH:,}"
    return ""


def environment(templates: str | Path | None = None) -> Sandbox:
    """The Jinja2 environment: a user's templates first, then the built-in ones, in a sandbox.

    Every template, built-in or not, runs in :class:`Sandbox` and is read by
    :class:`TemplateLoader`.

    Args:
        templates: a folder whose templates replace the built-in ones of the same name.

    Returns:
        An environment with ``StrictUndefined``, no HTML autoescaping, the ``md``
        (escape Markdown) and ``code`` (code span) filters, and neither ``lipsum`` nor
        ``random`` (the output is deterministic).
    """
    folders = [Path(templates)] if templates is not None else []
    env = Sandbox(
        loader=TemplateLoader([*folders, BUILT_IN_TEMPLATES]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    for name, function in list(env.filters.items()):
        env.filters[name] = _bounded_filter(name, function)
    env.filters["md"] = escape_md
    env.filters["code"] = code_span
    # Random text would make two runs differ: the same input must give the same page.
    del env.globals["lipsum"]
    del env.filters["random"]
    return env


_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)


def tidy(text: str) -> str:
    """Drop trailing spaces, collapse runs of blank lines to one, end with one newline."""
    text = _TRAILING_SPACE.sub("", text)
    text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip("\n") + "\n"


def render_markdown(context: Context, templates: str | Path | None = None) -> str:
    """Render the page template with a context from :func:`build_context`.

    Args:
        context: the template context.
        templates: a folder of templates overriding the built-in ones.

    Returns:
        The Markdown text, tidied (see :func:`tidy`).

    Raises:
        TemplateProblem: a template is missing, unreadable, malformed, uses an unknown
            variable, or fails while rendering (division by zero, a type error, endless
            recursion…); the message names the template and line where Jinja knows them.
        TemplateUnsafe: the sandbox refused what a template asked for.
        TemplateTooLarge: a template file or the page is larger than netdraft accepts.
    """
    env = environment(templates)
    loader = env.loader
    assert isinstance(loader, TemplateLoader)
    try:
        with _deadline(MAX_SECONDS):
            text = _bounded(env.get_template(PAGE_TEMPLATE).generate(context))
    except TemplateProblem:
        raise
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        where = _template_frame(exc, loader.loaded)
        raise TemplateProblem(f"{where}no template named '{exc.name}'") from None
    except SecurityError as exc:
        where = _template_frame(exc, loader.loaded)
        raise TemplateUnsafe(f"{where}refused by the sandbox: {exc.message or exc}") from None
    except jinja2.TemplateError as exc:
        raise TemplateProblem(
            f"{_template_frame(exc, loader.loaded)}{exc.message or exc}"
        ) from None
    except RecursionError as exc:
        where = _template_frame(exc, loader.loaded)
        raise TemplateProblem(
            f"{where}the templates include or call themselves without end (recursion too deep)"
        ) from None
    except MemoryError:
        raise TemplateProblem("the templates ran out of memory") from None
    except Exception as exc:  # anything a template's expression raises: 1/0, a type error…
        where = _template_frame(exc, loader.loaded)
        raise TemplateProblem(f"{where}{exc} ({type(exc).__name__})") from None
    return tidy(text)


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Stop the templates after ``seconds`` (a :class:`TemplateProblem`), where a timer can.

    A timer signal reaches only the main thread; elsewhere (a server's worker thread) the
    templates run without this bound, and with the others.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def expired(_signum: int, _frame: object) -> None:
        raise TemplateProblem(f"the templates ran for more than {seconds:g} s: stopped")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _bounded(chunks: Iterator[str]) -> str:
    """The text of a template's output stream, or :class:`TemplateTooLarge` past the bound."""
    out: list[str] = []
    size = 0
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_PAGE_CHARS:
                raise TemplateTooLarge(
                    f"{PAGE_TEMPLATE}: the page would be longer than {MAX_PAGE_CHARS:,}"
                    " characters; rendering stopped there"
                )
            out.append(chunk)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return "".join(out)


_HEADING = re.compile(r"^(#{1,6})(?=[ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def shift_headings(text: str, levels: int) -> str:
    """Demote every ATX heading (``# Title``) of a Markdown text by ``levels``, down to ``######``.

    Lines inside fenced code blocks are left alone.

    Args:
        text: the Markdown text.
        levels: how many levels deeper each heading goes (0 leaves the text as it is).

    Returns:
        The text with its headings demoted.
    """
    if levels <= 0:
        return text
    out: list[str] = []
    fence = ""
    for line in text.splitlines(keepends=True):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
        elif opening:
            fence = opening.group(1)
        else:
            heading = _HEADING.match(line)
            if heading:
                hashes = "#" * min(6, len(heading.group(1)) + levels)
                line = hashes + line[heading.end() :]
        out.append(line)
    return "".join(out)


def page_markdown(
    analysis: NetworkAnalysis,
    image: str = "",
    templates: str | Path | None = None,
    heading_offset: int = 0,
    source_text: str = "",
    diagnostics: Sequence[Diagnostic] = (),
) -> str:
    """The documentation page of a network as Markdown text, in memory (nothing is written).

    Args:
        analysis: the network's analysis (costs, expectations' outcomes).
        image: the diagram's URL relative to the page; empty leaves the picture out (for a
            host page that shows the diagram itself, as the MkDocs plugin does).
        templates: a folder of templates overriding the built-in ones.
        heading_offset: how many levels to demote the page's headings (1 makes the title
            an ``##`` heading, to sit inside another page).
        source_text: the file's text (its opening comment introduces the page).
        diagnostics: the file's diagnostics (the page lists its warnings).

    Returns:
        The Markdown text.

    Raises:
        TemplateProblem: a template cannot be rendered.
    """
    context = build_context(analysis, image, source_text, diagnostics)
    text = render_markdown(context, templates)
    return shift_headings(text, heading_offset)


def _template_frame(exc: BaseException, templates: set[str]) -> str:
    """``file:line: `` of the innermost template frame of an error, from Jinja's traceback.

    Jinja rewrites the traceback of an error raised while rendering so that each template's
    frames carry the template's file name and line (``templates`` are those file names).
    """
    where = ""
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in templates:
            where = f"{filename}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return where


def diagram_bytes(
    analysis: NetworkAnalysis,
    fmt: str = IMAGE_FORMAT,
    warnings: Sequence[Diagnostic] = (),
) -> bytes:
    """The network's diagram, its flows priced, drawn in memory (nothing is written); an
    SVG links each component to its section of the page.

    Raises:
        GraphvizMissing: Graphviz's ``dot`` is not installed.
        RenderError: Graphviz could not lay the diagram out.
    """
    from netdraft.generator.view import view_of

    return view_bytes(view_of(analysis.network, analysis=analysis, warnings=warnings), fmt)


def view_bytes(view: View, fmt: str = IMAGE_FORMAT) -> bytes:
    """A view drawn in memory; an SVG links each component to its section of the page."""
    from netdraft.generator.diagram import image_bytes

    data = image_bytes(view, fmt)
    if fmt != "svg":
        return data
    # Beside its page, each component links to its section there (netdraft.generator.svg).
    from netdraft.generator.svg import add_links, doc_anchors

    return add_links(data.decode("utf-8"), doc_anchors(view)).encode("utf-8")


#: Above this many components (icons) in the whole picture, and with more than one VPC,
#: ``netdraft docs`` draws an overview (each VPC summed up) and one picture per VPC
#: instead of one picture: where the layout benchmark's generated networks start to have
#: lines through text and across boxes faster than they grow (docs/diagrams.md, Views).
PER_VPC_NODES = 60


def split_per_vpc(view: View, network: m.Network, per_vpc: bool | None = None) -> bool:
    """Whether the page shows an overview and one picture per VPC: ``per_vpc`` when given
    (``docs --per-vpc``, ``--no-per-vpc``), else whether the network is large."""
    if per_vpc is not None:
        return per_vpc and bool(network.vpcs)
    drawn = sum(1 for n in view.all_nodes() if n.kind is not NodeKind.SPACER)
    return len(network.vpcs) > 1 and drawn > PER_VPC_NODES


def build_docs(
    analysis: NetworkAnalysis,
    stem: str,
    templates: str | Path | None = None,
    source_text: str = "",
    diagnostics: Sequence[Diagnostic] = (),
    per_vpc: bool | None = None,
) -> dict[str, bytes]:
    """The documentation files of a network, in memory: the page and the diagrams it embeds.

    Args:
        analysis: the network's analysis: the page and the diagram read the same traces
            and costs, computed once.
        stem: the files' name without extension (``<stem>.md``, ``<stem>.svg``).
        templates: a folder of templates overriding the built-in ones.
        source_text: the file's text (its opening comment introduces the page).
        diagnostics: the file's diagnostics: the page lists its warnings, and the diagrams
            mark them.
        per_vpc: draw an overview (``<stem>.svg``) and one diagram per VPC
            (``<stem>-vpc-<name>.svg``, in the VPC's section) instead of one diagram; None
            decides by the network's size (:data:`PER_VPC_NODES`).

    Returns:
        File name → content, the images first, the page last.

    Raises:
        TemplateProblem: a template cannot be rendered.
    """
    from netdraft.generator.view import overview, scoped, view_of

    image = f"{stem}.{IMAGE_FORMAT}"
    view = view_of(analysis.network, analysis=analysis, warnings=diagnostics)
    context = build_context(analysis, image, source_text, diagnostics)
    files: dict[str, bytes] = {}
    split = split_per_vpc(view, analysis.network, per_vpc)
    context["overview"] = split
    if split:
        files[image] = view_bytes(overview(view))
        for row in context["vpcs"]:
            name = f"{stem}-vpc-{row['name']}.{IMAGE_FORMAT}"
            files[name] = view_bytes(scoped(view, [row["name"]]))
            row["image"], row["image_url"] = name, quote(name)
    else:
        files[image] = view_bytes(view)
    page = render_markdown(context, templates)
    return {**files, f"{stem}.md": page.encode("utf-8")}


def write_docs(
    analysis: NetworkAnalysis,
    out_dir: str | Path,
    stem: str,
    templates: str | Path | None = None,
    source_text: str = "",
    diagnostics: Sequence[Diagnostic] = (),
    per_vpc: bool | None = None,
) -> list[Path]:
    """Render the documentation in memory, then write its files into ``out_dir`` together.

    Both files are complete, and flushed to disk as temporary files beside their targets,
    before either target changes; then they are renamed into place back to back, the
    diagram first and the page last (see :func:`netdraft.files.write_together`).
    So a killed run leaves either the old files, or, for the time of one rename, the new
    diagram beside the old page, which links to the same file name; never a page without
    its picture.

    Args:
        analysis: the network's analysis.
        out_dir: the folder to write into (created when missing).
        stem: the files' name without extension.
        templates: a folder of templates overriding the built-in ones.
        source_text: the file's text (its opening comment introduces the page).
        diagnostics: the file's diagnostics (listed on the page, marked on the diagrams).
        per_vpc: an overview and one diagram per VPC (see :func:`build_docs`).

    Returns:
        The files written: the diagrams, then the page.

    Raises:
        TemplateProblem: a template cannot be rendered (nothing is written).
        GraphvizMissing: Graphviz's ``dot`` is not installed (nothing is written).
        RenderError: Graphviz could not lay the diagram out (nothing is written).
        OSError: a file cannot be written.
    """
    from netdraft.files import write_together

    files = build_docs(analysis, stem, templates, source_text, diagnostics, per_vpc)
    return write_together([(Path(out_dir) / name, data) for name, data in files.items()])
