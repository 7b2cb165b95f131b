"""`python -m tools.screenshots [--out DIR] [--licenses N]`: a PNG of every page of the app.

Makes the demo data set (1x: 1,500 licenses, as of today) in a temporary folder, starts
`streamlit run app.py` on it on a free port, signs in with the development sign-in
(``?as=EMAIL``) as the person each page is for, and saves every page of ecomm.ui.PAGES as
docs/screenshots/<page>.png (1280 pixels wide, the whole page, colours reduced to keep the
files small). Needs Debian's chromium (apt-get install chromium)."""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
from datetime import date
from pathlib import Path

from tools.appserver import CHROMIUM_ARGS, ROOT, chromium_path, serve, wait_idle
from tools.journey_screenshots import journey_params

SYSTEM = "sam.system@cu.edu"
SPECIALIST = "ecomm.boulder@colorado.edu"
MANAGER = "morgan.manager@cu.edu"
WIDTH, HEIGHT, MAX_HEIGHT = 1280, 900, 3000
WAIT_MS = 120_000


def page_name(path: str) -> str:
    """app_pages/request_form.py -> request_form (also the page's URL path)."""
    return Path(path).stem


def who_for(spec) -> str:
    """The person a page is shown as: the System team where it may, else a specialist."""
    from ecomm import reference as ref

    if ref.APP_SYSTEM in spec.roles:
        return SYSTEM
    if ref.APP_SPECIALIST in spec.roles:
        return SPECIALIST
    return MANAGER


def record_params(db: Path) -> dict[str, str]:
    """A contact and a license of the demo to show on the record pages."""
    from ecomm.storage import Store

    with Store(db) as store:
        contact, number = store.query_one(
            "SELECT l.contact_id, l.license_number FROM licenses l JOIN license_apps a "
            "USING (license_number) WHERE l.affiliated_campus = 'Boulder' "
            "AND a.deprovisioned_on IS NULL ORDER BY l.license_number LIMIT 1")
    return {"contact": f"contact={contact}", "license": f"license={number}"}


def july_invoice_sent(store, today: date) -> bool:
    """The Billing and Invoices pages show a run: the July invoice drafted and sent for review,
    unless the demo's own past already made this fiscal year's July invoices (it does on most
    days: ecomm.demo.activity) or they cannot be drafted yet (B4/B7: in July's first processing
    week the July invoice waits for the July batch). True when this step made them."""
    from ecomm import reference as ref
    from ecomm.billing import workflow
    from ecomm.billing.fiscal import fiscal_year_of
    from ecomm.errors import EcommError
    from ecomm.identity import Identity

    who = Identity(email=SYSTEM, name="Sam Rivera", role=ref.APP_SYSTEM)
    fy = fiscal_year_of(today)
    if workflow.list_summaries(store, who, fiscal_year=fy, kind="annual"):
        return False  # already there, in every state
    try:
        out = workflow.draft_run(store, who, fiscal_year=fy, kind="annual", as_of=today)
    except EcommError as exc:
        print(f"No July invoice drafted for the screenshots: {exc.message}", flush=True)
        return False
    workflow.send_for_review(store, who, [i.invoice_id for i in out.invoices],
                             note="July invoice for your review")
    return True


def _small_png(data: bytes) -> bytes:
    """The screenshot with its colours reduced to a palette (a third of the size or less)."""
    try:
        from PIL import Image
    except ImportError:
        return data
    img = Image.open(io.BytesIO(data)).convert("RGB")
    out = io.BytesIO()
    img.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue()


def shoot(url: str, out: Path, pages, extra: dict[str, str]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True,
                                     args=CHROMIUM_ARGS)
        for spec in pages:
            name = page_name(spec.path)
            context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
            context.set_default_timeout(WAIT_MS)
            page = context.new_page()
            path = "" if spec.default else name
            query = "&".join(q for q in (extra.get(name), f"as={who_for(spec)}") if q)
            page.goto(f"{url}/{path}?{query}")
            wait_idle(page, WAIT_MS)
            page.wait_for_timeout(800)  # tables and charts draw after the script has finished
            height = page.evaluate(
                "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                " return m ? m.scrollHeight : document.body.scrollHeight; }")
            page.set_viewport_size({"width": WIDTH,
                                    "height": max(HEIGHT, min(MAX_HEIGHT, int(height)))})
            wait_idle(page, WAIT_MS)
            page.wait_for_timeout(500)
            target = out / f"{name}.png"
            target.write_bytes(_small_png(page.screenshot(full_page=True)))
            saved.append(target)
            print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
                  f"  ({who_for(spec)})", flush=True)
            context.close()
        saved += shoot_journeys(browser, url, out, extra)
        browser.close()
    return saved


def shoot_journeys(browser, url: str, out: Path, params: dict[str, str]) -> list[Path]:
    """The screenshots that need clicks after the page opens (tools/journey_screenshots.py);
    one that fails is reported and skipped, the others are still taken."""
    from tools.journey_screenshots import JOURNEYS

    saved = []
    for name, journey in JOURNEYS.items():
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        try:
            data = journey(page, url, params, lambda p: wait_idle(p, WAIT_MS))
        except Exception as exc:  # noqa: BLE001 (a screenshot tool: say which and go on)
            print(f"{name}: not taken ({type(exc).__name__}: {exc})", file=sys.stderr, flush=True)
            data = None
        if data is not None:
            target = out / f"{name}.png"
            target.write_bytes(_small_png(data))
            saved.append(target)
            print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}",
                  flush=True)
        context.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    p.add_argument("--licenses", type=int, default=None, help="demo size (default: the demo's own)")
    args = p.parse_args(argv)
    if not chromium_path():
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    from ecomm import clock, ui
    from ecomm.demo import load_demo
    from ecomm.storage import Store

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ecomm-shots-") as tmp:
        db = Path(tmp) / "demo.duckdb"
        today: date = clock.today_denver()
        with Store(db) as store:
            extra = {} if args.licenses is None else {"licenses": args.licenses}
            load_demo(store, as_of=today, actor="screenshots", **extra)
            july_invoice_sent(store, today)
        params = record_params(db)
        params.update(journey_params(db, today))
        with serve(db, Path(tmp) / "server") as app:
            saved = shoot(app.url, args.out, ui.PAGES, params)
    print(f"{len(saved)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
