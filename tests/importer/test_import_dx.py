"""Direct Connect from JSON dumps (LANGUAGE.md §12): describe-connections,
describe-virtual-interfaces, describe-direct-connect-gateways and their associations and
attachments, in the AWS CLI's spelling; the site behind them written with what AWS learnt
from it, or a placeholder, and a warning."""

from __future__ import annotations

from typing import Any

from netdraft import api
from netdraft.dsl.query import parse_query
from netdraft.importer.aws_json import Dump, parse
from netdraft.importer.build import build
from netdraft.sim.path import trace

VPC: dict[str, Any] = {
    "Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "State": "available"}],
    "Subnets": [
        {
            "SubnetId": "subnet-1",
            "VpcId": "vpc-1",
            "CidrBlock": "10.0.1.0/24",
            "AvailabilityZone": "us-east-1a",
        }
    ],
    "SecurityGroups": [
        {
            "GroupId": "sg-1",
            "GroupName": "open",
            "VpcId": "vpc-1",
            "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        }
    ],
    "Reservations": [
        {
            "Instances": [
                {
                    "InstanceId": "i-1",
                    "VpcId": "vpc-1",
                    "SubnetId": "subnet-1",
                    "PrivateIpAddress": "10.0.1.5",
                    "State": {"Name": "running"},
                    "SecurityGroups": [{"GroupId": "sg-1"}],
                    "Tags": [{"Key": "Name", "Value": "app"}],
                }
            ]
        }
    ],
    "VpnGateways": [
        {
            "VpnGatewayId": "vgw-1",
            "State": "available",
            "VpcAttachments": [{"VpcId": "vpc-1", "State": "attached"}],
            "Tags": [{"Key": "Name", "Value": "corp-vgw"}],
        }
    ],
    "RouteTables": [
        {
            "RouteTableId": "rtb-1",
            "VpcId": "vpc-1",
            "Associations": [{"Main": True}],
            "PropagatingVgws": [{"GatewayId": "vgw-1"}],
            "Routes": [
                {
                    "DestinationCidrBlock": "10.0.0.0/16",
                    "GatewayId": "local",
                    "Origin": "CreateRouteTable",
                },
                {
                    "DestinationCidrBlock": "172.20.0.0/16",
                    "GatewayId": "vgw-1",
                    "Origin": "EnableVgwRoutePropagation",
                    "State": "active",
                },
            ],
        }
    ],
}

DX: dict[str, Any] = {
    "connections": [
        {
            "connectionId": "dxcon-a",
            "connectionName": "dc-eqdc2",
            "connectionState": "available",
            "location": "EqDC2",
            "bandwidth": "10Gbps",
            "awsDeviceV2": "EqDC2-abc123",
        },
        {
            "connectionId": "dxcon-b",
            "connectionName": "dc-coresite",
            "connectionState": "down",
            "location": "CSVA1",
            "bandwidth": "500Mbps",
        },
        {"connectionId": "dxcon-gone", "connectionState": "deleted", "bandwidth": "1Gbps"},
    ],
    "directConnectGateways": [
        {
            "directConnectGatewayId": "dxgw-1",
            "directConnectGatewayName": "corp-dxgw",
            "directConnectGatewayState": "available",
        }
    ],
    "directConnectGatewayAssociations": [
        {
            "directConnectGatewayId": "dxgw-1",
            "associationId": "assoc-1",
            "associationState": "associated",
            "associatedGateway": {"id": "vgw-1", "type": "virtualPrivateGateway"},
            "allowedPrefixesToDirectConnectGateway": [{"cidr": "10.0.0.0/16"}],
        }
    ],
    "directConnectGatewayAttachments": [
        {
            "directConnectGatewayId": "dxgw-1",
            "virtualInterfaceId": "dxvif-b",
            "attachmentState": "attached",
        }
    ],
    "virtualInterfaces": [
        {
            "virtualInterfaceId": "dxvif-a",
            "virtualInterfaceName": "to-vgw",
            "virtualInterfaceType": "private",
            "virtualInterfaceState": "available",
            "connectionId": "dxcon-a",
            "virtualGatewayId": "vgw-1",
        },
        {
            "virtualInterfaceId": "dxvif-b",
            "virtualInterfaceName": "to-dxgw",
            "virtualInterfaceType": "private",
            "virtualInterfaceState": "available",
            "connectionId": "dxcon-b",
        },
        {
            "virtualInterfaceId": "dxvif-p",
            "virtualInterfaceName": "public",
            "virtualInterfaceType": "public",
            "virtualInterfaceState": "available",
            "connectionId": "dxcon-a",
        },
    ],
}


def _import(*responses: dict[str, Any]) -> Any:
    dump = Dump(
        "us-east-1", "111122223333", tuple((f"r{i}.json", r) for i, r in enumerate(responses))
    )
    return build(parse([dump]), "dx.nd")


def test_connections_gateways_and_vifs_are_written() -> None:
    result = _import(VPC, DX)
    text = result.text
    for line in (
        'dx-connection dc-coresite at "CSVA1" 500Mbps site dx-site down',
        'dx-connection dc-eqdc2 at "EqDC2" 10Gbps site dx-site on EqDC2-abc123',
        "associate corp-vgw allowed 10.0.0.0/16",
        "vif to-dxgw private dc-coresite -> corp-dxgw",
        "vif to-vgw private dc-eqdc2 -> corp-vgw",
        "site dx-site 172.20.0.0/16 { }",
    ):
        assert line in text, text
    assert "dxcon-gone" not in text
    warnings = "\n".join(result.warnings)
    assert "'dxvif-p' is a public virtual interface" in warnings
    assert "site 'dx-site' stands for the network behind Direct Connect connections" in warnings
    assert "prefixes AWS learnt over BGP (172.20.0.0/16)" in warnings
    compiled = api.compile(text, "dx.nd")
    assert compiled.ok, [d.headline() for d in compiled.diagnostics]


def test_the_imported_network_reaches_the_site_over_direct_connect() -> None:
    network = api.compile(_import(VPC, DX).text, "dx.nd").network
    assert network is not None
    query = parse_query(network, "app", "172.20.0.9", "tcp", "22")
    assert not isinstance(query, list)
    t = trace(network, query)
    assert t.crosses("to-vgw") and t.crosses("dc-eqdc2"), t.reason


def test_without_a_learnt_prefix_the_site_is_a_placeholder() -> None:
    vpc = {
        **VPC,
        "RouteTables": [{**VPC["RouteTables"][0], "Routes": VPC["RouteTables"][0]["Routes"][:1]}],
    }
    result = _import(vpc, DX)
    assert "site dx-site 198.18.0.0/24 { }" in result.text
    assert any("placeholder prefix 198.18.0.0/24" in w for w in result.warnings)


def test_a_vif_to_a_gateway_not_imported_is_a_warning() -> None:
    dx = {
        **DX,
        "directConnectGatewayAssociations": [],
        "virtualInterfaces": [{**DX["virtualInterfaces"][0], "virtualGatewayId": "vgw-other"}],
    }
    result = _import(VPC, dx)
    assert "vif to-vgw" not in result.text
    assert any("'dxvif-a' leads to no imported gateway" in w for w in result.warnings)
