"""SQL for contacts and what the eligibility rules read about them (P1-P5, P7, P10, P13).

One loader serves one contact and thousands: ``contact_facts`` reads the contacts with their
employments, agreement membership, latest completion per course, licenses (with their
applications) and possible duplicates (P13: same employee ID, or same name and a matching
email) with what sits on them, in a fixed number of set-based queries whatever their number.
The form's eligibility check (``load_contact_facts``, one contact), the batch
(``load_contact_facts_many``) and the requests.csv rule check (``ecomm.requests.imported``)
all read through it. A few IDs go in as a constant ``IN (?, ...)`` list, which DuckDB answers
from the indexes (a few milliseconds at 250,000 contacts); more go in as one list parameter
joined in (a scan, cheaper than thousands of index lookups).
"""
from __future__ import annotations

from datetime import date
from typing import Iterable

from ecomm import reference as ref
from ecomm.errors import NotFound
from ecomm.rules.models import (AgreementMember, Contact, ContactFacts, Duplicate, Employment,
                                HeldLicense, LicenseApp, ReplacedLicense)
from ecomm.storage.contact_columns import (  # noqa: F401  (re-exported)
    CONTACT_COLUMNS, EMAIL_COLUMNS, OPEN_REQUEST_STATUSES,
)
from ecomm.storage.contact_search import (  # noqa: F401  (re-exported)
    contact_exists, held_applications, pending_removals, requested_applications, search_contacts,
)

_LICENSE_COLUMNS = ("license_number", "contact_id", "affiliated_campus", "ecomm_specialist",
                    "additional_specialists", "business_units", "public_groups", "ecomm_role",
                    "salesforce_profile", "super_user_permissions", "cvent_add_ons")

# Up to this many values a query takes them as a constant IN list (index lookups); more as
# one list parameter (a semi-join over a scan).
_FEW = 32

# every character str.strip() removes (str.isspace), for SQL trim(text, characters): P13
# trims names and emails as Python does (a tab or no-break space too, not only blanks)
_WHITESPACE = "".join(chr(i) for i in range(0x3001) if chr(i).isspace())


def _in(expr: str, values: list) -> tuple[str, list]:
    """SQL ``expr IN (...)`` over ``values`` and its parameters (see ``_FEW``)."""
    if not values:
        return "FALSE", []
    if len(values) == 1:
        return f"{expr} = ?", list(values)
    if len(values) <= _FEW:
        return f"{expr} IN ({', '.join('?' * len(values))})", list(values)
    return f"{expr} IN (SELECT unnest(CAST(? AS VARCHAR[])))", [list(values)]


def _ids(values: Iterable) -> list[str]:
    return sorted({str(v) for v in values if v is not None})


def _rows(cur, sql: str, params: list) -> list[dict]:
    res = cur.execute(sql, params)
    cols = [d[0] for d in res.description]
    return [dict(zip(cols, r)) for r in res.fetchall()]


def _contact(row: dict) -> Contact:
    return Contact(**{k: row[k] for k in CONTACT_COLUMNS if row.get(k) is not None})


def _emails_of(contact) -> list[str]:
    """The contact's emails (a Contact or a contacts row), trimmed and lower-case, each once,
    in field order (P13 compares them)."""
    get = contact.get if isinstance(contact, dict) else contact.__dict__.get
    out = []
    for col in EMAIL_COLUMNS:
        v = get(col)
        if v and v.strip() and v.strip().lower() not in out:
            out.append(v.strip().lower())
    return out


# -- contacts' records -------------------------------------------------------------------------
def _contacts(cur, ids: list[str]) -> dict[str, Contact]:
    where, params = _in("contact_id", ids)
    return {r["contact_id"]: _contact(r) for r in _rows(
        cur, "SELECT " + ", ".join(CONTACT_COLUMNS) + f" FROM contacts WHERE {where}", params)}


def _employments(cur, ids: list[str]) -> dict[str, list[Employment]]:
    where, params = _in("contact_id", ids)
    out: dict[str, list[Employment]] = {}
    # start date first (P3 names the first active one), the other columns break ties
    for r in _rows(cur, "SELECT contact_id, campus, status, start_date, end_date, department, "
                        f"title FROM employments WHERE {where} ORDER BY contact_id, "
                        "start_date NULLS LAST, end_date NULLS LAST, campus, status, "
                        "department NULLS LAST, title NULLS LAST", params):
        out.setdefault(r.pop("contact_id"), []).append(Employment(**r))
    return out


