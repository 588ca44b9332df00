#!/usr/bin/env bash
# Set up, then run netdraft's main job on the bundled example: check it (every expect),
# explain one path, price it, and write its diagram and Markdown documentation to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
example=examples/01-public-private-nat.nd
.venv/bin/netdraft check "$example"
.venv/bin/netdraft path "$example" app-1 internet tcp 443
.venv/bin/netdraft cost "$example"
.venv/bin/netdraft render "$example" -o out/01-public-private-nat.svg
.venv/bin/netdraft docs "$example" -o out/
echo "wrote out/01-public-private-nat.svg and out/01-public-private-nat.md"
