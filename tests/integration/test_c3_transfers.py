"""C3 (rev 2): P10 is checked again when the batch processes a request: an application whose
replaced deprovisioning was cancelled, or that another transfer took first, is provisioned as
net new, and the specialist is told (the request's note); the `batch` JSON names, per
request, the applications provisioned as transfers and as net new (cli.md)."""
from __future__ import annotations

from datetime import date, datetime

from ecomm import reference as ref
from ecomm.batch import service as batch
from ecomm.requests import submit_deprovision
from ecomm.requests.cancel import cancel_request
from tests.integration.batch_seed import CYCLE, ON, PROCESS_AT, provision
from tests.integration.requests_fixtures import (BOULDER, NOW, SYSTEM, add_contact, add_license,
                                                 seed)


def _leaver(store):
    """LN-0950 (Boulder) holds Cvent since 2026-07-06; its holder is leaving."""
    add_contact(store, "C-LEAVE", "Leaving", "Lou", employee_id="950", ucb="lou@colorado.edu")
    add_license(store, "LN-0950", "C-LEAVE", "Boulder", [ref.CVENT],
                provisioned_on=date(2026, 7, 6))
    add_contact(store, "C-NEW", "Newhire", "Nora", employee_id="951", ucb="nora@colorado.edu")


def _apps(store, number):
    return store.query("SELECT application, net_new, transfer_from FROM license_apps "
                       "WHERE license_number = ? ORDER BY application", [number])


def test_c3_cancelled_leavers_deprovisioning_makes_the_transfer_net_new(store):
    seed(store)
    _leaver(store)
    leaving = submit_deprovision(store, BOULDER, "LN-0950", [ref.CVENT], now_utc=NOW).request_id
    rid = provision(store, BOULDER, "C-NEW", apps=(ref.CVENT,), replaces_license="LN-0950")
    # at submission Cvent was leaving LN-0950 (deprovisioning pending): a transfer
    assert store.query_value("SELECT transfer_apps FROM requests WHERE request_id = ?",
                             [rid]) == [ref.CVENT]
    cancel_request(store, BOULDER, leaving, reason="stays after all",
                   now_utc=datetime(2026, 11, 25, 16))
    outcome = batch.process_batch(store, SYSTEM, CYCLE, on=ON, now_utc=PROCESS_AT)
    (item,) = [p for p in outcome.plan.provisioned if p.request_id == rid]
    # P16 (rev 2): the Cvent-only request also gets Salesforce with the free Chatter Free
    # profile, net new at no cost (B3)
    assert item.transfers == [] and item.net_new_apps == [ref.CVENT, ref.SALESFORCE]
    assert item.c3_changed == [ref.CVENT]
    assert _apps(store, item.license_number) == [(ref.CVENT, True, None),
                                                 (ref.SALESFORCE, True, None)]
    note = store.query_value("SELECT note FROM request_status_history WHERE request_id = ? "
                             "AND status = 'processed'", [rid])
    assert "C3: Cvent was a transfer at submission and is provisioned as net new" in note
    js = outcome.to_json()
    assert js["net_new"] == {rid: [ref.CVENT, ref.SALESFORCE]} and rid not in js["transfers"]
    # the specialist is told by a message too
    subject, to = store.query_one("SELECT subject, to_addrs FROM outbox "
                                  "WHERE template_key = 'transfer_now_net_new'")
    assert subject == f"Request {rid} for Nora Newhire: Cvent provisioned as net new"
    assert to == [BOULDER.email]


def test_c3_leaver_deprovisioned_in_the_same_batch_is_a_transfer_with_its_source(store):
    seed(store)
    _leaver(store)
    submit_deprovision(store, BOULDER, "LN-0950", [ref.CVENT], now_utc=NOW)
    rid = provision(store, BOULDER, "C-NEW", apps=(ref.CVENT,), replaces_license="LN-0950")
    outcome = batch.process_batch(store, SYSTEM, CYCLE, on=ON, now_utc=PROCESS_AT)
    (item,) = [p for p in outcome.plan.provisioned if p.request_id == rid]
    assert item.transfers == [ref.CVENT] and item.c3_changed == []
    # the new row continues LN-0950's seat (B5)
    # (P16: the Chatter Free Salesforce the Cvent-only request gets is net new, at no cost)
    assert _apps(store, item.license_number) == [(ref.CVENT, False, "LN-0950"),
                                                 (ref.SALESFORCE, True, None)]
    assert outcome.to_json()["transfers"] == {rid: [ref.CVENT]}
