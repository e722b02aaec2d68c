import django_filters

from . import markings
from .models import Document

HELD_CHOICES = [("ours", "Held by my institute"), ("received", "Handed over to me")]


class DocumentFilter(django_filters.FilterSet):
    title = django_filters.CharFilter(label="Title contains", lookup_expr="icontains")
    classification = django_filters.ChoiceFilter(
        label="Classification",
        choices=[
            (c, c) for c in dict.fromkeys(markings.UK_CLASSIFICATIONS + markings.AU_CLASSIFICATIONS)
        ],
        empty_label="Any",
    )
    held = django_filters.ChoiceFilter(
        label="Held by", choices=HELD_CHOICES, method="filter_held", empty_label="Anyone"
    )

    class Meta:
        model = Document
        fields: list[str] = []

    def filter_held(self, queryset, name, value):
        institute_id = getattr(self.request.user, "institute_id", None)
        if value == "ours":
            return queryset.filter(owner_institute_id=institute_id)
        return queryset.exclude(owner_institute_id=institute_id)
