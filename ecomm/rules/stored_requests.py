"""Stored requests read back as rules' values: the fields a provisioning draft keeps on its
request, a stored change request as a ``ChangeDraft`` (P15), and a group change's lists after
it (C5). Pure: the batch, the import and the request services all use these."""
from __future__ import annotations

from pydantic import ValidationError

from ecomm import reference as ref
from ecomm.errors import EcommError
from ecomm.rules.license_life import ChangeDraft

DRAFT_TO_REQUEST = (
    "applications", "ecomm_role", "salesforce_profile", "replaces_license", "ecomm_specialist",
    "additional_specialists", "business_units", "public_groups", "new_public_group",
    "billing_campus", "campus_speedtype", "unit_speedtypes", "speedtype_notes",
    "super_user_permissions", "cvent_add_ons", "course_privacy_awareness_on",
    "course_it_providers_on", "course_pci_on", "notes",
)
CHANGE_FIELDS = ("ecomm_role", "super_user_permissions", "cvent_add_ons", "salesforce_upgrade",
                 "replaces_license", "notes")


def change_draft(row: dict) -> ChangeDraft:
    """The stored change request as a ChangeDraft (EcommError names a row that cannot be read)."""
    try:
        return ChangeDraft(campus=row["campus"], license_number=row["license_number"] or "",
                           **{k: row.get(k) for k in CHANGE_FIELDS if row.get(k) is not None})
    except ValidationError as exc:
        problems = [e.get("msg", "").removeprefix("Value error, ") for e in exc.errors()]
        raise EcommError(f"Request {row['request_id']} cannot be read: fix or cancel it, then "
                         "process the batch again. Nothing was changed.", problems) from None


def c5_changed_groups(current_units: list[str], current_groups: list[str], req: dict
                      ) -> tuple[list[str], list[str]]:
    """C5: the license's lists after the change (removals, then additions in order; "New
    Public Group" stands for the new group's name)."""
    units = [g for g in current_units if g not in (req["remove_business_units"] or [])]
    units += [g for g in req["business_units"] or [] if g not in units]
    groups = [g for g in current_groups if g not in (req["remove_public_groups"] or [])]
    for g in req["public_groups"] or []:
        if g.strip().lower() == ref.NEW_PUBLIC_GROUP.lower() and req["new_public_group"]:
            g = req["new_public_group"]
        if g not in groups:
            groups.append(g)
    return units, groups
