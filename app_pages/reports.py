"""Reports (managers, A3; System team, A2): license counts against the fiscal year's baseline
(B7), active licenses per month (B1), net new per month and campus (P10, B6) and each campus's
cost, actual and projected (B2-B5). Plotly charts with the numbers beside them, each
downloadable. Counting and filtering happen in DuckDB (ecomm.dashboard.reports); the numbers,
charts and tables are cached per database, person, year, day, campuses and data version (a
write changes the version, and ui.clear_caches() runs after every write)."""
import pandas as pd
import streamlit as st

from ecomm import ui, ui_tables
from ecomm import reference as ref
from ecomm.billing.fiscal import fy_label
from ecomm.billing.frames import dollars
from ecomm.dashboard import charts, export
from ecomm.dashboard import reports as rep
from ecomm.errors import EcommError
from ecomm.audit_view import data_version

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

store, user = ui.page()
try:
    rep.require_reader(user)
except EcommError as exc:
    ui.show_error(exc)
    st.stop()
today = ui.today()
version = data_version(store)


# Each entry is small (under 1 MB at 100x); max_size bounds the cache whatever it holds.
@st.cache_data(show_spinner=False, max_entries=64, max_size="64MB")
def cached(_store, db: str, _user, who: tuple, what: str, fy: int, as_of, campuses: tuple | None,
           stamp):
    picked = list(campuses) if campuses else None
    if what == "baseline":
        return rep.baseline(_store, _user, fy, as_of, picked)
    if what == "active":
        return rep.active_per_month(_store, _user, fy, as_of, picked)
    if what == "net_new":
        return rep.net_new(_store, _user, fy, as_of, picked)
    return rep.cost(_store, _user, fy, as_of, picked)


def active_view(active, fy: int):
    """B1 chart and table (a column per application, a row per month)."""
    if not len(active):
        return None, active
    wide = active.pivot_table(index="month", columns="application", values="licenses",
                              aggfunc="sum").reset_index()
    wide["month"] = wide["month"].astype(str).str[:7]
    return charts.active_figure(active), wide


def net_new_view(net_new, fy: int):
    """P10/B6 chart and table (a column per campus, a row per month)."""
    if not len(net_new):
        return None, net_new
    table = net_new.pivot_table(index="month", columns="campus", values="applications",
                                aggfunc="sum", fill_value=0).reset_index()
    table["month"] = table["month"].astype(str).str[:7]
    return charts.net_new_figure(net_new), table


VIEWS = {"baseline": charts.baseline_figure, "active": active_view, "net_new": net_new_view,
         "cost": lambda cost, fy: charts.cost_figure(cost.frame)}


@st.cache_data(show_spinner=False, max_entries=64, max_size="64MB")
def cached_view(_store, db: str, _user, who: tuple, what: str, fy: int, as_of,
                campuses: tuple | None, stamp):
    """The report's numbers and what the page shows of them (charts, tables), built once per
    data version: a rerun (a download, a picker) does not rebuild the Plotly figures."""
    data = cached(_store, db, _user, who, what, fy, as_of, campuses, stamp)
    return data, VIEWS[what](data, fy)


st.title("Reports")
c1, c2 = st.columns([1, 3])
fy = c1.selectbox("Fiscal year (B1)", rep.fiscal_years(today), key="rep_fy",
                  format_func=lambda y: f"FY{y}")
campuses = c2.multiselect("Campuses (billing campus, else affiliated)", list(ref.CAMPUSES),
                          key="rep_campuses", placeholder="All campuses")
as_of = rep.report_day(fy, today)
st.caption(f"{fy_label(fy)}; counted on {as_of.isoformat()}. Campus is the campus invoiced "
           "(the license's billing campus, else its affiliated campus), as on invoices.")
scope = tuple(sorted(campuses)) or None
who = (user.email, user.role, user.campus, user.active)


def get(what: str):
    return cached_view(store, str(store.path), user, who, what, fy, as_of, scope, version)


def downloads(frame, stem: str, key: str) -> None:
    name = f"{stem}-FY{fy}-{as_of.isoformat()}"
    with st.container(horizontal=True):
        ui.download_bytes(lambda: export.to_csv(frame), f"{name}.csv", "CSV", "text/csv",
                          key=f"rep_csv_{key}")
        ui.download_bytes(lambda: export.to_xlsx(frame, sheet=stem[:31]), f"{name}.xlsx",
                          "XLSX", XLSX, key=f"rep_xlsx_{key}")


def chart_and_table(fig, shown, frame, stem: str, key: str, empty: str | None = None) -> None:
    """A chart on the left; on the right its numbers and their downloads (``frame``)."""
    left, right = st.columns([3, 2])
    if fig is not None:
        left.plotly_chart(fig, key=f"rep_chart_{key}")
    elif empty:
        left.write(empty)
    with right:
        ui_tables.show(ui_tables.readable(shown), key=f"rep_df_{key}")
        downloads(frame, stem, key)


try:
    (baseline, baseline_fig), (active, (active_fig, wide)), (net_new, (net_new_fig, table)) = (
        get("baseline"), get("active"), get("net_new"))
