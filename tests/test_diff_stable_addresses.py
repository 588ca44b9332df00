"""``netdraft diff`` of a network and the same with one interface added reports that
interface only: automatic addresses are stable (issue 17, docs/language.md "Addresses")."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdraft import api
from netdraft.generator.diff import DiffReport

BASE = """\
region us-east-1 {
  vpc v 10.0.0.0/16 {
    internet-gateway igw
    subnet public-a  10.0.0.0/24 az us-east-1a
    subnet public-b  10.0.1.0/24 az us-east-1b
    subnet private-a 10.0.10.0/24 az us-east-1a
    subnet private-b 10.0.11.0/24 az us-east-1b
    route-table public { route 0.0.0.0/0 via igw; associate public-a public-b }
    route-table private { route 0.0.0.0/0 via nat-a; associate private-a private-b }
    security-group alb-sg { ingress tcp 443 from 0.0.0.0/0 }
    security-group app-sg { ingress tcp 8080 from alb-sg; ingress tcp 443 from 10.0.0.0/16 }
    nat-gateway nat-a in public-a
    endpoint sqs-if interface sqs in private-a private-b sg app-sg
    resolver-endpoint in-ep inbound in private-a private-b sg app-sg
    load-balancer front application internet-facing in public-a public-b sg alb-sg {
      listener https 443 -> app-tg
    }
    target-group app-tg http 8080 targets app-1 app-2
    instance bastion in public-a public-ip
    instance app-1 in private-a sg app-sg
    instance app-2 in private-b sg app-sg
  }
}

flow web: internet -> front tcp 443 volume 100GB
"""

#: Where a line is added, and the line: (case, the line after which it goes, the new line).
ADDED = [
    # instances: at the end, in a subnet of a NAT gateway, an endpoint and an ALB node;
    # and above every infrastructure declaration, in a subnet of an ALB node
    (
        "instance last",
        "    instance app-2 in private-b sg app-sg\n",
        "    instance job in private-a\n",
    ),
    ("instance first", "    security-group app-sg", "    instance job in public-b\n"),
    # infrastructure, after the others of its end
    (
        "NAT gateway",
        "    instance app-2 in private-b sg app-sg\n",
        "    nat-gateway nat-b in public-b\n",
    ),
    (
        "interface endpoint",
        "    instance app-2 in private-b sg app-sg\n",
        "    endpoint sns-if interface sns in private-a private-b sg app-sg\n",
    ),
]


def _insert(after: str, line: str) -> str:
    assert BASE.count(after) == 1
    at = BASE.index(after) + (len(after) if after.endswith("\n") else 0)
    return BASE[:at] + line + BASE[at:]


def _report(tmp_path: Path, new: str, old: str = BASE) -> DiffReport:
    (tmp_path / "old.nd").write_text(old, encoding="utf-8")
    (tmp_path / "new.nd").write_text(new, encoding="utf-8")
    return api.diff(str(tmp_path / "old.nd"), str(tmp_path / "new.nd")).report


@pytest.mark.parametrize(("after", "line"), [c[1:] for c in ADDED], ids=[c[0] for c in ADDED])
def test_adding_one_interface_reports_it_alone(tmp_path: Path, after: str, line: str) -> None:
    report = _report(tmp_path, _insert(after, line))
    name = line.split()[1]
    # The keyword is the kind the diff reports it as.
    assert [(c.kind, c.name) for c in report.components.added] == [(line.split()[0], f"v.{name}")]
    assert report.components.removed == ()
    assert report.components.changed == ()
    # Only the new interface's reachability is new; no other pair changed.
    for r in report.reachability:
        assert name in (r.source, r.destination), r


def test_inserting_infrastructure_above_other_infrastructure_moves_it(tmp_path: Path) -> None:
    # The documented limit: a NAT gateway written above the load balancer, in its subnet,
    # takes the address the node had; the instances stay, and so does the first NAT gateway.
    new = _insert("    nat-gateway nat-a in public-a\n", "    nat-gateway nat-b in public-b\n")
    report = _report(tmp_path, new)
    assert [c.name for c in report.components.added] == ["v.nat-b"]
    assert [(c.kind, c.name, c.changes) for c in report.components.changed] == [
        (
            "load-balancer",
            "v.front",
            (
                "nodes + public-b us-east-1b 10.0.1.253 none",
                "nodes - public-b us-east-1b 10.0.1.254 none",
            ),
        )
    ]
    # Written after it, nothing moves (the twin of the case above).
    after = _insert(
        "    instance app-2 in private-b sg app-sg\n", "    nat-gateway nat-b in public-b\n"
    )
    assert _report(tmp_path, after).components.changed == ()


def test_inserting_an_instance_in_the_middle_moves_the_later_ones(tmp_path: Path) -> None:
    # The documented limit on the other end: an instance written above app-1, in its
    # subnet, takes app-1's address and app-1 the next; infrastructure does not move.
    new = _insert("    instance app-1 in private-a sg app-sg\n", "")
    new = new.replace(
        "    instance app-1 in private-a sg app-sg\n",
        "    instance job in private-a\n    instance app-1 in private-a sg app-sg\n",
    )
    report = _report(tmp_path, new)
    assert [c.name for c in report.components.added] == ["v.job"]
    assert [(c.kind, c.name, c.changes) for c in report.components.changed] == [
        ("instance", "v.app-1", ("ip: 10.0.10.4 → 10.0.10.5",))
    ]
    # With its address written, app-1 stays where it was.
    pinned = BASE.replace("instance app-1 in private-a", "instance app-1 in private-a ip 10.0.10.4")
    moved = pinned.replace(
        "    instance app-1 in private-a",
        "    instance job in private-a\n    instance app-1 in private-a",
    )
    assert _report(tmp_path, moved, old=pinned).components.changed == ()
