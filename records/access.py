"""Who may see and do what with the retention schedule and personal data downloads.

- The schedule (rules and run history) and the dry run: institute admins and
  superusers. An institute admin's dry run counts and samples their own institute's
  records only; their run history shows the daily runs (totals only) and their own
  institute's dry runs.
- Changing a rule: superusers only. The schedule covers both institutes' records under
  the MoU, so one institute's admin does not change it alone (docs/records.md).
- Applying the schedule for real: the daily task, or an operator with
  ``manage.py apply_retention``; never a page.
- Downloading personal data: each signed-in person, their own only.
"""

from django.db.models import Q, QuerySet

from accounts import access as accounts_access


def can_see_schedule(user) -> bool:
    return (
        accounts_access.is_active_person(user)
        and user.is_staff
        and accounts_access.user_is_institute_admin(user)
    )


def can_change_schedule(user) -> bool:
    return accounts_access.is_active_person(user) and user.is_superuser


def runs_visible_to(user, queryset: QuerySet) -> QuerySet:
    if not can_see_schedule(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(Q(institute__isnull=True) | Q(institute_id=user.institute_id))


def can_download_own_data(user) -> bool:
    return accounts_access.is_active_person(user)
