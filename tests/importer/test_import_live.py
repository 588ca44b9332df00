"""Round trip through a local moto server: networks built with boto3 import to files whose
paths agree with what the built network allows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from netdraft import api, importer
from netdraft.cli import main
from netdraft.dsl.fmt import format_text
from netdraft.dsl.query import parse_query
from netdraft.model.network import Network
from netdraft.sim.path import trace

REGION = "us-east-1"


def client(url: str, service: str = "ec2") -> Any:
    import boto3

    return boto3.client(service, region_name=REGION, endpoint_url=url)


def named(ec2: Any, resource: str, name: str) -> str:
    ec2.create_tags(Resources=[resource], Tags=[{"Key": "Name", "Value": name}])
    return resource


def make_subnet(ec2: Any, vpc: str, cidr: str, name: str, az: str = "us-east-1a") -> str:
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
    return named(ec2, subnet, name)


def make_group(
    ec2: Any, vpc: str, name: str, *ingress: dict[str, Any], description: str = ""
) -> str:
    """A security group (described by its name unless told) with ``ingress`` rules."""
    group = ec2.create_security_group(GroupName=name, Description=description or name, VpcId=vpc)[
        "GroupId"
    ]
    if ingress:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=list(ingress))
    return group


def flow_log(ec2: Any, resource: str, kind: str, group: str) -> None:
    """A flow log of all the traffic of a VPC or subnet (``kind``) to a CloudWatch group."""
    ec2.create_flow_logs(
        ResourceIds=[resource],
        ResourceType=kind,
        TrafficType="ALL",
        LogDestinationType="cloud-watch-logs",
        LogGroupName=group,
        DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow-logs",
    )


def rule(
    proto: str, port: int | None = None, cidr: str | None = None, group: str | None = None
) -> dict[str, Any]:
    perm: dict[str, Any] = {"IpProtocol": proto}
    if port is not None:
        perm["FromPort"] = perm["ToPort"] = port
    if cidr is not None:
        perm["IpRanges"] = [{"CidrIp": cidr}]
    if group is not None:
        perm["UserIdGroupPairs"] = [{"GroupId": group}]
    return perm


def build_peered_network(url: str) -> None:
    """Two VPCs: prod (public and private subnets, a NAT gateway, a NACL) peered with shared."""
    ec2 = client(url)
    prod = named(ec2, ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"], "prod")
    shared = named(ec2, ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"], "shared")
    public = make_subnet(ec2, prod, "10.0.0.0/24", "public-a", "us-east-1a")
    ec2.modify_subnet_attribute(SubnetId=public, MapPublicIpOnLaunch={"Value": True})
    private = make_subnet(ec2, prod, "10.0.1.0/24", "private-a", "us-east-1a")
    svc = make_subnet(ec2, shared, "10.2.1.0/24", "svc-a", "us-east-1a")
    igw = named(
        ec2, ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"], "prod-igw"
    )
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=prod)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = named(
        ec2,
        ec2.create_nat_gateway(SubnetId=public, AllocationId=allocation)["NatGateway"][
            "NatGatewayId"
        ],
        "nat-a",
    )
    pcx = named(
        ec2,
        ec2.create_vpc_peering_connection(VpcId=prod, PeerVpcId=shared)["VpcPeeringConnection"][
            "VpcPeeringConnectionId"
        ],
        "prod-shared",
    )
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    for name, vpc, subnet, routes in (
        (
            "public",
            prod,
            public,
            [("0.0.0.0/0", {"GatewayId": igw}), ("10.2.0.0/16", {"VpcPeeringConnectionId": pcx})],
        ),
        (
            "private",
            prod,
            private,
            [
                ("0.0.0.0/0", {"NatGatewayId": nat}),
                ("10.2.0.0/16", {"VpcPeeringConnectionId": pcx}),
            ],
        ),
        ("svc", shared, svc, [("10.0.0.0/16", {"VpcPeeringConnectionId": pcx})]),
    ):
        table = named(ec2, ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"], name)
        for destination, target in routes:
            ec2.create_route(RouteTableId=table, DestinationCidrBlock=destination, **target)
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    bastion_sg = make_group(
        ec2, prod, "bastion", rule("tcp", 22, "203.0.113.0/24"), description="ssh from the office"
    )
    app_sg = make_group(
        ec2, prod, "app", rule("tcp", 22, group=bastion_sg), rule("tcp", 5432, "10.2.0.0/16")
    )
    db_sg = make_group(ec2, shared, "db", rule("tcp", 5432, "10.0.1.0/24"))
    acl = named(
        ec2, ec2.create_network_acl(VpcId=prod)["NetworkAcl"]["NetworkAclId"], "private-acl"
    )
    for number, egress, protocol, cidr, ports in (
        (100, False, "6", "10.0.0.0/16", (22, 22)),
        (110, False, "6", "0.0.0.0/0", (1024, 65535)),
        (120, False, "6", "10.2.0.0/16", (5432, 5432)),
        (100, True, "-1", "0.0.0.0/0", None),
    ):
        entry: dict[str, Any] = {
            "NetworkAclId": acl,
            "RuleNumber": number,
            "Protocol": protocol,
            "RuleAction": "allow",
            "Egress": egress,
            "CidrBlock": cidr,
        }
        if ports:
            entry["PortRange"] = {"From": ports[0], "To": ports[1]}
        ec2.create_network_acl_entry(**entry)
    found = ec2.describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": [private]}]
    )["NetworkAcls"][0]
    association = next(a for a in found["Associations"] if a["SubnetId"] == private)
    ec2.replace_network_acl_association(
        AssociationId=association["NetworkAclAssociationId"], NetworkAclId=acl
    )
    for name, subnet, group, ip in (
        ("bastion", public, bastion_sg, "10.0.0.10"),
        ("app", private, app_sg, "10.0.1.10"),
        ("db", svc, db_sg, "10.2.1.10"),
    ):
        instance = ec2.run_instances(
            ImageId="ami-12c6146b",
            MinCount=1,
            MaxCount=1,
            SubnetId=subnet,
            SecurityGroupIds=[group],
            PrivateIpAddress=ip,
        )
        named(ec2, instance["Instances"][0]["InstanceId"], name)


def build_transit_network(url: str) -> None:
    """Two spokes joined by a transit gateway, a VPN to an office, and a load balancer."""
    ec2 = client(url)
    x = named(ec2, ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"], "spoke-x")
    y = named(ec2, ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"], "spoke-y")
    sx = make_subnet(ec2, x, "10.10.1.0/24", "x-a", "us-east-1a")
    sy = make_subnet(ec2, y, "10.20.1.0/24", "y-a", "us-east-1a")
    options = {"DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"}
    tgw = named(
        ec2,
        ec2.create_transit_gateway(Description="hub", Options=options)["TransitGateway"][
            "TransitGatewayId"
        ],
        "hub",
    )
    attachments = [
        ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet]
        )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        for vpc, subnet in ((x, sx), (y, sy))
    ]
    table = named(
        ec2,
        ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)["TransitGatewayRouteTable"][
            "TransitGatewayRouteTableId"
        ],
        "spokes",
    )
    for attachment in attachments:
        ec2.associate_transit_gateway_route_table(
            TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=attachment
        )
        ec2.enable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=attachment
        )
    ec2.create_transit_gateway_route(
        DestinationCidrBlock="10.99.0.0/16", TransitGatewayRouteTableId=table, Blackhole=True
    )
    for vpc, subnet, other, name in (
        (x, sx, "10.20.0.0/16", "x-rt"),
        (y, sy, "10.10.0.0/16", "y-rt"),
    ):
        rt = named(ec2, ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"], name)
        for destination in (other, "10.99.0.0/16"):
            ec2.create_route(
                RouteTableId=rt, DestinationCidrBlock=destination, TransitGatewayId=tgw
            )
        ec2.associate_route_table(RouteTableId=rt, SubnetId=subnet)
    sgx = make_group(ec2, x, "x-sg", description="x")
    sgy = make_group(ec2, y, "y-sg", rule("tcp", 443, "10.10.0.0/16"), description="y")
    for name, subnet, group in (("hx", sx, sgx), ("hy", sy, sgy)):
        instance = ec2.run_instances(
            ImageId="ami-12c6146b",
            MinCount=1,
            MaxCount=1,
            SubnetId=subnet,
            SecurityGroupIds=[group],
        )
        named(ec2, instance["Instances"][0]["InstanceId"], name)
    vgw = named(ec2, ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"], "x-vgw")
    ec2.attach_vpn_gateway(VpcId=x, VpnGatewayId=vgw)
    cgw = named(
        ec2,
        ec2.create_customer_gateway(Type="ipsec.1", PublicIp="203.0.113.12", BgpAsn=65000)[
            "CustomerGateway"
        ]["CustomerGatewayId"],
        "office",
    )
    named(
        ec2,
        ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw, VpnGatewayId=vgw)[
            "VpnConnection"
        ]["VpnConnectionId"],
        "office-vpn",
    )
    client(url, "elbv2").create_load_balancer(
        Name="web-alb",
        Subnets=[sx, sy],
        SecurityGroups=[sgx],
        Scheme="internet-facing",
        Type="application",
    )


def add_unrepresentable(url: str) -> None:
    """Resources of other kinds beside the transit network: a flow log, a target group, a
    hosted zone and a prefix list of the account's own."""
    ec2 = client(url)
    x = next(
        v["VpcId"]
        for v in ec2.describe_vpcs()["Vpcs"]
        if {"Key": "Name", "Value": "spoke-x"} in v.get("Tags", [])
    )
    flow_log(ec2, x, "VPC", "netdraft-test-flow-logs")
    ec2.create_managed_prefix_list(
        PrefixListName="offices",
        MaxEntries=5,
        AddressFamily="IPv4",
        Entries=[{"Cidr": "192.0.2.0/24"}],
    )
    client(url, "elbv2").create_target_group(
        Name="web-targets", Protocol="HTTP", Port=80, VpcId=x, TargetType="instance"
    )
    client(url, "route53").create_hosted_zone(Name="corp.example.", CallerReference="netdraft-1")


