"""What a delivery says about a record: references, statuses, dates and links.

Only facts the endpoint's institute may see reach here (``access.institute_may_see`` is
asked first). No payload carries file contents, CVs, free-text reasons or people's
contact details: a receiver that needs more asks the portal, under its own access rules.
"""

from django.conf import settings

from exchange.models import Application, Secondment
from handover import markings
from handover.markings import Marking
from handover.models import Handover
from programmes.models import Milestone


def _link(obj) -> str:
    return settings.SITE_URL + obj.get_absolute_url()


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _code(institute) -> str | None:
    return institute.code if institute is not None else None


def application_data(application: Application) -> dict:
    return {
        "application": {
            "id": application.pk,
            "reference": application.reference,
            "status": application.status,
            "decided_at": _date(application.status_changed_at),
            "home_institute": _code(application.home_institute),
            "host_institute": _code(application.host_institute),
            "programme": application.programme.name if application.programme_id else None,
            "opportunity": application.opportunity.title if application.opportunity_id else None,
            "proposed_start": _date(application.proposed_start),
            "proposed_end": _date(application.proposed_end),
            "url": _link(application),
        }
    }


def secondment_data(secondment: Secondment) -> dict:
    return {
        "secondment": {
            "id": secondment.pk,
            "reference": secondment.reference,
            "title": secondment.title,
            "status": secondment.status,
            "start_date": _date(secondment.start_date),
            "end_date": _date(secondment.end_date),
            "home_institute": _code(secondment.home_institute),
            "host_institute": _code(secondment.host_institute),
            "programme": secondment.programme.name if secondment.programme_id else None,
            "url": _link(secondment),
        }
    }


def milestone_data(milestone: Milestone) -> dict:
    project = milestone.project
    return {
        "milestone": {
            "id": milestone.pk,
            "title": milestone.title,
            "status": milestone.status,
            "due_date": _date(milestone.due_date),
            "baseline_due_date": _date(milestone.baseline_due_date),
            "completed_on": _date(milestone.completed_on),
            "project": {"id": project.pk, "code": project.code, "title": project.title},
            "programme": project.programme.name,
            "url": _link(milestone),
        }
    }


def handover_data(handover: Handover) -> dict:
    items = list(handover.items.select_related("version__document").order_by("pk"))
    return {
        "handover": {
            "id": handover.pk,
            "reference": handover.reference,
            "status": handover.status,
            "sending_institute": _code(handover.sending_institute),
            "receiving_institute": _code(handover.receiving_institute),
            "sent_at": _date(handover.sent_at),
            "acknowledge_by": _date(handover.acknowledge_by),
            "acknowledged_at": _date(handover.acknowledged_at),
            "documents": [
                {
                    "title": item.version.document.title,
                    "version": item.version.number,
                    "marking": markings.banner_text(Marking.of(item.version.document)),
                    "media_type": item.version.media_type,
                    "size": item.version.size,
                    "sha256": item.version.sha256,
                }
                for item in items
            ],
            "url": _link(handover),
        }
    }


DESCRIBE = {
    Application: application_data,
    Secondment: secondment_data,
    Milestone: milestone_data,
    Handover: handover_data,
}


def envelope(*, event_id: str, event, institute, data: dict) -> dict:
    return {
        "id": event_id,
        "type": event.type,
        "change": event.change,
        "occurred_at": event.occurred_at.isoformat(),
        "institute": institute.code,
        **({"detail": event.detail} if event.detail else {}),
        "data": data,
    }
