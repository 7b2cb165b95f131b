"""SQL behind checking many requests at once (requests.csv imports): everything the rules read
for a set of requests, loaded in a few set-based queries on the import's transaction cursor.

The result is plain values (``ecomm.rules`` models) keyed by contact, license or email, so that
``ecomm.requests.imported`` can run the same rule functions the form runs, request by request,
without a query per row. ``load_contact_facts`` (one contact, point lookups) stays the form's
loader; ``bulk_contact_facts`` here gives the same ``ContactFacts`` for many contacts (a test
compares the two on the demo data set).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Iterable

from ecomm import reference as ref
from ecomm.rules.models import (AgreementMember, ContactFacts, Duplicate, Employment,
                                LicenseApp, ReplacedLicense)
from ecomm.storage.contacts import (CONTACT_COLUMNS, EMAIL_COLUMNS, OPEN_REQUEST_STATUSES,
                                    _contact, _emails_of, _license)

_IDS = "(SELECT unnest(CAST(? AS VARCHAR[])))"
_LICENSE_COLUMNS = ("license_number", "contact_id", "affiliated_campus", "ecomm_specialist",
                    "additional_specialists", "business_units", "public_groups")


def _dicts(cur, sql: str, params: list) -> list[dict]:
    res = cur.execute(sql, params)
    cols = [d[0] for d in res.description]
    return [dict(zip(cols, r)) for r in res.fetchall()]


def _ids(values: Iterable[Any]) -> list[str]:
    return sorted({str(v) for v in values if v is not None})


def requests_rows(cur, request_ids: Iterable[str]) -> list[dict]:
    """The stored rows of these requests (any status)."""
    return _dicts(cur, f"SELECT * FROM requests WHERE request_id IN {_IDS}", [_ids(request_ids)])


def users(cur, emails: Iterable[str]) -> dict[str, dict]:
    """App users by (lower-case) email."""
    rows = _dicts(cur, "SELECT email, name, role, campus, quiz_passed_on, active FROM app_users "
                       f"WHERE email IN {_IDS}", [_ids(e.strip().lower() for e in emails if e)])
    return {r["email"]: r for r in rows}


def active_reference(cur) -> dict[tuple[str, str], set[str]]:
    """(campus, kind) -> the active reference values the System team keeps (P11)."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for campus, kind, value in cur.execute(
            "SELECT campus, kind, value FROM reference_values WHERE active").fetchall():
        out[(campus, kind)].add(value)
    return out


def _licenses_where(cur, column: str, values: list[str]) -> dict[str, dict]:
    rows = cur.execute(
        "SELECT " + ", ".join("l." + c for c in _LICENSE_COLUMNS) +
        ", a.application, a.provisioned_on, a.deprovisioned_on FROM licenses l "
        "LEFT JOIN license_apps a ON a.license_number = l.license_number "
        f"WHERE l.{column} IN {_IDS} ORDER BY l.license_number, a.provisioned_on",
        [values]).fetchall()
    out: dict[str, dict] = {}
    n = len(_LICENSE_COLUMNS)
    for r in rows:
        lic = out.setdefault(r[0], dict(zip(_LICENSE_COLUMNS, r[:n])) | {"apps": []})
        if r[n] is not None:
            lic["apps"].append({"application": r[n], "provisioned_on": r[n + 1],
                                "deprovisioned_on": r[n + 2]})
    return out


