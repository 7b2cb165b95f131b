"""Rules revision 2 around drafting and sending (B4, B6, P12), through the CLI (cli.md) and
the invoice workflow: the July invoice waits for that July's batch unless overridden with a
reason (recorded); `invoice january` captures the lists as they stand and names the campuses
that had not reviewed theirs; an invoice without a campus billing speedtype cannot go to
review. The seed's amounts are worked out in tests/integration/billing_seed.py."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from ecomm import clock
from ecomm.billing import workflow as wf
from ecomm.billing.frames import default_as_of
from ecomm.cli import main
from ecomm.errors import EcommError
from ecomm.storage import Store
from tests.integration.billing_seed import FY, SYSTEM, seed

JAN_15 = datetime(2027, 1, 15, 17)     # 10:00 in Denver
AUG_10 = datetime(2026, 8, 10, 17)


@pytest.fixture
def seeded(db_path):
    with Store(db_path) as s:
        seed(s)
    return db_path


def run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def _waiting_july_request(db_path):
    """A provisioning request of cycle 2026-07 not processed yet."""
    with Store(db_path) as s:
        s.write(lambda cur: cur.execute(
            "INSERT INTO requests (request_id, kind, contact_id, campus, submitted_at, "
            "submitted_by, applications, status, cycle) VALUES ('R-000777', 'provision', 'C1', "
            "'Boulder', TIMESTAMP '2026-06-20 16:00:00', 'sam.system@cu.edu', ['Cvent'], "
            "'pending', '2026-07')"))


def test_b4_cli_annual_refuses_while_the_july_cycle_waits_unless_overridden(seeded, capsys,
                                                                           monkeypatch):
    _waiting_july_request(seeded)
    monkeypatch.setattr(clock, "now_utc", lambda: AUG_10)
    code, out, err = run(["invoice", "annual", "--fy", "2027", "--db", str(seeded)], capsys)
    assert code == 1 and "cycle 2026-07" in (out + err)
    with Store(seeded) as s:
        assert s.query_value("SELECT count(*) FROM invoices") == 0
    code, out, err = run(["invoice", "annual", "--fy", "2027", "--json", "--override",
                          "batch delayed by the CRM upgrade", "--db", str(seeded)], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["override"] == "batch delayed by the CRM upgrade"
    # B4 (rev 2): the July invoice is as of July of its fiscal year, not today (Aug 10)
    assert data["as_of"] == "2026-07-31"
    with Store(seeded) as s:
        detail = s.query_value("SELECT detail FROM audit_log WHERE action = 'draft_run'")
    assert "B4 override: batch delayed by the CRM upgrade" in detail


def test_b4_the_july_invoice_as_of_defaults_to_july_of_its_fiscal_year():
    assert default_as_of(2027, "annual", date(2026, 12, 7)) == date(2026, 7, 31)
    assert default_as_of(2027, "annual", date(2026, 7, 14)) == date(2026, 7, 14)
    assert default_as_of(2027, "january", date(2027, 1, 20)) == date(2027, 1, 20)


def test_b6_cli_captures_as_it_stands_and_names_the_unreviewed_campuses(seeded, capsys,
                                                                        monkeypatch):
    monkeypatch.setattr(clock, "now_utc", lambda: JAN_15)
    code, out, err = run(["invoice", "january", "--fy", "2027", "--json", "--db", str(seeded)],
                         capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["unreviewed"] == ["Boulder", "Denver"]
    assert data["net_new_captured"] == ["Boulder", "Denver"]
    code, out, err = run(["invoice", "january", "--fy", "2027", "--db", str(seeded)], capsys)
    assert code == 0 and "not reviewed" not in err      # captured now: nothing left open


def test_p12_an_invoice_without_a_campus_billing_speedtype_cannot_go_to_review(seeded):
    with Store(seeded) as s:
        s.write(lambda cur: cur.execute(
            "UPDATE licenses SET campus_speedtype = NULL WHERE affiliated_campus = 'Denver'"))
        out = wf.draft_run(s, SYSTEM, fiscal_year=FY, kind="january", as_of=date(2027, 1, 15),
                           now_utc=JAN_15, capture=True)
        denver = [i.invoice_id for i in out.invoices if i.campus == "Denver"]
        assert denver and all(i.campus_speedtype is None for i in out.invoices
                              if i.campus == "Denver")
        with pytest.raises(EcommError, match="P12: .*has no campus billing speedtype"):
            wf.send_for_review(s, SYSTEM, [i.invoice_id for i in out.invoices], now_utc=JAN_15)
        assert {i.status for i in wf.list_summaries(s, SYSTEM, fiscal_year=FY)} == {"draft"}
        boulder = [i.invoice_id for i in out.invoices if i.campus == "Boulder"]
        assert len(wf.send_for_review(s, SYSTEM, boulder, now_utc=JAN_15)) == 2
