"""B10 (rev 2) in the New request form: a request that would go past the seats available is
warned about on the applications screen and again before Submit, and can still be submitted."""
from __future__ import annotations

from ecomm import reference as ref
from ecomm import seats
from tests.apptest.conftest import BOULDER, texts
from tests.apptest.pages_helpers import (click, errors, fill_unit, fill_user, start_request,
                                         to_user_step, upload)
from tests.apptest.requests_seed import PNG, seeded  # noqa: F401
from tests.integration.compliance_seed import SYSTEM

WARNING = ("B10: Marketing Cloud has 0 seat(s) available for FY2027 (1 purchased, 1 assigned, "
           "0 in the queue): this request goes past them.")


def test_b10_the_form_warns_past_the_seats_available_and_still_submits(seeded):
    held = seeded.query_value("SELECT count(*) FROM license_apps WHERE application = ? AND "
                              "deprovisioned_on IS NULL", [ref.MARKETING_CLOUD])
    seats.record_seats(seeded, SYSTEM, fiscal_year=2027, application=ref.MARKETING_CLOUD,
                       purchased=held)
    seats.record_seats(seeded, SYSTEM, fiscal_year=2027, application=ref.SALESFORCE,
                       purchased=1000)
    at = start_request(BOULDER, "Rita Ready")
    at = to_user_step(at)
    fill_user(at, [ref.SALESFORCE])
    assert not [w for w in at.warning if w.value.startswith("B10")]      # plenty of Salesforce
    fill_user(at, [ref.SALESFORCE, ref.MARKETING_CLOUD])
    warning = WARNING.replace("1 purchased, 1 assigned", f"{held} purchased, {held} assigned")
    assert any(w.value.startswith(warning) for w in at.warning), [w.value for w in at.warning]
    click(at, "rf_next")
    fill_unit(at, ["CUB Advancement"], ["01 Adv Boulder"], {"11520844": 20, "11531092": 80})
    click(at, "rf_next")
    assert any(w.value.startswith(warning) for w in at.warning)
    upload(at, [("transcript.png", PNG, "image/png")])
    click(at, "rf_submit")
    assert not at.error, errors(at)
    assert "Your provisioning request R-000001 has been submitted!" in texts(at)
