"""Address allocation (dsl/passes/addresses.py): what a subnet holds when it runs out."""

from __future__ import annotations

import pytest

from netdraft import api


def subnet_of(written: int, automatic: int) -> str:
    """A /28 (11 usable addresses) with ``written`` instances at written addresses and
    ``automatic`` instances without one."""
    lines = [f"    instance w{i} in s ip 10.0.0.{i + 4}" for i in range(written)]
    lines += [f"    instance a{i} in s" for i in range(automatic)]
    body = "\n".join(lines)
    return f"region us-east-1 {{\n  vpc v 10.0.0.0/16 {{\n    subnet s 10.0.0.0/28 az us-east-1a\n{body}\n  }}\n}}\n"


def test_automatic_addresses_alone_that_do_not_fit_are_reported() -> None:
    compiled = api.compile(subnet_of(0, 12), "full.nd")
    assert [d.code for d in compiled.diagnostics] == ["subnet-too-small"]
    assert "11 usable addresses for 12 network interfaces" in compiled.diagnostics[0].message


def test_written_and_automatic_addresses_that_do_not_fit_are_reported() -> None:
    # 10 written + 2 automatic in 11 usable addresses: the written ones count too.
    compiled = api.compile(subnet_of(10, 2), "full.nd")
    assert [d.code for d in compiled.diagnostics] == ["subnet-too-small"]
    assert "11 usable addresses for 12 network interfaces" in compiled.diagnostics[0].message


def test_written_and_automatic_addresses_that_fit_are_all_given() -> None:
    # 10 written + 1 automatic fill the 11 usable addresses exactly: no instance is lost.
    compiled = api.compile(subnet_of(10, 1), "full.nd")
    assert list(compiled.diagnostics) == []
    assert compiled.network is not None
    vpc = compiled.network.vpcs["v"]
    assert len(vpc.instances) == 11
    assert str(vpc.instances["a0"].ip) == "10.0.0.14"  # the one address left


# ---- written addresses and addresses held twice -------------------------------------------

VPC = """region us-east-1 {{
  vpc v 10.0.0.0/16 {{
    internet-gateway igw
    route-table rt {{ route 0.0.0.0/0 via igw; associate a b }}
    subnet a 10.0.1.0/24 az us-east-1a
    subnet b 10.0.2.0/24 az us-east-1b
{body}
  }}
  vpc w 10.0.0.0/16 {{
    subnet a 10.0.1.0/24 az us-east-1a
{other}
  }}
}}
site dc 192.168.0.0/16 10.0.1.0/24 {{
  customer-gateway cgw 203.0.113.12
{hosts}
}}
site dc2 172.16.0.0/12 192.168.0.0/24 {{
  customer-gateway cgw2 203.0.113.13
{hosts2}
}}
"""


def net(body: str = "", other: str = "", hosts: str = "", hosts2: str = "") -> str:
    return VPC.format(body=body, other=other, hosts=hosts, hosts2=hosts2)


