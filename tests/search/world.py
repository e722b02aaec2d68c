"""A small world for search: records of every kind at both institutes, each carrying the
word "zephyr", and people with and without a claim on each."""

from types import SimpleNamespace

from handover.markings import Marking
from tests.exchange.factories import OpportunityFactory, World
from tests.factories import UserFactory
from tests.handover.factories import make_document, make_handover
from tests.programmes.factories import MembershipFactory, MilestoneFactory, ProjectFactory

UK_EYES_ONLY = Marking(scheme="UK", classification="OFFICIAL", releasability="UK EYES ONLY")


def build() -> SimpleNamespace:
    ex = World()
    w = SimpleNamespace(ex=ex, uk=ex.uk, au=ex.au)
    w.uk_pm, w.au_pm, w.outsider = ex.uk_pm, ex.au_pm, ex.outsider
    w.uk_manager = ex.uk_manager
    w.uk_stranger = UserFactory(institute=ex.uk, full_name="Stan Stranger")
    w.au_stranger = UserFactory(institute=ex.au, full_name="Sue Stranger")
    w.uk_foreign = UserFactory(institute=ex.uk, nationality="AUS", full_name="Fen Foreign")

    # Exchange: an open AU opportunity (UK staff may apply), a draft one (managers only).
    w.opportunity = OpportunityFactory(
        programme=ex.programme,
        host_institute=ex.au,
        title="Zephyr evaluation lead",
        description="Lead the zephyr evaluations of frontier models.",
    )
    w.opportunity_draft = OpportunityFactory(
        programme=ex.programme, host_institute=ex.au, status="draft", title="Zephyr draft role"
    )
    w.drafter = UserFactory(institute=ex.uk, full_name="Dee Drafter")
    w.app_draft = ex.draft(
        applicant=w.drafter, opportunity=w.opportunity, skills_to_gain="Zephyr tooling, drafted."
    )
    w.submitter = UserFactory(institute=ex.uk, full_name="Sam Submitter")
    w.app_submitted = ex.submitted(
        applicant=w.submitter, opportunity=w.opportunity, offer_to_host="Zephyr red-teaming."
    )

    # Programmes: a project with a UK researcher and an AU partner, and its milestone.
    w.project = ProjectFactory(
        programme=ex.programme,
        code="JRP-ZEPHYR-01",
        title="Zephyr robustness study",
        summary="A joint zephyr study.",
        lead_institute=ex.uk,
        partner_institutes=[ex.au],
    )
    w.researcher = UserFactory(institute=ex.uk, full_name="Rita Researcher")
    MembershipFactory(project=w.project, user=w.researcher)
    w.partner = UserFactory(institute=ex.au, full_name="Pat Partner")
    MembershipFactory(project=w.project, user=w.partner)
    w.milestone = MilestoneFactory(
        project=w.project,
        owner=w.researcher,
        title="Zephyr protocol agreed",
        description="Both sides agree the zephyr protocol.",
    )

    # Handover: a UK document handed to an AU recipient; a draft handover; eyes only.
    w.sender = UserFactory(institute=ex.uk, full_name="Priya Sender")
    w.recipient = UserFactory(institute=ex.au, full_name="Liam Recipient")
    w.document = make_document(w.sender, title="Zephyr evaluation report")
    w.handover = make_handover(
        w.sender, [w.recipient], [w.document], message="The zephyr results, as agreed."
    )
    w.document_draft = make_document(w.sender, title="Zephyr draft findings")
    w.handover_draft = make_handover(
        w.sender, [w.recipient], [w.document_draft], send=False, message="Zephyr, not yet."
    )
    w.document_eyes_only = make_document(w.sender, title="Zephyr eyes only", marking=UK_EYES_ONLY)
    return w
