"""The messages eComm Licenses sends, as editable templates (the System team edits the wording).

Each template is rendered with ``string.Template.safe_substitute``: ``$name`` or ``${name}``
is replaced by the value of that placeholder, ``$$`` is a literal dollar sign, and a
placeholder with no value is left as written. ``TEMPLATES`` holds, per key, who receives the
message, the placeholders it may use (documented one by one) and the default wording that the
migration stores in ``message_templates``.
"""
from __future__ import annotations

from datetime import date
from string import Template
from typing import Any, Iterable

from ecomm.errors import EcommError
from ecomm.notifications.template_spec import (  # noqa: F401  (re-exported)
    SIGNATURE, _SPEC, _USER, TemplateSpec, _spec)
from ecomm.notifications.templates_rev2 import (  # noqa: F401  (re-exported)
    GROUP_CHANGE_DONE, JUNE_REVIEW_OPEN, JUNE_REVIEW_REMINDER, REV2_LICENSE_LIFE,
    REV2_SEATS_JUNE, SEATS_LOW, SYSTEM_TASK, _JUNE)

CREDENTIALS_READY = "credentials_ready"
QUIZ_REMINDER = "quiz_reminder"
QUIZ_PASSED = "quiz_passed"
QUIZ_OVERDUE = "quiz_overdue"
IDLE_WARNING = "idle_warning"
REQUEST_HELD = "request_held"
TRANSFER_NOW_NET_NEW = "transfer_now_net_new"   # C3 (rev 2)
COURSE_RETAKE = "course_retake"
COURSE_NON_COMPLIANT = "course_non_compliant"
BATCH_DUE = "batch_due"