def compiled(text: str) -> Network:
    result = api.compile(text, "imported.nd")
    assert result.ok, [d.headline() for d in result.diagnostics]
    assert result.network is not None
    return result.network


# What the peered network allows, as AWS would decide it: (src, dst, proto, port, verdict, code or via).
PEERED = [
    ("203.0.113.9", "bastion", "tcp", "22", "allow", None),
    ("198.51.100.7", "bastion", "tcp", "22", "deny", "SG_INGRESS_MISMATCH"),
    ("internet", "app", "tcp", "22", "deny", "NO_PUBLIC_IP"),
    ("bastion", "app", "tcp", "22", "allow", None),
    ("app", "internet", "tcp", "443", "allow", "nat-a"),
    ("app", "db", "tcp", "5432", "allow", "prod-shared"),
    ("db", "app", "tcp", "5432", "allow", "prod-shared"),
    ("bastion", "db", "tcp", "5432", "deny", "SG_INGRESS_MISMATCH"),
    ("db", "internet", "tcp", "443", "deny", "NO_ROUTE_TO_DESTINATION"),
]

TRANSIT = [
    ("hx", "hy", "tcp", "443", "allow", "hub"),
    ("hy", "hx", "tcp", "443", "deny", "SG_INGRESS_MISMATCH"),
    ("hx", "10.99.0.7", "tcp", "443", "deny", "BLACKHOLE_ROUTE"),
]


