"""Message templates: default wording, placeholders, rendering, checks on edits, .eml output."""
from __future__ import annotations

from datetime import date, datetime
from email import policy as email_policy
from email.parser import BytesParser
from string import Template

import pytest

from ecomm.notifications import templates as t
from ecomm.notifications.models import OutboxMessage
from ecomm.notifications.outbox import to_eml

SOURCES_MESSAGES = {t.CREDENTIALS_READY, t.QUIZ_REMINDER, t.QUIZ_PASSED, t.QUIZ_OVERDUE,
                    t.IDLE_WARNING, t.REQUEST_HELD, t.COURSE_RETAKE, t.COURSE_NON_COMPLIANT,
                    # rules revision 2: the group change completed (C5), a System team task (C7)
                    t.GROUP_CHANGE_DONE, t.SYSTEM_TASK}
# Issue 19: the scheduled job's reminder to the System team on a cycle's first processing day.
SOURCES_MESSAGES |= {t.BATCH_DUE}
# Issue 17b: seats running out (B10), the June review open and its reminder (Q5).
SOURCES_MESSAGES |= {t.SEATS_LOW, t.JUNE_REVIEW_OPEN, t.JUNE_REVIEW_REMINDER}


def test_every_message_the_sources_name_has_a_template():
    assert set(t.TEMPLATES) == SOURCES_MESSAGES


@pytest.mark.parametrize("key", sorted(SOURCES_MESSAGES))
def test_default_wording_uses_only_documented_placeholders(key):
    spec = t.TEMPLATES[key]
    assert t.check_template(key, spec.subject, spec.body) == []
    used = set(Template(spec.subject).get_identifiers()) | set(Template(spec.body).get_identifiers())
    assert used, "a message that names nobody and nothing"
    assert used <= set(spec.placeholders)
    assert spec.body.rstrip().endswith("CU System eComm team")


def test_credentials_ready_names_the_credentials_date():
    spec = t.TEMPLATES[t.CREDENTIALS_READY]
    subject, body = t.render(spec.subject, spec.body, {
        "first_name": "Ada", "license_number": "LN-0123", "applications": ["Salesforce", "Cvent"],
        "credentials_date": date(2026, 12, 7), "quiz_deadline": date(2027, 2, 5), "quiz_days": 60})
    assert subject == "Your eComm credentials are ready (LN-0123)"
    assert "Hello Ada," in body and "Salesforce, Cvent" in body
    assert "December 7, 2026" in body and "60 days (by February 5, 2027)" in body
    assert "$" not in body


def test_render_leaves_unknown_placeholders_and_keeps_dollar_signs():
    subject, body = t.render("Hi $first_name", "Cost $$5 for $who, ${first_name}", {"first_name": "Ada"})
    assert subject == "Hi Ada"
    assert body == "Cost $5 for $who, Ada"


def test_render_formats_dates_and_lists_in_words():
    assert t.fmt_date(date(2026, 12, 5)) == "December 5, 2026"
    assert t.fmt_date(None) == "never"
    _, body = t.render("", "$a | $b | $c", {"a": date(2027, 1, 1), "b": ["x", "y"], "c": None})
    assert body == "January 1, 2027 | x, y | "


def test_request_held_lists_every_failing_requirement():
    spec = t.TEMPLATES[t.REQUEST_HELD]
    _, body = t.render(spec.subject, spec.body, {"held_reasons": t.bullets(
        ["P1: No UCB Email on this contact", "P5: PCI Compliance is out of date"])})
    assert "- P1: No UCB Email on this contact\n- P5: PCI Compliance is out of date" in body


def test_check_template_refuses_typos_bad_dollars_and_empty_text():
    spec = t.TEMPLATES[t.QUIZ_PASSED]
    assert any("$frist_name" in p for p in t.check_template(t.QUIZ_PASSED, "Hi $frist_name", spec.body))
    assert any("dollar sign" in p for p in t.check_template(t.QUIZ_PASSED, "Costs $5", spec.body))
    assert t.check_template(t.QUIZ_PASSED, "Costs $$5", spec.body) == []
    assert t.check_template(t.QUIZ_PASSED, " ", "") == ["The subject is empty.", "The message text is empty."]
    assert t.check_template("nope", "a", "b") == ["There is no message template called 'nope'."]


def test_to_eml_has_the_recipients_subject_and_body():
    msg = OutboxMessage(message_id=7, dedup_key="k", template_key=t.QUIZ_PASSED,
                        to_addrs=["ada@colorado.edu"], cc_addrs=["spec@cu.edu", "two@cu.edu"],
                        subject="You passed the eComm quiz: sending access granted",
                        body="Hello Ada,\n\nCongratulations.\n", created_at=datetime(2026, 12, 20, 15, 0))
    parsed = BytesParser(policy=email_policy.default).parsebytes(to_eml(msg, "ecomm@cu.edu"))
    assert parsed["To"] == "ada@colorado.edu"
    assert parsed["Cc"] == "spec@cu.edu, two@cu.edu"
    assert parsed["From"] == "ecomm@cu.edu"
    assert parsed["Subject"] == "You passed the eComm quiz: sending access granted"
    assert parsed["X-Unsent"] == "1"
    assert parsed["Date"].datetime.isoformat() == "2026-12-20T15:00:00+00:00"
    assert parsed.get_content() == "Hello Ada,\n\nCongratulations.\n"
