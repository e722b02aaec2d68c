"""Reads of comments for pages, notices and (later) search. Every one starts from
``access``: a comment is shown exactly where its record is."""

import math

from django.db.models import QuerySet

from portal.pagination import PAGE_SIZE, BoundedPaginator

from . import access, registry
from .models import Comment

PAGE_PARAM = "comments"


def comments_visible_to(user) -> QuerySet[Comment]:
    """Every comment ``user`` may read, on any kind of record, newest first, with its
    author: for portal-wide lists such as search."""
    return (
        access.comments_visible_to(user)
        .select_related("author__institute")
        .order_by("-created_at", "-pk")
    )


def comment_marking(comment: Comment) -> str:
    """The protective marking ``comment`` carries: its record's, worked out from the
    record as it is now (a handover's most restrictive document), or "" for records
    that carry none. For lists outside the record's page, such as search."""
    entry = registry.entry(comment.kind)
    if entry is None or entry.marking is None:
        return ""
    marking = entry.marking_of(record_of(comment))
    return marking[0] if marking else ""


def thread_for(user, record) -> QuerySet[Comment]:
    """The comments on ``record`` that ``user`` may read, oldest first."""
    return (
        access.comments_on(user, record)
        .select_related("author__institute")
        .order_by("created_at", "pk")
    )


def thread_page(user, record, number):
    return BoundedPaginator(thread_for(user, record), PAGE_SIZE).get_page(number)


def page_number_of(comment: Comment) -> int:
    """The page of its thread a comment is on (threads run oldest first)."""
    before = Comment.objects.filter(**{comment.kind: comment.record_id}).filter(
        created_at__lte=comment.created_at
    )
    position = before.exclude(created_at=comment.created_at, pk__gt=comment.pk).count()
    return max(1, math.ceil(position / PAGE_SIZE))


def record_of(comment: Comment):
    """The record a comment belongs to (one query)."""
    return getattr(comment, comment.kind)


def record_visible_to(user, kind: str, pk: int):
    """The record of ``kind`` with ``pk``, loaded as its page loads it, if ``user`` may
    see it; else None."""
    entry = registry.entry(kind)
    if entry is None:
        return None
    return entry.load(user).filter(pk=pk).first()


def thread_url(comment: Comment, record) -> str:
    page = page_number_of(comment)
    query = f"?{PAGE_PARAM}={page}" if page > 1 else ""
    return f"{record.get_absolute_url()}{query}#comment-{comment.pk}"
