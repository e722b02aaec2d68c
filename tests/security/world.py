"""One world for the authorization sweep: real records of every kind the portal and the
admin show, built once (clock frozen) through the apps' own services and factories.

People: for each institute a stranger (staff with no relation to anything), the parties
of the exchange, the project's people and the handover's, and an institute admin. Objects
the portal scopes belong to the UK institute (or to the UK and Australian parties of an
exchange); the admin's records of "institute A only" are shared with a third institute,
never with the Australian one, so the Australian admin has no claim on them.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from accounts.models import Role
from api import services as api_services
from exchange import services as exchange_services
from exchange.models import (
    ChecklistTemplate,
    ClearanceRecognition,
    ExchangeQuota,
    MidpointReview,
    Opportunity,
    ReturnReport,
    Secondment,
)
from handover.markings import Marking
from handover.models import AccessAction, HandoverStatus
from handover.services import access_record
from notifications.models import Digest, Preference, Reminder
from notifications.services import notify
from programmes import services as programme_services
from programmes.models import Deliverable, MembershipRole, MilestoneDueDateChange
from tests.exchange.factories import PNG_BYTES, OpportunityFactory, World
from tests.factories import ProgrammeFactory, UserFactory, enable_totp
from tests.handover.factories import make_document, make_handover, upload
from tests.notifications.factories import ApplicationFactory, SecondmentFactory
from tests.programmes.factories import MembershipFactory, MilestoneFactory, ProjectFactory

NOW = datetime.datetime(2026, 8, 3, 9, 0, tzinfo=datetime.UTC)

# The session cookie and an API token of each person of the world while it exists (see
# conftest.world).
SESSIONS: dict[int, str] = {}
TOKENS: dict[int, str] = {}

UK_EYES_ONLY = Marking(scheme="UK", classification="OFFICIAL", releasability="UK EYES ONLY")


def _finish_mandatory(secondment) -> None:
    """Every mandatory item done, each by someone on its owner side."""
    party = {
        "secondee": secondment.secondee,
        "home": secondment.home_manager,
        "host": secondment.host_supervisor,
    }
    for item in secondment.checklist_items.filter(mandatory=True):
        fields = {"status": "done"}
        if item.kind == "agreement":
            fields["signing_method"] = "e_signed"
        if item.kind == "clearance":
            fields.update(
                clearance_held="UK_SC",
                clearance_recognition_requested_on=datetime.date(2026, 7, 1),
                clearance_recognition_received_on=datetime.date(2026, 7, 2),
                clearance_expires_on=datetime.date(2031, 1, 1),
            )
        if item.kind == "visa":
            fields.update(
                visa_route="AU_403",
                visa_stream="Government-to-government",
                letter_of_support_on=datetime.date(2026, 7, 1),
                visa_applied_on=datetime.date(2026, 7, 10),
                visa_granted_on=datetime.date(2026, 7, 30),
                visa_expires_on=datetime.date(2027, 6, 1),
            )
        exchange_services.checklist_item_update(
            item=item, actor=item.owner or party[item.owner_party], **fields
        )


def _exchange(w: SimpleNamespace, ex: World) -> None:
    uk = ex.uk
    # Room for the three secondments below.
    Opportunity.objects.filter(pk=ex.au_opportunity.pk).update(places=10)
    ex.au_opportunity.refresh_from_db()
    w.applicant_draft = ex.uk_staff
    w.app_draft = ex.draft(applicant=w.applicant_draft)
    w.applicant_submitted = UserFactory(institute=uk, full_name="Sam Submitted")
    w.app_submitted = ex.submitted(applicant=w.applicant_submitted)
    w.applicant_endorsed = UserFactory(institute=uk, full_name="Eve Endorsed")
    w.app_endorsed = ex.endorsed(applicant=w.applicant_endorsed)
    w.secondee = UserFactory(institute=uk, full_name="Sid Secondee")
    w.app_accepted, w.secondment = ex.accepted(applicant=w.secondee)
    w.travel = w.secondment.checklist_items.get(key="travel")
    w.clearance = w.secondment.checklist_items.get(key="clearance")
    w.evidence = exchange_services.checklist_evidence_add(
        item=w.travel, actor=w.secondee, upload=upload("itinerary.png", PNG_BYTES)
    )
    # One whose mandatory items are done (so "ready" succeeds) and one under way.
    w.secondee_ready = UserFactory(institute=uk, full_name="Rae Ready")
    _, w.secondment_ready = ex.accepted(applicant=w.secondee_ready)
    _finish_mandatory(w.secondment_ready)
    w.secondee_active = UserFactory(institute=uk, full_name="Ace Active")
    _, w.secondment_active = ex.accepted(applicant=w.secondee_active)
    Secondment.objects.filter(pk=w.secondment_active.pk).update(status="active")
    w.opportunity_draft = OpportunityFactory(
        programme=ex.programme, host_institute=ex.au, status="draft", title="Draft role"
    )


def _programmes(w: SimpleNamespace, ex: World) -> None:
    w.project = ProjectFactory(
        programme=ex.programme,
        code="JRP-SWEEP-01",
        lead_institute=ex.uk,
        partner_institutes=[ex.au],
    )
    w.researcher = UserFactory(institute=ex.uk, full_name="Rita Researcher")
    w.membership = MembershipFactory(
        project=w.project, user=w.researcher, role=MembershipRole.RESEARCHER
    )
    w.partner = UserFactory(institute=ex.au, full_name="Pat Partner")
    w.partner_membership = MembershipFactory(
        project=w.project, user=w.partner, role=MembershipRole.RESEARCHER
    )
    w.milestone = MilestoneFactory(
        project=w.project,
        owner=w.researcher,
        title="Protocol agreed",
        due_date=datetime.date(2026, 12, 1),
    )
    w.deliverable = Deliverable.objects.create(
        milestone=w.milestone,
        title="Protocol document",
        owner=w.researcher,
        due_date=datetime.date(2026, 12, 1),
    )
    w.feed = programme_services.calendar_feed_reset(user=w.researcher)
    w.saved_search = exchange_services.saved_search_create(
        owner=w.researcher, name="Evaluations in Canberra", team="Evaluations"
    )
    w.token, _raw = api_services.token_create(
        actor=w.researcher, name="Laptop", scope="read", expires_in_days=30, mfa_done=False
    )


def _handover(w: SimpleNamespace, ex: World) -> None:
    w.sender = UserFactory(institute=ex.uk, full_name="Priya Sender")
    w.recipient = UserFactory(institute=ex.au, full_name="Liam Recipient")
    w.document = make_document(w.sender, title="Evaluation report")
    w.handover = make_handover(w.sender, [w.recipient], [w.document])
    w.handover_item = w.handover.items.get()
    w.document_draft = make_document(w.sender, title="Draft findings")
    w.handover_draft = make_handover(w.sender, [w.recipient], [w.document_draft], send=False)
    # Marked UK EYES ONLY: a UK colleague of another nationality may not see it.
    w.document_eyes_only = make_document(w.sender, title="Eyes only", marking=UK_EYES_ONLY)
    w.uk_foreign = UserFactory(institute=ex.uk, nationality="AUS", full_name="Fen Foreign")


def _notifications(w: SimpleNamespace, ex: World) -> None:
    w.notice = notify(
        recipient=w.researcher, kind="application_submitted", subject="Sweep notice", url="/"
    )


def _admin_records(w: SimpleNamespace, ex: World) -> None:
    """Records of the UK institute (shared only with the third institute), one per model
    the admin scopes."""
    uk, nz = ex.uk, ex.other
    programme = ProgrammeFactory(institutes=[uk, nz], name="UK and NZ programme")
    uk_person = UserFactory(institute=uk, full_name="Una Kingdom")
    nz_person = UserFactory(institute=nz, full_name="Nia Zealand")
    opportunity = OpportunityFactory(
        programme=programme, host_institute=uk, title="UK-only role", status="draft"
    )
    application = ApplicationFactory(
        applicant=uk_person,
        programme=programme,
        home_institute=uk,
        host_institute=nz,
        line_manager=UserFactory(institute=uk),
        opportunity=opportunity,
    )
    secondment = SecondmentFactory(
        secondee=uk_person,
        programme=programme,
        home_institute=uk,
        host_institute=nz,
        direction="UK_AU",
        home_manager=UserFactory(institute=uk),
        host_supervisor=nz_person,
    )
    item = secondment.checklist_items.create(
        key="travel",
        title="Book travel",
        owner_party="secondee",
        owner=uk_person,
        due_date=datetime.date(2027, 1, 15),
    )
    midpoint = MidpointReview.objects.create(
        secondment=secondment, progress="on_track", achievements="Good", submitted_by=uk_person
    )
    report = ReturnReport.objects.create(
        secondment=secondment,
        work_summary="Work",
        skills_gained="Skills",
        knowledge_handed_over="Knowledge",
        benefit_to_home="Benefit",
        would_recommend=True,
        submitted_by=uk_person,
    )
    project = ProjectFactory(
        programme=programme, code="JRP-UKNZ-01", lead_institute=uk, partner_institutes=[nz]
    )
    membership = MembershipFactory(project=project, user=uk_person)
    milestone = MilestoneFactory(project=project, owner=uk_person, title="UK-only milestone")
    due_change = MilestoneDueDateChange.objects.create(
        milestone=milestone,
        old_due_date=milestone.due_date,
        new_due_date=milestone.due_date + datetime.timedelta(days=7),
        changed_by=uk_person,
        reason="Slipped",
    )
    deliverable = Deliverable.objects.create(
        milestone=milestone,
        title="UK-only deliverable",
        owner=uk_person,
        due_date=milestone.due_date,
    )
    feed = programme_services.calendar_feed_reset(user=uk_person)
    document = make_document(uk_person, title="UK-only document")
    version = document.versions.get()
    access_event = access_record(user=uk_person, version=version, action=AccessAction.VIEW)
    handover = make_handover(uk_person, [nz_person], [document])
    custody_event = handover.custody.first()
    notice = notify(recipient=uk_person, kind="application_submitted", subject="UK-only notice")
    reminder = Reminder.objects.create(
        kind="application_submitted",
        recipient=uk_person,
        window="2026-08-03",
        due_at=timezone.now(),
    )
    preference = Preference.objects.create(
        user=uk_person, kind="application_submitted", delivery="digest"
    )
    digest = Digest.objects.create(
        recipient=uk_person,
        local_date=datetime.date(2026, 8, 3),
        time_zone="Europe/London",
        sent_at=timezone.now(),
    )
    quota = ExchangeQuota.objects.create(
        programme=programme, year=2027, direction="UK_AU", agreed=Decimal("6")
    )
    w.admin_records = {
        "accounts.user": uk_person,
        "exchange.opportunity": opportunity,
        "exchange.exchangequota": quota,
        "exchange.savedsearch": exchange_services.saved_search_create(
            owner=uk_person, name="UK-only search"
        ),
        "exchange.application": application,
        "exchange.secondment": secondment,
        "exchange.checklistitem": item,
        "exchange.midpointreview": midpoint,
        "exchange.returnreport": report,
        "programmes.programme": programme,
        "programmes.project": project,
        "programmes.milestone": milestone,
        "programmes.projectmembership": membership,
        "programmes.milestoneduedatechange": due_change,
        "programmes.deliverable": deliverable,
        "programmes.calendarfeed": feed,
        "handover.document": document,
        "handover.documentversion": version,
        "handover.handover": handover,
        "handover.accessevent": access_event,
        "handover.custodyevent": custody_event,
        "notifications.reminder": reminder,
        "notifications.preference": preference,
        "notifications.notification": notice,
        "notifications.digest": digest,
        **_webhook_records(uk),
        "api.personalaccesstoken": api_services.token_create(
            actor=uk_person, name="UK-only", scope="read", expires_in_days=30, mfa_done=False
        )[0],
        # Last, so that they are the newest of their lists.
        **_audit_records(uk_person, nz),
        # Shared by design or for superusers only: any record will do.
        "exchange.checklisttemplate": ChecklistTemplate.objects.first(),
        "exchange.clearancerecognition": ClearanceRecognition.objects.get_or_create(
            held="UK_SC", meets="AU_NV1"
        )[0],
        "accounts.institute": uk,
        "auth.group": w.uk_admin.groups.first(),
        "account.emailaddress": uk_person.emailaddress_set.first(),
        "mfa.authenticator": w.uk_admin.authenticator_set.first(),
    }
    # A draft application from the UK to Australia: the portal hides it from the host.
    w.draft_for_host = w.app_draft


def _audit_records(uk_person, nz) -> dict:
    from accounts.services import attribute_change_request
    from audit.models import AuditEvent
    from audit.services import record

    change = attribute_change_request(
        actor=uk_person, field="nationality", requested_value="NZL", reason="Sweep."
    )
    entry = record(
        event=AuditEvent.FILE_DOWNLOADED, actor=uk_person, obj=uk_person, object_institute=nz
    )
    return {"accounts.attributechangerequest": change, "audit.auditentry": entry}


def _webhook_records(uk) -> dict:
    from webhooks.models import Delivery, Endpoint, EventType

    endpoint = Endpoint.objects.create(
        institute=uk,
        name="UK-only receiver",
        url="https://hooks.example.gov.uk/exchange",
        event_types=[EventType.values[0]],
        secret="s" * 40,
    )
    delivery = Delivery.objects.create(
        endpoint=endpoint, event_type=EventType.values[0], payload={"sweep": True}
    )
    return {"webhooks.endpoint": endpoint, "webhooks.delivery": delivery}


def build() -> SimpleNamespace:
    ex = World()
    w = SimpleNamespace(ex=ex, uk=ex.uk, au=ex.au)
    for name in (
        "uk_staff",
        "uk_manager",
        "uk_pm",
        "au_staff",
        "au_manager",
        "au_pm",
        "au_supervisor",
        "outsider",
        "programme",
    ):
        setattr(w, name, getattr(ex, name))
    w.opportunity = ex.au_opportunity
    w.uk_stranger = UserFactory(institute=ex.uk, full_name="Stan Stranger")
    w.au_stranger = UserFactory(institute=ex.au, full_name="Sue Stranger")
    w.uk_admin = UserFactory(institute=ex.uk, roles=[Role.INSTITUTE_ADMIN], full_name="Ula Admin")
    w.au_admin = UserFactory(institute=ex.au, roles=[Role.INSTITUTE_ADMIN], full_name="Alf Admin")
    for admin in (w.uk_admin, w.au_admin):
        enable_totp(admin)
    _exchange(w, ex)
    _programmes(w, ex)
    _handover(w, ex)
    _notifications(w, ex)
    _admin_records(w, ex)
    assert w.handover.status == HandoverStatus.SENT
    assert w.handover_draft.status == HandoverStatus.DRAFT
    return w
