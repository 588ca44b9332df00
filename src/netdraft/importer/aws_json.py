"""Read the JSON that ``aws ec2 describe-*`` prints into an inventory of plain dataclasses.

Each response is recognised by its top-level key (``Vpcs``, ``Subnets``, ``Reservations``…),
never by its file name, so ``aws ec2 describe-vpcs > anything.json`` works; one file may
also hold several responses' keys. The three per-route-table transit gateway outputs
(``search-transit-gateway-routes``, ``get-transit-gateway-route-table-propagations`` and
``-associations``) do not say which table they describe, so their file name must contain
the table's ``tgw-rtb-…`` id; the live importer instead puts ``Routes``, ``Propagations``
and ``Associations`` inside each entry of ``TransitGatewayRouteTables``.

:func:`parse` is pure (responses in, inventory out); :func:`read_dir` is the thin layer
that finds the files of a folder, one region per ``[account/]region/`` folder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: A region name such as ``us-east-1``, ``eu-central-2`` or ``us-gov-west-1``.
REGION = re.compile(r"[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+")
ACCOUNT = re.compile(r"\d{12}")
TGW_ROUTE_TABLE_ID = re.compile(r"tgw-rtb-[0-9a-f]+")

Json = Mapping[str, Any]


class DumpError(Exception):
    """The folder cannot be read as AWS CLI output (no folder, no JSON files, invalid JSON)."""


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
    destination: str
    kind: str  # static | propagated
    state: str  # active | blackhole
    attachments: tuple[str, ...]


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


@dataclass(frozen=True, slots=True)
class DhcpOptions:
    id: str
    domain: str | None


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
    dhcp_options: dict[str, DhcpOptions] = field(default_factory=dict)
    #: The region of every regional resource that needs one (VPCs carry their own).
    region_of: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


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
        DumpError: the folder does not exist, holds no JSON file, or a file is not JSON.
    """
    root = Path(path)
    if not root.is_dir():
        raise DumpError(f"no such folder: {path}")
    folders: dict[Path, list[tuple[str, Json]]] = {}
    for file in sorted(root.rglob("*.json")):
        try:
            data = json.loads(file.read_text("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DumpError(f"{file}: not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise DumpError(f"{file}: expected a JSON object, as 'aws ec2 describe-…' prints")
        folders.setdefault(file.parent.relative_to(root), []).append(
            (file.relative_to(root).as_posix(), data)
        )
    if not folders:
        raise DumpError(f"no .json files in {path}")
    dumps = []
    for folder, responses in sorted(folders.items()):
        region = next((p for p in reversed(folder.parts) if REGION.fullmatch(p)), None)
        account = next((p for p in folder.parts if ACCOUNT.fullmatch(p)), None)
        dumps.append(Dump(region, account, tuple(responses)))
    return parse(dumps, default_region)


# ---- parsing ---------------------------------------------------------------------------------------


def parse(dumps: Iterable[Dump], default_region: str | None = None) -> Inventory:
    """Read the responses of each region into one inventory.

    Args:
        dumps: the responses, grouped by region.
        default_region: the region of a dump that names none and whose content tells none.

    Returns:
        The inventory; responses it does not know are listed in its ``warnings``.
    """
    reader = _Reader(Inventory())
    for dump in dumps:
        region = dump.region or _infer_region(dump.responses) or default_region
        if region is None:
            region = "us-east-1"
            where = ", ".join(src for src, _ in dump.responses[:3])
            reader.warn(
                f"the region of {where} is unknown (no region folder, no subnet zones or ARNs): assumed {region}"
            )
        reader.dump(region, dump.account, dump.responses)
    return reader.inventory


def _infer_region(responses: Sequence[tuple[str, Json]]) -> str | None:
    """The region the content names: an availability zone or an ARN."""
    text = json.dumps([data for _src, data in responses])
    for pattern in (r'"AvailabilityZone": "([^"]+)"', r'"arn:aws[a-z-]*:ec2:([^:]+):'):
        for found in re.finditer(pattern, text):
            match = REGION.match(found.group(1))
            if match:
                return match.group(0)
    return None


def _items(data: Json, key: str) -> list[Json]:
    value = data.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _name(item: Json) -> str | None:
    for key in ("Tags", "TagSet"):
        for tag in _items(item, key):
            if (
                tag.get("Key") == "Name"
                and isinstance(tag.get("Value"), str)
                and tag["Value"].strip()
            ):
                return str(tag["Value"])
    return None


def _obj(item: Json, key: str) -> Json:
    value = item.get(key)
    return value if isinstance(value, dict) else {}


def _str(item: Json, key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) and value else None


def _int(item: Json, key: str) -> int | None:
    value = item.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return None


def _strs(values: Iterable[Json], key: str) -> tuple[str, ...]:
    return tuple(v for item in values if (v := _str(item, key)))


def _state(item: Json, key: str = "State") -> str:
    value = item.get(key)
    if isinstance(value, dict):
        value = value.get("Name") or value.get("Code") or value.get("State")
    return value if isinstance(value, str) else ""


#: Output keys of calls whose resources the language cannot hold: listed as warnings.
UNREPRESENTABLE: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "LoadBalancers": ("load balancer", ("LoadBalancerName", "LoadBalancerArn")),
    "LoadBalancerDescriptions": ("classic load balancer", ("LoadBalancerName",)),
    "directConnectGateways": (
        "Direct Connect gateway",
        ("directConnectGatewayName", "directConnectGatewayId"),
    ),
    "connections": ("Direct Connect connection", ("connectionName", "connectionId")),
    "virtualInterfaces": (
        "Direct Connect virtual interface",
        ("virtualInterfaceName", "virtualInterfaceId"),
    ),
    "DirectConnectGatewayAssociations": ("Direct Connect gateway association", ("AssociationId",)),
    "Firewalls": ("network firewall", ("FirewallName", "FirewallArn")),
    "CarrierGateways": ("carrier gateway", ("CarrierGatewayId",)),
    "LocalGatewayRouteTables": ("local gateway route table", ("LocalGatewayRouteTableId",)),
    "TransitGatewayPeeringAttachments": (
        "transit gateway peering attachment",
        ("TransitGatewayAttachmentId",),
    ),
    "TransitGatewayConnects": (
        "transit gateway connect attachment",
        ("TransitGatewayAttachmentId",),
    ),
    "ManagedPrefixLists": ("managed prefix list", ("PrefixListName", "PrefixListId")),
    "ServiceNetworks": ("VPC Lattice service network", ("name", "id")),
    "ClientVpnEndpoints": ("Client VPN endpoint", ("ClientVpnEndpointId",)),
    "TrafficMirrorSessions": ("traffic mirror session", ("TrafficMirrorSessionId",)),
}

#: Keys that carry no resources (pagination, request metadata).
_IGNORED_KEYS = frozenset(
    {
        "NextToken",
        "ResponseMetadata",
        "AdditionalRoutesAvailable",
        "nextToken",
        "NextMarker",
        "Marker",
    }
)


class _Reader:
    """Adds one response after another to the inventory."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.handlers: dict[str, Callable[[Json], None]] = {
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
            "TransitGatewayRoutes": self.tgw_routes_entry,
            "VpnGateways": self.vpn_gateway,
            "VpnConnections": self.vpn_connection,
            "CustomerGateways": self.customer_gateway,
            "VpcEndpoints": self.endpoint,
            "DhcpOptions": self.dhcp_options,
        }
        self.region = ""
        self.account: str | None = None
        self.described_attachments: set[str] = set()
        self.source = ""

    def warn(self, message: str) -> None:
        if message not in self.inventory.warnings:
            self.inventory.warnings.append(message)

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

    def response(self, source: str, data: Json) -> None:
        table = TGW_ROUTE_TABLE_ID.search(Path(source).name)
        known = False
        for key, value in data.items():
            if key in _IGNORED_KEYS:
                continue
            if key == "NetdraftWarnings" and isinstance(value, list):
                known = True
                for message in value:
                    self.warn(str(message))
                continue
            if key in self.handlers and isinstance(value, list):
                known = True
                for item in value:
                    if isinstance(item, dict):
                        self.handlers[key](item)
            elif key in (
                "Routes",
                "TransitGatewayRouteTablePropagations",
                "Associations",
            ) and isinstance(value, list):
                known = True
                if table is None:
                    self.warn(
                        f"{source}: '{key}' of a transit gateway route table, but the file name does not hold the table's 'tgw-rtb-…' id: not imported"
                    )
                    continue
                self.table_list(table.group(0), key, [v for v in value if isinstance(v, dict)])
            elif key in UNREPRESENTABLE and isinstance(value, list):
                known = True
                kind, name_keys = UNREPRESENTABLE[key]
                for item in value:
                    if isinstance(item, dict):
                        label = next((str(item[k]) for k in name_keys if item.get(k)), "?")
                        self.warn(f"{kind} '{label}' is not imported: the language has no {kind}s")
        if not known:
            keys = ", ".join(sorted(data)) or "none"
            self.warn(
                f"{source}: not a response the importer knows (top-level keys: {keys}): not imported"
            )

    # -- one handler per response key ---------------------------------------------------

    def vpc(self, item: Json) -> None:
        vid = _str(item, "VpcId")
        if vid is None or _state(item) not in ("available", "pending", ""):
            return
        cidrs: list[str] = []
        primary = _str(item, "CidrBlock")
        if primary:
            cidrs.append(primary)
        for assoc in _items(item, "CidrBlockAssociationSet"):
            cidr = _str(assoc, "CidrBlock")
            state = _state(assoc, "CidrBlockState")
            if cidr and cidr not in cidrs and state in ("associated", "associating", ""):
                cidrs.append(cidr)
        ipv6 = tuple(
            c
            for assoc in _items(item, "Ipv6CidrBlockAssociationSet")
            if (c := _str(assoc, "Ipv6CidrBlock"))
            and _state(assoc, "Ipv6CidrBlockState") in ("associated", "associating", "")
        )
        dhcp = _str(item, "DhcpOptionsId")
        self.inventory.vpcs.setdefault(
            vid,
            Vpc(
                vid,
                self.region,
                _name(item),
                tuple(cidrs),
                ipv6,
                dhcp if dhcp != "default" else None,
                _str(item, "OwnerId") or self.account,
            ),
        )

    def subnet(self, item: Json) -> None:
        sid, vpc = _str(item, "SubnetId"), _str(item, "VpcId")
        if sid is None or vpc is None:
            return
        ipv6 = tuple(
            c
            for assoc in _items(item, "Ipv6CidrBlockAssociationSet")
            if (c := _str(assoc, "Ipv6CidrBlock"))
            and _state(assoc, "Ipv6CidrBlockState") in ("associated", "associating", "")
        )
        subnet = Subnet(
            sid,
            vpc,
            _name(item),
            _str(item, "CidrBlock"),
            _str(item, "AvailabilityZone") or "",
            ipv6,
            item.get("MapPublicIpOnLaunch") is True,
        )
        self.inventory.subnets.setdefault(sid, subnet)

    def route_table(self, item: Json) -> None:
        rid, vpc = _str(item, "RouteTableId"), _str(item, "VpcId")
        if rid is None or vpc is None:
            return
        routes = []
        for r in _items(item, "Routes"):
            targets = {
                k: v
                for k in (
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
                if (v := _str(r, k))
            }
            dest = _str(r, "DestinationCidrBlock") or _str(r, "DestinationIpv6CidrBlock")
            routes.append(
                Route(
                    dest,
                    _str(r, "DestinationPrefixListId"),
                    targets,
                    _str(r, "State") or "active",
                    _str(r, "Origin") or "CreateRoute",
                )
            )
        subnets: list[str] = []
        edges: list[str] = []
        main = False
        for assoc in _items(item, "Associations"):
            if _state(assoc, "AssociationState") not in ("associated", "associating", ""):
                continue
            if assoc.get("Main") is True:
                main = True
            if (sn := _str(assoc, "SubnetId")) is not None:
                subnets.append(sn)
            elif (gw := _str(assoc, "GatewayId")) is not None:
                edges.append(gw)
        vgws = _strs(_items(item, "PropagatingVgws"), "GatewayId")
        table = RouteTable(
            rid, vpc, _name(item), tuple(routes), tuple(subnets), main, tuple(edges), vgws
        )
        self.inventory.route_tables.setdefault(rid, table)

    def _attachments(self, item: Json, key: str = "Attachments") -> tuple[str, ...]:
        return tuple(
            vpc
            for att in _items(item, key)
            if (vpc := _str(att, "VpcId"))
            and _state(att) in ("available", "attached", "attaching", "")
        )

    def internet_gateway(self, item: Json) -> None:
        gid = _str(item, "InternetGatewayId")
        if gid is not None:
            self.inventory.internet_gateways.setdefault(
                gid, Gateway(gid, _name(item), self._attachments(item))
            )

    def egress_only_gateway(self, item: Json) -> None:
        gid = _str(item, "EgressOnlyInternetGatewayId")
        if gid is not None:
            self.inventory.egress_only_gateways.setdefault(
                gid, Gateway(gid, _name(item), self._attachments(item))
            )

    def vpn_gateway(self, item: Json) -> None:
        gid = _str(item, "VpnGatewayId")
        if gid is None or _state(item) in ("deleted", "deleting"):
            return
        self.inventory.vpn_gateways.setdefault(
            gid, Gateway(gid, _name(item), self._attachments(item, "VpcAttachments"), _state(item))
        )
        self.inventory.region_of.setdefault(gid, self.region)

    def nat_gateway(self, item: Json) -> None:
        nid, vpc, subnet = _str(item, "NatGatewayId"), _str(item, "VpcId"), _str(item, "SubnetId")
        if nid is None or vpc is None or subnet is None:
            return
        # The primary address first (AWS lists them in any order).
        addresses = sorted(
            _items(item, "NatGatewayAddresses"),
            key=lambda a: (a.get("IsPrimary") is False, str(a.get("PublicIp", ""))),
        )
        nat = NatGateway(
            nid,
            vpc,
            subnet,
            _name(item),
            _state(item),
            _str(item, "ConnectivityType") == "private",
            _strs(addresses, "PublicIp"),
            _strs(addresses, "NetworkInterfaceId"),
        )
        self.inventory.nat_gateways.setdefault(nid, nat)

    def security_group(self, item: Json) -> None:
        gid, vpc = _str(item, "GroupId"), _str(item, "VpcId")
        if gid is None:
            return
        if vpc is None:
            self.warn(f"security group '{gid}' belongs to no VPC (EC2-Classic): not imported")
            return
        group = SecurityGroup(
            gid,
            vpc,
            _name(item),
            _str(item, "GroupName") or gid,
            tuple(_permission(p) for p in _items(item, "IpPermissions")),
            tuple(_permission(p) for p in _items(item, "IpPermissionsEgress")),
        )
        self.inventory.security_groups.setdefault(gid, group)

    def network_acl(self, item: Json) -> None:
        aid, vpc = _str(item, "NetworkAclId"), _str(item, "VpcId")
        if aid is None or vpc is None:
            return
        entries = []
        for e in _items(item, "Entries"):
            number = _int(e, "RuleNumber")
            if number is None:
                continue
            ports = _obj(e, "PortRange")
            icmp = _obj(e, "IcmpTypeCode")
            entries.append(
                AclEntry(
                    number,
                    e.get("Egress") is True,
                    _str(e, "RuleAction") or "deny",
                    str(e.get("Protocol", "-1")),
                    _str(e, "CidrBlock") or _str(e, "Ipv6CidrBlock"),
                    _int(ports, "From"),
                    _int(ports, "To"),
                    _int(icmp, "Type"),
                )
            )
        subnets = _strs(_items(item, "Associations"), "SubnetId")
        acl = NetworkAcl(
            aid, vpc, _name(item), item.get("IsDefault") is True, tuple(entries), subnets
        )
        self.inventory.network_acls.setdefault(aid, acl)

    def reservation(self, item: Json) -> None:
        for inst in _items(item, "Instances"):
            self.instance(inst)

    def instance(self, item: Json) -> None:
        iid = _str(item, "InstanceId")
        if iid is None:
            return
        enis = sorted(
            _items(item, "NetworkInterfaces"),
            key=lambda n: _int(_obj(n, "Attachment"), "DeviceIndex") or 0,
        )
        primary: Json = enis[0] if enis else {}
        ipv6 = _strs(_items(primary, "Ipv6Addresses"), "Ipv6Address") or tuple(
            filter(None, [_str(item, "Ipv6Address")])
        )
        private = [p for p in _items(primary, "PrivateIpAddresses") if p.get("Primary") is not True]
        groups = _strs(_items(primary, "Groups"), "GroupId") or _strs(
            _items(item, "SecurityGroups"), "GroupId"
        )
        instance = Instance(
            iid,
            _str(item, "VpcId"),
            _str(item, "SubnetId"),
            _name(item),
            _state(item),
            _str(item, "PrivateIpAddress"),
            ipv6,
            _str(item, "PublicIpAddress"),
            groups,
            item.get("SourceDestCheck") is not False,
            _strs(private, "PrivateIpAddress"),
            _strs(enis[1:], "NetworkInterfaceId"),
            _strs(enis, "NetworkInterfaceId"),
        )
        self.inventory.instances.setdefault(iid, instance)

    def interface(self, item: Json) -> None:
        eid = _str(item, "NetworkInterfaceId")
        if eid is None:
            return
        attachment = _obj(item, "Attachment")
        association = _obj(item, "Association")
        eni = NetworkInterface(
            eid,
            _str(item, "VpcId"),
            _str(item, "SubnetId"),
            _str(item, "InterfaceType") or "interface",
            _str(item, "Description") or "",
            _str(item, "RequesterId"),
            _str(attachment, "InstanceId"),
            _str(association, "AllocationId"),
        )
        self.inventory.interfaces.setdefault(eid, eni)

    def address(self, item: Json) -> None:
        ip = _str(item, "PublicIp")
        if ip is not None:
            address = Address(
                ip,
                _str(item, "AllocationId"),
                _str(item, "InstanceId"),
                _str(item, "NetworkInterfaceId"),
            )
            self.inventory.addresses.setdefault(ip, address)

    def peering(self, item: Json) -> None:
        pid = _str(item, "VpcPeeringConnectionId")
        requester = _obj(item, "RequesterVpcInfo")
        accepter = _obj(item, "AccepterVpcInfo")
        a, b = _str(requester, "VpcId"), _str(accepter, "VpcId")
        if pid is None or a is None or b is None:
            return
        status = _obj(item, "Status")
        self.inventory.peerings.setdefault(
            pid, Peering(pid, _name(item), a, b, _str(status, "Code") or "active")
        )

    def transit_gateway(self, item: Json) -> None:
        tid = _str(item, "TransitGatewayId")
        if tid is None:
            return
        options = _obj(item, "Options")
        assoc = (
            _str(options, "AssociationDefaultRouteTableId")
            if options.get("DefaultRouteTableAssociation") == "enable"
            else None
        )
        prop = (
            _str(options, "PropagationDefaultRouteTableId")
            if options.get("DefaultRouteTablePropagation") == "enable"
            else None
        )
        region = self.region
        arn = _str(item, "TransitGatewayArn")
        if arn and len(arn.split(":")) > 3 and REGION.fullmatch(arn.split(":")[3]):
            region = arn.split(":")[3]
        tgw = TransitGateway(tid, region, _name(item), _state(item), assoc, prop)
        self.inventory.transit_gateways.setdefault(tid, tgw)

    def tgw_attachment(self, item: Json) -> None:
        aid, tgw = _str(item, "TransitGatewayAttachmentId"), _str(item, "TransitGatewayId")
        if aid is None or tgw is None:
            return
        association = _obj(item, "Association")
        table = (
            _str(association, "TransitGatewayRouteTableId")
            if _state(association) in ("associated", "associating", "")
            else None
        )
        att = TgwAttachment(
            aid,
            tgw,
            _name(item),
            _str(item, "ResourceType") or "vpc",
            _str(item, "ResourceId") or "",
            _state(item),
            table,
        )
        if aid not in self.described_attachments:
            # This call's entry wins over one of describe-transit-gateway-vpc-attachments,
            # which has no association.
            self.described_attachments.add(aid)
            self.inventory.tgw_attachments[aid] = att

    def tgw_vpc_attachment(self, item: Json) -> None:
        aid, tgw, vpc = (
            _str(item, "TransitGatewayAttachmentId"),
            _str(item, "TransitGatewayId"),
            _str(item, "VpcId"),
        )
        if aid is None or tgw is None:
            return
        if vpc is not None:
            # Moto lists a VPN attachment here too; only VPC attachments carry a VpcId.
            self.inventory.tgw_attachment_subnets.setdefault(
                aid, tuple(item.get("SubnetIds") or ())
            )
            self.inventory.tgw_attachments.setdefault(
                aid, TgwAttachment(aid, tgw, _name(item), "vpc", vpc, _state(item), None)
            )

    def tgw_route_table(self, item: Json) -> None:
        tid, tgw = _str(item, "TransitGatewayRouteTableId"), _str(item, "TransitGatewayId")
        if tid is None or tgw is None or _state(item) in ("deleted", "deleting"):
            return
        table = TgwRouteTable(
            tid, tgw, _name(item), item.get("DefaultAssociationRouteTable") is True
        )
        self.inventory.tgw_route_tables.setdefault(tid, table)
        if item.get("NetdraftRoutesTruncated") is True:
            self.warn(
                f"transit gateway route table '{tid}' has more than 1000 routes: only the first 1000 are imported"
            )
        for key in ("Routes", "Propagations", "Associations"):
            if isinstance(item.get(key), list):
                self.table_list(tid, key, _items(item, key))

    def tgw_routes_entry(self, item: Json) -> None:
        table = _str(item, "TransitGatewayRouteTableId")
        if table is not None:
            self.table_list(table, "Routes", _items(item, "Routes"))

    def table_list(self, table: str, key: str, items: list[Json]) -> None:
        inv = self.inventory
        if key == "Routes":
            routes = inv.tgw_routes.setdefault(table, [])
            for r in items:
                dest = _str(r, "DestinationCidrBlock")
                if dest is None:
                    if _str(r, "PrefixListId"):
                        self.warn(
                            f"transit gateway route table '{table}' routes prefix list '{r['PrefixListId']}': prefix list references are not imported"
                        )
                    continue
                atts = _strs(_items(r, "TransitGatewayAttachments"), "TransitGatewayAttachmentId")
                route = TgwRoute(
                    table, dest, _str(r, "Type") or "static", _str(r, "State") or "active", atts
                )
                if all(x.destination != dest for x in routes):
                    routes.append(route)
        else:
            target = inv.tgw_propagations if key != "Associations" else inv.tgw_associations
            found = target.setdefault(table, [])
            for p in items:
                att = _str(p, "TransitGatewayAttachmentId")
                if (
                    att
                    and att not in found
                    and _state(p) in ("enabled", "associated", "enabling", "associating", "")
                ):
                    found.append(att)

    def vpn_connection(self, item: Json) -> None:
        vid, cgw = _str(item, "VpnConnectionId"), _str(item, "CustomerGatewayId")
        if vid is None or cgw is None or _state(item) in ("deleted", "deleting"):
            return
        options = _obj(item, "Options")
        routes = tuple(
            c
            for r in _items(item, "Routes")
            if (c := _str(r, "DestinationCidrBlock")) and _state(r) in ("available", "pending", "")
        )
        telemetry = _items(item, "VgwTelemetry")
        up = sum(1 for t in telemetry if _str(t, "Status") == "UP") if telemetry else None
        vpn = VpnConnection(
            vid,
            _name(item),
            _state(item),
            cgw,
            _str(item, "VpnGatewayId"),
            _str(item, "TransitGatewayId"),
            options.get("StaticRoutesOnly") is True,
            routes,
            up,
        )
        self.inventory.vpn_connections.setdefault(vid, vpn)
        self.inventory.region_of.setdefault(vid, self.region)

    def customer_gateway(self, item: Json) -> None:
        cid = _str(item, "CustomerGatewayId")
        if cid is None:
            return
        cgw = CustomerGateway(cid, _name(item), _str(item, "IpAddress"), _state(item))
        self.inventory.customer_gateways.setdefault(cid, cgw)

    def endpoint(self, item: Json) -> None:
        eid, vpc = _str(item, "VpcEndpointId"), _str(item, "VpcId")
        if eid is None or vpc is None:
            return
        endpoint = Endpoint(
            eid,
            vpc,
            _name(item),
            _str(item, "VpcEndpointType") or "Interface",
            _str(item, "ServiceName") or "",
            _state(item).lower(),
            tuple(item.get("RouteTableIds") or ()),
            tuple(item.get("SubnetIds") or ()),
            _strs(_items(item, "Groups"), "GroupId"),
            item.get("PrivateDnsEnabled") is not False,
            tuple(item.get("NetworkInterfaceIds") or ()),
        )
        self.inventory.endpoints.setdefault(eid, endpoint)

    def dhcp_options(self, item: Json) -> None:
        did = _str(item, "DhcpOptionsId")
        if did is None:
            return
        domain = None
        for conf in _items(item, "DhcpConfigurations"):
            if conf.get("Key") == "domain-name":
                values = _strs(_items(conf, "Values"), "Value")
                domain = values[0].split()[0] if values and values[0].split() else None
        self.inventory.dhcp_options.setdefault(did, DhcpOptions(did, domain))


def _permission(item: Json) -> Permission:
    groups = tuple(
        GroupRef(g, _str(pair, "VpcId"), _str(pair, "UserId"), _str(pair, "PeeringStatus"))
        for pair in _items(item, "UserIdGroupPairs")
        if (g := _str(pair, "GroupId"))
    )
    return Permission(
        str(item.get("IpProtocol", "-1")).lower(),
        _int(item, "FromPort"),
        _int(item, "ToPort"),
        _strs(_items(item, "IpRanges"), "CidrIp"),
        _strs(_items(item, "Ipv6Ranges"), "CidrIpv6"),
        groups,
        _strs(_items(item, "PrefixListIds"), "PrefixListId"),
    )
