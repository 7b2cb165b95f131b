"""B10 seats and B11 cost recovery on the Reports page (rules revision 2). 002: "The eComm program
is 100% funded through annual user fees": per fiscal year and application, the fees invoiced (the
July invoice and the true-ups, from the stored invoice lines) set against the seats' cost.

Decisions: *invoiced* counts the latest revision of each invoice once it has gone to the campus
(in review, approved or billed); drafts are shown apart; amounts are the lines' charges summed
per application and rounded to cents at the end (a line's total rounds too, so the sum of line
totals may differ by cents). *Recovered* is invoiced / cost, when a cost is recorded."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import plotly.graph_objects as go

from ecomm import reference as ref
from ecomm import seats
from ecomm.dashboard.reports import require_reader
from ecomm.identity import Identity
from ecomm.storage import cost_recovery as cost_recovery_sql
from ecomm.storage import seats as seats_db

CENT = Decimal("0.01")


def b11_recovered(invoiced: Decimal, cost: Decimal | None) -> Decimal | None:
    """B11: the share of the seats' cost recovered by the fees invoiced, in percent (one
    decimal); None without a cost (or a cost of 0)."""
    if not cost:
        return None
    return (invoiced / cost * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def seats_frame(store, identity: Identity, fiscal_year: int, as_of: date) -> pd.DataFrame:
    """B10: purchased, assigned, in the queue and available seats per application."""
    require_reader(identity)
    return pd.DataFrame([{
        "application": x.application, "purchased": x.purchased, "assigned": x.assigned,
        "in the queue": x.queued, "available": x.available, "below the alert threshold": x.low}
        for x in seats.seat_lines(store, as_of, fiscal_year=fiscal_year)])


def recovery_frame(store, identity: Identity, fiscal_year: int) -> pd.DataFrame:
    """B11: per application the seats' cost, the fees invoiced and in draft, and the share
    recovered; a last row with the totals."""
    require_reader(identity)
    cost = {r["application"]: r["cost"] for r in seats_db.seat_rows(store, fiscal_year)}
    fees = cost_recovery_sql.fees_by_application(store, fiscal_year)
    rows = []
    for app in ref.APPLICATIONS:
        f = fees.get(app, {"invoiced": Decimal(0), "draft": Decimal(0)})
        invoiced, draft = f["invoiced"].quantize(CENT), f["draft"].quantize(CENT)
        rows.append({"application": app, "seat cost": cost.get(app), "invoiced": invoiced,
                     "in draft": draft, "recovered %": b11_recovered(invoiced, cost.get(app))})
    total_cost = sum((r["seat cost"] for r in rows if r["seat cost"] is not None), Decimal(0))
    total_inv = sum((r["invoiced"] for r in rows), Decimal(0))
    rows.append({"application": "Total", "seat cost": total_cost or None, "invoiced": total_inv,
                 "in draft": sum((r["in draft"] for r in rows), Decimal(0)),
                 "recovered %": b11_recovered(total_inv, total_cost)})
    return pd.DataFrame(rows)


def recovery_figure(frame: pd.DataFrame, fiscal_year: int) -> go.Figure | None:
    """B11: per application, the seats' cost beside the fees invoiced (drafts stacked on them)."""
    parts = frame[frame["application"] != "Total"]
    if not len(parts) or not (parts["seat cost"].notna().any() or
                              (parts["invoiced"] + parts["in draft"]).any()):
        return None
    apps = parts["application"].tolist()
    money = lambda col: [float(v) if v is not None and not pd.isna(v) else 0.0  # noqa: E731
                         for v in parts[col]]
    fig = go.Figure()
    fig.add_bar(x=apps, y=money("seat cost"), name=f"Seat cost FY{fiscal_year}",
                offsetgroup="cost", hovertemplate="%{x}<br>Seat cost: $%{y:,.2f}<extra></extra>")
    fig.add_bar(x=apps, y=money("invoiced"), name="Fees invoiced", offsetgroup="fees",
                hovertemplate="%{x}<br>Invoiced: $%{y:,.2f}<extra></extra>")
    fig.add_bar(x=apps, y=money("in draft"), name="In draft", offsetgroup="fees",
                base=money("invoiced"),
                hovertemplate="%{x}<br>In draft: $%{y:,.2f}<extra></extra>")
    fig.update_layout(height=420, barmode="group", margin=dict(l=10, r=10, t=30, b=10),
                      legend_title_text="")
    fig.update_yaxes(title_text="Dollars", tickprefix="$", rangemode="tozero")
    return fig
