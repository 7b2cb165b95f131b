"""The New request form's screens (issue 18): each screen's rules are checked when the person
leaves it (Next), with the very functions Submit runs, so a mistake is reported on the screen
where it is made and fixed there.

- "start" (campus and request type, Provision): P1-P4 at the chosen campus
  (``readiness.contact_readiness``, i.e. ``rules.check_contact``, A1-safe sentences);
- "user" (applications, role, replacing, add-ons, super user): P6-P10 and P16;
- "unit" (business units, public groups, billing): P11 and P12;
- the last screen's Submit checks everything again (P1-P16, P5 with the course dates on the
  request and the transcript attached, P14), as ``submit_provision`` always does.

The "user" and "unit" screens run ``provision.check`` (``rules.check_provision``) on the
answers so far, prepared as Submit prepares them (``provision.prepare``), and keep the
failures of that screen's rules: there is no second copy of a rule here.
"""
from __future__ import annotations

from datetime import date

from ecomm import readiness
from ecomm import reference as ref
from ecomm.errors import EcommError
from ecomm.identity import Identity
from ecomm.requests import provision
from ecomm.storage.settings import load_policy

SCREEN_RULES: dict[str, tuple[str, ...]] = {
    "start": ("P1", "P2", "P3", "P4"),
    "user": ("P6", "P7", "P8", "P9", "P10", "P16"),
    "unit": ("P11", "P12"),
}
DRAFT_KEYS = ("applications", "ecomm_role", "replaces_license",
              "ecomm_specialist", "additional_specialists", "business_units", "public_groups",
              "new_public_group", "billing_campus", "campus_speedtype", "unit_speedtypes",
              "speedtype_notes", "super_user_permissions", "cvent_add_ons", "notes",
              *ref.COURSE_REQUEST_COLUMNS)


def draft_from_answers(answers: dict, campus: str) -> dict:
    """The form's answers (``session_state``) as a provisioning draft for ``campus``: the
    answered keys only, as Submit sends them."""
    draft = {k: answers.get(k) for k in DRAFT_KEYS if answers.get(k) not in (None, "", [])}
    draft["campus"] = campus
    return draft


def screen_problems(store, actor: Identity, contact_id: str, answers: dict, campus: str,
                    screen: str, on: date) -> list[str]:
    """The failing rules of ``screen`` (see SCREEN_RULES) for a provisioning request with
    ``answers`` at ``campus`` as of ``on``, one sentence each naming the rule and the fix."""
    rules = SCREEN_RULES.get(screen)
    if not rules:
        return []
    if screen == "start":
        ready = readiness.contact_readiness(store, actor, contact_id, campus, on)
        return [r.sentence() for r in ready.checks if not r.passed and r.rule in rules]
    draft = provision.as_draft(draft_from_answers(answers, campus), contact_id)
    draft = provision.prepare(store, actor, contact_id, draft, on)
    verdict = provision.check(store, actor, contact_id, draft, on, load_policy(store))
    return [r.sentence() for r in verdict.failures if r.rule in rules]


def check_screen(store, actor: Identity, contact_id: str, answers: dict, campus: str,
                 screen: str, on: date) -> None:
    """Raise EcommError listing every failing rule of ``screen``; nothing is saved either way."""
    problems = screen_problems(store, actor, contact_id, answers, campus, screen, on)
    if problems:
        raise EcommError(f"This screen has {len(problems)} requirement(s) not met: correct "
                         "them here, then press Next.", problems)
