"""Email addresses: the one check used by the import, the forms and the outbox.

An address is accepted when it is a plain mailbox (``name@domain.tld``) by the syntax rules of
the ``email-validator`` library (no DNS look-up): no spaces, no CR/LF, no display name, no
second ``@``, a domain with a dot. The usual address is matched by one conservative pattern
(fast over a whole column of an import); anything else goes to ``email-validator``, which
accepts the rarer valid forms (quoted or internationalised addresses) and says what is wrong.
"""
from __future__ import annotations

import re

import pandas as pd

MAX_EMAIL_LENGTH = 254  # RFC 5321: the longest forward path

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
SIMPLE_EMAIL = rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}"
_SIMPLE = re.compile(SIMPLE_EMAIL)


def _show(v: str) -> str:
    return repr(v if len(v) <= 60 else v[:57] + "...")


def check_email(value: str) -> str:
    """The address lower-cased, or ValueError saying why it is not an email address."""
    v = (value or "").strip()
    if len(v) <= MAX_EMAIL_LENGTH and _SIMPLE.fullmatch(v):
        return v.lower()
    if any(ch in v for ch in "\r\n\0"):
        raise ValueError(f"{_show(v)} is not an email address: it holds a line break")
    if len(v) > MAX_EMAIL_LENGTH:
        raise ValueError(f"{_show(v)} is not an email address: longer than "
                         f"{MAX_EMAIL_LENGTH} characters")
    from email_validator import EmailNotValidError, validate_email

    try:
        found = validate_email(v, check_deliverability=False, allow_display_name=False)
    except EmailNotValidError as exc:
        raise ValueError(f"{_show(v)} is not an email address ({exc})") from None
    return found.normalized.lower()


def is_email(value: str) -> bool:
    try:
        check_email(value)
    except ValueError:
        return False
    return True


def simple_email_mask(values: pd.Series) -> pd.Series:
    """Vectorised first pass over a column: True where the cell is a usual address (the rest
    go one by one through ``check_email``)."""
    ok = values.str.fullmatch(SIMPLE_EMAIL).fillna(False).astype(bool)
    return ok & (values.str.len() <= MAX_EMAIL_LENGTH)


def header_safe(text: str) -> str:
    """A header value with no CR/LF (a line break would start a new header): each run of
    line breaks and other control characters becomes one space."""
    return re.sub(r"[\r\n\x00-\x1f\x7f]+", " ", text or "").strip()


def check_sender(value: str) -> str:
    """A From address: ``name@domain`` or ``Display Name <name@domain>``, on one line."""
    from email.utils import formataddr, parseaddr

    v = (value or "").strip()
    if any(ch in v for ch in "\r\n\0"):
        raise ValueError(f"{_show(v)} holds a line break; give one address, e.g. ecomm@cu.edu")
    name, addr = parseaddr(v)
    if not addr or ("<" in v) != bool(v.endswith(">")):
        raise ValueError(f"{_show(v)} is not an email address, e.g. ecomm@cu.edu")
    addr = check_email(addr)
    return formataddr((name, addr)) if name else addr
