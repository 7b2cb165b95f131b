"""Who may be licensed (P1-P5) and duplicate warnings (P13): rules over one contact's records."""
from __future__ import annotations

from datetime import date, timedelta

from ecomm import reference as ref
from ecomm.errors import EcommError
from ecomm.policy import Policy
from ecomm.rules.models import ContactFacts, Contact, Eligibility, RuleResult

DCR = "file a Data Change Request"


def normalise_campus(campus: str) -> str:
    """The canonical campus name, or EcommError naming the choices."""
    c = ref.canonical_campus(campus or "")
    if c is None:
        raise EcommError(f"{campus!r} is not a campus. Choose one of: {', '.join(ref.CAMPUSES)}.")
    return c


def _email_label(campus: str) -> str:
    return ref.EMAIL_FIELD_LABEL[ref.CAMPUS_EMAIL_FIELD[campus]]


def p1_university_email(contact: Contact, campus: str) -> RuleResult:
    """P1: the contact has a university email in the field of the campus being provisioned."""
    label = _email_label(campus)
    email = contact.university_email(campus)
    if email:
        return RuleResult(rule="P1", passed=True, message=f"{label} present: {email}")
    return RuleResult(rule="P1", passed=False,
                      message=f"No {label} on this contact: ask campus OIT to populate it")


def p2_employee_id(contact: Contact) -> RuleResult:
    """P2: the contact has an employee ID."""
    if contact.employee_id and contact.employee_id.strip():
        return RuleResult(rule="P2", passed=True, message=f"Employee ID {contact.employee_id.strip()}")
    return RuleResult(rule="P2", passed=False,
                      message="No employee ID on this contact: ask campus HR to correct the "
                              "employee details")


def p3_employment(facts: ContactFacts, campus: str, on: date) -> RuleResult:
    """P3: an active CU employment record (any campus; status Active and no end date before
    ``on``), or an active Person of Interest with an employee ID and university email."""
    active = [e for e in facts.employments if e.active_on(on)]
    if active:
        e = active[0]
        where = f"{e.campus}" + (f" ({e.department})" if e.department else "")
        return RuleResult(rule="P3", passed=True, message=f"Active employment at {where}")
    c = facts.contact
    if c.poi:
        if not c.poi_active:
            return RuleResult(rule="P3", passed=False,
                              message="Inactive Person of Interest: an inactive POI cannot be "
                                      "provisioned; ask campus HR to reactivate the POI record")
        missing = []
        if not (c.employee_id and c.employee_id.strip()):
            missing.append("an employee ID")
        if not c.university_email(campus):
            missing.append(f"a {_email_label(campus)}")
        if missing:
            return RuleResult(rule="P3", passed=False,
                              message=f"Person of Interest without {' and '.join(missing)} "
                                      "cannot be provisioned: ask campus OIT to populate it")
        return RuleResult(rule="P3", passed=True, message="Active Person of Interest")
    if facts.employments:
        last = max(facts.employments, key=lambda e: (e.end_date or date.max, e.start_date or date.min))
        ended = f" ended {last.end_date.isoformat()}" if last.end_date and last.end_date < on else \
            f" is {last.status}"
        return RuleResult(rule="P3", passed=False,
                          message=f"No active CU employment record (employment at {last.campus}"
                                  f"{ended}): ask campus HR to correct the employment record")
    return RuleResult(rule="P3", passed=False,
                      message="No CU employment record and not a Person of Interest: ask campus "
                              "HR to correct the employment record")


def p4_agreement(facts: ContactFacts) -> RuleResult:
    """P4: the contact signed the eComm user agreement (a member of the agreement campaign with
    a signed date, or added to it by hand with a reason after a Data Change Request)."""
    a = facts.agreement
    if a is not None and a.counts:
        if a.signed_at is not None:
            return RuleResult(rule="P4", passed=True,
                              message=f"Agreement signed {a.signed_at.date().isoformat()}")
        return RuleResult(rule="P4", passed=True,
                          message=f"Agreement added by hand by {a.added_by}: {a.reason.strip()}")
    on_duplicate = [d for d in facts.duplicates if d.agreement is not None and d.agreement.counts]
    if on_duplicate:
        d = on_duplicate[0]
        return RuleResult(rule="P4", passed=False,
                          message=f"The agreement was signed on duplicate contact {d.contact_id} "
                                  f"({d.name}), not on this one: {DCR}; if the request is urgent, "
                                  "add this contact to the agreement campaign by hand with the reason")
    if a is not None and a.added_by_hand:
        return RuleResult(rule="P4", passed=False,
                          message=f"Added to the agreement campaign by hand by {a.added_by} without "
                                  "a reason: record the reason (the Data Change Request filed)")
    if a is not None:
        return RuleResult(rule="P4", passed=False,
                          message="In the agreement campaign but with no signed date: ask the user "
                                  "to sign the eComm user agreement")
    return RuleResult(rule="P4", passed=False,
                      message="Has not signed the eComm user agreement (not in the campaign "
                              f"{ref.AGREEMENT_CAMPAIGN}): ask the user to sign it")


