"""Q1-Q3 lists computed in SQL agree with the pure rules; quiz passes and logins are recorded."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from ecomm import compliance as q
from ecomm import compliance_records as records
from ecomm import reference as ref
from ecomm.errors import AccessDenied, EcommError, NotFound
from ecomm.identity import Identity
from ecomm.policy import Policy
from ecomm.storage import compliance as sc
from tests.integration.compliance_seed import (MANAGER, SPECIALIST, SYSTEM, add_app,
                                               add_completion, add_contact, add_license, add_user)

P = Policy()


# -- the SQL agrees with the pure rules -----------------------------------------------------
def _bulk(store, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    store.write(lambda cur: cur.executemany(sql, [[r[c] for c in cols] for r in rows]))


MONTH_ENDS = [date(2026, 1, 31), date(2026, 3, 31), date(2026, 5, 31), date(2026, 8, 29),
              date(2026, 8, 30), date(2026, 8, 31), date(2026, 10, 31), date(2026, 12, 31)]


def _random_data(store, seed: int, n: int = 150) -> None:
    rnd = random.Random(seed)
    base = date(2026, 9, 1)
    day = lambda lo, hi: base + timedelta(days=rnd.randint(lo, hi))  # noqa: E731
    contacts, licenses, apps, comps = [], [], [], []
    for i in range(n):
        cid, ln = f"C{i % (n - 20)}", f"LN-{i:04d}"   # some contacts hold two licenses
        if i < n - 20:
            contacts.append({"contact_id": cid, "last_name": f"Last{i}", "first_name": f"First{i}",
                             "ucb_email": f"u{i}@colorado.edu"})
            for course in ref.COURSES:
                for _ in range(rnd.choice([0, 1, 1, 2])):
                    comps.append((cid, course, day(-900, 250)))
        passed = rnd.choice([None, None, day(-300, 250)])
        licenses.append({"license_number": ln, "contact_id": cid,
                         "affiliated_campus": rnd.choice(ref.CAMPUSES),
                         "ecomm_specialist": f"s{i % 7}@cu.edu", "quiz_passed_on": passed,
                         "not_a_sender": passed is None})
        for a in rnd.sample(ref.APPLICATIONS, rnd.randint(1, 3)):
            prov = day(-500, 200)
            deprov = rnd.choice([None, None, None, prov + timedelta(days=rnd.randint(0, 300))])
            login = rnd.choice([None, rnd.choice(MONTH_ENDS), prov + timedelta(days=rnd.randint(-30, 200))])
            apps.append({"license_number": ln, "application": a, "provisioned_on": prov,
                         "deprovisioned_on": deprov, "last_login_on": login})
    _bulk(store, "contacts", contacts)
    _bulk(store, "licenses", licenses)
    _bulk(store, "license_apps", apps)
    unique = {(c, k, d) for c, k, d in comps}
    _bulk(store, "course_completions",
          [{"contact_id": c, "course": k, "completed_on": d} for c, k, d in sorted(unique)])


def _facts(store) -> tuple[list[q.LicenseFacts], list[tuple[str, str, date]]]:
    """The database read back with plain SQL, as the pure functions' input."""
    lics = {ln: q.LicenseFacts(license_number=ln, contact_id=cid, quiz_passed_on=passed)
            for ln, cid, passed in store.query(
                "SELECT license_number, contact_id, quiz_passed_on FROM licenses")}
    for ln, a, prov, deprov, login in store.query(
            "SELECT license_number, application, provisioned_on, deprovisioned_on, last_login_on "
            "FROM license_apps"):
        lics[ln].apps.append(q.AppFacts(application=a, provisioned_on=prov,
                                        deprovisioned_on=deprov, last_login_on=login))
    comps = [tuple(r) for r in store.query("SELECT contact_id, course, completed_on FROM course_completions")]
    return list(lics.values()), comps


AS_OF_DAYS = sorted({date(2026, 9, 1) + timedelta(days=d) for d in range(0, 240, 10)} | {
    date(2027, 2, 28), date(2027, 3, 1), date(2027, 2, 27), date(2026, 11, 30), date(2027, 4, 30)})


OTHER_POLICY = Policy(quiz_reminder_days=[3, 10], quiz_deadline_days=20, idle_months=2,
                      course_expiring_days=15, course_valid_days_pci=200)


