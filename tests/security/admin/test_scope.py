"""Issue 11, findings 3 and 4, and issue 14's admin items: every admin view applies the
changelist's institute scope; reverting never moves a record and is off under custody;
drafts stay their applicant's; pickers, search and actions work for institute admins."""

import pytest
from django.urls import reverse

from exchange.models import Application, Opportunity
from exchange.services import opportunity_publish
from handover.models import Document
from tests.exchange.factories import OpportunityFactory
from tests.handover.factories import make_document

from .support import form_fields, institute_admin

pytestmark = pytest.mark.django_db


def history_urls(obj, name):
    record = obj.history.order_by("history_id").first()
    return (
        reverse(f"admin:{name}_history", args=[obj.pk]),
        reverse(f"admin:{name}_simple_history", args=[obj.pk, record.history_id]),
    )


def test_the_other_institutes_history_and_past_versions_are_not_found(world, au_admin, as_user):
    """The Australian admin can neither read nor revert a UK document, a UK draft
    opportunity, a secondment or a checklist item of a third institute's exchange."""
    document = make_document(world.uk_staff, title="UK only")
    draft = OpportunityFactory(
        programme=world.programme, host_institute=world.uk, status=Opportunity.Status.DRAFT
    )
    draft.title = "Renamed"
    draft.save()
    client = as_user(au_admin)
    for obj, name in ((document, "handover_document"), (draft, "exchange_opportunity")):
        history, version = history_urls(obj, name)
        assert client.get(history).status_code == 404, name
        assert client.get(version).status_code == 404, name
        data = {"title": "Reverted by AU", "owner_institute": world.au.pk}
        assert client.post(version, data).status_code == 404, name
    document.refresh_from_db()
    assert document.owner_institute_id == world.uk.pk and document.title == "UK only"

    outsider_admin = institute_admin(world.other)
    _, secondment = world.accepted()
    item = secondment.checklist_items.first()
    client = as_user(outsider_admin)
    for obj, name in ((secondment, "exchange_secondment"), (item, "exchange_checklistitem")):
        history, version = history_urls(obj, name)
        assert client.get(history).status_code == 404, name
        assert client.get(version).status_code == 404, name


def test_own_institutes_history_still_opens(world, uk_admin, as_user):
    document = make_document(world.uk_staff, title="UK only")
    history, version = history_urls(document, "handover_document")
    client = as_user(uk_admin)
    assert client.get(history).status_code == 200
    page = client.get(version)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # under custody: read only


def test_reverting_is_off_for_records_under_custody(world, superuser, as_user):
    document = make_document(world.uk_staff, title="First title")
    Document.objects.filter(pk=document.pk).update(title="Second title")
    document.refresh_from_db()
    document.save()
    _, version = history_urls(document, "handover_document")
    client = as_user(superuser)
    data = form_fields(client.get(version), "historicaldocument_form")
    assert client.post(version, data).status_code == 403
    document.refresh_from_db()
    assert document.title == "Second title"


def test_a_revert_restores_content_never_the_institute_or_the_status(world, superuser, as_user):
    """A past version hosted elsewhere, in draft: the revert brings back its title only."""
    opportunity = OpportunityFactory(
        programme=world.programme,
        host_institute=world.au,
        status=Opportunity.Status.DRAFT,
        title="Old title",
        required_clearance="",
    )
    _, version = history_urls(opportunity, "exchange_opportunity")
    opportunity.title = "New title"
    opportunity.host_institute = world.uk
    opportunity.save()
    opportunity_publish(opportunity=opportunity, actor=world.uk_pm)
    client = as_user(superuser)
    page = client.get(version)
    data = form_fields(page, "historicalopportunity_form")
    assert "title" in data and "host_institute" not in data
    data["host_institute"] = [str(world.au.pk)]
    response = client.post(version, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    opportunity.refresh_from_db()
    assert opportunity.title == "Old title"
    assert opportunity.host_institute_id == world.uk.pk
    assert opportunity.status == Opportunity.Status.OPEN


def test_an_institute_admin_cannot_move_a_record_to_the_other_institute(world, uk_admin, as_user):
    url = reverse("admin:exchange_opportunity_change", args=[world.uk_opportunity.pk])
    client = as_user(uk_admin)
    data = form_fields(client.get(url), "opportunity_form")
    data["host_institute"] = [str(world.au.pk)]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "must stay linked to your institute" in response.content.decode()
    world.uk_opportunity.refresh_from_db()
    assert world.uk_opportunity.host_institute_id == world.uk.pk


def test_drafts_are_not_in_the_admin(world, uk_admin, au_admin, as_user):
    """A draft is its applicant's alone, in the admin as in the portal; once submitted the
    host's admin sees it."""
    draft = world.draft()
    submitted = world.submitted(applicant=world.uk_manager, line_manager=world.uk_staff)
    for admin in (au_admin, uk_admin):
        client = as_user(admin)
        listed = client.get(reverse("admin:exchange_application_changelist"))
        shown = {application.pk for application in listed.context["cl"].result_list}
        assert shown == {submitted.pk}
        url = reverse("admin:exchange_application_change", args=[draft.pk])
        assert client.get(url).status_code == 302
        history = reverse("admin:exchange_application_history", args=[draft.pk])
        assert client.get(history).status_code == 404
    assert Application.objects.filter(pk=draft.pk, submitted_at__isnull=True).exists()


def test_search_finds_an_application_by_its_reference(world, uk_admin, as_user):
    application = world.submitted()
    world.submitted(applicant=world.uk_manager, line_manager=world.uk_staff)
    client = as_user(uk_admin)
    changelist = reverse("admin:exchange_application_changelist")
    for term in (application.reference, application.reference.lower(), f"APP {application.pk}"):
        result = client.get(changelist, {"q": term}).context["cl"].result_list
        assert [a.pk for a in result] == [application.pk], term
    assert client.get(changelist, {"q": "APP-99999"}).context["cl"].result_count == 0


def test_the_host_institute_picker_answers_an_institute_admin(world, uk_admin, as_user):
    """The autocomplete offers the admin's own institute (not a 403), and nothing else."""
    client = as_user(uk_admin)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "exchange",
            "model_name": "opportunity",
            "field_name": "host_institute",
            "term": "",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(world.uk.pk)]


