"""``netdraft diff``: every change kind on a small network, the JSON shape, the Markdown
golden, git revisions, ``--fail-on`` exit codes and bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from netdraft import api
from netdraft.cli import main
from netdraft.diagnostics import NetdraftError
from netdraft.generator.diff import DiffReport, diff_markdown

GOLDEN = Path(__file__).parent / "generator" / "golden" / "diff.md"

BASE = """\
region us-east-1 {
  vpc a 10.0.0.0/16 {
    internet-gateway igw
    subnet pub  10.0.0.0/24 az us-east-1a public-ip-on-launch
    subnet priv 10.0.1.0/24 az us-east-1a
    route-table rt-pub { route 0.0.0.0/0 via igw; associate pub }
    security-group web-sg { ingress tcp 443 from 0.0.0.0/0 }
    security-group db-sg  { ingress tcp 5432 from web-sg }
    instance web in pub sg web-sg
    instance db in priv sg db-sg
  }
  vpc b 10.1.0.0/16 {
    subnet s 10.1.0.0/24 az us-east-1a
    route-table rt-b { associate s }
    security-group b-sg { ingress tcp 22 from 10.0.0.0/16 }
    instance other in s sg b-sg
  }
}

flow f: web -> internet tcp 443 volume 100GB
expect internet -> web tcp 443 allow
"""

ACL = """\
    network-acl edge {
      inbound  100 deny  tcp 443 from 0.0.0.0/0
      inbound  200 allow all from 0.0.0.0/0
      outbound 100 allow all to 0.0.0.0/0
      associate pub
    }
