"""Documents and handovers: metadata, downloads and acknowledgement.

Files leave through ``portal.downloads.attachment_response`` after the same access
checks and the same recorded download (custody included) as the pages."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from handover import access, selectors, services
from handover.downloads import version_attachment
from handover.forms import AccessEndForm, QueryForm, RevokeAccessForm, WithdrawForm
from handover.models import AccessAction, Document, Handover

from .. import filters
from .. import serializers as out
from ..inputs import bound_form, json_object, run_form
from .common import ReadViewSet, find

REASON = inline_serializer("HandoverReason", {"reason": serializers.CharField()})
ACCESS_END = inline_serializer("HandoverAccessEnd", {"access_ends_on": serializers.DateField()})
ERRORS = {400: OpenApiResponse(), 403: OpenApiResponse(), 404: OpenApiResponse()}
FILE = {
    (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
    404: OpenApiResponse(),
}


class DocumentViewSet(ReadViewSet):
    """Documents of your institute, and those handed over to you, that their
    releasability admits you to. The detail lists the versions you may download."""

    filterset_class = filters.DocumentFilter
    queryset = Document.objects.none()

    def get_serializer_class(self):
        return out.DocumentDetailSerializer if self.action == "retrieve" else out.DocumentSerializer

    def visible(self):
        if self.action == "list":
            return selectors.document_list_for_page(self.request.user)
        return access.documents_visible_to(self.request.user).select_related("owner_institute")

    def retrieve(self, request, *args, **kwargs):
        document = self.record()
        versions = list(selectors.document_versions_for(user=request.user, document=document))
        if versions:
            # Opening the document is recorded, as on its page.
            services.access_record(user=request.user, version=versions[0], action=AccessAction.VIEW)
        context = {**self.get_serializer_context(), "versions": versions}
        return Response(out.DocumentDetailSerializer(document, context=context).data)

    @extend_schema(responses=FILE)
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[0-9]+)/download",
        filterset_class=None,
        pagination_class=None,
    )
    def download(self, request, pk=None, number=None):
        """Download one version's file (recorded, as a download from the page)."""
        version = find(
            access.versions_visible_to(request.user).select_related("document"),
            document_id=pk,
            number=number,
        )
        if version.file_removed_at:
            return _file_removed(version)
        services.version_download(version=version, user=request.user)
        return version_attachment(request, version, prefix=f"DOC-{version.document_id}")


def _file_removed(version) -> Response:
    """410 Gone: the retention schedule deleted the file (its facts stay)."""
    return Response(
        {
            "detail": "This file was deleted under the portal's retention schedule. Its "
            "name, size and SHA-256 checksum are still recorded.",
            "code": "file_removed",
        },
        status=410,
    )


class HandoverViewSet(ReadViewSet):
    """Handovers you sent, and those sent to you. ``actions`` says what you may do."""

    serializer_class = out.HandoverSerializer
    filterset_class = filters.HandoverFilter
    queryset = Handover.objects.none()
    lookup_field = "reference"
    lookup_value_regex = r"HO-\d{4}-\d{4,}"

    def visible(self):
        return selectors.handover_detail_queryset(self.request.user).order_by("-created_at", "-pk")

    def actions_for(self, handover):
        return access.handover_actions_for(user=self.request.user, handover=handover)

    @extend_schema(
        request=None,
        responses={200: out.HandoverSerializer, 400: OpenApiResponse(), 404: OpenApiResponse()},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def acknowledge(self, request, reference=None):
        """Acknowledge receipt: every file is checked against its SHA-256 first, as on
        the page. Recipients only."""
        handover = self.record()
        if not access.is_handover_recipient(user=request.user, handover=handover):
            raise Http404
        json_object(request)
        services.handover_acknowledge(handover=handover, user=request.user)
        return self.show(self.visible().get(pk=handover.pk))

    def _as_sender(self, request, run):
        handover = self.record()
        if not access.is_handover_sender(user=request.user, handover=handover):
            raise Http404
        run(handover)
        return self.show(self.visible().get(pk=handover.pk))

    @extend_schema(request=None, responses={200: out.HandoverSerializer, **ERRORS})
    @action(detail=True, methods=["post"], filterset_class=None)
    def send(self, request, reference=None):
        """Send your draft handover to its recipients. The sender only."""

        def send(handover):
            json_object(request)
            services.handover_send(handover=handover, user=request.user)

        return self._as_sender(request, send)

    @extend_schema(request=REASON, responses={200: out.HandoverSerializer, **ERRORS})
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, reference=None):
        """Withdraw a handover you sent (reason optional); its recipients lose access to
        what was in it. The sender only."""
        return self._as_sender(
            request,
            lambda handover: run_form(
                bound_form(WithdrawForm, request),
                lambda data: services.handover_withdraw(
                    handover=handover, user=request.user, **data
                ),
            ),
        )

    @extend_schema(request=ACCESS_END, responses={200: out.HandoverSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="access-end", filterset_class=None)
    def set_access_end(self, request, reference=None):
        """The last day recipients can download its files (ISO date). The sender only."""
        return self._as_sender(
            request,
            lambda handover: run_form(
                bound_form(AccessEndForm, request),
                lambda data: services.handover_access_end_set(
                    handover=handover, user=request.user, **data
                ),
            ),
        )

    @extend_schema(request=REASON, responses={200: out.HandoverSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="revoke-access", filterset_class=None)
    def revoke_access(self, request, reference=None):
        """Recipients can no longer download its files, even after acknowledgement
        (reason required). The sender only."""
        return self._as_sender(
            request,
            lambda handover: run_form(
                bound_form(RevokeAccessForm, request),
                lambda data: services.handover_access_revoke(
                    handover=handover, user=request.user, **data
                ),
            ),
        )

    @extend_schema(request=REASON, responses={200: out.HandoverSerializer, **ERRORS})
    @action(detail=True, methods=["post"], filterset_class=None)
    def query(self, request, reference=None):
        """Tell the sender what is wrong or missing (reason required). Recipients only."""
        handover = self.record()
        if not access.is_handover_recipient(user=request.user, handover=handover):
            raise Http404
        form = bound_form(QueryForm, request)
        run_form(
            form,
            lambda data: services.handover_query(handover=handover, user=request.user, **data),
        )
        return self.show(self.visible().get(pk=handover.pk))

    @extend_schema(responses=FILE)
    @action(
        detail=True,
        methods=["get"],
        url_path=r"items/(?P<item_id>[0-9]+)/download",
        filterset_class=None,
        pagination_class=None,
    )
    def download(self, request, reference=None, item_id=None):
        """Download one item's file (recorded in the handover's custody, as on the page)."""
        handover = self.record()
        if not access.may_download_from_handover(user=request.user, handover=handover):
            raise Http404
        item = next((i for i in handover.items.all() if i.pk == int(item_id)), None)
        if item is None or not access.can_open_document(request.user, item.version.document):
            raise Http404
        if item.version.file_removed_at:
            return _file_removed(item.version)
        services.handover_item_download(handover=handover, item=item, user=request.user)
        return version_attachment(request, item.version, prefix=handover.reference)
