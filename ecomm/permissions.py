"""Who may see and change what (A1-A3). Services call these; widgets never decide access.

- A1 an eComm specialist sees and acts on their own campus, and on licenses of any campus that
  name them (by email) as their eComm specialist, primary or additional (``named_emails``;
  ``additional_email`` gives the email a query matches; ``ecomm.access`` checks
  single records);
- A2 the System team sees and changes everything;
- A3 a manager reads every campus and changes nothing;
- P14 every write of an eComm specialist is a submission: without a recorded license-change
  quiz pass they can view but not submit (``require_quiz_pass``). Requests (provisioning,
  deprovisioning, group changes) name P14 among their rules (``ecomm.rules.p14_quiz``); every
  other specialist write (cancelling a request, the P4 agreement fix, the net-new review,
  approving or returning an invoice) calls ``require_quiz_pass``.

This module is the Python half of A1-A3; ``ecomm.storage.scope`` is the SQL half (the same
decision as a parameterised WHERE fragment: ``license_scope_sql``, ``contact_scope_sql``), and
tests/unit/test_access_twins.py compares the two. Every read of licenses, requests and
contacts goes through one of them:

- a license (and its applications, requests, files, audit entries) is visible when it is of
  the person's campus or names them as its primary or additional eComm specialist;
- a contact is visible when it belongs to the person's campus (a university email in the
  campus's field, an employment, a license or a request there) or one of its licenses names
  them. Check a person shows a contact outside that only by an exact employee ID or email,
  and then only the verdict for the specialist's campus (``ecomm.readiness``).

Every check raises ``AccessDenied`` with a sentence the person understands.
"""
from __future__ import annotations

from datetime import date
from typing import Iterable

from ecomm import reference as ref
from ecomm.errors import AccessDenied
from ecomm.identity import Identity


def _require_active(identity: Identity | None) -> Identity:
    if identity is None:
        raise AccessDenied("Please sign in first.")
    if not identity.active:
        raise AccessDenied(
            f"The account {identity.email} is not active in eComm Licenses: "
            "ask the CU System eComm team to reactivate it."
        )
    return identity


def visible_campuses(identity: Identity | None) -> list[str]:
    """A1, A3: the campuses whose data this person may read (specialist: their own; others: all)."""
    if identity is None or not identity.active:
        return []
    if identity.is_system or identity.is_manager:
        return list(ref.CAMPUSES)
    if identity.is_specialist and identity.campus:
        return [identity.campus]
    return []


def additional_email(identity: Identity | None) -> str | None:
    """A1: the email (trimmed, lower case) by which a specialist is named as an additional eComm
    specialist on licenses of any campus; None for everyone else (they see all or nothing)."""
    if identity is None or not identity.active or not identity.is_specialist:
        return None
    email = (identity.email or "").strip().lower()
    return email or None


def named_emails(primary: str | None, additional: Iterable[str] | None = None) -> list[str]:
    """A1: the emails (trimmed, lower case) a license names as its eComm specialists: the
    primary one (``ecomm_specialist``) and the additional ones."""
    out = [(e or "").strip().lower() for e in [primary, *(additional or [])]]
    return [e for e in dict.fromkeys(out) if e]


def is_named(identity: Identity | None, primary: str | None,
             additional: Iterable[str] | None = None) -> bool:
    """A1: the license names this active specialist (by email) as primary or additional."""
    email = additional_email(identity)
    return email is not None and email in named_emails(primary, additional)


def can_see_license(identity: Identity | None, campus: str | None, primary: str | None = None,
                    additional: Iterable[str] | None = None) -> bool:
    """A1-A3: may this person read a license of ``campus`` naming these specialists (and its
    applications, requests, files)? SQL twin: ``ecomm.storage.scope.license_scope_sql``."""
    return can_see_campus(identity, campus) or is_named(identity, primary, additional)


def can_see_contact(identity: Identity | None, campuses: Iterable[str],
                    named_on_licenses: Iterable[str] = ()) -> bool:
    """A1-A3: a contact belongs to every campus it has a university email, an employment, a
    license or a request at; a specialist sees it through their campus or a license of it
    naming them (``named_on_licenses``: every email its licenses name). SQL twin:
    ``ecomm.storage.scope.contact_scope_sql``."""
    if identity is None or not identity.active:
        return False
    if identity.is_system or identity.is_manager:
        return True
    email = additional_email(identity)
    named = {(e or "").strip().lower() for e in named_on_licenses}
    return bool(identity.is_specialist and (identity.campus in set(campuses)
                                            or (email is not None and email in named)))


def can_see_campus(identity: Identity | None, campus: str | None) -> bool:
    """A1, A3: may this person read the data of ``campus``?"""
    return campus is not None and campus in visible_campuses(identity)


def can_write(identity: Identity | None) -> bool:
    """A3: managers change nothing; active specialists and the System team may."""
    return (identity is not None and identity.active
            and (identity.is_system or identity.is_specialist))


def require_system(identity: Identity | None, action: str = "do this") -> Identity:
    """A2: only the CU System eComm team may ``action`` (rates, batches, reference data...)."""
    who = _require_active(identity)
    if not who.is_system:
        raise AccessDenied(
            f"A2: only the CU System eComm team may {action}; "
            f"you are signed in as {who.role_label}."
        )
    return who


def require_writer(identity: Identity | None, action: str = "make changes") -> Identity:
    """A3: a manager reads dashboards and reports but may not ``action``."""
    who = _require_active(identity)
    if not can_write(who):
        raise AccessDenied(
            f"A3: managers can read everything but cannot {action}. "
            "Ask your campus eComm specialist or the CU System eComm team."
        )
    return who


def require_campus(identity: Identity | None, campus: str | None) -> Identity:
    """A1: a specialist reaches only their own campus; the System team and managers reach all."""
    who = _require_active(identity)
    if not can_see_campus(who, campus):
        mine = who.campus or "no campus"
        raise AccessDenied(
            f"A1: you are the eComm specialist for {mine} and cannot reach {campus or 'that'} "
            "campus's records. Ask that campus's specialist or the CU System eComm team."
        )
    return who


def require_campus_writer(identity: Identity | None, campus: str | None,
                          action: str = "make changes") -> Identity:
    """A1-A3: may change records of ``campus`` (own campus for specialists, any for System)."""
    require_writer(identity, action)
    return require_campus(identity, campus)


def require_quiz_pass(identity: Identity | None, on: date, action: str = "make changes"
                      ) -> Identity:
    """P14 (with A3): an eComm specialist without a license-change quiz pass recorded on or
    before ``on`` can view but not ``action``; the System team is exempt, managers change
    nothing. The one check of every specialist write that is not a request."""
    from ecomm.rules.request import p14_quiz

    who = require_writer(identity, action)
    if who.is_specialist and not p14_quiz(who, on).passed:
        raise AccessDenied(
            f"P14: you have not passed the license-change quiz, so you can view but not "
            f"{action} until the System team records your pass.")
    return who
