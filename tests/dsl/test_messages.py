"""The messages a user meets: a name of another VPC or of another kind, an unknown code."""

from __future__ import annotations

import pytest

from netdraft import api
from netdraft.dsl.messages import closest_codes, drop_codes, unknown_code
from netdraft.model.codes import DropCode

HUB = """\
region us-east-1 {
  vpc hub 10.1.0.0/16 {
    internet-gateway igw
    subnet pub 10.1.0.0/24 az us-east-1a
    nat-gateway nat in pub
    security-group admin { ingress tcp 22 from 10.0.0.0/8 }
    route-table hub-rt { route 0.0.0.0/0 via igw; associate pub }
  }
  vpc app 10.0.0.0/16 {
    subnet a 10.0.1.0/24 az us-east-1a
    security-group web { ingress tcp 443 from 0.0.0.0/0 }
BODY
  }
}
peering p hub <-> app
"""

#: (what is written in vpc 'app', words of the message, words of the label, the same
#: statement written right, which compiles)
CASES = [
    (
        "    route-table rt { route 0.0.0.0/0 via nat; associate a }",
        "no route target named 'nat' in vpc 'app'; 'nat' is a NAT gateway of vpc 'hub'",
        "a route cannot target another VPC's NAT gateway",
        "    route-table rt { route 10.1.0.0/16 via p; associate a }",
    ),
    (
        "    instance w in pub",
        "no subnet named 'pub' in vpc 'app'; 'pub' is a subnet of vpc 'hub'",
        "takes a subnet of its own VPC",
        "    instance w in a",
    ),
    (
        "    instance w in web",
        "no subnet named 'web' in vpc 'app'; 'web' is a security group, not a subnet",
        "no subnet has this name",
        "    instance w in a sg web",
    ),
    (
        "    instance w in a sg admin",
        "no security group named 'admin' in vpc 'app'; 'admin' is a security group of vpc 'hub'",
        "takes security groups of its own VPC (a rule may name a peered VPC's group as 'hub.admin')",
        "    instance w in a sg web",
    ),
    (
        "    security-group ssh { ingress tcp 22 from admin }",
        "no security group or prefix list named 'admin' in vpc 'app'; 'admin' is a security group of vpc 'hub'",
        "write 'hub.admin' for a group of a peered VPC",
        "    security-group ssh { ingress tcp 22 from hub.admin }",
    ),
    (
        "    endpoint s3 gateway s3 route-tables hub-rt",
        "no route table named 'hub-rt' in vpc 'app'; 'hub-rt' is a route table of vpc 'hub'",
        "an endpoint takes the route tables of its own VPC",
        "    route-table rt { associate a }\n    endpoint s3 gateway s3 route-tables rt",
    ),
    (
        "    nat-gateway n in a\n    route-table rt { route 0.0.0.0/0 via a; associate a }",
        "no route target named 'a' in vpc 'app'; 'a' is a subnet, not a route target",
        "no route target has this name",
        "    nat-gateway n in a private\n    route-table rt { route 0.0.0.0/0 via n; associate a }",
    ),
]


@pytest.mark.parametrize(("body", "message", "label", "fixed"), CASES)
def test_a_name_found_elsewhere_says_where(body: str, message: str, label: str, fixed: str) -> None:
    found = api.compile(HUB.replace("BODY", body), "x.nd").diagnostics
    hits = [d for d in found if d.code == "unknown-name"]
    assert [d.message for d in hits] == [message], [d.headline() for d in found]
    assert label in hits[0].label
    errors = [d for d in api.compile(HUB.replace("BODY", fixed), "x.nd").diagnostics if d.is_error]
    assert not errors, [d.headline() for d in errors]


def test_a_name_of_several_vpcs_names_them() -> None:
    text = """\
region us-east-1 {
  vpc a 10.0.0.0/16 { subnet s 10.0.1.0/24 az us-east-1a }
  vpc b 10.1.0.0/16 { subnet s 10.1.1.0/24 az us-east-1a }
  vpc c 10.2.0.0/16 { instance x in s }
}
"""
    (problem,) = api.compile(text, "x.nd").diagnostics
    assert problem.message == "no subnet named 's' in vpc 'c'; 's' is a subnet of vpcs 'a' and 'b'"


def test_a_name_nowhere_keeps_the_closest_name() -> None:
    (problem,) = [
        d
        for d in api.compile(HUB.replace("BODY", "    instance w in aa"), "x.nd").diagnostics
        if d.code == "unknown-name"
    ]
    assert problem.message == "no subnet named 'aa' in vpc 'app'"
    assert problem.label == "did you mean 'a'?"


