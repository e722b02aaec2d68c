"""Document versions linked to programme deliverables: who may link and unlink, and that
the milestone page shows a link only to people who may see the version (never its title
to anyone else), in a fixed number of queries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from handover import selectors, services
from handover.markings import Marking
from handover.models import DeliverableDocument
from programmes import deliverable_links
from programmes.models import Deliverable, MembershipRole
from tests.factories import UserFactory
from tests.handover.factories import make_document, make_handover
from tests.programmes import conftest as programme_fixtures
from tests.programmes.conftest import TODAY
from tests.programmes.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# The programme tests' small programme, with its clock frozen before any row is built.
frozen_today = programme_fixtures.frozen_today
world = programme_fixtures.world

EYES_ONLY = Marking(scheme="UK", classification="OFFICIAL", releasability="UK EYES ONLY")


@pytest.fixture
def docs(world):
    """A deliverable and documents with different reach:

    - ``uk``: the UK institute's own (the AU partner may not see it);
    - ``eyes``: UK EYES ONLY (a UK colleague of another nationality may not see it);
    - ``handed``: UK, handed over to the AU partner (they see it);
    - ``elsewhere``: UK, handed over to another AU person (the partner is no recipient).
    """
    uk = world.researcher.institute
    au = world.partner.institute
    foreign = UserFactory(institute=uk, nationality="AUS", full_name="Fen Foreign")
    MembershipFactory(project=world.project, user=foreign, role=MembershipRole.RESEARCHER)
    other_recipient = UserFactory(institute=au, full_name="Ola Other")
    documents = {
        "uk": make_document(world.researcher, title="Red team protocol"),
        "eyes": make_document(world.researcher, title="Sovereign annex", marking=EYES_ONLY),
        "handed": make_document(world.researcher, title="Shared findings"),
        "elsewhere": make_document(world.researcher, title="Side letter"),
    }
    make_handover(world.researcher, [world.partner], [documents["handed"]])
    make_handover(world.researcher, [other_recipient], [documents["elsewhere"]])
    deliverable = Deliverable.objects.create(
        milestone=world.milestone, title="Evaluation report", owner=world.researcher, due_date=TODAY
    )
    versions = {key: doc.versions.get() for key, doc in documents.items()}
    return {"deliverable": deliverable, "versions": versions, "foreign": foreign}


def _link_all(world, docs):
    for version in docs["versions"].values():
        services.deliverable_document_link(
            actor=world.researcher, deliverable=docs["deliverable"], version=version
        )


def _page(client, world, user) -> str:
    client.force_login(user)
    response = client.get(reverse("programmes:milestone_detail", args=[world.milestone.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- what the milestone page shows ---------------------------------------------------------


def test_the_linker_sees_title_version_and_marking(world, docs, client):
    _link_all(world, docs)
    page = _page(client, world, world.researcher)
    for title in ("Red team protocol", "Sovereign annex", "Shared findings", "Side letter"):
        assert f"{title}, version 1 (OFFICIAL" in page
    assert "Sovereign annex, version 1 (OFFICIAL // UK EYES ONLY)" in page
    doc = docs["versions"]["uk"].document
    assert reverse("handover:document_detail", args=[doc.pk]) + "#version-1" in page
    assert "Link a document" in page
    assert page.count(">Unlink<") == 4


def test_the_other_institute_sees_only_what_was_handed_to_them(world, docs, client):
    """The AU partner sees the milestone, but of the documents only the one handed over
    to them: not the UK's own, not the eyes-only one, not one handed to someone else."""
    _link_all(world, docs)
    page = _page(client, world, world.partner)
    assert "Shared findings, version 1" in page
    for hidden in ("Red team protocol", "Sovereign annex", "Side letter"):
        assert hidden not in page
    # Not theirs to change: no link page and no unlink buttons.
    assert "Link a document" not in page
    assert "Unlink" not in page


def test_a_releasability_caveat_hides_the_title_from_a_colleague(world, docs, client):
    _link_all(world, docs)
    page = _page(client, world, docs["foreign"])
    assert "Red team protocol, version 1" in page
    assert "Sovereign annex" not in page


def test_the_source_leaves_out_deliverables_the_person_cannot_see(world, docs):
    _link_all(world, docs)
    links = deliverable_links.links_for(
        user=world.outsider, deliverable_ids=[docs["deliverable"].pk]
    )
    assert links == {}


# --- who may link and unlink -----------------------------------------------------------------


