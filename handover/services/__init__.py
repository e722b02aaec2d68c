"""Writes for documents and handovers. Each checks who may act (access.py) and says
why when it refuses."""

from .deliverables import deliverable_document_link, deliverable_document_unlink
from .documents import (
    access_record,
    document_upload,
    document_version_add,
    version_download,
)
from .handovers import (
    handover_access_end_set,
    handover_access_revoke,
    handover_acknowledge,
    handover_item_download,
    handover_prepare,
    handover_query,
    handover_send,
    handover_withdraw,
)

__all__ = [
    "access_record",
    "deliverable_document_link",
    "deliverable_document_unlink",
    "document_upload",
    "document_version_add",
    "handover_access_end_set",
    "handover_access_revoke",
    "handover_acknowledge",
    "handover_item_download",
    "handover_prepare",
    "handover_query",
    "handover_send",
    "handover_withdraw",
    "version_download",
]
