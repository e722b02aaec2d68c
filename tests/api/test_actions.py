"""What the API's actions do: the same services as the pages, with the same results."""

from exchange.models import Application, ChecklistItem
from handover.models import AccessEvent, CustodyKind, HandoverStatus

from .conftest import api_client


def test_endorsing_moves_the_application_on_and_says_what_is_left(world):
    """The line manager endorses; the answer is the application as it now stands."""
    response = api_client(world.uk_manager).post(
        f"/api/v1/applications/{world.application.pk}/endorse/", {"reason": "Yes."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == Application.Status.ENDORSED
    assert response.json()["actions"] == []
    world.application.refresh_from_db()
    assert world.application.status == Application.Status.ENDORSED


def test_a_required_reason_is_asked_for_as_on_the_page(world):
    response = api_client(world.uk_manager).post(
        f"/api/v1/applications/{world.application.pk}/decline/", {}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Enter a reason."]}
    world.application.refresh_from_db()
    assert world.application.status == Application.Status.SUBMITTED


def test_an_action_not_the_persons_to_take_is_refused_with_the_services_reason(world):
    """The applicant sees the application but may not endorse it: 403 with why."""
    response = api_client(world.uk_staff).post(
        f"/api/v1/applications/{world.application.pk}/endorse/", {}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"]


def test_the_applications_actions_are_those_its_page_offers(world):
    data = api_client(world.uk_manager).get(f"/api/v1/applications/{world.application.pk}/").json()
    assert data["actions"] == ["decline", "endorse", "return"]
    assert data["applicant"] == {"id": world.uk_staff.pk, "name": "Uma Staff"}


def test_a_milestone_is_added_and_then_partly_updated(world):
    """PATCH changes only what it sends; the rest stays as it was."""
    client = api_client(world.uk_pm)
    created = client.post(
        f"/api/v1/projects/{world.project.code}/milestones/",
        {
            "title": "Shared evaluation",
            "owner": world.uk_staff.pk,
            "due_date": "2027-01-29",
            "description": "Both teams run the suite.",
            "dependencies": [world.milestone.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["dependencies"] == [world.milestone.pk]
    assert set(body["actions"]) == {"update", "due_date", "status"}

    updated = client.patch(
        f"/api/v1/milestones/{body['id']}/", {"title": "Joint evaluation"}, format="json"
    )

    assert updated.status_code == 200, updated.content
    after = updated.json()
    assert after["title"] == "Joint evaluation"
    assert after["description"] == "Both teams run the suite."
    assert after["dependencies"] == [world.milestone.pk]
    assert after["owner"]["id"] == world.uk_staff.pk


def test_a_milestone_due_outside_its_project_is_refused_by_the_service(world):
    response = api_client(world.uk_pm).post(
        f"/api/v1/projects/{world.project.code}/milestones/",
        {"title": "Too late", "owner": world.uk_staff.pk, "due_date": "2031-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "due_date" in response.json()["errors"]


def test_the_owner_moves_their_milestone_and_may_not_cancel_it(world):
    client = api_client(world.uk_staff)
    url = f"/api/v1/milestones/{world.milestone.pk}/status/"
    assert client.post(url, {"status": "in_progress"}, format="json").json()["status"] == (
        "in_progress"
    )
    refused = client.post(url, {"status": "cancelled"}, format="json")
    assert refused.status_code == 400
    assert "status" in refused.json()["errors"]


def test_a_checklist_item_changes_only_what_is_sent(world):
    item = ChecklistItem.objects.filter(secondment=world.secondment, key="travel").get()
    response = api_client(world.secondment.secondee).patch(
        f"/api/v1/secondments/{world.secondment.pk}/checklist/{item.pk}/",
        {"notes": "Booked.", "status": "in_progress"},
        format="json",
    )
    assert response.status_code == 200, response.content
    item.refresh_from_db()
    assert (item.notes, item.status) == ("Booked.", "in_progress")


def test_the_secondee_cannot_change_the_hosts_checklist_item(world):
    """Only an item's owner side changes it: the host's clearance item refuses the
    secondee (403, unchanged) and takes the host supervisor's change."""
    item = ChecklistItem.objects.filter(secondment=world.secondment, key="clearance").get()
    url = f"/api/v1/secondments/{world.secondment.pk}/checklist/{item.pk}/"
    body = {"notes": "Recognised.", "status": "in_progress"}
    refused = api_client(world.secondment.secondee).patch(url, body, format="json")
    assert refused.status_code == 403, refused.content
    item.refresh_from_db()
    assert (item.notes, item.status) == ("", "not_started")
    allowed = api_client(world.secondment.host_supervisor).patch(url, body, format="json")
    assert allowed.status_code == 200, allowed.content
    item.refresh_from_db()
    assert (item.notes, item.status) == ("Recognised.", "in_progress")


def test_acknowledging_checks_the_files_and_records_custody(world):
    response = api_client(world.au_staff).post(
        f"/api/v1/handovers/{world.handover.reference}/acknowledge/", format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == HandoverStatus.ACKNOWLEDGED
    assert world.handover.custody.filter(kind=CustodyKind.ACKNOWLEDGED).exists()


def test_the_sender_may_not_acknowledge_their_own_handover(world):
    """Not a recipient: a 404, as the page's button is."""
    response = api_client(world.uk_staff).post(
        f"/api/v1/handovers/{world.handover.reference}/acknowledge/", format="json"
    )
    assert response.status_code == 404


def test_a_download_is_the_pages_download_and_is_recorded(world):
    item = world.handover.items.get()
    shown = api_client(world.au_staff).get(f"/api/v1/handovers/{world.handover.reference}/")
    assert shown.json()["items"][0]["may_download"] is True
    assert shown.json()["items"][0]["download"].endswith(f"/items/{item.pk}/download/")
    response = api_client(world.au_staff).get(
        f"/api/v1/handovers/{world.handover.reference}/items/{item.pk}/download/"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert world.handover.custody.filter(kind=CustodyKind.DOWNLOADED).exists()


def test_opening_a_document_is_recorded_as_on_its_page(world):
    response = api_client(world.au_staff).get(f"/api/v1/documents/{world.document.pk}/")
    assert response.status_code == 200
    assert [v["number"] for v in response.json()["versions"]] == [1]
    assert AccessEvent.objects.filter(user=world.au_staff, action="view").exists()


def test_my_milestones_filter_and_pagination(world):
    client = api_client(world.uk_staff)
    mine = client.get("/api/v1/milestones/?mine=true").json()
    assert [row["id"] for row in mine["results"]] == [world.milestone.pk]
    assert mine["count"] == 1 and mine["next"] is None
    assert client.get("/api/v1/milestones/?mine=true&status=done").json()["count"] == 0
    paged = client.get("/api/v1/applications/?role=applicant&page_size=1").json()
    assert paged["count"] == 1 and len(paged["results"]) == 1


def test_me_says_who_the_token_signs_in(world):
    data = api_client(world.uk_staff, scope="read").get("/api/v1/me/").json()
    assert data["id"] == world.uk_staff.pk
    assert data["institute"] == "UK-AISI"
    assert data["token"]["scope"] == "read"
