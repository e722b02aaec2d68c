"""Upload checks: type by content and by name, size, encoding, and streaming in chunks."""

import hashlib
import io
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from handover.demo import sample_csv, sample_docx, sample_pdf
from portal import uploads


def png_bytes() -> bytes:
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("data/readme.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [
        ("report.pdf", sample_pdf(), "application/pdf"),
        ("notes.docx", sample_docx(), uploads.DOCX),
        ("results.csv", sample_csv(), "text/csv"),
        ("readme.txt", "Café notes – UTF-8 ✓\n".encode(), "text/plain"),
        ("chart.png", png_bytes(), "image/png"),
        ("bundle.zip", plain_zip(), "application/zip"),
    ],
)
def test_allowed_files_are_accepted_with_their_facts(name, content, media_type):
    """An allowed file passes, with size, SHA-256 and media type from its content."""
    facts = uploads.inspect_upload(
        SimpleUploadedFile(name, content), allowed=uploads.DOCUMENT_TYPES
    )
    assert facts.size == len(content)
    assert facts.sha256 == hashlib.sha256(content).hexdigest()
    assert facts.media_type == media_type
    assert facts.original_name == name


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 100, "type"),
        ("script.html", b"<script>alert(1)</script>", "type"),
        ("no-extension", b"hello", "type"),
        ("report.pdf", b"MZ\x90\x00 not a pdf at all", "disguised"),
        ("chart.png", sample_pdf(), "disguised"),
        ("notes.docx", plain_zip(), "disguised"),
        ("notes.docx", sample_pdf(), "disguised"),
        ("results.csv", png_bytes(), "disguised"),
        ("results.csv", "naïve café".encode("latin-1"), "encoding"),
        ("results.txt", b"abc\x00def", "disguised"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_bad_files_are_refused_with_a_reason(name, content, code):
    """Wrong types, renamed files, non-UTF-8 text and empty files are refused."""
    with pytest.raises(ValidationError) as caught:
        uploads.inspect_upload(SimpleUploadedFile(name, content), allowed=uploads.DOCUMENT_TYPES)
    assert caught.value.code == code
    assert caught.value.messages[0]


def test_no_file_is_refused():
    """Nothing chosen: the message says to choose a file."""
    with pytest.raises(ValidationError, match="Choose a file"):
        uploads.inspect_upload(None, allowed=uploads.DOCUMENT_TYPES)


def test_a_file_over_the_size_limit_is_refused(settings):
    """The size limit comes from settings.UPLOAD_MAX_BYTES."""
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="smaller than") as caught:
        uploads.inspect_upload(
            SimpleUploadedFile("big.csv", b"a,b\n" * 400), allowed=uploads.DOCUMENT_TYPES
        )
    assert caught.value.code == "too_big"


class ChunkSpy(TemporaryUploadedFile):
    """A temporary upload (as Django makes for large files) that records each chunk read."""

    def chunks(self, chunk_size=None):
        for chunk in super().chunks(chunk_size):
            self.seen.append(len(chunk))
            yield chunk


def test_checksum_of_a_multi_megabyte_upload_is_computed_in_chunks():
    """A 12 MB file is hashed in 64 KiB chunks and never held whole in memory."""
    size = 12 * 1024 * 1024
    block = b"0123456789abcdef,evaluation,score\n" * 1024
    upload = ChunkSpy("large.csv", "text/csv", size, "utf-8")
    upload.seen = []
    expected = hashlib.sha256()
    written = 0
    while written < size:
        piece = block[: size - written]
        upload.write(piece)
        expected.update(piece)
        written += len(piece)
    upload.seek(0)

    tracemalloc.start()
    try:
        facts = uploads.inspect_upload(upload, allowed=uploads.DOCUMENT_TYPES)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        upload.close()

    assert facts.size == size
    assert facts.sha256 == expected.hexdigest()
    assert max(upload.seen) <= uploads.CHUNK_SIZE
    assert len(upload.seen) == size // uploads.CHUNK_SIZE
    assert peak < 2 * 1024 * 1024, f"peak {peak} bytes: the file was read whole"


def test_stored_files_get_generated_names_and_can_be_hashed_back(settings):
    """Stored names never reuse the person's file name; the stored bytes hash the same."""
    content = sample_pdf("stored")
    name = uploads.store_upload(
        SimpleUploadedFile("../../etc/passwd.pdf", content), folder="handover"
    )
    assert name.startswith("handover/")
    assert "passwd" not in name
    assert uploads.stored_sha256(name) == hashlib.sha256(content).hexdigest()


# --- compressed "bombs" ----------------------------------------------------------------


def _odt_bomb(mimetype_bytes: int) -> bytes:
    """A real .odt-shaped ZIP whose ``mimetype`` member deflates from megabytes of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype", uploads.ODT.encode() + b"\x00" * (mimetype_bytes - len(uploads.ODT))
        )
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def test_a_compressed_bomb_is_refused_without_expanding_it():
    """An .odt whose mimetype member expands ~1000 times is refused with a clear message,
    and checking it never holds the expanded member in memory (the old check read it all)."""
    bomb = _odt_bomb(64 * 1024 * 1024)
    assert len(bomb) < 256 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as caught:
            uploads.inspect_upload(SimpleUploadedFile("notes.odt", bomb), allowed=uploads.CV_TYPES)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "compression"
    assert "expands to far more than the file itself" in caught.value.messages[0]
    assert peak < 8 * 1024 * 1024


def test_a_member_that_passes_the_ratio_check_is_still_read_only_a_little(monkeypatch):
    """Reading the mimetype member is bounded by itself, not only by the ratio check: with
    that check out of the way (as for a member whose header lies about its size), only a
    small prefix of the member is ever read."""
    bomb = _odt_bomb(8 * 1024 * 1024)
    monkeypatch.setattr(uploads, "RATIO_CHECKED_FROM", 10**12)
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as caught:
            uploads.inspect_upload(SimpleUploadedFile("notes.odt", bomb), allowed=uploads.CV_TYPES)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The first 4 KiB of the member is the media type and zeros: not an ODT's mimetype.
    assert caught.value.code == "disguised"
    assert peak < 4 * 1024 * 1024


def test_a_plain_zip_bomb_is_refused_too():
    """A .zip upload whose member expands hundreds of times is refused as well."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\x00" * (16 * 1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        uploads.inspect_upload(
            SimpleUploadedFile("bundle.zip", out.getvalue()), allowed=uploads.DOCUMENT_TYPES
        )
    assert caught.value.code == "compression"


def test_an_ordinary_odt_is_still_accepted():
    """A small, real ODT (modest compression) passes the bounded check."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", uploads.ODT, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content>" + "text " * 2000 + "</x>")
    facts = uploads.inspect_upload(
        SimpleUploadedFile("notes.odt", out.getvalue()), allowed=uploads.CV_TYPES
    )
    assert facts.media_type == uploads.ODT
