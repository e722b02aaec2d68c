"""Exchange quotas: counting person-months and places, the warning and the reason needed
to accept over a quota (page, service), the reciprocity page and the admin."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditEntry, AuditEvent
from exchange import services
from exchange.models import Application, ApplicationEvent, ExchangeQuota, Secondment
from exchange.quotas import amount_by_year, person_months_by_year, quota_excesses, quota_usage
from tests.factories import UserFactory, client_for, enable_totp

S = Application.Status
D = datetime.date


def quota(world, year=2026, direction="UK_AU", agreed="2", unit="months"):
    return ExchangeQuota.objects.create(
        programme=world.programme,
        year=year,
        direction=direction,
        unit=unit,
        agreed=Decimal(agreed),
    )


def uk_person(world, name="Una Other"):
    return UserFactory(institute=world.uk, full_name=name)


# --- counting ----------------------------------------------------------------------------


def test_whole_calendar_months_count_one_each():
    assert person_months_by_year(D(2026, 10, 1), D(2027, 4, 1)) == {2026: 3.0, 2027: 3.0}
    assert person_months_by_year(D(2026, 2, 1), D(2026, 3, 1)) == {2026: 1.0}


def test_a_stay_across_new_year_counts_in_each_year_what_it_spends_there():
    """15 December 2026 to 15 February 2027: 17 of December's 31 days in 2026; January
    and 14 of February's 28 days in 2027. The years add up to the whole stay."""
    months = person_months_by_year(D(2026, 12, 15), D(2027, 2, 15))
    assert months[2026] == round(17 / 31, 4)
    assert months[2027] == round(1 + 14 / 28, 4)
    assert set(months) == {2026, 2027}


def test_part_months_count_their_share_of_the_month():
    assert person_months_by_year(D(2026, 6, 1), D(2026, 6, 16)) == {2026: 0.5}
    assert person_months_by_year(D(2028, 2, 1), D(2028, 2, 15)) == {2028: round(14 / 29, 4)}


def test_a_place_counts_once_in_the_year_it_starts():
    assert amount_by_year("places", D(2026, 12, 1), D(2027, 6, 1)) == {2026: 1.0}


def test_usage_counts_started_as_used_and_accepted_as_planned(world):
    """Started (active) is used, planning is planned, cancelled counts nowhere."""
    world.au_opportunity.places = 5
    world.au_opportunity.save()
    _, started = world.accepted()
    Secondment.objects.filter(pk=started.pk).update(status=Secondment.Status.ACTIVE)
    world.accepted(applicant=uk_person(world), proposed_start=D(2026, 11, 1))
    _, cancelled = world.accepted(applicant=uk_person(world, "Cas Cancelled"))
    Secondment.objects.filter(pk=cancelled.pk).update(status=Secondment.Status.CANCELLED)
    q2026 = quota(world, agreed="10")
    q2027 = quota(world, year=2027, agreed="4")
    usage = {u.quota.year: u for u in quota_usage([q2026, q2027])}
    assert (usage[2026].used, usage[2026].planned) == (3.0, 2.0)
    assert (usage[2027].used, usage[2027].planned) == (3.0, 3.0)
    assert usage[2026].left == 5.0 and not usage[2026].over
    assert usage[2027].left == -2.0 and usage[2027].over


# --- accepting over a quota ----------------------------------------------------------------


def test_accepting_over_a_quota_without_a_reason_is_refused_and_nothing_is_saved(world):
    quota(world, agreed="2")
    application = world.endorsed()
    with pytest.raises(ValidationError) as refused:
        services.application_accept(application=application, actor=world.au_pm)
    message = refused.value.message_dict["override_reason"][0]
    assert "quota for 2026" in message and "2.0 person-months" in message
    assert "3.0 person-months" in message and "1.0 person-month over" in message
    assert "enter the reason for going over the quota" in message
    application.refresh_from_db()
    assert application.status == S.ENDORSED
    assert not Secondment.objects.exists()
    assert not ApplicationEvent.objects.filter(to_status=S.ACCEPTED).exists()
    assert not AuditEntry.objects.filter(event=AuditEvent.QUOTA_OVERRIDE).exists()


