"""Milestone exports (CSV, XLSX) and the personal iCal feed, all streamed.

Each takes an already-filtered, visibility-checked queryset from the selectors, reads
exactly the columns it writes (``values_list``, no model instances) with a server-side
cursor, and yields its output a few hundred rows at a time: the number of queries and
the memory used do not depend on the number of rows.
"""

import csv
import datetime
import zipfile
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Func, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from portal.downloads import csv_safe

from .models import OPEN_DELIVERABLE_STATUSES, Deliverable, DeliverableStatus, MilestoneStatus, Rag

HEADERS = [
    "Project",
    "Project title",
    "Milestone",
    "Owner",
    "Owner's institute",
    "Status",
    "RAG",
    "Due date",
    "Baseline due date",
    "Slippage (days)",
    "Completed on",
    "Deliverables",
    "Deliverables delivered",
    "Deliverables overdue",
]

ROW_COLUMNS = (
    "project__code",
    "project__title",
    "title",
    "owner__full_name",
    "owner__email",
    "owner__institute__code",
    "status",
    "rag",
    "due_date",
    "baseline_due_date",
    "completed_on",
    "deliverable_count",
    "deliverable_done_count",
    "deliverable_overdue_count",
)
STATUS_LABELS = dict(MilestoneStatus.choices)
RAG_LABELS = {rag.value: rag.value.capitalize() for rag in Rag}
CHUNK_ROWS = 500


def milestone_values(queryset, *, today: datetime.date) -> Iterator[tuple]:
    """The exported columns of each milestone (``ROW_COLUMNS``), straight from the
    database; the queryset must come from ``milestone_list_for_page`` (it carries the
    ``rag`` annotation and the list's order). Deliverables are counted by subqueries:
    in all, delivered, and overdue (open and due before ``today``)."""
    of_milestone = Deliverable.objects.filter(milestone_id=OuterRef("pk")).order_by()

    def count(rows):
        return Coalesce(
            Subquery(
                rows.annotate(n=Func(Value(1), function="COUNT")).values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )

    return (
        queryset.annotate(
            deliverable_count=count(of_milestone),
            deliverable_done_count=count(of_milestone.filter(status=DeliverableStatus.DELIVERED)),
            deliverable_overdue_count=count(
                of_milestone.filter(status__in=OPEN_DELIVERABLE_STATUSES, due_date__lt=today)
            ),
        )
        .values_list(*ROW_COLUMNS)
        .iterator(chunk_size=2000)
    )


def _memo(convert):
    """``convert`` remembered for values that repeat (projects, owners, labels)."""
    seen: dict = {}

    def cached(value):
        try:
            return seen[value]
        except KeyError:
            if len(seen) > 5000:
                seen.clear()
            result = seen[value] = convert(value)
            return result

    return cached


# --- CSV ------------------------------------------------------------------------------


class _Lines:
    """A file-like object that keeps what is written, for a generator to hand on."""

    def __init__(self):
        self.parts: list = []

    def write(self, value):
        self.parts.append(value)
        return len(value)

    def flush(self):
        pass

    def take(self):
        taken = self.parts
        self.parts = []
        return taken


def csv_stream(values: Iterable[tuple]) -> Iterator[str]:
    """CSV of ``milestone_values``; text a spreadsheet would run as a formula is quoted
    (``csv_safe``)."""
    lines = _Lines()
    writer = csv.writer(lines)
    safe = _memo(csv_safe)
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    writer.writerow(HEADERS)
    for count, row in enumerate(values, start=1):
        (code, project_title, title, name, email, institute, status, rag, due, base, done) = row[
            :11
        ]
        delivered_total, delivered, overdue = row[11:]
        writer.writerow(
            (
                safe(code),
                safe(project_title),
                csv_safe(title),
                safe(name or email),
                safe(institute or ""),
                STATUS_LABELS.get(status, status),
                RAG_LABELS.get(rag, rag),
                due.isoformat(),
                base.isoformat(),
                (due - base).days,
                done.isoformat() if done else "",
                delivered_total,
                delivered,
                overdue,
            )
        )
        if count % CHUNK_ROWS == 0:
            yield "".join(lines.take())
    yield "".join(lines.take())


# --- XLSX -----------------------------------------------------------------------------
# A minimal SpreadsheetML workbook, written row by row into a zip that is streamed as it
# grows (``zipfile`` writes data descriptors to an unseekable output). Text is stored as
# inline strings, so a title starting with "=" is never a formula; dates are serial
# numbers with a date format, as spreadsheet programs store them.

_XLSX_STATIC = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Milestones" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
        "</borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"
_EPOCH = datetime.date(1899, 12, 30).toordinal()
# XML's three special characters escaped, and the characters XML 1.0 cannot carry even
# escaped dropped, in one pass.
_XML_TEXT = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        **{chr(c): None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]},
        "\ufffe": None,
        "\uffff": None,
    }
)


def _xml_text(value: str) -> str:
    return value.translate(_XML_TEXT)


