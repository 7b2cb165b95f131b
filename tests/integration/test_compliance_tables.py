"""The Compliance page's tables (Q1-Q3), made straight from the SQL frames, hold exactly the rows
of the lists of rows (``quiz_list``, ``idle_list``, ``course_list``, which the messages use):
same rows, columns, order and values; the counts, filters and requests made from selected rows
are those of the rows too."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from ecomm import compliance_frames as cf
from ecomm.compliance import COURSE_STATUS_LABEL
from ecomm.compliance_actions import COURSES, IDLE, QUIZ, course_items, idle_items, quiz_items, table_items
from ecomm.identity import Identity
from ecomm.policy import Policy
from ecomm.storage import compliance as sc
from tests.integration.compliance_seed import SPECIALIST, SYSTEM
from tests.integration.test_compliance_lists import AS_OF_DAYS, _random_data

P = Policy()
DENVER = Identity(email="s3@cu.edu", name="Denver Specialist", role="specialist", campus="Denver")


def _people(r) -> dict:
    return {"name": r.full_name, "campus": r.campus, "specialists": ", ".join(r.specialists)}


# The page's tables as they were made from the rows (one dict per row), for comparison.
def quiz_reference(rows) -> pd.DataFrame:
    return pd.DataFrame([{
        "license": r.license_number, **_people(r), "user email": r.user_email,
        "provisioned on": r.provisioned_on, "days since": r.days_since,
        "quiz deadline": r.quiz_deadline, "reminder due (day)": r.reminder_due,
        "overdue": r.overdue} for r in rows], columns=cf.QUIZ_COLUMNS)


def idle_reference(rows) -> pd.DataFrame:
    return pd.DataFrame([{
        "license": r.license_number, **_people(r), "application": r.application,
        "provisioned on": r.provisioned_on, "last login": r.last_login_on,
        "idle since": r.idle_since, "idle on": r.idle_on} for r in rows], columns=cf.IDLE_COLUMNS)


def course_reference(rows) -> pd.DataFrame:
    return pd.DataFrame([{
        "contact": r.contact_id, **_people(r), "course": r.course,
        "status": COURSE_STATUS_LABEL[r.status], "completed on": r.completed_on,
        "expires on": r.expires_on, "licenses": ", ".join(r.license_numbers)} for r in rows],
        columns=cf.COURSE_COLUMNS)


def _cells(frame: pd.DataFrame) -> list[list]:
    return [[None if not isinstance(v, str) and pd.isna(v) else v for v in row]
            for row in frame.itertuples(index=False)]


def _same(table: pd.DataFrame, reference: pd.DataFrame) -> None:
    assert list(table.columns) == list(reference.columns)
    assert _cells(table) == _cells(reference)
    assert table.to_csv(index=False) == reference.to_csv(index=False)


@pytest.fixture
def varied(store):
    """The random data of the SQL-vs-rules test, with specialists in every shape: additional
    ones (repeated, upper case, blank), and no specialist at all."""
    _random_data(store, 4)
    store.write(lambda cur: cur.execute(
        "UPDATE licenses SET additional_specialists = CASE "
        "WHEN license_number < 'LN-0020' THEN ['X@cu.edu', ' x@cu.edu', '', 's1@cu.edu'] "
        "WHEN license_number < 'LN-0030' THEN [] END, "
        "ecomm_specialist = CASE WHEN license_number BETWEEN 'LN-0030' AND 'LN-0040' "
        "THEN NULL ELSE ecomm_specialist END"))
    return store


@pytest.mark.parametrize("viewer", [None, SYSTEM, SPECIALIST, DENVER],
                         ids=["everyone", "system", "boulder", "denver"])
def test_q1_q3_tables_hold_exactly_the_rows_of_the_lists(varied, viewer):
    seen = {"quiz": 0, "idle": 0, "courses": 0, "additional": 0}
    for as_of in AS_OF_DAYS[::3]:
        quiz = sc.quiz_list(varied, as_of, P, viewer)
        idle = sc.idle_list(varied, as_of, P, viewer)
        courses = sc.course_list(varied, as_of, P, viewer)
        _same(cf.quiz_table(sc.quiz_frame(varied, as_of, P, viewer)), quiz_reference(quiz))
        _same(cf.idle_table(sc.idle_frame(varied, as_of, P, viewer)), idle_reference(idle))
        _same(cf.course_table(sc.course_frame(varied, as_of, P, viewer)), course_reference(courses))
        seen["quiz"] += len(quiz)
        seen["idle"] += len(idle)
        seen["courses"] += len(courses)
        seen["additional"] += sum(len(r.specialists) > 1 for r in quiz)
    assert all(seen.values()), seen  # every table had rows (else the comparison proves little)


def test_q1_q3_counts_filters_and_selected_rows_follow_the_rows(varied):
    as_of = date(2026, 12, 31)
    quiz = sc.quiz_list(varied, as_of, P)
    idle = sc.idle_list(varied, as_of, P)
    courses = sc.course_list(varied, as_of, P)
    qt = cf.quiz_table(sc.quiz_frame(varied, as_of, P))
    it = cf.idle_table(sc.idle_frame(varied, as_of, P))
    ct = cf.course_table(sc.course_frame(varied, as_of, P))
    assert cf.quiz_counts(qt) == {"not a sender": len(quiz),
                                  "reminder due": sum(r.reminder_due is not None for r in quiz),
                                  "overdue": sum(r.overdue for r in quiz)}
    assert cf.idle_counts(it) == {"applications": len(idle),
                                  "licenses": len({r.license_number for r in idle})}
    assert cf.course_counts(ct) == {"expiring": sum(r.status == "expiring" for r in courses),
                                    "non-compliant": sum(r.status == "non_compliant" for r in courses),
                                    "people": len({r.contact_id for r in courses})}
    assert list(cf.quiz_shown(qt, "overdue")["license"]) == [r.license_number for r in quiz if r.overdue]
    assert list(cf.quiz_shown(qt, "reminder")["license"]) == [
        r.license_number for r in quiz if r.reminder_due is not None]
    for status in ("expiring", "non_compliant"):
        assert list(cf.course_shown(ct, status)["contact"]) == [
            r.contact_id for r in courses if r.status == status]
    boulder = cf.in_campus(qt, "Boulder")
    assert list(boulder["license"]) == [r.license_number for r in quiz if r.campus == "Boulder"]
    assert list(boulder.index) == list(range(len(boulder)))  # positions = selected table rows
    # selected rows (positions in the shown table) become the same requests as the rows did
    for kind, table, rows, items in ((QUIZ, qt, quiz, quiz_items), (IDLE, it, idle, idle_items),
                                     (COURSES, ct, courses, course_items)):
        picks = sorted({0, 1, len(rows) // 2, len(rows) - 1})
        assert table_items(kind, table.iloc[picks], "R") == items([rows[i] for i in picks], "R")
        assert table_items(kind, table, "R") == items(rows, "R")
    assert any(len(r.license_numbers) > 1 for r in courses)  # a contact with two licenses


def test_q1_q3_empty_lists_give_empty_tables_with_the_columns(store):
    as_of = date(2026, 11, 23)
    for frame, table, columns in ((sc.quiz_frame, cf.quiz_table, cf.QUIZ_COLUMNS),
                                  (sc.idle_frame, cf.idle_table, cf.IDLE_COLUMNS),
                                  (sc.course_frame, cf.course_table, cf.COURSE_COLUMNS)):
        shown = table(frame(store, as_of, P))
        assert shown.empty and list(shown.columns) == columns
