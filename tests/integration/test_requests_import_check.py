"""requests.csv: imported provisioning requests pass the same rules as the form, as of the
day they were submitted (Denver)."""
from __future__ import annotations

from datetime import datetime

import pytest

from ecomm import reference as ref
from ecomm.requests import check_imported_requests
from tests.integration.requests_fixtures import BOULDER, NO_QUIZ, seed


@pytest.fixture
def seeded(store):
    seed(store)
    return store


def _insert(cur, rid, contact_id, submitted_at, *, by=BOULDER.email, apps=(ref.SALESFORCE,),
            status="pending", courses="2026-10-01", kind="provision"):
    cur.execute(
        "INSERT INTO requests (request_id, kind, contact_id, campus, submitted_at, submitted_by, "
        "applications, business_units, public_groups, course_privacy_awareness_on, "
        "course_it_providers_on, course_pci_on, status) "
        "VALUES (?, ?, ?, 'Boulder', ?, ?, ?, ['CUB Advancement'], ['01 Adv Boulder'], ?, ?, ?, ?)",
        [rid, kind, contact_id, submitted_at, by, list(apps), courses, courses, courses, status])


def _check(store, rows, lines):
    def fn(cur):
        for r in rows:
            _insert(cur, **r)
        return check_imported_requests(cur, lines)
    return store.write(fn)


def test_p1_p14_imported_rows_report_every_failing_rule_with_file_line_column(seeded):
    problems = _check(seeded, [
        dict(rid="IMP-1", contact_id="C-BAD", submitted_at=datetime(2026, 11, 2, 17, 0),
             courses="2023-01-10"),
        dict(rid="IMP-2", contact_id="C-ELIG", submitted_at=datetime(2026, 11, 2, 17, 0)),
        dict(rid="IMP-3", contact_id="C-ELIG", submitted_at=datetime(2026, 11, 2, 17, 0),
             by=NO_QUIZ.email, apps=(ref.CVENT,)),
    ], {"IMP-1": 2, "IMP-2": 3, "IMP-3": 4})
    texts = [p.text for p in problems]
    assert any(t.startswith("requests.csv:2 contact_id: P1: No UCB Email") for t in texts)
    assert any(t.startswith("requests.csv:2 contact_id: P4:") for t in texts)
    assert any(t.startswith("requests.csv:2 course_pci_on: P5: PCI Compliance") for t in texts)
    assert not [p for p in problems if p.line == 3]
    assert [p.text.split(": ")[0] for p in problems if p.line == 4] == [
        "requests.csv:4 submitted_by"]
    assert "P14" in [p for p in problems if p.line == 4][0].text
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_p5_imported_request_is_judged_as_of_its_submission_day(seeded):
    # Completed 2026-10-01: a request dated 2026-09-15 names a date after its submission.
    problems = _check(seeded, [dict(rid="IMP-OLD", contact_id="C-ELIG",
                                    submitted_at=datetime(2026, 9, 15, 17, 0))],
                      {"IMP-OLD": 2})
    assert any("P5:" in p.text and "after 2026-09-15" in p.text for p in problems)


def test_p7_two_imported_requests_for_the_same_application_both_flagged(seeded):
    problems = _check(seeded, [
        dict(rid="IMP-A", contact_id="C-ELIG", submitted_at=datetime(2026, 11, 2, 17, 0)),
        dict(rid="IMP-B", contact_id="C-ELIG", submitted_at=datetime(2026, 11, 3, 17, 0)),
    ], {"IMP-A": 2, "IMP-B": 3})
    assert sorted((p.line, p.column) for p in problems) == [(2, "applications"),
                                                           (3, "applications")]


def test_history_is_not_rejudged(seeded):
    problems = _check(seeded, [
        dict(rid="IMP-DONE", contact_id="C-BAD", submitted_at=datetime(2026, 1, 5, 17, 0),
             status="processed"),
        dict(rid="IMP-COMP", contact_id="C-BAD", submitted_at=datetime(2026, 1, 5, 17, 0),
             status="completed"),
        dict(rid="IMP-GONE", contact_id="C-BAD", submitted_at=datetime(2026, 1, 5, 17, 0),
             status="cancelled"),
    ], {"IMP-DONE": 2, "IMP-COMP": 3, "IMP-GONE": 4})
    assert problems == []


def test_open_requests_of_every_kind_are_judged_held_ones_too(seeded):
    problems = _check(seeded, [
        dict(rid="IMP-HELD", contact_id="C-BAD", submitted_at=datetime(2026, 11, 5, 17, 0),
             status="held"),
        dict(rid="IMP-DEP", contact_id="C-USER", submitted_at=datetime(2026, 11, 5, 17, 0),
             kind="deprovision"),   # names no license
    ], {"IMP-HELD": 3, "IMP-DEP": 4})
    assert {p.line for p in problems} == {3, 4}
    assert any(p.line == 3 and "P1:" in p.text for p in problems)
    assert [p.column for p in problems if p.line == 4] == ["license_number"]


def test_unknown_submitter_is_a_row_problem(seeded):
    problems = _check(seeded, [dict(rid="IMP-X", contact_id="C-ELIG", by="nobody@cu.edu",
                                    submitted_at=datetime(2026, 11, 2, 17, 0))], {"IMP-X": 7})
    assert [p.text[:40] for p in problems] == ["requests.csv:7 submitted_by: P14: nobody"]


def test_check_must_run_after_the_rows_are_written(seeded):
    with pytest.raises(RuntimeError, match="after the imported requests are written"):
        seeded.write(lambda cur: check_imported_requests(cur, {"NOT-WRITTEN": 2}))
