"""The exchange's part of a person's data download (records.subject_access): their own
applications (with their CVs), their secondments with checklist and reports, and the
checklist items they own and files they uploaded."""

from django.db.models import Q

from records import subject_access as sar

from .models import Application, ChecklistEvidence, ChecklistItem, Secondment


def application_rows(user):
    applications = (
        Application.objects.filter(applicant=user)
        .select_related("opportunity", "home_institute", "host_institute", "line_manager")
        .prefetch_related("events")
        .order_by("pk")
    )
    for a in applications:
        yield {
            "reference": a.reference,
            "opportunity": a.opportunity.title if a.opportunity_id else "Open application",
            "home_institute": str(a.home_institute),
            "host_institute": str(a.host_institute),
            "status": a.get_status_display(),
            "proposed_start": a.proposed_start,
            "proposed_end": a.proposed_end,
            "skills_to_gain": a.skills_to_gain,
            "benefit_to_home_team": a.benefit_to_home_team,
            "offer_to_host": a.offer_to_host,
            "line_manager": a.line_manager.get_full_name() if a.line_manager_id else "",
            "cv_file_name": a.cv_name,
            "has_conflict_of_interest": a.has_conflict_of_interest,
            "conflict_of_interest_details": a.conflict_of_interest_details,
            "submitted_at": a.submitted_at,
            "created_at": a.created_at,
            "history": [
                {
                    "at": e.at,
                    "from": e.from_status,
                    "to": e.to_status,
                    "reason": e.reason,
                }
                for e in a.events.all()
            ],
        }


def application_files(user):
    for a in Application.objects.filter(applicant=user).exclude(cv="").order_by("pk"):
        yield f"{a.reference} {a.cv_name or 'cv'}", a.cv.name


def secondment_rows(user):
    secondments = (
        Secondment.objects.filter(secondee=user)
        .select_related("home_institute", "host_institute")
        .prefetch_related("date_changes")
        .order_by("pk")
    )
    for s in secondments:
        row = {
            "title": s.title,
            "home_institute": str(s.home_institute),
            "host_institute": str(s.host_institute),
            "start_date": s.start_date,
            "end_date": s.end_date,
            "location": s.location,
            "arrangement": s.get_arrangement_display(),
            "status": s.get_status_display(),
            "status_reason": s.status_reason,
            "date_changes": [
                {
                    "old_start": c.old_start,
                    "old_end": c.old_end,
                    "new_start": c.new_start,
                    "new_end": c.new_end,
                    "reason": c.reason,
                    "changed_at": c.changed_at,
                }
                for c in s.date_changes.all()
            ],
        }
        for name in ("midpoint_review", "return_report"):
            report = getattr(s, name, None) if _has(s, name) else None
            if report is not None:
                row[name] = {
                    f.name: getattr(report, f.attname)
                    for f in report._meta.concrete_fields
                    if f.name not in ("id", "secondment", "submitted_by")
                }
        yield row


def _has(obj, name) -> bool:
    try:
        return getattr(obj, name) is not None
    except Exception:  # RelatedObjectDoesNotExist
        return False


def checklist_rows(user):
    """Items of the person's own secondments, and items they own on anyone's."""
    items = ChecklistItem.objects.filter(Q(secondment__secondee=user) | Q(owner=user)).order_by(
        "secondment_id", "order", "pk"
    )
    for item in items:
        yield {
            "secondment": item.secondment_id,
            "title": item.title,
            "owner_party": item.owner_party,
            "yours": item.owner_id == user.pk,
            "due_date": item.due_date,
            "status": item.status,
            "notes": item.notes,
            "completed_at": item.completed_at,
        }


def evidence_files(user):
    evidence = ChecklistEvidence.objects.filter(uploaded_by=user).order_by("pk")
    for e in evidence:
        yield e.original_name, e.file.name


def register_sections() -> None:
    sar.register(
        sar.Section(
            "exchange-applications",
            "Your exchange applications",
            application_rows,
            files=application_files,
        ),
        order=20,
    )
    sar.register(sar.Section("exchange-secondments", "Your secondments", secondment_rows), order=21)
    sar.register(
        sar.Section(
            "exchange-checklists",
            "Checklist items of your secondments and that you own",
            checklist_rows,
            files=evidence_files,
        ),
        order=22,
    )
