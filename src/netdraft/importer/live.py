"""Read an AWS account's network live: the describe-* calls through boto3, paginated.

The only module that imports boto3 (lazily, so that netdraft runs without it). It returns
one dict in the shape ``aws ec2 describe-*`` prints, every response's key merged, with
each transit gateway route table carrying its ``Routes``, ``Propagations`` and
``Associations``, each of the account's prefix lists its ``Entries``, each VPC its
``EnableDnsSupport`` and ``EnableDnsHostnames`` (describe-vpc-attribute), each private
hosted zone its ``VPCs`` (get-hosted-zone) and ``ResourceRecordSets``, each resolver
endpoint its ``IpAddresses``, and the DX gateways' associations and attachments (read per
gateway) beside them (what :mod:`netdraft.importer.aws_json` reads).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netdraft.importer.aws_json import AWS_OWNER, DumpError

#: The EC2 calls, with the key of their output. Without the first seven there is no
#: network to speak of; the others may be refused (a warning says what may be missing).
EC2_CALLS: tuple[tuple[str, str], ...] = (
    ("describe_vpcs", "Vpcs"),
    ("describe_subnets", "Subnets"),
    ("describe_route_tables", "RouteTables"),
    ("describe_internet_gateways", "InternetGateways"),
    ("describe_security_groups", "SecurityGroups"),
    ("describe_network_acls", "NetworkAcls"),
    ("describe_instances", "Reservations"),
    ("describe_egress_only_internet_gateways", "EgressOnlyInternetGateways"),
    ("describe_nat_gateways", "NatGateways"),
    ("describe_network_interfaces", "NetworkInterfaces"),
    ("describe_addresses", "Addresses"),
    ("describe_vpc_peering_connections", "VpcPeeringConnections"),
    ("describe_transit_gateways", "TransitGateways"),
    ("describe_transit_gateway_attachments", "TransitGatewayAttachments"),
    ("describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments"),
    ("describe_transit_gateway_route_tables", "TransitGatewayRouteTables"),
    ("describe_transit_gateway_peering_attachments", "TransitGatewayPeeringAttachments"),
    ("describe_vpn_gateways", "VpnGateways"),
    ("describe_vpn_connections", "VpnConnections"),
    ("describe_customer_gateways", "CustomerGateways"),
    ("describe_vpc_endpoints", "VpcEndpoints"),
    ("describe_dhcp_options", "DhcpOptions"),
    ("describe_managed_prefix_lists", "PrefixLists"),
    # Traffic observation (LANGUAGE.md §10); a session's filter is counted, not imported.
    ("describe_flow_logs", "FlowLogs"),
    ("describe_traffic_mirror_sessions", "TrafficMirrorSessions"),
    ("describe_traffic_mirror_targets", "TrafficMirrorTargets"),
    ("describe_traffic_mirror_filters", "TrafficMirrorFilters"),
)
REQUIRED_CALLS = 7

#: Calls of other services: load balancers (their listeners and targets are read after
#: them, :func:`_elbv2_details`), Direct Connect (each DX gateway's associations and
#: attachments after it, :func:`_dx_details`), and resources the language cannot hold.
OTHER_CALLS: tuple[tuple[str, str, str], ...] = (
    ("elbv2", "describe_load_balancers", "LoadBalancers"),
    ("elbv2", "describe_target_groups", "TargetGroups"),
    ("elb", "describe_load_balancers", "LoadBalancerDescriptions"),
    ("directconnect", "describe_direct_connect_gateways", "directConnectGateways"),
    ("directconnect", "describe_connections", "connections"),
    ("directconnect", "describe_virtual_interfaces", "virtualInterfaces"),
    ("network-firewall", "list_firewalls", "Firewalls"),
    ("route53", "list_hosted_zones", "HostedZones"),
    ("route53resolver", "list_resolver_endpoints", "ResolverEndpoints"),
    ("route53resolver", "list_resolver_rules", "ResolverRules"),
    ("route53resolver", "list_resolver_rule_associations", "ResolverRuleAssociations"),
    ("rds", "describe_db_instances", "DBInstances"),
)
#: The prefix lists AWS owns (:data:`AWS_OWNER`) are kept without their entries: rules and
#: routes name them by id, and the file writes ``s3`` and ``dynamodb`` for two of them.


def fetch(
    region: str, profile: str | None = None, endpoint_url: str | None = None
) -> dict[str, Any]:
    """Call every describe-* API of one region.

    Args:
        region: the AWS region.
        profile: the profile of the AWS configuration files (default: the environment's).
        endpoint_url: another endpoint for every service (a local moto server in tests).

    Returns:
        The responses, merged into one dict keyed as the AWS CLI prints them.

    Raises:
        DumpError: boto3 is not installed, or a call without which there is no network
            fails (no credentials, no permission, no network).
    """
    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError as exc:
        raise DumpError("the live import needs boto3: pip install 'netdraft[aws]'") from exc
    try:
        session = boto3.Session(profile_name=profile, region_name=region)
        ec2 = session.client("ec2", endpoint_url=endpoint_url)
        out: dict[str, Any] = {}
        warnings: list[str] = []
        for call, key in EC2_CALLS[:REQUIRED_CALLS]:
            out[key] = _all(ec2, call, key)
    except (BotoCoreError, ClientError) as exc:
        raise DumpError(f"cannot read the network of {region}: {exc}") from exc
    try:
        for call, key in EC2_CALLS[REQUIRED_CALLS:]:
            try:
                out[key] = _all(ec2, call, key)
            except ClientError as exc:
                warnings.append(
                    f"could not call {call} in {region} ({_reason(exc)}): those resources may be missing from the import"
                )
        for table in out.get("TransitGatewayRouteTables", []):
            if not isinstance(table, dict) or not isinstance(
                table.get("TransitGatewayRouteTableId"), str
            ):
                continue  # the reader reports it
            try:
                _tgw_table(ec2, table)
            except ClientError as exc:
                tid = table.get("TransitGatewayRouteTableId")
                warnings.append(
                    f"could not read transit gateway route table '{tid}' in {region} ({_reason(exc)}): its routes are missing"
                )
        for listed in out.get("PrefixLists", []):
            if not isinstance(listed, dict) or listed.get("OwnerId") == AWS_OWNER:
                continue
            pid = listed.get("PrefixListId")
            if not isinstance(pid, str):
                continue  # the reader reports it
            try:
                listed["Entries"] = _all(
                    ec2, "get_managed_prefix_list_entries", "Entries", PrefixListId=pid
                )
            except ClientError as exc:
                warnings.append(
                    f"could not read the entries of prefix list '{pid}' in {region} ({_reason(exc)}): rules and routes naming it are not imported"
                )
        try:
            out["IpamPools"] = ipam_pools(ec2)
        except Exception as exc:  # optional: no answer (or a broken one) never stops the import
            warnings.append(
                f"could not call describe_ipam_pools in {region} ({_reason(exc)}): IPAM pools may be missing from the import"
            )
        _vpc_attributes(ec2, out.get("Vpcs") or [], warnings, region)
    except BotoCoreError as exc:
        raise DumpError(f"cannot read the network of {region}: {exc}") from exc
    for service, call, key in OTHER_CALLS:
        try:
            config = Config(retries={"mode": "standard", "max_attempts": 2})
            client = session.client(service, endpoint_url=endpoint_url, config=config)
            out[key] = _all(client, call, key)
            if service == "elbv2":
                _elbv2_details(client, out.get(key) or [], call, warnings, region)
            elif call == "describe_direct_connect_gateways":
                _dx_details(client, out, warnings, region)
            elif call in DNS_DETAILS:
                DNS_DETAILS[call](client, out.get(key) or [], warnings, region)
        except (
            Exception
        ) as exc:  # a missing permission or an unknown service must not stop the import
            warnings.append(
                f"could not list {service} resources in {region} ({_reason(exc)}): they may be missing from the import"
            )
    try:
        # Global Accelerator is global: its API answers in us-west-2 only, whatever the
        # region read (the reader keeps one copy of what several regions' imports list).
        config = Config(retries={"mode": "standard", "max_attempts": 2})
        ga = session.client(
            "globalaccelerator", region_name=GA_REGION, endpoint_url=endpoint_url, config=config
        )
        out["Accelerators"] = accelerators(ga)
    except Exception as exc:  # a missing permission must not stop the import
        warnings.append(
            f"could not list globalaccelerator resources ({_reason(exc)}): they may be missing from the import"
        )
    if warnings:
        out["NetdraftWarnings"] = warnings
    return out


def ipam_pools(ec2: Any) -> list[Any]:
    """Every IPv4 IPAM pool with its provisioned CIDRs and its allocations embedded
    (``describe-ipam-pools``, ``get-ipam-pool-cidrs``, ``get-ipam-pool-allocations``)."""
    found = _all(ec2, "describe_ipam_pools", "IpamPools")
    for pool in found:
        pid = pool.get("IpamPoolId") if isinstance(pool, dict) else None
        if not isinstance(pid, str) or str(pool.get("AddressFamily", "ipv4")).lower() != "ipv4":
            continue  # the reader reports it, or skips an IPv6 pool
        pool["IpamPoolCidrs"] = _all(ec2, "get_ipam_pool_cidrs", "IpamPoolCidrs", IpamPoolId=pid)
        pool["IpamPoolAllocations"] = _all(
            ec2, "get_ipam_pool_allocations", "IpamPoolAllocations", IpamPoolId=pid
        )
    return found


#: The region whose endpoint serves the Global Accelerator API.
GA_REGION = "us-west-2"


def accelerators(client: Any) -> list[Any]:
    """Every accelerator, each with its listeners, each with its endpoint groups embedded
    (``list-accelerators``, ``list-listeners``, ``list-endpoint-groups``)."""
    found = _all(client, "list_accelerators", "Accelerators")
    for acc in found:
        arn = acc.get("AcceleratorArn") if isinstance(acc, dict) else None
        if not isinstance(arn, str):
            continue  # the reader reports it
        acc["Listeners"] = _all(client, "list_listeners", "Listeners", AcceleratorArn=arn)
        for listener in acc["Listeners"]:
            larn = listener.get("ListenerArn") if isinstance(listener, dict) else None
            if isinstance(larn, str):
                listener["EndpointGroups"] = _all(
                    client, "list_endpoint_groups", "EndpointGroups", ListenerArn=larn
                )
    return found


def _elbv2_details(
    client: Any, items: list[Any], call: str, warnings: list[str], region: str
) -> None:
    """Each load balancer's listeners, each target group's targets and their health, kept
    in the item they belong to (the reader takes them from there)."""
    for item in items:
        if not isinstance(item, dict):
            continue  # the reader reports it
        arn = item.get("LoadBalancerArn" if call == "describe_load_balancers" else "TargetGroupArn")
        if not isinstance(arn, str):
            continue
        try:
            if call == "describe_load_balancers":
                item["Listeners"] = _all(
                    client, "describe_listeners", "Listeners", LoadBalancerArn=arn
                )
            elif call == "describe_target_groups":
                response = client.describe_target_health(TargetGroupArn=arn)
                item["TargetHealthDescriptions"] = list(
                    response.get("TargetHealthDescriptions") or []
                )
        except Exception as exc:  # one resource's details must not stop the import
            warnings.append(
                f"could not read the details of '{arn}' in {region} ({_reason(exc)}): its listeners or targets are missing"
            )


def _dx_details(client: Any, out: dict[str, Any], warnings: list[str], region: str) -> None:
    """Each DX gateway's associations and attachments (AWS lists them per gateway)."""
    associations: list[Any] = []
    attachments: list[Any] = []
    for item in out.get("directConnectGateways") or []:
        gid = item.get("directConnectGatewayId") if isinstance(item, dict) else None
        if not isinstance(gid, str):
            continue  # the reader reports it
        try:
            associations += (
                client.describe_direct_connect_gateway_associations(directConnectGatewayId=gid).get(
                    "directConnectGatewayAssociations"
                )
                or []
            )
            attachments += (
                client.describe_direct_connect_gateway_attachments(directConnectGatewayId=gid).get(
                    "directConnectGatewayAttachments"
                )
                or []
            )
        except Exception as exc:  # one gateway's details must not stop the import
            warnings.append(
                f"could not read the associations of DX gateway '{gid}' in {region} ({_reason(exc)}): they are missing"
            )
    out["directConnectGatewayAssociations"] = associations
    out["directConnectGatewayAttachments"] = attachments


def _vpc_attributes(ec2: Any, vpcs: list[Any], warnings: list[str], region: str) -> None:
    """Each VPC's ``enableDnsSupport`` and ``enableDnsHostnames``, kept in its item."""
    from botocore.exceptions import ClientError

    for item in vpcs:
        vid = item.get("VpcId") if isinstance(item, dict) else None
        if not isinstance(vid, str):
            continue  # the reader reports it
        for attribute, key in (
            ("enableDnsSupport", "EnableDnsSupport"),
            ("enableDnsHostnames", "EnableDnsHostnames"),
        ):
            try:
                item[key] = ec2.describe_vpc_attribute(VpcId=vid, Attribute=attribute).get(key)
            except ClientError as exc:
                warnings.append(
                    f"could not read {attribute} of vpc '{vid}' in {region} ({_reason(exc)}): the language's default (on) is assumed"
                )


def _zone_details(client: Any, zones: list[Any], warnings: list[str], region: str) -> None:
    """Each private hosted zone's VPCs (get-hosted-zone) and records, kept in its item."""
    for item in zones:
        if not isinstance(item, dict) or not isinstance(item.get("Id"), str):
            continue  # the reader reports it
        config = item.get("Config")
        if not isinstance(config, dict) or config.get("PrivateZone") is not True:
            continue  # a public zone is not imported: its records are not needed
        zid = item["Id"]
        try:
            item["VPCs"] = list(client.get_hosted_zone(Id=zid).get("VPCs") or [])
            item["ResourceRecordSets"] = _all(
                client, "list_resource_record_sets", "ResourceRecordSets", HostedZoneId=zid
            )
        except Exception as exc:  # one zone's details must not stop the import
            warnings.append(
                f"could not read hosted zone '{zid}' ({_reason(exc)}): its VPCs or records are missing"
            )


def _endpoint_addresses(client: Any, items: list[Any], warnings: list[str], region: str) -> None:
    """Each resolver endpoint's addresses, kept in its item."""
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("Id"), str):
            continue  # the reader reports it
        try:
            item["IpAddresses"] = _all(
                client,
                "list_resolver_endpoint_ip_addresses",
                "IpAddresses",
                ResolverEndpointId=item["Id"],
            )
        except Exception as exc:  # one endpoint's details must not stop the import
            warnings.append(
                f"could not read the addresses of resolver endpoint '{item['Id']}' in {region} ({_reason(exc)}): they are taken from its network interfaces"
            )


