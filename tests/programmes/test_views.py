import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from programmes.models import (
    Milestone,
    MilestoneDueDateChange,
    MilestoneStatus,
    Programme,
    Project,
    ProjectMembership,
)
from tests.factories import InstituteFactory, UserFactory
from tests.programmes.conftest import TODAY
from tests.programmes.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _all_urls(world):
    m = world.milestone
    code = world.project.code
    membership = ProjectMembership.objects.filter(project=world.project).first()
    return [
        reverse("programmes:programme_detail", args=[world.programme.pk]),
        reverse("programmes:programme_edit", args=[world.programme.pk]),
        reverse("programmes:project_detail", args=[code]),
        reverse("programmes:project_edit", args=[code]),
        reverse("programmes:project_members", args=[code]),
        reverse("programmes:project_member_remove", args=[code, membership.pk]),
        reverse("programmes:project_rag", args=[code]),
        reverse("programmes:milestone_create", args=[code]),
        reverse("programmes:milestone_detail", args=[m.pk]),
        reverse("programmes:milestone_edit", args=[m.pk]),
        reverse("programmes:milestone_status", args=[m.pk]),
        reverse("programmes:milestone_due_date", args=[m.pk]),
    ]


# --- who sees what --------------------------------------------------------------------


def test_every_page_of_the_programme_is_a_404_for_non_members(world, client):
    """The outsider (partner institute, no project) and a manager of another programme get
    404 from every page of this programme, GET and POST alike."""
    third = UserFactory(institute=InstituteFactory())
    for person in (world.outsider, world.other_manager, third):
        _login(client, person)
        for url in _all_urls(world):
            assert client.get(url).status_code == 404, (person, url)
            assert client.post(url, {}).status_code in (404, 405), (person, url)


def test_lists_exports_and_feed_show_nothing_of_another_project(world, client):
    """Lists and exports show an outsider nothing of a project they are not on."""
    _login(client, world.outsider)
    for name in ("programmes:programme_list", "programmes:milestone_list"):
        body = client.get(reverse(name)).content.decode()
        assert world.programme.name not in body
        assert world.milestone.title not in body
    csv_body = b"".join(client.get(reverse("programmes:milestone_export_csv")).streaming_content)
    assert world.milestone.title.encode() not in csv_body
    assert world.other_milestone.title.encode() in csv_body


def test_members_see_pages_but_not_manager_actions(world, client):
    """A member sees the project but not the manager's actions, and no status form for others'
    milestones."""
    _login(client, world.partner)
    response = client.get(reverse("programmes:project_detail", args=[world.project.code]))
    assert response.status_code == 200
    assert world.milestone.title in response.content.decode()
    assert "Add a milestone" not in response.content.decode()
    assert (
        client.get(reverse("programmes:project_edit", args=[world.project.code])).status_code == 404
    )
    # Not the owner, so no status form either.
    assert (
        client.get(reverse("programmes:milestone_status", args=[world.milestone.pk])).status_code
        == 404
    )


def test_manager_pages_need_mfa(world, client, uk_institute):
    """A programme manager without MFA is sent to set it up."""
    no_mfa = UserFactory(institute=uk_institute, roles=[Role.PROGRAMME_MANAGER])
    world.programme.managers.add(no_mfa)
    _login(client, no_mfa)
    response = client.get(reverse("programmes:project_edit", args=[world.project.code]))
    assert response.status_code == 302
    assert "/2fa/" in response["Location"]


