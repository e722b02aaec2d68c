"""Files leave the portal one way: as a download the browser neither sniffs nor renders,
never cached, never served from a public URL. Exports use the same headers, and every
text cell they write goes through ``csv_safe``."""

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse

# Spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A text cell that a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_filename(text: str) -> str:
    """A download name of letters, digits, dots, spaces and hyphens only."""
    cleaned = re.sub(r"[^A-Za-z0-9._ -]+", "-", text).strip(" .-")
    return re.sub(r"\s+", " ", cleaned)[:180] or "file"


def _private(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_response(stored, *, filename: str, content_type: str) -> FileResponse:
    """A stored file (a FieldFile, or a name in the default storage) as a download."""
    try:
        handle = stored.open("rb") if hasattr(stored, "open") else default_storage.open(stored)
    except (FileNotFoundError, OSError) as exc:
        raise Http404("The file is no longer stored.") from exc
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
