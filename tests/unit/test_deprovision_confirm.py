"""Issue 18 (C4, P7): what a bulk deprovisioning would do, worked out before asking."""
from __future__ import annotations

from datetime import date, datetime

from ecomm import reference as ref
from ecomm.compliance_actions import DeprovisionItem
from ecomm.deprovision_confirm import Requested, c4_preview, marker_column, requested_by_license

SF, MC, CV = ref.SALESFORCE, ref.MARKETING_CLOUD, ref.CVENT
REASON = "Q1: post-training quiz not passed within 60 days"


def item(ln, apps=None):
    return DeprovisionItem(license_number=ln, applications=apps, reason=REASON)


def test_c4_salesforce_goes_at_once_the_rest_waits_for_the_batch():
    plan = c4_preview([item("LN-1"), item("LN-2"), item("LN-3", [MC])],
                      {"LN-1": {SF, CV}, "LN-2": {SF}, "LN-3": {SF, MC}}, {})
    assert [(i.license_number, i.applications) for i in plan.submit] == [
        ("LN-1", [SF, CV]), ("LN-2", [SF]), ("LN-3", [MC])]
    assert plan.at_once == ["LN-1", "LN-2"]                  # LN-3 keeps its Salesforce
    assert plan.in_batch == {"LN-1": [CV], "LN-3": [MC]}
    assert dict(plan.batch_counts) == {CV: 1, MC: 1}
    assert all(i.reason == REASON for i in plan.submit) and not plan.skipped
    lines = plan.lines()
    assert "Salesforce is removed from 2 license record(s). This cannot be undone" in lines[0]
    assert "2 application(s) of 2 license record(s)" in lines[1]


def test_p7_applications_already_requested_are_not_asked_again():
    waiting = {"LN-1": [Requested(request_id="R-000007", on=date(2026, 12, 3),
                                  applications=[CV])],
               "LN-2": [Requested(request_id="R-000008", on=date(2026, 12, 4),
                                  applications=[SF, MC])]}
    plan = c4_preview([item("LN-1"), item("LN-2"), item("LN-9")],
                      {"LN-1": {SF, CV}, "LN-2": {SF, MC}}, waiting)
    assert [(i.license_number, i.applications) for i in plan.submit] == [("LN-1", [SF])]
    assert plan.at_once == ["LN-1"] and plan.in_batch == {}
    assert plan.skipped == [
        "LN-2: Requested 2026-12-04 (R-000008): Salesforce, Marketing Cloud (P7: not asked "
        "again).",
        "LN-9: not found among the license records you can see."]


def test_a_license_holding_nothing_asked_for_is_left_out():
    plan = c4_preview([item("LN-1", [MC])], {"LN-1": {SF}}, {})
    assert plan.submit == [] and plan.skipped == [
        "LN-1: holds none of these applications any more."]


def test_rows_already_requested_are_marked():
    rows = [{"license_number": "LN-1", "request_id": "R-000007", "applications": [CV],
             "submitted_at": datetime(2026, 12, 4, 5, 0)}]   # 10 PM on Dec 3 in Denver
    markers = {ln: "; ".join(r.marker() for r in reqs)
               for ln, reqs in requested_by_license(rows).items()}
    assert markers == {"LN-1": "Requested 2026-12-03 (R-000007)"}
    assert marker_column(["LN-1", "LN-2", None], markers) == [
        "Requested 2026-12-03 (R-000007)", "", ""]
    assert marker_column(["LN-2; LN-1"], markers, "; ") == [
        "LN-1: Requested 2026-12-03 (R-000007)"]
