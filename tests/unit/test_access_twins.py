"""A1-A3 twins: ``ecomm.permissions`` (Python, single records) and ``ecomm.storage.scope`` (SQL,
lists and searches) decide the same, license by license and contact by contact, for every
kind of person: specialists of each campus (named or not, any case and spaces), an inactive
specialist, a manager, the System team, nobody."""
from __future__ import annotations

import pytest

from ecomm import permissions
from ecomm.identity import Identity
from ecomm.storage import requests as rs
from ecomm.storage import scope

PEOPLE = [
    Identity(email="b@colorado.edu", name="B", role="specialist", campus="Boulder"),
    Identity(email="Other.B@Colorado.edu", name="O", role="specialist", campus="Boulder"),
    Identity(email="d@ucdenver.edu", name="D", role="specialist", campus="Denver"),
    Identity(email="adv@colorado.edu", name="A", role="specialist", campus="Boulder Advancement"),
    Identity(email="b@colorado.edu", name="B", role="specialist", campus="Boulder", active=False),
    Identity(email="m@cu.edu", name="M", role="manager"),
    Identity(email="s@cu.edu", name="S", role="system"),
    None,
]
LICENSES = [  # number, contact, campus, primary, additional
    ("LN-1", "C-1", "Boulder", None, []),
    ("LN-2", "C-2", "Denver", " B@Colorado.edu ", []),          # names b as primary
    ("LN-3", "C-3", "Denver", "d@ucdenver.edu", ["x@cu.edu", "other.b@colorado.edu"]),
    ("LN-4", "C-4", "UCCS", None, None),
    ("LN-5", "C-5", "Boulder Advancement", "adv@colorado.edu", []),
]
CONTACTS = [  # id, ucb, ucd, employment campus, request campus
    ("C-1", None, None, None, None),       # Boulder through LN-1 only
    ("C-2", None, "c2@ucdenver.edu", "Denver", None),
    ("C-3", None, None, None, None),
    ("C-4", None, None, None, "UCCS"),
    ("C-5", "c5@colorado.edu", None, None, None),  # UCB Email: Boulder and Boulder Adv
    ("C-6", None, None, "Boulder", None),
    ("C-7", None, None, None, "Denver"),
    ("C-8", None, None, None, None),       # of no campus
]


@pytest.fixture
def filled(store):
    def fn(cur):
        for cid, ucb, ucd, job, req in CONTACTS:
            cur.execute("INSERT INTO contacts (contact_id, last_name, ucb_email, ucd_email) "
                        "VALUES (?, 'X', ?, ?)", [cid, ucb, ucd])
            if job:
                cur.execute("INSERT INTO employments VALUES (?, ?, 'Active', DATE '2020-01-01', "
                            "NULL, 'A', 'B')", [cid, job])
            if req:
                cur.execute("INSERT INTO requests (request_id, kind, contact_id, campus, "
                            "submitted_at, submitted_by, status) VALUES (?, 'provision', ?, ?, "
                            "TIMESTAMP '2026-11-01 10:00', 'x', 'pending')", [f"R-{cid}", cid, req])
        for number, cid, campus, primary, extra in LICENSES:
            cur.execute("INSERT INTO licenses (license_number, contact_id, affiliated_campus, "
                        "ecomm_specialist, additional_specialists) VALUES (?, ?, ?, ?, ?)",
                        [number, cid, campus, primary, extra])
    store.write(fn)
    return store


@pytest.mark.parametrize("who", PEOPLE, ids=lambda w: "nobody" if w is None else
                         f"{w.role}-{w.campus}-{w.email}-{w.active}")
def test_a1_a3_license_scope_sql_matches_can_see_license(filled, who):
    frag, params = scope.license_scope_sql(who, "l")
    in_sql = {r[0] for r in filled.query(f"SELECT license_number FROM licenses l WHERE {frag}",
                                         params)}
    in_python = {n for n, _c, campus, primary, extra in LICENSES
                 if permissions.can_see_license(who, campus, primary, extra)}
    assert in_sql == in_python


@pytest.mark.parametrize("who", PEOPLE, ids=lambda w: "nobody" if w is None else
                         f"{w.role}-{w.campus}-{w.email}-{w.active}")
def test_a1_a3_contact_scope_sql_matches_can_see_contact(filled, who):
    frag, params = scope.contact_scope_sql(who, "c")
    in_sql = {r[0] for r in filled.query(f"SELECT contact_id FROM contacts c WHERE {frag}",
                                         params)}
    in_python = set()
    for cid, *_ in CONTACTS:
        named = [e for lic in rs.licenses_of_contact(filled, cid)
                 for e in permissions.named_emails(lic["ecomm_specialist"],
                                                   lic["additional_specialists"])]
        if permissions.can_see_contact(who, rs.contact_campuses(filled, cid), named):
            in_python.add(cid)
    assert in_sql == in_python


def test_a1_what_each_specialist_sees_worked_out_by_hand(filled):
    def lics(who):
        frag, params = scope.license_scope_sql(who, "l")
        return sorted(r[0] for r in filled.query(
            f"SELECT license_number FROM licenses l WHERE {frag}", params))
    b, other_b, d, adv = PEOPLE[:4]
    assert lics(b) == ["LN-1", "LN-2"]           # own campus; primary on Denver's LN-2
    assert lics(other_b) == ["LN-1", "LN-3"]     # additional on Denver's LN-3
    assert lics(d) == ["LN-2", "LN-3"]
    assert lics(adv) == ["LN-5"]
    assert lics(PEOPLE[4]) == [] and lics(None) == []
    assert lics(PEOPLE[5]) == lics(PEOPLE[6]) == ["LN-1", "LN-2", "LN-3", "LN-4", "LN-5"]
