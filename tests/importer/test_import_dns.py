"""Importing DNS: DHCP option sets, VPC DNS attributes, Route 53 private hosted zones and
their records, Route 53 Resolver endpoints, rules and their associations."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from test_import_json import lines, run, subnet, vpc

from netdraft import api, importer
from netdraft.dsl.query import parse_query
from netdraft.importer.aws_json import Dump, parse
from netdraft.importer.build import build
from netdraft.model.network import Network
from netdraft.sim.path import Simulator
from netdraft.sim.path.dns import Resolution


def dhcp(*servers: str, domain: str = "corp.internal") -> dict[str, Any]:
    return {
        "DhcpOptionsId": "dopt-1",
        "DhcpConfigurations": [
            {"Key": "domain-name", "Values": [{"Value": domain}]},
            {"Key": "domain-name-servers", "Values": [{"Value": s} for s in servers]},
        ],
    }


def imported(*servers: str) -> importer.Imported:
    return run(
        Vpcs=[vpc("vpc-1", "10.0.0.0/16", "main", DhcpOptionsId="dopt-1")],
        DhcpOptions=[dhcp(*servers)],
    )


def test_amazon_provided_dns_is_the_default() -> None:
    result = imported("AmazonProvidedDNS")
    assert "dhcp-options domain corp.internal # dopt-1" in lines(result)


def test_custom_name_servers_are_written_in_order() -> None:
    result = imported("10.0.1.53", "10.0.2.53")
    assert "dhcp-options domain corp.internal servers 10.0.1.53 10.0.2.53 # dopt-1" in lines(result)
    assert not result.warnings


def test_a_mixed_list_falls_back_to_amazon_with_a_warning() -> None:
    result = imported("AmazonProvidedDNS", "10.0.1.53")
    assert "dhcp-options domain corp.internal # dopt-1" in lines(result)
    assert any("are not all IPv4 addresses" in w for w in result.warnings)


# ---- Route 53 and Route 53 Resolver (the fixture dump ``fixtures/dns``) -------------------------

FIXTURE = Path(__file__).parent / "fixtures" / "dns"


@cache
def dns_network() -> tuple[importer.Imported, Network]:
    result = importer.from_json_dir(FIXTURE, "dns.nd")
    compiled = api.compile(result.text, "dns.nd")
    assert compiled.ok, [d.headline() for d in compiled.diagnostics]
    assert compiled.network is not None
    return result, compiled.network


def resolution(net: Network, client: str, name: str) -> Resolution:
    query = parse_query(net, client, "internet", "udp", "53")
    assert not isinstance(query, list), query
    return Simulator(net).resolve(query.source, name)


# (client, name, answers or the code, the last query's verdict code or None when allowed)
FIXTURE_RESOLUTIONS: list[tuple[str, str, tuple[str, ...] | str, str | None]] = [
    # the private zone associated with corp: its A, CNAME and alias records
    ("app", "db.corp.internal", ("10.10.1.173",), None),
    ("app", "pair", ("10.10.1.10", "10.10.1.11"), None),
    ("app", "www.corp.internal", ("10.10.1.173",), None),
    ("app", "queue.corp.internal", ("10.10.1.200", "10.10.2.200"), None),
    # records the language cannot hold are not there: the zone answers alone, NXDOMAIN
    ("app", "blue.corp.internal", "NXDOMAIN", None),
    ("app", "web.corp.internal", "NXDOMAIN", None),
    # lab is associated too, but its enableDnsHostnames is false: its zones are not used
    ("probe", "db.corp.internal", "NXDOMAIN", None),
    # the forwarding rule's query leaves through out-ep, whose group allows all egress
    # (nothing at the target serves DNS in the file: the site has no hosts)…
    ("app", "bind.dc.example.com", "DNS_UNREACHABLE", None),
    # …and is refused by out-closed's group, whose egress allows TCP 443 only
    ("app", "x.closed.dc.example.com", "DNS_UNREACHABLE", "SG_EGRESS_MISMATCH"),
]


@pytest.mark.parametrize(("client", "name", "expected", "last"), FIXTURE_RESOLUTIONS)
def test_the_fixture_dump_resolves_as_aws_does(
    client: str, name: str, expected: tuple[str, ...] | str, last: str | None
) -> None:
    _result, net = dns_network()
    res = resolution(net, client, name)
    if isinstance(expected, tuple):
        assert sorted(map(str, res.answers)) == sorted(expected), res.reason
    else:
        assert str(res.code) == expected, res.reason
    if "dc.example.com" in name:  # a rule's query: the second leg, from an outbound endpoint
        assert len(res.legs) == 2 and res.legs[1].asker.startswith("out-")
        assert (None if res.legs[1].ok else str(res.legs[1].trace.code)) == last


def test_the_fixture_dump_says_what_it_leaves_out() -> None:
    result, net = dns_network()
    warnings = "\n".join(result.warnings)
    for expected in (
        "1 Route 53 public hosted zone (route53 list-hosted-zones) is not imported yet: 'example.com'",
        "'lab.internal' (Z0D5000000000LAB01): its VPC associations are not in the dump (route53 get-hosted-zone",
        "1 record of type TXT (the language has A, AAAA, CNAME and alias records) is not imported: 'corp.internal'",
        "1 record of type AAAA with an alias target (the language's ALIAS is an alias A record) is not imported: 'v6alias.corp.internal'",
        "2 records with a routing policy (weighted, latency, failover, geolocation, multivalue) are not imported: 'blue.corp.internal'",
        "2 records that alias a target other than an interface endpoint of the dump (regional name) are not imported: 'queue-1a.corp.internal', 'web.corp.internal'",
        "'\\052.corp.internal'",
        "resolver rule 'everything' (rslvr-rr-0d50000000000004) forwards every name ('.')",
        "target 192.168.0.12 listens on port 5353",
        "system rule 'aws-here' (rslvr-rr-0d50000000000005) for 'aws.dc.example.com' is not imported",
        "'corp.internal' (Z0D5000000000CORP2) has the name of zone 'Z0D5000000000CORP1'",
    ):
        assert expected in warnings, expected
    # The zone's own SOA and NS, Resolver's own rules and a deleted endpoint: silently.
    assert "SOA" not in warnings and " NS " not in warnings
    assert "autodefined" not in warnings and "old-in" not in warnings
    corp = net.vpcs["corp"]
    assert {n: e.resolver for n, e in corp.endpoints.items() if e.resolver} == {
        "in-ep": "inbound",
        "out-ep": "outbound",
        "out-closed": "outbound",
    }
    # The addresses AWS gave: from list-resolver-endpoint-ip-addresses (a deleting one
    # left out), else from the endpoint's network interfaces (out-closed).
    assert [str(a) for a in corp.endpoints["out-ep"].addresses] == ["10.10.1.20", "10.10.2.20"]
    assert [str(a) for a in corp.endpoints["out-closed"].addresses] == ["10.10.1.21", "10.10.2.21"]
    # Their interfaces are the endpoints', not instances of their own.
    assert set(corp.instances) == {"app", "db"}
    rules = {r.name: r for r in net.resolver_rules}
    assert set(rules) == {"to-dc", "closed", "alt-port"}
    assert [str(t) for t in rules["to-dc"].targets] == ["192.168.0.10", "192.168.0.11"]
    assert rules["to-dc"].vpcs == ("corp",)  # the DELETING association to lab is not kept


@pytest.mark.parametrize(
    ("name", "aaaa", "a"),
    [
        ("db.corp.internal", ("fd00::173",), ("10.10.1.173",)),  # an AAAA beside the A
        ("v6.corp.internal", ("2001:db8::5", "2001:db8::6"), ()),  # AAAA only: no A data
        ("pair.corp.internal", (), ("10.10.1.10", "10.10.1.11")),
    ],
)
def test_aaaa_record_sets_are_imported_as_their_own_type(
    name: str, aaaa: tuple[str, ...], a: tuple[str, ...]
) -> None:
    from netdraft.model.network import RecordKind

    _result, net = dns_network()
    query = parse_query(net, "app", "internet", "udp", "53")
    assert not isinstance(query, list)
    for qtype, expected in ((RecordKind.AAAA, aaaa), (RecordKind.A, a)):
        res = Simulator(net).resolve(query.source, name, qtype)
        assert res.ok and tuple(sorted(map(str, res.answers))) == expected, res.reason


def one_dump(**responses: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "Vpcs": [vpc("vpc-1", "10.0.0.0/16", "main")],
        "Subnets": [
            subnet("subnet-1", "vpc-1", "10.0.1.0/24", "a"),
            subnet("subnet-2", "vpc-1", "10.0.2.0/24", "b", "us-east-1b"),
        ],
    }
    base.update(responses)
    return base


def imported_files(*files: tuple[str, dict[str, Any]]) -> importer.Imported:
    result = build(parse([Dump("us-east-1", None, files)]), "test.nd")
    compiled = api.compile(result.text, "test.nd")
    assert compiled.ok, [d.headline() for d in compiled.diagnostics]
    return result


ZONE = {"Id": "/hostedzone/Z1", "Name": "corp.internal.", "Config": {"PrivateZone": True}}
RECORDS = {
    "ResourceRecordSets": [
        {"Name": "db.corp.internal.", "Type": "A", "ResourceRecords": [{"Value": "10.0.1.9"}]}
    ]
}


def test_record_sets_are_read_from_a_file_named_for_their_zone() -> None:
    zone = (
        "zone.json",
        {"HostedZone": ZONE, "VPCs": [{"VPCId": "vpc-1", "VPCRegion": "us-east-1"}]},
    )
    named = imported_files(("base.json", one_dump()), zone, ("records-Z1.json", RECORDS))
    assert "record db A 10.0.1.9" in lines(named)
    assert "zone corp.internal private vpcs main { # Z1" in lines(named)
    unnamed = imported_files(("base.json", one_dump()), zone, ("records.json", RECORDS))
    assert "record db A 10.0.1.9" not in lines(unnamed)
    assert any("'ResourceRecordSets' of a hosted zone" in w for w in unnamed.warnings)
    assert any("its records are not in the dump" in w for w in unnamed.warnings)


def test_a_private_zone_without_its_vpc_associations_is_not_imported() -> None:
    listed = ("zones.json", {"HostedZones": [ZONE]})
    result = imported_files(("base.json", one_dump()), listed, ("records-Z1.json", RECORDS))
    assert "zone corp.internal" not in result.text
    assert any("get-hosted-zone --id Z1" in w for w in result.warnings)


def test_vpc_dns_attributes_write_only_what_is_off() -> None:
    def with_attributes(support: bool, hostnames: bool) -> list[str]:
        return lines(
            imported_files(
                ("base.json", one_dump()),
                ("s.json", {"VpcId": "vpc-1", "EnableDnsSupport": {"Value": support}}),
                ("h.json", {"VpcId": "vpc-1", "EnableDnsHostnames": {"Value": hostnames}}),
            )
        )

    assert not any(x.startswith("dns-") for x in with_attributes(True, True))
    off = with_attributes(False, False)
    assert "dns-support off" in off and "dns-hostnames off" in off
    assert "dns-support off" not in with_attributes(True, False)


def resolver_dump(ips: bool = True, with_endpoint: bool = True) -> list[tuple[str, dict[str, Any]]]:
    endpoint = {
        "Id": "rslvr-out-1",
        "Name": "out",
        "Direction": "OUTBOUND",
        "HostVPCId": "vpc-1",
        "SecurityGroupIds": [],
        "Status": "OPERATIONAL",
    }
    interfaces = {
        "NetworkInterfaces": [
            {
                "NetworkInterfaceId": f"eni-{i}",
                "VpcId": "vpc-1",
                "SubnetId": f"subnet-{i}",
                "PrivateIpAddress": f"10.0.{i}.20",
                "InterfaceType": "interface",
                "Description": f"Route 53 Resolver: rslvr-out-1:rni-{i}",
                "RequesterManaged": True,
                "Status": "in-use",
            }
            for i in (1, 2)
        ]
    }
    rule = {
        "Id": "rslvr-rr-1",
        "Name": "dc",
        "RuleType": "FORWARD",
        "DomainName": "dc.example.com.",
        "TargetIps": [{"Ip": "192.168.0.10", "Port": 53}],
        "ResolverEndpointId": "rslvr-out-1",
        "Status": "COMPLETE",
    }
    association = {"ResolverRuleId": "rslvr-rr-1", "VPCId": "vpc-1", "Status": "COMPLETE"}
    files = [("base.json", one_dump(**interfaces))]
    if with_endpoint:
        files.append(("endpoints.json", {"ResolverEndpoints": [endpoint]}))
    files.append(
        ("rules.json", {"ResolverRules": [rule], "ResolverRuleAssociations": [association]})
    )
    if ips:
        addresses = [
            {"SubnetId": "subnet-1", "Ip": "10.0.1.30"},
            {"SubnetId": "subnet-2", "Ip": "10.0.2.30"},
        ]
        files.append(("ips-rslvr-out-1.json", {"IpAddresses": addresses}))
    return files


def test_resolver_endpoint_addresses_come_from_their_call_else_their_interfaces() -> None:
    listed = lines(imported_files(*resolver_dump()))
    assert "resolver-endpoint out outbound in a b ips 10.0.1.30 10.0.2.30 # rslvr-out-1" in listed
    assert (
        "resolver-rule dc forward dc.example.com to 192.168.0.10 via out vpcs main # rslvr-rr-1"
        in listed
    )
    from_enis = lines(imported_files(*resolver_dump(ips=False)))
    assert (
        "resolver-endpoint out outbound in a b ips 10.0.1.20 10.0.2.20 # rslvr-out-1" in from_enis
    )
    assert not any(x.startswith("instance ") for x in from_enis)


def test_without_its_endpoint_a_rule_is_not_imported_and_the_interfaces_are_instances() -> None:
    result = imported_files(*resolver_dump(ips=False, with_endpoint=False))
    assert "resolver-rule" not in result.text
    assert any("which is not an imported outbound resolver endpoint" in w for w in result.warnings)
    # Nothing says what the interfaces are: they hold their addresses, as issue 13 decided.
    assert sum(x.startswith("instance ") for x in lines(result)) == 2


def test_two_addresses_of_one_subnet_and_an_unknown_hostnames_attribute() -> None:
    files = resolver_dump()
    addresses = [
        {"SubnetId": "subnet-1", "Ip": "10.0.1.31"},
        {"SubnetId": "subnet-1", "Ip": "10.0.1.30"},
    ]
    files[-1] = ("ips-rslvr-out-1.json", {"IpAddresses": addresses})
    zone = {"HostedZone": ZONE, "VPCs": [{"VPCId": "vpc-1", "VPCRegion": "us-east-1"}]}
    result = imported_files(*files, ("zone.json", zone), ("records-Z1.json", RECORDS))
    assert "resolver-endpoint out outbound in a a ips 10.0.1.30 10.0.1.31 # rslvr-out-1" in lines(
        result
    )
    assert any(
        "vpc 'main' is associated with a private hosted zone, but its enableDnsHostnames" in w
        for w in result.warnings
    )
