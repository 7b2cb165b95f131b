"""What a request may ask for (P6-P12) and who may submit it (P6, P14).

``check_provision`` is the one check a provisioning request passes through, whether it comes
from the form, requests.csv or the CLI; ``check_deprovision`` and ``check_group_change`` are
the lighter checks of the other two request kinds.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal, InvalidOperation

from ecomm import reference as ref
from ecomm.errors import EcommError
from ecomm.identity import Identity
from ecomm.policy import Policy
from ecomm.rules.contact import check_contact
from ecomm.rules.profile import license_profile, p16_resolve
from ecomm.rules.models import (ContactFacts, DeprovisionDraft, Eligibility, GroupChangeDraft,
                                GroupChoices, HeldLicense, ProvisionDraft, ReplacedLicense,
                                RuleResult)


def _ok(rule: str, message: str) -> RuleResult:
    return RuleResult(rule=rule, passed=True, message=message)


def _no(rule: str, message: str) -> RuleResult:
    return RuleResult(rule=rule, passed=False, message=message)


def _names(items: Collection[str]) -> str:
    return ", ".join(sorted(items))


# -- who submits -------------------------------------------------------------------------


def p6_campus(submitter: Identity, campus: str, *, additional_specialists: Collection[str] = ()
              ) -> RuleResult:
    """P6: a specialist submits only for their own campus (or a license naming them as its
    primary or additional specialist, A1); the System team may submit for any campus."""
    if not submitter.active:
        return _no("P6", f"{submitter.email} is no longer an active user of the app: ask the "
                         "System team")
    if submitter.is_system:
        return _ok("P6", f"System team may submit for any campus ({campus})")
    if not submitter.is_specialist:
        return _no("P6", f"A {submitter.role_label} reads reports but cannot submit requests")
    if submitter.campus == campus:
        return _ok("P6", f"Submitted by {campus}'s eComm specialist")
    extra = {(e or "").strip().lower() for e in additional_specialists}
    if submitter.email.strip().lower() in extra:
        return _ok("P6", "Submitted by an eComm specialist this license names")
    return _no("P6", f"You are the eComm specialist for {submitter.campus}, not {campus}: ask "
                     f"{campus}'s specialist or the System team to submit it")


def p14_quiz(submitter: Identity, on: date) -> RuleResult:
    """P14: an eComm specialist must have passed the license-change quiz before submitting; the
    System team is exempt."""
    if submitter.is_system:
        return _ok("P14", "System team: the license-change quiz is not required")
    passed = submitter.quiz_passed_on
    if passed is not None and passed <= on:
        return _ok("P14", f"License-change quiz passed {passed.isoformat()}")
    return _no("P14", "You have not passed the license-change quiz: you can view but not submit "
                      "requests until the System team records your pass")


# -- what a provisioning request asks for -----------------------------------------------


def p7_applications(draft: ProvisionDraft, held_apps: Collection[str],
                    requested_apps: Collection[str] = ()) -> list[RuleResult]:
    """P7: at least one application, none the user already holds (or has pending)."""
    if not draft.applications:
        return [_no("P7", "No application chosen: choose at least one application")]
    out = []
    held = set(draft.applications) & set(held_apps)
    if held:
        out.append(_no("P7", f"Already holds {_names(held)}: a provisioning request adds only "
                             "applications the user does not have. To change what a licensed "
                             "user has (Cvent add-ons, super-user permissions, eComm role, the "
                             "upgrade from Chatter Free to a full Salesforce license) submit a "
                             "change request (P15); to remove access, a deprovisioning request"))
    pending = (set(draft.applications) & set(requested_apps)) - held
    if pending:
        out.append(_no("P7", f"{_names(pending)} already requested in a pending request: wait "
                             "for its batch or cancel it"))
    return out or [_ok("P7", f"Requests {', '.join(draft.applications)}")]


def p8_super_user(draft: ProvisionDraft, policy: Policy) -> RuleResult:
    """P8: super-user permissions only at the Policy's super-user campuses."""
    if not draft.super_user_permissions:
        return _ok("P8", "No super-user permissions requested")
    allowed = policy.super_user_campuses
    if draft.campus in allowed:
        return _ok("P8", f"Super-user permissions at {draft.campus}: "
                         f"{', '.join(draft.super_user_permissions)}")
    return _no("P8", f"Super-user permissions ({', '.join(draft.super_user_permissions)}) are "
                     f"available only at {', '.join(allowed)}, not {draft.campus}: remove them or "
                     "talk to the System team")


