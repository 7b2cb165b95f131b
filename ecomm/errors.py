"""The one error type users see: a sentence a specialist understands, never a traceback."""
from __future__ import annotations

from pydantic import ValidationError


class EcommError(Exception):
    """A problem the person in front of the screen can act on.

    ``problems`` holds one sentence per problem (e.g. every failing rule, or every bad
    import row); ``str(error)`` joins them.
    """

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return self.message + "\n" + "\n".join(f"- {p}" for p in self.problems)


class AccessDenied(EcommError):
    """The signed-in person may not see or do this (rules A1-A3)."""


class NotFound(EcommError):
    """A record that was asked for does not exist (or is not visible to this person)."""


class DatabaseBusy(EcommError):
    """Another process holds the DuckDB file (only one writer per file)."""


def from_validation_error(exc: ValidationError, what: str = "The form") -> EcommError:
    """Turn a pydantic ValidationError into sentences, one per field."""
    problems = []
    for err in exc.errors():
        field = " ".join(str(p) for p in err.get("loc", ()) if p != "__root__").replace("_", " ")
        msg = err.get("msg", "is not valid")
        msg = msg.removeprefix("Value error, ")
        problems.append(f"{field}: {msg}" if field else msg)
    return EcommError(f"{what} has {len(problems)} problem(s).", problems)
