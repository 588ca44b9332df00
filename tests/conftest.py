"""Shared test settings: hypothesis profiles, chosen with ``HYPOTHESIS_PROFILE=ci|dev``."""

from __future__ import annotations

import os

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
