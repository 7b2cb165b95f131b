"""SQL of P15: a license's fields changed by a change request or by the billing edit, and the
upgrade of a Chatter Free Salesforce to a paid one. Writes take the caller's cursor."""
from __future__ import annotations

from datetime import date

from ecomm import reference as ref
from ecomm.errors import EcommError
from ecomm.storage.requests import LICENSE_COLUMNS


def set_license_fields(cur, license_number: str, values: dict) -> None:
    """Set these license columns (names checked against LICENSE_COLUMNS)."""
    cols = [c for c in values if c in LICENSE_COLUMNS and c != "license_number"]
    if len(cols) != len(values):
        raise ValueError(f"not license columns: {sorted(set(values) - set(cols))}")
    if cols:
        cur.execute(f"UPDATE licenses SET {', '.join(f'{c} = ?' for c in cols)} "
                    "WHERE license_number = ?", [*(values[c] for c in cols), license_number])


def clear_held_reasons(cur, request_id: str) -> None:
    cur.execute("UPDATE requests SET held_reasons = NULL WHERE request_id = ?", [request_id])


def upgrade_salesforce(cur, license_number: str, on: date, *, net_new: bool,
                       transfer_from: str | None = None) -> None:
    """P15: the Chatter Free Salesforce row is closed on ``on`` (no net-new charge: it was
    free) and a paid Salesforce row opens on ``on`` (net new unless it is a transfer, P10;
    ``transfer_from``: the license whose seat it continues, B5)."""
    rows = cur.execute("SELECT provisioned_on FROM license_apps WHERE license_number = ? AND "
                       "application = ? AND deprovisioned_on IS NULL",
                       [license_number, ref.SALESFORCE]).fetchall()
    if not rows:
        raise EcommError(f"{license_number} no longer holds Salesforce: the data changed while "
                         "the batch ran. Nothing was changed; process it again.")
    if rows[0][0] == on:   # provisioned the same day: that row becomes the paid one
        cur.execute("UPDATE license_apps SET net_new = ?, transfer_from = ? WHERE "
                    "license_number = ? AND application = ? AND provisioned_on = ?",
                    [net_new, transfer_from, license_number, ref.SALESFORCE, on])
        return
    cur.execute("UPDATE license_apps SET deprovisioned_on = ?, net_new = FALSE WHERE "
                "license_number = ? AND application = ? AND deprovisioned_on IS NULL",
                [on, license_number, ref.SALESFORCE])
    cur.execute("INSERT INTO license_apps (license_number, application, provisioned_on, "
                "deprovisioned_on, net_new, transfer_from) VALUES (?, ?, ?, NULL, ?, ?)",
                [license_number, ref.SALESFORCE, on, net_new, transfer_from])
