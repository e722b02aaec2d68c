from rest_framework.pagination import PageNumberPagination

from portal.pagination import PAGE_SIZE


class PagePagination(PageNumberPagination):
    """25 to a page, as the portal's lists; ``page_size`` up to 100."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 100
