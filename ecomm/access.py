"""A1-A3 for requests and records, on top of ``ecomm.permissions``.

``ecomm.permissions`` decides (campus, and licenses naming the person); this applies it to
records: a specialist also reaches a license that names them (by email) as its primary or
additional eComm specialist, and the requests and files of that license. Functions taking
``additional_specialists`` expect every email the license names (``named(license)``: the
primary specialist and the additional ones).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ecomm import permissions
from ecomm.errors import AccessDenied, NotFound
from ecomm.identity import Identity


@dataclass(frozen=True)
class Scope:
    """A1-A3: what a query may return for this person (both None = every campus)."""

    campus: str | None
    email: str | None


def scope_for(actor: Identity) -> Scope:
    """A1-A3: a specialist's queries are limited to their campus and licenses naming them."""
    if actor is None or not actor.active:
        permissions.require_writer(actor, "see requests")  # raises the standard sentence
    if actor.is_system or actor.is_manager:
        return Scope(None, None)
    if actor.is_specialist:
        return Scope(actor.campus or "", actor.email.strip().lower())
    raise AccessDenied(f"The role '{actor.role}' has no access to requests or records.")


def named(lic) -> list[str]:
    """A1: every email a license (row dict or model) names as its eComm specialist."""
    get = lic.get if isinstance(lic, dict) else (lambda k: getattr(lic, k, None))
    return permissions.named_emails(get("ecomm_specialist"), get("additional_specialists"))


def is_additional(actor: Identity, additional_specialists: Iterable[str] | None) -> bool:
    """A1: the person is named (by email) as an eComm specialist on a license."""
    return permissions.is_named(actor, None, additional_specialists)


def can_see(actor: Identity | None, campus: str | None,
            additional_specialists: Iterable[str] | None = None) -> bool:
    """A1-A3: may this person read a record of ``campus`` naming these specialists?"""
    return permissions.can_see_license(actor, campus, None, additional_specialists)


def can_see_contact(actor: Identity | None, campuses: Iterable[str],
                    additional_specialists: Iterable[str] | None = None) -> bool:
    """A1-A3: a contact belongs to every campus it has a university email, an employment, a
    license or a request at; a specialist sees it through their campus or a license naming them."""
    return permissions.can_see_contact(actor, campuses, additional_specialists or ())


def require_can_change_contact(actor: Identity, campuses: Iterable[str],
                               additional_specialists: Iterable[str] | None, *,
                               doing: str) -> None:
    """A1-A3: change a contact's records: the System team or a specialist who sees it."""
    permissions.require_writer(actor, doing)
    if not can_see_contact(actor, campuses, additional_specialists):
        permissions.require_campus(actor, None)  # raises A1's sentence


def require_visible(actor: Identity, campus: str | None, additional=None, *, what: str) -> None:
    """A1: a record of another campus is reported as not found (nothing about it leaks)."""
    if not can_see(actor, campus, additional):
        raise NotFound(f"{what} was not found.")


def require_can_change(actor: Identity, campus: str | None, additional=None, *,
                       doing: str) -> None:
    """A1-A3: the System team, or the campus's (or the license's additional) specialist."""
    permissions.require_writer(actor, doing)
    if is_additional(actor, additional):
        return
    permissions.require_campus(actor, campus)


def require_system(actor: Identity, *, doing: str) -> None:
    """A2: work only the System team does."""
    permissions.require_system(actor, doing)
