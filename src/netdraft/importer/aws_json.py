"""Read the JSON that ``aws ec2 describe-*`` prints into an inventory of plain dataclasses.

Each response is recognised by its top-level key (``Vpcs``, ``Subnets``, ``Reservations``…),
never by its file name, so ``aws ec2 describe-vpcs > anything.json`` works; one file may
also hold several responses' keys. The three per-route-table transit gateway outputs
(``search-transit-gateway-routes``, ``get-transit-gateway-route-table-propagations`` and
``-associations``) do not say which table they describe, so their file name must contain
the table's ``tgw-rtb-…`` id; the live importer instead puts ``Routes``, ``Propagations``
and ``Associations`` inside each entry of ``TransitGatewayRouteTables``. The same holds
for Route 53's ``list-resource-record-sets`` (the zone's ``Z…`` id in the file name) and
Route 53 Resolver's ``list-resolver-endpoint-ip-addresses`` (the endpoint's ``rslvr-…``
id), which the live importer embeds in each zone and endpoint.

:func:`parse` is pure (responses in, inventory out); :func:`read_dir` is the thin layer
that finds the files of a folder, one region per ``[account/]region/`` folder.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from netdraft.files import MAX_JSON_BYTES, confine, read_bytes
from netdraft.importer.shape import Obj, each_ident, each_string, kind_of
from netdraft.importer.terminals import ACCOUNT, REGION, one_line, quoted

__all__ = [
    "ACCOUNT",
    "REGION",
    "Dump",
    "DumpError",
    "Inventory",
    "check_region",
    "parse",
    "read_dir",
]

#: A transit gateway route table id in a file name, matched whole: ``tgw-rtb-dx01`` is
#: ``tgw-rtb-dx01`` (Batfish's test snapshots use such ids), never ``tgw-rtb-d``.
TGW_ROUTE_TABLE_ID = re.compile(r"(?<![A-Za-z0-9])tgw-rtb-[A-Za-z0-9]+(?![A-Za-z0-9])")
#: A prefix list id in a file name (``get-managed-prefix-list-entries`` does not say which
#: list it describes), matched whole as the table ids are.
IPAM_POOL_ID = re.compile(r"(?<![A-Za-z0-9])ipam-pool-[0-9a-f]+(?![A-Za-z0-9])")
PREFIX_LIST_ID = re.compile(r"(?<![A-Za-z0-9])pl-[A-Za-z0-9]+(?![A-Za-z0-9])")

#: A Route 53 hosted zone id in a file name (``list-resource-record-sets`` does not say
#: which zone it lists), matched whole.
HOSTED_ZONE_ID = re.compile(r"(?<![A-Za-z0-9])Z[A-Z0-9]+(?![A-Za-z0-9])")
#: A hosted zone id as a response holds it (AWS's begin with ``Z``; moto's need not).
ZONE_ID = re.compile(r"[A-Z0-9]{1,64}")
#: A Route 53 Resolver endpoint id in a file name (``list-resolver-endpoint-ip-addresses``).
RESOLVER_ENDPOINT_ID = re.compile(r"(?<![A-Za-z0-9])rslvr-(?:in|out)-[A-Za-z0-9]+(?![A-Za-z0-9])")

Json = Mapping[str, Any]


class DumpError(Exception):
    """The dump cannot be read: no folder, no JSON files, a file that is not a regular file,
    too large, not UTF-8 or not a JSON object, or a region that is no region name."""


# ---- the inventory ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Vpc:
    id: str
    region: str
    name: str | None
    cidrs: tuple[str, ...]  # primary first
    ipv6: tuple[str, ...]
    dhcp_options: str | None
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class Subnet:
    id: str
    vpc: str
    name: str | None
    cidr: str | None
    az: str
    ipv6: tuple[str, ...]
    public_ip_on_launch: bool


@dataclass(frozen=True, slots=True)
class Route:
    destination: str | None  # an IPv4 or IPv6 CIDR
    prefix_list: str | None
    targets: Mapping[str, str]  # AWS field name (GatewayId, NatGatewayId…) -> id
    state: str
    origin: str


@dataclass(frozen=True, slots=True)
class RouteTable:
    id: str
    vpc: str
    name: str | None
    routes: tuple[Route, ...]
    subnets: tuple[str, ...]
    main: bool
    edge_gateways: tuple[str, ...]  # gateway (edge) associations
    propagating_vgws: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GroupRef:
    group: str
    vpc: str | None
    account: str | None
    peering_status: str | None


@dataclass(frozen=True, slots=True)
class Permission:
    """One entry of ``IpPermissions`` or ``IpPermissionsEgress``."""

    protocol: str
    from_port: int | None
    to_port: int | None
    cidrs: tuple[str, ...]
    ipv6: tuple[str, ...]
    groups: tuple[GroupRef, ...]
    prefix_lists: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SecurityGroup:
    id: str
    vpc: str
    name: str | None
    group_name: str
    ingress: tuple[Permission, ...]
    egress: tuple[Permission, ...]


@dataclass(frozen=True, slots=True)
class AclEntry:
    number: int
    egress: bool
    action: str
    protocol: str
    cidr: str | None
    port_from: int | None
    port_to: int | None
    icmp_type: int | None
    icmp_code: int | None = None


@dataclass(frozen=True, slots=True)
class NetworkAcl:
    id: str
    vpc: str
    name: str | None
    default: bool
    entries: tuple[AclEntry, ...]
    subnets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Instance:
    id: str
    vpc: str | None
    subnet: str | None
    name: str | None
    state: str
    ip: str | None
    ipv6: tuple[str, ...]
    public_ip: str | None
    groups: tuple[str, ...]
    source_dest_check: bool
    secondary_ips: tuple[str, ...]
    secondary_enis: tuple[str, ...]
    enis: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NatGateway:
    id: str
    vpc: str
    subnet: str
    name: str | None
    state: str
    private: bool
    public_ips: tuple[str, ...]
    enis: tuple[str, ...]
    private_ip: str | None = None  # the primary address's PrivateIp


@dataclass(frozen=True, slots=True)
class Gateway:
    """An internet, egress-only internet or VPN gateway and the VPCs it is attached to."""

    id: str
    name: str | None
    vpcs: tuple[str, ...]
    state: str = "available"


@dataclass(frozen=True, slots=True)
class CustomerGateway:
    id: str
    name: str | None
    ip: str | None
    state: str


@dataclass(frozen=True, slots=True)
class VpnConnection:
    id: str
    name: str | None
    state: str
    customer_gateway: str
    vpn_gateway: str | None
    transit_gateway: str | None
    static: bool
    routes: tuple[str, ...]
    tunnels_up: int | None  # None: no telemetry in the dump
    all_down: bool = False  # its telemetry shows every tunnel DOWN
    tunnels: int = 0  # how many tunnels its telemetry lists
    down_tunnels: tuple[str, ...] = ()  # the outside addresses of those DOWN


@dataclass(frozen=True, slots=True)
class DxConnection:
    """A Direct Connect connection (``describe-connections``)."""

    id: str
    name: str | None
    location: str | None
    bandwidth: str | None
    state: str
    device: str | None  # awsDeviceV2 (or awsDevice): the AWS device it ends on


@dataclass(frozen=True, slots=True)
class DxGateway:
    id: str
    name: str | None
    state: str


@dataclass(frozen=True, slots=True)
class DxAssociation:
    """A DX gateway's association with a VPN gateway or a transit gateway."""

    id: str
    dx_gateway: str
    gateway: str
    gateway_type: str  # virtualPrivateGateway | transitGateway
    allowed: tuple[str, ...]
    state: str


@dataclass(frozen=True, slots=True)
class DxVif:
    """A Direct Connect virtual interface (``describe-virtual-interfaces``)."""

    id: str
    name: str | None
    kind: str  # private | transit | public
    connection: str | None
    vpn_gateway: str | None
    dx_gateway: str | None
    state: str


@dataclass(frozen=True, slots=True)
class Peering:
    id: str
    name: str | None
    requester: str
    accepter: str
    status: str


@dataclass(frozen=True, slots=True)
class TransitGateway:
    id: str
    region: str
    name: str | None
    state: str
    default_association: str | None  # route table id, when default association is on
    default_propagation: str | None


@dataclass(frozen=True, slots=True)
class TgwAttachment:
    id: str
    tgw: str
    name: str | None
    kind: str  # vpc, vpn, direct-connect-gateway, peering, connect…
    resource: str
    state: str
    association: str | None  # the route table it is associated with


@dataclass(frozen=True, slots=True)
class TgwRouteTable:
    id: str
    tgw: str
    name: str | None
    default: bool = False  # the transit gateway's default association table


@dataclass(frozen=True, slots=True)
class TgwRoute:
    table: str
    destination: str  # empty for a prefix list reference
    kind: str  # static | propagated
    state: str  # active | blackhole
    attachments: tuple[str, ...]
    prefix_list: str | None = None  # a prefix list reference: the list's id


@dataclass(frozen=True, slots=True)
class TgwPeering:
    """A transit gateway peering attachment (``describe-transit-gateway-peering-attachments``):
    the requester's and the accepter's transit gateway, each with its region and account."""

    id: str
    name: str | None
    state: str  # pendingAcceptance | available | deleted | …
    requester: str  # transit gateway ids
    requester_region: str | None
    accepter: str
    accepter_region: str | None
    requester_account: str | None = None
    accepter_account: str | None = None
    #: The accepter side's own attachment id, when AWS gives it one of its own.
    accepter_attachment: str | None = None


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: str
    vpc: str
    name: str | None
    kind: str  # Gateway | Interface | GatewayLoadBalancer…
    service: str
    state: str
    route_tables: tuple[str, ...]
    subnets: tuple[str, ...]
    groups: tuple[str, ...]
    private_dns: bool
    enis: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LoadBalancer:
    """An application or network load balancer (elbv2 describe-load-balancers)."""

    arn: str
    name: str
    vpc: str
    kind: str  # application | network | gateway
    scheme: str  # internet-facing | internal
    subnets: tuple[str, ...]  # one per AZ, in the order listed
    eips: tuple[tuple[str, str], ...]  # (subnet, Elastic IP) of an NLB's pinned addresses
    groups: tuple[str, ...]
    state: str


@dataclass(frozen=True, slots=True)
class Listener:
    """A listener (elbv2 describe-listeners) and the target group it forwards to."""

    arn: str
    load_balancer: str  # its ARN
    protocol: str
    port: int | None
    target_group: str | None  # the ARN of the forward action's group (None: another action)


@dataclass(frozen=True, slots=True)
class TargetGroup:
    """A target group (elbv2 describe-target-groups) and, when the dump has it, its targets
    (describe-target-health: ids, addresses or an ALB's ARN, with their health)."""

    arn: str
    name: str
    vpc: str | None
    protocol: str
    port: int | None
    target_type: str  # instance | ip | alb | lambda


@dataclass(frozen=True, slots=True)
class Target:
    id: str  # an instance id, an IP address, or an ALB's ARN
    port: int | None
    health: str  # healthy | unhealthy | unused | draining | …


