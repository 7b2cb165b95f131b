"""requests.csv and licenses.csv with rules revision 2: kind ``change`` (P15), the profile
following the applications (P16), the specialist every license names (P17), and the System
team tasks opened by imported requests (C7)."""
from __future__ import annotations

import pytest

from ecomm import reference as ref
from ecomm.importer import ImportRefused, import_path
from tests.integration.import_samples import SAMPLE, write_sample

HEADER = ("request_id,kind,contact_id,campus,submitted_at,submitted_by,applications,"
          "license_number,ecomm_role,business_units,public_groups,salesforce_profile,"
          "super_user_permissions,cvent_add_ons,salesforce_upgrade,course_privacy_awareness_on,"
          "course_it_providers_on,course_pci_on")
AT = "2026-11-23T10:00:00"   # Monday, Denver: cycle 2026-12


def row(**kw) -> str:
    """C-001 (eligible at Boulder, holds Salesforce and Cvent on LN-0776), by the System team."""
    cells = dict(request_id="R-9001", kind="change", contact_id="C-001", campus="Boulder",
                 submitted_at=AT, submitted_by="sys@cu.edu", applications="",
                 license_number="LN-0776", ecomm_role="", business_units="", public_groups="",
                 salesforce_profile="", super_user_permissions="", cvent_add_ons="",
                 salesforce_upgrade="", course_privacy_awareness_on="",
                 course_it_providers_on="", course_pci_on="")
    cells.update(kw)
    return ",".join(cells[c] for c in HEADER.split(","))


def load(store, tmp_path, *rows: str, **files):
    overrides = {"requests.csv": "\n".join([HEADER, *rows]) + "\n",
                 **{f"{k}.csv": v for k, v in files.items()}}
    return import_path(store, write_sample(tmp_path / "in", overrides), actor="sys@cu.edu")


def refused(store, tmp_path, *rows: str) -> list[str]:
    with pytest.raises(ImportRefused) as err:
        load(store, tmp_path, *rows)
    return err.value.problems


def test_p15_an_imported_change_request_joins_the_cycle_and_c7_opens_its_task(store, tmp_path):
    load(store, tmp_path, row(ecomm_role="MEC"))
    req = store.query_dicts("SELECT * FROM requests WHERE request_id = 'R-9001'")[0]
    assert (req["kind"], req["status"], req["cycle"], req["ecomm_role"]) == (
        "change", "pending", "2026-12", "MEC")
    task = store.query_dicts("SELECT * FROM system_tasks WHERE request_id = 'R-9001'")[0]
    assert (task["reasons"], task["cycle"], task["closed_at"]) == (["new_mec"], "2026-12", None)
    to = store.query_value("SELECT to_addrs FROM outbox WHERE template_key = 'system_task'")
    assert to == ["sys@cu.edu"]


def test_p15_an_imported_change_is_checked_like_the_form_line_and_column_named(store, tmp_path):
    problems = refused(store, tmp_path, row(super_user_permissions="Salesforce Reporting"),
                       row(request_id="R-9002", salesforce_upgrade="true"))
    assert problems[0].startswith("requests.csv:2 super_user_permissions: P8: Super-user "
                                  "permissions (Salesforce Reporting) are available only at")
    assert problems[1] == ("requests.csv:3 license_number: P15: LN-0776 has no Chatter Free "
                           "Salesforce to upgrade: it already has a full Salesforce license")
    assert store.query_value("SELECT count(*) FROM requests") == 0


def test_p16_imported_chatter_free_with_marketing_cloud_is_refused(store, tmp_path):
    problems = refused(store, tmp_path, row(
        kind="provision", contact_id="C-003", campus="Anschutz", license_number="",
        applications="Salesforce;Marketing Cloud", salesforce_profile="Chatter Free User",
        business_units="CUA Advancement", public_groups="02 College of Nursing",
        course_privacy_awareness_on="2026-10-01", course_it_providers_on="2026-10-01",
        course_pci_on="2026-10-01"))
    assert problems == ["requests.csv:2 salesforce_profile: P16: Salesforce profile Chatter "
                        "Free User contradicts the applications: it is never combined with "
                        "Marketing Cloud. Leave the profile out: it follows the applications"]


def test_p16_p17_an_imported_cvent_only_request_gets_chatter_free_and_a_specialist(store,
                                                                                 tmp_path):
    load(store, tmp_path, row(
        kind="provision", contact_id="C-003", campus="Anschutz", license_number="",
        applications="Cvent", business_units="CUA Advancement",
        public_groups="02 College of Nursing", course_privacy_awareness_on="2026-10-01",
        course_it_providers_on="2026-10-01", course_pci_on="2026-10-01"))
    req = store.query_dicts("SELECT * FROM requests WHERE request_id = 'R-9001'")[0]
    assert (req["applications"], req["salesforce_profile"]) == (
        [ref.CVENT, ref.SALESFORCE], ref.PROFILE_CHATTER_FREE)
    # P17: submitted by the System team: Anschutz's only specialist, its primary
    assert req["ecomm_specialist"] == "spec.anschutz@cuanschutz.edu"


def test_p17_imported_licenses_without_a_specialist_name_the_campus_primary(store, tmp_path):
    licenses = SAMPLE["licenses.csv"].replace("LN-0776,C-001,Boulder,spec.boulder@colorado.edu",
                                              "LN-0776,C-001,Boulder,")
    reference = SAMPLE["reference.csv"] + \
        "primary_specialist,Boulder,other.boulder@colorado.edu,,true\n"
    load(store, tmp_path, row(ecomm_role="MEC"), licenses=licenses, reference=reference)
    assert store.query_value("SELECT ecomm_specialist FROM licenses "
                             "WHERE license_number = 'LN-0776'") == "other.boulder@colorado.edu"
    assert store.query_value("SELECT count(*) FROM audit_log WHERE action = 'fill_specialists'") == 1


def test_p16_p17_the_batch_opens_the_license_with_chatter_free_and_its_specialist(store,
                                                                                 tmp_path):
    from datetime import date, datetime

    from ecomm import batch
    from tests.integration.requests_fixtures import SYSTEM

    load(store, tmp_path, row(
        kind="provision", contact_id="C-003", campus="Anschutz", license_number="",
        applications="Cvent", business_units="CUA Advancement",
        public_groups="02 College of Nursing", course_privacy_awareness_on="2026-10-01",
        course_it_providers_on="2026-10-01", course_pci_on="2026-10-01"))
    outcome = batch.process_batch(store, SYSTEM, "2026-12", on=date(2026, 12, 1),
                                  now_utc=datetime(2026, 12, 1, 17))
    [item] = outcome.plan.provisioned
    lic = store.query_dicts("SELECT * FROM licenses WHERE license_number = ?",
                            [item.license_number])[0]
    assert (lic["salesforce_profile"], lic["ecomm_specialist"]) == (
        ref.PROFILE_CHATTER_FREE, "spec.anschutz@cuanschutz.edu")
    apps = store.query("SELECT application FROM license_apps WHERE license_number = ? "
                       "ORDER BY application", [item.license_number])
    assert [a[0] for a in apps] == [ref.CVENT, ref.SALESFORCE]
    # C2: the credentials message copies the license's specialist (P17)
    cc = store.query_value("SELECT cc_addrs FROM outbox WHERE template_key = 'credentials_ready'")
    assert cc == ["spec.anschutz@cuanschutz.edu"]
