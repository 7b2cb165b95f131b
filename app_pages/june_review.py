"""June review (Q5, rev 2): from June 1 each eComm specialist keeps or removes each active user
of their campus (a removal becomes a deprovisioning request, through the usual rules); the
System team sees every campus's progress and may review any campus; managers read (A3)."""
from datetime import date

import pandas as pd
import streamlit as st

from ecomm import june_review as q5
from ecomm import reference as ref
from ecomm import ui
from ecomm import ui_paging, ui_tables
from ecomm.errors import EcommError
from ecomm.safe_export import csv_bytes
from ecomm.audit_view import data_version

store, user = ui.page()


@st.cache_data(ttl=600, max_entries=16, max_size="64MB", show_spinner=False)
def cached_review(_store, db: str, email: str, _user, year: int, today, campus, version):
    """Q5: the review (its users as one table) and the progress, per person, year, day, campus
    and data version (issue 18, speed: a row ticked re-read and re-made every user's row)."""
    review = q5.review(_store, _user, year, today, campus)
    frame = pd.DataFrame([{
        "license": r.license_number, "name": r.name, "campus": r.campus,
        "applications": ", ".join(r.applications), "public groups": "; ".join(r.public_groups),
        "decision": DECISION_LABEL[r.decision], "request": r.request_id or "",
        "decided by": r.decided_by or ""} for r in review.rows],
        columns=["license", "name", "campus", "applications", "public groups", "decision",
                 "request", "decided by"])
    return review.model_copy(update={"rows": []}), frame, q5.progress(_store, _user, year, today)


RESULT_KEY, NONCE_KEY = "jr_result", "jr_nonce"
DECISION_LABEL = {q5.KEEP: "Kept", q5.REMOVE: "Removed", None: "To review"}

today = ui.today()
st.title("June review")
st.caption("Q5 (002): review all active users in June and submit provisioning or deprovisioning "
           "requests before the last business day of the month, so July's invoice is right.")
years = sorted({q5.q5_review_year(today), today.year - 1, today.year}, reverse=True)
c1, c2 = st.columns(2)
year = c1.selectbox("June of", [y for y in years if y <= today.year], key="jr_year")
campus = None
if user.is_specialist:
    c2.caption(f"A1: you review {user.campus}.")
else:
    pick = c2.selectbox("Campus to review", ["All campuses", *ref.CAMPUSES], key="jr_campus")
    campus = None if pick == "All campuses" else pick

try:
    review, frame, progress = cached_review(store, str(store.path), user.email, user, year,
                                            today, campus, data_version(store))
except EcommError as exc:
    ui.show_error(exc)
    st.stop()

if review.open:
    st.info(f"The June review of {year} is open until June 30; please finish by "
            f"{review.last_business_day:%A, %B %-d} (the last business day of June). Reminder "
            f"messages go out on June 1 and on {review.second_reminder:%B %-d}.",
            icon=":material/event_available:")
elif today < date(year, 6, 1):
    st.info(f"The June review of {year} opens on June 1.", icon=":material/event:")
else:
    st.info(f"The June review of {year} closed on June 30: it shows the active users of "
            f"June 30 and the decisions taken.", icon=":material/event_busy:")

# -- progress per campus (the System team's view; a specialist sees their campus) --------------
st.subheader("Progress per campus")
if progress:
    st.dataframe(pd.DataFrame([{
        "campus": p.campus, "active users": p.active_users, "kept": p.kept, "removed": p.removed,
        "to review": p.to_review, "done": p.done} for p in progress]),
        hide_index=True, width="stretch", key="jr_progress",
        column_config={"done": st.column_config.ProgressColumn(
            "done", format="percent", min_value=0.0, max_value=1.0)})
else:
    st.write("No active users to review.")

# -- the users to review ----------------------------------------------------------------------------
st.subheader("Active users" + (f" of {review.campus}" if review.campus else ""))
held = st.session_state.get(RESULT_KEY)
if held:
    kind, message, refused = held
    (st.success if not refused else st.warning)(ui.md(message), icon=":material/task_alt:")
    for line in refused:
        st.error(ui.md(line), icon=":material/block:")
