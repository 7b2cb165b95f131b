"""Issue 18: readable tables (ecomm.ui_tables): labels in the users' words, no "None"/"NaN"/"NaT",
dates as ecomm.formats writes them, the name and the why-columns first, no repeated columns."""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import plotly.express as px

from ecomm import ui_tables as ut


def test_labels_are_words_not_query_names():
    assert ut.label("billing_campus") == "billing campus"
    assert ut.label("days_since") == "days since provisioned"
    assert ut.label("contact_id") == "contact" and ut.label("license_number") == "license"
    assert ut.label("some_new_column") == "some new column"    # never snake_case
    assert ut.label("name") == "name"


def test_missing_values_are_empty_cells_and_dates_read_as_people_write_them():
    frame = pd.DataFrame({
        "when": pd.to_datetime([datetime(2027, 1, 4, 13, 10, 59), None]),
        "day": pd.to_datetime([date(2027, 1, 4), None]),
        "text": ["x", None], "days": [14.0, float("nan")], "count": [3, 4],
        "apps": [["Salesforce", "Cvent"], None], "flag": [True, False]})
    shown = ut.readable(frame)
    assert list(shown["when"]) == ["2027-01-04 13:10", ""]
    assert list(shown["day"]) == ["2027-01-04", ""]
    assert list(shown["text"]) == ["x", ""]
    # a whole number reads 14, not 14.0; numbers stay numbers, their gap shown empty by
    # st.dataframe's placeholder (ui_tables.show)
    assert str(shown["days"].dtype) == "Int64" and shown["days"][0] == 14
    assert shown["days"].isna()[1]
    assert list(shown["count"]) == [3, 4] and shown["count"].dtype.kind == "i"
    assert list(shown["apps"]) == ["Salesforce, Cvent", ""]
    assert list(shown["flag"]) == [True, False]
    text = shown.drop(columns="days").astype(str).to_string()
    assert not any(bad in text for bad in ("None", "NaN", "NaT", "nan", "<NA>"))


def test_name_and_why_columns_first_then_the_rest_in_order_and_dropped_columns_gone():
    frame = pd.DataFrame({"license_number": ["LN-1"], "contact_id": ["C1"], "campus": ["Boulder"],
                          "name": ["Ada Lovelace"], "status": ["Expiring"], "Salesforce": [True],
                          "applications": ["Salesforce"]})
    drop = ut.duplicate_app_flags(frame)
    assert drop == ["Salesforce"]
    shown = ut.readable(frame, ["name", "license_number", "status"], drop=drop)
    assert list(shown.columns) == ["name", "license", "status", "contact", "campus",
                                   "applications"]
    assert ut.snake_case_headers(shown.columns) == []
    assert list(shown.index) == list(frame.index)    # rows unchanged: selections map back


def test_forecast_chart_titles_say_the_invoice_not_invoice_equals():
    chart = pd.DataFrame({"campus": ["Boulder", "Boulder"], "invoice": ["July invoice",
                                                                       "January true-up"],
                          "billed now": [1.0, 2.0]})
    fig = px.bar(chart, x="campus", y=["billed now"], facet_col="invoice")
    assert any(a.text.startswith("invoice=") for a in fig.layout.annotations)
    ut.plain_facet_titles(fig)
    assert sorted(a.text for a in fig.layout.annotations) == ["January true-up", "July invoice"]
