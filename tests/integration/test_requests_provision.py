"""Submitting provisioning requests: P1-P14 through the service, C1/C2 dates, B5 cost."""
from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal

import pytest

from ecomm import reference as ref
from ecomm.errors import AccessDenied, EcommError
from ecomm.requests import submit_provision
from ecomm.requests.evidence import uploads_root
from tests.integration.requests_fixtures import (BOULDER, DENVER, MANAGER, NO_QUIZ, NOW, PNG,
                                                 SYSTEM, add_contact, count, draft, seed, upload,
                                                 uploaded_files)


@pytest.fixture
def seeded(store):
    seed(store)
    return store


def test_p1_p14_provision_saved_with_cycle_cutoff_credentials_and_net_new_cost(seeded):
    store = seeded
    conf = submit_provision(store, BOULDER, "C-ELIG", draft(), [upload("My Transcript.png")],
                            now_utc=NOW)
    assert conf.request_id.startswith("R-") and len(conf.request_id) == 8
    # C1/C2: submitted 2026-11-23 (Denver) -> cutoff Mon 2026-11-30, batch of December,
    # credentials on the 5th = Saturday -> Monday 2026-12-07.
    assert conf.cycle == "2026-12"
    assert conf.cutoff == date(2026, 11, 30)
    assert conf.processing_starts == date(2026, 12, 1)
    assert conf.credentials_date == date(2026, 12, 7)
    # B5: net new, December through June = 7 months per application at FY2027 rates.
    assert not conf.transfer
    assert conf.fiscal_year == 2027
    by_app = {c.application: c for c in conf.cost_lines}
    assert by_app[ref.SALESFORCE].months == 7 and by_app[ref.SALESFORCE].amount == Decimal("210.00")
    assert by_app[ref.MARKETING_CLOUD].amount == Decimal("140.00")
    assert conf.cost_total == Decimal("350.00")
    assert "$350.00" in conf.cost_note and "FY2027" in conf.cost_note
    # A license record exists straight away (the highest number held was LN-0900).
    assert conf.license_created and conf.license_number == "LN-0901"
    assert conf.license_number in conf.message

    req = store.query_dicts("SELECT * FROM requests WHERE request_id = ?", [conf.request_id])[0]
    assert (req["kind"], req["status"], req["cycle"]) == ("provision", "pending", "2026-12")
    assert req["contact_id"] == "C-ELIG" and req["submitted_by"] == BOULDER.email
    assert req["license_number"] == "LN-0901" and req["billing_campus"] == "Boulder"
    assert req["applications"] == [ref.SALESFORCE, ref.MARKETING_CLOUD]
    lic = store.query_dicts("SELECT * FROM licenses WHERE license_number = 'LN-0901'")[0]
    assert lic["contact_id"] == "C-ELIG" and lic["affiliated_campus"] == "Boulder"
    assert store.query_value("SELECT count(*) FROM license_apps WHERE license_number = 'LN-0901'") == 0
    hist = store.query("SELECT status, actor FROM request_status_history WHERE request_id = ?",
                       [conf.request_id])
    assert hist == [("pending", BOULDER.email)]
    actions = {r[0] for r in store.query("SELECT action FROM audit_log")}
    assert {"submit_provision", "open_license"} <= actions

    # P5 evidence: stored under <db folder>/uploads/<db name>/<request>/<uuid>-<safe name>,
    # hashed (issue 14 item 9: each database has its own uploads folder).
    ev = store.query_dicts("SELECT * FROM evidence_files")
    assert len(ev) == 1
    assert ev[0]["original_name"] == "My Transcript.png"
    assert ev[0]["sha256"] == hashlib.sha256(PNG).hexdigest() and ev[0]["size_bytes"] == len(PNG)
    files = uploaded_files(store)
    assert len(files) == 1
    assert files[0].parent == store.path.parent / "uploads" / "ecomm" / conf.request_id
    assert files[0].name.endswith("-My Transcript.png")
    assert files[0].read_bytes() == PNG


def test_p10_transfer_confirmation_says_no_new_charge(seeded):
    # rev 2 (per application): LN-0900 held Salesforce only (removed 2026-10-31, this fiscal
    # year), so Salesforce is a transfer and costs nothing; Marketing Cloud is net new.
    conf = submit_provision(seeded, BOULDER, "C-ELIG",
                            draft(apps=[ref.SALESFORCE], replaces_license="LN-0900"),
                            [upload()], now_utc=NOW)
    assert conf.transfer and conf.transfers == [ref.SALESFORCE] and conf.net_new == []
    assert conf.cost_lines == [] and conf.cost_total == Decimal("0")
    assert "license transfer of salesforce: no new charge" in conf.cost_note.lower()
    assert seeded.query_value("SELECT replaces_license FROM requests") == "LN-0900"
    assert seeded.query_value("SELECT transfer_apps FROM requests") == [ref.SALESFORCE]


