"""P11 against the campus's reference values: business units and public groups must be the
campus's active ones (reference.csv) or the fixed choices; a new public group named with
"New Public Group" is allowed. Used by the form, group changes and requests.csv."""
from __future__ import annotations

from ecomm import reference as ref
from ecomm.rules import GroupChoices, check_group_change, check_provision, p11_known_groups
from ecomm.policy import Policy
from tests.unit.rules_factory import ON, draft, facts, license_, specialist

BOULDER = GroupChoices(campus="Boulder", business_units=frozenset({"CUB Advancement"}),
                       public_groups=frozenset({"01 Adv Boulder"}))


def messages(results) -> list[str]:
    return [r.message for r in results if not r.passed]


def test_p11_campus_values_and_fixed_choices_pass():
    assert p11_known_groups(BOULDER, ["CUB Advancement", ref.NA_MEC],
                            ["01 Adv Boulder", ref.NA_MEC], None) == []


def test_p11_unknown_business_unit_is_refused_naming_rule_and_value():
    assert messages(p11_known_groups(BOULDER, ["CUD Advancement"], ["01 Adv Boulder"], None)) == [
        "'CUD Advancement' is not an active business unit of Boulder: choose one of Boulder's "
        "business units (the System team keeps the list)"]


def test_p11_new_public_group_named_is_allowed_other_unknown_groups_are_not():
    chosen = [ref.NEW_PUBLIC_GROUP, "07 Boulder Music"]
    assert p11_known_groups(BOULDER, ["CUB Advancement"], chosen, "07 Boulder Music") == []
    (msg,) = messages(p11_known_groups(BOULDER, ["CUB Advancement"], chosen, None))
    assert msg.startswith("'07 Boulder Music' is not an active public group of Boulder")
    assert ref.NEW_PUBLIC_GROUP in msg


def test_p11_check_provision_applies_the_reference_when_given():
    d = draft(business_units=["Nowhere"])
    f = facts()
    ok = check_provision(f, d, specialist(), ON, Policy(), held_apps=set(), replaced=None)
    assert "P11" not in ok.failed_rules            # without reference values: not checked
    res = check_provision(f, d, specialist(), ON, Policy(), held_apps=set(), replaced=None,
                          groups=BOULDER)
    assert res.failed_rules == ["P11"]
    assert res.problems()[0].startswith("P11: 'Nowhere' is not an active business unit")


def test_p11_group_change_checks_only_what_it_adds():
    from ecomm.rules import GroupChangeDraft
    lic = license_(business_units=["CUB Retired Unit"], public_groups=["01 Adv Boulder"])
    keep = GroupChangeDraft(campus="Boulder", license_number=lic.license_number,
                            business_units=["CUB Retired Unit"], public_groups=["01 Adv Boulder"])
    # a retired unit the license is in is not judged against the campus's list; asking for
    # it again is refused as already held (issue 14), not as unknown
    assert check_group_change(keep, lic, specialist(), ON, groups=BOULDER).problems() == [
        "P11: LN-0776 is already in business unit CUB Retired Unit: ask only for what changes",
        "P11: LN-0776 is already in public group 01 Adv Boulder: ask only for what changes"]
    add = GroupChangeDraft(campus="Boulder", license_number=lic.license_number,
                           business_units=["CUB Old Unit"])
    res = check_group_change(add, lic, specialist(), ON, groups=BOULDER)
    assert res.failed_rules == ["P11"] and "'CUB Old Unit'" in res.problems()[0]
