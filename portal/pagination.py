"""Every list pages the same way: PAGE_SIZE rows, the page in ``page_obj`` (or, where a
page shows several lists, in a variable named after each), filters kept in the links."""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 25


def paginate(request, queryset, *, param: str = "page") -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(param))


def query_without(request, param: str = "page") -> str:
    """The current filters as a query string, without ``param`` (for export links)."""
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()