if frame.empty:
    st.write("Nobody to review.")
    st.stop()
show = st.radio("Show", ["To review", "All"], horizontal=True, key="jr_show")
shown = frame[frame["decision"] == "To review"].reset_index(drop=True) if show == "To review" \
    else frame
# issue 18 (speed): one page of rows goes to the browser, not every user's row; the CSV below
# keeps the full list
find = st.text_input("Find a user (name or license)", key="jr_find")
shown = ui_paging.find_rows(shown, find, ["name", "license"])
pages = ui_paging.page_count(len(shown))
if st.session_state.get("jr_page", 1) > pages:
    st.session_state["jr_page"] = 1          # a narrower list: back to its first page
page = 1
if pages > 1:
    page = int(st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1,
                               key="jr_page"))
n_shown = len(shown)
shown = ui_paging.page_of(shown, page)
if pages > 1:
    first = (page - 1) * ui_paging.PAGE_ROWS + 1
    st.caption(f"Rows {first:,}-{first + len(shown) - 1:,} of {n_shown:,}: page through them "
               "or find a user; the CSV has every row.")
can_act = review.open and not user.is_manager
nonce = st.session_state.get(NONCE_KEY, 0)
# the license column itself opens the record (no second license column), name first; the
# links from one template (not a URL made per row)
display = ui_tables.readable(
    shown.assign(license=ui.record_urls(ui.LICENSE_PAGE, shown["license"].tolist())),
    ["name", "license", "decision"])
config = {"license": ui.link_column("license", ui.LICENSE_PAGE)}
ui.download_bytes(lambda: csv_bytes(frame, bom=False),   # made when pressed
                  f"june-review-{year}-{review.campus or 'all'}.csv",
                  "Download the review as CSV", "text/csv", key="jr_csv")
if not can_act:
    st.dataframe(display, hide_index=True, width="stretch", column_config=config,
                 key="jr_table")
    st.caption("A3: managers read the review." if user.is_manager else
               "Decisions are taken from June 1 to June 30.")
    st.stop()
# a new view (shown, found, page) is a new table: no stale selection
event = st.dataframe(display, hide_index=True, width="stretch", column_config=config,
                     on_select="rerun", selection_mode="multi-row",
                     key=f"jr_table_{nonce}_{show}_{find}_{page}")
picked = shown.iloc[[i for i in event.selection.rows if 0 <= i < len(shown)]]  # positional
numbers = list(picked["license"])
st.caption(f"{len(numbers)} user(s) selected: {', '.join(numbers)}." if numbers else
           "Select users in the table (the boxes on the left), then keep or remove them.")
reason = st.text_input("Reason for a removal (kept on each deprovisioning request)",
                       value=q5.DEFAULT_REASON, key="jr_reason")


def done(message: str, refused: list[str]) -> None:
    st.session_state[RESULT_KEY] = ("done", message, refused)
    st.session_state[NONCE_KEY] = nonce + 1  # a fresh table: no stale selection
    ui.clear_caches()
    st.rerun()


b1, b2 = st.columns(2)
if b1.button(f"Keep the selected ({len(numbers)})", disabled=not numbers, key="jr_keep"):
    try:
        n = q5.keep(store, user, year, numbers, now_utc=ui.now_utc())
    except EcommError as exc:
        ui.show_error(exc)
    else:
        done(f"Kept {n} user(s) in the June review of {year}.", [])
if b2.button(f"Remove the selected ({len(numbers)}): deprovisioning requests", type="primary",
             disabled=not numbers, key="jr_remove"):
    try:
        result = q5.remove(store, user, year, numbers, reason, now_utc=ui.now_utc())
    except EcommError as exc:
        ui.show_error(exc)
    else:
        done(result.summary, [i.sentence() for i in result.refused])
