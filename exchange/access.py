"""Who may see and act on exchange records. Decided here only.

Applicants see their own applications; line managers those naming them once submitted;
the programme's managers (see ``programmes.access``) the submitted applications in their
programmes, and, for open applications, those to an institute of a programme they
manage. A secondment is seen by its secondee, home manager, host supervisor and the
programme's managers. Views, selectors, services, reminders and the handover app's
links all ask here.

Acting delegates (``Delegation``): while a delegation is in force, its delegate takes the
delegator's decisions of its kind (a line manager's endorsement, return or decline; a
host programme manager's acceptance, return or decline), sees those applications and is
reminded of them. The delegator keeps their own rights. Rights never pass on: a delegate
acts only on the delegator's own rights, never on rights the delegator holds as someone
else's delegate.
"""

import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts import access as accounts_access
from accounts.clock import today_for
from accounts.models import Institute, Role, User
from programmes import access as programmes_access
from programmes.models import Programme

from .models import (
    Application,
    ChecklistItem,
    Delegation,
    Opportunity,
    Party,
    Secondment,
    scheme_of,
)

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


# --- acting delegates ------------------------------------------------------------------

LINE = Delegation.Kind.LINE_MANAGER
HOST = Delegation.Kind.HOST_MANAGER


def delegation_in_force(*, on: datetime.date, prefix: str = "") -> Q:
    """Delegations in force on the day ``on``: from their first to their last day, not
    revoked, and both people still active at the same institute. ``prefix`` reaches them
    through a relation (the reminder rules go from an application to its line manager's
    delegations)."""
    return Q(
        **{
            f"{prefix}start__lte": on,
            f"{prefix}end__gte": on,
            f"{prefix}revoked_at__isnull": True,
            f"{prefix}delegate__is_active": True,
            f"{prefix}delegator__is_active": True,
            f"{prefix}delegate__institute": models.F(f"{prefix}delegator__institute"),
        }
    )


def acting_delegates_path(*, role_path: str, kind: str, on: datetime.date) -> tuple[str, Q]:
    """For the reminder rules, set-based: the path from an application to the acting
    delegates (of ``kind``, in force on ``on``) of the people at ``role_path``, and the
    condition that selects them (never the applicant)."""
    prefix = f"{role_path}__exchange_delegations_given__"
    condition = (
        delegation_in_force(on=on, prefix=prefix)
        & Q(**{f"{prefix}kind": kind})
        & ~Q(applicant=models.F(f"{prefix}delegate"))
    )
    return f"{prefix}delegate", condition


def delegations_in_force(*, on: datetime.date) -> QuerySet[Delegation]:
    return Delegation.objects.filter(delegation_in_force(on=on))


def acting_for_ids(user, kind: str) -> QuerySet:
    """The ids of the people ``user`` acts for today in decisions of ``kind``, as a
    subquery."""
    if not accounts_access.is_active_person(user):
        return Delegation.objects.none().values("delegator_id")
    return (
        delegations_in_force(on=today_for(user))
        .filter(delegate=user, kind=kind)
        .values("delegator_id")
    )


def acting_delegates_of(people_ids, kind: str, *, on: datetime.date) -> QuerySet[User]:
    """The acting delegates on ``on`` of any of ``people_ids`` for decisions of ``kind``:
    they are told and reminded of the decisions waiting on those people."""
    return User.objects.filter(
        pk__in=delegations_in_force(on=on)
        .filter(delegator_id__in=people_ids, kind=kind)
        .values("delegate_id")
    )


def may_name_line_delegate(user) -> bool:
    """Anyone who makes line-manager decisions here: a programme manager, or a person
    named as line manager on an application or as home manager of a secondment."""
    if not accounts_access.is_active_person(user) or not user.institute_id:
        return False
    return (
        accounts_access.user_is_programme_manager(user)
        or Application.objects.filter(line_manager=user).exists()
        or Secondment.objects.filter(home_manager=user).exists()
    )


def may_name_host_delegate(user) -> bool:
    """A programme manager (of at least one programme) at an institute."""
    return (
        accounts_access.is_active_person(user)
        and bool(user.institute_id)
        and accounts_access.user_is_programme_manager(user)
        and programmes_access.programmes_managed_by(user).exists()
    )


def delegation_kinds_for(user) -> list[str]:
    """The kinds of decisions ``user`` may hand to an acting delegate."""
    kinds = []
    if may_name_line_delegate(user):
        kinds.append(LINE)
    if may_name_host_delegate(user):
        kinds.append(HOST)
    return kinds


