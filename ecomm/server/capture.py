"""Capture what one thread prints (a command run for the command line) while the server's
other threads keep printing to the real stdout and stderr."""
from __future__ import annotations

import io
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

_local = threading.local()
_install_lock = threading.Lock()


class _Router(io.TextIOBase):
    """sys.stdout / sys.stderr: the calling thread's buffer when it captures, else the real one."""

    def __init__(self, real, which: str):
        self.real, self.which = real, which

    def _target(self):
        bufs = getattr(_local, "bufs", None)
        return bufs[self.which] if bufs else self.real

    def write(self, text: str) -> int:
        return self._target().write(text)

    def flush(self) -> None:
        self._target().flush()

    def isatty(self) -> bool:
        return False if getattr(_local, "bufs", None) else self.real.isatty()

    def __getattr__(self, name):
        return getattr(self.real, name)


def _install() -> None:
    with _install_lock:
        if not isinstance(sys.stdout, _Router):
            sys.stdout = _Router(sys.stdout, "out")
        if not isinstance(sys.stderr, _Router):
            sys.stderr = _Router(sys.stderr, "err")


@contextmanager
def captured() -> Iterator[dict[str, io.StringIO]]:
    """What this thread prints inside the block: {"out": StringIO, "err": StringIO}."""
    _install()
    bufs = {"out": io.StringIO(), "err": io.StringIO()}
    _local.bufs = bufs
    try:
        yield bufs
    finally:
        _local.bufs = None