"""


def _edit(*pairs: tuple[str, str]) -> str:
    text = BASE
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new, 1)
    return text


#: (name, new text, components changed/added/removed, a reachability change, cost delta)
CASES = [
    (
        "route removed",
        _edit(("route 0.0.0.0/0 via igw; ", "")),
        [("changed", "route-table", "a.rt-pub", "routes - 0.0.0.0/0 via igw")],
        ("internet", "web", "tcp", "443", "allow", "deny"),
        Decimal("-9.00"),
    ),
    (
        "SG opened",
        _edit(
            (
                "{ ingress tcp 443 from 0.0.0.0/0 }",
                "{ ingress tcp 443 from 0.0.0.0/0; ingress tcp 22 from 0.0.0.0/0 }",
            )
        ),
        [("changed", "security-group", "a.web-sg", "+ ingress tcp 22 from 0.0.0.0/0")],
        ("internet", "web", "tcp", "22", "deny", "allow"),
        Decimal(0),
    ),
    (
        "ACL rule added",
        _edit(("    security-group web-sg", ACL + "    security-group web-sg")),
        [
            ("added", "network-acl", "a.edge", ""),
            ("changed", "subnet", "a.pub", "network-acl: default → edge"),
        ],
        ("internet", "web", "tcp", "443", "allow", "deny"),
        Decimal(0),
    ),
    (
        "peering added",
        _edit(
            ("via igw; associate pub }", "via igw; route 10.1.0.0/16 via ab; associate pub }"),
            (
                "route-table rt-b { associate s }",
                "route-table rt-b { route 10.0.0.0/16 via ab; associate s }",
            ),
            ("\nflow f", "\npeering ab a <-> b\nflow f"),
        ),
        [
            ("added", "peering", "ab", ""),
            ("changed", "route-table", "a.rt-pub", "routes + 10.1.0.0/16 via ab"),
            ("changed", "route-table", "b.rt-b", "routes + 10.0.0.0/16 via ab"),
        ],
        ("web", "other", "tcp", "22", "deny", "allow"),
        Decimal(0),
    ),
    (
        "subnet moved",
        _edit(("subnet priv 10.0.1.0/24 az us-east-1a", "subnet priv 10.0.2.0/24 az us-east-1b")),
        [
            ("changed", "subnet", "a.priv", "az: us-east-1a → us-east-1b"),
            ("changed", "subnet", "a.priv", "cidr: 10.0.1.0/24 → 10.0.2.0/24"),
            ("changed", "instance", "a.db", "ip: 10.0.1.4 → 10.0.2.4"),
        ],
        None,
        Decimal(0),
    ),
    (
        "instance stopped",
        _edit(("instance db in priv sg db-sg", "instance db in priv sg db-sg stopped")),
        [("changed", "instance", "a.db", "stopped: no → yes")],
        ("web", "db", "tcp", "5432", "allow", "deny"),
        Decimal(0),
    ),
]


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _report(tmp_path: Path, new: str, old: str = BASE) -> DiffReport:
    return api.diff(_write(tmp_path, "old.nd", old), _write(tmp_path, "new.nd", new)).report


def _component_rows(report: DiffReport) -> set[tuple[str, str, str, str]]:
    c = report.components
    rows = {("added", x.kind, x.name, "") for x in c.added}
    rows |= {("removed", x.kind, x.name, "") for x in c.removed}
    rows |= {("changed", x.kind, x.name, change) for x in c.changed for change in x.changes}
    return rows


@pytest.mark.parametrize(
    ("new", "components", "reach", "delta"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_every_change_kind(
    tmp_path: Path,
    new: str,
    components: list[tuple[str, str, str, str]],
    reach: tuple[str, ...] | None,
    delta: Decimal,
) -> None:
    report = _report(tmp_path, new)
    assert _component_rows(report) == set(components)
    rows = {
        (r.source, r.destination, r.protocol, r.ports, r.before, r.after)
        for r in report.reachability
    }
    if reach is None:
        assert not rows
    else:
        assert reach in rows
    assert report.cost_delta == delta


def test_the_reverse_change_is_the_mirror(tmp_path: Path) -> None:
    new = CASES[1][1]
    there = _report(tmp_path, new)
    back = _report(tmp_path, BASE, old=new)
    mirror = {
        (r.source, r.destination, r.protocol, r.ports, r.after, r.before) for r in back.reachability
    }
    assert {
        (r.source, r.destination, r.protocol, r.ports, r.before, r.after)
        for r in there.reachability
    } == mirror
    assert [c.name for c in back.components.changed] == [c.name for c in there.components.changed]


def test_a_pure_reformat_changes_nothing(tmp_path: Path) -> None:
    reformatted = "# the same network, laid out differently\n\n" + BASE.replace(
        "  ", "    "
    ).replace(
        "{ ingress tcp 443 from 0.0.0.0/0 }", "{\n  ingress tcp 443 from 0.0.0.0/0   # https\n}"
    )
    report = _report(tmp_path, reformatted)
    assert report.components.empty
    assert report.reachability == () and report.expectations == ()
    assert report.cost_delta == 0
    assert all(c.delta == 0 for c in report.costs)


def test_the_ports_that_changed_are_one_maximal_range(tmp_path: Path) -> None:
    new = _edit(("ingress tcp 22 from 10.0.0.0/16", "ingress tcp 20-30 from 10.0.0.0/16"))
    report = _report(tmp_path, new)
    # 'other' cannot be reached from vpc a (no peering): nothing changes, whatever the rule.
    assert report.reachability == ()
    peered = CASES[3][1]
    wide = peered.replace("ingress tcp 22 from 10.0.0.0/16", "ingress tcp 20-30 from 10.0.0.0/16")
    ports = {
        r.ports
        for r in _report(tmp_path, wide, old=peered).reachability
        if r.destination == "other"
    }
    assert ports == {"20-21", "23-30"}


def test_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _write(tmp_path, "old.nd", BASE), _write(tmp_path, "new.nd", CASES[0][1])
    assert main(["diff", old, new, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["version"] == 1
    assert set(doc["components"]) == {"added", "removed", "changed"}
    change = next(
        r
        for r in doc["reachability"]
        if (r["from"], r["to"], r["ports"]) == ("internet", "web", "443")
    )
    assert set(change) >= {"from", "to", "protocol", "ports", "before", "after", "drop"}
    assert (change["before"], change["after"]) == ("allow", "deny")
    assert change["drop"] is not None
    cost = doc["cost"]
    assert (cost["before"], cost["after"], cost["delta"]) == ("12.65", "3.65", "-9.00")
    assert {
        "kind": "flow",
        "name": "f",
        "before": "9.00",
        "after": "0.00",
        "delta": "-9.00",
    } in cost["items"]
    assert doc["expectations"] == [
        {
            "expect": "internet -> web tcp 443",
            "expected": "allow",
            "before": "allow",
            "after": "deny",
            "line": 21,
        }
    ]


def test_markdown_golden(tmp_path: Path) -> None:
    report = _report(tmp_path, CASES[2][1])
    report = DiffReport(
        "main:net.nd",
        "net.nd",
        *[getattr(report, f) for f in list(DiffReport.__dataclass_fields__)[2:]],
    )
    text = diff_markdown(report, "diff.svg")
    if os.environ.get("NETDRAFT_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
    assert text.index("**monthly cost**") < text.index("<details>")


@pytest.mark.parametrize(
    ("new", "conditions", "code"),
    [
        (BASE, ["exposure", "verdict", "cost>0"], 0),
        (CASES[1][1], ["exposure"], 1),
        (CASES[1][1], ["cost>0"], 0),
        (CASES[0][1], ["exposure"], 0),
        (CASES[0][1], ["verdict"], 1),
        (CASES[0][1], ["cost>-100"], 1),
        (
            _edit(
                (
                    "flow f: web -> internet tcp 443 volume 100GB",
                    "flow f: web -> internet tcp 443 volume 200GB",
                )
            ),
            ["cost>8.99"],
            1,
        ),
        (
            _edit(
                (
                    "flow f: web -> internet tcp 443 volume 100GB",
                    "flow f: web -> internet tcp 443 volume 200GB",
                )
            ),
            ["cost>9"],
            0,
        ),
    ],
)
def test_fail_on_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], new: str, conditions: list[str], code: int
) -> None:
    old, changed = _write(tmp_path, "old.nd", BASE), _write(tmp_path, "new.nd", new)
    args = ["diff", old, changed]
    for c in conditions:
        args += ["--fail-on", c]
    if code == 1 and conditions == ["cost>-100"]:
        # A negative bound is not a condition: the command is used wrongly.
        with pytest.raises(SystemExit) as exc:
            main(args)
        assert exc.value.code == 2
        return
    assert main(args) == code
    err = capsys.readouterr().err
    assert ("failing on" in err) == (code == 1)


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_revisions_with_includes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    net = tmp_path / "infra"
    net.mkdir()
    head, _, tail = BASE.partition("\nflow f")
    (net / "net.nd").write_text('include "parts/flows.nd"\n' + head, encoding="utf-8")
    (net / "parts").mkdir()
    (net / "parts" / "flows.nd").write_text("flow f" + tail, encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "one")
    # The included file changes in the working tree: the revision must read its own copy.
    (net / "parts" / "flows.nd").write_text(
        "flow f" + tail.replace("100GB", "300GB"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "HEAD:infra/net.nd", "infra/net.nd", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["old"], doc["cost"]["before"], doc["cost"]["after"]) == (
        "HEAD:infra/net.nd",
        "12.65",
        "30.65",
    )
    assert doc["components"]["changed"] == [
        {"kind": "flow", "name": "f", "changes": ["volume: 100GB → 300GB"]}
    ]
    # From inside the folder, the path is relative to it, as a file argument is.
    monkeypatch.chdir(net)
    assert main(["diff", "HEAD:net.nd", "HEAD:net.nd", "--fail-on", "verdict"]) == 0
    capsys.readouterr()
    # A revision whose file has an error names it as REV:PATH, never its temporary copy.
    (net / "parts" / "flows.nd").write_text(
        "flow f: web -> nowhere tcp 1 volume 1GB\n", encoding="utf-8"
    )
    _git(tmp_path, "commit", "-qam", "two")
    assert main(["diff", "HEAD~1:net.nd", "HEAD:net.nd"]) == 2
    err = capsys.readouterr().err
    assert "HEAD:parts/flows.nd:1:" in err and "netdraft-rev-" not in err


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nope:net.nd", "no revision 'nope'"),
        ("HEAD:other.nd", "no file 'other.nd' in revision 'HEAD'"),
        ("HEAD~99:net.nd", "no revision 'HEAD~99'"),
    ],
)
def test_bad_revisions_are_diagnostics(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    spec: str,
    message: str,
) -> None:
    _write(tmp_path, "net.nd", BASE)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "one")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert main(["diff", spec, "net.nd", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "error[bad-revision]" in err and message in err
    assert not out.exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_revision_is_never_read_as_an_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, "net.nd", BASE)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "one")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NetdraftError) as exc:
        api.diff("--output=x:net.nd", "net.nd")
    assert [d.code for d in exc.value.diagnostics] == ["bad-revision"]
    assert not (tmp_path / "x").exists()


def test_outside_git_a_revision_is_a_diagnostic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    _write(tmp_path, "net.nd", BASE)
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "main:net.nd", "net.nd"]) == 2
    assert "error[bad-revision]" in capsys.readouterr().err


@pytest.mark.parametrize("broken", ["missing", "errors"])
def test_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], broken: str
) -> None:
    old = _write(tmp_path, "old.nd", BASE)
    new = str(tmp_path / "missing.nd")
    if broken == "errors":
        new = _write(tmp_path, "new.nd", BASE.replace("sg web-sg", "sg wbe-sg"))
    out = tmp_path / "out"
    assert main(["diff", old, new, "-o", str(out), "--fail-on", "verdict"]) == 2
    err = capsys.readouterr().err
    assert ("error[bad-revision]" if broken == "missing" else "error[unknown-name]") in err
    assert not out.exists()


def test_output_folder_holds_the_report_and_the_diagram(tmp_path: Path) -> None:
    pytest.importorskip("graphviz")
    if shutil.which("dot") is None:
        pytest.skip("needs Graphviz")
    old, new = _write(tmp_path, "old.nd", BASE), _write(tmp_path, "new.nd", CASES[2][1])
    out = tmp_path / "out"
    assert main(["diff", old, new, "-o", str(out)]) == 0
    page = (out / "diff.md").read_text(encoding="utf-8")
    assert "](diff.svg)" in page
    assert (out / "diff.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_a_new_instance_open_to_the_internet_is_an_exposure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = _edit(
        (
            "instance web in pub sg web-sg",
            "instance web in pub sg web-sg\n    instance web2 in pub sg web-sg",
        )
    )
    old, changed = _write(tmp_path, "old.nd", BASE), _write(tmp_path, "new.nd", new)
    assert main(["diff", old, changed, "--format", "json", "--fail-on", "exposure"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["new_exposed"] == [
        {"to": "web2", "protocol": "tcp", "ports": "443", "icmp": None, "icmp_messages": None}
    ]
    assert {"kind": "instance", "name": "a.web2"} in doc["components"]["added"]
    # A new instance the internet cannot reach (no public address) exposes nothing.
    private = _edit(
        (
            "instance db in priv sg db-sg",
            "instance db in priv sg db-sg\n    instance db2 in priv sg web-sg",
        )
    )
    assert (
        main(["diff", old, _write(tmp_path, "private.nd", private), "--fail-on", "exposure"]) == 0
    )


def test_render_diff_marks_added_removed_and_changed(tmp_path: Path) -> None:
    new = _edit(
        ("    instance db in priv sg db-sg\n", ""),
        (
            "instance web in pub sg web-sg",
            "instance web in pub sg web-sg\n    instance api in pub sg db-sg",
        ),
        (
            "{ ingress tcp 443 from 0.0.0.0/0 }",
            "{ ingress tcp 443 from 0.0.0.0/0; ingress tcp 80 from 0.0.0.0/0 }",
        ),
    )
    old, changed = _write(tmp_path, "old.nd", BASE), _write(tmp_path, "new.nd", new)
    out = tmp_path / "change.dot"
    assert main(["render", "--diff", old, changed, "-o", str(out)]) == 0
    dot = out.read_text(encoding="utf-8")
    again = tmp_path / "again.dot"
    assert main(["render", "--diff", old, changed, "-o", str(again)]) == 0
    assert again.read_text(encoding="utf-8") == dot  # deterministic

    def node(name: str) -> str:
        start = dot.index(f"vpc_a__instance_{name} [")
        return dot[start : dot.index("\n", start)]

    assert "#1D8102" in node("api")  # added
    assert "#D86613" in node("web")  # its group's rules changed
    assert 'STYLE="dashed"' in node("db")  # removed, drawn where it was
    assert "#1D8102" not in node("web") and "#D86613" not in node("api")
    # The removed instance is back in its subnet.
    subnet = dot[dot.index("cluster_vpc_a__subnet_priv") :]
    assert subnet.index("vpc_a__instance_db") < subnet.index("}")


def test_render_diff_takes_no_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _write(tmp_path, "old.nd", BASE)
    assert main(["render", old, "--diff", old, old, "-o", str(tmp_path / "x.dot")]) == 2
    assert "takes no FILE" in capsys.readouterr().err
    assert main(["render", "-o", str(tmp_path / "x.dot")]) == 2
    assert "FILE is missing" in capsys.readouterr().err


def test_fail_on_cost_compares_the_delta_rounded_to_the_cent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """§14 Money: a growth of less than half a cent is $0.00, not more than 0."""
    tiny = _edit(("volume 100GB", "volume 100.04GB"))
    old, new = _write(tmp_path, "old.nd", BASE), _write(tmp_path, "new.nd", tiny)
    report = api.diff(old, new).report
    assert Decimal(0) < report.cost_delta < Decimal("0.005")
    assert main(["diff", old, new, "--fail-on", "cost>0"]) == 0
    assert "failing on" not in capsys.readouterr().err


def test_prices_come_from_the_flag_the_environment_then_the_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``diff`` prices both versions by the same precedence as ``cost``."""
    gone = _edit(("flow f: web -> internet tcp 443 volume 100GB\n", ""))
    old, new = _write(tmp_path, "old.nd", BASE), _write(tmp_path, "new.nd", gone)
    for name, price in (("file", "0.01"), ("env", "0.02"), ("flag", "0.03")):
        _write(tmp_path, f"{name}.toml", f"[prices]\ninternet_out_per_gb = {price}\n")
    _write(tmp_path, "netdraft.toml", 'prices = "file.toml"\n')

    def delta(*extra: str) -> str:
        assert main(["diff", old, new, "--format", "json", *extra]) == 0
        return str(json.loads(capsys.readouterr().out)["cost"]["delta"])

    assert delta() == "-1.00"
    monkeypatch.setenv("NETDRAFT_PRICES", str(tmp_path / "env.toml"))
    assert delta() == "-2.00"
    assert delta("--prices", str(tmp_path / "flag.toml")) == "-3.00"


