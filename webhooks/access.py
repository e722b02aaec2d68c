"""Who may manage webhook endpoints, and what an endpoint's institute may hear. Decided here.

Endpoints are managed by the institute admins of their institute (superusers manage all);
the admin, the services and the disabled-endpoint notice all ask here.

An institute hears of a record only when one of its active people, named on the record
(an applicant, a line manager, a secondee, a project member, a programme manager, a
handover's sender or recipient...), may see that record under its app's own access rule;
a handover is described only if every document in it is releasable to the institute
(its own nationality and country, ``handover.markings``). Nothing here decides anew what a
person may see: it asks each app's ``access`` module.
"""

from django.db.models import QuerySet

from accounts import access as accounts_access
from accounts.models import Institute, Role, User
from exchange import access as exchange_access
from exchange.models import Application, Secondment
from handover import access as handover_access
from handover import markings
from handover.models import Handover
from programmes import access as programmes_access
from programmes.models import Milestone

from .models import Endpoint

# --- managing endpoints -------------------------------------------------------------------


def endpoints_managed_by(user) -> QuerySet[Endpoint]:
    if not accounts_access.is_active_person(user):
        return Endpoint.objects.none()
    if not accounts_access.user_is_institute_admin(user):
        return Endpoint.objects.none()
    if user.is_superuser:
        return Endpoint.objects.all()
    if not user.institute_id:
        return Endpoint.objects.none()
    return Endpoint.objects.filter(institute_id=user.institute_id)


def can_manage_endpoint(*, user, endpoint: Endpoint) -> bool:
    return endpoints_managed_by(user).filter(pk=endpoint.pk).exists()


def can_register_for(*, user, institute: Institute | None) -> bool:
    """An institute admin registers endpoints for their own institute only."""
    if institute is None or not accounts_access.user_is_institute_admin(user):
        return False
    return accounts_access.is_active_person(user) and (
        user.is_superuser or user.institute_id == institute.pk
    )


def institute_admins(institute: Institute) -> QuerySet[User]:
    """Who is told when one of the institute's endpoints is switched off."""
    return User.objects.filter(
        institute=institute, is_active=True, groups__name=Role.INSTITUTE_ADMIN.value
    ).distinct()


# --- what an institute may hear -----------------------------------------------------------


def _seen_by_one_of(institute: Institute, people: QuerySet[User], visible_to, obj) -> bool:
    for person in people.filter(institute=institute, is_active=True).distinct():
        if visible_to(person).filter(pk=obj.pk).exists():
            return True
    return False


def _application_people(application: Application) -> QuerySet[User]:
    named = [application.applicant_id, application.line_manager_id]
    managers = exchange_access.application_managers(application).values("pk")
    return User.objects.filter(pk__in=[pk for pk in named if pk]) | User.objects.filter(
        pk__in=managers
    )


def _secondment_people(secondment: Secondment) -> QuerySet[User]:
    named = [secondment.secondee_id, secondment.home_manager_id, secondment.host_supervisor_id]
    return User.objects.filter(pk__in=[pk for pk in named if pk]) | User.objects.filter(
        managed_programmes=secondment.programme_id
    )


def _milestone_people(milestone: Milestone) -> QuerySet[User]:
    return User.objects.filter(projects=milestone.project_id) | User.objects.filter(
        managed_programmes=milestone.project.programme_id
    )


def _handover_people(handover: Handover) -> QuerySet[User]:
    return User.objects.filter(pk=handover.sender_id) | User.objects.filter(handovers=handover.pk)


def handover_releasable_to(*, institute: Institute, handover: Handover) -> bool:
    """Every document in the handover may be released to the institute."""
    country = institute.country or ""
    return all(
        markings.releasable_to(
            releasability=item.version.document.releasability,
            nationality=country,
            institute_country=country,
        )
        for item in handover.items.select_related("version__document")
    )


def institute_may_see(*, institute: Institute, obj) -> bool:
    """Whether ``institute`` may hear about ``obj`` (see the module's docstring)."""
    if isinstance(obj, Application):
        people, visible_to = _application_people(obj), exchange_access.applications_visible_to
    elif isinstance(obj, Secondment):
        people, visible_to = _secondment_people(obj), exchange_access.secondments_visible_to
    elif isinstance(obj, Milestone):
        people, visible_to = _milestone_people(obj), programmes_access.milestones_visible_to
    elif isinstance(obj, Handover):
        if not handover_releasable_to(institute=institute, handover=obj):
            return False
        people, visible_to = _handover_people(obj), handover_access.handovers_visible_to
    else:
        return False  # a record no rule speaks for is heard by no one
    return _seen_by_one_of(institute, people, visible_to, obj)
