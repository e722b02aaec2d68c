"""What the exchange offers the portal's search: opportunities and applications, each
found only by those its own pages show it to (``access``)."""

from portal.search import Source

from . import access
from .models import Application, Opportunity


def _opportunity_context(opportunity: Opportunity) -> str:
    return (
        f"Opportunity at {opportunity.host_institute.code}, {opportunity.team} · "
        f"{opportunity.get_status_display()} · closes {opportunity.closing_date:%-d %B %Y}"
    )


def _application_title(application: Application) -> str:
    target = application.opportunity.title if application.opportunity_id else "Open application"
    return f"{application.reference}: {target}"


def _application_context(application: Application) -> str:
    return (
        f"Application by {application.applicant.get_full_name()} to "
        f"{application.host_institute.code} · {application.get_status_display()}"
    )


SOURCES = [
    (
        Source(
            kind="opportunities",
            label="Opportunities",
            model=Opportunity,
            visible_to=access.opportunities_visible_to,
            title=lambda opportunity: opportunity.title,
            context=_opportunity_context,
            snippet_fields=("description", "team", "location"),
            select_related=("host_institute",),
        ),
        10,
    ),
    (
        Source(
            kind="applications",
            label="Applications",
            model=Application,
            visible_to=access.applications_visible_to,
            title=_application_title,
            context=_application_context,
            snippet_fields=("skills_to_gain", "benefit_to_home_team", "offer_to_host"),
            select_related=("opportunity", "applicant", "host_institute"),
        ),
        20,
    ),
]
