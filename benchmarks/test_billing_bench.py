"""Billing at 1x and 100x on a private copy of the demo database per round: the July invoice
drafted with both spreadsheets (target at 100x: under 20 s), the spreadsheets alone, and a
January true-up (net-new lists captured, invoices drafted)."""
from __future__ import annotations

from datetime import date, datetime, time


from benchmarks.conftest import label
from ecomm import reference as ref
from ecomm.billing import workflow
from ecomm.billing.fiscal import fiscal_year_of, fy_end
from ecomm.billing.frames import default_as_of
from ecomm.identity import Identity

SYSTEM = Identity(email="sam.system@cu.edu", name="Sam Rivera", role=ref.APP_SYSTEM)
ROUNDS = 3


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(18))  # 11:00 or 12:00 in Denver, as naive UTC


def test_bench_july_invoice_with_spreadsheets(benchmark, demo, scale, fresh_copy):
    fy = fiscal_year_of(demo.as_of)
    as_of = default_as_of(fy, "annual", demo.as_of)
    label(benchmark, "July invoice drafted, with both spreadsheets", scale, target_s=20.0)

    def run(store):
        outcome = workflow.draft_run(store, SYSTEM, fiscal_year=fy, kind="annual", as_of=as_of,
                                     now_utc=_noon(as_of))
        return outcome, workflow.workbooks(store, SYSTEM, fiscal_year=fy, kind="annual")

    outcome, books = benchmark.pedantic(run, setup=fresh_copy, rounds=ROUNDS)
    lines = sum(i.line_count for i in outcome.invoices)
    benchmark.extra_info["invoice_lines"] = lines
    assert outcome.created and lines > 0.5 * demo.licenses
    assert len(books) == 2 and all(b[:2] == b"PK" for b in books.values())


def test_bench_july_spreadsheets_only(benchmark, demo, scale, fresh_copy):
    fy = fiscal_year_of(demo.as_of)
    as_of = default_as_of(fy, "annual", demo.as_of)
    label(benchmark, "July invoice: the two spreadsheets only (stored invoices)", scale)
    (store,), _ = fresh_copy()
    workflow.draft_run(store, SYSTEM, fiscal_year=fy, kind="annual", as_of=as_of,
                       now_utc=_noon(as_of))
    books = benchmark.pedantic(workflow.workbooks, args=(store, SYSTEM),
                               kwargs={"fiscal_year": fy, "kind": "annual"}, rounds=ROUNDS)
    assert len(books) == 2


def test_bench_january_true_up(benchmark, demo, scale, fresh_copy):
    fy = fiscal_year_of(demo.as_of)
    as_of = min(max(date(fy, 1, 4), demo.as_of), fy_end(fy))
    label(benchmark, "January true-up drafted (net-new lists captured)", scale)

    def run(store):
        return workflow.draft_run(store, SYSTEM, fiscal_year=fy, kind="january", as_of=as_of,
                                  now_utc=_noon(as_of))

    outcome = benchmark.pedantic(run, setup=fresh_copy, rounds=ROUNDS)
    benchmark.extra_info["invoice_lines"] = sum(i.line_count for i in outcome.invoices)
    assert outcome.invoices, "the demo has applications provisioned since August to true up"
