"""The golden files of the generator's tests: ``NETDRAFT_UPDATE_GOLDEN=1`` rewrites them."""

from __future__ import annotations

import os
from pathlib import Path

UPDATE = os.environ.get("NETDRAFT_UPDATE_GOLDEN") == "1"


def matches_golden(path: Path, text: str) -> None:
    """``text`` is the golden file's (written first when ``NETDRAFT_UPDATE_GOLDEN=1``)."""
    if UPDATE:
        path.write_text(text, "utf-8")
    assert path.is_file(), f"missing {path}: run with NETDRAFT_UPDATE_GOLDEN=1"
    assert text == path.read_text("utf-8")
