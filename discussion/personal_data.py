"""The discussion's part of a person's data download (records.subject_access): the
comments they wrote, with what each was on. A removed comment is listed as removed."""

from records import subject_access as sar

from . import registry
from .models import Comment


def comment_rows(user):
    comments = Comment.objects.filter(author=user).select_related(*registry.KINDS)
    for comment in comments.order_by("created_at", "pk").iterator(chunk_size=500):
        entry = registry.entry(comment.kind)
        record = getattr(comment, comment.kind)
        yield {
            "on": f"{entry.label} {entry.title(record)}" if entry else comment.kind,
            "body": comment.body,
            "created_at": comment.created_at,
            "edited_at": comment.edited_at,
            "removed_at": comment.removed_at,
        }


def register_sections() -> None:
    sar.register(sar.Section("comments", "Comments you wrote", comment_rows), order=60)
