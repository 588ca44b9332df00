"""Import benchmark: ``netdraft import aws-json`` of a synthetic ``aws ec2 describe-*`` dump.

The dump is written directly as the AWS CLI prints it (no AWS, no moto): VPCs of
``--subnets`` subnets each, half of them public (an internet gateway and a route table
to it), a private route table, two security groups per VPC (web open to the internet on
443, app open to web on 8080), the default network ACL, and ``--instances`` instances in
all, spread evenly over the subnets, in reservations of 50 (one file per 1,000
instances, as paged output is saved). Deterministic.

Each run is the whole command in a fresh process, as a user runs it (start-up, reading
the JSON, building the network, printing and checking it, writing the file); then the
stages in this process: reading the files, the inventory to the syntax tree and its
text, compiling that tree. Goal: the 10,000-instance dump under 3 s.

Usage::

    python bench/bench_import.py [--instances 10000] [--vpcs 50] [--subnets 8] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

GOAL_SECONDS = 3.0
OWNER = "111122223333"
REGION = "eu-west-1"
PAGE = 1000  # instances per reservations file


def _tags(name: str) -> list[dict[str, str]]:
    return [{"Key": "Name", "Value": name}]


def _rule(port: int, cidr: str | None = None, group: str | None = None) -> dict[str, Any]:
    return {
        "FromPort": port,
        "ToPort": port,
        "IpProtocol": "tcp",
        "IpRanges": [{"CidrIp": cidr}] if cidr else [],
        "Ipv6Ranges": [],
        "PrefixListIds": [],
        "UserIdGroupPairs": [{"GroupId": group, "UserId": OWNER}] if group else [],
    }


_ALL_OUT = {
    "IpProtocol": "-1",
    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
    "Ipv6Ranges": [],
    "PrefixListIds": [],
    "UserIdGroupPairs": [],
}


def dump(folder: Path, vpcs: int, subnets: int, instances: int) -> dict[str, int]:
    """Write the dump's files into ``folder``; how many of each thing it holds."""
    network: dict[str, list[Any]] = {"Vpcs": [], "Subnets": [], "InternetGateways": []}
    tables: list[Any] = []
    groups: list[Any] = []
    acls: list[Any] = []
    placed: list[tuple[str, str, str, str, str]] = []  # subnet, vpc, az, prefix, group
    for v in range(vpcs):
        vpc = f"vpc-{v:017x}"
        igw = f"igw-{v:017x}"
        network["Vpcs"].append(
            {
                "CidrBlock": f"10.{v}.0.0/16",
                "DhcpOptionsId": "dopt-00000000000000001",
                "State": "available",
                "VpcId": vpc,
                "OwnerId": OWNER,
                "IsDefault": False,
                "Tags": _tags(f"vpc-{v}"),
            }
        )
        network["InternetGateways"].append(
            {
                "Attachments": [{"State": "available", "VpcId": vpc}],
                "InternetGatewayId": igw,
                "OwnerId": OWNER,
                "Tags": [],
            }
        )
        web, app = f"sg-{v:08x}00000001", f"sg-{v:08x}00000002"
        groups += [
            {
                "Description": "web",
                "GroupName": "web",
                "GroupId": web,
                "OwnerId": OWNER,
                "VpcId": vpc,
                "IpPermissions": [_rule(443, cidr="0.0.0.0/0")],
                "IpPermissionsEgress": [_ALL_OUT],
                "Tags": [],
            },
            {
                "Description": "app",
                "GroupName": "app",
                "GroupId": app,
                "OwnerId": OWNER,
                "VpcId": vpc,
                "IpPermissions": [_rule(8080, group=web)],
                "IpPermissionsEgress": [_ALL_OUT],
                "Tags": [],
            },
        ]
        public: list[str] = []
        private: list[str] = []
        for s in range(subnets):
            subnet = f"subnet-{v:08x}{s:09x}"
            az = f"{REGION}{'abc'[s % 3]}"
            is_public = s % 2 == 0
            network["Subnets"].append(
                {
                    "AvailabilityZone": az,
                    "CidrBlock": f"10.{v}.{s}.0/24",
                    "MapPublicIpOnLaunch": is_public,
                    "State": "available",
                    "SubnetId": subnet,
                    "VpcId": vpc,
                    "OwnerId": OWNER,
                    "Ipv6CidrBlockAssociationSet": [],
                    "Tags": _tags(f"{'public' if is_public else 'private'}-{s}"),
                }
            )
            (public if is_public else private).append(subnet)
            placed.append((subnet, vpc, az, f"10.{v}.{s}", web if is_public else app))
        for name, members, routes in (
            ("public", public, [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw}]),
            ("private", private, []),
        ):
            table = f"rtb-{v:08x}{len(tables):09x}"
            tables.append(
                {
                    "Associations": [
                        *([{"Main": True, "RouteTableId": table}] if name == "private" else []),
                        *(
                            {"Main": False, "RouteTableId": table, "SubnetId": subnet}
                            for subnet in members
                        ),
                    ],
                    "PropagatingVgws": [],
                    "RouteTableId": table,
                    "Routes": [
                        {"DestinationCidrBlock": f"10.{v}.0.0/16", "GatewayId": "local"},
                        *routes,
                    ],
                    "Tags": _tags(name),
                    "VpcId": vpc,
                    "OwnerId": OWNER,
                }
            )
        acl = f"acl-{v:017x}"
        acls.append(
            {
                "Associations": [
                    {"NetworkAclId": acl, "SubnetId": subnet} for subnet in (*public, *private)
                ],
                "Entries": [
                    {
                        "CidrBlock": "0.0.0.0/0",
                        "Egress": egress,
                        "Protocol": "-1",
                        "RuleAction": action,
                        "RuleNumber": number,
                    }
                    for egress in (True, False)
                    for number, action in ((100, "allow"), (32767, "deny"))
                ],
                "IsDefault": True,
                "NetworkAclId": acl,
                "Tags": [],
                "VpcId": vpc,
                "OwnerId": OWNER,
            }
        )
    reservations: list[Any] = []
    for i in range(instances):
        subnet, vpc, az, prefix, group = placed[i % len(placed)]
        address = f"{prefix}.{10 + i // len(placed)}"
        reservations.append(
            {
                "ReservationId": f"r-{i:017x}",
                "OwnerId": OWNER,
                "Groups": [],
                "Instances": [
                    {
                        "InstanceId": f"i-{i:017x}",
                        "InstanceType": "t3.small",
                        "State": {"Code": 16, "Name": "running"},
                        "SubnetId": subnet,
                        "VpcId": vpc,
                        "PrivateIpAddress": address,
                        "SourceDestCheck": True,
                        "SecurityGroups": [{"GroupId": group, "GroupName": group}],
                        "Placement": {"AvailabilityZone": az, "Tenancy": "default"},
                        "NetworkInterfaces": [
                            {
                                "Attachment": {"DeviceIndex": 0, "Status": "attached"},
                                "Groups": [{"GroupId": group, "GroupName": group}],
                                "NetworkInterfaceId": f"eni-{i:017x}",
                                "PrivateIpAddress": address,
                                "PrivateIpAddresses": [
                                    {"Primary": True, "PrivateIpAddress": address}
                                ],
                                "SourceDestCheck": True,
                                "SubnetId": subnet,
                                "VpcId": vpc,
                                "Ipv6Addresses": [],
                                "InterfaceType": "interface",
                            }
                        ],
                        "Tags": _tags(f"host-{i}"),
                    }
                ],
            }
        )
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "network.json": network,
        "route-tables.json": {"RouteTables": tables},
        "groups.json": {"SecurityGroups": groups},
        "acls.json": {"NetworkAcls": acls},
    }
    for page in range(0, len(reservations), PAGE):
        files[f"reservations-{page // PAGE + 1:03}.json"] = {
            "Reservations": reservations[page : page + PAGE]
        }
    for name, data in files.items():
        (folder / name).write_text(json.dumps(data, indent=4), "utf-8")
    return {"vpcs": vpcs, "subnets": vpcs * subnets, "instances": instances, "files": len(files)}


