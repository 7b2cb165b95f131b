"""Requests: the person's visible requests (A1-A3) with status and kind filters, each linking to
its contact and license records; a pending request is cancelled with a reason."""
from __future__ import annotations

import pytest

from ecomm import reference as ref
from ecomm.requests import submit_deprovision, submit_provision
from tests.apptest.conftest import BOULDER, DENVER, MANAGER, NEW_SPECIALIST, SYSTEM, texts
from tests.apptest.pages_helpers import REQUESTS, click, errors, ok, open_page
from tests.apptest.requests_seed import NOW, count, seeded, who  # noqa: F401
from tests.integration.requests_fixtures import draft, upload


@pytest.fixture
def with_requests(seeded):
    """R-000001: Boulder provisioning of C-ELIG; R-000002: Denver deprovisioning (Cvent) of
    LN-0100, both pending."""
    submit_provision(seeded, who(seeded, BOULDER), "C-ELIG", draft(), [upload()], now_utc=NOW)
    submit_deprovision(seeded, who(seeded, DENVER), "LN-0100", [ref.CVENT], now_utc=NOW)
    return seeded


def table(at):
    return at.dataframe[0].value


def test_a1_a_specialist_sees_their_campus_requests_with_record_links(with_requests):
    at = open_page(BOULDER, REQUESTS)
    t = table(at)
    assert list(t["request"]) == ["R-000001"]
    assert t["contact"][0] == f"contact?contact=C-ELIG&as={BOULDER.replace('@', '%40')}"
    assert t["license record"][0].startswith("license?license=LN-0901")
    assert t["kind"][0] == "Provisioning" and t["status"][0] == "pending"
    assert not [s for s in at.selectbox if s.key == "req_campus"]  # their campus only


def test_a2_the_system_team_sees_every_campus_and_filters_by_kind_and_status(with_requests):
    at = open_page(SYSTEM, REQUESTS)
    assert sorted(table(at)["request"]) == ["R-000001", "R-000002"]
    ok(at.selectbox(key="req_kind").select("deprovision").run())
    assert list(table(at)["request"]) == ["R-000002"]
    ok(at.selectbox(key="req_status").select("cancelled").run())
    assert table(at).empty
    ok(at.selectbox(key="req_status").select("All").run())
    ok(at.selectbox(key="req_kind").select("All").run())
    ok(at.selectbox(key="req_campus").select("Denver").run())
    assert list(table(at)["request"]) == ["R-000002"]


def test_cancel_a_pending_request_with_a_reason(with_requests):
    at = open_page(BOULDER, REQUESTS)
    ok(at.selectbox(key="req_cancel_pick").select("R-000001").run())
    click(at, "req_cancel")
    assert "Give the reason for cancelling the request." in errors(at)
    assert with_requests.query_value("SELECT status FROM requests WHERE request_id = 'R-000001'") \
        == "pending"

    at.text_input(key="req_cancel_reason").input("The user took another job")
    click(at, "req_cancel")
    assert "Request R-000001 was cancelled." in " ".join(s.value for s in at.success)
    assert with_requests.query_value("SELECT status FROM requests WHERE request_id = 'R-000001'") \
        == "cancelled"
    assert with_requests.query_one(
        "SELECT actor, note FROM request_status_history WHERE request_id = 'R-000001' "
        "AND status = 'cancelled'") == (BOULDER, "The user took another job")
    assert list(table(at)["status"]) == ["cancelled"]  # shown at once
    assert "No pending or held request in this list." in texts(at)


def test_c4_cancelling_a_deprovisioning_warns_salesforce_is_not_given_back(seeded):
    submit_deprovision(seeded, who(seeded, BOULDER), "LN-0776", [ref.SALESFORCE, ref.CVENT],
                       now_utc=NOW)
    at = open_page(BOULDER, REQUESTS)
    ok(at.selectbox(key="req_cancel_pick").select("R-000001").run())
    assert "cancelling does not give it back (C4)" in " ".join(w.value for w in at.warning)


def test_a3_a_manager_reads_every_request_and_cannot_cancel(with_requests):
    at = open_page(MANAGER, REQUESTS)
    assert sorted(table(at)["request"]) == ["R-000001", "R-000002"]
    assert not [b for b in at.button if b.key == "req_cancel"]
    assert "A3" in texts(at)
    assert count(with_requests, "requests", "status = 'cancelled'") == 0


def test_p14_a_specialist_without_the_quiz_pass_cannot_cancel(with_requests):
    """Issue 14 item 8: Casey (Boulder, no recorded quiz pass) sees the request but the
    cancel is refused with P14's sentence; nothing changes."""
    at = open_page(NEW_SPECIALIST, REQUESTS)
    assert list(table(at)["request"]) == ["R-000001"]        # can view
    ok(at.selectbox(key="req_cancel_pick").select("R-000001").run())
    at.text_input(key="req_cancel_reason").input("not needed")
    click(at, "req_cancel")
    assert "P14: you have not passed the license-change quiz" in errors(at)
    assert with_requests.query_value("SELECT status FROM requests WHERE request_id = 'R-000001'") \
        == "pending"
