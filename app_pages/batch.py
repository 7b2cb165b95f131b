"""Batch (System team, A2): preview a monthly cycle (C1-C5), process it once (C6), then its
summary and the new users to announce (C2) as CSV and XLSX; the System team tasks (C7)."""
import pandas as pd
import streamlit as st

from ecomm import batch, clock, system_tasks, ui
from ecomm.batch import export
from ecomm.errors import EcommError
from ecomm.audit_view import data_version

NOTICE_KEY = "_batch_notice"
CLICK_KEY = "_batch_process_clicked"


def request_processing(cycle: str) -> None:
    """The Process button's callback: remember which cycle to process in this run."""
    st.session_state[CLICK_KEY] = cycle


@st.cache_data(ttl=600, max_entries=8, max_size="64MB", show_spinner="Working out the preview ...")
def cached_preview(_store, db: str, email: str, _user, cycle: str, on, version):
    """C1-C5: the cycle's preview on the processing day, per data version (issue 18, speed:
    every rerun checked every request of the cycle again). Processing itself reads and checks
    again inside its transaction (C6)."""
    return batch.preview_batch(_store, _user, cycle, on=on)


store, user = ui.page(ui.SYSTEM,
                      "A2: only the CU System eComm team may preview and process batches.")

today = ui.today()
clicked = st.session_state.pop(CLICK_KEY, None)
st.title("Monthly batch")
notice = st.session_state.pop(NOTICE_KEY, None)
if notice:
    st.warning(notice, icon=":material/info:")

processed = batch.processed_batches(store)
due = batch.due_cycle(store, today)
choices = batch.cycle_choices(store, today)


def cycle_label(c: str) -> str:
    if c in processed:
        return f"{c} — processed {processed[c]['processed_on']}"
    return f"{c} — due" if c == due else c


cycle = st.selectbox("Cycle (the processing month)", choices, index=choices.index(due),
                     format_func=cycle_label, key="batch_cycle")
dates = batch.cycle_dates(store, cycle)
c1, c2, c3 = st.columns(3)
c1.metric("Takes requests submitted by (C1)", dates.cutoff.isoformat())
c2.metric("First processing day", dates.processing_starts.isoformat())
c3.metric("Credentials date (C2)" + (" · set" if dates.credentials_overridden else ""),
          dates.credentials_date.isoformat())

with st.expander("Credentials date announced for this cycle (C2)"):
    st.caption("By default the 5th of the month, or the next business day. Set the exact date "
               "the System team announces; the new users' download uses it. A batch processed "
               "on or after this date announces the next business day after processing instead.")
    day = st.date_input("Credentials date", value=dates.credentials_date, key=f"cred_{cycle}")
    b1, b2 = st.columns(2)
    if b1.button("Save credentials date", key="cred_save"):
        try:
            batch.set_credentials_date(store, user, cycle, day, now_utc=clock.now_utc())
        except EcommError as exc:
            ui.show_error(exc)
        else:
            ui.done(f"Credentials date of cycle {cycle} set to {day.isoformat()}.")
    if dates.credentials_overridden and b2.button("Back to the default date", key="cred_clear"):
        batch.set_credentials_date(store, user, cycle, None, now_utc=clock.now_utc())
        ui.done(f"Credentials date of cycle {cycle} is the default again.")


def show_tables(plan) -> None:
    """The credentials date (C2) and the three tables: to provision, to deprovision, held."""
    if plan.credentials_late:  # C2: processed late, the credentials date moves on
        st.warning(plan.credentials_sentence(), icon=":material/event:")
    elif plan.credentials_date:
        st.caption(plan.credentials_sentence())
    st.markdown(f"**Provisioned ({len(plan.provisioned)})**")
    st.dataframe(pd.DataFrame([{
        "request": p.request_id, "license": p.license_number,
        "new license": p.license_created, "name": p.name, "campus": p.campus,
        "applications": ", ".join(p.applications), "net new": ", ".join(p.net_new_apps),
        "transfer": ", ".join(p.transfers),
        "P10 (per application)": "; ".join(p.p10_notes)
        + (f" — C3: {', '.join(p.c3_changed)} now net new" if p.c3_changed else ""),
        "new user (not a sender)": p.new_user,
        "already held": ", ".join(p.already_held)} for p in plan.provisioned],
        columns=["request", "license", "new license", "name", "campus", "applications",
                 "net new", "transfer", "P10 (per application)", "new user (not a sender)",
                 "already held"]),
        hide_index=True, width="stretch", key=f"tbl_prov_{plan.cycle}")
    st.markdown(f"**Deprovisioned ({len(plan.deprovisioned)})**")
    st.dataframe(pd.DataFrame([{
        "request": d.request_id, "license": d.license_number, "name": d.name,
        "campus": d.campus, "removed": ", ".join(d.applications),
        "not removed again (C4)": ", ".join(d.already_removed)} for d in plan.deprovisioned],
        columns=["request", "license", "name", "campus", "removed", "not removed again (C4)"]),
        hide_index=True, width="stretch", key=f"tbl_deprov_{plan.cycle}")
    st.markdown(f"**Held ({len(plan.held)})** — they stay queued for the next cycle (C3)")
    st.dataframe(pd.DataFrame([{
        "request": h.request_id, "name": h.name, "campus": h.campus,
        "applications": ", ".join(h.applications), "failing": ", ".join(h.failures),
        "reasons": "\n".join(h.reasons), "next cycle": h.next_cycle} for h in plan.held],
        columns=["request", "name", "campus", "applications", "failing", "reasons",
                 "next cycle"]),
        hide_index=True, width="stretch", key=f"tbl_held_{plan.cycle}")
    if plan.changed:
        st.markdown(f"**Changed ({len(plan.changed)})** — change requests (P15)")
        st.dataframe(pd.DataFrame([{
            "request": c.request_id, "license": c.license_number, "name": c.name,
            "campus": c.campus, "change": "; ".join(c.asks),
            "Salesforce net new": (c.net_new if c.salesforce_upgrade else None)}
            for c in plan.changed]), hide_index=True, width="stretch",
            key=f"tbl_changed_{plan.cycle}")


