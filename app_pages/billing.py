"""Billing (System team, A2): invoice runs and their workflow (B4-B8) with the spreadsheets,
the net-new lists of the true-ups (B6), fiscal year setup (rates B2, baselines B7) and the
forecast (B4/B5)."""
import plotly.express as px
import streamlit as st

from ecomm import reference as ref
from ecomm import ui
from ecomm import ui_tables
from ecomm.billing import fiscal_setup, frames, gates, net_new, workflow
from ecomm.billing import invoice_marks  # Returned: <reason>
from ecomm.billing.fiscal import fiscal_year_of, fy_end, fy_label, fy_start
from ecomm.billing.models import GROUP_LABEL
from ecomm.billing.proration import KIND_LABEL, KINDS, TRUE_UPS
from ecomm.billing.records import APPROVED, BILLED, DRAFT, FINAL, IN_REVIEW
from ecomm.billing.workbook import workbook_name
from ecomm.errors import EcommError
from ecomm.ui import attempt
from ecomm.ui.invoice_view import show_invoice
from ecomm.audit_view import data_version

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SECTION_KEY = "bill_section"   # the open tab (st.tabs with state)


@st.cache_data(ttl=600, max_entries=16, show_spinner="Working out the forecast ...")
def forecast(_store, path: str, email: str, _user, today):
    """B4/B5 forecast (every license and pending request) per database, person and day,
    kept until a change clears the caches (ui.done)."""
    return workflow.forecast_for(_store, _user, today)


@st.cache_data(ttl=300, max_entries=16, show_spinner=False)
def run_invoices(_store, path: str, email: str, _user, fy: int, kind: str):
    """B8: the run's latest invoices without their lines (every write through the app clears it)."""
    return workflow.list_summaries(_store, _user, fiscal_year=fy, kind=kind)


@st.cache_data(ttl=300, max_entries=4, show_spinner="Reading the invoice's lines ...")
def one_invoice(_store, path: str, email: str, _user, invoice_id: str):
    """B8: one invoice with its lines (a campus's July invoice has thousands)."""
    return workflow.get_invoice(_store, _user, invoice_id)


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def review_statuses(_store, path: str, email: str, _user, fy: int, kind: str, version):
    """B6: where each campus's net-new review stands, per data version (every write through
    the app clears it too): re-reading the candidates was most of a widget change at 100x."""
    return net_new.statuses(_store, _user, fiscal_year=fy, kind=kind)


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def review_candidates(_store, path: str, email: str, _user, fy: int, kind: str, campus: str,
                      version):
    """B6: a campus's net-new candidates with their review, per data version."""
    return net_new.candidates(_store, _user, fiscal_year=fy, kind=kind, campus=campus)


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def per_version(_store, path: str, email: str, _user, what: str, day, version):
    """The page's counts that only a write changes (P12's licenses without a speedtype, B7's
    growth and counts), per data version: not counted again over every license on each rerun."""
    if what == "missing_speedtype":
        return gates.licenses_missing_speedtype(_store, _user)
    if what == "growth":
        return fiscal_setup.growth_report(_store, _user, day)
    return fiscal_setup.baseline_comparison(_store, _user, day)


store, user = ui.page(ui.SYSTEM, "A2: only the CU System eComm team drafts and bills invoices. "
                                 "Your campus's invoices are on the Invoices page.")

today = ui.today()
this_fy = fiscal_year_of(today)
version = data_version(store)   # the caches' stamp: changes with every audited write
st.title("Billing")


def fy_choices() -> list[int]:
    years = {this_fy + 1, *range(this_fy, this_fy - 4, -1)}
    years |= {fy for fy, _ in workflow.runs(store, user)}
    return sorted(years, reverse=True)


