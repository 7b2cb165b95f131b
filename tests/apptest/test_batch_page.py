"""Batch page (A2, C1-C6): the due cycle's preview in three tables, processing after the
review checkbox, the summary and downloads, an already-processed cycle, a cycle not yet due,
the credentials date, and a second person pressing Process after the first."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ecomm import batch, clock
from ecomm import reference as ref
from ecomm.identity import Identity
from ecomm.requests import submit_deprovision, submit_provision
from tests.apptest.conftest import BOULDER, SYSTEM, page_paths, texts
from tests.integration.requests_fixtures import BOULDER as SPEC_BOULDER
from tests.integration.requests_fixtures import add_contact, draft, seed, upload

PAGE = "app_pages/batch.py"
CYCLE = "2026-11"                          # due on TODAY (2026-11-23): first day 2026-11-02
SUBMITTED = datetime(2026, 10, 20, 16)     # before October's cutoff (Friday Oct 30)
NOW = datetime(2026, 11, 23, 16)           # 09:00 Denver on TODAY
OTHER = Identity(email="other.system@cu.edu", name="Other", role="system")


@pytest.fixture
def seeded(app_store, monkeypatch):
    """Cycle 2026-11: a new Boulder user, one held on P5 (PCI lapsed Oct 31), and a
    deprovisioning of Salesforce (at once, C4) and Cvent (in the batch)."""
    monkeypatch.setattr(clock, "now_utc", lambda: NOW)
    seed(app_store)
    add_contact(app_store, "C-LAPSE", "Lapse", "Lara", employee_id="666",   # P5: PCI lapsed
                ucb="lara@colorado.edu", courses_on=date(2025, 11, 1))
    ids = {
        "new": submit_provision(app_store, SPEC_BOULDER, "C-ELIG",
                                draft(course_privacy_awareness_on=date(2026, 9, 1),
                                      course_it_providers_on=date(2026, 9, 1),
                                      course_pci_on=date(2026, 9, 1)),
                                [upload()], now_utc=SUBMITTED).request_id,
        "lapse": submit_provision(app_store, SPEC_BOULDER, "C-LAPSE",
                                  draft(course_privacy_awareness_on=date(2026, 9, 1),
                                        course_it_providers_on=date(2026, 9, 1),
                                        course_pci_on=date(2025, 11, 1)),
                                  [upload()], now_utc=SUBMITTED).request_id,
        "deprov": submit_deprovision(app_store, SPEC_BOULDER, "LN-0776",
                                     [ref.SALESFORCE, ref.CVENT], now_utc=SUBMITTED).request_id,
    }
    return ids


def ok(at):
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def frames(at) -> list:
    return [d.value for d in at.dataframe]


def test_a2_only_the_system_team_sees_the_batch_page(open_app):
    assert PAGE in page_paths(open_app(SYSTEM))
    assert PAGE not in page_paths(open_app(BOULDER))


def test_c3_due_cycle_preview_in_three_tables(seeded, open_app):
    at = ok(open_app(SYSTEM, PAGE))
    assert at.selectbox(key="batch_cycle").value == CYCLE
    prov, deprov, held = frames(at)[:3]
    assert list(prov["request"]) == [seeded["new"]]
    assert list(deprov["request"]) == [seeded["deprov"]]
    assert list(deprov["removed"]) == [ref.CVENT]
    assert list(deprov["not removed again (C4)"]) == [ref.SALESFORCE]
    assert list(held["request"]) == [seeded["lapse"]] and list(held["failing"]) == ["P5"]
    assert "PCI Compliance" in held["reasons"][0]
    assert "Preview: processing on 2026-11-23" in texts(at)
    button = at.button(key="batch_process")
    assert button.disabled          # until the preview is confirmed as reviewed


def test_c6_process_after_review_then_summary_and_downloads(seeded, open_app, app_store):
    at = ok(open_app(SYSTEM, PAGE))
    at.checkbox(key=f"batch_reviewed_{CYCLE}").check().run()
    assert not at.button(key="batch_process").disabled
    at.button(key="batch_process").click().run()
    ok(at)
    shown = texts(at)
    assert f"Cycle {CYCLE} processed on 2026-11-23: 1 provisioned, 1 deprovisioned, 1 held." \
        in shown
    assert f"Cycle {CYCLE} was processed on 2026-11-23 by {SYSTEM}" in shown
    assert at.download_button(key="dl_csv").label == "Download new users (CSV)"
    assert at.download_button(key="dl_xlsx").label == "Download new users (XLSX)"
    new_users = frames(at)[-1]
    assert list(new_users["request_id"]) == [seeded["new"]]
    assert list(new_users["name"]) == ["Rita Ready"]
    record = batch.batch_record(app_store, CYCLE)
    assert record.processed_by == SYSTEM and record.processed_on == date(2026, 11, 23)
    assert app_store.query_value("SELECT status FROM requests WHERE request_id = ?",
                                 [seeded["lapse"]]) == "held"
    assert not [b for b in at.button if b.key == "batch_process"]


def test_c6_already_processed_cycle_shows_its_summary_again(seeded, open_app, app_store):
    from tests.integration.requests_fixtures import SYSTEM as SYS_ID
    batch.process_batch(app_store, SYS_ID, CYCLE, on=date(2026, 11, 23), now_utc=NOW)
    at = ok(open_app(SYSTEM, PAGE))
    # the due cycle is now the upcoming one; pick the processed cycle
    assert at.selectbox(key="batch_cycle").value == "2026-12"
    at.selectbox(key="batch_cycle").select(CYCLE).run()
    ok(at)
    assert f"Cycle {CYCLE} was processed on 2026-11-23 by {SYS_ID.email}" in texts(at)
    assert at.download_button(key="dl_csv") and at.download_button(key="dl_xlsx")
    assert not [b for b in at.button if b.key == "batch_process"]


def test_c6_second_person_pressing_process_is_told_it_was_already_processed(
        seeded, open_app, app_store):
    at = ok(open_app(SYSTEM, PAGE))
    at.checkbox(key=f"batch_reviewed_{CYCLE}").check().run()
    # someone else processes the cycle while this page shows the preview
    batch.process_batch(app_store, OTHER, CYCLE, on=date(2026, 11, 23), now_utc=NOW)
    at.button(key="batch_process").click().run()
    assert not at.exception, at.exception
    assert any(f"Cycle {CYCLE} was already processed on 2026-11-23" in w.value
               and OTHER.email in w.value and "nothing was changed" in w.value
               for w in at.warning)
    assert app_store.query_value("SELECT count(*) FROM batches") == 1


def test_c1_upcoming_cycle_can_be_previewed_but_not_processed(seeded, open_app):
    at = ok(open_app(SYSTEM, PAGE))
    at.selectbox(key="batch_cycle").select("2026-12").run()
    ok(at)
    assert "cannot be processed yet: its first processing day is Tuesday 2026-12-01" in texts(at)
    assert not [b for b in at.button if b.key == "batch_process"]


def test_c2_system_team_sets_the_credentials_date_of_a_cycle(seeded, open_app, app_store):
    at = ok(open_app(SYSTEM, PAGE))
    at.date_input(key=f"cred_{CYCLE}").set_value(date(2026, 11, 24))
    at.button(key="cred_save").click().run()
    ok(at)
    assert f"Credentials date of cycle {CYCLE} set to 2026-11-24." in texts(at)
    assert app_store.query_one("SELECT credentials_date, set_by FROM cycles WHERE cycle = ?",
                               [CYCLE]) == (date(2026, 11, 24), SYSTEM)
    assert app_store.query_value("SELECT count(*) FROM audit_log WHERE action = "
                                 "'set_credentials_date' AND actor = ?", [SYSTEM]) == 1
    at.date_input(key=f"cred_{CYCLE}").set_value(date(2026, 10, 30))
    at.button(key="cred_save").click().run()
    assert "before cycle 2026-11's first processing day" in at.error[0].value
