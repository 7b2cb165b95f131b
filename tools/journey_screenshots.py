"""Screenshots that need a few clicks after the page opens (issue 17's pages), taken by
``python -m tools.screenshots`` after one PNG per page:

- ``request_form_change.png``: the New request form's change screen (P15), as the Boulder
  specialist starting a request from Check a person for a licensed user;
- ``license_billing.png``: a Boulder License record as its specialist, with "Edit billing
  information (P15)" open;
- ``batch_tasks.png``: the Batch page's System team tasks (C7), on a cycle that has some;
- ``june_review_specialist.png``: the June review (Q5) as the Boulder specialist keeps or
  removes each active user (the page-per-page shot shows the System team's progress).
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import quote

SPECIALIST = "ecomm.boulder@colorado.edu"
SYSTEM = "sam.system@cu.edu"
TALL = 6000   # the viewport is made as tall as the page (up to this) before a clipped shot


def journey_params(db: Path, today: date) -> dict[str, str | None]:
    """What the journeys open, read from the demo before it is served: a ready, licensed
    Boulder user with no open request (their employee ID), and the cycle with the most System
    team tasks."""
    from ecomm import admin, system_tasks
    from ecomm.storage import Store
    from tools.demo_people import first_ready_contact

    out: dict[str, str | None] = {"employee_id": None, "task_cycle": None}
    with Store(db) as store:
        found = first_ready_contact(store, SPECIALIST, "Boulder", today,
                                    lambda row, ready: bool(ready.license_at("Boulder")))
        out["employee_id"] = found[0]["employee_id"] if found else None
        tasks = Counter(r["cycle"] for r in system_tasks.list_tasks(
            store, admin.find_identity(store, SYSTEM)) if r["cycle"])
        out["task_cycle"] = min(tasks, key=lambda c: (-tasks[c], c)) if tasks else None
    return out


def _tall(page, wait) -> None:
    """Make the viewport as tall as the page's main area, so every part can be clipped."""
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": page.viewport_size["width"],
                            "height": max(900, min(TALL, int(height)))})
    wait(page)
    page.wait_for_timeout(500)


def _clip_from(page, locator, height: int = 1100) -> bytes:
    """A shot of the page from just above ``locator`` down ``height`` pixels."""
    box = locator.bounding_box()
    top = max(0, int(box["y"]) - 24)
    bottom = min(page.viewport_size["height"], top + height)
    return page.screenshot(clip={"x": 0, "y": top, "width": page.viewport_size["width"],
                                 "height": bottom - top})


def _full(page, wait) -> bytes:
    _tall(page, wait)
    return page.screenshot(full_page=True)


def open_change_screen(page, url: str, email: str, search_text: str, wait) -> None:
    """As ``email``: Check a person, search ``search_text`` (one person), "Start a request for
    this person", Acknowledge, choose "Change", Next: the change screen (P15). Also the change
    journey's first steps (tests/browser/test_change_journey.py)."""
    page.goto(f"{url}/check?as={quote(email)}")
    wait(page)
    search = page.get_by_label("Name, email or employee ID")
    search.fill(search_text)
    search.press("Enter")
    wait(page)
    page.get_by_role("button", name="Start a request for this person").click()
    wait(page)
    page.get_by_role("button", name="Acknowledge").click()
    wait(page)
    page.get_by_text("What would you like to do today?").wait_for()
    page.get_by_text("Change", exact=True).click()
    wait(page)
    page.get_by_role("button", name="Next").click()
    wait(page)


def change_form(page, url: str, params: dict, wait) -> bytes | None:
    if not params.get("employee_id"):
        return None
    open_change_screen(page, url, SPECIALIST, params["employee_id"], wait)
    page.get_by_text("Change what the user has (P15)").wait_for()
    return _full(page, wait)


def license_billing(page, url: str, params: dict, wait) -> bytes | None:
    page.goto(f"{url}/license?{params['license']}&as={SPECIALIST}")
    wait(page)
    page.get_by_text("Edit billing information (P15)").click()
    wait(page)
    page.get_by_role("button", name="Save billing information").wait_for()
    return _full(page, wait)


def batch_tasks(page, url: str, params: dict, wait) -> bytes | None:
    page.goto(f"{url}/batch?as={SYSTEM}")
    wait(page)
    cycle = params.get("task_cycle")
    if cycle:
        page.get_by_label("Cycle (the processing month)").click()
        page.get_by_role("option", name=re.compile(rf"^{re.escape(cycle)}")).first.click()
        wait(page)
    _tall(page, wait)
    heading = page.get_by_text(re.compile(r"System team tasks \(C7\)")).first
    return _clip_from(page, heading)


def june_review_specialist(page, url: str, params: dict, wait) -> bytes | None:
    page.goto(f"{url}/june_review?as={SPECIALIST}")
    wait(page)
    page.wait_for_timeout(800)   # tables draw after the script has finished
    return _full(page, wait)


JOURNEYS = {
    "request_form_change": change_form,
    "license_billing": license_billing,
    "batch_tasks": batch_tasks,
    "june_review_specialist": june_review_specialist,
}
