"""Load balancers on the diagram and the page (golden files in ``lb/``): the nodes in their
subnets, the lines to their targets, and the tables of load balancers and target groups."""

from __future__ import annotations

from pathlib import Path

from goldens import matches_golden

from netdraft import api
from netdraft.generator.diagram import dot_text

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
