"""Every write of the exchange, by subject. Each checks who may act (access.py), records
who, when and why, and refuses with a message a person can act on."""

from .applications import (
    application_accept,
    application_create,
    application_decline,
    application_endorse,
    application_return,
    application_submit,
    application_update,
    application_withdraw,
)
from .checklists import (
    checklist_evidence_add,
    checklist_generate,
    checklist_item_fields,
    checklist_item_update,
)
from .clearances import (
    clearance_expiry_problem,
    clearance_level_problem,
    clearance_meets,
    clearance_meets_requirement,
)
from .dates import add_months, validate_period
from .opportunities import (
    opportunity_close,
    opportunity_create,
    opportunity_publish,
    opportunity_update,
)
from .reports import midpoint_review_submit, return_report_submit
from .searches import opportunity_alerts_send, saved_search_create, saved_search_delete
from .secondments import (
    secondment_cancel,
    secondment_change_dates,
    secondment_complete,
    secondment_end_early,
    secondment_mark_ready,
    secondment_set_host_supervisor,
    secondment_start,
)

__all__ = [
    "add_months",
    "application_accept",
    "application_create",
    "application_decline",
    "application_endorse",
    "application_return",
    "application_submit",
    "application_update",
    "application_withdraw",
    "checklist_evidence_add",
    "checklist_generate",
    "checklist_item_fields",
    "checklist_item_update",
    "clearance_expiry_problem",
    "clearance_level_problem",
    "clearance_meets",
    "clearance_meets_requirement",
    "midpoint_review_submit",
    "opportunity_alerts_send",
    "opportunity_close",
    "opportunity_create",
    "opportunity_publish",
    "opportunity_update",
    "return_report_submit",
    "saved_search_create",
    "saved_search_delete",
    "secondment_cancel",
    "secondment_change_dates",
    "secondment_complete",
    "secondment_end_early",
    "secondment_mark_ready",
    "secondment_set_host_supervisor",
    "secondment_start",
    "validate_period",
]