def check_paths(
    network: Network, table: list[tuple[str, str, str, str | None, str, str | None]]
) -> None:
    for src, dst, proto, port, expected, detail in table:
        query = parse_query(network, src, dst, proto, port)
        assert not isinstance(query, list), [d.message for d in query]
        result = trace(network, query)
        assert result.verdict.value == expected, (src, dst, proto, port, result.code)
        if expected == "deny":
            assert result.code is not None and result.code.value == detail, (src, dst, result.code)
        elif detail is not None:
            assert result.crosses(detail), (src, dst, detail)


def test_peered_network_round_trip(moto: str) -> None:
    build_peered_network(moto)
    result = importer.from_aws([REGION], endpoint_url=moto, output="imported.nd")
    network = compiled(result.text)
    assert format_text(result.text)[0] == result.text  # what `netdraft fmt` prints
    check_paths(network, PEERED)
    # Names come from the Name tags, and every imported resource keeps its id.
    vpc = network.vpcs["prod"]
    assert set(vpc.subnets) == {"public-a", "private-a"}
    assert "nat-a" in vpc.nat_gateways and "prod-shared" in network.peerings
    assert "vpc-" in result.text and "# i-" in result.text


def test_transit_network_round_trip(moto: str) -> None:
    build_transit_network(moto)
    result = importer.from_aws([REGION], endpoint_url=moto, output="imported.nd")
    network = compiled(result.text)
    check_paths(network, TRANSIT)
    # moto returns no routes for the VPN, so the site gets a placeholder, and says so.
    assert any("placeholder prefix" in w for w in result.warnings)
    assert network.vpns["office-vpn"].gateway == "x-vgw"


