"""Hostile names: price files and fence sources that lead to secrets, devices, FIFOs, huge files.

Each case runs in a child process with a timeout (a FIFO or ``/dev/stdin`` read would
block forever, ``/dev/zero`` would fill memory: the test must fail, not hang) and with a
marker in its environment, which ``/proc/self/environ`` would show; the files outside
the tree hold the marker too. Nothing the child prints or writes may contain it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import netdraft
from netdraft.files import MAX_PRICE_BYTES, MAX_SOURCE_BYTES
from tiny_network import TINY

MARKER = "nd-secret-5b1e9c"

NETWORK = TINY + "flow web: www -> internet tcp 443 volume 10GB\n"

# Runs netdraft.cli.main once per argument list, in one process (to keep the suite quick).
DRIVER = """\
import contextlib, io, json, sys
from netdraft.cli import main
results = []
for argv in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    results.append({"argv": argv, "code": code, "out": out.getvalue(), "err": err.getvalue()})
print(json.dumps(results))
"""

TIMEOUT = 60  # seconds; a blocked read fails the test instead of hanging it
MEMORY = 1024**3  # bytes of address space: reading /dev/zero fails fast


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _child(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` (after ``python``) with the marker in the environment and stdin held open."""
    # The child imports the netdraft under test, whatever its working folder.
    package_root = str(Path(netdraft.__file__).resolve().parents[1])
    path = os.pathsep.join([package_root, *filter(None, [os.environ.get("PYTHONPATH")])])
    env = {**os.environ, "PYTHONPATH": path, "NETDRAFT_SECRET_MARKER": MARKER, "NO_COLOR": "1"}
    read_end, write_end = os.pipe()  # a stdin that never ends: reading it would block
    try:
        return subprocess.run(
            [sys.executable, *argv],
            cwd=cwd,
            env=env,
            stdin=read_end,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            preexec_fn=_limit_memory,
            check=False,
        )
    finally:
        os.close(read_end)
        os.close(write_end)


def _tree(tmp_path: Path) -> Path:
    """A tree with a network in it; secrets, devices and FIFOs in it and around it."""
    tree = tmp_path / "tree"
    tree.mkdir()
    (tmp_path / "secret.toml").write_text(f'{MARKER} = "{MARKER}"\n', "utf-8")
    (tmp_path / "secret.nd").write_text(f"{MARKER}\n", "utf-8")
    os.mkfifo(tree / "fifo.toml")
    os.mkfifo(tree / "fifo.nd")
    (tree / "zero.toml").symlink_to("/dev/zero")
    (tree / "zero.nd").symlink_to("/dev/zero")
    (tree / "environ.toml").symlink_to("/proc/self/environ")
    (tree / "link.toml").symlink_to(tmp_path / "secret.toml")
    (tree / "link.nd").symlink_to(tmp_path / "secret.nd")
    for name, limit in (("big.toml", MAX_PRICE_BYTES), ("big.nd", MAX_SOURCE_BYTES)):
        with open(tree / name, "wb") as fh:  # sparse: large, and quick to make
            fh.write(f"{MARKER} = 1\n".encode())
            fh.truncate(limit + 1)
    return tree


def _outputs(tree: Path) -> str:
    """Everything the commands wrote into the tree's output folder."""
    out = tree / "out"
    return "".join(
        p.read_text("utf-8", errors="replace") for p in sorted(out.rglob("*")) if p.is_file()
    )


def _commands(net: str, extra: list[str]) -> list[list[str]]:
    return [
        ["check", net, *extra],
        ["cost", net, *extra],
        ["render", net, "-o", "out/net.dot", *extra],
        ["docs", net, "-o", "out/docs", *extra],
    ]


def _run_commands(tree: Path, commands: list[list[str]]) -> list[dict[str, object]]:
    done = _child(["-c", DRIVER, json.dumps(commands)], tree)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert MARKER not in done.stdout + done.stderr
    results: list[dict[str, object]] = json.loads(done.stdout)
    return results


# --- prices statements: confined to the network's folder tree -------------------------------

STATEMENTS = [
    ("/proc/self/environ", "is outside the folder tree of 'net.nd'"),
    ("/dev/zero", "is outside the folder tree"),
    ("/dev/stdin", "is outside the folder tree"),
    ("../secret.toml", "is outside the folder tree"),
    ("../../../../../../etc/shadow", "is outside the folder tree"),
    ("link.toml", "is outside the folder tree"),
    ("zero.toml", "is outside the folder tree"),
    ("environ.toml", "is outside the folder tree"),
    ("fifo.toml", "not a regular file"),
    ("big.toml", "larger than 1 MiB"),
]


@pytest.mark.parametrize(("name", "reason"), STATEMENTS, ids=[s[0] for s in STATEMENTS])
def test_prices_statement_naming_a_hostile_file(tmp_path: Path, name: str, reason: str) -> None:
    tree = _tree(tmp_path)
    (tree / "net.nd").write_text(f'prices "{name}"\n{NETWORK}', "utf-8")
    for result in _run_commands(tree, _commands("net.nd", [])):
        assert result["code"] == 1, result
        err = str(result["err"])
        assert "net.nd:1:1: error[price-file]: " in err and reason in err, result
    assert MARKER not in _outputs(tree)


# --- --prices: the user's own choice, not confined, but still bounded and regular -----------

