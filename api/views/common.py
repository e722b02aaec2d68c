"""What every API endpoint shares: JSON in, JSON out, tokens, the person's own view."""

from django.shortcuts import get_object_or_404
from rest_framework import mixins, viewsets
from rest_framework.response import Response


class ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A list and a detail, both from the app's selector for the signed-in person
    (``visible``), so a record they may not see is a 404."""

    lookup_value_regex = r"[0-9]+"

    def visible(self):
        raise NotImplementedError

    def get_queryset(self):
        return self.visible()

    def actions_for(self, obj) -> list[str]:
        return []

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.user.is_authenticated:
            context["actions_for"] = self.actions_for
        return context

    def get_object(self):
        """The record named in the URL, from what the person may see (404 otherwise).
        List filters in the query string do not apply to it."""
        lookup = self.lookup_url_kwarg or self.lookup_field
        obj = get_object_or_404(self.get_queryset(), **{self.lookup_field: self.kwargs[lookup]})
        self.check_object_permissions(self.request, obj)
        return obj

    def record(self):
        return self.get_object()

    def show(self, obj, *, status=200):
        return Response(self.get_serializer(obj).data, status=status)


def find(queryset, **lookup):
    return get_object_or_404(queryset, **lookup)
