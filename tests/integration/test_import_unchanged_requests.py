"""requests.csv read back: a request the database already holds exactly as imported was judged
when it was submitted and is not judged again (an export imported into the same database
changes nothing); a changed or new request is judged by the form's rules as before."""
from __future__ import annotations

import csv

import pytest

from ecomm.errors import EcommError
from ecomm.exporter import export_path
from ecomm.importer import import_path
from tests.integration.import_samples import write_sample


def _void_agreement(store, tmp_path, contact_id: str) -> None:
    """The agreement campaign's refresh: ``contact_id`` is a member with no signed date (P4
    fails for them from now on), after their request was submitted."""
    folder = tmp_path / "refresh"
    folder.mkdir()
    (folder / "campaign_members.csv").write_text(
        "contact_id,campaign,signed_at,added_by,reason\n"
        f"{contact_id},08_20340227_eComm User Agreement,,,\n", encoding="utf-8")
    import_path(store, folder, actor="t")


def _requests(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def voided(store, tmp_path):
    """The sample's pending provisioning request R-0001 (C-003), whose agreement is voided after
    submission, exported."""
    import_path(store, write_sample(tmp_path / "in"), actor="t")
    _void_agreement(store, tmp_path, "C-003")
    export_path(store, tmp_path / "out")
    row = next(r for r in _requests(tmp_path / "out" / "requests.csv")
               if r["request_id"] == "R-0001")
    assert (row["kind"], row["status"], row["contact_id"]) == ("provision", "pending", "C-003")
    return tmp_path / "out"


def test_p4_c3_an_export_read_back_is_not_judged_again(store, voided):
    report = import_path(store, voided, actor="t")
    assert report.inserted == 0   # nothing new; the request waits for its batch, which holds it (C3)


def test_p4_a_changed_request_is_judged_again(store, voided):
    path = voided / "requests.csv"
    rows = _requests(path)
    for r in rows:
        if r["request_id"] == "R-0001":
            r["notes"] = "changed in the spreadsheet"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(EcommError) as err:
        import_path(store, voided, actor="t")
    assert [p for p in err.value.problems if p.startswith("requests.csv:") and "P4:" in p], \
        err.value.problems