def p9_cvent_add_ons(draft: ProvisionDraft, held_apps: Collection[str]) -> RuleResult:
    """P9: Cvent add-ons only when Cvent is held or requested."""
    if not draft.cvent_add_ons:
        return _ok("P9", "No Cvent add-ons requested")
    if ref.CVENT in draft.applications or ref.CVENT in held_apps:
        return _ok("P9", f"Cvent add-ons: {', '.join(draft.cvent_add_ons)}")
    return _no("P9", f"Cvent add-on {', '.join(draft.cvent_add_ons)} needs Cvent: request Cvent "
                     "too or remove the add-on")


def is_net_new(draft: ProvisionDraft) -> bool:
    """P10/B6: a request that replaces someone is a license transfer, not net new; every other
    provisioned application is net new."""
    return not draft.replaces_license


def p10_replaces(draft: ProvisionDraft, replaced: ReplacedLicense | None, on: date) -> RuleResult:
    """P10: a replaced user is of the same campus and already deprovisioned (holds nothing on
    ``on``) or has a deprovisioning request pending."""
    if not draft.replaces_license:
        return _ok("P10", "Net new: not replacing another user")
    if replaced is None:
        return _no("P10", f"License {draft.replaces_license} was not found: choose the license of "
                          "the user being replaced")
    who = f"{replaced.license_number} ({replaced.contact_name or replaced.contact_id})"
    if replaced.affiliated_campus != draft.campus:
        return _no("P10", f"{who} is a {replaced.affiliated_campus} license: a user can replace "
                          f"only someone of the same campus ({draft.campus})")
    still = replaced.applications_on(on)
    if still and not replaced.pending_deprovision:
        return _no("P10", f"{who} still holds {_names(still)} and has no pending deprovisioning "
                          "request: submit the deprovisioning request first")
    state = "deprovisioning pending" if still else "deprovisioned"
    return _ok("P10", f"Replaces {who}, {state}: a license transfer, not net new")


def p11_groups(business_units: list[str], public_groups: list[str],
               new_public_group: str | None, *, chosen_groups: list[str] | None = None
               ) -> list[RuleResult]:
    """P11: at least one business unit and one public group; "New Public Group" needs a name
    (when among ``chosen_groups``, default ``public_groups``: the groups being asked for)."""
    out = []
    if not business_units:
        out.append(_no("P11", "No business unit chosen: choose at least one"))
    if not public_groups:
        out.append(_no("P11", "No public group chosen: choose at least one"))
    chosen = public_groups if chosen_groups is None else chosen_groups
    wants_new = any(g.strip().lower() == ref.NEW_PUBLIC_GROUP.lower() for g in chosen)
    if wants_new and not (new_public_group and new_public_group.strip()):
        out.append(_no("P11", f"\"{ref.NEW_PUBLIC_GROUP}\" chosen without its name: give the new "
                              "public group's name"))
    if out:
        return out
    return [_ok("P11", f"Business units: {'; '.join(business_units)}; public groups: "
                       f"{'; '.join(public_groups)}")]


def p11_known_groups(choices: GroupChoices, business_units: list[str], public_groups: list[str],
                     new_public_group: str | None) -> list[RuleResult]:
    """P11: business units and public groups are among the campus's active reference values
    (reference.csv, kept by the System team) or the fixed choices; the new public group named
    with "New Public Group" is not on the list yet and is allowed."""
    out = []
    new_name = (new_public_group or "").strip().lower()
    for label, values, known, fixed in (
            ("business unit", business_units, choices.business_units, ref.FIXED_BUSINESS_UNITS),
            ("public group", public_groups, choices.public_groups, ref.FIXED_PUBLIC_GROUPS)):
        for value in values:
            if value in known or value in fixed or (
                    label == "public group" and new_name and value.strip().lower() == new_name):
                continue
            out.append(_no("P11", f"{value!r} is not an active {label} of {choices.campus}: "
                                  f"choose one of {choices.campus}'s {label}s (the System team "
                                  "keeps the list)"
                                  + (f", or choose \"{ref.NEW_PUBLIC_GROUP}\" and give its name"
                                     if label == "public group" else "")))
    return out


# -- billing (P12) ---------------------------------------------------------------------------

SPLIT_FORMAT = "write them as SPEEDTYPE:PERCENT separated by ';', e.g. 61000342:20;61000530:80"


