"""Hostile input to the New request form's validation and uploads, fuzzed with hypothesis.

- The form's answers (ecomm.rules.ProvisionDraft through ecomm.requests.provision.as_draft):
  any value of any type in any field gives a draft or an EcommError whose every problem is a
  sentence starting with the field's name; never another exception.
- The whole submission (submit_provision) on a real DuckDB file: hostile answers and files are
  refused with an EcommError and nothing is written, or land with safe values.
- Uploads (ecomm.requests.evidence): wrong type by content, oversized, empty and path-traversal
  names are refused or made safe; a stored file never lands outside the uploads folder."""
from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomm.errors import EcommError
from ecomm.policy import Policy
from ecomm.requests import submit_provision
from ecomm.requests.evidence import KINDS, uploads_root, validate_upload
from ecomm.requests.provision import as_draft
from ecomm.rules import ProvisionDraft
from ecomm.storage import Store
from tests.integration import requests_fixtures as rf
from tests.integration.batch_seed import snapshot
from tests.conftest import PINNED_TODAY

FIELDS = list(ProvisionDraft.model_fields)
FIELD_WORDS = sorted({f.replace("_", " ") for f in FIELDS}, key=len, reverse=True)
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

hostile = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
    st.text(max_size=30), st.text(alphabet=st.characters(max_codepoint=31), max_size=5),
    st.sampled_from(["=1+1", "@cmd", "-1", "../../etc/passwd", "Boulder", "boulder ",
                     "Salesforce", "LN-0776", "x" * 100_000, "2026-11-31", "9999-12-31"]),
    st.dates(min_value=PINNED_TODAY, max_value=date(9999, 12, 31)),
    st.lists(st.text(max_size=10), max_size=4),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@FUZZ
@given(answers=st.dictionaries(st.sampled_from(FIELDS), hostile, max_size=8))
def test_p_form_answers_become_a_draft_or_sentences_naming_the_field(answers):
    answers.pop("contact_id", None)
    try:
        draft = as_draft(answers, "C-ELIG")
    except EcommError as exc:
        assert exc.problems or exc.message
        for p in exc.problems:
            assert any(p.startswith(w) for w in FIELD_WORDS), p
            assert "Traceback" not in p and "pydantic" not in p.lower(), p
    else:
        assert isinstance(draft, ProvisionDraft) and draft.contact_id == "C-ELIG"


@pytest.fixture(scope="module")
def seeded():
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "form.duckdb")
        rf.seed(store)
        yield store
        store.close()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(FIELDS), hostile, max_size=3),
       name=st.text(max_size=40), data=st.binary(max_size=64),
       png=st.booleans(), days=st.integers(-5, 3))
def test_p_a_hostile_submission_is_refused_with_nothing_written_or_lands_safely(
        seeded, changes, name, data, png, days):
    changes.pop("contact_id", None)
    answers = {**rf.draft(), **changes}
    upload_data = (KINDS[0][1] + data) if png else data
    root = uploads_root(seeded)  # <db folder>/uploads/<db name>/ (issue 14 item 9)
    before, files_before = snapshot(seeded), _files(root)
    try:
        uploads = [validate_upload(name, upload_data, Policy())]
    except EcommError as exc:
        assert str(exc).startswith("P5:"), str(exc)
        return
    try:
        conf = submit_provision(seeded, rf.BOULDER, "C-ELIG", answers, uploads,
                                now_utc=rf.NOW + timedelta(days=days))
    except EcommError:
        assert snapshot(seeded) == before and _files(root) == files_before
        return
    # It landed: its files are inside the uploads folder, under the request's own folder.
    new = [p for p in _files(root) if p not in files_before]
    assert new and all(p.resolve().is_relative_to(root.resolve() / conf.request_id) for p in new)
    seeded.write(lambda cur: cur.execute(  # the next example starts from the same state
        "UPDATE requests SET status = 'cancelled' WHERE request_id = ?", [conf.request_id]))


TRAVERSAL = ["../../../../etc/passwd.png", "..\\..\\windows\\system32\\x.png", "/etc/shadow",
             "C:\\Users\\me\\Desktop\\transcript.png", "....//....//x.png", "\x00.png",
             "con.png", " .png", "a/../../b.pdf", "%2e%2e%2fx.png", "transcript.png\n.exe"]


@pytest.mark.parametrize("name", TRAVERSAL)
def test_p5_a_path_traversal_name_is_stored_inside_the_request_folder(store, name):
    rf.seed(store)
    up = validate_upload(name, rf.PNG, Policy())
    assert "/" not in up.name and "\\" not in up.name and ".." not in up.name
    assert up.name.endswith(".png") and up.name.isprintable()
    conf = submit_provision(store, rf.BOULDER, "C-ELIG", rf.draft(), [up], now_utc=rf.NOW)
    root = uploads_root(store).resolve()  # <db folder>/uploads/<db name>/ (issue 14 item 9)
    files = _files(root)
    assert len(files) == 1 and files[0].resolve().parent == root / conf.request_id


@pytest.mark.parametrize("data, words", [
    (b"", "is empty"),
    (b"MZ\x90\x00" + b"\x00" * 64, "is not a PNG, JPEG or PDF"),          # a Windows program
    (b"<html><script>alert(1)</script></html>", "is not a PNG, JPEG or PDF"),
    (b"GIF89a" + b"\x00" * 32, "is not a PNG, JPEG or PDF"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * (Policy().upload_max_bytes), "the largest file accepted"),
])
def test_p5_wrong_empty_or_oversized_uploads_are_refused_clearly(store, data, words):
    rf.seed(store)
    before = snapshot(store)
    with pytest.raises(EcommError, match=f"^P5: transcript.png {words}" if words == "is empty"
                       else "P5: ") as err:
        up = validate_upload("transcript.png", data, Policy())
        submit_provision(store, rf.BOULDER, "C-ELIG", rf.draft(), [up], now_utc=rf.NOW)
    assert words in str(err.value)
    assert snapshot(store) == before and not _files(store.path.parent / "uploads")
