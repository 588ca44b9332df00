"""Costs (LANGUAGE.md §5): each flow priced along its simulated path, and the hourly resources.

Every row is a small network with the charges worked out by hand from the §5 table
(us-east-1 list prices, bundled):

    same AZ 0 · across AZs 0.01 sent + 0.01 received · public IPv4 in-region 0.01 + 0.01
    between regions 0.02 sent · internet out 0.09, in 0 · NAT 0.045/h and 0.045/GB
    TGW 0.05/h per attachment and 0.02/GB sent into it · VPN 0.05/h, out 0.09/GB
    interface endpoint 0.01/h per subnet and 0.01/GB · gateway endpoint 0
    public IPv4 address 0.005/h · 730 hours a month

Amounts are exact decimals; nothing here is a float.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from netdraft.api import compile
from netdraft.model import network as m
from netdraft.sim.cost import Charge, CostReport, cents, estimate, flow_cost
from netdraft.sim.prices import PriceTable, bundled

# One VPC over two AZs: public subnets behind an internet gateway, private ones behind
# one NAT gateway in us-east-1a.
ONE_VPC = """
region us-east-1 {
  vpc main 10.0.0.0/16 {
    internet-gateway igw
    subnet pub-a  10.0.0.0/24  az us-east-1a
    subnet pub-b  10.0.1.0/24  az us-east-1b
    subnet priv-a 10.0.16.0/24 az us-east-1a
    subnet priv-b 10.0.17.0/24 az us-east-1b
    nat-gateway nat-a in pub-a
    route-table public  { route 0.0.0.0/0 via igw;   associate pub-a pub-b }
    route-table private { route 0.0.0.0/0 via nat-a; associate priv-a priv-b }
    security-group open { ingress all from 0.0.0.0/0 }
    instance a1   in priv-a sg open
    instance a2   in priv-a sg open
    instance b1   in priv-b sg open
    instance web  in pub-a public-ip sg open
    instance web2 in pub-b elastic-ip 54.0.0.2 sg open
    instance shut in priv-a            # default group: only its own members get in
  }
}
flow same-az:  a1 -> a2 tcp 80 volume 100GB return 10GB
flow cross-az: a1 -> b1 tcp 80 volume 100GB return 10GB
flow nat:      a1 -> internet tcp 443 volume 100GB return 10GB
flow nat-x:    b1 -> internet tcp 443 volume 100GB return 10GB
flow igw-out:  web -> internet tcp 443 volume 100GB return 10GB
flow igw-in:   internet -> web tcp 443 volume 1GB return 100GB
flow public:   web -> 54.0.0.2 tcp 80 volume 100GB return 10GB
flow denied:   web -> shut tcp 22 volume 100GB return 10GB
flow mb:       web -> internet tcp 443 volume 500MB
flow tb:       web -> internet tcp 443 volume 2TB
flow tb-half:  web -> internet tcp 443 volume 1.5TB return 250MB
"""

# Three VPCs: a and b peered in one region (a1 and b2 in us-east-1a, b1 in us-east-1b),
# a and c peered across regions.
PEERED = """
region us-east-1 {
  vpc a 10.1.0.0/16 {
    subnet a1 10.1.1.0/24 az us-east-1a
    route-table rt { route 10.2.0.0/16 via a-b; route 10.3.0.0/16 via a-c; associate a1 }
    security-group open { ingress all from 0.0.0.0/0 }
    instance ha in a1 sg open
  }
  vpc b 10.2.0.0/16 {
    subnet b1 10.2.1.0/24 az us-east-1b
    subnet b2 10.2.2.0/24 az us-east-1a
    route-table rt { route 10.1.0.0/16 via a-b; associate b1 b2 }
    security-group open { ingress all from 0.0.0.0/0 }
    instance hb1 in b1 sg open
    instance hb2 in b2 sg open
  }
}
region eu-west-1 {
  vpc c 10.3.0.0/16 {
    subnet c1 10.3.1.0/24 az eu-west-1a
    route-table rt { route 10.1.0.0/16 via a-c; associate c1 }
    security-group open { ingress all from 0.0.0.0/0 }
    instance hc in c1 sg open
  }
}
peering a-b a <-> b
peering a-c a <-> c
flow peer-same-az:  ha -> hb2 tcp 80 volume 100GB return 10GB
flow peer-cross-az: ha -> hb1 tcp 80 volume 100GB return 10GB
flow peer-region:   ha -> hc tcp 80 volume 100GB return 10GB
"""

# Two VPCs on a transit gateway; v reaches t directly from us-east-1a, or from
# us-east-1b through a private NAT gateway in us-east-1a.
TGW = """
region us-east-1 {
  vpc v 10.0.0.0/16 {
    subnet va 10.0.1.0/24 az us-east-1a
    subnet vb 10.0.2.0/24 az us-east-1b
    nat-gateway pnat in va private
    route-table ra { route 10.9.0.0/16 via tgw;  associate va }
    route-table rb { route 10.9.0.0/16 via pnat; associate vb }
    security-group open { ingress all from 0.0.0.0/0 }
    instance ia in va sg open
    instance ib in vb sg open
  }
  vpc t 10.9.0.0/16 {
    subnet t1 10.9.1.0/24 az us-east-1a
    subnet t2 10.9.2.0/24 az us-east-1b
    route-table rt { route 10.0.0.0/16 via tgw; associate t1 t2 }
    security-group open { ingress all from 0.0.0.0/0 }
    instance ht1 in t1 sg open
    instance ht2 in t2 sg open
  }
  transit-gateway tgw {
    attach v subnets va
    attach t subnets t1 t2
    route-table main { associate v t; propagate v t }
  }
}
flow tgw:        ia -> ht1 tcp 443 volume 100GB return 10GB
flow tgw-oneway: ia -> ht1 tcp 443 volume 100GB
flow tgw-x:      ia -> ht2 tcp 443 volume 100GB return 10GB
flow pnat:       ib -> ht1 tcp 443 volume 100GB return 10GB
"""

# A data center joined by a VPN on a virtual private gateway, and by one on a transit gateway.
VPN = """
region us-east-1 {
  vpc v 10.0.0.0/16 {
    vpn-gateway vgw
    subnet a 10.0.1.0/24 az us-east-1a
    route-table rt { propagate vgw; associate a }
    security-group open { ingress all from 0.0.0.0/0 }
    instance ia in a sg open
  }
  vpc w 10.1.0.0/16 {
    subnet a 10.1.1.0/24 az us-east-1a
    route-table rt { route 192.168.0.0/16 via tgw; associate a }
    security-group open { ingress all from 0.0.0.0/0 }
    instance wa in a sg open
  }
  transit-gateway tgw {
    attach w subnets a
    attach vpn v2
    route-table main { associate w v2; propagate w v2 }
  }
}
site dc 192.168.0.0/16 {
  customer-gateway cgw  203.0.113.12
  customer-gateway cgw2 203.0.113.13
  host h1 192.168.0.10
}
vpn v1 vgw <-> cgw static 192.168.0.0/16
vpn v2 tgw <-> cgw2 bgp
flow vpn-out: ia -> h1 tcp 443 volume 100GB return 10GB
flow vpn-in:  h1 -> ia tcp 443 volume 100GB return 10GB
flow tgw-vpn: wa -> h1 tcp 443 volume 100GB return 10GB
"""

# A gateway endpoint for S3, interface endpoints for SNS (both AZs) and SQS (us-east-1a only).
ENDPOINTS = """
region us-east-1 {
  vpc v 10.0.0.0/16 {
    subnet a 10.0.1.0/24 az us-east-1a
    subnet b 10.0.2.0/24 az us-east-1b
    route-table rt { associate a b }
    security-group open { ingress all from 0.0.0.0/0 }
    instance ia in a sg open
    instance ib in b sg open
    endpoint s3-gw  gateway s3 route-tables rt
    endpoint sns-if interface sns in a b sg open
    endpoint sqs-if interface sqs in a sg open
  }
}
flow s3:    ia -> s3 tcp 443 volume 100GB return 10GB
flow sns:   ib -> sns tcp 443 volume 100GB return 10GB
flow sqs-x: ib -> sqs tcp 443 volume 100GB return 10GB
"""

# IPv6 out through an egress-only gateway.
IPV6 = """
region us-east-1 {
  vpc v6 10.30.0.0/16 {
    ipv6 2001:db8:1200::/56
    egress-only-gateway eigw
    subnet private 10.30.1.0/24 az us-east-1a ipv6 2001:db8:1200:1::/64
    route-table private { route ::/0 via eigw; associate private }
    security-group web { ingress tcp 443 from ::/0 }
    instance job in private sg web
  }
}
flow v6-out: job -> 2606:4700::1111 tcp 443 volume 100GB return 10GB
"""

# A NAT instance in us-east-1a serving a private subnet in us-east-1b.
NAT_INSTANCE = """
region us-east-1 {
  vpc legacy 10.10.0.0/16 {
    internet-gateway igw
    subnet public  10.10.0.0/24 az us-east-1a
    subnet private 10.10.1.0/24 az us-east-1b
    route-table public  { route 0.0.0.0/0 via igw;     associate public }
    route-table via-nat { route 0.0.0.0/0 via nat-box; associate private }
    security-group nat-sg { ingress tcp 443 from 10.10.0.0/16 }
    security-group private-sg { }
    instance nat-box in public elastic-ip sg nat-sg source-dest-check off
    instance worker  in private sg private-sg
  }
}
flow nat-instance: worker -> internet tcp 443 volume 100GB return 10GB
"""

# Both endpoint kinds for S3 in one VPC, reached from a site, a peered VPC and across a
# transit gateway (tests/sim/networks/endpoint-reach.nd).
ENDPOINT_REACH = (Path(__file__).parent / "networks" / "endpoint-reach.nd").read_text("utf-8")

NETWORKS = {
    "endpoint-reach": ENDPOINT_REACH,
    "nat-instance": NAT_INSTANCE,
    "one-vpc": ONE_VPC,
    "peered": PEERED,
    "tgw": TGW,
    "vpn": VPN,
    "endpoints": ENDPOINTS,
    "ipv6": IPV6,
}

Row = tuple[str, str, str]  # leg, price key, quantity (GB)

FLOWS: list[tuple[str, str, list[Row], str]] = [
    # network, flow, the charges in path order, the exact total
    ("one-vpc", "same-az", [], "0"),  # same AZ, private IP: 0
    (
        "one-vpc",
        "cross-az",
        [  # 100 × (0.01 + 0.01) + 10 × (0.01 + 0.01) = 2.20
            ("request", "cross_az_per_gb_each_side", "100"),
            ("request", "cross_az_per_gb_each_side", "100"),
            ("reply", "cross_az_per_gb_each_side", "10"),
            ("reply", "cross_az_per_gb_each_side", "10"),
        ],
        "2.20",
    ),
    (
        "one-vpc",
        "nat",
        [  # NAT (100 + 10) × 0.045 + internet out 100 × 0.09 = 4.95 + 9 = 13.95
            ("request", "nat_gateway_per_gb", "100"),
            ("request", "internet_out_per_gb", "100"),
            ("reply", "nat_gateway_per_gb", "10"),
        ],
        "13.95",
    ),
    (
        "one-vpc",
        "nat-x",
        [  # NAT in the other AZ: 13.95 + cross-AZ (100 + 10) × 0.02 = 16.15
            ("request", "cross_az_per_gb_each_side", "100"),
            ("request", "cross_az_per_gb_each_side", "100"),
            ("request", "nat_gateway_per_gb", "100"),
            ("request", "internet_out_per_gb", "100"),
            ("reply", "nat_gateway_per_gb", "10"),
            ("reply", "cross_az_per_gb_each_side", "10"),
            ("reply", "cross_az_per_gb_each_side", "10"),
        ],
        "16.15",
    ),
    (
        "one-vpc",
        "igw-out",
        [  # out 100 × 0.09 = 9.00; the 10 GB of replies come in free
            ("request", "internet_out_per_gb", "100"),
        ],
        "9.00",
    ),
    (
        "one-vpc",
        "igw-in",
        [  # in 1 GB free; the 100 GB of replies go out: 100 × 0.09 = 9.00
            ("reply", "internet_out_per_gb", "100"),
        ],
        "9.00",
    ),
    (
        "one-vpc",
        "public",
        [  # public IPv4 in-region, each side: 100 × 0.02 + 10 × 0.02 = 2.20
            ("request", "public_ip_per_gb_each_side", "100"),
            ("request", "public_ip_per_gb_each_side", "100"),
            ("reply", "public_ip_per_gb_each_side", "10"),
            ("reply", "public_ip_per_gb_each_side", "10"),
        ],
        "2.20",
    ),
    ("one-vpc", "denied", [], "0"),  # SG_INGRESS_MISMATCH: a denied flow costs nothing
    (
        "one-vpc",
        "mb",
        [("request", "internet_out_per_gb", "0.5")],
        "0.045",
    ),  # 500 MB = 0.5 GB × 0.09
    ("one-vpc", "tb", [("request", "internet_out_per_gb", "2000")], "180"),  # 2 TB = 2000 GB × 0.09
    (
        "one-vpc",
        "tb-half",
        [("request", "internet_out_per_gb", "1500")],
        "135",
    ),  # 1500 × 0.09; in is free
    ("peered", "peer-same-az", [], "0"),  # peering inside one AZ: 0
    (
        "peered",
        "peer-cross-az",
        [  # peering across AZs, as any cross-AZ: (100 + 10) × 0.02 = 2.20
            ("request", "cross_az_per_gb_each_side", "100"),
            ("request", "cross_az_per_gb_each_side", "100"),
            ("reply", "cross_az_per_gb_each_side", "10"),
            ("reply", "cross_az_per_gb_each_side", "10"),
        ],
        "2.20",
    ),
    (
        "peered",
        "peer-region",
        [  # between regions, by the sender: 100 × 0.02 + 10 × 0.02 = 2.20
            ("request", "inter_region_per_gb", "100"),
            ("reply", "inter_region_per_gb", "10"),
        ],
        "2.20",
    ),
    (
        "tgw",
        "tgw",
        [  # sent into the TGW both ways: (100 + 10) × 0.02 = 2.20
            ("request", "tgw_per_gb", "100"),
            ("reply", "tgw_per_gb", "10"),
        ],
        "2.20",
    ),
    (
        "tgw",
        "tgw-oneway",
        [("request", "tgw_per_gb", "100")],
        "2.00",
    ),  # no return volume: 100 × 0.02
    (
        "tgw",
        "tgw-x",
        [  # into ht2 in the other AZ: the TGW processing charge only, 2.20
            ("request", "tgw_per_gb", "100"),
            ("reply", "tgw_per_gb", "10"),
        ],
        "2.20",
    ),
    (
        "tgw",
        "pnat",
        [  # private NAT in the other AZ, then the TGW:
            # cross-AZ 110 × 0.02 + NAT 110 × 0.045 + TGW 110 × 0.02 = 2.20 + 4.95 + 2.20 = 9.35
            ("request", "cross_az_per_gb_each_side", "100"),
            ("request", "cross_az_per_gb_each_side", "100"),
            ("request", "nat_gateway_per_gb", "100"),
            ("request", "tgw_per_gb", "100"),
            ("reply", "tgw_per_gb", "10"),
            ("reply", "nat_gateway_per_gb", "10"),
            ("reply", "cross_az_per_gb_each_side", "10"),
            ("reply", "cross_az_per_gb_each_side", "10"),
        ],
        "9.35",
    ),
    ("vpn", "vpn-out", [("request", "vpn_out_per_gb", "100")], "9.00"),  # out 100 × 0.09; in free
    (
        "vpn",
        "vpn-in",
        [("reply", "vpn_out_per_gb", "10")],
        "0.90",
    ),  # in free; replies out 10 × 0.09
    (
        "vpn",
        "tgw-vpn",
        [  # TGW 100 × 0.02 + VPN out 100 × 0.09 + TGW (from the VPN) 10 × 0.02 = 11.20
            ("request", "tgw_per_gb", "100"),
            ("request", "vpn_out_per_gb", "100"),
            ("reply", "tgw_per_gb", "10"),
        ],
        "11.20",
    ),
    ("endpoints", "s3", [], "0"),  # gateway endpoint: 0
    (
        "endpoints",
        "sns",
        [  # interface endpoint in the same AZ, both ways: 110 × 0.01 = 1.10
            ("request", "interface_endpoint_per_gb", "100"),
            ("reply", "interface_endpoint_per_gb", "10"),
        ],
        "1.10",
    ),
    (
        "endpoints",
        "sqs-x",
        [  # interface endpoint in the other AZ: 1.10 + cross-AZ 110 × 0.02 = 3.30
            ("request", "cross_az_per_gb_each_side", "100"),
            ("request", "cross_az_per_gb_each_side", "100"),
            ("request", "interface_endpoint_per_gb", "100"),
            ("reply", "interface_endpoint_per_gb", "10"),
            ("reply", "cross_az_per_gb_each_side", "10"),
            ("reply", "cross_az_per_gb_each_side", "10"),
        ],
        "3.30",
    ),
    # §9: from a subnet whose route table has the gateway endpoint: free, even with an
    # interface endpoint in the VPC (it was 100 × 0.01 + 10 × 0.01 = 1.10 when they mixed)
    ("endpoint-reach", "f-gw", [], "0"),
    # the other subnet, through the interface endpoint: 100 × 0.01 + 10 × 0.01 = 1.10
    (
        "endpoint-reach",
        "f-ep",
        [
            ("request", "interface_endpoint_per_gb", "100"),
            ("reply", "interface_endpoint_per_gb", "10"),
        ],
        "1.10",
    ),
    # from the site over the VPN: endpoint 110 × 0.01 = 1.10 + the reply out over the VPN
    # 10 × 0.09 = 0.90 (data into AWS is free): 2.00, by service and by address alike
    (
        "endpoint-reach",
        "f-site",
        [
            ("request", "interface_endpoint_per_gb", "100"),
            ("reply", "interface_endpoint_per_gb", "10"),
            ("reply", "vpn_out_per_gb", "10"),
        ],
        "2.00",
    ),
    (
        "endpoint-reach",
        "f-site-addr",
        [
            ("request", "interface_endpoint_per_gb", "100"),
            ("reply", "interface_endpoint_per_gb", "10"),
            ("reply", "vpn_out_per_gb", "10"),
        ],
        "2.00",
    ),
    # from the peered VPC (same AZ, so no transfer charge): 1.10, both ways
    (
        "endpoint-reach",
        "f-peer",
        [
            ("request", "interface_endpoint_per_gb", "100"),
            ("reply", "interface_endpoint_per_gb", "10"),
        ],
        "1.10",
    ),
    (
        "endpoint-reach",
        "f-peer-addr",
        [
            ("request", "interface_endpoint_per_gb", "100"),
            ("reply", "interface_endpoint_per_gb", "10"),
        ],
        "1.10",
    ),
    # across the transit gateway: TGW 110 × 0.02 = 2.20 + endpoint 1.10 = 3.30, both ways
    (
        "endpoint-reach",
        "f-tgw",
        [
            ("request", "tgw_per_gb", "100"),
            ("request", "interface_endpoint_per_gb", "100"),
            ("reply", "interface_endpoint_per_gb", "10"),
            ("reply", "tgw_per_gb", "10"),
        ],
        "3.30",
    ),
    (
        "endpoint-reach",
        "f-tgw-addr",
        [
            ("request", "tgw_per_gb", "100"),
            ("request", "interface_endpoint_per_gb", "100"),
            ("reply", "interface_endpoint_per_gb", "10"),
            ("reply", "tgw_per_gb", "10"),
        ],
        "3.30",
    ),
    # lone cannot route to hub: out through its internet gateway to S3, no per-GB charge
    ("endpoint-reach", "f-lone", [], "0"),
    (
        "nat-instance",
        "nat-instance",
        [  # no processing fee on a NAT instance; cross-AZ both ways:
            # 100 × (0.01 + 0.01) + out 100 × 0.09 + 10 × (0.01 + 0.01) = 2 + 9 + 0.20 = 11.20
            ("request", "cross_az_per_gb_each_side", "100"),
            ("request", "cross_az_per_gb_each_side", "100"),
            ("request", "internet_out_per_gb", "100"),
            ("reply", "cross_az_per_gb_each_side", "10"),
            ("reply", "cross_az_per_gb_each_side", "10"),
        ],
        "11.20",
    ),
    ("ipv6", "v6-out", [("request", "internet_out_per_gb", "100")], "9.00"),  # IPv6 out: 100 × 0.09
]


def _network(name: str) -> m.Network:
    compiled = compile(NETWORKS[name], f"{name}.nd")
    errors = [d for d in compiled.diagnostics if d.is_error]
    assert compiled.network is not None and not errors, errors
    return compiled.network


def _report(name: str, prices: PriceTable | None = None) -> CostReport:
    return estimate(_network(name), prices or bundled())


def _rows(charges: tuple[Charge, ...]) -> list[Row]:
    return [(c.what.split(":")[0], c.price_key, str(c.quantity.normalize())) for c in charges]


@pytest.mark.parametrize(
    ("network", "flow", "charges", "total"), FLOWS, ids=[f"{n}-{f}" for n, f, _, _ in FLOWS]
)
def test_flow_charges(network: str, flow: str, charges: list[Row], total: str) -> None:
    fc = _report(network).flows[flow]
    assert _rows(fc.charges) == [(leg, key, str(Decimal(q).normalize())) for leg, key, q in charges]
    assert fc.total == Decimal(total)
    for c in fc.charges:
        assert c.unit == "GB"
        assert c.unit_price == bundled().price(c.price_key, c.region).value
        assert c.amount == c.quantity * c.unit_price


@pytest.mark.parametrize(
    ("network", "flow"), [(n, f) for n, f, _, _ in FLOWS], ids=[f"{n}-{f}" for n, f, _, _ in FLOWS]
)
def test_money_is_decimal_never_float(network: str, flow: str) -> None:
    report = _report(network)
    fc = report.flows[flow]
    for c in (*fc.charges, *report.hourly):
        assert all(type(v) is Decimal for v in (c.quantity, c.unit_price, c.amount))
    assert type(fc.total) is Decimal and type(report.total) is Decimal


def test_denied_flow_costs_nothing_and_keeps_its_trace() -> None:
    fc = flow_cost(_network("one-vpc"), _network("one-vpc").flows["denied"], bundled())
    assert not fc.trace.allowed
    assert fc.trace.code is not None and fc.trace.code.value == "SG_INGRESS_MISMATCH"
    assert fc.charges == () and fc.total == 0


def test_inter_region_charge_is_priced_in_the_sending_region() -> None:
    charges = _report("peered").flows["peer-region"].charges
    assert [(c.price_key, c.region) for c in charges] == [
        ("inter_region_per_gb", "us-east-1"),
        ("inter_region_per_gb", "eu-west-1"),
    ]


H = "730"
HOURLY: list[tuple[str, str, list[tuple[str, str, str]], str]] = [
    # id, network, (price key, hours, what names), the exact hourly total
    (
        "public-nat",
        """
