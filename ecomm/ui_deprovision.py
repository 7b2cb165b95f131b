"""The one "deprovision the selected rows" widget (issue 18), used by the Dashboard's panels and
the Compliance lists: a reason, the button, then an inline confirmation (not an st.dialog: its
buttons are kept in session state, so the same steps run in AppTest and in the browser) naming
what goes at once (Salesforce, C4: cannot be undone) and what waits for the batch, with counts;
license records already requested are left out (P7) and said so. The result is shown above the
table after the rerun; the table's key takes ``nonce()`` so a fresh table has no stale selection.

Like ecomm/ui.py, a Streamlit helper: the logic is in ecomm.deprovision_confirm and
ecomm.compliance_actions."""
from __future__ import annotations

from typing import Callable

import streamlit as st

from ecomm import ui
from ecomm.compliance_actions import DeprovisionItem, request_deprovisioning
from ecomm.deprovision_confirm import preview
from ecomm.errors import EcommError

RESULT_KEY, NONCE_KEY, CONFIRM_KEY = "_deprov_result", "_deprov_nonce", "_deprov_confirm"
SHOWN_SKIPPED = 20


def nonce() -> int:
    """Part of a selectable table's key: changes after each deprovisioning (no stale rows)."""
    return st.session_state.get(NONCE_KEY, 0)


def show_result(key: str) -> None:
    """The outcome of the last deprovisioning from this table (kept across the rerun)."""
    held = st.session_state.get(RESULT_KEY)
    if not held or held[0] != key:
        return
    result, skipped = held[1], held[2]
    (st.success if result.created else st.warning)(ui.md(result.summary),
                                                   icon=":material/task_alt:")
    for item in result.created:
        ui.record_link(ui.LICENSE_PAGE, item.license_number,
                       f"{item.request_id}: {item.license_number} "
                       f"({', '.join(item.applications)})")
    for item in result.refused:
        st.error(ui.md(item.sentence()), icon=":material/block:")
    if skipped:
        st.info(ui.md(f"Not requested again: {len(skipped)} license record(s) already requested "
                      "or holding nothing to remove."), icon=":material/info:")


def _signature(items: list[DeprovisionItem]) -> tuple:
    return tuple((i.license_number, None if i.applications is None else tuple(i.applications))
                 for i in items)


def deprovision_selected(store, user, *, key: str, rows: int,
                         make_items: Callable[[str], list[DeprovisionItem]], default_reason: str,
                         ask_key: str, reason_key: str) -> None:
    """Q1-Q4 to C4: the reason, "Request deprovisioning for the selected (n)", and the
    confirmation before anything is submitted. ``rows``: how many table rows are selected;
    ``make_items(reason)``: their items (one per license record)."""
    reason = st.text_input("Reason (kept on each request)", value=default_reason, key=reason_key)
    items = make_items(reason) if rows else []
    if rows:
        names = ", ".join(i.license_number for i in items[:10]) + (", ..." if len(items) > 10
                                                                    else "")
        st.caption(f"{rows} row(s) selected: {len(items)} license record(s), {names}.")
    else:
        st.caption("Select rows in the table (the boxes on the left) to request their "
                   "deprovisioning.")
    asked = st.session_state.get(CONFIRM_KEY)
    if not (items and asked == (key, _signature(items))):
        if st.button(f"Request deprovisioning for the selected ({len(items)})", type="primary",
                     disabled=not items, key=ask_key):
            st.session_state[CONFIRM_KEY] = (key, _signature(items))
            st.rerun()
        return
    _confirm(store, user, key, items)


def _confirm(store, user, key: str, items: list[DeprovisionItem]) -> None:
    """The confirmation: what goes at once, what waits, what is left out; Yes or Cancel."""
    now = ui.now_utc()
    try:
        plan = preview(store, items, now_utc=now)
    except EcommError as exc:
        ui.show_error(exc)
        return
    with st.container(border=True, key=f"deprov_confirm_{key}"):
        n = len(plan.submit)
        st.markdown(f"**Deprovision {n} license record(s)?** Each becomes its own request "
                    "through the usual rules; one refused does not stop the others."
                    if n else "**Nothing new to request** for the selected rows.")
        for line in plan.lines():
            st.markdown(f"- {ui.md(line)}")
        for sentence in plan.skipped[:SHOWN_SKIPPED]:
            st.caption(ui.md(sentence))
        if len(plan.skipped) > SHOWN_SKIPPED:
            st.caption(f"... and {len(plan.skipped) - SHOWN_SKIPPED} more left out.")
        with st.container(horizontal=True):
            yes = st.button(f"Yes, deprovision {n} license record(s)", type="primary",
                            disabled=not n, key=f"deprov_yes_{key}")
            no = st.button("Cancel", key=f"deprov_cancel_{key}")
    if no:
        st.session_state.pop(CONFIRM_KEY, None)
        st.rerun()
    if yes:
        try:
            result = request_deprovisioning(store, user, plan.submit, now_utc=now)
        except EcommError as exc:
            ui.show_error(exc)
            return
        st.session_state.pop(CONFIRM_KEY, None)
        st.session_state[RESULT_KEY] = (key, result, plan.skipped)
        st.session_state[NONCE_KEY] = nonce() + 1  # a fresh table: no stale selection
        ui.clear_caches()
        st.rerun()
