"""Every application transition, allowed and refused, by each role."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from exchange import services
from exchange.models import Application, Opportunity

from .factories import OpportunityFactory, notice_kinds_for

S = Application.Status


# --- opportunities ---------------------------------------------------------------------


def test_a_programme_manager_creates_a_draft_opportunity(world):
    """A manager of the programme advertises an opportunity; it starts as a draft."""
    opportunity = services.opportunity_create(
        actor=world.au_pm,
        programme=world.programme,
        host_institute=world.au,
        team="Red team",
        title="Red-team engineer",
        description="Adversarial testing.",
        location="Sydney",
        min_duration_months=3,
        max_duration_months=6,
        earliest_start=datetime.date(2026, 10, 1),
        closing_date=datetime.date(2026, 9, 1),
        places=1,
        required_clearance="AU_NV1",
    )
    assert opportunity.status == Opportunity.Status.DRAFT
    assert opportunity.created_by == world.au_pm


@pytest.mark.parametrize("who", ["uk_staff", "au_staff", "au_manager", "outsider"])
def test_only_programme_managers_create_opportunities(world, who):
    """Anyone who does not manage the programme is refused."""
    with pytest.raises(PermissionDenied):
        services.opportunity_create(
            actor=getattr(world, who),
            programme=world.programme,
            host_institute=world.au,
            team="T",
            title="T",
            description="D",
            location="L",
            min_duration_months=1,
            max_duration_months=2,
            earliest_start=datetime.date(2026, 10, 1),
            closing_date=datetime.date(2026, 9, 1),
        )
    assert Opportunity.objects.count() == 2


def test_an_opportunity_needs_a_clearance_in_the_hosts_scheme(world):
    """A UK level on an Australian-hosted opportunity is refused next to the field."""
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(
            actor=world.au_pm,
            programme=world.programme,
            host_institute=world.au,
            team="T",
            title="T",
            description="D",
            location="L",
            min_duration_months=1,
            max_duration_months=2,
            earliest_start=datetime.date(2026, 10, 1),
            closing_date=datetime.date(2026, 9, 1),
            required_clearance="UK_SC",
        )
    assert "required_clearance" in exc.value.message_dict


def test_an_opportunity_host_must_belong_to_the_programme(world):
    """The host must be one of the programme's institutes."""
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(
            actor=world.au_pm,
            programme=world.programme,
            host_institute=world.other,
            team="T",
            title="T",
            description="D",
            location="L",
            min_duration_months=2,
            max_duration_months=1,
            earliest_start=datetime.date(2026, 10, 1),
            closing_date=datetime.date(2026, 9, 1),
        )
    assert "host_institute" in exc.value.message_dict
    assert "max_duration_months" in exc.value.message_dict


def test_publish_and_close_by_a_manager(world):
    """A manager publishes a draft and closes it; closing twice is refused."""
    opportunity = OpportunityFactory(
        programme=world.programme, host_institute=world.au, status=Opportunity.Status.DRAFT
    )
    services.opportunity_publish(opportunity=opportunity, actor=world.uk_pm)
    opportunity.refresh_from_db()
    assert opportunity.status == "open" and opportunity.published_at
    services.opportunity_close(opportunity=opportunity, actor=world.au_pm)
    opportunity.refresh_from_db()
    assert opportunity.status == "closed"
    with pytest.raises(ValidationError, match="Only an open opportunity"):
        services.opportunity_close(opportunity=opportunity, actor=world.au_pm)


def test_publishing_is_refused_for_staff_and_after_the_closing_date(world):
    """Staff cannot publish; nor can anyone once the closing date has passed."""
    opportunity = OpportunityFactory(
        programme=world.programme, host_institute=world.au, status=Opportunity.Status.DRAFT
    )
    with pytest.raises(PermissionDenied):
        services.opportunity_publish(opportunity=opportunity, actor=world.au_staff)
    opportunity.closing_date = datetime.date(2026, 7, 1)
    opportunity.save()
    with pytest.raises(ValidationError, match="closing date has passed"):
        services.opportunity_publish(opportunity=opportunity, actor=world.au_pm)


# --- drafting --------------------------------------------------------------------------


def test_a_draft_records_its_start_and_the_direction(world):
    """A UK applicant to an AU opportunity makes a UK→AU draft with one event."""
    application = world.draft()
    assert application.status == S.DRAFT
    assert application.direction == "UK_AU"
    assert application.host_institute == world.au
    assert application.programme == world.programme
    event = application.events.get()
    assert (event.actor, event.from_status, event.to_status) == (world.uk_staff, "", "draft")
    assert application.cv.name.endswith(".pdf") and "cv" not in application.cv.name.rsplit("/")[-1]


