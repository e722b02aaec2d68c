"""verify_custody --files: every stored file re-read and compared with its upload SHA-256."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from .factories import make_document, make_handover, people

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(db):
    p = people()
    first = make_document(p["uk_sender"], title="Evaluation plan")
    second = make_document(p["uk_sender"], title="Results")
    make_handover(p["uk_sender"], [p["au_recipient"]], [first, second])
    return first.versions.get(), second.versions.get()


def run(*args) -> str:
    out = StringIO()
    call_command("verify_custody", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_intact_files_pass(stored):
    """Chains and files both reported intact."""
    output = run("--files")

    assert "Custody intact:" in output
    assert "Files intact: 2 stored files match their SHA-256." in output


def test_an_altered_file_is_named_and_fails(stored):
    """A changed byte in storage fails the check and names the document and version."""
    _, altered = stored
    path = Path(settings.MEDIA_ROOT) / altered.file
    path.write_bytes(path.read_bytes() + b"\n")

    with pytest.raises(CommandError, match="1 of 2 stored files do not match"):
        run("--files")


def test_a_missing_file_is_named(stored):
    """A file lost from storage is reported as missing, with its document."""
    lost, _ = stored
    (Path(settings.MEDIA_ROOT) / lost.file).unlink()
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("verify_custody", "--files", stdout=out, stderr=out)

    assert f"document {lost.document_id} (Evaluation plan) version 1" in out.getvalue()
    assert "missing from storage" in out.getvalue()


def test_without_the_flag_files_are_not_read(stored):
    """The chain check alone stays as it was: files are only read when asked."""
    _, altered = stored
    (Path(settings.MEDIA_ROOT) / altered.file).write_bytes(b"changed")

    output = run()

    assert "Custody intact:" in output and "Files" not in output