def course_valid_through(completed_on: date, course: str, policy: Policy) -> date:
    """P5: a completion on day D of a course valid N days counts on D .. D+N-1 inclusive (N
    days, the completion day being the first); it is out of date from D+N on. PCI (365 days)
    completed 2025-11-23 is valid through 2026-11-22 and out of date on 2026-11-23."""
    return completed_on + timedelta(days=policy.course_valid_days(course) - 1)


def p5_courses(facts: ContactFacts, on: date, policy: Policy,
               course_dates: dict[str, date] | None = None) -> list[RuleResult]:
    """P5: all three pre-access courses completed and none out of date on ``on``; per course the
    LATER of the date on the request and the contact's latest recorded completion counts.

    The request's date is read from the learning transcript whose screenshot is attached, so it
    counts even when the recorded completions lag the learning system; a recorded completion
    later than it and not after ``on`` (the person retook the course after submitting) counts
    too, so a request held on P5 (C3) passes at the next batch or readiness check once the
    course is retaken. On a tie the request's date is named. Without a date on the request the
    recorded one is used.
    """
    course_dates = course_dates or {}
    results = []
    for course in ref.COURSES:
        typed, recorded = course_dates.get(course), facts.courses.get(course)
        if typed is None or (recorded is not None and typed < recorded <= on):
            done, source = recorded, "recorded"
        else:
            done, source = typed, "on the request"
        results.append(_p5_one(facts, course, done, source, on, policy))
    return results


def _duplicate_hint(facts: ContactFacts, course: str, on: date, policy: Policy) -> str:
    for d in facts.duplicates:
        done = d.courses.get(course)
        if done and done <= on <= course_valid_through(done, course, policy):
            return (f"; a valid completion ({done.isoformat()}) is recorded on duplicate contact "
                    f"{d.contact_id} ({d.name}): {DCR}")
    return ""


def _p5_one(facts: ContactFacts, course: str, done: date | None, source: str, on: date,
            policy: Policy) -> RuleResult:
    if done is None:
        return RuleResult(rule="P5", passed=False,
                          message=f"{course}: no completion recorded: the user must complete "
                                  f"the course{_duplicate_hint(facts, course, on, policy)}")
    if done > on:
        return RuleResult(rule="P5", passed=False,
                          message=f"{course}: completion date {done.isoformat()} ({source}) is "
                                  f"after {on.isoformat()}: correct the date from the transcript")
    through = course_valid_through(done, course, policy)
    if on > through:
        return RuleResult(rule="P5", passed=False,
                          message=f"{course}: completed {done.isoformat()} ({source}), out of date "
                                  f"since {(through + timedelta(days=1)).isoformat()}: the user must "
                                  f"retake the course{_duplicate_hint(facts, course, on, policy)}")
    return RuleResult(rule="P5", passed=True,
                      message=f"{course}: completed {done.isoformat()} ({source}), valid through "
                              f"{through.isoformat()}")


def p13_duplicates(facts: ContactFacts) -> list[RuleResult]:
    """P13 (warning): another contact has the same employee ID, or the same name and a matching
    email; the agreement or a course may sit on the duplicate."""
    results = []
    for d in facts.duplicates:
        if d.matched_on == "employee_id":
            msg = (f"Another contact shares employee ID {d.employee_id} ({d.contact_id}, {d.name}): "
                   f"{DCR}")
        else:
            msg = (f"Another contact has the same name and email {d.matching_email} "
                   f"({d.contact_id}, {d.name}): {DCR}")
        results.append(RuleResult(rule="P13", passed=False, message=msg, severity="warning"))
    if not results:
        results.append(RuleResult(rule="P13", passed=True, message="No duplicate contacts found",
                                  severity="warning"))
    return results


def check_contact(facts: ContactFacts, campus: str, on: date, policy: Policy, *,
                  course_dates: dict[str, date] | None = None) -> Eligibility:
    """P1-P5 (blocking) and P13 (warnings): may this contact be provisioned at ``campus`` on
    ``on``? ``course_dates`` are the dates entered on a request (see ``p5_courses``)."""
    campus = normalise_campus(campus)
    c = facts.contact
    results = [
        p1_university_email(c, campus),
        p2_employee_id(c),
        p3_employment(facts, campus, on),
        p4_agreement(facts),
        *p5_courses(facts, on, policy, course_dates),
        *p13_duplicates(facts),
    ]
    return Eligibility(results=results)
