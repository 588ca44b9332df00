"""Importing DNS settings: the DHCP option set's name servers (``describe-dhcp-options``)."""

from __future__ import annotations

from typing import Any

from test_import_json import lines, run, vpc

from netdraft import importer


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
