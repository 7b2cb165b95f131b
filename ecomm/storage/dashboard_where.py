"""The dashboard queries' shared SQL pieces: the viewer's scope (A1) and the filters as one
WHERE fragment over licenses or requests, the row limit, and running a panel's query into
``(frame, counts)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ecomm import reference as ref
from ecomm.storage.scope import named_specialist_sql


INVOICE_CAMPUS = "coalesce(nullif(trim({a}.billing_campus), ''), {a}.affiliated_campus)"
LOCAL_TS = "timezone('America/Denver', timezone('UTC', {col}))"


@dataclass(frozen=True)
class Where:
    """What a panel may show (``campuses``: None = every campus, A2/A3) and the filters picked."""

    campuses: tuple[str, ...] | None = None
    campus: str | None = None           # Campus Support | eComm Specialist (affiliated campus)
    billing_campus: str | None = None   # the campus invoiced (billing campus, else affiliated)
    public_group: str | None = None     # eComm Public Group
    # A1: with ``campuses``, licenses of any campus naming this email (lower case) as their
    # primary or an additional eComm specialist are in scope too (and the requests on them).
    email: str | None = None


def _scope(w: Where, params: dict[str, Any], campus_col: str, lic: str) -> str:
    """A1: the viewer's campuses, or a license naming them as primary or additional
    specialist (``scope.named_specialist_sql``)."""
    params["scope"] = list(w.campuses or ())
    own = f"list_contains($scope::VARCHAR[], {campus_col})"
    if not w.email:
        return own
    params["scope_email"] = w.email
    return f"({own} OR {named_specialist_sql(lic)})"


def license_where(w: Where, params: dict[str, Any], a: str = "l") -> str:
    """A1 scope (campuses, or naming the viewer as additional specialist) and the three
    filters on a license alias, as one WHERE fragment."""
    conds = ["TRUE"]
    if w.campuses is not None:
        conds.append(_scope(w, params, f"{a}.affiliated_campus", a))
    if w.campus:
        params["f_campus"] = w.campus
        conds.append(f"{a}.affiliated_campus = $f_campus")
    if w.billing_campus:
        params["f_billing"] = w.billing_campus
        conds.append(f"{INVOICE_CAMPUS.format(a=a)} = $f_billing")
    if w.public_group:
        params["f_group"] = w.public_group
        conds.append(f"list_contains(coalesce({a}.public_groups, []::VARCHAR[]), $f_group)")
    return " AND ".join(conds)


def request_where(w: Where, params: dict[str, Any], r: str = "r", l: str = "l") -> str:
    """A1 scope (the request's campus, P6, or its license naming the viewer as additional
    specialist) and the filters on a request joined to its license."""
    conds = ["TRUE"]
    if w.campuses is not None:
        conds.append(_scope(w, params, f"{r}.campus", l))
    if w.campus:
        params["f_campus"] = w.campus
        conds.append(f"{r}.campus = $f_campus")
    if w.billing_campus:
        params["f_billing"] = w.billing_campus
        conds.append(f"{request_billing_sql(r, l)} = $f_billing")
    if w.public_group:
        params["f_group"] = w.public_group
        conds.append(f"(list_contains(coalesce({r}.public_groups, []::VARCHAR[]), $f_group) "
                     f"OR list_contains(coalesce({l}.public_groups, []::VARCHAR[]), $f_group) "
                     f"OR {r}.new_public_group = $f_group)")
    return " AND ".join(conds)


def request_billing_sql(r: str = "r", l: str = "l") -> str:
    """P12: the request's billing campus, else its license's, else the request's campus."""
    return (f"coalesce(nullif(trim({r}.billing_campus), ''), nullif(trim({l}.billing_campus), ''), "
            f"{l}.affiliated_campus, {r}.campus)")


def _limit(params: dict[str, Any], limit: int | None) -> str:
    if limit is None:
        return ""
    params["limit"] = int(limit)
    return " LIMIT $limit"


def _run(store, sql: str, params: dict[str, Any], count_cols: tuple[str, ...]
         ) -> tuple[pd.DataFrame, dict[str, int]]:
    """The frame without its window-count columns, and those counts (0 when no row matched)."""
    frame = store.query_df(sql, params)
    counts = {c: _count(frame[c].iloc[0] if len(frame) else None, c) for c in count_cols}
    return frame.drop(columns=list(count_cols)).reset_index(drop=True), counts


def _count(value, name: str) -> Any:
    """A window count as int, a histogram (``by_...``) as {value: int}; nothing matched: 0, {}."""
    if name.startswith("by_"):  # a MAP: a dict from .df(), (key, value) pairs from Arrow
        return {k: int(v) for k, v in sorted(dict(value or {}).items())}
    if value is None:
        return 0
    return int(value)


def _app_flags(col: str) -> str:
    """One boolean column per application: is it in the list ``col``?"""
    return ", ".join(f"list_contains(coalesce({col}, []::VARCHAR[]), '{a}') AS \"{a}\""
                     for a in ref.APPLICATIONS)


def _joined(col: str) -> str:
    return f"array_to_string(coalesce({col}, []::VARCHAR[]), '; ')"
