"""The change history of records (django-simple-history) for the audit export.

Every model with a history is found through Django's app registry, and each admin sees
the history of exactly the records its model's admin shows them (the same scoping as the
changelist), so the export never reaches further than the admin pages do. The history of
a record since deleted is in a superuser's export only.
"""

import csv
import datetime
import json
from collections.abc import Iterator

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.core.serializers.json import DjangoJSONEncoder

from .exports import _Echo, csv_safe

HEADERS = [
    "When (UTC)",
    "Record type",
    "Record id",
    "Change",
    "Who",
    "Reason",
    "Values after the change",
]


def tracked_models() -> list:
    """(model, historical model) for every model with a history, by label."""
    found = []
    for model in apps.get_models():
        attribute = getattr(model._meta, "simple_history_manager_attribute", None)
        if attribute:
            found.append((model, getattr(model, attribute).model))
    return sorted(found, key=lambda pair: pair[0]._meta.label_lower)


def history_visible(request, *, begin, finish):
    """Each tracked model's history rows between the instants that ``request.user`` may
    see: (model, queryset) pairs."""
    for model, history in tracked_models():
        rows = history.objects.filter(history_date__gte=begin, history_date__lt=finish)
        if not request.user.is_superuser:
            try:
                model_admin = admin.site.get_model_admin(model)
            except NotRegistered:
                continue
            if not model_admin.has_view_permission(request):
                continue
            visible = model_admin.get_queryset(request).values("pk")
            rows = rows.filter(**{f"{model._meta.pk.attname}__in": visible})
        yield model, rows.select_related("history_user").order_by("history_date", "pk")


def _values(row, model) -> str:
    values = {
        field.attname: getattr(row, field.attname, None)
        for field in model._meta.concrete_fields
        if hasattr(row, field.attname)
    }
    return json.dumps(values, cls=DjangoJSONEncoder, sort_keys=True, default=str)


CHANGE = {"+": "Added", "~": "Changed", "-": "Deleted"}


def csv_stream(request, *, begin, finish) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(HEADERS)
    for model, rows in history_visible(request, begin=begin, finish=finish):
        label = model._meta.label_lower
        for row in rows.iterator(chunk_size=2000):
            cells = [
                row.history_date.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                label,
                getattr(row, model._meta.pk.attname),
                CHANGE.get(row.history_type, row.history_type),
                row.history_user.email if row.history_user_id else "",
                row.history_change_reason or "",
                _values(row, model),
            ]
            yield writer.writerow([csv_safe(cell) for cell in cells])
