"""The one small Streamlit helper module: the page registry, the cached Store, who is signed in
(``current_user``), banners, messages, error display and downloads. Pages stay thin: widgets
plus calls into ``ecomm`` services. Nothing else in ``ecomm`` imports streamlit.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import streamlit as st

from ecomm import admin, clock
from ecomm import reference as ref
from ecomm.errors import DatabaseBusy, EcommError
from ecomm.identity import Identity
from ecomm.storage import Store, resolve_db_path

APP_TITLE = "eComm Licenses"
ALL_ROLES = tuple(ref.APP_ROLES)
SYSTEM = (ref.APP_SYSTEM,)


@dataclass(frozen=True)
class PageSpec:
    """One page of the app: its file, title, icon and the roles that see it (A1-A3)."""

    path: str
    title: str
    icon: str
    roles: tuple[str, ...]
    default: bool = False  # the page people open first (the dashboard)


# The app's pages, in navigation order. Adding a page is one line here. Page files live in
# app_pages/, never pages/: a folder named pages/ beside app.py switches Streamlit to its old
# pages-folder mode, which runs page files without app.py's sign-in (and breaks AppTest reruns).
PAGES: tuple[PageSpec, ...] = (
    PageSpec("app_pages/home.py", "Home", ":material/home:", ALL_ROLES),
    PageSpec("app_pages/dashboard.py", "Dashboard", ":material/dashboard:", ALL_ROLES,
             default=True),
    PageSpec("app_pages/reports.py", "Reports", ":material/monitoring:",
             (ref.APP_MANAGER, ref.APP_SYSTEM)),
    PageSpec("app_pages/import_data.py", "Import", ":material/upload_file:", SYSTEM),
    PageSpec("app_pages/admin.py", "Admin", ":material/admin_panel_settings:", SYSTEM),
    PageSpec("app_pages/jobs.py", "Jobs", ":material/schedule:", SYSTEM),
    PageSpec("app_pages/check.py", "Check a person", ":material/person_search:", ALL_ROLES),
    PageSpec("app_pages/request_form.py", "New request", ":material/add_circle:",
             (ref.APP_SPECIALIST, ref.APP_SYSTEM)),
    PageSpec("app_pages/requests.py", "Requests", ":material/list_alt:", ALL_ROLES),
    PageSpec("app_pages/group_changes.py", "Group changes", ":material/group:",
             (ref.APP_SPECIALIST, ref.APP_SYSTEM)),
    PageSpec("app_pages/contact.py", "Contact record", ":material/person:", ALL_ROLES),
    PageSpec("app_pages/license.py", "License record", ":material/badge:", ALL_ROLES),
    PageSpec("app_pages/batch.py", "Batch", ":material/event_repeat:", SYSTEM),
    PageSpec("app_pages/billing.py", "Billing", ":material/receipt_long:", SYSTEM),
    PageSpec("app_pages/invoices.py", "Invoices", ":material/request_quote:",
             (ref.APP_SPECIALIST, ref.APP_MANAGER)),
    PageSpec("app_pages/compliance.py", "Compliance", ":material/verified_user:", ALL_ROLES),
    PageSpec("app_pages/june_review.py", "June review", ":material/fact_check:", ALL_ROLES),
    PageSpec("app_pages/compliance_records.py", "Compliance records", ":material/fact_check:",
             SYSTEM),
    PageSpec("app_pages/notifications.py", "Messages", ":material/mail:", SYSTEM),
    PageSpec("app_pages/audit.py", "Audit log", ":material/history:", ALL_ROLES),
)


def pages_for(identity: Identity | None) -> list[PageSpec]:
    """The pages this person's role sees (none when nobody is signed in)."""
    if identity is None or not identity.active:
        return []
    return [p for p in PAGES if identity.role in p.roles]


# -- the database ----------------------------------------------------------------------
def db_path() -> Path:
    """ECOMM_DB, else data/ecomm.duckdb."""
    return resolve_db_path()


def db_missing(path: Path | None = None) -> bool:
    """True when the database file does not exist yet or is empty (not initialised)."""
    path = path or db_path()
    return not path.exists() or path.stat().st_size == 0


