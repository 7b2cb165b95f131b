"""`make screenshots` (tools/screenshots.py, tools/journey_screenshots.py) prepares its demo
without failing on any day: the July invoice step adapts to what the demo's play-out already
made (issue 13: it used to try to draft July invoices the demo had already billed), and the
clicked-into screens find what they open. The browser part is `make screenshots` itself."""
from __future__ import annotations

from datetime import date

import pytest

from ecomm import admin
from ecomm.billing import workflow as wf
from ecomm.demo import load_demo
from ecomm.storage import Store
from tools.journey_screenshots import journey_params
from tools.screenshots import SYSTEM, july_invoice_sent

pytestmark = pytest.mark.slow   # a demo is built (about 10 s on a 2-core machine)


@pytest.mark.parametrize("today", [date(2026, 12, 7), date(2027, 7, 1)], ids=str)
def test_b8_the_july_invoice_step_keeps_what_the_demo_made(tmp_path, today):
    """Dec 7: this year's July invoices stand in every state already, so nothing is drafted
    again; Jul 1: the July invoice waits for the July batch (B4/B7), so none can be drafted,
    and the step says so instead of failing."""
    db = tmp_path / "demo.duckdb"
    with Store(db) as store:
        load_demo(store, as_of=today, licenses=150)
        system = admin.find_identity(store, SYSTEM)
        fy = today.year + 1 if today.month >= 7 else today.year
        before = sorted((i.invoice_id, i.status) for i in wf.list_summaries(
            store, system, fiscal_year=fy, kind="annual"))
        assert bool(before) == (today.month == 12), before
        assert july_invoice_sent(store, today) is False
        after = sorted((i.invoice_id, i.status) for i in wf.list_summaries(
            store, system, fiscal_year=fy, kind="annual"))
        assert after == before
    if today.month == 12:
        params = journey_params(db, today)
        assert params["employee_id"], "a ready, licensed Boulder user for the change form"
        assert params["task_cycle"], "a cycle with System team tasks (C7)"
