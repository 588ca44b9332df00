"""Load balancers on the diagram and the page (golden files in ``lb/``): the nodes in their
subnets, the lines to their targets, and the tables of load balancers and target groups."""

from __future__ import annotations

from pathlib import Path

from goldens import matches_golden

from netdraft import api
from netdraft.generator.diagram import dot_text
from netdraft.generator.view import EdgeKind, view_of

HERE = Path(__file__).parent / "lb"
SOURCE = HERE / "load-balancers.nd"


def golden(name: str, text: str) -> None:
    matches_golden(HERE / name, text)


def test_dot_matches_golden() -> None:
    text = dot_text(api.load_network(SOURCE))
    golden("load-balancers.dot", text)
    # Each node of the NLB is a node of the drawing, in its subnet, linked to the ALB's nodes.
    assert "vpc_shop__lb_edge__public-a" in text and "vpc_shop__lb_edge__public-b" in text
    assert "link__vpc_shop__lb_edge__public-a__vpc_shop__lb_shop-alb__app-a" in text
    assert "link__vpc_shop__lb_shop-alb__app-b__vpc_shop__instance_app-1" in text


def test_page_matches_golden(tmp_path: Path) -> None:
    page = api.docs(SOURCE, tmp_path)[-1].read_text("utf-8")
    golden("load-balancers.md", page)
    assert "| edge | network | internet-facing |" in page
    # app-2 is stopped: the page shows it unhealthy; app-1 is admitted from the ALB's group.
    assert "| app-tg | http | 8080 | shop-alb | app-1 (healthy), app-2 (unhealthy) |" in page


def test_the_target_groups_are_on_the_targets_not_on_the_lines() -> None:
    # A label on each line to a target was crossed by the lines to the other targets: the
    # load balancer's node names each listener's group, and a target's node the groups it
    # is in, so that nothing of the group is lost.
    view = view_of(api.load_network(SOURCE))
    nodes = {n.id: n for n in view.all_nodes()}
    to_targets = [e for e in view.edges if e.kind is EdgeKind.LINK and "__lb_" in e.tail]
    assert to_targets and all(e.label == "" for e in to_targets)
    assert "target of alb-tg" in nodes["vpc_shop__lb_shop-alb__app-a"].lines
    assert "target of app-tg" in nodes["vpc_shop__instance_app-1"].lines
    assert not any(
        line.startswith("target of") for line in nodes["vpc_shop__lb_edge__public-a"].lines
    )
