"""Telling the people a change concerns: a secondment made ready, started, re-dated,
cancelled, ended early or given a supervisor, and an application withdrawn. Never the
person who made the change; each notice follows the recipient's preferences."""

from collections.abc import Iterable

from accounts.models import User
from notifications.services import notify

from .. import access
from ..models import Application, Secondment

# The secondment statuses that are told, with their notice kind and what happened.
STATUS_NOTICES = {
    Secondment.Status.READY: ("secondment_ready", "is ready to start"),
    Secondment.Status.ACTIVE: ("secondment_started", "has started"),
    Secondment.Status.CANCELLED: ("secondment_cancelled", "was cancelled"),
    Secondment.Status.ENDED_EARLY: ("secondment_ended_early", "was ended early"),
}


def secondment_people(secondment: Secondment) -> list[User]:
    """The secondee, home manager, host supervisor and the programme's managers at the
    home and host institutes: the active people, each once, in that order."""
    people: dict[int, User] = {}
    parties = [secondment.secondee, secondment.home_manager, secondment.host_supervisor]
    managers = secondment.programme.managers.filter(
        institute_id__in=[secondment.home_institute_id, secondment.host_institute_id]
    ).order_by("pk")
    for person in [*parties, *managers]:
        if person is not None and person.is_active:
            people.setdefault(person.pk, person)
    return list(people.values())


def _tell(
    people: Iterable[User],
    *,
    actor: User | None,
    kind: str,
    subject: str,
    body: str,
    url: str,
    about,
    exclude: Iterable[int] = (),
) -> set[int]:
    skip = {actor.pk if actor is not None else None, *exclude}
    told: set[int] = set()
    for person in people:
        if person.pk in skip or person.pk in told:
            continue
        notify(recipient=person, kind=kind, subject=subject, body=body, url=url, about=about)
        told.add(person.pk)
    return told


def tell_secondment(
    secondment: Secondment, *, actor: User | None, kind: str, subject: str, body: str = ""
) -> set[int]:
    """Tell everyone ``secondment`` concerns but ``actor``; the ids of those told."""
    return _tell(
        secondment_people(secondment),
        actor=actor,
        kind=kind,
        subject=subject,
        body=body,
        url=secondment.get_absolute_url(),
        about=secondment,
    )


def tell_status(secondment: Secondment, *, actor: User | None, reason: str = "") -> set[int]:
    """Tell of a new status that people hear about (ready, started, cancelled, ended
    early); other statuses tell no one."""
    if secondment.status not in STATUS_NOTICES:
        return set()
    kind, what = STATUS_NOTICES[secondment.status]
    return tell_secondment(
        secondment,
        actor=actor,
        kind=kind,
        subject=f"The secondment {secondment.reference} {what}",
        body=reason,
    )


def tell_withdrawal(
    application: Application,
    *,
    actor: User,
    reached_host: bool,
    reason: str = "",
    exclude: Iterable[int] = (),
) -> set[int]:
    """Tell the line manager (once the application was submitted to them) and, if it had
    reached the host, the programme's managers at the host institute."""
    people: list[User] = []
    if application.submitted_at is not None and application.line_manager is not None:
        people.append(application.line_manager)
    if reached_host:
        people.extend(
            access.application_managers(application)
            .filter(institute_id=application.host_institute_id)
            .order_by("pk")
        )
    return _tell(
        [p for p in people if p.is_active],
        actor=actor,
        kind="application_withdrawn",
        subject=f"{application.applicant} withdrew their exchange application "
        f"({application.reference})",
        body=reason,
        url=application.get_absolute_url(),
        about=application,
        exclude=exclude,
    )
