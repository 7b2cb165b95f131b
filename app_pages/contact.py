"""Contact record (`contact?contact=ID`): emails, employments, the user agreement (with the P4
fix by hand), courses with validity, license records and requests. A contact this person
may not see is 'not found' (A1), with nothing about it shown."""
import pandas as pd
import streamlit as st

from ecomm import clock, form_choices, readiness, record_search, ui
from ecomm.errors import EcommError
from ecomm.requests import contact_record, record_agreement_fix

store = ui.get_store()
user = ui.current_user()
if user is None:
    st.stop()

st.title("Contact record")
contact_id = ui.record_id_or_search(   # issue 18: by name, email, employee ID or the ID
    ui.CONTACT_PAGE, "Name, email, employee ID or contact ID",
    lambda text: record_search.find_contacts(store, user, text),
    placeholder="e.g. Ramirez, ben.ramirez@colorado.edu, 104233 or the contact ID")
rec = ui.load_record_or_stop(lambda: contact_record(store, user, contact_id, on=ui.today()),
                             f"Contact {contact_id}")

c = rec.contact
st.header(f"{rec.name} · {contact_id}")
facts = [f"Employee ID **{c['employee_id']}**" if c.get("employee_id") else "No employee ID (P2)"]
if c.get("poi"):
    facts.append("Person of Interest, " + ("active" if c.get("poi_active") else "inactive"))
st.markdown(" · ".join(facts))
ready = readiness.request_readiness(store, user, contact_id, form_choices.request_campuses(user),
                                   ui.today())
if ready is not None and ready.ready:   # issue 18: only for a person who is ready
    if st.button("Start a request for this person", key="contact_start",
                 help=f"Ready to be provisioned at {ready.campus}: P1-P5 are met."):
        ui.start_request(contact_id, ready.campus)
elif ready is not None:
    st.info(ui.md(f"{ready.campus}: {ready.first_steps()}"), icon=":material/pending_actions:")
    lic = ready.license_at(ready.campus)
    if lic and lic["held"] and st.button(
            "Start a deprovisioning or change request", key="contact_start_other",
            help="P1-P5 are needed to provision; removing or changing access is not."):
        ui.start_request(contact_id, ready.campus)

st.subheader("Emails")
st.dataframe(pd.DataFrame(rec.emails, columns=["label", "email"]).rename(
    columns={"label": "field"}), hide_index=True, width="stretch")

st.subheader("Employment")
if rec.employments:
    st.dataframe(pd.DataFrame(rec.employments), hide_index=True, width="stretch")
else:
    st.write("No CU employment record (P3).")

st.subheader("eComm user agreement")
a = rec.agreement
if a and a.get("signed_at") and not a.get("added_by"):
    st.write(f"Signed on {clock.to_denver(a['signed_at']):%Y-%m-%d} (P4).")
elif a and a.get("added_by"):
    signed = (f", signed {clock.to_denver(a['signed_at']):%Y-%m-%d}" if a.get("signed_at")
              else "")
    st.write(f"Added to the agreement campaign by hand by {a['added_by']}{signed}: "
             f"{a.get('reason') or 'no reason recorded'}.")
else:
    st.write("Not in the agreement campaign: the user has not signed the eComm user agreement, "
             "or signed it on a duplicate contact (P4).")
if not user.is_manager:
    with st.expander("Add to the agreement campaign by hand (P4)"):
        st.caption("Only when the agreement matched a duplicate contact: after filing the Data "
                   "Change Request and confirming the user signed, and only when the request is "
                   "urgent and the DCR is not resolved yet.")
        with st.form("agreement_fix"):
            reason = st.text_area("Reason", key="fix_reason",
                                  placeholder="e.g. Agreement signed on duplicate contact 0035e...")
            dcr = st.text_input("Data Change Request reference", key="fix_dcr")
            signed = st.date_input("Date the user signed the agreement", value=None,
                                   key="fix_signed", format="YYYY-MM-DD")
            if st.form_submit_button("Record the agreement fix", key="fix_submit"):
                try:
                    outcome = record_agreement_fix(store, user, contact_id, reason=reason,
                                                   dcr_reference=dcr, signed_at=signed,
                                                   now_utc=ui.now_utc())
                except EcommError as exc:
                    ui.show_error(exc)
                else:
                    ui.done(outcome.message)

st.subheader("Pre-access courses")
st.dataframe(pd.DataFrame([{
    "course": x["course"], "completed on": x["completed_on"], "valid through": x["valid_through"],
    "status": x["status_label"]} for x in rec.courses]), hide_index=True, width="stretch")

st.subheader("License records")
if rec.licenses:
    st.dataframe(pd.DataFrame([{
        "license record": ui.record_url(ui.LICENSE_PAGE, lic["license_number"]),
        "affiliated campus": lic["affiliated_campus"], "eComm specialist": lic["ecomm_specialist"],
        "applications held": ", ".join(lic["held"]) or "none"} for lic in rec.licenses]),
        column_config={"license record": ui.link_column("license record", ui.LICENSE_PAGE)},
        hide_index=True, width="stretch")
else:
    st.write("No license record you can see.")

st.subheader("Requests")
if rec.requests:
    st.dataframe(pd.DataFrame([{
        "request": r["request_id"], "kind": r["kind"], "status": r["status"],
        "campus": r["campus"], "cycle": r["cycle"],
        "submitted": f"{clock.to_denver(r['submitted_at']):%Y-%m-%d}",
        "applications": ", ".join(r["applications"] or []),
        "license record": ui.record_url(ui.LICENSE_PAGE, r["license_number"])}
        for r in rec.requests]),
        column_config={"license record": ui.link_column("license record", ui.LICENSE_PAGE)},
        hide_index=True, width="stretch")
else:
    st.write("No request you can see.")
