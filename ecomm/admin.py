"""The System team's administration services (A2): app users and roles, reference data per
campus, Policy settings and extra closure dates. Every call is permission-checked here and
every change is audited with its before and after (A4)."""
from __future__ import annotations

import io
import json
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel, ValidationError, field_validator, model_validator

from ecomm import clock, policy
from ecomm import reference as ref
from ecomm.errors import EcommError, NotFound, from_validation_error
from ecomm.emails import check_email, check_sender
from ecomm.identity import Identity
from ecomm.permissions import require_system
from ecomm.storage import admin as db
from ecomm.storage import audit

REFERENCE_KIND_LABEL = {"business_unit": "business unit", "public_group": "public group",
                        "speedtype": "speedtype", "primary_specialist": "primary specialist",
                        "campus_billing_speedtype": "campus billing speedtype"}


# -- sign-in lookups (no permission needed: this is how a person is recognised) --------
def find_identity(store, email: str | None) -> Identity | None:
    """The app user with this email (any case), active or not, or None."""
    if not email or not email.strip():
        return None
    row = db.get_user(store, email)
    return Identity(**row) if row else None


def active_identities(store) -> list[Identity]:
    """Every active app user (the development sign-in's picker)."""
    return [Identity(**r) for r in db.list_users(store, include_inactive=False)]


# -- users and roles -------------------------------------------------------------------
class AppUserInput(BaseModel):
    """A person who uses the app, as the Admin page's form or users.csv gives them."""

    email: str
    name: str
    role: str
    campus: str | None = None
    quiz_passed_on: date | None = None
    active: bool = True

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        return check_email(v)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        v = (v or "").strip()
        if not v:
            raise ValueError("give the person's name")
        return v

    @field_validator("role")
    @classmethod
    def _role(cls, v: str) -> str:
        key = (v or "").strip().lower()
        for role, label in ref.APP_ROLE_LABEL.items():
            if key in (role, label.lower()):
                return role
        raise ValueError("choose eComm specialist, System team or Manager")

    @field_validator("campus")
    @classmethod
    def _campus(cls, v: str | None) -> str | None:
        if v is None or not str(v).strip():
            return None
        campus = ref.canonical_campus(v)
        if campus is None:
            raise ValueError(f"{v!r} is not a campus (one of {', '.join(ref.CAMPUSES)})")
        return campus

    @model_validator(mode="after")
    def _specialist_has_campus(self) -> "AppUserInput":
        if self.role == ref.APP_SPECIALIST and not self.campus:
            raise ValueError("an eComm specialist needs a campus (A1)")
        return self


def _user_input(**fields) -> AppUserInput:
    try:
        return AppUserInput(**fields)
    except ValidationError as exc:
        raise from_validation_error(exc, "The user") from None


def list_users(store, actor: Identity) -> list[Identity]:
    """A2: every app user, active first."""
    require_system(actor, "manage app users")
    return [Identity(**r) for r in db.list_users(store)]


def add_user(store, actor: Identity, **fields) -> Identity:
    """A2: add a person who may use the app (email, name, role, campus, quiz_passed_on)."""
    require_system(actor, "add app users")
    data = _user_input(**fields)

    def run(cur):
        if db.get_user_cur(cur, data.email):
            raise EcommError(f"{data.email} is already an app user: edit them instead.")
        row = data.model_dump()
        db.insert_user(cur, row)
        audit.record(cur, actor=actor.email, action="add", entity="app_user",
                     entity_id=data.email, campus=data.campus, after=row)
        return Identity(**row)

    return store.write(run)


def update_user(store, actor: Identity, email: str, **fields) -> Identity:
    """A2: change a person's name, role, campus, quiz pass date (P14) or active flag."""
    require_system(actor, "change app users")
    email = (email or "").strip().lower()

    def run(cur):
        before = db.get_user_cur(cur, email)
        if before is None:
            raise NotFound(f"There is no app user {email}.")
        data = _user_input(**{**before, **fields, "email": email})
        after = data.model_dump()
        if email == actor.email.lower() and (after["role"] != ref.APP_SYSTEM or not after["active"]):
            raise EcommError("You cannot remove your own System team access: "
                             "ask another System team member to do it.")
        if (before["role"] == ref.APP_SYSTEM and before["active"]
                and (after["role"] != ref.APP_SYSTEM or not after["active"])
                and db.count_active_system_users(cur) <= 1):
            raise EcommError("This is the last active System team member; add another first.")
        if after == before:
            return Identity(**after)
        db.update_user(cur, after)
        audit.record(cur, actor=actor.email, action="update", entity="app_user",
                     entity_id=email, campus=after["campus"] or before["campus"],
                     before=before, after=after)
        return Identity(**after)

    return store.write(run)


