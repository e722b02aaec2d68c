"""Who may see and act on comments. Decided here only.

A comment is visible to exactly the people who may see the record it belongs to: this
asks that record's own app, through the access rule it registered (``registry``), and
never keeps a copy of who may see what. The author edits their comment for a short while
(``DISCUSSION_EDIT_MINUTES``) and may remove it; institute admins remove comments from
the Django admin.
"""

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import access as accounts_access

from . import registry
from .models import Comment


def may_see_record(user, entry: registry.Commentable, record) -> bool:
    """``user`` may see ``record`` by its own app's rule."""
    if not accounts_access.is_active_person(user):
        return False
    return entry.visible_to(user).filter(pk=record.pk).exists()


def comments_visible_to(user) -> QuerySet[Comment]:
    """Comments on every record ``user`` may see: one ``<kind>_id IN (...)`` per kind,
    each the owning app's access rule."""
    if not accounts_access.is_active_person(user):
        return Comment.objects.none()
    reach = Q()
    for entry in registry.entries():
        reach |= Q(**{f"{entry.kind}__in": entry.visible_to(user).order_by().values("pk")})
    if not reach:
        return Comment.objects.none()
    return Comment.objects.filter(reach)


def comments_on(user, record) -> QuerySet[Comment]:
    """The comments on ``record`` that ``user`` may see: all of them if they may see the
    record, none otherwise (one query, with the record's own rule as a subquery)."""
    entry = registry.entry_for(record)
    if not accounts_access.is_active_person(user):
        return Comment.objects.none()
    return Comment.objects.filter(
        **{
            entry.kind: record.pk,
            f"{entry.kind}__in": entry.visible_to(user).order_by().values("pk"),
        }
    )


def edit_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.DISCUSSION_EDIT_MINUTES)


def edit_closes_at(comment: Comment) -> datetime.datetime:
    return comment.created_at + edit_window()


def is_author(*, user, comment: Comment) -> bool:
    return accounts_access.is_active_person(user) and comment.author_id == user.pk


def can_edit(*, user, comment: Comment, now=None) -> bool:
    """The author, while the comment is not removed and the edit window is open."""
    now = now or timezone.now()
    return (
        is_author(user=user, comment=comment)
        and not comment.is_removed
        and now <= edit_closes_at(comment)
    )


def can_remove(*, user, comment: Comment) -> bool:
    """The author, at any time, while it is not already removed."""
    return is_author(user=user, comment=comment) and not comment.is_removed


def can_remove_in_admin(user) -> bool:
    """Institute admins (their own institute's comments, as the admin scopes them)."""
    return accounts_access.is_active_person(user) and (
        user.is_superuser or user.has_perm("discussion.change_comment")
    )