def test_hourly_items_of_two_vpcs_are_apart(tmp_path: Path) -> None:
    """Two NAT gateways of one name in two VPCs are two lines, not one summed line."""
    nat = "    nat-gateway nat in {}\n"
    both = _edit(
        ("    instance web", nat.format("pub") + "    instance web"),
        ("    instance other", nat.format("s") + "    instance other"),
    )
    one = _edit(("    instance web", nat.format("pub") + "    instance web"))
    lines = {c.name: c for c in _report(tmp_path, both, old=one).costs if c.kind == "hourly"}
    assert lines["NAT gateway nat in vpc a"].delta == 0
    assert lines["NAT gateway nat in vpc b"].before is None
    assert lines["NAT gateway nat in vpc b"].after == lines["NAT gateway nat in vpc a"].after


def test_reordering_a_list_of_names_is_no_change(tmp_path: Path) -> None:
    """An instance's groups, an ACL's subnets are sets: only their members count."""
    two = _edit(("instance web in pub sg web-sg", "instance web in pub sg web-sg, db-sg"))
    swapped = _edit(("instance web in pub sg web-sg", "instance web in pub sg db-sg, web-sg"))
    acl = ACL.replace("associate pub", "associate pub priv")
    acl_swapped = ACL.replace("associate pub", "associate priv pub")
    at = "    instance web"
    report = _report(tmp_path, swapped, old=two)
    assert report.components.empty and not report.reachability
    report = _report(tmp_path, _edit((at, acl_swapped + at)), old=_edit((at, acl + at)))
    assert report.components.empty and not report.reachability
    changed = _report(tmp_path, two).components.changed
    assert [c.changes for c in changed] == [("security-groups: web-sg → web-sg, db-sg",)]
