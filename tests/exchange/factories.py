"""Exchange test data, built on the shared factories and, for states, on the services."""

import datetime

import factory

from exchange import services
from exchange.checklist_defaults import install_default_templates
from exchange.clearance_defaults import install_default_recognitions
from exchange.models import (
    Application,
    ChecklistTemplate,
    ChecklistTemplateItem,
    ClearanceRecognition,
    Opportunity,
)
from programmes.services import programme_managers_set
from tests.factories import InstituteFactory, ProgrammeFactory, UserFactory, enable_totp

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
    b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def pdf_upload(name: str = "cv.pdf", content: bytes = PDF_BYTES):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def form_data(world, **overrides):
    data = {
        "proposed_start": "2026-10-01",
        "proposed_end": "2027-04-01",
        "skills_to_gain": "Evaluation at scale",
        "benefit_to_home_team": "Shared tooling",
        "offer_to_host": "Cyber ranges",
        "line_manager": str(world.uk_manager.pk),
        "has_conflict_of_interest": "False",
        "declaration_confirmed": "on",
        "cv_upload": pdf_upload(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def notice_kinds_for(user) -> list[str]:
    """The kinds of notice ``user`` has received, oldest first."""
    from notifications.models import Notification

    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    programme = factory.SubFactory(ProgrammeFactory)
    host_institute = factory.LazyAttribute(lambda o: InstituteFactory(au=True))
    team = "Evaluations"
    title = factory.Sequence(lambda n: f"Evaluation scientist {n}")
    description = "Join the evaluations team to build and run frontier model evaluations."
    location = "Canberra"
    min_duration_months = 3
    max_duration_months = 12
    earliest_start = datetime.date(2026, 9, 1)
    closing_date = datetime.date(2026, 12, 31)
    places = 2
    required_clearance = "AU_BASELINE"
    status = Opportunity.Status.OPEN


class World:
    """Two partner institutes in one programme, a third outside it, and one person per role."""

    def __init__(self):
        # A transactional test elsewhere may have flushed the migration's templates.
        install_default_templates(ChecklistTemplate, ChecklistTemplateItem)
        install_default_recognitions(ClearanceRecognition)
        self.uk = InstituteFactory(uk=True)
        self.au = InstituteFactory(au=True)
        self.other = InstituteFactory(code="NZ-AI", name="Elsewhere AI", country="NZL")
        self.uk_staff = UserFactory(institute=self.uk, full_name="Uma Staff")
        self.uk_manager = UserFactory(institute=self.uk, full_name="Una Manager")
        self.uk_pm = UserFactory(institute=self.uk, full_name="Ugo Programmes")
        self.au_staff = UserFactory(institute=self.au, full_name="Ava Staff")
        self.au_manager = UserFactory(institute=self.au, full_name="Abe Manager")
        self.au_pm = UserFactory(institute=self.au, full_name="Ada Programmes")
        self.au_supervisor = UserFactory(institute=self.au, full_name="Ari Supervisor")
        self.outsider = UserFactory(institute=self.other, full_name="Oli Outsider")
        self.programme = ProgrammeFactory(
            institutes=[self.uk, self.au], reciprocity_target_months=12
        )
        programme_managers_set(programme=self.programme, managers=[self.uk_pm, self.au_pm])
        for manager in (self.uk_pm, self.au_pm):
            enable_totp(manager)
        self.au_opportunity = OpportunityFactory(
            programme=self.programme, host_institute=self.au, location="Canberra"
        )
        self.uk_opportunity = OpportunityFactory(
            programme=self.programme,
            host_institute=self.uk,
            location="London",
            team="Safeguards",
            required_clearance="UK_SC",
        )

    # --- applications in each state, through the services -----------------------------

    def draft(self, applicant=None, opportunity=None, **overrides) -> Application:
        applicant = applicant or self.uk_staff
        opportunity = opportunity or (
            self.au_opportunity if applicant.institute_id == self.uk.pk else self.uk_opportunity
        )
        manager = self.uk_manager if applicant.institute_id == self.uk.pk else self.au_manager
        fields = {
            "proposed_start": datetime.date(2026, 10, 1),
            "proposed_end": datetime.date(2027, 4, 1),
            "skills_to_gain": "Large-scale evaluation practice.",
            "benefit_to_home_team": "Bring back shared evaluation tooling.",
            "offer_to_host": "Cyber-range expertise.",
            "line_manager": manager,
            "has_conflict_of_interest": False,
            "declaration_confirmed": True,
            **overrides,
        }
        cv = fields.pop("cv", pdf_upload())
        return services.application_create(
            applicant=applicant, opportunity=opportunity, cv=cv, **fields
        )

    def submitted(self, **kwargs) -> Application:
        application = self.draft(**kwargs)
        return services.application_submit(application=application, actor=application.applicant)

    def endorsed(self, **kwargs) -> Application:
        application = self.submitted(**kwargs)
        return services.application_endorse(application=application, actor=application.line_manager)

    def host_pm_for(self, application: Application):
        return self.au_pm if application.host_institute_id == self.au.pk else self.uk_pm

    def accepted(self, **kwargs):
        application = self.endorsed(**kwargs)
        secondment = services.application_accept(
            application=application,
            actor=self.host_pm_for(application),
            host_supervisor=self.au_supervisor
            if application.host_institute_id == self.au.pk
            else None,
        )
        application.refresh_from_db()
        return application, secondment
