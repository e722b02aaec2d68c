"""The list endpoints' filters (query parameters). They narrow what the person may see;
they never widen it: every list starts from the apps' selectors."""

import django_filters
from django.db.models import Q

from exchange.models import Application, Opportunity, Secondment
from handover.models import Document, Handover, HandoverStatus
from programmes.models import Milestone, MilestoneStatus, Project, ProjectStatus, Rag


class OpportunityFilter(django_filters.FilterSet):
    host_institute = django_filters.CharFilter(
        field_name="host_institute__code", help_text="Host institute's short code."
    )
    status = django_filters.ChoiceFilter(choices=Opportunity.Status.choices)
    closing_after = django_filters.DateFilter(field_name="closing_date", lookup_expr="gte")

    class Meta:
        model = Opportunity
        fields: list[str] = []


ROLE_CHOICES = [
    ("applicant", "Mine, as the applicant"),
    ("line_manager", "Naming me as line manager"),
    ("manager", "In the programmes I manage"),
]


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Application.Status.choices)
    role = django_filters.ChoiceFilter(
        choices=ROLE_CHOICES, method="filter_role", help_text="Which of your applications."
    )

    class Meta:
        model = Application
        fields: list[str] = []

    def filter_role(self, queryset, name, value):
        user = self.request.user
        if value == "applicant":
            return queryset.filter(applicant=user)
        if value == "line_manager":
            return queryset.filter(line_manager=user).exclude(applicant=user)
        return queryset.exclude(Q(applicant=user) | Q(line_manager=user))


class SecondmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Secondment.Status.choices)

    class Meta:
        model = Secondment
        fields: list[str] = []


class ProjectFilter(django_filters.FilterSet):
    programme = django_filters.NumberFilter(field_name="programme_id")
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices)

    class Meta:
        model = Project
        fields: list[str] = []


class MilestoneFilter(django_filters.FilterSet):
    programme = django_filters.NumberFilter(field_name="project__programme_id")
    project = django_filters.CharFilter(field_name="project__code", help_text="Project code.")
    status = django_filters.ChoiceFilter(choices=MilestoneStatus.choices)
    rag = django_filters.ChoiceFilter(choices=Rag.choices)
    mine = django_filters.BooleanFilter(
        method="filter_mine", help_text="true: only the milestones you own."
    )
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = Milestone
        fields: list[str] = []

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        owned = Q(owner=self.request.user)
        return queryset.filter(owned) if value else queryset.exclude(owned)


class DocumentFilter(django_filters.FilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains")
    classification = django_filters.CharFilter()
    owner_institute = django_filters.CharFilter(field_name="owner_institute__code")

    class Meta:
        model = Document
        fields: list[str] = []


class HandoverFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=HandoverStatus.choices)
    direction = django_filters.ChoiceFilter(
        choices=[("sent", "Sent by me"), ("received", "Sent to me")], method="filter_direction"
    )

    class Meta:
        model = Handover
        fields: list[str] = []

    def filter_direction(self, queryset, name, value):
        if value == "sent":
            return queryset.filter(sender=self.request.user)
        return queryset.filter(recipients=self.request.user)
