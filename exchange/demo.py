"""Demo data for the staff exchange: opportunities both ways, applications in every state
and a secondment in each direction, all made through the services as people would."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from programmes.demo import demo_programme

from . import services
from .models import Application, ChecklistItem, Direction, ExchangeQuota, Opportunity

DEMO_MARKER = "Frontier model evaluations scientist"

# A one-page PDF, enough for the CV and evidence downloads to work in the demo.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


def _person(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _opportunity(manager, programme, host, today, **fields) -> Opportunity:
    opportunity = services.opportunity_create(
        actor=manager,
        programme=programme,
        host_institute=host,
        earliest_start=today + datetime.timedelta(days=60),
        closing_date=today + datetime.timedelta(days=45),
        **fields,
    )
    return services.opportunity_publish(opportunity=opportunity, actor=manager)


def _apply(applicant, manager, today, *, opportunity=None, host=None, start_in=90, months=6):
    start = today + datetime.timedelta(days=start_in)
    return services.application_create(
        applicant=applicant,
        opportunity=opportunity,
        host_institute=host,
        proposed_start=start,
        proposed_end=services.add_months(start, months),
        skills_to_gain="Hands-on experience of the partner's evaluation methods and tooling.",
        benefit_to_home_team="Shared evaluation practice and a trusted contact network.",
        offer_to_host="Experience building automated red-teaming pipelines.",
        line_manager=manager,
        has_conflict_of_interest=False,
        declaration_confirmed=True,
        cv=_pdf(f"{applicant.full_name.replace(' ', '-')}-CV.pdf"),
    )


def _submit(application):
    return services.application_submit(application=application, actor=application.applicant)


def _endorse(application):
    return services.application_endorse(
        application=_submit(application),
        actor=application.line_manager,
        reason="Strong candidate; the team can cover the absence.",
    )


def _complete_before_start(secondment, today) -> None:
    """Work every mandatory item to done, as the parties would."""
    for item in secondment.checklist_items.filter(mandatory=True):
        actor = item.owner or secondment.home_manager
        fields = {"status": ChecklistItem.Status.DONE, "notes": "Done in the demo."}
        if item.kind == "agreement":
            fields["signing_method"] = "e_signed"
        if item.kind == "clearance":
            required = item.clearance_required or (
                "UK_SC" if secondment.direction == "AU_UK" else "AU_BASELINE"
            )
            fields.update(
                clearance_required=required,
                clearance_held="AU_NV1" if secondment.direction == "AU_UK" else "UK_SC",
                clearance_recognition_requested_on=today - datetime.timedelta(days=20),
                clearance_recognition_received_on=today - datetime.timedelta(days=5),
                clearance_expires_on=today + datetime.timedelta(days=3 * 365),
            )
        if item.kind == "visa":
            if secondment.direction == "AU_UK":
                fields.update(
                    visa_route="UK_GAE",
                    cos_assigned_on=today - datetime.timedelta(days=30),
                    visa_applied_on=today - datetime.timedelta(days=20),
                )
            else:
                fields.update(
                    visa_route="AU_403",
                    visa_stream="Government Agreement",
                    letter_of_support_on=today - datetime.timedelta(days=30),
                    visa_applied_on=today - datetime.timedelta(days=20),
                )
            fields.update(
                visa_granted_on=today - datetime.timedelta(days=3),
                visa_expires_on=secondment.end_date + datetime.timedelta(days=60),
            )
        services.checklist_item_update(item=item, actor=actor, **fields)


@transaction.atomic
def seed(*, stdout) -> None:
    programme = demo_programme()
    if Opportunity.objects.filter(programme=programme, title=DEMO_MARKER).exists():
        stdout.write("Exchange: demo data already present.")
        return
    uk_researcher = _person("researcher@aisi.example.gov.uk")
    uk_manager = _person("manager@aisi.example.gov.uk")
    uk_pm = _person("programmes@aisi.example.gov.uk")
    au_researcher = _person("researcher@aisi.example.gov.au")
    au_manager = _person("manager@aisi.example.gov.au")
    au_pm = _person("programmes@aisi.example.gov.au")
    people = [uk_researcher, uk_manager, uk_pm, au_researcher, au_manager, au_pm]
    if any(p is None for p in people):
        stdout.write("Exchange: demo people missing; run seed_demo to create them first.")
        return
    for manager in (uk_pm, au_pm):
        programme.managers.add(manager)
    uk, au = uk_researcher.institute, au_researcher.institute
    today = timezone.localdate()

    # Opportunities at the Australian institute, for UK staff.
    frontier = _opportunity(
        au_pm,
        programme,
        au,
        today,
        team="Frontier Evaluations",
        title=DEMO_MARKER,
        description="Design and run pre-deployment evaluations of frontier models with the "
        "Canberra evaluations team, and help build the shared evaluation harness.",
        location="Canberra",
        min_duration_months=3,
        max_duration_months=12,
        places=2,
        required_clearance="AU_BASELINE",
    )
    cyber = _opportunity(
        au_pm,
        programme,
        au,
        today,
        team="Cyber Misuse",
        title="Cyber range engineer",
        description="Extend the cyber range used to test model uplift for offensive tasks.",
        location="Sydney",
        min_duration_months=6,
        max_duration_months=12,
        places=1,
        required_clearance="AU_NV1",
    )
    alignment = _opportunity(
        au_pm,
        programme,
        au,
        today,
        team="Alignment",
        title="Alignment research fellow",
        description="Work on scalable oversight experiments with the alignment team.",
        location="Canberra (hybrid)",
        min_duration_months=3,
        max_duration_months=6,
        places=1,
        required_clearance="",
    )
    # Opportunities at the UK institute, for Australian staff.
    safeguards = _opportunity(
        uk_pm,
        programme,
        uk,
        today,
        team="Safeguards",
        title="Safeguards red-team researcher",
        description="Stress-test safeguards of frontier systems with the London red team.",
        location="London",
        min_duration_months=3,
        max_duration_months=9,
        places=2,
        required_clearance="UK_SC",
    )
    societal = _opportunity(
        uk_pm,
        programme,
        uk,
        today,
        team="Societal Resilience",
        title="Societal impacts analyst",
        description="Measure the societal impacts of advanced AI with the resilience team.",
        location="London",
        min_duration_months=3,
        max_duration_months=6,
        places=1,
        required_clearance="UK_BPSS",
    )
    chembio = _opportunity(
        uk_pm,
        programme,
        uk,
        today,
        team="Chemical and Biological Misuse",
        title="Chem-bio evaluations scientist",
        description="Build evaluations of chemical and biological uplift.",
        location="London",
        min_duration_months=6,
        max_duration_months=12,
        places=1,
        required_clearance="UK_DV",
    )
    interp = _opportunity(
        uk_pm,
        programme,
        uk,
        today,
        team="Interpretability",
        title="Interpretability engineer",
        description="Apply interpretability tools to model evaluations.",
        location="Bristol",
        min_duration_months=3,
        max_duration_months=6,
        places=1,
        required_clearance="UK_BPSS",
    )
    draft_opportunity = services.opportunity_create(
        actor=uk_pm,
        programme=programme,
        host_institute=uk,
        team="Strategic Awareness",
        title="Forecasting analyst (draft)",
        description="Not yet published: waiting for budget approval.",
        location="London",
        min_duration_months=3,
        max_duration_months=6,
        earliest_start=today + datetime.timedelta(days=90),
        closing_date=today + datetime.timedelta(days=60),
    )

    # UK researcher: accepted (secondment UK→AU in planning), submitted, draft, returned.
    accepted_uk = _endorse(_apply(uk_researcher, uk_manager, today, opportunity=frontier))
    uk_secondment = services.application_accept(
        application=accepted_uk,
        actor=au_pm,
        host_supervisor=au_manager,
        reason="Welcome to the Frontier Evaluations team.",
    )
    for key in ("agreement", "travel"):
        item = uk_secondment.checklist_items.get(key=key)
        fields = {"status": ChecklistItem.Status.DONE}
        if key == "agreement":
            fields["signing_method"] = "e_signed"
        services.checklist_item_update(item=item, actor=uk_manager, **fields)
    services.checklist_item_update(
        item=uk_secondment.checklist_items.get(key="visa"),
        actor=uk_researcher,
        status=ChecklistItem.Status.IN_PROGRESS,
        visa_stream="Government Agreement",
        letter_of_support_on=today,
        notes="Letter of support received; application being prepared.",
    )
    _submit(_apply(uk_researcher, uk_manager, today, opportunity=alignment, start_in=400))
    _apply(uk_researcher, uk_manager, today, opportunity=cyber, start_in=420, months=6)
    returned = _submit(_apply(uk_researcher, uk_manager, today, host=au, start_in=500))
    services.application_return(
        application=returned,
        actor=uk_manager,
        reason="Please say which Australian team you want to join and why.",
    )

    # AU researcher: accepted (secondment AU→UK ready), endorsed, declined, withdrawn.
    accepted_au = _endorse(_apply(au_researcher, au_manager, today, opportunity=safeguards))
    au_secondment = services.application_accept(
        application=accepted_au,
        actor=uk_pm,
        host_supervisor=uk_manager,
        reason="Looking forward to working with you in London.",
    )
    _complete_before_start(au_secondment, today)
    services.secondment_mark_ready(secondment=au_secondment, actor=au_manager)
    _endorse(_apply(au_researcher, au_manager, today, opportunity=societal, start_in=400))
    declined = _submit(
        _apply(au_researcher, au_manager, today, opportunity=chembio, start_in=420, months=6)
    )
    services.application_decline(
        application=declined,
        actor=au_manager,
        reason="The team cannot release you for six months this year.",
    )
    withdrawn = _apply(au_researcher, au_manager, today, opportunity=interp, start_in=500)
    services.application_withdraw(
        application=withdrawn, actor=au_researcher, reason="Changed teams."
    )

    for direction in (Direction.UK_TO_AU, Direction.AU_TO_UK):
        ExchangeQuota.objects.get_or_create(
            programme=programme,
            year=today.year,
            direction=direction,
            defaults={"agreed": 12, "note": "Agreed at the annual review (demo)."},
        )

    states = sorted(set(Application.objects.values_list("status", flat=True)))
    stdout.write(
        f"Exchange: {Opportunity.objects.count()} opportunities (one draft: "
        f"{draft_opportunity.title}), applications in states {', '.join(states)}, "
        f"secondments {uk_secondment.reference} (UK to Australia, planning) and "
        f"{au_secondment.reference} (Australia to UK, ready)."
    )