region us-east-1 {
  vpc v 10.0.0.0/16 {
    internet-gateway igw
    subnet pub 10.0.0.0/24 az us-east-1a
    route-table rt { route 0.0.0.0/0 via igw; associate pub }
    nat-gateway nat in pub
  }
}""",
        [("nat_gateway_per_hour", H, "nat"), ("public_ipv4_per_hour", H, "nat")],
        "36.50",
    ),  # NAT 730 × 0.045 = 32.85 + its Elastic IP 730 × 0.005 = 3.65
    (
        "private-nat",
        """
region us-east-1 {
  vpc v 10.0.0.0/16 {
    subnet priv 10.0.0.0/24 az us-east-1a
    nat-gateway pnat in priv private
  }
}""",
        [("nat_gateway_per_hour", H, "pnat")],
        "32.85",
    ),  # 730 × 0.045; a private NAT has no EIP
    (
        "instance-addresses",
        """
region us-east-1 {
  vpc v 10.0.0.0/16 {
    internet-gateway igw
    subnet pub 10.0.0.0/24 az us-east-1a
    subnet auto 10.0.1.0/24 az us-east-1a public-ip-on-launch
    route-table rt { route 0.0.0.0/0 via igw; associate pub auto }
    instance running-auto in pub public-ip
    instance running-eip  in pub elastic-ip
    instance on-launch    in auto
    instance stopped-eip  in pub elastic-ip stopped
    instance stopped-auto in pub public-ip stopped
    instance private      in pub
  }
}""",
        [
            ("public_ipv4_per_hour", H, "running-auto"),
            ("public_ipv4_per_hour", H, "running-eip"),
            ("public_ipv4_per_hour", H, "on-launch"),
            ("public_ipv4_per_hour", H, "stopped-eip"),  # an Elastic IP stays allocated, so billed
            # stopped-auto: an auto-assigned address is released while stopped; private: none
        ],
        "14.60",
    ),  # 4 × 730 × 0.005
    (
        "interface-endpoint",
        """
