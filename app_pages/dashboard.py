"""Dashboard: key dates, the three filters of 001's dashboard, and the panels in the rows of D1
(rev 2: provisioning queue with the held requests marked, deprovisioning queue, the 60-day quiz,
idle, courses, leavers, then the active users with the counts per application) with counts,
record links and CSV/XLSX downloads.
Everything is counted and filtered in DuckDB (ecomm.dashboard); a specialist sees their own
campus and the licenses naming them as additional specialist, whatever the widgets or the
link ask (A1)."""
import re
from urllib.parse import quote_plus

import numpy as np
import pandas as pd
import streamlit as st

from ecomm import compliance_actions, seats, system_tasks, ui
from ecomm.batch import predict
from ecomm.dashboard import export, keydates
from ecomm.dashboard import panels as dash
from ecomm.dashboard.filters import (PARAM_BILLING, PARAM_CAMPUS, PARAM_GROUP,
                                     DashboardFilters, Resolved, from_params, resolve, to_params)
from ecomm.errors import EcommError
from ecomm.permissions import additional_email

ALL = "All"
K_CAMPUS, K_BILLING, K_GROUP = "dash_campus", "dash_billing", "dash_group"
URL_READ, URL_NOTICES = "_dash_url_read", "_dash_url_notices"
RESULT_KEY, NONCE_KEY = "_dash_deprov_result", "_dash_table_nonce"
PLACEHOLDER = "__record__"
LINK_COLUMNS = {"license_number": ("license", ui.LICENSE_PAGE),
                "contact_id": ("contact", ui.CONTACT_PAGE)}

store = ui.get_store()
user = ui.current_user()
if user is None:
    st.stop()
today = ui.today()
version = dash.data_version(store)
user_key = (user.email, user.role, user.campus, user.active)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_strip(_store, db: str, as_of, stamp):
    return keydates.strip(_store, as_of)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_prediction(_store, db: str, as_of, stamp):
    """C3: the next batch's holds (issue 18), planned once per day and data version, whatever
    the filters."""
    return predict.c3_predicted_holds(_store, as_of)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_dashboard(_store, db: str, _user, who: tuple, asked: tuple, as_of, limit: int, stamp):
    return dash.dashboard(_store, _user, DashboardFilters(campus=asked[0], billing_campus=asked[1],
                                                          public_group=asked[2]), as_of,
                          limit=limit,
                          prediction=cached_prediction(_store, db, as_of, stamp))


@st.cache_data(show_spinner=False, max_entries=32)
def cached_choices(_store, db: str, scope: tuple | None, stamp):
    return dash.filter_choices(_store, Resolved(
        filters=DashboardFilters(), campuses=None if scope is None else [scope[0]],
        email=None if scope is None else scope[1]))


# -- key dates (C1, C2, B4-B6) -----------------------------------------------------------------
# The page people open first (ui.PAGES: default): greet them, then their campus's numbers.
st.title(f"Welcome, {user.name}")
st.caption(f"{user.campus + ' dashboard' if user.is_specialist else 'Dashboard'} · "
           f"{user.role_label} · as of {today:%a %b %-d, %Y}")
ui.role_notice(user)
for gap in system_tasks.specialist_gaps(store, user):   # P17
    st.warning(gap, icon=":material/person_off:")
try:
    strip = cached_strip(store, str(store.path), today, version)
except EcommError as exc:
    ui.show_error(exc)
    st.stop()
d = strip.dates
c1, c2, c3, c4 = st.columns(4)
c1.metric(f"Cutoff for {d.month} (C1)", f"{d.cutoff:%a %b %-d}",
          help="Requests submitted by the end of this day join the next batch.")
c2.metric(f"Batch {d.cycle} processed from", f"{d.processing_starts:%a %b %-d}")
c3.metric("New users' credentials (C2)" + (" · set" if d.credentials_date_overridden else ""),
          f"{d.credentials_date:%a %b %-d}")
