"""CLI `invoice {annual,january,june} --fy YEAR [--on DATE] [--out DIR] [--json]` (spec/cli.md):
the JSON shape, money as two-decimal strings, the two spreadsheets read back equal to the stored
invoices, drafting again changes nothing, refusals exit 1 and wrong usage exits 2."""
from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import pytest

from ecomm import clock
from ecomm.billing import workflow as wf
from ecomm.cli import main
from ecomm.storage import Store
from tests.integration.billing_seed import (BOULDER, FY, SYSTEM, read_workbook, seed,
                                            stored_view)

CONTRACT_KEYS = {"kind", "fiscal_year", "as_of", "invoices", "files"}
INVOICE_KEYS = {"campus", "group", "status", "lines", "total"}
JAN_15 = datetime(2027, 1, 15, 17)     # 10:00 in Denver


@pytest.fixture
def seeded(db_path):
    s = Store(db_path)
    try:
        seed(s)
    finally:
        s.close()
    return db_path


def run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def stored(db_path, kind="january"):
    with Store(db_path) as s:
        return wf.list_invoices(s, SYSTEM, fiscal_year=FY, kind=kind)


def test_b8_invoice_json_shape_and_money_strings(seeded, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(clock, "now_utc", lambda: JAN_15)
    out_dir = tmp_path / "out"
    code, out, err = run(["invoice", "january", "--fy", "2027", "--out", str(out_dir), "--json",
                          "--db", str(seeded)], capsys)
    assert code == 0, err
    data = json.loads(out)                        # one JSON object and nothing else on stdout
    assert CONTRACT_KEYS <= set(data)
    assert (data["kind"], data["fiscal_year"], data["as_of"]) == ("january", 2027, "2027-01-15")
    assert [{k: i[k] for k in INVOICE_KEYS} for i in data["invoices"]] == [
        {"campus": "Boulder", "group": "salesforce_marketing_cloud", "status": "draft",
         "lines": 1, "total": "235.00"},
        {"campus": "Boulder", "group": "cvent", "status": "draft", "lines": 1, "total": "110.25"},
        {"campus": "Denver", "group": "salesforce_marketing_cloud", "status": "draft",
         "lines": 1, "total": "208.35"}]
    assert data["files"] == [str(out_dir / "FY2027-january-salesforce_marketing_cloud.xlsx"),
                             str(out_dir / "FY2027-january-cvent.xlsx")]
    assert data["total"] == "553.60"


def test_b4_cli_workbooks_read_back_and_match_the_stored_invoices(seeded, capsys, monkeypatch,
                                                                   tmp_path):
    monkeypatch.setattr(clock, "now_utc", lambda: JAN_15)
    code, _, err = run(["invoice", "january", "--fy", "2027", "--on", "2027-01-15", "--out",
                        str(tmp_path), "--db", str(seeded)], capsys)
    assert code == 0, err
    invoices = stored(seeded)
    for group in ("salesforce_marketing_cloud", "cvent"):
        book = read_workbook(tmp_path / f"FY2027-january-{group}.xlsx")
        summary, lines = stored_view(invoices, group)
        assert book["summary"] == summary
        assert book["lines"] == lines
        assert book["sheets"][0] == "Summary" and book["sheets"][1:] == sorted(summary)
        for sheet in book["sheets"][1:]:
            assert book["frozen"][sheet] == "A13"        # the heading row (12) stays in view
            assert book["filters"][sheet].startswith("A12:")
            assert "$" in book["formats"][sheet]


def test_b8_running_the_command_again_changes_nothing(seeded, capsys, monkeypatch):
    monkeypatch.setattr(clock, "now_utc", lambda: JAN_15)
    argv = ["invoice", "january", "--fy", "2027", "--json", "--db", str(seeded)]
    first = json.loads(run(argv, capsys)[1])
    with Store(seeded) as s:
        rows = s.query("SELECT * FROM invoices ORDER BY invoice_id"), \
            s.query("SELECT * FROM invoice_lines ORDER BY invoice_id, line_no")
    second = json.loads(run(argv, capsys)[1])
    assert second["invoices"] == first["invoices"]
    assert sorted(second["unchanged"]) == sorted(first["created"]) and not second["created"]
    with Store(seeded) as s:
        assert (s.query("SELECT * FROM invoices ORDER BY invoice_id"),
                s.query("SELECT * FROM invoice_lines ORDER BY invoice_id, line_no")) == rows


def test_b8_approved_invoices_are_reported_unchanged(seeded, capsys, monkeypatch):
    monkeypatch.setattr(clock, "now_utc", lambda: JAN_15)
    argv = ["invoice", "january", "--fy", "2027", "--json", "--db", str(seeded)]
    first = json.loads(run(argv, capsys)[1])
    boulder = next(i["invoice_id"] for i in first["invoices"]
                   if (i["campus"], i["group"]) == ("Boulder", "cvent"))
    with Store(seeded) as s:
        wf.send_for_review(s, SYSTEM, [boulder])
        wf.approve(s, BOULDER, boulder)
        s.write(lambda cur: cur.execute(
            "INSERT INTO license_apps (license_number, application, provisioned_on, net_new) "
            "VALUES ('LN-0002', 'Cvent', DATE '2026-12-02', TRUE)"))
    code, out, _ = run(argv, capsys)
    data = json.loads(out)
    assert code == 0 and data["differs"] == [boulder]
    cvent = next(i for i in data["invoices"] if i["invoice_id"] == boulder)
    assert (cvent["status"], cvent["total"]) == ("approved", "110.25")


def test_human_output_lists_each_invoice(seeded, capsys, monkeypatch):
    monkeypatch.setattr(clock, "now_utc", lambda: JAN_15)
    code, out, err = run(["invoice", "january", "--fy", "FY2027", "--db", str(seeded)], capsys)
    assert code == 0
    assert "Drafting the FY2027 January true-up as of 2027-01-15" in err
    assert "Drafts: 3 new" in out
    assert "Denver" in out and "$      208.35" in out and "$      553.60" in out


def test_b5_refused_before_the_window_is_over_exit_1(seeded, capsys, monkeypatch):
    monkeypatch.setattr(clock, "now_utc", lambda: JAN_15)
    code, out, err = run(["invoice", "june", "--fy", "2027", "--json", "--db", str(seeded)],
                         capsys)
    assert code == 1
    assert "B5" in json.loads(out)["error"] and "B5" in err
    code, _, err = run(["invoice", "annual", "--fy", "2027", "--on", "2027-02-01",
                        "--db", str(seeded)], capsys)
    assert code == 1 and "B8" in err                # a day still to come


def test_b2_refused_without_rates_nothing_saved(db_path, capsys, monkeypatch):
    with Store(db_path) as s:
        seed(s, rates=False)
    monkeypatch.setattr(clock, "now_utc", lambda: JAN_15)
    code, _, err = run(["invoice", "annual", "--fy", "2027", "--db", str(db_path)], capsys)
    assert code == 1 and "B2" in err
    with Store(db_path) as s:
        assert s.query_value("SELECT count(*) FROM invoices") == 0


@pytest.mark.parametrize("argv", [
    ["invoice", "july", "--fy", "2027"],
    ["invoice", "annual"],
    ["invoice", "annual", "--fy", "next"],
    ["invoice", "annual", "--fy", "2027", "--on", "15/01/2027"],
])
def test_wrong_usage_exits_2(argv, capsys, db_path):
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--db", str(db_path)])
    assert exit_.value.code == 2


def test_annual_run_as_of_july_bills_twelve_months(seeded, capsys, monkeypatch):
    monkeypatch.setattr(clock, "now_utc", lambda: datetime(2026, 7, 20, 17))
    code, out, err = run(["invoice", "annual", "--fy", "2027", "--json", "--db", str(seeded)],
                         capsys)
    assert code == 0, err
    totals = {(i["campus"], i["group"]): Decimal(i["total"]) for i in json.loads(out)["invoices"]}
    # Boulder: LN-0001 Salesforce 12 x 41.67; Denver: LN-0005 Chatter Free (Salesforce 0) and
    # Cvent 12 x 12.25; UCCS: LN-0006 Cvent 12 x 12.25 (its Salesforce came in February).
    assert totals == {("Boulder", "salesforce_marketing_cloud"): Decimal("500.04"),
                      ("Denver", "salesforce_marketing_cloud"): Decimal("0.00"),
                      ("Denver", "cvent"): Decimal("147.00"),
                      ("UCCS", "cvent"): Decimal("147.00")}
