"""``python -m netdraft …``: the same command as ``netdraft …``."""

from __future__ import annotations

from netdraft.cli import run

run()
