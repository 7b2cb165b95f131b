"""Admin (System team, A2): users and roles, reference data per campus, settings, closures,
backup and restore, and the seats purchased per application and fiscal year (B10)."""
import pandas as pd
import streamlit as st

from ecomm import admin, backup, ui
from ecomm.backup_restore import restore_to_new_file
from ecomm import reference as ref
from ecomm.errors import EcommError
from ecomm.ui import attempt

store, user = ui.page()

NO_CAMPUS = "(none)"
ROLE_LABELS = ref.APP_ROLE_LABEL
KIND_LABELS = admin.REFERENCE_KIND_LABEL


try:
    users = admin.list_users(store, user)
except EcommError as exc:  # A2: only the System team gets here
    ui.show_error(exc)
    st.stop()

st.title("Admin")
tab_users, tab_ref, tab_settings, tab_holidays, tab_backup, tab_seats = st.tabs(
    ["Users and roles", "Reference data", "Settings", "Extra holidays", "Backup and restore",
     "Seats"])

# -- users and roles ---------------------------------------------------------------------
with tab_users:
    st.dataframe(pd.DataFrame([{
        "email": u.email, "name": u.name, "role": u.role_label, "campus": u.campus,
        "quiz passed on": u.quiz_passed_on, "active": u.active} for u in users]),
        hide_index=True, width="stretch")

    with st.form("add_user", clear_on_submit=False):
        st.markdown("**Add a user**")
        c1, c2 = st.columns(2)
        email = c1.text_input("Email", key="add_user_email")
        name = c2.text_input("Name", key="add_user_name")
        c3, c4, c5 = st.columns(3)
        role = c3.selectbox("Role", list(ROLE_LABELS), format_func=ROLE_LABELS.get,
                            key="add_user_role")
        campus = c4.selectbox("Campus (specialists)", [NO_CAMPUS, *ref.CAMPUSES],
                              key="add_user_campus")
        quiz = c5.date_input("License-change quiz passed on (P14)", value=None,
                             key="add_user_quiz")
        if st.form_submit_button("Add user", type="primary", key="add_user_submit"):
            attempt(lambda: admin.add_user(
                store, user, email=email, name=name, role=role,
                campus=None if campus == NO_CAMPUS else campus, quiz_passed_on=quiz),
                f"Added {email.strip().lower()}.")

    st.markdown("**Edit or deactivate a user**")
    by_email = {u.email: u for u in users}
    chosen = st.selectbox("User", list(by_email), index=None, placeholder="Choose a user",
                          format_func=lambda e: f"{by_email[e].name} <{e}>"
                          + ("" if by_email[e].active else " (inactive)"),
                          key="edit_user_pick")
    if chosen:
        u = by_email[chosen]
        with st.form(f"edit_user_{chosen}"):
            name = st.text_input("Name", value=u.name, key=f"edit_user_name_{chosen}")
            c1, c2, c3 = st.columns(3)
            roles = list(ROLE_LABELS)
            role = c1.selectbox("Role", roles, index=roles.index(u.role),
                                format_func=ROLE_LABELS.get, key=f"edit_user_role_{chosen}")
            campuses = [NO_CAMPUS, *ref.CAMPUSES]
            campus = c2.selectbox("Campus", campuses, index=campuses.index(u.campus or NO_CAMPUS),
                                  key=f"edit_user_campus_{chosen}")
            quiz = c3.date_input("Quiz passed on (P14)", value=u.quiz_passed_on,
                                 key=f"edit_user_quiz_{chosen}")
            active = st.checkbox("Active (may sign in)", value=u.active,
                                 key=f"edit_user_active_{chosen}")
            if st.form_submit_button("Save user", type="primary", key="edit_user_submit"):
                attempt(lambda: admin.update_user(
                    store, user, chosen, name=name, role=role,
                    campus=None if campus == NO_CAMPUS else campus,
                    quiz_passed_on=quiz, active=active), f"Saved {chosen}.")

