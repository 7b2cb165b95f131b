"""A message template's spec (who gets it, its placeholders, its default wording) and the
placeholders several templates share; every default wording ends with the eComm team's signature.
"""
from __future__ import annotations

from pydantic import BaseModel

SIGNATURE = "Thank you,\nCU System eComm team"

_USER = {"first_name": "The user's first name",
         "full_name": "The user's first and last name",
         "license_number": "The license record number, e.g. LN-0776"}
_SPEC = {"full_name": "The user's first and last name",
         "license_number": "The license record number, e.g. LN-0776",
         "campus": "The license's affiliated campus"}


class TemplateSpec(BaseModel):
    key: str
    title: str                    # how the System team sees it in the list
    recipients: str               # who gets it (documentation)
    placeholders: dict[str, str]  # name -> what it holds
    subject: str                  # default wording
    body: str


def _spec(key, title, recipients, placeholders, subject, body) -> TemplateSpec:
    return TemplateSpec(key=key, title=title, recipients=recipients, placeholders=placeholders,
                        subject=subject, body=body.strip("\n") + "\n\n" + SIGNATURE + "\n")
