"""Synthetic organisation networks in the netdraft language, for benchmarks: deterministic per seed.

The network is what a mid-sized company runs: a few regions, VPCs with public,
application and data subnets spread over availability zones, internet and NAT
gateways, tiered security groups, a network ACL on the data tier, a transit
gateway per region attaching every VPC of that region, a couple of peerings,
and a data center joined over a VPN. ``expect`` lines name random instance
pairs with a random verdict: they are work for the simulator, not claims.

Usage::

    python bench/generate.py --vpcs 200 --subnets 8 --instances 60 --expects 500 -o big.nd
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
AZ_LETTERS = ("a", "b", "c")
TIERS = ("public", "app", "data")
#: The security group of each tier and what it lets in (ports from the tier in front).
TIER_GROUP = {"public": "web", "app": "app", "data": "db"}
SITE_CIDR = "192.168.0.0/16"
#: Usable addresses of a /24 (256 - 5 reserved) minus room for NAT gateways and endpoints.
MAX_INSTANCES_PER_SUBNET = 240
MAX_SUBNETS_PER_VPC = 256


@dataclass
class Subnet:
    name: str
    tier: str
    az: str
    cidr: str


@dataclass
class Vpc:
    index: int
    name: str
    region: str
    cidr: str
    subnets: list[Subnet] = field(default_factory=list)
    instances: dict[str, list[str]] = field(default_factory=dict)  # tier -> instance names
    peerings: list[tuple[str, Vpc]] = field(default_factory=list)  # (peering, peer)

    def azs(self) -> list[str]:
        return sorted({s.az for s in self.subnets})


def plan(vpcs: int, subnets_per_vpc: int, instances_per_subnet: int) -> list[Vpc]:
    """Name and address every VPC and subnet (10.<vpc>.0.0/16, subnets 10.<vpc>.<k>.0/24)."""
    if not 1 <= vpcs <= 255:
        raise ValueError("vpcs must be 1..255: each VPC takes a 10.x.0.0/16")
    if not 1 <= subnets_per_vpc <= MAX_SUBNETS_PER_VPC:
        raise ValueError(f"subnets_per_vpc must be 1..{MAX_SUBNETS_PER_VPC}")
    if not 0 <= instances_per_subnet <= MAX_INSTANCES_PER_SUBNET:
        raise ValueError(f"instances_per_subnet must be 0..{MAX_INSTANCES_PER_SUBNET}")
    out: list[Vpc] = []
    for i in range(vpcs):
        region = REGIONS[i % len(REGIONS)]
        vpc = Vpc(i, f"v{i}", region, f"10.{i}.0.0/16")
        for k in range(subnets_per_vpc):
            tier = TIERS[k % len(TIERS)]
            letter = AZ_LETTERS[(k // len(TIERS)) % len(AZ_LETTERS)]
            rnd = k // (len(TIERS) * len(AZ_LETTERS))
            name = f"{tier}-{letter}{rnd or ''}"
            vpc.subnets.append(Subnet(name, tier, f"{region}{letter}", f"10.{i}.{k}.0/24"))
        out.append(vpc)
    return out


def _vpc_lines(vpc: Vpc, tgw: str, instances_per_subnet: int, rng: random.Random) -> Iterator[str]:
    n = vpc.name
    yield f"  vpc {n} {vpc.cidr} {{"
    yield f"    internet-gateway {n}-igw"
    yield "    dhcp-options domain corp.internal"
    yield ""
    for s in vpc.subnets:
        launch = " public-ip-on-launch" if s.tier == "public" and rng.random() < 0.5 else ""
        yield f"    subnet {s.name} {s.cidr} az {s.az}{launch}"
    yield ""
    # One NAT gateway per AZ that has a public subnet; AZs without one share the first.
    nats: dict[str, str] = {}
    for s in vpc.subnets:
        if s.tier == "public" and s.az not in nats:
            nats[s.az] = f"{n}-nat-{s.az[-1]}"
            yield f"    nat-gateway {nats[s.az]} in {s.name}"
    fallback_nat = next(iter(nats.values()))
    yield ""
    public = [s.name for s in vpc.subnets if s.tier == "public"]
    yield "    route-table public {"
    yield f"      route 0.0.0.0/0 via {n}-igw"
    yield f"      route 10.0.0.0/8 via {tgw}"
    yield f"      route {SITE_CIDR} via {tgw}"
    yield f"      associate {' '.join(public)}"
    yield "    }"
    private_tables = []
    for az in vpc.azs():
        members = [s.name for s in vpc.subnets if s.az == az and s.tier != "public"]
        if not members:
            continue
        table = f"private-{az[-1]}-rt"
        private_tables.append(table)
        yield f"    route-table {table} {{"
        yield f"      route 0.0.0.0/0 via {nats.get(az, fallback_nat)}"
        yield f"      route 10.0.0.0/8 via {tgw}"
        yield f"      route {SITE_CIDR} via {tgw}"
        for peering, peer in vpc.peerings:
            yield f"      route {peer.cidr} via {peering}"
        yield f"      associate {' '.join(members)}"
        yield "    }"
    yield ""
    yield "    security-group bastion {"
    yield f"      ingress tcp 22 from {SITE_CIDR}"
    yield "      ingress tcp 22 from 203.0.113.0/24"
    yield "    }"
    yield "    security-group web {"
    yield "      ingress tcp 443 from 0.0.0.0/0"
    yield "      ingress tcp 80 from 0.0.0.0/0"
    yield "      ingress tcp 22 from bastion"
    yield "    }"
    yield "    security-group app {"
    yield "      ingress tcp 8080 from web"
    yield "      ingress tcp 443 from 10.0.0.0/8"
    yield "      ingress tcp 22 from bastion"
    yield f"      ingress icmp from {vpc.cidr}"
    for _peering, peer in vpc.peerings:
        # AWS references a peer's group only within one region; across regions, its CIDR.
        source = f"{peer.name}.app" if peer.region == vpc.region else peer.cidr
        yield f"      ingress tcp 8080 from {source}"
    yield "      egress all to 0.0.0.0/0"
    yield "    }"
    yield "    security-group db {"
    yield "      ingress tcp 5432 from app"
    yield f"      ingress tcp 5432 from {SITE_CIDR}"
    yield "      egress tcp 443 to 0.0.0.0/0"
    yield f"      egress all to {vpc.cidr}"
    yield "    }"
    data = [s.name for s in vpc.subnets if s.tier == "data"]
    if data:
        yield ""
        yield "    network-acl data-acl {"
        yield f"      inbound  100 allow tcp 5432 from {vpc.cidr}"
        yield f"      inbound  110 allow tcp 5432 from {SITE_CIDR}"
        yield "      inbound  120 allow tcp 1024-65535 from 0.0.0.0/0"
        yield "      inbound  200 deny  all from 0.0.0.0/0"
        yield f"      outbound 100 allow all to {vpc.cidr}"
        yield "      outbound 110 allow tcp 443 to 0.0.0.0/0"
        yield "      outbound 120 allow tcp 1024-65535 to 0.0.0.0/0"
        yield f"      associate {' '.join(data)}"
        yield "    }"
    if private_tables:
        yield ""
        yield f"    endpoint {n}-s3 gateway s3 route-tables {' '.join(private_tables)}"
    yield ""
    for s in vpc.subnets:
        group = TIER_GROUP[s.tier]
        for j in range(instances_per_subnet):
            name = f"{n}-{s.name}-{j}"
            vpc.instances.setdefault(s.tier, []).append(name)
            if s.tier == "public" and j == 0:
                yield f"    instance {name} in {s.name} elastic-ip sg bastion"
            elif s.tier == "public":
                yield f"    instance {name} in {s.name} public-ip sg {group}"
            elif j % 17 == 16:
                yield f"    instance {name} in {s.name} sg {group}, bastion stopped"
            else:
                yield f"    instance {name} in {s.name} sg {group}"
    yield "  }"


def _tgw_lines(name: str, vpcs: list[Vpc], vpn: str | None) -> Iterator[str]:
    yield f"  transit-gateway {name} {{"
    for vpc in vpcs:
        attach: dict[str, str] = {}
        for s in vpc.subnets:  # one subnet per AZ, application tier first
            if s.tier != "public":
                attach.setdefault(s.az, s.name)
        for s in vpc.subnets:
            attach.setdefault(s.az, s.name)
        yield f"    attach {vpc.name} subnets {' '.join(attach.values())}"
    if vpn is not None:
        yield f"    attach vpn {vpn}"
    names = [v.name for v in vpcs] + ([vpn] if vpn else [])
    yield "    route-table main {"
    for start in range(0, len(names), 16):
        yield f"      associate {' '.join(names[start : start + 16])}"
    for start in range(0, len(names), 16):
        yield f"      propagate {' '.join(names[start : start + 16])}"
    yield "      route 10.255.0.0/16 blackhole"
    yield "    }"
    yield "  }"


def generate(
    vpcs: int, subnets_per_vpc: int, instances_per_subnet: int, expects: int, seed: int
) -> str:
    """A whole organisation's network as ``.nd`` text.

    Args:
        vpcs: how many VPCs (1..255), spread over three regions.
        subnets_per_vpc: subnets per VPC, cycling public/app/data over three AZs.
        instances_per_subnet: instances in every subnet (0..240).
        expects: how many ``expect`` lines between random instances.
        seed: the random seed; the same arguments give the same text.

    Returns:
        The source text, which compiles without errors.

    Raises:
        ValueError: a size the address plan cannot hold.
    """
    rng = random.Random(seed)
    plan_ = plan(vpcs, subnets_per_vpc, instances_per_subnet)
    # A couple of peerings from the first VPC (a shared-services VPC) to the next ones.
    peerings: list[tuple[str, Vpc, Vpc]] = []
    for other in plan_[1:3]:
        name = f"peer-{plan_[0].name}-{other.name}"
        peerings.append((name, plan_[0], other))
        plan_[0].peerings.append((name, other))
        other.peerings.append((name, plan_[0]))

    tgws = {region: f"tgw-{region}" for region in REGIONS}
    vpn_region = plan_[0].region
    lines = [
        f"# Synthetic organisation network: {vpcs} VPCs x {subnets_per_vpc} subnets x "
        f"{instances_per_subnet} instances, seed {seed}.",
        'title "Synthetic organisation network"',
        "",
    ]
    for region in REGIONS:
        members = [v for v in plan_ if v.region == region]
        if not members:
            continue
        lines.append(f"region {region} {{")
        for vpc in members:
            lines.extend(_vpc_lines(vpc, tgws[region], instances_per_subnet, rng))
            lines.append("")
        vpn = "dc-vpn" if region == vpn_region else None
        lines.extend(_tgw_lines(tgws[region], members, vpn))
        lines.append("}")
        lines.append("")

    lines += [f"peering {name} {a.name} <-> {b.name}" for name, a, b in peerings]
    lines += [
        "",
        f"site datacenter {SITE_CIDR} {{",
        "  customer-gateway dc-cgw 203.0.113.12",
        "  host dc-dns 192.168.0.10",
        "  host dc-backup 192.168.0.20",
        "}",
        "",
        f"vpn dc-vpn {tgws[vpn_region]} <-> dc-cgw bgp",
        "",
    ]

    everyone = [
        (tier, name) for vpc in plan_ for tier, names in vpc.instances.items() for name in names
    ]
    if everyone:
        for i in range(min(20, len(everyone))):
            _tier, src = rng.choice(everyone)
            dst = rng.choice(["internet", "s3", "dc-backup"])
            volume = rng.choice(["10GB", "50GB", "200GB", "1TB"])
            lines.append(f"flow f{i}: {src} -> {dst} tcp 443 volume {volume}")
        lines.append("")
        ports = {"public": 443, "app": 8080, "data": 5432}
        for _ in range(expects):
            _src_tier, src = rng.choice(everyone)
            dst_tier, dst = rng.choice(everyone)
            verdict = rng.choice(["allow", "deny"])
            lines.append(f"expect {src} -> {dst} tcp {ports[dst_tier]} {verdict}")
    lines.append("expect cost total < 100000000")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--vpcs", type=int, default=20)
    parser.add_argument("--subnets", type=int, default=6, help="subnets per VPC")
    parser.add_argument("--instances", type=int, default=5, help="instances per subnet")
    parser.add_argument("--expects", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", help="write here instead of standard output")
    args = parser.parse_args(argv)
    try:
        text = generate(args.vpcs, args.subnets, args.instances, args.expects, args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    if args.output:
        Path(args.output).write_text(text, "utf-8")
        print(f"{args.output}: {text.count(chr(10))} lines", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
