"""Group changes (C5): pending off-cycle changes of business units and public groups, oldest
first. The System team completes them; a specialist sees their campus's pending ones."""
import pandas as pd
import streamlit as st

from ecomm import clock, record_search, ui
from ecomm.errors import EcommError
from ecomm.requests import complete_group_change, list_group_change_queue

store, user = ui.page()

st.title("Group changes")
st.write("C5: changes of an existing user's business units or public groups are off-cycle: "
         "the System team makes them when it completes the request, not in the monthly batch.")
try:
    queue = list_group_change_queue(store, user)
except EcommError as exc:
    ui.show_error(exc)
    st.stop()


def listed(values) -> str:
    return "; ".join(values or [])


if not queue:
    st.info("No group change is waiting.", icon=":material/done_all:")
    st.stop()

find = st.text_input("Find by name, email, employee ID, license number or request",
                     key="gc_search")   # issue 18: narrows the queue and the choice below
queue = record_search.filter_group_changes(store, user, queue, find)
if not queue:
    st.info("No group change waiting matches your search.", icon=":material/search_off:")
    st.stop()

st.dataframe(pd.DataFrame([{
    "request": r["request_id"],
    "submitted": clock.to_denver(r["submitted_at"]).strftime("%Y-%m-%d %H:%M"),
    "campus": r["campus"], "submitted by": r["submitted_by"],
    "name": " ".join(p for p in (r["first_name"], r["last_name"]) if p),
    "contact": ui.record_url(ui.CONTACT_PAGE, r["contact_id"]),
    "license record": ui.record_url(ui.LICENSE_PAGE, r["license_number"]),
    "add business units": listed(r["business_units"]),
    "remove business units": listed(r["remove_business_units"]),
    "add public groups": listed(r["public_groups"]),
    "remove public groups": listed(r["remove_public_groups"]),
    "new public group": r["new_public_group"] or ""} for r in queue]),
    column_config={"contact": ui.link_column("contact", ui.CONTACT_PAGE),
                   "license record": ui.link_column("license record", ui.LICENSE_PAGE)},
    hide_index=True, width="stretch")

if not user.is_system:
    st.caption("The System team completes these; you will see each as completed on the license "
               "record.")
    st.stop()

by_id = {r["request_id"]: r for r in queue}
pick = st.selectbox("Group change to complete", list(by_id), index=None, key="gc_pick",
                    placeholder="Choose a group change",
                    format_func=lambda rid: f"{rid} · {by_id[rid]['license_number']} · "
                                            f"{by_id[rid]['campus']}")
st.caption("Make the change in Salesforce first, then complete it here: the license record's "
           "business units and public groups are updated and the change is recorded.")
if st.button("Complete group change", type="primary", disabled=pick is None, key="gc_complete"):
    try:
        outcome = complete_group_change(store, user, pick, now_utc=ui.now_utc())
    except EcommError as exc:
        ui.show_error(exc)
    else:
        ui.done(outcome.message)