def eligible_delegates(*, delegator, kind: str) -> QuerySet[User]:
    """Who may act for ``delegator``: an active colleague at the same institute, never
    the delegator; for line-manager decisions someone who manages people here (as
    ``may_name_line_delegate``), for host decisions another programme manager."""
    if not accounts_access.is_active_person(delegator) or not delegator.institute_id:
        return User.objects.none()
    people = User.objects.filter(institute_id=delegator.institute_id, is_active=True).exclude(
        pk=delegator.pk
    )
    managers = Q(groups__name=Role.PROGRAMME_MANAGER.value)
    if kind == HOST:
        return people.filter(managers).distinct()
    if kind == LINE:
        return people.filter(
            managers
            | Q(pk__in=Application.objects.values("line_manager_id"))
            | Q(pk__in=Secondment.objects.values("home_manager_id"))
        ).distinct()
    return User.objects.none()


def delegations_visible_to(user) -> QuerySet[Delegation]:
    """The delegations a person gave and those naming them as delegate."""
    if not accounts_access.is_active_person(user):
        return Delegation.objects.none()
    return Delegation.objects.filter(Q(delegator=user) | Q(delegate=user))


def can_end_delegation(*, user, delegation: Delegation) -> bool:
    """The delegator ends their own delegation early (admins do in the admin)."""
    return accounts_access.is_active_person(user) and delegation.delegator_id == user.pk


def can_manage_delegation_in_admin(*, user, delegation: Delegation) -> bool:
    """An institute admin of the delegator's institute (or a superuser) ends or reads a
    delegation in the admin."""
    if not (accounts_access.is_active_person(user) and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return (
        accounts_access.user_is_institute_admin(user)
        and bool(user.institute_id)
        and user.institute_id == delegation.delegator.institute_id
    )


def can_reassign_decision(*, user, application: Application) -> bool:
    """An institute admin of the applicant's (home) institute, or a superuser, moves a
    waiting line-manager decision to someone else; never on their own application."""
    if not (accounts_access.is_active_person(user) and user.is_staff):
        return False
    if user.pk == application.applicant_id:
        return False
    if user.is_superuser:
        return True
    return (
        accounts_access.user_is_institute_admin(user)
        and bool(user.institute_id)
        and user.institute_id == application.home_institute_id
    )


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


def applications_acting_on(user) -> QuerySet[Application]:
    """Submitted applications waiting on, or once waiting on, the people ``user`` acts
    for today: naming them as line manager, or in their programmes' pipeline."""
    if not accounts_access.is_active_person(user):
        return Application.objects.none()
    host_for = acting_for_ids(user, HOST)
    programmes = Programme.managers.through.objects.filter(user_id__in=host_for).values(
        "programme_id"
    )
    institutes = Programme.institutes.through.objects.filter(programme_id__in=programmes).values(
        "institute_id"
    )
    return Application.objects.filter(
        Q(line_manager_id__in=acting_for_ids(user, LINE))
        | Q(programme_id__in=programmes)
        | Q(programme__isnull=True, host_institute_id__in=institutes),
        shared_beyond_applicant(),
    )


def applications_visible_to(user) -> QuerySet[Application]:
    """Applicants see their own; line managers those naming them once submitted;
    programme managers the submitted applications in their programmes' pipeline; acting
    delegates what the people they act for see as line manager or manager."""
    if not accounts_access.is_active_person(user):
        return Application.objects.none()
    # Querysets OR-ed together: one WHERE clause, no subquery over every application.
    return (
        Application.objects.filter(
            Q(applicant=user) | (Q(line_manager=user) & shared_beyond_applicant())
        )
        | applications_managed_by(user)
        | applications_acting_on(user)
    )


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


def acting_line_manager_for(*, user, application: Application) -> User | None:
    """The named line manager, when ``user`` is their acting delegate today (never the
    applicant acting on their own application)."""
    if (
        not accounts_access.is_active_person(user)
        or application.line_manager_id is None
        or user.pk in (application.line_manager_id, application.applicant_id)
    ):
        return None
    acting = (
        delegations_in_force(on=today_for(user))
        .filter(delegate=user, delegator_id=application.line_manager_id, kind=LINE)
        .exists()
    )
    return application.line_manager if acting else None


def acting_host_manager_for(*, user, application: Application) -> User | None:
    """A host programme manager ``user`` acts for today who could decide ``application``
    themselves (the first by name), if any. Never the applicant."""
    if not accounts_access.is_active_person(user) or user.pk == application.applicant_id:
        return None
    if user.institute_id != application.host_institute_id:
        return None
    # A superuser's rights over every programme never pass to a delegate.
    people = User.objects.filter(pk__in=acting_for_ids(user, HOST), is_superuser=False).order_by(
        "full_name", "pk"
    )
    for person in people:
        if can_decide_as_host(user=person, application=application):
            return person
    return None


def may_decide_as_line_manager(*, user, application: Application) -> bool:
    """The named line manager, or their acting delegate."""
    return is_line_manager(user=user, application=application) or (
        acting_line_manager_for(user=user, application=application) is not None
    )


def may_decide_as_host(*, user, application: Application) -> bool:
    """A host programme manager, or the acting delegate of one."""
    return can_decide_as_host(user=user, application=application) or (
        acting_host_manager_for(user=user, application=application) is not None
    )


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
