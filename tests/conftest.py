"""Shared test settings: hypothesis profiles, chosen with ``HYPOTHESIS_PROFILE=ci|dev``."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

# `ci` replays the same examples on every run (no flaky reds); `dev` explores new ones each run.
# Example counts are set per test (see tests/dsl/test_properties.py for scaling them up).
settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
# `fuzz` is a long local run of the tests that read their example count from the profile
# (tests/importer/test_import_fuzz.py): HYPOTHESIS_PROFILE=fuzz pytest tests/importer.
settings.register_profile(
    "fuzz", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True, scope="session")
def _user_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The MkDocs plugin keeps its cache secret in the user's cache folder: tests use their own."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(autouse=True, scope="session")
def _no_compile_cache() -> Iterator[None]:
    """Commands run in tests compile anew (tests monkeypatch the compiler's limits); the
    cache of compiled networks has tests of its own (tests/test_compile_cache.py).
    ``NETDRAFT_TEST_CACHE=1`` runs the whole suite with the cache on instead."""
    if os.environ.get("NETDRAFT_TEST_CACHE"):
        yield
        return
    old = os.environ.get("NETDRAFT_NO_CACHE")
    os.environ["NETDRAFT_NO_CACHE"] = "1"
    yield
    if old is None:
        os.environ.pop("NETDRAFT_NO_CACHE", None)
    else:
        os.environ["NETDRAFT_NO_CACHE"] = old


@pytest.fixture(autouse=True, scope="session")
def _other_fonts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """``NETDRAFT_OTHER_FONTS=1`` runs the tests with every font replaced by a monospace
    one (tests/other_fonts.py): a machine with other fonts must pass them all."""
    from other_fonts import VARIABLE, font_config

    if os.environ.get(VARIABLE) != "1":
        yield
        return
    config = font_config(tmp_path_factory.mktemp("other-fonts"))
    if config is None:
        pytest.exit(f"{VARIABLE}=1: this machine has no other font to draw with", returncode=2)
    old = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(config)
    yield
    if old is None:
        os.environ.pop("FONTCONFIG_FILE", None)
    else:
        os.environ["FONTCONFIG_FILE"] = old
