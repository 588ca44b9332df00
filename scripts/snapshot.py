"""Write every command's output on every example into a folder, to compare two versions.

A change that should change no behaviour (a refactoring) is checked by taking a snapshot
before and after and comparing the folders::

    .venv/bin/python scripts/snapshot.py /tmp/before      # on the old version
    .venv/bin/python scripts/snapshot.py /tmp/after       # on the new one
    .venv/bin/python scripts/snapshot.py --compare /tmp/before /tmp/after

The snapshot holds, for each example: ``check`` (stdout, stderr, exit code), ``cost`` and
``cost --json``, ``render`` to DOT (and to DOT with each expectation's path highlighted),
``docs`` (the page), and ``path`` and ``path --json`` for every ``expect`` line's
endpoints. ``--compare`` ignores the ``version`` field of ``path --json``, which a
change of the JSON form bumps.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(Path("examples").glob("*.nd"))  # relative: the same text in any checkout
EXPECT = re.compile(
    r"^expect (?!cost)(\S+) (?:->|<->) (\S+)(?: (tcp|udp|icmp|icmpv6|all))?(?: ([0-9-]+|any))?",
    re.M,
)


def run(argv: list[str]) -> str:
    """One command's exit code, stdout and stderr, as text."""
    from netdraft.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    return f"exit {code}\n--- stdout\n{out.getvalue()}--- stderr\n{err.getvalue()}"


def queries(text: str) -> list[list[str]]:
    found = []
    for m in EXPECT.finditer(text):
        words = [w for w in m.groups() if w and w != "any"]
        if words not in found:
            found.append(words)
    return found


def snapshot(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for example in EXAMPLES:
        name = example.stem
        text = example.read_text("utf-8")
        (folder / f"{name}.check.txt").write_text(run(["check", str(example)]))
        (folder / f"{name}.cost.txt").write_text(run(["cost", str(example)]))
        (folder / f"{name}.cost.json.txt").write_text(run(["cost", str(example), "--json"]))
        with tempfile.TemporaryDirectory() as scratch:
            dot = Path(scratch) / "n.dot"
            run(["render", str(example), "-o", str(dot)])
            shutil.copyfile(dot, folder / f"{name}.dot")
            site = Path(scratch) / "site"
            result = run(["docs", str(example), "-o", str(site)])
            (folder / f"{name}.docs.txt").write_text(result.replace(str(site), "SITE"))
            shutil.copyfile(site / f"{name}.md", folder / f"{name}.md")
            for i, words in enumerate(queries(text)):
                stem = f"{name}.path{i:02}"
                (folder / f"{stem}.txt").write_text(
                    " ".join(words) + "\n" + run(["path", str(example), *words])
                )
                (folder / f"{stem}.json.txt").write_text(
                    run(["path", str(example), *words, "--json"])
                )
                hl = Path(scratch) / "h.dot"
                run(["render", str(example), "-o", str(hl), "--highlight", *words])
                if hl.exists():
                    shutil.copyfile(hl, folder / f"{stem}.dot")
                    hl.unlink()


def _normal(path: Path) -> str:
    text = path.read_text("utf-8")
    if path.name.endswith(".json.txt") and ".path" in path.name:
        head, _, body = text.partition("--- stdout\n")
        data, _, tail = body.partition("--- stderr\n")
        with contextlib.suppress(json.JSONDecodeError):
            parsed = json.loads(data)
            parsed.pop("version", None)
            data = json.dumps(parsed, indent=2) + "\n"
        text = head + "--- stdout\n" + data + "--- stderr\n" + tail
    return text


def compare(before: Path, after: Path) -> int:
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    differ = [
        n
        for n in names
        if not (before / n).exists()
        or not (after / n).exists()
        or _normal(before / n) != _normal(after / n)
    ]
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(names) - len(differ)} of {len(names)} outputs identical")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    if args.compare:
        return compare(*args.folders)
    target = args.folders[0].resolve()
    os.chdir(ROOT)
    snapshot(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
