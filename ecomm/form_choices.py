"""What the request form offers (seed 000's screens): the campuses a person may submit for
(P6), the campus's eComm specialists, business units and public groups (P11), speedtypes
(P12), the same-campus licenses a new user may replace (P10) and whether super-user
permissions may be asked for (P8). Reads only; the rules themselves stay in ``ecomm.rules``."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from ecomm import permissions
from ecomm import reference as ref
from ecomm.identity import Identity
from ecomm.rules.contact import normalise_campus
from ecomm.storage import admin as admin_db
from ecomm.storage import speedtypes
from ecomm.storage import form_choices as form_choices_sql
from ecomm.storage.settings import load_policy
from ecomm.storage.specialists import primary_specialist


class Choice(BaseModel):
    """One option of a picker: the value stored and the words shown."""

    value: str
    label: str


class FormChoices(BaseModel):
    """The options of the provisioning form for one campus."""

    campus: str
    specialists: list[Choice] = Field(default_factory=list)   # active eComm specialists
    default_specialist: str | None = None                     # the campus's specialist
    business_units: list[str] = Field(default_factory=list)   # fixed choices first
    public_groups: list[str] = Field(default_factory=list)
    super_user_allowed: bool = False
    super_user_campuses: list[str] = Field(default_factory=list)


def request_campuses(actor: Identity) -> list[str]:
    """P6: the campuses this person may submit requests for (a specialist: their own)."""
    if actor is None or not actor.active:
        return []
    if actor.is_system:
        return list(ref.CAMPUSES)
    if actor.is_specialist and actor.campus:
        return [actor.campus]
    return []


def readable_campuses(actor: Identity) -> list[str]:
    """A1-A3: the campuses whose readiness this person may look at."""
    return permissions.visible_campuses(actor)


def _values(store, campus: str, kind: str) -> list[str]:
    return [r["value"] for r in admin_db.list_reference(store, campus=campus, kind=kind,
                                                        include_inactive=False)]


def _specialists(store) -> list[dict]:
    return [u for u in admin_db.list_users(store, include_inactive=False)
            if u["role"] == ref.APP_SPECIALIST]


def campus_specialist(store, campus: str, actor: Identity | None = None) -> str | None:
    """P17: the eComm specialist a request of ``campus`` names by default: the submitter when
    they are that campus's specialist, else the campus's primary specialist (reference data,
    else its specialist who passed the quiz, P14)."""
    if actor is not None and actor.is_specialist and actor.campus == campus:
        return actor.email
    return primary_specialist(store, campus)


def form_choices(store, actor: Identity, campus: str) -> FormChoices:
    """P6, P8, P11: the provisioning form's options at ``campus`` for this person."""
    campus = normalise_campus(campus)
    permissions.require_campus(actor, campus)
    policy = load_policy(store)
    people = [Choice(value=u["email"], label=f"{u['name']} ({u['campus']}, {u['email']})")
              for u in sorted(_specialists(store), key=lambda u: (u["campus"] or "", u["name"]))]
    return FormChoices(
        campus=campus, specialists=people,
        default_specialist=campus_specialist(store, campus, actor),
        business_units=[*ref.FIXED_BUSINESS_UNITS, *_values(store, campus, "business_unit")],
        public_groups=[*ref.FIXED_PUBLIC_GROUPS, *_values(store, campus, "public_group")],
        super_user_allowed=campus in policy.super_user_campuses,
        super_user_campuses=list(policy.super_user_campuses))


def speedtype_choices(store, billing_campus: str) -> tuple[list[Choice], str | None]:
    """P12: the billing campus's active speedtypes (plus "New SpeedType Needed") and the
    default: the campus's default campus billing speedtype (reference data, rev 2), else the
    one most of its licenses carry, if any."""
    billing_campus = normalise_campus(billing_campus)
    rows = admin_db.list_reference(store, campus=billing_campus, kind="speedtype",
                                   include_inactive=False)
    options = [Choice(value=r["value"], label=f"{billing_campus} – {r['value']}"
                      + (f" ({r['label']})" if r["label"] else "")) for r in rows]
    # P12 (rev 2): the campus's default campus billing speedtype (reference data) comes first
    campus_default = speedtypes.campus_default(store, billing_campus)
    if campus_default and campus_default not in {o.value for o in options}:
        options.insert(0, Choice(value=campus_default,
                                 label=f"{campus_default} (campus default)"))
    options += [Choice(value=v, label=v) for v in ref.FIXED_SPEEDTYPES]
    usual = campus_default or form_choices_sql.usual_campus_speedtype(store, billing_campus)
    default = usual if usual in {o.value for o in options} else None
    return options, default


def _state(row: dict) -> tuple[int, str]:
    if row["pending_deprovision"]:
        return 0, "deprovisioning pending"
    if not row["held"]:
        removed = row["last_removed_on"]
        return 1, f"deprovisioned {removed.isoformat()}" if removed else "holds nothing"
    return 2, "still holds " + ", ".join(row["held"])


def replaceable_licenses(store, actor: Identity, campus: str, on: date, *,
                         except_contact: str | None = None) -> list[Choice]:
    """P10: the licenses of ``campus`` a new user may replace, those deprovisioned or with a
    deprovisioning request pending first (the others are shown but P10 refuses them)."""
    campus = normalise_campus(campus)
    permissions.require_campus(actor, campus)
    rows = [r for r in form_choices_sql.campus_licenses(store, campus, on)
            if r["contact_id"] != except_contact]
    ranked = sorted(rows, key=lambda r: (_state(r)[0], (r["name"] or "").lower()))
    return [Choice(value=r["license_number"],
                   label=f"{r['name'] or r['contact_id']} · {r['license_number']} · {_state(r)[1]}")
            for r in ranked]
