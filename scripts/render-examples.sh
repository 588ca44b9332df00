#!/usr/bin/env bash
# Render every example into examples/NN-name.svg (the pictures the docs and the README show).
set -euo pipefail
cd "$(dirname "$0")/.."
for example in examples/*.nd; do
  .venv/bin/netdraft render "$example" -o "${example%.nd}.svg"
done
