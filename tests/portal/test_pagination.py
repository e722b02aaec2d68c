"""Lists count their rows up to a limit and page on past it; late rows keep the order."""

import pytest
from django.core.paginator import PageNotAnInteger

from accounts.models import User
from portal.pagination import BoundedPaginator
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    for n in range(7):
        UserFactory(email=f"person{n}@uk.example.org")
    return User.objects.filter(email__startswith="person").order_by("-email")


def _walk(paginator) -> list:
    emails, number = [], 1
    while True:
        page = paginator.get_page(number)
        emails += [person.email for person in page]
        if not page.has_next():
            return emails
        number += 1


@pytest.mark.parametrize("late_rows", [False, True])
def test_short_lists_are_counted_exactly(people, late_rows):
    paginator = BoundedPaginator(people, 2, late_rows=late_rows)
    paginator.count_limit = 10
    assert (paginator.count, paginator.capped, paginator.count_text) == (7, False, "7")
    assert paginator.num_pages == 4
    assert _walk(paginator) == [p.email for p in people]


@pytest.mark.parametrize("late_rows", [False, True])
def test_long_lists_stop_counting_at_the_limit_and_page_through(people, late_rows):
    paginator = BoundedPaginator(people, 2, late_rows=late_rows)
    paginator.count_limit = 3
    assert paginator.capped
    assert paginator.count_text == "More than 3"
    assert _walk(paginator) == [p.email for p in people]
    last = paginator.get_page(4)
    assert (len(last.object_list), last.has_next(), last.end_index()) == (1, False, 7)
    assert paginator.get_page(50).number == 1  # past the end: back to the first page
    with pytest.raises(PageNotAnInteger):
        paginator.page("x")


def test_late_rows_skip_a_row_deleted_between_the_two_queries(people, monkeypatch):
    paginator = BoundedPaginator(people, 3, late_rows=True)
    first = people.first()
    real = paginator.object_list.values_list
    # The ids are read, then the first row goes before the rows are fetched.

    class Ids:
        def __getitem__(self, key):
            ids = list(real("pk", flat=True)[key])
            User.objects.filter(pk=first.pk).delete()
            return ids

    monkeypatch.setattr(type(paginator.object_list), "values_list", lambda self, *a, **k: Ids())
    page = paginator.page(1)
    assert first.email not in [person.email for person in page]
    assert len(page.object_list) == 2
