"""Who may see and act on exchange records. Decided here only.

Applicants see their own applications; line managers those naming them once submitted;
the programme's managers (see ``programmes.access``) the submitted applications in their
programmes, and, for open applications, those to an institute of a programme they
manage. A secondment is seen by its secondee, home manager, host supervisor and the
programme's managers. Views, selectors, services, reminders and the handover app's
links all ask here.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts import access as accounts_access
from accounts.clock import today_for
from accounts.models import Institute, User
from programmes import access as programmes_access
from programmes.models import Programme

from .models import Application, ChecklistItem, Opportunity, Party, Secondment, scheme_of

# --- opportunities ---------------------------------------------------------------------


def partner_institutes_of(user) -> QuerySet[Institute]:
    """Institutes that share a programme with the person's own, other than their own:
    where they may apply."""
    if not accounts_access.is_active_person(user) or not user.institute_id:
        return Institute.objects.none()
    shared = Programme.institutes.through.objects.filter(
        programme__institutes=user.institute_id
    ).values("institute_id")
    return Institute.objects.filter(pk__in=shared).exclude(pk=user.institute_id)


def opportunities_open_to(user) -> QuerySet[Opportunity]:
    """Open opportunities at a partner institute, still taking applications (closing on
    or after the person's today)."""
    if not accounts_access.is_active_person(user) or not user.institute_id:
        return Opportunity.objects.none()
    in_my_programme = Programme.institutes.through.objects.filter(
        programme_id=OuterRef("programme_id"), institute_id=user.institute_id
    )
    return (
        Opportunity.objects.filter(
            status=Opportunity.Status.OPEN, closing_date__gte=today_for(user)
        )
        .exclude(host_institute_id=user.institute_id)
        .filter(Exists(in_my_programme))
        .select_related("host_institute", "programme")
    )


def may_save_searches(user) -> bool:
    """Staff of an institute with a partner may save searches of the opportunity list."""
    return accounts_access.is_active_person(user) and bool(user.institute_id)


def opportunities_managed_by(user) -> QuerySet[Opportunity]:
    """Every opportunity, drafts and closed ones too, in a programme the person manages."""
    return Opportunity.objects.filter(
        programme_id__in=programmes_access.managed_programme_ids(user)
    )


def opportunities_visible_to(user) -> QuerySet[Opportunity]:
    """What a person may read: those open to them, and those they manage."""
    if not accounts_access.is_active_person(user):
        return Opportunity.objects.none()
    return Opportunity.objects.filter(
        Q(pk__in=opportunities_open_to(user).values("pk"))
        | Q(pk__in=opportunities_managed_by(user).values("pk"))
    ).select_related("host_institute", "programme")


# --- applications ----------------------------------------------------------------------


def _managed_institute_ids(user):
    """Institutes in any programme the person manages (for open applications)."""
    return Programme.institutes.through.objects.filter(
        programme_id__in=programmes_access.managed_programme_ids(user)
    ).values("institute_id")


def shared_beyond_applicant() -> Q:
    """An application is the applicant's alone until it is submitted: a draft is shown
    to no one else (line managers, programme managers, admins)."""
    return Q(submitted_at__isnull=False)


def applications_managed_by(user) -> QuerySet[Application]:
    """Submitted applications in the pipeline of the person's programmes."""
    if not accounts_access.is_active_person(user):
        return Application.objects.none()
    in_programme = Q(programme_id__in=programmes_access.managed_programme_ids(user))
    open_to_institute = Q(
        programme__isnull=True, host_institute_id__in=_managed_institute_ids(user)
    )
    return Application.objects.filter(in_programme | open_to_institute, shared_beyond_applicant())


def applications_visible_to(user) -> QuerySet[Application]:
    """Applicants see their own; line managers those naming them once submitted;
    programme managers the submitted applications in their programmes' pipeline."""
    if not accounts_access.is_active_person(user):
        return Application.objects.none()
    # Querysets OR-ed together: one WHERE clause, no subquery over every application.
    return Application.objects.filter(
        Q(applicant=user) | (Q(line_manager=user) & shared_beyond_applicant())
    ) | applications_managed_by(user)


def applications_in_admin(user, queryset: QuerySet[Application]) -> QuerySet[Application]:
    """What the Django admin may list of ``queryset`` for ``user`` before the institute
    scope: never a draft (the same rule as the portal's pages), save their own."""
    if not accounts_access.is_active_person(user):
        return queryset.none()
    return queryset.filter(shared_beyond_applicant() | Q(applicant=user))


def user_manages_application(*, user, application: Application) -> bool:
    """A manager of the application's programme or, for an open application, of a
    programme that includes the host institute."""
    if application.programme_id:
        return programmes_access.user_manages_programme(user=user, programme=application.programme)
    return Programme.objects.filter(
        pk__in=programmes_access.managed_programme_ids(user),
        institutes=application.host_institute_id,
    ).exists()


def application_managers(application: Application) -> QuerySet[User]:
    """The people who manage ``application`` by name (as ``user_manages_application``)."""
    if application.programme_id:
        return application.programme.managers.all()
    return User.objects.filter(
        managed_programmes__institutes=application.host_institute_id
    ).distinct()


def can_decide_as_host(*, user, application: Application) -> bool:
    """Accept, or return or decline once endorsed: a manager at the host institute."""
    return user_manages_application(user=user, application=application) and (
        user.is_superuser or user.institute_id == application.host_institute_id
    )


def is_line_manager(*, user, application: Application) -> bool:
    """The named line manager (never the applicant) endorses, returns or declines it."""
    return user.pk == application.line_manager_id and user.pk != application.applicant_id


# --- secondments -----------------------------------------------------------------------


def _party(user) -> Q:
    return Q(secondee=user) | Q(home_manager=user) | Q(host_supervisor=user)


def secondments_visible_to(user) -> QuerySet[Secondment]:
    """The secondee, home manager, host supervisor and the programme's managers."""
    if not accounts_access.is_active_person(user):
        return Secondment.objects.none()
    return Secondment.objects.filter(
        _party(user) | Q(programme_id__in=programmes_access.managed_programme_ids(user))
    )


def is_secondment_party(*, user, secondment: Secondment) -> bool:
    return user.pk in {
        secondment.secondee_id,
        secondment.home_manager_id,
        secondment.host_supervisor_id,
    }


def can_manage_secondment(*, user, secondment: Secondment) -> bool:
    """Parties other than the secondee, and the programme's managers."""
    return user.pk in {secondment.home_manager_id, secondment.host_supervisor_id} or (
        programmes_access.user_manages_programme(user=user, programme=secondment.programme)
    )


def can_work_on_checklist(*, user, secondment: Secondment) -> bool:
    """Every party, and the programme's managers."""
    return is_secondment_party(
        user=user, secondment=secondment
    ) or programmes_access.user_manages_programme(user=user, programme=secondment.programme)


def checklist_items_visible_to(user) -> QuerySet[ChecklistItem]:
    """Checklist items of the secondments the person sees."""
    return ChecklistItem.objects.filter(secondment__in=secondments_visible_to(user).values("pk"))


def _side_institute_id(secondment: Secondment, party: str):
    """The institute whose people own a checklist item: the secondee's items and the home
    institute's are the home side's; the host's are the host side's."""
    return secondment.host_institute_id if party == Party.HOST else secondment.home_institute_id


def _side_people(secondment: Secondment, party: str) -> set:
    """The parties who work on a side's items: the secondee's own items are also their
    line manager's to keep moving; the home and host items are the managers' alone."""
    if party == Party.SECONDEE:
        return {secondment.secondee_id, secondment.home_manager_id}
    if party == Party.HOME:
        return {secondment.home_manager_id}
    if party == Party.HOST:
        return {secondment.host_supervisor_id}
    return set()


def can_change_checklist_item(*, user, item: ChecklistItem) -> bool:
    """Only the item's owner side changes it: its named owner, the parties of that side
    (the secondee's items: the secondee and their line manager; the home institute's: the
    home manager; the host's: the host supervisor), and the programme's managers at that
    side's institute. Superusers may change any item. Everyone else on the secondment
    (``can_work_on_checklist``) may read it."""
    if not accounts_access.is_active_person(user):
        return False
    secondment = item.secondment
    if user.is_superuser:
        return True
    if user.pk == item.owner_id or user.pk in _side_people(secondment, item.owner_party) - {None}:
        return True
    return user.institute_id == _side_institute_id(
        secondment, item.owner_party
    ) and programmes_access.user_manages_programme(user=user, programme=secondment.programme)


# --- clearance recognitions ------------------------------------------------------------


def can_change_clearance_recognition(*, user, meets: str) -> bool:
    """The host decides what it recognises: an institute admin adds, changes or removes
    the recognitions of their own institute's scheme (``meets`` in it); superusers any.
    Every admin may read the whole table."""
    if not accounts_access.is_active_person(user):
        return False
    if user.is_superuser:
        return True
    institute = user.institute if user.institute_id else None
    return (
        accounts_access.user_is_institute_admin(user)
        and institute is not None
        and bool(meets)
        and scheme_of(meets) == institute.classification_scheme
    )


# --- reports ---------------------------------------------------------------------------


def may_see_exchange_reports(user) -> bool:
    """The exchange reports are for programme managers and institute admins (each with an
    institute), and superusers; everyone else is answered 404."""
    if not accounts_access.is_active_person(user):
        return False
    if user.is_superuser:
        return True
    return bool(user.institute_id) and (
        accounts_access.user_is_programme_manager(user)
        or accounts_access.user_is_institute_admin(user)
    )


def _report_scope(user, prefix: str = "") -> Q | None:
    """A manager's or an admin's reports cover the exchanges their institute hosts or
    sends (home or host institute); superusers every exchange; ``None``: nothing."""
    if not may_see_exchange_reports(user):
        return None
    if user.is_superuser:
        return Q()
    return Q(**{f"{prefix}home_institute_id": user.institute_id}) | Q(
        **{f"{prefix}host_institute_id": user.institute_id}
    )


def applications_in_reports(user) -> QuerySet[Application]:
    """Submitted applications (a draft is the applicant's alone) that the person's
    institute sends or hosts."""
    scope = _report_scope(user)
    if scope is None:
        return Application.objects.none()
    return Application.objects.filter(scope, shared_beyond_applicant())


def secondments_in_reports(user) -> QuerySet[Secondment]:
    """Secondments that the person's institute sends or hosts."""
    scope = _report_scope(user)
    if scope is None:
        return Secondment.objects.none()
    return Secondment.objects.filter(scope)


def checklist_items_in_reports(user) -> QuerySet[ChecklistItem]:
    """Checklist items of the secondments in the person's reports."""
    scope = _report_scope(user, prefix="secondment__")
    if scope is None:
        return ChecklistItem.objects.none()
    return ChecklistItem.objects.filter(scope)
