import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.models import Institute
from portal import bounds
from portal.forms import DateInput
from programmes.models import Programme

from .models import Application, ClearanceLevel, Direction, Opportunity


class OpportunityFilter(django_filters.FilterSet):
    team = django_filters.CharFilter(label="Team", lookup_expr="icontains")
    location = django_filters.CharFilter(label="Location", lookup_expr="icontains")
    duration = django_filters.NumberFilter(
        label="Duration you want (months)",
        method="filter_duration",
        min_value=1,
        max_value=60,
    )
    clearance = django_filters.ChoiceFilter(
        label="Clearance needed",
        field_name="required_clearance",
        choices=[("none", "None required"), *ClearanceLevel.choices],
        method="filter_clearance",
        empty_label="Any",
    )
    closing_after = django_filters.DateFilter(
        label="Closing on or after",
        field_name="closing_date",
        lookup_expr="gte",
        widget=DateInput(),
    )

    class Meta:
        model = Opportunity
        fields: list[str] = []

    def filter_duration(self, queryset, name, value):
        return queryset.filter(min_duration_months__lte=value, max_duration_months__gte=value)

    def filter_clearance(self, queryset, name, value):
        if value == "none":
            return queryset.filter(required_clearance="")
        return queryset.filter(required_clearance=value)


WAITING_CHOICES = [
    ("7", "More than 7 days"),
    ("14", "More than 14 days"),
    ("30", "More than 30 days"),
]


class ApplicationQueueFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[c for c in Application.Status.choices if c[0] != "draft"], empty_label="Any"
    )
    direction = django_filters.ChoiceFilter(choices=Direction.choices, empty_label="Any")
    institute = django_filters.ModelChoiceFilter(
        label="Institute (home or host)",
        queryset=Institute.objects.all(),
        method="filter_institute",
        empty_label="Any",
    )
    waiting = django_filters.ChoiceFilter(
        label="Waiting in this state",
        choices=WAITING_CHOICES,
        method="filter_waiting",
        empty_label="Any time",
    )

    class Meta:
        model = Application
        fields: list[str] = []

    def filter_institute(self, queryset, name, value):
        return queryset.filter(Q(home_institute=value) | Q(host_institute=value))

    def filter_waiting(self, queryset, name, value):
        cutoff = timezone.now() - datetime.timedelta(days=int(value))
        return queryset.filter(status_changed_at__lt=cutoff)


class ReportFilterForm(forms.Form):
    """The reports' filters, read from the address (GET): a year, a programme, a
    direction. Bounded: a year the portal could hold, a programme the person's institute
    takes part in, one of the two directions."""

    year = forms.IntegerField(
        label="Year",
        help_text="For example, 2027. Leave blank for every year.",
        required=False,
        min_value=bounds.EARLIEST_DATE.year,
        max_value=bounds.STORED_LATEST_DATE.year,
        error_messages={
            "invalid": "Enter the year as a number, for example 2027",
            "min_value": "Enter a year from %(limit_value)s",
            "max_value": "Enter a year up to %(limit_value)s",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
    )
    programme = forms.ModelChoiceField(
        label="Programme",
        queryset=Programme.objects.none(),
        required=False,
        empty_label="All programmes",
        error_messages={"invalid_choice": "Choose a programme from the list"},
    )
    direction = forms.ChoiceField(
        label="Direction",
        choices=[("", "Both directions"), *Direction.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a direction from the list"},
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
