"""Compliance (Q1-Q4): the quiz, idle, course and leaver lists as of a day, for the person's campus
(A1; the System team and managers see every campus, with a campus filter). Selected rows
become deprovisioning requests in one step (ecomm.compliance_actions); managers read (A3)."""
import pandas as pd
import streamlit as st

from ecomm import compliance_frames as cf
from ecomm import reference as ref
from ecomm import ui, ui_deprovision, ui_tables
from ecomm.admin.settings import load_policy
from ecomm.compliance import COURSE_EXPIRING, COURSE_NON_COMPLIANT
from ecomm.compliance_actions import COURSES, IDLE, LEAVERS, QUIZ, default_reason, table_items
from ecomm.deprovision_confirm import marker_column, requested_markers
from ecomm.identity import Identity
from ecomm.policy import Policy
from ecomm.safe_export import csv_bytes

store, user = ui.page()

ALL = "All campuses"


# One entry per person and day: the three tables (7.4 MB pickled for everyone at 100x; the row
# objects they replace were 13 MB and took 1.4 s to unpickle on every rerun), at most 64 MB.
@st.cache_data(ttl=300, max_entries=16, max_size="64MB",
               show_spinner="Working out the compliance lists...")
def _lists(_store, db: str, as_of, viewer_json: str, policy_json: str):
    """The three tables as shown and downloaded, straight from SQL (no row objects)."""
    viewer = Identity.model_validate_json(viewer_json)
    policy = Policy.model_validate_json(policy_json)
    return cf.compliance_tables(_store, as_of, policy, viewer)


st.title("Compliance")
policy = load_policy(store)
c1, c2 = st.columns(2)
as_of = c1.date_input("As of", value=ui.today(), key="cmp_as_of", format="YYYY-MM-DD")
campus = None
if not user.is_specialist:
    pick = c2.selectbox("Campus", [ALL, *ref.CAMPUSES], key="cmp_campus")
    campus = None if pick == ALL else pick
else:
    c2.caption(f"A1: {user.campus} licenses and licenses naming you as a specialist.")

quiz, idle, courses, leavers = _lists(store, str(store.path), as_of, user.model_dump_json(),
                                      policy.model_dump_json())
quiz, idle, courses, leavers = (cf.in_campus(quiz, campus), cf.in_campus(idle, campus),
                                cf.in_campus(courses, campus), cf.in_campus(leavers, campus))
can_act = not user.is_manager
nonce = ui_deprovision.nonce()
markers = requested_markers(store)   # issue 18: rows already requested are marked
LEAD = {QUIZ: ["overdue", "days since", "quiz deadline", "reminder due (day)"],   # why listed
        IDLE: ["application", "idle on", "last login"],
        COURSES: ["course", "status", "expires on"],
        LEAVERS: ["reason", "leaver since"]}


def list_table(kind: str, frame: pd.DataFrame, csv_name: str, link: tuple[str, str]) -> None:
    """The table (with record links), its CSV, and for writers the selection and the action."""
    ui_deprovision.show_result(f"cmp_{kind}")
    if frame.empty:
        st.info(f"Nobody on this list on {as_of.isoformat()}.")
        return
    column, page = link
    # the ID column itself opens the record (no second license column), its links made from one
    # template (a URL per row was 91% of a rerun at 100x); the name, the record, why the row is
    # here, then rows already requested for deprovisioning marked
    data = {column: ui.record_urls(page, frame[column].tolist())}
    requested = (marker_column(frame["licenses"], markers, sep=", ") if kind == COURSES
                 else marker_column(frame["license"], markers))
    if any(requested):
        data["deprovisioning"] = requested
    display = ui_tables.readable(frame.assign(**data),
                                 ["name", column, *LEAD[kind], "deprovisioning"])
    config = {column: ui.link_column(column, page)}
    # the CSV is made when the button is pressed, not on every run
    ui.download_bytes(lambda: csv_bytes(frame, bom=False), csv_name, "Download this list as CSV",
                      "text/csv", key=f"cmp_{kind}_csv")
    if not can_act:
        ui_tables.show(display, width="stretch", column_config=config, key=f"cmp_{kind}_table")
        st.caption("A3: managers read these lists; the campus's eComm specialist or the System "
                   "team requests deprovisioning.")
        return
    event = ui_tables.show(display, width="stretch", column_config=config, on_select="rerun",
                           selection_mode="multi-row", key=f"cmp_{kind}_table_{nonce}")
    picked = frame.iloc[[i for i in event.selection.rows if 0 <= i < len(frame)]]  # positional
    if as_of != ui.today():
        st.caption(f"The list is as of {as_of.isoformat()}; requests are submitted now, for what "
                   "each license holds today.")
    ui_deprovision.deprovision_selected(
        store, user, key=f"cmp_{kind}", rows=len(picked),
        make_items=lambda reason: table_items(kind, picked, reason),
        default_reason=default_reason(kind, policy), ask_key=f"cmp_{kind}_deprovision",
        reason_key=f"cmp_{kind}_reason")


tab_quiz, tab_idle, tab_courses, tab_leavers = st.tabs([
    f"Quiz ({len(quiz)})", f"Idle six months ({len(idle)})", f"Courses ({len(courses)})",
    f"Leavers ({len(leavers)})"])

with tab_quiz:
    counts = cf.quiz_counts(quiz)
    m = st.columns(3)
    m[0].metric("Not a sender yet (Q1)", counts["not a sender"])
    m[1].metric("Reminder due on this day", counts["reminder due"])
    m[2].metric(f"Overdue: {policy.quiz_deadline_days} days, deprovisioning due", counts["overdue"])
    shows = {"all": "All not yet senders", "reminder": "Reminder due on this day",
             "overdue": "Overdue (deprovisioning due)"}
    show = st.radio("Show", list(shows), format_func=shows.get, horizontal=True,
                    key="cmp_quiz_show")
    list_table(QUIZ, cf.quiz_shown(quiz, show), f"compliance-quiz-{as_of.isoformat()}.csv",
               ("license", ui.LICENSE_PAGE))

with tab_idle:
    counts = cf.idle_counts(idle)
    m = st.columns(2)
    m[0].metric(f"Applications idle {policy.idle_months} months (Q2)", counts["applications"])
    m[1].metric("License records", counts["licenses"])
    list_table(IDLE, idle, f"compliance-idle-{as_of.isoformat()}.csv",
               ("license", ui.LICENSE_PAGE))

with tab_courses:
    counts = cf.course_counts(courses)
    m = st.columns(3)
    m[0].metric(f"Expiring within {policy.course_expiring_days} days (Q3)", counts["expiring"])
    m[1].metric("Non-compliant", counts["non-compliant"])
    m[2].metric("People", counts["people"])
    shows = {"all": "All", COURSE_EXPIRING: "Expiring", COURSE_NON_COMPLIANT: "Non-compliant"}
    show = st.radio("Show", list(shows), format_func=shows.get, horizontal=True,
                    key="cmp_course_show")
    list_table(COURSES, cf.course_shown(courses, show),
               f"compliance-courses-{as_of.isoformat()}.csv",
               ("contact", ui.CONTACT_PAGE))

with tab_leavers:
    st.metric("License records of leavers: no longer meet P3 (Q4)", len(leavers))
    st.caption("Q4: a licensed user whose CU employment ended, or whose Person of Interest "
               "status is no longer active, is due for deprovisioning from the day the data "
               "shows it (the day after the employment's end date).")
    list_table(LEAVERS, leavers, f"compliance-leavers-{as_of.isoformat()}.csv",
               ("license", ui.LICENSE_PAGE))
