"""Reference data per campus (A2): business units, public groups, speedtypes, primary
specialists and campus billing speedtypes the forms offer; every change audited (A4)."""
from __future__ import annotations

from ecomm import reference as ref
from ecomm.errors import EcommError, NotFound
from ecomm.identity import Identity
from ecomm.permissions import require_system
from ecomm.storage import admin as admin_sql
from ecomm.storage import audit

REFERENCE_KIND_LABEL = {"business_unit": "business unit", "public_group": "public group",
                        "speedtype": "speedtype", "primary_specialist": "primary specialist",
                        "campus_billing_speedtype": "campus billing speedtype"}


# -- reference data per campus ---------------------------------------------------------
def _ref_key(kind: str, campus: str, value: str) -> tuple[str, str, str]:
    k = (kind or "").strip().lower().replace(" ", "_")
    if k not in ref.REFERENCE_KINDS:
        raise EcommError(f"{kind!r} is not a kind of reference data: choose business unit, "
                         "public group or speedtype.")
    c = ref.canonical_campus(campus)
    if c is None:
        raise EcommError(f"{campus!r} is not a campus (one of {', '.join(ref.CAMPUSES)}).")
    v = (value or "").strip()
    if not v:
        raise EcommError(f"Give the {REFERENCE_KIND_LABEL[k]}'s value.")
    if ";" in v:
        raise EcommError(f"{v!r}: a value cannot contain ';' (it separates list items).")
    if k == "speedtype" and ":" in v:
        raise EcommError(f"{v!r}: a speedtype cannot contain ':' (it separates the percentage).")
    return k, c, v


def _ref_id(kind: str, campus: str, value: str) -> str:
    return f"{kind}/{campus}/{value}"


def list_reference(store, actor: Identity, campus: str | None = None,
                   kind: str | None = None) -> list[dict]:
    """A2: the business units, public groups and speedtypes kept per campus."""
    require_system(actor, "manage reference data")
    return admin_sql.list_reference(store, campus=campus, kind=kind)


def add_reference(store, actor: Identity, kind: str, campus: str, value: str,
                  label: str | None = None) -> dict:
    """A2: add a business unit, public group or speedtype to a campus's list."""
    require_system(actor, "change reference data")
    k, c, v = _ref_key(kind, campus, value)
    row = {"kind": k, "campus": c, "value": v, "label": (label or "").strip() or None,
           "active": True}

    def run(cur):
        existing = admin_sql.get_reference_cur(cur, k, c, v)
        if existing:
            state = "" if existing["active"] else " (inactive: reactivate it instead)"
            raise EcommError(f"{c} already has the {REFERENCE_KIND_LABEL[k]} {v!r}{state}.")
        admin_sql.insert_reference(cur, row)
        audit.record(cur, actor=actor.email, action="add", entity="reference_value",
                     entity_id=_ref_id(k, c, v), campus=c, after=row)
        return row

    return store.write(run)


def update_reference(store, actor: Identity, kind: str, campus: str, value: str, *,
                     label: str | None = None, active: bool | None = None) -> dict:
    """A2: relabel, deactivate or reactivate a reference value (the value itself is a key)."""
    require_system(actor, "change reference data")
    k, c, v = _ref_key(kind, campus, value)

    def run(cur):
        before = admin_sql.get_reference_cur(cur, k, c, v)
        if before is None:
            raise NotFound(f"{c} has no {REFERENCE_KIND_LABEL[k]} {v!r}.")
        after = dict(before)
        if label is not None:
            after["label"] = label.strip() or None
        if active is not None:
            after["active"] = bool(active)
        if after == before:
            return after
        admin_sql.update_reference(cur, after)
        action = "update" if after["active"] == before["active"] else (
            "reactivate" if after["active"] else "deactivate")
        audit.record(cur, actor=actor.email, action=action, entity="reference_value",
                     entity_id=_ref_id(k, c, v), campus=c, before=before, after=after)
        return after

    return store.write(run)


def deactivate_reference(store, actor: Identity, kind: str, campus: str, value: str) -> dict:
    """A2: the value is no longer offered in forms; licenses that carry it keep it."""
    return update_reference(store, actor, kind, campus, value, active=False)