# -- reference data per campus -----------------------------------------------------------
with tab_ref:
    c1, c2 = st.columns(2)
    ref_campus = c1.selectbox("Campus", ref.CAMPUSES, key="ref_campus")
    ref_kind = c2.selectbox("List", ref.REFERENCE_KINDS, format_func=lambda k: KIND_LABELS[k] + "s",
                            key="ref_kind")
    values = admin.list_reference(store, user, campus=ref_campus, kind=ref_kind)
    st.dataframe(pd.DataFrame(values, columns=["value", "label", "active"]),
                 hide_index=True, width="stretch")
    what = KIND_LABELS[ref_kind]

    with st.form("add_reference"):
        st.markdown(f"**Add a {what} for {ref_campus}**")
        c1, c2 = st.columns(2)
        value = c1.text_input("Value", key="ref_add_value")
        label = c2.text_input("Label (optional)", key="ref_add_label")
        if st.form_submit_button(f"Add {what}", type="primary", key="ref_add_submit"):
            attempt(lambda: admin.add_reference(store, user, ref_kind, ref_campus, value, label),
                    f"Added the {what} {value.strip()!r} for {ref_campus}.")

    by_value = {v["value"]: v for v in values}
    pick = st.selectbox(f"Relabel or deactivate a {what}", list(by_value), index=None,
                        placeholder=f"Choose a {what}", key="ref_edit_pick")
    if pick:
        row = by_value[pick]
        suffix = f"{ref_kind}_{ref_campus}_{pick}"
        with st.form(f"edit_reference_{suffix}"):
            label = st.text_input("Label", value=row["label"] or "", key=f"ref_label_{suffix}")
            active = st.checkbox("Active (offered in forms)", value=row["active"],
                                 key=f"ref_active_{suffix}")
            if st.form_submit_button("Save", type="primary", key="ref_edit_submit"):
                attempt(lambda: admin.update_reference(store, user, ref_kind, ref_campus, pick,
                                                       label=label, active=active),
                        f"Saved the {what} {pick!r} for {ref_campus}.")

# -- settings ------------------------------------------------------------------------------
with tab_settings:
    settings = admin.list_settings(store, user)
    st.dataframe(pd.DataFrame([{
        "rule": s.rule, "setting": s.description, "value": s.text, "default": s.default_text,
        "changed by": s.updated_by, "key": s.key} for s in settings]),
        hide_index=True, width="stretch")
    by_key = {s.key: s for s in settings}
    key = st.selectbox("Setting to change", list(by_key), index=None,
                       placeholder="Choose a setting",
                       format_func=lambda k: f"{by_key[k].rule}: {by_key[k].description}",
                       key="setting_pick")
    if key:
        s = by_key[key]
        with st.form(f"setting_form_{key}"):
            st.caption(f"{s.rule} · default {s.default_text}"
                       + (" · lists: separate items with commas" if isinstance(s.value, list)
                          else ""))
            text = st.text_input(s.description, value=s.text, key=f"setting_text_{key}")
            if st.form_submit_button("Save setting", type="primary", key="setting_submit"):
                attempt(lambda: admin.update_setting(store, user, key, text),
                        f"Saved: {s.description}.")

# -- extra holidays (C1) -------------------------------------------------------------------
with tab_holidays:
    st.write("Closure dates beyond the US federal holidays: they are not business days for "
             "cutoffs (C1) and processing.")
    holidays = admin.list_holidays(store, user)
    st.dataframe(pd.DataFrame([{"date": h["date"], "day": h["date"].strftime("%A"),
                                "name": h["name"]} for h in holidays],
                              columns=["date", "day", "name"]),
                 hide_index=True, width="stretch")
    with st.form("add_holiday"):
        c1, c2 = st.columns(2)
        day = c1.date_input("Date", value=None, key="holiday_date")
        hname = c2.text_input("Name", key="holiday_name")
        if st.form_submit_button("Add closure", type="primary", key="holiday_add_submit"):
            attempt(lambda: admin.add_holiday(store, user, day, hname),
                    f"Added the closure {day} ({hname.strip()}).")
    if holidays:
        names = {h["date"]: h["name"] for h in holidays}
        remove = st.selectbox("Remove a closure", list(names), index=None,
                              format_func=lambda d: f"{d} {names[d]}",
                              placeholder="Choose a closure", key="holiday_remove_pick")
        if st.button("Remove closure", disabled=remove is None, key="holiday_remove"):
            attempt(lambda: admin.remove_holiday(store, user, remove),
                    f"Removed the closure {remove}.")

