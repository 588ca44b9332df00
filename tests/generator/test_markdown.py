"""``netdraft docs``: the Markdown page of every spec example, golden pages, escaping, templates, CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netdraft import api
from netdraft.cli import main
from netdraft.generator import markdown
from netdraft.generator.markdown import (
    TemplateProblem,
    build_context,
    code_span,
    escape_md,
    render_markdown,
)
from netdraft.model import network as m
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.cost import cents, estimate
from netdraft.sim.prices import bundled

SPEC = Path(__file__).parents[1] / "spec"
EXAMPLES = sorted((SPEC / "examples").glob("*.nd"))
GOLDEN = Path(__file__).parent / "golden"
GOLDEN_EXAMPLES = ["01-public-private-nat", "05-site-to-site-vpn"]
UPDATE_GOLDEN = os.environ.get("NETDRAFT_UPDATE_GOLDEN") == "1"

SMALL = """\
title "{title}"

region us-east-1 {{
  vpc main 10.0.0.0/16 {{
    subnet a 10.0.0.0/24 az us-east-1a
    instance app in a
  }}
}}
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every spec example documented once, into one folder: stem → the page."""
    out = tmp_path_factory.mktemp("docs")
    written: dict[str, Path] = {}
    for example in EXAMPLES:
        files = api.docs(example, out)
        assert [f.name for f in files] == [f"{example.stem}.svg", f"{example.stem}.md"]
        written[example.stem] = files[-1]
    return written


def network_of(example: Path) -> m.Network:
    return api.load_network(example)


def table_row(text: str, line: int) -> str:
    """The expectation table row for the ``expect`` written on ``line``."""
    rows = [row for row in text.splitlines() if row.startswith(f"| {line} | ")]
    assert len(rows) == 1, f"no single row for line {line}"
    return rows[0]


def cell_words(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip("|").split(" | ")]


# --- every spec example ----------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_page_shows_every_subnet_cidr(example: Path, pages: dict[str, Path]) -> None:
    text = pages[example.stem].read_text("utf-8")
    for vpc in network_of(example).vpcs.values():
        assert f"## VPC {escape_md(vpc.name)}" in text
        for subnet in vpc.subnets.values():
            assert f"| {escape_md(subnet.name)} | {escape_md(subnet.az)} | {subnet.cidr} |" in text


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_page_shows_every_expectation_with_its_verdict(
    example: Path, pages: dict[str, Path]
) -> None:
    text = pages[example.stem].read_text("utf-8")
    network = network_of(example)
    assert network.expectations, "every spec example has expectations"
    for exp in network.expectations:
        row = table_row(text, exp.span.line)
        cells = cell_words(row)
        assert "holds" in cells, row  # every spec expectation holds
        if isinstance(exp, m.PathExpectation):
            assert cells[1:4] == [
                escape_md(exp.source.text),
                escape_md(exp.destination.text),
                exp.protocol.value + (f" {exp.port}" if exp.port is not None else ""),
            ]
            assert cells[4].split()[0] == exp.verdict.value
            if exp.because:
                assert f"because `{exp.because}`" in cells[4]
            if exp.via:
                assert f"via {escape_md(exp.via)}" in cells[4]
        else:
            subject = f"flow {exp.subject}" if exp.subject else "monthly total"
            assert cells[1] == escape_md(subject)
            assert cells[2] == f"{escape_md(exp.operator.value)} {exp.amount:,.2f}"
    assert "**fails**" not in text


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_page_shows_the_monthly_total_like_the_cost_report(
    example: Path, pages: dict[str, Path]
) -> None:
    text = pages[example.stem].read_text("utf-8")
    report = estimate(network_of(example), bundled())
    total = f"{cents(report.total):,.2f}"
    assert f"**Monthly total: {total} USD**" in text
    assert f"- **Monthly cost:** {total} USD" in text


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_page_embeds_a_diagram_that_exists(example: Path, pages: dict[str, Path]) -> None:
    page = pages[example.stem]
    text = page.read_text("utf-8")
    image = page.with_suffix(".svg")
    assert f"]({image.name})" in text
    assert image.is_file()
    assert b"<svg" in image.read_bytes()[:2000]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_page_shows_every_flow_with_its_cost(example: Path, pages: dict[str, Path]) -> None:
    text = pages[example.stem].read_text("utf-8")
    report = estimate(network_of(example), bundled())
    for name, fc in report.flows.items():
        row = next(r for r in text.splitlines() if r.startswith(f"| {escape_md(name)} | "))
        cells = cell_words(row)
        assert cells[5] == fc.trace.verdict.value
        assert cells[-1] == f"{cents(fc.total):,.2f}"


# --- golden pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", GOLDEN_EXAMPLES)
def test_golden_page(stem: str, pages: dict[str, Path]) -> None:
    actual = pages[stem].read_text("utf-8")
    golden = GOLDEN / f"{stem}.md"
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, "utf-8")
    assert golden.is_file(), f"missing {golden}: run with NETDRAFT_UPDATE_GOLDEN=1"
    assert actual == golden.read_text("utf-8")


# --- what a page holds and leaves out ---------------------------------------------------------


def test_sections_a_network_does_not_have_are_left_out(pages: dict[str, Path]) -> None:
    nacl = pages["08-nacl-ephemeral"].read_text("utf-8")
    assert "## Connectivity" not in nacl
    assert "## Flows" not in nacl
    assert "### NAT gateways" not in nacl
    assert "### Data transfer" not in nacl
    peering = pages["03-peering"].read_text("utf-8")
    assert "### Peering connections" in peering
    assert "### Transit gateway" not in peering
    assert "### Site-to-Site VPN connections" not in peering


def test_custom_acls_are_rule_tables_and_the_default_one_a_sentence(pages: dict[str, Path]) -> None:
    text = pages["08-nacl-ephemeral"].read_text("utf-8")
    assert "#### Network ACL good" in text
    assert "| inbound | 90 | deny | all | all | 198.51.100.0/24 |" in text
    assert "| inbound | \\* | deny | all | all | any |" in text
    assert "#### Network ACL default" not in text  # no subnet uses it
    vpn = pages["05-site-to-site-vpn"].read_text("utf-8")
    assert "use the VPC's default network ACL, which allows all traffic in and out" in vpn


def test_used_addresses_count_instances_nat_gateways_and_interfaces() -> None:
    network = network_of(SPEC / "examples" / "04-transit-gateway.nd")
    context = build_context(NetworkAnalysis(network, bundled()), "x.svg")
    shared = {s["name"]: s for s in context["vpcs"][0]["subnets"]}
    assert (shared["public-a"]["usable"], shared["public-a"]["used"]) == (251, 1)  # NAT gateway
    assert (shared["tgw-a"]["usable"], shared["tgw-a"]["used"], shared["tgw-a"]["free"]) == (
        11,
        1,
        10,
    )
    endpoints = network_of(SPEC / "examples" / "06-endpoints.nd")
    context = build_context(NetworkAnalysis(endpoints, bundled()), "x.svg")
    data = {s["name"]: s for s in context["vpcs"][0]["subnets"]}
    assert data["private-a"]["used"] == 2  # worker-a and the SNS endpoint's interface
    assert data["private-a"]["access"] == "private"


def test_public_means_a_route_to_an_internet_gateway() -> None:
    network = network_of(SPEC / "examples" / "07-ipv6-egress-only.nd")
    context = build_context(NetworkAnalysis(network, bundled()), "x.svg")
    access = {s["name"]: s["access"] for s in context["vpcs"][0]["subnets"]}
    assert access == {"public": "public", "private": "private"}  # ::/0 via eigw is not public


def test_a_failed_expectation_is_shown_as_failing(tmp_path: Path) -> None:
    source = tmp_path / "fails.nd"
    source.write_text(
        SMALL.format(title="Fails")
        + "expect app -> internet tcp 443 allow\nexpect cost total < 1\n",
        "utf-8",
    )
    api.docs(source, tmp_path / "out")
    text = (tmp_path / "out" / "fails.md").read_text("utf-8")
    assert "- **Expectations:** 1 of 2 hold — **1 fails**" in text
    row = cell_words(table_row(text, 9))
    assert row[4] == "allow" and row[5].startswith("**fails**:")
    assert cell_words(table_row(text, 10))[-1] == "holds"


# --- determinism and atomic writes ---------------------------------------------------------------


def test_two_runs_write_identical_bytes(tmp_path: Path) -> None:
    example = SPEC / "examples" / "04-transit-gateway.nd"
    first = api.docs(example, tmp_path / "one")
    second = api.docs(example, tmp_path / "two")
    for a, b in zip(first, second, strict=True):
        assert a.name == b.name
        assert a.read_bytes() == b.read_bytes()


def test_output_does_not_depend_on_where_the_file_is(tmp_path: Path) -> None:
    example = SPEC / "examples" / "05-site-to-site-vpn.nd"
    copy = tmp_path / "elsewhere" / example.name
    copy.parent.mkdir()
    copy.write_bytes(example.read_bytes())
    here = api.docs(example, tmp_path / "a")[-1].read_text("utf-8")
    there = api.docs(copy, tmp_path / "b")[-1].read_text("utf-8")
    assert here == there


def test_a_failing_template_writes_nothing(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "costs.md.j2").write_text("{{ no_such_variable }}\n", "utf-8")
    out = tmp_path / "out"
    with pytest.raises(TemplateProblem, match="no_such_variable"):
        api.docs(SPEC / "examples" / "01-public-private-nat.nd", out, templates)
    assert not out.exists() or not any(out.iterdir())


# --- escaping ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("public-a", "public-a"),
        ("db_1", "db\\_1"),
        ("a *b* | c_d", "a \\*b\\* &#124; c\\_d"),
        ("[link](x)", "\\[link\\](x)"),
        ("<b>`x`</b>", "&lt;b&gt;\\`x\\`&lt;/b&gt;"),
        ("C# net", "C\\# net"),
        ("back\\slash", "back\\\\slash"),
        ("10.0.0.0/16", "10.0.0.0/16"),
        ("1. first", "1\\. first"),
        ("2) second", "2\\) second"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("> quote", "&gt; quote"),
        ("~~gone~~", "&#126;&#126;gone&#126;&#126;"),
        ("&copy; R&D", "&amp;copy; R&amp;D"),
        ("&lt;", "&amp;lt;"),
        ("two\nlines", "two lines"),
    ],
)
def test_escape_md(text: str, escaped: str) -> None:
    assert escape_md(text) == escaped


def test_special_characters_in_the_title_are_escaped(tmp_path: Path) -> None:
    source = tmp_path / "odd.nd"
    source.write_text(SMALL.format(title="Prod *core* | v2_final"), "utf-8")
    api.docs(source, tmp_path / "out")
    text = (tmp_path / "out" / "odd.md").read_text("utf-8")
    assert text.startswith("# Prod \\*core\\* &#124; v2\\_final\n")
    assert "![Prod \\*core\\* &#124; v2\\_final](odd.svg)" in text


def test_names_with_underscores_are_escaped_in_tables(tmp_path: Path) -> None:
    source = tmp_path / "names.nd"
    source.write_text(
        SMALL.format(title="t").replace(" a ", " app_net ").replace("in a", "in app_net"), "utf-8"
    )
    api.docs(source, tmp_path / "out")
    text = (tmp_path / "out" / "names.md").read_text("utf-8")
    assert "| app\\_net | us-east-1a | 10.0.0.0/24 |" in text


# --- templates -------------------------------------------------------------------------------------------


def test_a_user_page_template_replaces_the_built_in_one(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "network.md.j2").write_text(
        "Custom page for {{ title|md }}: {{ costs.total }} {{ costs.currency }}\n", "utf-8"
    )
    api.docs(SPEC / "examples" / "03-peering.nd", tmp_path / "out", templates)
    text = (tmp_path / "out" / "03-peering.md").read_text("utf-8")
    assert text == "Custom page for VPC peering is not transitive: 4.20 USD\n"


def test_a_user_partial_replaces_only_that_part(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "costs.md.j2").write_text("## Budget\n\nTotal {{ costs.total }}.\n", "utf-8")
    api.docs(SPEC / "examples" / "03-peering.nd", tmp_path / "out", templates)
    text = (tmp_path / "out" / "03-peering.md").read_text("utf-8")
    assert "## Budget\n\nTotal 4.20.\n" in text
    assert "## Monthly cost" not in text
    assert "## VPC a" in text and "### Peering connections" in text


def test_the_built_in_templates_need_no_user_folder() -> None:
    network = network_of(SPEC / "examples" / "02-nat-instance.nd")
    text = render_markdown(build_context(NetworkAnalysis(network, bundled()), "p.svg"))
    assert text.startswith("# NAT instances\n")
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\n\n\n" not in text


# --- the command -----------------------------------------------------------------------------------------


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's way of refusing a command line
        code = exc.code if isinstance(exc.code, int) else 2
    out = capsys.readouterr()
    return code, out.out + out.err


def test_cli_writes_the_page_and_the_diagram(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    code, output = run(["docs", str(SPEC / "examples" / "06-endpoints.nd"), "-o", str(out)], capsys)
    assert code == 0, output
    assert (out / "06-endpoints.md").is_file() and (out / "06-endpoints.svg").is_file()
    assert str(out / "06-endpoints.md") in output


def test_cli_file_with_errors_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = SPEC / "errors" / "unknown-name.nd"
    code, output = run(["docs", str(path), "-o", str(tmp_path / "out")], capsys)
    assert code == 1
    assert f"{path}:" in output and "error[unknown-name]" in output
    assert "Traceback" not in output
    assert not (tmp_path / "out").exists()


def test_cli_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run(["docs", str(tmp_path / "nowhere.nd"), "-o", str(tmp_path)], capsys)
    assert code == 2
    assert "nowhere.nd" in output


def test_cli_missing_templates_folder_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = str(SPEC / "examples" / "03-peering.nd")
    missing = str(tmp_path / "no-templates")
    code, output = run(
        ["docs", example, "-o", str(tmp_path / "out"), "--templates", missing], capsys
    )
    assert code == 2
    assert "no-templates" in output
    assert not (tmp_path / "out").exists()


def test_cli_broken_template_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "network.md.j2").write_text("{% if %}\n", "utf-8")
    example = str(SPEC / "examples" / "03-peering.nd")
    out = tmp_path / "out"
    code, output = run(["docs", example, "-o", str(out), "--templates", str(templates)], capsys)
    assert code == 2
    assert "network.md.j2" in output and "Traceback" not in output
    assert not out.exists()


def test_cli_missing_output_flag_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(["docs", str(SPEC / "examples" / "03-peering.nd")], capsys)
    assert code == 2


def test_cli_price_file_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prices = tmp_path / "cheap.toml"
    prices.write_text("inter_region_per_gb = 0.01\n", "utf-8")
    out = tmp_path / "out"
    argv = [
        "docs",
        str(SPEC / "examples" / "03-peering.nd"),
        "-o",
        str(out),
        "--prices",
        str(prices),
    ]
    code, output = run(argv, capsys)
    # Cheaper prices break the file's own `expect cost` lines: the page is written, exit 1.
    assert code == 1, output
    assert "error[expect-failed]" in output
    text = (out / "03-peering.md").read_text("utf-8")
    assert "**Monthly total: 2.10 USD**" in text
    assert "0.01 (cheap.toml)" in text
    assert "overridden by cheap.toml" in text


def test_every_built_in_template_is_in_the_package() -> None:
    folder = Path(markdown.__file__).parent / "templates"
    assert sorted(p.name for p in folder.glob("*.j2")) == sorted(markdown.TEMPLATE_NAMES)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("SG_INGRESS_MISMATCH", "`SG_INGRESS_MISMATCH`"),
        ("a`b", "``a`b``"),
        ("`x", "`` `x ``"),
        ("a|b", "`a\\|b`"),
    ],
)
def test_code_span(text: str, span: str) -> None:
    assert code_span(text) == span


# --- the page as text, for hosts that draw the diagram themselves (the MkDocs plugin) -------------


def test_page_markdown_without_image_and_with_headings_demoted() -> None:
    network = network_of(SPEC / "examples" / "01-public-private-nat.nd")
    text = markdown.page_markdown(NetworkAnalysis(network, bundled()), heading_offset=1)
    assert "](" not in text.split("\n### ", 1)[0]  # no picture link under the title
    assert text.startswith("## ") and "\n### VPC demo\n" in text
    assert not any(line.startswith("# ") for line in text.splitlines())
    full = markdown.page_markdown(NetworkAnalysis(network, bundled()), image="net.svg")
    assert "](net.svg)" in full and full.startswith("# ")


@pytest.mark.parametrize(
    ("text", "levels", "expected"),
    [
        ("# A\n## B\n", 1, "## A\n### B\n"),
        ("###### F\n", 2, "###### F\n"),
        ("#hashtag\n", 1, "#hashtag\n"),
        ("```\n# code\n```\n# T\n", 1, "```\n# code\n```\n## T\n"),
        ("# A\n", 0, "# A\n"),
    ],
)
def test_shift_headings(text: str, levels: int, expected: str) -> None:
    assert markdown.shift_headings(text, levels) == expected
