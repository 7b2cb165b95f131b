"""P15 (rules revision 2): billing information is kept current on the license record by the
campus's specialist (and the System team): at once, audited, and it never changes an invoice
already in review, approved or billed (B8); a draft is drafted again from the license."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from ecomm.billing import workflow as wf
from ecomm.errors import AccessDenied, EcommError, NotFound
from ecomm.requests import update_billing
from ecomm.storage import invoice_reads as ir
from tests.integration.billing_seed import (BOULDER, DENVER, FY, JAN_AS_OF, MANAGER, SYSTEM,
                                            seed)

NOW = datetime(2027, 1, 15, 17)
LATER = datetime(2027, 1, 16, 17)
SFMC, CVENT = "salesforce_marketing_cloud", "cvent"


@pytest.fixture
def seeded(store):
    seed(store)
    return store


def lic(store, number="LN-0001"):
    return store.query_dicts("SELECT billing_campus, campus_speedtype, unit_speedtypes, "
                             "speedtype_notes FROM licenses WHERE license_number = ?", [number])[0]


def test_p15_specialist_changes_billing_at_once_and_it_is_audited(seeded):
    update_billing(seeded, BOULDER, "LN-0001",
                   {"campus_speedtype": "61000777", "unit_speedtypes": "61000342:50;61000530:50",
                    "speedtype_notes": "half and half"}, now_utc=NOW)
    assert lic(seeded) == {"billing_campus": "Boulder", "campus_speedtype": "61000777",
                           "unit_speedtypes": "61000342:50;61000530:50",
                           "speedtype_notes": "half and half"}
    entry = seeded.query_dicts("SELECT * FROM audit_log WHERE action = 'update_billing'")[0]
    assert (entry["actor"], entry["entity_id"], entry["campus"]) == (
        BOULDER.email, "LN-0001", "Boulder")
    assert json.loads(entry["before"])["campus_speedtype"] == "61000342"
    assert json.loads(entry["after"])["campus_speedtype"] == "61000777"


def test_p15_p12_a_split_that_does_not_add_up_is_refused_and_nothing_changes(seeded):
    before = lic(seeded)
    with pytest.raises(EcommError) as err:
        update_billing(seeded, BOULDER, "LN-0001", {"unit_speedtypes": "61000342:50;61000530:40"},
                       now_utc=NOW)
    assert err.value.problems == ["P12: Unit speedtype percentages add up to 90, not 100: "
                                  "correct the split"]
    assert lic(seeded) == before


def test_p15_a1_another_campus_and_a_manager_cannot_change_billing(seeded):
    with pytest.raises(NotFound):
        update_billing(seeded, DENVER, "LN-0001", {"campus_speedtype": "1"}, now_utc=NOW)
    with pytest.raises(AccessDenied):
        update_billing(seeded, MANAGER, "LN-0001", {"campus_speedtype": "1"}, now_utc=NOW)
    update_billing(seeded, SYSTEM, "LN-0001", {"campus_speedtype": "61000888"}, now_utc=NOW)
    assert lic(seeded)["campus_speedtype"] == "61000888"


def test_p15_billing_edit_never_changes_an_invoice_in_review_approved_or_billed(seeded):
    out = wf.draft_run(seeded, SYSTEM, fiscal_year=FY, kind="january", as_of=JAN_AS_OF,
                       now_utc=NOW, capture=True)   # B6 (rev 2): the lists captured on purpose
    ids = {(i.campus, i.group): i.invoice_id for i in out.invoices}
    in_review, approved = ids[("Boulder", CVENT)], ids[("Boulder", SFMC)]
    billed = ids[("Denver", SFMC)]
    wf.send_for_review(seeded, SYSTEM, [in_review, approved, billed], now_utc=NOW)
    wf.approve(seeded, BOULDER, approved, now_utc=NOW)
    wf.approve(seeded, DENVER, billed, now_utc=NOW)
    wf.mark_billed(seeded, SYSTEM, [billed], now_utc=NOW)
    stored = {i: ir.load_invoice(seeded, i) for i in (in_review, approved, billed)}

    # LN-0001 (Boulder, on the Cvent invoice) and LN-0004 (Denver, billed) change billing
    update_billing(seeded, BOULDER, "LN-0001", {"campus_speedtype": "61000777",
                                                "unit_speedtypes": "N/A"}, now_utc=LATER)
    update_billing(seeded, DENVER, "LN-0004", {"campus_speedtype": "51000999"}, now_utc=LATER)
    again = wf.draft_run(seeded, SYSTEM, fiscal_year=FY, kind="january", as_of=JAN_AS_OF,
                         now_utc=LATER, capture=True)
    for invoice_id, before in stored.items():
        after = ir.load_invoice(seeded, invoice_id)
        assert after == before, invoice_id
    assert stored[in_review].lines[0].campus_speedtype == "61000342"   # as it was drafted
    assert not again.replaced   # nothing drafted over an invoice that left the draft state