# `make check` keeps one seed per policy (default-policy-1, other-policy-2); the other four
# cases run in `make test`.
@pytest.mark.parametrize("policy,seed", [
    pytest.param(pol, seed, id=f"{name}-{seed}",
                 marks=() if (name, seed) in (("default-policy", 1), ("other-policy", 2))
                 else pytest.mark.slow)
    for name, pol in (("default-policy", P), ("other-policy", OTHER_POLICY)) for seed in (1, 2, 3)])
def test_q1_q2_q3_sql_lists_agree_with_pure_rules(store, seed, policy):
    _random_data(store, seed)
    licenses, comps = _facts(store)
    checked = {"quiz": 0, "idle": 0, "course": 0, "reminder": 0, "overdue": 0}
    for as_of in AS_OF_DAYS:
        sql_quiz = [s.core() for s in sc.quiz_list(store, as_of, policy)]
        assert sql_quiz == [s.core() for s in q.quiz_statuses(licenses, as_of, policy)], as_of
        sql_idle = [r.core() for r in sc.idle_list(store, as_of, policy)]
        assert sql_idle == [r.core() for r in q.idle_apps(licenses, as_of, policy)], as_of
        sql_course = [c.core() for c in sc.course_list(store, as_of, policy, include_ok=True)]
        assert sql_course == [c.core() for c in q.course_statuses(
            licenses, comps, as_of, policy, include_ok=True)], as_of
        assert [c.core() for c in sc.course_list(store, as_of, policy)] == [
            c for c in sql_course if c[4] != q.COURSE_OK]
        checked["quiz"] += len(sql_quiz)
        checked["idle"] += len(sql_idle)
        checked["course"] += len({c[4] for c in sql_course})
        checked["reminder"] += sum(1 for s in sql_quiz if s[6] is not None)
        checked["overdue"] += sum(1 for s in sql_quiz if s[7])
    # the random data reached every kind of row (else the comparison proves little)
    assert all(v > 0 for v in checked.values()), checked


# -- the boundaries, in SQL ----------------------------------------------------------------
def test_q1_sql_day_59_not_overdue_day_60_overdue(store):
    add_user(store, "C1", "LN-0001", date(2026, 12, 5))
    s59, = sc.quiz_list(store, date(2027, 2, 2), P)
    s60, = sc.quiz_list(store, date(2027, 2, 3), P)
    assert (s59.days_since, s59.overdue, s59.quiz_deadline) == (59, False, date(2027, 2, 3))
    assert (s60.days_since, s60.overdue) == (60, True)
    assert [s.license_number for s in sc.quiz_list(store, date(2027, 2, 3), P, which="overdue")] == ["LN-0001"]
    assert sc.quiz_list(store, date(2027, 2, 2), P, which="overdue") == []


def test_q1_sql_reminders_due_on_their_day(store):
    add_user(store, "C1", "LN-0001", date(2026, 12, 5))
    due = {d: [s.reminder_due for s in sc.quiz_list(store, date(2026, 12, 5) + timedelta(days=d),
                                                     P, which="reminder_due")]
           for d in (13, 14, 15, 30, 45, 55, 56)}
    assert due == {13: [], 14: [14], 15: [], 30: [30], 45: [45], 55: [55], 56: []}


def test_q1_sql_passed_user_is_a_sender_from_the_pass_day(store):
    add_user(store, "C1", "LN-0001", date(2026, 12, 5), quiz_passed_on=date(2026, 12, 20))
    assert [s.license_number for s in sc.quiz_list(store, date(2026, 12, 19), P)] == ["LN-0001"]
    assert sc.quiz_list(store, date(2026, 12, 20), P) == []


