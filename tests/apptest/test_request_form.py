"""New request (seed 000's form, screen by screen): a provisioning request submitted with its
confirmation (request id, license record, cycle C1/C2, B5 cost); each screen's rules stop its
Next (issue 18), a refused one saves nothing and keeps the answers; P7-P10 on the screens;
deprovisioning (C4)."""
from __future__ import annotations

from datetime import date

import pytest

from ecomm import reference as ref
from tests.apptest.conftest import BOULDER, DENVER, MANAGER, NEW_SPECIALIST, SYSTEM, texts
from tests.apptest.pages_helpers import (FORM, click, errors, fill_unit, fill_user, ok,
                                         open_page, start_request, to_user_step, upload)
from tests.apptest.requests_seed import JPEG, NOT_AN_IMAGE, PNG, count, seeded  # noqa: F401

SF, MC, CVENT = ref.SALESFORCE, ref.MARKETING_CLOUD, ref.CVENT


def links(at) -> list[str]:
    """The labels of the page links shown (st.page_link)."""
    return [e.proto.label for e in at.get("page_link")]


def snapshot(store) -> tuple[int, int, int, int]:
    return (count(store, "requests"), count(store, "licenses"), count(store, "evidence_files"),
            count(store, "audit_log"))


def test_p1_p14_provision_from_check_to_confirmation_with_cycle_and_net_new_cost(seeded):
    at = start_request(BOULDER, "Rita Ready")
    at = to_user_step(at)
    # P6: the specialist's campus is fixed; the campus's specialist is the default.
    assert at.text_input(key="rf_affiliated").value == "Boulder"
    assert at.selectbox(key="rf_specialist").value == BOULDER
    fill_user(at, [SF, MC])
    click(at, "rf_next")
    fill_unit(at, ["CUB Advancement"], ["01 Adv Boulder"], {"11520844": 20, "11531092": 80})
    click(at, "rf_next")
    # P5: course dates are prefilled from the contact's recorded completions.
    assert at.date_input(key="rf_course_pci_on").value == date(2026, 10, 1)
    upload(at, [("transcript.png", PNG, "image/png")])
    assert "transcript.png uploaded." in " ".join(s.value for s in at.success)
    click(at, "rf_submit")

    page = texts(at)
    assert not at.error, errors(at)
    assert "Your provisioning request R-000001 has been submitted!" in page
    assert "See the license record for this request here: LN-0901." in page
    assert "License record LN-0901 (opened for this request)" in links(at)
    assert "**Cycle 2026-12**: cutoff 2026-11-30, processing from 2026-12-01, credentials on " \
           "2026-12-07." in page
    cost = at.dataframe[0].value
    assert list(cost["application"]) == [SF, MC]
    assert list(cost["amount"]) == ["$210.00", "$140.00"]  # B5: 7 months (Dec-Jun)
    assert "Total FY2027: \\$350.00" in page

    row = seeded.query_dicts("SELECT * FROM requests WHERE request_id = 'R-000001'")[0]
    assert (row["contact_id"], row["campus"], row["status"], row["cycle"]) == (
        "C-ELIG", "Boulder", "pending", "2026-12")
    assert row["applications"] == [SF, MC] and row["ecomm_specialist"] == BOULDER
    assert row["business_units"] == ["CUB Advancement"]
    assert row["unit_speedtypes"] == "11520844:20;11531092:80"
    assert row["billing_campus"] == "Boulder"
    assert row["course_pci_on"] == date(2026, 10, 1)
    assert seeded.query_value("SELECT original_name FROM evidence_files "
                              "WHERE request_id = 'R-000001'") == "transcript.png"


