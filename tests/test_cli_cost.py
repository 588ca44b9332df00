"""``netdraft cost``: the table per flow, the hourly resources and the total; its JSON; ``expect cost``."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from netdraft.cli import main
from netdraft.sim.cost import cents

SPEC = Path(__file__).parent / "spec"
EXAMPLES = sorted((SPEC / "examples").glob("*.nd"))
NAT = SPEC / "examples" / "01-public-private-nat.nd"

# A charge line: what, quantity unit × unit price = amount [(key from FILE)].
CHARGE = re.compile(
    r"^    (?P<what>\S.*?)\s+(?P<qty>\d+(?:\.\d+)?) (?P<unit>GB|h )\s*× (?P<price>\d+(?:\.\d+)?)\s+=\s+(?P<amount>[\d,]+\.\d\d)(?:  \((?P<key>\w+) from (?P<origin>.+)\))?$"
)
MONEY = re.compile(r"^\d+\.\d\d$")

# Keys of `netdraft cost --json`, as docs/json.md documents them.
TOP_KEYS = {
    "version",
    "currency",
    "flows",
    "hourly",
    "hourly_total",
    "monthly",
    "monthly_total",
    "total",
    "prices",
}
FLOW_KEYS = {
    "name",
    "source",
    "destination",
    "protocol",
    "port",
    "verdict",
    "code",
    "path",
    "volume_gb",
    "return_gb",
    "charges",
    "total",
}
CHARGE_KEYS = {"what", "quantity", "unit", "price", "amount", "amount_exact"}
PRICE_KEYS = {"key", "usd", "from", "region"}

MIXED = """\
region us-east-1 {
  vpc main 10.0.0.0/16 {
    internet-gateway igw
    subnet pub 10.0.0.0/24 az us-east-1a
    route-table rt { route 0.0.0.0/0 via igw; associate pub }
    security-group web { ingress tcp 443 from 0.0.0.0/0 }
    instance web in pub public-ip sg web
    instance db  in pub sg web
  }
}
flow big:    web -> internet tcp 443 volume 15TB          # 15000 GB × 0.09 = 1,350.00
flow local:  web -> db tcp 443 volume 10GB                # same subnet: no charge
flow denied: web -> db tcp 22 volume 10GB                 # SG_INGRESS_MISMATCH: costs nothing
"""

NO_HOURLY = """\
region us-east-1 {
  vpc main 10.0.0.0/16 {
    subnet a 10.0.0.0/24 az us-east-1a
    instance one in a
    instance two in a
  }
}
flow chat: one -> two tcp 443 volume 1GB
"""


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out, out.err


def _write(tmp_path: Path, text: str, name: str = "net.nd") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


# --- the table ---------------------------------------------------------------------------


def test_text_lists_each_flow_with_its_path_and_charges(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["cost", str(NAT)], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "flow updates: app-1 -> internet tcp 443, 100GB + 20GB back a month"
    assert lines[1] == "  path: app-1 → nat-a → igw → internet"
    charges = [CHARGE.match(line) for line in lines[2:5]]
    assert all(charges), lines[2:5]
    assert [(c["what"], c["qty"], c["unit"], c["price"], c["amount"]) for c in charges if c] == [
        ("request: NAT gateway nat-a processing", "100", "GB", "0.045", "4.50"),
        ("request: data out to the internet via igw", "100", "GB", "0.09", "9.00"),
        ("reply: NAT gateway nat-a processing", "20", "GB", "0.045", "0.90"),
    ]
    assert re.fullmatch(r"  flow total\s+14\.40", lines[5])


def test_text_lists_hourly_resources_and_the_monthly_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(["cost", str(NAT)], capsys)
    lines = out.splitlines()
    start = lines.index("hourly resources (730 h a month):")
    hourly = [CHARGE.match(line) for line in lines[start + 1 : start + 6]]
    assert all(hourly)
    assert [(h["what"], h["qty"], h["price"], h["amount"]) for h in hourly if h] == [
        ("NAT gateway nat-a", "730", "0.045", "32.85"),
        ("Elastic IP of NAT gateway nat-a", "730", "0.005", "3.65"),
        ("NAT gateway nat-b", "730", "0.045", "32.85"),
        ("Elastic IP of NAT gateway nat-b", "730", "0.005", "3.65"),
        ("public IPv4 of instance bastion", "730", "0.005", "3.65"),
    ]
    assert re.fullmatch(r"  hourly total\s+76\.65", lines[start + 6])
    total = next(line for line in lines if line.startswith("monthly total"))
    assert re.fullmatch(r"monthly total \(USD\)\s+91\.05", total)
    assert lines[-2] == "prices used: bundled"
    assert lines[-1].startswith("bundled prices: ") and "read 20" in lines[-1]


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_charge_line_is_quantity_times_price(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["cost", str(example)], capsys)
    assert code == 0
    for line in out.splitlines():
        if line.startswith("    ") and "×" in line:
            found = CHARGE.match(line)
            assert found, line
            assert cents(Decimal(found["qty"]) * Decimal(found["price"])) == _money(
                found["amount"]
            ), line


def test_denied_and_free_flows_and_thousands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["cost", str(_write(tmp_path, MIXED))], capsys)
    assert code == 0
    blocks = {b.split(":", 1)[0]: b for b in out.split("\n\n") if b.startswith("flow ")}
    assert "15000 GB × 0.09    =   1,350.00" in blocks["flow big"]
    assert "no per-GB charges on this path" in blocks["flow local"]
    assert blocks["flow denied"].splitlines()[1:3] == [
        "  path: web → db  ✗ SG_INGRESS_MISMATCH",
        "  denied: costs nothing",
    ]
    assert re.search(r"monthly total \(USD\)\s+1,353\.65$", out, re.M)  # + web's public IPv4 3.65


def test_network_without_hourly_resources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["cost", str(_write(tmp_path, NO_HOURLY))], capsys)
    assert code == 0
    lines = out.splitlines()
    start = lines.index("hourly resources (730 h a month):")
    assert lines[start + 1] == "    none"
    assert re.search(r"monthly total \(USD\)\s+0\.00$", out, re.M)


# --- the JSON form -------------------------------------------------------------------------


def _cost_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, _ = run(["cost", str(path), "--json"], capsys)
    assert code == 0
    doc: dict[str, Any] = json.loads(out)
    return doc


def _check_charge(c: dict[str, Any]) -> None:
    assert set(c) == CHARGE_KEYS
    assert set(c["price"]) == PRICE_KEYS
    assert isinstance(c["what"], str) and c["unit"] in ("GB", "h")
    assert isinstance(c["price"]["key"], str) and isinstance(c["price"]["from"], str)
    assert c["price"]["region"] is None or isinstance(c["price"]["region"], str)
    quantity, usd, exact = (
        Decimal(c["quantity"]),
        Decimal(c["price"]["usd"]),
        Decimal(c["amount_exact"]),
    )
    assert exact == quantity * usd
    assert MONEY.match(c["amount"]) and Decimal(c["amount"]) == cents(exact)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_json_has_the_documented_keys_and_types(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _cost_json(example, capsys)
    assert set(doc) == TOP_KEYS
    assert doc["version"] == 2 and doc["currency"] == "USD"
    assert set(doc["prices"]) == {"source", "read_on", "used"}
    exact_total = Decimal(0)
    for flow in doc["flows"]:
        assert set(flow) == FLOW_KEYS
        assert flow["verdict"] in ("allow", "deny")
        assert (flow["code"] is None) == (flow["verdict"] == "allow")
        assert flow["port"] is None or isinstance(flow["port"], int)
        assert isinstance(flow["path"], str) and flow["path"]
        assert Decimal(flow["volume_gb"]) > 0 and Decimal(flow["return_gb"]) >= 0  # decimal strings
        for c in flow["charges"]:
            _check_charge(c)
            assert c["unit"] == "GB"
        flow_exact = sum((Decimal(c["amount_exact"]) for c in flow["charges"]), Decimal(0))
        assert MONEY.match(flow["total"]) and Decimal(flow["total"]) == cents(flow_exact)
        exact_total += flow_exact
    for c in doc["hourly"]:
        _check_charge(c)
        assert c["unit"] == "h"
    hourly_exact = sum((Decimal(c["amount_exact"]) for c in doc["hourly"]), Decimal(0))
    assert Decimal(doc["hourly_total"]) == cents(hourly_exact)
    for c in doc["monthly"]:
        _check_charge(c)
        assert c["unit"] == "month"
    monthly_exact = sum((Decimal(c["amount_exact"]) for c in doc["monthly"]), Decimal(0))
    assert Decimal(doc["monthly_total"]) == cents(monthly_exact)
    assert Decimal(doc["total"]) == cents(exact_total + hourly_exact + monthly_exact)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_json_agrees_with_the_table_and_with_expect_cost(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _cost_json(example, capsys)
    _, text, _ = run(["cost", str(example)], capsys)
    for flow in doc["flows"]:
        block = next(b for b in text.split("\n\n") if b.startswith(f"flow {flow['name']}: "))
        assert f"  path: {flow['path']}" in block
        assert len([line for line in block.splitlines() if "×" in line]) == len(flow["charges"])
        assert re.search(rf"flow total\s+{re.escape(flow['total'])}$", block, re.M)
    assert re.search(rf"monthly total \(USD\)\s+{re.escape(doc['total'])}$", text, re.M)
    # The total the file expects (checked by `netdraft check`) is the one `cost` reports.
    for line in example.read_text("utf-8").splitlines():
        found = re.match(r"expect cost (\S+) = (\S+)", line)
        if found:
            name, amount = found.groups()
            got = (
                doc["total"]
                if name == "total"
                else next(f["total"] for f in doc["flows"] if f["name"] == name)
            )
            assert Decimal(got) == Decimal(amount), line


def test_json_of_a_denied_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _cost_json(_write(tmp_path, MIXED), capsys)
    flows = {f["name"]: f for f in doc["flows"]}
    assert flows["denied"] == {
        "name": "denied",
        "source": "web",
        "destination": "db",
        "protocol": "tcp",
        "port": 22,
        "verdict": "deny",
        "code": "SG_INGRESS_MISMATCH",
        "path": "web → db  ✗ SG_INGRESS_MISMATCH",
        "volume_gb": "10",
        "return_gb": "0",
        "charges": [],
        "total": "0.00",
    }
    assert flows["big"]["total"] == "1350.00"  # no thousands separator in JSON
    assert flows["big"]["volume_gb"] == "15000"


@pytest.mark.parametrize("flag", [[], ["--json"]], ids=["text", "json"])
@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_output_is_deterministic(
    example: Path, flag: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    first = run(["cost", str(example), *flag], capsys)
    second = run(["cost", str(example), *flag], capsys)
    assert first == second


# --- errors and expectations ----------------------------------------------------------------


def test_cost_of_a_file_with_errors_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, NO_HOURLY.replace("one -> two", "one -> thre"))
    code, out, err = run(["cost", str(path)], capsys)
    assert code == 1 and out == ""
    assert "error[unknown-name]" in err


def test_cost_of_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["cost", str(tmp_path / "gone.nd")], capsys)
    assert code == 2 and out == "" and "gone.nd" in err


def test_wrong_expect_cost_is_reported_with_the_breakdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = NAT.read_text("utf-8").replace(
        "expect cost updates = 14.40", "expect cost updates = 14.00"
    )
    path = _write(tmp_path, text, "nat.nd")
    line = text.splitlines().index("expect cost updates = 14.00") + 1
    code, _, err = run(["check", str(path)], capsys)
    assert code == 1
    assert (
        f"{path}:{line}:1: error[expect-failed]: expectation does not hold: flow 'updates' costs 14.40 USD a month, expected = 14.00"
        in err
    )
    for note in (
        "= request: NAT gateway nat-a processing: 100 GB × 0.045 = 4.50",
        "= request: data out to the internet via igw: 100 GB × 0.09 = 9.00",
        "= reply: NAT gateway nat-a processing: 20 GB × 0.045 = 0.90",
    ):
        assert note in err
    assert "expect cost total" not in err  # the total still holds


@pytest.mark.parametrize(
    ("expect", "holds"),
    [
        ("expect cost total = 91.05", True),
        ("expect cost total < 91.05", False),
        ("expect cost total <= 91.05", True),
        ("expect cost total < 91.06", True),
        ("expect cost total = 91.1", False),
        ("expect cost updates <= 14.4", True),
        ("expect cost updates < 14.4", False),
    ],
)
def test_expect_cost_operators(
    expect: str, holds: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, NAT.read_text("utf-8") + expect + "\n", "nat.nd")
    code, _, err = run(["check", str(path)], capsys)
    assert code == (0 if holds else 1), err
    if not holds:
        assert "error[expect-failed]" in err
        # The breakdown: the flow's charges, and for the total the hourly ones too.
        prefix = "flow updates, " if "total" in expect else ""
        assert f"= {prefix}reply: NAT gateway nat-a processing: 20 GB × 0.045 = 0.90" in err
        assert ("= NAT gateway nat-a: 730 h × 0.045 = 32.85" in err) == ("total" in expect)


ZONES = """\
region us-east-1 {
  vpc corp 10.0.0.0/16 {
    subnet a 10.0.1.0/24 az us-east-1a
    subnet b 10.0.2.0/24 az us-east-1b
    resolver-endpoint in-ep inbound in a b
  }
}
zone corp.internal private vpcs corp { record db A 10.0.1.9 }
zone lab.internal private vpcs corp { record db A 10.0.1.9 }
expect cost total = 183.50
"""


def test_hosted_zones_are_billed_by_the_month_not_the_hour(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Route 53 bills a hosted zone per month (LANGUAGE.md §11): its own section, unit
    ``month``, in the text, the JSON and the page; the totals count it once."""
    net = tmp_path / "zones.nd"
    net.write_text(ZONES)
    code, text, _ = run(["cost", str(net)], capsys)
    assert code == 0
    hourly, monthly = text.split("hourly resources (730 h a month):")[1].split(
        "monthly resources (billed by the month):"
    )
    assert "hosted zone" not in hourly and "resolver endpoint in-ep" in hourly
    assert re.search(
        r"private hosted zone corp.internal\s+1 month × 0.5\s+=\s+0.50$", monthly, re.M
    )
    assert re.search(r"monthly resources total\s+1.00$", monthly, re.M)
    assert re.search(r"^monthly total \(USD\)\s+183.50$", text, re.M)  # 182.50 + 2 × 0.50
    doc = _cost_json(net, capsys)
    assert [c["what"] for c in doc["hourly"]] == [
        "resolver endpoint in-ep × 2 network interface(s)"
    ]
    assert [(c["what"], c["unit"], c["quantity"]) for c in doc["monthly"]] == [
        ("private hosted zone corp.internal", "month", "1"),
        ("private hosted zone lab.internal", "month", "1"),
    ]
    assert (doc["hourly_total"], doc["monthly_total"], doc["total"]) == ("182.50", "1.00", "183.50")
    code, _, _ = run(["check", str(net)], capsys)
    assert code == 0  # expect cost total counts the zones
    net.write_text(ZONES.replace("= 183.50", "= 182.50"))
    code, _, err = run(["check", str(net)], capsys)
    assert code == 1 and "private hosted zone corp.internal" in err


def test_the_page_lists_hosted_zones_as_monthly_resources(tmp_path: Path) -> None:
    net = tmp_path / "zones.nd"
    net.write_text(ZONES)
    from netdraft import api

    page = api.docs(net, tmp_path / "out")[-1].read_text("utf-8")
    hourly, monthly = page.split("### Hourly resources")[1].split("### Monthly resources")
    assert "hosted zone" not in hourly
    assert "| private hosted zone corp.internal | 1 month | 0.5 a month | 0.50 |" in monthly
    assert "| **All monthly resources** | | | **1.00** |" in monthly
    assert "**Monthly total: 183.50 USD**" in page