def test_q2_sql_idle_boundary_and_month_end(store):
    add_user(store, "C1", "LN-0001", date(2025, 1, 6), last_login_on=date(2026, 5, 23),
             quiz_passed_on=date(2025, 1, 20))
    add_user(store, "C2", "LN-0002", date(2025, 1, 6), last_login_on=date(2026, 8, 31),
             quiz_passed_on=date(2025, 1, 20))
    assert sc.idle_list(store, date(2026, 11, 22), P) == []
    row, = sc.idle_list(store, date(2026, 11, 23), P)
    assert (row.license_number, row.application, row.idle_on) == ("LN-0001", "Salesforce", date(2026, 11, 23))
    assert row.specialists == ["spec.boulder@cu.edu"] and row.user_email == "c1@colorado.edu"
    assert [r.license_number for r in sc.idle_list(store, date(2027, 2, 27), P)] == ["LN-0001"]
    assert [r.license_number for r in sc.idle_list(store, date(2027, 2, 28), P)] == ["LN-0001", "LN-0002"]


def test_q3_sql_statuses_and_missing_course(store):
    add_contact(store, "C1", ucb_email="c1@colorado.edu")
    add_license(store, "LN-0001", "C1", additional=["Extra@CU.edu"])
    add_app(store, "LN-0001", "Salesforce", date(2025, 1, 6))
    add_completion(store, "C1", ref.COURSE_PCI, date(2025, 11, 23))
    add_completion(store, "C1", ref.COURSE_PRIVACY, date(2025, 11, 23))
    statuses = lambda d: {c.course: c.status for c in sc.course_list(store, d, P)}  # noqa: E731
    assert statuses(date(2026, 9, 23)) == {ref.COURSE_IT_PROVIDERS: q.COURSE_NON_COMPLIANT}
    assert statuses(date(2026, 9, 24)) == {ref.COURSE_IT_PROVIDERS: q.COURSE_NON_COMPLIANT,
                                           ref.COURSE_PCI: q.COURSE_EXPIRING}
    assert statuses(date(2026, 11, 23))[ref.COURSE_PCI] == q.COURSE_NON_COMPLIANT
    row = [c for c in sc.course_list(store, date(2026, 11, 23), P) if c.course == ref.COURSE_PCI][0]
    assert row.expires_on == date(2026, 11, 23) and row.license_numbers == ["LN-0001"]
    assert row.specialists == ["spec.boulder@cu.edu", "extra@cu.edu"]
    missing = [c for c in sc.course_list(store, date(2026, 9, 1), P)][0]
    assert missing.missing and missing.expires_on is None


def test_a1_specialist_sees_own_campus_and_licenses_naming_them(store):
    add_user(store, "C1", "LN-0001", date(2026, 12, 5), campus="Boulder")
    add_user(store, "C2", "LN-0002", date(2026, 12, 5), campus="Denver", specialist="d@cu.edu")
    add_contact(store, "C3")
    add_license(store, "LN-0003", "C3", campus="UCCS", specialist="u@cu.edu",
                additional=["Spec.Boulder@cu.edu"])
    add_app(store, "LN-0003", "Cvent", date(2026, 12, 5))
    as_of = date(2027, 2, 3)
    assert [s.license_number for s in sc.quiz_list(store, as_of, P, viewer=SPECIALIST)] == ["LN-0001", "LN-0003"]
    assert len(sc.quiz_list(store, as_of, P, viewer=MANAGER)) == 3
    assert len(sc.quiz_list(store, as_of, P, viewer=SYSTEM)) == 3
    assert {c.contact_id for c in sc.course_list(store, as_of, P, viewer=SPECIALIST)} == {"C1", "C3"}
    denver = Identity(email="d2@cu.edu", name="D", role=ref.APP_SPECIALIST, campus="Denver")
    assert [r.license_number for r in sc.idle_list(store, date(2027, 7, 5), P, viewer=denver)] == ["LN-0002"]


# -- recording quiz passes -----------------------------------------------------------------
def test_q1_record_quiz_pass_lifts_not_a_sender_audited_and_tells_the_user(store):
    add_user(store, "C1", "LN-0001", date(2026, 12, 5))
    assert records.record_quiz_pass(store, "LN-0001", date(2026, 12, 20), SYSTEM) is True
    assert store.query_one("SELECT quiz_passed_on, not_a_sender FROM licenses") == (date(2026, 12, 20), False)
    assert sc.quiz_list(store, date(2026, 12, 21), P) == []
    entry = store.query_dicts("SELECT actor, action, entity_id, campus FROM audit_log")
    assert entry == [{"actor": "sys@cu.edu", "action": "record_quiz_pass", "entity_id": "LN-0001",
                      "campus": "Boulder"}]
    msg = store.query_dicts("SELECT template_key, to_addrs, cc_addrs, body FROM outbox")
    assert len(msg) == 1 and msg[0]["template_key"] == "quiz_passed"
    assert msg[0]["to_addrs"] == ["c1@colorado.edu"] and msg[0]["cc_addrs"] == ["spec.boulder@cu.edu"]
    assert "December 20, 2026" in msg[0]["body"]
    # the same pass again changes nothing and tells nobody again
    assert records.record_quiz_pass(store, "LN-0001", date(2026, 12, 20), SYSTEM) is False
    assert store.query_value("SELECT count(*) FROM audit_log") == 1
    assert store.query_value("SELECT count(*) FROM outbox") == 1


