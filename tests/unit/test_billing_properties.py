"""B2-B5 properties (hypothesis): totals add up, nothing is negative, building is deterministic,
and every total matches an independent month-by-month count."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ecomm.billing.fiscal import fy_months
from ecomm.billing.invoice import build_invoices
from ecomm.billing.models import AppHolding, LicenseForBilling, to_cents
from ecomm.policy import Policy
from ecomm.reference import APPLICATIONS, INVOICE_GROUPS

FY = 2027
AS_OF = {"annual": date(2026, 7, 10), "january": date(2027, 1, 20), "june": date(2027, 6, 20)}
POLICY = Policy()

days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 6, 30))
cents = st.integers(min_value=0, max_value=100_000).map(lambda n: Decimal(n) / 100)
rates_st = st.fixed_dictionaries({a: cents for a in APPLICATIONS})


@st.composite
def holdings(draw):
    start = draw(days)
    removed = draw(st.one_of(st.none(), st.integers(0, 400).map(lambda n: start + timedelta(days=n))))
    return AppHolding(application=draw(st.sampled_from(APPLICATIONS)), provisioned_on=start,
                      deprovisioned_on=removed, net_new=draw(st.booleans()))


@st.composite
def licenses(draw):
    n = draw(st.integers(0, 12))
    out = []
    for i in range(n):
        out.append(LicenseForBilling(
            license_number=f"LN-{i:04d}", user_name=f"User {i}",
            affiliated_campus=draw(st.sampled_from(["Boulder", "Denver", "UCCS"])),
            billing_campus=draw(st.sampled_from([None, "Anschutz"])),
            salesforce_profile=draw(st.sampled_from(["Standard", "Chatter Free User"])),
            campus_speedtype=draw(st.sampled_from([None, "61000342", "61000530"])),
            apps=draw(st.lists(holdings(), max_size=5))))
    return out


def _months_by_counting(h: AppHolding, kind: str, as_of: date) -> int:
    """An independent oracle: walk the fiscal year's months one by one."""
    if kind == "annual":
        return 12
    window = {"january": (date(2026, 8, 1), date(2026, 12, 31)),
              "june": (date(2027, 1, 1), date(2027, 6, 30))}[kind]
    if not (window[0] <= h.provisioned_on <= window[1]):
        return 0
    last = h.deprovisioned_on if h.deprovisioned_on and h.deprovisioned_on <= as_of else date(2027, 6, 30)
    first = h.provisioned_on.replace(day=1)
    return sum(1 for m in fy_months(FY) if first <= m <= last)


def _expected_total(lics, rates, kind, as_of) -> Decimal:
    total = Decimal("0.00")
    billed_apps = {a for apps in INVOICE_GROUPS.values() for a in apps}
    for lic in lics:
        per_group: dict[str, Decimal] = {}
        seen: set[str] = set()
        for h in sorted(lic.apps, key=lambda h: (h.provisioned_on, h.application)):
            if h.application not in billed_apps:
                continue
            if kind == "annual":
                if not (h.provisioned_on <= min(as_of, date(2026, 7, 31))
                        and (h.deprovisioned_on is None or h.deprovisioned_on > as_of)):
                    continue
                if h.application in seen:
                    continue
                seen.add(h.application)
            elif not h.net_new or h.provisioned_on > as_of:
                continue
            rate = Decimal(0) if (h.application == "Salesforce" and lic.salesforce_profile ==
                                  "Chatter Free User") else rates[h.application]
            group = next(g for g, apps in INVOICE_GROUPS.items() if h.application in apps)
            per_group[group] = per_group.get(group, Decimal(0)) + rate * _months_by_counting(h, kind, as_of)
        total += sum((to_cents(v) for v in per_group.values()), Decimal(0))
    return total


@settings(max_examples=150, deadline=None)
@given(lics=licenses(), rates=rates_st, kind=st.sampled_from(["annual", "january", "june"]))
def test_b4_b5_lines_add_up_nothing_negative_and_totals_match_an_independent_count(lics, rates, kind):
    as_of = AS_OF[kind]
    invoices = build_invoices(lics, rates, POLICY, fiscal_year=FY, kind=kind, as_of=as_of)
    keys = [inv.key for inv in invoices]
    assert len(keys) == len(set(keys))
    for inv in invoices:
        assert inv.lines, "an invoice without lines is not drafted"
        assert inv.total == sum((ln.line_total for ln in inv.lines), Decimal(0))
        assert inv.total >= 0
        for ln in inv.lines:
            assert ln.licenses_held, "a line holds at least one application of its group"
            assert set(ln.licenses_held) <= set(INVOICE_GROUPS[inv.group])
            assert ln.line_total == to_cents(sum((c.amount for c in ln.charges), Decimal(0)))
            assert ln.line_total >= 0 and ln.line_total.as_tuple().exponent == -2
            for c in ln.charges:
                assert c.amount >= 0 and 0 <= c.months <= 12 and c.monthly_rate >= 0
    assert sum((inv.total for inv in invoices), Decimal(0)) == _expected_total(lics, rates, kind, as_of)


@settings(max_examples=75, deadline=None)
@given(lics=licenses(), rates=rates_st, kind=st.sampled_from(["annual", "january", "june"]),
       seed=st.integers(0, 10_000))
def test_b4_b5_building_the_same_invoice_twice_is_identical(lics, rates, kind, seed):
    as_of = AS_OF[kind]
    first = build_invoices(lics, rates, POLICY, fiscal_year=FY, kind=kind, as_of=as_of)
    shuffled = list(lics)
    random.Random(seed).shuffle(shuffled)
    second = build_invoices(shuffled, rates, POLICY, fiscal_year=FY, kind=kind, as_of=as_of)
    assert [i.model_dump(mode="json") for i in first] == [i.model_dump(mode="json") for i in second]