def licenses(cur, numbers: Iterable[str], *, holders: Iterable[str] | None = None
             ) -> dict[str, ReplacedLicense]:
    """Licenses by number with their applications, holder's name and whether a deprovisioning
    request for them is open (the same view as ``contacts.load_license``). ``holders``: the
    numbers whose holder's name and open deprovisioning are wanted (P10's replaced licenses;
    default all); the others get '' and False."""
    wanted = _ids(n.strip() for n in numbers if n)
    if not wanted:
        return {}
    items = _licenses_where(cur, "license_number", wanted)
    detail = wanted if holders is None else _ids(n.strip() for n in holders if n)
    names = dict(cur.execute(
        "SELECT l.license_number, concat_ws(' ', c.first_name, c.last_name) FROM licenses l "
        f"JOIN contacts c ON c.contact_id = l.contact_id WHERE l.license_number IN {_IDS}",
        [detail]).fetchall()) if detail else {}
    pending = {r[0] for r in cur.execute(
        "SELECT DISTINCT license_number FROM requests WHERE kind = 'deprovision' "
        f"AND status IN (?, ?) AND license_number IN {_IDS}",
        [*OPEN_REQUEST_STATUSES, detail]).fetchall()} if detail else set()
    return {num: ReplacedLicense(
                license_number=num, contact_id=item["contact_id"],
                affiliated_campus=item["affiliated_campus"],
                ecomm_specialist=item["ecomm_specialist"],
                additional_specialists=item["additional_specialists"] or [],
                business_units=item["business_units"] or [],
                public_groups=item["public_groups"] or [],
                apps=[LicenseApp(**a) for a in item["apps"]],
                contact_name=names.get(num, ""), pending_deprovision=num in pending)
            for num, item in items.items()}


def open_requests(cur, *, contact_ids: Iterable[str] = (), license_numbers: Iterable[str] = ()
                  ) -> list[dict]:
    """Open (pending/held) requests of these contacts or on these licenses: request_id, kind,
    contact_id, license_number, applications (for P7's 'already requested')."""
    return _dicts(cur, "SELECT request_id, kind, contact_id, license_number, applications "
                       "FROM requests WHERE status IN (?, ?) AND (contact_id IN " + _IDS +
                       " OR license_number IN " + _IDS + ")",
                  [*OPEN_REQUEST_STATUSES, _ids(contact_ids), _ids(license_numbers)])


def _latest_courses(cur, contact_ids: list[str]) -> dict[str, dict[str, date]]:
    out: dict[str, dict[str, date]] = defaultdict(dict)
    for cid, course, done in cur.execute(
            "SELECT contact_id, course, max(completed_on) FROM course_completions "
            f"WHERE contact_id IN {_IDS} GROUP BY ALL", [contact_ids]).fetchall():
        out[cid][course] = done
    return out


def _agreements(cur, contact_ids: list[str]) -> dict[str, AgreementMember]:
    rows = _dicts(cur, "SELECT contact_id, signed_at, added_by, reason FROM campaign_members "
                       f"WHERE campaign = ? AND contact_id IN {_IDS}",
                  [ref.AGREEMENT_CAMPAIGN, contact_ids])
    return {r["contact_id"]: AgreementMember(**r) for r in rows}


def _emails(alias: str) -> str:
    """SQL: the contact's emails in every email field, trimmed and lower-case, blanks left out
    (``contacts._emails_of``; the shared one is then named in Python)."""
    fields = ", ".join(f"lower(trim({alias}.{c}))" for c in EMAIL_COLUMNS)
    return f"list_filter([{fields}], lambda x: x IS NOT NULL AND x <> '')"


