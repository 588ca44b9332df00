"""A local moto server for the live importer's tests: a real boto3 client over HTTP on 127.0.0.1."""

from __future__ import annotations

import logging
import socket
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    # Never read the machine's real AWS configuration.
    "AWS_CONFIG_FILE": "/nonexistent/netdraft-test-aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/netdraft-test-aws-credentials",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """Start one moto server for the session and yield its URL."""
    server_module = pytest.importorskip("moto.server")
    pytest.importorskip("boto3")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = _free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def moto(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A moto server with fresh state and fake credentials in the environment."""
    for key, value in FAKE_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass
    return moto_server


def _value_paths(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _value_paths(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _value_paths(child, (*path, i))
    return found


def break_values(data: object, picks: list[tuple[int, bool, object]]) -> None:
    """Drop keys of, or plant values in, a JSON document, in place (the IaC fuzzers).

    Each pick names a value by number (modulo the count), whether to drop it (when its
    parent is an object) and what to put there otherwise (copied: never one object twice).
    """
    import copy

    for n, remove, value in picks:
        paths = [p for p in _value_paths(data) if p]
        if not paths:
            return
        path = paths[n % len(paths)]
        parent: Any = data
        for step in path[:-1]:
            parent = parent[step]
        if remove and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = copy.deepcopy(value)


@pytest.fixture(scope="session")
def break_json() -> Callable[[object, list[tuple[int, bool, object]]], None]:
    """:func:`break_values`, for the tests of the importers."""
    return break_values
