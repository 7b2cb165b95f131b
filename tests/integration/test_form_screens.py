"""Issue 18: the New request form checks each screen's rules when leaving it
(ecomm.requests.screens) with the functions Submit runs, so a screen reports exactly the
sentences Submit would report for its rules, and nothing of the other screens."""
from __future__ import annotations

import pytest

from ecomm import reference as ref
from ecomm.errors import EcommError
from ecomm.clock import denver_date
from ecomm.requests import screens, submit_provision
from tests.integration.requests_fixtures import BOULDER, NOW, draft, seed, upload


@pytest.fixture
def seeded(store):
    seed(store)
    return store


def refusal(store, answers: dict, contact_id: str = "C-ELIG") -> list[str]:
    with pytest.raises(EcommError) as exc:
        submit_provision(store, BOULDER, contact_id, answers, [upload()], now_utc=NOW)
    return list(exc.value.problems)


def test_p11_p12_the_unit_screen_reports_what_submit_reports_for_its_rules(seeded):
    answers = draft(public_groups=[], unit_speedtypes="11520844:50;11531092:40")
    on = denver_date(NOW)
    unit = screens.screen_problems(seeded, BOULDER, "C-ELIG", answers, "Boulder", "unit", on)
    submitted = refusal(seeded, answers)
    assert unit == [p for p in submitted if p.startswith(("P11:", "P12:"))]
    assert [p[:4] for p in unit] == ["P11:", "P12:"]
    # the user screen's rules (P6-P10, P16) are met: nothing to report there
    assert screens.screen_problems(seeded, BOULDER, "C-ELIG", answers, "Boulder", "user",
                                   on) == []


def test_p7_p9_the_user_screen_reports_its_rules_only(seeded):
    answers = draft(apps=[], cvent_add_ons=[ref.CVENT_ADD_ONS[0]], public_groups=[])
    on = denver_date(NOW)
    user = screens.screen_problems(seeded, BOULDER, "C-ELIG", answers, "Boulder", "user", on)
    assert user == [p for p in refusal(seeded, answers) if p[:3] in ("P7:", "P9:")]
    assert [p[:3] for p in user] == ["P7:", "P9:"]     # P11 is the unit screen's


def test_p1_p4_the_campus_screen_reports_the_contact_rules(seeded):
    on = denver_date(NOW)
    start = screens.screen_problems(seeded, BOULDER, "C-BAD", {}, "Boulder", "start", on)
    assert [p[:3] for p in start] == ["P1:", "P4:"]     # P5 waits for the courses screen
    assert screens.screen_problems(seeded, BOULDER, "C-ELIG", {}, "Boulder", "start", on) == []
    with pytest.raises(EcommError, match="This screen has 2 requirement"):
        screens.check_screen(seeded, BOULDER, "C-BAD", {}, "Boulder", "start", on)
