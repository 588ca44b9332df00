"""Turn an inventory of AWS resources into the syntax tree of an ``.nd`` file, printed by ``fmt``.

Every statement gets a trailing comment with its AWS id. The tree is given synthetic
spans, one line per statement, so that the canonical printer places those comments (and
the warnings at the top) exactly as it places a user's: the output is what ``netdraft fmt``
would print for it. The mapping rules are documented in ``docs/import.md``.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Address, IPv6Network
from typing import Any

from netdraft.dsl import syntax as st
from netdraft.dsl.fmt import format_source
from netdraft.dsl.passes.addresses import NOT_PUBLIC
from netdraft.importer import aws_json as aws
from netdraft.importer.names import RESERVED, SERVICE_NAMES, allocate
from netdraft.importer.terminals import (
    MAX_COMMENT,
    NAME,
    UnsafeValue,
    address,
    address4,
    checked,
    network,
    one_line,
    quoted,
    string,
    zone,
)
from netdraft.model.codes import GATEWAY_ENDPOINT_SERVICES
from netdraft.model.network import DX_DEDICATED_SPEEDS, DX_HOSTED_SPEEDS, LISTENER_PROTOCOLS
from netdraft.model.values import ICMP_MAX, NO_SPAN, Span

IPNet = IPv4Network | IPv6Network

#: Where placeholder site prefixes come from: the benchmarking range (RFC 2544), which no
#: real network or VPC uses.
PLACEHOLDER_POOL = IPv4Network("198.18.0.0/15")
#: The key of the site behind the Direct Connect connections in the table of names.
DX_SITE = "direct-connect-site"

#: Instance states that are gone for good; such instances are not imported.
GONE = frozenset({"terminated", "shutting-down"})
STOPPED = frozenset({"stopped", "stopping"})
LIVE_NAT = frozenset({"available", "pending", ""})
LIVE_ENDPOINT = frozenset({"available", "pending", "pendingacceptance", ""})
#: The kinds of elbv2 load balancer the language holds (a gateway one is not imported).
LB_KINDS = frozenset({"application", "network"})
LIVE_ATTACHMENT = frozenset(
    {"available", "pending", "modifying", "pendingacceptance", "initiating", ""}
)
#: States of a transit gateway peering attachment (EC2 API, ``TransitGatewayPeeringAttachment``):
#: carrying traffic; not yet or no longer (imported ``down``); gone (not imported).
PEERING_UP = frozenset({"available", "modifying", ""})
PEERING_GONE = frozenset({"deleted", "deleting", "failed", "failing", "rejected", "rejecting"})

#: A VPC's DNS attributes (describe-vpc-attribute) and the statement of each.
DNS_ATTRIBUTES = (("dns-support", "enableDnsSupport"), ("dns-hostnames", "enableDnsHostnames"))
#: How a resolver endpoint's network interfaces describe themselves (then ``ID:rni-…``).
RESOLVER_INTERFACE = "Route 53 Resolver: "
#: Addresses of a resolver endpoint that hold nothing (any more).
GONE_RESOLVER_ADDRESS = frozenset(
    {"FAILED_CREATION", "DETACHING", "FAILED_RESOURCE_GONE", "DELETING", "REMAP_DETACHING"}
)
#: The owner Route 53 Resolver gives the rules it defines itself (reverse lookups, the
#: internet resolver).
AUTODEFINED_OWNER = "Route 53 Resolver"
#: Record types written as they are; SOA and NS of a zone's apex say nothing the file needs.
RECORD_KINDS = frozenset({"A", "AAAA", "CNAME"})
APEX_KINDS = frozenset({"SOA", "NS"})
#: An interface endpoint's own DNS name: ``vpce-ID-SUFFIX[-AZ].SERVICE.REGION.vpce.amazonaws.com``.
_VPCE_NAME = re.compile(
    r"(vpce-[0-9a-f]+)-([a-z0-9]+)(-[a-z0-9-]+)?\.(?:[a-z0-9.-]+\.)?vpce\.amazonaws\.com"
)

#: Domains AWS's default DHCP option sets hand out; not written.
_DEFAULT_DOMAIN = re.compile(r"ec2\.internal|[a-z0-9-]+\.compute\.internal")
_DOMAIN = re.compile(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*")

_SG_PROTOCOLS = {
    "-1": "all",
    "tcp": "tcp",
    "6": "tcp",
    "udp": "udp",
    "17": "udp",
    "icmp": "icmp",
    "1": "icmp",
    "icmpv6": "icmpv6",
    "58": "icmpv6",
}
#: AWS's managed prefix lists the language names: ``com.amazonaws.REGION[.ipv6].SERVICE``.
_AWS_LIST = re.compile(r"com\.amazonaws\.([a-z0-9-]+)\.(?:ipv6\.)?(s3|dynamodb)")
_IP_PROTOCOL_NAMES = {"4": "IP-in-IP", "47": "GRE", "50": "ESP", "51": "AH", "132": "SCTP"}


@dataclass(frozen=True, slots=True)
class Imported:
    """The result of an import: the ``.nd`` text and what it could not represent."""

    text: str
    warnings: tuple[str, ...]
    source: st.SourceFile


def build(inventory: aws.Inventory, path: str = "<import>") -> Imported:
    """Write an inventory as an ``.nd`` file.

    Args:
        inventory: the resources read from AWS.
        path: the file name the syntax tree's spans carry.

    Returns:
        The canonical text, its warnings (also written at its top) and its syntax tree.
    """
    builder = _Builder(inventory)
    try:
        lines = builder.statements()
    except UnsafeValue as exc:  # a bug: some value was not checked before it was printed
        raise aws.DumpError(
            f"internal error: the import would write an invalid word ({exc}); please report it"
        ) from exc
    if inventory.origins:
        _comment_origins(lines, inventory.origins)
    source = _layout(path, builder.header(), lines)
    return Imported(format_source(source), tuple(builder.warnings), source)


# ---- syntax nodes -------------------------------------------------------------------------------


def _tok(text: str, terminal: str = "NAME") -> st.Tok:
    """A word of the file, matched against its terminal in the grammar (a name by default)."""
    return st.Tok(checked(text, terminal), NO_SPAN)


def _ref(name: str, scope: str | None = None) -> st.Ref:
    parts = (scope, name) if scope else (name,)
    return st.Ref(tuple(_tok(p) for p in parts), NO_SPAN)


def _opt(keyword: str, *values: st.Tok | st.Ref) -> st.Option:
    return st.Option(keyword, values, NO_SPAN)


def _proto(protocol: str, port: str | None = None) -> st.ProtoSpec:
    """A protocol; ``port`` is a port or range, or for icmp and icmpv6 ``TYPE`` or ``TYPE/CODE``."""
    if protocol in ("icmp", "icmpv6"):
        kind, _, code = (port or "").partition("/")
        return st.ProtoSpec(
            _tok(protocol, "PROTOCOL"),
            None,
            NO_SPAN,
            _tok(kind, "INT") if kind else None,
            _tok(code, "INT") if code else None,
        )
    return st.ProtoSpec(_tok(protocol, "PROTOCOL"), _tok(port, "PORT") if port else None, NO_SPAN)


def _icmp(kind: int | None, code: int | None) -> tuple[bool, str | None]:
    """Whether AWS's ICMP type and code (-1 or none: every one) are ones the language has,
    and their ``TYPE[/CODE]`` (``None``: every type)."""
    if kind is None or kind == -1:
        return True, None
    if not 0 <= kind <= ICMP_MAX or (code is not None and not -1 <= code <= ICMP_MAX):
        return False, None
    return True, str(kind) if code is None or code == -1 else f"{kind}/{code}"


@dataclass
class _Line:
    """A statement before it has a span: its node, its id comment, and a block's statements."""

    node: Any
    comment: str | None = None
    children: list[_Line] | None = None
    gap: bool = False  # a blank line before it


def _layout(path: str, header: Sequence[str], lines: Sequence[_Line]) -> st.SourceFile:
    """Give every statement a line of its own, and each comment the line of its statement."""
    comments: list[st.Comment] = []
    blank: set[int] = set()
    line = 0
    for text in header:
        text = one_line(text, MAX_COMMENT + 20).rstrip()  # as fmt prints it
        line += 1
        comments.append(st.Comment(text, Span(path, line, 1, line, 1 + len(text))))
    if header:
        line += 1
        blank.add(line)

    def lay(entries: Sequence[_Line]) -> tuple[Any, ...]:
        nonlocal line
        nodes = []
        for entry in entries:
            if entry.gap:
                line += 1
                blank.add(line)
            line += 1
            start = line
            if entry.comment and entry.comment != _declared_name(entry.node):
                text = "# " + one_line(entry.comment).rstrip()
                comments.append(st.Comment(text, Span(path, start, 3, start, 3 + len(text))))
            if entry.children is None:
                nodes.append(dataclasses.replace(entry.node, span=Span(path, start, 1, start, 2)))
                continue
            inner = lay(entry.children)
            if entry.children:
                line += 1
            key = (
                "rules"
                if isinstance(entry.node, st.SecurityGroupDecl)
                else "listeners"
                if isinstance(entry.node, st.LoadBalancerDecl)
                else "records"
                if isinstance(entry.node, st.ZoneDecl)
                else "items"
            )
            span = Span(path, start, 1, line, 2)
            nodes.append(dataclasses.replace(entry.node, span=span, **{key: inner}))
        return tuple(nodes)

    statements = lay(lines)
    text = "".join("\n" if n in blank else "x\n" for n in range(1, line + 1))
    comments.sort(key=lambda c: (c.span.line, c.span.column))
    return st.SourceFile(path, text, statements, tuple(comments))


def _comment_origins(lines: Sequence[_Line], origins: dict[str, str]) -> None:
    """Replace each id comment by what the source calls the resource (its IaC address)."""
    for entry in lines:
        head, _, rest = (entry.comment or "").partition(" ")
        if entry.comment is not None and entry.comment in origins:
            entry.comment = origins[entry.comment]
        elif rest and head in origins:  # an endpoint's id and service, then the importer's note
            origin, colon, note = origins[head].partition(": ")
            entry.comment = f"{origin} {rest}{colon}{note}"
        _comment_origins(entry.children or (), origins)


def _declared_name(node: Any) -> str | None:
    """The name a statement declares; an id comment that only repeats it is left out."""
    name = getattr(node, "name", None)
    return name.text if isinstance(name, st.Tok) else None


# ---- helpers --------------------------------------------------------------------------------------


def _dns_word(text: str) -> st.Tok | None:
    """A DNS name as the grammar reads one (``DOMAIN`` or ``DNSNAME``), or ``None``."""
    for terminal in ("DOMAIN", "DNSNAME"):
        try:
            return _tok(text, terminal)
        except UnsafeValue:
            continue
    return None


def _net(text: str | None) -> IPNet | None:
    return network(text)


def _net_key(net: IPNet) -> tuple[int, int, int]:
    return (net.version, int(net.network_address), net.prefixlen)


def _ports(low: int | None, high: int | None) -> str | None:
    if low is None or high is None or low < 0 or high > 65535 or low > high:
        return None
    return str(low) if low == high else f"{low}-{high}"


def _service(name: str, region: str) -> str:
    """A service's short name: ``com.amazonaws.us-east-1.s3`` -> ``s3``, dots as dashes."""
    parts = name.split(".")
    parts = parts[parts.index(region) + 1 :] if region in parts else parts[-1:]
    return re.sub(r"[^A-Za-z0-9_-]+", "-", ".".join(parts).replace(".", "-")) or "service"


@dataclass
class _Vpc:
    """What was kept of one VPC, and the names given to its contents."""

    vpc: aws.Vpc
    name: str
    cidrs: list[IPv4Network]
    ipv6: IPv6Network | None = None
    subnets: list[aws.Subnet] = field(default_factory=list)
    tables: list[aws.RouteTable] = field(default_factory=list)
    groups: list[aws.SecurityGroup] = field(default_factory=list)
    acls: list[aws.NetworkAcl] = field(default_factory=list)
    instances: list[aws.Instance] = field(default_factory=list)
    nats: list[aws.NatGateway] = field(default_factory=list)
    endpoints: list[aws.Endpoint] = field(default_factory=list)
    load_balancers: list[aws.LoadBalancer] = field(default_factory=list)
    target_groups: list[aws.TargetGroup] = field(default_factory=list)
    resolvers: list[aws.ResolverEndpoint] = field(default_factory=list)
    igw: aws.Gateway | None = None
    eigw: aws.Gateway | None = None
    vgw: aws.Gateway | None = None
    names: dict[str, str] = field(default_factory=dict)  # AWS id -> name, within the VPC
    default_group: str | None = None  # its id
    default_group_implicit: bool = False
    held: set[str] = field(default_factory=set)  # addresses written for NATs and endpoints

    def own(self, net: IPNet) -> bool:
        """Whether a prefix lies inside the VPC's own CIDRs (the local routes serve it)."""
        if isinstance(net, IPv4Network):
            return any(net.subnet_of(c) for c in self.cidrs)
        return self.ipv6 is not None and net.subnet_of(self.ipv6)


