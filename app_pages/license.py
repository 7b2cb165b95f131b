"""License record (`license?license=LN-0042`): applications with dates, net new and last login,
role, profile, groups, billing, requests with their status history, transcript files, and the
actions on an existing user: deprovision applications (C4), a group change (C5) and the
billing information kept current (P15)."""
import pandas as pd
import streamlit as st

from ecomm import clock, form_choices, record_search, ui
from ecomm import reference as ref
from ecomm.errors import EcommError
from ecomm.requests import (license_record, read_evidence, request_group_change,
                            submit_deprovision, update_billing)

CONFIRMATION_KEY = "license_confirmation"

store, user = ui.page()

st.title("License record")
number = ui.record_id_or_search(   # issue 18: by the holder's name, email, employee ID or number
    ui.LICENSE_PAGE, "License number, or the holder's name, email or employee ID",
    lambda text: record_search.find_licenses(store, user, text),
    placeholder="e.g. LN-0042, Ramirez, ben.ramirez@colorado.edu or 104233", upper=True)
rec = ui.load_record_or_stop(lambda: license_record(store, user, number, on=ui.today()),
                             f"License record {number}")

done = st.session_state.get(CONFIRMATION_KEY)
if done is not None and done.license_number == rec.license["license_number"]:
    ui.show_confirmation(st.session_state.pop(CONFIRMATION_KEY))

lic = rec.license
number = lic["license_number"]
st.header(f"{number} · {rec.contact_name}")
ui.record_link(ui.CONTACT_PAGE, lic["contact_id"], f"Contact record {lic['contact_id']}")


def listed(values) -> str:
    return "; ".join(values or []) or "none"


held = [a["application"] for a in rec.applications if a["held"]]
left, right = st.columns(2)
left.markdown("\n".join([
    f"- **Affiliated campus:** {lic['affiliated_campus']}",
    f"- **eComm specialist:** {lic['ecomm_specialist'] or 'none'}",
    f"- **Additional eComm specialists:** {listed(lic['additional_specialists'])}",
    f"- **eComm role:** {lic['ecomm_role']}",
    f"- **Salesforce profile:** {lic['salesforce_profile']}",
    f"- **Not a sender (Q1):** {'yes' if lic['not_a_sender'] else 'no'}",
    f"- **Quiz passed on:** {lic['quiz_passed_on'] or 'not yet'}",
    f"- **Replaces:** {lic['replaces_license'] or 'nobody (net new)'}",
]))
right.markdown("\n".join([
    f"- **Business units:** {listed(lic['business_units'])}",
    f"- **Public groups:** {listed(lic['public_groups'])}",
    f"- **Billing campus:** {lic['billing_campus'] or lic['affiliated_campus']}",
    f"- **Campus billing speedtype:** {lic['campus_speedtype'] or 'none (P12: give one)'}",
    f"- **Unit speedtypes:** {lic['unit_speedtypes'] or 'none'}",
    f"- **Speedtype notes:** {lic['speedtype_notes'] or 'none'}",
    f"- **Super-user permissions:** {listed(lic['super_user_permissions'])}",
    f"- **Cvent add-ons:** {listed(lic['cvent_add_ons'])}",
]))
if lic["replaces_license"]:
    ui.record_link(ui.LICENSE_PAGE, lic["replaces_license"],
                   f"License record it replaces: {lic['replaces_license']}")

st.subheader("Applications")
if rec.applications:
    st.dataframe(pd.DataFrame([{
        "application": a["application"], "held": a["held"], "provisioned on": a["provisioned_on"],
        "deprovisioned on": a["deprovisioned_on"], "net new": a["net_new"],
        # P10 (rev 2): per application, transfer or net new
        "transfer or net new": "net new" if a["net_new"] else (
            f"transfer from {a['transfer_from']}" if a.get("transfer_from") else "transfer"),
        "last login": a["last_login_on"]} for a in rec.applications]),
        hide_index=True, width="stretch")
else:
    st.write("No application yet: a provisioning request for this license waits for its batch.")

