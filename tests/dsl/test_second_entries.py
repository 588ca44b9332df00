"""A second association of a subnet and a second route to one destination: the message of
each kind of table (VPC route table, network ACL, transit gateway route table)."""

from __future__ import annotations

from pathlib import Path

from netdraft import api

NET = """region us-east-1 {
  vpc a 10.0.0.0/16 {
    subnet s 10.0.1.0/24 az us-east-1a
    route-table one { associate s; route 10.9.0.0/16 via tgw; route 10.9.0.0/16 via tgw }
    route-table two { associate s }
    network-acl first { associate s }
    network-acl second { associate s }
  }
  vpc b 10.1.0.0/16 {
    subnet t 10.1.1.0/24 az us-east-1a
  }
  transit-gateway tgw {
    attach a subnets s
    attach b subnets t
    route-table hub {
      associate a b
      route 10.1.0.0/16 via b
      route 10.1.0.0/16 via a
    }
  }
}
"""


def test_each_table_names_itself_at_the_second_entry(tmp_path: Path) -> None:
    file = tmp_path / "net.nd"
    file.write_text(NET, "utf-8")
    found = [(d.code, d.span.line, d.message, d.label) for d in api.check(file).diagnostics]
    assert found == [
        (
            "route-duplicate",
            4,
            "route table 'one' already has a route to 10.9.0.0/16",
            "first on line 4",
        ),
        (
            "duplicate-association",
            5,
            "subnet 's' is already associated with route table 'one'",
            "a subnet has one route table",
        ),
        (
            "duplicate-association",
            7,
            "subnet 's' is already associated with network ACL 'first'",
            "a subnet has one network ACL",
        ),
        (
            "route-duplicate",
            18,
            "route table 'hub' already has a route to 10.1.0.0/16",
            "first on line 17",
        ),
    ]
