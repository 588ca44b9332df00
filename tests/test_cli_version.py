"""``netdraft --version`` starts as fast as ``--help`` (issue 20): it reads the package's
metadata and loads neither the API (``cli`` binds it lazily) nor the model, the compiler
or the simulator."""

from __future__ import annotations

import os
import subprocess
import sys

from netdraft import about, api

PROBE = (
    "import sys\n"
    "from netdraft import cli\n"
    "try:\n"
    "    cli.main(['--version'])\n"
    "except SystemExit as exit:\n"
    "    code = exit.code\n"
    "heavy = ('netdraft.model.network', 'netdraft.sim', 'netdraft.dsl.parse')  # api: lazy\n"
    "print(code, [m for m in heavy if m in sys.modules], file=sys.stderr)\n"
)


def test_version_imports_nothing_heavy() -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.stdout == f"netdraft {about.version()}\n"
    assert done.stderr.strip() == "0 []"


def test_the_api_says_the_same_version() -> None:
    assert api.version() == about.version()
    assert about.version()
