"""A2 administration services on a real database: users, reference data, settings, extra
holidays, import/export and the Home summary; every write checked (A1-A3) and audited (A4)."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest

from ecomm import admin, home
from ecomm import calendar as cal
from ecomm.errors import AccessDenied, EcommError, NotFound
from ecomm.identity import Identity
from ecomm.storage import calendar as cal_db
from ecomm.storage.settings import load_policy

SYSTEM = Identity(email="sam.system@cu.edu", name="Sam Rivera", role="system")
MANAGER = Identity(email="morgan.manager@cu.edu", name="Morgan Lee", role="manager")
BOULDER = Identity(email="ecomm.boulder@colorado.edu", name="Priya", role="specialist",
                   campus="Boulder", quiz_passed_on=date(2026, 3, 2))


@pytest.fixture
def db(store):
    def run(cur):
        for who in (SYSTEM, MANAGER, BOULDER):
            cur.execute("INSERT INTO app_users VALUES (?, ?, ?, ?, ?, TRUE)",
                        [who.email, who.name, who.role, who.campus, who.quiz_passed_on])
    store.write(run)
    return store


def audit_rows(store, entity):
    return store.query_dicts("SELECT * FROM audit_log WHERE entity = ? ORDER BY audit_id",
                             [entity])


# -- users -----------------------------------------------------------------------------
def test_a4_add_user_is_audited_with_its_after(db):
    who = admin.add_user(db, SYSTEM, email=" Ana.Lopez@Colorado.EDU", name="Ana Lopez",
                         role="eComm specialist", campus="cu boulder")
    assert (who.email, who.role, who.campus) == ("ana.lopez@colorado.edu", "specialist", "Boulder")
    assert admin.find_identity(db, "ANA.LOPEZ@colorado.edu") == who
    [entry] = audit_rows(db, "app_user")
    assert entry["actor"] == SYSTEM.email and entry["action"] == "add"
    assert entry["before"] is None and json.loads(entry["after"])["email"] == who.email


@pytest.mark.parametrize("actor", [MANAGER, BOULDER])
def test_a2_only_the_system_team_adds_users(db, actor):
    with pytest.raises(AccessDenied, match="only the CU System eComm team"):
        admin.add_user(db, actor, email="x@cu.edu", name="X", role="manager")
    assert admin.find_identity(db, "x@cu.edu") is None
    assert audit_rows(db, "app_user") == []


def test_add_user_lists_every_problem(db):
    with pytest.raises(EcommError) as err:
        admin.add_user(db, SYSTEM, email="not-an-email", name=" ", role="boss", campus="Mars")
    problems = " | ".join(err.value.problems)
    for bit in ("not an email address", "give the person's name", "choose eComm specialist",
                "'Mars' is not a campus"):
        assert bit in problems


def test_duplicate_user_is_refused(db):
    with pytest.raises(EcommError, match="already an app user"):
        admin.add_user(db, SYSTEM, email=BOULDER.email.upper(), name="Again", role="manager")


def test_a4_update_user_records_before_and_after(db):
    admin.update_user(db, SYSTEM, BOULDER.email, campus="Boulder Advancement")
    [entry] = audit_rows(db, "app_user")
    assert json.loads(entry["before"])["campus"] == "Boulder"
    assert json.loads(entry["after"])["campus"] == "Boulder Advancement"
    assert admin.find_identity(db, BOULDER.email).campus == "Boulder Advancement"


def test_update_without_change_writes_no_audit(db):
    admin.update_user(db, SYSTEM, BOULDER.email, name=BOULDER.name)
    assert audit_rows(db, "app_user") == []


def test_deactivated_user_can_no_longer_be_picked(db):
    admin.deactivate_user(db, SYSTEM, BOULDER.email)
    assert admin.find_identity(db, BOULDER.email).active is False
    assert BOULDER.email not in [p.email for p in admin.active_identities(db)]


def test_system_member_cannot_remove_their_own_access(db):
    with pytest.raises(EcommError, match="your own System team access"):
        admin.deactivate_user(db, SYSTEM, SYSTEM.email)
    with pytest.raises(EcommError, match="your own System team access"):
        admin.update_user(db, SYSTEM, SYSTEM.email, role="manager")


def test_the_last_system_member_cannot_be_removed(db):
    other = admin.add_user(db, SYSTEM, email="kim.system@cu.edu", name="Kim", role="system")
    admin.deactivate_user(db, other, SYSTEM.email)  # two active: allowed
    admin.update_user(db, other, SYSTEM.email, active=True)
    admin.update_user(db, SYSTEM, other.email, role="system")
    # make SYSTEM the last one, then another (now-inactive) System member cannot be the actor
    admin.deactivate_user(db, SYSTEM, other.email)
    with pytest.raises(EcommError, match="last active System team member"):
        admin.update_user(db, SYSTEM.model_copy(update={"email": "ghost@cu.edu"}),
                          SYSTEM.email, active=False)


def test_update_of_unknown_user_is_not_found(db):
    with pytest.raises(NotFound):
        admin.update_user(db, SYSTEM, "nobody@cu.edu", name="Nobody")


# -- reference data --------------------------------------------------------------------
def test_a2_reference_values_add_relabel_deactivate_reactivate(db):
    admin.add_reference(db, SYSTEM, "public group", "anschutz", "02 College of Nursing")
    admin.update_reference(db, SYSTEM, "public_group", "Anschutz", "02 College of Nursing",
                           label="Nursing")
    admin.deactivate_reference(db, SYSTEM, "public_group", "Anschutz", "02 College of Nursing")
    [row] = admin.list_reference(db, SYSTEM, campus="Anschutz", kind="public_group")
    assert (row["label"], row["active"]) == ("Nursing", False)
    admin.update_reference(db, SYSTEM, "public_group", "Anschutz", "02 College of Nursing",
                           active=True)
    assert [e["action"] for e in audit_rows(db, "reference_value")] == [
        "add", "update", "deactivate", "reactivate"]
    assert {e["campus"] for e in audit_rows(db, "reference_value")} == {"Anschutz"}


@pytest.mark.parametrize("kind,campus,value,sentence", [
    ("colour", "Boulder", "Blue", "not a kind of reference data"),
    ("business_unit", "Mars", "X", "not a campus"),
    ("business_unit", "Boulder", "  ", "Give the business unit's value"),
    ("public_group", "Boulder", "A;B", "cannot contain ';'"),
    ("speedtype", "Boulder", "61000342:20", "cannot contain ':'"),
])
def test_bad_reference_values_are_refused(db, kind, campus, value, sentence):
    with pytest.raises(EcommError, match=sentence):
        admin.add_reference(db, SYSTEM, kind, campus, value)
    assert db.query_value("SELECT count(*) FROM reference_values") == 0


def test_a3_manager_cannot_change_reference_data(db):
    with pytest.raises(AccessDenied):
        admin.add_reference(db, MANAGER, "speedtype", "Boulder", "61000342")


# -- settings --------------------------------------------------------------------------
def test_every_policy_setting_is_listed_with_its_rule(db):
    from ecomm.policy import SETTINGS
    views = admin.list_settings(db, SYSTEM)
    assert [v.key for v in views] == [s.key for s in SETTINGS]
    day = next(v for v in views if v.key == "credentials_day")
    assert (day.rule, day.text, day.default_text) == ("C2", "5", "5")


def test_a2_setting_update_reaches_the_policy_and_is_audited(db):
    assert admin.update_setting(db, SYSTEM, "super_user_campuses", "anschutz; uccs") == [
        "Anschutz", "UCCS"]
    assert load_policy(db).super_user_campuses == ["Anschutz", "UCCS"]
    [entry] = audit_rows(db, "setting")
    assert json.loads(entry["before"]) == ["Anschutz", "UCCS", "System"]
    assert json.loads(entry["after"]) == ["Anschutz", "UCCS"]
    assert entry["detail"] == "P8"


@pytest.mark.parametrize("key,text,sentence", [
    ("course_valid_days_pci", "a year", "give a whole number"),
    ("course_valid_days_pci", "0", "at least 1"),
    ("quiz_reminder_days", "30, 14", "increasing"),
    ("billable_applications", "Salesforce, Slack", "'Slack' is not an application"),
    ("no_such_setting", "1", "no setting called"),
])
def test_bad_setting_values_are_refused_with_their_rule(db, key, text, sentence):
    with pytest.raises(EcommError, match=sentence):
        admin.update_setting(db, SYSTEM, key, text)
    assert audit_rows(db, "setting") == []


def test_a2_specialist_cannot_change_settings(db):
    with pytest.raises(AccessDenied):
        admin.update_setting(db, BOULDER, "credentials_day", "6")
    assert load_policy(db).credentials_day == 5


# -- extra holidays --------------------------------------------------------------------
def test_c1_an_extra_holiday_moves_the_cutoff_and_removing_it_moves_it_back(db):
    assert cal.cutoff(2026, 12, cal_db.extra_closures(db)) == date(2026, 12, 31)
    admin.add_holiday(db, SYSTEM, date(2026, 12, 31), "New Year's Eve closure")
    assert cal.cutoff(2026, 12, cal_db.extra_closures(db)) == date(2026, 12, 30)
    admin.remove_holiday(db, SYSTEM, date(2026, 12, 31))
    assert cal.cutoff(2026, 12, cal_db.extra_closures(db)) == date(2026, 12, 31)
    assert [e["action"] for e in audit_rows(db, "extra_holiday")] == ["add", "remove"]


def test_holiday_needs_a_name_and_is_not_added_twice(db):
    with pytest.raises(EcommError, match="Give the closure a name"):
        admin.add_holiday(db, SYSTEM, date(2026, 12, 24), " ")
    admin.add_holiday(db, SYSTEM, date(2026, 12, 24), "Winter closure")
    with pytest.raises(EcommError, match="already a closure"):
        admin.add_holiday(db, SYSTEM, date(2026, 12, 24), "Again")
    with pytest.raises(NotFound):
        admin.remove_holiday(db, SYSTEM, date(2026, 12, 23))
    with pytest.raises(AccessDenied):
        admin.remove_holiday(db, MANAGER, date(2026, 12, 24))


# -- import and export -----------------------------------------------------------------
def test_a2_only_the_system_team_imports(db):
    with pytest.raises(AccessDenied):
        admin.import_data(db, BOULDER, {"holidays.csv": b"date,name\n2026-12-24,X\n"})
    assert db.query_value("SELECT count(*) FROM extra_holidays") == 0


def test_full_export_zip_holds_the_import_format_and_reads_back(db, tmp_path):
    admin.import_data(db, SYSTEM, {"holidays.csv": b"date,name\n2026-12-24,Winter closure\n"})
    data = admin.export_zip(db, SYSTEM)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert "holidays.csv" in names and "users.csv" in names
        holidays = zf.read("holidays.csv").decode("utf-8-sig")
        users = {n: zf.read(n) for n in names if n.endswith(".csv")}
    assert "2026-12-24" in holidays and "Winter closure" in holidays
    from ecomm.storage import Store
    with Store(tmp_path / "copy.duckdb") as copy:
        admin.import_data(copy, SYSTEM, users)
        assert copy.query("SELECT date, name FROM extra_holidays") == [
            (date(2026, 12, 24), "Winter closure")]
        assert copy.query_value("SELECT count(*) FROM app_users") == 3
    with pytest.raises(AccessDenied):
        admin.export_zip(db, MANAGER)


# -- home ------------------------------------------------------------------------------
def test_c1_home_key_dates_move_to_next_month_once_the_cutoff_has_passed(db):
    on_cutoff = home.key_dates(db, date(2026, 11, 30))
    assert (on_cutoff.month, on_cutoff.cutoff, on_cutoff.cycle) == (
        "2026-11", date(2026, 11, 30), "2026-12")
    # Saturday 2027-01-30: January's cutoff (Friday the 29th) has passed.
    after = home.key_dates(db, date(2027, 1, 30))
    assert (after.month, after.cutoff, after.cycle) == ("2027-02", date(2027, 2, 26), "2027-03")
    assert after.processing_starts == date(2027, 3, 1)
    assert after.credentials_date == date(2027, 3, 5)


def test_home_summary_refuses_nobody(db):
    with pytest.raises(AccessDenied):
        home.home_summary(db, None, date(2026, 11, 23))
