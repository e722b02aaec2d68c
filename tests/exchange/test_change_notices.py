"""Every change told: the people a secondment change or a withdrawal concerns hear of it,
in the portal and by email as they prefer; the person who made the change does not."""

import datetime

import pytest
import time_machine
from django.core import mail

from exchange import services
from exchange.models import Secondment
from notifications.kinds import KINDS, Delivery
from notifications.models import Notification, Preference
from notifications.services import reminder_deliver_due
from tests.factories import UserFactory

from .test_secondment_services import finish_mandatory

pytestmark = pytest.mark.django_db


def told(kind) -> set[str]:
    """Full names of the people given a notice of ``kind``."""
    return set(
        Notification.objects.filter(kind=kind).values_list("recipient__full_name", flat=True)
    )


def emailed(kind_subject: str) -> set[str]:
    """Addresses that received an email whose subject contains ``kind_subject``."""
    return {message.to[0] for message in mail.outbox if kind_subject in message.subject}


def emails_of(*people) -> set[str]:
    return {person.email for person in people}


def test_every_new_kind_is_listed_for_preferences():
    for key in (
        "application_withdrawn",
        "secondment_ready",
        "secondment_started",
        "secondment_dates_changed",
        "secondment_cancelled",
        "secondment_ended_early",
        "secondment_supervisor_named",
    ):
        assert KINDS[key].group == "event"
        assert not KINDS[key].mandatory


def test_marked_ready_tells_everyone_concerned_but_the_actor(world):
    _, secondment = world.accepted()
    finish_mandatory(world, secondment)
    mail.outbox.clear()
    services.secondment_mark_ready(secondment=secondment, actor=world.uk_manager)

    assert told("secondment_ready") == {
        "Uma Staff",
        "Ari Supervisor",
        "Ugo Programmes",
        "Ada Programmes",
    }
    reminder_deliver_due()
    subject = f"The secondment {secondment.reference} is ready to start"
    assert emailed(subject) == emails_of(
        world.uk_staff, world.au_supervisor, world.uk_pm, world.au_pm
    )
    (notice,) = Notification.objects.filter(kind="secondment_ready", recipient=world.uk_staff)
    assert notice.url == secondment.get_absolute_url()


def test_started_tells_everyone_concerned_but_the_actor(world):
    _, secondment = world.accepted()
    Secondment.objects.filter(pk=secondment.pk).update(status=Secondment.Status.READY)
    with time_machine.travel(datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC), tick=False):
        services.secondment_start(secondment=secondment, actor=world.au_pm)
        reminder_deliver_due()
    assert told("secondment_started") == {
        "Uma Staff",
        "Una Manager",
        "Ari Supervisor",
        "Ugo Programmes",
    }
    assert world.au_pm.email not in emailed("has started")
    assert world.uk_staff.email in emailed("has started")


def test_re_dated_tells_the_new_dates_and_the_reason(world):
    _, secondment = world.accepted()
    services.secondment_change_dates(
        secondment=secondment,
        actor=world.uk_pm,
        start_date=datetime.date(2026, 10, 1),
        end_date=datetime.date(2027, 6, 1),
        reason="Project extended",
    )
    assert told("secondment_dates_changed") == {
        "Uma Staff",
        "Una Manager",
        "Ari Supervisor",
        "Ada Programmes",
    }
    notice = Notification.objects.get(kind="secondment_dates_changed", recipient=world.uk_staff)
    assert notice.subject.endswith("now runs from 1 October 2026 to 1 June 2027")
    assert notice.body == "Project extended"


def test_cancelled_tells_the_reason_and_not_the_unrelated(world):
    _, secondment = world.accepted()
    services.secondment_cancel(secondment=secondment, actor=world.au_pm, reason="Budget")
    assert told("secondment_cancelled") == {
        "Uma Staff",
        "Una Manager",
        "Ari Supervisor",
        "Ugo Programmes",
    }
    assert set(
        Notification.objects.filter(kind="secondment_cancelled").values_list("body", flat=True)
    ) == {"Budget"}
    for unrelated in (world.au_staff, world.au_manager, world.outsider, world.au_pm):
        assert not Notification.objects.filter(
            recipient=unrelated, kind="secondment_cancelled"
        ).exists()


def test_ended_early_tells_everyone_concerned_but_the_actor(world):
    _, secondment = world.accepted()
    Secondment.objects.filter(pk=secondment.pk).update(status=Secondment.Status.ACTIVE)
    services.secondment_end_early(
        secondment=secondment,
        actor=world.uk_manager,
        end_date=datetime.date(2027, 1, 15),
        reason="Ill health",
    )
    assert told("secondment_ended_early") == {
        "Uma Staff",
        "Ari Supervisor",
        "Ugo Programmes",
        "Ada Programmes",
    }


def test_naming_a_supervisor_tells_them_and_the_others(world):
    _, secondment = world.accepted()
    newcomer = UserFactory(institute=world.au, full_name="Nia Supervisor")
    services.secondment_set_host_supervisor(
        secondment=secondment, actor=world.au_pm, host_supervisor=newcomer
    )
    assert told("secondment_supervisor_named") == {
        "Uma Staff",
        "Una Manager",
        "Nia Supervisor",
        "Ugo Programmes",
    }
    reminder_deliver_due()
    assert world.outsider.email not in emailed("is the host supervisor")
    assert newcomer.email in emailed("Nia Supervisor is the host supervisor")


def test_a_preference_off_keeps_the_notice_but_sends_no_email(world):
    _, secondment = world.accepted()
    Preference.objects.create(
        user=world.uk_staff, kind="secondment_cancelled", delivery=Delivery.OFF
    )
    Preference.objects.create(
        user=world.uk_pm, kind="secondment_cancelled", delivery=Delivery.DIGEST
    )
    mail.outbox.clear()
    services.secondment_cancel(secondment=secondment, actor=world.au_pm, reason="Budget")
    reminder_deliver_due()
    assert "Uma Staff" in told("secondment_cancelled")
    assert emailed("was cancelled") == emails_of(world.uk_manager, world.au_supervisor)


# --- withdrawals -----------------------------------------------------------------------


def test_a_withdrawn_draft_tells_no_one(world):
    application = world.draft()
    services.application_withdraw(application=application, actor=world.uk_staff)
    assert told("application_withdrawn") == set()


def test_withdrawn_before_endorsement_tells_the_line_manager_only(world):
    application = world.submitted()
    services.application_withdraw(
        application=application, actor=world.uk_staff, reason="Family reasons"
    )
    assert told("application_withdrawn") == {"Una Manager"}
    notice = Notification.objects.get(kind="application_withdrawn")
    assert notice.body == "Family reasons"
    assert notice.url == application.get_absolute_url()
    reminder_deliver_due()
    assert emailed("withdrew their exchange application") == emails_of(world.uk_manager)


def test_withdrawn_after_endorsement_tells_the_host_managers_too(world):
    application = world.endorsed()
    services.application_withdraw(application=application, actor=world.uk_staff)
    # The home side's programme manager is not a host manager.
    assert told("application_withdrawn") == {"Una Manager", "Ada Programmes"}


def test_withdrawn_once_accepted_tells_each_person_once(world):
    application, secondment = world.accepted()
    services.application_withdraw(application=application, actor=world.uk_staff)
    cancelled = told("secondment_cancelled")
    assert cancelled == {"Una Manager", "Ari Supervisor", "Ugo Programmes", "Ada Programmes"}
    assert told("application_withdrawn") & cancelled == set()
    assert "Uma Staff" not in told("application_withdrawn") | cancelled
