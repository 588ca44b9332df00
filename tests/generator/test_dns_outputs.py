"""The DNS hands-on network's page and diagram: zones, records, rules, resolver endpoints
and each ``resolves`` line with its queries (golden files; regenerate with
``NETDRAFT_UPDATE_GOLDEN=1``)."""

from __future__ import annotations

import os
from itertools import pairwise
from pathlib import Path

from netdraft import api
from netdraft.generator.diagram import dot_text

UPDATE = os.environ.get("NETDRAFT_UPDATE_GOLDEN") == "1"
NETWORKS = Path(__file__).parents[1] / "sim" / "networks"
GOLDEN = Path(__file__).parent / "golden"


def _golden(name: str, actual: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        golden.write_text(actual, "utf-8")
    assert golden.is_file(), f"missing {golden}: run with NETDRAFT_UPDATE_GOLDEN=1"
    assert actual == golden.read_text("utf-8")


def test_the_hands_on_page(tmp_path: Path) -> None:
    files = api.docs(NETWORKS / "dns-seed.nd", tmp_path)
    text = files[-1].read_text("utf-8")
    assert "### Zone corp.internal" in text
    assert "| inbound-ep | resolver inbound |" in text
    assert "| bind | www.cloud.com | = 10.10.0.206 | holds |" in text
    _golden("dns-seed.md", text)


def test_the_hands_on_diagram() -> None:
    text = dot_text(api.load_network(NETWORKS / "dns-seed.nd"))
    assert "inbound-ep" in text
    _golden("dns-seed.dot", text)


def test_the_hands_on_holds() -> None:
    checked = api.check(NETWORKS / "dns-seed.nd")
    assert checked.ok, [d.headline() for d in checked.diagnostics]


def test_the_dns_section_ends_before_the_next_heading(tmp_path: Path) -> None:
    """A heading right under the last row of a table is read as one more row (Python-Markdown,
    which MkDocs uses): the rules table must end with a blank line."""
    files = api.docs(NETWORKS / "dns-hybrid.nd", tmp_path)
    lines = files[-1].read_text("utf-8").splitlines()
    glued = [b for a, b in pairwise(lines) if a.startswith("|") and b.strip()]
    assert not [b for b in glued if not b.startswith("|")], glued


def test_each_vpc_section_lists_its_dhcp_options_and_dns_attributes(tmp_path: Path) -> None:
    source = tmp_path / "net.nd"
    source.write_text(
        """region us-east-1 {
  vpc plain 10.1.0.0/16 {
    subnet a 10.1.1.0/24 az us-east-1a
  }
  vpc custom 10.2.0.0/16 {
    dhcp-options domain corp.internal servers 10.2.1.53 10.2.1.54
    dns-support off
    dns-hostnames off
    subnet a 10.2.1.0/24 az us-east-1a
  }
}
""",
        "utf-8",
    )
    text = api.docs(source, tmp_path / "out")[-1].read_text("utf-8")
    plain, custom = text.split("## VPC plain")[1].split("## VPC custom")
    assert (
        "- **DHCP option set:** no domain name; name servers: the Amazon resolver (10.1.0.2)"
        in plain
    )
    assert "- **DNS:** dns-support on, dns-hostnames on" in plain
    assert (
        "- **DHCP option set:** domain corp.internal; name servers: 10.2.1.53, 10.2.1.54" in custom
    )
    assert "- **DNS:** dns-support off, dns-hostnames off" in custom


def test_zones_and_rules_are_a_legend_of_the_vpcs_they_serve() -> None:
    """One DNS legend per picture (each zone and rule, and its VPCs); a VPC's label does
    not list its zones."""
    from netdraft.generator.view import DnsLegendRow, build_view

    net = api.load_network(NETWORKS / "dns-hybrid.nd")
    view = build_view(net)
    assert view.dns_legend[:3] == (
        DnsLegendRow("zone", "corp.internal", ("corp",)),
        DnsLegendRow("zone", "lab.dc.example.com", ("corp",)),
        DnsLegendRow("zone", "eq.example.com", ("corp",)),
    )
    assert view.dns_legend[3] == DnsLegendRow(
        "rule", "dc.example.com", ("corp",), "to 192.168.0.10 via out-ep"
    )
    assert len(view.dns_legend) == 3 + 5
    vpc = next(c for c in view.all_clusters() if c.title == "VPC corp")
    assert not any("zone" in line for line in vpc.lines)
    text = dot_text(net)
    legend = next(line for line in text.splitlines() if line.startswith('\t"dns-legend" '))
    assert "<B>Private DNS</B>" in legend and "<B>lab.dc.example.com</B>" in legend
    assert "VPC corp · to 192.168.0.10 via out-ep" in legend
    # On a rank of its own on top, above every outermost box (see docs/diagrams.md).
    assert '"dns-legend" -> "region_us-east-1__header"' in text
    assert text == dot_text(api.load_network(NETWORKS / "dns-hybrid.nd"))  # deterministic


def test_no_zone_and_no_rule_no_dns_legend() -> None:
    from netdraft.generator.view import build_view

    spec = Path(__file__).parents[2] / "examples" / "01-public-private-nat.nd"
    net = api.load_network(spec)
    assert build_view(net).dns_legend == ()
    assert "dns-legend" not in dot_text(net)
