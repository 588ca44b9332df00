"""Infrastructure as code → the responses ``aws ec2 describe-*`` would print once it is applied.

Terraform and CloudFormation describe a network as resources that name each other; the
aws-json importer already knows what AWS makes of the network those resources create (the
main route table, the default security group and ACL, which route goes where). So the IaC
readers turn each resource into the describe-* entry it will become, with a key of the
importer's choosing for an id (its fallback name), and hand the responses to
:func:`netdraft.importer.aws_json.parse`; :func:`netdraft.importer.build.build` writes the file.

Resources arrive in Terraform's shape (``aws_subnet`` with ``vpc_id``, ``cidr_block``…): the
CloudFormation reader renames its properties to it. A value that names another resource is
either a literal id (a state file, a CloudFormation ``Ref``) or unknown (a plan): then the
reader's :class:`Resolver` finds the resource from the configuration's references.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from typing import Any

from netdraft.importer import aws_json as aws
from netdraft.importer.names import sanitize
from netdraft.importer.terminals import network, one_line

Json = dict[str, Any]


@dataclass
class Resource:
    """One resource instance, in Terraform's attribute names."""

    address: str  # module.vpc.aws_subnet.private[0], or a CloudFormation logical id
    type: str  # aws_subnet
    name: str  # private
    module: str = ""  # module.vpc (no index)
    index: str | None = None  # 0, "a" (a for_each key)
    values: Mapping[str, Any] = field(default_factory=dict)
    real_id: str | None = None  # the AWS id, in a state file
    region: str | None = None
    #: The provider configuration it is made with (``aws.west``), when the source says.
    provider: str = ""


#: Finds the resources an attribute refers to when its value is not known.
Resolver = Callable[[Resource, str], list[Resource]]

#: Short words that tell two resources of different kinds with the same name apart.
KIND_WORDS = {
    "aws_vpc": "vpc",
    "aws_default_vpc": "vpc",
    "aws_subnet": "subnet",
    "aws_default_subnet": "subnet",
    "aws_route_table": "rt",
    "aws_default_route_table": "rt",
    "aws_internet_gateway": "igw",
    "aws_egress_only_internet_gateway": "eigw",
    "aws_nat_gateway": "nat",
    "aws_security_group": "sg",
    "aws_default_security_group": "sg",
    "aws_network_acl": "acl",
    "aws_default_network_acl": "acl",
    "aws_instance": "instance",
    "aws_network_interface": "eni",
    "aws_vpc_peering_connection": "pcx",
    "aws_ec2_transit_gateway": "tgw",
    "aws_ec2_transit_gateway_vpc_attachment": "attachment",
    "aws_ec2_transit_gateway_route_table": "tgw-rt",
    "aws_vpn_gateway": "vgw",
    "aws_customer_gateway": "cgw",
    "aws_vpn_connection": "vpn",
    "aws_vpc_endpoint": "endpoint",
    "aws_eip": "eip",
    "aws_ec2_managed_prefix_list": "pl",
    "aws_vpc_dhcp_options": "dhcp",
    "aws_lb": "lb",
    "aws_alb": "lb",
    "aws_lb_listener": "listener",
    "aws_alb_listener": "listener",
    "aws_lb_target_group": "tg",
    "aws_alb_target_group": "tg",
    "aws_route53_zone": "zone",
    "aws_route53_record": "record",
    "aws_route53_resolver_endpoint": "resolver",
    "aws_route53_resolver_rule": "rule",
    "aws_ec2_transit_gateway_peering_attachment": "tgw-peering",
    "aws_flow_log": "flow-log",
    "aws_ec2_traffic_mirror_session": "mirror",
    "aws_ec2_traffic_mirror_target": "mirror-target",
    "aws_ec2_traffic_mirror_filter": "mirror-filter",
    "aws_vpc_ipam": "ipam",
    "aws_vpc_ipam_scope": "ipam-scope",
    "aws_vpc_ipam_pool": "pool",
    "aws_globalaccelerator_accelerator": "ga",
    "aws_globalaccelerator_listener": "ga-listener",
    "aws_globalaccelerator_endpoint_group": "endpoint-group",
    "aws_dx_connection": "dx",
    "aws_dx_hosted_connection": "dx",
    "aws_dx_lag": "lag",
    "aws_dx_gateway": "dxgw",
    "aws_dx_gateway_association": "dxgw-association",
    "aws_dx_gateway_association_proposal": "dxgw-proposal",
    "aws_dx_private_virtual_interface": "vif",
    "aws_dx_transit_virtual_interface": "vif",
    "aws_dx_public_virtual_interface": "vif",
    "aws_dx_hosted_private_virtual_interface": "vif",
    "aws_dx_hosted_transit_virtual_interface": "vif",
    "aws_dx_hosted_public_virtual_interface": "vif",
    "aws_dx_hosted_private_virtual_interface_accepter": "vif-accepter",
    "aws_dx_hosted_transit_virtual_interface_accepter": "vif-accepter",
    "aws_dx_hosted_public_virtual_interface_accepter": "vif-accepter",
}

#: The ARN a Global Accelerator resource is given here: its accelerator, listener and
#: endpoint group ARNs nest (``…/listener/…/endpoint-group/…``), which is how the
#: ``aws-json`` reader finds what each belongs to.
GA_ARN = "arn:aws:globalaccelerator::123456789012:accelerator/"

#: A VPC of one's own, and the default VPC of a region, which Terraform adopts.
VPC_TYPES = frozenset({"aws_vpc", "aws_default_vpc"})

#: Load balancers, their listeners and target groups (``aws_alb*`` are the older names).
LB_TYPES = frozenset({"aws_lb", "aws_alb"})
TARGET_GROUP_TYPES = frozenset({"aws_lb_target_group", "aws_alb_target_group"})
#: Resources that accept what another one requests: they share its AWS id, which names
#: the requester.
ACCEPTERS = frozenset(
    {
        "aws_vpc_peering_connection_accepter",
        "aws_ec2_transit_gateway_peering_attachment_accepter",
        "aws_dx_hosted_private_virtual_interface_accepter",
        "aws_dx_hosted_transit_virtual_interface_accepter",
        "aws_dx_hosted_public_virtual_interface_accepter",
        "aws_ec2_transit_gateway_vpc_attachment_accepter",
    }
)

#: Resources whose AWS id is another resource's (a connection's LAG membership, the
#: confirmation of a hosted connection, are the connection's id): the id names that other
#: resource.
SHARED_IDS = frozenset({"aws_dx_connection_association", "aws_dx_connection_confirmation"})

#: Direct Connect virtual interfaces: each type's kind and whether another account's
#: accepter gives it its gateway (a hosted one).
DX_VIFS = {
    "aws_dx_private_virtual_interface": ("private", False),
    "aws_dx_transit_virtual_interface": ("transit", False),
    "aws_dx_public_virtual_interface": ("public", False),
    "aws_dx_hosted_private_virtual_interface": ("private", True),
    "aws_dx_hosted_transit_virtual_interface": ("transit", True),
    "aws_dx_hosted_public_virtual_interface": ("public", True),
}

#: Modules' conventional resource names, which say nothing: the Name tag replaces them.
CONVENTIONAL = frozenset({"this", "main", "default", "self"})

#: Terraform's route target attributes → the field describe-route-tables uses.
ROUTE_TARGETS = {
    "gateway_id": "GatewayId",
    "nat_gateway_id": "NatGatewayId",
    "instance_id": "InstanceId",
    "network_interface_id": "NetworkInterfaceId",
    "vpc_peering_connection_id": "VpcPeeringConnectionId",
    "transit_gateway_id": "TransitGatewayId",
    "egress_only_gateway_id": "EgressOnlyInternetGatewayId",
    "vpc_endpoint_id": "VpcEndpointId",
    "carrier_gateway_id": "CarrierGatewayId",
    "local_gateway_id": "LocalGatewayId",
    "core_network_arn": "CoreNetworkArn",
}

#: What a ``gateway_id`` (which takes any gateway) really names, by resource type or id prefix.
_GATEWAY_KIND = {
    "aws_nat_gateway": "NatGatewayId",
    "nat-": "NatGatewayId",
    "aws_egress_only_internet_gateway": "EgressOnlyInternetGatewayId",
    "eigw-": "EgressOnlyInternetGatewayId",
    "aws_ec2_transit_gateway": "TransitGatewayId",
    "tgw-": "TransitGatewayId",
    "aws_vpc_peering_connection": "VpcPeeringConnectionId",
    "pcx-": "VpcPeeringConnectionId",
    "aws_instance": "InstanceId",
    "i-": "InstanceId",
    "aws_network_interface": "NetworkInterfaceId",
    "eni-": "NetworkInterfaceId",
}

#: The route target attribute that names a resource of each type (for inline routes).
_TARGET_ATTR = {
    "aws_internet_gateway": "gateway_id",
    "aws_vpn_gateway": "gateway_id",
    "aws_nat_gateway": "nat_gateway_id",
    "aws_egress_only_internet_gateway": "egress_only_gateway_id",
    "aws_ec2_transit_gateway": "transit_gateway_id",
    "aws_vpc_peering_connection": "vpc_peering_connection_id",
    "aws_network_interface": "network_interface_id",
    "aws_instance": "instance_id",
    "aws_vpc_endpoint": "vpc_endpoint_id",
}

_PROTOCOL_NUMBERS = {"all": "-1", "tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58"}


def tag_name(values: Mapping[str, Any]) -> str | None:
    """The ``Name`` tag of a resource's values."""
    for key in ("tags", "tags_all"):
        tags = values.get(key)
        if isinstance(tags, Mapping) and isinstance(tags.get("Name"), str) and tags["Name"].strip():
            return str(tags["Name"])
    return None


def assign_keys(resources: Sequence[Resource]) -> dict[str, str]:
    """A distinct key for each resource: its fallback name and its id in the responses.

    The Terraform resource name (a CloudFormation logical id), the ``Name`` tag in place of
    ``this``/``main``; then the index, the module path and a word for the kind are added
    only where two resources would share it.
    """

    def base(r: Resource) -> str:
        if r.name in CONVENTIONAL and (tag := sanitize(tag_name(r.values))):
            return tag
        if r.name in CONVENTIONAL and r.module:
            return r.module.rsplit(".", 1)[-1]
        return r.name.removeprefix("tfer--")  # Terraformer's prefix

    def kind(r: Resource) -> str:
        return KIND_WORDS.get(r.type, r.type.removeprefix("aws_").replace("_", "-"))

    def index(r: Resource) -> list[str]:
        return [] if r.index is None else [r.index]

    def module(r: Resource) -> list[str]:
        return [m for m in _strip_module(r.module).split(".") if m and m != "module"]

    levels: list[Callable[[Resource], list[str]]] = [
        lambda r: [base(r)],
        lambda r: [base(r), *index(r)],
        lambda r: [base(r), kind(r)],
        lambda r: [base(r), *index(r), kind(r)],
        lambda r: [*module(r), base(r), *index(r), kind(r)],
    ]
    own = {r.address: sanitize(tag_name(r.values)) for r in resources}
    tags = set(own.values())  # a key must not take another resource's Name tag
    keys: dict[str, str] = {}
    pending = list(resources)
    for level in levels:
        proposals = {r.address: _key("-".join(level(r))) for r in pending}
        counts: dict[str, int] = {}
        for k in proposals.values():
            counts[k] = counts.get(k, 0) + 1
        taken = set(keys.values())
        for r in list(pending):
            k = proposals[r.address]
            if counts[k] == 1 and k not in taken and (k not in tags or k == own.get(r.address)):
                keys[r.address] = k
                pending.remove(r)
    for r in pending:
        stem = _key(f"{r.name}-{KIND_WORDS.get(r.type, 'x')}")
        k, n = stem, 2
        while k in keys.values():
            k, n = f"{stem}-{n}", n + 1
        keys[r.address] = k
    return keys


def _strip_module(module: str) -> str:
    """A module path without its indexes' brackets (``module.a[0]`` → ``module.a.0``)."""
    return module.replace('["', ".").replace('"]', "").replace("[", ".").replace("]", "")


def _key(text: str) -> str:
    return sanitize(text) or "_"


