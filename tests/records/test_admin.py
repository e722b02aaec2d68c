"""The retention schedule in the admin: who reads it, who changes it (audited, with
history), the dry run scoped to an institute admin's own records, and the run history."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEntry, AuditEvent
from records.models import RetentionRule, RetentionRun
from tests.factories import UserFactory, client_for, enable_totp

from .scene import Scene

pytestmark = pytest.mark.django_db

LATER = datetime.datetime(2027, 8, 10, 9, 0, tzinfo=datetime.UTC)


def admin_of(institute):
    admin = UserFactory(institute=institute, roles=[Role.INSTITUTE_ADMIN])
    enable_totp(admin)
    return admin


def superuser():
    user = UserFactory(is_superuser=True, is_staff=True)
    enable_totp(user)
    return user


@pytest.fixture
def scene():
    return Scene()


def rule():
    return RetentionRule.objects.get(record_type="notifications.notifications")


def change_url():
    return reverse("admin:records_retentionrule_change", args=[rule().pk])


def test_institute_admins_read_the_schedule_but_do_not_change_it(scene):
    client = client_for(admin_of(scene.world.uk))
    assert client.get(reverse("admin:records_retentionrule_changelist")).status_code == 200
    page = client.get(change_url())
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    refused = client.post(change_url(), {"period_months": "1", "enabled": "on"})
    assert refused.status_code == 403
    assert rule().period_months == 12


def test_staff_who_are_not_admins_see_nothing(scene):
    staff = UserFactory(institute=scene.world.uk, is_staff=True)
    enable_totp(staff)
    client = client_for(staff)
    assert client.get(reverse("admin:records_retentionrule_changelist")).status_code == 403
    assert client.get(reverse("admin:records_retentionrule_dry_run")).status_code == 403
    assert (
        client_for(scene.world.uk_staff)
        .get(reverse("admin:records_retentionrule_dry_run"))
        .status_code
        == 302
    )


def test_a_superuser_changes_a_rule_with_history_and_an_audit_entry(scene):
    client = client_for(superuser())
    answer = client.post(
        change_url(), {"period_months": "18", "enabled": "on", "notes": "Agreed at the board."}
    )
    assert answer.status_code == 302
    changed = rule()
    assert changed.period_months == 18 and changed.notes == "Agreed at the board."
    assert changed.history.count() >= 1
    entry = AuditEntry.objects.get(event=AuditEvent.RETENTION, object_id=str(changed.pk))
    assert entry.old_values["period_months"] == 12
    assert entry.new_values["period_months"] == 18


@pytest.mark.parametrize(
    "period, notes",
    [
        ("0", ""),
        ("121", ""),
        ("-5", ""),
        ("twelve", ""),
        ("", ""),
        ("12", "x" * 2001),
        ("12", "nul\x00byte"),
        ("99999999999999999999", ""),
    ],
)
def test_a_bad_period_or_note_is_refused_with_a_message(scene, period, notes):
    client = client_for(superuser())
    answer = client.post(change_url(), {"period_months": period, "enabled": "on", "notes": notes})
    assert answer.status_code == 200
    assert answer.context["adminform"].form.errors
    assert rule().period_months == 12


def test_the_dry_run_shows_each_type_and_changes_nothing(scene):
    admin = superuser()
    assert client_for(admin).get(reverse("admin:records_retentionrule_dry_run")).status_code == 200
    with time_machine.travel(LATER, tick=False):
        # Signed in on the day of the dry run (sessions last hours).
        page = client_for(admin).post(reverse("admin:records_retentionrule_dry_run"))
    assert page.status_code == 200
    report = page.context["report"]
    counts = report.counts
    assert counts["exchange.closed_applications"] >= 1
    assert counts["notifications.notifications"] >= 1
    html = page.content.decode()
    assert "Withdrawn and declined applications" in html
    assert reverse("admin:exchange_application_change", args=[scene.withdrawn.pk]) in html
    assert scene.alive()["exchange.closed_applications"]
    run = RetentionRun.objects.get()
    assert run.dry_run and run.institute is None


def test_an_institute_admins_dry_run_shows_their_own_institutes_records_only(scene):
    uk_admin, au_admin = admin_of(scene.world.uk), admin_of(scene.world.au)
    with time_machine.travel(LATER, tick=False):
        uk = client_for(uk_admin).post(reverse("admin:records_retentionrule_dry_run"))
        au = client_for(au_admin).post(reverse("admin:records_retentionrule_dry_run"))

    def samples(page, key):
        entry = next(t for t in page.context["report"].types if t.key == key)
        return {s.pk for s in entry.samples}

    # The notification went to a UK person: the UK admin sees it, the AU admin does not.
    assert scene.notification.pk in samples(uk, "notifications.notifications")
    assert scene.notification.pk not in samples(au, "notifications.notifications")
    assert "Your application was withdrawn" not in au.content.decode()
    assert "You see your own institute" in au.content.decode()
    # Each admin's dry run is theirs; the AU admin's run history does not show the UK one.
    uk_run = RetentionRun.objects.get(institute=scene.world.uk)
    history = client_for(au_admin).get(reverse("admin:records_retentionrun_changelist"))
    assert uk_run not in history.context["cl"].result_list
    assert client_for(au_admin).get(
        reverse("admin:records_retentionrun_change", args=[uk_run.pk])
    ).status_code in (302, 404)


def test_the_run_history_is_read_only(scene):
    run = RetentionRun.objects.create(counts={"x": 1})
    client = client_for(superuser())
    page = client.get(reverse("admin:records_retentionrun_change", args=[run.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert (
        client.get(reverse("admin:records_retentionrun_delete", args=[run.pk])).status_code == 403
    )


def test_an_institute_admin_cannot_revert_a_rule_from_its_history(scene):
    client = client_for(superuser())
    client.post(change_url(), {"period_months": "18", "enabled": "on", "notes": ""})
    past = rule().history.order_by("history_id").first()
    url = reverse("admin:records_retentionrule_simple_history", args=[rule().pk, past.history_id])
    admin = client_for(admin_of(scene.world.uk))
    assert (
        admin.get(reverse("admin:records_retentionrule_history", args=[rule().pk])).status_code
        == 200
    )
    refused = admin.post(url, {"period_months": "3", "enabled": "on", "notes": ""})
    assert refused.status_code == 403
    assert rule().period_months == 18
