"""Record pages and request lists: what each person may see (A1-A3), and transcript reads."""
from __future__ import annotations

from datetime import date

import pytest

from ecomm import reference as ref
from ecomm.errors import EcommError, NotFound
from ecomm.identity import Identity
from ecomm.requests import (contact_record, license_record, list_requests, read_evidence,
                            submit_deprovision, submit_provision)
from tests.integration.requests_fixtures import (BOULDER, DENVER, MANAGER, NOW, PNG, SYSTEM,
                                                 draft, seed, upload, uploaded_files)

ON = date(2026, 11, 23)


@pytest.fixture
def seeded(store):
    seed(store)
    return store


def test_contact_record_shows_emails_employment_agreement_courses_licenses_requests(seeded):
    submit_deprovision(seeded, BOULDER, "LN-0776", [ref.CVENT], now_utc=NOW)
    rec = contact_record(seeded, BOULDER, "C-USER", on=ON)
    assert rec.name == "Hana Holder"
    assert {e["label"]: e["email"] for e in rec.emails} == {"Email": "hana@gmail.com",
                                                            "UCB Email": "hana@colorado.edu"}
    assert rec.employments[0]["campus"] == "Boulder"
    assert rec.agreement["signed_at"] is not None
    pci = next(c for c in rec.courses if c["course"] == ref.COURSE_PCI)
    # P5 policy: PCI valid 365 days, completed 2026-10-01 -> valid through 2027-09-30.
    assert pci["completed_on"] == date(2026, 10, 1)
    assert pci["valid_through"] == date(2027, 9, 30)
    assert pci["status"] == "ok"
    assert [lic["license_number"] for lic in rec.licenses] == ["LN-0776"]
    assert rec.licenses[0]["held"] == [ref.CVENT, ref.MARKETING_CLOUD, ref.SALESFORCE]
    assert [r["kind"] for r in rec.requests] == ["deprovision"]


def test_contact_record_course_out_of_date_and_missing(seeded):
    rec = contact_record(seeded, SYSTEM, "C-BAD", on=ON)
    assert {c["status"] for c in rec.courses} == {"non_compliant"}
    from tests.integration.requests_fixtures import add_contact
    add_contact(seeded, "C-NONE", "No", "Courses", courses_on=None, ucb="x@colorado.edu")
    rec = contact_record(seeded, SYSTEM, "C-NONE", on=ON)
    assert [c["status_label"] for c in rec.courses] == ["Missing"] * 3


def test_license_record_has_apps_requests_history_files_and_audit(seeded):
    conf = submit_provision(seeded, BOULDER, "C-USER", draft(apps=[ref.APSONA]), [upload()],
                            now_utc=NOW)
    submit_deprovision(seeded, BOULDER, "LN-0776", [ref.SALESFORCE], now_utc=NOW)
    rec = license_record(seeded, BOULDER, "LN-0776", on=ON)
    assert rec.contact_name == "Hana Holder"
    assert rec.license["business_units"] == ["CUB Advancement"]
    apps = {a["application"]: a for a in rec.applications}
    assert apps[ref.SALESFORCE]["deprovisioned_on"] == ON and not apps[ref.SALESFORCE]["held"]
    assert apps[ref.CVENT]["held"] and apps[ref.CVENT]["net_new"]
    assert apps[ref.CVENT]["last_login_on"] == date(2026, 11, 1)
    assert {r["kind"] for r in rec.requests} == {"provision", "deprovision"}
    assert {h["request_id"] for h in rec.status_history} == {r["request_id"] for r in rec.requests}
    assert [e["request_id"] for e in rec.evidence] == [conf.request_id]
    assert {"submit_provision", "submit_deprovision", "remove_salesforce"} <= {
        a["action"] for a in rec.audit}


def test_a1_other_campus_specialist_sees_nothing(seeded):
    conf = submit_provision(seeded, BOULDER, "C-ELIG", draft(), [upload()], now_utc=NOW)
    file_id = seeded.query_value("SELECT file_id FROM evidence_files")
    for call in (lambda: contact_record(seeded, DENVER, "C-ELIG"),
                 lambda: license_record(seeded, DENVER, "LN-0776"),
                 lambda: license_record(seeded, DENVER, conf.license_number),
                 lambda: read_evidence(seeded, DENVER, file_id)):
        with pytest.raises(NotFound) as err:
            call()
        assert "Rita" not in str(err.value) and "Boulder" not in str(err.value)
    assert [r["campus"] for r in list_requests(seeded, DENVER)] == []
    assert [r["request_id"] for r in list_requests(seeded, BOULDER)] == [conf.request_id]
    assert [r["request_id"] for r in list_requests(seeded, MANAGER)] == [conf.request_id]


def test_a1_additional_specialist_sees_the_license_and_its_requests(seeded):
    submit_deprovision(seeded, BOULDER, "LN-0776", [ref.CVENT], now_utc=NOW)
    seeded.write(lambda cur: cur.execute(
        "UPDATE licenses SET additional_specialists = [?] WHERE license_number = 'LN-0776'",
        [DENVER.email.upper()]))
    assert license_record(seeded, DENVER, "LN-0776").license["license_number"] == "LN-0776"
    assert [r["license_number"] for r in list_requests(seeded, DENVER)] == ["LN-0776"]
    assert [lic["license_number"] for lic in contact_record(seeded, DENVER, "C-USER").licenses] \
        == ["LN-0776"]


def test_list_requests_filters(seeded):
    submit_provision(seeded, BOULDER, "C-ELIG", draft(), [upload()], now_utc=NOW)
    submit_deprovision(seeded, SYSTEM, "LN-0100", [ref.CVENT], now_utc=NOW)
    assert {r["campus"] for r in list_requests(seeded, SYSTEM)} == {"Boulder", "Denver"}
    assert [r["kind"] for r in list_requests(seeded, SYSTEM, kind="deprovision")] == ["deprovision"]
    assert [r["campus"] for r in list_requests(seeded, SYSTEM, campus="Denver")] == ["Denver"]
    assert list_requests(seeded, SYSTEM, status="completed") == []
    assert [r["campus"] for r in list_requests(seeded, DENVER)] == ["Denver"]


def test_p5_read_evidence_returns_the_stored_bytes_and_detects_tampering(seeded):
    submit_provision(seeded, BOULDER, "C-ELIG", draft(), [upload("shot.png")], now_utc=NOW)
    file_id = seeded.query_value("SELECT file_id FROM evidence_files")
    assert read_evidence(seeded, BOULDER, file_id) == ("shot.png", "image/png", PNG)
    assert read_evidence(seeded, MANAGER, file_id)[2] == PNG
    uploaded_files(seeded)[0].write_bytes(PNG + b"changed")
    with pytest.raises(EcommError, match="checksum"):
        read_evidence(seeded, SYSTEM, file_id)


def test_inactive_person_sees_nothing(seeded):
    gone = Identity(email=BOULDER.email, name="x", role="specialist", campus="Boulder",
                    active=False)
    with pytest.raises(NotFound):
        license_record(seeded, gone, "LN-0776")
    with pytest.raises(EcommError):
        list_requests(seeded, gone)
