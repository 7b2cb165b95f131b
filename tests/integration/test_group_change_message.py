"""C5 (rev 2): the specialist who requested a group change is told when the System
team completes it, once, with the license's groups as they now are."""
from __future__ import annotations

from ecomm import reference as ref
from ecomm.notifications import templates as t
from ecomm.requests import complete_group_change, request_group_change
from tests.integration.requests_fixtures import BOULDER, NOW, SYSTEM, seed


def test_c5_the_requesting_specialist_is_told_when_the_group_change_is_done(store):
    seed(store)
    conf = request_group_change(store, BOULDER, "LN-0776", [], [], [ref.NEW_PUBLIC_GROUP], [],
                                new_public_group="07 Boulder Music", now_utc=NOW)
    assert store.query_value("SELECT count(*) FROM outbox WHERE template_key = ?",
                             [t.GROUP_CHANGE_DONE]) == 0      # nothing until it is done
    complete_group_change(store, SYSTEM, conf.request_id, now_utc=NOW)
    rows = store.query_dicts("SELECT to_addrs, subject, body FROM outbox WHERE template_key = ?",
                             [t.GROUP_CHANGE_DONE])
    assert len(rows) == 1
    assert rows[0]["to_addrs"] == [BOULDER.email]
    assert rows[0]["subject"] == f"Group change {conf.request_id} completed (LN-0776)"
    assert conf.request_id in rows[0]["body"]
    assert "Business units: CUB Advancement\n" in rows[0]["body"]
    assert "Public groups: 01 Adv Boulder; 07 Boulder Music\n" in rows[0]["body"]