@st.cache_resource(show_spinner=False, on_release=lambda s: s.close())
def _open_store(path: str) -> Store:
    return Store(path)


def get_store() -> Store:
    """The process's one Store for the configured file: the one the server opened when it
    started (ecomm.storage.served), else opened here (raises DatabaseBusy if it is locked)."""
    from ecomm.storage.served import served_store

    path = db_path()
    held = served_store(path) if path.exists() else None
    return held if held is not None else _open_store(str(path))


def store_or_none() -> Store | None:
    """The Store, or None when the file is missing or busy (``render_store_problem`` says why)."""
    if db_missing():
        return None
    try:
        return get_store()
    except EcommError:
        return None


BUSY_FOR_WEB = (
    "eComm Licenses cannot open its data right now: it is in use by another program (for "
    "example an import or a backup the System team started). Try again in a few minutes by "
    "reloading this page; if this message stays, tell the CU System eComm team.")


def render_store_problem() -> None:
    """A helpful page instead of a crash when the database is missing, empty or busy."""
    path = db_path()
    st.title(APP_TITLE)
    if db_missing(path):
        st.warning(f"There is no eComm Licenses database at `{path}` yet.")
        st.markdown(
            "Create it from a terminal in the project folder, then reload this page:\n\n"
            "- `make run` creates a demo database and starts the app, or\n"
            f"- `python -m ecomm init --demo --db {path}` loads the demo data set, or\n"
            f"- `python -m ecomm init --db {path}` creates an empty one to import your own data.")
        return
    try:
        get_store()
    except DatabaseBusy:
        st.error(BUSY_FOR_WEB)
    except EcommError as exc:
        show_error(exc)
    else:
        st.info("The database is ready: reload the page.")


# -- who is signed in ------------------------------------------------------------------
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
        # Issue 18: in-app navigation drops the URL's query; the person goes back into it, so
        # that a reload, a new session (a lost connection) or a copied link stays signed in.
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
    """Act as the person picked. An empty pick changes nothing (issue 18: the development
    sign-in was lost on in-app navigation); signing out is the Sign out button's."""
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


# -- messages, errors, caches ----------------------------------------------------------
FLASH_KEY = "_flash_message"


def clear_caches() -> None:
    """After every write: cached query results are stale."""
    st.cache_data.clear()


def flash(message: str) -> None:
    """Remember a confirmation to show at the top of the next run."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    """Show (once) the confirmation left by the previous run."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")
        st.toast(message)


def done(message: str) -> None:
    """A change was saved: clear caches, confirm it, and redraw with fresh data."""
    clear_caches()
    flash(message)
    st.rerun()


def show_error(exc: EcommError) -> None:
    """An EcommError as the person should see it: the sentence, then each problem."""
    body = exc.message
    if exc.problems:
        body += "\n\n" + "\n".join(f"- {p}" for p in exc.problems)
    st.error(body, icon=":material/error:")


ROLE_NOTICE_P14 = ("P14: you have not passed the license-change quiz yet. You can look at your "
                   "campus's records, but you cannot submit requests until the System team "
                   "records your pass.")
ROLE_NOTICE_A3 = ("A3: you can read dashboards and reports for every campus; changes are made "
                  "by the eComm specialists and the System team.")


def role_notice(identity: Identity) -> None:
    """P14, A3: what this person cannot do (a specialist without the quiz, a manager), shown
    the same way on the home page and the dashboard."""
    if identity.is_specialist and identity.quiz_passed_on is None:
        st.warning(ROLE_NOTICE_P14, icon=":material/quiz:")
    elif identity.is_manager:
        st.info(ROLE_NOTICE_A3, icon=":material/visibility:")


def problems_frame(problems: list[str]) -> pd.DataFrame:
    """Import-style problems (`file:line column: what is wrong`) as a table."""
    rows = []
    for p in problems:
        where, sep, what = p.partition(": ")
        if not sep:
            where, what = "", p
        rows.append({"where": where, "problem": what})
    return pd.DataFrame(rows, columns=["where", "problem"])


