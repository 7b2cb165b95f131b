"""Issue 18, the New request form's steps: nothing is lost on Previous/Next (the transcript
upload included: kept by name and bytes, removable, replaceable, and the one Submit sends),
and each screen's rules stop its Next on that screen (ecomm.requests.screens)."""
from __future__ import annotations

import hashlib

import pytest

from ecomm import reference as ref
from tests.apptest.conftest import BOULDER, texts
from tests.apptest.pages_helpers import (click, errors, fill_unit, fill_user, ok, start_request,
                                         to_user_step, upload)
from tests.apptest.requests_seed import JPEG, NOT_AN_IMAGE, PNG, count, seeded  # noqa: F401

SF = ref.SALESFORCE
pytestmark = pytest.mark.slow   # each walks several screens: 4-8 s on the shared machine


def to_courses(at):
    to_user_step(at)
    fill_user(at, [SF])
    click(at, "rf_next")
    fill_unit(at, ["CUB Advancement"], ["01 Adv Boulder"])
    return click(at, "rf_next")


def successes(at) -> str:
    return "\n".join(s.value for s in at.success)


def test_p5_an_uploaded_transcript_survives_previous_next_and_is_the_one_submitted(seeded):
    at = to_courses(start_request(BOULDER, "Rita Ready"))
    upload(at, [("transcript.png", PNG, "image/png")])
    assert "transcript.png uploaded." in successes(at)
    click(at, "rf_prev")
    assert at.multiselect(key="rf_groups").value == ["01 Adv Boulder"]
    click(at, "rf_next")
    # Back on the last screen: the file is still there, by name, with a Remove button, and
    # the uploader is empty (ready for another file), not showing a file it no longer has.
    assert "transcript.png uploaded." in successes(at)
    assert at.button(key="rf_remove_0")
    assert not at.file_uploader[0].value
    click(at, "rf_submit")
    assert not at.error, errors(at)
    assert "has been submitted!" in texts(at)
    row = seeded.query_one("SELECT original_name, sha256 FROM evidence_files")
    assert row == ("transcript.png", hashlib.sha256(PNG).hexdigest())


def test_p5_a_transcript_is_kept_after_a_refused_submit(seeded):
    at = to_courses(start_request(BOULDER, "Rita Ready"))
    upload(at, [("transcript.png", PNG, "image/png")])
    # A course date typed out of date on the request, after the recorded one? The later counts
    # (P5), so refuse another way: the quiz pass is removed before Submit (P14).
    seeded.write(lambda cur: cur.execute(
        "UPDATE app_users SET quiz_passed_on = NULL WHERE email = ?", [BOULDER]))
    click(at, "rf_submit")
    assert "P14: You have not passed the license-change quiz" in errors(at)
    assert "transcript.png uploaded." in successes(at)
    seeded.write(lambda cur: cur.execute(
        "UPDATE app_users SET quiz_passed_on = DATE '2026-01-05' WHERE email = ?", [BOULDER]))
    click(at, "rf_submit")
    assert not at.error, errors(at)
    assert count(seeded, "evidence_files") == 1


def test_p5_a_kept_file_is_replaced_by_one_of_the_same_name_or_removed(seeded):
    at = to_courses(start_request(BOULDER, "Rita Ready"))
    upload(at, [("transcript.png", NOT_AN_IMAGE, "image/png")])
    assert "P5: transcript.png is not a PNG, JPEG or PDF file" in errors(at)
    upload(at, [("transcript.png", PNG, "image/png")])   # the same name replaces it
    assert not at.error, errors(at)
    assert successes(at).count("uploaded.") == 1
    upload(at, [("second.jpg", JPEG, "image/jpeg")])     # another name is added
    assert "transcript.png uploaded." in successes(at) and "second.jpg uploaded." in successes(at)
    click(at, "rf_remove_0")
    click(at, "rf_remove_0")
    assert "uploaded." not in successes(at)
    click(at, "rf_submit")
    assert "P5: No screenshot of the learning transcript attached" in errors(at)
    assert count(seeded, "requests") == 0


def test_p7_no_application_stops_next_on_the_user_screen(seeded):
    at = to_user_step(start_request(BOULDER, "Rita Ready"))
    click(at, "rf_next")
    assert "P7: No application chosen: choose at least one application" in errors(at)
    # also a toast, in view wherever the screen is scrolled to (the error sits by the buttons)
    assert "P7: No application chosen" in " ".join(t.value for t in at.toast)
    assert at.multiselect(key="rf_apps")          # still on the user screen
    fill_user(at, [SF])
    click(at, "rf_next")
    assert not at.error, errors(at)
    assert at.multiselect(key="rf_units")


def test_p11_a_new_public_group_without_its_name_is_reported_on_the_unit_screen(seeded):
    at = to_user_step(start_request(BOULDER, "Rita Ready"))
    fill_user(at, [SF])
    click(at, "rf_next")
    fill_unit(at, ["CUB Advancement"], [ref.NEW_PUBLIC_GROUP])
    click(at, "rf_next")
    assert f"P11: \"{ref.NEW_PUBLIC_GROUP}\" chosen without its name" in errors(at)
    assert at.text_input(key="rf_new_group")      # still on the unit screen, to fix it here
    ok(at.text_input(key="rf_new_group").input("01 Adv Giving Day").run())
    click(at, "rf_next")
    assert not at.error, errors(at)
    assert at.date_input(key="rf_course_pci_on")  # on the courses screen
