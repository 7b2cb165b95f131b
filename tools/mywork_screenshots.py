"""`python -m tools.mywork_screenshots [--out DIR]`: Home > My work for each role, as PNGs
(docs/screenshots/mywork_<role>.png) for the README.

Makes a small demo (as of Wed Nov 25, 2026: the December batch is days away) with one of
Boulder's invoices in review returned with a reason, serves it with `streamlit run`, and
photographs Home as a Boulder specialist, the System team and a manager. Needs chromium."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from tools.appserver import CHROMIUM_ARGS, ROOT, chromium_path, serve, wait_idle
from tools.screenshots import HEIGHT, MANAGER, SPECIALIST, SYSTEM, WAIT_MS, WIDTH, _small_png

AS_OF = date(2026, 11, 25)
ROLES = {"specialist": SPECIALIST, "system": SYSTEM, "manager": MANAGER}


def return_one_invoice(store) -> None:
    """A Boulder invoice in review, returned by the campus with a reason (if there is one)."""
    from ecomm import admin
    from ecomm.billing import workflow

    who = admin.find_identity(store, SPECIALIST)
    waiting = [i for i in workflow.list_summaries(store, who) if i.status == "in_review"]
    if waiting:
        workflow.return_to_draft(store, who, waiting[0].invoice_id,
                                 reason="LN-0012 left in August: please remove the line")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.mywork_screenshots")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = p.parse_args(argv)
    if not chromium_path():
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    from ecomm.demo import load_demo
    from ecomm.storage import Store

    args.out.mkdir(parents=True, exist_ok=True)
    os.environ["ECOMM_NOW"] = f"{AS_OF.isoformat()}T10:00:00"   # the server's today (pinned)
    with tempfile.TemporaryDirectory(prefix="ecomm-mywork-") as tmp:
        db = Path(tmp) / "demo.duckdb"
        with Store(db) as store:
            load_demo(store, as_of=AS_OF, licenses=300, actor="screenshots")
            return_one_invoice(store)
        with serve(db, Path(tmp) / "server") as app, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), headless=True,
                                         args=CHROMIUM_ARGS)
            for role, email in ROLES.items():
                context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
                context.set_default_timeout(WAIT_MS)
                page = context.new_page()
                page.goto(f"{app.url}/home?as={email}")
                wait_idle(page, WAIT_MS)
                for box in page.locator("[class*='st-key-mywork_'] details").all():
                    box.locator("summary").click()      # open each item's details
                wait_idle(page, WAIT_MS)
                page.wait_for_timeout(500)
                height = page.evaluate(
                    "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
                page.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, int(height))})
                wait_idle(page, WAIT_MS)
                target = args.out / f"mywork_{role}.png"
                target.write_bytes(_small_png(page.screenshot(full_page=True)))
                print(target, flush=True)
                context.close()
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
