"""The emails: text and HTML, with a link into the portal and never any file content."""

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User

from .. import rules as registry
from ..kinds import kind_for
from ..models import Reminder
from .recheck import Prepared

logger = logging.getLogger(__name__)


def link(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url if url.startswith('/') else '/' + url}"


def email_subject(subject: str, marking: str) -> str:
    subject = " ".join(subject.split())
    return f"[{marking}] {subject}" if marking else subject


def preferences_link() -> str:
    return link(reverse("notifications:preferences"))


def reminder_email(*, reminder: Reminder, message: registry.Message) -> EmailMultiAlternatives:
    """The email for one notice: text and HTML, a link and never any file content."""
    context = {
        "recipient": reminder.recipient,
        "message": message,
        "kind": kind_for(reminder.kind),
        "link": link(message.url) if message.url else link("/notifications/"),
        "preferences_link": preferences_link(),
        "portal_name": settings.PORTAL_NAME,
    }
    email = EmailMultiAlternatives(
        subject=email_subject(message.subject, message.marking),
        body=render_to_string("notifications/email/notice.txt", context),
        to=[reminder.recipient.email],
    )
    email.attach_alternative(
        render_to_string("notifications/email/notice.html", context), "text/html"
    )
    return email


def digest_email(*, user: User, items: list[Prepared], day) -> EmailMultiAlternatives:
    markings = sorted({p.message.marking for p in items if p.message.marking})
    count = len(items)
    subject = f"Your daily digest: {count} update{'s' if count != 1 else ''}"
    groups: dict[str, list[dict]] = defaultdict(list)
    for p in items:
        groups[kind_for(p.reminder.kind).label].append(
            {"message": p.message, "link": link(p.message.url or "/notifications/")}
        )
    context = {
        "recipient": user,
        "day": day,
        "groups": sorted(groups.items()),
        "count": count,
        "notifications_link": link("/notifications/"),
        "preferences_link": preferences_link(),
        "portal_name": settings.PORTAL_NAME,
    }
    email = EmailMultiAlternatives(
        subject=email_subject(subject, " / ".join(markings)),
        body=render_to_string("notifications/email/digest.txt", context),
        to=[user.email],
    )
    email.attach_alternative(
        render_to_string("notifications/email/digest.html", context), "text/html"
    )
    return email


def reopen(conn) -> None:
    """After a failed send the SMTP session may be broken: start a fresh one."""
    conn.close()
    try:
        conn.open()
    except Exception as exc:  # noqa: BLE001 - the next send fails and is recorded
        logger.warning("Could not reconnect to the mail server: %s", exc)
