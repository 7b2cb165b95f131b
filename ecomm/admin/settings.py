"""The Policy values of rules.md as settings the System team changes (A2, audited A4)."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from ecomm import clock, policy
from ecomm import reference as ref
from ecomm.emails import check_sender
from ecomm.errors import EcommError, NotFound
from ecomm.identity import Identity
from ecomm.permissions import require_system
from ecomm.storage import admin as admin_sql
from ecomm.storage import audit
from ecomm.storage import settings as settings_sql


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
    stored = {r["key"]: r for r in admin_sql.setting_rows(store)}
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
        before = admin_sql.get_setting_cur(cur, key)
        if before == value:
            return value
        admin_sql.upsert_setting(cur, key, value, clock.now_utc(), actor.email)
        audit.record(cur, actor=actor.email, action="update", entity="setting",
                     entity_id=key, before=before, after=value, detail=spec.rule)
        return value

    return store.write(run)


def load_policy(store) -> policy.Policy:
    """The Policy as the System team set it under Admin > Settings (the default for any value
    not stored), for the pages; services read it with ``storage.settings.load_policy``."""
    return settings_sql.load_policy(store)
