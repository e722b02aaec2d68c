"""Acting delegates: who may be named, what they may decide and when, what they see and
are told, how the history records it, and an admin's reassignment of a decision."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEntry
from exchange import access, reminders, selectors, services
from exchange.models import Application, Delegation
from notifications.models import Notification
from notifications.rules import RECIPIENT
from tests.factories import UserFactory, client_for, enable_totp

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 8, 3)
LINE = Delegation.Kind.LINE_MANAGER
HOST = Delegation.Kind.HOST_MANAGER


def _deputy(institute, name="Dee Deputy"):
    """A manager at ``institute`` who manages no programme and is no one's line manager."""
    person = UserFactory(institute=institute, full_name=name, roles=[Role.PROGRAMME_MANAGER.value])
    enable_totp(person)
    return person


def _delegate(delegator, delegate, kind=LINE, start=TODAY, days=14, **extra):
    return services.delegation_create(
        delegator=delegator,
        delegate=delegate,
        kind=kind,
        start=start,
        end=start + datetime.timedelta(days=days - 1),
        **extra,
    )


def _on(day: datetime.date, hour: int = 10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=datetime.UTC),
        tick=False,
    )


@pytest.fixture
def line(world):
    """A submitted application waiting on Una Manager, who names Dee Deputy."""
    application = world.submitted()
    deputy = _deputy(world.uk)
    delegation = _delegate(world.uk_manager, deputy, reason="Annual leave")
    return application, deputy, delegation


@pytest.fixture
def host(world):
    """An endorsed application waiting on the Australian programme manager, who names
    Dan Deputy (a programme manager who does not manage this programme)."""
    application = world.endorsed(applicant=UserFactory(institute=world.uk, full_name="Hal Host"))
    deputy = _deputy(world.au, "Dan Deputy")
    delegation = _delegate(world.au_pm, deputy, kind=HOST)
    return application, deputy, delegation


# --- naming a delegate: the rules ------------------------------------------------------


def test_a_line_manager_names_an_eligible_colleague(line, world):
    _application, deputy, delegation = line
    assert delegation.delegator == world.uk_manager
    assert delegation.delegate == deputy
    assert delegation.created_by == world.uk_manager
    assert delegation.history.count() == 1
    assert Notification.objects.filter(recipient=deputy, kind="delegation_named").exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"delegate": "self"}, "delegate", "other than yourself"),
        ({"delegate": "au_pm"}, "delegate", "colleague at your institute"),
        ({"delegate": "uk_staff"}, "delegate", "manages people"),
        ({"start": -1}, "start", "today or later"),
        ({"days": 367}, "end", "at most 366 days"),
        ({"days": 0}, "end", "same as or after"),
        ({"start": 365 * 11}, "start", "10 years from today"),
    ],
)
def test_naming_a_delegate_is_refused_with_a_clear_message(world, change, field, message):
    world.submitted()  # Una Manager is now someone's line manager
    delegate = _deputy(world.uk)
    who = change.get("delegate")
    if who == "self":
        delegate = world.uk_manager
    elif who:
        delegate = getattr(world, who)
    start = TODAY + datetime.timedelta(days=change.get("start", 0))
    with pytest.raises(ValidationError) as refused:
        _delegate(world.uk_manager, delegate, start=start, days=change.get("days", 14))
    assert message in " ".join(refused.value.message_dict[field])
    assert not Delegation.objects.exists()


def test_host_decisions_go_only_to_another_programme_manager(world):
    world.submitted()
    line_only = UserFactory(institute=world.au, full_name="Lee Linemanager")
    world.draft(applicant=world.au_staff, line_manager=line_only)
    with pytest.raises(ValidationError, match="programme manager"):
        _delegate(world.au_pm, line_only, kind=HOST)


def test_someone_who_takes_no_decisions_cannot_delegate(world):
    with pytest.raises(ValidationError, match="do not take these decisions"):
        _delegate(world.uk_staff, _deputy(world.uk), kind=LINE)
    with pytest.raises(ValidationError, match="do not take these decisions"):
        _delegate(world.uk_manager, _deputy(world.uk), kind=HOST)


def test_overlapping_delegations_of_one_person_are_refused(line, world):
    _application, deputy, _delegation = line
    other = _deputy(world.uk, "Otto Other")
    with pytest.raises(ValidationError) as refused:
        _delegate(world.uk_manager, other, start=TODAY + datetime.timedelta(days=10))
    assert "already have Dee Deputy acting for you from 3 August 2026" in str(refused.value)
    # Once it ends, a new one may follow (and the next day after the last is free).
    _delegate(world.uk_manager, other, start=TODAY + datetime.timedelta(days=14))


