"""New request: the User Access Change Request of seed 000, screen by screen. Answers live in
session_state (``rf``), uploads included, so Previous/Next and a refused submission keep them;
each screen's rules are checked on Next (ecomm.requests.screens, issue 18); the services decide
(P1-P16, C1-C4, B5) and the confirmation shows what happens and what it costs."""
import streamlit as st

from ecomm import form_choices, readiness, ui, ui_form
from ecomm import reference as ref
from ecomm import seats
from ecomm.errors import EcommError
from app_pages.request_change import change_step
from ecomm.requests import screens, submit_deprovision, submit_provision
from ecomm.storage.settings import load_policy

RF = "rf"
PROVISION, DEPROVISION, CHANGE = "Provision", "Deprovision", "Change"
TITLES = {"ack": "Acknowledge", "start": "Campus and request type",
          "current": "Current access", "user": "eComm specialist and new user information",
          "unit": "Unit, department and billing information",
          "courses": "Pre-access requirement courses", "deprovision": "Applications to remove",
          "change": "Change what the user has (P15)"}
CAMPUS_ANSWERS = ("ecomm_specialist", "additional_specialists", "replaces_license",
                  "business_units", "public_groups", "billing_campus", "campus_speedtype",
                  "unit_split", "unit_speedtypes", "super_user_permissions", "remove")

store = ui.get_store()
user = ui.current_user()
if user is None:
    st.stop()


def reset(contact_id: str | None = None, campus: str | None = None) -> dict:
    st.session_state[RF] = {"contact_id": contact_id, "step": "ack" if contact_id else "contact",
                            "answers": {"campus": campus} if campus else {}, "error": None,
                            "confirmation": None, "upload_gen": 0}
    return st.session_state[RF]


carried = st.session_state.pop(ui.START_REQUEST_KEY, None)
rf = reset(carried["contact_id"], carried.get("campus")) if carried else (
    st.session_state.get(RF) or reset())
A = rf["answers"]
steps = ui_form.Steps(rf)
go, nav = steps.go, steps.nav
campuses = form_choices.request_campuses(user)

st.title("New request")
if not campuses:
    st.info("A3: managers read; the campus's eComm specialist or the System team submits "
            "requests.")
    st.stop()

# -- who the request is for ------------------------------------------------------------------
if rf["contact_id"] is None:
    st.subheader("Who is the request for?")
    text = st.text_input("Name, email or employee ID", key="rf_search")
    found = readiness.find_contacts(store, user, text)
    by_id = {r["contact_id"]: r for r in found}
    pick = st.selectbox("Person", list(by_id), index=None, key="rf_pick",
                        placeholder="Search above, then choose the person",
                        format_func=lambda c: f"{by_id[c]['name']} · {c} · "
                                              f"{by_id[c]['university_emails'] or by_id[c]['email'] or 'not of your campus'}")
    if st.button("Use this person", type="primary", disabled=pick is None, key="rf_use"):
        reset(pick)
        st.rerun()
    st.stop()

try:
    facts = readiness.contact_facts(store, user, rf["contact_id"])
except EcommError as exc:
    ui.show_error(exc)
    if st.button("Choose another person", key="rf_change_person"):
        reset()
        st.rerun()
    st.stop()

head, change = st.columns([4, 1])
head.markdown(f"**User Access Change Request for {facts.contact.name}** ({rf['contact_id']})")
ui.record_link(ui.CONTACT_PAGE, rf["contact_id"], "Contact record")
if change.button("Choose another person", key="rf_change_person"):
    reset()
    st.rerun()

# -- the confirmation ------------------------------------------------------------------------
if rf["confirmation"] is not None:
    ui.show_confirmation(rf["confirmation"])
    c1, c2 = st.columns(2)
    if c1.button(f"Another request for {facts.contact.name}", key="rf_same"):
        reset(rf["contact_id"])
        st.rerun()
    if c2.button("A request for someone else", key="rf_again"):
        reset()
        st.rerun()
    st.stop()

def seat_warnings(applications: list[str], replaces: str | None) -> None:
    """B10 (rev 2): a warning, never a block, when the request would go past the seats
    available (ecomm.seats.submission_warnings)."""
    for warning in seats.submission_warnings(store, applications, as_of=ui.today(),
                                             replaces_license=replaces):
        st.warning(ui.md(warning), icon=":material/event_seat:")


