"""Every keyword of the grammar can be a name wherever a name is expected, in every list position."""

from __future__ import annotations

import dataclasses
import re

import pytest

from netdraft import api
from netdraft.dsl import syntax as st
from netdraft.dsl.fmt import format_source, format_text
from netdraft.dsl.parse import parse, parser

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")

#: The keywords, read from the grammar, and the words of its word-like terminals.
KEYWORDS = sorted(
    {
        str(t.pattern.value)
        for t in parser().terminals
        if t.pattern.type == "str" and NAME.fullmatch(str(t.pattern.value))
    }
    | {"tcp", "udp", "icmp", "icmpv6", "all", "allow", "deny", "on", "off", "SG_INGRESS_MISMATCH"}
)

VPC = """\
region us-east-1 {{
  vpc main 10.0.0.0/16 {{
{body}
  }}
{region}}}
"""

#: Where a list of names is written: (case, VPC body, region items); {refs} is the list.
LISTS = {
    "route-table associate": ("    route-table rt {{\n      associate {refs}\n    }}", ""),
    "route-table associate, one line": ("    route-table rt {{ associate {refs} }}", ""),
    "route-table propagate": ("    route-table rt {{\n      propagate {refs}\n    }}", ""),
    "network-acl associate": ("    network-acl acl {{\n      associate {refs}\n    }}", ""),
    "network-acl associate, one line": ("    network-acl acl {{ associate {refs} }}", ""),
    "gateway endpoint route-tables": ("    endpoint e gateway s3 route-tables {refs}", ""),
    "interface endpoint in": ("    endpoint e interface ssm in {refs}", ""),
    "interface endpoint sg": ("    endpoint e interface ssm in a sg {commas}", ""),
    "instance sg": ("    instance i in a sg {commas}", ""),
    "attach subnets": ("", "  transit-gateway t {{\n    attach main subnets {refs}\n  }}\n"),
    "tgw route-table associate": (
        "",
        "  transit-gateway t {{\n    route-table r {{\n      associate {refs}\n    }}\n  }}\n",
    ),
    "tgw route-table propagate": (
        "",
        "  transit-gateway t {{\n    route-table r {{ propagate {refs} }}\n  }}\n",
    ),
}

#: ``endpoint … in a sg g`` is both readings at once: after the first subnet, ``sg``
#: starts the group list (the meaning it always had); a subnet named ``sg`` goes first.
#: ``ips`` (the endpoint's addresses) and ``ports`` (its ports) likewise.
AMBIGUOUS = {
    ("interface endpoint in", "sg"),
    ("interface endpoint in", "ips"),
    ("interface endpoint in", "ports"),
}

CASES = [
    pytest.param(case, keyword, position, id=f"{case}-{keyword}-{position}")
    for case in LISTS
    for keyword in KEYWORDS
    for position in range(3)
    if (case, keyword) not in AMBIGUOUS or position == 0
]


def names_of(source: st.SourceFile) -> list[list[str]]:
    """Every list of names in the file, as written."""
    found: list[list[str]] = []

    def walk(node: object) -> None:
        if isinstance(node, st.Associate | st.Propagate):
            found.append([str(r) for r in node.refs])
        elif isinstance(node, st.EndpointDecl):
            found.append([str(r) for r in node.targets])
            found.append([str(r) for r in node.groups])
        elif isinstance(node, st.AttachDecl):
            found.append([str(r) for r in node.subnets])
        elif isinstance(node, st.InstanceDecl):
            for option in node.options:
                found.append([str(v) for v in option.values])
        for child in getattr(node, "items", ()) or getattr(node, "rules", ()):
            walk(child)

    for statement in source.statements:
        walk(statement)
    return [names for names in found if names]


@pytest.mark.parametrize(("case", "keyword", "position"), CASES)
def test_keyword_is_a_name_in_a_list(case: str, keyword: str, position: int) -> None:
    names = ["x", "y"]
    names.insert(position, keyword)
    body, region = LISTS[case]
    text = VPC.format(
        body=body.format(refs=" ".join(names), commas=", ".join(names)),
        region=region.format(refs=" ".join(names)),
    )
    source, problems = parse(text, "x.nd")
    assert source is not None, [d.headline() for d in problems]
    assert names in names_of(source)
    # The canonical printer writes it so that it reads back the same.
    formatted, problems = format_text(text, "x.nd")
    assert formatted is not None
    again, problems = parse(formatted, "x.nd")
    assert again is not None, [d.headline() for d in problems]
    assert names_of(again) == names_of(source)


