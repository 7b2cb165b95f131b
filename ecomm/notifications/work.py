"""Messages about work that waits for someone (issue 18): an invoice sent for review (to the
campus's eComm specialists), returned or approved (to the System team), and the daily
"My work" digest. Queued through the outbox, each once (its dedup key)."""
from __future__ import annotations

from datetime import date, datetime

from ecomm import permissions
from ecomm import reference as ref
from ecomm.identity import Identity
from ecomm.storage import audit
from ecomm.notifications import templates as t
from ecomm.notifications.models import NewMessage
from ecomm.storage import notifications as store_n
from ecomm.storage import mywork as mywork_sql
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
    to = (mywork_sql.active_users(reader, ref.APP_SPECIALIST, campus) if action == "send"
          else mywork_sql.active_users(reader, ref.APP_SYSTEM))
    if not to:
        return 0
    ctx = {"invoice": described, "invoice_id": invoice_id, "campus": campus, "actor": actor,
           "note": f"\nNote: {note}" if note and action != "return" else "",
           "reason": note or ""}
    return store_n.queue_messages(cur, [NewMessage(
        template_key=template, dedup_key=invoice_step_key(action, invoice_id, at), to=to,
        context=ctx)])


def digest_messages(store, as_of: date) -> list[NewMessage]:
    """The day's "My work" digest of every active app user with something due (see
    ``mywork.digest_items``), each once per person and day."""
    from ecomm import mywork   # here: ecomm.mywork reads the invoices of ecomm.billing.workflow

    outlook = mywork.batch_outlook(store, as_of)
    until = datetime.combine(as_of, datetime.max.time())
    out = []
    for p in mywork_sql.active_people(store):
        who = Identity(**p)
        since = mywork_sql.last_visit(store, who.email) if who.is_manager else None
        work = mywork.my_work(store, who, as_of, since=since, until=until, outlook=outlook)
        items = mywork.digest_items(work)
        if not items:
            continue
        lines = []
        for i in items:
            lines.append(f"- {i.line(as_of)}")
            lines += [f"    {d}" for d in i.details[:5]]
        out.append(NewMessage(
            template_key=t.DAILY_DIGEST, dedup_key=digest_key(who.email, as_of), to=[who.email],
            context={"name": who.name, "as_of": as_of, "items": "\n".join(lines)}))
    return out


def queue_daily_digests(store, actor: Identity, as_of: date) -> int:
    """Issue 18 (A2): queue the day's digest for every person with work due; each person
    gets one per day (a second run queues none). Returns how many are new."""
    permissions.require_system(actor, "queue the daily digests")
    messages = digest_messages(store, as_of)

    def run(cur) -> int:
        queued = store_n.queue_messages(cur, messages) if messages else 0
        if queued:
            audit.record(cur, actor=actor.email, action="queue_messages", entity="outbox",
                         entity_id=as_of.isoformat(),
                         after={"as_of": as_of, "queued": queued, "template": t.DAILY_DIGEST},
                         detail=f"{queued} daily digest(s) queued for {as_of}")
        return queued
    return store.write(run)