class Converter:
    """Turns resources into describe-* responses, one set per region."""

    def __init__(
        self, resources: Sequence[Resource], resolver: Resolver | None, default_region: str
    ) -> None:
        self.resources = sorted(resources, key=lambda r: r.address)
        self.resolver = resolver
        self.default_region = default_region
        self.keys = assign_keys(self.resources)
        self.by_address = {r.address: r for r in self.resources}
        self.by_real_id = {
            r.real_id: self.keys[r.address]
            for r in self.resources
            if r.real_id and r.type not in ACCEPTERS and r.type not in SHARED_IDS
        }
        self.kind_of_key = {self.keys[r.address]: r.type for r in self.resources}
        self.index_of = {self.keys[r.address]: r.index for r in self.resources}
        self.warnings: list[str] = []
        self.origins: dict[str, str] = {}
        self.out: dict[str, dict[str, list[Json]]] = {}
        self.entries: dict[str, Json] = {}  # key -> its describe entry (to add to later)
        self.region_of: dict[str, str] = {}
        self.subnet_vpc: dict[str, str] = {}
        self.subnet_cidr: dict[str, str] = {}
        self.held: dict[str, set[str]] = {}
        self.skipped: dict[str, list[str]] = {}
        self.public_at_apply: dict[str, str] = {}
        self.known_ips = {
            ip for r in self.resources if isinstance(ip := r.values.get("private_ip"), str)
        }
        self.notes: dict[str, str] = {}  # key -> what the comment adds (an allocated address)
        #: Responses that are one object, not lists (describe-vpc-attribute), by region.
        self.objects: dict[str, list[Json]] = {}
        #: An accepter's key -> the key of what it accepts (a transit gateway peering).
        self.accepted: dict[str, str] = {}
        #: An instance's primary network interface id (a state's) -> the instance's key.
        self.primary_eni = {
            eni: self.keys[r.address]
            for r in self.resources
            if r.type == "aws_instance"
            and isinstance(eni := r.values.get("primary_network_interface_id"), str)
            and eni
        }
        #: A VPC's key -> (its IPAM pool's key, its /N, its CIDR when known).
        self.vpc_ipam: dict[str, tuple[str, int | None, str | None]] = {}
        #: Global Accelerator resources' keys -> their ARNs.
        self.ga_arns: dict[str, str] = {}
        self.ipam_requests: dict[str, tuple[str, int]] = {}
        #: (transit gateway, "Associations"|"Propagations") -> the route table a new
        #: attachment goes to instead of the default one.
        self.default_table_of: dict[tuple[str, str], str] = {}
        #: Hosted virtual interfaces no accepter has accepted yet: key -> (resource, entry).
        self.hosted_vifs: dict[str, tuple[Resource, Json]] = {}
        #: Groups of a template that hold only the allow-all egress rule AWS gave them.
        self.default_egress: set[str] = set()
        #: A primary network interface's key -> the key of the instance it is the ENI of.
        self.eni_instance: dict[str, str] = {}
        #: Default network ACLs whose subnets are not known (a plan): their entries.
        self.default_acls: list[Json] = []
        #: Hosted connections (a partner's resource) by key, and the keys of the
        #: connections an aws_dx_connection_confirmation of the input confirms.
        self.hosted_connections: dict[str, Resource] = {}
        self.confirmed: set[str] = set()

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(one_line(message))

    # ---- values --------------------------------------------------------------------------

    def key(self, r: Resource) -> str:
        return self.keys[r.address]

    def ref(self, r: Resource, attr: str) -> str | None:
        """The key (or the AWS id) of the resource an attribute names."""
        found = self.refs(r, attr)
        if len(found) > 1 and r.index is not None:
            # element(list, count.index): the one of the referrer's index
            same = [k for k in found if self.index_of.get(k) == r.index]
            if same:
                return same[0]
            if r.index.isdigit():
                return found[int(r.index) % len(found)]
        return found[0] if found else None

    def refs(self, r: Resource, attr: str) -> list[str]:
        """The keys (or AWS ids) of the resources an attribute (a string or a list) names."""
        value = r.values.get(attr)
        items = value if isinstance(value, list) else [value]
        known = [self.by_real_id.get(v, v) for v in items if isinstance(v, str) and v]
        if known or (isinstance(value, list) and value and None not in value):
            return known
        if self.resolver is None:
            return []
        return [self.keys[x.address] for x in self.resolver(r, attr) if x.address in self.keys]

    def emit(self, r: Resource, key: str, entry: Json, region: str | None = None) -> Json:
        if key in _IN_A_VPC and entry.get("VpcId") is None:
            # Said here, with the resource's address, rather than as a describe entry
            # without a VpcId (an EC2-Classic one, to the aws-json reader).
            self.warn(
                f"{r.address}: its VPC is not in the input (a data source, a variable, another stack's export?): not imported"
            )
            return entry
        region = region or r.region or self.default_region
        self.out.setdefault(region, {}).setdefault(key, []).append(entry)
        self.region_of[self.key(r)] = region
        self.entries[self.key(r)] = entry
        tags = r.values.get("tags")
        if isinstance(tags, Mapping):
            entry["Tags"] = [{"Key": str(k), "Value": v} for k, v in tags.items()]
        origin = r.address if r.real_id in (None, r.address) else f"{r.address} ({r.real_id})"
        note = self.notes.get(self.key(r))
        self.origins[self.key(r)] = f"{origin}: {note}" if note else origin
        return entry

    def entry(self, key: str | None, wanted: str) -> Json | None:
        """The entry of an earlier resource of one of the given types (for a rule or route)."""
        if key is None or key not in self.entries:
            return None
        kind = self.kind_of_key.get(key, "")
        if kind.startswith(wanted) or (wanted == "aws_vpc" and kind in VPC_TYPES):
            return self.entries[key]
        return None

    # ---- the run -------------------------------------------------------------------------

    def run(self) -> dict[str, dict[str, list[Json]]]:
        self.peer_regions()
        # Containers first, then what attaches to them.
        for rank in range(5):
            for r in self.resources:
                handler = _HANDLERS.get(r.type)
                if handler is not None and handler[0] == rank:
                    handler[1](self, r)
                elif handler is None and rank == 0:
                    self.skipped.setdefault(r.type, []).append(r.address)
        self.vpc_pools()
        self.unaccepted_vifs()
        self.unconfirmed_connections()
        self.default_acl_subnets()
        for rtype, addresses in sorted(self.skipped.items()):
            listed = ", ".join(addresses[:5]) + (
                f" and {len(addresses) - 5} more" if len(addresses) > 5 else ""
            )
            self.warn(
                f"{len(addresses)} {rtype} resource{'s' * (len(addresses) > 1)} not read (not a network resource the importer knows): {listed}"
            )
        return self.out

    # ---- VPCs and subnets ----------------------------------------------------------------

    def vpc(self, r: Resource) -> None:
        v = r.values
        entry: Json = {"VpcId": self.key(r), "CidrBlock": v.get("cidr_block"), "State": "available"}
        if isinstance(v.get("ipv6_cidr_block"), str) and v["ipv6_cidr_block"]:
            entry["Ipv6CidrBlockAssociationSet"] = [{"Ipv6CidrBlock": v["ipv6_cidr_block"]}]
        elif v.get("assign_generated_ipv6_cidr_block") is True:
            self.warn(f"{r.address}: its IPv6 CIDR is given by AWS at apply time: not imported")
        pool = self.ref(r, "ipv4_ipam_pool_id")
        length = _port(v.get("ipv4_netmask_length"))
        if pool is not None:
            cidr = v.get("cidr_block") if isinstance(v.get("cidr_block"), str) else None
            self.vpc_ipam[self.key(r)] = (pool, length, cidr or None)
        elif v.get("cidr_block") is None and r.type == "aws_default_vpc":
            self.warn(
                f"{r.address}: a default VPC's CIDR is AWS's, not the configuration's; only a state, or a plan made after Terraform adopted the VPC (terraform apply), holds it: not imported"
            )
        elif v.get("cidr_block") is None:
            self.warn(f"{r.address}: its IPv4 CIDR is not known before apply (IPAM?): not imported")
        if isinstance(v.get("dhcp_options_id"), str) and v["dhcp_options_id"]:
            entry["DhcpOptionsId"] = self.by_real_id.get(v["dhcp_options_id"])
        self.emit(r, "Vpcs", entry)
        if (
            r.type == "aws_default_vpc"
            and v.get("cidr_block") is not None
            and not any(
                o.type in ("aws_internet_gateway", "aws_internet_gateway_attachment")
                and self.ref(o, "vpc_id") == self.key(r)
                for o in self.resources
            )
        ):
            self.warn(
                f"{r.address}: AWS gives a default VPC an internet gateway and a route 0.0.0.0/0 to it in the main route table, which are no resources of the input: neither is imported (write an aws_internet_gateway, or the routes of an aws_default_route_table, if the VPC still has them)"
            )
        # describe-vpc-attribute: what the resource says (AWS's defaults when it is silent).
        for attr, field_ in (
            ("enable_dns_support", "EnableDnsSupport"),
            ("enable_dns_hostnames", "EnableDnsHostnames"),
        ):
            if isinstance(v.get(attr), bool):
                self.objects.setdefault(self.region_of[self.key(r)], []).append(
                    {"VpcId": self.key(r), field_: {"Value": v[attr]}}
                )

    def cidr_association(self, r: Resource) -> None:
        vpc = self.entry(self.ref(r, "vpc_id"), "aws_vpc")
        cidr = r.values.get("cidr_block")
        if vpc is None or not isinstance(cidr, str):
            self.warn(f"{r.address}: its VPC or CIDR is unknown: not imported")
            return
        vpc.setdefault("CidrBlockAssociationSet", []).append({"CidrBlock": cidr})

    def subnet(self, r: Resource) -> None:
        v = r.values
        vpc = self.ref(r, "vpc_id")
        cidr = v.get("cidr_block")
        az = v.get("availability_zone")
        region = r.region or self.region_of.get(vpc or "") or self.default_region
        if not isinstance(az, str) or not az:
            az = f"{region}a"
            self.warn(f"{r.address}: its availability zone is not known before apply: {az} assumed")
        entry = {
            "SubnetId": self.key(r),
            "VpcId": vpc,
            "CidrBlock": cidr,
            "AvailabilityZone": az,
            "MapPublicIpOnLaunch": v.get("map_public_ip_on_launch") is True,
        }
        if isinstance(v.get("ipv6_cidr_block"), str) and v["ipv6_cidr_block"]:
            entry["Ipv6CidrBlockAssociationSet"] = [{"Ipv6CidrBlock": v["ipv6_cidr_block"]}]
        if vpc is not None:
            self.subnet_vpc[self.key(r)] = vpc
        if isinstance(cidr, str):
            self.subnet_cidr[self.key(r)] = cidr
        self.emit(r, "Subnets", entry, self.region_of.get(vpc or ""))

    def default_subnet(self, r: Resource) -> None:
        """``aws_default_subnet``: the default subnet of an AZ in the region's default VPC,
        which Terraform adopts. Its VPC and CIDR are AWS's: a state holds them; a plan holds
        the CIDR only once the subnet is adopted, and names no VPC (the region's
        ``aws_default_vpc`` of the input is meant)."""
        v = r.values
        # Not self.ref: a plan's subnet has no vpc_id to follow, and the resolver's fallback
        # (a module's only VPC) is an aws_vpc, never the default VPC.
        named = _text(v.get("vpc_id"))
        vpc = self.by_real_id.get(named, named) if named else None
        if vpc is None:
            region = r.region or self.default_region
            vpcs = [
                self.key(o)
                for o in self.resources
                if o.type == "aws_default_vpc" and (o.region or self.default_region) == region
            ]
            vpc = vpcs[0] if len(vpcs) == 1 else None
        if vpc is None:
            self.warn(
                f"{r.address}: a default subnet is in its region's default VPC, which is not in the input (aws_default_vpc): not imported"
            )
            return
        if not isinstance(v.get("cidr_block"), str) or not v["cidr_block"]:
            self.warn(
                f"{r.address}: a default subnet's CIDR is AWS's (a /20 of the default VPC), not the configuration's; only a state, or a plan made after Terraform adopted the subnet (terraform apply), holds it: not imported"
            )
            return
        # AWS's default subnets give instances public addresses unless told otherwise.
        public = v.get("map_public_ip_on_launch")
        values = {**v, "vpc_id": vpc, "map_public_ip_on_launch": public is not False}
        self.subnet(dataclasses.replace(r, values=values))

    def in_vpc(self, r: Resource, subnet: str | None) -> tuple[str | None, str | None]:
        """A resource's VPC, from its subnet (Terraform names only the subnet)."""
        vpc = self.subnet_vpc.get(subnet or "")
        return vpc, self.region_of.get(vpc or "")

    # ---- route tables --------------------------------------------------------------------

    def route_table(self, r: Resource) -> None:
        vpc = self.ref(r, "vpc_id")
        if r.type == "aws_default_route_table":
            vpc = self.owner_vpc(r, "default_route_table_id", "main_route_table_id") or vpc
        entry: Json = {"RouteTableId": self.key(r), "VpcId": vpc, "Routes": [], "Associations": []}
        if r.type == "aws_default_route_table" or self.is_main_table(r):
            entry["Associations"].append({"Main": True})
        routes = [x for x in _list(r.values.get("route")) if isinstance(x, Mapping)]
        routes = self.fill_unknown(r, "route", routes, _target_unknown, _TARGET_ATTR)
        for i, route in enumerate(routes):
            self.add_route(r, entry, route, f"route[{i}]")
        entry["PropagatingVgws"] = [{"GatewayId": g} for g in self.refs(r, "propagating_vgws")]
        self.emit(r, "RouteTables", entry, self.region_of.get(vpc or ""))

    def is_main_table(self, r: Resource) -> bool:
        """Whether a state's ``aws_route_table`` is its VPC's main table (Terraformer and
        ``terraform import`` read the main table as a plain route table)."""
        return r.real_id is not None and any(
            other.type in VPC_TYPES and other.values.get("main_route_table_id") == r.real_id
            for other in self.resources
        )

    def fill_unknown(
        self,
        r: Resource,
        block: str,
        items: list[Mapping[str, Any]],
        unknown: Callable[[Mapping[str, Any]], bool],
        attrs: Mapping[str, str],
    ) -> list[Mapping[str, Any]]:
        """Inline blocks (``route {}``, ``ingress {}``) with the one whose reference is not
        known before apply completed from the block's references in the configuration: a
        plan gives them for the whole block, not per item, so only a single unknown item
        can take them (with several, each stays unknown and is warned about)."""
        gaps = [i for i, item in enumerate(items) if unknown(item)]
        if self.resolver is None or len(gaps) != 1:
            return items
        found = [x for x in self.resolver(r, block) if x.type in attrs and x.address in self.keys]
        if len({attrs[x.type] for x in found}) != 1:
            return items
        attr = attrs[found[0].type]
        keys = [self.keys[x.address] for x in found]
        filled = dict(items[gaps[0]])
        filled[attr] = keys if attr == "security_groups" else keys[0]
        return [filled if i == gaps[0] else item for i, item in enumerate(items)]

    def owner_vpc(self, r: Resource, attr: str, vpc_attr: str) -> str | None:
        """The VPC a default route table, ACL or group belongs to."""
        key = self.ref(r, attr)
        if key is not None and self.kind_of_key.get(key) in VPC_TYPES:
            return key
        for other in self.resources:
            if other.type in VPC_TYPES and other.values.get(vpc_attr) == r.values.get(attr):
                return self.key(other)
        return self.ref(r, "vpc_id")

    def add_route(self, r: Resource, table: Json, route: Mapping[str, Any], where: str) -> None:
        dest = route.get("cidr_block") or route.get("destination_cidr_block")
        dest6 = route.get("ipv6_cidr_block") or route.get("destination_ipv6_cidr_block")
        sub = Resource(r.address, r.type, r.name, r.module, r.index, route, r.real_id, r.region)
        plist = self.ref(sub, "destination_prefix_list_id")
        found: Json = {"State": "active", "Origin": "CreateRoute"}
        if dest:
            found["DestinationCidrBlock"] = dest
        elif dest6:
            found["DestinationIpv6CidrBlock"] = dest6
        elif plist:
            found["DestinationPrefixListId"] = plist
        else:
            self.warn(f"{r.address} {where}: no destination known before apply: not imported")
            return
        for attr, field_ in ROUTE_TARGETS.items():
            target = route.get(attr)
            if isinstance(target, str) and target:
                target = self.by_real_id.get(target, target)
            elif where.startswith("route[") or route.get(attr) is not None:
                continue
            else:
                target = self.ref(sub, attr) if self.resolver is not None else None
                if target is None:
                    continue
            if attr == "gateway_id":
                kind = self.kind_of_key.get(target, "")
                field_ = _GATEWAY_KIND.get(kind) or next(
                    (
                        f
                        for p, f in _GATEWAY_KIND.items()
                        if p.endswith("-") and target.startswith(p)
                    ),
                    field_,
                )
                if target == "local":
                    return
            found[field_] = target
        if len(found) == 3:
            what = dest or dest6 or plist
            self.warn(
                f"{r.address} {where} {what}: its target is not known before apply (Terraform's plan gives inline routes no references): written as a blackhole; write the route as an aws_route resource, or import the state after apply"
            )
            found["State"] = "blackhole"
        table["Routes"].append(found)

    def route(self, r: Resource) -> None:
        table = self.table(r)
        if table is not None:
            self.add_route(r, table, r.values, "")

    def table(self, r: Resource) -> Json | None:
        """The route table a route or an association names; a VPC's main table when it is
        no resource of its own (``aws_vpc.x.main_route_table_id``, or its id in a state)."""
        key = self.ref(r, "route_table_id")
        table = self.entry(key, "aws_")
        if table is not None and "RouteTableId" in table:
            return table
        raw = r.values.get("route_table_id")
        vpc = key if key is not None and self.kind_of_key.get(key) in VPC_TYPES else None
        for other in self.resources:
            if (
                other.type in VPC_TYPES
                and raw
                and raw
                in (
                    other.values.get("main_route_table_id"),
                    other.values.get("default_route_table_id"),
                )
            ):
                vpc = self.key(other)
        if vpc is None:
            self.warn(f"{r.address}: its route table is not in the input: not imported")
            return None
        main = f"{vpc}-main"
        if main not in self.entries:
            entry: Json = {
                "RouteTableId": main,
                "VpcId": vpc,
                "Routes": [],
                "Associations": [{"Main": True}],
            }
            region = self.region_of.get(vpc, self.default_region)
            self.out.setdefault(region, {}).setdefault("RouteTables", []).append(entry)
            self.entries[main] = entry
            self.kind_of_key[main] = "aws_route_table"
            self.origins[main] = f"the main route table of {self.origins.get(vpc, vpc)}"
        return self.entries[main]

    def table_association(self, r: Resource) -> None:
        table = self.table(r)
        if table is None:
            return
        if r.type == "aws_main_route_table_association":
            table["Associations"].append({"Main": True})
        elif (subnet := self.ref(r, "subnet_id")) is not None:
            table["Associations"].append({"SubnetId": subnet})
        elif (gateway := self.ref(r, "gateway_id")) is not None:
            table["Associations"].append({"GatewayId": gateway})

    def propagation(self, r: Resource) -> None:
        table = self.table(r)
        vgw = self.ref(r, "vpn_gateway_id")
        if table is not None and vgw is not None:
            table.setdefault("PropagatingVgws", []).append({"GatewayId": vgw})

    # ---- gateways ------------------------------------------------------------------------

    def gateway(self, r: Resource) -> None:
        key, id_field = {
            "aws_internet_gateway": ("InternetGateways", "InternetGatewayId"),
            "aws_egress_only_internet_gateway": (
                "EgressOnlyInternetGateways",
                "EgressOnlyInternetGatewayId",
            ),
            "aws_vpn_gateway": ("VpnGateways", "VpnGatewayId"),
        }[r.type]
        vpc = self.ref(r, "vpc_id")
        attachments = [{"VpcId": vpc, "State": "attached"}] if vpc else []
        entry: Json = {id_field: self.key(r), "State": "available"}
        entry["VpcAttachments" if r.type == "aws_vpn_gateway" else "Attachments"] = attachments
        self.emit(r, key, entry, self.region_of.get(vpc or ""))

    def gateway_attachment(self, r: Resource) -> None:
        attr = "vpn_gateway_id" if r.type == "aws_vpn_gateway_attachment" else "internet_gateway_id"
        gateway = self.entry(self.ref(r, attr), "aws_")
        vpc = self.ref(r, "vpc_id")
        if gateway is None or vpc is None:
            self.warn(f"{r.address}: its gateway or VPC is not in the input: not imported")
            return
        key = "VpcAttachments" if "VpnGatewayId" in gateway else "Attachments"
        gateway.setdefault(key, []).append({"VpcId": vpc, "State": "attached"})

    def nat_gateway(self, r: Resource) -> None:
        v = r.values
        subnet = self.ref(r, "subnet_id")
        vpc, region = self.in_vpc(r, subnet)
        private = v.get("connectivity_type") == "private"
        address: Json = {"IsPrimary": True}
        if isinstance(v.get("private_ip"), str) and v["private_ip"]:
            address["PrivateIp"] = v["private_ip"]
        public = v.get("public_ip")
        if not private:
            eip = self.entry(self.ref(r, "allocation_id"), "aws_eip")
            public = public or (eip or {}).get("PublicIp")
        if isinstance(public, str) and public:
            address["PublicIp"] = public
        entry = {
            "NatGatewayId": self.key(r),
            "VpcId": vpc,
            "SubnetId": subnet,
            "State": "available",
            "ConnectivityType": "private" if private else "public",
            "NatGatewayAddresses": [address],
        }
        self.emit(r, "NatGateways", entry, region)

    def eip(self, r: Resource) -> None:
        v = r.values
        entry: Json = {"AllocationId": self.key(r)}
        if isinstance(v.get("public_ip"), str) and v["public_ip"]:
            entry["PublicIp"] = v["public_ip"]
        if (inst := self.ref(r, "instance")) is not None:
            entry["InstanceId"] = inst
        if (eni := self.ref(r, "network_interface")) is not None:
            entry["NetworkInterfaceId"] = eni
        if "PublicIp" in entry:
            self.emit(r, "Addresses", entry)
        else:
            self.entries[self.key(r)] = entry  # a NAT gateway or an association may name it
            if inst is not None:
                self.public_at_apply[inst] = "elastic-ip"

    def eip_association(self, r: Resource) -> None:
        eip = self.entry(self.ref(r, "allocation_id"), "aws_eip")
        if eip is not None:
            if (inst := self.ref(r, "instance_id")) is not None:
                eip["InstanceId"] = inst
                if "PublicIp" not in eip:
                    self.public_at_apply[inst] = "elastic-ip"
            if (eni := self.ref(r, "network_interface_id")) is not None:
                eip["NetworkInterfaceId"] = eni

    # ---- security groups and ACLs --------------------------------------------------------

    def security_group(self, r: Resource) -> None:
        v = r.values
        default = r.type == "aws_default_security_group"
        vpc = self.ref(r, "vpc_id")
        name = "default" if default else v.get("name") or r.name
        entry: Json = {
            "GroupId": self.key(r),
            "VpcId": vpc,
            "GroupName": name,
            "IpPermissions": [],
            "IpPermissionsEgress": [],
        }
        for attr, key in (("ingress", "IpPermissions"), ("egress", "IpPermissionsEgress")):
            rules = [x for x in _list(v.get(attr)) if isinstance(x, Mapping)]
            peers = {"aws_security_group": "security_groups"}
            for rule in self.fill_unknown(r, attr, rules, _peers_unknown, peers):
                entry[key].append(self.permission(r, rule, attr))
        if v.get("default_egress") is True:
            self.default_egress.add(self.key(r))
        self.emit(r, "SecurityGroups", entry, self.region_of.get(vpc or ""))

    def permission(self, r: Resource, rule: Mapping[str, Any], where: str) -> Json:
        """An inline rule or an ``aws_security_group_rule`` as an ``IpPermissions`` entry."""
        protocol = str(rule.get("protocol") or rule.get("ip_protocol") or "-1").lower()
        protocol = "-1" if protocol in ("all", "-1") else protocol
        groups = [self.by_real_id.get(g, g) for g in _strings(rule.get("security_groups"))]
        for attr in ("source_security_group_id", "referenced_security_group_id"):
            if attr in rule or self.resolver is not None:
                sub = Resource(r.address, r.type, r.name, r.module, r.index, rule, r.real_id)
                groups += (
                    self.refs(sub, attr)
                    if rule.get(attr) is not None or r.type != "aws_security_group"
                    else []
                )
        if rule.get("self") is True:
            groups.append(self.ref(r, "security_group_id") or self.key(r))
        cidrs = _strings(rule.get("cidr_blocks")) + _strings([rule.get("cidr_ipv4")])
        cidrs6 = _strings(rule.get("ipv6_cidr_blocks")) + _strings([rule.get("cidr_ipv6")])
        sub = Resource(r.address, r.type, r.name, r.module, r.index, rule, r.real_id)
        inline = r.type in ("aws_security_group", "aws_default_security_group")
        lists = [
            p
            for attr in ("prefix_list_ids", "prefix_list_id")
            if not inline or rule.get(attr) is not None
            for p in self.refs(sub, attr)
        ]
        entry: Json = {
            "IpProtocol": protocol,
            "IpRanges": [{"CidrIp": c} for c in cidrs],
            "Ipv6Ranges": [{"CidrIpv6": c} for c in cidrs6],
            "UserIdGroupPairs": [{"GroupId": g} for g in dict.fromkeys(groups)],
            "PrefixListIds": [{"PrefixListId": p} for p in lists],
        }
        if protocol != "-1":
            entry["FromPort"], entry["ToPort"] = rule.get("from_port"), rule.get("to_port")
        if not (cidrs or cidrs6 or groups or lists):
            self.warn(
                f"{r.address} {where} rule: its source or destination is not known before apply: not imported"
            )
        return entry

    def group_rule(self, r: Resource) -> None:
        group = self.entry(self.ref(r, "security_group_id"), "aws_")
        if group is None or "GroupId" not in group:
            self.warn(f"{r.address}: its security group is not in the input: not imported")
            return
        direction = r.values.get("type") or (
            "egress" if r.type.endswith("egress_rule") else "ingress"
        )
        key = "IpPermissionsEgress" if direction == "egress" else "IpPermissions"
        if key == "IpPermissionsEgress" and group["GroupId"] in self.default_egress:
            # CloudFormation revokes the allow-all rule AWS gave the group when a separate
            # egress rule is added to it (docs/import.md).
            self.default_egress.discard(group["GroupId"])
            group[key] = []
        group[key].append(self.permission(r, r.values, str(direction)))

    def network_acl(self, r: Resource) -> None:
        v = r.values
        default = r.type == "aws_default_network_acl"
        vpc = (
            self.owner_vpc(r, "default_network_acl_id", "default_network_acl_id")
            if default
            else self.ref(r, "vpc_id")
        )
        entry: Json = {
            "NetworkAclId": self.key(r),
            "VpcId": vpc,
            "IsDefault": default,
            "Entries": [],
            "Associations": [{"SubnetId": s} for s in self.refs(r, "subnet_ids")],
        }
        for attr in ("ingress", "egress"):
            rules = v.get(attr)
            for rule in rules if isinstance(rules, list) else []:
                if isinstance(rule, Mapping):
                    entry["Entries"].append(_acl_entry(rule, attr == "egress"))
        if default and not isinstance(v.get("subnet_ids"), list):
            self.default_acls.append(entry)
        self.emit(r, "NetworkAcls", entry, self.region_of.get(vpc or ""))

    def default_acl_subnets(self) -> None:
        """A default ACL whose subnets a plan does not know yet guards, like AWS's, every
        subnet of its VPC that no other ACL is associated with."""
        for acl in self.default_acls:
            taken = {
                a.get("SubnetId")
                for region in self.out.values()
                for other in region.get("NetworkAcls", [])
                if other is not acl
                for a in other.get("Associations", [])
            }
            acl["Associations"] += [
                {"SubnetId": s}
                for s, vpc in sorted(self.subnet_vpc.items())
                if vpc == acl["VpcId"] and s not in taken
            ]

    def acl_rule(self, r: Resource) -> None:
        acl = self.entry(self.ref(r, "network_acl_id"), "aws_")
        if acl is None or "NetworkAclId" not in acl:
            self.warn(f"{r.address}: its network ACL is not in the input: not imported")
            return
        acl["Entries"].append(_acl_entry(r.values, r.values.get("egress") is True))

    def acl_association(self, r: Resource) -> None:
        acl = self.entry(self.ref(r, "network_acl_id"), "aws_")
        subnet = self.ref(r, "subnet_id")
        if acl is None or "NetworkAclId" not in acl or subnet is None:
            self.warn(f"{r.address}: its network ACL or subnet is not in the input: not imported")
            return
        acl["Associations"].append({"SubnetId": subnet})

    # ---- instances and interfaces --------------------------------------------------------

    def instance(self, r: Resource) -> None:
        v = r.values
        subnet = self.ref(r, "subnet_id")
        eni = self.primary_interface(r) if subnet is None else None
        if eni is not None:
            # network_interface { device_index = 0 }: the instance is where its ENI is.
            v = {**v, **self.interface_values(eni)}
            subnet = self.ref(eni, "subnet_id")
        if subnet is None:
            self.warn(
                f"{r.address}: its subnet is not in the input (a data source, a variable, another stack's export?): not imported"
            )
            return
        vpc, region = self.in_vpc(r, subnet)
        ip = (
            v.get("private_ip")
            if isinstance(v.get("private_ip"), str) and v["private_ip"]
            else None
        )
        if ip is None:
            ip = self.allocate(subnet)
            if ip is not None:
                self.notes[self.key(r)] = f"address {ip} given by netdraft: AWS picks it at apply"
        groups = self.refs(r, "vpc_security_group_ids") or self.refs(r, "security_groups")
        if eni is not None:
            groups = self.refs(eni, "security_groups")
        state = v.get("instance_state") if isinstance(v.get("instance_state"), str) else "running"
        entry: Json = {
            "InstanceId": self.key(r),
            "VpcId": vpc,
            "SubnetId": subnet,
            "PrivateIpAddress": ip,
            "State": {"Name": state},
            "SecurityGroups": [{"GroupId": g} for g in groups],
            "SourceDestCheck": v.get("source_dest_check") is not False,
        }
        if isinstance(v.get("public_ip"), str) and v["public_ip"]:
            entry["PublicIpAddress"] = v["public_ip"]
        elif "public_ip" not in v or v["public_ip"] is None:
            on_launch = (self.entries.get(subnet or "") or {}).get("MapPublicIpOnLaunch") is True
            asked = v.get("associate_public_ip_address")
            if asked is True or (asked is None and on_launch):
                self.public_at_apply.setdefault(self.key(r), "public-ip")
        if isinstance(v.get("ipv6_addresses"), list) and v["ipv6_addresses"]:
            entry["Ipv6Address"] = v["ipv6_addresses"][0]
        if eni is not None:
            self.eni_instance[self.key(eni)] = self.key(r)
            entry["NetworkInterfaces"] = [
                {"NetworkInterfaceId": self.key(eni), "Attachment": {"DeviceIndex": 0}}
            ]
        self.emit(r, "Instances", entry, region)

    def primary_interface(self, r: Resource) -> Resource | None:
        """The ``aws_network_interface`` an instance's ``network_interface`` block of device
        index 0 attaches (the instance then has no ``subnet_id`` of its own in a plan)."""
        blocks = _list(r.values.get("network_interface"))
        for i, block in enumerate(blocks):
            if not isinstance(block, Mapping) or str(block.get("device_index", 0)) != "0":
                continue
            key = self.path_ref(r, f"network_interface.{i}.network_interface_id")
            found = [x for x in self.resources if self.keys[x.address] == key]
            if found and found[0].type == "aws_network_interface":
                return found[0]
        return None

    def interface_values(self, eni: Resource) -> dict[str, Any]:
        """The instance attributes its primary network interface gives."""
        ip = eni.values.get("private_ip") or next(
            iter(_strings(eni.values.get("private_ips"))), None
        )
        values: dict[str, Any] = {"private_ip": ip}
        if isinstance(eni.values.get("source_dest_check"), bool):
            values["source_dest_check"] = eni.values["source_dest_check"]
        return values

    def allocate(self, subnet: str | None, *, top: bool = False) -> str | None:
        """The lowest address of a subnet no resource holds, after AWS's four reserved ones;
        with ``top`` (an infrastructure interface), the highest, below the reserved broadcast
        address: the language's rule (docs/language.md, "Addresses")."""
        net = network(self.subnet_cidr.get(subnet or ""))
        if not isinstance(net, IPv4Network) or subnet is None:
            return None
        held = self.held.setdefault(subnet, set()) | self.known_ips
        held = self.held[subnet] = held
        last = net.num_addresses - 2  # the broadcast address is reserved
        offsets = (
            range(last, max(3, last - (1 << 16)), -1) if top else range(4, min(last + 1, 1 << 16))
        )
        for offset in offsets:
            ip = str(net.network_address + offset)
            if ip not in held:
                held.add(ip)
                return ip
        return None

    def interface(self, r: Resource) -> None:
        v = r.values
        subnet = self.ref(r, "subnet_id")
        vpc, region = self.in_vpc(r, subnet)
        attachments = v.get("attachment")
        instance = None
        for att in attachments if isinstance(attachments, list) else []:
            if isinstance(att, Mapping) and isinstance(att.get("instance"), str):
                instance = self.by_real_id.get(att["instance"], att["instance"])
        instance = instance or self.eni_instance.get(self.key(r))
        entry: Json = {
            "NetworkInterfaceId": self.key(r),
            "VpcId": vpc,
            "SubnetId": subnet,
            "InterfaceType": "interface",
            "Description": v.get("description") or "",
            "PrivateIpAddress": v.get("private_ip")
            or next(iter(_strings(v.get("private_ips"))), None),
        }
        if groups := self.refs(r, "security_groups"):
            entry["Groups"] = [{"GroupId": g} for g in groups]
        if instance:
            entry["Attachment"] = {"InstanceId": instance}
        self.emit(r, "NetworkInterfaces", entry, region)

    # ---- connections ---------------------------------------------------------------------

    def peering(self, r: Resource) -> None:
        v = r.values
        status = v.get("accept_status") if isinstance(v.get("accept_status"), str) else None
        if status is None:
            status = "active" if v.get("auto_accept") is True else "pending-acceptance"
        entry = {
            "VpcPeeringConnectionId": self.key(r),
            "RequesterVpcInfo": {"VpcId": self.ref(r, "vpc_id")},
            "AccepterVpcInfo": {"VpcId": self.ref(r, "peer_vpc_id")},
            "Status": {"Code": status},
        }
        self.emit(r, "VpcPeeringConnections", entry)

    def peering_accepter(self, r: Resource) -> None:
        pcx = self.entry(self.ref(r, "vpc_peering_connection_id"), "aws_vpc_peering")
        if pcx is not None and r.values.get("auto_accept") is not False:
            pcx["Status"] = {"Code": "active"}

    def transit_gateway(self, r: Resource) -> None:
        v = r.values
        options: Json = {}
        for what, attr, _id_attr in (
            (
                "Association",
                "default_route_table_association",
                "association_default_route_table_id",
            ),
            (
                "Propagation",
                "default_route_table_propagation",
                "propagation_default_route_table_id",
            ),
        ):
            on = v.get(attr) != "disable"
            options[f"DefaultRouteTable{what}"] = "enable" if on else "disable"
            if on:
                options[f"{what}DefaultRouteTableId"] = f"{self.key(r)}-default"
        self.emit(
            r,
            "TransitGateways",
            {"TransitGatewayId": self.key(r), "State": "available", "Options": options},
        )
        if (
            "AssociationDefaultRouteTableId" in options
            or "PropagationDefaultRouteTableId" in options
        ):
            table_id = f"{self.key(r)}-default"
            table: Json = {
                "TransitGatewayRouteTableId": table_id,
                "TransitGatewayId": self.key(r),
                "DefaultAssociationRouteTable": "AssociationDefaultRouteTableId" in options,
                "Routes": [],
                "Propagations": [],
                "Associations": [],
                "Tags": [{"Key": "Name", "Value": "default"}],
            }
            self.out.setdefault(r.region or self.default_region, {}).setdefault(
                "TransitGatewayRouteTables", []
            ).append(table)
            self.entries[table_id] = table
            self.kind_of_key[table_id] = "aws_ec2_transit_gateway_route_table"
            self.origins[table_id] = f"the default route table of {r.address}"

    def tgw_attachment(self, r: Resource) -> None:
        v = r.values
        tgw = self.ref(r, "transit_gateway_id")
        vpc = self.ref(r, "vpc_id")
        key = self.key(r)
        entry = {
            "TransitGatewayAttachmentId": key,
            "TransitGatewayId": tgw,
            "VpcId": vpc,
            "SubnetIds": self.refs(r, "subnet_ids"),
            "State": "available",
        }
        self.emit(r, "TransitGatewayVpcAttachments", entry, self.region_of.get(tgw or ""))
        self.default_tables(
            tgw,
            key,
            v.get("transit_gateway_default_route_table_association") is not False,
            v.get("transit_gateway_default_route_table_propagation") is not False,
        )

    def default_tables(
        self, tgw: str | None, attachment: str, associate: bool, propagate: bool
    ) -> None:
        """A new attachment in its transit gateway's default association and propagation
        route tables (the one AWS creates, or the one
        ``aws_ec2_transit_gateway_default_route_table_association`` / ``_propagation`` set)."""
        for what, table in self.default_tables_of(tgw):
            if (associate if what == "Associations" else propagate) and table is not None:
                table[what].append({"TransitGatewayAttachmentId": attachment})

    def default_tables_of(self, tgw: str | None) -> list[tuple[str, Json | None]]:
        default = self.entries.get(f"{tgw}-default")
        options = (self.entries.get(tgw or "") or {}).get("Options", {})
        found: list[tuple[str, Json | None]] = []
        for what, on in (
            (
                "Associations",
                default is not None and default["DefaultAssociationRouteTable"],
            ),
            ("Propagations", "PropagationDefaultRouteTableId" in options),
        ):
            table = self.entries.get(self.default_table_of.get((tgw or "", what), ""))
            found.append((what, table if table is not None else default if on else None))
        return found

    def tgw_default_table(self, r: Resource) -> None:
        """``aws_ec2_transit_gateway_default_route_table_association`` / ``_propagation``: the
        table new attachments are associated with (propagate to) instead of the default."""
        tgw, table = (
            self.ref(r, "transit_gateway_id"),
            self.ref(r, "transit_gateway_route_table_id"),
        )
        if (
            tgw is None
            or self.kind_of_key.get(table or "") != "aws_ec2_transit_gateway_route_table"
        ):
            self.warn(
                f"{r.address}: its transit gateway or route table is not in the input: not imported"
            )
            return
        what = "Associations" if r.type.endswith("association") else "Propagations"
        self.default_table_of[(tgw, what)] = table or ""

    def tgw_attachment_accepter(self, r: Resource) -> None:
        """The transit gateway owner's side of another account's VPC attachment: its default
        route table association and propagation are the accepter's to say, not the
        requester's (the AWS provider's documentation)."""
        key = self.ref(r, "transit_gateway_attachment_id")
        attachment = self.entry(key, "aws_ec2_transit_gateway_vpc_attachment")
        if key is None or attachment is None:
            self.warn(
                f"{r.address}: the VPC attachment it accepts is not in the input (its VPC is another account's): not imported"
            )
            return
        # What the requester's side said is the accepter's to say: its defaults replace it.
        for what, table in self.default_tables_of(attachment["TransitGatewayId"]):
            if table is not None:
                table[what] = [a for a in table[what] if a.get("TransitGatewayAttachmentId") != key]
        associated = any(
            a.get("TransitGatewayAttachmentId") == key
            for t in self.entries.values()
            if "TransitGatewayRouteTableId" in t
            for a in t.get("Associations", [])
        )
        self.default_tables(
            attachment["TransitGatewayId"],
            key,
            r.values.get("transit_gateway_default_route_table_association") is not False
            and not associated,  # an explicit association, read before, holds
            r.values.get("transit_gateway_default_route_table_propagation") is not False,
        )

    def tgw_prefix_list_reference(self, r: Resource) -> None:
        """A route of a transit gateway route table to every CIDR of a prefix list."""
        table = self.ref(r, "transit_gateway_route_table_id")
        plist = self.ref(r, "prefix_list_id")
        if self.entry(table, "aws_ec2_transit_gateway_route_table") is None or plist is None:
            self.warn(
                f"{r.address}: its route table or prefix list is not in the input: not imported"
            )
            return
        attachment = self.ref(r, "transit_gateway_attachment_id")
        attachment = self.accepted.get(attachment or "", attachment)
        entry: Json = {
            "TransitGatewayRouteTableId": table,
            "PrefixListId": plist,
            "Blackhole": r.values.get("blackhole") is True,
            "State": "available",
        }
        if attachment is not None and not entry["Blackhole"]:
            entry["TransitGatewayAttachment"] = {"TransitGatewayAttachmentId": attachment}
        self.emit(r, "TransitGatewayPrefixListReferences", entry, self.region_of.get(table or ""))

    def tgw_route_table(self, r: Resource) -> None:
        tgw = self.ref(r, "transit_gateway_id")
        entry: Json = {
            "TransitGatewayRouteTableId": self.key(r),
            "TransitGatewayId": tgw,
            "Routes": [],
            "Propagations": [],
            "Associations": [],
        }
        self.emit(r, "TransitGatewayRouteTables", entry, self.region_of.get(tgw or ""))

    def tgw_table_item(self, r: Resource) -> None:
        table = self.entry(
            self.ref(r, "transit_gateway_route_table_id"), "aws_ec2_transit_gateway_route_table"
        )
        attachment = self.ref(r, "transit_gateway_attachment_id")
        attachment = self.accepted.get(attachment or "", attachment)
        if table is None:
            self.warn(
                f"{r.address}: its transit gateway route table is not in the input: not imported"
            )
            return
        if r.type == "aws_ec2_transit_gateway_route":
            blackhole = r.values.get("blackhole") is True
            table["Routes"].append(
                {
                    "DestinationCidrBlock": r.values.get("destination_cidr_block"),
                    "Type": "static",
                    "State": "blackhole" if blackhole else "active",
                    "TransitGatewayAttachments": []
                    if blackhole or attachment is None
                    else [{"TransitGatewayAttachmentId": attachment}],
                }
            )
            return
        if attachment is None:
            self.warn(f"{r.address}: its attachment is not in the input: not imported")
            return
        key = "Associations" if r.type.endswith("association") else "Propagations"
        table[key].append({"TransitGatewayAttachmentId": attachment})
        if key == "Associations":  # an attachment has one association: not the default table's
            for other in self.entries.values():
                if (
                    other is not table
                    and isinstance(other.get("Associations"), list)
                    and "TransitGatewayRouteTableId" in other
                    # a peering is associated on each side: once per transit gateway
                    and other.get("TransitGatewayId") == table.get("TransitGatewayId")
                ):
                    other["Associations"] = [
                        a
                        for a in other["Associations"]
                        if a.get("TransitGatewayAttachmentId") != attachment
                    ]

    def customer_gateway(self, r: Resource) -> None:
        entry = {
            "CustomerGatewayId": self.key(r),
            "IpAddress": r.values.get("ip_address"),
            "State": "available",
        }
        self.emit(r, "CustomerGateways", entry)

    def vpn_connection(self, r: Resource) -> None:
        gateway = self.ref(r, "vpn_gateway_id")
        tgw = self.ref(r, "transit_gateway_id")
        entry: Json = {
            "VpnConnectionId": self.key(r),
            "CustomerGatewayId": self.ref(r, "customer_gateway_id"),
            "VpnGatewayId": gateway,
            "TransitGatewayId": tgw,
            "State": "available",
            "Options": {"StaticRoutesOnly": r.values.get("static_routes_only") is True},
            "Routes": [],
        }
        region = self.region_of.get(gateway or tgw or "")
        self.emit(r, "VpnConnections", entry, region)
        # A transit gateway names the VPN's attachment, which the builder calls by the VPN's id.
        self.by_real_id.setdefault(str(r.values.get("transit_gateway_attachment_id")), self.key(r))

    def vpn_route(self, r: Resource) -> None:
        vpn = self.entry(self.ref(r, "vpn_connection_id"), "aws_vpn_connection")
        if vpn is not None:
            vpn["Routes"].append(
                {
                    "DestinationCidrBlock": r.values.get("destination_cidr_block"),
                    "State": "available",
                }
            )

    def endpoint(self, r: Resource) -> None:
        v = r.values
        vpc = self.ref(r, "vpc_id")
        kind = (
            v.get("vpc_endpoint_type") if isinstance(v.get("vpc_endpoint_type"), str) else "Gateway"
        )
        entry = {
            "VpcEndpointId": self.key(r),
            "VpcId": vpc,
            "VpcEndpointType": kind,
            "ServiceName": v.get("service_name") or "",
            "State": "available",
            "RouteTableIds": self.refs(r, "route_table_ids"),
            "SubnetIds": self.refs(r, "subnet_ids"),
            "Groups": [{"GroupId": g} for g in self.refs(r, "security_group_ids")],
            "PrivateDnsEnabled": v.get("private_dns_enabled") is True,
        }
        if kind == "Interface":
            entry["NetworkInterfaceIds"] = self.endpoint_interfaces(r, entry)
        self.emit(r, "VpcEndpoints", entry, self.region_of.get(vpc or ""))

    def endpoint_interfaces(self, r: Resource, entry: Json) -> list[str]:
        """An interface endpoint's network interface in each subnet, at the address AWS would
        give it (the highest free one, as the language does): neither a plan nor a state says
        which, so it is marked."""
        ids: list[str] = []
        ips: list[str] = []
        region = self.region_of.get(entry["VpcId"] or "", self.default_region)
        for subnet in entry["SubnetIds"]:
            ip = self.allocate(subnet, top=True)
            if ip is None:
                continue
            eni = f"{self.key(r)}-eni-{len(ids)}"
            ids.append(eni)
            ips.append(ip)
            self.out.setdefault(region, {}).setdefault("NetworkInterfaces", []).append(
                {
                    "NetworkInterfaceId": eni,
                    "VpcId": entry["VpcId"],
                    "SubnetId": subnet,
                    "InterfaceType": "vpc_endpoint",
                    "PrivateIpAddress": ip,
                }
            )
        if ips:
            self.notes[self.key(r)] = f"addresses {' '.join(ips)} given by netdraft: AWS picks them"
        return ids

    def endpoint_association(self, r: Resource) -> None:
        ep = self.entry(self.ref(r, "vpc_endpoint_id"), "aws_vpc_endpoint")
        if ep is None:
            self.warn(f"{r.address}: its endpoint is not in the input: not imported")
            return
        if (table := self.ref(r, "route_table_id")) is not None:
            ep["RouteTableIds"].append(table)
        if (subnet := self.ref(r, "subnet_id")) is not None:
            ep["SubnetIds"].append(subnet)
        if (group := self.ref(r, "security_group_id")) is not None:
            ep["Groups"].append({"GroupId": group})

    def dhcp_options(self, r: Resource) -> None:
        """A DHCP option set: only its domain name matters to the language."""
        domain = r.values.get("domain_name")
        configurations = (
            [{"Key": "domain-name", "Values": [{"Value": domain}]}]
            if isinstance(domain, str) and domain
            else []
        )
        entry = {"DhcpOptionsId": self.key(r), "DhcpConfigurations": configurations}
        self.emit(r, "DhcpOptions", entry)

    def dhcp_association(self, r: Resource) -> None:
        vpc = self.entry(self.ref(r, "vpc_id"), "aws_vpc")
        options = self.ref(r, "dhcp_options_id")
        if vpc is None or options is None:
            self.warn(f"{r.address}: its VPC or DHCP option set is not in the input: not imported")
            return
        vpc["DhcpOptionsId"] = options

    def prefix_list(self, r: Resource) -> None:
        """A managed prefix list with its inline ``entry`` blocks (``Entries`` in a template)."""
        entries = r.values.get("entry")
        entry: Json = {
            "PrefixListId": self.key(r),
            "PrefixListName": r.values.get("name") or r.name,
            "OwnerId": "self",
        }
        if isinstance(entries, list):
            entry["Entries"] = [_list_entry(e) for e in entries if isinstance(e, Mapping)]
        self.emit(r, "PrefixLists", entry)

    def prefix_list_entry(self, r: Resource) -> None:
        """An ``aws_ec2_managed_prefix_list_entry``: one more CIDR of a list."""
        plist = self.entry(self.ref(r, "prefix_list_id"), "aws_ec2_managed_prefix_list")
        if plist is None or not isinstance(r.values.get("cidr"), str):
            self.warn(f"{r.address}: its prefix list or CIDR is not in the input: not imported")
            return
        plist.setdefault("Entries", []).append(_list_entry(r.values))

    # ---- nested blocks -------------------------------------------------------------------

    def blocks(self, r: Resource, block: str) -> list[Mapping[str, Any]]:
        """A resource's nested blocks of one kind (``subnet_mapping {}``…)."""
        return [x for x in _list(r.values.get(block)) if isinstance(x, Mapping)]

    def path_ref(self, r: Resource, path: str) -> str | None:
        """The key (or AWS id) an attribute of a nested block names: ``subnet_mapping.0.
        subnet_id``, from the value when it is known, else from the configuration."""
        node: Any = r.values
        for part in path.split("."):
            if isinstance(node, list):
                node = node[int(part)] if part.isdigit() and int(part) < len(node) else None
            else:
                node = node.get(part) if isinstance(node, Mapping) else None
        if isinstance(node, str) and node:
            return self.by_real_id.get(node, node)
        if self.resolver is None:
            return None
        found = [self.keys[x.address] for x in self.resolver(r, path) if x.address in self.keys]
        return found[0] if found else None

    def addresses(self, r: Resource, attr: str, known: list[str]) -> list[str]:
        """Addresses a list gives (``records``), with those of the instances and interfaces
        its configuration names when the plan does not know them (``private_ip``)."""
        value = r.values.get(attr)
        if (isinstance(value, list) and value and None not in value) or self.resolver is None:
            return known
        found = [
            ip
            for x in self.resolver(r, attr)
            if x.address in self.keys
            and isinstance(
                ip := (self.entries.get(self.keys[x.address]) or {}).get("PrivateIpAddress"), str
            )
        ]
        return known + [ip for ip in found if ip not in known]

    # ---- load balancers ------------------------------------------------------------------

    def load_balancer(self, r: Resource) -> None:
        """An ALB or NLB: its subnets (``subnets``, or ``subnet_mapping`` blocks with an
        NLB's Elastic IPs), scheme, groups and cross-zone attribute."""
        v = r.values
        key = self.key(r)
        zones: list[Json] = []
        unknown_eips = False
        for i, _block in enumerate(self.blocks(r, "subnet_mapping")):
            subnet = self.path_ref(r, f"subnet_mapping.{i}.subnet_id")
            if subnet is None:
                self.warn(f"{r.address} subnet_mapping[{i}]: its subnet is unknown: left out")
                continue
            zone: Json = {"SubnetId": subnet}
            allocation = self.path_ref(r, f"subnet_mapping.{i}.allocation_id")
            if allocation is not None:
                ip = (self.entry(allocation, "aws_eip") or {}).get("PublicIp")
                if isinstance(ip, str):
                    zone["LoadBalancerAddresses"] = [{"AllocationId": allocation, "IpAddress": ip}]
                else:
                    unknown_eips = True
            zones.append(zone)
        for subnet in self.refs(r, "subnets"):
            if all(z["SubnetId"] != subnet for z in zones):
                zones.append({"SubnetId": subnet})
        if unknown_eips:
            self.warn(
                f"{r.address}: the addresses of its Elastic IPs are known only after apply: its eips are not written (add them by hand)"
            )
        vpc = next(
            (self.subnet_vpc[z["SubnetId"]] for z in zones if z["SubnetId"] in self.subnet_vpc),
            None,
        )
        vpc = vpc or self.ref(r, "vpc_id")
        if vpc is None:
            self.warn(f"{r.address}: its subnets are not in the input: not imported")
            return
        kind = v.get("load_balancer_type") if isinstance(v.get("load_balancer_type"), str) else None
        entry: Json = {
            "LoadBalancerArn": key,
            "LoadBalancerName": tag_name(v)
            or (v.get("name") if isinstance(v.get("name"), str) else None)
            or key,
            "VpcId": vpc,
            "Type": kind or "application",
            "Scheme": "internal" if v.get("internal") is True else "internet-facing",
            "AvailabilityZones": zones,
            "SecurityGroups": self.refs(r, "security_groups"),
            "State": {"Code": "active"},
        }
        region = self.region_of.get(vpc)
        self.emit(r, "LoadBalancers", entry, region)
        if v.get("enable_cross_zone_load_balancing") is True:
            attributes = {"Key": "load_balancing.cross_zone.enabled", "Value": "true"}
            self.out.setdefault(region or self.default_region, {}).setdefault(
                "LoadBalancerAttributes", []
            ).append({"LoadBalancerArn": key, "Attributes": [attributes]})

    def listener(self, r: Resource) -> None:
        """A listener and the target group its default action forwards to."""
        v = r.values
        lb = self.ref(r, "load_balancer_arn")
        balancer = (
            self.entries.get(lb or "") if self.kind_of_key.get(lb or "") in LB_TYPES else None
        )
        if lb is None or balancer is None:
            self.warn(f"{r.address}: its load balancer is not in the input: not imported")
            return
        actions: list[Json] = []
        for i, block in enumerate(self.blocks(r, "default_action")):
            action: Json = {"Type": str(block.get("type") or "").lower()}
            group = self.path_ref(r, f"default_action.{i}.target_group_arn")
            for j, _group in enumerate(
                x
                for f in _list(block.get("forward"))[:1]
                if isinstance(f, Mapping)
                for x in _list(f.get("target_group"))
            ):
                group = group or self.path_ref(
                    r, f"default_action.{i}.forward.0.target_group.{j}.arn"
                )
            if group is not None:
                action["TargetGroupArn"] = group
            actions.append(action)
        default = "HTTP" if balancer.get("Type") == "application" else "TCP"
        protocol = (
            v.get("protocol") if isinstance(v.get("protocol"), str) and v["protocol"] else default
        )
        entry = {
            "ListenerArn": self.key(r),
            "LoadBalancerArn": lb,
            "Protocol": str(protocol).upper(),
            "Port": _port(v.get("port")),
            "DefaultActions": actions,
        }
        self.emit(r, "Listeners", entry, self.region_of.get(lb))

    def target_group(self, r: Resource) -> None:
        """A target group, with a template's inline ``Targets``; attachments add the others."""
        v = r.values
        vpc = self.ref(r, "vpc_id")
        kind = v.get("target_type") if isinstance(v.get("target_type"), str) else "instance"
        protocol = v.get("protocol") if isinstance(v.get("protocol"), str) else None
        targets = []
        for t in self.blocks(r, "targets"):
            target = t.get("target_id")
            if isinstance(target, str) and target:
                targets.append(_target(self.by_real_id.get(target, target), t.get("port")))
        entry: Json = {
            "TargetGroupArn": self.key(r),
            "TargetGroupName": tag_name(v)
            or (v.get("name") if isinstance(v.get("name"), str) else None)
            or self.key(r),
            "VpcId": vpc,
            "Protocol": (protocol or ("TCP" if kind == "alb" else "HTTP")).upper(),
            "Port": _port(v.get("port")),
            "TargetType": kind,
            "TargetHealthDescriptions": targets,
        }
        self.emit(r, "TargetGroups", entry, self.region_of.get(vpc or ""))

    def target_attachment(self, r: Resource) -> None:
        """One target of a group: an instance, an address, or an ALB (``target_id``)."""
        key = self.ref(r, "target_group_arn")
        group = self.entries.get(key or "")
        if group is None or self.kind_of_key.get(key or "") not in TARGET_GROUP_TYPES:
            self.warn(f"{r.address}: its target group is not in the input: not imported")
            return
        target = self.ref(r, "target_id")
        if target is None:
            self.warn(f"{r.address}: its target is not known before apply: not imported")
            return
        group["TargetHealthDescriptions"].append(_target(target, r.values.get("port")))

    # ---- Route 53 and Route 53 Resolver --------------------------------------------------

    def hosted_zone(self, r: Resource) -> None:
        """A hosted zone: private when it has ``vpc`` blocks; its records are added later."""
        v = r.values
        key = self.key(r)
        vpcs = []
        for i, _block in enumerate(self.blocks(r, "vpc")):
            vpc = self.path_ref(r, f"vpc.{i}.vpc_id")
            if vpc is None:
                self.warn(
                    f"{r.address} vpc[{i}]: its VPC is unknown: that association is not imported"
                )
            else:
                vpcs.append({"VPCId": vpc})
        zone_id = _zone_id(
            key, {e["Id"] for x in self.out.values() for e in x.get("HostedZones", [])}
        )
        entry = {
            "Id": f"/hostedzone/{zone_id}",
            "Name": v.get("name") if isinstance(v.get("name"), str) else "",
            "Config": {"PrivateZone": bool(self.blocks(r, "vpc"))},
            "VPCs": vpcs,
            "ResourceRecordSets": [],
        }
        region = next(
            (self.region_of[x["VPCId"]] for x in vpcs if x["VPCId"] in self.region_of), None
        )
        self.emit(r, "HostedZones", entry, region)
        self.origins[zone_id] = self.origins[key]

    def zone_of(self, r: Resource) -> Json | None:
        """The zone a record or an association names (by id, else by name in a template)."""
        key = self.ref(r, "zone_id")
        if key is not None and self.kind_of_key.get(key) == "aws_route53_zone":
            return self.entries.get(key)
        name = r.values.get("zone_name")
        if isinstance(name, str) and name:
            wanted = name.lower().rstrip(".")
            return next(
                (
                    self.entries[k]
                    for k, t in self.kind_of_key.items()
                    if t == "aws_route53_zone"
                    and k in self.entries
                    and str(self.entries[k]["Name"]).lower().rstrip(".") == wanted
                ),
                None,
            )
        return None

    def zone_association(self, r: Resource) -> None:
        zone = self.zone_of(r)
        vpc = self.ref(r, "vpc_id")
        if zone is None or vpc is None:
            self.warn(f"{r.address}: its hosted zone or VPC is not in the input: not imported")
            return
        zone["VPCs"].append({"VPCId": vpc})
        zone["Config"]["PrivateZone"] = True

    def record(self, r: Resource) -> None:
        """A record set: its name completed with the zone's, its values or its alias."""
        v = r.values
        zone = self.zone_of(r)
        if zone is None:
            self.warn(f"{r.address}: its hosted zone is not in the input: not imported")
            return
        zone_name = str(zone["Name"]).lower().rstrip(".")
        name = str(v.get("name") or "").lower().rstrip(".")
        if not name.endswith(f".{zone_name}") and name != zone_name:
            name = f"{name}.{zone_name}" if name else zone_name
        kind = str(v.get("type") or "").upper()
        written = _strings(v.get("records"))
        # An instance a record names stands for its private IPv4 address: not an AAAA's.
        values = written if kind == "AAAA" else self.addresses(r, "records", written)
        found: Json = {
            "Name": f"{name}.",
            "Type": kind,
            "ResourceRecords": [{"Value": x} for x in values],
        }
        if self.blocks(r, "alias"):
            alias = self.alias_name(r)
            if not alias:
                self.warn(f"{r.address}: its alias target is not known before apply: not imported")
                return
            found["AliasTarget"] = {"DNSName": alias}
        if isinstance(v.get("set_identifier"), str) and v["set_identifier"]:
            found["SetIdentifier"] = v["set_identifier"]
        zone["ResourceRecordSets"].append(found)

    def alias_name(self, r: Resource) -> str:
        """An alias's DNS name; an interface endpoint of the input is named by its key
        (its DNS name is AWS's to give)."""
        target = self.path_ref(r, "alias.0.name")
        if target is not None and self.kind_of_key.get(target) == "aws_vpc_endpoint":
            return target
        for real, key in self.by_real_id.items():  # a state: the endpoint's own DNS name
            if (
                target is not None
                and real.startswith("vpce-")
                and target.startswith(f"{real}-")
                and self.kind_of_key.get(key) == "aws_vpc_endpoint"
            ):
                return key
        return target or ""

    def resolver_endpoint(self, r: Resource) -> None:
        """A Resolver endpoint: an address in each ``ip_address`` block's subnet (when the
        block has none, the highest free one, as the language gives an infrastructure
        interface, marked)."""
        v = r.values
        addresses: list[Json] = []
        allocated: list[str] = []
        for i, block in enumerate(self.blocks(r, "ip_address")):
            subnet = self.path_ref(r, f"ip_address.{i}.subnet_id")
            if subnet is None:
                self.warn(f"{r.address} ip_address[{i}]: its subnet is unknown: left out")
                continue
            ip = block.get("ip") if isinstance(block.get("ip"), str) and block["ip"] else None
            if ip is None and (ip := self.allocate(subnet, top=True)) is not None:
                allocated.append(ip)
            addresses.append({"SubnetId": subnet, "Ip": ip})
        if allocated:
            self.notes[self.key(r)] = (
                f"addresses {' '.join(allocated)} given by netdraft: AWS picks them"
            )
        vpc = next(
            (self.subnet_vpc[a["SubnetId"]] for a in addresses if a["SubnetId"] in self.subnet_vpc),
            None,
        )
        vpc = vpc or self.ref(r, "host_vpc_id")
        if vpc is None:
            self.warn(f"{r.address}: its subnets are not in the input: not imported")
            return
        entry = {
            "Id": self.key(r),
            "HostVPCId": vpc,
            "Name": tag_name(v) or v.get("name") or self.key(r),
            "Direction": str(v.get("direction") or "").upper(),
            "SecurityGroupIds": self.refs(r, "security_group_ids"),
            "Status": "OPERATIONAL",
            "IpAddresses": addresses,
        }
        self.emit(r, "ResolverEndpoints", entry, self.region_of.get(vpc))

    def resolver_rule(self, r: Resource) -> None:
        v = r.values
        targets = [
            {"Ip": t.get("ip"), "Port": _port(t.get("port")) or 53}
            for t in self.blocks(r, "target_ip")
            if isinstance(t.get("ip"), str)
        ]
        if len(targets) < len(self.blocks(r, "target_ip")):
            self.warn(f"{r.address}: a target address is not known before apply: left out")
        endpoint = self.ref(r, "resolver_endpoint_id")
        entry = {
            "Id": self.key(r),
            "Name": tag_name(v) or v.get("name") or self.key(r),
            "DomainName": v.get("domain_name") if isinstance(v.get("domain_name"), str) else "",
            "RuleType": str(v.get("rule_type") or "").upper(),
            "TargetIps": targets,
            "ResolverEndpointId": endpoint,
            "Status": "COMPLETE",
        }
        self.emit(r, "ResolverRules", entry, self.region_of.get(endpoint or ""))

    def rule_association(self, r: Resource) -> None:
        rule = self.ref(r, "resolver_rule_id")
        vpc = self.ref(r, "vpc_id")
        if rule is None or vpc is None:
            self.warn(f"{r.address}: its rule or VPC is not in the input: not imported")
            return
        entry = {"ResolverRuleId": rule, "VPCId": vpc, "Status": "COMPLETE"}
        self.emit(r, "ResolverRuleAssociations", entry, self.region_of.get(vpc))

    # ---- transit gateway peering ---------------------------------------------------------

    def peer_regions(self) -> None:
        """A peer transit gateway whose resource names no region takes the peering's
        ``peer_region``, and so do the resources of its provider (``aws.west``)."""
        for r in self.resources:
            if r.type != "aws_ec2_transit_gateway_peering_attachment":
                continue
            region = r.values.get("peer_region")
            peer = self.ref(r, "peer_transit_gateway_id")
            tgw = next((x for x in self.resources if peer and self.key(x) == peer), None)
            if not isinstance(region, str) or not aws.REGION.fullmatch(region) or tgw is None:
                continue
            if tgw.region is None:
                for x in self.resources:
                    if x.region is None and (
                        x is tgw or (tgw.provider and x.provider == tgw.provider)
                    ):
                        x.region = region

    def tgw_peering(self, r: Resource) -> None:
        """A peering attachment: pending until its accepter accepts it."""
        v = r.values
        tgw, peer = self.ref(r, "transit_gateway_id"), self.ref(r, "peer_transit_gateway_id")
        if tgw is None or peer is None:
            self.warn(f"{r.address}: its transit gateways are not in the input: not imported")
            return
        region = self.region_of.get(tgw, r.region or self.default_region)
        peer_region = v.get("peer_region")
        if not isinstance(peer_region, str) or not aws.REGION.fullmatch(peer_region):
            peer_region = self.region_of.get(peer, region)
        state = v.get("state") if isinstance(v.get("state"), str) and v["state"] else None
        requester: Json = {"TransitGatewayId": tgw, "Region": region}
        accepter: Json = {"TransitGatewayId": peer, "Region": peer_region}
        if isinstance(v.get("peer_account_id"), str) and v["peer_account_id"]:
            accepter["OwnerId"] = v["peer_account_id"]
        entry = {
            "TransitGatewayAttachmentId": self.key(r),
            "RequesterTgwInfo": requester,
            "AccepterTgwInfo": accepter,
            "State": state or "pendingAcceptance",
        }
        self.emit(r, "TransitGatewayPeeringAttachments", entry, region)

    def tgw_peering_accepter(self, r: Resource) -> None:
        key = self.ref(r, "transit_gateway_attachment_id")
        peering = self.entries.get(key or "")
        if key is None or peering is None or "RequesterTgwInfo" not in peering:
            self.warn(f"{r.address}: the peering it accepts is not in the input: not imported")
            return
        self.accepted[self.key(r)] = key
        if (
            r.values.get("state") in (None, "", "available")
            or peering["State"] == "pendingAcceptance"
        ):
            peering["State"] = "available"

    # ---- traffic observation: flow logs and traffic mirroring ----------------------------

    def eni_of(self, r: Resource, attr: str) -> str | None:
        """The network interface an attribute names: an interface's key, or an instance's
        primary interface (``aws_instance.x.primary_network_interface_id``, a state's
        ``eni-`` id, a template's ``!GetAtt X.PrimaryNetworkInterfaceId``), which is
        added to the instance's entry so that the interface is known to be the instance's."""
        key = self.ref(r, attr)
        if key is None:
            return None
        owner = self.primary_eni.get(key, key)
        entry = self.entries.get(owner)
        if self.kind_of_key.get(owner) != "aws_instance" or entry is None:
            return key
        listed = entry.setdefault("NetworkInterfaces", [])
        if not listed:
            eni = key if key != owner else f"{owner}-eni"
            listed.append({"NetworkInterfaceId": eni, "Attachment": {"DeviceIndex": 0}})
        return str(listed[0]["NetworkInterfaceId"])

    def flow_log(self, r: Resource) -> None:
        """A flow log of a VPC, a subnet or a network interface (``vpc_id``, ``subnet_id``,
        ``eni_id``; a transit gateway's is read and warned about by the aws-json reader)."""
        v = r.values
        found: tuple[str, str | None] | None = None
        for attr in ("vpc_id", "subnet_id", "eni_id", "transit_gateway_id"):
            written = isinstance(v.get(attr), str) and bool(v[attr])
            if written or (v.get(attr) is None and self.resolver and self.resolver(r, attr)):
                found = attr, self.eni_of(r, attr) if attr == "eni_id" else self.ref(r, attr)
                break
        if found is None or found[1] is None:
            self.warn(f"{r.address}: the resource it captures is not in the input: not imported")
            return
        resource = found[1]
        destination = v.get("log_destination_type")
        entry = {
            "FlowLogId": self.key(r),
            "ResourceId": resource,
            "LogDestinationType": destination
            if isinstance(destination, str)
            else "cloud-watch-logs",
            "TrafficType": str(v.get("traffic_type") or "ALL").upper(),
            "FlowLogStatus": "ACTIVE",
        }
        region = self.region_of.get(self.subnet_vpc.get(resource, resource))
        self.emit(r, "FlowLogs", entry, region)

    def mirror_target(self, r: Resource) -> None:
        """A mirror target: a network interface, a network load balancer or a Gateway Load
        Balancer endpoint."""
        v = r.values
        entry: Json = {"TrafficMirrorTargetId": self.key(r)}
        if (nlb := self.ref(r, "network_load_balancer_arn")) is not None:
            entry |= {"Type": "network-load-balancer", "NetworkLoadBalancerArn": nlb}
        elif (gwlbe := self.ref(r, "gateway_load_balancer_endpoint_id")) is not None:
            entry |= {
                "Type": "gateway-load-balancer-endpoint",
                "GatewayLoadBalancerEndpointId": gwlbe,
            }
        elif (eni := self.eni_of(r, "network_interface_id")) is not None:
            entry |= {"Type": "network-interface", "NetworkInterfaceId": eni}
        else:
            self.warn(f"{r.address}: what it sends the copies to is not in the input: not imported")
            return
        del v
        self.emit(r, "TrafficMirrorTargets", entry)

    def mirror_filter(self, r: Resource) -> None:
        """A mirror filter: listed, as the aws-json reader lists filters (the language
        mirrors all traffic); its rules belong to it."""
        self.emit(r, "TrafficMirrorFilters", {"TrafficMirrorFilterId": self.key(r)})

    def mirror_filter_rule(self, r: Resource) -> None:
        """A filter's rule: said with its filter's warning."""

    def mirror_session(self, r: Resource) -> None:
        v = r.values
        eni, target = (
            self.eni_of(r, "network_interface_id"),
            self.ref(r, "traffic_mirror_target_id"),
        )
        if eni is None or target is None:
            self.warn(
                f"{r.address}: its source interface or its target is not in the input: not imported"
            )
            return
        entry: Json = {
            "TrafficMirrorSessionId": self.key(r),
            "NetworkInterfaceId": eni,
            "TrafficMirrorTargetId": target,
            "SessionNumber": _port(v.get("session_number")) or 1,
        }
        if (filter_ := self.ref(r, "traffic_mirror_filter_id")) is not None:
            entry["TrafficMirrorFilterId"] = filter_
        self.emit(r, "TrafficMirrorSessions", entry)

    # ---- IPAM ----------------------------------------------------------------------------

    def ipam(self, r: Resource) -> None:
        """An IPAM or one of its scopes: containers of pools, which the language does not
        write (a pool stands alone)."""

    def ipam_pool(self, r: Resource) -> None:
        v = r.values
        family = v.get("address_family") if isinstance(v.get("address_family"), str) else "ipv4"
        entry: Json = {
            "IpamPoolId": self.key(r),
            "AddressFamily": family,
            "State": "create-complete",
            "IpamPoolCidrs": [
                {"Cidr": c, "State": "provisioned"} for c in _strings(v.get("provisioned_cidrs"))
            ],
            "IpamPoolAllocations": [],
        }
        self.emit(r, "IpamPools", entry)

    def pool_of(self, r: Resource) -> Json | None:
        key = self.ref(r, "ipam_pool_id")
        if key is None or self.kind_of_key.get(key) != "aws_vpc_ipam_pool":
            return None
        return self.entries.get(key)

    def ipam_pool_cidr(self, r: Resource) -> None:
        """A CIDR provisioned to a pool (one asked by ``netmask_length`` is AWS's to give:
        not known before apply)."""
        pool, cidr = self.pool_of(r), r.values.get("cidr")
        if pool is None:
            self.warn(f"{r.address}: its IPAM pool is not in the input: not imported")
            return
        if not isinstance(cidr, str) or not cidr:
            self.warn(f"{r.address}: its CIDR is not known before apply: not imported")
            return
        pool["IpamPoolCidrs"].append({"Cidr": cidr, "State": "provisioned"})

    def ipam_allocation(self, r: Resource) -> None:
        """A pool's allocation that no VPC holds (a reservation): the language has none."""
        self.warn(
            f"{r.address}: an IPAM allocation that is not a VPC's (the language reserves none):"
            " not imported; the pool's VPCs may be given other CIDRs than AWS gives them"
        )

    def vpc_pools(self) -> None:
        """Each VPC with ``ipv4_ipam_pool_id``: an allocation of its pool when its CIDR is
        known, else its ``/N`` asked of the pool (the CIDR AWS gives at apply)."""
        for vpc, (key, length, cidr) in sorted(self.vpc_ipam.items()):
            pool = (
                self.entries.get(key) if self.kind_of_key.get(key) == "aws_vpc_ipam_pool" else None
            )
            if pool is None:
                self.warn(
                    f"vpc '{vpc}': its IPAM pool is not in the input: its pool is not written"
                )
            elif cidr is not None:
                pool["IpamPoolAllocations"].append(
                    {"Cidr": cidr, "ResourceId": vpc, "ResourceType": "vpc"}
                )
            elif length is not None and not pool["IpamPoolCidrs"]:
                self.warn(
                    f"vpc '{vpc}': it asks IPAM pool '{key}' for a /{length}, but the pool's"
                    " CIDR is not known before apply: not imported"
                )
            elif length is not None:
                self.ipam_requests[vpc] = (key, length)
                self.notes.setdefault(vpc, f"its CIDR, a /{length} of the pool, is given at apply")
                self.origins[vpc] = f"{self.origins.get(vpc, vpc)}: {self.notes[vpc]}"
            else:
                self.warn(f"vpc '{vpc}': its IPv4 CIDR is not known before apply: not imported")

    # ---- Global Accelerator --------------------------------------------------------------

    def accelerator(self, r: Resource) -> None:
        """An accelerator: its static IPv4 addresses (``ip_sets`` of a state, else the BYOIP
        ``ip_addresses`` written; neither known in a plan: the language's stand-ins)."""
        v = r.values
        arn = self.ga_arns[self.key(r)] = GA_ARN + self.key(r)
        ips = [
            ip
            for s in self.blocks(r, "ip_sets")
            if str(s.get("ip_family") or "IPv4").upper() == "IPV4"
            for ip in _strings(s.get("ip_addresses"))
        ] or _strings(v.get("ip_addresses"))
        if len(ips) < 2:
            self.notes[self.key(r)] = (
                "its static addresses are given at apply: netdraft writes stand-ins"
            )
        entry = {
            "AcceleratorArn": arn,
            "Name": v.get("name") if isinstance(v.get("name"), str) and v["name"] else self.key(r),
            "Enabled": v.get("enabled") is not False,
            "IpSets": [{"IpFamily": "IPv4", "IpAddresses": ips}] if len(ips) >= 2 else [],
        }
        self.emit(r, "Accelerators", entry)
        self.origins[arn] = self.origins[self.key(r)]

    def ga_listener(self, r: Resource) -> None:
        v = r.values
        accelerator = self.ga_arns.get(self.ref(r, "accelerator_arn") or "")
        if accelerator is None:
            self.warn(f"{r.address}: its accelerator is not in the input: not imported")
            return
        arn = self.ga_arns[self.key(r)] = f"{accelerator}/listener/{self.key(r)}"
        ports = [
            {"FromPort": lo, "ToPort": hi}
            for block in self.blocks(r, "port_range")
            if (lo := _port(block.get("from_port"))) is not None
            and (hi := _port(block.get("to_port"))) is not None
        ]
        entry = {
            "ListenerArn": arn,
            "Protocol": str(v.get("protocol") or "TCP").upper(),
            "PortRanges": ports,
        }
        self.emit(r, "Listeners", entry)
        self.origins[arn] = self.origins[self.key(r)]

    def ga_endpoint_group(self, r: Resource) -> None:
        """An endpoint group: its endpoints with their weights; a traffic dial of 0 sends
        the group nothing, which the language writes as weight 0."""
        v = r.values
        listener = self.ga_arns.get(self.ref(r, "listener_arn") or "")
        if listener is None:
            self.warn(f"{r.address}: its listener is not in the input: not imported")
            return
        dial = v.get("traffic_dial_percentage")
        dial = dial if isinstance(dial, (int, float)) and not isinstance(dial, bool) else 100
        endpoints: list[Json] = []
        for i, block in enumerate(self.blocks(r, "endpoint_configuration")):
            endpoint = self.path_ref(r, f"endpoint_configuration.{i}.endpoint_id")
            if endpoint is None:
                self.warn(
                    f"{r.address} endpoint_configuration[{i}]: its endpoint is unknown: left out"
                )
                continue
            weight = _port(block.get("weight"))
            endpoints.append({"EndpointId": endpoint, "Weight": 0 if dial == 0 else weight})
            if block.get("client_ip_preservation_enabled") is False:
                self.warn(
                    f"{r.address}: endpoint '{endpoint}' does not preserve the client's address;"
                    " the language preserves it for ALB and instance endpoints"
                )
        if 0 < dial < 100:
            self.warn(
                f"{r.address}: its traffic dial of {dial:g}% is not written (the language"
                " sends a path to any endpoint with a weight above 0)"
            )
        region = v.get("endpoint_group_region")
        if not isinstance(region, str) or not aws.REGION.fullmatch(region):
            region = next(
                (
                    self.region_of[e["EndpointId"]]
                    for e in endpoints
                    if e["EndpointId"] in self.region_of
                ),
                r.region or self.default_region,
            )
        for e in endpoints:
            if e["Weight"] is None:
                del e["Weight"]
        arn = f"{listener}/endpoint-group/{self.key(r)}"
        entry = {
            "EndpointGroupArn": arn,
            "EndpointGroupRegion": region,
            "EndpointDescriptions": endpoints,
        }
        self.emit(r, "EndpointGroups", entry)
        self.origins[arn] = self.origins[self.key(r)]

    # ---- Direct Connect ------------------------------------------------------------------

    def dx_connection(self, r: Resource) -> None:
        """A dedicated connection (``aws_dx_connection``), a hosted one a partner makes for
        an account (``aws_dx_hosted_connection``, on the partner's interconnect), or a LAG
        (``aws_dx_lag``), which the language has not: it is written as one connection of its
        connections' speed, so that the virtual interfaces on it are kept."""
        v = r.values
        lag = r.type == "aws_dx_lag"
        hosted = r.type == "aws_dx_hosted_connection"
        bandwidth = v.get("connections_bandwidth" if lag else "bandwidth")
        entry: Json = {
            "connectionId": self.key(r),
            "connectionName": tag_name(v) or _text(v.get("name")),
            "connectionState": "available",
            "location": _text(v.get("location")),
            "bandwidth": _text(bandwidth),
        }
        if _text(v.get("aws_device")):
            entry["awsDeviceV2"] = v["aws_device"]
        if lag:
            self.warn(
                f"{r.address} is a link aggregation group: the language has none; it is written as one dx-connection of its connections' bandwidth ({_text(bandwidth) or 'unknown'}), which carries its virtual interfaces; AWS bills a port per connection of the LAG"
            )
        elif hosted:  # its lag_id is the partner's interconnect LAG, no LAG of the input
            self.hosted_connections[self.key(r)] = r
        elif v.get("lag_id") is not None:  # a template's connection made in a LAG
            self.dx_lag_member(r)
        if entry["location"] is None:
            self.warn(f'{r.address}: its location is not known before apply: written "unknown"')
        self.emit(r, "connections", {k: x for k, x in entry.items() if x is not None})

    def dx_confirmation(self, r: Resource) -> None:
        """``aws_dx_connection_confirmation``: the owner account accepts a hosted connection
        (one a partner made of the input, or one the input does not hold: nothing to write)."""
        self.confirmed.add(self.ref(r, "connection_id") or "")

    def unconfirmed_connections(self) -> None:
        for key, r in sorted(self.hosted_connections.items()):
            state = _text(r.values.get("state"))
            if key not in self.confirmed and state not in ("available", "down"):
                self.warn(
                    f"{r.address} is a hosted connection for account {_text(r.values.get('owner_account_id')) or 'unknown'}: no aws_dx_connection_confirmation of the input confirms it, and AWS keeps it ordering until its owner does: it is written as a connection that is up"
                )

    def dx_lag_member(self, r: Resource) -> None:
        """``aws_dx_connection_association``: a connection joins a LAG (both are written as
        connections; the LAG's virtual interfaces stay on the LAG's)."""
        address = {k: a for a, k in self.keys.items()}
        conn = r.address if r.type == "aws_dx_connection" else self.ref(r, "connection_id")
        lag = self.ref(r, "lag_id")
        conn, lag = address.get(conn or "", conn), address.get(lag or "", lag)
        self.warn(
            f"{r.address}: connection {conn or 'unknown'} joins LAG {lag or 'unknown'}: the language has no LAG; both are written as connections, the LAG's virtual interfaces on the LAG's"
        )

    def dx_gateway(self, r: Resource) -> None:
        v = r.values
        entry = {
            "directConnectGatewayId": self.key(r),
            "directConnectGatewayName": _text(v.get("name")) or self.key(r),
            "directConnectGatewayState": "available",
        }
        self.emit(r, "directConnectGateways", entry)

    def dx_proposal(self, r: Resource) -> None:
        """An association proposal (another account's gateway): the association that
        accepts it takes its gateway and prefixes."""
        self.entries[self.key(r)] = {
            "gateway": self.ref(r, "associated_gateway_id"),
            "allowed": _strings(r.values.get("allowed_prefixes")),
        }

    def dx_association(self, r: Resource) -> None:
        """A DX gateway's association with a VPN gateway or a transit gateway: for a transit
        gateway, AWS makes it an attachment of the transit gateway (in its default route
        table when the transit gateway has default association or propagation)."""
        v = r.values
        dxgw = self.ref(r, "dx_gateway_id")
        gateway = self.ref(r, "associated_gateway_id") or self.ref(r, "vpn_gateway_id")
        # Without allowed prefixes, AWS advertises a VPN gateway's VPC CIDRs, as the language
        # does (a transit gateway's are required: the builder warns).
        allowed = _strings(v.get("allowed_prefixes"))
        proposal = self.ref(r, "proposal_id")
        if gateway is None and proposal is not None and "gateway" in self.entries.get(proposal, {}):
            found = self.entries[proposal]
            gateway, allowed = found["gateway"], found["allowed"]
        if dxgw is None or gateway is None:
            self.warn(
                f"{r.address}: its DX gateway or its gateway is not in the input: not imported"
            )
            return
        kind = self.kind_of_key.get(gateway, "")
        transit = (
            kind == "aws_ec2_transit_gateway"
            if kind
            else v.get("associated_gateway_type") == "transitGateway" or gateway.startswith("tgw-")
        )
        entry = {
            "directConnectGatewayId": dxgw,
            "associationId": self.key(r),
            "associationState": "associated",
            "associatedGateway": {
                "id": gateway,
                "type": "transitGateway" if transit else "virtualPrivateGateway",
            },
            "allowedPrefixesToDirectConnectGateway": [{"cidr": c} for c in allowed],
        }
        region = self.region_of.get(gateway)
        self.emit(r, "directConnectGatewayAssociations", entry, region)
        if not transit:
            return
        # The transit gateway's attachment for the DX gateway: route tables name it by the
        # association (a plan's reference) or by its id (a state's).
        attachment = self.key(r)
        if _text(v.get("transit_gateway_attachment_id")):
            self.by_real_id.setdefault(v["transit_gateway_attachment_id"], attachment)
        self.out.setdefault(region or self.default_region, {}).setdefault(
            "TransitGatewayAttachments", []
        ).append(
            {
                "TransitGatewayAttachmentId": attachment,
                "TransitGatewayId": gateway,
                "ResourceType": "direct-connect-gateway",
                "ResourceId": dxgw,
                "State": "available",
            }
        )
        self.default_tables(gateway, attachment, True, True)

    def dx_vif(self, r: Resource) -> None:
        """A virtual interface on a connection (or a LAG), to a VPN gateway or a DX gateway;
        a hosted one waits for its owner's accepter, which names the gateway."""
        v = r.values
        kind, hosted = DX_VIFS[r.type]
        entry: Json = {
            "virtualInterfaceId": self.key(r),
            "virtualInterfaceName": tag_name(v) or _text(v.get("name")) or self.key(r),
            "virtualInterfaceType": kind,
            "virtualInterfaceState": "available",
            "connectionId": self.ref(r, "connection_id"),
        }
        if entry["connectionId"] is None:
            self.warn(f"{r.address}: its connection is not in the input: not imported")
            return
        if hosted:
            self.entries[self.key(r)] = entry
            self.hosted_vifs[self.key(r)] = (r, entry)
            return
        self.vif_target(r, entry)
        self.emit_vif(r, entry)

    def emit_vif(self, r: Resource, entry: Json) -> None:
        """A virtual interface, with a placeholder for its connection when the input does
        not hold it (a public VIF is not imported: it needs none)."""
        connection = entry["connectionId"]
        if entry["virtualInterfaceType"] != "public" and connection not in self.kind_of_key:
            self.outside_connection(r, connection)
        self.emit(r, "virtualInterfaces", entry)

    def outside_connection(self, r: Resource, connection: str, why: str = "") -> None:
        """A connection the input does not hold (a partner's, or made elsewhere): written at
        an unknown location, with a warning, so that its virtual interfaces are kept."""
        if connection in self.entries:
            return
        self.warn(
            f'{r.address}: its connection {connection} is not in the input{why}: it is written at "unknown" with speed 1Gbps; write its real ones'
        )
        self.out.setdefault(r.region or self.default_region, {}).setdefault(
            "connections", []
        ).append({"connectionId": connection, "connectionState": "available"})
        self.entries[connection] = {}
        self.origins.setdefault(connection, f"the connection of {r.address}")

    def vif_target(self, r: Resource, entry: Json) -> None:
        vgw, dxgw = self.ref(r, "vpn_gateway_id"), self.ref(r, "dx_gateway_id")
        if vgw is not None:
            entry["virtualGatewayId"] = vgw
        if dxgw is not None:
            entry["directConnectGatewayId"] = dxgw

    def dx_vif_accepter(self, r: Resource) -> None:
        """The owner's side of a hosted virtual interface: its VPN gateway or DX gateway. A
        virtual interface not in the input (a partner's) is on a connection not in it
        either: a placeholder, with a warning."""
        key = self.ref(r, "virtual_interface_id")
        hosted = self.hosted_vifs.pop(key or "", None)
        if hosted is not None:
            vif, entry = hosted
            self.vif_target(r, entry)
            self.emit_vif(vif, entry)
            return
        kind = r.type.removeprefix("aws_dx_hosted_").split("_", 1)[0]
        connection = f"{self.key(r)}-connection"
        if kind != "public":
            self.outside_connection(
                r,
                connection,
                f" (the virtual interface it accepts, {key or 'unknown'}, is not either: its owner made it on a connection of theirs)",
            )
        entry = {
            "virtualInterfaceId": self.key(r),
            "virtualInterfaceName": tag_name(r.values) or self.key(r),
            "virtualInterfaceType": kind,
            "virtualInterfaceState": "available",
            "connectionId": connection,
        }
        self.vif_target(r, entry)
        self.emit(r, "virtualInterfaces", entry)

    def unaccepted_vifs(self) -> None:
        for key, (r, _entry) in sorted(self.hosted_vifs.items()):
            self.warn(
                f"{r.address} is a hosted virtual interface for account {_text(r.values.get('owner_account_id')) or 'unknown'}: no accepter in the input accepts it, and AWS keeps it confirming until its owner does: not imported"
            )
            self.origins.setdefault(key, r.address)