def test_subnets_named_like_keywords_share_a_route_table() -> None:
    text = """\
region us-east-1 {
  vpc main 10.0.0.0/16 {
    subnet dmz 10.0.1.0/24 az us-east-1a
    subnet private 10.0.2.0/24 az us-east-1a
    subnet public 10.0.3.0/24 az us-east-1a
    route-table rt { associate dmz private public }
    network-acl edge { associate public private }
  }
}
"""
    compiled = api.compile(text, "x.nd")
    assert compiled.ok, [d.headline() for d in compiled.diagnostics]
    assert compiled.network is not None
    vpc = compiled.network.vpcs["main"]
    assert vpc.route_tables["rt"].subnets == ("dmz", "private", "public")
    assert vpc.network_acls["edge"].subnets == ("public", "private")


#: Where a keyword can be read as a keyword it still is one (the meaning of valid files).
KEYWORD_READINGS = [
    ("    nat-gateway n in a private", "nat-gateway", "private"),
    ("    nat-gateway n in a eip", "nat-gateway", "eip"),
    ("    instance i in a stopped", "instance", "stopped"),
    ("    instance i in a public-ip", "instance", "public-ip"),
    ("    instance i in a sg g", "instance", "sg"),
]


@pytest.mark.parametrize(("body", "kind", "option"), KEYWORD_READINGS)
def test_keyword_where_it_fits_is_still_a_keyword(body: str, kind: str, option: str) -> None:
    source, problems = parse(VPC.format(body=body, region=""), "x.nd")
    assert source is not None, [d.headline() for d in problems]
    region = source.statements[0]
    assert isinstance(region, st.RegionDecl)
    vpc = region.items[0]
    assert isinstance(vpc, st.VpcDecl)
    decl = vpc.items[0]
    assert isinstance(decl, st.NatGatewayDecl | st.InstanceDecl)
    assert [o.keyword for o in decl.options] == [option]


def test_interface_endpoint_keeps_its_group_list() -> None:
    body = "    endpoint e interface ssm in a b sg g"
    source, _ = parse(VPC.format(body=body, region=""), "x.nd")
    assert source is not None
    assert names_of(source) == [["a", "b"], ["g"]]


def test_a_subnet_named_sg_is_printed_so_that_it_reads_back() -> None:
    # The importer prints syntax trees it builds: [a, sg] cannot be written 'in a sg'.
    source, _ = parse(VPC.format(body="    endpoint e interface ssm in a main.sg", region=""))
    assert source is not None
    region = source.statements[0]
    assert isinstance(region, st.RegionDecl) and isinstance(region.items[0], st.VpcDecl)
    endpoint = region.items[0].items[0]
    assert isinstance(endpoint, st.EndpointDecl)
    bare = st.Ref(endpoint.targets[1].parts[1:], endpoint.targets[1].span)
    vpc = dataclasses.replace(
        region.items[0], items=(dataclasses.replace(endpoint, targets=(endpoint.targets[0], bare)),)
    )
    tree = dataclasses.replace(source, statements=(dataclasses.replace(region, items=(vpc,)),))
    text = format_source(tree)
    assert "in a main.sg\n" in text
    again, problems = parse(text)
    assert again is not None, [d.headline() for d in problems]
    assert names_of(again) == [["a", "main.sg"]]


@pytest.mark.parametrize(
    ("line", "column", "word", "label"),
    [
        ("    subnet a 10.0.1.0/24 azus-east-1a", 26, "azus-east-1a", "'az us-east-1a'"),
        ("    instance w ina", 16, "ina", "'in a'"),
        ("    instance w in a sgweb", 21, "sgweb", "'sg web'"),
        ("    instance w in a ip10.0.1.9", 21, "ip10.0.1.9", "'ip 10.0.1.9'"),
        ("    instance w in a sgmain.web", 21, "sgmain.web", "'sg main.web'"),
        ("    route-table r { associatea }", 21, "associatea", "'associate a'"),
    ],
)
def test_a_keyword_glued_to_the_next_word_is_an_error(
    line: str, column: int, word: str, label: str
) -> None:
    body = "    subnet a 10.0.1.0/24 az us-east-1a\n    security-group web { }\n"
    body = "" if "subnet" in line else body
    text = VPC.format(body=body + line, region="")
    found = [d for d in api.compile(text, "x.nd").diagnostics if d.is_error]
    assert [(d.code, d.span.line, d.span.column) for d in found][:1] == [
        ("syntax", 3 + 2 * bool(body), column)
    ]
    assert found[0].message.startswith(f"unexpected '{word}'")
    assert found[0].label == f"a space goes after the keyword: {label}"
    # With the space, the same line compiles.
    spaced = text.replace(word, label.strip("'"), 1)
    assert not [d.headline() for d in api.compile(spaced, "x.nd").diagnostics if d.is_error]