def parse_unit_speedtypes(text: str | None) -> list[tuple[str, Decimal | None]]:
    """P12: ``"61000342:20;61000530:80"`` -> [("61000342", 20), ("61000530", 80)]; a single
    speedtype may omit its percentage (None: it takes the whole). Empty or "N/A" -> [].
    Raises ValueError with a readable sentence."""
    t = (text or "").strip()
    if not t or t.lower() == "n/a":
        return []
    out: list[tuple[str, Decimal | None]] = []
    for part in t.split(";"):
        part = part.strip()
        if not part:
            continue
        code, sep, pct = part.partition(":")
        code = code.strip()
        if not code:
            raise ValueError(f"{part!r} has no speedtype: {SPLIT_FORMAT}")
        if code in (c for c, _ in out):
            raise ValueError(f"Speedtype {code} is listed twice: {SPLIT_FORMAT}")
        value: Decimal | None = None
        if sep:
            try:
                value = Decimal(pct.strip().rstrip("%"))
            except InvalidOperation:
                raise ValueError(f"{pct.strip()!r} is not a percentage: {SPLIT_FORMAT}") from None
            if not value.is_finite() or value <= 0:
                raise ValueError(f"Speedtype {code} has percentage {pct.strip()}: "
                                 "each share must be more than 0")
        out.append((code, value))
    return out


def format_unit_speedtypes(pairs: list[tuple[str, Decimal | None]]) -> str:
    """The canonical text of a split: ``61000342:20;61000530:80``."""
    def pct(v: Decimal) -> str:
        return format(v.normalize(), "f")
    return ";".join(code if v is None else f"{code}:{pct(v)}" for code, v in pairs)


def p12_billing(draft: ProvisionDraft, policy: Policy) -> RuleResult:
    """P12 (rev 2): billing campus and campus billing speedtype default to the request's campus
    (its default speedtype, filled by ``apply_billing_defaults``) and both are required; unit
    speedtype percentages add up to Policy.unit_speedtype_split_total."""
    billing = draft.billing_campus or draft.campus
    if not (draft.campus_speedtype or "").strip():
        return _no("P12", f"No campus billing speedtype: {billing} has no default campus billing "
                          "speedtype, so choose one (the System team keeps each campus's default "
                          "with the reference data)")
    speedtype = draft.campus_speedtype
    total = Decimal(policy.unit_speedtype_split_total)
    try:
        pairs = parse_unit_speedtypes(draft.unit_speedtypes)
    except ValueError as exc:
        return _no("P12", f"Unit speedtypes: {exc}")
    head = f"Billed to {billing} (speedtype {speedtype})"
    if not pairs:
        return _ok("P12", head)
    if len(pairs) > 1 and any(v is None for _, v in pairs):
        return _no("P12", f"Unit speedtypes split over {len(pairs)} speedtypes: give each one's "
                          f"percentage ({SPLIT_FORMAT})")
    got = sum((v if v is not None else total for _, v in pairs), Decimal(0))
    if got != total:
        return _no("P12", f"Unit speedtype percentages add up to {format(got.normalize(), 'f')}, "
                          f"not {total}: correct the split")
    return _ok("P12", f"{head}; unit speedtypes {format_unit_speedtypes(pairs)}")


def apply_billing_defaults(draft: ProvisionDraft, campus_speedtype_default: str | None
                           ) -> ProvisionDraft:
    """P12: fill billing campus (the request's campus) and campus speedtype (the billing
    campus's default, looked up by the caller) when left empty; canonicalise the split text."""
    update: dict = {}
    if not draft.billing_campus:
        update["billing_campus"] = draft.campus
    if not draft.campus_speedtype and campus_speedtype_default:
        update["campus_speedtype"] = campus_speedtype_default
    try:
        pairs = parse_unit_speedtypes(draft.unit_speedtypes)
        update["unit_speedtypes"] = format_unit_speedtypes(pairs) or None
    except ValueError:
        pass  # left as typed; P12 reports it
    return draft.model_copy(update=update)


# -- the checks ---------------------------------------------------------------------------


def _in_rule_order(results: list[RuleResult]) -> Eligibility:
    return Eligibility(results=sorted(results, key=lambda r: int(r.rule[1:])))


def check_provision(facts: ContactFacts, draft: ProvisionDraft, submitter: Identity, on: date,
                    policy: Policy, *, held_apps: Collection[str],
                    replaced: ReplacedLicense | None, requested_apps: Collection[str] = (),
                    groups: GroupChoices | None = None) -> Eligibility:
    """P1-P16: may this provisioning request be submitted on ``on``? ``held_apps``: what the
    contact holds now; ``replaced``: the license of ``draft.replaces_license`` (None when not
    found or not replacing); ``requested_apps``: applications in the contact's pending
    provisioning requests; ``groups``: the campus's business units and public groups (P11;
    the form and requests.csv always pass them)."""
    if draft.contact_id and draft.contact_id != facts.contact.contact_id:
        raise EcommError(f"The request is for contact {draft.contact_id}, but the records loaded "
                         f"are of {facts.contact.contact_id}.")
    contact = check_contact(facts, draft.campus, on, policy, course_dates=draft.course_dates())
    results = [
        *contact.results,
        p16_resolve(draft.applications, draft.salesforce_profile, held_apps,
                    license_profile(facts, draft.campus))[2],
        p6_campus(submitter, draft.campus),
        *p7_applications(draft, held_apps, requested_apps),
        p8_super_user(draft, policy),
        p9_cvent_add_ons(draft, held_apps),
        p10_replaces(draft, replaced, on),
        *p11_groups(draft.business_units, draft.public_groups, draft.new_public_group),
        *(p11_known_groups(groups, draft.business_units, draft.public_groups,
                           draft.new_public_group) if groups is not None else []),
        p12_billing(draft, policy),
        p14_quiz(submitter, on),
    ]
    return _in_rule_order(results)