def test_cli_live_import_lists_what_it_cannot_represent(
    moto: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_transit_network(moto)
    out = tmp_path / "live.nd"
    code = main(["import", "aws", "--region", REGION, "--endpoint-url", moto, "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    text = out.read_text("utf-8")
    assert "load-balancer web-alb application internet-facing" in text
    warned = [
        x.removeprefix("# warning: ") for x in text.splitlines() if x.startswith("# warning: ")
    ]
    assert warned and all(f"warning: {w}" in captured.err.splitlines() for w in warned)
    assert api.compile(text, str(out)).ok


def test_live_import_counts_each_kind_it_cannot_represent(moto: str) -> None:
    build_transit_network(moto)
    add_unrepresentable(moto)
    result = importer.from_aws([REGION], endpoint_url=moto, output="imported.nd")
    compiled(result.text)
    counted = [w for w in result.warnings if "not imported yet" in w]
    for expected in (
        "1 Route 53 public hosted zone (route53 list-hosted-zones) is not imported yet: 'corp.example'",
    ):
        assert expected in counted, counted
    # Flow logs are in the language (LANGUAGE.md §10): the VPC's is imported, not counted.
    assert not any("flow log" in w for w in counted), counted
    assert "flow-log spoke-x to cloudwatch" in " ".join(result.text.split())
    # Prefix lists are in the language: none is counted.
    assert not any("prefix list" in w for w in counted), counted


def build_load_balanced_network(url: str) -> None:
    """A public ALB in two AZs forwarding 80 to an instance on 8080, and an internal NLB
    forwarding 443 to the same instance, which sees the client's own address."""
    ec2 = client(url)
    vpc = named(ec2, ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"], "web")
    a = make_subnet(ec2, vpc, "10.5.0.0/24", "pub-a", "us-east-1a")
    b = make_subnet(ec2, vpc, "10.5.1.0/24", "pub-b", "us-east-1b")
    igw = named(ec2, ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"], "igw")
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rt = named(ec2, ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"], "public")
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for subnet in (a, b):
        ec2.associate_route_table(RouteTableId=rt, SubnetId=subnet)
    alb_sg = make_group(ec2, vpc, "alb", rule("tcp", 80, "0.0.0.0/0"))
    app_sg = make_group(
        ec2, vpc, "app", rule("tcp", 8080, group=alb_sg), rule("tcp", 443, "10.5.0.0/16")
    )
    instance = ec2.run_instances(
        ImageId="ami-12c6146b",
        MinCount=1,
        MaxCount=1,
        SubnetId=a,
        SecurityGroupIds=[app_sg],
        PrivateIpAddress="10.5.0.10",
    )["Instances"][0]["InstanceId"]
    named(ec2, instance, "app")
    elb = client(url, "elbv2")
    alb = elb.create_load_balancer(
        Name="front",
        Subnets=[a, b],
        SecurityGroups=[alb_sg],
        Scheme="internet-facing",
        Type="application",
    )["LoadBalancers"][0]["LoadBalancerArn"]
    _forward(elb, alb, ("HTTP", 80), ("app-tg", "HTTP", 8080), vpc, instance)
    nlb = elb.create_load_balancer(Name="inner", Subnets=[a], Scheme="internal", Type="network")[
        "LoadBalancers"
    ][0]["LoadBalancerArn"]
    _forward(elb, nlb, ("TCP", 443), ("kept-tg", "TCP", 443), vpc, instance)


def _forward(
    elb: Any,
    lb: str,
    listener: tuple[str, int],
    group: tuple[str, str, int],
    vpc: str,
    instance: str,
) -> None:
    """A listener ``(protocol, port)`` of ``lb`` forwarding to a new target group ``(name,
    protocol, port)`` with ``instance`` registered on the group's port."""
    name, protocol, port = group
    tg = elb.create_target_group(
        Name=name, Protocol=protocol, Port=port, VpcId=vpc, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": instance, "Port": port}])
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol=listener[0],
        Port=listener[1],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )


LOAD_BALANCED = [
    ("internet", "front", "tcp", "80", "allow", "app-tg"),
    ("internet", "front", "tcp", "443", "deny", "SG_INGRESS_MISMATCH"),
    ("app", "inner", "tcp", "443", "allow", "kept-tg"),
    ("app", "inner", "tcp", "22", "deny", "NO_LISTENER"),
]


def test_load_balanced_network_round_trip(moto: str) -> None:
    build_load_balanced_network(moto)
    result = importer.from_aws([REGION], endpoint_url=moto, output="imported.nd")
    network = compiled(result.text)
    assert format_text(result.text)[0] == result.text
    vpc = network.vpcs["web"]
    assert set(vpc.load_balancers) == {"front", "inner"}
    assert vpc.load_balancers["front"].security_groups == ("alb",)
    assert [t.name for t in vpc.target_groups["app-tg"].targets] == ["app"]
    check_paths(network, LOAD_BALANCED)


def add_observation(url: str) -> None:
    """A flow log of a subnet to CloudWatch Logs, a second instance watching the first through a
    traffic mirror session to its network interface, and one to the NLB."""
    ec2 = client(url)
    vpc = next(
        v["VpcId"]
        for v in ec2.describe_vpcs()["Vpcs"]
        if {"Key": "Name", "Value": "web"} in v.get("Tags", [])
    )
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    a = next(s["SubnetId"] for s in subnets if s["CidrBlock"] == "10.5.0.0/24")
    flow_log(ec2, a, "Subnet", "netdraft-test-subnet-logs")
    ids = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=a, PrivateIpAddress="10.5.0.20"
    )["Instances"][0]
    named(ec2, ids["InstanceId"], "ids")
    app = next(
        i
        for r in ec2.describe_instances()["Reservations"]
        for i in r["Instances"]
        if {"Key": "Name", "Value": "app"} in i.get("Tags", [])
    )
    source = app["NetworkInterfaces"][0]["NetworkInterfaceId"]
    eni_target = ec2.create_traffic_mirror_target(
        NetworkInterfaceId=ids["NetworkInterfaces"][0]["NetworkInterfaceId"]
    )["TrafficMirrorTarget"]["TrafficMirrorTargetId"]
    nlb = next(
        b["LoadBalancerArn"]
        for b in client(url, "elbv2").describe_load_balancers()["LoadBalancers"]
        if b["LoadBalancerName"] == "inner"
    )
    nlb_target = ec2.create_traffic_mirror_target(NetworkLoadBalancerArn=nlb)[
        "TrafficMirrorTarget"
    ]["TrafficMirrorTargetId"]
    fid = ec2.create_traffic_mirror_filter()["TrafficMirrorFilter"]["TrafficMirrorFilterId"]
    for number, target in ((1, eni_target), (2, nlb_target)):
        ec2.create_traffic_mirror_session(
            NetworkInterfaceId=source,
            TrafficMirrorTargetId=target,
            TrafficMirrorFilterId=fid,
            SessionNumber=number,
        )


def test_flow_logs_and_mirror_sessions_round_trip(moto: str) -> None:
    build_load_balanced_network(moto)
    add_observation(moto)
    result = importer.from_aws([REGION], endpoint_url=moto, output="imported.nd")
    network = compiled(result.text)
    web = network.vpcs["web"]
    assert [(f.kind.value, f.resource, f.destination.value) for f in web.flow_logs] == [
        ("subnet", "pub-a", "cloudwatch")
    ]
    assert [(s.source, s.target_kind.value, s.target) for s in web.traffic_mirrors] == [
        ("app", "instance", "ids"),
        ("app", "load-balancer", "inner"),
    ]
    assert any(
        "traffic mirror filter (ec2 describe-traffic-mirror-filters)" in w for w in result.warnings
    )
    check_paths(network, LOAD_BALANCED)  # they change no verdict


def test_cli_live_import_without_aws_is_misuse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("boto3")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    # Nothing listens on this loopback port: the import reports it and writes nothing.
    out = tmp_path / "none.nd"
    code = main(
        [
            "import",
            "aws",
            "--region",
            REGION,
            "--endpoint-url",
            "http://127.0.0.1:9",
            "-o",
            str(out),
        ]
    )
    assert code == 2
    assert "cannot read the network of us-east-1" in capsys.readouterr().err
    assert not out.exists()


def test_live_import_keeps_prefix_lists(moto: str) -> None:
    """The account's lists become prefix-list statements with their entries (from
    get-managed-prefix-list-entries), AWS's S3 list the name s3; rules refer to them."""
    build_peered_network(moto)
    ec2 = client(moto)
    from botocore.exceptions import ClientError

    try:
        office = ec2.create_managed_prefix_list(
            PrefixListName="office",
            MaxEntries=5,
            AddressFamily="IPv4",
            Entries=[{"Cidr": "198.51.100.0/24"}, {"Cidr": "192.0.2.0/25"}],
        )["PrefixList"]["PrefixListId"]
    except ClientError as exc:  # an older moto without managed prefix lists
        pytest.skip(f"moto has no managed prefix lists: {exc}")
    lists = ec2.describe_managed_prefix_lists()["PrefixLists"]
    s3 = next(
        p["PrefixListId"] for p in lists if p["PrefixListName"] == f"com.amazonaws.{REGION}.s3"
    )
    bastion = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["bastion"]}])[
        "SecurityGroups"
    ][0]["GroupId"]
    for perm, call in (
        (
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "PrefixListIds": [{"PrefixListId": office}],
            },
            ec2.authorize_security_group_ingress,
        ),
        (
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "PrefixListIds": [{"PrefixListId": s3}],
            },
            ec2.authorize_security_group_egress,
        ),
    ):
        call(GroupId=bastion, IpPermissions=[perm])
    result = importer.from_aws([REGION], endpoint_url=moto, output="imported.nd")
    network = compiled(result.text)
    body = [line.split("#")[0].strip() for line in result.text.splitlines()]
    assert f"prefix-list {office} {{ 192.0.2.0/25; 198.51.100.0/24 }}" in body
    assert f"ingress tcp 22 from {office}" in body
    assert "egress tcp 443 to s3" in body
    assert not any("prefix list" in w for w in result.warnings), result.warnings
    check_paths(
        network,
        [
            ("198.51.100.7", "bastion", "tcp", "22", "allow", None),
            ("198.51.101.7", "bastion", "tcp", "22", "deny", "SG_INGRESS_MISMATCH"),
        ],
    )


