"""Files leave the portal one way: as a download the browser neither sniffs nor renders,
never cached, never served from a public URL. Exports use the same headers, and every
text cell they write goes through ``csv_safe``."""

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse

from audit import services as audit_services

# The one formula guard, shared with the audit log's export (an app below this one).
from audit.exports import FORMULA_PREFIXES, csv_safe  # noqa: F401
from audit.models import AuditEvent


def safe_filename(text: str) -> str:
    """A download name of letters, digits, dots, spaces and hyphens only."""
    cleaned = re.sub(r"[^A-Za-z0-9._ -]+", "-", text).strip(" .-")
    return re.sub(r"\s+", " ", cleaned)[:180] or "file"


def _private(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_response(
    stored, *, filename: str, content_type: str, request, about, institute=None
) -> FileResponse:
    """A stored file (a FieldFile, or a name in the default storage) as a download.

    The download is recorded in the audit log: who, from where, which record (``about``)
    and the institute that record belongs to (``institute``), whose admins see it too.
    """
    try:
        handle = stored.open("rb") if hasattr(stored, "open") else default_storage.open(stored)
    except (FileNotFoundError, OSError) as exc:
        raise Http404("The file is no longer stored.") from exc
    audit_services.record(
        event=AuditEvent.FILE_DOWNLOADED,
        actor=request.user,
        obj=about,
        object_institute=institute,
        request=request,
        summary=f"Downloaded {filename}."[:500],
    )
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _private(response)


def export_response(body, *, filename: str, content_type: str) -> HttpResponse:
    """A file the portal writes (CSV, XLSX, JSON): ``body`` whole, or an iterator that is
    streamed as it is produced."""
    if isinstance(body, str | bytes):
        response = HttpResponse(body, content_type=content_type)
    else:
        response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)