def draft_gates(fy: int, kind: str) -> tuple[bool, str | None]:
    """B6/B4 (rev 2): what drafting this run needs said on purpose: capturing the open
    net-new lists (the unreviewed campuses named), or overriding the July batch's wait."""
    if kind in TRUE_UPS:
        statuses = review_statuses(store, str(store.path), user.email, user, fy, kind, version)
        still_open = gates.open_lists(statuses)
        if not still_open:
            return False, None
        late = gates.unreviewed(statuses)
        st.warning(f"Net-new lists still open: {', '.join(still_open)}"
                   + (f"; not reviewed by their specialist: {', '.join(late)}" if late else "")
                   + ". Capture them on the Net-new review tab, or here.",
                   icon=":material/warning:")
        return st.checkbox("Capture the open lists as they stand when drafting (B6)",
                           key="bill_capture"), None
    refusal = gates.b4_july_batch_refusal(store, fy)
    if refusal is None:
        return False, None
    st.warning(refusal, icon=":material/warning:")
    return False, st.text_input("Override reason (recorded, B4)", key="bill_override") or None


# The tabs know which one is open (switching reruns) so that the forecast, most of a first
# visit at 100x, is worked out only while its tab is open (issue 18, speed).
tab_runs, tab_review, tab_setup, tab_forecast = st.tabs(
    ["Invoice runs", "Net-new review", "Fiscal year setup", "Forecast"], key=SECTION_KEY,
    on_change="rerun")

