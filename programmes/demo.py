"""Demo data for programmes. Other apps' demo data hangs off ``demo_programme()``."""

import datetime

from django.utils import timezone

from accounts.models import Institute, User

from .models import Programme
from .services import programme_managers_set

DEMO_PROGRAMME_NAME = "UK–Australia AI Security Partnership"
# Due a week after seeding, so that the first reminder scan has something to send.
DEMO_MILESTONE_TITLE = "Agree the joint evaluation protocol"


def demo_programme() -> Programme:
    programme, created = Programme.objects.get_or_create(
        name=DEMO_PROGRAMME_NAME,
        defaults={
            "description": "Joint evaluations, staff exchanges and shared research under the "
            "2026 memorandum of understanding.",
            "agreement_reference": "MoU-2026-UK-AU-AISI",
            "start_date": datetime.date(2026, 1, 1),
            "end_date": datetime.date(2029, 12, 31),
            "reciprocity_target_months": 24,
        },
    )
    if created:
        programme.institutes.set(Institute.objects.filter(code__in=["UK-AISI", "AU-AISI"]))
        programme_managers_set(
            programme=programme,
            managers=list(User.objects.filter(email__startswith="programmes@")),
        )
    return programme


# (code, title, lead institute code, status, summary)
DEMO_PROJECTS = [
    (
        "JRP-EVAL-01",
        "Joint evaluations of frontier models",
        "UK-AISI",
        "active",
        "Shared methodology and paired runs of pre-deployment evaluations.",
    ),
    (
        "JRP-AGENT-02",
        "Agentic misuse red-teaming",
        "AU-AISI",
        "active",
        "Red-teaming of tool-using agents against misuse scenarios agreed by both institutes.",
    ),
    (
        "JRP-INTERP-03",
        "Interpretability for safeguards",
        "UK-AISI",
        "proposed",
        "Scoping study for interpretability methods that support safeguard evaluations.",
    ),
]

# (title, owner key, due offset in days, final status, slip in days, gated, depends on index)
DEMO_MILESTONES = {
    "JRP-EVAL-01": [
        ("Agree evaluation protocol", "uk", -120, "done", 0, False, None),
        ("Shared test harness running at both sites", "au", -40, "done", 14, False, 0),
        ("First paired evaluation run", "uk", -10, "in_progress", 21, False, 1),
        ("Cyber capability report", "au", 6, "planned", 0, True, 2),
        ("Methodology paper draft", "uk", 45, "planned", 0, False, 2),
        ("Cancelled: legacy benchmark port", "au", 30, "cancelled", 0, False, None),
    ],
    "JRP-AGENT-02": [
        ("Threat model agreed", "au", -90, "done", 0, False, None),
        ("Scenario library v1", "uk", -20, "missed", 0, False, 0),
        ("Scenario library v2", "uk", 12, "planned", 10, False, 1),
        ("Agent sandbox hardened", "au", 25, "in_progress", 0, False, None),
        ("Red-team exercise with partner", "au", 80, "planned", 0, True, 3),
    ],
    "JRP-INTERP-03": [
        ("Literature review", "uk", 20, "in_progress", 0, False, None),
        ("Scoping report", "au", 70, "planned", 0, False, 0),
    ],
}


def _demo_people():
    people = {}
    for key, domain in (("uk", "aisi.example.gov.uk"), ("au", "aisi.example.gov.au")):
        people[key] = User.objects.filter(email=f"researcher@{domain}").first()
        people[f"{key}_manager"] = User.objects.filter(email=f"manager@{domain}").first()
        people[f"{key}_programmes"] = User.objects.filter(email=f"programmes@{domain}").first()
    return people


def seed(*, stdout) -> None:
    from . import services
    from .models import MembershipRole, Milestone, Project

    programme = demo_programme()
    stdout.write(f"Programme: {programme.name}")
    people = _demo_people()
    if not all(people.values()):
        stdout.write("Programmes: demo people missing; no projects created.")
        return
    actor = people["uk_programmes"]
    if not programme.managers.filter(pk=actor.pk).exists():
        programme_managers_set(
            programme=programme,
            managers=[*programme.managers.all(), actor, people["au_programmes"]],
        )
    institutes = {i.code: i for i in Institute.objects.filter(code__in=["UK-AISI", "AU-AISI"])}
    today = timezone.localdate()
    for code, title, lead_code, status, summary in DEMO_PROJECTS:
        if Project.objects.filter(code=code).exists():
            continue
        lead = institutes[lead_code]
        partner = institutes["AU-AISI" if lead_code == "UK-AISI" else "UK-AISI"]
        project = services.project_create(
            actor=actor,
            programme=programme,
            code=code,
            title=title,
            summary=summary,
            lead_institute=lead,
            partner_institutes=[partner],
            status=status,
            start_date=max(programme.start_date, today - datetime.timedelta(days=200)),
            end_date=today + datetime.timedelta(days=400),
        )
        for key, role in (
            ("uk_manager", MembershipRole.LEAD),
            ("au_manager", MembershipRole.LEAD),
            ("uk", MembershipRole.RESEARCHER),
            ("au", MembershipRole.RESEARCHER),
        ):
            services.project_member_add(actor=actor, project=project, user=people[key], role=role)
        created: list[Milestone] = []
        for m_title, owner, offset, m_status, slip, gated, dep in DEMO_MILESTONES[code]:
            due = today + datetime.timedelta(days=offset)
            milestone = services.milestone_create(
                actor=actor,
                project=project,
                title=m_title,
                description="",
                owner=people[owner],
                due_date=due - datetime.timedelta(days=slip),
                dependencies=[created[dep]] if dep is not None else [],
                requires_partner_handover=gated,
            )
            if slip:
                services.milestone_change_due_date(
                    actor=actor,
                    milestone=milestone,
                    due_date=due,
                    reason="Waiting on compute allocation at the partner site.",
                )
            if m_status != "planned":
                services.milestone_set_status(
                    actor=actor,
                    milestone=milestone,
                    status=m_status,
                    completed_on=min(due, today) if m_status == "done" else None,
                )
            services.deliverable_add(
                actor=actor,
                milestone=milestone,
                title=f"{m_title}: written summary",
                owner=people[owner],
                due_date=milestone.due_date,
                status="delivered" if m_status == "done" else "planned",
            )
            created.append(milestone)
        if created:
            from discussion.services import comment_post

            comment_post(
                user=people["uk"],
                record=created[0],
                body="Draft shared with the partner team; comments welcome by Friday.",
            )
        stdout.write(f"Project {code}: {len(created)} milestones, each with a deliverable")
    _milestone_due_next_week(stdout)


def _milestone_due_next_week(stdout) -> None:
    """A milestone due in a week on the first demo project, owned by the UK researcher."""
    from .models import Milestone, Project

    owner = User.objects.filter(email="researcher@aisi.example.gov.uk").first()
    project = Project.objects.order_by("pk").first()
    if owner is None or project is None:
        return
    due = timezone.now().date() + datetime.timedelta(days=7)
    milestone, created = Milestone.objects.get_or_create(
        project=project,
        title=DEMO_MILESTONE_TITLE,
        defaults={"owner": owner, "due_date": due, "baseline_due_date": due},
    )
    if created:
        stdout.write(f"Programmes: milestone “{milestone.title}” due on {due:%-d %B %Y}")
