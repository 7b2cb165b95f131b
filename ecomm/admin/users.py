"""App users and roles (A2): who may use the app, as what, for which campus. The sign-in
lookups need no permission (this is how a person is recognised); every change is the System
team's and is audited with its before and after (A4)."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ValidationError, field_validator, model_validator

from ecomm import reference as ref
from ecomm.emails import check_email
from ecomm.errors import EcommError, NotFound, from_validation_error
from ecomm.identity import Identity
from ecomm.permissions import require_system
from ecomm.storage import admin as admin_sql
from ecomm.storage import audit


# -- sign-in lookups (no permission needed: this is how a person is recognised) --------
def find_identity(store, email: str | None) -> Identity | None:
    """The app user with this email (any case), active or not, or None."""
    if not email or not email.strip():
        return None
    row = admin_sql.get_user(store, email)
    return Identity(**row) if row else None


def active_identities(store) -> list[Identity]:
    """Every active app user (the development sign-in's picker)."""
    return [Identity(**r) for r in admin_sql.list_users(store, include_inactive=False)]


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
    return [Identity(**r) for r in admin_sql.list_users(store)]


def add_user(store, actor: Identity, **fields) -> Identity:
    """A2: add a person who may use the app (email, name, role, campus, quiz_passed_on)."""
    require_system(actor, "add app users")
    data = _user_input(**fields)

    def run(cur):
        if admin_sql.get_user_cur(cur, data.email):
            raise EcommError(f"{data.email} is already an app user: edit them instead.")
        row = data.model_dump()
        admin_sql.insert_user(cur, row)
        audit.record(cur, actor=actor.email, action="add", entity="app_user",
                     entity_id=data.email, campus=data.campus, after=row)
        return Identity(**row)

    return store.write(run)


def update_user(store, actor: Identity, email: str, **fields) -> Identity:
    """A2: change a person's name, role, campus, quiz pass date (P14) or active flag."""
    require_system(actor, "change app users")
    email = (email or "").strip().lower()

    def run(cur):
        before = admin_sql.get_user_cur(cur, email)
        if before is None:
            raise NotFound(f"There is no app user {email}.")
        data = _user_input(**{**before, **fields, "email": email})
        after = data.model_dump()
        if email == actor.email.lower() and (after["role"] != ref.APP_SYSTEM or not after["active"]):
            raise EcommError("You cannot remove your own System team access: "
                             "ask another System team member to do it.")
        if (before["role"] == ref.APP_SYSTEM and before["active"]
                and (after["role"] != ref.APP_SYSTEM or not after["active"])
                and admin_sql.count_active_system_users(cur) <= 1):
            raise EcommError("This is the last active System team member; add another first.")
        if after == before:
            return Identity(**after)
        admin_sql.update_user(cur, after)
        audit.record(cur, actor=actor.email, action="update", entity="app_user",
                     entity_id=email, campus=after["campus"] or before["campus"],
                     before=before, after=after)
        return Identity(**after)

    return store.write(run)


def deactivate_user(store, actor: Identity, email: str) -> Identity:
    """A2: the person can no longer sign in; their history stays."""
    return update_user(store, actor, email, active=False)
