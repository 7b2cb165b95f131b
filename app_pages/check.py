"""Check a person: find a contact, see whether they can be provisioned at a campus (P1-P5 with
the fix named, P13 warnings), what they hold already, and start a request for them."""
import pandas as pd
import streamlit as st

from ecomm import form_choices, readiness, ui
from ecomm.errors import EcommError

store = ui.get_store()
user = ui.current_user()
if user is None:
    st.stop()

st.title("Check a person")
st.write("Find the contact by name, email or employee ID, then see whether they are ready to "
         "be provisioned: each requirement is ticked ✓ or failed ✗ with what to do about it.")

c1, c2 = st.columns([3, 1])
text = c1.text_input("Name, email or employee ID", key="check_search",
                     placeholder="e.g. Ramirez, ben.ramirez@colorado.edu or 104233")
only_mine = False
if user.is_specialist and user.campus:
    only_mine = c2.checkbox(f"Only {user.campus} people", key="check_only_mine",
                            help="Contacts with your campus's university email, an employment "
                                 "or a license there.")
try:
    found = readiness.find_contacts(store, user, text, campus=user.campus if only_mine else None)
except EcommError as exc:
    ui.show_error(exc)
    st.stop()

if len((text or "").strip()) < readiness.MIN_SEARCH:
    st.caption(f"Type at least {readiness.MIN_SEARCH} characters.")
    st.stop()
if not found:
    st.info("No contact matches. Check the spelling, or search by employee ID or email.")
    st.stop()

st.dataframe(pd.DataFrame([{
    "contact": None if r["limited"] else ui.record_url(ui.CONTACT_PAGE, r["contact_id"]),
    "contact ID": r["contact_id"], "name": r["name"],
    "employee ID": r["employee_id"], "email": r["email"],
    "university emails": r["university_emails"]} for r in found]),
    column_config={"contact": ui.link_column("contact", ui.CONTACT_PAGE)},
    hide_index=True, width="stretch")
if len(found) >= 50:
    st.caption("Showing the first 50 matches: add a word to narrow the search.")
if any(r["limited"] for r in found):
    st.caption("A1: a person who is not of your campus is found only by their full employee ID "
               "or email, and shows only whether they can be provisioned at your campus.")

by_id = {r["contact_id"]: r for r in found}
picked = st.selectbox("Person to check", list(by_id), index=0 if len(by_id) == 1 else None,
                      placeholder="Choose a contact", key="check_pick",
                      format_func=lambda cid: f"{by_id[cid]['name']} · {cid}"
                      + (f" · employee ID {by_id[cid]['employee_id']}"
                         if by_id[cid]["employee_id"] else ""))
if not picked:
    st.stop()

campuses = form_choices.readable_campuses(user)
try:
    facts = readiness.contact_facts(store, user, picked)
except EcommError as exc:
    ui.show_error(exc)
    st.stop()
default = readiness.likely_campus(facts, campuses)
campus = st.selectbox("Campus to provision at", campuses,
                      index=campuses.index(default) if default in campuses else 0,
                      disabled=len(campuses) == 1, key=f"check_campus_{picked}",
                      help="P6: an eComm specialist checks and submits for their own campus.")
try:
    ready = readiness.contact_readiness(store, user, picked, campus, ui.today(), facts=facts)
except EcommError as exc:
    ui.show_error(exc)
    st.stop()

st.subheader(f"{ready.name} at {campus}")
if ready.limited:
    st.info(f"A1: {ready.name} is not a person of {campus}: only whether they can be "
            f"provisioned at {campus} is shown, not their records.", icon=":material/lock:")
else:
    ui.record_link(ui.CONTACT_PAGE, picked, f"Contact record {picked}")
if ready.ready:
    st.success(f"Ready to be provisioned at {campus} on {ready.on}: P1-P5 are met.",
               icon=":material/check_circle:")
else:
    failed = sorted({r.rule for r in ready.checks if not r.passed})
    st.error(f"Not ready yet: {', '.join(failed)} not met. Fix what each line says first.",
             icon=":material/error:")
st.markdown("\n".join(f"- {ui.rule_line(r)}" for r in ready.checks))
for w in ready.warnings:
    st.warning(f"**{w.rule}** {ui.md(w.message)}", icon=":material/warning:")

if ready.limited:
    st.stop()

st.markdown("**Current access**")
if ready.held:
    st.write("Holds " + ", ".join(ready.held) + ": a provisioning request may add only other "
             "applications (P7); to remove access, submit a deprovisioning request.")
    st.dataframe(pd.DataFrame([{
        "license record": ui.record_url(ui.LICENSE_PAGE, lic["license_number"])
        if lic["visible"] else None,
        "campus": lic["campus"], "applications held": ", ".join(lic["held"]) or "none"}
        for lic in ready.licenses]),
        column_config={"license record": ui.link_column("license record", ui.LICENSE_PAGE)},
        hide_index=True, width="stretch")
else:
    st.write("Holds no application today.")
if ready.open_requests:
    st.markdown("**Requests waiting for a batch**")
    st.dataframe(pd.DataFrame([{
        "request": r["request_id"], "kind": r["kind"], "status": r["status"],
        "cycle": r["cycle"], "applications": ", ".join(r["applications"] or [])}
        for r in ready.open_requests]), hide_index=True, width="stretch")

if campus in form_choices.request_campuses(user):
    # Issue 18: a provisioning request only for a person who is ready; otherwise what must
    # happen first, and (for a person holding applications here) deprovisioning or a change.
    if ready.ready:
        if st.button("Start a request for this person", type="primary", key="check_start"):
            ui.start_request(picked, campus)
    else:
        st.info(ui.md(ready.first_steps()), icon=":material/pending_actions:")
        lic = ready.license_at(campus)
        if lic and lic["held"] and st.button(
                "Start a deprovisioning or change request", key="check_start_other",
                help="P1-P5 are needed to provision; removing or changing access is not."):
            ui.start_request(picked, campus)
elif user.is_manager:
    st.caption("A3: managers read; the campus's eComm specialist submits requests.")
