"""P6-P12 and P14: what a request may ask for and who may submit it (check_provision,
check_deprovision, check_group_change)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from ecomm import reference as ref
from ecomm.errors import EcommError
from ecomm.policy import Policy
from ecomm.rules import (DeprovisionDraft, GroupChangeDraft, ReplacedLicense,
                         apply_billing_defaults, check_deprovision, check_group_change,
                         check_provision, format_unit_speedtypes, is_net_new,
                         parse_unit_speedtypes)
from tests.unit.rules_factory import (MANAGER, ON, SYSTEM, draft, facts, license_,
                                      specialist)

POLICY = Policy()


def provision(d=None, *, submitter=None, held=(), replaced=None, requested=(), policy=POLICY,
              f=None):
    return check_provision(f or facts(), d or draft(), submitter or specialist(), ON, policy,
                           held_apps=set(held), replaced=replaced, requested_apps=set(requested))


def failed(result, rule) -> list[str]:
    return [r.message for r in result.failures if r.rule == rule]


def replaced(campus="Boulder", apps=("Salesforce",), deprovisioned_on=None, pending=False):
    lic = license_(campus=campus, apps=apps, deprovisioned_on=deprovisioned_on)
    return ReplacedLicense(**lic.model_dump(), contact_name="John Roe", pending_deprovision=pending)


def test_complete_request_is_eligible_in_rule_order():
    res = provision()
    assert res.eligible, res.problems()
    rules = [r.rule for r in res.results]
    assert rules == sorted(rules, key=lambda r: int(r[1:]))
    assert {"P1", "P5", "P6", "P7", "P8", "P9", "P10", "P11", "P12", "P13", "P14"} <= set(rules)


# -- P6 ---------------------------------------------------------------------------------------

def test_p6_specialist_of_another_campus_is_refused():
    res = provision(submitter=specialist("Denver"))
    assert failed(res, "P6") == ["You are the eComm specialist for Denver, not Boulder: ask "
                                 "Boulder's specialist or the System team to submit it"]


def test_p6_system_team_may_submit_for_any_campus():
    d = draft(campus="UCCS")
    f = facts(contact_kw={"uccs_email": "jane@uccs.edu"})
    assert failed(provision(d, submitter=SYSTEM, f=f), "P6") == []


def test_p6_manager_cannot_submit():
    assert "cannot submit" in failed(provision(submitter=MANAGER), "P6")[0]


def test_p6_inactive_user_cannot_submit():
    assert failed(provision(submitter=specialist(active=False)), "P6")


# -- P7 ---------------------------------------------------------------------------------------

def test_p7_at_least_one_application():
    assert failed(provision(draft(applications=[])), "P7") == [
        "No application chosen: choose at least one application"]


def test_p7_application_already_held_is_refused():
    res = provision(draft(applications=["Salesforce", "Cvent"]), held={"Salesforce", "Apsona"})
    msgs = failed(res, "P7")
    assert len(msgs) == 1 and msgs[0].startswith("Already holds Salesforce:")


def test_p7_application_already_pending_is_refused():
    res = provision(draft(applications=["Marketing Cloud"]), requested={"Marketing Cloud"})
    assert "already requested" in failed(res, "P7")[0]


def test_p7_unknown_application_is_a_form_error():
    with pytest.raises(ValidationError):
        draft(applications=["Salesforce", "Slack"])


def test_draft_accepts_import_list_text_and_campus_alias():
    d = draft(applications="salesforce; CVENT", campus="Boulder Adv")
    assert d.applications == ["Salesforce", "Cvent"]
    assert d.campus == "Boulder Advancement"


# -- P8 ---------------------------------------------------------------------------------------

def test_p8_super_user_at_boulder_is_refused():
    msgs = failed(provision(draft(super_user_permissions=["Salesforce Reporting"])), "P8")
    assert len(msgs) == 1 and "available only at Anschutz, UCCS, System, not Boulder" in msgs[0]


def test_p8_super_user_at_anschutz_is_allowed():
    d = draft(campus="Anschutz", super_user_permissions=["Paid Cvent Approval"])
    f = facts(contact_kw={"anschutz_email": "jane@cuanschutz.edu"})
    assert failed(provision(d, f=f, submitter=SYSTEM), "P8") == []


def test_p8_super_user_campuses_come_from_policy():
    d = draft(super_user_permissions=["Salesforce Reporting"])
    policy = Policy(super_user_campuses=["Boulder"])
    assert failed(provision(d, policy=policy), "P8") == []


# -- P9 ---------------------------------------------------------------------------------------

def test_p9_cvent_add_on_without_cvent_is_refused():
    msgs = failed(provision(draft(cvent_add_ons=["Event Management"])), "P9")
    assert msgs == ["Cvent add-on Event Management needs Cvent: request Cvent too or remove the "
                    "add-on"]


def test_p9_cvent_add_on_with_cvent_requested_or_held():
    d = draft(applications=["Cvent"], cvent_add_ons=["Event Management"])
    assert failed(provision(d), "P9") == []
    d2 = draft(applications=["Salesforce"], cvent_add_ons=["Event Management"])
    assert failed(provision(d2, held={"Cvent"}), "P9") == []


# -- P10 --------------------------------------------------------------------------------------

def test_p10_not_replacing_is_net_new():
    assert is_net_new(draft())
    assert not is_net_new(draft(replaces_license="LN-0776"))
    assert failed(provision(), "P10") == []


def test_p10_replaced_license_not_found():
    res = provision(draft(replaces_license="LN-9999"), replaced=None)
    assert failed(res, "P10")[0].startswith("License LN-9999 was not found")


def test_p10_replaced_user_from_another_campus_is_refused():
    res = provision(draft(replaces_license="LN-0776"), replaced=replaced(campus="Denver",
                                                                          pending=True))
    assert failed(res, "P10") == ["LN-0776 (John Roe) is a Denver license: a user can replace only "
                                  "someone of the same campus (Boulder)"]


def test_p10_replaced_user_still_active_without_pending_deprovision_is_refused():
    res = provision(draft(replaces_license="LN-0776"), replaced=replaced())
    msgs = failed(res, "P10")
    assert len(msgs) == 1 and "still holds Salesforce" in msgs[0]
    assert "no pending deprovisioning request" in msgs[0]


def test_p10_replaced_user_with_pending_deprovision_passes():
    res = provision(draft(replaces_license="LN-0776"), replaced=replaced(pending=True))
    assert failed(res, "P10") == []


def test_p10_replaced_user_already_deprovisioned_passes():
    gone = replaced(deprovisioned_on=date(2026, 10, 31))
    assert failed(provision(draft(replaces_license="LN-0776"), replaced=gone), "P10") == []
    # deprovisioned after the check day: still holds it on the day
    later = replaced(deprovisioned_on=date(2026, 12, 1))
    assert failed(provision(draft(replaces_license="LN-0776"), replaced=later), "P10")


# -- P11 --------------------------------------------------------------------------------------

def test_p11_business_unit_and_public_group_required():
    res = provision(draft(business_units=[], public_groups=[]))
    assert failed(res, "P11") == ["No business unit chosen: choose at least one",
                                  "No public group chosen: choose at least one"]


def test_p11_new_public_group_needs_a_name():
    d = draft(public_groups=[ref.NEW_PUBLIC_GROUP])
    assert "give the new public group's name" in failed(provision(d), "P11")[0]
    named = draft(public_groups=[ref.NEW_PUBLIC_GROUP], new_public_group="09 Adv Events")
    assert failed(provision(named), "P11") == []


# -- P12 --------------------------------------------------------------------------------------

def test_p12_split_adding_to_100_passes():
    res = provision(draft(unit_speedtypes="61000342:20;61000530:80"))
    assert failed(res, "P12") == []


def test_p12_split_not_adding_to_100_is_refused():
    res = provision(draft(unit_speedtypes="61000342:30;61000530:80"))
    assert failed(res, "P12") == ["Unit speedtype percentages add up to 110, not 100: correct "
                                  "the split"]


def test_p12_split_total_comes_from_policy():
    d = draft(unit_speedtypes="61000342:30;61000530:80")
    assert failed(provision(d, policy=Policy(unit_speedtype_split_total=110)), "P12") == []


def test_p12_decimal_shares_add_exactly():
    assert failed(provision(draft(unit_speedtypes="1:33.33;2:33.33;3:33.34")), "P12") == []
    assert failed(provision(draft(unit_speedtypes="1:33.33;2:33.33;3:33.33")), "P12")


def test_p12_single_speedtype_without_percentage_takes_the_whole():
    assert failed(provision(draft(unit_speedtypes="61000342")), "P12") == []


def test_p12_several_speedtypes_need_percentages():
    assert "give each one's percentage" in failed(
        provision(draft(unit_speedtypes="61000342;61000530:80")), "P12")[0]


@pytest.mark.parametrize("text", ["61000342:abc", "61000342:0;61000530:100", ":50;2:50",
                                  "61000342:50;61000342:50"])
def test_p12_malformed_split_is_refused(text):
    assert failed(provision(draft(unit_speedtypes=text)), "P12")


def test_p12_parse_and_canonical_text():
    pairs = parse_unit_speedtypes(" 61000342 : 20 ; 61000530:80% ")
    assert pairs == [("61000342", Decimal("20")), ("61000530", Decimal("80"))]
    assert format_unit_speedtypes(pairs) == "61000342:20;61000530:80"
    assert parse_unit_speedtypes("N/A") == [] and parse_unit_speedtypes(None) == []


def test_p12_billing_defaults_to_the_campus():
    d = apply_billing_defaults(draft(unit_speedtypes="1:50.0;2:50", campus_speedtype=None),
                               "Boulder – 100")
    assert (d.billing_campus, d.campus_speedtype, d.unit_speedtypes) == (
        "Boulder", "Boulder – 100", "1:50;2:50")
    kept = apply_billing_defaults(draft(billing_campus="System", campus_speedtype="510"), "x")
    assert (kept.billing_campus, kept.campus_speedtype) == ("System", "510")


def test_p12_a_license_always_has_a_campus_billing_speedtype():
    # rev 2: with no speedtype given and no campus default, the request is refused (P12)
    none = apply_billing_defaults(draft(campus_speedtype=None), None)
    from ecomm.rules import p12_billing
    from ecomm.policy import Policy
    refused = p12_billing(none, Policy())
    assert not refused.passed and "No campus billing speedtype" in refused.message
    assert p12_billing(apply_billing_defaults(draft(campus_speedtype=None), "Boulder - 510"),
                       Policy()).passed


# -- P14 --------------------------------------------------------------------------------------

def test_p14_specialist_without_quiz_pass_cannot_submit():
    res = provision(submitter=specialist(quiz=None))
    assert failed(res, "P14") == ["You have not passed the license-change quiz: you can view but "
                                  "not submit requests until the System team records your pass"]


def test_p14_quiz_passed_after_the_day_does_not_count():
    assert failed(provision(submitter=specialist(quiz=date(2026, 11, 24))), "P14")
    assert failed(provision(submitter=specialist(quiz=ON)), "P14") == []


def test_p14_system_team_is_exempt():
    assert failed(provision(submitter=SYSTEM), "P14") == []


# -- the whole request --------------------------------------------------------------------------

def test_request_course_dates_are_used_for_p5():
    f = facts(courses={})
    d = draft(course_privacy_awareness_on=date(2026, 9, 1), course_it_providers_on=date(2026, 9, 1),
              course_pci_on=date(2026, 9, 1))
    assert failed(provision(draft(), f=f), "P5")
    assert failed(provision(d, f=f), "P5") == []


def test_refusal_names_every_failing_rule():
    d = draft(applications=["Salesforce"], super_user_permissions=["Salesforce Reporting"],
              cvent_add_ons=["Event Management"], business_units=[])
    res = provision(d, submitter=specialist("Denver", quiz=None), held={"Salesforce"})
    assert res.failed_rules == ["P6", "P7", "P8", "P9", "P11", "P14"]
    with pytest.raises(EcommError) as exc:
        res.raise_if_refused()
    assert [p.split(":")[0] for p in exc.value.problems] == res.failed_rules


def test_draft_for_another_contact_is_an_error():
    with pytest.raises(EcommError):
        provision(draft(contact_id="C-7"))


# -- deprovision and group change ------------------------------------------------------------

def test_deprovision_of_held_application_passes():
    lic = license_(apps=("Salesforce", "Marketing Cloud"))
    res = check_deprovision(DeprovisionDraft(campus="Boulder", license_number="LN-0776",
                                             applications=["Marketing Cloud"]), lic, specialist(), ON)
    assert res.eligible, res.problems()


def test_deprovision_of_application_not_held_is_refused():
    lic = license_(apps=("Salesforce",))
    res = check_deprovision(DeprovisionDraft(campus="Boulder", license_number="LN-0776",
                                             applications=["Cvent"]), lic, specialist(), ON)
    assert res.failed_rules == ["P7"]


def test_deprovision_already_pending_is_refused():
    res = check_deprovision(DeprovisionDraft(campus="Boulder", license_number="LN-0776",
                                             applications=["Salesforce"]), license_(),
                            specialist(), ON, pending_removals={"Salesforce"})
    assert "already requested" in res.problems()[0]


def test_deprovision_p6_additional_specialist_and_other_campus():
    lic = license_(campus="Denver", additional_specialists=["Spec.Boulder@cu.edu"])
    d = DeprovisionDraft(campus="Denver", license_number="LN-0776", applications=["Salesforce"])
    assert check_deprovision(d, lic, specialist("Boulder"), ON).eligible
    other = license_(campus="Denver")
    assert check_deprovision(d, other, specialist("Boulder"), ON).failed_rules == ["P6"]


def test_deprovision_p14_quiz_required():
    d = DeprovisionDraft(campus="Boulder", license_number="LN-0776", applications=["Salesforce"])
    assert check_deprovision(d, license_(), specialist(quiz=None), ON).failed_rules == ["P14"]


def test_group_change_adds_and_removes():
    lic = license_(business_units=["A"], public_groups=["G1", "G2"])
    d = GroupChangeDraft(campus="Boulder", license_number="LN-0776", public_groups=["G3"],
                         remove_public_groups=["G1"])
    assert check_group_change(d, lic, specialist(), ON).eligible


def test_group_change_cannot_leave_no_public_group():
    lic = license_(business_units=["A"], public_groups=["G1"])
    d = GroupChangeDraft(campus="Boulder", license_number="LN-0776", remove_public_groups=["G1"])
    res = check_group_change(d, lic, specialist(), ON)
    assert res.problems() == ["P11: No public group chosen: choose at least one"]


def test_group_change_nothing_or_unknown_removal_is_refused():
    lic = license_(business_units=["A"], public_groups=["G1"])
    empty = GroupChangeDraft(campus="Boulder", license_number="LN-0776")
    assert check_group_change(empty, lic, specialist(), ON).failed_rules == ["P11"]
    wrong = GroupChangeDraft(campus="Boulder", license_number="LN-0776",
                             remove_business_units=["Z"], business_units=["B"])
    assert "not in business unit Z" in check_group_change(wrong, lic, specialist(), ON).problems()[0]


def test_group_change_on_inactive_license_is_refused():
    lic = license_(business_units=["A"], public_groups=["G1"], deprovisioned_on=date(2026, 1, 1))
    d = GroupChangeDraft(campus="Boulder", license_number="LN-0776", public_groups=["G2"])
    assert check_group_change(d, lic, specialist(), ON).failed_rules == ["P7"]
