"""``netdraft path``: the hop-by-hop text, the documented JSON, exit codes, determinism."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from netdraft.cli import main

SPEC = Path(__file__).parent / "spec" / "examples"
NAT = str(SPEC / "01-public-private-nat.nd")
ACLS = str(SPEC / "08-nacl-ephemeral.nd")

#: The keys of `netdraft path --json`, in the documented order.
JSON_KEYS = [
    "version",
    "query",
    "verdict",
    "code",
    "leg",
    "reason",
    "source_address",
    "destination_address",
    "source_ports",
    "port_runs",
    "forward",
    "return",
]
HOP_KEYS = ["kind", "name", "vpc", "region", "az", "site", "steps"]
STEP_KEYS = ["component", "action", "detail", "ok", "line"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refusing the command line
        code = exc.code if isinstance(exc.code, int) else 2
    out = capsys.readouterr()
    return code, out.out, out.err


# (file, src, dst, proto, port, verdict, code, leg, a name the request crosses)
PATHS = [
    (NAT, "app-1", "internet", "tcp", "443", "allow", None, None, "nat-a"),
    (NAT, "203.0.113.10", "bastion", "tcp", "22", "allow", None, None, "igw"),
    (NAT, "198.51.100.7", "bastion", "tcp", "22", "deny", "SG_INGRESS_MISMATCH", "forward", "igw"),
    (NAT, "internet", "app-1", "tcp", "443", "deny", "NO_PUBLIC_IP", "forward", "igw"),
    (ACLS, "site1", "203.0.113.5", "tcp", "443", "deny", "ACL_RETURN_DENY", "return", "igw"),
    (ACLS, "site2", "203.0.113.5", "tcp", "443", "allow", None, None, "igw"),
]


def _id(row: tuple[object, ...]) -> str:
    return f"{Path(str(row[0])).stem[:2]}:{row[1]}->{row[2]}"


@pytest.mark.parametrize("row", PATHS, ids=_id)
def test_text(row: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    file, src, dst, proto, port, verdict, code, leg, via = row
    status, out, err = run(["path", file, src, dst, proto, port], capsys)
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == f"{src} -> {dst} {proto} {port}: {verdict.upper()}"
    assert "  request:" in lines
    assert any(via in line for line in lines)
    if verdict == "allow":
        assert "  reply:" in lines
        assert lines[-1].startswith("  allowed: the connection works from source ports ")
    else:
        assert lines[-1].startswith(
            f"  denied on the {'request' if leg == 'forward' else 'reply'}: {code} — "
        )
        assert any("✗" in line for line in lines)
    assert "Traceback" not in out + err


@pytest.mark.parametrize("row", PATHS, ids=_id)
def test_json(row: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    file, src, dst, proto, port, verdict, code, leg, via = row
    status, out, err = run(["path", file, src, dst, proto, port, "--json"], capsys)
    assert status == 0, err
    doc = json.loads(out)
    assert list(doc) == JSON_KEYS
    assert doc["version"] == 2
    assert doc["query"] == {
        "source": src,
        "destination": dst,
        "protocol": proto,
        "port": int(port),
        "icmp": None,
    }
    assert doc["port_runs"] == []
    assert (doc["verdict"], doc["code"], doc["leg"]) == (verdict, code, leg)
    assert (doc["reason"] is None) == (verdict == "allow")
    assert isinstance(doc["source_address"], str) and isinstance(doc["destination_address"], str)
    assert all(isinstance(r, str) for r in doc["source_ports"]) and doc["source_ports"]
    assert doc["forward"] and any(h["name"] == via for h in doc["forward"])
    assert bool(doc["return"]) == (leg != "forward")
    for hop in (*doc["forward"], *doc["return"]):
        assert list(hop) == HOP_KEYS
        for step in hop["steps"]:
            assert list(step) == STEP_KEYS
            assert isinstance(step["ok"], bool)
            assert step["line"] is None or isinstance(step["line"], int)
    if verdict == "deny":
        last = (doc["forward"] if leg == "forward" else doc["return"])[-1]
        assert last["steps"][-1]["ok"] is False


def test_json_icmp_has_no_port_and_no_source_ports(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["path", NAT, "app-1", "app-2", "icmp", "--json"], capsys)
    assert status == 0
    doc = json.loads(out)
    assert doc["query"]["port"] is None and doc["source_ports"] == []
    assert doc["verdict"] == "allow"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["path", NAT, "app-9", "internet", "tcp", "443"], "app-9"),
        (["path", NAT, "app-1", "nowhere", "tcp", "443"], "nowhere"),
        (["path", NAT, "demo.app-9", "internet", "tcp", "443"], "demo.app-9"),
        (["path", NAT, "app-1", "internet", "tcp"], "port"),
        (["path", NAT, "app-1", "internet", "tcp", "1-70000"], "1-70000"),
        (["path", NAT, "app-1", "internet", "tcp", "443", "a", "b", "c", "d"], "SRC DST"),
        (["path", NAT, "app-1", "internet", "tcp", "443", "extra"], "extra"),
        (["path", NAT, "app-1", "internet", "tcp", "443", "type", "8"], "bad-icmp"),
        (["path", NAT, "app-1", "internet", "icmp", "type", "256"], "256"),
        (["path", "does-not-exist.nd", "app-1", "internet", "tcp", "443"], "does-not-exist.nd"),
        (["path", str(SPEC), "app-1", "internet", "tcp", "443"], str(SPEC)),  # a folder
        (["path", NAT, "app-1", "internet", "tcp", "443", "--jsn"], "--jsn"),
    ],
    ids=["unknown-src", "unknown-dst", "unknown-qualified", "no-port", "port-range",
         "extra-args", "extra-word", "type-on-tcp", "type-too-big", "missing-file", "folder",
         "bad-flag"],
)  # fmt: skip
def test_misuse_exits_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(argv, capsys)
    assert status == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_file_with_errors_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.nd"
    broken.write_text(
        "region us-east-1 {\n  vpc v 10.0.0.0/16 {\n    subnet a 10.1.0.0/24 az x\n  }\n}\n"
    )
    status, _out, err = run(["path", str(broken), "a", "b", "tcp", "443"], capsys)
    assert status == 1
    assert f"{broken}:3:" in err and "subnet-outside-vpc" in err


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["text", "json"])
def test_output_is_deterministic(json_flag: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    outputs = set()
    for row in PATHS:
        file, src, dst, proto, port = row[:5]
        first = run(["path", file, src, dst, proto, port, *json_flag], capsys)
        second = run(["path", file, src, dst, proto, port, *json_flag], capsys)
        assert first == second
        outputs.add(first[1])
    assert len(outputs) == len(PATHS)


def test_output_does_not_depend_on_hash_seed() -> None:
    """Two interpreters with different string hashing print the same bytes."""
    argv = [sys.executable, "-m", "netdraft.cli", "path", NAT, "app-1", "internet", "tcp", "443"]
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        for extra in ([], ["--json"]):
            done = subprocess.run([*argv, *extra], capture_output=True, env=env, check=True)
            outs.append(done.stdout)
    assert outs[0] == outs[2] and outs[1] == outs[3]


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["ssh"], "'ssh' is not a protocol: expected a protocol and a port, e.g. 'tcp 22', 'udp 53', 'icmp', 'all'"),
        (["22"], "'22' is not a protocol: expected a protocol and a port"),
        (["tcp", "ssh"], "'tcp ssh' is not a protocol and port: expected a protocol and a port"),
        (["tcp", "22", "allow"], "'tcp 22 allow' is not a protocol and port: expected a protocol and a port"),
        (["tcp", "22", "a", "b", "c", "d"], "too many words after SRC DST ('tcp 22 a b c d'): expected a protocol and a port"),
    ],
    ids=["service-name", "port-alone", "port-name", "verdict", "too-many"],
)  # fmt: skip
def test_a_wrong_proto_port_says_what_it_must_look_like(
    words: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(["path", NAT, "app-1", "app-2", *words], capsys)
    assert (status, out) == (2, "")
    assert message in err
    # The query is not an `expect` line: its message says nothing of arrows or verdicts.
    assert "->" not in err and "allow or deny" not in err
    right = run(["path", NAT, "app-1", "app-2", "tcp", "22"], capsys)
    assert right[0] == 0


def test_a_wrong_endpoint_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["path", NAT, "app-1->app-2", "internet", "tcp", "443"], capsys)
    assert status == 2
    assert "'app-1->app-2' is not an endpoint: expected an instance" in err


@pytest.mark.parametrize(
    ("words", "named"),
    [
        (["internet", "w1#"], "the destination 'w1#'"),
        (["internet", "w1#", "tcp", "443"], "the destination 'w1#'"),
        (["app-1;", "internet", "tcp", "443"], "the source 'app-1;'"),
    ],
)
def test_a_character_no_endpoint_has_blames_the_endpoint(
    words: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # '#' would start a comment in the line the query is read as: the protocol is not blamed.
    status, out, err = run(["path", NAT, *words], capsys)
    assert (status, out) == (2, "")
    assert f"{named} is not an endpoint: expected an instance" in err
    assert "protocol" not in err


@pytest.mark.parametrize(
    ("words", "missing"),
    [(["app-1"], "DST is missing"), ([], "SRC and DST are missing")],
    ids=["dst", "src-and-dst"],
)
def test_a_missing_end_is_named_alone(
    words: list[str], missing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(["path", NAT, *words], capsys)
    assert (status, out) == (2, "")
    usage, reason = err.strip().split("\n")
    assert usage == "usage: netdraft path [-h] [--json] FILE SRC DST [PROTO [PORT]]"
    assert reason.startswith(f"netdraft path: error: {missing}")
    assert "PROTO" not in reason


def test_a_gateway_endpoints_route_is_named_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The route of a gateway endpoint names AWS's list ``s3``, as the file writes it."""
    net = tmp_path / "net.nd"
    net.write_text(
        "region us-east-1 {\n  vpc v 10.1.0.0/16 {\n    subnet ep 10.1.2.0/24 az us-east-1a\n"
        "    route-table rt { associate ep }\n    endpoint s3e gateway s3 route-tables rt\n"
        "    security-group g { egress tcp 443 to s3 }\n    instance b in ep sg g\n  }\n}\n"
    )
    status, out, err = run(["path", str(net), "b", "s3", "tcp", "443"], capsys)
    assert status == 0, err
    assert "routed — s3 via s3e (static)" in out and "pl-s3" not in out