def test_p10_replacing_a_user_who_still_holds_access_is_refused(seeded):
    with pytest.raises(EcommError) as err:
        submit_provision(seeded, BOULDER, "C-ELIG", draft(replaces_license="LN-0776"),
                         [upload()], now_utc=NOW)
    assert any(p.startswith("P10:") for p in err.value.problems)
    assert count(seeded, "requests") == 0


def test_existing_license_at_the_campus_is_reused_and_cost_uses_rates(seeded):
    licenses_before = count(seeded, "licenses")
    conf = submit_provision(seeded, BOULDER, "C-USER", draft(apps=[ref.APSONA]), [upload()],
                            now_utc=NOW)
    assert conf.license_number == "LN-0776" and not conf.license_created
    # B2: Apsona has no rate set: it costs 0 until the System team sets one.
    assert conf.cost_total == Decimal("0.00")
    assert count(seeded, "licenses") == licenses_before


def test_refused_provision_names_every_failing_rule_and_saves_nothing(seeded):
    store = seeded
    before = {t: count(store, t) for t in ("requests", "licenses", "evidence_files",
                                           "request_status_history", "audit_log")}
    with pytest.raises(EcommError) as err:
        submit_provision(store, BOULDER, "C-BAD", draft(course_pci_on=date(2023, 1, 10)),
                         [upload()], now_utc=NOW)
    rules = {p.split(":")[0] for p in err.value.problems}
    assert {"P1", "P4", "P5"} <= rules
    assert "Nothing was saved" in err.value.message
    assert any("UCB Email" in p for p in err.value.problems)
    assert {t: count(store, t) for t in before} == before
    assert uploaded_files(store) == []


def test_p5_provision_without_transcript_is_refused(seeded):
    with pytest.raises(EcommError) as err:
        submit_provision(seeded, BOULDER, "C-ELIG", draft(), [], now_utc=NOW)
    assert err.value.problems == ["P5: No screenshot of the learning transcript attached: upload "
                                  "at least one (PNG, JPEG or PDF)"]
    assert count(seeded, "requests") == 0


def test_p5_bad_upload_is_refused_before_anything_is_saved(seeded):
    from ecomm.requests.models import Upload
    fake = Upload(name="x.png", content_type="image/png", data=b"GIF89a....", size=10, sha256="0")
    with pytest.raises(EcommError) as err:
        submit_provision(seeded, BOULDER, "C-BAD", draft(), [fake, upload()],
                         now_utc=NOW)
    # Every problem at once: the rules that fail and the bad file.
    assert any("not a PNG, JPEG or PDF" in p for p in err.value.problems)
    assert any(p.startswith("P1:") for p in err.value.problems)
    assert count(seeded, "requests") == 0 and uploaded_files(seeded) == []


def test_p13_duplicate_warning_is_returned_and_does_not_block(seeded):
    add_contact(seeded, "C-DUP", "Ready", "Rita", employee_id="111", agreement=False,
                courses_on=None)
    conf = submit_provision(seeded, BOULDER, "C-ELIG", draft(), [upload()], now_utc=NOW)
    assert any(w.startswith("P13:") and "C-DUP" in w for w in conf.warnings)


def test_p14_specialist_without_quiz_pass_cannot_submit(seeded):
    with pytest.raises(EcommError) as err:
        submit_provision(seeded, NO_QUIZ, "C-ELIG", draft(), [upload()], now_utc=NOW)
    assert [p for p in err.value.problems if p.startswith("P14:")]
    assert count(seeded, "requests") == 0


def test_a3_manager_cannot_submit(seeded):
    with pytest.raises(AccessDenied):
        submit_provision(seeded, MANAGER, "C-ELIG", draft(), [upload()], now_utc=NOW)
    assert count(seeded, "requests") == 0


def test_a1_specialist_of_another_campus_cannot_submit(seeded):
    with pytest.raises(AccessDenied, match="Denver"):
        submit_provision(seeded, DENVER, "C-ELIG", draft(), [upload()], now_utc=NOW)
    assert count(seeded, "requests") == 0


