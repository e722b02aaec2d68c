"""Pages: what people see and do, what strangers get (404), bad input, and query counts."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from handover.markings import Marking
from handover.models import AccessEvent, Document, DocumentVersion
from portal.pagination import PAGE_SIZE
from tests.factories import UserFactory

from .factories import banners, login, make_document, make_handover, sample_csv, sample_pdf

# The header's unread-notifications count: one query on every signed-in page.
UNREAD_COUNT = 1

pytestmark = pytest.mark.django_db


# --- documents ------------------------------------------------------------------------


def upload_data(**overrides):
    data = {
        "title": "Evaluation plan",
        "classification": "UK|OFFICIAL-SENSITIVE",
        "descriptors": ["COMMERCIAL"],
        "releasability": "",
        "note": "First draft",
        "file": SimpleUploadedFile("plan.pdf", sample_pdf("plan")),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_upload_page_stores_the_document_and_shows_it_with_banners(client, cast):
    """A person uploads a document and lands on its page, marked top and bottom."""
    login(client, cast["uk_sender"])
    page = client.get(reverse("handover:document_upload"))
    assert page.status_code == 200
    assert "OFFICIAL-level information only" in page.content.decode()
    response = client.post(reverse("handover:document_upload"), upload_data(), follow=True)
    document = Document.objects.get()
    assert response.redirect_chain[-1][0] == document.get_absolute_url()
    assert document.marking_text == "OFFICIAL-SENSITIVE COMMERCIAL"
    body = response.content.decode()
    assert banners(response) == 2
    assert "app-marking-banner--official-sensitive" in body
    # Only the bottom banner, which opens the footer, keeps the footer's text clear of it.
    assert body.count("app-marking-banner--bottom") == 1
    assert body.index("app-marking-banner--bottom") > body.index('<footer class="govuk-footer"')
    assert response.context["marking"] == "OFFICIAL-SENSITIVE COMMERCIAL"
    assert document.versions.get().sha256 in body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"file": None}, "file", "Choose a file to upload."),
        ({"file": SimpleUploadedFile("plan.pdf", b"")}, "file", "empty"),
        ({"file": SimpleUploadedFile("tool.exe", b"MZ\x90\x00")}, "file", "must be a PDF"),
        (
            {"file": SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 renamed")},
            "file",
            "not what its name says",
        ),
        (
            {"classification": "UK|SECRET", "descriptors": []},
            "classification",
            "OFFICIAL-level information only",
        ),
        (
            {"classification": "AU|PROTECTED", "descriptors": []},
            "classification",
            "approved channel for higher-classification material",
        ),
        ({"title": ""}, "title", "Enter a title"),
        ({"classification": "UK|OFFICIAL"}, "descriptors", "go with OFFICIAL-SENSITIVE"),
        (
            {"classification": "AU|OFFICIAL", "descriptors": [], "releasability": "UK EYES ONLY"},
            "releasability",
            "not a releasability caveat",
        ),
    ],
)
def test_upload_bad_input_gets_a_clear_message_and_saves_nothing(
    client, cast, settings, overrides, field, message
):
    """Each bad upload is refused beside its field, and nothing is stored."""
    login(client, cast["uk_sender"])
    response = client.post(reverse("handover:document_upload"), upload_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert "There is a problem" in response.content.decode()
    assert Document.objects.count() == 0
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_a_large_upload_streams_through_a_temporary_file(client, cast, settings):
    """A 6 MB upload (over FILE_UPLOAD_MAX_MEMORY_SIZE) is spooled to disk by Django, hashed
    in chunks, and stored byte for byte."""
    login(client, cast["uk_sender"])
    content = ("model,task,score\n" + "m,t,0.5\n" * 800_000).encode()
    assert len(content) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE * 2
    response = client.post(
        reverse("handover:document_upload"),
        upload_data(
            classification="UK|OFFICIAL",
            descriptors=[],
            file=SimpleUploadedFile("scores.csv", content),
        ),
    )
    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert version.size == len(content)
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert (Path(settings.MEDIA_ROOT) / version.file).read_bytes() == content


def test_add_version_page(client, cast):
    """The owner institute adds version 2; the partner institute cannot reach the page."""
    document = make_document(cast["uk_sender"])
    login(client, cast["uk_colleague"])
    url = reverse("handover:version_add", args=[document.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": SimpleUploadedFile("r2.csv", sample_csv()), "note": "v2"})
    assert response.status_code == 302
    assert document.versions.count() == 2
    bad = client.post(url, {"note": "no file"})
    assert "Choose a file to upload." in bad.content.decode()
    assert document.versions.count() == 2
    login(client, cast["au_recipient"])
    assert client.get(url).status_code == 404


def test_download_is_an_attachment_named_with_marking_and_logged(client, cast):
    """Downloads are attachments with nosniff, named with the marking, and logged."""
    document = make_document(
        cast["uk_sender"],
        title="Plan",
        marking=Marking(scheme="UK", classification="OFFICIAL-SENSITIVE"),
    )
    login(client, cast["uk_colleague"])
    response = client.get(reverse("handover:version_download", args=[document.pk, 1]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"DOC-{document.pk} OFFICIAL-SENSITIVE v1 report.pdf" in disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AccessEvent.objects.get(action="download")
    assert event.user == cast["uk_colleague"]


def test_document_page_logs_views_and_shows_the_access_log_to_the_owner_only(client, cast):
    """Views are access events; only the owner institute sees the access log."""
    document = make_document(cast["uk_sender"])
    make_handover(cast["uk_sender"], [cast["au_recipient"]], [document])
    login(client, cast["au_recipient"])
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert "Access log" not in response.content.decode()
    login(client, cast["uk_colleague"])
    response = client.get(document.get_absolute_url())
    body = response.content.decode()
    assert "Access log" in body
    assert "Liam Nguyen" in body
    assert AccessEvent.objects.filter(action="view").count() == 2


@pytest.mark.parametrize(
    ("releasability", "nationality", "visible"),
    [
        ("AUSTEO", "AUS", True),
        ("AUSTEO", "GBR", False),
        ("AUSTEO", "", False),
        ("REL AUS/GBR", "GBR", True),
        ("REL AUS/GBR", "NZL", False),
        ("", "NZL", True),
    ],
)
def test_releasability_is_enforced_per_nationality_on_every_document_url(
    client, cast, releasability, nationality, visible
):
    """A colleague at the owner institute without the right nationality gets 404s."""
    document = make_document(
        cast["au_recipient"],
        marking=Marking(scheme="AU", classification="OFFICIAL", releasability=releasability),
    )
    reader = UserFactory(institute=cast["au"], nationality=nationality)
    login(client, reader)
    expected = 200 if visible else 404
    assert client.get(document.get_absolute_url()).status_code == expected
    download = client.get(reverse("handover:version_download", args=[document.pk, 1]))
    assert download.status_code == expected
    listed = client.get(reverse("handover:document_list"))
    assert (document.title in listed.content.decode()) is visible


def test_documents_of_the_partner_institute_are_404_until_handed_over(client, cast):
    """Another institute's document: 404 on every document URL for a non-recipient."""
    document = make_document(cast["uk_sender"])
    login(client, cast["au_other"])
    for url in (
        document.get_absolute_url(),
        reverse("handover:version_download", args=[document.pk, 1]),
        reverse("handover:version_add", args=[document.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("handover:version_add", args=[document.pk])).status_code == 404


# --- query counts ---------------------------------------------------------------------


def test_document_list_query_count_is_constant(client, cast, django_assert_max_num_queries):
    """The document list costs the same with 2 documents as with a page and more."""
    login(client, cast["uk_sender"])
    for n in range(2):
        make_document(cast["uk_sender"], title=f"Doc {n}")
    with django_assert_max_num_queries(6 + UNREAD_COUNT) as small:
        assert client.get(reverse("handover:document_list")).status_code == 200
    for n in range(PAGE_SIZE + 3):
        make_document(cast["uk_sender"], title=f"More {n}")
    with django_assert_max_num_queries(6 + UNREAD_COUNT) as large:
        response = client.get(reverse("handover:document_list"))
    assert len(response.context["page_obj"].object_list) == PAGE_SIZE
    assert len(large.captured_queries) == len(small.captured_queries)


def test_handover_list_query_count_is_constant(client, cast, django_assert_max_num_queries):
    """The handover list costs the same with 1 handover as with 8 of several documents."""
    docs = [make_document(cast["uk_sender"], title=f"Doc {n}") for n in range(3)]
    make_handover(cast["uk_sender"], [cast["au_recipient"]], docs[:1])
    login(client, cast["au_recipient"])
    with django_assert_max_num_queries(8 + UNREAD_COUNT) as small:
        client.get(reverse("handover:handover_list"))
    for _ in range(7):
        make_handover(cast["uk_sender"], [cast["au_recipient"], cast["au_other"]], docs)
    with django_assert_max_num_queries(8 + UNREAD_COUNT) as large:
        client.get(reverse("handover:handover_list"))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_handover_detail_query_count_is_constant(client, cast, django_assert_max_num_queries):
    """A handover page costs the same with 1 item and 1 event as with 6 items and more."""
    docs = [make_document(cast["uk_sender"], title=f"Doc {n}") for n in range(6)]
    small_handover = make_handover(cast["uk_sender"], [cast["au_recipient"]], docs[:1])
    big = make_handover(cast["uk_sender"], [cast["au_recipient"], cast["au_other"]], docs)
    from handover import services

    for item in big.items.all():
        services.handover_item_download(handover=big, item=item, user=cast["au_recipient"])
    login(client, cast["au_recipient"])
    # 11: the page's 10 and its discussion thread (a page of comments, however many).
    with django_assert_max_num_queries(11 + UNREAD_COUNT) as small:
        client.get(small_handover.get_absolute_url())
    with django_assert_max_num_queries(11 + UNREAD_COUNT) as large:
        client.get(big.get_absolute_url())
    assert len(large.captured_queries) == len(small.captured_queries)


def test_document_detail_query_count_is_constant(client, cast, django_assert_max_num_queries):
    """A document page costs the same with 1 version and no log as with 5 and a long log."""
    from handover import services

    small_doc = make_document(cast["uk_sender"], title="Small")
    big_doc = make_document(cast["uk_sender"], title="Big")
    for n in range(4):
        services.document_version_add(
            user=cast["uk_sender"],
            document=big_doc,
            uploaded=SimpleUploadedFile(f"v{n}.csv", sample_csv(n + 1)),
        )
    for version in big_doc.versions.all():
        for _ in range(3):
            services.access_record(user=cast["uk_colleague"], version=version, action="download")
    login(client, cast["uk_sender"])
    # 11: the page, its access log, and the view written to it and to the audit log.
    with django_assert_max_num_queries(11 + UNREAD_COUNT) as small:
        client.get(small_doc.get_absolute_url())
    with django_assert_max_num_queries(11 + UNREAD_COUNT) as large:
        client.get(big_doc.get_absolute_url())
    assert len(large.captured_queries) == len(small.captured_queries)


def test_document_list_filters_by_title_classification_and_holder(client, cast):
    """Filters narrow the list and survive pagination links."""
    ours = make_document(cast["uk_sender"], title="Protocol draft")
    sensitive = make_document(
        cast["uk_sender"],
        title="Staffing",
        marking=Marking(scheme="UK", classification="OFFICIAL-SENSITIVE"),
    )
    theirs = make_document(cast["au_recipient"], title="Benchmark protocol")
    make_handover(cast["au_recipient"], [cast["uk_sender"]], [theirs])
    login(client, cast["uk_sender"])
    url = reverse("handover:document_list")

    def titles(**params):
        response = client.get(url, params)
        return {d.title for d in response.context["page_obj"].object_list}

    assert titles() == {ours.title, sensitive.title, theirs.title}
    assert titles(title="protocol") == {ours.title, theirs.title}
    assert titles(classification="OFFICIAL-SENSITIVE") == {sensitive.title}
    assert titles(held="ours") == {ours.title, sensitive.title}
    assert titles(held="received") == {theirs.title}
    empty = client.get(url, {"title": "nothing like it"}).content.decode()
    assert "No documents match these filters." in empty
    bad = client.get(url, {"held": "everyone"})
    assert "Select a valid choice" in bad.content.decode()

    for n in range(PAGE_SIZE + 1):
        make_document(cast["uk_sender"], title=f"Protocol {n}")
    page = client.get(url, {"title": "protocol"}).content.decode()
    assert "?title=protocol&amp;page=2" in page
