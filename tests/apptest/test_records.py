"""Contact and license record pages, opened by URL (`contact?contact=ID`, `license?license=LN`):
what they show, the P4 agreement fix, the C4 deprovision and C5 group change actions,
transcript downloads, and A1: another campus's record is 'not found' with no data shown."""
from __future__ import annotations

import json
from datetime import date

import pytest

from ecomm import reference as ref
from ecomm.requests import submit_provision
from tests.apptest.conftest import BOULDER, DENVER, MANAGER, SYSTEM, texts
from tests.apptest.pages_helpers import CONTACT, FORM, LICENSE, errors, ok, open_page, stay
from tests.apptest.requests_seed import NOW, PNG, count, seeded, who  # noqa: F401
from tests.integration.requests_fixtures import draft, upload


def success(at) -> str:
    return " ".join(s.value for s in at.success)


# -- contact record ---------------------------------------------------------------------------
def test_contact_record_shows_emails_courses_and_license_links(seeded):
    at = open_page(BOULDER, CONTACT, contact="C-USER")
    page = texts(at)
    assert "Hana Holder · C-USER" in page and "Employee ID **333**" in page
    assert "Signed on 2026-09-01 (P4)." in page
    emails = at.dataframe[0].value
    assert list(emails["field"]) == ["Email", "UCB Email"]
    assert "hana@colorado.edu" in list(emails["email"])
    courses = at.dataframe[2].value
    pci = courses[courses["course"] == ref.COURSE_PCI].iloc[0]
    assert pci["valid through"] == date(2027, 9, 30) and pci["status"] != "Missing"
    licenses = at.dataframe[3].value
    assert licenses["license record"][0].startswith("license?license=LN-0776")
    assert licenses["applications held"][0] == "Cvent, Marketing Cloud, Salesforce"


@pytest.mark.parametrize("email,contact_id", [(BOULDER, "C-DEN"), (DENVER, "C-USER")])
def test_a1_another_campus_contact_is_not_found_and_nothing_is_shown(seeded, email, contact_id):
    at = open_page(email, CONTACT, contact=contact_id)
    assert f"Contact {contact_id} was not found" in texts(at)
    assert not at.dataframe and not at.header
    assert "Dana" not in texts(at) and "Hana" not in texts(at)


def test_contact_page_without_an_id_offers_to_open_one(seeded):
    at = open_page(SYSTEM, CONTACT)
    at.text_input(key="contact_open").input("C-DEN")
    ok(at.button(key="contact_open_go").click().run())
    assert at.query_params["contact"] == "C-DEN"
    assert "Dana Mile · C-DEN" in texts(at)


def test_p4_agreement_fix_needs_reason_and_dcr_then_is_recorded(seeded):
    at = open_page(BOULDER, CONTACT, contact="C-BAD")
    assert "Not in the agreement campaign" in texts(at)
    at.text_area(key="fix_reason").input("Agreement signed on duplicate contact C-OLD")
    ok(at.button(key="fix_submit").click().run())
    problems = errors(at)
    assert "P4: Give the Data Change Request reference" in problems
    assert "P4: Give the date the user signed the agreement" in problems
    assert count(seeded, "campaign_members", "contact_id = 'C-BAD'") == 0

    at.text_input(key="fix_dcr").input("DCR-20931")
    at.date_input(key="fix_signed").set_value(date(2026, 11, 20))
    ok(at.button(key="fix_submit").click().run())
    assert "is now in the agreement campaign, added by ecomm.boulder@colorado.edu" in success(at)
    assert "Added to the agreement campaign by hand by ecomm.boulder@colorado.edu" in texts(at)
    row = seeded.query_one("SELECT added_by, reason FROM campaign_members WHERE contact_id = 'C-BAD'")
    assert row[0] == BOULDER and "DCR-20931" in row[1]
    after = json.loads(seeded.query_value(
        "SELECT after FROM audit_log WHERE action = 'agreement_fix' AND entity_id = 'C-BAD'"))
    assert after["dcr_reference"] == "DCR-20931"


def test_start_a_request_from_the_contact_record(seeded):
    at = open_page(BOULDER, CONTACT, contact="C-ELIG")
    ok(at.button(key="contact_start").click().run())
    assert "User Access Change Request for Rita Ready" in texts(at)
    stay(at, FORM)
    assert at.button(key="rf_ack")


# -- license record ---------------------------------------------------------------------------
def test_license_record_shows_applications_groups_and_billing(seeded):
    at = open_page(BOULDER, LICENSE, license="LN-0776")
    page = texts(at)
    assert "LN-0776 · Hana Holder" in page
    assert "**Business units:** CUB Advancement" in page and "**Billing campus:** Boulder" in page
    apps = at.dataframe[0].value
    assert sorted(apps["application"]) == [ref.CVENT, ref.MARKETING_CLOUD, ref.SALESFORCE]
    assert all(apps["held"]) and all(apps["net new"])
    assert list(apps["last login"].unique()) == [date(2026, 11, 1)]
    assert set(apps["transfer or net new"]) == {"net new"}


