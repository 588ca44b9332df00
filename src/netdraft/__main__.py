"""``python -m netdraft …``: the same command as ``netdraft …``."""

from __future__ import annotations

import sys

from netdraft.cli import main

sys.exit(main())
