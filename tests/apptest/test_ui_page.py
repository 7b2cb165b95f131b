"""ui.page() (every page's prologue) and ui.attempt() (every page's way to run a change), driven
through AppTest on a real database with the development sign-in."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.apptest.conftest import BOULDER, SYSTEM


def page_script():
    import streamlit as st

    from ecomm import ui

    store, user = ui.page(ui.SYSTEM, "A2: only the CU System eComm team opens this page.")
    st.markdown(f"Hello {user.email} on {store.path.name}")


def attempt_script():
    import streamlit as st

    from ecomm import ui
    from ecomm.errors import EcommError

    def refuse():
        raise EcommError("P14: not yet.", ["pass the quiz"])

    store, user = ui.page()
    st.markdown(f"nonce {st.session_state.get('t_nonce', 0)}")
    if st.button("good", key="good"):
        ui.attempt(lambda: 41 + 1, lambda n: f"Saved {n} things.", nonce_key="t_nonce")
    if st.button("bad", key="bad"):
        ui.attempt(refuse, "never shown", nonce_key="t_nonce")


def run(script, email: str | None) -> AppTest:
    at = AppTest.from_function(script, default_timeout=30)
    if email:
        at.query_params["as"] = email
    at.run()
    assert not at.exception, at.exception
    return at


def test_a2_page_refuses_another_role_with_its_sentence_and_stops(app_store):
    at = run(page_script, BOULDER)
    assert [e.value for e in at.error] == ["A2: only the CU System eComm team opens this page."]
    assert not at.markdown


def test_page_gives_the_store_and_the_signed_in_person(app_store):
    at = run(page_script, SYSTEM)
    assert not at.error
    assert [m.value for m in at.markdown] == [f"Hello {SYSTEM} on app.duckdb"]


def test_page_stops_when_nobody_is_signed_in(app_store):
    at = run(page_script, None)
    assert not at.error and not at.markdown


def test_attempt_confirms_a_success_once_and_starts_the_nonce_afresh(app_store):
    at = run(attempt_script, SYSTEM)
    at.button(key="good").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Saved 42 things."]   # the flash, after the rerun
    assert "nonce 1" in [m.value for m in at.markdown]
    at.run()
    assert not at.success   # shown once


def test_attempt_shows_a_refusal_as_its_sentence_and_changes_nothing(app_store):
    at = run(attempt_script, SYSTEM)
    at.button(key="bad").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == ["P14: not yet.\n\n- pass the quiz"]
    assert not at.success
    assert "nonce 0" in [m.value for m in at.markdown]