c4.metric("Next billing step", f"{strip.billing.starts:%b %-d}",
          help=strip.billing.title)
st.caption(ui.md(keydates.billing_line(strip.billing, today)))

# -- filters (A1 pins a specialist's campus) ---------------------------------------------------
if not st.session_state.get(URL_READ):
    asked_by_url = from_params(st.query_params)
    st.session_state[URL_NOTICES] = resolve(user, asked_by_url).notices
    st.session_state[K_CAMPUS] = asked_by_url.campus or ALL
    st.session_state[K_BILLING] = asked_by_url.billing_campus or ALL
    st.session_state[K_GROUP] = asked_by_url.public_group or ALL
    st.session_state[URL_READ] = True

def _forget_link_notices() -> None:
    """A filter was changed by hand: what the link asked for no longer applies."""
    st.session_state.pop(URL_NOTICES, None)


scope = None if not user.is_specialist else (user.campus, additional_email(user))
choices = cached_choices(store, str(store.path), scope, version)
f1, f2, f3 = st.columns(3)
if user.is_specialist:
    st.session_state[K_CAMPUS] = user.campus
    f1.selectbox("Campus Support | eComm Specialist", [user.campus], key=K_CAMPUS, disabled=True,
                 help="A1: as an eComm specialist you see your own campus, and the license "
                      "records of other campuses that name you as an additional eComm "
                      "specialist.")
else:
    options = [ALL, *choices["campus"]]
    if st.session_state.get(K_CAMPUS) not in options:
        st.session_state[K_CAMPUS] = ALL
    f1.selectbox("Campus Support | eComm Specialist", options, key=K_CAMPUS,
                 on_change=_forget_link_notices)
billing_options = [ALL, *choices["billing_campus"]]
if st.session_state.get(K_BILLING) not in billing_options:
    st.session_state[K_BILLING] = ALL
f2.selectbox("Billing Campus", billing_options, key=K_BILLING, on_change=_forget_link_notices)
group_options = [ALL, *choices["public_group"]]
if st.session_state.get(K_GROUP) is None:  # first visit, or back from another page (Streamlit
    st.session_state[K_GROUP] = ALL          # drops the state of widgets a page did not draw)
if st.session_state[K_GROUP] not in group_options:
    group_options.append(st.session_state[K_GROUP])  # a group named in a link: filter by it
f3.selectbox("eComm Public Group", group_options, key=K_GROUP, on_change=_forget_link_notices)


def _picked(key: str) -> str | None:
    value = st.session_state.get(key)
    return None if value in (None, ALL) else value


asked = DashboardFilters(campus=_picked(K_CAMPUS), billing_campus=_picked(K_BILLING),
                         public_group=_picked(K_GROUP))
for notice in st.session_state.get(URL_NOTICES) or []:
    st.warning(ui.md(notice), icon=":material/lock:")
try:
    board = cached_dashboard(store, str(store.path), user, user_key,
                             (asked.campus, asked.billing_campus, asked.public_group), today,
                             dash.DISPLAY_LIMIT, version)
except EcommError as exc:
    ui.show_error(exc)
    st.stop()
resolved = board.resolved

# keep the link shareable: the filters as applied, in the URL
wanted = to_params(resolved.filters)
for param in (PARAM_CAMPUS, PARAM_BILLING, PARAM_GROUP):
    if param in wanted and st.query_params.get(param) != wanted[param]:
        st.query_params[param] = wanted[param]
    elif param not in wanted and param in st.query_params:
        del st.query_params[param]

@st.cache_data(show_spinner=False, max_entries=16)
def cached_seats(_store, db: str, as_of, stamp):
    return seats.seat_lines(_store, as_of)


