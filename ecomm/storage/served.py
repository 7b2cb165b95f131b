"""The database the app's server holds (issue 14 item 10, issue 19).

The server opens its database file when it starts (``ecomm.server.lifespan``) and registers it
here; the pages (``ecomm.ui.get_store``) and the commands the server runs for the command line
(``open_store``) then use that one Store instead of opening the file again. A borrowed store
is never closed by its borrower: the server closes it when it stops.
"""
from __future__ import annotations

import os
from pathlib import Path

_SERVED: list = []  # [Store] while the server holds its database


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def serve(store) -> None:
    _SERVED[:] = [store]


def unserve(store) -> None:
    if _SERVED and _SERVED[0] is store:
        _SERVED.clear()


def served_store(path: str | os.PathLike | None = None):
    """The server's Store (for ``path`` when given), or None."""
    if not _SERVED:
        return None
    store = _SERVED[0]
    if path is not None and not _same(Path(path), store.path):
        return None
    return store


class Borrowed:
    """The served Store lent to a ``with open_store(...)`` block: same calls, no close."""

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        return getattr(self._store, name)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass
