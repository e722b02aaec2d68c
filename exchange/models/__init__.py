"""Staff exchange: opportunities, applications, secondments and their checklists.

Dates that reminders query set-based (application waiting time, checklist due dates,
clearance and visa expiry, secondment start and end) are real, indexed columns.
"""

from .applications import Application, ApplicationEvent
from .checklists import (
    ChecklistEvidence,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    DueAnchor,
    ItemKind,
    Party,
    SigningMethod,
    VisaRoute,
)
from .clearances import ClearanceRecognition, scheme_of
from .common import ClearanceLevel, Direction, cv_upload_to, evidence_upload_to
from .opportunities import Opportunity
from .quotas import ExchangeQuota, QuotaUnit
from .searches import NO_CLEARANCE, SAVED_SEARCHES_PER_PERSON, SavedSearch
from .secondments import (
    MidpointReview,
    RatingChoice,
    ReturnReport,
    Secondment,
    SecondmentDateChange,
)

__all__ = [
    "Application",
    "ApplicationEvent",
    "ChecklistEvidence",
    "ChecklistItem",
    "ChecklistTemplate",
    "ChecklistTemplateItem",
    "ClearanceLevel",
    "ClearanceRecognition",
    "Direction",
    "DueAnchor",
    "ExchangeQuota",
    "ItemKind",
    "MidpointReview",
    "Opportunity",
    "Party",
    "QuotaUnit",
    "RatingChoice",
    "NO_CLEARANCE",
    "ReturnReport",
    "SAVED_SEARCHES_PER_PERSON",
    "SavedSearch",
    "Secondment",
    "SecondmentDateChange",
    "SigningMethod",
    "VisaRoute",
    "scheme_of",
    # Named by the initial migration's upload_to.
    "cv_upload_to",
    "evidence_upload_to",
]
