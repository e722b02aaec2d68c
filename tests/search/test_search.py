"""The search page and its engine: ranking, highlighted extracts that are always escaped,
a column the database keeps up to date, filters, pagination, bounded queries and input."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from exchange import services as exchange_services
from exchange.models import Opportunity
from portal.pagination import PAGE_SIZE
from portal.search import engine, source_for
from programmes.models import Milestone
from tests.exchange.factories import OpportunityFactory
from tests.programmes.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def search(user, query: str, **params):
    return client_for(user).get(reverse("search"), {"q": query, **params})


def titles(response) -> list[str]:
    return [str(result.title) for result in response.context["results"]]


# --- the page ------------------------------------------------------------------------


def test_the_header_has_a_labelled_search_box(world):
    body = client_for(world.researcher).get(reverse("home")).content.decode()
    assert 'role="search"' in body
    assert '<label class="govuk-label app-header-search__label" for="header-search">' in body
    assert f'action="{reverse("search")}"' in body


def test_an_empty_search_explains_itself(world):
    response = client_for(world.researcher).get(reverse("search"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Search – " in body
    assert "only those you can open are shown" in body
    # The page has its own form: no second search box in the header.
    assert 'id="header-search"' not in body


def test_results_are_grouped_by_kind_with_counts_and_filters(world):
    response = search(world.researcher, "zephyr")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Search results for “zephyr” – " in body
    groups = {group["label"]: group["count"] for group in response.context["groups"]}
    # The open opportunity at the partner institute, the project and its milestone, and
    # the documents of the researcher's institute.
    assert groups == {"Opportunities": 1, "Projects": 1, "Milestones": 1, "Documents": 3}
    filters = {item["label"]: item["count_text"] for item in response.context["filters"]}
    assert filters["Everything"] == "6"
    assert filters["Handovers"] == "0"
    assert "Milestone of JRP-ZEPHYR-01" in body


def test_a_kind_filter_shows_that_kind_only(world):
    response = search(world.researcher, "zephyr", kind="milestones")
    assert [result.kind for result in response.context["results"]] == ["milestones"]
    assert response.context["chosen"].kind == "milestones"
    assert 'aria-current="page">Milestones (1)' in response.content.decode()


def test_an_unknown_kind_is_a_clear_error_not_a_500(world):
    response = search(world.researcher, "zephyr", kind="secrets")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose one of the kinds listed, or everything." in body
    assert "<title>Error: Search – " in body


def test_no_results_offers_help(world):
    response = search(world.researcher, "quokka")
    body = response.content.decode()
    assert "Nothing you can open matches “quokka”" in body
    assert "check the spelling" in body


def test_a_kind_is_paginated(world):
    for n in range(PAGE_SIZE + 2):
        MilestoneFactory(project=world.project, owner=world.researcher, title=f"Quokka {n}")
    first = search(world.researcher, "quokka", kind="milestones")
    assert len(first.context["results"]) == PAGE_SIZE
    assert first.context["page_obj"].has_next()
    second = search(world.researcher, "quokka", kind="milestones", page=2)
    assert len(second.context["results"]) == 2
    # Everything: a preview of each kind, and a link to all of them.
    everything = search(world.researcher, "quokka")
    (group,) = everything.context["groups"]
    assert len(group["results"]) == engine.PREVIEW_SIZE
    assert "See all 27 milestones" in everything.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_results(world, django_assert_max_num_queries):
    for n in range(30):
        MilestoneFactory(project=world.project, owner=world.researcher, title=f"Quokka {n}")
        OpportunityFactory(
            programme=world.ex.programme, host_institute=world.au, title=f"Quokka {n}"
        )
    user = world.researcher
    client = client_for(user)
    # The session, the person, navigation, and per kind a count and the rows shown: a
    # fixed number, however many are found.
    with django_assert_max_num_queries(18):
        assert client.get(reverse("search"), {"q": "quokka"}).status_code == 200
    with django_assert_max_num_queries(18):
        response = client.get(reverse("search"), {"q": "quokka", "kind": "milestones"})
    assert len(response.context["results"]) == PAGE_SIZE


# --- extracts and titles are escaped -------------------------------------------------


def test_a_title_with_markup_is_shown_escaped(world):
    MilestoneFactory(
        project=world.project,
        owner=world.researcher,
        title="<script>alert('quokka')</script> plan",
        description="The <b>quokka</b> plan & <img src=x onerror=alert(1)>",
    )
    body = search(world.researcher, "quokka").content.decode()
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert(&#x27;<mark>quokka</mark>&#x27;)&lt;/script&gt; plan" in body


def test_highlight_marks_are_the_only_markup():
    marked = engine.marked(f"a <b>{engine.START}x{engine.STOP}</b> & {engine.STOP}y{engine.START}")
    assert str(marked) == "a &lt;b&gt;<mark>x</mark>&lt;/b&gt; &amp; y<mark></mark>"
    assert str(engine.highlight("<i>Quokka</i> quokkas", ["quokka"])) == (
        "&lt;i&gt;<mark>Quokka</mark>&lt;/i&gt; <mark>quokkas</mark>"
    )


def test_the_words_of_a_query(db):
    assert engine.terms('"red team" OR -draft evaluation evaluation') == [
        "red", "team", "draft", "evaluation",
    ]  # fmt: skip
    assert len(engine.terms(" ".join(f"w{n}" for n in range(50)))) == engine.MAX_TERMS


def test_the_extract_is_cut_around_the_first_word_found(world):
    milestone = Milestone(description=("filler " * 100) + "the quokka appears " + "end " * 100)
    extract = str(engine._extract(source_for("milestones"), milestone, ["quokka"]))
    assert extract.startswith("…") and extract.endswith("…")
    assert "<mark>quokka</mark>" in extract
    assert len(extract) < engine.SNIPPET_CHARS + 40


def test_or_and_minus_work_on_every_database(world):
    user = world.researcher

    def kinds(query):
        return {group["label"] for group in search(user, query).context["groups"]}

    assert kinds("zephyr -protocol") == {"Opportunities", "Projects", "Documents"}
    assert kinds("protocol or robustness") == {"Projects", "Milestones"}
    assert kinds("protocol robustness") == set()
    assert kinds('"zephyr protocol" -nothing') == {"Milestones"}


# --- hostile input -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "x" * 5000,
        "quokka\x00zephyr",
        "\x00\x01\x02\x1b[31m",
        "' OR 1=1 --",
        '"unclosed',
        "!!!&&&|||:*<->",
        "-",
        "\ud7ff\ue000\ue001\uffff",
        "%_\\",
        "OR OR OR",
    ],
)
def test_hostile_queries_never_fail(world, query):
    response = search(world.researcher, query)
    assert response.status_code == 200
    if len(query) > 200:
        assert "Enter 200 characters or fewer to search for (you entered 5000)." in (
            response.content.decode()
        )
        assert response.content.decode().count("<title>Error: ") == 1
    for kind in ("milestones", "documents"):
        assert search(world.researcher, query, kind=kind, page="x").status_code == 200


def test_control_characters_are_read_as_spaces(world):
    response = search(world.researcher, "zephyr\x00protocol")
    assert response.context["query"] == "zephyr protocol"
    assert any("protocol" in title for title in titles_all(response))


def titles_all(response) -> list[str]:
    return [
        str(result.title) for group in response.context["groups"] for result in group["results"]
    ]


def test_only_get_is_answered(world):
    assert client_for(world.researcher).post(reverse("search"), {"q": "x"}).status_code == 405


# --- PostgreSQL full-text search -----------------------------------------------------


def test_a_title_match_ranks_above_a_description_match(world, postgres):
    OpportunityFactory(
        programme=world.ex.programme,
        host_institute=world.au,
        title="Interpretability researcher",
        description="Work with the quokka team.",
    )
    OpportunityFactory(
        programme=world.ex.programme,
        host_institute=world.au,
        title="Quokka evaluations lead",
        description="Lead evaluations.",
    )
    response = search(world.submitter, "quokka", kind="opportunities")
    assert titles(response)[0] == "<mark>Quokka</mark> evaluations lead"
    assert titles(response)[1] == "Interpretability researcher"
    assert "<mark>quokka</mark>" in str(response.context["results"][1].snippet)


def test_words_are_stemmed_and_phrases_kept_in_order(world, postgres):
    user = world.researcher
    assert search(user, "agreeing protocols", kind="milestones").context["results"]
    assert search(user, '"protocol agreed"', kind="milestones").context["results"]
    assert not search(user, '"agreed protocol"', kind="milestones").context["results"]


def test_the_column_follows_every_edit(world, postgres):
    opportunity = world.opportunity
    assert not search(world.submitter, "wombat", kind="opportunities").context["results"]
    exchange_services.opportunity_update(
        opportunity=opportunity, actor=world.au_pm, title="Wombat evaluation lead"
    )
    assert titles(search(world.submitter, "wombat", kind="opportunities")) == [
        "<mark>Wombat</mark> evaluation lead"
    ]
    # A bulk update, which no save() or signal sees, is followed too.
    Opportunity.objects.filter(pk=opportunity.pk).update(description="Numbat surveys.")
    assert search(world.submitter, "numbat", kind="opportunities").context["results"]
    found_now = search(world.submitter, "frontier", kind="opportunities").context["results"]
    assert opportunity.get_absolute_url() not in [result.url for result in found_now]


def test_the_column_is_a_gin_indexed_tsvector(world, postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'milestone_search_idx'")
        (definition,) = cursor.fetchone()
        cursor.execute(
            "SELECT search_vector::text FROM programmes_milestone WHERE id = %s",
            [world.milestone.pk],
        )
        (vector,) = cursor.fetchone()
    assert "USING gin (search_vector)" in definition
    assert "'zephyr':1A" in vector and "B" in vector


def test_the_snippet_comes_from_the_database_highlighted(world, postgres):
    response = search(world.recipient, "results", kind="handovers")
    (result,) = response.context["results"]
    assert "zephyr <mark>results</mark>, as agreed" in str(result.snippet)
