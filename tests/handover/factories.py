"""Documents and handovers made through the services, as people make them."""

import datetime

from django.utils import timezone

from handover import services
from handover.demo import sample_csv, sample_pdf, upload
from handover.markings import Marking
from handover.models import Document, Handover
from tests.factories import InstituteFactory, UserFactory

OFFICIAL_UK = Marking(scheme="UK", classification="OFFICIAL")
OFFICIAL_AU = Marking(scheme="AU", classification="OFFICIAL")


def make_document(
    owner,
    *,
    title: str = "Evaluation report",
    marking: Marking | None = None,
    name: str = "report.pdf",
    content: bytes | None = None,
) -> Document:
    if marking is None:
        marking = OFFICIAL_AU if owner.institute.country == "AUS" else OFFICIAL_UK
    return services.document_upload(
        user=owner,
        title=title,
        marking=marking,
        uploaded=upload(name, content if content is not None else sample_pdf(title)),
    )


def make_handover(
    sender,
    recipients,
    documents,
    *,
    send: bool = True,
    days: int = 7,
    message: str = "Please acknowledge.",
) -> Handover:
    handover = services.handover_prepare(
        sender=sender,
        receiving_institute=recipients[0].institute,
        recipients=recipients,
        versions=[d.versions.order_by("-number").first() for d in documents],
        acknowledge_by=timezone.localdate() + datetime.timedelta(days=days),
        message=message,
    )
    if send:
        handover = services.handover_send(handover=handover, user=sender)
    return handover


def people():
    """A UK and an AU institute with two people at each (nationality as their institute)."""
    uk = InstituteFactory(uk=True)
    au = InstituteFactory(au=True)
    return {
        "uk": uk,
        "au": au,
        "uk_sender": UserFactory(institute=uk, full_name="Priya Shah"),
        "uk_colleague": UserFactory(institute=uk, full_name="Tom Ellis"),
        "au_recipient": UserFactory(institute=au, full_name="Liam Nguyen"),
        "au_other": UserFactory(institute=au, full_name="Sophie Walker"),
    }


def login(client, user):
    client.force_login(user)
    return client


def banners(response) -> int:
    """How many marking banners a page shows (one at the top, one at the bottom)."""
    return response.content.decode().count('class="app-marking-banner')


__all__ = [
    "banners",
    "login",
    "make_document",
    "make_handover",
    "people",
    "sample_csv",
    "sample_pdf",
    "upload",
]
