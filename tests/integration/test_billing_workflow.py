"""Invoice workflow (B8) on a real DuckDB file: drafting a run, drafting again, the steps
draft -> in review -> approved -> billed, corrections, who may do what (A1-A3) and the audit
of every step (A4)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from ecomm.billing import workflow as wf
from ecomm.errors import AccessDenied, EcommError
from ecomm.storage import billing_writes as bw
from ecomm.storage import invoice_reads as ir
from tests.integration.billing_seed import (BOULDER, DENVER, FY, JAN_AS_OF, MANAGER,
                                            OTHER_SYSTEM, SYSTEM, seed, totals)

NOW = datetime(2027, 1, 15, 17)        # 10:00 in Denver on JAN_AS_OF
LATER = datetime(2027, 2, 20, 17)
SFMC, CVENT = "salesforce_marketing_cloud", "cvent"


@pytest.fixture
def seeded(store):
    seed(store)
    return store


def draft(store, who=SYSTEM, *, as_of=JAN_AS_OF, now=NOW, kind="january"):
    # rev 2 (B6): the System team captures the open net-new lists on purpose when drafting
    return wf.draft_run(store, who, fiscal_year=FY, kind=kind, as_of=as_of, now_utc=now,
                        capture=True)


def ids(outcome) -> dict[tuple[str, str], str]:
    return {(i.campus, i.group): i.invoice_id for i in outcome.invoices}


def table_rows(store) -> tuple[list, list]:
    return (store.query("SELECT * FROM invoices ORDER BY invoice_id"),
            store.query("SELECT * FROM invoice_lines ORDER BY invoice_id, line_no"))


def add_app(store, license_number, application, provisioned_on, net_new=True):
    store.write(lambda cur: cur.execute(
        "INSERT INTO license_apps (license_number, application, provisioned_on, net_new) "
        "VALUES (?, ?, ?, ?)", [license_number, application, provisioned_on, net_new]))


def to_approved(store, invoice_id, specialist):
    wf.send_for_review(store, SYSTEM, [invoice_id], now_utc=NOW)
    return wf.approve(store, specialist, invoice_id, now_utc=NOW)


# -- drafting ---------------------------------------------------------------------------------
def test_b8_draft_run_saves_one_draft_per_campus_and_group(seeded):
    out = draft(seeded)
    assert totals(out.invoices) == {("Boulder", SFMC): Decimal("235.00"),
                                    ("Boulder", CVENT): Decimal("110.25"),
                                    ("Denver", SFMC): Decimal("208.35")}
    assert sorted(out.created) == sorted(ids(out).values()) and not out.replaced
    assert {i.status for i in out.invoices} == {"draft"}
    assert {i.revision for i in out.invoices} == {1}
    stored = ir.load_invoice(seeded, ids(out)[("Boulder", CVENT)])
    line = stored.lines[0]
    assert (line.license_number, line.user_name, line.licenses_held) == (
        "LN-0001", "Ada Lovelace", ["Cvent"])
    assert (line.charges[0].monthly_rate, line.charges[0].months, line.line_total) == (
        Decimal("12.25"), 9, Decimal("110.25"))
    # rev 2 (B4): 20% of 110.25 = 22.05; the rest, 110.25 - 22.05 = 88.20
    assert (line.campus_speedtype, line.unit_speedtypes_text) == (
        "61000342", "61000342 (20%) $22.05; 61000530 (80%) $88.20")
    assert stored.campus_speedtype == "61000342"
    assert stored.other_campus_speedtypes == []
    boulder_sf = ir.load_invoice(seeded, ids(out)[("Boulder", SFMC)])
    assert boulder_sf.campus_speedtype == "61000342"   # most named across Boulder's lines


def test_b8_regenerating_a_draft_changes_nothing(seeded):
    first = draft(seeded)
    before = table_rows(seeded)
    again = draft(seeded, now=LATER)
    assert table_rows(seeded) == before               # same rows: replaced, not duplicated
    assert sorted(again.unchanged) == sorted(first.created)
    assert not again.created and not again.replaced and not again.removed
    assert totals(again.invoices) == totals(first.invoices)
    assert [i.line_count for i in again.invoices] == [i.line_count for i in first.invoices]
    assert again.invoices == first.invoices            # same heads, as of, totals and times


def test_b8_drafting_again_replaces_a_draft_in_place(seeded):
    first = draft(seeded)
    add_app(seeded, "LN-0002", "Cvent", date(2026, 12, 2))          # Dec..Jun = 7 x 12.25
    again = draft(seeded, now=LATER)
    boulder_cvent = ids(first)[("Boulder", CVENT)]
    assert again.replaced == [boulder_cvent]
    assert ids(again)[("Boulder", CVENT)] == boulder_cvent             # same invoice, same id
    assert totals(again.invoices)[("Boulder", CVENT)] == Decimal("110.25") + Decimal("85.75")
    assert seeded.query_value("SELECT count(*) FROM invoices") == 3
    assert seeded.query_value("SELECT count(*) FROM invoice_lines WHERE invoice_id = ?",
                              [boulder_cvent]) == 2
    assert ir.load_invoice(seeded, boulder_cvent).revision == 1


def test_b8_a_draft_whose_campus_has_nothing_left_is_removed(seeded):
    first = draft(seeded)
    denver = ids(first)[("Denver", SFMC)]
    seeded.write(lambda cur: cur.execute(
        "UPDATE license_apps SET net_new = FALSE WHERE license_number = 'LN-0004'"))
    again = draft(seeded, now=LATER)
    assert again.removed == [denver]
    assert ir.load_invoice(seeded, denver) is None
    assert seeded.query_value("SELECT count(*) FROM invoice_lines WHERE invoice_id = ?",
                              [denver]) == 0


def test_b8_a_run_is_one_transaction_missing_rates_save_nothing(store):
    seed(store, rates=False)
    with pytest.raises(EcommError, match="B2"):
        draft(store)
    assert store.query_value("SELECT count(*) FROM invoices") == 0
    assert store.query_value("SELECT count(*) FROM net_new_captures") == 0   # capture rolled back
    assert store.query_value("SELECT count(*) FROM audit_log") == 0


def test_b8_an_invoice_is_not_drafted_as_of_a_day_still_to_come(seeded):
    with pytest.raises(EcommError, match="B8: An invoice is drafted as of today"):
        draft(seeded, as_of=date(2027, 1, 16))
    with pytest.raises(EcommError, match="B5"):
        draft(seeded, kind="june")


# -- approved and billed invoices never change ------------------------------------------------
def test_b8_approved_invoice_refuses_change(seeded):
    out = draft(seeded)
    inv_id = ids(out)[("Boulder", CVENT)]
    approved = to_approved(seeded, inv_id, BOULDER)
    assert approved.status == "approved"
    frozen = ir.load_invoice(seeded, inv_id)
    add_app(seeded, "LN-0002", "Cvent", date(2026, 12, 2))
    again = draft(seeded, now=LATER)
    assert inv_id in again.kept and inv_id in again.differs
    assert ir.load_invoice(seeded, inv_id) == frozen              # redrafting left it as it was
    for step in (lambda: wf.send_for_review(seeded, SYSTEM, [inv_id]),
                 lambda: wf.approve(seeded, BOULDER, inv_id),
                 lambda: wf.return_to_draft(seeded, BOULDER, inv_id, reason="wrong")):
        with pytest.raises(EcommError, match="B8"):
            step()
    # and the storage layer itself refuses to replace or remove anything but a draft
    later = wf.compute_run(seeded, fiscal_year=FY, kind="january", as_of=JAN_AS_OF)
    assert seeded.write(lambda cur: bw.replace_draft(
        cur, inv_id, next(i for i in later if i.campus == "Boulder" and i.group == CVENT),
        total=Decimal("1.00"), created_at=LATER, created_by="x")) == 0
    assert seeded.write(lambda cur: bw.delete_draft(cur, inv_id)) == 0
    assert ir.load_invoice(seeded, inv_id) == frozen


def test_b8_billed_invoice_never_changes(seeded):
    out = draft(seeded)
    inv_id = ids(out)[("Denver", SFMC)]
    to_approved(seeded, inv_id, DENVER)
    billed = wf.mark_billed(seeded, SYSTEM, [inv_id], now_utc=NOW)[0]
    assert billed.status == "billed"
    seeded.write(lambda cur: cur.execute(
        "UPDATE license_apps SET net_new = FALSE WHERE license_number = 'LN-0004'"))
    again = draft(seeded, now=LATER)
    assert inv_id in again.kept and inv_id in again.differs and not again.removed
    assert ir.load_invoice(seeded, inv_id).total == Decimal("208.35")
    with pytest.raises(EcommError, match="B8"):
        wf.mark_billed(seeded, SYSTEM, [inv_id])


# -- corrections ------------------------------------------------------------------------------
def test_b8_a_correction_revision_names_the_one_it_corrects(seeded):
    out = draft(seeded)
    r1 = ids(out)[("Boulder", CVENT)]
    to_approved(seeded, r1, BOULDER)
    add_app(seeded, "LN-0002", "Cvent", date(2026, 12, 2))
    with pytest.raises(EcommError, match="reason"):
        wf.correct_invoice(seeded, SYSTEM, r1, as_of=JAN_AS_OF, reason="  ", now_utc=LATER)
    r2 = wf.correct_invoice(seeded, SYSTEM, r1, as_of=JAN_AS_OF, reason="LN-0002 Cvent missed",
                            now_utc=LATER)
    assert (r2.revision, r2.status, r2.corrects_invoice_id, r2.note) == (
        2, "draft", r1, "LN-0002 Cvent missed")
    assert r2.invoice_id != r1 and r2.total == Decimal("196.00")
    assert ir.load_invoice(seeded, r1).status == "approved"          # the original stays
    assert ir.load_invoice(seeded, r1).total == Decimal("110.25")
    # the System team works on the latest revision; the campus still sees the approved one
    assert {i.invoice_id for i in wf.list_invoices(seeded, SYSTEM, fiscal_year=FY)} >= {r2.invoice_id}
    mine = {i.group: i.invoice_id for i in wf.list_invoices(seeded, BOULDER, fiscal_year=FY)}
    assert mine[CVENT] == r1
    # drafting the run again replaces the correction draft, never the approved original
    again = draft(seeded, now=LATER)
    assert r2.invoice_id in again.unchanged and r1 not in again.kept
    assert ir.load_invoice(seeded, r2.invoice_id).corrects_invoice_id == r1
    # only the latest revision, and only an approved or billed one, is corrected
    with pytest.raises(EcommError, match="later revision"):
        wf.correct_invoice(seeded, SYSTEM, r1, as_of=JAN_AS_OF, reason="again", now_utc=LATER)
    with pytest.raises(EcommError, match="only an approved or billed"):
        wf.correct_invoice(seeded, SYSTEM, r2.invoice_id, as_of=JAN_AS_OF, reason="x",
                           now_utc=LATER)
    # the correction goes through the same steps
    to_approved(seeded, r2.invoice_id, BOULDER)
    mine = {i.group: i for i in wf.list_invoices(seeded, BOULDER, fiscal_year=FY)}
    assert (mine[CVENT].invoice_id, mine[CVENT].status) == (r2.invoice_id, "approved")


# -- who may do what ----------------------------------------------------------------------------
def test_b8_only_the_campus_specialist_approves_their_campus(seeded):
    out = draft(seeded)
    inv_id = ids(out)[("Boulder", SFMC)]
    wf.send_for_review(seeded, SYSTEM, [inv_id], now_utc=NOW)
    for who in (SYSTEM, DENVER, MANAGER):
        with pytest.raises(AccessDenied):
            wf.approve(seeded, who, inv_id)
    assert ir.load_invoice(seeded, inv_id).status == "in_review"
    assert wf.approve(seeded, BOULDER, inv_id).status == "approved"


@pytest.mark.parametrize("who", [BOULDER, MANAGER])
def test_b8_only_the_system_team_drafts_sends_and_bills(seeded, who):
    with pytest.raises(AccessDenied, match="A2|A3"):
        draft(seeded, who)
    out = draft(seeded)
    inv_id = ids(out)[("Boulder", SFMC)]
    with pytest.raises(AccessDenied):
        wf.send_for_review(seeded, who, [inv_id])
    wf.send_for_review(seeded, SYSTEM, [inv_id], now_utc=NOW)
    wf.approve(seeded, BOULDER, inv_id, now_utc=NOW)
    with pytest.raises(AccessDenied):
        wf.mark_billed(seeded, who, [inv_id])
    with pytest.raises(AccessDenied):
        wf.correct_invoice(seeded, who, inv_id, as_of=JAN_AS_OF, reason="x", now_utc=NOW)
    assert ir.load_invoice(seeded, inv_id).status == "approved"
    assert wf.mark_billed(seeded, OTHER_SYSTEM, [inv_id], now_utc=NOW)[0].status == "billed"


def test_b8_return_to_draft_by_the_campus_specialist_with_a_reason_manager_nothing(seeded):
    out = draft(seeded)
    inv_id = ids(out)[("Boulder", SFMC)]
    wf.send_for_review(seeded, SYSTEM, [inv_id], now_utc=NOW)
    with pytest.raises(EcommError, match="Say what is wrong"):
        wf.return_to_draft(seeded, BOULDER, inv_id, reason="")
    for who in (DENVER, MANAGER):
        with pytest.raises(AccessDenied):
            wf.return_to_draft(seeded, who, inv_id, reason="not ours")
    back = wf.return_to_draft(seeded, BOULDER, inv_id, reason="LN-0002 left in August",
                              now_utc=NOW)
    assert back.status == "draft"
    assert wf.history(seeded, SYSTEM, inv_id)[-1].note == "LN-0002 left in August"


def test_b8_a_step_over_several_invoices_is_all_or_nothing(seeded):
    out = draft(seeded)
    boulder = ids(out)[("Boulder", SFMC)]
    denver = ids(out)[("Denver", SFMC)]
    wf.send_for_review(seeded, SYSTEM, [denver], now_utc=NOW)
    with pytest.raises(EcommError, match="only an invoice that is draft"):
        wf.send_for_review(seeded, SYSTEM, [boulder, denver], now_utc=NOW)
    assert ir.load_invoice(seeded, boulder).status == "draft"


def test_a1_specialists_see_their_campus_invoices_once_sent_managers_all(seeded):
    out = draft(seeded)
    assert wf.list_invoices(seeded, BOULDER) == []                     # drafts are the System's
    wf.send_for_review(seeded, SYSTEM, list(ids(out).values()), now_utc=NOW)
    assert {i.campus for i in wf.list_invoices(seeded, BOULDER)} == {"Boulder"}
    assert {i.campus for i in wf.list_invoices(seeded, MANAGER)} == {"Boulder", "Denver"}
    with pytest.raises(AccessDenied):
        wf.get_invoice(seeded, DENVER, ids(out)[("Boulder", SFMC)])
    files = wf.workbooks(seeded, DENVER, fiscal_year=FY, kind="january")
    assert len(files) == 2
    rows = [r for r in wf.forecast_for(seeded, BOULDER, JAN_AS_OF)]
    assert rows and {r.campus for r in rows} == {"Boulder"}


# -- every step is recorded (A4) ----------------------------------------------------------------
def test_a4_every_step_is_in_the_history_and_the_audit_log(seeded):
    out = draft(seeded)
    inv_id = ids(out)[("Denver", SFMC)]
    to_approved(seeded, inv_id, DENVER)
    wf.mark_billed(seeded, SYSTEM, [inv_id], now_utc=NOW)
    steps = [(e.status, e.actor) for e in wf.history(seeded, SYSTEM, inv_id)]
    assert steps == [("draft", SYSTEM.email), ("in_review", SYSTEM.email),
                     ("approved", DENVER.email), ("billed", SYSTEM.email)]
    audit = seeded.query("SELECT action, actor, campus FROM audit_log WHERE entity = 'invoice' "
                         "AND entity_id = ? ORDER BY audit_id", [inv_id])
    assert audit == [("draft", SYSTEM.email, "Denver"), ("send", SYSTEM.email, "Denver"),
                     ("approve", DENVER.email, "Denver"), ("bill", SYSTEM.email, "Denver")]
    runs = seeded.query("SELECT actor, detail FROM audit_log WHERE entity = 'invoice_run'")
    assert runs == [(SYSTEM.email, out.sentence())]
