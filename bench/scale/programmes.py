"""Programmes, projects, their members and milestones (with dependencies)."""

from __future__ import annotations

import datetime

from programmes.models import (
    MembershipRole,
    Milestone,
    MilestoneStatus,
    Programme,
    Project,
    ProjectMembership,
    ProjectStatus,
)

from .base import VERBS, Context

MEMBERS_PER_PROJECT = 14


def seed(ctx: Context) -> None:
    _programmes(ctx)
    _projects(ctx)
    _members(ctx)
    _milestones(ctx)


def _programmes(ctx: Context) -> None:
    sizes = ctx.sizes
    rows = []
    for g in range(sizes.programmes):
        start = ctx.day(-ctx.rng.randint(400, 1200))
        programme = Programme(
            name=f"Joint research programme {g + 1:02d}",
            description="A joint programme of research and staff exchange.",
            agreement_reference=f"MoU-{2024 + g % 3}-{g + 1:02d}",
            start_date=start,
            end_date=start + datetime.timedelta(days=ctx.rng.randint(1500, 2500)),
            reciprocity_target_months=ctx.rng.choice([12, 18, 24, 36]),
            created_at=ctx.moment(start),
        )
        programme._history_date = programme.created_at
        rows.append(programme)
    ctx.programmes = ctx.create(Programme, rows, history=True)

    institutes_through = Programme.institutes.through
    institutes_through.objects.bulk_create(
        [
            institutes_through(programme_id=p.pk, institute_id=i.pk)
            for p in ctx.programmes
            for i in ctx.institutes.values()
        ]
    )
    # Each programme has a manager at each institute; the benchmark's programme manager
    # manages the first fifth of them (and nothing else comes of their institute's pool).
    managed_by_key = max(1, len(ctx.programmes) // 5)
    managers_through = Programme.managers.through
    rows = []
    for g, programme in enumerate(ctx.programmes):
        uk_pool = ctx.programme_managers["UK"][1:] or ctx.programme_managers["UK"]
        uk = ctx.key["programme_manager"] if g < managed_by_key else uk_pool[g % len(uk_pool)]
        au_pool = ctx.programme_managers["AU"]
        au = au_pool[g % len(au_pool)]
        ctx.managers_of[programme.pk] = {"UK": uk, "AU": au}
        for person in (uk, au):
            rows.append(managers_through(programme_id=programme.pk, user_id=person.pk))
    managers_through.objects.bulk_create(rows)


def _projects(ctx: Context) -> None:
    rows = []
    sides = ["UK", "AU"]
    for i in range(ctx.sizes.projects):
        programme = ctx.programmes[i % len(ctx.programmes)]
        status = ctx.weighted(
            [
                (ProjectStatus.ACTIVE, 80),
                (ProjectStatus.COMPLETED, 8),
                (ProjectStatus.PROPOSED, 6),
                (ProjectStatus.PAUSED, 4),
                (ProjectStatus.CANCELLED, 2),
            ]
        )
        length = ctx.rng.randint(540, 1100)
        if status == ProjectStatus.COMPLETED:
            start = ctx.day(-length - ctx.rng.randint(10, 300))
        elif status == ProjectStatus.PROPOSED:
            start = ctx.day(ctx.rng.randint(10, 200))
        else:
            start = ctx.day(-ctx.rng.randint(30, length - 30))
        created = ctx.moment(min(start, ctx.today) - datetime.timedelta(days=30))
        project = Project(
            programme=programme,
            code=f"JRP-{i + 1:05d}",
            title=f"{ctx.topic().capitalize()} {i + 1}",
            summary="A joint research project of the partner institutes.",
            lead_institute=ctx.institutes[sides[i % 2]],
            status=status,
            start_date=start,
            end_date=start + datetime.timedelta(days=length),
            created_at=created,
            updated_at=created,
        )
        if ctx.rng.random() < 0.03:
            project.rag_override = ctx.rng.choice(["red", "amber", "green"])
            project.rag_override_reason = "Agreed at the programme board."
            project.rag_override_at = ctx.moment(ctx.day(-ctx.rng.randint(1, 60)))
        project._history_date = created
        rows.append(project)
    ctx.projects = ctx.create(Project, rows, history=True)
    through = Project.partner_institutes.through
    through.objects.bulk_create(
        [
            through(project_id=p.pk, institute_id=ctx.institutes[sides[(i + 1) % 2]].pk)
            for i, p in enumerate(ctx.projects)
        ]
    )


def _members(ctx: Context) -> None:
    """About 14 people per project, a lead from each institute among them.

    The benchmark researcher is in one project in ten, the recipient in one in fifty, and
    the line manager in one in a hundred.
    """
    extra = [("researcher", 10, 3), ("recipient", 50, 7), ("line_manager", 100, 11)]
    rows = []
    for i, project in enumerate(ctx.projects):
        people = []
        for side in ("UK", "AU"):
            pool = ctx.staff[side]
            count = MEMBERS_PER_PROJECT // 2 + ctx.rng.randint(-2, 2)
            people += [(side, p) for p in ctx.rng.sample(pool, min(count, len(pool)))]
        for role, every, offset in extra:
            person = ctx.key[role]
            if i % every == offset % every and all(p is not person for _, p in people):
                people.append(("AU" if role == "recipient" else "UK", person))
        leads = {}
        members = []
        for side, person in people:
            if side not in leads and person not in ctx.key.values():
                leads[side] = person
                role = MembershipRole.LEAD
            else:
                role = ctx.weighted(
                    [
                        (MembershipRole.RESEARCHER, 80),
                        (MembershipRole.ADVISER, 12),
                        (MembershipRole.OBSERVER, 8),
                    ]
                )
            added = ctx.moment(max(project.start_date, project.created_at.date()))
            membership = ProjectMembership(
                project=project,
                user=person,
                institute=ctx.institutes[side],
                role=role,
                added_at=added,
            )
            membership._history_date = added
            rows.append(membership)
            members.append(person)
        ctx.members[project.pk] = members
    ctx.create(ProjectMembership, rows, history=True)


def _milestone_status(ctx: Context, due: datetime.date) -> tuple[str, datetime.date | None]:
    """A status that agrees with the due date, and the completion date if done."""
    days = (due - ctx.today).days
    if days < 0:
        status = ctx.weighted(
            [
                (MilestoneStatus.DONE, 80),
                (MilestoneStatus.MISSED, 7),
                (MilestoneStatus.IN_PROGRESS, 6),
                (MilestoneStatus.PLANNED, 3),
                (MilestoneStatus.CANCELLED, 4),
            ]
        )
    else:
        status = ctx.weighted(
            [
                (MilestoneStatus.PLANNED, 62 if days > 60 else 40),
                (MilestoneStatus.IN_PROGRESS, 33 if days > 60 else 55),
                (MilestoneStatus.DONE, 3),
                (MilestoneStatus.CANCELLED, 2),
            ]
        )
    completed = None
    if status == MilestoneStatus.DONE:
        completed = min(ctx.today, due + datetime.timedelta(days=ctx.rng.randint(-20, 10)))
    return status, completed


def _milestones(ctx: Context) -> None:
    per_project = ctx.sizes.milestones_per_project
    researcher = ctx.key["researcher"]
    rows = []
    dependencies = []  # (index of milestone, index of the earlier one it depends on)
    for project in ctx.projects:
        members = ctx.members[project.pk]
        span = (project.end_date - project.start_date).days
        dues = sorted(
            project.start_date + datetime.timedelta(days=ctx.rng.randint(14, span))
            for _ in range(per_project)
        )
        first = len(rows)
        for j, due in enumerate(dues):
            # The benchmark researcher owns a fifth of the milestones of their projects.
            mine = researcher in members and j % 5 == 0
            owner = researcher if mine else ctx.rng.choice(members)
            status, completed = _milestone_status(ctx, due)
            slip = 0 if ctx.rng.random() < 0.75 else ctx.rng.choice([-7, 7, 14, 21, 30, 60, 90])
            created = max(project.created_at, ctx.moment(project.start_date))
            updated = created
            if completed:
                updated = ctx.moment(completed)
            elif due < ctx.today:
                updated = ctx.moment(due)
            milestone = Milestone(
                project=project,
                title=f"{ctx.rng.choice(VERBS)} {ctx.topic()} ({project.code} #{j + 1})",
                description="",
                owner=owner,
                due_date=due,
                baseline_due_date=due - datetime.timedelta(days=slip),
                status=status,
                completed_on=completed,
                # Gated milestones are open ones: done would need an acknowledged handover.
                requires_partner_handover=(
                    status != MilestoneStatus.DONE and ctx.rng.random() < 0.05
                ),
                created_at=created,
                updated_at=max(updated, created),
            )
            milestone._history_date = created
            rows.append(milestone)
            if j and ctx.rng.random() < 0.2:
                dependencies.append((first + j, first + ctx.rng.randrange(j)))
    ctx.milestones = ctx.create(Milestone, rows, history=True)
    through = Milestone.dependencies.through
    through.objects.bulk_create(
        [
            through(from_milestone_id=ctx.milestones[a].pk, to_milestone_id=ctx.milestones[b].pk)
            for a, b in dependencies
        ],
        batch_size=2000,
    )
