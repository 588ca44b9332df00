#!/usr/bin/env bash
# Run the tests that draw with every font replaced by a monospace one (tests/other_fonts.py):
# a machine with other fonts than this one must pass them (no test depends on fonts).
set -euo pipefail
cd "$(dirname "$0")/.."
NETDRAFT_OTHER_FONTS=1 .venv/bin/python -m pytest -q -p no:cacheprovider \
  tests/test_examples_folder.py tests/generator tests/test_mkdocs_plugin.py \
  tests/test_mkdocs_layout.py tests/test_mkdocs_include.py tests/test_cli_outputs.py "$@"