class _Builder:
    """Decides what is imported, names it, and writes its statements."""

    def __init__(self, inventory: aws.Inventory) -> None:
        self.inv = inventory
        self.warnings: list[str] = list(inventory.warnings)
        self.vpcs: dict[str, _Vpc] = {}
        self.names: dict[
            str, str
        ] = {}  # file-wide: VPCs, gateways, TGWs, peerings, VPNs, CGWs, sites
        self.peerings: list[aws.Peering] = []
        self.tgws: list[aws.TransitGateway] = []
        self.vpc_pools: dict[str, str] = {}  # VPC id -> the IPAM pool its CIDRs come from
        self.tgw_attachments: dict[str, list[aws.TgwAttachment]] = {}
        self.vpns: list[aws.VpnConnection] = []
        self.cgws: list[aws.CustomerGateway] = []
        self.eni_owner: dict[str, str] = {}  # network interface -> the instance it belongs to
        self.interface_comments: dict[str, str] = {}  # interface imported as an instance -> comment
        self.interface_kinds: dict[str, str] = {}  # … -> what it is ("RDS database interface")
        self.placeholders = iter(PLACEHOLDER_POOL.subnets(new_prefix=24))
        self.skipped_endpoints: list[aws.Endpoint] = []
        #: Direct Connect, once selected: connections, DX gateways (with their associations,
        #: by gateway id), virtual interfaces.
        self.dx_connections: list[aws.DxConnection] = []
        self.dx_gateways: dict[str, list[aws.DxAssociation]] = {}
        self.dx_vifs: list[aws.DxVif] = []
        #: The prefix lists written, by id: their region and CIDRs.
        self.lists: dict[str, tuple[str, list[str]]] = {}
        #: The name written for an AWS list whose entries the dump holds (``s3``), by id.
        self.aws_names: dict[str, str] = {}
        #: The interface endpoints written (an ALIAS record may name them), by id.
        self.interface_endpoints: set[str] = set()
        #: The addresses of each resolver endpoint imported, in the subnets imported.
        self.resolver_ips: dict[str, list[aws.ResolverAddress]] = {}
        self.unimported = {
            kind: dataclasses.replace(e, calls=set(e.calls), labels=dict(e.labels))
            for kind, e in inventory.unimported.items()
        }
        #: Transit gateway peerings imported, and the far transit gateways written empty
        #: because the dump does not hold them (by id).
        self.tgw_peerings: list[aws.TgwPeering] = []
        self.placeholder_tgws: set[str] = set()
        #: A peering's accepter-side attachment id, when it has one, -> the peering's id.
        self.peering_alias: dict[str, str] = {}

    def warn(self, message: str) -> None:
        message = one_line(message).rstrip()
        if message not in self.warnings:
            self.warnings.append(message)

    def dhcp_servers(self, vpc: str, servers: tuple[str, ...]) -> tuple[st.Tok, ...]:
        """The option set's name servers as ``servers ADDR…`` (none for AmazonProvidedDNS,
        the default); a list that mixes both, or a name netdraft cannot read, is not
        imported, with a warning."""
        if not servers or servers == ("AmazonProvidedDNS",):
            return ()
        try:
            addresses = [ipaddress.IPv4Address(a) for a in servers]
        except ValueError:
            shown = ", ".join(servers)[:200]
            self.warn(
                f"vpc '{vpc}' DHCP name servers '{shown}' are not all IPv4 addresses:"
                " the Amazon resolver is assumed"
            )
            return ()
        return tuple(_tok(str(a), "IPV4") for a in addresses)

    def header(self) -> list[str]:
        lines = [
            "# Imported from AWS by 'netdraft import'; the comment after each statement is its AWS id."
            if not self.inv.origins
            else "# Imported by 'netdraft import'; the comment after each statement is its address in the source."
        ]
        lines.extend(f"# warning: {w}" for w in self.warnings)
        return lines

    # ---- what is imported ----------------------------------------------------------------

    def select(self) -> None:
        inv = self.inv
        for vpc in sorted(inv.vpcs.values(), key=lambda v: v.id):
            # The primary CIDR first, the others in address order (AWS lists them in any order).
            cidrs = [n for c in vpc.cidrs if isinstance(n := _net(c), IPv4Network)]
            cidrs = cidrs[:1] + sorted(cidrs[1:])
            asked = inv.ipam_requests.get(vpc.id)
            if not cidrs and (
                asked is None or asked[0] not in inv.ipam_pools or not inv.ipam_cidrs.get(asked[0])
            ):
                # `ipam POOL /N` needs the pool written: one not imported leaves no CIDR
                self.warn(f"vpc '{vpc.id}' has no IPv4 CIDR: not imported")
                continue
            kept = _Vpc(vpc, vpc.id, cidrs)
            v6 = sorted(n for c in vpc.ipv6 if isinstance(n := _net(c), IPv6Network))
            if v6:
                kept.ipv6 = v6[0]
            if len(v6) > 1:
                self.warn(f"vpc '{vpc.id}' has {len(v6)} IPv6 CIDRs: only {v6[0]} is imported")
            self.vpcs[vpc.id] = kept
        orphans: dict[str, list[str]] = {}  # resources of VPCs the dump does not hold
        for subnet in sorted(inv.subnets.values(), key=lambda s: s.id):
            if subnet.vpc not in self.vpcs:
                orphans.setdefault(subnet.vpc, []).append(subnet.id)
                continue
            if not isinstance(_net(subnet.cidr), IPv4Network):
                self.warn(
                    f"subnet '{subnet.id}' has no IPv4 CIDR (IPv6-only subnets are not in the language): not imported"
                )
                continue
            if zone(subnet.az) is None:
                self.warn(
                    f"subnet '{subnet.id}' availability zone {quoted(subnet.az)} is not a zone name: not imported"
                )
                continue
            self.vpcs[subnet.vpc].subnets.append(subnet)
        subnet_vpc = {s.id: v for v in self.vpcs.values() for s in v.subnets}
        for v in self.vpcs.values():
            zones = {m.group(0) for s in v.subnets if (m := aws.REGION.match(s.az))}
            if len(zones) == 1 and v.vpc.region not in zones:
                region = zones.pop()
                self.warn(
                    f"vpc '{v.vpc.id}' was read as a resource of {v.vpc.region}, but its subnets are in {region}: it is placed in {region}"
                )
                v.vpc = dataclasses.replace(v.vpc, region=region)
        for attr, gateways in (
            ("igw", inv.internet_gateways),
            ("eigw", inv.egress_only_gateways),
            ("vgw", inv.vpn_gateways),
        ):
            for gw in sorted(gateways.values(), key=lambda g: g.id):
                for vid in gw.vpcs:
                    if vid not in self.vpcs:
                        continue
                    first = getattr(self.vpcs[vid], attr)
                    if first is None:
                        setattr(self.vpcs[vid], attr, gw)
                    elif first.id != gw.id:
                        self.warn(
                            f"vpc '{vid}' has a second gateway '{gw.id}' besides '{first.id}': only the first is imported, as the language holds one of each kind"
                        )
        for table in sorted(inv.route_tables.values(), key=lambda t: t.id):
            if table.vpc in self.vpcs:
                self.vpcs[table.vpc].tables.append(table)
            else:
                orphans.setdefault(table.vpc, []).append(table.id)
        for group in sorted(inv.security_groups.values(), key=lambda g: g.id):
            if group.vpc in self.vpcs:
                self.vpcs[group.vpc].groups.append(group)
            else:
                orphans.setdefault(group.vpc, []).append(group.id)
        for acl in sorted(inv.network_acls.values(), key=lambda a: a.id):
            if acl.vpc in self.vpcs:
                self.vpcs[acl.vpc].acls.append(acl)
            else:
                orphans.setdefault(acl.vpc, []).append(acl.id)
        for nat in sorted(inv.nat_gateways.values(), key=lambda n: n.id):
            if nat.state.lower() not in LIVE_NAT:
                continue
            if nat.subnet in subnet_vpc:
                subnet_vpc[nat.subnet].nats.append(self.checked_nat(nat))
            elif nat.vpc in self.vpcs:
                self.warn(
                    f"NAT gateway '{nat.id}' is in subnet '{nat.subnet}', which is not in the dump: not imported"
                )
            else:
                orphans.setdefault(nat.vpc, []).append(nat.id)
        for inst in sorted(inv.instances.values(), key=lambda i: i.id):
            if inst.state in GONE:
                continue
            if inst.subnet is None or inst.ip is None:
                self.warn(f"instance '{inst.id}' is in no VPC subnet (EC2-Classic): not imported")
                continue
            inst = self.checked_instance(inst)
            if inst.ip is None:
                continue
            if inst.subnet not in subnet_vpc:
                if inst.vpc in self.vpcs:
                    self.warn(
                        f"instance '{inst.id}' is in subnet '{inst.subnet}', which is not in the dump: not imported"
                    )
                else:
                    orphans.setdefault(inst.vpc or "?", []).append(inst.id)
                continue
            subnet_vpc[inst.subnet].instances.append(inst)
            for eni_id in inst.enis:
                self.eni_owner[eni_id] = inst.id
        for eni in inv.interfaces.values():
            if eni.instance is not None and eni.instance in inv.instances:
                self.eni_owner.setdefault(eni.id, eni.instance)
        for ep in sorted(inv.endpoints.values(), key=lambda e: e.id):
            if ep.state not in LIVE_ENDPOINT:
                continue
            if ep.vpc not in self.vpcs:
                orphans.setdefault(ep.vpc, []).append(ep.id)
                continue
            if ep.kind not in ("Gateway", "Interface"):
                self.skipped_endpoints.append(ep)
                continue
            self.vpcs[ep.vpc].endpoints.append(ep)
        self.select_load_balancers(orphans)
        self.select_resolvers(orphans)
        self.interface_instances(subnet_vpc)
        for vid, ids in sorted(orphans.items()):
            shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
            self.warn(
                f"vpc '{vid}' is not in the dump (describe-vpcs): neither it nor what is in it is imported ({shown})"
            )
        for pcx in sorted(inv.peerings.values(), key=lambda p: p.id):
            if pcx.status != "active":
                continue
            missing = [v for v in (pcx.requester, pcx.accepter) if v not in self.vpcs]
            if missing:
                self.warn(
                    f"peering '{pcx.id}' joins vpc '{missing[0]}', which is not in the dump (another account or region?): not imported"
                )
                continue
            self.peerings.append(pcx)
        self.select_transit()
        self.select_prefix_lists()

    def select_load_balancers(self, orphans: dict[str, list[str]]) -> None:
        """Application and network load balancers and their target groups, in their VPCs
        (a gateway load balancer is counted as not imported)."""
        inv = self.inv
        for lb in sorted(inv.load_balancers.values(), key=lambda b: b.arn):
            if lb.state in ("failed", "deleted"):
                continue
            if lb.vpc not in self.vpcs:
                orphans.setdefault(lb.vpc, []).append(lb.name)
                continue
            if lb.kind not in LB_KINDS:
                aws.note_unimported(
                    self.unimported,
                    f"{lb.kind} load balancer",
                    f"{lb.kind} load balancers",
                    "elbv2 describe-load-balancers",
                    lb.arn,
                    f"'{lb.name}'",
                )
                continue
            self.vpcs[lb.vpc].load_balancers.append(lb)
        for tg in sorted(inv.target_groups.values(), key=lambda t: t.arn):
            if tg.vpc in self.vpcs:
                self.vpcs[tg.vpc].target_groups.append(tg)

    def select_prefix_lists(self) -> None:
        """The prefix lists whose entries the dump holds: the account's, by id, and AWS's
        IPv4 ``s3``/``dynamodb`` list of the dump's region, as ``prefix-list s3 { … }`` in the
        region (its entries replace the bundled snapshot's); AWS's others are names only."""
        inv = self.inv
        for pid in sorted(set(inv.prefix_list_entries) - set(inv.prefix_lists)):
            self.warn(
                f"the entries of prefix list '{pid}' are in the dump, but the list is not (describe-managed-prefix-lists): not imported"
            )
        for pl in sorted(inv.prefix_lists.values(), key=lambda p: p.id):
            entries = inv.prefix_list_entries.get(pl.id)
            if entries is None:
                continue  # said where a rule or a route names it
            if pl.aws:
                # AWS's list of the dump's region: its entries are the region's `s3` list.
                match = _AWS_LIST.fullmatch(pl.name)
                if match is None or match.group(1) != pl.region or "ipv6" in pl.name:
                    continue
                self.aws_names[pl.id] = match.group(2)
            cidrs: list[IPNet] = []
            for text in entries:
                if (net := _net(text)) is None:
                    self.warn(f"prefix list '{pl.id}' entry {quoted(text)} is not a CIDR: left out")
                elif net not in cidrs:
                    cidrs.append(net)
            if len({n.version for n in cidrs}) > 1:
                self.warn(
                    f"prefix list '{pl.id}' mixes IPv4 and IPv6 entries, which AWS does not allow: not imported"
                )
                continue
            if pl.id not in self.aws_names and NAME.fullmatch(pl.id) is None:
                self.warn(f"prefix list id {quoted(pl.id)} is not a name: not imported")
                continue
            self.lists[pl.id] = (pl.region, [str(n) for n in sorted(cidrs, key=_net_key)])

    def list_name(self, pid: str, region: str, v: _Vpc | None = None) -> tuple[str | None, str]:
        """The name a rule or a route of ``region`` writes for a prefix list, or ``None`` and why
        not: ``s3``/``dynamodb`` for AWS's lists of those services, the id for the account's."""
        pl = self.inv.prefix_lists.get(pid)
        if pl is None:
            return None, "is not in the dump (describe-managed-prefix-lists)"
        if pl.aws:
            match = _AWS_LIST.fullmatch(pl.name)
            if match is None or match.group(1) != region:
                return None, (
                    f"is AWS's {quoted(pl.name)} (the language has AWS's s3 and dynamodb lists"
                    " of the VPC's region only)"
                )
            name = match.group(2)
        elif pid not in self.lists:
            if pid not in self.inv.prefix_list_entries:
                return None, "has no entries in the dump (get-managed-prefix-list-entries)"
            return None, "is left out (see the warning about the list)"
        elif self.lists[pid][0] != region:
            return None, f"is a list of {self.lists[pid][0]}, not of {region}"
        else:
            name = pid
        if v is not None and any(v.names[g.id] == name for g in v.groups):
            return None, f"has the name '{name}' of a security group of vpc '{v.name}'"
        return name, ""

    def checked_instance(self, inst: aws.Instance) -> aws.Instance:
        """The instance with its addresses parsed (no private address: it is not imported)."""
        ip = address4(inst.ip)
        if ip is None:
            self.warn(
                f"instance '{inst.id}' private address {quoted(inst.ip)} is not an IPv4 address: not imported"
            )
            return dataclasses.replace(inst, ip=None)
        public = address4(inst.public_ip)
        if inst.public_ip is not None and public is None:
            self.warn(
                f"instance '{inst.id}' public address {quoted(inst.public_ip)} is not an IPv4 address: left out"
            )
        ipv6 = []
        for text in inst.ipv6:
            if isinstance(found := address(text), ipaddress.IPv6Address):
                ipv6.append(str(found))
            else:
                self.warn(
                    f"instance '{inst.id}' IPv6 address {quoted(text)} is not an IPv6 address: left out"
                )
        return dataclasses.replace(
            inst, ip=str(ip), public_ip=str(public) if public else None, ipv6=tuple(ipv6)
        )

    def checked_nat(self, nat: aws.NatGateway) -> aws.NatGateway:
        """The NAT gateway with its public addresses parsed."""
        public = []
        for text in nat.public_ips:
            if (found := address4(text)) is not None:
                public.append(str(found))
            else:
                self.warn(
                    f"NAT gateway '{nat.id}' public address {quoted(text)} is not an IPv4 address: left out"
                )
        private_ip = None
        if nat.private_ip is not None:
            if (ip := address4(nat.private_ip)) is not None:
                private_ip = str(ip)
            else:
                self.warn(
                    f"NAT gateway '{nat.id}' private address {quoted(nat.private_ip)} is not an IPv4 address: left out"
                )
        return dataclasses.replace(nat, public_ips=tuple(public), private_ip=private_ip)

    def select_dx(self) -> None:
        """Direct Connect: the associations whose gateway is imported, the VIFs whose target
        is, and the connections they are on (one not in the dump is written at an unknown
        location, so that its VIFs are kept)."""
        inv = self.inv
        vgws = {v.vgw.id for v in self.vpcs.values() if v.vgw is not None}
        tgws = {t.id for t in self.tgws}
        for assoc in sorted(inv.dx_associations.values(), key=lambda a: a.id):
            kind = "transit gateway" if assoc.gateway_type == "transitGateway" else "vpn gateway"
            if assoc.gateway not in (tgws if kind == "transit gateway" else vgws):
                self.warn(
                    f"DX gateway association '{assoc.id}' is with {kind} '{assoc.gateway}', which is not imported: not imported"
                )
                continue
            found = self.dx_gateways.setdefault(assoc.dx_gateway, [])
            if any(a.gateway == assoc.gateway for a in found):
                continue
            if found and (found[0].gateway_type == "transitGateway") != (kind == "transit gateway"):
                self.warn(
                    f"DX gateway '{assoc.dx_gateway}' is associated with both vpn gateways and transit gateways: association '{assoc.id}' is not imported"
                )
                continue
            found.append(assoc)
        for gid in sorted(inv.dx_gateways):
            self.dx_gateways.setdefault(gid, [])
        needed: set[str] = set()
        for vif in sorted(inv.dx_vifs.values(), key=lambda v: v.id):
            dxgw = vif.dx_gateway or inv.dx_attachments.get(vif.id)
            if vif.kind not in ("private", "transit"):
                self.warn(
                    f"virtual interface '{vif.id}' is a {vif.kind} virtual interface: the language has private and transit ones, not imported"
                )
                continue
            conn_id = vif.connection
            if conn_id is None:
                self.warn(f"virtual interface '{vif.id}' names no connection: not imported")
                continue
            if dxgw is None and (vif.kind == "transit" or vif.vpn_gateway not in vgws):
                self.warn(
                    f"virtual interface '{vif.id}' leads to no imported gateway (vpn gateway '{vif.vpn_gateway}'): not imported"
                )
                continue
            if dxgw is not None:
                self.dx_gateways.setdefault(dxgw, [])
                vif = dataclasses.replace(vif, dx_gateway=dxgw, vpn_gateway=None)
            if vif.state.lower() == "down":
                self.warn(
                    f"virtual interface '{vif.id}' is down: the language has no state for a VIF; it is imported up"
                )
            self.dx_vifs.append(vif)
            needed.add(conn_id)
        for cid in sorted(needed | set(inv.dx_connections)):
            conn = inv.dx_connections.get(cid)
            if conn is None:
                self.warn(
                    f"Direct Connect connection '{cid}' of virtual interface(s) {', '.join(v.id for v in self.dx_vifs if v.connection == cid)} is not in the dump (describe-connections): it is written at location \"unknown\" with speed 1Gbps; write its real ones"
                )
                conn = aws.DxConnection(cid, None, None, None, "available", None)
            self.dx_connections.append(conn)

    def dx_speed(self, conn: aws.DxConnection) -> tuple[str, bool]:
        """The speed written for a connection, and whether only a hosted one has it."""
        speed = (conn.bandwidth or "1Gbps").replace(" ", "")
        if speed not in (*DX_DEDICATED_SPEEDS, *DX_HOSTED_SPEEDS):
            self.warn(
                f"Direct Connect connection '{conn.id}' has speed {quoted(speed)}, which AWS does not sell: it is written 1Gbps"
            )
            speed = "1Gbps"
        return speed, speed not in DX_DEDICATED_SPEEDS

    def select_transit(self) -> None:
        inv = self.inv
        for tgw in sorted(inv.transit_gateways.values(), key=lambda t: t.id):
            if tgw.state in ("deleted", "deleting", "failed"):
                continue
            self.tgws.append(tgw)
            self.tgw_attachments[tgw.id] = []
        for kind, entries in (
            ("routes", inv.tgw_routes),
            ("propagations", inv.tgw_propagations),
        ):
            for table_id in sorted(set(entries) - set(inv.tgw_route_tables)):
                self.warn(
                    f"the {kind} of transit gateway route table '{table_id}' are in the dump,"
                    " but the table is not (describe-transit-gateway-route-tables): not imported"
                )
        for cgw_id, vpn in sorted(
            ((v.customer_gateway, v) for v in inv.vpn_connections.values()), key=lambda x: x[1].id
        ):
            cgw = inv.customer_gateways.get(cgw_id)
            cgw_ip = address4(cgw.ip) if cgw is not None else None
            if cgw is None or cgw_ip is None:
                self.warn(
                    f"vpn '{vpn.id}' uses customer gateway '{cgw_id}', whose IPv4 address is not in the dump: not imported"
                )
                continue
            cgw = dataclasses.replace(cgw, ip=str(cgw_ip))
            if vpn.transit_gateway is not None:
                if vpn.transit_gateway not in self.tgw_attachments:
                    self.warn(
                        f"vpn '{vpn.id}' ends at transit gateway '{vpn.transit_gateway}', which is not in the dump: not imported"
                    )
                    continue
            elif vpn.vpn_gateway is None or not any(
                v.vgw is not None and v.vgw.id == vpn.vpn_gateway for v in self.vpcs.values()
            ):
                self.warn(
                    f"vpn '{vpn.id}' ends at vpn gateway '{vpn.vpn_gateway}', which is attached to no VPC in the dump: not imported"
                )
                continue
            self.vpns.append(vpn)
            if all(c.id != cgw.id for c in self.cgws):
                self.cgws.append(cgw)
            if vpn.all_down:
                self.warn(f"vpn '{vpn.id}': {_tunnels_down(vpn)}: imported down")
            elif vpn.down_tunnels and vpn.tunnels_up:
                rest = (
                    "the tunnel still up, with no redundancy left"
                    if vpn.tunnels_up == 1
                    else "the tunnels still up"
                )
                self.warn(
                    f"vpn '{vpn.id}': {_tunnels_down(vpn)}, {vpn.tunnels_up} of {vpn.tunnels} up:"
                    f" imported up (its traffic takes {rest})"
                )
            elif vpn.tunnels_up == 0:
                self.warn(f"vpn '{vpn.id}' has no tunnel up; the file treats it as up")
        self.select_dx()
        vpn_ids = {v.id for v in self.vpns}
        seen: set[tuple[str, str]] = set()
        for att in sorted(inv.tgw_attachments.values(), key=lambda a: a.id):
            if att.tgw not in self.tgw_attachments or att.state.lower() not in LIVE_ATTACHMENT:
                continue
            if att.kind == "vpc":
                vpc = self.vpcs.get(att.resource)
                tgw = inv.transit_gateways[att.tgw]
                if vpc is None:
                    self.warn(
                        f"transit gateway attachment '{att.id}' joins vpc '{att.resource}', which is not in the dump: not imported"
                    )
                    continue
                if vpc.vpc.region != tgw.region:
                    self.warn(
                        f"transit gateway attachment '{att.id}' joins vpc '{att.resource}' of another region: not imported"
                    )
                    continue
            elif att.kind == "vpn":
                if att.resource not in vpn_ids:
                    self.warn(
                        f"transit gateway attachment '{att.id}' is for vpn '{att.resource}', which is not imported"
                    )
                    continue
            elif att.kind == "direct-connect-gateway":
                if not any(a.gateway == att.tgw for a in self.dx_gateways.get(att.resource, [])):
                    self.warn(
                        f"transit gateway attachment '{att.id}' is for DX gateway '{att.resource}', whose association with the transit gateway is not imported"
                    )
                    continue
            elif att.kind == "peering":
                if att.id not in inv.tgw_peerings:
                    self.warn(
                        f"transit gateway peering attachment '{att.id}' is not in the dump's describe-transit-gateway-peering-attachments, which names both its sides: not imported"
                    )
                continue  # a tgw-peering: select_tgw_peerings
            else:
                self.warn(
                    f"transit gateway attachment '{att.id}' ({att.kind} '{att.resource}') is not imported: the language attaches VPCs, VPNs and DX gateways only"
                )
                continue
            if (att.tgw, att.resource) in seen:
                continue
            seen.add((att.tgw, att.resource))
            self.tgw_attachments[att.tgw].append(att)
        for vpn in self.vpns:
            if vpn.transit_gateway is not None and (vpn.transit_gateway, vpn.id) not in seen:
                # The attachment of a VPN to its transit gateway always exists in AWS.
                att = aws.TgwAttachment(
                    vpn.id, vpn.transit_gateway, None, "vpn", vpn.id, "available", None
                )
                self.tgw_attachments[vpn.transit_gateway].append(att)
        self.select_tgw_peerings()

    def select_tgw_peerings(self) -> None:
        """Each peering attachment between two transit gateways, as ``tgw-peering``: up when
        available, ``down`` while it is not yet accepted or rolls back, left out once gone.
        A side the dump does not hold (another region or account not saved) is written as an
        empty transit gateway of its region, with a warning: routes over the peering then
        end there, as they would at a transit gateway whose tables nobody wrote."""
        inv = self.inv
        pairs: dict[frozenset[str], str] = {}
        for p in sorted(inv.tgw_peerings.values(), key=lambda p: p.id):
            state = p.state.lower()
            if state in PEERING_GONE:
                self.warn(f"transit gateway peering '{p.id}' is {p.state}: not imported")
                continue
            if p.requester == p.accepter:
                self.warn(
                    f"transit gateway peering '{p.id}' joins transit gateway '{p.requester}' to itself: not imported"
                )
                continue
            ends = [(p.requester, p.requester_region), (p.accepter, p.accepter_region)]
            present = [t for t, _r in ends if t in self.tgw_attachments]
            gone = [t for t, _r in ends if t in inv.transit_gateways and t not in present]
            if gone or not present:
                why = (
                    f"transit gateway '{gone[0]}' is {inv.transit_gateways[gone[0]].state}"
                    if gone
                    else "neither of its transit gateways is in the dump"
                )
                self.warn(f"transit gateway peering '{p.id}': {why}: not imported")
                continue
            pair = frozenset((p.requester, p.accepter))
            if pair in pairs:
                self.warn(
                    f"transit gateway peering '{p.id}' joins the transit gateways that '{pairs[pair]}' joins (AWS allows one): not imported"
                )
                continue
            pairs[pair] = p.id
            # The near side: in the dump, or the placeholder of an earlier peering.
            near = next(t for t in self.tgws if t.id == present[0])
            for tgw_id, region in ends:
                if tgw_id in self.tgw_attachments:
                    continue
                far_region = region or near.region
                owner = p.accepter_account if tgw_id == p.accepter else p.requester_account
                account = f", account {owner}" if owner else ""
                self.warn(
                    f"transit gateway peering '{p.id}' joins transit gateway '{tgw_id}' ({far_region}{account}), which is not in the dump: it is written empty; import its region too, or write its route tables, for paths beyond it"
                )
                self.tgws.append(aws.TransitGateway(tgw_id, far_region, None, "", None, None))
                self.tgw_attachments[tgw_id] = []
                self.placeholder_tgws.add(tgw_id)
            if state not in PEERING_UP:
                self.warn(f"transit gateway peering '{p.id}' is {p.state}: imported down")
            if p.accepter_attachment and p.accepter_attachment != p.id:
                self.peering_alias[p.accepter_attachment] = p.id
            listed = [
                *inv.tgw_peering_tables.get(p.id, ()),
                *inv.tgw_peering_tables.get(p.accepter_attachment or "", ()),
            ]
            for tgw_id, _region in ends:
                table = next(
                    (
                        t
                        for t in listed
                        if t in inv.tgw_route_tables and inv.tgw_route_tables[t].tgw == tgw_id
                    ),
                    None,
                )
                att = aws.TgwAttachment(p.id, tgw_id, p.name, "peering", p.id, p.state, table)
                self.tgw_attachments[tgw_id].append(att)
            self.tgw_peerings.append(p)

    def attachment_of(
        self, by_id: dict[str, aws.TgwAttachment], att_id: str
    ) -> aws.TgwAttachment | None:
        """The imported attachment an id names (a peering's by either side's id)."""
        return by_id.get(self.peering_alias.get(att_id, att_id))

    # ---- names ---------------------------------------------------------------------------------

    def name(self) -> None:
        inv = self.inv
        taken: set[str] = set()

        def pool(items: Iterable[tuple[str, str | None]]) -> None:
            found = allocate(list(items), taken)
            self.names.update(found)
            taken.update(found.values())

        pool((v.vpc.id, v.vpc.name) for v in self.vpcs.values())
        for v in self.vpcs.values():
            v.name = self.names[v.vpc.id]
        pool((t.id, t.name) for t in self.tgws)
        gateways = [g for v in self.vpcs.values() for g in (v.igw, v.eigw, v.vgw) if g is not None]
        pool(
            [
                *((g.id, g.name) for g in gateways),
                *((p.id, p.name) for p in self.peerings),
                *((v.id, v.name) for v in self.vpns),
                *((p.id, p.name) for p in self.tgw_peerings),
                *((c.id, c.name) for c in self.cgws),
            ]
        )
        pool((f"{c.id}-site", f"{c.name}-site" if c.name else None) for c in self.cgws)
        pool(
            [
                *((c.id, c.name) for c in self.dx_connections),
                *(
                    (g, inv.dx_gateways[g].name if g in inv.dx_gateways else None)
                    for g in self.dx_gateways
                ),
                *((v.id, v.name) for v in self.dx_vifs),
            ]
        )
        if self.dx_connections:
            pool([(DX_SITE, "dx-site")])
        pool((a.arn, a.name) for a in sorted(inv.accelerators.values(), key=lambda a: a.arn))
        pool((p.id, p.name) for p in sorted(inv.ipam_pools.values(), key=lambda p: p.id))
        for v in self.vpcs.values():
            n = v.names
            n.update(allocate((s.id, s.name) for s in v.subnets))
            n.update(allocate((t.id, t.name) for t in v.tables))
            n.update(allocate((a.id, a.name) for a in v.acls))
            defaults = [g for g in v.groups if g.group_name == "default"]
            if defaults:
                v.default_group = defaults[0].id
                n[defaults[0].id] = "default"
            others = [g for g in v.groups if g.id != v.default_group]
            n.update(allocate(((g.id, g.name, g.group_name) for g in others), {"default"}))
            # Instances and NAT gateways are path endpoints: no service name; endpoints may be.
            places = allocate(
                [*((i.id, i.name) for i in v.instances), *((x.id, x.name) for x in v.nats)],
                taken,
                RESERVED | SERVICE_NAMES,
            )
            n.update(places)
            n.update(
                allocate(
                    [
                        *((e.id, e.name) for e in v.endpoints),
                        *((r.id, r.name) for r in v.resolvers),
                    ],
                    taken | set(places.values()),
                )
            )
            n.update(
                allocate(
                    [
                        *((b.arn, b.name) for b in v.load_balancers),
                        *((t.arn, t.name) for t in v.target_groups),
                    ],
                    taken | set(places.values()),
                    RESERVED | SERVICE_NAMES,
                )
            )
        for tgw in self.tgws:
            tables = sorted(
                (t for t in inv.tgw_route_tables.values() if t.tgw == tgw.id), key=lambda t: t.id
            )
            self.names.update(allocate((t.id, t.name) for t in tables))

    # ---- statements ----------------------------------------------------------------------------

    def statements(self) -> list[_Line]:
        self.select()
        self.name()
        self.referenced_groups = {
            g.group
            for v in self.vpcs.values()
            for sg in v.groups
            for perm in (*sg.ingress, *sg.egress)
            for g in perm.groups
            if g.group != sg.id
        }
        for v in self.vpcs.values():
            self.decide_default_group(v)
        for ep in self.skipped_endpoints:
            # One warning per kind, with the count (as every kind the language lacks).
            kind = "Gateway Load Balancer" if ep.kind == "GatewayLoadBalancer" else ep.kind
            aws.note_unimported(
                self.unimported,
                f"{kind} endpoint",
                f"{kind} endpoints",
                "ec2 describe-vpc-endpoints",
                ep.id,
                f"'{ep.id}' in vpc '{self.vpcs[ep.vpc].name}'",
            )
        sites, vpns = self.sites_and_vpns()
        self.observation = self.traffic_observation()
        lines: list[_Line] = [_Line(st.Title(_tok(string(self.title()), "STRING"), NO_SPAN))]
        lines += self.ipam_pools()
        regions = sorted(
            {v.vpc.region for v in self.vpcs.values()}
            | {t.region for t in self.tgws}
            | {r for r, _cidrs in self.lists.values()}
        )
        for region in regions:
            items = [
                _Line(
                    st.PrefixListDecl(
                        _tok(self.aws_names.get(pid, pid)),
                        tuple(_tok(c, "CIDR") for c in cidrs),
                        NO_SPAN,
                    ),
                    self.inv.prefix_lists[pid].name,
                )
                for pid, (r, cidrs) in sorted(self.lists.items())
                if r == region
            ]
            lists = len(items)
            items += [
                self.vpc(v)
                for v in sorted(self.vpcs.values(), key=lambda v: v.name)
                if v.vpc.region == region
            ]
            items += [
                self.tgw(t)
                for t in sorted(self.tgws, key=lambda t: self.names[t.id])
                if t.region == region
            ]
            if 0 < lists < len(items):
                items[lists].gap = True  # the lists' comments are not aligned with the VPC's
            lines.append(_Line(st.RegionDecl(_tok(region), (), NO_SPAN), None, items))
        for pcx in sorted(self.peerings, key=lambda p: self.names[p.id]):
            a, b = self.vpcs[pcx.requester].name, self.vpcs[pcx.accepter].name
            lines.append(
                _Line(st.PeeringDecl(_tok(self.names[pcx.id]), _ref(a), _ref(b), NO_SPAN), pcx.id)
            )
        for tp in sorted(self.tgw_peerings, key=lambda p: self.names[p.id]):
            down = (_opt("down"),) if tp.state.lower() not in PEERING_UP else ()
            decl = st.TgwPeeringDecl(
                _tok(self.names[tp.id]),
                _ref(self.names[tp.requester]),
                _ref(self.names[tp.accepter]),
                NO_SPAN,
                down,
            )
            lines.append(_Line(decl, tp.id))
        dx_site, dx_lines = self.direct_connect()
        lines += sites + dx_site
        lines += vpns
        lines += dx_lines
        for arn in sorted(self.inv.accelerators, key=lambda a: self.names[a]):
            lines.append(self.accelerator(self.inv.accelerators[arn]))
        lines += self.zones()
        lines += self.resolver_rules()
        self.unrepresented_interfaces()
        self.unimported_warnings()
        return lines

    def ipam_pools(self) -> list[_Line]:
        """``ipam-pool NAME CIDR`` for each IPv4 pool with a provisioned CIDR, and which
        imported VPC each pool's allocations name (``self.vpc_pools``)."""
        lines: list[_Line] = []
        for pid in sorted(self.inv.ipam_pools, key=lambda p: self.names[p]):
            name = self.names[pid]
            cidrs = self.inv.ipam_cidrs.get(pid, [])
            if not cidrs:
                self.warn(
                    f"IPAM pool '{name}' has no provisioned CIDR in the dump (get-ipam-pool-cidrs): not imported"
                )
                continue
            if len(cidrs) > 1:
                self.warn(
                    f"IPAM pool '{name}' has {len(cidrs)} CIDRs; the language takes one: only {cidrs[0]} is imported"
                )
            lines.append(_Line(st.IpamPoolDecl(_tok(name), _tok(cidrs[0], "CIDR4"), NO_SPAN), pid))
            pool = IPv4Network(cidrs[0], strict=False)
            for vpc_id, _cidr in self.inv.ipam_allocations.get(pid, []):
                v = self.vpcs.get(vpc_id)
                if v is None or vpc_id in self.vpc_pools:
                    continue
                if all(c.version == 4 and c.subnet_of(pool) for c in v.cidrs):
                    self.vpc_pools[vpc_id] = name
                else:
                    self.warn(
                        f"vpc '{v.name}' has CIDRs outside IPAM pool '{name}' ({pool}): its pool is not written"
                    )
        return lines

    def accelerator(self, ga: aws.Accelerator) -> _Line:
        """``accelerator``: its two static IPv4s, and each listener with the endpoints of its
        groups that are imported (a load balancer, an instance, an instance's Elastic IP)."""
        name = self.names[ga.arn]
        listeners: list[st.AcceleratorListenerDecl] = []
        for larn in sorted(
            x for x in self.inv.ga_listeners if aws.ga_parent(x, "/listener/") == ga.arn
        ):
            lst = self.inv.ga_listeners[larn]
            groups = [
                g
                for garn, g in sorted(self.inv.ga_endpoint_groups.items())
                if aws.ga_parent(garn, "/endpoint-group/") == larn
            ]
            # In name order within each region's group, whatever the order of the dump.
            endpoints: list[st.AcceleratorEndpointDecl] = []
            for g in sorted(groups, key=lambda g: g.region):
                found = [self.ga_endpoint(name, eid, weight) for eid, weight in g.endpoints]
                endpoints += sorted(
                    (e for e in found if e is not None), key=lambda e: str(e.target)
                )
            if not endpoints:  # the language's listener names at least one endpoint
                self.warn(
                    f"listener {lst.protocol} of accelerator '{name}' has no imported endpoint:"
                    " not imported (AWS answers nothing on it either)"
                )
                continue
            for lo, hi in lst.ports:
                ports = str(lo) if lo == hi else f"{lo}-{hi}"
                listeners.append(
                    st.AcceleratorListenerDecl(
                        _tok(lst.protocol), _tok(ports, "PORT"), tuple(endpoints), NO_SPAN
                    )
                )
        static = sorted(ga.ips, key=lambda ip: tuple(int(p) for p in ip.split(".")))[:2]
        ips = tuple(_tok(ip, "IPV4") for ip in static) if len(static) == 2 else ()
        return _Line(st.AcceleratorDecl(_tok(name), ips, tuple(listeners), NO_SPAN), ga.arn)

    def ga_endpoint(self, ga: str, eid: str, weight: int) -> st.AcceleratorEndpointDecl | None:
        w = _tok(str(weight), "INT")
        if eid in self.inv.load_balancers:
            lb = self.inv.load_balancers[eid]
            v = self.vpcs.get(lb.vpc)
            if v is not None and eid in v.names:
                return st.AcceleratorEndpointDecl(_ref(v.names[eid], v.name), w, NO_SPAN)
        for v in self.vpcs.values():
            if eid in v.names and any(i.id == eid for i in v.instances):
                return st.AcceleratorEndpointDecl(_ref(v.names[eid], v.name), w, NO_SPAN)
        address = self.inv.addresses.get(eid)
        if address is None:
            address = next((a for a in self.inv.addresses.values() if a.allocation == eid), None)
        held = address.instance if address is not None else None
        if address is not None and any(held in v.names for v in self.vpcs.values()):
            return st.AcceleratorEndpointDecl(_tok(address.public_ip, "IPV4"), w, NO_SPAN)
        self.warn(
            f"endpoint '{eid}' of accelerator '{ga}' is not imported: it is not an imported load balancer, instance or Elastic IP"
        )
        return None

    def title(self) -> str:
        if self.inv.title is not None:
            return self.inv.title
        accounts = list(self.inv.accounts)
        for v in self.vpcs.values():
            if v.vpc.owner and v.vpc.owner not in accounts:
                accounts.append(v.vpc.owner)
        regions = ", ".join(
            sorted({v.vpc.region for v in self.vpcs.values()} | set(self.inv.regions))
        )
        who = (
            f"AWS account{'s' * (len(accounts) > 1)} {', '.join(sorted(accounts))}"
            if accounts
            else "AWS"
        )
        return f"{who} ({regions})" if regions else who

    # -- a VPC -----------------------------------------------------------------------------

    def vpc(self, v: _Vpc) -> _Line:
        items: list[_Line] = []
        if v.ipv6 is not None:
            items.append(_Line(st.VpcIpv6(_tok(str(v.ipv6), "CIDR6"), NO_SPAN)))
        for keyword, gw in (
            ("internet-gateway", v.igw),
            ("egress-only-gateway", v.eigw),
            ("vpn-gateway", v.vgw),
        ):
            if gw is not None:
                items.append(
                    _Line(st.GatewayDecl(keyword, _tok(self.names[gw.id]), NO_SPAN), gw.id)
                )
        dhcp = self.inv.dhcp_options.get(v.vpc.dhcp_options or "")
        if dhcp is not None and dhcp.domain and not _DEFAULT_DOMAIN.fullmatch(dhcp.domain):
            if _DOMAIN.fullmatch(dhcp.domain):
                servers = self.dhcp_servers(v.name, dhcp.servers)
                items.append(
                    _Line(st.DhcpOptions(_tok(dhcp.domain, "DOMAIN"), NO_SPAN, servers), dhcp.id)
                )
            else:
                self.warn(
                    f"vpc '{v.name}' DHCP domain '{dhcp.domain}' is not a plain domain name: not imported"
                )
        attributes = self.inv.vpc_attributes.get(v.vpc.id, {})
        for keyword, attribute in DNS_ATTRIBUTES:
            if attributes.get(attribute) is False:  # on is the language's default
                items.append(_Line(st.DnsFlag(keyword, _tok("off", "ONOFF"), NO_SPAN)))
        groups: list[list[_Line]] = [
            [
                self.subnet(v, s)
                for s in sorted(
                    v.subnets, key=lambda s: _net_key(_net(s.cidr) or IPv4Network("0.0.0.0/0"))
                )
            ],
            self.route_tables(v),
            [self.nat(v, n) for n in sorted(v.nats, key=lambda n: v.names[n.id])],
            self.security_groups(v),
            self.network_acls(v),
            [
                line
                for i in sorted(v.instances, key=lambda i: v.names[i.id])
                if (line := self.instance(v, i))
            ],
            [
                line
                for e in sorted(v.endpoints, key=lambda e: v.names[e.id])
                if (line := self.endpoint(v, e))
            ],
            [
                self.resolver_endpoint(v, r)
                for r in sorted(v.resolvers, key=lambda r: v.names[r.id])
            ],
            [
                line
                for b in sorted(v.load_balancers, key=lambda b: v.names[b.arn])
                if (line := self.load_balancer(v, b))
            ],
            [
                self.target_group(v, t)
                for t in sorted(v.target_groups, key=lambda t: v.names[t.arn])
            ],
            self.observation.get(v.vpc.id, []),
        ]
        for group in groups:
            if group:
                group[0].gap = bool(items)
                items.extend(group)
        cidrs = tuple(_tok(str(c), "CIDR4") for c in v.cidrs)
        pool = self.vpc_pools.get(v.vpc.id)
        ipam = st.VpcIpam(_tok(pool), None, NO_SPAN) if pool is not None else None
        if not cidrs:  # `ipam POOL /N`: the CIDR its pool gives at apply (select keeps it)
            asked, length = self.inv.ipam_requests[v.vpc.id]
            ipam = st.VpcIpam(_tok(self.names[asked]), _tok(f"/{length}", "PREFIX_LEN"), NO_SPAN)
        return _Line(st.VpcDecl(_tok(v.name), cidrs, (), NO_SPAN, ipam), v.vpc.id, items)

    def subnet(self, v: _Vpc, s: aws.Subnet) -> _Line:
        options = []
        v6 = self.subnet_ipv6(v, s)
        if v6 is not None:
            options.append(_opt("ipv6", _tok(str(v6), "CIDR6")))
        elif s.ipv6:
            self.warn(
                f"subnet '{v.names[s.id]}' of vpc '{v.name}' IPv6 CIDR {s.ipv6[0]} is not in the VPC's imported IPv6 CIDR: left out"
            )
        if s.public_ip_on_launch:
            private = [
                i
                for i in v.instances
                if i.subnet == s.id
                and i.public_ip is None
                and i.state not in STOPPED
                and i.id not in self.inv.public_at_apply
            ]
            if private:
                names = ", ".join(f"'{v.names[i.id]}'" for i in private)
                self.warn(
                    f"subnet '{v.names[s.id]}' of vpc '{v.name}' gives new instances public IPs, but {names} has none: 'public-ip-on-launch' is left out so that it stays private"
                )
            else:
                options.append(_opt("public-ip-on-launch"))
        cidr = str(_net(s.cidr))
        return _Line(
            st.SubnetDecl(
                _tok(v.names[s.id]), _tok(cidr, "CIDR4"), _tok(s.az), tuple(options), NO_SPAN
            ),
            s.id,
        )

    # -- route tables ------------------------------------------------------------------------

    def route_tables(self, v: _Vpc) -> list[_Line]:
        subnets = {s.id for s in v.subnets}
        endpoint_tables = {t for e in v.endpoints if e.kind == "Gateway" for t in e.route_tables}
        lines = []
        for table in sorted(v.tables, key=lambda t: (not t.main, v.names[t.id])):
            name = v.names[table.id]
            items: list[_Line] = []
            for dest, target in self.routes(v, table):
                items.append(_Line(st.RouteDecl(dest, target, NO_SPAN)))
            vgws = [g for g in table.propagating_vgws if v.vgw is not None and g == v.vgw.id]
            if vgws:
                items.append(_Line(st.Propagate(tuple(_ref(self.names[g]) for g in vgws), NO_SPAN)))
            for gw in table.edge_gateways:
                self.warn(
                    f"route table '{name}' of vpc '{v.name}' is associated with gateway '{gw}' (ingress routing): the association is not imported"
                )
            assoc = sorted(v.names[s] for s in table.subnets if s in subnets)
            if assoc:
                items.append(_Line(st.Associate(tuple(_ref(s) for s in assoc), NO_SPAN)))
            if table.main and not items and table.id not in endpoint_tables:
                continue  # the implicit main table says the same
            main = _tok("main") if table.main else None
            lines.append(_Line(st.RouteTableDecl(_tok(name), main, (), NO_SPAN), table.id, items))
        return lines

    def routes(self, v: _Vpc, table: aws.RouteTable) -> list[tuple[st.Tok, st.Ref | None]]:
        """The table's routes: to CIDRs in address order, then to prefix lists by name."""
        found: dict[IPNet, st.Ref | None] = {}
        lists: dict[str, st.Ref | None] = {}
        where = f"route table '{v.names[table.id]}' of vpc '{v.name}'"
        for route in table.routes:
            if route.targets.get("GatewayId") == "local" or route.origin == "CreateRouteTable":
                continue
            if route.origin == "EnableVgwRoutePropagation":
                continue  # 'propagate' brings these routes
            if route.prefix_list is not None:
                if route.targets.get("GatewayId", "").startswith("vpce-"):
                    continue  # a gateway endpoint's route: its 'endpoint' statement brings it
                what = f"{where}: route to prefix list '{route.prefix_list}'"
                name, why = self.list_name(route.prefix_list, v.vpc.region)
                if name in GATEWAY_ENDPOINT_SERVICES:
                    why = f"is AWS's list of {name} (the language routes it through gateway endpoints only)"
                if name is None or why:
                    self.warn(
                        f"{where}: route via {_target_text(route)} to prefix list "
                        f"'{route.prefix_list}', which {why}: not imported"
                    )
                    continue
                if (target := self.route_target(v, route, what)) is not None:
                    lists.setdefault(name, target[1])
                continue
            dest = _net(route.destination)
            if dest is None:
                continue
            target = self.route_target(v, route, f"{where}: route {dest}")
            if target is None:
                continue
            kind, ref = target
            if v.own(dest) and kind != "instance":
                self.warn(
                    f"{where}: route {dest} via {_target_text(route)} is inside the VPC's own CIDRs (middlebox routing): not imported"
                )
                continue
            found.setdefault(dest, ref)
        ordered = [
            (_tok(str(d), "CIDR"), r)
            for d, r in sorted(found.items(), key=lambda kv: _net_key(kv[0]))
        ]
        return ordered + [(_tok(n), r) for n, r in sorted(lists.items())]

    def route_target(
        self, v: _Vpc, route: aws.Route, what: str
    ) -> tuple[str, st.Ref | None] | None:
        """The route's target: its kind and name (no name: a blackhole), or ``None`` to leave it
        out, with a warning that says whether the target is not in the dump or why it is not
        this VPC's (``via NAT gateway 'nat-1', which is not in the dump``)."""
        t = route.targets
        inv = self.inv
        if route.state == "blackhole":
            return "blackhole", None

        def skip(kind: str, ident: str, why: str = "is not in the dump") -> None:
            self.warn(f"{what} via {kind} '{ident}', which {why}: not imported")

        instance = t.get("InstanceId") or self.eni_owner.get(t.get("NetworkInterfaceId", ""))
        if instance is not None:
            if instance in v.names:
                return "instance", _ref(v.names[instance])
            inst = inv.instances.get(instance)
            if inst is None:
                skip("instance", instance)
            else:
                skip("instance", instance, _elsewhere(inst.vpc, v) or "is not imported")
            return None
        if (eni_id := t.get("NetworkInterfaceId")) is not None:
            eni = inv.interfaces.get(eni_id)
            if eni is None:
                skip("network interface", eni_id)
            elif eni.instance is not None:
                skip(
                    "network interface",
                    eni_id,
                    f"is of instance '{eni.instance}', which is not in the dump",
                )
            else:
                skip("network interface", eni_id, f"belongs to no instance ({eni.kind})")
            return None
        if (nat_id := t.get("NatGatewayId")) is not None:
            if nat_id in v.names:
                return "nat", _ref(v.names[nat_id])
            nat = inv.nat_gateways.get(nat_id)
            why = (
                None
                if nat is None
                else _elsewhere(nat.vpc, v)
                or (
                    "is in a subnet that is not in the dump"
                    if nat.state.lower() in LIVE_NAT
                    else f"is {nat.state}"
                )
            )
            skip("NAT gateway", nat_id, *([why] if why else []))
            return None
        if (pcx_id := t.get("VpcPeeringConnectionId")) is not None:
            if any(p.id == pcx_id and v.vpc.id in (p.requester, p.accepter) for p in self.peerings):
                return "peering", _ref(self.names[pcx_id])
            pcx = inv.peerings.get(pcx_id)
            if pcx is None:
                skip("peering", pcx_id)
            elif pcx.status != "active":
                skip("peering", pcx_id, f"is {pcx.status}")
            elif v.vpc.id not in (pcx.requester, pcx.accepter):
                skip("peering", pcx_id, "does not join this VPC")
            else:
                skip("peering", pcx_id, "joins a VPC that is not in the dump")
            return None
        if (tgw_id := t.get("TransitGatewayId")) is not None:
            attached = any(
                a.kind == "vpc" and a.resource == v.vpc.id
                for a in self.tgw_attachments.get(tgw_id, ())
            )
            if attached:
                return "transit-gateway", _ref(self.names[tgw_id])
            tgw = inv.transit_gateways.get(tgw_id)
            if tgw is None:
                skip("transit gateway", tgw_id)
            elif tgw_id not in self.tgw_attachments:
                skip("transit gateway", tgw_id, f"is {tgw.state}")
            else:
                skip("transit gateway", tgw_id, "has no imported attachment for this VPC")
            return None
        endpoint_id = t.get("VpcEndpointId") or (
            g if (g := t.get("GatewayId", "")).startswith("vpce-") else None
        )
        if endpoint_id is not None:
            ep = inv.endpoints.get(endpoint_id)
            if ep is None:
                skip(
                    "endpoint",
                    endpoint_id,
                    "is not in the dump (a firewall endpoint is not listed there)",
                )
            else:
                skip(f"{ep.kind} endpoint", endpoint_id, "the language cannot route to")
            return None
        gateway = t.get("EgressOnlyInternetGatewayId") or t.get("GatewayId")
        if gateway is not None:
            for gw in (v.igw, v.eigw, v.vgw):
                if gw is not None and gw.id == gateway:
                    return "gateway", _ref(self.names[gw.id])
            known = (
                inv.internet_gateways.get(gateway)
                or inv.egress_only_gateways.get(gateway)
                or inv.vpn_gateways.get(gateway)
            )
            if known is None:
                skip("gateway", gateway)
            elif v.vpc.id in known.vpcs:
                skip(
                    "gateway",
                    gateway,
                    "is the VPC's second gateway of its kind (only the first is imported)",
                )
            else:
                skip("gateway", gateway, "is not attached to this VPC")
            return None
        self.warn(
            f"{what} via {_target_text(route)} is not imported: the language has no such route target"
        )
        return None

    # -- NAT gateways, security groups, ACLs -----------------------------------------------------

    def public_address(self, address: str, who: str) -> str | None:
        """A public or Elastic IP as the file may write it, or ``None`` (with a warning)
        when it is no public address (a test double's, say): the file keeps the option."""
        ip = address4(address)
        if ip is not None and not any(ip in net for net in NOT_PUBLIC):
            return address
        self.warn(f"the public IP {address} of {who} is not a public IPv4 address: not imported")
        return None

    def nat(self, v: _Vpc, nat: aws.NatGateway) -> _Line:
        options = []
        if nat.private:
            options.append(_opt("private"))
        if (ip := self.subnet_address(v, nat.subnet, nat.private_ip)) is not None:
            options.append(_opt("ip", _tok(ip, "IPV4")))
        elif nat.private_ip is not None:
            self.warn(
                f"NAT gateway '{v.names[nat.id]}' of vpc '{v.name}' private address {quoted(nat.private_ip)} is not a usable address of its subnet: left out"
            )
        if not nat.private and nat.public_ips:
            eip = self.public_address(nat.public_ips[0], f"NAT gateway '{v.names[nat.id]}'")
            options.append(_opt("eip", _tok(eip, "IPV4")) if eip else _opt("eip"))
        if len(nat.public_ips) > 1:
            self.warn(
                f"NAT gateway '{v.names[nat.id]}' of vpc '{v.name}' has {len(nat.public_ips)} public IPs: only its primary {nat.public_ips[0]} is imported"
            )
        decl = st.NatGatewayDecl(
            _tok(v.names[nat.id]), _ref(v.names[nat.subnet]), tuple(options), NO_SPAN
        )
        return _Line(decl, nat.id)

    def subnet_address(self, v: _Vpc, subnet_id: str, text: str | None) -> str | None:
        """An address a NAT gateway or an endpoint is written with: one AWS could give in its
        subnet (not one of the five it reserves) and no instance of the VPC holds."""
        subnet = next((s for s in v.subnets if s.id == subnet_id), None)
        ip = address4(text)
        net = _net(subnet.cidr) if subnet is not None and subnet.cidr else None
        if ip is None or not isinstance(net, IPv4Network) or ip not in net:
            return None
        offset = int(ip) - int(net.network_address)
        if offset < 4 or ip == net.broadcast_address:
            return None
        if str(ip) in v.held or any(i.ip == str(ip) for i in v.instances):
            return None
        v.held.add(str(ip))
        return str(ip)

    def decide_default_group(self, v: _Vpc) -> None:
        if v.default_group is None:
            return
        group = next(g for g in v.groups if g.id == v.default_group)
        ingress = {r for p in group.ingress for r in self.permission_rules(v, group, p, quiet=True)}
        egress = {r for p in group.egress for r in self.permission_rules(v, group, p, quiet=True)}
        aws_ingress = {("all", None, "default", "")}
        all4, all6 = ("all", None, "0.0.0.0/0", ""), ("all", None, "::/0", "")
        v.default_group_implicit = (
            ingress == aws_ingress
            and egress in ({all4}, {all4, all6})
            and v.default_group not in self.referenced_groups
        )

    def permission_rules(
        self, v: _Vpc, sg: aws.SecurityGroup, perm: aws.Permission, quiet: bool = False
    ) -> list[tuple[str, str | None, str, str]]:
        """The lines of one AWS permission: ``(protocol, port, peer, scope)``."""
        name = v.names[sg.id]

        def warn(message: str) -> None:
            if not quiet:
                self.warn(f"security group '{name}' of vpc '{v.name}': {message}")

        protocol = _SG_PROTOCOLS.get(perm.protocol)
        if protocol is None:
            label = _IP_PROTOCOL_NAMES.get(perm.protocol, f"protocol {perm.protocol}")
            warn(
                f"a rule for {label} is not imported: the language has tcp, udp, icmp, icmpv6 and all"
            )
            return []
        port: str | None = None
        if protocol in ("tcp", "udp"):
            port = _ports(perm.from_port, perm.to_port)
            if port is None:
                warn(
                    f"a rule for {protocol} ports {perm.from_port}-{perm.to_port} is not imported: not a port range"
                )
                return []
        elif protocol in ("icmp", "icmpv6"):
            ok, port = _icmp(perm.from_port, perm.to_port)
            if not ok:
                warn(
                    f"a rule for {protocol} type {perm.from_port} code {perm.to_port} is not imported: not an ICMP type and code"
                )
                return []
        rules: list[tuple[str, str | None, str, str]] = []
        for cidr in (*perm.cidrs, *perm.ipv6):
            net = _net(cidr)
            if net is not None:
                rules.append((protocol, port, str(net), ""))
        for ref in perm.groups:
            peer = self.inv.security_groups.get(ref.group)
            if peer is None or peer.vpc not in self.vpcs:
                owner = f" of account {ref.account}" if ref.account else ""
                warn(
                    f"a rule refers to group '{ref.group}'{owner}, which is not in the dump: not imported"
                )
                continue
            if ref.peering_status not in (None, "active"):
                warn(
                    f"a rule refers to group '{ref.group}' over a peering that is {ref.peering_status}: not imported"
                )
                continue
            scope = "" if peer.vpc == v.vpc.id else self.vpcs[peer.vpc].name
            rules.append((protocol, port, self.vpcs[peer.vpc].names[peer.id], scope))
        for pl in perm.prefix_lists:
            listed, why = self.list_name(pl, v.vpc.region, v)
            if listed is None:
                warn(f"a rule for prefix list '{pl}', which {why}: not imported")
            else:
                rules.append((protocol, port, listed, ""))
        return rules

    def security_groups(self, v: _Vpc) -> list[_Line]:
        lines = []
        ordered = sorted(v.groups, key=lambda g: (g.id != v.default_group, v.names[g.id]))
        for sg in ordered:
            if sg.id == v.default_group and v.default_group_implicit:
                continue
            items: list[_Line] = []
            for direction, perms in (("ingress", sg.ingress), ("egress", sg.egress)):
                rules = {r for p in perms for r in self.permission_rules(v, sg, p)}
                if direction == "egress" and self.default_egress(v, rules):
                    continue
                for protocol, port, peer, scope in sorted(rules, key=_rule_key):
                    target: st.Tok | st.Ref = (
                        _tok(peer, "CIDR") if _net(peer) is not None else _ref(peer, scope or None)
                    )
                    items.append(
                        _Line(st.SgRuleDecl(direction, _proto(protocol, port), target, NO_SPAN))
                    )
                if direction == "egress" and not rules:
                    # No egress line means "all egress" in the language; AWS's empty list allows none.
                    rule = st.SgRuleDecl(
                        "egress", _proto("tcp", "0"), _tok("0.0.0.0/32", "CIDR4"), NO_SPAN
                    )
                    items.append(
                        _Line(rule, "AWS allows no outbound traffic: this rule matches nothing")
                    )
            lines.append(
                _Line(st.SecurityGroupDecl(_tok(v.names[sg.id]), (), NO_SPAN), sg.id, items)
            )
        return lines

    def default_egress(self, v: _Vpc, rules: set[tuple[str, str | None, str, str]]) -> bool:
        """Whether egress rules say what the language's default (no egress line) says."""
        all4, all6 = ("all", None, "0.0.0.0/0", ""), ("all", None, "::/0", "")
        return rules == {all4, all6} or (rules == {all4} and v.ipv6 is None)

    def network_acls(self, v: _Vpc) -> list[_Line]:
        lines = []
        subnets = {s.id for s in v.subnets}
        for acl in sorted(v.acls, key=lambda a: (not a.default, v.names[a.id])):
            name = v.names[acl.id]
            rules: list[tuple[bool, int, str, str, str | None, str]] = []
            for e in sorted(acl.entries, key=lambda e: (e.egress, e.number)):
                if e.number in (32767, 32768):
                    continue  # the implicit final '*' denies, IPv4 and IPv6 (others are checked)
                rule = self.acl_rule(v, name, e)
                if rule is not None:
                    rules.append(rule)
            if acl.default and self.default_acl(v, rules):
                continue
            items = [
                _Line(
                    st.AclRuleDecl(
                        "outbound" if egress else "inbound",
                        _tok(str(number), "INT"),
                        _tok(action, "ACTION"),
                        _proto(protocol, port),
                        _tok(cidr, "CIDR"),
                        NO_SPAN,
                    )
                )
                for egress, number, action, protocol, port, cidr in rules
            ]
            assoc = sorted(v.names[s] for s in acl.subnets if s in subnets)
            if assoc:
                items.append(_Line(st.Associate(tuple(_ref(s) for s in assoc), NO_SPAN)))
            lines.append(_Line(st.NetworkAclDecl(_tok(name), (), NO_SPAN), acl.id, items))
        return lines

    def acl_rule(
        self, v: _Vpc, name: str, e: aws.AclEntry
    ) -> tuple[bool, int, str, str, str | None, str] | None:
        where = f"network ACL '{name}' of vpc '{v.name}' {'outbound' if e.egress else 'inbound'} rule {e.number}"
        protocol = _SG_PROTOCOLS.get(e.protocol.lower())
        net = _net(e.cidr)
        if protocol is None:
            label = _IP_PROTOCOL_NAMES.get(e.protocol, f"protocol {e.protocol}")
            self.warn(f"{where} ({e.action}) is for {label}: not imported")
            return None
        if net is None:
            self.warn(f"{where} has no CIDR: not imported")
            return None
        if not 1 <= e.number <= 32766:
            self.warn(f"{where}: the rule number is outside 1..32766: not imported")
            return None
        port = _ports(e.port_from, e.port_to) if protocol in ("tcp", "udp") else None
        if protocol in ("tcp", "udp") and port is None:
            self.warn(
                f"{where} is for {protocol} ports {e.port_from}-{e.port_to}, not a port range: not imported"
            )
            return None
        if protocol in ("icmp", "icmpv6"):
            ok, port = _icmp(e.icmp_type, e.icmp_code)
            if not ok:
                self.warn(
                    f"{where} is for {protocol} type {e.icmp_type} code {e.icmp_code}, not an ICMP type and code: not imported"
                )
                return None
        return (
            e.egress,
            e.number,
            e.action if e.action in ("allow", "deny") else "deny",
            protocol,
            port,
            str(net),
        )

    def default_acl(
        self, v: _Vpc, rules: list[tuple[bool, int, str, str, str | None, str]]
    ) -> bool:
        """Whether a default ACL's rules are the allow-all ones the language gives every VPC."""
        expected = {(egress, 100, "allow", "all", None, "0.0.0.0/0") for egress in (False, True)}
        if v.ipv6 is not None:
            expected |= {(egress, 101, "allow", "all", None, "::/0") for egress in (False, True)}
        return set(rules) == expected

    # -- instances and endpoints -----------------------------------------------------------------

    def instance(self, v: _Vpc, inst: aws.Instance) -> _Line | None:
        name = v.names[inst.id]
        subnet = next(s for s in v.subnets if s.id == inst.subnet)
        options = [_opt("ip", _tok(str(inst.ip), "IPV4"))]
        subnet_v6 = self.subnet_ipv6(v, subnet)
        inside = sorted(
            a
            for x in inst.ipv6
            if subnet_v6 is not None and (a := ipaddress.IPv6Address(x)) in subnet_v6
        )
        if inside:
            options.append(_opt("ipv6", _tok(str(inside[0]), "IPV6")))
        elif subnet_v6 is not None and inst.state not in STOPPED:
            self.warn(
                f"instance '{name}' of vpc '{v.name}' has no IPv6 address, but the language gives one to every instance of an IPv6 subnet"
            )
        if len(inst.ipv6) > 1:
            self.warn(
                f"instance '{name}' of vpc '{v.name}' has {len(inst.ipv6)} IPv6 addresses: only the first is imported"
            )
        if inst.public_ip is not None:
            kind = "elastic-ip" if self.is_elastic(inst) else "public-ip"
            public = self.public_address(inst.public_ip, f"instance '{name}'")
            options.append(_opt(kind, _tok(public, "IPV4")) if public else _opt(kind))
        elif inst.id in self.inv.public_at_apply:
            options.append(_opt(self.inv.public_at_apply[inst.id]))
        groups = sorted((g for g in inst.groups if g in v.names), key=lambda g: v.names[g])
        for g in inst.groups:
            if g not in v.names:
                self.warn(
                    f"instance '{name}' of vpc '{v.name}' is in security group '{g}', which is not in the dump: left out"
                )
        if not inst.groups and inst.id in self.interface_comments:
            self.warn(
                f"network interface '{inst.id}' ({self.interface_kinds[inst.id]}) has no security group in the dump: imported in the default group of vpc '{v.name}'"
            )
        if groups and not (groups == [v.default_group] and v.default_group_implicit):
            options.append(_opt("sg", *(_ref(v.names[g]) for g in groups)))
        if not inst.source_dest_check:
            options.append(_opt("source-dest-check", _tok("off", "ONOFF")))
        if inst.state in STOPPED:
            options.append(_opt("stopped"))
        if inst.secondary_ips or inst.secondary_enis:
            extra = len(inst.secondary_ips) + len(inst.secondary_enis)
            what = (
                "private address or network interface"
                if extra == 1
                else "private addresses or network interfaces"
            )
            self.warn(
                f"instance '{name}' of vpc '{v.name}' has {extra} more {what}: only its primary address {inst.ip} is imported"
            )
        decl = st.InstanceDecl(_tok(name), _ref(v.names[subnet.id]), tuple(options), NO_SPAN)
        return _Line(decl, self.interface_comments.get(inst.id, inst.id))

    def subnet_ipv6(self, v: _Vpc, s: aws.Subnet) -> IPv6Network | None:
        """The IPv6 CIDR a subnet is written with: its first one inside the VPC's."""
        v6 = sorted(
            n
            for c in s.ipv6
            if isinstance(n := _net(c), IPv6Network) and v.ipv6 is not None and n.subnet_of(v.ipv6)
        )
        return v6[0] if v6 else None

    def is_elastic(self, inst: aws.Instance) -> bool:
        address = self.inv.addresses.get(inst.public_ip or "")
        if address is not None and address.allocation is not None:
            return True
        return any(
            (eni := self.inv.interfaces.get(e)) is not None and eni.public_allocation is not None
            for e in inst.enis[:1]
        )

    def endpoint(self, v: _Vpc, ep: aws.Endpoint) -> _Line | None:
        name = v.names[ep.id]
        service = _service(ep.service, v.vpc.region)
        if not NAME.fullmatch(service):
            self.warn(
                f"endpoint '{name}' of vpc '{v.name}' is for {quoted(ep.service)}, which is not a service name: not imported"
            )
            return None
        if ep.kind == "Gateway":
            if service not in GATEWAY_ENDPOINT_SERVICES:
                self.warn(
                    f"gateway endpoint '{name}' of vpc '{v.name}' is for '{ep.service}', which the language has no gateway endpoint for: not imported"
                )
                return None
            tables = sorted(v.names[t] for t in ep.route_tables if t in v.names)
            if not tables:
                self.warn(
                    f"gateway endpoint '{name}' of vpc '{v.name}' is in no imported route table: not imported"
                )
                return None
            decl = st.EndpointDecl(
                _tok(name), "gateway", _tok(service), tuple(_ref(t) for t in tables), (), NO_SPAN
            )
            return _Line(decl, self.endpoint_comment(name, ep))
        subnets: list[str] = []
        azs: set[str] = set()
        for s in v.subnets:
            if s.id in ep.subnets and s.az not in azs:
                azs.add(s.az)
                subnets.append(s.id)
        if not subnets:
            self.warn(
                f"interface endpoint '{name}' of vpc '{v.name}' is in no imported subnet: not imported"
            )
            return None
        if not ep.private_dns:
            self.warn(
                f"interface endpoint '{name}' of vpc '{v.name}' has private DNS off; the language assumes it on, so subnets reach '{service}' through it"
            )
        groups = sorted((g for g in ep.groups if g in v.names), key=lambda g: v.names[g])
        if groups == [v.default_group] and v.default_group_implicit:
            groups = []
        ordered = sorted(subnets, key=lambda s: v.names[s])
        refs = tuple(_ref(v.names[s]) for s in ordered)
        decl = st.EndpointDecl(
            _tok(name),
            "interface",
            _tok(service),
            refs,
            tuple(_ref(v.names[g]) for g in groups),
            NO_SPAN,
            self.endpoint_ips(v, name, ep, ordered),
        )
        self.interface_endpoints.add(ep.id)
        return _Line(decl, self.endpoint_comment(name, ep))

    def endpoint_comment(self, name: str, ep: aws.Endpoint) -> str:
        """The endpoint's id (left out when it is its name) and its full service name."""
        if name == ep.id and ep.id not in self.inv.origins:
            return ep.service
        return f"{ep.id} {ep.service}"

    def endpoint_ips(
        self, v: _Vpc, name: str, ep: aws.Endpoint, subnets: list[str]
    ) -> st.Option | None:
        """``ips ADDR…`` of an interface endpoint: the address of its interface in each subnet,
        from ``describe-network-interfaces``; left out (with a warning) if one is missing."""
        enis = [e for x in ep.enis if (e := self.inv.interfaces.get(x)) is not None]
        found: list[str] = []
        for s in subnets:
            eni = next((e for e in enis if e.subnet == s and e.ip is not None), None)
            ip = self.subnet_address(v, s, eni.ip) if eni is not None else None
            if ip is None:
                v.held.difference_update(found)
                what = (
                    "is not in the dump"
                    if eni is None
                    else f"has the address {quoted(eni.ip)}, not a usable one of the subnet"
                )
                self.warn(
                    f"interface endpoint '{name}' of vpc '{v.name}': its network interface in subnet '{v.names[s]}' {what}: its addresses are left out (the language allocates them)"
                )
                return None
            found.append(ip)
        return _opt("ips", *(_tok(ip, "IPV4") for ip in found))

    # -- load balancers ------------------------------------------------------------------------

    def load_balancer(self, v: _Vpc, lb: aws.LoadBalancer) -> _Line | None:
        """``load-balancer``: its subnets (one per AZ), its nodes' addresses when
        describe-network-interfaces has every one (``ELB app/NAME/ID``), an NLB's Elastic
        IPs, its groups, and each listener that forwards to an imported target group."""
        name = v.names[lb.arn]
        subnets: list[str] = []
        azs: set[str] = set()
        for sid in lb.subnets:
            s = next((x for x in v.subnets if x.id == sid), None)
            if s is not None and s.az not in azs:
                azs.add(s.az)
                subnets.append(sid)
        if not subnets:
            self.warn(
                f"load balancer '{name}' of vpc '{v.name}' is in no imported subnet: not imported"
            )
            return None
        subnets.sort(key=lambda s: v.names[s])
        options: list[st.Option] = []
        key = "ELB " + lb.arn.partition(":loadbalancer/")[2]
        enis = [e for e in self.inv.interfaces.values() if e.description == key]
        ips = [
            ip
            for s in subnets
            if (eni := next((e for e in enis if e.subnet == s), None)) is not None
            and (ip := self.subnet_address(v, s, eni.ip)) is not None
        ]
        if subnets and len(ips) == len(subnets):
            options.append(_opt("ips", *(_tok(ip, "IPV4") for ip in ips)))
        groups = [v.names[g] for g in lb.groups if g in v.names]
        if groups:
            options.append(_opt("sg", *(_ref(g) for g in groups)))
        pinned = dict(lb.eips)
        if lb.kind == "network" and subnets and all(s in pinned for s in subnets):
            options.append(_opt("eips", *(_tok(pinned[s], "IPV4") for s in subnets)))
        if lb.kind == "network" and lb.arn in self.inv.cross_zone:
            options.append(_opt("cross-zone"))
        listeners: list[st.ListenerDecl] = []
        for lst in sorted(self.inv.listeners.values(), key=lambda x: (x.port or 0, x.arn)):
            if lst.load_balancer != lb.arn:
                continue
            group = self.inv.target_groups.get(lst.target_group or "")
            if (
                group is None
                or group.arn not in v.names
                or lst.port is None
                or lst.protocol not in LISTENER_PROTOCOLS
            ):
                self.warn(
                    f"listener {lst.protocol or '?'} {lst.port or '?'} of load balancer '{name}' forwards to no imported target group (its default action is not a forward, or its group is not in the dump): not imported"
                )
                continue
            listeners.append(
                st.ListenerDecl(
                    _tok(lst.protocol),
                    _tok(str(lst.port), "PORT"),
                    _ref(v.names[group.arn]),
                    NO_SPAN,
                )
            )
        decl = st.LoadBalancerDecl(
            _tok(name),
            _tok(lb.kind, "LB_KIND"),
            _tok(lb.scheme, "LB_SCHEME"),
            tuple(_ref(v.names[s]) for s in subnets),
            tuple(options),
            (),
            NO_SPAN,
        )
        return _Line(decl, lb.arn, [_Line(x) for x in listeners])

    def target_group(self, v: _Vpc, tg: aws.TargetGroup) -> _Line:
        """``target-group``: its protocol and port, and the targets describe-target-health
        lists (instances by name, addresses, an ALB by name); their health is a comment,
        the simulator decides reachability itself."""
        name = v.names[tg.arn]
        stems = [k for k in self.inv.targets if k != tg.arn and tg.name in k]
        listed = self.inv.targets.get(tg.arn) or (
            self.inv.targets[max(stems, key=len)] if stems else []
        )
        found: dict[str, tuple[st.Ref | st.Tok, str]] = {}  # by the text written, sorted
        for t in listed:
            target: st.Ref | st.Tok
            if tg.target_type in ("instance", "alb") and t.id in v.names:
                target = _ref(v.names[t.id])
            elif tg.target_type == "ip" and (ip := address4(t.id)) is not None:
                target = _tok(str(ip), "IPV4")
            else:
                self.warn(
                    f"target {quoted(t.id)} of target group '{name}' is not in the import: left out"
                )
                continue
            found.setdefault(str(target), (target, t.health))
        targets = [found[k][0] for k in sorted(found)]
        # An IaC import knows no health: its targets have none to tell.
        health = [f"{k} {found[k][1]}" for k in sorted(found) if found[k][1]]
        protocol = tg.protocol if tg.protocol in LISTENER_PROTOCOLS else "tcp"
        decl = st.TargetGroupDecl(
            _tok(name), _tok(protocol), _tok(str(tg.port or 1), "PORT"), tuple(targets), NO_SPAN
        )
        comment = tg.arn + (f" (health: {', '.join(health)})" if health else "")
        return _Line(decl, comment)

    # -- transit gateways --------------------------------------------------------------------------

    # -- traffic observation (LANGUAGE.md §10) ----------------------------------------------

    def instance_vpc(self, eni: str) -> tuple[_Vpc, str] | None:
        """The imported VPC and the name of the instance a network interface belongs to."""
        owner = self.eni_owner.get(eni)
        for v in self.vpcs.values():
            if owner is not None and any(i.id == owner for i in v.instances):
                return v, v.names[owner]
        return None

    def traffic_observation(self) -> dict[str, list[_Line]]:
        """Each VPC's ``flow-log`` and ``traffic-mirror`` lines, by VPC id; what the
        language cannot hold is a warning."""
        found: dict[str, list[_Line]] = {}
        logs = [self.flow_log(f) for f in sorted(self.inv.flow_logs.values(), key=lambda f: f.id)]
        kept = [x for x in logs if x is not None]
        for vpc_id, line in kept:
            found.setdefault(vpc_id, []).append(line)
        if kept:
            self.warn(
                f"{len(kept)} flow log(s) imported without a volume: write 'volume N' on each"
                " for its monthly cost"
            )
        sessions = sorted(self.inv.mirror_sessions.values(), key=lambda x: (x.eni, x.number, x.id))
        for session in sessions:
            placed = self.mirror_session(session)
            if placed is not None:
                found.setdefault(placed[0], []).append(placed[1])
        return found

    def flow_log(self, log: aws.FlowLog) -> tuple[str, _Line] | None:
        """``flow-log RESOURCE to s3|cloudwatch`` for an active log of an imported VPC, one
        of its subnets or an instance's network interface."""
        where = {"cloud-watch-logs": "cloudwatch", "s3": "s3"}.get(log.destination)
        if log.status != "ACTIVE" or where is None:
            why = (
                f"is {log.status}"
                if log.status != "ACTIVE"
                else f"publishes to {log.destination}; the language has s3 and cloudwatch"
            )
            self.warn(f"flow log '{log.id}' of '{log.resource}' {why}: not imported")
            return None
        placed: tuple[_Vpc, str] | None = None
        if log.resource in self.vpcs:
            placed = self.vpcs[log.resource], self.vpcs[log.resource].name
        elif (
            v := next(
                (v for v in self.vpcs.values() if any(x.id == log.resource for x in v.subnets)),
                None,
            )
        ) is not None:
            placed = v, v.names[log.resource]
        else:  # an interface (infrastructure as code gives it a key, not an ``eni-`` id)
            placed = self.instance_vpc(log.resource)
        if placed is None:
            self.warn(
                f"flow log '{log.id}' captures '{log.resource}', which is no imported VPC,"
                " subnet or instance's network interface: not imported"
            )
            return None
        if log.traffic_type != "ALL":
            self.warn(
                f"flow log '{log.id}' captures {log.traffic_type} traffic only: the language"
                " writes no traffic type (its written volume is what is priced)"
            )
        v, name = placed
        decl = st.FlowLogDecl(_ref(name), _tok(where, "FLOW_LOG_DESTINATION"), None, NO_SPAN)
        return v.vpc.id, _Line(decl, log.id)

    def mirror_session(self, session: aws.MirrorSession) -> tuple[str, _Line] | None:
        """``traffic-mirror SOURCE to TARGET``: an instance's interface to an instance's
        (``vpc.name`` in another VPC) or to an imported network load balancer."""
        source = self.instance_vpc(session.eni)
        if source is None:
            self.warn(
                f"traffic mirror session '{session.id}' mirrors '{session.eni}', which is no"
                " imported instance's network interface: not imported"
            )
            return None
        v, name = source
        target = self.inv.mirror_targets.get(session.target)
        ref: st.Ref | None = None
        why = f"its target '{session.target}' is not in the dump (ec2 describe-traffic-mirror-targets)"
        if target is not None and target.kind == "network-interface":
            there = self.instance_vpc(target.eni or "")
            if there is not None:
                ref = _ref(there[1], None if there[0] is v else there[0].name)
            why = f"its target '{target.eni}' is no imported instance's network interface"
        elif target is not None and target.kind == "network-load-balancer":
            lb = self.inv.load_balancers.get(target.load_balancer or "")
            lb_vpc = self.vpcs.get(lb.vpc) if lb is not None else None
            if lb is not None and lb_vpc is not None and lb.arn in lb_vpc.names:
                ref = _ref(lb_vpc.names[lb.arn], None if lb_vpc is v else lb_vpc.name)
            why = f"its target '{target.load_balancer}' is no imported network load balancer"
        elif target is not None:
            why = f"its target is a {target.kind}, which the language does not hold"
        if ref is None:
            self.warn(f"traffic mirror session '{session.id}' of '{name}': {why}: not imported")
            return None
        return v.vpc.id, _Line(st.TrafficMirrorDecl(_ref(name), ref, NO_SPAN), session.id)

    def attachment_name(self, att: aws.TgwAttachment) -> str:
        if att.kind == "vpc":
            return self.vpcs[att.resource].name
        return self.names[att.resource]  # a VPN's, or a peering's (named as the peering)

    def tgw(self, tgw: aws.TransitGateway) -> _Line:
        inv = self.inv
        attachments = sorted(
            self.tgw_attachments[tgw.id], key=lambda a: (a.kind, self.attachment_name(a))
        )
        by_id = {a.id: a for a in attachments}
        items: list[_Line] = []
        for att in attachments:
            if att.kind == "direct-connect-gateway":
                continue  # the DX gateway's association is its attachment (dx-gateway)
            if att.kind == "peering":
                continue  # declared by its tgw-peering, file-wide
            if att.kind == "vpn":
                decl = st.AttachDecl("vpn", _ref(self.names[att.resource]), (), NO_SPAN)
                items.append(_Line(decl, att.id if att.id != att.resource else None))
                continue
            v = self.vpcs[att.resource]
            subnets: list[str] = []
            known = inv.tgw_attachment_subnets.get(att.id)
            if known is None:
                self.warn(
                    f"the subnets of transit gateway attachment '{att.id}' (vpc '{v.name}') are not in the dump (describe-transit-gateway-vpc-attachments): the language then takes the first subnet of each zone"
                )
            else:
                azs: set[str] = set()
                for s in sorted(v.subnets, key=lambda s: v.names[s.id]):
                    if s.id in known and s.az not in azs:
                        azs.add(s.az)
                        subnets.append(v.names[s.id])
                absent = sorted(set(known) - {s.id for s in v.subnets})
                if absent:
                    shown = ", ".join(f"'{a}'" for a in absent)
                    outcome = (
                        "left out"
                        if subnets
                        else "the language then takes the first subnet of each zone"
                    )
                    self.warn(
                        f"transit gateway attachment '{att.id}' (vpc '{v.name}') is in subnet {shown}, which is not in the dump: {outcome}"
                    )
            decl = st.AttachDecl("vpc", _ref(v.name), tuple(_ref(s) for s in subnets), NO_SPAN)
            items.append(_Line(decl, att.id))
        tables = sorted(
            (t for t in inv.tgw_route_tables.values() if t.tgw == tgw.id),
            key=lambda t: self.names[t.id],
        )
        associated = self.tgw_associations(tgw, tables, by_id)
        for att in attachments:
            if att.id not in associated and att.id not in inv.described_attachments:
                self.warn(
                    f"transit gateway attachment '{att.id}': which route table it is associated with is not in the dump (describe-transit-gateway-attachments): it is imported associated with none"
                )
        for i, table in enumerate(tables):
            line = self.tgw_table(tgw, table, by_id, associated)
            line.gap = i == 0 and bool(items)
            items.append(line)
        comment = (
            f"{tgw.id}: not in the dump, the far side of a peering"
            if tgw.id in self.placeholder_tgws
            else tgw.id
        )
        return _Line(st.TransitGatewayDecl(_tok(self.names[tgw.id]), (), NO_SPAN), comment, items)

    def tgw_associations(
        self,
        tgw: aws.TransitGateway,
        tables: Sequence[aws.TgwRouteTable],
        by_id: dict[str, aws.TgwAttachment],
    ) -> dict[str, str]:
        """The route table of each attachment: per-table lists first, then the attachments' own.

        AWS associates an attachment with one table. Should the dump list it in several,
        an explicit association (to a table that is not the default one) is taken.
        """
        candidates: dict[str, list[str]] = {}
        for table in tables:
            listed = self.inv.tgw_associations.get(table.id)
            for listed_id in (
                listed
                if listed is not None
                else [a.id for a in by_id.values() if a.association == table.id]
            ):
                att_id = self.peering_alias.get(listed_id, listed_id)
                if att_id in by_id and table.id not in candidates.get(att_id, ()):
                    candidates.setdefault(att_id, []).append(table.id)
        for att in by_id.values():
            if att.id not in candidates and att.association in {t.id for t in tables}:
                candidates[att.id] = [att.association]
        defaults = {t.id for t in tables if t.default} | {tgw.default_association} - {None}
        chosen: dict[str, str] = {}
        for att_id, found in candidates.items():
            att = by_id[att_id]
            explicit = [t for t in found if t not in defaults]
            pick = (
                explicit[0]
                if explicit
                else att.association
                if att.association in found
                else found[0]
            )
            if len(found) > 1:
                self.warn(
                    f"transit gateway attachment '{att_id}' is listed as associated with {len(found)} route tables: '{self.names[pick]}' is used"
                )
            chosen[att_id] = pick
        return chosen

    def tgw_table(
        self,
        tgw: aws.TransitGateway,
        table: aws.TgwRouteTable,
        by_id: dict[str, aws.TgwAttachment],
        associated: dict[str, str],
    ) -> _Line:
        inv = self.inv
        name = self.names[table.id]
        where = f"transit gateway '{self.names[tgw.id]}' route table '{name}'"
        items: list[_Line] = []
        assoc = sorted(
            self.attachment_name(by_id[a]) for a, t in associated.items() if t == table.id
        )
        if assoc:
            items.append(_Line(st.Associate(tuple(_ref(a) for a in assoc), NO_SPAN)))
        routes = inv.tgw_routes.get(table.id)
        props = inv.tgw_propagations.get(table.id)
        if props is None and routes is not None and any(r.kind == "propagated" for r in routes):
            # search-transit-gateway-routes lists propagated routes with their attachments;
            # a list of static routes only (Batfish's TransitGatewayStaticRoutes) tells nothing.
            props = [a for r in routes if r.kind == "propagated" for a in r.attachments]
        if props is None:
            self.warn(
                f"{where}: its propagations are not in the dump (get-transit-gateway-route-table-propagations): none are imported"
            )
            props = []
        for att_id in sorted(set(props) - set(inv.tgw_attachments)):
            self.warn(
                f"{where}: its propagation from transit gateway attachment '{att_id}', which is not in the dump, is not imported"
            )
        for att_id in sorted(
            {a for a in props if (x := self.attachment_of(by_id, a)) and x.kind == "peering"}
        ):
            self.warn(
                f"{where}: its propagation from transit gateway peering '{self.names[self.peering_alias.get(att_id, att_id)]}' is not imported: the language takes static routes over a peering"
            )
        names = sorted(
            {
                self.attachment_name(x)
                for a in props
                if (x := self.attachment_of(by_id, a)) and x.kind != "peering"
            }
        )
        if names:
            items.append(_Line(st.Propagate(tuple(_ref(n) for n in names), NO_SPAN)))
        if routes is None:
            self.warn(
                f"{where}: its static routes are not in the dump (search-transit-gateway-routes): none are imported"
            )
            routes = []
        static: dict[IPNet, st.Ref | None] = {}
        lists: dict[str, st.Ref | None] = {}
        for route in routes:
            if route.kind == "static" and route.prefix_list is not None:
                listed, why = self.list_name(route.prefix_list, tgw.region)
                if listed is None or listed in GATEWAY_ENDPOINT_SERVICES:
                    why = why or "is AWS's (a transit gateway references the account's lists only)"
                    self.warn(
                        f"{where}: route to prefix list '{route.prefix_list}', which {why}: not imported"
                    )
                elif route.state == "blackhole":
                    lists.setdefault(listed, None)
                elif (
                    att := next(
                        (x for a in route.attachments if (x := self.attachment_of(by_id, a))),
                        None,
                    )
                ) is None:
                    self.warn(
                        f"{where}: route to prefix list '{route.prefix_list}' is not imported: its attachment is not imported"
                    )
                else:
                    lists.setdefault(listed, _ref(self.attachment_name(att)))
                continue
            dest = _net(route.destination)
            if route.kind != "static" or dest is None:
                continue
            if route.state == "blackhole":
                static.setdefault(dest, None)
                continue
            attachment = next(
                (x for a in route.attachments if (x := self.attachment_of(by_id, a))), None
            )
            if attachment is None:
                via = ", ".join(route.attachments) or "no attachment"
                self.warn(
                    f"{where}: static route {dest} via {via} is not imported: its attachment is not imported"
                )
                continue
            static.setdefault(dest, _ref(self.attachment_name(attachment)))
        for dest, target in sorted(static.items(), key=lambda kv: _net_key(kv[0])):
            items.append(_Line(st.TgwRouteDecl(_tok(str(dest), "CIDR"), target, NO_SPAN)))
        for list_name, target in sorted(lists.items()):
            items.append(_Line(st.TgwRouteDecl(_tok(list_name), target, NO_SPAN)))
        return _Line(st.TgwRouteTableDecl(_tok(name), (), NO_SPAN), table.id, items)

    # -- VPNs and the sites behind them ------------------------------------------------------------

    def learned(self, vpn: aws.VpnConnection) -> list[IPv4Network]:
        """The prefixes a BGP VPN has taught its gateway, as its route tables show them."""
        vgws = {vpn.vpn_gateway} if vpn.vpn_gateway is not None else set()
        return self.propagated(vgws, lambda a: a.kind == "vpn" and a.resource == vpn.id)

    def propagated(
        self, vgws: set[str], attachment: Callable[[aws.TgwAttachment], bool]
    ) -> list[IPv4Network]:
        """The IPv4 prefixes that VPN gateways ``vgws`` propagate into the VPCs' route
        tables, then those the transit gateway attachments that ``attachment`` picks
        propagate into transit gateway route tables: what a site taught AWS over BGP."""
        found: list[IPv4Network] = []
        for v in self.vpcs.values():
            for table in v.tables:
                for r in table.routes:
                    net = _net(r.destination)
                    if (
                        r.origin == "EnableVgwRoutePropagation"
                        and r.targets.get("GatewayId") in vgws
                        and isinstance(net, IPv4Network)
                    ):
                        found.append(net)
        atts = {a.id for atts in self.tgw_attachments.values() for a in atts if attachment(a)}
        for tgw_routes in self.inv.tgw_routes.values():
            for tr in tgw_routes:
                net = _net(tr.destination)
                if (
                    tr.kind == "propagated"
                    and atts & set(tr.attachments)
                    and isinstance(net, IPv4Network)
                ):
                    found.append(net)
        return found

    def placeholder(self) -> IPv4Network:
        blocks = [c for v in self.vpcs.values() for c in v.cidrs]
        for net in self.placeholders:
            if not any(net.overlaps(b) for b in blocks):
                return net
        raise RuntimeError("no placeholder prefix is left")  # pragma: no cover - 512 of them

    def sites_and_vpns(self) -> tuple[list[_Line], list[_Line]]:
        sites: list[_Line] = []
        vpn_lines: list[_Line] = []
        static_prefixes: dict[str, list[IPv4Network]] = {}
        for cgw in sorted(self.cgws, key=lambda c: self.names[c.id]):
            prefixes: list[IPv4Network] = []
            for vpn in self.vpns:
                if vpn.customer_gateway != cgw.id:
                    continue
                own = [n for r in vpn.routes if isinstance(n := _net(r), IPv4Network)]
                for r in vpn.routes:
                    if isinstance(_net(r), IPv6Network):
                        self.warn(
                            f"vpn '{self.names[vpn.id]}' static route {r} is IPv6: sites are IPv4, not imported"
                        )
                if vpn.static:
                    if not own:
                        own = [self.placeholder()]
                        self.warn(
                            f"vpn '{self.names[vpn.id]}' is static but has no routes: it is given the placeholder prefix {own[0]}, which it carries to nobody"
                        )
                    static_prefixes[vpn.id] = own
                    prefixes += own
                else:
                    prefixes += self.learned(vpn)
            cidrs = list(ipaddress.collapse_addresses(prefixes))
            site = self.names[f"{cgw.id}-site"]
            if not cidrs:
                cidrs = [self.placeholder()]
                self.warn(
                    f"site '{site}' (behind customer gateway '{self.names[cgw.id]}') learns its prefixes over BGP and none are in the dump: it is given the placeholder prefix {cidrs[0]}; write its real prefixes"
                )
            items = [
                _Line(
                    st.CustomerGatewayDecl(
                        _tok(self.names[cgw.id]), _tok(str(cgw.ip), "IPV4"), NO_SPAN
                    ),
                    cgw.id,
                )
            ]
            sites.append(
                _Line(
                    st.SiteDecl(
                        _tok(site), tuple(_tok(str(c), "CIDR4") for c in cidrs), (), NO_SPAN
                    ),
                    f"the network behind {cgw.id}",
                    items,
                )
            )
        for vpn in sorted(self.vpns, key=lambda v: self.names[v.id]):
            gateway = (
                self.names[vpn.transit_gateway]
                if vpn.transit_gateway
                else self.names[vpn.vpn_gateway or ""]
            )
            routing = "static" if vpn.static else "bgp"
            carried = tuple(_tok(str(p), "CIDR4") for p in static_prefixes.get(vpn.id, ()))
            decl = st.VpnDecl(
                _tok(self.names[vpn.id]),
                _ref(gateway),
                _ref(self.names[vpn.customer_gateway]),
                routing,
                carried,
                NO_SPAN,
                (_opt("down"),) if vpn.all_down else (),
            )
            vpn_lines.append(_Line(decl, vpn.id))
        return sites, vpn_lines

    # -- Direct Connect -----------------------------------------------------------------------------

    def dx_learned(self) -> list[IPv4Network]:
        """The prefixes the site behind Direct Connect taught AWS over BGP: the routes the VPN
        gateways its VIFs reach propagate, and those DX gateway attachments propagate into
        transit gateway route tables."""
        vgws = {v.vpn_gateway for v in self.dx_vifs if v.vpn_gateway} | {
            a.gateway
            for v in self.dx_vifs
            if v.dx_gateway
            for a in self.dx_gateways.get(v.dx_gateway, [])
            if a.gateway_type != "transitGateway"
        }
        return self.propagated(vgws, lambda a: a.kind == "direct-connect-gateway")

    def dx_site(self) -> list[_Line]:
        """The site behind the connections: what AWS learnt from it, or a placeholder."""
        site = self.names[DX_SITE]
        learned = self.dx_learned()
        cidrs = list(ipaddress.collapse_addresses(learned))
        conns = ", ".join(sorted(self.names[c.id] for c in self.dx_connections))
        if cidrs:
            self.warn(
                f"site '{site}' stands for the network behind Direct Connect connections {conns}: AWS's data does not name it; it is given the prefixes AWS learnt over BGP ({', '.join(map(str, cidrs))}); complete it (hosts, its other prefixes) in a file of your own"
            )
        else:
            cidrs = [self.placeholder()]
            self.warn(
                f"site '{site}' stands for the network behind Direct Connect connections {conns}: AWS's data does not name it and no prefix learnt from it is in the dump: it is given the placeholder prefix {cidrs[0]}; write its real prefixes"
            )
        return [
            _Line(
                st.SiteDecl(_tok(site), tuple(_tok(str(c), "CIDR4") for c in cidrs), (), NO_SPAN),
                "the network behind Direct Connect",
            )
        ]

    def direct_connect(self) -> tuple[list[_Line], list[_Line]]:
        """The site behind the Direct Connect connections, and the connections, DX gateways
        and virtual interfaces. AWS's data does not say which network is behind a
        connection: the site holds what AWS learnt from it, or a placeholder."""
        site_lines = self.dx_site() if self.dx_connections else []
        site = self.names.get(DX_SITE, "")
        lines: list[_Line] = []
        for conn in sorted(self.dx_connections, key=lambda c: self.names[c.id]):
            speed, _hosted = self.dx_speed(conn)
            options: list[st.Option] = []
            if conn.device:
                try:
                    options.append(_opt("on", _tok(conn.device)))
                except UnsafeValue:
                    self.warn(
                        f"Direct Connect connection '{conn.id}' device {quoted(conn.device)} is not a name: left out"
                    )
            if conn.state.lower() == "down":
                options.append(_opt("down"))
            decl = st.DxConnectionDecl(
                _tok(self.names[conn.id]),
                _tok(string(conn.location or "unknown"), "STRING"),
                _tok(speed, "DX_SPEED"),
                _ref(site),
                NO_SPAN,
                tuple(options),
            )
            lines.append(_Line(decl, conn.id))  # left out at layout when it repeats the name
        transit_dxgws: set[str] = set()
        for gid in sorted(self.dx_gateways, key=lambda g: self.names[g]):
            items: list[_Line] = []
            for assoc in self.dx_gateways[gid]:
                allowed = [n for c in assoc.allowed if isinstance(n := _net(c), IPv4Network)]
                if assoc.gateway_type == "transitGateway":
                    transit_dxgws.add(gid)
                    if not allowed:
                        self.warn(
                            f"DX gateway association '{assoc.id}' with transit gateway '{assoc.gateway}' has no allowed prefixes in the dump: not imported"
                        )
                        continue
                ref = _ref(self.names[assoc.gateway])
                toks = tuple(_tok(str(n), "CIDR4") for n in allowed)
                items.append(_Line(st.DxAssociateDecl((ref,), toks, NO_SPAN), assoc.id))
            decl_gw = st.DxGatewayDecl(_tok(self.names[gid]), (), NO_SPAN)
            lines.append(_Line(decl_gw, gid, items))
        for vif in sorted(self.dx_vifs, key=lambda v: self.names[v.id]):
            target = self.names[vif.dx_gateway or vif.vpn_gateway or ""]
            to_transit = vif.dx_gateway in transit_dxgws
            if (
                vif.dx_gateway is not None
                and self.dx_gateways[vif.dx_gateway]
                and (to_transit != (vif.kind == "transit"))
            ):
                self.warn(
                    f"virtual interface '{vif.id}' is {vif.kind} but DX gateway '{vif.dx_gateway}' is associated with {'transit' if to_transit else 'vpn'} gateways: not imported"
                )
                continue
            decl_vif = st.VifDecl(
                _tok(self.names[vif.id]),
                _tok(vif.kind, "VIF_KIND"),
                _ref(self.names[vif.connection or ""]),
                _ref(target),
                NO_SPAN,
            )
            lines.append(_Line(decl_vif, vif.id))
        if lines:
            lines[0].gap = True
        return site_lines, lines

    # -- DNS: resolver endpoints, private hosted zones, resolver rules -------------------------

    def select_resolvers(self, orphans: dict[str, list[str]]) -> None:
        """The resolver endpoints of the VPCs imported, with their addresses in the subnets
        imported: from list-resolver-endpoint-ip-addresses, else from the endpoint's network
        interfaces (describe-network-interfaces)."""
        inv = self.inv
        for ep in sorted(inv.resolver_endpoints.values(), key=lambda e: e.id):
            if ep.vpc not in self.vpcs:
                orphans.setdefault(ep.vpc, []).append(ep.id)
                continue
            v = self.vpcs[ep.vpc]
            label = f"resolver endpoint {quoted(ep.name or ep.id)} ({ep.id}) of vpc '{v.vpc.id}'"
            if ep.direction not in ("inbound", "outbound"):
                self.warn(f"{label} has no direction INBOUND or OUTBOUND: not imported")
                continue
            listed = inv.resolver_addresses.get(ep.id)
            if listed is None:
                prefix = f"{RESOLVER_INTERFACE}{ep.id}:"
                listed = [
                    aws.ResolverAddress(e.subnet, e.ip)
                    for e in sorted(inv.interfaces.values(), key=lambda e: e.id)
                    if e.description.startswith(prefix) and e.subnet is not None
                ]
            live = [a for a in listed if a.status not in GONE_RESOLVER_ADDRESS]
            subnets = {s.id for s in v.subnets}
            kept = [a for a in live if a.subnet in subnets]
            if not kept:
                self.warn(
                    f"{label} has no address in a subnet of the dump (route53resolver list-resolver-endpoint-ip-addresses, or its network interfaces): not imported"
                )
                continue
            if len(kept) < len(live):
                gone = sorted({a.subnet for a in live if a.subnet not in subnets})
                self.warn(
                    f"{label} has addresses in subnet {', '.join(map(quoted, gone))}, which is not in the dump: they are left out"
                )
            v.resolvers.append(ep)
            self.resolver_ips[ep.id] = kept

    def endpoint_groups(self, v: _Vpc, groups: Iterable[str], what: str) -> tuple[st.Ref, ...]:
        """An endpoint's ``sg``: its groups by name (none for the implicit default group);
        a group not in the dump is left out, with a warning."""
        missing = [g for g in groups if g not in v.names]
        if missing:
            self.warn(
                f"{what}: security group {', '.join(map(quoted, missing))} is not in the dump: left out"
            )
        found = sorted((g for g in groups if g in v.names), key=lambda g: v.names[g])
        if found == [v.default_group] and v.default_group_implicit:
            found = []
        return tuple(_ref(v.names[g]) for g in found)

    def resolver_endpoint(self, v: _Vpc, ep: aws.ResolverEndpoint) -> _Line:
        """``resolver-endpoint NAME inbound|outbound in SUBNET… ips ADDR… sg …``: one address
        per network interface, in subnet order (two may share a subnet, as AWS allows)."""
        name = v.names[ep.id]
        order = {s.id: _net_key(_net(s.cidr) or IPv4Network("0.0.0.0/0")) for s in v.subnets}
        addresses = sorted(
            self.resolver_ips[ep.id],
            key=lambda a: (order[a.subnet], int(ip) if (ip := address4(a.ip)) else 0),
        )
        found: list[str] = []
        for a in addresses:
            ip = self.subnet_address(v, a.subnet, a.ip)
            if ip is None:
                v.held.difference_update(found)
                self.warn(
                    f"resolver endpoint '{name}' of vpc '{v.name}': its address {quoted(a.ip)} in subnet '{v.names[a.subnet]}' is not a usable one of the subnet: its addresses are left out (the language allocates them)"
                )
                found = []
                break
            found.append(ip)
        what = f"resolver endpoint '{name}' of vpc '{v.name}'"
        decl = st.EndpointDecl(
            _tok(name),
            "interface",
            _tok("route53resolver"),
            tuple(_ref(v.names[a.subnet]) for a in addresses),
            self.endpoint_groups(v, ep.groups, what),
            NO_SPAN,
            _opt("ips", *(_tok(ip, "IPV4") for ip in found)) if found else None,
            ep.direction,
        )
        return _Line(decl, ep.id)

    def _associated_vpcs(self, label: str, listed: list[str]) -> list[str]:
        """The names of the dump's VPCs among ``listed`` (a zone's or a rule's associations),
        with a warning for each association to a VPC not in the dump, and for none at all."""
        vpcs = sorted({self.vpcs[x].name for x in listed if x in self.vpcs})
        missing = [x for x in listed if x not in self.vpcs]
        if missing:
            self.warn(
                f"{label} is associated with vpc {', '.join(map(quoted, missing))}, which is not in the dump: that association is not imported"
            )
        if not vpcs:
            self.warn(f"{label} is associated with no VPC of the dump: not imported")
        return vpcs

    def zones(self) -> list[_Line]:
        """The private hosted zones associated with VPCs of the dump, by name; a public zone
        is counted among what is not imported (the reader did)."""
        inv = self.inv
        lines: list[_Line] = []
        written: dict[str, str] = {}  # zone name -> the id of the one imported
        skipped: dict[str, list[str]] = {}  # why a record is left out -> the names
        unknown_attributes: set[str] = set()
        for hz in sorted(
            (z for z in inv.hosted_zones.values() if z.private), key=lambda z: (z.name, z.id)
        ):
            label = f"private hosted zone {quoted(hz.name)} ({hz.id})"
            if not _DOMAIN.fullmatch(hz.name):
                self.warn(f"{label} is not named with a plain domain name: not imported")
                continue
            listed = inv.zone_vpcs.get(hz.id)
            if listed is None:
                self.warn(
                    f"{label}: its VPC associations are not in the dump (route53 get-hosted-zone --id {hz.id}): not imported"
                )
                continue
            vpcs = self._associated_vpcs(label, listed)
            if not vpcs:
                continue
            if hz.name in written:
                self.warn(
                    f"{label} has the name of zone '{written[hz.name]}', which is imported: the language holds one zone of a name, so it is not imported"
                )
                continue
            written[hz.name] = hz.id
            for x in listed:
                attributes = inv.vpc_attributes.get(x, {})
                if x in self.vpcs and "enableDnsHostnames" not in attributes:
                    unknown_attributes.add(self.vpcs[x].name)
            if hz.id not in inv.records:
                self.warn(
                    f"{label}: its records are not in the dump (route53 list-resource-record-sets --hosted-zone-id {hz.id}): it is imported without them"
                )
            records = self.records(hz, inv.records.get(hz.id, []), skipped)
            decl = st.ZoneDecl(_tok(hz.name, "DOMAIN"), tuple(_ref(n) for n in vpcs), (), NO_SPAN)
            lines.append(_Line(decl, hz.id, records))
        if lines:
            lines[0].gap = True
        for why, listed_names in sorted(skipped.items()):
            names = sorted(set(listed_names))
            shown = ", ".join(quoted(n) for n in names[: aws.MAX_LISTED])
            more = f" and {len(names) - aws.MAX_LISTED} more" if len(names) > aws.MAX_LISTED else ""
            count = f"{len(listed_names)} record{'s' * (len(listed_names) > 1)}"
            self.warn(
                f"{count} {why} {'are' if len(listed_names) > 1 else 'is'} not imported: {shown}{more}"
            )
        for name in sorted(unknown_attributes):
            self.warn(
                f"vpc '{name}' is associated with a private hosted zone, but its enableDnsHostnames (ec2 describe-vpc-attribute) is not in the dump: the language assumes it on"
            )
        return lines

    def records(
        self, zone: aws.HostedZone, records: list[aws.RecordSet], skipped: dict[str, list[str]]
    ) -> list[_Line]:
        """A zone's A, AAAA, CNAME and alias records, by name (an AAAA record beside the A
        one of its name); the others are counted in ``skipped`` (one warning per reason)."""
        found: dict[tuple[str, str], _Line] = {}
        for rec in sorted(records, key=lambda r: (r.name, r.kind, r.set_identifier or "")):
            apex = rec.name == zone.name
            if apex and rec.kind in APEX_KINDS:
                continue  # the zone's own SOA and NS
            if rec.kind not in RECORD_KINDS:
                skipped.setdefault(
                    f"of type {rec.kind} (the language has A, AAAA, CNAME and alias records)", []
                ).append(rec.name)
                continue
            if rec.set_identifier is not None:
                skipped.setdefault(
                    "with a routing policy (weighted, latency, failover, geolocation, multivalue)",
                    [],
                ).append(rec.name)
                continue
            if apex:
                skipped.setdefault(
                    "at a zone's apex (a record's name is relative to its zone)", []
                ).append(rec.name)
                continue
            if not rec.name.endswith("." + zone.name):
                continue  # not of this zone: Route 53 never lists one
            name = _dns_word(rec.name[: -len(zone.name) - 1])
            key = (rec.name, "AAAA" if rec.kind == "AAAA" else "A")
            if name is None or key in found:
                skipped.setdefault(
                    "named with characters the language cannot write (a wildcard, an escape)", []
                ).append(rec.name)
                continue
            values = self.record_values(zone, rec, skipped)
            if values is None:
                continue
            kind, words = values
            found[key] = _Line(st.RecordDecl(name, kind, words, NO_SPAN))
        return [found[n] for n in sorted(found)]

    def record_values(
        self, zone: aws.HostedZone, rec: aws.RecordSet, skipped: dict[str, list[str]]
    ) -> tuple[str, tuple[st.Tok | st.Ref, ...]] | None:
        """A record's kind and values as written, or ``None`` (counted in ``skipped``)."""
        if rec.alias is not None and rec.kind == "AAAA":
            # The language's ALIAS is an alias A record: the endpoint's IPv4 addresses.
            why = "of type AAAA with an alias target (the language's ALIAS is an alias A record)"
            skipped.setdefault(why, []).append(rec.name)
            return None
        if rec.alias is not None:
            target = self.alias_target(rec.alias) if rec.kind == "A" else None
            if target is None:
                skipped.setdefault(
                    "that alias a target other than an interface endpoint of the dump (regional name)",
                    [],
                ).append(rec.name)
                return None
            return "ALIAS", (target,)
        if rec.kind == "CNAME":
            target_name = (
                _dns_word(rec.values[0].lower().rstrip(".")) if len(rec.values) == 1 else None
            )
            if target_name is None:
                skipped.setdefault(
                    "of type CNAME whose target the language cannot write", []
                ).append(rec.name)
                return None
            return "CNAME", (target_name,)
        if rec.kind == "AAAA":
            six = sorted({a for v in rec.values if isinstance(a := address(v), IPv6Address)})
            if not six:
                skipped.setdefault("of type AAAA without an IPv6 address", []).append(rec.name)
                return None
            return "AAAA", tuple(_tok(str(a), "IPV6") for a in six)
        addresses = sorted({a for v in rec.values if (a := address4(v))})
        if not addresses:
            skipped.setdefault("of type A without an IPv4 address", []).append(rec.name)
            return None
        return "A", tuple(_tok(str(a), "IPV4") for a in addresses)

    def alias_target(self, dns_name: str) -> st.Ref | None:
        """The interface endpoint whose regional DNS name an alias names
        (``vpce-ID-SUFFIX.SERVICE.REGION.vpce.amazonaws.com``); a zonal name (``-AZ``
        after the suffix) answers with one zone's addresses, which an ALIAS cannot say."""
        match = _VPCE_NAME.fullmatch(dns_name)
        if match is not None and match.group(3):
            return None
        # An IaC import names the endpoint itself (its DNS name is AWS's to give).
        wanted = match.group(1) if match is not None else dns_name
        for v in self.vpcs.values():
            for ep in v.endpoints:
                if ep.id.lower() == wanted and ep.id in self.interface_endpoints:
                    return self.endpoint_ref(v, v.names[ep.id])
        return None

    def endpoint_ref(self, v: _Vpc, name: str) -> st.Ref:
        """An endpoint by its name, with its VPC's when another VPC has one of that name."""
        others = [
            o
            for o in self.vpcs.values()
            if o is not v
            and any(
                o.names.get(e) == name
                for e in [*(x.id for x in o.endpoints), *(r.id for r in o.resolvers)]
            )
        ]
        return _ref(name, v.name) if others else _ref(name)

    def resolver_rules(self) -> list[_Line]:
        """The forwarding rules associated with VPCs of the dump, through an imported
        outbound endpoint. Route 53 Resolver's own rules (the internet resolver, reverse
        lookups) say what netdraft assumes; a system rule of the account under a forwarded
        domain cannot be written (a warning)."""
        inv = self.inv
        outbound = {
            r.id: (v, v.names[r.id])
            for v in self.vpcs.values()
            for r in v.resolvers
            if r.direction == "outbound"
        }
        rules = sorted(inv.resolver_rules.values(), key=lambda r: r.id)
        names = allocate(
            [(r.id, r.name) for r in rules if r.kind == "FORWARD"], set(self.names.values())
        )
        lines: list[_Line] = []
        forwarded: list[tuple[str, str, set[str]]] = []  # name, domain, VPCs
        for rule in rules:
            if rule.kind != "FORWARD":
                continue
            label = f"resolver rule {quoted(rule.name or rule.id)} ({rule.id})"
            domain = _dns_word(rule.domain) if rule.domain else None
            if domain is None:
                what = "every name ('.')" if not rule.domain else quoted(rule.domain)
                self.warn(
                    f"{label} forwards {what}, which the language's rules cannot name: not imported"
                )
                continue
            if rule.endpoint not in outbound:
                self.warn(
                    f"{label} forwards through endpoint {quoted(rule.endpoint or '?')}, which is not an imported outbound resolver endpoint: not imported"
                )
                continue
            listed = inv.rule_vpcs.get(rule.id)
            if listed is None:
                self.warn(
                    f"{label}: its VPC associations are not in the dump (route53resolver list-resolver-rule-associations): not imported"
                )
                continue
            vpcs = self._associated_vpcs(label, listed)
            if not vpcs:
                continue
            targets: list[str] = []
            for t in rule.targets:
                ip = address4(t.ip)
                if ip is None:
                    self.warn(
                        f"{label}: target {quoted(t.ip or t.ipv6 or '?')} is not an IPv4 address: left out"
                    )
                    continue
                if t.port not in (None, 53):
                    self.warn(
                        f"{label}: target {ip} listens on port {t.port}; netdraft sends DNS queries to port 53"
                    )
                if str(ip) not in targets:
                    targets.append(str(ip))
            if not targets:
                self.warn(f"{label} has no IPv4 target: not imported")
                continue
            # Resolver promises no order among the targets: written in address order.
            targets.sort(key=lambda t: int(ipaddress.IPv4Address(t)))
            v, endpoint = outbound[rule.endpoint]
            decl = st.ResolverRuleDecl(
                _tok(names[rule.id]),
                domain,
                tuple(_tok(t, "IPV4") for t in targets),
                self.endpoint_ref(v, endpoint),
                tuple(_ref(n) for n in vpcs),
                NO_SPAN,
            )
            lines.append(_Line(decl, rule.id))
            forwarded.append((names[rule.id], rule.domain, set(vpcs)))
        for rule in rules:
            if rule.kind != "SYSTEM" or rule.owner == AUTODEFINED_OWNER:
                continue  # RECURSIVE: the internet resolver (public DNS is not modelled)
            assoc = {self.vpcs[x].name for x in inv.rule_vpcs.get(rule.id, []) if x in self.vpcs}
            under = [
                n
                for n, d, where in forwarded
                if (rule.domain == d or rule.domain.endswith("." + d)) and where & assoc
            ]
            if under:
                self.warn(
                    f"system rule {quoted(rule.name or rule.id)} ({rule.id}) for {quoted(rule.domain)} is not imported: the language has no system rules, so its names are forwarded by rule '{under[0]}'"
                )
        lines.sort(key=lambda line: line.node.name.text)
        if lines:
            lines[0].gap = True
        return lines

    # -- what has no statement ----------------------------------------------------------------------

    def unowned_interfaces(self) -> list[aws.NetworkInterface]:
        """The network interfaces of the VPCs that no imported statement holds, by id: those
        of services the language has no statement for (RDS, Lambda, EFS, a load balancer
        that is not imported…)."""
        handled = {
            e
            for v in self.vpcs.values()
            for e in (
                *(x for n in v.nats for x in n.enis),
                *(x for p in v.endpoints for x in p.enis),
            )
        }
        skipped_endpoints = {e for ep in self.inv.endpoints.values() for e in ep.enis}
        # The nodes of an imported load balancer (``ELB app/NAME/ID``) are its statement's.
        balancers = {
            "ELB " + b.arn.partition(":loadbalancer/")[2]
            for v in self.vpcs.values()
            for b in v.load_balancers
        }
        # A resolver endpoint's interfaces: ``Route 53 Resolver: rslvr-in-…:rni-…``.
        resolvers = tuple(
            f"{RESOLVER_INTERFACE}{r.id}:" for v in self.vpcs.values() for r in v.resolvers
        )
        return [
            eni
            for eni in sorted(self.inv.interfaces.values(), key=lambda e: e.id)
            if eni.vpc in self.vpcs
            and not eni.description.startswith(resolvers)
            and eni.id not in handled
            and eni.id not in skipped_endpoints
            and eni.instance is None
            and eni.id not in self.eni_owner
            and eni.description not in balancers
            and eni.kind not in UNOWNED_KINDS
        ]

    def interface_instances(self, subnet_vpc: dict[str, _Vpc]) -> None:
        """Import each in-use interface of a service the language has no statement for (an
        RDS database, a Lambda function, an EFS mount target…) as an instance with its
        address and security groups: in AWS its address answers, filtered by those groups,
        and is not free. A load balancer's nodes are not: they forward, they do not answer."""
        for eni in self.unowned_interfaces():
            kind, _key, label = _interface_kind(eni)
            if "load balancer" in kind or eni.subnet not in subnet_vpc or eni.ip is None:
                continue
            if (
                kind == "network interface"
                and eni.status == "available"
                and not eni.requester_managed
            ):
                continue  # detached and of no service: nothing answers at its address
            inst = self.checked_instance(
                aws.Instance(
                    eni.id,
                    eni.vpc,
                    eni.subnet,
                    eni.name or (label if label != eni.id else None),
                    "running",
                    eni.ip,
                    eni.ipv6,
                    eni.public_ip,
                    eni.groups,
                    True,
                    eni.secondary_ips,
                    (),
                    (eni.id,),
                )
            )
            if inst.ip is None:
                continue
            subnet_vpc[eni.subnet].instances.append(inst)
            self.eni_owner[eni.id] = eni.id
            owner = eni.requester or ("AWS" if eni.requester_managed else None)
            detail = ", ".join(
                x
                for x in (
                    eni.description and quoted(eni.description),
                    owner and f"managed by {owner}",
                )
                if x
            )
            what = kind if kind.endswith("interface") else f"{kind} interface"
            self.interface_kinds[eni.id] = what
            self.interface_comments[eni.id] = f"{eni.id}: {what}{f' ({detail})' if detail else ''}"

    def unrepresented_interfaces(self) -> None:
        """Warn about network interfaces of things the language has no statement for (those
        imported as instances are not among them)."""
        for eni in self.unowned_interfaces():
            kind, key, label = _interface_kind(eni)
            where = f"{quoted(label)} in vpc '{self.vpcs[eni.vpc or ''].name}'"
            # A load balancer listed by its describe call keeps that entry (its key is the
            # same app/NAME/ID part of its ARN).
            aws.note_unimported(
                self.unimported, kind, f"{kind}s", "ec2 describe-network-interfaces", key, where
            )

    def unimported_warnings(self) -> None:
        """One warning per kind of resource the language cannot hold yet, in name order."""
        for entry in sorted(self.unimported.values(), key=lambda e: e.plural.lower()):
            self.warn(entry.message())