def test_p11_p12_are_reported_on_the_unit_screen_and_p5_at_submit_answers_kept(seeded):
    # Issue 18 (was: every failing rule reported only at the final Submit): a screen's rules
    # are checked when leaving it, so P11 and P12 stop Next on the unit screen; P5 (no
    # transcript) is the last screen's and is reported at Submit. Nothing is saved meanwhile.
    before = snapshot(seeded)
    at = start_request(BOULDER, "Rita Ready")
    to_user_step(at)
    fill_user(at, [SF])
    click(at, "rf_next")
    # No public group (P11), a split adding up to 90 (P12).
    fill_unit(at, ["CUB Advancement"], [], {"11520844": 50, "11531092": 40})
    click(at, "rf_next")
    problems = errors(at)
    assert "This screen has 2 requirement(s) not met: correct them here, then press Next." \
        in problems
    assert "P11: No public group chosen" in problems
    assert "P12: Unit speedtype percentages add up to 90, not 100" in problems
    assert "P5" not in problems
    # Still on the unit screen, every answer in place: fix and go on.
    assert at.multiselect(key="rf_units").value == ["CUB Advancement"]
    assert at.number_input(key="rf_pct_Boulder_2_11531092").value == 40
    at.number_input(key="rf_pct_Boulder_2_11531092").set_value(50)
    ok(at.multiselect(key="rf_groups").set_value(["01 Adv Boulder"]).run())
    click(at, "rf_next")
    assert not at.error, errors(at)
    click(at, "rf_submit")
    problems = errors(at)
    assert "cannot be submitted: 1 requirement(s) not met. Nothing was saved." in problems
    assert "P5: No screenshot of the learning transcript attached" in problems
    assert "Your answers are kept, uploads included" in texts(at)
    assert snapshot(seeded) == before

    # The answers are kept after the refusal: back on the unit screen they are still there.
    click(at, "rf_prev")
    assert at.multiselect(key="rf_groups").value == ["01 Adv Boulder"]
    click(at, "rf_next")
    upload(at, [("screenshot.jpg", JPEG, "image/jpeg")])
    click(at, "rf_submit")
    assert not at.error, errors(at)
    assert "Your provisioning request R-000001 has been submitted!" in texts(at)
    assert seeded.query_value("SELECT unit_speedtypes FROM requests") == "11520844:50;11531092:50"


def test_p1_p4_an_ineligible_contact_is_stopped_on_the_campus_screen_with_each_rule_named(
        seeded):
    # Issue 18 (was: refused only at the final Submit, after every screen): P1-P4 belong to
    # the campus screen and stop its Next; Check a person no longer offers the request.
    before = snapshot(seeded)
    at = open_page(BOULDER, FORM)
    ok(at.text_input(key="rf_search").input("Notyet").run())
    ok(at.selectbox(key="rf_pick").select("C-BAD").run())
    click(at, "rf_use")
    click(at, "rf_ack")
    click(at, "rf_next")
    problems = errors(at)
    assert "This screen has 2 requirement(s) not met" in problems
    assert "P1: No UCB Email on this contact: ask campus OIT to populate it" in problems
    assert "P4: Has not signed the eComm user agreement" in problems
    assert at.radio(key="rf_action").value == "Provision"   # still on the campus screen
    assert not [m for m in at.multiselect if m.key == "rf_apps"]
    assert snapshot(seeded) == before
    # Deprovisioning and change requests do not need P1-P5: the same screen lets them on.
    ok(at.radio(key="rf_action").set_value("Deprovision").run())
    click(at, "rf_next")
    assert not at.error, errors(at)
    assert "holds no application on a Boulder license record" in texts(at)


def test_p5_a_file_that_is_not_an_image_is_flagged_and_refused(seeded):
    at = start_request(BOULDER, "Rita Ready")
    to_user_step(at)
    fill_user(at, [SF])
    click(at, "rf_next")
    fill_unit(at, ["CUB Advancement"], ["01 Adv Boulder"])
    click(at, "rf_next")
    upload(at, [("transcript.png", NOT_AN_IMAGE, "image/png")])
    assert "is not a PNG, JPEG or PDF file" in errors(at)
    click(at, "rf_submit")
    assert "P5: transcript.png is not a PNG, JPEG or PDF file" in errors(at)
    assert count(seeded, "requests") == 0
    assert not (seeded.path.parent / "uploads").exists() or not any(
        (seeded.path.parent / "uploads").rglob("*.png"))


