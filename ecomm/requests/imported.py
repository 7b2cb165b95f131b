"""requests.csv: each imported request that is still open (pending or held) is checked by the
same rules as one made in the form, as of the Denver day it was submitted, and then takes the
effects the form gives a submission (its cycle, C1/C2; Salesforce removed at once, C4).

Both run inside the import's transaction AFTER its rows are written, so that contacts,
courses, licenses and users arriving in the same import count. Processed, completed or
cancelled requests are history and are not judged again.

Speed: what the rules read is loaded for all rows at once (``storage.request_checks`` and the
form's own loaders in ``storage.contacts``, which take any number of contacts or licenses: a few
set-based queries), then the rule functions the form uses (``rules.check_provision``,
``check_deprovision``, ``check_group_change``) run row by row over those values. The
transcript file of P5 cannot come through a CSV and is not asked for; the course dates on the
row are checked (with the contact's recorded completions, see ``rules.p5_courses``).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import NamedTuple

from pydantic import ValidationError

from ecomm import calendar as cal
from ecomm import clock
from ecomm import reference as ref
from ecomm.errors import EcommError
from ecomm.gc_pause import gc_paused
from ecomm.identity import Identity
from ecomm.requests.deprovision import Submitted, c4_split, take_effect_at_submission
from ecomm.requests.provision import DRAFT_TO_REQUEST
from ecomm.rules import (DeprovisionDraft, Eligibility, GroupChangeDraft, GroupChoices,
                         ProvisionDraft, ReplacedLicense, apply_billing_defaults,
                         check_change, check_deprovision, check_group_change,
                         check_provision, p16_resolve)
from ecomm.rules.profile import license_profile
from ecomm.rules.stored_requests import change_draft
from ecomm.storage import calendar as cal_store
from ecomm.storage import contacts
from ecomm.storage import request_checks as bulk
from ecomm.storage import requests as rs
from ecomm.storage.settings import load_policy
from ecomm.requests.changes import pending_asks
from ecomm.storage.speedtypes import campus_defaults, fill_request_speedtypes

OPEN = ("pending", "held")
COURSE_COLUMN = {course: col for col, course in ref.COURSE_REQUEST_COLUMNS.items()}
RULE_COLUMN = {"P1": "contact_id", "P2": "contact_id", "P3": "contact_id", "P4": "contact_id",
               "P5": "contact_id", "P6": "submitted_by", "P7": "applications",
               "P8": "super_user_permissions", "P9": "cvent_add_ons", "P10": "replaces_license",
               "P11": "business_units", "P12": "unit_speedtypes", "P14": "submitted_by",
               "P15": "license_number", "P16": "salesforce_profile"}
GROUP_FIELDS = ("business_units", "public_groups", "new_public_group", "remove_business_units",
                "remove_public_groups", "notes")


class ImportProblem(NamedTuple):
    """One failing rule of one imported row: ``text`` is 'requests.csv:LINE column: P4: ...'."""

    line: int
    column: str
    text: str


def _column(kind: str, rule: str, message: str) -> str:
    """The requests.csv column a failing rule points at."""
    if rule == "P5":
        for course, col in COURSE_COLUMN.items():
            if message.startswith(course):
                return col
    if rule == "P6" and message.startswith("License "):
        return "campus"
    if rule == "P7" and kind == "change_groups":
        return "license_number"
    if rule == "P12" and "campus billing speedtype" in message:
        return "campus_speedtype"
    if rule == "P11":
        col = "public_groups" if "public group" in message.lower() else "business_units"
        return f"remove_{col}" if "nothing to remove" in message else col
    return RULE_COLUMN.get(rule, "request_id")


class _Loaded:
    """Everything the rules read for a set of imported requests, loaded set-based."""

    def __init__(self, cur, rows: list[dict]):
        reader = rs.CursorReader(cur)
        self.policy = load_policy(reader)
        self.users = bulk.users(cur, (r["submitted_by"] for r in rows))
        self._identities: dict[str, Identity | None] = {}
        provisions = [r for r in rows if r["kind"] == "provision"]
        changes = [r for r in rows if r["kind"] == "change"]
        # P13's duplicates only warn, and name where a missing agreement or course sits when
        # P4/P5 fail: they are loaded for the contacts of failing rows only (``with_duplicates``)
        self.facts = contacts.contact_facts(cur, (r["contact_id"] for r in provisions + changes),
                                            with_duplicates=False)
        numbers = [r["license_number"] for r in rows if r["kind"] != "provision"]
        numbers += [r["replaces_license"] for r in provisions + changes]
        self.licenses = contacts.licenses_by_number(  # P10 names the replaced license's holder
            cur, numbers, holders=[r["replaces_license"] for r in provisions + changes])
        self.change_asks: dict[str, list[tuple[str, set[str]]]] = defaultdict(list)
        self.requested: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
        self.removals: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
        for o in bulk.open_requests(cur, contact_ids=[r["contact_id"] for r in provisions],
                                    license_numbers=numbers):
            if o["kind"] == "provision":
                self.requested[o["contact_id"]].append((o["request_id"], o["applications"] or []))
            elif o["kind"] == "deprovision" and o["license_number"]:
                self.removals[o["license_number"]].append(
                    (o["request_id"], o["applications"] or []))
            elif o["kind"] == "change" and o["license_number"]:
                self.change_asks[o["license_number"]].append((o["request_id"], pending_asks(o)))
        self.speedtypes = campus_defaults(reader)   # P12 (rev 2)
        values = bulk.active_reference(cur)
        self.groups = {c: GroupChoices(campus=c,
                                       business_units=frozenset(values.get((c, "business_unit"), ())),
                                       public_groups=frozenset(values.get((c, "public_group"), ())))
                       for c in ref.CAMPUSES}

    def with_duplicates(self, cur, contact_ids: set[str]) -> None:
        """Fill in P13's duplicates of these contacts (their failing P4/P5 messages name them)."""
        self.facts.update(contacts.add_duplicates(cur, {c: self.facts[c] for c in contact_ids
                                                        if c in self.facts}))

    def submitter(self, email: str | None) -> Identity | None:
        key = (email or "").strip().lower()
        if key not in self._identities:
            user = self.users.get(key)
            self._identities[key] = None if user is None else Identity(**{
                k: user[k] for k in ("email", "name", "role", "campus", "quiz_passed_on",
                                     "active")})
        return self._identities[key]

    @staticmethod
    def _others(items: list[tuple[str, list[str]]], request_id: str) -> set[str]:
        return {a for rid, apps in items if rid != request_id for a in apps if a}


