"""Opportunities, applications with their transitions, secondments and their checklists."""

from __future__ import annotations

import datetime

from exchange.models import (
    Application,
    ApplicationEvent,
    ChecklistItem,
    ChecklistTemplate,
    ClearanceLevel,
    DueAnchor,
    ItemKind,
    MidpointReview,
    Opportunity,
    Party,
    ReturnReport,
    Secondment,
    SigningMethod,
    VisaRoute,
)

from .base import Context

S = Application.Status
SIDES = ("UK", "AU")
DIRECTION = {"UK": "UK_AU", "AU": "AU_UK"}  # by the home side
TEAMS = ["Evaluations", "Safeguards", "Societal resilience", "Cyber", "Chem-bio", "Agents"]
LOCATIONS = {"UK": "London", "AU": "Canberra"}

# The path of each final status through the workflow, after submission.
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.ENDORSED: [S.SUBMITTED, S.ENDORSED],
    S.ACCEPTED: [S.SUBMITTED, S.ENDORSED, S.ACCEPTED],
    S.RETURNED: [S.SUBMITTED, S.RETURNED],
    S.DECLINED: [S.SUBMITTED, S.ENDORSED, S.DECLINED],
    S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
}
REASONS = {
    S.RETURNED: "Please say more about the benefit to the home team.",
    S.DECLINED: "The host team has no place for this period.",
    S.WITHDRAWN: "Personal circumstances changed.",
}


def seed(ctx: Context) -> None:
    opportunities = _opportunities(ctx)
    applications = _applications(ctx, opportunities)
    _secondments(ctx, applications)


def _other(side: str) -> str:
    return "AU" if side == "UK" else "UK"


def _opportunities(ctx: Context) -> list[Opportunity]:
    rows = []
    for o in range(ctx.sizes.opportunities):
        programme = ctx.programmes[o % len(ctx.programmes)]
        host = SIDES[o % 2]
        status = ctx.weighted(
            [(Opportunity.Status.OPEN, 55), (Opportunity.Status.CLOSED, 35), ("draft", 10)]
        )
        if status == Opportunity.Status.OPEN:
            closing = ctx.day(ctx.rng.randint(1, 120))
        elif status == Opportunity.Status.CLOSED:
            closing = ctx.day(-ctx.rng.randint(1, 700))
        else:
            closing = ctx.day(ctx.rng.randint(30, 200))
        created = ctx.moment(min(closing, ctx.today) - datetime.timedelta(days=60))
        levels = [v for v, _ in ClearanceLevel.for_scheme(host)]
        low = ctx.rng.randint(1, 6)
        rows.append(
            Opportunity(
                programme=programme,
                host_institute=ctx.institutes[host],
                team=ctx.rng.choice(TEAMS),
                title=f"{ctx.rng.choice(TEAMS)} secondment: {ctx.topic()} ({o + 1})",
                description="Work with the host team on a joint project.",
                location=LOCATIONS[host],
                min_duration_months=low,
                max_duration_months=low + ctx.rng.randint(0, 6),
                earliest_start=closing + datetime.timedelta(days=30),
                closing_date=closing,
                places=ctx.rng.randint(1, 3),
                required_clearance=ctx.rng.choice(["", *levels[:3]]),
                status=status,
                created_by=_programme_manager(ctx, programme, host),
                published_at=None if status == "draft" else created,
                closed_at=ctx.moment(closing) if status == Opportunity.Status.CLOSED else None,
                created_at=created,
                updated_at=created,
            )
        )
    return ctx.create(Opportunity, rows, history=True)


def _programme_manager(ctx: Context, programme, side: str):
    """A manager of the programme at that institute (any of the institute's, if none)."""
    if programme is None:
        return ctx.programme_managers[side][0]
    return ctx.managers_of[programme.pk][side]


def _line_manager(ctx: Context, home: str, applicant):
    pool = ctx.line_managers[home]
    manager = ctx.rng.choice(pool)
    if manager == applicant:
        manager = next((p for p in pool + ctx.staff[home] if p != applicant), None)
    return manager


