"""A person's download of their own data: what it holds, that it holds nobody else's,
and that it is limited, bounded and recorded."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from audit.models import AuditEntry, AuditEvent
from records import subject_access
from tests.exchange.factories import PDF_BYTES
from tests.factories import client_for

from .scene import Scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return Scene()


def download(user):
    answer = client_for(user).post(reverse("my_data"))
    assert answer.status_code == 200, answer.status_code
    assert answer["Content-Type"] == "application/zip"
    assert "attachment" in answer["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content)))


def section(archive, name):
    return json.loads(archive.read(f"{name}.json"))["entries"]


def test_the_page_explains_and_offers_the_download(client, scene):
    anonymous = client.get(reverse("my_data"))
    assert anonymous.status_code == 302
    page = client_for(scene.world.uk_staff).get(reverse("my_data"))
    assert page.status_code == 200
    assert "Your exchange applications" in page.content.decode()


def test_the_download_holds_the_persons_own_records_and_files(scene):
    archive = download(scene.world.uk_staff)
    names = archive.namelist()
    assert "README.txt" in names
    (account,) = section(archive, "account")
    assert account["email"] == scene.world.uk_staff.email
    applications = section(archive, "exchange-applications")
    assert [a["reference"] for a in applications] == [scene.withdrawn.reference]
    assert applications[0]["history"][-1]["reason"] == "Family reasons"
    cv = [n for n in names if n.startswith("files/exchange-applications/")]
    assert len(cv) == 1 and archive.read(cv[0]) == PDF_BYTES
    handovers = section(archive, "handovers")
    assert [h["reference"] for h in handovers] == [scene.handover.reference]
    assert handovers[0]["direction"] == "sent by you"
    assert "Your application was withdrawn" in [
        n["subject"] for n in section(archive, "notifications")
    ]
    # The documents themselves are not in it: they are the institute's.
    assert not [n for n in names if n.startswith("files/handovers")]


def test_the_download_holds_nobody_elses_data(scene):
    archive = download(scene.world.au_staff)
    everything = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8", "replace")
    applications = section(archive, "exchange-applications")
    assert [a["reference"] for a in applications] == [scene.accepted.reference]
    # Not the UK applicant's application, notification, email or reasons.
    assert scene.withdrawn.reference not in everything
    assert "Family reasons" not in everything
    assert "Your application was withdrawn" not in everything
    assert scene.world.uk_staff.email not in everything
    # A handover they received is listed, and what they uploaded as evidence is theirs.
    assert [h["direction"] for h in section(archive, "handovers")] == ["sent to you"]
    assert [n for n in archive.namelist() if n.startswith("files/exchange-checklists/")]
    # Entries of the audit log they made, never other people's sign-ins.
    assert all(
        e["by_you"] for e in section(archive, "audit-log") if e["record_type"] != "accounts.user"
    )


def test_each_download_is_recorded_and_limited(scene, settings):
    settings.SUBJECT_ACCESS_PER_HOUR = 2
    client = client_for(scene.world.uk_staff)
    assert client.post(reverse("my_data")).status_code == 200
    assert client.post(reverse("my_data")).status_code == 200
    limited = client.post(reverse("my_data"))
    assert limited.status_code == 429
    assert "Try again later" in limited.content.decode()
    assert (
        AuditEntry.objects.filter(
            event=AuditEvent.SUBJECT_ACCESS, actor=scene.world.uk_staff
        ).count()
        == 2
    )
    # Another person's allowance is their own.
    assert client_for(scene.world.au_staff).post(reverse("my_data")).status_code == 200


def test_files_beyond_the_size_limit_are_listed_not_copied(scene):
    archive = zipfile.ZipFile(subject_access.build_archive(scene.world.uk_staff, max_file_bytes=10))
    left_out = json.loads(archive.read("files-not-included.json"))["files"]
    assert left_out and left_out[0]["why"] == "over the download's size limit"
    assert not [n for n in archive.namelist() if n.startswith("files/")]


def test_every_section_has_a_unique_name_and_a_title():
    names = [s.name for s in subject_access.sections()]
    assert len(names) == len(set(names))
    assert {"account", "exchange-applications", "handovers", "audit-log"} <= set(names)
