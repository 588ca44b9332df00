"""Price tables: the bundled §5 table, users' overrides (all regions, one region), and their diagnostics."""

from __future__ import annotations

import ast
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import netdraft.sim.cost
from netdraft import api
from netdraft.cli import main
from netdraft.sim.prices import BUNDLED_NAME, bundled, parse_prices

# The §5 table, as the contract writes it (USD, us-east-1 list prices).
SECTION_5 = {
    "same_az_per_gb": "0",
    "cross_az_per_gb_each_side": "0.01",
    "public_ip_per_gb_each_side": "0.01",
    "inter_region_per_gb": "0.02",
    "internet_out_per_gb": "0.09",
    "internet_in_per_gb": "0",
    "nat_gateway_per_hour": "0.045",
    "nat_gateway_per_gb": "0.045",
    "tgw_attachment_per_hour": "0.05",
    "tgw_per_gb": "0.02",
    "vpn_connection_per_hour": "0.05",
    "vpn_out_per_gb": "0.09",
    "interface_endpoint_per_subnet_hour": "0.01",
    "interface_endpoint_per_gb": "0.01",
    "gateway_endpoint_per_gb": "0",
    "public_ipv4_per_hour": "0.005",
    # LANGUAGE.md §10: Elastic Load Balancing
    "load_balancer_per_hour": "0.0225",
    "alb_lcu_per_gb": "0.008",
    "nlb_lcu_per_gb": "0.006",
}
# LANGUAGE.md §11: Route 53 Resolver endpoints and private hosted zones.
SECTION_5.update({"resolver_endpoint_per_eni_hour": "0.125", "hosted_zone_per_month": "0.5"})
# LANGUAGE.md §12 (1 and 10 Gbps dedicated) and AWS's Direct Connect pricing page (the rest).
SECTION_5.update(
    {
        "dx_port_1gbps_per_hour": "0.3",
        "dx_port_10gbps_per_hour": "2.25",
        "dx_port_100gbps_per_hour": "22.5",
        "dx_port_400gbps_per_hour": "85.0",
        "dx_hosted_port_50mbps_per_hour": "0.03",
        "dx_hosted_port_100mbps_per_hour": "0.06",
        "dx_hosted_port_200mbps_per_hour": "0.08",
        "dx_hosted_port_300mbps_per_hour": "0.12",
        "dx_hosted_port_400mbps_per_hour": "0.16",
        "dx_hosted_port_500mbps_per_hour": "0.2",
        "dx_hosted_port_1gbps_per_hour": "0.33",
        "dx_hosted_port_2gbps_per_hour": "0.66",
        "dx_hosted_port_5gbps_per_hour": "1.65",
        "dx_hosted_port_10gbps_per_hour": "2.48",
        "dx_hosted_port_25gbps_per_hour": "6.2",
        "dx_out_per_gb": "0.02",
    }
)
# LANGUAGE.md §10: Global Accelerator, an hour and the data-transfer premium's default.
SECTION_5.update({"accelerator_per_hour": "0.025", "accelerator_premium_per_gb": "0.015"})
# LANGUAGE.md §10: flow logs (CloudWatch Logs, S3) and traffic mirroring.
SECTION_5.update(
    {
        "flow_log_cloudwatch_per_gb": "0.5",
        "flow_log_s3_per_gb": "0.25",
        "traffic_mirror_per_eni_hour": "0.015",
    }
)


