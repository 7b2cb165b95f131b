"""B2-B5, B9: building the July invoice and the true-ups, set-based over columns.

The run is computed from two frames (``LICENSE_COLUMNS``: one row per license record;
``APP_COLUMNS``: one row per license_apps row) into ``RunFrames`` (the invoices' heads, their
lines and the lines' charges, in invoice order). ``build_invoices`` / ``assemble`` take and
give pydantic models (one license at a time in tests, the forecast); drafting a run at 100x
(160,000 lines) stays in columns from the database to the stored lines.

Decisions where the pages are silent (see docs/billing.md):

- One invoice per invoice campus (billing campus, else affiliated campus) and group
  (``ecomm.reference.INVOICE_GROUPS``: Salesforce, Marketing Cloud, Apsona and Geopointe
  together; Cvent alone).
- A line lists the group's applications it is charged for; a line that would list none is
  left out. Applications with rate 0 and a Chatter Free User's Salesforce (B3) are listed
  with amount 0, so a Chatter Free user holding Salesforce and Cvent is on the Salesforce
  invoice (0) and the Cvent invoice; a Cvent-only license is on the Cvent invoice only.
- The campus billing speedtype charged is the one the campus's license records name most
  often across the run's lines (both groups; ties go to the smallest), unless the caller
  fixes it per campus (``campus_speedtypes``). Other speedtypes seen are listed on the invoice.
- The July invoice bills applications held on ``as_of`` that were provisioned by July 31
  (the July batch); later ones belong to the January true-up, so nothing is billed twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping

import pandas as pd

from ecomm import reference as ref
from ecomm.billing.chain import b5_seat_rows
from ecomm.billing.models import (AppHolding, Charge, Invoice, InvoiceLine, LicenseForBilling,
                                  invoice_campus, to_cents)
from ecomm.billing.proration import ANNUAL, july_batch_end, months_charged, true_up_window
from ecomm.errors import EcommError
from ecomm.policy import Policy
from ecomm.billing.invoice_rules import (  # noqa: F401  (re-exported: callers import them from here)
    GROUP_OF, Rates, _clean, campus_billing_speedtype, check_as_of, check_kind, group_of,
    is_chatter_free, is_chatter_free_profile, missing_rates, monthly_rate, removal_note)

Key = tuple[str, str, date]   # (license, application, provisioned on): a license_apps row

CHATTER_FREE_NOTE = "Chatter Free User: no charge for Salesforce (B3)"
LICENSE_COLUMNS = ["license_number", "user_name", "affiliated_campus", "billing_campus",
                   "salesforce_profile", "campus_speedtype", "unit_speedtypes", "replaces_license"]
APP_COLUMNS = ["license_number", "application", "provisioned_on", "deprovisioned_on",
               "net_new", "pending", "transfer_from"]
LINE_COLUMNS = ["campus", "group", "line_no", "license_number", "user_name", "licenses_held",
                "line_total", "campus_speedtype", "unit_speedtypes"]
CHARGE_COLUMNS = ["campus", "group", "line_no", "application", "monthly_rate", "months",
                  "amount", "provisioned_on", "note"]
GROUPS = list(ref.INVOICE_GROUPS)


# -- the rules over columns ----------------------------------------------------------------------
def apply_reviews(apps: pd.DataFrame, overrides: Mapping[Key, bool]) -> pd.DataFrame:
    """B6: the application rows with each reviewed row's net-new flag as the review decided."""
    if not overrides or apps.empty:
        return apps
    keys = list(zip(apps["license_number"], apps["application"], apps["provisioned_on"]))
    flags = [overrides.get(k) for k in keys]
    if all(f is None for f in flags):
        return apps
    out = apps.copy()
    out["net_new"] = [bool(old) if f is None else f for old, f in zip(apps["net_new"], flags)]
    return out


