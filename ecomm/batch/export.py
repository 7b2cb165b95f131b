"""The new users of a processed batch as a table, CSV and XLSX (C2): license number, name,
campus, applications, the credentials date to announce and the specialist to copy."""
from __future__ import annotations

from datetime import date

import pandas as pd

from ecomm.batch.models import BatchPlan
from ecomm.safe_export import csv_bytes, xlsx_bytes

COLUMNS = ["license_number", "name", "email", "campus", "applications", "new_user", "net_new",
           "credentials_date", "specialist_cc", "request_id"]


def new_users_frame(plan: BatchPlan, credentials_date: date) -> pd.DataFrame:
    """C2: one row per provisioned request, with the cycle's credentials date (the System
    team's date when set, read by the caller)."""
    rows = [{
        "license_number": p.license_number, "name": p.name, "email": p.user_email or "",
        "campus": p.campus, "applications": "; ".join(p.applications),
        "new_user": p.new_user, "net_new": p.net_new, "credentials_date": credentials_date,
        "specialist_cc": "; ".join(p.specialists), "request_id": p.request_id,
    } for p in plan.provisioned]
    return pd.DataFrame(rows, columns=COLUMNS)


def file_stem(plan: BatchPlan) -> str:
    return f"batch-{plan.cycle}-new-users"


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens it with accents intact; formula-like
    text neutralised (ecomm.safe_export)."""
    return csv_bytes(frame)


def to_xlsx(frame: pd.DataFrame, sheet: str = "New users") -> bytes:
    """One sheet, dates as dates; formula-like text neutralised (ecomm.safe_export)."""
    return xlsx_bytes(frame, sheet=sheet)
