"""A1-A3: who may see and change what."""
from __future__ import annotations

import pytest

from ecomm import permissions as perm
from ecomm import reference as ref
from ecomm.errors import AccessDenied
from ecomm.identity import Identity

SYSTEM = Identity(email="sam.system@cu.edu", name="Sam", role="system")
MANAGER = Identity(email="morgan.manager@cu.edu", name="Morgan", role="manager")
BOULDER = Identity(email="ecomm.boulder@colorado.edu", name="Priya", role="specialist",
                   campus="Boulder")
RETIRED = Identity(email="old@uccs.edu", name="Old", role="specialist", campus="UCCS",
                   active=False)


def test_a1_specialist_sees_only_their_campus():
    assert perm.visible_campuses(BOULDER) == ["Boulder"]
    assert perm.can_see_campus(BOULDER, "Boulder")
    assert not perm.can_see_campus(BOULDER, "Boulder Advancement")


@pytest.mark.parametrize("who", [SYSTEM, MANAGER])
def test_a2_a3_system_team_and_managers_see_every_campus(who):
    assert perm.visible_campuses(who) == list(ref.CAMPUSES)


def test_nobody_and_inactive_users_see_nothing():
    assert perm.visible_campuses(None) == []
    assert perm.visible_campuses(RETIRED) == []


def test_a1_require_campus_refuses_another_campus_with_a_sentence():
    assert perm.require_campus(BOULDER, "Boulder") is BOULDER
    with pytest.raises(AccessDenied) as err:
        perm.require_campus(BOULDER, "Denver")
    assert "A1" in str(err.value) and "Boulder" in str(err.value) and "Denver" in str(err.value)


def test_a2_require_system_refuses_specialists_and_managers():
    assert perm.require_system(SYSTEM) is SYSTEM
    for who in (BOULDER, MANAGER):
        with pytest.raises(AccessDenied) as err:
            perm.require_system(who, "change settings")
        assert "only the CU System eComm team may change settings" in str(err.value)
        assert who.role_label in str(err.value)


def test_a3_managers_change_nothing():
    assert perm.require_writer(SYSTEM) is SYSTEM
    assert perm.require_writer(BOULDER) is BOULDER
    with pytest.raises(AccessDenied) as err:
        perm.require_writer(MANAGER, "submit requests")
    assert "A3" in str(err.value) and "cannot submit requests" in str(err.value)
    assert not perm.can_write(MANAGER)


def test_a1_a3_campus_writer_needs_both_write_right_and_campus():
    assert perm.require_campus_writer(BOULDER, "Boulder") is BOULDER
    assert perm.require_campus_writer(SYSTEM, "UCCS") is SYSTEM
    with pytest.raises(AccessDenied):
        perm.require_campus_writer(BOULDER, "UCCS")
    with pytest.raises(AccessDenied):
        perm.require_campus_writer(MANAGER, "Boulder")


def test_inactive_or_missing_identity_is_refused_everywhere():
    for check in (perm.require_system, perm.require_writer):
        with pytest.raises(AccessDenied, match="not active"):
            check(RETIRED)
        with pytest.raises(AccessDenied, match="sign in"):
            check(None)
    with pytest.raises(AccessDenied, match="not active"):
        perm.require_campus(RETIRED, "UCCS")