def download_csv(frame: pd.DataFrame, file_name: str, label: str, key: str | None = None) -> None:
    """A download button for a table as CSV (UTF-8), formula-like text
    neutralised (ecomm.safe_export)."""
    from ecomm.safe_export import csv_bytes

    st.download_button(label, csv_bytes(frame, bom=False), file_name=file_name,
                       mime="text/csv", key=key, on_click="ignore",
                       icon=":material/download:")


def download_bytes(data: bytes | Callable[[], bytes], file_name: str, label: str, mime: str,
                   key: str | None = None) -> None:
    """A download button for bytes, or for a function making them when clicked."""
    st.download_button(label, data, file_name=file_name, mime=mime, key=key,
                       on_click="ignore", icon=":material/download:")


def today():
    """Today in America/Denver (the edge where the app asks the clock)."""
    return clock.today_denver()


def now_utc():
    """Now as naive UTC (the edge where requests get their submission time)."""
    return clock.now_utc()


# -- record links, rule ticks and request confirmations (issue 3) ----------------------------
# Contact and license records open by URL query parameter on their page's url_path
# (`contact?contact=C-00012`, `license?license=LN-0042`): st.page_link for one link,
# column_config.LinkColumn in tables (a new tab, so the development sign-in rides along).
CONTACT_PAGE = "app_pages/contact.py"
LICENSE_PAGE = "app_pages/license.py"
REQUEST_FORM_PAGE = "app_pages/request_form.py"
RECORD_PARAM = {CONTACT_PAGE: "contact", LICENSE_PAGE: "license"}
START_REQUEST_KEY = "_start_request"


def record_url(page: str, value) -> str | None:
    """The relative URL of a contact or license record, e.g. ``license?license=LN-0042``."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or not str(value).strip():
        return None
    from urllib.parse import urlencode

    name = RECORD_PARAM[page]
    params = {name: str(value)}
    if not oidc_configured() and st.session_state.get(DEV_EMAIL_KEY):
        params["as"] = st.session_state[DEV_EMAIL_KEY]
    return f"{name}?{urlencode(params)}"


_URL_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-")


def record_urls(page: str, values) -> list[str | None]:
    """``record_url`` for a whole column (issue 18, speed): the URL is made once from a template
    (the session and secrets read once, not per row) and each value put in its place, quoted only
    when ``urlencode`` would change it. Same URLs as ``record_url``, value by value."""
    from urllib.parse import quote_plus

    marker = "__record__"
    template = record_url(page, marker)
    head, _, tail = template.partition(marker)
    out: list[str | None] = []
    for v in values:
        if v is None or (isinstance(v, float) and pd.isna(v)):
            out.append(None)
            continue
        text = str(v)
        if not text.strip():
            out.append(None)
        else:
            out.append(head + (text if _URL_SAFE.issuperset(text) else quote_plus(text)) + tail)
    return out


def link_column(label: str, page: str):
    """A table column of record URLs that shows the ID and opens the record."""
    return st.column_config.LinkColumn(label, display_text=rf"{RECORD_PARAM[page]}=([^&]*)")


def record_link(page: str, value: str, label: str | None = None) -> None:
    """A link to one contact or license record (same tab, same session)."""
    st.page_link(page, label=label or str(value), query_params={RECORD_PARAM[page]: str(value)},
                 icon=":material/person:" if page == CONTACT_PAGE else ":material/badge:")


def record_id_or_ask(page: str, label: str, *, placeholder: str | None = None,
                     help: str | None = None, upper: bool = False) -> str:
    """The record id in the URL (``?contact=`` / ``?license=``); without one, ask for it and stop."""
    param = RECORD_PARAM[page]
    value = (st.query_params.get(param) or "").strip()
    if value:
        return value
    typed = st.text_input(label, key=f"{param}_open", placeholder=placeholder, help=help)
    if st.button("Open", key=f"{param}_open_go") and typed.strip():
        st.query_params[param] = typed.strip().upper() if upper else typed.strip()
        st.rerun()
    st.stop()


def record_id_or_search(page: str, label: str, search: Callable[[str], dict[str, str]], *,
                        placeholder: str | None = None, upper: bool = False) -> str:
    """Issue 18: the record id in the URL; without one, find the record by name, email or
    employee ID (``search``: text -> {id: label}) or by its ID typed in full, and stop."""
    param = RECORD_PARAM[page]
    value = (st.query_params.get(param) or "").strip()
    if value:
        return value
    typed = st.text_input(label, key=f"{param}_open", placeholder=placeholder).strip()
    found = search(typed) if typed else {}
    pick = None
    if found:
        ids = list(found)
        pick = st.selectbox(f"{len(ids)} match(es)" + (" (the first 50)" if len(ids) >= 50
                                                         else ""),
                            ids, index=0 if len(ids) == 1 else None, key=f"{param}_pick",
                            format_func=found.get, placeholder="Choose one")
    elif typed:
        st.caption("Nobody matches by name, email or employee ID: **Open** tries it as an ID.")
    if st.button("Open", key=f"{param}_open_go") and typed:
        st.query_params[param] = pick or (typed.upper() if upper else typed)
        st.rerun()
    st.stop()


def load_record_or_stop(load: Callable[[], object], what: str):
    """Load a record the person may see; 'not found' (A1: nothing about a record they may not
    see) or an EcommError is shown and the page stops."""
    from ecomm.errors import NotFound

    try:
        return load()
    except NotFound:
        st.info(f"{what} was not found among the records you can see. Check it, or ask the "
                "campus's eComm specialist or the System team.", icon=":material/search_off:")
    except EcommError as exc:
        show_error(exc)
    st.stop()


def start_request(contact_id: str, campus: str | None = None) -> None:
    """Carry a contact (and campus) into the New request form and open it."""
    st.session_state[START_REQUEST_KEY] = {"contact_id": contact_id, "campus": campus}
    st.switch_page(REQUEST_FORM_PAGE)


def md(text: str) -> str:
    """Text safe for markdown: '$' would start a formula."""
    return str(text).replace("$", "\\$")


def rule_line(result) -> str:
    """One rule's verdict as a ticked (✓) or failed (✗) markdown line, fix named."""
    mark = ":green[✓]" if result.passed else (
        ":orange[⚠]" if result.severity == "warning" else ":red[✗]")
    return f"{mark} **{result.rule}** {md(result.message)}"