@dataclass(frozen=True, slots=True)
class IpamPool:
    """An IPv4 pool of VPC IP Address Manager (ec2 describe-ipam-pools)."""

    id: str
    name: str | None


@dataclass(frozen=True, slots=True)
class Accelerator:
    """A Global Accelerator (globalaccelerator list-accelerators) and its static IPv4s."""

    arn: str
    name: str
    ips: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GaListener:
    """An accelerator's listener (globalaccelerator list-listeners)."""

    arn: str  # …:accelerator/ID/listener/ID: its accelerator's ARN is its prefix
    protocol: str  # tcp | udp
    ports: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class GaEndpointGroup:
    """An endpoint group of a listener (globalaccelerator list-endpoint-groups)."""

    arn: str  # …/listener/ID/endpoint-group/ID
    region: str
    endpoints: tuple[tuple[str, int], ...]  # (EndpointId, Weight): an LB ARN, i-…, eipalloc-…


def ga_parent(arn: str, marker: str) -> str:
    """The ARN a Global Accelerator ARN is under (``/listener/`` → its accelerator)."""
    return arn.split(marker, 1)[0]


@dataclass(frozen=True, slots=True)
class Address:
    public_ip: str
    allocation: str | None
    instance: str | None
    eni: str | None


@dataclass(frozen=True, slots=True)
class NetworkInterface:
    id: str
    vpc: str | None
    subnet: str | None
    kind: str  # InterfaceType
    description: str
    requester: str | None
    instance: str | None
    public_allocation: str | None  # the Elastic IP allocation of its public address
    ip: str | None = None  # its primary private address
    groups: tuple[str, ...] = ()  # its security groups (``Groups``)
    requester_managed: bool = False  # created by an AWS service (``RequesterManaged``)
    status: str = "in-use"
    name: str | None = None  # its ``Name`` tag
    public_ip: str | None = None  # the public address associated with it
    secondary_ips: tuple[str, ...] = ()  # its other private addresses
    ipv6: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PrefixList:
    """A managed prefix list (``describe-managed-prefix-lists``, or Batfish's and
    ``describe-prefix-lists``' ``PrefixLists``); its entries are in
    :attr:`Inventory.prefix_list_entries` when the dump has them."""

    id: str
    region: str
    name: str  # PrefixListName (com.amazonaws.REGION.s3 for AWS's)
    aws: bool  # AWS-managed: owned by AWS, or listed with no owner under AWS's name


@dataclass(frozen=True, slots=True)
class DhcpOptions:
    id: str
    domain: str | None
    #: ``domain-name-servers``: ``AmazonProvidedDNS`` or addresses, as listed.
    servers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HostedZone:
    """A Route 53 hosted zone (``list-hosted-zones``, ``get-hosted-zone``); its VPC
    associations and records are in :attr:`Inventory.zone_vpcs` and
    :attr:`Inventory.records` when the dump has them."""

    id: str  # Z… (without ``/hostedzone/``)
    name: str  # lower case, without its final dot
    private: bool


@dataclass(frozen=True, slots=True)
class RecordSet:
    """One resource record set of ``list-resource-record-sets``."""

    name: str  # lower case, without its final dot, as Route 53 escapes it (``\\052`` for ``*``)
    kind: str  # A, CNAME, TXT…
    values: tuple[str, ...]  # ResourceRecords' values
    alias: str | None = None  # AliasTarget.DNSName, without its final dot
    set_identifier: str | None = None  # a routing policy other than simple


@dataclass(frozen=True, slots=True)
class ResolverEndpoint:
    id: str
    vpc: str
    name: str | None
    direction: str  # inbound | outbound
    groups: tuple[str, ...]
    status: str


@dataclass(frozen=True, slots=True)
class ResolverAddress:
    """One address of a resolver endpoint (``list-resolver-endpoint-ip-addresses``)."""

    subnet: str
    ip: str | None
    status: str = "ATTACHED"


@dataclass(frozen=True, slots=True)
class ResolverTarget:
    ip: str | None
    port: int | None
    ipv6: str | None = None


@dataclass(frozen=True, slots=True)
class ResolverRule:
    id: str
    name: str | None
    domain: str  # lower case, without its final dot ('' for the root)
    kind: str  # FORWARD | SYSTEM | RECURSIVE
    targets: tuple[ResolverTarget, ...]
    endpoint: str | None
    owner: str | None
    status: str


@dataclass(frozen=True, slots=True)
class FlowLog:
    """A flow log (``ec2 describe-flow-logs``)."""

    id: str
    resource: str  # a vpc-, subnet-, eni-, tgw- or tgw-attach- id
    destination: str  # LogDestinationType: cloud-watch-logs | s3 | kinesis-data-firehose
    traffic_type: str  # ACCEPT | REJECT | ALL
    status: str  # FlowLogStatus: ACTIVE…


@dataclass(frozen=True, slots=True)
class MirrorSession:
    """A traffic mirror session (``ec2 describe-traffic-mirror-sessions``)."""

    id: str
    eni: str  # the source network interface
    target: str  # a traffic mirror target's id
    number: int  # SessionNumber: its priority among the interface's sessions
    filter: str | None = None


@dataclass(frozen=True, slots=True)
class MirrorTarget:
    """A traffic mirror target (``ec2 describe-traffic-mirror-targets``)."""

    id: str
    kind: str  # network-interface | network-load-balancer | gateway-load-balancer-endpoint
    eni: str | None = None
    load_balancer: str | None = None  # an NLB's ARN
    endpoint: str | None = None  # a Gateway Load Balancer endpoint's id


#: How many labels one count warning lists; the others are counted.
MAX_LISTED = 10


@dataclass
class Unimported:
    """The resources of one kind the language cannot hold yet: one warning lists them all."""

    singular: str
    plural: str
    calls: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)  # what tells them apart -> label

    def message(self) -> str:
        """``3 load balancers (elbv2 describe-load-balancers) are not imported yet: 'a', …``."""
        count = len(self.labels)
        names = sorted(set(self.labels.values()))
        shown = ", ".join(names[:MAX_LISTED])
        more = f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
        what, verb = (self.singular, "is") if count == 1 else (self.plural, "are")
        calls = ", ".join(sorted(self.calls))
        return f"{count} {what} ({calls}) {verb} not imported yet: {shown}{more}"


def note_unimported(
    table: dict[str, Unimported], singular: str, plural: str, call: str, key: str, label: str
) -> None:
    """Add one resource the language cannot hold to the count of its kind (once per ``key``)."""
    entry = table.setdefault(singular, Unimported(singular, plural))
    if key not in entry.labels:
        entry.calls.add(call)
        entry.labels[key] = label


