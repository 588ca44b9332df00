"""A fontconfig configuration with other fonts, for the tests that must not depend on them.

Every family is mapped to one monospace face, much wider than the sans-serif the diagrams
ask for, so that Graphviz measures every label differently and every box moves.
``NETDRAFT_OTHER_FONTS=1`` runs the tests under it (tests/conftest.py;
scripts/test-other-fonts.sh); tests/test_font_independence.py uses it directly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

#: Set to 1 to run the tests with every font replaced by a monospace one.
VARIABLE = "NETDRAFT_OTHER_FONTS"


def _fc(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        list(args), capture_output=True, text=True, check=False, timeout=60, env=env
    )
    return done.stdout.strip()


def font_config(folder: Path) -> Path | None:
    """Write the configuration into ``folder``; its path, or None when this machine has no
    fontconfig or no monospace face other than the one it uses for sans-serif."""
    if shutil.which("fc-match") is None or shutil.which("fc-query") is None:
        return None
    mono = _fc("fc-match", "-f", "%{file}", "monospace")
    sans = _fc("fc-match", "-f", "%{file}", "Helvetica")
    if not mono or not Path(mono).is_file() or mono == sans:
        return None
    family = _fc("fc-query", "-f", "%{family[0]}", mono)
    if not family:
        return None
    config = folder / "fonts.conf"
    config.write_text(
        f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>{Path(mono).parent}</dir>
  <cachedir>{folder / "cache"}</cachedir>
  <match target="pattern">
    <edit name="family" mode="assign" binding="strong"><string>{family}</string></edit>
  </match>
</fontconfig>
""",
        "utf-8",
    )
    # The configuration works: the diagrams' sans-serif is now the monospace face.
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    if _fc("fc-match", "-f", "%{file}", "Helvetica", env=env) != mono:
        return None
    return config
