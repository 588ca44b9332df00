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


@pytest.mark.xfail(
    strict=True,
    reason="known: the allocator counts only automatic addresses, so an instance that finds"
    " no room after written ones is left out of the model without a diagnostic",
)
def test_written_and_automatic_addresses_that_do_not_fit_are_reported() -> None:
    compiled = api.compile(subnet_of(10, 2), "full.nd")
    assert [d.code for d in compiled.diagnostics] == ["subnet-too-small"]