@pytest.mark.parametrize(
    ("word", "close"),
    [
        ("SG_DENY", ["SG_EGRESS_MISMATCH", "SG_INGRESS_MISMATCH"]),
        ("SG_INGRES_MISMATCH", ["SG_INGRESS_MISMATCH"]),
        ("NO_ROUTE", ["NO_ROUTE_TO_DESTINATION"]),
        ("no_public_ip", ["NO_PUBLIC_IP"]),
        ("BLACKHOLE", ["BLACKHOLE_ROUTE"]),
        ("XYZZY", []),
        # only close matches: a word that fits too many codes, or none closely, gets none
        ("LOOP", ["DNS_LOOP", "ROUTING_LOOP"]),  # a word of exactly two codes
        ("ROUTE", []),  # a word of five
        ("NO", []),  # the beginning of six
        ("NO_FOO", []),  # six NO_ codes, none like FOO (was NO_INTERFACE, NO_RETURN_ROUTE)
        ("NO_ROUT", ["NO_ROUTE_TO_DESTINATION"]),  # the beginning of one
        ("ACL_DENY", ["ACL_RETURN_DENY", "ACL_INBOUND_DENY", "ACL_OUTBOUND_DENY"]),  # all three
        ("ACL_INBOUND", ["ACL_INBOUND_DENY"]),
        ("DENIED", []),  # was DNS_DISABLED
        ("DNS_DISABLE", ["DNS_DISABLED"]),
        ("NXDOMIAN", ["NXDOMAIN"]),
    ],
)
def test_closest_codes(word: str, close: list[str]) -> None:
    assert closest_codes(word) == close


def test_the_valid_codes_are_every_drop_code() -> None:
    # Computed from the enum: a code added there is listed without touching the message.
    assert drop_codes() == [code.value for code in DropCode]
    _message, _label, notes = unknown_code("SG_DENY")
    assert notes[0] == "valid codes: " + ", ".join(code.value for code in DropCode)
    assert "'Explanation codes'" in notes[1] and "§" not in notes[1]


@pytest.mark.parametrize(
    ("code", "kind", "label"),
    [
        ("SG_DENY", "unknown-code", "did you mean SG_EGRESS_MISMATCH or SG_INGRESS_MISMATCH?"),
        ("no_route", "unknown-code", "did you mean NO_ROUTE_TO_DESTINATION?"),
        (
            "ACL_DENY",
            "unknown-code",
            "did you mean ACL_RETURN_DENY, ACL_INBOUND_DENY or ACL_OUTBOUND_DENY?",
        ),
        ("NO_FOO", "unknown-code", "not an explanation code"),
    ],
)
def test_an_unknown_code_in_a_file(code: str, kind: str, label: str) -> None:
    text = "expect internet -> s3 tcp 443 deny because CODE\n".replace("CODE", code)
    found = api.compile(text, "x.nd").diagnostics
    (problem,) = [d for d in found if d.code == kind]
    assert problem.message == f"unknown code '{code}'"
    assert problem.label == label
    assert problem.notes[0].startswith("valid codes: NO_ROUTE_TO_DESTINATION, ")
    assert (problem.span.column, problem.span.end_column) == (44, 44 + len(code))
    # The same line with a code that exists has no such problem.
    right = text.replace(code, "SG_INGRESS_MISMATCH")
    assert not [d for d in api.compile(right, "x.nd").diagnostics if d.code == kind]


def test_another_vpcs_gateways_are_named_with_the_rule() -> None:
    text = """\
region us-east-1 {
  vpc hub 10.1.0.0/16 {
    internet-gateway igw
    vpn-gateway vgw
  }
  vpc app 10.0.0.0/16 {
    route-table rt {
      route 0.0.0.0/0 via igw
      propagate vgw
    }
  }
}
"""
    found = api.compile(text, "x.nd").diagnostics
    assert [(d.code, d.span.line) for d in found] == [("route-target", 8), ("unknown-name", 9)]
    route, propagate = found
    # The hint is about what the name is, an internet gateway: no word of NAT gateways.
    assert route.label == (
        "a route cannot target another VPC's internet gateway, and a peering carries no"
        " traffic on through it: give this VPC its own internet gateway"
    )
    assert propagate.message == (
        "no vpn gateway named 'vgw' in vpc 'app'; 'vgw' is a VPN gateway of vpc 'hub'"
    )
    assert propagate.label == "a route table propagates from the VPN gateway of its own VPC"
    # Declared in the VPC that uses them, the same lines compile.
    mine = text.replace(
        "  vpc app 10.0.0.0/16 {\n",
        "  vpc app 10.0.0.0/16 {\n    internet-gateway gw\n    vpn-gateway vg\n",
    )
    mine = mine.replace("via igw", "via gw").replace("propagate vgw", "propagate vg")
    assert not [d.headline() for d in api.compile(mine, "x.nd").diagnostics if d.is_error]