def test_live_import_keeps_service_interfaces(moto: str) -> None:
    """An interface an AWS service made (here one described as RDS makes them) holds its
    address behind its groups: the database answers on 5432 from the app group only."""
    build_peered_network(moto)
    ec2 = client(moto)
    shared = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["shared"]}])["Vpcs"][0]
    svc = ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": ["svc-a"]}])["Subnets"][0]
    rds = make_group(ec2, shared["VpcId"], "rds", rule("tcp", 5432, "10.0.1.0/24"))
    eni = ec2.create_network_interface(
        SubnetId=svc["SubnetId"],
        Groups=[rds],
        PrivateIpAddress="10.2.1.50",
        Description="RDSNetworkInterface",
    )["NetworkInterface"]["NetworkInterfaceId"]
    result = importer.from_aws([REGION], endpoint_url=moto, output="imported.nd")
    network = compiled(result.text)
    assert any(
        line.split("#")[0].split()
        == ["instance", eni, "in", "svc-a", "sg", "rds", "ip", "10.2.1.50"]
        and f"# {eni}: RDS database interface" in line
        for line in result.text.splitlines()
    ), result.text
    check_paths(
        network,
        [
            ("app", "10.2.1.50", "tcp", "5432", "allow", "prod-shared"),
            ("app", "10.2.1.50", "tcp", "22", "deny", "SG_INGRESS_MISMATCH"),
            ("app", "10.2.1.51", "tcp", "5432", "deny", "NO_INTERFACE"),
        ],
    )