def test_a_blank_reason_is_no_reason(world):
    quota(world, agreed="2")
    with pytest.raises(ValidationError, match="reason for going over"):
        services.application_accept(
            application=world.endorsed(), actor=world.au_pm, override_reason="   "
        )


def test_accepting_over_a_quota_with_a_reason_is_recorded(world):
    quota(world, agreed="2")
    application = world.endorsed()
    secondment = services.application_accept(
        application=application, actor=world.au_pm, override_reason="Agreed at the board."
    )
    assert secondment.status == Secondment.Status.PLANNING
    event = ApplicationEvent.objects.get(application=application, to_status=S.ACCEPTED)
    assert event.quota_override_reason == "Agreed at the board."
    entry = AuditEntry.objects.get(event=AuditEvent.QUOTA_OVERRIDE)
    assert entry.actor == world.au_pm
    assert entry.object_id == str(application.pk)
    assert entry.new_values["reason"] == "Agreed at the board."
    assert entry.new_values["quotas"][0]["over_by"] == 1.0


def test_within_the_quota_or_without_one_there_is_no_question(world):
    """No quota: no warning. Room left: accepted, and a reason given anyway is not kept."""
    application = world.endorsed()
    assert (
        quota_excesses(
            programme=world.programme,
            direction="UK_AU",
            start=application.proposed_start,
            end=application.proposed_end,
        )
        == []
    )
    quota(world, agreed="3")
    quota(world, year=2027, agreed="3")
    services.application_accept(application=application, actor=world.au_pm, override_reason="x")
    event = ApplicationEvent.objects.get(application=application, to_status=S.ACCEPTED)
    assert event.quota_override_reason == ""
    assert not AuditEntry.objects.filter(event=AuditEvent.QUOTA_OVERRIDE).exists()


def test_the_other_direction_and_other_years_do_not_count(world):
    quota(world, direction="AU_UK", agreed="0")
    quota(world, year=2028, agreed="0")
    services.application_accept(application=world.endorsed(), actor=world.au_pm)


def test_the_year_boundary_decides_which_quota_is_over(world):
    """October to April: 3 months in 2027 against a 2027 quota of 2.5 is over; the 2026
    quota of 3 is not."""
    quota(world, agreed="3")
    quota(world, year=2027, agreed="2.5")
    application = world.endorsed()
    with pytest.raises(ValidationError) as refused:
        services.application_accept(application=application, actor=world.au_pm)
    message = refused.value.message_dict["override_reason"][0]
    assert "quota for 2027" in message and "quota for 2026" not in message


def test_a_places_quota_counts_secondments_starting_in_the_year(world):
    quota(world, agreed="1", unit="places")
    world.accepted()
    with pytest.raises(ValidationError, match="1 place: 0 places used and 1 place planned"):
        services.application_accept(
            application=world.endorsed(applicant=uk_person(world)), actor=world.au_pm
        )


def test_an_overlong_reason_is_refused(world):
    quota(world, agreed="2")
    with pytest.raises(ValidationError, match="at most 2,000 characters"):
        services.application_accept(
            application=world.endorsed(), actor=world.au_pm, override_reason="x" * 2001
        )
    assert not Secondment.objects.exists()


# --- the accept page -------------------------------------------------------------------------


