"""Names of imported resources: Name tags made valid, unique within their scope, else ids."""

from __future__ import annotations

import pytest

from netdraft.importer.names import RESERVED, allocate, sanitize


@pytest.mark.parametrize(
    ("tag", "name"),
    [
        ("prod", "prod"),
        ("Prod VPC (main)", "Prod-VPC-main"),
        ("web_1", "web_1"),
        ("1st-db", "_1st-db"),
        ("-edge-", "edge"),
        ("db.internal", "db-internal"),
        ("  ", None),
        ("###", None),
        ("café", "caf"),
        (None, None),
    ],
)
def test_sanitize(tag: str | None, name: str | None) -> None:
    assert sanitize(tag) == name


def test_a_unique_tag_names_its_resource() -> None:
    assert allocate([("vpc-1", "prod"), ("vpc-2", "dev"), ("vpc-3", None)]) == {
        "vpc-1": "prod",
        "vpc-2": "dev",
        "vpc-3": "vpc-3",
    }


def test_a_shared_tag_names_none_of_its_resources() -> None:
    found = allocate([("i-1", "worker"), ("i-2", "worker"), ("i-3", "Worker")])
    assert found == {"i-1": "i-1", "i-2": "i-2", "i-3": "Worker"}


def test_tags_that_sanitise_alike_clash() -> None:
    assert allocate([("sg-1", "web server"), ("sg-2", "web/server")]) == {
        "sg-1": "sg-1",
        "sg-2": "sg-2",
    }


def test_reserved_taken_and_other_ids_are_not_names() -> None:
    found = allocate(
        [("s-1", "sg"), ("s-2", "prod"), ("s-3", "s-4"), ("s-4", None)], taken={"prod"}
    )
    assert found == {"s-1": "s-1", "s-2": "s-2", "s-3": "s-3", "s-4": "s-4"}
    assert "sg" in RESERVED


def test_the_second_preference_is_tried_before_the_id() -> None:
    found = allocate(
        [("sg-1", "legacy", "legacy"), ("sg-2", "legacy", "legacy-copy"), ("sg-3", None, "app")],
        {"default"},
    )
    assert found == {"sg-1": "legacy", "sg-2": "legacy-copy", "sg-3": "app"}
