"""Adversarial checks of the whole-network analyses' shortcuts (issue 17's review).

Each case is a small network where a shortcut could give a wrong answer, checked against
per-port tracing (``expect … tcp any`` and one trace per port), with its twin where the
answer is the other one.
"""

from __future__ import annotations

from netdraft import api
from netdraft.model import network as m
from netdraft.model.values import Protocol
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.exposure import exposure
from netdraft.sim.path import Simulator
from netdraft.sim.prices import bundled
from netdraft.sim.reach_diff import reach_diff


def compiled(text: str) -> m.Network:
    result = api.compile(text, "<review>")
    assert result.network is not None, [str(d) for d in result.diagnostics]
    assert not any(d.is_error for d in result.diagnostics), [str(d) for d in result.diagnostics]
    return result.network


# A network load balancer with a node in each of two subnets: the first node's subnet lets
# nothing in, the second's everything; the listener is on tcp 80 only.
TWO_NODES = """\
region us-east-1 {
  vpc shop 10.8.0.0/16 {
    internet-gateway igw
    subnet public-a 10.8.0.0/24 az us-east-1a
    subnet public-b 10.8.1.0/24 az us-east-1b
    route-table public {
      route 0.0.0.0/0 via igw
      route 10.9.0.0/16 via pcx
      associate public-a public-b
    }
    network-acl closed {
      inbound 100 deny all from 0.0.0.0/0
      outbound 100 allow all to 0.0.0.0/0
      associate CLOSED
    }
    security-group app { ingress tcp 8080 from 0.0.0.0/0 }
    instance app-1 in public-b sg app
    load-balancer edge network internet-facing in public-a public-b {
      listener tcp 80 -> tg
    }
    target-group tg tcp 8080 targets app-1
  }
  vpc other 10.9.0.0/16 {
    subnet a 10.9.0.0/24 az us-east-1a
    route-table rt { route 10.8.0.0/16 via pcx; associate a }
    instance client in a
  }
}

peering pcx shop <-> other
"""


def _two_nodes(closed: str) -> m.Network:
    return compiled(TWO_NODES.replace("CLOSED", closed))


def _tcp_allowed(network: m.Network, source: str, destination: str, port: int) -> bool:
    sim = Simulator(network)
    src = m.Place(m.PlaceKind.INTERNET, "internet")
    if source != "internet":
        src = m.Place(m.PlaceKind.INSTANCE, source, source, "other")
    dst = m.Place(m.PlaceKind.LOAD_BALANCER, destination, destination, "shop")
    return sim.trace(m.Query(src, dst, Protocol.TCP, port)).allowed


def test_exposure_of_a_load_balancer_whose_first_node_is_closed() -> None:
    # Each node is an attempt of its own: the port sweep must cut at what every attempt
    # read (the second node's listener), not only at the trace it returns (the first's).
    network = _two_nodes("public-a")
    assert _tcp_allowed(network, "internet", "edge", 80)
    assert not _tcp_allowed(network, "internet", "edge", 81)
    found = [(e.interface, e.protocol, e.ports) for e in exposure(network).exposed]
    assert ("shop.edge", "tcp", "80") in found
    assert not any(e[0] == "shop.edge" and e[2] != "80" for e in found if e[1] == "tcp")


def test_exposure_of_a_load_balancer_with_both_nodes_closed() -> None:
    network = _two_nodes("public-a public-b")
    assert not _tcp_allowed(network, "internet", "edge", 80)
    assert not [e for e in exposure(network).exposed if e.interface == "shop.edge"]