def test_signed_out_people_are_sent_to_sign_in(world, client):
    """Signed-out people are sent to sign in."""
    response = client.get(reverse("programmes:programme_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- forms: good and bad input --------------------------------------------------------


def test_manager_creates_a_programme_and_new_managers_get_the_role(world, client, au_institute):
    """A manager creates a programme; managers named in it get the programme manager role."""
    au_manager = UserFactory(institute=au_institute, email="pm@au.example.org")
    _login(client, world.manager)
    response = client.post(
        reverse("programmes:programme_create"),
        {
            "name": "Second partnership",
            "agreement_reference": "MoU-2",
            "start_date": "2027-01-01",
            "end_date": "2028-12-31",
            "institutes": [world.project.lead_institute.pk, au_institute.pk],
            "manager_emails": f"{world.manager.email}\npm@au.example.org",
            "reciprocity_target_months": "6",
        },
    )
    programme = Programme.objects.get(name="Second partnership")
    assert response.status_code == 302
    assert response["Location"] == programme.get_absolute_url()
    assert au_manager.groups.filter(name=Role.PROGRAMME_MANAGER.value).exists()


def test_programme_form_bad_input_shows_messages_and_saves_nothing(world, client):
    """Bad programme input gets messages beside the fields and saves nothing."""
    _login(client, world.manager)
    response = client.post(
        reverse("programmes:programme_create"),
        {
            "name": "Broken",
            "start_date": "2027-01-01",
            "end_date": "2026-01-01",
            "institutes": [world.project.lead_institute.pk],
            "manager_emails": "nobody@example.org",
            "reciprocity_target_months": "1",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "No active account for nobody@example.org" in body
    assert "There is a problem" in body
    assert not Programme.objects.filter(name="Broken").exists()


def test_manager_creates_a_project(world, client):
    """A manager creates a project (code upper-cased) and goes on to add members; history records
    who."""
    _login(client, world.manager)
    response = client.post(
        reverse("programmes:project_create"),
        {
            "programme": world.programme.pk,
            "code": "jrp-new-02",
            "title": "New joint work",
            "lead_institute": world.project.lead_institute.pk,
            "partner_institutes": [world.partner.institute.pk],
            "status": "active",
            "start_date": "2027-01-01",
            "end_date": "2027-12-31",
        },
    )
    project = Project.objects.get(code="JRP-NEW-02")
    assert response["Location"] == reverse("programmes:project_members", args=[project.code])
    assert project.history.first().history_user == world.manager


def test_project_form_cannot_target_another_programme(world, client):
    """The programme choice is limited to programmes the person manages."""
    _login(client, world.manager)
    response = client.post(
        reverse("programmes:project_create"),
        {
            "programme": world.other_programme.pk,
            "code": "JRP-SNEAK",
            "title": "Sneak",
            "lead_institute": world.project.lead_institute.pk,
            "status": "active",
            "start_date": "2027-01-01",
            "end_date": "2027-12-31",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Project.objects.filter(code="JRP-SNEAK").exists()


def _milestone_post(world, **overrides):
    data = {
        "title": "Report",
        "owner": world.researcher.pk,
        "due_date": "2027-05-01",
    }
    data.update(overrides)
    return data


def test_manager_adds_a_milestone(world, client):
    """A manager adds a milestone with a dependency; its baseline is its due date."""
    _login(client, world.manager)
    response = client.post(
        reverse("programmes:milestone_create", args=[world.project.code]),
        _milestone_post(world, dependencies=[world.milestone.pk]),
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(title="Report")
    assert milestone.baseline_due_date == datetime.date(2027, 5, 1)
    assert list(milestone.dependencies.all()) == [world.milestone]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"due_date": "2030-01-01"}, "The due date must be within the project’s dates"),
        ({"due_date": "not a date"}, "Enter the due date as a real date"),
        ({"title": ""}, "Enter a title."),
        ({"owner": ""}, "Choose who owns this milestone."),
    ],
)
def test_milestone_form_bad_input_gets_a_message_beside_the_field(
    world, client, overrides, message
):
    """Bad milestone input gets a message beside the field and saves nothing."""
    _login(client, world.manager)
    response = client.post(
        reverse("programmes:milestone_create", args=[world.project.code]),
        _milestone_post(world, **overrides),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "govuk-error-message" in body
    assert not Milestone.objects.filter(title="Report").exists()


def test_dependency_on_another_projects_milestone_is_refused_beside_the_field(world, client):
    """A dependency on another project's milestone is refused beside the field."""
    _login(client, world.manager)
    response = client.post(
        reverse("programmes:milestone_create", args=[world.project.code]),
        _milestone_post(world, dependencies=[world.other_milestone.pk]),
    )
    body = response.content.decode()
    assert "Choose dependencies from this project’s milestones only." in body
    assert 'id="id_dependencies-error"' in body
    assert not Milestone.objects.filter(title="Report").exists()


def test_a_cycle_through_the_edit_form_is_refused_beside_the_field(world, client):
    """A cycle made through the edit form is refused beside the dependencies field."""
    later = MilestoneFactory(project=world.project, owner=world.researcher, title="Later")
    later.dependencies.add(world.milestone)
    _login(client, world.manager)
    response = client.post(
        reverse("programmes:milestone_edit", args=[world.milestone.pk]),
        {"title": world.milestone.title, "owner": world.researcher.pk, "dependencies": [later.pk]},
    )
    body = response.content.decode()
    assert "would form a cycle" in body
    assert 'id="id_dependencies-error"' in body
    assert list(world.milestone.dependencies.all()) == []


def test_due_date_change_with_empty_reason_is_refused_beside_the_field(world, client):
    """A due-date change without a reason is refused beside the reason and nothing moves."""
    _login(client, world.manager)
    response = client.post(
        reverse("programmes:milestone_due_date", args=[world.milestone.pk]),
        {"due_date": "2027-02-01", "reason": ""},
    )
    body = response.content.decode()
    assert "Enter why the due date is changing." in body
    assert 'id="id_reason-error"' in body
    world.milestone.refresh_from_db()
    assert world.milestone.due_date == TODAY
    assert not MilestoneDueDateChange.objects.exists()


def test_due_date_change_is_shown_with_its_reason(world, client):
    """The milestone page shows each due-date change with its reason and the slippage."""
    _login(client, world.manager)
    client.post(
        reverse("programmes:milestone_due_date", args=[world.milestone.pk]),
        {"due_date": "2027-02-01", "reason": "Partner compute arrives in January"},
    )
    body = client.get(reverse("programmes:milestone_detail", args=[world.milestone.pk])).content
    assert "Partner compute arrives in January" in body.decode()
    assert "slipped 66 days" in body.decode()


def test_rag_override_without_reason_is_refused_and_with_one_is_shown(world, client):
    """An override without a reason is refused; with one, the reason shows beside the RAG on the
    project page and dashboard."""
    _login(client, world.manager)
    url = reverse("programmes:project_rag", args=[world.project.code])
    response = client.post(url, {"rag": "red", "reason": ""})
    assert "Enter why you are overriding the RAG status." in response.content.decode()
    world.project.refresh_from_db()
    assert world.project.rag_override == ""
    client.post(url, {"rag": "red", "reason": "Key researcher on leave"})
    body = client.get(world.project.get_absolute_url()).content.decode()
    assert "Key researcher on leave" in body
    dashboard = client.get(world.programme.get_absolute_url()).content.decode()
    assert "Key researcher on leave" in dashboard


def test_owner_marks_their_milestone_done(world, client, frozen_today):
    """The owner marks their milestone done from its status page."""
    _login(client, world.researcher)
    url = reverse("programmes:milestone_status", args=[world.milestone.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "done"})
    assert response.status_code == 302
    world.milestone.refresh_from_db()
    assert world.milestone.status == MilestoneStatus.DONE


def test_owner_is_not_offered_cancel(world, client):
    """The owner's status form does not accept cancel."""
    _login(client, world.researcher)
    response = client.post(
        reverse("programmes:milestone_status", args=[world.milestone.pk]), {"status": "cancelled"}
    )
    assert "Select a valid choice" in response.content.decode()
    world.milestone.refresh_from_db()
    assert world.milestone.status == MilestoneStatus.PLANNED


def test_gated_milestone_refusal_is_shown_beside_the_status(world, client):
    """Marking a gated milestone done without an acknowledged handover is refused beside
    the status."""
    world.milestone.requires_partner_handover = True
    world.milestone.save()
    _login(client, world.researcher)
    response = client.post(
        reverse("programmes:milestone_status", args=[world.milestone.pk]), {"status": "done"}
    )
    assert "needs an acknowledged handover from the partner institute" in (
        response.content.decode()
    )
    world.milestone.refresh_from_db()
    assert world.milestone.status == MilestoneStatus.PLANNED


def test_members_page_adds_a_lead_and_refuses_a_second_one(world, client, au_institute):
    """A second lead from the same institute is refused beside the role; a researcher is added."""
    _login(client, world.manager)
    url = reverse("programmes:project_members", args=[world.project.code])
    newcomer = UserFactory(institute=au_institute, email="second.lead@au.example.org")
    response = client.post(url, {"email": newcomer.email, "role": "lead"})
    assert "already has a lead on this project" in response.content.decode()
    assert not ProjectMembership.objects.filter(user=newcomer).exists()
    response = client.post(url, {"email": newcomer.email, "role": "researcher"})
    assert response.status_code == 302
    assert ProjectMembership.objects.filter(user=newcomer, role="researcher").exists()


def test_project_page_shows_timeline_members_and_activity(world, client, frozen_today):
    """The project page shows a month-by-month timeline with today, dependency warnings, members and
    recent activity."""
    dep = MilestoneFactory(
        project=world.project,
        owner=world.researcher,
        title="Later dependency",
        due_date=TODAY + datetime.timedelta(days=40),
    )
    world.milestone.dependencies.add(dep)
    _login(client, world.manager)
    client.post(
        reverse("programmes:milestone_due_date", args=[world.milestone.pk]),
        {"due_date": "2026-12-10", "reason": "Late data"},
    )
    body = client.get(world.project.get_absolute_url()).content.decode()
    assert "December 2026" in body and "January 2027" in body  # grouped by month
    assert "Today, 27 November" in body
    assert "Due before its dependency" in body
    assert world.partner.full_name in body
    assert "Due date moved to 10 Dec 2026" in body  # recent activity from history
