"""Dashboard row 1 (issue 18): each queued request the next batch will hold is marked, with why
(C3: P1-P5 as of the batch's processing day, the batch's own plan), and counted beside the
held ones."""
from __future__ import annotations

import pytest

from ecomm.dashboard import panels as dash
from tests.apptest.conftest import BOULDER, DENVER, SYSTEM, texts
from tests.integration.batch_seed import seed_cycle

PAGE = "app_pages/dashboard.py"


@pytest.fixture
def cycle(app_store):
    """Today is Mon Nov 23; R-000002's PCI course lapses on Nov 30, before Tue Dec 1 (P5)."""
    return seed_cycle(app_store)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def queue_frame(at):
    titles = [s.value.rsplit(" · ", 1)[0] for s in at.subheader if " · " in s.value]
    assert titles[0] == dash.ROW_SPECS[dash.QUEUE].title
    return at.dataframe[0].value


@pytest.mark.parametrize("email", [BOULDER, SYSTEM])
def test_c3_row_1_marks_the_request_the_batch_will_hold_and_why(open_app, cycle, email):
    at = open_app(email, PAGE)
    m = metrics(at)
    assert m["Held (C3)"] == "0"
    assert m["Will be held on Tue Dec 1 (C3)"] == "1"
    frame = queue_frame(at).set_index("request")
    lapse = frame.loc[cycle["lapse"]]
    assert bool(lapse["will_be_held"]) and not bool(lapse["held"])
    assert lapse["missing"].startswith(
        "Will be held by the 2026-12 batch on Tue Dec 1 (C3): P5: PCI Compliance")
    assert not frame.loc[cycle["new"], "will_be_held"]
    assert "1 more will be held by the 2026-12 batch on Tue Dec 1" in texts(at)


def test_c3_nothing_will_be_held_at_denver(open_app, cycle):
    at = open_app(DENVER, PAGE)
    assert metrics(at)["Will be held on Tue Dec 1 (C3)"] == "0"
    assert not queue_frame(at)["will_be_held"].any()
