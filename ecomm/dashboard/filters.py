"""The dashboard's filters (001's dashboard: "Campus Support | eComm Specialist", "Billing
Campus", "eComm Public Group") and who may pick what (A1-A3).

A specialist is held to their own campus whatever a widget or a link (``?campus=``) asks,
plus the licenses of any campus that name them as an additional eComm specialist (A1); the
System team and managers may pick any campus or all. The resolved filters become the
``Where`` every panel query applies in SQL.
"""
from __future__ import annotations

from typing import Mapping

from pydantic import BaseModel, Field

from ecomm import reference as ref
from ecomm.errors import AccessDenied
from ecomm.identity import Identity
from ecomm.permissions import additional_email, visible_campuses
from ecomm.storage.dashboard import Where

# URL query parameters that carry the filters (shareable links).
PARAM_CAMPUS = "campus"
PARAM_BILLING = "billing"
PARAM_GROUP = "group"


class DashboardFilters(BaseModel):
    """What the person picked (None = all)."""

    campus: str | None = None
    billing_campus: str | None = None
    public_group: str | None = None


class Resolved(BaseModel):
    """A1-A3: the filters as applied, the campuses the viewer may see (None = every campus),
    the email naming a specialist as additional specialist on licenses of any campus (A1),
    and sentences about anything asked for that was not allowed or not known."""

    filters: DashboardFilters
    campuses: list[str] | None
    campus_pinned: bool = False
    email: str | None = None
    notices: list[str] = Field(default_factory=list)

    def where(self) -> Where:
        """A1: a pinned campus is the scope itself (own campus or licenses naming the
        specialist), not a further filter on the affiliated campus."""
        f = self.filters
        return Where(campuses=None if self.campuses is None else tuple(self.campuses),
                     campus=None if self.campus_pinned else f.campus,
                     billing_campus=f.billing_campus, public_group=f.public_group,
                     email=self.email if self.campuses is not None else None)

    def key(self) -> tuple:
        """A hashable key for caches: scope and filters."""
        f = self.filters
        return (tuple(self.campuses) if self.campuses is not None else None, self.email,
                f.campus, f.billing_campus, f.public_group)


def _clean(value: str | None) -> str | None:
    v = (value or "").strip()
    return v or None


def from_params(params: Mapping[str, str]) -> DashboardFilters:
    """The filters a link asks for (``?campus=Denver&billing=Denver&group=03 Arts``)."""
    return DashboardFilters(campus=_clean(params.get(PARAM_CAMPUS)),
                            billing_campus=_clean(params.get(PARAM_BILLING)),
                            public_group=_clean(params.get(PARAM_GROUP)))


def to_params(filters: DashboardFilters) -> dict[str, str]:
    """The query parameters for these filters (only the ones set)."""
    out = {PARAM_CAMPUS: filters.campus, PARAM_BILLING: filters.billing_campus,
           PARAM_GROUP: filters.public_group}
    return {k: v for k, v in out.items() if v}


def resolve(identity: Identity | None, asked: DashboardFilters) -> Resolved:
    """A1-A3: the filters this person gets. A specialist's campus is always their own (a
    request for another campus is replaced, with a notice); an unknown campus is ignored."""
    if identity is None or not identity.active:
        raise AccessDenied("Please sign in first.")
    campuses = visible_campuses(identity)
    if not campuses:
        raise AccessDenied(f"A1: the account {identity.email} has no campus to show: ask the "
                           "CU System eComm team to set your campus.")
    notices: list[str] = []
    campus = _canonical(asked.campus, "Campus", notices)
    billing = _canonical(asked.billing_campus, "Billing campus", notices)
    if identity.is_specialist:
        own = identity.campus
        if campus is not None and campus != own:
            notices.append(f"A1: as the eComm specialist for {own} you see {own} only, "
                           f"not {campus} (plus licenses naming you as an additional "
                           "specialist).")
        return Resolved(filters=DashboardFilters(campus=own, billing_campus=billing,
                                                 public_group=_clean(asked.public_group)),
                        campuses=[own], campus_pinned=True,
                        email=additional_email(identity), notices=notices)
    return Resolved(filters=DashboardFilters(campus=campus, billing_campus=billing,
                                             public_group=_clean(asked.public_group)),
                    campuses=None, notices=notices)


def _canonical(value: str | None, label: str, notices: list[str]) -> str | None:
    v = _clean(value)
    if v is None:
        return None
    campus = ref.canonical_campus(v)
    if campus is None:
        notices.append(f"{label} '{v}' is not a campus; showing all campuses instead.")
    return campus