#: (case, text, the line of the duplicate-address or None, the holder it names). Each
#: clash is paired with a text that does not clash.
HELD: list[tuple[str, str, int | None, str]] = [
    (
        "two instances",
        net("    instance i in a ip 10.0.1.10\n    instance j in a ip 10.0.1.10"),
        8,
        "instance 'i' (t.nd:7)",
    ),
    (
        "two instances apart",
        net("    instance i in a ip 10.0.1.10\n    instance j in a ip 10.0.1.11"),
        None,
        "",
    ),
    (
        "an instance after a NAT gateway",
        net("    nat-gateway n in a ip 10.0.1.10\n    instance i in a ip 10.0.1.10"),
        8,
        "NAT gateway 'n' (t.nd:7)",
    ),
    (
        "a NAT gateway after an instance",
        net("    instance i in a ip 10.0.1.10\n    nat-gateway n in a ip 10.0.1.10"),
        8,
        "instance 'i' (t.nd:7)",
    ),
    (
        "a NAT gateway apart",
        net("    instance i in a ip 10.0.1.10\n    nat-gateway n in a ip 10.0.1.9"),
        None,
        "",
    ),
    (
        "an endpoint interface",
        net(
            "    instance i in b ip 10.0.2.7\n    endpoint e interface sns in a b ips 10.0.1.7 10.0.2.7"
        ),
        8,
        "instance 'i' (t.nd:7)",
    ),
    (
        "an endpoint interface apart",
        net(
            "    instance i in b ip 10.0.2.7\n    endpoint e interface sns in a b ips 10.0.1.7 10.0.2.8"
        ),
        None,
        "",
    ),
    (
        "an Elastic IP twice",
        net("    instance i in a elastic-ip 54.0.0.1\n    instance j in a public-ip 54.0.0.1"),
        8,
        "the Elastic IP of instance 'i' (t.nd:7)",
    ),
    (
        "an Elastic IP of a NAT gateway",
        net("    nat-gateway n in a eip 54.0.0.1", "    instance k in a elastic-ip 54.0.0.1"),
        11,
        "the Elastic IP of NAT gateway 'n' (t.nd:7)",
    ),
    (
        "Elastic IPs apart",
        net("    nat-gateway n in a eip 54.0.0.1", "    instance k in a elastic-ip 54.0.0.2"),
        None,
        "",
    ),
    (
        "a site host at an instance's address",
        net("    instance i in a", hosts="  host h 10.0.1.4"),
        16,
        "instance 'i' (t.nd:7)",
    ),
    ("a site host apart", net("    instance i in a", hosts="  host h 192.168.0.4"), None, ""),
    (
        "two site hosts",
        net(hosts="  host h 192.168.0.4\n  host h2 192.168.0.5", hosts2="  host h3 192.168.0.4"),
        21,
        "host 'h' of site 'dc' (t.nd:16)",
    ),
    # Two VPCs that are not connected may use one private address.
    (
        "one address in two VPCs",
        net("    instance i in a ip 10.0.1.10", "    instance k in a ip 10.0.1.10"),
        None,
        "",
    ),
]


@pytest.mark.parametrize(("case", "text", "line", "first"), HELD, ids=[c[0] for c in HELD])
def test_an_address_held_twice(case: str, text: str, line: int | None, first: str) -> None:
    compiled = api.compile(text, "t.nd")
    found = [d for d in compiled.diagnostics if d.code == "duplicate-address"]
    errors = [d for d in compiled.diagnostics if d.is_error]
    if line is None:
        assert errors == []
        return
    assert [d.span.line for d in found] == [line]
    who, where = first.rsplit(" (", 1)
    assert found[0].message.endswith(f"is already held by {who}")
    # Where the first holder is written is in the label: the message stays the same when
    # the file is laid out again.
    assert found[0].label == f"{who} holds it at {where[:-1]}"
    assert errors == found


def test_written_addresses_are_taken_before_any_allocation() -> None:
    text = net(
        "    instance auto in a\n"
        "    nat-gateway n in a\n"
        "    endpoint e interface sns in a b\n"
        "    instance late in a ip 10.0.1.4\n"
        "    nat-gateway m in b ip 10.0.2.4\n"
        "    endpoint f interface sqs in a b ips 10.0.1.5 10.0.2.9"
    )
    compiled = api.compile(text, "t.nd")
    assert [d for d in compiled.diagnostics if d.is_error] == []
    assert compiled.network is not None
    v = compiled.network.vpcs["v"]
    assert str(v.instances["late"].ip) == "10.0.1.4"
    assert str(v.nat_gateways["m"].ip) == "10.0.2.4"
    assert [str(a) for a in v.endpoints["f"].addresses] == ["10.0.1.5", "10.0.2.9"]
    assert v.endpoints["f"].subnets == ("a", "b")
    # the automatic ones take what is left: instances from the bottom, infrastructure from
    # the top (below the reserved broadcast address), in the order of the file
    assert str(v.instances["auto"].ip) == "10.0.1.6"
    assert str(v.nat_gateways["n"].ip) == "10.0.1.254"
    assert [str(a) for a in v.endpoints["e"].addresses] == ["10.0.1.253", "10.0.2.254"]


