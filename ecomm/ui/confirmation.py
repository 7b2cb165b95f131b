"""A request's outcome on screen: rule ticks (✓/✗) and the confirmation after submitting."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ecomm.ui.links import LICENSE_PAGE, record_link

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