#: Interface types whose owner has its own statement (or its own warning).
UNOWNED_KINDS = frozenset(
    ("nat_gateway", "vpc_endpoint", "transit_gateway", "gateway_load_balancer_endpoint")
)


def _interface_kind(eni: aws.NetworkInterface) -> tuple[str, str, str]:
    """The kind of what owns an interface, what tells it apart, and its label."""
    desc = eni.description
    if desc.startswith("ELB "):
        parts = desc[4:].split("/")  # app/NAME/ID or net/NAME/ID; a classic one: NAME
        if len(parts) == 3:
            return "load balancer", desc[4:], parts[1]
        return "classic load balancer", desc[4:], desc[4:]
    if eni.kind in ("network_load_balancer", "gateway_load_balancer"):
        return "load balancer", eni.id, desc or eni.id
    if eni.kind == "lambda" or desc.startswith("AWS Lambda VPC ENI"):
        name = desc.removeprefix("AWS Lambda VPC ENI-").strip() or eni.id
        return "Lambda function", name, name
    if eni.requester == "amazon-rds" or desc == "RDSNetworkInterface":
        return "RDS database interface", eni.id, eni.id
    if eni.kind == "efs" or desc.startswith("EFS mount target"):
        name = desc.removeprefix("EFS mount target for ").split(" ")[0] or eni.id
        return "EFS mount target", name, name
    label = f"{eni.id}{f' ({desc})' if desc else ''}"
    return "network interface", eni.id, label


