"""Checking and storing uploaded files: one checker for every upload in the portal.

Every file is read in fixed-size chunks, once to check it (size, type by content, UTF-8 for
text) while its SHA-256 is computed, and once more by the storage backend as it writes. A
large upload therefore never sits whole in memory; Django has already spooled anything
over ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file.

Each use says which types it accepts (``CV_TYPES``, ``EVIDENCE_TYPES``,
``DOCUMENT_TYPES``) and what to call the file in messages ("CV", "file").
"""

import codecs
import hashlib
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat

CHUNK_SIZE = 64 * 1024
SNIFF_BYTES = 8192

# Compressed "bombs": an archive member is only ever read this far, and an archive is
# refused when a member of some size expands more than MAX_COMPRESSION_RATIO times (real
# office documents stay well under 100), when all its members together would expand past
# MAX_EXPANDED_TIMES the upload limit, or when it holds more than MAX_ARCHIVE_MEMBERS.
MEMBER_READ_LIMIT = 4096
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_FROM = 1024 * 1024
MAX_EXPANDED_TIMES = 20
MAX_ARCHIVE_MEMBERS = 10_000

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ZIP = "application/zip"

# Extension -> (media type stored and served, what the content must look like).
FileTypes = dict[str, tuple[str, str]]

DOCUMENT_TYPES: FileTypes = {
    "pdf": (PDF, "pdf"),
    "docx": (DOCX, "ooxml:word/document.xml"),
    "xlsx": (XLSX, "ooxml:xl/workbook.xml"),
    "pptx": (PPTX, "ooxml:ppt/presentation.xml"),
    "odt": (ODT, "odf:" + ODT),
    "ods": (ODS, "odf:" + ODS),
    "csv": ("text/csv", "text"),
    "txt": ("text/plain", "text"),
    "md": ("text/markdown", "text"),
    "png": ("image/png", "image/png"),
    "jpg": ("image/jpeg", "image/jpeg"),
    "jpeg": ("image/jpeg", "image/jpeg"),
    "zip": (ZIP, "zip"),
}


def file_types(*extensions: str) -> FileTypes:
    return {extension: DOCUMENT_TYPES[extension] for extension in extensions}


CV_TYPES = file_types("pdf", "docx", "odt")
EVIDENCE_TYPES = file_types("pdf", "docx", "odt", "png", "jpg", "jpeg")


def describe(allowed: FileTypes) -> str:
    """The accepted types for people: "PDF, DOCX or ODT" (one name per media type)."""
    names: dict[str, str] = {}
    for extension, (media_type, _) in allowed.items():
        names.setdefault(media_type, extension.upper())
    listed = list(names.values())
    return ", ".join(listed[:-1]) + " or " + listed[-1] if len(listed) > 1 else listed[0]


def accept_attribute(allowed: FileTypes) -> str:
    """For the file input's ``accept``: the browser offers these endings first."""
    return ",".join(f".{extension}" for extension in allowed)


@dataclass(frozen=True)
class UploadFacts:
    original_name: str
    size: int
    sha256: str
    media_type: str


def _extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def _wrong_content(name: str, what: str) -> ValidationError:
    return ValidationError(
        f"The selected {what} is not a real {_extension(name).upper()} file: its content is "
        "not what its name says. Upload the original file, not a renamed one.",
        code="disguised",
    )


def _too_big(what: str, limit: int) -> ValidationError:
    return ValidationError(
        f"The selected {what} must be smaller than {filesizeformat(limit)}.", code="too_big"
    )


def _not_utf8(what: str) -> ValidationError:
    return ValidationError(
        f"The selected {what} is not UTF-8 text. Save it as UTF-8 and upload it again.",
        code="encoding",
    )


