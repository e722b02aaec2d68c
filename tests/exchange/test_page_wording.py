"""What people tripped on in the exchange pages: error titles, applying twice, link names
and references that wrap."""

import re

from django.urls import reverse

from exchange.models import Secondment
from tests.factories import client_for


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def test_a_form_page_with_errors_has_error_in_its_title(world):
    _, secondment = world.accepted()
    client = client_for(world.au_supervisor)
    url = reverse("exchange:secondment_dates", args=[secondment.pk])
    assert not _title(client.get(url)).startswith("Error: ")
    response = client.post(url, {})
    assert response.status_code == 200
    assert _title(response).startswith("Error: Change the secondment")


def test_a_filter_with_errors_has_error_in_its_title(world):
    client = client_for(world.uk_staff)
    url = reverse("exchange:opportunity_list")
    assert not _title(client.get(url)).startswith("Error: ")
    assert _title(client.get(url + "?duration=lots")).startswith("Error: ")


def test_the_opportunity_offers_to_apply_until_the_person_has_applied(world):
    url = world.au_opportunity.get_absolute_url()
    client = client_for(world.uk_staff)
    assert "Apply for this secondment" in client.get(url).content.decode()

    application = world.submitted()
    body = client.get(url).content.decode()
    assert "Apply for this secondment" not in body
    assert "You have applied" in body
    assert f'href="{application.get_absolute_url()}"' in body
    assert application.reference in body


def test_a_draft_is_offered_to_continue_not_a_new_application(world):
    application = world.draft()
    body = client_for(world.uk_staff).get(world.au_opportunity.get_absolute_url()).content
    body = body.decode()
    assert "Apply for this secondment" not in body
    assert "Continue your application" in body
    assert f'href="{application.get_absolute_url()}"' in body


def test_after_withdrawing_the_person_may_apply_again(world):
    from exchange import services

    application = world.submitted()
    services.application_withdraw(application=application, actor=world.uk_staff)
    body = client_for(world.uk_staff).get(world.au_opportunity.get_absolute_url()).content
    assert "Apply for this secondment" in body.decode()
    assert "You have applied" not in body.decode()


def _link_names(html: str) -> dict[str, set[str]]:
    """Each link's accessible name (its text, hidden text included) and the hrefs it has."""
    names: dict[str, set[str]] = {}
    for href, inner in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S):
        name = " ".join(re.sub(r"<[^>]+>", "", inner).split())
        names.setdefault(name, set()).add(href)
    return names


def test_links_on_the_secondment_page_have_distinct_names(world):
    _, secondment = world.accepted()
    Secondment.objects.filter(pk=secondment.pk).update(status="active")
    html = client_for(world.uk_staff).get(secondment.get_absolute_url()).content.decode()
    names = _link_names(html)
    assert "Write the return report" in names  # the checklist item
    clashes = {name: hrefs for name, hrefs in names.items() if len(hrefs) > 1}
    assert clashes == {}
    assert "Open the return report form" in names


def test_references_do_not_wrap_in_the_pipeline(world):
    application = world.submitted()
    html = client_for(world.au_pm).get(reverse("exchange:application_queue")).content.decode()
    assert re.search(
        r'<td class="govuk-table__cell app-nowrap"><a [^>]*>' + application.reference, html
    )