step = rf["step"]
campus = A.get("campus") if A.get("campus") in campuses else (
    readiness.likely_campus(facts, campuses) or campuses[0])
A["campus"] = campus
ready = readiness.contact_readiness(store, user, rf["contact_id"], campus, ui.today(), facts=facts)
st.subheader(TITLES[step], divider="gray")
if step not in ("ack", "start"):
    st.caption(f"{A.get('action', PROVISION)} at {campus}")


def screen_check(screen: str):
    """Next on ``screen``: its rules (ecomm.requests.screens), as Submit checks them."""
    return lambda: screens.check_screen(store, user, rf["contact_id"], A, A["campus"], screen,
                                        ui.today())


# -- screen 1: acknowledge -------------------------------------------------------------------
if step == "ack":
    st.markdown(
        "eComm Specialists may submit a request for access, to update a user's access, or to "
        "deprovision a user.\n\n"
        "**New eComm Specialists:** before you may submit a provisioning/deprovisioning request, "
        "please make sure you have passed the license-change quiz. Do not proceed if you have "
        "not passed the quiz.\n\n**Reminders:**\n"
        "- **Pre-access requirements must be complete before you can submit a provisioning "
        "request**: signed new user agreement, and pre-access courses completed.\n"
        "- Ensure the user's campus email is present and matches the campus you're "
        "provisioning.\n"
        "- Provisioning a user or adding additional access will have budget implications for "
        "your campus. You will see the cost at the time of submission.\n"
        "- Deprovisioning a user will take effect immediately for Salesforce users. Only submit "
        "a deprovisioning request when the user no longer needs access.\n\n"
        "Please acknowledge the above items to continue.")
    if user.is_specialist and user.quiz_passed_on is None:
        st.warning("P14: you have not passed the license-change quiz: you can look, but a "
                   "request you submit will be refused until the System team records your pass.")
    if st.button("Acknowledge", type="primary", key="rf_ack"):
        go("start")
    st.stop()

# -- screen 2: campus and what to do ---------------------------------------------------------
if step == "start":
    A["campus"] = st.selectbox(
        "Select your campus", campuses, index=campuses.index(campus),
        disabled=len(campuses) == 1, key="rf_campus",
        help="P6: an eComm specialist submits for their own campus. The campus fills in the "
             "following screens.")
    actions = [PROVISION, DEPROVISION, CHANGE]
    A["action"] = st.radio("What would you like to do today?", actions,
                           index=actions.index(A.get("action", PROVISION)), key="rf_action",
                           captions=["Add applications the user does not have",
                                     "Remove applications",
                                     "Change a licensed user's access: add-ons, super-user "
                                     "permissions, eComm role, full Salesforce (P15)"])
    if nav("ack", check=screen_check("start") if A["action"] == PROVISION else None):
        if A.get("_answers_campus") not in (None, A["campus"]):
            for key in CAMPUS_ANSWERS:
                A.pop(key, None)
        A["_answers_campus"] = A["campus"]
        if A["action"] in (DEPROVISION, CHANGE):
            go(A["action"].lower())
        held_now = readiness.contact_readiness(store, user, rf["contact_id"], A["campus"],
                                               ui.today(), facts=facts).held
        go("current" if held_now else "user")
    st.stop()

# -- provisioning: current access --------------------------------------------------------------
if step == "current":
    st.markdown("This user already has the applications listed below")
    st.markdown("\n".join(f"- {app}" for app in ready.held))
    st.write("If you'd like to remove access to an application, submit a deprovisioning "
             "request instead.")
    nav("start", "user")
    st.stop()

