"""Billing (issue 18): a returned invoice reads "Returned: <reason>", not a plain Draft, and the
bulk "Send drafts for review" leaves it out until it is fixed (B8); an invoice billed with demo
rates is marked (B2)."""
from __future__ import annotations

import streamlit as st

from ecomm.billing import invoice_marks
from ecomm.billing import workflow as wf
from tests.apptest.conftest import SYSTEM, texts
from tests.apptest.test_billing_pages import (JAN, SFMC, draft_january, frame_with, ok,  # noqa: F401
                                              seeded, stored)
from tests.integration.billing_seed import BOULDER as BOULDER_ID
from tests.integration.billing_seed import SYSTEM as SYSTEM_ID

BILLING = "app_pages/billing.py"


def test_b8_a_returned_invoice_shows_its_reason_and_is_not_sent_again_in_bulk(seeded, open_app):
    draft_january(open_app)
    invoices = stored(seeded)
    boulder = invoices[("Boulder", SFMC)].invoice_id
    wf.send_for_review(seeded, SYSTEM_ID, [i.invoice_id for i in invoices.values()])
    wf.return_to_draft(seeded, BOULDER_ID, boulder, reason="LN-0002 left in August")
    st.cache_data.clear()   # written outside the app: the page's cached lists are stale
    at = ok(open_app(SYSTEM, BILLING))
    ok(at.selectbox(key="bill_kind").select(JAN).run())
    table = frame_with(at, "status")
    status = dict(zip(table["invoice"], table["status"]))
    assert status[boulder] == "Returned: LN-0002 left in August"
    assert set(status.values()) == {"Returned: LN-0002 left in August", "In review"}
    # three invoices, the other two in review: no draft to send in bulk
    assert at.button(key="bill_send_all").disabled
    assert "1 returned invoice(s) are left out" in texts(at)
    ok(at.selectbox(key="bill_invoice").select(boulder).run())
    assert "**Status:** Returned: LN-0002 left in August" in texts(at)
    # once fixed it is sent again from its own page: in review, no longer "Returned"
    ok(at.button(key="bill_send_one").click().run())
    assert stored(seeded)[("Boulder", SFMC)].status == "in_review"
    assert invoice_marks.returned_reasons(seeded, SYSTEM_ID) == {}


def test_b2_an_invoice_billed_with_demo_rates_is_marked(seeded, open_app):
    at = draft_january(open_app)
    boulder = stored(seeded)[("Boulder", SFMC)].invoice_id
    ok(at.selectbox(key="bill_invoice").select(boulder).run())
    assert "Demo rates" not in texts(at)                 # the seed's rates are real
    seeded.write(lambda cur: cur.execute(
        "UPDATE rates SET is_demo = TRUE WHERE application = 'Salesforce'"))
    at = ok(open_app(SYSTEM, BILLING))
    ok(at.selectbox(key="bill_kind").select(JAN).run())
    ok(at.selectbox(key="bill_invoice").select(boulder).run())
    assert [w.value for w in at.warning if w.value.startswith("Demo rates")] == [
        "Demo rates: the FY2027 rates of Salesforce are the demo's, not real ones. Set the real "
        "rates (Billing > Fiscal year setup) and draft again before billing."]