def _agreements(cur, ids: list[str]) -> dict[str, AgreementMember]:
    """P4: each contact's membership of the agreement campaign (one at most: its key). All
    their memberships by the contact_id index, then the agreement's (a filter on the campaign
    in SQL costs the index lookup)."""
    where, params = _in("contact_id", ids)
    out: dict[str, AgreementMember] = {}
    for r in _rows(cur, "SELECT contact_id, campaign, signed_at, added_by, reason "
                        f"FROM campaign_members WHERE {where}", params):
        if r.pop("campaign") == ref.AGREEMENT_CAMPAIGN:
            out[r["contact_id"]] = AgreementMember(**r)
    return out


def _latest_courses(cur, ids: list[str]) -> dict[str, dict[str, date]]:
    """P5: each contact's latest completion per course."""
    where, params = _in("contact_id", ids)
    out: dict[str, dict[str, date]] = {}
    for cid, course, done in cur.execute("SELECT contact_id, course, completed_on FROM "
                                         f"course_completions WHERE {where}", params).fetchall():
        latest = out.setdefault(cid, {})
        if course not in latest or done > latest[course]:
            latest[course] = done
    return out


def _license_items(cur, column: str, values: list[str]) -> list[dict]:
    """Licenses (with their applications, in provisioning then name order) whose ``column``
    is one of ``values``, as plain dicts in license-number order."""
    where, params = _in("l." + column, values)
    rows = cur.execute("SELECT " + ", ".join("l." + c for c in _LICENSE_COLUMNS) +
                       ", a.application, a.provisioned_on, a.deprovisioned_on FROM licenses l "
                       "LEFT JOIN license_apps a ON a.license_number = l.license_number "
                       f"WHERE {where} "
                       "ORDER BY l.license_number, a.provisioned_on, a.application",
                       params).fetchall()
    out: dict[str, dict] = {}
    n = len(_LICENSE_COLUMNS)
    for r in rows:
        lic = out.get(r[0])
        if lic is None:
            lic = out[r[0]] = dict(zip(_LICENSE_COLUMNS, r[:n]))
            lic["apps"] = []
        if r[n] is not None:
            lic["apps"].append(LicenseApp(application=r[n], provisioned_on=r[n + 1],
                                          deprovisioned_on=r[n + 2]))
    return list(out.values())


def _license_fields(item: dict) -> dict:
    return dict(license_number=item["license_number"], contact_id=item["contact_id"],
                affiliated_campus=item["affiliated_campus"],
                ecomm_specialist=item["ecomm_specialist"],
                additional_specialists=item["additional_specialists"] or [],
                business_units=item["business_units"] or [],
                public_groups=item["public_groups"] or [], apps=item["apps"],
                ecomm_role=item["ecomm_role"], salesforce_profile=item["salesforce_profile"],
                super_user_permissions=item["super_user_permissions"] or [],
                cvent_add_ons=item["cvent_add_ons"] or [])


# -- P13: possible duplicates --------------------------------------------------------------------
def _emails_text(alias: str) -> str:
    """SQL: the contact's email fields, lower-case, in one text (NUL between them): each
    trimmed email of the contact is inside it, so ``contains`` keeps every row that may share
    one without trimming every field (trimming as ``str.strip`` costs more than the search);
    ``_duplicates`` compares the trimmed emails exactly."""
    fields = ", ".join(f"{alias}.{c}" for c in EMAIL_COLUMNS)
    return f"lower(concat_ws(chr(0), {fields}))"


def _name_key(last: str, first: str | None) -> tuple[str, str]:
    """P13's name: the last name and the trimmed first name, ignoring case."""
    return last.lower(), (first or "").strip().lower()


def _same_name_rows(cur, by_name: dict[tuple[str, str], list[str]],
                    mine: dict[str, list[str]]) -> list[dict]:
    """Contacts rows that may match one of ``by_name`` by P13's name and
    email (``_duplicates`` decides). A few names: their rows by the last-name index (the IDs
    first, then the rows: projecting every column of a scan is slow). More: one join that
    also keeps only rows sharing an email with one of them (a common name is shared by dozens
    of contacts)."""
    if not by_name:
        return []
    select = "SELECT " + ", ".join(CONTACT_COLUMNS) + " FROM contacts WHERE contact_id IN "
    first = "lower(trim(coalesce(first_name, ''), ?))"
    if len(by_name) <= _FEW:   # idx_contacts_last_name_lower; the first name narrows it
        lasts, params = _in("lower(last_name)", sorted({last for last, _ in by_name}))
        firsts = sorted({f for _, f in by_name})
        return _rows(cur, select + f"(SELECT contact_id FROM contacts WHERE {lasts} AND (" +
                     " OR ".join(["contains(lower(coalesce(first_name, '')), ?)"] * len(firsts)) +
                     "))", [*params, *firsts])
    keys = sorted(by_name)
    emails = [sorted({e for cid in by_name[k] for e in mine[cid]}) for k in keys]
    return _rows(cur, "WITH m AS (SELECT unnest(CAST(? AS VARCHAR[])) AS last, "
                      "unnest(CAST(? AS VARCHAR[])) AS first, "
                      "unnest(CAST(? AS VARCHAR[][])) AS ids, "
                      "unnest(CAST(? AS VARCHAR[][])) AS emails) " + select +
                      "(SELECT o.contact_id FROM m JOIN contacts o ON lower(o.last_name) = m.last "
                      f"AND {first.replace('first_name', 'o.first_name')} = m.first "
                      # not a contact's own row, unless another of the same name may match it
                      "AND (len(m.ids) > 1 OR m.ids[1] <> o.contact_id) "
                      "WHERE list_bool_or(list_transform(m.emails, "
                      f"lambda e: contains({_emails_text('o')}, e))))",
                 [[k[0] for k in keys], [k[1] for k in keys], [by_name[k] for k in keys], emails,
                  _WHITESPACE])