ROUTES = """\
region us-east-1 {
  vpc hub 10.1.0.0/16 {
    subnet pub 10.1.0.0/24 az us-east-1a
    instance box in pub source-dest-check off
  }
  vpc app 10.0.0.0/16 {
    subnet a 10.0.1.0/24 az us-east-1a
    security-group web { ingress tcp 443 from 10.0.0.0/16 }
    route-table rt { ROUTE; associate a }
    endpoint s3gw gateway s3 route-tables rt
    endpoint sqs-if interface sqs in a sg web
  }
}
peering p hub <-> app
"""


@pytest.mark.parametrize(
    ("route", "message", "label"),
    [
        (
            "route 10.1.0.0/16 via box",
            "no route target named 'box' in vpc 'app'; 'box' is an instance of vpc 'hub'",
            "a route cannot target another VPC's instance; route to a peering or transit"
            " gateway that joins vpc 'hub' to reach the instance itself",
        ),
        (
            "route 10.9.0.0/16 via sqs-if",
            "interface endpoint 'sqs-if' cannot be a route target",
            "an interface endpoint is reached at its addresses or by its service's name, with"
            " no route; AWS routes only to gateway and Gateway Load Balancer endpoints",
        ),
        (
            "route 10.9.0.0/16 via s3gw",
            "gateway endpoint 's3gw' cannot be a route target",
            "a gateway endpoint adds its own route: list this table in 's3gw' route-tables",
        ),
    ],
)
def test_a_route_target_hint_fits_its_kind(route: str, message: str, label: str) -> None:
    found = api.compile(ROUTES.replace("ROUTE", route), "x.nd").diagnostics
    (problem,) = [d for d in found if d.is_error]
    assert (problem.message, problem.label) == (message, label)
    assert "NAT" not in problem.label
    # The route to the peering compiles.
    right = ROUTES.replace("ROUTE", "route 10.1.0.0/16 via p")
    assert not [d.headline() for d in api.compile(right, "x.nd").diagnostics if d.is_error]


def test_an_endpoints_name_as_a_place_says_what_it_is() -> None:
    text = ROUTES.replace("ROUTE", "route 10.1.0.0/16 via p") + (
        "expect hub.box -> s3gw tcp 443 allow\nexpect hub.box -> sqs-if tcp 443 allow\n"
    )
    found = [d for d in api.compile(text, "x.nd").diagnostics if d.is_error]
    assert [(d.message, d.label) for d in found] == [
        (
            "'s3gw' is a gateway endpoint of vpc 'app', not an instance, host, NAT gateway or service",
            "name its service 's3'",
        ),
        (
            "'sqs-if' is an interface endpoint of vpc 'app', not an instance, host, NAT gateway"
            " or service",
            "name its service 'sqs' or one of its addresses (10.0.1.254)",
        ),
    ]
    named = text.replace("-> s3gw", "-> s3").replace("-> sqs-if", "-> 10.0.1.254")
    assert not [d.headline() for d in api.compile(named, "x.nd").diagnostics if d.is_error]


def test_an_endpoint_named_as_an_attachments_subnet_says_what_it_is() -> None:
    text = ROUTES.replace("ROUTE", "route 10.1.0.0/16 via p").replace(
        "  }\n}\n", "  }\n  transit-gateway t { attach app subnets sqs-if }\n}\n"
    )
    (problem,) = [d for d in api.compile(text, "x.nd").diagnostics if d.is_error]
    assert problem.message == (
        "no subnet named 'sqs-if' in vpc 'app'; 'sqs-if' is an endpoint, not a subnet"
    )


def test_an_instance_that_could_not_be_built_is_reported_once() -> None:
    text = ROUTES.replace("ROUTE", "route 10.1.0.0/16 via p").replace(
        "    endpoint s3gw", "    instance w in nowhere\n    endpoint s3gw"
    ) + ("flow f: w -> hub.box tcp 22 volume 1GB\nexpect hub.box -> w tcp 22 allow\n")
    found = [d for d in api.compile(text, "x.nd").diagnostics if d.is_error]
    assert [(d.code, d.message) for d in found] == [
        ("unknown-name", "no subnet named 'nowhere' in vpc 'app'")
    ]
    # A name nothing declares is still reported at each use.
    other = text.replace("-> w tcp", "-> v tcp")
    found = [d for d in api.compile(other, "x.nd").diagnostics if d.is_error]
    assert [d.message for d in found][1:] == ["no instance, host, NAT gateway or service named 'v'"]
