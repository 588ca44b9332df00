"""Every kind has its handler: route targets, components, drops and arrivals (no gaps in a table)."""

from __future__ import annotations

import pytest

from netdraft.generator import explain, view
from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.sim.path import ROUTE_TARGETS, ends
from netdraft.sim.trace import (
    PLACE_KINDS,
    TARGET_KINDS,
    Arrival,
    ComponentKind,
    Dropped,
    Obstacle,
    RouteProblem,
    RouteStep,
    Step,
)


def test_every_route_target_kind_has_a_mechanism() -> None:
    assert set(ROUTE_TARGETS) == set(m.TargetKind) - {m.TargetKind.BLACKHOLE}


def test_every_route_target_but_local_names_a_component() -> None:
    assert set(TARGET_KINDS) == set(m.TargetKind) - {m.TargetKind.LOCAL, m.TargetKind.BLACKHOLE}


def test_every_place_is_a_component_with_its_ends() -> None:
    assert set(PLACE_KINDS) == set(m.PlaceKind)
    assert set(ends._ENDS) == set(m.PlaceKind)


def test_every_component_but_a_subnet_is_drawn_at_a_node() -> None:
    assert set(view._NODES) == set(ComponentKind) - {ComponentKind.SUBNET}


@pytest.mark.parametrize("obstacle", list(Obstacle), ids=lambda o: o.value)
def test_every_obstacle_has_a_sentence(obstacle: Obstacle) -> None:
    d = Dropped(DropCode.NO_ROUTE_TO_DESTINATION, obstacle, ComponentKind.VPN, "x", "a", "p", "t")
    component, action, detail = explain.step_text(d)
    assert component and action == "dropped" and detail


@pytest.mark.parametrize("arrival", list(Arrival), ids=lambda a: a.value)
def test_every_arrival_has_a_sentence(arrival: Arrival) -> None:
    assert arrival in explain._ARRIVALS


def test_route_problems_are_drops() -> None:
    for problem in RouteProblem:
        step = Step(RouteStep("main", "10.0.0.1", problem=problem))
        assert not step.ok
        assert explain.step_text(step.detail)[1] == "dropped"
