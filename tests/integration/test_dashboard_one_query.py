"""Every panel in one query (``all_panels``, what the dashboard page runs) gives what each
panel's own query gives: the same rows in the same order, columns, dtypes and counts, for
every viewer and filter, whole and cut to the first rows (issue 8)."""
from __future__ import annotations

import pandas as pd
import pytest

from ecomm.dashboard import panels as dash
from ecomm.dashboard.filters import DashboardFilters, resolve
from ecomm.storage import dashboard as db
from tests.integration.dashboard_seed import (ARTS, AS_OF, ATHLETICS, BOULDER, DENVER, MANAGER,
                                              SYSTEM, seed_random, seed_small)

CASES = [
    (SYSTEM, {}), (SYSTEM, {"campus": "Boulder"}), (MANAGER, {"billing_campus": "Denver"}),
    (SYSTEM, {"public_group": ATHLETICS}), (SYSTEM, {"public_group": "G2"}),
    (SYSTEM, {"campus": "Denver", "billing_campus": "Boulder", "public_group": ARTS}),
    (BOULDER, {}), (DENVER, {"public_group": "G1"}),
    (SYSTEM, {"campus": "Anschutz"}),  # nothing matches there
]


def one_by_one(store, resolved, ctx, limit):
    return {k: dash.panel(store, k, resolved, ctx, limit=limit) for k in dash.SPECS}


# `make check` keeps the small case; the random seed (about 9 s) runs in `make test`.
@pytest.mark.parametrize("seed", ["small", pytest.param(3, marks=pytest.mark.slow)])
def test_all_panels_in_one_query_equal_each_panels_own_query(store, seed):
    if seed == "small":
        seed_small(store)
    else:
        seed_random(store, seed)
    assert set(db.PANEL_KEYS) == set(dash.SPECS)
    ctx = dash.context(store, AS_OF)
    compared = 0
    for who, asked in CASES:
        resolved = resolve(who, DashboardFilters(**asked))
        for limit in (None, 2):
            board = dash.dashboard(store, who, DashboardFilters(**asked), AS_OF, limit=limit)
            alone = one_by_one(store, resolved, ctx, limit)
            for key, panel in alone.items():
                got = board.panels[key]
                pd.testing.assert_frame_equal(got.frame, panel.frame, check_exact=True)
                assert list(got.frame.dtypes) == list(panel.frame.dtypes), (key, who, asked)
                assert got.counts == panel.counts, (key, who, asked, limit)
                assert got.summary == panel.summary
                compared += len(panel.frame)
    assert compared > 100  # the cases are not all empty


def test_a_subset_of_panels_is_still_made_panel_by_panel(store):
    seed_small(store)
    board = dash.dashboard(store, SYSTEM, DashboardFilters(), AS_OF,
                           keys=(dash.QUIZ, dash.ACTIVE))
    assert list(board.panels) == [dash.QUIZ, dash.ACTIVE]
    assert board.panels[dash.QUIZ].count == 2 and board.panels[dash.ACTIVE].count == 5


@pytest.mark.parametrize("where", ["TRUE", "i > 1", "FALSE", "i IS NULL"])
def test_the_panels_frames_are_converted_as_duckdbs_df_makes_them(store, where):
    """all_panels converts each panel's rows by pyarrow: the same dtypes and values as
    DuckDB's .df() (text all NULL or no row: object; a NULL integer or boolean: nullable)."""
    sql = f"""SELECT * FROM (SELECT i, CAST(i AS BIGINT) AS big, 'x' || i AS s,
                     CASE WHEN i = 2 THEN 'y' END AS some_null, CAST(NULL AS VARCHAR) AS no_text,
                     DATE '2026-01-01' + i AS d, CASE WHEN i > 1 THEN DATE '2026-01-01' END AS dn,
                     TIMESTAMP '2026-01-01 10:30' + to_days(i) AS ts, i > 1 AS b,
                     CASE WHEN i > 1 THEN i = 2 END AS bn, CASE WHEN i > 1 THEN i END AS i_null,
                     CAST(i AS DECIMAL(9, 2)) AS dec, [i] AS lst
              FROM (SELECT CAST(range AS INTEGER) AS i FROM range(4))) WHERE {where}"""
    with store.cursor() as cur:
        expected = cur.execute(sql).df()
        table = cur.sql(sql).to_arrow_table()
        for columns in (expected.columns[:-2], expected.columns):  # fast path; DuckDB's own
            got = db._as_duckdb_df(cur, table.select(list(columns)))
            pd.testing.assert_frame_equal(got, expected[list(columns)], check_exact=True)
            assert list(got.dtypes) == list(expected[list(columns)].dtypes)
