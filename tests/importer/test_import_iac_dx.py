"""Direct Connect from Terraform and CloudFormation (issue 19): the converter describes the
connections, LAGs, DX gateways, associations and virtual interfaces as the AWS CLI's
``directconnect describe-*`` would, and the builder writes them as for ``aws-json``. The
fixtures' golden files and checks run in the Terraform and CloudFormation tests; here, what
they are checked against: the hand-written network, and broken Direct Connect values."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as hs
from iac_fixtures import broken_inputs, check_imports_or_refuses

from netdraft import api, importer
from netdraft.dsl.query import parse_query
from netdraft.model.network import Network
from netdraft.sim.path import trace

HERE = Path(__file__).parent
PLAN = HERE / "terraform" / "plan-dx" / "plan.json"
STATE = HERE / "terraform" / "state-dx" / "terraform.tfstate"
EXAMPLE = HERE.parents[1] / "examples" / "components" / "direct-connect.nd"

#: The hand-written example's site, which the import cannot know (AWS's data does not name
#: it): what a reviewer writes in place of the placeholder.
SITE = """site dx-site 192.168.0.0/16 {
  host bind 192.168.0.53
  host analyst 192.168.10.20
}"""


def _network(text: str, name: str) -> Network:
    compiled = api.compile(text, name)
    assert compiled.ok and compiled.network is not None, [
        d.headline() for d in compiled.diagnostics
    ]
    return compiled.network


def _verdict(network: Network, src: str, dst: str, proto: str, port: str) -> tuple[str, str]:
    query = parse_query(network, src, dst, proto, port)
    assert not isinstance(query, list), query
    t = trace(network, query)
    return t.verdict.name, t.code.name if t.code is not None else ""


def test_the_imported_plan_gives_the_hand_written_networks_verdicts() -> None:
    text = importer.from_terraform(PLAN, "aws.nd").text
    placeholder = "site dx-site 198.18.0.0/24 { }"
    assert placeholder in text
    imported = _network(text.replace(placeholder, SITE), "aws.nd")
    example = _network(EXAMPLE.read_text("utf-8"), EXAMPLE.name)
    site = {"bind": "bind", "analyst": "analyst"}
    queries = [
        ("analyst", "api", "tcp", "443"),
        ("analyst", "api", "tcp", "22"),
        ("api", "bind", "udp", "53"),
        ("analyst", "warehouse", "tcp", "5432"),
        ("api", "warehouse", "tcp", "5432"),
    ]
    verdicts = []
    for src, dst, proto, port in queries:
        mine = _verdict(imported, site.get(src, src), site.get(dst, dst), proto, port)
        assert mine == _verdict(example, src, dst, proto, port), (src, dst, port)
        verdicts.append(mine[0])
    assert verdicts == ["ALLOW", "DENY", "ALLOW", "ALLOW", "DENY"]


def test_a_plan_links_the_dx_resources_through_references() -> None:
    result = importer.from_terraform(PLAN, "aws.nd")
    for line in (
        'dx-connection lag1 at "EqDC2" 10Gbps site dx-site',
        "associate reports-vgw allowed 10.20.0.0/16",
        "associate hub allowed 10.30.0.0/16",
        "vif t1 transit lag1 -> transit-dxgw",
        "vif h1 private dxcon-fgpartn1 -> corp-dxgw",  # the accepter names the gateway
        "associate shared transit-dxgw",  # the DX attachment in the default route table
    ):
        assert line in result.text, line
    assert "vif h2" not in result.text and "vif public" not in result.text
    warnings = "\n".join(result.warnings)
    assert "aws_dx_lag.lag1 is a link aggregation group" in warnings
    assert "h2 is a hosted virtual interface for account 111122223333" in warnings
    assert "'public' is a public virtual interface" in warnings
    assert "placeholder prefix 198.18.0.0/24" in warnings


def test_a_state_names_the_dx_attachment_by_its_id() -> None:
    result = importer.from_terraform(STATE, "aws.nd")
    assert "associate lab tgw-dxgw" in result.text and "propagate lab tgw-dxgw" in result.text
    assert "vif partner-vif private partner-connection -> corp-vgw" in result.text
    warnings = "\n".join(result.warnings)
    assert "connection aws_dx_connection.csva1 joins LAG aws_dx_lag.csva1" in warnings
    assert "dxvif-fgpartn9, is not either" in warnings


def _plan(resources: list[tuple[str, str, dict[str, Any], dict[str, str]]]) -> dict[str, Any]:
    planned, configured = [], []
    for rtype, name, values, refs in resources:
        address = f"{rtype}.{name}"
        planned.append({"address": address, "mode": "managed", "type": rtype, "name": name,
                        "values": values})  # fmt: skip
        expressions = {k: {"references": [f"{v}.id", v]} for k, v in refs.items()}
        configured.append({"address": address, "mode": "managed", "type": rtype, "name": name,
                           "expressions": expressions})  # fmt: skip
    return {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": planned}},
        "configuration": {"root_module": {"resources": configured}},
    }


def test_an_association_accepting_a_proposal_takes_its_gateway_and_prefixes(
    tmp_path: Path,
) -> None:
    plan = _plan(
        [
            ("aws_vpc", "v", {"cidr_block": "10.8.0.0/16"}, {}),
            ("aws_vpn_gateway", "g", {}, {"vpc_id": "aws_vpc.v"}),
            ("aws_dx_gateway", "d", {"name": "dxgw"}, {}),
            (
                "aws_dx_connection",
                "c",
                {"name": "c", "bandwidth": "1Gbps", "location": "EqDC2"},
                {},
            ),
            (
                "aws_dx_gateway_association_proposal",
                "p",
                {"allowed_prefixes": ["10.8.1.0/24"]},
                {"dx_gateway_id": "aws_dx_gateway.d", "associated_gateway_id": "aws_vpn_gateway.g"},
            ),
            (
                "aws_dx_gateway_association",
                "a",
                {},
                {
                    "dx_gateway_id": "aws_dx_gateway.d",
                    "proposal_id": "aws_dx_gateway_association_proposal.p",
                },
            ),
            (
                "aws_dx_private_virtual_interface",
                "vif",
                {"name": "vif"},
                {"connection_id": "aws_dx_connection.c", "dx_gateway_id": "aws_dx_gateway.d"},
            ),
        ]
    )
    (tmp_path / "plan.json").write_text(json.dumps(plan), "utf-8")
    text = importer.from_terraform(tmp_path / "plan.json").text
    assert "associate g allowed 10.8.1.0/24" in text
    assert "vif vif private c -> dxgw" in text
    # Without the proposal the association has no gateway: a warning, no association.
    plan["planned_values"]["root_module"]["resources"].pop(4)
    (tmp_path / "plan.json").write_text(json.dumps(plan), "utf-8")
    result = importer.from_terraform(tmp_path / "plan.json")
    assert "associate g" not in result.text
    assert any(
        "aws_dx_gateway_association.a: its DX gateway or its gateway" in w for w in result.warnings
    )


_ORIGINALS = {
    "plan": json.loads(PLAN.read_text("utf-8")),
    "state": json.loads(STATE.read_text("utf-8")),
}
_BROKEN = hs.sampled_from([None, 0, -1, "", "x", "10.0.0.0/99", [], {}, True, "dxcon-1", [None]])


def _dx_resources(data: dict[str, Any]) -> list[Any]:
    """The Direct Connect resources of a plan (values and configuration) or a state."""
    if "resources" in data:
        return [r for r in data["resources"] if str(r.get("type")).startswith("aws_dx_")]
    found = []
    for part in ("planned_values", "configuration"):
        resources = data[part]["root_module"]["resources"]
        found += [r for r in resources if str(r.get("type")).startswith("aws_dx_")]
    return found


@broken_inputs(_ORIGINALS, _BROKEN, max_examples=40)
def test_broken_direct_connect_values_give_warnings_never_a_crash(
    tmp_path: Path, break_json: Any, which: str, picks: list[tuple[int, bool, Any]]
) -> None:
    data = copy.deepcopy(_ORIGINALS[which])
    break_json(_dx_resources(data), picks)  # the resources' own objects: broken in place
    file = tmp_path / "broken.json"
    file.write_text(json.dumps(data), "utf-8")
    check_imports_or_refuses(lambda: importer.from_terraform(file, "broken.nd"))


def test_without_its_accepter_a_hosted_vif_and_its_partners_connection_are_left_out(
    tmp_path: Path,
) -> None:
    plan = json.loads(PLAN.read_text("utf-8"))
    for part in ("planned_values", "configuration"):
        resources = plan[part]["root_module"]["resources"]
        resources[:] = [r for r in resources if not r["type"].endswith("_accepter")]
    (tmp_path / "plan.json").write_text(json.dumps(plan), "utf-8")
    result = importer.from_terraform(tmp_path / "plan.json", "aws.nd")
    assert "vif h1" not in result.text and "dxcon-fgpartn1" not in result.text
    assert any("h1 is a hosted virtual interface" in w for w in result.warnings)
    assert api.compile(result.text, "aws.nd").ok
