"""Issue 18 (speed): ``ui.record_urls`` makes a column of record links from one template and
gives, value by value, the URL ``ui.record_url`` gives (the development sign-in riding along)."""
from __future__ import annotations

import math

import pytest
import streamlit as st

from ecomm import ui
from ecomm.ui import links

VALUES = ["LN-0042", "C-00012", "with space", "a&b=c", "é", "x/y?z#", "", "   ", None,
          math.nan, 17]


@pytest.mark.parametrize("signed_in", [None, "sam.system@cu.edu", "o'neil+test@cu.edu"])
@pytest.mark.parametrize("page", [ui.LICENSE_PAGE, ui.CONTACT_PAGE])
def test_record_urls_equal_record_url_value_by_value(page, signed_in, monkeypatch):
    monkeypatch.setattr(links, "oidc_configured", lambda: False)
    st.session_state.pop(ui.DEV_EMAIL_KEY, None)
    if signed_in:
        st.session_state[ui.DEV_EMAIL_KEY] = signed_in
    try:
        expected = [ui.record_url(page, v) for v in VALUES]
        assert ui.record_urls(page, VALUES) == expected
        assert expected[0].startswith(f"{ui.RECORD_PARAM[page]}?{ui.RECORD_PARAM[page]}=LN-0042")
        assert ("as=" in expected[0]) == bool(signed_in)
        assert expected[6:10] == [None] * 4
    finally:
        st.session_state.pop(ui.DEV_EMAIL_KEY, None)


def test_record_urls_leave_the_sign_in_out_with_real_sign_in(monkeypatch):
    monkeypatch.setattr(links, "oidc_configured", lambda: True)
    st.session_state[ui.DEV_EMAIL_KEY] = "sam.system@cu.edu"
    try:
        assert ui.record_urls(ui.LICENSE_PAGE, ["LN-1"]) == ["license?license=LN-1"]
    finally:
        st.session_state.pop(ui.DEV_EMAIL_KEY, None)
