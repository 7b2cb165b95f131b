"""Plain values of the notification area: a message to queue, an outbox row, SMTP settings."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class NewMessage(BaseModel):
    """A message to record once: ``dedup_key`` names it (re-queueing it records nothing)."""
    template_key: str
    dedup_key: str
    to: list[str]
    cc: list[str] = Field(default_factory=list)
    context: dict[str, Any] = Field(default_factory=dict)


class OutboxMessage(BaseModel):
    message_id: int
    dedup_key: str
    template_key: str
    to_addrs: list[str]
    cc_addrs: list[str] = Field(default_factory=list)
    subject: str
    body: str
    created_at: datetime            # naive UTC
    sent_at: datetime | None = None  # naive UTC
    error: str | None = None
    superseded: bool = False         # Q1/Q3 catch-up: a later stage replaced it; never sent

    @property
    def status(self) -> str:
        if self.sent_at is not None:
            return "sent"
        if self.superseded:
            return "superseded"
        return "failed" if self.error else "pending"


class SmtpSettings(BaseModel):
    """Mail server from the settings table; an empty host means SMTP is not configured."""
    host: str = ""
    port: int = 25
    from_addr: str = ""
    starttls: bool = False
    timeout: float = 30.0

    @property
    def configured(self) -> bool:
        return bool(self.host.strip())


def clean_addresses(addrs: list[str] | tuple[str, ...] | None, exclude: list[str] = ()) -> list[str]:
    """Addresses lower-cased, without blanks or repeats (and without those in ``exclude``)."""
    seen = {a.lower() for a in exclude}
    out = []
    for a in addrs or ():
        a = (a or "").strip().lower()
        if a and a not in seen:
            seen.add(a)
            out.append(a)
    return out