except EcommError as exc:
    ui.show_error(exc)
    st.stop()

# -- B7 ------------------------------------------------------------------------------------------
st.subheader("Licenses now against the fiscal-year baseline (B7)")
if baseline["baseline"].isna().all():
    st.info(f"No baseline was recorded for FY{fy} yet: the System team records each campus's "
            "license count per application at the start of the fiscal year (B7).")
chart_and_table(baseline_fig, baseline, baseline, "baseline", "baseline")

# -- B1: active per month ---------------------------------------------------------------------------
st.subheader("Active licenses per month")
st.caption("Licenses holding each application on the month's last day (today in this month), "
           "from provisioning and deprovisioning dates.")
chart_and_table(active_fig, wide, active, "active-per-month", "active")

# -- P10/B6: net new --------------------------------------------------------------------------------
st.subheader("Net new this fiscal year by month and campus")
st.caption("Applications provisioned this fiscal year that are not license transfers (P10).")
chart_and_table(net_new_fig, table, net_new, "net-new", "net_new",
                empty="No net-new application this fiscal year yet.")

# -- B2-B5: cost --------------------------------------------------------------------------------------
st.subheader("Cost by campus: July invoice and true-ups, actual and projected")
try:
    cost, cost_fig = get("cost")
except EcommError as exc:
    ui.show_error(exc)
    st.stop()
for note in cost.notes:
    st.warning(ui.md(note), icon=":material/warning:")
st.caption("Actual: the stored invoice when there is one, else the run computed from the license "
           "records once its window has opened. Projected: approved or billed invoices as they "
           "are; otherwise the run computed now plus the pending and held provisioning requests "
           "it would take, less the pending deprovisionings processed before it (C4: off the "
           "July invoice, charged on a true-up through the month processed)." + (f" Rates of FY{cost.rates_from_fy}." if cost.rates_from_fy != fy
                               else ""))
left, right = st.columns([3, 2])
frame = cost.frame
if cost_fig is not None:
    left.plotly_chart(cost_fig, key="rep_chart_cost")
totals = cost.totals()
with right:
    shown = totals.assign(actual=totals["actual"].map(dollars),
                          projected=totals["projected"].map(dollars))
    ui_tables.show(ui_tables.readable(shown), key="rep_df_cost_totals")
    detail = frame.drop(columns=["kind"]).assign(actual=frame["actual"].map(dollars),
                                                 projected=frame["projected"].map(dollars))
    with st.expander("Per run"):
        ui_tables.show(ui_tables.readable(detail), key="rep_df_cost")
    downloads(frame.drop(columns=["kind"]), "cost-by-campus", "cost")

# -- B10 seats and B11 cost recovery (rules revision 2) -----------------------------------------------
from ecomm.dashboard import recovery  # noqa: E402

st.subheader("Seats: purchased, assigned and available (B10)")
st.caption("Seats the System team recorded for the year (Admin > Seats or seats.csv). Assigned: "
           "licenses holding the application on the day counted (Chatter Free takes no paid "
           "Salesforce seat); in the queue: pending and held provisioning requests.")


@st.cache_data(show_spinner=False, max_entries=64, max_size="64MB")
def cached_recovery(_store, db: str, _user, who: tuple, fy: int, as_of, stamp):
    """B10/B11: the seats, the cost recovery and its chart, per data version (issue 18, speed:
    they were worked out and the figure made again on every run)."""
    seat_frame = recovery.seats_frame(_store, _user, fy, as_of)
    recovered = recovery.recovery_frame(_store, _user, fy)
    return seat_frame, recovered, recovery.recovery_figure(recovered, fy)


try:
    seat_table, cost_recovery, recovery_fig = cached_recovery(store, str(store.path), user, who,
                                                              fy, as_of, version)
except EcommError as exc:
    ui.show_error(exc)
    st.stop()
if seat_table["purchased"].isna().all():
    st.info(f"No seats are recorded for FY{fy} yet (Admin > Seats, or seats.csv).")
ui_tables.show(ui_tables.readable(seat_table), key="rep_df_seats")
downloads(seat_table, "seats", "seats")

st.subheader("Cost recovery: fees invoiced against the seats' cost (B11)")
st.caption("The July invoice and the true-ups of the year (the latest revision of each; sent "
           "invoices as invoiced, drafts apart), from the stored invoice lines, per application, "
           "against the seats' cost recorded for the year. The program is funded by these fees "
           "(002).")
left, right = st.columns([3, 2])
if recovery_fig is not None:
    left.plotly_chart(recovery_fig, key="rep_chart_recovery")
else:
    left.write(f"No invoice and no seat cost for FY{fy} yet.")
with right:
    ui_tables.show(ui_tables.readable(cost_recovery.assign(**{
        col: cost_recovery[col].map(lambda v: "" if v is None or pd.isna(v) else dollars(v))
        for col in ("seat cost", "invoiced", "in draft")})), key="rep_df_recovery")
    downloads(cost_recovery, "cost-recovery", "recovery")
