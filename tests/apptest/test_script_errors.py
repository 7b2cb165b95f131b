"""Issue 19: an uncaught exception on a page is logged with the page and the person (the
traceback in the server's log), and the page shows a short apology with a reference, never a
traceback. st.App passes such exceptions to ecomm.server.errors.on_script_error (app.py);
AppTest runs scripts without st.App, so the script here hands its exception to the handler
the way Streamlit's script runner does (handler True: no exception box)."""
from __future__ import annotations

import logging
import re

from streamlit.testing.v1 import AppTest


def _page_that_breaks():
    import streamlit as st

    from ecomm.server.errors import on_script_error

    st.query_params["as"] = "sam.system@cu.edu"
    try:
        {}["no such key"]
    except KeyError as exc:
        if not on_script_error(exc):
            raise


def test_an_uncaught_error_is_logged_and_the_page_apologises(caplog):
    at = AppTest.from_function(_page_that_breaks, default_timeout=30)
    with caplog.at_level(logging.ERROR, logger="ecomm.errors"):
        at.run()
    assert not at.exception  # no traceback on the page
    [shown] = [e.value for e in at.error]
    assert shown.startswith("Sorry, something went wrong on this page.")
    assert "Traceback" not in shown and "KeyError" not in shown
    reference = re.search(r"reference \*\*([0-9A-F]{8})\*\*", shown).group(1)
    [record] = [r for r in caplog.records if r.name == "ecomm.errors"]
    assert reference in record.getMessage()
    assert "for sam.system@cu.edu" in record.getMessage() and "on page" in record.getMessage()
    assert record.exc_info and record.exc_info[0] is KeyError  # the traceback goes to the log


def test_app_py_hands_page_errors_to_the_handler():
    """The served app (`streamlit run app.py`) is the st.App of app.py with this handler."""
    import ast
    from pathlib import Path

    tree = ast.parse((Path(__file__).resolve().parents[2] / "app.py").read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and getattr(n.func, "attr", None) == "App"]
    [call] = calls
    assert {k.arg: ast.unparse(k.value) for k in call.keywords}["on_script_error"] == \
        "errors.on_script_error"