def _named(license: HeldLicense) -> list[str]:
    """A1: the license's primary and additional eComm specialists (emails)."""
    return [e for e in [license.ecomm_specialist, *license.additional_specialists] if e]


def _license_matches(draft_campus: str, license: HeldLicense) -> list[RuleResult]:
    if license.affiliated_campus != draft_campus:
        return [_no("P6", f"License {license.license_number} is a {license.affiliated_campus} "
                          f"license, not {draft_campus}: choose its campus")]
    return []


def check_deprovision(draft: DeprovisionDraft, license: HeldLicense, submitter: Identity,
                      on: date, *, pending_removals: Collection[str] = ()) -> Eligibility:
    """P6, P14 and the applications to remove are held by the license on ``on`` (P7);
    ``pending_removals``: applications already in a pending deprovisioning request."""
    results = [
        p6_campus(submitter, draft.campus, additional_specialists=_named(license)),
        *_license_matches(draft.campus, license),
        p14_quiz(submitter, on),
    ]
    held = license.applications_on(on)
    if not draft.applications:
        results.append(_no("P7", "No application chosen: choose the applications to remove"))
    else:
        not_held = set(draft.applications) - held
        pending = (set(draft.applications) & set(pending_removals)) - not_held
        if not_held:
            results.append(_no("P7", f"{license.license_number} does not hold {_names(not_held)}: "
                                     "choose only applications the user has"))
        if pending:
            results.append(_no("P7", f"Removal of {_names(pending)} is already requested: wait "
                                     "for its batch"))
        if not not_held and not pending:
            results.append(_ok("P7", f"Removes {', '.join(draft.applications)} from "
                                     f"{license.license_number}"))
    return _in_rule_order(results)


def check_group_change(draft: GroupChangeDraft, license: HeldLicense, submitter: Identity,
                       on: date, *, groups: GroupChoices | None = None) -> Eligibility:
    """P6, P14, the license holds an application on ``on`` (P7), after the change it keeps at
    least one business unit and one public group, and the ones added are among the campus's
    (``groups``; P11)."""
    results = [
        p6_campus(submitter, draft.campus, additional_specialists=_named(license)),
        *_license_matches(draft.campus, license),
        p14_quiz(submitter, on),
    ]
    if license.applications_on(on):
        results.append(_ok("P7", f"{license.license_number} is active"))
    else:
        results.append(_no("P7", f"{license.license_number} holds no application: submit a "
                                 "provisioning request instead"))
    changes = (draft.business_units, draft.public_groups, draft.remove_business_units,
               draft.remove_public_groups)
    if not any(changes):
        results.append(_no("P11", "Nothing to change: choose groups to add or remove"))
    else:
        problems = []
        for label, adding, removing, current in (
                ("business unit", draft.business_units, draft.remove_business_units,
                 license.business_units),
                ("public group", draft.public_groups, draft.remove_public_groups,
                 license.public_groups)):
            missing = [g for g in removing if g not in current]
            if missing:
                problems.append(_no("P11", f"{license.license_number} is not in {label} "
                                           f"{'; '.join(missing)}: nothing to remove"))
            present = [g for g in adding if g in current]
            if present:
                problems.append(_no("P11", f"{license.license_number} is already in {label} "
                                           f"{'; '.join(present)}: ask only for what changes"))
        if problems:
            results.extend(problems)
        else:
            units = [g for g in license.business_units if g not in draft.remove_business_units]
            units += [g for g in draft.business_units if g not in units]
            groups_after = [g for g in license.public_groups if g not in draft.remove_public_groups]
            groups_after += [g for g in draft.public_groups if g not in groups_after]
            results.extend(p11_groups(units, groups_after, draft.new_public_group,
                                      chosen_groups=draft.public_groups))
            if groups is not None:  # only what the license is not in yet is checked
                results.extend(p11_known_groups(
                    groups, [g for g in draft.business_units if g not in license.business_units],
                    [g for g in draft.public_groups if g not in license.public_groups],
                    draft.new_public_group))
    return _in_rule_order(results)
