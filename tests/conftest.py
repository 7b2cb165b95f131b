"""Shared fixtures: a real DuckDB file in tmp_path for every test that needs storage."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ecomm.storage import Store  # noqa: E402


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "ecomm.duckdb"


@pytest.fixture
def store(db_path):
    s = Store(db_path)
    yield s
    s.close()