def user_counts() -> None:
    """000's last row: Number of Users and the users per application; B10 (rev 2): the seats
    purchased, assigned and available per application this fiscal year (every campus)."""
    with st.container(horizontal=True, wrap=True, gap="small"):  # each as wide as its label
        for label, n in board.user_counts.items():
            st.metric(label, f"{n:,}", width="content")
    lines = [x for x in cached_seats(store, str(store.path), today, version) if x.recorded]
    if lines:
        st.caption(f"Seats FY{lines[0].fiscal_year} (B10, all campuses): " + "; ".join(
            f"{x.application} {x.available:,} available of {x.purchased:,} "
            f"({x.assigned:,} assigned, {x.queued:,} in the queue)"
            + (" :red[below the alert threshold]" if x.low else "") for x in lines) + ".")


def queue_counts(counts: dict) -> None:
    """D1 row 1 (issue 18): held now, and held by the next batch as of its processing day
    (C3, predicted with the batch's own P1-P5 checks)."""
    with st.container(horizontal=True, wrap=True, gap="small"):
        st.metric("Held (C3)", f"{counts['n_held']:,}", width="content")
        if counts.get("will_hold_on"):
            st.metric(f"Will be held on {counts['will_hold_on']:%a %b %-d} (C3)",
                      f"{counts['n_will_hold']:,}", width="content",
                      help=f"Pending requests that fail P1-P5 as of the {counts['will_hold_cycle']} "
                           "batch's processing day: the batch will hold them unless fixed "
                           "before then (each is marked, with why).")


# -- panels ----------------------------------------------------------------------------------------
QUOTED_PLACEHOLDER = quote_plus(PLACEHOLDER)
URL_SAFE = re.compile(r"[A-Za-z0-9_.~-]+")  # what quote_plus leaves as it is
url_templates = {page: ui.record_url(page, PLACEHOLDER) for _, page in LINK_COLUMNS.values()}


def record_urls(template: str, values: list) -> list[str | None]:
    """ui.record_url for many values: the URL is made once (``template``) and the value put in
    its place (quote_plus only for a value it would change)."""
    return [None if v is None or (isinstance(v, float) and pd.isna(v)) or not str(v).strip()
            else template.replace(QUOTED_PLACEHOLDER, str(v) if URL_SAFE.fullmatch(str(v))
                                  else quote_plus(str(v))) for v in values]


def _dated(values: pd.Series) -> bool:
    """Every value (of a date-time column) is at midnight: show it as a date."""
    if values.dtype.kind != "M" or not isinstance(values.dtype, np.dtype):  # zoned: by pandas
        values = values.dropna()
        return values.empty or bool((values == values.dt.normalize()).all())
    ticks = values.to_numpy()
    ticks = ticks[~np.isnat(ticks)].view("i8")
    per_day = np.timedelta64(1, "D") // np.timedelta64(1, np.datetime_data(values.dtype)[0])
    return not (ticks % per_day).any()


def display_frame(frame):
    """The panel's rows with record links first (IDs shown, the record opens on click). The
    frame is put together once from its columns (no copy per link column); the IDs are read as
    Python lists (iterating Arrow-backed columns row by row cost more than the rest of the page
    at 100x); a date-time column shows as a date when every value is at midnight."""
    config = {}
    columns = {}
    for col, (label, page) in LINK_COLUMNS.items():
        if col in frame.columns:
            columns[label] = record_urls(url_templates[page], frame[col].tolist())
            config[label] = ui.link_column(label, page)
    for col in frame.columns:
        if col in LINK_COLUMNS or col in columns:
            continue
        values = frame[col]
        columns[col] = values
        if pd.api.types.is_datetime64_any_dtype(values):
            config[col] = (st.column_config.DateColumn(col, format="YYYY-MM-DD")
                           if _dated(values) else
                           st.column_config.DatetimeColumn(col, format="YYYY-MM-DD HH:mm"))
    return pd.DataFrame(columns, index=frame.index, copy=False), config


