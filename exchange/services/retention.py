"""The exchange's records under the retention schedule (records app, docs/records.md):
withdrawn and declined applications, CVs, and checklist evidence."""

import datetime

from django.db.models import Q

from records import registry
from records.registry import Action

from ..models import Application, ChecklistEvidence, Secondment

S = Secondment.Status


def _secondment_ended_before(cutoff: datetime.datetime, prefix: str = "") -> Q:
    """A secondment that ended (completed or ended early, on its end date) or was
    cancelled before the cutoff."""
    return Q(
        **{
            f"{prefix}status__in": [S.COMPLETED, S.ENDED_EARLY],
            f"{prefix}end_date__lt": cutoff.date(),
        }
    ) | Q(**{f"{prefix}status": S.CANCELLED, f"{prefix}status_changed_at__lt": cutoff})


# --- withdrawn and declined applications: deleted -----------------------------------


def closed_applications(cutoff: datetime.datetime):
    return Application.objects.filter(
        status__in=Application.FINAL, status_changed_at__lt=cutoff, secondment__isnull=True
    )


def closed_applications_delete(ids, now) -> list[str]:
    """Delete the applications, their transitions and their history; return their CVs."""
    applications = Application.objects.filter(pk__in=ids)
    names = [name for name in applications.values_list("cv", flat=True) if name]
    applications.delete()
    # After the delete: simple_history records the deletion itself as a history row.
    Application.history.filter(id__in=ids).delete()
    return names


# --- CVs: the files go, the application stays -----------------------------------------


def application_files(cutoff: datetime.datetime):
    ended = _secondment_ended_before(cutoff, prefix="secondment__")
    closed = Q(status__in=Application.FINAL, status_changed_at__lt=cutoff)
    return Application.objects.exclude(cv="").filter(ended | closed)


_CV_CLEARED = {"cv": "", "cv_name": "", "cv_content_type": "", "cv_size": None}


def application_files_delete(ids, now) -> list[str]:
    """Clear the CV from the applications and from their history; return the files."""
    applications = Application.objects.filter(pk__in=ids)
    names = set(applications.values_list("cv", flat=True))
    names |= set(Application.history.filter(id__in=ids).values_list("cv", flat=True))
    applications.update(**_CV_CLEARED)
    Application.history.filter(id__in=ids).update(**_CV_CLEARED)
    return [name for name in names if name]


# --- checklist evidence: the files and their entries go; the items stay ---------------


def checklist_evidence(cutoff: datetime.datetime):
    return ChecklistEvidence.objects.filter(
        _secondment_ended_before(cutoff, prefix="item__secondment__")
    )


def checklist_evidence_delete(ids, now) -> list[str]:
    evidence = ChecklistEvidence.objects.filter(pk__in=ids)
    names = [name for name in evidence.values_list("file", flat=True) if name]
    evidence.delete()
    return names


CLOSED_APPLICATIONS = registry.RecordType(
    key="exchange.closed_applications",
    label="Withdrawn and declined applications",
    clock="after the application was withdrawn or declined",
    default_months=12,
    action=Action.DELETE,
    candidates=closed_applications,
    apply=closed_applications_delete,
    institute_lookups=("home_institute", "host_institute"),
    why="Kept for a year in case the person applies again or asks about the decision.",
)

APPLICATION_FILES = registry.RecordType(
    key="exchange.application_files",
    label="CVs uploaded with applications",
    clock="after the secondment ended, or the application was withdrawn or declined",
    default_months=6,
    action=Action.DELETE_FILES,
    candidates=application_files,
    apply=application_files_delete,
    institute_lookups=("home_institute", "host_institute"),
    why="Needed to decide on the application and to arrange the secondment.",
)

CHECKLIST_EVIDENCE = registry.RecordType(
    key="exchange.checklist_evidence",
    label="Checklist uploads (agreements, conflict of interest plans, clearance and visa papers)",
    clock="after the secondment ended",
    default_months=6,
    action=Action.DELETE_FILES,
    candidates=checklist_evidence,
    apply=checklist_evidence_delete,
    institute_lookups=("item__secondment__home_institute", "item__secondment__host_institute"),
    why="Needed to prepare and run the secondment; the checklist keeps that each item "
    "was done, and by whom.",
)


def register_all() -> None:
    registry.register(CLOSED_APPLICATIONS, order=10)
    registry.register(APPLICATION_FILES, order=20)
    registry.register(CHECKLIST_EVIDENCE, order=30)
