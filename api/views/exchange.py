"""Opportunities, applications (and the decisions the person may take), secondments and
their checklists. Reads through exchange's selectors and access rules; writes through
the same forms and services as the pages, with the same refusals."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from exchange import access, selectors, services
from exchange.forms import (
    AcceptForm,
    ChecklistItemForm,
    DateChangeForm,
    EndEarlyForm,
    ReasonForm,
    SupervisorForm,
)
from exchange.models import Application, ChecklistItem, Opportunity, Secondment
from exchange.views.applications import APPLICATION_ACTIONS
from exchange.views.secondments import SECONDMENT_STEPS

from .. import filters
from .. import serializers as out
from ..inputs import bound_form, json_object, run_form
from .common import ReadViewSet, find

REASON = inline_serializer("Reason", {"reason": serializers.CharField(required=False)})
ACCEPT = inline_serializer(
    "Accept",
    {
        "host_supervisor": serializers.IntegerField(required=False),
        "programme": serializers.IntegerField(required=False),
        "title": serializers.CharField(required=False),
        "arrangement": serializers.CharField(),
        "reason": serializers.CharField(required=False),
        "override_reason": serializers.CharField(
            required=False,
            help_text="Needed when accepting takes an agreed exchange quota over: why go ahead.",
        ),
    },
)
CHECKLIST_CHANGE = inline_serializer(
    "ChecklistItemChange",
    {
        "status": serializers.CharField(required=False),
        "notes": serializers.CharField(required=False),
    },
)
DATES = inline_serializer(
    "SecondmentDates",
    {
        "start_date": serializers.DateField(),
        "end_date": serializers.DateField(),
        "reason": serializers.CharField(),
    },
)
END_EARLY = inline_serializer(
    "SecondmentEndEarly",
    {"end_date": serializers.DateField(), "reason": serializers.CharField()},
)
SUPERVISOR = inline_serializer(
    "SecondmentSupervisor",
    {"host_supervisor": serializers.IntegerField(help_text="Their user id.")},
)
ERRORS = {
    400: OpenApiResponse(description="Invalid input"),
    403: OpenApiResponse(),
    404: OpenApiResponse(),
}


class OpportunityViewSet(ReadViewSet):
    """Open opportunities at partner institutes, and those in programmes you manage."""

    serializer_class = out.OpportunitySerializer
    filterset_class = filters.OpportunityFilter
    queryset = Opportunity.objects.none()

    def visible(self):
        return access.opportunities_visible_to(self.request.user).order_by("closing_date", "pk")


class ApplicationViewSet(ReadViewSet):
    """Your applications, those naming you as line manager, and those in your
    programmes' pipeline. ``actions`` lists what you may do to each."""

    serializer_class = out.ApplicationSerializer
    filterset_class = filters.ApplicationFilter
    queryset = Application.objects.none()

    def visible(self):
        # The secondment decides whether an accepted application may still be withdrawn.
        return (
            selectors.application_detail_queryset(self.request.user)
            .select_related("secondment")
            .order_by("-status_changed_at", "-pk")
        )

    def actions_for(self, application):
        return selectors.application_actions_for(user=self.request.user, application=application)

    def _after(self, application):
        return self.show(self.visible().get(pk=application.pk))

    @extend_schema(request=None, responses={200: out.ApplicationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit your draft or returned application to your line manager."""
        application = find(selectors.application_list_mine(request.user), pk=pk)
        json_object(request)
        services.application_submit(application=application, actor=request.user)
        return self._after(application)

    def _decide(self, request, pk, name):
        application = self.record()
        service, _heading, label, required, _success = APPLICATION_ACTIONS[name]
        form = bound_form(lambda data: ReasonForm(data, label=label, required=required), request)
        run_form(form, lambda data: service(application=application, actor=request.user, **data))
        return self._after(application)

    @extend_schema(request=REASON, responses={200: out.ApplicationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def endorse(self, request, pk=None):
        """As the named line manager, endorse a submitted application (reason optional)."""
        return self._decide(request, pk, "endorse")

    @extend_schema(request=REASON, responses={200: out.ApplicationSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_changes(self, request, pk=None):
        """Return an application to the applicant for changes (reason required)."""
        return self._decide(request, pk, "return")

    @extend_schema(request=REASON, responses={200: out.ApplicationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline an application (reason required)."""
        return self._decide(request, pk, "decline")

    @extend_schema(request=REASON, responses={200: out.ApplicationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw your own application (reason optional)."""
        return self._decide(request, pk, "withdraw")

    @extend_schema(request=ACCEPT, responses={200: out.ApplicationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """As a manager at the host institute, accept an endorsed application; its
        secondment is set up with a checklist."""
        application = self.record()
        if "accept" not in self.actions_for(application):
            raise PermissionDenied("You cannot accept this application now.")
        form = bound_form(
            lambda data: AcceptForm(data, application=application, manager=request.user), request
        )
        run_form(
            form,
            lambda data: services.application_accept(
                application=application, actor=request.user, **data
            ),
        )
        return self._after(application)


class SecondmentViewSet(ReadViewSet):
    """Secondments where you are the secondee, home manager or host supervisor, or in
    programmes you manage."""

    serializer_class = out.SecondmentSerializer
    filterset_class = filters.SecondmentFilter
    queryset = Secondment.objects.none()

    def visible(self):
        return selectors.secondment_list_for_page(self.request.user).order_by("start_date", "pk")

    def actions_for(self, secondment):
        return selectors.secondment_actions_for(user=self.request.user, secondment=secondment)

    def _step(self, request, name):
        secondment = self.record()
        json_object(request)
        service, _success = SECONDMENT_STEPS[name]
        service(secondment=secondment, actor=request.user)
        return self.show(self.visible().get(pk=secondment.pk))

    @extend_schema(request=None, responses={200: out.SecondmentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def ready(self, request, pk=None):
        """Mark the secondment ready (its mandatory checklist items are closed)."""
        return self._step(request, "ready")

    @extend_schema(request=None, responses={200: out.SecondmentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Start a ready secondment."""
        return self._step(request, "start")

    @extend_schema(request=None, responses={200: out.SecondmentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Complete an active secondment."""
        return self._step(request, "complete")

    def _offered(self, name):
        """The secondment, if this action is offered to the person (404 otherwise, as
        the action's page)."""
        secondment = self.record()
        if name not in self.actions_for(secondment):
            raise Http404
        return secondment

    def _with_form(self, request, name, make, service):
        secondment = self._offered(name)
        form = bound_form(lambda data: make(data, secondment), request)
        run_form(form, lambda data: service(secondment=secondment, actor=request.user, **data))
        return self.show(self.visible().get(pk=secondment.pk))

    @extend_schema(request=DATES, responses={200: out.SecondmentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def dates(self, request, pk=None):
        """Change the start and end dates, with the reason; the checklist is re-dated."""
        return self._with_form(
            request,
            "dates",
            lambda data, _s: DateChangeForm(data),
            services.secondment_change_dates,
        )

    @extend_schema(request=END_EARLY, responses={200: out.SecondmentSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="end-early")
    def end_early(self, request, pk=None):
        """End an active secondment early: its last day and why."""
        return self._with_form(
            request, "end_early", lambda data, _s: EndEarlyForm(data), services.secondment_end_early
        )

    @extend_schema(request=REASON, responses={200: out.SecondmentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a secondment before it starts (reason required)."""
        return self._with_form(
            request,
            "cancel",
            lambda data, _s: ReasonForm(
                data, label="Why is the secondment cancelled?", required=True
            ),
            services.secondment_cancel,
        )

    @extend_schema(request=SUPERVISOR, responses={200: out.SecondmentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def supervisor(self, request, pk=None):
        """Name the host supervisor (a programme manager; someone at the host institute)."""
        return self._with_form(
            request,
            "supervisor",
            lambda data, secondment: SupervisorForm(data, secondment=secondment),
            services.secondment_set_host_supervisor,
        )

    @extend_schema(responses={200: out.ChecklistItemSerializer(many=True), 404: OpenApiResponse()})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def checklist(self, request, pk=None):
        """The secondment's checklist, in order."""
        secondment = self.record()
        items = selectors.checklist_for(secondment)
        return Response(out.ChecklistItemSerializer(items, many=True).data)

    @extend_schema(request=CHECKLIST_CHANGE, responses={200: out.ChecklistItemSerializer, **ERRORS})
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"checklist/(?P<item_pk>[0-9]+)",
        filterset_class=None,
    )
    def checklist_item(self, request, pk=None, item_pk=None):
        """Change a checklist item: its status, notes and the facts its kind records
        (the fields its page shows). Send only what changes."""
        secondment = self.record()
        item = find(
            ChecklistItem.objects.select_related("secondment", "owner"),
            secondment=secondment,
            pk=item_pk,
        )
        item.secondment = secondment
        if secondment.status not in Secondment.LIVE:
            raise PermissionDenied(
                f"This secondment is {secondment.get_status_display().lower()}: its checklist "
                "can no longer be changed."
            )
        form = bound_form(
            lambda data: ChecklistItemForm(data, instance=item), request, partial=True
        )

        @transaction.atomic
        def update(data):
            data.pop("evidence_upload", None)
            return services.checklist_item_update(item=item, actor=request.user, **data)

        saved = run_form(form, update)
        return Response(out.ChecklistItemSerializer(saved).data)