def inspect_upload(uploaded, *, allowed: FileTypes, what: str = "file") -> UploadFacts:
    """Check an uploaded file and return its facts, streaming it in chunks.

    Raises ``ValidationError`` (with a code) for no file, an empty or oversized file, a
    type not in ``allowed``, or content that does not match the name. ``what`` names the
    file in the message: "The selected CV is empty."
    """
    if uploaded is None:
        raise ValidationError("Choose a file to upload.", code="required")
    name = PurePath(uploaded.name or "").name[:255]
    extension = _extension(name)
    if extension not in allowed:
        raise ValidationError(
            f"The selected {what} must be a {describe(allowed)} file.", code="type"
        )
    media_type, expected = allowed[extension]
    limit = settings.UPLOAD_MAX_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise _too_big(what, limit)

    digest = hashlib.sha256()
    size = 0
    head = b""
    decoder = codecs.getincrementaldecoder("utf-8")() if expected == "text" else None
    uploaded.seek(0)
    for chunk in uploaded.chunks(CHUNK_SIZE):
        size += len(chunk)
        if size > limit:
            raise _too_big(what, limit)
        digest.update(chunk)
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        if decoder is not None:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                if filetype.guess(head) is not None:
                    raise _wrong_content(name, what) from None
                raise _not_utf8(what) from None
            if b"\x00" in chunk:
                raise _wrong_content(name, what)
    if size == 0:
        raise ValidationError(f"The selected {what} is empty.", code="empty")
    if decoder is not None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise _not_utf8(what) from None

    _check_content(uploaded, name=name, head=head, expected=expected, what=what)
    uploaded.seek(0)
    return UploadFacts(
        original_name=name, size=size, sha256=digest.hexdigest(), media_type=media_type
    )


def _check_content(uploaded, *, name: str, head: bytes, expected: str, what: str) -> None:
    kind = filetype.guess(head)
    detected = kind.mime if kind else None
    if expected == "text":
        # Text has no signature; a recognised binary signature means it is not text.
        if detected is not None:
            raise _wrong_content(name, what)
        return
    if expected == "pdf":
        if detected != PDF:
            raise _wrong_content(name, what)
        return
    if expected in {"image/png", "image/jpeg"}:
        if detected != expected:
            raise _wrong_content(name, what)
        return
    # Everything else is a ZIP container; office formats are recognised by their members.
    if not head.startswith(b"PK\x03\x04"):
        raise _wrong_content(name, what)
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            members = archive.infolist()
            if _is_bomb(members):
                raise _compressed_bomb(what)
            if expected == "zip":
                return
            names = {member.filename for member in members}
            if expected.startswith("ooxml:"):
                ok = expected.removeprefix("ooxml:") in names and "[Content_Types].xml" in names
            else:
                ok = "mimetype" in names and _read_member_head(archive, "mimetype").decode(
                    "ascii", "replace"
                ).strip() == expected.removeprefix("odf:")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, EOFError, ValueError):
        ok = False
    if not ok:
        raise _wrong_content(name, what)


def _is_bomb(members: list[zipfile.ZipInfo]) -> bool:
    """Members that say they expand far beyond their compressed size or any upload limit."""
    if len(members) > MAX_ARCHIVE_MEMBERS:
        return True
    if sum(member.file_size for member in members) > (
        settings.UPLOAD_MAX_BYTES * MAX_EXPANDED_TIMES
    ):
        return True
    return any(
        member.file_size >= RATIO_CHECKED_FROM
        and member.file_size > max(member.compress_size, 1) * MAX_COMPRESSION_RATIO
        for member in members
    )


def _read_member_head(archive: zipfile.ZipFile, member: str) -> bytes:
    """At most ``MEMBER_READ_LIMIT`` bytes of a member, whatever its header claims.

    The sizes in a ZIP's headers are the sender's word; reading a bounded prefix keeps a
    member that lies about its size from filling memory.
    """
    with archive.open(member) as handle:
        return handle.read(MEMBER_READ_LIMIT)


def _compressed_bomb(what: str) -> ValidationError:
    return ValidationError(
        f"The selected {what} cannot be accepted: its content expands to far more than the "
        "file itself, which a real document does not do. Save it again from the program "
        "that made it and upload the new copy.",
        code="compression",
    )


def store_upload(uploaded, *, folder: str) -> str:
    """Save under a generated name (never the person's file name) and return that name."""
    uploaded.seek(0)
    return default_storage.save(f"{folder}/{uuid.uuid4().hex}", uploaded)


def stored_sha256(name: str) -> str:
    """SHA-256 of a stored file, read back from storage in chunks (local disk or S3)."""
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()
