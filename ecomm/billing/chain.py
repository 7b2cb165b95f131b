"""B5 (rev 2): billing follows the seat.

A transfer (P10: a ``license_apps`` row not net new whose ``transfer_from`` names the replaced
license) continues the replaced application's row. The rows linked so form a **chain**; its
**root** is the first holder's row. A chain whose root was net new this fiscal year (provisioned
after the July batch) is billed once, from the root's month of provisioning through June,
never cut short by a holder leaving while someone continues the seat:

- The true-up whose window holds the root bills it, through June when, on its as-of day,
  the seat's latest holder still holds it, else through the month the latest holder left.
- If the January true-up billed the seat only to a leaver's month (the replacement came
  later), the June true-up bills the rest, from the month after, through June, on the line of
  the first holder who arrived after the January true-up's as-of day.

Replacing an application of this year's July invoice costs nothing more (its root is not net
new). ``b5_true_up_charges`` is the rule over columns; ``ecomm.storage.reports.
b5_true_up_charges_sql`` is its SQL twin (tests/integration/test_b5_chain.py compares them).
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from ecomm.billing.fiscal import fy_end, month_index
from ecomm.billing.proration import JANUARY, JUNE, july_batch_end, true_up_window

CHARGE_COLUMNS = ["license_number", "application", "provisioned_on", "months", "note"]


def _blank(v) -> bool:
    return v is None or v != v or (isinstance(v, str) and not v.strip())


def chains(apps: pd.DataFrame) -> dict[int, list[int]]:
    """B5: {root row position: the chain's row positions in order} for every row that is not a
    transfer (a chain of one when nobody continued it). A transfer row's parent is the replaced
    license's latest row of that application provisioned by the transfer's day; a row
    continued twice keeps its earliest successor (P10 lets one transfer take it)."""
    number = apps["license_number"].tolist()
    app = apps["application"].tolist()
    on = apps["provisioned_on"].tolist()
    net_new = [bool(x) for x in apps["net_new"].fillna(False).tolist()]
    source = (apps["transfer_from"].tolist() if "transfer_from" in apps
              else [None] * len(apps))
    rows_of: dict[tuple[str, str], list[int]] = {}
    for i, key in enumerate(zip(number, app)):
        rows_of.setdefault(key, []).append(i)
    child: dict[int, int] = {}
    has_parent: set[int] = set()
    for i in range(len(apps)):
        if net_new[i] or _blank(source[i]):
            continue
        cands = [j for j in rows_of.get((str(source[i]).strip(), app[i]), []) if on[j] <= on[i]]
        if not cands:
            continue
        parent = max(cands, key=lambda j: (on[j], j))
        if parent not in child or (on[i], i) < (on[child[parent]], child[parent]):
            if parent in child:
                has_parent.discard(child[parent])
            child[parent] = i
            has_parent.add(i)
    out: dict[int, list[int]] = {}
    for i in range(len(apps)):
        if i in has_parent:
            continue
        members, k = [i], i
        while k in child and len(members) < 1000:
            k = child[k]
            members.append(k)
        out[i] = members
    return out


def _end_month(members: list[int], on: list, off: list, pending: list, fy: int,
               day: date) -> int | None:
    """B5: the last month the seat is billed for as seen on ``day``: June while its latest
    holder (provisioned by then) holds it, else the month that holder left; None when no
    holder was provisioned by ``day``."""
    seen = [m for m in members if pending[m] or on[m] <= day]
    if not seen:
        return None
    last = max(seen, key=lambda m: (on[m], m))
    gone = None if pending[last] or _blank(off[last]) else off[last]
    if gone is None or gone > day or gone >= fy_end(fy):
        return month_index(fy_end(fy))
    return month_index(gone)


def b5_true_up_charges(apps: pd.DataFrame, fy: int, kind: str, as_of: date,
                       january_as_of: date | None = None) -> pd.DataFrame:
    """B5 (rev 2): every charge of the ``kind`` true-up as of ``as_of``: (license_number,
    application, provisioned_on of the charged row, months, note). ``apps`` carry the net-new
    flags as reviewed (B6); ``january_as_of``: the as-of day of the stored January true-up
    (the June true-up bills only what it left; None: nothing stored, so none of January's)."""
    if kind not in (JANUARY, JUNE):
        raise ValueError(f"{kind!r} is not a true-up")
    rows = apps.reset_index(drop=True)
    number = rows["license_number"].tolist()
    on = rows["provisioned_on"].tolist()
    off = rows["deprovisioned_on"].tolist()
    pending = [bool(x) for x in (rows["pending"].fillna(False).tolist() if "pending" in rows
                                 else [False] * len(rows))]
    net_new = [bool(x) for x in rows["net_new"].fillna(False).tolist()]
    start, end = true_up_window(fy, kind)
    jan_start, jan_end = true_up_window(fy, JANUARY)
    out = []
    for root, members in chains(rows).items():
        if not net_new[root] or on[root] <= july_batch_end(fy):
            continue
        now_end = _end_month(members, on, off, pending, fy, as_of)
        later = [number[m] for m in members[1:] if pending[m] or on[m] <= as_of]
        if start <= on[root] <= end and (pending[root] or on[root] <= as_of):
            months = max(0, now_end - month_index(on[root]) + 1)
            note = ""
            if later:
                note = f"seat continued by {', '.join(later)}: billed once (B5)"
            elif not pending[root] and not _blank(off[root]) and off[root] <= as_of:
                note = f"removed {off[root].isoformat()}: charged through that month (B5)"
            out.append((number[root], rows["application"][root], on[root], months, note))
        elif (kind == JUNE and january_as_of is not None
              and jan_start <= on[root] <= jan_end):
            billed_end = _end_month(members, on, off, pending, fy, january_as_of)
            extra = now_end - billed_end
            arrived = [m for m in members if on[m] > january_as_of and on[m] <= as_of]
            if extra > 0 and arrived:
                m = min(arrived, key=lambda k: (on[k], k))
                out.append((number[m], rows["application"][m], on[m], extra,
                            f"continues the seat of {number[root]} (provisioned "
                            f"{on[root].isoformat()}) after the January true-up: billed once "
                            "(B5)"))
    return pd.DataFrame(out, columns=CHARGE_COLUMNS, dtype=object)


def b5_seat_rows(apps: pd.DataFrame, rows: pd.DataFrame, fy: int, kind: str, as_of: date,
                 january_as_of: date | None) -> tuple[pd.DataFrame, dict[tuple, tuple[int, str]]]:
    """B5 (rev 2): the true-up's rows with the seats' continuations added, and per charged row
    (license, application, provisioned on) its months and note as the seat's chain says."""
    charges = b5_true_up_charges(apps, fy, kind, as_of, january_as_of)
    chain_of = {(n, a, on): (int(m), note) for n, a, on, m, note in zip(
        charges["license_number"], charges["application"], charges["provisioned_on"],
        charges["months"], charges["note"])}
    have = set(zip(rows["license_number"], rows["application"], rows["provisioned_on"]))
    extra = [k for k in chain_of if k not in have]
    if not extra:
        return rows, chain_of
    keys = list(zip(apps["license_number"], apps["application"], apps["provisioned_on"]))
    wanted = set(extra)
    added = apps[[k in wanted for k in keys]]
    both = pd.concat([rows, added], ignore_index=True)
    both = both.assign(_on=pd.to_datetime(both["provisioned_on"]), _seq=range(len(both)))
    both = both.sort_values(["license_number", "_on", "application", "_seq"])
    return both.drop(columns=["_on", "_seq"]), chain_of