#: The calls whose items need a call of their own each (Route 53 is global: the import
#: of each region lists the same zones, and the reader keeps one copy).
DNS_DETAILS = {
    "list_hosted_zones": _zone_details,
    "list_resolver_endpoints": _endpoint_addresses,
}


def _reason(exc: Exception) -> str:
    """A ClientError's code (``AccessDenied``…), or the exception's class."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        if code:
            return str(code)
    return type(exc).__name__


def _all(client: Any, call: str, key: str, **params: Any) -> list[Any]:
    """Every item of a call's output, following its pages."""
    items: list[Any] = []
    if client.can_paginate(call):
        for page in client.get_paginator(call).paginate(**params):
            items.extend(page.get(key) or [])
    else:
        items.extend(getattr(client, call)(**params).get(key) or [])
    return items


def _tgw_table(ec2: Any, table: dict[str, Any]) -> None:
    """Add a transit gateway route table's routes, propagations and associations to it."""
    tid = table["TransitGatewayRouteTableId"]
    table["Associations"] = _all(
        ec2,
        "get_transit_gateway_route_table_associations",
        "Associations",
        TransitGatewayRouteTableId=tid,
    )
    table["Propagations"] = _all(
        ec2,
        "get_transit_gateway_route_table_propagations",
        "TransitGatewayRouteTablePropagations",
        TransitGatewayRouteTableId=tid,
    )
    response: Mapping[str, Any] = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=tid,
        Filters=[{"Name": "state", "Values": ["active", "blackhole"]}],
    )
    table["Routes"] = list(response.get("Routes") or [])
    if response.get("AdditionalRoutesAvailable"):
        table["NetdraftRoutesTruncated"] = True