def test_a_delegate_who_is_away_themselves_cannot_be_named(world):
    """No chains: someone who has handed their own decisions on is not named."""
    world.submitted()
    first, second = _deputy(world.uk, "First Deputy"), _deputy(world.uk, "Second Deputy")
    _delegate(first, second, start=TODAY + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="named their own acting delegate"):
        _delegate(world.uk_manager, first)


def test_only_the_delegator_names_their_delegate(world):
    world.submitted()
    with pytest.raises(PermissionDenied):
        services.delegation_create(
            delegator=world.uk_manager,
            delegate=_deputy(world.uk),
            kind=LINE,
            start=TODAY,
            end=TODAY,
            actor=world.uk_pm,
        )


# --- deciding as delegate --------------------------------------------------------------


def test_the_delegate_endorses_and_the_history_says_on_whose_behalf(line, world):
    application, deputy, _delegation = line
    assert access.may_decide_as_line_manager(user=deputy, application=application)
    assert "endorse" in selectors.application_actions_for(user=deputy, application=application)
    services.application_endorse(application=application, actor=deputy, reason="Covering.")
    event = application.events.order_by("-pk").first()
    assert (event.actor, event.on_behalf_of, event.to_status) == (
        deputy,
        world.uk_manager,
        "endorsed",
    )
    page = client_for(world.uk_staff).get(application.get_absolute_url()).content.decode()
    assert "Dee Deputy (acting for Una Manager)" in page


def test_the_delegator_keeps_their_own_rights(line, world):
    application, _deputy_, _delegation = line
    services.application_return(application=application, actor=world.uk_manager, reason="Fix")
    event = application.events.order_by("-pk").first()
    assert event.actor == world.uk_manager and event.on_behalf_of is None


@pytest.mark.parametrize(
    "day", [TODAY - datetime.timedelta(days=1), TODAY + datetime.timedelta(days=14)]
)
def test_outside_the_range_the_delegate_cannot_decide(world, day):
    application = world.submitted()
    deputy = _deputy(world.uk)
    if day < TODAY:
        _delegate(world.uk_manager, deputy, start=TODAY)
    else:
        _delegate(world.uk_manager, deputy, start=TODAY, days=14)
    with _on(day):
        assert not access.may_decide_as_line_manager(user=deputy, application=application)
        assert not access.applications_visible_to(deputy).filter(pk=application.pk).exists()
        with pytest.raises(PermissionDenied, match="acting delegate"):
            services.application_endorse(application=application, actor=deputy)
    with _on(TODAY + datetime.timedelta(days=13), hour=22):
        assert access.may_decide_as_line_manager(user=deputy, application=application)


def test_an_ended_delegation_gives_nothing(line, world):
    application, deputy, delegation = line
    services.delegation_end(delegation=delegation, actor=world.uk_manager)
    delegation.refresh_from_db()
    assert delegation.revoked_by == world.uk_manager
    assert not access.may_decide_as_line_manager(user=deputy, application=application)
    with pytest.raises(PermissionDenied):
        services.application_decline(application=application, actor=deputy, reason="No")
    with pytest.raises(ValidationError, match="already ended"):
        services.delegation_end(delegation=delegation, actor=world.uk_manager)


def test_only_the_delegator_ends_it_on_the_site(line, world):
    _application, deputy, delegation = line
    with pytest.raises(PermissionDenied):
        services.delegation_end(delegation=delegation, actor=deputy)


def test_a_delegate_who_moved_institute_is_refused(line, world):
    application, deputy, _delegation = line
    deputy.institute = world.au
    deputy.save(update_fields=["institute"])
    assert access.acting_line_manager_for(user=deputy, application=application) is None
    with pytest.raises(PermissionDenied):
        services.application_endorse(application=application, actor=deputy)


def test_a_delegate_at_another_institute_was_never_possible(world):
    world.submitted()
    with pytest.raises(ValidationError, match="colleague at your institute"):
        _delegate(world.uk_manager, _deputy(world.au))


def test_rights_never_pass_on_through_a_second_delegation(line, world):
    """Dee acts for Una; Dee names Fay for Dee's own decisions: Fay gets none of Una's."""
    application, deputy, _delegation = line
    # Dee becomes someone's line manager in her own right, so she may delegate.
    world.draft(line_manager=deputy, applicant=UserFactory(institute=world.uk))
    fay = _deputy(world.uk, "Fay Further")
    _delegate(deputy, fay, start=TODAY + datetime.timedelta(days=20))
    with _on(TODAY + datetime.timedelta(days=20)):
        assert not access.may_decide_as_line_manager(user=fay, application=application)