def _before_own_removal(lic: ReplacedLicense, row: dict, on: date) -> ReplacedLicense:
    """The license as the form saw it at submission: a Salesforce row closed on the day of
    submission was closed by this request itself (C4), recorded in the imported files."""
    if ref.SALESFORCE not in (row["applications"] or []):
        return lic
    apps = [a.model_copy(update={"deprovisioned_on": None})
            if a.application == ref.SALESFORCE and a.deprovisioned_on == on else a
            for a in lic.apps]
    return lic.model_copy(update={"apps": apps})


def _c4_ends_later(lic: ReplacedLicense, row: dict, on: date) -> str | None:
    """C4: a pending deprovisioning request removed Salesforce at once, on the day it was
    submitted; license_apps.csv cannot have the license hold it past that day. The sentence
    that refuses such a row, or None."""
    if (row["status"] != "pending" or row["salesforce_removed_on"] is not None
            or ref.SALESFORCE not in (row["applications"] or [])):
        return None
    later = [a.deprovisioned_on for a in lic.apps if a.application == ref.SALESFORCE
             and a.provisioned_on <= on and a.deprovisioned_on is not None
             and a.deprovisioned_on > on]
    if not later:
        return None
    return (f"C4: deprovisioning Salesforce takes effect at once, on submission ({on}), but "
            f"license_apps.csv says {lic.license_number} holds {ref.SALESFORCE} until "
            f"{min(later)}: set that row's deprovisioned_on to {on}, or leave this request out")


def _judge(row: dict, submitter: Identity, on: date, data: _Loaded) -> Eligibility | list[tuple]:
    """The rules of the form for one open imported request, or (column, sentence) problems
    that stop it before the rules (a license or contact that does not fit, a bad cell)."""
    rid, kind = row["request_id"], row["kind"]
    try:
        if kind == "provision":
            draft = ProvisionDraft(
                contact_id=row["contact_id"], campus=row["campus"],
                **{k: row[k] for k in DRAFT_TO_REQUEST if row[k] is not None})
            draft = apply_billing_defaults(draft, data.speedtypes.get(  # P12: campus default
                draft.billing_campus or draft.campus))
            facts = data.facts.get(row["contact_id"])
            if facts is None:
                return [("contact_id", f"There is no contact {row['contact_id']!r}.")]
            return check_provision(
                facts, draft, submitter, on, data.policy, held_apps=facts.held_applications(on),
                replaced=data.licenses.get(draft.replaces_license or ""),
                requested_apps=data._others(data.requested[row["contact_id"]], rid),
                groups=data.groups.get(draft.campus))
        lic = data.licenses.get(row["license_number"] or "")
        if lic is None:
            return [("license_number", f"P7: License {row['license_number']} was not found: a "
                                       f"{kind} request names an existing license")]
        if lic.contact_id != row["contact_id"]:
            return [("contact_id", f"License {lic.license_number} is {lic.contact_id}'s, not "
                                   f"{row['contact_id']}'s: correct the contact or the license")]
        if kind == "change":
            facts = data.facts.get(row["contact_id"])
            if facts is None:
                return [("contact_id", f"There is no contact {row['contact_id']!r}.")]
            draft = change_draft(row)
            return check_change(
                facts, draft, lic, submitter, on, data.policy,
                replaced=data.licenses.get(draft.replaces_license or ""),
                pending={a for rid2, asks in data.change_asks[lic.license_number]
                         if rid2 != rid for a in asks})
        if kind == "deprovision":
            if (late := _c4_ends_later(lic, row, on)) is not None:
                return [("license_number", late)]
            draft = DeprovisionDraft(campus=row["campus"], license_number=lic.license_number,
                                     applications=row["applications"] or [], notes=row["notes"])
            return check_deprovision(
                draft, _before_own_removal(lic, row, on), submitter, on,
                pending_removals=data._others(data.removals[lic.license_number], rid))
        draft = GroupChangeDraft(campus=row["campus"], license_number=lic.license_number,
                                 **{k: row[k] for k in GROUP_FIELDS if row[k] is not None})
        return check_group_change(draft, lic, submitter, on, groups=data.groups.get(draft.campus))
    except ValidationError as exc:
        return [(str(e["loc"][0]) if e.get("loc") else "request_id",
                 e["msg"].removeprefix("Value error, ")) for e in exc.errors()]
    except EcommError as exc:
        return [("request_id", p) for p in (exc.problems or [exc.message])]


