"""Every list pages the same way: PAGE_SIZE rows, the page in ``page_obj`` (or, where a
page shows several lists, in a variable named after each), filters kept in the links.

Counting stays cheap however long a list grows: rows are counted up to COUNT_LIMIT (a
COUNT over ``LIMIT COUNT_LIMIT + 1``, which stops reading there). Past that the list
says "more than 1,000", and each page fetches one row more than it shows to know
whether there is a next one, so every row can still be reached page by page.
"""

import math

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

PAGE_SIZE = 25
COUNT_LIMIT = 1000


class _OpenEndedPage(Page):
    """A page of a list too long to count: whether a next page exists comes from the
    extra row fetched with this one."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1


class BoundedPaginator(Paginator):
    """``late_rows``: find the page's ids first (a query with no joins but those its
    filters and order need), then fetch those rows whole; for lists whose rows join
    several tables, so that the joins run for the shown rows only."""

    count_limit = COUNT_LIMIT

    def __init__(self, *args, late_rows: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._reached = 1
        self.late_rows = late_rows and isinstance(self.object_list, QuerySet)

    def _rows(self, bottom: int, top: int) -> list:
        if not self.late_rows:
            return list(self.object_list[bottom:top])
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]

    @cached_property
    def count(self):
        rows = self.object_list
        if not isinstance(rows, QuerySet) or rows.query.is_sliced:
            return super().count
        rows = rows.order_by()
        if rows.query.group_by is None and not rows.query.distinct:
            rows = rows.values("pk")  # nothing but the rows' existence is needed
        return rows[: self.count_limit + 1].count()

    @property
    def capped(self) -> bool:
        """Whether the list is longer than it was counted."""
        return self.count > self.count_limit

    @property
    def count_text(self) -> str:
        if self.capped:
            return f"More than {self.count_limit:,}"
        return f"{self.count:,}"

    @property
    def num_pages(self):
        if not self.capped:
            return super().num_pages
        return max(math.ceil(self.count_limit / self.per_page), self._reached)

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger("That page number is not an integer") from exc
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.capped:
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return self._get_page(self._rows(bottom, top), number, self)
        rows = self._rows(bottom, bottom + self.per_page + 1)
        if not rows:
            raise EmptyPage("That page contains no results")
        more = len(rows) > self.per_page
        self._reached = number + 1 if more else number
        return _OpenEndedPage(rows[: self.per_page], number, self, more=more)

    def get_page(self, number):
        try:
            return super().get_page(number)
        except EmptyPage:
            return self.page(1)


def paginate(request, queryset, *, param: str = "page", late_rows: bool = False) -> Page:
    return BoundedPaginator(queryset, PAGE_SIZE, late_rows=late_rows).get_page(
        request.GET.get(param)
    )


def query_without(request, param: str = "page") -> str:
    """The current filters as a query string, without ``param`` (for export links)."""
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()