def test_the_applicant_never_decides_their_own_application_as_delegate(world):
    application = world.submitted()
    # The applicant manages people too (someone named them line manager).
    world.draft(applicant=UserFactory(institute=world.uk), line_manager=world.uk_staff)
    _delegate(world.uk_manager, world.uk_staff)
    assert not access.may_decide_as_line_manager(user=world.uk_staff, application=application)
    with pytest.raises(PermissionDenied):
        services.application_endorse(application=application, actor=world.uk_staff)


def test_a_host_delegate_accepts_and_declines_for_the_programme_manager(host, world):
    application, deputy, _delegation = host
    assert not access.can_decide_as_host(user=deputy, application=application)
    assert access.may_decide_as_host(user=deputy, application=application)
    assert selectors.acting_decider_for(user=deputy, application=application) == world.au_pm
    services.application_accept(application=application, actor=deputy)
    event = application.events.order_by("-pk").first()
    assert (event.actor, event.on_behalf_of, event.to_status) == (deputy, world.au_pm, "accepted")


def test_a_host_delegate_outside_the_range_is_refused(host, world):
    application, deputy, _delegation = host
    with _on(TODAY + datetime.timedelta(days=30)), pytest.raises(PermissionDenied):
        services.application_decline(application=application, actor=deputy, reason="No")