TEMPLATES: dict[str, TemplateSpec] = {t.key: t for t in (
    _spec(CREDENTIALS_READY, "Credentials ready (C2)", "The new user; eComm specialists cc'd",
          {**_USER, "applications": "The applications provisioned, e.g. 'Salesforce, Cvent'",
           "credentials_date": "The date credentials are sent (C2), e.g. 'December 5, 2026'",
           "quiz_deadline": "The last day to pass the quiz before deprovisioning is due",
           "quiz_days": "Days allowed to pass the quiz (Q1 setting, e.g. 60)"},
          "Your eComm credentials are ready ($license_number)",
          """
Hello $first_name,

Your eComm access has been set up for: $applications.
Your login credentials are sent separately on $credentials_date.

Next steps:
1. Log in and complete the training courses you receive.
2. Take the short post-training quiz within your first month. Until you pass it you cannot
   send Marketing Cloud emails or have Cvent events approved.

If the quiz is not passed within $quiz_days days (by $quiz_deadline), your access will be
removed, per the eComm user agreement. Your eComm specialist is copied on this message.
"""),
    _spec(QUIZ_REMINDER, "Quiz reminder (Q1: 14, 30, 45, 55 days)",
          "The user; eComm specialists cc'd",
          {**_USER, "reminder_day": "Days since provisioning when this reminder is due (14, 30...)",
           "reminder_number": "Which reminder this is (1 to 4)",
           "reminder_count": "How many reminders there are (4)",
           "provisioned_on": "The day access was provisioned",
           "quiz_deadline": "The last day before deprovisioning is due",
           "days_left": "Days left until the deadline"},
          "Reminder $reminder_number of $reminder_count: complete the eComm quiz",
          """
Hello $first_name,

You received eComm access on $provisioned_on and have not yet passed the post-training
quiz. Until you pass it you cannot send Marketing Cloud emails or have Cvent events approved.

You have $days_left days left: if the quiz is not passed by $quiz_deadline, your access will
be removed, per the eComm user agreement. Your eComm specialist is copied on this message.
"""),
    _spec(QUIZ_PASSED, "Quiz passed: sender access granted (Q1)",
          "The user; eComm specialists cc'd",
          {**_USER, "quiz_passed_on": "The day the quiz was passed"},
          "You passed the eComm quiz: sending access granted",
          """
Hello $first_name,

Congratulations: you passed the eComm post-training quiz on $quiz_passed_on. You can now send
Marketing Cloud emails and have Cvent events approved.

Continued training resources are on the eComm training page (https://www.cu.edu/ecomm/training).
Your eComm specialist is copied on this message.
"""),
    _spec(QUIZ_OVERDUE, "Quiz not passed after 60 days: deprovisioning due (Q1)",
          "The eComm specialists of the license",
          {**_SPEC, "provisioned_on": "The day access was provisioned",
           "quiz_deadline": "The day the quiz became overdue",
           "quiz_days": "Days allowed to pass the quiz (Q1 setting, e.g. 60)"},
          "Deprovisioning due: $full_name has not passed the eComm quiz ($license_number)",
          """
Hello,

$full_name ($license_number, $campus) was provisioned on $provisioned_on and has not passed
the post-training quiz within $quiz_days days (deadline $quiz_deadline).

Per the eComm user agreement, please submit a deprovisioning request for this user, or
contact the CU System eComm team if the quiz was passed and the pass is not yet recorded.
"""),
    _spec(IDLE_WARNING, "No login for six months: deprovisioning due (Q2)",
          "The eComm specialists of the license",
          {**_SPEC, "application": "The application not logged in to",
           "last_login": "The last login date, or 'never'",
           "idle_since": "The day the idle time is counted from (last login or provisioning)",
           "idle_on": "The day the application became idle",
           "idle_months": "Months without a login (Q2 setting, e.g. 6)"},
          "Deprovisioning due: $full_name has not logged in to $application for $idle_months months",
          """
Hello,

$full_name ($license_number, $campus) has not logged in to $application since $idle_since
(last login: $last_login).

Users who do not log in for $idle_months months should be deprovisioned, per the eComm user
agreement. Please submit a deprovisioning request for $application, or let the CU System
eComm team know why the access should stay.
"""),
    _spec(REQUEST_HELD, "Request held for the next cycle (C3)", "The eComm specialists",
          {"full_name": "The user's first and last name",
           "request_id": "The request number",
           "campus": "The campus of the request",
           "cycle": "The batch the request was checked in, e.g. 2026-12",
           "applications": "The applications requested",
           "held_reasons": "The failing requirements, one per line"},
          "Request $request_id for $full_name is held",
          """
Hello,

The provisioning request $request_id for $full_name ($campus, $applications) was checked again
when the $cycle batch was processed and did not meet these requirements:

$held_reasons

It stays in the queue and is checked again with the next batch. Please help the user fix
these before the next cutoff (the last business day of the month).
"""),
    _spec(TRANSFER_NOW_NET_NEW, "Transfer provisioned as net new (C3)", "The eComm specialists",
          {"full_name": "The user's first and last name",
           "request_id": "The request number",
           "campus": "The campus of the request",
           "cycle": "The batch that processed the request, e.g. 2026-12",
           "applications": "The applications now net new",
           "replaces_license": "The license the request said it replaces"},
          "Request $request_id for $full_name: $applications provisioned as net new",
          """
Hello,

The provisioning request $request_id for $full_name ($campus) was processed by the $cycle
batch. At submission $applications was a transfer from $replaces_license; when the batch
checked it again (P10), $replaces_license still held it with no deprovisioning pending, or
another transfer had already taken it. It was provisioned as net new and is billed on the
next true-up. If that is wrong, correct it in the net-new review.

CU System eComm team
"""),
    _spec(COURSE_RETAKE, "Course re-take reminder (Q3: expiring)",
          "The user; eComm specialists cc'd",
          {**_USER, "course": "The pre-access course",
           "completed_on": "The last completion of the course",
           "expires_on": "The first day the completion is out of date",
           "days_left": "Days left until it is out of date"},
          "Please re-take '$course' before $expires_on",
          """
Hello $first_name,

Your completion of the Percipio course '$course' ($completed_on) goes out of date on
$expires_on, in $days_left days. eComm users must keep their pre-access courses current:
please complete the course again before then to keep your eComm access.

Your eComm specialist is copied on this message.
"""),
    _spec(COURSE_NON_COMPLIANT, "Course out of date: last chance before deprovisioning (Q3)",
          "The eComm specialists of the user's licenses",
          {**_SPEC, "course": "The pre-access course",
           "completed_on": "The last completion, or 'never'",
           "expires_on": "The day it went out of date, or 'not completed'",
           "course_problem": "In words: 'was last completed on ... and is out of date since "
                             "...' or 'has never been completed'"},
          "$full_name is no longer compliant: '$course'",
          """
Hello,

$full_name ($license_number, $campus) is no longer compliant with the pre-access course
requirements: '$course' $course_problem.

This is the last opportunity to encourage the user to complete the course; otherwise please
submit a deprovisioning request.
"""),
    _spec(BATCH_DUE, "Batch due: the cycle's first processing day (C1, scheduled job)",
          "The System team (every active System-team user)",
          {"cycle": "The cycle, named by its processing month, e.g. 2026-12",
           "processing_day": "Its first processing day, e.g. 'December 1, 2026'",
           "waiting": "How many requests wait for this batch (pending or held)"},
          "Batch $cycle is due today: $waiting request(s) waiting",
          """
Hello,

Today, $processing_day, is the first processing day of cycle $cycle. $waiting request(s)
wait for this batch. Preview and process it on the Batch page (or `python -m ecomm batch
$cycle`).
"""),
)}

