"""Writes: post, edit and remove a comment, and tell the people it mentions.

Every service checks again that the person may see the record (its own app's rule, via
``access``), whatever page they came from. A mention reaches a person only if they too
may see the record; the others are listed back to the author, and are not told.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from notifications.services import notify

from . import access, mentions, registry, selectors
from .models import BODY_MAX_LENGTH, Comment

MENTION_KIND = "comment_mention"


@dataclass
class Posted:
    comment: Comment
    told: list[User] = field(default_factory=list)
    # Addresses mentioned but not told: no such person, or they may not see the record.
    not_told: list[str] = field(default_factory=list)


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError({"body": "Enter your comment."})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {"body": f"Your comment must be {BODY_MAX_LENGTH:,} characters or fewer."}
        )
    if "\x00" in body:
        raise ValidationError({"body": "Your comment contains a character it cannot hold."})
    handles = mentions.handles(body)
    if len(handles) > mentions.MAX_MENTIONS:
        raise ValidationError(
            {"body": f"Mention at most {mentions.MAX_MENTIONS} people in one comment."}
        )
    return body


def _tell_mentioned(
    *, comment: Comment, entry: registry.Commentable, record, author: User, emails: list[str]
) -> tuple[list[User], list[str]]:
    """Tell each person mentioned who may see ``record``; the others are not told."""
    told: list[User] = []
    found = {person.email.lower(): person for person in mentions.people(emails)}
    not_told = []
    marking = entry.marking_of(record)
    for email in emails:
        person = found.get(email)
        if person is None or not access.may_see_record(person, entry, record):
            not_told.append(email)
            continue
        if person.pk == author.pk:
            continue
        notify(
            recipient=person,
            kind=MENTION_KIND,
            subject=f"{author} mentioned you in the discussion of the {entry.label} "
            f"{entry.title(record)}",
            url=selectors.thread_url(comment, record),
            about=record,
            marking=marking[0] if marking else "",
        )
        told.append(person)
    return told, not_told


def _visible_record(user, record) -> registry.Commentable:
    entry = registry.entry_for(record)
    if not access.may_see_record(user, entry, record):
        raise PermissionDenied("You cannot comment on this.")
    return entry


@transaction.atomic
def comment_post(*, user: User, record, body: str) -> Posted:
    """Add ``user``'s comment to ``record`` and tell the people it mentions."""
    entry = _visible_record(user, record)
    body = _clean_body(body)
    comment = Comment(author=user, body=body, created_at=timezone.now())
    setattr(comment, entry.kind, record)
    comment._history_user = user
    comment.full_clean()
    comment.save()
    told, not_told = _tell_mentioned(
        comment=comment, entry=entry, record=record, author=user, emails=mentions.handles(body)
    )
    return Posted(comment=comment, told=told, not_told=not_told)


@transaction.atomic
def comment_edit(*, user: User, comment: Comment, body: str) -> Posted:
    """Change the text of ``user``'s own comment within the edit window. People newly
    mentioned are told; those mentioned before are not told again."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    record = selectors.record_of(comment)
    entry = _visible_record(user, record)
    if not access.is_author(user=user, comment=comment):
        raise PermissionDenied("You can only change your own comments.")
    if comment.is_removed:
        raise ValidationError("This comment was removed, so it cannot be changed.")
    now = timezone.now()
    if not access.can_edit(user=user, comment=comment, now=now):
        minutes = int(access.edit_window().total_seconds() // 60)
        raise ValidationError(
            f"Comments can only be changed in the {minutes} minutes after they are posted. "
            "Add a new comment instead."
        )
    body = _clean_body(body)
    before = set(mentions.handles(comment.body))
    if body == comment.body:
        return Posted(comment=comment)
    comment.body = body
    comment.edited_at = now
    comment._history_user = user
    comment._change_reason = "Edited"
    comment.save(update_fields=["body", "edited_at"])
    new = [email for email in mentions.handles(body) if email not in before]
    told, not_told = _tell_mentioned(
        comment=comment, entry=entry, record=record, author=user, emails=new
    )
    return Posted(comment=comment, told=told, not_told=not_told)


def _remove(comment: Comment, *, actor: User, reason: str) -> Comment:
    comment.body = ""
    comment.removed_at = timezone.now()
    comment.removed_by = actor
    comment._history_user = actor
    comment._change_reason = reason
    comment.save(update_fields=["body", "removed_at", "removed_by"])
    return comment


@transaction.atomic
def comment_remove(*, user: User, comment: Comment) -> Comment:
    """The author removes their comment: it shows as removed; its text stays in history."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    _visible_record(user, selectors.record_of(comment))
    if not access.can_remove(user=user, comment=comment):
        raise PermissionDenied("You can only remove your own comments.")
    return _remove(comment, actor=user, reason="Removed by its author")


@transaction.atomic
def comment_remove_as_admin(*, actor: User, comment: Comment) -> Comment:
    """An admin removes a comment (from the Django admin, which scopes what they see)."""
    if not access.can_remove_in_admin(actor):
        raise PermissionDenied("You cannot remove comments.")
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.is_removed:
        raise ValidationError("This comment was already removed.")
    return _remove(comment, actor=actor, reason="Removed by an administrator")
