"""B5 (rev 2): billing follows the seat. A seat used all year by two people is billed once,
from the first holder's month of provisioning through June, whichever true-up runs first.
Also the SQL twin (b5_true_up_charges_sql) against the rule (b5_true_up_charges).

FY2027 rates (requests_fixtures.seed): Salesforce $30.00 a month, Cvent $15.00 a month.
"""
from __future__ import annotations

import random
from datetime import date, datetime

import pytest

from ecomm import reference as ref
from ecomm.billing import workflow as wf
from ecomm.billing.chain import b5_true_up_charges
from ecomm.billing.invoice import apply_reviews
from ecomm.billing.proration import JANUARY, JUNE
from ecomm.storage import billing_reads as reads
from ecomm.storage import invoice_reads as ir
from ecomm.storage.b5_chain_sql import b5_true_up_charges_sql
from tests.integration.requests_fixtures import SYSTEM, seed

FY = 2027


def _license(store, number, campus="Boulder", replaces=None):
    store.write(lambda cur: cur.execute(
        "INSERT INTO licenses (license_number, contact_id, affiliated_campus, billing_campus, "
        "campus_speedtype, replaces_license) VALUES (?, 'C-USER', ?, ?, '510', ?)",
        [number, campus, campus, replaces]))


def _app(store, number, app, on, off=None, net_new=True, source=None):
    store.write(lambda cur: cur.execute(
        "INSERT INTO license_apps (license_number, application, provisioned_on, "
        "deprovisioned_on, net_new, transfer_from) VALUES (?, ?, ?, ?, ?, ?)",
        [number, app, on, off, net_new, source]))


def _draft(store, kind, as_of):
    wf.draft_run(store, SYSTEM, fiscal_year=FY, kind=kind, as_of=as_of, capture=True,
                 now_utc=datetime.combine(as_of, datetime.min.time()).replace(hour=18))
    return {(ln.license_number, c.application): (c.months, c.amount, c.note)
            for inv in ir.load_invoices(store, fiscal_year=FY, kind=kind)
            for ln in inv.lines for c in ln.charges}


@pytest.fixture
def leaver(store):
    """LN-0960: Salesforce provisioned 2026-10-06 (net new, the January true-up's window),
    its holder left on 2026-12-10."""
    seed(store)
    _license(store, "LN-0960")
    _app(store, "LN-0960", ref.SALESFORCE, date(2026, 10, 6), date(2026, 12, 10))
    _license(store, "LN-0961", replaces="LN-0960")
    return store


def test_b5_oct_dec_jan_chain_january_true_up_before_the_replacement(leaver):
    # January true-up drafted on 2027-01-02, before the replacement arrived: the seat's last
    # holder left on Dec 10, so October..December = 3 months x $30.00 = $90.00.
    jan = _draft(leaver, JANUARY, date(2027, 1, 2))
    assert jan == {("LN-0960", ref.SALESFORCE):
                   (3, 90, "removed 2026-12-10: charged through that month (B5)")}
    # The replacement arrives in the January batch (a transfer continuing LN-0960's seat)
    _app(leaver, "LN-0961", ref.SALESFORCE, date(2027, 1, 5), net_new=False, source="LN-0960")
    # June true-up: the seat is billed on from January through June = 6 x $30.00 = $180.00,
    # on the replacement's line. Chain total 90 + 180 = $270.00 = October..June, 9 x $30.00.
    june = _draft(leaver, JUNE, date(2027, 6, 15))
    assert {k: v[:2] for k, v in june.items()} == {("LN-0961", ref.SALESFORCE): (6, 180)}
    assert "continues the seat of LN-0960" in june[("LN-0961", ref.SALESFORCE)][2]


def test_b5_oct_dec_jan_chain_january_true_up_after_the_replacement(leaver):
    _app(leaver, "LN-0961", ref.SALESFORCE, date(2027, 1, 5), net_new=False, source="LN-0960")
    # January true-up drafted on 2027-01-15: the seat is held (by LN-0961), so it is billed
    # once from October through June = 9 months x $30.00 = $270.00, on the first holder's line.
    jan = _draft(leaver, JANUARY, date(2027, 1, 15))
    assert {k: v[:2] for k, v in jan.items()} == {("LN-0960", ref.SALESFORCE): (9, 270)}
    assert "seat continued by LN-0961" in jan[("LN-0960", ref.SALESFORCE)][2]
    # June true-up: nothing more for that seat (January billed it through June): no invoice.
    assert _draft(leaver, JUNE, date(2027, 6, 15)) == {}


def test_b5_replacing_a_july_invoice_seat_costs_nothing_more(store):
    seed(store)
    _license(store, "LN-0970")
    _app(store, "LN-0970", ref.CVENT, date(2026, 7, 6), date(2026, 9, 30), net_new=False)
    _license(store, "LN-0971", replaces="LN-0970")
    _app(store, "LN-0971", ref.CVENT, date(2026, 10, 5), net_new=False, source="LN-0970")
    # LN-0970's Cvent was on the July invoice (12 x $15.00 = $180.00); the transfer adds $0.
    assert _draft(store, JANUARY, date(2027, 1, 15)) == {}


def _random_chains(store, rnd: random.Random) -> None:
    """Seats with chains of one to four holders, some reviewed, in both windows."""
    seed(store)
    n = 2000
    for seat in range(40):
        app = rnd.choice([ref.SALESFORCE, ref.CVENT, ref.MARKETING_CLOUD])
        day = date(2026, rnd.choice([7, 8, 9, 10, 11, 12]), rnd.randint(1, 28)) if rnd.random() < .6 \
            else date(2027, rnd.randint(1, 6), rnd.randint(1, 28))
        prev = None
        for k in range(rnd.randint(1, 4)):
            number = f"LN-{n}"
            n += 1
            _license(store, number, campus=rnd.choice(["Boulder", "Denver"]), replaces=prev)
            off = None
            if rnd.random() < .6:
                off = date.fromordinal(day.toordinal() + rnd.randint(1, 120))
                off = min(off, date(2027, 6, 30))
            _app(store, number, app, day, off, net_new=(k == 0 and rnd.random() < .85),
                 source=prev if k else None)
            prev = number
            if off is None:
                break
            day = date.fromordinal(off.toordinal() + rnd.randint(0, 60))
            if day > date(2027, 6, 30):
                break


@pytest.mark.parametrize("seed_no", [1, 2, 3])
def test_b5_chain_sql_twin_agrees_with_the_rule(store, seed_no):
    _random_chains(store, random.Random(seed_no))
    checked = 0
    for kind, as_of, jan in ((JANUARY, date(2027, 1, 3), None), (JANUARY, date(2027, 2, 20), None),
                             (JUNE, date(2027, 6, 30), date(2027, 1, 3)),
                             (JUNE, date(2027, 6, 10), date(2027, 2, 20)),
                             (JUNE, date(2027, 6, 30), None)):
        _, apps = reads.load_billing_frames(store, as_of, since=date(2026, 7, 1))
        apps = apply_reviews(apps, ir.net_new_overrides(store, FY, kind))
        want = sorted((n, a, on, int(m)) for n, a, on, m, _ in
                      b5_true_up_charges(apps, FY, kind, as_of, jan).itertuples(index=False))
        got = b5_true_up_charges_sql(store, FY, kind, as_of, jan)
        assert got == want, (kind, as_of, jan)
        checked += len(got)
    assert checked > 20