def test_p10_license_record_says_per_application_transfer_or_net_new(seeded):
    seeded.write(lambda cur: cur.execute(
        "UPDATE license_apps SET net_new = FALSE, transfer_from = 'LN-0900' "
        "WHERE license_number = 'LN-0776' AND application = 'Salesforce'"))
    apps = open_page(BOULDER, LICENSE, license="LN-0776").dataframe[0].value
    said = dict(zip(apps["application"], apps["transfer or net new"]))
    assert said == {ref.SALESFORCE: "transfer from LN-0900", ref.MARKETING_CLOUD: "net new",
                    ref.CVENT: "net new"}


@pytest.mark.parametrize("email,number", [(BOULDER, "LN-0100"), (DENVER, "LN-0776"),
                                          (BOULDER, "LN-9999")])
def test_a1_another_campus_license_is_not_found_and_nothing_is_shown(seeded, email, number):
    at = open_page(email, LICENSE, license=number)
    assert f"License record {number} was not found" in texts(at)
    assert not at.dataframe and not at.header and not at.expander


def test_c4_deprovision_from_the_license_record(seeded):
    at = open_page(BOULDER, LICENSE, license="LN-0776")
    at.multiselect(key="lic_dep_apps").set_value([ref.SALESFORCE])
    ok(at.button(key="lic_dep_submit").click().run())
    assert "Your deprovisioning request R-000001 for LN-0776 has been submitted." in success(at)
    assert "billed for Salesforce through the end of November 2026" in texts(at)
    assert seeded.query_one("SELECT kind, status FROM requests") == ("deprovision", "completed")
    apps = at.dataframe[0].value
    sf = apps[apps["application"] == ref.SALESFORCE].iloc[0]
    assert not sf["held"] and sf["deprovisioned on"] == date(2026, 11, 23)


def test_c5_request_a_group_change_from_the_license_record(seeded):
    at = open_page(BOULDER, LICENSE, license="LN-0776")
    assert at.multiselect(key="gc_add_groups").options == [
        *[g for g in ref.FIXED_PUBLIC_GROUPS], "01 Arts Communications"]
    at.multiselect(key="gc_add_groups").set_value(["01 Arts Communications"])
    ok(at.button(key="gc_request_submit").click().run())
    assert "Your group change R-000001 for LN-0776 has been sent to the System team." in success(at)
    row = seeded.query_one("SELECT kind, status, public_groups FROM requests")
    assert row == ("change_groups", "pending", ["01 Arts Communications"])


def test_c5_a_group_change_that_would_leave_no_public_group_is_refused(seeded):
    at = open_page(BOULDER, LICENSE, license="LN-0776")
    at.multiselect(key="gc_remove_groups").set_value(["01 Adv Boulder"])
    ok(at.button(key="gc_request_submit").click().run())
    assert "P11: No public group chosen" in errors(at)
    assert count(seeded, "requests") == 0


def test_p5_transcript_files_download_from_the_license_record(seeded):
    conf = submit_provision(seeded, who(seeded, BOULDER), "C-ELIG", draft(),
                            [upload("My transcript.png", PNG)], now_utc=NOW)
    at = open_page(BOULDER, LICENSE, license=conf.license_number)
    buttons = [b for b in at.get("download_button")]
    assert len(buttons) == 1
    assert "My transcript.png" in buttons[0].proto.label
    history = at.dataframe[1].value
    assert list(history["status"]) == ["pending"] and list(history["by"]) == [BOULDER]


def test_a3_a_manager_reads_records_without_any_action(seeded):
    at = open_page(MANAGER, LICENSE, license="LN-0100")
    assert "LN-0100 · Dana Mile" in texts(at)
    assert not [e for e in at.expander if e.label in ("Deprovision applications",
                                                       "Request a group change")]
    assert not [b for b in at.button if b.key in ("lic_dep_submit", "gc_request_submit")]
    at = open_page(MANAGER, CONTACT, contact="C-DEN")
    assert "Dana Mile · C-DEN" in texts(at)
    assert not [b for b in at.button if b.key in ("fix_submit", "contact_start")]


def test_request_pages_render_on_the_demo_data(tmp_path, monkeypatch, demo_copy):
    """Every issue 3 page, as the demo's Boulder specialist, on the demo data set."""
    import streamlit as st

    from ecomm import clock
    from ecomm.storage import Store
    from tests.apptest.conftest import TODAY
    from tests.apptest.pages_helpers import CHECK, GROUPS, REQUESTS

    pytest.importorskip("ecomm.demo")
    path = demo_copy(tmp_path / "demo.duckdb", as_of=TODAY, licenses=150)
    with Store(path) as store:
        number, contact_id = store.query_one(
            "SELECT license_number, contact_id FROM licenses WHERE affiliated_campus = 'Boulder' "
            "ORDER BY license_number LIMIT 1")
    monkeypatch.setenv("ECOMM_DB", str(path))
    monkeypatch.setattr(clock, "today_denver", lambda: TODAY)
    try:
        for page, params in ((CHECK, {}), (REQUESTS, {}), (GROUPS, {}),
                             (LICENSE, {"license": number}), (CONTACT, {"contact": contact_id})):
            at = open_page("ecomm.boulder@colorado.edu", page, **params)
            assert not at.error, (page, errors(at))
            assert "was not found" not in texts(at), page
        assert f"{number} · " in texts(at) or contact_id in texts(at)
    finally:
        st.cache_resource.clear()
