"""Notifications: editable message templates, an outbox recording each message once, and
delivery by SMTP when it is configured (else the System team downloads ``.eml`` files).

Modules: ``templates`` (wording and placeholders), ``models`` (outbox rows, SMTP settings),
``outbox`` (queueing the product's messages, ``.eml``), ``smtp`` (``send_pending``),
``compliance`` (``queue_compliance_notifications``). SQL lives in ``ecomm.storage.notifications``.
"""
