"""The dashboard stays fast at 150,000 licenses: every panel is a set-based query whose time
grows with the licenses matched, and only the rows shown are enriched (issue 8 sets the
final target; this is a generous regression guard for busy machines)."""
from __future__ import annotations

import time
from datetime import date

import pytest

from ecomm.dashboard import panels as dash
from ecomm.dashboard.filters import DashboardFilters
from tests.integration.dashboard_seed import BOULDER, SYSTEM
from tests.integration.test_compliance_lists import seed_large

AS_OF = date(2027, 2, 3)


@pytest.mark.slow
def test_dashboard_panels_stay_fast_at_150000_licenses(store):
    seed_large(store, 150_000, AS_OF)
    dash.dashboard(store, SYSTEM, DashboardFilters(), AS_OF)          # warm DuckDB's caches
    for who in (SYSTEM, BOULDER):
        started = time.perf_counter()
        board = dash.dashboard(store, who, DashboardFilters(), AS_OF)
        elapsed = time.perf_counter() - started
        assert elapsed < 5, f"{who.email}: the dashboard took {elapsed:.2f}s"
        active = board.panels[dash.ACTIVE]
        assert active.count == store.query_value(
            "SELECT count(DISTINCT license_number) FROM license_apps WHERE provisioned_on <= ? "
            "AND (deprovisioned_on IS NULL OR deprovisioned_on > ?)", [AS_OF, AS_OF])
        assert len(active.frame) == dash.DISPLAY_LIMIT and active.truncated
        assert all(len(p.frame) <= dash.DISPLAY_LIMIT for p in board.panels.values())
        assert board.panels[dash.QUIZ].count > 0 and board.panels[dash.COURSES].count > 0
