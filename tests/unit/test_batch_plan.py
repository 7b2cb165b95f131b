"""The batch plan from plain values (C1-C5, P10, Q1): which requests a cycle handles, the P1-P5
re-check on the processing day, license numbers, net new vs transfer, not a sender, C4."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecomm import reference as ref
from ecomm.batch import plan as planner
from ecomm.batch.models import BatchInputs, LicenseState, QueuedRequest
from ecomm.policy import Policy
from tests.unit.rules_factory import draft, facts

POLICY = Policy()
ON = date(2026, 12, 1)           # cycle 2026-12's first processing day (a Tuesday)
SUBMITTED = datetime(2026, 11, 20, 17, 0)   # Friday Nov 20, 10:00 Denver


def queued(rid="R-000001", kind="provision", contact_id="C-1001", status="pending",
           cycle="2026-12", submitted_at=SUBMITTED, license_number=None, **draft_kw):
    apps = draft_kw.pop("applications", [ref.SALESFORCE])
    sf_removed = draft_kw.pop("salesforce_removed_on", None)
    return QueuedRequest(
        request_id=rid, kind=kind, contact_id=contact_id, campus="Boulder", status=status,
        submitted_at=submitted_at, submitted_by="spec.boulder@colorado.edu", cycle=cycle,
        applications=apps, license_number=license_number, salesforce_removed_on=sf_removed,
        draft=draft(contact_id=contact_id, applications=apps, **draft_kw)
        if kind == "provision" else None)


def inputs(requests, *, licenses=(), facts_by=None, on=ON, cycle="2026-12",
           first="LN-0777") -> BatchInputs:
    ids = {r.contact_id for r in requests}
    return BatchInputs(
        cycle=cycle, on=on, requests=list(requests),
        facts=facts_by or {c: facts(contact_kw={"contact_id": c}) for c in ids},
        licenses={lic.license_number: lic for lic in licenses},
        names={c: f"Name {c}" for c in ids}, first_new_license=first)


def lic(number="LN-0500", contact_id="C-1001", apps=(), quiz=None, **kw) -> LicenseState:
    return LicenseState(license_number=number, contact_id=contact_id, affiliated_campus="Boulder",
                        open_apps=list(apps), quiz_passed_on=quiz, **kw)


# -- C1: which requests a cycle handles ------------------------------------------------------
def test_c1_batch_handles_its_cycle_and_earlier_held_but_not_the_next_cycle():
    reqs = [queued("R-1", cycle="2026-12"), queued("R-2", cycle="2026-11", status="held"),
            queued("R-3", cycle="2027-01"), queued("R-4", status="processed")]
    plan = planner.plan_batch(inputs(reqs), POLICY)
    assert [p.request_id for p in plan.provisioned] == ["R-1", "R-2"]  # R-3 next cycle, R-4 done


def test_c1_imported_request_without_cycle_joins_by_its_submission_time():
    # Monday 2026-11-30 is November's cutoff: 23:59 Denver (06:59 UTC next day) makes 2026-12;
    # 00:01 on December 1st Denver joins 2027-01.
    on_cutoff = queued("R-1", cycle=None, submitted_at=datetime(2026, 12, 1, 6, 59))
    next_morning = queued("R-2", cycle=None, submitted_at=datetime(2026, 12, 1, 7, 1))
    assert planner.effective_cycle(on_cutoff) == "2026-12"
    assert planner.effective_cycle(next_morning) == "2027-01"
    plan = planner.plan_batch(inputs([on_cutoff, next_morning]), POLICY)
    assert [p.request_id for p in plan.provisioned] == ["R-1"]


def test_c5_group_changes_are_not_in_a_batch():
    req = queued("R-1", kind="change_groups")
    assert not planner.handled_by(req, "2026-12")


# -- C3: the re-check on the processing day ----------------------------------------------------
def test_c3_course_out_of_date_on_processing_day_is_held_with_its_reason():
    # PCI (365 days) completed 2025-12-01 is valid through 2026-11-30: fine at submission on
    # 2026-11-20, out of date on 2026-12-01.
    # The contact's records say the same (P5 counts the later of request and record).
    req = queued(course_pci_on=date(2025, 12, 1), course_privacy_awareness_on=date(2026, 9, 1),
                 course_it_providers_on=date(2026, 9, 1))
    recorded = {"C-1001": facts(contact_kw={"contact_id": "C-1001"}, courses={
        ref.COURSE_PRIVACY: date(2026, 9, 1), ref.COURSE_IT_PROVIDERS: date(2026, 9, 1),
        ref.COURSE_PCI: date(2025, 12, 1)})}
    plan = planner.plan_batch(inputs([req], facts_by=recorded), POLICY)
    assert plan.provisioned == []
    (held,) = plan.held
    assert held.failures == ["P5"]
    assert held.next_cycle == "2027-01"
    assert "PCI Compliance" in held.reasons[0] and "out of date since 2026-12-01" in held.reasons[0]
    # the day before, the same request passes
    assert planner.plan_batch(inputs([req], on=date(2026, 11, 30), facts_by=recorded),
                              POLICY).held == []


def test_c3_every_failing_rule_is_listed():
    bad = facts(contact_kw={"contact_id": "C-1001", "ucb_email": None}, agreement=None)
    plan = planner.plan_batch(inputs([queued()], facts_by={"C-1001": bad}), POLICY)
    assert plan.held[0].failures == ["P1", "P4"]
    assert all(r.startswith(("P1:", "P4:")) for r in plan.held[0].reasons)


# -- licenses: numbers, extension, copying ------------------------------------------------------
def test_new_license_numbers_are_consecutive_and_unique():
    reqs = [queued(f"R-{i}", contact_id=f"C-{i}") for i in range(3)]
    plan = planner.plan_batch(inputs(reqs, first="LN-0999"), POLICY)
    assert [p.license_number for p in plan.provisioned] == ["LN-0999", "LN-1000", "LN-1001"]
    assert all(p.license_created for p in plan.provisioned)


def test_two_requests_of_one_contact_share_one_new_license():
    reqs = [queued("R-1", applications=[ref.SALESFORCE]),
            queued("R-2", applications=[ref.CVENT], submitted_at=datetime(2026, 11, 21, 17))]
    plan = planner.plan_batch(inputs(reqs), POLICY)
    assert [p.license_number for p in plan.provisioned] == ["LN-0777", "LN-0777"]
    assert [p.license_created for p in plan.provisioned] == [True, False]


def test_existing_license_is_extended_and_existing_apps_not_added_twice():
    existing = lic(apps=[ref.SALESFORCE], quiz=date(2026, 2, 1), public_groups=["01 Adv Boulder"],
                   business_units=["CUB Advancement"])
    req = queued(applications=[ref.SALESFORCE, ref.CVENT], public_groups=["02 Events"])
    (p,) = planner.plan_batch(inputs([req], licenses=[existing]), POLICY).provisioned
    assert p.license_number == "LN-0500" and not p.license_created
    assert p.applications == [ref.CVENT] and p.already_held == [ref.SALESFORCE]
    assert p.new_user is False and p.license_after["not_a_sender"] is False
    assert p.license_after["public_groups"] == ["01 Adv Boulder", "02 Events"]


def test_new_public_group_is_replaced_by_its_name_on_the_license():
    opened = lic(public_groups=[ref.NEW_PUBLIC_GROUP])  # opened at submission, no apps yet
    req = queued(license_number="LN-0500", public_groups=[ref.NEW_PUBLIC_GROUP],
                 new_public_group="07 Alumni Events")
    (p,) = planner.plan_batch(inputs([req], licenses=[opened]), POLICY).provisioned
    assert p.license_after["public_groups"] == ["07 Alumni Events"]


def test_request_answers_are_copied_onto_the_license():
    req = queued(ecomm_role="MEC", salesforce_profile="Chatter Free User",
                 billing_campus="Denver", campus_speedtype="61000342",
                 unit_speedtypes="61000342:20;61000530:80", cvent_add_ons=[],
                 super_user_permissions=[], ecomm_specialist="spec.boulder@colorado.edu")
    (p,) = planner.plan_batch(inputs([req]), POLICY).provisioned
    after = p.license_after
    assert (after["ecomm_role"], after["salesforce_profile"], after["billing_campus"],
            after["campus_speedtype"], after["unit_speedtypes"]) == (
        "MEC", "Chatter Free User", "Denver", "61000342", "61000342:20;61000530:80")
    assert p.specialists == ["spec.boulder@colorado.edu"]


# -- P10 and Q1 --------------------------------------------------------------------------------
def test_p10_replacing_someone_is_a_transfer_not_net_new():
    # rev 2: per application; LN-0100 held Salesforce and left on 2026-11-10 (this fiscal year)
    from ecomm.rules import LicenseApp
    from ecomm.rules.transfer import ReplacedSeats
    gone = ReplacedSeats(license_number="LN-0100", affiliated_campus="Boulder", apps=[
        LicenseApp(application=ref.SALESFORCE, provisioned_on=date(2025, 7, 1),
                   deprovisioned_on=date(2026, 11, 10))])
    given = inputs([queued("R-1", replaces_license="LN-0100"), queued("R-2", contact_id="C-2")])
    plan = planner.plan_batch(given.model_copy(update={"replaced": {"LN-0100": gone}}), POLICY)
    by_id = {p.request_id: p for p in plan.provisioned}
    assert by_id["R-1"].net_new is False and by_id["R-1"].replaces_license == "LN-0100"
    assert by_id["R-1"].transfers == [ref.SALESFORCE] and by_id["R-1"].net_new_apps == []
    assert by_id["R-2"].net_new is True and by_id["R-2"].net_new_apps == [ref.SALESFORCE]


def test_q1_new_user_is_not_a_sender_until_the_quiz():
    (p,) = planner.plan_batch(inputs([queued()]), POLICY).provisioned
    assert p.new_user is True and p.license_after["not_a_sender"] is True


def test_q1_returning_user_who_passed_the_quiz_stays_a_sender():
    returning = lic(apps=[], quiz=date(2025, 3, 1))
    (p,) = planner.plan_batch(inputs([queued()], licenses=[returning]), POLICY).provisioned
    assert p.new_user is True and p.license_after["not_a_sender"] is False


# -- C4 ----------------------------------------------------------------------------------------
def test_c4_salesforce_removed_at_submission_is_not_removed_again():
    holder = lic(apps=[ref.MARKETING_CLOUD, ref.CVENT])
    req = queued(kind="deprovision", license_number="LN-0500",
                 applications=[ref.SALESFORCE, ref.CVENT], salesforce_removed_on=date(2026, 11, 20))
    (d,) = planner.plan_batch(inputs([req], licenses=[holder]), POLICY).deprovisioned
    assert d.applications == [ref.CVENT]
    assert d.already_removed == [ref.SALESFORCE]


def test_c4_imported_deprovisioning_removes_salesforce_still_held():
    holder = lic(apps=[ref.SALESFORCE, ref.CVENT])
    req = queued(kind="deprovision", license_number="LN-0500", applications=[ref.SALESFORCE])
    (d,) = planner.plan_batch(inputs([req], licenses=[holder]), POLICY).deprovisioned
    assert d.applications == [ref.SALESFORCE]



def test_c3_c4_plan_leaves_its_inputs_unchanged_and_sees_its_own_changes():
    """The preview and processing plan the same inputs: planning changes none of them (the
    licenses it changes are its own copies), while a later request of the same batch sees the
    earlier ones' changes (Cvent removed, then provisioned again as new)."""
    holder = lic(apps=[ref.SALESFORCE, ref.CVENT], quiz=date(2026, 2, 1))
    other = lic("LN-0600", contact_id="C-2002", apps=[ref.CVENT])
    reqs = [queued("R-1", kind="deprovision", license_number="LN-0500",
                   applications=[ref.CVENT]),
            queued("R-2", license_number="LN-0500", applications=[ref.CVENT],
                   submitted_at=datetime(2026, 11, 21, 17))]
    given_inputs = inputs(reqs, licenses=[holder, other])
    before = given_inputs.model_dump()
    plan = planner.plan_batch(given_inputs, POLICY)
    assert given_inputs.model_dump() == before
    assert plan.deprovisioned[0].applications == [ref.CVENT]
    (p,) = plan.provisioned
    assert p.applications == [ref.CVENT] and not p.license_created
    assert planner.plan_batch(given_inputs, POLICY) == plan

