"""B2-B5, B9, P10: invoices built from plain licenses."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ecomm.billing.invoice import build_invoices, campus_billing_speedtype
from ecomm.billing.models import Invoice
from ecomm.errors import EcommError
from tests.unit.billing_factories import FY, POLICY, RATES, by_key, held, lic

SF, MC, CV = "Salesforce", "Marketing Cloud", "Cvent"
SFMC, CVENT = "salesforce_marketing_cloud", "cvent"
JULY_AS_OF = date(2026, 7, 10)
JANUARY_AS_OF = date(2027, 1, 20)
JUNE_AS_OF = date(2027, 6, 20)


def annual(*licenses, rates=RATES, **kw):
    return build_invoices(licenses, rates, POLICY, fiscal_year=FY, kind="annual", as_of=JULY_AS_OF, **kw)


def true_up(kind, *licenses, as_of=None, rates=RATES):
    as_of = as_of or (JANUARY_AS_OF if kind == "january" else JUNE_AS_OF)
    return build_invoices(licenses, rates, POLICY, fiscal_year=FY, kind=kind, as_of=as_of)


def test_b4_july_invoice_charges_each_held_application_twelve_months():
    inv = by_key(annual(lic("LN-0776", held(SF, date(2021, 3, 1)), held(MC, date(2022, 5, 9)),
                            held(CV, date(2026, 7, 2)), name="Ada Lovelace")))
    sf = inv[("Boulder", SFMC)]
    assert [ln.license_number for ln in sf.lines] == ["LN-0776"]
    line = sf.lines[0]
    assert line.user_name == "Ada Lovelace"
    assert line.licenses_held_text == "Salesforce; Marketing Cloud"
    assert [(c.application, c.monthly_rate, c.months, c.amount) for c in line.charges] == [
        (SF, Decimal("41.67"), 12, Decimal("500.04")), (MC, Decimal("23.50"), 12, Decimal("282.00"))]
    assert line.line_total == Decimal("782.04")
    assert sf.total == Decimal("782.04")
    cv = inv[("Boulder", CVENT)]
    assert cv.lines[0].licenses_held == [CV]
    assert cv.total == Decimal("147.00")
    assert (sf.status, sf.revision, sf.kind, sf.fiscal_year, sf.as_of) == ("draft", 1, "annual", FY, JULY_AS_OF)
    assert sf.key == (FY, "annual", "Boulder", SFMC)


def test_b4_only_applications_active_on_the_as_of_date():
    invoices = annual(
        lic("LN-0001", held(SF, date(2020, 1, 1), date(2026, 6, 15))),          # removed before
        lic("LN-0002", held(SF, date(2020, 1, 1), JULY_AS_OF)),                 # removed on as_of
        lic("LN-0003", held(SF, date(2020, 1, 1), date(2026, 7, 11))),          # removed after: B9
        lic("LN-0004", held(SF, date(2026, 7, 15))),                            # provisioned after
    )
    assert [ln.license_number for ln in by_key(invoices)[("Boulder", SFMC)].lines] == ["LN-0003"]
    assert by_key(invoices)[("Boulder", SFMC)].total == Decimal("500.04")


def test_b5_july_batch_boundary_on_the_invoices():
    july2 = lic("LN-0010", held(SF, date(2026, 7, 2), net_new=True))
    aug1 = lic("LN-0011", held(SF, date(2026, 8, 1), net_new=True))
    # The July invoice drafted late (as of Aug 5) still leaves Aug 1 to the January true-up.
    late_july = build_invoices([july2, aug1], RATES, POLICY, fiscal_year=FY, kind="annual",
                               as_of=date(2026, 8, 5))
    assert [ln.license_number for ln in late_july[0].lines] == ["LN-0010"]
    jan = by_key(true_up("january", july2, aug1))[("Boulder", SFMC)]
    assert [(ln.license_number, ln.charges[0].months) for ln in jan.lines] == [("LN-0011", 11)]
    assert jan.total == Decimal("458.37")  # 41.67 x 11


def test_b5_true_up_prorates_net_new_applications():
    invoices = true_up("january",
                       lic("LN-0100", held(SF, date(2026, 10, 14), net_new=True),
                           held(CV, date(2026, 12, 2), net_new=True)))
    sf = by_key(invoices)[("Boulder", SFMC)].lines[0]
    assert (sf.charges[0].months, sf.line_total) == (9, Decimal("375.03"))
    cv = by_key(invoices)[("Boulder", CVENT)].lines[0]
    assert (cv.charges[0].months, cv.line_total) == (7, Decimal("85.75"))


def test_b5_june_true_up_takes_january_to_june_only():
    license_ = lic("LN-0200", held(SF, date(2026, 11, 3), net_new=True),
                   held(MC, date(2027, 3, 8), net_new=True), held(CV, date(2027, 6, 2), net_new=True))
    inv = by_key(true_up("june", license_))
    assert inv[("Boulder", SFMC)].lines[0].licenses_held == [MC]
    assert inv[("Boulder", SFMC)].total == Decimal("94.00")   # 23.50 x 4 (Mar..Jun)
    assert inv[("Boulder", CVENT)].total == Decimal("12.25")  # June: 1 month


def test_b5_deprovisioned_before_true_up_charged_through_month_removed():
    removed = lic("LN-0300", held(SF, date(2026, 10, 5), date(2026, 12, 10), net_new=True))
    later = lic("LN-0301", held(SF, date(2026, 10, 5), date(2027, 2, 3), net_new=True))
    lines = by_key(true_up("january", removed, later))[("Boulder", SFMC)].lines
    assert [(ln.license_number, ln.charges[0].months, ln.line_total) for ln in lines] == [
        ("LN-0300", 3, Decimal("125.01")), ("LN-0301", 9, Decimal("375.03"))]
    assert "removed 2026-12-10" in lines[0].charges[0].note


def test_p10_transfers_are_not_charged_on_a_true_up():
    transfer = lic("LN-0400", held(SF, date(2026, 9, 1), net_new=False), held(CV, date(2026, 9, 1)))
    assert true_up("january", transfer) == []
    # ... but a transfer is on the next July invoice like everyone else.
    nxt = build_invoices([transfer], RATES, POLICY, fiscal_year=FY + 1, kind="annual",
                         as_of=date(2027, 7, 9))
    assert {i.group for i in nxt} == {SFMC, CVENT}


def test_p10_application_added_to_an_existing_license_is_net_new():
    old = lic("LN-0500", held(SF, date(2019, 4, 1), net_new=False),
              held(CV, date(2026, 11, 5), net_new=True))
    inv = by_key(true_up("january", old))
    assert (("Boulder", SFMC)) not in inv
    line = inv[("Boulder", CVENT)].lines[0]
    assert (line.license_number, line.charges[0].months, line.line_total) == ("LN-0500", 8, Decimal("98.00"))


def test_b3_chatter_free_pays_nothing_for_salesforce_but_it_is_listed():
    cf = lic("LN-0600", held(SF, date(2024, 1, 1)), held(CV, date(2024, 1, 1)),
             profile="Chatter Free User")
    inv = by_key(annual(cf))
    sf_line = inv[("Boulder", SFMC)].lines[0]
    assert sf_line.licenses_held == [SF]
    assert sf_line.line_total == Decimal("0.00")
    assert "Chatter Free" in sf_line.charges[0].note
    assert inv[("Boulder", CVENT)].total == Decimal("147.00")


def test_b3_chatter_free_cvent_only_is_on_the_cvent_invoice_only():
    cf = lic("LN-0601", held(CV, date(2024, 1, 1)), profile="Chatter Free User")
    assert [(i.group, i.total) for i in annual(cf)] == [(CVENT, Decimal("147.00"))]


def test_b3_chatter_free_needs_no_salesforce_rate():
    rates = {k: v for k, v in RATES.items() if k != SF}
    cf = lic("LN-0602", held(SF, date(2024, 1, 1)), profile="Chatter Free User")
    assert annual(cf, rates=rates)[0].total == Decimal("0.00")


def test_b2_rate_zero_applications_are_listed_with_no_charge():
    license_ = lic("LN-0700", held("Apsona", date(2024, 1, 1)), held("Geopointe", date(2024, 1, 1)))
    (inv,) = annual(license_)   # Apsona rate 0, Geopointe has no rate (not billed by default)
    assert inv.group == SFMC
    assert inv.lines[0].licenses_held == ["Apsona", "Geopointe"]
    assert [c.amount for c in inv.lines[0].charges] == [0, 0]
    assert inv.total == Decimal("0.00")
    (priced,) = annual(license_, rates={**RATES, "Geopointe": Decimal("5.10")})
    assert priced.total == Decimal("61.20")


def test_b2_missing_rate_for_a_billed_application_names_the_system_team():
    rates = {k: v for k, v in RATES.items() if k not in (MC, CV)}
    with pytest.raises(EcommError) as err:
        annual(lic("LN-0800", held(MC, date(2024, 1, 1)), held(CV, date(2024, 1, 1))), rates=rates)
    text = str(err.value)
    assert "System team" in text and "FY2027" in text and "Cvent" in text and "Marketing Cloud" in text
    # a missing rate for an application nobody is billed for is no problem
    assert annual(lic("LN-0801", held(SF, date(2024, 1, 1))), rates=rates)[0].total == Decimal("500.04")


def test_b2_missing_rate_messages_point_to_billing_fiscal_year_setup():
    """B2: rates are set under Billing > Fiscal year setup, not on the Admin page."""
    from ecomm.billing.forecast import rates_for
    from ecomm.billing.invoice import monthly_rate
    rates = {k: v for k, v in RATES.items() if k != CV}
    messages = []
    for call in (lambda: annual(lic("LN-0802", held(CV, date(2024, 1, 1))), rates=rates),
                 lambda: monthly_rate(CV, rates, POLICY),
                 lambda: rates_for(FY, {FY + 1: RATES})):
        with pytest.raises(EcommError) as err:
            call()
        messages.append(str(err.value))
    for text in messages:
        assert "Billing > Fiscal year setup" in text and "Admin" not in text, text


def test_b4_one_invoice_per_billing_campus_and_group():
    invoices = annual(
        lic("LN-0002", held(SF, date(2024, 1, 1)), campus="Boulder", billing_campus="Denver"),
        lic("LN-0001", held(SF, date(2024, 1, 1)), held(CV, date(2024, 1, 1)), campus="Boulder"),
        lic("LN-0003", held(CV, date(2024, 1, 1)), campus="UCCS", billing_campus=" "),
    )
    assert [(i.campus, i.group, [ln.license_number for ln in i.lines]) for i in invoices] == [
        ("Boulder", SFMC, ["LN-0001"]), ("Boulder", CVENT, ["LN-0001"]),
        ("Denver", SFMC, ["LN-0002"]), ("UCCS", CVENT, ["LN-0003"])]


def test_b4_lines_are_in_license_number_order():
    invoices = annual(lic("LN-1000", held(SF, date(2024, 1, 1))), lic("LN-0999", held(SF, date(2024, 1, 1))))
    assert [ln.license_number for ln in invoices[0].lines] == ["LN-0999", "LN-1000"]


def test_b4_campus_billing_speedtype_is_the_most_common_on_the_campus_records():
    invoices = annual(
        lic("LN-0001", held(SF, date(2024, 1, 1)), speedtype="61000342"),
        lic("LN-0002", held(CV, date(2024, 1, 1)), speedtype="61000530"),
        lic("LN-0003", held(CV, date(2024, 1, 1)), speedtype="61000530"),
        lic("LN-0004", held(CV, date(2024, 1, 1)), speedtype="New SpeedType Needed"),
    )
    inv = by_key(invoices)
    assert inv[("Boulder", SFMC)].campus_speedtype == "61000530"  # one per campus, both groups
    assert inv[("Boulder", SFMC)].other_campus_speedtypes == ["61000342"]
    assert inv[("Boulder", CVENT)].campus_speedtype == "61000530"
    assert inv[("Boulder", CVENT)].other_campus_speedtypes == ["New SpeedType Needed"]
    fixed = annual(lic("LN-0001", held(SF, date(2024, 1, 1))), campus_speedtypes={"Boulder": "999"})
    assert fixed[0].campus_speedtype == "999"


def test_b4_campus_billing_speedtype_ties_and_blanks():
    assert campus_billing_speedtype(["b", "a", None, " "]) == "a"
    assert campus_billing_speedtype([None, "", "New SpeedType Needed"]) is None


def test_b4_lines_carry_unit_speedtypes_with_percentages():
    (inv,) = annual(lic("LN-0001", held(SF, date(2024, 1, 1)), units="61000342:20;61000530:80"))
    line = inv.lines[0]
    assert line.unit_speedtypes == "61000342:20;61000530:80"
    assert [(s.speedtype, s.percent) for s in line.unit_shares] == [
        ("61000342", Decimal(20)), ("61000530", Decimal(80))]
    # rev 2 (B4): each unit speedtype with its amount. Line: Salesforce 41.67 x 12 = 500.04;
    # 20% = 100.008 -> 100.01 (half up); the last share takes the rest: 500.04 - 100.01 = 400.03
    assert line.unit_speedtypes_text == "61000342 (20%) $100.01; 61000530 (80%) $400.03"


def test_b4_unit_speedtype_amounts_add_up_to_the_line():
    from ecomm.billing.models import b4_unit_amounts, parse_unit_speedtypes
    # 10.01 split 50:50: 5.005 -> 5.01 (half up), the rest 10.01 - 5.01 = 5.00
    assert b4_unit_amounts(Decimal("10.01"), parse_unit_speedtypes("A:50;B:50")) == [
        Decimal("5.01"), Decimal("5.00")]
    # 100.00 split 33.33/33.33/33.34: 33.33, 33.33, then 100.00 - 66.66 = 33.34
    assert b4_unit_amounts(Decimal("100.00"), parse_unit_speedtypes("A:33.33;B:33.33;C:33.34")) \
        == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    # a lone speedtype takes the whole line
    assert b4_unit_amounts(Decimal("180.00"), parse_unit_speedtypes("61000342")) == [
        Decimal("180.00")]


def test_money_is_rounded_once_at_the_line_half_up():
    rates = {SF: Decimal("0.125"), MC: Decimal("0.125"), CV: Decimal("0.125")}
    both = lic("LN-0001", held(SF, date(2027, 6, 1), net_new=True),
               held(MC, date(2027, 6, 1), net_new=True), held(CV, date(2027, 6, 1), net_new=True))
    inv = by_key(true_up("june", both, rates=rates))
    assert inv[("Boulder", SFMC)].lines[0].line_total == Decimal("0.25")  # not 0.13 + 0.13
    assert inv[("Boulder", CVENT)].lines[0].line_total == Decimal("0.13")  # half up, not to even


@pytest.mark.parametrize("kind,as_of", [
    ("annual", date(2026, 6, 30)), ("annual", date(2027, 7, 1)),
    ("january", date(2026, 12, 31)), ("june", date(2027, 5, 31)), ("june", date(2027, 7, 2)),
])
def test_b1_b5_as_of_outside_the_invoice_period_is_refused(kind, as_of):
    with pytest.raises(EcommError):
        build_invoices([lic("LN-0001", held(SF, date(2024, 1, 1)))], RATES, POLICY,
                       fiscal_year=FY, kind=kind, as_of=as_of)


def test_unknown_kind_is_refused():
    with pytest.raises(EcommError):
        build_invoices([], RATES, POLICY, fiscal_year=FY, kind="monthly", as_of=JULY_AS_OF)


def test_b2_negative_rate_is_refused():
    with pytest.raises(EcommError):
        annual(lic("LN-0001", held(SF, date(2024, 1, 1))), rates={**RATES, SF: Decimal("-1")})


def test_invoice_round_trips_through_json():
    (inv,) = annual(lic("LN-0001", held(SF, date(2024, 1, 1)), units="1:100"))
    again = Invoice.model_validate_json(inv.model_dump_json())
    assert again == inv
    assert again.total == Decimal("500.04")