# -- actions on an existing user (writers only) ----------------------------------------------
if not user.is_manager:
    with st.expander("Deprovision applications", expanded=False):
        if not held:
            st.write("This license holds no application today.")
        else:
            st.caption(f"C4: {ref.SALESFORCE} is removed at once on submission (billed through "
                       "the end of the month); the others in the next monthly batch.")
            with st.form("deprovision_form"):
                remove = st.multiselect("Applications to remove", held, key="lic_dep_apps")
                if st.form_submit_button("Submit deprovisioning request", key="lic_dep_submit"):
                    try:
                        conf = submit_deprovision(store, user, number, remove,
                                                  now_utc=ui.now_utc())
                    except EcommError as exc:
                        ui.show_error(exc)
                    else:
                        st.session_state[CONFIRMATION_KEY] = conf
                        ui.clear_caches()
                        st.rerun()

    with st.expander("Request a group change", expanded=False):
        st.caption("C5: off-cycle. The System team changes the business units and public groups "
                   "when it completes the request, without waiting for the monthly batch.")
        units_now, groups_now = lic["business_units"] or [], lic["public_groups"] or []
        try:
            choices = form_choices.form_choices(store, user, lic["affiliated_campus"])
            all_units, all_groups = choices.business_units, choices.public_groups
        except EcommError:  # an additional specialist of another campus: the fixed choices
            all_units, all_groups = list(ref.FIXED_BUSINESS_UNITS), list(ref.FIXED_PUBLIC_GROUPS)
        with st.form("group_change_form"):
            c1, c2 = st.columns(2)
            add_units = c1.multiselect("Business units to add",
                                       [u for u in all_units if u not in units_now], key="gc_add_units")
            remove_units = c2.multiselect("Business units to remove", units_now,
                                          key="gc_remove_units")
            add_groups = c1.multiselect("Public groups to add",
                                        [g for g in all_groups if g not in groups_now],
                                        key="gc_add_groups")
            remove_groups = c2.multiselect("Public groups to remove", groups_now,
                                           key="gc_remove_groups")
            new_group = st.text_input("New Public Group (if applicable)", key="gc_new_group")
            if st.form_submit_button("Send the group change", key="gc_request_submit"):
                try:
                    conf = request_group_change(store, user, number, add_units, remove_units,
                                                add_groups, remove_groups, new_group or None,
                                                now_utc=ui.now_utc())
                except EcommError as exc:
                    ui.show_error(exc)
                else:
                    st.session_state[CONFIRMATION_KEY] = conf
                    ui.clear_caches()
                    st.rerun()

    if st.button("Request a change (P15): add-ons, super-user permissions, eComm role, full "
                 "Salesforce", key="lic_change"):
        ui.start_request(lic["contact_id"], lic["affiliated_campus"])

    with st.expander("Edit billing information (P15)", expanded=False):
        st.caption("P15: the campus's eComm specialist keeps billing information current here. "
                   "It takes effect at once and is audited; invoices already in review, "
                   "approved or billed are not changed (a draft is drafted again from here).")
        bill_campus = st.selectbox(
            "Billing campus", ref.CAMPUSES, key="bill_campus",
            index=ref.CAMPUSES.index(lic["billing_campus"] or lic["affiliated_campus"]))
        speedtypes, usual = form_choices.speedtype_choices(store, bill_campus)
        labels = {c.value: c.label for c in speedtypes}
        if lic["campus_speedtype"] and lic["campus_speedtype"] not in labels:
            labels = {lic["campus_speedtype"]: lic["campus_speedtype"], **labels}
        now_st = lic["campus_speedtype"] if lic["campus_speedtype"] in labels else usual
        bill_st = st.selectbox("Campus billing speedtype", list(labels), format_func=labels.get,
                               index=list(labels).index(now_st) if now_st in labels else None,
                               key=f"bill_speedtype_{bill_campus}")
        bill_units = st.text_input("Unit billing speedtypes", value=lic["unit_speedtypes"] or "",
                                   key="bill_units", placeholder="N/A",
                                   help="N/A, one speedtype, or a split such as "
                                        "61000342:20;61000530:80 (percentages adding to 100, P12).")
        bill_notes = st.text_input("Speedtype notes", value=lic["speedtype_notes"] or "",
                                   key="bill_notes")
        if st.button("Save billing information", key="bill_save"):
            try:
                update_billing(store, user, number, {
                    "billing_campus": bill_campus, "campus_speedtype": bill_st,
                    "unit_speedtypes": bill_units, "speedtype_notes": bill_notes},
                    now_utc=ui.now_utc())
            except EcommError as exc:
                ui.show_error(exc)
            else:
                ui.clear_caches()
                st.session_state["bill_saved"] = True
                st.rerun()
        if st.session_state.pop("bill_saved", False):
            st.success("Billing information saved.", icon=":material/check_circle:")

st.subheader("Requests")
if rec.requests:
    st.dataframe(pd.DataFrame([{
        "request": r["request_id"], "kind": r["kind"], "status": r["status"], "cycle": r["cycle"],
        "submitted": clock.to_denver(r["submitted_at"]).strftime("%Y-%m-%d %H:%M"),
        "submitted by": r["submitted_by"], "applications": ", ".join(r["applications"] or []),
        "held because": "; ".join(r["held_reasons"] or [])} for r in rec.requests]),
        hide_index=True, width="stretch")
    st.markdown("**Status history**")
    st.dataframe(pd.DataFrame([{
        "request": h["request_id"],
        "when": clock.to_denver(h["happened_at"]).strftime("%Y-%m-%d %H:%M"),
        "status": h["status"], "by": h["actor"], "note": h["note"]} for h in rec.status_history]),
        hide_index=True, width="stretch")
else:
    st.write("No request on this license record.")

st.subheader("Transcript files (P5)")
if not rec.evidence:
    st.write("No transcript file.")
for ev in rec.evidence:
    line = (f"{ev['original_name']} · request {ev['request_id']} · {ev['size_bytes']:,} bytes · "
            f"uploaded {clock.to_denver(ev['uploaded_at']):%Y-%m-%d} by {ev['uploaded_by']}")
    try:
        name, content_type, data = read_evidence(store, user, ev["file_id"])
    except EcommError as exc:
        st.warning(f"{line}: {exc.message}", icon=":material/warning:")
    else:
        ui.download_bytes(data, name, f"Download {line}", content_type,
                          key=f"evidence_{ev['file_id']}")

with st.expander("Change history (audit)"):
    st.dataframe(pd.DataFrame([{
        "when": clock.to_denver(e["happened_at"]).strftime("%Y-%m-%d %H:%M"), "who": e["actor"],
        "action": e["action"], "what": f"{e['entity']} {e['entity_id']}", "detail": e["detail"]}
        for e in rec.audit], columns=["when", "who", "action", "what", "detail"]),
        hide_index=True, width="stretch")
