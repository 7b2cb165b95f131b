"""`python -m benchmarks.pages`: every page of every role, drawn in chromium (issue 18, Build 8).

Against a real `streamlit run app.py` (tools/appserver) on a copy of the cached demo database
(benchmarks/conftest.py makes it: 1x = 1,500 licenses, 100x = 150,000), headless Debian
chromium signed in with the development sign-in, for each role (System team, Boulder's eComm
specialist, a manager):

- **after sidebar navigation**: each round clicks every page of the role's navigation in turn;
  a click is timed until the script has run to its end (a rerun counted by the app's
  ``data-test-script-state`` going back to ``notRunning``) and every table in view is drawn
  (each ``stDataFrame`` holds its canvas). The person must still be signed in after each click
  (the development sign-in kept across in-app navigation): a lost sign-in is counted;
- **as a fresh URL**: ``/<page>?as=EMAIL`` loaded in the tab, timed the same way from the
  navigation's start (a new session each time: the server's caches stay warm, as for people);
- **widgets at 100x** (and 1x): a ticked row in the Compliance quiz list, and another invoice
  picked on Billing (System team), each until the rerun is drawn.

Medians over ``--loads`` loads (10 by default). Writes benchmarks/.data/pages-<scale>.json,
which ``python -m benchmarks.report`` adds to results.md. Run by ``make bench`` (not by the
test suite); on a shared machine the load average before and after is recorded with the
figures."""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.conftest import DATA, build_demo  # noqa: E402
from tools.appserver import CHROMIUM_ARGS, chromium_path, serve  # noqa: E402

ROLES = {"system": "sam.system@cu.edu", "specialist": "ecomm.boulder@colorado.edu",
         "manager": "morgan.manager@cu.edu"}
TARGETS = {"1x": {"nav": 1.0, "fresh": 2.0}, "100x": {"nav": 2.0, "fresh": 3.0}}
WIDGET_TARGET_S = 1.0
WAIT_MS = 180_000
HEADER_PX, ROW_PX, MARKER_X = 36, 35, 15   # st.dataframe's header, rows, row-marker column

# Counts the app's finished runs: the script state going back to notRunning (polled, as the
# stApp element is made and replaced by the app itself).
WATCH_RUNS = """
(() => {
  window.__runs = 0; let last = null;
  const tick = () => {
    const app = document.querySelector("[data-testid='stApp']");
    const now = app ? app.getAttribute('data-test-script-state') : null;
    if (now === 'notRunning' && last !== null && last !== 'notRunning') window.__runs++;
    last = now;
  };
  setInterval(tick, 5);
})();
"""
# The run has ended (one more than ``after``) and every table in view holds its canvas. A run
# so short that the page never showed "running" counts once the URL is the page's and 1 s
# has passed since the click (``path``, ``since``).
DRAWN = """
([after, path, since]) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app) return false;
  const quick = path !== null && location.pathname.endsWith('/' + path)
    && performance.now() - since > 1000;
  if (window.__runs <= after && !quick) return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  for (const t of document.querySelectorAll("[data-testid='stDataFrame']")) {
    if (t.offsetParent === null) continue;          // in a closed tab or expander
    const box = t.getBoundingClientRect();           // below the fold: drawn when scrolled to
    if (box.top >= window.innerHeight || box.bottom <= 0) continue;
    if (!t.querySelector("canvas")) return false;
  }
  return true;
}
"""


def _runs(page) -> int:
    return int(page.evaluate("window.__runs || 0"))


def _drawn(page, after: int, path: str | None = None, since: float = 0.0) -> None:
    page.wait_for_function(DRAWN, arg=[after, path, since], timeout=WAIT_MS, polling="raf")


def _now(page) -> float:
    return float(page.evaluate("performance.now()"))


def _signed_in(page) -> bool:
    return page.get_by_test_id("stSidebar").get_by_text("Signed in as").count() > 0


def fresh(page, url: str) -> float:
    """Load ``url`` in the tab; seconds until its first run is drawn."""
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    _drawn(page, 0)
    return time.perf_counter() - started


def click_and_wait(page, locator, path: str | None = None) -> float:
    """Click; seconds until the rerun it starts is drawn (``path``: the page it opens)."""
    before, since = _runs(page), _now(page)
    started = time.perf_counter()
    locator.click()
    _drawn(page, before, path, since)
    return time.perf_counter() - started


def _stats(times: list[float]) -> dict:
    return {"median": statistics.median(times), "min": min(times), "max": max(times),
            "first": times[0], "n": len(times)}


def role_pages(page, base: str, email: str) -> list[tuple[str, str]]:
    """(title, path) of the role's navigation, in order."""
    fresh(page, f"{base}/?as={quote(email)}")
    links = page.get_by_test_id("stSidebarNavLink")
    out = []
    for i in range(links.count()):
        link = links.nth(i)
        href = link.get_attribute("href") or ""
        title = link.inner_text().split("\n")[-1].strip()
        out.append((title, href.split("/")[-1].split("?")[0]))
    return out


