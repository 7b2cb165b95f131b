"""What every page does first and the one way a page runs a change.

``page()`` is the prologue of every page: the Store, the signed-in person (the page stops when
nobody is: app.py has shown the sign-in page), the role check of pages for some roles only
(A2, A3: the refusal is said and the page stops) and the confirmation the previous run left.
``attempt()`` runs a service call: on success the caches are cleared and the page redraws with
the confirmation; a refusal (EcommError) is shown as its sentence.
"""
from __future__ import annotations

from typing import Any, Callable, Collection

import streamlit as st

from ecomm import clock
from ecomm.errors import EcommError
from ecomm.identity import Identity
from ecomm.storage import Store
from ecomm.ui.database import get_store
from ecomm.ui.messages import done, show_error, show_flash
from ecomm.ui.signin import current_user


def page(roles: Collection[str] | None = None, refusal: str | None = None
         ) -> tuple[Store, Identity]:
    """(store, user) for a page. Stops the page when nobody is signed in, or when ``roles`` is
    given and the person's role is not among them (``refusal`` says why, naming the rule)."""
    store = get_store()
    user = current_user()
    if user is None:
        st.stop()
    if roles is not None and user.role not in roles:
        st.error(refusal or "A1-A3: this page is not for your role.")
        st.stop()
    show_flash()
    return store, user


def attempt(fn: Callable[[], Any], success: str | Callable[[Any], str], *,
            nonce_key: str | None = None) -> None:
    """Run a service call. On success: bump ``nonce_key`` in the session (keyed widgets such as
    table selections start afresh), clear the caches and redraw with ``success`` (or
    ``success(result)``). On an EcommError: show its sentence and carry on."""
    try:
        result = fn()
    except EcommError as exc:
        show_error(exc)
    else:
        if nonce_key is not None:
            st.session_state[nonce_key] = st.session_state.get(nonce_key, 0) + 1
        done(success(result) if callable(success) else success)


def today():
    """Today in America/Denver (the edge where the app asks the clock)."""
    return clock.today_denver()


def now_utc():
    """Now as naive UTC (the edge where requests get their submission time)."""
    return clock.now_utc()