# -- invoice runs (B4, B5, B8) ------------------------------------------------------------------
with tab_runs:
    c1, c2, c3 = st.columns(3)
    years = fy_choices()
    fy = c1.selectbox("Fiscal year", years, index=years.index(this_fy), format_func=fy_label,
                      key="bill_fy")
    kind = c2.selectbox("Invoice", KINDS, format_func=KIND_LABEL.get, key="bill_kind")
    as_of = c3.date_input("As of", value=frames.default_as_of(fy, kind, today),
                          min_value=fy_start(fy), max_value=fy_end(fy),
                          key=f"bill_as_of_{fy}_{kind}")
    label = workflow.run_label(fy, kind)
    st.caption("Drafting again replaces the drafts; invoices in review, approved or billed are "
               "never changed (B8). A true-up bills the net-new lists once captured (B6).")
    too_early = frames.default_as_of(fy, kind, today) > today
    if too_early:
        st.info(f"The {label} can be drafted from {frames.default_as_of(fy, kind, today)} on; "
                "the Forecast tab shows what it would bill today.")
    missing_st = per_version(store, str(store.path), user.email, user, "missing_speedtype",
                             None, version)
    if missing_st:   # P12 (rev 2): what the upgrade could not fill
        st.warning(f"P12: {len(missing_st)} license record(s) have no campus billing speedtype "
                   "(their billing campus has no default): "
                   + ", ".join(f"{r['license_number']} ({r['billing_campus']})"
                               for r in missing_st[:20])
                   + (" ..." if len(missing_st) > 20 else "")
                   + ". Give the campus a default (Admin > Reference data, campus billing "
                     "speedtype) or the license a speedtype; their invoices cannot go to review.",
                   icon=":material/warning:")
    capture, override = draft_gates(fy, kind)
    if st.button(f"Draft the {label}", type="primary", disabled=too_early, key="bill_draft"):
        attempt(lambda: workflow.draft_run(store, user, fiscal_year=fy, kind=kind, as_of=as_of,
                                           capture=capture, override=override),
                lambda out: f"{label} as of {as_of.isoformat()}: {out.sentence()}"
                + (f" Not matching the data any more (make a correction): "
                   f"{', '.join(out.differs)}." if out.differs else ""))

    invoices = run_invoices(store, str(store.path), user.email, user, fy, kind)
    if not invoices:
        st.info(f"No invoices of the {label} yet: draft the run.")
    else:
        m1, m2, m3, m4 = st.columns([1, 1, 2, 1])  # the total needs room for its cents
        m1.metric("Invoices", len(invoices))
        m2.metric("Lines", f"{sum(i.line_count for i in invoices):,}")
        m3.metric("Total", frames.dollars(sum(i.total for i in invoices)))
        m4.metric("Approved or billed", sum(i.status in FINAL for i in invoices))
        returned = invoice_marks.returned_reasons(store, user)   # B8: "Returned: <reason>"
        st.dataframe(frames.invoices_frame(invoices, returned), hide_index=True,
                     width="stretch", key=f"bill_table_{fy}_{kind}")
        # a returned draft is sent again once fixed (drafted again or corrected), one by one
        drafts = [i.invoice_id for i in invoices
                  if i.status == DRAFT and i.invoice_id not in returned]
        left_out = sum(i.status == DRAFT and i.invoice_id in returned for i in invoices)
        if left_out:
            st.warning(f"{left_out} returned invoice(s) are left out of \"Send drafts for "
                       "review\": fix them (draft the run again, or open one and send it "
                       "again once it is right).")
        approved = [i.invoice_id for i in invoices if i.status == APPROVED]
        b1, b2 = st.columns(2)
        if b1.button(f"Send {len(drafts)} draft(s) for review", disabled=not drafts,
                     key="bill_send_all"):
            attempt(lambda: workflow.send_for_review(store, user, drafts),
                    f"Sent {len(drafts)} invoice(s) of the {label} to the campuses for review.")
        if b2.button(f"Mark {len(approved)} approved invoice(s) billed", disabled=not approved,
                     key="bill_bill_all"):
            attempt(lambda: workflow.mark_billed(store, user, approved),
                    f"Marked {len(approved)} invoice(s) of the {label} billed.")

        st.markdown("**Spreadsheets** (latest revision of each invoice)")
        for col, group in zip(st.columns(len(ref.INVOICE_GROUPS)), ref.INVOICE_GROUPS):
            name = workbook_name(fy, kind, group)
            with col:  # the workbook is made when the button is pressed
                ui.download_bytes(lambda g=group: workflow.workbook_bytes(
                    store, user, fiscal_year=fy, kind=kind, group=g),
                    name, f"Download {GROUP_LABEL[group]} ({name})", XLSX, key=f"bill_dl_{group}")

        by_id = {i.invoice_id: i for i in invoices}

        def status_of(iid: str) -> str:
            return frames.status_text(by_id[iid].status, iid, returned)
        chosen = st.selectbox("Open an invoice", list(by_id), index=None,
                              placeholder="Choose an invoice",
                              format_func=lambda i: f"{workflow.describe(by_id[i])} — "
                                                    f"{status_of(i)}, "
                                                    f"{frames.dollars(by_id[i].total)}",
                              key="bill_invoice")
        if chosen:
            inv = one_invoice(store, str(store.path), user.email, user, chosen)
            show_invoice(store, user, inv, status=frames.status_text(inv.status, chosen, returned),
                         key="bill")
            if inv.status == DRAFT and st.button("Send for review", key="bill_send_one"):
                attempt(lambda: workflow.send_for_review(store, user, [chosen]),
                        f"Sent {workflow.describe(inv)} for review.")
            if inv.status == IN_REVIEW:
                reason = st.text_input("Why return it to draft?", key="bill_return_reason")
                if st.button("Return to draft", key="bill_return"):
                    attempt(lambda: workflow.return_to_draft(store, user, chosen, reason=reason),
                            f"Returned {workflow.describe(inv)} to draft.")
            if inv.status == APPROVED and st.button("Mark billed", key="bill_mark_billed"):
                attempt(lambda: workflow.mark_billed(store, user, [chosen]),
                        f"Marked {workflow.describe(inv)} billed.")
            if inv.status in (APPROVED, BILLED):
                st.markdown("**Correct this invoice** — a new revision naming this one (B8)")
                k1, k2 = st.columns([1, 2])
                fix_as_of = k1.date_input("Correction as of", value=as_of, min_value=fy_start(fy),
                                          max_value=fy_end(fy), key=f"bill_fix_as_of_{chosen}")
                fix_reason = k2.text_input("Reason", key=f"bill_fix_reason_{chosen}")
                if st.button("Create correction", key="bill_correct"):
                    attempt(lambda: workflow.correct_invoice(store, user, chosen, as_of=fix_as_of,
                                                             reason=fix_reason),
                            lambda new: f"Created {new.invoice_id}, correcting {chosen}.")

