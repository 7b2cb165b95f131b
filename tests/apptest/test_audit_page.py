"""Audit log page (A4; A1-A3): who did what and when, newest first, a page at a time; filters
by date, who, action, kind of record, record id, text and campus; one entry's changed fields
and raw JSON; CSV/XLSX downloads; a specialist sees their campus's entries only."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from ecomm.storage import audit
from tests.apptest.conftest import BOULDER, DENVER, MANAGER, SYSTEM, texts

AUDIT = "app_pages/audit.py"


def seed(store) -> None:
    def run(cur):
        audit.record(cur, actor=BOULDER, action="submit_provision", entity="request",
                     entity_id="R-000001", campus="Boulder",
                     after={"status": "pending", "applications": ["Cvent"]})
        audit.record(cur, actor="batch", action="batch_hold", entity="request",
                     entity_id="R-000001", campus="Boulder",
                     before={"status": "pending", "cycle": "2026-12", "contact": "C-1"},
                     after={"status": "held", "cycle": "2027-01", "contact": "C-1"},
                     detail="=HYPERLINK(\"http://evil\") held for P4")
        audit.record(cur, actor=DENVER, action="submit_provision", entity="request",
                     entity_id="R-000002", campus="Denver", after={"status": "pending"},
                     detail="Denver secret")
        audit.record(cur, actor=SYSTEM, action="update", entity="setting",
                     entity_id="p12_split_total", before=100, after=90)
    store.write(run)
    # the first entry happened in January (Denver day 2026-01-15)
    store.write(lambda cur: cur.execute(
        "UPDATE audit_log SET happened_at = ? WHERE audit_id = 1", [datetime(2026, 1, 15, 18)]))


def ok(at):
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def table(at):
    return at.dataframe[0].value


@pytest.fixture
def seeded(app_store):
    seed(app_store)
    return app_store


def test_a4_system_team_sees_every_entry_newest_first(seeded, open_app):
    at = ok(open_app(SYSTEM, AUDIT))
    frame = table(at)
    assert list(frame["entry"]) == [4, 3, 2, 1]
    assert list(frame["who"]) == [SYSTEM, DENVER, "batch", BOULDER]
    assert "4 entries match" in texts(at)
    # America/Denver time with its offset
    assert frame["when (Denver)"].iloc[-1] == "2026-01-15T11:00:00-07:00"
    assert frame["what changed"].iloc[2] == "cycle: 2026-12 → 2027-01; status: pending → held"
    assert at.download_button(key="audit_csv").label == "Download CSV"
    assert at.download_button(key="audit_xlsx").label == "Download XLSX"


def test_a1_specialist_sees_only_their_campus_entries(seeded, open_app):
    at = ok(open_app(BOULDER, AUDIT))
    frame = table(at)
    assert list(frame["entry"]) == [2, 1]
    assert set(frame["campus"]) == {"Boulder"}
    assert "Denver secret" not in texts(at) and DENVER not in at.selectbox(key="audit_actor").options
    assert "setting" not in at.selectbox(key="audit_entity").options
    assert at.text_input(key="audit_campus_own").value == "Boulder"
    assert at.download_button(key="audit_csv")


def test_a3_manager_reads_every_entry(seeded, open_app):
    at = ok(open_app(MANAGER, AUDIT))
    assert list(table(at)["entry"]) == [4, 3, 2, 1]


def test_a4_filters_who_action_kind_record_text_campus_and_dates(seeded, open_app):
    at = ok(open_app(SYSTEM, AUDIT))
    ok(at.selectbox(key="audit_actor").select(DENVER).run())
    assert list(table(at)["entry"]) == [3]
    ok(at.selectbox(key="audit_actor").select(None).run())

    ok(at.selectbox(key="audit_action").select("submit_provision").run())
    assert list(table(at)["entry"]) == [3, 1]
    ok(at.selectbox(key="audit_campus").select("Boulder").run())
    assert list(table(at)["entry"]) == [1]
    ok(at.selectbox(key="audit_action").select(None).run())
    ok(at.selectbox(key="audit_campus").select(None).run())

    ok(at.selectbox(key="audit_entity").select("setting").run())
    assert list(table(at)["entry"]) == [4]
    ok(at.selectbox(key="audit_entity").select(None).run())

    ok(at.text_input(key="audit_entity_id").input("R-000001").run())
    assert list(table(at)["entry"]) == [2, 1]
    ok(at.text_input(key="audit_entity_id").input("").run())

    ok(at.text_input(key="audit_search").input("held for p4").run())
    assert list(table(at)["entry"]) == [2]
    ok(at.text_input(key="audit_search").input("100%_").run())  # wildcards are literal
    assert "No audit entries match these filters" in texts(at)
    ok(at.text_input(key="audit_search").input("").run())

    at.date_input(key="audit_since").set_value(date(2026, 1, 15))
    ok(at.date_input(key="audit_until").set_value(date(2026, 1, 15)).run())
    assert list(table(at)["entry"]) == [1]
    ok(at.date_input(key="audit_since").set_value(date(2026, 1, 16)).run())
    assert "No audit entries match these filters" in texts(at) and not at.dataframe


def test_a4_one_entry_shows_changed_fields_and_raw_json(seeded, open_app):
    at = ok(open_app(SYSTEM, AUDIT))
    ok(at.selectbox(key="audit_show").select(2).run())
    diff = at.dataframe[1].value  # after the page's table
    assert list(diff["field"]) == ["cycle", "status"]  # "contact" did not change
    assert list(diff["after"]) == ["2027-01", "held"]
    codes = [c.value for c in at.code]
    assert any('"status": "pending"' in c for c in codes)
    assert any('"status": "held"' in c for c in codes)


def test_a4_empty_audit_log_says_so(app_store, open_app):
    at = ok(open_app(SYSTEM, AUDIT))
    assert "The audit log has no entries you can see yet" in texts(at)
    assert not at.dataframe


def test_a4_entries_are_paged_by_the_database(app_store, open_app):
    app_store.write(lambda cur: [audit.record(cur, actor=SYSTEM, action="update",
                                              entity="setting", entity_id=f"k{i}", after=i)
                                 for i in range(250)])
    at = ok(open_app(SYSTEM, AUDIT))
    assert len(table(at)) == 100 and table(at)["entry"].iloc[0] == 250
    assert "page 1 of 3" in texts(at)
    ok(at.number_input(key="audit_page").set_value(3).run())
    assert list(table(at)["entry"]) == list(range(50, 0, -1))
    # a new filter goes back to the first page
    ok(at.text_input(key="audit_search").input("k1").run())
    assert "page 1 of 2" in texts(at)


def test_a4_filter_choices_follow_a_new_entry(seeded, open_app):
    """The choices are cached per data version: an entry written since (even without the
    page's cache clearing) is offered on the next run."""
    at = ok(open_app(SYSTEM, AUDIT))
    assert "import_contacts" not in at.selectbox(key="audit_action").options
    seeded.write(lambda cur: audit.record(cur, actor="importer@cu.edu", action="import_contacts",
                                          entity="contact", entity_id="C-9", campus="Denver"))
    ok(at.run())
    assert "import_contacts" in at.selectbox(key="audit_action").options
    assert "importer@cu.edu" in at.selectbox(key="audit_actor").options
