"""Demo documents and handovers between the demo people, with files generated here.

No binary file is kept in the repository: the PDF, DOCX and CSV files below are written by
code, small but real enough for the content checks that uploads go through.
"""

import datetime
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Institute, User
from programmes.models import Milestone

from . import services
from .markings import Marking
from .models import Document, Handover, HandoverStatus

# --- generated sample files -------------------------------------------------------------


def sample_pdf(text: str = "Exchange Portal sample document") -> bytes:
    """A one-page PDF showing ``text`` (ASCII)."""
    safe = text.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 720 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def sample_docx(text: str = "Exchange Portal sample document") -> bytes:
    """A minimal Word document with one paragraph."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{escaped}</w:t></w:r></w:p></w:body></w:document>",
        )
    return out.getvalue()


def sample_csv(rows: int = 5) -> bytes:
    lines = ["model,task,score"]
    lines += [f"model-{n},evaluation-{n % 3},{0.5 + n / 100:.2f}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- demo records -----------------------------------------------------------------------

DEMO_DOCUMENTS = [
    # (owner email, title, marking, file name, generator)
    (
        "researcher@aisi.example.gov.uk",
        "Joint evaluation protocol",
        Marking(scheme="UK", classification="OFFICIAL"),
        "evaluation-protocol.pdf",
        lambda: sample_pdf("Joint evaluation protocol, version 1"),
    ),
    (
        "researcher@aisi.example.gov.uk",
        "Red-team findings summary",
        Marking(
            scheme="UK",
            classification="OFFICIAL-SENSITIVE",
            descriptors=("COMMERCIAL",),
            handling_instructions=("RECIPIENTS ONLY",),
            releasability="REL AUS/GBR",
        ),
        "red-team-summary.docx",
        lambda: sample_docx("Red-team findings summary"),
    ),
    (
        "researcher@aisi.example.gov.uk",
        "UK staffing plan",
        Marking(scheme="UK", classification="OFFICIAL-SENSITIVE", releasability="UK EYES ONLY"),
        "staffing-plan.csv",
        lambda: sample_csv(8),
    ),
    (
        "researcher@aisi.example.gov.au",
        "Benchmark results, round 1",
        Marking(scheme="AU", classification="OFFICIAL"),
        "benchmark-results.csv",
        lambda: sample_csv(12),
    ),
    (
        "researcher@aisi.example.gov.au",
        "Model access agreement",
        Marking(
            scheme="AU",
            classification="OFFICIAL: Sensitive",
            information_management_markers=("Legal-Privilege",),
        ),
        "model-access-agreement.pdf",
        lambda: sample_pdf("Model access agreement"),
    ),
    (
        "researcher@aisi.example.gov.au",
        "Canberra site notes",
        Marking(scheme="AU", classification="OFFICIAL: Sensitive", releasability="AUSTEO"),
        "site-notes.docx",
        lambda: sample_docx("Canberra site notes"),
    ),
]


def _document(owner: User, title: str, marking: Marking, name: str, generate) -> Document:
    existing = Document.objects.filter(title=title, owner_institute=owner.institute).first()
    if existing:
        return existing
    return services.document_upload(
        user=owner, title=title, marking=marking, uploaded=upload(name, generate())
    )


def _handover(
    *,
    sender: User,
    recipients: list[User],
    documents: list[Document],
    message: str,
    end: str,
    milestone=None,
) -> Handover | None:
    if Handover.objects.filter(sender=sender, message=message).exists():
        return None
    receiving = recipients[0].institute
    handover = services.handover_prepare(
        sender=sender,
        receiving_institute=receiving,
        recipients=recipients,
        versions=[d.versions.order_by("-number").first() for d in documents],
        acknowledge_by=timezone.localdate() + datetime.timedelta(days=14),
        message=message,
        milestone=milestone,
    )
    if end == HandoverStatus.DRAFT:
        return handover
    services.handover_send(handover=handover, user=sender)
    if end == HandoverStatus.ACKNOWLEDGED:
        services.handover_acknowledge(handover=handover, user=recipients[0])
    elif end == HandoverStatus.QUERIED:
        services.handover_query(
            handover=handover,
            user=recipients[0],
            reason="The results table refers to an appendix that is not in the package.",
        )
    elif end == HandoverStatus.WITHDRAWN:
        services.handover_withdraw(
            handover=handover, user=sender, reason="Sent the wrong version by mistake."
        )
    return handover


def seed(*, stdout) -> None:
    people = {u.email: u for u in User.objects.select_related("institute")}
    if Institute.objects.filter(code__in=["UK-AISI", "AU-AISI"]).count() != 2:
        stdout.write("Handover: demo institutes missing; skipped.")
        return
    documents = {}
    for email, title, marking, name, generate in DEMO_DOCUMENTS:
        owner = people.get(email)
        if owner is None:
            continue
        documents[title] = _document(owner, title, marking, name, generate)
    uk_researcher = people.get("researcher@aisi.example.gov.uk")
    uk_manager = people.get("manager@aisi.example.gov.uk")
    au_researcher = people.get("researcher@aisi.example.gov.au")
    au_manager = people.get("manager@aisi.example.gov.au")
    if not all([uk_researcher, uk_manager, au_researcher, au_manager]):
        stdout.write("Handover: demo people missing; skipped handovers.")
        return
    plans = [
        (
            au_researcher,
            [uk_researcher, uk_manager],
            ["Benchmark results, round 1", "Model access agreement"],
            "Round 1 benchmark results and the signed access agreement, as discussed.",
            HandoverStatus.SENT,
        ),
        (
            uk_researcher,
            [au_researcher],
            ["Joint evaluation protocol"],
            "The agreed evaluation protocol for the joint project.",
            HandoverStatus.ACKNOWLEDGED,
        ),
        (
            uk_researcher,
            [au_researcher, au_manager],
            ["Red-team findings summary"],
            "Summary of red-team findings for the partner team.",
            HandoverStatus.QUERIED,
        ),
        (
            au_researcher,
            [uk_manager],
            ["Benchmark results, round 1"],
            "Early benchmark numbers (superseded).",
            HandoverStatus.WITHDRAWN,
        ),
        (
            uk_researcher,
            [au_manager],
            ["Joint evaluation protocol", "Red-team findings summary"],
            "Draft package for the steering group.",
            HandoverStatus.DRAFT,
        ),
    ]
    # A gated milestone of the programmes demo (owned in Canberra) waits on this package.
    gated = (
        Milestone.objects.filter(
            title="Cyber capability report", owner=au_researcher, requires_partner_handover=True
        )
        .filter(project__memberships__user=uk_researcher)
        .first()
    )
    plans.append(
        (
            uk_researcher,
            [au_researcher],
            ["Red-team findings summary"],
            "Red-team findings for the cyber capability report milestone.",
            HandoverStatus.SENT,
            gated,
        )
    )
    created = 0
    for sender, recipients, titles, message, end, *link in plans:
        if _handover(
            sender=sender,
            recipients=recipients,
            documents=[documents[t] for t in titles],
            message=message,
            end=end,
            milestone=link[0] if link else None,
        ):
            created += 1
    stdout.write(f"Handover: {len(documents)} documents, {created} new handovers.")