# -- backup and restore (A2, A4) ---------------------------------------------------------------
with tab_backup:
    st.markdown("**Download a full backup**")
    st.write("One zip file with every table (users, settings, requests and their history, "
             "batches, invoices with their lines, net-new reviews, messages, the audit log...), "
             "the uploaded transcript files, the import-format CSV files (readable, and loaded "
             "by `python -m ecomm import`) and a manifest with a checksum of every file.")
    ui.download_bytes(lambda: backup.build_backup(store, user, now=ui.now_utc())[0],
                      f"ecomm-backup-{ui.today().isoformat()}.zip", "Download full backup (zip)",
                      "application/zip", key="backup_download")
    st.caption("From a terminal (with the app stopped, or on a copy of the file): "
               "`python -m ecomm backup --out backup.zip`.")

    st.markdown("**Restore a backup**")
    st.info("A backup is restored only into an EMPTY database, so nothing is mixed or "
            "overwritten; this app's database holds data, so it is never restored over. Either "
            "restore from a terminal into a new file: `python -m ecomm restore backup.zip --db "
            "new.duckdb`, then start the app with `ECOMM_DB=new.duckdb`; or upload the backup "
            "here to restore it into a new database file beside this one. Every checksum and "
            "the schema version are checked first; everything lands in one transaction or "
            "nothing does. A backup must be signed with this installation's backup key (README: "
            "configuration).", icon=":material/settings_backup_restore:")
    upload = st.file_uploader("Backup zip", type=["zip"], key="restore_upload")
    if upload is not None:
        data = upload.getvalue()
        try:
            held = backup.inspect(store, user, data)
        except EcommError as exc:
            ui.show_error(exc)
        else:
            signed = held.signature == "signed"
            (st.success if signed else st.warning)(
                ("The backup checks out" if signed else "The backup's checksums agree")
                + f": made {held.created_at} by {held.created_by}, "
                f"schema version {held.schema_version}, {held.total_rows:,} rows, "
                f"{held.uploads} uploaded files. It is {held.signature_note}.",
                icon=":material/verified:" if signed else ":material/gpp_maybe:")
            st.dataframe(pd.DataFrame(sorted(held.tables.items()), columns=["table", "rows"]),
                         hide_index=True, width="stretch", height=240)
            reason = None
            if not signed:
                reason = st.text_input(
                    "Reason to accept this backup although it is not signed with this "
                    "installation's key (recorded in the audit log)", key="restore_accept_reason",
                    help="Only for a file you trust: anyone could have changed an unsigned "
                         "backup, e.g. made a specialist a System team member.")
            if st.button("Restore into a new database file", type="primary", key="restore_new",
                         disabled=not signed and not (reason or "").strip()):
                try:
                    path, done = restore_to_new_file(store, user, data, now=ui.now_utc(),
                                                     accept_unsigned=reason)
                except EcommError as exc:
                    ui.show_error(exc)
                else:
                    ui.done(f"Restored {done.total_rows:,} rows into the new database {path}. "
                            f"To use it, stop the app and start it with ECOMM_DB={path}.")

# -- seats (B10, rev 2) ----------------------------------------------------------------------------
with tab_seats:
    from ecomm import seats
    from ecomm.billing.fiscal import fiscal_year_of

    today = ui.today()
    this_fy = fiscal_year_of(today)
    seat_fy = st.selectbox("Fiscal year (B1)", [this_fy + 1, this_fy, this_fy - 1], index=1,
                           format_func=lambda y: f"FY{y}", key="seats_fy")
    st.write("B10: the seats purchased of each application and their cost for the year. "
             "Assigned: licenses holding it today (Chatter Free takes no paid Salesforce seat); "
             "in the queue: pending and held provisioning requests. The System team is alerted "
             "when the seats available fall below the seats_alert_percent setting.")
    lines = seats.seat_lines(store, today, fiscal_year=seat_fy)
    st.dataframe(pd.DataFrame([{
        "application": x.application,
        "purchased": x.purchased, "cost": None if x.cost is None else f"${x.cost:,.2f}",
        "assigned": x.assigned, "in the queue": x.queued, "available": x.available,
        "below the alert threshold": x.low} for x in lines]),
        hide_index=True, width="stretch", key="seats_table")
    with st.form("record_seats"):
        st.markdown(f"**Record the seats of FY{seat_fy}**")
        c1, c2, c3 = st.columns(3)
        seat_app = c1.selectbox("Application", ref.APPLICATIONS, key="seats_app")
        seat_n = c2.number_input("Seats purchased", min_value=0, step=1, value=0,
                                 key="seats_purchased")
        seat_cost = c3.text_input("Cost for the year (dollars)", key="seats_cost",
                                  placeholder="e.g. 62400.00")
        c4, c5 = st.columns(2)
        seat_end = c4.date_input("Contract end", value=None, key="seats_contract_end")
        seat_notes = c5.text_input("Notes", key="seats_notes")
        if st.form_submit_button("Record seats", type="primary", key="seats_submit"):
            attempt(lambda: seats.record_seats(
                store, user, fiscal_year=seat_fy, application=seat_app, purchased=seat_n,
                cost=seat_cost or None, contract_end=seat_end, notes=seat_notes),
                f"Recorded {int(seat_n)} {seat_app} seat(s) for FY{seat_fy}.")
    st.caption("Or import a seats.csv (fiscal_year, application, purchased, cost, "
               "contract_end, notes) on the Import page.")