def test_live_import_reads_direct_connect_connections(moto: str) -> None:
    """moto 5 has Direct Connect connections (not yet VIFs or DX gateways): a connection is
    imported at its location and speed, behind a placeholder site; what moto refuses is a
    warning, never a failure."""
    ec2 = client(moto)
    named(ec2, ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"], "corp")
    dx = client(moto, "directconnect")
    dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="dc-primary")
    result = importer.from_aws([REGION], endpoint_url=moto, output="imported.nd")
    assert 'dx-connection dc-primary at "EqDC2" 10Gbps site dx-site' in result.text
    assert any("site 'dx-site' stands for the network behind" in w for w in result.warnings)
    compiled(result.text)


# ---- DNS: a private zone, resolver endpoints and rules, the VPC's DNS attributes -----------------


def build_dns_network(url: str) -> None:
    """corp (DNS hostnames on) and lab (off, moto's default) share the private zone
    corp.internal; corp has an inbound and two outbound resolver endpoints, and rules that
    forward dc.example.com to a DNS server instance, one of them through an endpoint whose
    group lets only HTTPS out."""
    ec2 = client(url)
    corp = named(ec2, ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"], "corp")
    lab = named(ec2, ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"], "lab")
    ec2.modify_vpc_attribute(VpcId=corp, EnableDnsHostnames={"Value": True})
    a = make_subnet(ec2, corp, "10.10.1.0/24", "a", "us-east-1a")
    b = make_subnet(ec2, corp, "10.10.2.0/24", "b", "us-east-1b")
    lab_a = make_subnet(ec2, lab, "10.30.1.0/24", "lab-a", "us-east-1a")
    dns = make_group(ec2, corp, "dns", rule("udp", 53, "10.10.0.0/16"))
    https = ec2.create_security_group(GroupName="https-out", Description="443", VpcId=corp)[
        "GroupId"
    ]
    ec2.revoke_security_group_egress(GroupId=https, IpPermissions=[rule("-1", cidr="0.0.0.0/0")])
    ec2.authorize_security_group_egress(
        GroupId=https, IpPermissions=[rule("tcp", 443, "0.0.0.0/0")]
    )
    for name, subnet, ip, groups in (
        ("app", a, "10.10.1.10", []),
        ("db", a, "10.10.1.173", []),
        ("bind", b, "10.10.2.10", [dns]),
        ("probe", lab_a, "10.30.1.10", []),
    ):
        extra = {"SecurityGroupIds": groups} if groups else {}
        ec2.run_instances(
            ImageId="ami-12c6146b",
            MinCount=1,
            MaxCount=1,
            SubnetId=subnet,
            PrivateIpAddress=ip,
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}
            ],
            **extra,
        )
    r53 = client(url, "route53")
    zone = r53.create_hosted_zone(
        Name="corp.internal.",
        CallerReference="netdraft-dns",
        HostedZoneConfig={"PrivateZone": True, "Comment": "corp"},
        VPC={"VPCRegion": REGION, "VPCId": corp},
    )["HostedZone"]["Id"]
    r53.associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC={"VPCRegion": REGION, "VPCId": lab})
    changes = [
        ("db.corp.internal.", "A", "10.10.1.173"),
        ("v6.corp.internal.", "AAAA", "2001:db8::5"),
        ("www.corp.internal.", "CNAME", "db.corp.internal."),
        ("corp.internal.", "TXT", '"v=spf1 -all"'),
    ]
    r53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "CREATE",
                    "ResourceRecordSet": {
                        "Name": n,
                        "Type": t,
                        "TTL": 60,
                        "ResourceRecords": [{"Value": v}],
                    },
                }
                for n, t, v in changes
            ]
        },
    )
    r53.create_hosted_zone(Name="example.com.", CallerReference="netdraft-public")
    resolver = client(url, "route53resolver")
    endpoints = {}
    for name, direction, group, ips in (
        ("in-ep", "INBOUND", dns, ("10.10.1.53", "10.10.2.53")),
        ("out-ep", "OUTBOUND", dns, ("10.10.1.20", "10.10.2.20")),
        ("out-closed", "OUTBOUND", https, ("10.10.1.21", "10.10.2.21")),
    ):
        endpoints[name] = resolver.create_resolver_endpoint(
            CreatorRequestId=name,
            Name=name,
            SecurityGroupIds=[group],
            Direction=direction,
            IpAddresses=[{"SubnetId": s, "Ip": ip} for s, ip in zip((a, b), ips, strict=True)],
        )["ResolverEndpoint"]["Id"]
    for name, domain, endpoint in (
        ("to-dc", "dc.example.com", "out-ep"),
        ("closed", "closed.dc.example.com", "out-closed"),
    ):
        rid = resolver.create_resolver_rule(
            CreatorRequestId=name,
            Name=name,
            RuleType="FORWARD",
            DomainName=domain,
            TargetIps=[{"Ip": "10.10.2.10", "Port": 53}],
            ResolverEndpointId=endpoints[endpoint],
        )["ResolverRule"]["Id"]
        resolver.associate_resolver_rule(ResolverRuleId=rid, VPCId=corp, Name=name)


