"""What ``netdraft --version`` says, kept apart from :mod:`netdraft.api` so that asking it
imports nothing of the model, the compiler or the simulator (it starts as fast as ``--help``)."""

from __future__ import annotations


def version() -> str:
    """netdraft's version, from the installed package's metadata (``0+unknown`` when run
    from a source tree that was never installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("netdraft")
    except PackageNotFoundError:
        return "0+unknown"