def whole_command(folder: Path, out: Path) -> float:
    """``netdraft import aws-json`` in a fresh process: wall seconds."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "netdraft", "import", "aws-json", str(folder), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NETDRAFT_NO_CACHE": "1"},
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"the import failed:\n{done.stdout}{done.stderr}")
    return seconds


def stages(folder: Path) -> dict[str, float]:
    """The import's stages in this process, with the collector paused as the command line
    pauses it: seconds each. Last, what the check cost when the import parsed the text it
    had just written instead of compiling its tree (before ``api.compile_syntax``)."""
    import gc

    gc.disable()
    try:
        return _stages(folder)
    finally:
        gc.enable()


def _stages(folder: Path) -> dict[str, float]:
    from netdraft import api
    from netdraft.importer.aws_json import read_dir
    from netdraft.importer.build import build

    out: dict[str, float] = {}
    start = time.perf_counter()
    dumped = read_dir(folder)
    out["read the JSON files"] = time.perf_counter() - start
    start = time.perf_counter()
    imported = build(dumped, "aws.nd")
    out["inventory -> syntax tree + text"] = time.perf_counter() - start
    start = time.perf_counter()
    compiled = api.compile_syntax(imported.source)
    out["compile + check the tree"] = time.perf_counter() - start
    if not compiled.ok:
        raise SystemExit("the imported network does not compile")
    start = time.perf_counter()
    api.compile(imported.text, "aws.nd")
    out["(before: parse + compile the text)"] = time.perf_counter() - start
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--instances", type=int, default=10_000)
    parser.add_argument("--vpcs", type=int, default=50)
    parser.add_argument("--subnets", type=int, default=8, help="subnets per VPC")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="netdraft-bench-import-") as tmp:
        folder = Path(tmp) / "dump"
        counts = dump(folder, args.vpcs, args.subnets, args.instances)
        size = sum(f.stat().st_size for f in folder.iterdir())
        print(
            f"dump: {counts['vpcs']} VPCs, {counts['subnets']} subnets, "
            f"{counts['instances']:,} instances in {counts['files']} files, {size / 2**20:.1f} MiB"
        )
        out = Path(tmp) / "aws.nd"
        runs = [whole_command(folder, out) for _ in range(args.repeat)]
        lines = out.read_text("utf-8").count("\n")
        median = statistics.median(runs)
        print(
            f"netdraft import aws-json, whole process: median {median:.2f} s of "
            f"{', '.join(f'{r:.2f}' for r in runs)} -> {lines:,} lines"
        )
        for name, seconds in stages(folder).items():
            print(f"  {name:<34}{seconds:>7.2f} s")
        verdict = "ok" if median < GOAL_SECONDS else "over the goal"
        print(f"goal: under {GOAL_SECONDS:.0f} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
