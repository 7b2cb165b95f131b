"""Which batch picks a request up (C1 cutoff at 23:59 Denver), when a cycle may be processed,
which cycle is due, and the page's cycle choices."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ecomm import batch
from ecomm.calendar import cycle_for_submission
from ecomm.errors import EcommError
from tests.integration.batch_seed import BEFORE, CYCLE, ON, PROCESS_AT, provision, snapshot
from tests.integration.requests_fixtures import BOULDER, SYSTEM, add_contact, seed

# November 2026's cutoff is Monday the 30th. 23:59 Denver (MST, UTC-7) = 06:59 UTC on Dec 1.
CUTOFF_2359 = datetime(2026, 12, 1, 6, 59)
NEXT_MORNING = datetime(2026, 12, 1, 15, 0)   # 08:00 Denver on Tuesday Dec 1


def test_c1_cutoff_day_2359_joins_this_batch_next_morning_joins_the_next(store):
    assert cycle_for_submission(CUTOFF_2359) == "2026-12"
    assert cycle_for_submission(NEXT_MORNING) == "2027-01"
    seed(store)
    add_contact(store, "C-LATE", "Late", "Lou", employee_id="991", ucb="lou@colorado.edu")
    on_time = provision(store, BOULDER, "C-ELIG", now=CUTOFF_2359)
    late = provision(store, BOULDER, "C-LATE", now=NEXT_MORNING)
    assert dict(store.query("SELECT request_id, cycle FROM requests")) == {
        on_time: "2026-12", late: "2027-01"}
    december = batch.process_batch(store, SYSTEM, "2026-12", on=ON, now_utc=PROCESS_AT)
    assert december.plan.to_json(dry_run=False)["provisioned"] == [on_time]
    assert store.query_value("SELECT status FROM requests WHERE request_id = ?", [late]) == \
        "pending"
    january = batch.process_batch(store, SYSTEM, "2027-01", on=date(2027, 1, 4),
                                  now_utc=datetime(2027, 1, 4, 16))
    assert january.plan.to_json(dry_run=False)["provisioned"] == [late]


def test_c1_processing_before_the_first_processing_day_is_refused_and_changes_nothing(store):
    seed(store)
    provision(store, BOULDER, "C-ELIG")
    before = snapshot(store)
    with pytest.raises(EcommError, match="cannot be processed yet: its first processing day is "
                                         "Tuesday 2026-12-01"):
        batch.process_batch(store, SYSTEM, CYCLE, on=ON, now_utc=BEFORE)
    assert snapshot(store) == before
    # a preview is always possible
    assert len(batch.preview_batch(store, SYSTEM, CYCLE, on=ON).provisioned) == 1


def test_c1_an_older_cycle_after_a_later_one_was_processed_is_refused(store):
    seed(store)
    batch.process_batch(store, SYSTEM, CYCLE, on=ON, now_utc=PROCESS_AT)
    with pytest.raises(EcommError, match="later cycle 2026-12 was already processed"):
        batch.process_batch(store, SYSTEM, "2026-11", on=ON, now_utc=PROCESS_AT)


def test_bad_cycle_name_is_refused_with_a_sentence(store):
    with pytest.raises(EcommError, match="write it as YYYY-MM"):
        batch.preview_batch(store, SYSTEM, "2026-13", on=ON)


def test_due_cycle_is_the_unprocessed_one_whose_day_has_come_else_the_upcoming(store):
    seed(store)
    assert batch.due_cycle(store, date(2026, 11, 23)) == "2026-11"
    assert batch.due_cycle(store, date(2026, 11, 30)) == "2026-11"
    assert batch.due_cycle(store, ON) == "2026-12"
    batch.process_batch(store, SYSTEM, "2026-12", on=ON, now_utc=PROCESS_AT)
    assert batch.due_cycle(store, date(2026, 12, 15)) == "2027-01"
    choices = batch.cycle_choices(store, date(2026, 12, 15))
    assert choices[0] == "2027-01" and "2026-12" in choices and choices == sorted(choices,
                                                                                  reverse=True)
    assert batch.processed_batches(store)["2026-12"]["processed_by"] == SYSTEM.email


def test_default_processing_day(store):
    assert batch.default_processing_day(store, CYCLE, date(2026, 11, 23)) == ON
    assert batch.default_processing_day(store, CYCLE, date(2026, 12, 4)) == date(2026, 12, 4)