def test_p9_cvent_add_ons_appear_only_when_cvent_is_chosen(seeded):
    at = start_request(BOULDER, "Rita Ready")
    to_user_step(at)
    assert not [m for m in at.multiselect if m.key == "rf_addons"]
    fill_user(at, [SF, CVENT])
    assert at.multiselect(key="rf_addons").options == list(ref.CVENT_ADD_ONS)
    fill_user(at, [SF])
    assert not [m for m in at.multiselect if m.key == "rf_addons"]


def test_p8_super_user_permissions_only_at_the_policy_campuses(seeded):
    # Issue 18: leaving the campus screen checks P1 at Anschutz, so Rita gets an Anschutz email
    seeded.write(lambda cur: cur.execute(
        "UPDATE contacts SET anschutz_email = 'rita.ready@cuanschutz.edu' "
        "WHERE contact_id = 'C-ELIG'"))
    at = start_request(BOULDER, "Rita Ready")
    to_user_step(at)
    assert not [m for m in at.multiselect if m.key == "rf_super"]
    assert "Super Users are currently available only at Anschutz, UCCS, System" in texts(at)

    at = open_page(SYSTEM, FORM)
    ok(at.text_input(key="rf_search").input("Rita").run())
    ok(at.selectbox(key="rf_pick").select("C-ELIG").run())
    click(at, "rf_use")
    to_user_step(at, campus="Anschutz")
    assert at.text_input(key="rf_affiliated").value == "Anschutz"
    assert at.multiselect(key="rf_super").options == list(ref.SUPER_USER_PERMISSIONS)


def test_p10_replacing_a_departed_same_campus_user_is_a_transfer_with_no_new_charge(seeded):
    at = start_request(BOULDER, "Rita Ready")
    to_user_step(at)
    ok(at.checkbox(key="rf_replacing").check().run())
    options = at.selectbox(key="rf_replaces").options
    assert any("LN-0900" in o and "deprovisioned 2026-10-31" in o for o in options), options
    assert not any("LN-0100" in o for o in options)  # Denver: another campus
    ok(at.selectbox(key="rf_replaces").select("LN-0900").run())
    fill_user(at, [SF])
    click(at, "rf_next")
    fill_unit(at, ["CUB Advancement"], ["01 Adv Boulder"])
    click(at, "rf_next")
    upload(at, [("t.png", PNG, "image/png")])
    click(at, "rf_submit")
    assert not at.error, errors(at)
    # rev 2 (P10): the confirmation says, per application, transfer or net new
    assert "License transfer of Salesforce: no new charge; the seat of LN-0900 continues" in texts(at)
    assert "Salesforce: transfer (LN-0900's Salesforce was removed on 2026-10-31" in texts(at)
    assert seeded.query_value("SELECT replaces_license FROM requests") == "LN-0900"


def test_p7_current_access_is_shown_and_held_applications_are_not_offered(seeded):
    at = start_request(BOULDER, "Hana Holder")
    to_user_step(at)
    page = texts(at)
    assert "This user already has the applications listed below" in page
    assert f"- {CVENT}" in page and f"- {SF}" in page
    click(at, "rf_next")
    assert at.multiselect(key="rf_apps").options == [ref.APSONA, ref.GEOPOINTE]
    # Cvent is held, so its add-ons may be asked for (P9).
    assert at.multiselect(key="rf_addons")


