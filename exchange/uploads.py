"""Checks for uploaded CVs and evidence: size, and type by content as well as by name."""

from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
PNG = "image/png"
JPEG = "image/jpeg"

# Media type detected from the content -> file name endings that may carry it.
CV_TYPES = {PDF: {".pdf"}, DOCX: {".docx"}, ODT: {".odt"}}
EVIDENCE_TYPES = {**CV_TYPES, PNG: {".png"}, JPEG: {".jpg", ".jpeg"}}


@dataclass(frozen=True)
class CheckedUpload:
    file: UploadedFile
    original_name: str
    content_type: str
    size: int


def _describe(allowed: dict[str, set[str]]) -> str:
    endings = sorted(
        {ending.lstrip(".").upper() for endings in allowed.values() for ending in endings}
    )
    return ", ".join(endings[:-1]) + " or " + endings[-1] if len(endings) > 1 else endings[0]


def check_upload(upload: UploadedFile, *, allowed: dict[str, set[str]], what: str) -> CheckedUpload:
    """Refuse a file that is too large, empty, or not what its name claims."""
    limit = settings.UPLOAD_MAX_BYTES
    name = PurePath(upload.name or "").name[:255]
    if upload.size is None or upload.size == 0:
        raise ValidationError(f"The selected {what} is empty.")
    if upload.size > limit:
        raise ValidationError(f"The selected {what} must be smaller than {filesizeformat(limit)}.")
    ending = PurePath(name).suffix.lower()
    if not any(ending in endings for endings in allowed.values()):
        raise ValidationError(f"The selected {what} must be a {_describe(allowed)} file.")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in allowed or ending not in allowed[kind.mime]:
        raise ValidationError(
            f"The selected {what} is not a real {ending.lstrip('.').upper()} file. "
            f"Upload a {_describe(allowed)} file."
        )
    return CheckedUpload(file=upload, original_name=name, content_type=kind.mime, size=upload.size)


def attachment_response(field_file, *, filename: str, content_type: str) -> FileResponse:
    """Serve a stored file as a download that the browser will not sniff or render."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("The file is no longer stored.") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