def test_an_institute_admin_adds_an_opportunity(world, uk_admin, as_user):
    client = as_user(uk_admin)
    add = reverse("admin:exchange_opportunity_add")
    page = client.get(add)
    assert page.status_code == 200
    data = form_fields(page, "opportunity_form")
    assert data["host_institute"] == [str(world.uk.pk)]
    data.update(
        programme=[str(world.programme.pk)],
        team=["Evaluations"],
        title=["Evaluation engineer"],
        description=["Build evaluations."],
        location=["London"],
        min_duration_months=["3"],
        max_duration_months=["6"],
        earliest_start=["2026-10-01"],
        closing_date=["2026-09-01"],
        places=["1"],
    )
    response = client.post(add, {**data, "host_institute": [str(world.au.pk)]})
    assert response.status_code == 200
    assert not Opportunity.objects.filter(title="Evaluation engineer").exists()
    response = client.post(add, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Opportunity.objects.get(title="Evaluation engineer")
    assert created.host_institute_id == world.uk.pk and created.created_by_id == uk_admin.pk
    assert created.status == Opportunity.Status.DRAFT


def test_publishing_is_for_the_programmes_managers(world, uk_admin, as_user):
    """As docs/exchange.md says: an institute admin who is not a manager of the programme
    is told why; one who is publishes."""
    draft = OpportunityFactory(
        programme=world.programme, host_institute=world.uk, status=Opportunity.Status.DRAFT
    )
    client = as_user(uk_admin)
    changelist = reverse("admin:exchange_opportunity_changelist")
    action = {"action": "publish", "_selected_action": [draft.pk]}
    response = client.post(changelist, action, follow=True)
    assert "Only a manager of" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.DRAFT
    world.programme.managers.add(uk_admin)
    client.post(changelist, action)
    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.OPEN


def test_history_shows_no_literal_none(world, uk_admin, as_user):
    opportunity = world.uk_opportunity
    opportunity.title = "Changed without a reason"
    opportunity.save()
    page = as_user(uk_admin).get(
        reverse("admin:exchange_opportunity_history", args=[opportunity.pk])
    )
    assert page.status_code == 200
    assert ">None<" not in "".join(page.content.decode().split())


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code in {301, 302}
    assert client.get(response["Location"]).status_code == 200


def test_the_picker_works_for_an_admin_whose_role_predates_it(world, uk_admin, as_user):
    """An institute admin reads their own institute even if their role's permissions were
    set before the institute permission was part of it."""
    from django.contrib.auth.models import Group

    from accounts.models import Role

    group = Group.objects.get(name=Role.INSTITUTE_ADMIN.value)
    group.permissions.remove(*group.permissions.filter(codename="view_institute"))
    response = as_user(uk_admin).get(
        reverse("admin:autocomplete"),
        {"app_label": "exchange", "model_name": "opportunity", "field_name": "host_institute"},
    )
    assert [r["id"] for r in response.json()["results"]] == [str(world.uk.pk)]


def test_pickers_keep_the_scope_and_hide_drafts(world, au_admin, as_user):
    """The application picker of a secondment offers the admin's institute's submitted
    applications only; the people picker their own institute's people."""
    draft = world.draft()
    submitted = world.submitted(applicant=world.uk_manager, line_manager=world.uk_staff)
    client = as_user(au_admin)

    def picked(field):
        response = client.get(
            reverse("admin:autocomplete"),
            {"app_label": "exchange", "model_name": "secondment", "field_name": field},
        )
        assert response.status_code == 200
        return {r["id"] for r in response.json()["results"]}

    assert picked("application") == {str(submitted.pk)}
    assert str(draft.pk) not in picked("application")
    people = picked("secondee")
    assert str(world.au_staff.pk) in people and str(world.uk_staff.pk) not in people


def test_search_finds_a_secondment_by_its_reference(world, au_admin, as_user):
    _, secondment = world.accepted()
    changelist = reverse("admin:exchange_secondment_changelist")
    result = as_user(au_admin).get(changelist, {"q": secondment.reference}).context["cl"]
    assert [s.pk for s in result.result_list] == [secondment.pk]


def test_every_history_in_the_admin_is_scoped(db):
    """Each admin with history pages (and so past versions and revert) is institute-scoped,
    save the shared checklist templates and clearance recognitions (each host institute's
    admins revert their own scheme's rows only: tests/exchange/test_clearance_recognition.py);
    records under custody cannot be reverted."""
    from django.contrib.admin.sites import site
    from simple_history.admin import SimpleHistoryAdmin

    from portal.admin import InstituteScopedAdmin

    # The retention schedule is one for both institutes: institute admins read its
    # history, only superusers change or revert a rule (tests/records/test_admin.py).
    shared = {
        "exchange.ChecklistTemplate",
        "exchange.ClearanceRecognition",
        "records.RetentionRule",
    }
    with_history = {
        model._meta.label: model_admin
        for model, model_admin in site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    }
    assert with_history
    for label, model_admin in with_history.items():
        assert label in shared or isinstance(model_admin, InstituteScopedAdmin), label
    for label in ("handover.Document", "handover.Handover"):
        assert with_history[label].revert_allowed is False, label


def test_the_managers_an_institute_admin_can_name(world, uk_admin, as_user):
    """Their own institute's people, and the partner's managers already in place: not
    the partner's staff at large."""
    url = reverse("admin:programmes_programme_change", args=[world.programme.pk])
    choices = as_user(uk_admin).get(url).context["adminform"].form.fields["managers"].queryset
    assert world.uk_staff in choices and world.au_pm in choices
    assert world.au_staff not in choices


def test_actions_and_delete_reach_only_the_admins_institute(world, au_admin, as_user):
    """Bulk actions and the delete page start from the same scope as the list."""
    document = make_document(world.uk_staff, title="UK only")
    draft = OpportunityFactory(
        programme=world.programme, host_institute=world.uk, status=Opportunity.Status.DRAFT
    )
    client = as_user(au_admin)
    client.post(
        reverse("admin:handover_document_changelist"),
        {"action": "delete_selected", "_selected_action": [document.pk], "post": "yes"},
    )
    world.programme.managers.add(au_admin)
    client.post(
        reverse("admin:exchange_opportunity_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    delete = reverse("admin:handover_document_delete", args=[document.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert Document.objects.filter(pk=document.pk).exists()
    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.DRAFT


def test_an_opportunity_added_in_the_admin_keeps_the_sites_rules(world, uk_admin, as_user):
    """The host must take part in the programme, as when a manager adds one on the site."""
    from tests.factories import InstituteFactory, ProgrammeFactory

    elsewhere = ProgrammeFactory(institutes=[world.au, InstituteFactory(code="CA-AI")])
    client = as_user(uk_admin)
    add = reverse("admin:exchange_opportunity_add")
    data = form_fields(client.get(add), "opportunity_form")
    data.update(
        programme=[str(elsewhere.pk)],
        team=["Evaluations"],
        title=["Nowhere to host"],
        description=["Build evaluations."],
        location=["London"],
        min_duration_months=["3"],
        max_duration_months=["6"],
        earliest_start=["2026-10-01"],
        closing_date=["2026-09-01"],
        places=["1"],
    )
    response = client.post(add, data)
    assert response.status_code == 200
    assert "The host must be one of the programme" in response.content.decode()
    assert not Opportunity.objects.filter(title="Nowhere to host").exists()


def test_an_admin_cannot_name_themselves_a_programmes_manager(world, uk_admin, as_user):
    """Being a manager carries the programme manager role: no one gives it to themselves."""
    url = reverse("admin:programmes_programme_change", args=[world.programme.pk])
    client = as_user(uk_admin)
    data = form_fields(client.get(url), "programme_form")
    data["managers"] = [*data.get("managers", []), str(uk_admin.pk)]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "You cannot add or remove yourself as a manager" in response.content.decode()
    assert not world.programme.managers.filter(pk=uk_admin.pk).exists()
    data["managers"] = [*data["managers"][:-1], str(world.uk_staff.pk)]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert world.programme.managers.filter(pk=world.uk_staff.pk).exists()
