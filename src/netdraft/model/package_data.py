"""The data files shipped inside netdraft's packages (grammar, price table, AWS ranges)."""

from __future__ import annotations

import errno
import importlib
import os
from importlib import resources


def package_text(package: str, name: str) -> str:
    """The UTF-8 text of the data file ``name`` of ``package``.

    It is read through the package's own loader: what ``importlib.resources.files`` reads,
    without the imports of its first call (its readers and ``zipfile``, about a millisecond
    of every CLI run that reads a data file). A package whose loader cannot read data (a
    namespace package) is read through ``importlib.resources``.
    """
    module = importlib.import_module(package)
    loader = module.__spec__.loader if module.__spec__ is not None else None
    get_data = getattr(loader, "get_data", None)
    where = getattr(module, "__file__", None)
    if get_data is None or where is None:
        return resources.files(package).joinpath(name).read_text("utf-8")
    path = os.path.join(os.path.dirname(where), name)
    try:
        data: bytes = get_data(path)
    except OSError as exc:
        if exc.strerror:  # the file system's own reason (a folder's loader)
            raise
        # zipimport says ``[Errno 0] : 'netdraft/sim/prices.toml'`` for a file not in the
        # archive: named as a folder's loader names a missing file.
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path) from exc
    return data.decode("utf-8")
