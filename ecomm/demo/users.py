"""The demo's app users (users.csv). Other tests and the browser tests sign in with these emails."""
from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from ecomm import reference as ref


class DemoUser(BaseModel):
    """One person who uses the app in the demo (A1-A3; P14: quiz_passed)."""

    model_config = ConfigDict(frozen=True)

    email: str
    name: str
    role: str
    campus: str | None = None
    quiz_passed: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(email="sam.system@cu.edu", name="Sam Rivera", role=ref.APP_SYSTEM),
    DemoUser(email="morgan.manager@cu.edu", name="Morgan Lee", role=ref.APP_MANAGER),
    DemoUser(email="ecomm.anschutz@cuanschutz.edu", name="Jason Okafor", role=ref.APP_SPECIALIST,
             campus="Anschutz", quiz_passed=True),
    DemoUser(email="ecomm.boulder@colorado.edu", name="Priya Natarajan", role=ref.APP_SPECIALIST,
             campus="Boulder", quiz_passed=True),
    DemoUser(email="ecomm.bouldadv@colorado.edu", name="Tessa Fairbanks", role=ref.APP_SPECIALIST,
             campus="Boulder Advancement", quiz_passed=True),
    DemoUser(email="ecomm.denver@ucdenver.edu", name="Marcus Bell", role=ref.APP_SPECIALIST,
             campus="Denver", quiz_passed=True),
    DemoUser(email="ecomm.uccs@uccs.edu", name="Rachel Kim", role=ref.APP_SPECIALIST,
             campus="UCCS", quiz_passed=True),
    DemoUser(email="ecomm.system@cu.edu", name="Dana Whitfield", role=ref.APP_SPECIALIST,
             campus="System", quiz_passed=True),
    # P14: a new specialist who has not passed the license-change quiz: can view, not submit.
    DemoUser(email="new.specialist@colorado.edu", name="Casey Novak", role=ref.APP_SPECIALIST,
             campus="Boulder", quiz_passed=False),
)

# The specialist who submits for (and is named on the licenses of) each campus.
CAMPUS_SPECIALIST: dict[str, str] = {
    u.campus: u.email for u in DEMO_USERS if u.role == ref.APP_SPECIALIST and u.quiz_passed
}
NEW_SPECIALIST = "new.specialist@colorado.edu"


def specialist_for(campus: str) -> str:
    """The email of the campus's (quiz-passed) eComm specialist."""
    return CAMPUS_SPECIALIST[campus]


def quiz_passed_on(user: DemoUser, as_of: date) -> date | None:
    """P14: when a demo specialist passed the quiz, or None: before the previous fiscal year's
    start, since the demo's activity has them approve last year's invoices (P14 on every
    specialist write, issue 14)."""
    from ecomm.demo.dates import fiscal_year, fy_start

    if not user.quiz_passed:
        return None
    return fy_start(fiscal_year(as_of) - 1) - timedelta(days=30 + 9 * DEMO_USERS.index(user))


def user_rows(as_of: date) -> list[dict]:
    """users.csv rows."""
    return [{"email": u.email, "name": u.name, "role": u.role, "campus": u.campus,
             "quiz_passed_on": quiz_passed_on(u, as_of)} for u in DEMO_USERS]


def primary_specialist_rows() -> list[dict]:
    """P17: reference.csv rows naming each campus's primary eComm specialist."""
    return [{"kind": "primary_specialist", "campus": campus, "value": email, "label": "",
             "active": True} for campus, email in sorted(CAMPUS_SPECIALIST.items())]