# Issue 18: messages about work that waits for someone (B8 steps, the daily "My work" digest)
INVOICE_IN_REVIEW = "invoice_in_review"
INVOICE_RETURNED = "invoice_returned"
INVOICE_APPROVED = "invoice_approved"
DAILY_DIGEST = "daily_digest"

_INVOICE = {"invoice": "The invoice, e.g. 'Boulder, Cvent, FY2027 January true-up'",
            "invoice_id": "The invoice's id, e.g. FY2027-january-boulder-cvent-r1",
            "campus": "The invoice's campus", "actor": "Who took the step (email)"}

TEMPLATES.update({s.key: s for s in (
    _spec(INVOICE_IN_REVIEW, "Invoice sent for review (B8)", "The campus's eComm specialists",
          {**_INVOICE, "note": "The System team's note, if any"},
          "Invoice to review: $invoice",
          """
Hello,

The CU System eComm team sent the invoice $invoice ($invoice_id) to $campus for review.
Please open Invoices in eComm Licenses, check its lines and approve it, or return it to
draft saying what is wrong.
$note
"""),
    _spec(INVOICE_RETURNED, "Invoice returned to draft (B8)", "The System team",
          {**_INVOICE, "reason": "Why it was returned"},
          "Returned: $invoice",
          """
Hello,

$actor returned the invoice $invoice ($invoice_id) to draft:

$reason

Please fix it (draft the run again or make a correction) and send it for review again.
"""),
    _spec(INVOICE_APPROVED, "Invoice approved (B8)", "The System team",
          {**_INVOICE, "note": "The campus's note, if any"},
          "Approved: $invoice",
          """
Hello,

$actor approved the invoice $invoice ($invoice_id). It can now be marked billed.
$note
"""),
    _spec(DAILY_DIGEST, "Daily digest: My work", "Each app user with work due",
          {"name": "The person's name", "as_of": "The day of the digest",
           "items": "The work waiting, one line each with its count, due date and page"},
          "eComm Licenses: your work for $as_of",
          """
Hello $name,

This is what waits for you in eComm Licenses (Home > My work):

$items
"""),
)})


def fmt_date(d: date | None, missing: str = "never") -> str:
    """A date in the users' words: 'December 5, 2026'."""
    return missing if d is None else f"{d:%B} {d.day}, {d.year}"


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {i}" for i in items)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def render(subject: str, body: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) with placeholders replaced; unknown ones are left as written."""
    values = {k: _text(v) for k, v in context.items()}
    subj = Template(subject).safe_substitute(values)
    return " ".join(subj.split()), Template(body).safe_substitute(values)


def check_template(key: str, subject: str, body: str) -> list[str]:
    """Problems with an edited template: unknown template, empty text, unknown placeholders."""
    spec = TEMPLATES.get(key)
    if spec is None:
        return [f"There is no message template called {key!r}."]
    problems = []
    if not subject.strip():
        problems.append("The subject is empty.")
    if not body.strip():
        problems.append("The message text is empty.")
    allowed = set(spec.placeholders)
    for part, text in (("subject", subject), ("message text", body)):
        t = Template(text)
        if not t.is_valid():
            problems.append(f"The {part} has a '$' that is not a placeholder: write $$ for a "
                            "dollar sign, or $name / ${name} for a placeholder.")
            continue
        for name in t.get_identifiers():
            if name not in allowed:
                problems.append(f"The {part} uses ${name}, which this message does not have. "
                                f"Placeholders: {', '.join('$' + p for p in sorted(allowed))}.")
    return problems


# Rules revision 2 (templates_rev2): B10, Q5, C5, C7
TEMPLATES.update({t.key: t for t in (*REV2_SEATS_JUNE, *REV2_LICENSE_LIFE)})
