"""Visibility and "My work" reads."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from handover import access, selectors, services
from handover.models import Document, Handover, HandoverStatus
from portal.my_work import sections_for as all_my_work_sections

from .factories import make_document, make_handover

pytestmark = pytest.mark.django_db


def test_my_work_lists_handovers_to_acknowledge_soonest_first_and_queried_ones(cast):
    """Recipients see what waits on them by date; senders see their queried handovers."""
    document = make_document(cast["uk_sender"])
    later = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document], days=20)
    sooner = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document], days=2)
    make_handover(cast["uk_sender"], [cast["au_recipient"]], [document], send=False)
    queried = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    services.handover_query(handover=queried, user=cast["au_recipient"], reason="Missing annex")

    waiting, mine = selectors.my_work_sections(cast["au_recipient"])
    assert [i["title"].split()[0] for i in waiting["items"]] == [
        sooner.reference,
        later.reference,
    ]
    assert waiting["items"][0]["url"] == sooner.get_absolute_url()
    assert mine["items"] == []
    assert mine["empty"]

    waiting, mine = selectors.my_work_sections(cast["uk_sender"])
    assert waiting["items"] == []
    assert [i["title"].split()[0] for i in mine["items"]] == [queried.reference]
    assert mine["items"][0]["detail"] == "Missing annex"


def test_my_work_is_constant_in_queries(cast, django_assert_num_queries):
    """Two queries whatever the number of handovers."""
    document = make_document(cast["uk_sender"])
    make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    with django_assert_num_queries(2):
        selectors.my_work_sections(cast["au_recipient"])
    for _ in range(12):
        make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    with django_assert_num_queries(2):
        sections = selectors.my_work_sections(cast["au_recipient"])
    assert len(sections[0]["items"]) == selectors.MY_WORK_LIMIT


def test_home_page_shows_the_handover_sections(client, cast):
    """The portal's home page includes the handover sections."""
    document = make_document(cast["uk_sender"])
    handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    client.force_login(cast["au_recipient"])
    body = client.get(reverse("home")).content.decode()
    assert "Handovers to acknowledge" in body
    assert handover.reference in body
    assert any(
        s["title"] == "Handovers to acknowledge" for s in all_my_work_sections(cast["au_recipient"])
    )


def test_visibility_follows_ownership_and_delivered_handovers(cast):
    """Owner institute sees its documents; recipients see only what was sent to them, and
    only the versions that were sent."""
    document = make_document(cast["uk_sender"])
    assert access.documents_visible_to(cast["uk_colleague"]).filter(pk=document.pk).exists()
    assert not access.documents_visible_to(cast["au_recipient"]).exists()
    draft = make_handover(cast["uk_sender"], [cast["au_recipient"]], [document], send=False)
    assert not access.documents_visible_to(cast["au_recipient"]).exists()
    services.handover_send(handover=draft, user=cast["uk_sender"])
    assert list(access.documents_visible_to(cast["au_recipient"])) == [document]
    assert not access.documents_visible_to(cast["au_other"]).exists()
    from handover.demo import sample_pdf, upload

    services.document_version_add(
        user=cast["uk_sender"], document=document, uploaded=upload("v2.pdf", sample_pdf("v2"))
    )
    numbers = access.versions_visible_to(cast["au_recipient"]).values_list("number", flat=True)
    assert list(numbers) == [1]
    assert access.handovers_visible_to(cast["au_other"]).count() == 0
    assert access.handovers_visible_to(cast["uk_colleague"]).count() == 0


def test_seed_creates_documents_and_handovers_in_several_states_once(db):
    """The demo seed is idempotent and leaves handovers in every state, with intact chains."""
    call_command("seed_demo", stdout=StringIO())
    states = set(Handover.objects.values_list("status", flat=True))
    assert states == {s.value for s in HandoverStatus}
    assert set(Document.objects.values_list("scheme", flat=True)) == {"UK", "AU"}
    counts = (Document.objects.count(), Handover.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Document.objects.count(), Handover.objects.count()) == counts
    out = StringIO()
    call_command("verify_custody", stdout=out)
    assert "Custody intact" in out.getvalue()
    gated = Handover.objects.get(milestone__title="Cyber capability report")
    assert gated.status == HandoverStatus.SENT
    assert selectors.milestone_gate_satisfied(milestone=gated.milestone) is False


def test_acknowledge_by_today_is_allowed(cast):
    """Today is a valid acknowledge-by date (the past is not)."""
    document = make_document(cast["uk_sender"])
    handover = services.handover_prepare(
        sender=cast["uk_sender"],
        receiving_institute=cast["au"],
        recipients=[cast["au_recipient"]],
        versions=[document.versions.get()],
        acknowledge_by=timezone.localdate(),
    )
    assert handover.acknowledge_by == timezone.localdate() + datetime.timedelta(days=0)
