"""Messages on screen: the confirmation after a change (flash), errors as sentences, what a
role cannot do, and clearing the cached queries after every write."""
from __future__ import annotations

import streamlit as st

from ecomm.errors import EcommError
from ecomm.identity import Identity

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
