"""Messages (System team, A2): the outbox (unsent / sent), reading a message, its .eml download,
marking messages sent by hand, "Send now" when SMTP is configured, queueing today's compliance
messages (Q1-Q3, each once), and the template editor."""
from functools import partial

import pandas as pd
import streamlit as st

from ecomm import clock, ui
from ecomm.errors import EcommError
from ecomm.notifications.actions import (queue_compliance_messages, queued_sentence, send_now,
                                         smtp_status)
from ecomm.notifications import actions as msg_actions
from ecomm.notifications.outbox import eml_filename, to_eml
from ecomm.notifications.templates import TEMPLATES
from ecomm.notifications.work import queue_daily_digests

store, user = ui.page()

STATUSES = {"pending": "Unsent", "sent": "Sent", "failed": "Failed (unsent, with an error)",
            "superseded": "Superseded (never sent)", "all": "All"}
CATCH_UP = ("Missed days (Q1, Q3): queue the compliance messages every business day. When a day "
            "is missed (a weekend, a holiday, an outage), the next run sends a missed reminder "
            "once, and only while it is still the person's current stage: a first run on day 31 "
            "sends the day-30 quiz reminder, not the day-14 one as well; from day 60 only the "
            "overdue warning goes, never a quiz reminder; once a course is out of date only the "
            "non-compliant notice goes. An unsent message whose stage a later one replaced (or "
            "whose quiz was passed) is superseded: it is never sent.")
NONCE_KEY = "msg_nonce"


attempt = partial(ui.attempt, nonce_key=NONCE_KEY)  # a change starts the table's selection afresh


st.title("Messages")
try:
    configured, how = smtp_status(store)
    smtp = msg_actions.smtp_settings(store)
    messages = msg_actions.list_outbox(store, user, st.session_state.get("msg_status", "pending"))
except EcommError as exc:  # A2: only the System team gets here
    ui.show_error(exc)
    st.stop()

tab_outbox, tab_templates = st.tabs(["Outbox", "Templates"])

