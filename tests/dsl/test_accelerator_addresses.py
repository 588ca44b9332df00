"""An accelerator's written static addresses are checked against Global Accelerator's
ranges and the file's BYOIP pools (``warning[accelerator-address]``), each rule with its
twin; the bundled snapshot's ``GLOBALACCELERATOR`` ranges replace the documented fallback."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from ipaddress import IPv4Network
from pathlib import Path
from types import ModuleType

import pytest

from netdraft import api
from netdraft.dsl.passes import accelerators
from netdraft.model import aws_ranges

ROOT = Path(__file__).parents[2]

TEXT = """%(pools)s
region us-east-1 {
  vpc web 10.0.0.0/16 {
    subnet a 10.0.0.0/24 az us-east-1a
    instance app in a
  }
}
accelerator ga ips %(ips)s { listener tcp 22 -> app }
"""


def warnings(ips: str, pools: str = "") -> list[str]:
    c = api.compile(TEXT % {"ips": ips, "pools": pools}, "ga.nd")
    assert c.ok, [d.headline() for d in c.diagnostics]
    return [d.message for d in c.diagnostics if d.code == "accelerator-address"]


BYOIP = "ipam-pool mine 198.51.100.0/24"
ROWS = [
    # Amazon's ranges (the bundled snapshot's GLOBALACCELERATOR list, or the documented pair)
    ("75.2.3.4 99.83.200.1", "", 0),
    ("75.2.3.4 203.0.113.9", "", 1),
    ("203.0.113.8 203.0.113.9", "", 2),
    # BYOIP: one address of a public pool of /24 or wider, the other Amazon's
    ("198.51.100.10 99.83.200.1", BYOIP, 0),
    ("198.51.100.10 99.83.200.1", "", 1),
    # two addresses of one BYOIP range: one network zone, refused; two ranges are fine
    ("198.51.100.10 198.51.100.11", BYOIP, 1),
    ("198.51.100.10 192.0.2.10", BYOIP + "\nipam-pool other 192.0.2.0/24", 0),
    # a pool narrower than /24 is no range Global Accelerator takes; a private pool neither
    ("198.51.100.10 99.83.200.1", "ipam-pool small 198.51.100.0/25", 1),
    ("198.51.100.10 99.83.200.1", "ipam-pool wide 198.51.0.0/16", 0),
]


@pytest.mark.parametrize(("ips", "pools", "count"), ROWS)
def test_static_addresses(ips: str, pools: str, count: int) -> None:
    assert len(warnings(ips, pools)) == count


def test_the_warning_names_the_ranges_and_the_narrow_pool() -> None:
    (found,) = warnings("198.51.100.10 99.83.200.1", "ipam-pool small 198.51.100.0/25")
    assert "198.51.100.10 is not in Global Accelerator's static address ranges" in found
    assert "ranges, among them 75.2.0.0/17, 99.83.128.0/17)" in found
    c = api.compile(
        TEXT % {"ips": "198.51.100.10 99.83.200.1", "pools": "ipam-pool small 198.51.100.0/25"},
        "ga.nd",
    )
    (diag,) = [d for d in c.diagnostics if d.code == "accelerator-address"]
    assert "pool 'small' is narrower than /24" in diag.label


def test_a_snapshot_with_ranges_replaces_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    current = dataclasses.replace(
        aws_ranges.snapshot(), accelerator=(IPv4Network("13.248.96.0/19"),)
    )
    monkeypatch.setattr(accelerators, "snapshot", lambda: current)
    assert accelerators.static_ranges() == (IPv4Network("13.248.96.0/19"),)
    assert warnings("13.248.100.1 13.248.120.2") == []
    assert len(warnings("75.2.3.4 13.248.120.2")) == 1  # not in the newer list


def test_the_bundled_snapshot_holds_the_documented_ranges() -> None:
    ranges = aws_ranges.snapshot().accelerator
    assert set(accelerators.ANYCAST_RANGES) <= set(ranges)
    assert accelerators.static_ranges() == ranges


def test_a_snapshot_without_ranges_falls_back_to_the_documented_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    empty = dataclasses.replace(aws_ranges.snapshot(), accelerator=())
    monkeypatch.setattr(accelerators, "snapshot", lambda: empty)
    assert accelerators.static_ranges() == accelerators.ANYCAST_RANGES
    (found,) = warnings("198.51.100.10 99.83.200.1")
    assert "(75.2.0.0/17, 99.83.128.0/17)" in found


def test_allocated_addresses_are_in_the_ranges() -> None:
    c = api.compile((TEXT % {"ips": "", "pools": ""}).replace(" ips  {", " {"), "ga.nd")
    assert c.network is not None and not c.diagnostics
    ips = c.network.accelerators["ga"].ips
    assert all(any(ip in r for r in accelerators.static_ranges()) for ip in ips)


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "update_aws_ranges", ROOT / "scripts" / "update-aws-ranges.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_update_script_keeps_the_accelerator_ranges(tmp_path: Path) -> None:
    source = tmp_path / "ip-ranges.json"
    prefixes = [
        {"ip_prefix": "99.83.128.0/17", "region": "GLOBAL", "service": "GLOBALACCELERATOR"},
        {"ip_prefix": "13.248.96.0/19", "region": "GLOBAL", "service": "GLOBALACCELERATOR"},
        # an edge location's range (traffic from the POPs), not static addresses
        {"ip_prefix": "15.197.34.0/23", "region": "us-east-1", "service": "GLOBALACCELERATOR"},
        {"ip_prefix": "52.216.0.0/15", "region": "us-east-1", "service": "S3"},
    ]
    source.write_text(json.dumps({"syncToken": "1", "createDate": "x", "prefixes": prefixes}))
    out = tmp_path / "out.json"
    assert _script().main([str(source), "--date", "2026-01-02", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["globalAccelerator"] == ["13.248.96.0/19", "99.83.128.0/17"]
    assert data["regions"] == {"us-east-1": {"S3": ["52.216.0.0/15"]}}
