"""Property: a site host at an address a VPC interface holds is a ``duplicate-address``,
whichever way the interface got its address (written, automatic from the bottom,
infrastructure's from the top), in whichever VPC (two VPCs may share a CIDR), and
wherever in the file the site is.

The compiler enters an instance's automatic address in the file-wide check only when a
site host holds it too (dsl/passes/addresses.py, ``_site_numbers``). The oracle here reads
the addresses from the compiled model, not from the compiler's tables, and applies the
rule of ``check_held``: holders of one address, in the order of the file, each reported
when an earlier one clashes with it (two VPCs' interfaces never do).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from netdraft import api

#: The last octets a /28 at 10.0.0.0 gives out (the first four and the last are reserved).
USABLE = list(range(4, 15))


@st.composite
def files(draw: st.DrawFn) -> str:
    vpcs: list[str] = []
    for v in range(draw(st.integers(1, 2))):
        written = draw(st.lists(st.sampled_from(USABLE), unique=True, max_size=3))
        automatic = draw(st.integers(0, 6))
        lines = ["    subnet s 10.0.0.0/28 az us-east-1a"]
        lines += [f"    instance w{i} in s ip 10.0.0.{n}" for i, n in enumerate(written)]
        lines += [f"    instance a{i} in s" for i in range(automatic)]
        if draw(st.booleans()):
            lines.append("    nat-gateway n in s private")
        if draw(st.booleans()):
            lines.append("    endpoint e interface sns in s")
        vpcs.append(f"  vpc v{v} 10.0.0.0/16 {{\n" + "\n".join(lines) + "\n  }")
    region = "region us-east-1 {\n" + "\n".join(vpcs) + "\n}\n"
    hosts = draw(st.lists(st.sampled_from(USABLE), unique=True, min_size=1, max_size=5))
    site = "site dc 10.0.0.0/8 {\n" + "".join(f"  host h{n} 10.0.0.{n}\n" for n in hosts) + "}\n"
    return site + region if draw(st.booleans()) else region + site


def _expected_lines(compiled: api.Compiled) -> set[int]:
    """The lines the file-wide check must report, from the model's addresses."""
    net = compiled.network
    assert net is not None
    holders: list[tuple[int, str, object]] = []  # (line, scope, address)
    for site in net.sites.values():
        for host in site.hosts.values():
            holders.append((host.span.line, "site", host.ip))
    for vpc in net.vpcs.values():
        for inst in vpc.instances.values():
            holders.append((inst.span.line, f"vpc:{vpc.name}", inst.ip))
        for nat in vpc.nat_gateways.values():
            holders.append((nat.span.line, f"vpc:{vpc.name}", nat.ip))
        for ep in vpc.endpoints.values():
            holders.extend((ep.span.line, f"vpc:{vpc.name}", a) for a in ep.addresses)
    sites = {a for _, scope, a in holders if scope == "site"}
    expected: set[int] = set()
    for address in sites:
        group = sorted(h for h in holders if h[2] == address)
        for index, (line, scope, _) in enumerate(group):
            earlier = group[:index]
            if any(not (s.startswith("vpc:") and scope.startswith("vpc:")) for _, s, _ in earlier):
                expected.add(line)
    return expected


@settings(max_examples=150, deadline=None)
@given(files())
def test_a_site_host_at_any_interface_address_is_reported(text: str) -> None:
    compiled = api.compile(text, "t.nd")
    reported = {d.span.line for d in compiled.diagnostics if d.code == "duplicate-address"}
    assert reported == _expected_lines(compiled), text
