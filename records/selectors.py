"""What the public pages read: the retention schedule as people see it, and the cookies
the portal sets (from the settings, so the page follows them)."""

from dataclasses import dataclass

from django.conf import settings

from .models import RetentionRule
from .registry import Action, record_types


@dataclass(frozen=True)
class ScheduleRow:
    label: str
    period: str
    clock: str
    action: str
    why: str


def _period(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{months} month{'s' if months != 1 else ''}"


_WHAT_HAPPENS = {
    Action.DELETE: "Deleted",
    Action.ANONYMISE: "Anonymised: name and contact details removed",
    Action.DELETE_FILES: "Files deleted; the record of them stays",
}


def schedule_table() -> list[ScheduleRow]:
    """The schedule in force, one row per registered record type, in the registry's
    order (a type with no rule yet shows its default)."""
    rules = {rule.record_type: rule for rule in RetentionRule.objects.all()}
    rows = []
    for record_type in record_types():
        rule = rules.get(record_type.key)
        months = rule.period_months if rule else record_type.default_months
        enabled = rule.enabled if rule else True
        action = rule.action if rule else record_type.action
        rows.append(
            ScheduleRow(
                label=rule.label if rule else record_type.label,
                period=_period(months) if enabled else "Kept (the rule is paused)",
                clock=record_type.clock,
                action=_WHAT_HAPPENS.get(action, action),
                why=record_type.why,
            )
        )
    return rows


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    expires: str


def cookies_set() -> list[Cookie]:
    hours = settings.SESSION_COOKIE_AGE // 3600
    cookies = [
        Cookie(
            settings.SESSION_COOKIE_NAME,
            "Keeps you signed in as you move between pages.",
            f"{hours} hours after you sign in, or when you sign out",
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            "Protects the forms you send from being sent by another website.",
            "1 year",
        ),
    ]
    storage = getattr(
        settings, "MESSAGE_STORAGE", "django.contrib.messages.storage.fallback.FallbackStorage"
    )
    if "fallback" in storage or "cookie" in storage:
        cookies.append(
            Cookie(
                "messages",
                'Carries a one-off confirmation, such as "Your details have been saved", '
                "to the next page you see.",
                "When the message has been shown",
            )
        )
    return cookies
