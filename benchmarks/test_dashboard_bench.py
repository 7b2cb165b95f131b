"""The campus dashboard at 1x and 100x: the page's full run through AppTest (all campuses, one
campus), the page's one query for every panel, each panel's own query (the downloads), and
the floor: the same counts as one bare DuckDB aggregate.

Targets at 100x (issue 8): the page run under 1 s and within 3x of the bare aggregate. Each
page run starts with Streamlit's data cache cleared, so every panel is computed (a cold run,
as after any write: the cache is keyed on the data version)."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from benchmarks.conftest import label
from benchmarks.floor import floor_counts
from ecomm import reference as ref
from ecomm.dashboard import panels as dash
from ecomm.dashboard.filters import DashboardFilters, resolve
from ecomm.identity import Identity
from ecomm.storage.settings import load_policy

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SYSTEM = "sam.system@cu.edu"
CAMPUS = "Boulder"
WHERE = {"all campuses": None, "one campus": CAMPUS}


def _system() -> Identity:
    return Identity(email=SYSTEM, name="Sam Rivera", role=ref.APP_SYSTEM)


def _counts(at: AppTest) -> dict[str, int]:
    return {t: int(n.replace(",", "")) for t, n in
            (s.value.rsplit(" · ", 1) for s in at.subheader if " · " in s.value)}


@pytest.mark.parametrize("where", list(WHERE))
def test_bench_dashboard_page_run(benchmark, app_on, demo_store, scale, where):
    campus = WHERE[where]
    label(benchmark, f"Dashboard page run (AppTest), {where}", scale, target_s=1.0,
          pair=f"dashboard-{where}", role="run")

    def run() -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["as"] = SYSTEM
        if campus:
            at.query_params["campus"] = campus
        return at.run()

    at = benchmark.pedantic(run, setup=st.cache_data.clear, rounds=5, warmup_rounds=1)
    assert not at.exception, at.exception
    shown = _counts(at)
    floor = floor_counts(demo_store, app_on.as_of, load_policy(demo_store), campus)
    titles = {k: s.title for k, s in dash.SPECS.items()}
    assert shown[titles[dash.ACTIVE]] == floor[6] > 0
    assert shown[titles[dash.QUIZ]] == floor[3]


@pytest.mark.parametrize("where", list(WHERE))
def test_bench_bare_aggregate_floor(benchmark, demo, demo_store, scale, where):
    campus = WHERE[where]
    label(benchmark, f"Bare DuckDB aggregate (floor), {where}", scale,
          pair=f"dashboard-{where}", role="floor")
    policy = load_policy(demo_store)
    row = benchmark(floor_counts, demo_store, demo.as_of, policy, campus)
    board = dash.dashboard(demo_store, _system(), DashboardFilters(campus=campus), demo.as_of)
    counts = {k: p.counts["n_rows"] for k, p in board.panels.items()}
    assert row[:7] == (counts[dash.PROVISION], counts[dash.HELD], counts[dash.DEPROVISION],
                       counts[dash.QUIZ], counts[dash.IDLE], counts[dash.COURSES],
                       counts[dash.ACTIVE]), "the floor counts what the dashboard counts"


@pytest.mark.parametrize("key", list(dash.SPECS))
def test_bench_dashboard_panel_query(benchmark, demo, demo_store, scale, key):
    label(benchmark, f"Dashboard panel query: {dash.SPECS[key].title} (all campuses)", scale)
    resolved = resolve(_system(), DashboardFilters())
    ctx = dash.context(demo_store, demo.as_of)
    panel = benchmark(dash.panel, demo_store, key, resolved, ctx, limit=dash.DISPLAY_LIMIT)
    assert len(panel.frame) == min(panel.counts["n_rows"], dash.DISPLAY_LIMIT)


@pytest.mark.parametrize("where", list(WHERE))
def test_bench_dashboard_all_panels_query(benchmark, demo, demo_store, scale, where):
    """The page's query: every panel in one (storage.dashboard.all_panels), names included."""
    label(benchmark, f"Dashboard: every panel in one query, {where}", scale)
    board = benchmark(dash.dashboard, demo_store, _system(),
                      DashboardFilters(campus=WHERE[where]), demo.as_of)
    assert all(len(p.frame) == min(p.count, dash.DISPLAY_LIMIT) for p in board.panels.values())
