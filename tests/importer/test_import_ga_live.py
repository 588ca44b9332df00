"""The live import of Global Accelerator through boto3 (moto has no Global Accelerator):
the calls ``netdraft import aws`` makes, answered by botocore's Stubber, then the file."""

from __future__ import annotations

from typing import Any

import pytest

from netdraft import api
from netdraft.importer.aws_json import Dump, parse
from netdraft.importer.build import build

boto3 = pytest.importorskip("boto3")
stub = pytest.importorskip("botocore.stub")

from netdraft.importer import live  # noqa: E402

GA = "arn:aws:globalaccelerator::111122223333:accelerator/0a1b2c3d-0000-1111-2222-333344445555"
LISTENER = f"{GA}/listener/abcdef12"
GROUP = f"{LISTENER}/endpoint-group/0123456789ab"
INSTANCE = "i-0aaaaaaaaaaaaaaa1"


def _stubbed(weight: int) -> Any:
    client = boto3.client(
        "globalaccelerator",
        region_name=live.GA_REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    stubber = stub.Stubber(client)
    stubber.add_response(
        "list_accelerators",
        {
            "Accelerators": [
                {
                    "AcceleratorArn": GA,
                    "Name": "edge",
                    "Enabled": True,
                    "IpSets": [{"IpFamily": "IPv4", "IpAddresses": ["99.83.140.9", "75.2.70.77"]}],
                }
            ]
        },
        {},
    )
    stubber.add_response(
        "list_listeners",
        {
            "Listeners": [
                {
                    "ListenerArn": LISTENER,
                    "PortRanges": [
                        {"FromPort": 80, "ToPort": 80},
                        {"FromPort": 443, "ToPort": 443},
                    ],
                    "Protocol": "TCP",
                }
            ]
        },
        {"AcceleratorArn": GA},
    )
    stubber.add_response(
        "list_endpoint_groups",
        {
            "EndpointGroups": [
                {
                    "EndpointGroupArn": GROUP,
                    "EndpointGroupRegion": "us-east-1",
                    "EndpointDescriptions": [{"EndpointId": INSTANCE, "Weight": weight}],
                }
            ]
        },
        {"ListenerArn": LISTENER},
    )
    stubber.activate()
    return client, stubber


EC2 = {
    "Vpcs": [{"VpcId": "vpc-0aaaaaaaaaaaaaaa1", "CidrBlock": "10.0.0.0/16", "State": "available"}],
    "Subnets": [
        {
            "SubnetId": "subnet-0aaaaaaaaaaaaaaa1",
            "VpcId": "vpc-0aaaaaaaaaaaaaaa1",
            "CidrBlock": "10.0.1.0/24",
            "AvailabilityZone": "us-east-1a",
            "State": "available",
        }
    ],
    "InternetGateways": [
        {
            "InternetGatewayId": "igw-0aaaaaaaaaaaaaaa1",
            "Attachments": [{"VpcId": "vpc-0aaaaaaaaaaaaaaa1", "State": "available"}],
        }
    ],
    "SecurityGroups": [
        {
            "GroupId": "sg-0aaaaaaaaaaaaaaa1",
            "GroupName": "default",
            "VpcId": "vpc-0aaaaaaaaaaaaaaa1",
            "IpPermissions": [
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            ],
            "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        }
    ],
    "Instances": [
        {
            "InstanceId": INSTANCE,
            "VpcId": "vpc-0aaaaaaaaaaaaaaa1",
            "SubnetId": "subnet-0aaaaaaaaaaaaaaa1",
            "PrivateIpAddress": "10.0.1.10",
            "State": {"Name": "running"},
            "SecurityGroups": [{"GroupId": "sg-0aaaaaaaaaaaaaaa1"}],
            "Tags": [{"Key": "Name", "Value": "web"}],
        }
    ],
}


@pytest.mark.parametrize(
    ("weight", "verdict", "code"), [(200, "allow", None), (0, "deny", "NO_HEALTHY_TARGET")]
)
def test_live_accelerator_round_trip(weight: int, verdict: str, code: str | None) -> None:
    client, stubber = _stubbed(weight)
    found = live.accelerators(client)
    stubber.assert_no_pending_responses()
    inventory = parse([Dump("us-east-1", None, (("live", {**EC2, "Accelerators": found}),))])
    text = build(inventory, "live.nd").text
    assert "accelerator edge ips 75.2.70.77 99.83.140.9 {" in text
    assert f"  listener tcp 80 -> vpc-0aaaaaaaaaaaaaaa1.web weight {weight}\n" in text
    assert f"  listener tcp 443 -> vpc-0aaaaaaaaaaaaaaa1.web weight {weight}\n" in text
    compiled = api.compile(text, "live.nd")
    assert compiled.ok, [d.headline() for d in compiled.diagnostics]
    assert compiled.network is not None
    t = api.path(compiled.network, "internet", "edge", "tcp", "443")
    assert (t.verdict.value, t.code.value if t.code else None) == (verdict, code)
    # port 80 is a listener too, but the instance's group admits only 443
    t80 = api.path(compiled.network, "internet", "edge", "tcp", "80")
    assert t80.verdict.value == "deny"


def test_live_ipam_pools_round_trip() -> None:
    """``describe-ipam-pools`` with each IPv4 pool's CIDRs and allocations (moto has no IPAM)."""
    ec2 = boto3.client(
        "ec2", region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
    )
    stubber = stub.Stubber(ec2)
    pid = "ipam-pool-0aaaaaaaaaaaaaaa1"
    stubber.add_response(
        "describe_ipam_pools",
        {
            "IpamPools": [
                {
                    "IpamPoolId": pid,
                    "AddressFamily": "ipv4",
                    "Tags": [{"Key": "Name", "Value": "corp"}],
                },
                {"IpamPoolId": "ipam-pool-0aaaaaaaaaaaaaaa2", "AddressFamily": "ipv6"},
            ]
        },
        {},
    )
    stubber.add_response(
        "get_ipam_pool_cidrs",
        {"IpamPoolCidrs": [{"Cidr": "10.0.0.0/12", "State": "provisioned"}]},
        {"IpamPoolId": pid},
    )
    stubber.add_response(
        "get_ipam_pool_allocations",
        {
            "IpamPoolAllocations": [
                {
                    "Cidr": "10.0.0.0/16",
                    "ResourceId": "vpc-0aaaaaaaaaaaaaaa1",
                    "ResourceType": "vpc",
                }
            ]
        },
        {"IpamPoolId": pid},
    )
    stubber.activate()
    found = live.ipam_pools(ec2)
    stubber.assert_no_pending_responses()
    inventory = parse([Dump("us-east-1", None, (("live", {**EC2, "IpamPools": found}),))])
    text = build(inventory, "live.nd").text
    assert "ipam-pool corp 10.0.0.0/12 # ipam-pool-0aaaaaaaaaaaaaaa1\n" in text
    assert "vpc vpc-0aaaaaaaaaaaaaaa1 10.0.0.0/16 ipam corp {" in text
    compiled = api.compile(text, "live.nd")
    assert compiled.ok, [d.headline() for d in compiled.diagnostics]
    assert compiled.network is not None
    assert compiled.network.vpcs["vpc-0aaaaaaaaaaaaaaa1"].ipam_pool == "corp"
