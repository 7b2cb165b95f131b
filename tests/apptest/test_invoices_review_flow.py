"""B8 on the Invoices page (issue 13): a specialist lands on the invoice run that waits for
their review, and after approving one invoice the next one waiting opens."""
from __future__ import annotations

from datetime import date

import streamlit as st
from streamlit.testing.v1 import AppTest

from ecomm import admin, practice
from ecomm.billing import workflow as wf
from ecomm.billing.records import IN_REVIEW
from ecomm.identity import CLI_ACTOR
from ecomm.storage import Store
from tests.apptest.conftest import APP, BOULDER, SYSTEM

JANUARY_DAY = date(2027, 1, 11)


def test_b8_specialist_opens_the_run_to_review_and_approves_one_invoice_after_the_other(
        tmp_path, monkeypatch, demo_copy):
    path = demo_copy(tmp_path / "demo.duckdb", as_of=JANUARY_DAY, licenses=150)
    with Store(path) as store:
        practice.keep_practice_date(store, CLI_ACTOR, JANUARY_DAY, demo_built=True)
        priya = admin.find_identity(store, BOULDER)
        for inv in wf.list_summaries(store, priya):   # Boulder reviewed what came before
            if inv.status == IN_REVIEW:
                wf.approve(store, priya, inv.invoice_id)
        sam = admin.find_identity(store, SYSTEM)
        run = wf.draft_run(store, sam, fiscal_year=2027, kind="january", as_of=JANUARY_DAY,
                           capture=True)   # B6 (rev 2): the lists captured on purpose
        wf.send_for_review(store, sam, [i.invoice_id for i in run.invoices])
        waiting = sorted(i.invoice_id for i in wf.list_summaries(store, priya)
                         if i.status == IN_REVIEW)
    assert len(waiting) == 2
    monkeypatch.setenv("ECOMM_DB", str(path))
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["as"] = BOULDER
        at.run()
        at.switch_page("app_pages/invoices.py").run()
        assert not at.exception, at.exception
        assert at.selectbox(key="inv_run").value == (2027, "january")   # not the July run
        opened = [at.selectbox(key="inv_invoice").value]
        at.button(key="inv_approve").click().run()
        opened.append(at.selectbox(key="inv_invoice").value)
        at.button(key="inv_approve").click().run()
        assert not at.exception, at.exception
        assert sorted(opened) == waiting
        assert at.selectbox(key="inv_invoice").value is None
        assert not [b for b in at.button if b.key == "inv_approve"]
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
    with Store(path) as store:
        assert {i.status for i in wf.list_summaries(store, priya)
                if i.invoice_id in waiting} == {"approved"}
