#!/usr/bin/env bash
# Set up everything netdraft needs on a fresh Debian/Ubuntu machine: Graphviz (with the
# DejaVu fonts, whose monospace face the other-fonts tests draw with) and a
# virtual environment with netdraft and its development tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dot >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq graphviz fonts-dejavu-core >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo apt-get install -y -qq graphviz fonts-dejavu-core >/dev/null
  else
    echo "setup: Graphviz ('dot') is missing; install the graphviz package" >&2
    exit 1
  fi
fi

# Chromium, only when asked (NETDRAFT_WITH_CHROMIUM=1, as .ci/run does): the Material site
# is looked at in it (tests/test_mkdocs_browser.py, scripts/screenshot-site.py); without it
# those tests are skipped. Debian's package; no browser is downloaded by any Python package.
if [ "${NETDRAFT_WITH_CHROMIUM:-0}" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: Chromium is missing; install the chromium package" >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[dev]'
