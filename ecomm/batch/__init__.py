"""The monthly batch (C1-C6): ``plan`` decides from plain values, ``service`` previews and
processes with storage (one transaction, once per cycle), ``export`` writes the new users."""
from ecomm.batch.models import (BatchOutcome, BatchPlan, BatchRecord, CycleDates,
                                DeprovisionItem, HeldItem, ProvisionItem)
from ecomm.batch.service import (batch_record, current_cycle, cycle_choices, cycle_dates,
                                 default_processing_day, due_cycle, new_users_credentials_date,
                                 preview_batch, process_batch, processed_batches,
                                 processing_refusal, set_credentials_date)

__all__ = [
    "BatchOutcome", "BatchPlan", "BatchRecord", "CycleDates", "DeprovisionItem", "HeldItem",
    "ProvisionItem", "batch_record", "current_cycle", "cycle_choices", "cycle_dates",
    "default_processing_day", "due_cycle", "new_users_credentials_date", "preview_batch",
    "process_batch", "processed_batches", "processing_refusal", "set_credentials_date",
]