def _applications(ctx: Context, opportunities: list[Opportunity]) -> list[Application]:
    sizes = ctx.sizes
    published = [o for o in opportunities if o.status != "draft"]
    by_host = {side: [o for o in published if o.host_institute_id == ctx.institutes[side].pk]
               for side in SIDES}  # fmt: skip
    # Those accepted become secondments: one each, so nobody has two at once.
    secondees = ctx.rng.sample(
        ctx.staff["UK"] + ctx.staff["AU"], min(sizes.secondments, len(ctx.users) * 3 // 4)
    )
    statuses = [S.ACCEPTED] * len(secondees)
    statuses += [
        ctx.weighted(
            [
                (S.DRAFT, 12),
                (S.SUBMITTED, 30),
                (S.ENDORSED, 15),
                (S.RETURNED, 8),
                (S.DECLINED, 20),
                (S.WITHDRAWN, 15),
            ]
        )
        for _ in range(sizes.applications - len(statuses))
    ]
    taken: set[tuple[int, int]] = set()
    rows, paths = [], []
    for n, status in enumerate(statuses):
        if n < len(secondees):
            applicant = secondees[n]
        else:
            applicant = ctx.rng.choice(ctx.users)
            if applicant.is_superuser:
                applicant = ctx.staff["UK"][0]
        home = "UK" if applicant.institute_id == ctx.institutes["UK"].pk else "AU"
        host = _other(home)
        # The benchmark line manager is named on one UK application in ten.
        if home == "UK" and n % 10 == 0 and applicant != ctx.key["line_manager"]:
            manager = ctx.key["line_manager"]
        else:
            manager = _line_manager(ctx, home, applicant)
        opportunity = None
        if status == S.ACCEPTED or ctx.rng.random() < 0.8:
            for _ in range(10):
                candidate = ctx.rng.choice(by_host[host])
                if (applicant.pk, candidate.pk) not in taken:
                    opportunity = candidate
                    taken.add((applicant.pk, candidate.pk))
                    break
        # Submitted some time ago; the last transition between then and now.
        if status == S.ACCEPTED:
            submitted = ctx.ago(60, 900)
        elif status in (S.SUBMITTED, S.ENDORSED):
            submitted = ctx.ago(1, 60)
        else:
            submitted = ctx.ago(5, 700)
        path = PATHS[status]
        moments = [submitted]
        for _ in path[1:]:
            moments.append(
                min(ctx.now, moments[-1] + datetime.timedelta(days=ctx.rng.randint(1, 20)))
            )
        created = submitted - datetime.timedelta(days=ctx.rng.randint(0, 10))
        start = (moments[-1] + datetime.timedelta(days=ctx.rng.randint(30, 120))).date()
        application = Application(
            applicant=applicant,
            opportunity=opportunity,
            programme=opportunity.programme if opportunity else None,
            home_institute=ctx.institutes[home],
            host_institute=ctx.institutes[host],
            direction=DIRECTION[home],
            proposed_start=start,
            proposed_end=start + datetime.timedelta(days=30 * ctx.rng.randint(3, 12)),
            skills_to_gain="Evaluation methods and tooling.",
            benefit_to_home_team="Shared methods for joint evaluations.",
            offer_to_host="Experience of running evaluations at scale.",
            line_manager=manager,
            has_conflict_of_interest=False,
            declaration_confirmed=status != S.DRAFT,
            status=status,
            submitted_at=None if status == S.DRAFT else submitted,
            status_changed_at=created if status == S.DRAFT else moments[-1],
            created_at=created,
            updated_at=created if status == S.DRAFT else moments[-1],
        )
        application._history_date = application.status_changed_at
        rows.append(application)
        paths.append(list(zip(path, moments, strict=False)))
    applications = ctx.create(Application, rows, history=True)

    events = []
    for application, path in zip(applications, paths, strict=True):
        applicant = application.applicant
        events.append(
            ApplicationEvent(
                application=application,
                actor=applicant,
                at=application.created_at,
                from_status="",
                to_status=S.DRAFT,
                reason="Application started.",
            )
        )
        previous = S.DRAFT
        for to, at in path:
            if to in (S.SUBMITTED, S.WITHDRAWN):
                actor = applicant
            elif to == S.ACCEPTED or (to == S.DECLINED and previous == S.ENDORSED):
                host = "UK" if application.host_institute_id == ctx.institutes["UK"].pk else "AU"
                actor = _programme_manager(ctx, application.programme, host)
            else:
                actor = application.line_manager
            events.append(
                ApplicationEvent(
                    application=application,
                    actor=actor,
                    at=at,
                    from_status=previous,
                    to_status=to,
                    reason=REASONS.get(to, ""),
                )
            )
            previous = to
    ctx.create(ApplicationEvent, events)
    return applications


def _secondment_status(ctx: Context, start: datetime.date, end: datetime.date) -> str:
    St = Secondment.Status
    if start > ctx.today:
        return ctx.weighted([(St.PLANNING, 60), (St.READY, 35), (St.CANCELLED, 5)])
    if end > ctx.today:
        return ctx.weighted([(St.ACTIVE, 97), (St.ENDED_EARLY, 3)])
    return ctx.weighted([(St.COMPLETED, 92), (St.ENDED_EARLY, 5), (St.CANCELLED, 3)])


def _status_changed(ctx: Context, status: str, application, start, end) -> datetime.datetime:
    St = Secondment.Status
    if status == St.ACTIVE:
        return ctx.moment(start)
    if status == St.COMPLETED:
        return ctx.moment(end)
    if status in (St.ENDED_EARLY, St.CANCELLED):
        return ctx.moment(min(ctx.today, end) - datetime.timedelta(days=ctx.rng.randint(0, 20)))
    return application.status_changed_at


def _due(anchor: str, offset: int, start: datetime.date, end: datetime.date) -> datetime.date:
    # As the exchange app dates a new checklist: from the start, mid-point or end.
    base = {DueAnchor.END: end, DueAnchor.MIDPOINT: start + (end - start) / 2}.get(anchor, start)
    return base + datetime.timedelta(days=offset)


def _secondments(ctx: Context, applications: list[Application]) -> None:
    St = Secondment.Status
    accepted = [a for a in applications if a.status == S.ACCEPTED]
    rows = []
    for application in accepted:
        home = "UK" if application.home_institute_id == ctx.institutes["UK"].pk else "AU"
        host = _other(home)
        start, end = application.proposed_start, application.proposed_end
        status = _secondment_status(ctx, start, end)
        reason = ""
        if status == St.CANCELLED:
            reason = "The host team's project was paused."
        elif status == St.ENDED_EARLY:
            reason = "Returned early for a home priority."
        secondment = Secondment(
            application=application,
            secondee=application.applicant,
            programme=application.programme,
            home_institute=application.home_institute,
            host_institute=application.host_institute,
            direction=application.direction,
            home_manager=application.line_manager,
            host_supervisor=ctx.rng.choice(ctx.staff[host]) if ctx.rng.random() < 0.85 else None,
            title=f"Secondment: {ctx.topic()}",
            start_date=start,
            end_date=end,
            location=LOCATIONS[host],
            status=status,
            status_reason=reason,
            status_changed_at=_status_changed(ctx, status, application, start, end),
            created_at=application.status_changed_at,
        )
        secondment._history_date = secondment.created_at
        rows.append(secondment)
    ctx.secondments = ctx.create(Secondment, rows, history=True)
    _checklists(ctx)


def _checklists(ctx: Context) -> None:
    St = Secondment.Status
    templates = {
        t.direction: list(t.items.order_by("order", "pk"))
        for t in ChecklistTemplate.objects.prefetch_related("items")
    }
    if set(templates) != {"UK_AU", "AU_UK"}:
        raise RuntimeError(
            "The checklist templates are missing: migrate the database (the exchange app's "
            "migrations install them) before seeding."
        )
    items, midpoints, returns = [], [], []
    for secondment in ctx.secondments:
        people = {
            Party.SECONDEE: secondment.secondee,
            Party.HOME: secondment.home_manager,
            Party.HOST: secondment.host_supervisor,
        }
        started = secondment.status in (St.ACTIVE, St.COMPLETED, St.ENDED_EARLY)
        ready = started or secondment.status == St.READY
        host_scheme = "AU" if secondment.direction == "UK_AU" else "UK"
        home_scheme = "UK" if host_scheme == "AU" else "AU"
        opportunity = secondment.application.opportunity
        for t in templates[secondment.direction]:
            due = _due(t.due_anchor, t.due_offset_days, secondment.start_date, secondment.end_date)
            # Ready or running: every mandatory item is closed. Otherwise, what was due
            # has mostly been done.
            if (t.mandatory and ready) or (started and due < ctx.today):
                done = True
            elif due < ctx.today:
                done = ctx.rng.random() < 0.7
            else:
                done = ctx.rng.random() < 0.1
            status = ChecklistItem.Status.DONE if done else ctx.weighted(
                [(ChecklistItem.Status.NOT_STARTED, 70), (ChecklistItem.Status.IN_PROGRESS, 30)]
            )  # fmt: skip
            owner = people.get(t.owner_party)
            completed = ctx.moment(min(due, ctx.today)) if done else None
            item = ChecklistItem(
                secondment=secondment,
                template_item=t,
                key=t.key,
                title=t.title,
                guidance=t.guidance,
                kind=t.kind,
                owner_party=t.owner_party,
                owner=owner,
                mandatory=t.mandatory,
                due_anchor=t.due_anchor,
                due_offset_days=t.due_offset_days,
                due_date=due,
                status=status,
                order=t.order,
                completed_at=completed,
                completed_by=(owner or secondment.home_manager) if done else None,
                updated_at=completed or secondment.created_at,
            )
            _item_details(ctx, item, secondment, opportunity, host_scheme, home_scheme, done)
            item._history_date = secondment.created_at
            items.append(item)
            if done and t.kind == ItemKind.MIDPOINT:
                midpoints.append(
                    MidpointReview(
                        secondment=secondment,
                        progress="on_track",
                        achievements="Good progress on the joint work.",
                        submitted_by=secondment.home_manager,
                        submitted_at=completed,
                    )
                )
            if done and t.kind == ItemKind.RETURN_REPORT:
                returns.append(
                    ReturnReport(
                        secondment=secondment,
                        work_summary="Joint evaluations with the host team.",
                        skills_gained="Evaluation tooling.",
                        knowledge_handed_over="Runbooks and code.",
                        benefit_to_home="Shared methods.",
                        would_recommend=True,
                        submitted_by=secondment.secondee,
                        submitted_at=completed,
                    )
                )
    ctx.create(ChecklistItem, items, history=True)
    ctx.create(MidpointReview, midpoints)
    ctx.create(ReturnReport, returns)


def _item_details(ctx, item, secondment, opportunity, host_scheme, home_scheme, done) -> None:
    """The facts a done clearance, visa or agreement item must record, and their dates."""
    start, end = secondment.start_date, secondment.end_date
    if item.kind == ItemKind.AGREEMENT and done:
        item.signing_method = ctx.rng.choice([SigningMethod.E_SIGNED, SigningMethod.OUTSIDE])
    elif item.kind == ItemKind.CLEARANCE:
        item.clearance_required = (opportunity.required_clearance if opportunity else "") or ""
        if done:
            held = [v for v, _ in ClearanceLevel.for_scheme(home_scheme)]
            item.clearance_held = ctx.rng.choice(held[1:4])
            requested = start - datetime.timedelta(days=ctx.rng.randint(60, 120))
            item.clearance_recognition_requested_on = requested
            item.clearance_recognition_received_on = requested + datetime.timedelta(
                days=ctx.rng.randint(5, 40)
            )
            item.clearance_expires_on = end + datetime.timedelta(days=ctx.rng.randint(-45, 900))
    elif item.kind == ItemKind.VISA:
        if secondment.direction == "UK_AU":
            item.visa_route = VisaRoute.AU_403
        elif done:
            item.visa_route = ctx.rng.choice([VisaRoute.UK_GAE, VisaRoute.UK_IA])
        if done:
            applied = start - datetime.timedelta(days=ctx.rng.randint(40, 90))
            item.visa_applied_on = applied
            item.visa_granted_on = applied + datetime.timedelta(days=ctx.rng.randint(5, 30))
            item.visa_expires_on = end + datetime.timedelta(days=ctx.rng.randint(-20, 60))
            if item.visa_route == VisaRoute.AU_403:
                item.visa_stream = "Government Agreement"
                item.letter_of_support_on = applied - datetime.timedelta(days=7)
            else:
                item.cos_assigned_on = applied - datetime.timedelta(days=ctx.rng.randint(1, 80))
