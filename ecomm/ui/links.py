"""Links to contact and license records, opening a record from the URL or a search, and
carrying a contact into the New request form.

Contact and license records open by URL query parameter on their page's url_path
(`contact?contact=C-00012`, `license?license=LN-0042`): st.page_link for one link,
column_config.LinkColumn in tables (a new tab, so the development sign-in rides along).
"""
from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

from ecomm.errors import EcommError
from ecomm.ui.messages import show_error
from ecomm.ui.signin import DEV_EMAIL_KEY, oidc_configured

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
    """``record_url`` for a whole column: the URL is made once from a template (the session
    and secrets read once, not per row) and each value put in its place, quoted only when
    ``urlencode`` would change it. Same URLs as ``record_url``, value by value."""
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
