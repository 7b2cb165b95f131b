"""Reading the audit log back (A4) through ecomm.audit_view: scoped in the query (A1: a
specialist reads their campus only, even when asking for another; A3: managers read; nobody
signed out reads), paged, filtered, and downloaded with formula-like cells neutralised."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from ecomm import audit_view
from ecomm.audit_view import AuditFilters
from ecomm.errors import AccessDenied
from ecomm.identity import Identity
from ecomm.storage import audit

SYSTEM = Identity(email="sam.system@cu.edu", name="Sam", role="system")
MANAGER = Identity(email="morgan.manager@cu.edu", name="Morgan", role="manager")
BOULDER = Identity(email="ecomm.boulder@colorado.edu", name="Priya", role="specialist",
                   campus="Boulder")
INACTIVE = Identity(email="old@uccs.edu", name="Old", role="specialist", campus="UCCS",
                    active=False)


@pytest.fixture
def seeded(store):
    def run(cur):
        audit.record(cur, actor=BOULDER.email, action="submit_provision", entity="request",
                     entity_id="R-000001", campus="Boulder", after={"status": "pending"},
                     detail="=cmd|' /C calc'!A0")
        audit.record(cur, actor="d@ucdenver.edu", action="submit_provision", entity="request",
                     entity_id="R-000002", campus="Denver", after={"status": "pending"})
        audit.record(cur, actor=SYSTEM.email, action="add", entity="app_user",
                     entity_id="+x@cu.edu", after={"name": "@SUM(1)", "role": "manager"})
    store.write(run)
    return store


def ids(page) -> list[int]:
    return list(page.frame["entry"])


def test_a1_specialist_reads_only_their_campus(seeded):
    assert ids(audit_view.entries(seeded, BOULDER)) == [1]
    assert audit_view.choices(seeded, BOULDER)["campus"] == ["Boulder"]
    assert audit_view.choices(seeded, BOULDER)["actor"] == [BOULDER.email]


def test_a1_specialist_asking_for_another_campus_is_refused(seeded):
    with pytest.raises(AccessDenied, match="A1"):
        audit_view.entries(seeded, BOULDER, AuditFilters(campus="Denver"))
    with pytest.raises(AccessDenied, match="A1"):
        audit_view.export_frame(seeded, BOULDER, AuditFilters(campus="Denver"))


def test_a2_a3_system_team_and_managers_read_every_entry(seeded):
    assert ids(audit_view.entries(seeded, SYSTEM)) == [3, 2, 1]
    assert ids(audit_view.entries(seeded, MANAGER)) == [3, 2, 1]
    assert ids(audit_view.entries(seeded, SYSTEM, AuditFilters(campus="Denver"))) == [2]


@pytest.mark.parametrize("who", [None, INACTIVE])
def test_a1_nobody_signed_in_reads_nothing(seeded, who):
    with pytest.raises(AccessDenied):
        audit_view.entries(seeded, who)
    with pytest.raises(AccessDenied):
        audit_view.choices(seeded, who)


def test_a4_paging_is_done_by_the_query(seeded):
    page = audit_view.entries(seeded, SYSTEM, page=2, page_size=2)
    assert (ids(page), page.total, page.page, page.pages) == ([1], 3, 2, 2)
    assert audit_view.entries(seeded, SYSTEM, page=9, page_size=2).page == 2


def test_a4_downloads_neutralise_formulas(seeded):
    frame = audit_view.export_frame(seeded, SYSTEM)
    text = audit_view.to_csv(frame).decode("utf-8-sig")
    assert "'=cmd|" in text and "'+x@cu.edu" in text
    assert ",=cmd" not in text and ",+x@" not in text
    ws = load_workbook(io.BytesIO(audit_view.to_xlsx(frame))).active
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=cmd|' /C calc'!A0" in cells and "'+x@cu.edu" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]
    # a specialist's download holds their campus only
    assert list(audit_view.export_frame(seeded, BOULDER)["entry"]) == [1]


def test_a4_changes_list_changed_fields_only():
    assert audit_view.changes('{"a": 1, "b": [1, 2], "c": "x"}', '{"a": 1, "b": [2], "d": true}') == [
        {"field": "b", "before": "[1, 2]", "after": "[2]"},
        {"field": "c", "before": "x", "after": ""},
        {"field": "d", "before": "", "after": "true"}]
    assert audit_view.changes(None, '{"status": "pending"}') == [
        {"field": "status", "before": "", "after": "pending"}]
    assert audit_view.changes("100", "90") == [{"field": "(value)", "before": "100", "after": "90"}]
    assert audit_view.changes('{"a": 1}', '{"a": 1}') == []


def test_a1_additional_specialist_reads_the_entries_of_licenses_naming_them(store):
    """A1: a Denver license naming the Boulder specialist as additional eComm specialist: its
    entries and its requests' are theirs to read; the rest of Denver is not."""
    def run(cur):
        cur.execute("INSERT INTO contacts (contact_id, last_name) VALUES ('C-D1', 'Mile')")
        for number, named in (("LN-0100", [" Ecomm.Boulder@Colorado.edu "]), ("LN-0101", [])):
            cur.execute("INSERT INTO licenses (license_number, contact_id, affiliated_campus, "
                        "additional_specialists, billing_campus) VALUES (?, 'C-D1', 'Denver', ?, "
                        "'Denver')", [number, named])
        for rid, number in (("R-000010", "LN-0100"), ("R-000011", "LN-0101")):
            cur.execute("INSERT INTO requests (request_id, kind, contact_id, campus, "
                        "license_number, status, submitted_at, submitted_by) VALUES (?, "
                        "'deprovision', 'C-D1', 'Denver', ?, 'pending', TIMESTAMP "
                        "'2026-11-02 10:00:00', 'd@ucdenver.edu')", [rid, number])
        for entity, entity_id in (("license", "LN-0100"), ("request", "R-000010"),
                                  ("license", "LN-0101"), ("request", "R-000011")):
            audit.record(cur, actor="d@ucdenver.edu", action="update", entity=entity,
                         entity_id=entity_id, campus="Denver", after={"x": 1})
    store.write(run)
    seen = set(audit_view.entries(store, BOULDER).frame["record id"])
    assert seen == {"LN-0100", "R-000010"}
    assert set(audit_view.entries(store, SYSTEM).frame["record id"]) == {
        "LN-0100", "R-000010", "LN-0101", "R-000011"}
    assert audit_view.choices(store, BOULDER)["campus"] == ["Denver"]