def show_tasks(cycle: str) -> None:
    """C7: the System team's tasks of the cycle, closed by a person; every open one below."""
    rows = system_tasks.list_tasks(store, user, cycle=cycle)
    open_rows = [r for r in rows if r["closed_at"] is None]
    st.subheader(f"System team tasks (C7): {len(open_rows)} open of {len(rows)}")
    st.caption("Requests for a new MEC, for super-user permissions, with \"New Public Group\" "
               "or \"New SpeedType Needed\" open a task when they are submitted; the System team "
               "was told at once. Close a task when it is prepared.")
    cols = ["request", "kind", "license", "name", "campus", "what", "opened", "closed by"]
    st.table(pd.DataFrame([{  # a small static table (the batch's own tables stay dataframes)
        "request": r["request_id"], "kind": r["kind"], "license": r["license_number"],
        "name": r["name"], "campus": r["campus"], "what": r["what"], "opened": r["opened"],
        "closed by": r["closed_by"]} for r in rows], columns=cols).set_index("request"))
    if open_rows:
        t1, t2, t3 = st.columns([2, 3, 1])
        pick = t1.selectbox("Task", [r["request_id"] for r in open_rows], key="task_pick")
        note = t2.text_input("What was done (optional)", key="task_note")
        if t3.button("Close task", key="task_close"):
            try:
                system_tasks.close_task(store, user, pick, note, now_utc=clock.now_utc())
            except EcommError as exc:
                ui.show_error(exc)
            else:
                ui.done(f"Task of {pick} closed.")
    others = [r for r in system_tasks.list_tasks(store, user, open_only=True)
              if r["cycle"] != cycle]
    with st.expander(f"Open tasks of other cycles or off-cycle ({len(others)})"):
        st.table(pd.DataFrame([{
            "request": r["request_id"], "cycle": r["cycle"] or "off-cycle", "kind": r["kind"],
            "campus": r["campus"], "what": r["what"], "opened": r["opened"]} for r in others],
            columns=["request", "cycle", "kind", "campus", "what", "opened"]).set_index("request"))


show_tasks(cycle)


# The click is handled before the page decides what to show, so that someone pressing Process
# after another person processed the cycle is told so (C6) instead of the click being lost.
if clicked == cycle:
    outcome = None
    with st.status(f"Processing cycle {cycle} ...", expanded=True) as status:
        st.write("Checking every request again and writing the changes in one transaction.")
        try:
            outcome = batch.process_batch(store, user, cycle,
                                          on=batch.default_processing_day(store, cycle, today),
                                          now_utc=clock.now_utc())
        except EcommError as exc:
            status.update(label=f"Cycle {cycle} was not processed", state="error")
            ui.show_error(exc)
        else:
            status.update(label=outcome.message, state="complete")
    if outcome is not None and outcome.already_processed:
        st.session_state[NOTICE_KEY] = outcome.message
        ui.clear_caches()
        st.rerun()
    elif outcome is not None:
        ui.done(outcome.message)

record = batch.batch_record(store, cycle)
if record is not None:
    plan = record.plan
    st.success(f"Cycle {cycle} was processed on {record.processed_on.isoformat()} by "
               f"{record.processed_by}: {plan.sentence()}.", icon=":material/task_alt:")
    m1, m2, m3 = st.columns(3)
    m1.metric("Provisioned", len(plan.provisioned))
    m2.metric("Deprovisioned", len(plan.deprovisioned))
    m3.metric("Held", len(plan.held))
    show_tables(plan)
    st.subheader("New users to announce")
    announced = batch.new_users_credentials_date(store, record)
    frame = export.new_users_frame(plan, announced)
    if announced != dates.credentials_date:
        st.caption(f"C2: the download announces {announced.isoformat()}, the next business day "
                   f"after processing on {record.processed_on.isoformat()}: the cycle's date "
                   f"{dates.credentials_date.isoformat()} is not after it.")
    st.dataframe(frame, hide_index=True, width="stretch", key=f"tbl_new_{cycle}")
    d1, d2 = st.columns(2)
    with d1:
        ui.download_bytes(lambda: export.to_csv(frame), f"{export.file_stem(plan)}.csv",
                          "Download new users (CSV)", "text/csv", key="dl_csv")
    with d2:
        ui.download_bytes(lambda: export.to_xlsx(frame), f"{export.file_stem(plan)}.xlsx",
                          "Download new users (XLSX)",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key="dl_xlsx")
    st.stop()

on = batch.default_processing_day(store, cycle, today)
try:
    plan = cached_preview(store, str(store.path), user.email, user, cycle, on,
                          data_version(store))
except EcommError as exc:
    ui.show_error(exc)
    st.stop()

st.subheader(f"Preview: processing on {on.isoformat()}")
st.caption(f"{plan.sentence()}. Provisioning requests are checked again against P1-P5 on the "
           "processing day (C3); this is exactly what processing will do.")
show_tables(plan)

refusal = batch.processing_refusal(store, cycle, on, today)
if refusal:
    st.info(refusal, icon=":material/schedule:")
    st.stop()

reviewed = st.checkbox("I have reviewed the preview", key=f"batch_reviewed_{cycle}")
st.button(f"Process cycle {cycle}", type="primary", disabled=not reviewed, key="batch_process",
          on_click=request_processing, args=(cycle,))
