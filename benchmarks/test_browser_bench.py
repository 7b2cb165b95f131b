"""Browser-perceived speed at 1x and 100x: Debian's chromium (headless, playwright) against a
real `streamlit run app.py` on a copy of the demo database. The System team's dashboard is
open on all campuses; each round picks another campus in the Campus filter and is timed from
the click on the option until the page shows that campus's rows (the Active users panel's
count is the campus's, and the script has finished, so every table is drawn).

After the rounds the app is walked through its heavier pages (compliance, reports, billing,
requests) and the server's peak resident memory is read (target at 100x: under 1.5 GB)."""
from __future__ import annotations

import itertools
import re

import pytest

from benchmarks.conftest import label
from benchmarks.floor import floor_counts
from ecomm.dashboard import panels as dash
from ecomm.storage.settings import load_policy
from tools.appserver import CHROMIUM_ARGS, chromium_path, serve, wait_idle

pytestmark = pytest.mark.browser

SYSTEM = "sam.system@cu.edu"
CAMPUS_BOX = "Campus Support | eComm Specialist"
CAMPUSES = ["Boulder", "Denver", "UCCS", "Anschutz"]
WALK = ["compliance", "reports", "billing", "requests", "audit", ""]
WAIT_MS = 120_000


@pytest.fixture(scope="session")
def chromium():
    path = chromium_path()
    if not path:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_bench_browser_campus_filter(benchmark, chromium, demo, demo_store, scale, tmp_path):
    label(benchmark, "Browser: campus filter changed until the new rows show", scale,
          memory_of="streamlit run (dashboard, filter changes, then compliance, reports, "
                    "billing, requests, audit pages)")
    policy = load_policy(demo_store)
    active = {c: floor_counts(demo_store, demo.as_of, policy, c)[6] for c in CAMPUSES}
    title = dash.SPECS[dash.ACTIVE].title
    db = demo.copy_to(tmp_path)
    with serve(db, tmp_path / "server") as app:
        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        page.goto(f"{app.url}/?as={SYSTEM}")
        wait_idle(page, WAIT_MS)
        page.get_by_role("heading", name=re.compile(rf"^{re.escape(title)} · ")).wait_for()
        order = itertools.cycle(CAMPUSES)

        def open_box():
            campus = next(order)
            page.get_by_label(CAMPUS_BOX).click()
            page.get_by_role("option", name=campus, exact=True).wait_for()
            return (campus,), {}

        def pick(campus):
            page.get_by_role("option", name=campus, exact=True).click()
            page.get_by_role("heading", name=f"{title} · {active[campus]:,}").wait_for()
            wait_idle(page, WAIT_MS)
            return campus

        benchmark.pedantic(pick, setup=open_box, rounds=8, warmup_rounds=1)
        assert re.search(r"[?&]campus=", page.url)
        for path in WALK:
            page.goto(f"{app.url}/{path}?as={SYSTEM}")
            wait_idle(page, WAIT_MS)
            assert not page.locator("[data-testid='stException']").count(), path
        benchmark.extra_info["peak_rss_mb"] = round(app.peak_rss_mb() or 0, 1)
        context.close()
