"""One invoice on screen (B8), as the Billing page (System team) and the Invoices page (a
campus's specialist, managers) both show it: what it is, its status line, a demo-rate warning,
the invoice it corrects, its lines and its history (A4)."""
from __future__ import annotations

import streamlit as st

from ecomm.billing import frames, invoice_marks, workflow
from ecomm.identity import Identity
from ecomm.storage import Store
from ecomm.ui.confirmation import md


def shown_invoice(inv) -> tuple:
    """What ``show_invoice`` draws, made once: the head without its lines, the total, the number
    of lines and the lines table (a campus's July invoice has thousands of lines: a page caches
    this rather than the line models)."""
    return inv.model_copy(update={"lines": []}), inv.total, len(inv.lines), frames.lines_frame(inv)


def show_invoice(store: Store, user: Identity, inv, *, status: str, key: str,
                 shown: tuple | None = None) -> None:
    """Draw invoice ``inv``; ``status`` is its status as the page words it, ``key`` the page's
    widget-key prefix; ``shown`` what ``shown_invoice`` made, when the page cached it."""
    inv, total, n_lines, lines = shown if shown is not None else shown_invoice(inv)
    st.subheader(workflow.describe(inv))
    st.markdown(md(
        f"**Status:** {status} · **as of** {inv.as_of.isoformat()} · "
        f"**campus billing speedtype** {inv.campus_speedtype or '(none)'}"
        + (f" · other speedtypes on records: {', '.join(inv.other_campus_speedtypes)}"
           if inv.other_campus_speedtypes else "")
        + f" · **{n_lines} license(s)** · **total** {frames.dollars(total)}"))
    demo_note = invoice_marks.demo_rates_note(store, inv.fiscal_year)
    if demo_note:
        st.warning(demo_note, icon=":material/science:")
    if inv.corrects_invoice_id:
        st.info(md(f"Corrects {inv.corrects_invoice_id}: {inv.note or ''}"))
    st.dataframe(lines, hide_index=True, width="stretch",
                 key=f"{key}_lines_{inv.invoice_id}")
    with st.expander("History (B8, A4)"):
        st.dataframe(frames.events_frame(workflow.history(store, user, inv.invoice_id)),
                     hide_index=True, width="stretch", key=f"{key}_events_{inv.invoice_id}")