def test_the_accept_page_warns_with_the_figures_and_asks_for_a_reason(world):
    quota(world, agreed="2")
    application = world.endorsed()
    client = client_for(world.au_pm)
    url = reverse("exchange:application_accept", args=[application.pk])
    body = client.get(url).content.decode()
    assert "Exchange quotas this acceptance takes over" in body
    assert "Reason for going over the quota" in body
    response = client.post(url, {"arrangement": "secondment"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error: " in body
    assert "enter the reason for going over the quota" in body
    assert not Secondment.objects.exists()
    response = client.post(
        url, {"arrangement": "secondment", "override_reason": "The board agreed."}
    )
    assert response.status_code == 302
    assert Secondment.objects.filter(application=application).exists()
    detail = client.get(reverse("exchange:application_detail", args=[application.pk]))
    assert "Accepted over the exchange quota:" in detail.content.decode()


def test_without_a_quota_the_accept_page_does_not_ask(world):
    application = world.endorsed()
    body = (
        client_for(world.au_pm)
        .get(reverse("exchange:application_accept", args=[application.pk]))
        .content.decode()
    )
    assert "Reason for going over the quota" not in body
    assert "takes over" not in body


# --- the reciprocity page -------------------------------------------------------------------


def test_the_reciprocity_page_shows_agreed_used_planned_and_left(world):
    world.accepted()
    quota(world, agreed="2")
    body = client_for(world.au_pm).get(reverse("exchange:reciprocity")).content.decode()
    assert "2.0 person-months" in body
    assert "\u22121.0" in body and "Over" in body
    assert "No quota set" in body


# --- the model and the admin -----------------------------------------------------------------


def test_one_quota_per_programme_year_and_direction(world):
    quota(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        quota(world, agreed="5")


@pytest.mark.parametrize(("year", "agreed"), [(1999, "1"), (2100, "1"), (2026, "-1")])
def test_quotas_are_bounded(world, year, agreed):
    with pytest.raises(ValidationError):
        ExchangeQuota(
            programme=world.programme, year=year, direction="UK_AU", agreed=Decimal(agreed)
        ).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        quota(world, year=year, agreed=agreed)


def _admin(world, institute, **extra):
    from accounts.models import Role

    admin = UserFactory(institute=institute, roles=[Role.INSTITUTE_ADMIN], **extra)
    enable_totp(admin)
    return admin


def test_an_institute_admin_sets_a_quota_for_their_programme(world):
    admin = _admin(world, world.uk)
    client = client_for(admin)
    add = reverse("admin:exchange_exchangequota_add")
    response = client.post(
        add,
        {
            "programme": world.programme.pk,
            "year": "2027",
            "direction": "UK_AU",
            "unit": "months",
            "agreed": "12.5",
            "note": "Board, June 2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = ExchangeQuota.objects.get()
    assert saved.agreed == Decimal("12.5")
    assert saved.history.count() == 1
    for page in ("changelist", "history"):
        args = [] if page == "changelist" else [saved.pk]
        assert (
            client.get(reverse(f"admin:exchange_exchangequota_{page}", args=args)).status_code
            == 200
        )
    again = client.post(
        add,
        {
            "programme": world.programme.pk,
            "year": "2027",
            "direction": "UK_AU",
            "unit": "months",
            "agreed": "3",
        },
    )
    assert "already has a quota for that year and direction" in again.content.decode()
    bounded = client.post(
        add,
        {
            "programme": world.programme.pk,
            "year": "9999",
            "direction": "AU_UK",
            "unit": "months",
            "agreed": "100000",
        },
    )
    assert bounded.status_code == 200
    assert ExchangeQuota.objects.count() == 1


def test_another_institutes_admin_does_not_see_or_set_the_quota(world):
    from tests.factories import ProgrammeFactory

    saved = quota(world)
    outsider_admin = _admin(world, world.other)
    client = client_for(outsider_admin)
    assert (
        saved
        not in client.get(reverse("admin:exchange_exchangequota_changelist")).context["cl"].queryset
    )
    assert client.get(
        reverse("admin:exchange_exchangequota_change", args=[saved.pk])
    ).status_code in (302, 404)
    theirs = ProgrammeFactory(institutes=[world.other])
    response = client.post(
        reverse("admin:exchange_exchangequota_add"),
        {
            "programme": world.programme.pk,
            "year": "2027",
            "direction": "UK_AU",
            "unit": "months",
            "agreed": "3",
        },
    )
    assert response.status_code == 200
    assert ExchangeQuota.objects.count() == 1
    assert theirs.pk  # their own programme is the one they may choose


def test_programme_managers_who_are_not_admins_cannot_change_quotas(world):
    saved = quota(world)
    client = client_for(world.au_pm)
    response = client.get(reverse("admin:exchange_exchangequota_change", args=[saved.pk]))
    assert response.status_code in (302, 403, 404)
