"""Audit log (A4): who did what and when (America/Denver), with before and after. The System
team reads every entry; an eComm specialist their campus's entries (A1, scoped in the query);
a manager reads every entry (A3: reads everything, changes nothing). Filters, a page of entries
at a time (paged by the database), one entry's changed fields and raw JSON, CSV/XLSX download
of every filtered entry (formula-like cells neutralised). The filters' choices are cached per
database, person and data version (a write changes the version, and ui.clear_caches() runs
after every write)."""
import streamlit as st

from ecomm import audit_view, ui
from ecomm.errors import EcommError
from ecomm.audit_view import data_version

store, user = ui.page()


@st.cache_data(show_spinner=False, max_entries=32)
def cached_choices(_store, db: str, _user, who: tuple, stamp):
    """The actors, actions, kinds of record and campuses this person may filter by (A1-A3)."""
    return audit_view.choices(_store, _user)


st.title("Audit log")
if user.is_system:
    st.caption("Every change made in eComm Licenses: imports, requests and every status change, "
               "batches, compliance records, messages, invoices, settings, reference data, "
               "users, backups and restores. Times are America/Denver.")
elif user.is_manager:
    st.caption("Every change made in eComm Licenses (read only). Times are America/Denver.")
else:
    st.caption(f"Changes to {user.campus} records (A1: your campus's entries only). "
               "Times are America/Denver.")

try:
    options = cached_choices(store, str(store.path), user,
                             (user.email, user.role, user.campus, user.active), data_version(store))
except EcommError as exc:
    ui.show_error(exc)
    st.stop()

with st.container(border=True):
    c1, c2, c3, c4 = st.columns(4)
    since = c1.date_input("From", value=None, key="audit_since", format="YYYY-MM-DD")
    until = c2.date_input("To", value=None, key="audit_until", format="YYYY-MM-DD")
    actor = c3.selectbox("Who", options["actor"], index=None, placeholder="Anyone",
                         key="audit_actor")
    action = c4.selectbox("Action", options["action"], index=None, placeholder="Any action",
                          key="audit_action")
    c5, c6, c7, c8 = st.columns(4)
    entity = c5.selectbox("Kind of record", options["entity"], index=None,
                          placeholder="Any kind", key="audit_entity")
    entity_id = c6.text_input("Record id", key="audit_entity_id",
                              placeholder="R-000123, LN-0042, an email...")
    search = c7.text_input("Text search", key="audit_search",
                           help="Finds the text in the record id, who, the detail or the "
                                "before/after values.")
    if user.is_specialist:
        campus = None
        c8.text_input("Campus", value=user.campus or "", disabled=True, key="audit_campus_own")
    else:
        campus = c8.selectbox("Campus", options["campus"], index=None,
                              placeholder="Every campus (and none)", key="audit_campus")

filters = audit_view.AuditFilters(since=since, until=until, actor=actor, action=action,
                                  entity=entity, entity_id=entity_id, search=search,
                                  campus=campus)
if since and until and until < since:
    st.warning("'To' is before 'From': no entry can match.")

# back to the first page whenever the filters change
signature = filters.model_dump_json()
if st.session_state.get("_audit_filters") != signature:
    st.session_state["_audit_filters"] = signature
    st.session_state.pop("audit_page", None)
page_no = int(st.session_state.get("audit_page") or 1)
try:
    result = audit_view.entries(store, user, filters, page=page_no)
except EcommError as exc:
    ui.show_error(exc)
    st.stop()

if result.total == 0:
    if any(v for v in filters.model_dump().values()):
        st.info("No audit entries match these filters. Clear a filter or widen the dates.",
                icon=":material/search_off:")
    else:
        st.info("The audit log has no entries you can see yet: changes appear here as soon "
                "as they are made.", icon=":material/history:")
    st.stop()

st.caption(f"{result.total:,} entries match · newest first · page {result.page} of "
           f"{result.pages} ({audit_view.PAGE_SIZE} per page)")
if result.pages > 1:
    if st.session_state.get("audit_page", 1) > result.pages:
        st.session_state["audit_page"] = result.page
    st.number_input("Page", min_value=1, max_value=result.pages, step=1, key="audit_page")

frame = result.frame
st.dataframe(frame.drop(columns=["before", "after"]), hide_index=True, width="stretch",
             column_config={"entry": st.column_config.NumberColumn("entry", format="%d"),
                            "what changed": st.column_config.TextColumn(width="large")})

rows = {int(r["entry"]): r for r in frame.to_dict("records")}
chosen = st.selectbox("Show one entry's before and after", list(rows), index=None,
                      placeholder="Choose an entry of this page", key="audit_show",
                      format_func=lambda i: (f"#{i} · {rows[i]['when (Denver)']} · "
                                             f"{rows[i]['who']} · {rows[i]['action']} "
                                             f"{rows[i]['record']} {rows[i]['record id']}"))
if chosen is not None:
    row = rows[chosen]
    st.markdown(f"**{ui.md(row['who'])}** · {ui.md(row['action'])} · {ui.md(row['record'])} "
                f"`{row['record id'] or '-'}` · {row['campus'] or 'no campus'} · "
                f"{row['when (Denver)']}")
    if row["detail"]:
        st.write(ui.md(row["detail"]))
    diff = audit_view.changes(row["before"] or None, row["after"] or None)
    if diff:
        st.dataframe(diff, hide_index=True, width="stretch",
                     column_order=["field", "before", "after"], key="audit_diff")
    else:
        st.caption("No field values were recorded for this entry.")
    with st.expander("Raw JSON (before and after)"):
        j1, j2 = st.columns(2)
        j1.markdown("**Before**")
        j1.code(row["before"] or "null", language="json")
        j2.markdown("**After**")
        j2.code(row["after"] or "null", language="json")

st.markdown("**Download the filtered entries**")
d1, d2 = st.columns(2)
with d1:
    ui.download_bytes(lambda: audit_view.to_csv(audit_view.export_frame(store, user, filters)),
                      "audit-log.csv", "Download CSV", "text/csv", key="audit_csv")
with d2:
    ui.download_bytes(lambda: audit_view.to_xlsx(audit_view.export_frame(store, user, filters)),
                      "audit-log.xlsx", "Download XLSX",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      key="audit_xlsx")
st.caption(f"Every entry the filters match (up to {audit_view.EXPORT_LIMIT:,}), with the "
           "before and after JSON; cells that a spreadsheet would run as a formula are "
           "neutralised.")
