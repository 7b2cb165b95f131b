"""Invoices (eComm specialists, A1; managers read-only, A3): the campus's invoices sent for
review, approved or billed (B8) with their lines and spreadsheets, the net-new review of the
January and June true-ups (B6), and the campus's forecast (B4/B5)."""
import plotly.express as px
import streamlit as st

from ecomm import reference as ref
from ecomm import ui
from ecomm import ui_tables
from ecomm.billing import fiscal_setup, frames, net_new, workflow
from ecomm.billing.fiscal import fiscal_year_of, fy_end, fy_label
from ecomm.billing.models import GROUP_LABEL
from ecomm.billing.proration import KIND_LABEL, TRUE_UPS
from ecomm.billing.records import IN_REVIEW
from ecomm.billing.workbook import workbook_name
from ecomm.errors import EcommError
from ecomm.audit_view import data_version
from ecomm.ui import attempt
from ecomm.ui.invoice_view import show_invoice, shown_invoice

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NET_NEW = "Net new (billed on the true-up)"
NOT_NET_NEW = "Not net new (a transfer, P10)"
SECTION_KEY = "inv_section"   # the open tab (st.tabs with state)


@st.cache_data(ttl=600, max_entries=16, show_spinner="Working out the forecast ...")
def forecast(_store, path: str, email: str, _user, today):
    """B4/B5 forecast (every license and pending request) per database, person and day,
    kept until a change clears the caches (ui.done)."""
    return workflow.forecast_for(_store, _user, today)


@st.cache_data(ttl=300, max_entries=16, show_spinner=False)
def my_invoices(_store, path: str, email: str, _user):
    """B8/A1: the invoices this person sees, without their lines (every write clears it)."""
    return workflow.list_summaries(_store, _user)


@st.cache_data(ttl=300, max_entries=4, show_spinner="Reading the invoice's lines ...")
def one_invoice(_store, path: str, email: str, _user, invoice_id: str):
    """B8: one invoice as shown: its head (without the lines), total, number of lines and
    lines table (a campus's July invoice has thousands of lines: issue 18, speed, they were
    unpickled as models and made into the table on every run)."""
    return shown_invoice(workflow.get_invoice(_store, _user, invoice_id))


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def review_lists(_store, path: str, email: str, _user, fy: int, kind: str, campus, version):
    """B6: the campus's net-new candidates and where every visible campus's review stands, per
    data version (issue 18, speed: re-read and re-validated on every widget change)."""
    return (net_new.candidates(_store, _user, fiscal_year=fy, kind=kind, campus=campus),
            net_new.statuses(_store, _user, fiscal_year=fy, kind=kind))


store, user = ui.page()

today = ui.today()
this_fy = fiscal_year_of(today)
may_act = user.is_specialist  # A3: managers read; the System team works on the Billing page
st.title("Invoices" + (f" — {user.campus}" if user.is_specialist and user.campus else ""))
if user.is_manager:
    st.info("Managers read every campus's invoices here; only a campus's eComm specialist "
            "approves them (A3).")


# The tabs know which one is open (switching reruns): the forecast is worked out only while
# its tab is open.
tab_inv, tab_review, tab_forecast = st.tabs(["Invoices", "Net-new review", "Forecast"],
                                            key=SECTION_KEY, on_change="rerun")