# -- C1/C6: when processing is allowed ---------------------------------------------------------
def test_c1_default_processing_day():
    assert planner.default_processing_day("2026-12", date(2026, 11, 23)) == ON
    assert planner.default_processing_day("2026-12", date(2026, 12, 3)) == date(2026, 12, 3)


@pytest.mark.parametrize("on,today,latest,fragment", [
    (ON, date(2026, 11, 30), None, "cannot be processed yet"),
    (date(2026, 11, 30), date(2026, 12, 2), None, "before cycle 2026-12's first processing day"),
    (date(2026, 12, 3), date(2026, 12, 2), None, "has not come yet"),
    (ON, ON, "2027-01", "later cycle 2027-01 was already processed"),
])
def test_c1_processing_refusals(on, today, latest, fragment):
    assert fragment in planner.processing_refusal("2026-12", on, today, (), latest)


def test_c1_processing_allowed_from_the_first_processing_day():
    assert planner.processing_refusal("2026-12", ON, ON, (), "2026-11") is None


@given(st.integers(min_value=1, max_value=99998))
def test_following_license_number_is_one_more_and_at_least_four_digits(n):
    nxt = planner.following_license_number(f"LN-{n:04d}")
    assert int(nxt[3:]) == n + 1 and len(nxt[3:]) >= 4


