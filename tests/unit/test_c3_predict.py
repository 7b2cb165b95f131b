"""C3 predicted (issue 18): the sentence that marks a queued request the next batch will hold."""
from __future__ import annotations

from datetime import date

from ecomm.batch.models import HeldItem
from ecomm.batch.predict import c3_hold_sentence


def test_c3_hold_sentence_names_the_batch_its_day_and_each_failing_rule():
    item = HeldItem(request_id="R-D0059", contact_id="C-1", name="Ann Lee", campus="Boulder",
                    failures=["P4", "P5"], next_cycle="2027-02",
                    reasons=["P4: not yet signed the agreement",
                             "P5: PCI Compliance: out of date since 2026-12-18"])
    assert c3_hold_sentence(item, "2027-01", date(2027, 1, 4)) == (
        "Will be held by the 2027-01 batch on Mon Jan 4 (C3): P4: not yet signed the agreement; "
        "P5: PCI Compliance: out of date since 2026-12-18 (fix it before then)")
