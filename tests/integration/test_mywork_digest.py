"""The daily "My work" digest (issue 18): one message per person with something due within a
week (or overdue), listing what waits with counts, due dates and pages; once per person and
day; the System team queues it (A2), from the Messages page or ``python -m ecomm digest``."""
from __future__ import annotations

import json
from datetime import date

import pytest

from ecomm.cli import main
from ecomm.errors import AccessDenied
from ecomm.notifications import templates as t
from ecomm.notifications.work import digest_key, queue_daily_digests
from ecomm.storage import Store
from tests.integration.batch_seed import seed_cycle
from tests.integration.requests_fixtures import BOULDER, DENVER, MANAGER, SYSTEM

NOV_25 = date(2026, 11, 25)   # the Dec 1 batch is 6 days away: within the digest's week


def digests(store) -> dict[str, dict]:
    return {r["to_addrs"][0]: r for r in store.query_dicts(
        "SELECT to_addrs, subject, body, dedup_key FROM outbox WHERE template_key = ?",
        [t.DAILY_DIGEST])}


def test_digest_lists_what_is_due_for_each_person_once_a_day(store):
    ids = seed_cycle(store)
    queued = queue_daily_digests(store, SYSTEM, NOV_25)
    got = digests(store)
    assert queued == len(got) > 0
    mine = got[BOULDER.email]
    assert mine["dedup_key"] == digest_key(BOULDER.email, NOV_25)
    assert mine["subject"] == "eComm Licenses: your work for November 25, 2026"
    assert ("- Requests the 2026-12 batch will hold on Tue Dec 1 (P1-P5 as of that day): 1 "
            "(due Tue Dec 1, 2026 (in 6 days)") in mine["body"]
    assert f"    {ids['lapse']} " in mine["body"] and "P5" in mine["body"]
    assert "-> Dashboard: provisioning queue" in mine["body"]
    # the System team: the batch of Tue Dec 1 with its five requests
    assert "- The 2026-12 batch to process: 5 (due Tue Dec 1, 2026" in got[SYSTEM.email]["body"]
    # a manager: what changed (no visit yet)
    assert "What changed (first visit)" in got[MANAGER.email]["body"]
    assert queue_daily_digests(store, SYSTEM, NOV_25) == 0      # once per person and day


def test_no_digest_when_nothing_is_due_within_a_week(store):
    seed_cycle(store)
    # Nov 16: the batch (Dec 1) and the cutoff (Nov 30) are more than a week away
    queue_daily_digests(store, SYSTEM, date(2026, 11, 16))
    got = digests(store)
    assert BOULDER.email not in got and DENVER.email not in got and SYSTEM.email not in got


def test_a2_only_the_system_team_queues_digests(store):
    seed_cycle(store)
    for who in (BOULDER, MANAGER):
        with pytest.raises(AccessDenied):
            queue_daily_digests(store, who, NOV_25)
    assert digests(store) == {}


def test_cli_digest_queues_the_days_digests(db_path, capsys):
    with Store(db_path) as s:
        seed_cycle(s)
    assert main(["digest", "--on", "2026-11-25", "--json", "--db", str(db_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["on"] == "2026-11-25" and out["queued"] > 0 and out["pending"] >= out["queued"]
    assert main(["digest", "--on", "2026-11-25", "--db", str(db_path)]) == 0
    assert "No new digest for 2026-11-25" in capsys.readouterr().out