OPTIONS = [
    ("/proc/self/environ", 1, "control character U+0000"),
    ("environ.toml", 1, "control character U+0000"),
    ("/dev/zero", 2, "no such file"),
    ("zero.toml", 2, "no such file"),
    ("/dev/stdin", 2, "no such file"),
    ("fifo.toml", 2, "no such file"),
    ("big.toml", 1, "larger than 1 MiB"),
]


@pytest.mark.parametrize(("name", "code", "reason"), OPTIONS, ids=[o[0] for o in OPTIONS])
def test_prices_option_naming_a_hostile_file(
    tmp_path: Path, name: str, code: int, reason: str
) -> None:
    tree = _tree(tmp_path)
    (tree / "net.nd").write_text(NETWORK, "utf-8")
    for result in _run_commands(tree, _commands("net.nd", ["--prices", name])):
        assert result["code"] == code, result
        assert reason in str(result["err"]), result
    assert MARKER not in _outputs(tree)


def test_the_network_file_itself_may_not_be_a_device_or_a_fifo(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    commands = [cmd for name in ("fifo.nd", "zero.nd", "/dev/stdin") for cmd in _commands(name, [])]
    commands += _commands("big.nd", [])
    for result in _run_commands(tree, commands):
        assert result["code"] == 2, result
    assert MARKER not in _outputs(tree)


# --- the MkDocs plugin ------------------------------------------------------------------------

SOURCES = [
    "/proc/self/environ",
    "/etc/passwd",
    "../../etc/hostname",
    "../../secret.nd",
    "link.nd",
    "zero.nd",
    "fifo.nd",
    "big.nd",
]
PRICES = [  # relative to the page, in docs/
    "/proc/self/environ",
    "/dev/zero",
    "/dev/stdin",
    "../../secret.toml",
    "../link.toml",
    "../zero.toml",
    "../environ.toml",
    "../fifo.toml",
    "../big.toml",
]


def _site(tmp_path: Path, prices_option: str = "") -> Path:
    """A site whose pages name every hostile file, in ``src=`` and in ``prices`` lines.

    The hostile files sit beside ``mkdocs.yml``, where ``src=`` finds files too: MkDocs
    itself copies every file of ``docs_dir`` into the site, FIFOs and devices included.
    """
    site = _tree(tmp_path)
    docs = site / "docs"
    docs.mkdir()
    blocks = [f'```netdraft {{src="{name}"}}\n```\n' for name in SOURCES]
    blocks += [f'```netdraft\nprices "{name}"\n{NETWORK}```\n' for name in PRICES]
    (docs / "index.md").write_text("# Home\n\n" + "\n".join(blocks), "utf-8")
    plugin = (
        "  - netdraft\n" if not prices_option else f"  - netdraft:\n      prices: {prices_option}\n"
    )
    (site / "mkdocs.yml").write_text(f"site_name: hostile\nplugins:\n{plugin}", "utf-8")
    return site


def _build(site: Path, strict: bool) -> subprocess.CompletedProcess[str]:
    argv = ["-m", "mkdocs", "build", *(["--strict"] if strict else [])]
    done = _child(argv, site)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert MARKER not in done.stdout + done.stderr
    return done


def test_mkdocs_blocks_naming_hostile_files(tmp_path: Path) -> None:
    site = _site(tmp_path)
    assert _build(site, strict=True).returncode == 1
    done = _build(site, strict=False)
    assert done.returncode == 0, done.stderr
    page = (site / "site" / "index.html").read_text("utf-8")
    assert page.count('<div class="netdraft-error"') == len(SOURCES) + len(PRICES)
    assert MARKER not in page and "root:" not in page
    for file in (site / "site").rglob("*"):
        if file.is_file() and file.suffix in (".html", ".svg", ".xml", ".json"):
            assert MARKER not in file.read_text("utf-8", errors="replace"), file
    for name in SOURCES + PRICES:
        assert name in page


def test_mkdocs_prices_option_naming_the_environment(tmp_path: Path) -> None:
    site = _site(tmp_path, prices_option="/proc/self/environ")
    done = _build(site, strict=False)
    assert done.returncode == 0, done.stderr
    page = (site / "site" / "index.html").read_text("utf-8")
    assert "control character U+0000" in page
    assert MARKER not in page


# --- the reader itself ------------------------------------------------------------------------


def test_read_named_resolves_before_it_opens(tmp_path: Path) -> None:
    from netdraft.files import FileProblem, OutsideTree, read_named

    tree = _tree(tmp_path)
    (tree / "sub").mkdir()
    (tree / "sub" / "p.toml").write_text("tgw_per_gb = 1\n", "utf-8")
    real, data = read_named("sub/../sub/p.toml", tree, [tree], 100, suffix=".toml")
    assert (real, data) == ((tree / "sub" / "p.toml").resolve(), b"tgw_per_gb = 1\n")
    for name in ("../secret.toml", "link.toml", "zero.toml", "/proc/self/environ", "sub/\0x"):
        with pytest.raises(OutsideTree):
            read_named(name, tree, [tree], 100, suffix=".toml")
    (tree / "sub" / "git-config").write_text("token = x\n", "utf-8")
    (tree / "named.toml").symlink_to(tree / "sub" / "git-config")
    with pytest.raises(FileProblem, match=r"not a \.toml file"):
        read_named("named.toml", tree, [tree], 100, suffix=".toml")
    with pytest.raises(FileProblem, match="not a regular file"):
        read_named("fifo.toml", tree, [tree], 100, suffix=".toml")
    with pytest.raises(FileProblem, match="larger than"):
        read_named("big.toml", tree, [tree], MAX_PRICE_BYTES, suffix=".toml")