if step == "user":
    choices = form_choices.form_choices(store, user, campus)
    st.markdown("#### eComm Specialist Information")
    st.text_input("Affiliated Campus", value=campus, disabled=True, key="rf_affiliated",
                  help="The campus you selected in the previous screen. To change it, select "
                       "Previous.")
    people = {c.value: c.label for c in choices.specialists}
    chosen = A.get("ecomm_specialist", choices.default_specialist)
    A["ecomm_specialist"] = st.selectbox(
        "eComm Specialist", list(people), key="rf_specialist",
        index=list(people).index(chosen) if chosen in people else None,
        format_func=people.get, placeholder="No eComm specialist on record for this campus")
    others = [p for p in people if p != A["ecomm_specialist"]]
    A["additional_specialists"] = st.multiselect(
        "Additional eComm Specialist(s), if applicable", others, format_func=people.get,
        default=[p for p in A.get("additional_specialists", []) if p in others],
        key="rf_additional", help="Only when the user is supported by several eComm specialists.")
    st.markdown("#### New User Information")
    A["ecomm_role"] = st.radio(
        "eComm Role", ref.ECOMM_ROLES, index=ref.ECOMM_ROLES.index(A.get("ecomm_role", ref.ROLE_USER)),
        key="rf_role", horizontal=True,
        help="'User' for basic users and for super users; 'MEC' for a new eComm specialist.")
    replacing = st.checkbox("This user is replacing another user who will be or is already "
                            "deprovisioned",
                            value=bool(A.get("replacing") or A.get("replaces_license")),
                            key="rf_replacing",
                            help="Not checking this box makes the license 'net new' (P10).")
    A["replacing"] = replacing
    if replacing:
        options = {c.value: c.label for c in form_choices.replaceable_licenses(
            store, user, campus, ui.today(), except_contact=rf["contact_id"])}
        current = A.get("replaces_license")
        A["replaces_license"] = st.selectbox(
            "User being replaced", list(options), format_func=options.get, key="rf_replaces",
            index=list(options).index(current) if current in options else None,
            placeholder="Start typing a name to narrow the list down")
        st.caption(f"You see only users of {campus}, the campus of the user being provisioned.")
    else:
        A["replaces_license"] = None
    apps = [a for a in ref.APPLICATIONS if a not in ready.held]
    A["applications"] = st.multiselect(
        "Applications", apps, default=[a for a in A.get("applications", []) if a in apps],
        key="rf_apps")
    st.caption("P16: the Salesforce profile follows the applications: Cvent only gets "
               "Salesforce with the free Chatter Free profile; choosing Salesforce is a full "
               "(paid) license.")
    if ready.held:
        st.caption("Already held (not offered again, P7; to change what the user has, submit "
                   "a change request): " + ", ".join(ready.held))
    seat_warnings(A.get("applications") or [], A.get("replaces_license"))
    if ref.CVENT in A["applications"] or ref.CVENT in ready.held:
        A["cvent_add_ons"] = st.multiselect(
            "Cvent Add-ons", ref.CVENT_ADD_ONS, default=A.get("cvent_add_ons", []),
            key="rf_addons", help="Add-ons should already be contracted for before requesting "
                                  "access (P9).")
    else:
        A["cvent_add_ons"] = []
    st.markdown("**Super User Permissions**")
    st.caption(f"Super Users are currently available only at "
               f"{', '.join(choices.super_user_campuses)}. You can review their permissions in "
               "the wiki. If you're interested in adding Super Users for your campus or want to "
               "learn more, reach out to the System team.")
    if choices.super_user_allowed:
        A["super_user_permissions"] = st.multiselect(
            "Super user permissions", ref.SUPER_USER_PERMISSIONS, key="rf_super",
            default=A.get("super_user_permissions", []))
    else:
        A["super_user_permissions"] = []
    nav("current" if ready.held else "start", "unit", check=screen_check("user"))
    st.stop()

