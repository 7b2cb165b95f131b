"""Processing a monthly batch on a real DuckDB (C1-C6, P10, Q1, A4): the preview is exactly
what processing does, processing twice changes nothing, every change is audited, and the
credentials/held messages are queued once."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from ecomm import batch
from ecomm import reference as ref
from ecomm.batch import export
from ecomm.errors import AccessDenied
from tests.integration.batch_seed import CYCLE, ON, PROCESS_AT, seed_cycle, snapshot
from tests.integration.requests_fixtures import BOULDER, SYSTEM


@pytest.fixture
def ids(store):
    return seed_cycle(store)


def process(store, cycle=CYCLE, on=ON, at=PROCESS_AT):
    return batch.process_batch(store, SYSTEM, cycle, on=on, now_utc=at)


def test_c3_preview_equals_processing(store, ids):
    preview = batch.preview_batch(store, SYSTEM, CYCLE, on=ON)
    outcome = process(store)
    assert not outcome.already_processed
    assert outcome.plan == preview
    assert outcome.plan.to_json(dry_run=True) == preview.to_json(dry_run=True)
    # and it is not empty: every kind of decision is in it
    assert {p.request_id for p in preview.provisioned} == {ids["new"], ids["transfer"],
                                                           ids["extend"]}
    assert [d.request_id for d in preview.deprovisioned] == [ids["deprov"]]
    assert [h.request_id for h in preview.held] == [ids["lapse"]]


def test_preview_changes_nothing(store, ids):
    before = snapshot(store)
    batch.preview_batch(store, SYSTEM, CYCLE, on=ON)
    assert snapshot(store) == before


def test_c6_processing_twice_changes_nothing_and_says_when_and_by_whom(store, ids):
    first = process(store)
    after_first = snapshot(store)
    second = process(store, at=datetime(2026, 12, 2, 18))
    assert second.already_processed
    assert second.message.startswith(f"Cycle {CYCLE} was already processed on 2026-12-01")
    assert f"by {SYSTEM.email}" in second.message and "nothing was changed" in second.message
    assert second.plan == first.plan
    assert snapshot(store) == after_first


def test_provisioning_writes_licenses_apps_and_statuses(store, ids):
    outcome = process(store)
    by_id = {p.request_id: p for p in outcome.plan.provisioned}
    new = by_id[ids["new"]]
    apps = store.query("SELECT application, provisioned_on, deprovisioned_on, net_new FROM "
                       "license_apps WHERE license_number = ? ORDER BY application",
                       [new.license_number])
    assert apps == [(ref.MARKETING_CLOUD, ON, None, True), (ref.SALESFORCE, ON, None, True)]
    status, processed_at, number = store.query_one(
        "SELECT status, processed_at, license_number FROM requests WHERE request_id = ?",
        [ids["new"]])
    assert (status, processed_at, number) == ("processed", PROCESS_AT, new.license_number)
    history = store.query("SELECT status, actor FROM request_status_history WHERE request_id = ? "
                          "ORDER BY happened_at", [ids["new"]])
    assert history[-1] == ("processed", SYSTEM.email)


def test_p10_transfer_is_not_net_new_and_other_provisioning_is(store, ids):
    outcome = process(store)
    by_id = {p.request_id: p for p in outcome.plan.provisioned}
    flags = dict(store.query(
        "SELECT r.request_id, bool_and(a.net_new) FROM requests r JOIN license_apps a "
        "ON a.license_number = r.license_number AND a.provisioned_on = ? "
        "WHERE r.request_id IN (?, ?) GROUP BY 1", [ON, ids["transfer"], ids["new"]]))
    assert flags == {ids["transfer"]: False, ids["new"]: True}
    assert by_id[ids["transfer"]].net_new is False


def test_q1_new_users_are_not_senders_existing_user_unchanged(store, ids):
    outcome = process(store)
    by_id = {p.request_id: p for p in outcome.plan.provisioned}
    senders = dict(store.query("SELECT license_number, not_a_sender FROM licenses"))
    assert senders[by_id[ids["new"]].license_number] is True
    assert senders[by_id[ids["transfer"]].license_number] is True
    # the Denver user already held Salesforce and Cvent: adding Marketing Cloud keeps them a sender
    assert by_id[ids["extend"]].license_number == "LN-0100"
    assert senders["LN-0100"] is False


def test_license_numbers_are_unique_and_every_request_has_one(store, ids):
    process(store)
    numbers = [r[0] for r in store.query("SELECT license_number FROM licenses")]
    assert len(numbers) == len(set(numbers))
    assert store.query_value("SELECT count(*) FROM requests WHERE kind = 'provision' AND "
                             "status = 'processed' AND license_number IS NULL") == 0


def test_imported_requests_without_license_get_new_numbers_in_the_batch(store, ids):
    # two imported provisioning requests (no cycle, no license number) of eligible contacts
    from tests.integration.requests_fixtures import add_contact
    add_contact(store, "C-IMP1", "Imp", "One", employee_id="901", ucb="one@colorado.edu")
    add_contact(store, "C-IMP2", "Imp", "Two", employee_id="902", ucb="two@colorado.edu")
    store.write(lambda cur: cur.executemany(
        "INSERT INTO requests (request_id, kind, contact_id, campus, submitted_at, submitted_by, "
        "applications, business_units, public_groups, status) VALUES (?, 'provision', ?, "
        "'Boulder', TIMESTAMP '2026-11-20 17:00:00', 'spec.boulder@colorado.edu', ['Cvent'], "
        "['CUB Advancement'], ['01 Adv Boulder'], 'pending')",
        [["R-IMP1", "C-IMP1"], ["R-IMP2", "C-IMP2"]]))
    top = max(int(r[0][3:]) for r in store.query("SELECT license_number FROM licenses"))
    outcome = process(store)
    by_id = {p.request_id: p for p in outcome.plan.provisioned}
    assert by_id["R-IMP1"].license_number == f"LN-{top + 1:04d}"
    assert by_id["R-IMP2"].license_number == f"LN-{top + 2:04d}"
    assert store.query("SELECT license_number, contact_id, affiliated_campus, billing_campus "
                       "FROM licenses WHERE contact_id LIKE 'C-IMP%' ORDER BY 1") == [
        (f"LN-{top + 1:04d}", "C-IMP1", "Boulder", "Boulder"),
        (f"LN-{top + 2:04d}", "C-IMP2", "Boulder", "Boulder")]


def test_c3_lapsed_request_is_held_with_its_reason_for_the_next_cycle(store, ids):
    outcome = process(store)
    (held,) = outcome.plan.held
    assert held.failures == ["P5"]
    status, cycle, reasons = store.query_one(
        "SELECT status, cycle, held_reasons FROM requests WHERE request_id = ?", [ids["lapse"]])
    assert (status, cycle) == ("held", "2027-01")
    assert len(reasons) == 1 and reasons[0].startswith("P5: PCI Compliance")
    assert "out of date since 2026-12-01" in reasons[0]
    note = store.query_value("SELECT note FROM request_status_history WHERE request_id = ? AND "
                             "status = 'held'", [ids["lapse"]])
    assert "2027-01" in note and "PCI Compliance" in note
    # nothing was provisioned for it
    assert store.query_value(
        "SELECT count(*) FROM license_apps a JOIN requests r USING (license_number) "
        "WHERE r.request_id = ?", [ids["lapse"]]) == 0


def test_c3_held_request_is_retried_next_cycle_and_passes_once_fixed(store, ids):
    from tests.integration.requests_fixtures import add_contact
    # a P4 failure at the batch: the agreement membership disappears after submission
    add_contact(store, "C-AGR", "Agree", "Ari", employee_id="888", ucb="ari@colorado.edu")
    from tests.integration.batch_seed import provision
    rid = provision(store, BOULDER, "C-AGR")
    store.write(lambda cur: cur.execute("DELETE FROM campaign_members WHERE contact_id = 'C-AGR'"))
    first = process(store)
    assert {h.request_id: h.failures for h in first.plan.held}[rid] == ["P4"]
    store.write(lambda cur: cur.execute(
        "INSERT INTO campaign_members (contact_id, campaign, signed_at) VALUES (?, ?, ?)",
        ["C-AGR", ref.AGREEMENT_CAMPAIGN, datetime(2026, 12, 10, 16)]))
    second = batch.process_batch(store, SYSTEM, "2027-01", on=date(2027, 1, 4),
                                 now_utc=datetime(2027, 1, 4, 16))
    assert rid in [p.request_id for p in second.plan.provisioned]
    assert store.query_value("SELECT status FROM requests WHERE request_id = ?", [rid]) == \
        "processed"


def test_c4_salesforce_removed_at_submission_is_not_removed_again(store, ids):
    sf_before = store.query_one("SELECT deprovisioned_on FROM license_apps WHERE license_number "
                                "= 'LN-0776' AND application = ?", [ref.SALESFORCE])[0]
    assert sf_before == date(2026, 11, 23)   # C4: at submission
    outcome = process(store)
    (d,) = outcome.plan.deprovisioned
    assert d.applications == [ref.CVENT] and d.already_removed == [ref.SALESFORCE]
    rows = dict(store.query("SELECT application, deprovisioned_on FROM license_apps "
                            "WHERE license_number = 'LN-0776'"))
    assert rows == {ref.SALESFORCE: date(2026, 11, 23), ref.CVENT: ON,
                    ref.MARKETING_CLOUD: None}
    assert store.query_value("SELECT status FROM requests WHERE request_id = ?",
                             [ids["deprov"]]) == "processed"


def test_a4_batch_and_every_request_are_audited(store, ids):
    process(store)
    entries = store.query("SELECT action, entity, entity_id, actor FROM audit_log "
                          "WHERE action IN ('process_batch', 'batch_provision', "
                          "'batch_deprovision', 'batch_hold')")
    assert [e for e in entries if e[0] == "process_batch"] == [
        ("process_batch", "batch", CYCLE, SYSTEM.email)]
    per_request = {e[2] for e in entries if e[1] == "request"}
    assert per_request == set(ids.values())
    after = json.loads(store.query_value("SELECT after FROM audit_log WHERE action = "
                                         "'process_batch'"))
    assert after["held"] == [{"request_id": ids["lapse"], "failures": ["P5"]}]


def test_credentials_and_held_messages_are_queued_once(store, ids):
    process(store)
    rows = store.query("SELECT template_key, dedup_key, to_addrs, cc_addrs FROM outbox "
                       "ORDER BY dedup_key")
    kinds = [r[0] for r in rows]
    assert kinds.count("credentials_ready") == 3 and kinds.count("request_held") == 1
    held = [r for r in rows if r[0] == "request_held"][0]
    assert held[1] == f"held:{ids['lapse']}:{CYCLE}"
    assert BOULDER.email in held[2]
    creds = {r[1]: r for r in rows if r[0] == "credentials_ready"}
    new_number = store.query_value("SELECT license_number FROM requests WHERE request_id = ?",
                                   [ids["new"]])
    assert creds[f"credentials:{new_number}:{CYCLE}"][2] == ["rita.ready@colorado.edu"]
    process(store, at=datetime(2026, 12, 3, 16))
    assert store.query_value("SELECT count(*) FROM outbox") == len(rows)


def test_a2_only_the_system_team_previews_or_processes(store, ids):
    with pytest.raises(AccessDenied):
        batch.preview_batch(store, BOULDER, CYCLE, on=ON)
    with pytest.raises(AccessDenied):
        batch.process_batch(store, BOULDER, CYCLE, on=ON, now_utc=PROCESS_AT)
    assert batch.batch_record(store, CYCLE) is None


def test_c2_new_users_download_uses_the_cycle_credentials_date(store, ids):
    outcome = process(store)
    batch.set_credentials_date(store, SYSTEM, CYCLE, date(2026, 12, 9), now_utc=PROCESS_AT)
    dates = batch.cycle_dates(store, CYCLE)
    assert dates.credentials_date == date(2026, 12, 9) and dates.credentials_overridden
    frame = export.new_users_frame(batch.batch_record(store, CYCLE).plan, dates.credentials_date)
    assert list(frame["request_id"]) == [p.request_id for p in outcome.plan.provisioned]
    row = frame[frame["request_id"] == ids["new"]].iloc[0]
    assert row["name"] == "Rita Ready" and row["campus"] == "Boulder"
    assert row["applications"] == "Salesforce; Marketing Cloud"
    assert row["credentials_date"] == date(2026, 12, 9)
    assert row["specialist_cc"] == BOULDER.email
    csv = export.to_csv(frame).decode("utf-8-sig")
    assert "2026-12-09" in csv and row["license_number"] in csv
    xlsx = export.to_xlsx(frame)
    assert xlsx[:2] == b"PK"


def test_c2_credentials_date_is_audited_and_cannot_precede_processing(store, ids):
    from ecomm.errors import EcommError
    with pytest.raises(EcommError, match="before cycle 2026-12's first processing day"):
        batch.set_credentials_date(store, SYSTEM, CYCLE, date(2026, 11, 30), now_utc=PROCESS_AT)
    batch.set_credentials_date(store, SYSTEM, CYCLE, date(2026, 12, 8), now_utc=PROCESS_AT)
    batch.set_credentials_date(store, SYSTEM, CYCLE, None, now_utc=PROCESS_AT)
    assert batch.cycle_dates(store, CYCLE).credentials_date == date(2026, 12, 7)  # the 5th is Sat
    entries = store.query("SELECT before, after FROM audit_log WHERE action = "
                          "'set_credentials_date' ORDER BY audit_id")
    assert [json.loads(a)["credentials_date"] for _, a in entries] == ["2026-12-08", None]


def _credentials_bodies(store) -> list[str]:
    return [b for (b,) in store.query("SELECT body FROM outbox WHERE template_key = "
                                      "'credentials_ready' ORDER BY message_id")]


def test_c2_a_batch_processed_late_announces_the_next_business_day_after_processing(store, ids):
    # cycle 2026-12's date is Monday Dec 7 (the 5th is a Saturday); processed on Dec 7 itself,
    # that day is no longer ahead: Tuesday Dec 8 is announced in the messages and the download
    late = date(2026, 12, 7)
    outcome = process(store, on=late, at=datetime(2026, 12, 7, 16))
    plan = outcome.plan
    assert plan.provisioned
    assert (plan.cycle_credentials_date, plan.credentials_date) == (late, date(2026, 12, 8))
    assert plan.credentials_late
    assert "2026-12-08" in plan.credentials_sentence()
    assert "the cycle's date 2026-12-07 is not after the processing day 2026-12-07" in \
        plan.credentials_sentence()
    assert plan.to_json(dry_run=False)["credentials_date"] == "2026-12-08"
    bodies = _credentials_bodies(store)
    assert len(bodies) == len({p.license_number for p in plan.provisioned if p.applications})
    assert all("December 8, 2026" in b and "December 7, 2026" not in b for b in bodies)
    record = batch.batch_record(store, CYCLE)
    assert record.plan.credentials_date == date(2026, 12, 8)   # the summary keeps it
    announced = batch.new_users_credentials_date(store, record)
    assert announced == date(2026, 12, 8)
    frame = export.new_users_frame(record.plan, announced)
    assert set(frame["credentials_date"]) == {date(2026, 12, 8)}


def test_c2_a_batch_processed_the_business_day_before_keeps_the_cycle_date(store, ids):
    # Friday Dec 4: the next business day after it is Monday Dec 7, the cycle's own date
    outcome = process(store, on=date(2026, 12, 4), at=datetime(2026, 12, 4, 16))
    assert outcome.plan.credentials_date == outcome.plan.cycle_credentials_date == date(2026, 12, 7)
    assert not outcome.plan.credentials_late
    assert all("December 7, 2026" in b for b in _credentials_bodies(store))
    record = batch.batch_record(store, CYCLE)
    assert batch.new_users_credentials_date(store, record) == date(2026, 12, 7)


def test_c2_late_batch_skips_the_weekend_and_a_later_set_date_still_wins(store, ids):
    # processed Friday Dec 11: Monday Dec 14 is announced, not the passed Dec 7 ...
    process(store, on=date(2026, 12, 11), at=datetime(2026, 12, 11, 16))
    record = batch.batch_record(store, CYCLE)
    assert record.plan.credentials_date == date(2026, 12, 14)
    assert batch.new_users_credentials_date(store, record) == date(2026, 12, 14)
    # ... and a date the System team sets afterwards, later than that, is the one downloaded
    batch.set_credentials_date(store, SYSTEM, CYCLE, date(2026, 12, 16),
                               now_utc=datetime(2026, 12, 11, 18))
    assert batch.new_users_credentials_date(store, record) == date(2026, 12, 16)
    # one set before the processing day is not announced: the next business day after it is
    batch.set_credentials_date(store, SYSTEM, CYCLE, date(2026, 12, 9),
                               now_utc=datetime(2026, 12, 11, 18))
    assert batch.new_users_credentials_date(store, record) == date(2026, 12, 14)