def billed_rows(apps: pd.DataFrame, fy: int, kind: str, as_of: date) -> pd.DataFrame:
    """B4/B5/P10: the application rows an invoice of ``kind`` charges, by license in
    (provisioned on, application) order. July (B4): held on ``as_of`` (pending rows count as
    held) and provisioned by the July batch, one row per application (the earliest); true-ups
    (B5): net-new rows provisioned in the window by ``as_of`` (transfers are not billed)."""
    check_kind(kind)
    rows = apps.reset_index(drop=True)
    provisioned = pd.to_datetime(rows["provisioned_on"])
    removed = pd.to_datetime(rows["deprovisioned_on"])
    pending = rows["pending"].fillna(False).astype(bool)
    day = pd.Timestamp(as_of)
    if kind == ANNUAL:
        held = pending | ((provisioned <= day) & (removed.isna() | (removed > day)))
        keep = held & (provisioned <= pd.Timestamp(july_batch_end(fy)))
    else:
        start, end = true_up_window(fy, kind)
        keep = (rows["net_new"].fillna(False).astype(bool)
                & (provisioned >= pd.Timestamp(start)) & (provisioned <= pd.Timestamp(end))
                & (pending | (provisioned <= day)))
    chosen = rows[keep.to_numpy()].assign(_on=provisioned[keep].to_numpy(),
                                          _seq=range(int(keep.sum())))
    chosen = chosen.sort_values(["license_number", "_on", "application", "_seq"])
    if kind == ANNUAL:
        chosen = chosen.drop_duplicates(["license_number", "application"], keep="first")
    return chosen.drop(columns=["_on", "_seq"])


@dataclass
class RunFrames:
    """A run's invoices in columns: ``heads`` (one dict per invoice: campus, group,
    campus_speedtype, other_campus_speedtypes, total, lines), ``lines`` (campus, group, line_no,
    license_number, user_name, licenses_held, line_total, campus_speedtype, unit_speedtypes) and
    ``charges`` (campus, group, line_no, application, monthly_rate, months, amount,
    provisioned_on, note), both in invoice then line order."""

    fiscal_year: int
    kind: str
    as_of: date
    heads: list[dict] = field(default_factory=list)
    lines: pd.DataFrame = field(default_factory=pd.DataFrame)
    charges: pd.DataFrame = field(default_factory=pd.DataFrame)

    def head(self, campus: str, group: str) -> dict | None:
        return next((h for h in self.heads if (h["campus"], h["group"]) == (campus, group)), None)