def test_q1_record_quiz_pass_is_for_the_system_team_only(store):
    add_user(store, "C1", "LN-0001", date(2026, 12, 5))
    for who in (SPECIALIST, MANAGER):
        with pytest.raises(AccessDenied):
            records.record_quiz_pass(store, "LN-0001", date(2026, 12, 20), who)
    with pytest.raises(NotFound):
        records.record_quiz_pass(store, "LN-9999", date(2026, 12, 20), SYSTEM)
    assert store.query_value("SELECT quiz_passed_on FROM licenses") is None


def test_q1_import_quiz_passes_all_or_nothing(store, tmp_path):
    add_user(store, "C1", "LN-0001", date(2026, 12, 5))
    add_user(store, "C2", "LN-0002", date(2026, 12, 5))
    bad = tmp_path / "quiz_passes.csv"
    bad.write_text("license_number,quiz_passed_on\nLN-0001,2026-12-20\nLN-0404,2026-12-21\n")
    with pytest.raises(EcommError) as exc:
        records.import_quiz_passes(store, bad, SYSTEM)
    assert exc.value.problems == ["quiz_passes.csv:3 license_number: there is no license record LN-0404"]
    assert store.query_value("SELECT count(*) FROM licenses WHERE quiz_passed_on IS NOT NULL") == 0
    assert store.query_value("SELECT count(*) FROM outbox") == 0

    good = b"License Number,Quiz Passed On\nLN-0001,2026-12-20\nLN-0002,2026-12-22\n"
    summary = records.import_quiz_passes(store, good, SYSTEM, filename="passes.csv")
    assert (summary.rows, summary.changed, summary.messages_queued) == (2, 2, 2)
    assert store.query("SELECT license_number, quiz_passed_on, not_a_sender FROM licenses "
                       "ORDER BY 1") == [("LN-0001", date(2026, 12, 20), False),
                                         ("LN-0002", date(2026, 12, 22), False)]
    assert store.query_value("SELECT count(*) FROM audit_log WHERE action = 'import_quiz_pass'") == 2
    again = records.import_quiz_passes(store, good, SYSTEM, filename="passes.csv")
    assert (again.changed, again.messages_queued) == (0, 0)
    with pytest.raises(AccessDenied):
        records.import_quiz_passes(store, good, SPECIALIST)


# -- importing logins ------------------------------------------------------------------------
def test_q2_import_logins_sets_the_held_application_row(store):
    add_user(store, "C1", "LN-0001", date(2026, 1, 5), apps=("Salesforce", "Cvent"))
    add_app(store, "LN-0001", "Cvent", date(2024, 1, 5), deprovisioned_on=date(2025, 1, 1))
    csv = b"license_number,application,last_login_on\nLN-0001,cvent,2026-10-01\nLN-0001,Salesforce,2026-09-01\n"
    summary = records.import_logins(store, csv, SYSTEM, filename="logins.csv")
    assert (summary.rows, summary.changed) == (2, 2)
    assert store.query("SELECT application, provisioned_on, last_login_on FROM license_apps ORDER BY 1, 2") == [
        ("Cvent", date(2024, 1, 5), None), ("Cvent", date(2026, 1, 5), date(2026, 10, 1)),
        ("Salesforce", date(2026, 1, 5), date(2026, 9, 1))]
    assert [r.application for r in sc.idle_list(store, date(2027, 3, 1), P)] == ["Salesforce"]
    assert store.query_value("SELECT detail FROM audit_log WHERE action = 'import_logins'") == \
        "logins.csv: 2 rows, 2 last-login dates changed"
    assert records.import_logins(store, csv, SYSTEM, filename="logins.csv").changed == 0


