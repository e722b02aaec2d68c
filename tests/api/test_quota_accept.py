"""The API's accept obeys the exchange quotas as the page does: the rule is the service's."""

import datetime
from decimal import Decimal

from exchange.models import Application, ApplicationEvent, ExchangeQuota, Secondment
from tests.factories import UserFactory

from .conftest import api_client


def test_accepting_over_a_quota_needs_a_reason_through_the_api(world):
    # The world's secondment already uses 3 of the 2026 UK→AU person-months.
    ExchangeQuota.objects.create(
        programme=world.programme, year=2026, direction="UK_AU", agreed=Decimal("4")
    )
    application = world.endorsed(applicant=UserFactory(institute=world.uk, full_name="Ira New"))
    client = api_client(world.au_pm)
    url = f"/api/v1/applications/{application.pk}/accept/"
    refused = client.post(url, {"arrangement": "secondment"}, format="json")
    assert refused.status_code == 400
    assert "reason for going over the quota" in str(refused.json())
    assert not Secondment.objects.filter(application=application).exists()
    accepted = client.post(
        url,
        {"arrangement": "secondment", "override_reason": "Agreed by both boards."},
        format="json",
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == Application.Status.ACCEPTED
    event = ApplicationEvent.objects.get(application=application, to_status="accepted")
    assert event.quota_override_reason == "Agreed by both boards."
    assert datetime.date(2026, 10, 1) == Secondment.objects.get(application=application).start_date
