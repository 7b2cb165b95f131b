"""Who is signed in: OIDC (``st.user``) when `.streamlit/secrets.toml` has [auth], else the
development sign-in (``?as=EMAIL`` or the sidebar picker); the sidebar's account block and the
page for someone not allowed in. ``current_user`` is the one door (AppTest cannot fake st.user).
"""
from __future__ import annotations

import streamlit as st

from ecomm import admin
from ecomm.identity import Identity
from ecomm.storage import Store
from ecomm.ui.database import store_or_none
from ecomm.ui.registry import APP_TITLE

DEV_EMAIL_KEY = "_dev_sign_in_email"
DEV_PICKER_KEY = "dev_sign_in_picker"


def oidc_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an [auth] section (real sign-in, no dev picker)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def signed_in_email() -> str | None:
    """The email of the person at the screen (lower case), or None.

    With OIDC: ``st.user``'s email once logged in. Without: the development sign-in,
    ``?as=EMAIL`` or the sidebar picker (kept in session state across pages)."""
    if oidc_configured():
        if not st.user.get("is_logged_in"):
            return None
        email = str(st.user.get("email") or "").strip().lower()
        return email or None
    as_param = st.query_params.get("as")
    if as_param:
        st.session_state[DEV_EMAIL_KEY] = as_param.strip().lower()
    email = st.session_state.get(DEV_EMAIL_KEY)
    if email and not as_param:
        # In-app navigation drops the URL's query; the person goes back into it, so that a
        # reload, a new session (a lost connection) or a copied link stays signed in.
        st.query_params["as"] = email
    return email


def current_user() -> Identity | None:
    """The signed-in, active app user (role and campus from app_users), or None."""
    email = signed_in_email()
    if not email:
        return None
    store = store_or_none()
    if store is None:
        return None
    identity = admin.find_identity(store, email)
    if identity is None or not identity.active:
        return None
    return identity


def _dev_pick() -> None:
    """Act as the person picked. An empty pick changes nothing (the development sign-in must
    survive in-app navigation); signing out is the Sign out button's."""
    email = st.session_state.get(DEV_PICKER_KEY)
    if email:
        st.session_state[DEV_EMAIL_KEY] = email
        st.query_params["as"] = email


def _dev_sign_out() -> None:
    st.session_state.pop(DEV_EMAIL_KEY, None)
    st.session_state[DEV_PICKER_KEY] = None
    if "as" in st.query_params:
        del st.query_params["as"]


def sidebar_account(identity: Identity | None) -> None:
    """The sidebar's account block: who is signed in and how to sign out or switch."""
    with st.sidebar:
        if identity is not None:
            where = f" · {identity.campus}" if identity.campus else ""
            st.caption(f"Signed in as **{identity.name}** ({identity.role_label}{where})")
        if oidc_configured():
            if st.user.get("is_logged_in"):
                st.button("Sign out", on_click=st.logout, key="sign_out")
            return
        _dev_sign_in_picker()


def _dev_sign_in_picker() -> None:
    st.warning("Development sign-in: anyone can act as any user. Configure [auth] in "
               ".streamlit/secrets.toml for real sign-in.", icon=":material/construction:")
    store = store_or_none()
    people = admin.active_identities(store) if store is not None else []
    by_email = {p.email: p for p in people}
    current = st.session_state.get(DEV_EMAIL_KEY)
    wanted = current if current in by_email else None
    if st.session_state.get(DEV_PICKER_KEY) != wanted:
        st.session_state[DEV_PICKER_KEY] = wanted
    st.selectbox(
        "Act as", list(by_email), key=DEV_PICKER_KEY, on_change=_dev_pick,
        index=None, placeholder="Choose a person",
        format_func=lambda e: (f"{by_email[e].name} — {by_email[e].role_label}"
                               + (f", {by_email[e].campus}" if by_email[e].campus else "")),
    )
    if current:
        st.button("Sign out", on_click=_dev_sign_out, key="dev_sign_out")


def _system_contacts(store: Store | None) -> str:
    team = [p for p in (admin.active_identities(store) if store else []) if p.is_system]
    if not team:
        return "the CU System eComm team"
    return "the CU System eComm team (" + ", ".join(f"{p.name}, {p.email}" for p in team) + ")"


def render_signed_out() -> None:
    """The page for someone not (yet) allowed in: sign in, pick a user, or no access."""
    st.title(APP_TITLE)
    store = store_or_none()
    email = signed_in_email()
    if oidc_configured() and not email:
        st.write("Sign in with your university account to continue.")
        st.button("Sign in", on_click=st.login, type="primary", key="sign_in")
        return
    if not email:
        st.info("Development sign-in: choose a person under **Act as** in the sidebar, "
                "or open a link ending in `?as=EMAIL`.")
        if store is not None and not admin.active_identities(store):
            st.warning("This database has no app users yet. Load some with "
                       "`python -m ecomm import FOLDER` (a users.csv) or start from the demo "
                       "with `python -m ecomm init --demo` on an empty database.")
        return
    identity = admin.find_identity(store, email) if store is not None else None
    st.subheader("No access")
    state = "is not active" if identity is not None else "is not registered"
    st.write(f"The account **{email}** {state} in eComm Licenses. To get access, "
             f"contact {_system_contacts(store)}.")
    if oidc_configured():
        st.button("Sign out", on_click=st.logout, key="sign_out_no_access")
