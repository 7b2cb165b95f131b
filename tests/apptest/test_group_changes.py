"""Group changes (C5): the System team's queue of pending off-cycle changes, completed with a
confirmation and applied to the license record; a specialist sees their campus's only."""
from __future__ import annotations

import pytest

from ecomm.requests import request_group_change
from tests.apptest.conftest import BOULDER, DENVER, SYSTEM, texts
from tests.apptest.pages_helpers import GROUPS, click, ok, open_page
from tests.apptest.requests_seed import NOW, seeded, who  # noqa: F401


@pytest.fixture
def queued(seeded):
    """R-000001: Boulder LN-0776 adds a public group; R-000002: Denver LN-0100 swaps its unit."""
    request_group_change(seeded, who(seeded, BOULDER), "LN-0776", [], [],
                         ["01 Arts Communications"], [], now_utc=NOW)
    request_group_change(seeded, who(seeded, DENVER), "LN-0100", ["N/A - MEC"],
                         ["CUD Advancement"], [], [], now_utc=NOW)
    return seeded


def test_c5_the_system_team_completes_a_group_change(queued):
    at = open_page(SYSTEM, GROUPS)
    queue = at.dataframe[0].value
    assert list(queue["request"]) == ["R-000001", "R-000002"]
    assert queue["license record"][0].startswith("license?license=LN-0776")
    assert queue["add public groups"][0] == "01 Arts Communications"
    ok(at.selectbox(key="gc_pick").select("R-000001").run())
    click(at, "gc_complete")
    message = " ".join(s.value for s in at.success)
    assert "Group change R-000001 completed: LN-0776 is now in business units CUB Advancement " \
           "and public groups 01 Adv Boulder; 01 Arts Communications." in message
    assert queued.query_value("SELECT public_groups FROM licenses WHERE license_number = "
                              "'LN-0776'") == ["01 Adv Boulder", "01 Arts Communications"]
    assert queued.query_value("SELECT status FROM requests WHERE request_id = 'R-000001'") \
        == "completed"
    assert list(at.dataframe[0].value["request"]) == ["R-000002"]  # left in the queue


def test_a1_a_specialist_sees_their_campus_pending_changes_and_cannot_complete(queued):
    at = open_page(BOULDER, GROUPS)
    assert list(at.dataframe[0].value["request"]) == ["R-000001"]
    assert not [b for b in at.button if b.key == "gc_complete"]
    assert "The System team completes these" in texts(at)


def test_an_empty_queue_says_so(seeded):
    at = open_page(SYSTEM, GROUPS)
    assert "No group change is waiting." in texts(at)
    assert not at.dataframe