def test_a2_system_team_submits_for_any_campus(seeded):
    conf = submit_provision(seeded, SYSTEM, "C-ELIG", draft(), [upload()], now_utc=NOW)
    assert conf.campus == "Boulder"


def test_p7_same_application_already_pending_is_refused(seeded):
    submit_provision(seeded, BOULDER, "C-ELIG", draft(), [upload()], now_utc=NOW)
    with pytest.raises(EcommError) as err:
        submit_provision(seeded, BOULDER, "C-ELIG", draft(apps=[ref.SALESFORCE]), [upload()],
                         now_utc=NOW)
    assert any(p.startswith("P7:") for p in err.value.problems)
    assert count(seeded, "requests") == 1


@pytest.mark.parametrize("utc,cycle,months", [
    (datetime(2026, 12, 1, 6, 59), "2026-12", 7),   # 23:59 Denver on the cutoff day
    (datetime(2026, 12, 1, 7, 1), "2027-01", 6),    # 00:01 Denver on Dec 1: next batch
])
def test_c1_cutoff_is_read_in_denver_time(seeded, utc, cycle, months):
    conf = submit_provision(seeded, BOULDER, "C-ELIG", draft(apps=[ref.SALESFORCE]), [upload()],
                            now_utc=utc)
    assert conf.cycle == cycle
    assert conf.cost_lines[0].months == months
    assert conf.cost_total == Decimal("30.00") * months


def test_c2_credentials_date_set_by_system_team_is_used(seeded):
    seeded.write(lambda cur: cur.execute(
        "INSERT INTO cycles VALUES ('2026-12', DATE '2026-12-04', 'sys@cu.edu', NULL)"))
    conf = submit_provision(seeded, BOULDER, "C-ELIG", draft(), [upload()], now_utc=NOW)
    assert conf.credentials_date == date(2026, 12, 4)


def test_request_ids_follow_the_sequence_and_skip_imported_ids(seeded):
    seeded.write(lambda cur: cur.execute(
        "INSERT INTO requests (request_id, kind, contact_id, campus, submitted_at, submitted_by, "
        "status) VALUES ('R-000001', 'deprovision', 'C-USER', 'Boulder', TIMESTAMP '2026-01-01', "
        "'x@cu.edu', 'completed')"))
    conf = submit_provision(seeded, BOULDER, "C-ELIG", draft(), [upload()], now_utc=NOW)
    assert conf.request_id == "R-000002"


def test_b3_chatter_free_salesforce_costs_nothing(seeded):
    conf = submit_provision(seeded, BOULDER, "C-ELIG",
                            draft(apps=[ref.SALESFORCE, ref.CVENT],
                                  salesforce_profile=ref.PROFILE_CHATTER_FREE),
                            [upload()], now_utc=NOW)
    by_app = {c.application: c for c in conf.cost_lines}
    assert by_app[ref.SALESFORCE].amount == Decimal("0.00")
    assert by_app[ref.CVENT].amount == Decimal("105.00")
    assert conf.cost_total == Decimal("105.00")


def test_failed_write_leaves_no_rows_and_no_files(seeded, monkeypatch):
    from ecomm.storage import audit

    real = audit.record
    written = []

    def boom(cur, **kw):
        if kw["action"] == "submit_provision":  # after the files are on disk
            written.extend(uploaded_files(seeded))
            raise RuntimeError("disk full")
        real(cur, **kw)

    monkeypatch.setattr(audit, "record", boom)
    with pytest.raises(RuntimeError):
        submit_provision(seeded, BOULDER, "C-ELIG", draft(), [upload(), upload("b.pdf",
                         b"%PDF-1.4 x")], now_utc=NOW)
    assert count(seeded, "requests") == 0 and count(seeded, "evidence_files") == 0
    assert count(seeded, "licenses") == 3
    assert len(written) == 2
    assert uploaded_files(seeded) == []
    assert not any(uploads_root(seeded).glob("R-*"))


def test_p11_form_refuses_an_unknown_or_retired_business_unit_naming_it(seeded):
    with pytest.raises(EcommError) as err:
        submit_provision(seeded, BOULDER, "C-ELIG",
                         draft(business_units=["CUB Retired Unit", "CUD Advancement"]),
                         [upload()], now_utc=NOW)
    assert err.value.problems == [
        f"P11: '{unit}' is not an active business unit of Boulder: choose one of Boulder's "
        "business units (the System team keeps the list)"
        for unit in ("CUB Retired Unit", "CUD Advancement")]
    assert count(seeded, "requests") == 0