@dataclass
class Inventory:
    """Everything read from the dumps, by id, plus what could not be read."""

    regions: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    vpcs: dict[str, Vpc] = field(default_factory=dict)
    subnets: dict[str, Subnet] = field(default_factory=dict)
    route_tables: dict[str, RouteTable] = field(default_factory=dict)
    internet_gateways: dict[str, Gateway] = field(default_factory=dict)
    egress_only_gateways: dict[str, Gateway] = field(default_factory=dict)
    vpn_gateways: dict[str, Gateway] = field(default_factory=dict)
    nat_gateways: dict[str, NatGateway] = field(default_factory=dict)
    security_groups: dict[str, SecurityGroup] = field(default_factory=dict)
    network_acls: dict[str, NetworkAcl] = field(default_factory=dict)
    instances: dict[str, Instance] = field(default_factory=dict)
    interfaces: dict[str, NetworkInterface] = field(default_factory=dict)
    addresses: dict[str, Address] = field(default_factory=dict)
    peerings: dict[str, Peering] = field(default_factory=dict)
    transit_gateways: dict[str, TransitGateway] = field(default_factory=dict)
    tgw_attachments: dict[str, TgwAttachment] = field(default_factory=dict)
    tgw_attachment_subnets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    tgw_route_tables: dict[str, TgwRouteTable] = field(default_factory=dict)
    #: Per route table, when the dump has them: its routes, propagations and associations.
    tgw_routes: dict[str, list[TgwRoute]] = field(default_factory=dict)
    tgw_propagations: dict[str, list[str]] = field(default_factory=dict)
    tgw_associations: dict[str, list[str]] = field(default_factory=dict)
    customer_gateways: dict[str, CustomerGateway] = field(default_factory=dict)
    vpn_connections: dict[str, VpnConnection] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    load_balancers: dict[str, LoadBalancer] = field(default_factory=dict)  # by ARN
    listeners: dict[str, Listener] = field(default_factory=dict)  # by ARN
    target_groups: dict[str, TargetGroup] = field(default_factory=dict)  # by ARN
    #: A target group's targets, by its ARN (embedded in the group, as the live import
    #: saves them) or by the name of the file of a describe-target-health response.
    targets: dict[str, list[Target]] = field(default_factory=dict)
    cross_zone: set[str] = field(default_factory=set)  # the ARNs of NLBs with it on
    dhcp_options: dict[str, DhcpOptions] = field(default_factory=dict)
    #: The region of every regional resource that needs one (VPCs carry their own).
    region_of: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: What the language cannot hold yet, by kind (its singular name): one warning per kind.
    unimported: dict[str, Unimported] = field(default_factory=dict)
    prefix_lists: dict[str, PrefixList] = field(default_factory=dict)
    #: Per prefix list, when the dump has them: its entries' CIDRs, in the order read.
    prefix_list_entries: dict[str, list[str]] = field(default_factory=dict)
    #: The transit gateway attachments describe-transit-gateway-attachments lists (it alone
    #: says which route table an attachment is associated with).
    described_attachments: set[str] = field(default_factory=set)
    #: What each resource's comment says instead of its id (an IaC import: its address).
    origins: dict[str, str] = field(default_factory=dict)
    #: The file's title, when the source names it (an IaC import); else the accounts'.
    title: str | None = None
    #: Instances AWS gives a public address only at apply (an IaC import), and its kind:
    #: ``public-ip`` or ``elastic-ip``, written without an address.
    public_at_apply: dict[str, str] = field(default_factory=dict)
    #: Direct Connect, by id (LANGUAGE.md §12); an attachment: VIF → DX gateway.
    dx_connections: dict[str, DxConnection] = field(default_factory=dict)
    dx_gateways: dict[str, DxGateway] = field(default_factory=dict)
    dx_associations: dict[str, DxAssociation] = field(default_factory=dict)
    dx_vifs: dict[str, DxVif] = field(default_factory=dict)
    dx_attachments: dict[str, str] = field(default_factory=dict)
    #: Global Accelerators, their listeners and endpoint groups, by ARN.
    accelerators: dict[str, Accelerator] = field(default_factory=dict)
    ga_listeners: dict[str, GaListener] = field(default_factory=dict)
    ga_endpoint_groups: dict[str, GaEndpointGroup] = field(default_factory=dict)
    #: IPAM pools by id; per pool, its provisioned CIDRs and its VPC allocations (VPC id,
    #: CIDR), from get-ipam-pool-cidrs and get-ipam-pool-allocations (file named for it).
    ipam_pools: dict[str, IpamPool] = field(default_factory=dict)
    ipam_cidrs: dict[str, list[str]] = field(default_factory=dict)
    ipam_allocations: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: Route 53: hosted zones by id; the VPCs of each (get-hosted-zone), when known; the
    #: record sets of each (list-resource-record-sets), when known.
    hosted_zones: dict[str, HostedZone] = field(default_factory=dict)
    zone_vpcs: dict[str, list[str]] = field(default_factory=dict)
    records: dict[str, list[RecordSet]] = field(default_factory=dict)
    #: Route 53 Resolver: endpoints by id, their addresses when known, rules by id and the
    #: VPCs each rule is associated with (list-resolver-rule-associations), when known.
    resolver_endpoints: dict[str, ResolverEndpoint] = field(default_factory=dict)
    resolver_addresses: dict[str, list[ResolverAddress]] = field(default_factory=dict)
    resolver_rules: dict[str, ResolverRule] = field(default_factory=dict)
    rule_vpcs: dict[str, list[str]] = field(default_factory=dict)
    #: ``describe-vpc-attribute``: per VPC, ``enableDnsSupport`` and ``enableDnsHostnames``.
    vpc_attributes: dict[str, dict[str, bool]] = field(default_factory=dict)
    #: Transit gateway peering attachments, by id.
    tgw_peerings: dict[str, TgwPeering] = field(default_factory=dict)
    #: The route tables a peering attachment is associated with, by attachment id: one per
    #: side (describe-transit-gateway-attachments lists it in each side's region).
    tgw_peering_tables: dict[str, list[str]] = field(default_factory=dict)
    #: Traffic observation (LANGUAGE.md §10), by id.
    flow_logs: dict[str, FlowLog] = field(default_factory=dict)
    mirror_sessions: dict[str, MirrorSession] = field(default_factory=dict)
    mirror_targets: dict[str, MirrorTarget] = field(default_factory=dict)
    #: VPCs whose IPv4 CIDR an IPAM pool gives at apply (infrastructure as code: the
    #: VPC's pool and netmask length are known, its CIDR not), by VPC id: (pool id, /N).
    ipam_requests: dict[str, tuple[str, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Dump:
    """The responses of one region (and account), each with the file it came from."""

    region: str | None
    account: str | None
    responses: tuple[tuple[str, Json], ...]


# ---- reading a folder ---------------------------------------------------------------------------


def read_dir(path: str | Path, default_region: str | None = None) -> Inventory:
    """Read every ``*.json`` file under a folder, one region per ``[account/]region/`` folder.

    Args:
        path: the folder of AWS CLI output.
        default_region: the region of files in a folder not named for one, when their
            content does not tell (subnet zones, ARNs).

    Returns:
        The inventory of everything in the files.

    Raises:
        DumpError: the folder does not exist or holds no JSON file, or a file cannot be
            read (a link out of the folder, not a regular file, too large, unreadable) or
            is not a JSON object.
    """
    root = Path(path)
    if not root.is_dir():
        raise DumpError(f"no such folder: {quoted(path)}")
    check_region(default_region)
    folders: dict[Path, list[tuple[str, Json]]] = {}
    try:
        files = sorted(root.rglob("*.json"))
    except OSError as exc:
        raise DumpError(f"cannot list {quoted(path)}: {exc.strerror or exc}") from exc
    for file in files:
        if file.is_dir():
            continue  # a folder named like a file: rglob looks inside it anyway
        if confine(file, [root]) is None:
            # A dump from a pull request must not make the import read the machine's files.
            raise DumpError(
                f"{quoted(file, 300)}: a link to a file outside {quoted(path)}: not read"
            )
        folders.setdefault(file.parent.relative_to(root), []).append(
            (file.relative_to(root).as_posix(), _read_json(file))
        )
    if not folders:
        raise DumpError(f"no .json files in {quoted(path)}")
    dumps = []
    for folder, responses in sorted(folders.items()):
        region = next((p for p in reversed(folder.parts) if REGION.fullmatch(p)), None)
        account = next((p for p in folder.parts if ACCOUNT.fullmatch(p)), None)
        dumps.append(Dump(region, account, tuple(responses)))
    return parse(dumps, default_region)


def _read_json(file: Path) -> Json:
    """One file's JSON object; every way it can fail is a :class:`DumpError` naming the file."""
    shown = quoted(file, 300)
    try:
        raw = read_bytes(file, MAX_JSON_BYTES)
    except OSError as exc:  # FileProblem too: a FIFO, a device, a file over the bound
        raise DumpError(f"{shown}: cannot be read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DumpError(
            f"{shown}: not valid JSON: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from exc
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise DumpError(f"{shown}: not valid JSON: nested too deeply") from exc
    except ValueError as exc:  # JSONDecodeError, and numbers too long to convert
        raise DumpError(f"{shown}: not valid JSON: {one_line(str(exc), 200)}") from exc
    if not isinstance(data, dict):
        raise DumpError(f"{shown}: expected a JSON object, as 'aws ec2 describe-…' prints")
    return data


def check_region(region: str | None) -> None:
    """Refuse a region that is not a region name (it is printed as one).

    Raises:
        DumpError: ``region`` is given and is not of the form ``us-east-1``.
    """
    if region is not None and not REGION.fullmatch(region):
        raise DumpError(f"{quoted(region)} is not an AWS region name (such as us-east-1)")


# ---- parsing ---------------------------------------------------------------------------------------


def parse(dumps: Iterable[Dump], default_region: str | None = None) -> Inventory:
    """Read the responses of each region into one inventory.

    Args:
        dumps: the responses, grouped by region.
        default_region: the region of a dump that names none and whose content tells none.

    Returns:
        The inventory; responses it does not know, and values of the wrong shape, are
        listed in its ``warnings``.

    Raises:
        DumpError: a region given is not a region name.
    """
    check_region(default_region)
    reader = _Reader(Inventory())
    for dump in dumps:
        check_region(dump.region)
        region = dump.region or _infer_region(dump.responses) or default_region
        if region is None:
            region = "us-east-1"
            where = ", ".join(one_line(src, 200) for src, _ in dump.responses[:3])
            reader.warn(
                f"the region of {where} is unknown (no region folder, no subnet zones or ARNs): assumed {region}"
            )
        account = dump.account if dump.account and ACCOUNT.fullmatch(dump.account) else None
        reader.dump(region, account, dump.responses)
    reader.finish()
    return reader.inventory


def _infer_region(responses: Sequence[tuple[str, Json]]) -> str | None:
    """The region the content names: an availability zone, else an ARN.

    The JSON is walked with a stack of its own, not by recursion, so that no nesting depth
    makes it fail.
    """
    zones: list[str] = []
    arns: list[str] = []
    stack: list[object] = [data for _src, data in reversed(responses)]
    while stack and not zones:
        value = stack.pop()
        if isinstance(value, dict):
            zone = value.get("AvailabilityZone")
            if isinstance(zone, str) and (match := REGION.match(zone)):
                zones.append(match.group(0))
            stack.extend(reversed(list(value.values())))
        elif isinstance(value, list):
            stack.extend(reversed(value))
        elif isinstance(value, str) and value.startswith("arn:aws") and not arns:
            parts = value.split(":")
            if len(parts) > 3 and parts[2] == "ec2" and (match := REGION.match(parts[3])):
                arns.append(match.group(0))
    found = zones or arns
    return found[0] if found else None


def _targets(items: list[Obj]) -> list[Target]:
    """The targets of describe-target-health's descriptions."""
    found: list[Target] = []
    for d in items:
        target = d.obj("Target")
        tid = target.string("Id")
        if tid is not None:
            health = d.obj("TargetHealth").string("State") or ""
            found.append(Target(tid, target.integer("Port"), health))
    return found


def _name(item: Obj) -> str | None:
    for key in ("Tags", "TagSet"):
        for tag in item.objs(key):
            value = tag.string("Value")
            if tag.string("Key") == "Name" and value is not None and value.strip():
                return value
    return None


#: States of Direct Connect resources that are gone or never were (not part of the network).
_DX_GONE = frozenset({"deleted", "deleting", "rejected", "unknown"})


def _dx_key(item: Obj, key: str) -> str:
    """The key as the item spells it: the AWS CLI's ``connectionId`` or ``ConnectionId``."""
    return key if item.has(key) else key[0].upper() + key[1:]


def _dx_text(item: Obj, key: str) -> str | None:
    return item.text(_dx_key(item, key))


def _dx_obj(item: Obj, key: str) -> Obj:
    return item.obj(_dx_key(item, key))


def _dx_objs(item: Obj, key: str) -> list[Obj]:
    return item.objs(_dx_key(item, key))


@dataclass(frozen=True, slots=True)
class Unrepresentable:
    """A kind of resource the language cannot hold yet, as its count warning names it."""

    singular: str
    plural: str
    call: str  # the call that lists them (``elbv2 describe-load-balancers``)
    name_keys: tuple[str, ...]  # the keys of its label, the first present wins
    id_keys: tuple[str, ...] = ()  # the keys that tell two of them apart (else the label)


def _kind(
    singular: str, call: str, names: tuple[str, ...], ids: tuple[str, ...] = (), plural: str = ""
) -> Unrepresentable:
    return Unrepresentable(singular, plural or f"{singular}s", call, names, ids)


#: Output keys of calls whose resources the language cannot hold yet: each kind is listed in
#: one warning with its count.
UNREPRESENTABLE: Mapping[str, Unrepresentable] = {
    "LoadBalancerDescriptions": _kind(
        "classic load balancer", "elb describe-load-balancers", ("LoadBalancerName",)
    ),
    "lags": _kind("Direct Connect LAG", "directconnect describe-lags", ("lagName", "lagId")),
    "Firewalls": _kind(
        "network firewall", "network-firewall list-firewalls", ("FirewallName", "FirewallArn")
    ),
    "CarrierGateways": _kind(
        "carrier gateway", "ec2 describe-carrier-gateways", ("CarrierGatewayId",)
    ),
    "LocalGatewayRouteTables": _kind(
        "local gateway route table",
        "ec2 describe-local-gateway-route-tables",
        ("LocalGatewayRouteTableId",),
    ),
    "TransitGatewayConnects": _kind(
        "transit gateway Connect attachment",
        "ec2 describe-transit-gateway-connects",
        ("TransitGatewayAttachmentId",),
    ),
    "TransitGatewayMulticastDomains": _kind(
        "transit gateway multicast domain",
        "ec2 describe-transit-gateway-multicast-domains",
        ("TransitGatewayMulticastDomainId",),
    ),
    # A session's filter says which packets it copies: the language mirrors them all.
    "TrafficMirrorFilters": _kind(
        "traffic mirror filter",
        "ec2 describe-traffic-mirror-filters",
        ("TrafficMirrorFilterId",),
    ),
    "ClientVpnEndpoints": _kind(
        "Client VPN endpoint", "ec2 describe-client-vpn-endpoints", ("ClientVpnEndpointId",)
    ),
    "VpcEndpointServiceConfigurations": _kind(
        "endpoint service",
        "ec2 describe-vpc-endpoint-service-configurations",
        ("ServiceName", "ServiceId"),
    ),
    "Ipams": _kind("IPAM", "ec2 describe-ipams", ("IpamId",)),
    "DBInstances": _kind("RDS database", "rds describe-db-instances", ("DBInstanceIdentifier",)),
    "DomainStatusList": _kind(
        "OpenSearch domain",
        "es describe-elasticsearch-domains",
        ("DomainName",),
        ("DomainId", "ARN"),
    ),
    "ServiceNetworks": _kind(
        "VPC Lattice service network", "vpc-lattice list-service-networks", ("name", "id")
    ),
    "CoreNetworks": _kind(
        "Cloud WAN core network", "networkmanager list-core-networks", ("CoreNetworkId",)
    ),
}

#: The owner of the prefix lists AWS manages (``com.amazonaws.REGION.s3``…).
AWS_OWNER = "AWS"
#: The name AWS gives its own lists (``describe-prefix-lists`` prints no owner).
AWS_LIST_NAME = "com.amazonaws."
#: States of a prefix list that is gone, or was never made.
_GONE_LIST_STATES = frozenset({"delete-complete", "delete-in-progress", "create-failed"})

#: Keys that hold details of resources listed above (Batfish's snapshots carry them): read
#: as known, dropped with the resources they describe, with no warning of their own.
_DETAIL_KEYS: frozenset[str] = frozenset()

#: Keys that carry no resources (pagination, request metadata).
_IGNORED_KEYS = frozenset(
    {
        "NextToken",
        "ResponseMetadata",
        "AdditionalRoutesAvailable",
        "nextToken",
        "NextMarker",
        "Marker",
        # Route 53 and Route 53 Resolver pagination.
        "IsTruncated",
        "MaxItems",
        "MaxResults",
        "NextRecordName",
        "NextRecordType",
        "NextRecordIdentifier",
    }
)

#: How many warnings about the shape of values one import lists; the rest are counted.
MAX_SHAPE_WARNINGS = 100

_ROUTE_TARGETS = (
    "GatewayId",
    "NatGatewayId",
    "InstanceId",
    "NetworkInterfaceId",
    "VpcPeeringConnectionId",
    "TransitGatewayId",
    "EgressOnlyInternetGatewayId",
    "CarrierGatewayId",
    "LocalGatewayId",
    "CoreNetworkArn",
    "VpcEndpointId",
)


class _Reader:
    """Adds one response after another to the inventory."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.handlers: dict[str, Callable[[Obj], None]] = {
            "Vpcs": self.vpc,
            "Subnets": self.subnet,
            "RouteTables": self.route_table,
            "InternetGateways": self.internet_gateway,
            "EgressOnlyInternetGateways": self.egress_only_gateway,
            "NatGateways": self.nat_gateway,
            "SecurityGroups": self.security_group,
            "NetworkAcls": self.network_acl,
            "Reservations": self.reservation,
            "Instances": self.instance,
            "NetworkInterfaces": self.interface,
            "Addresses": self.address,
            "VpcPeeringConnections": self.peering,
            "TransitGateways": self.transit_gateway,
            "TransitGatewayAttachments": self.tgw_attachment,
            "TransitGatewayVpcAttachments": self.tgw_vpc_attachment,
            "TransitGatewayRouteTables": self.tgw_route_table,
            "TransitGatewayRoutes": self.tgw_table_entry,
            # Batfish's snapshots: one entry per table, the table's id beside its list.
            "TransitGatewayStaticRoutes": self.tgw_table_entry,
            "TransitGatewayPropagations": self.tgw_table_entry,
            "VpnGateways": self.vpn_gateway,
            "VpnConnections": self.vpn_connection,
            "CustomerGateways": self.customer_gateway,
            "VpcEndpoints": self.endpoint,
            "LoadBalancers": self.load_balancer,
            "Listeners": self.listener,
            "Accelerators": self.accelerator,
            "IpamPools": self.ipam_pool,
            "EndpointGroups": self.endpoint_group,
            "TargetGroups": self.target_group,
            "TargetHealthDescriptions": self.target_health,
            # Batfish's snapshots: listeners, target health and attributes by ARN.
            "LoadBalancerListeners": self.listener,
            "LoadBalancerTargetHealth": self.group_health,
            "LoadBalancerAttributes": self.lb_attributes,
            "DhcpOptions": self.dhcp_options,
            "PrefixLists": self.prefix_list,
            "TransitGatewayPrefixListReferences": self.tgw_prefix_list_reference,
            # Direct Connect: the AWS CLI's spelling and Batfish's.
            "connections": self.dx_connection,
            "Connections": self.dx_connection,
            "directConnectGateways": self.dx_gateway,
            "DirectConnectGateways": self.dx_gateway,
            "directConnectGatewayAssociations": self.dx_association,
            "DirectConnectGatewayAssociations": self.dx_association,
            "directConnectGatewayAttachments": self.dx_attachment,
            "DirectConnectGatewayAttachments": self.dx_attachment,
            "virtualInterfaces": self.dx_vif,
            "VirtualInterfaces": self.dx_vif,
            "HostedZones": self.hosted_zone,
            "ResolverEndpoints": self.resolver_endpoint,
            "ResolverRules": self.resolver_rule,
            "ResolverRuleAssociations": self.rule_association,
            "TransitGatewayPeeringAttachments": self.tgw_peering,
            "FlowLogs": self.flow_log,
            "TrafficMirrorSessions": self.mirror_session,
            "TrafficMirrorTargets": self.mirror_target,
        }
        self.region = ""
        self.account: str | None = None
        self.source = ""
        self.origin: dict[tuple[str, str], str] = {}  # (kind, id) -> the file it came from
        self.shape_problems = 0

    def warn(self, message: str) -> None:
        message = one_line(message).rstrip()  # a comment's trailing blanks are not kept
        if message not in self.inventory.warnings:
            self.inventory.warnings.append(message)

    def keep(self, table: dict[str, Any], key: str, value: object, what: str) -> None:
        """Add a resource of the current file. An identical copy of one read before (the same
        call saved twice) is read once; the same id with other content in another file is a
        warning naming both files, and the first one read is kept (files are read in name
        order, so the choice does not depend on the order AWS listed them in)."""
        first = table.get(key)
        if first is None:
            table[key] = value
            self.origin[(what, key)] = self.source
        elif first != value:
            where = self.origin.get((what, key), "")
            files = (
                f"twice in {quoted(where, 200)}"
                if where == self.source
                else f"in {quoted(where, 200)} and in {quoted(self.source, 200)}"
            )
            self.warn(f"{what} '{key}' is {files} with different content: the first is imported")

    def problem(self, message: str) -> None:
        """A value of the wrong shape (the first ones are listed, the others counted)."""
        self.shape_problems += 1
        if self.shape_problems <= MAX_SHAPE_WARNINGS:
            self.warn(message)

    def finish(self) -> None:
        extra = self.shape_problems - MAX_SHAPE_WARNINGS
        if extra > 0:
            self.warn(f"and {extra} more values of the wrong shape in the dump: ignored")

    def dump(self, region: str, account: str | None, responses: Iterable[tuple[str, Json]]) -> None:
        inv = self.inventory
        if region not in inv.regions:
            inv.regions.append(region)
        if account is not None and account not in inv.accounts:
            inv.accounts.append(account)
        self.region, self.account = region, account
        for source, data in responses:
            self.source = source
            self.response(source, data)

    def items(self, source: str, key: str, value: list[Any]) -> list[Obj]:
        """The objects of a response's list (other items are reported and skipped)."""
        found = []
        for i, item in enumerate(value):
            where = f"{source} {key}[{i}]"
            if isinstance(item, dict):
                found.append(Obj(item, where, self.problem))
            else:
                self.problem(f"{where} is {kind_of(item)}, not an object: ignored")
        return found

    def response(self, source: str, data: Json) -> None:
        table = TGW_ROUTE_TABLE_ID.search(Path(source).name)
        shown = one_line(source, 200)
        consumed = self.object_response(shown, data)
        known = bool(consumed)
        for key, value in data.items():
            if key in _IGNORED_KEYS or key in consumed:
                continue
            if key == "NetdraftWarnings" and isinstance(value, list):
                known = True
                for message in value:
                    self.warn(str(message))
                continue
            if not isinstance(value, list):
                if (
                    key in self.handlers
                    or key in UNREPRESENTABLE
                    or key in _TGW_TABLE_LISTS
                    or key in _NAMED_LISTS
                ):
                    known = True
                    self.problem(f"{shown}: '{key}' is {kind_of(value)}, not a list: ignored")
                continue
            if key in self.handlers:
                known = True
                for item in self.items(shown, key, value):
                    self.handlers[key](item)
            elif key in _TGW_TABLE_LISTS:
                known = True
                if table is None:
                    self.warn(
                        f"{shown}: '{key}' of a transit gateway route table, but the file name does not hold the table's 'tgw-rtb-…' id: not imported"
                    )
                    continue
                self.table_list(table.group(0), key, self.items(shown, key, value))
                if key == "Routes" and data.get("AdditionalRoutesAvailable") is True:
                    self.truncated(table.group(0))
            elif key in ("IpamPoolCidrs", "IpamPoolAllocations"):
                known = True
                pool = IPAM_POOL_ID.search(Path(source).name)
                if pool is None:
                    self.warn(
                        f"{shown}: '{key}' of an IPAM pool, but the file name does not hold the pool's 'ipam-pool-…' id: not imported"
                    )
                    continue
                self.ipam_details(pool.group(0), key, self.items(shown, key, value))
            elif key == "Entries":
                known = True
                pl = PREFIX_LIST_ID.search(Path(source).name)
                if pl is None:
                    self.warn(
                        f"{shown}: 'Entries' of a prefix list (get-managed-prefix-list-entries), but the file name does not hold the list's 'pl-…' id: not imported"
                    )
                    continue
                self.list_entries(pl.group(0), self.items(shown, key, value))
            elif key in _NAMED_LISTS:
                known = True
                pattern, what = _NAMED_LISTS[key]
                found = pattern.search(Path(source).name)
                if found is None:
                    self.warn(
                        f"{shown}: '{key}' of {what}, but the file name does not hold its id: not imported"
                    )
                    continue
                if key == "ResourceRecordSets":
                    self.record_sets(found.group(0), self.items(shown, key, value))
                else:
                    self.resolver_ips(found.group(0), self.items(shown, key, value))
            elif key in UNREPRESENTABLE:
                known = True
                for item in self.items(shown, key, value):
                    self.unrepresentable(key, item)
            elif key in _DETAIL_KEYS:
                known = True
        if not known:
            keys = ", ".join(one_line(k, 40) for k in sorted(data)[:10]) or "none"
            more = f" and {len(data) - 10} more" if len(data) > 10 else ""
            self.warn(
                f"{shown}: not a response the importer knows (top-level keys: {keys}{more}): not imported"
            )

    def unrepresentable(self, key: str, item: Obj) -> None:
        """Count one resource of a kind the language cannot hold yet."""
        if any(item.state(k) in _GONE_STATES for k in _STATE_KEYS if item.has(k)):
            return  # gone: not part of the network
        kind = UNREPRESENTABLE[key]
        label = next((n for k in kind.name_keys if (n := item.text(k))), None) or "?"
        if ":listener/" in label:  # listener/app/NAME/ID/LID: its balancer's name and port
            parts = label.split(":listener/", 1)[1].split("/")
            port = item.text("Port")
            label = f"{parts[1] if len(parts) > 1 else label}{f' port {port}' if port else ''}"
        ident = next((n for k in kind.id_keys if (n := item.text(k))), label)
        if ":loadbalancer/" in ident:  # an ARN: its app/NAME/ID part, as an interface names it
            ident = ident.split(":loadbalancer/", 1)[1]
        note_unimported(
            self.inventory.unimported, kind.singular, kind.plural, kind.call, ident, quoted(label)
        )

    def truncated(self, table: str) -> None:
        self.warn(
            f"transit gateway route table '{table}' has more routes than its dump holds: only those are imported"
        )

    # -- one handler per response key ---------------------------------------------------

    def vpc(self, item: Obj) -> None:
        vid = item.need_ident("VpcId")
        if vid is None or item.state() not in ("available", "pending", ""):
            return
        cidrs: list[str] = []
        primary = item.string("CidrBlock")
        if primary:
            cidrs.append(primary)
        for assoc in item.objs("CidrBlockAssociationSet"):
            cidr = assoc.string("CidrBlock")
            state = assoc.state("CidrBlockState")
            if cidr and cidr not in cidrs and state in ("associated", "associating", ""):
                cidrs.append(cidr)
        ipv6 = tuple(
            c
            for assoc in item.objs("Ipv6CidrBlockAssociationSet")
            if (c := assoc.string("Ipv6CidrBlock"))
            and assoc.state("Ipv6CidrBlockState") in ("associated", "associating", "")
        )
        dhcp = item.ident("DhcpOptionsId")
        owner = item.string("OwnerId")
        if owner is not None and not ACCOUNT.fullmatch(owner):
            self.problem(f"{item.where}: 'OwnerId' {quoted(owner)} is not an account id: ignored")
            owner = None
        vpc = Vpc(
            vid,
            self.region,
            _name(item),
            tuple(cidrs),
            ipv6,
            dhcp if dhcp != "default" else None,
            owner or self.account,
        )
        self.keep(self.inventory.vpcs, vid, vpc, "vpc")
        self.vpc_attributes(vid, item)  # embedded by the live import

    def subnet(self, item: Obj) -> None:
        sid, vpc = item.need_ident("SubnetId"), item.need_ident("VpcId")
        if sid is None or vpc is None:
            return
        ipv6 = tuple(
            c
            for assoc in item.objs("Ipv6CidrBlockAssociationSet")
            if (c := assoc.string("Ipv6CidrBlock"))
            and assoc.state("Ipv6CidrBlockState") in ("associated", "associating", "")
        )
        subnet = Subnet(
            sid,
            vpc,
            _name(item),
            item.string("CidrBlock"),
            item.string("AvailabilityZone") or "",
            ipv6,
            item.flag("MapPublicIpOnLaunch") is True,
        )
        self.keep(self.inventory.subnets, sid, subnet, "subnet")

    def route_table(self, item: Obj) -> None:
        rid, vpc = item.need_ident("RouteTableId"), item.need_ident("VpcId")
        if rid is None or vpc is None:
            return
        routes = []
        for r in item.objs("Routes"):
            targets = {k: v for k in _ROUTE_TARGETS if (v := r.string(k))}
            dest = r.string("DestinationCidrBlock") or r.string("DestinationIpv6CidrBlock")
            routes.append(
                Route(
                    dest,
                    r.string("DestinationPrefixListId"),
                    targets,
                    r.string("State") or "active",
                    r.string("Origin") or "CreateRoute",
                )
            )
        subnets: list[str] = []
        edges: list[str] = []
        main = False
        for assoc in item.objs("Associations"):
            if assoc.state("AssociationState") not in ("associated", "associating", ""):
                continue
            if assoc.flag("Main") is True:
                main = True
            if (sn := assoc.ident("SubnetId")) is not None:
                subnets.append(sn)
            elif (gw := assoc.string("GatewayId")) is not None:
                edges.append(gw)
        vgws = each_ident(item.objs("PropagatingVgws"), "GatewayId")
        table = RouteTable(
            rid, vpc, _name(item), tuple(routes), tuple(subnets), main, tuple(edges), vgws
        )
        self.keep(self.inventory.route_tables, rid, table, "route table")

    def _attachments(self, item: Obj, key: str = "Attachments") -> tuple[str, ...]:
        return tuple(
            vpc
            for att in item.objs(key)
            if (vpc := att.ident("VpcId"))
            and att.state() in ("available", "attached", "attaching", "")
        )

    def internet_gateway(self, item: Obj) -> None:
        gid = item.need_ident("InternetGatewayId")
        if gid is not None:
            gateway = Gateway(gid, _name(item), self._attachments(item))
            self.keep(self.inventory.internet_gateways, gid, gateway, "internet gateway")

    def egress_only_gateway(self, item: Obj) -> None:
        gid = item.need_ident("EgressOnlyInternetGatewayId")
        if gid is not None:
            gateway = Gateway(gid, _name(item), self._attachments(item))
            self.keep(self.inventory.egress_only_gateways, gid, gateway, "egress-only gateway")

    def vpn_gateway(self, item: Obj) -> None:
        gid = item.need_ident("VpnGatewayId")
        if gid is None or item.state() in ("deleted", "deleting"):
            return
        gateway = Gateway(gid, _name(item), self._attachments(item, "VpcAttachments"), item.state())
        self.keep(self.inventory.vpn_gateways, gid, gateway, "vpn gateway")
        self.inventory.region_of.setdefault(gid, self.region)

    def nat_gateway(self, item: Obj) -> None:
        nid = item.need_ident("NatGatewayId")
        vpc, subnet = item.need_ident("VpcId"), item.need_ident("SubnetId")
        if nid is None or vpc is None or subnet is None:
            return
        # The primary address first (AWS lists them in any order).
        addresses = sorted(
            item.objs("NatGatewayAddresses"),
            key=lambda a: (a.flag("IsPrimary") is False, a.string("PublicIp") or ""),
        )
        nat = NatGateway(
            nid,
            vpc,
            subnet,
            _name(item),
            item.state(),
            item.string("ConnectivityType") == "private",
            each_string(addresses, "PublicIp"),
            each_ident(addresses, "NetworkInterfaceId"),
            addresses[0].string("PrivateIp") if addresses else None,
        )
        self.keep(self.inventory.nat_gateways, nid, nat, "NAT gateway")

    def security_group(self, item: Obj) -> None:
        gid, vpc = item.need_ident("GroupId"), item.ident("VpcId")
        if gid is None:
            return
        if vpc is None:
            self.warn(f"security group '{gid}' belongs to no VPC (EC2-Classic): not imported")
            return
        group = SecurityGroup(
            gid,
            vpc,
            _name(item),
            item.string("GroupName") or gid,
            tuple(_permission(p) for p in item.objs("IpPermissions")),
            tuple(_permission(p) for p in item.objs("IpPermissionsEgress")),
        )
        self.keep(self.inventory.security_groups, gid, group, "security group")

    def network_acl(self, item: Obj) -> None:
        aid, vpc = item.need_ident("NetworkAclId"), item.need_ident("VpcId")
        if aid is None or vpc is None:
            return
        entries = []
        for e in item.objs("Entries"):
            number = e.integer("RuleNumber")
            if number is None:
                self.problem(f"{e.where}: no whole-number 'RuleNumber': not imported")
                continue
            ports = e.obj("PortRange")
            icmp = e.obj("IcmpTypeCode")
            entries.append(
                AclEntry(
                    number,
                    e.flag("Egress") is True,
                    e.string("RuleAction") or "deny",
                    e.text("Protocol") or "-1",
                    e.string("CidrBlock") or e.string("Ipv6CidrBlock"),
                    ports.integer("From"),
                    ports.integer("To"),
                    icmp.integer("Type"),
                    icmp.integer("Code"),
                )
            )
        subnets = each_ident(item.objs("Associations"), "SubnetId")
        acl = NetworkAcl(
            aid, vpc, _name(item), item.flag("IsDefault") is True, tuple(entries), subnets
        )
        self.keep(self.inventory.network_acls, aid, acl, "network ACL")

    def reservation(self, item: Obj) -> None:
        for inst in item.objs("Instances"):
            self.instance(inst)

    def instance(self, item: Obj) -> None:
        iid = item.need_ident("InstanceId")
        if iid is None:
            return
        enis = sorted(
            item.objs("NetworkInterfaces"),
            key=lambda n: n.obj("Attachment").integer("DeviceIndex") or 0,
        )
        primary = enis[0] if enis else Obj({}, item.where, self.problem)
        ipv6 = each_string(primary.objs("Ipv6Addresses"), "Ipv6Address") or tuple(
            filter(None, [item.string("Ipv6Address")])
        )
        private = [p for p in primary.objs("PrivateIpAddresses") if p.flag("Primary") is not True]
        groups = each_ident(primary.objs("Groups"), "GroupId") or each_ident(
            item.objs("SecurityGroups"), "GroupId"
        )
        instance = Instance(
            iid,
            item.ident("VpcId"),
            item.ident("SubnetId"),
            _name(item),
            item.state(),
            item.string("PrivateIpAddress"),
            ipv6,
            item.string("PublicIpAddress"),
            groups,
            item.flag("SourceDestCheck") is not False,
            each_string(private, "PrivateIpAddress"),
            each_ident(enis[1:], "NetworkInterfaceId"),
            each_ident(enis, "NetworkInterfaceId"),
        )
        self.keep(self.inventory.instances, iid, instance, "instance")

    def interface(self, item: Obj) -> None:
        eid = item.need_ident("NetworkInterfaceId")
        if eid is None:
            return
        eni = NetworkInterface(
            eid,
            item.ident("VpcId"),
            item.ident("SubnetId"),
            item.string("InterfaceType") or "interface",
            item.string("Description") or "",
            item.string("RequesterId"),
            item.obj("Attachment").ident("InstanceId"),
            item.obj("Association").ident("AllocationId"),
            item.string("PrivateIpAddress"),
            each_ident(item.objs("Groups"), "GroupId"),
            item.flag("RequesterManaged") is True,
            item.string("Status") or "in-use",
            _name(item),
            item.obj("Association").string("PublicIp"),
            each_string(
                [p for p in item.objs("PrivateIpAddresses") if p.flag("Primary") is not True],
                "PrivateIpAddress",
            ),
            each_string(item.objs("Ipv6Addresses"), "Ipv6Address"),
        )
        self.keep(self.inventory.interfaces, eid, eni, "network interface")

    def address(self, item: Obj) -> None:
        ip = item.string("PublicIp")
        if ip is not None:
            address = Address(
                ip,
                item.ident("AllocationId"),
                item.ident("InstanceId"),
                item.ident("NetworkInterfaceId"),
            )
            self.keep(self.inventory.addresses, ip, address, "Elastic IP")

    def peering(self, item: Obj) -> None:
        pid = item.need_ident("VpcPeeringConnectionId")
        a = item.obj("RequesterVpcInfo").ident("VpcId")
        b = item.obj("AccepterVpcInfo").ident("VpcId")
        if pid is None or a is None or b is None:
            return
        status = item.obj("Status").string("Code") or "active"
        self.keep(self.inventory.peerings, pid, Peering(pid, _name(item), a, b, status), "peering")

    def transit_gateway(self, item: Obj) -> None:
        tid = item.need_ident("TransitGatewayId")
        if tid is None:
            return
        options = item.obj("Options")
        assoc = (
            options.ident("AssociationDefaultRouteTableId")
            if options.string("DefaultRouteTableAssociation") == "enable"
            else None
        )
        prop = (
            options.ident("PropagationDefaultRouteTableId")
            if options.string("DefaultRouteTablePropagation") == "enable"
            else None
        )
        region = self.region
        arn = item.string("TransitGatewayArn")
        if arn and len(arn.split(":")) > 3 and REGION.fullmatch(arn.split(":")[3]):
            region = arn.split(":")[3]
        tgw = TransitGateway(tid, region, _name(item), item.state(), assoc, prop)
        self.keep(self.inventory.transit_gateways, tid, tgw, "transit gateway")

    def tgw_attachment(self, item: Obj) -> None:
        aid = item.need_ident("TransitGatewayAttachmentId")
        tgw = item.need_ident("TransitGatewayId")
        if aid is None or tgw is None:
            return
        association = item.obj("Association")
        table = (
            association.ident("TransitGatewayRouteTableId")
            if association.state() in ("associated", "associating", "")
            else None
        )
        att = TgwAttachment(
            aid,
            tgw,
            _name(item),
            item.string("ResourceType") or "vpc",
            item.string("ResourceId") or "",
            item.state(),
            table,
        )
        if att.kind == "peering" and table is not None:
            # Each side's region lists the peering with its own transit gateway's table.
            tables = self.inventory.tgw_peering_tables.setdefault(aid, [])
            if table not in tables:
                tables.append(table)
        if aid not in self.inventory.described_attachments:
            # This call's entry wins over one of describe-transit-gateway-vpc-attachments,
            # which has no association.
            self.inventory.described_attachments.add(aid)
            self.inventory.tgw_attachments[aid] = att

    def tgw_vpc_attachment(self, item: Obj) -> None:
        aid = item.need_ident("TransitGatewayAttachmentId")
        tgw = item.need_ident("TransitGatewayId")
        vpc = item.ident("VpcId")
        if aid is None or tgw is None:
            return
        if vpc is not None:
            # Moto lists a VPN attachment here too; only VPC attachments carry a VpcId.
            self.inventory.tgw_attachment_subnets.setdefault(aid, item.strings("SubnetIds"))
            self.inventory.tgw_attachments.setdefault(
                aid, TgwAttachment(aid, tgw, _name(item), "vpc", vpc, item.state(), None)
            )

    def tgw_route_table(self, item: Obj) -> None:
        tid = item.need_ident("TransitGatewayRouteTableId")
        tgw = item.need_ident("TransitGatewayId")
        if tid is None or tgw is None or item.state() in ("deleted", "deleting"):
            return
        table = TgwRouteTable(
            tid, tgw, _name(item), item.flag("DefaultAssociationRouteTable") is True
        )
        self.keep(self.inventory.tgw_route_tables, tid, table, "transit gateway route table")
        if item.flag("NetdraftRoutesTruncated") is True:
            self.warn(
                f"transit gateway route table '{tid}' has more than 1000 routes: only the first 1000 are imported"
            )
        for key in _TGW_ENTRY_LISTS:
            if item.has(key):
                self.table_list(tid, key, item.objs(key))

    def tgw_peering(self, item: Obj) -> None:
        """A transit gateway peering attachment. Both sides' regions list it under one id
        (the accepter's tags may differ): the first read is kept, named by the requester's
        tag, else the accepter's."""
        aid = item.need_ident("TransitGatewayAttachmentId")
        requester, accepter = item.obj("RequesterTgwInfo"), item.obj("AccepterTgwInfo")
        a, b = requester.need_ident("TransitGatewayId"), accepter.need_ident("TransitGatewayId")
        if aid is None or a is None or b is None:
            return
        peering = TgwPeering(
            aid,
            _name(item),
            item.state(),
            a,
            _region(requester.string("Region")),
            b,
            _region(accepter.string("Region")),
            requester.string("OwnerId"),
            accepter.string("OwnerId"),
            item.ident("AccepterTransitGatewayAttachmentId"),
        )
        first = self.inventory.tgw_peerings.get(aid)
        if first is None:
            self.inventory.tgw_peerings[aid] = peering
        elif peering.name is not None and (
            first.name is None or self.region == peering.requester_region
        ):
            # The requester's tag names it, whichever side's file is read first.
            self.inventory.tgw_peerings[aid] = replace(first, name=peering.name)

    def tgw_table_entry(self, item: Obj) -> None:
        """A table's id beside its routes, propagations or associations (a wrapper of ours, or
        Batfish's ``TransitGatewayStaticRoutes`` and ``TransitGatewayPropagations``)."""
        table = item.need_ident("TransitGatewayRouteTableId")
        if table is None:
            return
        for key in _TGW_ENTRY_LISTS:
            if item.has(key):
                self.table_list(table, key, item.objs(key))
        if item.flag("AdditionalRoutesAvailable") is True:
            self.truncated(table)

    def table_list(self, table: str, key: str, items: list[Obj]) -> None:
        inv = self.inventory
        if key == "Routes":
            inv.tgw_routes.setdefault(table, [])  # known, even when empty
            for r in items:
                # A route of a prefix list reference is listed with the list's id (and, in
                # some outputs, one of its CIDRs): it is the reference, once.
                pl = r.ident("PrefixListId")
                dest = "" if pl is not None else r.string("DestinationCidrBlock")
                if dest is None:
                    continue
                atts = each_ident(r.objs("TransitGatewayAttachments"), "TransitGatewayAttachmentId")
                kind, state = r.string("Type") or "static", r.string("State") or "active"
                self.tgw_route(TgwRoute(table, dest, kind, state, atts, pl))
        else:
            target = inv.tgw_propagations if key != "Associations" else inv.tgw_associations
            found = target.setdefault(table, [])
            for p in items:
                att = p.ident("TransitGatewayAttachmentId")
                if (
                    att
                    and att not in found
                    and p.state() in ("enabled", "associated", "enabling", "associating", "")
                ):
                    found.append(att)

    def tgw_route(self, route: TgwRoute) -> None:
        """Add a route to its table's (the first of one destination or prefix list wins)."""
        routes = self.inventory.tgw_routes.setdefault(route.table, [])
        if all(
            (x.destination, x.prefix_list) != (route.destination, route.prefix_list) for x in routes
        ):
            routes.append(route)

    def tgw_prefix_list_reference(self, item: Obj) -> None:
        """One entry of ``get-transit-gateway-prefix-list-references``: a static route (or a
        blackhole) of a table to every entry of a prefix list."""
        table, pl = item.need_ident("TransitGatewayRouteTableId"), item.need_ident("PrefixListId")
        if table is None or pl is None or item.state() in ("deleting", "deleted"):
            return
        att = item.obj("TransitGatewayAttachment").ident("TransitGatewayAttachmentId")
        state = "blackhole" if item.flag("Blackhole") is True else "active"
        self.tgw_route(TgwRoute(table, "", "static", state, (att,) if att else (), pl))

    def prefix_list(self, item: Obj) -> None:
        """A managed prefix list, with its entries when the output carries them: ``Cidrs``
        (``describe-prefix-lists``, Batfish's snapshots) or ``Entries`` (the live import)."""
        pid = item.need_ident("PrefixListId")
        if pid is None or item.state() in _GONE_LIST_STATES:
            return
        name = item.string("PrefixListName") or pid
        owner = item.string("OwnerId")
        aws = owner == AWS_OWNER or (owner is None and name.startswith(AWS_LIST_NAME))
        self.keep(
            self.inventory.prefix_lists,
            pid,
            PrefixList(pid, self.region, name, aws),
            "prefix list",
        )
        if item.has("Cidrs"):
            self.add_entries(pid, item.strings("Cidrs"))
        if item.has("Entries"):
            self.list_entries(pid, item.objs("Entries"))

    def list_entries(self, pid: str, entries: list[Obj]) -> None:
        self.add_entries(pid, tuple(c for e in entries if (c := e.string("Cidr"))))

    def add_entries(self, pid: str, cidrs: Iterable[str]) -> None:
        found = self.inventory.prefix_list_entries.setdefault(pid, [])
        found.extend(c for c in cidrs if c not in found)

    def vpn_connection(self, item: Obj) -> None:
        vid, cgw = item.need_ident("VpnConnectionId"), item.need_ident("CustomerGatewayId")
        if vid is None or cgw is None or item.state() in ("deleted", "deleting"):
            return
        routes = tuple(
            c
            for r in item.objs("Routes")
            if (c := r.string("DestinationCidrBlock")) and r.state() in ("available", "pending", "")
        )
        telemetry = item.objs("VgwTelemetry")
        up = sum(1 for t in telemetry if t.string("Status") == "UP") if telemetry else None
        vpn = VpnConnection(
            vid,
            _name(item),
            item.state(),
            cgw,
            item.ident("VpnGatewayId"),
            item.ident("TransitGatewayId"),
            item.obj("Options").flag("StaticRoutesOnly") is True,
            routes,
            up,
            bool(telemetry) and all(t.string("Status") == "DOWN" for t in telemetry),
            len(telemetry),
            tuple(
                t.string("OutsideIpAddress") or "?"
                for t in telemetry
                if t.string("Status") == "DOWN"
            ),
        )
        self.keep(self.inventory.vpn_connections, vid, vpn, "vpn")
        self.inventory.region_of.setdefault(vid, self.region)

    # -- Direct Connect: keys as the AWS CLI prints them (``connectionId``) or capitalised,
    # as Batfish's snapshots hold them (``ConnectionId``).

    def dx_connection(self, item: Obj) -> None:
        cid = _dx_text(item, "connectionId")
        state = _dx_text(item, "connectionState") or ""
        if cid is None or state in _DX_GONE:
            return
        conn = DxConnection(
            cid,
            _dx_text(item, "connectionName") or _name(item),
            _dx_text(item, "location"),
            _dx_text(item, "bandwidth"),
            state,
            _dx_text(item, "awsDeviceV2") or _dx_text(item, "awsDevice"),
        )
        self.keep(self.inventory.dx_connections, cid, conn, "Direct Connect connection")

    def dx_gateway(self, item: Obj) -> None:
        gid = _dx_text(item, "directConnectGatewayId")
        state = _dx_text(item, "directConnectGatewayState") or ""
        if gid is None or state in _DX_GONE:
            return
        name = _dx_text(item, "directConnectGatewayName") or _name(item)
        self.keep(self.inventory.dx_gateways, gid, DxGateway(gid, name, state), "DX gateway")

    def dx_association(self, item: Obj) -> None:
        aid = _dx_text(item, "associationId")
        gid = _dx_text(item, "directConnectGatewayId")
        state = _dx_text(item, "associationState") or ""
        if aid is None or gid is None or state in _DX_GONE:
            return
        gateway = _dx_obj(item, "associatedGateway")
        gw = _dx_text(gateway, "id") or _dx_text(item, "virtualGatewayId")
        kind = _dx_text(gateway, "type") or "virtualPrivateGateway"
        if gw is None:
            self.problem(f"{item.where}: a DX gateway association without its gateway: ignored")
            return
        allowed = tuple(
            c
            for p in _dx_objs(item, "allowedPrefixesToDirectConnectGateway")
            if (c := _dx_text(p, "cidr"))
        )
        assoc = DxAssociation(aid, gid, gw, kind, allowed, state)
        self.keep(self.inventory.dx_associations, aid, assoc, "DX gateway association")

    def dx_attachment(self, item: Obj) -> None:
        vif = _dx_text(item, "virtualInterfaceId")
        gid = _dx_text(item, "directConnectGatewayId")
        state = _dx_text(item, "attachmentState") or ""
        if vif is not None and gid is not None and state not in _DX_GONE:
            self.inventory.dx_attachments.setdefault(vif, gid)

    def dx_vif(self, item: Obj) -> None:
        vid = _dx_text(item, "virtualInterfaceId")
        state = _dx_text(item, "virtualInterfaceState") or ""
        if vid is None or state in _DX_GONE:
            return
        vif = DxVif(
            vid,
            _dx_text(item, "virtualInterfaceName") or _name(item),
            (_dx_text(item, "virtualInterfaceType") or "private").lower(),
            _dx_text(item, "connectionId"),
            _dx_text(item, "virtualGatewayId"),
            _dx_text(item, "directConnectGatewayId"),
            state,
        )
        self.keep(self.inventory.dx_vifs, vid, vif, "Direct Connect virtual interface")

    def customer_gateway(self, item: Obj) -> None:
        cid = item.need_ident("CustomerGatewayId")
        if cid is None:
            return
        cgw = CustomerGateway(cid, _name(item), item.string("IpAddress"), item.state())
        self.keep(self.inventory.customer_gateways, cid, cgw, "customer gateway")

    def endpoint(self, item: Obj) -> None:
        eid, vpc = item.need_ident("VpcEndpointId"), item.need_ident("VpcId")
        if eid is None or vpc is None:
            return
        endpoint = Endpoint(
            eid,
            vpc,
            _name(item),
            item.string("VpcEndpointType") or "Interface",
            item.string("ServiceName") or "",
            item.state().lower(),
            item.strings("RouteTableIds"),
            item.strings("SubnetIds"),
            each_ident(item.objs("Groups"), "GroupId"),
            item.flag("PrivateDnsEnabled") is not False,
            item.strings("NetworkInterfaceIds"),
        )
        self.keep(self.inventory.endpoints, eid, endpoint, "endpoint")

    def load_balancer(self, item: Obj) -> None:
        if item.state().lower() in ("deleted", "failed"):
            return  # gone: not part of the network
        arn, name, vpc = (
            item.string("LoadBalancerArn"),
            item.string("LoadBalancerName"),
            item.ident("VpcId"),
        )
        if arn is None or name is None or vpc is None:
            self.problem(
                f"{item.where}: a load balancer without its ARN, name or VPC: not imported"
            )
            return
        zones = item.objs("AvailabilityZones")
        eips = tuple(
            (subnet, ip)
            for z in zones
            if (subnet := z.ident("SubnetId"))
            for x in z.objs("LoadBalancerAddresses")
            if x.string("AllocationId") and (ip := x.string("IpAddress"))
        )
        lb = LoadBalancer(
            arn,
            name,
            vpc,
            item.string("Type") or "application",
            item.string("Scheme") or "internet-facing",
            each_ident(zones, "SubnetId"),
            eips,
            item.strings("SecurityGroups"),
            item.state().lower(),
        )
        self.keep(self.inventory.load_balancers, arn, lb, "load balancer")
        for listener in item.objs("Listeners"):  # embedded by the live import
            self.listener(listener)

    def ipam_pool(self, item: Obj) -> None:
        pid = item.need_ident("IpamPoolId")
        if pid is None or item.state() in (
            "delete-complete",
            "delete-in-progress",
            "create-failed",
        ):
            return
        if (item.string("AddressFamily") or "ipv4").lower() != "ipv4":
            return  # the language's pools are IPv4
        self.keep(self.inventory.ipam_pools, pid, IpamPool(pid, _name(item)), "IPAM pool")
        for key in ("IpamPoolCidrs", "IpamPoolAllocations"):  # embedded by the live import
            if item.has(key):
                self.ipam_details(pid, key, item.objs(key))

    def ipam_details(self, pid: str, key: str, items: list[Obj]) -> None:
        inv = self.inventory
        if key == "IpamPoolCidrs":
            cidrs = inv.ipam_cidrs.setdefault(pid, [])
            for x in items:
                cidr = x.string("Cidr")
                if not cidr or x.state() not in ("provisioned", "") or cidr in cidrs:
                    continue
                try:
                    ipaddress.IPv4Network(cidr)
                except ValueError:
                    self.problem(f"{x.where}: 'Cidr' {quoted(cidr)} is not an IPv4 CIDR: ignored")
                    continue
                cidrs.append(cidr)
            return
        allocations = inv.ipam_allocations.setdefault(pid, [])
        for x in items:
            cidr, resource = x.string("Cidr"), x.string("ResourceId")
            vpc = (x.string("ResourceType") or "") == "vpc"
            if cidr and resource and vpc and (resource, cidr) not in allocations:
                allocations.append((resource, cidr))

    def accelerator(self, item: Obj) -> None:
        arn, name = item.string("AcceleratorArn"), item.string("Name")
        if arn is None or name is None:
            self.problem(f"{item.where}: an accelerator without its ARN or name: not imported")
            return
        if item.flag("Enabled") is False:
            return  # a disabled accelerator takes no traffic
        ips = tuple(
            ip
            for s in item.objs("IpSets")
            if (s.string("IpAddressFamily") or s.string("IpFamily") or "IPv4").upper() == "IPV4"
            for ip in s.strings("IpAddresses")
        )
        self.keep(self.inventory.accelerators, arn, Accelerator(arn, name, ips), "accelerator")
        for listener in item.objs("Listeners"):  # embedded by the live import
            self.ga_listener(listener)

    def ga_listener(self, item: Obj) -> None:
        arn = item.string("ListenerArn")
        if arn is None:
            self.problem(f"{item.where}: an accelerator listener without its ARN: not imported")
            return
        ports = tuple(
            (lo, hi)
            for r in item.objs("PortRanges")
            if (lo := r.integer("FromPort")) is not None and (hi := r.integer("ToPort")) is not None
        )
        listener = GaListener(arn, (item.string("Protocol") or "tcp").lower(), ports)
        self.keep(self.inventory.ga_listeners, arn, listener, "accelerator listener")
        for group in item.objs("EndpointGroups"):  # embedded by the live import
            self.endpoint_group(group)

    def endpoint_group(self, item: Obj) -> None:
        arn, region = item.string("EndpointGroupArn"), item.string("EndpointGroupRegion")
        if arn is None or region is None or "/listener/" not in arn:
            self.problem(f"{item.where}: an endpoint group without its ARN or region: not imported")
            return
        endpoints = tuple(
            (eid, weight if weight is not None else 128)
            for e in item.objs("EndpointDescriptions")
            if (eid := e.string("EndpointId")) is not None
            for weight in (e.integer("Weight"),)
        )
        group = GaEndpointGroup(arn, region, endpoints)
        self.keep(self.inventory.ga_endpoint_groups, arn, group, "endpoint group")

    def listener(self, item: Obj) -> None:
        if ":globalaccelerator::" in (item.string("ListenerArn") or ""):
            self.ga_listener(item)  # list-listeners of globalaccelerator: the same key
            return
        arn, lb = item.string("ListenerArn"), item.string("LoadBalancerArn")
        if arn is None or lb is None:
            self.problem(
                f"{item.where}: a listener without its ARN or its load balancer's: not imported"
            )
            return
        forward = next(
            (a for a in item.objs("DefaultActions") if (a.string("Type") or "") == "forward"), None
        )
        group = forward.string("TargetGroupArn") if forward is not None else None
        if forward is not None and group is None:
            groups = forward.obj("ForwardConfig").objs("TargetGroups")
            group = groups[0].string("TargetGroupArn") if groups else None
        listener = Listener(
            arn, lb, (item.string("Protocol") or "").lower(), item.integer("Port"), group
        )
        self.keep(self.inventory.listeners, arn, listener, "load balancer listener")

    def target_group(self, item: Obj) -> None:
        arn, name = item.string("TargetGroupArn"), item.string("TargetGroupName")
        if arn is None or name is None:
            self.problem(f"{item.where}: a target group without its ARN or name: not imported")
            return
        group = TargetGroup(
            arn,
            name,
            item.ident("VpcId"),
            (item.string("Protocol") or "").lower(),
            item.integer("Port"),
            item.string("TargetType") or "instance",
        )
        self.keep(self.inventory.target_groups, arn, group, "target group")
        if item.has("TargetHealthDescriptions"):  # embedded by the live import
            self.inventory.targets[arn] = _targets(item.objs("TargetHealthDescriptions"))

    def group_health(self, item: Obj) -> None:
        """A target group's ARN beside its describe-target-health descriptions."""
        arn = item.string("TargetGroupArn")
        if arn is not None:
            self.inventory.targets[arn] = _targets(item.objs("TargetHealthDescriptions"))

    def lb_attributes(self, item: Obj) -> None:
        """describe-load-balancer-attributes: whether cross-zone load balancing is on."""
        arn = item.string("LoadBalancerArn")
        for attr in item.objs("Attributes"):
            on = attr.string("Value") == "true"
            if arn and attr.string("Key") == "load_balancing.cross_zone.enabled" and on:
                self.inventory.cross_zone.add(arn)

    def target_health(self, item: Obj) -> None:
        """One target of a describe-target-health response: its group is the one whose
        name the file's name holds (the response does not name it)."""
        self.inventory.targets.setdefault(Path(self.source).stem, []).extend(_targets([item]))

    def dhcp_options(self, item: Obj) -> None:
        did = item.need_ident("DhcpOptionsId")
        if did is None:
            return
        domain = None
        servers: tuple[str, ...] = ()
        for conf in item.objs("DhcpConfigurations"):
            values = each_string(conf.objs("Values"), "Value")
            if conf.string("Key") == "domain-name":
                domain = values[0].split()[0] if values and values[0].split() else None
            elif conf.string("Key") == "domain-name-servers":
                servers = tuple(word for v in values for word in v.replace(",", " ").split())
        dhcp = DhcpOptions(did, domain, servers)
        self.keep(self.inventory.dhcp_options, did, dhcp, "DHCP option set")

    # -- Route 53 and Route 53 Resolver --------------------------------------------------------

    def object_response(self, shown: str, data: Json) -> set[str]:
        """The responses that are one object, not a list: ``get-hosted-zone`` (its
        ``HostedZone`` and ``VPCs``) and ``describe-vpc-attribute`` (a ``VpcId`` and one
        attribute). Returns the keys read."""
        if isinstance(data.get("HostedZone"), dict):
            zone = Obj(data["HostedZone"], f"{shown} HostedZone", self.problem)
            listed = data.get("VPCs") is not None
            vpcs = Obj(data, shown, self.problem).objs("VPCs") if listed else None
            self.hosted_zone(zone, vpcs)
            return {"HostedZone", "VPCs", "DelegationSet"}
        if isinstance(data.get("VpcId"), str) and any(k in data for k in _VPC_ATTRIBUTES):
            item = Obj(data, shown, self.problem)
            vid = item.need_ident("VpcId")
            if vid is not None:
                self.vpc_attributes(vid, item)
            return {"VpcId", *_VPC_ATTRIBUTES, *_OTHER_VPC_ATTRIBUTES}
        return set()

    def vpc_attributes(self, vid: str, item: Obj) -> None:
        for key, attribute in _VPC_ATTRIBUTES.items():
            value = item.obj(key).flag("Value") if item.has(key) else None
            if value is not None:
                self.inventory.vpc_attributes.setdefault(vid, {})[attribute] = value

    def hosted_zone(self, item: Obj, vpcs: list[Obj] | None = None) -> None:
        """A hosted zone; its VPCs (get-hosted-zone, or embedded by the live import) and its
        record sets (embedded by the live import) when the output has them."""
        raw = item.string("Id")
        zid = raw.rsplit("/", 1)[-1] if raw else None
        name = (item.string("Name") or "").lower().rstrip(".")
        if zid is None or not ZONE_ID.fullmatch(zid) or not name:
            self.problem(f"{item.where}: a hosted zone without its id or its name: not imported")
            return
        private = item.obj("Config").flag("PrivateZone") is True
        self.keep(self.inventory.hosted_zones, zid, HostedZone(zid, name, private), "hosted zone")
        if not private:
            note_unimported(
                self.inventory.unimported,
                "Route 53 public hosted zone",
                "Route 53 public hosted zones",
                "route53 list-hosted-zones",
                zid,
                quoted(name),
            )
            return
        if vpcs is None and item.has("VPCs"):
            vpcs = item.objs("VPCs")
        if vpcs is not None:
            found = self.inventory.zone_vpcs.setdefault(zid, [])
            found.extend(v for x in vpcs if (v := x.ident("VPCId")) and v not in found)
        if item.has("ResourceRecordSets"):
            self.record_sets(zid, item.objs("ResourceRecordSets"))

    def record_sets(self, zid: str, items: list[Obj]) -> None:
        found = self.inventory.records.setdefault(zid, [])
        for r in items:
            name, kind = r.string("Name"), r.string("Type")
            if name is None or kind is None:
                self.problem(f"{r.where}: a record set without its name or type: not imported")
                continue
            alias = r.obj("AliasTarget").string("DNSName") if r.has("AliasTarget") else None
            record = RecordSet(
                name.lower().rstrip("."),
                kind.upper(),
                each_string(r.objs("ResourceRecords"), "Value"),
                alias.lower().rstrip(".") if alias else None,
                r.string("SetIdentifier"),
            )
            if record not in found:
                found.append(record)

    def resolver_endpoint(self, item: Obj) -> None:
        eid, vpc = item.need_ident("Id"), item.need_ident("HostVPCId")
        if eid is None or vpc is None or item.string("Status") in _GONE_RESOLVER:
            return
        endpoint = ResolverEndpoint(
            eid,
            vpc,
            item.string("Name"),
            (item.string("Direction") or "").lower(),
            item.strings("SecurityGroupIds"),
            item.string("Status") or "",
        )
        self.keep(self.inventory.resolver_endpoints, eid, endpoint, "resolver endpoint")
        if item.has("IpAddresses"):  # embedded by the live import
            self.resolver_ips(eid, item.objs("IpAddresses"))

    def resolver_ips(self, eid: str, items: list[Obj]) -> None:
        found = self.inventory.resolver_addresses.setdefault(eid, [])
        for x in items:
            subnet = x.ident("SubnetId")
            if subnet is None:
                self.problem(f"{x.where}: a resolver endpoint address without its subnet: ignored")
                continue
            address = ResolverAddress(subnet, x.string("Ip"), x.string("Status") or "ATTACHED")
            if address not in found:
                found.append(address)

    def resolver_rule(self, item: Obj) -> None:
        rid = item.need_ident("Id")
        if rid is None or item.string("Status") in _GONE_RESOLVER:
            return
        targets = tuple(
            ResolverTarget(t.string("Ip"), t.integer("Port"), t.string("Ipv6"))
            for t in item.objs("TargetIps")
        )
        rule = ResolverRule(
            rid,
            item.string("Name"),
            (item.string("DomainName") or "").lower().rstrip("."),
            (item.string("RuleType") or "").upper(),
            targets,
            item.ident("ResolverEndpointId"),
            item.string("OwnerId"),
            item.string("Status") or "",
        )
        self.keep(self.inventory.resolver_rules, rid, rule, "resolver rule")

    def rule_association(self, item: Obj) -> None:
        rule, vpc = item.need_ident("ResolverRuleId"), item.need_ident("VPCId")
        if rule is None or vpc is None or item.string("Status") in _IDLE_ASSOCIATION:
            return
        found = self.inventory.rule_vpcs.setdefault(rule, [])
        if vpc not in found:
            found.append(vpc)

    def flow_log(self, item: Obj) -> None:
        fid, resource = item.need_ident("FlowLogId"), item.need_ident("ResourceId")
        if fid is None or resource is None:
            return
        log = FlowLog(
            fid,
            resource,
            item.string("LogDestinationType") or "cloud-watch-logs",
            (item.string("TrafficType") or "ALL").upper(),
            (item.string("FlowLogStatus") or "ACTIVE").upper(),
        )
        self.keep(self.inventory.flow_logs, fid, log, "flow log")

    def mirror_session(self, item: Obj) -> None:
        sid = item.need_ident("TrafficMirrorSessionId")
        eni, target = (
            item.need_ident("NetworkInterfaceId"),
            item.need_ident("TrafficMirrorTargetId"),
        )
        if sid is None or eni is None or target is None:
            return
        session = MirrorSession(
            sid,
            eni,
            target,
            item.integer("SessionNumber") or 0,
            item.string("TrafficMirrorFilterId"),
        )
        self.keep(self.inventory.mirror_sessions, sid, session, "traffic mirror session")

    def mirror_target(self, item: Obj) -> None:
        tid = item.string("TrafficMirrorTargetId")
        if tid is None:
            self.problem(f"{item.where}: a traffic mirror target without its id: not imported")
            return
        target = MirrorTarget(
            tid,
            item.string("Type") or "network-interface",
            item.ident("NetworkInterfaceId"),
            item.string("NetworkLoadBalancerArn"),
            item.ident("GatewayLoadBalancerEndpointId"),
        )
        self.keep(self.inventory.mirror_targets, tid, target, "traffic mirror target")


#: The lists of a per-route-table transit gateway output (its file name names the table).
_TGW_TABLE_LISTS = frozenset({"Routes", "TransitGatewayRouteTablePropagations", "Associations"})
#: The same lists beside the table's id (``Propagations`` is the live importer's name).
_TGW_ENTRY_LISTS = (
    "Routes",
    "Propagations",
    "TransitGatewayRouteTablePropagations",
    "Associations",
)
#: Lists of a per-resource output whose file name must hold the resource's id: the
#: pattern of that id, and what the list is of (for the warning).
_NAMED_LISTS: Mapping[str, tuple[re.Pattern[str], str]] = {
    "Entries": (PREFIX_LIST_ID, "a prefix list"),
    "ResourceRecordSets": (HOSTED_ZONE_ID, "a hosted zone (list-resource-record-sets)"),
    "IpAddresses": (
        RESOLVER_ENDPOINT_ID,
        "a resolver endpoint (list-resolver-endpoint-ip-addresses)",
    ),
}
#: describe-vpc-attribute's keys, and the attribute each is.
_VPC_ATTRIBUTES = {
    "EnableDnsSupport": "enableDnsSupport",
    "EnableDnsHostnames": "enableDnsHostnames",
}
#: Its other attributes, which say nothing about the network.
_OTHER_VPC_ATTRIBUTES = ("EnableNetworkAddressUsageMetrics",)
#: Statuses of a resolver endpoint or rule that is being deleted or was never made.
_GONE_RESOLVER = frozenset({"DELETING", "FAILED"})
#: Statuses of a rule association that does not apply: being deleted, failed, or
#: overridden (another rule for the same domain was associated with the VPC).
_IDLE_ASSOCIATION = frozenset({"DELETING", "FAILED", "OVERRIDDEN"})
#: What a resource of another service says when it is gone.
_GONE_STATES = frozenset({"deleted", "deleting", "delete-complete", "delete-in-progress"})
#: Where a resource of another service says it is gone.
_STATE_KEYS = (
    "State",
    "state",
    "directConnectGatewayState",
    "DirectConnectGatewayState",
    "connectionState",
    "virtualInterfaceState",
    "VirtualInterfaceState",
    "lagState",
    "associationState",
    "AssociationState",
    "DBInstanceStatus",
)


def _region(text: str | None) -> str | None:
    """A region name as AWS wrote it, or ``None`` for anything that is none."""
    return text if text is not None and REGION.fullmatch(text) else None


def _permission(item: Obj) -> Permission:
    groups = tuple(
        GroupRef(g, pair.ident("VpcId"), pair.string("UserId"), pair.string("PeeringStatus"))
        for pair in item.objs("UserIdGroupPairs")
        if (g := pair.ident("GroupId"))
    )
    return Permission(
        (item.text("IpProtocol") or "-1").lower(),
        item.integer("FromPort"),
        item.integer("ToPort"),
        each_string(item.objs("IpRanges"), "CidrIp"),
        each_string(item.objs("Ipv6Ranges"), "CidrIpv6"),
        groups,
        each_string(item.objs("PrefixListIds"), "PrefixListId"),
    )
