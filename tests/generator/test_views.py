"""Views of a part of the network and what the picture means (issue 18): ``render --vpc`` and
``--region``, the docs' overview and per-VPC diagrams, parts down, warnings, route-table
badges and the egress-only gateway's icon. Structural: the view and the DOT text, no pixels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netdraft import api
from netdraft.api import load_network
from netdraft.cli import main
from netdraft.generator import diagram
from netdraft.generator.diagram import dot_source, icon_path
from netdraft.generator.markdown import PER_VPC_NODES, build_docs
from netdraft.generator.view import (
    ClusterKind,
    EdgeKind,
    NodeKind,
    View,
    overview,
    route_badge,
    scoped,
    side_by_side,
    view_of,
)

ROOT = Path(__file__).parents[2]
SPEC = ROOT / "tests" / "spec" / "examples"
MARKS = Path(__file__).parent / "views" / "marks.nd"
TGW = SPEC / "04-transit-gateway.nd"
PEERING = SPEC / "03-peering.nd"


def whole(path: Path) -> View:
    analysis = api.analyse(path)
    return view_of(
        analysis.require_network(),
        analysis=analysis.require_analysis(),
        warnings=analysis.diagnostics,
    )


def clusters(view: View) -> set[str]:
    return {c.id for c in view.all_clusters()}


def node_of(view: View, node_id: str):  # type: ignore[no-untyped-def]
    return next(n for n in view.all_nodes() if n.id == node_id)


def dot_line(dot: str, node_id: str) -> str:
    return next(
        line
        for line in dot.splitlines()
        if line.strip().startswith(f'"{node_id}" [') or line.strip().startswith(f"{node_id} [")
    )


# --- render --vpc, --region ----------------------------------------------------------------------


def test_a_vpc_view_draws_that_vpc_and_what_it_connects_to_small() -> None:
    full = whole(TGW)
    part = scoped(full, ["shared"])
    assert {"vpc_dev", "vpc_prod"} <= clusters(full)
    assert "vpc_shared" in clusters(part) and not {"vpc_dev", "vpc_prod"} & clusters(part)
    # The region box stays around the VPC, holding only it.
    region = next(c for c in part.clusters if c.kind is ClusterKind.REGION)
    assert [c.id for c in region.clusters] == ["vpc_shared"] and not region.nodes
    inside = {n.id for n in part.all_nodes() if not n.external}
    assert inside == {
        n.id
        for c in full.all_clusters()
        if c.id == "vpc_shared"
        for n in (x for cl in c.walk() for x in cl.nodes)
    }
    # The transit gateway and the internet are outside the view: small, saying what they are.
    external = {n.id: n for n in part.nodes if n.external}
    assert set(external) == {"tgw_tgw", "internet"}
    assert external["tgw_tgw"].lines == ("transit gateway",)
    assert all(not n.external for n in full.all_nodes())
    # Every line has an end inside the view; none joins two outside parts.
    drawn = inside | set(external)
    assert all({e.tail, e.head} <= drawn for e in part.edges)
    assert all({e.tail, e.head} & inside for e in part.edges)
    assert part.scope == "VPC shared" and part.title.endswith("· VPC shared")


def test_a_vpc_view_keeps_the_flows_colours_and_numbers_on_their_first_line_left() -> None:
    full = whole(TGW)
    part = scoped(full, ["shared"])
    assert part.flows == full.flows  # the same colours as in the whole picture
    [row] = part.legend
    flow = [e for e in part.edges if e.group == row.flow]
    assert flow[0].label == str(row.number) and all(not e.label for e in flow[1:])
    # The flow starts in VPC dev, outside the view: its first line left starts outside.
    assert node_of(part, flow[0].tail).external


def test_a_flow_that_never_touches_the_view_leaves_the_legend() -> None:
    full = whole(TGW)
    assert full.legend
    assert not scoped(full, ["prod"]).legend


def test_a_region_view_keeps_every_vpc_of_the_region() -> None:
    full = whole(PEERING)
    east = scoped(full, regions=["us-east-1"])
    assert {"vpc_a", "vpc_b"} <= clusters(east) and "vpc_c" not in clusters(east)
    assert "peering_a-b" in {n.id for n in east.all_nodes() if not n.external}
    west = scoped(full, regions=["eu-west-1"])
    assert clusters(west) >= {"vpc_c"} and not {"vpc_a", "vpc_b"} & clusters(west)


def test_a_vpc_view_clips_no_line_at_a_box_it_does_not_draw() -> None:
    part = scoped(whole(PEERING), ["a"])
    present = clusters(part)
    for edge in part.edges:
        assert edge.tail_cluster in ("", *present) and edge.head_cluster in ("", *present)
    dot = dot_source(part)
    assert "cluster_vpc_b" not in dot


def test_no_name_is_the_whole_view() -> None:
    full = whole(TGW)
    assert scoped(full) is full


def test_cli_render_vpc_and_region(tmp_path: Path) -> None:
    out = tmp_path / "shared.dot"
    assert main(["render", str(TGW), "-o", str(out), "--vpc", "shared", "--vpc", "shared"]) == 0
    text = out.read_text("utf-8")
    assert "cluster_vpc_shared" in text and "cluster_vpc_dev" not in text
    both = tmp_path / "two.dot"
    assert main(["render", str(TGW), "-o", str(both), "--vpc", "dev", "--vpc", "prod"]) == 0
    assert {"cluster_vpc_dev", "cluster_vpc_prod"} <= set(
        re.findall(r"cluster_vpc_\w+", both.read_text())
    )
    region = tmp_path / "east.dot"
    assert main(["render", str(PEERING), "-o", str(region), "--region", "eu-west-1"]) == 0
    assert "cluster_vpc_c" in region.read_text() and "cluster_vpc_a" not in region.read_text()


@pytest.mark.parametrize(
    ("flag", "name", "said"),
    [
        (
            "--vpc",
            "sharde",
            "no VPC named 'sharde' (did you mean 'shared'?); VPCs: dev, prod, shared",
        ),
        ("--region", "mars-1", "no region named 'mars-1'; regions: us-east-1"),
        ("--scenario", "x", "no scenario named 'x'; the file has no scenario"),
    ],
)
def test_cli_render_refuses_an_unknown_name(
    flag: str, name: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.svg"
    assert main(["render", str(TGW), "-o", str(out), flag, name]) == 2
    assert said in capsys.readouterr().err
    assert not out.exists()


def test_a_view_draws_a_highlighted_path_too(tmp_path: Path) -> None:
    out = tmp_path / "dev.svg"
    words = ["--highlight", "dev-app", "internet", "tcp", "443"]
    assert main(["render", str(TGW), "-o", str(out), "--vpc", "dev", *words]) == 0
    svg = out.read_text("utf-8")
    assert "nd-highlight" in svg and 'id="vpc_shared"' not in svg


def test_a_change_is_drawn_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "diff.svg"
    argv = ["render", "--diff", str(TGW), str(TGW), "-o", str(out), "--vpc", "dev"]
    assert main(argv) == 2
    assert "--diff OLD NEW takes no --vpc" in capsys.readouterr().err and not out.exists()


# --- parts down, scenarios -------------------------------------------------------------------


def test_a_part_down_is_dashed_and_grey_and_its_lines_too() -> None:
    dot = dot_source(whole(MARKS))
    down, up = dot_line(dot, "vpn_vpn1"), dot_line(dot, "vpn_vpn2")
    assert 'STYLE="dashed"' in down and 'STYLE="dashed"' not in up
    lines = [line for line in dot.splitlines() if "link__" in line and "vpn_vpn" in line]
    assert len(lines) == 4  # each VPN to its gateway and its customer gateway
    assert all(("style=dashed" in line) == ("vpn_vpn1" in line) for line in lines)
    assert 'STYLE="dashed"' in dot_line(dot, "vpc_main__instance_spare")
    assert 'STYLE="dashed"' not in dot_line(dot, "vpc_main__instance_app")


def test_the_key_explains_what_is_down_and_what_is_warned() -> None:
    dot = dot_source(whole(MARKS))
    legend = dot_line(dot, "legend")
    assert "<B>Key</B>" in legend
    assert "down: dashed and grey, out of every path" in legend
    assert "warning reported on it: nat-no-internet" in legend
    assert "a subnet&#x27;s route table → its default route&#x27;s target" in legend
    # A picture with nothing down and no warning has only the badge's row in its key.
    plain = dot_line(dot_source(whole(SPEC / "01-public-private-nat.nd")), "legend")
    assert "<B>Key</B>" in plain and "route table" in plain
    assert "down:" not in plain and "warning reported" not in plain


def test_a_scenario_is_drawn_with_its_parts_down(tmp_path: Path) -> None:
    out = tmp_path / "scenario.dot"
    assert main(["render", str(MARKS), "-o", str(out), "--scenario", "vpn2 fails"]) == 0
    text = out.read_text("utf-8")
    assert 'STYLE="dashed"' in dot_line(text, "vpn_vpn2")
    assert "Marks · scenario vpn2 fails" in text
    base = tmp_path / "base.dot"
    assert main(["render", str(MARKS), "-o", str(base)]) == 0
    assert 'STYLE="dashed"' not in dot_line(base.read_text("utf-8"), "vpn_vpn2")


# --- warnings --------------------------------------------------------------------------------


def test_a_warning_is_marked_on_its_component() -> None:
    view = whole(MARKS)
    assert node_of(view, "vpc_main__nat_stray").warnings == ("nat-no-internet",)
    assert node_of(view, "vpc_main__nat_nat").warnings == ()
    dot = dot_source(view)
    assert "⚠ nat-no-internet" in dot_line(dot, "vpc_main__nat_stray")
    assert "⚠" not in dot_line(dot, "vpc_main__nat_nat")


def test_a_silenced_warning_is_not_marked(tmp_path: Path) -> None:
    text = MARKS.read_text("utf-8").replace(
        "nat-gateway stray in private",
        "nat-gateway stray in private  # netdraft: ignore[nat-no-internet]",
    )
    quiet = tmp_path / "quiet.nd"
    quiet.write_text(text, "utf-8")
    assert node_of(whole(quiet), "vpc_main__nat_stray").warnings == ()


def test_a_warning_in_a_route_table_marks_its_vpc(tmp_path: Path) -> None:
    """A route table has no box of its own: its warning goes to the VPC that holds it."""
    text = MARKS.read_text("utf-8").replace(
        "    instance app in private\n",
        "    instance app in private\n    route-table spare { route 0.0.0.0/0 via nat }\n",
    )
    unused = tmp_path / "unused.nd"
    unused.write_text(text, "utf-8")
    vpc = next(c for c in whole(unused).all_clusters() if c.id == "vpc_main")
    assert vpc.warnings == ("unused-route-table",)
    assert "⚠ unused-route-table" in dot_source(whole(unused))
    plain = next(c for c in whole(MARKS).all_clusters() if c.id == "vpc_main")
    assert plain.warnings == ()


def test_the_svg_tooltip_and_class_say_the_warning() -> None:
    svg = diagram.image_bytes(whole(MARKS), "svg").decode("utf-8")
    group = re.search(r'<g id="vpc_main__nat_stray" class="node ([^"]*)">\n<title>([^<]*)', svg)
    assert group is not None
    assert "nd-warning" in group[1].split() and "warning: nat-no-internet" in group[2]


# --- route tables, the egress-only gateway ---------------------------------------------------


@pytest.mark.parametrize(
    ("subnet", "badge"),
    [
        ("public", "public → igw"),
        ("private", "private → nat"),
    ],
)
def test_a_subnet_badge_names_its_table_and_default_target(subnet: str, badge: str) -> None:
    net = load_network(MARKS)
    vpc = net.vpcs["main"]
    assert route_badge(vpc, vpc.subnets[subnet]) == badge
    view = whole(MARKS)
    box = next(c for c in view.all_clusters() if c.id == f"vpc_main__subnet_{subnet}")
    assert box.badge == badge and badge in dot_source(view)
    assert box.details()[-1] == f"route table {badge}"  # in words, for tooltips and exports


def test_a_table_with_only_local_routes_says_so(tmp_path: Path) -> None:
    text = "region r {\n  vpc v 10.0.0.0/16 {\n    subnet s 10.0.1.0/24 az r-a\n    instance i in s\n  }\n}\n"
    file = tmp_path / "local.nd"
    file.write_text(text, "utf-8")
    vpc = load_network(file).vpcs["v"]
    assert route_badge(vpc, vpc.subnets["s"]).endswith("· local only")


def test_the_egress_only_gateway_has_its_own_icon(tmp_path: Path) -> None:
    own = icon_path(NodeKind.EGRESS_ONLY_GATEWAY)
    assert own != icon_path(NodeKind.INTERNET_GATEWAY)
    assert (ROOT / "src" / own).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = tmp_path / "v6.svg"
    assert main(["render", str(SPEC / "07-ipv6-egress-only.nd"), "-o", str(out)]) == 0
    svg = out.read_text("utf-8")
    assert 'id="icon-netdraft-generator-icons-egress-only-gateway"' in svg
    assert 'id="icon-aws-network-internet-gateway"' in svg  # the IGW keeps AWS's


# --- docs: the overview and a diagram per VPC --------------------------------------------------


def test_the_overview_sums_each_vpc_up() -> None:
    full = whole(TGW)
    small = overview(full)
    assert not any(c.kind is ClusterKind.AZ for c in small.all_clusters())
    summary = node_of(small, "vpc_shared__summary")
    assert summary.kind is NodeKind.SUMMARY and summary.lines[0] == "2 subnets · 0 instances"
    ids = {n.id for n in small.all_nodes()}
    assert all({e.tail, e.head} <= ids and e.tail != e.head for e in small.edges)
    links = [(e.tail, e.head) for e in small.edges if e.kind is EdgeKind.LINK]
    assert len(links) == len(set(links))
    assert [r.flow for r in small.legend] == [r.flow for r in full.legend]


def test_docs_per_vpc_writes_an_overview_and_one_diagram_per_vpc() -> None:
    analysis = api.analyse(TGW)
    files = build_docs(analysis.require_analysis(), "net", per_vpc=True)
    assert list(files) == [
        "net.svg",
        "net-vpc-shared.svg",
        "net-vpc-dev.svg",
        "net-vpc-prod.svg",
        "net.md",
    ]
    page = files["net.md"].decode("utf-8")
    assert "· overview](net.svg)" in page
    for vpc in ("shared", "dev", "prod"):
        heading = page.index(f"## VPC {vpc}")
        assert page.index(f"![VPC {vpc}](net-vpc-{vpc}.svg)") > heading
    single = build_docs(analysis.require_analysis(), "net", per_vpc=False)
    assert list(single) == ["net.svg", "net.md"] and "-vpc-" not in single["net.md"].decode()


def test_docs_split_a_large_network_by_itself() -> None:
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gen  # dataclasses look their module up there
    spec.loader.exec_module(gen)
    big = api.compile(gen.generate(3, 6, 4, expects=0, seed=1), "big.nd")
    assert big.network is not None
    from netdraft.sim.analysis import NetworkAnalysis
    from netdraft.sim.prices import bundled

    analysis = NetworkAnalysis(big.network, bundled())
    view = view_of(big.network, analysis=analysis)
    assert sum(1 for n in view.all_nodes() if n.kind is not NodeKind.SPACER) > PER_VPC_NODES
    assert any("-vpc-" in name for name in build_docs(analysis, "big"))
    small = api.analyse(TGW).require_analysis()
    assert not any("-vpc-" in name for name in build_docs(small, "net"))


def test_cli_docs_per_vpc(tmp_path: Path) -> None:
    assert main(["docs", str(TGW), "-o", str(tmp_path), "--per-vpc"]) == 0
    assert (tmp_path / "04-transit-gateway-vpc-dev.svg").exists()
    again = tmp_path / "again"
    assert main(["docs", str(TGW), "-o", str(again), "--no-per-vpc"]) == 0
    assert sorted(p.name for p in again.iterdir()) == [
        "04-transit-gateway.md",
        "04-transit-gateway.svg",
    ]


# --- placement -------------------------------------------------------------------------------


def test_peered_vpcs_are_drawn_side_by_side() -> None:
    view = whole(Path(__file__).parent / "views" / "chain6.nd")
    [region] = view.clusters
    assert [c.title for c in region.clusters] == [f"VPC {n}" for n in "aebfcd"]


def test_unjoined_vpcs_keep_their_sorted_order() -> None:
    assert side_by_side(["a", "b", "c", "d"], {}) == ["a", "b", "c", "d"]
    ties = {frozenset(("a", "d")): 2, frozenset(("b", "c")): 2}
    assert side_by_side(["a", "b", "c", "d"], ties) == ["a", "d", "b", "c"]
    [region] = whole(TGW).clusters  # every VPC on one transit gateway: by name
    assert [c.id for c in region.clusters] == ["vpc_dev", "vpc_prod", "vpc_shared"]
