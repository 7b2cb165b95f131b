"""B7 (rev 2): net new measured against the July count: per campus and application the July
count, the count now, the growth and the applications flagged net new, with a warning where
the flags and the growth disagree (tests/integration/billing_seed.py's organisation)."""
from __future__ import annotations

from datetime import date

import pytest

from ecomm.billing import fiscal_setup as fs
from ecomm.billing.growth import GrowthRow, b7_growth
from ecomm.errors import AccessDenied
from tests.integration.billing_seed import BOULDER, FY, MANAGER, SYSTEM, seed


def test_b7_growth_against_the_july_count_warns_where_flags_disagree(store):
    seed(store)
    fs.capture_baselines(store, SYSTEM, FY)       # July count: Boulder Salesforce 1 (LN-0001)
    rows = {(r.campus, r.application): r for r in
            fs.growth_report(store, SYSTEM, date(2027, 1, 15))}
    sf = rows[("Boulder", "Salesforce")]
    # LN-0003 arrived in November (flagged a transfer of LN-0099): the count grew by 1 with
    # no net-new flag
    assert (sf.july, sf.now, sf.growth, sf.flagged) == (1, 2, 1, 0)
    assert "grew by 1 but only 0 flagged" in sf.warning
    cvent = rows[("Boulder", "Cvent")]             # LN-0001's Cvent (Oct 14), net new
    assert (cvent.july, cvent.now, cvent.growth, cvent.flagged, cvent.warning) == (0, 1, 1, 1, "")
    den = rows[("Denver", "Salesforce")]           # LN-0004: net new in August, left Dec 10
    assert (den.july, den.now, den.growth, den.flagged) == (0, 0, 0, 1)
    assert "1 flagged net new but the count grew by 0" in den.warning
    # Chatter Free is counted apart: LN-0005's free Salesforce is not paid Salesforce growth
    assert (rows[("Denver", "Chatter Free")].july, rows[("Denver", "Chatter Free")].now) == (1, 1)


def test_b7_a_specialist_sees_their_campus_only(store):
    seed(store)
    fs.capture_baselines(store, SYSTEM, FY)
    assert {r.campus for r in fs.growth_report(store, BOULDER, date(2027, 1, 15))} == {"Boulder"}
    assert {r.campus for r in fs.growth_report(store, MANAGER, date(2027, 1, 15))} >= {
        "Boulder", "Denver"}
    with pytest.raises(AccessDenied):
        fs.growth_report(store, None, date(2027, 1, 15))


def test_b7_no_july_count_recorded_says_so():
    (row,) = b7_growth({}, {("UCCS", "Cvent"): 2}, {("UCCS", "Cvent"): 2})
    assert row == GrowthRow(campus="UCCS", application="Cvent", july=None, now=2, flagged=2)
    assert row.growth is None and "no July count" in row.warning
