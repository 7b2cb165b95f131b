"""Issue 13: a demo database's practice date is every page's today, and a banner says so."""
from __future__ import annotations

from datetime import date

from ecomm import clock, practice
from ecomm.identity import CLI_ACTOR
from tests.apptest.conftest import BOULDER, SYSTEM, texts

BANNER = "Demo data: today is Mon Jan 4, 2027"


def test_practice_date_banner_on_every_page_and_pages_take_it_as_today(app_store, open_app):
    practice.keep_practice_date(app_store, CLI_ACTOR, date(2027, 1, 4), demo_built=True)
    clock.set_practice_date(None)   # the app takes it from the database it opens
    at = open_app(SYSTEM)
    assert BANNER in texts(at)
    for page in ("app_pages/batch.py", "app_pages/compliance.py", "app_pages/billing.py"):
        at.switch_page(page).run()
        assert not at.exception, at.exception
        assert BANNER in texts(at), page
    at.switch_page("app_pages/compliance.py").run()
    assert at.date_input(key="cmp_as_of").value == date(2027, 1, 4)   # ui.today()


def test_practice_banner_for_a_specialist_too(app_store, open_app):
    practice.keep_practice_date(app_store, CLI_ACTOR, date(2027, 1, 4), demo_built=True)
    clock.set_practice_date(None)   # the app takes it from the database it opens
    assert BANNER in texts(open_app(BOULDER))


def test_no_banner_without_a_practice_date(open_app):
    at = open_app(SYSTEM)
    assert "Demo data: today is" not in texts(at)
    at.switch_page("app_pages/compliance.py").run()
    assert at.date_input(key="cmp_as_of").value == date(2026, 11, 23)   # the pinned clock