#: The same network written by hand, as LANGUAGE.md §11 says it.
DNS_BY_HAND = """
region us-east-1 {
  vpc corp 10.10.0.0/16 {
    subnet a 10.10.1.0/24 az us-east-1a
    subnet b 10.10.2.0/24 az us-east-1b
    security-group dns { ingress udp 53 from 10.10.0.0/16 }
    security-group https-out { egress tcp 443 to 0.0.0.0/0 }
    instance app in a ip 10.10.1.10
    instance db in a ip 10.10.1.173
    instance bind in b ip 10.10.2.10 sg dns
    resolver-endpoint in-ep inbound in a b ips 10.10.1.53 10.10.2.53 sg dns
    resolver-endpoint out-ep outbound in a b ips 10.10.1.20 10.10.2.20 sg dns
    resolver-endpoint out-closed outbound in a b ips 10.10.1.21 10.10.2.21 sg https-out
  }
  vpc lab 10.30.0.0/16 {
    dns-hostnames off
    subnet lab-a 10.30.1.0/24 az us-east-1a
    instance probe in lab-a ip 10.30.1.10
  }
}
zone corp.internal private vpcs corp lab {
  record db A 10.10.1.173
  record www CNAME db.corp.internal
}
resolver-rule to-dc forward dc.example.com to 10.10.2.10 via out-ep vpcs corp
resolver-rule closed forward closed.dc.example.com to 10.10.2.10 via out-closed vpcs corp
"""

#: (client, name): each resolved in both files, with allowed and denied twins.
DNS_QUERIES = [
    ("app", "db.corp.internal"),  # the zone's A record
    ("app", "www.corp.internal"),  # its CNAME
    ("app", "nope.corp.internal"),  # NXDOMAIN: the zone answers alone
    ("probe", "db.corp.internal"),  # lab's DNS hostnames are off: NXDOMAIN
    ("app", "x.dc.example.com"),  # forwarded to bind, which asks corp's resolver again: a loop
    ("app", "x.closed.dc.example.com"),  # out-closed's group lets no query out
    ("bind", "db"),  # the DHCP domain is not corp.internal: NXDOMAIN (no public DNS)
]


def resolved(network: Network, client_name: str, name: str) -> tuple[object, ...]:
    from netdraft.sim.path import Simulator

    query = parse_query(network, client_name, "internet", "udp", "53")
    assert not isinstance(query, list), query
    res = Simulator(network).resolve(query.source, name)
    legs = tuple((leg.asker, leg.server, leg.ok, str(leg.trace.code)) for leg in res.legs)
    return tuple(sorted(map(str, res.answers))), str(res.code), legs


def test_dns_network_round_trip(moto: str) -> None:
    build_dns_network(moto)
    result = importer.from_aws([REGION], endpoint_url=moto, output="imported.nd")
    network = compiled(result.text)
    by_hand = compiled(DNS_BY_HAND)
    got = {q: resolved(network, *q) for q in DNS_QUERIES}
    assert got == {q: resolved(by_hand, *q) for q in DNS_QUERIES}
    # The table is not trivially equal: it holds answers, each code and a denied query.
    assert got[("app", "db.corp.internal")][0] == ("10.10.1.173",)
    assert {g[1] for g in got.values()} >= {"None", "NXDOMAIN", "DNS_LOOP", "DNS_UNREACHABLE"}
    assert got[("app", "x.closed.dc.example.com")][2][-1][2:] == (False, "SG_EGRESS_MISMATCH")
    # The resolver endpoints' interfaces are theirs, not instances; the public zone and the
    # TXT record are listed as not imported.
    assert set(network.vpcs["corp"].instances) == {"app", "db", "bind"}
    assert (
        "1 Route 53 public hosted zone (route53 list-hosted-zones) is not imported yet: 'example.com'"
        in result.warnings
    )
    assert any("of type TXT" in w for w in result.warnings)
    # An AAAA record set: a record of its own type, answering AAAA queries.
    assert "  record v6 AAAA 2001:db8::5\n" in result.text