def deactivate_user(store, actor: Identity, email: str) -> Identity:
    """A2: the person can no longer sign in; their history stays."""
    return update_user(store, actor, email, active=False)


# -- reference data per campus ---------------------------------------------------------
def _ref_key(kind: str, campus: str, value: str) -> tuple[str, str, str]:
    k = (kind or "").strip().lower().replace(" ", "_")
    if k not in ref.REFERENCE_KINDS:
        raise EcommError(f"{kind!r} is not a kind of reference data: choose business unit, "
                         "public group or speedtype.")
    c = ref.canonical_campus(campus)
    if c is None:
        raise EcommError(f"{campus!r} is not a campus (one of {', '.join(ref.CAMPUSES)}).")
    v = (value or "").strip()
    if not v:
        raise EcommError(f"Give the {REFERENCE_KIND_LABEL[k]}'s value.")
    if ";" in v:
        raise EcommError(f"{v!r}: a value cannot contain ';' (it separates list items).")
    if k == "speedtype" and ":" in v:
        raise EcommError(f"{v!r}: a speedtype cannot contain ':' (it separates the percentage).")
    return k, c, v


def _ref_id(kind: str, campus: str, value: str) -> str:
    return f"{kind}/{campus}/{value}"


def list_reference(store, actor: Identity, campus: str | None = None,
                   kind: str | None = None) -> list[dict]:
    """A2: the business units, public groups and speedtypes kept per campus."""
    require_system(actor, "manage reference data")
    return db.list_reference(store, campus=campus, kind=kind)


def add_reference(store, actor: Identity, kind: str, campus: str, value: str,
                  label: str | None = None) -> dict:
    """A2: add a business unit, public group or speedtype to a campus's list."""
    require_system(actor, "change reference data")
    k, c, v = _ref_key(kind, campus, value)
    row = {"kind": k, "campus": c, "value": v, "label": (label or "").strip() or None,
           "active": True}

    def run(cur):
        existing = db.get_reference_cur(cur, k, c, v)
        if existing:
            state = "" if existing["active"] else " (inactive: reactivate it instead)"
            raise EcommError(f"{c} already has the {REFERENCE_KIND_LABEL[k]} {v!r}{state}.")
        db.insert_reference(cur, row)
        audit.record(cur, actor=actor.email, action="add", entity="reference_value",
                     entity_id=_ref_id(k, c, v), campus=c, after=row)
        return row

    return store.write(run)


def update_reference(store, actor: Identity, kind: str, campus: str, value: str, *,
                     label: str | None = None, active: bool | None = None) -> dict:
    """A2: relabel, deactivate or reactivate a reference value (the value itself is a key)."""
    require_system(actor, "change reference data")
    k, c, v = _ref_key(kind, campus, value)

    def run(cur):
        before = db.get_reference_cur(cur, k, c, v)
        if before is None:
            raise NotFound(f"{c} has no {REFERENCE_KIND_LABEL[k]} {v!r}.")
        after = dict(before)
        if label is not None:
            after["label"] = label.strip() or None
        if active is not None:
            after["active"] = bool(active)
        if after == before:
            return after
        db.update_reference(cur, after)
        action = "update" if after["active"] == before["active"] else (
            "reactivate" if after["active"] else "deactivate")
        audit.record(cur, actor=actor.email, action=action, entity="reference_value",
                     entity_id=_ref_id(k, c, v), campus=c, before=before, after=after)
        return after

    return store.write(run)


def deactivate_reference(store, actor: Identity, kind: str, campus: str, value: str) -> dict:
    """A2: the value is no longer offered in forms; licenses that carry it keep it."""
    return update_reference(store, actor, kind, campus, value, active=False)


# -- settings (Policy values of rules.md) ----------------------------------------------
class SettingView(BaseModel):
    """One Policy value as the Admin page shows it."""

    key: str
    rule: str
    description: str
    value: Any
    text: str
    default_text: str
    updated_at: datetime | None = None
    updated_by: str | None = None