def _open_rows(cur, lines: dict[str, int]) -> dict[str, dict]:
    rows = {r["request_id"]: r for r in bulk.requests_rows(cur, lines)}
    missing = [rid for rid in lines if rid not in rows]
    if missing:
        raise RuntimeError("check_imported_requests runs after the imported requests are "
                           f"written; not in the database yet: {', '.join(missing[:5])}")
    return {rid: r for rid, r in rows.items() if r["status"] in OPEN}


def check_imported_requests(cur, lines: dict[str, int], *, label: str = "requests.csv"
                            ) -> list[ImportProblem]:
    """P1-P14 (provision), P6/P7/P14 (deprovision) and P6/P7/P11/P14 (change_groups) for the
    open imported requests (``lines``: request_id -> line in the file), each as of its
    submitted_at (Denver day); every failing rule of every row, in line order. Call with the
    import's transaction cursor after the rows are written."""
    with gc_paused():
        return _check(cur, _open_rows(cur, lines), lines, label)[0]


def requests_before(cur, lines: dict[str, int]) -> dict[str, dict]:
    """The imported request IDs' rows as the database holds them before the import writes."""
    return {r["request_id"]: r for r in bulk.requests_rows(cur, lines)}


def check_and_take_effect(cur, lines: dict[str, int], *, label: str = "requests.csv",
                          actor: str, before: dict[str, dict] | None = None
                          ) -> list[ImportProblem]:
    """The import's step: ``check_imported_requests``, then, when nothing is refused,
    ``_take_effect`` (the rows are read once). Returns the problems.

    A request the database already held exactly as imported (``before``: an export read back,
    the same file imported twice) was judged when it was submitted and is not judged again:
    the facts may have moved since (an agreement voided after submission makes the next batch
    hold it, C3), and the file brings nothing new to check."""
    with gc_paused():
        rows = _open_rows(cur, lines)
        unchanged = {rid for rid, row in rows.items() if (before or {}).get(rid) == row}
        problems, data = _check(cur, {rid: r for rid, r in rows.items() if rid not in unchanged},
                                lines, label)
        if not problems and unchanged:   # the effects read every imported request's license
            data = _Loaded(cur, list(rows.values()))
        if not problems:
            _take_effect(cur, rows, lines, actor, data.licenses if data else {})
            if data is not None:
                _p16_effects(cur, rows, data)
    return problems


def _check(cur, rows: dict[str, dict], lines: dict[str, int], label: str
           ) -> tuple[list[ImportProblem], _Loaded | None]:
    if not rows:
        return [], None
    data = _Loaded(cur, list(rows.values()))
    ordered = [(rid, line) for rid, line in sorted(lines.items(), key=lambda kv: kv[1])
               if rid in rows]
    verdicts = {rid: _verdict(rows[rid], data) for rid, _line in ordered}
    hinted = {rows[rid]["contact_id"] for rid, v in verdicts.items()
              if isinstance(v, Eligibility) and {"P4", "P5"} & set(v.failed_rules)}
    if hinted:  # judged again with the duplicates their P4/P5 messages name (as the form)
        data.with_duplicates(cur, hinted)
        verdicts.update({rid: _verdict(rows[rid], data) for rid, _line in ordered
                         if rows[rid]["kind"] == "provision"
                         and rows[rid]["contact_id"] in hinted})
    out: list[ImportProblem] = []
    for rid, line in ordered:
        verdict = verdicts[rid]
        if isinstance(verdict, Eligibility):
            verdict = [(_column(rows[rid]["kind"], f.rule, f.message), f.sentence())
                       for f in verdict.failures]
        out += [ImportProblem(line, column, f"{label}:{line} {column}: {text}")
                for column, text in verdict]
    return out, data


