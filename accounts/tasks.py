import smtplib

from celery import shared_task
from django.core.management import call_command

from .mail import build_message


@shared_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@shared_task(
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=6,
)
def send_account_email(
    *, subject, body, from_email, to, html=None, content_subtype="plain", headers=None
) -> None:
    """Send an account email rendered by the web request (``accounts.mail``)."""
    build_message(
        subject=subject,
        body=body,
        from_email=from_email,
        to=to,
        html=html,
        content_subtype=content_subtype,
        headers=headers,
    ).send()