def show_confirmation(conf) -> None:
    """A submitted request (ecomm.requests.Confirmation): id, license record, cycle, cost,
    what happens when, and P13 warnings."""
    from ecomm.requests.timing import money

    st.success(md(conf.message), icon=":material/check_circle:")
    st.markdown(f"**Request ID:** `{conf.request_id}` · status **{conf.status}**")
    if conf.license_number:
        record_link(LICENSE_PAGE, conf.license_number,
                    f"License record {conf.license_number}"
                    + (" (opened for this request)" if conf.license_created else ""))
    if conf.cycle:
        st.markdown(f"**Cycle {conf.cycle}**: cutoff {conf.cutoff}, processing from "
                    f"{conf.processing_starts}"
                    + (f", credentials on {conf.credentials_date}" if conf.credentials_date
                       and conf.kind == "provision" else "") + ".")
    if conf.kind == "provision" and conf.per_application:
        st.markdown("**Transfer or net new (P10), per application**")
        for line in conf.per_application:
            st.markdown(f"- {md(line)}")
    if conf.kind == "provision" or (conf.kind == "change" and conf.cost_note):  # P15 upgrade
        st.markdown("**What it costs your campus this fiscal year**")
        if conf.cost_lines:
            st.dataframe(pd.DataFrame([{
                "application": c.application, "monthly rate": money(c.monthly_rate),
                "months": c.months, "amount": money(c.amount), "note": c.note or ""}
                for c in conf.cost_lines]), hide_index=True, width="stretch")
            st.markdown(f"**Total FY{conf.fiscal_year}: {md(money(conf.cost_total))}**")
        st.info(md(conf.cost_note), icon=":material/payments:")
    for effect in conf.effects:
        st.markdown(f"- {md(effect)}")
    for warning in conf.warnings:
        st.warning(md(warning), icon=":material/warning:")