def measure_role(browser, base: str, role: str, loads: int, log) -> dict:
    email = ROLES[role]
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    context.add_init_script(WATCH_RUNS)
    page = context.new_page()
    pages = role_pages(page, base, email)
    nav: dict[str, list[float]] = {p: [] for _, p in pages}
    lost = 0
    for rnd in range(loads):
        for title, path in pages:
            link = page.locator(f"[data-testid='stSidebarNavLink'][href$='/{path}']") if path \
                else page.get_by_test_id("stSidebarNavLink").filter(has_text=title).first
            nav[path].append(click_and_wait(page, link, path))
            if not _signed_in(page):
                lost += 1
                log(f"  {role}: signed out after clicking {title} (round {rnd + 1})")
                fresh(page, f"{base}/?as={quote(email)}")
        log(f"  {role}: navigation round {rnd + 1}/{loads} done")
    cold: dict[str, list[float]] = {p: [] for _, p in pages}
    for title, path in pages:
        for _ in range(loads):
            cold[path].append(fresh(page, f"{base}/{path}?as={quote(email)}"))
        log(f"  {role}: {title} fresh {statistics.median(cold[path]):.2f} s")
    context.close()
    return {"email": email, "lost_sign_in": lost, "clicks": loads * len(pages),
            "pages": [{"title": t, "path": p, "nav": _stats(nav[p]), "fresh": _stats(cold[p])}
                      for t, p in pages]}


def measure_widgets(browser, base: str, loads: int, log) -> list[dict]:
    """A ticked row on Compliance and another invoice kind on Billing (System team)."""
    email = ROLES["system"]
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    context.add_init_script(WATCH_RUNS)
    page = context.new_page()
    out = []

    fresh(page, f"{base}/compliance?as={quote(email)}")
    clicks = page.get_by_test_id("stMain").get_by_test_id("stDataFrame").first.locator(
        "div.dvn-scroller")
    ticks = []
    for i in range(loads):   # tick rows 0..4, then untick them
        row = i % 5
        y = HEADER_PX + ROW_PX * row + ROW_PX // 2
        before = _runs(page)
        started = time.perf_counter()
        clicks.click(position={"x": MARKER_X, "y": y})
        _drawn(page, before)
        ticks.append(time.perf_counter() - started)
    out.append({"item": "Compliance: a row ticked in the quiz list (System team, all campuses)",
                **_stats(ticks)})
    log(f"  compliance tick {statistics.median(ticks):.2f} s")

    fresh(page, f"{base}/billing?as={quote(email)}")
    changes = []
    kinds = ["January true-up", "June true-up", "July invoice"]
    for i in range(loads):
        page.get_by_role("combobox", name="Invoice").first.click()
        option = page.get_by_role("option", name=kinds[i % len(kinds)], exact=True)
        changes.append(click_and_wait(page, option))
    out.append({"item": "Billing: another invoice picked (Invoice runs tab)", **_stats(changes)})
    log(f"  billing kind {statistics.median(changes):.2f} s")
    context.close()
    return out


def run_scale(scale: str, loads: int, roles: list[str], widgets: bool, log) -> dict:
    from playwright.sync_api import sync_playwright

    demo = build_demo(scale)
    load_before = os.getloadavg()
    started = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory(prefix=f"pages-{scale}-") as tmp:
        db = demo.copy_to(Path(tmp))
        with serve(db, Path(tmp) / "server") as app, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), headless=True,
                                         args=CHROMIUM_ARGS)
            result = {"scale": scale, "loads": loads, "as_of": demo.meta["as_of"],
                      "licenses": demo.licenses, "started": started.isoformat(timespec="seconds"),
                      "load_before": load_before, "roles": {}, "widgets": []}
            for role in roles:
                log(f"{scale} {role}")
                began, load = datetime.now(timezone.utc), os.getloadavg()
                result["roles"][role] = measure_role(browser, app.url, role, loads, log)
                result["roles"][role].update(
                    loads=loads, started=began.isoformat(timespec="seconds"), load_before=load,
                    load_after=os.getloadavg())
                _save_partial(scale, result)
            if widgets:
                result["widgets"] = measure_widgets(browser, app.url, loads, log)
            result["peak_rss_mb"] = round(app.peak_rss_mb() or 0, 1)
            browser.close()
    result["load_after"] = os.getloadavg()
    result["ended"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return result


def result_path(scale: str) -> Path:
    return DATA / f"pages-{scale}.json"


def _save_partial(scale: str, result: dict) -> None:
    """What is measured so far (a run stopped half way still leaves its roles' figures)."""
    partial = {**result, "load_after": os.getloadavg(), "partial": True,
               "ended": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    path = DATA / f"pages-{scale}.partial.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(partial, indent=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default=os.environ.get("ECOMM_BENCH_SCALES", "1x,100x"))
    parser.add_argument("--loads", type=int, default=10)
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--no-widgets", action="store_true")
    parser.add_argument("--merge", action="store_true",
                        help="keep the stored figures of the roles not measured this time")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: put the stored figures into results.md")
    args = parser.parse_args(argv)
    if args.report_only:
        update_results()
        return 0
    if not chromium_path():
        print("chromium is not installed (apt-get install chromium): pages not measured")
        return 1

    def log(text: str) -> None:
        print(text, flush=True)

    for scale in [s.strip() for s in args.scales.split(",") if s.strip()]:
        result = run_scale(scale, args.loads, [r.strip() for r in args.roles.split(",")],
                           not args.no_widgets, log)
        path = result_path(scale)
        if args.merge and path.exists():
            old = json.loads(path.read_text())
            result["roles"] = {**old.get("roles", {}), **result["roles"]}
            result["widgets"] = result["widgets"] or old.get("widgets", [])
            result["merged_with"] = [*old.get("merged_with", []),
                                     {k: old.get(k) for k in ("started", "ended", "loads",
                                                              "load_before", "load_after")}]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=1))
        log(f"wrote {path}")
    update_results()
    return 0