def test_c4_deprovision_salesforce_goes_at_once_the_rest_waits_for_the_batch(seeded):
    at = start_request(BOULDER, "Hana Holder")
    to_user_step(at, action="Deprovision")
    assert [c.label for c in at.checkbox] == [CVENT, MC, SF]  # only held applications
    at.checkbox(key=f"rf_dep_{SF}").check()
    ok(at.checkbox(key=f"rf_dep_{MC}").check().run())
    click(at, "rf_dep_submit")
    assert not at.error, errors(at)
    page = texts(at)
    assert "Your deprovisioning request R-000001 for LN-0776 has been submitted." in page
    assert ("Salesforce was removed at once, on 2026-11-23; the campus is billed for Salesforce "
            "through the end of November 2026.") in page
    assert "Marketing Cloud: removed in the batch, not now." in page
    assert seeded.query_value("SELECT deprovisioned_on FROM license_apps WHERE "
                              "license_number = 'LN-0776' AND application = ?", [SF]) == date(2026, 11, 23)
    assert seeded.query_value("SELECT deprovisioned_on FROM license_apps WHERE "
                              "license_number = 'LN-0776' AND application = ?", [MC]) is None


def test_c4_deprovision_with_nothing_chosen_is_refused(seeded):
    at = start_request(BOULDER, "Hana Holder")
    to_user_step(at, action="Deprovision")
    click(at, "rf_dep_submit")
    assert "P7: No application chosen: choose the applications to remove" in errors(at)
    assert count(seeded, "requests") == 0


def test_p14_a_specialist_without_the_quiz_is_warned_and_refused(seeded):
    at = start_request(NEW_SPECIALIST, "Rita Ready")
    assert "P14" in " ".join(w.value for w in at.warning)
    to_user_step(at)
    fill_user(at, [SF])
    click(at, "rf_next")
    fill_unit(at, ["CUB Advancement"], ["01 Adv Boulder"])
    click(at, "rf_next")
    upload(at, [("t.png", PNG, "image/png")])
    click(at, "rf_submit")
    assert "P14: You have not passed the license-change quiz" in errors(at)
    assert count(seeded, "requests") == 0


def test_p6_a_specialist_can_only_choose_their_own_campus(seeded):
    # (Denver's own person: since issue 14 Check a person lists no Boulder person for Denver)
    at = start_request(DENVER, "Dana Mile")
    click(at, "rf_ack")
    campus = at.selectbox(key="rf_campus")
    assert campus.options == ["Denver"] and campus.disabled


@pytest.mark.parametrize("email", [MANAGER])
def test_a3_a_manager_has_no_new_request_page(seeded, email):
    at = open_page(email, "app_pages/home.py")
    with pytest.raises(ValueError):
        at.switch_page(FORM)


def test_p12_billing_defaults_to_the_campus_and_its_usual_speedtype_and_splits_evenly(seeded):
    seeded.write(lambda cur: cur.execute(   # rev 2: the reference default wins over the usual
        "UPDATE licenses SET campus_speedtype = '11520844' WHERE billing_campus = 'Boulder'"))
    at = start_request(BOULDER, "Rita Ready")
    to_user_step(at)
    fill_user(at, [SF])
    click(at, "rf_next")
    assert at.selectbox(key="rf_billing_campus").value == "Boulder"
    assert at.selectbox(key="rf_campus_speedtype_Boulder").value == "11504317"
    ok(at.multiselect(key="rf_unit_sts_Boulder").set_value(["11520844", "11531092"]).run())
    assert [n.value for n in at.number_input] == [50, 50]
    ok(at.multiselect(key="rf_unit_sts_Boulder").set_value(
        ["11520844", "11531092", "11504317"]).run())
    assert [n.value for n in at.number_input] == [34, 33, 33]
    # Another billing campus offers its own speedtypes (P12: billing campus may change).
    ok(at.selectbox(key="rf_billing_campus").select("Denver").run())
    assert at.selectbox(key="rf_campus_speedtype_Denver").options == [
        "Denver – 40100220 (Denver campus eComm billing)", ref.NEW_SPEEDTYPE_NEEDED]
