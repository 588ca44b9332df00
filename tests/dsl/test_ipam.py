"""IPAM pools (LANGUAGE.md §10): deterministic allocation, exhaustion, CIDRs outside the
pool, no overlap from one pool, and an ALB's public addresses from a public pool."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from netdraft import api
from netdraft.dsl.fmt import format_text


def _compile(text: str) -> api.Compiled:
    return api.compile(text, "ipam.nd")


def _errors(text: str) -> list[str]:
    return [d.code for d in _compile(text).diagnostics if d.severity.value == "error"]


def _vpcs(pool: str, *vpcs: str) -> str:
    body = "".join(f"  {v} {{ }}\n" for v in vpcs)
    return f"ipam-pool corp {pool}\nregion us-east-1 {{\n{body}}}\n"


# (pool, VPC lines, each VPC's CIDRs after allocation)
ALLOCATIONS = [
    # the lowest free /N, in file order
    (
        "10.0.0.0/14",
        ["vpc a ipam corp /16", "vpc b ipam corp /16"],
        {"a": "10.0.0.0/16", "b": "10.1.0.0/16"},
    ),
    # a written CIDR is taken first, wherever it stands in the file
    (
        "10.0.0.0/14",
        ["vpc a ipam corp /16", "vpc b 10.0.0.0/16 ipam corp"],
        {"a": "10.1.0.0/16", "b": "10.0.0.0/16"},
    ),
    # a smaller block does not push a larger one off its alignment
    (
        "10.0.0.0/14",
        ["vpc a ipam corp /24", "vpc b ipam corp /16", "vpc c ipam corp /24"],
        {"a": "10.0.0.0/24", "b": "10.1.0.0/16", "c": "10.0.1.0/24"},
    ),
    # a hole between written CIDRs is used
    (
        "10.0.0.0/16",
        [
            "vpc a 10.0.0.0/18 ipam corp",
            "vpc b 10.0.128.0/18 ipam corp",
            "vpc c ipam corp /18",
            "vpc d ipam corp /18",
        ],
        {"a": "10.0.0.0/18", "b": "10.0.128.0/18", "c": "10.0.64.0/18", "d": "10.0.192.0/18"},
    ),
    # written CIDRs and a /N: the pool's next CIDR is added after the written ones
    (
        "10.0.0.0/14",
        ["vpc a 10.0.0.0/16 ipam corp /20"],
        {"a": "10.0.0.0/16 10.1.0.0/20"},
    ),
]


@pytest.mark.parametrize(("pool", "vpcs", "expected"), ALLOCATIONS)
def test_allocation_table(pool: str, vpcs: list[str], expected: dict[str, str]) -> None:
    compiled = _compile(_vpcs(pool, *vpcs))
    assert _errors(_vpcs(pool, *vpcs)) == []
    got = {n: " ".join(map(str, v.cidrs)) for n, v in compiled.network.vpcs.items()}
    assert got == expected
    assert all(v.ipam_pool == "corp" for v in compiled.network.vpcs.values())
    held = [a.cidr for a in compiled.network.ipam_pools["corp"].allocations]
    assert all(not x.overlaps(y) for i, x in enumerate(held) for y in held[i + 1 :])


def test_allocation_is_deterministic_and_follows_file_order() -> None:
    text = _vpcs("10.0.0.0/14", "vpc a ipam corp /16", "vpc b ipam corp /16")
    first = [v.cidrs for v in _compile(text).network.vpcs.values()]
    assert first == [v.cidrs for v in _compile(text).network.vpcs.values()]
    swapped = _vpcs("10.0.0.0/14", "vpc b ipam corp /16", "vpc a ipam corp /16")
    got = {n: v.cidrs for n, v in _compile(swapped).network.vpcs.items()}
    assert got["b"] == (ipaddress.IPv4Network("10.0.0.0/16"),)


SIXTEENS = [f"vpc v{i} ipam corp /16" for i in range(5)]


@pytest.mark.parametrize(
    ("pool", "vpcs", "code"),
    [
        # exhausted: the pool holds four /16, the fifth has none left; its twin fits
        ("10.0.0.0/14", SIXTEENS, "ipam-exhausted"),
        ("10.0.0.0/14", SIXTEENS[:4], None),
        # a /N larger than the pool
        ("10.0.0.0/17", ["vpc a ipam corp /16"], "ipam-exhausted"),
        ("10.0.0.0/16", ["vpc a ipam corp /16"], None),
        # outside: a written CIDR not in the pool, and its twin inside it
        ("10.0.0.0/14", ["vpc a 10.4.0.0/16 ipam corp"], "ipam-outside"),
        ("10.0.0.0/14", ["vpc a 10.3.0.0/16 ipam corp"], None),
        # overlap between two written CIDRs of one pool, and the disjoint twin
        (
            "10.0.0.0/14",
            ["vpc a 10.1.0.0/16 ipam corp", "vpc b 10.1.0.0/20 ipam corp"],
            "ipam-overlap",
        ),
        ("10.0.0.0/14", ["vpc a 10.1.0.0/16 ipam corp", "vpc b 10.2.0.0/20 ipam corp"], None),
        # no CIDR at all, and the pool asked for one
        ("10.0.0.0/14", ["vpc a ipam corp"], "vpc-no-cidr"),
        ("10.0.0.0/14", ["vpc a ipam corp /16"], None),
        # an unknown pool
        ("10.0.0.0/14", ["vpc a ipam nope /16"], "unknown-name"),
    ],
)
def test_pool_mistakes(pool: str, vpcs: list[str], code: str | None) -> None:
    errors = _errors(_vpcs(pool, *vpcs))
    assert errors == ([code] if code else [])


def test_an_exhausted_pool_names_what_holds_it() -> None:
    text = _vpcs("10.0.0.0/15", "vpc a ipam corp /16", "vpc b ipam corp /16", "vpc c ipam corp /16")
    (d,) = _compile(text).diagnostics
    assert d.code == "ipam-exhausted" and "vpc 'c'" in d.message
    assert "10.0.0.0/16 (vpc a), 10.1.0.0/16 (vpc b)" in d.label


def test_subnets_are_checked_against_the_allocated_cidr() -> None:
    inside = "ipam-pool corp 10.0.0.0/14\nregion us-east-1 {\n  vpc a ipam corp /16 {\n    subnet s 10.0.1.0/24 az us-east-1a\n  }\n}\n"
    assert _errors(inside) == []
    assert _errors(inside.replace("10.0.1.0/24", "10.1.1.0/24")) == ["subnet-outside-vpc"]


ALB = """ipam-pool pub 198.51.100.0/30
region us-east-1 {
  vpc web 10.0.0.0/16 {
    internet-gateway igw
    subnet a 10.0.0.0/24 az us-east-1a
    subnet b 10.0.1.0/24 az us-east-1b
    route-table rt main {
      route 0.0.0.0/0 via igw
    }
    security-group alb-sg {
      ingress tcp 443 from 0.0.0.0/0
    }
    security-group app-sg {
      ingress tcp 8080 from alb-sg
    }
    instance app in a sg app-sg
    load-balancer front application internet-facing in a b sg alb-sg ipam-pool pub {
      listener https 443 -> tg
    }
    target-group tg http 8080 targets app
  }
}
"""


def test_an_alb_takes_its_public_addresses_from_the_pool() -> None:
    compiled = _compile(ALB)
    assert _errors(ALB) == []
    lb = compiled.network.vpcs["web"].load_balancers["front"]
    assert lb.ipam_pool == "pub"
    assert [str(n.public_ip) for n in lb.nodes] == ["198.51.100.0", "198.51.100.1"]
    pool = compiled.network.ipam_pools["pub"]
    assert pool.public and pool.free_addresses == 2


@pytest.mark.parametrize(
    ("dst", "port", "verdict", "code"),
    [
        ("198.51.100.1", "443", "allow", None),  # the pool's address reaches the node
        ("198.51.100.1", "80", "deny", "SG_INGRESS_MISMATCH"),  # its twin: no rule admits 80
        ("front", "443", "allow", None),
    ],
)
def test_paths_to_pool_addresses(dst: str, port: str, verdict: str, code: str | None) -> None:
    compiled = _compile(ALB)
    assert compiled.network is not None
    t = api.path(compiled.network, "internet", dst, "tcp", port)
    assert (t.verdict.value, t.code.value if t.code else None) == (verdict, code)
    if verdict == "allow":
        assert any(str(h).find("198.51.100.") >= 0 for h in t.forward) or t.forward


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            ("application internet-facing", "network internet-facing"),
            "only an internet-facing application",
        ),
        (
            ("application internet-facing", "application internal"),
            "only an internet-facing application",
        ),
        (("198.51.100.0/30", "10.9.0.0/30"), "not a pool of public IPv4 addresses"),
    ],
)
def test_lb_pool_mistakes(change: tuple[str, str], words: str) -> None:
    diagnostics = _compile(ALB.replace(*change)).diagnostics
    assert any(d.code == "bad-option" and words in d.message for d in diagnostics)


def test_an_exhausted_public_pool_leaves_aws_provided_addresses() -> None:
    text = ALB.replace("198.51.100.0/30", "198.51.100.0/32")
    assert _errors(text) == []
    lb = _compile(text).network.vpcs["web"].load_balancers["front"]
    assert [n.public_ip for n in lb.nodes] == [ipaddress.IPv4Address("198.51.100.0"), None]


def test_fmt_round_trip() -> None:
    text = "ipam-pool corp 10.0.0.0/14\n\nregion us-east-1 {\n  vpc a   ipam corp   /16 { }\n  vpc b 10.1.0.0/16  ipam corp { }\n}\n"
    formatted, _ = format_text(text)
    assert formatted is not None
    lines = [" ".join(line.split()) for line in formatted.splitlines()]
    assert lines == [
        "ipam-pool corp 10.0.0.0/14",
        "",
        "region us-east-1 {",
        "vpc a ipam corp /16 { }",
        "vpc b 10.1.0.0/16 ipam corp { }",
        "}",
    ]
    assert format_text(formatted)[0] == formatted
    assert format_text(ALB)[0] is not None and "ipam-pool pub {" in str(format_text(ALB)[0])


def test_the_page_lists_pools_and_allocations(tmp_path: Path) -> None:
    source = tmp_path / "ipam.nd"
    source.write_text(
        ALB.replace("ipam-pool pub", "ipam-pool corp 10.0.0.0/14\nipam-pool pub", 1).replace(
            "vpc web 10.0.0.0/16 {", "vpc web 10.0.0.0/16 ipam corp {"
        ),
        "utf-8",
    )
    page = api.docs(source, tmp_path / "out")[-1].read_text("utf-8")
    assert "## IPAM pools" in page
    assert "| corp | 10.0.0.0/14 | private | 10.0.0.0/16 → web (written) | 196,608 |" in page
    assert (
        "| pub | 198.51.100.0/30 | public | 198.51.100.0/32 → load balancer web.front,"
        " 198.51.100.1/32 → load balancer web.front | 2 |"
    ) in page
    net = api.load_network(source)
    node = net.vpcs["web"].load_balancers["front"].nodes[0]  # its address: the allocator's
    assert f"a {node.ip} (public IP 198.51.100.0 from IPAM pool pub)" in page


def test_a_page_without_pools_has_no_ipam_section(tmp_path: Path) -> None:
    source = tmp_path / "plain.nd"
    source.write_text(
        ALB.replace(" ipam-pool pub", "").replace("ipam-pool pub 198.51.100.0/30\n", ""), "utf-8"
    )
    page = api.docs(source, tmp_path / "out")[-1].read_text("utf-8")
    assert "IPAM" not in page
