"""SQL for the settings table: the Policy values of rules.md as the domain receives them."""
from __future__ import annotations

from ecomm.policy import Policy


def load_policy(store) -> Policy:
    """The Policy as stored in the settings table (a default for any value not stored)."""
    rows = store.query("SELECT key, value FROM settings")
    return Policy.from_rows({k: v for k, v in rows})
