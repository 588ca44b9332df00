"""Flow logs and traffic mirror sessions in the language (LANGUAGE.md §10): what they
compile to, their canonical form, and each mistake as a diagnostic beside a correct twin."""

from __future__ import annotations

from decimal import Decimal

import pytest

from netdraft import api
from netdraft.dsl.fmt import format_text
from netdraft.model import network as m

TEXT = """
region us-east-1 {
  vpc web 10.0.0.0/16 {
    subnet a 10.0.1.0/24 az us-east-1a
    subnet b 10.0.2.0/24 az us-east-1b
    instance app-1 in a
    instance ids in b
    load-balancer ids-nlb network internal in a b {
      listener udp 4789 -> ids-tg
    }
    target-group ids-tg udp 4789 targets ids
    flow-log web to s3 volume 40GB
    flow-log a to cloudwatch volume 500MB
    flow-log app-1 to cloudwatch
    traffic-mirror app-1 to ids-nlb
    %(extra)s
  }
  vpc sec 10.1.0.0/16 {
    subnet s 10.1.0.0/24 az us-east-1a
    instance probe in s
  }
}
"""


def compiled(extra: str = "") -> api.Compiled:
    return api.compile(TEXT % {"extra": extra}, "obs.nd")


def codes_of(extra: str) -> list[str]:
    return [str(d.code) for d in compiled(extra).diagnostics]


def test_the_model_holds_flow_logs_and_sessions_in_file_order() -> None:
    result = compiled("traffic-mirror app-1 to sec.probe")
    assert result.ok, [d.headline() for d in result.diagnostics]
    assert result.network is not None
    web = result.network.vpcs["web"]
    assert [(f.kind, f.resource, f.destination) for f in web.flow_logs] == [
        (m.FlowLogResource.VPC, "web", m.FlowLogDestination.S3),
        (m.FlowLogResource.SUBNET, "a", m.FlowLogDestination.CLOUDWATCH),
        (m.FlowLogResource.INSTANCE, "app-1", m.FlowLogDestination.CLOUDWATCH),
    ]
    volumes = [f.volume.gigabytes if f.volume else None for f in web.flow_logs]
    assert volumes == [Decimal(40), Decimal("0.500"), None]
    assert [(s.source, s.target_kind, s.target, s.target_vpc) for s in web.traffic_mirrors] == [
        ("app-1", m.MirrorTargetKind.LOAD_BALANCER, "ids-nlb", "web"),
        ("app-1", m.MirrorTargetKind.INSTANCE, "probe", "sec"),
    ]
    assert result.network.vpcs["sec"].flow_logs == ()


def test_fmt_writes_them_canonically_and_keeps_their_meaning() -> None:
    text = TEXT % {"extra": "traffic-mirror app-1 to sec.probe # a second session"}
    once, problems = format_text(text)
    assert once is not None and not problems
    assert format_text(once)[0] == once
    for line in (
        "    flow-log web to s3 volume 40GB\n",
        "    flow-log a to cloudwatch volume 500MB\n",
        "    flow-log app-1 to cloudwatch\n",
        "    traffic-mirror app-1 to ids-nlb\n",
        "    traffic-mirror app-1 to sec.probe # a second session\n",
    ):
        assert line in once
    before, after = api.compile(text, "a.nd").network, api.compile(once, "a.nd").network
    assert before is not None and after is not None
    assert before.vpcs["web"].flow_logs == after.vpcs["web"].flow_logs
    assert before.vpcs["web"].traffic_mirrors == after.vpcs["web"].traffic_mirrors


@pytest.mark.parametrize(
    ("wrong", "right", "code"),
    [
        ("flow-log nope to s3", "flow-log b to s3", "unknown-name"),
        ("flow-log sec to s3", "flow-log web to s3", "unknown-name"),  # another VPC's block
        ("traffic-mirror nobody to ids", "traffic-mirror app-1 to ids", "unknown-name"),
        ("traffic-mirror app-1 to sec.nobody", "traffic-mirror app-1 to sec.probe", "unknown-name"),
        ("traffic-mirror ids-nlb to probe", "traffic-mirror app-1 to ids", "mirror-source"),
        ("traffic-mirror app-1 to ids-tg", "traffic-mirror app-1 to ids-nlb", "mirror-target"),
        ("traffic-mirror app-1 to app-1", "traffic-mirror app-1 to ids", "mirror-target"),
        # an interface is a source or a target, not both
        (
            "traffic-mirror app-1 to ids\n traffic-mirror ids to sec.probe",
            "traffic-mirror app-1 to ids\n traffic-mirror app-1 to sec.probe",
            "mirror-target",
        ),
        # three sessions per source at most (one is in TEXT already)
        (
            "traffic-mirror app-1 to ids\n traffic-mirror app-1 to ids\n"
            " traffic-mirror app-1 to ids",
            "traffic-mirror app-1 to ids\n traffic-mirror app-1 to ids",
            "mirror-source",
        ),
    ],
)
def test_mistakes_are_diagnostics(wrong: str, right: str, code: str) -> None:
    assert code in codes_of(wrong)
    assert codes_of(right) == []


def test_a_target_in_another_region_is_refused() -> None:
    text = TEXT % {"extra": "traffic-mirror app-1 to eu.x"} + (
        "region eu-west-1 {\n  vpc eu 10.9.0.0/16 {\n    subnet s 10.9.0.0/24 az eu-west-1a\n"
        "    instance x in s\n  }\n}\n"
    )
    found = api.compile(text, "obs.nd").diagnostics
    assert [str(d.code) for d in found] == ["mirror-target"]
    assert "region eu-west-1" in found[0].message


def test_an_application_load_balancer_is_no_target() -> None:
    text = TEXT % {"extra": ""}
    text = text.replace("ids-nlb network", "ids-nlb application").replace("udp 4789", "http 80")
    found = [str(d.code) for d in api.compile(text, "obs.nd").diagnostics]
    assert found == ["mirror-target"]


def test_a_destination_the_language_lacks_is_a_syntax_error_that_names_both() -> None:
    text = TEXT % {"extra": "flow-log web to firehose"}
    (found,) = api.compile(text, "obs.nd").diagnostics
    assert str(found.code) == "syntax"
    assert "s3 or cloudwatch" in found.label
    assert api.compile(TEXT % {"extra": "flow-log web to cloudwatch"}, "obs.nd").ok
