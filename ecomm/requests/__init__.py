"""Request services (issue 3): provisioning, deprovisioning, group changes, agreement fixes,
cancelling, transcript evidence, and the record-page reads. Every service takes the acting
``Identity`` and checks A1-A3 itself; rules come from ``ecomm.rules``, dates from
``ecomm.calendar``, costs from ``ecomm.billing``."""
from ecomm.requests.agreement import record_agreement_fix
from ecomm.requests.cancel import cancel_request
from ecomm.requests.changes import submit_change, update_billing
from ecomm.requests.deprovision import submit_deprovision
from ecomm.requests.evidence import read_evidence, validate_upload
from ecomm.requests.groups import (complete_group_change, list_group_change_queue,
                                   request_group_change)
from ecomm.requests.imported import ImportProblem, check_imported_requests
from ecomm.requests.models import Confirmation, CostLine, Outcome, Upload
from ecomm.requests.provision import submit_provision
from ecomm.requests.records import (ContactRecord, LicenseRecord, contact_record, license_record,
                                    list_requests)

__all__ = [
    "Confirmation", "ContactRecord", "CostLine", "ImportProblem", "LicenseRecord", "Outcome",
    "Upload", "cancel_request", "check_imported_requests", "complete_group_change",
    "contact_record", "license_record", "list_group_change_queue", "list_requests",
    "read_evidence", "record_agreement_fix", "request_group_change", "submit_deprovision",
    "submit_provision", "validate_upload", "submit_change", "update_billing",
]
