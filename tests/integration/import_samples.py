"""A minimal valid data set in the import format, one file per table, for import/export tests.
Its requests pass the form's rules as of their submission (requests.csv is rule-checked):
R-0001 is a pending provisioning request; R-0002 removed Salesforce from LN-0777 on the day
it was submitted (C4; license_apps.csv records the removal).

    folder = write_sample(tmp_path / "in")                        # every file
    folder = write_sample(tmp_path / "in", {"licenses.csv": LICENSES_BAD})   # replace one
    folder = write_sample(tmp_path / "in", {"rates.csv": None})   # leave one out
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

SAMPLE: dict[str, str] = {
    "contacts.csv": """\
contact_id,last_name,first_name,email,employee_id,ucb_email,ucd_email,anschutz_email,uccs_email,cu_system_email,poi,poi_active
C-001,Rivera,Ana,ana@example.org,100001,ana.rivera@colorado.edu,,,,,false,
C-002,Chen,Li,li@example.org,100002,,li.chen@ucdenver.edu,,,,no,
C-003,Okafor,Ngozi,,100003,,,ngozi.okafor@cuanschutz.edu,,,x,yes
""",
    "employments.csv": """\
contact_id,campus,status,start_date,end_date,department,title
C-001,Boulder,Active,2020-08-17,,Advancement,Writer
C-002,Denver,Active,,,"Business School, Marketing",Coordinator
C-002,Denver,Inactive,2015-01-05,2019-06-30,Library,Assistant
""",
    "campaign_members.csv": """\
contact_id,campaign,signed_at,added_by,reason
C-001,08_20340227_eComm User Agreement,2026-03-02T09:15:00,,
C-002,08_20340227_eComm User Agreement,2026-03-03T16:40:00-07:00,sys@cu.edu,Agreement signed on duplicate contact (DCR 4411)
C-003,08_20340227_eComm User Agreement,2026-09-14T10:00:00,,
""",
    "course_completions.csv": """\
contact_id,course,completed_on
C-001,Information Security & Privacy Awareness,2026-01-10
C-001,Information Security for IT Service Providers,2026-01-11
C-001,PCI Compliance,2026-01-12
C-002,PCI Compliance,2025-12-01
""",
    "licenses.csv": """\
license_number,contact_id,affiliated_campus,ecomm_specialist,additional_specialists,ecomm_role,salesforce_profile,not_a_sender,quiz_passed_on,business_units,public_groups,billing_campus,campus_speedtype,unit_speedtypes,speedtype_notes,super_user_permissions,cvent_add_ons,replaces_license
LN-0776,C-001,Boulder,spec.boulder@colorado.edu,,User,Standard,false,2026-04-01,Advancement;Athletics,Boulder Events,Boulder,61000342,61000342:20;61000530:80,split per dean,,Event Management,
LN-0777,C-002,Denver,spec.denver@ucdenver.edu,sys@cu.edu;other@cu.edu,MEC,Chatter Free User,true,,N/A - MEC,N/A - MEC,Denver,,,,,,LN-0100
""",
    "license_apps.csv": """\
license_number,application,provisioned_on,deprovisioned_on,net_new,last_login_on
LN-0776,Salesforce,2026-05-04,,true,2026-06-01
LN-0776,Cvent,2026-05-04,,yes,
LN-0777,Salesforce,2025-07-07,2026-01-15,0,2025-12-20
""",
    "requests.csv": """\
request_id,kind,contact_id,campus,submitted_at,submitted_by,applications,license_number,ecomm_role,replaces_license,business_units,public_groups,billing_campus,campus_speedtype,unit_speedtypes,course_privacy_awareness_on,course_it_providers_on,course_pci_on
R-0001,provision,C-003,Anschutz,2026-11-23T14:05:00,spec.anschutz@cuanschutz.edu,Salesforce;Marketing Cloud,,User,,CUA Advancement,02 College of Nursing,Anschutz,61000342,,2026-10-01,2026-10-02,2026-10-03
R-0002,deprovision,C-002,Denver,2026-01-15T08:00:00-07:00,spec.denver@ucdenver.edu,Salesforce,LN-0777,,,,,,,,,,
""",
    "users.csv": """\
email,name,role,campus,quiz_passed_on
Spec.Boulder@colorado.edu,Sam Boulder,specialist,Boulder,2025-09-01
spec.denver@ucdenver.edu,Dee Denver,specialist,Denver,2025-09-02
spec.anschutz@cuanschutz.edu,Ash Anschutz,specialist,Anschutz,2025-09-03
sys@cu.edu,Sys Admin,system,,
boss@cu.edu,Morgan Manager,manager,,
""",
    "reference.csv": """\
kind,campus,value,label,active
business_unit,Anschutz,CUA Advancement,,true
public_group,Anschutz,02 College of Nursing,,yes
speedtype,Anschutz,61000342,Anschutz – 61000342,true
business_unit,Boulder,Advancement,,x
public_group,Boulder,Old Group,,false
campus_billing_speedtype,Anschutz,Anschutz – 61000342,,true
campus_billing_speedtype,Boulder,Boulder – 61000100,,true
campus_billing_speedtype,Denver,Denver – 62000100,,true
""",
    "rates.csv": """\
fiscal_year,application,monthly_rate
2027,Salesforce,125.00
2027,Marketing Cloud,80.5
2027,Cvent,45
2027,Apsona,0
""",
    "holidays.csv": """\
date,name
2026-12-24,Winter closure
2026-12-31,
""",
    "seats.csv": """\
fiscal_year,application,purchased,cost,contract_end,notes
2027,Salesforce,1200,62400.00,2027-06-30,annual contract
2027,Cvent,300,8700.00,,
""",
}

ROWS = {name: text.count("\n") - 1 for name, text in SAMPLE.items()}


def write_sample(folder: Path, overrides: dict[str, str | None] | None = None, *,
                 bom: bool = False) -> Path:
    """Write the sample (with files replaced, or left out when the override is None)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = {**SAMPLE, **(overrides or {})}
    for name, text in files.items():
        if text is None:
            continue
        data = text.encode("utf-8")
        (folder / name).write_bytes(b"\xef\xbb\xbf" + data if bom else data)
    return folder


def sample_files(overrides: dict[str, str | None] | None = None) -> dict[str, bytes]:
    """The sample as uploads: file name -> bytes."""
    files = {**SAMPLE, **(overrides or {})}
    return {name: text.encode("utf-8") for name, text in files.items() if text is not None}


def write_workbook(path: Path, files: dict[str, str] | None = None, *, typed: bool = False) -> Path:
    """The sample (or ``files``) as one XLSX workbook, a sheet per file. With ``typed``, cells
    that look like dates, numbers or booleans are written as Excel values, as Excel would."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, text in (files or SAMPLE).items():
        ws = wb.create_sheet(name.removesuffix(".csv"))
        for i, row in enumerate(csv.reader(io.StringIO(text))):
            if typed and i:
                row = [_typed(v) for v in row]
            ws.append([v if v != "" else None for v in row])
    wb.save(path)
    return path


def _typed(v: str):
    if v in ("true", "false"):
        return v == "true"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return date.fromisoformat(v)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:]+", v):
        return datetime.fromisoformat(v)
    if re.fullmatch(r"[1-9]\d*", v):
        return int(v)
    return v
