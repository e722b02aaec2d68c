"""Marked documents and their versions, handovers with pinned items and custody chains.

Versions share a few small files, stored once under names derived from their content and
described by the handover app's own upload checks, so every recorded size, media type
and SHA-256 is the stored file's. Custody events are chained with the model's own hash.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from handover import markings
from handover.models import (
    GENESIS_HASH,
    AccessAction,
    AccessEvent,
    CustodyEvent,
    CustodyKind,
    Document,
    DocumentVersion,
    Handover,
    HandoverCounter,
    HandoverItem,
    HandoverStatus,
)
from portal.uploads import DOCUMENT_TYPES, inspect_upload

from .base import Context

SIDES = ("UK", "AU")
DOCUMENT_KINDS = ["report", "notes", "data", "plan", "summary"]


def _files() -> list[tuple[str, bytes]]:
    """A handful of small, real files (text formats: no binary kept in the repository)."""
    files = []
    for n in range(3):
        rows = ["model,task,score"] + [
            f"model-{i},evaluation-{(i + n) % 5},{0.4 + i / 200:.3f}" for i in range(20 + n * 15)
        ]
        files.append((f"results-{n + 1}.csv", ("\n".join(rows) + "\n").encode()))
    for n in range(2):
        lines = [f"# Findings, part {n + 1}", ""] + [
            f"- Finding {i}: behaviour observed under scenario {i % 7}." for i in range(30 + n * 20)
        ]
        files.append((f"findings-{n + 1}.md", ("\n".join(lines) + "\n").encode()))
    files.append(("minutes.txt", b"Minutes of the joint programme board.\n" * 40))
    return files


def _stored_files() -> list[dict]:
    """Store each file once, named by its checksum, and return its facts."""
    stored = []
    for name, content in _files():
        facts = inspect_upload(SimpleUploadedFile(name, content), allowed=DOCUMENT_TYPES)
        path = f"handover/scale-{facts.sha256[:32]}"
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(content))
        stored.append(
            {
                "file": path,
                "original_name": facts.original_name,
                "size": facts.size,
                "media_type": facts.media_type,
                "sha256": facts.sha256,
            }
        )
    return stored


def _marking(ctx: Context, side: str) -> markings.Marking:
    r = ctx.rng.random
    if side == "UK":
        sensitive = r() < 0.3
        marking = markings.Marking(
            scheme="UK",
            classification="OFFICIAL-SENSITIVE" if sensitive else "OFFICIAL",
            descriptors=(ctx.rng.choice(markings.UK_DESCRIPTORS),)
            if sensitive and r() < 0.5
            else (),
            handling_instructions=("RECIPIENTS ONLY",) if sensitive and r() < 0.3 else (),
            releasability=ctx.weighted(
                [("", 55), (markings.REL_AUS_GBR, 35), (markings.UK_EYES_ONLY, 10)]
            ),
        )
    else:
        classification = ctx.weighted(
            [("UNOFFICIAL", 10), ("OFFICIAL", 60), ("OFFICIAL: Sensitive", 30)]
        )
        unofficial = classification == "UNOFFICIAL"
        marking = markings.Marking(
            scheme="AU",
            classification=classification,
            information_management_markers=(
                (ctx.rng.choice(markings.AU_INFORMATION_MANAGEMENT_MARKERS),)
                if not unofficial and r() < 0.2
                else ()
            ),
            releasability="" if unofficial else ctx.weighted(
                [("", 55), (markings.REL_AUS_GBR, 35), (markings.AUSTEO, 10)]
            ),
        )  # fmt: skip
    return markings.validate(marking)


def seed(ctx: Context) -> None:
    versions_by_side = _documents(ctx)
    _handovers(ctx, versions_by_side)


def _documents(ctx: Context) -> dict[str, list[DocumentVersion]]:
    files = _stored_files()
    researcher = ctx.key["researcher"]
    documents, plans = [], []
    for n in range(ctx.sizes.documents):
        side = "UK" if n % 20 < 11 else "AU"
        # The benchmark researcher wrote one UK document in twenty.
        creator = researcher if side == "UK" and n % 20 == 0 else ctx.rng.choice(ctx.staff[side])
        marking = _marking(ctx, side)
        created = ctx.ago(0, 900)
        count = ctx.weighted([(1, 60), (2, 30), (3, 10)])
        moments = [created]
        for _ in range(count - 1):
            moments.append(
                min(ctx.now, moments[-1] + datetime.timedelta(days=ctx.rng.randint(1, 60)))
            )
        documents.append(
            Document(
                title=f"{ctx.topic().capitalize()}: {ctx.rng.choice(DOCUMENT_KINDS)} {n + 1}",
                owner_institute=ctx.institutes[side],
                created_by=creator,
                scheme=marking.scheme,
                classification=marking.classification,
                descriptors=list(marking.descriptors),
                handling_instructions=list(marking.handling_instructions),
                information_management_markers=list(marking.information_management_markers),
                releasability=marking.releasability,
                created_at=created,
                updated_at=moments[-1],
            )
        )
        documents[-1]._history_date = created
        uploaders = [creator] + [ctx.rng.choice(ctx.staff[side]) for _ in moments[1:]]
        plans.append((side, moments, uploaders))
    documents = ctx.create(Document, documents, history=True)
    versions = []
    for document, (_side, moments, uploaders) in zip(documents, plans, strict=True):
        for number, (at, uploader) in enumerate(zip(moments, uploaders, strict=True), start=1):
            facts = ctx.rng.choice(files)
            versions.append(
                DocumentVersion(
                    document=document,
                    number=number,
                    uploaded_by=uploader,
                    note="" if number == 1 else "Revised after review.",
                    created_at=at,
                    **facts,
                )
            )
    versions = ctx.create(DocumentVersion, versions)
    # What may go to the partner institute: versions of documents without a national-only
    # caveat (and not UNOFFICIAL), grouped by the institute that owns them.
    shareable = {"UK": [], "AU": []}
    side_of = {ctx.institutes[s].pk: s for s in SIDES}
    for version in versions:
        document = version.document
        if document.releasability in ("", markings.REL_AUS_GBR) and (
            document.classification != "UNOFFICIAL"
        ):
            shareable[side_of[document.owner_institute_id]].append(version)
    return shareable


def _handovers(ctx: Context, shareable: dict[str, list[DocumentVersion]]) -> None:
    recipient_key = ctx.key["recipient"]
    researcher = ctx.key["researcher"]
    project_members = ctx.members
    milestones_by_project: dict[int, list] = {}
    for milestone in ctx.milestones:
        milestones_by_project.setdefault(milestone.project_id, []).append(milestone)
    secondments = ctx.secondments

    plans = []
    for n in range(ctx.sizes.handovers):
        sending = SIDES[n % 2]
        receiving = "AU" if sending == "UK" else "UK"
        status = ctx.weighted(
            [
                (HandoverStatus.ACKNOWLEDGED, 55),
                (HandoverStatus.SENT, 25),
                (HandoverStatus.QUERIED, 8),
                (HandoverStatus.WITHDRAWN, 5),
                (HandoverStatus.DRAFT, 7),
            ]
        )
        recent = status in (HandoverStatus.SENT, HandoverStatus.DRAFT)
        created = ctx.ago(0, 45) if recent else ctx.ago(10, 700)
        project = milestone = secondment = None
        sender = None
        if ctx.rng.random() < 0.4:
            project = ctx.rng.choice(ctx.projects)
            senders = [
                p for p in project_members[project.pk]
                if p.institute_id == ctx.institutes[sending].pk
            ]  # fmt: skip
            if senders:
                sender = ctx.rng.choice(senders)
                if ctx.rng.random() < 0.5:
                    milestone = ctx.rng.choice(milestones_by_project[project.pk])
            else:
                project = None
        if sender is None:
            # The benchmark researcher sends one UK handover in twenty.
            sender = researcher if sending == "UK" and n % 40 == 0 else (
                ctx.rng.choice(ctx.staff[sending])
            )  # fmt: skip
        if secondments and project is None and ctx.rng.random() < 0.1:
            secondment = ctx.rng.choice(secondments)
            sender = secondment.home_manager
            sending = "UK" if sender.institute_id == ctx.institutes["UK"].pk else "AU"
            receiving = "AU" if sending == "UK" else "UK"
        recipients = ctx.rng.sample(ctx.staff[receiving], ctx.weighted([(1, 50), (2, 35), (3, 15)]))
        # The benchmark recipient receives one UK handover in ten.
        if receiving == "AU" and n % 20 == 0 and recipient_key not in recipients:
            recipients.append(recipient_key)
        pool = shareable[sending]
        items = ctx.rng.sample(
            pool, min(len(pool), ctx.weighted([(1, 45), (2, 30), (3, 15), (4, 10)]))
        )
        plans.append(
            (sending, receiving, status, created, sender, recipients, items, project, milestone,
             secondment)
        )  # fmt: skip

    # References in order of preparation, continuing each year's counter.
    order = sorted(range(len(plans)), key=lambda i: (plans[i][3], i))
    counters = dict(HandoverCounter.objects.values_list("year", "last_number"))
    references = {}
    for i in order:
        year = plans[i][3].year
        counters[year] = counters.get(year, 0) + 1
        references[i] = f"HO-{year}-{counters[year]:04d}"

    handovers, chains, all_recipients, all_items, accesses = [], [], [], [], []
    for i, plan in enumerate(plans):
        (sending, receiving, status, created, sender, recipients, items, project, milestone,
         secondment) = plan  # fmt: skip
        handover = Handover(
            reference=references[i],
            sending_institute=ctx.institutes[sending],
            receiving_institute=ctx.institutes[receiving],
            sender=sender,
            message="Documents for the joint work, as agreed.",
            status=status,
            created_at=created,
            project=project or (milestone.project if milestone else None),
            milestone=milestone,
            secondment=secondment,
        )
        events = [
            (
                CustodyKind.CREATED,
                sender,
                created,
                {
                    "items": [
                        {"version": v.pk, "file": v.original_name, "sha256": v.sha256}
                        for v in items
                    ],
                    "recipients": sorted(p.pk for p in recipients),
                },
            )
        ]
        handover.acknowledge_by = created.date() + datetime.timedelta(days=ctx.rng.randint(7, 21))
        if status != HandoverStatus.DRAFT:
            sent = min(ctx.now, created + datetime.timedelta(hours=ctx.rng.randint(0, 48)))
            handover.sent_at = sent
            handover.acknowledge_by = sent.date() + datetime.timedelta(days=ctx.rng.randint(7, 21))
            events.append((CustodyKind.SENT, sender, sent, {}))
            later = min(ctx.now, sent + datetime.timedelta(hours=ctx.rng.randint(2, 240)))
            who = ctx.rng.choice(recipients)
            if items and status in (HandoverStatus.ACKNOWLEDGED, HandoverStatus.QUERIED):
                first = items[0]
                downloaded = sent + (later - sent) / 2
                events.append(
                    (
                        CustodyKind.DOWNLOADED,
                        who,
                        downloaded,
                        {"version": first.pk, "file": first.original_name, "sha256": first.sha256},
                    )
                )
                accesses.append(
                    AccessEvent(
                        user=who,
                        version=first,
                        action=AccessAction.DOWNLOAD,
                        handover=handover,
                        at=downloaded,
                    )
                )
            if status == HandoverStatus.ACKNOWLEDGED:
                handover.acknowledged_at, handover.acknowledged_by = later, who
                events.append(
                    (CustodyKind.ACKNOWLEDGED, who, later, {"verified": [v.sha256 for v in items]})
                )
            elif status == HandoverStatus.QUERIED:
                reason = "Version 2 of the results is missing."
                handover.queried_at, handover.queried_by, handover.query_reason = later, who, reason
                events.append((CustodyKind.QUERIED, who, later, {"reason": reason}))
            elif status == HandoverStatus.WITHDRAWN:
                reason = "Sent to the wrong team."
                handover.withdrawn_at, handover.withdraw_reason = later, reason
                events.append((CustodyKind.WITHDRAWN, sender, later, {"reason": reason}))
        chain = []
        previous = GENESIS_HASH
        for sequence, (kind, actor, at, detail) in enumerate(events, start=1):
            event = CustodyEvent(
                handover=handover,
                sequence=sequence,
                kind=kind,
                actor=actor,
                at=at,
                detail=detail,
                previous_hash=previous,
            )
            event.hash = event.compute_hash(reference=handover.reference)
            previous = event.hash
            chain.append(event)
        handover.custody_head = previous
        handover._history_date = created
        handovers.append(handover)
        chains.append(chain)
        all_recipients.append(recipients)
        all_items.append(items)

    handovers = ctx.create(Handover, handovers, history=True)
    through = Handover.recipients.through
    through.objects.bulk_create(
        [
            through(handover_id=h.pk, user_id=p.pk)
            for h, people in zip(handovers, all_recipients, strict=True)
            for p in people
        ],
        batch_size=2000,
    )
    ctx.create(
        HandoverItem,
        [
            HandoverItem(handover=h, version=v)
            for h, versions in zip(handovers, all_items, strict=True)
            for v in versions
        ],
    )
    # Events and accesses were built with the unsaved handovers; they have ids now.
    ctx.create(CustodyEvent, [e for chain in chains for e in chain])
    ctx.create(AccessEvent, accesses)
    for year, last in counters.items():
        HandoverCounter.objects.update_or_create(year=year, defaults={"last_number": last})
