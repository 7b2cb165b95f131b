"""The New request page's "Change" screen (P15): a change request for an existing license
(Cvent add-ons, super-user permissions, eComm role, the upgrade from Chatter Free to a full
Salesforce license). A part of app_pages/request_form.py, kept apart to keep that file short;
widgets only, the service decides."""
import streamlit as st

from ecomm import form_choices, ui
from ecomm import reference as ref
from ecomm.requests import submit_change
from ecomm.requests.deprovision import load_license_for as license_now


def change_step(store, user, rf, A, facts, ready, campus, steps) -> None:
    """Draw the change screen; on Submit, submit the change request and show the banner
    (``steps``: the form's ecomm.ui_form.Steps)."""
    lic = ready.license_at(campus)
    if lic is None or not lic["held"]:
        st.info(f"{facts.contact.name} holds no application on a {campus} license record: "
                "submit a provisioning request instead.")
        steps.nav("start", show_next=False)
        st.stop()
    current = license_now(store, user, lic["license_number"])
    number = lic["license_number"]
    ui.record_link(ui.LICENSE_PAGE, number, f"License record {number}")
    role_now = current.ecomm_role or ref.ROLE_USER
    st.caption(f"Now: {', '.join(lic['held'])}; eComm role {role_now}; "
               f"Salesforce profile {current.salesforce_profile or ref.PROFILE_STANDARD}; "
               f"super-user permissions {', '.join(current.super_user_permissions) or 'none'}; "
               f"Cvent add-ons {', '.join(current.cvent_add_ons) or 'none'}.")
    roles = ["(no change)", *[r for r in ref.ECOMM_ROLES if r != role_now]]
    role = st.radio("eComm Role", roles, key="rf_ch_role", horizontal=True,
                    index=roles.index(A["ch_role"]) if A.get("ch_role") in roles else 0,
                    help="'MEC' for a user who becomes an eComm specialist (the System team is "
                         "told at once, C7).")
    A["ch_role"] = role
    choices = form_choices.form_choices(store, user, campus)
    perms = [p for p in ref.SUPER_USER_PERMISSIONS if p not in current.super_user_permissions]
    A["ch_super"] = st.multiselect("Super user permissions to add", perms, key="rf_ch_super",
                                   default=[p for p in A.get("ch_super", []) if p in perms],
                                   disabled=not choices.super_user_allowed,
                                   help="P8: only at " + ", ".join(choices.super_user_campuses))
    addons = [a for a in ref.CVENT_ADD_ONS if a not in current.cvent_add_ons]
    A["ch_addons"] = st.multiselect("Cvent add-ons to add", addons, key="rf_ch_addons",
                                    default=[a for a in A.get("ch_addons", []) if a in addons],
                                    disabled=ref.CVENT not in lic["held"],
                                    help="P9: only with Cvent; contracted for before requesting.")
    chatter = (current.salesforce_profile == ref.PROFILE_CHATTER_FREE
               and ref.SALESFORCE in lic["held"])
    A["ch_upgrade"] = st.checkbox(
        "Upgrade from Chatter Free to a full Salesforce license (dashboards, reports...)",
        value=bool(A.get("ch_upgrade")) and chatter, disabled=not chatter, key="rf_ch_upgrade",
        help="Billed as a new paid Salesforce from the month it is processed: net new unless "
             "it replaces another user's Salesforce (P10).")
    if A["ch_upgrade"]:
        options = {c.value: c.label for c in form_choices.replaceable_licenses(
            store, user, campus, ui.today(), except_contact=rf["contact_id"])}
        kept = A.get("ch_replaces")
        A["ch_replaces"] = st.selectbox("Replacing another user's Salesforce (optional)",
                                        list(options), format_func=options.get,
                                        index=list(options).index(kept) if kept in options
                                        else None,
                                        key="rf_ch_replaces", placeholder="Net new")
    values = {"ecomm_role": None if role == roles[0] else role,
              "super_user_permissions": A["ch_super"], "cvent_add_ons": A["ch_addons"],
              "salesforce_upgrade": A["ch_upgrade"],
              "replaces_license": A.get("ch_replaces") if A["ch_upgrade"] else None}
    steps.submit("start", "rf_ch_submit", lambda: submit_change(
        store, user, lic["license_number"], values, now_utc=ui.now_utc()))
