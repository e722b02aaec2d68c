"""What the discussion offers the portal's search: comments, each found only by those who
may see the record it belongs to (``access.comments_visible_to``, the records' own rules),
carrying that record's marking."""

from django.utils import timezone
from django.utils.formats import date_format

from portal.search import Source

from . import access, registry, selectors
from .models import Comment


def _record(comment: Comment):
    return getattr(comment, comment.kind)


def _title(comment: Comment) -> str:
    entry = registry.entry(comment.kind)
    return f"Comment on {entry.label} {entry.title(_record(comment))}"


def _context(comment: Comment) -> str:
    author = comment.author
    institute = f" ({author.institute.code})" if author.institute_id else ""
    when = date_format(timezone.localtime(comment.created_at), "j F Y")
    parts = [f"{author.get_full_name() or author.email}{institute}", when]
    marking = selectors.comment_marking(comment)
    if marking:
        parts.append(marking)
    return " · ".join(parts)


def _url(comment: Comment) -> str:
    return f"{_record(comment).get_absolute_url()}#comment-{comment.pk}"


SOURCES = [
    (
        Source(
            kind="comments",
            label="Comments",
            model=Comment,
            # A removed comment has no text, so it never matches.
            visible_to=access.comments_visible_to,
            title=_title,
            context=_context,
            url=_url,
            snippet_fields=("body",),
            select_related=("author__institute", *registry.KINDS),
        ),
        70,
    ),
]