# -- the campus's invoices (B8) --------------------------------------------------------------
with tab_inv:
    runs = workflow.runs(store, user)
    invoices_all = my_invoices(store, str(store.path), user.email, user)
    runs = [r for r in runs if any((i.fiscal_year, i.kind) == r for i in invoices_all)]
    waiting = [i for i in invoices_all if i.status == IN_REVIEW]
    if waiting and may_act:
        st.warning(f"{len(waiting)} invoice(s) wait for your review: "
                   + "; ".join(workflow.describe(i) for i in waiting) + ".",
                   icon=":material/rate_review:")
    if not runs:
        st.info("No invoices have been sent to your campus yet." if user.is_specialist
                else "No invoices have been sent for review yet.")
    else:
        waiting_runs = {(i.fiscal_year, i.kind) for i in waiting}  # open on one to review
        run = st.selectbox("Invoice run", runs, format_func=lambda r: workflow.run_label(*r),
                           index=next((n for n, r in enumerate(runs) if r in waiting_runs), 0),
                           key="inv_run")
        invoices = [i for i in invoices_all if (i.fiscal_year, i.kind) == run]
        st.dataframe(frames.invoices_frame(invoices), hide_index=True, width="stretch",
                     key=f"inv_table_{run[0]}_{run[1]}")
        for col, group in zip(st.columns(len(ref.INVOICE_GROUPS)), ref.INVOICE_GROUPS):
            name = workbook_name(run[0], run[1], group)
            with col:  # the workbook is made when the button is pressed
                ui.download_bytes(lambda g=group: workflow.workbook_bytes(
                    store, user, fiscal_year=run[0], kind=run[1], group=g),
                    name, f"Download {GROUP_LABEL[group]} ({name})", XLSX, key=f"inv_dl_{group}")
        by_id = {i.invoice_id: i for i in invoices}
        default = next((n for n, i in enumerate(invoices) if i.status == IN_REVIEW), None)
        chosen = st.selectbox("Open an invoice", list(by_id), index=default,
                              placeholder="Choose an invoice",
                              format_func=lambda i: f"{workflow.describe(by_id[i])} — "
                                                    f"{by_id[i].status_label}, "
                                                    f"{frames.dollars(by_id[i].total)}",
                              key="inv_invoice")
        if chosen:
            shown = one_invoice(store, str(store.path), user.email, user, chosen)
            inv = shown[0]
            show_invoice(store, user, inv, status=inv.status_label, key="inv", shown=shown)
            if inv.status == IN_REVIEW and may_act:
                st.markdown("**Your review (B8)**")
                if st.button("Approve this invoice", type="primary", key="inv_approve"):
                    def approve_then_next():
                        done = workflow.approve(store, user, chosen)
                        st.session_state.pop("inv_invoice", None)  # open the next to review
                        return done
                    attempt(approve_then_next, f"Approved {workflow.describe(inv)}.")
                reason = st.text_input("Or say what is wrong with it", key="inv_return_reason")
                if st.button("Return it to the System team", key="inv_return"):
                    attempt(lambda: workflow.return_to_draft(store, user, chosen, reason=reason),
                            f"Returned {workflow.describe(inv)} to the System team.")

def show_growth(fy: int, campuses: list[str] | None, key: str) -> None:
    """B7 (rev 2): net new measured against the July count, with the flags' disagreements."""
    day = min(today, fy_end(fy))
    try:
        rows = fiscal_setup.growth_report(store, user, day, campuses)
    except EcommError as exc:
        ui.show_error(exc)
        return
    st.markdown(f"**Against the July count (B7)**, counts on {day.isoformat()}: licenses beyond "
                "each application's July count are net new; a leaver replaced is not.")
    frame = frames.growth_frame(rows)
    st.dataframe(frame, hide_index=True, width="stretch", key=key)
    for r in rows:
        if r.warning and r.july is not None:
            st.warning(f"{r.campus}, {r.application}: {r.warning}.", icon=":material/warning:")