def _text_cell(text: str, *, style: str = "") -> str:
    # Cells carry no reference (it is optional: each follows the one before), and keep
    # their spaces only where there are any to keep, to keep the sheet small.
    if not text:
        return "<c/>"
    if text[0].isspace() or text[-1].isspace():
        return f'<c{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c{style} t="inlineStr"><is><t>{text}</t></is></c>'


def _date_cell(value) -> str:
    return f'<c s="1"><v>{value.toordinal() - _EPOCH}</v></c>' if value else "<c/>"


def xlsx_stream(values: Iterable[tuple]) -> Iterator[bytes]:
    """XLSX of ``milestone_values`` as a stream of bytes, a few hundred rows at a time."""
    text = _memo(_xml_text)
    output = _Lines()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, content in _XLSX_STATIC.items():
            zf.writestr(name, content)
        with zf.open("xl/worksheets/sheet1.xml", "w") as sheet:
            header = "".join(_text_cell(_xml_text(label), style=' s="2"') for label in HEADERS)
            parts = [_SHEET_START, f'<row r="1">{header}</row>']
            n = 1
            for row in values:
                code, ptitle, title, name, email, inst, status, rag, due, base, done = row[:11]
                n += 1
                parts.append(
                    f'<row r="{n}">'
                    + _text_cell(text(code))
                    + _text_cell(text(ptitle))
                    + _text_cell(_xml_text(title))
                    + _text_cell(text(name or email))
                    + _text_cell(text(inst or ""))
                    + _text_cell(text(STATUS_LABELS.get(status, status)))
                    + _text_cell(text(RAG_LABELS.get(rag, rag)))
                    + _date_cell(due)
                    + _date_cell(base)
                    + f"<c><v>{(due - base).days}</v></c>"
                    + _date_cell(done)
                    + "".join(f"<c><v>{count}</v></c>" for count in row[11:])
                    + "</row>"
                )
                if len(parts) >= CHUNK_ROWS:
                    sheet.write("".join(parts).encode("utf-8"))
                    parts = []
                    yield b"".join(output.take())
            parts.append(_SHEET_END)
            sheet.write("".join(parts).encode("utf-8"))
    yield b"".join(output.take())


# --- iCal -----------------------------------------------------------------------------
# RFC 5545 written directly: text escaped (section 3.3.11) and lines folded at 75 octets
# (section 3.1), CRLF line ends.


def milestone_uid(milestone_pk: int) -> str:
    return f"milestone-{milestone_pk}@{settings.PORTAL_NAME.lower().replace(' ', '-')}"


def ical_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def ical_line(line: str) -> str:
    """One content line, folded so that no physical line exceeds 75 octets."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line + "\r\n"
    pieces = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current = ""
            size = 0
            limit = 74  # continuation lines start with a space
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces) + "\r\n"


def _ical_stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _ical_event(uid: str, stamp, summary: str, day: datetime.date, url: str) -> str:
    return (
        "BEGIN:VEVENT\r\n"
        f"UID:{uid}\r\n"
        f"DTSTAMP:{_ical_stamp(stamp)}\r\n"
        + ical_line(f"SUMMARY:{ical_text(summary)}")
        + f"DTSTART;VALUE=DATE:{day:%Y%m%d}\r\n"
        f"DTEND;VALUE=DATE:{day + datetime.timedelta(days=1):%Y%m%d}\r\n"
        "TRANSP:TRANSPARENT\r\n" + ical_line(f"URL:{url}") + "END:VEVENT\r\n"
    )


def calendar_ics_stream(milestones, *, user, others: Iterable = (), base_url: str = ""):
    """RFC 5545 calendar: one all-day event per milestone, then one per event of the
    other apps' sources (``calendar_sources.CalendarEvent``); a title, a date and a link
    back to the record's page only."""
    head = [
        "BEGIN:VCALENDAR",
        f"PRODID:-//{ical_text(settings.PORTAL_NAME)}//Milestones//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_text(f'Milestones – {user.get_full_name()}')}",
    ]
    yield "".join(ical_line(line) for line in head).encode("utf-8")
    uid_suffix = milestone_uid(0).removeprefix("milestone-0")
    page = base_url + reverse("programmes:milestone_detail", args=[123456789]).replace(
        "123456789", "{}"
    )
    parts = []
    rows = milestones.values_list("pk", "title", "due_date", "updated_at", "project__code")
    for count, (pk, title, due, updated, code) in enumerate(
        rows.iterator(chunk_size=2000), start=1
    ):
        parts.append(
            _ical_event(
                f"milestone-{pk}{uid_suffix}", updated, f"{code}: {title}", due, page.format(pk)
            )
        )
        if count % CHUNK_ROWS == 0:
            yield "".join(parts).encode("utf-8")
            parts = []
    for event in others:
        parts.append(
            _ical_event(
                f"{event.uid}{uid_suffix}",
                event.stamp,
                event.summary,
                event.date,
                base_url + event.path,
            )  # fmt: skip
        )
    parts.append("END:VCALENDAR\r\n")
    yield "".join(parts).encode("utf-8")
