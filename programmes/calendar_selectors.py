"""Reads behind the personal calendar feed: whose feed a token opens, the feed's window
of dates, the milestones in it and a version string that changes whenever an event
would (the feed's ETag and cache key)."""

import datetime

from django.db.models import Count, Max, Q, QuerySet, Sum

from accounts.clock import today_for
from accounts.models import User

from . import access
from .models import CalendarFeed, Milestone, MilestoneStatus


def calendar_feed_for(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_owner(*, token: str) -> User | None:
    feed = (
        CalendarFeed.objects.select_related("user", "user__institute")
        .filter(token=token, user__is_active=True)
        .first()
    )
    return feed.user if feed else None


CALENDAR_DAYS_BACK = 90
CALENDAR_DAYS_AHEAD = 730


def calendar_window(*, user) -> tuple[datetime.date, datetime.date]:
    """The feed's dates: the past 90 days and the next two years, in the person's today."""
    today = today_for(user)
    return (
        today - datetime.timedelta(days=CALENDAR_DAYS_BACK),
        today + datetime.timedelta(days=CALENDAR_DAYS_AHEAD),
    )


def _calendar_window_milestones(user) -> QuerySet[Milestone]:
    start, end = calendar_window(user=user)
    return access.milestones_visible_to(user).filter(due_date__gte=start, due_date__lte=end)


def calendar_milestones(*, user) -> QuerySet[Milestone]:
    """Milestones in the person's feed: those they can see, due in the window, except
    cancelled ones."""
    return (
        _calendar_window_milestones(user)
        .exclude(status=MilestoneStatus.CANCELLED)
        .select_related("project")
        .only("pk", "title", "due_date", "status", "updated_at", "project__code")
        .order_by("due_date", "pk")
    )


def calendar_version(*, user) -> str:
    """What the feed depends on, in one indexed aggregate: a version string that changes
    whenever an event would (a milestone added, removed, moved in or out of the window,
    edited or cancelled; a project renamed; a project becoming visible or not)."""
    start, end = calendar_window(user=user)
    row = (
        _calendar_window_milestones(user)
        .order_by()
        .aggregate(
            count=Count("pk"),
            ids=Sum("pk"),
            cancelled=Count("pk", filter=Q(status=MilestoneStatus.CANCELLED)),
            latest=Max("updated_at"),
            project_latest=Max("project__updated_at"),
        )
    )
    return "|".join(
        str(part)
        for part in (
            start,
            end,
            row["count"],
            row["ids"],
            row["cancelled"],
            row["latest"] and row["latest"].timestamp(),
            row["project_latest"] and row["project_latest"].timestamp(),
            user.get_full_name(),
        )
    )
