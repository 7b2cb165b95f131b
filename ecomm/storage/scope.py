"""A1 in SQL: the fragments every scoped read shares, so each area scopes the same way."""
from __future__ import annotations


def named_specialist_sql(alias: str = "l", param: str = "$scope_email") -> str:
    """A1: the license ``alias`` names the email in ``param`` (trimmed, lower case; a named
    ``$param`` or a positional ``?``) as an additional eComm specialist, in any case."""
    return (f"list_contains(list_transform(coalesce({alias}.additional_specialists, "
            f"[]::VARCHAR[]), lambda s: lower(trim(s))), {param})")