def test_nobody_applies_to_their_own_institutes_opportunity(world):
    """Staff see and apply only to the partner's opportunities."""
    with pytest.raises(ValidationError, match="not open"):
        world.draft(applicant=world.uk_staff, opportunity=world.uk_opportunity)


def test_a_draft_or_closed_opportunity_takes_no_applications(world):
    """Applying to an opportunity that is not open is refused."""
    world.au_opportunity.status = Opportunity.Status.CLOSED
    world.au_opportunity.save()
    with pytest.raises(ValidationError, match="not open"):
        world.draft()


def test_an_outsider_cannot_apply(world):
    """Someone whose institute is not in the programme cannot apply."""
    with pytest.raises(ValidationError):
        services.application_create(applicant=world.outsider, opportunity=world.au_opportunity)


def test_one_live_application_per_opportunity(world):
    """A second application to the same opportunity is refused while the first is live."""
    world.draft()
    with pytest.raises(ValidationError, match="already applied"):
        world.draft()


def test_an_open_application_goes_to_a_partner_institute(world):
    """An open application has no opportunity or programme; only partners are allowed."""
    application = services.application_create(applicant=world.au_staff, host_institute=world.uk)
    assert application.is_open_application and application.programme is None
    assert application.direction == "AU_UK"
    for host in (world.au, world.other):
        with pytest.raises(ValidationError) as exc:
            services.application_create(applicant=world.au_staff, host_institute=host)
        assert "host_institute" in exc.value.message_dict


def test_reversed_dates_are_refused(world):
    """An end before the start is refused next to the end date; nothing is saved."""
    with pytest.raises(ValidationError) as exc:
        world.draft(
            proposed_start=datetime.date(2026, 12, 1), proposed_end=datetime.date(2026, 11, 1)
        )
    assert exc.value.message_dict["proposed_end"] == ["The end date must be after the start date."]
    assert not Application.objects.exists()


def test_a_duration_outside_the_opportunitys_range_is_refused(world):
    """The opportunity runs 3 to 12 months: 1 month is refused with the allowed range."""
    with pytest.raises(ValidationError) as exc:
        world.draft(
            proposed_start=datetime.date(2026, 10, 1), proposed_end=datetime.date(2026, 11, 1)
        )
    message = exc.value.message_dict["proposed_end"][0]
    assert "3 to 12 months" in message and "1 January 2027" in message


def test_a_start_before_the_earliest_start_is_refused(world):
    """The opportunity starts from 1 September 2026."""
    with pytest.raises(ValidationError) as exc:
        world.draft(
            proposed_start=datetime.date(2026, 8, 1), proposed_end=datetime.date(2027, 1, 1)
        )
    assert "proposed_start" in exc.value.message_dict


@pytest.mark.parametrize("who", ["uk_staff", "au_manager"])
def test_the_line_manager_must_be_someone_else_at_the_applicants_institute(world, who):
    """Naming yourself, or someone at another institute, is refused."""
    with pytest.raises(ValidationError) as exc:
        world.draft(line_manager=getattr(world, who))
    assert "line_manager" in exc.value.message_dict


@pytest.mark.parametrize("who", ["uk_manager", "au_pm", "au_staff"])
def test_only_the_applicant_changes_a_draft(world, who):
    """Nobody else may change an application."""
    application = world.draft()
    with pytest.raises(PermissionDenied):
        services.application_update(
            application=application, actor=getattr(world, who), offer_to_host="Changed"
        )


# --- submitting ------------------------------------------------------------------------


def test_submitting_tells_the_line_manager(world):
    """Submission records the event and notifies the named line manager."""
    application = world.submitted()
    assert application.status == S.SUBMITTED and application.submitted_at
    assert notice_kinds_for(world.uk_manager) == ["application_submitted"]
    assert application.events.last().to_status == "submitted"


def test_an_incomplete_application_cannot_be_submitted(world):
    """Every missing part is named, next to its field."""
    application = services.application_create(
        applicant=world.uk_staff, opportunity=world.au_opportunity
    )
    with pytest.raises(ValidationError) as exc:
        services.application_submit(application=application, actor=world.uk_staff)
    assert set(exc.value.message_dict) >= {
        "proposed_start",
        "skills_to_gain",
        "line_manager",
        "cv",
        "has_conflict_of_interest",
        "declaration_confirmed",
    }
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_a_declared_conflict_needs_details(world):
    """Answering yes to a conflict of interest needs a description."""
    application = world.draft(has_conflict_of_interest=True)
    with pytest.raises(ValidationError) as exc:
        services.application_submit(application=application, actor=world.uk_staff)
    assert "conflict_of_interest_details" in exc.value.message_dict


