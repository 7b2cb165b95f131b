"""Messages page: "Queue today's digests" (issue 18) queues one "My work" message per person
with work due, once a day."""
from __future__ import annotations

import pytest

from tests.apptest.conftest import SYSTEM
from tests.apptest.pages_helpers import ok, open_page
from tests.integration.batch_seed import seed_cycle
from tests.integration.requests_fixtures import BOULDER

PAGE = "app_pages/notifications.py"


@pytest.mark.pinned_now("2026-11-25T10:00:00")   # the Dec 1 batch is within the week
def test_queue_todays_digests_once(app_store):
    seed_cycle(app_store)
    at = open_page(SYSTEM, PAGE)
    ok(at.button(key="msg_digest").click().run())
    rows = app_store.query_dicts("SELECT to_addrs, body FROM outbox "
                                 "WHERE template_key = 'daily_digest'")
    assert rows and any(r["to_addrs"] == [BOULDER.email] for r in rows)
    assert f"Queued {len(rows)} daily digest(s) for 2026-11-25." in \
        " ".join(s.value for s in at.success)
    ok(at.button(key="msg_digest").click().run())
    assert len(app_store.query("SELECT 1 FROM outbox WHERE template_key = 'daily_digest'")) \
        == len(rows)
    assert "No new digest for 2026-11-25" in " ".join(s.value for s in at.success)
