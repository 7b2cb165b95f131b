"""Messages page (System team, A2): the outbox of queued messages, reading one with its .eml
download, marking messages sent by hand, SMTP status, queueing today's compliance messages
(each once), and the template editor refusing unknown placeholders."""
from __future__ import annotations

import pytest

from ecomm.notifications.compliance import queue_compliance_notifications
from ecomm.policy import Policy
from tests.apptest.compliance_page_seed import compliance_db  # noqa: F401
from tests.apptest.conftest import BOULDER, SYSTEM, TODAY, texts
from tests.apptest.pages_helpers import errors, ok, open_page

PAGE = "app_pages/notifications.py"


def outbox_ids(store, where: str = "TRUE") -> list[int]:
    return [r[0] for r in store.query(
        f"SELECT message_id FROM outbox WHERE {where} ORDER BY message_id DESC")]


def success(at) -> str:
    return " ".join(s.value for s in at.success)


def queued(store) -> list[int]:
    queue_compliance_notifications(store, TODAY, Policy())
    return outbox_ids(store)


def outbox_table(at):
    return next(d for d in at.dataframe if "subject" in d.value.columns).value


def test_the_outbox_lists_queued_messages_and_offers_each_as_eml(compliance_db):
    ids = queued(compliance_db)
    assert ids
    at = open_page(SYSTEM, PAGE)
    frame = outbox_table(at)
    assert list(frame["id"]) == ids  # newest first, all unsent
    assert set(frame["status"]) == {"pending"}
    assert any("Reminder 1 of 4" in s for s in frame["subject"])
    reminder = compliance_db.query_one(
        "SELECT message_id, subject, body FROM outbox WHERE template_key = 'quiz_reminder'")
    ok(at.selectbox(key="msg_read").select(reminder[0]).run())
    assert "c-remind@colorado.edu" in texts(at) and reminder[1] in texts(at)
    assert reminder[2].strip() in [t.value.strip() for t in at.text]
    button = at.download_button(key=f"msg_eml_{reminder[0]}")
    assert button.label.startswith("Download as .eml")


def test_smtp_not_configured_says_where_to_set_it_and_send_now_is_disabled(compliance_db):
    at = open_page(SYSTEM, PAGE)
    assert "No mail server is configured" in texts(at)
    assert "smtp_host" in texts(at) and "Admin > Settings" in texts(at)
    assert at.button(key="msg_send").disabled


