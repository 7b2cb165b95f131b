"""B11 cost recovery (rev 2): per fiscal year and application, the fees of the stored invoices
(July and true-ups, latest revision, sent ones apart from drafts) set against the seats' cost;
B10's seats on the Reports frames."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from ecomm import reference as ref
from ecomm import seats
from ecomm.dashboard import recovery
from ecomm.errors import AccessDenied
from tests.integration.compliance_seed import MANAGER, SPECIALIST, SYSTEM
from tests.integration.dashboard_seed import bulk

SF, MC, CV = ref.SALESFORCE, ref.MARKETING_CLOUD, ref.CVENT


def invoice(iid, kind, campus, group, status, revision=1, fy=2027):
    return {"invoice_id": iid, "fiscal_year": fy, "kind": kind, "campus": campus,
            "invoice_group": group, "revision": revision, "status": status,
            "as_of": date(2026, 7, 10), "total": Decimal("0"),
            "created_at": datetime(2026, 7, 10), "created_by": "sys@cu.edu"}


def line(iid, n, charges):
    return {"invoice_id": iid, "line_no": n, "license_number": f"LN-{n:04d}", "user_name": "X",
            "licenses_held": "[]", "line_total": Decimal("0"),
            "charges": json.dumps([{"application": a, "monthly_rate": "0", "months": 12,
                                    "amount": amount} for a, amount in charges])}


def seed(store) -> None:
    bulk(store, "invoices", [
        invoice("I-1", "annual", "Boulder", "salesforce_marketing_cloud", "billed"),
        invoice("I-2", "annual", "Boulder", "cvent", "approved"),
        # Denver's July invoice was corrected: revision 2 counts, revision 1 does not
        invoice("I-3", "annual", "Denver", "salesforce_marketing_cloud", "billed"),
        invoice("I-4", "annual", "Denver", "salesforce_marketing_cloud", "in_review", revision=2),
        invoice("I-5", "january", "Boulder", "salesforce_marketing_cloud", "draft"),
        invoice("I-6", "annual", "Boulder", "cvent", "billed", fy=2026),   # another year
    ])
    bulk(store, "invoice_lines", [
        line("I-1", 1, [(SF, "624.00"), (MC, "462.00")]),
        line("I-1", 2, [(SF, "624.00")]),
        line("I-2", 1, [(CV, "348.00")]),
        line("I-3", 1, [(SF, "9999.00")]),
        line("I-4", 1, [(SF, "624.00"), (MC, "0.333333")]),
        line("I-5", 1, [(SF, "260.00")]),
        line("I-6", 1, [(CV, "5000.00")]),
    ])


def test_b11_fees_invoiced_set_against_the_seat_cost_per_application(store):
    seed(store)
    seats.record_seats(store, SYSTEM, fiscal_year=2027, application=SF, purchased=10,
                       cost="2496.00")
    seats.record_seats(store, SYSTEM, fiscal_year=2027, application=CV, purchased=5,
                       cost="1000.00")
    frame = recovery.recovery_frame(store, MANAGER, 2027).set_index("application")
    # Salesforce: 624 + 624 (I-1) + 624 (I-4, not I-3) = 1872.00 of 2496.00 = 75.0 %
    assert frame.loc[SF, "invoiced"] == Decimal("1872.00")
    assert frame.loc[SF, "in draft"] == Decimal("260.00")                 # the January draft
    assert frame.loc[SF, "recovered %"] == Decimal("75.0")
    # Marketing Cloud: 462 + 0.333333 = 462.33 (rounded at the end); no cost recorded
    assert frame.loc[MC, "invoiced"] == Decimal("462.33")
    assert frame.loc[MC, "recovered %"] is None
    # Cvent: 348 of 1000 = 34.8 % (FY2026's 5000 is another year)
    assert (frame.loc[CV, "invoiced"], frame.loc[CV, "recovered %"]) == (
        Decimal("348.00"), Decimal("34.8"))
    # Total: 1872 + 462.33 + 348 = 2682.33 of 3496.00 = 76.7 %
    assert frame.loc["Total", "invoiced"] == Decimal("2682.33")
    assert frame.loc["Total", "recovered %"] == Decimal("76.7")
    assert recovery.recovery_figure(frame.reset_index(), 2027) is not None


def test_b11_recovered_share_and_who_may_read(store):
    assert recovery.b11_recovered(Decimal("50"), Decimal("200")) == Decimal("25.0")
    assert recovery.b11_recovered(Decimal("1"), Decimal("3")) == Decimal("33.3")
    assert recovery.b11_recovered(Decimal("1"), None) is None
    assert recovery.b11_recovered(Decimal("1"), Decimal("0")) is None
    with pytest.raises(AccessDenied):
        recovery.recovery_frame(store, SPECIALIST, 2027)
    assert recovery.recovery_figure(recovery.recovery_frame(store, SYSTEM, 2027), 2027) is None


def test_b10_seats_frame_for_the_reports(store):
    seats.record_seats(store, SYSTEM, fiscal_year=2027, application=CV, purchased=5)
    frame = recovery.seats_frame(store, MANAGER, 2027, date(2026, 11, 23)).set_index(
        "application")
    assert (frame.loc[CV, "purchased"], frame.loc[CV, "available"]) == (5, 5)
    assert pd_isna(frame.loc[SF, "purchased"])


def pd_isna(v) -> bool:
    import pandas as pd
    return pd.isna(v)