def format_setting(value: Any) -> str:
    """A setting's value as a person types it (lists comma-separated)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def list_settings(store, actor: Identity) -> list[SettingView]:
    """A2: every Policy value with its rule, description, current value and who last set it."""
    require_system(actor, "manage settings")
    stored = {r["key"]: r for r in db.setting_rows(store)}
    out = []
    for spec in policy.SETTINGS:
        row = stored.get(spec.key, {})
        value = json.loads(row["value"]) if row else spec.default
        out.append(SettingView(key=spec.key, rule=spec.rule, description=spec.description,
                               value=value, text=format_setting(value),
                               default_text=format_setting(spec.default),
                               updated_at=row.get("updated_at"),
                               updated_by=row.get("updated_by")))
    return out


def _check_setting(key: str, value: Any) -> Any:
    """Beyond parse_setting's syntax: the value must make sense for its rule."""
    rule = policy.SETTINGS_BY_KEY[key].rule
    if key == "super_user_campuses":
        out = []
        for item in value:
            c = ref.canonical_campus(item)
            if c is None:
                raise ValueError(f"{item!r} is not a campus (one of {', '.join(ref.CAMPUSES)}).")
            out.append(c)
        return out
    if key == "billable_applications":
        out = []
        for item in value:
            a = ref.canonical_choice(item, ref.APPLICATIONS)
            if a is None:
                raise ValueError(f"{item!r} is not an application "
                                 f"(one of {', '.join(ref.APPLICATIONS)}).")
            out.append(a)
        return out
    if key == "smtp_from" and value:
        return check_sender(value)
    if key.startswith("job_") and key.endswith("_hour"):
        if not 0 <= value <= 23:
            raise ValueError("give an hour of the day from 0 to 23 (Denver time).")
        return value
    if key == "credentials_day" and not 1 <= value <= 31:
        raise ValueError("give a day of the month from 1 to 31.")
    if key == "quiz_reminder_days":
        if not value or any(d < 1 for d in value) or value != sorted(set(value)):
            raise ValueError("give increasing whole numbers of days, e.g. 14, 30, 45, 55.")
    elif isinstance(value, int) and not isinstance(value, bool) and value < 1:
        raise ValueError(f"must be at least 1 ({rule}).")
    return value


def update_setting(store, actor: Identity, key: str, text: str) -> Any:
    """A2: set one Policy value from what the person typed; a bad value is refused with why."""
    require_system(actor, "change settings")
    spec = policy.SETTINGS_BY_KEY.get(key)
    if spec is None:
        raise NotFound(f"There is no setting called {key!r}.")
    try:
        value = _check_setting(key, policy.parse_setting(key, text))
    except ValueError as exc:
        msg = str(exc).removeprefix(f"{key}: ")
        raise EcommError(f"{spec.rule} {spec.description}: {msg}") from None

    def run(cur):
        before = db.get_setting_cur(cur, key)
        if before == value:
            return value
        db.upsert_setting(cur, key, value, clock.now_utc(), actor.email)
        audit.record(cur, actor=actor.email, action="update", entity="setting",
                     entity_id=key, before=before, after=value, detail=spec.rule)
        return value

    return store.write(run)


# -- extra holidays (C1 closures) ------------------------------------------------------
def list_holidays(store, actor: Identity) -> list[dict]:
    """A2: the closure dates added to the US federal holidays (C1)."""
    require_system(actor, "manage closure dates")
    return db.list_holidays(store)


def add_holiday(store, actor: Identity, day: date, name: str) -> dict:
    """C1: add a closure date; it stops being a business day for cutoffs and processing."""
    require_system(actor, "add closure dates")
    name = (name or "").strip()
    if not isinstance(day, date):
        raise EcommError("Give the closure's date.")
    if not name:
        raise EcommError("Give the closure a name (e.g. 'Winter closure').")
    row = {"date": day, "name": name}

    def run(cur):
        existing = db.get_holiday_cur(cur, day)
        if existing:
            raise EcommError(f"{day.isoformat()} is already a closure ({existing['name']}).")
        db.insert_holiday(cur, day, name)
        audit.record(cur, actor=actor.email, action="add", entity="extra_holiday",
                     entity_id=day.isoformat(), after=row)
        return row

    return store.write(run)


def remove_holiday(store, actor: Identity, day: date) -> dict:
    """C1: the date is a business day again (unless a weekend or federal holiday)."""
    require_system(actor, "remove closure dates")

    def run(cur):
        before = db.get_holiday_cur(cur, day)
        if before is None:
            raise NotFound(f"{day.isoformat()} is not one of the extra closure dates.")
        db.delete_holiday(cur, day)
        audit.record(cur, actor=actor.email, action="remove", entity="extra_holiday",
                     entity_id=day.isoformat(), before=before)
        return before

    return store.write(run)


# -- data in and out (A2) --------------------------------------------------------------
def import_data(store, actor: Identity, files: dict[str, bytes],
                progress: Callable | None = None):
    """A2, A4: load uploaded CSV files or one XLSX workbook, all or nothing (import format).

    Raises ``ImportRefused`` listing every bad row; returns the importer's ImportReport."""
    require_system(actor, "import data")
    if not files:
        raise EcommError("Choose the CSV files or the XLSX workbook to import.")
    from ecomm import importer

    return importer.import_files(store, files, actor=actor.email, progress=progress)


def export_zip(store, actor: Identity) -> bytes:
    """A2: the whole database in the import format (a backup `import` reads back), zipped."""
    require_system(actor, "export the database")
    from ecomm import exporter

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "export"
        exporter.export_path(store, folder)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(folder).as_posix())
        return buf.getvalue()
