"""Browser journey (issue 18): Home > My work for each role on the demo: each item shows its
count and due date, and its link opens the page where the work is done; a manager's second
visit shows what changed since the first."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_as, wait_idle

pytestmark = pytest.mark.browser

SYSTEM = "sam.system@cu.edu"
MANAGER = "morgan.manager@cu.edu"
BOULDER = "ecomm.boulder@colorado.edu"


def work_item(page, key: str):
    return page.locator(f".st-key-mywork_{key}")


def test_my_work_specialist_follows_an_item_to_its_page(page, app_url):
    open_as(page, app_url, BOULDER, "home")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    holds = work_item(page, "predicted_holds")
    expect(holds).to_contain_text(re.compile(r"Requests the \d{4}-\d{2} batch will hold on"))
    expect(holds).to_contain_text(re.compile(r"due \w{3} \w{3} \d+, \d{4}"))
    quiz = work_item(page, "quiz_overdue")
    expect(quiz).to_contain_text("Quiz overdue")
    # the demo gives every campus overdue quizzes: a count above zero
    assert re.search(r"\(Q1\): (\d+)", quiz.inner_text()).group(1) != "0"
    quiz.get_by_role("link", name=re.compile("Compliance")).click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"/compliance"))
    expect(page.get_by_role("heading", name=re.compile("Compliance")).first).to_be_visible()


def test_my_work_system_team_opens_the_batch(page, app_url):
    open_as(page, app_url, SYSTEM, "home")
    batch = work_item(page, "batch")
    expect(batch).to_contain_text(re.compile(r"The \d{4}-\d{2} batch to process"))
    expect(work_item(page, "returned_invoices")).to_contain_text("Returned invoices to fix")
    batch.get_by_role("link", name="Batch").click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"/batch"))


def test_my_work_manager_sees_changes_since_the_last_visit(page, app_url):
    open_as(page, app_url, MANAGER, "home")
    changes = work_item(page, "changes")
    expect(changes).to_contain_text("What changed")
    page.context.clear_cookies()
    page.reload()                       # a new session: the visit above is the last one
    wait_idle(page)
    expect(work_item(page, "changes")).to_contain_text("What changed since your last visit")
    work_item(page, "changes").get_by_role("link", name="Audit log").click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"/audit"))