def downloads(key: str) -> None:
    """CSV and XLSX of every row of the panel, made when clicked."""
    def rows():
        return dash.panel_rows(store, user, asked, today, key)

    with st.container(horizontal=True):
        ui.download_bytes(lambda: export.to_csv(rows()),
                          dash.file_name(key, resolved, today, "csv"), "CSV", "text/csv",
                          key=f"dash_csv_{key}")
        ui.download_bytes(lambda: export.to_xlsx(rows(), sheet=dash.ROW_SPECS[key].title[:31]),
                          dash.file_name(key, resolved, today, "xlsx"), "XLSX",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"dash_xlsx_{key}")


def show_result(key: str) -> None:
    """The outcome of the last deprovisioning action on this panel (kept across the rerun)."""
    held = st.session_state.get(RESULT_KEY)
    if not held or held[0] != key:
        return
    result = held[1]
    (st.success if result.created else st.warning)(ui.md(result.summary),
                                                   icon=":material/task_alt:")
    for item in result.refused:
        st.error(ui.md(item.sentence()), icon=":material/block:")


def deprovision_action(key: str, frame, selection) -> None:
    """Q1-Q4: send the selected rows to deprovisioning, one request per license, through the
    usual rules (ecomm.compliance_actions); a refused one does not stop the others."""
    rows = sorted(i for i in (selection.rows if selection is not None else []) if i < len(frame))
    reason = st.text_input("Reason (kept on each request)", key=f"dash_reason_{key}",
                           value=board.deprovision_reason(key))
    items = dash.deprovision_items(key, frame.iloc[rows], reason) if rows else []
    st.caption(f"{len(rows)} row(s) selected: {len(items)} license record(s)." if rows else
               "Select rows in the table (the boxes on the left) to request their "
               "deprovisioning.")
    if st.button(f"Request deprovisioning for the selected ({len(items)})", type="primary",
                 key=f"dash_deprov_{key}", disabled=not items):
        try:
            result = compliance_actions.request_deprovisioning(store, user, items,
                                                               now_utc=ui.now_utc())
        except EcommError as exc:
            ui.show_error(exc)
        else:
            st.session_state[RESULT_KEY] = (key, result)
            st.session_state[NONCE_KEY] = st.session_state.get(NONCE_KEY, 0) + 1
            ui.clear_caches()
            st.rerun()


for panel in board.rows():  # D1: the rows in the order of 000
    spec = panel.spec
    key = spec.key
    with st.container(border=True, key=f"dash_panel_{key}"):
        st.subheader(f"{spec.title} · {panel.count:,}")
        st.caption(ui.md(panel.summary))
        if key == dash.ACTIVE:
            user_counts()
        if key == dash.QUEUE:
            queue_counts(panel.counts)
        if panel.count == 0:
            st.write("Nothing to show for these filters.")
            continue
        shown, config = display_frame(panel.frame)
        selectable = spec.deprovision_action and not user.is_manager
        show_result(key)
        nonce = st.session_state.get(NONCE_KEY, 0)
        event = st.dataframe(shown, hide_index=True, column_config=config,
                             key=f"dash_df_{key}_{nonce}",
                             on_select="rerun" if selectable else "ignore",
                             selection_mode="multi-row")
        if panel.truncated:
            st.caption(f"Showing the first {len(panel.frame):,} of {panel.count:,} rows; the "
                       "downloads have all of them.")
        downloads(key)
        if selectable:
            deprovision_action(key, panel.frame, getattr(event, "selection", None))

if resolved.filters.public_group and not any(p.count for p in board.panels.values()):
    st.info(f"No license record{' of ' + resolved.filters.campus if resolved.filters.campus else ''}"
            f" is in the public group {ui.md(resolved.filters.public_group)}.")
st.caption(f"Counts as of {today.isoformat()} for "
           f"{resolved.filters.campus or 'all campuses'}"
           + (f", billed to {resolved.filters.billing_campus}" if resolved.filters.billing_campus else "")
           + (f", public group {ui.md(resolved.filters.public_group)}"
              if resolved.filters.public_group else "") + ".")
