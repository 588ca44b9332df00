"""The canonical printer on the DNS statements (LANGUAGE.md §11): one layout, same meaning."""

from __future__ import annotations

from pathlib import Path

from test_fmt import check_invariants, fmt

MESSY = """\
region us-east-1 {
  vpc corp 10.10.0.0/16 {
    dhcp-options   domain corp.internal   servers 10.10.1.53  10.10.1.54
    dns-support off;   dns-hostnames on
    subnet a 10.10.1.0/24 az us-east-1a
    instance dns1 in a ip 10.10.1.53
  }
}
zone Corp.Internal private vpcs corp { record db A dns1 10.10.1.9;record db  AAAA   2001:db8::9;record www CNAME db.corp.internal. }
zone x.corp.internal private vpcs corp {
  record   q   ALIAS   corp.sqs # an endpoint
}
expect dns1 resolves db = 10.10.1.53   10.10.1.9
expect dns1 resolves www.corp.internal via dns1
expect dns1 resolves nope because NXDOMAIN
expect dns1 -> db.corp.internal tcp 5432 allow
"""

CANONICAL = """\
region us-east-1 {
  vpc corp 10.10.0.0/16 {
    dhcp-options domain corp.internal servers 10.10.1.53 10.10.1.54
    dns-support off
    dns-hostnames on
    subnet a 10.10.1.0/24 az us-east-1a
    instance dns1 in a ip 10.10.1.53
  }
}

zone Corp.Internal private vpcs corp {
  record db  A     dns1 10.10.1.9
  record db  AAAA  2001:db8::9
  record www CNAME db.corp.internal.
}

zone x.corp.internal private vpcs corp {
  record q ALIAS corp.sqs       # an endpoint
}

expect dns1 resolves db = 10.10.1.53 10.10.1.9
expect dns1 resolves www.corp.internal via dns1
expect dns1 resolves nope because NXDOMAIN

expect dns1 -> db.corp.internal tcp 5432 allow
"""


def test_dns_statements_take_one_layout() -> None:
    assert check_invariants(MESSY) == CANONICAL
    assert fmt(CANONICAL) == CANONICAL


def test_an_aaaa_answer_takes_one_layout() -> None:
    assert fmt("expect dns1 resolves db =   2001:db8::9   2001:db8::a\n") == (
        "expect dns1 resolves db = 2001:db8::9 2001:db8::a\n"
    )


def test_dns_network_file_is_fmt_clean() -> None:
    path = Path(__file__).parents[1] / "sim" / "networks" / "dns-servers.nd"
    check_invariants(path.read_text("utf-8"))


def test_resolver_statements_keep_their_meaning() -> None:
    path = Path(__file__).parents[1] / "sim" / "networks" / "dns-hybrid.nd"
    text = path.read_text("utf-8")
    assert check_invariants(text) == text
    assert fmt(
        "site s 10.0.0.0/8 { host h 10.0.0.1 dns {   zone a.b ;forward . to 10.0.0.2 } }\n"
    ) == ("site s 10.0.0.0/8 { host h 10.0.0.1 dns { zone a.b; forward . to 10.0.0.2 } }\n")