# -- net-new review (B6) -----------------------------------------------------------------------
with tab_review:
    c1, c2 = st.columns(2)
    years = fy_choices()
    nn_fy = c1.selectbox("Fiscal year", years, index=years.index(this_fy), format_func=fy_label,
                         key="nn_fy")
    kinds = list(TRUE_UPS)
    nn_kind = c2.selectbox("True-up", kinds, index=kinds.index(frames.review_kind(today)),
                           format_func=KIND_LABEL.get, key="nn_kind")
    st.caption("Specialists review their campus's list in the second week of January and June; "
               "capturing closes the reviews and writes each decision onto the license (B6).")
    statuses = review_statuses(store, str(store.path), user.email, user, nn_fy, nn_kind,
                               version)
    st.dataframe(frames.statuses_frame(statuses), hide_index=True, width="stretch",
                 key=f"nn_status_{nn_fy}_{nn_kind}")
    open_lists = [s.campus for s in statuses if s.candidates and not s.captured]
    not_reviewed = gates.unreviewed(statuses)
    if not_reviewed:   # B6 (rev 2): shown before the System team captures
        st.warning(f"Not reviewed by their specialist yet: {', '.join(not_reviewed)}. "
                   "Capturing takes their lists as they stand.", icon=":material/warning:")
    if st.button(f"Capture {len(open_lists)} open list(s)", disabled=not open_lists,
                 key="nn_capture"):
        attempt(lambda: net_new.capture(store, user, fiscal_year=nn_fy, kind=nn_kind),
                lambda done: f"Captured the net-new lists of {', '.join(done) or 'no campus'}.")
    captured = [s.campus for s in statuses if s.captured]
    if captured:
        r1, r2 = st.columns([1, 2])
        again = r1.selectbox("Reopen the list of", captured, key="nn_reopen_campus")
        why = r2.text_input("Why reopen it?", key="nn_reopen_reason")
        if st.button("Reopen list", key="nn_reopen"):
            attempt(lambda: net_new.reopen(store, user, fiscal_year=nn_fy, kind=nn_kind,
                                           campus=again, reason=why),
                    f"Reopened {again}'s net-new list: its specialist can correct it again.")
    growth = per_version(store, str(store.path), user.email, user, "growth",
                         min(today, fy_end(nn_fy)), version)
    st.markdown("**Against the July count (B7)**: per campus and application, the July count, "
                "the count now, the growth and the applications flagged net new.")
    st.dataframe(frames.growth_frame(growth), hide_index=True, width="stretch",
                 key=f"nn_growth_{nn_fy}")
    disagree = [f"{r.campus} {r.application}" for r in growth if r.warning and r.july is not None]
    if disagree:
        st.warning("Flags and growth disagree (B7): " + "; ".join(disagree) + ".",
                   icon=":material/warning:")
    look = st.selectbox("Show the list of", ref.CAMPUSES, key="nn_campus")
    st.dataframe(frames.candidates_frame(review_candidates(
        store, str(store.path), user.email, user, nn_fy, nn_kind, look, version)),
        hide_index=True, width="stretch", key=f"nn_list_{nn_fy}_{nn_kind}_{look}")

