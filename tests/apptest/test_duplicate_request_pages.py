"""One waiting request per thing on the pages (issue 14 item 3): two sessions that opened the
same license record and ask for the same deprovisioning or group change: the first lands, the
second is told the rule and the request already waiting, and nothing is duplicated."""
from __future__ import annotations

from ecomm import reference as ref
from tests.apptest.conftest import BOULDER
from tests.apptest.pages_helpers import LICENSE, errors, ok, open_page
from tests.apptest.requests_seed import count, seeded  # noqa: F401


def success(at) -> str:
    return " ".join(s.value for s in at.success)


def test_c5_the_same_group_change_from_two_sessions_is_sent_once(seeded):
    first, second = (open_page(BOULDER, LICENSE, license="LN-0776") for _ in range(2))
    for at in (first, second):
        at.multiselect(key="gc_add_groups").set_value(["01 Arts Communications"])
    ok(first.button(key="gc_request_submit").click().run())
    assert "Your group change R-000001 for LN-0776 has been sent" in success(first)
    ok(second.button(key="gc_request_submit").click().run())
    assert ("C5: the same group change is already requested for LN-0776 (R-000001, pending)"
            in errors(second))
    assert count(seeded, "requests") == 1


def test_p7_the_same_deprovisioning_from_two_sessions_is_submitted_once(seeded):
    first, second = (open_page(BOULDER, LICENSE, license="LN-0776") for _ in range(2))
    for at in (first, second):
        at.multiselect(key="lic_dep_apps").set_value([ref.CVENT])
    ok(first.button(key="lic_dep_submit").click().run())
    assert "Your deprovisioning request R-000001 for LN-0776 has been submitted." in success(first)
    ok(second.button(key="lic_dep_submit").click().run())
    assert "P7: removal of Cvent from LN-0776 is already requested (R-000001, pending)" \
        in errors(second)
    assert count(seeded, "requests") == 1