# -- the outbox -----------------------------------------------------------------------------
with tab_outbox:
    (st.success if configured else st.info)(
        ("SMTP is configured. " if configured else "") + how, icon=":material/mail:")
    st.page_link("app_pages/admin.py", label="Admin > Settings (smtp_*)",
                 icon=":material/admin_panel_settings:")
    c1, c2 = st.columns(2)
    today = ui.today()
    if c1.button("Queue today's compliance messages", key="msg_queue",
                 help="Q1 quiz reminders and 60-day warnings, Q2 six-month warnings, Q3 course "
                      "reminders: each message is queued once."):
        attempt(lambda: queue_compliance_messages(store, user, today),
                lambda n: queued_sentence(n, today))
    if c1.button("Queue today's digests", key="msg_digest",
                 help="Issue 18: one 'My work' message per person with work due within a week "
                      "(or overdue); each person gets one per day."):
        attempt(lambda: queue_daily_digests(store, user, today),
                lambda n: f"Queued {n} daily digest(s) for {today.isoformat()}." if n else
                f"No new digest for {today.isoformat()}: nobody has work due, or it was queued.")
    if c2.button("Send now", key="msg_send", disabled=not configured, type="primary",
                 help=None if configured else "Set smtp_host under Admin > Settings first."):
        attempt(lambda: send_now(store, user),
                lambda r: f"Sent {r.sent} message(s); {r.pending} still unsent.")
    st.caption(CATCH_UP)

    status = st.radio("Show", list(STATUSES), format_func=STATUSES.get, horizontal=True,
                      key="msg_status")
    frame = pd.DataFrame([{
        "id": m.message_id, "queued": clock.format_datetime(m.created_at),
        "message": TEMPLATES[m.template_key].title if m.template_key in TEMPLATES
        else m.template_key, "to": ", ".join(m.to_addrs), "cc": ", ".join(m.cc_addrs),
        "subject": m.subject, "status": m.status,
        "sent": clock.format_datetime(m.sent_at) if m.sent_at else "", "error": m.error or ""}
        for m in messages], columns=["id", "queued", "message", "to", "cc", "subject", "status",
                                     "sent", "error"])
    st.caption(f"{len(frame)} message(s), newest first.")
    nonce = st.session_state.get(NONCE_KEY, 0)
    event = st.dataframe(frame, hide_index=True, width="stretch", on_select="rerun",
                         selection_mode="multi-row", key=f"msg_table_{nonce}")
    picked = [messages[i] for i in event.selection.rows if 0 <= i < len(messages)]
    unsent = [m.message_id for m in picked if m.status in ("pending", "failed")]
    if st.button(f"Mark the selected as sent by hand ({len(unsent)})", disabled=not unsent,
                 key="msg_mark_selected",
                 help="After sending the downloaded .eml files yourself."):
        attempt(lambda: msg_actions.mark_sent_by_hand(store, unsent, user),
                lambda n: f"Marked {n} message(s) as sent by hand.")

    st.subheader("Read a message")
    by_id = {m.message_id: m for m in messages}
    default = picked[0].message_id if picked else None
    chosen = st.selectbox("Message", list(by_id), index=None if default is None else
                          list(by_id).index(default), placeholder="Choose a message",
                          format_func=lambda i: f"{i} · {by_id[i].subject}", key="msg_read")
    if chosen is not None:
        m = msg_actions.get_message(store, chosen, user)
        st.markdown(f"**To:** {', '.join(m.to_addrs)}  \n"
                    + (f"**Cc:** {', '.join(m.cc_addrs)}  \n" if m.cc_addrs else "")
                    + f"**Subject:** {ui.md(m.subject)}  \n**Status:** {m.status}"
                    + (f" ({clock.format_datetime(m.sent_at)})" if m.sent_at else "")
                    + (f"  \n**Error:** {ui.md(m.error)}" if m.error else ""))
        st.text(m.body)
        try:
            eml = to_eml(m, smtp.from_addr or None)
        except EcommError as exc:  # an address that is not one: no .eml, say why
            ui.show_error(exc)
        else:
            ui.download_bytes(eml, eml_filename(m), "Download as .eml (opens as a draft to send)",
                              "message/rfc822", key=f"msg_eml_{m.message_id}")
        if m.superseded:
            st.caption("Superseded: a later message of the same series replaced it (or the "
                       "quiz was passed); it is not sent.")
        elif m.sent_at is None and st.button("Mark this message sent by hand",
                                           key="msg_mark_one"):
            attempt(lambda: msg_actions.mark_sent_by_hand(store, [m.message_id], user),
                    f"Message {m.message_id} marked as sent by hand.")

# -- templates ------------------------------------------------------------------------------
with tab_templates:
    templates = {t["key"]: t for t in msg_actions.list_templates(store)}
    key = st.selectbox("Template", list(templates), format_func=lambda k: templates[k]["title"],
                       key="msg_tpl_pick")
    t = templates[key]
    st.caption(f"Sent to: {t['recipients']}"
               + (f" · last changed by {t['updated_by']} on {clock.format_datetime(t['updated_at'])}"
                  if t["updated_at"] else " · default wording"))
    st.markdown("**Placeholders** (write `$name` or `${name}`; `$$` for a dollar sign)")
    st.dataframe(pd.DataFrame([{"placeholder": f"${p}", "holds": what}
                               for p, what in t["placeholders"].items()]),
                 hide_index=True, width="stretch")
    with st.form(f"msg_tpl_form_{key}"):
        subject = st.text_input("Subject", value=t["subject"], key=f"msg_tpl_subject_{key}")
        body = st.text_area("Message text", value=t["body"], height=320,
                            key=f"msg_tpl_body_{key}")
        if st.form_submit_button("Save template", type="primary", key="msg_tpl_save"):
            attempt(lambda: msg_actions.update_template(store, key, subject, body, user),
                    f"Saved the template: {t['title']}.")
