"""A1 in SQL: the fragments every scoped read shares, so each area scopes the same way.

The SQL half of ``ecomm.permissions`` (the Python half); tests/unit/test_access_twins.py runs
both over the same licenses and contacts for every kind of person and compares them.
"""
from __future__ import annotations

from ecomm import permissions
from ecomm import reference as ref
from ecomm.identity import Identity


def named_specialist_sql(alias: str = "l", param: str = "$scope_email") -> str:
    """A1: the license ``alias`` names the email in ``param`` (trimmed, lower case; a named
    ``$param`` or a positional ``?``, used once) as its primary (``ecomm_specialist``) or an
    additional eComm specialist, in any case. Twin: ``permissions.is_named``."""
    return (f"list_contains(list_transform(list_prepend(coalesce({alias}.ecomm_specialist, ''), "
            f"coalesce({alias}.additional_specialists, []::VARCHAR[])), "
            f"lambda s: lower(trim(s))), {param})")


def _everything(identity: Identity | None) -> bool | None:
    """True: sees every row (A2, A3); False: sees none; None: a specialist (scoped)."""
    if identity is None or not identity.active:
        return False
    if identity.is_system or identity.is_manager:
        return True
    if identity.is_specialist:
        return None
    return False


def license_scope_sql(identity: Identity | None, alias: str = "l") -> tuple[str, list]:
    """A1-A3: a WHERE fragment (positional parameters) keeping the licenses ``alias`` this
    person may read: of their campus, or naming them as primary or additional specialist.
    Twin: ``permissions.can_see_license``."""
    every = _everything(identity)
    if every is not None:
        return ("TRUE" if every else "FALSE"), []
    return (f"({alias}.affiliated_campus = ? OR coalesce({named_specialist_sql(alias, '?')}, "
            "FALSE))", [identity.campus or "", permissions.additional_email(identity) or ""])


def contact_scope_sql(identity: Identity | None, alias: str = "c") -> tuple[str, list]:
    """A1-A3: a WHERE fragment (positional parameters) keeping the contacts ``alias`` this
    person may read: of their campus (a university email in the campus's field, an
    employment, a license or a request there) or with a license naming them. Twin:
    ``permissions.can_see_contact`` over ``storage.requests.contact_campuses``."""
    every = _everything(identity)
    if every is not None:
        return ("TRUE" if every else "FALSE"), []
    campus = identity.campus or ""
    field = ref.CAMPUS_EMAIL_FIELD.get(campus)
    email_test = f"nullif(trim({alias}.{field}), '') IS NOT NULL OR " if field else ""
    frag = (f"({email_test}"
            f"EXISTS (SELECT 1 FROM employments e WHERE e.contact_id = {alias}.contact_id "
            "AND e.campus = ?) "
            f"OR EXISTS (SELECT 1 FROM requests q WHERE q.contact_id = {alias}.contact_id "
            "AND q.campus = ?) "
            f"OR EXISTS (SELECT 1 FROM licenses sl WHERE sl.contact_id = {alias}.contact_id "
            f"AND (sl.affiliated_campus = ? OR coalesce({named_specialist_sql('sl', '?')}, "
            "FALSE))))")
    return frag, [campus, campus, campus, permissions.additional_email(identity) or ""]