@pytest.fixture
def moto_tgw_routes(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto 5.2.5 keeps a static route's attachment as one object, which its serializer
    drops: ``search-transit-gateway-routes`` then lists the route with no attachment. The
    server runs in this process, so the route is given the list AWS returns."""
    tables = pytest.importorskip("moto.ec2.models.transit_gateway_route_tables")
    backend = tables.TransitGatewayRouteTableBackend
    create = backend.create_transit_gateway_route

    def as_aws(self: Any, *args: Any, **kwargs: Any) -> Any:
        route = create(self, *args, **kwargs)
        if isinstance(route.get("transitGatewayAttachments"), dict):
            route["transitGatewayAttachments"] = [route["transitGatewayAttachments"]]
        return route

    monkeypatch.setattr(backend, "create_transit_gateway_route", as_aws)


def _peered_side(
    url: str, region: str, name: str, cidr: str, host: str, ingress: dict[str, Any]
) -> tuple[Any, str, str]:
    """One region's VPC with an instance, attached to a transit gateway of its own whose
    table (``NAME-rt``) the VPC's attachment is associated with and propagates into."""
    import boto3

    ec2 = boto3.client("ec2", region_name=region, endpoint_url=url)
    vpc = named(ec2, ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"], name)
    subnet = make_subnet(ec2, vpc, cidr.replace(".0.0/16", ".1.0/24"), f"{name}-a", f"{region}a")
    options = {"DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"}
    tgw = named(
        ec2,
        ec2.create_transit_gateway(Options=options)["TransitGateway"]["TransitGatewayId"],
        f"tgw-{name}",
    )
    attachment = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet]
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    table = named(
        ec2,
        ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)["TransitGatewayRouteTable"][
            "TransitGatewayRouteTableId"
        ],
        f"{name}-rt",
    )
    ec2.associate_transit_gateway_route_table(
        TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=attachment
    )
    ec2.enable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=attachment
    )
    rt = named(
        ec2, ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"], f"{name}-vpc-rt"
    )
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw)
    ec2.associate_route_table(RouteTableId=rt, SubnetId=subnet)
    sg = make_group(ec2, vpc, f"{host}-sg", ingress, description=host)
    image = ec2.describe_images()["Images"][0]["ImageId"]
    instance = ec2.run_instances(
        ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet, SecurityGroupIds=[sg]
    )["Instances"][0]["InstanceId"]
    named(ec2, instance, host)
    return ec2, tgw, table


def build_tgw_peered_network(url: str, accept: bool = True) -> None:
    """us-east-1's transit gateway peered with eu-west-1's, static routes on both sides."""
    east, tgw_east, east_rt = _peered_side(
        url, "us-east-1", "east", "10.0.0.0/16", "app", rule("-1", cidr="10.0.0.0/8")
    )
    west, tgw_west, west_rt = _peered_side(
        url, "eu-west-1", "west", "10.1.0.0/16", "db", rule("tcp", 5432, "10.0.0.0/16")
    )
    account = east.describe_transit_gateways()["TransitGateways"][0]["OwnerId"]
    peering = east.create_transit_gateway_peering_attachment(
        TransitGatewayId=tgw_east,
        PeerTransitGatewayId=tgw_west,
        PeerAccountId=account,
        PeerRegion="eu-west-1",
    )["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    named(east, peering, "east-west")
    if accept:
        west.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=peering)
    for ec2, table, far in ((east, east_rt, "10.1.0.0/16"), (west, west_rt, "10.0.0.0/16")):
        ec2.associate_transit_gateway_route_table(
            TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=peering
        )
        ec2.create_transit_gateway_route(
            DestinationCidrBlock=far,
            TransitGatewayRouteTableId=table,
            TransitGatewayAttachmentId=peering,
        )


TGW_PEERED = [
    ("app", "db", "tcp", "5432", "allow", "east-west"),
    ("app", "db", "tcp", "22", "deny", "SG_INGRESS_MISMATCH"),
    ("db", "app", "tcp", "22", "allow", "east-west"),
]


def test_tgw_peered_regions_round_trip(moto: str, moto_tgw_routes: None) -> None:
    build_tgw_peered_network(moto)
    result = importer.from_aws(["us-east-1", "eu-west-1"], endpoint_url=moto, output="p.nd")
    network = compiled(result.text)
    check_paths(network, TGW_PEERED)
    peering = network.tgw_peerings["east-west"]
    assert (peering.a, peering.b, peering.down) == ("tgw-east", "tgw-west", False)
    assert "route 10.1.0.0/16 via east-west" in result.text
    assert "route 10.0.0.0/16 via east-west" in result.text


def test_a_tgw_peering_pending_acceptance_is_imported_down(
    moto: str, moto_tgw_routes: None
) -> None:
    build_tgw_peered_network(moto, accept=False)
    result = importer.from_aws(["us-east-1", "eu-west-1"], endpoint_url=moto, output="p.nd")
    network = compiled(result.text)
    assert network.tgw_peerings["east-west"].down
    assert any("is pendingAcceptance: imported down" in w for w in result.warnings)
    check_paths(network, [("app", "db", "tcp", "5432", "deny", "BLACKHOLE_ROUTE")])


def test_one_side_of_a_tgw_peering_imports_the_other_as_a_placeholder(
    moto: str, moto_tgw_routes: None
) -> None:
    build_tgw_peered_network(moto)
    result = importer.from_aws(["us-east-1"], endpoint_url=moto, output="p.nd")
    network = compiled(result.text)
    peering = network.tgw_peerings["east-west"]
    far = network.transit_gateways[peering.b]
    assert far.region == "eu-west-1" and not far.route_tables
    assert any("which is not in the dump: it is written empty" in w for w in result.warnings)
    # What crosses the peering arrives at a transit gateway with no table for it.
    t = trace(network, _query(network, "app", "10.1.1.10"))
    assert t.crosses("east-west") and not t.allowed


def _query(network: Network, src: str, dst: str) -> Any:
    query = parse_query(network, src, dst, "tcp", "5432")
    assert not isinstance(query, list), [d.message for d in query]
    return query
