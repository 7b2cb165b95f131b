"""A small hand-built organisation for the dashboard and reports tests (inserted with SQL), and
a random one for checking the SQL panels against the pure rules of ecomm.compliance."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from ecomm import compliance as q
from ecomm import reference as ref
from ecomm.identity import Identity

AS_OF = date(2026, 11, 23)  # a Monday; November's cutoff is Monday the 30th

SYSTEM = Identity(email="sys@cu.edu", name="System Person", role=ref.APP_SYSTEM)
MANAGER = Identity(email="boss@cu.edu", name="A Manager", role=ref.APP_MANAGER)
BOULDER = Identity(email="spec.boulder@cu.edu", name="Boulder Specialist", role=ref.APP_SPECIALIST,
                   campus="Boulder", quiz_passed_on=date(2025, 1, 1))
DENVER = Identity(email="spec.denver@cu.edu", name="Denver Specialist", role=ref.APP_SPECIALIST,
                  campus="Denver", quiz_passed_on=date(2025, 1, 1))

ATHLETICS, ADMISSIONS, ARTS = "01 Athletics", "01 Admissions", "03 Arts & Media"
SF, MC, CV, GEO = ref.SALESFORCE, ref.MARKETING_CLOUD, ref.CVENT, ref.GEOPOINTE
D = date.fromisoformat


def bulk(store, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    cols = list(dict.fromkeys(k for r in rows for k in r))
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    store.write(lambda cur: cur.executemany(sql, [[r.get(c) for c in cols] for r in rows]))


def _lic(number, contact, campus, groups, *, billing=None, quiz=None, profile="Standard"):
    return {"license_number": number, "contact_id": contact, "affiliated_campus": campus,
            "billing_campus": billing, "public_groups": groups, "quiz_passed_on": quiz,
            "not_a_sender": quiz is None, "salesforce_profile": profile,
            "ecomm_specialist": f"spec.{campus.lower()}@cu.edu"}


def _app(number, app, prov, deprov=None, login=None, net_new=False):
    return {"license_number": number, "application": app, "provisioned_on": D(prov),
            "deprovisioned_on": D(deprov) if deprov else None,
            "last_login_on": D(login) if login else None, "net_new": net_new}


def _req(rid, kind, contact, campus, submitted, status="pending", **kw):
    return {"request_id": rid, "kind": kind, "contact_id": contact, "campus": campus,
            "submitted_at": datetime.fromisoformat(submitted), "submitted_by": "spec@cu.edu",
            "status": status, **kw}


def seed_small(store) -> None:
    """Seven licenses and ten requests whose panel membership on AS_OF is worked out by hand
    in tests/integration/test_dashboard_panels.py."""
    bulk(store, "contacts", [{"contact_id": f"C{i}", "first_name": f"First{i}",
                              "last_name": f"Last{i}"} for i in range(1, 9)])
    bulk(store, "licenses", [
        _lic("LN-0001", "C1", "Boulder", [ATHLETICS], quiz=D("2025-01-01")),
        _lic("LN-0002", "C2", "Boulder", [ATHLETICS, ADMISSIONS], billing="Boulder Advancement",
             profile=ref.PROFILE_CHATTER_FREE),
        _lic("LN-0003", "C3", "Boulder", [ADMISSIONS], billing="Boulder"),
        _lic("LN-0004", "C4", "Denver", [ARTS], quiz=D("2024-02-01")),
        _lic("LN-0005", "C5", "Denver", [ATHLETICS], billing="Boulder", quiz=D("2026-10-20")),
        _lic("LN-0006", "C6", "UCCS", ["04 Admissions"], quiz=D("2025-01-01")),
        _lic("LN-0007", "C7", "Boulder", [ATHLETICS]),
    ])
    bulk(store, "license_apps", [
        _app("LN-0001", SF, "2025-01-01", login="2026-11-01"),
        _app("LN-0001", CV, "2025-01-01", login="2026-04-01"),          # Q2 idle from 2026-10-01
        _app("LN-0002", SF, "2026-09-01", net_new=True),                 # Q1 overdue (day 83)
        _app("LN-0003", MC, "2026-11-01", net_new=True),                 # Q1 day 22
        _app("LN-0004", SF, "2024-01-01", deprov="2026-06-01", login="2026-05-01"),
        _app("LN-0004", CV, "2024-01-01"),                               # Q2 never logged in
        _app("LN-0005", SF, "2026-10-05", login="2026-11-20", net_new=True),
        _app("LN-0006", SF, "2024-01-01", deprov="2026-01-01"),          # nothing held
        _app("LN-0007", GEO, "2026-12-01"),                              # not yet held
    ])
    # P3/Q4: everyone employed except C4, whose employment ended on 2026-10-31 (a leaver)
    bulk(store, "employments", [
        {"contact_id": c, "campus": campus, "status": "Active", "start_date": D("2020-01-01"),
         "end_date": D("2026-10-31") if c == "C4" else None}
        for c, campus in (("C1", "Boulder"), ("C2", "Boulder"), ("C3", "Boulder"),
                          ("C4", "Denver"), ("C5", "Denver"), ("C6", "UCCS"), ("C7", "Boulder"),
                          ("C8", "Boulder"))])
    courses = []
    for contact, day, which in (("C1", "2026-01-01", ref.COURSES),    # PCI expiring 2027-01-01
                                ("C2", "2026-08-01", ref.COURSES),
                                ("C3", "2026-10-01", ref.COURSES[:2]),  # PCI missing
                                ("C4", "2024-01-01", ref.COURSES),    # all out of date
                                ("C5", "2026-10-01", ref.COURSES)):
        courses += [{"contact_id": contact, "course": c, "completed_on": D(day)} for c in which]
    bulk(store, "course_completions", courses)
    bulk(store, "requests", [
        _req("R-1", "provision", "C8", "Boulder", "2026-11-10 17:00:00", applications=[SF, CV],
             public_groups=[ATHLETICS], billing_campus="Boulder"),
        # 05:30 UTC on Oct 31 is 23:30 on Friday Oct 30 in Denver: October's cutoff day
        _req("R-2", "provision", "C3", "Boulder", "2026-10-31 05:30:00", applications=[SF],
             license_number="LN-0003", public_groups=[ADMISSIONS],
             billing_campus="Boulder Advancement"),
        # an hour later it is Saturday in Denver: the cutoff was missed
        _req("R-3", "provision", "C4", "Denver", "2026-10-31 06:30:00", applications=[MC],
             license_number="LN-0004", public_groups=[ARTS]),
        _req("R-4", "provision", "C2", "Boulder", "2026-10-15 15:00:00", status="held",
             cycle="2026-12", applications=[MC], license_number="LN-0002",
             public_groups=[ATHLETICS],
             held_reasons=["P5: PCI Compliance is missing", "P4: the agreement is not signed"]),
        _req("R-5", "deprovision", "C1", "Boulder", "2026-11-05 16:00:00", applications=[SF, CV],
             license_number="LN-0001", salesforce_removed_on=D("2026-11-05")),
        _req("R-6", "deprovision", "C5", "Denver", "2026-11-06 16:00:00", applications=[SF],
             license_number="LN-0005", salesforce_removed_on=D("2026-11-06")),
        _req("R-7", "change_groups", "C1", "Boulder", "2026-11-07 16:00:00",
             license_number="LN-0001", public_groups=[ADMISSIONS]),
        _req("R-8", "provision", "C1", "Boulder", "2026-09-07 16:00:00", status="processed",
             applications=[SF], license_number="LN-0001"),
        _req("R-9", "provision", "C5", "Denver", "2026-11-08 16:00:00", status="cancelled",
             applications=[CV], license_number="LN-0005"),
        _req("R-10", "provision", "C6", "UCCS", "2026-11-02 16:00:00", applications=[SF],
             public_groups=[ref.NEW_PUBLIC_GROUP], new_public_group="New UCCS Group"),
    ])


# -- random data: the SQL panels against the pure rules --------------------------------------------
CAMPUSES = ("Boulder", "Denver", "UCCS")
GROUPS = ("G1", "G2", "G3")
LOGIN_DAYS = [date(2026, 3, 31), date(2026, 5, 31), date(2026, 8, 31), date(2026, 10, 31)]


def seed_random(store, seed: int, n: int = 160) -> None:
    """n licenses over three campuses, billed elsewhere now and then, in 0-2 of three groups;
    applications provisioned, removed and logged in to around 2026; some contacts hold two
    licenses; courses completed 0-2 times each."""
    rnd = random.Random(seed)
    base = date(2026, 9, 1)
    day = lambda lo, hi: base + timedelta(days=rnd.randint(lo, hi))  # noqa: E731
    contacts, licenses, apps, comps = [], [], [], set()
    for i in range(n):
        cid = f"C{i % (n - 25)}"
        if i < n - 25:
            contacts.append({"contact_id": cid, "last_name": f"Last{i}", "first_name": f"F{i}"})
            for course in ref.COURSES:
                for _ in range(rnd.choice([0, 1, 1, 2])):
                    comps.add((cid, course, day(-900, 200)))
        campus = rnd.choice(CAMPUSES)
        passed = rnd.choice([None, None, day(-300, 200)])
        licenses.append({
            "license_number": f"LN-{i:04d}", "contact_id": cid, "affiliated_campus": campus,
            "billing_campus": rnd.choice([None, None, None, campus, rnd.choice(CAMPUSES), " "]),
            "public_groups": rnd.sample(GROUPS, rnd.randint(0, 2)) or rnd.choice([None, []]),
            "quiz_passed_on": passed, "not_a_sender": passed is None,
            "salesforce_profile": rnd.choice(["Standard"] * 4 + [ref.PROFILE_CHATTER_FREE])})
        for a in rnd.sample(ref.APPLICATIONS, rnd.randint(1, 3)):
            prov = day(-500, 150)
            deprov = rnd.choice([None, None, None, prov + timedelta(days=rnd.randint(0, 300))])
            login = rnd.choice([None, rnd.choice(LOGIN_DAYS),
                                prov + timedelta(days=rnd.randint(-30, 200))])
            apps.append({"license_number": f"LN-{i:04d}", "application": a,
                         "provisioned_on": prov, "deprovisioned_on": deprov,
                         "last_login_on": login, "net_new": rnd.random() < 0.6})
    bulk(store, "contacts", contacts)
    bulk(store, "licenses", licenses)
    bulk(store, "license_apps", apps)
    bulk(store, "course_completions", [{"contact_id": c, "course": k, "completed_on": d}
                                       for c, k, d in sorted(comps)])


def licenses_table(store) -> dict[str, dict]:
    """Every license row with its invoice campus (billing campus, else affiliated)."""
    out = {}
    for row in store.query_dicts("SELECT * FROM licenses"):
        billing = (row["billing_campus"] or "").strip()
        row["invoice_campus"] = billing or row["affiliated_campus"]
        out[row["license_number"]] = row
    return out


def facts(store, numbers: set[str] | None = None
          ) -> tuple[list[q.LicenseFacts], list[tuple[str, str, date]]]:
    """The database read back as the pure functions' input (only ``numbers`` if given)."""
    lics = {ln: q.LicenseFacts(license_number=ln, contact_id=cid, quiz_passed_on=passed)
            for ln, cid, passed in store.query(
                "SELECT license_number, contact_id, quiz_passed_on FROM licenses")
            if numbers is None or ln in numbers}
    for ln, a, prov, deprov, login in store.query(
            "SELECT license_number, application, provisioned_on, deprovisioned_on, "
            "last_login_on FROM license_apps"):
        if ln in lics:
            lics[ln].apps.append(q.AppFacts(application=a, provisioned_on=prov,
                                            deprovisioned_on=deprov, last_login_on=login))
    comps = [tuple(r) for r in store.query(
        "SELECT contact_id, course, completed_on FROM course_completions")]
    return list(lics.values()), comps


def matching(table: dict[str, dict], campuses=None, campus=None, billing=None, group=None
             ) -> set[str]:
    """The license numbers the filters keep, worked out in Python."""
    return {ln for ln, r in table.items()
            if (campuses is None or r["affiliated_campus"] in campuses)
            and (campus is None or r["affiliated_campus"] == campus)
            and (billing is None or r["invoice_campus"] == billing)
            and (group is None or group in (r["public_groups"] or []))}
