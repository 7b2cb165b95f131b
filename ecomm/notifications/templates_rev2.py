"""The message templates rules revision 2 adds: seats running out (B10), the June review (Q5),
a group change done (C5) and a System team task opened (C7). ``templates.TEMPLATES`` holds them.
"""
from __future__ import annotations

from ecomm.notifications.template_spec import _SPEC, _spec

# -- rules revision 2: seats (B10) and the June review (Q5) ---------------------------------------
SEATS_LOW = "seats_low"
JUNE_REVIEW_OPEN = "june_review_open"
JUNE_REVIEW_REMINDER = "june_review_reminder"

_JUNE = {"campus": "The campus reviewed",
         "year": "The year of the June review, e.g. 2027",
         "active_users": "Active users of the campus to review",
         "to_review": "Active users not reviewed yet",
         "last_business_day": "June's last business day (C1), e.g. 'June 30, 2027'"}

REV2_SEATS_JUNE = (
    _spec(SEATS_LOW, "Seats running out (B10)", "The System team",
          {"application": "The application", "fiscal_year": "The fiscal year, e.g. 2027",
           "purchased": "Seats purchased", "assigned": "Seats assigned (held)",
           "queued": "Seats asked for by requests in the queue",
           "available": "Seats available (purchased - assigned - in the queue)",
           "threshold_percent": "The alert threshold (B10 setting, e.g. 5)"},
          "Seats running out: $available $application seat(s) left for FY$fiscal_year",
          """
Hello,

$application has $available seat(s) available for FY$fiscal_year: $purchased purchased,
$assigned assigned and $queued asked for by requests in the queue. That is below the alert
threshold of $threshold_percent% of the seats purchased.

Please procure more seats if needed, and record them on Admin > Seats.
"""),
    _spec(JUNE_REVIEW_OPEN, "June review open (Q5)", "The campus's eComm specialists",
          _JUNE,
          "June review: confirm or remove your $active_users active eComm users ($campus)",
          """
Hello,

The June review of $year is open. Before July billing, please review every active eComm user
of $campus ($active_users) on the June review page: keep each one, or remove them (a removal
becomes a deprovisioning request).

Please finish, and submit any provisioning requests, by $last_business_day, the last business
day of June, so July's invoice is right.
"""),
    _spec(JUNE_REVIEW_REMINDER, "June review: a week left (Q5)", "The campus's eComm specialists",
          _JUNE,
          "June review: $to_review of $active_users users of $campus still to review",
          """
Hello,

$to_review of the $active_users active eComm users of $campus have not been reviewed yet in
the June review of $year. Please keep or remove each of them on the June review page by
$last_business_day, the last business day of June.
"""),
)


# -- rules revision 2: the license's life (C5, C7) ------------------------------------------------
GROUP_CHANGE_DONE = "group_change_done"
SYSTEM_TASK = "system_task"

REV2_LICENSE_LIFE = (
    _spec(GROUP_CHANGE_DONE, "Group change completed (C5)",
          "The specialist who asked for it; the license's eComm specialists cc'd",
          {**_SPEC, "request_id": "The group change's request id, e.g. R-000123",
           "business_units": "The license's business units after the change",
           "public_groups": "The license's public groups after the change"},
          "Group change $request_id completed ($license_number)",
          """
Hello,

The System team completed your group change $request_id for $full_name ($license_number,
$campus). The license record is now in:

Business units: $business_units
Public groups: $public_groups
"""),
    _spec(SYSTEM_TASK, "System team task opened (C7)", "The System team",
          {**_SPEC, "request_id": "The request's id, e.g. R-000123",
           "kind": "The kind of request (provisioning, change, group change)",
           "reasons": "What to prepare, one per line",
           "cycle": "The batch the request joins ('off-cycle' for a group change)",
           "submitted_by": "Who submitted the request"},
          "Prepare for $request_id: $full_name ($campus)",
          """
Hello,

$submitted_by submitted $kind request $request_id for $full_name ($license_number, $campus),
batch $cycle. It needs advance preparation:

$reasons

Close the task on the Batch page when it is done.
"""),
)
