"""The Reports page's Plotly figures, built straight from plotly.graph_objects: a few traces
each (a two-level campus/application axis instead of a subplot per campus), so a figure takes
milliseconds where plotly.express with facets took a good part of a second. Every bar and
point shows its numbers on hover; the tables beside the charts have them all."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

HEIGHT = 460


def _layout(fig: go.Figure, *, y: str, money: bool = False, barmode: str | None = None
            ) -> go.Figure:
    fig.update_layout(height=HEIGHT, margin=dict(l=10, r=10, t=30, b=10), legend_title_text="",
                      hovermode="closest", **({"barmode": barmode} if barmode else {}))
    fig.update_yaxes(title_text=y, rangemode="tozero", **({"tickprefix": "$"} if money else {}))
    return fig


def _rows_height(n: int) -> int:
    """A horizontal chart tall enough for ``n`` bars' labels."""
    return max(HEIGHT, 18 * n + 90)


def baseline_figure(frame: pd.DataFrame, fiscal_year: int) -> go.Figure | None:
    """B7: per campus and application, the baseline recorded for the year beside the count now
    (horizontal bars, campus then application down the side)."""
    if not len(frame):
        return None
    y = [frame["campus"].tolist(), frame["application"].tolist()]
    fig = go.Figure()
    for col, name in (("baseline", f"Baseline FY{fiscal_year}"), ("current", "Now")):
        values = [None if pd.isna(v) else int(v) for v in frame[col]]
        fig.add_bar(y=y, x=values, name=name, orientation="h",
                    hovertemplate="%{y[0]} · %{y[1]}<br>" + name + ": %{x}<extra></extra>")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=_rows_height(2 * len(frame)), barmode="group",
                      margin=dict(l=10, r=10, t=30, b=10), legend_title_text="")
    fig.update_xaxes(title_text="Licenses", rangemode="tozero")
    return fig


def active_figure(frame: pd.DataFrame) -> go.Figure | None:
    """B1: licenses holding each application (and any) per month, a line per application."""
    if not len(frame):
        return None
    fig = go.Figure()
    for app, part in frame.groupby("application", sort=True):
        fig.add_scatter(x=part["month"], y=part["licenses"], name=app, mode="lines+markers",
                        customdata=part["day"].dt.strftime("%Y-%m-%d"),
                        hovertemplate=app + "<br>%{y} licenses on %{customdata}<extra></extra>")
    return _layout(fig, y="Licenses")


def net_new_figure(frame: pd.DataFrame) -> go.Figure | None:
    """P10/B6: net-new applications per month, stacked by campus (each segment one application)."""
    if not len(frame):
        return None
    fig = go.Figure()
    for campus, part in frame.groupby("campus", sort=True):
        fig.add_bar(x=part["month"], y=part["applications"], name=campus,
                    customdata=part[["application", "licenses"]].to_numpy(),
                    hovertemplate=(campus + " · %{customdata[0]}<br>%{y} application(s) on "
                                   "%{customdata[1]} license(s)<extra></extra>"))
    return _layout(fig, y="Net-new applications", barmode="relative")


def cost_figure(frame: pd.DataFrame) -> go.Figure | None:
    """B2-B5: per campus, actual and projected dollars one above the other, stacked by run
    (horizontal bars)."""
    if not len(frame):
        return None
    fig = go.Figure()
    for run, part in frame.groupby("run", sort=False):
        campuses, amounts, x = [], [], []
        for campus, actual, projected in zip(part["campus"], part["actual"], part["projected"]):
            campuses += [campus, campus]
            amounts += ["Actual", "Projected"]
            x += [float(actual) if actual is not None else 0.0, float(projected)]
        fig.add_bar(y=[campuses, amounts], x=x, name=run, orientation="h",
                    hovertemplate=run + "<br>%{y[0]} · %{y[1]}: $%{x:,.2f}<extra></extra>")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=_rows_height(2 * frame["campus"].nunique()), barmode="relative",
                      margin=dict(l=10, r=10, t=30, b=10), legend_title_text="")
    fig.update_xaxes(title_text="Dollars", tickprefix="$", rangemode="tozero")
    return fig
