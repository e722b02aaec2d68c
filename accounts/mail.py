"""Account emails (confirm your address, reset your password, you already have an account)
are sent by a Celery worker, never in the web request.

Sending from the request made sign-up answer in a tenth of a second for an address that
already has an account and in over a second for a new one (the SMTP conversation and the
password hash), so the response time told anyone which addresses have accounts. Both now
render their message, hand it to ``send_account_email`` and answer at once; the adapter
makes the "already exists" path hash a password as the new-account path does.

When the broker cannot be reached the message is sent from the request instead (and
logged): an account email is never lost, whichever path it comes from.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives

logger = logging.getLogger(__name__)


def message_kwargs(message: EmailMessage) -> dict:
    """A rendered message as plain data a task can carry."""
    html = [content for content, mimetype in getattr(message, "alternatives", []) or []]
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "html": html[0] if html else None,
        "content_subtype": message.content_subtype,
        "headers": dict(message.extra_headers or {}),
    }


def build_message(
    *, subject, body, from_email, to, html=None, content_subtype="plain", headers=None
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers or None)
    message.content_subtype = content_subtype
    if html:
        message.attach_alternative(html, "text/html")
    return message


def send_in_background(message: EmailMessage) -> None:
    """Give the message to the worker; send it here only when the broker is unreachable."""
    from .tasks import send_account_email

    kwargs = message_kwargs(message)
    if settings.ACCOUNT_EMAIL_TASK_ALWAYS_EAGER:
        # Tests run the task in the process (through Celery, so it is the same task).
        send_account_email.apply(kwargs=kwargs, throw=True)
        return
    try:
        with send_account_email.app.pool.acquire(block=True, timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
            send_account_email.apply_async(kwargs=kwargs, retry=False, connection=conn)
    except Exception:  # noqa: BLE001 - a broker failure must not lose the email
        logger.warning("Could not enqueue an account email; sending it now.", exc_info=True)
        build_message(**kwargs).send()
