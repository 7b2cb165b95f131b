"""P16 (rules revision 2): the Salesforce profile follows the applications."""
from __future__ import annotations

import pytest

from ecomm import reference as ref
from ecomm.rules import p16_profile_for, p16_resolve

SF, MC, CVENT, APSONA, GEO = (ref.SALESFORCE, ref.MARKETING_CLOUD, ref.CVENT, ref.APSONA,
                              ref.GEOPOINTE)
CF, STD = ref.PROFILE_CHATTER_FREE, ref.PROFILE_STANDARD


def test_p16_chatter_free_only_when_cvent_is_the_only_paid_application():
    assert p16_profile_for([CVENT]) == CF
    assert p16_profile_for([CVENT, SF]) == CF
    assert p16_profile_for([CVENT, SF], paid_salesforce=True) == STD
    assert p16_profile_for([CVENT, MC]) == STD
    assert p16_profile_for([SF]) == STD


def test_p16_a_cvent_only_request_gets_salesforce_with_chatter_free_without_asking():
    apps, profile, verdict = p16_resolve([CVENT], None, held=[], held_profile=None)
    assert (apps, profile, verdict.passed) == ([CVENT, SF], CF, True)
    # the old default "Standard" on a Cvent-only request asks nothing either
    assert p16_resolve([CVENT], STD, held=[], held_profile=None)[:2] == ([CVENT, SF], CF)


def test_p16_salesforce_asked_for_is_a_full_paid_license():
    assert p16_resolve([CVENT, SF], None, held=[], held_profile=None)[:2] == ([CVENT, SF], STD)
    assert p16_resolve([CVENT], None, held=[SF], held_profile=STD)[:2] == ([CVENT], STD)


@pytest.mark.parametrize("apps", [[SF, MC, APSONA], [CVENT, SF, GEO], [CVENT, MC], [SF]])
def test_p16_chatter_free_with_other_applications_or_without_cvent_is_refused(apps):
    _apps, _profile, verdict = p16_resolve(apps, CF, held=[], held_profile=None)
    assert (verdict.rule, verdict.passed) == ("P16", False)
    assert "Leave the profile out" in verdict.message


def test_p16_a_chatter_free_user_cannot_add_marketing_cloud_without_the_upgrade():
    _apps, _profile, verdict = p16_resolve([MC], None, held=[SF, CVENT], held_profile=CF)
    assert not verdict.passed
    assert verdict.message.startswith("The user's Salesforce has the Chatter Free profile, "
                                      "which is never combined with Marketing Cloud: submit a "
                                      "change request to upgrade")
