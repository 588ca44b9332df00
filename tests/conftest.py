"""Shared test settings: hypothesis profiles (``HYPOTHESIS_PROFILE=ci|dev``) and spec paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

#: The language's contract, copied from the shared spec: files that must compile, and errors.
SPEC = Path(__file__).parent / "spec"

# CI replays the same examples every run (no flaky reds); `dev` explores new ones each run.
settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def spec_dir() -> Path:
    """The folder holding ``examples/`` and ``errors/`` from the shared spec."""
    return SPEC