def _duplicates(cur, contacts: dict) -> dict[str, list[Duplicate]]:
    """P13 for many contacts at once, as ``contacts._duplicates`` finds them for one: the same
    employee ID, or the same first and last name (ignoring case) and an email in common."""
    ids = list(contacts)
    cols = ", ".join("o." + c for c in CONTACT_COLUMNS)
    by_id = _dicts(cur, f"SELECT m.contact_id AS of_id, {cols} FROM contacts m "
                        "JOIN contacts o ON o.employee_id = trim(m.employee_id) "
                        "AND o.contact_id <> m.contact_id "
                        f"WHERE m.contact_id IN {_IDS} AND trim(m.employee_id) <> ''", [ids])
    by_name = _dicts(cur, f"SELECT m.contact_id AS of_id, {cols} FROM contacts m "
                          "JOIN contacts o ON lower(o.last_name) = lower(m.last_name) "
                          "AND o.contact_id <> m.contact_id "
                          "AND lower(trim(coalesce(o.first_name, ''))) = "
                          "lower(trim(coalesce(m.first_name, ''))) "
                          f"WHERE m.contact_id IN {_IDS} "
                          f"AND list_has_any({_emails('m')}, {_emails('o')})", [ids])
    found: dict[str, dict[str, Duplicate]] = defaultdict(dict)
    for r in by_id:
        other = _contact(r)
        found[r["of_id"]][other.contact_id] = Duplicate(
            contact_id=other.contact_id, name=other.name, matched_on="employee_id",
            employee_id=other.employee_id)
    for r in by_name:
        me, other = contacts[r["of_id"]], _contact(r)
        if other.contact_id in found[r["of_id"]]:
            continue
        mine = set(_emails_of(me))
        shared = [e for e in _emails_of(other) if e in mine]
        if shared:
            found[r["of_id"]][other.contact_id] = Duplicate(
                contact_id=other.contact_id, name=other.name, matched_on="name_email",
                employee_id=other.employee_id, matching_email=shared[0])
    others = _ids(d for dups in found.values() for d in dups)
    agreements, courses = _agreements(cur, others), _latest_courses(cur, others)
    out: dict[str, list[Duplicate]] = {}
    for cid, dups in found.items():
        out[cid] = sorted(dups.values(), key=lambda d: d.contact_id)
        for d in out[cid]:
            d.agreement = agreements.get(d.contact_id)
            d.courses = dict(courses.get(d.contact_id, {}))
    return out


def duplicates(cur, facts: dict[str, ContactFacts]) -> dict[str, ContactFacts]:
    """The same facts with their P13 duplicates filled in (two set-based queries)."""
    dups = _duplicates(cur, {cid: f.contact for cid, f in facts.items()})
    return {cid: f.model_copy(update={"duplicates": dups.get(cid, [])})
            for cid, f in facts.items()}


def bulk_contact_facts(cur, contact_ids: Iterable[str], *, with_duplicates: bool = True
                       ) -> dict[str, ContactFacts]:
    """What P1-P5, P7 and P13 read about each of these contacts (the same ``ContactFacts`` as
    ``contacts.load_contact_facts``), in seven queries whatever their number. Contacts that do
    not exist are left out. ``with_duplicates=False`` leaves P13's duplicates out (they only
    add warnings and the hints of failing P4/P5 messages: see ``duplicates``)."""
    ids = _ids(contact_ids)
    if not ids:
        return {}
    rows = _dicts(cur, f"SELECT {', '.join(CONTACT_COLUMNS)} FROM contacts "
                       f"WHERE contact_id IN {_IDS}", [ids])
    contacts = {r["contact_id"]: _contact(r) for r in rows}
    ids = list(contacts)
    employments: dict[str, list[Employment]] = defaultdict(list)
    for r in _dicts(cur, "SELECT contact_id, campus, status, start_date, end_date, department, "
                         f"title FROM employments WHERE contact_id IN {_IDS} "
                         "ORDER BY contact_id, start_date NULLS LAST", [ids]):
        employments[r.pop("contact_id")].append(Employment(**r))
    agreements, courses = _agreements(cur, ids), _latest_courses(cur, ids)
    lics: dict[str, list] = defaultdict(list)
    for item in _licenses_where(cur, "contact_id", ids).values():
        lics[item["contact_id"]].append(_license(item))
    dups = _duplicates(cur, contacts) if with_duplicates else {}
    return {cid: ContactFacts(contact=c, employments=employments.get(cid, []),
                              agreement=agreements.get(cid), courses=dict(courses.get(cid, {})),
                              licenses=lics.get(cid, []), duplicates=dups.get(cid, []))
            for cid, c in contacts.items()}
