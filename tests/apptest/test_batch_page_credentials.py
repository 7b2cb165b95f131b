"""Batch page, C2 for a late batch: cycle 2026-11 (credentials date Thursday Nov 5) processed on
Monday Nov 23 announces Tuesday Nov 24, in the preview, the summary and the new-users table."""
from __future__ import annotations

from datetime import date

from tests.apptest.conftest import SYSTEM, texts
from tests.apptest.test_batch_page import CYCLE, frames, ok, seeded  # noqa: F401

LATE = ("Credentials date announced to the new users (C2): 2026-11-24; the cycle's date "
        "2026-11-05 is not after the processing day 2026-11-23, so the next business day after "
        "processing is announced instead.")


def test_c2_a_late_batch_shows_and_downloads_the_next_business_day_after_processing(
        seeded, open_app):
    at = ok(open_app(SYSTEM, "app_pages/batch.py"))
    assert LATE in [w.value for w in at.warning]                 # the preview says it first
    at.checkbox(key=f"batch_reviewed_{CYCLE}").check().run()
    at.button(key="batch_process").click().run()
    ok(at)
    assert LATE in [w.value for w in at.warning]                 # and the summary again
    assert "the download announces 2026-11-24" in texts(at)
    new_users = frames(at)[-1]
    assert list(new_users["request_id"]) == [seeded["new"]]
    assert list(new_users["credentials_date"]) == [date(2026, 11, 24)]
