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
    expect(work_item(page, "leavers")).to_contain_text(re.compile(r"Leavers .*\(Q4\): \d+"))
    quiz.get_by_role("link", name=re.compile("Compliance")).click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"/compliance"))
    expect(page.get_by_role("heading", name=re.compile("Compliance")).first).to_be_visible()


def test_my_work_predicted_holds_match_the_dashboards_row_1(page, app_url):
    open_as(page, app_url, BOULDER, "home")
    holds = work_item(page, "predicted_holds")
    expect(holds).to_contain_text(re.compile(r"\(C3\): \d+"))
    n = re.search(r"\(C3\): (\d+)", holds.inner_text()).group(1)
    holds.get_by_role("link", name="Dashboard: provisioning queue").click()
    wait_idle(page)
    metric = page.locator("[data-testid='stMetric']").filter(
        has_text=re.compile(r"Will be held on \w{3} \w{3} \d+ \(C3\)"))
    expect(metric).to_have_count(1)
    expect(metric.locator("[data-testid='stMetricValue']")).to_have_text(n)
    expect(page.locator("[data-testid='stMetric']").filter(has_text="Held (C3)")).to_have_count(1)


def test_my_work_system_team_opens_the_batch(page, app_url):
    open_as(page, app_url, SYSTEM, "home")
    batch = work_item(page, "batch")
    expect(batch).to_contain_text(re.compile(r"The \d{4}-\d{2} batch to process"))
    expect(work_item(page, "returned_invoices")).to_contain_text("Returned invoices to fix")
    expect(work_item(page, "tasks")).to_contain_text(re.compile(r"System team tasks .*\(C7\)"))
    expect(work_item(page, "seats_low")).to_contain_text(re.compile(r"Seats running low \(B10\)"))
    batch.get_by_role("link", name="Batch").click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"/batch"))


def test_my_work_manager_sees_changes_since_the_last_visit(page, app_url):
    open_as(page, app_url, MANAGER, "home")
    changes = work_item(page, "changes")
    expect(changes).to_contain_text("What changed")
    expect(work_item(page, "invoice_changes")).to_contain_text(re.compile(r"Invoices .*\(B8\)"))
    page.context.clear_cookies()
    page.reload()                       # a new session: the visit above is the last one
    wait_idle(page)
    expect(work_item(page, "changes")).to_contain_text("What changed since your last visit")
    work_item(page, "changes").get_by_role("link", name="Audit log").click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"/audit"))