def test_the_api_records_the_delegate_too(line, world):
    from api import services as api_services

    application, deputy, _delegation = line
    _token, raw = api_services.token_create(
        actor=deputy, name="Laptop", scope="read_write", expires_in_days=30, mfa_done=True
    )
    from django.test import Client

    response = Client().post(
        f"/api/v1/applications/{application.pk}/endorse/",
        data={"reason": "Covering"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content
    assert application.events.order_by("-pk").first().on_behalf_of == world.uk_manager


# --- what the delegate sees and is told ------------------------------------------------


def test_the_delegate_sees_the_application_only_while_acting(line, world):
    application, deputy, delegation = line
    assert access.applications_visible_to(deputy).filter(pk=application.pk).exists()
    services.delegation_end(delegation=delegation, actor=world.uk_manager)
    assert not access.applications_visible_to(deputy).filter(pk=application.pk).exists()


def test_the_line_manager_list_marks_applications_acted_on(line, world):
    application, deputy, _delegation = line
    page = client_for(deputy).get(reverse("exchange:application_list")).content.decode()
    assert application.reference in page
    assert "Acting for Una Manager" in page
    own = client_for(world.uk_manager).get(reverse("exchange:application_list")).content.decode()
    assert application.reference in own and "Acting for" not in own


def test_the_pipeline_marks_applications_acted_on(host, world, django_assert_max_num_queries):
    application, deputy, _delegation = host
    for _ in range(3):
        world.endorsed(applicant=UserFactory(institute=world.uk))
    client = client_for(deputy)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("exchange:application_queue")).content.decode()
    assert application.reference in page
    assert page.count("Acting for Ada Programmes") == 4


def test_my_work_says_acting_for(line, host, world):
    application, deputy, _delegation = line
    (section, *_) = selectors.my_work_sections(deputy)
    details = [item["detail"] for item in section["items"]]
    assert any(d.startswith("Acting for Una Manager:") for d in details), details
    host_application, host_deputy, _ = host
    (section, *_) = selectors.my_work_sections(host_deputy)
    assert [item["detail"] for item in section["items"]] == [
        "Acting for Ada Programmes: endorsed: waiting for your decision (today)"
    ]


def test_the_delegate_is_told_of_new_submissions_and_endorsements(world):
    world.submitted()  # Una is a line manager
    deputy = _deputy(world.uk)
    _delegate(world.uk_manager, deputy)
    application = world.submitted(applicant=UserFactory(institute=world.uk))
    told = Notification.objects.filter(recipient=deputy, kind="application_submitted")
    assert told.get().subject.startswith("Acting for Una Manager:")
    host_deputy = _deputy(world.au, "Dan Deputy")
    _delegate(world.au_pm, host_deputy, kind=HOST)
    services.application_endorse(application=application, actor=world.uk_manager)
    assert Notification.objects.filter(recipient=host_deputy, kind="application_endorsed").exists()


def _recipients(due) -> set[int]:
    return {row[RECIPIENT] for row in due}


def test_reminders_of_waiting_decisions_reach_the_delegate(world):
    application = world.submitted()
    endorsed = world.endorsed(applicant=UserFactory(institute=world.uk))
    deputy, host_deputy = _deputy(world.uk), _deputy(world.au, "Dan Deputy")
    later = TODAY + datetime.timedelta(days=14)
    _delegate(world.uk_manager, deputy, start=later, days=7)
    _delegate(world.au_pm, host_deputy, kind=HOST, start=later, days=7)
    at = datetime.datetime(later.year, later.month, later.day, 10, tzinfo=datetime.UTC)
    with _on(later):
        assert _recipients(reminders.awaiting_endorsement(at)) == {world.uk_manager.pk}
        assert _recipients(reminders.awaiting_endorsement_by_delegate(at)) == {deputy.pk}
        assert _recipients(reminders.awaiting_acceptance_by_delegate(at)) == {host_deputy.pk}
        reminder = type("R", (), {"recipient": deputy, "window": ""})()
        message = reminders.describe_waiting(application, reminder)
        assert message.subject.startswith("Acting for Una Manager:")
    # Before the range (and after it) the delegate is not reminded.
    before = at - datetime.timedelta(days=1)
    with _on(later - datetime.timedelta(days=1)):
        assert _recipients(reminders.awaiting_endorsement_by_delegate(before)) == set()
        assert _recipients(reminders.awaiting_acceptance_by_delegate(before)) == set()
    assert endorsed.status == Application.Status.ENDORSED


def test_the_scan_puts_the_delegates_reminder_in_the_ledger(world):
    from notifications import services as notification_services
    from notifications.models import Reminder

    world.submitted()
    deputy = _deputy(world.uk)
    later = TODAY + datetime.timedelta(days=14)
    _delegate(world.uk_manager, deputy, start=later, days=7)
    with _on(later):
        notification_services.reminder_scan()
    assert Reminder.objects.filter(recipient=deputy, kind="application_awaiting_decision").exists()


# --- the pages ---------------------------------------------------------------------


def test_the_pages_name_list_and_end_a_delegation(world, django_assert_max_num_queries):
    world.submitted()
    deputy = _deputy(world.uk)
    client = client_for(world.uk_manager)
    form = client.get(reverse("exchange:delegation_create")).content.decode()
    assert "Dee Deputy" in form and "Which decisions?" in form
    response = client.post(
        reverse("exchange:delegation_create"),
        {
            "kind": LINE,
            "delegate": deputy.pk,
            "start": "2026-08-10",
            "end": "2026-08-21",
            "reason": "Leave",
        },
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    for _ in range(3):
        _delegate(
            world.uk_manager,
            _deputy(world.uk, "More"),
            start=delegation.end + datetime.timedelta(days=1 + _ * 10),
            days=5,
        )
    with django_assert_max_num_queries(16):
        page = client.get(reverse("exchange:delegation_list")).content.decode()
    assert "Dee Deputy" in page and "10 Aug 2026 to 21 Aug 2026" in page
    mine = client_for(deputy).get(reverse("exchange:delegation_list")).content.decode()
    assert "People you act for" in mine and "Una Manager" in mine
    end = reverse("exchange:delegation_end", args=[delegation.pk])
    assert client_for(deputy).get(end).status_code == 404
    assert client.post(end).status_code == 302
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None


def test_the_form_shows_errors_with_the_error_title(world):
    world.submitted()
    client = client_for(world.uk_manager)
    page = client.post(
        reverse("exchange:delegation_create"),
        {"kind": LINE, "delegate": world.uk_manager.pk, "start": "2026-08-10", "end": "2026-08-01"},
    ).content.decode()
    assert "<title>Error: Name an acting delegate" in page
    assert "Choose your acting delegate from the list." in page
    assert "The last day must be the same as or after the first day." in page
    assert not Delegation.objects.exists()


def test_staff_who_take_no_decisions_see_a_calm_page(world):
    client = client_for(world.uk_staff)
    page = client.get(reverse("exchange:delegation_create")).content.decode()
    assert "You take no exchange decisions that can be delegated" in page
    assert client.post(reverse("exchange:delegation_create"), {"kind": LINE}).status_code == 200
    assert not Delegation.objects.exists()


# --- admins reassign a waiting decision ------------------------------------------------


def _institute_admin(institute):
    admin = UserFactory(institute=institute, is_staff=True, roles=[Role.INSTITUTE_ADMIN.value])
    enable_totp(admin)
    return admin


def test_an_admin_reassigns_a_waiting_decision(world):
    application = world.submitted()
    admin = _institute_admin(world.uk)
    new = UserFactory(institute=world.uk, full_name="Nina New")
    services.decision_reassign(
        application=application, to_person=new, reason="Una left the team.", actor=admin
    )
    application.refresh_from_db()
    assert application.line_manager == new
    event = application.events.order_by("-pk").first()
    assert event.actor == admin and "Decision reassigned from Una Manager to Nina New" in (
        event.reason
    )
    assert AuditEntry.objects.filter(
        object_type="exchange.application", object_id=str(application.pk)
    ).exists()
    assert Notification.objects.filter(recipient=new, kind="application_submitted").exists()
    assert access.is_line_manager(user=new, application=application)
    page = client_for(world.uk_staff).get(application.get_absolute_url()).content.decode()
    assert "Decision reassigned" in page


def test_reassigning_is_refused_outside_the_admins_institute_and_state(world):
    application = world.submitted()
    with pytest.raises(PermissionDenied):
        services.decision_reassign(
            application=application,
            to_person=UserFactory(institute=world.uk),
            reason="x",
            actor=_institute_admin(world.au),
        )
    admin = _institute_admin(world.uk)
    with pytest.raises(ValidationError, match="applicant's institute"):
        services.decision_reassign(
            application=application, to_person=world.au_pm, reason="x", actor=admin
        )
    with pytest.raises(ValidationError, match="reason"):
        services.decision_reassign(
            application=application, to_person=world.uk_pm, reason="  ", actor=admin
        )
    endorsed = world.endorsed(applicant=UserFactory(institute=world.uk))
    with pytest.raises(ValidationError, match="waiting for its line manager"):
        services.decision_reassign(
            application=endorsed, to_person=world.uk_pm, reason="x", actor=admin
        )


def test_the_admin_page_reassigns_through_the_service(world):
    application = world.submitted()
    admin = _institute_admin(world.uk)
    new = UserFactory(institute=world.uk, full_name="Nina New")
    client = client_for(admin)
    add = reverse("admin:exchange_decisionreassignment_add")
    page = client.get(add)
    assert page.status_code == 200
    refused = client.post(
        add, {"application": application.pk, "to_person": world.uk_staff.pk, "reason": "x"}
    )
    assert refused.status_code == 200
    assert "The applicant cannot endorse their own application." in refused.content.decode()
    response = client.post(
        add, {"application": application.pk, "to_person": new.pk, "reason": "Una left."}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    application.refresh_from_db()
    assert application.line_manager == new
    # The Australian admin cannot choose the UK application at all.
    other = client_for(_institute_admin(world.au))
    refused = other.post(add, {"application": application.pk, "to_person": new.pk, "reason": "x"})
    assert refused.status_code == 200
    application.refresh_from_db()
    assert application.line_manager == new


def test_an_admin_ends_a_delegation_in_the_admin(line, world):
    _application, _deputy_, delegation = line
    admin = _institute_admin(world.uk)
    client = client_for(admin)
    changelist = reverse("admin:exchange_delegation_changelist")
    assert delegation.delegate.full_name in client.get(changelist).content.decode()
    client.post(changelist, {"action": "end_now", "_selected_action": [delegation.pk]})
    delegation.refresh_from_db()
    assert delegation.revoked_by == admin
    au = client_for(_institute_admin(world.au))
    assert au.get(changelist).context["cl"].result_count == 0


def test_delegation_in_force_is_the_one_rule(line, world, monkeypatch):
    """Say no delegation is in force: the delegate's actions, lists, reminders and the
    services all follow."""
    from django.db.models import Q

    application, deputy, _delegation = line
    assert "endorse" in selectors.application_actions_for(user=deputy, application=application)
    later = datetime.datetime(2026, 8, 12, 10, tzinfo=datetime.UTC)
    assert _recipients(reminders.awaiting_endorsement_by_delegate(later)) == {deputy.pk}
    monkeypatch.setattr(
        access, "delegation_in_force", lambda *, on, prefix="": Q(**{f"{prefix}pk__in": []})
    )
    assert not selectors.application_actions_for(user=deputy, application=application)
    assert not access.applications_visible_to(deputy).filter(pk=application.pk).exists()
    assert not selectors.application_list_to_endorse(deputy).exists()
    assert not selectors.applications_waiting_on(deputy).exists()
    assert not _recipients(reminders.awaiting_endorsement_by_delegate(later))
    with pytest.raises(PermissionDenied):
        services.application_endorse(application=application, actor=deputy)