def _port(value: object) -> int | None:
    """A port written as a number or a string (a template's ``"443"``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _target(target: str, port: object) -> Json:
    found: Json = {"Id": target}
    if _port(port) is not None:
        found["Port"] = _port(port)
    return {"Target": found}


def _zone_id(key: str, taken: set[str]) -> str:
    """A hosted zone id (``Z`` and capitals or digits, as AWS's) made from a key."""
    stem = "Z" + re.sub(r"[^A-Z0-9]", "", key.upper())
    found, n = stem, 2
    while f"/hostedzone/{found}" in taken:
        found, n = f"{stem}{n}", n + 1
    return found


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _target_unknown(route: Mapping[str, Any]) -> bool:
    """Whether an inline route's target is not known before apply (its attribute is left
    out of the plan's values)."""
    return not any(isinstance(route.get(a), str) and route.get(a) for a in ROUTE_TARGETS)


def _peers_unknown(rule: Mapping[str, Any]) -> bool:
    return "security_groups" not in rule


def _list_entry(entry: Mapping[str, Any]) -> Json:
    return {"Cidr": entry.get("cidr", entry.get("Cidr"))}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str) and v] if isinstance(value, list) else []


def _acl_entry(rule: Mapping[str, Any], egress: bool) -> Json:
    protocol = str(rule.get("protocol") if rule.get("protocol") is not None else "-1").lower()
    entry: Json = {
        "RuleNumber": rule.get("rule_no", rule.get("rule_number")),
        "Egress": egress,
        "RuleAction": str(rule.get("action") or rule.get("rule_action") or "deny").lower(),
        "Protocol": _PROTOCOL_NUMBERS.get(protocol, protocol),
        "PortRange": {"From": rule.get("from_port"), "To": rule.get("to_port")},
        "IcmpTypeCode": {"Type": rule.get("icmp_type"), "Code": rule.get("icmp_code")},
    }
    if rule.get("cidr_block"):
        entry["CidrBlock"] = rule["cidr_block"]
    elif rule.get("ipv6_cidr_block"):
        entry["Ipv6CidrBlock"] = rule["ipv6_cidr_block"]
    return entry


