"""The campus dashboard (000 "View Pending Requests", "View Existing Users"; Q1-Q4): one panel
per list, each a count and a table whose rows name the contact and license record, shown in the
rows of D1 (rev 2, ``D1_ROWS``): row 1 the provisioning requests in the queue with the held ones
in that row, marked with what is missing (``QUEUE``, made from the ``provision`` and ``held``
panels); row 2 the deprovisioning queue; row 3 the 60-day quiz (Q1); then idle (Q2), courses
(Q3) and leavers (Q4); last the active users with the counts per application.

Everything is computed by a few set-based queries (``ecomm.storage.dashboard``) limited in
SQL to what the viewer may see (A1) and to the filters picked. A panel carries its first
``limit`` rows for the screen; ``panel_rows`` gives every row for the downloads.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import pandas as pd

from ecomm import calendar as cal
from ecomm.compliance_actions import DeprovisionItem, default_reason
from ecomm import reference as ref
from ecomm.dashboard.filters import DashboardFilters, Resolved, resolve
from ecomm.identity import Identity
from ecomm.policy import Policy
from ecomm.storage import calendar as cal_db
from ecomm.storage import dashboard as db
from ecomm.storage.dashboard import data_version  # noqa: F401  (the pages' cache stamp)
from ecomm.storage.settings import load_policy

DISPLAY_LIMIT = 500
CUTOFF_MONTHS_BACK = 36

PROVISION, HELD, DEPROVISION = "provision", "held", "deprovision"
QUIZ, IDLE, COURSES, ACTIVE = "quiz", "idle", "courses", "active"
LEAVERS = "leavers"
QUEUE = "queue"  # D1 row 1: provision + held, marked


@dataclass(frozen=True)
class PanelSpec:
    key: str
    title: str
    rule: str
    deprovision_action: bool = False  # Q1-Q3: rows can be sent to deprovisioning


SPECS: dict[str, PanelSpec] = {s.key: s for s in (
    PanelSpec(PROVISION, "Provisioning requests in the queue", "C1"),
    PanelSpec(HELD, "Held requests: requirements still missing", "C3"),
    PanelSpec(DEPROVISION, "Deprovisioning requests in the queue", "C4"),
    PanelSpec(QUIZ, "Quiz due and overdue", "Q1", deprovision_action=True),
    PanelSpec(IDLE, "Idle six months", "Q2", deprovision_action=True),
    PanelSpec(COURSES, "Courses expiring or non-compliant", "Q3", deprovision_action=True),
    PanelSpec(LEAVERS, "Leavers: employment ended or POI inactive", "Q4",
              deprovision_action=True),
    PanelSpec(ACTIVE, "Active eComm users", "B3"),
)}
QUEUE_SPEC = PanelSpec(QUEUE, "Provisioning requests in the queue", "C1, C3")

# D1 (rev 2): the dashboard's rows in the order of 000, which specialists scroll by.
D1_ROWS: tuple[str, ...] = (QUEUE, DEPROVISION, QUIZ, IDLE, COURSES, LEAVERS, ACTIVE)
ROW_SPECS: dict[str, PanelSpec] = {QUEUE: QUEUE_SPEC, **SPECS}

# The active-users counts, labelled as 000's dashboard shows them.
USER_COUNT_LABELS: dict[str, str] = {
    "n_rows": "Number of Users",
    f"n_{ref.SALESFORCE}": "Salesforce Users",
    "n_chatter_free": "Chatter Free Users",
    f"n_{ref.MARKETING_CLOUD}": "Marketing Cloud Users",
    f"n_{ref.CVENT}": "Cvent Users",
    f"n_{ref.APSONA}": "Apsona Users",
    f"n_{ref.GEOPOINTE}": "Geopointe Users",
}


@dataclass
class Context:
    """What every panel query needs besides the filters."""

    as_of: date
    policy: Policy
    cutoffs: dict[str, date]
    closures: frozenset[date]


@dataclass
class Panel:
    spec: PanelSpec
    frame: pd.DataFrame
    counts: dict[str, int]
    summary: str

    @property
    def count(self) -> int:
        return self.counts["n_rows"]

    @property
    def truncated(self) -> bool:
        return self.count > len(self.frame)


@dataclass
class Dashboard:
    resolved: Resolved
    as_of: date
    panels: dict[str, Panel] = field(default_factory=dict)
    policy: Policy | None = None  # the Policy the panels were made with

    def deprovision_reason(self, key: str) -> str:
        """Q1-Q3: the reason offered for sending a panel's rows to deprovisioning (as
        ``deprovision_reason``, from the Policy already read)."""
        return default_reason(key, self.policy)

    def rows(self) -> list[Panel]:
        """D1: the panels in the dashboard's row order (those made)."""
        return [self.panels[k] for k in D1_ROWS if k in self.panels]

    @property
    def user_counts(self) -> dict[str, int]:
        """000: Number of Users and users per application (Chatter Free apart, B3)."""
        counts = self.panels[ACTIVE].counts
        return {label: counts[k] for k, label in USER_COUNT_LABELS.items()}