@pytest.mark.parametrize(
    ("line", "code", "words"),
    [
        (
            "endpoint e interface sns in a b ips 10.0.1.7",
            "bad-option",
            "2 subnet(s) and 1 address(es)",
        ),
        ("endpoint e interface sns in a ips 10.0.1.7 10.0.1.8", "bad-option", "1 subnet(s) and 2"),
        (
            "endpoint e interface sns in a b ips 10.0.2.7 10.0.2.8",
            "ip-outside-subnet",
            "10.0.2.7 is not inside subnet 'a'",
        ),
        ("endpoint e interface sns in a ips 10.0.1.3", "reserved-address", "10.0.1.3 is reserved"),
        (
            "nat-gateway n in a ip 10.0.2.9",
            "ip-outside-subnet",
            "10.0.2.9 is not inside subnet 'a'",
        ),
        ("nat-gateway n in a ip 10.0.1.255", "reserved-address", "broadcast address"),
        (
            "nat-gateway n in a private eip 54.0.0.1",
            "bad-option",
            "a private NAT gateway has no Elastic IP",
        ),
        ("nat-gateway n in a ip 10.0.1.9 ip 10.0.1.8", "bad-option", "'ip' is given twice"),
    ],
)
def test_written_addresses_that_are_wrong(line: str, code: str, words: str) -> None:
    compiled = api.compile(net(f"    {line}"), "t.nd")
    errors = [d for d in compiled.diagnostics if d.is_error]
    assert [d.code for d in errors] == [code]
    assert words in errors[0].message
    assert errors[0].span.line == 7


@pytest.mark.parametrize(
    "line",
    [
        "endpoint e interface sns in a b ips 10.0.1.7 10.0.2.7",
        "endpoint e interface sns in a ips 10.0.1.254",
        "nat-gateway n in a ip 10.0.1.9",
        "nat-gateway n in a private ip 10.0.1.9",
        "nat-gateway n in a ip 10.0.1.9 eip 54.0.0.1",
    ],
)
def test_written_addresses_that_are_right(line: str) -> None:
    compiled = api.compile(net(f"    {line}"), "t.nd")
    assert [d for d in compiled.diagnostics if d.is_error] == []


@pytest.mark.parametrize(
    ("option", "address", "what"),
    [
        ("    nat-gateway n in a eip {}", "10.0.1.50", "an Elastic IP"),
        ("    instance i in a elastic-ip {}", "172.16.0.9", "an Elastic IP"),
        ("    instance i in a public-ip {}", "100.64.0.1", "a public IP"),
        ("    instance i in a public-ip {}", "169.254.10.10", "a public IP"),
    ],
)
def test_a_written_public_address_must_be_public(option: str, address: str, what: str) -> None:
    # AWS gives public and Elastic IPs from public space: a private one would shadow an
    # address of the VPC and be "reached from the internet".
    bad = api.compile(net(option.format(address)), "t.nd")
    assert [(d.code, d.message) for d in bad.diagnostics if d.is_error] == [
        ("bad-address", f"{address} is not a public IPv4 address, as {what} must be")
    ]
    good = api.compile(net(option.format("198.51.100.9")), "t.nd")
    assert [d for d in good.diagnostics if d.is_error] == []


