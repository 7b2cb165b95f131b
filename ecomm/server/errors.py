"""``on_script_error``: an uncaught exception on a page is logged with the page and the person
(the traceback goes to the server's log, never to the screen); the page shows a short apology
with a reference that finds the log entry."""
from __future__ import annotations

import logging
import secrets

import streamlit as st

log = logging.getLogger("ecomm.errors")


def _page() -> str:
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

        ctx = get_script_run_ctx()
        if ctx is None:
            return "?"
        info = ctx.pages_manager.get_pages().get(ctx.page_script_hash, {})
        return str(info.get("page_name") or info.get("script_path") or ctx.page_script_hash)
    except Exception:  # noqa: BLE001 - the log line must be written whatever happens
        return "?"


def _user() -> str:
    try:
        from ecomm import ui

        return ui.signed_in_email() or "(not signed in)"
    except Exception:  # noqa: BLE001
        return "?"


def apology(reference: str) -> str:
    return (f"Sorry, something went wrong on this page. Please try again; if it happens again, "
            f"tell the CU System eComm team the reference **{reference}**.")


def on_script_error(exc: BaseException) -> bool:
    """Log the error with its page, person and a reference; show the apology instead of the
    traceback (True: Streamlit shows no exception box)."""
    reference = secrets.token_hex(4).upper()
    log.error("uncaught error %s on page %s for %s", reference, _page(), _user(),
              exc_info=(type(exc), exc, exc.__traceback__))
    try:
        st.error(apology(reference), icon=":material/error:")
    except Exception:  # noqa: BLE001 - outside a page run there is nothing to show
        pass
    return True