@pytest.mark.parametrize("who", ["uk_manager", "au_pm", "uk_pm"])
def test_only_the_applicant_submits(world, who):
    application = world.draft()
    with pytest.raises(PermissionDenied):
        services.application_submit(application=application, actor=getattr(world, who))


def test_submission_is_refused_once_the_opportunity_has_closed(world):
    """A draft for an opportunity that has since closed cannot be submitted."""
    application = world.draft()
    services.opportunity_close(opportunity=world.au_opportunity, actor=world.au_pm)
    with pytest.raises(ValidationError, match="closed"):
        services.application_submit(application=application, actor=world.uk_staff)


def test_a_submitted_application_cannot_be_changed(world):
    """Only drafts and returned applications are editable."""
    application = world.submitted()
    with pytest.raises(ValidationError, match="no longer be changed"):
        services.application_update(
            application=application, actor=world.uk_staff, offer_to_host="x"
        )


# --- endorsing, returning, declining ---------------------------------------------------


def test_the_line_manager_endorses_and_everyone_concerned_is_told(world):
    """Endorsement notifies the applicant and the programme's managers."""
    application = world.submitted()
    services.application_endorse(application=application, actor=world.uk_manager, reason="Yes")
    application.refresh_from_db()
    assert application.status == S.ENDORSED
    assert notice_kinds_for(world.uk_staff) == ["application_endorsed"]
    assert notice_kinds_for(world.au_pm) == ["application_endorsed"]
    assert notice_kinds_for(world.uk_pm) == ["application_endorsed"]
    event = application.events.last()
    assert (event.actor, event.from_status, event.to_status, event.reason) == (
        world.uk_manager,
        "submitted",
        "endorsed",
        "Yes",
    )


@pytest.mark.parametrize("who", ["uk_staff", "au_pm", "uk_pm", "au_manager", "outsider"])
def test_only_the_named_line_manager_endorses(world, who):
    application = world.submitted()
    with pytest.raises(PermissionDenied):
        services.application_endorse(application=application, actor=getattr(world, who))


def test_a_draft_cannot_be_endorsed(world):
    application = world.draft()
    with pytest.raises(ValidationError, match="Only a submitted"):
        services.application_endorse(application=application, actor=world.uk_manager)


def test_a_return_needs_a_reason_and_goes_back_to_the_applicant(world):
    """Returned with comments; the applicant changes and resubmits it."""
    application = world.submitted()
    with pytest.raises(ValidationError) as exc:
        services.application_return(application=application, actor=world.uk_manager, reason=" ")
    assert "reason" in exc.value.message_dict
    services.application_return(
        application=application, actor=world.uk_manager, reason="Say more about the benefit."
    )
    application.refresh_from_db()
    assert application.status == S.RETURNED
    assert "application_returned" in notice_kinds_for(world.uk_staff)
    services.application_update(
        application=application, actor=world.uk_staff, benefit_to_home_team="Much more."
    )
    services.application_submit(application=application, actor=world.uk_staff)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert list(application.events.values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "returned",
        "submitted",
    ]


def test_the_host_programme_manager_may_return_an_endorsed_application(world):
    """Once endorsed, the host-side programme manager decides; the home side cannot."""
    application = world.endorsed()
    with pytest.raises(PermissionDenied, match="host institute"):
        services.application_return(application=application, actor=world.uk_pm, reason="x")
    with pytest.raises(PermissionDenied):
        services.application_return(application=application, actor=world.uk_manager, reason="x")
    services.application_return(application=application, actor=world.au_pm, reason="Dates")
    application.refresh_from_db()
    assert application.status == S.RETURNED


@pytest.mark.parametrize("who", ["uk_staff", "au_pm", "outsider"])
def test_only_the_line_manager_declines_a_submitted_application(world, who):
    application = world.submitted()
    with pytest.raises(PermissionDenied):
        services.application_decline(application=application, actor=getattr(world, who), reason="x")


def test_a_declined_application_is_read_only(world):
    """Declined needs a reason; after that nothing may change it."""
    application = world.submitted()
    with pytest.raises(ValidationError):
        services.application_decline(application=application, actor=world.uk_manager, reason="")
    services.application_decline(
        application=application, actor=world.uk_manager, reason="Not this year."
    )
    application.refresh_from_db()
    assert application.status == S.DECLINED
    assert "application_declined" in notice_kinds_for(world.uk_staff)
    with pytest.raises(ValidationError):
        services.application_update(application=application, actor=world.uk_staff, notes="x")
    with pytest.raises(ValidationError):
        services.application_submit(application=application, actor=world.uk_staff)
    with pytest.raises(ValidationError, match="already declined"):
        services.application_withdraw(application=application, actor=world.uk_staff)
    with pytest.raises(ValidationError):
        services.application_endorse(application=application, actor=world.uk_manager)
