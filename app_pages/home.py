"""Home: who you are, this cycle's key dates (C1, C2) and a data-health line."""
import streamlit as st

from ecomm import home, ui
from ecomm.errors import EcommError

store = ui.get_store()
user = ui.current_user()
if user is None:
    st.stop()

try:
    summary = home.home_summary(store, user, ui.today())
except EcommError as exc:
    ui.show_error(exc)
    st.stop()

st.title(f"Welcome, {summary.name}")
where = f" for **{summary.campus}**" if summary.campus else ""
st.markdown(f"You are signed in as **{summary.role_label}**{where} ({summary.email}).")
if user.is_specialist and user.quiz_passed_on is None:
    st.warning("P14: you have not passed the license-change quiz yet. You can look at your "
               "campus's records, but you cannot submit requests until the System team "
               "records your pass.")
elif user.is_manager:
    st.info("A3: you can read dashboards and reports for every campus; changes are made by "
            "the eComm specialists and the System team.")

st.subheader("Key dates")
st.markdown("\n".join(f"- {line}" for line in home.date_lines(summary)))

st.subheader("Data health")
cols = st.columns(4)
cols[0].metric("Contacts", summary.counts["contacts"])
cols[1].metric("License records", summary.counts["licenses"])
cols[2].metric("Active applications", summary.counts["active_apps"])
cols[3].metric("Pending requests", summary.counts["pending_requests"])
st.caption(home.health_line(summary))