# -- the report's section --------------------------------------------------------------------
def _fmt(seconds: float) -> str:
    return f"{seconds:.2f} s"


def _met(value: float, target: float) -> str:
    return "yes" if value < target else "**NO**"


def _load(values) -> str:
    return ", ".join(f"{x:.1f}" for x in values)


def render(results: dict[str, dict]) -> str:
    """The Markdown section of results.md for the measured scales."""
    if not results:
        return ""
    lines = ["## Every page in the browser (issue 18)", "",
             "Made by `python -m benchmarks.pages` (part of `make bench`): chromium against "
             "`streamlit run`, each page until its script has run and every table in view is "
             "drawn; medians (and the slowest of the loads). *nav* = after a click in the "
             "sidebar, *fresh* = the page's URL opened anew. Targets: 1x under 1 s / 2 s, "
             "100x under 2 s / 3 s; a ticked row or a changed widget under 1 s at 100x.", ""]
    for scale, res in results.items():
        t = TARGETS.get(scale, TARGETS["100x"])
        lines += [f"### {scale} ({res['licenses']:,} licenses, as of {res['as_of']})"
                  + (" — stopped before the end: the roles measured" if res.get("partial")
                     else ""), "",
                  f"- {res['loads']} loads per page and mode; measured {res['started']} to "
                  f"{res['ended']}; load average (1, 5, 15 min) before "
                  f"{', '.join(f'{x:.1f}' for x in res['load_before'])}, after "
                  f"{', '.join(f'{x:.1f}' for x in res['load_after'])}; server peak "
                  f"{res.get('peak_rss_mb', 0):,.0f} MB",
                  *[f"- the roles without a line of their own: the earlier run, {m['loads']} "
                    f"loads, {m['started']} to {m['ended']}, load average before "
                    f"{_load(m['load_before'])}, after {_load(m['load_after'])}"
                    for m in res.get("merged_with", [])],
                  *[f"- {role}: {r['loads']} loads, measured from {r['started']} (load "
                    f"average before {_load(r['load_before'])}, after {_load(r['load_after'])})"
                    for role, r in res["roles"].items() if "started" in r],
                  "- development sign-in kept across sidebar clicks: " + "; ".join(
                      f"{role} {r['clicks'] - r['lost_sign_in']}/{r['clicks']}"
                      for role, r in res["roles"].items()), "",
                  "| role | page | nav median (max) | fresh median (max) | met? |",
                  "|---|---|---:|---:|:---:|"]
        for role, r in res["roles"].items():
            for p in r["pages"]:
                nav, cold = p["nav"], p["fresh"]
                ok = nav["median"] < t["nav"] and cold["median"] < t["fresh"]
                lines.append(f"| {role} | {p['title']} | {_fmt(nav['median'])} "
                             f"({_fmt(nav['max'])}) | {_fmt(cold['median'])} "
                             f"({_fmt(cold['max'])}) | {'yes' if ok else '**NO**'} |")
        if res.get("widgets"):
            lines += ["", "| widget | median (max) | under 1 s? |", "|---|---:|:---:|"]
            for w in res["widgets"]:
                lines.append(f"| {w['item']} | {_fmt(w['median'])} ({_fmt(w['max'])}) | "
                             f"{_met(w['median'], WIDGET_TARGET_S)} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def load_results() -> dict[str, dict]:
    out = {}
    for scale in ("1x", "100x"):
        path = result_path(scale)
        if path.exists():
            out[scale] = json.loads(path.read_text())
    return out


SECTION = "## Every page in the browser (issue 18)"


def update_results(path: Path = ROOT / "benchmarks" / "results.md") -> None:
    """Put this section into results.md in place of the one there, before the findings (taken
    again from notes.md), without running the other benchmarks again (``make bench``'s report
    writes the whole file)."""
    text = path.read_text() if path.exists() else ""
    start = text.find(SECTION)
    if start >= 0:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + text[end + 1:] if end >= 0 else text[:start]
    section = render(load_results())
    notes = ROOT / "benchmarks" / "notes.md"       # the findings, as the report appends them
    at = text.find("## Findings")
    if at >= 0 and notes.exists():
        text = text[:at] + section + "\n" + notes.read_text().strip() + "\n\n"
    elif at >= 0:
        text = text[:at] + section + "\n" + text[at:]
    else:
        text = text + "\n" + section
    path.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
