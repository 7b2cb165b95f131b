"""P16 (rules revision 2): the Salesforce profile follows the applications. Pure functions."""
from __future__ import annotations

from collections.abc import Collection

from ecomm import reference as ref
from ecomm.rules.models import ContactFacts, ProvisionDraft, RuleResult


def _ok(rule: str, message: str) -> RuleResult:
    return RuleResult(rule=rule, passed=True, message=message)


def _no(rule: str, message: str) -> RuleResult:
    return RuleResult(rule=rule, passed=False, message=message)


# Applications that run inside Salesforce or are paid beside Cvent: never with Chatter Free.
NOT_WITH_CHATTER_FREE = (ref.MARKETING_CLOUD, ref.APSONA, ref.GEOPOINTE)


def is_chatter_free(profile: str | None) -> bool:
    return (profile or "").strip().lower() == ref.PROFILE_CHATTER_FREE.lower()


# -- P16: the Salesforce profile follows the applications ------------------------------------
def p16_profile_for(applications: Collection[str], *, paid_salesforce: bool = False) -> str:
    """P16: Chatter Free User when the license's only paid application is Cvent (Salesforce,
    if any, being the free Chatter Free profile); Standard otherwise."""
    others = set(applications) - {ref.SALESFORCE}
    if others == {ref.CVENT} and not paid_salesforce:
        return ref.PROFILE_CHATTER_FREE
    return ref.PROFILE_STANDARD


def p16_resolve(requested: Collection[str], profile: str | None, held: Collection[str],
                held_profile: str | None) -> tuple[list[str], str, RuleResult]:
    """P16 for a provisioning request: the applications and profile it gets, and the verdict.
    Salesforce asked for explicitly is a full (paid) license; a Cvent-only request gets
    Salesforce with the Chatter Free profile without asking; a stated profile that contradicts
    the applications (Chatter Free with Marketing Cloud, Apsona or Geopointe, or without Cvent)
    is refused; "Standard" without Salesforce asked or held is the old default and asks
    nothing."""
    apps = list(dict.fromkeys(requested))
    held = set(held)
    held_paid_sf = ref.SALESFORCE in held and not is_chatter_free(held_profile)
    asks_sf = ref.SALESFORCE in apps
    after = held | set(apps)
    derived = p16_profile_for(after, paid_salesforce=held_paid_sf or (
        asks_sf and not is_chatter_free(profile)))
    if is_chatter_free(held_profile) and ref.SALESFORCE in held and (
            after - {ref.SALESFORCE, ref.CVENT}):
        extra = ", ".join(a for a in ref.APPLICATIONS if a in after - {ref.SALESFORCE, ref.CVENT})
        return apps, ref.PROFILE_CHATTER_FREE, _no(
            "P16", f"The user's Salesforce has the Chatter Free profile, which is never combined "
                   f"with {extra}: submit a change request to upgrade to a full Salesforce "
                   "license first, or request only Cvent")
    if profile == ref.PROFILE_STANDARD and not asks_sf and not held_paid_sf:
        profile = None   # the old default ("Standard" on every request) asks nothing
    if profile is not None and profile != derived:   # Chatter Free where it does not fit
        bad = [a for a in NOT_WITH_CHATTER_FREE if a in after]
        why = (f"it is never combined with {', '.join(bad)}" if bad else
               "it is only for a user whose only paid application is Cvent"
               if ref.CVENT in after else "it is only for users of Cvent")
        return apps, profile, _no("P16", f"Salesforce profile {profile} contradicts the "
                                         f"applications: {why}. Leave the profile out: it "
                                         "follows the applications")
    if derived == ref.PROFILE_CHATTER_FREE and ref.SALESFORCE not in after:
        apps.append(ref.SALESFORCE)
        return apps, derived, _ok("P16", "Cvent only: Salesforce with the Chatter Free profile "
                                         "(free) is added")
    if derived == ref.PROFILE_CHATTER_FREE:
        return apps, derived, _ok("P16", "Cvent only: Salesforce profile Chatter Free (free)")
    return apps, derived, _ok("P16", "Salesforce profile Standard")


def p16_apply(draft: ProvisionDraft, held: Collection[str], held_profile: str | None
              ) -> tuple[ProvisionDraft, RuleResult]:
    """P16: the draft with the applications and profile P16 gives it, and the verdict."""
    apps, profile, verdict = p16_resolve(draft.applications, draft.salesforce_profile, held,
                                         held_profile)
    return draft.model_copy(update={"applications": apps, "salesforce_profile": profile}), verdict


def license_profile(facts: ContactFacts, campus: str) -> str | None:
    """The Salesforce profile of the contact's license at ``campus`` (None: no license)."""
    return next((lic.salesforce_profile for lic in facts.licenses
                 if lic.affiliated_campus == campus), None)
