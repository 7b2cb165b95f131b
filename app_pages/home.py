"""Home: who you are, this cycle's key dates (C1, C2) and a data-health line."""
import streamlit as st

from ecomm import home, mywork, ui
from ecomm.dashboard.panels import data_version
from ecomm.errors import EcommError

store, user = ui.page()

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
cols[3].metric("Pending requests", summary.counts["pending_requests"],
               help="Provisioning, deprovisioning and group-change requests waiting; held "
                    "requests are counted apart. The Dashboard lists each kind in its own row.")
st.caption(home.health_line(summary))

# -- My work (issue 18): what waits for this person, with its due date and where it is done --
st.subheader("My work")
if "mywork_since" not in st.session_state:      # the visit before this session's first view
    st.session_state["mywork_since"] = mywork.record_visit(store, user, ui.now_utc())


@st.cache_data(show_spinner=False, max_entries=8)
def outlook(_store, path: str, as_of, version):
    """C3: the next batch's holds, planned once per day and data version for every
    specialist (``ecomm.batch.predict``, as the Dashboard and the digest)."""
    return mywork.batch_outlook(_store, as_of)


@st.cache_data(show_spinner="Finding your work ...", max_entries=64, ttl=600)
def my_work(_store, path: str, who: tuple, _user, as_of, since, version):
    """My work per person, day and data version (``version``: every audited write). Only a
    manager's work depends on the last visit (``since``): the others pass None, so a fresh
    session reuses the cached work (issue 18, speed)."""
    ahead = outlook(_store, path, as_of, version) if _user.is_specialist else None
    return mywork.my_work(_store, _user, as_of, since=since, outlook=ahead)


since = st.session_state["mywork_since"]
try:
    work = my_work(store, str(store.path), (user.email, user.role, user.campus), user, ui.today(),
                   mywork.since_for(user, since), data_version(store))
except EcommError as exc:
    ui.show_error(exc)
    st.stop()
work = work.model_copy(update={"since": since})    # the cheap step: the visit shown as before
if not work.waiting:
    st.success("Nothing waits for you today.")
for item in work.items:
    with st.container(border=True, key=f"mywork_{item.key}"):
        st.markdown(ui.md(f"**{item.title}** ({item.rule}): **{item.count}**"))
        st.caption(ui.md(item.due_text(work.as_of)))
        st.page_link(item.page, label=item.page_label, icon=":material/arrow_forward:")
        if item.details:
            with st.expander(f"Details ({len(item.details)} shown)"):
                st.markdown("\n".join(f"- {ui.md(d)}" for d in item.details))
