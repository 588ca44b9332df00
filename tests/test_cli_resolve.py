"""``netdraft resolve``: the resolution's text and JSON, and usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netdraft.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refusing the command line
        code = exc.code if isinstance(exc.code, int) else 2
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def custom() -> str:
    return str(Path(__file__).parent / "sim" / "networks" / "dns-servers.nd")


def test_text_lists_each_query(custom: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["resolve", custom, "open.c", "db"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "open.c resolves db.corp.internal: 10.9.9.9"
    assert "  query 1: open.c -> 10.1.1.53 udp 53: allowed" in lines
    assert "  query 2: dns1 -> amazon-dns (10.1.0.2) udp 53: allowed" in lines


def test_text_shows_the_denied_leg(custom: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["resolve", custom, "closed.c", "db"], capsys)
    assert code == 0  # like `path`: a denied answer is an answer
    assert "udp 53: DENIED" in out
    assert "fails: DNS_UNREACHABLE" in out and "SG_INGRESS_MISMATCH" in out


def test_json(custom: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["resolve", custom, "acl.c", "db", "--json"], capsys)
    assert code == 0
    doc = json.loads(out)
    assert doc["code"] == "DNS_UNREACHABLE"
    assert doc["answers"] == []
    assert [q["trace"]["code"] for q in doc["queries"]] == ["ACL_INBOUND_DENY"]
    code, again, _ = run(["resolve", custom, "acl.c", "db", "--json"], capsys)
    assert again == out


@pytest.mark.parametrize(
    ("client", "name", "message"),
    [
        ("nobody", "db", "no instance, host, NAT gateway or service named 'nobody'"),
        ("internet", "db", "does not resolve names"),
        ("open.c", "db..corp", "has an empty label"),
        ("open.c", "db corp", "is not a DNS name"),
    ],
)
def test_usage_errors(
    custom: str, capsys: pytest.CaptureFixture[str], client: str, name: str, message: str
) -> None:
    code, out, err = run(["resolve", custom, client, name], capsys)
    assert code == 2 and not out
    assert message in err


@pytest.mark.parametrize("address", ["10.1.1.53", "2001:db8::5"])
def test_an_address_is_said_to_be_one(
    custom: str, capsys: pytest.CaptureFixture[str], address: str
) -> None:
    """An address is no name: a usage error that says so, not an NXDOMAIN answer."""
    code, out, err = run(["resolve", custom, "open.c", address], capsys)
    assert code == 2 and not out
    assert f"'{address}' is an IP address, not a DNS name" in err
    assert "NXDOMAIN" not in err
    code, out, _ = run(["resolve", custom, "open.c", "dns1"], capsys)  # its twin: a name
    assert code == 0 and out.startswith("open.c resolves dns1.corp.internal")


def test_a_name_that_starts_with_a_dash_goes_after_double_dash(
    custom: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["resolve", custom, "open.c", "-x.corp"], capsys)
    assert code == 2 and not out
    assert "'-x.corp' starts with '-', so it is read as an option" in err
    assert "netdraft resolve … -- -x.corp" in err
    code, out, _ = run(["resolve", custom, "open.c", "--", "-x.corp"], capsys)
    assert code == 0
    assert out.startswith("open.c resolves -x.corp: FAILS")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("a" * 64 + ".corp", "a DNS label has at most 63"),
        (".".join(["b" * 63] * 4), "a DNS name has at most 253"),
    ],
)
def test_names_beyond_dns_limits(
    custom: str, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    code, out, err = run(["resolve", custom, "open.c", name], capsys)
    assert code == 2 and not out and message in err


V6 = """region us-east-1 {
  vpc corp 10.10.0.0/16 {
    dhcp-options domain corp.internal
    subnet a 10.10.1.0/24 az us-east-1a
    instance app in a
  }
}
zone corp.internal private vpcs corp { record v6 AAAA 2001:db8::5 }
"""


def test_an_aaaa_query(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    net = tmp_path / "v6.nd"
    net.write_text(V6)
    code, out, _ = run(["resolve", str(net), "app", "v6", "--type", "AAAA"], capsys)
    assert code == 0
    assert out.splitlines()[0] == "app resolves v6.corp.internal AAAA: 2001:db8::5"
    code, out, _ = run(["resolve", str(net), "app", "v6"], capsys)  # A, the default: no data
    assert code == 0
    assert out.splitlines()[0] == (
        "app resolves v6.corp.internal: no A record — 'v6.corp.internal' has no A record in"
        " private zone 'corp.internal' (NOERROR, no data)"
    )
    code, out, _ = run(["resolve", str(net), "app", "v6", "--type", "aaaa", "--json"], capsys)
    doc = json.loads(out)
    assert (doc["type"], doc["answers"], doc["code"]) == ("AAAA", ["2001:db8::5"], None)
    code, _, err = run(["resolve", str(net), "app", "v6", "--type", "MX"], capsys)
    assert code == 2 and "invalid choice: 'MX'" in err