def _duplicates(cur, people: list[Contact]) -> dict[str, list[Duplicate]]:
    """P13 of each of ``people``: other contacts with the same employee ID (``employee_id``),
    or the same first and last name ignoring case (the first name trimmed) and an email in
    common in any email field, trimmed and ignoring case (``name_email``, naming the first
    shared email in field order); an employee-ID match is not listed again by name. In
    contact-ID order; without their agreement and courses (``_with_records``)."""
    found: dict[str, dict[str, Duplicate]] = {me.contact_id: {} for me in people}
    by_employee: dict[str, list[str]] = {}   # employee ID -> contacts
    for me in people:
        if me.employee_id and me.employee_id.strip():
            by_employee.setdefault(me.employee_id.strip(), []).append(me.contact_id)
    where, params = _in("employee_id", sorted(by_employee))   # idx_contacts_employee if few
    for r in _rows(cur, "SELECT " + ", ".join(CONTACT_COLUMNS) + f" FROM contacts WHERE {where}",
                   params) if by_employee else []:
        for me in by_employee[r["employee_id"]]:
            if me != r["contact_id"]:
                other = _contact(r)
                found[me][other.contact_id] = Duplicate(
                    contact_id=other.contact_id, name=other.name, matched_on="employee_id",
                    employee_id=other.employee_id)
    mine = {me.contact_id: _emails_of(me) for me in people}
    by_name: dict[tuple[str, str], list[str]] = {}   # (last, first) -> contacts with an email
    for me in people:
        if mine[me.contact_id]:   # no email: no name match
            by_name.setdefault(_name_key(me.last_name, me.first_name), []).append(me.contact_id)
    for r in _same_name_rows(cur, by_name, mine):
        for me in by_name.get(_name_key(r["last_name"], r["first_name"]), ()):
            dups = found[me]
            if me == r["contact_id"] or r["contact_id"] in dups:
                continue
            shared = [e for e in _emails_of(r) if e in mine[me]]
            if shared:
                other = _contact(r)
                dups[other.contact_id] = Duplicate(
                    contact_id=other.contact_id, name=other.name, matched_on="name_email",
                    employee_id=other.employee_id, matching_email=shared[0])
    return {cid: sorted(dups.values(), key=lambda d: d.contact_id) for cid, dups in found.items()}


def _with_records(dups: dict[str, list[Duplicate]], agreements: dict[str, AgreementMember],
                  courses: dict[str, dict[str, date]]) -> dict[str, list[Duplicate]]:
    """P13: the duplicates with the agreement and courses recorded on them (P4/P5 hints)."""
    return {cid: [d.model_copy(update={"agreement": agreements.get(d.contact_id),
                                       "courses": dict(courses.get(d.contact_id, {}))})
                  for d in ds] for cid, ds in dups.items()}


def _duplicate_ids(dups: dict[str, list[Duplicate]]) -> list[str]:
    return _ids(d.contact_id for ds in dups.values() for d in ds)