def context(store, as_of: date) -> Context:
    """C1: the month cutoffs a request's batch is read from, and the Policy."""
    closures = frozenset(cal_db.extra_closures(store))
    cutoffs = {}
    for back in range(-CUTOFF_MONTHS_BACK, 3):
        y, m = cal.shift_month(as_of.year, as_of.month, back)
        cutoffs[cal.month_name(y, m)] = cal.cutoff(y, m, closures)
    return Context(as_of=as_of, policy=load_policy(store), cutoffs=cutoffs, closures=closures)


def _query(key: str) -> Callable:
    def requests(fn):
        return lambda store, w, ctx, limit: fn(store, w, cutoffs=ctx.cutoffs, limit=limit)

    def compliance(fn):
        return lambda store, w, ctx, limit: fn(store, w, ctx.as_of, ctx.policy, limit=limit)

    return {
        PROVISION: requests(db.provision_queue),
        HELD: requests(db.held_requests),
        DEPROVISION: requests(db.deprovision_queue),
        QUIZ: compliance(db.quiz_panel),
        IDLE: compliance(db.idle_panel),
        COURSES: compliance(db.course_panel),
        LEAVERS: compliance(db.leaver_panel),
        ACTIVE: lambda store, w, ctx, limit: db.active_users(store, w, ctx.as_of, limit=limit),
    }[key]


def by_cycle_text(by_cycle: dict[str, int], ctx: Context) -> str:
    """'8 for the batch of 2026-12 (processed from Tue Dec 1), 4 for 2027-01 (from ...)'."""
    parts = []
    for cycle, n in sorted(by_cycle.items()):
        try:
            starts = cal.first_processing_day(cycle, ctx.closures)
        except ValueError:
            parts.append(f"{n} for cycle {cycle}")
            continue
        when = "processing from" if starts >= ctx.as_of else "due since"
        parts.append(f"{n} for the batch of {cycle} ({when} {starts:%a %b %-d})")
    return ", ".join(parts)


def summary(key: str, counts: dict, ctx: Context) -> str:
    """The panel's counts as a sentence."""
    n = counts["n_rows"]
    batches = f": {by_cycle_text(counts['by_cycle'], ctx)}" if counts.get("by_cycle") else ""
    if key == PROVISION:
        return (f"{n} provisioning request(s) waiting{batches}. New users get credentials "
                "around the 5th (C2).")
    if key == HELD:
        return (f"{n} held request(s){batches}. Each goes through once the missing "
                "requirements are met on the processing day (C3).")
    if key == DEPROVISION:
        return (f"{n} deprovisioning request(s) in the queue{batches}. Salesforce goes at "
                "once, when the request is submitted (the note says when), and is billed "
                "through the end of that month; the other applications go in the batch (C4).")
    if key == QUIZ:
        return (f"{n} user(s) have not passed the post-training quiz (not a sender); "
                f"{counts['n_overdue']} are past day {ctx.policy.quiz_deadline_days} and due "
                "for deprovisioning (Q1).")
    if key == IDLE:
        return (f"{n} application(s) on {counts['n_licenses']} license(s) not logged in to for "
                f"{ctx.policy.idle_months} months: due for deprovisioning (Q2).")
    if key == COURSES:
        return (f"{counts['n_contacts']} user(s): {counts['n_expiring']} course(s) expiring "
                f"within {ctx.policy.course_expiring_days} days, {counts['n_non_compliant']} "
                "missing or out of date (Q3).")
    if key == LEAVERS:
        return (f"{n} license(s) of {counts['n_contacts']} user(s) who no longer meet P3 "
                "(employment ended, or Person of Interest inactive): leavers, due for "
                "deprovisioning (Q4).")
    if key == QUEUE:
        will = ""
        if counts.get("will_hold_on"):
            will = (f" and {counts['n_will_hold']} more will be held by the "
                    f"{counts['will_hold_cycle']} batch on {counts['will_hold_on']:%a %b %-d} "
                    "(P1-P5 as of that day: fix them before then)")
        return (f"{n} provisioning request(s) in the queue{batches}; {counts['n_held']} of them "
                f"held{will}, each marked with what is missing: a held request goes through "
                "once its requirements are met on the processing day (C3). New users get "
                "credentials around the 5th (C2).")
    return (f"{n} active user(s) holding at least one application on {ctx.as_of.isoformat()}; "
            "Chatter Free users are counted apart from paid Salesforce users (B3).")


