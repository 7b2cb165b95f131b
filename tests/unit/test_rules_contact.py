"""P1-P5 and P13: may this contact be provisioned (check_contact)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from ecomm import reference as ref
from ecomm.errors import EcommError
from ecomm.policy import Policy
from ecomm.rules import (AgreementMember, Duplicate, Employment, check_contact,
                         course_valid_through)
from tests.unit.rules_factory import ON, facts

POLICY = Policy()


def by_rule(result, rule):
    return [r for r in result.results if r.rule == rule]


def failed(result, rule) -> list[str]:
    return [r.message for r in result.failures if r.rule == rule]


def test_default_contact_is_eligible_at_boulder():
    res = check_contact(facts(), "Boulder", ON, POLICY)
    assert res.eligible, res.problems()
    assert [r.rule for r in res.results] == ["P1", "P2", "P3", "P4", "P5", "P5", "P5", "P13"]
    assert by_rule(res, "P1")[0].message == "UCB Email present: jane.doe@colorado.edu"


# -- P1 ---------------------------------------------------------------------------------------

def test_p1_missing_campus_email_is_refused_with_what_to_do():
    res = check_contact(facts(), "Denver", ON, POLICY)
    assert not res.eligible
    assert failed(res, "P1") == ["No UCD Email on this contact: ask campus OIT to populate it"]


def test_p1_boulder_advancement_reads_the_ucb_email():
    ok = check_contact(facts(), "Boulder Advancement", ON, POLICY)
    assert failed(ok, "P1") == []
    only_ucd = facts(contact_kw={"ucb_email": None, "ucd_email": "jane.doe@ucdenver.edu"})
    res = check_contact(only_ucd, "Boulder Adv", ON, POLICY)   # the form's alias
    assert failed(res, "P1") == ["No UCB Email on this contact: ask campus OIT to populate it"]


def test_p1_blank_email_counts_as_missing():
    res = check_contact(facts(contact_kw={"ucb_email": "   "}), "Boulder", ON, POLICY)
    assert failed(res, "P1")


def test_unknown_campus_is_an_error_naming_the_choices():
    with pytest.raises(EcommError, match="not a campus"):
        check_contact(facts(), "Gotham", ON, POLICY)


# -- P2 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, "", "  "])
def test_p2_missing_employee_id_is_refused(value):
    res = check_contact(facts(contact_kw={"employee_id": value}), "Boulder", ON, POLICY)
    assert len(failed(res, "P2")) == 1
    assert "employee ID" in failed(res, "P2")[0]


# -- P3 ---------------------------------------------------------------------------------------

def test_p3_active_employment_at_another_cu_campus_counts():
    f = facts(employments=[Employment(campus="Denver", status="Active")])
    assert failed(check_contact(f, "Boulder", ON, POLICY), "P3") == []


def test_p3_inactive_employment_is_refused():
    f = facts(employments=[Employment(campus="Boulder", status="Inactive")])
    msgs = failed(check_contact(f, "Boulder", ON, POLICY), "P3")
    assert len(msgs) == 1 and "No active CU employment record" in msgs[0]


def test_p3_employment_ending_before_the_day_is_refused_and_on_the_day_counts():
    ended = facts(employments=[Employment(campus="Boulder", status="Active",
                                          end_date=ON - timedelta(days=1))])
    assert "ended 2026-11-22" in failed(check_contact(ended, "Boulder", ON, POLICY), "P3")[0]
    last_day = facts(employments=[Employment(campus="Boulder", status="Active", end_date=ON)])
    assert failed(check_contact(last_day, "Boulder", ON, POLICY), "P3") == []


def test_p3_no_employment_and_not_poi_is_refused():
    res = check_contact(facts(employments=[]), "Boulder", ON, POLICY)
    assert "not a Person of Interest" in failed(res, "P3")[0]


def test_p3_active_poi_with_id_and_email_is_eligible():
    f = facts(employments=[], contact_kw={"poi": True, "poi_active": True})
    res = check_contact(f, "Boulder", ON, POLICY)
    assert res.eligible, res.problems()
    assert by_rule(res, "P3")[0].message == "Active Person of Interest"


@pytest.mark.parametrize("poi_active", [False, None])
def test_p3_inactive_poi_cannot_be_provisioned(poi_active):
    f = facts(employments=[], contact_kw={"poi": True, "poi_active": poi_active})
    msgs = failed(check_contact(f, "Boulder", ON, POLICY), "P3")
    assert len(msgs) == 1 and msgs[0].startswith("Inactive Person of Interest")


def test_p3_poi_missing_employee_id_cannot_be_provisioned():
    f = facts(employments=[], contact_kw={"poi": True, "poi_active": True, "employee_id": None})
    res = check_contact(f, "Boulder", ON, POLICY)
    assert failed(res, "P3") == ["Person of Interest without an employee ID cannot be provisioned: "
                                 "ask campus OIT to populate it"]
    assert failed(res, "P2")


def test_p3_poi_missing_campus_email_cannot_be_provisioned():
    f = facts(employments=[], contact_kw={"poi": True, "poi_active": True})
    res = check_contact(f, "UCCS", ON, POLICY)   # has UCB but no UCCS Email
    assert failed(res, "P3") == ["Person of Interest without a UCCS Email cannot be provisioned: "
                                 "ask campus OIT to populate it"]


# -- P4 ---------------------------------------------------------------------------------------

def test_p4_signed_agreement_passes():
    res = check_contact(facts(), "Boulder", ON, POLICY)
    assert by_rule(res, "P4")[0].message == "Agreement signed 2026-10-01"


def test_p4_not_in_campaign_is_refused():
    msgs = failed(check_contact(facts(agreement=None), "Boulder", ON, POLICY), "P4")
    assert len(msgs) == 1 and ref.AGREEMENT_CAMPAIGN in msgs[0] and "sign" in msgs[0]


def test_p4_member_without_signed_date_is_refused():
    f = facts(agreement=AgreementMember(contact_id="C-1001"))
    assert "no signed date" in failed(check_contact(f, "Boulder", ON, POLICY), "P4")[0]


def test_p4_hand_added_member_with_reason_counts():
    f = facts(agreement=AgreementMember(contact_id="C-1001", added_by="spec@cu.edu",
                                        reason="DCR-123 filed; agreement on duplicate C-9"))
    res = check_contact(f, "Boulder", ON, POLICY)
    assert failed(res, "P4") == []
    assert "added by hand by spec@cu.edu" in by_rule(res, "P4")[0].message


def test_p4_hand_added_member_without_reason_is_refused():
    f = facts(agreement=AgreementMember(contact_id="C-1001", added_by="spec@cu.edu", reason=" "))
    assert "without a reason" in failed(check_contact(f, "Boulder", ON, POLICY), "P4")[0]


def test_p4_agreement_on_a_duplicate_is_refused_with_dcr_advice():
    dup = Duplicate(contact_id="C-9", name="Jane Doe", matched_on="name_email",
                    matching_email="jane@gmail.com",
                    agreement=AgreementMember(contact_id="C-9", signed_at=datetime(2026, 10, 2)))
    res = check_contact(facts(agreement=None, duplicates=[dup]), "Boulder", ON, POLICY)
    msgs = failed(res, "P4")
    assert len(msgs) == 1
    assert "duplicate contact C-9" in msgs[0] and "Data Change Request" in msgs[0]
    assert "by hand" in msgs[0]


# -- P5 ---------------------------------------------------------------------------------------

def test_p5_validity_limit_is_completion_day_plus_days_minus_one():
    assert course_valid_through(date(2025, 11, 23), ref.COURSE_PCI, POLICY) == date(2026, 11, 22)
    assert course_valid_through(date(2024, 11, 23), ref.COURSE_PRIVACY, POLICY) == date(2026, 11, 22)


def test_p5_course_exactly_at_its_validity_limit_passes():
    f = facts(courses={ref.COURSE_PRIVACY: date(2024, 11, 24), ref.COURSE_IT_PROVIDERS:
                       date(2024, 11, 24), ref.COURSE_PCI: date(2025, 11, 24)})
    res = check_contact(f, "Boulder", date(2026, 11, 23), POLICY)
    assert failed(res, "P5") == []


def test_p5_course_expired_on_submission_day_one_day_past_limit():
    f = facts(courses={ref.COURSE_PRIVACY: date(2024, 11, 24), ref.COURSE_IT_PROVIDERS:
                       date(2024, 11, 24), ref.COURSE_PCI: date(2025, 11, 23)})
    msgs = failed(check_contact(f, "Boulder", date(2026, 11, 23), POLICY), "P5")
    assert msgs == [f"{ref.COURSE_PCI}: completed 2025-11-23 (recorded), out of date since "
                    "2026-11-23: the user must retake the course"]


def test_p5_two_year_course_one_day_past_limit_is_refused():
    f = facts(courses={ref.COURSE_PRIVACY: date(2024, 11, 23), ref.COURSE_IT_PROVIDERS:
                       date(2026, 1, 1), ref.COURSE_PCI: date(2026, 1, 1)})
    msgs = failed(check_contact(f, "Boulder", date(2026, 11, 23), POLICY), "P5")
    assert len(msgs) == 1 and msgs[0].startswith(ref.COURSE_PRIVACY)


def test_p5_validity_days_come_from_policy():
    f = facts(courses={ref.COURSE_PRIVACY: date(2026, 1, 1), ref.COURSE_IT_PROVIDERS:
                       date(2026, 1, 1), ref.COURSE_PCI: date(2025, 11, 1)})
    assert failed(check_contact(f, "Boulder", ON, POLICY), "P5")
    assert failed(check_contact(f, "Boulder", ON, Policy(course_valid_days_pci=400)), "P5") == []


def test_p5_missing_course_is_refused():
    f = facts(courses={ref.COURSE_PRIVACY: date(2026, 1, 1), ref.COURSE_PCI: date(2026, 1, 1)})
    msgs = failed(check_contact(f, "Boulder", ON, POLICY), "P5")
    assert len(msgs) == 1 and msgs[0].startswith(f"{ref.COURSE_IT_PROVIDERS}: no completion")


def test_p5_date_on_the_request_counts_when_later_than_the_recorded_completion():
    old = facts(courses={c: date(2020, 1, 1) for c in ref.COURSES})
    fresh = {c: date(2026, 11, 1) for c in ref.COURSES}
    res = check_contact(old, "Boulder", ON, POLICY, course_dates=fresh)
    assert failed(res, "P5") == []
    assert all("(on the request)" in r.message for r in by_rule(res, "P5"))


def test_p5_later_of_dates_a_retaken_course_recorded_after_the_request_counts():
    """P5 (decision): per course the LATER of the request's date and the recorded completion
    counts, so a request held on P5 passes once the person retakes the course."""
    typed = {ref.COURSE_PCI: date(2025, 1, 1)}           # out of date on ON
    retaken = facts(courses={ref.COURSE_PRIVACY: date(2026, 1, 1),
                             ref.COURSE_IT_PROVIDERS: date(2026, 1, 1),
                             ref.COURSE_PCI: date(2026, 11, 2)})
    res = check_contact(retaken, "Boulder", ON, POLICY, course_dates=typed)
    assert failed(res, "P5") == []
    pci = [r.message for r in by_rule(res, "P5") if r.message.startswith(ref.COURSE_PCI)]
    assert pci == [f"{ref.COURSE_PCI}: completed 2026-11-02 (recorded), valid through 2027-11-01"]
    not_retaken = facts(courses={**retaken.courses, ref.COURSE_PCI: date(2024, 6, 1)})
    msgs = failed(check_contact(not_retaken, "Boulder", ON, POLICY, course_dates=typed), "P5")
    assert len(msgs) == 1 and "completed 2025-01-01 (on the request), out of date" in msgs[0]


def test_p5_later_of_dates_ignores_a_recorded_completion_after_the_check_day():
    typed = {c: date(2026, 10, 1) for c in ref.COURSES}
    later = facts(courses={c: ON + timedelta(days=5) for c in ref.COURSES})
    res = check_contact(later, "Boulder", ON, POLICY, course_dates=typed)
    assert failed(res, "P5") == []
    assert all("2026-10-01 (on the request)" in r.message for r in by_rule(res, "P5"))


def test_p5_completion_after_the_check_day_is_refused():
    res = check_contact(facts(), "Boulder", ON, POLICY,
                        course_dates={ref.COURSE_PCI: ON + timedelta(days=1)})
    assert "is after 2026-11-23" in failed(res, "P5")[0]


def test_p5_course_on_a_duplicate_is_named():
    dup = Duplicate(contact_id="C-9", name="Jane Doe", matched_on="employee_id",
                    employee_id="E1010", courses={ref.COURSE_PCI: date(2026, 10, 1)})
    f = facts(courses={ref.COURSE_PRIVACY: date(2026, 1, 1),
                       ref.COURSE_IT_PROVIDERS: date(2026, 1, 1)}, duplicates=[dup])
    msg = failed(check_contact(f, "Boulder", ON, POLICY), "P5")[0]
    assert "duplicate contact C-9" in msg and "Data Change Request" in msg


# -- P13 --------------------------------------------------------------------------------------

def test_p13_same_employee_id_is_a_warning_not_a_block():
    dup = Duplicate(contact_id="C-9", name="J. Doe", matched_on="employee_id", employee_id="E1010")
    res = check_contact(facts(duplicates=[dup]), "Boulder", ON, POLICY)
    assert res.eligible
    assert [w.message for w in res.warnings] == [
        "Another contact shares employee ID E1010 (C-9, J. Doe): file a Data Change Request"]


def test_p13_same_name_and_email_is_a_warning():
    dup = Duplicate(contact_id="C-8", name="Jane Doe", matched_on="name_email",
                    matching_email="jane.doe@colorado.edu")
    res = check_contact(facts(duplicates=[dup]), "Boulder", ON, POLICY)
    assert res.eligible
    assert len(res.warnings) == 1
    assert "same name and email jane.doe@colorado.edu" in res.warnings[0].message
    assert res.warnings[0].severity == "warning"


def test_p13_no_duplicates_has_no_warning():
    res = check_contact(facts(), "Boulder", ON, POLICY)
    assert res.warnings == []
    assert by_rule(res, "P13")[0].passed


def test_problems_name_every_failing_rule():
    f = facts(contact_kw={"employee_id": None, "ucb_email": None}, agreement=None, courses={})
    res = check_contact(f, "Boulder", ON, POLICY)
    assert res.failed_rules == ["P1", "P2", "P4", "P5"]
    assert all(p.split(":")[0] in {"P1", "P2", "P4", "P5"} for p in res.problems())
    with pytest.raises(EcommError) as exc:
        res.raise_if_refused()
    assert len(exc.value.problems) == 6   # P1, P2, P4 and three courses