if step == "unit":
    choices = form_choices.form_choices(store, user, campus)
    st.markdown("#### Unit / Department Information")
    A["business_units"] = st.multiselect(
        "Business Unit", choices.business_units, key="rf_units",
        default=[g for g in A.get("business_units", []) if g in choices.business_units])
    A["public_groups"] = st.multiselect(
        "Public Group", choices.public_groups, key="rf_groups",
        default=[g for g in A.get("public_groups", []) if g in choices.public_groups])
    A["new_public_group"] = st.text_input(
        "New Public Group (if applicable)", value=A.get("new_public_group") or "",
        key="rf_new_group", help=f"P11: needed when you choose \"{ref.NEW_PUBLIC_GROUP}\".")
    st.markdown("#### Billing Information")
    billing = st.selectbox("Billing Campus", ref.CAMPUSES, key="rf_billing_campus",
                           index=ref.CAMPUSES.index(A.get("billing_campus") or campus),
                           help="Defaults to the campus you selected; you can change it.")
    A["billing_campus"] = billing
    speedtypes, usual = form_choices.speedtype_choices(store, billing)
    labels = {c.value: c.label for c in speedtypes}
    chosen = A.get("campus_speedtype") if A.get("campus_speedtype") in labels else usual
    A["campus_speedtype"] = st.selectbox(
        "Campus Billing Speedtype", list(labels), format_func=labels.get,
        index=list(labels).index(chosen) if chosen in labels else None,
        key=f"rf_campus_speedtype_{billing}", placeholder="The billing campus's default",
        help="Defaults to the billing campus's speedtype; you can change it.")
    split = dict(A.get("unit_split", []))
    units = st.multiselect("Unit Billing Speedtype(s)", list(labels), format_func=labels.get,
                           default=[c for c in split if c in labels],
                           key=f"rf_unit_sts_{billing}",
                           help="Optional. Several speedtypes split the charge by percentages "
                                "that add up to 100 (P12).")
    pairs, n = [], len(units)
    kept = set(split) == set(units)  # the same speedtypes as before: their percentages
    for i, code in enumerate(units):
        even = 100 // n + (100 % n if i == 0 else 0)
        pct = st.number_input(f"Percentage billed to {labels[code]}", min_value=0, max_value=100,
                              step=1, value=int(split[code]) if kept else even,
                              key=f"rf_pct_{billing}_{n}_{code}")
        pairs.append((code, int(pct)))
    if pairs:
        total = sum(p for _, p in pairs)
        st.caption(f"Unit speedtype percentages add up to {total}"
                   + ("." if total == 100 else ": they must add up to 100 (P12)."))
    A["unit_split"] = pairs
    A["unit_speedtypes"] = ";".join(f"{c}:{p}" for c, p in pairs) or None
    A["speedtype_notes"] = st.text_area(
        "SpeedType Notes, if applicable", value=A.get("speedtype_notes") or "", key="rf_st_notes",
        help="Generally not needed, aside to clarify, e.g. 12345 should be billed 20% and "
             "98765 80%.")
    A["notes"] = st.text_area("Notes for the System team (optional)", value=A.get("notes") or "",
                              key="rf_notes")
    nav("user", "courses", check=screen_check("unit"))
    st.stop()

if step == "courses":
    policy = load_policy(store)
    st.write("Input the user's dates for each of the required trainings below, from their "
             "learning transcript.")
    st.caption("To ensure proper user access, please verify that all dates entered are "
               "accurate. Incorrect dates may delay access: if you are unsure, please exit the "
               "provisioning process until you have the correct information. If courses are out "
               "of date, you cannot submit the request (P5).")
    for column, course in ref.COURSE_REQUEST_COLUMNS.items():
        recorded = ready.recorded_courses.get(course)
        A[column] = st.date_input(
            course, value=A.get(column, recorded), key=f"rf_{column}", format="YYYY-MM-DD",
            help=f"Recorded completion: {recorded}" if recorded else "No completion recorded.")
    st.markdown("#### Course Completion Upload")
    ui_form.transcript_uploads(rf, A, policy,
                               "Upload completed course screenshots below (PNG, JPEG or PDF)")
    seat_warnings(A.get("applications") or [], A.get("replaces_license"))
    steps.submit("unit", "rf_submit", lambda: submit_provision(
        store, user, rf["contact_id"], screens.draft_from_answers(A, campus),
        A.get("uploads") or [], now_utc=ui.now_utc()))
    st.stop()

# -- deprovisioning ----------------------------------------------------------------------------
if step == "deprovision":
    lic = ready.license_at(campus)
    if lic is None or not lic["held"]:
        st.info(f"{facts.contact.name} holds no application on a {campus} license record: "
                "there is nothing to deprovision.")
        nav("start", show_next=False)
        st.stop()
    ui.record_link(ui.LICENSE_PAGE, lic["license_number"], f"License record {lic['license_number']}")
    st.write("Select the applications you'd like to remove access to below:")
    A["remove"] = [app for app in lic["held"]
                   if st.checkbox(app, value=app in A.get("remove", []), key=f"rf_dep_{app}")]
    st.warning(f"C4: {ref.SALESFORCE} is deprovisioned immediately upon submission, although "
               "the user is billed through the end of the month. Submit the request when they no "
               f"longer need {ref.SALESFORCE} access. Other applications are removed in the next "
               "monthly batch.", icon=":material/schedule:")
    steps.submit("start", "rf_dep_submit", lambda: submit_deprovision(
        store, user, lic["license_number"], A["remove"], now_utc=ui.now_utc()))

# -- change requests (P15) ---------------------------------------------------------------------
if step == "change":
    change_step(store, user, rf, A, facts, ready, campus, steps)