def _elsewhere(vpc: str | None, v: _Vpc) -> str | None:
    """Why a target of the dump is not one of this VPC's: it is in another VPC (or none)."""
    if vpc is None or vpc == v.vpc.id:
        return None
    return f"is in vpc '{vpc}', not in this one"


def _tunnels_down(vpn: aws.VpnConnection) -> str:
    """Which of a VPN's tunnels its telemetry shows DOWN: ``both tunnels are down`` only
    when both of two are."""
    down = vpn.down_tunnels
    if vpn.tunnels == 1:
        return f"its only tunnel in the dump ({down[0]}) is down"
    if len(down) == vpn.tunnels:
        return "both tunnels are down" if len(down) == 2 else f"all {len(down)} tunnels are down"
    if len(down) == 1:
        return f"tunnel {down[0]} is down"
    return f"tunnels {', '.join(down)} are down"


def _target_text(route: aws.Route) -> str:
    return ", ".join(f"{v}" for v in route.targets.values()) or "no target"


def _rule_key(
    rule: tuple[str, str | None, str, str],
) -> tuple[int, str, tuple[int, int, int], str, int, int, int]:
    protocol, port, peer, scope = rule
    net = _net(peer)
    low, _, high = (port or "0").replace("/", "-").partition("-")
    order = ("tcp", "udp", "icmp", "icmpv6", "all").index(protocol)
    where = _net_key(net) if net is not None else (0, 0, 0)
    return (net is None, scope, where, peer, order, int(low), int(high or low))
