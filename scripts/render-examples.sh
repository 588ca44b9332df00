#!/usr/bin/env bash
# Render every example into examples/NN-name.svg (the pictures the docs and the README show),
# and record in examples/diagrams.sha256 the digest of the DOT text each one was drawn from:
# tests/test_examples_folder.py compares it with the DOT netdraft makes today, which does not
# depend on the machine's fonts as the SVG's coordinates do.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
for example in examples/*.nd examples/components/*.nd; do
  "$python" -m netdraft.cli render "$example" -o "${example%.nd}.svg"
done
"$python" - <<'PY'
"""Write examples/diagrams.sha256: one "<sha256 of the DOT text>  <NN-name.svg>" line per example."""

import hashlib
from pathlib import Path

import netdraft
from netdraft.files import write_atomic
from netdraft.generator.diagram import dot_text

for folder in (Path("examples"), Path("examples") / "components"):
    lines = ["# sha256 of the DOT text each diagram was drawn from (scripts/render-examples.sh)"]
    for example in sorted(folder.glob("*.nd")):
        text = dot_text(netdraft.load_network(example))
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        lines.append(f"{digest}  {example.with_suffix('.svg').name}")
    write_atomic(folder / "diagrams.sha256", "\n".join(lines) + "\n")
PY
