"""Recording a change of state: who, when and why, on the row locked for the change."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from portal import events

from ..models import Application, ApplicationEvent, Secondment
from .notices import tell_status


def record_event(
    application: Application,
    *,
    actor: User,
    to: str,
    reason: str = "",
    on_behalf_of: User | None = None,
) -> ApplicationEvent:
    """Move the application to ``to`` (the caller saves it), with the event that says
    who, when, from what and why, and on whose behalf an acting delegate decided."""
    now = timezone.now()
    event = ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        on_behalf_of=on_behalf_of,
        at=now,
        from_status=application.status if application.pk and application.status != to else "",
        to_status=to,
        reason=reason,
    )
    application.status = to
    application.status_changed_at = now
    return event


def locked_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("opportunity", "programme", "applicant", "line_manager", "host_institute")
        .get(pk=application.pk)
    )


def locked_secondment(secondment: Secondment) -> Secondment:
    return (
        Secondment.objects.select_for_update(of=("self",))
        .select_related("programme", "secondee", "home_manager", "host_supervisor")
        .get(pk=secondment.pk)
    )


def set_secondment_status(
    secondment: Secondment, status: str, reason: str = "", *, actor: User | None = None
) -> set[int]:
    """Move ``secondment`` to ``status``. A change made by a person (``actor``) is told
    to everyone else it concerns (``notices.STATUS_NOTICES``); the ids of those told."""
    secondment.status = status
    secondment.status_reason = reason
    secondment.status_changed_at = timezone.now()
    secondment.save(update_fields=["status", "status_reason", "status_changed_at"])
    events.emit(events.EventType.SECONDMENT_CHANGED, secondment, change=status)
    if actor is None:
        return set()
    return tell_status(secondment, actor=actor, reason=reason)


def require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"Enter the reason {what}."})
    return reason