region us-east-1 {
  vpc v 10.0.0.0/16 {
    subnet a 10.0.1.0/24 az us-east-1a
    subnet b 10.0.2.0/24 az us-east-1b
    subnet c 10.0.3.0/24 az us-east-1c
    route-table rt { associate a b c }
    endpoint sns-if interface sns in a b c
    endpoint s3-gw gateway s3 route-tables rt
  }
}""",
        [("interface_endpoint_per_subnet_hour", "2190", "sns-if")],
        "21.90",
    ),  # 3 subnets × 730 h × 0.01; the gateway endpoint is free
    (
        "tgw-and-vpn",
        """
region us-east-1 {
  vpc v 10.0.0.0/16 {
    vpn-gateway vgw
    subnet a 10.0.1.0/24 az us-east-1a
  }
  vpc w 10.1.0.0/16 {
    subnet a 10.1.1.0/24 az us-east-1a
  }
  transit-gateway tgw {
    attach w subnets a
    attach vpn v2
  }
}
site dc 192.168.0.0/16 {
  customer-gateway cgw  203.0.113.12
  customer-gateway cgw2 203.0.113.13
}
vpn v1 vgw <-> cgw static 192.168.0.0/16
vpn v2 tgw <-> cgw2 bgp
""",
        [
            ("tgw_attachment_per_hour", H, "w"),  # a VPC attachment
            ("tgw_attachment_per_hour", H, "v2"),  # a VPN attachment
            ("vpn_connection_per_hour", H, "v1"),
            ("vpn_connection_per_hour", H, "v2"),
        ],
        "146.00",
    ),  # 2 attachments × 730 × 0.05 + 2 VPN connections × 730 × 0.05
]


@pytest.mark.parametrize(
    ("text", "expected", "total"), [h[1:] for h in HOURLY], ids=[h[0] for h in HOURLY]
)
def test_hourly_resources(text: str, expected: list[tuple[str, str, str]], total: str) -> None:
    compiled = compile(text, "hourly.nd")
    assert compiled.network is not None and compiled.ok, compiled.diagnostics
    report = estimate(compiled.network, bundled())
    got = [(c.price_key, str(c.quantity)) for c in report.hourly]
    assert got == [(key, hours) for key, hours, _ in expected]
    for c, (_, _, name) in zip(report.hourly, expected, strict=True):
        assert name in c.what.split(), c.what
        assert c.unit == "h"
    assert report.hourly_total == Decimal(total)
    assert report.total == Decimal(total)  # no flows


def test_total_adds_flows_and_hourly_exactly() -> None:
    report = _report("one-vpc")
    # Hourly: NAT 32.85 + its EIP 3.65 + web 3.65 + web2 (Elastic IP) 3.65 = 43.80.
    assert report.hourly_total == Decimal("43.80")
    flows = (
        Decimal("2.20")
        + Decimal("13.95")
        + Decimal("16.15")
        + Decimal("9.00")
        + Decimal("9.00")
        + Decimal("2.20")
        + Decimal("0.045")
        + Decimal("180")
        + Decimal("135")
    )
    assert report.flows_total == flows
    assert report.total == flows + Decimal("43.80")


@pytest.mark.parametrize(
    ("exact", "shown"),
    [
        ("0.045", "0.05"),  # half a cent rounds up, as invoices do
        ("0.0449", "0.04"),
        ("0.005", "0.01"),
        ("14.4", "14.40"),
        ("0", "0.00"),
        ("1234.5650", "1234.57"),
        # more digits than the decimal context holds (a huge volume): no InvalidOperation
        ("9E+45", "9" + "0" * 45 + ".00"),
        ("123456789012345678901234567890.125", "123456789012345678901234567890.13"),
    ],
)
def test_cents_rounds_half_up(exact: str, shown: str) -> None:
    assert str(cents(Decimal(exact))) == shown


@pytest.mark.parametrize(
    ("line", "holds"),
    [
        ("expect cost mb = 0.05", True),  # 0.045 exact is 0.05 to the cent
        ("expect cost mb = 0.04", False),
        ("expect cost mb < 0.05", False),
        ("expect cost mb <= 0.05", True),
        ("expect cost tb = 180", True),
        ("expect cost denied = 0", True),
        ("expect cost total < 1000", True),
        ("expect cost total = 411.35", True),  # 367.545 of flows + 43.80 hourly = 411.345
    ],
)
def test_expect_cost_compares_the_amount_in_cents(line: str, holds: bool) -> None:
    from netdraft.sim.expectations import check_cost

    compiled = compile(ONE_VPC + line + "\n", "one-vpc.nd")
    assert compiled.network is not None and compiled.ok, compiled.diagnostics
    exp = next(e for e in compiled.network.expectations if isinstance(e, m.CostExpectation))
    mismatch, _actual = check_cost(estimate(compiled.network, bundled()), exp)
    assert (mismatch is None) is holds


ZERO_PRICED = """
same_az_per_gb = 0.001
internet_in_per_gb = 0.002
gateway_endpoint_per_gb = 0.003
"""


@pytest.mark.parametrize(
    ("network", "flow", "added"),
    [
        (
            "one-vpc",
            "same-az",
            [("request", "same_az_per_gb", "100"), ("reply", "same_az_per_gb", "10")],
        ),
        ("one-vpc", "igw-out", [("reply", "internet_in_per_gb", "10")]),
        ("one-vpc", "igw-in", [("request", "internet_in_per_gb", "1")]),
        (
            "endpoints",
            "s3",
            [
                ("request", "gateway_endpoint_per_gb", "100"),
                ("reply", "gateway_endpoint_per_gb", "10"),
            ],
        ),
        ("one-vpc", "cross-az", []),  # no same-AZ transfer on a path that changes AZ
        ("tgw", "tgw", []),  # nor through a transit gateway
    ],
)
def test_prices_that_are_zero_in_the_table_still_apply_when_a_file_sets_them(
    network: str, flow: str, added: list[Row]
) -> None:
    from netdraft.sim.prices import parse_prices

    override, problems = parse_prices(ZERO_PRICED, "zero.toml")
    assert override is not None and not problems
    before = _rows(_report(network).flows[flow].charges)
    after = _rows(_report(network, bundled().with_overrides(override)).flows[flow].charges)
    assert sorted(after) == sorted(
        before + [(leg, key, str(Decimal(q).normalize())) for leg, key, q in added]
    )
