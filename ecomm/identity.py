"""Who is acting: an app user with a role (A1-A3). Plain values; no Streamlit here."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from ecomm import reference as ref


class Identity(BaseModel):
    """A signed-in person, as the users table knows them."""

    email: str
    name: str
    role: str  # specialist | system | manager
    campus: str | None = None
    quiz_passed_on: date | None = None
    active: bool = True

    @property
    def is_system(self) -> bool:
        return self.role == ref.APP_SYSTEM

    @property
    def is_specialist(self) -> bool:
        return self.role == ref.APP_SPECIALIST

    @property
    def is_manager(self) -> bool:
        return self.role == ref.APP_MANAGER

    @property
    def role_label(self) -> str:
        return ref.APP_ROLE_LABEL.get(self.role, self.role)


# The identity the CLI acts as: the System team at a terminal (A2).
CLI_ACTOR = Identity(email="cli@system", name="Command line", role=ref.APP_SYSTEM)
