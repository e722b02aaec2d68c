"""The audit log itself: append-only, filled in with who, where and which institute, read
in the admin by each institute's admins (their own entries only) and exported as CSV."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from accounts import events
from accounts.models import Role
from audit import services
from audit.models import AuditEntry, AuditEvent
from tests.factories import InstituteFactory, UserFactory, enable_totp

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def admin_of(institute, **extra):
    admin = UserFactory(institute=institute, roles=[Role.INSTITUTE_ADMIN], **extra)
    enable_totp(admin)
    return admin


def test_entries_are_never_changed_or_deleted(clock, uk_user):
    """A stored entry refuses save, delete and queryset update or delete."""
    entry = services.record(event=AuditEvent.SIGN_IN, actor=uk_user, obj=uk_user)

    entry.summary = "edited"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="edited")
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.summary == ""


def test_an_entry_names_the_actor_their_institute_the_record_and_the_address(clock, rf, uk_user):
    """Without being told, the entry takes the actor and address from the request being
    served, and the institute from the actor."""
    request = rf.get("/", REMOTE_ADDR="198.51.100.7")
    request.user = uk_user
    with events.serving(request):
        entry = services.record(event=AuditEvent.USER_CHANGED, obj=uk_user, new={"x": 1})

    assert entry.actor == uk_user
    assert entry.actor_label == uk_user.email
    assert entry.institute == uk_user.institute
    assert entry.ip == "198.51.100.7"
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(uk_user.pk))
    assert entry.at == NOW


def test_a_missing_recorder_is_an_error_not_silence(monkeypatch):
    """accounts writes to the audit log through the recorder the audit app names."""
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setattr(events, "_recorder", {})
    with pytest.raises(ImproperlyConfigured):
        events.record(event=AuditEvent.SIGN_IN)


def test_each_admin_reads_their_own_institutes_entries_read_only(clock, client):
    """The AU admin sees entries by AU people and about AU records, not UK-only ones;
    a superuser sees all; nobody adds, changes or deletes an entry."""
    uk, au = InstituteFactory(uk=True), InstituteFactory(au=True)
    uk_person, au_person = UserFactory(institute=uk), UserFactory(institute=au)
    uk_only = services.record(event=AuditEvent.SIGN_IN, actor=uk_person, summary="uk-only")
    au_own = services.record(event=AuditEvent.SIGN_IN, actor=au_person, summary="au-own")
    about_au = services.record(
        event=AuditEvent.FILE_DOWNLOADED, actor=uk_person, object_institute=au, summary="about-au"
    )
    admin = admin_of(au)
    client.force_login(admin)

    page = client.get(reverse("admin:audit_auditentry_changelist"))

    assert page.status_code == 200
    shown = set(page.context["cl"].result_list)
    assert {au_own, about_au} <= shown
    assert uk_only not in shown
    assert client.get(reverse("admin:audit_auditentry_change", args=[uk_only.pk])).status_code in (
        302,
        404,
    )
    assert client.get(reverse("admin:audit_auditentry_change", args=[au_own.pk])).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    response = client.post(reverse("admin:audit_auditentry_delete", args=[au_own.pk]), {"post": 1})
    assert response.status_code in (403, 302)
    assert AuditEntry.objects.filter(pk=au_own.pk).exists()

    superuser = UserFactory(institute=uk, is_staff=True, is_superuser=True)
    enable_totp(superuser)
    client.force_login(superuser)
    shown = set(client.get(reverse("admin:audit_auditentry_changelist")).context["cl"].result_list)
    assert {uk_only, au_own, about_au} <= shown


def test_staff_who_are_not_admins_cannot_read_the_log(clock, client, uk_institute):
    """Admin-site access alone does not open the audit log."""
    staff = UserFactory(institute=uk_institute, is_staff=True)
    enable_totp(staff)
    client.force_login(staff)

    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_export")).status_code == 403


def test_the_admin_filters_by_event(clock, client, uk_institute):
    """The list filters by event type (and institute, record type and date)."""
    person = UserFactory(institute=uk_institute)
    signed_in = services.record(event=AuditEvent.SIGN_IN, actor=person)
    failed = services.record(event=AuditEvent.SIGN_IN_FAILED, institute=uk_institute)
    client.force_login(admin_of(uk_institute))

    page = client.get(reverse("admin:audit_auditentry_changelist"), {"event": "sign_in_failed"})

    shown = list(page.context["cl"].result_list)
    assert failed in shown and signed_in not in shown


def _export(client, start, end, what="log"):
    return client.post(
        reverse("admin:audit_auditentry_export"), {"start": start, "end": end, "what": what}
    )


def _rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_the_export_is_the_admins_entries_in_the_range_formula_safe(clock, client):
    """Only the range (on the admin's clock), only their institute's entries, every text
    cell safe to open in a spreadsheet, and the export itself is recorded."""
    uk, au = InstituteFactory(uk=True), InstituteFactory(au=True)
    person = UserFactory(institute=uk, email="=cmd@example.org")
    with time_machine.travel(NOW - datetime.timedelta(days=10), tick=False):
        services.record(event=AuditEvent.SIGN_IN, actor=person, summary="too early")
    in_range = services.record(
        event=AuditEvent.USER_CHANGED,
        actor=person,
        obj=person,
        old={"nationality": "GBR"},
        new={"nationality": "AUS"},
        summary='=HYPERLINK("http://x")',
    )
    services.record(event=AuditEvent.SIGN_IN, actor=UserFactory(institute=au), summary="AU")
    admin = admin_of(uk)
    client.force_login(admin)

    response = _export(client, "2026-11-20", "2026-11-27")

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="audit-log-2026-11-20-to-2026-11-27.csv"'
    )
    assert "private, no-store" in response["Cache-Control"]
    assert response.streaming
    rows = _rows(response)
    summaries = [row["Summary"] for row in rows]
    assert "too early" not in summaries and "AU" not in summaries
    (row,) = [row for row in rows if row["Summary"] == '\'=HYPERLINK("http://x")']
    assert row["Who"] == "'=cmd@example.org"
    assert row["Event"] == in_range.get_event_display()
    assert row["Institute"] == "UK-AISI"
    assert '"AUS"' in row["New values"] and '"GBR"' in row["Old values"]
    assert AuditEntry.objects.filter(event=AuditEvent.EXPORTED, actor=admin).exists()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-11-27", "2026-11-20", "on or after the start"),
        ("2019-12-31", "2020-01-05", "Enter a date from"),
        ("2026-11-20", "2026-11-28", "no later than today"),
        ("2025-01-01", "2026-11-27", "at most a year"),
        ("not-a-date", "2026-11-27", "Enter a valid date"),
        ("", "", "This field is required"),
    ],
)
def test_export_dates_are_bounded_with_a_clear_message(
    clock, client, uk_institute, start, end, message
):
    """A bad range is refused on the form, never a 500 and never a file."""
    client.force_login(admin_of(uk_institute))

    response = _export(client, start, end)

    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert message in response.content.decode()
    assert not AuditEntry.objects.filter(event=AuditEvent.EXPORTED).exists()


def test_the_export_form_opens_from_the_list(clock, client, uk_institute):
    """The list links to the export; its page is a form with the two dates."""
    client.force_login(admin_of(uk_institute))

    listing = client.get(reverse("admin:audit_auditentry_changelist")).content.decode()
    page = client.get(reverse("admin:audit_auditentry_export"))

    assert reverse("admin:audit_auditentry_export") in listing
    assert page.status_code == 200
    assert 'name="start"' in page.content.decode() and 'name="end"' in page.content.decode()


def test_deleting_a_person_keeps_their_entries_and_who_they_were(clock, uk_institute):
    """The entry outlives the account: the link empties, the address stays."""
    person = UserFactory(institute=uk_institute, email="gone@example.org")
    entry = services.record(event=AuditEvent.SIGN_IN, actor=person, obj=person)

    person.delete()

    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.actor_label == "gone@example.org"
    assert entry.object_id and entry.institute == uk_institute