def test_diff_opens_a_load_balancer_behind_a_closed_first_node() -> None:
    # Old: both nodes' subnets closed; new: only the first. Port 80 opens (the second
    # node's listener), and no other port does.
    old, new = _two_nodes("public-a public-b"), _two_nodes("public-a")
    assert not _tcp_allowed(old, "internet", "edge", 80)
    assert _tcp_allowed(new, "internet", "edge", 80)
    result = reach_diff(NetworkAnalysis(old, bundled()), NetworkAnalysis(new, bundled()))
    tcp = [
        (c.source, c.destination, c.ports, c.before, c.after)
        for c in result.changes
        if c.protocol == "tcp" and c.destination == "shop.edge"
    ]
    for source in ("internet", "client"):
        assert _tcp_allowed(new, source, "edge", 80)
        assert not _tcp_allowed(new, source, "edge", 81)
        assert (source, "shop.edge", "80", "deny", "allow") in tcp
    assert all(c[2] == "80" for c in tcp)


def test_diff_of_a_load_balancer_that_stays_closed() -> None:
    old = _two_nodes("public-a public-b")
    result = reach_diff(NetworkAnalysis(old, bundled()), NetworkAnalysis(old, bundled()))
    assert not result.changes


PEERED_TGWS = """\
region us-east-1 {
  vpc east 10.0.0.0/16 {
    subnet app 10.0.1.0/24 az us-east-1a
    route-table rt main { route 10.0.0.0/8 via tgw-east }
    instance app in app
  }
  transit-gateway tgw-east {
    attach east subnets app
    route-table main {
      associate east east-west
      propagate east
      route 10.1.0.0/16 via east-west
    }
  }
}
region eu-west-1 {
  vpc west 10.1.0.0/16 {
    subnet data 10.1.1.0/24 az eu-west-1a
    route-table rt main { route 10.0.0.0/8 via tgw-west }
    security-group db-sg { ingress tcp 5432 from 10.0.0.0/16 }
    instance db in data sg db-sg
  }
  transit-gateway tgw-west {
    attach west subnets data
    route-table main {
      associate west east-west
      propagate west
      route 10.0.0.0/16 via east-west
    }
  }
}
tgw-peering east-west tgw-east <-> tgw-west
"""


def _diff(old: m.Network, new: m.Network) -> list[tuple[str, str, str, str, str, str]]:
    result = reach_diff(NetworkAnalysis(old, bundled()), NetworkAnalysis(new, bundled()))
    return [
        (c.source, c.destination, c.protocol, c.ports, c.before, c.after) for c in result.changes
    ]


def test_diff_of_a_transit_gateway_peering_gone_down() -> None:
    # Nothing of a VPC changes, only the peering between the transit gateways (§12 down).
    old = compiled(PEERED_TGWS)
    new = compiled(PEERED_TGWS.replace("<-> tgw-west\n", "<-> tgw-west down\n"))
    assert new.tgw_peerings["east-west"].down and not old.tgw_peerings["east-west"].down
    changes = _diff(old, new)
    assert ("app", "db", "tcp", "5432", "allow", "deny") in changes
    assert _diff(old, compiled(PEERED_TGWS)) == []  # its twin: the same peering, up


def test_diff_lists_a_transit_gateway_peering_that_changed() -> None:
    from netdraft.generator.diff import component_diff

    old = compiled(PEERED_TGWS)
    new = compiled(PEERED_TGWS.replace("<-> tgw-west\n", "<-> tgw-west down\n"))
    changed = [(c.kind, c.name) for c in component_diff(old, new).changed]
    assert ("tgw-peering", "east-west") in changed
    assert component_diff(old, compiled(PEERED_TGWS)).empty


# An internet-facing NLB in front of an internal ALB whose group admits the NLB's nodes.
NLB_ALB = """\
region us-east-1 {
  vpc shop 10.8.0.0/16 {
    internet-gateway igw
    subnet public-a 10.8.0.0/24 az us-east-1a
    subnet app-a 10.8.10.0/24 az us-east-1a
    route-table public {
      route 0.0.0.0/0 via igw
      associate public-a
    }
    security-group alb {
      ingress tcp 443 from 10.8.0.0/16
    }
    security-group app { ingress tcp 8080 from alb }
    instance app-1 in app-a sg app
    load-balancer edge network internet-facing in public-a {
      listener tcp 443 -> alb-tg
    }
    load-balancer inner application internal in app-a sg alb {
      listener https 443 -> app-tg
    }
    target-group alb-tg tcp 443 targets inner
    target-group app-tg http 8080 targets app-1
  }
}
"""