def _verdict(row: dict, data: _Loaded) -> Eligibility | list[tuple]:
    submitter = data.submitter(row["submitted_by"])
    if submitter is None:
        return [("submitted_by", f"P14: {row['submitted_by']} is not a user of the app "
                                 "(users.csv): only eComm specialists and the System team "
                                 "submit requests")]
    return _judge(row, submitter, clock.denver_date(row["submitted_at"]), data)


def _take_effect(cur, open_rows: dict[str, dict], lines: dict[str, int], actor: str,
                 licenses: dict[str, ReplacedLicense]) -> dict[str, int]:
    """What the form does at submission, for imported pending requests (after they passed
    ``check_imported_requests``): a provisioning or deprovisioning request that waits for a
    batch gets the cycle it joins (C1, from submitted_at in America/Denver, as the form); a
    deprovisioning request removes Salesforce at once (C4, ``take_effect_at_submission``, the
    form's function) and is completed when nothing else waits; a removal an earlier import made
    stays made when license_apps.csv is imported again. Returns counts."""
    rs.reassert_salesforce_removals(cur, list(lines))  # importing the same files twice
    rs.add_imported_submissions(cur, list(lines), actor)  # the history starts at submission
    rows = [r for r in open_rows.values() if r["status"] == "pending"]
    closures = cal_store.extra_closures(rs.CursorReader(cur))
    removed = {}
    deprovisions = [r for r in rows if r["kind"] == "deprovision"
                    and ref.SALESFORCE in (r["applications"] or [])
                    and r["salesforce_removed_on"] is None]
    if deprovisions:
        for r in deprovisions:
            on = clock.denver_date(r["submitted_at"])
            lic = licenses[r["license_number"]]
            removed[r["request_id"]] = any(a.application == ref.SALESFORCE and
                                           a.deprovisioned_on == on for a in lic.apps)
    pending = [r for r in rows if r["kind"] in ("provision", "deprovision", "change")]  # C5
    c4 = [r for r in pending if r["request_id"] in removed]
    statuses = dict(zip((r["request_id"] for r in c4), take_effect_at_submission(cur, [
        Submitted(r["request_id"], r["license_number"], r["campus"], r["applications"],
                  clock.denver_date(r["submitted_at"]), r["submitted_at"],
                  already_removed=removed[r["request_id"]]) for r in c4], actor=actor)))
    updates, cycles = [], {}
    counts = {"cycles": 0, "salesforce_removed": 0, "completed": 0}
    for r in pending:
        _salesforce, others = c4_split(r["applications"] or [])
        cycle = sf_on = processed = None
        if r["request_id"] in statuses:
            status = statuses[r["request_id"]]
            if status is None:
                raise RuntimeError(f"{r['request_id']}: {r['license_number']} does not hold "
                                   f"{ref.SALESFORCE} though the check passed")
            sf_on = clock.denver_date(r["submitted_at"])
            counts["salesforce_removed"] += 1
            if status == "completed":
                processed = r["submitted_at"]
                counts["completed"] += 1
        if (r["kind"] in ("provision", "change") or others) and r["cycle"] is None:
            day = clock.denver_date(r["submitted_at"])  # the cycle depends on the Denver day
            if day not in cycles:
                cycles[day] = cal.cycle_for_submission(r["submitted_at"], closures)
            cycle = cycles[day]
            counts["cycles"] += 1
        if cycle or sf_on or processed:
            updates.append((r["request_id"], cycle, sf_on,
                            "completed" if processed else None, processed))
    rs.set_imported_effects_many(cur, updates)
    fill_request_speedtypes(cur, [r["request_id"] for r in pending if r["kind"] == "provision"])
    return counts


def _p16_effects(cur, open_rows: dict[str, dict], data: _Loaded) -> None:
    """P16 at import, as the form at submission: a pending Cvent-only provisioning request gets
    Salesforce with the Chatter Free profile, and every one its profile."""
    for r in open_rows.values():
        if r["kind"] != "provision" or r["status"] != "pending":
            continue
        facts = data.facts.get(r["contact_id"])
        on = clock.denver_date(r["submitted_at"])
        apps, profile, verdict = p16_resolve(
            r["applications"] or [], r["salesforce_profile"], facts.held_applications(on),
            license_profile(facts, r["campus"]))
        if verdict.passed and (apps != list(r["applications"] or [])
                               or profile != r["salesforce_profile"]):
            cur.execute("UPDATE requests SET applications = ?, salesforce_profile = ? "
                        "WHERE request_id = ?", [apps, profile, r["request_id"]])