@pytest.mark.parametrize("processed_on, expected", [
    (date(2026, 12, 1), date(2026, 12, 7)),    # on time: the cycle's date (Monday Dec 7)
    (date(2026, 12, 4), date(2026, 12, 7)),    # Friday before: next business day is Dec 7
    (date(2026, 12, 7), date(2026, 12, 8)),    # on the date itself: it is no longer ahead
    (date(2026, 12, 11), date(2026, 12, 14)),  # Friday: over the weekend
    (date(2026, 12, 24), date(2026, 12, 28)),  # Christmas (Friday) is a federal holiday
])
def test_c2_announced_credentials_date_is_never_before_the_day_after_processing(processed_on,
                                                                              expected):
    assert planner.announced_credentials_date(date(2026, 12, 7), processed_on) == expected


def test_c2_announced_credentials_date_skips_extra_closures():
    closed = [date(2026, 12, 8)]
    assert planner.announced_credentials_date(date(2026, 12, 7), date(2026, 12, 7),
                                              closed) == date(2026, 12, 9)


def test_c3_an_application_taken_by_an_earlier_transfer_in_the_batch_is_net_new():
    # rev 2: LN-0100's Salesforce left on 2026-11-10; R-1 (submitted first) takes it, R-2
    # had claimed it too at submission (an import, say) and is provisioned as net new, told
    from ecomm.rules import LicenseApp
    from ecomm.rules.transfer import ReplacedSeats
    gone = ReplacedSeats(license_number="LN-0100", affiliated_campus="Boulder", apps=[
        LicenseApp(application=ref.SALESFORCE, provisioned_on=date(2025, 7, 1),
                   deprovisioned_on=date(2026, 11, 10))])
    first = queued("R-1", replaces_license="LN-0100")
    second = queued("R-2", contact_id="C-2", replaces_license="LN-0100",
                    submitted_at=datetime(2026, 11, 21, 17, 0)).model_copy(
        update={"transfer_apps": [ref.SALESFORCE]})
    given = inputs([second, first]).model_copy(update={"replaced": {"LN-0100": gone}})
    by_id = {p.request_id: p for p in planner.plan_batch(given, POLICY).provisioned}
    assert by_id["R-1"].transfers == [ref.SALESFORCE]
    assert by_id["R-2"].net_new_apps == [ref.SALESFORCE]
    assert by_id["R-2"].c3_changed == [ref.SALESFORCE]
    assert "already taken by request R-1" in by_id["R-2"].p10_notes[0]
    assert gone.taken == {}          # the inputs are not changed by planning
