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
ui.role_notice(user)

st.subheader("Key dates")
st.markdown("\n".join(f"- {line}" for line in home.date_lines(summary)))

st.subheader("Data health")
cols = st.columns(4)
cols[0].metric("Contacts", summary.counts["contacts"])
cols[1].metric("License records", summary.counts["licenses"])
cols[2].metric("Active applications", summary.counts["active_apps"])
cols[3].metric("Pending requests", summary.counts["pending_requests"])
st.caption(home.health_line(summary))