def test_a_full_subnet_is_reported_once_with_its_attachments_counted() -> None:
    # 12 instances in 11 usable addresses, and a transit gateway attachment too: one
    # diagnostic, from one rule, counting all 13 network interfaces.
    text = subnet_of(0, 12).replace(
        "  }\n}\n", "  }\n  transit-gateway tgw { attach v subnets s }\n}\n"
    )
    found = api.compile(text, "full.nd").diagnostics
    assert [d.message for d in found] == [
        "subnet 's' (10.0.0.0/28) has 11 usable addresses for 13 network interfaces,"
        " 1 of them for transit gateway attachments"
    ]
    # Room for every interface: nothing to report.
    fits = subnet_of(0, 10).replace(
        "  }\n}\n", "  }\n  transit-gateway tgw { attach v subnets s }\n}\n"
    )
    assert not api.compile(fits, "full.nd").diagnostics


def _infra(instances: int, nats: int, *, written: str = "") -> str:
    """``instances`` automatic instances after ``nats`` automatic private NAT gateways in the /28
    of :func:`subnet_of` (11 usable addresses), with ``written`` lines before them."""
    lines = [f"    nat-gateway n{i} in s private" for i in range(nats)]
    lines += [f"    instance a{i} in s" for i in range(instances)]
    body = written + "\n".join(lines)
    return f"region us-east-1 {{\n  vpc v 10.0.0.0/16 {{\n    subnet s 10.0.0.0/28 az us-east-1a\n{body}\n  }}\n}}\n"


def test_instances_fill_from_the_bottom_and_infrastructure_from_the_top() -> None:
    # Declared first, the NAT gateways still take the top: .14 (below the broadcast .15),
    # then .13; the instances take .4 upwards.
    compiled = api.compile(_infra(3, 2), "t.nd")
    assert list(compiled.diagnostics) == []
    assert compiled.network is not None
    vpc = compiled.network.vpcs["v"]
    assert [str(n.ip) for n in vpc.nat_gateways.values()] == ["10.0.0.14", "10.0.0.13"]
    assert [str(i.ip) for i in vpc.instances.values()] == ["10.0.0.4", "10.0.0.5", "10.0.0.6"]


def test_the_two_ends_meet_and_skip_written_addresses() -> None:
    # 9 instances and 2 NAT gateways fill the 11 usable addresses exactly, around a written
    # instance at .12 and a written NAT gateway at .5, which neither end takes again.
    written = "    instance w in s ip 10.0.0.12\n    nat-gateway m in s private ip 10.0.0.5\n"
    compiled = api.compile(_infra(8, 1, written=written), "t.nd")
    assert list(compiled.diagnostics) == []
    assert compiled.network is not None
    vpc = compiled.network.vpcs["v"]
    assert str(vpc.nat_gateways["n0"].ip) == "10.0.0.14"
    autos = [str(vpc.instances[f"a{i}"].ip) for i in range(8)]
    assert autos == [f"10.0.0.{n}" for n in (4, 6, 7, 8, 9, 10, 11, 13)]
    # One more interface at either end does not fit: reported once, counting all of them.
    for text in (_infra(9, 1, written=written), _infra(8, 2, written=written)):
        found = api.compile(text, "t.nd").diagnostics
        assert [d.message for d in found] == [
            "subnet 's' (10.0.0.0/28) has 11 usable addresses for 12 network interfaces"
        ]


def test_adding_an_instance_moves_no_infrastructure_and_the_reverse() -> None:
    def addresses(text: str) -> dict[str, str]:
        compiled = api.compile(text, "t.nd")
        assert compiled.network is not None, compiled.diagnostics
        vpc = compiled.network.vpcs["v"]
        found = {f"i:{n}": str(i.ip) for n, i in vpc.instances.items()}
        found |= {f"n:{n}": str(g.ip) for n, g in vpc.nat_gateways.items()}
        return found

    base = addresses(_infra(3, 2))
    for more in (_infra(4, 2), _infra(3, 3)):
        grown = addresses(more)
        (added,) = set(grown) - set(base)
        assert {k: v for k, v in grown.items() if k != added} == base