def test_diff_of_a_load_balancers_group() -> None:
    # The group is only a load balancer's: no instance is a member, yet its rules decide.
    old = compiled(NLB_ALB)
    closed = compiled(NLB_ALB.replace("443 from 10.8.0.0/16", "443 from 10.9.0.0/16"))
    assert ("internet", "shop.edge", "tcp", "443", "allow", "deny") in _diff(old, closed)
    # Its twin: a rule added that admits nothing the load balancer listens on.
    more = compiled(
        NLB_ALB.replace(
            "443 from 10.8.0.0/16", "443 from 10.8.0.0/16\n      ingress tcp 22 from 10.9.0.0/16"
        )
    )
    assert not [c for c in _diff(old, more) if c[1] == "shop.edge"]


def test_diff_of_a_load_balancer_targets_group() -> None:
    # The target's group no longer admits the ALB: the target is unhealthy, and the NLB in
    # front answers no connection on its listener's port (443, not the group's 8080).
    old = compiled(NLB_ALB)
    closed = compiled(NLB_ALB.replace("8080 from alb", "8080 from 10.9.0.0/16"))
    assert ("internet", "shop.edge", "tcp", "443", "allow", "deny") in _diff(old, closed)
    # Its twin: the group opens another port; the load balancers answer as before.
    more = compiled(
        NLB_ALB.replace("8080 from alb", "8080 from alb\n    ingress tcp 9090 from alb")
    )
    assert not [c for c in _diff(old, more) if c[1] in ("shop.edge", "shop.inner")]


def test_diff_of_a_route_to_the_internet_gateway_for_a_load_balancers_node() -> None:
    # Without it the internet gateway drops what comes for the node (a public subnet's is
    # the route table's only test): adding the route opens the load balancer, removing it
    # closes it, though the old trace has no route step.
    public = compiled(NLB_ALB)
    private = compiled(NLB_ALB.replace("      route 0.0.0.0/0 via igw\n", ""))
    opened = ("internet", "shop.edge", "tcp", "443", "deny", "allow")
    closed = ("internet", "shop.edge", "tcp", "443", "allow", "deny")
    assert opened in _diff(private, public)
    assert closed in _diff(public, private)
    assert _diff(private, private) == []


def _nlb_alb_apart(rules: str) -> m.Network:
    # The target in a subnet of its own, behind an ACL: the ALB reaches it across the ACL,
    # on port 80 (a port below the ephemeral range: an ACL rule on it reads no reply).
    text = NLB_ALB.replace("8080", "80").replace(
        "instance app-1 in app-a sg app",
        "subnet app-b 10.8.11.0/24 az us-east-1a\n"
        f"    network-acl apps {{\n{rules}\n"
        "      outbound 100 allow all to 0.0.0.0/0\n      associate app-b\n    }\n"
        "    instance app-1 in app-b sg app",
    )
    return compiled(text)


def test_diff_of_an_acl_on_the_way_to_a_load_balancers_target() -> None:
    # The ACL's changed rule is on the target group's port (80); the question that
    # changes is on the listener's (443).
    old = _nlb_alb_apart("      inbound 100 allow all from 0.0.0.0/0")
    new = _nlb_alb_apart(
        "      inbound 90 deny tcp 80 from 0.0.0.0/0\n      inbound 100 allow all from 0.0.0.0/0"
    )
    assert ("internet", "shop.edge", "tcp", "443", "allow", "deny") in _diff(old, new)
    # Its twin: the rule denies a port the target group does not use.
    other = _nlb_alb_apart(
        "      inbound 90 deny tcp 22 from 0.0.0.0/0\n      inbound 100 allow all from 0.0.0.0/0"
    )
    assert not [c for c in _diff(old, other) if c[1] in ("shop.edge", "shop.inner")]
