"""Requests: the requests this person may see (A1-A3), filtered by status and kind, each
linking to its contact and license records; a pending or held one can be cancelled."""
import pandas as pd
import streamlit as st

from ecomm import clock, ui
from ecomm import reference as ref
from ecomm.errors import EcommError
from ecomm.requests import cancel_request, list_requests
from ecomm.safe_export import csv_bytes
from ecomm.audit_view import data_version

ANY = "All"
STATUSES = ("pending", "held", "processed", "completed", "cancelled")
KIND_LABEL = {"provision": "Provisioning", "deprovision": "Deprovisioning",
              "change_groups": "Group change", "change": "Change (P15)"}
CANCELLABLE = ("pending", "held")

store, user = ui.page()

st.title("Requests")
cols = st.columns(3)
status = cols[0].selectbox("Status", [ANY, *STATUSES], key="req_status")
kind = cols[1].selectbox("Kind", [ANY, *KIND_LABEL], key="req_kind",
                         format_func=lambda k: KIND_LABEL.get(k, k))
campus = ANY
if not user.is_specialist:
    campus = cols[2].selectbox("Campus", [ANY, *ref.CAMPUSES], key="req_campus")


@st.cache_data(ttl=600, max_entries=16, max_size="64MB", show_spinner=False)
def requests_table(_store, db: str, email: str, _user, status, kind, campus, version):
    """The requests this person sees with these filters, as listed, per data version (issue
    18, speed: 13,000 rows at 100x were read and made again on every run)."""
    rows = list_requests(_store, _user, status=status, kind=kind, campus=campus)
    return rows, pd.DataFrame([{
        "request": r["request_id"],
        "submitted": clock.to_denver(r["submitted_at"]).strftime("%Y-%m-%d %H:%M"),
        "kind": KIND_LABEL.get(r["kind"], r["kind"]), "status": r["status"], "campus": r["campus"],
        "cycle": r["cycle"],
        "contact": r["contact_id"],
        "name": " ".join(p for p in (r["first_name"], r["last_name"]) if p),
        "license record": r["license_number"],
        "applications": ", ".join(r["applications"] or []),
        "held because": "; ".join(r["held_reasons"] or []) if r.get("held_reasons") else "",
        "submitted by": r["submitted_by"]} for r in rows],
        # the person's name before the contact ID; why a request is held near the left
        columns=["request", "name", "contact", "license record", "kind", "status", "held because",
                 "submitted", "cycle", "campus", "applications", "submitted by"])


try:
    rows, frame = requests_table(store, str(store.path), user.email, user,
                                 None if status == ANY else status, None if kind == ANY else kind,
                                 None if campus == ANY else campus, data_version(store))
except EcommError as exc:
    ui.show_error(exc)
    st.stop()
# the record links from one template each (issue 18, speed: not a URL made per row)
frame["contact"] = ui.record_urls(ui.CONTACT_PAGE, frame["contact"].tolist())
frame["license record"] = ui.record_urls(ui.LICENSE_PAGE, frame["license record"].tolist())
st.caption(f"{len(frame)} request(s), newest first.")
st.dataframe(frame, hide_index=True, width="stretch", column_config={
    "contact": ui.link_column("contact", ui.CONTACT_PAGE),
    "license record": ui.link_column("license record", ui.LICENSE_PAGE)})
if len(frame):
    ui.download_bytes(lambda: csv_bytes(frame, bom=False), "requests.csv",  # made when pressed
                      "Download as CSV", "text/csv", key="req_csv")

if user.is_manager:
    st.caption("A3: managers read; the campus's eComm specialist or the System team cancels "
               "requests.")
    st.stop()

open_rows = {r["request_id"]: r for r in rows if r["status"] in CANCELLABLE}
st.subheader("Cancel a request")
if not open_rows:
    st.write("No pending or held request in this list.")
    st.stop()
pick = st.selectbox(
    "Request to cancel", list(open_rows), index=None, placeholder="Choose a pending or held request",
    key="req_cancel_pick",
    format_func=lambda rid: f"{rid} · {KIND_LABEL.get(open_rows[rid]['kind'])} · "
                            f"{' '.join(p for p in (open_rows[rid]['first_name'], open_rows[rid]['last_name']) if p)}"
                            f" · {open_rows[rid]['status']}")
reason = st.text_input("Reason for cancelling", key="req_cancel_reason")
if pick and open_rows[pick]["kind"] == "deprovision" and open_rows[pick]["salesforce_removed_on"]:
    st.warning(f"{ref.SALESFORCE} was already removed on "
               f"{open_rows[pick]['salesforce_removed_on']}; cancelling does not give it back (C4).")
if st.button("Cancel request", type="primary", disabled=pick is None, key="req_cancel"):
    try:
        outcome = cancel_request(store, user, pick, reason=reason, now_utc=ui.now_utc())
    except EcommError as exc:
        ui.show_error(exc)
    else:
        ui.done(outcome.message)