# -- the loaders -------------------------------------------------------------------------------
def contact_facts(cur, contact_ids: Iterable[str], *, with_duplicates: bool = True
                  ) -> dict[str, ContactFacts]:
    """Everything P1-P5, P7 and P13 read about each of these contacts, in contact-ID order;
    contacts that do not exist are left out. ``with_duplicates=False`` leaves P13's duplicates
    out (they only add warnings and the hints of failing P4/P5 messages; ``add_duplicates``
    fills them in later)."""
    contacts = _contacts(cur, _ids(contact_ids))
    ids = sorted(contacts)
    if not ids:
        return {}
    dups = _duplicates(cur, [contacts[c] for c in ids]) if with_duplicates else {}
    around = _ids([*ids, *_duplicate_ids(dups)])
    agreements, courses = _agreements(cur, around), _latest_courses(cur, around)
    dups = _with_records(dups, agreements, courses)
    employments = _employments(cur, ids)
    licenses: dict[str, list[HeldLicense]] = {}
    for item in _license_items(cur, "contact_id", ids):
        licenses.setdefault(item["contact_id"], []).append(HeldLicense(**_license_fields(item)))
    return {cid: ContactFacts(
        contact=contacts[cid], employments=employments.get(cid, []),
        agreement=agreements.get(cid), courses=courses.get(cid, {}),
        licenses=licenses.get(cid, []), duplicates=dups.get(cid, [])) for cid in ids}


def add_duplicates(cur, facts: dict[str, ContactFacts]) -> dict[str, ContactFacts]:
    """The same facts with their P13 duplicates (and what sits on them) filled in."""
    dups = _duplicates(cur, [f.contact for f in facts.values()])
    around = _duplicate_ids(dups)
    dups = _with_records(dups, _agreements(cur, around), _latest_courses(cur, around))
    return {cid: f.model_copy(update={"duplicates": dups.get(f.contact.contact_id, [])})
            for cid, f in facts.items()}


def load_contact_facts_many(store, contact_ids) -> dict[str, ContactFacts]:
    """``contact_facts`` of these contacts (``store``: the Store or a reader over a
    transaction); NotFound names the first contact (in ID order) that does not exist."""
    ids = _ids(contact_ids)
    with store.cursor() as cur:
        facts = contact_facts(cur, ids)
    for cid in ids:
        if cid not in facts:
            raise NotFound(f"There is no contact {cid!r}: check the contact ID.")
    return facts


def load_contact_facts(store, contact_id: str) -> ContactFacts:
    """Everything P1-P5, P7 and P13 read about one contact; NotFound when there is none."""
    facts = load_contact_facts_many(store, [contact_id])
    if contact_id not in facts:   # None, say
        raise NotFound(f"There is no contact {contact_id!r}: check the contact ID.")
    return facts[contact_id]


def find_duplicates(store, contact: Contact) -> list[Duplicate]:
    """P13: other contacts with the same employee ID, or the same first and last name (ignoring
    case) and an email in common (in any email field), with their agreement and courses."""
    with store.cursor() as cur:
        dups = _duplicates(cur, [contact])
        around = _duplicate_ids(dups)
        return _with_records(dups, _agreements(cur, around),
                             _latest_courses(cur, around))[contact.contact_id]


def licenses_by_number(cur, numbers: Iterable[str], *, holders: Iterable[str] | None = None
                       ) -> dict[str, ReplacedLicense]:
    """Licenses by number (trimmed) with their applications, holder's name and whether a
    deprovisioning request for them is open (P7, P10). ``holders``: the numbers whose holder's
    name and open deprovisioning are wanted (P10's replaced licenses; default all); the others
    get '' and False."""
    wanted = _ids(n.strip() for n in numbers if n)
    items = _license_items(cur, "license_number", wanted)
    detail = wanted if holders is None else _ids(n.strip() for n in holders if n)
    names, pending = {}, set()
    if detail:
        where, params = _in("l.license_number", detail)
        names = dict(cur.execute(
            "SELECT l.license_number, concat_ws(' ', c.first_name, c.last_name) FROM licenses l "
            f"JOIN contacts c ON c.contact_id = l.contact_id WHERE {where}", params).fetchall())
        where, params = _in("license_number", detail)
        pending = {r[0] for r in cur.execute(
            "SELECT DISTINCT license_number FROM requests WHERE kind = 'deprovision' "
            f"AND status IN (?, ?) AND {where}", [*OPEN_REQUEST_STATUSES, *params]).fetchall()}
    return {item["license_number"]: ReplacedLicense(
                **_license_fields(item), contact_name=names.get(item["license_number"], ""),
                pending_deprovision=item["license_number"] in pending) for item in items}


def load_license(store, license_number: str) -> ReplacedLicense | None:
    """A license with its applications, its holder's name and whether a deprovisioning request
    for it is pending (P10; also the license a deprovision/group change is about); None when
    there is no such license."""
    number = (license_number or "").strip()
    with store.cursor() as cur:
        return licenses_by_number(cur, [number]).get(number)


def load_replaced_license(store, license_number: str | None) -> ReplacedLicense | None:
    """P10: the license a provisioning request replaces (None when not given or not found)."""
    if not license_number or not license_number.strip():
        return None
    return load_license(store, license_number)
