"""What the API shows of each record: the facts its page shows, no more.

Serializers only read; input goes through the apps' forms (``inputs.py``). People are
shown by id and name, institutes by short code.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exchange.models import Application, ChecklistItem, Opportunity, Secondment
from handover import access as handover_access
from handover.models import Document, DocumentVersion, Handover, HandoverItem
from programmes.models import Deliverable, Milestone, Programme, Project

from .models import PersonalAccessToken


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


def person(**kwargs):
    return PersonSerializer(read_only=True, **kwargs)


def institute_code(source: str):
    return serializers.CharField(source=f"{source}.code", read_only=True, default=None)


class ActionsMixin(serializers.Serializer):
    """``actions``: what this person may do to the record now (as its page offers)."""

    actions = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, obj):
        offered = self.context.get("actions_for")
        return sorted(offered(obj)) if offered else []


# --- exchange --------------------------------------------------------------------------


class OpportunitySerializer(serializers.ModelSerializer):
    host_institute = institute_code("host_institute")
    programme = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "title",
            "team",
            "description",
            "location",
            "host_institute",
            "programme",
            "min_duration_months",
            "max_duration_months",
            "earliest_start",
            "closing_date",
            "places",
            "required_clearance",
            "status",
        ]


class ApplicationSerializer(ActionsMixin, serializers.ModelSerializer):
    applicant = person()
    line_manager = person(allow_null=True)
    home_institute = institute_code("home_institute")
    host_institute = institute_code("host_institute")
    opportunity = serializers.PrimaryKeyRelatedField(read_only=True)
    programme = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "status",
            "applicant",
            "line_manager",
            "opportunity",
            "programme",
            "home_institute",
            "host_institute",
            "direction",
            "proposed_start",
            "proposed_end",
            "skills_to_gain",
            "benefit_to_home_team",
            "offer_to_host",
            "has_conflict_of_interest",
            "conflict_of_interest_details",
            "declaration_confirmed",
            "cv_name",
            "submitted_at",
            "status_changed_at",
            "actions",
        ]


class ChecklistItemSerializer(serializers.ModelSerializer):
    owner = person(allow_null=True)

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "key",
            "title",
            "guidance",
            "kind",
            "owner_party",
            "owner",
            "mandatory",
            "due_date",
            "status",
            "notes",
            "completed_at",
            "signing_method",
            "clearance_required",
            "clearance_held",
            "clearance_recognition_requested_on",
            "clearance_recognition_received_on",
            "clearance_expires_on",
            "visa_route",
            "visa_stream",
            "cos_assigned_on",
            "visa_applied_on",
            "letter_of_support_on",
            "visa_granted_on",
            "visa_expires_on",
        ]


class SecondmentSerializer(ActionsMixin, serializers.ModelSerializer):
    secondee = person()
    home_manager = person(allow_null=True)
    host_supervisor = person(allow_null=True)
    home_institute = institute_code("home_institute")
    host_institute = institute_code("host_institute")
    programme = serializers.PrimaryKeyRelatedField(read_only=True)
    application = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Secondment
        fields = [
            "id",
            "title",
            "status",
            "status_reason",
            "secondee",
            "home_manager",
            "host_supervisor",
            "home_institute",
            "host_institute",
            "programme",
            "application",
            "direction",
            "start_date",
            "end_date",
            "location",
            "arrangement",
            "actions",
        ]


# --- programmes ------------------------------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer):
    institutes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "description",
            "agreement_reference",
            "start_date",
            "end_date",
            "institutes",
        ]


class ProjectSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(read_only=True)
    lead_institute = institute_code("lead_institute")
    rag = serializers.CharField(source="shown_rag", read_only=True, default=None)

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "title",
            "summary",
            "programme",
            "lead_institute",
            "status",
            "start_date",
            "end_date",
            "rag",
        ]


class DeliverableSerializer(serializers.ModelSerializer):
    owner = person()

    class Meta:
        model = Deliverable
        fields = ["id", "title", "description", "owner", "due_date", "status"]


class MilestoneSerializer(ActionsMixin, serializers.ModelSerializer):
    project = serializers.CharField(source="project.code", read_only=True)
    programme = serializers.IntegerField(source="project.programme_id", read_only=True)
    owner = person()
    dependencies = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    deliverables = DeliverableSerializer(many=True, read_only=True)
    rag = serializers.CharField(read_only=True, default=None)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "title",
            "description",
            "project",
            "programme",
            "owner",
            "due_date",
            "start_date",
            "baseline_due_date",
            "status",
            "completed_on",
            "rag",
            "deliverables",
            "dependencies",
            "requires_partner_handover",
            "actions",
        ]


# --- handover --------------------------------------------------------------------------


class DocumentVersionSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = [
            "number",
            "original_name",
            "size",
            "media_type",
            "sha256",
            "note",
            "created_at",
            "download",
        ]

    def get_download(self, version) -> str:
        return self.context["request"].build_absolute_uri(
            reverse(
                "api:document-download",
                kwargs={"pk": version.document_id, "number": version.number},
            )
        )


class DocumentSerializer(serializers.ModelSerializer):
    owner_institute = institute_code("owner_institute")
    marking = serializers.CharField(source="marking_text", read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "owner_institute",
            "marking",
            "releasability",
            "created_at",
            "updated_at",
        ]


class DocumentDetailSerializer(DocumentSerializer):
    versions = serializers.SerializerMethodField()

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "versions"]

    @extend_schema_field(DocumentVersionSerializer(many=True))
    def get_versions(self, document):
        versions = self.context.get("versions", [])
        return DocumentVersionSerializer(versions, many=True, context=self.context).data


class HandoverItemSerializer(serializers.ModelSerializer):
    document = serializers.IntegerField(source="version.document_id", read_only=True)
    title = serializers.CharField(source="version.document.title", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    original_name = serializers.CharField(source="version.original_name", read_only=True)
    sha256 = serializers.CharField(source="version.sha256", read_only=True)
    download = serializers.SerializerMethodField()
    may_download = serializers.SerializerMethodField()

    class Meta:
        model = HandoverItem
        fields = [
            "id",
            "document",
            "title",
            "version",
            "original_name",
            "sha256",
            "may_download",
            "download",
        ]

    def get_may_download(self, item) -> bool:
        """Whether the document's releasability admits you (as its page shows)."""
        return handover_access.can_open_document(
            self.context["request"].user, item.version.document
        )

    def get_download(self, item) -> str:
        return self.context["request"].build_absolute_uri(
            reverse(
                "api:handover-download",
                kwargs={"reference": item.handover.reference, "item_id": item.pk},
            )
        )


class HandoverSerializer(ActionsMixin, serializers.ModelSerializer):
    sender = person()
    sending_institute = institute_code("sending_institute")
    receiving_institute = institute_code("receiving_institute")
    items = HandoverItemSerializer(many=True, read_only=True)

    class Meta:
        model = Handover
        fields = [
            "reference",
            "status",
            "sender",
            "sending_institute",
            "receiving_institute",
            "message",
            "acknowledge_by",
            "sent_at",
            "acknowledged_at",
            "queried_at",
            "query_reason",
            "withdrawn_at",
            "access_ends_on",
            "access_revoked_at",
            "access_revoke_reason",
            "items",
            "actions",
        ]


# --- tokens ----------------------------------------------------------------------------


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonalAccessToken
        fields = ["name", "prefix", "scope", "created_at", "expires_at", "last_used_at"]


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")
    email = serializers.EmailField()
    institute = serializers.CharField(source="institute.code", default=None)
    token = TokenSerializer(source="api_token")
