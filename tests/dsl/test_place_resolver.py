"""The place resolver makes places on first look-up: the same places as when it made every
one up front, for shared names, scoped names, addresses and names it does not know."""

from __future__ import annotations

import dataclasses
from ipaddress import IPv4Address

import pytest

from netdraft import api, codes
from netdraft.diagnostics import Diagnostic
from netdraft.dsl import syntax as st
from netdraft.dsl.passes.resolve import PlaceResolver
from netdraft.model import network as m
from netdraft.model.make import slot_maker
from netdraft.model.values import Span

TEXT = """\
region us-east-1 {
  vpc a 10.0.0.0/16 {
    internet-gateway a-igw
    subnet s 10.0.1.0/24 az us-east-1a public-ip-on-launch
    nat-gateway a-nat in s
    instance app in s elastic-ip 203.0.113.7
    instance only-a in s
  }
  vpc b 10.1.0.0/16 {
    subnet s 10.1.1.0/24 az us-east-1a
    instance app in s
    instance db in s
  }
}
site dc 192.168.0.0/16 {
  host ldap 192.168.1.10
}
"""

SPAN = Span("t.nd", 1, 1, 1, 2)


def _network() -> m.Network:
    network = api.compile(TEXT, "t.nd").network
    assert network is not None
    return network


def _ref(*parts: str) -> st.Ref:
    return st.Ref(tuple(st.Tok(p, SPAN) for p in parts), SPAN)


def test_names_scoped_names_and_addresses() -> None:
    network = _network()
    places = PlaceResolver(network)
    a_app = network.vpcs["a"].instances["app"]
    b_app = network.vpcs["b"].instances["app"]
    found = places.resolve(_ref("a", "app"))
    assert found == m.Place(m.PlaceKind.INSTANCE, "a.app", "app", vpc="a", address=a_app.ip)
    assert places.resolve(_ref("b", "app")) == dataclasses.replace(
        found, text="b.app", vpc="b", address=b_app.ip
    )
    only = network.vpcs["a"].instances["only-a"]
    assert places.resolve(_ref("only-a")) == m.Place(
        m.PlaceKind.INSTANCE, "only-a", "only-a", vpc="a", address=only.ip
    )
    ambiguous = places.resolve(_ref("app"))
    assert isinstance(ambiguous, Diagnostic) and ambiguous.code == codes.AMBIGUOUS_NAME.name
    assert "a.app" in ambiguous.label and "b.app" in ambiguous.label
    # By address: the instance, its Elastic IP (reached from the internet), the NAT
    # gateway, the site host, and an address nothing holds.
    assert places.at_address(b_app.ip, str(b_app.ip)).vpc == "b"
    public = places.at_address(IPv4Address("203.0.113.7"), "203.0.113.7")
    assert (public.kind, public.vpc, public.via_public_ip) == (m.PlaceKind.INSTANCE, "a", True)
    nat = network.vpcs["a"].nat_gateways["a-nat"]
    assert places.at_address(nat.ip, "x").kind is m.PlaceKind.NAT_GATEWAY
    host = places.at_address(IPv4Address("192.168.1.10"), "h")
    assert (host.kind, host.name, host.site) == (m.PlaceKind.HOST, "ldap", "dc")
    assert places.at_address(IPv4Address("10.1.1.200"), "v").kind is m.PlaceKind.VPC_ADDRESS


def test_every_instance_listed_in_file_order() -> None:
    network = _network()
    places = PlaceResolver(network)
    assert list(places.instances) == ["app", "only-a", "db"]
    assert [p.vpc for p in places.instances["app"]] == ["a", "b"]
    assert all(p.address is not None for ps in places.instances.values() for p in ps)


def test_unknown_names_get_hints() -> None:
    places = PlaceResolver(_network())
    scoped = places.resolve(_ref("b", "dbx"))
    assert isinstance(scoped, Diagnostic) and scoped.code == codes.UNKNOWN_NAME.name
    assert "b.db" in scoped.label
    plain = places.resolve(_ref("only-b"))
    assert isinstance(plain, Diagnostic) and "only-a" in plain.label


def test_slot_maker_makes_the_same_object() -> None:
    make = slot_maker(m.Place)
    made = make(m.PlaceKind.HOST, "h", "ldap", "", "dc")
    assert made == m.Place(m.PlaceKind.HOST, "h", "ldap", site="dc")
    assert hash(made) == hash(m.Place(m.PlaceKind.HOST, "h", "ldap", site="dc"))
    assert made.address is None and made.via_public_ip is False  # the defaults
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.name = "other"  # type: ignore[misc]


def test_slot_maker_refuses_what_init_does_more_for() -> None:
    @dataclasses.dataclass
    class Plain:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        a: list[int] = dataclasses.field(default_factory=list)

    for cls in (Plain, Factory):
        with pytest.raises(TypeError):
            slot_maker(cls)