def _in_words(key: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Q4: the leaver's reason in words (the query gives its code)."""
    if key == LEAVERS and len(frame):
        from ecomm.leavers import REASON_LABEL
        frame = frame.assign(reason=[REASON_LABEL.get(r, r) for r in frame["reason"]])
    return frame


def queue_panel(provision: Panel, held: Panel, ctx: Context, prediction=None,
                pending_ids: list[str] | None = None) -> Panel:
    """D1 row 1: the provisioning requests in the queue, pending and held together in order of
    submission, each marked ``held`` with what is ``missing`` (C3); with a ``prediction``
    (``ecomm.batch.predict``) a pending request the next batch will hold is marked
    ``will_be_held`` with why in ``missing`` and counted in ``n_will_hold`` (over
    ``pending_ids``, every pending request of the filters, when the frame is cut short)."""
    will = prediction.will_hold if prediction is not None else {}
    ids = provision.frame["request"].tolist() if "request" in provision.frame else []
    pending = provision.frame.assign(
        held=False, will_be_held=[i in will for i in ids],
        missing=[prediction.sentence(i) if i in will else "" for i in ids])
    marked = held.frame.assign(held=True, will_be_held=False)
    for app in ref.APPLICATIONS:
        marked[app] = [app in str(a or "").split("; ") for a in marked["applications"]]
    for col in ("public_groups", "replaces_license"):
        if col not in marked:
            marked[col] = ""
    frame = pd.concat([pending, marked[pending.columns]], ignore_index=True) if len(marked) \
        else pending
    frame = frame.sort_values(["submitted", "request"], kind="stable").reset_index(drop=True)
    front = ["request", "submitted", "cycle", "held", "missing", "will_be_held"]
    frame = frame[front + [c for c in frame.columns if c not in front]]
    by_cycle = dict(provision.counts.get("by_cycle") or {})
    for cycle, n in (held.counts.get("by_cycle") or {}).items():
        by_cycle[cycle] = by_cycle.get(cycle, 0) + n
    n_will = sum(i in will for i in (ids if pending_ids is None else pending_ids))
    counts = {"n_rows": provision.count + held.count, "n_held": held.count,
              "n_will_hold": n_will, "by_cycle": dict(sorted(by_cycle.items()))}
    if prediction is not None:
        counts["will_hold_on"], counts["will_hold_cycle"] = prediction.on, prediction.cycle
    return Panel(spec=QUEUE_SPEC, frame=frame, counts=counts,
                 summary=summary(QUEUE, counts, ctx))


def panel(store, key: str, resolved: Resolved, ctx: Context, *, limit: int | None) -> Panel:
    """One panel for already-resolved filters (``QUEUE``: made from provision and held)."""
    if key == QUEUE:
        return predicted_queue(store, panel(store, PROVISION, resolved, ctx, limit=limit),
                               panel(store, HELD, resolved, ctx, limit=limit), resolved, ctx)
    frame, counts = _query(key)(store, resolved.where(), ctx, limit)
    frame = _in_words(key, frame)
    return Panel(spec=SPECS[key], frame=frame, counts=counts, summary=summary(key, counts, ctx))


def dashboard(store, identity: Identity, asked: DashboardFilters, as_of: date, *,
              limit: int | None = DISPLAY_LIMIT, keys: tuple[str, ...] = tuple(SPECS),
              prediction=None) -> Dashboard:
    """A1-A3: the viewer's dashboard on ``as_of`` for the filters asked (a specialist's campus
    is always their own); ``prediction``: the next batch's holds when already known
    (``ecomm.batch.predict.c3_predicted_holds`` of the same day and data)."""
    resolved = resolve(identity, asked)
    ctx = context(store, as_of)
    out = Dashboard(resolved=resolved, as_of=as_of, policy=ctx.policy)
    if set(keys) == set(db.PANEL_KEYS):  # every panel: one query sharing the scoped pass
        got = db.all_panels(store, resolved.where(), ctx.as_of, ctx.policy,
                            cutoffs=ctx.cutoffs, limit=limit)
        for key in keys:
            frame, counts = got[key]
            frame = _in_words(key, frame)
            out.panels[key] = Panel(spec=SPECS[key], frame=frame, counts=counts,
                                    summary=summary(key, counts, ctx))
    else:
        for key in keys:
            out.panels[key] = panel(store, key, resolved, ctx, limit=limit)
    if PROVISION in out.panels and HELD in out.panels:  # D1 row 1
        out.panels[QUEUE] = predicted_queue(store, out.panels[PROVISION], out.panels[HELD],
                                            resolved, ctx, prediction)
    return out


def predicted_queue(store, provision: Panel, held: Panel, resolved: Resolved, ctx: Context,
                    prediction=None) -> Panel:
    """D1 row 1 with the next batch's predicted holds (C3, ``ecomm.batch.predict``: the
    batch's own plan as of its processing day, made here unless given); the pending requests
    read in full only when the panel shows part of them."""
    if prediction is None:
        from ecomm.batch.predict import c3_predicted_holds   # here: the batch imports much
        prediction = c3_predicted_holds(store, ctx.as_of)
    ids = None
    if provision.truncated and prediction.will_hold:
        full = panel(store, PROVISION, resolved, ctx, limit=None).frame
        ids = full["request"].tolist()
    return queue_panel(provision, held, ctx, prediction, ids)


def panel_rows(store, identity: Identity, asked: DashboardFilters, as_of: date, key: str
               ) -> pd.DataFrame:
    """A1-A3: every row of one panel (for the CSV and XLSX downloads)."""
    resolved = resolve(identity, asked)
    return panel(store, key, resolved, context(store, as_of), limit=None).frame


def filter_choices(store, resolved: Resolved) -> dict[str, list[str]]:
    """The values each filter offers this viewer (a specialist: their campus only; the public
    groups of their campus and of licenses naming them as additional specialist)."""
    campuses = list(ref.CAMPUSES) if resolved.campuses is None else list(resolved.campuses)
    groups = db.public_groups(store, None if resolved.campuses is None
                              else tuple(resolved.campuses), resolved.email)
    return {"campus": campuses, "billing_campus": list(ref.CAMPUSES), "public_group": groups}


def file_name(key: str, resolved: Resolved, as_of: date, ext: str) -> str:
    """``dashboard-quiz-Boulder-2026-11-23.csv``."""
    f = resolved.filters
    parts = ["dashboard", key, f.campus or "all-campuses"]
    if f.billing_campus:
        parts.append(f"billed-{f.billing_campus}")
    if f.public_group:
        parts.append(f.public_group)
    stem = "-".join(parts) + f"-{as_of.isoformat()}"
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in stem)
    return f"{safe}.{ext}"


def deprovision_reason(store, key: str) -> str:
    """Q1-Q4: the reason offered for sending a panel's rows to deprovisioning."""
    return default_reason(key, load_policy(store))


def deprovision_items(key: str, rows: pd.DataFrame, reason: str) -> list[DeprovisionItem]:
    """Q1-Q3: the selected rows of a compliance panel as deprovisioning items, one per license
    (as ecomm.compliance_actions makes them): Q1 every application held, Q2 the idle
    applications, Q3 every license of the contact with all its applications."""
    if key not in (QUIZ, IDLE, COURSES, LEAVERS):
        raise ValueError(f"{key} is not a compliance panel")
    apps: dict[str, set[str] | None] = {}
    for row in rows.to_dict("records"):
        if key == IDLE:
            held = apps.setdefault(row["license_number"], set())
            if held is not None:
                held.add(row["application"])
            continue
        numbers = ([row["license_number"]] if key in (QUIZ, LEAVERS)
                   else [n for n in str(row.get("license_numbers") or "").split("; ") if n])
        for number in numbers:
            apps[number] = None
    return [DeprovisionItem(license_number=ln, reason=reason,
                            applications=None if held is None
                            else [a for a in ref.APPLICATIONS if a in held])
            for ln, held in apps.items()]