def test_q2_import_logins_refuses_the_whole_file_on_any_bad_row(store):
    add_user(store, "C1", "LN-0001", date(2026, 1, 5))
    csv = (b"license_number,application,last_login_on\nLN-0001,Salesforce,2026-09-01\n"
           b"LN-0001,Geopointe,2026-09-01\nLN-0777,Cvent,2026-09-01\n")
    with pytest.raises(EcommError) as exc:
        records.import_logins(store, csv, SYSTEM, filename="logins.csv")
    assert exc.value.problems == ["logins.csv:4 license_number: there is no license record LN-0777"]
    with pytest.raises(EcommError) as exc:
        records.import_logins(store, csv.replace(b"LN-0777", b"LN-0001"), SYSTEM, filename="logins.csv")
    assert exc.value.problems == ["logins.csv:3 application: license LN-0001 has never held Geopointe",
                                  "logins.csv:4 application: license LN-0001 has never held Cvent"]
    assert store.query_value("SELECT last_login_on FROM license_apps") is None
    with pytest.raises(AccessDenied):
        records.import_logins(store, csv, MANAGER)


# -- right at 150,000 licenses (speed: benchmarks/test_compliance_bench.py) ----------------
@pytest.mark.slow
def test_q1_q2_q3_lists_are_right_at_150000_licenses(store):
    """150,000 licenses with a realistic share flagged: each list holds its flagged rows (a
    share, not every license). Their speed is measured by benchmarks/test_compliance_bench.py
    (`make bench`), not asserted here."""
    as_of = date(2027, 2, 3)
    seed_large(store, 150_000, as_of)
    for fn, kw in ((sc.quiz_list, {}), (sc.idle_list, {}), (sc.course_list, {}),
                   (sc.quiz_list, {"which": "reminder_due"})):
        rows = fn(store, as_of, P, **kw)
        assert 0 < len(rows) < 40_000, (fn.__name__, len(rows))


def seed_large(store, n: int, as_of: date) -> None:
    """n licenses (one contact each) provisioned over eight years: Salesforce for all, Cvent for
    half; recent ones partly without a quiz pass; 5% not logged in lately; courses spread out."""
    def run(cur):
        p = {"n": n, "as_of": as_of}
        cur.execute("INSERT INTO contacts (contact_id, last_name, first_name, ucb_email) "
                    "SELECT 'C' || i, 'Last' || i, 'First' || i, 'u' || i || '@colorado.edu' "
                    "FROM range($n) t(i)", {"n": n})
        prov = "($as_of - CAST((i * 7) % 2900 AS INTEGER))"
        cur.execute("INSERT INTO licenses (license_number, contact_id, affiliated_campus, "
                    "ecomm_specialist, quiz_passed_on) SELECT 'LN-' || lpad(i::VARCHAR, 6, '0'), "
                    f"'C' || i, 'Boulder', 's' || (i % 50) || '@cu.edu', CASE WHEN i % 2 = 0 AND "
                    f"(i * 7) % 2900 < 90 THEN NULL ELSE {prov} + 20 END FROM range($n) t(i)", p)
        cur.execute("INSERT INTO license_apps (license_number, application, provisioned_on, "
                    f"last_login_on) SELECT 'LN-' || lpad(i::VARCHAR, 6, '0'), a.app, {prov}, "
                    "CASE WHEN i % 20 = 0 THEN $as_of - CAST(200 + i % 300 AS INTEGER) "
                    "ELSE $as_of - CAST(i % 150 AS INTEGER) END FROM range($n) t(i), "
                    "(VALUES ('Salesforce'), ('Cvent')) a(app) WHERE a.app = 'Salesforce' OR i % 2 = 0", p)
        for k, course in enumerate(ref.COURSES):
            spread = 330 if course == ref.COURSE_PCI else 700
            cur.execute("INSERT INTO course_completions SELECT 'C' || i, $course, $as_of - "
                        "CAST((i * 13 + $k) % $spread AS INTEGER) FROM range($n) t(i) "
                        "WHERE i % 50 <> $k", {**p, "course": course, "k": k, "spread": spread})
    store.write(run)
