"""Rows for compliance and notification tests, inserted with SQL (the importer is separate)."""
from __future__ import annotations

from datetime import date

from ecomm import reference as ref
from ecomm.identity import Identity

SYSTEM = Identity(email="sys@cu.edu", name="System Person", role=ref.APP_SYSTEM)
SPECIALIST = Identity(email="spec.boulder@cu.edu", name="Boulder Specialist",
                      role=ref.APP_SPECIALIST, campus="Boulder", quiz_passed_on=date(2025, 1, 1))
MANAGER = Identity(email="boss@cu.edu", name="A Manager", role=ref.APP_MANAGER)


def add_contact(store, contact_id: str, first: str = "Ada", last: str = "Lovelace",
                ucb_email: str | None = None, email: str | None = None, **fields) -> None:
    cols = {"contact_id": contact_id, "first_name": first, "last_name": last,
            "ucb_email": ucb_email, "email": email, **fields}
    store.write(lambda cur: cur.execute(
        f"INSERT INTO contacts ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        list(cols.values())))


def add_license(store, license_number: str, contact_id: str, campus: str = "Boulder",
                specialist: str | None = "spec.boulder@cu.edu",
                additional: list[str] | None = None, quiz_passed_on: date | None = None,
                not_a_sender: bool | None = None) -> None:
    if not_a_sender is None:
        not_a_sender = quiz_passed_on is None
    store.write(lambda cur: cur.execute(
        "INSERT INTO licenses (license_number, contact_id, affiliated_campus, ecomm_specialist, "
        "additional_specialists, quiz_passed_on, not_a_sender) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [license_number, contact_id, campus, specialist, additional, quiz_passed_on, not_a_sender]))


def add_app(store, license_number: str, application: str, provisioned_on: date,
            deprovisioned_on: date | None = None, last_login_on: date | None = None) -> None:
    store.write(lambda cur: cur.execute(
        "INSERT INTO license_apps (license_number, application, provisioned_on, deprovisioned_on, "
        "last_login_on) VALUES (?, ?, ?, ?, ?)",
        [license_number, application, provisioned_on, deprovisioned_on, last_login_on]))


def add_completion(store, contact_id: str, course: str, completed_on: date) -> None:
    store.write(lambda cur: cur.execute(
        "INSERT INTO course_completions VALUES (?, ?, ?)", [contact_id, course, completed_on]))


def add_user(store, contact_id: str, license_number: str, provisioned_on: date, *,
             campus: str = "Boulder", apps=("Salesforce",), quiz_passed_on: date | None = None,
             courses_on: date | None = None, last_login_on: date | None = None,
             specialist: str | None = "spec.boulder@cu.edu", first: str = "Ada",
             last: str = "Lovelace") -> None:
    """A contact with one license holding ``apps`` and, if given, all three courses."""
    add_contact(store, contact_id, first, last, ucb_email=f"{contact_id.lower()}@colorado.edu",
                email=f"{contact_id.lower()}@example.org")
    add_license(store, license_number, contact_id, campus, specialist,
                quiz_passed_on=quiz_passed_on)
    for a in apps:
        add_app(store, license_number, a, provisioned_on, last_login_on=last_login_on)
    if courses_on is not None:
        for c in ref.COURSES:
            add_completion(store, contact_id, c, courses_on)
