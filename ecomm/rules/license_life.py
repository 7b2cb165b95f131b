"""Rules revision 2 for an existing license: change requests (P15) and the System team's
advance notice (C7) (P16, the profile, is in ``ecomm.rules.profile``). Pure functions over
plain values; ``check_change`` is the one check a change request passes through, whether it
comes from the form, requests.csv or the CLI."""
from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Optional

from pydantic import BaseModel, Field, field_validator

from ecomm import reference as ref
from ecomm.identity import Identity
from ecomm.policy import Policy
from ecomm.rules.contact import check_contact
from ecomm.rules.models import (CampusName, ContactFacts, CventAddOns, Eligibility,
                                HeldLicense, ProvisionDraft, ReplacedLicense, RuleResult,
                                SuperUserPermissions, Text)
from ecomm.rules.profile import is_chatter_free
from ecomm.rules.request import (_in_rule_order, _license_matches, _no, _ok, p6_campus,
                                 p8_super_user, p10_replaces, p14_quiz)


def license_at(facts: ContactFacts, campus: str) -> HeldLicense | None:
    """The contact's license record at ``campus`` (the one a request there extends)."""
    return next((lic for lic in facts.licenses if lic.affiliated_campus == campus), None)


# -- P15: change requests ------------------------------------------------------------------
class ChangeDraft(BaseModel):
    """P15: what a change request asks of an existing license (requests.csv kind=change)."""

    campus: CampusName
    license_number: str
    ecomm_role: Optional[str] = None
    super_user_permissions: SuperUserPermissions = Field(default_factory=list)
    cvent_add_ons: CventAddOns = Field(default_factory=list)
    salesforce_upgrade: bool = False
    replaces_license: Text = None
    notes: Text = None

    @field_validator("ecomm_role", mode="before")
    @classmethod
    def _v_role(cls, v):
        if v is None or not str(v).strip():
            return None
        c = ref.canonical_choice(str(v), ref.ECOMM_ROLES)
        if c is None:
            raise ValueError(f"{v!r} is not an eComm role (User or MEC)")
        return c

    def as_provision(self) -> ProvisionDraft:
        """The upgrade seen as what it bills: a new paid Salesforce (P10 decides net new or
        transfer with the same function as a provisioning request)."""
        return ProvisionDraft(campus=self.campus, replaces_license=self.replaces_license,
                              applications=[ref.SALESFORCE] if self.salesforce_upgrade else [],
                              salesforce_profile=ref.PROFILE_STANDARD,
                              super_user_permissions=self.super_user_permissions,
                              cvent_add_ons=self.cvent_add_ons)

    def asks(self) -> list[str]:
        """What the change asks for, in words."""
        out = []
        if self.salesforce_upgrade:
            out.append("upgrade to a full Salesforce license")
        if self.ecomm_role:
            out.append(f"eComm role {self.ecomm_role}")
        if self.super_user_permissions:
            out.append("super-user permissions " + ", ".join(self.super_user_permissions))
        if self.cvent_add_ons:
            out.append("Cvent add-ons " + ", ".join(self.cvent_add_ons))
        return out