def _keys_used_by_cost_module() -> set[str]:
    """Every price key written in sim/cost.py (string constants named like ``…_per_…``)."""
    tree = ast.parse(Path(netdraft.sim.cost.__file__).read_text("utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"[a-z0-9_]+_per_[a-z_]+", node.value)
    }


def test_bundled_table_has_every_key_cost_uses_and_no_dead_key() -> None:
    used = _keys_used_by_cost_module()
    assert used, "no price key found in sim/cost.py"
    assert used == set(bundled().base)


def test_bundled_table_is_section_5_with_its_source_and_date() -> None:
    table = bundled()
    assert {k: str(p.value) for k, p in table.base.items()} == SECTION_5
    assert all(type(p.value) is Decimal and p.origin == BUNDLED_NAME for p in table.base.values())
    assert "us-east-1" in table.source  # where the figures were read
    date.fromisoformat(table.read_on)  # a real date, written YYYY-MM-DD
    assert table.regions == {}  # the same prices apply to every region


def test_bundled_prices_apply_to_every_region() -> None:
    table = bundled()
    for region in ("us-east-1", "eu-west-1", "ap-south-1", ""):
        assert table.price("nat_gateway_per_gb", region).value == Decimal("0.045")


def test_price_file_is_shipped_as_package_data() -> None:
    """The table is a data file in the package: a wheel must carry it, not only a checkout."""
    import tomllib
    from fnmatch import fnmatch

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text("utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["netdraft"]
    assert any(fnmatch("sim/prices.toml", p) for p in patterns), patterns


# --- a user's price file -----------------------------------------------------------------

# Two regions, one NAT gateway and one flow out to the internet in each.
TWO_REGIONS = """\
{prices}region us-east-1 {{
  vpc east 10.0.0.0/16 {{
    internet-gateway igw-e
    subnet pub  10.0.0.0/24 az us-east-1a
    subnet priv 10.0.1.0/24 az us-east-1a
    nat-gateway nat-e in pub
    route-table public  {{ route 0.0.0.0/0 via igw-e; associate pub }}
    route-table private {{ route 0.0.0.0/0 via nat-e; associate priv }}
    security-group open {{ ingress all from 0.0.0.0/0 }}  # netdraft: ignore[open-admin-port]
    instance e1 in priv sg open
  }}
}}
region eu-west-1 {{
  vpc west 10.1.0.0/16 {{
    internet-gateway igw-w
    subnet pub  10.1.0.0/24 az eu-west-1a
    subnet priv 10.1.1.0/24 az eu-west-1a
    nat-gateway nat-w in pub
    route-table public  {{ route 0.0.0.0/0 via igw-w; associate pub }}
    route-table private {{ route 0.0.0.0/0 via nat-w; associate priv }}
    security-group open {{ ingress all from 0.0.0.0/0 }}  # netdraft: ignore[open-admin-port]
    instance w1 in priv sg open
  }}
}}
flow east-out: e1 -> internet tcp 443 volume 100GB
flow west-out: w1 -> internet tcp 443 volume 100GB
{expects}"""

OVERRIDE = """\
# our negotiated prices
nat_gateway_per_gb = 0.05          # every region

[regions.eu-west-1]
internet_out_per_gb = 0.085
nat_gateway_per_hour = 0.048
"""

# Bundled: each flow 100 × 0.045 + 100 × 0.09 = 13.50; hourly 2 × (32.85 + 3.65) = 73.00.
BUNDLED_EXPECTS = """\
expect cost east-out = 13.50
expect cost west-out = 13.50
expect cost total = 100.00
"""
# With OVERRIDE: east 100 × 0.05 + 100 × 0.09 = 14.00; west 100 × 0.05 + 100 × 0.085 = 13.50;
# hourly east 32.85 + 3.65, west 730 × 0.048 = 35.04 + 3.65; total 14 + 13.50 + 36.50 + 38.69.
OVERRIDE_EXPECTS = """\
expect cost east-out = 14.00
expect cost west-out = 13.50
expect cost total = 102.69
"""


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out, out.err


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def _expected_price(key: str, region: str, origin: str) -> tuple[str, str]:
    """What OVERRIDE makes of one price in one region: (value, origin)."""
    if key == "nat_gateway_per_gb":
        return "0.05", origin
    if region == "eu-west-1" and key in ("internet_out_per_gb", "nat_gateway_per_hour"):
        return {"internet_out_per_gb": "0.085", "nat_gateway_per_hour": "0.048"}[
            key
        ], f"{origin} [regions.eu-west-1]"
    return SECTION_5[key], BUNDLED_NAME


def _charges(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [*(c for f in doc["flows"] for c in f["charges"]), *doc["hourly"]]


def test_bundled_prices_hold_for_the_two_region_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    net = _write(tmp_path / "net.nd", TWO_REGIONS.format(prices="", expects=BUNDLED_EXPECTS))
    assert _run(["check", str(net)], capsys)[0] == 0


def test_override_for_all_regions_and_for_one_region(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prices = _write(tmp_path / "ours.toml", OVERRIDE)
    net = _write(tmp_path / "net.nd", TWO_REGIONS.format(prices="", expects=OVERRIDE_EXPECTS))
    code, out, err = _run(["check", str(net), "--prices", str(prices)], capsys)
    assert code == 0, err
    # Without the file, the same expectations fail.
    assert _run(["check", str(net)], capsys)[0] == 1

    code, out, _ = _run(["cost", str(net), "--prices", str(prices), "--json"], capsys)
    assert code == 0
    doc = json.loads(out)
    charges = _charges(doc)
    assert {c["price"]["key"] for c in charges} >= {
        "nat_gateway_per_gb",
        "internet_out_per_gb",
        "nat_gateway_per_hour",
        "public_ipv4_per_hour",
    }
    for c in charges:
        value, origin = _expected_price(c["price"]["key"], c["price"]["region"], str(prices))
        assert (c["price"]["usd"], c["price"]["from"]) == (value, origin), c
    assert doc["total"] == "102.69"
    assert doc["prices"]["used"] == sorted(
        {BUNDLED_NAME, str(prices), f"{prices} [regions.eu-west-1]"}
    )


def test_text_report_names_the_file_of_every_price_not_bundled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prices = _write(tmp_path / "ours.toml", OVERRIDE)
    net = _write(tmp_path / "net.nd", TWO_REGIONS.format(prices="", expects=""))
    code, out, _ = _run(["cost", str(net), "--prices", str(prices)], capsys)
    assert code == 0
    lines = out.splitlines()
    west_internet = next(line for line in lines if "data out to the internet via igw-w" in line)
    east_internet = next(line for line in lines if "data out to the internet via igw-e" in line)
    assert west_internet.endswith(f"(internet_out_per_gb from {prices} [regions.eu-west-1])")
    assert " × 0.085 " in west_internet
    assert " × 0.09 " in east_internet and "from" not in east_internet  # bundled: no note
    assert all(
        line.endswith(f"(nat_gateway_per_gb from {prices})")
        for line in lines
        if "nat-" in line and "processing" in line
    )
    used = next(line for line in lines if line.startswith("prices used: "))
    assert str(prices) in used and "bundled" in used
    assert lines[-1].startswith("bundled prices: ")


def test_prices_statement_is_relative_to_the_network_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "nets" / "prices" / "ours.toml", OVERRIDE)
    net = _write(
        tmp_path / "nets" / "net.nd",
        TWO_REGIONS.format(prices='prices "prices/ours.toml"\n', expects=OVERRIDE_EXPECTS),
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, _, err = _run(["check", str(net)], capsys)
    assert code == 0, err
    code, out, _ = _run(["cost", str(net), "--json"], capsys)
    assert code == 0 and json.loads(out)["total"] == "102.69"


def test_prices_option_applies_after_the_statement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path / "first.toml", "internet_out_per_gb = 0.05\n")
    later = _write(tmp_path / "later.toml", "internet_out_per_gb = 0.07\n")
    # Each flow: NAT 100 × 0.045 + out 100 × 0.07 = 11.50.
    net = _write(
        tmp_path / "net.nd",
        TWO_REGIONS.format(
            prices='prices "first.toml"\n', expects="expect cost east-out = 11.50\n"
        ),
    )
    assert _run(["check", str(net), "--prices", str(later)], capsys)[0] == 0


def test_copy_of_the_bundled_file_is_a_valid_price_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from importlib import resources

    text = resources.files("netdraft.sim").joinpath("prices.toml").read_text("utf-8")
    copy = _write(
        tmp_path / "copy.toml",
        text.replace("nat_gateway_per_gb = 0.045", "nat_gateway_per_gb = 0.05"),
    )
    net = _write(
        tmp_path / "net.nd", TWO_REGIONS.format(prices="", expects="expect cost east-out = 14.00\n")
    )
    code, _, err = _run(["check", str(net), "--prices", str(copy)], capsys)
    assert code == 0, err


def test_empty_price_file_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = _write(tmp_path / "empty.toml", "# nothing to change\n")
    net = _write(tmp_path / "net.nd", TWO_REGIONS.format(prices="", expects=BUNDLED_EXPECTS))
    assert _run(["check", str(net), "--prices", str(empty)], capsys)[0] == 0


# --- what is wrong in a price file, and where ---------------------------------------------

BAD_FILES = [
    # id, file text, line, column, message part, hint part
    (
        "unknown-key",
        "nat_gateway_per_gb = 0.05\nnat_gatway_per_hour = 0.05\n",
        2,
        1,
        "unknown price 'nat_gatway_per_hour'",
        "did you mean 'nat_gateway_per_hour'?",
    ),
    (
        "unknown-key-in-region",
        "[regions.eu-west-1]\n\ninternet_out_per_g = 0.1\n",
        3,
        1,
        "unknown price 'internet_out_per_g'",
        "did you mean 'internet_out_per_gb'?",
    ),
    (
        "unknown-far-key",
        "# prices\nbandwidth = 3\n",
        2,
        1,
        "unknown price 'bandwidth'",
        "see the bundled table",
    ),
    (
        "unknown-table",
        "tgw_per_gb = 0.02\n\n[discounts]\nx = 1\n",
        3,
        2,
        "unknown price 'discounts'",
        "",
    ),
    (
        "negative",
        "# prices\ntgw_per_gb = -0.02\n",
        2,
        1,
        "price 'tgw_per_gb' must be a non-negative number, not -0.02",
        "",
    ),
    (
        "string",
        'internet_out_per_gb = "abc"\n',
        1,
        1,
        'must be a non-negative number, not "abc"',
        "",
    ),
    (
        "bool",
        "[regions.us-east-1]\nvpn_out_per_gb = true\n",
        2,
        1,
        "must be a non-negative number, not true",
        "",
    ),
    (
        "array",
        "\n\nvpn_out_per_gb = [1, 2]\n",
        3,
        1,
        "must be a non-negative number, not an array",
        "",
    ),
    ("nan", "vpn_out_per_gb = nan\n", 1, 1, "must be a non-negative number", ""),
    (
        "region-not-a-table",
        "tgw_per_gb = 0.02\n[regions]\neu-west-1 = 3\n",
        3,
        1,
        "'regions.eu-west-1' must be a table",
        "",
    ),
    (
        "regions-not-a-table",
        "tgw_per_gb = 0.02\nregions = 5\n",
        2,
        1,
        "'regions' must be a table",
        "",
    ),
    # the column of a TOML syntax error is the TOML reader's
    (
        "invalid-toml",
        "tgw_per_gb = 0.02\nnat_gateway_per_gb = = 1\n",
        2,
        None,
        "not a valid TOML price file",
        "",
    ),
    (
        "unclosed-table",
        "tgw_per_gb = 0.02\n\n[regions.eu-west-1\n",
        3,
        None,
        "not a valid TOML price file",
        "",
    ),
    (
        "duplicate-key",
        "tgw_per_gb = 0.02\ntgw_per_gb = 0.03\n",
        2,
        None,
        "not a valid TOML price file",
        "",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "column", "message", "hint"),
    [b[1:] for b in BAD_FILES],
    ids=[b[0] for b in BAD_FILES],
)
def test_bad_price_file_is_a_diagnostic_at_its_line(
    text: str, line: int, column: int | None, message: str, hint: str
) -> None:
    table, problems = parse_prices(text, "ours.toml")
    assert problems, table
    first = problems[0]
    assert (first.code, first.severity.value) == ("price-file", "error")
    assert (first.span.file, first.span.line) == ("ours.toml", line)
    if column is not None:
        assert first.span.column == column
    assert message in first.message
    assert hint in first.label


def test_every_problem_in_a_file_is_reported_not_only_the_first() -> None:
    _, problems = parse_prices(
        'tgw_per_gb = -1\nbogus = 2\n[regions.eu-west-1]\nvpn_out_per_gb = "x"\n', "ours.toml"
    )
    assert [p.span.line for p in problems] == [1, 2, 4]


@pytest.mark.parametrize(
    ("text", "line", "message", "hint"),
    [(b[1], b[2], b[4], b[5]) for b in BAD_FILES],
    ids=[b[0] for b in BAD_FILES],
)
@pytest.mark.parametrize("command", ["check", "cost"])
def test_cli_reports_bad_price_file_with_exit_1(
    command: str,
    text: str,
    line: int,
    message: str,
    hint: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    prices = _write(tmp_path / "ours.toml", text)
    net = _write(tmp_path / "net.nd", TWO_REGIONS.format(prices="", expects=""))
    code, out, err = _run([command, str(net), "--prices", str(prices)], capsys)
    assert code == 1
    assert re.search(rf"^{re.escape(str(prices))}:{line}:\d+: error\[price-file\]: ", err, re.M), (
        err
    )
    assert message in err and hint in err
    # A price file may be anything its name leads to: its lines are never quoted whole.
    assert " | " not in err
    if command == "cost":
        assert out == ""  # no report from wrong prices


@pytest.mark.parametrize("command", ["check", "cost"])
def test_bad_file_named_by_the_statement(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path / "ours.toml", "\nnat_gatway_per_gb = 1\n")
    net = _write(tmp_path / "net.nd", TWO_REGIONS.format(prices='prices "ours.toml"\n', expects=""))
    code, _, err = _run([command, str(net)], capsys)
    assert code == 1
    assert (
        f"{tmp_path / 'ours.toml'}:2:1: error[price-file]: unknown price 'nat_gatway_per_gb'" in err
    )


@pytest.mark.parametrize("command", ["check", "cost"])
def test_missing_file_named_by_the_statement_is_reported_at_the_statement(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    net = _write(
        tmp_path / "net.nd",
        "# our prices\n" + TWO_REGIONS.format(prices='prices "gone.toml"\n', expects=""),
    )
    code, _, err = _run([command, str(net)], capsys)
    assert code == 1
    assert re.search(
        rf"^{re.escape(str(net))}:2:1: error\[price-file\]: cannot read price file '.*gone\.toml'",
        err,
        re.M,
    ), err
    assert ' 2 | prices "gone.toml"' in err


@pytest.mark.parametrize("command", ["check", "cost"])
def test_prices_option_naming_a_missing_file_is_misuse(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    net = _write(tmp_path / "net.nd", TWO_REGIONS.format(prices="", expects=""))
    code, out, err = _run([command, str(net), "--prices", str(tmp_path / "gone.toml")], capsys)
    assert code == 2
    assert "gone.toml" in err and out == ""


def test_price_file_not_utf8_is_a_diagnostic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prices = tmp_path / "latin1.toml"
    prices.write_bytes("# prix négociés\ntgw_per_gb = 0.02\n".encode("latin-1"))
    net = _write(tmp_path / "net.nd", TWO_REGIONS.format(prices="", expects=""))
    code, _, err = _run(["cost", str(net), "--prices", str(prices)], capsys)
    assert code == 1
    assert "error[price-file]" in err


def test_load_prices_returns_problems_and_keeps_the_bundled_table(tmp_path: Path) -> None:
    prices = _write(tmp_path / "ours.toml", "tgw_per_gb = -1\n")
    net = _write(tmp_path / "net.nd", TWO_REGIONS.format(prices="", expects=""))
    network = api.load_network(net)
    table, problems, texts = api.load_prices(network, prices)
    assert [p.code for p in problems] == ["price-file"]
    assert table.price("tgw_per_gb").value == Decimal("0.02")  # the bad file is not applied
    assert texts == {}  # nothing to render a price file's text with


def test_read_prices_lists_the_files_applied_in_order(tmp_path: Path) -> None:
    first = _write(tmp_path / "first.toml", "internet_out_per_gb = 0.05\n")
    later = _write(tmp_path / "later.toml", "internet_out_per_gb = 0.07\n")
    net = _write(
        tmp_path / "net.nd", TWO_REGIONS.format(prices='prices "first.toml"\n', expects="")
    )
    found = api.read_prices(api.load_network(net), later)
    assert found.diagnostics == ()
    assert found.applied == (
        (first.resolve(), "internet_out_per_gb = 0.05\n"),
        (later.resolve(), "internet_out_per_gb = 0.07\n"),
    )
    assert found.table.price("internet_out_per_gb").value == Decimal("0.07")


# --- what a diagnostic quotes of a price file ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("tgw_per_gb = 0.02\nnat_gateway_per_gb = = 1\n", 'at the end of "nat_gateway_per_gb = ="'),
        ("x" * 200 + " = = 1\n", 'at the end of "…' + "x" * 55 + ' = ="'),
        ("a = 1\n\u200bq = 2\n", 'at the end of "\\u200b"'),
    ],
    ids=["short", "long-line", "invisible"],
)
def test_syntax_error_quotes_at_most_a_short_escaped_snippet(text: str, label: str) -> None:
    _, problems = parse_prices(text, "ours.toml")
    assert [p.label for p in problems] == [label]
    assert len(label) <= len('at the end of ""') + 60


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x08"])
def test_control_characters_are_refused_quoting_nothing(char: str) -> None:
    secret = "SECRET=hunter2"
    _, problems = parse_prices(f"# ok\n{secret}{char}{secret}\n", "ours.toml")
    (problem,) = problems
    assert (problem.span.line, problem.span.column) == (2, len(secret) + 1)
    assert f"U+{ord(char):04X}" in problem.message
    assert "hunter2" not in problem.message + problem.label + "".join(problem.notes)


def test_values_and_keys_are_quoted_short_and_escaped() -> None:
    _, problems = parse_prices(
        f'internet_out_per_gb = "{"v" * 100}"\n"k\\u001b[2J{"k" * 100}" = 1\n', "ours.toml"
    )
    assert [len(p.message) < 120 for p in problems] == [True, True]
    assert "\x1b" not in "".join(p.message for p in problems)
    assert "\\x1b[2J" in problems[1].message


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("tgw_per_gb = 0.025", "0.025"),
        ("tgw_per_gb = 1", "1"),
        ("tgw_per_gb = 0", "0"),
        ("tgw_per_gb = 1e-3", "0.001"),
        ("tgw_per_gb = 0.1234567", "0.1234567"),
    ],
)
def test_prices_are_read_as_exact_decimals(text: str, value: str) -> None:
    table, problems = parse_prices(text, "ours.toml")
    assert table is not None and not problems
    assert table.base["tgw_per_gb"].value == Decimal(value)
    assert type(table.base["tgw_per_gb"].value) is Decimal


def test_a_price_file_of_many_keys_is_indexed_once() -> None:
    # Every key of a 20,000-key file at its own line (each key used to rescan the file).
    text = "".join(f"k{i} = 1\n" for i in range(20_000)) + "[regions.eu-west-1]\nk5 = 2\n"
    _table, problems = parse_prices(text, "many.toml")
    lines = {d.message: d.span.line for d in problems if "regions" not in d.message}
    assert lines["unknown price 'k0'"] == 1
    assert lines["unknown price 'k19999'"] == 20_000
    assert [d.span.line for d in problems][-1] == 20_002  # k5 inside [regions.eu-west-1]
