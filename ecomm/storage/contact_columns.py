"""The contact columns and open request statuses the contact queries share."""

# Request statuses still waiting for a batch (see the requests table).
OPEN_REQUEST_STATUSES = ("pending", "held")

EMAIL_COLUMNS = ("email", "ucb_email", "ucd_email", "anschutz_email", "uccs_email",
                 "cu_system_email")
CONTACT_COLUMNS = ("contact_id", "last_name", "first_name", "email", "employee_id", "ucb_email",
                   "ucd_email", "anschutz_email", "uccs_email", "cu_system_email", "poi",
                   "poi_active")