def compute_run(licenses: pd.DataFrame, apps: pd.DataFrame, rates: Rates, policy: Policy, *,
                fiscal_year: int, kind: str, as_of: date,
                campus_speedtypes: Mapping[str, str] | None = None,
                january_as_of: date | None = None) -> RunFrames:
    """B2-B5, B9: the run's invoices, lines and charges, one invoice per invoice campus and
    group that has lines; a true-up bills each seat's chain once (B5, ``ecomm.billing.chain``;
    ``january_as_of``: the stored January true-up's as-of day, for the June true-up)."""
    check_kind(kind)
    fy = fiscal_year
    if "transfer_from" not in apps:
        apps = apps.assign(transfer_from=None)
    rows = billed_rows(apps, fy, kind, as_of)
    chain_of: dict[tuple, tuple[int, str]] = {}
    if kind != ANNUAL:
        rows, chain_of = b5_seat_rows(apps, rows, fy, kind, as_of, january_as_of)
    cols = [rows[c].tolist() for c in ("license_number", "application", "provisioned_on",
                                       "deprovisioned_on", "pending")]
    kept = [i for i, app in enumerate(cols[1]) if app in GROUP_OF]
    numbers, applications, provisioned, removed_on, pending = ([col[i] for i in kept]
                                                                for col in cols)
    info = {row[0]: row[1:] for row in zip(*(licenses[c].tolist() for c in LICENSE_COLUMNS))}
    profiles = {p: is_chatter_free_profile(p) for p in {v[3] for v in info.values()}}
    free = [a == ref.SALESFORCE and profiles[info[n][3]] for n, a in zip(numbers, applications)]
    _require_rates({a for a, f in zip(applications, free) if not f}, rates, policy, fy)
    _require_rates_not_negative(rates, fy)

    removed = [r if (r is not None and r == r and not p and r <= as_of) else None
               for r, p in zip(removed_on, pending)]
    months_of: dict[tuple, int] = {}
    months = []
    for n, a, on, gone in zip(numbers, applications, provisioned, removed):
        seat = chain_of.get((n, a, on))
        if seat is not None:   # B5: the seat's chain decides
            months.append(seat[0])
            continue
        key = (on, gone)
        if key not in months_of:
            months_of[key] = months_charged(on, fy, kind, gone)
        months.append(months_of[key])
    rate_of = {a: monthly_rate(a, rates, policy) for a, f in zip(applications, free) if not f}
    zero = Decimal("0")
    rate = [zero if f else rate_of[a] for a, f in zip(applications, free)]
    note = [CHATTER_FREE_NOTE if f else (
        chain_of[(n, a, on)][1] if (n, a, on) in chain_of
        else (removal_note(g) if kind != ANNUAL and g else ""))
        for f, g, n, a, on in zip(free, removed, numbers, applications, provisioned)]
    amount = [r * m for r, m in zip(rate, months)]

    billed = list(dict.fromkeys(numbers))
    campus_of = {n: invoice_campus(info[n][1], info[n][2]) for n in billed}
    order = {n: i for i, n in enumerate(sorted(billed, key=_natural))}
    group = [GROUP_OF[a] for a in applications]
    gidx = {g: i for i, g in enumerate(GROUPS)}
    by_invoice = sorted(range(len(numbers)), key=lambda i: (
        campus_of[numbers[i]], gidx[group[i]], order[numbers[i]], i))
    run = RunFrames(fiscal_year=fy, kind=kind, as_of=as_of)
    named: dict[str, list] = {}
    for number in billed:
        named.setdefault(campus_of[number], []).append(info[number][4])
    chosen_of = {campus: (campus_speedtypes or {}).get(campus) or campus_billing_speedtype(sts)
                 for campus, sts in named.items()}
    line_rows: list[tuple] = []
    line_no: list[int] = []
    heads: list[dict] = []
    s_number = [numbers[k] for k in by_invoice]
    s_group = [group[k] for k in by_invoice]
    s_app = [applications[k] for k in by_invoice]
    s_amount = [amount[k] for k in by_invoice]
    starts = [k for k in range(len(by_invoice)) if k == 0 or s_number[k] != s_number[k - 1]
              or s_group[k] != s_group[k - 1]]
    ends = starts[1:] + [len(by_invoice)]
    head: dict = {}
    for i, j in zip(starts, ends):
        number, grp = s_number[i], s_group[i]
        campus = campus_of[number]
        if head.get("campus") != campus or head.get("group") != grp:
            head = {"campus": campus, "group": grp, "lines": 0, "total": Decimal("0.00"),
                    "_st": set()}
            heads.append(head)
        head["lines"] += 1
        if j - i == 1:
            held = [s_app[i]]
            total = to_cents(s_amount[i])
        else:
            here = set(s_app[i:j])
            held = [a for a in ref.INVOICE_GROUPS[grp] if a in here]
            total = to_cents(sum(s_amount[i:j], Decimal(0)))
        head["total"] += total
        name, _, _, _, st, units, _ = info[number]
        st, units = _clean(st), _clean(units)
        if st:
            head["_st"].add(st)
        line_rows.append((campus, grp, head["lines"], number, name, held, total, st, units))
        line_no += [head["lines"]] * (j - i)
    for head in heads:
        chosen = chosen_of[head["campus"]]
        head["campus_speedtype"] = chosen
        head["other_campus_speedtypes"] = sorted(s for s in head.pop("_st") if s != chosen)
    run.heads = heads
    run.lines = pd.DataFrame(line_rows, columns=LINE_COLUMNS, dtype=object)
    run.charges = pd.DataFrame(
        [(campus_of[numbers[k]], group[k], no, applications[k], rate[k], months[k], amount[k],
          provisioned[k], note[k]) for k, no in zip(by_invoice, line_no)],
        columns=CHARGE_COLUMNS, dtype=object)
    return run


def _require_rates(applications: pd.Series, rates: Rates, policy: Policy, fy: int) -> None:
    """B2: every billed application charged on the run needs the fiscal year's rate."""
    missing = missing_rates(set(applications), rates, policy)
    if missing:
        raise EcommError(
            f"B2: FY{fy} has no monthly rate for {', '.join(missing)}. The System team must set "
            f"the FY{fy} rates first (Billing > Fiscal year setup, or rates.csv on the "
            "Import page).",
            [f"No FY{fy} monthly rate for {a}." for a in missing])


def _require_rates_not_negative(rates: Rates, fy: int) -> None:
    bad = sorted(a for a, r in rates.items() if Decimal(r) < 0)
    if bad:
        raise EcommError(f"B2: FY{fy} rates must not be negative: fix {', '.join(bad)}.")