def p15_change(draft: ChangeDraft, license: HeldLicense, on: date,
               pending: Collection[str] = ()) -> list[RuleResult]:
    """P15: a change asks for something the license does not have yet: Cvent add-ons (P9:
    Cvent held), super-user permissions, another eComm role, or an upgrade from Chatter Free
    to a full Salesforce license; the license holds an application; ``pending``: what open
    change requests of the license already ask ("role", permissions, add-ons, "upgrade")."""
    held = license.applications_on(on)
    number = license.license_number
    if not held:
        return [_no("P15", f"{number} holds no application: submit a provisioning request "
                           "instead")]
    if not draft.asks():
        return [_no("P15", "Nothing to change: choose an eComm role, super-user permissions, "
                           "Cvent add-ons or the upgrade to a full Salesforce license (to add "
                           "an application, submit a provisioning request)")]
    out = []
    if draft.ecomm_role and draft.ecomm_role == (license.ecomm_role or ref.ROLE_USER):
        out.append(_no("P15", f"{number} already has the eComm role {draft.ecomm_role}"))
    have = [p for p in draft.super_user_permissions if p in license.super_user_permissions]
    if have:
        out.append(_no("P15", f"{number} already has super-user permission {', '.join(have)}"))
    have = [a for a in draft.cvent_add_ons if a in license.cvent_add_ons]
    if have:
        out.append(_no("P15", f"{number} already has Cvent add-on {', '.join(have)}"))
    if draft.cvent_add_ons and ref.CVENT not in held:
        out.append(_no("P9", f"Cvent add-on {', '.join(draft.cvent_add_ons)} needs Cvent: "
                             f"{number} does not hold Cvent (request Cvent first)"))
    if draft.salesforce_upgrade and not (ref.SALESFORCE in held
                                         and is_chatter_free(license.salesforce_profile)):
        out.append(_no("P15", f"{number} has no Chatter Free Salesforce to upgrade: it already "
                              "has a full Salesforce license" if ref.SALESFORCE in held else
                              f"{number} does not hold Salesforce: request Salesforce in a "
                              "provisioning request"))
    asked = set(draft.super_user_permissions) | set(draft.cvent_add_ons)
    if draft.ecomm_role:
        asked.add("role")
    if draft.salesforce_upgrade:
        asked.add("upgrade")
    twice = asked & set(pending)
    if twice:
        words = sorted("the upgrade" if a == "upgrade" else "the eComm role" if a == "role"
                       else a for a in twice)
        out.append(_no("P15", f"A pending change request of {number} already asks for "
                              f"{', '.join(words)}: wait for its batch or cancel it"))
    return out or [_ok("P15", f"Change of {number}: {'; '.join(draft.asks())}")]


def check_change(facts: ContactFacts, draft: ChangeDraft, license: HeldLicense,
                 submitter: Identity, on: date, policy: Policy, *,
                 replaced: ReplacedLicense | None = None, pending: Collection[str] = ()
                 ) -> Eligibility:
    """P15 with P1-P5 (the contact still qualifies; recorded courses), P6, P8, P9, P10 (an
    upgrade that replaces someone), P14 and P16 (the upgrade leaves no Chatter Free)."""
    as_prov = draft.as_provision()
    contact = check_contact(facts, draft.campus, on, policy)
    results = [
        *contact.results,
        p6_campus(submitter, draft.campus, additional_specialists=license.additional_specialists),
        *_license_matches(draft.campus, license),
        *p15_change(draft, license, on, pending),
        p8_super_user(as_prov, policy),
        p14_quiz(submitter, on),
    ]
    if draft.salesforce_upgrade:
        results.append(p10_replaces(as_prov, replaced, on))
        results.append(_ok("P16", "Upgrade: Salesforce profile Standard (a paid Salesforce)"))
    return _in_rule_order(results)


# -- C7: what the System team must prepare ------------------------------------------------------
C7_REASONS = {
    "new_mec": "a new eComm specialist (MEC): coordinate training and licenses",
    "super_user": "super-user permissions: make sure the licenses are available",
    "new_public_group": "a new public group to create",
    "new_speedtype": "a new speedtype to set up",
}


def c7_task_reasons(*, ecomm_role: str | None = None, super_user_permissions=(),
                    public_groups=(), campus_speedtype: str | None = None,
                    unit_speedtypes: str | None = None) -> list[str]:
    """C7: why a request needs the System team's advance notice: a new MEC, super-user
    permissions, "New Public Group" or "New SpeedType Needed"; [] when it does not."""
    out = []
    if (ecomm_role or "").strip().lower() == ref.ROLE_MEC.lower():
        out.append("new_mec")
    if super_user_permissions:
        out.append("super_user")
    if any((g or "").strip().lower() == ref.NEW_PUBLIC_GROUP.lower() for g in public_groups or ()):
        out.append("new_public_group")
    texts = [campus_speedtype or "", *(unit_speedtypes or "").split(";")]
    if any(t.split(":")[0].strip().lower() == ref.NEW_SPEEDTYPE_NEEDED.lower() for t in texts):
        out.append("new_speedtype")
    return out
