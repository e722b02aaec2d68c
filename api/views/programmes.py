"""Programmes, projects and milestones: read what you see; managers add and edit
milestones and move due dates; owners and managers change a milestone's status. Through
programmes' selectors, access rules, forms and services, as the pages."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import access as accounts_access
from programmes import access, selectors, services
from programmes.forms import DueDateChangeForm, MilestoneForm, MilestoneStatusForm
from programmes.models import Milestone, Programme, Project

from .. import filters
from .. import serializers as out
from ..inputs import bound_form, run_form
from .common import ReadViewSet, find


def _milestone_fields(*, adding: bool) -> dict:
    fields = {
        "title": serializers.CharField(required=adding),
        "description": serializers.CharField(required=False),
        "owner": serializers.IntegerField(
            required=adding, help_text="A member of the project (their user id)."
        ),
        "dependencies": serializers.ListField(
            child=serializers.IntegerField(),
            required=False,
            help_text="Ids of this project's milestones that must be done first.",
        ),
        "requires_partner_handover": serializers.BooleanField(required=False),
    }
    if adding:
        fields["due_date"] = serializers.DateField(help_text="Move it later through due-date/.")
    return fields


MILESTONE_IN = inline_serializer("MilestoneCreate", _milestone_fields(adding=True))
MILESTONE_PATCH = inline_serializer("MilestoneChange", _milestone_fields(adding=False))
STATUS_IN = inline_serializer(
    "MilestoneStatusInput",
    {"status": serializers.CharField(), "completed_on": serializers.DateField(required=False)},
)
DUE_DATE_IN = inline_serializer(
    "MilestoneDueDateInput",
    {"due_date": serializers.DateField(), "reason": serializers.CharField()},
)
ERRORS = {
    400: OpenApiResponse(description="Invalid input"),
    403: OpenApiResponse(),
    404: OpenApiResponse(),
}


def require_manager(user) -> None:
    """Manager pages are a 404 for anyone without the role, as ``manager_required``."""
    if not accounts_access.user_is_programme_manager(user):
        raise Http404


def _manages(*, user, milestone, known: dict | None = None) -> bool:
    """Asked of programmes.access once per programme (``known`` remembers the answers
    for one request's list)."""
    known = {} if known is None else known
    programme_id = milestone.project.programme_id
    if programme_id not in known:
        known[programme_id] = access.user_manages_programme(
            user=user, programme=milestone.project.programme
        )
    return known[programme_id]


def allowed_statuses(*, user, milestone, known: dict | None = None) -> list[str]:
    return services.milestone_allowed_statuses(
        user=user,
        milestone=milestone,
        manages=_manages(user=user, milestone=milestone, known=known),
    )


def milestone_actions(*, user, milestone, known: dict | None = None) -> list[str]:
    """``update`` and ``due_date`` for its programme's managers; ``status`` for whoever
    may move it (as the milestone page offers)."""
    known = {} if known is None else known
    manages = _manages(user=user, milestone=milestone, known=known)
    offered = ["update", "due_date"] if manages else []
    may_move = allowed_statuses(user=user, milestone=milestone, known=known)
    return offered + (["status"] if may_move else [])


class ProgrammeViewSet(ReadViewSet):
    """Programmes you manage, or in which you are a member of a project."""

    serializer_class = out.ProgrammeSerializer
    queryset = Programme.objects.none()

    def visible(self):
        return (
            access.programmes_visible_to(self.request.user)
            .prefetch_related("institutes")
            .order_by("name", "pk")
        )


class ProjectViewSet(ReadViewSet):
    """Projects you are a member of, and every project of the programmes you manage."""

    serializer_class = out.ProjectSerializer
    filterset_class = filters.ProjectFilter
    queryset = Project.objects.none()
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9-]+"

    def visible(self):
        return selectors.project_detail_queryset(self.request.user).order_by("code")

    @extend_schema(request=MILESTONE_IN, responses={201: out.MilestoneSerializer, **ERRORS})
    @action(detail=True, methods=["post"], filterset_class=None)
    def milestones(self, request, code=None):
        """Add a milestone to a project of a programme you manage."""
        require_manager(request.user)
        project = find(
            access.projects_managed_by(request.user).select_related("programme"), code=code
        )
        form = bound_form(lambda data: MilestoneForm(data, project=project), request)
        milestone = run_form(
            form,
            lambda data: services.milestone_create(actor=request.user, project=project, **data),
        )
        milestone = selectors.milestone_detail_queryset(request.user).get(pk=milestone.pk)
        context = {
            "request": request,
            "actions_for": lambda m: milestone_actions(user=request.user, milestone=m),
        }
        return Response(
            out.MilestoneSerializer(milestone, context=context).data,
            status=status.HTTP_201_CREATED,
        )


class MilestoneViewSet(mixins.UpdateModelMixin, ReadViewSet):
    """Milestones of your projects and of the programmes you manage. ``mine=true`` lists
    those you own. ``actions`` says what you may do: ``update`` and ``due_date``
    (managers), ``status`` (the owner and managers)."""

    serializer_class = out.MilestoneSerializer
    filterset_class = filters.MilestoneFilter
    queryset = Milestone.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def visible(self):
        return selectors.milestone_detail_queryset(self.request.user).order_by("due_date", "pk")

    def actions_for(self, milestone):
        known = self.__dict__.setdefault("_manages_programme", {})
        return milestone_actions(user=self.request.user, milestone=milestone, known=known)

    def _managed(self, pk):
        require_manager(self.request.user)
        return find(
            access.milestones_managed_by(self.request.user).select_related("project__programme"),
            pk=pk,
        )

    def _fresh(self, milestone):
        return self.show(self.visible().get(pk=milestone.pk))

    @extend_schema(request=MILESTONE_PATCH, responses={200: out.MilestoneSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        """Change a milestone's details (not its due date: see ``due_date``). Send only
        what changes; managers of its programme only."""
        milestone = self._managed(kwargs["pk"])
        form = bound_form(
            lambda data: MilestoneForm(
                data,
                project=milestone.project,
                milestone=milestone,
                initial=MilestoneForm.initial_for(milestone),
            ),
            request,
            partial=True,
        )
        run_form(
            form,
            lambda data: services.milestone_update(actor=request.user, milestone=milestone, **data),
        )
        return self._fresh(milestone)

    @extend_schema(request=STATUS_IN, responses={200: out.MilestoneSerializer, **ERRORS})
    @action(detail=True, methods=["post"], filterset_class=None)
    def status(self, request, pk=None):
        """Move the milestone to a new status: its owner (planned, in progress, done) or a
        programme manager (any allowed move). Done needs its handover gate satisfied."""
        milestone = self.record()
        allowed = allowed_statuses(user=request.user, milestone=milestone)
        if not allowed:
            raise Http404
        form = bound_form(lambda data: MilestoneStatusForm(data, allowed=allowed), request)
        run_form(
            form,
            lambda data: services.milestone_set_status(
                actor=request.user, milestone=milestone, **data
            ),
        )
        return self._fresh(milestone)

    @extend_schema(request=DUE_DATE_IN, responses={200: out.MilestoneSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="due-date", filterset_class=None)
    def due_date(self, request, pk=None):
        """Move the due date, with the reason; the baseline is kept. Managers only."""
        milestone = self._managed(pk)
        form = bound_form(lambda data: DueDateChangeForm(data), request)
        run_form(
            form,
            lambda data: services.milestone_change_due_date(
                actor=request.user, milestone=milestone, **data
            ),
        )
        return self._fresh(milestone)