# -- fiscal year setup (B1, B2, B7) --------------------------------------------------------------
with tab_setup:
    years = fy_choices()
    s_fy = st.selectbox("Fiscal year", years, index=years.index(this_fy), format_func=fy_label,
                        key="setup_fy")
    st.subheader("Monthly rates (B2)")
    rows = {r["application"]: r for r in fiscal_setup.rate_rows(store, user, s_fy)}
    if not rows:
        st.warning(f"FY{s_fy} has no rates yet: invoices of the year cannot be drafted until "
                   "Salesforce, Marketing Cloud and Cvent have one.")
    elif any(r["is_demo"] for r in rows.values()):
        st.warning("Some of these rates are demo rates: set the real ones before billing.")
    with st.form(f"rates_{s_fy}"):
        cols = st.columns(len(ref.APPLICATIONS))
        entered = {}
        for col, app in zip(cols, ref.APPLICATIONS):
            current = rows.get(app)
            entered[app] = col.text_input(
                f"{app} ($/month)" + (" · demo" if current and current["is_demo"] else ""),
                value=f"{current['monthly_rate']:.2f}" if current else "",
                key=f"rate_{s_fy}_{app}")
        demo = st.checkbox("These are demo rates", value=False, key=f"rate_demo_{s_fy}")
        if st.form_submit_button("Save rates", type="primary", key="rate_save"):
            attempt(lambda: fiscal_setup.set_rates(
                store, user, s_fy, {a: v for a, v in entered.items() if v.strip()}, is_demo=demo),
                lambda changed: f"FY{s_fy} rates saved ({', '.join(changed) or 'no change'}).")

    st.subheader("License counts at the start of the year (B7)")
    recorded = fiscal_setup.baseline_rows(store, user, s_fy)
    if not recorded:
        st.info(f"No counts recorded for FY{s_fy} yet.")
        if st.button(f"Capture the counts as of {fy_start(s_fy).isoformat()}",
                     key="baseline_capture"):
            attempt(lambda: fiscal_setup.capture_baselines(store, user, s_fy),
                    f"Recorded the FY{s_fy} counts as of {fy_start(s_fy).isoformat()}.")
    compare_on = min(max(today, fy_start(s_fy)), fy_end(s_fy))
    st.caption(f"Current counts as of {compare_on.isoformat()}.")
    st.dataframe(frames.baseline_frame(per_version(store, str(store.path), user.email, user,
                                                   "baseline", compare_on, version),
                                       recorded),
                 hide_index=True, width="stretch", key=f"baseline_table_{s_fy}")
    if recorded:
        with st.form(f"baseline_fix_{s_fy}"):
            st.markdown("**Correct a recorded count**")
            f1, f2, f3 = st.columns(3)
            b_campus = f1.selectbox("Campus", ref.CAMPUSES, key="baseline_campus")
            b_app = f2.selectbox("Application", ref.APPLICATIONS, key="baseline_app")
            b_count = f3.number_input("License count", min_value=0, step=1, value=0,
                                      key="baseline_count")
            b_reason = st.text_input("Reason", key="baseline_reason")
            if st.form_submit_button("Save count", key="baseline_save"):
                attempt(lambda: fiscal_setup.correct_baseline(
                    store, user, s_fy, b_campus, b_app, int(b_count), reason=b_reason),
                    f"Corrected the FY{s_fy} count of {b_app} at {b_campus}.")

# -- forecast (B4, B5) ---------------------------------------------------------------------------
def show_forecast() -> None:
    """B4/B5: what the invoices would bill today (the Forecast tab, when it is open)."""
    st.caption(f"If billed today ({today.isoformat()}): licenses held now, plus pending "
               "provisioning requests from their cycle's month, less pending deprovisionings "
               "processed before the invoice (C4: charged on a true-up through the month "
               "processed). The true-up bills the net-new list as reviewed (B6).")
    try:
        rows = forecast(store, str(store.path), user.email, user, today)
    except EcommError as exc:
        ui.show_error(exc)
        rows = []
    if rows:
        chart = frames.forecast_by_campus(rows)
        fig = px.bar(chart, x="campus", y=["billed now", "pending", "deprovisioned"],
                     facet_col="invoice",
                     labels={"value": "dollars", "variable": ""})
        fig.update_yaxes(tickprefix="$")
        ui_tables.plain_facet_titles(fig)   # issue 18: "July invoice", not "invoice=..."
        st.plotly_chart(fig, key="forecast_chart")
        st.dataframe(frames.forecast_frame(rows), hide_index=True, width="stretch",
                     key="forecast_table")


with tab_forecast:
    if tab_forecast.open:
        show_forecast()