# -- models in, models out -------------------------------------------------------------------------
def license_frames(licenses: Iterable[LicenseForBilling]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The license and application frames of pydantic license records."""
    lics, apps = [], []
    for lic in licenses:
        lics.append((lic.license_number, lic.user_name, lic.affiliated_campus, lic.billing_campus,
                     lic.salesforce_profile, lic.campus_speedtype, lic.unit_speedtypes,
                     lic.replaces_license))
        apps += [(lic.license_number, h.application, h.provisioned_on, h.deprovisioned_on,
                  h.net_new, h.pending, h.transfer_from) for h in lic.apps]
    return (pd.DataFrame(lics, columns=LICENSE_COLUMNS, dtype=object),
            pd.DataFrame(apps, columns=APP_COLUMNS, dtype=object))


def license_models(licenses: pd.DataFrame, apps: pd.DataFrame) -> list[LicenseForBilling]:
    """The pydantic license records of the two frames (the inverse of ``license_frames``)."""
    holdings: dict[str, list[AppHolding]] = {}
    for number, app, on, off, net_new, pending, source in zip(
            *(apps[c].tolist() for c in APP_COLUMNS)):
        holdings.setdefault(number, []).append(AppHolding(
            application=app, provisioned_on=on, deprovisioned_on=off, net_new=bool(net_new),
            pending=bool(pending), transfer_from=None if source != source else source))
    return [LicenseForBilling(**dict(zip(LICENSE_COLUMNS, row)), apps=holdings.get(row[0], []))
            for row in zip(*(licenses[c].tolist() for c in LICENSE_COLUMNS))]


def invoices_of(run: RunFrames) -> list[Invoice]:
    """The run's invoices as pydantic models."""
    charges: dict[tuple, list[Charge]] = {}
    c = run.charges
    for campus, group, no, app, rate, months, on, note in zip(
            c["campus"], c["group"], c["line_no"], c["application"], c["monthly_rate"],
            c["months"], c["provisioned_on"], c["note"]):
        charges.setdefault((campus, group, no), []).append(Charge(
            application=app, monthly_rate=rate, months=months, provisioned_on=on, note=note))
    lines: dict[tuple, list[InvoiceLine]] = {}
    ln = run.lines
    for campus, group, no, number, name, held, st, units in zip(
            ln["campus"], ln["group"], ln["line_no"], ln["license_number"], ln["user_name"],
            ln["licenses_held"], ln["campus_speedtype"], ln["unit_speedtypes"]):
        lines.setdefault((campus, group), []).append(InvoiceLine(
            license_number=number, user_name=name, licenses_held=list(held),
            charges=charges[(campus, group, no)], campus_speedtype=st, unit_speedtypes=units))
    return [Invoice(fiscal_year=run.fiscal_year, kind=run.kind, campus=h["campus"],
                    group=h["group"], as_of=run.as_of, campus_speedtype=h["campus_speedtype"],
                    other_campus_speedtypes=h["other_campus_speedtypes"],
                    lines=lines[(h["campus"], h["group"])])
            for h in run.heads]


def billed_holdings(licenses: Iterable[LicenseForBilling], fy: int, kind: str, as_of: date, *,
                    overrides: Mapping[Key, bool] | None = None) -> dict[str, list[AppHolding]]:
    """B4-B6: per license number, the application rows the invoice of ``kind`` charges."""
    licenses = list(licenses)
    _, apps = license_frames(licenses)
    apps = apply_reviews(apps, overrides or {})
    objects = [h for lic in licenses for h in lic.apps]
    apps["_i"] = range(len(objects))
    out: dict[str, list[AppHolding]] = {}
    chosen = billed_rows(apps, fy, kind, as_of)
    for number, i in zip(chosen["license_number"], chosen["_i"]):
        out.setdefault(number, []).append(objects[i])
    return out


def build_invoices(licenses: Iterable[LicenseForBilling], rates: Rates, policy: Policy, *,
                   fiscal_year: int, kind: str, as_of: date,
                   campus_speedtypes: Mapping[str, str] | None = None,
                   overrides: Mapping[Key, bool] | None = None) -> list[Invoice]:
    """B2-B6: the run's draft invoices, one per invoice campus and group that has lines."""
    check_as_of(fiscal_year, kind, as_of)
    return assemble(licenses, rates, policy, fiscal_year=fiscal_year, kind=kind, as_of=as_of,
                    campus_speedtypes=campus_speedtypes, overrides=overrides)


def assemble(licenses: Iterable[LicenseForBilling], rates: Rates, policy: Policy, *,
             fiscal_year: int, kind: str, as_of: date,
             campus_speedtypes: Mapping[str, str] | None = None,
             overrides: Mapping[Key, bool] | None = None) -> list[Invoice]:
    """B2-B6: build_invoices without the as-of checks (the forecast projects other dates)."""
    lic, apps = license_frames(licenses)
    run = compute_run(lic, apply_reviews(apps, overrides or {}), rates, policy,
                      fiscal_year=fiscal_year, kind=kind, as_of=as_of,
                      campus_speedtypes=campus_speedtypes)
    return invoices_of(run)


def _natural(number: str) -> tuple:
    """Sort LN-999 before LN-1000."""
    head, _, digits = number.rpartition("-")
    return (head, int(digits), number) if digits.isdigit() else (number, -1, number)
