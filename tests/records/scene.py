"""One record of every type under the retention schedule, built through the services on
the fixed day T0 (tests/records/conftest.py)."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from audit import services as audit_services
from audit.models import AuditEntry, AuditEvent
from exchange import services as exchange_services
from exchange.models import Application, ChecklistEvidence, Secondment
from handover import services as handover_services
from handover.models import AccessEvent
from notifications.models import Notification, Reminder
from tests.exchange.factories import PDF_BYTES, World
from tests.factories import UserFactory
from tests.handover.factories import make_document, make_handover


class Scene:
    def __init__(self):
        w = self.world = World()
        # Withdrawn on T0: its CV goes after 6 months, the application after 12.
        self.withdrawn = w.submitted(applicant=w.uk_staff)
        exchange_services.application_withdraw(
            application=self.withdrawn, actor=w.uk_staff, reason="Family reasons"
        )
        self.withdrawn.refresh_from_db()
        self.withdrawn_cv = self.withdrawn.cv.name
        # Accepted; the secondment completed on 1 April 2027.
        self.accepted, self.secondment = w.accepted(applicant=w.au_staff)
        Secondment.objects.filter(pk=self.secondment.pk).update(status=Secondment.Status.COMPLETED)
        self.accepted_cv = self.accepted.cv.name
        item = self.secondment.checklist_items.order_by("pk").first()
        self.evidence = ChecklistEvidence(
            item=item,
            original_name="conflict-plan.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            uploaded_by=w.au_staff,
        )
        self.evidence.file.save("conflict-plan.pdf", ContentFile(PDF_BYTES), save=False)
        self.evidence.save()
        self.evidence_file = self.evidence.file.name
        # A handover acknowledged on T0 (no access end date): its file goes after 24 months.
        self.document = make_document(w.uk_staff)
        self.version = self.document.versions.get()
        self.handover = make_handover(w.uk_staff, [w.au_staff], [self.document])
        item = self.handover.items.get()
        handover_services.handover_item_download(handover=self.handover, item=item, user=w.au_staff)
        handover_services.handover_acknowledge(handover=self.handover, user=w.au_staff)
        self.version_file = self.version.file
        # A document never handed over stays, whatever the date.
        self.kept_document = make_document(w.uk_staff, title="Working notes")
        # A notification and a sent reminder.
        self.notification = Notification.objects.create(
            recipient=w.uk_staff, kind="test", subject="Your application was withdrawn"
        )
        self.reminder = Reminder.objects.create(
            kind="test",
            content_type=ContentType.objects.get_for_model(Application),
            object_id=self.withdrawn.pk,
            recipient=w.uk_staff,
            window="d7",
            due_at=datetime.datetime(2026, 8, 3, 8, 0, tzinfo=datetime.UTC),
            status=Reminder.Status.SENT,
        )
        # Someone who left: deactivated, never signed in since joining on T0.
        self.leaver = UserFactory(
            institute=w.uk, full_name="Lee Leaver", job_title="Analyst", is_active=False
        )
        self.leaver_email = self.leaver.email
        audit_services.record(event=AuditEvent.SIGN_IN, actor=self.leaver, summary="Signed in.")

    # --- is each record still as it was? ----------------------------------------------

    def alive(self) -> dict[str, bool]:
        from django.core.files.storage import default_storage

        leaver = type(self.leaver).objects.get(pk=self.leaver.pk)
        self.version.refresh_from_db()
        return {
            "exchange.closed_applications": Application.objects.filter(
                pk=self.withdrawn.pk
            ).exists(),
            "exchange.application_files": Application.objects.filter(
                pk=self.accepted.pk, cv=self.accepted_cv
            ).exists()
            and default_storage.exists(self.accepted_cv),
            "exchange.checklist_evidence": ChecklistEvidence.objects.filter(
                pk=self.evidence.pk
            ).exists()
            and default_storage.exists(self.evidence_file),
            "handover.document_files": self.version.file_removed_at is None
            and default_storage.exists(self.version_file),
            "handover.access_log": AccessEvent.objects.filter(version=self.version).exists(),
            "notifications.notifications": Notification.objects.filter(
                pk=self.notification.pk
            ).exists(),
            "notifications.reminders": Reminder.objects.filter(pk=self.reminder.pk).exists(),
            "accounts.inactive_accounts": leaver.full_name == "Lee Leaver",
            "audit.audit_log": AuditEntry.objects.filter(actor=self.leaver).exists(),
        }
