"""B4 spreadsheets from columns: the run's invoice heads and ONE lines frame read straight from
SQL (workflow.list_summaries / invoice_reads.invoice_lines_frame) are the stored
invoices the models show, and the workbooks made from them are the workbooks made from the
models (one sheet writer, two ways in). Real DuckDB file in tmp_path."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest
from lxml import etree

from ecomm.billing import workflow as wf
from ecomm.billing.invoice import CHATTER_FREE_NOTE
from ecomm.billing.models import Charge, Invoice, InvoiceLine
from ecomm.billing.workbook import lines_frame, write_workbooks_bytes
from ecomm.storage import billing_writes as bw
from ecomm.storage import invoice_reads as ir
from tests.integration.billing_seed import (BOULDER, DENVER, FY, JAN_AS_OF, MANAGER, SYSTEM,
                                            seed)

NOW = datetime(2027, 1, 15, 17)
CAMPUSES = ["Boulder", "Denver"]


@pytest.fixture
def seeded(store):
    seed(store)
    wf.draft_run(store, SYSTEM, fiscal_year=FY, kind="january", as_of=JAN_AS_OF, now_utc=NOW,
                 capture=True)
    return store


def _tricky_invoice() -> Invoice:
    """Lines the demo never has: two charges of one application, repeated and formula-like
    notes, no licenses held, odd unit speedtypes, text a spreadsheet would run."""
    sf = [Charge(application="Salesforce", monthly_rate=Decimal("52.00"), months=3,
                 provisioned_on=date(2026, 8, 1), note="removed 2026-10-01"),
          Charge(application="Salesforce", monthly_rate=Decimal("52.5"), months=2,
                 provisioned_on=date(2026, 9, 1), note="removed 2026-10-01"),
          Charge(application="Marketing Cloud", monthly_rate=Decimal("0"), months=12,
                 note="=note"),
          Charge(application="Apsona", monthly_rate=Decimal("12.345"), months=7)]
    lines = [
        InvoiceLine(license_number="LN-9001", user_name="=HYPERLINK(\"x\")",
                    licenses_held=["Salesforce", "Marketing Cloud", "Apsona"], charges=sf,
                    campus_speedtype=None, unit_speedtypes="61000342:abc;  ;61000530:80%"),
        InvoiceLine(license_number="LN-9002", user_name=" spaced ", licenses_held=[],
                    charges=[Charge(application="Salesforce", monthly_rate=Decimal("0"),
                                    months=12, note=CHATTER_FREE_NOTE)],
                    campus_speedtype="-61000999", unit_speedtypes="61000342"),
        InvoiceLine(license_number="LN-9003", user_name="#N/A", licenses_held=["Geopointe"],
                    charges=[Charge(application="Geopointe", monthly_rate=Decimal("1E+1"),
                                    months=0)], unit_speedtypes=""),
    ]
    return Invoice(fiscal_year=FY, kind="june", campus="Boulder", group="salesforce_marketing_cloud",
                   as_of=date(2027, 6, 10), lines=lines)


def _store(store, invoice_id: str, inv: Invoice) -> None:
    """An invoice model saved as the run saves one: its row, then its lines as stored (the
    licenses held and the charges as JSON, money as text: billing_writes.line_rows)."""
    lines = pd.DataFrame({
        "invoice_id": invoice_id, "line_no": range(1, len(inv.lines) + 1),
        "license_number": [ln.license_number for ln in inv.lines],
        "user_name": [ln.user_name for ln in inv.lines],
        "licenses_held": [json.dumps(ln.licenses_held) for ln in inv.lines],
        "charges": [json.dumps([{
            "application": c.application, "monthly_rate": str(c.monthly_rate), "months": c.months,
            "amount": str(c.amount),
            "provisioned_on": c.provisioned_on.isoformat() if c.provisioned_on else None,
            "note": c.note} for c in ln.charges]) for ln in inv.lines],
        "line_total": [str(ln.line_total) for ln in inv.lines],
        "unit_speedtypes": [ln.unit_speedtypes for ln in inv.lines],
        "campus_speedtype": [ln.campus_speedtype for ln in inv.lines]}, dtype=object)

    def write(cur):
        bw.insert_invoice(cur, invoice_id, inv, total=inv.total, created_at=NOW,
                          created_by=SYSTEM.email)
        bw.insert_line_rows(cur, lines)
    store.write(write)


def _rows(frame: pd.DataFrame) -> list[tuple]:
    plain = frame.drop(columns="invoice_id").astype(object)
    return [tuple(None if pd.isna(v) else v for v in row)
            for row in plain.itertuples(index=False)]


def _same_frames(store, invoices):
    """The frame SQL reads and the frame made from the models read back, invoice by invoice."""
    heads, frame = lines_frame(invoices)
    ids = [i.invoice_id for i in invoices]
    from_sql = ir.invoice_lines_frame(store, ids)
    assert list(from_sql.columns) == list(ir.LINE_FRAME_COLUMNS) == list(frame.columns)
    for head, inv in zip(heads, invoices):
        mine = from_sql[from_sql["invoice_id"] == inv.invoice_id]
        assert len(mine) == len(inv.lines) > 0
        assert _rows(mine) == _rows(frame[frame["invoice_id"] == head.invoice_id])


def test_b4_lines_frame_from_sql_is_the_frame_of_the_stored_models(seeded):
    invoices = ir.load_invoices(seeded, fiscal_year=FY, kind="january")
    assert invoices
    _same_frames(seeded, invoices)


def test_b4_lines_frame_from_sql_keeps_tricky_lines_as_the_models_show_them(store):
    seed(store)
    _store(store, "INV-T", _tricky_invoice())
    stored = ir.load_invoice(store, "INV-T")
    _same_frames(store, [stored])
    frame = ir.invoice_lines_frame(store, ["INV-T"])
    first = frame.iloc[0]
    assert first["rate:Salesforce"] == "52.00" and first["months:Salesforce"] == 5
    assert first["charged:Salesforce"] == "52.00*3 52.5*2"
    # issue 18: the days the charges' applications were provisioned on, for the true-up sheet
    assert first["provisioned:Salesforce"] == "2026-08-01; 2026-09-01"
    assert pd.isna(first["provisioned:Marketing Cloud"]) and pd.isna(first["provisioned:Cvent"])
    assert first["notes"] == "Salesforce: removed 2026-10-01; Marketing Cloud: =note"
    assert first["licenses_held"] == "Salesforce; Marketing Cloud; Apsona"
    assert first["campus_speedtype"] == "" and pd.isna(first["rate:Cvent"])
    assert first["line_total"] == str(stored.lines[0].line_total)
    assert frame.iloc[1]["licenses_held"] == ""
    assert ir.invoice_lines_frame(store, []).empty


def test_b4_run_heads_are_the_latest_revisions_each_person_may_see(seeded):
    first = {(i.campus, i.group): i for i in ir.load_invoices(seeded, fiscal_year=FY,
                                                               kind="january")}
    wf.send_for_review(seeded, SYSTEM, [i.invoice_id for i in first.values()], now_utc=NOW)
    boulder_sf = first[("Boulder", "salesforce_marketing_cloud")]
    newer = boulder_sf.model_copy(update={"revision": 2, "status": "draft",
                                          "corrects_invoice_id": boulder_sf.invoice_id})
    _store(seeded, "INV-R2", newer)
    for who in (SYSTEM, MANAGER, BOULDER, DENVER):
        heads = wf.list_summaries(seeded, who, fiscal_year=FY, kind="january")
        listed = wf.list_invoices(seeded, who, fiscal_year=FY, kind="january")
        assert [h.invoice_id for h in heads] == [i.invoice_id for i in listed], who.email
        for h, inv in zip(heads, listed):
            fields = ("campus", "group", "revision", "status", "as_of", "campus_speedtype",
                      "other_campus_speedtypes", "corrects_invoice_id", "total")
            assert {k: getattr(h, k) for k in fields} == {k: getattr(inv, k) for k in fields}
            assert h.line_count == len(inv.lines)
    system_ids = [h.invoice_id for h in wf.list_summaries(seeded, SYSTEM, fiscal_year=FY,
                                                          kind="january")]
    boulder_ids = [h.invoice_id for h in wf.list_summaries(seeded, BOULDER, fiscal_year=FY,
                                                           kind="january")]
    assert "INV-R2" in system_ids and boulder_sf.invoice_id not in system_ids
    assert boulder_sf.invoice_id in boulder_ids and "INV-R2" not in boulder_ids
    heads, frame = wf._sheets_of_run(seeded, SYSTEM, FY, "january", group="cvent")
    assert {h.group for h in heads} == {"cvent"} and set(frame["invoice_id"]) == {
        h.invoice_id for h in heads}


def _canonical(book: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        return {n: etree.tostring(etree.fromstring(z.read(n)), method="c14n")
                for n in z.namelist() if n != "docProps/core.xml"}   # core: the time written


@pytest.mark.parametrize("who", [SYSTEM, BOULDER], ids=["system", "specialist"])
def test_b4_workbooks_from_sql_are_the_workbooks_from_the_models(seeded, who):
    invoices = ir.load_invoices(seeded, fiscal_year=FY, kind="january")
    wf.send_for_review(seeded, SYSTEM, [invoices[0].invoice_id], now_utc=NOW)
    _store(seeded, "INV-T", _tricky_invoice().model_copy(
        update={"kind": "january", "revision": 2, "as_of": JAN_AS_OF}))
    from_sql = wf.workbooks(seeded, who, fiscal_year=FY, kind="january")
    from_models = write_workbooks_bytes(wf.list_invoices(seeded, who, fiscal_year=FY,
                                                         kind="january"),
                                        fiscal_year=FY, kind="january")
    assert list(from_sql) == list(from_models)
    for name in from_sql:
        assert _canonical(from_sql[name]) == _canonical(from_models[name]), name
    one = wf.workbook_bytes(seeded, who, fiscal_year=FY, kind="january", group="cvent")
    assert _canonical(one) == _canonical(from_sql[f"FY{FY}-january-cvent.xlsx"])
