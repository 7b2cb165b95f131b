"""CLI `check` (P1-P5, P13) and `calendar` (C1, C2): output, JSON shapes of spec/cli.md, exit
status (0 done, 1 refused or bad data, 2 wrong usage)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from ecomm import reference as ref
from ecomm.cli import main
from ecomm.storage import Store

ROOT = Path(__file__).resolve().parents[2]


def seed(db_path, fn) -> None:
    """Write test rows with SQL in a store that is closed again before the CLI opens the file."""
    s = Store(db_path)
    try:
        s.write(fn)
    finally:
        s.close()


def jane(cur, *, pci_on=date(2026, 9, 1), with_duplicate=False):
    cur.execute("INSERT INTO contacts (contact_id, last_name, first_name, employee_id, ucb_email) "
                "VALUES ('C-1', 'Doe', 'Jane', 'E1010', 'jane.doe@colorado.edu')")
    cur.execute("INSERT INTO employments (contact_id, campus, status) VALUES ('C-1', 'Boulder', 'Active')")
    cur.execute("INSERT INTO campaign_members (contact_id, campaign, signed_at) VALUES (?, ?, ?)",
                ["C-1", ref.AGREEMENT_CAMPAIGN, datetime(2026, 10, 1, 15)])
    for course in ref.COURSES:
        done = pci_on if course == ref.COURSE_PCI else date(2026, 9, 1)
        cur.execute("INSERT INTO course_completions VALUES ('C-1', ?, ?)", [course, done])
    if with_duplicate:
        cur.execute("INSERT INTO contacts (contact_id, last_name, first_name, employee_id) "
                    "VALUES ('C-2', 'Dough', 'J', 'E1010')")


def run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


# -- check ---------------------------------------------------------------------------------------

def test_check_eligible_json_shape(db_path, capsys):
    seed(db_path, jane)
    code, out, _ = run(["check", "C-1", "--campus", "Boulder", "--on", "2026-11-23", "--json",
                        "--db", str(db_path)], capsys)
    assert code == 0
    data = json.loads(out)
    assert {k: data[k] for k in ("contact_id", "campus", "on", "eligible", "failures", "warnings")} == {
        "contact_id": "C-1", "campus": "Boulder", "on": "2026-11-23", "eligible": True,
        "failures": [], "warnings": []}


def test_check_not_eligible_lists_failures_and_warnings_exit_1(db_path, capsys):
    seed(db_path, lambda cur: jane(cur, pci_on=date(2025, 11, 23), with_duplicate=True))
    code, out, _ = run(["check", "C-1", "--campus", "Denver", "--on", "2026-11-23", "--json",
                        "--db", str(db_path)], capsys)
    assert code == 1
    data = json.loads(out)
    assert data["eligible"] is False and data["campus"] == "Denver"
    assert [f["rule"] for f in data["failures"]] == ["P1", "P5"]
    assert set(data["failures"][0]) == {"rule", "message"}
    assert data["failures"][0]["message"] == "No UCD Email on this contact: ask campus OIT to populate it"
    assert "out of date since 2026-11-23" in data["failures"][1]["message"]
    assert data["warnings"] == [{"rule": "P13", "message": "Another contact shares employee ID "
                                 "E1010 (C-2, J Dough): file a Data Change Request"}]


def test_check_campus_alias_is_canonical(db_path, capsys):
    seed(db_path, jane)
    code, out, _ = run(["check", "C-1", "--campus", "boulder adv", "--on", "2026-11-23", "--json",
                        "--db", str(db_path)], capsys)
    assert code == 0 and json.loads(out)["campus"] == "Boulder Advancement"


def test_check_human_output_marks_each_rule(db_path, capsys):
    seed(db_path, lambda cur: jane(cur, with_duplicate=True))
    code, out, _ = run(["check", "C-1", "--campus", "UCCS", "--on", "2026-11-23",
                        "--db", str(db_path)], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "Jane Doe (C-1) at UCCS on 2026-11-23: NOT eligible"
    assert "  ✗ P1   No UCCS Email on this contact: ask campus OIT to populate it" in lines
    assert "  ✓ P2   Employee ID E1010" in lines
    assert any(line.startswith("  ! P13  Another contact shares employee ID") for line in lines)


def test_check_unknown_contact_exit_1_with_reason(db_path, capsys):
    Store(db_path).close()
    code, out, err = run(["check", "C-404", "--campus", "Boulder", "--db", str(db_path)], capsys)
    assert code == 1 and "no contact 'C-404'" in err


def test_check_unknown_campus_exit_1_json_error(db_path, capsys):
    seed(db_path, jane)
    code, out, err = run(["check", "C-1", "--campus", "Gotham", "--json", "--db", str(db_path)],
                         capsys)
    assert code == 1
    assert "not a campus" in json.loads(out)["error"]


def test_check_bad_date_is_usage_error(db_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", "C-1", "--campus", "Boulder", "--on", "23/11/2026", "--db", str(db_path)])
    assert exc.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_check_default_day_is_today(db_path, capsys, monkeypatch):
    seed(db_path, jane)
    monkeypatch.setattr("ecomm.clock.today_denver", lambda: date(2027, 9, 1))
    code, out, _ = run(["check", "C-1", "--campus", "Boulder", "--json", "--db", str(db_path)],
                       capsys)
    data = json.loads(out)
    assert data["on"] == "2027-09-01"
    assert code == 1 and [f["rule"] for f in data["failures"]] == ["P5"]   # PCI ran out


# -- calendar ------------------------------------------------------------------------------------

def test_calendar_json_matches_spec_example(db_path, capsys):
    code, out, _ = run(["calendar", "2026-11", "--json", "--db", str(db_path)], capsys)
    assert code == 0
    data = json.loads(out)
    assert {k: data[k] for k in ("month", "cutoff", "processing_starts", "credentials_date")} == {
        "month": "2026-11", "cutoff": "2026-11-30", "processing_starts": "2026-12-01",
        "credentials_date": "2026-12-07"}


def test_calendar_uses_extra_closures_and_override_from_database(db_path, capsys):
    def rows(cur):
        cur.execute("INSERT INTO extra_holidays VALUES (DATE '2026-11-30', 'Closure'), "
                    "(DATE '2026-12-01', 'Closure')")
        cur.execute("INSERT INTO cycles (cycle, credentials_date, set_by) "
                    "VALUES ('2026-12', DATE '2026-12-09', 'sys@cu.edu')")
    seed(db_path, rows)
    code, out, _ = run(["calendar", "2026-11", "--json", "--db", str(db_path)], capsys)
    data = json.loads(out)
    assert (data["cutoff"], data["processing_starts"], data["credentials_date"]) == (
        "2026-11-27", "2026-12-02", "2026-12-09")
    assert data["credentials_date_overridden"] is True


def test_calendar_credentials_day_from_settings(db_path, capsys):
    seed(db_path, lambda cur: cur.execute(
        "UPDATE settings SET value = '10' WHERE key = 'credentials_day'"))
    code, out, _ = run(["calendar", "2026-11", "--json", "--db", str(db_path)], capsys)
    assert json.loads(out)["credentials_date"] == "2026-12-10"


def test_calendar_human_output(db_path, capsys):
    code, out, _ = run(["calendar", "2027-12", "--db", str(db_path)], capsys)
    assert code == 0
    assert out.splitlines() == [
        "2027-12",
        "  cutoff (C1)            Thu 2027-12-30",
        "  processing starts      Mon 2028-01-03  (batch 2028-01)",
        "  credentials date (C2)  Wed 2028-01-05",
    ]


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "November"])
def test_calendar_bad_month_is_usage_error(db_path, bad, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["calendar", bad, "--db", str(db_path)])
    assert exc.value.code == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_python_m_ecomm_calendar_json_is_the_only_stdout(db_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "ecomm", "calendar", "2026-11", "--json",
                           "--db", str(db_path)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["cutoff"] == "2026-11-30"
    usage = subprocess.run([sys.executable, "-m", "ecomm", "calendar", "11-2026",
                            "--db", str(db_path)], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=120)
    assert usage.returncode == 2 and usage.stdout == ""