# -- net-new review (B6) ---------------------------------------------------------------------
with tab_review:
    c1, c2, c3 = st.columns(3)
    years = sorted({this_fy, this_fy - 1}, reverse=True)
    nn_fy = c1.selectbox("Fiscal year", years, format_func=fy_label, key="inv_nn_fy")
    kinds = list(TRUE_UPS)
    nn_kind = c2.selectbox("True-up", kinds, index=kinds.index(frames.review_kind(today)),
                           format_func=KIND_LABEL.get, key="inv_nn_kind")
    if user.is_specialist:
        campus = user.campus
        c3.text_input("Campus", value=campus or "", disabled=True, key="inv_nn_campus_shown")
    else:
        campus = c3.selectbox("Campus", ref.CAMPUSES, key="inv_nn_campus")
    st.caption("In the second week of January and June, confirm or correct each application "
               "provisioned in the true-up's window: net new is billed from its month through "
               "June (B5); a transfer (P10) is not. A correction needs a reason.")
    try:
        cands, statuses = review_lists(store, str(store.path), user.email, user, nn_fy, nn_kind,
                                       campus, data_version(store))
        status = next(s for s in statuses if s.campus == campus)
    except EcommError as exc:
        ui.show_error(exc)
        cands, status = [], None
    show_growth(nn_fy, [campus] if campus else None, "inv_nn_growth")
    if status is not None and status.captured:
        st.info(f"This list was captured by {status.captured_by}: it is closed. Ask the CU "
                "System eComm team to reopen it if something is wrong.")
    st.dataframe(frames.candidates_frame(cands), hide_index=True, width="stretch",
                 key=f"inv_nn_list_{nn_fy}_{nn_kind}")
    if not cands:
        st.caption("Nothing on this list.")
    elif may_act and status is not None and not status.captured:
        by_key = {f"{c.license_number}|{c.application}|{c.provisioned_on.isoformat()}": c
                  for c in cands}
        pick = st.selectbox(
            "Application to review", list(by_key), index=None, placeholder="Choose one",
            format_func=lambda k: (f"{by_key[k].license_number} {by_key[k].user_name}: "
                                   f"{by_key[k].application}, provisioned "
                                   f"{by_key[k].provisioned_on.isoformat()}"),
            key="inv_nn_pick")
        if pick:
            cand = by_key[pick]
            value = st.radio("Decision", [NET_NEW, NOT_NET_NEW],
                             index=0 if cand.net_new else 1, key=f"inv_nn_value_{pick}")
            reason = st.text_input("Reason (needed for a correction)", value=cand.reason or "",
                                   key=f"inv_nn_reason_{pick}")
            if st.button("Save decision", type="primary", key="inv_nn_save"):
                attempt(lambda: net_new.review_candidate(
                    store, user, fiscal_year=nn_fy, kind=nn_kind,
                    license_number=cand.license_number, application=cand.application,
                    provisioned_on=cand.provisioned_on, net_new=value == NET_NEW, reason=reason),
                    lambda c: f"{c.license_number} {c.application}: "
                              f"{'confirmed' if c.decision == 'confirm' else 'corrected'} "
                              f"as {'net new' if c.net_new else 'not net new'}.")
        todo = sum(c.decision is None for c in cands)
        if st.button(f"Confirm the {todo} not reviewed yet as flagged", disabled=not todo,
                     key="inv_nn_confirm_all"):
            attempt(lambda: net_new.confirm_remaining(store, user, fiscal_year=nn_fy,
                                                      kind=nn_kind, campus=campus),
                    lambda n: f"Confirmed {n} application(s) as flagged.")

# -- forecast (B4, B5) -------------------------------------------------------------------------
def show_forecast() -> None:
    """B4/B5: what the campus would be billed today (the Forecast tab, when open)."""
    st.caption(f"What your campus would be billed if billed today ({today.isoformat()}), "
               "counting pending provisioning requests, pending deprovisionings processed "
               "before the invoice (C4) and your net-new review decisions (B6).")
    try:
        rows = forecast(store, str(store.path), user.email, user, today)
    except EcommError as exc:
        ui.show_error(exc)
        rows = []
    if not rows:
        st.caption("Nothing to forecast.")
    else:
        if not user.is_specialist:
            chart = frames.forecast_by_campus(rows)
            fig = px.bar(chart, x="campus", y=["billed now", "pending", "deprovisioned"],
                         facet_col="invoice",
                         labels={"value": "dollars", "variable": ""})
            fig.update_yaxes(tickprefix="$")
            ui_tables.plain_facet_titles(fig)   # issue 18: "July invoice", not "invoice=..."
            st.plotly_chart(fig, key="inv_forecast_chart")
        st.dataframe(frames.forecast_frame(rows), hide_index=True, width="stretch",
                     key="inv_forecast_table")


with tab_forecast:
    if tab_forecast.open:
        show_forecast()
