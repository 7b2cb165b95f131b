"""The Reports page's figures (B7, B1, P10/B6, B2-B5) carry the report's numbers: one trace
per series, each bar or point the value of its row."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from ecomm.dashboard import charts


def test_b7_baseline_figure_has_the_baseline_and_the_count_now_per_campus_and_application():
    frame = pd.DataFrame({"campus": ["Boulder", "Boulder", "Denver"],
                          "application": ["Cvent", "Salesforce", "Cvent"],
                          "baseline": pd.array([3, None, 1], dtype="Int64"),
                          "current": pd.array([4, 2, 0], dtype="Int64")})
    fig = charts.baseline_figure(frame, 2027)
    base, now = fig.data
    assert (base.name, now.name) == ("Baseline FY2027", "Now")
    assert [list(v) for v in now.y] == [["Boulder", "Boulder", "Denver"],
                                        ["Cvent", "Salesforce", "Cvent"]]
    assert list(base.x) == [3, None, 1] and list(now.x) == [4, 2, 0]
    assert charts.baseline_figure(frame.iloc[0:0], 2027) is None


def test_b1_active_figure_has_a_line_per_application():
    month = pd.to_datetime(["2026-07-01", "2026-08-01"])
    day = pd.to_datetime(["2026-07-31", "2026-08-20"])
    frame = pd.DataFrame({"month": list(month) * 2, "day": list(day) * 2,
                          "application": ["Any application"] * 2 + ["Cvent"] * 2,
                          "campus": "All", "licenses": [5, 6, 2, 3]})
    fig = charts.active_figure(frame)
    assert [(t.name, list(t.y), list(t.customdata)) for t in fig.data] == [
        ("Any application", [5, 6], ["2026-07-31", "2026-08-20"]),
        ("Cvent", [2, 3], ["2026-07-31", "2026-08-20"])]


def test_p10_net_new_figure_stacks_campuses():
    frame = pd.DataFrame({"month": pd.to_datetime(["2026-09-01", "2026-09-01", "2026-10-01"]),
                          "campus": ["Boulder", "Boulder", "Denver"],
                          "application": ["Cvent", "Salesforce", "Cvent"],
                          "applications": [2, 1, 4], "licenses": [2, 1, 3]})
    fig = charts.net_new_figure(frame)
    assert fig.layout.barmode == "relative"
    assert [(t.name, list(t.y)) for t in fig.data] == [("Boulder", [2, 1]), ("Denver", [4])]


def test_b2_b5_cost_figure_puts_actual_and_projected_per_campus_stacked_by_run():
    frame = pd.DataFrame({"campus": ["Boulder", "Denver", "Boulder"],
                          "run": ["July invoice", "July invoice", "January true-up"],
                          "kind": ["annual", "annual", "january"],
                          "actual": [Decimal("100.50"), Decimal("20.00"), None],
                          "actual_source": "", "projected": [Decimal("100.50"), Decimal("25.00"),
                                                             Decimal("7.25")],
                          "pending_requests": 0})
    fig = charts.cost_figure(frame)
    july, january = fig.data
    assert [list(v) for v in july.y] == [["Boulder", "Boulder", "Denver", "Denver"],
                                         ["Actual", "Projected", "Actual", "Projected"]]
    assert list(july.x) == [100.5, 100.5, 20.0, 25.0]
    assert list(january.x) == [0.0, 7.25]     # no actual yet: drawn as 0, the table says so