def test_the_milestone_owner_links_and_unlinks_with_history(world, docs, client):
    deliverable, version = docs["deliverable"], docs["versions"]["uk"]
    client.force_login(world.researcher)
    url = reverse("handover:deliverable_document_link", args=[deliverable.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Red team protocol, version 1" in page.content.decode()
    response = client.post(url, {"version": version.pk})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#deliverable-{deliverable.pk}")
    link = DeliverableDocument.objects.get(deliverable=deliverable, version=version)
    assert link.linked_by == world.researcher
    assert link.history.get().history_user == world.researcher
    unlink = reverse("handover:deliverable_document_unlink", args=[deliverable.pk, link.pk])
    assert client.post(unlink).status_code == 302
    assert not DeliverableDocument.objects.exists()
    gone = DeliverableDocument.history.filter(id=link.pk).order_by("history_id").last()
    assert gone.history_type == "-" and gone.history_user == world.researcher


def test_the_programme_manager_may_link(world, docs):
    manager_doc = make_document(world.manager, title="Manager's note")
    link = services.deliverable_document_link(
        actor=world.manager, deliverable=docs["deliverable"], version=manager_doc.versions.get()
    )
    assert link.linked_by == world.manager


def test_a_member_who_does_not_manage_is_refused_and_told_why(world, docs):
    with pytest.raises(PermissionDenied, match="programme's managers and the milestone's owner"):
        services.deliverable_document_link(
            actor=world.partner,
            deliverable=docs["deliverable"],
            version=docs["versions"]["handed"],
        )


def test_someone_who_cannot_see_the_deliverable_is_refused(world, docs):
    au_doc = make_document(world.outsider, title="AU paper")
    with pytest.raises(PermissionDenied, match="cannot see this deliverable"):
        services.deliverable_document_link(
            actor=world.outsider, deliverable=docs["deliverable"], version=au_doc.versions.get()
        )


def test_a_version_the_linker_cannot_see_is_refused(world, docs):
    """The owner of the milestone at the UK may not link an AU document never handed to
    them, even by crafting the request."""
    au_doc = make_document(world.partner, title="AU internal")
    with pytest.raises(PermissionDenied, match="document version you can see yourself"):
        services.deliverable_document_link(
            actor=world.researcher, deliverable=docs["deliverable"], version=au_doc.versions.get()
        )
    assert not DeliverableDocument.objects.exists()


def test_linking_twice_says_so(world, docs):
    deliverable, version = docs["deliverable"], docs["versions"]["uk"]
    services.deliverable_document_link(
        actor=world.researcher, deliverable=deliverable, version=version
    )
    with pytest.raises(ValidationError, match="already linked"):
        services.deliverable_document_link(
            actor=world.researcher, deliverable=deliverable, version=version
        )


def test_crafted_versions_are_refused_by_the_form_without_saving(world, docs, client):
    deliverable = docs["deliverable"]
    au_doc = make_document(world.partner, title="AU internal")
    client.force_login(world.researcher)
    url = reverse("handover:deliverable_document_link", args=[deliverable.pk])
    for value in (au_doc.versions.get().pk, "abc", "", "9" * 30, "1\x00", -1):
        response = client.post(url, {"version": value})
        assert response.status_code == 200, value
        assert response.context["form"].errors["version"], value
        assert "<title>Error: " in response.content.decode()
    assert "AU internal" not in response.content.decode()
    assert not DeliverableDocument.objects.exists()


def test_the_link_pages_are_not_found_for_those_who_may_not_change_the_deliverable(
    world, docs, client
):
    _link_all(world, docs)
    deliverable = docs["deliverable"]
    link = DeliverableDocument.objects.filter(version=docs["versions"]["handed"]).get()
    for person in (world.partner, world.outsider):
        client.force_login(person)
        url = reverse("handover:deliverable_document_link", args=[deliverable.pk])
        assert client.get(url).status_code == 404
        unlink = reverse("handover:deliverable_document_unlink", args=[deliverable.pk, link.pk])
        assert client.post(unlink).status_code == 404
    assert DeliverableDocument.objects.count() == 4


def test_a_manager_cannot_unlink_a_version_they_cannot_see(world, docs, client):
    """The manager (UK) cannot see an AU document the partner's lead linked elsewhere:
    its unlink address is not found for them, and the link stays."""
    au_doc = make_document(world.partner, title="AU internal")
    link = DeliverableDocument.objects.create(
        deliverable=docs["deliverable"], version=au_doc.versions.get(), linked_by=world.partner
    )
    client.force_login(world.manager)
    unlink = reverse("handover:deliverable_document_unlink", args=[docs["deliverable"].pk, link.pk])
    assert client.post(unlink).status_code == 404
    assert DeliverableDocument.objects.filter(pk=link.pk).exists()
    with pytest.raises(PermissionDenied, match="document version you can see yourself"):
        services.deliverable_document_unlink(actor=world.manager, link=link)


# --- a fixed number of queries ---------------------------------------------------------------


def _queries(client, world) -> int:
    url = reverse("programmes:milestone_detail", args=[world.milestone.pk])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_milestone_page_counts_the_same_queries_with_more_links(world, docs, client):
    client.force_login(world.researcher)
    services.deliverable_document_link(
        actor=world.researcher,
        deliverable=docs["deliverable"],
        version=docs["versions"]["uk"],
    )
    one = _queries(client, world)
    for key in ("eyes", "handed", "elsewhere"):
        services.deliverable_document_link(
            actor=world.researcher, deliverable=docs["deliverable"], version=docs["versions"][key]
        )
    for n in range(3):
        extra = Deliverable.objects.create(
            milestone=world.milestone,
            title=f"Annex {n}",
            owner=world.researcher,
            due_date=TODAY + datetime.timedelta(days=n),
        )
        for version in docs["versions"].values():
            services.deliverable_document_link(
                actor=world.researcher, deliverable=extra, version=version
            )
    assert DeliverableDocument.objects.count() == 16
    assert _queries(client, world) == one


def test_the_source_answers_in_one_query(world, docs, django_assert_num_queries):
    _link_all(world, docs)
    researcher = (
        type(world.researcher).objects.select_related("institute").get(pk=world.researcher.pk)
    )
    with django_assert_num_queries(1):
        found = selectors.deliverable_document_links(
            user=researcher, deliverable_ids=[docs["deliverable"].pk]
        )
    assert len(found[docs["deliverable"].pk]) == 4
