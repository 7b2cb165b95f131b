"""Messages about work that waits for someone (issue 18): an invoice sent for review (to the
campus's eComm specialists), returned or approved (to the System team), and the daily
"My work" digest. Queued through the outbox, each once (its dedup key)."""
from __future__ import annotations

from datetime import date, datetime

from ecomm import reference as ref
from ecomm.notifications import templates as t
from ecomm.notifications.models import NewMessage
from ecomm.storage import notifications as store_n
from ecomm.storage import mywork as db
from ecomm.storage.requests import CursorReader

# B8 step -> (template, who is told)
INVOICE_STEPS = {"send": t.INVOICE_IN_REVIEW, "return": t.INVOICE_RETURNED,
                 "approve": t.INVOICE_APPROVED}


def invoice_step_key(action: str, invoice_id: str, at: datetime) -> str:
    return f"invoice:{action}:{invoice_id}:{at.isoformat()}"


def digest_key(email: str, as_of: date) -> str:
    return f"digest:{email.lower()}:{as_of.isoformat()}"


def queue_invoice_step(cur, action: str, *, invoice_id: str, campus: str, described: str,
                       actor: str, note: str | None, at: datetime) -> int:
    """B8: tell whoever waits for this step: sent for review -> the campus's eComm
    specialists; returned or approved -> the System team. Inside the step's transaction;
    0 when nobody is there to tell (or the step sends no message)."""
    template = INVOICE_STEPS.get(action)
    if template is None:
        return 0
    reader = CursorReader(cur)
    to = (db.active_users(reader, ref.APP_SPECIALIST, campus) if action == "send"
          else db.active_users(reader, ref.APP_SYSTEM))
    if not to:
        return 0
    ctx = {"invoice": described, "invoice_id": invoice_id, "campus": campus, "actor": actor,
           "note": f"\nNote: {note}" if note and action != "return" else "",
           "reason": note or ""}
    return store_n.queue_messages(cur, [NewMessage(
        template_key=template, dedup_key=invoice_step_key(action, invoice_id, at), to=to,
        context=ctx)])
