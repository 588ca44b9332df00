"""Flow logs and traffic mirror sessions on the diagram and the page (golden files in
``observe/``): the flow-log node of the VPC, a node per session linked from its source to
its target, and the tables with what each costs and whether the copies arrive."""

from __future__ import annotations

from pathlib import Path

from goldens import matches_golden

from netdraft import api
from netdraft.generator.diagram import dot_text
from netdraft.generator.view import NodeKind, build_view

HERE = Path(__file__).parent / "observe"
SOURCE = HERE / "observe.nd"


def golden(name: str, text: str) -> None:
    matches_golden(HERE / name, text)


def test_dot_matches_golden() -> None:
    text = dot_text(api.load_network(SOURCE))
    golden("observe.dot", text)
    session = "vpc_shop__mirror_app-1__shop__ids-nlb"
    assert f"link__vpc_shop__instance_app-1__{session}" in text
    assert f"link__{session}__vpc_shop__lb_ids-nlb__app-a" in text
    assert f"link__{session}__vpc_shop__lb_ids-nlb__app-b" in text
    assert "vpc_shop__flow-logs" in text


def test_the_view_has_one_flow_log_node_and_a_node_per_session() -> None:
    view = build_view(api.load_network(SOURCE))
    kinds = [n.kind for n in view.all_nodes()]
    assert kinds.count(NodeKind.FLOW_LOGS) == 1
    assert kinds.count(NodeKind.TRAFFIC_MIRROR) == 3
    logs = next(n for n in view.all_nodes() if n.kind is NodeKind.FLOW_LOGS)
    assert logs.lines == (
        "vpc shop → s3 · 40GB",
        "subnet app-b → cloudwatch · 2GB",
        "instance app-2 → cloudwatch",
    )


def test_page_matches_golden(tmp_path: Path) -> None:
    page = api.docs(SOURCE, tmp_path)[-1].read_text("utf-8")
    golden("observe.md", page)
    assert "| vpc shop | S3 | 40GB | 10.00 |" in page
    assert "| subnet app-b | CloudWatch Logs | 2GB | 1.00 |" in page
    assert "| instance app-2 | CloudWatch Logs | — | — |" in page
    # app-2 has two sessions: its interface is billed once, on its first row
    assert "| app-2 | ids-nlb (load-balancer) | yes | 10.95 |" in page
    assert "| app-2 | probe (instance) | no: SG\\_INGRESS\\_MISMATCH:" in page
    assert page.count("| 10.95 |") == 4  # two sessions rows and two bill lines
    assert "| traffic mirroring of instance app-2 (2 session(s)) | 730 h | 0.015 | 10.95 |" in page
