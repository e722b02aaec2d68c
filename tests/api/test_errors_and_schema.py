"""API errors are JSON with a clear message and the right status; rate limits hold; the
OpenAPI schema validates and its reference page works without scripts."""

import re

import pytest
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from tests.factories import UserFactory

from .conftest import api_client


@pytest.fixture
def person(uk_institute):
    return UserFactory(institute=uk_institute)


def test_no_token_is_a_json_401_that_says_what_to_send(db):
    response = api_client().get("/api/v1/milestones/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_an_unknown_path_is_a_json_404(person):
    response = api_client(person).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Not found.")


def test_a_record_not_seen_is_a_404_that_confirms_nothing(person, world):
    response = api_client(person).get(f"/api/v1/applications/{world.application.pk}/")
    missing = api_client(person).get("/api/v1/applications/999999/")
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()


def test_a_method_not_offered_is_a_json_405(person):
    response = api_client(person).delete("/api/v1/milestones/")
    assert response.status_code == 405
    assert "DELETE" in response.json()["detail"]


def test_a_body_that_is_not_json_is_refused_clearly(world):
    client = api_client(world.uk_manager)
    url = f"/api/v1/applications/{world.application.pk}/endorse/"
    assert (
        client.post(url, "reason=x", content_type="application/x-www-form-urlencoded").status_code
        == 415
    )
    broken = client.post(url, "{not json", content_type="application/json")
    assert broken.status_code == 400
    assert "JSON" in broken.json()["detail"]
    listed = client.post(url, [1, 2], format="json")
    assert listed.status_code == 400
    assert listed.json()["errors"] == {"__all__": ["Send a JSON object."]}


def test_a_field_the_form_does_not_take_is_named(world):
    response = api_client(world.uk_pm).patch(
        f"/api/v1/milestones/{world.milestone.pk}/", {"status": "done"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]


def test_a_bad_filter_value_is_a_400_naming_the_filter(person):
    response = api_client(person).get("/api/v1/milestones/?status=finished&due_after=soon")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "due_after"}


def test_a_services_refusal_keeps_its_message(world):
    """Marking ready with mandatory items open: the service's ValidationError, as a 400."""
    response = api_client(world.secondment.home_manager).post(
        f"/api/v1/secondments/{world.secondment.pk}/ready/", {}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The request has errors. Correct them and try again."
    assert body["errors"]["__all__"]


def test_the_rate_limit_answers_429_with_the_wait(person, settings):
    settings.API_RATE_LIMITS = {"person": "3/minute", "anonymous": "2/minute"}
    client = api_client(person)
    statuses = [client.get("/api/v1/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/me/")
    assert "throttled" in response.json()["detail"].lower()
    assert int(response["Retry-After"]) > 0
    anonymous = [api_client().get("/api/v1/schema/").status_code for _ in range(3)]
    assert anonymous == [200, 200, 429]


def test_wrong_tokens_are_rate_limited_by_address(person, settings):
    settings.API_RATE_LIMITS = {"person": "100/minute", "anonymous": "2/minute"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer ep_00000000_guess")
    assert [client.get("/api/v1/me/").status_code for _ in range(3)] == [401, 401, 429]


def test_the_schema_is_valid_openapi_3(db):
    response = api_client().get("/api/v1/schema/")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/milestones/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["personalAccessToken"]["scheme"] == "bearer"
    assert api_client().get("/api/v1/schema/?format=yaml").content.startswith(b"openapi: 3")


def test_the_reference_page_lists_every_endpoint_without_scripts(client, db):
    response = client.get("/api/v1/docs/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "/api/v1/projects/{code}/milestones/" in page
    # Only the portal's own script files: nothing inline, nothing from another origin.
    scripts = re.findall(r"<script[^>]*>", page)
    assert all(re.search(r'src="/static/', tag) for tag in scripts), scripts
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_ids_that_are_not_numbers_or_too_large_are_404s(world):
    client = api_client(world.secondment.secondee)
    answers = [
        client.get("/api/v1/applications/abc/"),
        client.get("/api/v1/milestones/99999999999999999999999/"),
        client.get("/api/v1/handovers/HO-2026-99999999999999999999/"),
        client.patch(
            f"/api/v1/secondments/{world.secondment.pk}/checklist/99999999999999999999999/",
            {},
            format="json",
        ),
    ]
    for response in answers:
        assert response.status_code == 404, response.content[:200]
        assert response.json()["detail"].startswith("Not found.")


def test_values_of_the_wrong_shape_and_huge_bodies_are_refused(world):
    client = api_client(world.uk_manager)
    url = f"/api/v1/applications/{world.application.pk}/decline/"
    shaped = client.post(url, {"reason": {"text": "no"}}, format="json")
    assert shaped.status_code == 400
    assert list(shaped.json()["errors"]) == ["reason"]
    huge = client.post(url, {"reason": "x" * 300_000}, format="json")
    assert huge.status_code == 413
    assert "too large" in huge.json()["detail"]
    world.application.refresh_from_db()
    assert world.application.status == "submitted"