#: The describe-* responses whose entries belong to a VPC (a VpcId of None is not imported).
_IN_A_VPC = frozenset(("Subnets", "RouteTables", "SecurityGroups", "NetworkAcls"))

_C = Converter
#: Each resource type's handler and its rank: containers (0), then what refers to them.
_HANDLERS: dict[str, tuple[int, Callable[[Converter, Resource], None]]] = {
    "aws_vpc": (0, _C.vpc),
    "aws_default_vpc": (0, _C.vpc),
    "aws_ec2_transit_gateway": (0, _C.transit_gateway),
    "aws_customer_gateway": (0, _C.customer_gateway),
    "aws_eip": (0, _C.eip),
    "aws_ec2_managed_prefix_list": (0, _C.prefix_list),
    "aws_vpc_dhcp_options": (0, _C.dhcp_options),
    "aws_dx_connection": (0, _C.dx_connection),
    "aws_dx_lag": (0, _C.dx_connection),
    "aws_dx_hosted_connection": (0, _C.dx_connection),
    "aws_dx_connection_confirmation": (1, _C.dx_confirmation),
    "aws_dx_gateway": (0, _C.dx_gateway),
    "aws_vpc_ipv4_cidr_block_association": (1, _C.cidr_association),
    "aws_ec2_managed_prefix_list_entry": (1, _C.prefix_list_entry),
    "aws_vpc_dhcp_options_association": (1, _C.dhcp_association),
    "aws_subnet": (1, _C.subnet),
    "aws_default_subnet": (1, _C.default_subnet),
    "aws_route_table": (1, _C.route_table),
    "aws_default_route_table": (1, _C.route_table),
    "aws_internet_gateway": (1, _C.gateway),
    "aws_egress_only_internet_gateway": (1, _C.gateway),
    "aws_vpn_gateway": (1, _C.gateway),
    "aws_security_group": (1, _C.security_group),
    "aws_default_security_group": (1, _C.security_group),
    "aws_network_acl": (1, _C.network_acl),
    "aws_default_network_acl": (1, _C.network_acl),
    "aws_vpc_peering_connection": (1, _C.peering),
    "aws_ec2_transit_gateway_route_table": (1, _C.tgw_route_table),
    "aws_eip_association": (1, _C.eip_association),
    "aws_nat_gateway": (2, _C.nat_gateway),
    "aws_instance": (2, _C.instance),
    "aws_network_interface": (2, _C.interface),
    "aws_route": (2, _C.route),
    "aws_route_table_association": (2, _C.table_association),
    "aws_main_route_table_association": (2, _C.table_association),
    "aws_vpn_gateway_route_propagation": (2, _C.propagation),
    "aws_internet_gateway_attachment": (2, _C.gateway_attachment),
    "aws_vpn_gateway_attachment": (2, _C.gateway_attachment),
    "aws_security_group_rule": (2, _C.group_rule),
    "aws_vpc_security_group_ingress_rule": (2, _C.group_rule),
    "aws_vpc_security_group_egress_rule": (2, _C.group_rule),
    "aws_network_acl_rule": (2, _C.acl_rule),
    "aws_network_acl_association": (2, _C.acl_association),
    "aws_vpc_peering_connection_accepter": (2, _C.peering_accepter),
    "aws_ec2_transit_gateway_vpc_attachment": (2, _C.tgw_attachment),
    "aws_vpn_connection": (2, _C.vpn_connection),
    "aws_vpc_endpoint": (2, _C.endpoint),
    "aws_vpc_endpoint_route_table_association": (2, _C.endpoint_association),
    "aws_vpc_endpoint_subnet_association": (2, _C.endpoint_association),
    "aws_vpc_endpoint_security_group_association": (2, _C.endpoint_association),
    "aws_lb": (2, _C.load_balancer),
    "aws_alb": (2, _C.load_balancer),
    "aws_lb_target_group": (2, _C.target_group),
    "aws_alb_target_group": (2, _C.target_group),
    "aws_route53_zone": (2, _C.hosted_zone),
    "aws_route53_resolver_endpoint": (2, _C.resolver_endpoint),
    "aws_ec2_transit_gateway_peering_attachment": (2, _C.tgw_peering),
    "aws_ec2_transit_gateway_peering_attachment_accepter": (2, _C.tgw_peering_accepter),
    "aws_dx_connection_association": (1, _C.dx_lag_member),
    "aws_dx_gateway_association_proposal": (1, _C.dx_proposal),
    **{t: (2, _C.dx_vif) for t in DX_VIFS},
    "aws_dx_gateway_association": (2, _C.dx_association),
    "aws_dx_hosted_private_virtual_interface_accepter": (3, _C.dx_vif_accepter),
    "aws_dx_hosted_transit_virtual_interface_accepter": (3, _C.dx_vif_accepter),
    "aws_dx_hosted_public_virtual_interface_accepter": (3, _C.dx_vif_accepter),
    "aws_lb_listener": (3, _C.listener),
    "aws_alb_listener": (3, _C.listener),
    "aws_lb_target_group_attachment": (3, _C.target_attachment),
    "aws_alb_target_group_attachment": (3, _C.target_attachment),
    "aws_route53_zone_association": (3, _C.zone_association),
    "aws_route53_record": (3, _C.record),
    "aws_route53_resolver_rule": (3, _C.resolver_rule),
    "aws_route53_resolver_rule_association": (4, _C.rule_association),
    "aws_vpn_connection_route": (3, _C.vpn_route),
    "aws_ec2_transit_gateway_route": (3, _C.tgw_table_item),
    "aws_ec2_transit_gateway_route_table_association": (3, _C.tgw_table_item),
    "aws_ec2_transit_gateway_route_table_propagation": (3, _C.tgw_table_item),
    "aws_vpc_ipam": (0, _C.ipam),
    "aws_vpc_ipam_scope": (0, _C.ipam),
    "aws_vpc_ipam_pool": (0, _C.ipam_pool),
    "aws_vpc_ipam_pool_cidr": (1, _C.ipam_pool_cidr),
    "aws_vpc_ipam_pool_cidr_allocation": (1, _C.ipam_allocation),
    "aws_globalaccelerator_accelerator": (0, _C.accelerator),
    "aws_globalaccelerator_listener": (1, _C.ga_listener),
    "aws_globalaccelerator_endpoint_group": (3, _C.ga_endpoint_group),
    "aws_flow_log": (3, _C.flow_log),
    "aws_ec2_traffic_mirror_filter": (0, _C.mirror_filter),
    "aws_ec2_traffic_mirror_filter_rule": (1, _C.mirror_filter_rule),
    "aws_ec2_traffic_mirror_target": (3, _C.mirror_target),
    "aws_ec2_traffic_mirror_session": (4, _C.mirror_session),
    "aws_ec2_transit_gateway_default_route_table_association": (1, _C.tgw_default_table),
    "aws_ec2_transit_gateway_default_route_table_propagation": (1, _C.tgw_default_table),
    "aws_ec2_transit_gateway_vpc_attachment_accepter": (3, _C.tgw_attachment_accepter),
    "aws_ec2_transit_gateway_prefix_list_reference": (3, _C.tgw_prefix_list_reference),
}


def to_inventory(
    resources: Sequence[Resource],
    resolver: Resolver | None,
    default_region: str,
    source: str,
    title: str,
) -> aws.Inventory:
    """The inventory of what the resources create, with their addresses for the comments."""
    conv = Converter(resources, resolver, default_region)
    out = conv.run()
    dumps = [
        aws.Dump(
            region,
            None,
            ((source, out[region]), *((source, o) for o in conv.objects.get(region, []))),
        )
        for region in sorted(out)
    ]
    inventory = aws.parse(dumps, default_region)
    inventory.warnings[:0] = [w for w in conv.warnings if w not in inventory.warnings]
    inventory.origins.update(conv.origins)
    inventory.title = title
    inventory.public_at_apply.update(conv.public_at_apply)
    inventory.ipam_requests.update(conv.ipam_requests)
    return inventory
