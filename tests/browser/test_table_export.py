"""Browser: formula-like text never leaves the app raw (issue 14 item 6). Streamlit's table
toolbar offered "Download as CSV" above every st.dataframe and wrote cells such as
=HYPERLINK("x") as they are; it is turned off for the whole app (client.disableDataExport in
.streamlit/config.toml) and the pages' own CSV/XLSX buttons, which neutralise such cells
(ecomm/safe_export.py), are the way to take a table away."""
from __future__ import annotations

import csv

import pytest
from playwright.sync_api import expect

from ecomm.storage import Store
from tests.browser.conftest import open_as, served

pytestmark = pytest.mark.browser

SYSTEM = "sam.system@cu.edu"
FORMULA = '=HYPERLINK("http://example.invalid","x")'


@pytest.fixture(scope="module")
def formula_app(chromium_path, tmp_path_factory):
    """The app on a database whose audit log holds an entry with formula-like text."""
    tmp = tmp_path_factory.mktemp("formulas")
    db = tmp / "ecomm.duckdb"
    with Store(db) as store:
        def fill(cur):
            cur.execute("INSERT INTO app_users (email, name, role, campus, quiz_passed_on, "
                        "active) VALUES (?, 'Sam Rivera', 'system', NULL, NULL, TRUE)", [SYSTEM])
            cur.execute("INSERT INTO audit_log (happened_at, actor, action, entity, entity_id, "
                        "campus, detail) VALUES (TIMESTAMP '2026-11-20 17:00:00', ?, 'update', "
                        "'contact', ?, 'Boulder', '@SUM(1+1)')", [SYSTEM, FORMULA])
        store.write(fill)
    with served(db, tmp / "streamlit") as url:
        yield url


def test_table_toolbar_offers_no_csv_download_and_the_pages_own_csv_is_neutralised(
        page, formula_app, tmp_path):
    open_as(page, formula_app, SYSTEM, "audit")
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    table.hover()
    toolbar = page.get_by_test_id("stElementToolbar").first
    expect(toolbar.get_by_role("button", name="Search")).to_be_visible()  # the toolbar is shown
    expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)

    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").get_by_role("button", name="Download CSV").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    with open(target, encoding="utf-8-sig", newline="") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells
    assert "'@SUM(1+1)" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@")]
