"""Check a person: search by name, email or employee ID; the readiness panel ticks P1-P5 or
names the fix, warns on P13 duplicates, shows current access (P7); a specialist checks for
their own campus (P6); the contact is carried into the New request form."""
from __future__ import annotations

from tests.apptest.conftest import BOULDER, DENVER, MANAGER, SYSTEM, texts
from tests.apptest.pages_helpers import CHECK, FORM, ok, open_page
from tests.apptest.requests_seed import seeded  # noqa: F401
from tests.integration.requests_fixtures import add_contact


def search(email: str, text: str):
    at = open_page(email, CHECK)
    return ok(at.text_input(key="check_search").input(text).run())


def test_search_by_name_email_or_employee_id_shows_university_emails(seeded):
    for text in ("rita ready", "rita.ready@colorado", "111"):
        at = search(BOULDER, text)
        table = at.dataframe[0].value
        assert list(table["name"]) == ["Rita Ready"], text
        assert list(table["university emails"]) == ["UCB Email: rita.ready@colorado.edu"]
        assert table["contact"][0].startswith("contact?contact=C-ELIG")


def test_search_with_no_match_says_so(seeded):
    at = search(BOULDER, "Nobody Here")
    assert "No contact matches" in texts(at)
    assert not at.dataframe


def test_p1_p5_a_ready_contact_has_every_requirement_ticked(seeded):
    at = search(BOULDER, "Rita Ready")
    page = texts(at)
    assert "Ready to be provisioned at Boulder on 2026-11-23: P1-P5 are met." in page
    for rule in ("P1", "P2", "P3", "P4", "P5"):
        assert f":green[✓] **{rule}**" in page
    assert ":red[✗]" not in page
    assert "Holds no application today." in page


def test_p1_p4_p5_failures_are_crossed_with_the_fix_named(seeded):
    at = search(BOULDER, "Notyet")
    assert "Not ready yet: P1, P4, P5 not met." in at.error[0].value
    page = texts(at)
    assert ":red[✗] **P1** No UCB Email on this contact: ask campus OIT to populate it" in page
    assert ":green[✓] **P2** Employee ID 222" in page
    assert ":red[✗] **P4** Has not signed the eComm user agreement" in page
    assert ":red[✗] **P5** PCI Compliance: completed 2023-01-10 (recorded), out of date since " \
           "2024-01-10: the user must retake the course" in page


def test_p13_a_duplicate_contact_is_a_warning_not_a_block(seeded):
    add_contact(seeded, "C-DUP", "Ready", "Rita", employee_id="111", ucb=None, employment=None,
                agreement=False, courses_on=None)
    at = search(BOULDER, "rita.ready")
    assert "Ready to be provisioned" in texts(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "**P13** Another contact shares employee ID 111 (C-DUP, Rita Ready)" in warnings


def test_p7_current_access_lists_held_applications_with_the_license_record(seeded):
    at = search(BOULDER, "Hana Holder")
    assert "Holds Cvent, Marketing Cloud, Salesforce" in texts(at)
    licenses = at.dataframe[1].value
    assert licenses["license record"][0].startswith("license?license=LN-0776")


def test_p6_a1_a_specialist_checks_at_their_own_campus_only(seeded):
    # Rita is a Boulder person: Denver's specialist finds her only by her full email (issue 14:
    # a name search no longer lists other campuses' people) and sees the verdict for Denver.
    assert "No contact matches" in texts(search(DENVER, "Rita Ready"))
    at = search(DENVER, "rita.ready@colorado.edu")
    campus = at.selectbox(key="check_campus_C-ELIG")
    assert campus.options == ["Denver"] and campus.disabled
    # At Denver, Rita has no UCD Email (P1): the readiness is for the specialist's campus.
    assert ":red[✗] **P1** No UCD Email on this contact" in texts(at)


def test_system_team_picks_any_campus(seeded):
    at = search(SYSTEM, "Rita Ready")
    campus = at.selectbox(key="check_campus_C-ELIG")
    assert campus.value == "Boulder" and not campus.disabled
    ok(campus.select("UCCS").run())
    assert ":red[✗] **P1** No UCCS Email on this contact" in texts(at)


def test_start_a_request_carries_the_contact_and_campus_into_the_form(seeded):
    at = search(BOULDER, "Rita Ready")
    ok(at.button(key="check_start").click().run())
    page = texts(at)
    assert "New request" in page and "User Access Change Request for Rita Ready** (C-ELIG)" in page
    assert at.session_state["rf"]["contact_id"] == "C-ELIG"
    assert at.session_state["rf"]["answers"]["campus"] == "Boulder"
    assert FORM.endswith("request_form.py")


def test_a3_a_manager_reads_the_panel_but_cannot_start_a_request(seeded):
    at = search(MANAGER, "Rita Ready")
    assert "Ready to be provisioned at Boulder" in texts(at)
    assert not [b for b in at.button if b.key == "check_start"]
    assert "A3" in texts(at)