def test_smtp_configured_is_shown_and_send_now_is_offered(compliance_db):
    compliance_db.write(lambda cur: cur.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES ('smtp_host', '\"mail.cu.edu\"')"))
    at = open_page(SYSTEM, PAGE)
    assert "SMTP is configured. Mail server mail.cu.edu:25" in success(at)
    assert not at.button(key="msg_send").disabled


def test_queue_todays_compliance_messages_twice_the_second_adds_none(compliance_db):
    at = open_page(SYSTEM, PAGE)
    assert outbox_ids(compliance_db) == []
    ok(at.button(key="msg_queue").click().run())
    n = len(outbox_ids(compliance_db))
    assert n > 0
    assert f"Queued {n} compliance message(s) due on 2026-11-23." in success(at)
    assert len(outbox_table(at)) == n  # listed at once
    ok(at.button(key="msg_queue").click().run())
    assert len(outbox_ids(compliance_db)) == n
    assert "No new compliance message for 2026-11-23" in success(at)
    assert "running it again adds none" in success(at)


def test_mark_a_message_sent_by_hand_then_it_is_listed_as_sent(compliance_db):
    first, *rest = queued(compliance_db)
    at = open_page(SYSTEM, PAGE)
    ok(at.selectbox(key="msg_read").select(first).run())
    ok(at.button(key="msg_mark_one").click().run())
    assert outbox_ids(compliance_db, "sent_at IS NOT NULL") == [first]
    assert f"Message {first} marked as sent by hand." in success(at)
    assert list(outbox_table(at)["id"]) == rest
    ok(at.radio(key="msg_status").set_value("sent").run())
    assert list(outbox_table(at)["id"]) == [first]


def test_mark_the_selected_rows_sent_by_hand(compliance_db):
    ids = queued(compliance_db)
    at = open_page(SYSTEM, PAGE)
    table = next(d for d in at.dataframe if d.key and d.key.startswith("msg_table"))
    at.session_state[table.key] = {"selection": {"rows": [0, 1], "columns": []}}
    ok(at.run())
    ok(at.button(key="msg_mark_selected").click().run())
    assert outbox_ids(compliance_db, "sent_at IS NOT NULL") == ids[:2]
    assert "Marked 2 message(s) as sent by hand." in success(at)


def test_template_edit_refuses_an_unknown_placeholder_and_saves_a_good_one(compliance_db):
    at = open_page(SYSTEM, PAGE)
    ok(at.selectbox(key="msg_tpl_pick").select("quiz_reminder").run())
    placeholders = next(d for d in at.dataframe if "placeholder" in d.value.columns).value
    assert "$days_left" in list(placeholders["placeholder"])
    at.text_input(key="msg_tpl_subject_quiz_reminder").input("Quiz due $deadline_day")
    ok(at.button(key="msg_tpl_save").click().run())
    assert "The message template was not saved." in errors(at)
    assert "$deadline_day, which this message does not have" in errors(at)
    assert compliance_db.query("SELECT key FROM message_templates WHERE updated_by = ?",
                               [SYSTEM]) == []

    at.text_input(key="msg_tpl_subject_quiz_reminder").input(
        "Quiz reminder $reminder_number: $days_left days left")
    ok(at.button(key="msg_tpl_save").click().run())
    assert "Saved the template" in success(at)
    assert compliance_db.query_one(
        "SELECT subject, updated_by FROM message_templates WHERE key = 'quiz_reminder'") == (
        "Quiz reminder $reminder_number: $days_left days left", SYSTEM)


def test_a2_the_messages_page_is_the_system_teams(compliance_db):
    at = open_page(SYSTEM, PAGE)
    assert [t.label for t in at.tabs] == ["Outbox", "Templates"]
    with pytest.raises(ValueError):
        open_page(BOULDER, PAGE)


def test_q1_catch_up_policy_is_stated_and_a_superseded_reminder_is_listed_apart(compliance_db):
    from datetime import timedelta

    from ecomm.notifications import catchup
    from ecomm.notifications import templates as t
    from ecomm.notifications.models import NewMessage
    from ecomm.storage import notifications as sn

    # a reminder waits unsent, then the same person's next stage is queued
    prov = TODAY - timedelta(days=30)
    compliance_db.write(lambda cur: sn.queue_messages(cur, [
        NewMessage(template_key=t.QUIZ_REMINDER, to=["ada@colorado.edu"],
                   dedup_key=catchup.quiz_reminder_key("LN-0777", prov, d)) for d in (14, 30)]))
    at = open_page(SYSTEM, PAGE)
    assert "the next run sends a missed reminder once" in texts(at)
    assert "from day 60 only the overdue warning goes" in texts(at)
    old, new = (compliance_db.query_value("SELECT message_id FROM outbox WHERE dedup_key = ?",
                                          [catchup.quiz_reminder_key("LN-0777", prov, d)])
                for d in (14, 30))
    assert new in list(outbox_table(at)["id"]) and old not in list(outbox_table(at)["id"])
    ok(at.radio(key="msg_status").set_value("superseded").run())
    frame = outbox_table(at)
    assert list(frame["id"]) == [old] and list(frame["status"]) == ["superseded"]


def test_a_message_with_a_bad_address_is_shown_with_why_not_a_traceback(compliance_db):
    """Issue 14 item 4: an outbox row whose To holds a line break (imported before emails were
    checked) is read with a sentence instead of its .eml; the page does not break."""
    from ecomm.notifications import templates as tpl
    from ecomm.storage import notifications as sn

    compliance_db.write(lambda cur: sn.queue_message(
        cur, tpl.QUIZ_REMINDER, "bad", ["x@cuanschutz.edu\r\nBcc: attacker@evil.example"], [],
        {"first_name": "Ada", "reminder_number": 1, "reminder_count": 4}))
    bad = outbox_ids(compliance_db, "dedup_key = 'bad'")[0]
    at = open_page(SYSTEM, PAGE)
    ok(at.selectbox(key="msg_read").select(bad).run())
    assert "not an email address" in errors(at)
    assert not [b for b in at.get("download_button") if b.key == f"msg_eml_{bad}"]
