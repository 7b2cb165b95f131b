"""One bad address must not stop the outbox (issue 14, item 4): contact emails are checked on
import and in the forms, no CR/LF ever reaches a header, and a message that cannot be sent is
marked failed with its reason while the rest go out (a real local SMTP server: aiosmtpd)."""
from __future__ import annotations

import pytest

from ecomm import admin
from ecomm.emails import check_email, check_sender
from ecomm.errors import EcommError
from ecomm.importer import ImportRefused, import_path
from ecomm.notifications import actions as messages
from ecomm.notifications import templates as t
from ecomm.notifications.outbox import UnsendableMessage, to_eml
from ecomm.notifications.smtp import send_pending
from ecomm.storage import notifications as sn
from tests.integration.compliance_seed import SYSTEM
from tests.integration.import_samples import SAMPLE, write_sample
from tests.integration.test_smtp_delivery import smtp_server  # noqa: F401  (the fixture)

INJECTED = "x@cuanschutz.edu\r\nBcc: attacker@evil.example"


def _queue(store, key, to, cc=(), **ctx):
    return store.write(lambda cur: sn.queue_message(cur, t.QUIZ_REMINDER, key, list(to), list(cc), {
        "first_name": "Ada", "reminder_number": 1, "reminder_count": 4, **ctx}))


@pytest.mark.parametrize("bad", [INJECTED, "N/A", "ana rivera@colorado.edu", "a@b@colorado.edu",
                                 "ana@colorado", "Ana <ana@colorado.edu>", "ana@colorado.edu;x@y.edu"])
def test_not_an_email_address_is_refused(bad):
    with pytest.raises(ValueError, match="not an email address"):
        check_email(bad)


def test_usual_and_rarer_valid_addresses_are_accepted():
    assert check_email(" Ana.Rivera+sf@Colorado.EDU ") == "ana.rivera+sf@colorado.edu"
    assert check_email("o'neil@cuanschutz.edu") == "o'neil@cuanschutz.edu"
    assert check_email("josé@ucdenver.edu") == "josé@ucdenver.edu"  # email-validator's path


def test_import_refuses_a_header_injection_in_a_contact_email(store, tmp_path):
    contacts = SAMPLE["contacts.csv"] + ('C-004,Doe,Jo,,100004,,,"' + INJECTED + '",,,false,\n'
                                         "C-005,Roe,Al,,100005,N/A,,,,,false,\n")
    with pytest.raises(ImportRefused) as err:
        import_path(store, write_sample(tmp_path / "in", {"contacts.csv": contacts}), actor="t")
    problems = err.value.problems
    assert any(p.startswith("contacts.csv:5 anschutz_email: ") and "not an email address" in p
               for p in problems), problems
    assert "contacts.csv:6 ucb_email: 'N/A' is not an email address" in " ".join(problems)
    assert store.query_value("SELECT count(*) FROM contacts") == 0


def test_admin_forms_refuse_bad_addresses(store):
    with pytest.raises(EcommError, match="not an email address"):
        admin.add_user(store, SYSTEM, email=INJECTED, name="Eve", role="system")
    with pytest.raises(EcommError, match="line break"):
        admin.update_setting(store, SYSTEM, "smtp_from", "ecomm@cu.edu\r\nBcc: a@evil.example")
    assert check_sender("CU eComm <ecomm@cu.edu>") == "CU eComm <ecomm@cu.edu>"


def test_bad_rows_already_in_the_outbox_fail_alone_and_the_rest_are_sent(store, smtp_server):
    inbox, settings = smtp_server
    _queue(store, "a", ["ada@colorado.edu"])
    _queue(store, "bad-to", [INJECTED])
    _queue(store, "bad-cc", ["bob@colorado.edu"], ["N/A"])
    _queue(store, "b", ["cy@colorado.edu"])
    assert send_pending(store, settings) == 2
    delivered = sorted(r for _, rcpts, _ in inbox.received for r in rcpts)
    assert delivered == ["ada@colorado.edu", "cy@colorado.edu"]        # no attacker Bcc
    state = {k: (sent, err) for k, sent, err in store.query(
        "SELECT dedup_key, sent_at IS NOT NULL, error FROM outbox")}
    assert state["a"] == (True, None) and state["b"] == (True, None)
    assert not state["bad-to"][0] and "its To holds" in state["bad-to"][1]
    assert "not an email address" in state["bad-to"][1]
    assert not state["bad-cc"][0] and "its Cc holds 'n/a'" in state["bad-cc"][1]
    assert {m.dedup_key for m in messages.list_outbox(store, SYSTEM, "failed")} == {"bad-to", "bad-cc"}
    # every later run goes past them too, and new messages still go out
    _queue(store, "c", ["dee@colorado.edu"])
    assert send_pending(store, settings) == 1
    assert inbox.received[-1][1] == ["dee@colorado.edu"]


def test_no_line_break_reaches_a_header(store, smtp_server):
    inbox, settings = smtp_server
    _queue(store, "s", ["ada@colorado.edu"])
    store.write(lambda cur: cur.execute(  # a subject edited into two lines
        "UPDATE outbox SET subject = ?", ["Hello\r\nBcc: attacker@evil.example"]))
    assert send_pending(store, settings) == 1
    _, rcpts, msg = inbox.received[0]
    assert rcpts == ["ada@colorado.edu"] and msg["Bcc"] is None
    assert msg["Subject"] == "Hello Bcc: attacker@evil.example"


def test_the_eml_of_a_bad_message_is_refused_with_a_sentence(store):
    _queue(store, "bad-to", [INJECTED])
    m = sn.pending_messages(store)[0]
    with pytest.raises(UnsendableMessage, match="not an email address"):
        to_eml(m)
