"""Benchmark fixtures: the demo data set at 1x (1,500 licenses) and 100x (150,000 licenses),
built once with ``python -m ecomm init --demo --licenses N`` into a cache outside git
(benchmarks/.data/, or $ECOMM_BENCH_DATA) and reused between runs while present.

Every benchmark is parametrised by ``scale`` ("1x", "100x") so that benchmarks/report.py can
pair the two medians; ``ECOMM_BENCH_SCALES=1x`` runs one scale only (a quick check). Each
benchmark names its row of the report in ``benchmark.extra_info["item"]`` and, where the issue
sets one, its 100x target in seconds (``target_s``).
"""
from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = Path(os.environ.get("ECOMM_BENCH_DATA") or ROOT / "benchmarks" / ".data")
LICENSES = {"1x": 1_500, "100x": 150_000}
SCALES = [s.strip() for s in os.environ.get("ECOMM_BENCH_SCALES", "1x,100x").split(",")
          if s.strip() in LICENSES]


class Demo:
    """One cached demo database: its file, the day it was made as of, and its size."""

    def __init__(self, scale: str, path: Path, meta: dict):
        self.scale, self.path, self.meta = scale, path, meta
        self.as_of = date.fromisoformat(meta["as_of"])
        self.licenses = meta["licenses"]

    def copy_to(self, folder: Path) -> Path:
        """A private copy of the database (for benchmarks that write)."""
        target = Path(folder) / f"copy-{self.scale}.duckdb"
        for suffix in ("", ".wal"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        shutil.copyfile(self.path, target)
        return target


def demo_path(scale: str) -> Path:
    return DATA / f"demo-{scale}.duckdb"


def build_demo(scale: str) -> Demo:
    """The cached demo database of ``scale``, made first when absent (or half made)."""
    path, meta_path = demo_path(scale), DATA / f"demo-{scale}.json"
    if path.exists() and meta_path.exists():
        return Demo(scale, path, json.loads(meta_path.read_text()))
    DATA.mkdir(parents=True, exist_ok=True)
    tmp = DATA / f"building-{scale}.duckdb"
    for p in (tmp, Path(str(tmp) + ".wal"), path, Path(str(path) + ".wal"), meta_path):
        p.unlink(missing_ok=True)
    from ecomm import clock

    as_of = clock.today_denver()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ecomm", "init", "--demo", "--json",
                    "--licenses", str(LICENSES[scale]), "--db", str(tmp)],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    if clock.today_denver() != as_of:  # made across midnight: the day is ambiguous, make again
        return build_demo(scale)
    tmp.rename(path)
    meta = {"as_of": as_of.isoformat(), "licenses": LICENSES[scale],
            "init_seconds": round(seconds, 1)}
    meta_path.write_text(json.dumps(meta))
    return Demo(scale, path, meta)


@pytest.fixture(scope="session", params=SCALES)
def scale(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def demos() -> dict[str, Demo]:
    return {}


@pytest.fixture(scope="session")
def demo(scale, demos) -> Demo:
    if scale not in demos:
        demos[scale] = build_demo(scale)
    return demos[scale]


@pytest.fixture(scope="session")
def demo_store(demo):
    """A read-mostly Store on the cached demo database (benchmarks that write use a copy)."""
    from ecomm.storage import Store

    s = Store(demo.path)
    yield s
    s.close()


@pytest.fixture
def fresh_copy(demo, tmp_path):
    """setup for benchmark.pedantic: a Store on a new copy of the demo database."""
    from ecomm.storage import Store

    opened: list[Store] = []

    def setup():
        for s in opened:
            s.close()
        opened.clear()
        opened.append(Store(demo.copy_to(tmp_path)))
        return (opened[0],), {}

    yield setup
    for s in opened:
        s.close()


@pytest.fixture
def app_on(demo, monkeypatch):
    """The app's environment: the demo database, and today = the day the demo was made.

    AppTest compiles app.py and the page (with Streamlit's magic) again on every run, as a
    fresh ScriptCache is made per run; the server keeps one ScriptCache for its lifetime and
    compiles a script once. The benchmark shares one ScriptCache between runs, as the server
    does, so that it measures the page, not the test harness (about 0.3 s per run here)."""
    import streamlit as st
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    from ecomm import clock

    shared = ScriptCache()
    monkeypatch.setattr(app_test, "ScriptCache", lambda: shared)
    monkeypatch.setattr(local_script_runner, "ScriptCache", lambda: shared)
    monkeypatch.setenv("ECOMM_DB", str(demo.path))
    monkeypatch.setattr(clock, "today_denver", lambda: demo.as_of)
    yield demo
    st.cache_data.clear()


def label(benchmark, item: str, scale: str, target_s: float | None = None, **extra) -> None:
    """Name the benchmark's row in the report (item, scale, 100x target)."""
    benchmark.extra_info.update(item=item, scale=scale, **extra)
    if target_s is not None:
        benchmark.extra_info["target_s"] = target_s


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


LOAD_AT_START = os.getloadavg() if hasattr(os, "getloadavg") else None


def pytest_benchmark_update_json(config, benchmarks, output_json):
    """The machine, the load around the run and the demo databases, for benchmarks/report.py."""
    import duckdb

    output_json["ecomm"] = {
        "cpu_model": _cpu_model(), "cores": os.cpu_count(), "ram_gb": _ram_gb(),
        "python": platform.python_version(), "duckdb": duckdb.__version__,
        "load_at_start": LOAD_AT_START,
        "load_at_end": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "bench_process_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "demos": {s: json.loads((DATA / f"demo-{s}.json").read_text())
                  for s in LICENSES if (DATA / f"demo-{s}.json").exists()},
    }
