"""Issue 18: "Start a request" is offered only for a person who is ready (P1-P5) on Check a
person and on the contact record; otherwise the page says what must happen first, and a
person who holds applications may still be deprovisioned or changed."""
from __future__ import annotations

import pytest

from tests.apptest.conftest import BOULDER, SYSTEM, texts
from tests.apptest.pages_helpers import CHECK, CONTACT, FORM, ok, open_page, stay
from tests.apptest.requests_seed import seeded  # noqa: F401


def check(email: str, text: str):
    at = open_page(email, CHECK)
    return ok(at.text_input(key="check_search").input(text).run())


def buttons(at) -> set[str]:
    return {b.key for b in at.button}


def infos(at) -> str:
    return "\n".join(i.value for i in at.info)


def test_p1_p4_p5_check_a_person_says_what_must_happen_first_instead_of_start(seeded):
    at = check(BOULDER, "Notyet")
    assert "check_start" not in buttons(at)
    first = infos(at)
    assert first.startswith("Not ready yet (P1, P4, P5): No UCB Email on this contact: ask "
                            "campus OIT to populate it; Has not signed the eComm user agreement")
    assert "ask the user to sign it" in first and first.endswith("Then check again.")
    # Nothing held at Boulder: no deprovisioning or change to offer either.
    assert "check_start_other" not in buttons(at)


def test_p1_p5_a_ready_person_keeps_the_primary_start_button(seeded):
    at = check(BOULDER, "Rita Ready")
    start = at.button(key="check_start")
    assert start.proto.type == "primary" and "Not ready yet" not in infos(at)


@pytest.mark.slow   # about 3.5 s: Check, then the form
def test_p3_a_leaver_holding_applications_can_still_be_deprovisioned_from_check(seeded):
    # Hana's Boulder employment ends: P3 fails, but her Salesforce can still be removed.
    seeded.write(lambda cur: cur.execute(
        "UPDATE employments SET status = 'Terminated', end_date = DATE '2026-11-01' "
        "WHERE contact_id = 'C-USER'"))
    at = check(BOULDER, "Hana Holder")
    assert "check_start" not in buttons(at)
    assert infos(at).startswith("Not ready yet (P3): No active CU employment record")
    ok(at.button(key="check_start_other").click().run())
    assert "User Access Change Request for Hana Holder" in texts(at)
    stay(at, FORM)
    assert at.button(key="rf_ack")


@pytest.mark.slow   # about 4 s: two record pages, then the form
def test_p4_the_contact_record_offers_start_only_when_ready(seeded):
    at = open_page(BOULDER, CONTACT, contact="C-BAD")
    assert "contact_start" not in buttons(at)
    assert "Boulder: Not ready yet (P1, P4, P5)" in infos(at)
    at = open_page(SYSTEM, CONTACT, contact="C-ELIG")
    ok(at.button(key="contact_start").click().run())
    assert "User Access Change Request for Rita Ready" in texts(at)
